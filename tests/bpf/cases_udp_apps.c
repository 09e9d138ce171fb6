// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_udp_apps.c - the UDP protocols' own replies (bpf/udp_dns.h,
 * udp_ntp.h, udp_snmp.h, udp_ssdp.h) to what ZMap, masscan and nmap send
 * (frame_udp.c has their payloads), and the requests a server does not
 * answer. The hosts of STATES_BANNER_NET are picked for the row of
 * bpf/udp_banners.h each has (noted as "row N"), so that every row's text
 * is in some reply; frame_udp.c builds every reply from scratch.
 */
#include "cases.h"
#include "fixture.h"

#define OPEN_HOST (STATES_OPEN_NET + 1)
#define B(i) (STATES_BANNER_NET + (i))
#define DNS(host, what) UDP_APP_TO(host, 53, what), .on = ON_STATES
#define NTP(host, what) UDP_APP_TO(host, 123, what), .on = ON_STATES
#define SNMP(host, what) UDP_APP_TO(host, 161, what), .on = ON_STATES
#define SSDP(host, what) UDP_APP_TO(host, 1900, what), .on = ON_STATES

static const struct tcase dns[] = {
	{ "dns: nmap's version.bind", DNS(OPEN_HOST, UA_DNS_NMAP_VERSION) },
	{ "dns: nmap's server status request: NOTIMP", DNS(OPEN_HOST, UA_DNS_NMAP_STATUS) },
	{ "dns: masscan's version.bind, cookie in the id", DNS(B(1), UA_DNS_MASSCAN),
	  .app_id = 0xbeef },
	{ "dns: version.bind, row 0 (the longest)", DNS(B(1), UA_DNS_NMAP_VERSION) },
	{ "dns: version.bind, row 1", DNS(B(10), UA_DNS_MASSCAN), .app_id = 1 },
	{ "dns: version.bind, row 2", DNS(B(8), UA_DNS_MASSCAN), .app_id = 2 },
	{ "dns: version.bind, row 3", DNS(B(3), UA_DNS_MASSCAN), .app_id = 3 },
	{ "dns: version.bind, row 4", DNS(B(22), UA_DNS_MASSCAN), .app_id = 4 },
	{ "dns: version.bind, row 5", DNS(B(5), UA_DNS_MASSCAN), .app_id = 5 },
	{ "dns: version.bind, row 6", DNS(B(19), UA_DNS_MASSCAN), .app_id = 6 },
	{ "dns: version.bind, row 7", DNS(B(2), UA_DNS_MASSCAN), .app_id = 7 },
	{ "dns: VERSION.BIND in capitals, no RD", DNS(OPEN_HOST, UA_DNS_VERSION_UPPER),
	  .app_id = 0x0001 },
	{ "dns: version.bind in class IN: no answer", DNS(OPEN_HOST, UA_DNS_VERSION_IN),
	  .app_id = 0xffff },
	{ "dns: an A query", DNS(OPEN_HOST, UA_DNS_A), .app_id = 0x4242 },
	{ "dns: an A query to another host, another address", DNS(B(200), UA_DNS_A),
	  .app_id = 0x4243 },
	{ "dns: an A query with EDNS, answered without it", DNS(OPEN_HOST, UA_DNS_A_EDNS),
	  .app_id = 0x0ed5 },
	{ "dns: an A query for a name of 255 bytes", DNS(OPEN_HOST, UA_DNS_A_LONGEST),
	  .app_id = 0xff00 },
	{ "dns: AAAA: NOERROR, no answer", DNS(OPEN_HOST, UA_DNS_AAAA), .app_id = 0xaaaa },
	{ "dns: the root's NS: no answer", DNS(STATES_OPEN_NET + 9, UA_DNS_ROOT_NS),
	  .app_id = 2 },
	{ "dns: no question: FORMERR", DNS(OPEN_HOST, UA_DNS_QDCOUNT_0), .app_id = 0x0f0f },
	{ "dns: two questions: FORMERR", DNS(OPEN_HOST, UA_DNS_QDCOUNT_2), .app_id = 0x2222 },
	{ "dns: Ethernet padding cut", DNS(OPEN_HOST, UA_DNS_A), .app_id = 9, .pad = 10 },
};

