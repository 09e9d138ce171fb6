/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * assignment.h - what students are asked to scan and how they are graded,
 * in one file that `rescan lab up --assignment` and `rescan grade
 * --assignment` both read, so the two cannot drift apart:
 *
 *   # week 3: find the web servers of 41.1.0.0/16
 *   name          = http-survey
 *   world         = synth:1              # a world file, synth:SEED, or synth:random
 *   range         = 41.1.0.0/16          # several: separated by blanks or commas
 *   service       = tcp/80               # several: graded each, and in total
 *   state         = open                 # open (default), closed, filtered
 *   scanner       = zmap                 # what the students are told to use (any)
 *   student_rate  = 20000                # each student's cap, probes/s (lab up)
 *   student_burst = 2000
 *   do_not_scan   = opt-out.txt          # relative to this file (lab up, grade)
 *   min_recall    = 0.95                 # grade fails below these
 *   min_precision = 0.99
 *
 * Keys are the ones above, each at most once; '#' starts a comment; a
 * world or do-not-scan file is relative to the assignment's directory. A
 * bad line is one error "PATH:LINE: what".
 */
#ifndef RESCAN_ASSIGNMENT_H
#define RESCAN_ASSIGNMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "service.h"

#define ASSIGN_RANGES_MAX 64
#define ASSIGN_SERVICES_MAX 16
#define ASSIGN_TEXT_MAX 256

struct addr_range {
	uint32_t first, last;	/* host order, inclusive */
};

struct assignment {
	char path[ASSIGN_TEXT_MAX];	/* where it was read from; "" when built from flags */
	char name[64];
	char world[ASSIGN_TEXT_MAX];		/* "" when not given */
	char scanner[32];
	char do_not_scan[ASSIGN_TEXT_MAX];	/* resolved against the file's directory */
	struct addr_range ranges[ASSIGN_RANGES_MAX];
	unsigned nranges;
	struct rs_svc services[ASSIGN_SERVICES_MAX];
	unsigned nservices;
	int state;			/* enum rs_state */
	uint64_t student_rate, student_burst;	/* 0: not given */
	double min_recall, min_precision;	/* 0: no threshold */
};

/* An assignment with nothing asked yet: state open, no thresholds. */
void assignment_init(struct assignment *a);

/* Read path into a (after assignment_init). 0, or -errno with the error recorded. */
int assignment_read(const char *path, struct assignment *a);

/*
 * A list of CIDR blocks or addresses ("41.1.0.0/16, 41.2.0.0/24") added to
 * a's ranges, or of services ("tcp/80 tcp/443") to its services; what
 * names the list in an error ("--range").
 */
int assignment_add_ranges(struct assignment *a, const char *list, const char *what);
int assignment_add_services(struct assignment *a, const char *list, const char *what);

/* Addresses in a's ranges (overlaps counted once). */
uint64_t assignment_range_size(const struct assignment *a);

/* Is addr in one of a's ranges? */
bool assignment_in_range(const struct assignment *a, uint32_t addr);

#endif
