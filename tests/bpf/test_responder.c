// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_responder.c - BPF_PROG_TEST_RUN tests of the XDP responder.
 *
 * One table row per packet: what to build, which loaded responder to feed
 * it to, and the one counter its verdict must move. For every row the test
 * checks the XDP verdict, that exactly that counter moved by one, and the
 * bytes that come back: a dropped or passed frame must be untouched, a
 * reply must equal a reply built here from scratch. Expected checksums are
 * computed with a plain RFC 1071 sum over the whole header/segment, never
 * with the incremental helpers the BPF code uses, so an error in those
 * cannot hide in both the program and its test.
 *
 * The world covers every container kind of rescan_abi.h (ARRAY with n = 1,
 * 4 and 4096, BITMAP, FULL, EMPTY) and probes hits and the misses right
 * next to them, because binary search and bit indexing fail at the edges.
 *
 * Needs root (BPF); a kernel that refuses is a loud failure, not a skip.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "ipset.h"
#include "loader.h"
#include "rescan_abi.h"
#include "responder.skel.h"
#include "service.h"
#include "util.h"
#include "world.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* XDP verdicts spelled out, so the test does not lean on the BPF headers. */
#define V_ABORTED 0
#define V_DROP 1
#define V_PASS 2
#define V_TX 3

#define FRAME_MAX 256
#define META_MAX 32
#define ETH_LEN 14

/* The scanner's side of the veth pair and the gateway it sends to. */
static const uint8_t SCANNER_MAC[6] = { 0x02, 0x00, 0x5c, 0xa1, 0x00, 0x01 };
static const uint8_t GATEWAY_MAC[6] = { 0x02, 0x00, 0x5c, 0xa1, 0x00, 0xfe };
#define SCANNER_IP IP(100, 64, 0, 2)
#define LAB_NET IP(100, 64, 0, 0)
#define LAB_MASK IP(255, 255, 255, 0)
#define DEFAULT_SPORT 40001
#define DEFAULT_TTL 255		/* ZMap sends TTL 255 */
#define DEFAULT_IP_ID 54321	/* ZMap's fixed IP id */
#define DEFAULT_WIN 1024	/* masscan's window */

#define KEY_A 0x5eed0001u
#define KEY_B 0x5eed0002u

/* The responders under test: one world, several configurations. */
enum sk {
	SK_LAB,		/* main world, lab 100.64.0.0/24 excluded, key A */
	SK_OPEN,	/* main world, lab check off (mask 0), key B */
	SK_EMPTY,	/* world without any service, lab check on, key A */
	SK_CORRUPT,	/* main world with maps damaged after loading, key A */
	NR_SK,
};

static const char *const sk_name[NR_SK] = { "lab", "open", "empty", "corrupt" };
static const uint32_t sk_key[NR_SK] = { KEY_A, KEY_B, KEY_A, KEY_A };

/* What a row builds; K_ETH is a bare Ethernet header of .ethertype. */
enum kind { K_TCP, K_ICMP, K_UDP, K_IPPROTO, K_ARP, K_IPV6, K_ETH };

enum topts {
	TOPT_NONE,
	TOPT_MSS,	/* nmap's SYN: MSS 1460 */
	TOPT_LINUX,	/* MSS, SACK-permitted, timestamps, wscale: doff 10 */
	TOPT_40,	/* 40 bytes of options: doff 15, the maximum */
};

/* For fields where 0 is a real value: KEEP(n) stores n, a plain 0 means "as built". */
#define KEEP(n) ((n) + 1)

#define C(x) RS_CNT_##x

struct tcase {
	const char *name;
	int sk;			/* enum sk */
	int kind;		/* enum kind */
	uint32_t saddr;		/* host order; 0 = the scanner */
	uint32_t daddr;		/* host order */
	uint16_t sport;		/* 0 = DEFAULT_SPORT */
	uint16_t dport;
	uint8_t flags;		/* TCP flags byte */
	uint32_t seq, ack;
	uint16_t win;		/* 0 = DEFAULT_WIN */
	uint16_t urg;
	int topts;		/* enum topts */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint8_t proto;		/* K_IPPROTO */
	uint16_t ethertype;	/* K_ETH */
	uint8_t ttl;		/* 0 = DEFAULT_TTL */
	uint16_t frag;		/* IP flags + fragment offset, host order */
	int ip_opts;		/* bytes of IP options: 0, 4 or 40 */
	int payload;		/* L4 payload bytes */
	int pad;		/* Ethernet padding after the IP packet */
	uint8_t pad_fill;
	/* Damage done to a well-formed frame (0 = none). */
	int ver, ihl, doff;	/* KEEP(n): write n into that header field */
	int tot_adj;		/* added to IP tot_len; frame length unchanged */
	int l4_keep;		/* KEEP(n): cut the L4 part to n bytes, tot_len follows */
	int cut;		/* KEEP(n): cut the frame to n bytes, tot_len does not follow */
	int vlan;		/* insert an 802.1Q tag */
	int expect;		/* the counter this packet must move */
};

struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;		/* bytes the program sees */
};

/* ---- bytes and checksums ------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
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

/* Write a fresh IP header checksum over ihl_len bytes. */
static void ip_csum_set(uint8_t *ip, uint32_t ihl_len)
{
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl_len, 0)));
}

/* Write a fresh TCP (proto 6, with pseudo-header) or ICMP (1) checksum. */
static void l4_csum_set(uint8_t *ip, uint8_t *l4, uint32_t l4_len, uint8_t proto)
{
	uint32_t off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t s = proto == 1 ? 0 : pseudo_sum(ip, proto, l4_len);

	put16(l4 + off, 0);
	put16(l4 + off, (uint16_t)~fold(sum16(l4, l4_len, s)));
}

/* ---- building probes ------------------------------------------------------ */

static void tcp_options(int which, uint8_t *o, uint32_t *len)
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
	const uint8_t *src = NULL;

	switch (which) {
	case TOPT_MSS:
		src = mss;
		*len = sizeof(mss);
		break;
	case TOPT_LINUX:
		src = linux_syn;
		*len = sizeof(linux_syn);
		break;
	case TOPT_40:
		src = forty;
		*len = sizeof(forty);
		break;
	default:
		*len = 0;
		return;
	}
	memcpy(o, src, *len);
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(0x30 + i * 7);
}

static uint8_t proto_of(const struct tcase *t)
{
	switch (t->kind) {
	case K_TCP:
		return 6;
	case K_ICMP:
		return 1;
	case K_UDP:
		return 17;
	}
	return t->proto;
}

/* Build the frame a row describes: a well-formed packet, then its damage. */
static void build(const struct tcase *t, struct frame *f)
{
	uint8_t *b = f->b, *ip = b + ETH_LEN, *l4;
	uint32_t ihl_len, l4_len = 0, i, ol;
	uint8_t proto = proto_of(t);

	memset(f, 0, sizeof(*f));
	memcpy(b, GATEWAY_MAC, 6);
	memcpy(b + 6, SCANNER_MAC, 6);

	switch (t->kind) {
	case K_ETH:
		put16(b + 12, t->ethertype);
		f->len = ETH_LEN + t->payload;
		goto cut;
	case K_ARP:
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
		goto cut;
	case K_IPV6:
		put16(b + 12, 0x86dd);
		b[14] = 0x60;
		put16(b + 18, 8);		/* payload length */
		b[20] = 58;			/* ICMPv6 */
		b[21] = 64;
		b[22] = 0x20, b[23] = 0x01, b[24] = 0x0d, b[25] = 0xb8, b[37] = 2;
		b[38] = 0x20, b[39] = 0x01, b[40] = 0x0d, b[41] = 0xb8, b[53] = 1;
		b[54] = 128;			/* echo request */
		f->len = ETH_LEN + 40 + 8;
		goto cut;
	}

	put16(b + 12, 0x0800);
	ihl_len = 20 + t->ip_opts;
	ip[0] = 0x40 | (ihl_len / 4);
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

	switch (t->kind) {
	case K_TCP:
		put16(l4, t->sport ? t->sport : DEFAULT_SPORT);
		put16(l4 + 2, t->dport);
		put32(l4 + 4, t->seq);
		put32(l4 + 8, t->ack);
		tcp_options(t->topts, l4 + 20, &ol);
		l4[12] = (uint8_t)((20 + ol) / 4 << 4);
		l4[13] = t->flags;
		put16(l4 + 14, t->win ? t->win : DEFAULT_WIN);
		put16(l4 + 18, t->urg);
		l4_len = 20 + ol;
		break;
	case K_ICMP:
		l4[0] = t->icmp_type;
		l4[1] = t->icmp_code;
		put16(l4 + 4, t->icmp_id);
		put16(l4 + 6, t->icmp_seq);
		l4_len = 8;
		break;
	case K_UDP:
		put16(l4, t->sport ? t->sport : DEFAULT_SPORT);
		put16(l4 + 2, t->dport);
		put16(l4 + 4, (uint16_t)(8 + t->payload));
		l4_len = 8;
		break;
	case K_IPPROTO:
		break;
	}
	for (i = 0; i < (uint32_t)t->payload; i++)
		l4[l4_len + i] = pattern(i);
	l4_len += t->payload;

	put16(ip + 2, (uint16_t)(ihl_len + l4_len));
	if (t->kind != K_IPPROTO)
		l4_csum_set(ip, l4, l4_len, proto);
	f->len = ETH_LEN + ihl_len + l4_len;

	/* The damage. */
	if (t->l4_keep) {
		l4_len = t->l4_keep - 1;
		put16(ip + 2, (uint16_t)(ihl_len + l4_len));
		memset(l4 + l4_len, 0, FRAME_MAX - ETH_LEN - ihl_len - l4_len);
		f->len = ETH_LEN + ihl_len + l4_len;
	}
	if (t->pad) {
		memset(b + f->len, t->pad_fill, t->pad);
		f->len += t->pad;
	}
	if (t->ver)
		ip[0] = (uint8_t)((t->ver - 1) << 4 | (ip[0] & 15));
	if (t->ihl)
		ip[0] = (uint8_t)((ip[0] & 0xf0) | (t->ihl - 1));
	if (t->doff)
		l4[12] = (uint8_t)((t->doff - 1) << 4 | (l4[12] & 15));
	if (t->tot_adj)
		put16(ip + 2, (uint16_t)(get16(ip + 2) + t->tot_adj));
	/* A damaged header still carries a valid checksum: only one thing is wrong. */
	ip_csum_set(ip, ihl_len);
	if (t->vlan) {
		memmove(b + 16, b + 12, f->len - 12);
		put16(b + 12, 0x8100);
		put16(b + 14, 7);		/* VID 7 */
		f->len += 4;
	}
cut:
	if (t->cut)
		f->len = t->cut - 1;
}

