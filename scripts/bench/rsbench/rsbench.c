// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsbench.c - the C half of `make bench` (scripts/bench.sh drives it).
 *
 *   rsbench gen [-s SEED] [-F addr|csv] PPM CIDR
 *       every address of CIDR with probability PPM/1e6 (a keyed hash of the
 *       address decides, so the set is exact and reproducible), ascending
 *   rsbench gen-inet [-s SEED] [-F addr|csv] COUNT
 *       about COUNT addresses spread over all of IPv4 the way scan results
 *       are: 30 % of the /16s dark, the rest with log-uniform density,
 *       nothing in special-purpose ranges; written in random order, as
 *       ZMap writes them
 *   rsbench xdpcost [-n RUNS] [-j] WORLD SERVICE CIDR
 *       time the responder per packet with BPF_PROG_TEST_RUN: hits,
 *       misses and non-probes to random addresses of CIDR, each run on a
 *       fresh copy of its packet (repeat = 1), cold (a new address every
 *       run) and warm (the same packet twice, the second run timed), next
 *       to the same measurement of an empty XDP_DROP program (the timer's
 *       own cost); then back to back (bpf/bench_batch.bpf.c): the
 *       responder's code on lists of new probes, 100000 runs per call
 *   rsbench memlat [-n READS] [-j] SIZE_KIB GAP_US
 *       what one read of memory costs here: a dependent random read of a
 *       SIZE_KIB buffer every GAP_US microseconds (xdpcost's reference)
 *   rsbench load [-j] WORLD
 *       time opening a world file and loading it into the kernel, and
 *       print the kernel memory (memlock) of every map
 *   rsbench baselines [-s SEED] [-p PORT] PPM DIR
 *       pin the programs the responder is compared with in real scans
 *       (bpf/bench_baselines.bpf.c) as DIR/drop and DIR/reflect; the
 *       reflector answers tcp/PORT for the hosts `gen -s SEED PPM` draws
 *
 * Why repeat = 1: BPF_PROG_TEST_RUN with repeat N runs the program N times
 * on the same buffer, so for a program that rewrites the probe in place
 * every run after the first times the rewritten reply (a SYN-ACK, which the
 * responder drops as "not a probe"). Only misses and non-probes are left
 * untouched, so only for them is repeat N also reported. The back-to-back
 * harness gets round this by laying a fresh probe before every run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "baselines.skel.h"
#include "batch.skel.h"
#include "rule.h"
#include "loader.h"
#include "rescan_abi.h"
#include "responder.skel.h"
#include "service.h"
#include "synth.h"
#include "util.h"
#include "world.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("rsbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)	/* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- output of address lists -------------------------------------------- */

enum fmt { F_ADDR, F_CSV };

struct out {
	char buf[1 << 20];
	size_t len;
	enum fmt fmt;
};

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, stdout) != o->len)
		die("write: %s", strerror(errno));
	o->len = 0;
}

static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = '0' + v / 100;
	if (v >= 10)
		*p++ = '0' + v / 10 % 10;
	*p++ = '0' + v % 10;
	return p;
}

static void out_addr(struct out *o, uint32_t a)
{
	char *p;

	if (o->len > sizeof(o->buf) - 64)
		out_flush(o);
	p = o->buf + o->len;
	p = put_dec(p, a >> 24);
	*p++ = '.';
	p = put_dec(p, a >> 16 & 255);
	*p++ = '.';
	p = put_dec(p, a >> 8 & 255);
	*p++ = '.';
	p = put_dec(p, a & 255);
	if (o->fmt == F_CSV) {
		/* ZMap -O csv -f saddr,daddr,success: daddr is the scanner. */
		memcpy(p, ",100.64.0.2,1", 13);
		p += 13;
	}
	*p++ = '\n';
	o->len = (size_t)(p - o->buf);
}

static void out_header(struct out *o)
{
	if (o->fmt == F_CSV) {
		memcpy(o->buf, "saddr,daddr,success\n", 20);
		o->len = 20;
	}
}

static enum fmt parse_fmt(const char *s)
{
	if (!strcmp(s, "addr"))
		return F_ADDR;
	if (!strcmp(s, "csv"))
		return F_CSV;
	die("format must be addr or csv, not '%s'", s);
}

/* ---- gen ---------------------------------------------------------------- */

/* The options both generators take: -s SEED, -F addr|csv. 0 or 2 (usage). */
static int gen_options(int argc, char **argv, uint32_t *seed, struct out *o)
{
	int c;

	o->fmt = F_ADDR;
	while ((c = getopt(argc, argv, "s:F:")) != -1) {
		if (c == 's')
			*seed = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'F')
			o->fmt = parse_fmt(optarg);
		else
			return 2;
	}
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	static struct out o;
	uint32_t seed = 1, first, last;
	uint64_t ppm, a, n = 0, bound;

	if (gen_options(argc, argv, &seed, &o))
		return 2;
	if (argc - optind != 2 || parse_u64(argv[optind], &ppm) || ppm > 1000000 ||
	    parse_cidr(argv[optind + 1], &first, &last))
		die("usage: rsbench gen [-s SEED] [-F addr|csv] PPM CIDR");
	bound = bench_rule_bound((uint32_t)ppm);
	out_header(&o);
	for (a = first; a <= last; a++) {
		if (bench_rule_has((uint32_t)a, seed, bound)) {
			out_addr(&o, (uint32_t)a);
			n++;
		}
	}
	out_flush(&o);
	fprintf(stderr, "rsbench gen: %llu addresses\n", (unsigned long long)n);
	return 0;
}

