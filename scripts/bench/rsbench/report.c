// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - `rsbench report OUTDIR`: one bench run's raw data (OUTDIR/data,
 * as the phases of scripts/bench.sh wrote it) into OUTDIR/RESULTS.md, and
 * with -g the plot OUTDIR/throughput.png (gnuplot). It can be run again on
 * recorded data at any time.
 *
 * Every figure is computed here once. Which rows a figure uses is written
 * beside the data, so a test can recompute the figures from them with its
 * own arithmetic: data/throughput_used.csv (the scans, see mark_used) and
 * data/interleaved_used.csv (the cycles of each ratio inside one scan).
 *
 * The sections: the summary against the targets, 1 scans (report_scans.c),
 * 2 per-probe cost (report_cost.c), 3 world build, load and memory (here),
 * 4 a class (report_class.c).
 * 5 grading a class (report_grade.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "report.h"
#include "rsbench.h"
#include "util.h"

/*
 * The rule for the scans a figure uses: a scan marked noisy (other
 * processes used the CPUs meanwhile) is left out when the same program at
 * the same point has a clean scan; otherwise it is kept, and the point's
 * notes say so.
 */
static void mark_used(struct report *r)
{
	const struct table *t = &r->thr;
	const int key[] = { r->c.profile, r->c.world, r->c.tool, r->c.mode,
			    r->c.rate,    r->c.senders, r->c.cores };
	int i, j, k;

	r->used = xmalloc((t->nrows + 1) * sizeof(*r->used));
	r->noisy_left_out = 0;
	for (i = 0; i < t->nrows; i++) {
		r->used[i] = true;
		if (strcmp(cell(t, i, r->c.noisy), "1"))
			continue;
		for (j = 0; j < t->nrows && r->used[i]; j++) {
			if (!strcmp(cell(t, j, r->c.noisy), "1"))
				continue;
			for (k = 0; k < 7 && !strcmp(cell(t, i, key[k]), cell(t, j, key[k])); k++)
				;
			if (k == 7)
				r->used[i] = false;
		}
		r->noisy_left_out += !r->used[i];
	}
}

static void thr_columns(struct report *r)
{
	const struct table *t = &r->thr;
	struct thr_cols *c = &r->c;

	c->profile = table_col(t, "profile");
	c->world = table_col(t, "world");
	c->tool = table_col(t, "tool");
	c->mode = table_col(t, "mode");
	c->rate = table_col(t, "rate");
	c->senders = table_col(t, "senders");
	c->cores = table_col(t, "cores");
	c->rep = table_col(t, "rep");
	c->exit = table_col(t, "exit");
	c->sent_pps = table_col(t, "send_pps");
	c->expected = table_col(t, "expected");
	c->received = table_col(t, "received");
	c->false_pos = table_col(t, "false_pos");
	c->lost = table_col(t, "lost");
	c->pcap_recv = table_col(t, "pcap_recv");
	c->pcap_drop = table_col(t, "pcap_drop");
	c->rx_synack = table_col(t, "rx_synack");
	c->xdp_tx_errors = table_col(t, "xdp_tx_errors");
	c->lab0_tx_dropped = table_col(t, "lab0_tx_dropped");
	c->lab0_qdisc_drops = table_col(t, "lab0_qdisc_drops");
	c->noisy = table_col_opt(t, "noisy");
}

static void write_thr_used(struct report *r, const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "%s\n", r->thr.header);
	for (i = 0; i < r->thr.nrows; i++)
		if (r->used[i])
			fprintf(f, "%s\n", r->thr.lines[i]);
	if (fclose(f))
		die("%s: write error", path);
}

/* ---- section 3 and its summary rows ------------------------------------------------ */

/* A build.csv column over the repetitions of one dataset. */
static struct stats build_stats(struct report *r, const char *name, const char *col)
{
	const struct table *t = &r->build;
	int nc = table_col(t, "name"), c = table_col(t, col), i, n = 0;
	struct val *v = xmalloc((t->nrows + 1) * sizeof(*v));
	struct stats st;

	for (i = 0; i < t->nrows; i++)
		if (!strcmp(cell(t, i, nc), name))
			v[n++] = val_text(cell(t, i, c));
	st = stats_of(v, n);
	free(v);
	return st;
}

/* The first row of a dataset (or of the first whose name starts with prefix), or -1. */
static int build_row(struct report *r, const char *name, bool prefix)
{
	const struct table *t = &r->build;
	int nc = table_col(t, "name"), i;

	for (i = 0; i < t->nrows; i++)
		if (prefix ? !strncmp(cell(t, i, nc), name, strlen(name))
			   : !strcmp(cell(t, i, nc), name))
			return i;
	return -1;
}

static double bnum(struct report *r, int row, const char *col)
{
	return num(cell(&r->build, row, table_col(&r->build, col)));
}

