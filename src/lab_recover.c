// SPDX-License-Identifier: GPL-2.0-only
/* lab_recover.c - the lab's lock, its ready mark, what is left of it (see lab_recover.h). */
#include "lab_recover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "scanner_config.h"
#include "util.h"

/* The lock file of every lab under the run directory's parent (/run/rescan/labs.lock). */
static void lock_path(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s", l->run_dir);
	*strrchr(buf, '/') = 0;
	snprintf(buf + strlen(buf), len - strlen(buf), "/labs.lock");
}

/*
 * Lab l's lock: a record lock (fcntl F_SETLK) on one byte of the lock
 * file, the name read as a number in bijective base 38 (its characters
 * a-z, 0-9 and '-' the digits 1 to 37), so no two names share a byte and
 * the file never needs removing. A record lock belongs to the process,
 * not to the open file: a child forked on the way (the monitor) never
 * holds it, and F_GETLK names the holder. Closing any descriptor of the
 * file drops it: the holder opens the file once, and closes it in
 * lab_unlock.
 */
static struct flock lab_byte(const struct lab *l, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_len = 1 };
	const char *c;

	for (c = l->name; *c; c++)
		fl.l_start = fl.l_start * 38 +
			     (*c == '-' ? 37 : *c <= '9' ? 27 + (*c - '0') : 1 + (*c - 'a'));
	return fl;
}

/* The pid of the process that holds l's lock in the file open at fd; 0: nobody. */
static int holder(const struct lab *l, int fd)
{
	struct flock fl = lab_byte(l, F_WRLCK);

	if (fcntl(fd, F_GETLK, &fl) || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid > 0 ? fl.l_pid : -1;
}

int lab_lock(const struct lab *l, bool wait, int *fd)
{
	struct flock fl = lab_byte(l, F_WRLCK);
	char path[160], dir[160], pid[24] = "";
	int err, who;

	snprintf(dir, sizeof(dir), "%s", l->run_dir);
	*strrchr(dir, '/') = 0;
	err = mkdir_p(dir);
	if (err) {
		rs_error("cannot create %s: %s", dir, strerror(-err));
		return err;
	}
	lock_path(l, path, sizeof(path));
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0) {
		err = -errno;
		rs_error("cannot open the labs' lock %s: %s", path, strerror(errno));
		return err;
	}
	if (!fcntl(*fd, wait ? F_SETLKW : F_SETLK, &fl))
		return 0;
	err = -errno;
	who = holder(l, *fd);
	close(*fd);
	*fd = -1;
	if (wait || (err != -EAGAIN && err != -EACCES)) {
		rs_error("cannot lock lab '%s' in %s: %s", l->name, path, strerror(-err));
		return err;
	}
	if (who > 0)
		snprintf(pid, sizeof(pid), " (pid %d)", who);
	rs_error("lab '%s' is being changed by another rescan%s (lab up, down, load or a "
		 "class join): wait for it to finish", l->name, pid);
	return -EBUSY;
}

void lab_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int lab_lock_holder(const struct lab *l)
{
	char path[160];
	int fd, who;

	lock_path(l, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	who = holder(l, fd);
	close(fd);
	return who;
}

void lab_ready_path(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s/ready", l->run_dir);
}

int lab_mark_ready(const struct lab *l)
{
	char path[160];
	int fd;

	lab_ready_path(l, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || close(fd)) {
		int err = -errno;

		rs_error("cannot mark the lab ready at %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

void lab_unmark_ready(const struct lab *l)
{
	char path[160];

	lab_ready_path(l, path, sizeof(path));
	unlink(path);
}

bool lab_is_ready(const struct lab *l)
{
	char path[160];

	lab_ready_path(l, path, sizeof(path));
	/* The run directory is root's: to anyone else a lab that is up is ready. */
	return lab_is_up(l) && (!access(path, F_OK) || errno != ENOENT);
}

/* A scanner namespace ns of lab l or its configuration; said into what. */
static bool scanner_left(const struct lab *l, const char *ns, char *what, size_t len)
{
	struct lab v = *l;
	char etc[128];

	if (netns_exists(ns)) {
		snprintf(what, len, "namespace %s", ns);
		return true;
	}
	snprintf(v.ns_scan, sizeof(v.ns_scan), "%s", ns);
	scanner_config_netns_dir(&v, etc, sizeof(etc));
	if (!access(etc, F_OK)) {
		snprintf(what, len, "%s", etc);
		return true;
	}
	return false;
}

bool lab_leftovers(const struct lab *l, char *what, size_t len)
{
	char ns[32];
	unsigned k;

	if (netns_exists(l->ns_inet)) {
		snprintf(what, len, "namespace %s", l->ns_inet);
		return true;
	}
	/* Whatever mode the lab was made in: without a state, nothing says. */
	snprintf(ns, sizeof(ns), "%s-scan", l->name);
	if (scanner_left(l, ns, what, len))
		return true;
	for (k = 1; k <= LAB_STUDENTS_MAX; k++) {
		snprintf(ns, sizeof(ns), "%s-s%u", l->name, k);
		if (scanner_left(l, ns, what, len))
			return true;
	}
	if (!access(l->pin_dir, F_OK)) {
		snprintf(what, len, "%s", l->pin_dir);
		return true;
	}
	if (!access(l->run_dir, F_OK)) {
		snprintf(what, len, "%s", l->run_dir);
		return true;
	}
	return false;
}
