// SPDX-License-Identifier: GPL-2.0-only
/* cmd_world.c - rescan world compile | synth | info | export */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "dataset.h"
#include "subcmd.h"
#include "synth.h"
#include "util.h"


int world_open_spec(struct world *w, const char *spec, char *desc, size_t desclen)
{
	uint64_t seed = SYNTH_DEFAULT_SEED;
	int err;

	if (!strncmp(spec, "synth", 5) && (spec[5] == 0 || spec[5] == ':')) {
		if (spec[5] == ':' && parse_u64(spec + 6, &seed)) {
			rs_error("world '%s': expected synth:SEED with a decimal seed", spec);
			return -EINVAL;
		}
		world_init(w, seed);
		err = synth_world(w, seed);
		if (err)
			world_free(w);
		snprintf(desc, desclen, "synth:%llu", (unsigned long long)seed);
		return err;
	}
	snprintf(desc, desclen, "%s", spec);
	return world_open(w, spec);
}

/* ---- compile ------------------------------------------------------------ */

struct source {
	struct rs_svc svc;
	const char *path;
	const char *spec;
};

static void compile_usage(FILE *f)
{
	fprintf(f,
		"usage: rescan world compile -o OUT [--seed N] SERVICE=FILE [SERVICE=FILE ...]\n\n"
		"Compile scan results into a world file: each FILE lists the hosts that\n"
		"answer SERVICE (tcp/PORT or icmp). Several files may feed one service.\n"
		"Formats, detected from the content (any of them gzip- or zstd-compressed):\n");
	dataset_formats_help(f);
	fprintf(f, "\n"
		"  -o, --output FILE  world file to write (written atomically)\n"
		"  -s, --seed N       seed recorded in the world (keys reply fields); default 1\n"
		"  -h, --help         this help\n\n"
		"example: rescan world compile -o my.world tcp/80=http.csv icmp=ping.csv.gz\n");
}

static int compile(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "seed", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	const char *out = NULL;
	struct source *src = NULL;
	uint64_t seed = SYNTH_DEFAULT_SEED, total = 0;
	struct ipset set = { 0 };
	struct world w;
	double t0 = now_seconds();
	int nsrc = 0, i, j, c, err = 0;
	const char *sde;

	while ((c = getopt_long(argc, argv, "o:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (parse_u64(optarg, &seed)) {
				rs_die_msg("--seed: '%s' is not a number", optarg);
				return RS_EXIT_USAGE;
			}
			break;
		case 'h':
			compile_usage(stdout);
			return RS_EXIT_OK;
		default:
			compile_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		rs_die_msg(!out ? "world compile: -o OUT is required" : "world compile: no SERVICE=FILE given");
		compile_usage(stderr);
		return RS_EXIT_USAGE;
	}
	src = calloc((size_t)(argc - optind), sizeof(*src));
	if (!src)
		return RS_EXIT_FAIL;
	/* Check every argument before reading anything. */
	for (i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i] || !eq[1]) {
			rs_die_msg("world compile: '%s' is not SERVICE=FILE", argv[i]);
			free(src);
			return RS_EXIT_USAGE;
		}
		*eq = 0;
		src[nsrc].spec = argv[i];
		src[nsrc].path = eq + 1;
		if (svc_parse(argv[i], &src[nsrc].svc)) {
			rs_report();
			free(src);
			return RS_EXIT_USAGE;
		}
		if (access(src[nsrc].path, R_OK)) {
			rs_die_msg("cannot read '%s': %s", src[nsrc].path, strerror(errno));
			free(src);
			return RS_EXIT_FAIL;
		}
		nsrc++;
	}

	world_init(&w, seed);
	sde = getenv("SOURCE_DATE_EPOCH");	/* reproducible builds of course worlds */
	w.created = sde ? strtoull(sde, NULL, 10) : (uint64_t)time(NULL);
	world_note(&w, "compiled by rescan world compile");
	err = ipset_init(&set);
	/* One service at a time: all of its files, then its containers. */
	for (i = 0; i < nsrc && !err; i++) {
		bool first = true;

		for (j = 0; j < i; j++)
			if (src[j].svc.slot == src[i].svc.slot && src[j].svc.port == src[i].svc.port)
				first = false;
		if (!first)
			continue;
		/* Only between services: after the last one the set is simply unmapped. */
		if (i)
			ipset_clear(&set);
		for (j = i; j < nsrc && !err; j++) {
			struct dataset_stats st = { 0 };

			if (src[j].svc.slot != src[i].svc.slot || src[j].svc.port != src[i].svc.port)
				continue;
			err = dataset_read(src[j].path, src[j].svc, &set, &st);
			if (err)
				break;
			fprintf(stderr, "%s <- %s: %s, %llu records, %llu addresses, %llu skipped\n",
				src[j].spec, src[j].path, st.format,
				(unsigned long long)st.lines, (unsigned long long)st.added,
				(unsigned long long)st.skipped);
			world_note(&w, "%s <- %s (%s, %llu records, %llu addresses, %llu skipped)",
				   src[j].spec, src[j].path, st.format,
				   (unsigned long long)st.lines, (unsigned long long)st.added,
				   (unsigned long long)st.skipped);
		}
		if (!err)
			err = world_add_service(&w, src[i].svc, &set);
	}
	if (!err)
		err = world_write(&w, out);
	if (err) {
		rs_report();
	} else {
		for (i = 0; i < (int)w.nservices; i++)
			total += w.services[i].hosts;
		fprintf(stderr, "wrote %s: %u services, %llu hosts, %.1f MiB in the kernel, %.2f s\n",
			out, w.nservices, (unsigned long long)total,
			world_kernel_bytes(&w) / 1048576.0, now_seconds() - t0);
	}
	ipset_free(&set);
	world_free(&w);
	free(src);
	return err ? RS_EXIT_FAIL : RS_EXIT_OK;
}

