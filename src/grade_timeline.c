// SPDX-License-Identifier: GPL-2.0-only
/* grade_timeline.c - read the lab monitor's timeline (grade_timeline.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade_timeline.h"
#include "util.h"

enum col { C_TIME, C_STUDENT, C_PACKETS, C_ANSWERED, C_DELIVERED, C_RATE, C_DNS, C_SPOOF, C_N,
	   C_PROBES = C_N };	/* optional: packets less the kernels' own ARP and IPv6 */

static const char *const col_names[C_N] = {
	"time_ms", "student", "packets", "answered", "delivered", "drop_rate_limited",
	"drop_do_not_scan", "drop_spoofed",
};

#define TL_COLS_MAX (C_N + 2 + RS_DNS_LABELS)

struct tl_row {
	uint64_t v[C_N + 1];
	uint64_t dns[RS_DNS_LABELS];
};

/* What each column of the header is: an enum col, C_N + 1 + label, or -1. */
static int read_header(struct timeline *t, char *line, int *what, int *ncols, const char *path)
{
	char *tok, *save;
	int n = 0, c, have = 0;

	for (tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == TL_COLS_MAX) {
			rs_error("%s:1: more than %d columns", path, TL_COLS_MAX);
			return -EINVAL;
		}
		what[n] = -1;
		for (c = 0; c < C_N; c++)
			if (!strcmp(tok, col_names[c])) {
				what[n] = c;
				have |= 1 << c;
			}
		if (!strcmp(tok, "probes")) {
			what[n] = C_PROBES;
			t->have_probes = true;
		}
		if (!strncmp(tok, "dns:", 4) && t->nlabels < RS_DNS_LABELS) {
			snprintf(t->labels[t->nlabels], sizeof(t->labels[0]), "%s", tok + 4);
			what[n] = C_N + 1 + (int)t->nlabels++;
		}
		n++;
	}
	if ((have & ((1 << C_N) - 1)) != (1 << C_N) - 1) {
		for (c = 0; c < C_N && have >> c & 1; c++)
			;
		rs_error("%s:1: not a rescan timeline: no column '%s' (is it the monitor's "
			 "timeline.csv?)", path, col_names[c]);
		return -EINVAL;
	}
	*ncols = n;
	return 0;
}

