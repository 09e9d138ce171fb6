// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescan - a sealed virtual internet for mass-scan tools.
 * main.c holds only the subcommand table; each group lives in cmd_*.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "commands.h"
#include "subcmd.h"
#include "util.h"

#ifndef RESCAN_VERSION
#define RESCAN_VERSION "0.1.0"
#endif

static const struct subcmd commands[] = {
	{ "world", cmd_world, "compile, generate, inspect and export worlds" },
	{ "lab", cmd_lab, "bring a sealed lab up or down, run a scanner inside it" },
	{ "stats", cmd_stats, "what the responder saw, answered and dropped" },
	{ "grade", cmd_grade, "scan results against the ground truth, one student or a class" },
	{ "top", cmd_top, "a running lab's students and services by current rate" },
};

/*
 * libbpf explains failures at length on stderr; rescan prints its own one
 * line instead. RESCAN_DEBUG=1 shows libbpf's messages (and the verifier log).
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int debug = -1;

	if (debug < 0)
		debug = getenv("RESCAN_DEBUG") && strcmp(getenv("RESCAN_DEBUG"), "0");
	if (!debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	libbpf_set_print(libbpf_print);
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("rescan %s\n", RESCAN_VERSION);
		return RS_EXIT_OK;
	}
	return subcmd_dispatch("rescan",
			       "A sealed virtual internet for ZMap, masscan and nmap: an XDP program\n"
			       "answers their probes from a fixed ground-truth world.",
			       "Exit codes: 0 ok, 1 failure, 2 usage error, 3 lab state (already up / not up).",
			       SUBCMDS(commands), argc, argv);
}
