// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_world_open.c - world_open() on corrupt, truncated and hostile world
 * files. The input is the file, its checksum made right (a damaged byte
 * would else stop at the CRC, before any check behind it), written to a
 * memfd and opened through /proc/self/fd/N.
 *
 * Refused: one line that names the file. Opened: everything the loader
 * (src/loader.c) and the XDP program (bpf/world_lookup.h) take on trust
 * holds, checked here from the input's own bytes, by code of its own
 * (world_contract below), and the queries of world.c agree with that
 * reading. A broken rule prints what and aborts: libFuzzer keeps the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "loader.h"
#include "rescan_abi.h"
#include "util.h"
#include "world.h"

/* Blocks of each set whose queries are cross-checked, per input. */
#define CHECK_BLOCKS 8

static int fd = -1;
static char path[64];

#define FAIL(...)                                                   \
	do {                                                        \
		fprintf(stderr, "world contract: " __VA_ARGS__);    \
		fputc('\n', stderr);                                \
		abort();                                            \
	} while (0)

/* ---- the input, read with code of this file's own --------------------- */

struct file_view {
	const uint8_t *p;
	size_t len;
	const struct rs_world_file_header *h;
	size_t svc_size;	/* bytes per service record: 48, or 24 before version 4 */
	const uint8_t *svcs;
	const struct rs_dir_entry *dir;
	const uint64_t *pool;
};

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t elem16(const uint64_t *c, uint32_t i)
{
	return (uint16_t)(c[i / 4] >> (i % 4 * 16));
}

static uint8_t elem8(const uint64_t *c, uint32_t i)
{
	return (uint8_t)(c[i / 8] >> (i % 8 * 8));
}

/* Words of a container, as rescan_abi.h defines them (written out again here). */
static uint64_t words_of(const struct rs_dir_entry *de)
{
	uint32_t n = de->n, guide;

	switch (de->kind) {
	case RS_C_ARRAY:
		return (n + 3) / 4;
	case RS_C_GUIDED:
		guide = (1u << rs_guide_bits(n)) + 1;
		return (guide + 3) / 4 + (n + 3) / 4;
	case RS_C_SPLIT:
		return 65 + (n + 7) / 8;
	case RS_C_BITMAP:
		return 1024;
	}
	return 0;
}

/*
 * Decode one container into a bitmap of its block's 65,536 addresses,
 * checking on the way what a lookup relies on: sorted entries, guides
 * that lead to them, sizes within bounds. Returns the host count.
 */
static uint32_t decode(const struct file_view *f, const struct rs_dir_entry *de, uint64_t *bits,
		       uint64_t at)
{
	const uint64_t *c = f->pool + de->off;
	uint32_t i, h, k, n = de->n, count = 0, bucket_bits, g, g_end;

	memset(bits, 0, 8192);
	switch (de->kind) {
	case RS_C_EMPTY:
		return 0;
	case RS_C_FULL:
		memset(bits, 0xff, 8192);
		return 65536;
	case RS_C_BITMAP:
		for (i = 0; i < 1024; i++) {
			bits[i] = c[i];
			count += (uint32_t)__builtin_popcountll(c[i]);
		}
		return count;
	case RS_C_ARRAY:
	case RS_C_GUIDED:
		if (n == 0 || n > RS_ARRAY_MAX || (de->kind == RS_C_GUIDED && n < RS_GUIDED_MIN))
			FAIL("dir %llu: array of %u entries", (unsigned long long)at, n);
		k = de->kind == RS_C_GUIDED ? ((1u << rs_guide_bits(n)) + 1 + 3) / 4 : 0;
		for (i = 0; i < n; i++) {
			uint16_t e = elem16(c + k, i);

			if (i && e <= elem16(c + k, i - 1))
				FAIL("dir %llu: array entries not ascending at %u", (unsigned long long)at, i);
			bits[e / 64] |= 1ull << (e % 64);
		}
		if (de->kind == RS_C_ARRAY)
			return n;
		/* Bucket b of the guide holds exactly the entries whose top bits are b. */
		bucket_bits = rs_guide_bits(n);
		for (h = 0; h < 1u << bucket_bits; h++) {
			g = elem16(c, h);
			g_end = elem16(c, h + 1);
			if (g_end < g || g_end > n)
				FAIL("dir %llu: guided bucket %u spans %u..%u of %u", (unsigned long long)at,
				     h, g, g_end, n);
			for (i = g; i < g_end; i++)
				if ((uint32_t)elem16(c + k, i) >> (16 - bucket_bits) != h)
					FAIL("dir %llu: entry %u is not in guide bucket %u",
					     (unsigned long long)at, i, h);
		}
		if (elem16(c, 0) != 0 || elem16(c, 1u << bucket_bits) != n)
			FAIL("dir %llu: guide does not cover the array", (unsigned long long)at);
		return n;
	case RS_C_SPLIT:
		if (n == 0 || n > RS_SPLIT_DATA_MAX)
			FAIL("dir %llu: split of %u bytes", (unsigned long long)at, n);
		if (elem16(c, 0) != 0 || elem16(c, 256) != n)
			FAIL("dir %llu: split guide does not cover its data", (unsigned long long)at);
		for (h = 0; h < 256; h++) {
			g = elem16(c, h);
			g_end = elem16(c, h + 1);
			if (g_end < g || g_end - g > RS_SPLIT_BITMAP_BYTES)
				FAIL("dir %llu: /24 %u spans %u..%u", (unsigned long long)at, h, g, g_end);
			for (i = g; i < g_end; i++) {
				uint8_t b = elem8(c + RS_SPLIT_GUIDE_WORDS, i);

				if (g_end - g == RS_SPLIT_BITMAP_BYTES) {
					bits[(h * 256 + (i - g) * 8) / 64] |= (uint64_t)b << ((i - g) * 8 % 64);
					continue;
				}
				if (i > g && b <= elem8(c + RS_SPLIT_GUIDE_WORDS, i - 1))
					FAIL("dir %llu: /24 %u bytes not ascending", (unsigned long long)at, h);
				bits[(h * 256 + b) / 64] |= 1ull << (b % 64);
			}
		}
		for (i = 0; i < 1024; i++)
			count += (uint32_t)__builtin_popcountll(bits[i]);
		return count;
	}
	FAIL("dir %llu: container kind %u", (unsigned long long)at, de->kind);
}

