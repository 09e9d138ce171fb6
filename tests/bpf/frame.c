// SPDX-License-Identifier: GPL-2.0-only
/*
 * frame.c - the BPF tests' frames: the probe builder, the independent
 * checksum oracle (RFC 1071, whole headers), the reply a host would send,
 * and the explanation of a difference field by field. Nothing here uses
 * the data path's code.
 */
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "frame_udp.h"
#include "util.h"

/* Locally administered unicast MACs: the scanner and the lab's gateway. */
static const uint8_t SCANNER_MAC[6] = { 0x02, 0x00, 0x5c, 0xa1, 0x00, 0x01 };
static const uint8_t GATEWAY_MAC[6] = { 0x02, 0x00, 0x5c, 0xa1, 0x00, 0xfe };

/* ---- bytes and checksums ------------------------------------------------ */

void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* RFC 1071: the 16-bit one's complement sum, big-endian words, odd byte padded. */
static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	while (len > 1) {
		sum += get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of the TCP/UDP pseudo-header of the IPv4 header at ip. */
static uint32_t pseudo_sum(const uint8_t *ip, uint8_t proto, uint32_t l4_len)
{
	return sum16(ip + 12, 8, 0) + proto + l4_len;
}

void ip_csum_set(uint8_t *ip, uint32_t ihl_len)
{
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl_len, 0)));
}

void l4_csum_set(uint8_t *ip, uint8_t *l4, uint32_t l4_len, uint8_t proto)
{
	uint32_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t s = proto == 1 ? 0 : pseudo_sum(ip, proto, l4_len);
	uint16_t c;

	put16(l4 + off, 0);
	c = (uint16_t)~fold(sum16(l4, l4_len, s));
	put16(l4 + off, proto == 17 && c == 0 ? 0xffff : c);
}

/* ---- building probes ------------------------------------------------------ */

static uint32_t tcp_options(enum tcp_opts which, uint8_t *o)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	static const uint8_t linux_syn[] = {
		2, 4, 0x05, 0xb4,			/* MSS 1460 */
		4, 2,					/* SACK permitted */
		8, 10, 0x00, 0x12, 0x34, 0x56, 0, 0, 0, 0,	/* timestamps */
		1,					/* NOP */
		3, 3, 7,				/* wscale 7 */
	};
	static const uint8_t forty[] = {
		2, 4, 0x05, 0xb4,
		1, 1, 4, 2,
		8, 10, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
		1, 3, 3, 10,
		254, 16, 0xf9, 0x89,			/* RFC 6994 experiment... */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,	/* ...and its data */
		1, 0,					/* NOP, EOL */
	};

	switch (which) {
	case TOPT_MSS:
		memcpy(o, mss, sizeof(mss));
		return sizeof(mss);
	case TOPT_LINUX:
		memcpy(o, linux_syn, sizeof(linux_syn));
		return sizeof(linux_syn);
	case TOPT_40:
		memcpy(o, forty, sizeof(forty));
		return sizeof(forty);
	case TOPT_NONE:
		break;
	}
	return 0;
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(0x30 + i * 7);
}

static uint8_t proto_of(const struct tcase *t)
{
	switch (t->kind) {
	case F_TCP:
		return 6;
	case F_ICMP:
		return 1;
	case F_UDP:
		return 17;
	default:
		return t->ip_proto;
	}
}

/* The frames that are not IPv4. */
static void build_not_ipv4(const struct tcase *t, uint8_t *b, struct frame *f)
{
	switch (t->kind) {
	case F_ARP:
		put16(b + 12, 0x0806);
		put16(b + 14, 1);		/* Ethernet */
		put16(b + 16, 0x0800);		/* IPv4 */
		b[18] = 6;
		b[19] = 4;
		put16(b + 20, 1);		/* request */
		memcpy(b + 22, SCANNER_MAC, 6);
		put32(b + 28, SCANNER_IP);
		put32(b + 38, t->daddr);
		f->len = ETH_LEN + 28;
		break;
	case F_IPV6:
		put16(b + 12, 0x86dd);
		b[14] = 0x60;
		put16(b + 18, 8);		/* payload length */
		b[20] = 58;			/* ICMPv6 */
		b[21] = 64;
		b[22] = 0x20, b[23] = 0x01, b[24] = 0x0d, b[25] = 0xb8, b[37] = 2;
		b[38] = 0x20, b[39] = 0x01, b[40] = 0x0d, b[41] = 0xb8, b[53] = 1;
		b[54] = 128;			/* echo request */
		f->len = ETH_LEN + 40 + 8;
		break;
	default:	/* F_ETH_ONLY */
		put16(b + 12, t->ethertype);
		f->len = ETH_LEN + t->payload;
		break;
	}
}