/* ---- gen-inet ------------------------------------------------------------ */

static int cmd_gen_inet(int argc, char **argv)
{
	static struct out o;
	uint32_t seed = 1, b, *addrs;
	double *dens, sum = 0, scale;
	uint64_t want, n = 0, cap, i;

	if (gen_options(argc, argv, &seed, &o))
		return 2;
	if (argc - optind != 1 || parse_u64(argv[optind], &want) || !want || want > 1ull << 31)
		die("usage: rsbench gen-inet [-s SEED] [-F addr|csv] COUNT");
	dens = calloc(RS_BLOCKS, sizeof(*dens));
	if (!dens)
		die("out of memory");
	/* Density per /16: 30 % dark, the rest log-uniform in [1e-4, 0.3]. */
	for (b = 0; b < RS_BLOCKS; b++) {
		uint32_t h = bench_mix32(b * 0x9e3779b9u ^ seed), h2 = bench_mix32(h ^ 0x5bd1e995u);

		/* a /16 whose first address is special (synth's table) stays dark */
		if (addr_is_reserved(b << 16) || h % 100 < 30)
			continue;
		dens[b] = exp(log(1e-4) + (log(0.3) - log(1e-4)) * (h2 / 4294967296.0));
		sum += dens[b] * RS_BLOCK_ADDRS;
	}
	scale = want / sum;
	cap = want + want / 8 + 1024;
	addrs = malloc(cap * sizeof(*addrs));
	if (!addrs)
		die("out of memory for %llu addresses", (unsigned long long)cap);
	for (b = 0; b < RS_BLOCKS; b++) {
		double d = dens[b] * scale;
		uint32_t thr, lo;

		if (d <= 0)
			continue;
		thr = d >= 1 ? UINT32_MAX : (uint32_t)(d * 4294967296.0);
		for (lo = 0; lo < RS_BLOCK_ADDRS; lo++) {
			uint32_t a = b << 16 | lo;

			if (bench_mix32(a ^ seed * 0x9e3779b9u) < thr || d >= 1) {
				if (n == cap)
					die("generator overshot its estimate");
				addrs[n++] = a;
			}
		}
	}
	/* Random order, as ZMap's cyclic-group walk writes results. */
	rng_state ^= seed;
	for (i = n; i > 1; i--) {
		uint64_t j = rng() % i;
		uint32_t t = addrs[i - 1];

		addrs[i - 1] = addrs[j];
		addrs[j] = t;
	}
	out_header(&o);
	for (i = 0; i < n; i++)
		out_addr(&o, addrs[i]);
	out_flush(&o);
	fprintf(stderr, "rsbench gen-inet: %llu addresses\n", (unsigned long long)n);
	free(addrs);
	free(dens);
	return 0;
}

/* ---- xdpcost ------------------------------------------------------------- */

#define FRAME 64

struct pkt {
	uint8_t b[FRAME];
	uint32_t len;
};

static uint16_t csum16(const uint8_t *p, int len)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* What ZMap 2.1.1 sends: 54-byte frames, IP id 54321, TTL 255, no TCP options. */
static void build(struct pkt *k, int proto, uint8_t tcp_flags, uint32_t daddr, uint16_t dport)
{
	uint8_t *e = k->b, *ip = e + 14, *l4 = ip + 20;
	int l4len = proto == IPPROTO_TCP ? 20 : 8;
	uint16_t c;

	memset(k, 0, sizeof(*k));
	memcpy(e, "\x02\x52\x53\x00\x00\x01\x02\x52\x53\x00\x00\x02\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = (uint8_t)(20 + l4len);
	ip[4] = 54321 >> 8;
	ip[5] = 54321 & 255;
	ip[8] = 255;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, "\x64\x40\x00\x02", 4);
	ip[16] = daddr >> 24;
	ip[17] = daddr >> 16;
	ip[18] = daddr >> 8;
	ip[19] = daddr;
	c = csum16(ip, 20);
	ip[10] = c >> 8;
	ip[11] = c & 255;
	if (proto == IPPROTO_TCP) {
		l4[0] = 40001 >> 8;
		l4[1] = 40001 & 255;
		l4[2] = dport >> 8;
		l4[3] = dport & 255;
		memcpy(l4 + 4, "\x12\x34\x56\x78", 4);
		l4[12] = 5 << 4;
		l4[13] = tcp_flags;
		l4[14] = 0xff;
		l4[15] = 0xff;
	} else {
		l4[0] = 8;	/* echo request */
		l4[4] = 0x12;
		l4[6] = 0x34;
	}
	k->len = 14 + 20 + l4len;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(uint32_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (n - 1) + 0.5);

	return v[i];
}

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

