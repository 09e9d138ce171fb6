/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DNS on udp/53: the host is a recursive server that answers the question
 * asked (RFC 1035). Scanners count a reply by its id (masscan keeps its
 * cookie there), QR, RCODE and the question echoed (ZMap's dns module).
 *
 * A standard query (opcode 0) with one question gets: the id, QR, RD as
 * asked, RA; the question as asked; and
 *   - A in class IN: one A record, TTL 300, for an address of
 *     198.18.0.0/15 taken from bits 8-24 of the host's hash: every name
 *     the host is asked resolves the same way, and the same probe always
 *     gets the same answer;
 *   - TXT in class CHAOS for version.bind (any case; what masscan and
 *     nmap ask): one TXT record, TTL 0, AA set as servers answer for
 *     their own built-in zone, with the host's version string
 *     (udp_banners.h);
 *   - anything else: NOERROR without an answer.
 * Additional records (an EDNS OPT) and anything else after the question
 * are not answered: the reply has the header and question only, then its
 * answer. A query with another count of questions gets FORMERR, another
 * opcode NOTIMP (nmap's 12-byte server status request): a bare header,
 * counts zero. A response, a query shorter than its header or with a
 * question that does not parse (cut short, a label over 63 bytes or a
 * compression pointer, a name over 255 bytes) is not answered.
 */
#ifndef RESCAN_UDP_DNS_H
#define RESCAN_UDP_DNS_H

#include "udp.h"
#include "udp_banners.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255
#define DNS_QR 0x8000
#define DNS_OPCODE 0x7800
#define DNS_AA 0x0400
#define DNS_RD 0x0100
#define DNS_RA 0x0080
#define DNS_FORMERR 1
#define DNS_NOTIMP 4
#define DNS_TYPE_A 1
#define DNS_TYPE_TXT 16
#define DNS_CLASS_IN 1
#define DNS_CLASS_CH 3
#define DNS_A_TTL 300
#define DNS_A_NET 0xc6120000u		/* 198.18.0.0/15 */
#define DNS_A_HOSTS 0x1ffffu
#define DNS_RR_LEN 12			/* name pointer, type, class, TTL, rdlength */

enum dns_answer { DNS_NONE, DNS_A, DNS_VERSION };

/* "version.bind" as a name: each byte | fold[i] must equal want[i]
 * (letters compare without case, length octets exactly). */
#define DNS_VERSION_BIND_LEN 14

static __always_inline int dns_is_version_bind(const __u8 *name, void *data_end)
{
	const char want[DNS_VERSION_BIND_LEN] = "\7version\4bind";
	const __u8 fold[DNS_VERSION_BIND_LEN] = { 0, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
						   0, 0x20, 0x20, 0x20, 0x20, 0 };
	int i;

	if ((void *)(name + DNS_VERSION_BIND_LEN) > data_end)
		return 0;
#pragma unroll
	for (i = 0; i < DNS_VERSION_BIND_LEN; i++)
		if ((name[i] | fold[i]) != (__u8)want[i])
			return 0;
	return 1;
}

/*
 * A bare header for a query the server will not answer: FORMERR or
 * NOTIMP, the id, opcode and RD as asked.
 */
static __always_inline int dns_refuse(struct xdp_md *ctx, struct pkt *p, __u16 flags, __u16 rcode,
				      __u32 *plen)
{
	__u16 *h;
	int ret = udp_turn(ctx, p, DNS_HDR_LEN, DNS_HDR_LEN);

	if (ret)
		return ret;
	h = udp_reply_payload(ctx, DNS_HDR_LEN);
	if (!h)
		return RS_CNT_ABORT_INTERNAL;
	h[1] = bpf_htons(DNS_QR | (flags & (DNS_OPCODE | DNS_RD)) | DNS_RA | rcode);
	h[2] = h[3] = h[4] = h[5] = 0;
	*plen = DNS_HDR_LEN;
	return 0;
}

static __always_inline int udp_dns(struct xdp_md *ctx, struct pkt *p, __u32 *plen)
{
	const __u8 *d = udp_payload(p);
	__u32 len = udp_payload_len(p), off = DNS_HDR_LEN, host = bpf_ntohl(p->ip->daddr), row;
	__u16 flags, qtype, qclass, *h;
	__u8 rr[DNS_RR_LEN + 4];
	enum dns_answer answer = DNS_NONE;
	__u32 alen = 0, q_end, addr;
	int c, i, ret;

	if (len < DNS_HDR_LEN || (void *)(d + DNS_HDR_LEN) > p->data_end)
		return RS_CNT_DROP_BAD_REQUEST;
	flags = bpf_ntohs(*(__u16 *)(d + 2));
	if (flags & DNS_QR)
		return RS_CNT_DROP_BAD_REQUEST;
	if (flags & DNS_OPCODE)
		return dns_refuse(ctx, p, flags, DNS_NOTIMP, plen);
	if (*(__u16 *)(d + 4) != bpf_htons(1))
		return dns_refuse(ctx, p, flags, DNS_FORMERR, plen);

	/* The question's name: labels up to the root label, no pointers. */
	for (i = 0; i < DNS_NAME_MAX / 2 + 1; i++) {
		c = udp_byte(d, off, len, p->data_end);
		if (c < 0 || c > 63)
			return RS_CNT_DROP_BAD_REQUEST;
		off += c + 1;
		if (off - DNS_HDR_LEN > DNS_NAME_MAX)
			return RS_CNT_DROP_BAD_REQUEST;
		if (!c)
			break;
	}
	/* Where the loop ended is known again below: forgetting it here lets
	 * the verifier check what follows once, not once per iteration. */
	barrier_var(off);
	if (i > DNS_NAME_MAX / 2 || off > DNS_HDR_LEN + DNS_NAME_MAX)
		return RS_CNT_DROP_BAD_REQUEST;
	q_end = off + 4;
	c = udp_byte(d, off + 3, len, p->data_end);	/* proves the type and class are there */
	if (c < 0)
		return RS_CNT_DROP_BAD_REQUEST;
	qtype = udp_byte(d, off, len, p->data_end) << 8 | udp_byte(d, off + 1, len, p->data_end);
	qclass = udp_byte(d, off + 2, len, p->data_end) << 8 | c;

	if (qtype == DNS_TYPE_A && qclass == DNS_CLASS_IN) {
		answer = DNS_A;
		alen = DNS_RR_LEN + 4;
	} else if (qtype == DNS_TYPE_TXT && qclass == DNS_CLASS_CH &&
		   off == DNS_HDR_LEN + DNS_VERSION_BIND_LEN &&
		   dns_is_version_bind(d + DNS_HDR_LEN, p->data_end)) {
		answer = DNS_VERSION;
		row = rs_banner_row(host);
		alen = DNS_RR_LEN + 1 + rs_dns_versions[row].len;
	}

	ret = udp_turn(ctx, p, q_end + alen, q_end);
	if (ret)
		return ret;
	h = udp_reply_payload(ctx, DNS_HDR_LEN);
	if (!h)
		return RS_CNT_ABORT_INTERNAL;
	h[1] = bpf_htons(DNS_QR | (flags & DNS_RD) | DNS_RA | (answer == DNS_VERSION ? DNS_AA : 0));
	h[3] = bpf_htons(answer != DNS_NONE);
	h[4] = h[5] = 0;
	*plen = q_end + alen;
	if (answer == DNS_NONE)
		return 0;

	/* The answer: a pointer to the question's name, then the record.
	 * Built bytewise: the stack takes aligned stores only. */
	rr[0] = 0xc0;
	rr[1] = DNS_HDR_LEN;
	rr[2] = 0;
	rr[4] = 0;
	if (answer == DNS_A) {
		addr = DNS_A_NET | (rs_host_hash(host) >> 8 & DNS_A_HOSTS);
		rr[3] = DNS_TYPE_A;
		rr[5] = DNS_CLASS_IN;
		be32_put(&rr[6], DNS_A_TTL);
		rr[10] = 0;
		rr[11] = 4;
		be32_put(&rr[12], addr);
		if (bpf_xdp_store_bytes(ctx, UDP_DATA_AT + q_end, rr, DNS_RR_LEN + 4))
			return RS_CNT_ABORT_INTERNAL;
		return 0;
	}
	c = size_1_to(rs_dns_versions[row].len, RS_DNS_VERSION_MAX);
	if (c < 0)
		return RS_CNT_ABORT_INTERNAL;
	rr[3] = DNS_TYPE_TXT;
	rr[5] = DNS_CLASS_CH;
	be32_put(&rr[6], 0);
	rr[10] = 0;
	rr[11] = 1 + c;
	rr[12] = c;
	if (bpf_xdp_store_bytes(ctx, UDP_DATA_AT + q_end, rr, DNS_RR_LEN + 1) ||
	    bpf_xdp_store_bytes(ctx, UDP_DATA_AT + q_end + DNS_RR_LEN + 1, (void *)rs_dns_versions[row].text,
				c))
		return RS_CNT_ABORT_INTERNAL;
	return 0;
}

#endif /* RESCAN_UDP_DNS_H */
