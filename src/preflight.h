/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * preflight.h - can this process build a lab here, and scan it?
 *
 * Each check records one error line (rs_error) that names what is missing,
 * why rescan needs it and how to get it, and returns -errno. The hints are
 * worded for a plain machine, or with `container` for `docker run` (the
 * flags to add). `rescan lab preflight` runs the checks in order; `lab up`
 * runs the ones it relies on itself.
 */
#ifndef RESCAN_PREFLIGHT_H
#define RESCAN_PREFLIGHT_H

#include <stdbool.h>

#include "lab.h"
#include "world.h"

/* What the caller is about to do, for preflight_caps(). */
enum preflight_need {
	NEED_LAB = 1,	/* build a lab: CAP_NET_ADMIN, CAP_SYS_ADMIN */
	NEED_SCAN = 2,	/* run the scanners: CAP_NET_RAW */
};

int preflight_caps(unsigned need, bool container);
/* Linux 5.10 or later: native XDP on veth, XDP_TX to a veth peer. */
int preflight_kernel(void);
/* bpffs at LAB_BPFFS_ROOT; mounted there when it is missing. */
int preflight_bpffs(bool container);
/* The bpf() system call: create a map and pin it in bpffs. */
int preflight_bpf(bool container);
/* A network namespace can be made (and is removed again). */
int preflight_netns(bool container);
/*
 * This namespace can be the scanner side of l (lab up --here): it has no
 * interface l->if_scan yet, and no address or route in the lab network.
 */
int preflight_here(const struct lab *l, bool container);
/*
 * The memory cgroup of this process has room for w's kernel maps, counting
 * what the process holds already (a generated world is in user memory
 * until it is loaded). No limit: always.
 */
int preflight_memory(const struct world *w);

#endif
