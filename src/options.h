/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * options.h - a subcommand's command line, declared once.
 *
 * A command describes its options in a table of struct opt, each naming a
 * field of the command's own options struct. options_parse() fills that
 * struct from argv, checks every value and the number of positional
 * arguments, and prints --help from the same table, so the help text, the
 * parser and the checks cannot drift apart. Every command fails the same
 * way on a bad command line: one line on stderr, exit code 2.
 *
 *   struct up_opts { const char *world; bool here; };
 *   static const struct opt up_opts[] = {
 *           OPT_STRING('w', "world", struct up_opts, world, "WORLD", "world file or synth:SEED"),
 *           OPT_FLAG(0, "here", struct up_opts, here, "scan from this namespace"),
 *           {}
 *   };
 */
#ifndef RESCAN_OPTIONS_H
#define RESCAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_KIND_FLAG,		/* bool, set when given */
	OPT_KIND_STRING,	/* const char *, pointing into argv */
	OPT_KIND_U64,		/* uint64_t, a whole decimal number */
};

struct opt {
	const char *name;	/* long name without "--"; NULL ends a table */
	char short_name;	/* 0: long form only */
	enum opt_kind kind;
	size_t offset;		/* of the field in the command's options struct */
	const char *arg;	/* the value's name in help: "FILE" */
	const char *help;	/* one line; a '\n' continues it, indented */
	bool required;
	size_t max_len;		/* strings: longest value accepted (0: any) */
	uint64_t min, max;	/* numbers: the range accepted (max 0: any number) */
};

#define OPT_FLAG(s, n, type, field, h) \
	{ .name = (n), .short_name = (s), .kind = OPT_KIND_FLAG, .offset = offsetof(type, field), .help = (h) }
#define OPT_STRING(s, n, type, field, a, h) \
	{ .name = (n), .short_name = (s), .kind = OPT_KIND_STRING, .offset = offsetof(type, field), \
	  .arg = (a), .help = (h) }
#define OPT_U64(s, n, type, field, a, h) \
	{ .name = (n), .short_name = (s), .kind = OPT_KIND_U64, .offset = offsetof(type, field), \
	  .arg = (a), .help = (h) }
/* A number from lo to hi; anything else is a usage error naming the range. */
#define OPT_U64_RANGE(s, n, type, field, a, lo, hi, h) \
	{ .name = (n), .short_name = (s), .kind = OPT_KIND_U64, .offset = offsetof(type, field), \
	  .arg = (a), .help = (h), .min = (lo), .max = (hi) }

/* A macro's value as text, for a default or a range in an option's help. */
#define RS_STR_(x) #x
#define RS_STR(x) RS_STR_(x)

/* Positional arguments: any number from min to max (ARGS_ANY: no bound). */
#define ARGS_ANY (-1)

struct command {
	const char *name;	/* "rescan world compile": in usage and errors */
	const char *args;	/* positional synopsis: "SERVICE=FILE...", or NULL */
	int min_args, max_args;
	const char *about;	/* what it does, a paragraph */
	const struct opt *opts;	/* --help is added to every command */
	const char *example;	/* lines after the options, or NULL */
	/* Text that only exists at run time, printed after about. */
	void (*more_help)(FILE *f);
	/* Options end at the first positional (lab exec -- COMMAND ARGS). */
	bool stop_at_args;
};

/* options_parse() returned this: the command runs. */
#define OPTS_RUN (-1)

/*
 * Parse argv (argv[0] is the subcommand's name) into the struct at values,
 * whose fields the caller has set to their defaults. On success the
 * positional arguments are (*args)[0 .. *nargs) and OPTS_RUN is returned.
 * Otherwise the command returns the value at once: RS_EXIT_OK after --help
 * (printed to stdout), RS_EXIT_USAGE after one error line on stderr.
 */
int options_parse(const struct command *cmd, void *values, int argc, char **argv,
		  char ***args, int *nargs);

/* The full help of cmd. */
void options_help(const struct command *cmd, FILE *f);

/*
 * A bad command line that only the command itself can see (a value out of
 * range, options that exclude each other): one line on stderr naming the
 * command and pointing at its help. Returns RS_EXIT_USAGE.
 */
int options_usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
