/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cases.h - how a BPF test case is written down: one row of a table says
 * which responder gets which frame; the table says which counter every
 * row's verdict must move. Lookup rows are shorter still (a name, a
 * probe, an address, what the world says) for the rows that only probe
 * the world.
 *
 * A row names only what differs from a plain probe: fields left out are
 * the probe a scanner sends from SCANNER_IP:DEFAULT_SPORT with TTL
 * DEFAULT_TTL and window DEFAULT_WIN, no options, no payload, no padding,
 * nothing damaged, on the lab responder (ON_LAB).
 */
#ifndef RESCAN_TEST_CASES_H
#define RESCAN_TEST_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rescan_abi.h"

/* An IPv4 address in host order. */
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))
#define ETH_LEN 14	/* an Ethernet header without VLAN tag */

/* The scanner, its lab network, and what its probes carry unless a row says otherwise. */
#define SCANNER_IP IP(100, 64, 0, 2)
#define LAB_NET IP(100, 64, 0, 0)
#define LAB_MASK IP(255, 255, 255, 0)
#define DEFAULT_SPORT 40001
#define DEFAULT_TTL 255		/* ZMap sends TTL 255 */
#define DEFAULT_IP_ID 54321	/* ZMap's fixed IP id */
#define DEFAULT_WIN 1024	/* masscan's window */

/* The responders under test: one world, several configurations (fixture.c). */
enum responder {
	ON_LAB,		/* main world, lab 100.64.0.0/24 excluded, ISN key A */
	ON_OPEN,	/* main world, lab check off (mask 0), ISN key B */
	ON_EMPTY,	/* a world without any service, lab check on, key A */
	ON_CORRUPT,	/* main world with maps damaged after loading (corrupt.c), key A */
	ON_STATES,	/* the states world (fixture.h: open, closed, filtered, policy), key A */
	ON_SEAT_ONE,	/* the states world from a student's seat, do-not-scan on (fixture.h), key A */
	ON_SEAT_NET,	/* the states world from the lab's own seat (fixture.h), key A */
	ON_MANY,	/* more services than have a bucket of their own (fixture.h), key A */
	NR_RESPONDERS,
};

/* What a row builds. */
enum frame_kind {
	F_TCP,
	F_ICMP,
	F_UDP,
	F_IP_PROTO,	/* IPv4 of .ip_proto with .payload bytes and no L4 header */
	F_ARP,		/* an ARP request for .daddr */
	F_IPV6,		/* an ICMPv6 echo request */
	F_ETH_ONLY,	/* an Ethernet header of .ethertype and .payload bytes */
};

enum tcp_opts {
	TOPT_NONE,
	TOPT_MSS,	/* nmap's SYN: MSS 1460 */
	TOPT_LINUX,	/* MSS, SACK-permitted, timestamps, wscale: doff 10 */
	TOPT_40,	/* 40 bytes of options: doff 15, the maximum */
};

/*
 * The payload of a UDP row (frame_udp.c builds each, byte for byte what
 * the scanner named sends, or the request described). UA_PATTERN is
 * .payload bytes of a pattern; .app_id is the DNS id, the SNMP
 * request-id or the low word of the NTP transmit time where the payload
 * has one.
 */