enum tcase { T_HIT, T_MISS, T_NONPROBE, T_EMPTY, NR_T };
static const char *const tname[NR_T] = { "hit", "miss", "nonprobe", "empty_drop_prog" };
static const uint32_t want_ret[NR_T] = { XDP_TX, XDP_DROP, XDP_DROP, XDP_DROP };

/* One run of case t's packet with repeat = 1: its duration; dies on a wrong verdict. */
static uint32_t run_case(int fd, struct pkt *k, int t)
{
	uint32_t ret, d;
	int err = run_once(fd, k, 1, &d, &ret);

	if (err)
		die("BPF_PROG_TEST_RUN: %s", strerror(-err));
	if (ret != want_ret[t])
		die("%s: verdict %u, expected %u", tname[t], ret, want_ret[t]);
	return d;
}

/* The options xdpcost and memlat share: -n N (how many), -j (JSON). */
static int parse_n_json(int argc, char **argv, uint64_t *n, bool *json)
{
	int c;

	while ((c = getopt(argc, argv, "n:j")) != -1) {
		if (c == 'n')
			*n = strtoull(optarg, NULL, 0);
		else if (c == 'j')
			*json = true;
		else
			return -1;
	}
	return 0;
}

/* The packet of case t to a random address of its kind. */
static void build_case(struct pkt *k, int t, int proto, uint16_t port, const uint32_t *hits,
		       uint32_t nh, const uint32_t *miss, uint32_t nm)
{
	if (t == T_NONPROBE)	/* the scanner kernel's RST after a SYN-ACK */
		build(k, IPPROTO_TCP, 0x04, miss[rng() % nm], 80);
	else
		build(k, proto, 0x02, t == T_HIT ? hits[rng() % nh] : miss[rng() % nm], port);
}

struct dist {
	double p10, med, p90, mean;
};

/*
 * This VM's clock moves in steps of about 10 ns, so medians come in 10s.
 * The mean of many samples is not (each run starts at a random phase of
 * the step): the mean below p99 resolves what the median cannot, without
 * the rare interrupt that lands inside a run.
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

/* ---- xdpcost, back to back (bpf/bench_batch.bpf.c) ---------------------- */

/*
 * The responder's code run on a list of probes in one BPF_PROG_TEST_RUN
 * call, each run laying a fresh probe to the list's next destination (the
 * harness's own cost measured alone and subtracted): the pace of a NAPI
 * batch at line rate, with the kernel's loop between runs instead of a
 * system call, so the figure resolves below the clock's 10 ns steps.
 *   hit, miss  every hit / a sample of the misses of the range, shuffled
 *   scan       a sample of the range itself in random order (scan order):
 *              hits and misses as often as the world has them
 *   nonprobe   the scanner kernel's RST, to the misses
 * The responder's counters must move by exactly the verdicts the world
 * gives the destinations of the timed runs, or xdpcost fails.
 */
#define BATCH_ADDRS (1u << 20)	/* the most destinations one list holds */
#define BATCH_REPEAT 100000	/* runs per call */
#define BATCH_CALLS 21		/* calls per program and case, interleaved */

enum bcase { B_HIT, B_MISS, B_SCAN, B_NONPROBE, NR_B };
static const char *const bname[NR_B] = { "hit", "miss", "scan", "nonprobe" };

struct batch_list {
	uint32_t *addr;		/* host order */
	uint8_t *hit;		/* the world's answer for addr[i] */
	uint32_t n;
};

struct batch_result {
	uint32_t addrs;
	double hit_share;	/* of the timed runs */
	double ns, lay_ns;	/* median per run: responder with harness, harness alone */
	double net_p25, net, net_p75;	/* per pair of calls: the difference */
};

/* The harness on the loaded responder's maps: the same world, the same counters. */
static struct batch_bpf *batch_open(struct responder_bpf *r, uint64_t **slots)
{
	struct batch_bpf *b = batch_bpf__open();
	struct bpf_map *to[5], *from[5];
	int i, err = 0;

	if (!b)
		die("cannot open the batch harness: %s", strerror(errno));
	to[0] = b->maps.world_services, from[0] = r->maps.world_services;
	to[1] = b->maps.world_dir, from[1] = r->maps.world_dir;
	to[2] = b->maps.world_pool, from[2] = r->maps.world_pool;
	to[3] = b->maps.counters, from[3] = r->maps.counters;
	to[4] = b->maps.source_counters, from[4] = r->maps.source_counters;
	for (i = 0; i < 5 && !err; i++)
		err = bpf_map__reuse_fd(to[i], bpf_map__fd(from[i]));
	if (!err)
		err = bpf_map__set_max_entries(b->maps.batch_addrs, BATCH_ADDRS);
	if (err)
		die("cannot share the responder's maps with the harness: %s", strerror(-err));
	b->rodata->pool_words = r->rodata->pool_words;
	b->rodata->lab_net = r->rodata->lab_net;
	b->rodata->lab_mask = r->rodata->lab_mask;
	b->rodata->isn_key = r->rodata->isn_key;
	if (batch_bpf__load(b))
		die("cannot load the batch harness: %s", strerror(errno));
	*slots = mmap(NULL, BATCH_ADDRS * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED,
		      bpf_map__fd(b->maps.batch_addrs), 0);
	if (*slots == MAP_FAILED)
		die("cannot map the harness's list: %s", strerror(errno));
	return b;
}

