// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_icmp_timestamp.c - ICMP timestamp requests (nmap -PP,
 * bpf/probe_icmp_timestamp.h): answered by the hosts of icmp/timestamp
 * in the states world with a reply whose receive and transmit times are
 * the originate time; requests of another size are malformed.
 */
#include "cases.h"
#include "fixture.h"

#define TS_HOST (STATES_OPEN_NET + 1)
/* 12 bytes after the 8-byte header: originate, receive, transmit. */
#define TIMESTAMP_TO(d) ICMP_TO(d, ICMP_TIMESTAMP, 0), .payload = 12, .on = ON_STATES

static const struct tcase answered[] = {
	{ "timestamp: nmap -PP", TIMESTAMP_TO(TS_HOST), .icmp_id = 0x1234, .icmp_seq = 1 },
	{ "timestamp: the policy net's host", TIMESTAMP_TO(STATES_POLICY_NET + 1),
	  .icmp_id = 0xffff, .icmp_seq = 0xffff },
	{ "timestamp: padded", TIMESTAMP_TO(TS_HOST), .icmp_id = 7, .pad = 6 },
	{ "timestamp: IP options", TIMESTAMP_TO(TS_HOST), .icmp_id = 8, .ip_opts = 4 },
};

static const struct tcase silent[] = {
	{ "timestamp: host not in the set", TIMESTAMP_TO(STATES_OPEN_NET + 2) },
	{ "timestamp: policy hosts do not answer ICMP", TIMESTAMP_TO(STATES_POLICY_NET + 2) },
};

static const struct tcase no_service[] = {
	{ "timestamp: a world without the service", ICMP_TO(IP(10, 1, 0, 6), ICMP_TIMESTAMP, 0),
	  .payload = 12 },
	{ "echo: the states world has no icmp", ECHO_TO(TS_HOST), .on = ON_STATES },
};

static const struct tcase not_probe[] = {
	{ "timestamp with code 1", ICMP_TO(TS_HOST, ICMP_TIMESTAMP, 1), .payload = 12,
	  .on = ON_STATES },
	{ "timestamp reply", ICMP_TO(TS_HOST, ICMP_TIMESTAMP_REPLY, 0), .payload = 12,
	  .on = ON_STATES },
};

static const struct tcase malformed[] = {
	{ "timestamp of 8 bytes", ICMP_TO(TS_HOST, ICMP_TIMESTAMP, 0), .on = ON_STATES },
	{ "timestamp of 16 bytes", ICMP_TO(TS_HOST, ICMP_TIMESTAMP, 0), .payload = 8,
	  .on = ON_STATES },
	{ "timestamp of 24 bytes", ICMP_TO(TS_HOST, ICMP_TIMESTAMP, 0), .payload = 16,
	  .on = ON_STATES },
};

static const struct case_table tables[] = {
	CASE_TABLE("timestamp requests, answered", TX_TIMESTAMP_REPLY, answered),
	CASE_TABLE("timestamp requests to hosts that do not answer", DROP_NOT_IN_WORLD, silent),
	CASE_TABLE("ICMP to a world without that service", DROP_NO_SERVICE, no_service),
	CASE_TABLE("ICMP that is no timestamp request", DROP_NOT_PROBE, not_probe),
	CASE_TABLE("timestamp requests of the wrong size", DROP_MALFORMED, malformed),
};

const struct case_file icmp_timestamp_cases = { tables, N_ROWS(tables), NULL, 0 };
