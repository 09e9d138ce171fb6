/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * assets.S - the dashboard's files, in the rescan binary as they are in
 * src/dashboard (the Makefile assembles this from the repository's top).
 * Each is NAME .. NAME_end; cmd_monitor.c serves them.
 */
#define ASSET(sym, file)		\
	.global sym, sym##_end;		\
	.balign 16;			\
sym:					\
	.incbin file;			\
sym##_end:

	.section .rodata
ASSET(dashboard_html, "src/dashboard/index.html")
ASSET(dashboard_css, "src/dashboard/dashboard.css")
ASSET(dashboard_js, "src/dashboard/dashboard.js")

	.section .note.GNU-stack, "", @progbits
