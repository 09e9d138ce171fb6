// SPDX-License-Identifier: GPL-2.0-only
/*
 * memlat.c - `rsbench memlat`: what one read of data that is not in the
 * cache costs on this machine, as a reference for xdpcost's cold figures.
 * A random cyclic chain through a buffer of SIZE KiB (one read per 64-byte
 * line, each address depending on the one before, 4 KiB pages like the
 * kernel's vmalloc'd maps), one read every GAP µs as a scan spaces its
 * lookups (the CPU spins meanwhile and touches no memory). Each read is
 * timed alone; the same timing with no read is subtracted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include <json-c/json.h>

#include "options.h"
#include "rsbench.h"
#include "util.h"

/* Inline, so the timed window holds the read and the clock only. */
static inline double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A buffer of n lines whose first words chain through every line once, at random. */
static uint64_t *make_chain(uint64_t size, uint64_t n)
{
	uint64_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *order = xmalloc(n * sizeof(*order));
	uint64_t i;

	if (buf == MAP_FAILED)
		die("memlat: cannot map %llu bytes", (unsigned long long)size);
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	shuffle_u32(order, n);
	for (i = 0; i < n; i++)
		buf[(uint64_t)order[i] * 8] = (uint64_t)order[(i + 1) % n] * 8;
	free(order);
	return buf;
}

#define MEMLAT_DEFAULT_READS 20000

struct memlat_opts {
	uint64_t reads;
	bool json;
};

static const struct opt memlat_opts[] = {
	OPT_U64_RANGE('n', "reads", struct memlat_opts, reads, "READS", 1, 1000000000,
		      "timed reads (default " RS_STR(MEMLAT_DEFAULT_READS) ")"),
	OPT_FLAG('j', "json", struct memlat_opts, json, "one JSON object on stdout"),
	{}
};

static const struct command memlat_cmd = {
	.name = "rsbench memlat",
	.args = "SIZE_KIB GAP_US", .min_args = 2, .max_args = 2,
	.about = "What one read of memory costs here, as a reference for xdpcost's cold\n"
		 "figures: a dependent random read of a SIZE_KIB buffer every GAP_US\n"
		 "microseconds, in user space, each read timed alone less the timer's cost.",
	.opts = memlat_opts,
};

int cmd_memlat(int argc, char **argv)
{
	struct memlat_opts opt = { .reads = MEMLAT_DEFAULT_READS };
	uint64_t kib, size, n, i, p = 0, reads;
	double gap_us, t0, t1, end, sum = 0, base = 0, ns;
	uint64_t *buf;
	char *rest, **args;
	int nargs, rc = options_parse(&memlat_cmd, &opt, argc, argv, &args, &nargs);

	if (rc != OPTS_RUN)
		return rc;
	reads = opt.reads;
	gap_us = strtod(args[1], &rest);
	if (parse_u64(args[0], &kib) || kib < 1 || kib >= 1ull << 28)
		return options_usage_error(&memlat_cmd,
					   "SIZE_KIB is a whole number from 1 to 2^28, not '%s'", args[0]);
	if (rest == args[1] || *rest || gap_us < 0)
		return options_usage_error(&memlat_cmd, "GAP_US is a number of microseconds, not '%s'",
					   args[1]);
	size = kib * 1024;
	n = size / 64;
	buf = make_chain(size, n);

	for (i = 0; i < 2 * reads; i++) {
		end = clock_now() + gap_us * 1e-6;
		while (clock_now() < end)
			;
		t0 = clock_now();
		if (i & 1)	/* odd: a read; even: the timer alone */
			p = *(volatile uint64_t *)&buf[p];
		t1 = clock_now();
		if (i & 1)
			sum += t1 - t0;
		else
			base += t1 - t0;
	}
	ns = (sum - base) * 1e9 / reads;
	if (opt.json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "size_kib", json_object_new_uint64(kib));
		json_object_object_add(o, "gap_us", json_fmt("%g", gap_us));
		json_object_object_add(o, "reads", json_object_new_uint64(reads));
		json_object_object_add(o, "ns_per_read", json_fmt("%.1f", ns));
		json_print(o);
	} else {
		printf("%llu KiB, a read every %g us: %.1f ns per read (%llu reads)\n",
		       (unsigned long long)kib, gap_us, ns, (unsigned long long)reads);
	}
	munmap(buf, size);
	return p == UINT64_MAX;	/* keep the chain's result alive */
}
