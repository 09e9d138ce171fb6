// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe.c - the frames `rsbench xdpcost` runs through the responder: what
 * ZMap 2.1.1 sends from the lab's scanner side (IP id 54321, TTL 255, a
 * TCP SYN without options or an ICMP echo request). The IPv4 header
 * checksum is right; the TCP and ICMP checksums are left 0, since the
 * responder neither checks them nor reads them to update its reply's.
 */
#include <netinet/in.h>
#include <string.h>

#include "lab.h"
#include "rsbench.h"

static uint16_t csum16(const uint8_t *p, int len)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void build_probe(struct pkt *k, int proto, uint8_t tcp_flags, uint32_t daddr, uint16_t dport)
{
	static struct lab l;	/* the default lab's addresses and MACs */
	uint8_t *e = k->b, *ip = e + 14, *l4 = ip + 20;
	int l4len = proto == IPPROTO_TCP ? 20 : 8;
	uint16_t c;

	if (!l.net)
		lab_describe(&l, NULL);
	memset(k, 0, sizeof(*k));
	/* to the lab's gateway from its scanner side, then IPv4 */
	memcpy(e, l.gw_mac, 6);
	memcpy(e + 6, l.scan_mac, 6);
	e[12] = 0x08;
	e[13] = 0x00;
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = (uint8_t)(20 + l4len);
	ip[4] = 54321 >> 8;
	ip[5] = 54321 & 255;
	ip[8] = 255;
	ip[9] = (uint8_t)proto;
	put_be32(ip + 12, l.scan_addr);
	put_be32(ip + 16, daddr);
	c = csum16(ip, 20);
	ip[10] = c >> 8;
	ip[11] = c & 255;
	if (proto == IPPROTO_TCP) {
		l4[0] = 40001 >> 8;
		l4[1] = 40001 & 255;
		l4[2] = dport >> 8;
		l4[3] = dport & 255;
		memcpy(l4 + 4, "\x12\x34\x56\x78", 4);
		l4[12] = 5 << 4;
		l4[13] = tcp_flags;
		l4[14] = 0xff;
		l4[15] = 0xff;
	} else {
		l4[0] = 8;	/* echo request */
		l4[4] = 0x12;
		l4[6] = 0x34;
	}
	k->len = 14 + 20 + l4len;
}