/* The L4 header of an IPv4 row at l4; returns its length. */
static uint32_t build_l4(const struct tcase *t, uint8_t *l4)
{
	uint32_t ol;

	switch (t->kind) {
	case F_TCP:
		put16(l4, t->sport ? t->sport : DEFAULT_SPORT);
		put16(l4 + 2, t->dport);
		put32(l4 + 4, t->seq);
		put32(l4 + 8, t->ack);
		ol = tcp_options(t->tcp_opts, l4 + 20);
		l4[12] = (uint8_t)((20 + ol) / 4 << 4 | (t->tcp_res & 15));
		l4[13] = t->tcp_flags;
		put16(l4 + 14, t->win ? t->win : DEFAULT_WIN);
		put16(l4 + 18, t->urg);
		return 20 + ol;
	case F_ICMP:
		l4[0] = t->icmp_type;
		l4[1] = t->icmp_code;
		put16(l4 + 4, t->icmp_id);
		put16(l4 + 6, t->icmp_seq);
		return 8;
	case F_UDP:	/* its length once the payload is there */
		put16(l4, t->sport ? t->sport : DEFAULT_SPORT);
		put16(l4 + 2, t->dport);
		return 8;
	default:	/* F_IP_PROTO: payload only */
		return 0;
	}
}

/* Damage to the headers of a built IPv4 frame (before its IP checksum). */
static void damage_headers(const struct damage *d, uint8_t *ip, uint8_t *l4)
{
	switch (d->what) {
	case DMG_IP_VERSION:
		ip[0] = (uint8_t)(d->n << 4 | (ip[0] & 15));
		break;
	case DMG_IHL:
		ip[0] = (uint8_t)((ip[0] & 0xf0) | d->n);
		break;
	case DMG_DOFF:
		l4[12] = (uint8_t)(d->n << 4 | (l4[12] & 15));
		break;
	case DMG_TOT_LEN_ADD:
		put16(ip + 2, (uint16_t)(get16(ip + 2) + d->n));
		break;
	case DMG_UDP_LEN:
		put16(l4 + 4, (uint16_t)d->n);
		break;
	default:
		break;
	}
}

void frame_build(const struct tcase *t, struct frame *f)
{
	uint8_t *b = f->b, *ip = b + ETH_LEN, *l4;
	uint32_t ihl_len = 20 + t->ip_opts, l4_len, i;
	uint8_t proto = proto_of(t);

	memset(f, 0, sizeof(*f));
	memcpy(b, GATEWAY_MAC, 6);
	memcpy(b + 6, SCANNER_MAC, 6);
	if (t->kind == F_ARP || t->kind == F_IPV6 || t->kind == F_ETH_ONLY) {
		build_not_ipv4(t, b, f);
		goto cut;
	}

	put16(b + 12, 0x0800);
	ip[0] = 0x40 | (ihl_len / 4);
	ip[1] = t->tos;
	put16(ip + 4, DEFAULT_IP_ID);
	put16(ip + 6, t->frag);
	ip[8] = t->ttl ? t->ttl : DEFAULT_TTL;
	ip[9] = proto;
	put32(ip + 12, t->saddr ? t->saddr : SCANNER_IP);
	put32(ip + 16, t->daddr);
	if (t->ip_opts) {
		/* Router Alert, NOPs, EOL: options a router would pass on. */
		ip[20] = 0x94, ip[21] = 4;
		for (i = 24; i < ihl_len - 1; i++)
			ip[i] = 1;
		ip[ihl_len - 1] = 0;
	}
	l4 = ip + ihl_len;
	l4_len = build_l4(t, l4);
	if (t->kind == F_UDP && t->app != UA_PATTERN) {
		l4_len += udp_app_payload(t, l4 + l4_len);
	} else {
		for (i = 0; i < (uint32_t)t->payload; i++)
			l4[l4_len + i] = pattern(i);
		l4_len += t->payload;
	}
	if (t->kind == F_UDP)
		put16(l4 + 4, (uint16_t)l4_len);

	put16(ip + 2, (uint16_t)(ihl_len + l4_len));
	if (t->kind != F_IP_PROTO)
		l4_csum_set(ip, l4, l4_len, proto);
	f->len = ETH_LEN + ihl_len + l4_len;

	if (t->damage.what == DMG_L4_CUT) {
		l4_len = t->damage.n;
		put16(ip + 2, (uint16_t)(ihl_len + l4_len));
		memset(l4 + l4_len, 0, FRAME_MAX - ETH_LEN - ihl_len - l4_len);
		f->len = ETH_LEN + ihl_len + l4_len;
	}
	if (t->pad) {
		memset(b + f->len, t->pad_fill, t->pad);
		f->len += t->pad;
	}
	damage_headers(&t->damage, ip, l4);
	/* A damaged header still carries a valid checksum: only one thing is wrong. */
	ip_csum_set(ip, ihl_len);
	if (t->damage.what == DMG_VLAN_TAG) {
		memmove(b + 16, b + 12, f->len - 12);
		put16(b + 12, 0x8100);
		put16(b + 14, (uint16_t)t->damage.n);
		f->len += 4;
	}
cut:
	if (t->damage.what == DMG_FRAME_CUT)
		f->len = t->damage.n;
}