static int add_point(struct tl_student *s, uint64_t t_ms, double pps)
{
	if (s->npoints == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		struct tl_point *p = realloc(s->points, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->points = p;
		s->cap = cap;
	}
	s->points[s->npoints++] = (struct tl_point){ t_ms, pps };
	return 0;
}

/* The sample interval: the shortest gap between two lines of one student. */
static uint64_t guess_interval(const struct timeline *t)
{
	uint64_t best = 0;
	unsigned k;
	uint32_t i;

	for (k = 0; k <= LAB_STUDENTS_MAX; k++)
		for (i = 1; i < t->s[k].npoints; i++) {
			uint64_t d = t->s[k].points[i].t_ms - t->s[k].points[i - 1].t_ms;

			if (d && (!best || d < best))
				best = d;
		}
	return best ? best : 1000;
}

/*
 * Rates: a line says what changed since the sample before it; a gap longer
 * than one interval was idle until its last interval (lines are written
 * only when something changed), so the packets of a line are spread over
 * one interval at most.
 */
static void compute_rates(struct timeline *t)
{
	unsigned k;
	uint32_t i;

	t->interval_ms = guess_interval(t);
	for (k = 0; k <= LAB_STUDENTS_MAX; k++) {
		struct tl_student *s = &t->s[k];
		uint64_t active_ms = 0, prev_packets = 0, prev_t = 0;

		for (i = 0; i < s->npoints; i++) {
			/* points[i].pps holds the cumulative probes until here */
			uint64_t packets = (uint64_t)s->points[i].pps, dt;

			dt = i ? s->points[i].t_ms - prev_t : t->interval_ms;
			if (dt > t->interval_ms || !dt)
				dt = t->interval_ms;
			s->points[i].pps = (double)(packets - prev_packets) * 1000.0 / (double)dt;
			if (packets != prev_packets)
				active_ms += dt;
			if (s->points[i].pps > s->peak_pps)
				s->peak_pps = s->points[i].pps;
			prev_packets = packets;
			prev_t = s->points[i].t_ms;
		}
		s->mean_pps = active_ms ? (double)s->probes * 1000.0 / (double)active_ms : 0;
	}
}

int timeline_read(const char *path, struct timeline *t)
{
	int what[TL_COLS_MAX], ncols = 0, err = 0;
	char line[4096];
	uint64_t lineno = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		rs_error("cannot read the timeline %s: %s", path, strerror(errno));
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		struct tl_row r = { 0 };
		struct tl_student *s;
		char *tok, *save, *end;
		int n = 0, c;

		lineno++;
		if (!strchr(line, '\n')) {
			/* The monitor flushes whole lines: a last line without one is cut short. */
			rs_error("%s:%llu: line cut short (the monitor still writing, or the file "
				 "truncated)", path, (unsigned long long)lineno);
			err = -EINVAL;
			break;
		}
		line[strcspn(line, "\r\n")] = 0;
		if (lineno == 1) {
			err = read_header(t, line, what, &ncols, path);
			continue;
		}
		for (tok = strtok_r(line, ",", &save); tok && n < ncols;
		     tok = strtok_r(NULL, ",", &save), n++) {
			uint64_t v;

			if (what[n] < 0)
				continue;
			errno = 0;
			v = strtoull(tok, &end, 10);
			if (errno || end == tok || *end) {
				rs_error("%s:%llu: column %d is not a number: \"%.40s\"", path,
					 (unsigned long long)lineno, n + 1, tok);
				err = -EINVAL;
				break;
			}
			c = what[n];
			if (c <= C_PROBES)
				r.v[c] = v;
			else
				r.dns[c - C_N - 1] = v;
		}
		if (err)
			break;
		if (n != ncols) {
			rs_error("%s:%llu: %d columns, the header has %d", path,
				 (unsigned long long)lineno, n, ncols);
			err = -EINVAL;
			break;
		}
		if (r.v[C_STUDENT] < 1 || r.v[C_STUDENT] > LAB_STUDENTS_MAX)
			continue;	/* the lab's own scanner */
		s = &t->s[r.v[C_STUDENT]];
		if (s->seen && r.v[C_TIME] < s->last_ms) {
			rs_error("%s:%llu: time goes back", path, (unsigned long long)lineno);
			err = -EINVAL;
			break;
		}
		if (!s->seen)
			s->first_ms = r.v[C_TIME];
		s->seen = true;
		s->last_ms = r.v[C_TIME];
		s->packets = r.v[C_PACKETS];
		s->probes = t->have_probes ? r.v[C_PROBES] : r.v[C_PACKETS];
		s->answered = r.v[C_ANSWERED];
		s->delivered = r.v[C_DELIVERED];
		s->rate_limited = r.v[C_RATE];
		s->do_not_scan = r.v[C_DNS];
		s->spoofed = r.v[C_SPOOF];
		memcpy(s->dns, r.dns, sizeof(s->dns));
		if (!t->first_ms || r.v[C_TIME] < t->first_ms)
			t->first_ms = r.v[C_TIME];
		if (r.v[C_TIME] > t->last_ms)
			t->last_ms = r.v[C_TIME];
		/* Cumulative probes for now; compute_rates makes them rates. */
		if (add_point(s, r.v[C_TIME], (double)s->probes)) {
			rs_error("out of memory reading %s", path);
			err = -ENOMEM;
		}
	}
	if (!err && ferror(f)) {
		rs_error("cannot read %s", path);
		err = -EIO;
	}
	if (!err && lineno == 0) {
		rs_error("%s: empty: the monitor has not written its header", path);
		err = -EINVAL;
	}
	fclose(f);
	if (err) {
		timeline_free(t);
		return err;
	}
	compute_rates(t);
	return 0;
}

void timeline_free(struct timeline *t)
{
	unsigned k;

	for (k = 0; k <= LAB_STUDENTS_MAX; k++) {
		free(t->s[k].points);
		t->s[k].points = NULL;
		t->s[k].npoints = t->s[k].cap = 0;
	}
}
