/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ipset.h - a scratch set of IPv4 addresses used while a world is built:
 * a flat 2^32-bit bitmap in anonymous memory that the kernel backs only
 * where bits are set, plus a list of touched /16 blocks so turning it into
 * containers and clearing it cost time only where there is data.
 */
#ifndef RESCAN_IPSET_H
#define RESCAN_IPSET_H

#include <stdbool.h>
#include <stdint.h>

struct ipset {
	uint64_t *bits;		/* 2^26 words, MAP_NORESERVE */
	uint8_t *touched;	/* one byte per /16 block */
};

int ipset_init(struct ipset *s);
void ipset_free(struct ipset *s);
/*
 * Forget every address; only touched blocks are cleared. With zeros, not
 * by giving the pages back: the next service would fault its 512 MiB in
 * and have the kernel zero them anew (a fifth of a 10-service build).
 */
void ipset_clear(struct ipset *s);
void ipset_add_range(struct ipset *s, uint32_t first, uint32_t last);

static inline void ipset_add(struct ipset *s, uint32_t a)
{
	s->bits[a >> 6] |= 1ull << (a & 63);
	s->touched[a >> 16] = 1;
}

static inline bool ipset_has(const struct ipset *s, uint32_t a)
{
	return s->bits[a >> 6] >> (a & 63) & 1;
}

/*
 * Addresses in a /16 block's 1024 words; with per24, also how many fall in
 * each of its /24s.
 */
uint32_t ipset_block_census(const uint64_t *block, uint16_t per24[256]);

/* The 1024 words of a /16 block. */
static inline uint64_t *ipset_block(const struct ipset *s, uint32_t block)
{
	return s->bits + (uint64_t)block * 1024;
}

#endif
