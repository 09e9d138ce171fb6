// SPDX-License-Identifier: GPL-2.0-only
#include "subcmd.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static void usage(FILE *f, const char *prog, const char *intro, const char *outro,
		  const struct subcmd *table, size_t n)
{
	int width = 8;
	size_t i;

	for (i = 0; i < n; i++)
		if ((int)strlen(table[i].name) > width)
			width = (int)strlen(table[i].name);
	fprintf(f, "usage: %s COMMAND [ARGS]\n\n", prog);
	if (intro)
		fprintf(f, "%s\n\n", intro);
	fprintf(f, "commands:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "  %-*s %s\n", width, table[i].name, table[i].summary);
	fprintf(f, "\n'%s COMMAND --help' tells more.\n", prog);
	if (outro)
		fprintf(f, "%s\n", outro);
}

int subcmd_dispatch(const char *prog, const char *intro, const char *outro,
		    const struct subcmd *table, size_t n, int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr, prog, intro, outro, table, n);
		return RS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout, prog, intro, outro, table, n);
		return RS_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(argv[1], table[i].name))
			return table[i].run(argc - 1, argv + 1);
	/* "unknown command 'x'" at the top, "unknown lab command 'x'" below. */
	rs_print_error("unknown %s%scommand '%s' (try '%s --help')", strchr(prog, ' ') ? strchr(prog, ' ') + 1 : "",
		   strchr(prog, ' ') ? " " : "", argv[1], prog);
	return RS_EXIT_USAGE;
}