static void build_summary(struct report *r)
{
	struct val b = build_stats(r, "inet61-csv", "compile_s").med;
	struct val l = build_stats(r, "inet61-csv", "open_load_s").med;
	struct val m = build_stats(r, "inet61-csv", "memlock_total").med;
	int sp = build_row(r, "sparse", true);
	char sparse[96] = "";
	const char *sparse_ok = "";

	if (val_ok(&b))
		fprintf(r->f, "| world build, 61 M addresses from ZMap CSV | 8.1 s (server) | – | ≤ 3 s "
			"| %s s | %s |\n", b.s, yes_no(b.v <= 3));
	if (val_ok(&l))
		fprintf(r->f, "| world load into the kernel (61 M) | minutes before chunking | – | "
			"≤ 0.5 s | %s s | %s |\n", l.s, yes_no(l.v <= 0.5));
	if (val_ok(&m))
		fprintf(r->f, "| map memory, dense all-IPv4 service (61 M) | 512 MiB | – | ≤ 512 MiB "
			"| %.1f MiB | %s |\n", m.v / 1048576, yes_no(m.v <= 512 * 1048576.0));
	if (sp >= 0) {
		double n = bnum(r, sp, "addresses"), ml = bnum(r, sp, "memlock_total");

		snprintf(sparse, sizeof(sparse), "%.2f B/address (%.1f MiB for %d)", ml / n,
			 ml / 1048576, (int)n);
		sparse_ok = yes_no(ml <= 3 * n + 1048576);
	}
	fprintf(r->f, "| map memory, sparse (≤ 0.2 %%) service | 512 MiB | – | ≤ 3 B/address + 1 "
		"MiB | %s | %s |\n", sparse, sparse_ok);
}

static void build_section(struct report *r)
{
	const struct table *t = &r->build;
	int nc = table_col(t, "name"), i, j;

	fprintf(r->f, "## 3. World build, load and memory\n\n| dataset | addresses | compile s "
		"min/med/max | µs per address | file MiB | load s (open+verify+maps) | kernel memlock "
		"MiB, all maps (the world's: pool + dir + services) | bytes per address |\n"
		"|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < t->nrows; i++) {
		const char *name = cell(t, i, nc);
		struct stats c, l;
		double n;

		if ((j = build_row(r, name, false)) != i)	/* one line per dataset */
			continue;
		c = build_stats(r, name, "compile_s");
		l = build_stats(r, name, "open_load_s");
		n = bnum(r, i, "addresses");
		fprintf(r->f, "| %s | %d | %s / %s / %s | %.3f | %.1f | %.3f (max %.3f) | "
			"%.1f (%.1f + %.1f + %.1f) | %.2f |\n", name, (int)n, c.min.s, c.med.s,
			c.max.s, c.med.v * 1e6 / n, bnum(r, i, "file_bytes") / 1048576, l.med.v,
			l.max.v, bnum(r, i, "memlock_total") / 1048576,
			bnum(r, i, "memlock_pool") / 1048576, bnum(r, i, "memlock_dir") / 1048576,
			bnum(r, i, "memlock_services") / 1048576,
			bnum(r, i, "memlock_total") / n);
	}
	fprintf(r->f, "\nCommands: `rescan world compile -o W SERVICE=FILE...` (timed with "
		"/usr/bin/time), `rsbench load W` (world_open + loader_load_responder, memlock from "
		"/proc/self/fdinfo).\nReScan (seed): bitmap 0.13 µs/address = 8.1 s for 61 M on a "
		"48-thread server, Bloom 29 µs/address; 512 MiB per port for all of IPv4.\n\n");
}

/* ---- the document ------------------------------------------------------------------ */

static void header(struct report *r)
{
	fprintf(r->f, "# rescan benchmark results\n\n"
		"Generated by `make bench` (scripts/bench.sh%s) on %s.\n"
		"Machine: %s, %s, kernel %s; %s, masscan %s;\n"
		"rescan %s. Load average at start %s, at end %s;\n"
		"run took %s s. ZMap runs on CPU %s (`--cores`, as the lab's zmap.conf puts it).\n"
		"Each throughput point: %s scans per program, XDP_DROP and responder alternating (at "
		"unlimited rate, the reflector between them); min / median / max. Profiles: *default* is "
		"the lab as `rescan lab up` leaves it (data path: %s); *tuned* the same lab with its "
		"NAPI thread pinned to CPU %s at SCHED_FIFO; *softirq* a lab made with `--data-path "
		"softirq`.\n"
		"Raw data with the exact command of every figure: `data/*.csv`. Analysis: "
		"[ANALYSIS.md](ANALYSIS.md).\n\n",
		strcmp(env_get(r, "mode", ""), "quick") ? "" : ", BENCH_QUICK=1",
		env_get(r, "date", ""), env_get(r, "cpu", ""), env_get(r, "mem", ""),
		env_get(r, "kernel", ""), env_get(r, "zmap", ""), env_get(r, "masscan", ""),
		env_get(r, "git", ""), env_get(r, "load_start", ""), env_get(r, "load_end", ""),
		env_get(r, "duration_s", ""), env_get(r, "scan_cpu", ""), env_get(r, "reps", ""),
		env_get(r, "data_path", "?"), env_get(r, "net_cpu", ""));
	fprintf(r->f, "## Summary against the targets (issues #4, #16, #18 and #19)\n\n"
		"| figure | seed (ReScan) | our prototype | target | measured here | met |\n"
		"|---|---|---|---|---|---|\n");
}

