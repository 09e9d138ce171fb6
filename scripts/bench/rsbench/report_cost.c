// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_cost.c - the figures of `rsbench report` for what a probe costs
 * the XDP program: `rsbench xdpcost` records (data/xdpcost.jsonl), the
 * machine's memory latency beside them (data/memlat.jsonl), and the
 * kernel's own accounting during real scans (data/bpf_stats.csv).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report.h"
#include "rsbench.h"

/* The largest of a member over the records, nulls left out; false if none has it. */
static bool jmax(struct json_object **objs, int n, const char *const *paths, int npaths,
		 double *max, int *at)
{
	bool any = false;
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < npaths; k++) {
			struct json_object *v = jget(objs[i], paths[k]);

			/* ties: the later record */
			if (v && (!any || json_object_get_double(v) >= *max)) {
				*max = json_object_get_double(v);
				if (at)
					*at = i;
				any = true;
			}
		}
	}
	return any;
}

/* A member in its shortest form (jq_num), or def if it is absent. */
static const char *jtext(struct json_object *o, const char *path, const char *def, char buf[32])
{
	struct json_object *v = jget(o, path);

	return v ? jq_num(json_object_get_double(v), buf) : def;
}

/* The world's tag of an xdpcost record: "w1.4" of ".../w1.4-64.0.0.0_10.world". */
static void world_tag(struct json_object *rec, char *out, size_t len)
{
	struct json_object *w = jget(rec, "world");
	const char *s = w ? json_object_get_string(w) : "", *slash = strrchr(s, '/');
	size_t n;
	char *p;

	snprintf(out, len, "%s", slash ? slash + 1 : s);
	n = strlen(out);
	if (n >= 6 && !strcmp(out + n - 5, "world"))
		out[n - 6] = 0;
	for (p = strchr(out, '-'); p; p = strchr(p + 1, '-')) {
		if (p[1] && strspn(p + 1, "0123456789._") == strlen(p + 1)) {
			*p = 0;
			break;
		}
	}
}

/* The pace xdpcost read fresh addresses at, averaged over its records, or "". */
static bool xdp_pace(struct report *r, char buf[32])
{
	double sum = 0;
	int i, n = 0;

	for (i = 0; i < r->nxdp; i++) {
		struct json_object *v = jget(r->xdp[i], "fresh_read_every_us");

		if (v) {
			sum += json_object_get_double(v);
			n++;
		}
	}
	if (n)
		jq_num(round(sum / n * 10) / 10, buf);
	return n > 0;
}

/* The other memlat spacing than 2 µs (the pace of xdpcost's reads), the largest. */
static const char *memlat_gap(struct report *r, char buf[32])
{
	double g = 0;
	bool any = false;
	int i;

	for (i = 0; i < r->nmemlat; i++) {
		struct json_object *v = jget(r->memlat[i], "gap_us");

		if (v && json_object_get_double(v) != 2 &&
		    (!any || json_object_get_double(v) > g)) {
			g = json_object_get_double(v);
			any = true;
		}
	}
	return any ? jq_num(g, buf) : "-";
}

/* memlat's ns per read for a buffer of kib, at the spacing other than 2 µs (or at 2 µs). */
static const char *memlat_at(struct report *r, double kib, bool at_2us, bool rounded,
			     char buf[32])
{
	int i;

	for (i = 0; i < r->nmemlat; i++) {
		struct json_object *k = jget(r->memlat[i], "size_kib"), *g = jget(r->memlat[i], "gap_us");
		struct json_object *ns = jget(r->memlat[i], "ns_per_read");

		if (!k || json_object_get_double(k) != kib || !ns ||
		    (g && json_object_get_double(g) == 2) != at_2us)
			continue;
		return jq_num(rounded ? round(json_object_get_double(ns))
				      : json_object_get_double(ns), buf);
	}
	return "-";
}

/* The largest difference responder − XDP_DROP of bpf_stats' ns per run, "%.0f". */
static const char *bpf_stats_worst(struct report *r, char buf[32])
{
	const struct table *t = &r->bpfstats;
	int wc, mc, nc, i, j;
	double m = 0;

	if (!t->header)
		return "-";
	wc = table_col(t, "world"), mc = table_col(t, "mode"), nc = table_col(t, "ns_per_run");
	for (i = 0; i < t->nrows; i++) {
		double d = 0;

		if (strcmp(cell(t, i, mc), "resp"))
			continue;
		for (j = 0; j < t->nrows; j++)
			if (!strcmp(cell(t, j, wc), cell(t, i, wc)) && !strcmp(cell(t, j, mc), "drop"))
				d = num(cell(t, j, nc));
		if (num(cell(t, i, nc)) - d > m)
			m = num(cell(t, i, nc)) - d;
	}
	snprintf(buf, 32, "%.0f", m);
	return buf;
}

