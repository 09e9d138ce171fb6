// SPDX-License-Identifier: GPL-2.0-only
/*
 * frame_udp.c - UDP probes as scanners send them, and the replies a host
 * would send, built here afresh. The payloads of nmap are those of
 * nmap-payloads (7.93).
 */
#include <string.h>

#include "frame.h"
#include "frame_udp.h"
#include "udp_banners.h"

#define IP_LEN 20
#define UDP_HDR 8

/* ---- payloads ------------------------------------------------------------ */

/* Copy a payload written as a C string literal (sizeof counts its NUL). */
#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (uint32_t)(sizeof(s) - 1))

uint32_t udp_app_payload(const struct tcase *t, uint8_t *p)
{
	switch (t->app) {
	case UA_NMAP_ECHO:
		return LIT(p, "\r\n\r\n");
	case UA_PATTERN:
		break;
	}
	return 0;
}

/* ---- replies ------------------------------------------------------------ */

/* ICMP port unreachable from the host, as Linux sends it (bpf/icmp_unreach.h). */
static uint32_t expect_unreach(const uint8_t *in, uint8_t *exp)
{
	const uint8_t *pip = in + ETH_LEN;
	uint8_t *ip = exp + ETH_LEN, *icmp = ip + IP_LEN;
	uint32_t host = get32(pip + 16), scanner = get32(pip + 12);

	memcpy(exp, in + 6, 6);
	memcpy(exp + 6, in, 6);
	put16(exp + 12, 0x0800);
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	ip[1] = (uint8_t)(0xc0 | (pip[1] & 0x1e));
	put16(ip + 2, IP_LEN + 8 + IP_LEN + UDP_HDR);
	put16(ip + 4, (uint16_t)rs_host_hash(host ^ scanner));
	ip[8] = RS_REPLY_TTL;
	ip[9] = 1;
	put32(ip + 12, host);
	put32(ip + 16, scanner);
	ip_csum_set(ip, IP_LEN);
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, pip, IP_LEN + UDP_HDR);
	l4_csum_set(ip, icmp, 8 + IP_LEN + UDP_HDR, 1);
	return ETH_LEN + IP_LEN + 8 + IP_LEN + UDP_HDR;
}

uint32_t udp_expected_reply(const uint8_t *in, uint32_t len, int cnt, uint8_t *exp)
{
	const uint8_t *q = in + ETH_LEN + IP_LEN + UDP_HDR;
	uint8_t *ip = exp + ETH_LEN, *udp = ip + IP_LEN, *r = udp + UDP_HDR;
	uint32_t qlen, rlen;

	if (cnt == RS_CNT_TX_PORT_UNREACH)
		return expect_unreach(in, exp);
	if (len < ETH_LEN + IP_LEN + UDP_HDR)
		return 0;
	qlen = get16(in + ETH_LEN + IP_LEN + 4) - UDP_HDR;

	switch (cnt) {
	case RS_CNT_TX_UDP_ECHO:
		memcpy(r, q, qlen);
		rlen = qlen;
		break;
	default:
		return 0;
	}

	/* Turned around: MACs, addresses, ports; TTL; TOS, id and DF kept. */
	memcpy(exp, in + 6, 6);
	memcpy(exp + 6, in, 6);
	put16(exp + 12, 0x0800);
	memcpy(ip, in + ETH_LEN, IP_LEN);
	memcpy(ip + 12, in + ETH_LEN + 16, 4);
	memcpy(ip + 16, in + ETH_LEN + 12, 4);
	ip[8] = RS_REPLY_TTL;
	put16(ip + 2, (uint16_t)(IP_LEN + UDP_HDR + rlen));
	ip_csum_set(ip, IP_LEN);
	put16(udp, get16(in + ETH_LEN + IP_LEN + 2));
	put16(udp + 2, get16(in + ETH_LEN + IP_LEN));
	put16(udp + 4, (uint16_t)(UDP_HDR + rlen));
	l4_csum_set(ip, udp, UDP_HDR + rlen, 17);
	return ETH_LEN + IP_LEN + UDP_HDR + rlen;
}
