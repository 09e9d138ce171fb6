/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grade.h - a student's scan results against the world's ground truth for
 * what an assignment asks (assignment.h): per service, the hosts of the
 * assigned ranges in the asked state are the truth; the hosts the result
 * files report in that state are read with the dataset readers (any
 * format rescan reads: dataset.h), and compared host by host. Hosts in
 * the assignment's do-not-scan ranges are no one's truth: the lab never
 * answers them. The service "hosts" is host discovery: its truth is the
 * hosts of the ranges that answer a probe of the assignment's discovery
 * set, and a result reports a host by any record of an answer from it
 * (dataset_query.up); a second such record (masscan's next port) is a
 * duplicate.
 */
#ifndef RESCAN_GRADE_H
#define RESCAN_GRADE_H

#include <stdbool.h>
#include <stdint.h>

#include "assignment.h"
#include "dataset.h"
#include "do_not_scan.h"
#include "ipset.h"
#include "world.h"

/* Coverage is counted in blocks of this many addresses (a /24). */
#define GRADE_BLOCK_BITS 8

struct grade_counts {
	uint64_t truth;		/* hosts of the ranges in the state */
	uint64_t reported;	/* distinct hosts reported in the state, in range or not */
	uint64_t tp;		/* reported and true */
	uint64_t fp;		/* reported, in range, not true */
	uint64_t fn;		/* true, not reported */
	uint64_t outside;	/* reported, outside every assigned range */
	uint64_t duplicates;	/* reports of a host reported before */
	uint64_t blocks;	/* /24s of the ranges holding a true host */
	uint64_t blocks_found;	/* of those, the ones where one was reported */
};

/* precision tp/(tp+fp), recall tp/(tp+fn), coverage blocks_found/blocks; 1 when 0/0. */
double grade_precision(const struct grade_counts *c);
double grade_recall(const struct grade_counts *c);
double grade_coverage(const struct grade_counts *c);
void grade_counts_add(struct grade_counts *to, const struct grade_counts *c);

/* The truth of each service of an assignment, computed once for many students. */
struct grader {
	const struct world *w;
	const struct assignment *a;
	uint32_t *truth[ASSIGN_SERVICES_MAX];	/* ascending */
	uint64_t ntruth[ASSIGN_SERVICES_MAX];
	struct ipset seen;			/* one student's reports, one service */
	struct dns_list dns;			/* the assignment's do-not-scan ranges */
	bool have_dns;
};

int grader_init(struct grader *g, const struct world *w, const struct assignment *a);
void grader_free(struct grader *g);

/* What one file said, for the report. */
struct grade_file {
	char path[512];
	const char *format;	/* the dataset reader's name, or NULL when not read */
	char error[256];	/* why not, when format is NULL */
};

/*
 * Grade service i of the assignment for one student's result files: every
 * file is read for it, and its counts written to c. A file that cannot be
 * read fails the grading (-errno, error recorded: "PATH:LINE: what"),
 * unless skip_unreadable, when its reason goes to files[k].error and the
 * others count.
 */
int grade_service(struct grader *g, unsigned i, struct grade_file *files, unsigned nfiles,
		  bool skip_unreadable, struct grade_counts *c);

#endif