/* n entries of src (len of them) in random order: a partial Fisher-Yates shuffle of a copy. */
static void batch_sample(struct batch_list *l, const uint32_t *src, uint64_t len, uint32_t n,
			 const struct world *w, uint32_t set)
{
	uint32_t *tmp = malloc(len * sizeof(*tmp)), i;

	l->n = (uint32_t)(len < n ? len : n);
	l->addr = malloc(l->n * sizeof(*l->addr));
	l->hit = malloc(l->n);
	if (!tmp || !l->addr || !l->hit)
		die("out of memory");
	memcpy(tmp, src, len * sizeof(*tmp));
	for (i = 0; i < l->n; i++) {
		uint64_t j = i + rng() % (len - i);
		uint32_t x = tmp[j];

		tmp[j] = tmp[i];
		tmp[i] = x;
		l->addr[i] = x;
		l->hit[i] = world_set_has(w, set, x);
	}
	free(tmp);
}

/*
 * One call of repeat runs: ns per run, as the kernel's loop timed it (its
 * clock brackets the runs only; a call takes several times as long by the
 * wall clock, setting up and tearing down the test run).
 */
static double batch_call(int fd, const struct pkt *k)
{
	uint8_t out[FRAME + 64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k->b, .data_size_in = FRAME, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = BATCH_REPEAT);

	if (bpf_prog_test_run_opts(fd, &o))
		die("BPF_PROG_TEST_RUN (batch): %s", strerror(errno));
	if (o.retval == XDP_ABORTED)
		die("the batch harness could not lay its probe");
	return o.duration;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(double *v, int n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(int)(p * (n - 1) + 0.5)];
}

static struct batch_result batch_case(struct batch_bpf *b, uint64_t *slots, int counters_fd,
				      const char *name, const struct batch_list *l,
				      const struct pkt *frame, uint32_t cnt_hit, uint32_t cnt_miss)
{
	uint64_t before[RS_NR_COUNTERS], after[RS_NR_COUNTERS], want[RS_NR_COUNTERS] = { 0 };
	uint64_t want_hit = 0, runs = 0;
	double resp[BATCH_CALLS], lay[BATCH_CALLS], diff[BATCH_CALLS];
	int resp_fd = bpf_program__fd(b->progs.batch_respond);
	int lay_fd = bpf_program__fd(b->progs.batch_lay_only);
	struct batch_result res = { .addrs = l->n };
	uint32_t i, k;
	int c;

	for (i = 0; i < l->n; i++)
		slots[i] = htonl(l->addr[i]);
	memcpy(b->bss->batch_frame, frame->b, FRAME);
	b->bss->batch_naddrs = l->n;
	b->bss->batch_next = 0;
	if (loader_read_percpu(counters_fd, before, RS_NR_COUNTERS))
		die("cannot read the responder's counters");
	for (c = 0; c < BATCH_CALLS; c++) {
		uint32_t start;

		if (c & 1)	/* alternate which goes first */
			lay[c] = batch_call(lay_fd, frame);
		start = b->bss->batch_next;
		resp[c] = batch_call(resp_fd, frame);
		for (k = 0; k < BATCH_REPEAT; k++)
			want_hit += l->hit[(start + k) % l->n];
		runs += BATCH_REPEAT;
		if (!(c & 1))
			lay[c] = batch_call(lay_fd, frame);
		diff[c] = resp[c] - lay[c];
	}
	if (loader_read_percpu(counters_fd, after, RS_NR_COUNTERS))
		die("cannot read the responder's counters");
	want[cnt_hit] += want_hit;
	want[cnt_miss] += runs - want_hit;
	for (k = 0; k < RS_NR_COUNTERS; k++)
		if (after[k] - before[k] != want[k])
			die("batch %s: counter %u moved by %llu, the world's verdicts for the %llu "
			    "runs say %llu", name, k, (unsigned long long)(after[k] - before[k]),
			    (unsigned long long)runs, (unsigned long long)want[k]);
	res.hit_share = (double)want_hit / runs;
	res.ns = median_of(resp, BATCH_CALLS, 0.5);
	res.lay_ns = median_of(lay, BATCH_CALLS, 0.5);
	res.net_p25 = median_of(diff, BATCH_CALLS, 0.25);
	res.net = median_of(diff, BATCH_CALLS, 0.5);
	res.net_p75 = median_of(diff, BATCH_CALLS, 0.75);
	return res;
}

