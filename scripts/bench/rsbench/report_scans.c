// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_scans.c - the figures of `rsbench report` that come from real
 * scans: send rates, ratios and losses per point (data/throughput.csv, the
 * rows mark_used() chose), the reflector's split of the gap, the ratios
 * inside one scan (data/interleaved.csv), and the plot's data.
 *
 * A point is (profile, world, tool, rate, senders, cores); its scans are
 * the used rows with those values, one or more per program (mode).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rsbench.h"

struct point {
	const char *profile, *world, *tool, *rate, *senders;
	const char *cores;	/* NULL: any the bench chose, not ZMap's own placement */
};

static bool in_point(const struct report *r, int row, const struct point *p)
{
	const struct table *t = &r->thr;
	const struct thr_cols *c = &r->c;

	return r->used[row] && !strcmp(cell(t, row, c->profile), p->profile) &&
	       !strcmp(cell(t, row, c->world), p->world) && !strcmp(cell(t, row, c->tool), p->tool) &&
	       !strcmp(cell(t, row, c->rate), p->rate) &&
	       !strcmp(cell(t, row, c->senders), p->senders) &&
	       (p->cores ? !strcmp(cell(t, row, c->cores), p->cores)
			 : strcmp(cell(t, row, c->cores), "default") != 0);
}

static bool is_mode(const struct report *r, int row, const char *mode)
{
	return !strcmp(cell(&r->thr, row, r->c.mode), mode);
}

static double col_num(const struct report *r, int row, int col)
{
	return num(cell(&r->thr, row, col));
}

/* ZMap's send rate over the point's scans of one program. */
static struct stats mode_stats(const struct report *r, const struct point *p, const char *mode)
{
	struct val *v = xmalloc((r->thr.nrows + 1) * sizeof(*v));
	struct stats st;
	int i, n = 0;

	for (i = 0; i < r->thr.nrows; i++)
		if (in_point(r, i, p) && is_mode(r, i, mode))
			v[n++] = val_text(cell(&r->thr, i, r->c.sent_pps));
	st = stats_of(v, n);
	free(v);
	return st;
}

/* median send rate of program numer / that of denom, "-" if either has no scans */
static struct val point_ratio(const struct report *r, const struct point *p, const char *numer,
			      const char *denom)
{
	struct stats a = mode_stats(r, p, numer), b = mode_stats(r, p, denom);

	return ratio(&a.med, &b.med);
}

/* "(min–max)" of numer / denom repetition by repetition (scans of one rep), or "". */
static void paired(const struct report *r, const struct point *p, const char *numer,
		   const char *denom, char *out, size_t len)
{
	struct val *v = xmalloc((r->thr.nrows + 1) * sizeof(*v));
	int i, j, n = 0, last_den;
	struct stats st;

	for (i = 0; i < r->thr.nrows; i++) {
		if (!in_point(r, i, p) || !is_mode(r, i, numer))
			continue;
		/* the repetition's last scan of each program counts */
		for (j = i + 1; j < r->thr.nrows; j++)
			if (in_point(r, j, p) && is_mode(r, j, numer) &&
			    !strcmp(cell(&r->thr, j, r->c.rep), cell(&r->thr, i, r->c.rep)))
				break;
		if (j < r->thr.nrows)
			continue;
		for (j = 0, last_den = -1; j < r->thr.nrows; j++)
			if (in_point(r, j, p) && is_mode(r, j, denom) &&
			    !strcmp(cell(&r->thr, j, r->c.rep), cell(&r->thr, i, r->c.rep)))
				last_den = j;
		if (last_den >= 0 && col_num(r, last_den, r->c.sent_pps) > 0)
			v[n++] = val_fmt("%.3f", col_num(r, i, r->c.sent_pps) /
							 col_num(r, last_den, r->c.sent_pps));
	}
	st = stats_of(v, n);
	free(v);
	if (val_ok(&st.min))
		snprintf(out, len, "(%s–%s)", st.min.s, st.max.s);
	else
		*out = 0;
}

