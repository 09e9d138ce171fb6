// SPDX-License-Identifier: GPL-2.0-only
/*
 * mutate.c - where the packet fuzzer's frames come from: a corpus of
 * valid and hand-damaged frames built by ../frame.c (this world's probes
 * of every kind, and every row of the BPF case tables) and of the frames
 * real scanners sent (corpus/NAME.pcap, from capture-scanners.sh),
 * retargeted at the fuzz world's hosts and mutated by header-aware
 * operators (truncation,
 * lengths, IP and TCP options, fragments, VLAN and QinQ tags, IPv6 with
 * extension headers, fields of DNS, NTP, SNMP and SSDP, ...); and frames
 * of random bytes. Every choice comes from one splitmix64 state per
 * frame, so a frame is made again from its seed and index alone.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_udp.h"
#include "fuzz.h"

#define FZ_MUT_NAME(id, text) [M_##id] = text,
const char *const fz_mutation_name[NR_MUTATIONS] = { FZ_MUTATIONS(FZ_MUT_NAME) };
#undef FZ_MUT_NAME

const char *const fz_source_name[NR_SOURCES] = {
	[SRC_SEED] = "corpus frame, retargeted, not mutated",
	[SRC_MUTATED] = "corpus frame, mutated",
	[SRC_RANDOM] = "random bytes",
	[SRC_RANDOM_IPV4] = "IPv4 header, random after it",
	[SRC_HANDSHAKE] = "after a SYN-ACK: ACK, data, FIN, RST (mutated)",
};

/* ---- the PRNG ----------------------------------------------------------------- */