static void data_path(char *buf, size_t len, const struct report *r, const char *name)
{
	snprintf(buf, len, "%s/data/%s", r->out, name);
}

static void load(struct report *r)
{
	char p[4096];

	data_path(p, sizeof(p), r, "env.txt");
	env_load(r, p);
	data_path(p, sizeof(p), r, "throughput.csv");
	table_load(&r->thr, p);
	data_path(p, sizeof(p), r, "interleaved.csv");
	table_load(&r->il, p);
	data_path(p, sizeof(p), r, "bpf_stats.csv");
	table_load(&r->bpfstats, p);
	data_path(p, sizeof(p), r, "build.csv");
	table_load(&r->build, p);
	data_path(p, sizeof(p), r, "class.csv");
	table_load(&r->cls, p);
	data_path(p, sizeof(p), r, "grade.csv");
	table_load(&r->grade, p);
	data_path(p, sizeof(p), r, "xdpcost.jsonl");
	jsonl_load(p, &r->xdp, &r->nxdp);
	data_path(p, sizeof(p), r, "memlat.jsonl");
	jsonl_load(p, &r->memlat, &r->nmemlat);
	if (r->thr.header) {
		thr_columns(r);
		mark_used(r);
	}
}

/* gnuplot on the plot's data; RESULTS.md is written before, whatever it says. */
static void plot(struct report *r, const char *script)
{
	char dat[4096], png[4096], expr[10240], titles[1024], err[256] = "";
	int nworlds, rc;

	data_path(dat, sizeof(dat), r, "throughput_plot.dat");
	write_plot_data(r, dat, &nworlds, titles, sizeof(titles));
	if (!script || !nworlds)
		return;
	snprintf(png, sizeof(png), "%s/throughput.png", r->out);
	snprintf(expr, sizeof(expr), "datafile='%s'; outfile='%s'; nworlds=%d; titles='%s'; "
		 "scanrange='%s'", dat, png, nworlds, titles, scan_range(r));
	rc = run_cmd((char *[]){ "gnuplot", "-e", expr, (char *)script, NULL }, err, sizeof(err));
	if (rc)
		die("report: gnuplot %s failed (%d): %s", script, rc, err);
}

struct report_opts {
	const char *plot;
};

static const struct opt report_opts[] = {
	OPT_STRING('g', "gnuplot", struct report_opts, plot, "PLOT.gp",
		   "also draw OUTDIR/throughput.png with this gnuplot script"),
	{}
};

static const struct command report_cmd = {
	.name = "rsbench report",
	.args = "OUTDIR", .min_args = 1, .max_args = 1,
	.about = "One bench run's raw data (OUTDIR/data) into OUTDIR/RESULTS.md. Also writes\n"
		 "which rows the figures use: data/throughput_used.csv (the scans) and\n"
		 "data/interleaved_used.csv (the cycles of every ratio inside one scan),\n"
		 "and the plot's data, data/throughput_plot.dat.",
	.opts = report_opts,
};

int cmd_report(int argc, char **argv)
{
	struct report_opts opt = { 0 };
	struct report r = { 0 };
	char path[4096], tmp[4200];
	char **args;
	int nargs, rc = options_parse(&report_cmd, &opt, argc, argv, &args, &nargs);

	if (rc != OPTS_RUN)
		return rc;
	r.out = args[0];

	snprintf(path, sizeof(path), "%s/data/env.txt", r.out);
	if (access(path, R_OK))
		die("%s: %s (is %s the OUTDIR of a bench run?)", path, strerror(errno), r.out);
	load(&r);
	snprintf(path, sizeof(path), "%s/RESULTS.md", r.out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	r.f = fopen(tmp, "w");
	if (!r.f)
		die("%s: %s", tmp, strerror(errno));
	header(&r);
	if (r.thr.header)
		report_summary_scans(&r);
	if (r.nxdp)
		report_cost_summary(&r);
	if (r.build.header)
		build_summary(&r);
	report_class_summary(&r);
	report_grade_summary(&r);
	fprintf(r.f, "\n");
	if (r.thr.header)
		report_scans(&r);
	report_cost(&r);
	if (r.build.header)
		build_section(&r);
	report_class(&r);
	report_grade(&r);
	if (fclose(r.f) || rename(tmp, path))
		die("%s: %s", path, strerror(errno));
	if (r.thr.header) {
		data_path(path, sizeof(path), &r, "throughput_used.csv");
		write_thr_used(&r, path);
		plot(&r, opt.plot);
	}
	if (r.il.header) {
		data_path(path, sizeof(path), &r, "interleaved_used.csv");
		write_il_used(&r, path);
	}
	return 0;
}