/* The distinct points of the used rows (that have scans of mode, if given), in CSV order. */
static int point_keys(const struct report *r, const char *mode, struct point **out)
{
	const struct table *t = &r->thr;
	struct point *pts = xmalloc((t->nrows + 1) * sizeof(*pts));
	int i, k, n = 0;

	for (i = 0; i < t->nrows; i++) {
		struct point p = { cell(t, i, r->c.profile), cell(t, i, r->c.world),
				   cell(t, i, r->c.tool),    cell(t, i, r->c.rate),
				   cell(t, i, r->c.senders), cell(t, i, r->c.cores) };

		if (!r->used[i] || (mode && !is_mode(r, i, mode)))
			continue;
		for (k = 0; k < n && !in_point(r, i, &pts[k]); k++)
			;
		if (k == n)
			pts[n++] = p;
	}
	*out = pts;
	return n;
}

/* ---- inside one scan -------------------------------------------------------------- */

/* The last window of a program in one cycle, or -1. */
static int il_window(const struct report *r, const char *world, const char *senders, int scan_col,
		     int cycle_col, int row, const char *mode)
{
	const struct table *t = &r->il;
	int i, w = -1, wc = table_col(t, "world"), sc = table_col(t, "senders"),
	       mc = table_col(t, "mode");

	for (i = 0; i < t->nrows; i++)
		if (!strcmp(cell(t, i, wc), world) && !field_ne(cell(t, i, sc), senders) &&
		    !strcmp(cell(t, i, scan_col), cell(t, row, scan_col)) &&
		    !strcmp(cell(t, i, cycle_col), cell(t, row, cycle_col)) &&
		    !strcmp(cell(t, i, mc), mode))
			w = i;
	return w;
}

/* A cycle of data/interleaved.csv: one window of each program, in one scan. */
struct il_cycle {
	const char *scan, *cycle;
	double ratio;
};

/*
 * The cycles of world and senders that give the ratio numer / denom: those
 * with a window of both programs, the denom one with probes. In the order
 * of their first window.
 */
static int il_cycles(struct report *r, const char *world, const char *senders, const char *numer,
		     const char *denom, struct il_cycle **out)
{
	const struct table *t = &r->il;
	int wc = table_col(t, "world"), sc = table_col(t, "senders"), scan = table_col(t, "scan");
	int cyc = table_col(t, "cycle"), pps = table_col(t, "pps");
	struct il_cycle *cs = xmalloc((t->nrows + 1) * sizeof(*cs));
	int i, j, a, b, n = 0;

	for (i = 0; i < t->nrows; i++) {
		if (strcmp(cell(t, i, wc), world) || field_ne(cell(t, i, sc), senders))
			continue;
		for (j = 0; j < i; j++)	/* the cycle's first window only */
			if (!strcmp(cell(t, j, wc), world) && !field_ne(cell(t, j, sc), senders) &&
			    !strcmp(cell(t, j, scan), cell(t, i, scan)) &&
			    !strcmp(cell(t, j, cyc), cell(t, i, cyc)))
				break;
		if (j < i)
			continue;
		a = il_window(r, world, senders, scan, cyc, i, numer);
		b = il_window(r, world, senders, scan, cyc, i, denom);
		if (a < 0 || b < 0 || num(cell(t, b, pps)) <= 0)
			continue;
		cs[n].scan = cell(t, i, scan);
		cs[n].cycle = cell(t, i, cyc);
		cs[n].ratio = num(cell(t, a, pps)) / num(cell(t, b, pps));
		n++;
	}
	*out = cs;
	return n;
}

/* Median (p25, p75) of the cycles' ratios numer / denom. */
static struct quart il_quartiles(struct report *r, const char *world, const char *senders,
				 const char *numer, const char *denom)
{
	struct il_cycle *cs;
	int i, n = il_cycles(r, world, senders, numer, denom, &cs);
	struct val *v = xmalloc((n + 1) * sizeof(*v));
	struct quart q;

	/* each cycle's ratio is a figure to 3 decimals; the median is of those */
	for (i = 0; i < n; i++)
		v[i] = val_text(val_fmt("%.3f", cs[i].ratio).s);
	q = quartiles_of(v, n);
	free(v);
	free(cs);
	return q;
}

static const char *const il_ratios[3][2] = { { "resp", "drop" }, { "refl", "drop" },
					      { "resp", "refl" } };

