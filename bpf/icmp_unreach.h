/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ICMP port unreachable (type 3, code 3): a host's answer to UDP for a
 * closed port (RFC 1122 §4.1.3.1), as Linux sends it:
 *   - a new IP header from the host to the scanner: TTL RS_REPLY_TTL,
 *     protocol ICMP, no DF, an IP id of the host's own (below), and TOS
 *     precedence "internetwork control" (0xc0, RFC 1812 §4.3.2.5) with
 *     the bits 0x1e of the probe's TOS, as Linux masks them (RT_TOS);
 *   - the ICMP header, its unused word zero;
 *   - the probe's IP header and the first 8 bytes of its UDP header (RFC
 *     792), exactly as they arrived: TTL, id, lengths and checksums
 *     untouched. Scanners find their probe by them: nmap and masscan by
 *     the quoted addresses and ports, ZMap by the quoted source port,
 *     nmap also by the quoted destination port.
 * Linux quotes up to 576 bytes of the probe; the RFC 792 minimum is
 * enough for every scanner and keeps the reply one size (70 bytes).
 *
 * The IP id is the low half of rs_host_hash(host ^ scanner) (host byte
 * order): a host's own counter would differ from run to run, this one is
 * the same for the same probe. Linux also rate-limits these messages;
 * the lab answers every probe, so a scan's result never depends on its
 * rate.
 */
#ifndef RESCAN_ICMP_UNREACH_H
#define RESCAN_ICMP_UNREACH_H

#include "udp.h"
#include "udp_banners.h"

#define ICMP_DEST_UNREACH_ 3
#define ICMP_PORT_UNREACH_ 3
#define IP_TOS_BITS 0x1e		/* IPTOS_TOS_MASK: the TOS bits an ICMP error keeps */
#define IP_PREC_INTERNETCONTROL 0xc0

/* The error's own headers, in front of the quoted probe. */
#define UNREACH_HDRS (sizeof(struct iphdr) + sizeof(struct icmp_echo_hdr))
#define UNREACH_QUOTE (sizeof(struct iphdr) + sizeof(struct udphdr))
#define UNREACH_LEN (sizeof(struct ethhdr) + UNREACH_HDRS + UNREACH_QUOTE)

static __always_inline int icmp_port_unreach(struct xdp_md *ctx, struct pkt *p)
{
	int frame = (int)(p->data_end - (void *)p->eth);
	__u16 *mac = (__u16 *)p->eth, m[6], *w;
	__u32 host = p->ip->daddr, scanner = p->ip->saddr;
	__u8 tos = p->ip->tos;
	struct icmp_echo_hdr *ih;
	struct ethhdr *eth;
	struct iphdr *ip;
	void *data_end;
	__u64 sum = 0;
	int i;

	/* The MACs go into the new Ethernet header, swapped. */
#pragma unroll
	for (i = 0; i < 6; i++)
		m[i] = mac[i];

	/* Keep the probe's headers only; they become the quote once the
	 * error's own headers are put in front of them. */
	if (frame > (int)UDP_DATA_AT &&
	    bpf_xdp_adjust_tail(ctx, (int)UDP_DATA_AT - frame))
		return RS_CNT_ABORT_INTERNAL;
	if (bpf_xdp_adjust_head(ctx, -(int)UNREACH_HDRS))
		return RS_CNT_ABORT_INTERNAL;
	eth = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if ((void *)eth + UNREACH_LEN > data_end)
		return RS_CNT_ABORT_INTERNAL;

	w = (__u16 *)eth;
	w[0] = m[3], w[1] = m[4], w[2] = m[5];
	w[3] = m[0], w[4] = m[1], w[5] = m[2];
	eth->h_proto = bpf_htons(ETH_P_IP);

	ip = (void *)(eth + 1);
	*(__u16 *)ip = bpf_htons(0x45 << 8 | IP_PREC_INTERNETCONTROL | (tos & IP_TOS_BITS));
	ip->tot_len = bpf_htons(UNREACH_HDRS + UNREACH_QUOTE);
	ip->id = bpf_htons(rs_host_hash(bpf_ntohl(host) ^ bpf_ntohl(scanner)) & 0xffff);
	ip->frag_off = 0;
	*(__u16 *)&ip->ttl = bpf_htons(RS_REPLY_TTL << 8 | IPPROTO_ICMP);
	ip->check = 0;
	ip->saddr = host;
	ip->daddr = scanner;
	w = (__u16 *)ip;
#pragma unroll
	for (i = 0; i < (int)sizeof(*ip) / 2; i++)
		sum += w[i];
	ip->check = (__u16)~csum_fold64(sum);

	ih = (void *)(ip + 1);
	*(__u16 *)ih = bpf_htons(ICMP_DEST_UNREACH_ << 8 | ICMP_PORT_UNREACH_);
	ih->checksum = 0;
	ih->id = 0;
	ih->sequence = 0;
	sum = 0;
	w = (__u16 *)ih;
#pragma unroll
	for (i = 0; i < (int)(sizeof(*ih) + UNREACH_QUOTE) / 2; i++)
		sum += w[i];
	ih->checksum = (__u16)~csum_fold64(sum);
	return RS_CNT_TX_PORT_UNREACH;
}

#endif /* RESCAN_ICMP_UNREACH_H */
