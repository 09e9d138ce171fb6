// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * responder.bpf.c - the virtual internet. Attached in native XDP mode to the
 * internet side of the lab's veth pair, it turns every probe for a host the
 * world says would answer into that host's reply and sends it back with
 * XDP_TX. ARP goes to the kernel of the internet namespace, which answers
 * for the gateway address as a real router would (masscan resolves its
 * router that way). Everything else is dropped. One path, one exit:
 *   parse -> classify probe -> look up the world -> rewrite -> XDP_TX
 * and every verdict is counted by reason in a per-CPU array.
 */
#include "responder.h"

SEC("xdp")
int rescan_responder(struct xdp_md *ctx)
{
	return rescan_respond(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