/* ---- world.c's answers against that reading ---------------------------- */

struct collect {
	uint32_t base, n, last;
	const uint64_t *bits;
};

static int collect_addr(uint32_t a, void *ctx)
{
	struct collect *c = ctx;

	if (a >> 16 != c->base >> 16 || !(c->bits[(a & 0xffff) / 64] >> (a % 64) & 1))
		FAIL("world_set_foreach gives %08x, not in the set", a);
	if (c->n && a <= c->last)
		FAIL("world_set_foreach not ascending at %08x", a);
	c->last = a;
	c->n++;
	return 0;
}

static void check_queries(const struct world *w, uint32_t set, uint32_t block, const uint64_t *bits,
			  uint32_t count)
{
	struct collect c = { .base = block << 16, .bits = bits };
	uint32_t probe[] = { 0, 1, 255, 256, 4097, 32768, 65534, 65535 }, i, low;

	world_set_foreach(w, set, block << 16, block << 16 | 0xffff, collect_addr, &c);
	if (c.n != count)
		FAIL("set %u block %u: world_set_foreach gives %u of %u hosts", set, block, c.n, count);
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		low = probe[i];
		if (world_set_has(w, set, block << 16 | low) != (bits[low / 64] >> (low % 64) & 1))
			FAIL("set %u block %u: world_set_has(%u) is wrong", set, block, low);
	}
}

/*
 * Everything the loader and the XDP program take on trust, from the
 * input's bytes; and w, world_open's reading, equal to them.
 */
