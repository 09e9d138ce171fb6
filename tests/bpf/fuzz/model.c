// SPDX-License-Identifier: GPL-2.0-only
/*
 * model.c - what the responder must do with a frame, decided from the
 * rules the project writes down (README "Probes answered" and "Never
 * answered", the comments of bpf/parse.h, probe_*.h, udp_*.h,
 * responder.h) by a parser of this file's own: the counter its verdict
 * moves, the scanner row, do-not-scan label and service bucket it counts
 * in. The fuzzer compares the program with this, frame by frame.
 *
 * A valid probe, in short: an untagged Ethernet frame with an IPv4
 * packet that fits in it (version 4, header length 20 to 60 bytes within
 * the total length), not a fragment, from where its seat allows, not to
 * the lab network or a do-not-scan range, within its seat's cap, and
 *   TCP: header within the packet, data offset 20 to the segment's
 *        length; a SYN (without ACK, RST, FIN) and no payload, or an ACK
 *        (without RST) that does not acknowledge our ISN (a connection
 *        we SYN-ACKed);
 *   ICMP: echo request (code 0, 8 bytes or more), or timestamp request
 *        (code 0, exactly 20 bytes);
 *   UDP: a 20-byte IP header, a UDP length from 8 to the packet's, at
 *        most 1472 bytes of payload (a 1500-byte IP packet); for DNS, NTP, SNMP and SSDP a
 *        request its protocol answers (the rules in udp_request()).
 * Everything else is not answered, each for its counted reason.
 * Checksums are no part of it: the data path reads none of a probe's (the
 * scanner side sends whole ones, README), and what a reply keeps of the
 * probe's it updates incrementally: reply.c checks that a reply is then
 * exactly as wrong as the probe was, no more.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)g16(p) << 16 | g16(p + 2);
}

uint32_t fz_verdict_of(int cnt)
{
	if (cnt >= RS_CNT_TX_SYNACK && cnt <= RS_CNT_TX_PORT_UNREACH)
		return 3;
	if (cnt == RS_CNT_PASS_ARP)
		return 2;
	if (cnt == RS_CNT_ABORT_INTERNAL)
		return 0;
	return 1;
}

/* ---- ISNs seen ------------------------------------------------------------ */

#define ISN_SLOTS 65536

static struct isn_entry {
	bool used;
	uint8_t resp;
	uint32_t host, scanner;
	uint16_t hport, sport;
	uint32_t isn;
} isns[ISN_SLOTS];

static struct isn_entry *isn_slot(enum fz_resp r, uint32_t host, uint32_t scanner, uint16_t hport,
				  uint16_t sport)
{
	uint64_t h = ((uint64_t)host << 32 | scanner) * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)hport << 16 | sport | (uint64_t)r << 32) * 0xc2b2ae3d27d4eb4full;
	return &isns[(h >> 40) % ISN_SLOTS];
}

void fz_isn_learn(enum fz_resp r, uint32_t host, uint32_t scanner, uint16_t hport,
		  uint16_t sport, uint32_t isn)
{
	struct isn_entry *e = isn_slot(r, host, scanner, hport, sport);

	*e = (struct isn_entry){ true, (uint8_t)r, host, scanner, hport, sport, isn };
}

static const struct isn_entry *isn_find(enum fz_resp r, uint32_t host, uint32_t scanner,
					uint16_t hport, uint16_t sport)
{
	const struct isn_entry *e = isn_slot(r, host, scanner, hport, sport);

	if (e->used && e->resp == r && e->host == host && e->scanner == scanner &&
	    e->hport == hport && e->sport == sport)
		return e;
	return NULL;
}

int fz_isn_check(enum fz_resp r, uint32_t host, uint32_t scanner, uint16_t hport, uint16_t sport,
		 uint32_t isn, uint32_t *was)
{
	const struct isn_entry *e = isn_find(r, host, scanner, hport, sport);

	if (!e)
		return 0;
	*was = e->isn;
	return e->isn == isn ? 1 : -1;
}

