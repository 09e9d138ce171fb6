/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The world as the kernel sees it: three maps filled by the CLI from a
 * world file (see rescan_abi.h for the encoding) and one lookup that
 * answers "does this host offer this service?".
 */
#ifndef RESCAN_WORLD_LOOKUP_H
#define RESCAN_WORLD_LOOKUP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "rescan_abi.h"

/* Service index: (slot << 16) | port -> the host set that answers. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_SERVICES_MAX);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rs_service);
} world_services SEC(".maps");

/* Directory: one entry per (host set, /16 block); sized by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_BLOCKS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rs_dir_entry);
} world_dir SEC(".maps");

/* Container pool: the 64-bit words the directory points into; sized by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} world_pool SEC(".maps");

enum world_answer {
	WORLD_HIT,
	WORLD_MISS,
	WORLD_NO_SERVICE,
	WORLD_ERROR,	/* index out of range: the maps do not hold a valid world */
};

static __always_inline int pool_word(__u32 idx, __u64 *w)
{
	__u64 *v = bpf_map_lookup_elem(&world_pool, &idx);

	if (!v)
		return -1;
	*w = *v;
	return 0;
}

/* u16 number i of the words at pool word off (4 per word, LSB first). */
static __always_inline int pool_u16(__u32 off, __u32 i, __u32 *v)
{
	__u64 w;

	if (pool_word(off + i / RS_ARRAY_PER_WORD, &w))
		return -1;
	*v = (w >> (i % RS_ARRAY_PER_WORD * 16)) & 0xffff;
	return 0;
}

/* Byte number i of the words at pool word off (8 per word, LSB first). */
static __always_inline int pool_byte(__u32 off, __u32 i, __u32 *v)
{
	__u64 w;

	if (pool_word(off + i / 8, &w))
		return -1;
	*v = (w >> (i % 8 * 8)) & 0xff;
	return 0;
}

/*
 * Is low among the len sorted u16 entries from entry base of the words at
 * pool word off? A branch-free binary search for the last entry <= low:
 * the loop runs ceil(log2 len) steps whatever low is, and each step moves
 * base by half or by 0 through a mask, not a branch. For a random address
 * every step of the branchy search is a coin toss for the branch
 * predictor; the mispredictions cost more than the loads (measured with
 * `make bench`).
 */
static __always_inline int u16_search(__u32 off, __u32 base, __u32 len, __u16 low)
{
	__u32 half, v;
	__u64 d, mask;
	int i;

	for (i = 0; i < RS_ARRAY_SEARCH_STEPS; i++) {
		if (len <= 1)
			break;
		half = len / 2;
		if (pool_u16(off, base + half, &v))
			return WORLD_ERROR;
		d = (__u64)v - low - 1;	/* negative exactly when entry <= low */
		barrier_var(d);	/* keep clang from turning the mask into a branch */
		mask = (__u64)((__s64)d >> 63);
		barrier_var(mask);
		base += half & (__u32)mask;
		len -= half;
	}
	if (pool_u16(off, base, &v))
		return WORLD_ERROR;
	return v == low ? WORLD_HIT : WORLD_MISS;
}

/*
 * Is low in the guided array of n entries at pool word off? Two guide
 * loads (independent of each other) give low's bucket, which holds 4 to 8
 * entries on average: two or three search steps instead of log2 n.
 */
static __always_inline int guided_has(__u32 off, __u32 n, __u16 low)
{
	__u32 h = low >> (16 - rs_guide_bits(n)), first, end;

	if (pool_u16(off, h, &first) || pool_u16(off, h + 1, &end))
		return WORLD_ERROR;
	if (end <= first)
		return end == first ? WORLD_MISS : WORLD_ERROR;
	if (end > n)
		return WORLD_ERROR;
	return u16_search(off + rs_guide_words(n), first, end - first, low);
}

/*
 * Is low in the split container at pool word off? Two guide loads (they do
 * not depend on each other) give the /24's bytes; a bitmap answers with one
 * more load, sorted bytes with the same branch-free search as u16_search,
 * over at most 31 entries.
 */
static __always_inline int split_has(__u32 off, __u16 low)
{
	__u32 data = off + RS_SPLIT_GUIDE_WORDS, b = low & 0xff, first, end, len, half, v;
	__u64 d, mask;
	int i;

	if (pool_u16(off, low >> 8, &first) || pool_u16(off, (low >> 8) + 1, &end))
		return WORLD_ERROR;
	if (end <= first)
		return end == first ? WORLD_MISS : WORLD_ERROR;
	len = end - first;
	if (len == RS_SPLIT_BITMAP_BYTES) {
		if (pool_byte(data, first + b / 8, &v))
			return WORLD_ERROR;
		return (v >> (b % 8)) & 1 ? WORLD_HIT : WORLD_MISS;
	}
	if (len > RS_SPLIT_BITMAP_BYTES)
		return WORLD_ERROR;
	for (i = 0; i < RS_SPLIT_SEARCH_STEPS; i++) {
		if (len <= 1)
			break;
		half = len / 2;
		if (pool_byte(data, first + half, &v))
			return WORLD_ERROR;
		d = (__u64)v - b - 1;	/* negative exactly when entry <= b */
		barrier_var(d);
		mask = (__u64)((__s64)d >> 63);
		barrier_var(mask);
		first += half & (__u32)mask;
		len -= half;
	}
	if (pool_byte(data, first, &v))
		return WORLD_ERROR;
	return v == b ? WORLD_HIT : WORLD_MISS;
}

/* addr in host byte order. */
static __always_inline int world_lookup(__u32 slot, __u32 port, __u32 addr)
{
	__u32 key = (slot << 16) | (port & 0xffff);
	struct rs_service *svc;
	struct rs_dir_entry *de;
	__u64 w;

	svc = bpf_map_lookup_elem(&world_services, &key);
	if (!svc)
		return WORLD_ERROR;
	if (!svc->open_set)
		return WORLD_NO_SERVICE;

	key = (svc->open_set - 1) * RS_BLOCKS + (addr >> RS_BLOCK_SHIFT);
	de = bpf_map_lookup_elem(&world_dir, &key);
	if (!de)
		return WORLD_ERROR;

	switch (de->kind) {
	case RS_C_EMPTY:
		return WORLD_MISS;
	case RS_C_FULL:
		return WORLD_HIT;
	case RS_C_BITMAP:
		if (pool_word(de->off + ((addr & 0xffff) >> 6), &w))
			return WORLD_ERROR;
		return (w >> (addr & 63)) & 1 ? WORLD_HIT : WORLD_MISS;
	case RS_C_SPLIT:
		return split_has(de->off, addr & 0xffff);
	case RS_C_ARRAY:
		return u16_search(de->off, 0, de->n, addr & 0xffff);
	case RS_C_GUIDED:
		return guided_has(de->off, de->n, addr & 0xffff);
	}
	return WORLD_ERROR;
}

#endif /* RESCAN_WORLD_LOOKUP_H */
