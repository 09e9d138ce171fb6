/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - put a world into the kernel: open the responder skeleton,
 * size its world maps for this world, load it, and copy the world's
 * directory and pool into the mmap-ed maps (two memcpy()s, no syscall per
 * address).
 */
#ifndef RESCAN_LOADER_H
#define RESCAN_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "world.h"

struct responder_bpf;

/* A map of a running lab's responder that a new one shares (rescan lab load). */
struct loader_shared_map {
	const char *name;	/* the map's name in responder.bpf.c */
	int fd;
};

struct responder_cfg {
	uint32_t lab_net;	/* network byte order; never answered as internet */
	uint32_t lab_mask;
	uint32_t isn_key;
	bool do_not_scan;	/* the do_not_scan trie will have ranges */
	/* Maps taken over instead of made: nshared of them, or none. */
	const struct loader_shared_map *shared;
	size_t nshared;
};

/* Load the responder with w in its maps. On error nothing stays loaded. */
int loader_load_responder(const struct world *w, const struct responder_cfg *cfg,
			  struct responder_bpf **out);
void loader_free_responder(struct responder_bpf *skel);

/*
 * The service bucket of each of w's services (rescan_abi.h,
 * RS_SVC_BUCKETS) into bucket[0 .. w->nservices): the policies first,
 * then the others, each in the world's order; past RS_SVC_COUNTED of
 * them, RS_SVC_OTHER.
 */
void loader_service_buckets(const struct world *w, uint8_t *bucket);

/* Sum a per-CPU array map of u64 counters into out[0..n). */
int loader_read_percpu(int map_fd, uint64_t *out, uint32_t n);
/* The same for its keys first .. first + n - 1. */
int loader_read_percpu_at(int map_fd, uint32_t first, uint64_t *out, uint32_t n);
/*
 * The same for a map whose values are width u64 counters each (struct
 * rs_svc_counters): key first + k's into out[k * width .. (k + 1) * width).
 */
int loader_read_percpu_rows(int map_fd, uint32_t first, uint64_t *out, uint32_t n,
			    uint32_t width);

/* Explain a libbpf / bpf() failure with a hint for the usual causes. */
void loader_explain(const char *what, int err);

#endif