/* ---- synth -------------------------------------------------------------- */

static void synth_usage(FILE *f)
{
	unsigned i;

	fprintf(f, "usage: rescan world synth [--seed N] -o OUT\n\n"
		   "Write the built-in internet-like world for seed N (default %d): hosts\n"
		   "clustered by network, nothing in reserved ranges, hit rates of\n"
		   "scannable IPv4:",
		SYNTH_DEFAULT_SEED);
	for (i = 0; i < synth_nservices; i++)
		fprintf(f, "%s %s %.1f%%", i ? "," : "", synth_services[i].spec,
			synth_services[i].rate * 100);
	fprintf(f, ".\nThe same world is what 'rescan lab up' loads by default (synth:1).\n");
}

static int synth(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "seed", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	uint64_t seed = SYNTH_DEFAULT_SEED;
	const char *out = NULL;
	double t0 = now_seconds();
	struct world w;
	int c, err;

	while ((c = getopt_long(argc, argv, "o:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			if (parse_u64(optarg, &seed)) {
				rs_die_msg("--seed: '%s' is not a number", optarg);
				return RS_EXIT_USAGE;
			}
			break;
		case 'h':
			synth_usage(stdout);
			return RS_EXIT_OK;
		default:
			synth_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if (!out || optind != argc) {
		rs_die_msg("world synth: -o OUT is required and takes no other arguments");
		return RS_EXIT_USAGE;
	}
	world_init(&w, seed);
	err = synth_world(&w, seed);
	if (!err)
		err = world_write(&w, out);
	if (err)
		rs_report();
	else
		fprintf(stderr, "wrote %s: synthetic world, seed %llu, %.1f MiB in the kernel, %.2f s\n",
			out, (unsigned long long)seed, world_kernel_bytes(&w) / 1048576.0,
			now_seconds() - t0);
	world_free(&w);
	return err ? RS_EXIT_FAIL : RS_EXIT_OK;
}

/* ---- info --------------------------------------------------------------- */

struct set_summary {
	uint32_t blocks;	/* non-empty /16 blocks */
	uint32_t first, last;
	uint64_t pool_words;
};

static void summarize(const struct world *w, uint32_t set, struct set_summary *s)
{
	uint32_t b;

	memset(s, 0, sizeof(*s));
	for (b = 0; b < RS_BLOCKS; b++) {
		const struct rs_dir_entry *de = &w->dir[(size_t)set * RS_BLOCKS + b];

		if (de->kind == RS_C_EMPTY)
			continue;
		if (!s->blocks++)
			s->first = b << 16;
		s->last = b << 16 | 0xffff;
		s->pool_words += world_container_words(de);
	}
	/* Narrow first/last to real hosts. */
	if (s->blocks) {
		uint32_t a = s->first;

		while (!world_set_has(w, set, a))
			a++;
		s->first = a;
		a = s->last;
		while (!world_set_has(w, set, a))
			a--;
		s->last = a;
	}
}

static int info(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	struct world w;
	char desc[256], name[32], a[16], b[16];
	bool json = false;
	struct json_object *jo = NULL, *js = NULL;
	uint32_t i;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: rescan world info [--json] WORLD\n\n"
			       "Services, host counts, address ranges, seed, memory and provenance of\n"
			       "WORLD (a world file, or synth:SEED for the built-in generator).\n");
			return RS_EXIT_OK;
		default:
			return RS_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		rs_die_msg("usage: rescan world info [--json] WORLD");
		return RS_EXIT_USAGE;
	}
	if (world_open_spec(&w, argv[optind], desc, sizeof(desc))) {
		rs_report();
		return RS_EXIT_FAIL;
	}
	if (json) {
		jo = json_object_new_object();
		js = json_object_new_array();
		json_object_object_add(jo, "world", json_object_new_string(desc));
		json_object_object_add(jo, "seed", json_object_new_uint64(w.seed));
		json_object_object_add(jo, "created", json_object_new_uint64(w.created));
		json_object_object_add(jo, "kernel_bytes", json_object_new_uint64(world_kernel_bytes(&w)));
		json_object_object_add(jo, "provenance",
				       json_object_new_string(w.provenance ? w.provenance : ""));
		json_object_object_add(jo, "services", js);
	} else {
		printf("world:    %s\nseed:     %llu\n", desc, (unsigned long long)w.seed);
		if (w.created) {
			time_t t = (time_t)w.created;
			char when[64];

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
			printf("created:  %s\n", when);
		}
		printf("kernel:   %.1f MiB (directory %.1f MiB, pool %.1f MiB)\n",
		       world_kernel_bytes(&w) / 1048576.0,
		       (double)w.nsets * RS_BLOCKS * sizeof(struct rs_dir_entry) / 1048576.0,
		       w.pool_words * 8 / 1048576.0);
		printf("services: %u\n  %-10s %12s %8s %7s  %-15s %-15s\n", w.nservices, "SERVICE",
		       "HOSTS", "RATE", "/16s", "FIRST", "LAST");
	}
	for (i = 0; i < w.nservices; i++) {
		struct set_summary s;

		summarize(&w, w.services[i].set, &s);
		svc_format(w.services[i].svc, name, sizeof(name));
		format_ipv4(s.first, a);
		format_ipv4(s.last, b);
		if (json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "service", json_object_new_string(name));
			json_object_object_add(o, "hosts", json_object_new_uint64(w.services[i].hosts));
			json_object_object_add(o, "blocks", json_object_new_int(s.blocks));
			json_object_object_add(o, "first", json_object_new_string(s.blocks ? a : ""));
			json_object_object_add(o, "last", json_object_new_string(s.blocks ? b : ""));
			json_object_object_add(o, "pool_bytes", json_object_new_uint64(s.pool_words * 8));
			json_object_array_add(js, o);
		} else {
			printf("  %-10s %12llu %7.3f%% %7u  %-15s %-15s\n", name,
			       (unsigned long long)w.services[i].hosts,
			       100.0 * w.services[i].hosts / (double)scannable_addresses(), s.blocks,
			       s.blocks ? a : "-", s.blocks ? b : "-");
		}
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY));
		json_object_put(jo);
	} else {
		printf("(RATE is of the %.0f scannable IPv4 addresses)\n", (double)scannable_addresses());
		if (w.provenance)
			printf("provenance:\n%s", w.provenance);
	}
	world_free(&w);
	return RS_EXIT_OK;
}