/* ---- UDP requests --------------------------------------------------------- */

/* DNS (RFC 1035): a query with a header; a question that parses if it has one question. */
static bool dns_request(const uint8_t *d, uint32_t len)
{
	uint32_t off = 12, name = 0;
	uint16_t flags;

	if (len < 12)
		return false;
	flags = g16(d + 2);
	if (flags & 0x8000)
		return false;		/* a response */
	if (flags & 0x7800 || g16(d + 4) != 1)
		return true;		/* NOTIMP or FORMERR, a bare header */
	for (;;) {
		uint8_t c;

		if (off >= len)
			return false;	/* cut short */
		c = d[off];
		if (c > 63)
			return false;	/* a pointer, or no label */
		off += 1u + c;
		name += 1u + c;
		if (name > 255)
			return false;	/* RFC 1035 §2.3.4 */
		if (!c)
			break;
	}
	return off + 4 <= len;		/* type and class */
}

/* NTP: a client request (mode 3, v1-4, 48 bytes or more) or an ntpdc query (mode 7). */
static bool ntp_request(const uint8_t *d, uint32_t len)
{
	uint8_t vn, mode;

	if (len < 1)
		return false;
	vn = d[0] >> 3 & 7;
	mode = d[0] & 7;
	if (vn < 1 || vn > 4)
		return false;
	if (mode == 3)
		return len >= 48;
	if (mode != 7 || len < 8)
		return false;
	/* response and more bits, sequence, error, MBZ: all zero in a query */
	return !(d[0] & 0xc0) && !(d[1] & 0x7f) && !(d[4] >> 4) && !(d[6] >> 4);
}

/* A BER length at d[*off] (short form, or long form of one or two octets); -1 if none. */
static int ber_length(const uint8_t *d, uint32_t len, uint32_t *off)
{
	uint32_t o = *off;
	int l;

	if (o >= len)
		return -1;
	if (d[o] < 0x80) {
		l = d[o];
		*off = o + 1;
	} else if (d[o] == 0x81 && o + 1 < len) {
		l = d[o + 1];
		*off = o + 2;
	} else if (d[o] == 0x82 && o + 2 < len) {
		l = d[o + 1] << 8 | d[o + 2];
		*off = o + 3;
	} else {
		return -1;
	}
	return l;
}

/* A TLV's header of tag at d[*off]: its length, *off at its content; -1 if not that. */
static int ber_tlv(const uint8_t *d, uint32_t len, uint32_t *off, uint8_t tag)
{
	if (*off >= len || d[*off] != tag)
		return -1;
	*off += 1;
	return ber_length(d, len, off);
}

/*
 * SNMP: a v1 or v2c GetRequest or GetNextRequest for community public,
 * BER up to the variable bindings: request-id of 1 to 4 bytes, then
 * error-status and error-index of one byte each, then a SEQUENCE tag.
 */
static bool snmp_request(const uint8_t *d, uint32_t len)
{
	uint32_t off = 0;
	int l, i;

	l = ber_tlv(d, len, &off, 0x30);
	if (l < 0 || off + (uint32_t)l > len)
		return false;
	if (ber_tlv(d, len, &off, 0x02) != 1 || off >= len || d[off] > 1)
		return false;
	off += 1;
	if (ber_tlv(d, len, &off, 0x04) != 6 || off + 6 > len || memcmp(d + off, "public", 6))
		return false;
	off += 6;
	if (off >= len || (d[off] != 0xa0 && d[off] != 0xa1))
		return false;
	l = ber_tlv(d, len, &off, d[off]);
	if (l < 0 || off + (uint32_t)l > len)
		return false;
	l = ber_tlv(d, len, &off, 0x02);
	if (l < 1 || l > 4 || off + (uint32_t)l > len)
		return false;
	off += (uint32_t)l;
	for (i = 0; i < 2; i++) {
		if (ber_tlv(d, len, &off, 0x02) != 1 || off >= len)
			return false;
		off += 1;
	}
	return off < len && d[off] == 0x30;
}

