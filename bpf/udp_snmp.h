/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SNMP on udp/161: an agent that lets community "public" read (RFC 1157,
 * RFC 3416). A GetRequest or GetNextRequest of SNMPv1 or v2c for that
 * community gets a GetResponse with the request's version, community and
 * request-id (its bytes as sent: masscan keeps its cookie there, nmap
 * matches on it), error-status and error-index 0, and one variable
 * binding: sysDescr.0 (1.3.6.1.2.1.1.1.0), an OCTET STRING with the
 * host's text (udp_banners.h). That is what an agent answers nmap's
 * GetNextRequest for 0.0 (its first variable); masscan's GetRequest asks
 * for sysDescr.0 and sysName.0 and gets only the first, which is all it
 * prints.
 *
 * Every length of the reply fits BER's short form (RS_SNMP_DESCR_MAX);
 * the request may use either form (at most two length octets). Not
 * answered, as by an agent that does not know the community or cannot
 * parse the message: another community, SNMPv3 (nmap's first payload;
 * an agent without v3 users stays silent), another PDU type, a request-id
 * of more than 4 bytes, anything cut short or not BER up to the start of
 * the variable bindings. The bindings asked for are not read.
 */
#ifndef RESCAN_UDP_SNMP_H
#define RESCAN_UDP_SNMP_H

#include "udp.h"
#include "udp_banners.h"

#define BER_INTEGER 0x02
#define BER_OCTET_STRING 0x04
#define BER_OID 0x06
#define BER_SEQUENCE 0x30
#define SNMP_GET 0xa0
#define SNMP_GET_NEXT 0xa1
#define SNMP_RESPONSE 0xa2
#define SNMP_V1 0
#define SNMP_V2C 1
#define SNMP_REQID_MAX 4
#define SNMP_COMMUNITY_LEN 6

/* The reply around the request-id: 17 bytes before it, 22 after it. */
#define SNMP_HEAD_LEN 17
#define SNMP_TAIL_LEN 22
#define SNMP_OID_LEN 8		/* sysDescr.0 */

_Static_assert(SNMP_HEAD_LEN + SNMP_REQID_MAX + SNMP_TAIL_LEN + RS_SNMP_DESCR_MAX - 2 <= 127,
	       "a GetResponse must fit BER's short form");

/*
 * The length octets at *off (short form, or long form of one or two
 * octets): the length, *off moved past them; -1 if there are none. The
 * three forms leave *off at three places; the verifier forgets which, or
 * it would check the rest of the message once per combination.
 */
static __always_inline int ber_len(const __u8 *d, __u32 *off, __u32 len, void *data_end)
{
	__u32 o = *off;
	int b = udp_byte(d, o, len, data_end), l;

	o += 1;
	if (b < 0x80) {		/* short form, or -1 */
		l = b;
	} else if (b == 0x81) {
		l = udp_byte(d, o, len, data_end);
		o += 1;
	} else if (b == 0x82) {
		b = udp_byte(d, o, len, data_end);
		l = udp_byte(d, o + 1, len, data_end);
		l = b < 0 || l < 0 ? -1 : b << 8 | l;
		o += 2;
	} else {
		l = -1;
	}
	barrier_var(o);
	*off = o;
	return l;
}

/* A TLV's tag and length at *off: the length if the tag is tag, else -1. */
static __always_inline int ber_expect(const __u8 *d, __u32 *off, __u32 len, void *data_end,
				      int tag)
{
	int t = udp_byte(d, *off, len, data_end);

	*off += 1;
	if (t != tag)
		return -1;
	return ber_len(d, off, len, data_end);
}

