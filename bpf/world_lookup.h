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

/*
 * Element i of the packed elements of `bits` bits (16: array entries and
 * guides, 8: split-container bytes) at pool word off, LSB first. bits is a
 * constant at every call, so this compiles to a shift and a mask.
 */
static __always_inline int pool_elem(__u32 off, __u32 i, __u32 bits, __u32 *v)
{
	__u32 per_word = 64 / bits;
	__u64 w;

	if (pool_word(off + i / per_word, &w))
		return -1;
	*v = (w >> (i % per_word * bits)) & ((1u << bits) - 1);
	return 0;
}

/*
 * Is key among the len sorted elements of `bits` bits from element base of
 * the words at pool word off (len <= 2^steps)? A branch-free binary search
 * for the last element <= key: the loop runs ceil(log2 len) steps whatever
 * key is, and each step moves base by half or by 0 through a mask, not a
 * branch. For a random address every step of the branchy search is a coin
 * toss for the branch predictor; the mispredictions cost more than the
 * loads (measured with `make bench`).
 */
static __always_inline int sorted_search(__u32 off, __u32 base, __u32 len, __u32 key,
					 __u32 bits, int steps)
{
	__u32 half, v;
	__u64 d, mask;
	int i;

	for (i = 0; i < steps; i++) {
		if (len <= 1)
			break;
		half = len / 2;
		if (pool_elem(off, base + half, bits, &v))
			return WORLD_ERROR;
		d = (__u64)v - key - 1;	/* negative exactly when element <= key */
		barrier_var(d);	/* keep clang from turning the mask into a branch */
		mask = (__u64)((__s64)d >> 63);
		barrier_var(mask);
		base += half & (__u32)mask;
		len -= half;
	}
	if (pool_elem(off, base, bits, &v))
		return WORLD_ERROR;
	return v == key ? WORLD_HIT : WORLD_MISS;
}

/*
 * Guided arrays and split containers both start with a guide of u16
 * offsets: part h of the container is [g[h], g[h+1]). The two loads do not
 * depend on each other. Returns 0 with the span, or the answer: an empty
 * part is a miss, one that ends before it starts or past max an error.
 */
static __always_inline int guide_span(__u32 off, __u32 h, __u32 max, __u32 *first, __u32 *len)
{
	__u32 end;

	if (pool_elem(off, h, 16, first) || pool_elem(off, h + 1, 16, &end))
		return WORLD_ERROR;
	if (end <= *first)
		return end == *first ? WORLD_MISS : WORLD_ERROR;
	if (end - *first > max)
		return WORLD_ERROR;
	*len = end - *first;
	return 0;
}

/*
 * Is low in the guided array of n entries at pool word off? The guide gives
 * low's bucket, which holds 4 to 8 entries on average: two or three search
 * steps instead of log2 n.
 */
static __always_inline int guided_has(__u32 off, __u32 n, __u16 low)
{
	__u32 first, len;
	int ret = guide_span(off, low >> (16 - rs_guide_bits(n)), n, &first, &len);

	if (ret)
		return ret;
	if (first + len > n)
		return WORLD_ERROR;
	return sorted_search(off + rs_guide_words(n), first, len, low, 16, RS_ARRAY_SEARCH_STEPS);
}

/*
 * Is low in the split container at pool word off? The guide gives the
 * /24's bytes; a bitmap answers with one more load, sorted bytes with a
 * search of at most 31 entries.
 */
static __always_inline int split_has(__u32 off, __u16 low)
{
	__u32 data = off + RS_SPLIT_GUIDE_WORDS, b = low & 0xff, first, len, v;
	int ret = guide_span(off, low >> 8, RS_SPLIT_BITMAP_BYTES, &first, &len);

	if (ret)
		return ret;
	if (len == RS_SPLIT_BITMAP_BYTES) {
		if (pool_elem(data, first + b / 8, 8, &v))
			return WORLD_ERROR;
		return (v >> (b % 8)) & 1 ? WORLD_HIT : WORLD_MISS;
	}
	return sorted_search(data, first, len, b, 8, RS_SPLIT_SEARCH_STEPS);
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
		return sorted_search(de->off, 0, de->n, addr & 0xffff, 16, RS_ARRAY_SEARCH_STEPS);
	case RS_C_GUIDED:
		return guided_has(de->off, de->n, addr & 0xffff);
	}
	return WORLD_ERROR;
}

#endif /* RESCAN_WORLD_LOOKUP_H */