/* The distinct (world, senders) of data/interleaved.csv, in order: row indices. */
static int il_keys(const struct report *r, int *rows)
{
	const struct table *t = &r->il;
	int wc = table_col(t, "world"), sc = table_col(t, "senders"), i, k, n = 0;

	for (i = 0; i < t->nrows; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(cell(t, rows[k], wc), cell(t, i, wc)) &&
			    !strcmp(cell(t, rows[k], sc), cell(t, i, sc)))
				break;
		if (k == n)
			rows[n++] = i;
	}
	return n;
}

void write_il_used(struct report *r, const char *path)
{
	const struct table *t = &r->il;
	int *keys = xmalloc((t->nrows + 1) * sizeof(int)), n = il_keys(r, keys), k, q, i, nc;
	FILE *f = fopen(path, "w");

	if (!f)
		die("%s: cannot write", path);
	fprintf(f, "world,senders,ratio,scan,cycle\n");
	for (k = 0; k < n; k++) {
		const char *w = cell(t, keys[k], table_col(t, "world"));
		const char *s = cell(t, keys[k], table_col(t, "senders"));

		for (q = 0; q < 3; q++) {
			struct il_cycle *cs;

			nc = il_cycles(r, w, s, il_ratios[q][0], il_ratios[q][1], &cs);
			for (i = 0; i < nc; i++)
				fprintf(f, "%s,%s,%s/%s,%s,%s\n", w, s, il_ratios[q][0],
					il_ratios[q][1], cs[i].scan, cs[i].cycle);
			free(cs);
		}
	}
	if (fclose(f))
		die("%s: write error", path);
	free(keys);
}

/* ---- the summary's rows ------------------------------------------------------------ */

/*
 * The send-rate ratio of one world in the lab as `rescan lab up` leaves it
 * (the headline), beside the same lab with its NAPI thread pinned at
 * SCHED_FIFO (tuned) and the softirq data path.
 */
static void summary_ratio(struct report *r, const char *w, const char *cores)
{
	struct point dflt = { "default", w, "zmap", "0", "1", cores };
	struct point tuned = { "tuned", w, "zmap", "0", "1", cores };
	struct point soft = { "softirq", w, "zmap", "0", "1", cores };
	struct val rd = point_ratio(r, &dflt, "resp", "drop");
	struct val rt = point_ratio(r, &tuned, "resp", "drop");
	struct val rs = point_ratio(r, &soft, "resp", "drop");
	struct val fd = point_ratio(r, &dflt, "refl", "drop");
	struct val rf = point_ratio(r, &dflt, "resp", "refl");
	bool w14 = strcmp(w, "w1.4") != 0;
	const char *t = w14 ? "0.90" : "0.97";
	char split[256] = "", il[160] = "", ilmet[64] = "";

	if (val_ok(&fd))
		snprintf(split, sizeof(split), "; of it, replies (reflector, no world, ÷ XDP_DROP) "
			 "%s, rescan's lookup (responder ÷ reflector) %s", fd.s, rf.s);
	if (r->il.header) {
		struct quart q = il_quartiles(r, w, "1", "resp", "drop");

		snprintf(il, sizeof(il), "; inside one scan %s (%s–%s)", q.med.s, q.p25.s, q.p75.s);
		snprintf(ilmet, sizeof(ilmet), ", inside one scan: %s",
			 yes_no(val_ok(&q.med) && q.med.v >= num(t)));
	}
	fprintf(r->f, "| send rate responder ÷ XDP_DROP, %s %% world, unlimited, 1 thread, lab as "
		"`rescan lab up` leaves it | %s | %s | ≥ %s | whole scans %s (NAPI thread pinned at "
		"SCHED_FIFO: %s; softirq data path: %s%s)%s | whole scans: %s%s |\n",
		w14 ? "14" : "1.4", w14 ? "–" : "0.82 (VM), 0.975 (server)",
		w14 ? "≈0.80" : "≈0.95 (1.6 % world)", t, rd.s, rt.s, rs.s, split, il,
		yes_no(rd.v >= num(t)), ilmet);
}

