/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * NTP on udp/123 (RFC 5905), for the requests scanners send:
 *
 *   - a client request (mode 3, versions 1-4, at least the 48-byte
 *     header: ZMap's ntp module, nmap's first payload) gets a 48-byte
 *     server reply (mode 4): LI 0, the request's version and poll, the
 *     host's stratum, precision, root delay and dispersion and reference
 *     id (udp_banners.h), the reference time the request's transmit
 *     seconds rounded down to 1024 s, and origin, receive and transmit
 *     time all the request's transmit time, as from a server that
 *     answered at once: the same probe always gets the same reply.
 *     A MAC or extension fields after the header are not answered.
 *
 *   - a mode 7 query (ntpdc; masscan's probe is monlist, MON_GETLIST_1)
 *     gets the 8-byte error ntpd 4.2.8 sends since monlist was removed:
 *     response bit, the query's version, implementation and request code,
 *     error "no data" (4); "unknown request" (2) for implementation
 *     universal (0) and "unknown implementation" (1) for any other but
 *     XNTPD (3) and XNTPD_OLD (2). A query ntpd would drop (a response,
 *     a sequence or error or MBZ field that is not zero, shorter than 8
 *     bytes) is dropped. Current ntpd leaves mode 7 off by default; the
 *     lab answers it so that masscan, which asks nothing else on this
 *     port, finds the world's NTP servers, and the answer amplifies
 *     nothing.
 *
 *   - anything else is dropped, as DROP_BAD_REQUEST. That includes mode 1
 *     (symmetric active, nmap's second payload): a server that does not
 *     peer with strangers ignores it (ntpd's "restrict nopeer", Debian's
 *     default), and nmap already has its answer to the client request it
 *     sent along.
 */
#ifndef RESCAN_UDP_NTP_H
#define RESCAN_UDP_NTP_H

#include "udp.h"
#include "udp_banners.h"

#define NTP_LEN 48		/* header without extension fields or MAC */
#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4
#define NTP_MODE_PRIVATE 7
#define NTP_VERSION_MIN 1
#define NTP_VERSION_MAX 4
#define NTP_REF_ROUND 0x3ff	/* reference time: transmit seconds, low 10 bits cleared */

#define NTP_PRIV_LEN 8		/* a mode 7 header without data */
#define NTP_PRIV_RESPONSE 0x80
#define NTP_PRIV_MORE 0x40
#define NTP_PRIV_SEQ 0x7f
#define NTP_IMPL_UNIV 0
#define NTP_IMPL_XNTPD_OLD 2
#define NTP_IMPL_XNTPD 3
#define NTP_ERR_IMPL 1
#define NTP_ERR_REQ 2
#define NTP_ERR_NODATA 4

static __always_inline int ntp_server_reply(struct xdp_md *ctx, struct pkt *p, __u8 vn,
					    __u32 *plen)
{
	const struct rs_ntp_server *srv = &rs_ntp_servers[rs_banner_row(bpf_ntohl(p->ip->daddr))];
	const __u8 *d = udp_payload(p);
	__u32 xmt_sec, xmt_frac;
	__u8 poll, *r;
	int ret, i;

	if (udp_payload_len(p) < NTP_LEN || (void *)(d + NTP_LEN) > p->data_end)
		return RS_CNT_DROP_BAD_REQUEST;
	poll = d[2];
	xmt_sec = *(__u32 *)(d + 40);
	xmt_frac = *(__u32 *)(d + 44);

	ret = udp_turn(ctx, p, NTP_LEN, NTP_LEN);
	if (ret)
		return ret;
	r = udp_reply_payload(ctx, NTP_LEN);
	if (!r)
		return RS_CNT_ABORT_INTERNAL;
	r[0] = vn << 3 | NTP_MODE_SERVER;
	r[1] = srv->stratum;
	r[2] = poll;
	r[3] = srv->precision;
	*(__u32 *)(r + 4) = bpf_htonl(srv->root_delay);
	*(__u32 *)(r + 8) = bpf_htonl(srv->root_disp);
	*(__u32 *)(r + 12) = *(__u32 *)srv->refid;
	*(__u32 *)(r + 16) = xmt_sec & bpf_htonl(~NTP_REF_ROUND);
	*(__u32 *)(r + 20) = 0;
#pragma unroll
	for (i = 24; i < NTP_LEN; i += 8) {	/* origin, receive, transmit */
		*(__u32 *)(r + i) = xmt_sec;
		*(__u32 *)(r + i + 4) = xmt_frac;
	}
	*plen = NTP_LEN;
	return 0;
}

static __always_inline int ntp_private_reply(struct xdp_md *ctx, struct pkt *p, __u8 vn,
					     __u32 *plen)
{
	const __u8 *d = udp_payload(p);
	__u8 impl, err, *r;
	int ret;

	if (udp_payload_len(p) < NTP_PRIV_LEN || (void *)(d + NTP_PRIV_LEN) > p->data_end)
		return RS_CNT_DROP_BAD_REQUEST;
	if (d[0] & (NTP_PRIV_RESPONSE | NTP_PRIV_MORE) || d[1] & NTP_PRIV_SEQ || d[4] >> 4 ||
	    d[6] >> 4)
		return RS_CNT_DROP_BAD_REQUEST;
	impl = d[2];
	err = impl == NTP_IMPL_XNTPD || impl == NTP_IMPL_XNTPD_OLD ? NTP_ERR_NODATA :
	      impl == NTP_IMPL_UNIV				   ? NTP_ERR_REQ :
								     NTP_ERR_IMPL;

	ret = udp_turn(ctx, p, NTP_PRIV_LEN, NTP_PRIV_LEN);
	if (ret)
		return ret;
	r = udp_reply_payload(ctx, NTP_PRIV_LEN);
	if (!r)
		return RS_CNT_ABORT_INTERNAL;
	r[0] = NTP_PRIV_RESPONSE | vn << 3 | NTP_MODE_PRIVATE;
	r[1] = 0;	/* not authenticated, sequence 0 */
	/* r[2], r[3]: the implementation and request code, as asked */
	r[4] = err << 4;	/* error, and no data items */
	r[5] = 0;
	r[6] = 0;		/* MBZ, and an item size of 0 */
	r[7] = 0;
	*plen = NTP_PRIV_LEN;
	return 0;
}

static __always_inline int udp_ntp(struct xdp_md *ctx, struct pkt *p, __u32 *plen)
{
	const __u8 *d = udp_payload(p);
	__u8 vn;

	if (udp_payload_len(p) < 1 || (void *)(d + 1) > p->data_end)
		return RS_CNT_DROP_BAD_REQUEST;
	vn = d[0] >> 3 & 7;
	if (vn < NTP_VERSION_MIN || vn > NTP_VERSION_MAX)
		return RS_CNT_DROP_BAD_REQUEST;
	switch (d[0] & 7) {
	case NTP_MODE_CLIENT:
		return ntp_server_reply(ctx, p, vn, plen);
	case NTP_MODE_PRIVATE:
		return ntp_private_reply(ctx, p, vn, plen);
	}
	return RS_CNT_DROP_BAD_REQUEST;
}

#endif /* RESCAN_UDP_NTP_H */