/* All four cases for the range [first, last] of set: hits[nh], miss[nm] as xdpcost found them. */
static void batch_measure(struct responder_bpf *r, const struct world *w, uint32_t set, int proto,
			  uint16_t port, uint32_t first, uint32_t last, const uint32_t *hits,
			  uint32_t nh, const uint32_t *miss, uint32_t nm, struct batch_result *res)
{
	uint64_t span = (uint64_t)last - first + 1, a;
	uint64_t *slots;
	uint32_t *all = malloc(span * sizeof(*all));
	uint32_t cnt_hit = proto == IPPROTO_TCP ? RS_CNT_TX_SYNACK : RS_CNT_TX_ECHO_REPLY;
	struct batch_bpf *b = batch_open(r, &slots);
	int counters_fd = bpf_map__fd(r->maps.counters);
	struct batch_list l[NR_B];
	struct pkt probe, rst;
	int t;

	if (!all)
		die("out of memory");
	for (a = first; a <= last; a++)
		all[a - first] = (uint32_t)a;
	batch_sample(&l[B_HIT], hits, nh, BATCH_ADDRS, w, set);
	batch_sample(&l[B_MISS], miss, nm, BATCH_ADDRS, w, set);
	batch_sample(&l[B_SCAN], all, span, BATCH_ADDRS, w, set);
	batch_sample(&l[B_NONPROBE], miss, nm, BATCH_ADDRS, w, set);
	free(all);
	/* Templates: the destination is the harness's to fill in. */
	build(&probe, proto, 0x02, 0, port);
	build(&rst, IPPROTO_TCP, 0x04, 0, 80);
	for (t = 0; t < NR_B; t++) {
		if (t == B_NONPROBE)
			res[t] = batch_case(b, slots, counters_fd, bname[t], &l[t], &rst,
					    RS_CNT_DROP_NOT_PROBE, RS_CNT_DROP_NOT_PROBE);
		else
			res[t] = batch_case(b, slots, counters_fd, bname[t], &l[t], &probe, cnt_hit,
					    RS_CNT_DROP_NOT_IN_WORLD);
		free(l[t].addr);
		free(l[t].hit);
	}
	munmap(slots, BATCH_ADDRS * sizeof(uint64_t));
	batch_bpf__destroy(b);
}

/*
 * Two temperatures, each run on a fresh copy of its packet (data_in is
 * copied into a new buffer by every BPF_PROG_TEST_RUN call, so a hit
 * always sees the original SYN, never the SYN-ACK it made):
 *   cold: a new random address every run - what a scan does to the cache;
 *         on this VM lines not touched for a few ms are gone (other
 *         tenants), so this is mostly the price of the machine's memory;
 *   warm: the same packet run twice, the second run timed - the program's
 *         own work with the world's lines in cache.
 */
enum temp { COLD, WARM, NR_TEMP };
static const char *const tempname[NR_TEMP] = { "cold", "warm" };

