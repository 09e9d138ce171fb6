// SPDX-License-Identifier: GPL-2.0-only
/* cmd_world.c - rescan world compile | synth | info | export */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "commands.h"
#include "dataset.h"
#include "options.h"
#include "subcmd.h"
#include "synth.h"
#include "util.h"

int world_open_spec(struct world *w, const char *spec, char *desc, size_t desclen)
{
	uint64_t seed = SYNTH_DEFAULT_SEED;
	int err;

	if (!strncmp(spec, "synth", 5) && (spec[5] == 0 || spec[5] == ':')) {
		/* A class's seed is its answer key: random, it cannot be guessed. */
		if (!strcmp(spec, "synth:random")) {
			if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed)) {
				rs_error("cannot draw a random seed: %s", strerror(errno));
				return -errno;
			}
		} else if (spec[5] == ':' && parse_u64(spec + 6, &seed)) {
			rs_error("world '%s': expected synth:SEED with a decimal seed, or synth:random",
				 spec);
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

/* ---- compile and synth: both write a world ------------------------------ */

struct write_opts {
	const char *out;
	uint64_t seed;
};

static const struct opt write_opts[] = {
	{ .name = "output", .short_name = 'o', .kind = OPT_KIND_STRING,
	  .offset = offsetof(struct write_opts, out), .arg = "FILE", .required = true,
	  .help = "world file to write (written atomically)" },
	OPT_U64('s', "seed", struct write_opts, seed, "N",
		"the world's seed (default " RS_STR(SYNTH_DEFAULT_SEED) "): it keys reply\n"
		"fields, and draws synth's hosts"),
	{}
};

struct source {
	struct rs_svc svc;
	int state;		/* enum rs_state the spec names, or -1: every state the file holds */
	uint32_t seen;		/* states of svc the file holds, learnt while reading it */
	const char *path;
	const char *spec;
};

static void compile_formats(FILE *f)
{
	fprintf(f, "\nFormats, detected from the content (any of them gzip- or zstd-compressed):\n");
	dataset_formats_help(f);
}

static const struct command compile_cmd = {
	.name = "rescan world compile",
	.args = "SERVICE[:STATE]=FILE...",
	.min_args = 1,
	.max_args = ARGS_ANY,
	.about = "Compile scan results into a world file. Each FILE says which hosts answer\n"
		 "SERVICE (tcp/PORT, udp/PORT, icmp, icmp/timestamp) and how: open, closed\n"
		 "(a RST, an ICMP port unreachable) or filtered (silent), as the scanner\n"
		 "reported them. tcp/" "* and udp/" "* are the hosts that answer every port the\n"
		 "world does not list as closed (nmap's \"Not shown: N closed ports\"); every\n"
		 "other host is silent there. :STATE reads only the records of that state;\n"
		 "for a plain address list it is the state of every line (default: open;\n"
		 "closed for tcp/" "* and udp/" "*). Several files may feed one service.",
	.more_help = compile_formats,
	.opts = write_opts,
	.example = "example: rescan world compile -o my.world tcp/80=http.csv icmp=ping.csv.gz \\\n"
		   "           tcp/22=scan.xml tcp/" "*=scan.xml udp/53:closed=unreach.txt",
};

/* Check every SERVICE=FILE before anything is read. */
static int parse_sources(char **args, int nargs, struct source *src)
{
	struct stat st;
	int i;

	for (i = 0; i < nargs; i++) {
		char *eq = strchr(args[i], '='), *colon;

		if (!eq || eq == args[i] || !eq[1]) {
			return options_usage_error(&compile_cmd, "'%s' is not SERVICE=FILE", args[i]);
		}
		*eq = 0;
		src[i].spec = args[i];
		src[i].path = eq + 1;
		src[i].state = -1;
		colon = strchr(args[i], ':');
		if (colon) {
			*colon = 0;
			src[i].state = svc_state_parse(colon + 1);
		}
		if (src[i].state == -EINVAL || svc_parse(args[i], &src[i].svc) ||
		    (src[i].state >= 0 && world_state_allowed(src[i].svc, src[i].state))) {
			rs_print_last_error();
			return RS_EXIT_USAGE;
		}
		if (colon)
			*colon = ':';
		if (access(src[i].path, R_OK)) {
			rs_print_error("cannot read '%s': %s", src[i].path, strerror(errno));
			return RS_EXIT_FAIL;
		}
		if (!stat(src[i].path, &st) && S_ISDIR(st.st_mode)) {
			rs_print_error("cannot read '%s': Is a directory (give the dataset file)",
				       src[i].path);
			return RS_EXIT_FAIL;
		}
	}
	return 0;
}

static bool same_service(const struct source *a, const struct source *b)
{
	return a->svc.slot == b->svc.slot && a->svc.port == b->svc.port;
}

/* The state of a record that names none: open, or closed for the policy. */
static enum rs_state implied_state(const struct source *s)
{
	if (s->state >= 0)
		return s->state;
	return s->svc.slot != RS_SLOT_ICMP && s->svc.port == RS_PORT_OTHER ? RS_STATE_CLOSED
									  : RS_STATE_OPEN;
}

/* Is file s read for state st? Its own state, or the first pass, or a state seen in it. */
static bool read_for(const struct source *s, enum rs_state st)
{
	if (s->state >= 0)
		return (int)st == s->state;
	return st == implied_state(s) || (s->seen & (1u << st));
}

/*
 * The service src[i], one state at a time: every file that holds hosts in
 * that state into set, then the set into w. A file without a :STATE is
 * read first for its implied state, and again for each other state it
 * turned out to hold (a ZMap CSV with rst rows, nmap XML with closed ports).
 */
static int compile_service(struct world *w, struct ipset *set, struct source *src, int nsrc,
			   int i)
{
	enum rs_state st;
	int j, err;

	for (st = 0; st < RS_NR_STATES; st++) {
		uint64_t added = 0;
		bool read = false, first = false;

		for (j = i; j < nsrc; j++) {
			struct dataset_query q = { src[j].svc, st, implied_state(&src[j]), false };
			struct dataset_stats ds = { 0 };
			char line[512];

			if (!same_service(&src[j], &src[i]) || !read_for(&src[j], st))
				continue;
			if (!read)
				ipset_clear(set);
			read = true;
			first |= st == implied_state(&src[j]);
			err = dataset_read(src[j].path, &q, set, &ds);
			if (err)
				return err;
			src[j].seen |= ds.states_seen;
			added += ds.added;
			snprintf(line, sizeof(line),
				 "%s <- %s (%s, %s: %llu records, %llu addresses, %llu skipped)",
				 src[j].spec, src[j].path, ds.format, svc_state_name(st),
				 (unsigned long long)ds.lines, (unsigned long long)ds.added,
				 (unsigned long long)ds.skipped);
			fprintf(stderr, "%s\n", line);
			world_note(w, "%s", line);
		}
		/* A state a file named or implied is in the world even if empty. */
		if (read && (added || first)) {
			err = world_add_service(w, src[i].svc, st, set);
			if (err)
				return err;
		}
	}
	return 0;
}

static int compile(int argc, char **argv)
{
	struct write_opts o = { .seed = SYNTH_DEFAULT_SEED };
	struct source *src = NULL;
	uint64_t total = 0;
	struct ipset set = { 0 };
	struct world w;
	double t0 = now_seconds();
	char **args;
	int nsrc, i, j, rc, err = 0;
	const char *sde;

	rc = options_parse(&compile_cmd, &o, argc, argv, &args, &nsrc);
	if (rc != OPTS_RUN)
		return rc;
	src = calloc((size_t)nsrc, sizeof(*src));
	if (!src)
		return RS_EXIT_FAIL;
	rc = parse_sources(args, nsrc, src);
	if (rc) {
		free(src);
		return rc;
	}

	world_init(&w, o.seed);
	sde = getenv("SOURCE_DATE_EPOCH");	/* reproducible builds of course worlds */
	w.created = sde ? strtoull(sde, NULL, 10) : (uint64_t)time(NULL);
	world_note(&w, "compiled by rescan world compile");
	err = ipset_init(&set);
	/* One service at a time: all of its files, then its containers. */
	for (i = 0; i < nsrc && !err; i++) {
		for (j = 0; j < i && !same_service(&src[j], &src[i]); j++)
			;
		if (j < i)
			continue;	/* compiled with its first file */
		err = compile_service(&w, &set, src, nsrc, i);
	}
	if (!err)
		err = world_write(&w, o.out);
	if (err) {
		rs_print_last_error();
	} else {
		for (i = 0; i < (int)w.nservices; i++)
			for (j = 0; j < RS_NR_STATES; j++)
				total += w.services[i].hosts[j];
		fprintf(stderr, "wrote %s: %u services, %llu hosts, %.1f MiB in the kernel, %.2f s\n",
			o.out, w.nservices, (unsigned long long)total,
			world_kernel_bytes(&w) / 1048576.0, now_seconds() - t0);
	}
	ipset_free(&set);
	world_free(&w);
	free(src);
	return err ? RS_EXIT_FAIL : RS_EXIT_OK;
}

static void synth_rates(FILE *f)
{
	unsigned i;

	fprintf(f, "\nServices (hosts as a share of scannable IPv4; the star is the hosts'\n"
		   "policy for every port the world does not list):\n");
	for (i = 0; i < synth_nservices; i++)
		fprintf(f, "  %-16s %-9s %.2f%%\n", synth_services[i].spec,
			svc_state_name(synth_services[i].state), synth_services[i].rate * 100);
}

static const struct command synth_cmd = {
	.name = "rescan world synth",
	.about = "Write the built-in internet-like world for a seed: hosts clustered by\n"
		 "network, nothing in reserved ranges. The same world is what\n"
		 "'rescan lab up' loads by default (" DEFAULT_WORLD_SPEC ").",
	.more_help = synth_rates,
	.opts = write_opts,
};

static int synth(int argc, char **argv)
{
	struct write_opts o = { .seed = SYNTH_DEFAULT_SEED };
	double t0 = now_seconds();
	struct world w;
	char **args;
	int nargs, rc, err;

	rc = options_parse(&synth_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	world_init(&w, o.seed);
	err = synth_world(&w, o.seed);
	if (!err)
		err = world_write(&w, o.out);
	if (err)
		rs_print_last_error();
	else
		fprintf(stderr, "wrote %s: synthetic world, seed %llu, %.1f MiB in the kernel, %.2f s\n",
			o.out, (unsigned long long)o.seed, world_kernel_bytes(&w) / 1048576.0,
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

struct info_opts {
	bool json;
};

static const struct command info_cmd = {
	.name = "rescan world info",
	.args = "WORLD",
	.min_args = 1,
	.max_args = 1,
	.about = "Services, host counts, address ranges, seed, memory and provenance of\n"
		 "WORLD (a world file, or synth:SEED for the built-in generator).",
	.opts = (const struct opt[]){
		OPT_FLAG('j', "json", struct info_opts, json, "machine-readable output"),
		{} },
};

static int info(int argc, char **argv)
{
	struct info_opts o = { 0 };
	struct world w;
	char desc[256], name[32], a[16], b[16], **args;
	bool json;
	struct json_object *jo = NULL, *js = NULL;
	uint32_t i;
	int nargs, rc;

	rc = options_parse(&info_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	json = o.json;
	if (world_open_spec(&w, args[0], desc, sizeof(desc))) {
		rs_print_last_error();
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
		printf("services: %u\n  %-14s %12s %8s %7s  %-15s %-15s %10s %10s\n", w.nservices,
		       "SERVICE", "HOSTS", "RATE", "/16s", "FIRST", "LAST", "CLOSED", "FILTERED");
	}
	for (i = 0; i < w.nservices; i++) {
		const struct world_service *ws = &w.services[i];
		/* HOSTS are the ones that answer: open, or closed for the policy. */
		enum rs_state main_state = ws->set[RS_STATE_OPEN] == RS_NO_SET &&
						   ws->set[RS_STATE_CLOSED] != RS_NO_SET
					   ? RS_STATE_CLOSED : RS_STATE_OPEN;
		uint64_t hosts = ws->hosts[main_state];
		struct set_summary s = { 0 };

		if (ws->set[main_state] != RS_NO_SET)
			summarize(&w, ws->set[main_state], &s);
		svc_format(w.services[i].svc, name, sizeof(name));
		format_ipv4(s.first, a);
		format_ipv4(s.last, b);
		if (json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "service", json_object_new_string(name));
			json_object_object_add(o, "hosts", json_object_new_uint64(hosts));
			json_object_object_add(o, "open", json_object_new_uint64(ws->hosts[RS_STATE_OPEN]));
			json_object_object_add(o, "closed", json_object_new_uint64(ws->hosts[RS_STATE_CLOSED]));
			json_object_object_add(o, "filtered",
					       json_object_new_uint64(ws->hosts[RS_STATE_FILTERED]));
			json_object_object_add(o, "blocks", json_object_new_int(s.blocks));
			json_object_object_add(o, "first", json_object_new_string(s.blocks ? a : ""));
			json_object_object_add(o, "last", json_object_new_string(s.blocks ? b : ""));
			json_object_object_add(o, "pool_bytes", json_object_new_uint64(s.pool_words * 8));
			json_object_array_add(js, o);
		} else {
			printf("  %-14s %12llu %7.3f%% %7u  %-15s %-15s %10llu %10llu\n", name,
			       (unsigned long long)hosts, 100.0 * hosts / (double)scannable_addresses(),
			       s.blocks, s.blocks ? a : "-", s.blocks ? b : "-",
			       (unsigned long long)(main_state == RS_STATE_OPEN ? ws->hosts[RS_STATE_CLOSED] : 0),
			       (unsigned long long)ws->hosts[RS_STATE_FILTERED]);
		}
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY));
		json_object_put(jo);
	} else {
		printf("(HOSTS answer: open, or closed for the policy on unlisted ports (tcp/" "*,\n"
		       " udp/" "*); CLOSED and FILTERED are the ports listed so, besides the policy;\n"
		       " RATE is of the %.0f scannable IPv4 addresses)\n",
		       (double)scannable_addresses());
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

struct export_opts {
	const char *state;
};

static const struct opt export_opts[] = {
	OPT_STRING(0, "state", struct export_opts, state, "STATE",
		   "open (default), closed (a RST or ICMP port unreachable: listed\n"
		   "so, or by the host's policy) or filtered (listed so: silent)"),
	{}
};

static const struct command export_cmd = {
	.name = "rescan world export",
	.args = "WORLD SERVICE [CIDR...]",
	.min_args = 2,
	.max_args = ARGS_ANY,
	.about = "Print the hosts of WORLD whose SERVICE is in STATE (default open), one\n"
		 "address per line, ascending within each CIDR (default: all of IPv4).\n"
		 "This is the ground truth a scan of that range must find. SERVICE need\n"
		 "not be in the world: its closed hosts are then the policy's.",
	.opts = export_opts,
	.example = "example: rescan world export synth:1 tcp/80 1.0.0.0/8\n"
		   "         rescan world export --state closed synth:1 tcp/8080 1.0.0.0/16",
};

static int export(int argc, char **argv)
{
	struct export_opts o = { .state = "open" };
	struct world w;
	struct rs_svc svc;
	char desc[256], **args;
	uint32_t first, last;
	int nargs, i, rc, st, err = 0;

	rc = options_parse(&export_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	st = svc_state_parse(o.state);
	if (st < 0 || svc_parse(args[1], &svc)) {
		rs_print_last_error();
		return RS_EXIT_USAGE;
	}
	for (i = 2; i < nargs; i++) {
		if (parse_cidr(args[i], &first, &last)) {
			return options_usage_error(&export_cmd, "'%s' is not an IPv4 address or CIDR block",
						   args[i]);
		}
	}
	if (world_open_spec(&w, args[0], desc, sizeof(desc))) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (!world_find(&w, svc) && (svc.slot == RS_SLOT_ICMP || st != RS_STATE_CLOSED)) {
		rs_print_error("world %s has no service %s", desc, args[1]);
		world_free(&w);
		return RS_EXIT_FAIL;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	if (nargs == 2)
		err = world_state_foreach(&w, svc, st, 0, UINT32_MAX, print_addr, NULL);
	for (i = 2; i < nargs && !err; i++) {
		parse_cidr(args[i], &first, &last);
		err = world_state_foreach(&w, svc, st, first, last, print_addr, NULL);
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
