/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMP timestamp request -> timestamp reply (RFC 792; nmap -PP, a part of
 * nmap's default host discovery). id and sequence are echoed for the
 * scanner to match; the receive and transmit timestamps are the
 * originate timestamp, as from a host that answered at once: the same
 * probe always gets the same reply.
 */
#ifndef RESCAN_PROBE_ICMP_TIMESTAMP_H
#define RESCAN_PROBE_ICMP_TIMESTAMP_H

#include "parse.h"
#include "probe.h"

#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMPREPLY 14

struct icmp_timestamp_hdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__u16 id;
	__u16 sequence;
	__u32 originate;
	__u32 receive;
	__u32 transmit;
};

static __always_inline int icmp_timestamp_classify(struct pkt *p, struct probe *pr)
{
	struct icmp_timestamp_hdr *ih = p->l4;

	/* icmp_echo_classify() proved the first 8 bytes. */
	if ((void *)ih + sizeof(struct icmp_echo_hdr) > p->data_end)
		return RS_CNT_DROP_MALFORMED;
	if (ih->type != ICMP_TIMESTAMP || ih->code != 0)
		return RS_CNT_DROP_NOT_PROBE;
	if ((void *)(ih + 1) > p->data_end || p->l4_len != sizeof(*ih))
		return RS_CNT_DROP_MALFORMED;

	pr->kind = PROBE_ICMP_TIMESTAMP;
	pr->slot = RS_SLOT_ICMP;
	pr->port = RS_ICMP_TIMESTAMP;
	return 0;
}

static __always_inline int icmp_timestamp_reply(struct xdp_md *ctx, struct pkt *p,
						const struct probe *pr)
{
	struct icmp_timestamp_hdr *ih = p->l4;
	__u32 orig, old_recv, old_xmit;
	__u16 old_word, new_word;
	__u64 sum;

	if ((void *)(ih + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;

	reverse_l2_l3(p);
	orig = ih->originate;
	old_recv = ih->receive;
	old_xmit = ih->transmit;
	old_word = *(__u16 *)ih;	/* type and code, rewritten in a register */
	new_word = bpf_htons(ICMP_TIMESTAMPREPLY << 8);
	*(__u16 *)ih = new_word;
	ih->receive = orig;
	ih->transmit = orig;
	sum = csum_open(ih->checksum) + csum_diff2(old_word, new_word) +
	      csum_diff4(old_recv, orig) + csum_diff4(old_xmit, orig);
	ih->checksum = csum_close(sum);
	return RS_CNT_TX_TIMESTAMP_REPLY;
}

#endif /* RESCAN_PROBE_ICMP_TIMESTAMP_H */
