// SPDX-License-Identifier: GPL-2.0-only
/*
 * reply.c - is a reply one? The rules every reply of the responder keeps,
 * checked with this file's own RFC 1071 sum: the frame is no longer than
 * its IP packet (plus the probe's own padding where the probe is
 * rewritten in place), MACs, addresses and ports are the probe's turned
 * around, TTL RS_REPLY_TTL, the lengths of IP, TCP, UDP and ICMP agree,
 * and every checksum verifies, the TCP and UDP ones with their
 * pseudo-header. A checksum the data path updates incrementally (RFC
 * 1624) carries over what was wrong in the probe's: it must then be
 * exactly as wrong, no more. Last, the reply must be byte for byte the
 * one ../frame.c builds from scratch for the probe.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

uint16_t fz_sum(const uint8_t *p, uint32_t len, uint32_t start)
{
	uint64_t s = start;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The sum of a TCP or UDP segment with its pseudo-header, or of an ICMP message. */
static uint16_t l4_sum(const uint8_t *ip, const uint8_t *l4, uint32_t l4_len)
{
	uint32_t pseudo = 0;

	if (ip[9] == 6 || ip[9] == 17)
		pseudo = fz_sum(ip + 12, 8, 0) + ip[9] + l4_len;
	return fz_sum(l4, l4_len, pseudo);
}

/* Where a reply of counter cnt updates a checksum instead of computing it. */
static bool ip_incremental(int cnt)
{
	return cnt == RS_CNT_TX_SYNACK || cnt == RS_CNT_TX_RST_CLOSED ||
	       cnt == RS_CNT_TX_RST_UNSOLICITED || cnt == RS_CNT_TX_ECHO_REPLY ||
	       cnt == RS_CNT_TX_TIMESTAMP_REPLY;
}

static bool l4_incremental(int cnt)
{
	return cnt == RS_CNT_TX_SYNACK || cnt == RS_CNT_TX_ECHO_REPLY ||
	       cnt == RS_CNT_TX_TIMESTAMP_REPLY;
}

/* Rewritten where it lies: the reply keeps the probe's length and its Ethernet padding. */
static bool in_place(int cnt)
{
	return l4_incremental(cnt);
}

static uint8_t want_proto(int cnt)
{
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
	case RS_CNT_TX_RST_CLOSED:
	case RS_CNT_TX_RST_UNSOLICITED:
		return 6;
	case RS_CNT_TX_ECHO_REPLY:
	case RS_CNT_TX_TIMESTAMP_REPLY:
	case RS_CNT_TX_PORT_UNREACH:
		return 1;
	}
	return 17;
}

#define FAIL(...) do { snprintf(why, why_len, __VA_ARGS__); return why; } while (0)

static const char *check_tcp(const struct frame *in, int cnt, const uint8_t *pl4,
			     const uint8_t *l4, uint32_t l4_len, uint32_t pl4_len, char *why,
			     size_t why_len)
{
	uint32_t doff = (l4[12] >> 4) * 4u;

	if (l4_len < 20 || doff < 20 || doff > l4_len)
		FAIL("TCP header length %u in a %u-byte segment", doff, l4_len);
	if (get16(l4) != get16(pl4 + 2) || get16(l4 + 2) != get16(pl4))
		FAIL("TCP ports not the probe's turned around");
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
		if (l4[13] != (SYN | ACK))
			FAIL("SYN-ACK with flags 0x%02x", l4[13]);
		if (get32(l4 + 8) != get32(pl4 + 4) + 1)
			FAIL("SYN-ACK ack 0x%08x, not the probe's seq + 1", get32(l4 + 8));
		if (l4_len != pl4_len || doff != (pl4[12] >> 4) * 4u)
			FAIL("SYN-ACK of %u bytes (header %u) for a SYN of %u", l4_len, doff, pl4_len);
		break;
	case RS_CNT_TX_RST_CLOSED:
	case RS_CNT_TX_RST_UNSOLICITED:
		if (l4_len != 20 || doff != 20)
			FAIL("RST of %u bytes, header %u: not a bare header", l4_len, doff);
		if (l4[13] != (cnt == RS_CNT_TX_RST_CLOSED ? (RST | ACK) : RST))
			FAIL("RST with flags 0x%02x", l4[13]);
		if (cnt == RS_CNT_TX_RST_CLOSED &&
		    (get32(l4 + 4) != 0 || get32(l4 + 8) != get32(pl4 + 4) + 1))
			FAIL("RST-ACK seq/ack 0x%08x/0x%08x, not 0 and the probe's seq + 1",
			     get32(l4 + 4), get32(l4 + 8));
		if (cnt == RS_CNT_TX_RST_UNSOLICITED &&
		    (get32(l4 + 4) != get32(pl4 + 8) || get32(l4 + 8) != 0))
			FAIL("RST seq/ack 0x%08x/0x%08x, not the probe's ack and 0", get32(l4 + 4),
			     get32(l4 + 8));
		break;
	}
	(void)in;
	return NULL;
}

