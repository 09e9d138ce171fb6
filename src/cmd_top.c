// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_top.c - rescan top: a running lab's scanners and services, sorted
 * by their current rate, refreshed like top(1). On a terminal the screen
 * is redrawn in place and q or Ctrl-C quits; anywhere else each refresh
 * is one more plain snapshot. The rates come from two reads of the
 * lab's counters one interval apart (top_rate.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "lab_counters.h"
#include "lab.h"
#include "options.h"
#include "top_rate.h"
#include "util.h"

#define TOP_INTERVAL_MS 1000

struct top_opts {
	const char *name, *sort;
	uint64_t interval;
	bool once;
};

static const struct command top_cmd = {
	.name = "rescan top",
	.about = "A running lab's scanners and services, sorted by their current rate and\n"
		 "refreshed every interval: per scanner (each student of a class is one)\n"
		 "its packets per second now, packets, answered, delivered to it, and\n"
		 "the ones dropped as over its rate cap, into do-not-scan ranges or\n"
		 "spoofed; per service of the world its probes per second now, probes\n"
		 "and answers. On a terminal the view is redrawn in place (q or Ctrl-C\n"
		 "quits); otherwise each refresh prints one more snapshot.",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct top_opts, name),
		OPT_U64_RANGE('i', "interval", struct top_opts, interval, "MS", 100, 60000,
			      "time between refreshes, and over which rates are taken\n"
			      "(default " RS_STR(TOP_INTERVAL_MS) ")"),
		OPT_FLAG(0, "once", struct top_opts, once,
			 "one snapshot, from two reads one interval apart, then exit"),
		OPT_STRING('s', "sort", struct top_opts, sort, "KEY",
			   "order of the scanners: " TOP_SORT_NAMES " (default rate);\n"
			   "services by rate, or by probes with packets"),
		{} },
};

/* ---- the terminal --------------------------------------------------------- */

static volatile sig_atomic_t stop;
static struct termios saved_tty;
static bool tty_raw;

static void on_signal(int sig)
{
	stop = sig;
}

/* Keys one at a time without echo; Ctrl-C still signals. */
static void tty_keys_on(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tty_raw = !tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void tty_restore(bool screen)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_raw = false;
	if (screen) {
		printf("\033[?25h");	/* the cursor back */
		fflush(stdout);
	}
}

static void handle_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: poll() returns */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Wait ms, or until q is pressed or a signal comes: true if the view
 * should end.
 */
static bool wait_or_quit(uint64_t ms)
{
	double end = now_seconds() + ms / 1000.0, left;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	while (!stop && (left = end - now_seconds()) > 0) {
		int n = poll(tty_raw ? &pfd : NULL, tty_raw ? 1 : 0, (int)(left * 1000) + 1);

		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR)))
			pfd.fd = -1;	/* the terminal went away: only time and signals */
		else if (n > 0 && read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			return true;
	}
	return stop != 0;
}

static int terminal_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row < 10)
		return 24;
	return ws.ws_row;
}

/* ---- one view ------------------------------------------------------------- */

struct snapshot {
	struct lab_counters c;
	double t;
	int seated;
};

static int take(const struct lab *l, struct snapshot *s)
{
	int n;

	if (lab_counters_read(l, &s->c, false))
		return -1;
	s->t = now_seconds();
	n = lab_students_seated(l);
	if (n < 0)
		return -1;
	s->seated = n;
	return 0;
}

/* The rows a view shows: seated students, and every scanner that sent or got anything. */
static size_t scanner_rows(const struct lab *l, const struct snapshot *a,
			   const struct snapshot *b, struct top_row *rows)
{
	uint64_t before, now;
	uint32_t h;
	size_t n = 0;

	for (h = 0; h < RS_SOURCES; h++) {
		unsigned k = lab_row_student(l, h);

		if (!(k && k <= l->students) && !lab_row_used(&b->c, h))
			continue;
		before = lab_row_packets(&a->c, h);
		now = lab_row_packets(&b->c, h);
		rows[n].key = h;
		rows[n].student = k;
		top_rates(&before, &now, 1, b->t - a->t, &rows[n]);
		n++;
	}
	return n;
}

/* The services that saw a probe. */
static size_t service_rows(const struct snapshot *a, const struct snapshot *b,
			   struct top_row *rows)
{
	uint64_t before, now;
	uint32_t k;
	size_t n = 0;

	for (k = 0; k < RS_SVC_BUCKETS; k++) {
		now = lab_svc_counters(&b->c, k)[RS_SVC_CNT_PROBES];
		if (!now)
			continue;
		before = lab_svc_counters(&a->c, k)[RS_SVC_CNT_PROBES];
		rows[n].key = k;
		rows[n].student = 0;
		top_rates(&before, &now, 1, b->t - a->t, &rows[n]);
		n++;
	}
	return n;
}

/* How many of n rows fit in avail lines, one of them kept for "... more" if not all do. */
static size_t fitting(size_t n, int avail)
{
	if (avail < 1)
		avail = 1;
	return n <= (size_t)avail ? n : (size_t)(avail > 1 ? avail - 1 : 1);
}

