/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Header parsing for the responder: each step checks bounds against
 * data_end before it reads, so the verifier can prove every access.
 */
#ifndef RESCAN_PARSE_H
#define RESCAN_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "rescan_abi.h"
#include "csum.h"

/*
 * <linux/icmp.h> drags in libc's socket headers, which do not build for
 * the BPF target; an echo header is all the responder needs.
 */
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
struct icmp_echo_hdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__u16 id;
	__u16 sequence;
};

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

/* One parsed probe candidate: pointers into the frame, all bounds-checked. */
struct pkt {
	void *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	void *l4;		/* first byte after the IP header */
	__u32 l4_len;		/* bytes of L4 header + payload per ip->tot_len */
};

/*
 * Parse Ethernet and IPv4. Returns 0 with p filled, or the counter that
 * explains why this frame is not an IPv4 packet the responder can read.
 */
static __always_inline int parse_ipv4(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 ihl_len, tot_len;

	p->data_end = data_end;
	if ((void *)(eth + 1) > data_end)
		return RS_CNT_DROP_MALFORMED;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return RS_CNT_PASS_ARP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return RS_CNT_DROP_NOT_IPV4;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return RS_CNT_DROP_MALFORMED;
	ihl_len = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	/* Linux before 6.3 knows no bounds of a byte swap's result: say them. */
	barrier_var(tot_len);
	tot_len &= 0xffff;
	if (ip->version != 4 || ihl_len < sizeof(*ip) || tot_len < ihl_len ||
	    (void *)ip + tot_len > data_end)
		return RS_CNT_DROP_MALFORMED;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return RS_CNT_DROP_UNSUPPORTED;

	p->eth = eth;
	p->ip = ip;
	p->l4 = (void *)ip + ihl_len;
	p->l4_len = tot_len - ihl_len;
	return 0;
}

/* Turn the frame around: swap MACs and IP addresses, give it a reply TTL. */
static __always_inline void reverse_l2_l3(struct pkt *p)
{
	/* Three 16-bit words each: memcpy() of 6 bytes of unknown alignment
	 * compiles to 24 byte loads and stores. */
	__u16 *dst = (__u16 *)p->eth->h_dest, *src = (__u16 *)p->eth->h_source;
	struct iphdr *ip = p->ip;
	__u16 old_ttl_word, new_ttl_word, w0 = dst[0], w1 = dst[1], w2 = dst[2];
	__u32 addr;

	dst[0] = src[0];
	dst[1] = src[1];
	dst[2] = src[2];
	src[0] = w0;
	src[1] = w1;
	src[2] = w2;

	/* Swapping the addresses leaves the header checksum unchanged. */
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;

	/* ttl and protocol share a checksum word. The new word is built in a
	 * register: storing the byte and loading the word back would make
	 * the CPU wait for the store (a failed store-to-load forward). */
	old_ttl_word = *(__u16 *)&ip->ttl;
	new_ttl_word = bpf_htons(RS_REPLY_TTL << 8 | ip->protocol);
	*(__u16 *)&ip->ttl = new_ttl_word;
	csum_replace2(&ip->check, old_ttl_word, new_ttl_word);
}

#endif /* RESCAN_PARSE_H */
