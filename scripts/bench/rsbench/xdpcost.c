// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpcost.c - `rsbench xdpcost`: what the responder costs per packet, with
 * BPF_PROG_TEST_RUN. Hits, misses and non-probes to random addresses of a
 * range, each run on a fresh copy of its packet (repeat = 1), next to the
 * same measurement of an empty XDP_DROP program (the timer's own cost);
 * then back to back on lists of new probes (batch.c).
 *
 * Two temperatures, each run on a fresh copy of its packet (data_in is
 * copied into a new buffer by every BPF_PROG_TEST_RUN call, so a hit
 * always sees the original SYN, never the SYN-ACK it made):
 *   cold: a new random address every run - what a scan does to the cache;
 *         lines not touched for a few ms may be gone (other tenants of a
 *         VM), so this is mostly the price of the machine's memory;
 *   warm: the same packet run twice, the second run timed - the program's
 *         own work with the world's lines in cache.
 *
 * Why repeat = 1: with repeat N the kernel runs the program N times on the
 * same buffer, so for a program that rewrites the probe in place every run
 * after the first times the rewritten reply (a SYN-ACK, which the responder
 * drops as "not a probe"). Only misses and non-probes are left untouched,
 * so only for them is repeat N also reported.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "baselines.skel.h"
#include "lab.h"
#include "loader.h"
#include "options.h"
#include "rescan_abi.h"
#include "responder.skel.h"
#include "rsbench.h"
#include "service.h"
#include "util.h"
#include "world.h"

enum tcase { T_HIT, T_MISS, T_NONPROBE, T_EMPTY, NR_T };
static const char *const tname[NR_T] = { "hit", "miss", "nonprobe", "empty_drop_prog" };
static const uint32_t want_ret[NR_T] = { XDP_TX, XDP_DROP, XDP_DROP, XDP_DROP };

enum temp { COLD, WARM, NR_TEMP };
static const char *const tempname[NR_TEMP] = { "cold", "warm" };

#define REPEAT_N 10000		/* the repeat N figure's runs per call */
#define REPEAT_SAMPLES 21	/* calls of it; the median is reported */

struct dist {
	double p10, med, p90, mean;
};

/* Everything one xdpcost run measures. */
struct cost {
	struct dist dist[NR_TEMP][NR_T];
	double repeat_ns[NR_T];
	double pace_us;		/* wall time per fresh read of the world */
	uint64_t pool_bytes;	/* the world's bytes that lookups in the range read */
	struct batch_result batch[NR_B];
};

static int run_once(int fd, struct pkt *k, uint32_t repeat, uint32_t *dur, uint32_t *ret)
{
	uint8_t out[FRAME + 64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k->b, .data_size_in = k->len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);
	int err = bpf_prog_test_run_opts(fd, &o);

	if (err)
		return -errno;
	*dur = o.duration;
	*ret = o.retval;
	return 0;
}

/* One run of case t's packet with repeat = 1: its duration; dies on a wrong verdict. */
static uint32_t run_case(int fd, struct pkt *k, int t)
{
	uint32_t ret, d;
	int err = run_once(fd, k, 1, &d, &ret);

	if (err)
		die("BPF_PROG_TEST_RUN: %s", strerror(-err));
	if (ret != want_ret[t])
		die("xdpcost: %s: verdict %u, expected %u", tname[t], ret, want_ret[t]);
	return d;
}

/* The packet of case t to a random address of its kind. */
static void build_case(struct pkt *k, int t, int proto, uint16_t port, const struct range_split *rs)
{
	if (t == T_NONPROBE)	/* the scanner kernel's RST after a SYN-ACK */
		build_probe(k, IPPROTO_TCP, 0x04, rs->miss[rng() % rs->nm], 80);
	else
		build_probe(k, proto, 0x02,
			    t == T_HIT ? rs->hits[rng() % rs->nh] : rs->miss[rng() % rs->nm], port);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint32_t *v, size_t n, double p)
{
	return v[(size_t)(p * (n - 1) + 0.5)];
}

/*
 * The clock BPF_PROG_TEST_RUN reads may move in steps of several ns, so
 * medians come in those steps. The mean of many samples does not (each run
 * starts at a random phase of the step): the mean below p99 resolves what
 * the median cannot, without the rare interrupt that lands inside a run.
 */
static struct dist summarise(uint32_t *v, size_t n)
{
	struct dist d;
	size_t i, cut;
	double sum = 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	d.p10 = pct(v, n, 0.1);
	d.med = pct(v, n, 0.5);
	d.p90 = pct(v, n, 0.9);
	cut = (size_t)(0.99 * n);
	if (!cut)
		cut = n;
	for (i = 0; i < cut; i++)
		sum += v[i];
	d.mean = sum / cut;
	return d;
}

/* Cold and warm, runs rounds of every case, interleaved so noise from the
 * rest of the machine hits every case alike. */
static void measure_runs(const int fd[NR_T], int proto, uint16_t port, const struct range_split *rs,
			 uint64_t runs, struct cost *c)
{
	uint32_t *dur[NR_TEMP][NR_T];
	double t_loop;
	uint64_t i;
	int m, t;

	for (m = 0; m < NR_TEMP; m++)
		for (t = 0; t < NR_T; t++)
			dur[m][t] = xmalloc(runs * sizeof(uint32_t));
	t_loop = now_seconds();
	for (i = 0; i < runs; i++) {
		for (m = 0; m < NR_TEMP; m++) {
			for (t = 0; t < NR_T; t++) {
				struct pkt k;

				build_case(&k, t, proto, port, rs);
				if (m == WARM)	/* the untimed run that warms the caches */
					run_case(fd[t], &k, t);
				dur[m][t][i] = run_case(fd[t], &k, t);
			}
		}
	}
	/* Each round reads the world at four fresh addresses (hit and miss,
	 * cold and warm): how far apart a scan of the machine's memory has
	 * to space its reads to compare with the cold figures. */
	c->pace_us = (now_seconds() - t_loop) * 1e6 / ((double)runs * 4);
	for (m = 0; m < NR_TEMP; m++) {
		for (t = 0; t < NR_T; t++) {
			c->dist[m][t] = summarise(dur[m][t], runs);
			free(dur[m][t]);
		}
	}
}

/* repeat N on one untouched packet: fine for misses, wrong for hits. */
static void measure_repeat(const int fd[NR_T], int proto, uint16_t port,
			   const struct range_split *rs, struct cost *c)
{
	uint32_t samples[REPEAT_SAMPLES], d, ret;
	int s, t;

	for (t = 0; t < NR_T; t++) {
		for (s = 0; s < REPEAT_SAMPLES; s++) {
			struct pkt k;

			build_case(&k, t, proto, port, rs);
			int err = run_once(fd[t], &k, REPEAT_N, &d, &ret);

			if (err)
				die("BPF_PROG_TEST_RUN repeat: %s", strerror(-err));
			samples[s] = d;
		}
		qsort(samples, REPEAT_SAMPLES, sizeof(uint32_t), cmp_u32);
		c->repeat_ns[t] = samples[REPEAT_SAMPLES / 2];
	}
}

/* ---- output -------------------------------------------------------------------- */

/* Cold figures carry no prefix, warm ones "warm_". */
static struct json_object *json_case(const struct cost *c, int t)
{
	struct json_object *o = json_object_new_object();
	char key[32];
	int m;

	for (m = 0; m < NR_TEMP; m++) {
		const struct dist *d = &c->dist[m][t], *e = &c->dist[m][T_EMPTY];
		const char *w = m == WARM ? "warm_" : "";
		const struct {
			const char *name, *fmt;
			double v;
		} f[] = {
			{ "p10_ns", "%.0f", d->p10 },
			{ "median_ns", "%.0f", d->med },
			{ "p90_ns", "%.0f", d->p90 },
			{ "mean_ns", "%.1f", d->mean },
			{ "net_median_ns", "%.0f", d->med - e->med },
			{ "net_mean_ns", "%.1f", d->mean - e->mean },
		};
		size_t i;

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			snprintf(key, sizeof(key), "%s%s", w, f[i].name);
			json_object_object_add(o, key, json_fmt(f[i].fmt, f[i].v));
		}
	}
	json_object_object_add(o, "repeat_ns", json_fmt("%.1f", c->repeat_ns[t]));
	json_object_object_add(o, "net_repeat_ns",
			       json_fmt("%.1f", c->repeat_ns[t] - c->repeat_ns[T_EMPTY]));
	json_object_object_add(o, "repeat_valid", json_object_new_boolean(t != T_HIT));
	return o;
}