/* ZMap's absolute send rate as lab up leaves the lab, against the tuned lab's. */
static void summary_default_vs_tuned(struct report *r, const char *w, const char *cores)
{
	struct point dflt = { "default", w, "zmap", "0", "1", cores };
	struct point tuned = { "tuned", w, "zmap", "0", "1", cores };
	struct point soft = { "softirq", w, "zmap", "0", "1", cores };
	struct stats d = mode_stats(r, &dflt, "resp"), t = mode_stats(r, &tuned, "resp");
	struct stats s = mode_stats(r, &soft, "resp");
	struct val dt = ratio(&d.med, &t.med), st = ratio(&s.med, &t.med);
	char k1[32], k2[32], k3[32];

	fprintf(r->f, "| ZMap's send rate into the responder, lab as `rescan lab up` leaves it ÷ "
		"NAPI thread pinned at SCHED_FIFO, %s %% world, unlimited | – | 0.69 (softirq) | "
		"≥ 0.95 | %s (%s against %s; softirq data path %s, %s) | %s |\n",
		strcmp(w, "w1.4") ? "14" : "1.4", dt.s, kpps(&d.med, k1), kpps(&t.med, k2),
		kpps(&s.med, k3), st.s, yes_no(val_ok(&dt) && dt.v >= 0.95));
}

/* ZMap in the appliance (docker run as the README says) against the lab on the host. */
static void summary_appliance(struct report *r, const char *w, const char *cores)
{
	struct point app = { "appliance", w, "zmap", "0", "1", cores };
	struct point dflt = { "default", w, "zmap", "0", "1", cores };
	struct stats a = mode_stats(r, &app, "resp"), d = mode_stats(r, &dflt, "resp");
	struct val ad = ratio(&a.med, &d.med), ra = point_ratio(r, &app, "resp", "drop");
	char k1[32], k2[32];

	fprintf(r->f, "| ZMap's send rate in the appliance (`docker run --cap-add NET_ADMIN "
		"--cap-add SYS_ADMIN`) ÷ in the lab on the host, %s %% world, unlimited | – | – | "
		"≥ 0.95 | ", strcmp(w, "w1.4") ? "14" : "1.4");
	if (!val_ok(&a.med)) {
		fprintf(r->f, "not measured in this run (no Docker engine or image: see the log) | "
			"no |\n");
		return;
	}
	fprintf(r->f, "%s (%s against %s; responder ÷ XDP_DROP in the appliance %s) | %s |\n",
		ad.s, kpps(&a.med, k1), kpps(&d.med, k2), ra.s, yes_no(ad.v >= 0.95));
}

/* masscan's replies lost at its maximum rate, per data path. */
static void summary_masscan(struct report *r)
{
	static const char *const profiles[] = { "default", "softirq" };
	double lost[2] = { 0, 0 }, expected[2] = { 0, 0 };
	struct val rate[2];
	char k[2][32];
	int i, p;

	for (p = 0; p < 2; p++) {
		struct point pt = { profiles[p], "w1.4", "masscan", "10000000", "1", "default" };
		struct stats s = mode_stats(r, &pt, "resp");

		rate[p] = s.med;
		kpps(&rate[p], k[p]);
		for (i = 0; i < r->thr.nrows; i++)
			if (in_point(r, i, &pt) && is_mode(r, i, "resp")) {
				lost[p] += col_num(r, i, r->c.lost);
				expected[p] += col_num(r, i, r->c.expected);
			}
	}
	if (!expected[0] && !expected[1])
		return;
	fprintf(r->f, "| masscan 1.3.2 at its maximum rate, 1.4 %% world: replies lost | – | "
		"0.4–0.8 %% (lab0 with GSO) | 0 | lab as `rescan lab up` leaves it %d of "
		"%d at %s pps; softirq data path %d of %d at %s pps | %s |\n",
		(int)lost[0], (int)expected[0], k[0], (int)lost[1], (int)expected[1], k[1],
		yes_no(expected[0] && lost[0] == 0));
}

/* ZMap with its threads on the CPU the bench gave it (not its own placement). */
static bool zmap_placed(const struct report *r, int row)
{
	return !strcmp(cell(&r->thr, row, r->c.tool), "zmap") &&
	       strcmp(cell(&r->thr, row, r->c.cores), "default");
}

static bool own_placement(const struct report *r, int row)
{
	return !strcmp(cell(&r->thr, row, r->c.tool), "zmap") &&
	       !strcmp(cell(&r->thr, row, r->c.cores), "default");
}

