/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The responder's per-packet path, one inline function: rescan_respond().
 * responder.bpf.c is this function attached to the internet side of a
 * lab; the bench's harness (scripts/bench/rsbench/batch.bpf.c) runs the
 * very same code back to back on a list of probes to time it. The maps and
 * settings it needs come with it, so both objects have the same layout
 * and the harness can take over a loaded responder's maps.
 */
#ifndef RESCAN_RESPONDER_H
#define RESCAN_RESPONDER_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "rescan_abi.h"
#include "parse.h"
#include "world_lookup.h"
#include "probe_tcp_syn.h"
#include "probe_tcp_ack.h"
#include "probe_icmp_echo.h"
#include "probe_icmp_timestamp.h"
#include "probe_udp.h"

/* Set by the loader before the program is loaded. */
const volatile __u32 lab_net = 0;	/* lab network, network byte order */
const volatile __u32 lab_mask = 0;	/* its netmask; 0 disables the check */
const volatile __u32 isn_key = 0;	/* keys our TCP initial sequence numbers */
const volatile __u32 do_not_scan_on = 0;	/* the do_not_scan trie has ranges */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_SOURCES * RS_NR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} source_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RS_SEAT_IFINDEX_MAX);
	__type(key, __u32);
	__type(value, struct rs_seat);
} seats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, RS_DNS_RANGES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rs_dns_key);
	__type(value, __u32);
} do_not_scan SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_SOURCES * RS_DNS_LABELS);
	__type(key, __u32);
	__type(value, __u64);
} do_not_scan_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RS_SVC_BUCKETS);
	__type(key, __u32);
	__type(value, struct rs_svc_counters);
} service_counters SEC(".maps");

/* No service bucket: the world was not asked about the packet. */
#define NO_BUCKET RS_SVC_BUCKETS

/*
 * Who and what a verdict counts for: the lab address of its row, the
 * do-not-scan label, the service bucket and the world's answer.
 */
struct whom {
	__u32 src;	/* network order; outside the lab network: totals only */
	__u32 label;	/* with RS_CNT_DROP_DO_NOT_SCAN */
	__u32 bucket;	/* the probe's service bucket, or NO_BUCKET */
	__u32 state;	/* the world's answer (enum world_answer) with a bucket */
};

/* The tx_* counters come first, in one run; OPEN and CLOSED follow each other as the states do. */
_Static_assert(RS_CNT_TX_SYNACK == 0 && RS_CNT_PASS_ARP == RS_CNT_TX_PORT_UNREACH + 1,
	       "the tx_* counters come first, in one run");
_Static_assert(WORLD_OPEN == 0 && WORLD_CLOSED == 1 && RS_SVC_CNT_CLOSED == RS_SVC_CNT_OPEN + 1,
	       "a service's answered counter is RS_SVC_CNT_OPEN + its state");

static __always_inline int seat_fixed(const struct rs_seat *s)
{
	return s && s->mask == 0xffffffff;
}

/* The rate cap: 1 when this probe is over it (rescan_abi.h, struct rs_seat). */
static __always_inline int over_rate(struct rs_seat *s)
{
	__u64 now = bpf_ktime_get_ns(), tat = s->tat;

	if (tat < now)
		tat = now;
	if (tat - now > s->burst_ns)
		return 1;
	s->tat = tat + s->interval_ns;
	return 0;
}

static __always_inline int classify(struct pkt *p, struct probe *pr)
{
	int ret = RS_CNT_DROP_NOT_PROBE;
	__u8 proto = p->ip->protocol, other;

	switch (proto) {
	case IPPROTO_TCP:
		ret = tcp_syn_classify(p, pr);
		if (ret == RS_CNT_DROP_NOT_PROBE)
			ret = tcp_ack_classify(p, pr, isn_key);
		break;
	case IPPROTO_ICMP:
		ret = icmp_echo_classify(p, pr);
		if (ret == RS_CNT_DROP_NOT_PROBE)
			ret = icmp_timestamp_classify(p, pr);
		break;
	default:
		/* UDP is tested only here: clang, not seeing that other is
		 * proto, cannot make it a case ahead of TCP's, so a TCP SYN,
		 * the bulk of most scans, pays no test for it. */
		other = proto;
		barrier_var(other);
		if (other == IPPROTO_UDP)
			ret = udp_classify(p, pr);
		break;
	}
	return ret;
}

/* pr->state is WORLD_OPEN or WORLD_CLOSED here. */
static __always_inline int reply(struct xdp_md *ctx, struct pkt *p, const struct probe *pr)
{
	switch (pr->kind) {
	case PROBE_TCP_SYN:
		return tcp_syn_reply(ctx, p, pr, isn_key);
	case PROBE_TCP_ACK:
		return tcp_ack_reply(ctx, p, pr);
	case PROBE_ICMP_ECHO:
		return icmp_echo_reply(ctx, p, pr);
	case PROBE_ICMP_TIMESTAMP:
		return icmp_timestamp_reply(ctx, p, pr);
	case PROBE_UDP:
		return udp_reply(ctx, pr);
	}
	return RS_CNT_ABORT_INTERNAL;
}