static struct json_object *json_batch(const struct batch_result *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "addrs", json_object_new_int64(r->addrs));
	json_object_object_add(o, "hit_share", json_fmt("%.5f", r->hit_share));
	json_object_object_add(o, "ns", json_fmt("%.2f", r->ns));
	json_object_object_add(o, "harness_ns", json_fmt("%.2f", r->lay_ns));
	json_object_object_add(o, "net_ns", json_fmt("%.2f", r->net));
	json_object_object_add(o, "net_p25_ns", json_fmt("%.2f", r->net_p25));
	json_object_object_add(o, "net_p75_ns", json_fmt("%.2f", r->net_p75));
	return o;
}

static void print_json(char **argv, uint64_t runs, const struct range_split *rs,
		       const struct cost *c)
{
	struct json_object *o = json_object_new_object(), *cases = json_object_new_object();
	struct json_object *batch = json_object_new_object();
	int t;

	json_object_object_add(o, "world", json_object_new_string(argv[0]));
	json_object_object_add(o, "service", json_object_new_string(argv[1]));
	json_object_object_add(o, "range", json_object_new_string(argv[2]));
	json_object_object_add(o, "runs", json_object_new_uint64(runs));
	json_object_object_add(o, "hits_in_range", json_object_new_int64(rs->nh));
	json_object_object_add(o, "misses_in_range", json_object_new_int64(rs->nm));
	json_object_object_add(o, "pool_bytes_in_range", json_object_new_uint64(c->pool_bytes));
	json_object_object_add(o, "fresh_read_every_us", json_fmt("%.1f", c->pace_us));
	for (t = 0; t < NR_T; t++)
		json_object_object_add(cases, tname[t], json_case(c, t));
	json_object_object_add(o, "cases", cases);
	json_object_object_add(batch, "repeat", json_object_new_int(BATCH_REPEAT));
	json_object_object_add(batch, "calls", json_object_new_int(BATCH_CALLS));
	for (t = 0; t < NR_B; t++)
		json_object_object_add(batch, bname[t], json_batch(&c->batch[t]));
	json_object_object_add(o, "batch", batch);
	json_print(o);
}

