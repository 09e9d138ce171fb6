// SPDX-License-Identifier: GPL-2.0-only
/*
 * baselines.c - `rsbench baselines`: load the programs the responder is
 * compared with in real scans (baselines.bpf.c) for a world drawn by
 * `rsbench gen -s SEED PPM` on tcp/PORT, and pin them as DIR/drop and
 * DIR/reflect, for bpftool to attach in place of the responder.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "baselines.skel.h"
#include "options.h"
#include "rsbench.h"
#include "rule.h"
#include "util.h"

#define BASELINES_DEFAULT_PORT 80

struct baselines_opts {
	uint64_t seed, port;
};

static const struct opt baselines_opts[] = {
	OPT_U64_RANGE('s', "seed", struct baselines_opts, seed, "SEED", 0, UINT32_MAX,
		      "the key the world's hosts were drawn with, gen -s (default "
		      RS_STR(BENCH_RULE_DEFAULT_SEED) ")"),
	OPT_U64_RANGE('p', "port", struct baselines_opts, port, "PORT", 1, 65535,
		      "the world's one TCP service (default " RS_STR(BASELINES_DEFAULT_PORT) ")"),
	{}
};

static const struct command baselines_cmd = {
	.name = "rsbench baselines",
	.args = "PPM DIR", .min_args = 2, .max_args = 2,
	.about = "Pin XDP_DROP and the reflector as DIR/drop and DIR/reflect, for bpftool\n"
		 "to attach in place of the responder. The reflector answers tcp/PORT for\n"
		 "the hosts `rsbench gen -s SEED PPM` draws, with the responder's own\n"
		 "SYN-ACK rewrite and no world; XDP_DROP takes every frame.",
	.opts = baselines_opts,
};

int cmd_baselines(int argc, char **argv)
{
	struct baselines_opts opt = { .seed = BENCH_RULE_DEFAULT_SEED,
				      .port = BASELINES_DEFAULT_PORT };
	struct baselines_bpf *base;
	uint32_t ppm;
	char path[4096];
	char **args;
	int err, nargs, rc = options_parse(&baselines_cmd, &opt, argc, argv, &args, &nargs);

	if (rc != OPTS_RUN)
		return rc;
	if (parse_ppm(&baselines_cmd, args[0], &ppm))
		return RS_EXIT_USAGE;
	base = baselines_bpf__open();
	if (!base)
		die("cannot open the baselines: %s", strerror(errno));
	base->rodata->rule_bound = bench_rule_bound(ppm);
	base->rodata->rule_seed = (uint32_t)opt.seed;
	base->rodata->reflect_port = (uint32_t)opt.port;
	base->rodata->isn_key = 0x5eed;	/* any: scanners check only the ack */
	if (baselines_bpf__load(base))
		die("cannot load the baselines: %s", strerror(errno));
	if (mkdir(args[1], 0700) && errno != EEXIST)
		die("%s: %s", args[1], strerror(errno));
	snprintf(path, sizeof(path), "%s/drop", args[1]);
	err = bpf_program__pin(base->progs.rescan_drop, path);
	if (!err) {
		snprintf(path, sizeof(path), "%s/reflect", args[1]);
		err = bpf_program__pin(base->progs.rescan_reflect, path);
	}
	if (err)
		die("cannot pin %s: %s", path, strerror(-err));
	baselines_bpf__destroy(base);
	return 0;
}