uint64_t fz_next(struct fz_rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t fz_below(struct fz_rng *g, uint32_t n)
{
	return n ? (uint32_t)((fz_next(g) >> 32) * n >> 32) : 0;
}

bool fz_chance(struct fz_rng *g, uint32_t percent)
{
	return fz_below(g, 100) < percent;
}

#define PICK(g, a) ((a)[fz_below((g), N_ROWS(a))])

/* ---- where frames go ----------------------------------------------------------- */

static const uint32_t daddrs[] = {
	FZ_NET + 0, FZ_NET + 1, FZ_NET + 2, FZ_NET + 3, FZ_NET + 4, FZ_NET + 5, FZ_NET + 6,
	FZ_NET + 7, FZ_NET + 8, FZ_NET + 9, FZ_NET + 10, FZ_NET + 11, FZ_NET + 16, FZ_NET + 17,
	FZ_NET + 33, FZ_NET + 64, FZ_NET + 65, FZ_NET + 77, FZ_NET + 95, FZ_NET + 96,
	FZ_NET + 200, FZ_NET + 203, FZ_NET + 207, FZ_NET + 208, FZ_NET + 253, FZ_NET + 255,
	FZ_FULL_NET, FZ_FULL_NET + 0x1234, FZ_FULL_NET + 0x8001, FZ_FULL_NET + 0xffff,
	IP(50, 0, 1, 1), IP(50, 2, 0, 1), IP(49, 255, 255, 255), LAB_NET, LAB_NET + 1,
	LAB_NET + 2, LAB_NET + 255, IP(100, 64, 1, 5), IP(100, 63, 255, 255), IP(255, 255, 255, 255),
	0,
};

/* Targets that answer, for frames that should mostly be probes: open hosts most. */
static const uint32_t answering[] = {
	FZ_NET + 1, FZ_NET + 5, FZ_NET + 9, FZ_NET + 17, FZ_NET + 65, FZ_NET + 129,
	FZ_NET + 253, FZ_NET + 2, FZ_NET + 130, FZ_NET + 3, FZ_NET + 8, FZ_NET + 254,
	FZ_FULL_NET + 80, FZ_FULL_NET + 0x9000,
};

static const uint32_t saddrs[] = {
	SCANNER_IP, FZ_STUDENT, LAB_NET + 129, LAB_NET + 127, LAB_NET + 128, LAB_NET + 200,
	LAB_NET, IP(100, 64, 1, 2), IP(203, 0, 113, 9), 0, 0xffffffff,
};

static const uint16_t ports[] = { 80, 443, 8080, 53, 123, 161, 1900, 7, 0, 22, 9, 65535, 33434 };

/* The source a responder's seat lets through. */
static uint32_t own_source(enum fz_resp r)
{
	return r == R_SEAT ? FZ_STUDENT : SCANNER_IP;
}

enum fz_resp fz_pick_responder(struct fz_rng *g)
{
	uint32_t x = fz_below(g, 100);

	return x < 45 ? R_LAB : x < 77 ? R_SEAT : x < 97 ? R_OPEN : R_CAP;
}

enum fz_source fz_pick_source(struct fz_rng *g)
{
	uint32_t x = fz_below(g, 100);

	return x < 10 ? SRC_SEED : x < 78 ? SRC_MUTATED : x < 86 ? SRC_RANDOM :
	       x < 95 ? SRC_RANDOM_IPV4 : SRC_HANDSHAKE;
}

/* ---- frame geometry -------------------------------------------------------------- */

/* The IPv4 header's offset if the frame's ethertype says IPv4 and 20 bytes are there, else 0. */
static uint32_t ipv4_at(const struct frame *f)
{
	return f->len >= ETH_LEN + 20 && get16(f->b + 12) == 0x0800 ? ETH_LEN : 0;
}

static uint32_t ihl_of(const struct frame *f)
{
	return (f->b[ETH_LEN] & 15) * 4u;
}

/* The L4 header's offset if the IPv4 header's length is sane and in the frame, else 0. */
static uint32_t l4_at(const struct frame *f)
{
	uint32_t ihl;

	if (!ipv4_at(f))
		return 0;
	ihl = ihl_of(f);
	if (ihl < 20 || ETH_LEN + ihl > f->len)
		return 0;
	return ETH_LEN + ihl;
}

static uint8_t proto_of(const struct frame *f)
{
	return f->b[ETH_LEN + 9];
}

void fz_fix_checksums(struct frame *f)
{
	uint8_t *ip = f->b + ETH_LEN;
	uint32_t l4 = l4_at(f), tot, l4_len;

	if (!l4 || ip[0] >> 4 != 4)
		return;
	ip_csum_set(ip, ihl_of(f));
	tot = get16(ip + 2);
	if (tot < ihl_of(f) || ETH_LEN + tot > f->len)
		return;
	l4_len = tot - ihl_of(f);
	switch (ip[9]) {
	case 6:
		if (l4_len >= 18)
			l4_csum_set(ip, f->b + l4, l4_len, 6);
		break;
	case 17:
		/* A UDP checksum of 0 is none (ZMap sends none): left so. */
		if (l4_len >= 8 && get16(f->b + l4 + 6))
			l4_csum_set(ip, f->b + l4, l4_len, 17);
		break;
	case 1:
		if (l4_len >= 4)
			l4_csum_set(ip, f->b + l4, l4_len, 1);
		break;
	}
}

/* Open a gap of n bytes at off (n < 0: remove -n bytes there); false if it does not fit. */
static bool splice(struct frame *f, uint32_t off, int n)
{
	if (off > f->len)
		return false;
	if (n > 0) {
		if (f->len + (uint32_t)n > FRAME_MAX)
			return false;
		memmove(f->b + off + n, f->b + off, f->len - off);
		memset(f->b + off, 0, (size_t)n);
		f->len += (uint32_t)n;
	} else if (n < 0) {
		if (off + (uint32_t)-n > f->len)
			return false;
		memmove(f->b + off, f->b + off - n, f->len - off + n);
		f->len -= (uint32_t)-n;
	}
	return true;
}

static void fill_random(struct fz_rng *g, uint8_t *p, uint32_t n)
{
	while (n--)
		*p++ = (uint8_t)fz_next(g);
}

/* An offset of the frame, more often in the headers than in the payload. */
static uint32_t some_offset(struct fz_rng *g, const struct frame *f)
{
	uint32_t hdr = f->len < 14 + 60 + 60 ? f->len : 14 + 60 + 60;

	return fz_chance(g, 70) ? fz_below(g, hdr) : fz_below(g, f->len);
}

static const uint8_t edge_bytes[] = { 0, 1, 2, 4, 5, 0x0f, 0x10, 0x3f, 0x40, 0x7f, 0x80,
				      0x81, 0x82, 0xc0, 0xfe, 0xff };

static uint8_t edge_byte(struct fz_rng *g)
{
	return fz_chance(g, 75) ? PICK(g, edge_bytes) : (uint8_t)fz_next(g);
}

/* ---- mutations: each returns whether it changed anything ---------------------- */

static bool m_bitflip(struct fz_rng *g, struct frame *f)
{
	uint32_t n = 1 + fz_below(g, 8), off;

	if (!f->len)
		return false;
	while (n--) {
		off = some_offset(g, f);
		f->b[off] ^= (uint8_t)(1u << fz_below(g, 8));
	}
	return true;
}

static bool m_bytes(struct fz_rng *g, struct frame *f)
{
	uint32_t n = 1 + fz_below(g, 4);

	if (!f->len)
		return false;
	while (n--)
		f->b[some_offset(g, f)] = edge_byte(g);
	return true;
}

static bool m_truncate(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f), at[12], n = 0;

	if (!f->len)
		return false;
	at[n++] = fz_below(g, f->len);
	at[n++] = fz_below(g, ETH_LEN + 1);
	at[n++] = ETH_LEN - 1;
	at[n++] = ETH_LEN + fz_below(g, 20);
	at[n++] = ETH_LEN + 19;
	if (l4) {
		at[n++] = l4 + fz_below(g, 8);
		at[n++] = l4 + 7;
		at[n++] = l4 + 8 + fz_below(g, 13);
		at[n++] = l4 + 19;
		at[n++] = l4 + 20 + fz_below(g, 40);
	}
	at[0] = at[fz_below(g, n)];
	if (at[0] >= f->len)
		return false;
	f->len = at[0];
	/* Sometimes the IP header says so too: an L4 header cut short, consistently. */
	if (l4 && f->len >= ETH_LEN + 20 && fz_chance(g, 40))
		put16(f->b + ETH_LEN + 2, (uint16_t)(f->len - ETH_LEN));
	return true;
}

static bool m_extend(struct fz_rng *g, struct frame *f)
{
	uint32_t n = fz_chance(g, 80) ? 1 + fz_below(g, 64) : 1 + fz_below(g, FRAME_MAX);

	if (f->len + n > FRAME_MAX)
		n = FRAME_MAX - f->len;
	if (!n)
		return false;
	if (fz_chance(g, 50))
		memset(f->b + f->len, fz_chance(g, 70) ? 0 : 0x5a, n);
	else
		fill_random(g, f->b + f->len, n);
	f->len += n;
	return true;
}

static bool m_tot_len(struct fz_rng *g, struct frame *f)
{
	uint8_t *ip = f->b + ETH_LEN;
	uint32_t v;

	if (!ipv4_at(f))
		return false;
	switch (fz_below(g, 6)) {
	case 0:
		v = f->len - ETH_LEN;
		break;
	case 1:
		v = get16(ip + 2) + fz_below(g, 7) - 3;
		break;
	case 2:
		v = ihl_of(f) + fz_below(g, 3) - 1;
		break;
	case 3:
		v = PICK(g, ((const uint16_t[]){ 0, 1, 19, 20, 28, 40, 1500, 1501, 0xffff }));
		break;
	case 4:
		v = f->len - ETH_LEN - 1 - fz_below(g, 8);
		break;
	default:
		v = (uint16_t)fz_next(g);
		break;
	}
	put16(ip + 2, (uint16_t)v);
	return true;
}