static void print_text(const char *range, const struct range_split *rs, const struct cost *c)
{
	int m, t;

	printf("%u hits, %u misses; lookups in %s read %.1f KiB of the world's pool; "
	       "a fresh address every %.1f us\n",
	       rs->nh, rs->nm, range, c->pool_bytes / 1024.0, c->pace_us);
	printf("%-16s %-4s %6s %7s %6s %7s %8s %9s %10s\n", "case", "", "p10", "median", "p90",
	       "mean", "net_med", "net_mean", "repeat10k");
	for (t = 0; t < NR_T; t++) {
		for (m = 0; m < NR_TEMP; m++) {
			const struct dist *d = &c->dist[m][t], *e = &c->dist[m][T_EMPTY];

			printf("%-16s %-4s %6.0f %7.0f %6.0f %7.1f %8.0f %9.1f", m ? "" : tname[t],
			       tempname[m], d->p10, d->med, d->p90, d->mean, d->med - e->med,
			       d->mean - e->mean);
			if (m == COLD)
				printf(" %10.1f%s", c->repeat_ns[t] - c->repeat_ns[T_EMPTY],
				       t == T_HIT ? "  (repeat WRONG for hits: times the SYN-ACK)" : "");
			printf("\n");
		}
	}
	printf("back to back (%d runs per call, %d calls; each run lays a fresh probe):\n",
	       BATCH_REPEAT, BATCH_CALLS);
	printf("%-16s %8s %6s %8s %8s %8s %15s\n", "case", "addrs", "hits", "ns/run", "harness",
	       "net_ns", "net p25-p75");
	for (t = 0; t < NR_B; t++) {
		const struct batch_result *r = &c->batch[t];

		printf("%-16s %8u %5.1f%% %8.1f %8.1f %8.1f %7.1f-%-7.1f\n", bname[t], r->addrs,
		       100 * r->hit_share, r->ns, r->lay_ns, r->net, r->net_p25, r->net_p75);
	}
}

/* ---- the command ------------------------------------------------------------------ */

#define XDPCOST_DEFAULT_RUNS 200000

struct xdpcost_opts {
	uint64_t runs;
	bool json;
};

static const struct opt xdpcost_opts[] = {
	OPT_U64_RANGE('n', "runs", struct xdpcost_opts, runs, "RUNS", 1, 100000000,
		      "timed runs of every case and temperature (default "
		      RS_STR(XDPCOST_DEFAULT_RUNS) ")"),
	OPT_FLAG('j', "json", struct xdpcost_opts, json, "one JSON object on stdout"),
	{}
};