/* The smallest and largest of a member over the records that have it; false if none has. */
static bool jminmax(struct report *r, const char *path, double *lo, double *hi)
{
	bool any = false;
	int i;

	for (i = 0; i < r->nxdp; i++) {
		struct json_object *v = jget(r->xdp[i], path);
		double x = v ? json_object_get_double(v) : 0;

		if (!v)
			continue;
		*lo = !any || x < *lo ? x : *lo;
		*hi = !any || x > *hi ? x : *hi;
		any = true;
	}
	return any;
}

/* "min–max" of a member over the records, "min" if they agree and same_once, or "-". */
static void jrange(struct report *r, const char *path, bool same_once, char *out, size_t len)
{
	double lo = 0, hi = 0;
	char a[32], b[32];

	if (!jminmax(r, path, &lo, &hi))
		snprintf(out, len, "-");
	else if (same_once && lo == hi)
		snprintf(out, len, "%s", jq_num(lo, a));
	else
		snprintf(out, len, "%s–%s", jq_num(lo, a), jq_num(hi, b));
}

void report_cost_summary(struct report *r)
{
	static const char *const cold[] = { "cases.hit.net_median_ns", "cases.miss.net_median_ns" };
	static const char *const warm[] = { "cases.hit.warm_net_median_ns",
					    "cases.miss.warm_net_median_ns" };
	static const char *const b2b[] = { "batch.hit.net_ns", "batch.miss.net_ns" };
	double xc = 0, xw = 0, bb = 0, kib;
	bool has_xc, has_xw;
	char b[6][32], mix[80], bbtext[256] = "", bbmet[32] = "";
	int worst = 0;
	struct json_object *pool;

	has_xc = jmax(r->xdp, r->nxdp, cold, 2, &xc, &worst);
	has_xw = jmax(r->xdp, r->nxdp, warm, 2, &xw, NULL);
	if (jmax(r->xdp, r->nxdp, b2b, 2, &bb, NULL)) {
		jrange(r, "batch.scan.net_ns", false, mix, sizeof(mix));
		snprintf(bbtext, sizeof(bbtext), "back to back (rescan's own work at line rate, new "
			 "probes in scan order) %s ns, a scan's probes on average %s ns; ",
			 jq_num(bb, b[0]), mix);
		snprintf(bbmet, sizeof(bbmet), "back to back: %s, ", yes_no(bb <= 40));
	}
	/* the worst world's bytes, read from memory at the slower memlat pace */
	pool = jget(r->xdp[worst], "pool_bytes_in_range");
	kib = floor(((pool ? json_object_get_double(pool) : 0) + 1023) / 1024);
	fprintf(r->f, "| XDP cost per probe, median (hit or miss, worst world) | not reported | – | "
		"≤ 40 ns | %scold (a fresh address every run) %s ns, where one read of the same %s "
		"KiB from this VM's memory, one read every %s µs, costs %s ns; warm (one packet "
		"twice) %s ns; %s ns (bpf_stats in a scan) | %scold: %s, warm: %s |\n",
		bbtext, has_xc ? jq_num(xc, b[1]) : "-", jq_num(kib, b[2]), memlat_gap(r, b[3]),
		memlat_at(r, kib, false, true, b[4]), has_xw ? jq_num(xw, b[5]) : "-",
		bpf_stats_worst(r, b[0]), bbmet, yes_no(has_xc && xc <= 40),
		yes_no(has_xw && xw <= 40));
}

/* ---- section 2 --------------------------------------------------------------------- */

static void xdpcost_rows(struct report *r)
{
	static const char *const cases[] = { "hit", "miss", "nonprobe" };
	char w[128], path[64], b[12][32];
	int i, k;

	for (i = 0; i < r->nxdp; i++) {
		struct json_object *pool = jget(r->xdp[i], "pool_bytes_in_range");

		world_tag(r->xdp[i], w, sizeof(w));
		for (k = 0; k < 3; k++) {
			struct json_object *c, *valid;

			snprintf(path, sizeof(path), "cases.%s", cases[k]);
			c = jget(r->xdp[i], path);
			valid = c ? jget(c, "repeat_valid") : NULL;
			fprintf(r->f, "| %s | %s | %s | %s / %s / %s | **%s** (%s) | **%s** (%s) | %s%s |\n",
				w, jq_num(round((pool ? json_object_get_double(pool) : 0) / 1024 * 10) / 10, b[0]),
				cases[k], jtext(c, "p10_ns", "null", b[1]), jtext(c, "median_ns", "null", b[2]),
				jtext(c, "p90_ns", "null", b[3]), jtext(c, "net_median_ns", "null", b[4]),
				jtext(c, "net_mean_ns", "null", b[5]), jtext(c, "warm_net_median_ns", "-", b[6]),
				jtext(c, "warm_net_mean_ns", "-", b[7]), jtext(c, "net_repeat_ns", "null", b[8]),
				valid && json_object_get_boolean(valid) ? "" : " — invalid for hits");
		}
	}
}

