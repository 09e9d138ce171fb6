// SPDX-License-Identifier: GPL-2.0-only
/*
 * world.c - the packet fuzzer's worlds and responders. The worlds are
 * small and regular, so that what they answer is a predicate on the
 * address (fz_world_answer()), written here from how the sets are
 * filled, never read back from the world's encoding: the fuzzer tests
 * the packet path, test_responder.c the lookup's every container.
 *
 *   W1: tcp/80, tcp/443, udp/53 (DNS), udp/123 (NTP), udp/161 (SNMP),
 *       udp/1900 (SSDP), udp/7 (echo): open, closed, filtered on FZ_NET;
 *       tcp/8080 open on all of FZ_FULL_NET; icmp and icmp/timestamp;
 *       the policies of TCP and UDP closed.
 *   W2: tcp/80, icmp, udp/53, udp/7 as in W1; no policy, no timestamp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fuzz.h"
#include "ipset.h"
#include "lab_side.skel.h"
#include "loader.h"
#include "responder.skel.h"
#include "service.h"
#include "util.h"
#include "world.h"

const struct fz_resp_cfg fz_cfg[NR_RESP] = {
	[R_LAB] = { "lab", 1, LAB_NET, LAB_MASK, 0x0f0e0d01 },
	[R_SEAT] = { "seat", 1, LAB_NET, LAB_MASK, 0x0f0e0d02, FZ_STUDENT, 0xffffffff,
		     .do_not_scan = true },
	[R_OPEN] = { "open", 2, 0, 0, 0x0f0e0d03, LAB_NET, IP(255, 255, 255, 128) },
	[R_CAP] = { "capped", 2, LAB_NET, LAB_MASK, 0x0f0e0d04, LAB_NET, IP(255, 255, 255, 128),
		    .capped = true },
};

/* R_SEAT's do-not-scan ranges, longest prefix wins; a label past RS_DNS_LABELS too. */
static const struct {
	uint32_t addr, prefix, label;
} dns_ranges[] = {
	{ FZ_NET + 64, 27, 5 },
	{ FZ_NET + 77, 32, 9 },
	{ FZ_NET + 200, 29, RS_DNS_LABELS },
	{ FZ_FULL_NET, 17, RS_DNS_LABELS - 1 },
	{ IP(100, 64, 0, 0), 10, 1 },
};

int fz_dns_label(uint32_t addr)
{
	uint32_t best = 0, i;
	int label = -1;

	for (i = 0; i < N_ROWS(dns_ranges); i++) {
		uint32_t mask = dns_ranges[i].prefix ? ~0u << (32 - dns_ranges[i].prefix) : 0;

		if ((addr & mask) == dns_ranges[i].addr && dns_ranges[i].prefix >= best) {
			best = dns_ranges[i].prefix;
			label = (int)dns_ranges[i].label;
		}
	}
	return label;
}

/* ---- what the worlds answer ---------------------------------------------- */

static bool in_net(uint32_t a)
{
	return (a & 0xffffff00) == FZ_NET;
}

/* The class of a host of FZ_NET: 1 open, 2 closed, 3 filtered, 0 in no listed set. */
static uint32_t host_class(uint32_t a)
{
	return in_net(a) ? (a & 0xff) % 4 : 0;
}

static bool in_policy(uint32_t a)
{
	return in_net(a) && ((a & 0xff) % 4 == 3 || (a & 0xff) % 8 == 0);
}

/* Service buckets: the loader numbers the policies first, then the rest in the order added. */
static const struct svc_row {
	int world;		/* 1, 2 or 3 (both) */
	uint32_t slot, port;
	int bucket_w1, bucket_w2;
} services[] = {
	{ 1, RS_SLOT_TCP, RS_PORT_OTHER, 1, 0 },
	{ 1, RS_SLOT_UDP, RS_PORT_OTHER, 2, 0 },
	{ 3, RS_SLOT_TCP, 80, 3, 1 },
	{ 1, RS_SLOT_TCP, 443, 4, 0 },
	{ 1, RS_SLOT_TCP, 8080, 5, 0 },
	{ 3, RS_SLOT_ICMP, RS_ICMP_ECHO, 6, 2 },
	{ 1, RS_SLOT_ICMP, RS_ICMP_TIMESTAMP, 7, 0 },
	{ 3, RS_SLOT_UDP, 53, 8, 3 },
	{ 1, RS_SLOT_UDP, 123, 9, 0 },
	{ 1, RS_SLOT_UDP, 161, 10, 0 },
	{ 1, RS_SLOT_UDP, 1900, 11, 0 },
	{ 3, RS_SLOT_UDP, 7, 12, 4 },
};

