// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_grade.c - section 5 of `rsbench report`: grading a class
 * (data/grade.csv, scripts/bench/grade.sh), one row per `rescan grade
 * --class` run: of 1 submission, and of all of them.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rsbench.h"

/* The median of column col over the rows grading n submissions. */
static struct val grade_med(const struct report *r, int n, const char *col, int *rows)
{
	int s = table_col(&r->grade, "submissions"), c = table_col(&r->grade, col), i, k = 0;
	struct val v[64];

	for (i = 0; i < r->grade.nrows && k < 64; i++)
		if ((int)num(cell(&r->grade, i, s)) == n)
			v[k++] = val_num(num(cell(&r->grade, i, c)));
	if (rows)
		*rows = k;
	return k ? stats_of(v, k).med : val_none();
}

/* The most submissions a run graded. */
static int grade_class_size(const struct report *r)
{
	int s = table_col(&r->grade, "submissions"), i, n = 0;

	for (i = 0; i < r->grade.nrows; i++)
		if ((int)num(cell(&r->grade, i, s)) > n)
			n = (int)num(cell(&r->grade, i, s));
	return n;
}

void report_grade_summary(struct report *r)
{
	struct val all, one;
	int n;

	if (!r->grade.header)
		return;
	n = grade_class_size(r);
	all = grade_med(r, n, "wall_s", NULL);
	one = grade_med(r, 1, "wall_s", NULL);
	fprintf(r->f, "| grading a class: `rescan grade --class` of %d submissions of a /16 scan "
		"(ZMap CSV) | – | – | seconds, not minutes | %s s (%s × grading one) | %s |\n", n,
		all.s, ratio(&all, &one).s, yes_no(val_ok(&all) && all.v < 60));
}

void report_grade(struct report *r)
{
	struct val all, one, rss, truth, rows;
	int n, reps;

	if (!r->grade.header)
		return;
	n = grade_class_size(r);
	all = grade_med(r, n, "wall_s", &reps);
	one = grade_med(r, 1, "wall_s", NULL);
	rss = grade_med(r, n, "maxrss_kb", NULL);
	truth = grade_med(r, n, "truth", NULL);
	rows = grade_med(r, n, "rows", NULL);
	fprintf(r->f, "\n## 5. Grading a class\n\n"
		"`rescan grade --world grade.world --service tcp/80 --range 198.18.0.0/16 "
		"--class DIR` on %d submissions at once, and on one: a world of one /16 at 14 %% "
		"(%s open hosts of tcp/80, closed ones besides), each submission a scan of it as "
		"ZMap's `-O csv` writes it, with its own misses, the closed hosts as `rst` rows and "
		"some duplicates (%s rows in all). Medians of %d runs; raw rows: `data/grade.csv`.\n\n"
		"| submissions | wall time | ÷ grading one | peak memory |\n|---|---|---|---|\n"
		"| 1 | %s s | 1 | %.0f MiB |\n| %d | %s s | %s | %.0f MiB |\n",
		n, truth.s, rows.s, reps, one.s, grade_med(r, 1, "maxrss_kb", NULL).v / 1024, n,
		all.s, ratio(&all, &one).s, rss.v / 1024);
}
