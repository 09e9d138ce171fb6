// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_icmp_echo.c - the ICMP echo probe kind (bpf/probe_icmp_echo.h):
 * echo requests as ping, ZMap and masscan send them, each answered with
 * an echo reply that keeps id, seq and payload (the runner compares every
 * byte); ICMP that is no echo request; ICMP cut too short for an echo
 * header. The world lookup behind the answer is cases_lookup.c's.
 */
#include "cases.h"

/* A host of icmp (fixture.c). */
#define ECHO_HOST IP(10, 1, 0, 6)

static const struct tcase answered[] = {
	{ "echo bitmap, 56-byte payload (ping)", ECHO_TO(IP(10, 4, 0, 1)), .icmp_id = 0x4242,
	  .icmp_seq = 7, .payload = 56 },
	{ "echo full, odd payload", ECHO_TO(IP(10, 5, 7, 7)), .icmp_id = 0xbeef, .icmp_seq = 0x100,
	  .payload = 57 },
	{ "echo id/seq 0xffff (masscan cookie)", ECHO_TO(IP(10, 4, 249, 255)), .icmp_id = 0xffff,
	  .icmp_seq = 0xffff, .payload = 8 },
	{ "echo padded to 60 bytes", ECHO_TO(ECHO_HOST), .icmp_id = 0x0060, .icmp_seq = 0x0060,
	  .pad = 18 },
	{ "echo IP options, padded with junk", ECHO_TO(IP(10, 5, 0, 1)), .icmp_id = 0x0606,
	  .icmp_seq = 3, .ip_opts = 4, .payload = 3, .pad = 15, .pad_fill = 0xee },
	{ "echo DF set", ECHO_TO(IP(10, 5, 0, 2)), .icmp_id = 0x0d0f, .icmp_seq = 4,
	  .frag = 0x4000, .payload = 16 },
	/* The reply is all zeros but its checksum, which only 0xffff completes (fuzz_packets). */
	{ "echo id 0, seq 0, no data: reply checksum 0xffff", ECHO_TO(ECHO_HOST) },
};

/* Only type 8 code 0 is an echo request. */
static const struct tcase not_echo[] = {
	{ "not probe: ICMP echo reply", ICMP_TO(ECHO_HOST, ICMP_ECHO_REPLY, 0) },
	{ "not probe: ICMP echo with code 1", ICMP_TO(ECHO_HOST, ICMP_ECHO_REQUEST, 1) },
	{ "not probe: ICMP port unreachable", ICMP_TO(ECHO_HOST, ICMP_UNREACH, 3), .payload = 28 },
};

/* An echo header is 8 bytes; tot_len says how many there are. */
static const struct tcase icmp_malformed[] = {
	{ "malformed: ICMP of 0 bytes", ECHO_TO(ECHO_HOST), .damage = L4_CUT_TO(0) },
	{ "malformed: ICMP of 4 bytes", ECHO_TO(ECHO_HOST), .damage = L4_CUT_TO(4) },
	{ "malformed: ICMP of 7 bytes", ECHO_TO(ECHO_HOST), .damage = L4_CUT_TO(7) },
	{ "malformed: ICMP 7 bytes per tot_len, padded", ECHO_TO(ECHO_HOST), .pad = 20,
	  .damage = L4_CUT_TO(7) },
};

static const struct case_table tables[] = {
	CASE_TABLE("echo requests, answered with an echo reply", TX_ECHO_REPLY, answered),
	CASE_TABLE("ICMP that is no echo request", DROP_NOT_PROBE, not_echo),
	CASE_TABLE("ICMP too short for an echo header", DROP_MALFORMED, icmp_malformed),
};

const struct case_file icmp_echo_cases = { tables, N_ROWS(tables), NULL, 0 };
