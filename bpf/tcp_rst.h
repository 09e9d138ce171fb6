/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The RST a host's TCP sends where no connection is (RFC 9293 §3.10.7.1),
 * as Linux writes it: a bare 20-byte header, window 0, no options, no
 * data. Shared by the closed-port answer to a SYN and the answer to an ACK
 * out of the blue; the caller gives seq, ack and flags.
 */
#ifndef RESCAN_TCP_RST_H
#define RESCAN_TCP_RST_H

#include <linux/tcp.h>
#include "parse.h"

#define TCP_FLAG_FIN_ 0x01
#define TCP_FLAG_SYN_ 0x02
#define TCP_FLAG_RST_ 0x04
#define TCP_FLAG_ACK_ 0x10

static __always_inline __u8 *tcp_flags_byte(struct tcphdr *th)
{
	return (__u8 *)th + 13;
}

/*
 * Turn the probe p into the RST, seq and ack in network order. The header
 * is rewritten where it is and its checksum computed afresh (every word
 * but the ports changes); then the probe's options and data are cut off.
 * Returns 0, or the counter of a frame that cannot be answered.
 */
static __always_inline int tcp_rst_rewrite(struct xdp_md *ctx, struct pkt *p, __u32 seq,
					   __u32 ack, __u8 flags)
{
	struct tcphdr *th = p->l4;
	__u32 ihl = p->ip->ihl * 4, frame = (__u32)(p->data_end - (void *)p->eth);
	__u16 old_len, new_len, port, *w;
	__u64 sum;
	int i;

	if ((void *)(th + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;

	reverse_l2_l3(p);
	old_len = p->ip->tot_len;
	new_len = bpf_htons(ihl + sizeof(*th));
	p->ip->tot_len = new_len;
	csum_replace2(&p->ip->check, old_len, new_len);

	port = th->source;
	th->source = th->dest;
	th->dest = port;
	th->seq = seq;
	th->ack_seq = ack;
	*(__u16 *)((__u8 *)th + 12) = bpf_htons(5 << 12 | flags);
	th->window = 0;
	th->check = 0;
	th->urg_ptr = 0;

	/* Pseudo-header (addresses, protocol, TCP length), then the header. */
	sum = (p->ip->saddr & 0xffff) + (p->ip->saddr >> 16) + (p->ip->daddr & 0xffff) +
	      (p->ip->daddr >> 16) + bpf_htons(IPPROTO_TCP) + bpf_htons(sizeof(*th));
	w = (__u16 *)th;
#pragma unroll
	for (i = 0; i < (int)sizeof(*th) / 2; i++)
		sum += w[i];
	th->check = (__u16)~csum_fold64(sum);

	if (frame > sizeof(struct ethhdr) + ihl + sizeof(*th) &&
	    bpf_xdp_adjust_tail(ctx, (int)(sizeof(struct ethhdr) + ihl + sizeof(*th)) - (int)frame))
		return RS_CNT_ABORT_INTERNAL;
	return 0;
}

#endif /* RESCAN_TCP_RST_H */
