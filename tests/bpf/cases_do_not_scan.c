// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_do_not_scan.c - packets into a do-not-scan range (fixture.h):
 * with do-not-scan on, every packet into one is dropped, whatever it is
 * and whatever the world says of its host, and counted in the sender's
 * row and under the label of the longest range that holds it; an address
 * just outside is answered as ever. Before the ranges come the seat
 * (spoofed first) and the lab network (lab_internal, though a range holds
 * it). With do-not-scan off the ranges in the trie change nothing.
 */
#include "cases.h"
#include "fixture.h"

#define GATEWAY (LAB_NET + 1)

/* From student STUDENT_HOST's seat, which has do-not-scan on. */
#define STUDENT .on = ON_SEAT_ONE, .saddr = STUDENT_IP
#define HIT(label) STUDENT, DNS_HIT(STUDENT_HOST, label)
#define MISS STUDENT, IN_ROW(STUDENT_HOST)
/* From the lab's scanner to the states responder, which has do-not-scan off. */
#define OFF .on = ON_STATES, IN_ROW(SCANNER_IP - LAB_NET)

static const struct tcase dropped[] = {
	{ "do-not-scan: SYN to an open host of the /29", SYN_TO(STATES_OPEN_NET + 1, 80),
	  HIT(DNS_OPEN) },
	{ "do-not-scan: the /29's first address", SYN_TO(STATES_OPEN_NET, 80), HIT(DNS_OPEN) },
	{ "do-not-scan: the /29's last address", SYN_TO(STATES_OPEN_NET + 7, 80),
	  HIT(DNS_OPEN) },
	{ "do-not-scan: the /32 inside the /29 wins", SYN_TO(DNS_HOST, 80), HIT(DNS_ONE) },
	{ "do-not-scan: a DNS query to the /32", UDP_APP_TO(DNS_HOST, 53, UA_DNS_NMAP_VERSION),
	  HIT(DNS_ONE) },
	{ "do-not-scan: ICMP timestamp request", ICMP_TO(STATES_OPEN_NET + 1, ICMP_TIMESTAMP, 0),
	  .payload = 12, HIT(DNS_OPEN) },
	{ "do-not-scan: the scanner's RST", TCP_TO(STATES_OPEN_NET + 2, 80, RST), HIT(DNS_OPEN) },
	{ "do-not-scan: the /25's first address", SYN_TO(DNS_POLICY_HALF, 22), HIT(DNS_LAST) },
	{ "do-not-scan: the /25's last address, UDP", UDP_TO(STATES_POLICY_NET + 255, 53),
	  HIT(DNS_LAST) },
	{ "do-not-scan: the /10, just past the lab network", SYN_TO(LAB_NET + 256, 80),
	  HIT(DNS_CGN) },
	{ "do-not-scan: the /10's last address", SYN_TO(IP(100, 127, 255, 255), 80),
	  HIT(DNS_CGN) },
	{ "do-not-scan: a label past the hits map counts in no label",
	  SYN_TO(STATES_SILENT_NET + 1, 80), HIT(DNS_PAST) },
};

static const struct tcase synack[] = {
	{ "do-not-scan: just past the /29, answered", SYN_TO(STATES_OPEN_NET + 8, 80), MISS },
	{ "do-not-scan off: SYN to the /32, answered", SYN_TO(DNS_HOST, 80), OFF },
};

static const struct tcase rst_closed[] = {
	{ "do-not-scan: just below the /25, answered", SYN_TO(DNS_POLICY_HALF - 1, 22), MISS },
	{ "do-not-scan off: the /25, answered", SYN_TO(DNS_POLICY_HALF, 22), OFF },
};

static const struct tcase udp_dns[] = {
	{ "do-not-scan off: a DNS query to the /32, answered",
	  UDP_APP_TO(DNS_HOST, 53, UA_DNS_NMAP_VERSION), OFF },
};

/* Just outside the /10: the states world has no host there. */
static const struct tcase not_in_world[] = {
	{ "do-not-scan: just below the /10", SYN_TO(IP(100, 63, 255, 255), 80), MISS },
	{ "do-not-scan: just past the /10", SYN_TO(IP(100, 128, 0, 0), 80), MISS },
	{ "do-not-scan off: the range past the labels", SYN_TO(STATES_SILENT_NET + 1, 80), OFF },
};

static const struct tcase lab[] = {
	{ "do-not-scan: the gateway is lab, not do-not-scan", SYN_TO(GATEWAY, 80), MISS },
	{ "do-not-scan: the lab's broadcast address, UDP", UDP_TO(LAB_NET + 255, 53), MISS },
};

static const struct tcase spoofed[] = {
	{ "do-not-scan: from a spoofed source, spoofed", SYN_TO(DNS_HOST, 80), .on = ON_SEAT_ONE,
	  .saddr = STUDENT_IP + 1, IN_ROW(STUDENT_HOST) },
};

static const struct case_table tables[] = {
	CASE_TABLE("do-not-scan: into a range, by the longest prefix's label", DROP_DO_NOT_SCAN,
		   dropped),
	CASE_TABLE("do-not-scan: outside the ranges, or off", TX_SYNACK, synack),
	CASE_TABLE("do-not-scan: closed ports outside the ranges, or off", TX_RST_CLOSED,
		   rst_closed),
	CASE_TABLE("do-not-scan off: UDP", TX_UDP_DNS, udp_dns),
	CASE_TABLE("do-not-scan: no host outside the ranges, or off", DROP_NOT_IN_WORLD,
		   not_in_world),
	CASE_TABLE("do-not-scan: the lab network comes first", DROP_LAB_INTERNAL, lab),
	CASE_TABLE("do-not-scan: the seat comes first", DROP_SPOOFED, spoofed),
};

const struct case_file do_not_scan_cases = { tables, N_ROWS(tables), NULL, 0 };
