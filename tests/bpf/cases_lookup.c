// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_lookup.c - the world lookup, container kind by container kind:
 * for each kind of fixture.c's world the hosts at its edges and the
 * misses right next to them, because binary search, guides, windows and
 * bit indexing fail at the edges. Then services: a host of one service is
 * no host of another, and a service nobody offers drops every probe.
 */
#include "cases.h"

/*
 * A lookup row is a SYN to the table's port, or an echo request, from the
 * scanner. Its seq (echo: id and seq) is a hash of the address: any value
 * would do, and a different one per row keeps one row's reply from
 * passing for another's.
 */
struct tcase lookup_case(const struct lookup_table *lt, const struct lookup_row *r, int *expect)
{
	uint32_t mix = r->addr * 2654435761u;
	struct tcase t = { .name = r->name, .on = lt->on, .daddr = r->addr };

	if (r->probe.kind == F_TCP) {
		t.kind = F_TCP;
		t.dport = r->probe.port;
		t.tcp_flags = SYN;
		t.seq = mix;
		t.tcp_opts = r->probe.tcp_opts;
	} else {
		t.kind = F_ICMP;
		t.icmp_type = ICMP_ECHO_REQUEST;
		t.icmp_id = (uint16_t)(mix >> 16);
		t.icmp_seq = (uint16_t)mix;
	}
	switch (r->says) {
	case HIT:
		*expect = r->probe.kind == F_TCP ? C(TX_SYNACK) : C(TX_ECHO_REPLY);
		break;
	case MISS:
		*expect = C(DROP_NOT_IN_WORLD);
		break;
	}
	return t;
}

