/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The rule a benchmark world is drawn by: an address is a host when a keyed
 * hash of it falls below PPM/1e6 of the hash's range. `rsbench gen` writes
 * the world's dataset by it, and the reflector baseline (baselines.bpf.c)
 * answers by it, so both stand for the same set of hosts without a world.
 * Included by BPF and user space code alike.
 */
#ifndef RESCAN_BENCH_RULE_H
#define RESCAN_BENCH_RULE_H

#include <linux/types.h>

/* A 32-bit finaliser (MurmurHash3's): every input bit moves every output bit. */
static inline __u32 bench_mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* The key gen and baselines use unless told (-s): the same hosts. */
#define BENCH_RULE_DEFAULT_SEED 1

/* PPM (0..1e6) as a bound on the hash: 2^32 * PPM / 1e6, so 1e6 takes all. */
static inline __u64 bench_rule_bound(__u32 ppm)
{
	return ((__u64)ppm << 32) / 1000000;
}

/* ADDR in host byte order. */
static inline int bench_rule_has(__u32 addr, __u32 seed, __u64 bound)
{
	return bench_mix32(addr ^ seed * 0x9e3779b9u) < bound;
}

#endif /* RESCAN_BENCH_RULE_H */
