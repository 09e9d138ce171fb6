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

/* Container pool: the chunks of 64-bit words the directory points into; sized by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rs_pool_chunk);
} world_pool SEC(".maps");

/* Words of the pool the loader filled: a container must end within them. */
const volatile __u32 pool_words = 0;

/* A set's answer for one address. */
enum set_answer {
	SET_HIT,
	SET_MISS,
	SET_ERROR,	/* index out of range: the maps do not hold a valid world */
};

/*
 * The world's answer for one service of one host: the first three are
 * enum rs_state, so a set's index is its answer.
 */
enum world_answer {
	WORLD_OPEN = RS_STATE_OPEN,
	WORLD_CLOSED = RS_STATE_CLOSED,
	WORLD_FILTERED = RS_STATE_FILTERED,
	WORLD_SILENT,		/* the host is in no set of the service and its policy is silence */
	WORLD_NO_SERVICE,	/* no host of the world has the service, nor answers it as closed */
	WORLD_ERROR,
};

/*
 * A container: its chunk of the pool and the word it starts at there.
 * container_at() checks that the whole container lies in the chunk and in
 * the filled pool; the lookups below check every index they read against
 * the container's size (n), and the mask keeps even a wrong one inside the
 * chunk for the verifier.
 */
struct container {
	const __u64 *w;
	__u32 at;
};

static __always_inline int container_at(const struct rs_dir_entry *de, struct container *c)
{
	__u32 key = de->off >> RS_POOL_CHUNK_SHIFT, words = rs_container_words(de->kind, de->n);
	struct rs_pool_chunk *chunk;

	c->at = de->off & (RS_POOL_CHUNK_WORDS - 1);
	if ((__u64)de->off + words > pool_words || c->at + words > RS_POOL_CHUNK_WORDS)
		return -1;
	chunk = bpf_map_lookup_elem(&world_pool, &key);
	if (!chunk)
		return -1;
	c->w = chunk->w;
	return 0;
}

static __always_inline __u64 pool_word(const struct container *c, __u32 i)
{
	return c->w[(c->at + i) & (RS_POOL_CHUNK_WORDS - 1)];
}

/*
 * Element i of the packed elements of `bits` bits (16: array entries and
 * guides, 8: split-container bytes) from word off of container c, LSB
 * first. bits is a constant at every call, so this compiles to a shift and
 * a mask.
 */
static __always_inline __u32 pool_elem(const struct container *c, __u32 off, __u32 i, __u32 bits)
{
	__u32 per_word = 64 / bits;

	return (pool_word(c, off + i / per_word) >> (i % per_word * bits)) & ((1u << bits) - 1);
}

/*
 * Is key among the len sorted elements of `bits` bits from element base of
 * the words from word off of c (len <= 2^steps)? A branch-free binary
 * search for the last element <= key: the loop runs ceil(log2 len) steps
 * whatever key is, and each step moves base by half or by 0 through a
 * mask, not a branch. For a random address every step of the branchy
 * search is a coin toss for the branch predictor; the mispredictions cost
 * more than the loads (measured with `make bench`).
 */
static __always_inline int sorted_search(const struct container *c, __u32 off, __u32 base,
					 __u32 len, __u32 key, __u32 bits, int steps)
{
	__u32 half;
	__u64 d, mask;
	int i;

	for (i = 0; i < steps; i++) {
		if (len <= 1)
			break;
		half = len / 2;
		d = (__u64)pool_elem(c, off, base + half, bits) - key - 1;	/* negative exactly when element <= key */
		barrier_var(d);	/* keep clang from turning the mask into a branch */
		mask = (__u64)((__s64)d >> 63);
		barrier_var(mask);
		base += half & (__u32)mask;
		len -= half;
	}
	return pool_elem(c, off, base, bits) == key ? SET_HIT : SET_MISS;
}

/*
 * Windows: a part of at most 8 entries is compared with the key all at
 * once, as the lanes of a 64-bit word, instead of searched. Its words are
 * loaded together (they do not depend on each other) and no branch
 * depends on the data: a /24 of a 1.4 % world holds 1 to 8 hosts, a guided
 * array's bucket 4 to 8 on average, and a search over them takes 1 to 3
 * data-dependent steps, each a coin toss for the branch predictor in a
 * scan.
 */