static bool same_loss_point(const struct report *r, int a, int b)
{
	return !strcmp(cell(&r->thr, a, r->c.profile), cell(&r->thr, b, r->c.profile)) &&
	       !strcmp(cell(&r->thr, a, r->c.world), cell(&r->thr, b, r->c.world)) &&
	       !strcmp(cell(&r->thr, a, r->c.rate), cell(&r->thr, b, r->c.rate)) &&
	       !strcmp(cell(&r->thr, a, r->c.senders), cell(&r->thr, b, r->c.senders));
}

/* Replies lost and expected, summed over the responder's used scans that match. */
struct loss {
	double lost, expected;
	bool pcap_short;	/* a scan whose capture socket saw other than expected */
};

static struct loss loss_of(const struct report *r, bool (*match)(const struct report *, int),
			   int like)
{
	struct loss l = { 0, 0, false };
	int i;

	for (i = 0; i < r->thr.nrows; i++) {
		if (!r->used[i] || !is_mode(r, i, "resp") || !match(r, i) ||
		    (like >= 0 && !same_loss_point(r, i, like)))
			continue;
		l.lost += col_num(r, i, r->c.lost);
		l.expected += col_num(r, i, r->c.expected);
		if (field_ne(cell(&r->thr, i, r->c.pcap_recv), cell(&r->thr, i, r->c.expected)))
			l.pcap_short = true;
	}
	return l;
}

/* The largest loss of a point (profile, world, rate, senders) of ZMap placed by the bench. */
static struct val worst_loss(const struct report *r)
{
	double m = 0;
	int i;

	for (i = 0; i < r->thr.nrows; i++) {
		struct loss l;

		if (!r->used[i] || !is_mode(r, i, "resp") || !zmap_placed(r, i))
			continue;
		l = loss_of(r, zmap_placed, i);
		if (l.lost / l.expected > m)
			m = l.lost / l.expected;
	}
	/* the figure as printed decides whether the target is met */
	return val_text(val_fmt("%.1e", m).s);
}

void report_summary_scans(struct report *r)
{
	const char *cpu = env_get(r, "scan_cpu", "");
	struct loss all = loss_of(r, zmap_placed, -1), own = loss_of(r, own_placement, -1);
	struct val worst = worst_loss(r), own_s = val_none();
	double fp = 0;
	int i;

	summary_ratio(r, "w1.4", cpu);
	summary_ratio(r, "w14", cpu);
	summary_default_vs_tuned(r, "w1.4", cpu);
	summary_appliance(r, "w1.4", cpu);
	summary_masscan(r);
	for (i = 0; i < r->thr.nrows; i++)
		if (r->used[i] && is_mode(r, i, "resp"))
			fp += col_num(r, i, r->c.false_pos);
	if (own.expected)
		own_s = val_fmt("%.1e", own.lost / own.expected);
	fprintf(r->f, "| reply loss, every rate and world (ZMap, its threads on one CPU) | up to 7 %% "
		"(VM) | 1e-4 – 3e-3 | ≤ 1e-5 | worst point %s; all scans %d of %d replies (%.1e)%s; "
		"with ZMap's own thread placement %s (ZMap 2.1.1's validation race) | %s |\n",
		worst.s, (int)all.lost, (int)all.expected, all.lost / all.expected,
		all.pcap_short ? "" : "; ZMap's socket received every one (pcap_recv = expected)",
		own_s.s, yes_no(worst.v <= 1e-5));
	fprintf(r->f, "| false positives | > 0 with Bloom | – | 0 | %s | %s |\n", val_num(fp).s,
		yes_no(fp == 0));
}

/* ---- section 1 ---------------------------------------------------------------------- */

/* Notes on a point: each distinct text once, in the order first seen. */
struct notes {
	char text[16][96];
	int n;
};

static void note(struct notes *n, const char *fmt, const char *arg)
{
	char one[96];
	int i;

	snprintf(one, sizeof(one), fmt, arg);
	for (i = 0; i < n->n; i++)
		if (!strcmp(n->text[i], one))
			return;
	if (n->n < 16)
		strcpy(n->text[n->n++], one);
}