static void batch_rows(struct report *r)
{
	char w[128], path[64], b[8][32];
	int i, k;

	for (i = 0; i < r->nxdp; i++) {
		world_tag(r->xdp[i], w, sizeof(w));
		for (k = 0; k < NR_B; k++) {
			struct json_object *c, *share;

			snprintf(path, sizeof(path), "batch.%s", bname[k]);
			c = jget(r->xdp[i], path);
			share = c ? jget(c, "hit_share") : NULL;
			fprintf(r->f, "| %s | %s | %s | %s %% | %s (%s) | **%s** (%s–%s) |\n", w, bname[k],
				jtext(c, "addrs", "null", b[0]),
				jq_num(round((share ? json_object_get_double(share) : 0) * 1000) / 10, b[1]),
				jtext(c, "ns", "null", b[2]), jtext(c, "harness_ns", "null", b[3]),
				jtext(c, "net_ns", "null", b[4]), jtext(c, "net_p25_ns", "null", b[5]),
				jtext(c, "net_p75_ns", "null", b[6]));
		}
	}
}

static void xdpcost_section(struct report *r)
{
	char b[4][32], pace[64], emp[80];
	bool all_batch = true;
	int i;

	fprintf(r->f, "BPF_PROG_TEST_RUN, repeat = 1, every run on a fresh copy of its packet "
		"(`rsbench xdpcost`), interleaved with an empty XDP_DROP program measured the same "
		"way;\nnet = the responder's figure − the empty program's (the timer's own cost). "
		"**cold**: a new random address of the range every run, as a scan does;\n**warm**: "
		"the same packet run twice and the second run timed, so the world's lines (and the "
		"path's branch history) are in the CPU: what rescan's own work costs.\nThis VM's "
		"clock moves in steps of about 10 ns, so medians come in 10s; the mean (below p99) "
		"resolves finer.\n\"repeat 10k\" re-runs one packet 10,000 times: valid for misses "
		"and non-probes, which are not rewritten; for a hit it times the rewritten SYN-ACK "
		"(shown only to make that point).\n\n| world | world KiB read | case | cold p10 / "
		"median / p90 ns | cold net median (mean) ns | warm net median (mean) ns | repeat 10k "
		"net ns |\n|---|---|---|---|---|---|---|\n");
	xdpcost_rows(r);
	jrange(r, "cases.empty_drop_prog.median_ns", true, emp, sizeof(emp));
	for (i = 0; i < r->nxdp; i++)
		all_batch = all_batch && jget(r->xdp[i], "batch");
	if (xdp_pace(r, b[0]))
		snprintf(pace, sizeof(pace), "every %s µs", b[0]);
	else
		snprintf(pace, sizeof(pace), "at a pace this run did not record");
	fprintf(r->f, "\nThe empty program itself: cold median %s ns; xdpcost read the world at a "
		"fresh address %s. Command: `taskset -c CPU .output/rsbench xdpcost -n RUNS WORLD "
		"tcp/80 %s`\n\n", emp, pace, scan_range(r));
	if (!all_batch)
		return;
	fprintf(r->f, "**Back to back** (scripts/bench/rsbench/batch.bpf.c): the responder's code "
		"run %s times per BPF_PROG_TEST_RUN call, each run laying a fresh probe to the next "
		"destination of a list, as NAPI runs it on a batch at line rate;\nnet = that − the "
		"harness laying the probes alone, per pair of calls, median (p25–p75) of %s pairs. "
		"The kernel times the loop, so the figure is not bound to the clock's steps.\n"
		"**scan**: a sample of the range in random order, hits as often as the world has "
		"them. The responder's counters must move by exactly the world's verdicts for every "
		"timed run, or xdpcost fails.\n\n| world | case | destinations | hits | ns per run "
		"(harness alone) | net ns per probe |\n|---|---|---|---|---|---|\n",
		jtext(r->xdp[0], "batch.repeat", "null", b[1]),
		jtext(r->xdp[0], "batch.calls", "null", b[2]));
	batch_rows(r);
	fprintf(r->f, "\n");
}

