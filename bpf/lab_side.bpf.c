// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lab_side.bpf.c - attached to the scanner's interface (lab0). A veth only
 * delivers XDP_TX frames from its peer when this side has an XDP program
 * too, so this program exists; it passes every frame to the scanner's stack
 * and counts what reached it, in total and per scanner of the lab by the
 * frame's destination, which is how `rescan stats` tells replies sent from
 * replies delivered. Only the responder and the internet side's kernel
 * send into this interface, so a destination is no claim of the scanner's.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "rescan_abi.h"

#define ICMP_ECHOREPLY 0

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_NR_LAB_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} lab_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_SOURCES * RS_NR_LAB_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} lab_dest_counters SEC(".maps");

/* Set by the lab before loading: the lab network, network byte order. */
const volatile __u32 lab_net = 0;
const volatile __u32 lab_mask = 0;

/* The lab host a frame is for, or RS_SOURCES when it is for none. */
static __always_inline __u32 dest_host(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	struct iphdr *ip = (void *)(eth + 1);

	if (!lab_mask || (void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    (ip->daddr & lab_mask) != lab_net)
		return RS_SOURCES;
	return bpf_ntohl(ip->daddr & ~lab_mask);
}

static __always_inline __u32 kind_of(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u8 *l4;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return RS_CNT_RX_OTHER;
	l4 = (__u8 *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_TCP) {
		if ((void *)(l4 + 14) > data_end)
			return RS_CNT_RX_OTHER;
		if ((l4[13] & 0x3f) == 0x12)
			return RS_CNT_RX_SYNACK;
		if (l4[13] & 0x04)
			return RS_CNT_RX_RST;
	} else if (ip->protocol == IPPROTO_UDP) {
		return RS_CNT_RX_UDP;
	} else if (ip->protocol == IPPROTO_ICMP) {
		if ((void *)(l4 + 2) > data_end)
			return RS_CNT_RX_OTHER;
		if (l4[0] == ICMP_ECHOREPLY)
			return RS_CNT_RX_ECHO_REPLY;
		if (l4[0] == 14)	/* timestamp reply */
			return RS_CNT_RX_TIMESTAMP_REPLY;
		if (l4[0] == 3 && l4[1] == 3)	/* destination unreachable: port */
			return RS_CNT_RX_PORT_UNREACH;
	}
	return RS_CNT_RX_OTHER;
}

SEC("xdp")
int rescan_lab_side(struct xdp_md *ctx)
{
	__u32 k = kind_of(ctx), host = dest_host(ctx);
	__u64 *v = bpf_map_lookup_elem(&lab_counters, &k);

	if (v)
		*v += 1;
	if (host < RS_SOURCES) {
		k += host * RS_NR_LAB_COUNTERS;
		v = bpf_map_lookup_elem(&lab_dest_counters, &k);
		if (v)
			*v += 1;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
