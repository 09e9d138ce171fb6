// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_seats.c - who a packet counts for when it comes in on a seat
 * (fixture.h, bpf/rescan_abi.h's struct rs_seat). A student's seat holds
 * one address: its probes are answered as anyone's and count in its row,
 * and so does whatever else comes in on it, a frame without an IPv4
 * source included; a probe with any other source is dropped as spoofed,
 * counted for the student it came from, never for the source it claims.
 * The lab's own seat holds the lower half of the lab network: its sources
 * count by address, and one outside it only in the totals.
 */
#include "cases.h"
#include "fixture.h"

/* States world hosts outside every do-not-scan range. */
#define OPEN_HOST (STATES_OPEN_NET + 9)
#define CLOSED_HOST (STATES_CLOSED_NET + 1)
#define NO_HOST (STATES_CLOSED_NET + 100)
#define GATEWAY (LAB_NET + 1)

/* The student's own probes. */
#define STUDENT .on = ON_SEAT_ONE, .saddr = STUDENT_IP, IN_ROW(STUDENT_HOST)

static const struct tcase synack[] = {
	{ "seat: the student's SYN to an open port", SYN_TO(OPEN_HOST, 80), .seq = 131, STUDENT },
	{ "own seat: the lab's scanner", SYN_TO(OPEN_HOST, 80), .seq = 2, .on = ON_SEAT_NET,
	  .saddr = SCANNER_IP, IN_ROW(SCANNER_IP - LAB_NET) },
	{ "own seat: the last address of its half", SYN_TO(OPEN_HOST, 80), .seq = 127,
	  .on = ON_SEAT_NET, .saddr = LAB_NET + 127, IN_ROW(127) },
};

static const struct tcase rst_closed[] = {
	{ "seat: the student's SYN to a closed port", SYN_TO(CLOSED_HOST, 80), .seq = 5, STUDENT },
};

static const struct tcase udp_dns[] = {
	{ "seat: the student's DNS query", UDP_APP_TO(OPEN_HOST, 53, UA_DNS_NMAP_VERSION),
	  STUDENT },
};

static const struct tcase not_in_world[] = {
	{ "seat: the student's SYN to a host in no set", SYN_TO(NO_HOST, 80), STUDENT },
};

static const struct tcase lab[] = {
	{ "seat: the student's SYN to the gateway", SYN_TO(GATEWAY, 80), STUDENT },
	{ "own seat: the lab's scanner to the gateway", SYN_TO(GATEWAY, 80), .on = ON_SEAT_NET,
	  .saddr = SCANNER_IP, IN_ROW(SCANNER_IP - LAB_NET) },
};

/* No IPv4 source to go by: the seat's one address, if it has one. */
static const struct tcase arp[] = {
	{ "seat: ARP request", ARP_WHO_HAS(GATEWAY), STUDENT },
	{ "seat: ARP ethertype, header only", ETH_ONLY(0x0806), STUDENT },
	{ "own seat: ARP request, totals only", ARP_WHO_HAS(GATEWAY), .on = ON_SEAT_NET,
	  IN_NO_ROW },
};

static const struct tcase not_ipv4[] = {
	{ "seat: IPv6 echo", .kind = F_IPV6, STUDENT },
};

static const struct tcase malformed[] = {
	{ "seat: IP header cut at 19 bytes", SYN_TO(OPEN_HOST, 80),
	  .damage = FRAME_CUT_TO(ETH_LEN + 19), STUDENT },
};

/* Counted for the student whose seat it came in on. */
#define SPOOFED_BY_STUDENT .on = ON_SEAT_ONE, IN_ROW(STUDENT_HOST)

static const struct tcase spoofed[] = {
	{ "spoofed: the lab's scanner's address", SYN_TO(OPEN_HOST, 80), .saddr = SCANNER_IP,
	  SPOOFED_BY_STUDENT },
	{ "spoofed: the next student's address", SYN_TO(OPEN_HOST, 80), .saddr = STUDENT_IP + 1,
	  SPOOFED_BY_STUDENT },
	{ "spoofed: the student before", SYN_TO(OPEN_HOST, 80), .saddr = STUDENT_IP - 1,
	  SPOOFED_BY_STUDENT },
	{ "spoofed: the lab network's address", SYN_TO(OPEN_HOST, 80), .saddr = LAB_NET,
	  SPOOFED_BY_STUDENT },
	{ "spoofed: its host part in the next /24", SYN_TO(OPEN_HOST, 80),
	  .saddr = STUDENT_IP + 256, SPOOFED_BY_STUDENT },
	{ "spoofed: an internet address", SYN_TO(OPEN_HOST, 80), .saddr = IP(8, 8, 8, 8),
	  SPOOFED_BY_STUDENT },
	{ "spoofed: a DNS query", UDP_APP_TO(OPEN_HOST, 53, UA_DNS_NMAP_VERSION),
	  .saddr = STUDENT_IP + 1, SPOOFED_BY_STUDENT },
	{ "spoofed: a RST", TCP_TO(OPEN_HOST, 80, RST), .saddr = STUDENT_IP + 1,
	  SPOOFED_BY_STUDENT },
	{ "spoofed: to the gateway", SYN_TO(GATEWAY, 80), .saddr = STUDENT_IP + 1,
	  SPOOFED_BY_STUDENT },
	/* The lab's own seat: a source outside its half is no scanner's row. */
	{ "own seat: spoofed, the first address past its half", SYN_TO(OPEN_HOST, 80),
	  .saddr = LAB_NET + 128, .on = ON_SEAT_NET, IN_NO_ROW },
	{ "own seat: spoofed, a student's address", SYN_TO(OPEN_HOST, 80), .saddr = STUDENT_IP,
	  .on = ON_SEAT_NET, IN_NO_ROW },
	{ "own seat: spoofed, its scanner's host part in the next /24", SYN_TO(OPEN_HOST, 80),
	  .saddr = SCANNER_IP + 256, .on = ON_SEAT_NET, IN_NO_ROW },
	{ "own seat: spoofed, an internet address", SYN_TO(OPEN_HOST, 80),
	  .saddr = IP(8, 8, 8, 8), .on = ON_SEAT_NET, IN_NO_ROW },
};

static const struct case_table tables[] = {
	CASE_TABLE("seats: probes from the seat's own addresses", TX_SYNACK, synack),
	CASE_TABLE("seats: a closed port", TX_RST_CLOSED, rst_closed),
	CASE_TABLE("seats: a UDP probe", TX_UDP_DNS, udp_dns),
	CASE_TABLE("seats: a host in no set", DROP_NOT_IN_WORLD, not_in_world),
	CASE_TABLE("seats: the lab network", DROP_LAB_INTERNAL, lab),
	CASE_TABLE("seats: ARP, counted for the seat's one address", PASS_ARP, arp),
	CASE_TABLE("seats: not IPv4, counted for the seat", DROP_NOT_IPV4, not_ipv4),
	CASE_TABLE("seats: malformed, counted for the seat", DROP_MALFORMED, malformed),
	CASE_TABLE("seats: sources the seat may not use", DROP_SPOOFED, spoofed),
};

const struct case_file seat_cases = { tables, N_ROWS(tables), NULL, 0 };
