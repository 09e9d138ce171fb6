/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grade_report.h - what `rescan grade` found for each student, and the
 * ways it is written: text for one student, JSON, and for a class one CSV
 * row per student and a self-contained HTML page (tables and inline SVG
 * plots, nothing fetched when it is opened).
 */
#ifndef RESCAN_GRADE_REPORT_H
#define RESCAN_GRADE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "assignment.h"
#include "grade.h"
#include "grade_timeline.h"

#define GRADE_FILES_MAX 64

struct graded {
	char name[128];			/* the submission's name: its file or folder */
	unsigned student;		/* from the name (student-K, K); 0: unknown */
	struct grade_file files[GRADE_FILES_MAX];
	unsigned nfiles;
	struct grade_counts svc[ASSIGN_SERVICES_MAX], total;
	const struct tl_student *acct;	/* the lab's accounting; NULL: none */
	bool graded;			/* false: error says why */
	bool pass;
	char error[320];
};

struct grade_context {
	const struct assignment *a;
	const char *world_desc;
	const struct timeline *tl;	/* NULL: no accounting */
	double min_recall, min_precision;
};

/* Does g meet the thresholds? */
bool grade_passes(const struct grade_context *x, const struct graded *g);

void grade_print_text(FILE *f, const struct grade_context *x, const struct graded *g);
struct json_object *grade_json(const struct grade_context *x, const struct graded *g);

int grade_write_csv(const char *path, const struct grade_context *x, const struct graded *g,
		    unsigned n);
int grade_write_html(const char *path, const struct grade_context *x, const struct graded *g,
		     unsigned n);

#endif
