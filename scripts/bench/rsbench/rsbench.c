// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsbench - the C half of `make bench` (scripts/bench.sh drives it): test
 * data, per-probe cost, world load, the baselines for real scans, and the
 * report. This file is the subcommand table and the one option parser;
 * each subcommand lives in its own file and declares its options there.
 *
 * Exit codes: 0 ok, 1 failure, 2 usage (a bad option, a bad argument).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "rsbench.h"
#include "util.h"

static const struct rsb_cmd *const commands[] = {
	&cmd_gen, &cmd_gen_inet, &cmd_xdpcost, &cmd_memlat, &cmd_load, &cmd_baselines, &cmd_report,
};
#define NR_COMMANDS (int)(sizeof(commands) / sizeof(commands[0]))

static void vmessage(const char *fmt, va_list ap)
{
	fputs("rsbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(RS_EXIT_FAIL);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return RS_EXIT_USAGE;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

void json_print(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

struct json_object *json_fmt(const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(v, buf);
}

/* ---- help ------------------------------------------------------------------ */

static void opt_words(const struct rsb_opt *op, char *buf, size_t len)
{
	char arg[64] = "";
	int i;

	if (op->kind == OPT_CHOICE) {
		for (i = 0; op->choices[i]; i++)
			snprintf(arg + strlen(arg), sizeof(arg) - strlen(arg), "%s%s", i ? "|" : "",
				 op->choices[i]);
	} else if (op->arg) {
		snprintf(arg, sizeof(arg), "%s", op->arg);
	}
	snprintf(buf, len, "-%c, --%s%s%s", op->flag, op->name, *arg ? " " : "", arg);
}

static void cmd_help(FILE *f, const struct rsb_cmd *c)
{
	char words[96];
	int i;

	fprintf(f, "usage: rsbench %s%s %s\n\n%s\n", c->name, c->nopts ? " [OPTIONS]" : "", c->args,
		c->summary);
	if (c->help)
		fprintf(f, "\n%s\n", c->help);
	fprintf(f, "\noptions:\n");
	for (i = 0; i < c->nopts; i++) {
		const struct rsb_opt *op = &c->opts[i];

		opt_words(op, words, sizeof(words));
		fprintf(f, "  %-26s %s", words, op->help);
		if (op->kind == OPT_NUM)
			fprintf(f, " (default %llu)", (unsigned long long)op->def);
		else if (op->kind == OPT_CHOICE)
			fprintf(f, " (default %s)", op->choices[op->def]);
		fputc('\n', f);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "this help");
}

static void listing(FILE *f)
{
	int i;

	fprintf(f, "usage: rsbench COMMAND [OPTIONS] ARGS\n\n"
		   "The C half of `make bench` (scripts/bench.sh).\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n'rsbench COMMAND --help' tells more. "
		   "Exit codes: 0 ok, 1 failure, 2 usage.\n");
}

/* ---- the option parser ----------------------------------------------------- */

static int set_option(const struct rsb_cmd *c, const struct rsb_opt *op, const char *val,
		      struct rsb_opts *o)
{
	void *dst = (char *)o + op->field;
	char words[96];
	uint64_t v;
	int i;

	switch (op->kind) {
	case OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case OPT_STR:
		*(const char **)dst = val;
		return 0;
	case OPT_NUM:
		if (parse_u64(val, &v) || v < op->min || v > op->max)
			return usage_error("%s: --%s takes a whole number from %llu to %llu, not '%s'",
					   c->name, op->name, (unsigned long long)op->min,
					   (unsigned long long)op->max, val);
		*(uint64_t *)dst = v;
		return 0;
	case OPT_CHOICE:
		for (i = 0; op->choices[i]; i++) {
			if (!strcmp(val, op->choices[i])) {
				*(uint64_t *)dst = (uint64_t)i;
				return 0;
			}
		}
		opt_words(op, words, sizeof(words));
		return usage_error("%s: %s, not '%s'", c->name, words, val);
	}
	return RS_EXIT_USAGE;
}

/* argv[0] is the subcommand. On success the positional arguments start at optind. */
static int parse_options(const struct rsb_cmd *c, int argc, char **argv, struct rsb_opts *o)
{
	struct option longopts[16] = { { "help", no_argument, NULL, 'h' } };
	char shortopts[40] = "h";
	int i, ch, err;

	if (c->nopts > 14)
		die("%s declares too many options", c->name);
	for (i = 0; i < c->nopts; i++) {
		const struct rsb_opt *op = &c->opts[i];
		bool has_arg = op->kind != OPT_FLAG;

		snprintf(shortopts + strlen(shortopts), sizeof(shortopts) - strlen(shortopts), "%c%s",
			 op->flag, has_arg ? ":" : "");
		longopts[i + 1] = (struct option){ op->name, has_arg ? required_argument : no_argument,
						   NULL, op->flag };
		if (op->kind == OPT_NUM || op->kind == OPT_CHOICE)
			*(uint64_t *)((char *)o + op->field) = op->def;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_help(stdout, c);
			exit(RS_EXIT_OK);
		}
		for (i = 0; i < c->nopts && c->opts[i].flag != ch; i++)
			;
		if (ch == '?' || i == c->nopts) {
			if (optopt)
				return usage_error("%s: unknown option or missing argument: -%c (try "
						   "'rsbench %s --help')", c->name, optopt, c->name);
			return usage_error("%s: unknown option or missing argument: %s (try 'rsbench "
					   "%s --help')", c->name, argv[optind - 1], c->name);
		}
		err = set_option(c, &c->opts[i], optarg, o);
		if (err)
			return err;
	}
	if (argc - optind != c->nargs)
		return usage_error("%s takes %s (try 'rsbench %s --help')", c->name, c->args, c->name);
	return 0;
}

int main(int argc, char **argv)
{
	struct rsb_opts o = { 0 };
	int i, err;

	libbpf_set_print(NULL);
	if (argc < 2) {
		listing(stderr);
		return RS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		listing(stdout);
		return RS_EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		err = parse_options(commands[i], argc - 1, argv + 1, &o);
		if (err)
			return err;
		return commands[i]->run(&o, argv + 1 + optind);
	}
	return usage_error("unknown command '%s' (try 'rsbench --help')", argv[1]);
}
