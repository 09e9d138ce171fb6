// SPDX-License-Identifier: GPL-2.0-only
/* cmd_lab.c - rescan lab up | down | exec | status */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lab.h"
#include "options.h"
#include "subcmd.h"
#include "util.h"

int lab_for_command(const char *name, bool need_up, struct lab *l)
{
	if (lab_describe(l, name)) {
		rs_print_last_error();
		return RS_EXIT_USAGE;
	}
	if (need_up && !lab_is_up(l)) {
		rs_print_error("no lab '%s' is up (start one with 'rescan lab up%s%s')", l->name,
			       name ? " --name " : "", name ? name : "");
		return RS_EXIT_STATE;
	}
	if (need_up)
		lab_read_state(l);
	return 0;
}

/* ---- up ----------------------------------------------------------------- */

struct up_opts {
	const char *world, *name, *iface;
	bool here, no_default_route;
};

static const struct command up_cmd = {
	.name = "rescan lab up",
	.about = "Create a sealed lab: a scanner namespace whose only way out is a veth into\n"
		 "an internet namespace, where an XDP program answers probes from WORLD.",
	.opts = (const struct opt[]){
		OPT_STRING('w', "world", struct up_opts, world, "WORLD",
			   "world file or synth:SEED (default " DEFAULT_WORLD_SPEC ")"),
		OPT_LAB_NAME(struct up_opts, name),
		OPT_FLAG(0, "here", struct up_opts, here,
			 "make the caller's own network namespace the scanner\n"
			 "side (containers, host mode) instead of a new one"),
		{ .name = "iface", .kind = OPT_KIND_STRING, .offset = offsetof(struct up_opts, iface),
		  .arg = "IF", .max_len = IF_NAMESIZE - 1,
		  .help = "with --here: the scanner-side interface (default " LAB_SCAN_IFACE ")" },
		OPT_FLAG(0, "no-default-route", struct up_opts, no_default_route,
			 "with --here: leave the default route alone\n"
			 "(host mode: then give zmap -i IF -G MAC -S ADDR)"),
		{} },
	.example = "Then: rescan lab exec -- zmap -p 80 -o http.csv",
};

static void print_ready(const struct lab *l, const struct world *w, const char *desc,
			const char *name, double t0)
{
	char a[16], g[16];
	uint32_t i;

	format_ipv4(l->scan_addr, a);
	format_ipv4(l->gw_addr, g);
	printf("lab '%s' up in %.1f s: world %s (", l->name, now_seconds() - t0, desc);
	for (i = 0; i < w->nservices; i++) {
		char s[32];

		svc_format(w->services[i].svc, s, sizeof(s));
		printf("%s%s %llu", i ? ", " : "", s, (unsigned long long)w->services[i].hosts);
	}
	printf(" hosts)\nscanner: %s %s on %s, gateway %s\n",
	       l->here ? "this namespace," : l->ns_scan, l->if_scan, a, g);
	if (!l->here)
		printf("try:     rescan lab exec%s%s -- zmap -p 80 -n 100000 -o http.csv\n",
		       name ? " --name " : "", name ? name : "");
}

