/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The probe-module interface, in the spirit of ZMap's probe modules: each
 * kind of probe rescan answers lives in its own probe_*.h with two
 * functions,
 *   int <kind>_classify(struct pkt *p, struct probe *pr)
 *       0 and pr filled (service slot and port) if p is such a probe,
 *       otherwise the counter that says why not;
 *   int <kind>_reply(struct pkt *p, const struct probe *pr)
 *       rewrites p in place into the reply and returns its tx counter.
 * Adding a probe kind is a new header, its tx counter in rescan_abi.h,
 * and a case in each switch of responder.h: classify() (by IP protocol),
 * reply() (by kind) and verdict_of() (its tx counter means XDP_TX).
 */
#ifndef RESCAN_PROBE_H
#define RESCAN_PROBE_H

#include <linux/types.h>

enum probe_kind {
	PROBE_TCP_SYN,
	PROBE_ICMP_ECHO,
};

struct probe {
	__u32 kind;	/* enum probe_kind */
	__u32 slot;	/* enum rs_slot */
	__u32 port;	/* service port (ICMP: request type) */
};

#endif /* RESCAN_PROBE_H */