/* What the point's scans show beyond their figures. */
static void point_notes(const struct report *r, const struct point *p, struct notes *n)
{
	const struct thr_cols *c = &r->c;
	int i, noisy = 0;
	char buf[32];

	n->n = 0;
	for (i = 0; i < r->thr.nrows; i++) {
		bool resp = is_mode(r, i, "resp");

		if (!in_point(r, i, p))
			continue;
		if (field_ne(cell(&r->thr, i, c->exit), "0"))
			note(n, "exit %s", cell(&r->thr, i, c->exit));
		if (col_num(r, i, c->xdp_tx_errors) > 0)
			note(n, "xdp_tx_errors %s", cell(&r->thr, i, c->xdp_tx_errors));
		if (col_num(r, i, c->lab0_tx_dropped) > 0)
			note(n, "lab0 tx drops%s", "");
		if (col_num(r, i, c->lab0_qdisc_drops) > 0)
			note(n, "qdisc drops%s", "");
		if (resp && *cell(&r->thr, i, c->pcap_recv) &&
		    field_ne(cell(&r->thr, i, c->pcap_recv), cell(&r->thr, i, c->expected)))
			note(n, "pcap_recv %s", cell(&r->thr, i, c->pcap_recv));
		if (resp && col_num(r, i, c->lost) > 0 &&
		    col_num(r, i, c->rx_synack) >= col_num(r, i, c->expected))
			note(n, "every reply reached lab0 (rx_synack)%s", "");
		if (col_num(r, i, c->noisy) == 1)
			noisy++;
	}
	if (noisy) {
		snprintf(buf, sizeof(buf), "%d", noisy);
		note(n, "%s noisy scans kept (no clean one)", buf);
	}
}

static void point_row(struct report *r, const struct point *p)
{
	const struct thr_cols *c = &r->c;
	struct stats d = mode_stats(r, p, "drop"), s = mode_stats(r, p, "resp");
	struct val rt = ratio(&s.med, &d.med);
	double lost_max = 0, fp_max = 0, lost = 0, expected = 0, pcap_drops = 0;
	const char *exp = "";
	char pair[96], rl[48], thrs[64], dcol[64], k1[32], k2[32], k3[32];
	struct notes n;
	int i;

	for (i = r->thr.nrows - 1; i >= 0; i--) {
		if (!in_point(r, i, p) || !is_mode(r, i, "resp"))
			continue;
		exp = cell(&r->thr, i, c->expected);	/* the first scan's */
		lost_max = col_num(r, i, c->lost) > lost_max ? col_num(r, i, c->lost) : lost_max;
		fp_max = col_num(r, i, c->false_pos) > fp_max ? col_num(r, i, c->false_pos) : fp_max;
		lost += col_num(r, i, c->lost);
		expected += col_num(r, i, c->expected);
		pcap_drops += col_num(r, i, c->pcap_drop);
	}
	paired(r, p, "resp", "drop", pair, sizeof(pair));
	if (!strcmp(p->tool, "masscan"))
		snprintf(rl, sizeof(rl), "--rate %s", p->rate);
	else if (!strcmp(p->rate, "0"))
		snprintf(rl, sizeof(rl), "none");
	else
		snprintf(rl, sizeof(rl), "%spps", kpps(&(struct val){ num(p->rate), "" }, k1));
	snprintf(thrs, sizeof(thrs), "%s%s", p->senders,
		 strcmp(p->cores, "default") ? ""
		 : strcmp(p->tool, "zmap") ? ", not pinned" : ", ZMap's default pinning");
	if (val_ok(&d.med))
		snprintf(dcol, sizeof(dcol), "%s / %s / %s", kpps(&d.min, k1), kpps(&d.med, k2),
			 kpps(&d.max, k3));
	else
		snprintf(dcol, sizeof(dcol), "-");
	point_notes(r, p, &n);
	fprintf(r->f, "| %s | %s | %s | %s | %s | %s | ", p->profile, p->world, p->tool, rl, thrs,
		dcol);
	fprintf(r->f, "%s / %s / %s | %s%s%s | %s | %s | ", kpps(&s.min, k1), kpps(&s.med, k2),
		kpps(&s.max, k3), rt.s, *pair ? " " : "", pair, exp, val_num(lost_max).s);
	fprintf(r->f, "%s | %s | %s | ", expected ? val_fmt("%.1e", lost / expected).s : "-",
		val_num(fp_max).s, val_num(pcap_drops).s);
	for (i = 0; i < n.n; i++)
		fprintf(r->f, "%s%s", i ? "; " : "", n.text[i]);
	fprintf(r->f, " |\n");
}

