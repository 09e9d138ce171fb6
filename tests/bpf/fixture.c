// SPDX-License-Identifier: GPL-2.0-only
/*
 * fixture.c - the BPF tests' worlds and the responders loaded with
 * them. Every container kind of rescan_abi.h is here (ARRAY with n = 1, 4
 * and 63, GUIDED with n = 64 and 300 and buckets of 1 to 8, SPLIT with
 * every kind of /24, BITMAP, FULL, EMPTY), in the first and the last
 * block of IPv4, around the lab network, and in 40 bitmaps of which one
 * straddles a chunk edge of the world's own layout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "ipset.h"
#include "loader.h"
#include "service.h"
#include "util.h"

struct world world;
struct world states_world;
struct world many_world;
static struct world empty_world;
static struct responder_bpf *skel[NR_RESPONDERS];

const char *const responder_name[NR_RESPONDERS] = {
	[ON_LAB] = "lab", [ON_OPEN] = "open", [ON_EMPTY] = "empty", [ON_CORRUPT] = "corrupt",
	[ON_STATES] = "states", [ON_SEAT_ONE] = "seat-one", [ON_SEAT_NET] = "seat-net",
	[ON_MANY] = "many",
};
const uint32_t responder_isn_key[NR_RESPONDERS] = {
	[ON_LAB] = KEY_A, [ON_OPEN] = KEY_B, [ON_EMPTY] = KEY_A, [ON_CORRUPT] = KEY_A,
	[ON_STATES] = KEY_A, [ON_SEAT_ONE] = KEY_A, [ON_SEAT_NET] = KEY_A, [ON_MANY] = KEY_A,
};

struct responder_bpf *responder(enum responder on)
{
	return skel[on];
}

/*
 * Host i of the test blocks 10.15-10.17/16. 10.15 (64 hosts, 16 buckets
 * of 4096 addresses): 60 hosts at the start of bucket 0, buckets 1-13
 * empty, each edge of buckets 14 and 15. 10.16 (300 hosts): every 218th
 * address from 8. 10.17 (63 hosts): every 1000th.
 */
uint32_t guided_ref_addr(uint32_t block, uint32_t i)
{
	static const uint16_t tail[4] = { 0xe000, 0xefff, 0xf000, 0xffff };

	if (block == IP(10, 15, 0, 0))
		return block + (i < 60 ? 1 + 3 * i : tail[i - 60]);
	if (block == IP(10, 16, 0, 0))
		return block + 8 + 218 * i;
	return block + 1000 * i;
}

/*
 * 10.20/16, a split container for the 8-byte window (world_lookup.h): /24
 * h holds 1 + h % 8 hosts, so its bytes start at every offset within a
 * word and run over into the next one; the bytes that follow them (the
 * next /24's) are tried as keys too, since every address is probed.
 */
bool window_host(uint32_t a)
{
	uint32_t h = a >> 8 & 0xff, b = a & 0xff, j;

	for (j = 0; j < 1 + h % 8; j++)
		if ((h * 37 + 29 * j) % 256 == b)
			return true;
	return false;
}

/*
 * 10.21/16, a guided array (72 hosts: 16 buckets of 4096 addresses) for
 * the 16-bit windows: bucket k holds 1 + 3k % 8 entries, so buckets of 1
 * to 8 entries start at every offset within a word, some spanning three.
 */
bool guided_window_host(uint32_t a)
{
	uint32_t k = (a & 0xffff) >> 12, r = a & 0xfff, j;

	for (j = 0; j < 1 + k * 3 % 8; j++)
		if ((k * 613 + 997 * j) % 4096 == r)
			return true;
	return false;
}

/*
 * tcp/3389: EDGE_BLOCKS bitmap blocks 20.0-20.39/16 (320 KiB, more than a
 * chunk of the kernel's pool), placed after the other sets' odd-sized
 * containers, so that one of them straddles a chunk edge in the world's
 * own layout.
 */
bool edge_host(uint32_t a)
{
	return (a ^ a >> 7) % 5 == 0;
}

