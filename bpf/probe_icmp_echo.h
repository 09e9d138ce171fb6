/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMP echo request -> echo reply (ZMap icmp_echoscan and icmp_echo_time,
 * masscan --ping, nmap -PE). Scanners match the reply by id, sequence and
 * (icmp_echo_time) the payload, so all of those are echoed untouched; only
 * the type changes.
 */
#ifndef RESCAN_PROBE_ICMP_ECHO_H
#define RESCAN_PROBE_ICMP_ECHO_H

#include "parse.h"
#include "probe.h"

static __always_inline int icmp_echo_classify(struct pkt *p, struct probe *pr)
{
	struct icmp_echo_hdr *ih = p->l4;

	if ((void *)(ih + 1) > p->data_end || p->l4_len < sizeof(*ih))
		return RS_CNT_DROP_MALFORMED;
	if (ih->type != ICMP_ECHO || ih->code != 0)
		return RS_CNT_DROP_NOT_PROBE;

	pr->kind = PROBE_ICMP_ECHO;
	pr->slot = RS_SLOT_ICMP;
	pr->port = RS_ICMP_ECHO;
	return 0;
}

static __always_inline int icmp_echo_reply(struct xdp_md *ctx, struct pkt *p, const struct probe *pr)
{
	struct icmp_echo_hdr *ih = p->l4;
	__u16 old_word, new_word;

	if ((void *)(ih + 1) > p->data_end)	/* re-proven for the verifier */
		return RS_CNT_DROP_MALFORMED;

	reverse_l2_l3(p);
	old_word = *(__u16 *)ih;	/* type and code, rewritten in a register */
	new_word = bpf_htons(ICMP_ECHOREPLY << 8 | ih->code);
	*(__u16 *)ih = new_word;
	csum_replace2(&ih->checksum, old_word, new_word);
	/* An update never yields 0xffff (RFC 1624 §3 counts on a word that is
	 * not zero; ICMP has no pseudo-header to give one), but a reply that
	 * is all zeros (id, sequence and data 0) sums to +0, which only 0xffff
	 * completes. 0xffff is right wherever 0x0000 is. */
	if (!ih->checksum)
		ih->checksum = 0xffff;
	return RS_CNT_TX_ECHO_REPLY;
}

#endif /* RESCAN_PROBE_ICMP_ECHO_H */
