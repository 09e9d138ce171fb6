// SPDX-License-Identifier: GPL-2.0-only
/* lab_class.c - the class socket: students' namespaces joining a lab (lab_class.h). */
#include "lab_class.h"
#include "lab_counters.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <sched.h>

#include <bpf/bpf.h>

#include "lab_recover.h"
#include "loader.h"
#include "netns.h"
#include "util.h"

#define REPLY_MAX 256

struct seat_conn {
	int fd;			/* the connection; -1: the seat is free */
	dev_t dev;		/* the namespace it holds */
	ino_t ino;
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int unix_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path)) {
		rs_error("socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(a->sun_path, path);
	return 0;
}

/* One byte (the request) and, with it, the fd the peer passed; -1 in *fd if none. */
static int recv_fd(int sock, char *req, int *fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { req, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n < 0 ? -errno : -ECONNRESET;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int n_fds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), i, *fds;

			fds = (int *)CMSG_DATA(c);
			for (i = 0; i < n_fds; i++) {
				if (*fd < 0)
					*fd = fds[i];
				else
					close(fds[i]);
			}
		}
	}
	return 0;
}

static void reply(int fd, const char *text)
{
	size_t len = strlen(text);

	/* A student that hung up meanwhile is no error of the server's. */
	if (send(fd, text, len, MSG_NOSIGNAL) != (ssize_t)len)
		return;
}

/* Student k's row of the lab's counters, as name=value lines, to conn. */
static void send_counters(const struct lab *l, unsigned k, int conn)
{
	uint64_t sent[RS_NR_COUNTERS], got[RS_NR_LAB_COUNTERS];
	uint32_t host = lab_student_addr(l, k) - l->net, i;
	char path[192], *msg, a[16];
	size_t len = 0, cap = LAB_CLASS_COUNTERS_MAX;
	int fd_s, fd_d, err = -1;

	lab_pin_path(l, RS_MAP_SOURCE_COUNTERS, path, sizeof(path));
	fd_s = bpf_obj_get(path);
	lab_pin_path(l, RS_MAP_LAB_DEST_COUNTERS, path, sizeof(path));
	fd_d = bpf_obj_get(path);
	if (fd_s >= 0 && fd_d >= 0)
		err = loader_read_percpu_at(fd_s, host * RS_NR_COUNTERS, sent, RS_NR_COUNTERS) ||
		      loader_read_percpu_at(fd_d, host * RS_NR_LAB_COUNTERS, got, RS_NR_LAB_COUNTERS);
	if (fd_s >= 0)
		close(fd_s);
	if (fd_d >= 0)
		close(fd_d);
	msg = malloc(cap);
	if (err || !msg) {
		reply(conn, "error=the lab cannot read its counters\n\n");
		free(msg);
		return;
	}
	format_ipv4(lab_student_addr(l, k), a);
	len += (size_t)snprintf(msg + len, cap - len, "student=%u\naddr=%s\n", k, a);
	for (i = 0; i < RS_NR_COUNTERS; i++)
		len += (size_t)snprintf(msg + len, cap - len, "%s=%llu\n", lab_responder_desc[i].name,
					(unsigned long long)sent[i]);
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
		len += (size_t)snprintf(msg + len, cap - len, "delivered.%s=%llu\n", lab_side_desc[i].name,
					(unsigned long long)got[i]);
	snprintf(msg + len, cap - len, "\n");
	reply(conn, msg);
	free(msg);
}