static void reflector_rows(struct report *r)
{
	struct point *pts;
	int i, k, n = point_keys(r, "refl", &pts);
	char k1[32], k2[32], k3[32], k4[32], k5[32], pair[96];

	if (!n)
		return;
	fprintf(r->f, "### Where the gap to XDP_DROP goes (lab as `rescan lab up` leaves it, unlimited)\n\n"
		"The reflector (scripts/bench/rsbench/baselines.bpf.c) answers the same hosts as "
		"the world with the responder's own SYN-ACK rewrite, but decides by the rule the "
		"world was drawn by (a hash of the address) instead of reading a world, and counts "
		"nothing.\n"
		"Its scans run between the XDP_DROP and the responder scans of every repetition. "
		"reflector ÷ XDP_DROP is what the replies cost (ZMap handles each, its receive "
		"thread shares the sender's CPU); responder ÷ reflector is what rescan's world "
		"lookup and counters cost the scan.\n\n"
		"| world | threads | XDP_DROP pps (median) | reflector pps min/med/max | responder "
		"pps (median) | reflector ÷ XDP_DROP | responder ÷ reflector (pairs) | reflector "
		"lost / FP |\n|---|---|---|---|---|---|---|---|\n");
	for (k = 0; k < n; k++) {
		struct stats d = mode_stats(r, &pts[k], "drop"), f = mode_stats(r, &pts[k], "refl");
		struct stats s = mode_stats(r, &pts[k], "resp");
		struct val fd = ratio(&f.med, &d.med), rf = ratio(&s.med, &f.med);
		double lost = 0, fp = 0;

		for (i = 0; i < r->thr.nrows; i++) {
			if (in_point(r, i, &pts[k]) && is_mode(r, i, "refl")) {
				lost += col_num(r, i, r->c.lost);
				fp += col_num(r, i, r->c.false_pos);
			}
		}
		paired(r, &pts[k], "resp", "refl", pair, sizeof(pair));
		fprintf(r->f, "| %s | %s | %s | %s / %s / %s | %s | %s | %s%s%s | %d / %d |\n",
			pts[k].world, pts[k].senders, kpps(&d.med, k1), kpps(&f.min, k2),
			kpps(&f.med, k3), kpps(&f.max, k4), kpps(&s.med, k5), fd.s, rf.s,
			*pair ? " " : "", pair, (int)lost, (int)fp);
	}
	fprintf(r->f, "\n");
	free(pts);
}

static void interleaved_rows(struct report *r)
{
	int *keys = xmalloc((r->il.nrows + 1) * sizeof(int)), n = il_keys(r, keys), k, q;

	fprintf(r->f, "### The same ratios inside one scan (lab as `rescan lab up` leaves it, unlimited)\n\n"
		"While ZMap scans the range, the program on inet0 is swapped about every %s s "
		"(drop, reflector, responder, then the other way round: a *cycle* is one window of "
		"each), and ZMap's send rate is read per window from lab0's transmit counter less "
		"the RSTs its kernel sent, leaving out each window's first 50 ms.\n"
		"Whatever slows this shared machine for a second or more slows the three programs "
		"of a cycle alike, which whole scans one after the other cannot promise. Figures: "
		"median (p25–p75) over the cycles of %s scans; raw windows in "
		"`data/interleaved.csv`, the cycles each ratio used in `data/interleaved_used.csv`."
		"\n\n| world | threads | cycles | responder ÷ XDP_DROP | reflector ÷ XDP_DROP (what "
		"replies cost) | responder ÷ reflector (what rescan's lookup costs) |\n"
		"|---|---|---|---|---|---|\n",
		env_get(r, "il_window", ""), env_get(r, "reps", ""));
	for (k = 0; k < n; k++) {
		const char *w = cell(&r->il, keys[k], table_col(&r->il, "world"));
		const char *s = cell(&r->il, keys[k], table_col(&r->il, "senders"));
		struct quart qs[3];

		for (q = 0; q < 3; q++)
			qs[q] = il_quartiles(r, w, s, il_ratios[q][0], il_ratios[q][1]);
		fprintf(r->f, "| %s | %s | %d | **%s** (%s–%s) | %s (%s–%s) | %s (%s–%s) |\n", w, s,
			qs[0].n, qs[0].med.s, qs[0].p25.s, qs[0].p75.s, qs[1].med.s, qs[1].p25.s,
			qs[1].p75.s, qs[2].med.s, qs[2].p25.s, qs[2].p75.s);
	}
	fprintf(r->f, "\n");
	free(keys);
}

