/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * subcmd.h - one table type and one dispatcher for every level of the CLI
 * ("rescan world", "rescan lab", and rescan itself), so help listings,
 * unknown-name errors and exit codes are the same everywhere.
 */
#ifndef RESCAN_SUBCMD_H
#define RESCAN_SUBCMD_H

#include <stddef.h>

struct subcmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand's name */
	const char *summary;
};

#define SUBCMDS(table) (table), sizeof(table) / sizeof((table)[0])

/*
 * Run the entry of table named argv[1]. No name: usage on stderr, exit 2;
 * -h/--help: usage on stdout, exit 0; an unknown name: one error line, exit
 * 2. prog is the command so far ("rescan world"), intro and outro frame the
 * listing (either may be NULL).
 */
int subcmd_dispatch(const char *prog, const char *intro, const char *outro,
		    const struct subcmd *table, size_t n, int argc, char **argv);

#endif
