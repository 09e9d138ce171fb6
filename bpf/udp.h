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

/* The largest probe frame rescan_udp_grow_front() moves (the rest of the
 * payload a reply reads lies within it: a DNS question is at most 255). */
#define UDP_MOVE_MAX 1024

/*
 * Grow the frame of frame bytes by delta at its front, where XDP keeps
 * 256 bytes of headroom, and move its bytes there, so that they sit at
 * the same offsets as before and delta new bytes follow them. A veth
 * leaves a frame from a packet socket little tailroom (what the socket
 * allocated, rounded), too little for an SSDP or SNMP reply. A function
 * of its own, so the verifier walks its loop once.
 */
__attribute__((noinline)) int rescan_udp_grow_front(struct xdp_md *ctx, __u32 frame, __u32 delta)
{
	__u32 words, rest, i, off;
	__u64 w;

	if (frame > UDP_MOVE_MAX || delta > 256 || bpf_xdp_adjust_head(ctx, -(int)delta))
		return RS_CNT_ABORT_INTERNAL;
	words = frame / 8;
	rest = frame % 8;
#pragma clang loop unroll(disable)
	for (i = 0; i < UDP_MOVE_MAX / 8; i++) {
		if (i >= words)
			break;
		off = i * 8;
		if (bpf_xdp_load_bytes(ctx, delta + off, &w, 8) || bpf_xdp_store_bytes(ctx, off, &w, 8))
			return RS_CNT_ABORT_INTERNAL;
	}
	if (rest) {
		off = words * 8;
		if (bpf_xdp_load_bytes(ctx, delta + off, &w, rest & 7) ||
		    bpf_xdp_store_bytes(ctx, off, &w, rest & 7))
			return RS_CNT_ABORT_INTERNAL;
	}
	return 0;
}

/*
 * Turn probe p around into a reply with plen bytes of payload: MACs,
 * addresses and ports swapped, TTL RS_REPLY_TTL, the frame cut or grown
 * to end right after the payload (the probe's own payload stays where it
 * was, as far as the new length reaches; growth the tail has no room for
 * is taken at the front). After this only ctx is valid.
 */
static __always_inline int udp_turn(struct xdp_md *ctx, struct pkt *p, __u32 plen)
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
	if (!bpf_xdp_adjust_tail(ctx, (int)(UDP_DATA_AT + plen) - frame))
		return 0;
	if ((int)(UDP_DATA_AT + plen) <= frame)
		return RS_CNT_ABORT_INTERNAL;
	return rescan_udp_grow_front(ctx, frame, UDP_DATA_AT + plen - frame);
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
		w = 0;
		if (bpf_xdp_load_bytes(ctx, at + words * 8, &w, rest & 7))
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