static const struct svc_row *listed(int w, uint32_t slot, uint32_t port)
{
	size_t i;

	for (i = 0; i < N_ROWS(services); i++)
		if ((services[i].world & w) && services[i].slot == slot &&
		    services[i].port == port && !(slot != RS_SLOT_ICMP && port == RS_PORT_OTHER))
			return &services[i];
	return NULL;
}

static int bucket(int w, const struct svc_row *s)
{
	return w == 1 ? s->bucket_w1 : s->bucket_w2;
}

enum fz_answer fz_world_answer(int w, uint32_t slot, uint32_t port, uint32_t addr, int *bkt,
			       int *reply)
{
	const struct svc_row *s = listed(w, slot, port);
	bool policy = w == 1;	/* W1 has policies for TCP and UDP, W2 none */

	*reply = RS_UDP_ECHO;
	if (slot == RS_SLOT_UDP) {
		switch (port) {
		case 53:
			*reply = RS_UDP_DNS;
			break;
		case 123:
			*reply = RS_UDP_NTP;
			break;
		case 161:
			*reply = RS_UDP_SNMP;
			break;
		case 1900:
			*reply = RS_UDP_SSDP;
			break;
		}
	}
	if (slot == RS_SLOT_ICMP) {
		*bkt = s ? bucket(w, s) : RS_SVC_NONE;
		if (!s)
			return A_NO_SERVICE;
		if (port == RS_ICMP_ECHO)
			return host_class(addr) == 1 ? A_OPEN : A_SILENT;
		return in_net(addr) && (addr & 0xff) % 8 == 1 ? A_OPEN : A_SILENT;
	}
	*bkt = s ? bucket(w, s) : policy ? (slot == RS_SLOT_TCP ? 1 : 2) : RS_SVC_NONE;
	if (s) {
		if (slot == RS_SLOT_TCP && port == 8080) {
			if ((addr & 0xffff0000) == FZ_FULL_NET)
				return A_OPEN;
		} else {
			switch (host_class(addr)) {
			case 1:
				return A_OPEN;
			case 2:
				return A_CLOSED;
			case 3:
				return A_FILTERED;
			}
		}
	}
	if (policy && in_policy(addr))
		return A_CLOSED;
	return s || policy ? A_SILENT : A_NO_SERVICE;
}

/* ---- building and loading ------------------------------------------------- */

static struct world worlds[2];
static struct responder_bpf *skel[NR_RESP];
static struct lab_side_bpf *lab;

/* FZ_NET's hosts of class c (host_class()), the policy's (c = 4), or all of FZ_FULL_NET (5). */
static void fill(struct ipset *s, int c)
{
	uint32_t a;

	ipset_clear(s);
	if (c == 5) {
		ipset_add_range(s, FZ_FULL_NET, FZ_FULL_NET + 0xffff);
		return;
	}
	for (a = FZ_NET; a <= FZ_NET + 255; a++)
		if (c == 4 ? in_policy(a) : (int)host_class(a) == c)
			ipset_add(s, a);
}

static int add(struct world *w, struct ipset *s, uint32_t slot, uint32_t port, enum rs_state st,
	       int c)
{
	struct rs_svc svc = { slot, port };

	fill(s, c);
	return world_add_service(w, svc, st, s);
}

static int add_timestamp(struct world *w, struct ipset *s)
{
	struct rs_svc svc = { RS_SLOT_ICMP, RS_ICMP_TIMESTAMP };
	uint32_t a;

	ipset_clear(s);
	for (a = FZ_NET + 1; a <= FZ_NET + 255; a += 8)
		ipset_add(s, a);
	return world_add_service(w, svc, RS_STATE_OPEN, s);
}

static int build(int wi, struct world *w, struct ipset *s)
{
	size_t i;
	int err = 0;

	world_init(w, 100 + wi);
	for (i = 0; i < N_ROWS(services) && !err; i++) {
		const struct svc_row *r = &services[i];
		enum rs_state st;

		if (!(r->world & wi))
			continue;
		if (r->slot != RS_SLOT_ICMP && r->port == RS_PORT_OTHER)
			err = add(w, s, r->slot, r->port, RS_STATE_CLOSED, 4);
		else if (r->slot == RS_SLOT_ICMP && r->port == RS_ICMP_TIMESTAMP)
			err = add_timestamp(w, s);
		else if (r->slot == RS_SLOT_ICMP)
			err = add(w, s, r->slot, r->port, RS_STATE_OPEN, 1);
		else if (r->port == 8080)
			err = add(w, s, r->slot, r->port, RS_STATE_OPEN, 5);
		else
			for (st = RS_STATE_OPEN; st < RS_NR_STATES && !err; st++)
				err = add(w, s, r->slot, r->port, st, (int)st + 1);
	}
	if (err)
		printf("# building fuzz world W%d: %s\n", wi, rs_last_error());
	return err;
}

