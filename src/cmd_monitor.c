// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_monitor.c - rescan lab monitor: every interval, the lab's counters
 * into the timeline (monitor.h); with --listen, /metrics, /api/stats and
 * the dashboard over HTTP. Runs in the caller's network namespace (the
 * host's, the appliance's), where no student's namespace has a route to.
 * It holds nothing of the lab between samples: the pinned maps are opened
 * and closed by each read, so lab down removes everything as before, and
 * the monitor stops when they are gone.
 *
 * Also how lab up starts one in the background and lab down stops it
 * (monitor_spawn, monitor_stop).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "http_server.h"
#include "lab_counters.h"
#include "monitor.h"
#include "options.h"
#include "util.h"

/* The dashboard's files (src/dashboard, assets.S). */
extern const char dashboard_html[], dashboard_html_end[];
extern const char dashboard_css[], dashboard_css_end[];
extern const char dashboard_js[], dashboard_js_end[];

struct monitor_opts {
	const char *name, *listen;
	uint64_t interval;
};

static const struct command monitor_cmd = {
	.name = "rescan lab monitor",
	.about = "Watch a running lab for the teacher, in the foreground until SIGTERM or\n"
		 "SIGINT, or until the lab goes down (exit 0). Every interval it appends\n"
		 "each scanner's counters that moved to the timeline, RESULTS/timeline.csv\n"
		 "(the lab's results directory, root's alone): time_ms, student, addr,\n"
		 "packets, answered, delivered, the drops for rate cap, do-not-scan and\n"
		 "spoofing, one dns:LABEL column per do-not-scan label; an idle class\n"
		 "writes nothing. With --listen it also serves, to the host or the\n"
		 "teacher's network and never to a student's namespace (no route\n"
		 "leads here from one): / a dashboard of every student (live rate,\n"
		 "violations), /metrics for Prometheus, /api/stats as JSON. Nothing\n"
		 "it serves names the world or its seed. rescan lab up starts one\n"
		 "(lab up --metrics ADDR:PORT: with --listen) and lab down stops it;\n"
		 "run one yourself for a lab made with lab up --no-monitor.",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct monitor_opts, name),
		OPT_U64_RANGE('i', "interval", struct monitor_opts, interval, "MS", 100, 3600000,
			      "milliseconds between two samples (default 1000)"),
		OPT_STRING('l', "listen", struct monitor_opts, listen, "ADDR:PORT",
			   "serve the dashboard, /metrics and /api/stats there\n"
			   "(127.0.0.1:9100: this machine; 0.0.0.0:9100: its\n"
			   "networks too; port 0: any free one). Default: off"),
		{} },
	.example = "example:\n"
		   "  rescan lab up --no-monitor ...; rescan lab monitor --listen 127.0.0.1:9100 &\n"
		   "  curl -s http://127.0.0.1:9100/metrics | grep rescan_student_packets_total",
};

struct monitor {
	struct lab lab;
	struct lab_counters *now, *prev, *scratch;
	uint64_t t_now, t_prev;		/* CLOCK_REALTIME ms of the two samples */
	bool have_now;
	uint64_t samples;
	double rate[RS_SOURCES];
	float history[RS_SOURCES][MONITOR_HISTORY];
	unsigned history_len, history_next;
	uint64_t interval_ms;
	struct monitor_row last[RS_SOURCES];	/* each row's last timeline line */
	bool written[RS_SOURCES];
	ino_t pin_ino;			/* the lab's counters map, to tell it from a new lab */
	unsigned world_services;
	char timeline_path[192];
	FILE *timeline;
};

static volatile sig_atomic_t monitor_stop_sig;