/* SSDP: a first line of exactly "M-SEARCH * HTTP/1.1" and its CRLF. */
static bool ssdp_request(const uint8_t *d, uint32_t len)
{
	static const char line[] = "M-SEARCH * HTTP/1.1\r\n";

	return len >= sizeof(line) - 1 && !memcmp(d, line, sizeof(line) - 1);
}

static int udp_request(int reply, const uint8_t *d, uint32_t len)
{
	switch (reply) {
	case RS_UDP_DNS:
		return dns_request(d, len) ? RS_CNT_TX_UDP_DNS : RS_CNT_DROP_BAD_REQUEST;
	case RS_UDP_NTP:
		return ntp_request(d, len) ? RS_CNT_TX_UDP_NTP : RS_CNT_DROP_BAD_REQUEST;
	case RS_UDP_SNMP:
		return snmp_request(d, len) ? RS_CNT_TX_UDP_SNMP : RS_CNT_DROP_BAD_REQUEST;
	case RS_UDP_SSDP:
		return ssdp_request(d, len) ? RS_CNT_TX_UDP_SSDP : RS_CNT_DROP_BAD_REQUEST;
	}
	return RS_CNT_TX_UDP_ECHO;	/* any payload, none too */
}

/* ---- the responder ---------------------------------------------------------- */

enum kind { K_SYN, K_ACK, K_ECHO, K_TIMESTAMP, K_UDP };

#define DECIDE(e, c, text) ((e)->cnt = (c), (e)->why = (text))

