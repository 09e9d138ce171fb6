/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grade_timeline.h - a class's accounting as the lab's monitor recorded it
 * (`rescan lab monitor`: <results_dir>/timeline.csv), read back for the
 * grader: per student its counters at the end, its peak and mean rate, and
 * its rate over time.
 *
 * The file (monitor.h): a header "time_ms,student,addr,packets,probes,
 * answered,delivered,drop_rate_limited,drop_do_not_scan,drop_spoofed
 * [,dns:LABEL...]", then a line per student and sample whose counters
 * changed, cumulative. Columns are found by name, so more may follow; a
 * file without "probes" counts every packet as one. Rates are of probes.
 */
#ifndef RESCAN_GRADE_TIMELINE_H
#define RESCAN_GRADE_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "do_not_scan.h"
#include "lab.h"
#include "rescan_abi.h"

struct tl_point {
	uint64_t t_ms;
	double pps;		/* since the sample before */
};

struct tl_student {
	bool seen;
	uint64_t packets, probes, answered, delivered, rate_limited, do_not_scan, spoofed;
	uint64_t dns[RS_DNS_LABELS];	/* per label, as the file names them */
	uint64_t first_ms, last_ms;	/* first and last sample that changed */
	double peak_pps, mean_pps;	/* over one sample interval; over the samples that changed */
	struct tl_point *points;
	uint32_t npoints, cap;
};

struct timeline {
	char path[256];
	char labels[RS_DNS_LABELS][DNS_LABEL_MAX + 1];
	unsigned nlabels;
	bool have_probes;		/* the file has a probes column */
	uint64_t interval_ms;		/* the monitor's, as the samples show it */
	uint64_t first_ms, last_ms;	/* of the whole class */
	struct tl_student s[LAB_STUDENTS_MAX + 1];	/* by student; 0 unused */
};

/* Read path into t (zeroed first). A bad line fails with "PATH:LINE: what". */
int timeline_read(const char *path, struct timeline *t);
void timeline_free(struct timeline *t);

#endif
