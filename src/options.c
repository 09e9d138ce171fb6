// SPDX-License-Identifier: GPL-2.0-only
/* options.c - parse, check and explain a command line from its option table. */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HELP_VAL 'h'
#define LONG_ONLY_VAL 256	/* getopt value of table entry i without a short name: 256 + i */
#define HELP_COLUMN 26		/* where an option's help starts */
#define MAX_OPTS 32

static const struct opt help_opt = { .name = "help", .short_name = 'h', .help = "this help" };

static size_t count_opts(const struct opt *o)
{
	size_t n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

/* "-o, --output FILE" or "    --here" */
static int format_opt(const struct opt *o, char *buf, size_t len)
{
	return snprintf(buf, len, "%c%c%c --%s%s%s", o->short_name ? '-' : ' ',
			o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_opt(const struct opt *o, FILE *f)
{
	char lhs[64];
	const char *h = o->help, *nl;
	int w = format_opt(o, lhs, sizeof(lhs));

	/* A left side too long for the column gets its help on the next line. */
	if (w + 2 < HELP_COLUMN)
		fprintf(f, "  %s%*s", lhs, HELP_COLUMN - (w + 2), "");
	else
		fprintf(f, "  %s\n%*s", lhs, HELP_COLUMN, "");
	while ((nl = strchr(h, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - h), h, HELP_COLUMN, "");
		h = nl + 1;
	}
	fprintf(f, "%s\n", h);
}

/* How a user names option o in a message: "--output" or "-o/--output". */
static void opt_label(const struct opt *o, char *buf, size_t len)
{
	if (o->short_name)
		snprintf(buf, len, "-%c/--%s", o->short_name, o->name);
	else
		snprintf(buf, len, "--%s", o->name);
}

static void usage_line(const struct command *cmd, FILE *f)
{
	const struct opt *o;
	bool optional = false;

	fprintf(f, "usage: %s", cmd->name);
	for (o = cmd->opts; o && o->name; o++) {
		if (!o->required) {
			optional = true;
			continue;
		}
		if (o->short_name)
			fprintf(f, " -%c %s", o->short_name, o->arg);
		else
			fprintf(f, " --%s %s", o->name, o->arg);
	}
	fprintf(f, "%s%s%s\n", optional ? " [OPTIONS]" : "", cmd->args ? " " : "",
		cmd->args ? cmd->args : "");
}

void options_help(const struct command *cmd, FILE *f)
{
	const struct opt *o;

	usage_line(cmd, f);
	if (cmd->about)
		fprintf(f, "\n%s\n", cmd->about);
	if (cmd->more_help)
		cmd->more_help(f);
	fprintf(f, "\noptions:\n");
	for (o = cmd->opts; o && o->name; o++)
		print_opt(o, f);
	print_opt(&help_opt, f);
	if (cmd->example)
		fprintf(f, "\n%s\n", cmd->example);
}

int options_usage_error(const struct command *cmd, const char *fmt, ...)
{
	const char *sub = strchr(cmd->name, ' ');	/* "world compile" of "rescan world compile" */
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs_print_error("%s: %s (try '%s --help')", sub ? sub + 1 : cmd->name, msg, cmd->name);
	return RS_EXIT_USAGE;
}

/* The getopt value that stands for table entry i. */
static int opt_val(const struct opt *opts, size_t i)
{
	return opts[i].short_name ? opts[i].short_name : LONG_ONLY_VAL + (int)i;
}

static const struct opt *find_opt(const struct opt *opts, size_t n, int val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opt_val(opts, i) == val)
			return &opts[i];
	return NULL;
}

static int store(const struct command *cmd, const struct opt *o, void *values, const char *arg)
{
	char *field = (char *)values + o->offset;
	char label[64];

	opt_label(o, label, sizeof(label));
	switch (o->kind) {
	case OPT_KIND_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_KIND_STRING:
		if (!*arg)
			return options_usage_error(cmd, "%s needs a non-empty %s", label, o->arg);
		if (o->max_len && strlen(arg) > o->max_len)
			return options_usage_error(cmd, "%s '%s' is longer than %zu characters",
						   label, arg, o->max_len);
		*(const char **)field = arg;
		return 0;
	case OPT_KIND_U64:
		if (parse_u64(arg, (uint64_t *)field))
			return options_usage_error(cmd, "%s '%s' is not a whole decimal number",
						   label, arg);
		if (o->max && (*(uint64_t *)field < o->min || *(uint64_t *)field > o->max))
			return options_usage_error(cmd, "%s takes %llu to %llu, not %s", label,
						   (unsigned long long)o->min,
						   (unsigned long long)o->max, arg);
		return 0;
	}
	return options_usage_error(cmd, "%s: unknown option kind", label);
}

int options_parse(const struct command *cmd, void *values, int argc, char **argv,
		  char ***args, int *nargs)
{
	struct option longopts[MAX_OPTS + 2];
	char shortopts[3 * MAX_OPTS + 8], *sp = shortopts, label[64];
	bool seen[MAX_OPTS] = { false };
	size_t n = count_opts(cmd->opts), i;
	int c, err;

	if (n > MAX_OPTS)
		return options_usage_error(cmd, "too many options declared");
	if (cmd->stop_at_args)
		*sp++ = '+';
	*sp++ = ':';	/* a missing value returns ':', not '?' */
	for (i = 0; i < n; i++) {
		const struct opt *o = &cmd->opts[i];

		longopts[i] = (struct option){ o->name,
					       o->kind == OPT_KIND_FLAG ? no_argument : required_argument,
					       NULL, opt_val(cmd->opts, i) };
		if (o->short_name) {
			*sp++ = o->short_name;
			if (o->kind != OPT_KIND_FLAG)
				*sp++ = ':';
		}
	}
	longopts[n] = (struct option){ help_opt.name, no_argument, NULL, HELP_VAL };
	longopts[n + 1] = (struct option){ 0 };
	*sp++ = HELP_VAL;
	*sp = 0;

	opterr = 0;
	optind = 0;	/* glibc: start afresh at argv[1] */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct opt *o;

		if (c == HELP_VAL) {
			options_help(cmd, stdout);
			return RS_EXIT_OK;
		}
		if (c == '?') {
			if (optopt && optopt < LONG_ONLY_VAL)
				return options_usage_error(cmd, "unknown option '-%c'", optopt);
			return options_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
		if (c == ':') {
			o = find_opt(cmd->opts, n, optopt);
			if (!o)
				return options_usage_error(cmd, "'%s' needs a value",
							   argv[optind - 1]);
			opt_label(o, label, sizeof(label));
			return options_usage_error(cmd, "%s needs a value (%s)", label, o->arg);
		}
		o = find_opt(cmd->opts, n, c);
		if (!o)
			return options_usage_error(cmd, "unexpected option parser state %d", c);
		err = store(cmd, o, values, optarg);
		if (err)
			return err;
		seen[o - cmd->opts] = true;
	}
	for (i = 0; i < n; i++) {
		if (cmd->opts[i].required && !seen[i]) {
			opt_label(&cmd->opts[i], label, sizeof(label));
			return options_usage_error(cmd, "%s %s is required", label,
						   cmd->opts[i].arg);
		}
	}
	*args = argv + optind;
	*nargs = argc - optind;
	if (*nargs < cmd->min_args)
		return options_usage_error(cmd, "expected %s", cmd->args);
	if (cmd->max_args != ARGS_ANY && *nargs > cmd->max_args)
		return options_usage_error(cmd, "unexpected argument '%s'", (*args)[cmd->max_args]);
	return OPTS_RUN;
}
