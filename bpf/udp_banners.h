/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * udp_banners.h - what differs from host to host in the UDP replies.
 * Real hosts differ, so a lab's hosts do too, yet the same probe always
 * gets the same reply: whatever varies is chosen by a hash of the host's
 * address, nothing else.
 *
 * Shared by the XDP program and the BPF tests.
 */
#ifndef RESCAN_UDP_BANNERS_H
#define RESCAN_UDP_BANNERS_H

#include <linux/types.h>

/*
 * A host's hash (address in host byte order): MurmurHash3's 32-bit
 * finalizer, so neighbouring addresses get unrelated values. The replies
 * say which bits they take (icmp_unreach.h).
 */
static __inline__ __attribute__((always_inline)) __u32 rs_host_hash(__u32 addr)
{
	addr ^= addr >> 16;
	addr *= 0x85ebca6b;
	addr ^= addr >> 13;
	addr *= 0xc2b2ae35;
	addr ^= addr >> 16;
	return addr;
}

#endif /* RESCAN_UDP_BANNERS_H */
