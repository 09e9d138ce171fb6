// SPDX-License-Identifier: GPL-2.0-only
#include "ipset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rescan_abi.h"
#include "util.h"

#define IPSET_BYTES (1ull << 29)	/* 2^32 bits */

int ipset_init(struct ipset *s)
{
	s->bits = mmap(NULL, IPSET_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->bits == MAP_FAILED) {
		s->bits = NULL;
		rs_error("cannot reserve 512 MiB of address space for the build set: %s", strerror(errno));
		return -ENOMEM;
	}
	s->touched = calloc(RS_BLOCKS, 1);
	if (!s->touched) {
		munmap(s->bits, IPSET_BYTES);
		rs_error("out of memory");
		return -ENOMEM;
	}
	return 0;
}

void ipset_free(struct ipset *s)
{
	if (s->bits)
		munmap(s->bits, IPSET_BYTES);
	free(s->touched);
	s->bits = NULL;
	s->touched = NULL;
}

void ipset_clear(struct ipset *s)
{
	uint32_t b;

	for (b = 0; b < RS_BLOCKS; b++) {
		if (!s->touched[b])
			continue;
		memset(ipset_block(s, b), 0, RS_BITMAP_WORDS * 8);
		s->touched[b] = 0;
	}
}

void ipset_add_range(struct ipset *s, uint32_t first, uint32_t last)
{
	uint64_t a = first;

	/* Head bits up to a word boundary, whole words, then tail bits. */
	while (a <= last && (a & 63))
		ipset_add(s, (uint32_t)a++);
	while (a + 63 <= last) {
		s->bits[a >> 6] = ~0ull;
		s->touched[a >> 16] = 1;
		a += 64;
	}
	while (a <= last)
		ipset_add(s, (uint32_t)a++);
}

/*
 * The CPU's popcnt instruction where it has one: plain x86-64 code (what
 * Debian builds for) makes __builtin_popcountll a libgcc call, and a world
 * build counts every word of every touched block twice.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define POPCNT_CLONES
#endif

POPCNT_CLONES
uint32_t ipset_block_census(const uint64_t *block, uint16_t per24[256])
{
	uint32_t total = 0, h, c;

	for (h = 0; h < 256; h++) {
		const uint64_t *w = block + h * 4;

		c = (uint32_t)(__builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) +
			       __builtin_popcountll(w[2]) + __builtin_popcountll(w[3]));
		if (per24)
			per24[h] = (uint16_t)c;
		total += c;
	}
	return total;
}