static bool m_ihl(struct fz_rng *g, struct frame *f)
{
	if (!ipv4_at(f))
		return false;
	f->b[ETH_LEN] = (uint8_t)((f->b[ETH_LEN] & 0xf0) | fz_below(g, 16));
	return true;
}

/* k bytes of IP options, from those routers pass on to broken ones. */
static void ip_options(struct fz_rng *g, uint8_t *o, uint32_t k)
{
	uint32_t i = 0, n;

	while (i < k) {
		switch (fz_below(g, 8)) {
		case 0:	/* NOPs */
			o[i++] = 1;
			break;
		case 1:	/* end of list, zeros after it */
			memset(o + i, 0, k - i);
			return;
		case 2:	/* Router Alert */
			if (k - i < 4)
				break;
			o[i] = 0x94, o[i + 1] = 4, o[i + 2] = 0, o[i + 3] = 0;
			i += 4;
			break;
		case 3:	/* Record Route, Timestamp or LSRR with room for addresses */
			n = k - i;
			if (n < 3)
				break;
			o[i] = PICK(g, ((const uint8_t[]){ 7, 0x44, 0x83, 0x89 }));
			o[i + 1] = (uint8_t)n;
			o[i + 2] = 4 + (o[i] == 0x44);
			memset(o + i + 3, 0, n - 3);
			i += n;
			break;
		case 4:	/* an option whose length is wrong */
			if (k - i < 2)
				break;
			o[i] = 0x94;
			o[i + 1] = PICK(g, ((const uint8_t[]){ 0, 1, 2, 41, 255 }));
			i += 2;
			break;
		default:
			o[i++] = (uint8_t)fz_next(g);
			break;
		}
	}
}

static bool m_ip_options(struct fz_rng *g, struct frame *f)
{
	uint32_t k = 4 * (1 + fz_below(g, 10)), ihl;

	if (!l4_at(f))
		return false;
	ihl = ihl_of(f);
	if (ihl + k > 60)
		k = 60 - ihl;
	if (!k || !splice(f, ETH_LEN + ihl, (int)k))
		return false;
	ip_options(g, f->b + ETH_LEN + ihl, k);
	f->b[ETH_LEN] = (uint8_t)((f->b[ETH_LEN] & 0xf0) | (ihl + k) / 4);
	put16(f->b + ETH_LEN + 2, (uint16_t)(get16(f->b + ETH_LEN + 2) + k));
	return true;
}

static bool m_frag(struct fz_rng *g, struct frame *f)
{
	static const uint16_t frags[] = { 0x4000, 0x2000, 0x6000, 0x0001, 0x1fff, 0x8000,
					  0xc000, 0x2001, 0x00b9 };

	if (!ipv4_at(f))
		return false;
	put16(f->b + ETH_LEN + 6, fz_chance(g, 80) ? PICK(g, frags) : (uint16_t)fz_next(g));
	return true;
}

static bool m_vlan(struct fz_rng *g, struct frame *f, bool qinq)
{
	uint32_t n = qinq ? 8 : 4;

	if (f->len < 12 || !splice(f, 12, (int)n))
		return false;
	if (qinq) {
		put16(f->b + 12, fz_chance(g, 70) ? 0x88a8 : 0x9100);
		put16(f->b + 14, (uint16_t)fz_below(g, 4096));
		put16(f->b + 16, 0x8100);
		put16(f->b + 18, (uint16_t)fz_below(g, 4096));
	} else {
		put16(f->b + 12, 0x8100);
		put16(f->b + 14, (uint16_t)(fz_below(g, 8) << 13 | fz_below(g, 4096)));
	}
	return true;
}

/*
 * The frame as IPv6: a 40-byte header, zero to three extension headers
 * (hop-by-hop, routing, fragment, destination options), then the IPv4
 * frame's L4 bytes (or an ICMPv6 echo request).
 */
static bool m_ipv6(struct fz_rng *g, struct frame *f)
{
	static const uint8_t ext_types[] = { 0, 43, 44, 60 };
	uint8_t l4[256], *p = f->b + ETH_LEN, *next;
	uint32_t l4_off = l4_at(f), l4_len = 0, n, i, off;
	uint8_t proto = 58;

	if (l4_off && l4_off < f->len) {
		l4_len = f->len - l4_off < sizeof(l4) ? f->len - l4_off : sizeof(l4);
		memcpy(l4, f->b + l4_off, l4_len);
		proto = proto_of(f) == 1 ? 58 : proto_of(f);
	} else {
		l4_len = 8;
		memset(l4, 0, 8);
		l4[0] = 128;	/* ICMPv6 echo request */
	}
	put16(f->b + 12, 0x86dd);
	memset(p, 0, 40);
	p[0] = 0x60;
	fill_random(g, p + 8, 32);	/* addresses */
	next = p + 6;
	off = 40;
	n = fz_below(g, 4);
	for (i = 0; i < n; i++) {
		uint8_t t = PICK(g, ext_types);
		uint32_t elen = t == 44 ? 8 : 8 * (1 + fz_below(g, 3));

		*next = t;
		memset(p + off, 0, elen);
		p[off + 1] = t == 44 ? 0 : (uint8_t)(elen / 8 - 1);
		if (t == 43)
			p[off + 2] = 4;		/* segment routing header type */
		if (t == 0 || t == 60)
			p[off + 2] = 1, p[off + 3] = (uint8_t)(elen - 4);	/* PadN */
		next = p + off;
		off += elen;
	}
	*next = proto;
	memcpy(p + off, l4, l4_len);
	put16(p + 4, (uint16_t)(off - 40 + l4_len));
	f->len = ETH_LEN + off + l4_len;
	return true;
}