static const struct command xdpcost_cmd = {
	.name = "rsbench xdpcost",
	.args = "WORLD SERVICE CIDR", .min_args = 3, .max_args = 3,
	.about = "The responder's cost per packet, with BPF_PROG_TEST_RUN: hits, misses and\n"
		 "non-probes to random addresses of CIDR, each run on a fresh copy of its\n"
		 "packet; cold (a new address every run) and warm (the same packet twice,\n"
		 "the second run timed), beside an empty XDP_DROP program (the timer's own\n"
		 "cost); then back to back: the responder's code on lists of new probes.",
	.opts = xdpcost_opts,
};

int cmd_xdpcost(int argc, char **argv)
{
	struct xdpcost_opts opt = { .runs = XDPCOST_DEFAULT_RUNS };
	struct responder_cfg cfg;
	struct lab l;
	struct responder_bpf *skel = NULL;
	struct baselines_bpf *base;
	const struct world_service *ws;
	struct range_split rs = { 0 };
	struct cost *c;
	struct world w;
	struct rs_svc svc;
	uint64_t a, span;
	char **args;
	int fd[NR_T], proto, nargs, rc;

	rc = options_parse(&xdpcost_cmd, &opt, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (svc_parse(args[1], &svc))
		return options_usage_error(&xdpcost_cmd, "'%s' is not a service (tcp/PORT, icmp)",
					   args[1]);
	if (svc.slot != RS_SLOT_TCP && svc.slot != RS_SLOT_ICMP)
		return options_usage_error(&xdpcost_cmd, "only tcp/PORT and icmp are probes rescan answers");
	if (parse_cidr(args[2], &rs.first, &rs.last))
		return options_usage_error(&xdpcost_cmd, "'%s' is not an IPv4 CIDR", args[2]);
	if (world_open(&w, args[0]))
		die("%s", rs_last_error());
	c = xmalloc(sizeof(*c));
	ws = world_find(&w, svc);
	if (!ws)
		die("%s: no service %s", args[0], args[1]);
	proto = svc.slot == RS_SLOT_TCP ? IPPROTO_TCP : IPPROTO_ICMP;

	span = (uint64_t)rs.last - rs.first + 1;
	rs.hits = xmalloc(span * sizeof(*rs.hits));
	rs.miss = xmalloc(span * sizeof(*rs.miss));
	for (a = rs.first; a <= rs.last; a++) {
		/* Answered: open, or closed (a RST) by the world's list or policy. */
		if (world_state(&w, svc, (uint32_t)a) <= RS_STATE_CLOSED)
			rs.hits[rs.nh++] = (uint32_t)a;
		else
			rs.miss[rs.nm++] = (uint32_t)a;
	}
	if (!rs.nh || !rs.nm)
		die("%s has no hits or no misses in %s", args[1], args[2]);
	c->pool_bytes = 0;
	for (a = rs.first >> RS_BLOCK_SHIFT; a <= rs.last >> RS_BLOCK_SHIFT; a++)
		c->pool_bytes +=
			8 * world_container_words(&w.dir[(uint64_t)ws->set[RS_STATE_OPEN] * RS_BLOCKS + a]);

	lab_describe(&l, NULL);
	lab_responder_cfg(&l, &w, &cfg);
	if (loader_load_responder(&w, &cfg, &skel))
		die("%s", rs_last_error());
	base = baselines_bpf__open_and_load();
	if (!base)
		die("cannot load the baselines: %s", strerror(errno));
	fd[T_HIT] = fd[T_MISS] = fd[T_NONPROBE] = bpf_program__fd(skel->progs.rescan_responder);
	fd[T_EMPTY] = bpf_program__fd(base->progs.rescan_drop);

	measure_runs(fd, proto, (uint16_t)svc.port, &rs, opt.runs, c);
	measure_repeat(fd, proto, (uint16_t)svc.port, &rs, c);
	batch_measure(skel, &w, svc, proto, (uint16_t)svc.port, &rs, c->batch);

	if (opt.json)
		print_json(args, opt.runs, &rs, c);
	else
		print_text(args[2], &rs, c);
	baselines_bpf__destroy(base);
	loader_free_responder(skel);
	world_free(&w);
	free(rs.hits);
	free(rs.miss);
	free(c);
	return 0;
}
