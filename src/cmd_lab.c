// SPDX-License-Identifier: GPL-2.0-only
/* cmd_lab.c - rescan lab up | down | exec | status */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lab.h"
#include "subcmd.h"
#include "util.h"

static void up_usage(FILE *f)
{
	fprintf(f,
		"usage: rescan lab up [--world WORLD] [--name NAME] [--here [--iface IF] [--no-default-route]]\n\n"
		"Create a sealed lab: a scanner namespace whose only way out is a veth into\n"
		"an internet namespace, where an XDP program answers probes from WORLD.\n\n"
		"  -w, --world WORLD      world file or synth:SEED (default " DEFAULT_WORLD_SPEC ")\n"
		"  -n, --name NAME        lab name, for several labs side by side (default %s)\n"
		"      --here             make the caller's own network namespace the scanner\n"
		"                         side (containers, host mode) instead of a new one\n"
		"      --iface IF         scanner-side interface name (default lab0)\n"
		"      --no-default-route leave the scanner side's default route alone\n"
		"                         (host mode: then give zmap -i IF -G MAC -S ADDR)\n\n"
		"Then: rescan lab exec -- zmap -p 80 -o http.csv\n",
		LAB_DEFAULT_NAME);
}

static int up(int argc, char **argv)
{
	static const struct option opts[] = { { "world", required_argument, NULL, 'w' },
					      { "name", required_argument, NULL, 'n' },
					      { "here", no_argument, NULL, 'H' },
					      { "iface", required_argument, NULL, 'i' },
					      { "no-default-route", no_argument, NULL, 'R' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	const char *spec = DEFAULT_WORLD_SPEC, *name = NULL, *iface = NULL;
	bool here = false, no_route = false;
	char desc[256], a[16], g[16];
	struct world w;
	struct lab l;
	double t0 = now_seconds();
	uint32_t i;
	int c, err;

	while ((c = getopt_long(argc, argv, "w:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			spec = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'H':
			here = true;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'R':
			no_route = true;
			break;
		case 'h':
			up_usage(stdout);
			return RS_EXIT_OK;
		default:
			up_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		rs_die_msg("lab up: unexpected argument '%s'", argv[optind]);
		return RS_EXIT_USAGE;
	}
	if (lab_describe(&l, name)) {
		rs_report();
		return RS_EXIT_USAGE;
	}
	l.here = here;
	l.default_route = !no_route;
	if (iface) {
		if (strlen(iface) >= sizeof(l.if_scan) || !*iface) {
			rs_die_msg("--iface '%s': interface names are 1-15 characters", iface);
			return RS_EXIT_USAGE;
		}
		strcpy(l.if_scan, iface);
	}
	if (lab_is_up(&l)) {
		rs_die_msg("lab '%s' is already up; run 'rescan lab down%s%s' first", l.name,
			   name ? " --name " : "", name ? name : "");
		return RS_EXIT_STATE;
	}
	/* Before the world is read: that can take seconds. */
	if (lab_preflight()) {
		rs_report();
		return RS_EXIT_FAIL;
	}
	if (world_open_spec(&w, spec, desc, sizeof(desc))) {
		rs_report();
		return RS_EXIT_FAIL;
	}
	err = lab_up(&l, &w, desc);
	if (err) {
		rs_report();
		world_free(&w);
		return exit_code_for(err);
	}
	format_ipv4(l.scan_addr, a);
	format_ipv4(l.gw_addr, g);
	printf("lab '%s' up in %.1f s: world %s (", l.name, now_seconds() - t0, desc);
	for (i = 0; i < w.nservices; i++) {
		char s[32];

		svc_format(w.services[i].svc, s, sizeof(s));
		printf("%s%s %llu", i ? ", " : "", s, (unsigned long long)w.services[i].hosts);
	}
	printf(" hosts)\nscanner: %s %s on %s, gateway %s\n",
	       l.here ? "this namespace," : l.ns_scan, l.if_scan, a, g);
	if (!l.here)
		printf("try:     rescan lab exec%s%s -- zmap -p 80 -n 100000 -o http.csv\n",
		       name ? " --name " : "", name ? name : "");
	world_free(&w);
	return RS_EXIT_OK;
}

static int parse_name_only(int argc, char **argv, const char *usage, const char **name,
			   bool stop_at_cmd)
{
	static const struct option opts[] = { { "name", required_argument, NULL, 'n' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	int c;

	*name = NULL;
	while ((c = getopt_long(argc, argv, stop_at_cmd ? "+n:h" : "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			*name = optarg;
			break;
		case 'h':
			printf("%s", usage);
			return -1;
		default:
			fputs(usage, stderr);
			return RS_EXIT_USAGE;
		}
	}
	return 0;
}

static int down(int argc, char **argv)
{
	const char *usage = "usage: rescan lab down [--name NAME]\n\n"
			    "Remove the lab: namespaces, veths, XDP programs, pinned maps.\n";
	const char *name;
	struct lab l;
	int rc, err;

	rc = parse_name_only(argc, argv, usage, &name, false);
	if (rc)
		return rc < 0 ? RS_EXIT_OK : rc;
	if (optind != argc) {
		fputs(usage, stderr);
		return RS_EXIT_USAGE;
	}
	if (lab_describe(&l, name)) {
		rs_report();
		return RS_EXIT_USAGE;
	}
	lab_read_state(&l);
	err = lab_down(&l);
	if (err == -ENOENT) {
		rs_die_msg("no lab '%s' is up (nothing to do)", l.name);
		return RS_EXIT_STATE;
	}
	if (err) {
		rs_report();
		return RS_EXIT_FAIL;
	}
	printf("lab '%s' down\n", l.name);
	return RS_EXIT_OK;
}

static int exec_cmd(int argc, char **argv)
{
	const char *usage = "usage: rescan lab exec [--name NAME] -- COMMAND [ARGS...]\n\n"
			    "Run COMMAND on the lab's scanner side, e.g.\n"
			    "  rescan lab exec -- zmap -p 443 -o https.csv\n"
			    "  rescan lab exec -- zmap --probe-module=icmp_echoscan -o ping.csv\n";
	const char *name;
	struct lab l;
	int rc;

	rc = parse_name_only(argc, argv, usage, &name, true);
	if (rc)
		return rc < 0 ? RS_EXIT_OK : rc;
	if (optind >= argc) {
		fputs(usage, stderr);
		return RS_EXIT_USAGE;
	}
	if (lab_describe(&l, name)) {
		rs_report();
		return RS_EXIT_USAGE;
	}
	if (!lab_is_up(&l)) {
		rs_die_msg("no lab '%s' is up (start one with 'rescan lab up')", l.name);
		return RS_EXIT_STATE;
	}
	lab_read_state(&l);
	lab_exec(&l, argv + optind);
	rs_report();
	return 127;
}

static int status(int argc, char **argv)
{
	const char *usage = "usage: rescan lab status [--name NAME]\n\n"
			    "Whether the lab is up, and how it was started.\n";
	const char *name;
	struct lab l;
	int rc;

	rc = parse_name_only(argc, argv, usage, &name, false);
	if (rc)
		return rc < 0 ? RS_EXIT_OK : rc;
	if (lab_describe(&l, name)) {
		rs_report();
		return RS_EXIT_USAGE;
	}
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
	{ "exec", exec_cmd, "run a command (zmap, masscan, nmap) on the scanner side" },
	{ "status", status, "is the lab up, with which world" },
};

int cmd_lab(int argc, char **argv)
{
	return subcmd_dispatch("rescan lab", NULL, NULL, SUBCMDS(lab_cmds), argc, argv);
}