static void on_stop(int sig)
{
	monitor_stop_sig = sig;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static ino_t counters_ino(const struct lab *l)
{
	char path[192];
	struct stat st;

	lab_pin_path(l, RS_MAP_COUNTERS, path, sizeof(path));
	return stat(path, &st) ? 0 : st.st_ino;
}

static int count_service(const char *key, const char *v, void *ctx)
{
	(void)v;
	*(unsigned *)ctx += !strcmp(key, "service");
	return 0;
}

/* Services with open hosts: the state's service= lines (lab load changes them). */
static unsigned count_services(const struct lab *l)
{
	unsigned n = 0;

	lab_state_foreach(l, count_service, &n);
	return n;
}

/*
 * The timeline, opened on its first line: appended to if its header is
 * the one these labels give, else the old file becomes timeline.csv.1.
 */
static int timeline_open(struct monitor *m, const struct lab_counters *c)
{
	char *want = NULL, have[4096];
	size_t want_len = 0;
	struct stat st;
	FILE *f;
	int fd, err = 0;

	f = open_memstream(&want, &want_len);
	if (!f)
		return -ENOMEM;
	monitor_timeline_header(f, c->labels, c->nlabels);
	fclose(f);
	if (stat(m->lab.results_dir, &st) && errno == ENOENT) {
		/* As lab up makes it for a class: students find their own below. */
		err = mkdir_p(m->lab.results_dir);
		if (!err && chmod(m->lab.results_dir, 0711))
			err = -errno;
		if (err) {
			rs_error("cannot create %s: %s", m->lab.results_dir, strerror(-err));
			goto out;
		}
	}
	snprintf(m->timeline_path, sizeof(m->timeline_path), "%s/" MONITOR_TIMELINE,
		 m->lab.results_dir);
	f = fopen(m->timeline_path, "r");
	if (f) {
		bool empty = !fgets(have, sizeof(have), f);

		fclose(f);
		if (!empty && strcmp(have, want)) {
			char old[200];

			snprintf(old, sizeof(old), "%s.1", m->timeline_path);
			if (rename(m->timeline_path, old)) {
				err = -errno;
				rs_error("cannot rename %s: %s", m->timeline_path, strerror(errno));
				goto out;
			}
			fprintf(stderr, "rescan: %s had other columns; it is now %s, and a new "
				"timeline starts\n", m->timeline_path, old);
		}
	}
	fd = open(m->timeline_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fstat(fd, &st) || fchmod(fd, 0600)) {
		err = -errno;
		rs_error("cannot write %s: %s", m->timeline_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	m->timeline = fdopen(fd, "a");
	if (!m->timeline) {
		err = -errno;
		close(fd);
		goto out;
	}
	if (!st.st_size)
		fputs(want, m->timeline);
out:
	free(want);
	return err;
}

/*
 * Read the counters and write the rows that moved (final: by the ARP
 * refresh too). -ENOENT when the lab is gone, -errno on another failure.
 */
static int monitor_sample(struct monitor *m, bool final)
{
	struct lab_counters *c = m->scratch;
	uint64_t t;
	uint32_t h;
	int err;

	if (counters_ino(&m->lab) != m->pin_ino)
		return -ENOENT;
	m->world_services = count_services(&m->lab);
	err = lab_counters_read(&m->lab, c, false);
	if (err)
		return err;
	t = monitor_now_ms();
	m->scratch = m->prev;
	m->prev = m->now;
	m->now = c;
	m->t_prev = m->t_now;
	m->t_now = t;
	if (m->have_now && t > m->t_prev) {
		for (h = 0; h < RS_SOURCES; h++) {
			m->rate[h] = (double)(lab_row_packets(m->now, h) - lab_row_packets(m->prev, h)) *
				     1000.0 / (double)(t - m->t_prev);
			m->history[h][m->history_next] = (float)m->rate[h];
		}
		m->history_next = (m->history_next + 1) % MONITOR_HISTORY;
		if (m->history_len < MONITOR_HISTORY)
			m->history_len++;
	}
	m->have_now = true;
	m->samples++;
	for (h = 0; h < RS_SOURCES; h++) {
		struct monitor_row r;

		if (!lab_row_used(c, h))
			continue;
		monitor_row_get(&m->lab, c, h, &r);
		if (!monitor_row_moved(m->written[h] ? &m->last[h] : NULL, &r, c->nlabels, final))
			continue;
		if (!m->timeline && (err = timeline_open(m, c)))
			return err;
		monitor_timeline_line(m->timeline, t, &r, c->nlabels);
		m->last[h] = r;
		m->written[h] = true;
	}
	if (m->timeline && fflush(m->timeline)) {
		rs_error("cannot write %s: %s", m->timeline_path, strerror(errno));
		return -EIO;
	}
	return 0;
}

static void serve(const char *path, struct http_response *resp, void *ctx)
{
	struct monitor *m = ctx;
	struct monitor_view v = { .lab = &m->lab, .now = m->now, .rate_pps = m->rate,
				  .history = m->history, .history_len = m->history_len,
				  .history_next = m->history_next, .interval_ms = m->interval_ms,
				  .world_services = m->world_services, .samples = m->samples };
	uint64_t t = m->t_now;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	resp->status = 200;
	if (!strcmp(path, "/") || !strcmp(path, "/index.html")) {
		resp->type = "text/html; charset=utf-8";
		resp->body = dashboard_html;
		resp->len = (size_t)(dashboard_html_end - dashboard_html);
		return;
	}
	if (!strcmp(path, "/dashboard.css")) {
		resp->type = "text/css; charset=utf-8";
		resp->body = dashboard_css;
		resp->len = (size_t)(dashboard_css_end - dashboard_css);
		return;
	}
	if (!strcmp(path, "/dashboard.js")) {
		resp->type = "text/javascript; charset=utf-8";
		resp->body = dashboard_js;
		resp->len = (size_t)(dashboard_js_end - dashboard_js);
		return;
	}
	if (strcmp(path, "/metrics") && strcmp(path, "/api/stats")) {
		resp->status = 404;
		return;
	}
	/* The counters as they are now; the rates from the last two samples. */
	if (!lab_counters_read(&m->lab, m->scratch, false)) {
		v.now = m->scratch;
		t = monitor_now_ms();
	} else if (!m->have_now) {
		resp->status = 503;
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		resp->status = 500;
		return;
	}
	if (!strcmp(path, "/metrics")) {
		resp->type = "text/plain; version=0.0.4; charset=utf-8";
		monitor_metrics(f, &v);
	} else {
		struct json_object *jo = monitor_api_stats(&v, t);

		resp->type = "application/json";
		fputs(json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE), f);
		fputc('\n', f);
		json_object_put(jo);
	}
	if (fclose(f)) {
		free(buf);
		resp->status = 500;
		return;
	}
	resp->body = resp->owned = buf;
	resp->len = len;
}

/*
 * The socket to serve on: the one lab up bound and handed down as fd 3
 * (LISTEN_FDS=1 and LISTEN_PID, as systemd passes sockets), else a new one.
 */
static int listen_socket(const char *spec, int *fd, char *bound, size_t len)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int acc = 0;
	socklen_t al = sizeof(acc);

	if (fds && pid && !strcmp(fds, "1") && strtol(pid, NULL, 10) == getpid() &&
	    !getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) && acc) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		fcntl(3, F_SETFD, FD_CLOEXEC);
		*fd = 3;
		return http_sock_name(3, bound, len);
	}
	return http_listen(spec, fd, bound, len);
}