/* tcp/80 host set: every container kind with hits next to misses. */
static void add_tcp80(struct ipset *s)
{
	uint32_t i;

	ipset_add(s, IP(0, 0, 0, 1));			/* block 0: ARRAY n=1 */
	ipset_add(s, IP(10, 1, 0, 5));			/* ARRAY n=4 */
	ipset_add(s, IP(10, 1, 0, 7));
	ipset_add(s, IP(10, 1, 0, 9));
	ipset_add(s, IP(10, 1, 200, 1));
	ipset_add(s, IP(10, 2, 3, 4));			/* ARRAY n=1 */
	for (i = 0; i < 512; i++)			/* SPLIT, 2 per /24: 8, 136, ..., 65416 */
		ipset_add(s, IP(10, 3, 0, 0) + 8 + 128 * i);
	for (i = 0; i < 63; i++)			/* ARRAY n=63, the largest without a guide */
		ipset_add(s, guided_ref_addr(IP(10, 17, 0, 0), i));
	for (i = 0; i < 64; i++)			/* GUIDED n=64: buckets of 4096 */
		ipset_add(s, guided_ref_addr(IP(10, 15, 0, 0), i));
	for (i = 0; i < 300; i++)			/* GUIDED n=300: buckets of 1024 */
		ipset_add(s, guided_ref_addr(IP(10, 16, 0, 0), i));
	for (i = 0; i < 250 * 256; i += 2)		/* BITMAP: even addresses of 250 /24s... */
		ipset_add(s, IP(10, 4, 0, 0) + i);
	ipset_add(s, IP(10, 4, 255, 255));		/* ...and the block's last bit */
	ipset_add_range(s, IP(10, 5, 0, 0), IP(10, 5, 255, 255));	/* FULL */
	for (i = 0; i < 65536; i++)			/* SPLIT: 1 to 8 bytes per /24 */
		if (window_host(IP(10, 20, 0, 0) + i))
			ipset_add(s, IP(10, 20, 0, 0) + i);
	for (i = 0; i < 65536; i++)			/* GUIDED: buckets of 1 to 8 */
		if (guided_window_host(IP(10, 21, 0, 0) + i))
			ipset_add(s, IP(10, 21, 0, 0) + i);
	for (i = 0; i < RS_ARRAY_MAX; i++)		/* SPLIT: 16 sorted bytes per /24 */
		ipset_add(s, IP(10, 11, 0, 0) + 8 + 16 * i);
	/* SPLIT with every kind of /24: 1 byte, 31 bytes (the most), a bitmap
	 * of 32 hosts, a full one as bitmap, empty ones, and the last /24. */
	ipset_add(s, IP(10, 12, 0, 0));
	for (i = 0; i < 31; i++)
		ipset_add(s, IP(10, 12, 1, 1 + 2 * i));
	for (i = 0; i < 32; i++)
		ipset_add(s, IP(10, 12, 2, 2 * i));
	ipset_add_range(s, IP(10, 12, 3, 0), IP(10, 12, 3, 255));
	ipset_add(s, IP(10, 12, 255, 0));
	ipset_add(s, IP(10, 12, 255, 255));
	/* Around the lab network, to see its mask applied exactly. */
	ipset_add(s, IP(100, 63, 255, 255));
	ipset_add(s, IP(100, 64, 0, 5));
	ipset_add(s, IP(100, 64, 0, 255));
	ipset_add(s, IP(100, 64, 1, 0));
	ipset_add(s, IP(198, 51, 100, 80));
	ipset_add(s, IP(255, 255, 255, 254));		/* the last block */
}

static void add_icmp(struct ipset *s)
{
	uint32_t i;

	ipset_add(s, IP(10, 1, 0, 6));
	for (i = 1; i < 250 * 256; i += 2)		/* BITMAP: the odd addresses */
		ipset_add(s, IP(10, 4, 0, 0) + i);
	ipset_add_range(s, IP(10, 5, 0, 0), IP(10, 5, 255, 255));
	ipset_add(s, IP(100, 64, 0, 5));
	ipset_add(s, IP(255, 255, 255, 254));		/* last entry of the whole directory */
}

static void add_tcp443(struct ipset *s)
{
	ipset_add(s, IP(10, 9, 9, 9));
	ipset_add(s, IP(10, 1, 0, 6));	/* a tcp/80 miss that tcp/443 has */
}

static void add_tcp65535(struct ipset *s)
{
	ipset_add(s, IP(10, 1, 0, 5));
}

static void add_tcp3389(struct ipset *s)
{
	uint32_t a;

	for (a = IP(20, 0, 0, 0); a < IP(20, EDGE_BLOCKS, 0, 0); a++)
		if (edge_host(a))
			ipset_add(s, a);
}

/* Hosts .1 to .9 of the /24 net. */
static void add_nine(struct ipset *s, uint32_t net)
{
	ipset_add_range(s, net + 1, net + 9);
}