static const char *check_icmp(int cnt, const uint8_t *pip, const uint8_t *pl4, const uint8_t *l4,
			      uint32_t l4_len, uint32_t pl4_len, char *why, size_t why_len)
{
	switch (cnt) {
	case RS_CNT_TX_ECHO_REPLY:
		if (l4[0] != 0 || l4[1] != 0)
			FAIL("echo reply of type %u code %u", l4[0], l4[1]);
		if (l4_len != pl4_len || memcmp(l4 + 4, pl4 + 4, l4_len - 4))
			FAIL("echo reply's id, sequence or data not the request's");
		break;
	case RS_CNT_TX_TIMESTAMP_REPLY:
		if (l4[0] != 14 || l4[1] != 0 || l4_len != 20)
			FAIL("timestamp reply of type %u code %u, %u bytes", l4[0], l4[1], l4_len);
		if (memcmp(l4 + 4, pl4 + 4, 8) || memcmp(l4 + 12, pl4 + 8, 4) ||
		    memcmp(l4 + 16, pl4 + 8, 4))
			FAIL("timestamp reply's id, sequence or times not the request's");
		break;
	case RS_CNT_TX_PORT_UNREACH:
		if (l4[0] != 3 || l4[1] != 3 || l4_len != 8 + 20 + 8)
			FAIL("port unreachable of type %u code %u, %u bytes", l4[0], l4[1], l4_len);
		if (memcmp(l4 + 8, pip, 20 + 8))
			FAIL("port unreachable does not quote the probe's IP header and 8 bytes of UDP");
		break;
	}
	return NULL;
}

/*
 * The rules of a reply in general; then byte for byte frame.c's reply,
 * with an incrementally updated checksum judged by its residue.
 */