static int monitor_run(struct monitor *m, const char *listen, uint64_t interval)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct pollfd pfd[1 + HTTP_CLIENTS_MAX];
	struct http_server http = { .fd = -1 };
	char bound[64] = "";
	uint64_t next, now;
	int err, fd, n, timeout;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (listen) {
		err = listen_socket(listen, &fd, bound, sizeof(bound));
		if (err)
			return err;
		http_server_init(&http, fd, serve, m);
	}
	err = monitor_sample(m, false);
	if (err == -ENOENT) {
		rs_error("lab '%s' went down before its first sample", m->lab.name);
		goto out;
	}
	if (err)
		goto out;
	printf("monitor of lab '%s': timeline %s/" MONITOR_TIMELINE ", every %llu ms", m->lab.name,
	       m->lab.results_dir, (unsigned long long)interval);
	if (listen)
		printf("; dashboard http://%s/, metrics http://%s/metrics", bound, bound);
	printf("\n");
	fflush(stdout);
	next = mono_ms() + interval;
	while (!monitor_stop_sig) {
		now = mono_ms();
		if (now >= next) {
			err = monitor_sample(m, false);
			if (err)
				break;
			next += interval;
			if (next <= now)
				next = now + interval;
		}
		timeout = (int)(next - now);
		n = 0;
		if (listen) {
			int t = http_server_timeout(&http, now);

			if (t >= 0 && t < timeout)
				timeout = t;
			n = http_server_pollfds(&http, pfd);
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			err = -errno;
			rs_error("poll: %s", strerror(errno));
			break;
		}
		if (listen)
			http_server_handle(&http, pfd, n, mono_ms());
	}
	if (err == -ENOENT) {
		printf("lab '%s' is down: the monitor stops\n", m->lab.name);
		err = 0;
	} else if (!err) {
		/* Stopped: the last values of every row, where they moved at all. */
		err = monitor_sample(m, true);
		if (err == -ENOENT)
			err = 0;
		printf("monitor of lab '%s' stopped (%s)\n", m->lab.name,
		       strsignal(monitor_stop_sig));
	}