static void print_more(size_t shown, size_t n)
{
	if (shown < n)
		printf("  ... and %zu more\n", n - shown);
}

/* lines: how many lines the view may take (0: no limit). */
static void show(const struct lab *l, const struct snapshot *a, const struct snapshot *b,
		 enum top_sort by, int lines)
{
	static struct top_row scanners[RS_SOURCES], services[RS_SVC_BUCKETS];
	size_t ns = scanner_rows(l, a, b, scanners), nv = service_rows(a, b, services), i;
	size_t show_s = ns, show_v = nv;
	uint64_t t0 = lab_counters_sum(a->c.resp, RS_NR_COUNTERS);
	uint64_t t1 = lab_counters_sum(b->c.resp, RS_NR_COUNTERS);
	char addr[INET_ADDRSTRLEN], who[8];

	top_sort(scanners, ns, by);
	top_sort(services, nv, by == TOP_SORT_PACKETS ? TOP_SORT_PACKETS : TOP_SORT_RATE);
	if (lines) {
		/* header, blank, two table heads, blank between, footer */
		int avail = lines - 6;

		show_v = fitting(nv, avail / 3 > 3 ? avail / 3 : 3);
		show_s = fitting(ns, avail - (int)(show_v + (show_v < nv)));
	}
	printf("lab '%s': %d student%s seated, %.0f pps in all (over %.2f s)\n", l->name,
	       b->seated, b->seated == 1 ? "" : "s", top_rate(t0, t1, b->t - a->t), b->t - a->t);
	printf("%7s %-15s %10s %12s %10s %10s %8s %8s %8s\n", "STUDENT", "ADDR", "PPS", "PACKETS",
	       "ANSWERED", "DELIVERED", "LIMITED", "NO-SCAN", "SPOOFED");
	for (i = 0; i < show_s; i++) {
		uint32_t h = scanners[i].key;
		const uint64_t *v = lab_row_verdicts(&b->c, h);

		lab_row_addr(l, h, addr, sizeof(addr));
		snprintf(who, sizeof(who), "%u", scanners[i].student);
		printf("%7s %-15s %10.0f %12llu %10llu %10llu %8llu %8llu %8llu\n",
		       scanners[i].student ? who : "-", addr, scanners[i].pps,
		       (unsigned long long)scanners[i].count,
		       (unsigned long long)lab_row_answered(&b->c, h),
		       (unsigned long long)lab_counters_sum(lab_row_delivered(&b->c, h),
							    RS_NR_LAB_COUNTERS),
		       (unsigned long long)v[RS_CNT_DROP_RATE_LIMITED],
		       (unsigned long long)v[RS_CNT_DROP_DO_NOT_SCAN],
		       (unsigned long long)v[RS_CNT_DROP_SPOOFED]);
	}
	print_more(show_s, ns);
	printf("\n%-20s %10s %12s %10s\n", "SERVICE", "PPS", "PROBES", "ANSWERED");
	if (!b->c.services)
		printf("  (this lab does not count per service: bring it up again)\n");
	else if (!nv)
		printf("  (no probe yet)\n");
	for (i = 0; i < show_v; i++) {
		uint32_t k = services[i].key;

		printf("%-20s %10.0f %12llu %10llu\n", b->c.svc_names[k][0] ? b->c.svc_names[k] : "?",
		       services[i].pps, (unsigned long long)services[i].count,
		       (unsigned long long)lab_svc_answered(&b->c, k));
	}
	print_more(show_v, nv);
}

int cmd_top(int argc, char **argv)
{
	static struct snapshot snap[2];
	struct top_opts o = { .interval = TOP_INTERVAL_MS };
	enum top_sort by = TOP_SORT_RATE;
	bool screen;
	char **args;
	struct lab l;
	int nargs, rc, cur = 0, shown = 0;

	rc = options_parse(&top_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.sort && top_sort_parse(o.sort, &by))
		return options_usage_error(&top_cmd, "--sort '%s': use one of %s", o.sort,
					   TOP_SORT_NAMES);
	rc = lab_for_command(o.name, true, &l);
	if (rc)
		return rc;
	screen = !o.once && isatty(STDOUT_FILENO);
	handle_signals();
	if (take(&l, &snap[cur])) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (screen) {
		tty_keys_on();
		printf("\033[?25l\033[H\033[2Jrescan top: lab '%s', every %.1f s (q quits)\n", l.name,
		       o.interval / 1000.0);
		fflush(stdout);
	}
	rc = RS_EXIT_OK;
	while (!wait_or_quit(o.interval)) {
		if (take(&l, &snap[!cur])) {
			tty_restore(screen);
			rs_print_last_error();
			return RS_EXIT_FAIL;
		}
		if (screen)
			printf("\033[H\033[2J");
		else if (shown)
			printf("\n");	/* between plain snapshots */
		show(&l, &snap[cur], &snap[!cur], by, screen ? terminal_rows() : 0);
		if (screen)
			printf("(q quits)");
		fflush(stdout);
		shown++;
		cur = !cur;
		if (o.once)
			break;
	}
	tty_restore(screen);
	if (screen)
		printf("\n");
	return rc;
}
