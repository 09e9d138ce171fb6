/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * TCP ACK or SYN-ACK out of the blue -> RST, seq = the probe's ack (nmap
 * -PA and -sA, ZMap modules that expect a RST). A host's TCP answers so on
 * any port that is not filtered, open or closed.
 *
 * Not a probe: the scanner's own ACK, data or FIN on a connection whose
 * SYN-ACK the lab sent (a connect scan's third packet). Its ack is our ISN
 * + 1, which the lab recomputes from the 4-tuple; it is counted and left
 * for an application layer, so the connection is not reset under the
 * scanner.
 */
#ifndef RESCAN_PROBE_TCP_ACK_H
#define RESCAN_PROBE_TCP_ACK_H

#include <linux/tcp.h>
#include "parse.h"
#include "probe.h"
#include "probe_tcp_syn.h"
#include "tcp_rst.h"

static __always_inline int tcp_ack_classify(struct pkt *p, struct probe *pr, __u32 key)
{
	struct tcphdr *th = p->l4;
	__u8 flags;
	__u32 isn;

	if ((void *)(th + 1) > p->data_end)	/* tcp_syn_classify checked the lengths */
		return RS_CNT_DROP_MALFORMED;
	flags = *tcp_flags_byte(th);
	if ((flags & (TCP_FLAG_ACK_ | TCP_FLAG_RST_)) != TCP_FLAG_ACK_)
		return RS_CNT_DROP_NOT_PROBE;
	if (!(flags & TCP_FLAG_SYN_)) {
		isn = tcp_isn(p->ip->daddr, p->ip->saddr, ((__u32)th->dest << 16) | th->source, key);
		if (bpf_ntohl(th->ack_seq) == isn + 1)
			return RS_CNT_DROP_HANDSHAKE;
	}

	pr->kind = PROBE_TCP_ACK;
	pr->slot = RS_SLOT_TCP;
	pr->port = bpf_ntohs(th->dest);
	return 0;
}

/* Open and closed ports alike. */
static __always_inline int tcp_ack_reply(struct xdp_md *ctx, struct pkt *p, const struct probe *pr)
{
	struct tcphdr *th = p->l4;
	int ret;

	if ((void *)(th + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;
	ret = tcp_rst_rewrite(ctx, p, th->ack_seq, 0, TCP_FLAG_RST_);
	return ret ? ret : RS_CNT_TX_RST_UNSOLICITED;
}

#endif /* RESCAN_PROBE_TCP_ACK_H */
