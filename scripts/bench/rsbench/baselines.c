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
#include "rsbench.h"
#include "rule.h"
#include "util.h"

static int run_baselines(const struct rsb_opts *opt, char **argv)
{
	struct baselines_bpf *base;
	uint64_t ppm;
	char path[4096];
	int err;

	if (parse_u64(argv[0], &ppm) || ppm > 1000000)
		return usage_error("baselines: PPM is a whole number from 0 to 1000000, not '%s'",
				   argv[0]);
	base = baselines_bpf__open();
	if (!base)
		die("cannot open the baselines: %s", strerror(errno));
	base->rodata->rule_bound = bench_rule_bound((uint32_t)ppm);
	base->rodata->rule_seed = (uint32_t)opt->seed;
	base->rodata->reflect_port = (uint32_t)opt->port;
	base->rodata->isn_key = 0x5eed;	/* any: scanners check only the ack */
	if (baselines_bpf__load(base))
		die("cannot load the baselines: %s", strerror(errno));
	if (mkdir(argv[1], 0700) && errno != EEXIST)
		die("%s: %s", argv[1], strerror(errno));
	snprintf(path, sizeof(path), "%s/drop", argv[1]);
	err = bpf_program__pin(base->progs.rescan_drop, path);
	if (!err) {
		snprintf(path, sizeof(path), "%s/reflect", argv[1]);
		err = bpf_program__pin(base->progs.rescan_reflect, path);
	}
	if (err)
		die("cannot pin %s: %s", path, strerror(-err));
	baselines_bpf__destroy(base);
	return 0;
}

static const struct rsb_opt baselines_opts[] = {
	RSB_NUM('s', "seed", "SEED", "the key the world's hosts were drawn with (gen -s)", seed, 1,
		0, UINT32_MAX),
	RSB_NUM('p', "port", "PORT", "the world's one TCP service", port, 80, 1, 65535),
};

const struct rsb_cmd cmd_baselines =
	RSB_CMD("baselines", "PPM DIR", 2, run_baselines, baselines_opts,
		"pin XDP_DROP and the reflector as DIR/drop and DIR/reflect",
		"The reflector answers tcp/PORT for the hosts `rsbench gen -s SEED PPM`\n"
		"draws, with the responder's own SYN-ACK rewrite and no world; XDP_DROP\n"
		"takes every frame. bpftool attaches them in place of the responder.");