static int cmd_xdpcost(int argc, char **argv)
{
	struct responder_cfg cfg = { .lab_net = htonl(0x64400000), .lab_mask = htonl(0xffffff00),
				     .isn_key = 1 };
	struct responder_bpf *skel = NULL;
	struct baselines_bpf *base;
	const struct world_service *ws;
	struct world w;
	struct rs_svc svc;
	uint32_t first, last, *hits, *miss, nh = 0, nm = 0, *dur[NR_TEMP][NR_T], i, t, m;
	struct dist dist[NR_TEMP][NR_T];
	double t_loop, pace_us;
	uint64_t a, runs = 200000, span, pool_bytes = 0;
	bool json = false;
	int fd[NR_T], proto, err;

	if (parse_n_json(argc, argv, &runs, &json))
		return 2;
	if (argc - optind != 3 || svc_parse(argv[optind + 1], &svc) ||
	    parse_cidr(argv[optind + 2], &first, &last) || !runs)
		die("usage: rsbench xdpcost [-n RUNS] [-j] WORLD SERVICE CIDR");
	if (world_open(&w, argv[optind]))
		die("%s", rs_last_error());
	ws = world_find(&w, svc);
	if (!ws)
		die("%s: no service %s", argv[optind], argv[optind + 1]);
	if (svc.slot != RS_SLOT_TCP && svc.slot != RS_SLOT_ICMP)
		die("only tcp/PORT and icmp are probes rescan answers");
	proto = svc.slot == RS_SLOT_TCP ? IPPROTO_TCP : IPPROTO_ICMP;

	span = (uint64_t)last - first + 1;
	hits = malloc(span * sizeof(*hits));
	miss = malloc(span * sizeof(*miss));
	if (!hits || !miss)
		die("out of memory");
	for (a = first; a <= last; a++) {
		if (world_set_has(&w, ws->set, (uint32_t)a))
			hits[nh++] = (uint32_t)a;
		else
			miss[nm++] = (uint32_t)a;
	}
	if (!nh || !nm)
		die("%s has no hits or no misses in %s", argv[optind + 1], argv[optind + 2]);
	/* The world's bytes that lookups in the range read (cold: from memory). */
	for (a = first >> RS_BLOCK_SHIFT; a <= last >> RS_BLOCK_SHIFT; a++)
		pool_bytes += 8 * world_container_words(&w.dir[(uint64_t)ws->set * RS_BLOCKS + a]);

	err = loader_load_responder(&w, &cfg, &skel);
	if (err)
		die("%s", rs_last_error());
	base = baselines_bpf__open_and_load();
	if (!base)
		die("cannot load the baselines: %s", strerror(errno));
	fd[T_HIT] = fd[T_MISS] = fd[T_NONPROBE] = bpf_program__fd(skel->progs.rescan_responder);
	fd[T_EMPTY] = bpf_program__fd(base->progs.rescan_drop);

	for (m = 0; m < NR_TEMP; m++)
		for (t = 0; t < NR_T; t++) {
			dur[m][t] = calloc(runs, sizeof(uint32_t));
			if (!dur[m][t])
				die("out of memory");
		}
	/* Interleaved, so noise from the rest of the machine hits every case alike. */
	t_loop = now();
	for (i = 0; i < runs; i++) {
		for (m = 0; m < NR_TEMP; m++) {
			for (t = 0; t < NR_T; t++) {
				struct pkt k;

				build_case(&k, t, proto, (uint16_t)svc.port, hits, nh, miss, nm);
				if (m == WARM)	/* the untimed run that warms the caches */
					run_case(fd[t], &k, t);
				dur[m][t][i] = run_case(fd[t], &k, t);
			}
		}
	}
	/* Each round reads the world at four fresh addresses (hit and miss,
	 * cold and warm): how far apart a scan of the machine's memory has
	 * to space its reads to compare with the cold figures. */
	pace_us = (now() - t_loop) * 1e6 / ((double)runs * 4);
	for (m = 0; m < NR_TEMP; m++)
		for (t = 0; t < NR_T; t++)
			dist[m][t] = summarise(dur[m][t], runs);

	/* repeat N on one untouched packet: fine for misses, wrong for hits. */
	double rep[NR_T];
	for (t = 0; t < NR_T; t++) {
		uint32_t samples[21], d, ret;
		int s;

		for (s = 0; s < 21; s++) {
			struct pkt k;

			build_case(&k, t, proto, (uint16_t)svc.port, hits, nh, miss, nm);
			if (run_once(fd[t], &k, 10000, &d, &ret))
				die("BPF_PROG_TEST_RUN repeat: %s", strerror(errno));
			samples[s] = d;
		}
		qsort(samples, 21, sizeof(uint32_t), cmp_u32);
		rep[t] = samples[10];
	}

	struct batch_result batch[NR_B];
	batch_measure(skel, &w, ws->set, proto, (uint16_t)svc.port, first, last, hits, nh, miss, nm,
		      batch);

	if (json)
		printf("{\"world\":\"%s\",\"service\":\"%s\",\"range\":\"%s\",\"runs\":%llu,"
		       "\"hits_in_range\":%u,\"misses_in_range\":%u,\"pool_bytes_in_range\":%llu,"
		       "\"fresh_read_every_us\":%.1f,\"cases\":{",
		       argv[optind], argv[optind + 1], argv[optind + 2], (unsigned long long)runs, nh,
		       nm, (unsigned long long)pool_bytes, pace_us);
	else {
		printf("%u hits, %u misses; lookups in %s read %.1f KiB of the world's pool; "
		       "a fresh address every %.1f us\n",
		       nh, nm, argv[optind + 2], pool_bytes / 1024.0, pace_us);
		printf("%-16s %-4s %6s %7s %6s %7s %8s %9s %10s\n", "case", "", "p10", "median", "p90",
		       "mean", "net_med", "net_mean", "repeat10k");
	}
	for (t = 0; t < NR_T; t++) {
		if (json) {
			printf("%s\"%s\":{", t ? "," : "", tname[t]);
			for (m = 0; m < NR_TEMP; m++) {
				const struct dist *d = &dist[m][t], *e = &dist[m][T_EMPTY];
				const char *w = m == WARM ? "warm_" : "";	/* cold keeps the old names */

				printf("%s\"%sp10_ns\":%.0f,\"%smedian_ns\":%.0f,\"%sp90_ns\":%.0f,"
				       "\"%smean_ns\":%.1f,\"%snet_median_ns\":%.0f,\"%snet_mean_ns\":%.1f",
				       m ? "," : "", w, d->p10, w, d->med, w, d->p90, w, d->mean, w,
				       d->med - e->med, w, d->mean - e->mean);
			}
			printf(",\"repeat_ns\":%.1f,\"net_repeat_ns\":%.1f,\"repeat_valid\":%s}", rep[t],
			       rep[t] - rep[T_EMPTY], t == T_HIT ? "false" : "true");
			continue;
		}
		for (m = 0; m < NR_TEMP; m++) {
			const struct dist *d = &dist[m][t], *e = &dist[m][T_EMPTY];

			printf("%-16s %-4s %6.0f %7.0f %6.0f %7.1f %8.0f %9.1f", m ? "" : tname[t],
			       tempname[m], d->p10, d->med, d->p90, d->mean, d->med - e->med,
			       d->mean - e->mean);
			if (m == COLD)
				printf(" %10.1f%s", rep[t] - rep[T_EMPTY],
				       t == T_HIT ? "  (repeat WRONG for hits: times the SYN-ACK)" : "");
			printf("\n");
		}
	}
	if (json) {
		printf("},\"batch\":{\"repeat\":%d,\"calls\":%d", BATCH_REPEAT, BATCH_CALLS);
		for (t = 0; t < NR_B; t++) {
			const struct batch_result *r = &batch[t];

			printf(",\"%s\":{\"addrs\":%u,\"hit_share\":%.5f,\"ns\":%.2f,\"harness_ns\":%.2f,"
			       "\"net_ns\":%.2f,\"net_p25_ns\":%.2f,\"net_p75_ns\":%.2f}",
			       bname[t], r->addrs, r->hit_share, r->ns, r->lay_ns, r->net, r->net_p25,
			       r->net_p75);
		}
		printf("}}\n");
	} else {
		printf("back to back (%d runs per call, %d calls; each run lays a fresh probe):\n",
		       BATCH_REPEAT, BATCH_CALLS);
		printf("%-16s %8s %6s %8s %8s %8s %15s\n", "case", "addrs", "hits", "ns/run",
		       "harness", "net_ns", "net p25-p75");
		for (t = 0; t < NR_B; t++) {
			const struct batch_result *r = &batch[t];

			printf("%-16s %8u %5.1f%% %8.1f %8.1f %8.1f %7.1f-%-7.1f\n", bname[t], r->addrs,
			       100 * r->hit_share, r->ns, r->lay_ns, r->net, r->net_p25, r->net_p75);
		}
	}
	baselines_bpf__destroy(base);
	loader_free_responder(skel);
	world_free(&w);
	return 0;
}

