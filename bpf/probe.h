/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The probe-module interface, in the spirit of ZMap's probe modules: each
 * kind of probe rescan answers lives in its own probe_*.h with two
 * functions,
 *   int <kind>_classify(struct pkt *p, struct probe *pr)
 *       0 and pr filled (kind, service slot and port) if p is such a probe,
 *       otherwise the counter that says why not (DROP_NOT_PROBE lets the
 *       next kind of the same IP protocol try);
 *   int <kind>_reply(struct xdp_md *ctx, struct pkt *p, const struct probe *pr)
 *       rewrites p in place into the reply the world's answer for the
 *       probe (pr->state, and pr->reply for UDP) calls for and returns its
 *       tx counter. A reply that changes the frame's size does so last
 *       (bpf_xdp_adjust_tail/head), after which p is stale.
 * Adding a probe kind is a new header, its tx counters in rescan_abi.h,
 * and a case in each switch of responder.h: classify() (by IP protocol),
 * reply() (by kind) and verdict_of() (its tx counters mean XDP_TX).
 */
#ifndef RESCAN_PROBE_H
#define RESCAN_PROBE_H

#include <linux/types.h>

enum probe_kind {
	PROBE_TCP_SYN,
	PROBE_TCP_ACK,		/* ACK or SYN-ACK out of the blue */
	PROBE_ICMP_ECHO,
	PROBE_ICMP_TIMESTAMP,
	PROBE_UDP,		/* to any port; the reply depends on the port's protocol */
};

struct probe {
	__u32 kind;	/* enum probe_kind */
	__u32 slot;	/* enum rs_slot */
	__u32 port;	/* service port (ICMP: request type) */
	__u32 state;	/* the world's answer: enum rs_state, WORLD_OPEN or WORLD_CLOSED */
	__u32 reply;	/* UDP: the service's enum rs_udp_reply */
};

#endif /* RESCAN_PROBE_H */
