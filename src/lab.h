/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab.h - the sealed lab: one struct describes it (names, addresses, MACs,
 * where its state lives) and is built in one place, lab_describe(); `up`,
 * `down`, `exec`, `stats` and the container entrypoint all read it.
 *
 *   scanner side (netns <name>-scan, or the caller's own with --here)
 *     lab0 100.64.0.2/24, default route via 100.64.0.1 (permanent neighbour)
 *       | veth
 *   internet side (netns <name>-inet)
 *     inet0 100.64.0.1/24 + XDP responder (native mode)
 *
 * The scanner side holds nothing but lab0 and lo, so it has no route to any
 * real interface of the machine.
 */
#ifndef RESCAN_LAB_H
#define RESCAN_LAB_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "world.h"

#define LAB_DEFAULT_NAME "rescan"
#define LAB_SCAN_IFACE "lab0"	/* the scanner's interface */
#define LAB_INET_IFACE "inet0"	/* the responder's interface, the gateway */
#define LAB_NAME_MAX 11	/* keeps "<name>-scan" and "<name>-inet" short */

struct lab {
	char name[LAB_NAME_MAX + 1];
	bool here;			/* scanner side is the caller's netns */
	bool default_route;		/* point the scanner's default route at the lab */
	char ns_scan[32];		/* "" when here */
	char ns_inet[32];
	char if_scan[IF_NAMESIZE];
	char if_inet[IF_NAMESIZE];
	uint32_t net, mask;		/* host order */
	int prefix;
	uint32_t scan_addr, gw_addr;	/* host order */
	uint8_t scan_mac[6], gw_mac[6];
	char pin_dir[128];		/* bpffs dir for the lab's maps */
	char run_dir[128];		/* state file, world summary */
};

/* Can this process build a lab? One clear error naming what is missing. */
int lab_preflight(void);
/* Fill l for lab name (NULL: the default); checks the name. */
int lab_describe(struct lab *l, const char *name);
/* Read the mode (here, iface) a running lab was started with into l. */
int lab_read_state(struct lab *l);
bool lab_is_up(const struct lab *l);

/* Bring the lab up with w loaded; on error everything is torn down. */
int lab_up(struct lab *l, const struct world *w, const char *world_desc);
int lab_down(const struct lab *l);
/* Replace this process with argv running on the scanner side. */
int lab_exec(const struct lab *l, char **argv);

/* Path of a pinned map of the lab ("counters", ...). */
void lab_pin_path(const struct lab *l, const char *map, char *buf, size_t len);
/* The state file's "world=" line etc.: prints the state file to stdout. */
int lab_print_state(const struct lab *l);

#endif