static bool m_ethertype(struct fz_rng *g, struct frame *f)
{
	static const uint16_t types[] = { 0x0806, 0x86dd, 0x8100, 0x88a8, 0x9100, 0x0800,
					  0x88cc, 0x0000, 0xffff, 0x05dc, 0x0801, 0x8035 };

	if (f->len < 14)
		return false;
	put16(f->b + 12, fz_chance(g, 80) ? PICK(g, types) : (uint16_t)fz_next(g));
	return true;
}

static bool m_ip_version(struct fz_rng *g, struct frame *f)
{
	if (!ipv4_at(f))
		return false;
	f->b[ETH_LEN] = (uint8_t)(fz_below(g, 16) << 4 | (f->b[ETH_LEN] & 15));
	return true;
}

static bool m_proto(struct fz_rng *g, struct frame *f)
{
	static const uint8_t protos[] = { 6, 17, 1, 0, 2, 4, 41, 47, 50, 58, 132, 136, 255 };

	if (!ipv4_at(f))
		return false;
	f->b[ETH_LEN + 9] = fz_chance(g, 85) ? PICK(g, protos) : (uint8_t)fz_next(g);
	return true;
}

static bool m_doff(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f);

	if (!l4 || l4 + 13 > f->len)
		return false;
	f->b[l4 + 12] = (uint8_t)(fz_below(g, 16) << 4 | (f->b[l4 + 12] & 15));
	return true;
}

static bool m_tcp_flags(struct fz_rng *g, struct frame *f)
{
	static const uint8_t flags[] = { SYN, SYN | ACK, ACK, RST, RST | ACK, FIN, FIN | ACK,
					 SYN | FIN, SYN | RST, SYN | ECE | CWR, PSH | ACK, URG | SYN,
					 SYN | PSH, ACK | URG, 0, 0xff, SYN | ACK | FIN };
	uint32_t l4 = l4_at(f);

	if (!l4 || l4 + 14 > f->len)
		return false;
	f->b[l4 + 13] = fz_chance(g, 85) ? PICK(g, flags) : (uint8_t)fz_next(g);
	if (fz_chance(g, 20))	/* AE and the reserved bits */
		f->b[l4 + 12] = (uint8_t)((f->b[l4 + 12] & 0xf0) | fz_below(g, 16));
	return true;
}

static bool m_tcp_options(struct fz_rng *g, struct frame *f)
{
	static const uint8_t opts[][4] = {
		{ 2, 4, 0x05, 0xb4 }, { 1, 1, 4, 2 }, { 1, 3, 3, 7 }, { 0, 0, 0, 0 },
		{ 1, 1, 1, 1 }, { 8, 10, 0, 1 }, { 2, 0, 0, 0 }, { 254, 4, 0xf9, 0x89 },
		{ 30, 4, 0, 0 }, { 34, 2, 1, 1 },
	};
	uint32_t l4 = l4_at(f), doff, k = 1 + fz_below(g, 10), i;

	if (!l4 || l4 + 20 > f->len)
		return false;
	doff = (f->b[l4 + 12] >> 4) * 4u;
	if (doff < 20 || l4 + doff > f->len)
		return false;
	if (doff + 4 * k > 60)
		k = (60 - doff) / 4;
	if (!k || !splice(f, l4 + doff, (int)(4 * k)))
		return false;
	for (i = 0; i < k; i++) {
		if (fz_chance(g, 85))
			memcpy(f->b + l4 + doff + 4 * i, opts[fz_below(g, N_ROWS(opts))], 4);
		else
			fill_random(g, f->b + l4 + doff + 4 * i, 4);
	}
	f->b[l4 + 12] = (uint8_t)(((doff + 4 * k) / 4) << 4 | (f->b[l4 + 12] & 15));
	put16(f->b + ETH_LEN + 2, (uint16_t)(get16(f->b + ETH_LEN + 2) + 4 * k));
	return true;
}

/* Payload added at the end of the IP packet or cut from it; IP and UDP lengths follow. */
static bool m_payload(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f), tot, end, n;
	uint8_t *ip = f->b + ETH_LEN;
	bool udp;

	if (!l4)
		return false;
	tot = get16(ip + 2);
	end = ETH_LEN + tot;
	if (tot < ihl_of(f) || end > f->len)
		return false;
	udp = ip[9] == 17 && l4 + 8 <= end;
	if (fz_chance(g, 60)) {
		n = fz_chance(g, 80) ? 1 + fz_below(g, 64) : 1 + fz_below(g, 1500);
		if (end + n > FRAME_MAX)
			n = FRAME_MAX - end;
		if (!n || !splice(f, end, (int)n))
			return false;
		fill_random(g, f->b + end, n);
		tot += n;
		if (udp)
			put16(f->b + l4 + 4, (uint16_t)(get16(f->b + l4 + 4) + n));
	} else {
		if (end <= l4)
			return false;
		n = 1 + fz_below(g, end - l4);
		splice(f, end - n, -(int)n);
		tot -= n;
		if (udp && l4 + 8 <= ETH_LEN + tot)
			put16(f->b + l4 + 4, (uint16_t)(ETH_LEN + tot - l4));
	}
	put16(ip + 2, (uint16_t)tot);
	return true;
}

