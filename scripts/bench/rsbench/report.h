/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - what the parts of `rsbench report` share: the raw data of one
 * bench run as the phases wrote it (report_data.c reads it), the figures'
 * arithmetic (medians, quartiles, ratios), and the number formats of the
 * tables.
 */
#ifndef RSBENCH_REPORT_H
#define RSBENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

struct json_object;

/* A CSV file as the phases write it: a header line, then one row per record. */
struct table {
	int ncols, nrows;
	char **names;		/* the header's column names */
	char ***cells;		/* cells[row][col], "" where a row is short */
	char **lines;		/* each row's line as read, for copies of chosen rows */
	char *header;
};

/* A figure and its text: a number, or "-" where there is none. */
struct val {
	double v;
	char s[40];
};

/* min, median and max of some values. */
struct stats {
	struct val min, med, max;
};

/* p25, median, p75 (nearest rank) and how many values. */
struct quart {
	struct val p25, med, p75;
	int n;
};

/* The columns of data/throughput.csv the report reads (thr_columns()). */
struct thr_cols {
	int profile, world, tool, mode, rate, senders, cores, rep, exit, sent_pps, expected,
		received, false_pos, lost, pcap_recv, pcap_drop, rx_synack, xdp_tx_errors,
		lab0_tx_dropped, lab0_qdisc_drops;
	int noisy;	/* -1 in runs that predate it: no scan was noisy */
};

/* One run's data/ directory. A file that is missing or empty is an empty table. */
struct report {
	const char *out;	/* OUTDIR: RESULTS.md goes here, the data is in OUTDIR/data */
	char **env;		/* data/env.txt, "key=value" lines */
	int nenv;
	struct table thr, il, bpfstats, build, cls, grade;	/* cls: data/class.csv */
	struct thr_cols c;
	bool *used;		/* per row of thr: a figure uses it (see mark_used) */
	int noisy_left_out;
	struct json_object **xdp, **memlat;	/* data/xdpcost.jsonl, data/memlat.jsonl */
	int nxdp, nmemlat;
	FILE *f;		/* RESULTS.md being written */
};

/* ---- report_data.c ------------------------------------------------------------ */

void table_load(struct table *t, const char *path);
int table_col(const struct table *t, const char *name);	/* dies if it has none */
int table_col_opt(const struct table *t, const char *name);	/* -1 if it has none */
const char *cell(const struct table *t, int row, int col);	/* "" in column -1 */
void jsonl_load(const char *path, struct json_object ***objs, int *n);
void env_load(struct report *r, const char *path);
/* The value of KEY in env.txt, or def for a run that did not record it. */
const char *env_get(const struct report *r, const char *key, const char *def);
/* The range every scan covered (env.txt's scan_range), and its addresses. */
const char *scan_range(const struct report *r);
const char *scan_size(const struct report *r);

/* A field as a number: its leading numeric part, 0 for none. */
double num(const char *s);
/* Two fields differ: as numbers if both look like one, else as text. */
bool field_ne(const char *a, const char *b);

struct val val_none(void);
struct val val_text(const char *s);	/* a value as it stands in the data */
struct val val_num(double v);		/* a computed value, "%.6g" unless whole */
struct val val_fmt(const char *fmt, double v);
bool val_ok(const struct val *v);

/* Statistics of n values; empty texts are left out. "-" for no values. */
struct stats stats_of(const struct val *v, int n);
struct quart quartiles_of(const struct val *v, int n);	/* median as "%.3f" */

/* "%.0f k" of v / 1000, or "-". */
const char *kpps(const struct val *v, char buf[32]);
/* a / b as "%.3f", or "-" if either is missing or b is 0. */
struct val ratio(const struct val *a, const struct val *b);
const char *yes_no(bool b);

/* A JSON value's member by path ("cases.hit.median_ns"); NULL if absent or null. */
struct json_object *jget(struct json_object *o, const char *path);
/* A JSON number in its shortest form that reads back the same. */
const char *jq_num(double v, char buf[32]);

/* ---- the sections ---------------------------------------------------------------- */

void report_summary_scans(struct report *r);	/* report_scans.c */
void report_scans(struct report *r);
void report_cost_summary(struct report *r);	/* report_cost.c */
void report_cost(struct report *r);
void report_class_summary(struct report *r);	/* report_class.c */
void report_class(struct report *r);
void report_grade_summary(struct report *r);	/* report_grade.c */
void report_grade(struct report *r);
void write_plot_data(struct report *r, const char *path, int *nworlds, char *titles, size_t len);

void write_il_used(struct report *r, const char *path);

#endif /* RSBENCH_REPORT_H */
