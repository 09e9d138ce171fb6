// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_services.c - where a probe counts per service (rescan_abi.h,
 * RS_SVC_BUCKETS): in its service's bucket once the world is asked about
 * it, with an answer as open or closed; a port the world does not list in
 * its protocol's policy (the service with a star for the port), or in "no_service" without one;
 * in the many world past its first RS_SVC_COUNTED services in "other".
 * A packet the world is never asked about (not a probe, spoofed, into a
 * do-not-scan range, to the lab, broken) moves no bucket.
 */
#include "cases.h"
#include "fixture.h"

#define OPEN_HOST (STATES_OPEN_NET + 1)
#define CLOSED_HOST (STATES_CLOSED_NET + 1)
#define FILTERED_HOST (STATES_FILTERED_NET + 1)
#define POLICY_HOST (STATES_POLICY_NET + 7)
#define SILENT_HOST (STATES_SILENT_NET + 1)
#define STATES .on = ON_STATES
#define MANY .on = ON_MANY

static const struct tcase synack[] = {
	{ "service: tcp/80 open", SYN_TO(OPEN_HOST, 80), .seq = 0x51, STATES, IN_SVC("tcp/80") },
	{ "service: the main world's tcp/80", SYN_TO(IP(10, 1, 0, 5), 80), .seq = 0x52,
	  IN_SVC("tcp/80") },
	{ "service: the main world's tcp/443", SYN_TO(IP(10, 9, 9, 9), 443), .seq = 0x53,
	  IN_SVC("tcp/443") },
	{ "service: many, the first service after the policy", SYN_TO(MANY_NET + 1, 1), MANY,
	  IN_SVC("tcp/1") },
	{ "service: many, the last with a bucket of its own", SYN_TO(MANY_NET + 2, 253), MANY,
	  IN_SVC("tcp/253") },
	{ "service: many, the first past them counts as other", SYN_TO(MANY_NET + 3, 254), MANY,
	  IN_SVC("other") },
	{ "service: many, the last service counts as other", SYN_TO(MANY_NET + 9, MANY_TCP), MANY,
	  IN_SVC("other") },
};

static const struct tcase rst_closed[] = {
	{ "service: tcp/80 closed", SYN_TO(CLOSED_HOST, 80), .seq = 0x54, STATES, IN_SVC("tcp/80") },
	{ "service: a listed port closed by policy counts for the port",
	  SYN_TO(POLICY_HOST, 80), .seq = 0x55, STATES, IN_SVC("tcp/80") },
	{ "service: an unlisted port closed by policy counts for tcp/*", SYN_TO(POLICY_HOST, 22),
	  .seq = 0x56, STATES, IN_SVC("tcp/*") },
	{ "service: port 0 counts for tcp/*", SYN_TO(POLICY_HOST, 0), .seq = 0x57, STATES,
	  IN_SVC("tcp/*") },
};

static const struct tcase rst_unsolicited[] = {
	{ "service: ACK to an open port, answered as open", TCP_TO(OPEN_HOST, 80, ACK),
	  .ack = 0x5151, STATES, IN_SVC("tcp/80") },
	{ "service: ACK to a closed port, answered as closed", TCP_TO(CLOSED_HOST, 80, ACK),
	  .ack = 0x5252, STATES, IN_SVC_CLOSED("tcp/80") },
	{ "service: ACK by policy, answered as closed for tcp/*", TCP_TO(POLICY_HOST, 443, ACK),
	  .ack = 0x5353, STATES, IN_SVC_CLOSED("tcp/*") },
};

static const struct tcase filtered[] = {
	{ "service: tcp/80 filtered, a probe not answered", SYN_TO(FILTERED_HOST, 80), STATES,
	  IN_SVC("tcp/80") },
	{ "service: udp/53 filtered", UDP_APP_TO(FILTERED_HOST, 53, UA_DNS_NMAP_VERSION), STATES,
	  IN_SVC("udp/53") },
};

static const struct tcase not_in_world[] = {
	{ "service: tcp/80, a host in no set", SYN_TO(SILENT_HOST, 80), STATES, IN_SVC("tcp/80") },
	{ "service: an unlisted port, silent by policy", SYN_TO(SILENT_HOST, 22), STATES,
	  IN_SVC("tcp/*") },
	{ "service: icmp/timestamp, a host without it",
	  ICMP_TO(CLOSED_HOST, ICMP_TIMESTAMP, 0), .payload = 12, STATES,
	  IN_SVC("icmp/timestamp") },
	{ "service: many, a host without tcp/1", SYN_TO(MANY_NET + 100, 1), MANY, IN_SVC("tcp/1") },
	{ "service: many, udp by policy, silent", UDP_TO(MANY_NET + 100, 9), MANY,
	  IN_SVC("udp/*") },
};

static const struct tcase no_service[] = {
	{ "service: an unlisted port, no tcp/* policy", SYN_TO(IP(10, 1, 0, 5), 22),
	  IN_SVC("no_service") },
	{ "service: UDP in a world without UDP", UDP_TO(IP(10, 1, 0, 5), 53),
	  IN_SVC("no_service") },
	{ "service: echo request in a world without icmp", ECHO_TO(OPEN_HOST), STATES,
	  IN_SVC("no_service") },
	{ "service: timestamp in a world without icmp/timestamp",
	  ICMP_TO(IP(10, 1, 0, 6), ICMP_TIMESTAMP, 0), .payload = 12, IN_SVC("no_service") },
	{ "service: many, a TCP port past its services", SYN_TO(MANY_NET + 1, MANY_TCP + 1), MANY,
	  IN_SVC("no_service") },
	{ "service: the empty world", SYN_TO(OPEN_HOST, 80), .on = ON_EMPTY,
	  IN_SVC("no_service") },
};