enum udp_app {
	UA_PATTERN,
	UA_NMAP_ECHO,		/* nmap's payload for udp/7: "\r\n\r\n" */
	/* DNS */
	UA_DNS_NMAP_VERSION,	/* nmap: id 0x7777, RD, version.bind TXT CH */
	UA_DNS_NMAP_STATUS,	/* nmap: 12 bytes, opcode 2 (server status) */
	UA_DNS_MASSCAN,		/* masscan: id .app_id, RD|AD, version.bind TXT CH */
	UA_DNS_VERSION_UPPER,	/* VERSION.BIND TXT CH, no RD */
	UA_DNS_VERSION_IN,	/* version.bind TXT IN: no such record */
	UA_DNS_A,		/* www.example.com A IN, RD */
	UA_DNS_A_EDNS,		/* the same with an EDNS OPT record (arcount 1) */
	UA_DNS_A_LONGEST,	/* A IN for a name of 255 bytes, the longest */
	UA_DNS_AAAA,		/* www.example.com AAAA IN: NOERROR, no answer */
	UA_DNS_ROOT_NS,		/* the root name, NS IN: no answer */
	UA_DNS_QDCOUNT_0,	/* a query without a question: FORMERR */
	UA_DNS_QDCOUNT_2,	/* two questions: FORMERR */
	UA_DNS_RESPONSE,	/* QR set: a response, not answered */
	UA_DNS_SHORT,		/* 11 bytes */
	UA_DNS_POINTER,		/* a compression pointer in the question */
	UA_DNS_LABEL_64,	/* a label of 64 bytes */
	UA_DNS_NAME_256,	/* a name of 256 bytes */
	UA_DNS_UNTERMINATED,	/* the name runs off the end */
	UA_DNS_NO_CLASS,	/* the question ends after its type */
	/* NTP */
	UA_NTP_NMAP,		/* nmap: client v4, transmit time 0xc54f234b71b152f3 */
	UA_NTP_ZMAP,		/* ZMap: 0xe3 (LI 3, v4, client) and 47 zeros */
	UA_NTP_V1,		/* client v1, transmit .app_id */
	UA_NTP_V3_MAC,		/* client v3 with a key id and MD5 MAC: 68 bytes */
	UA_NTP_MASSCAN,		/* masscan: mode 7 v2, XNTPD, MON_GETLIST_1 */
	UA_NTP_MODE7_UNIV,	/* mode 7 v2, implementation universal (0) */
	UA_NTP_MODE7_IMPL9,	/* mode 7 v2, implementation 9: unknown */
	UA_NTP_NMAP_PEER,	/* nmap's second payload: mode 1, symmetric active */
	UA_NTP_SERVER,		/* mode 4: a server's reply */
	UA_NTP_SHORT,		/* a client request of 47 bytes */
	UA_NTP_V0,		/* version 0 */
	UA_NTP_V5,		/* version 5 */
	UA_NTP_MODE7_RESPONSE,	/* mode 7 with the response bit */
	UA_NTP_MODE7_SEQ,	/* mode 7 with sequence 1 */
	UA_NTP_MODE7_SHORT,	/* mode 7, 7 bytes */
	/* SNMP */
	UA_SNMP_NMAP,		/* nmap: v1 GetNextRequest public, request-id 0 */
	UA_SNMP_MASSCAN,	/* masscan: v1 GetRequest public, 4-byte request-id .app_id */
	UA_SNMP_V2C,		/* v2c GetRequest public for sysDescr.0, request-id .app_id */
	UA_SNMP_LONG_FORM,	/* v2c GetRequest public, every length in long form */
	UA_SNMP_PRIVATE,	/* community "private" */
	UA_SNMP_NMAP_V3,	/* nmap's first payload: SNMPv3 */
	UA_SNMP_SET,		/* a SetRequest */
	UA_SNMP_REQID_5,	/* a request-id of 5 bytes */
	UA_SNMP_CUT,		/* cut after the request-id */
	/* SSDP */
	UA_SSDP_ZMAP,		/* ZMap's upnp module: ST upnp:rootdevice */
	UA_SSDP_NMAP,		/* nmap: ST ssdp:all */
	UA_SSDP_MASSCAN,	/* masscan: ST ssdp:all, no empty line at the end */
	UA_SSDP_SHORTEST,	/* the request line and an empty line, nothing else */
	UA_SSDP_NOTIFY,		/* a NOTIFY */
	UA_SSDP_LOWER,		/* "m-search * HTTP/1.1" */
	UA_SSDP_CUT,		/* the first line without its "\n" */
};

/* One thing wrong with an otherwise well-formed frame. */
enum damage_kind {
	DMG_NONE,
	DMG_IP_VERSION,	/* write n into the IP version field */
	DMG_IHL,	/* write n into the IP header length field */
	DMG_DOFF,	/* write n into the TCP data offset field */
	DMG_TOT_LEN_ADD,/* add n to IP tot_len; the frame keeps its length */
	DMG_L4_CUT,	/* keep n bytes of the L4 part, and tot_len says so */
	DMG_FRAME_CUT,	/* the frame ends after n bytes; the headers do not know */
	DMG_VLAN_TAG,	/* an 802.1Q tag of VID n after the MAC addresses */
	DMG_UDP_LEN,	/* write n into the UDP length field (the checksum still fits the old one) */
};