out:
	if (listen)
		http_server_close(&http);
	if (m->timeline)
		fclose(m->timeline);
	return err;
}

int lab_monitor_cmd(int argc, char **argv)
{
	struct monitor_opts o = { .interval = 1000 };
	static struct lab_counters bufs[3];
	static struct monitor m;
	char **args;
	int nargs, rc, err;

	rc = options_parse(&monitor_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.listen) {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (http_parse_listen(o.listen, &ss, &sl))
			return options_usage_error(&monitor_cmd, "--listen %s", rs_last_error());
	}
	rc = lab_for_command(o.name, true, &m.lab);
	if (rc)
		return rc;
	/* One timeline, one writer. */
	if (monitor_running(&m.lab)) {
		rs_print_error("lab '%s' has a monitor already (pid %d): stop it first, or give lab "
			       "up --metrics ADDR:PORT to have its own serve", m.lab.name,
			       (int)monitor_running(&m.lab));
		return RS_EXIT_STATE;
	}
	m.now = &bufs[0];
	m.prev = &bufs[1];
	m.scratch = &bufs[2];
	m.pin_ino = counters_ino(&m.lab);
	m.world_services = count_services(&m.lab);
	m.interval_ms = o.interval;
	err = monitor_run(&m, o.listen, o.interval);
	if (err) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	return RS_EXIT_OK;
}

/* ---- lab up starts one, lab down stops it -------------------------------- */

void monitor_log_path(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s/monitor.log", l->run_dir);
}

