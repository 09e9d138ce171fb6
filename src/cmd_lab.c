// SPDX-License-Identifier: GPL-2.0-only
/* cmd_lab.c - rescan lab up | down | exec | status | preflight | env | scanner-config */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <signal.h>
#include <unistd.h>

#include <json-c/json.h>

#include "assignment.h"
#include "commands.h"
#include "http_server.h"
#include "lab.h"
#include "lab_class.h"
#include "lab_datapath.h"
#include "lab_recover.h"
#include "netns.h"
#include "options.h"
#include "preflight.h"
#include "scanner_config.h"
#include "subcmd.h"
#include "util.h"

int lab_for_command(const char *name, bool need_up, struct lab *l)
{
	if (lab_describe(l, name)) {
		rs_print_last_error();
		return RS_EXIT_USAGE;
	}
	if (need_up && !lab_is_up(l)) {
		rs_print_error("no lab '%s' is up (start one with 'rescan lab up%s%s')", l->name,
			       name ? " --name " : "", name ? name : "");
		return RS_EXIT_STATE;
	}
	if (need_up)
		lab_read_state(l);
	return 0;
}

/* ---- up ----------------------------------------------------------------- */

struct up_opts {
	const char *world, *name, *iface, *data_path, *do_not_scan, *assignment, *metrics;
	const char *metrics_netns;
	bool here, no_default_route, no_monitor;
	uint64_t students, student_rate, student_burst;
};

static const struct command up_cmd = {
	.name = "rescan lab up",
	.about = "Create a sealed lab: a scanner namespace whose only way out is a veth into\n"
		 "an internet namespace, where an XDP program answers probes from WORLD.\n"
		 "What a rescan killed half way through lab up or lab down left of a lab\n"
		 "of this name is removed first (one note says so).",
	.opts = (const struct opt[]){
		OPT_STRING('w', "world", struct up_opts, world, "WORLD",
			   "world file or synth:SEED (default " DEFAULT_WORLD_SPEC ")"),
		OPT_LAB_NAME(struct up_opts, name),
		OPT_FLAG(0, "here", struct up_opts, here,
			 "make the caller's own network namespace the scanner\n"
			 "side (containers, host mode) instead of a new one"),
		OPT_LAB_IFACE(struct up_opts, iface,
			      "with --here: the scanner-side interface (default " LAB_SCAN_IFACE ")"),
		OPT_FLAG(0, "no-default-route", struct up_opts, no_default_route,
			 "with --here: leave the default route alone\n"
			 "(host mode: then give zmap -i IF -G MAC -S ADDR)"),
		OPT_STRING(0, "data-path", struct up_opts, data_path, "PATH",
			   "threaded, softirq or auto (the default: threaded\n"
			   "from Linux 6.16 on): where the responder and the\n"
			   "replies run (README, How it works)"),
		OPT_U64_RANGE(0, "students", struct up_opts, students, "N", 0, LAB_STUDENTS_MAX,
			      "a class: N students, each with a namespace and veth\n"
			      "of its own (rescan lab exec --student K); students in\n"
			      "containers join instead (rescan lab class-serve)"),
		OPT_U64(0, "student-rate", struct up_opts, student_rate, "PPS",
			"cap each student at PPS probes per second; what is\n"
			"over it is dropped and counted (default: no cap)"),
		OPT_U64(0, "student-burst", struct up_opts, student_burst, "N",
			"with --student-rate: probes a student may send at\n"
			"at once (default: 100 ms at the cap, at least 64): a\n"
			"scanner that fell behind catches up in a burst"),
		OPT_STRING(0, "do-not-scan", struct up_opts, do_not_scan, "FILE",
			   "ranges never answered, each probe into them counted\n"
			   "per student and label (CIDR [# label] per line:\n"
			   "ZMap's blocklist format)"),
		OPT_STRING('a', "assignment", struct up_opts, assignment, "FILE",
			   "what the class is asked (README, Grading): its world,\n"
			   "student_rate, student_burst and do_not_scan unless\n"
			   "given here; rescan grade --lab reads it back"),
		OPT_STRING(0, "metrics", struct up_opts, metrics, "ADDR:PORT",
			   "the lab's monitor also serves a dashboard, /metrics\n"
			   "(Prometheus) and /api/stats there, for the host or\n"
			   "the teacher's network, never a student (rescan lab\n"
			   "monitor --help). Default: no server"),
		OPT_STRING(0, "metrics-netns", struct up_opts, metrics_netns, "NS",
			   "with --metrics: serve in network namespace NS (ip\n"
			   "netns) instead of this one: the appliance keeps\n"
			   "Docker's link there, where no scanner can send"),
		OPT_FLAG(0, "no-monitor", struct up_opts, no_monitor,
			 "start no monitor: no timeline of the class's counters\n"
			 "(by default one runs in the background until lab down\n"
			 "and writes RESULTS/timeline.csv)"),
		{} },
	.example = "Then: rescan lab exec -- zmap -p 80 -o http.csv\n"
		   "A class: rescan lab up --world synth:random --students 20 --student-rate 50000\n"
		   "         rescan lab exec --student 3 -- bash -l\n"
		   "Watch it: rescan lab up ... --metrics 127.0.0.1:9100, then open\n"
		   "         http://127.0.0.1:9100/ on this machine",
};