/* The 64 bits from bit sh (< 64) of lo on, continued in hi. hi << (64 - sh)
 * is written so that sh == 0 shifts hi out instead of by 64. */
static __always_inline __u64 word_window(__u64 lo, __u64 hi, __u32 sh)
{
	return lo >> sh | (hi << 1) << (63 - sh);
}

/* The lowest nbits (0..64) bits: two shifts of at most 32, never one by 64. */
static __always_inline __u64 low_bits(__u32 nbits)
{
	return ~(~0ull << (nbits / 2) << (nbits - nbits / 2));
}

/*
 * The lanes of win (lanes of `bits` bits; ones has a 1 in each lane's
 * lowest bit) that equal key, each marked by its high bit: a lane of
 * win ^ key that is zero. A lane above a matching one may be marked too
 * (the borrow), never one below: a mark within the first n lanes means a
 * match there.
 */
static __always_inline __u64 lanes_equal(__u64 win, __u64 ones, __u32 bits, __u32 key)
{
	__u64 x = win ^ ones * key;

	return (x - ones) & ~x & (ones << (bits - 1));
}

/* Is key among the len <= 8 bytes from byte first of the words from word
 * off of c? They span at most two words: one window of 8 byte lanes. */
static __always_inline int bytes_window_has(const struct container *c, __u32 off, __u32 first,
					    __u32 len, __u32 key)
{
	__u32 at = off + first / 8;
	__u64 win = word_window(pool_word(c, at), pool_word(c, at + 1), first % 8 * 8);

	__u64 hit = lanes_equal(win, 0x0101010101010101ull, 8, key) & low_bits(8 * len);

	return hit ? SET_HIT : SET_MISS;
}

/* The same for the len <= 8 u16 entries from entry first: they span at most
 * three words, joined into two windows of four 16-bit lanes. */
static __always_inline int u16_window_has(const struct container *c, __u32 off, __u32 first,
					  __u32 len, __u32 key)
{
	const __u64 ones = 0x0001000100010001ull;
	__u32 at = off + first / 4, sh = first % 4 * 16, n_lo = len < 4 ? len : 4;
	__u64 w0 = pool_word(c, at), w1 = pool_word(c, at + 1), w2 = pool_word(c, at + 2);
	__u64 lo = lanes_equal(word_window(w0, w1, sh), ones, 16, key) & low_bits(16 * n_lo);
	__u64 hi = lanes_equal(word_window(w1, w2, sh), ones, 16, key) & low_bits(16 * (len - n_lo));

	return lo | hi ? SET_HIT : SET_MISS;
}

/*
 * Guided arrays and split containers both start with a guide of u16
 * offsets: part h of the container is [g[h], g[h+1]). The two loads do not
 * depend on each other. Returns 0 with the span, or the answer: an empty
 * part is a miss; one that ends before it starts, is longer than max or
 * ends past the container's size an error.
 */
static __always_inline int guide_span(const struct container *c, __u32 h, __u32 max, __u32 size,
				      __u32 *first, __u32 *len)
{
	__u32 end;

	*first = pool_elem(c, 0, h, 16);
	end = pool_elem(c, 0, h + 1, 16);
	if (end <= *first)
		return end == *first ? SET_MISS : SET_ERROR;
	if (end - *first > max || end > size)
		return SET_ERROR;
	*len = end - *first;
	return 0;
}

/*
 * Is low in the guided array of n entries c? The guide gives low's bucket,
 * which holds 4 to 8 entries on average: one window of them, or for a
 * longer bucket a search, instead of log2 n steps.
 */
static __always_inline int guided_has(const struct container *c, __u32 n, __u16 low)
{
	__u32 first, len;
	int ret = guide_span(c, low >> (16 - rs_guide_bits(n)), n, n, &first, &len);

	if (ret)
		return ret;
	if (len <= 8)
		return u16_window_has(c, rs_guide_words(n), first, len, low);
	return sorted_search(c, rs_guide_words(n), first, len, low, 16, RS_ARRAY_SEARCH_STEPS);
}