struct damage {
	enum damage_kind what;
	int n;
};

#define SET_IP_VERSION(v) { DMG_IP_VERSION, (v) }
#define SET_IHL(n) { DMG_IHL, (n) }
#define SET_DOFF(n) { DMG_DOFF, (n) }
#define TOT_LEN_PLUS(n) { DMG_TOT_LEN_ADD, (n) }
#define L4_CUT_TO(n) { DMG_L4_CUT, (n) }
#define FRAME_CUT_TO(n) { DMG_FRAME_CUT, (n) }
#define VLAN_TAGGED { DMG_VLAN_TAG, 7 }
#define SET_UDP_LEN(n) { DMG_UDP_LEN, (n) }

/* One row: a frame for one responder. Zero fields are the plain probe. */
struct tcase {
	const char *name;
	enum responder on;
	enum frame_kind kind;
	/* IPv4 (host order) */
	uint32_t saddr;		/* 0: SCANNER_IP */
	uint32_t daddr;		/* F_ARP: the address asked for */
	uint8_t ttl;		/* 0: DEFAULT_TTL */
	uint8_t tos;		/* the IP TOS byte (DSCP and ECN) */
	uint16_t frag;		/* IP flags and fragment offset */
	int ip_opts;		/* bytes of IP options: 0, 4 or 40 */
	uint8_t ip_proto;	/* F_IP_PROTO */
	/* TCP and UDP */
	uint16_t sport;		/* 0: DEFAULT_SPORT */
	uint16_t dport;
	uint8_t tcp_flags;
	uint8_t tcp_res;	/* AE and the reserved bits: the low nibble of byte 12 */
	uint32_t seq, ack;
	uint16_t win;		/* 0: DEFAULT_WIN */
	uint16_t urg;
	enum tcp_opts tcp_opts;
	/* UDP */
	enum udp_app app;
	uint32_t app_id;
	/* ICMP */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	/* F_ETH_ONLY */
	uint16_t ethertype;
	/* Sizes */
	int payload;		/* bytes after the L4 header (F_ETH_ONLY: after Ethernet) */
	int pad;		/* Ethernet padding after the IP packet... */
	uint8_t pad_fill;	/* ...made of this byte */
	struct damage damage;
	/* Per scanner, checked when a row says where: IN_ROW(), IN_NO_ROW, DNS_HIT() */
	int counts_in;		/* host + 1 of the row it counts in; -1: the totals only */
	int dns_label;		/* drop_do_not_scan: the do_not_scan_hits label it counts under */
	/* Per service, checked when a row says where: IN_SVC(), IN_SVC_CLOSED(), IN_NO_SVC */
	const char *svc;	/* the bucket's service ("tcp/80", a policy, "no_service", "other") */
	bool svc_closed;	/* an answered ACK: its RST counts as closed, not open */
};

/*
 * Where a row's verdict counts per scanner, each time it runs: in host h's
 * row of source_counters (and, as drop_do_not_scan, in do_not_scan_hits
 * under label l), or in no row. Every other per-scanner counter stays.
 */
#define IN_ROW(h) .counts_in = (h) + 1
#define IN_NO_ROW .counts_in = -1
#define DNS_HIT(h, l) IN_ROW(h), .dns_label = (l)

/*
 * Where a row counts per service, each time it runs: the probes of the
 * bucket of service s (fixture.h, bucket_of()), and, if it is answered,
 * its open or closed answers - closed for a RST-ACK or a port
 * unreachable, open for any other answer, but for an ACK's RST as
 * IN_SVC_CLOSED says. IN_NO_SVC: the world is never asked, no bucket
 * moves. Every other bucket's counters stay.
 */
#define IN_SVC(s) .svc = (s)
#define IN_SVC_CLOSED(s) .svc = (s), .svc_closed = true
#define NO_SVC ""
#define IN_NO_SVC .svc = NO_SVC

#define SYN 0x02
#define ACK 0x10
#define RST 0x04
#define FIN 0x01
#define PSH 0x08
#define URG 0x20
#define ECE 0x40
#define CWR 0x80

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMP_REPLY 14

