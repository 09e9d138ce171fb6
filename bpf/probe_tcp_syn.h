/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * TCP SYN -> SYN-ACK from an open port (ZMap tcp_synscan, masscan, nmap
 * -sS), RST-ACK from a closed one.
 * Scanners validate the reply by its fields, so the rewrite echoes exactly:
 * sport/dport swapped, ack = probe seq + 1, flags exactly SYN|ACK (ZMap
 * ignores a SYN-ACK with any other flag). The probe's TCP options are kept
 * in a SYN-ACK (the header length is honoured); a SYN carrying payload is
 * not answered. The RST-ACK is Linux's: seq 0, ack = seq + 1, no options.
 */
#ifndef RESCAN_PROBE_TCP_SYN_H
#define RESCAN_PROBE_TCP_SYN_H

#include <linux/tcp.h>
#include "parse.h"
#include "probe.h"
#include "tcp_rst.h"

static __always_inline int tcp_syn_classify(struct pkt *p, struct probe *pr)
{
	struct tcphdr *th = p->l4;
	__u32 doff;
	__u8 flags;

	if ((void *)(th + 1) > p->data_end || p->l4_len < sizeof(*th))
		return RS_CNT_DROP_MALFORMED;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || doff > p->l4_len)
		return RS_CNT_DROP_MALFORMED;
	flags = *tcp_flags_byte(th);
	if ((flags & (TCP_FLAG_SYN_ | TCP_FLAG_ACK_ | TCP_FLAG_RST_ | TCP_FLAG_FIN_)) !=
	    TCP_FLAG_SYN_)
		return RS_CNT_DROP_NOT_PROBE;
	if (doff != p->l4_len)
		return RS_CNT_DROP_UNSUPPORTED;	/* SYN with data (e.g. TFO) */

	pr->kind = PROBE_TCP_SYN;
	pr->slot = RS_SLOT_TCP;
	pr->port = bpf_ntohs(th->dest);
	return 0;
}

/*
 * Our initial sequence number: a keyed mix of the 4-tuple, so the same
 * probe always gets the same reply (scans are reproducible) while different
 * hosts do not share one ISN.
 */
static __always_inline __u32 tcp_isn(__u32 saddr, __u32 daddr, __u32 ports, __u32 key)
{
	__u32 h = key ^ 0x9e3779b9;

	h ^= saddr;
	h *= 0x85ebca6b;
	h ^= daddr + (h >> 13);
	h *= 0xc2b2ae35;
	h ^= ports + (h >> 16);
	h *= 0x27d4eb2f;
	return h ^ (h >> 15);
}

static __always_inline int tcp_syn_rst(struct xdp_md *ctx, struct pkt *p)
{
	struct tcphdr *th = p->l4;
	int ret;

	if ((void *)(th + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;
	ret = tcp_rst_rewrite(ctx, p, 0, bpf_htonl(bpf_ntohl(th->seq) + 1),
			      TCP_FLAG_RST_ | TCP_FLAG_ACK_);
	return ret ? ret : RS_CNT_TX_RST_CLOSED;
}

static __always_inline int tcp_syn_reply(struct xdp_md *ctx, struct pkt *p, const struct probe *pr,
					 __u32 key)
{
	struct tcphdr *th = p->l4;
	__u16 old_word, new_word, port;
	__u32 seq, ack, isn;
	__u64 sum;

	if (pr->state != RS_STATE_OPEN)
		return tcp_syn_rst(ctx, p);
	if ((void *)(th + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;

	reverse_l2_l3(p);

	/* Swapping ports leaves the checksum unchanged. */
	port = th->source;
	th->source = th->dest;
	th->dest = port;

	seq = th->seq;
	ack = th->ack_seq;	/* not guaranteed zero in a probe */
	isn = bpf_htonl(tcp_isn(p->ip->saddr, p->ip->daddr,
				((__u32)th->source << 16) | th->dest, key));
	th->seq = isn;
	th->ack_seq = bpf_htonl(bpf_ntohl(seq) + 1);
	sum = csum_open(th->check) + csum_diff4(seq, isn) + csum_diff4(ack, th->ack_seq);

	/* Data offset and flags, one word, rewritten in a register (see
	 * reverse_l2_l3). Clear AE and the reserved bits too: echoing an
	 * AccECN SYN's AE would claim AccECN support we do not have. */
	old_word = *(__u16 *)((__u8 *)th + 12);
	new_word = bpf_htons((bpf_ntohs(old_word) & 0xf000) | TCP_FLAG_SYN_ | TCP_FLAG_ACK_);
	*(__u16 *)((__u8 *)th + 12) = new_word;
	th->check = csum_close(sum + csum_diff2(old_word, new_word));
	return RS_CNT_TX_SYNACK;
}

#endif /* RESCAN_PROBE_TCP_SYN_H */