static __always_inline int udp_snmp(struct xdp_md *ctx, struct pkt *p, __u32 *plen)
{
	const char public[SNMP_COMMUNITY_LEN] = { 'p', 'u', 'b', 'l', 'i', 'c' };
	const __u8 *d = udp_payload(p);
	const struct rs_snmp_descr *descr = &rs_snmp_descrs[rs_banner_row(bpf_ntohl(p->ip->daddr))];
	__u32 len = udp_payload_len(p), off = 0, n, t, rlen, at;
	__u8 head[SNMP_HEAD_LEN], tail[SNMP_TAIL_LEN], rid[SNMP_REQID_MAX] = {};
	void *end = p->data_end;
	int l, v, i, ret;

	l = ber_expect(d, &off, len, end, BER_SEQUENCE);
	if (l < 0 || off + l > len)
		return RS_CNT_DROP_BAD_REQUEST;
	if (ber_expect(d, &off, len, end, BER_INTEGER) != 1)
		return RS_CNT_DROP_BAD_REQUEST;
	v = udp_byte(d, off++, len, end);
	if (v != SNMP_V1 && v != SNMP_V2C)
		return RS_CNT_DROP_BAD_REQUEST;
	if (ber_expect(d, &off, len, end, BER_OCTET_STRING) != SNMP_COMMUNITY_LEN)
		return RS_CNT_DROP_BAD_REQUEST;
#pragma unroll
	for (i = 0; i < SNMP_COMMUNITY_LEN; i++)
		if (udp_byte(d, off + i, len, end) != public[i])
			return RS_CNT_DROP_BAD_REQUEST;
	off += SNMP_COMMUNITY_LEN;
	l = udp_byte(d, off, len, end);
	if (l != SNMP_GET && l != SNMP_GET_NEXT)
		return RS_CNT_DROP_BAD_REQUEST;
	l = ber_expect(d, &off, len, end, l);
	if (l < 0 || off + l > len)
		return RS_CNT_DROP_BAD_REQUEST;
	l = size_1_to(ber_expect(d, &off, len, end, BER_INTEGER), SNMP_REQID_MAX);
	if (l < 0)
		return RS_CNT_DROP_BAD_REQUEST;
	n = l;
	if (off + n > len || bpf_xdp_load_bytes(ctx, UDP_DATA_AT + off, rid, n))
		return RS_CNT_DROP_BAD_REQUEST;
	off += n;
	barrier_var(off);
	/* error-status and error-index, then the variable bindings */
#pragma unroll
	for (i = 0; i < 2; i++) {
		if (ber_expect(d, &off, len, end, BER_INTEGER) != 1 ||
		    udp_byte(d, off++, len, end) < 0)
			return RS_CNT_DROP_BAD_REQUEST;
	}
	if (udp_byte(d, off, len, end) != BER_SEQUENCE)
		return RS_CNT_DROP_BAD_REQUEST;

	l = size_1_to(descr->len, RS_SNMP_DESCR_MAX);
	if (l < 0)
		return RS_CNT_ABORT_INTERNAL;
	t = l;
	rlen = SNMP_HEAD_LEN + n + SNMP_TAIL_LEN + t;
	ret = udp_turn(ctx, p, rlen, 0);
	if (ret)
		return ret;

	/* SEQUENCE { version, community, GetResponse { request-id, ... */
	head[0] = BER_SEQUENCE;
	head[1] = rlen - 2;
	head[2] = BER_INTEGER;
	head[3] = 1;
	head[4] = v;
	head[5] = BER_OCTET_STRING;
	head[6] = SNMP_COMMUNITY_LEN;
#pragma unroll
	for (i = 0; i < SNMP_COMMUNITY_LEN; i++)
		head[7 + i] = public[i];
	head[13] = SNMP_RESPONSE;
	head[14] = rlen - SNMP_HEAD_LEN + 2;
	head[15] = BER_INTEGER;
	head[16] = n;
	/* ... error-status 0, error-index 0, { { sysDescr.0, OCTET STRING } } } } */
	tail[0] = BER_INTEGER;
	tail[1] = 1;
	tail[2] = 0;
	tail[3] = BER_INTEGER;
	tail[4] = 1;
	tail[5] = 0;
	tail[6] = BER_SEQUENCE;
	tail[7] = SNMP_TAIL_LEN - 8 + t;
	tail[8] = BER_SEQUENCE;
	tail[9] = SNMP_TAIL_LEN - 10 + t;
	tail[10] = BER_OID;
	tail[11] = SNMP_OID_LEN;
	tail[12] = 0x2b;	/* 1.3 */
	tail[13] = 6;
	tail[14] = 1;
	tail[15] = 2;
	tail[16] = 1;
	tail[17] = 1;
	tail[18] = 1;
	tail[19] = 0;
	tail[20] = BER_OCTET_STRING;
	tail[21] = t;

	at = UDP_DATA_AT;
	if (bpf_xdp_store_bytes(ctx, at, head, SNMP_HEAD_LEN) ||
	    bpf_xdp_store_bytes(ctx, at + SNMP_HEAD_LEN, rid, n) ||
	    bpf_xdp_store_bytes(ctx, at + SNMP_HEAD_LEN + n, tail, SNMP_TAIL_LEN) ||
	    bpf_xdp_store_bytes(ctx, at + SNMP_HEAD_LEN + n + SNMP_TAIL_LEN, (void *)descr->text, t))
		return RS_CNT_ABORT_INTERNAL;
	*plen = rlen;
	return 0;
}

#endif /* RESCAN_UDP_SNMP_H */
