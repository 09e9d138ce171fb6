// SPDX-License-Identifier: GPL-2.0-only
/*
 * load.c - `rsbench load`: how long opening a world file and loading it
 * into the kernel takes (world_open, then loader_load_responder, as `rescan
 * lab up` does), beside the program alone with an empty world, and the
 * kernel memory (memlock) of every map, from /proc/self/fdinfo.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "lab.h"
#include "loader.h"
#include "options.h"
#include "responder.skel.h"
#include "rsbench.h"
#include "util.h"
#include "world.h"

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

struct load_opts {
	bool json;
};

static const struct opt load_opts[] = {
	OPT_FLAG('j', "json", struct load_opts, json, "one JSON object on stdout"),
	{}
};

static const struct command load_cmd = {
	.name = "rsbench load",
	.args = "WORLD", .min_args = 1, .max_args = 1,
	.about = "How long opening WORLD and loading it into the kernel takes, as `rescan\n"
		 "lab up` does, beside the program alone; the kernel memory of every map.",
	.opts = load_opts,
};

int cmd_load(int argc, char **argv)
{
	struct load_opts opt = { 0 };
	struct responder_cfg cfg;
	struct lab l;
	struct responder_bpf *skel = NULL, *empty_skel = NULL;
	struct json_object *js = NULL, *maps = NULL;
	struct world w, empty;
	struct bpf_map *m;
	double t0, t1, t2, t3, t4;
	long long total = 0;
	char **args;
	int nargs, rc = options_parse(&load_cmd, &opt, argc, argv, &args, &nargs);

	if (rc != OPTS_RUN)
		return rc;
	/* The program alone (an empty world): what any world pays to load. */
	world_init(&empty, 1);
	lab_describe(&l, NULL);
	lab_responder_cfg(&l, &empty, &cfg);
	t0 = now_seconds();
	if (loader_load_responder(&empty, &cfg, &empty_skel))
		die("%s", rs_last_error());
	t1 = now_seconds();
	loader_free_responder(empty_skel);

	t2 = now_seconds();
	if (world_open(&w, args[0]))
		die("%s", rs_last_error());
	t3 = now_seconds();
	lab_responder_cfg(&l, &w, &cfg);
	if (loader_load_responder(&w, &cfg, &skel))
		die("%s", rs_last_error());
	t4 = now_seconds();
	if (opt.json) {
		js = json_object_new_object();
		maps = json_object_new_object();
		json_object_object_add(js, "world", json_object_new_string(args[0]));
		json_object_object_add(js, "open_s", json_fmt("%.4f", t3 - t2));
		json_object_object_add(js, "load_s", json_fmt("%.4f", t4 - t3));
		json_object_object_add(js, "total_s", json_fmt("%.4f", t4 - t2));
		json_object_object_add(js, "program_only_s", json_fmt("%.4f", t1 - t0));
	} else {
		printf("open+verify %.4f s, load into kernel %.4f s, total %.4f s "
		       "(program alone, empty world: %.4f s)\n",
		       t3 - t2, t4 - t3, t4 - t2, t1 - t0);
	}
	bpf_object__for_each_map(m, skel->obj) {
		long long ml = fd_memlock(bpf_map__fd(m));

		total += ml > 0 ? ml : 0;
		if (maps)
			json_object_object_add(maps, bpf_map__name(m), json_object_new_int64(ml));
		else
			printf("  map %-16s memlock %12lld bytes\n", bpf_map__name(m), ml);
	}
	if (js) {
		json_object_object_add(js, "maps", maps);
		json_object_object_add(js, "memlock_total", json_object_new_int64(total));
		json_object_object_add(js, "world_kernel_bytes",
				       json_object_new_uint64(world_kernel_bytes(&w)));
		json_print(js);
	} else {
		printf("  total memlock %lld bytes (%.1f MiB); world directory+pool %llu bytes\n",
		       total, total / 1048576.0, (unsigned long long)world_kernel_bytes(&w));
	}
	loader_free_responder(skel);
	world_free(&w);
	return 0;
}
