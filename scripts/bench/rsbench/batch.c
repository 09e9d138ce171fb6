// SPDX-License-Identifier: GPL-2.0-only
/*
 * batch.c - `rsbench xdpcost`, back to back (batch.bpf.c): the responder's
 * code run on a list of probes in one BPF_PROG_TEST_RUN call, each run
 * laying a fresh probe to the list's next destination (the harness's own
 * cost measured alone and subtracted): the pace of a NAPI batch at line
 * rate, with the kernel's loop between runs instead of a system call, so
 * the figure resolves below the clock's steps.
 *   hit, miss  every hit / a sample of the misses of the range, shuffled
 *   scan       a sample of the range itself in random order (scan order):
 *              hits and misses as often as the world has them
 *   nonprobe   the scanner kernel's RST, to the misses
 * The responder's counters must move by exactly the verdicts the world
 * gives the destinations of the timed runs, or xdpcost fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "batch.skel.h"
#include "loader.h"
#include "rescan_abi.h"
#include "responder.skel.h"
#include "rsbench.h"
#include "world.h"

#define BATCH_ADDRS (1u << 20)	/* the most destinations one list holds */

const char *const bname[NR_B] = { "hit", "miss", "scan", "nonprobe" };

struct batch_list {
	uint32_t *addr;		/* host order */
	uint8_t *cnt;		/* the counter the world's answer for addr[i] moves */
	uint32_t n;
};

/* The counter a probe of svc to addr moves, by the world's own answer. */
static uint8_t expected_counter(const struct world *w, struct rs_svc svc, uint32_t addr)
{
	switch (world_state(w, svc, addr)) {
	case RS_STATE_OPEN:
		return svc.slot == RS_SLOT_TCP ? RS_CNT_TX_SYNACK : RS_CNT_TX_ECHO_REPLY;
	case RS_STATE_CLOSED:
		return RS_CNT_TX_RST_CLOSED;
	case RS_STATE_FILTERED:
		return RS_CNT_DROP_FILTERED;
	}
	return RS_CNT_DROP_NOT_IN_WORLD;
}

/* The harness on the loaded responder's maps: the same world, the same counters. */
static struct batch_bpf *batch_open(struct responder_bpf *r, uint64_t **slots)
{
	struct batch_bpf *b = batch_bpf__open();
	struct bpf_map *to[6], *from[6];
	int i, err = 0;

	if (!b)
		die("cannot open the batch harness: %s", strerror(errno));
	to[0] = b->maps.world_services, from[0] = r->maps.world_services;
	to[1] = b->maps.world_dir, from[1] = r->maps.world_dir;
	to[2] = b->maps.world_pool, from[2] = r->maps.world_pool;
	to[3] = b->maps.counters, from[3] = r->maps.counters;
	to[4] = b->maps.source_counters, from[4] = r->maps.source_counters;
	to[5] = b->maps.service_counters, from[5] = r->maps.service_counters;
	for (i = 0; i < 6 && !err; i++)
		err = bpf_map__reuse_fd(to[i], bpf_map__fd(from[i]));
	if (!err)
		err = bpf_map__set_max_entries(b->maps.batch_addrs, BATCH_ADDRS);
	if (err)
		die("cannot share the responder's maps with the harness: %s", strerror(-err));
	b->rodata->pool_words = r->rodata->pool_words;
	b->rodata->lab_net = r->rodata->lab_net;
	b->rodata->lab_mask = r->rodata->lab_mask;
	b->rodata->isn_key = r->rodata->isn_key;
	if (batch_bpf__load(b))
		die("cannot load the batch harness: %s", strerror(errno));
	*slots = mmap(NULL, BATCH_ADDRS * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED,
		      bpf_map__fd(b->maps.batch_addrs), 0);
	if (*slots == MAP_FAILED)
		die("cannot map the harness's list: %s", strerror(errno));
	return b;
}

/* n entries of src (len of them) in random order: a partial Fisher-Yates shuffle of a copy. */
static void batch_sample(struct batch_list *l, const uint32_t *src, uint64_t len, uint32_t n,
			 const struct world *w, struct rs_svc svc)
{
	uint32_t *tmp = xmalloc(len * sizeof(*tmp)), i;

	l->n = (uint32_t)(len < n ? len : n);
	l->addr = xmalloc(l->n * sizeof(*l->addr));
	l->cnt = xmalloc(l->n);
	memcpy(tmp, src, len * sizeof(*tmp));
	for (i = 0; i < l->n; i++) {
		uint64_t j = i + rng() % (len - i);
		uint32_t x = tmp[j];

		tmp[j] = tmp[i];
		tmp[i] = x;
		l->addr[i] = x;
		l->cnt[i] = expected_counter(w, svc, x);
	}
	free(tmp);
}

/*
 * One call of repeat runs: ns per run, as the kernel's loop timed it (its
 * clock brackets the runs only; a call takes several times as long by the
 * wall clock, setting up and tearing down the test run).
 */