/* "4194304" as "4,194,304" */
static void thousands(const char *digits, char *out, size_t len)
{
	size_t n = strlen(digits), i, o = 0;

	for (i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
}

void report_scans(struct report *r)
{
	struct point *pts;
	int k, n = point_keys(r, NULL, &pts);
	char size[32];

	thousands(scan_size(r), size, sizeof(size));
	fprintf(r->f, "## 1. Send rate, ratio, loss (scan of %s = %s probes)\n\n"
		"ratio = median responder rate / median XDP_DROP rate (min–max over the paired "
		"repetitions).\n"
		"loss = (expected − received) / expected over all repetitions; FP = replies ZMap "
		"reported that the world does not have.\n"
		"Scans during which other processes used more than 10 %% of a CPU are repeated; %d "
		"such noisy scans are left out of the figures (they stay in data/throughput.csv, "
		"column noisy; the rows the figures use are data/throughput_used.csv).\n\n"
		"| profile | world | tool | rate limit | threads | XDP_DROP pps min/med/max | "
		"responder pps min/med/max | ratio | expected | lost (max) | loss | FP | pcap drops "
		"| notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
		scan_range(r), size, r->noisy_left_out);
	for (k = 0; k < n; k++)
		point_row(r, &pts[k]);
	fprintf(r->f, "\n");
	free(pts);
	reflector_rows(r);
	if (r->il.header)
		interleaved_rows(r);
	fprintf(r->f, "![send rates](throughput.png)\n\n");
}

/* ---- the plot's data ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * One block per world (lab as lab up leaves it, ZMap, one sender): per rate limit, the
 * send rate into XDP_DROP and into the responder, min med max (plot.gp).
 */
void write_plot_data(struct report *r, const char *path, int *nworlds, char *titles, size_t len)
{
	static const char *const rates[] = { "250000", "500000", "1000000", "0" };
	const char **worlds = xmalloc((r->thr.nrows + 1) * sizeof(*worlds));
	int i, k, n = 0;
	FILE *f = fopen(path, "w");

	if (!f)
		die("%s: cannot write", path);
	for (i = 0; i < r->thr.nrows; i++)
		if (!strcmp(cell(&r->thr, i, r->c.profile), "default") &&
		    !strcmp(cell(&r->thr, i, r->c.tool), "zmap") &&
		    !field_ne(cell(&r->thr, i, r->c.senders), "1"))
			worlds[n++] = cell(&r->thr, i, r->c.world);
	qsort(worlds, n, sizeof(*worlds), cmp_str);
	*nworlds = 0;
	*titles = 0;
	for (i = 0; i < n; i++) {
		if (i && !strcmp(worlds[i], worlds[i - 1]))
			continue;
		fprintf(f, "# world %s\n", worlds[i]);
		snprintf(titles + strlen(titles), len - strlen(titles), "%s ", worlds[i]);
		(*nworlds)++;
		for (k = 0; k < 4; k++) {
			struct point p = { "default", worlds[i], "zmap", rates[k], "1", NULL };
			struct stats d = mode_stats(r, &p, "drop"), s = mode_stats(r, &p, "resp");
			char label[32];

			if (!val_ok(&d.med))
				continue;
			if (!strcmp(rates[k], "0"))
				snprintf(label, sizeof(label), "unlimited");
			else
				snprintf(label, sizeof(label), "%dk", atoi(rates[k]) / 1000);
			fprintf(f, "\"%s\" %s %s %s %s %s %s\n", label, d.min.s, d.med.s, d.max.s,
				s.min.s, s.med.s, s.max.s);
		}
		fprintf(f, "\n\n");
	}
	if (fclose(f))
		die("%s: write error", path);
	free(worlds);
}

