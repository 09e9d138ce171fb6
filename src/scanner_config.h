/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scanner_config.h - the files that point ZMap and masscan at a lab, so
 * that a plain `zmap -p 80` or `masscan -p80 RANGE` scans it: the lab's
 * interface, its gateway's MAC, the source address, and one CPU for all of
 * ZMap's threads. One writer serves both places they live: the directory
 * `ip netns exec` lays over /etc in the lab's scanner namespace (lab up),
 * and /etc itself for scanners in a namespace made the scanner side with
 * --here (the appliance and its student containers).
 */
#ifndef RESCAN_SCANNER_CONFIG_H
#define RESCAN_SCANNER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab.h"

/* Where one scanner sits in the lab. */
struct scanner_seat {
	const char *iface;	/* the scanner-side interface */
	uint32_t source;	/* its source address, host order */
	unsigned number;	/* 0: the lab's own scanner; k: student k (picks its CPU) */
};

/*
 * Write etc/zmap/zmap.conf for seat s of lab l. For the scanner namespace
 * (netns) also a copy of the system's ZMap blocklist beside it, which the
 * overlay would hide; otherwise also etc/masscan/masscan.conf.
 */
int scanner_config_write(const struct lab *l, const char *etc, const struct scanner_seat *s,
			 bool netns);
/* The directory `ip netns exec` lays over /etc in l's scanner namespace. */
void scanner_config_netns_dir(const struct lab *l, char *buf, size_t len);
/* Remove what scanner_config_write(..., netns = true) wrote below etc. */
void scanner_config_remove_netns(const char *etc);

#endif