int monitor_spawn(const struct lab *l, const char *listen, int listen_fd, pid_t *pid)
{
	char log[192], interval[] = "1000";
	char *argv[] = { "rescan", "lab", "monitor", "--name", (char *)l->name, "--interval",
			 interval, listen ? "--listen" : NULL, (char *)listen, NULL };
	int logfd, nullfd, pipefd[2], err = 0;
	pid_t child;
	ssize_t n;
	char done;

	monitor_log_path(l, log, sizeof(log));
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0) {
		err = -errno;
		rs_error("cannot write %s: %s", log, strerror(errno));
		return err;
	}
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0 || pipe2(pipefd, O_CLOEXEC)) {
		err = -errno;
		rs_error("cannot start the monitor: %s", strerror(errno));
		close(logfd);
		if (nullfd >= 0)
			close(nullfd);
		return err;
	}
	child = fork();
	if (child == 0) {
		char pidbuf[16];
		pid_t grandchild;
		int done_fd;

		/* A session of its own, and no parent to wait for it: init reaps it. */
		setsid();
		grandchild = fork();
		if (grandchild != 0) {
			if (write(pipefd[1], &grandchild, sizeof(grandchild)) < 0)
				_exit(1);
			_exit(0);
		}
		/* Out of the way of 0 to 3 first: lab up may have run with any of them closed. */
		nullfd = fcntl(nullfd, F_DUPFD_CLOEXEC, 10);
		logfd = fcntl(logfd, F_DUPFD_CLOEXEC, 10);
		done_fd = fcntl(pipefd[1], F_DUPFD_CLOEXEC, 10);
		if (listen_fd >= 0)
			listen_fd = fcntl(listen_fd, F_DUPFD_CLOEXEC, 10);
		if (nullfd < 0 || logfd < 0 || done_fd < 0 || dup2(nullfd, 0) < 0 ||
		    dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		if (listen_fd >= 0) {
			if (dup2(listen_fd, 3) < 0)
				_exit(127);
			snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
			setenv("LISTEN_FDS", "1", 1);
			setenv("LISTEN_PID", pidbuf, 1);
		}
		/*
		 * Nothing of lab up's: no fd, no directory the lab removes. But
		 * done_fd, which exec closes: then lab up returns, and a lab
		 * down right after it finds the monitor by its command line.
		 */
		close_range(listen_fd >= 0 ? 4 : 3, (unsigned)done_fd - 1, 0);
		close_range((unsigned)done_fd + 1, ~0u, 0);
		if (chdir("/"))
			_exit(127);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "rescan: cannot start the monitor: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	close(logfd);
	close(nullfd);
	if (child < 0) {
		err = -errno;
		rs_error("cannot start the monitor: %s", strerror(errno));
		close(pipefd[0]);
		return err;
	}
	n = read(pipefd[0], pid, sizeof(*pid));
	/* The end of the pipe: the monitor runs as such, or never will. */
	while (n == sizeof(*pid)) {
		ssize_t r = read(pipefd[0], &done, 1);

		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
	close(pipefd[0]);
	waitpid(child, NULL, 0);
	if (n != sizeof(*pid)) {
		rs_error("cannot start the monitor: it did not start");
		return -ECHILD;
	}
	return 0;
}

/*
 * Is pid a `rescan lab monitor` of lab name? Its command line says:
 * argv[1..2] "lab monitor", and --name NAME (-n NAME, --name=NAME), or no
 * name for the default lab.
 */
static bool is_monitor_of(pid_t pid, const char *name)
{
	char path[64], buf[1024], *a[16];
	const char *lab = LAB_DEFAULT_NAME;
	size_t len, i, n = 0;
	char *base;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = 0;
	for (i = 0; i < len && n < 16; i += strlen(buf + i) + 1)
		a[n++] = buf + i;
	if (n < 3 || strcmp(a[1], "lab") || strcmp(a[2], "monitor"))
		return false;
	base = strrchr(a[0], '/');
	if (strcmp(base ? base + 1 : a[0], "rescan"))
		return false;
	for (i = 3; i < n; i++) {
		if ((!strcmp(a[i], "--name") || !strcmp(a[i], "-n")) && i + 1 < n)
			lab = a[++i];
		else if (!strncmp(a[i], "--name=", 7))
			lab = a[i] + 7;
	}
	return !strcmp(lab, name);
}

/* Alive, and no zombie: its state in /proc/PID/stat. */
static bool alive(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The monitors of lab l that run: pids into pids; how many. */
static size_t find_monitors(const struct lab *l, pid_t *pids, size_t max)
{
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		if (is_monitor_of((pid_t)pid, l->name) && alive((pid_t)pid))
			pids[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

pid_t monitor_running(const struct lab *l)
{
	pid_t pid;

	return find_monitors(l, &pid, 1) ? pid : 0;
}

int monitor_stop(const struct lab *l)
{
	pid_t pids[16];
	size_t n = find_monitors(l, pids, 16), i, left;
	int round;

	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	/* Its last sample and a few writes: well under a second. */
	for (round = 0; round < 250; round++) {
		for (i = 0, left = 0; i < n; i++)
			left += alive(pids[i]);
		if (!left)
			return (int)n;
		usleep(20000);
	}
	for (i = 0; i < n; i++)
		if (alive(pids[i]))
			kill(pids[i], SIGKILL);
	return (int)n;
}