/* ---- the reply a host would send ------------------------------------------ */

static void swap(uint8_t *a, uint8_t *b, uint32_t n)
{
	uint8_t tmp[6];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

/* A bare RST as Linux sends it: 20-byte header, window 0, nothing after it. */
static uint32_t expect_rst(uint8_t *ip, uint32_t ihl_len, uint32_t seq, uint32_t ack,
			   uint8_t flags)
{
	uint8_t *l4 = ip + ihl_len;

	put32(l4 + 4, seq);
	put32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = flags;
	put16(l4 + 14, 0);
	put16(l4 + 18, 0);
	put16(ip + 2, (uint16_t)(ihl_len + 20));
	ip_csum_set(ip, ihl_len);
	l4_csum_set(ip, l4, 20, 6);
	return ETH_LEN + ihl_len + 20;
}

uint32_t frame_expected_reply(const struct frame *in, int cnt, const uint8_t *got, uint8_t *exp)
{
	uint8_t *ip = exp + ETH_LEN, *l4;
	const uint8_t *probe_l4;
	uint32_t ihl_len, l4_len;

	switch (cnt) {
	case RS_CNT_TX_UDP_ECHO:
	case RS_CNT_TX_UDP_DNS:
	case RS_CNT_TX_UDP_NTP:
	case RS_CNT_TX_UDP_SNMP:
	case RS_CNT_TX_UDP_SSDP:
	case RS_CNT_TX_PORT_UNREACH:
		return udp_expected_reply(in->b, in->len, cnt, exp);
	}
	memcpy(exp, in->b, in->len);
	swap(exp, exp + 6, 6);

	ihl_len = (ip[0] & 15) * 4u;
	l4 = ip + ihl_len;
	probe_l4 = in->b + (l4 - exp);
	l4_len = get16(ip + 2) - ihl_len;

	swap(ip + 12, ip + 16, 4);
	ip[8] = RS_REPLY_TTL;
	ip_csum_set(ip, ihl_len);

	switch (cnt) {
	case RS_CNT_TX_SYNACK:
		swap(l4, l4 + 2, 2);
		memcpy(l4 + 4, got + (l4 - exp) + 4, 4);
		put32(l4 + 8, get32(probe_l4 + 4) + 1);
		l4[12] &= 0xf0;
		l4[13] = SYN | ACK;
		l4_csum_set(ip, l4, l4_len, 6);
		break;
	case RS_CNT_TX_RST_CLOSED:
		swap(l4, l4 + 2, 2);
		return expect_rst(ip, ihl_len, 0, get32(probe_l4 + 4) + 1, RST | ACK);
	case RS_CNT_TX_RST_UNSOLICITED:
		swap(l4, l4 + 2, 2);
		return expect_rst(ip, ihl_len, get32(probe_l4 + 8), 0, RST);
	case RS_CNT_TX_ECHO_REPLY:
		l4[0] = ICMP_ECHO_REPLY;
		l4_csum_set(ip, l4, l4_len, 1);
		break;
	case RS_CNT_TX_TIMESTAMP_REPLY:
		/* Answered at once: received and sent at the time it was sent. */
		l4[0] = ICMP_TIMESTAMP_REPLY;
		memcpy(l4 + 12, probe_l4 + 8, 4);
		memcpy(l4 + 16, probe_l4 + 8, 4);
		l4_csum_set(ip, l4, l4_len, 1);
		break;
	}
	return in->len;
}

const char *frame_checksums_wrong(const uint8_t *got, uint32_t len)
{
	const uint8_t *ip = got + ETH_LEN, *l4;
	uint32_t ihl_len, tot, l4_sum;

	if (len < ETH_LEN + 20)
		return "the reply has no IP header";
	ihl_len = (ip[0] & 15) * 4u;
	tot = get16(ip + 2);
	if (tot < ihl_len || ETH_LEN + tot > len)
		return "the reply's IP lengths are inconsistent";
	l4 = ip + ihl_len;
	if (fold(sum16(ip, ihl_len, 0)) != 0xffff)
		return "the reply's IP header checksum does not verify";
	if (ip[9] == 17) {
		if (tot - ihl_len < 8 || get16(l4 + 4) != tot - ihl_len)
			return "the reply's UDP length is not its IP payload's";
		if (get16(l4 + 6) == 0)
			return "the reply has no UDP checksum (0)";
	}
	l4_sum = ip[9] == 6 || ip[9] == 17 ? pseudo_sum(ip, ip[9], tot - ihl_len) : 0;
	if (fold(sum16(l4, tot - ihl_len, l4_sum)) != 0xffff)
		return ip[9] == 6  ? "the reply's TCP checksum does not verify" :
		       ip[9] == 17 ? "the reply's UDP checksum does not verify" :
				     "the reply's ICMP checksum does not verify";
	if (ip[9] == 1 && tot - ihl_len >= 8 + 20 && l4[0] == 3) {
		/* An ICMP error quotes the probe's IP header: its own checksum must still hold. */
		const uint8_t *quote = l4 + 8;
		uint32_t qihl = (quote[0] & 15) * 4u;

		if (qihl < 20 || tot - ihl_len < 8 + qihl + 8)
			return "the ICMP error quotes less than an IP header and 8 bytes";
		if (fold(sum16(quote, qihl, 0)) != 0xffff)
			return "the IP header the ICMP error quotes has a wrong checksum";
	}
	return NULL;
}

/* ---- explaining a difference ---------------------------------------------- */

struct field {
	uint8_t at, len;
	const char *name;
};

static const struct field eth_fields[] = {
	{ 0, 6, "Ethernet destination" }, { 6, 6, "Ethernet source" }, { 12, 2, "ethertype" },
};
static const struct field ip_fields[] = {
	{ 0, 1, "IP version/ihl" }, { 1, 1, "IP TOS" }, { 2, 2, "IP tot_len" },
	{ 4, 2, "IP id" }, { 6, 2, "IP flags/fragment offset" }, { 8, 1, "IP TTL" },
	{ 9, 1, "IP protocol" }, { 10, 2, "IP header checksum" }, { 12, 4, "IP source" },
	{ 16, 4, "IP destination" },
};
static const struct field tcp_fields[] = {
	{ 0, 2, "TCP source port" }, { 2, 2, "TCP destination port" }, { 4, 4, "TCP seq" },
	{ 8, 4, "TCP ack" }, { 12, 1, "TCP data offset" }, { 13, 1, "TCP flags" },
	{ 14, 2, "TCP window" }, { 16, 2, "TCP checksum" }, { 18, 2, "TCP urgent pointer" },
};
static const struct field udp_fields[] = {
	{ 0, 2, "UDP source port" }, { 2, 2, "UDP destination port" }, { 4, 2, "UDP length" },
	{ 6, 2, "UDP checksum" },
};
static const struct field icmp_fields[] = {
	{ 0, 1, "ICMP type" }, { 1, 1, "ICMP code" }, { 2, 2, "ICMP checksum" },
	{ 4, 2, "ICMP id" }, { 6, 2, "ICMP seq" },
};

/* The field of fs that holds byte rel of its header, or NULL. */
static const struct field *field_in(const struct field *fs, size_t n, uint32_t rel)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rel >= fs[i].at && rel < (uint32_t)fs[i].at + fs[i].len)
			return &fs[i];
	return NULL;
}