void fz_model(enum fz_resp r, const struct frame *f, bool capped_used, struct fz_expect *e)
{
	const struct fz_resp_cfg *c = &fz_cfg[r];
	const uint8_t *b = f->b, *ip = b + ETH_LEN, *l4;
	uint32_t len = f->len, ihl, tot, l4_len, saddr, daddr, slot, port, doff, ulen;
	bool seat_fixed = c->seat_mask == 0xffffffff;
	uint32_t src = seat_fixed ? c->seat_addr : 0;
	enum fz_answer a;
	enum kind k;
	int reply;
	uint8_t flags;

	*e = (struct fz_expect){ .src_host = -1, .dns_label = -1, .bucket = -1 };
	if (len < ETH_LEN) {
		DECIDE(e, RS_CNT_DROP_MALFORMED, "shorter than an Ethernet header");
		goto who;
	}
	if (g16(b + 12) == 0x0806) {
		DECIDE(e, RS_CNT_PASS_ARP, "ARP");
		goto who;
	}
	if (g16(b + 12) != 0x0800) {
		DECIDE(e, RS_CNT_DROP_NOT_IPV4, "ethertype not IPv4 (VLAN tags included)");
		goto who;
	}
	if (len < ETH_LEN + 20) {
		DECIDE(e, RS_CNT_DROP_MALFORMED, "IPv4 header cut short");
		goto who;
	}
	ihl = (ip[0] & 15) * 4u;
	tot = g16(ip + 2);
	if (ip[0] >> 4 != 4 || ihl < 20 || tot < ihl || ETH_LEN + tot > len) {
		DECIDE(e, RS_CNT_DROP_MALFORMED, "IPv4 version, header or total length inconsistent");
		goto who;
	}
	if (g16(ip + 6) & 0x3fff) {
		DECIDE(e, RS_CNT_DROP_UNSUPPORTED, "IP fragment");
		goto who;
	}
	saddr = g32(ip + 12);
	daddr = g32(ip + 16);
	if (c->seat_mask && (saddr & c->seat_mask) != c->seat_addr) {
		DECIDE(e, RS_CNT_DROP_SPOOFED, "source outside its seat");
		goto who;
	}
	src = saddr;
	if (c->lab_mask && (daddr & c->lab_mask) == c->lab_net) {
		DECIDE(e, RS_CNT_DROP_LAB_INTERNAL, "to the lab network");
		goto who;
	}
	if (c->do_not_scan && fz_dns_label(daddr) >= 0) {
		DECIDE(e, RS_CNT_DROP_DO_NOT_SCAN, "to a do-not-scan range");
		e->dns_label = fz_dns_label(daddr);
		goto who;
	}
	e->admitted = true;
	if (c->capped && capped_used) {
		DECIDE(e, RS_CNT_DROP_RATE_LIMITED, "over its seat's cap");
		goto who;
	}

	l4 = ip + ihl;
	l4_len = tot - ihl;
	switch (ip[9]) {
	case 6:
		if (l4_len < 20) {
			DECIDE(e, RS_CNT_DROP_MALFORMED, "TCP header cut short");
			goto who;
		}
		doff = (l4[12] >> 4) * 4u;
		if (doff < 20 || doff > l4_len) {
			DECIDE(e, RS_CNT_DROP_MALFORMED, "TCP data offset out of the segment");
			goto who;
		}
		flags = l4[13];
		if ((flags & (SYN | ACK | RST | FIN)) == SYN) {
			if (doff != l4_len) {
				DECIDE(e, RS_CNT_DROP_UNSUPPORTED, "SYN with payload");
				goto who;
			}
			k = K_SYN;
		} else if ((flags & (ACK | RST)) == ACK) {
			const struct isn_entry *isn =
				isn_find(r, daddr, saddr, g16(l4 + 2), g16(l4));

			if (!(flags & SYN) && isn && g32(l4 + 8) == isn->isn + 1) {
				DECIDE(e, RS_CNT_DROP_HANDSHAKE, "ACK of our SYN-ACK's ISN");
				goto who;
			}
			k = K_ACK;
		} else {
			DECIDE(e, RS_CNT_DROP_NOT_PROBE, "TCP neither SYN nor ACK (RST, FIN, none)");
			goto who;
		}
		slot = RS_SLOT_TCP;
		port = g16(l4 + 2);
		break;
	case 1:
		if (l4_len < 8) {
			DECIDE(e, RS_CNT_DROP_MALFORMED, "ICMP header cut short");
			goto who;
		}
		if (l4[0] == 8 && l4[1] == 0) {
			k = K_ECHO;
		} else if (l4[0] == 13 && l4[1] == 0) {
			if (l4_len != 20) {
				DECIDE(e, RS_CNT_DROP_MALFORMED, "timestamp request not 20 bytes");
				goto who;
			}
			k = K_TIMESTAMP;
		} else {
			DECIDE(e, RS_CNT_DROP_NOT_PROBE, "ICMP neither echo nor timestamp request");
			goto who;
		}
		slot = RS_SLOT_ICMP;
		port = l4[0];
		break;
	case 17:
		if (ihl != 20) {
			DECIDE(e, RS_CNT_DROP_UNSUPPORTED, "UDP with IP options");
			goto who;
		}
		if (l4_len < 8) {
			DECIDE(e, RS_CNT_DROP_MALFORMED, "UDP header cut short");
			goto who;
		}
		ulen = g16(l4 + 4);
		if (ulen < 8 || ulen > l4_len) {
			DECIDE(e, RS_CNT_DROP_MALFORMED, "UDP length out of the packet");
			goto who;
		}
		if (ulen > 8 + 1472) {
			DECIDE(e, RS_CNT_DROP_UNSUPPORTED, "UDP past a 1500-byte packet");
			goto who;
		}
		k = K_UDP;
		slot = RS_SLOT_UDP;
		port = g16(l4 + 2);
		break;
	default:
		DECIDE(e, RS_CNT_DROP_NOT_PROBE, "IP protocol without probes");
		goto who;
	}

	a = fz_world_answer(c->world, slot, port, daddr, &e->bucket, &reply);
	e->answer = a;
	switch (a) {
	case A_FILTERED:
		DECIDE(e, RS_CNT_DROP_FILTERED, "the world: filtered");
		goto who;
	case A_SILENT:
		DECIDE(e, RS_CNT_DROP_NOT_IN_WORLD, "the world: silent host");
		goto who;
	case A_NO_SERVICE:
		DECIDE(e, RS_CNT_DROP_NO_SERVICE, "the world: no such service");
		goto who;
	case A_OPEN:
	case A_CLOSED:
		break;
	}
	switch (k) {
	case K_SYN:
		DECIDE(e, a == A_OPEN ? RS_CNT_TX_SYNACK : RS_CNT_TX_RST_CLOSED, "TCP SYN");
		break;
	case K_ACK:
		DECIDE(e, RS_CNT_TX_RST_UNSOLICITED, "TCP ACK out of the blue");
		break;
	case K_ECHO:
		DECIDE(e, RS_CNT_TX_ECHO_REPLY, "ICMP echo request");
		break;
	case K_TIMESTAMP:
		DECIDE(e, RS_CNT_TX_TIMESTAMP_REPLY, "ICMP timestamp request");
		break;
	case K_UDP:
		if (a == A_CLOSED)
			DECIDE(e, RS_CNT_TX_PORT_UNREACH, "UDP to a closed port");
		else
			DECIDE(e, udp_request(reply, l4 + 8, g16(l4 + 4) - 8),
			       "UDP to an open port: its protocol's request rules");
		break;
	}
who:
	/* Whom it counts for: a lab host's row, by its seat or its source. */
	if (c->lab_mask && (src & c->lab_mask) == c->lab_net)
		e->src_host = (int)(src & ~c->lab_mask);
	if (e->cnt != RS_CNT_DROP_DO_NOT_SCAN)
		e->dns_label = -1;
}