static const struct tcase ntp[] = {
	{ "ntp: nmap's client request", NTP(OPEN_HOST, UA_NTP_NMAP) },
	{ "ntp: ZMap's client request, all zero", NTP(OPEN_HOST, UA_NTP_ZMAP) },
	{ "ntp: masscan's monlist: no data", NTP(OPEN_HOST, UA_NTP_MASSCAN) },
	{ "ntp: mode 7, implementation universal", NTP(OPEN_HOST, UA_NTP_MODE7_UNIV) },
	{ "ntp: mode 7, implementation 9", NTP(OPEN_HOST, UA_NTP_MODE7_IMPL9) },
	{ "ntp: version 1 client", NTP(OPEN_HOST, UA_NTP_V1), .app_id = 0x12345678 },
	{ "ntp: version 3 client with a MAC, MAC not answered", NTP(OPEN_HOST, UA_NTP_V3_MAC),
	  .app_id = 0x9abcdef0 },
	{ "ntp: row 0", NTP(B(1), UA_NTP_NMAP) },
	{ "ntp: row 1", NTP(B(10), UA_NTP_NMAP) },
	{ "ntp: row 2", NTP(B(8), UA_NTP_NMAP) },
	{ "ntp: row 3", NTP(B(3), UA_NTP_NMAP) },
	{ "ntp: row 4", NTP(B(22), UA_NTP_NMAP) },
	{ "ntp: row 5", NTP(B(5), UA_NTP_NMAP) },
	{ "ntp: row 6", NTP(B(19), UA_NTP_NMAP) },
	{ "ntp: row 7", NTP(B(2), UA_NTP_NMAP) },
};

static const struct tcase snmp[] = {
	{ "snmp: nmap's GetNextRequest public", SNMP(OPEN_HOST, UA_SNMP_NMAP) },
	{ "snmp: masscan's GetRequest, cookie in the request-id", SNMP(OPEN_HOST, UA_SNMP_MASSCAN),
	  .app_id = 0xdeadbeef },
	{ "snmp: v2c GetRequest", SNMP(OPEN_HOST, UA_SNMP_V2C), .app_id = 0x0102 },
	{ "snmp: lengths in long form", SNMP(OPEN_HOST, UA_SNMP_LONG_FORM), .app_id = 0x030405 },
	{ "snmp: row 0 (the longest)", SNMP(B(1), UA_SNMP_MASSCAN), .app_id = 0x7fffffff },
	{ "snmp: row 1", SNMP(B(10), UA_SNMP_NMAP) },
	{ "snmp: row 2", SNMP(B(8), UA_SNMP_NMAP) },
	{ "snmp: row 3", SNMP(B(3), UA_SNMP_NMAP) },
	{ "snmp: row 4", SNMP(B(22), UA_SNMP_NMAP) },
	{ "snmp: row 5", SNMP(B(5), UA_SNMP_NMAP) },
	{ "snmp: row 6", SNMP(B(19), UA_SNMP_NMAP) },
	{ "snmp: row 7", SNMP(B(2), UA_SNMP_NMAP) },
};

static const struct tcase ssdp[] = {
	{ "ssdp: ZMap's M-SEARCH (upnp module)", SSDP(OPEN_HOST, UA_SSDP_ZMAP) },
	{ "ssdp: nmap's M-SEARCH", SSDP(OPEN_HOST, UA_SSDP_NMAP) },
	{ "ssdp: masscan's M-SEARCH, no empty line", SSDP(OPEN_HOST, UA_SSDP_MASSCAN) },
	{ "ssdp: the shortest M-SEARCH, a reply that outgrows the headroom",
	  SSDP(B(10), UA_SSDP_SHORTEST) },
	{ "ssdp: row 0, address .1", SSDP(B(1), UA_SSDP_ZMAP) },
	{ "ssdp: row 1, address .10", SSDP(B(10), UA_SSDP_ZMAP) },
	{ "ssdp: row 2, address .132", SSDP(B(132), UA_SSDP_ZMAP) },
	{ "ssdp: row 3, address .3", SSDP(B(3), UA_SSDP_ZMAP) },
	{ "ssdp: row 4, address .108", SSDP(B(108), UA_SSDP_ZMAP) },
	{ "ssdp: row 5, address .5", SSDP(B(5), UA_SSDP_ZMAP) },
	{ "ssdp: row 6, address .19", SSDP(B(19), UA_SSDP_ZMAP) },
	{ "ssdp: row 7, address .2", SSDP(B(2), UA_SSDP_ZMAP) },
	{ "ssdp: address .0", SSDP(B(0), UA_SSDP_NMAP) },
	{ "ssdp: address .255", SSDP(B(255), UA_SSDP_NMAP) },
};