/*
 * Is low in the split container c of n data bytes? The guide gives the
 * /24's bytes; a bitmap answers with one more load, sorted bytes with a
 * search of at most 31 entries.
 */
static __always_inline int split_has(const struct container *c, __u32 n, __u16 low)
{
	__u32 b = low & 0xff, first, len;
	int ret = guide_span(c, low >> 8, RS_SPLIT_BITMAP_BYTES, n, &first, &len);

	if (ret)
		return ret;
	if (len == RS_SPLIT_BITMAP_BYTES)
		return (pool_elem(c, RS_SPLIT_GUIDE_WORDS, first + b / 8, 8) >> (b % 8)) & 1 ?
			       SET_HIT : SET_MISS;
	if (len <= 8)
		return bytes_window_has(c, RS_SPLIT_GUIDE_WORDS, first, len, b);
	return sorted_search(c, RS_SPLIT_GUIDE_WORDS, first, len, b, 8, RS_SPLIT_SEARCH_STEPS);
}

/* Is addr (host byte order) in the 1-based host set `set`? */
static __always_inline int set_has(__u32 set, __u32 addr)
{
	__u32 key = (set - 1) * RS_BLOCKS + (addr >> RS_BLOCK_SHIFT), low = addr & 0xffff;
	struct rs_dir_entry *de;
	struct container c;

	de = bpf_map_lookup_elem(&world_dir, &key);
	if (!de)
		return SET_ERROR;
	if (de->kind == RS_C_EMPTY)
		return SET_MISS;
	if (de->kind == RS_C_FULL)
		return SET_HIT;
	if (container_at(de, &c))
		return SET_ERROR;
	switch (de->kind) {
	case RS_C_BITMAP:
		return (pool_word(&c, low >> 6) >> (low & 63)) & 1 ? SET_HIT : SET_MISS;
	case RS_C_SPLIT:
		return split_has(&c, de->n, low);
	case RS_C_ARRAY:
		return sorted_search(&c, 0, 0, de->n, low, 16, RS_ARRAY_SEARCH_STEPS);
	case RS_C_GUIDED:
		return guided_has(&c, de->n, low);
	}
	return SET_ERROR;
}

static __always_inline struct rs_service *service_at(__u32 slot, __u32 port)
{
	__u32 key = (slot << 16) | (port & 0xffff);

	return bpf_map_lookup_elem(&world_services, &key);
}

/*
 * What host addr (host byte order) answers to service (slot, port): its
 * state in the service's sets, in enum rs_state order, else closed if the
 * host is in the slot's policy (the closed set of port RS_PORT_OTHER; TCP
 * and UDP only). *svcp is the service's entry (its reply kind). A set a
 * world does not have costs one test of a zero.
 */
static __always_inline int world_lookup(__u32 slot, __u32 port, __u32 addr,
					const struct rs_service **svcp)
{
	const struct rs_service *svc = service_at(slot, port), *pol;
	__u32 s, listed;
	int r;

	if (!svc)
		return WORLD_ERROR;
	*svcp = svc;
#pragma unroll
	for (s = 0; s < RS_NR_STATES; s++) {
		if (!svc->set[s])
			continue;
		r = set_has(svc->set[s], addr);
		if (r != SET_MISS)
			return r == SET_HIT ? (int)s : WORLD_ERROR;
	}
	listed = svc->set[RS_STATE_OPEN] | svc->set[RS_STATE_CLOSED] | svc->set[RS_STATE_FILTERED];
	if (slot == RS_SLOT_ICMP)
		return listed ? WORLD_SILENT : WORLD_NO_SERVICE;

	pol = service_at(slot, RS_PORT_OTHER);
	if (!pol)
		return WORLD_ERROR;
	if (pol->set[RS_STATE_CLOSED]) {
		r = set_has(pol->set[RS_STATE_CLOSED], addr);
		if (r != SET_MISS)
			return r == SET_HIT ? WORLD_CLOSED : WORLD_ERROR;
		listed = 1;
	}
	return listed ? WORLD_SILENT : WORLD_NO_SERVICE;
}

#endif /* RESCAN_WORLD_LOOKUP_H */