/* ---- export ------------------------------------------------------------- */

static int print_addr(uint32_t addr, void *ctx)
{
	char buf[16];

	format_ipv4(addr, buf);
	fputs(buf, stdout);
	putchar('\n');
	return 0;
}

static int export(int argc, char **argv)
{
	struct world w;
	const struct world_service *ws;
	struct rs_svc svc;
	char desc[256];
	uint32_t first, last;
	int i, err = 0;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: rescan world export WORLD SERVICE [CIDR ...]\n\n"
		       "Print the hosts of WORLD that answer SERVICE, one address per line,\n"
		       "ascending within each CIDR (default: all of IPv4). This is the ground\n"
		       "truth a scan of that range must find.\n"
		       "example: rescan world export synth:1 tcp/80 1.0.0.0/8\n");
		return RS_EXIT_OK;
	}
	if (argc < 3) {
		rs_die_msg("usage: rescan world export WORLD SERVICE [CIDR ...]");
		return RS_EXIT_USAGE;
	}
	if (svc_parse(argv[2], &svc)) {
		rs_report();
		return RS_EXIT_USAGE;
	}
	for (i = 3; i < argc; i++) {
		if (parse_cidr(argv[i], &first, &last)) {
			rs_die_msg("'%s' is not an IPv4 address or CIDR block", argv[i]);
			return RS_EXIT_USAGE;
		}
	}
	if (world_open_spec(&w, argv[1], desc, sizeof(desc))) {
		rs_report();
		return RS_EXIT_FAIL;
	}
	ws = world_find(&w, svc);
	if (!ws) {
		rs_die_msg("world %s has no service %s", desc, argv[2]);
		world_free(&w);
		return RS_EXIT_FAIL;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	if (argc == 3)
		err = world_set_foreach(&w, ws->set, 0, UINT32_MAX, print_addr, NULL);
	for (i = 3; i < argc && !err; i++) {
		parse_cidr(argv[i], &first, &last);
		err = world_set_foreach(&w, ws->set, first, last, print_addr, NULL);
	}
	world_free(&w);
	if (fflush(stdout) || ferror(stdout))
		return RS_EXIT_FAIL;
	return err ? RS_EXIT_FAIL : RS_EXIT_OK;
}

/* ---- dispatch ----------------------------------------------------------- */

static const struct subcmd world_cmds[] = {
	{ "compile", compile, "compile scan datasets into a world file" },
	{ "synth", synth, "write the built-in internet-like world" },
	{ "info", info, "services, host counts, ranges, seed of a world" },
	{ "export", export, "ground truth: the hosts of a service in a range" },
};

int cmd_world(int argc, char **argv)
{
	return subcmd_dispatch("rescan world", NULL,
			       "A WORLD argument is a world file or synth:SEED (the built-in generator).",
			       SUBCMDS(world_cmds), argc, argv);
}