static bool m_udp_len(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f), l4_len;

	if (!l4 || l4 + 6 > f->len)
		return false;
	l4_len = get16(f->b + ETH_LEN + 2) - ihl_of(f);
	switch (fz_below(g, 4)) {
	case 0:
		put16(f->b + l4 + 4, (uint16_t)(l4_len + fz_below(g, 5) - 2));
		break;
	case 1:
		put16(f->b + l4 + 4, PICK(g, ((const uint16_t[]){ 0, 1, 7, 8, 9, 1480, 1481, 0xffff })));
		break;
	case 2:
		put16(f->b + l4 + 4, (uint16_t)(get16(f->b + l4 + 4) - 1 - fz_below(g, 8)));
		break;
	default:
		put16(f->b + l4 + 4, (uint16_t)fz_next(g));
		break;
	}
	return true;
}

static bool m_icmp_type(struct fz_rng *g, struct frame *f)
{
	static const uint8_t types[] = { 0, 3, 5, 8, 8, 11, 13, 13, 14, 15, 17, 128 };
	uint32_t l4 = l4_at(f);

	if (!l4 || l4 + 2 > f->len)
		return false;
	if (fz_chance(g, 70))
		f->b[l4] = fz_chance(g, 85) ? PICK(g, types) : (uint8_t)fz_next(g);
	else
		f->b[l4 + 1] = (uint8_t)(fz_chance(g, 50) ? 1 + fz_below(g, 15) : fz_next(g));
	return true;
}

static bool m_addr(struct fz_rng *g, struct frame *f, uint32_t at)
{
	uint32_t a;

	if (!ipv4_at(f))
		return false;
	if (at == 16)
		a = fz_chance(g, 85) ? PICK(g, daddrs) : (uint32_t)fz_next(g);
	else
		a = fz_chance(g, 85) ? PICK(g, saddrs) : (uint32_t)fz_next(g);
	put32(f->b + ETH_LEN + at, a);
	return true;
}

static bool m_ports(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f);

	if (!l4 || l4 + 4 > f->len)
		return false;
	if (fz_chance(g, 75))
		put16(f->b + l4 + 2, fz_chance(g, 80) ? PICK(g, ports) : (uint16_t)fz_next(g));
	else
		put16(f->b + l4, fz_chance(g, 50) ? PICK(g, ports) : (uint16_t)fz_next(g));
	return true;
}

/* Bytes of a UDP payload where DNS, NTP, SNMP and SSDP keep their fields. */
static bool m_app(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f), d, plen, n = 1 + fz_below(g, 3), off;

	if (!l4 || proto_of(f) != 17 || l4 + 8 >= f->len)
		return false;
	d = l4 + 8;
	plen = f->len - d;
	while (n--) {
		off = fz_chance(g, 80) ? fz_below(g, plen < 48 ? plen : 48) : fz_below(g, plen);
		if (fz_chance(g, 30))
			f->b[d + off] ^= (uint8_t)(1u << fz_below(g, 8));
		else if (fz_chance(g, 30))
			f->b[d + off] = (uint8_t)(plen - off + fz_below(g, 5) - 2);	/* a length */
		else
			f->b[d + off] = edge_byte(g);
	}
	return true;
}

static bool m_seq_ack(struct fz_rng *g, struct frame *f)
{
	static const uint32_t vals[] = { 0, 1, 0xffffffff, 0x7fffffff, 0x80000000 };
	uint32_t l4 = l4_at(f);

	if (!l4 || l4 + 12 > f->len)
		return false;
	put32(f->b + l4 + (fz_chance(g, 50) ? 4 : 8),
	      fz_chance(g, 50) ? PICK(g, vals) : (uint32_t)fz_next(g));
	return true;
}

/* Break the IP header's or the L4 checksum (left so: no fix afterwards). */
static bool m_checksum(struct fz_rng *g, struct frame *f)
{
	uint32_t l4 = l4_at(f), at;
	uint16_t x = (uint16_t)(1 + fz_below(g, 0xfffe));

	if (!l4)
		return false;
	if (fz_chance(g, 40) || l4 + 18 > f->len) {
		at = ETH_LEN + 10;
	} else {
		switch (proto_of(f)) {
		case 6:
			at = l4 + 16;
			break;
		case 17:
			at = l4 + 6;
			break;
		default:
			at = l4 + 2;
			break;
		}
	}
	put16(f->b + at, (uint16_t)(get16(f->b + at) ^ x));
	return true;
}

static bool mutate(struct fz_rng *g, struct frame *f, enum fz_mutation m)
{
	switch (m) {
	case M_BITFLIP:
		return m_bitflip(g, f);
	case M_BYTES:
		return m_bytes(g, f);
	case M_TRUNCATE:
		return m_truncate(g, f);
	case M_EXTEND:
		return m_extend(g, f);
	case M_TOT_LEN:
		return m_tot_len(g, f);
	case M_IHL:
		return m_ihl(g, f);
	case M_IP_OPTIONS:
		return m_ip_options(g, f);
	case M_FRAG:
		return m_frag(g, f);
	case M_VLAN:
		return m_vlan(g, f, false);
	case M_QINQ:
		return m_vlan(g, f, true);
	case M_IPV6:
		return m_ipv6(g, f);
	case M_ETHERTYPE:
		return m_ethertype(g, f);
	case M_IP_VERSION:
		return m_ip_version(g, f);
	case M_PROTO:
		return m_proto(g, f);
	case M_DOFF:
		return m_doff(g, f);
	case M_TCP_FLAGS:
		return m_tcp_flags(g, f);
	case M_TCP_OPTIONS:
		return m_tcp_options(g, f);
	case M_PAYLOAD:
		return m_payload(g, f);
	case M_UDP_LEN:
		return m_udp_len(g, f);
	case M_ICMP_TYPE:
		return m_icmp_type(g, f);
	case M_DADDR:
		return m_addr(g, f, 16);
	case M_SADDR:
		return m_addr(g, f, 12);
	case M_PORTS:
		return m_ports(g, f);
	case M_APP:
		return m_app(g, f);
	case M_SEQ_ACK:
		return m_seq_ack(g, f);
	case M_CHECKSUM:
		return m_checksum(g, f);
	case NR_MUTATIONS:
		break;
	}
	return false;
}

