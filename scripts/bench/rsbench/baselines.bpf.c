// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * baselines.bpf.c - the programs `make bench` puts on the internet side
 * of a lab in place of the responder, to tell what the responder costs from
 * what answering costs. Not part of rescan: only rsbench loads them.
 *
 *   rescan_drop     drops every frame: the fastest anything can take
 *                   probes, with no replies for the scanner to handle.
 *   rescan_reflect  answers the same hosts as the benchmark's world, with
 *                   the responder's own SYN-ACK rewrite, but decides by the
 *                   rule the world was drawn by (rule.h) instead of
 *                   reading a world, and counts nothing. Between it and
 *                   XDP_DROP lies what replies cost the scanner; between
 *                   it and the responder lies rescan's world lookup and
 *                   counting.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "rescan_abi.h"
#include "parse.h"
#include "probe_tcp_syn.h"
#include "rule.h"

/* Set by rsbench before the programs are loaded. */
const volatile __u64 rule_bound = 0;	/* bench_rule_bound(PPM) */
const volatile __u32 rule_seed = 0;
const volatile __u32 reflect_port = 0;	/* the world's one TCP service */
const volatile __u32 isn_key = 0;

SEC("xdp")
int rescan_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int rescan_reflect(struct xdp_md *ctx)
{
	struct probe pr = {};
	struct pkt p;

	if (parse_ipv4(ctx, &p) || p.ip->protocol != IPPROTO_TCP || tcp_syn_classify(&p, &pr))
		return XDP_DROP;
	if (pr.port != reflect_port || !bench_rule_has(bpf_ntohl(p.ip->daddr), rule_seed, rule_bound))
		return XDP_DROP;
	return tcp_syn_reply(ctx, &p, &pr, isn_key) == RS_CNT_TX_SYNACK ? XDP_TX : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
