/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synth.h - the built-in default world: a deterministic, internet-like
 * world generated from a seed. Hosts cluster the way real ones do (whole
 * /16s dark, the rest with a few busy /24s and many empty ones), services
 * overlap on the same live hosts, and nothing lies in reserved ranges.
 * Hit rates over the scannable space are near published full-IPv4 scans.
 */
#ifndef RESCAN_SYNTH_H
#define RESCAN_SYNTH_H

#include <stdint.h>

#include "world.h"

#define SYNTH_DEFAULT_SEED 1

struct synth_service {
	const char *spec;	/* "tcp/80" */
	enum rs_state state;	/* the hosts drawn are in this state */
	double rate;		/* target fraction of scannable addresses */
	const char *same_as;	/* or NULL: the very hosts of this earlier entry */
};

/* The default world's services and target hit rates. */
extern const struct synth_service synth_services[];
extern const unsigned synth_nservices;

/* Build the default world for seed into w (initialised by the caller). */
int synth_world(struct world *w, uint64_t seed);

/* Is addr in an IANA special-purpose (non-scannable) range? */
int addr_is_reserved(uint32_t addr);
/* How many IPv4 addresses lie outside those ranges. */
uint64_t scannable_addresses(void);

#endif