static int seat(enum fz_resp r)
{
	const struct fz_resp_cfg *c = &fz_cfg[r];
	struct rs_seat st = { .addr = htonl(c->seat_addr), .mask = htonl(c->seat_mask) };
	uint32_t ifindex = if_nametoindex("lo");

	if (!c->seat_mask)
		return 0;
	if (c->capped)
		st.interval_ns = 1ull << 62;	/* the first probe moves the clock past any run */
	if (!ifindex)
		return -errno;
	return bpf_map_update_elem(bpf_map__fd(skel[r]->maps.seats), &ifindex, &st, BPF_ANY) ?
		       -errno :
		       0;
}

static int ranges(enum fz_resp r)
{
	int fd = bpf_map__fd(skel[r]->maps.do_not_scan);
	size_t i;

	for (i = 0; i < N_ROWS(dns_ranges); i++) {
		struct rs_dns_key k = { dns_ranges[i].prefix, htonl(dns_ranges[i].addr) };

		if (bpf_map_update_elem(fd, &k, &dns_ranges[i].label, BPF_NOEXIST))
			return -errno;
	}
	return 0;
}

static int load_lab_side(void)
{
	int err;

	lab = lab_side_bpf__open();
	if (!lab)
		return -errno;
	lab->rodata->lab_net = htonl(LAB_NET);
	lab->rodata->lab_mask = htonl(LAB_MASK);
	err = lab_side_bpf__load(lab);
	return err ? -errno : 0;
}

int fz_load(void)
{
	struct ipset s;
	int r, err;

	err = ipset_init(&s);
	if (err) {
		printf("# ipset_init: %s\n", strerror(-err));
		return err;
	}
	err = build(1, &worlds[0], &s);
	if (!err)
		err = build(2, &worlds[1], &s);
	ipset_free(&s);
	if (err)
		return err;
	for (r = 0; r < NR_RESP && !err; r++) {
		const struct fz_resp_cfg *c = &fz_cfg[r];
		struct responder_cfg rc = { htonl(c->lab_net), htonl(c->lab_mask), c->key,
					    .do_not_scan = c->do_not_scan };

		err = loader_load_responder(&worlds[c->world - 1], &rc, &skel[r]);
		if (err) {
			printf("# loading responder '%s': %s%s\n", c->name, rs_last_error(),
			       err == -EPERM || err == -EACCES ? " (needs root with BPF)" : "");
			return err;
		}
		err = seat(r);
		if (!err && c->do_not_scan)
			err = ranges(r);
		if (err)
			printf("# seating responder '%s': %s\n", c->name, strerror(-err));
	}
	if (!err) {
		err = load_lab_side();
		if (err)
			printf("# loading the lab side: %s\n", strerror(-err));
	}
	return err;
}

void fz_unload(void)
{
	int r;

	for (r = 0; r < NR_RESP; r++)
		loader_free_responder(skel[r]);
	lab_side_bpf__destroy(lab);
	world_free(&worlds[0]);
	world_free(&worlds[1]);
}

int fz_prog_fd(enum fz_resp r)
{
	return bpf_program__fd(skel[r]->progs.rescan_responder);
}

int fz_counters_fd(enum fz_resp r)
{
	return bpf_map__fd(skel[r]->maps.counters);
}

int fz_source_counters_fd(enum fz_resp r)
{
	return bpf_map__fd(skel[r]->maps.source_counters);
}

int fz_dns_hits_fd(enum fz_resp r)
{
	return bpf_map__fd(skel[r]->maps.do_not_scan_hits);
}

int fz_service_counters_fd(enum fz_resp r)
{
	return bpf_map__fd(skel[r]->maps.service_counters);
}

int fz_lab_prog_fd(void)
{
	return bpf_program__fd(lab->progs.rescan_lab_side);
}

int fz_lab_counters_fd(void)
{
	return bpf_map__fd(lab->maps.lab_counters);
}

int fz_lab_dest_counters_fd(void)
{
	return bpf_map__fd(lab->maps.lab_dest_counters);
}