/*
 * The reply a host would send, built from the probe's bytes: MACs and
 * addresses swapped, TTL RS_REPLY_TTL, and for TCP ports swapped, our ISN
 * (taken from got, see the header comment), ack = seq + 1, flags exactly
 * SYN|ACK, everything else (options, window, urgent pointer, IP id, DF,
 * IP options, Ethernet padding) as it was. Checksums computed from scratch.
 */
static void expected_reply(const struct tcase *t, const struct frame *in, const uint8_t *got,
			   uint8_t *exp)
{
	uint8_t tmp[6], *ip = exp + ETH_LEN, *l4;
	uint32_t ihl_len, tot, l4_len;

	memcpy(exp, in->b, in->len);
	memcpy(tmp, exp, 6);
	memcpy(exp, exp + 6, 6);
	memcpy(exp + 6, tmp, 6);

	ihl_len = (ip[0] & 15) * 4u;
	tot = get16(ip + 2);
	l4 = ip + ihl_len;
	l4_len = tot - ihl_len;

	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	ip[8] = RS_REPLY_TTL;
	ip_csum_set(ip, ihl_len);

	if (t->kind == K_TCP) {
		memcpy(tmp, l4, 2);
		memcpy(l4, l4 + 2, 2);
		memcpy(l4 + 2, tmp, 2);
		memcpy(l4 + 4, got + (l4 - exp) + 4, 4);
		put32(l4 + 8, get32(in->b + (l4 - exp) + 4) + 1);
		l4[13] = 0x12;
		l4_csum_set(ip, l4, l4_len, 6);
	} else {
		l4[0] = 0;	/* echo reply */
		l4_csum_set(ip, l4, l4_len, 1);
	}
}

/* Do the reply's checksums hold up on their own (sum to 0xffff)? */
static void check_reply_checksums(const uint8_t *got, uint32_t len)
{
	const uint8_t *ip = got + ETH_LEN, *l4;
	uint32_t ihl_len, tot;

	if (len < ETH_LEN + 20) {
		CHECK(0, "reply of %u bytes has no IP header", len);
		return;
	}
	ihl_len = (ip[0] & 15) * 4u;
	tot = get16(ip + 2);
	if (tot < ihl_len || ETH_LEN + tot > len) {
		CHECK(0, "reply's IP lengths are inconsistent (ihl %u, tot_len %u, frame %u)",
		      ihl_len, tot, len);
		return;
	}
	l4 = ip + ihl_len;
	CHECK(fold(sum16(ip, ihl_len, 0)) == 0xffff, "reply IP header checksum does not verify");
	if (ip[9] == 6)
		CHECK(fold(sum16(l4, tot - ihl_len, pseudo_sum(ip, 6, tot - ihl_len))) == 0xffff,
		      "reply TCP checksum does not verify");
	else
		CHECK(fold(sum16(l4, tot - ihl_len, 0)) == 0xffff,
		      "reply ICMP checksum does not verify");
}

/* ---- running the program ---------------------------------------------------- */

static const char *const cnt_name[RS_NR_COUNTERS] = {
#define RS_NAME_ENTRY(id, name, help) [RS_CNT_##id] = name,
	RS_RESPONDER_COUNTERS(RS_NAME_ENTRY)
#undef RS_NAME_ENTRY
};

/* The verdict each counter stands for, written out independently of the BPF code. */
static int verdict_of_counter(int cnt)
{
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
	case RS_CNT_TX_ECHO_REPLY:
		return V_TX;
	case RS_CNT_PASS_ARP:
		return V_PASS;
	case RS_CNT_ABORT_INTERNAL:
		return V_ABORTED;
	}
	return V_DROP;
}

static struct responder_bpf *skel[NR_SK];
static uint64_t runs[NR_SK];

struct run {
	uint8_t in[META_MAX + FRAME_MAX];	/* what went in, metadata included */
	uint8_t out[META_MAX + FRAME_MAX + 64];
	uint32_t in_len, out_len, meta;
	uint32_t retval;
	uint64_t delta[RS_NR_COUNTERS];
};

/*
 * Run the program once (repeat 1: a repeated run would see the packet it
 * already rewrote) and note how the counters moved.
 *
 * The kernel takes no test input of less than an Ethernet header, so a
 * shorter frame needs a detour. Recent kernels let ctx->data_end end the
 * linear part early (the rest of the input becomes a fragment the program
 * cannot read) but refuse metadata that leaves under ETH_HLEN of packet;
 * older ones insist on data_end == data_size_in but take metadata in front
 * of the frame, which ctx->data skips. Either way the program sees exactly
 * the short frame: the first form is tried, the second if it is refused.
 */
static int test_run(int prog_fd, const struct frame *f, struct run *r, bool meta_form)
{
	struct xdp_md ctx = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	memset(r->in, 0, sizeof(r->in));
	r->meta = 0;
	r->in_len = f->len;
	if (f->len < ETH_LEN) {
		if (meta_form)
			r->meta = (ETH_LEN - f->len + 3) & ~3u;
		else
			r->in_len = ETH_LEN;	/* the unreadable rest */
		ctx.data = r->meta;
		ctx.data_end = r->meta + f->len;
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
		r->in_len += r->meta;
	}
	memcpy(r->in + r->meta, f->b, r->in_len - r->meta);

	opts.data_in = r->in;
	opts.data_size_in = r->in_len;
	opts.data_out = r->out;
	opts.data_size_out = sizeof(r->out);
	opts.repeat = 1;
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	r->out_len = opts.data_size_out;
	r->retval = opts.retval;
	return 0;
}

static int run_prog(int sk, const struct frame *f, struct run *r)
{
	int prog_fd = bpf_program__fd(skel[sk]->progs.rescan_responder);
	int map_fd = bpf_map__fd(skel[sk]->maps.counters);
	uint64_t before[RS_NR_COUNTERS], after[RS_NR_COUNTERS];
	int err, k;

	memset(r, 0, sizeof(*r));
	err = loader_read_percpu(map_fd, before, RS_NR_COUNTERS);
	if (err) {
		CHECK(0, "reading counters: %s", strerror(-err));
		return err;
	}
	err = test_run(prog_fd, f, r, false);
	if (err == -EINVAL && f->len < ETH_LEN)
		err = test_run(prog_fd, f, r, true);
	if (err) {
		CHECK(0, "BPF_PROG_TEST_RUN failed: %s", strerror(-err));
		return err;
	}
	runs[sk]++;
	err = loader_read_percpu(map_fd, after, RS_NR_COUNTERS);
	if (err) {
		CHECK(0, "reading counters: %s", strerror(-err));
		return err;
	}
	for (k = 0; k < RS_NR_COUNTERS; k++)
		r->delta[k] = after[k] - before[k];
	return 0;
}

