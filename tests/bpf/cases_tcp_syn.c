// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_tcp_syn.c - the TCP SYN probe kind (bpf/probe_tcp_syn.h): SYNs
 * as ZMap, masscan and nmap send them, each answered with a SYN-ACK that
 * echoes the probe exactly (the runner compares every byte); TCP segments
 * that are no SYN probe; SYNs in a form rescan does not answer; TCP
 * headers that do not hold up. The world lookup behind the answer is
 * cases_lookup.c's.
 */
#include "cases.h"

/* Hosts of tcp/80 (fixture.c). */
#define ARRAY4_FIRST IP(10, 1, 0, 5)
#define ARRAY4_SECOND IP(10, 1, 0, 7)
#define ARRAY4_THIRD IP(10, 1, 0, 9)

static const struct tcase answered[] = {
	{ "syn nonzero ack field (masscan/ZMap)", SYN_TO(ARRAY4_FIRST, 80), .sport = 61000,
	  .seq = 0xdeadbeef, .ack = 0xcafef00d },
	{ "syn seq 0xffffffff: ack wraps to 0", SYN_TO(ARRAY4_FIRST, 80), .sport = 32768,
	  .seq = 0xffffffff },
	{ "syn seq 0", SYN_TO(ARRAY4_FIRST, 80), .sport = 32769, .seq = 0 },
	{ "syn array4 last entry, MSS option", SYN_TO(IP(10, 1, 200, 1), 80), .seq = 0x99887766,
	  .tcp_opts = TOPT_MSS },
	{ "syn linux options (doff 10)", SYN_TO(ARRAY4_SECOND, 80), .sport = 50000,
	  .seq = 0x600dcafe, .win = 64240, .tcp_opts = TOPT_LINUX },
	{ "syn 40 bytes of options (doff 15)", SYN_TO(ARRAY4_SECOND, 80), .sport = 50001,
	  .seq = 0x0badf00d, .win = 65535, .tcp_opts = TOPT_40 },
	/* Flags beyond SYN are not echoed: ZMap takes exactly 0x12. */
	{ "syn ECE|CWR answered with exactly 0x12", TCP_TO(ARRAY4_THIRD, 80, SYN | ECE | CWR),
	  .sport = 50002, .seq = 0xecececec, .tcp_opts = TOPT_LINUX },
	{ "syn PSH|URG answered with exactly 0x12", TCP_TO(ARRAY4_THIRD, 80, SYN | PSH | URG),
	  .sport = 50003, .seq = 0x0e0e0e0e, .urg = 7 },
	/* AE (AccECN) and the reserved bits are not echoed either (fuzz_packets). */
	{ "syn AE and reserved bits cleared in the SYN-ACK", SYN_TO(ARRAY4_THIRD, 80),
	  .sport = 50011, .seq = 0xae0ae0ae, .tcp_res = 0xf },
	/* Ethernet padding and IP options stay where they are. */
	{ "syn padded to 60 bytes", SYN_TO(IP(10, 2, 3, 4), 80), .sport = 50004,
	  .seq = 0x60606060, .pad = 6 },
	{ "syn padded with junk", SYN_TO(IP(10, 5, 1, 2), 80), .sport = 50005, .seq = 0x61616161,
	  .pad = 11, .pad_fill = 0xa5 },
	{ "syn IP options (ihl 6)", SYN_TO(IP(10, 4, 0, 2), 80), .sport = 50006,
	  .seq = 0x0b0b0b0b, .ip_opts = 4 },
	{ "syn ihl 15, doff 15, padded", SYN_TO(IP(10, 4, 0, 4), 80), .sport = 50007,
	  .seq = 0x0f0f0f0f, .ip_opts = 40, .tcp_opts = TOPT_40, .pad = 5, .pad_fill = 0x5a },
	{ "syn DF set", SYN_TO(IP(10, 5, 9, 9), 80), .sport = 50008, .seq = 0xdfdfdfdf,
	  .frag = 0x4000 },
	/* Whatever the probe's TTL, the reply's is RS_REPLY_TTL. */
	{ "syn TTL 64 already", SYN_TO(IP(10, 5, 9, 10), 80), .sport = 50009, .seq = 0x40404040,
	  .ttl = 64 },
	{ "syn TTL 1", SYN_TO(IP(10, 5, 9, 11), 80), .sport = 50010, .seq = 0x01010101, .ttl = 1 },
	{ "syn whose TTL update carries twice", SYN_CARRYING_TWICE, .seq = 0x7e577e57 },
	/* For the ISN checks across rows (test_responder.c): same 4-tuple as
	 * "syn array4 first entry" with another seq, with another key, and
	 * one host from two scanner addresses. */
	{ "syn first entry again, other seq", SYN_TO(ARRAY4_FIRST, 80), .seq = 0x55667788 },
	{ "syn first entry, other ISN key", SYN_TO(ARRAY4_FIRST, 80), .seq = 0x11223344,
	  .on = ON_OPEN },
	{ "syn other scanner address", SYN_TO(IP(198, 51, 100, 80), 80),
	  .saddr = IP(203, 0, 113, 9), .seq = 0x1f2e3d4c },
	{ "syn other host, default scanner", SYN_TO(IP(198, 51, 100, 80), 80), .seq = 0x2f3e4d5c },
};