const char *fz_check_reply(const struct frame *in, int cnt, const uint8_t *got, uint32_t glen,
			   char *why, size_t why_len)
{
	const uint8_t *pip = in->b + ETH_LEN, *ip = got + ETH_LEN, *pl4, *l4;
	uint32_t pihl, ptot, ihl, tot, l4_len, pl4_len, pad, exp_len, i;
	static uint8_t exp[FRAME_MAX + 64];

	pihl = (pip[0] & 15) * 4u;
	ptot = get16(pip + 2);
	if (in->len < ETH_LEN + 20 || pihl < 20 || ptot < pihl || ETH_LEN + ptot > in->len)
		FAIL("answered a frame that is no whole IPv4 packet");
	pl4 = pip + pihl;
	pl4_len = ptot - pihl;
	pad = in->len - ETH_LEN - ptot;

	/* Ethernet: the probe's MACs turned around. */
	if (glen < ETH_LEN + 20)
		FAIL("reply of %u bytes: no IPv4 header", glen);
	if (memcmp(got, in->b + 6, 6) || memcmp(got + 6, in->b, 6) || get16(got + 12) != 0x0800)
		FAIL("reply's Ethernet header is not the probe's turned around");

	/* IPv4: lengths within the frame, addresses turned around. */
	ihl = (ip[0] & 15) * 4u;
	tot = get16(ip + 2);
	if (ip[0] >> 4 != 4 || ihl < 20 || tot < ihl || ETH_LEN + tot > glen)
		FAIL("reply's IP version/header length/total length (0x%02x, %u) do not fit its %u "
		     "bytes", ip[0], tot, glen);
	if (glen - ETH_LEN - tot != (in_place(cnt) ? pad : 0))
		FAIL("reply ends %u bytes after its IP packet (the probe's padding: %u)",
		     glen - ETH_LEN - tot, pad);
	if (get32(ip + 12) != get32(pip + 16) || get32(ip + 16) != get32(pip + 12))
		FAIL("reply's IP addresses are not the probe's turned around");
	if (ip[8] != RS_REPLY_TTL || ip[9] != want_proto(cnt))
		FAIL("reply's TTL %u, protocol %u", ip[8], ip[9]);
	if (ip_incremental(cnt) ? fz_sum(ip, ihl, 0) != fz_sum(pip, pihl, 0) :
				  fz_sum(ip, ihl, 0) != 0xffff)
		FAIL("reply's IP header checksum does not verify (residue 0x%04x, probe's 0x%04x)",
		     fz_sum(ip, ihl, 0), fz_sum(pip, pihl, 0));

	/* L4: lengths, ports, checksums with the pseudo-header. */
	l4 = ip + ihl;
	l4_len = tot - ihl;
	if (l4_incremental(cnt) ? l4_sum(ip, l4, l4_len) != l4_sum(pip, pl4, pl4_len) :
				  l4_sum(ip, l4, l4_len) != 0xffff)
		FAIL("reply's L4 checksum does not verify (residue 0x%04x, probe's 0x%04x)",
		     l4_sum(ip, l4, l4_len), l4_sum(pip, pl4, pl4_len));
	if (ip[9] == 6) {
		const char *w = check_tcp(in, cnt, pl4, l4, l4_len, pl4_len, why, why_len);

		if (w)
			return w;
	} else if (ip[9] == 17) {
		if (l4_len < 8 || get16(l4 + 4) != l4_len)
			FAIL("UDP length %u in an IP payload of %u", l4_len >= 8 ? get16(l4 + 4) : 0,
			     l4_len);
		if (!get16(l4 + 6))
			FAIL("UDP reply without a checksum");
		if (get16(l4) != get16(pl4 + 2) || get16(l4 + 2) != get16(pl4))
			FAIL("UDP ports not the probe's turned around");
	} else {
		const char *w;

		if (l4_len < 8)
			FAIL("ICMP message of %u bytes", l4_len);
		w = check_icmp(cnt, pip, pl4, l4, l4_len, pl4_len, why, why_len);
		if (w)
			return w;
	}

	/* Byte for byte the reply frame.c builds, but for incremental checksums' representation. */
	exp_len = frame_expected_reply(in, cnt, got, exp);
	if (exp_len != glen)
		FAIL("reply of %u bytes, frame.c's of %u", glen, exp_len);
	for (i = 0; i < glen; i++) {
		bool ip_check = i == ETH_LEN + 10 || i == ETH_LEN + 11;
		uint32_t l4c = ETH_LEN + ihl + (ip[9] == 6 ? 16 : ip[9] == 17 ? 6 : 2);
		bool l4_check = i == l4c || i == l4c + 1;

		if ((ip_check && ip_incremental(cnt)) || (l4_check && l4_incremental(cnt)))
			continue;
		if (got[i] != exp[i])
			FAIL("reply differs from frame.c's at byte %u: 0x%02x, expected 0x%02x", i,
			     got[i], exp[i]);
	}
	return NULL;
}