/* On failure: both frames, differing bytes of "got" marked with '*'. */
static void dump_diff(const uint8_t *exp, uint32_t elen, const uint8_t *got, uint32_t glen)
{
	uint32_t n = elen > glen ? elen : glen, i, j;

	for (i = 0; i < n; i += 16) {
		printf("#   expected %04x:", i);
		for (j = i; j < i + 16 && j < n; j++)
			if (j < elen)
				printf(" %02x", exp[j]);
			else
				printf(" --");
		printf("\n#   got      %04x:", i);
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

/* ---- the world -------------------------------------------------------------- */

static struct world world, empty_world;

/*
 * Host i of the test blocks 10.15-10.17/16, computed here independently of
 * the world's encoding. 10.15 (64 hosts, 16 buckets of 4096 addresses):
 * 60 hosts at the start of bucket 0, buckets 1-13 empty, each edge of
 * buckets 14 and 15. 10.16 (300 hosts): every 218th address from 8.
 * 10.17 (63 hosts): every 1000th.
 */
static uint32_t guided_ref_addr(uint32_t block, uint32_t i)
{
	static const uint16_t tail[4] = { 0xe000, 0xefff, 0xf000, 0xffff };

	if (block == IP(10, 15, 0, 0))
		return block + (i < 60 ? 1 + 3 * i : tail[i - 60]);
	if (block == IP(10, 16, 0, 0))
		return block + 8 + 218 * i;
	return block + 1000 * i;
}

/*
 * 10.20/16, a split container for the 8-byte window (world_lookup.h): /24
 * h holds 1 + h % 8 hosts, so its bytes start at every offset within a
 * word and run over into the next one; the bytes that follow them (the
 * next /24's) are tried as keys too, since every address is probed.
 */
static bool window_host(uint32_t a)
{
	uint32_t h = a >> 8 & 0xff, b = a & 0xff, j;

	for (j = 0; j < 1 + h % 8; j++)
		if ((h * 37 + 29 * j) % 256 == b)
			return true;
	return false;
}

/*
 * 10.21/16, a guided array (72 hosts: 16 buckets of 4096 addresses) for
 * the 16-bit windows: bucket k holds 1 + 3k % 8 entries, so buckets of 1
 * to 8 entries start at every offset within a word, some spanning three.
 */
static bool guided_window_host(uint32_t a)
{
	uint32_t k = (a & 0xffff) >> 12, r = a & 0xfff, j;

	for (j = 0; j < 1 + k * 3 % 8; j++)
		if ((k * 613 + 997 * j) % 4096 == r)
			return true;
	return false;
}

/* tcp/80 host set: every container kind with hits next to misses. */
static void add_tcp80(struct ipset *s)
{
	uint32_t i;

	ipset_add(s, IP(0, 0, 0, 1));			/* block 0: ARRAY n=1 */
	ipset_add(s, IP(10, 1, 0, 5));			/* ARRAY n=4 */
	ipset_add(s, IP(10, 1, 0, 7));
	ipset_add(s, IP(10, 1, 0, 9));
	ipset_add(s, IP(10, 1, 200, 1));
	ipset_add(s, IP(10, 2, 3, 4));			/* ARRAY n=1 */
	for (i = 0; i < 512; i++)			/* SPLIT, 2 per /24: 8, 136, ..., 65416 */
		ipset_add(s, IP(10, 3, 0, 0) + 8 + 128 * i);
	for (i = 0; i < 63; i++)			/* ARRAY n=63, the largest without a guide */
		ipset_add(s, guided_ref_addr(IP(10, 17, 0, 0), i));
	for (i = 0; i < 64; i++)			/* GUIDED n=64: buckets of 4096 */
		ipset_add(s, guided_ref_addr(IP(10, 15, 0, 0), i));
	for (i = 0; i < 300; i++)			/* GUIDED n=300: buckets of 1024 */
		ipset_add(s, guided_ref_addr(IP(10, 16, 0, 0), i));
	for (i = 0; i < 250 * 256; i += 2)		/* BITMAP: even addresses of 250 /24s... */
		ipset_add(s, IP(10, 4, 0, 0) + i);
	ipset_add(s, IP(10, 4, 255, 255));		/* ...and the block's last bit */
	ipset_add_range(s, IP(10, 5, 0, 0), IP(10, 5, 255, 255));	/* FULL */
	for (i = 0; i < 65536; i++)			/* SPLIT: 1 to 8 bytes per /24 */
		if (window_host(IP(10, 20, 0, 0) + i))
			ipset_add(s, IP(10, 20, 0, 0) + i);
	for (i = 0; i < 65536; i++)			/* GUIDED: buckets of 1 to 8 */
		if (guided_window_host(IP(10, 21, 0, 0) + i))
			ipset_add(s, IP(10, 21, 0, 0) + i);
	for (i = 0; i < RS_ARRAY_MAX; i++)		/* SPLIT: 16 sorted bytes per /24 */
		ipset_add(s, IP(10, 11, 0, 0) + 8 + 16 * i);
	/* SPLIT with every kind of /24: 1 byte, 31 bytes (the most), a bitmap
	 * of 32 hosts, a full one as bitmap, empty ones, and the last /24. */
	ipset_add(s, IP(10, 12, 0, 0));
	for (i = 0; i < 31; i++)
		ipset_add(s, IP(10, 12, 1, 1 + 2 * i));
	for (i = 0; i < 32; i++)
		ipset_add(s, IP(10, 12, 2, 2 * i));
	ipset_add_range(s, IP(10, 12, 3, 0), IP(10, 12, 3, 255));
	ipset_add(s, IP(10, 12, 255, 0));
	ipset_add(s, IP(10, 12, 255, 255));
	/* Around the lab network, to see its mask applied exactly. */
	ipset_add(s, IP(100, 63, 255, 255));
	ipset_add(s, IP(100, 64, 0, 5));
	ipset_add(s, IP(100, 64, 0, 255));
	ipset_add(s, IP(100, 64, 1, 0));
	ipset_add(s, IP(198, 51, 100, 80));
	ipset_add(s, IP(255, 255, 255, 254));		/* the last block */
}

static void add_icmp(struct ipset *s)
{
	uint32_t i;

	ipset_add(s, IP(10, 1, 0, 6));
	for (i = 1; i < 250 * 256; i += 2)		/* BITMAP: the odd addresses */
		ipset_add(s, IP(10, 4, 0, 0) + i);
	ipset_add_range(s, IP(10, 5, 0, 0), IP(10, 5, 255, 255));
	ipset_add(s, IP(100, 64, 0, 5));
	ipset_add(s, IP(255, 255, 255, 254));		/* last entry of the whole directory */
}

static int add_svc(const char *spec, void (*fill)(struct ipset *), struct ipset *s)
{
	struct rs_svc svc;
	int err;

	err = svc_parse(spec, &svc);
	if (!err) {
		ipset_clear(s);
		fill(s);
		err = world_add_service(&world, svc, s);
	}
	if (err)
		printf("# building the world (%s): %s\n", spec, rs_last_error());
	return err;
}

static void tcp443(struct ipset *s)
{
	ipset_add(s, IP(10, 9, 9, 9));
	ipset_add(s, IP(10, 1, 0, 6));	/* a tcp/80 miss that tcp/443 has */
}

static void tcp65535(struct ipset *s)
{
	ipset_add(s, IP(10, 1, 0, 5));
}

/*
 * tcp/3389: 40 bitmap blocks 20.0-20.39/16 (320 KiB, more than a chunk of
 * the kernel's pool), placed after the other sets' odd-sized containers, so
 * that one of them straddles a chunk edge in the world's own layout.
 */
#define EDGE_BLOCKS 40
static bool edge_host(uint32_t a)
{
	return (a ^ a >> 7) % 5 == 0;
}

static void tcp3389(struct ipset *s)
{
	uint32_t a;

	for (a = IP(20, 0, 0, 0); a < IP(20, EDGE_BLOCKS, 0, 0); a++)
		if (edge_host(a))
			ipset_add(s, a);
}

static int build_worlds(void)
{
	struct ipset s;
	int err;

	world_init(&world, 42);
	world_init(&empty_world, 43);
	err = ipset_init(&s);
	if (err) {
		printf("# ipset_init: %s\n", strerror(-err));
		return err;
	}
	err = add_svc("tcp/80", add_tcp80, &s);
	if (!err)
		err = add_svc("tcp/443", tcp443, &s);
	if (!err)
		err = add_svc("tcp/65535", tcp65535, &s);
	if (!err)
		err = add_svc("tcp/3389", tcp3389, &s);
	if (!err)
		err = add_svc("icmp", add_icmp, &s);
	ipset_free(&s);
	return err;
}

static uint32_t set_of(const char *spec)
{
	struct rs_svc svc;
	const struct world_service *ws;

	if (svc_parse(spec, &svc))
		return UINT32_MAX;
	ws = world_find(&world, svc);
	return ws ? ws->set : UINT32_MAX;
}

static const struct rs_dir_entry *dir_of(const char *spec, uint32_t addr)
{
	return &world.dir[(size_t)set_of(spec) * RS_BLOCKS + (addr >> 16)];
}

/* The kernel's offset of spec's container for addr: the loader lays the pool out anew. */
static uint32_t kernel_off(int dfd, const char *spec, uint32_t addr)
{
	uint32_t key = set_of(spec) * RS_BLOCKS + (addr >> 16);
	struct rs_dir_entry de = { .off = UINT32_MAX };

	bpf_map_lookup_elem(dfd, &key, &de);
	return de.off;
}

/* Set one word of a responder's pool (its values are whole chunks: mmap it). */
static int poke_pool(struct bpf_map *map, uint32_t word, uint64_t v)
{
	size_t len = (size_t)bpf_map__max_entries(map) * bpf_map__value_size(map);
	uint64_t *p;

	if ((size_t)word * 8 >= len) {
		errno = ERANGE;
		return -1;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (p == MAP_FAILED)
		return -1;
	p[word] = v;
	munmap(p, len);
	return 0;
}

/*
 * Damage SK_CORRUPT's maps the way a corrupt world would: lookups that
 * land outside the maps must abort, not read past them or answer.
 */
static int corrupt_world(void)
{
	struct rs_service svc = { .open_set = world.nsets + 1 };
	uint32_t tcp80 = set_of("tcp/80"), key;
	struct rs_dir_entry de;
	int sfd = bpf_map__fd(skel[SK_CORRUPT]->maps.world_services);
	int dfd = bpf_map__fd(skel[SK_CORRUPT]->maps.world_dir);
	struct bpf_map *pool = skel[SK_CORRUPT]->maps.world_pool;
	uint32_t pool_words = skel[SK_CORRUPT]->rodata->pool_words, off;
	uint64_t w;
	int err = 0;

	/* tcp/8080 names a host set the directory does not have. */
	key = RS_SLOT_TCP << 16 | 8080;
	err |= bpf_map_update_elem(sfd, &key, &svc, BPF_ANY);
	/* 10.7/16: an array container starting just past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words, .kind = RS_C_ARRAY, .n = 1 };
	key = tcp80 * RS_BLOCKS + (IP(10, 7, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.8/16: a bitmap whose second word would be past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_BITMAP };
	key = tcp80 * RS_BLOCKS + (IP(10, 8, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.10/16: a container kind that does not exist. */
	de = (struct rs_dir_entry){ .kind = 9 };
	key = tcp80 * RS_BLOCKS + (IP(10, 10, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.11/16 (split; no corrupt-world row looks at it otherwise): guide
	 * 0, 40, 0: /24 0 claims 40 bytes, /24 1 ends before it starts. */
	w = 0 | 40ull << 16;
	err |= poke_pool(pool, kernel_off(dfd, "tcp/80", IP(10, 11, 0, 0)), w);
	/* 10.13/16: a split container whose guide runs past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_SPLIT, .n = 8 };
	key = tcp80 * RS_BLOCKS + (IP(10, 13, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	/* 10.14/16: a sane guide (/24 0 has one byte) in the pool's last 65
	 * words (icmp's, unused by corrupt-world rows): the data is past it. */
	de = (struct rs_dir_entry){ .off = pool_words - RS_SPLIT_GUIDE_WORDS,
				    .kind = RS_C_SPLIT, .n = 1 };
	key = tcp80 * RS_BLOCKS + (IP(10, 14, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	w = 0 | 1ull << 16 | 1ull << 32 | 1ull << 48;
	err |= poke_pool(pool, de.off, w);
	/* 10.15/16, guided: g[1] 60 -> 70 (bucket 1 would end before it
	 * starts) and g[16] 64 -> 65 (bucket 15 would end past the entries). */
	off = kernel_off(dfd, "tcp/80", IP(10, 15, 0, 0));
	w = 0 | 70ull << 16 | 60ull << 32 | 60ull << 48;
	err |= poke_pool(pool, off, w);
	w = 65;
	err |= poke_pool(pool, off + 4, w);
	/* 10.18/16: a guided array of 64 whose guide (bucket 0 holds all 64)
	 * is the pool's last 5 words: its entries are past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 5, .kind = RS_C_GUIDED,
				    .n = 64 };
	key = tcp80 * RS_BLOCKS + (IP(10, 18, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	w = 0 | 64ull << 16 | 64ull << 32 | 64ull << 48;
	err |= poke_pool(pool, de.off, w);
	/* 10.19/16: an array of 6 in the pool's last word. For x.x.255.255
	 * the first search step (entry 3: any u16 is <= 0xffff) goes right,
	 * and the next one reads entry 4, which is past the pool. */
	de = (struct rs_dir_entry){ .off = pool_words - 1, .kind = RS_C_ARRAY,
				    .n = 6 };
	key = tcp80 * RS_BLOCKS + (IP(10, 19, 0, 0) >> 16);
	err |= bpf_map_update_elem(dfd, &key, &de, BPF_ANY);
	return err ? -errno : 0;
}

/* ---- the table ------------------------------------------------------------- */

#define SYN 0x02
#define ACK 0x10
#define RST 0x04
#define FIN 0x01
#define PSH 0x08
#define URG 0x20
#define ECE 0x40
#define CWR 0x80

/* A TCP SYN probe to d:port on responder sk; rows add what differs. */
#define TSYN(sk_, d, port) .sk = sk_, .kind = K_TCP, .daddr = d, .dport = port, .flags = SYN
#define TFLAGS(sk_, d, port, fl) .sk = sk_, .kind = K_TCP, .daddr = d, .dport = port, .flags = fl
#define ECHO(sk_, d) .sk = sk_, .kind = K_ICMP, .daddr = d, .icmp_type = 8
#define ICMPT(sk_, d, ty, co) \
	.sk = sk_, .kind = K_ICMP, .daddr = d, .icmp_type = ty, .icmp_code = co

static const struct tcase cases[] = {
	/* --- SYN -> SYN-ACK, every container kind and its edges --- */
	{ "syn array4 first entry", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .seq = 0x11223344,
	  .expect = C(TX_SYNACK) },
	{ "syn array4 second entry", TSYN(SK_LAB, IP(10, 1, 0, 7), 80), .seq = 0x01020304,
	  .expect = C(TX_SYNACK) },
	{ "syn array4 third entry", TSYN(SK_LAB, IP(10, 1, 0, 9), 80), .seq = 0x0a0b0c0d,
	  .expect = C(TX_SYNACK) },
	{ "syn array4 last entry, MSS option", TSYN(SK_LAB, IP(10, 1, 200, 1), 80),
	  .seq = 0x99887766, .topts = TOPT_MSS, .expect = C(TX_SYNACK) },
	{ "syn array1 only entry", TSYN(SK_LAB, IP(10, 2, 3, 4), 80), .seq = 0x12345678,
	  .expect = C(TX_SYNACK) },
	{ "syn block 0 array1 (0.0.0.1)", TSYN(SK_LAB, IP(0, 0, 0, 1), 80), .seq = 1,
	  .expect = C(TX_SYNACK) },
	{ "syn split2 first entry", TSYN(SK_LAB, IP(10, 3, 0, 8), 80), .seq = 0x31415926,
	  .expect = C(TX_SYNACK) },
	{ "syn split2 second entry", TSYN(SK_LAB, IP(10, 3, 0, 136), 80), .seq = 0x27182818,
	  .expect = C(TX_SYNACK) },
	{ "syn split2 middle entry", TSYN(SK_LAB, IP(10, 3, 128, 8), 80), .seq = 0x16180339,
	  .expect = C(TX_SYNACK) },
	{ "syn split2 entry 255", TSYN(SK_LAB, IP(10, 3, 127, 136), 80), .seq = 0x14142135,
	  .expect = C(TX_SYNACK) },
	{ "syn split2 last entry", TSYN(SK_LAB, IP(10, 3, 255, 136), 80), .seq = 0x17320508,
	  .expect = C(TX_SYNACK) },
	{ "syn array63 first entry", TSYN(SK_LAB, IP(10, 17, 0, 0), 80), .seq = 0x63000001,
	  .expect = C(TX_SYNACK) },
	{ "syn array63 last entry", TSYN(SK_LAB, IP(10, 17, 0, 0) + 62000, 80), .seq = 0x63000002,
	  .expect = C(TX_SYNACK) },
	{ "syn guided64 first entry", TSYN(SK_LAB, IP(10, 15, 0, 1), 80), .seq = 0x64000001,
	  .expect = C(TX_SYNACK) },
	{ "syn guided64 60th entry", TSYN(SK_LAB, IP(10, 15, 0, 178), 80), .seq = 0x64000002,
	  .expect = C(TX_SYNACK) },
	{ "syn guided64 first address of bucket 14", TSYN(SK_LAB, IP(10, 15, 0xe0, 0), 80),
	  .seq = 0x64000003, .expect = C(TX_SYNACK) },
	{ "syn guided64 last address of bucket 14", TSYN(SK_LAB, IP(10, 15, 0xef, 0xff), 80),
	  .seq = 0x64000004, .expect = C(TX_SYNACK) },
	{ "syn guided64 first address of bucket 15", TSYN(SK_LAB, IP(10, 15, 0xf0, 0), 80),
	  .seq = 0x64000005, .expect = C(TX_SYNACK) },
	{ "syn guided64 block top", TSYN(SK_LAB, IP(10, 15, 255, 255), 80), .seq = 0x64000006,
	  .expect = C(TX_SYNACK) },
	{ "syn guided300 first entry", TSYN(SK_LAB, IP(10, 16, 0, 8), 80), .seq = 0x30000001,
	  .expect = C(TX_SYNACK) },
	{ "syn guided300 last entry", TSYN(SK_LAB, IP(10, 16, 0, 8) + 218 * 299, 80),
	  .seq = 0x30000002, .expect = C(TX_SYNACK) },
	{ "syn split16 first entry", TSYN(SK_LAB, IP(10, 11, 0, 8), 80), .seq = 0x01010101,
	  .expect = C(TX_SYNACK) },
	{ "syn split16 last entry of a /24", TSYN(SK_LAB, IP(10, 11, 0, 248), 80),
	  .seq = 0x02020202, .expect = C(TX_SYNACK) },
	{ "syn split16 middle /24", TSYN(SK_LAB, IP(10, 11, 128, 136), 80), .seq = 0x03030303,
	  .expect = C(TX_SYNACK) },
	{ "syn split /24 0 with one byte", TSYN(SK_LAB, IP(10, 12, 0, 0), 80), .seq = 0x04040404,
	  .expect = C(TX_SYNACK) },
	{ "syn split 31 bytes first", TSYN(SK_LAB, IP(10, 12, 1, 1), 80), .seq = 0x05050505,
	  .expect = C(TX_SYNACK) },
	{ "syn split 31 bytes 16th", TSYN(SK_LAB, IP(10, 12, 1, 31), 80), .seq = 0x06060606,
	  .expect = C(TX_SYNACK) },
	{ "syn split 31 bytes last", TSYN(SK_LAB, IP(10, 12, 1, 61), 80), .seq = 0x07070707,
	  .expect = C(TX_SYNACK) },
	{ "syn split bitmap of 32 first bit", TSYN(SK_LAB, IP(10, 12, 2, 0), 80),
	  .seq = 0x08080808, .expect = C(TX_SYNACK) },
	{ "syn split bitmap of 32 last bit", TSYN(SK_LAB, IP(10, 12, 2, 62), 80),
	  .seq = 0x09090909, .expect = C(TX_SYNACK) },
	{ "syn split full /24 bit 0", TSYN(SK_LAB, IP(10, 12, 3, 0), 80), .seq = 0x0a0a0a0a,
	  .expect = C(TX_SYNACK) },
	{ "syn split full /24 bit 255", TSYN(SK_LAB, IP(10, 12, 3, 255), 80), .seq = 0x0b0b0b0b,
	  .expect = C(TX_SYNACK) },
	{ "syn split last /24 byte 0", TSYN(SK_LAB, IP(10, 12, 255, 0), 80), .seq = 0x0c0c0c0c,
	  .expect = C(TX_SYNACK) },
	{ "syn split last /24 byte 255", TSYN(SK_LAB, IP(10, 12, 255, 255), 80),
	  .seq = 0x0d0d0d0d, .expect = C(TX_SYNACK) },
	{ "syn bitmap bit 0", TSYN(SK_LAB, IP(10, 4, 0, 0), 80), .seq = 0x44444444,
	  .expect = C(TX_SYNACK) },
	{ "syn bitmap bit 62", TSYN(SK_LAB, IP(10, 4, 0, 62), 80), .seq = 0x55555555,
	  .expect = C(TX_SYNACK) },
	{ "syn bitmap word 1 bit 0", TSYN(SK_LAB, IP(10, 4, 0, 64), 80), .seq = 0x66666666,
	  .expect = C(TX_SYNACK) },
	{ "syn bitmap last of run", TSYN(SK_LAB, IP(10, 4, 249, 254), 80), .seq = 0x77777777,
	  .expect = C(TX_SYNACK) },
	{ "syn bitmap last bit of block", TSYN(SK_LAB, IP(10, 4, 255, 255), 80), .seq = 0x88888888,
	  .expect = C(TX_SYNACK) },
	{ "syn full first", TSYN(SK_LAB, IP(10, 5, 0, 0), 80), .seq = 0xa0a0a0a0,
	  .expect = C(TX_SYNACK) },
	{ "syn full middle", TSYN(SK_LAB, IP(10, 5, 128, 1), 80), .seq = 0xb0b0b0b0,
	  .expect = C(TX_SYNACK) },
	{ "syn full last", TSYN(SK_LAB, IP(10, 5, 255, 255), 80), .seq = 0xc0c0c0c0,
	  .expect = C(TX_SYNACK) },
	{ "syn last block (255.255.255.254)", TSYN(SK_LAB, IP(255, 255, 255, 254), 80),
	  .seq = 0xd0d0d0d0, .expect = C(TX_SYNACK) },
	{ "syn tcp/443 host", TSYN(SK_LAB, IP(10, 9, 9, 9), 443), .seq = 0xe0e0e0e0,
	  .topts = TOPT_MSS, .expect = C(TX_SYNACK) },
	{ "syn tcp/443 on a tcp/80 miss", TSYN(SK_LAB, IP(10, 1, 0, 6), 443), .seq = 0xf0f0f0f0,
	  .expect = C(TX_SYNACK) },
	{ "syn port 65535", TSYN(SK_LAB, IP(10, 1, 0, 5), 65535), .seq = 0x0000ffff,
	  .expect = C(TX_SYNACK) },
	{ "syn other scanner address", TSYN(SK_LAB, IP(198, 51, 100, 80), 80),
	  .saddr = IP(203, 0, 113, 9), .seq = 0x1f2e3d4c, .expect = C(TX_SYNACK) },
	{ "syn other host, default scanner", TSYN(SK_LAB, IP(198, 51, 100, 80), 80),
	  .seq = 0x2f3e4d5c, .expect = C(TX_SYNACK) },
	{ "syn lab boundary: 100.64.1.0", TSYN(SK_LAB, IP(100, 64, 1, 0), 80), .seq = 0x10203040,
	  .expect = C(TX_SYNACK) },
	{ "syn lab boundary: 100.63.255.255", TSYN(SK_LAB, IP(100, 63, 255, 255), 80),
	  .seq = 0x50607080, .expect = C(TX_SYNACK) },
	/* --- SYN shapes scanners really send --- */
	{ "syn nonzero ack field (masscan/ZMap)", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .sport = 61000,
	  .seq = 0xdeadbeef, .ack = 0xcafef00d, .expect = C(TX_SYNACK) },
	{ "syn seq 0xffffffff: ack wraps to 0", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .sport = 32768,
	  .seq = 0xffffffff, .expect = C(TX_SYNACK) },
	{ "syn seq 0", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .sport = 32769, .seq = 0,
	  .expect = C(TX_SYNACK) },
	{ "syn linux options (doff 10)", TSYN(SK_LAB, IP(10, 1, 0, 7), 80), .sport = 50000,
	  .seq = 0x600dcafe, .win = 64240, .topts = TOPT_LINUX, .expect = C(TX_SYNACK) },
	{ "syn 40 bytes of options (doff 15)", TSYN(SK_LAB, IP(10, 1, 0, 7), 80), .sport = 50001,
	  .seq = 0x0badf00d, .win = 65535, .topts = TOPT_40, .expect = C(TX_SYNACK) },
	{ "syn ECE|CWR answered with exactly 0x12",
	  TFLAGS(SK_LAB, IP(10, 1, 0, 9), 80, SYN | ECE | CWR), .sport = 50002, .seq = 0xecececec,
	  .topts = TOPT_LINUX, .expect = C(TX_SYNACK) },
	{ "syn PSH|URG answered with exactly 0x12",
	  TFLAGS(SK_LAB, IP(10, 1, 0, 9), 80, SYN | PSH | URG), .sport = 50003, .seq = 0x0e0e0e0e,
	  .urg = 7, .expect = C(TX_SYNACK) },
	{ "syn padded to 60 bytes", TSYN(SK_LAB, IP(10, 2, 3, 4), 80), .sport = 50004,
	  .seq = 0x60606060, .pad = 6, .expect = C(TX_SYNACK) },
	{ "syn padded with junk", TSYN(SK_LAB, IP(10, 5, 1, 2), 80), .sport = 50005,
	  .seq = 0x61616161, .pad = 11, .pad_fill = 0xa5, .expect = C(TX_SYNACK) },
	{ "syn IP options (ihl 6)", TSYN(SK_LAB, IP(10, 4, 0, 2), 80), .sport = 50006,
	  .seq = 0x0b0b0b0b, .ip_opts = 4, .expect = C(TX_SYNACK) },
	{ "syn ihl 15, doff 15, padded", TSYN(SK_LAB, IP(10, 4, 0, 4), 80), .sport = 50007,
	  .seq = 0x0f0f0f0f, .ip_opts = 40, .topts = TOPT_40, .pad = 5, .pad_fill = 0x5a,
	  .expect = C(TX_SYNACK) },
	{ "syn DF set", TSYN(SK_LAB, IP(10, 5, 9, 9), 80), .sport = 50008, .seq = 0xdfdfdfdf,
	  .frag = 0x4000, .expect = C(TX_SYNACK) },
	{ "syn TTL 64 already", TSYN(SK_LAB, IP(10, 5, 9, 10), 80), .sport = 50009,
	  .seq = 0x40404040, .ttl = 64, .expect = C(TX_SYNACK) },
	{ "syn TTL 1", TSYN(SK_LAB, IP(10, 5, 9, 11), 80), .sport = 50010, .seq = 0x01010101,
	  .ttl = 1, .expect = C(TX_SYNACK) },
	{ "syn first entry again, other seq", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .seq = 0x55667788,
	  .expect = C(TX_SYNACK) },
	{ "syn lab address, lab check off", TSYN(SK_OPEN, IP(100, 64, 0, 5), 80), .seq = 0x64640005,
	  .expect = C(TX_SYNACK) },
	{ "syn first entry, other ISN key", TSYN(SK_OPEN, IP(10, 1, 0, 5), 80), .seq = 0x11223344,
	  .expect = C(TX_SYNACK) },
	{ "syn first entry on corrupt world's sane part", TSYN(SK_CORRUPT, IP(10, 1, 0, 5), 80),
	  .seq = 0x11223344, .expect = C(TX_SYNACK) },

	/* --- ICMP echo -> echo reply --- */
	{ "echo array", ECHO(SK_LAB, IP(10, 1, 0, 6)), .icmp_id = 0x1234, .icmp_seq = 1,
	  .expect = C(TX_ECHO_REPLY) },
	{ "echo bitmap, 56-byte payload (ping)", ECHO(SK_LAB, IP(10, 4, 0, 1)), .icmp_id = 0x4242,
	  .icmp_seq = 7, .payload = 56, .expect = C(TX_ECHO_REPLY) },
	{ "echo full, odd payload", ECHO(SK_LAB, IP(10, 5, 7, 7)), .icmp_id = 0xbeef,
	  .icmp_seq = 0x100, .payload = 57, .expect = C(TX_ECHO_REPLY) },
	{ "echo last directory entry", ECHO(SK_LAB, IP(255, 255, 255, 254)), .icmp_id = 1,
	  .icmp_seq = 2, .expect = C(TX_ECHO_REPLY) },
	{ "echo id/seq 0xffff (masscan cookie)", ECHO(SK_LAB, IP(10, 4, 249, 255)),
	  .icmp_id = 0xffff, .icmp_seq = 0xffff, .payload = 8, .expect = C(TX_ECHO_REPLY) },
	{ "echo padded to 60 bytes", ECHO(SK_LAB, IP(10, 1, 0, 6)), .icmp_id = 0x0060,
	  .icmp_seq = 0x0060, .pad = 18, .expect = C(TX_ECHO_REPLY) },
	{ "echo IP options, padded with junk", ECHO(SK_LAB, IP(10, 5, 0, 1)), .icmp_id = 0x0606,
	  .icmp_seq = 3, .ip_opts = 4, .payload = 3, .pad = 15, .pad_fill = 0xee,
	  .expect = C(TX_ECHO_REPLY) },
	{ "echo DF set", ECHO(SK_LAB, IP(10, 5, 0, 2)), .icmp_id = 0x0d0f, .icmp_seq = 4,
	  .frag = 0x4000, .payload = 16, .expect = C(TX_ECHO_REPLY) },
	{ "echo lab address, lab check off", ECHO(SK_OPEN, IP(100, 64, 0, 5)), .icmp_id = 0x6464,
	  .icmp_seq = 5, .expect = C(TX_ECHO_REPLY) },

	/* --- ARP goes to the kernel --- */
	{ "arp request for the gateway", .sk = SK_LAB, .kind = K_ARP, .daddr = IP(100, 64, 0, 1),
	  .expect = C(PASS_ARP) },
	{ "arp ethertype, header only", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0x0806,
	  .expect = C(PASS_ARP) },
	{ "arp on the empty world", .sk = SK_EMPTY, .kind = K_ARP, .daddr = IP(100, 64, 0, 1),
	  .expect = C(PASS_ARP) },

	/* --- misses right next to hits --- */
	{ "miss array4 below first", TSYN(SK_LAB, IP(10, 1, 0, 4), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 between 1st and 2nd", TSYN(SK_LAB, IP(10, 1, 0, 6), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 between 2nd and 3rd", TSYN(SK_LAB, IP(10, 1, 0, 8), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 after 3rd", TSYN(SK_LAB, IP(10, 1, 0, 10), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 before last", TSYN(SK_LAB, IP(10, 1, 200, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 above last", TSYN(SK_LAB, IP(10, 1, 200, 2), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array4 block top", TSYN(SK_LAB, IP(10, 1, 255, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array1 below", TSYN(SK_LAB, IP(10, 2, 3, 3), 80), .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array1 above", TSYN(SK_LAB, IP(10, 2, 3, 5), 80), .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss block 0 (0.0.0.0)", TSYN(SK_LAB, IP(0, 0, 0, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 block bottom", TSYN(SK_LAB, IP(10, 3, 0, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 below first", TSYN(SK_LAB, IP(10, 3, 0, 7), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 above first", TSYN(SK_LAB, IP(10, 3, 0, 9), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 middle", TSYN(SK_LAB, IP(10, 3, 128, 9), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 below last", TSYN(SK_LAB, IP(10, 3, 255, 135), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 above last", TSYN(SK_LAB, IP(10, 3, 255, 137), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split2 block top", TSYN(SK_LAB, IP(10, 3, 255, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss array63 between entries", TSYN(SK_LAB, IP(10, 17, 0, 1), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 block bottom", TSYN(SK_LAB, IP(10, 15, 0, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 between entries", TSYN(SK_LAB, IP(10, 15, 0, 2), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 past bucket 0's entries", TSYN(SK_LAB, IP(10, 15, 0, 179), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 empty bucket", TSYN(SK_LAB, IP(10, 15, 0x10, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 last address before bucket 14", TSYN(SK_LAB, IP(10, 15, 0xdf, 0xff), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 inside bucket 14", TSYN(SK_LAB, IP(10, 15, 0xe0, 1), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided64 below block top", TSYN(SK_LAB, IP(10, 15, 255, 254), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided300 below first", TSYN(SK_LAB, IP(10, 16, 0, 7), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss guided300 block top", TSYN(SK_LAB, IP(10, 16, 255, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split16 below first", TSYN(SK_LAB, IP(10, 11, 0, 7), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split16 between entries", TSYN(SK_LAB, IP(10, 11, 0, 9), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split16 above last", TSYN(SK_LAB, IP(10, 11, 255, 249), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split one byte", TSYN(SK_LAB, IP(10, 12, 0, 1), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split 31 bytes below first", TSYN(SK_LAB, IP(10, 12, 1, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split 31 bytes between", TSYN(SK_LAB, IP(10, 12, 1, 2), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split 31 bytes above last", TSYN(SK_LAB, IP(10, 12, 1, 63), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split bitmap odd bit", TSYN(SK_LAB, IP(10, 12, 2, 1), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split bitmap past its hosts", TSYN(SK_LAB, IP(10, 12, 2, 64), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split empty /24", TSYN(SK_LAB, IP(10, 12, 4, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split empty /24 254", TSYN(SK_LAB, IP(10, 12, 254, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split last /24 byte 1", TSYN(SK_LAB, IP(10, 12, 255, 1), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss split last /24 byte 254", TSYN(SK_LAB, IP(10, 12, 255, 254), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss bitmap bit 1", TSYN(SK_LAB, IP(10, 4, 0, 1), 80), .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss bitmap bit 63", TSYN(SK_LAB, IP(10, 4, 0, 63), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss bitmap word 1 bit 1", TSYN(SK_LAB, IP(10, 4, 0, 65), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss bitmap after run", TSYN(SK_LAB, IP(10, 4, 250, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss bitmap before last bit", TSYN(SK_LAB, IP(10, 4, 255, 254), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss empty block after full", TSYN(SK_LAB, IP(10, 6, 0, 0), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss empty block", TSYN(SK_LAB, IP(10, 6, 255, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss last address (255.255.255.255)", TSYN(SK_LAB, IP(255, 255, 255, 255), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss tcp/443 on a tcp/80 host", TSYN(SK_LAB, IP(10, 1, 0, 5), 443),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss tcp/65535 on a tcp/80 host", TSYN(SK_LAB, IP(10, 1, 0, 7), 65535),
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo on a tcp/80-only host", ECHO(SK_LAB, IP(10, 1, 0, 5)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo above array1", ECHO(SK_LAB, IP(10, 1, 0, 7)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo bitmap even", ECHO(SK_LAB, IP(10, 4, 0, 2)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo bitmap after run", ECHO(SK_LAB, IP(10, 4, 250, 1)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo empty block", ECHO(SK_LAB, IP(10, 6, 0, 1)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss echo last address", ECHO(SK_LAB, IP(255, 255, 255, 255)), .icmp_id = 9,
	  .expect = C(DROP_NOT_IN_WORLD) },
	{ "miss lab check off, not in world", TSYN(SK_OPEN, IP(100, 64, 0, 6), 80),
	  .expect = C(DROP_NOT_IN_WORLD) },

	/* --- no host offers the service --- */
	{ "no service tcp/22", TSYN(SK_LAB, IP(10, 1, 0, 5), 22), .expect = C(DROP_NO_SERVICE) },
	{ "no service tcp/0", TSYN(SK_LAB, IP(10, 1, 0, 5), 0), .expect = C(DROP_NO_SERVICE) },
	{ "no service tcp/81 in a full block", TSYN(SK_LAB, IP(10, 5, 0, 1), 81),
	  .expect = C(DROP_NO_SERVICE) },
	{ "no service tcp/444", TSYN(SK_LAB, IP(10, 9, 9, 9), 444), .expect = C(DROP_NO_SERVICE) },
	{ "no service: empty world, syn", TSYN(SK_EMPTY, IP(10, 1, 0, 5), 80),
	  .expect = C(DROP_NO_SERVICE) },
	{ "no service: empty world, echo", ECHO(SK_EMPTY, IP(10, 1, 0, 6)),
	  .expect = C(DROP_NO_SERVICE) },

	/* --- IPv4 that is no probe --- */
	{ "not probe: RST (masscan's reset)", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, RST),
	  .seq = 0x11223345, .expect = C(DROP_NOT_PROBE) },
	{ "not probe: RST|ACK", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, RST | ACK),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: ACK (nmap ping)", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, ACK), .ack = 1,
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: SYN|ACK", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, SYN | ACK),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: SYN|RST", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, SYN | RST),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: SYN|FIN", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, SYN | FIN),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: FIN", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, FIN), .expect = C(DROP_NOT_PROBE) },
	{ "not probe: NULL scan", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, 0),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: Xmas scan", TFLAGS(SK_LAB, IP(10, 1, 0, 5), 80, FIN | PSH | URG),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: RST to a host not in world", TFLAGS(SK_LAB, IP(10, 6, 0, 1), 80, RST),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: UDP", .sk = SK_LAB, .kind = K_UDP, .daddr = IP(10, 1, 0, 5), .dport = 53,
	  .payload = 12, .expect = C(DROP_NOT_PROBE) },
	{ "not probe: ICMP timestamp (nmap)", ICMPT(SK_LAB, IP(10, 1, 0, 6), 13, 0), .payload = 12,
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: ICMP echo reply", ICMPT(SK_LAB, IP(10, 1, 0, 6), 0, 0),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: ICMP echo with code 1", ICMPT(SK_LAB, IP(10, 1, 0, 6), 8, 1),
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: ICMP port unreachable", ICMPT(SK_LAB, IP(10, 1, 0, 6), 3, 3), .payload = 28,
	  .expect = C(DROP_NOT_PROBE) },
	{ "not probe: GRE", .sk = SK_LAB, .kind = K_IPPROTO, .proto = 47, .daddr = IP(10, 1, 0, 5),
	  .payload = 4, .expect = C(DROP_NOT_PROBE) },
	{ "not probe: IP with no payload", .sk = SK_LAB, .kind = K_IPPROTO, .proto = 59,
	  .daddr = IP(10, 1, 0, 5), .expect = C(DROP_NOT_PROBE) },

	/* --- probes in a form rescan does not answer --- */
	{ "unsupported: SYN with 1 byte of data", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .payload = 1,
	  .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: SYN with options and data (TFO)", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .topts = TOPT_LINUX, .payload = 16, .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: SYN with data, padded", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .payload = 2,
	  .pad = 4, .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: fragment MF", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .frag = 0x2000,
	  .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: fragment MF|DF", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .frag = 0x6000,
	  .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: fragment offset 1", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .frag = 0x0001,
	  .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: fragment offset 0x1fff", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .frag = 0x1fff,
	  .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: echo fragment MF", ECHO(SK_LAB, IP(10, 1, 0, 6)), .frag = 0x2000,
	  .payload = 8, .expect = C(DROP_UNSUPPORTED) },
	{ "unsupported: fragment beats bad doff", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .frag = 0x2000,
	  .doff = KEEP(4), .expect = C(DROP_UNSUPPORTED) },

	/* --- the lab network is not the internet --- */
	{ "lab: syn to a world host in the lab net", TSYN(SK_LAB, IP(100, 64, 0, 5), 80),
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: syn to the gateway", TSYN(SK_LAB, IP(100, 64, 0, 1), 80),
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: syn to the network address", TSYN(SK_LAB, IP(100, 64, 0, 0), 80),
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: syn to the broadcast address", TSYN(SK_LAB, IP(100, 64, 0, 255), 80),
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: echo to a world host", ECHO(SK_LAB, IP(100, 64, 0, 5)),
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: ICMP timestamp to the gateway", ICMPT(SK_LAB, IP(100, 64, 0, 1), 13, 0),
	  .payload = 12, .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: RST", TFLAGS(SK_LAB, IP(100, 64, 0, 5), 80, RST), .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: UDP", .sk = SK_LAB, .kind = K_UDP, .daddr = IP(100, 64, 0, 1), .dport = 53,
	  .expect = C(DROP_LAB_INTERNAL) },
	{ "lab: empty world", TSYN(SK_EMPTY, IP(100, 64, 0, 1), 80),
	  .expect = C(DROP_LAB_INTERNAL) },

	/* --- not IPv4 at all --- */
	{ "not ipv4: IPv6 echo", .sk = SK_LAB, .kind = K_IPV6, .expect = C(DROP_NOT_IPV4) },
	{ "not ipv4: IPv6 ethertype, header only", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0x86dd,
	  .expect = C(DROP_NOT_IPV4) },
	{ "not ipv4: 802.1Q-tagged SYN", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .vlan = 1,
	  .expect = C(DROP_NOT_IPV4) },
	{ "not ipv4: LLDP", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0x88cc, .payload = 46,
	  .expect = C(DROP_NOT_IPV4) },
	{ "not ipv4: ethertype 0", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0, .payload = 46,
	  .expect = C(DROP_NOT_IPV4) },

	/* --- truncated or inconsistent headers --- */
	{ "malformed: empty frame", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0x0800,
	  .cut = KEEP(0), .expect = C(DROP_MALFORMED) },
	{ "malformed: 1-byte frame", .sk = SK_LAB, .kind = K_ETH, .ethertype = 0x0800,
	  .cut = KEEP(1), .expect = C(DROP_MALFORMED) },
	{ "malformed: Ethernet cut in the ethertype", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .cut = KEEP(13), .expect = C(DROP_MALFORMED) },
	{ "malformed: ARP frame cut to 12 bytes", .sk = SK_LAB, .kind = K_ARP,
	  .daddr = IP(100, 64, 0, 1), .cut = KEEP(12), .expect = C(DROP_MALFORMED) },
	{ "malformed: IPv4 ethertype, no IP header", .sk = SK_LAB, .kind = K_ETH,
	  .ethertype = 0x0800, .expect = C(DROP_MALFORMED) },
	{ "malformed: IP header cut at 19 bytes", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .cut = KEEP(ETH_LEN + 19), .expect = C(DROP_MALFORMED) },
	{ "malformed: IP version 6 in an IPv4 frame", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .ver = KEEP(6), .expect = C(DROP_MALFORMED) },
	{ "malformed: IP version 0", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .ver = KEEP(0),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ihl 4", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .ihl = KEEP(4),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ihl 1", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .ihl = KEEP(1),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ihl 15 > tot_len", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .ihl = KEEP(15),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: tot_len one past the frame", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .tot_adj = 1,
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: tot_len past padded frame", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .pad = 6,
	  .tot_adj = 7, .expect = C(DROP_MALFORMED) },
	{ "malformed: tot_len 19", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .tot_adj = -21,
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: tot_len 0", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .tot_adj = -40,
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: frame cut inside TCP", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .cut = KEEP(ETH_LEN + 30), .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP doff 4", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .doff = KEEP(4),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP doff 0", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .doff = KEEP(0),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP doff 15, no options", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .doff = KEEP(15),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP doff 6, no options", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .doff = KEEP(6),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP header of 0 bytes", TSYN(SK_LAB, IP(10, 1, 0, 5), 80), .l4_keep = KEEP(0),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP header of 10 bytes", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .l4_keep = KEEP(10), .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP header of 19 bytes", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .l4_keep = KEEP(19), .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP 19 bytes per tot_len, padded", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .l4_keep = KEEP(19), .pad = 20, .expect = C(DROP_MALFORMED) },
	{ "malformed: TCP options cut by tot_len", TSYN(SK_LAB, IP(10, 1, 0, 5), 80),
	  .topts = TOPT_40, .l4_keep = KEEP(30), .expect = C(DROP_MALFORMED) },
	{ "malformed: ICMP of 0 bytes", ECHO(SK_LAB, IP(10, 1, 0, 6)), .l4_keep = KEEP(0),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ICMP of 4 bytes", ECHO(SK_LAB, IP(10, 1, 0, 6)), .l4_keep = KEEP(4),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ICMP of 7 bytes", ECHO(SK_LAB, IP(10, 1, 0, 6)), .l4_keep = KEEP(7),
	  .expect = C(DROP_MALFORMED) },
	{ "malformed: ICMP 7 bytes per tot_len, padded", ECHO(SK_LAB, IP(10, 1, 0, 6)),
	  .l4_keep = KEEP(7), .pad = 20, .expect = C(DROP_MALFORMED) },

	/* --- a corrupt world aborts instead of answering --- */
	{ "abort: service names a missing host set", TSYN(SK_CORRUPT, IP(10, 1, 0, 5), 8080),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: array container past the pool", TSYN(SK_CORRUPT, IP(10, 7, 0, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: bitmap word past the pool", TSYN(SK_CORRUPT, IP(10, 8, 0, 64), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: unknown container kind", TSYN(SK_CORRUPT, IP(10, 10, 0, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: split /24 of more than 32 bytes", TSYN(SK_CORRUPT, IP(10, 11, 0, 8), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: split guide running backwards", TSYN(SK_CORRUPT, IP(10, 11, 1, 8), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: split guide past the pool", TSYN(SK_CORRUPT, IP(10, 13, 8, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: split data past the pool", TSYN(SK_CORRUPT, IP(10, 14, 0, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: guided bucket ending before it starts", TSYN(SK_CORRUPT, IP(10, 15, 0x10, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: guided bucket ending past the entries", TSYN(SK_CORRUPT, IP(10, 15, 0xff, 0xff), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: guided entries past the pool", TSYN(SK_CORRUPT, IP(10, 18, 0, 1), 80),
	  .expect = C(ABORT_INTERNAL) },
	{ "abort: array search running past the pool", TSYN(SK_CORRUPT, IP(10, 19, 255, 255), 80),
	  .expect = C(ABORT_INTERNAL) },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* What a TCP reply row produced, for the ISN checks across rows. */
static struct {
	bool have;
	uint32_t isn;
} isn_of[NR_CASES];

/* ---- one row --------------------------------------------------------------- */

static void check_counters(const struct run *r, int expect)
{
	int k;

	for (k = 0; k < RS_NR_COUNTERS; k++) {
		uint64_t want = k == expect ? 1 : 0;

		CHECK(r->delta[k] == want, "counter %s moved by %llu, expected %llu", cnt_name[k],
		      (unsigned long long)r->delta[k], (unsigned long long)want);
	}
}

static void run_case(size_t idx)
{
	const struct tcase *t = &cases[idx];
	uint8_t exp[FRAME_MAX];
	struct run r, again;
	struct frame f;
	int want = verdict_of_counter(t->expect);

	build(t, &f);
	if (run_prog(t->sk, &f, &r))
		return;
	CHECK(r.retval == (uint32_t)want, "verdict %u, expected %d", r.retval, want);
	check_counters(&r, t->expect);
	CHECK(r.out_len == r.in_len, "output is %u bytes, input %u", r.out_len, r.in_len);

	if (want != V_TX) {
		/* Nothing may be written into a frame that is not answered. */
		if (r.out_len != r.in_len || memcmp(r.out, r.in, r.in_len)) {
			CHECK(0, "a frame that was not answered was changed");
			dump_diff(r.in, r.in_len, r.out, r.out_len);
		}
		return;
	}

	expected_reply(t, &f, r.out, exp);
	if (r.out_len != f.len || memcmp(r.out, exp, f.len)) {
		CHECK(0, "reply differs from the expected reply");
		dump_diff(exp, f.len, r.out, r.out_len);
	}
	check_reply_checksums(r.out, r.out_len);
	if (t->kind == K_TCP) {
		uint32_t l4 = ETH_LEN + (f.b[ETH_LEN] & 15) * 4u;

		isn_of[idx].have = true;
		isn_of[idx].isn = get32(r.out + l4 + 4);
		CHECK(r.out[l4 + 13] == 0x12, "flags byte 0x%02x, not exactly SYN|ACK",
		      r.out[l4 + 13]);
	}

	/* The same probe again must get the very same reply. */
	if (run_prog(t->sk, &f, &again))
		return;
	CHECK(again.retval == (uint32_t)want, "second run: verdict %u", again.retval);
	check_counters(&again, t->expect);
	if (again.out_len != r.out_len || memcmp(again.out, r.out, r.out_len)) {
		CHECK(0, "the same probe twice gave different replies");
		dump_diff(r.out, r.out_len, again.out, again.out_len);
	}
}

/* ---- checks across rows ----------------------------------------------------- */

struct tuple {
	uint32_t key, saddr, daddr;
	uint16_t sport, dport;
};

static struct tuple tuple_of(const struct tcase *t)
{
	return (struct tuple){
		.key = sk_key[t->sk],
		.saddr = t->saddr ? t->saddr : SCANNER_IP,
		.daddr = t->daddr,
		.sport = t->sport ? t->sport : DEFAULT_SPORT,
		.dport = t->dport,
	};
}

static bool tuple_eq(struct tuple a, struct tuple b)
{
	return a.key == b.key && a.saddr == b.saddr && a.daddr == b.daddr && a.sport == b.sport &&
	       a.dport == b.dport;
}

/*
 * The ISN is a keyed function of the 4-tuple: equal for the same key and
 * 4-tuple (whatever the probe's seq or options, and across program
 * instances), different otherwise. A chance collision of two 32-bit values
 * among these few rows is far below one in a million.
 */
static void isn_keyed_by_tuple(void)
{
	size_t i, j, pairs_same = 0, pairs_other_key = 0;

	for (i = 0; i < NR_CASES; i++) {
		for (j = i + 1; j < NR_CASES; j++) {
			struct tuple a, b;

			if (!isn_of[i].have || !isn_of[j].have)
				continue;
			a = tuple_of(&cases[i]);
			b = tuple_of(&cases[j]);
			if (tuple_eq(a, b)) {
				pairs_same++;
				CHECK(isn_of[i].isn == isn_of[j].isn,
				      "same key and 4-tuple, different ISN: '%s' %08x, '%s' %08x",
				      cases[i].name, isn_of[i].isn, cases[j].name, isn_of[j].isn);
			} else {
				b.key = a.key;
				if (tuple_eq(a, b))
					pairs_other_key++;
				CHECK(isn_of[i].isn != isn_of[j].isn,
				      "different probes share ISN %08x: '%s' and '%s'",
				      isn_of[i].isn, cases[i].name, cases[j].name);
			}
		}
	}
	/* The table must actually contain both kinds of pairs. */
	CHECK(pairs_same >= 2, "only %zu same-tuple pairs", pairs_same);
	CHECK(pairs_other_key >= 1, "no pair differing only in the key");
}

/* Every verdict bumps exactly one counter: their sum is the number of runs. */
static void counters_sum_to_runs(void)
{
	uint64_t v[RS_NR_COUNTERS], sum;
	int sk, k, err;

	for (sk = 0; sk < NR_SK; sk++) {
		err = loader_read_percpu(bpf_map__fd(skel[sk]->maps.counters), v, RS_NR_COUNTERS);
		CHECK(!err, "reading %s's counters: %s", sk_name[sk], strerror(-err));
		if (err)
			continue;
		for (sum = 0, k = 0; k < RS_NR_COUNTERS; k++)
			sum += v[k];
		CHECK(sum == runs[sk], "responder '%s': counters sum to %llu after %llu runs",
		      sk_name[sk], (unsigned long long)sum, (unsigned long long)runs[sk]);
	}
}

/*
 * Per-scanner counters: a probe from a host of the lab's /24 counts in that
 * host's row as well as in the totals; from anywhere else, or on a
 * responder without a lab network, only in the totals.
 */
static void source_counters_by_scanner(void)
{
	static const struct {
		int sk;
		uint32_t saddr;
		int host;	/* row it must count in, -1 = none */
	} probes[] = {
		{ SK_LAB, IP(100, 64, 0, 2), 2 },	/* the lab's own scanner */
		{ SK_LAB, IP(100, 64, 0, 129), 129 },	/* student 1 */
		{ SK_LAB, IP(100, 64, 0, 255), 255 },	/* the last row */
		{ SK_LAB, IP(100, 64, 1, 5), -1 },	/* next to the lab's /24 */
		{ SK_LAB, IP(203, 0, 113, 9), -1 },
		{ SK_OPEN, IP(100, 64, 0, 129), -1 },	/* no lab network set */
	};
	static uint64_t before[RS_SOURCES * RS_NR_COUNTERS], after[RS_SOURCES * RS_NR_COUNTERS];
	size_t i, k;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct tcase t = { TSYN(probes[i].sk, IP(10, 1, 0, 5), 80), .saddr = probes[i].saddr,
				   .expect = C(TX_SYNACK) };
		int fd = bpf_map__fd(skel[t.sk]->maps.source_counters);
		uint64_t moved = 0;
		struct frame f;
		struct run r;

		build(&t, &f);
		if (loader_read_percpu(fd, before, RS_SOURCES * RS_NR_COUNTERS) ||
		    run_prog(t.sk, &f, &r) ||
		    loader_read_percpu(fd, after, RS_SOURCES * RS_NR_COUNTERS)) {
			CHECK(0, "probe %zu: reading or running failed", i);
			continue;
		}
		CHECK(r.retval == XDP_TX, "probe %zu: verdict %u", i, r.retval);
		for (k = 0; k < RS_SOURCES * RS_NR_COUNTERS; k++)
			moved += after[k] - before[k];
		if (probes[i].host < 0) {
			CHECK(moved == 0, "probe %zu from outside the lab moved %llu per-source counters",
			      i, (unsigned long long)moved);
			continue;
		}
		k = (size_t)probes[i].host * RS_NR_COUNTERS + RS_CNT_TX_SYNACK;
		CHECK(moved == 1 && after[k] - before[k] == 1,
		      "probe %zu: host %d's tx_synack moved by %llu, all rows by %llu", i,
		      probes[i].host, (unsigned long long)(after[k] - before[k]),
		      (unsigned long long)moved);
	}
}

/*
 * A TCP SYN to every address of block on port, on SK_LAB: how many were
 * not answered as ref says (XDP_TX for a host, XDP_DROP otherwise), or -1
 * (after a failed CHECK) if the kernel would not run the program.
 */
static long probe_block(uint32_t block, uint16_t port, const bool *ref)
{
	int prog_fd = bpf_program__fd(skel[SK_LAB]->progs.rescan_responder);
	long wrong = 0;
	uint32_t i;

	for (i = 0; i < 65536; i++) {
		struct tcase t = { TSYN(SK_LAB, block + i, port), .seq = i };
		struct frame f;
		struct run r;

		build(&t, &f);
		if (test_run(prog_fd, &f, &r, false)) {
			CHECK(0, "BPF_PROG_TEST_RUN failed: %s", strerror(errno));
			return -1;
		}
		runs[SK_LAB]++;
		if (r.retval != (ref[i] ? XDP_TX : XDP_DROP))
			wrong++;
	}
	return wrong;
}

/*
 * Every address of the array, guided and split test blocks (10.20, 10.21:
 * the windows), probed: the
 * kernel answers exactly the hosts the reference lists (computed from how
 * the blocks were filled, not from the world's encoding).
 */
static void every_address_of_search_blocks(void)
{
	static const uint32_t blocks[] = { IP(10, 3, 0, 0), IP(10, 15, 0, 0), IP(10, 16, 0, 0),
					   IP(10, 17, 0, 0) };
	static const uint32_t hosts[] = { 512, 64, 300, 63 };
	static const struct {
		uint32_t block;
		bool (*host)(uint32_t a);
	} windows[] = { { IP(10, 20, 0, 0), window_host }, { IP(10, 21, 0, 0), guided_window_host } };
	static bool ref[65536];
	size_t k;
	long wrong;
	uint32_t i;

	for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
		memset(ref, 0, sizeof(ref));
		for (i = 0; i < hosts[k]; i++)
			ref[(k == 0 ? blocks[k] + 8 + 128 * i : guided_ref_addr(blocks[k], i)) & 0xffff] =
				true;
		wrong = probe_block(blocks[k], 80, ref);
		if (wrong < 0)
			return;
		CHECK(wrong == 0, "block %u.%u: %ld of 65536 addresses answered wrongly", blocks[k] >> 24,
		      blocks[k] >> 16 & 0xff, wrong);
	}
	for (k = 0; k < sizeof(windows) / sizeof(windows[0]); k++) {
		for (i = 0; i < 65536; i++)
			ref[i] = windows[k].host(windows[k].block + i);
		wrong = probe_block(windows[k].block, 80, ref);
		if (wrong < 0)
			return;
		CHECK(wrong == 0, "block %u.%u: %ld of 65536 addresses answered wrongly",
		      windows[k].block >> 24, windows[k].block >> 16 & 0xff, wrong);
	}
}

/*
 * The kernel's pool is cut into chunks and the loader moves containers so
 * that none straddles two (rescan_abi.h). In the world's own layout one of
 * tcp/3389's bitmaps does; every address of it and of its neighbours is
 * answered as edge_host() says, and in the kernel no container straddles.
 */
static void chunk_edges(void)
{
	int dfd = bpf_map__fd(skel[SK_LAB]->maps.world_dir);
	uint32_t set = set_of("tcp/3389"), edge = UINT32_MAX, b, i, key;
	size_t k, straddles = 0;
	static bool ref[65536];
	long wrong;

	for (b = 0; b < EDGE_BLOCKS; b++) {
		const struct rs_dir_entry *de = &world.dir[(size_t)set * RS_BLOCKS + (20u << 8 | b)];

		CHECK(de->kind == RS_C_BITMAP, "20.%u/16 is not a bitmap", b);
		if (de->off % RS_POOL_CHUNK_WORDS + RS_BITMAP_WORDS > RS_POOL_CHUNK_WORDS)
			edge = b;
	}
	CHECK(edge != UINT32_MAX && edge > 0 && edge + 1 < EDGE_BLOCKS,
	      "no tcp/3389 bitmap straddles a chunk edge in the world: change the test world");
	if (check_failed_in_test)
		return;
	for (k = 0; k < (size_t)world.nsets * RS_BLOCKS; k++) {
		struct rs_dir_entry de;

		key = (uint32_t)k;
		if (bpf_map_lookup_elem(dfd, &key, &de)) {
			CHECK(0, "reading the kernel's directory: %s", strerror(errno));
			return;
		}
		if (de.off % RS_POOL_CHUNK_WORDS + rs_container_words(de.kind, de.n) > RS_POOL_CHUNK_WORDS)
			straddles++;
	}
	CHECK(straddles == 0, "%zu containers straddle a chunk edge in the kernel", straddles);
	for (b = edge - 1; b <= edge + 1; b++) {
		for (i = 0; i < 65536; i++)
			ref[i] = edge_host(IP(20, b, 0, 0) + i);
		wrong = probe_block(IP(20, b, 0, 0), 3389, ref);
		if (wrong < 0)
			return;
		CHECK(wrong == 0, "block 20.%u: %ld of 65536 addresses answered wrongly", b, wrong);
	}
}

/* Every counter is some row's expectation: no verdict path goes untested. */
static void every_counter_covered(void)
{
	bool seen[RS_NR_COUNTERS] = { false };
	size_t i;
	int k;

	for (i = 0; i < NR_CASES; i++)
		seen[cases[i].expect] = true;
	for (k = 0; k < RS_NR_COUNTERS; k++)
		CHECK(seen[k], "no row expects counter %s", cnt_name[k]);
}

/* The world really has the container kinds the rows claim to exercise. */
static void world_has_every_container_kind(void)
{
	static const struct {
		const char *svc;
		uint32_t addr;
		uint16_t kind, n;
	} want[] = {
		{ "tcp/80", IP(0, 0, 0, 0), RS_C_ARRAY, 1 },
		{ "tcp/80", IP(10, 1, 0, 0), RS_C_ARRAY, 4 },
		{ "tcp/80", IP(10, 2, 0, 0), RS_C_ARRAY, 1 },
		{ "tcp/80", IP(10, 3, 0, 0), RS_C_SPLIT, 512 },
		{ "tcp/80", IP(10, 15, 0, 0), RS_C_GUIDED, 64 },
		{ "tcp/80", IP(10, 16, 0, 0), RS_C_GUIDED, 300 },
		{ "tcp/80", IP(10, 17, 0, 0), RS_C_ARRAY, 63 },
		{ "tcp/80", IP(10, 4, 0, 0), RS_C_BITMAP, 0 },
		{ "tcp/80", IP(10, 5, 0, 0), RS_C_FULL, 0 },
		{ "tcp/80", IP(10, 6, 0, 0), RS_C_EMPTY, 0 },
		{ "tcp/80", IP(10, 11, 0, 0), RS_C_SPLIT, RS_ARRAY_MAX },
		{ "tcp/80", IP(10, 20, 0, 0), RS_C_SPLIT, 32 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) },
		{ "tcp/80", IP(10, 21, 0, 0), RS_C_GUIDED, 2 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) },
		{ "tcp/80", IP(10, 12, 0, 0), RS_C_SPLIT, 1 + 31 + 32 + 32 + 2 },
		{ "tcp/80", IP(255, 255, 0, 0), RS_C_ARRAY, 1 },
		{ "icmp", IP(10, 4, 0, 0), RS_C_BITMAP, 0 },
		{ "icmp", IP(10, 5, 0, 0), RS_C_FULL, 0 },
		{ "icmp", IP(255, 255, 0, 0), RS_C_ARRAY, 1 },
	};
	size_t i;

	CHECK(set_of("icmp") == world.nsets - 1, "icmp is not the last host set");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct rs_dir_entry *de = dir_of(want[i].svc, want[i].addr);

		CHECK(de->kind == want[i].kind, "%s block %u.%u: kind %u, expected %u", want[i].svc,
		      want[i].addr >> 24, want[i].addr >> 16 & 0xff, de->kind, want[i].kind);
		if (want[i].kind == RS_C_ARRAY || want[i].kind == RS_C_SPLIT ||
		    want[i].kind == RS_C_GUIDED)
			CHECK(de->n == want[i].n, "%s block %u.%u: n %u, expected %u", want[i].svc,
			      want[i].addr >> 24, want[i].addr >> 16 & 0xff, de->n, want[i].n);
	}
}

/* ---- main ------------------------------------------------------------------- */

static int load_all(void)
{
	const struct responder_cfg cfg[NR_SK] = {
		[SK_LAB] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[SK_OPEN] = { 0, 0, KEY_B },
		[SK_EMPTY] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
		[SK_CORRUPT] = { htonl(LAB_NET), htonl(LAB_MASK), KEY_A },
	};
	int sk, err;

	for (sk = 0; sk < NR_SK; sk++) {
		err = loader_load_responder(sk == SK_EMPTY ? &empty_world : &world, &cfg[sk],
					    &skel[sk]);
		if (err) {
			printf("not ok 1 - load the responder (%s): %s%s\n", sk_name[sk],
			       rs_last_error(),
			       err == -EPERM || err == -EACCES ?
				       " -- these tests need root with BPF; NOT skipped, FAILED" :
				       "");
			return err;
		}
	}
	err = corrupt_world();
	if (err) {
		printf("not ok 1 - damage the corrupt responder's maps: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

int main(void)
{
	size_t i;
	int sk, ret;

	if (build_worlds()) {
		printf("not ok 1 - build the test world\n1..1\n");
		return 1;
	}
	if (load_all()) {
		printf("1..1\n");
		return 1;
	}

	RUN_TEST(world_has_every_container_kind);
	RUN_TEST(every_counter_covered);
	for (i = 0; i < NR_CASES; i++) {
		check_failed_in_test = 0;
		run_case(i);
		check_tests_run++;
		if (check_failed_in_test)
			check_tests_failed++;
		printf("%s %d - %s [%s: %s]\n", check_failed_in_test ? "not ok" : "ok",
		       check_tests_run, cases[i].name, sk_name[cases[i].sk],
		       cnt_name[cases[i].expect]);
	}
	RUN_TEST(isn_keyed_by_tuple);
	RUN_TEST(every_address_of_search_blocks);
	RUN_TEST(chunk_edges);
	RUN_TEST(source_counters_by_scanner);
	RUN_TEST(counters_sum_to_runs);

	ret = CHECK_DONE();
	for (sk = 0; sk < NR_SK; sk++)
		loader_free_responder(skel[sk]);
	world_free(&world);
	world_free(&empty_world);
	return ret;
}