static double batch_call(int fd, const struct pkt *k)
{
	uint8_t out[FRAME + 64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k->b, .data_size_in = FRAME, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = BATCH_REPEAT);

	if (bpf_prog_test_run_opts(fd, &o))
		die("BPF_PROG_TEST_RUN (batch): %s", strerror(errno));
	if (o.retval == XDP_ABORTED)
		die("the batch harness could not lay its probe");
	return o.duration;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double quantile(double *v, int n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(int)(p * (n - 1) + 0.5)];
}

/* nonprobe: every run moves DROP_NOT_PROBE, whatever the world says. */
static struct batch_result batch_case(struct batch_bpf *b, uint64_t *slots, int counters_fd,
				      const char *name, const struct batch_list *l,
				      const struct pkt *frame, bool nonprobe)
{
	uint64_t before[RS_NR_COUNTERS], after[RS_NR_COUNTERS], want[RS_NR_COUNTERS] = { 0 };
	uint64_t want_hit = 0, runs = 0;
	double resp[BATCH_CALLS], lay[BATCH_CALLS], diff[BATCH_CALLS];
	int resp_fd = bpf_program__fd(b->progs.batch_respond);
	int lay_fd = bpf_program__fd(b->progs.batch_lay_only);
	struct batch_result res = { .addrs = l->n };
	uint32_t i, k;
	int c;

	for (i = 0; i < l->n; i++)
		slots[i] = htonl(l->addr[i]);
	memcpy(b->bss->batch_frame, frame->b, FRAME);
	b->bss->batch_naddrs = l->n;
	b->bss->batch_next = 0;
	if (loader_read_percpu(counters_fd, before, RS_NR_COUNTERS))
		die("cannot read the responder's counters");
	for (c = 0; c < BATCH_CALLS; c++) {
		uint32_t start;

		if (c & 1)	/* alternate which goes first */
			lay[c] = batch_call(lay_fd, frame);
		start = b->bss->batch_next;
		resp[c] = batch_call(resp_fd, frame);
		for (k = 0; k < BATCH_REPEAT; k++) {
			uint32_t cnt = nonprobe ? RS_CNT_DROP_NOT_PROBE : l->cnt[(start + k) % l->n];

			want[cnt]++;
			want_hit += cnt == RS_CNT_TX_SYNACK || cnt == RS_CNT_TX_ECHO_REPLY ||
				    cnt == RS_CNT_TX_RST_CLOSED;
		}
		runs += BATCH_REPEAT;
		if (!(c & 1))
			lay[c] = batch_call(lay_fd, frame);
		diff[c] = resp[c] - lay[c];
	}
	if (loader_read_percpu(counters_fd, after, RS_NR_COUNTERS))
		die("cannot read the responder's counters");
	for (k = 0; k < RS_NR_COUNTERS; k++)
		if (after[k] - before[k] != want[k])
			die("batch %s: counter %u moved by %llu, the world's verdicts for the %llu "
			    "runs say %llu", name, k, (unsigned long long)(after[k] - before[k]),
			    (unsigned long long)runs, (unsigned long long)want[k]);
	res.hit_share = (double)want_hit / runs;
	res.ns = quantile(resp, BATCH_CALLS, 0.5);
	res.lay_ns = quantile(lay, BATCH_CALLS, 0.5);
	res.net_p25 = quantile(diff, BATCH_CALLS, 0.25);
	res.net = quantile(diff, BATCH_CALLS, 0.5);
	res.net_p75 = quantile(diff, BATCH_CALLS, 0.75);
	return res;
}

/* All four cases for the range of rs, in the world's set: the results in res. */
void batch_measure(struct responder_bpf *r, const struct world *w, struct rs_svc svc, int proto,
		   uint16_t port, const struct range_split *rs, struct batch_result res[NR_B])
{
	uint64_t span = (uint64_t)rs->last - rs->first + 1, a;
	uint64_t *slots;
	uint32_t *all = xmalloc(span * sizeof(*all));
	struct batch_bpf *b = batch_open(r, &slots);
	int counters_fd = bpf_map__fd(r->maps.counters);
	struct batch_list l[NR_B];
	struct pkt probe, rst;
	int t;

	for (a = rs->first; a <= rs->last; a++)
		all[a - rs->first] = (uint32_t)a;
	batch_sample(&l[B_HIT], rs->hits, rs->nh, BATCH_ADDRS, w, svc);
	batch_sample(&l[B_MISS], rs->miss, rs->nm, BATCH_ADDRS, w, svc);
	batch_sample(&l[B_SCAN], all, span, BATCH_ADDRS, w, svc);
	batch_sample(&l[B_NONPROBE], rs->miss, rs->nm, BATCH_ADDRS, w, svc);
	free(all);
	/* Templates: the destination is the harness's to fill in. */
	build_probe(&probe, proto, 0x02, 0, port);
	build_probe(&rst, IPPROTO_TCP, 0x04, 0, 80);
	for (t = 0; t < NR_B; t++) {
		res[t] = batch_case(b, slots, counters_fd, bname[t], &l[t],
				    t == B_NONPROBE ? &rst : &probe, t == B_NONPROBE);
		free(l[t].addr);
		free(l[t].cnt);
	}
	munmap(slots, BATCH_ADDRS * sizeof(uint64_t));
	batch_bpf__destroy(b);
}
