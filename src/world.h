/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * world.h - the world: which hosts answer which service, exactly.
 *
 * In memory and on disk a world is a list of services, each naming up to
 * one host set per state (open, closed, filtered: enum rs_state), plus the
 * sets themselves in the kernel's own encoding (rescan_abi.h):
 * a directory of RS_BLOCKS entries per set and a pool of 64-bit words. The
 * file stores those two arrays verbatim (8-byte aligned, little-endian), so
 * loading a world is two memcpy()s into mmap-ed BPF maps.
 *
 * File layout (version 4; version 3 had one set per service, the open one,
 * version 2 also lacked guided arrays, version 1 also split containers;
 * all are read):
 *   struct rs_world_file_header
 *   services[nservices]   struct rs_world_file_service
 *   provenance            prov_len bytes of text, NUL-padded to 8
 *   dir[nsets*RS_BLOCKS]  struct rs_dir_entry
 *   pool[pool_words]      __u64
 * A CRC-32 over everything after the header guards against corruption.
 */
#ifndef RESCAN_WORLD_H
#define RESCAN_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rescan_abi.h"
#include "ipset.h"
#include "service.h"

#define RS_WORLD_MAGIC "RSCNWRLD"
#define RS_WORLD_VERSION 4
#define RS_WORLD_MAX_SERVICES 4096

struct rs_world_file_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t seed;
	uint64_t created;	/* unix seconds */
	uint32_t nservices;
	uint32_t nsets;
	uint64_t pool_words;
	uint64_t prov_len;	/* bytes of provenance text, without padding */
	uint64_t file_size;
	uint32_t payload_crc;	/* CRC-32 of every byte after the header */
	uint32_t reserved;
};

#define RS_NO_SET UINT32_MAX

struct rs_world_file_service {
	uint32_t slot;
	uint32_t port;
	uint32_t set[RS_NR_STATES];	/* 0-based host set per enum rs_state, or RS_NO_SET */
	uint32_t reserved;
	uint64_t hosts[RS_NR_STATES];
};

/*
 * A service (port RS_PORT_OTHER: the hosts' policy for unlisted ports,
 * which has a closed set only). set[s] is RS_NO_SET where no host is in
 * state s; services may share a set.
 */
struct world_service {
	struct rs_svc svc;
	uint32_t set[RS_NR_STATES];
	uint64_t hosts[RS_NR_STATES];
};

/* What world_state() says: enum rs_state, or silence. */
#define RS_STATE_SILENT RS_NR_STATES

struct world {
	uint64_t seed;
	uint64_t created;
	uint32_t nservices;
	struct world_service *services;
	uint32_t nsets;
	struct rs_dir_entry *dir;	/* nsets * RS_BLOCKS */
	uint64_t pool_words;
	uint64_t *pool;
	char *provenance;		/* text, one line per source */

	/* storage bookkeeping */
	uint64_t pool_cap;
	void *mapping;			/* file mapping when opened read-only */
	size_t mapping_len;
};

void world_init(struct world *w, uint64_t seed);
void world_free(struct world *w);

/*
 * Can svc have hosts in state st? ICMP requests are answered or not (open
 * only); the policy for unlisted ports has closed hosts only. 0, or
 * -EINVAL with the message set.
 */
int world_state_allowed(struct rs_svc svc, enum rs_state st);

/*
 * Turn the addresses in set into the hosts of service svc in state st (the
 * service may be in the world already, without that state). Returns 0 or
 * -errno.
 */
int world_add_service(struct world *w, struct rs_svc svc, enum rs_state st, struct ipset *set);
/*
 * Give svc in state st the very host set that from has in from_st (two
 * services may share one set: a host without a firewall answers closed
 * TCP and UDP ports alike). Returns 0 or -errno.
 */
int world_add_service_alias(struct world *w, struct rs_svc svc, enum rs_state st,
			    struct rs_svc from, enum rs_state from_st);
/*
 * The same from a generator: fn returns the RS_BITMAP_WORDS words of each
 * /16 block in turn (valid until the next call), or NULL for an empty one.
 */
typedef const uint64_t *(*world_block_fn)(uint32_t block, void *ctx);
int world_add_service_blocks(struct world *w, struct rs_svc svc, enum rs_state st,
			     world_block_fn fn, void *ctx);
/* Append a line to the provenance text. */
int world_note(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write atomically (temp file + rename); nothing is left behind on error. */
int world_write(const struct world *w, const char *path);
/* Map and validate a world file; on error names the file and the problem. */
int world_open(struct world *w, const char *path);

const struct world_service *world_find(const struct world *w, struct rs_svc svc);
bool world_set_has(const struct world *w, uint32_t set, uint32_t addr);
/*
 * What addr answers to svc, by the rules the responder follows
 * (bpf/world_lookup.h): the service's sets in enum rs_state order, then
 * for TCP and UDP the policy's closed set; RS_STATE_SILENT otherwise.
 */
unsigned world_state(const struct world *w, struct rs_svc svc, uint32_t addr);
/*
 * Calls fn for every address of [first, last] in state st of svc as
 * world_state() says (closed: listed or by policy), ascending.
 */
int world_state_foreach(const struct world *w, struct rs_svc svc, enum rs_state st,
			uint32_t first, uint32_t last, int (*fn)(uint32_t addr, void *ctx),
			void *ctx);
/* Calls fn for every address of set within [first, last], ascending. */
int world_set_foreach(const struct world *w, uint32_t set, uint32_t first, uint32_t last,
		      int (*fn)(uint32_t addr, void *ctx), void *ctx);
/* Pool words of one block's container (0 for empty and full blocks). */
uint64_t world_container_words(const struct rs_dir_entry *de);
/* Bytes the kernel maps of this world take (directory + pool). */
uint64_t world_kernel_bytes(const struct world *w);

#endif
