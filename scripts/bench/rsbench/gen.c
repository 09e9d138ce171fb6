// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen.c - `rsbench gen` and `rsbench gen-inet`: the bench's datasets.
 *
 *   gen       every address of a range with probability PPM/1e6, decided by
 *             the keyed hash of rule.h, so the set is exact, reproducible,
 *             and the reflector baseline answers the same hosts
 *   gen-inet  about COUNT addresses over all of IPv4, spread the way scan
 *             results are: 30 % of the /16s dark, the rest with log-uniform
 *             density, nothing in special-purpose ranges; in random order,
 *             as ZMap writes them
 *
 * Both write a bare address list or ZMap's CSV (saddr,daddr,success).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "options.h"
#include "rescan_abi.h"
#include "rsbench.h"
#include "rule.h"
#include "synth.h"
#include "util.h"

enum fmt { F_ADDR, F_CSV };

struct gen_opts {
	uint64_t seed;
	const char *format;
};

static const struct opt gen_opts[] = {
	OPT_U64_RANGE('s', "seed", struct gen_opts, seed, "SEED", 0, UINT32_MAX,
		      "the key of the hash that draws the hosts (default " RS_STR(BENCH_RULE_DEFAULT_SEED) ")"),
	OPT_STRING('F', "format", struct gen_opts, format, "addr|csv",
		   "a bare address list (default), or ZMap's CSV (saddr,daddr,success)"),
	{}
};

/* ---- output of address lists ------------------------------------------------ */

struct out {
	char buf[1 << 20];
	size_t len;
	enum fmt fmt;
	char row_end[32];	/* CSV: ",DADDR,1" after saddr, DADDR the lab's scanner */
	size_t row_end_len;
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
	memcpy(p, o->row_end, o->row_end_len);
	p += o->row_end_len;
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

/*
 * The options gen and gen-inet share, into seed and o->fmt; the positional
 * arguments in args. OPTS_RUN, or the exit code.
 */
static int gen_parse(const struct command *cmd, int argc, char **argv, uint32_t *seed,
		     struct out *o, char ***args)
{
	struct gen_opts opt = { .seed = BENCH_RULE_DEFAULT_SEED, .format = "addr" };
	int nargs, rc = options_parse(cmd, &opt, argc, argv, args, &nargs);

	if (rc != OPTS_RUN)
		return rc;
	if (strcmp(opt.format, "addr") && strcmp(opt.format, "csv"))
		return options_usage_error(cmd, "--format is addr or csv, not '%s'", opt.format);
	*seed = (uint32_t)opt.seed;
	o->fmt = strcmp(opt.format, "csv") ? F_ADDR : F_CSV;
	if (o->fmt == F_CSV) {
		struct lab l;
		char scanner[16];

		lab_describe(&l, NULL);
		format_ipv4(l.scan_addr, scanner);
		o->row_end_len = (size_t)snprintf(o->row_end, sizeof(o->row_end), ",%s,1", scanner);
	}
	return OPTS_RUN;
}

/* ---- gen ---------------------------------------------------------------------- */

static const struct command gen_cmd = {
	.name = "rsbench gen",
	.args = "PPM CIDR", .min_args = 2, .max_args = 2,
	.about = "Every address of CIDR with probability PPM/1e6, ascending. A keyed hash\n"
		 "of the address decides (rule.h): the set is exact and reproducible, and\n"
		 "`rsbench baselines -s SEED PPM` answers the same hosts.",
	.opts = gen_opts,
};

int cmd_gen(int argc, char **argv)
{
	static struct out o;
	uint32_t seed, first, last;
	uint64_t a, n = 0, bound;
	uint32_t ppm;
	char **args;
	int rc = gen_parse(&gen_cmd, argc, argv, &seed, &o, &args);

	if (rc != OPTS_RUN)
		return rc;
	if (parse_ppm(&gen_cmd, args[0], &ppm))
		return RS_EXIT_USAGE;
	if (parse_cidr(args[1], &first, &last))
		return options_usage_error(&gen_cmd, "'%s' is not an IPv4 CIDR", args[1]);
	bound = bench_rule_bound(ppm);
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

/* ---- gen-inet ------------------------------------------------------------------ */

static const struct command gen_inet_cmd = {
	.name = "rsbench gen-inet",
	.args = "COUNT", .min_args = 1, .max_args = 1,
	.about = "About COUNT addresses over all of IPv4, spread the way scan results are:\n"
		 "30 % of the /16s dark, the rest with log-uniform density, nothing in\n"
		 "special-purpose ranges; written in random order, as ZMap writes them.",
	.opts = gen_opts,
};

int cmd_gen_inet(int argc, char **argv)
{
	static struct out o;
	uint32_t seed, b, *addrs;
	double *dens, sum = 0, scale;
	uint64_t want, n = 0, cap, i;
	char **args;
	int rc = gen_parse(&gen_inet_cmd, argc, argv, &seed, &o, &args);

	if (rc != OPTS_RUN)
		return rc;
	if (parse_u64(args[0], &want) || !want || want > 1ull << 31)
		return options_usage_error(&gen_inet_cmd,
					   "COUNT is a whole number from 1 to 2^31, not '%s'", args[0]);
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
	addrs = xmalloc(cap * sizeof(*addrs));
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
					die("gen-inet: the generator overshot its estimate");
				addrs[n++] = a;
			}
		}
	}
	/* Random order, as ZMap's cyclic-group walk writes results. */
	rng_state ^= seed;
	shuffle_u32(addrs, n);
	out_header(&o);
	for (i = 0; i < n; i++)
		out_addr(&o, addrs[i]);
	out_flush(&o);
	fprintf(stderr, "rsbench gen-inet: %llu addresses\n", (unsigned long long)n);
	free(addrs);
	free(dens);
	return 0;
}