/*
 * Name the field of frame f (len bytes, laid out as its own headers say)
 * that holds byte off; *first and *n get the field's extent. Bytes of a
 * region (options, payload, padding) are named one by one.
 */
static void name_field(const uint8_t *f, uint32_t len, uint32_t off, char *name, size_t size,
		       uint32_t *first, uint32_t *n)
{
	const struct field *fd = NULL;
	const char *region = "frame";
	uint32_t base = 0;

	if (off < ETH_LEN) {
		fd = field_in(eth_fields, N_ROWS(eth_fields), off);
	} else if (len >= ETH_LEN + 20 && get16(f + 12) == 0x0800) {
		const uint8_t *ip = f + ETH_LEN;
		uint32_t ihl = (ip[0] & 15) * 4u < 20 ? 20 : (ip[0] & 15) * 4u;
		uint32_t end = ETH_LEN + get16(ip + 2), l4 = ETH_LEN + ihl, l4_hdr;

		if (off >= end && off >= l4) {
			region = "Ethernet padding", base = end;
		} else if (off < ETH_LEN + 20) {
			base = ETH_LEN, fd = field_in(ip_fields, N_ROWS(ip_fields), off - base);
		} else if (off < l4) {
			region = "IP options", base = ETH_LEN + 20;
		} else if (ip[9] == 6) {
			l4_hdr = l4 + 12 < len ? (f[l4 + 12] >> 4) * 4u : 20;
			base = l4, fd = field_in(tcp_fields, N_ROWS(tcp_fields), off - l4);
			if (!fd && off - l4 < l4_hdr)
				region = "TCP options", base = l4 + 20;
			else if (!fd)
				region = "TCP payload", base = l4 + l4_hdr;
		} else if (ip[9] == 17) {
			base = l4, fd = field_in(udp_fields, N_ROWS(udp_fields), off - l4);
			if (!fd)
				region = "UDP payload", base = l4 + 8;
		} else if (ip[9] == 1 && l4 < len && f[l4] == 3 && off >= l4 + 8) {
			/* An ICMP error: the quoted IP header, then the quoted UDP header. */
			const uint8_t *qip = f + l4 + 8;
			uint32_t q = l4 + 8;

			if (off < q + 20) {
				base = q, fd = field_in(ip_fields, N_ROWS(ip_fields), off - q);
				region = "quoted IP header";
			} else if (off < q + 20 + 8 && qip[9] == 17) {
				base = q + 20, fd = field_in(udp_fields, N_ROWS(udp_fields), off - q - 20);
			} else {
				region = "ICMP quoted payload", base = q + 20;
			}
			if (fd) {
				snprintf(name, size, "quoted %s", fd->name);
				*first = base + fd->at;
				*n = fd->len;
				return;
			}
		} else if (ip[9] == 1) {
			base = l4, fd = field_in(icmp_fields, N_ROWS(icmp_fields), off - l4);
			if (!fd)
				region = "ICMP payload", base = l4 + 8;
		} else {
			region = "IP payload", base = l4;
		}
	}
	if (fd) {
		*first = base + fd->at;
		*n = fd->len;
		snprintf(name, size, "%s", fd->name);
	} else {
		*first = off;
		*n = 1;
		snprintf(name, size, "%s byte %u", region, off - base);
	}
}