/* The monitor lab up started: its pid (0: none) and where it serves ("": nowhere). */
struct up_monitor {
	pid_t pid;
	char listen[64];
};

static void print_ready(const struct lab *l, const struct world *w, const char *desc,
			const char *name, const struct up_monitor *mon, double t0)
{
	char a[16], g[16];
	uint32_t i;

	format_ipv4(l->scan_addr, a);
	format_ipv4(l->gw_addr, g);
	printf("lab '%s' up in %.1f s: world %s (", l->name, now_seconds() - t0, desc);
	for (i = 0; i < w->nservices; i++) {
		char s[32];

		const struct world_service *ws = &w->services[i];
		enum rs_state st = RS_STATE_OPEN;

		/* Its open hosts, or the first state it has. */
		while (ws->set[st] == RS_NO_SET && st < RS_STATE_FILTERED)
			st++;
		svc_format(ws->svc, s, sizeof(s));
		printf("%s%s %llu%s%s", i ? ", " : "", s, (unsigned long long)ws->hosts[st],
		       st == RS_STATE_OPEN ? "" : " ", st == RS_STATE_OPEN ? "" : svc_state_name(st));
	}
	printf(" hosts)\nscanner: %s %s on %s, gateway %s; data path %s\n",
	       l->here ? "this namespace," : l->ns_scan, l->if_scan, a, g,
	       lab_data_path_name(l->data_path));
	if (l->students) {
		char first[16], last[16];

		format_ipv4(lab_student_addr(l, 1), first);
		format_ipv4(lab_student_addr(l, l->students), last);
		printf("class:   %u student%s, %s to %s, each in a namespace of its own", l->students,
		       l->students == 1 ? "" : "s", first, last);
		if (l->student_rate)
			printf(", at most %llu probes/s each (burst %llu)",
			       (unsigned long long)l->student_rate,
			       (unsigned long long)l->student_burst);
		if (l->do_not_scan)
			printf("; do not scan: %s", l->do_not_scan);
		printf("\n         rescan lab exec%s%s --student K -- bash -l; results in %s/student-K\n",
		       name ? " --name " : "", name ? name : "", l->results_dir);
	}
	if (mon->pid) {
		printf("monitor: pid %d, timeline %s/timeline.csv", (int)mon->pid, l->results_dir);
		if (mon->listen[0])
			printf("; dashboard http://%s/, metrics http://%s/metrics", mon->listen,
			       mon->listen);
		printf("\n");
	}
	if (!l->here)
		printf("try:     rescan lab exec%s%s -- zmap -p 80 -n 100000 -o http.csv\n",
		       name ? " --name " : "", name ? name : "");
}

/*
 * Start the lab's monitor in the background and note it in the state
 * file. It cannot fail the lab: a monitor that does not start is a
 * warning, the lab is up.
 */
static void start_monitor(const struct lab *l, bool off, int listen_fd, struct up_monitor *mon)
{
	char path[160];
	FILE *f;

	if (!off && monitor_spawn(l, listen_fd >= 0 ? mon->listen : NULL, listen_fd, &mon->pid)) {
		fprintf(stderr, "rescan: warning: %s; the lab is up without one\n", rs_last_error());
		mon->pid = 0;
	}
	lab_state_path(l, path, sizeof(path));
	f = fopen(path, "a");
	if (f) {
		/* monitor_pid=0: none was asked for; empty: it did not start. */
		if (off)
			fprintf(f, "monitor_pid=0\n");
		else if (mon->pid)
			fprintf(f, "monitor_pid=%d\nmonitor_listen=%s\n", (int)mon->pid, mon->listen);
		else
			fprintf(f, "monitor_pid=\n");
		fclose(f);
	}
}

/* Take lab l's lock (lab_recover.h): 0, or the exit code after one error line. */
static int lock_lab(const struct lab *l, bool wait, int *fd)
{
	int err = lab_lock(l, wait, fd);

	if (err)
		rs_print_last_error();
	return err == -EBUSY ? RS_EXIT_STATE : err ? RS_EXIT_FAIL : 0;
}

/*
 * Take lab l down: its ready mark first, so that from here on a lab down
 * that dies leaves a lab the next lab up or lab down removes; its monitor
 * while the counters are there for its last sample; then the rest. 0,
 * -ENOENT when its internet namespace was not up, or -errno (said).
 */
static int take_down(const struct lab *l)
{
	char log[192];

	lab_unmark_ready(l);
	monitor_stop(l);
	monitor_log_path(l, log, sizeof(log));
	unlink(log);
	return lab_down(l);
}

/* Whether anything of lab l is there, its monitor too; the first thing found into what. */
static bool anything_left(const struct lab *l, char *what, size_t len)
{
	pid_t mon;

	if (lab_leftovers(l, what, len))
		return true;
	mon = monitor_running(l);
	if (mon)
		snprintf(what, len, "its monitor, pid %d", (int)mon);
	return mon != 0;
}

/*
 * Holding the lock of lab l, which lab up did not finish: remove what a
 * rescan that died half way through lab up or lab down left of it, in
 * the mode its state says (without one, every mode's parts are looked
 * for), and say so in one note. 0, or the exit code after one error line.
 */