/* Requests a server does not answer, and requests too short for their protocol. */
static const struct tcase bad[] = {
	{ "dns bad: a response", DNS(OPEN_HOST, UA_DNS_RESPONSE), .app_id = 7 },
	{ "dns bad: 11 bytes", DNS(OPEN_HOST, UA_DNS_SHORT) },
	{ "dns bad: no payload", UDP_TO(OPEN_HOST, 53), .on = ON_STATES },
	{ "dns bad: a compression pointer in the question", DNS(OPEN_HOST, UA_DNS_POINTER) },
	{ "dns bad: a label of 64 bytes", DNS(OPEN_HOST, UA_DNS_LABEL_64) },
	{ "dns bad: a name of 256 bytes", DNS(OPEN_HOST, UA_DNS_NAME_256) },
	{ "dns bad: the name runs off the end", DNS(OPEN_HOST, UA_DNS_UNTERMINATED) },
	{ "dns bad: no class", DNS(OPEN_HOST, UA_DNS_NO_CLASS) },
	{ "dns bad: a query cut by the UDP length", DNS(OPEN_HOST, UA_DNS_A),
	  .damage = SET_UDP_LEN(8 + 30) },
	{ "ntp bad: nmap's symmetric active (mode 1)", NTP(OPEN_HOST, UA_NTP_NMAP_PEER) },
	{ "ntp bad: a server reply (mode 4)", NTP(OPEN_HOST, UA_NTP_SERVER) },
	{ "ntp bad: a client request of 47 bytes", NTP(OPEN_HOST, UA_NTP_SHORT) },
	{ "ntp bad: version 0", NTP(OPEN_HOST, UA_NTP_V0) },
	{ "ntp bad: version 5", NTP(OPEN_HOST, UA_NTP_V5) },
	{ "ntp bad: mode 7 response", NTP(OPEN_HOST, UA_NTP_MODE7_RESPONSE) },
	{ "ntp bad: mode 7 sequence 1", NTP(OPEN_HOST, UA_NTP_MODE7_SEQ) },
	{ "ntp bad: mode 7 of 7 bytes", NTP(OPEN_HOST, UA_NTP_MODE7_SHORT) },
	{ "ntp bad: no payload", UDP_TO(OPEN_HOST, 123), .on = ON_STATES },
	{ "ntp bad: nmap's request cut by the UDP length", NTP(OPEN_HOST, UA_NTP_NMAP),
	  .damage = SET_UDP_LEN(8 + 47) },
	{ "snmp bad: community private", SNMP(OPEN_HOST, UA_SNMP_PRIVATE), .app_id = 1 },
	{ "snmp bad: nmap's SNMPv3", SNMP(OPEN_HOST, UA_SNMP_NMAP_V3) },
	{ "snmp bad: a SetRequest", SNMP(OPEN_HOST, UA_SNMP_SET), .app_id = 1 },
	{ "snmp bad: a request-id of 5 bytes", SNMP(OPEN_HOST, UA_SNMP_REQID_5), .app_id = 1 },
	{ "snmp bad: cut after the request-id", SNMP(OPEN_HOST, UA_SNMP_CUT), .app_id = 1 },
	{ "snmp bad: a pattern", UDP_TO(OPEN_HOST, 161), .payload = 40, .on = ON_STATES },
	{ "ssdp bad: a NOTIFY", SSDP(OPEN_HOST, UA_SSDP_NOTIFY) },
	{ "ssdp bad: m-search in lower case", SSDP(OPEN_HOST, UA_SSDP_LOWER) },
	{ "ssdp bad: the first line without its end", SSDP(OPEN_HOST, UA_SSDP_CUT) },
	{ "ssdp bad: no payload", UDP_TO(OPEN_HOST, 1900), .on = ON_STATES },
};

static const struct case_table tables[] = {
	CASE_TABLE("DNS queries, answered", TX_UDP_DNS, dns),
	CASE_TABLE("NTP requests, answered", TX_UDP_NTP, ntp),
	CASE_TABLE("SNMP requests for community public, answered", TX_UDP_SNMP, snmp),
	CASE_TABLE("SSDP M-SEARCH, answered", TX_UDP_SSDP, ssdp),
	CASE_TABLE("UDP requests a server does not answer", DROP_BAD_REQUEST, bad),
};

const struct case_file udp_app_cases = { tables, N_ROWS(tables), NULL, 0 };
