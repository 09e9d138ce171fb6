/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * UDP to any port (ZMap udp, ntp and upnp modules, masscan -pU:, nmap
 * -sU). An open port answers in its protocol, chosen by the service's port
 * when the world is loaded (enum rs_udp_reply): DNS (udp_dns.h), NTP
 * (udp_ntp.h), SNMP (udp_snmp.h), SSDP (udp_ssdp.h), and for every other
 * port the probe's payload echoed back, which is what ZMap's udp module
 * and nmap count as open. A request its protocol does not answer (too
 * short, malformed, another community, ...) is dropped as
 * DROP_BAD_REQUEST, never answered with garbage. A closed port answers
 * ICMP port unreachable (icmp_unreach.h).
 *
 * Every reply has a UDP checksum computed afresh; the probe's own is not
 * checked (ZMap sends none). Only probes with a bare 20-byte IP header
 * are answered (scanners add IP options only when told to; without them
 * every offset of a reply is a constant), and only up to a 1500-byte IP
 * packet. A UDP length longer than the IP packet, or shorter than the
 * UDP header, is malformed; bytes after the UDP length are not part of
 * the datagram (as Linux takes them) and are not answered.
 */
#ifndef RESCAN_PROBE_UDP_H
#define RESCAN_PROBE_UDP_H

#include "parse.h"
#include "probe.h"
#include "udp.h"
#include "udp_dns.h"
#include "udp_ntp.h"
#include "udp_snmp.h"
#include "udp_ssdp.h"
#include "icmp_unreach.h"

static __always_inline int udp_classify(struct pkt *p, struct probe *pr)
{
	struct udphdr *uh = p->l4;
	__u32 ulen;

	if (p->ip->ihl != 5)
		return RS_CNT_DROP_UNSUPPORTED;
	if ((void *)(uh + 1) > p->data_end || p->l4_len < sizeof(*uh))
		return RS_CNT_DROP_MALFORMED;
	ulen = bpf_ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > p->l4_len)
		return RS_CNT_DROP_MALFORMED;
	if (ulen > sizeof(*uh) + UDP_PAYLOAD_MAX)
		return RS_CNT_DROP_UNSUPPORTED;

	pr->kind = PROBE_UDP;
	pr->slot = RS_SLOT_UDP;
	pr->port = bpf_ntohs(uh->dest);
	return 0;
}

/* Any other port: the payload, as it came. */
static __always_inline int udp_echo(struct xdp_md *ctx, struct pkt *p, __u32 *plen)
{
	*plen = udp_payload_len(p);
	return udp_turn(ctx, p, *plen, *plen);
}

/* The reply for the world's answer state and the service's reply kind: its counter. */
static __always_inline int udp_answer(struct xdp_md *ctx, __u32 state, __u32 reply)
{
	struct pkt p = {
		.data_end = (void *)(long)ctx->data_end,
		.eth = (void *)(long)ctx->data,
	};
	__u32 plen = 0;
	int ret, tx;

	p.ip = (void *)(p.eth + 1);
	p.l4 = (void *)(p.ip + 1);
	if (p.l4 + sizeof(struct udphdr) > p.data_end)
		return RS_CNT_ABORT_INTERNAL;
	p.l4_len = bpf_ntohs(p.ip->tot_len) - sizeof(struct iphdr);

	if (state != RS_STATE_OPEN)
		return icmp_port_unreach(ctx, &p);
	switch (reply) {
	case RS_UDP_DNS:
		tx = RS_CNT_TX_UDP_DNS;
		ret = udp_dns(ctx, &p, &plen);
		break;
	case RS_UDP_NTP:
		tx = RS_CNT_TX_UDP_NTP;
		ret = udp_ntp(ctx, &p, &plen);
		break;
	case RS_UDP_SNMP:
		tx = RS_CNT_TX_UDP_SNMP;
		ret = udp_snmp(ctx, &p, &plen);
		break;
	case RS_UDP_SSDP:
		tx = RS_CNT_TX_UDP_SSDP;
		ret = udp_ssdp(ctx, &p, &plen);
		break;
	default:
		tx = RS_CNT_TX_UDP_ECHO;
		ret = udp_echo(ctx, &p, &plen);
		break;
	}
	if (ret)
		return ret;
	ret = rescan_udp_seal(ctx, plen);
	return ret ? ret : tx;
}

/*
 * The reply to the UDP probe in ctx (classified by udp_classify(), so its
 * UDP header is at UDP_AT) for the world's answer state and the
 * service's reply kind. A function of its own: the verifier checks it
 * once, not once for every way the world lookup can end, and it reads
 * the frame afresh from ctx, since no packet pointer may be passed to it.
 * It returns its counter c as 1 << c; udp_reply() says why.
 */
__attribute__((noinline)) int rescan_udp_reply(struct xdp_md *ctx, __u32 state, __u32 reply)
{
	return 1 << udp_answer(ctx, state, reply);
}

/*
 * The counter of the reply, as a constant. The code every packet runs
 * after this (counting, the verdict) takes the counter as a 32-bit value
 * in a 64-bit register. The call leaves the register's upper half
 * undefined, and clang would clear it there, for every packet, TCP SYNs
 * too; from constants it knows it need not. The counter comes back as a
 * bit, or clang would see that each case returns its own value and
 * return the register after all.
 */
static __always_inline int udp_reply(struct xdp_md *ctx, const struct probe *pr)
{
	switch (rescan_udp_reply(ctx, pr->state, pr->reply)) {
#define UDP_OUTCOME(cnt) \
	case 1 << (cnt): \
		return (cnt);
	UDP_OUTCOME(RS_CNT_TX_UDP_ECHO)
	UDP_OUTCOME(RS_CNT_TX_UDP_DNS)
	UDP_OUTCOME(RS_CNT_TX_UDP_NTP)
	UDP_OUTCOME(RS_CNT_TX_UDP_SNMP)
	UDP_OUTCOME(RS_CNT_TX_UDP_SSDP)
	UDP_OUTCOME(RS_CNT_TX_PORT_UNREACH)
	UDP_OUTCOME(RS_CNT_DROP_BAD_REQUEST)
	UDP_OUTCOME(RS_CNT_DROP_MALFORMED)
#undef UDP_OUTCOME
	}
	return RS_CNT_ABORT_INTERNAL;
}

_Static_assert(RS_NR_COUNTERS <= 31, "rescan_udp_reply() returns a counter as a bit of an int");

#endif /* RESCAN_PROBE_UDP_H */