static void add_states_open(struct ipset *s)
{
	add_nine(s, STATES_OPEN_NET);
}

static void add_states_closed(struct ipset *s)
{
	add_nine(s, STATES_CLOSED_NET);
}

static void add_states_filtered(struct ipset *s)
{
	add_nine(s, STATES_FILTERED_NET);
}

static void add_states_policy(struct ipset *s)
{
	ipset_add_range(s, STATES_FILTERED_NET, STATES_FILTERED_NET + 255);
	ipset_add_range(s, STATES_POLICY_NET, STATES_POLICY_NET + 255);
}

/* The UDP services with per-host replies: the open hosts and all of STATES_BANNER_NET. */
static void add_states_banners(struct ipset *s)
{
	add_nine(s, STATES_OPEN_NET);
	ipset_add_range(s, STATES_BANNER_NET, STATES_BANNER_NET + 255);
}

static void add_states_timestamp(struct ipset *s)
{
	ipset_add(s, STATES_OPEN_NET + 1);
	ipset_add(s, STATES_POLICY_NET + 1);
}

struct fill {
	const char *spec;
	enum rs_state state;
	void (*fill)(struct ipset *s);
};

static int build_world(struct world *w, const struct fill *f, size_t n, struct ipset *s)
{
	struct rs_svc svc;
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		err = svc_parse(f[i].spec, &svc);
		if (!err) {
			ipset_clear(s);
			f[i].fill(s);
			err = world_add_service(w, svc, f[i].state, s);
		}
		if (err)
			printf("# building the world (%s): %s\n", f[i].spec, rs_last_error());
	}
	return err;
}

/* tcp/1 to tcp/MANY_TCP open on MANY_NET.1-9, one set for all; then the UDP policy closed there. */
static int build_many_world(struct world *w, struct ipset *s)
{
	struct rs_svc first = { RS_SLOT_TCP, 1 }, udp_policy = { RS_SLOT_UDP, RS_PORT_OTHER };
	uint32_t port;
	int err;

	ipset_clear(s);
	add_nine(s, MANY_NET);
	err = world_add_service(w, first, RS_STATE_OPEN, s);
	for (port = 2; port <= MANY_TCP && !err; port++)
		err = world_add_service_alias(w, (struct rs_svc){ RS_SLOT_TCP, port }, RS_STATE_OPEN,
					      first, RS_STATE_OPEN);
	if (!err) {
		ipset_clear(s);
		add_nine(s, MANY_NET);
		err = world_add_service(w, udp_policy, RS_STATE_CLOSED, s);
	}
	if (err)
		printf("# building the many world: %s\n", rs_last_error());
	return err;
}

static int build_worlds(void)
{
	/* icmp last: its containers end the pool (corrupt.c leans on that). */
	static const struct fill services[] = {
		{ "tcp/80", RS_STATE_OPEN, add_tcp80 },
		{ "tcp/443", RS_STATE_OPEN, add_tcp443 },
		{ "tcp/65535", RS_STATE_OPEN, add_tcp65535 },
		{ "tcp/3389", RS_STATE_OPEN, add_tcp3389 },
		{ "icmp", RS_STATE_OPEN, add_icmp },
	};
	static const struct fill states[] = {
		{ "tcp/80", RS_STATE_OPEN, add_states_open },
		{ "tcp/80", RS_STATE_CLOSED, add_states_closed },
		{ "tcp/80", RS_STATE_FILTERED, add_states_filtered },
		{ "tcp/*", RS_STATE_CLOSED, add_states_policy },
		{ "icmp/timestamp", RS_STATE_OPEN, add_states_timestamp },
		{ "udp/53", RS_STATE_OPEN, add_states_banners },
		{ "udp/123", RS_STATE_OPEN, add_states_banners },
		{ "udp/161", RS_STATE_OPEN, add_states_banners },
		{ "udp/1900", RS_STATE_OPEN, add_states_banners },
		{ "udp/7", RS_STATE_OPEN, add_states_open },
		{ "udp/53", RS_STATE_CLOSED, add_states_closed },
		{ "udp/53", RS_STATE_FILTERED, add_states_filtered },
		{ "udp/*", RS_STATE_CLOSED, add_states_policy },
	};
	struct ipset s;
	int err;

	world_init(&world, 42);
	world_init(&empty_world, 43);
	world_init(&states_world, 44);
	world_init(&many_world, 45);
	err = ipset_init(&s);
	if (err) {
		printf("# ipset_init: %s\n", strerror(-err));
		return err;
	}
	err = build_world(&world, services, N_ROWS(services), &s);
	if (!err)
		err = build_world(&states_world, states, N_ROWS(states), &s);
	if (!err)
		err = build_many_world(&many_world, &s);
	ipset_free(&s);
	return err;
}