static const struct tcase echo_reply[] = {
	{ "service: icmp echo", ECHO_TO(IP(10, 1, 0, 6)), .icmp_id = 0x5151, IN_SVC("icmp") },
};

static const struct tcase timestamp_reply[] = {
	{ "service: icmp/timestamp", ICMP_TO(OPEN_HOST, ICMP_TIMESTAMP, 0), .payload = 12, STATES,
	  IN_SVC("icmp/timestamp") },
};

static const struct tcase udp_echo[] = {
	{ "service: udp/7 open", UDP_TO(OPEN_HOST, 7), .payload = 5, STATES, IN_SVC("udp/7") },
};

static const struct tcase udp_dns[] = {
	{ "service: udp/53 open", UDP_APP_TO(OPEN_HOST, 53, UA_DNS_NMAP_VERSION), STATES,
	  IN_SVC("udp/53") },
};

static const struct tcase port_unreach[] = {
	{ "service: udp/53 closed", UDP_TO(CLOSED_HOST, 53), STATES, IN_SVC("udp/53") },
	{ "service: an unlisted UDP port closed by policy", UDP_TO(POLICY_HOST, 9999), STATES,
	  IN_SVC("udp/*") },
	{ "service: many, udp by policy, closed", UDP_TO(MANY_NET + 1, 9), MANY, IN_SVC("udp/*") },
};

/* Asked of the world, then refused by its protocol: a probe, not an answer. */
static const struct tcase bad_request[] = {
	{ "service: udp/53, a query too short", UDP_APP_TO(OPEN_HOST, 53, UA_DNS_SHORT), STATES,
	  IN_SVC("udp/53") },
};

/* The world is never asked. */
static const struct tcase not_probe[] = {
	{ "service: the scanner's RST", TCP_TO(OPEN_HOST, 80, RST), STATES, IN_NO_SVC },
};

static const struct tcase unsupported[] = {
	{ "service: SYN with payload", SYN_TO(OPEN_HOST, 80), .payload = 4, STATES, IN_NO_SVC },
};

static const struct tcase lab_internal[] = {
	{ "service: SYN to the gateway", SYN_TO(LAB_NET + 1, 80), STATES, IN_NO_SVC },
};

static const struct tcase spoofed[] = {
	{ "service: a spoofed SYN to an open port", SYN_TO(OPEN_HOST + 8, 80), .on = ON_SEAT_ONE,
	  .saddr = STUDENT_IP + 1, IN_NO_SVC },
};

static const struct tcase do_not_scan[] = {
	{ "service: a SYN into a do-not-scan range", SYN_TO(DNS_HOST, 80), .on = ON_SEAT_ONE,
	  .saddr = STUDENT_IP, IN_NO_SVC },
};

static const struct tcase malformed[] = {
	{ "service: a SYN cut short", SYN_TO(OPEN_HOST, 80), .damage = FRAME_CUT_TO(ETH_LEN + 30),
	  STATES, IN_NO_SVC },
};

static const struct tcase arp[] = {
	{ "service: ARP", ARP_WHO_HAS(LAB_NET + 1), STATES, IN_NO_SVC },
};

static const struct case_table tables[] = {
	CASE_TABLE("services: open, in the service's bucket", TX_SYNACK, synack),
	CASE_TABLE("services: closed, in the port's or the policy's bucket", TX_RST_CLOSED,
		   rst_closed),
	CASE_TABLE("services: an ACK's RST, open or closed by the world", TX_RST_UNSOLICITED,
		   rst_unsolicited),
	CASE_TABLE("services: filtered, a probe not answered", DROP_FILTERED, filtered),
	CASE_TABLE("services: silent hosts", DROP_NOT_IN_WORLD, not_in_world),
	CASE_TABLE("services: no such service", DROP_NO_SERVICE, no_service),
	CASE_TABLE("services: ICMP echo", TX_ECHO_REPLY, echo_reply),
	CASE_TABLE("services: ICMP timestamp", TX_TIMESTAMP_REPLY, timestamp_reply),
	CASE_TABLE("services: UDP echo", TX_UDP_ECHO, udp_echo),
	CASE_TABLE("services: DNS", TX_UDP_DNS, udp_dns),
	CASE_TABLE("services: UDP closed", TX_PORT_UNREACH, port_unreach),
	CASE_TABLE("services: a request its protocol refuses", DROP_BAD_REQUEST, bad_request),
	CASE_TABLE("services: not a probe, no bucket", DROP_NOT_PROBE, not_probe),
	CASE_TABLE("services: unsupported, no bucket", DROP_UNSUPPORTED, unsupported),
	CASE_TABLE("services: the lab network, no bucket", DROP_LAB_INTERNAL, lab_internal),
	CASE_TABLE("services: spoofed, no bucket", DROP_SPOOFED, spoofed),
	CASE_TABLE("services: do-not-scan, no bucket", DROP_DO_NOT_SCAN, do_not_scan),
	CASE_TABLE("services: malformed, no bucket", DROP_MALFORMED, malformed),
	CASE_TABLE("services: ARP, no bucket", PASS_ARP, arp),
};

const struct case_file service_cases = { tables, N_ROWS(tables), NULL, 0 };
