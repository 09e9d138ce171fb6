/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Incremental Internet checksum update (RFC 1624, eqn. 3):
 *   HC' = ~(~HC + ~m + m')
 * Values are taken exactly as they sit in the packet; the one's-complement
 * sum does not care about byte order as long as every term uses the same.
 */
#ifndef RESCAN_CSUM_H
#define RESCAN_CSUM_H

#include <linux/types.h>

static __always_inline __u16 csum_fold64(__u64 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	__u64 s = (__u16)~*sum;

	s += (__u16)~from;
	s += to;
	*sum = (__u16)~csum_fold64(s);
}

static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u64 s = (__u16)~*sum;

	s += (~from & 0xffff) + (~from >> 16);
	s += (to & 0xffff) + (to >> 16);
	*sum = (__u16)~csum_fold64(s);
}

#endif /* RESCAN_CSUM_H */