/* ---- memlat -------------------------------------------------------------- */

/*
 * What one read of data that is not in the cache costs on this machine, as
 * a reference for xdpcost's cold figures: a random cyclic chain through a
 * buffer of SIZE KiB (one read per 64-byte line, each address depending on
 * the one before, 4 KiB pages like the kernel's vmalloc'd maps), one read
 * every GAP µs as a scan spaces its lookups (the CPU spins meanwhile and
 * touches no memory). Each read is timed alone; the same timing with no
 * read is subtracted.
 */
static int cmd_memlat(int argc, char **argv)
{
	uint64_t size, n, i, j, p = 0, reads = 20000;
	double gap_us, t0, t1, end, sum = 0, base = 0, ns;
	uint32_t *order;
	uint64_t *buf;
	bool json = false;

	if (parse_n_json(argc, argv, &reads, &json))
		return 2;
	if (argc - optind != 2 || !reads)
		die("usage: rsbench memlat [-n READS] [-j] SIZE_KIB GAP_US");
	size = strtoull(argv[optind], NULL, 0) * 1024;
	gap_us = strtod(argv[optind + 1], NULL);
	n = size / 64;
	if (n < 2 || n > UINT32_MAX || gap_us < 0)
		die("SIZE_KIB must be at least 1 (and below 256 GiB), GAP_US not negative");
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	order = malloc(n * sizeof(*order));
	if (buf == MAP_FAILED || !order)
		die("out of memory");
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (i = n - 1; i > 0; i--) {	/* a random cycle through every line */
		uint32_t t;

		j = rng() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		buf[(uint64_t)order[i] * 8] = (uint64_t)order[(i + 1) % n] * 8;
	free(order);

	for (i = 0; i < 2 * reads; i++) {
		end = now() + gap_us * 1e-6;
		while (now() < end)
			;
		t0 = now();
		if (i & 1)	/* odd: a read; even: the timer alone */
			p = *(volatile uint64_t *)&buf[p];
		t1 = now();
		if (i & 1)
			sum += t1 - t0;
		else
			base += t1 - t0;
	}
	ns = (sum - base) * 1e9 / reads;
	if (json)
		printf("{\"size_kib\":%llu,\"gap_us\":%g,\"reads\":%llu,\"ns_per_read\":%.1f}\n",
		       (unsigned long long)(size / 1024), gap_us, (unsigned long long)reads, ns);
	else
		printf("%llu KiB, a read every %g us: %.1f ns per read (%llu reads)\n",
		       (unsigned long long)(size / 1024), gap_us, ns, (unsigned long long)reads);
	munmap(buf, size);
	return p == UINT64_MAX;	/* keep the chain's result alive */
}

/* ---- load ---------------------------------------------------------------- */

static long long fd_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int cmd_load(int argc, char **argv)
{
	struct responder_cfg cfg = { .lab_net = htonl(0x64400000), .lab_mask = htonl(0xffffff00) };
	struct responder_bpf *skel = NULL, *empty_skel = NULL;
	struct world w, empty;
	struct bpf_map *m;
	double t0, t1, t2, t3, t4;
	long long total = 0;
	bool json = false;
	int c, n = 0;

	while ((c = getopt(argc, argv, "j")) != -1) {
		if (c == 'j')
			json = true;
		else
			return 2;
	}
	if (argc - optind != 1)
		die("usage: rsbench load [-j] WORLD");
	/* The program alone (an empty world): what any world pays to load. */
	world_init(&empty, 1);
	t0 = now();
	if (loader_load_responder(&empty, &cfg, &empty_skel))
		die("%s", rs_last_error());
	t1 = now();
	loader_free_responder(empty_skel);

	t2 = now();
	if (world_open(&w, argv[optind]))
		die("%s", rs_last_error());
	t3 = now();
	if (loader_load_responder(&w, &cfg, &skel))
		die("%s", rs_last_error());
	t4 = now();
	if (json)
		printf("{\"world\":\"%s\",\"open_s\":%.4f,\"load_s\":%.4f,\"total_s\":%.4f,"
		       "\"program_only_s\":%.4f,\"maps\":{",
		       argv[optind], t3 - t2, t4 - t3, t4 - t2, t1 - t0);
	else
		printf("open+verify %.4f s, load into kernel %.4f s, total %.4f s "
		       "(program alone, empty world: %.4f s)\n",
		       t3 - t2, t4 - t3, t4 - t2, t1 - t0);
	bpf_object__for_each_map(m, skel->obj) {
		long long ml = fd_memlock(bpf_map__fd(m));

		total += ml > 0 ? ml : 0;
		if (json)
			printf("%s\"%s\":%lld", n++ ? "," : "", bpf_map__name(m), ml);
		else
			printf("  map %-16s memlock %12lld bytes\n", bpf_map__name(m), ml);
	}
	if (json)
		printf("},\"memlock_total\":%lld,\"world_kernel_bytes\":%llu}\n", total,
		       (unsigned long long)world_kernel_bytes(&w));
	else
		printf("  total memlock %lld bytes (%.1f MiB); world directory+pool %llu bytes\n",
		       total, total / 1048576.0, (unsigned long long)world_kernel_bytes(&w));
	loader_free_responder(skel);
	world_free(&w);
	return 0;
}

/* ---- baselines -------------------------------------------------------------- */

/*
 * Load the baseline programs (bpf/bench_baselines.bpf.c) for a world drawn
 * by `rsbench gen -s SEED PPM` on tcp/PORT and pin them as DIR/drop and
 * DIR/reflect, for bpftool to attach in place of the responder.
 */
static int cmd_baselines(int argc, char **argv)
{
	struct baselines_bpf *base;
	uint32_t seed = 1;
	uint64_t ppm, port = 80;
	char path[4096];
	int c, err;

	static const char usage[] = "usage: rsbench baselines [-s SEED] [-p PORT] PPM DIR";

	while ((c = getopt(argc, argv, "s:p:")) != -1) {
		if (c == 's')
			seed = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c != 'p' || parse_u64(optarg, &port) || !port || port > 65535)
			die("%s", usage);
	}
	if (argc - optind != 2 || parse_u64(argv[optind], &ppm) || ppm > 1000000)
		die("%s", usage);
	base = baselines_bpf__open();
	if (!base)
		die("cannot open the baselines: %s", strerror(errno));
	base->rodata->rule_bound = bench_rule_bound((uint32_t)ppm);
	base->rodata->rule_seed = seed;
	base->rodata->reflect_port = (uint32_t)port;
	base->rodata->isn_key = 0x5eed;	/* any: scanners check only the ack */
	if (baselines_bpf__load(base))
		die("cannot load the baselines: %s", strerror(errno));
	if (mkdir(argv[optind + 1], 0700) && errno != EEXIST)
		die("%s: %s", argv[optind + 1], strerror(errno));
	snprintf(path, sizeof(path), "%s/drop", argv[optind + 1]);
	err = bpf_program__pin(base->progs.rescan_drop, path);
	if (!err) {
		snprintf(path, sizeof(path), "%s/reflect", argv[optind + 1]);
		err = bpf_program__pin(base->progs.rescan_reflect, path);
	}
	if (err)
		die("cannot pin %s: %s", path, strerror(-err));
	baselines_bpf__destroy(base);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: rsbench gen|gen-inet|xdpcost|memlat|load|baselines ...");
	libbpf_set_print(NULL);
	optind = 2;
	if (!strcmp(argv[1], "gen"))
		return cmd_gen(argc, argv);
	if (!strcmp(argv[1], "gen-inet"))
		return cmd_gen_inet(argc, argv);
	if (!strcmp(argv[1], "xdpcost"))
		return cmd_xdpcost(argc, argv);
	if (!strcmp(argv[1], "memlat"))
		return cmd_memlat(argc, argv);
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc, argv);
	if (!strcmp(argv[1], "baselines"))
		return cmd_baselines(argc, argv);
	die("unknown command '%s'", argv[1]);
}