static const struct world *world_of(enum responder on)
{
	switch (on) {
	case ON_EMPTY:
		return &empty_world;
	case ON_STATES:
	case ON_SEAT_ONE:
	case ON_SEAT_NET:
		return &states_world;
	case ON_MANY:
		return &many_world;
	default:
		return &world;
	}
}

int fixture_load(void)
{
	const struct responder_cfg cfg[NR_RESPONDERS] = {
		[ON_LAB] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[ON_OPEN] = { 0, 0, KEY_B },
		[ON_EMPTY] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[ON_CORRUPT] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[ON_STATES] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[ON_SEAT_ONE] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A, .do_not_scan = true },
		[ON_SEAT_NET] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[ON_MANY] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
	};
	int on, err;

	if (build_worlds()) {
		printf("not ok 1 - build the test world\n");
		return -1;
	}
	for (on = 0; on < NR_RESPONDERS; on++) {
		err = loader_load_responder(world_of(on), &cfg[on], &skel[on]);
		if (err) {
			printf("not ok 1 - load the responder (%s): %s%s\n", responder_name[on],
			       rs_last_error(),
			       err == -EPERM || err == -EACCES ?
				       " -- these tests need root with BPF; NOT skipped, FAILED" :
				       "");
			return err;
		}
	}
	err = corrupt_world();
	if (err) {
		printf("not ok 1 - damage the corrupt responder's maps: %s\n", strerror(-err));
		return err;
	}
	err = seat_responders();
	if (err)
		printf("not ok 1 - seat the seated responders: %s\n", strerror(-err));
	return err;
}

void fixture_free(void)
{
	int on;

	for (on = 0; on < NR_RESPONDERS; on++)
		loader_free_responder(skel[on]);
	world_free(&world);
	world_free(&empty_world);
	world_free(&states_world);
	world_free(&many_world);
}

int bucket_of(enum responder on, const char *spec)
{
	static const struct {
		const char *spec;
		int bucket;
	} main_buckets[] = {
		{ "tcp/80", 1 }, { "tcp/443", 2 }, { "tcp/65535", 3 }, { "tcp/3389", 4 }, { "icmp", 5 },
	}, states_buckets[] = {
		{ "tcp/*", 1 }, { "udp/*", 2 }, { "tcp/80", 3 }, { "icmp/timestamp", 4 },
		{ "udp/53", 5 }, { "udp/123", 6 }, { "udp/161", 7 }, { "udp/1900", 8 }, { "udp/7", 9 },
	};
	struct rs_svc svc;
	size_t i;

	if (!strcmp(spec, "no_service"))
		return RS_SVC_NONE;
	if (!strcmp(spec, "other"))
		return RS_SVC_OTHER;
	switch (on) {
	case ON_EMPTY:
		return -1;
	case ON_STATES:
	case ON_SEAT_ONE:
	case ON_SEAT_NET:
		for (i = 0; i < N_ROWS(states_buckets); i++)
			if (!strcmp(spec, states_buckets[i].spec))
				return states_buckets[i].bucket;
		return -1;
	case ON_MANY:
		/* The UDP policy first; tcp/N then has bucket N + 1 up to the last of its own. */
		if (!strcmp(spec, "udp/*"))
			return 1;
		if (svc_parse(spec, &svc) || svc.slot != RS_SLOT_TCP || svc.port < 1 ||
		    svc.port > MANY_TCP)
			return -1;
		return svc.port + 1 < RS_SVC_OTHER ? (int)svc.port + 1 : -1;
	default:
		for (i = 0; i < N_ROWS(main_buckets); i++)
			if (!strcmp(spec, main_buckets[i].spec))
				return main_buckets[i].bucket;
		return -1;
	}
}

uint32_t set_of(const char *spec)
{
	struct rs_svc svc;
	const struct world_service *ws;

	if (svc_parse(spec, &svc))
		return UINT32_MAX;
	ws = world_find(&world, svc);
	return ws ? ws->set[RS_STATE_OPEN] : UINT32_MAX;
}

const struct rs_dir_entry *dir_of(const char *spec, uint32_t addr)
{
	return &world.dir[(size_t)set_of(spec) * RS_BLOCKS + (addr >> 16)];
}
