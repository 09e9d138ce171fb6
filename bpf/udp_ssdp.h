/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SSDP on udp/1900: a UPnP root device answering a search (UPnP Device
 * Architecture 1.1 §1.3.3). A request whose first line is exactly
 * "M-SEARCH * HTTP/1.1" gets, as UPnP devices send it:
 *
 *   HTTP/1.1 200 OK
 *   CACHE-CONTROL: max-age=1800
 *   EXT:
 *   LOCATION: http://<host address><device's port and path>
 *   SERVER: <device's OS, UPnP and product versions>
 *   ST: upnp:rootdevice
 *   USN: uuid:<device's UUID>::upnp:rootdevice
 *
 * (lines end with CRLF, an empty line ends the message). The device and
 * the last six hex digits of its UUID (bits 8-31 of the host's hash)
 * come from udp_banners.h. ZMap's upnp module counts a reply whose first
 * line is exactly "HTTP/1.1 200 OK" and reads SERVER, LOCATION, USN, ST,
 * EXT and CACHE-CONTROL from it; masscan and nmap count any reply.
 * Whatever the search target, a root device answers as the root device
 * (ZMap asks for upnp:rootdevice, masscan and nmap for ssdp:all, to
 * which a device's first answer is the same); the other headers of the
 * request are not read. A request of another method (NOTIFY, a GET)
 * or one cut before its first line ends is not answered.
 *
 * The reply is up to about 270 bytes, 170 more than a scanner's search:
 * the frame grows at its head (udp.h). A search of under about 50 bytes,
 * which no scanner sends, leaves the reply more to grow than a veth's
 * headroom holds; where the tail has no room either it is counted as
 * abort_internal.
 */
#ifndef RESCAN_UDP_SSDP_H
#define RESCAN_UDP_SSDP_H

#include "udp.h"
#include "udp_banners.h"

#define SSDP_REQUEST_LINE "M-SEARCH * HTTP/1.1\r\n"
#define SSDP_REQUEST_LINE_LEN (sizeof(SSDP_REQUEST_LINE) - 1)

/* The reply's constant text, in the order it is written. */
#define SSDP_TEXT_1 "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://"
#define SSDP_TEXT_2 "\r\nSERVER: "
#define SSDP_TEXT_3 "\r\nST: upnp:rootdevice\r\nUSN: uuid:"
#define SSDP_TEXT_4 "::upnp:rootdevice\r\n\r\n"
#define SSDP_UUID_HEX 6

struct ssdp_text {
	char t1[sizeof(SSDP_TEXT_1) - 1];
	char t2[sizeof(SSDP_TEXT_2) - 1];
	char t3[sizeof(SSDP_TEXT_3) - 1];
	char t4[sizeof(SSDP_TEXT_4) - 1];
};

/* In .rodata, where bpf_xdp_store_bytes() copies it from. */
static const struct ssdp_text ssdp_text = { SSDP_TEXT_1, SSDP_TEXT_2, SSDP_TEXT_3, SSDP_TEXT_4 };

/*
 * Address octet o as text and a dot, in network order in the high bytes
 * of the word (e.g. "7." or "192."), and in *n the bytes that count.
 * Branch-free, so the verifier does not follow each octet's three
 * lengths into the rest of the reply.
 */
static __always_inline __u32 ssdp_octet(__u32 o, __u32 *n)
{
	__u32 digits = 1 + ((o + 246) >> 8) + ((o + 156) >> 8);	/* o >= 10, o >= 100 */
	__u32 w = ('0' + o / 100) << 24 | ('0' + o / 10 % 10) << 16 | ('0' + o % 10) << 8 | '.';

	*n = digits + 1;
	return w << 8 * (3 - digits);
}

/* A hex digit, branch-free: '0' + x, and 'a' - '0' - 10 more from 10 on. */
static __always_inline __u8 ssdp_hex(__u32 x)
{
	return '0' + x + ((x + 6) >> 4) * ('a' - '0' - 10);
}

static __always_inline int udp_ssdp(struct xdp_md *ctx, struct pkt *p, __u32 *plen)
{
	const char line[SSDP_REQUEST_LINE_LEN] = SSDP_REQUEST_LINE;
	const __u8 *d = udp_payload(p);
	__u32 host = bpf_ntohl(p->ip->daddr), h = rs_host_hash(host), at, n, i, ip_len = 0;
	const struct rs_ssdp_device *dev = &rs_ssdp_devices[h & (RS_BANNER_ROWS - 1)];
	int server_len = size_1_to(dev->server_len, RS_SSDP_SERVER_MAX);
	int location_len = size_1_to(dev->location_len, RS_SSDP_LOCATION_MAX);
	__u32 octet[4], octet_len[4];
	__u8 hex[8];
	int ret;

	if (udp_payload_len(p) < SSDP_REQUEST_LINE_LEN ||
	    (void *)(d + SSDP_REQUEST_LINE_LEN) > p->data_end)
		return RS_CNT_DROP_BAD_REQUEST;
#pragma unroll
	for (i = 0; i < SSDP_REQUEST_LINE_LEN; i++)
		if (d[i] != (__u8)line[i])
			return RS_CNT_DROP_BAD_REQUEST;
	if (server_len < 0 || location_len < 0)
		return RS_CNT_ABORT_INTERNAL;

#pragma unroll
	for (i = 0; i < 4; i++) {
		octet[i] = bpf_htonl(ssdp_octet(host >> (24 - 8 * i) & 0xff, &octet_len[i]));
		ip_len += octet_len[i];
	}
	ip_len -= 1;	/* no dot after the last octet */
#pragma unroll
	for (i = 0; i < SSDP_UUID_HEX; i++)
		hex[i] = ssdp_hex(h >> (8 + 4 * (SSDP_UUID_HEX - 1 - i)) & 0xf);

	n = sizeof(ssdp_text.t1) + ip_len + location_len + sizeof(ssdp_text.t2) + server_len +
	    sizeof(ssdp_text.t3) + RS_SSDP_UUID_PREFIX + SSDP_UUID_HEX + sizeof(ssdp_text.t4);
	ret = udp_turn(ctx, p, n, 0);
	if (ret)
		return ret;

	/* Piece by piece; an octet is written as four bytes, and what goes
	 * past its text (the dot after the last, the zeros after a short
	 * one) is written over by the next piece. */
	at = UDP_DATA_AT;
	ret = bpf_xdp_store_bytes(ctx, at, (void *)ssdp_text.t1, sizeof(ssdp_text.t1));
	at += sizeof(ssdp_text.t1);
#pragma unroll
	for (i = 0; i < 4; i++) {
		ret |= bpf_xdp_store_bytes(ctx, at, &octet[i], sizeof(octet[i]));
		at += octet_len[i];
	}
	at -= 1;
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)dev->location, location_len);
	at += location_len;
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)ssdp_text.t2, sizeof(ssdp_text.t2));
	at += sizeof(ssdp_text.t2);
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)dev->server, server_len);
	at += server_len;
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)ssdp_text.t3, sizeof(ssdp_text.t3));
	at += sizeof(ssdp_text.t3);
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)dev->uuid, RS_SSDP_UUID_PREFIX);
	at += RS_SSDP_UUID_PREFIX;
	ret |= bpf_xdp_store_bytes(ctx, at, hex, SSDP_UUID_HEX);
	at += SSDP_UUID_HEX;
	ret |= bpf_xdp_store_bytes(ctx, at, (void *)ssdp_text.t4, sizeof(ssdp_text.t4));
	if (ret)
		return RS_CNT_ABORT_INTERNAL;
	*plen = n;
	return 0;
}

#endif /* RESCAN_UDP_SSDP_H */