static void print_bytes(const char *label, const uint8_t *p, uint32_t from, uint32_t n,
			uint32_t len)
{
	uint32_t i;

	printf("%s", label);
	for (i = from; i < from + n; i++)
		if (i < len)
			printf("%02x", p[i]);
		else
			printf("--");
}

/* Both frames, 16 bytes a line, differing bytes of got marked with '*'. */
static void dump_diff(const uint8_t *exp, uint32_t elen, const uint8_t *got, uint32_t glen)
{
	uint32_t n = elen > glen ? elen : glen, i, j;

	for (i = 0; i < n; i += 16) {
		printf("#     expected %04x:", i);
		for (j = i; j < i + 16 && j < n; j++)
			if (j < elen)
				printf(" %02x", exp[j]);
			else
				printf(" --");
		printf("\n#     got      %04x:", i);
		for (j = i; j < i + 16 && j < n; j++) {
			bool diff = j >= elen || j >= glen || exp[j] != got[j];

			if (j < glen)
				printf("%c%02x", diff ? '*' : ' ', got[j]);
			else
				printf("*--");
		}
		printf("\n");
	}
}

void frame_explain_diff(const char *what, const uint8_t *exp, uint32_t elen, const uint8_t *got,
			uint32_t glen)
{
	uint32_t n = elen > glen ? elen : glen, off = 0, first, len, shown = 0, i;
	char name[48];

	if (elen != glen)
		printf("#   %s is %u bytes, expected %u\n", what, glen, elen);
	while (off < n) {
		bool differs = false;

		name_field(exp, elen, off, name, sizeof(name), &first, &len);
		for (i = first; i < first + len; i++)
			differs |= i >= elen || i >= glen || exp[i] != got[i];
		if (differs && shown++ < 12) {
			printf("#   %s differs in %s (byte%s %u", what, name, len > 1 ? "s" : "",
			       first);
			if (len > 1)
				printf("-%u", first + len - 1);
			print_bytes("): expected ", exp, first, len, elen);
			print_bytes(", got ", got, first, len, glen);
			printf("\n");
		}
		off = first + len;
	}
	if (shown > 12)
		printf("#   ... and %u more fields\n", shown - 12);
	dump_diff(exp, elen, got, glen);
}