static bool same_ns(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is ns (its stat) the namespace `ip netns` knows as name? */
static bool named_ns(const char *name, const struct stat *ns)
{
	char path[192];
	struct stat st;

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	return !stat(path, &st) && same_ns(ns, &st);
}

/* Is ns the server's own, or the lab's scanner or internet side? */
static bool lab_owns(const struct lab *l, const struct stat *own, const struct stat *ns)
{
	return same_ns(ns, own) || named_ns(l->ns_inet, ns) || (!l->here && named_ns(l->ns_scan, ns));
}

/* The student whose seat ns (its stat) holds, joined or made by lab up; 0: none. */
static unsigned seat_of(const struct lab *l, const struct seat_conn *seats, unsigned max,
			const struct stat *ns)
{
	unsigned k;

	for (k = 1; k <= max; k++)
		if (seats[k].fd >= 0 && seats[k].dev == ns->st_dev && seats[k].ino == ns->st_ino)
			return k;
	for (k = 1; k <= l->students; k++) {
		struct lab v;

		lab_student_view(l, k, &v);
		if (named_ns(v.ns_scan, ns))
			return k;
	}
	return 0;
}

/*
 * Lab l's lock (lab_recover.h), waited for: a join or a leave changes the
 * lab as lab up, down and load do, and must not run beside them. A lab
 * load holds it for a moment; the class waits rather than turn a student
 * away. A signal (the server's SIGTERM) does not end the wait: the change
 * it waits for is still to be made.
 */
static int lock_lab(const struct lab *l, int *fd)
{
	int err;

	do
		err = lab_lock(l, true, fd);
	while (err == -EINTR);
	return err;
}

/*
 * Seat namespace ns as student k, holding the lab's lock: the lab is
 * still up (no lab down has begun), and the programs attached are the
 * ones pinned now, after any lab load before this, and no lab load runs
 * until the student's interface carries them (a load replaces the
 * responder on every interface it finds, the student's too).
 */
static int join_locked(const struct lab *l, unsigned k, int ns)
{
	struct lab_progs p;
	int lock, err;

	err = lock_lab(l, &lock);
	if (err)
		return err;
	if (!lab_is_ready(l)) {
		rs_error("lab '%s' is not up", l->name);
		err = -ENOENT;
	} else {
		err = lab_progs_open(l, &p);
		if (!err) {
			err = lab_student_join(l, k, ns, &p);
			lab_progs_close(&p);
		}
	}
	lab_unlock(lock);
	return err;
}

/*
 * Take student k out of the lab, holding its lock: an interface that goes
 * away under a lab load would fail the load's replace on it. With the
 * lab gone (lab down), what is left is the name of the student's
 * namespace; its seat went with the lab's maps. A lock that cannot be
 * taken (said) keeps no student in the lab: it leaves all the same.
 */
static int leave_locked(const struct lab *l, unsigned k)
{
	struct lab_progs p;
	bool have;
	int lock, err;

	if (lock_lab(l, &lock))
		fprintf(stderr, "rescan: %s; student %u leaves all the same\n", rs_last_error(), k);
	have = lab_is_ready(l) && !lab_progs_open(l, &p);
	err = lab_student_leave(l, k, have ? &p : NULL);
	if (have)
		lab_progs_close(&p);
	lab_unlock(lock);
	return err;
}

/*
 * A new connection: seat its namespace, if it is one the class may have
 * ('j'), or tell the seat it holds its counters ('c', and close).
 */
static void admit(const struct lab *l, struct seat_conn *seats, unsigned max, int conn,
		  const struct stat *own)
{
	char msg[REPLY_MAX], a[16], req = 0;
	struct stat st;
	unsigned k, free_k = 0;
	int ns = -1, err;

	err = recv_fd(conn, &req, &ns);
	if (err || ns < 0) {
		reply(conn, "error=no namespace passed (send a descriptor of /proc/self/ns/net)\n\n");
		goto refuse;
	}
	if (ioctl(ns, NS_GET_NSTYPE) != CLONE_NEWNET || fstat(ns, &st)) {
		reply(conn, "error=that is no network namespace\n\n");
		goto refuse;
	}
	if (req == LAB_CLASS_COUNTERS) {
		k = seat_of(l, seats, max, &st);
		if (!k)
			reply(conn, "error=this namespace holds no seat of the class\n\n");
		else
			send_counters(l, k, conn);
		goto refuse;
	}
	k = seat_of(l, seats, max, &st);
	if (k) {
		snprintf(msg, sizeof(msg), "error=this namespace is student %u already\n\n", k);
		reply(conn, msg);
		goto refuse;
	}
	if (lab_owns(l, own, &st)) {
		reply(conn, "error=that is one of the lab's own namespaces\n\n");
		goto refuse;
	}
	for (k = 1; k <= max && !free_k; k++) {
		struct lab v;

		/* The seats of lab up --students are taken too. */
		lab_student_view(l, k, &v);
		if (seats[k].fd < 0 && !netns_exists(v.ns_scan))
			free_k = k;
	}
	if (!free_k) {
		snprintf(msg, sizeof(msg), "error=the class is full: all %u seats are taken\n\n", max);
		reply(conn, msg);
		goto refuse;
	}
	k = free_k;
	if (join_locked(l, k, ns)) {
		snprintf(msg, sizeof(msg), "error=%s\n\n", rs_last_error());
		reply(conn, msg);
		fprintf(stderr, "rescan: student %u could not join: %s\n", k, rs_last_error());
		goto refuse;
	}
	close(ns);
	seats[k] = (struct seat_conn){ conn, st.st_dev, st.st_ino };
	format_ipv4(lab_student_addr(l, k), a);
	snprintf(msg, sizeof(msg), "student=%u\naddr=%s\n\n", k, a);
	reply(conn, msg);
	printf("student %u joined: %s\n", k, a);
	fflush(stdout);
	return;
refuse:
	if (ns >= 0)
		close(ns);
	close(conn);
}

static void leave(const struct lab *l, struct seat_conn *s, unsigned k)
{
	if (leave_locked(l, k))
		fprintf(stderr, "rescan: student %u left, not cleanly: %s\n", k, rs_last_error());
	else
		printf("student %u left\n", k);
	fflush(stdout);
	close(s->fd);
	s->fd = -1;
}

int lab_class_serve(const struct lab *l, const char *path, unsigned max)
{
	struct seat_conn seats[LAB_STUDENTS_MAX + 1];
	struct pollfd pfd[LAB_STUDENTS_MAX + 1];
	struct sigaction sa = { .sa_handler = on_stop };
	struct sockaddr_un addr;
	struct lab_progs progs;
	char dir[sizeof(addr.sun_path)];
	struct stat own;
	unsigned k, n;
	int lfd, err;

	if ((err = unix_addr(path, &addr)))
		return err;
	if (stat("/proc/self/ns/net", &own)) {
		rs_error("cannot look at this process's namespace: %s", strerror(errno));
		return -errno;
	}
	/* The lab is there to join; each join opens its programs anew (join_locked). */
	err = lab_progs_open(l, &progs);
	if (err)
		return err;
	lab_progs_close(&progs);
	/* Its directory, for students to reach it (the socket itself is 0666). */
	snprintf(dir, sizeof(dir), "%s", path);
	if (strrchr(dir, '/') && strrchr(dir, '/') != dir) {
		*strrchr(dir, '/') = 0;
		mkdir_p(dir);
	}
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0666) || listen(lfd, 64)) {
		err = -errno;
		rs_error("cannot serve the class on %s: %s", path, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return err;
	}
	for (k = 0; k <= LAB_STUDENTS_MAX; k++)
		seats[k].fd = -1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("serving up to %u students on %s\n", max, path);
	fflush(stdout);

	while (!stopping) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (k = 1; k <= max; k++)
			pfd[k] = (struct pollfd){ .fd = seats[k].fd, .events = POLLIN };
		n = max + 1;
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			rs_error("poll: %s", strerror(errno));
			break;
		}
		/* A seated student says nothing more: anything readable is its hang-up. */
		for (k = 1; k <= max; k++) {
			if (seats[k].fd >= 0 && pfd[k].revents) {
				char c;

				if (recv(seats[k].fd, &c, 1, MSG_DONTWAIT) <= 0)
					leave(l, &seats[k], k);
			}
		}
		if (pfd[0].revents & POLLIN) {
			int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (conn >= 0)
				admit(l, seats, max, conn, &own);
		}
	}
	for (k = 1; k <= max; k++)
		if (seats[k].fd >= 0)
			leave(l, &seats[k], k);
	close(lfd);
	unlink(path);
	return err;
}