/* ---- the lab side --------------------------------------------------------- */

/*
 * lab_side.bpf.c passes every frame and counts it by kind: for IPv4 (a
 * whole 20-byte header in the frame), TCP by its flags (SYN-ACK exactly
 * in the six classic flags, else any RST; 14 bytes of TCP in the frame),
 * UDP, ICMP by type (echo reply, timestamp reply, port unreachable; 2
 * bytes in the frame); anything else is rx_other. The L4 header is where
 * the IP header length says. It counts per lab host by destination.
 */
int fz_lab_model(const struct frame *f, int *host)
{
	const uint8_t *b = f->b, *ip = b + ETH_LEN, *l4;
	uint32_t len = f->len, l4_off;

	*host = -1;
	if (len < ETH_LEN + 20 || g16(b + 12) != 0x0800)
		return RS_CNT_RX_OTHER;
	if ((g32(ip + 16) & LAB_MASK) == LAB_NET)
		*host = (int)(g32(ip + 16) & ~LAB_MASK);
	l4_off = ETH_LEN + (ip[0] & 15) * 4u;
	l4 = b + l4_off;
	switch (ip[9]) {
	case 6:
		if (l4_off + 14 > len)
			return RS_CNT_RX_OTHER;
		if ((l4[13] & 0x3f) == (SYN | ACK))
			return RS_CNT_RX_SYNACK;
		if (l4[13] & RST)
			return RS_CNT_RX_RST;
		return RS_CNT_RX_OTHER;
	case 17:
		return RS_CNT_RX_UDP;
	case 1:
		if (l4_off + 2 > len)
			return RS_CNT_RX_OTHER;
		if (l4[0] == 0)
			return RS_CNT_RX_ECHO_REPLY;
		if (l4[0] == 14)
			return RS_CNT_RX_TIMESTAMP_REPLY;
		if (l4[0] == 3 && l4[1] == 3)
			return RS_CNT_RX_PORT_UNREACH;
		return RS_CNT_RX_OTHER;
	}
	return RS_CNT_RX_OTHER;
}
