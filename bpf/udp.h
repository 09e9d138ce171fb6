/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * udp.h - what every UDP reply shares. A UDP probe rescan answers has a
 * bare 20-byte IP header (probe_udp.h turns away the rest), so its UDP
 * header and payload sit at fixed offsets of the frame, which keeps the
 * protocol replies (udp_dns.h, udp_ntp.h, udp_snmp.h, udp_ssdp.h) short
 * and easy for the verifier.
 *
 * A reply is made in four steps: the protocol's code checks the request
 * without writing anything (a request it does not answer comes back
 * untouched), udp_turn() turns the frame around and sizes it for the
 * reply's payload, the protocol's code writes the payload, and
 * rescan_udp_seal() sets the lengths and computes both checksums afresh.
 */
#ifndef RESCAN_UDP_H
#define RESCAN_UDP_H

#include <linux/udp.h>
#include "parse.h"

#define UDP_AT (sizeof(struct ethhdr) + sizeof(struct iphdr))	/* the UDP header */
#define UDP_DATA_AT (UDP_AT + sizeof(struct udphdr))		/* its payload */
/* The largest payload of a 1500-byte IP packet: all a reply may carry. */
#define UDP_PAYLOAD_MAX (1500 - sizeof(struct iphdr) - sizeof(struct udphdr))

/* The probe's payload: its first byte, and its length per the UDP header. */
static __always_inline __u8 *udp_payload(const struct pkt *p)
{
	return (__u8 *)p->l4 + sizeof(struct udphdr);
}

static __always_inline __u32 udp_payload_len(const struct pkt *p)
{
	return bpf_ntohs(((struct udphdr *)p->l4)->len) - sizeof(struct udphdr);
}