/*
 * Send request req with this process's namespace to the class socket at
 * path; the answer (up to its empty line) into buf. *out: the connection.
 */
static int ask(const char *path, char req, char *buf, size_t size, int *out)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &req, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct sockaddr_un addr;
	struct cmsghdr *c;
	size_t got = 0;
	int fd, ns, err;

	if ((err = unix_addr(path, &addr)))
		return err;
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ns < 0 || fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		rs_error("cannot reach the lab's class socket %s: %s", path, strerror(errno));
		goto fail;
	}
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ns, sizeof(int));
	if (sendmsg(fd, &m, MSG_NOSIGNAL) != 1) {
		err = -errno;
		rs_error("cannot pass this namespace to the lab: %s", strerror(errno));
		goto fail;
	}
	/* The answer ends with an empty line. */
	while (got < size - 1 && !(got >= 2 && !memcmp(buf + got - 2, "\n\n", 2))) {
		ssize_t n = recv(fd, buf + got, size - 1 - got, 0);

		if (n <= 0) {
			err = n ? -errno : -ECONNRESET;
			rs_error("the lab hung up before it answered");
			goto fail;
		}
		got += (size_t)n;
	}
	buf[got] = 0;
	if (!strncmp(buf, "error=", 6)) {
		buf[strcspn(buf, "\n")] = 0;
		rs_error("the lab refused: %s", buf + 6);
		err = -EPERM;
		goto fail;
	}
	close(ns);
	*out = fd;
	return 0;
fail:
	if (ns >= 0)
		close(ns);
	if (fd >= 0)
		close(fd);
	return err;
}

int lab_class_join(const char *path, struct lab_class_seat *seat, int *out)
{
	char buf[REPLY_MAX + 1], *line;
	int err;

	err = ask(path, LAB_CLASS_JOIN, buf, sizeof(buf), out);
	if (err)
		return err;
	memset(seat, 0, sizeof(*seat));
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "student=", 8))
			seat->student = (unsigned)strtoul(line + 8, NULL, 10);
		else if (!strncmp(line, "addr=", 5))
			parse_ipv4_addr(line + 5, line + strlen(line), &seat->addr);
	}
	if (!seat->student || !seat->addr) {
		rs_error("the lab's answer made no sense");
		close(*out);
		return -EPROTO;
	}
	return 0;
}

int lab_class_counters(const char *path, char *buf, size_t size)
{
	int fd, err = ask(path, LAB_CLASS_COUNTERS, buf, size, &fd);

	if (!err)
		close(fd);
	return err;
}
