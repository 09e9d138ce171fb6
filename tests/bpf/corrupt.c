// SPDX-License-Identifier: GPL-2.0-only
/*
 * corrupt.c - the corrupt responder: its maps, loaded with the test world,
 * are damaged the way a corrupt world file or a stray write would damage
 * them, and every lookup that lands on the damage must abort (XDP_ABORTED,
 * abort_internal) instead of reading past a map or answering.
 * corrupt_world() does the damage block by block; the rows at the end
 * probe each damaged block, and one sane block that must still answer.
 */
#include <errno.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cases.h"
#include "fixture.h"

/* The kernel's offset of spec's container for addr: the loader lays the pool out anew. */
static uint32_t kernel_off(int dfd, const char *spec, uint32_t addr)
{
	uint32_t key = set_of(spec) * RS_BLOCKS + (addr >> 16);
	struct rs_dir_entry de = { .off = UINT32_MAX };

	bpf_map_lookup_elem(dfd, &key, &de);
	return de.off;
}

/* Set one word of the pool (its values are whole chunks: mmap it). */
static int poke_pool(struct bpf_map *map, uint32_t word, uint64_t v)
{
	size_t len = (size_t)bpf_map__max_entries(map) * bpf_map__value_size(map);
	uint64_t *p;

	if ((size_t)word * 8 >= len) {
		errno = ERANGE;
		return -1;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (p == MAP_FAILED)
		return -1;
	p[word] = v;
	munmap(p, len);
	return 0;
}

/* Four u16 guide entries packed into one pool word, LSB first. */
static uint64_t guide_word(uint16_t g0, uint16_t g1, uint16_t g2, uint16_t g3)
{
	return g0 | (uint64_t)g1 << 16 | (uint64_t)g2 << 32 | (uint64_t)g3 << 48;
}

int corrupt_world(void)
{
	struct responder_bpf *sk = responder(ON_CORRUPT);
	struct rs_service svc = { .set = { [RS_STATE_OPEN] = world.nsets + 1 } };
	uint32_t tcp80 = set_of("tcp/80"), key;
	struct rs_dir_entry de;
	int sfd = bpf_map__fd(sk->maps.world_services);
	int dfd = bpf_map__fd(sk->maps.world_dir);
	struct bpf_map *pool = sk->maps.world_pool;
	uint32_t pool_words = sk->rodata->pool_words, off;
	int err = 0;

	/* tcp/8080 names a host set the directory does not have. */
	key = RS_SLOT_TCP << 16 | 8080;
	err |= bpf_map_update_elem(sfd, &key, &svc, BPF_ANY);
	/* 10.7/16: an array container starting just past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words, .kind = RS_C_ARRAY, .n = 1 };
	key = tcp80 * RS_BLOCKS + (IP(10, 7, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.8/16: a bitmap whose second word would be past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_BITMAP };
	key = tcp80 * RS_BLOCKS + (IP(10, 8, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.10/16: a container kind that does not exist. */
	de = (struct rs_dir_entry){ .kind = 9 };
	key = tcp80 * RS_BLOCKS + (IP(10, 10, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.11/16 (split; no corrupt-world row looks at it otherwise): guide
	 * 0, 40, 0: /24 0 claims 40 bytes, /24 1 ends before it starts. */
	err |= poke_pool(pool, kernel_off(dfd, "tcp/80", IP(10, 11, 0, 0)), guide_word(0, 40, 0, 0));
	/* 10.13/16: a split container whose guide runs past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_SPLIT, .n = 8 };
	key = tcp80 * RS_BLOCKS + (IP(10, 13, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.14/16: a sane guide (/24 0 has one byte) in the pool's last 65
	 * words (icmp's, unused by corrupt-world rows): the data is past it. */
	de = (struct rs_dir_entry){ .off = pool_words - RS_SPLIT_GUIDE_WORDS,
				    .kind = RS_C_SPLIT, .n = 1 };
	key = tcp80 * RS_BLOCKS + (IP(10, 14, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	err |= poke_pool(pool, de.off, guide_word(0, 1, 1, 1));
	/* 10.15/16, guided: g[1] 60 -> 70 (bucket 1 would end before it
	 * starts) and g[16] 64 -> 65 (bucket 15 would end past the entries). */
	off = kernel_off(dfd, "tcp/80", IP(10, 15, 0, 0));
	err |= poke_pool(pool, off, guide_word(0, 70, 60, 60));
	err |= poke_pool(pool, off + 4, guide_word(65, 0, 0, 0));
	/* 10.18/16: a guided array of 64 whose guide (bucket 0 holds all 64)
	 * is the pool's last 5 words: its entries are past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 5, .kind = RS_C_GUIDED, .n = 64 };
	key = tcp80 * RS_BLOCKS + (IP(10, 18, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	err |= poke_pool(pool, de.off, guide_word(0, 64, 64, 64));
	/* 10.19/16: an array of 6 in the pool's last word. For x.x.255.255
	 * the first search step (entry 3: any u16 is <= 0xffff) goes right,
	 * and the next one reads entry 4, which is past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_ARRAY, .n = 6 };
	key = tcp80 * RS_BLOCKS + (IP(10, 19, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	return err ? -errno : 0;
}

/* Every damaged block of corrupt_world(), probed. */
static const struct tcase aborts[] = {
	{ "abort: service names a missing host set", SYN_TO(IP(10, 1, 0, 5), 8080),
	  .on = ON_CORRUPT },
	{ "abort: array container past the pool", SYN_TO(IP(10, 7, 0, 1), 80), .on = ON_CORRUPT },
	{ "abort: bitmap word past the pool", SYN_TO(IP(10, 8, 0, 64), 80), .on = ON_CORRUPT },
	{ "abort: unknown container kind", SYN_TO(IP(10, 10, 0, 1), 80), .on = ON_CORRUPT },
	{ "abort: split /24 of more than 32 bytes", SYN_TO(IP(10, 11, 0, 8), 80),
	  .on = ON_CORRUPT },
	{ "abort: split guide running backwards", SYN_TO(IP(10, 11, 1, 8), 80), .on = ON_CORRUPT },
	{ "abort: split guide past the pool", SYN_TO(IP(10, 13, 8, 1), 80), .on = ON_CORRUPT },
	{ "abort: split data past the pool", SYN_TO(IP(10, 14, 0, 1), 80), .on = ON_CORRUPT },
	{ "abort: guided bucket ending before it starts", SYN_TO(IP(10, 15, 0x10, 1), 80),
	  .on = ON_CORRUPT },
	{ "abort: guided bucket ending past the entries", SYN_TO(IP(10, 15, 0xff, 0xff), 80),
	  .on = ON_CORRUPT },
	{ "abort: guided entries past the pool", SYN_TO(IP(10, 18, 0, 1), 80), .on = ON_CORRUPT },
	{ "abort: array search running past the pool", SYN_TO(IP(10, 19, 255, 255), 80),
	  .on = ON_CORRUPT },
};

/* A block the damage left alone still answers. */
static const struct tcase sane[] = {
	{ "syn first entry on corrupt world's sane part", SYN_TO(IP(10, 1, 0, 5), 80),
	  .seq = 0x11223344, .on = ON_CORRUPT },
};

static const struct case_table tables[] = {
	CASE_TABLE("lookups into damaged maps abort", ABORT_INTERNAL, aborts),
	CASE_TABLE("the corrupt world's sane part", TX_SYNACK, sane),
};

const struct case_file corrupt_cases = { tables, N_ROWS(tables), NULL, 0 };