static void world_contract(const struct world *w, const struct file_view *f)
{
	const struct rs_world_file_header *h = f->h;
	uint64_t *bits = malloc(8192), hosts[RS_WORLD_MAX_SETS] = { 0 }, end = 0, at, kpool = 0;
	uint32_t i, j, s, set, count, checked[RS_WORLD_MAX_SETS] = { 0 };
	uint8_t bucket[RS_WORLD_MAX_SERVICES];

	if (!bits)
		FAIL("out of memory");
	if (h->nservices > RS_WORLD_MAX_SERVICES || h->nsets > RS_WORLD_MAX_SETS ||
	    h->pool_words > UINT32_MAX)
		FAIL("header counts %u services, %u sets, %llu words", h->nservices, h->nsets,
		     (unsigned long long)h->pool_words);
	if (w->nservices != h->nservices || w->nsets != h->nsets || w->pool_words != h->pool_words ||
	    memcmp(w->dir, f->dir, (size_t)h->nsets * RS_BLOCKS * sizeof(*f->dir)) ||
	    memcmp(w->pool, f->pool, h->pool_words * 8))
		FAIL("world_open's world is not the file's");

	/* Containers: known kinds, sizes in bounds, in the pool, in order, apart. */
	for (at = 0; at < (uint64_t)h->nsets * RS_BLOCKS; at++) {
		const struct rs_dir_entry *de = &f->dir[at];
		uint64_t words = words_of(de);

		if (de->kind > RS_C_GUIDED)
			FAIL("dir %llu: container kind %u", (unsigned long long)at, de->kind);
		if (words && (de->off < end || de->off + words > h->pool_words))
			FAIL("dir %llu: container at %u of %llu words overlaps or leaves the pool",
			     (unsigned long long)at, de->off, (unsigned long long)words);
		if (words)
			end = de->off + words;
		/* The loader's chunked pool (kernel_layout): no container straddles a chunk. */
		if (words > RS_POOL_CHUNK_WORDS)
			FAIL("dir %llu: container of %llu words", (unsigned long long)at,
			     (unsigned long long)words);
		if (words && kpool % RS_POOL_CHUNK_WORDS + words > RS_POOL_CHUNK_WORDS)
			kpool += RS_POOL_CHUNK_WORDS - kpool % RS_POOL_CHUNK_WORDS;
		kpool += words;
		set = (uint32_t)(at / RS_BLOCKS);
		count = decode(f, de, bits, at);
		hosts[set] += count;
		if (de->kind != RS_C_EMPTY && checked[set] < CHECK_BLOCKS) {
			checked[set]++;
			check_queries(w, set, (uint32_t)(at % RS_BLOCKS), bits, count);
		}
	}
	if (kpool > UINT32_MAX)
		FAIL("the kernel's pool is %llu words", (unsigned long long)kpool);

	/* Services: unique, their sets there, their states allowed, their counts true. */
	for (i = 0; i < h->nservices; i++) {
		const uint8_t *r = f->svcs + (size_t)i * f->svc_size;
		uint32_t slot = u32_at(r), port = u32_at(r + 4), sets[RS_NR_STATES];
		uint64_t counts[RS_NR_STATES] = { 0 };
		int any = 0;

		for (s = 0; s < RS_NR_STATES; s++)
			sets[s] = h->version >= 4 ? u32_at(r + 8 + 4 * s) : s ? RS_NO_SET : u32_at(r + 8);
		if (h->version >= 4)
			memcpy(counts, r + 24, sizeof(counts));
		else
			memcpy(counts, r + 16, 8);
		if (slot >= RS_NR_SLOTS || port > 0xffff)
			FAIL("service %u: slot %u port %u", i, slot, port);
		for (j = 0; j < i; j++)
			if (u32_at(f->svcs + (size_t)j * f->svc_size) == slot &&
			    u32_at(f->svcs + (size_t)j * f->svc_size + 4) == port)
				FAIL("service %u: the same as service %u", i, j);
		for (s = 0; s < RS_NR_STATES; s++) {
			if (sets[s] == RS_NO_SET) {
				if (counts[s])
					FAIL("service %u: %llu hosts in state %u without a set", i,
					     (unsigned long long)counts[s], s);
				continue;
			}
			any = 1;
			if (sets[s] >= h->nsets)
				FAIL("service %u: set %u of %u", i, sets[s], h->nsets);
			if (slot == RS_SLOT_ICMP ? s != RS_STATE_OPEN
						 : port == RS_PORT_OTHER && s != RS_STATE_CLOSED)
				FAIL("service %u (slot %u port %u) in state %u", i, slot, port, s);
			if (counts[s] != hosts[sets[s]])
				FAIL("service %u: %llu hosts in state %u, its set has %llu", i,
				     (unsigned long long)counts[s], s,
				     (unsigned long long)hosts[sets[s]]);
			for (j = 0; j < s; j++)
				if (sets[j] == sets[s])
					FAIL("service %u: states %u and %u share set %u", i, j, s, sets[s]);
		}
		if (!any)
			FAIL("service %u has no set", i);
		if (w->services[i].svc.slot != slot || w->services[i].svc.port != port ||
		    memcmp(w->services[i].set, sets, sizeof(sets)) ||
		    memcmp(w->services[i].hosts, counts, sizeof(counts)))
			FAIL("service %u: world_open read it otherwise", i);
	}
	loader_service_buckets(w, bucket);
	for (i = 0; i < w->nservices; i++)
		if (bucket[i] < RS_SVC_FIRST || bucket[i] > RS_SVC_OTHER)
			FAIL("service %u: bucket %u", i, bucket[i]);
	free(bits);
}

/* ---- the target ---------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fd = memfd_create("world", MFD_CLOEXEC);
	if (fd < 0)
		FAIL("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rs_world_file_header h;
	struct file_view f = { .p = data, .len = len, .h = &h };
	struct world w;
	const char *m;
	uint32_t crc;
	int err;

	if (ftruncate(fd, 0) || (len && pwrite(fd, data, len, 0) != (ssize_t)len))
		FAIL("cannot write the memfd");
	if (len >= sizeof(h)) {
		crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data + sizeof(h), (uInt)(len - sizeof(h)));
		if (pwrite(fd, &crc, 4, offsetof(struct rs_world_file_header, payload_crc)) != 4)
			FAIL("cannot write the memfd");
	}
	err = world_open(&w, path);
	if (err) {
		m = rs_last_error();
		if (err >= 0 || strchr(m, '\n') || !strstr(m, path))
			FAIL("refused with %d and not one line naming the file: %s", err, m);
		return 0;
	}
	/* Opened: the layout the header promises, found in the input itself. */
	memcpy(&h, data, sizeof(h));
	f.svc_size = h.version >= 4 ? 48 : 24;
	f.svcs = data + sizeof(h);
	f.dir = (const void *)(f.svcs + (size_t)h.nservices * f.svc_size + ((h.prov_len + 1 + 7) & ~7ull));
	f.pool = (const void *)((const uint8_t *)f.dir + (size_t)h.nsets * RS_BLOCKS * sizeof(*f.dir));
	if ((const uint8_t *)(f.pool + h.pool_words) != data + len)
		FAIL("opened, but the file is %zu bytes, not what its header adds up to", len);
	world_contract(&w, &f);
	world_free(&w);
	return 0;
}