static const struct lookup_row on_lab[] = {
	/* 0.0/16, the first block: an array of 1, 0.0.0.1 */
	{ "syn block 0 array1 (0.0.0.1)", SYN_PORT(80), IP(0, 0, 0, 1), HIT },
	{ "miss block 0 (0.0.0.0)", SYN_PORT(80), IP(0, 0, 0, 0), MISS },

	/* 10.1/16: an array of 4, 10.1.0.5, .7, .9 and 10.1.200.1 (cases_tcp_syn.c
	 * has more SYNs to them) */
	{ "syn array4 first entry", SYN_PORT(80), IP(10, 1, 0, 5), HIT },
	{ "syn array4 second entry", SYN_PORT(80), IP(10, 1, 0, 7), HIT },
	{ "syn array4 third entry", SYN_PORT(80), IP(10, 1, 0, 9), HIT },
	{ "miss array4 below first", SYN_PORT(80), IP(10, 1, 0, 4), MISS },
	{ "miss array4 between 1st and 2nd", SYN_PORT(80), IP(10, 1, 0, 6), MISS },
	{ "miss array4 between 2nd and 3rd", SYN_PORT(80), IP(10, 1, 0, 8), MISS },
	{ "miss array4 after 3rd", SYN_PORT(80), IP(10, 1, 0, 10), MISS },
	{ "miss array4 before last", SYN_PORT(80), IP(10, 1, 200, 0), MISS },
	{ "miss array4 above last", SYN_PORT(80), IP(10, 1, 200, 2), MISS },
	{ "miss array4 block top", SYN_PORT(80), IP(10, 1, 255, 255), MISS },

	/* 10.2/16: an array of 1, 10.2.3.4 */
	{ "syn array1 only entry", SYN_PORT(80), IP(10, 2, 3, 4), HIT },
	{ "miss array1 below", SYN_PORT(80), IP(10, 2, 3, 3), MISS },
	{ "miss array1 above", SYN_PORT(80), IP(10, 2, 3, 5), MISS },

	/* 10.17/16: an array of 63, the largest without a guide, every 1000th */
	{ "syn array63 first entry", SYN_PORT(80), IP(10, 17, 0, 0), HIT },
	{ "syn array63 last entry", SYN_PORT(80), IP(10, 17, 0, 0) + 62000, HIT },
	{ "miss array63 between entries", SYN_PORT(80), IP(10, 17, 0, 1), MISS },

	/* 10.15/16: guided, 64 entries in buckets of 4096 addresses: 60 at the
	 * start of bucket 0, buckets 1-13 empty, both edges of 14 and 15 */
	{ "syn guided64 first entry", SYN_PORT(80), IP(10, 15, 0, 1), HIT },
	{ "syn guided64 60th entry", SYN_PORT(80), IP(10, 15, 0, 178), HIT },
	{ "syn guided64 first address of bucket 14", SYN_PORT(80), IP(10, 15, 0xe0, 0), HIT },
	{ "syn guided64 last address of bucket 14", SYN_PORT(80), IP(10, 15, 0xef, 0xff), HIT },
	{ "syn guided64 first address of bucket 15", SYN_PORT(80), IP(10, 15, 0xf0, 0), HIT },
	{ "syn guided64 block top", SYN_PORT(80), IP(10, 15, 255, 255), HIT },
	{ "miss guided64 block bottom", SYN_PORT(80), IP(10, 15, 0, 0), MISS },
	{ "miss guided64 between entries", SYN_PORT(80), IP(10, 15, 0, 2), MISS },
	{ "miss guided64 past bucket 0's entries", SYN_PORT(80), IP(10, 15, 0, 179), MISS },
	{ "miss guided64 empty bucket", SYN_PORT(80), IP(10, 15, 0x10, 0), MISS },
	{ "miss guided64 last address before bucket 14", SYN_PORT(80), IP(10, 15, 0xdf, 0xff), MISS },
	{ "miss guided64 inside bucket 14", SYN_PORT(80), IP(10, 15, 0xe0, 1), MISS },
	{ "miss guided64 below block top", SYN_PORT(80), IP(10, 15, 255, 254), MISS },

	/* 10.16/16: guided, 300 entries in buckets of 1024, every 218th from 8 */
	{ "syn guided300 first entry", SYN_PORT(80), IP(10, 16, 0, 8), HIT },
	{ "syn guided300 last entry", SYN_PORT(80), IP(10, 16, 0, 8) + 218 * 299, HIT },
	{ "miss guided300 below first", SYN_PORT(80), IP(10, 16, 0, 7), MISS },
	{ "miss guided300 block top", SYN_PORT(80), IP(10, 16, 255, 255), MISS },

	/* 10.3/16: split, two bytes per /24, 8 and 136 */
	{ "syn split2 first entry", SYN_PORT(80), IP(10, 3, 0, 8), HIT },
	{ "syn split2 second entry", SYN_PORT(80), IP(10, 3, 0, 136), HIT },
	{ "syn split2 middle entry", SYN_PORT(80), IP(10, 3, 128, 8), HIT },
	{ "syn split2 entry 255", SYN_PORT(80), IP(10, 3, 127, 136), HIT },
	{ "syn split2 last entry", SYN_PORT(80), IP(10, 3, 255, 136), HIT },
	{ "miss split2 block bottom", SYN_PORT(80), IP(10, 3, 0, 0), MISS },
	{ "miss split2 below first", SYN_PORT(80), IP(10, 3, 0, 7), MISS },
	{ "miss split2 above first", SYN_PORT(80), IP(10, 3, 0, 9), MISS },
	{ "miss split2 middle", SYN_PORT(80), IP(10, 3, 128, 9), MISS },
	{ "miss split2 below last", SYN_PORT(80), IP(10, 3, 255, 135), MISS },
	{ "miss split2 above last", SYN_PORT(80), IP(10, 3, 255, 137), MISS },
	{ "miss split2 block top", SYN_PORT(80), IP(10, 3, 255, 255), MISS },

	/* 10.11/16: split, 16 sorted bytes per /24, every 16th from 8 */
	{ "syn split16 first entry", SYN_PORT(80), IP(10, 11, 0, 8), HIT },
	{ "syn split16 last entry of a /24", SYN_PORT(80), IP(10, 11, 0, 248), HIT },
	{ "syn split16 middle /24", SYN_PORT(80), IP(10, 11, 128, 136), HIT },
	{ "miss split16 below first", SYN_PORT(80), IP(10, 11, 0, 7), MISS },
	{ "miss split16 between entries", SYN_PORT(80), IP(10, 11, 0, 9), MISS },
	{ "miss split16 above last", SYN_PORT(80), IP(10, 11, 255, 249), MISS },

	/* 10.12/16: split with every kind of /24: .0 one byte, .1 31 bytes
	 * (1, 3, ..., 61), .2 a bitmap of 32 (0, 2, ..., 62), .3 full, .4 to
	 * .254 empty, .255 two bytes (0 and 255) */
	{ "syn split /24 0 with one byte", SYN_PORT(80), IP(10, 12, 0, 0), HIT },
	{ "miss split one byte", SYN_PORT(80), IP(10, 12, 0, 1), MISS },
	{ "syn split 31 bytes first", SYN_PORT(80), IP(10, 12, 1, 1), HIT },
	{ "syn split 31 bytes 16th", SYN_PORT(80), IP(10, 12, 1, 31), HIT },
	{ "syn split 31 bytes last", SYN_PORT(80), IP(10, 12, 1, 61), HIT },
	{ "miss split 31 bytes below first", SYN_PORT(80), IP(10, 12, 1, 0), MISS },
	{ "miss split 31 bytes between", SYN_PORT(80), IP(10, 12, 1, 2), MISS },
	{ "miss split 31 bytes above last", SYN_PORT(80), IP(10, 12, 1, 63), MISS },
	{ "syn split bitmap of 32 first bit", SYN_PORT(80), IP(10, 12, 2, 0), HIT },
	{ "syn split bitmap of 32 last bit", SYN_PORT(80), IP(10, 12, 2, 62), HIT },
	{ "miss split bitmap odd bit", SYN_PORT(80), IP(10, 12, 2, 1), MISS },
	{ "miss split bitmap past its hosts", SYN_PORT(80), IP(10, 12, 2, 64), MISS },
	{ "syn split full /24 bit 0", SYN_PORT(80), IP(10, 12, 3, 0), HIT },
	{ "syn split full /24 bit 255", SYN_PORT(80), IP(10, 12, 3, 255), HIT },
	{ "miss split empty /24", SYN_PORT(80), IP(10, 12, 4, 0), MISS },
	{ "miss split empty /24 254", SYN_PORT(80), IP(10, 12, 254, 255), MISS },
	{ "syn split last /24 byte 0", SYN_PORT(80), IP(10, 12, 255, 0), HIT },
	{ "syn split last /24 byte 255", SYN_PORT(80), IP(10, 12, 255, 255), HIT },
	{ "miss split last /24 byte 1", SYN_PORT(80), IP(10, 12, 255, 1), MISS },
	{ "miss split last /24 byte 254", SYN_PORT(80), IP(10, 12, 255, 254), MISS },

	/* 10.4/16: a bitmap, the even addresses of 10.4.0-249 and 10.4.255.255 */
	{ "syn bitmap bit 0", SYN_PORT(80), IP(10, 4, 0, 0), HIT },
	{ "syn bitmap bit 62", SYN_PORT(80), IP(10, 4, 0, 62), HIT },
	{ "syn bitmap word 1 bit 0", SYN_PORT(80), IP(10, 4, 0, 64), HIT },
	{ "syn bitmap last of run", SYN_PORT(80), IP(10, 4, 249, 254), HIT },
	{ "syn bitmap last bit of block", SYN_PORT(80), IP(10, 4, 255, 255), HIT },
	{ "miss bitmap bit 1", SYN_PORT(80), IP(10, 4, 0, 1), MISS },
	{ "miss bitmap bit 63", SYN_PORT(80), IP(10, 4, 0, 63), MISS },
	{ "miss bitmap word 1 bit 1", SYN_PORT(80), IP(10, 4, 0, 65), MISS },
	{ "miss bitmap after run", SYN_PORT(80), IP(10, 4, 250, 0), MISS },
	{ "miss bitmap before last bit", SYN_PORT(80), IP(10, 4, 255, 254), MISS },

	/* 10.5/16 full, 10.6/16 empty */
	{ "syn full first", SYN_PORT(80), IP(10, 5, 0, 0), HIT },
	{ "syn full middle", SYN_PORT(80), IP(10, 5, 128, 1), HIT },
	{ "syn full last", SYN_PORT(80), IP(10, 5, 255, 255), HIT },
	{ "miss empty block after full", SYN_PORT(80), IP(10, 6, 0, 0), MISS },
	{ "miss empty block", SYN_PORT(80), IP(10, 6, 255, 255), MISS },

	/* 255.255/16, the last block: an array of 1, 255.255.255.254 */
	{ "syn last block (255.255.255.254)", SYN_PORT(80), IP(255, 255, 255, 254), HIT },
	{ "miss last address (255.255.255.255)", SYN_PORT(80), IP(255, 255, 255, 255), MISS },

	/* World hosts just outside the lab's 100.64.0.0/24 (inside it:
	 * cases_frames.c) */
	{ "syn lab boundary: 100.64.1.0", SYN_PORT(80), IP(100, 64, 1, 0), HIT },
	{ "syn lab boundary: 100.63.255.255", SYN_PORT(80), IP(100, 63, 255, 255), HIT },

	/* Each service has its own host set (10.1.0.5 is a tcp/80 host and
	 * not an icmp one, 10.1.0.6 the other way round); tcp/443 is probed
	 * as nmap's host discovery probes it. icmp: 10.1.0.6, the odd
	 * addresses of 10.4.0-249, 10.5/16, 100.64.0.5, 255.255.255.254. */
	{ "syn tcp/443 host", NMAP_SYN_PORT(443), IP(10, 9, 9, 9), HIT },
	{ "syn tcp/443 on a tcp/80 miss", NMAP_SYN_PORT(443), IP(10, 1, 0, 6), HIT },
	{ "miss tcp/443 on a tcp/80 host", NMAP_SYN_PORT(443), IP(10, 1, 0, 5), MISS },
	{ "syn port 65535", SYN_PORT(65535), IP(10, 1, 0, 5), HIT },
	{ "miss tcp/65535 on a tcp/80 host", SYN_PORT(65535), IP(10, 1, 0, 7), MISS },
	{ "echo array", ECHO_REQ, IP(10, 1, 0, 6), HIT },
	{ "echo last directory entry", ECHO_REQ, IP(255, 255, 255, 254), HIT },
	{ "miss echo on a tcp/80-only host", ECHO_REQ, IP(10, 1, 0, 5), MISS },
	{ "miss echo above array1", ECHO_REQ, IP(10, 1, 0, 7), MISS },
	{ "miss echo bitmap even", ECHO_REQ, IP(10, 4, 0, 2), MISS },
	{ "miss echo bitmap after run", ECHO_REQ, IP(10, 4, 250, 1), MISS },
	{ "miss echo empty block", ECHO_REQ, IP(10, 6, 0, 1), MISS },
	{ "miss echo last address", ECHO_REQ, IP(255, 255, 255, 255), MISS },
};