static __always_inline int verdict_of(__u32 cnt)
{
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
	case RS_CNT_TX_RST_CLOSED:
	case RS_CNT_TX_RST_UNSOLICITED:
	case RS_CNT_TX_ECHO_REPLY:
	case RS_CNT_TX_TIMESTAMP_REPLY:
	case RS_CNT_TX_UDP_ECHO:
	case RS_CNT_TX_UDP_DNS:
	case RS_CNT_TX_UDP_NTP:
	case RS_CNT_TX_UDP_SNMP:
	case RS_CNT_TX_UDP_SSDP:
	case RS_CNT_TX_PORT_UNREACH:
		return XDP_TX;
	case RS_CNT_PASS_ARP:
		return XDP_PASS;
	case RS_CNT_ABORT_INTERNAL:
		return XDP_ABORTED;
	}
	return XDP_DROP;
}

/* Who sent it, whether they may, and where it goes, before what it is. */
static __always_inline int admit(const struct pkt *p, struct rs_seat *seat, struct whom *who)
{
	__u32 *label;

	if (seat && seat->mask && (p->ip->saddr & seat->mask) != seat->addr)
		return RS_CNT_DROP_SPOOFED;
	who->src = p->ip->saddr;
	if (lab_mask && (p->ip->daddr & lab_mask) == lab_net)
		return RS_CNT_DROP_LAB_INTERNAL;
	if (do_not_scan_on) {
		struct rs_dns_key k = { .prefixlen = 32, .addr = p->ip->daddr };

		label = bpf_map_lookup_elem(&do_not_scan, &k);
		if (label) {
			who->label = *label;
			return RS_CNT_DROP_DO_NOT_SCAN;
		}
	}
	if (seat && seat->interval_ns && over_rate(seat))
		return RS_CNT_DROP_RATE_LIMITED;
	return 0;
}

static __always_inline int answer(struct xdp_md *ctx, struct rs_seat *seat, struct whom *who)
{
	const struct rs_service *svc = NULL;
	struct probe pr = {};
	struct pkt p;
	int ret;

	ret = parse_ipv4(ctx, &p);
	if (ret)
		return ret;
	ret = admit(&p, seat, who);
	if (ret)
		return ret;

	ret = classify(&p, &pr);
	if (ret)
		return ret;

	ret = world_lookup(pr.slot, pr.port, bpf_ntohl(p.ip->daddr), &svc);
	if (ret == WORLD_ERROR)
		return RS_CNT_ABORT_INTERNAL;
	who->bucket = svc->bucket;
	who->state = ret;
	switch (ret) {
	case WORLD_OPEN:
	case WORLD_CLOSED:
		pr.state = ret;
		pr.reply = svc->reply;
		return reply(ctx, &p, &pr);
	case WORLD_FILTERED:
		return RS_CNT_DROP_FILTERED;
	case WORLD_SILENT:
		return RS_CNT_DROP_NOT_IN_WORLD;
	case WORLD_NO_SERVICE:
		return RS_CNT_DROP_NO_SERVICE;
	}
	return RS_CNT_ABORT_INTERNAL;
}

/*
 * Count a probe the world was asked about in its service's bucket, and
 * an answer as open or closed by what the world said (an ACK's RST too).
 */
static __always_inline void count_service(__u32 cnt, const struct whom *who)
{
	struct rs_svc_counters *sc;

	if (who->bucket >= RS_SVC_BUCKETS)
		return;
	sc = bpf_map_lookup_elem(&service_counters, &who->bucket);
	if (!sc)
		return;
	sc->c[RS_SVC_CNT_PROBES] += 1;
	if (cnt <= RS_CNT_TX_PORT_UNREACH)
		sc->c[RS_SVC_CNT_OPEN + (who->state & 1)] += 1;
}

/*
 * Count the verdict in the totals, in its service's bucket and, for a
 * scanner of the lab, in its own row.
 */
static __always_inline void count(__u32 cnt, const struct whom *who)
{
	__u32 host = bpf_ntohl(who->src & ~lab_mask), key;
	__u64 *v = bpf_map_lookup_elem(&counters, &cnt);

	if (v)
		*v += 1;
	count_service(cnt, who);
	if (!lab_mask || (who->src & lab_mask) != lab_net || host >= RS_SOURCES)
		return;
	key = host * RS_NR_COUNTERS + cnt;
	v = bpf_map_lookup_elem(&source_counters, &key);
	if (v)
		*v += 1;
	if (cnt != RS_CNT_DROP_DO_NOT_SCAN || who->label >= RS_DNS_LABELS)
		return;
	key = host * RS_DNS_LABELS + who->label;
	v = bpf_map_lookup_elem(&do_not_scan_hits, &key);
	if (v)
		*v += 1;
}

/*
 * parse -> admit (seat, lab, do-not-scan, rate) -> classify -> look up ->
 * rewrite; count the verdict for whoever sent it, return it. A frame
 * without an IPv4 source (ARP) counts for its seat's one address.
 */
static __always_inline int rescan_respond(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex, cnt;
	struct rs_seat *seat = bpf_map_lookup_elem(&seats, &ifindex);
	struct whom who = { .src = seat_fixed(seat) ? seat->addr : 0, .bucket = NO_BUCKET };

	cnt = answer(ctx, seat, &who);
	count(cnt, &who);
	return verdict_of(cnt);
}

#endif /* RESCAN_RESPONDER_H */