/*
 * How often each mutation is picked: those that end the frame's life as
 * a probe at once (another ethertype, a tag, IPv6) less often than those
 * that leave a parser something to get wrong.
 */
static const uint8_t weight[NR_MUTATIONS] = {
	[M_BITFLIP] = 6, [M_BYTES] = 6, [M_TRUNCATE] = 6, [M_EXTEND] = 5, [M_TOT_LEN] = 6,
	[M_IHL] = 4, [M_IP_OPTIONS] = 5, [M_FRAG] = 3, [M_VLAN] = 2, [M_QINQ] = 2, [M_IPV6] = 2,
	[M_ETHERTYPE] = 2, [M_IP_VERSION] = 2, [M_PROTO] = 3, [M_DOFF] = 4, [M_TCP_FLAGS] = 6,
	[M_TCP_OPTIONS] = 5, [M_PAYLOAD] = 6, [M_UDP_LEN] = 6, [M_ICMP_TYPE] = 4, [M_DADDR] = 5,
	[M_SADDR] = 3, [M_PORTS] = 5, [M_APP] = 12, [M_SEQ_ACK] = 3, [M_CHECKSUM] = 0,
};

static enum fz_mutation pick_mutation(struct fz_rng *g)
{
	uint32_t total = 0, x, k;

	for (k = 0; k < NR_MUTATIONS; k++)
		total += weight[k];
	x = fz_below(g, total);
	for (k = 0; x >= weight[k]; k++)
		x -= weight[k];
	return (enum fz_mutation)k;
}

/*
 * 1 to FZ_MAX_STEPS mutations, the checksums recomputed after them most
 * of the time (then a wrong answer is the parser's, not the checksum's),
 * and a checksum broken on purpose at the end now and then.
 */
static void mutate_some(struct fz_rng *g, struct frame *f, struct fz_made *m)
{
	uint32_t n = fz_chance(g, 60) ? 1 : 2 + fz_below(g, FZ_MAX_STEPS - 2), tries = 0;
	enum fz_mutation op;

	m->nsteps = 0;
	while (m->nsteps < n && tries++ < 4 * FZ_MAX_STEPS) {
		op = pick_mutation(g);
		if (mutate(g, f, op))
			m->step[m->nsteps++] = op;
	}
	m->checksums_fixed = fz_chance(g, 85);
	if (m->checksums_fixed)
		fz_fix_checksums(f);
	if (m->nsteps < FZ_MAX_STEPS && fz_chance(g, 8) && mutate(g, f, M_CHECKSUM)) {
		m->step[m->nsteps++] = M_CHECKSUM;
		m->checksums_fixed = false;
	}
}

/* ---- the corpus ---------------------------------------------------------------- */

/* corpus_own()'s frames, then the scanners', then the case tables'. */
static struct frame *corpus;
static uint32_t n_corpus, cap_corpus, n_own, n_scanners;

static struct frame *corpus_next(void)
{
	if (n_corpus == cap_corpus) {
		uint32_t cap = cap_corpus ? 2 * cap_corpus : 512;
		struct frame *c = realloc(corpus, cap * sizeof(*c));

		if (!c)
			return NULL;
		corpus = c;
		cap_corpus = cap;
	}
	return &corpus[n_corpus++];
}

static int corpus_add(const struct tcase *t)
{
	struct frame *f = corpus_next();

	if (!f)
		return -1;
	frame_build(t, f);
	return 0;
}

uint32_t fz_corpus_size(void)
{
	return n_corpus;
}

uint32_t fz_corpus_scanner_frames(void)
{
	return n_scanners;
}

static uint32_t pcap32(const uint8_t *p, bool swapped)
{
	return swapped ? (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0] :
			 get32(p);
}

/*
 * The Ethernet frames of a classic pcap file (tcpdump -w), either byte
 * order, micro- or nanosecond time stamps. 0, or -1 after saying why.
 */
static int corpus_pcap(const char *path)
{
	uint8_t h[24], rec[16];
	uint32_t magic, len, i;
	bool swapped;
	FILE *in = fopen(path, "rb");
	struct frame *f;
	int err = -1;

	if (!in) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fread(h, sizeof(h), 1, in) != 1)
		goto bad;
	magic = get32(h);
	swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (!swapped && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
		goto bad;
	if (pcap32(h + 20, swapped) != 1) {
		printf("# %s: link type %u, not Ethernet\n", path, pcap32(h + 20, swapped));
		goto out;
	}
	for (i = 0; fread(rec, sizeof(rec), 1, in) == 1; i++) {
		len = pcap32(rec + 8, swapped);
		if (len > FRAME_MAX || len != pcap32(rec + 12, swapped)) {
			printf("# %s: frame %u of %u bytes (whole: %u), not a frame for the fuzzer\n",
			       path, i + 1, len, pcap32(rec + 12, swapped));
			goto out;
		}
		f = corpus_next();
		if (!f)
			goto out;
		memset(f, 0, sizeof(*f));
		f->len = len;
		if (fread(f->b, 1, len, in) != len)
			goto bad;
		n_scanners++;
	}
	if (!feof(in))
		goto bad;
	err = 0;
	goto out;
bad:
	printf("# %s: not a whole pcap file\n", path);
out:
	fclose(in);
	return err;
}