/* ---- describing a row ------------------------------------------------------ */

/* "SYN|ECE|CWR", or "no flags". */
static const char *tcp_flags_str(uint8_t flags, char buf[48])
{
	static const char *const name[8] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 8; i++)
		if (flags & 1 << i)
			n += snprintf(buf + n, 48 - n, "%s%s", n ? "|" : "", name[i]);
	return n ? buf : "no flags";
}

void frame_describe(const struct tcase *t, char *buf, size_t len)
{
	static const char *const dmg[] = {
		[DMG_IP_VERSION] = "IP version", [DMG_IHL] = "ihl", [DMG_DOFF] = "doff",
		[DMG_TOT_LEN_ADD] = "tot_len +", [DMG_L4_CUT] = "L4 cut to",
		[DMG_FRAME_CUT] = "frame cut to", [DMG_VLAN_TAG] = "VLAN tag, VID",
		[DMG_UDP_LEN] = "UDP length",
	};
	static const char *const opts[] = {
		[TOPT_NONE] = "none", [TOPT_MSS] = "MSS", [TOPT_LINUX] = "Linux SYN",
		[TOPT_40] = "40 bytes",
	};
	char s[16], d[16], fl[48];
	int n = 0;

	format_ipv4(t->saddr ? t->saddr : SCANNER_IP, s);
	format_ipv4(t->daddr, d);
	switch (t->kind) {
	case F_TCP:
		n = snprintf(buf, len, "TCP %s %s:%u > %s:%u seq 0x%08x ack 0x%08x, options %s",
			     tcp_flags_str(t->tcp_flags, fl), s, t->sport ? t->sport : DEFAULT_SPORT, d, t->dport,
			     t->seq, t->ack, opts[t->tcp_opts]);
		break;
	case F_ICMP:
		n = snprintf(buf, len, "ICMP type %u code %u %s > %s id 0x%04x seq 0x%04x",
			     t->icmp_type, t->icmp_code, s, d, t->icmp_id, t->icmp_seq);
		break;
	case F_UDP:
		n = snprintf(buf, len, "UDP %s:%u > %s:%u, payload kind %d, app id 0x%x", s,
			     t->sport ? t->sport : DEFAULT_SPORT, d, t->dport, t->app, t->app_id);
		break;
	case F_IP_PROTO:
		n = snprintf(buf, len, "IP protocol %u %s > %s", t->ip_proto, s, d);
		break;
	case F_ARP:
		n = snprintf(buf, len, "ARP who-has %s", d);
		break;
	case F_IPV6:
		n = snprintf(buf, len, "IPv6 ICMPv6 echo request");
		break;
	case F_ETH_ONLY:
		n = snprintf(buf, len, "Ethernet header, ethertype 0x%04x", t->ethertype);
		break;
	}
	if (n >= 0 && (size_t)n < len && t->tcp_res)
		n += snprintf(buf + n, len - n, ", AE and reserved bits 0x%x", t->tcp_res);
	if (n >= 0 && (size_t)n < len && (t->payload || t->pad || t->ip_opts || t->frag))
		n += snprintf(buf + n, len - n, ", payload %d, padding %d, IP options %d, frag 0x%04x",
			      t->payload, t->pad, t->ip_opts, t->frag);
	if (n >= 0 && (size_t)n < len && t->damage.what != DMG_NONE)
		snprintf(buf + n, len - n, ", damage: %s %d", dmg[t->damage.what], t->damage.n);
}