/* v in network byte order at b, byte by byte: stack buffers take aligned stores only. */
static __always_inline void be32_put(__u8 *b, __u32 v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/*
 * len if 1 <= len <= max, else -1: a length the verifier can trust as a
 * helper's size. clang must not see through any of it: it knows the
 * tables of udp_banners.h and would drop a check they always pass, it
 * would merge the two checks into one on a copy of len the verifier
 * cannot relate back to it, and it would go on using a copy spilled
 * before they ran. A barrier before, between and after them prevents all
 * three.
 */
static __always_inline int size_1_to(int len, int max)
{
	barrier_var(len);
	if (len > max)
		return -1;
	barrier_var(len);
	if (len < 1)
		return -1;
	barrier_var(len);
	return len;
}

/* Byte off of the payload d (whose end is at most len bytes on), or -1. */
static __always_inline int udp_byte(const __u8 *d, __u32 off, __u32 len, void *data_end)
{
	const __u8 *b = d + (off & 0x7ff);

	if (off >= len || (void *)(b + 1) > data_end)
		return -1;
	return *b;
}

/* Bytes the frame may have to carry to its front when it grows: headers and a DNS question. */
#define UDP_KEEP_MAX (UDP_DATA_AT + 12 + 255 + 4)
#define UDP_MOVE_CHUNK 32

/*
 * Copy the first len bytes of the frame from offset from to its front,
 * a chunk at a time from the front on: a chunk is read before it is
 * written, and a later chunk lies beyond what an earlier one wrote.
 */
static __always_inline int udp_move_front(struct xdp_md *ctx, __u32 from, __u32 len)
{
	__u8 buf[UDP_MOVE_CHUNK];
	__u32 off;
	int i, n;

	if (len > UDP_KEEP_MAX)
		return -1;
	for (i = 0; i < (int)(UDP_KEEP_MAX + UDP_MOVE_CHUNK - 1) / UDP_MOVE_CHUNK; i++) {
		off = i * UDP_MOVE_CHUNK;
		if (off >= len)
			break;
		n = size_1_to(len - off < UDP_MOVE_CHUNK ? len - off : UDP_MOVE_CHUNK,
			      UDP_MOVE_CHUNK);
		if (n < 0 || bpf_xdp_load_bytes(ctx, from + off, buf, n) ||
		    bpf_xdp_store_bytes(ctx, off, buf, n))
			return -1;
	}
	return 0;
}

/*
 * Cut or grow a frame of frame bytes to end after plen bytes of UDP
 * payload, the first keep of them the probe's own, where they stay.
 *
 * A frame grows at its head: the headers and the kept bytes move to the
 * new front. A veth hands XDP a copy of the packet that ends within 64
 * bytes of its buffer, but with 256 bytes in front of it (216 of them
 * usable), so growing at the tail fails there for most replies that
 * grow; growing at the head works on every driver, and a test run takes
 * the same path. Only a reply that outgrows the headroom is tried at the
 * tail. A function of its own, so the verifier walks its copy loop once,
 * not once for every reply.
 */
__attribute__((noinline)) int rescan_udp_resize(struct xdp_md *ctx, int frame, __u32 plen,
						__u32 keep)
{
	int grow = (int)(UDP_DATA_AT + plen) - frame;

	if (grow <= 0)
		return bpf_xdp_adjust_tail(ctx, grow) ? RS_CNT_ABORT_INTERNAL : 0;
	if (!bpf_xdp_adjust_head(ctx, -grow))
		return udp_move_front(ctx, grow, UDP_DATA_AT + keep) ? RS_CNT_ABORT_INTERNAL : 0;
	return bpf_xdp_adjust_tail(ctx, grow) ? RS_CNT_ABORT_INTERNAL : 0;
}

/*
 * Turn probe p around into a reply with plen bytes of payload: MACs,
 * addresses and ports swapped, TTL RS_REPLY_TTL, the frame cut or grown
 * to end right after the payload (rescan_udp_resize()). The first keep
 * bytes of the probe's payload stay where they are after the UDP header.
 * After this only ctx is valid.
 */
static __always_inline int udp_turn(struct xdp_md *ctx, struct pkt *p, __u32 plen, __u32 keep)
{
	struct udphdr *uh = p->l4;
	int frame = (int)(p->data_end - (void *)p->eth);
	__u16 port;

	if ((void *)(uh + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;
	reverse_l2_l3(p);
	port = uh->source;
	uh->source = uh->dest;
	uh->dest = port;
	return rescan_udp_resize(ctx, frame, plen, keep);
}

/*
 * The reply's payload after udp_turn(), its first n bytes proven to be in
 * the frame (n a constant); NULL if they are not, which the plen given to
 * udp_turn() rules out.
 */
static __always_inline void *udp_reply_payload(struct xdp_md *ctx, __u32 n)
{
	__u8 *d = (void *)(long)ctx->data + UDP_DATA_AT;

	if ((void *)(d + n) > (void *)(long)ctx->data_end)
		return NULL;
	return d;
}

/*
 * Add to *sum the len bytes from offset at of the frame, read as they sit
 * (words of any size add up to the same 16-bit sum, and the order of
 * bytes within them is the same for all). Whole 8-byte words are read in
 * place; the last 1 to 7 bytes are copied into a zeroed word, which pads
 * an odd byte with zero as RFC 1071 says. The loop's exit leaves nothing
 * behind that the rest depends on, so the verifier checks the rest once.
 * Returns 0, or -1 if the frame is shorter than that.
 */
static __always_inline int sum_bytes(struct xdp_md *ctx, __u32 at, __u32 len, __u64 *sum)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 words = len / 8, rest = len % 8;
	const __u8 *b = data + at;
	__u64 w, s = *sum;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < (int)(UDP_PAYLOAD_MAX + sizeof(struct udphdr)) / 8; i++) {
		if (i >= (int)words)
			break;
		if ((void *)(b + 8) > data_end)
			return -1;
		w = *(__u64 *)b;
		s += (w & 0xffffffff) + (w >> 32);
		b += 8;
		barrier_var(b);	/* or clang counts the trips with pkt_end arithmetic */
	}
	if (rest) {
		/* The size proven 1 to 7 in the register passed (size_1_to). */
		int n = size_1_to(rest, 7);

		w = 0;
		if (n < 0 || bpf_xdp_load_bytes(ctx, at + words * 8, &w, n))
			return -1;
		s += (w & 0xffffffff) + (w >> 32);
	}
	*sum = s;
	return 0;
}

/*
 * Finish a UDP reply of plen payload bytes, written after udp_turn():
 * IP total length and UDP length, the IP header checksum and the UDP
 * checksum (with its pseudo-header) computed from scratch. A sum of zero
 * is sent as 0xffff, since zero would mean "no checksum" (RFC 768).
 * A function of its own, so the verifier walks its loop once, not once
 * for every way a reply can end.
 */
__attribute__((noinline)) int rescan_udp_seal(struct xdp_md *ctx, __u32 plen)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct udphdr *uh = data + UDP_AT;
	__u16 ulen = bpf_htons(sizeof(*uh) + plen), *w = (__u16 *)ip, check;
	__u64 sum = 0;
	int i;

	if ((void *)(uh + 1) > data_end)
		return RS_CNT_ABORT_INTERNAL;
	ip->tot_len = bpf_htons(sizeof(*ip) + sizeof(*uh) + plen);
	ip->check = 0;
#pragma unroll
	for (i = 0; i < (int)sizeof(*ip) / 2; i++)
		sum += w[i];
	ip->check = (__u16)~csum_fold64(sum);

	uh->len = ulen;
	uh->check = 0;
	sum = (ip->saddr & 0xffff) + (ip->saddr >> 16) + (ip->daddr & 0xffff) +
	      (ip->daddr >> 16) + bpf_htons(IPPROTO_UDP) + ulen;
	if (sum_bytes(ctx, UDP_AT, sizeof(*uh) + plen, &sum))
		return RS_CNT_ABORT_INTERNAL;
	check = (__u16)~csum_fold64(sum);
	uh->check = check ? check : 0xffff;
	return 0;
}

#endif /* RESCAN_UDP_H */