/*
 * A SYN probe has SYN and none of ACK, RST, FIN; an ACK probe has ACK and
 * no RST (cases_tcp_states.c). Anything else is no probe: masscan's RST
 * after each SYN-ACK above all, which must never be answered.
 */
static const struct tcase not_syn[] = {
	{ "not probe: RST (masscan's reset)", TCP_TO(ARRAY4_FIRST, 80, RST), .seq = 0x11223345 },
	{ "not probe: RST|ACK", TCP_TO(ARRAY4_FIRST, 80, RST | ACK) },
	{ "not probe: SYN|RST", TCP_TO(ARRAY4_FIRST, 80, SYN | RST) },
	{ "not probe: SYN|FIN", TCP_TO(ARRAY4_FIRST, 80, SYN | FIN) },
	{ "not probe: FIN", TCP_TO(ARRAY4_FIRST, 80, FIN) },
	{ "not probe: NULL scan", TCP_TO(ARRAY4_FIRST, 80, 0) },
	{ "not probe: Xmas scan", TCP_TO(ARRAY4_FIRST, 80, FIN | PSH | URG) },
	{ "not probe: RST to a host not in world", TCP_TO(IP(10, 6, 0, 1), 80, RST) },
};

static const struct tcase syn_with_data[] = {
	{ "unsupported: SYN with 1 byte of data", SYN_TO(ARRAY4_FIRST, 80), .payload = 1 },
	{ "unsupported: SYN with options and data (TFO)", SYN_TO(ARRAY4_FIRST, 80),
	  .tcp_opts = TOPT_LINUX, .payload = 16 },
	{ "unsupported: SYN with data, padded", SYN_TO(ARRAY4_FIRST, 80), .payload = 2, .pad = 4 },
};

/* A TCP header that is cut short, or whose data offset does not fit it. */
static const struct tcase tcp_malformed[] = {
	{ "malformed: frame cut inside TCP", SYN_TO(ARRAY4_FIRST, 80),
	  .damage = FRAME_CUT_TO(ETH_LEN + 30) },
	{ "malformed: TCP doff 4", SYN_TO(ARRAY4_FIRST, 80), .damage = SET_DOFF(4) },
	{ "malformed: TCP doff 0", SYN_TO(ARRAY4_FIRST, 80), .damage = SET_DOFF(0) },
	{ "malformed: TCP doff 15, no options", SYN_TO(ARRAY4_FIRST, 80), .damage = SET_DOFF(15) },
	{ "malformed: TCP doff 6, no options", SYN_TO(ARRAY4_FIRST, 80), .damage = SET_DOFF(6) },
	{ "malformed: TCP header of 0 bytes", SYN_TO(ARRAY4_FIRST, 80), .damage = L4_CUT_TO(0) },
	{ "malformed: TCP header of 10 bytes", SYN_TO(ARRAY4_FIRST, 80), .damage = L4_CUT_TO(10) },
	{ "malformed: TCP header of 19 bytes", SYN_TO(ARRAY4_FIRST, 80), .damage = L4_CUT_TO(19) },
	{ "malformed: TCP 19 bytes per tot_len, padded", SYN_TO(ARRAY4_FIRST, 80), .pad = 20,
	  .damage = L4_CUT_TO(19) },
	{ "malformed: TCP options cut by tot_len", SYN_TO(ARRAY4_FIRST, 80), .tcp_opts = TOPT_40,
	  .damage = L4_CUT_TO(30) },
};

static const struct case_table tables[] = {
	CASE_TABLE("SYNs scanners send, answered with a SYN-ACK", TX_SYNACK, answered),
	CASE_TABLE("TCP that is no SYN probe", DROP_NOT_PROBE, not_syn),
	CASE_TABLE("SYNs with data, not answered", DROP_UNSUPPORTED, syn_with_data),
	CASE_TABLE("TCP headers that do not hold up", DROP_MALFORMED, tcp_malformed),
};

const struct case_file tcp_syn_cases = { tables, N_ROWS(tables), NULL, 0 };
