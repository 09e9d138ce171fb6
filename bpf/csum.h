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

/*
 * Several replacements in one fold: start with csum_open(), add each
 * csum_diff2/4(), finish with csum_close(). Each fold is a chain of
 * dependent adds, so a reply that changes many words pays for one.
 */
static __always_inline __u64 csum_open(__u16 sum)
{
	return (__u16)~sum;
}

static __always_inline __u64 csum_diff4(__u32 from, __u32 to)
{
	return (~from & 0xffff) + (~from >> 16) + (to & 0xffff) + (to >> 16);
}

static __always_inline __u64 csum_diff2(__u16 from, __u16 to)
{
	return (__u16)~from + (__u64)to;
}

static __always_inline __u16 csum_close(__u64 s)
{
	return (__u16)~csum_fold64(s);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	*sum = csum_close(csum_open(*sum) + csum_diff2(from, to));
}

#endif /* RESCAN_CSUM_H */