static int pcap_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".pcap");
}

/* Every .pcap file of dir, in the order of their names. */
static int corpus_scanners(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i, err = 0;

	n = scandir(dir, &names, pcap_file, alphasort);
	if (n < 0) {
		printf("# the scanners' frames: %s: %s (run from the repository's top, or give "
		       "--corpus)\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!err)
			err = corpus_pcap(path);
		free(names[i]);
	}
	free(names);
	if (!err && !n_scanners) {
		printf("# the scanners' frames: no frame in %s/*.pcap\n", dir);
		err = -1;
	}
	return err;
}

/* Every probe kind the responder answers, and its near misses, at FZ_NET + 1. */
static int corpus_own(void)
{
	static const uint16_t tcp_ports[] = { 80, 443, 8080, 22, 0, 65535 };
	static const uint8_t tcp_flags[] = { SYN, ACK, SYN | ACK, RST, RST | ACK, FIN | ACK,
					     PSH | ACK, SYN | ECE | CWR, 0 };
	static const enum tcp_opts opts[] = { TOPT_NONE, TOPT_MSS, TOPT_LINUX, TOPT_40 };
	static const int payloads[] = { 0, 1, 8, 29, 56, 200, 1472 };
	const uint32_t h = FZ_NET + 1;
	struct tcase t;
	int err = 0;
	size_t i, j;
	int a;

	for (i = 0; i < N_ROWS(tcp_ports); i++)
		for (j = 0; j < N_ROWS(opts); j++) {
			t = (struct tcase){ SYN_TO(h, tcp_ports[i]), .tcp_opts = opts[j],
					    .seq = 0x1000 * (uint32_t)(i + 1) + (uint32_t)j };
			err |= corpus_add(&t);
		}
	for (i = 0; i < N_ROWS(tcp_flags); i++) {
		t = (struct tcase){ TCP_TO(h, 80, tcp_flags[i]), .seq = 7, .ack = 0x12345678,
				    .payload = (int)(i % 3) * 5 };
		err |= corpus_add(&t);
	}
	for (i = 0; i < N_ROWS(payloads); i++) {
		t = (struct tcase){ ECHO_TO(h), .icmp_id = (uint16_t)(0x100 + i), .icmp_seq = 3,
				    .payload = payloads[i] };
		err |= corpus_add(&t);
		t = (struct tcase){ UDP_TO(h, 7), .payload = payloads[i] };
		err |= corpus_add(&t);
		t = (struct tcase){ UDP_TO(h, 9999), .payload = payloads[i] };
		err |= corpus_add(&t);
	}
	t = (struct tcase){ ICMP_TO(h, ICMP_TIMESTAMP, 0), .payload = 12, .icmp_id = 9 };
	err |= corpus_add(&t);
	t = (struct tcase){ ICMP_TO(h, ICMP_TIMESTAMP, 0), .payload = 8 };
	err |= corpus_add(&t);
	t = (struct tcase){ ICMP_TO(h, ICMP_TIMESTAMP, 0), .payload = 12, .ip_opts = 8 };
	err |= corpus_add(&t);
	t = (struct tcase){ SYN_TO(h, 80), .ip_opts = 40, .tcp_opts = TOPT_LINUX };
	err |= corpus_add(&t);
	t = (struct tcase){ ECHO_TO(h), .ip_opts = 4, .payload = 16, .pad = 6 };
	err |= corpus_add(&t);
	t = (struct tcase){ SYN_TO(h, 443), .pad = 6, .pad_fill = 0xa5, .tos = 0x10 };
	err |= corpus_add(&t);
	/* Every UDP payload frame_udp.c knows, to its protocol's port. */
	for (a = UA_NMAP_ECHO; a <= UA_SSDP_CUT; a++) {
		uint16_t port = a == UA_NMAP_ECHO ? 7 : a <= UA_DNS_NO_CLASS ? 53 :
				a <= UA_NTP_MODE7_SHORT ? 123 : a <= UA_SNMP_CUT ? 161 : 1900;

		t = (struct tcase){ UDP_APP_TO(h, port, (enum udp_app)a), .app_id = 0x1234567u * a };
		err |= corpus_add(&t);
	}
	t = (struct tcase){ ARP_WHO_HAS(LAB_NET + 1) };
	err |= corpus_add(&t);
	t = (struct tcase){ .kind = F_IPV6 };
	err |= corpus_add(&t);
	t = (struct tcase){ IP_PROTO_TO(h, 47), .payload = 24 };
	err |= corpus_add(&t);
	return err;
}

/* The rows of the BPF case tables: their frames, whatever world they were written for. */
static int corpus_cases(void)
{
	static const struct case_file *const files[] = {
		&frame_cases, &tcp_syn_cases, &icmp_echo_cases, &lookup_cases, &corrupt_cases,
		&tcp_states_cases, &icmp_timestamp_cases, &udp_cases, &udp_app_cases, &seat_cases,
		&do_not_scan_cases, &service_cases,
	};
	size_t i, j, k;
	int err = 0, expect;

	for (i = 0; i < N_ROWS(files); i++) {
		for (j = 0; j < files[i]->ntables; j++)
			for (k = 0; k < files[i]->tables[j].n; k++)
				err |= corpus_add(&files[i]->tables[j].rows[k]);
		for (j = 0; j < files[i]->nlookups; j++)
			for (k = 0; k < files[i]->lookups[j].n; k++) {
				struct tcase t = lookup_case(&files[i]->lookups[j],
							     &files[i]->lookups[j].rows[k], &expect);

				err |= corpus_add(&t);
			}
	}
	return err;
}

int fz_corpus_build(const char *scanners_dir)
{
	if (corpus_own())
		return -1;
	n_own = n_corpus;
	if (corpus_scanners(scanners_dir))
		return -1;
	return corpus_cases() ? -1 : 0;
}

/* ---- making a frame ---------------------------------------------------------- */

/* Point a corpus frame at a host of the world, from the responder's own source. */
static void retarget(struct fz_rng *g, enum fz_resp r, struct frame *f)
{
	if (!ipv4_at(f))
		return;
	if (fz_chance(g, 90))
		put32(f->b + ETH_LEN + 12, own_source(r));
	if (fz_chance(g, 85))
		put32(f->b + ETH_LEN + 16, fz_chance(g, 60) ? PICK(g, answering) : PICK(g, daddrs));
	fz_fix_checksums(f);
}

static void random_frame(struct fz_rng *g, struct frame *f)
{
	memset(f, 0, sizeof(*f));
	f->len = fz_chance(g, 60) ? fz_below(g, 100) : fz_below(g, FRAME_MAX + 1);
	fill_random(g, f->b, f->len);
}

static void random_ipv4(struct fz_rng *g, enum fz_resp r, struct frame *f)
{
	static const uint8_t protos[] = { 6, 6, 17, 17, 1, 1, 0, 47 };
	uint32_t l4_len = fz_chance(g, 70) ? fz_below(g, 64) : fz_below(g, 1480);
	uint8_t *ip = f->b + ETH_LEN;

	memset(f, 0, sizeof(*f));
	fill_random(g, f->b, 12);
	put16(f->b + 12, 0x0800);
	fill_random(g, ip, 20 + l4_len);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4_len));
	put16(ip + 6, fz_chance(g, 80) ? 0 : 0x4000);
	ip[9] = PICK(g, protos);
	put32(ip + 12, own_source(r));
	put32(ip + 16, fz_chance(g, 70) ? PICK(g, answering) : PICK(g, daddrs));
	f->len = ETH_LEN + 20 + l4_len;
	if (ip[9] == 17 && l4_len >= 8)
		put16(ip + 20 + 4, (uint16_t)l4_len);
	if (fz_chance(g, 85))
		fz_fix_checksums(f);
	if (fz_chance(g, 10))
		f->len -= fz_below(g, f->len + 1);
}

