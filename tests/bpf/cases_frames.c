// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_frames.c - what is decided before any probe kind looks at a
 * frame (bpf/parse.h and responder.h): ARP goes to the kernel, frames
 * that are not IPv4 are dropped, so are IPv4 protocols no probe kind
 * answers, fragments, anything addressed to the lab network itself, and
 * Ethernet or IPv4 headers that are cut short or inconsistent.
 */
#include "cases.h"

/* A host of tcp/80 and of nothing else (fixture.c). */
#define HOST80 IP(10, 1, 0, 5)
#define GATEWAY IP(100, 64, 0, 1)

static const struct tcase arp[] = {
	{ "arp request for the gateway", ARP_WHO_HAS(GATEWAY) },
	{ "arp ethertype, header only", ETH_ONLY(0x0806) },
	{ "arp on the empty world", ARP_WHO_HAS(GATEWAY), .on = ON_EMPTY },
};

static const struct tcase not_ipv4[] = {
	{ "not ipv4: IPv6 echo", .kind = F_IPV6 },
	{ "not ipv4: IPv6 ethertype, header only", ETH_ONLY(0x86dd) },
	{ "not ipv4: 802.1Q-tagged SYN", SYN_TO(HOST80, 80), .damage = VLAN_TAGGED },
	{ "not ipv4: LLDP", ETH_ONLY(0x88cc), .payload = 46 },
	{ "not ipv4: ethertype 0", ETH_ONLY(0), .payload = 46 },
};

/* IPv4 protocols without a probe kind (TCP, ICMP and UDP have their own files). */
static const struct tcase no_probe_kind[] = {
	{ "not probe: GRE", IP_PROTO_TO(HOST80, 47), .payload = 4 },
	{ "not probe: UDP-Lite", IP_PROTO_TO(HOST80, 136), .payload = 8 },
	{ "not probe: IP with no payload", IP_PROTO_TO(HOST80, 59) },
};

/* Fragments are not reassembled; the fragment check comes before any L4 check. */
static const struct tcase fragments[] = {
	{ "unsupported: fragment MF", SYN_TO(HOST80, 80), .frag = 0x2000 },
	{ "unsupported: fragment MF|DF", SYN_TO(HOST80, 80), .frag = 0x6000 },
	{ "unsupported: fragment offset 1", SYN_TO(HOST80, 80), .frag = 0x0001 },
	{ "unsupported: fragment offset 0x1fff", SYN_TO(HOST80, 80), .frag = 0x1fff },
	{ "unsupported: echo fragment MF", ECHO_TO(IP(10, 1, 0, 6)), .frag = 0x2000,
	  .payload = 8 },
	{ "unsupported: fragment beats bad doff", SYN_TO(HOST80, 80), .frag = 0x2000,
	  .damage = SET_DOFF(4) },
};

/*
 * The lab network 100.64.0.0/24 is not the internet, whatever the world
 * says (100.64.0.5 is a world host) and whatever the packet is. Just
 * outside it: cases_lookup.c.
 */
static const struct tcase lab[] = {
	{ "lab: syn to a world host in the lab net", SYN_TO(IP(100, 64, 0, 5), 80) },
	{ "lab: syn to the gateway", SYN_TO(GATEWAY, 80) },
	{ "lab: syn to the network address", SYN_TO(IP(100, 64, 0, 0), 80) },
	{ "lab: syn to the broadcast address", SYN_TO(IP(100, 64, 0, 255), 80) },
	{ "lab: echo to a world host", ECHO_TO(IP(100, 64, 0, 5)) },
	{ "lab: ICMP timestamp to the gateway", ICMP_TO(GATEWAY, ICMP_TIMESTAMP, 0), .payload = 12 },
	{ "lab: RST", TCP_TO(IP(100, 64, 0, 5), 80, RST) },
	{ "lab: UDP", UDP_TO(GATEWAY, 53) },
	{ "lab: empty world", SYN_TO(GATEWAY, 80), .on = ON_EMPTY },
};

/* Ethernet and IPv4 headers cut short or inconsistent (TCP and ICMP: their files). */
static const struct tcase malformed[] = {
	{ "malformed: empty frame", ETH_ONLY(0x0800), .damage = FRAME_CUT_TO(0) },
	{ "malformed: 1-byte frame", ETH_ONLY(0x0800), .damage = FRAME_CUT_TO(1) },
	{ "malformed: Ethernet cut in the ethertype", SYN_TO(HOST80, 80),
	  .damage = FRAME_CUT_TO(13) },
	{ "malformed: ARP frame cut to 12 bytes", ARP_WHO_HAS(GATEWAY),
	  .damage = FRAME_CUT_TO(12) },
	{ "malformed: IPv4 ethertype, no IP header", ETH_ONLY(0x0800) },
	{ "malformed: IP header cut at 19 bytes", SYN_TO(HOST80, 80),
	  .damage = FRAME_CUT_TO(ETH_LEN + 19) },
	{ "malformed: IP version 6 in an IPv4 frame", SYN_TO(HOST80, 80),
	  .damage = SET_IP_VERSION(6) },
	{ "malformed: IP version 0", SYN_TO(HOST80, 80), .damage = SET_IP_VERSION(0) },
	{ "malformed: ihl 4", SYN_TO(HOST80, 80), .damage = SET_IHL(4) },
	{ "malformed: ihl 1", SYN_TO(HOST80, 80), .damage = SET_IHL(1) },
	{ "malformed: ihl 15 > tot_len", SYN_TO(HOST80, 80), .damage = SET_IHL(15) },
	{ "malformed: tot_len one past the frame", SYN_TO(HOST80, 80),
	  .damage = TOT_LEN_PLUS(1) },
	{ "malformed: tot_len past padded frame", SYN_TO(HOST80, 80), .pad = 6,
	  .damage = TOT_LEN_PLUS(7) },
	{ "malformed: tot_len 19", SYN_TO(HOST80, 80), .damage = TOT_LEN_PLUS(-21) },
	{ "malformed: tot_len 0", SYN_TO(HOST80, 80), .damage = TOT_LEN_PLUS(-40) },
};

static const struct case_table tables[] = {
	CASE_TABLE("ARP, passed to the kernel", PASS_ARP, arp),
	CASE_TABLE("frames that are not IPv4", DROP_NOT_IPV4, not_ipv4),
	CASE_TABLE("IPv4 protocols no probe kind answers", DROP_NOT_PROBE, no_probe_kind),
	CASE_TABLE("IP fragments", DROP_UNSUPPORTED, fragments),
	CASE_TABLE("the lab network itself", DROP_LAB_INTERNAL, lab),
	CASE_TABLE("Ethernet and IPv4 headers that do not hold up", DROP_MALFORMED, malformed),
};

const struct case_file frame_cases = { tables, N_ROWS(tables), NULL, 0 };
