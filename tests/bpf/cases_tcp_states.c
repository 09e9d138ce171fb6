// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_tcp_states.c - TCP against the states world (fixture.h): a SYN
 * to a closed port gets a RST-ACK, by the host's own list or its policy
 * for unlisted ports; an ACK or SYN-ACK out of the blue gets a RST from
 * any port that answers (bpf/probe_tcp_ack.h); a filtered port and a
 * silent host get nothing. The runner builds each expected RST itself
 * and compares every byte.
 */
#include "cases.h"
#include "fixture.h"

#define OPEN_HOST (STATES_OPEN_NET + 1)
#define CLOSED_HOST (STATES_CLOSED_NET + 1)
#define FILTERED_HOST (STATES_FILTERED_NET + 1)
#define POLICY_HOST (STATES_POLICY_NET + 7)
#define SILENT_HOST (STATES_SILENT_NET + 1)

static const struct tcase synack[] = {
	{ "states: syn to an open port", SYN_TO(OPEN_HOST, 80), .seq = 0x10203040,
	  .on = ON_STATES },
	{ "states: syn open, last of the nine", SYN_TO(STATES_OPEN_NET + 9, 80), .seq = 7,
	  .on = ON_STATES },
};

static const struct tcase rst_closed[] = {
	{ "closed: syn to a listed closed port", SYN_TO(CLOSED_HOST, 80), .seq = 0x10203040,
	  .on = ON_STATES },
	{ "closed: seq 0xffffffff, ack wraps", SYN_TO(STATES_CLOSED_NET + 9, 80),
	  .seq = 0xffffffff, .on = ON_STATES },
	{ "closed: nmap's SYN (MSS) loses its options", SYN_TO(CLOSED_HOST, 80),
	  .seq = 0x0a0b0c0d, .tcp_opts = TOPT_MSS, .on = ON_STATES },
	{ "closed: 40 bytes of options cut", SYN_TO(CLOSED_HOST, 80), .seq = 0x0f0f0f0f,
	  .tcp_opts = TOPT_40, .on = ON_STATES },
	{ "closed: Ethernet padding cut", SYN_TO(CLOSED_HOST, 80), .seq = 0x60606060, .pad = 6,
	  .pad_fill = 0xa5, .on = ON_STATES },
	{ "closed: IP options kept", SYN_TO(CLOSED_HOST, 80), .seq = 0x0b0b0b0b, .ip_opts = 4,
	  .on = ON_STATES },
	{ "closed: nonzero ack field ignored", SYN_TO(CLOSED_HOST, 80), .seq = 1,
	  .ack = 0xcafef00d, .on = ON_STATES },
	{ "closed by policy: listed port", SYN_TO(POLICY_HOST, 80), .seq = 0x31313131,
	  .on = ON_STATES },
	{ "closed by policy: unlisted port", SYN_TO(POLICY_HOST, 8080), .seq = 0x32323232,
	  .on = ON_STATES },
	{ "closed by policy: port 0", SYN_TO(POLICY_HOST, 0), .seq = 0x33333333,
	  .on = ON_STATES },
	{ "closed by policy: port 65535", SYN_TO(STATES_POLICY_NET + 255, 65535),
	  .seq = 0x34343434, .on = ON_STATES },
	{ "closed by policy: host .0 of the /24", SYN_TO(STATES_POLICY_NET, 22), .seq = 9,
	  .on = ON_STATES },
	{ "closed by policy: filtered net, unlisted host", SYN_TO(STATES_FILTERED_NET + 100, 80),
	  .seq = 0x35353535, .on = ON_STATES },
};

static const struct tcase rst_unsolicited[] = {
	{ "ack: to an open port (nmap -PA)", TCP_TO(OPEN_HOST, 80, ACK), .ack = 0x01020304,
	  .seq = 0x05060708, .on = ON_STATES },
	{ "ack: to a closed port", TCP_TO(CLOSED_HOST, 80, ACK), .ack = 0x11111111,
	  .on = ON_STATES },
	{ "ack: by policy, unlisted port (nmap -sA)", TCP_TO(POLICY_HOST, 443, ACK),
	  .ack = 0x22222222, .on = ON_STATES },
	{ "ack: ack 0", TCP_TO(OPEN_HOST, 80, ACK), .ack = 0, .on = ON_STATES },
	{ "ack: SYN-ACK out of the blue", TCP_TO(OPEN_HOST, 80, SYN | ACK), .ack = 0x33333333,
	  .seq = 0x44444444, .on = ON_STATES },
	{ "ack: FIN-ACK", TCP_TO(CLOSED_HOST, 80, FIN | ACK), .ack = 0x55555555,
	  .on = ON_STATES },
	{ "ack: PSH-ACK with data, data cut", TCP_TO(CLOSED_HOST, 80, PSH | ACK),
	  .ack = 0x66666666, .payload = 40, .on = ON_STATES },
	{ "ack: with options, options cut", TCP_TO(POLICY_HOST, 22, ACK), .ack = 0x77777777,
	  .tcp_opts = TOPT_LINUX, .on = ON_STATES },
};

static const struct tcase filtered[] = {
	{ "filtered: syn, host in the policy too", SYN_TO(FILTERED_HOST, 80), .on = ON_STATES },
	{ "filtered: ack", TCP_TO(FILTERED_HOST, 80, ACK), .ack = 5, .on = ON_STATES },
	{ "filtered: last of the nine", SYN_TO(STATES_FILTERED_NET + 9, 80), .on = ON_STATES },
};

static const struct tcase silent[] = {
	{ "silent: syn, host in no set", SYN_TO(SILENT_HOST, 80), .on = ON_STATES },
	{ "silent: syn to an open host's unlisted port", SYN_TO(OPEN_HOST, 8080),
	  .on = ON_STATES },
	{ "silent: ack to a host in no set", TCP_TO(SILENT_HOST, 80, ACK), .ack = 5,
	  .on = ON_STATES },
	{ "silent: ack to an open host's unlisted port", TCP_TO(OPEN_HOST, 22, ACK), .ack = 5,
	  .on = ON_STATES },
	{ "silent: closed host's unlisted port", SYN_TO(CLOSED_HOST, 81), .on = ON_STATES },
};

/* Still no probe: the scanner's resets are never answered. */
static const struct tcase not_probe[] = {
	{ "states: RST to a policy host", TCP_TO(POLICY_HOST, 80, RST), .on = ON_STATES },
	{ "states: RST-ACK to a closed host", TCP_TO(CLOSED_HOST, 80, RST | ACK), .ack = 9,
	  .on = ON_STATES },
	{ "states: FIN alone", TCP_TO(POLICY_HOST, 80, FIN), .on = ON_STATES },
	{ "states: NULL scan", TCP_TO(POLICY_HOST, 80, 0), .on = ON_STATES },
};

static const struct case_table tables[] = {
	CASE_TABLE("the states world: SYN to an open port", TX_SYNACK, synack),
	CASE_TABLE("SYN to a closed port: RST-ACK", TX_RST_CLOSED, rst_closed),
	CASE_TABLE("ACK or SYN-ACK out of the blue: RST", TX_RST_UNSOLICITED, rst_unsolicited),
	CASE_TABLE("filtered ports: silence", DROP_FILTERED, filtered),
	CASE_TABLE("hosts in no set, unlisted ports of silent hosts: silence", DROP_NOT_IN_WORLD,
		   silent),
	CASE_TABLE("the scanner's resets, never answered", DROP_NOT_PROBE, not_probe),
};

const struct case_file tcp_states_cases = { tables, N_ROWS(tables), NULL, 0 };