/* Without a lab network, a world host in 100.64.0.0/24 is a host like any other. */
static const struct lookup_row no_lab_network[] = {
	{ "syn lab address, lab check off", SYN_PORT(80), IP(100, 64, 0, 5), HIT },
	{ "miss lab check off, not in world", SYN_PORT(80), IP(100, 64, 0, 6), MISS },
	{ "echo lab address, lab check off", ECHO_REQ, IP(100, 64, 0, 5), HIT },
};

static const struct lookup_table lookups[] = {
	LOOKUP_TABLE("the world lookup: tcp/80 container by container, then per service", ON_LAB,
		     on_lab),
	LOOKUP_TABLE("a responder without a lab network", ON_OPEN, no_lab_network),
};

/* Services no host of the world offers: every probe for them is dropped. */
static const struct tcase no_service[] = {
	{ "no service tcp/22", SYN_TO(IP(10, 1, 0, 5), 22) },
	{ "no service tcp/0", SYN_TO(IP(10, 1, 0, 5), 0) },
	{ "no service tcp/81 in a full block", SYN_TO(IP(10, 5, 0, 1), 81) },
	{ "no service tcp/444", SYN_TO(IP(10, 9, 9, 9), 444) },
	{ "no service: empty world, syn", SYN_TO(IP(10, 1, 0, 5), 80), .on = ON_EMPTY },
	{ "no service: empty world, echo", ECHO_TO(IP(10, 1, 0, 6)), .on = ON_EMPTY },
};

static const struct case_table tables[] = {
	CASE_TABLE("services nobody offers", DROP_NO_SERVICE, no_service),
};

const struct case_file lookup_cases = { tables, N_ROWS(tables), lookups, N_ROWS(lookups) };