static int cmp_kib(const void *a, const void *b)
{
	double x = json_object_get_double(jget(*(struct json_object *const *)a, "size_kib"));
	double y = json_object_get_double(jget(*(struct json_object *const *)b, "size_kib"));

	return x < y ? -1 : x > y;
}

static void memlat_section(struct report *r)
{
	struct json_object **sorted = xmalloc(r->nmemlat * sizeof(*sorted));
	char b[4][32];
	int i;

	fprintf(r->f, "What this machine charges for a read from memory (`rsbench memlat KIB GAP`: "
		"a dependent random read of a KIB buffer every GAP µs, in user space on the same CPU; "
		"the buffer sizes are the world bytes the lookups of %s read, and the 61 M world's "
		"64 MiB; a figure below 0 is the timer's noise around a read that hit the cache):\n\n"
		"| buffer KiB | a read every 2 µs (a scan at 500 kpps): ns per read | a read every "
		"%s µs: ns per read |\n|---|---|---|\n",
		scan_range(r), memlat_gap(r, b[0]));
	memcpy(sorted, r->memlat, r->nmemlat * sizeof(*sorted));
	qsort(sorted, r->nmemlat, sizeof(*sorted), cmp_kib);
	for (i = 0; i < r->nmemlat; i++) {
		double kib = json_object_get_double(jget(sorted[i], "size_kib"));

		if (i && kib == json_object_get_double(jget(sorted[i - 1], "size_kib")))
			continue;
		fprintf(r->f, "| %s | %s | %s |\n", jq_num(kib, b[1]),
			memlat_at(r, kib, true, false, b[2]), memlat_at(r, kib, false, false, b[3]));
	}
	fprintf(r->f, "\n");
	free(sorted);
}

/* One world's three programs, as rows sorted like the lines of `LC_ALL=C sort`. */
static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bpf_stats_section(struct report *r)
{
	const struct table *t = &r->bpfstats;
	int wc = table_col(t, "world"), mc = table_col(t, "mode"), rc = table_col(t, "runs");
	int nc = table_col(t, "ns_per_run"), i, j, n = 0;
	char **lines = xmalloc((3 * t->nrows + 1) * sizeof(*lines));

	fprintf(r->f, "During real scans (`sysctl kernel.bpf_stats_enabled=1`, ZMap unlimited; the "
		"XDP_DROP program's figure is the accounting's own cost):\n\n| world | program | runs "
		"| ns per run | net ns per probe (− XDP_DROP) | rescan's lookup and counting "
		"(responder − reflector) |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < t->nrows; i++) {
		const char *w = cell(t, i, wc), *row[3] = { NULL, NULL, NULL }, *nst[3] = { "", "", "" };
		static const char *const modes[3] = { "drop", "refl", "resp" };
		char lookup[32] = "";
		double ns[3] = { 0, 0, 0 };
		int k;

		for (j = 0; j < i && strcmp(cell(t, j, wc), w); j++)
			;
		if (j < i)	/* the world's rows are written once */
			continue;
		for (j = 0; j < t->nrows; j++)
			for (k = 0; k < 3; k++)
				if (!strcmp(cell(t, j, wc), w) && !strcmp(cell(t, j, mc), modes[k]))
					row[k] = cell(t, j, rc), nst[k] = cell(t, j, nc);
		for (k = 0; k < 3; k++)
			ns[k] = num(nst[k]);
		lines[n] = xmalloc(256);
		snprintf(lines[n++], 256, "| %s | XDP_DROP | %s | %s | | |", w, row[0] ? row[0] : "",
			 nst[0]);
		if (row[1]) {
			lines[n] = xmalloc(256);
			snprintf(lines[n++], 256, "| %s | reflector | %s | %s | %.1f | |", w, row[1],
				 nst[1], ns[1] - ns[0]);
			snprintf(lookup, sizeof(lookup), "%.1f", ns[2] - ns[1]);
		}
		lines[n] = xmalloc(256);
		snprintf(lines[n++], 256, "| %s | responder | %s | %s | **%.1f** | %s |", w,
			 row[2] ? row[2] : "", nst[2], ns[2] - ns[0], lookup);
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++) {
		fprintf(r->f, "%s\n", lines[i]);
		free(lines[i]);
	}
	fprintf(r->f, "\n");
	free(lines);
}

void report_cost(struct report *r)
{
	if (r->bpfstats.header || r->nxdp)
		fprintf(r->f, "## 2. XDP cost per probe\n\n");
	if (r->nxdp)
		xdpcost_section(r);
	if (r->nmemlat)
		memlat_section(r);
	if (r->bpfstats.header)
		bpf_stats_section(r);
}
