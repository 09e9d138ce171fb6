// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_class.c - section 4 of `rsbench report`: a class (data/class.csv,
 * scripts/bench/class.sh), one row per student per round.
 *
 * A round of N students: its time runs from the first student's t_start to
 * the last one's t_end (each student's send window, read from its veth);
 * its aggregate rate is the probes the responder answered or judged
 * (column judged, over its students) in that time. A student's rate is its
 * own judged over its own window, its share of fair that rate over the
 * round's aggregate / N. The cap's accuracy: what it let through (the
 * student's IPv4 packets less those over the cap) over the most a cap of C
 * with burst B lets through in the send window s, C * s + B.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rsbench.h"

struct class_cols {
	int kind, students, round, cap, burst, sent, expected, received, false_pos, pcap_drop,
		packets_ipv4, judged, delivered, rate_limited, t_start, t_end, noisy;
};

static struct class_cols cols(const struct table *t)
{
	return (struct class_cols){
		.kind = table_col(t, "kind"), .students = table_col(t, "students"),
		.round = table_col(t, "round"), .cap = table_col(t, "cap_pps"),
		.burst = table_col(t, "burst"), .sent = table_col(t, "sent"),
		.expected = table_col(t, "expected"), .received = table_col(t, "received"),
		.false_pos = table_col(t, "false_pos"), .pcap_drop = table_col(t, "pcap_drop"),
		.packets_ipv4 = table_col(t, "packets_ipv4"), .judged = table_col(t, "judged"),
		.delivered = table_col(t, "delivered"), .rate_limited = table_col(t, "rate_limited"),
		.t_start = table_col(t, "t_start"), .t_end = table_col(t, "t_end"),
		.noisy = table_col(t, "noisy"),
	};
}

static double cnum(const struct report *r, int row, int col)
{
	return num(cell(&r->cls, row, col));
}

static bool is_kind(const struct report *r, const struct class_cols *c, int row, const char *kind)
{
	return !strcmp(cell(&r->cls, row, c->kind), kind);
}

/* One round: its students' sums and its time. */
struct round {
	int n;			/* students (rows) */
	double judged, t_start, t_end, expected, received, false_pos, delivered, pcap_drop;
	bool noisy;
};

static struct round round_of(const struct report *r, const struct class_cols *c, const char *kind,
			     int students, int rnd)
{
	struct round o = { 0 };
	int i;

	for (i = 0; i < r->cls.nrows; i++) {
		double ts = cnum(r, i, c->t_start), te = cnum(r, i, c->t_end);

		if (!is_kind(r, c, i, kind) || cnum(r, i, c->students) != students ||
		    cnum(r, i, c->round) != rnd)
			continue;
		if (!o.n || ts < o.t_start)
			o.t_start = ts;
		if (!o.n || te > o.t_end)
			o.t_end = te;
		o.n++;
		o.judged += cnum(r, i, c->judged);
		o.expected += cnum(r, i, c->expected);
		o.received += cnum(r, i, c->received);
		o.false_pos += cnum(r, i, c->false_pos);
		o.delivered += cnum(r, i, c->delivered);
		o.pcap_drop += cnum(r, i, c->pcap_drop);
		o.noisy |= !strcmp(cell(&r->cls, i, c->noisy), "1");
	}
	return o;
}

static double agg_rate(const struct round *o)
{
	return o->t_end > o->t_start ? o->judged / (o->t_end - o->t_start) : 0;
}

/* The distinct values of a column over the rows of a kind (and a class size), sorted. */
static int distinct(const struct report *r, const struct class_cols *c, const char *kind, int col,
		    int students, int *out)
{
	int i, j, k, n = 0, v;

	for (i = 0; i < r->cls.nrows; i++) {
		if (!is_kind(r, c, i, kind) || (students && cnum(r, i, c->students) != students))
			continue;
		v = (int)cnum(r, i, col);
		for (j = 0; j < n && out[j] != v; j++)
			;
		if (j < n)
			continue;
		for (k = n++; k > 0 && out[k - 1] > v; k--)
			out[k] = out[k - 1];
		out[k] = v;
	}
	return n;
}

/*
 * The class sizes the rows hold, sorted, into *sizes; *rounds gets room for
 * the round numbers of any one size. The caller frees both.
 */
static int class_sizes(const struct report *r, const struct class_cols *c, int **sizes,
		       int **rounds)
{
	*sizes = xmalloc((r->cls.nrows + 1) * sizeof(**sizes));
	*rounds = xmalloc((r->cls.nrows + 1) * sizeof(**rounds));
	return distinct(r, c, "class", c->students, 0, *sizes);
}

/* A class size over its rounds. */
struct size {
	struct stats agg;	/* aggregate rate per round */
	int nrounds, noisy;	/* rounds, and how many of them were noisy */
	double secs;		/* the rounds' times, added */
	double expected, received, false_pos, delivered, pcap_drop;
};

static struct size size_of(const struct report *r, const struct class_cols *c, int students,
			   int *rounds)
{
	struct size z = { 0 };
	struct val *v;
	int i;

	z.nrounds = distinct(r, c, "class", c->round, students, rounds);
	v = xmalloc((z.nrounds + 1) * sizeof(*v));
	for (i = 0; i < z.nrounds; i++) {
		struct round o = round_of(r, c, "class", students, rounds[i]);

		v[i] = val_num(agg_rate(&o));
		z.noisy += o.noisy;
		z.secs += o.t_end - o.t_start;
		z.expected += o.expected;
		z.received += o.received;
		z.false_pos += o.false_pos;
		z.delivered += o.delivered;
		z.pcap_drop += o.pcap_drop;
	}
	z.agg = stats_of(v, z.nrounds);
	free(v);
	return z;
}

/* Each student's share of fair over every round of a class size: min and max. */
static void shares(const struct report *r, const struct class_cols *c, int students,
		   const int *rounds, int nrounds, double *lo, double *hi)
{
	int i, k, seen = 0;

	*lo = *hi = 0;
	for (k = 0; k < nrounds; k++) {
		struct round o = round_of(r, c, "class", students, rounds[k]);
		double fair = agg_rate(&o) / students;

		for (i = 0; i < r->cls.nrows && fair > 0; i++) {
			double w = cnum(r, i, c->t_end) - cnum(r, i, c->t_start), s;

			if (!is_kind(r, c, i, "class") || cnum(r, i, c->students) != students ||
			    cnum(r, i, c->round) != rounds[k] || w <= 0)
				continue;
			s = cnum(r, i, c->judged) / w / fair;
			if (!seen++ || s < *lo)
				*lo = s;
			if (seen == 1 || s > *hi)
				*hi = s;
		}
	}
}

/* The cap's accuracy in one row: let through / (cap * window + burst). */
static double cap_accuracy(const struct report *r, const struct class_cols *c, int row,
			   double *let, double *most)
{
	double w = cnum(r, row, c->t_end) - cnum(r, row, c->t_start);

	*let = cnum(r, row, c->packets_ipv4) - cnum(r, row, c->rate_limited);
	*most = cnum(r, row, c->cap) * w + cnum(r, row, c->burst);
	return *most > 0 ? *let / *most : 0;
}

void report_class_summary(struct report *r)
{
	struct class_cols c;
	int *sizes, *rounds, nsizes, i;
	struct size one, big;
	struct stats st;
	struct val acc[64];
	double let, most, lo, hi;
	int nacc = 0;
	char a[32], b[32];

	if (!r->cls.header)
		return;
	c = cols(&r->cls);
	nsizes = class_sizes(r, &c, &sizes, &rounds);
	if (nsizes && sizes[0] == 1) {
		one = size_of(r, &c, 1, rounds);
		big = size_of(r, &c, sizes[nsizes - 1], rounds);
		shares(r, &c, sizes[nsizes - 1], rounds, big.nrounds, &lo, &hi);
		fprintf(r->f, "| a class of %d scanning at once, each its share of the range: "
			"answered-or-judged rate ÷ one student's (1.4 %% world, ZMap unlimited) | – | – "
			"| – | %s (%s against %s); each student %.3f–%.3f of a fair share; %d of %d "
			"replies lost | – |\n", sizes[nsizes - 1], ratio(&big.agg.med, &one.agg.med).s,
			kpps(&big.agg.med, a), kpps(&one.agg.med, b), lo, hi,
			(int)(big.expected - big.received), (int)big.expected);
	}
	for (i = 0; i < r->cls.nrows && nacc < 64; i++)
		if (is_kind(r, &c, i, "cap"))
			acc[nacc++] = val_fmt("%.3f", cap_accuracy(r, &c, i, &let, &most));
	if (nacc) {
		st = stats_of(acc, nacc);
		fprintf(r->f, "| a student's rate cap (`--student-rate`): let through ÷ (cap × send "
			"time + burst) | – | – | – | %s (%s–%s) | – |\n", st.med.s, st.min.s,
			st.max.s);
	}
	free(sizes);
	free(rounds);
}

void report_class(struct report *r)
{
	struct class_cols c;
	int *sizes, *rounds, nsizes, i, k;
	struct size z;
	struct val one = val_none();
	double lo, hi, let, most, acc;
	char a[32], b[32], d[32];

	if (!r->cls.header)
		return;
	c = cols(&r->cls);
	nsizes = class_sizes(r, &c, &sizes, &rounds);
	fprintf(r->f, "## 4. A class: students scanning at once\n\n"
		"One lab made by `rescan lab up --students %d` (its own data path: %s; every "
		"student's veth: softirq) on the 1.4 %% world. "
		"In a round, N of its students start plain ZMap at once (`rescan lab exec --student "
		"K -- zmap -p 80 -r 0`, on the CPU the student's zmap.conf names; all are started, "
		"wait on one FIFO, and are let go together), each on its own "
		"1/N of %s, so every round has the same probes and the same replies; N = 1 is the "
		"single scanner.\n"
		"A student's send window is read from its veth's receive counter on the internet "
		"side (1 %%–99 %% of its packets, stretched by 1/0.98), a round's time runs from "
		"its first student's start to its last student's end. Aggregate = probes the "
		"responder answered or judged (tx_synack + drop_not_in_world, all students) ÷ the "
		"round's time; share of fair = a student's own rate ÷ (aggregate ÷ N), min and "
		"max over every student of every round. Expected = `rescan world export` of each "
		"share; received = those hosts in ZMap's output; delivered = the SYN-ACKs the lab "
		"put on the students' veths (`rescan stats`: .delivered.rx_synack). Rounds during "
		"which other processes used more than 10 %% of a CPU are counted as noisy, not "
		"left out. Raw rows: `data/class.csv`.\n\n"
		"| students | rounds | aggregate pps min/med/max | ÷ 1 student | share of fair "
		"min / max | round s (mean) | expected | received | lost | loss | delivered | "
		"ZMap pcap drops | FP | noisy rounds |\n"
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
		nsizes ? sizes[nsizes - 1] : 0, env_get(r, "class_data_path", "?"),
		env_get(r, "class_range", scan_range(r)));
	if (nsizes && sizes[0] == 1)
		one = size_of(r, &c, 1, rounds).agg.med;
	for (k = 0; k < nsizes; k++) {
		z = size_of(r, &c, sizes[k], rounds);
		shares(r, &c, sizes[k], rounds, z.nrounds, &lo, &hi);
		fprintf(r->f, "| %d | %d | %s / %s / %s | %s | %.3f / %.3f | %.2f | %d | %d | %d | "
			"%.1e | %d | %d | %d | %d |\n", sizes[k], z.nrounds, kpps(&z.agg.min, a),
			kpps(&z.agg.med, b), kpps(&z.agg.max, d), ratio(&z.agg.med, &one).s, lo, hi,
			z.nrounds ? z.secs / z.nrounds : 0, (int)z.expected, (int)z.received,
			(int)(z.expected - z.received),
			z.expected ? (z.expected - z.received) / z.expected : 0, (int)z.delivered,
			(int)z.pcap_drop, (int)z.false_pos, z.noisy);
	}
	fprintf(r->f, "\n### A student's rate cap\n\n"
		"One student of a lab of its own (`rescan lab up --students 1 --student-rate C`, "
		"lab up's default burst B) runs ZMap at its maximum rate over all of %s. Let through "
		"= the student's IPv4 packets less drop_rate_limited (its kernel's RSTs meet the cap "
		"like its probes); the most a cap lets through in the send window s is C × s + B. "
		"Accuracy = let through ÷ (C × s + B): 1 is exact, above 1 lets too much through.\n\n"
		"| cap C pps | burst B | round | ZMap sent | over the cap | let through | send s | "
		"C × s + B | accuracy |\n|---|---|---|---|---|---|---|---|---|\n",
		env_get(r, "class_range", scan_range(r)));
	for (i = 0; i < r->cls.nrows; i++) {
		if (!is_kind(r, &c, i, "cap"))
			continue;
		acc = cap_accuracy(r, &c, i, &let, &most);
		fprintf(r->f, "| %s | %s | %s | %s | %s | %.0f | %.3f | %.0f | %.3f |\n",
			cell(&r->cls, i, c.cap), cell(&r->cls, i, c.burst), cell(&r->cls, i, c.round),
			cell(&r->cls, i, c.sent), cell(&r->cls, i, c.rate_limited), let,
			cnum(r, i, c.t_end) - cnum(r, i, c.t_start), most, acc);
	}
	fprintf(r->f, "\n");
	free(sizes);
	free(rounds);
}