static int remove_leftovers(const struct lab *l)
{
	char what[192];
	struct lab dead;
	int err;

	if (!anything_left(l, what, sizeof(what)))
		return 0;
	fprintf(stderr, "rescan: note: lab '%s' was left half made or half removed by a rescan "
		"that died (%s, ...): removing it first\n", l->name, what);
	lab_describe(&dead, l->name);
	lab_read_state(&dead);
	err = take_down(&dead);
	if (err && err != -ENOENT) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	return 0;
}

/*
 * The monitor's socket, bound in network namespace ns (NULL: this one). A
 * socket keeps the namespace it was made in: the monitor serves there.
 */
static int listen_in(const char *ns, const char *spec, int *fd, struct up_monitor *mon)
{
	int self, err;

	err = netns_visit(ns, &self);
	if (err)
		return err;
	err = http_listen(spec, fd, mon->listen, sizeof(mon->listen));
	err = netns_leave(self, err);
	if (err && *fd >= 0) {
		close(*fd);
		*fd = -1;
		rs_error("cannot come back from network namespace %s", ns);
	}
	return err;
}

/*
 * lab up, holding the lab's lock: a lab that lab up finished is left
 * alone; what a rescan that died left of one is removed first.
 */
static int up_locked(struct lab *l, const struct up_opts *o, double t0)
{
	struct up_monitor mon = { 0 };
	char desc[256];
	struct world w;
	int rc, err, listen_fd = -1;

	if (lab_is_ready(l)) {
		rs_print_error("lab '%s' is already up; run 'rescan lab down%s%s' first", l->name,
			       o->name ? " --name " : "", o->name ? o->name : "");
		return RS_EXIT_STATE;
	}
	rc = remove_leftovers(l);
	if (rc)
		return rc;
	if (l->here && preflight_here(l, false)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	/* The monitor's port before anything is made: taken, nothing is. */
	if (o->metrics && listen_in(o->metrics_netns, o->metrics, &listen_fd, &mon)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (world_open_spec(&w, o->world, desc, sizeof(desc))) {
		rs_print_last_error();
		if (listen_fd >= 0)
			close(listen_fd);
		return RS_EXIT_FAIL;
	}
	err = lab_up(l, &w, desc);
	if (err) {
		rs_print_last_error();
		world_free(&w);
		if (listen_fd >= 0)
			close(listen_fd);
		return exit_code_for(err);
	}
	start_monitor(l, o->no_monitor, listen_fd, &mon);
	if (listen_fd >= 0)
		close(listen_fd);
	/* Finished: from here on the lab is up for every later lab up. */
	if (lab_mark_ready(l)) {
		rs_print_last_error();
		take_down(l);
		world_free(&w);
		return RS_EXIT_FAIL;
	}
	print_ready(l, &w, desc, o->name, &mon, t0);
	world_free(&w);
	return RS_EXIT_OK;
}

static int up(int argc, char **argv)
{
	struct up_opts o = { 0 };
	static struct assignment a;
	char assignment_path[PATH_MAX], dns_path[PATH_MAX], world_path[PATH_MAX];
	char **args;
	struct lab l;
	double t0 = now_seconds();
	int nargs, rc, lock;

	rc = options_parse(&up_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if ((o.iface || o.no_default_route) && !o.here)
		return options_usage_error(&up_cmd, "--%s only applies with --here",
					   o.iface ? "iface" : "no-default-route");
	rc = lab_for_command(o.name, false, &l);
	if (rc)
		return rc;
	if (o.data_path && lab_data_path_parse(o.data_path, &l.data_path))
		return options_usage_error(&up_cmd, "--data-path '%s': use auto, threaded or softirq",
					   o.data_path);
	if (o.assignment) {
		assignment_init(&a);
		if (assignment_read(o.assignment, &a)) {
			rs_print_last_error();
			return RS_EXIT_USAGE;
		}
		/* The grader reads it back from the state, from any directory. */
		if (!realpath(o.assignment, assignment_path))
			snprintf(assignment_path, sizeof(assignment_path), "%s", o.assignment);
		if (!o.world && a.world[0])
			o.world = a.world;
		if (!o.student_rate && !o.student_burst) {
			o.student_rate = a.student_rate;
			o.student_burst = a.student_burst;
		}
		if (!o.do_not_scan && a.do_not_scan[0])
			o.do_not_scan = a.do_not_scan;
		l.assignment = assignment_path;
	}
	if (!o.world)
		o.world = DEFAULT_WORLD_SPEC;
	/* The state names the world by absolute path, for rescan grade --lab run anywhere. */
	if (strncmp(o.world, "synth", 5) && realpath(o.world, world_path))
		o.world = world_path;
	if (o.student_burst && !o.student_rate)
		return options_usage_error(&up_cmd, "--student-burst needs --student-rate");
	if (o.metrics && o.no_monitor)
		return options_usage_error(&up_cmd, "--metrics and --no-monitor exclude each other");
	if (o.metrics_netns && !o.metrics)
		return options_usage_error(&up_cmd, "--metrics-netns needs --metrics");
	if (o.metrics) {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (http_parse_listen(o.metrics, &ss, &sl))
			return options_usage_error(&up_cmd, "--metrics %s", rs_last_error());
	}
	l.here = o.here;
	l.default_route = !o.no_default_route;
	l.students = (unsigned)o.students;
	l.student_rate = o.student_rate;
	l.student_burst = o.student_burst;
	if (o.student_rate && !o.student_burst)
		l.student_burst = o.student_rate / 10 > 64 ? o.student_rate / 10 : 64;
	/* Absolute in the state, for rescan grade run from anywhere. */
	if (o.do_not_scan && realpath(o.do_not_scan, dns_path))
		o.do_not_scan = dns_path;
	l.do_not_scan = o.do_not_scan;
	if (o.iface)
		strcpy(l.if_scan, o.iface);
	/* Before the world is read: that can take seconds. */
	if (preflight_caps(NEED_LAB, false)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	rc = lock_lab(&l, false, &lock);
	if (rc)
		return rc;
	rc = up_locked(&l, &o, t0);
	lab_unlock(lock);
	return rc;
}

/* ---- down, exec, status: a lab name and nothing else --------------------- */

struct name_opts {
	const char *name;
};

static const struct opt name_only[] = { OPT_LAB_NAME(struct name_opts, name), {} };

/*
 * Parse a command whose only option is --name, and describe its lab.
 * OPTS_RUN: the command runs; anything else is its exit code.
 */
static int parse_lab_command(const struct command *cmd, int argc, char **argv, bool need_up,
			     struct lab *l, char ***args)
{
	struct name_opts o = { 0 };
	int nargs, rc;

	rc = options_parse(cmd, &o, argc, argv, args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	rc = lab_for_command(o.name, need_up, l);
	return rc ? rc : OPTS_RUN;
}

static const struct command down_cmd = {
	.name = "rescan lab down",
	.about = "Remove the lab: its monitor first (SIGTERM, its last timeline lines),\n"
		 "then namespaces, veths, XDP programs, pinned maps. Students' results\n"
		 "and the timeline stay. A lab that a rescan killed half way through\n"
		 "lab up or lab down left is removed all the same.",
	.opts = name_only,
};

static int down(int argc, char **argv)
{
	char **args, what[192];
	struct lab l;
	bool ready;
	int rc, err, lock;

	rc = parse_lab_command(&down_cmd, argc, argv, false, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	rc = lock_lab(&l, false, &lock);
	if (rc)
		return rc;
	ready = lab_is_ready(&l);
	if (!anything_left(&l, what, sizeof(what))) {
		lab_unlock(lock);
		rs_print_error("no lab '%s' is up (nothing to do)", l.name);
		return RS_EXIT_STATE;
	}
	lab_read_state(&l);
	err = take_down(&l);
	lab_unlock(lock);
	if (err && err != -ENOENT) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (ready)
		printf("lab '%s' down\n", l.name);
	else
		printf("lab '%s' down: removed what a rescan that died half way through lab up or "
		       "down left of it (%s, ...)\n", l.name, what);
	return RS_EXIT_OK;
}

static const struct command load_cmd = {
	.name = "rescan lab load",
	.args = "WORLD",
	.min_args = 1,
	.max_args = 1,
	.about = "Give the running lab another world: a world file or synth:SEED. Each\n"
		 "probe is answered from the old world or the new one, never neither, and\n"
		 "no probe is lost; counters, students, rate caps and do-not-scan ranges\n"
		 "stay (the per-service counters start again: services are the world's).\n"
		 "A world that cannot be loaded leaves the old one answering.",
	.opts = name_only,
	.example = "example: rescan lab load worlds/week2.world",
};

static int load(int argc, char **argv)
{
	char desc[256], world_path[PATH_MAX];
	const char *spec;
	double t0 = now_seconds();
	char **args;
	struct world w;
	struct lab l;
	int rc, err, lock;

	rc = parse_lab_command(&load_cmd, argc, argv, true, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	spec = args[0];
	/* The state names the world by absolute path, as lab up's does. */
	if (strncmp(spec, "synth", 5) && realpath(spec, world_path))
		spec = world_path;
	if (preflight_caps(NEED_LAB, false))
		err = -EPERM;
	else if (world_open_spec(&w, spec, desc, sizeof(desc)))
		err = -EINVAL;
	else {
		/* One change at a time: a second load waits for this one. */
		rc = lock_lab(&l, true, &lock);
		if (rc) {
			world_free(&w);
			return rc;
		}
		if (!lab_is_ready(&l)) {
			lab_unlock(lock);
			world_free(&w);
			rs_print_error("lab '%s' is not up (rescan lab status%s%s says why)", l.name,
				       strcmp(l.name, LAB_DEFAULT_NAME) ? " --name " : "",
				       strcmp(l.name, LAB_DEFAULT_NAME) ? l.name : "");
			return RS_EXIT_STATE;
		}
		err = lab_load(&l, &w, desc);
		lab_unlock(lock);
		world_free(&w);
	}
	if (err) {
		rs_print_last_error();
		fprintf(stderr, "rescan: lab '%s' answers from the world it had\n", l.name);
		return exit_code_for(err);
	}
	printf("lab '%s': world %s loaded in %.2f s\n", l.name, desc, now_seconds() - t0);
	return RS_EXIT_OK;
}

struct exec_opts {
	const char *name;
	uint64_t student;
};

static const struct command exec_cmd = {
	.name = "rescan lab exec",
	.args = "-- COMMAND [ARGS...]",
	.min_args = 1,
	.max_args = ARGS_ANY,
	.stop_at_args = true,
	.about = "Run COMMAND on the lab's scanner side; its exit status is rescan's.\n"
		 "With --student K: in student K's namespace, as student K's own user\n"
		 "(uid " RS_STR(LAB_STUDENT_UID) " + K) with CAP_NET_RAW alone, in its results directory\n"
		 "(" LAB_RESULTS_ROOT "/LAB/student-K).",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct exec_opts, name),
		OPT_U64_RANGE('s', "student", struct exec_opts, student, "K", 1, LAB_STUDENTS_MAX,
			      "run as student K of the class (lab up --students)"),
		{} },
	.example = "examples:\n"
		   "  rescan lab exec -- zmap -p 443 -o https.csv\n"
		   "  rescan lab exec -- zmap --probe-module=icmp_echoscan -o ping.csv\n"
		   "  rescan lab exec --student 3 -- bash -l",
};

static int exec_in_lab(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	char **args;
	struct lab l;
	int nargs, rc;

	rc = options_parse(&exec_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	rc = lab_for_command(o.name, true, &l);
	if (rc)
		return rc;
	if (lab_exec(&l, (unsigned)o.student, args) == -ENOENT) {
		rs_print_last_error();
		return RS_EXIT_USAGE;
	}
	rs_print_last_error();
	return 127;
}

/* ---- class-serve, join: students in containers of their own ------------- */

struct class_serve_opts {
	const char *name, *socket;
	uint64_t students;
};

static const struct command class_serve_cmd = {
	.name = "rescan lab class-serve",
	.about = "Seat students who bring a network namespace of their own (containers):\n"
		 "each that connects to SOCKET and passes its namespace (rescan lab join)\n"
		 "becomes student K until it hangs up: a veth of its own into the\n"
		 "internet side and the seat of K (its address alone, the lab's\n"
		 "--student-rate). Runs until SIGTERM or SIGINT, then takes every\n"
		 "student out of the lab again.",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct class_serve_opts, name),
		OPT_STRING(0, "socket", struct class_serve_opts, socket, "PATH",
			   "the class socket (default " LAB_CLASS_SOCKET ")"),
		OPT_U64_RANGE(0, "students", struct class_serve_opts, students, "N", 1,
			      LAB_STUDENTS_MAX,
			      "seats (default " RS_STR(LAB_STUDENTS_MAX) ")"),
		{} },
};

static int class_serve(int argc, char **argv)
{
	struct class_serve_opts o = { .socket = LAB_CLASS_SOCKET, .students = LAB_STUDENTS_MAX };
	char **args;
	struct lab l;
	int nargs, rc;

	rc = options_parse(&class_serve_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	rc = lab_for_command(o.name, true, &l);
	if (rc)
		return rc;
	if (lab_class_serve(&l, o.socket, (unsigned)o.students)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	return RS_EXIT_OK;
}

struct join_opts {
	const char *socket, *etc;
};

static const struct command join_cmd = {
	.name = "rescan lab join",
	.about = "Join a lab as a student, with this process's network namespace: the\n"
		 "lab's class-serve gives it a veth (lab0) into the lab and a seat.\n"
		 "Prints student=K and addr=ADDR, then stays until the lab goes or it is\n"
		 "stopped; the seat lasts as long. Needs no capability.",
	.opts = (const struct opt[]){
		OPT_STRING(0, "socket", struct join_opts, socket, "PATH",
			   "the class socket (default " LAB_CLASS_SOCKET ")"),
		OPT_STRING(0, "etc", struct join_opts, etc, "DIR",
			   "also write zmap.conf and masscan.conf for this seat\n"
			   "below DIR (as rescan lab scanner-config --etc)"),
		{} },
};

static volatile sig_atomic_t join_stop;

static void on_join_stop(int sig)
{
	(void)sig;
	join_stop = 1;
}

static int join(int argc, char **argv)
{
	struct join_opts o = { .socket = LAB_CLASS_SOCKET };
	struct sigaction sa = { .sa_handler = on_join_stop };
	struct lab_class_seat seat;
	char **args, a[16], c;
	struct lab l;
	int nargs, rc, fd;

	rc = options_parse(&join_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	lab_describe(&l, NULL);
	if (lab_class_join(o.socket, &seat, &fd)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (o.etc) {
		struct scanner_seat s = { .iface = LAB_SCAN_IFACE, .source = seat.addr,
					  .number = seat.student };

		if (scanner_config_write(&l, o.etc, &s, false)) {
			rs_print_last_error();
			close(fd);
			return RS_EXIT_FAIL;
		}
	}
	format_ipv4(seat.addr, a);
	printf("student=%u\naddr=%s\niface=%s\n", seat.student, a, LAB_SCAN_IFACE);
	fflush(stdout);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* The lab never writes again: a return is its hang-up (or a signal). */
	while (!join_stop && recv(fd, &c, 1, 0) < 0 && errno == EINTR)
		;
	close(fd);
	return RS_EXIT_OK;
}

static const struct command status_cmd = {
	.name = "rescan lab status",
	.about = "Whether the lab is up (exit 0) or not (exit 3: down, being brought up or\n"
		 "down, or left half made by a rescan that died), and how it was started;\n"
		 "last, whether its monitor runs: monitor=running, stopped or off (lab up\n"
		 "--no-monitor), and where it serves (monitor_listen=ADDR:PORT).",
	.opts = name_only,
};

static int take_monitor_off(const char *key, const char *v, void *ctx)
{
	if (!strcmp(key, "monitor_pid") && !strcmp(v, "0"))
		*(bool *)ctx = true;
	return 0;
}

/* lab up --no-monitor: the state says monitor_pid=0. */
static bool monitor_was_off(const struct lab *l)
{
	bool off = false;

	lab_state_foreach(l, take_monitor_off, &off);
	return off;
}

static int status(int argc, char **argv)
{
	char **args, what[192];
	struct lab l;
	int rc, holder;

	rc = parse_lab_command(&status_cmd, argc, argv, false, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	/* A lab load holds the lock too, while the lab stays up. */
	if (!lab_is_ready(&l)) {
		holder = lab_lock_holder(&l);
		if (holder) {
			printf("lab '%s' is being brought up or down", l.name);
			if (holder > 0)
				printf(" by rescan pid %d", holder);
			printf("\n");
		} else if (anything_left(&l, what, sizeof(what))) {
			printf("lab '%s' is down, but a rescan that died half way through lab up or down "
			       "left %s and maybe more: rescan lab down%s%s removes it\n", l.name, what,
			       strcmp(l.name, LAB_DEFAULT_NAME) ? " --name " : "",
			       strcmp(l.name, LAB_DEFAULT_NAME) ? l.name : "");
		} else {
			printf("lab '%s' is down\n", l.name);
		}
		return RS_EXIT_STATE;
	}
	printf("lab '%s' is up\n", l.name);
	fflush(stdout);
	rc = lab_print_state(&l);
	if (rc) {
		/* A student's case: the state names the world, for root alone. */
		rs_print_error("cannot read the lab's state in %s: %s", l.run_dir, strerror(-rc));
		return RS_EXIT_FAIL;
	}
	printf("monitor=%s\n", monitor_running(&l) ? "running" : monitor_was_off(&l) ? "off" : "stopped");
	return RS_EXIT_OK;
}

/* ---- preflight ----------------------------------------------------------- */

struct preflight_opts {
	const char *iface;
	bool container, scanner_only, here;
};

static const struct command preflight_cmd = {
	.name = "rescan lab preflight",
	.about = "Check, in this order, that this process can build a lab here and scan it:\n"
		 "its capabilities (NET_ADMIN, SYS_ADMIN; NET_RAW for the scanners), Linux\n"
		 "5.10 or later, bpffs at " LAB_BPFFS_ROOT " (mounted there when missing, as\n"
		 "lab up would), the bpf() system call, network namespaces. The first check\n"
		 "that fails prints one line naming what is missing and how to get it, and\n"
		 "exits 1; nothing is left behind.",
	.opts = (const struct opt[]){
		OPT_FLAG(0, "container", struct preflight_opts, container,
			 "word the hints for docker run (the --cap-add and\n"
			 "--security-opt flags to add)"),
		OPT_FLAG(0, "scanner-only", struct preflight_opts, scanner_only,
			 "check only what a scanner needs (CAP_NET_RAW),\n"
			 "e.g. a student container"),
		OPT_FLAG(0, "here", struct preflight_opts, here,
			 "also check that this namespace can be the scanner\n"
			 "side (lab up --here): no interface IF and no address\n"
			 "or route in the lab network yet"),
		OPT_LAB_IFACE(struct preflight_opts, iface,
			      "with --here: the scanner-side interface (default " LAB_SCAN_IFACE ")"),
		{} },
	.example = "exit codes: 0 all checks passed, 1 one failed, 2 usage.",
};

static int preflight(int argc, char **argv)
{
	struct preflight_opts o = { 0 };
	struct utsname u;
	char **args;
	struct lab l;
	int nargs, rc, err;

	rc = options_parse(&preflight_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.iface && !o.here)
		return options_usage_error(&preflight_cmd, "--iface only applies with --here");
	if (o.here && o.scanner_only)
		return options_usage_error(&preflight_cmd, "--here and --scanner-only exclude each other");
	lab_describe(&l, NULL);
	if (o.iface)
		strcpy(l.if_scan, o.iface);
	if (o.scanner_only)
		err = preflight_caps(NEED_SCAN, o.container);
	else if (!(err = preflight_caps(NEED_LAB | NEED_SCAN, o.container)) &&
		 !(err = preflight_kernel()) && !(err = preflight_bpffs(o.container)) &&
		 !(err = preflight_bpf(o.container)) && !(err = preflight_netns(o.container)) &&
		 o.here)
		err = preflight_here(&l, o.container);
	if (err) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (o.scanner_only) {
		printf("preflight passed: CAP_NET_RAW\n");
		return RS_EXIT_OK;
	}
	uname(&u);
	printf("preflight passed: capabilities, Linux %s, bpffs, bpf(), network namespaces%s%s%s\n",
	       u.release, o.here ? ", no " : "", o.here ? l.if_scan : "",
	       o.here ? " and no lab network here yet" : "");
	return RS_EXIT_OK;
}

/* ---- env: the lab's facts for scripts ------------------------------------ */

#define FACT_VALUE_MAX 192
struct fact {
	const char *key, *help;
	char value[FACT_VALUE_MAX];
	bool number;
};

#define FACTS_MAX 24

static char *fact(struct fact *f, size_t *n, const char *key, const char *help)
{
	f[*n] = (struct fact){ .key = key, .help = help };
	return f[(*n)++].value;
}

static void cidr(uint32_t net, int prefix, char *buf)
{
	format_ipv4(net, buf);
	sprintf(buf + strlen(buf), "/%d", prefix);
}

/* The facts of l; student_addr too when student is not 0. Returns how many. */
static size_t lab_facts(const struct lab *l, unsigned student, struct fact *f)
{
	size_t n = 0;
	char *v;

	strcpy(fact(f, &n, "name", "the lab's name"), l->name);
	strcpy(fact(f, &n, "scanner_netns", "the scanner side's network namespace (not with --here)"),
	       l->ns_scan);
	strcpy(fact(f, &n, "internet_netns", "the internet side's: the responder's"), l->ns_inet);
	strcpy(fact(f, &n, "scanner_iface", "the scanner's interface (lab up --here --iface: another)"),
	       l->if_scan);
	strcpy(fact(f, &n, "internet_iface", "the gateway's interface, where the responder runs"),
	       l->if_inet);
	cidr(l->net, l->prefix, fact(f, &n, "lab_net", "the lab's network; never part of a world"));
	format_ipv4(l->scan_addr, fact(f, &n, "scanner_addr", "the scanner's address"));
	lab_format_mac(l->scan_mac, fact(f, &n, "scanner_mac", "the scanner's MAC"));
	format_ipv4(l->gw_addr, fact(f, &n, "gateway_addr", "the gateway: the scanner's next hop"));
	lab_format_mac(l->gw_mac, fact(f, &n, "gateway_mac",
				       "its MAC (zmap -G, masscan --router-mac)"));
	format_ipv4(l->health_addr, fact(f, &n, "health_addr",
					 "source of the appliance's health probes"));
	cidr(l->student_net, l->student_prefix,
	     fact(f, &n, "student_net", "student addresses and the health check's"));
	strcpy(fact(f, &n, "default_world", "what lab up loads without --world"), DEFAULT_WORLD_SPEC);
	v = fact(f, &n, "students_max", "the most students a class can have");
	sprintf(v, "%d", LAB_STUDENTS_MAX);
	f[n - 1].number = true;
	if (student) {
		struct lab v;

		lab_student_view(l, student, &v);
		format_ipv4(v.scan_addr,
			    fact(f, &n, "student_addr", "with --student K: student K's source address"));
		strcpy(fact(f, &n, "student_netns", "with --student K: its network namespace"),
		       v.ns_scan);
		strcpy(fact(f, &n, "student_iface",
			    "with --student K: its veth's end on the internet side"), v.if_inet);
		lab_student_results(l, student,
				    fact(f, &n, "student_results", "with --student K: its results directory"),
				    FACT_VALUE_MAX);
		sprintf(fact(f, &n, "student_uid", "with --student K: its uid and gid (lab exec)"), "%u",
			LAB_STUDENT_UID + student);
		f[n - 1].number = true;
	}
	return n;
}

static void env_keys_help(FILE *out)
{
	struct fact f[FACTS_MAX];
	struct lab l;
	size_t i, n;

	lab_describe(&l, NULL);
	n = lab_facts(&l, 1, f);
	fprintf(out, "\nkeys (with the default lab's values, and student 1's):\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-15s %-18s %s\n", f[i].key, f[i].value, f[i].help);
}

/* --name and --student, of the commands about one seat of a lab. */
struct seat_opts {
	const char *name;
	uint64_t student;	/* 0: the lab's own scanner */
};

struct env_opts {
	struct seat_opts seat;
	bool json;
};

static const struct command env_cmd = {
	.name = "rescan lab env",
	.args = "[KEY...]",
	.max_args = ARGS_ANY,
	.about = "The lab's names, addresses and MACs as lab up makes them, for scripts:\n"
		 "KEY=value lines (no value needs quoting), the values of the KEYs given,\n"
		 "one a line, or a JSON object. The lab need not be up; no privileges.",
	.more_help = env_keys_help,
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct env_opts, seat.name),
		OPT_U64_RANGE('s', "student", struct env_opts, seat.student, "K", 1, LAB_STUDENTS_MAX,
			      "add student_addr, the address student K scans from\n"
			      "(1 to " RS_STR(LAB_STUDENTS_MAX) ")"),
		OPT_FLAG('j', "json", struct env_opts, json, "one JSON object"),
		{} },
	.example = "example:\n"
		   "  zmap -i \"$(rescan lab env scanner_iface)\" -G \"$(rescan lab env gateway_mac)\" ...",
};

/*
 * options_parse() into values, then the lab that seat, a part of values,
 * names. OPTS_RUN: the command runs; anything else is its exit code.
 */
static int parse_seat_command(const struct command *cmd, void *values, const struct seat_opts *seat,
			      int argc, char **argv, char ***args, int *nargs, struct lab *l)
{
	int rc = options_parse(cmd, values, argc, argv, args, nargs);

	if (rc != OPTS_RUN)
		return rc;
	rc = lab_for_command(seat->name, false, l);
	return rc ? rc : OPTS_RUN;
}

/* The fact named key, or NULL. */
static const struct fact *find_fact(const struct fact *f, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].key, key))
			return &f[i];
	return NULL;
}

static int env(int argc, char **argv)
{
	struct env_opts o = { 0 };
	struct fact f[FACTS_MAX];
	struct json_object *jo;
	const struct fact *p;
	int nargs, a, rc;
	char **args;
	struct lab l;
	size_t i, n;

	rc = parse_seat_command(&env_cmd, &o, &o.seat, argc, argv, &args, &nargs, &l);
	if (rc != OPTS_RUN)
		return rc;
	n = lab_facts(&l, (unsigned)o.seat.student, f);
	/* Every key first: a typo prints nothing but the error. */
	for (a = 0; a < nargs; a++)
		if (!find_fact(f, n, args[a]))
			return options_usage_error(&env_cmd, "no key '%s'%s", args[a],
						   strncmp(args[a], "student_", 8) ? ""
										   : " without --student K");
	if (!o.json) {
		for (a = 0; a < nargs; a++)
			printf("%s\n", find_fact(f, n, args[a])->value);
		for (i = 0; !nargs && i < n; i++)
			printf("%s=%s\n", f[i].key, f[i].value);
		return RS_EXIT_OK;
	}
	jo = json_object_new_object();
	for (i = 0; i < (nargs ? (size_t)nargs : n); i++) {
		p = nargs ? find_fact(f, n, args[i]) : &f[i];
		json_object_object_add(jo, p->key, p->number ? json_object_new_int(atoi(p->value))
							     : json_object_new_string(p->value));
	}
	printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(jo);
	return RS_EXIT_OK;
}

/* ---- scanner-config ------------------------------------------------------- */

struct scanner_config_opts {
	struct seat_opts seat;
	const char *iface, *etc;
};

static const struct command scanner_config_cmd = {
	.name = "rescan lab scanner-config",
	.about = "Write zmap.conf and masscan.conf for scanners in this network namespace,\n"
		 "the scanner side of a lab made with lab up --here (a container, host\n"
		 "mode) or a student container that shares it: the interface, the\n"
		 "gateway's MAC, the source address, and the CPU for all of ZMap's\n"
		 "threads. Then plain `zmap -p 80` and `masscan -p80 RANGE` scan the lab.\n"
		 "(lab up writes the same zmap.conf for the scanner namespace it makes.)",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct scanner_config_opts, seat.name),
		OPT_LAB_IFACE(struct scanner_config_opts, iface,
			      "the scanner-side interface (default: the running\n"
			      "lab's, else " LAB_SCAN_IFACE ")"),
		OPT_U64_RANGE('s', "student", struct scanner_config_opts, seat.student, "K", 1,
			      LAB_STUDENTS_MAX,
			      "scan from the address of student K (1 to " RS_STR(LAB_STUDENTS_MAX) "),\n"
			      "on the K-th CPU (default: the lab's scanner address,\n"
			      "the first CPU)"),
		OPT_STRING(0, "etc", struct scanner_config_opts, etc, "DIR",
			   "write DIR/zmap/zmap.conf and DIR/masscan/masscan.conf\n"
			   "(default /etc)"),
		{} },
};

static int scanner_config(int argc, char **argv)
{
	struct scanner_config_opts o = { .etc = "/etc" };
	struct scanner_seat seat;
	unsigned student;
	char **args, a[16];
	struct lab l;
	int nargs, rc;

	rc = parse_seat_command(&scanner_config_cmd, &o, &o.seat, argc, argv, &args, &nargs, &l);
	if (rc != OPTS_RUN)
		return rc;
	student = (unsigned)o.seat.student;
	/* A student container cannot see the appliance's state: it names IF. */
	if (lab_is_up(&l) && !lab_read_state(&l) && !l.here) {
		rs_print_error("lab '%s' has a scanner namespace of its own, configured by lab up: "
			       "scan with 'rescan lab exec%s%s -- zmap ...'", l.name,
			       o.seat.name ? " --name " : "", o.seat.name ? o.seat.name : "");
		return RS_EXIT_FAIL;
	}
	seat = (struct scanner_seat){ .iface = o.iface ? o.iface : l.if_scan,
				      .source = student ? lab_student_addr(&l, student) : l.scan_addr,
				      .number = student };
	if (scanner_config_write(&l, o.etc, &seat, false)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	format_ipv4(seat.source, a);
	printf("wrote %s/zmap/zmap.conf and %s/masscan/masscan.conf: %s, source %s\n", o.etc, o.etc,
	       seat.iface, a);
	return RS_EXIT_OK;
}

static const struct subcmd lab_cmds[] = {
	{ "up", up, "create the sealed lab and load a world" },
	{ "down", down, "remove the lab and everything it created" },
	{ "load", load, "give the running lab another world, without a pause" },
	{ "exec", exec_in_lab, "run a command (zmap, masscan, nmap) on the scanner side" },
	{ "status", status, "is the lab up, with which world" },
	{ "preflight", preflight, "can this machine build a lab: capabilities, kernel, BPF" },
	{ "env", env, "the lab's addresses, MACs and names, for scripts" },
	{ "scanner-config", scanner_config, "point zmap and masscan in this namespace at the lab" },
	{ "class-serve", class_serve, "seat students in containers who join with their namespace" },
	{ "join", join, "join a lab as a student with this namespace (no capability needed)" },
	{ "monitor", lab_monitor_cmd, "the teacher's view: timeline, dashboard, Prometheus metrics" },
};

int cmd_lab(int argc, char **argv)
{
	return subcmd_dispatch("rescan lab", NULL, NULL, SUBCMDS(lab_cmds), argc, argv);
}