void fz_make(struct fz_rng *g, enum fz_resp r, enum fz_source src, struct frame *f,
	     struct fz_made *m)
{
	memset(m, 0, sizeof(*m));
	m->src = src == SRC_HANDSHAKE ? SRC_MUTATED : src;	/* fz_make_handshake() makes those */
	switch (m->src) {
	case SRC_RANDOM:
		random_frame(g, f);
		return;
	case SRC_RANDOM_IPV4:
		random_ipv4(g, r, f);
		m->checksums_fixed = true;
		return;
	default:
		break;
	}
	/* This world's probes of every kind and the scanners' more often than the tables' rows. */
	switch (fz_below(g, 4)) {
	case 0:
		m->seed_index = fz_below(g, n_own);
		break;
	case 1:
		m->seed_index = n_own + fz_below(g, n_scanners);
		break;
	default:
		m->seed_index = fz_below(g, n_corpus);
		break;
	}
	*f = corpus[m->seed_index];
	retarget(g, r, f);
	m->checksums_fixed = true;
	if (m->src == SRC_MUTATED)
		mutate_some(g, f, m);
}

void fz_make_syn(struct fz_rng *g, enum fz_resp r, struct frame *f)
{
	static const struct {
		uint32_t host;
		uint16_t port;
	} open_w1[] = { { FZ_NET + 1, 80 }, { FZ_NET + 9, 443 }, { FZ_FULL_NET + 0x4242, 8080 } };
	uint32_t i = fz_below(g, N_ROWS(open_w1));
	struct tcase t = {
		SYN_TO(fz_cfg[r].world == 1 ? open_w1[i].host : FZ_NET + 1,
		       fz_cfg[r].world == 1 ? open_w1[i].port : 80),
		.saddr = own_source(r),
		.sport = (uint16_t)(1024 + fz_below(g, 64000)),
		.seq = (uint32_t)fz_next(g),
		.tcp_opts = (enum tcp_opts)fz_below(g, 4),
	};

	frame_build(&t, f);
}

void fz_make_handshake(struct fz_rng *g, const uint8_t *reply, uint32_t rlen, struct frame *f,
		       struct fz_made *m)
{
	static const uint8_t flags[] = { ACK, ACK, PSH | ACK, FIN | ACK, RST | ACK, RST, SYN | ACK };
	const uint8_t *rip = reply + ETH_LEN, *rl4 = rip + (rip[0] & 15) * 4u;
	struct tcase t;

	memset(m, 0, sizeof(*m));
	m->src = SRC_HANDSHAKE;
	t = (struct tcase){
		TCP_TO(get32(rip + 12), get16(rl4), PICK(g, flags)),
		.saddr = get32(rip + 16),
		.sport = get16(rl4 + 2),
		.seq = get32(rl4 + 8),
		.ack = get32(rl4 + 4) + 1,
	};
	(void)rlen;
	if (t.tcp_flags & PSH)
		t.payload = 1 + (int)fz_below(g, 100);
	if (fz_chance(g, 15))
		t.ack += fz_chance(g, 50) ? 1 : (uint32_t)-1;	/* one off: out of the blue */
	frame_build(&t, f);
	m->checksums_fixed = true;
	if (fz_chance(g, 40))
		mutate_some(g, f, m);
}