static int up(int argc, char **argv)
{
	struct up_opts o = { .world = DEFAULT_WORLD_SPEC };
	char desc[256], **args;
	struct world w;
	struct lab l;
	double t0 = now_seconds();
	int nargs, rc, err;

	rc = options_parse(&up_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if ((o.iface || o.no_default_route) && !o.here) {
		rs_print_error("lab up: --%s only applies with --here (try 'rescan lab up --help')",
			       o.iface ? "iface" : "no-default-route");
		return RS_EXIT_USAGE;
	}
	rc = lab_for_command(o.name, false, &l);
	if (rc)
		return rc;
	l.here = o.here;
	l.default_route = !o.no_default_route;
	if (o.iface)
		strcpy(l.if_scan, o.iface);
	if (lab_is_up(&l)) {
		rs_print_error("lab '%s' is already up; run 'rescan lab down%s%s' first", l.name,
			       o.name ? " --name " : "", o.name ? o.name : "");
		return RS_EXIT_STATE;
	}
	/* Before the world is read: that can take seconds. */
	if (lab_preflight()) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (world_open_spec(&w, o.world, desc, sizeof(desc))) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	err = lab_up(&l, &w, desc);
	if (err) {
		rs_print_last_error();
		world_free(&w);
		return exit_code_for(err);
	}
	print_ready(&l, &w, desc, o.name, t0);
	world_free(&w);
	return RS_EXIT_OK;
}

/* ---- down, exec, status: a lab name and nothing else --------------------- */

struct name_opts {
	const char *name;
};

static const struct opt name_only[] = { OPT_LAB_NAME(struct name_opts, name), {} };

/*
 * Parse a command whose only option is --name, and describe its lab.
 * OPTS_RUN: the command runs; anything else is its exit code.
 */
static int parse_lab_command(const struct command *cmd, int argc, char **argv, bool need_up,
			     struct lab *l, char ***args)
{
	struct name_opts o = { 0 };
	int nargs, rc;

	rc = options_parse(cmd, &o, argc, argv, args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	rc = lab_for_command(o.name, need_up, l);
	return rc ? rc : OPTS_RUN;
}

static const struct command down_cmd = {
	.name = "rescan lab down",
	.about = "Remove the lab: namespaces, veths, XDP programs, pinned maps.",
	.opts = name_only,
};

static int down(int argc, char **argv)
{
	char **args;
	struct lab l;
	int rc, err;

	rc = parse_lab_command(&down_cmd, argc, argv, false, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	lab_read_state(&l);
	err = lab_down(&l);
	if (err == -ENOENT) {
		rs_print_error("no lab '%s' is up (nothing to do)", l.name);
		return RS_EXIT_STATE;
	}
	if (err) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	printf("lab '%s' down\n", l.name);
	return RS_EXIT_OK;
}

static const struct command exec_cmd = {
	.name = "rescan lab exec",
	.args = "-- COMMAND [ARGS...]",
	.min_args = 1,
	.max_args = ARGS_ANY,
	.stop_at_args = true,
	.about = "Run COMMAND on the lab's scanner side; its exit status is rescan's.",
	.opts = name_only,
	.example = "examples:\n"
		   "  rescan lab exec -- zmap -p 443 -o https.csv\n"
		   "  rescan lab exec -- zmap --probe-module=icmp_echoscan -o ping.csv",
};

static int exec_in_lab(int argc, char **argv)
{
	char **args;
	struct lab l;
	int rc;

	rc = parse_lab_command(&exec_cmd, argc, argv, true, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	lab_exec(&l, args);
	rs_print_last_error();
	return 127;
}

static const struct command status_cmd = {
	.name = "rescan lab status",
	.about = "Whether the lab is up (exit 0) or not (exit 3), and how it was started.",
	.opts = name_only,
};

static int status(int argc, char **argv)
{
	char **args;
	struct lab l;
	int rc;

	rc = parse_lab_command(&status_cmd, argc, argv, false, &l, &args);
	if (rc != OPTS_RUN)
		return rc;
	if (!lab_is_up(&l)) {
		printf("lab '%s' is down\n", l.name);
		return RS_EXIT_STATE;
	}
	printf("lab '%s' is up\n", l.name);
	lab_print_state(&l);
	return RS_EXIT_OK;
}

static const struct subcmd lab_cmds[] = {
	{ "up", up, "create the sealed lab and load a world" },
	{ "down", down, "remove the lab and everything it created" },
	{ "exec", exec_in_lab, "run a command (zmap, masscan, nmap) on the scanner side" },
	{ "status", status, "is the lab up, with which world" },
};

int cmd_lab(int argc, char **argv)
{
	return subcmd_dispatch("rescan lab", NULL, NULL, SUBCMDS(lab_cmds), argc, argv);
}