/* What a row starts from: the kind of frame and where it goes. */
#define SYN_TO(d, port) .kind = F_TCP, .daddr = (d), .dport = (port), .tcp_flags = SYN
#define TCP_TO(d, port, flags) .kind = F_TCP, .daddr = (d), .dport = (port), .tcp_flags = (flags)
#define ECHO_TO(d) .kind = F_ICMP, .daddr = (d), .icmp_type = ICMP_ECHO_REQUEST
#define ICMP_TO(d, type, code) \
	.kind = F_ICMP, .daddr = (d), .icmp_type = (type), .icmp_code = (code)
#define UDP_TO(d, port) .kind = F_UDP, .daddr = (d), .dport = (port)
#define UDP_APP_TO(d, port, what) .kind = F_UDP, .daddr = (d), .dport = (port), .app = (what)
#define IP_PROTO_TO(d, proto) .kind = F_IP_PROTO, .daddr = (d), .ip_proto = (proto)
#define ARP_WHO_HAS(a) .kind = F_ARP, .daddr = (a)
#define ETH_ONLY(type) .kind = F_ETH_ONLY, .ethertype = (type)

/*
 * A SYN with TTL 63 whose IP header sums to 0xffff (its checksum is
 * 0x0000): the data path's update of that checksum for RS_REPLY_TTL 64
 * (RFC 1624, over 16-bit words as a little-endian CPU loads them) sums to
 * 0x1ffff, which only a second fold gets right. The address makes the
 * sum; test_responder.c checks that it still does.
 */
#define SYN_CARRYING_TWICE SYN_TO(IP(10, 5, 57, 88), 80), .ttl = 63

/* A counter by the end of its name: C(TX_SYNACK). */
#define C(x) RS_CNT_##x

/* Rows that all move the counter `expect`. */
struct case_table {
	const char *title;
	int expect;
	const struct tcase *rows;
	size_t n;
};
#define CASE_TABLE(title, cnt, rows) { title, C(cnt), rows, N_ROWS(rows) }

/*
 * Rows that only probe the world: what world_lookup() must answer for a
 * probe of the address. A hit is answered (XDP_TX), a miss dropped as
 * not in the world.
 */
enum world_says { HIT, MISS };

struct lookup_probe {
	enum frame_kind kind;	/* F_TCP: a SYN to port; F_ICMP: an echo request */
	uint16_t port;
	enum tcp_opts tcp_opts;
};
#define SYN_PORT(port) { F_TCP, (port), TOPT_NONE }
#define NMAP_SYN_PORT(port) { F_TCP, (port), TOPT_MSS }	/* nmap's SYN: MSS 1460 */
#define ECHO_REQ { F_ICMP, 0, TOPT_NONE }

struct lookup_row {
	const char *name;
	struct lookup_probe probe;
	uint32_t addr;
	enum world_says says;
};

struct lookup_table {
	const char *title;
	enum responder on;
	const struct lookup_row *rows;
	size_t n;
};
#define LOOKUP_TABLE(title, on, rows) { title, on, rows, N_ROWS(rows) }

/* The tables of one file. */
struct case_file {
	const struct case_table *tables;
	size_t ntables;
	const struct lookup_table *lookups;
	size_t nlookups;
};

extern const struct case_file frame_cases;	/* cases_frames.c */
extern const struct case_file tcp_syn_cases;	/* cases_tcp_syn.c */
extern const struct case_file icmp_echo_cases;	/* cases_icmp_echo.c */
extern const struct case_file tcp_states_cases;	/* cases_tcp_states.c */
extern const struct case_file icmp_timestamp_cases;	/* cases_icmp_timestamp.c */
extern const struct case_file udp_cases;	/* cases_udp.c */
extern const struct case_file udp_app_cases;	/* cases_udp_apps.c */
extern const struct case_file lookup_cases;	/* cases_lookup.c */
extern const struct case_file corrupt_cases;	/* corrupt.c */
extern const struct case_file seat_cases;	/* cases_seats.c */
extern const struct case_file do_not_scan_cases;	/* cases_do_not_scan.c */
extern const struct case_file service_cases;	/* cases_services.c */

/*
 * Rows whose verdicts depend on the rows before them, run in order: a
 * seat's rate cap (rate_cap.c). False once a row fails, after saying why.
 */
bool rate_cap_holds(void);

/* The row a lookup row stands for, and the counter it must move. */
struct tcase lookup_case(const struct lookup_table *lt, const struct lookup_row *r, int *expect);

#endif
