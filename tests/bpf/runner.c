// SPDX-License-Identifier: GPL-2.0-only
/*
 * runner.c - one row of the BPF tests, run and judged: its frame goes
 * through BPF_PROG_TEST_RUN on its responder; the verdict must be the one
 * its counter stands for, exactly that counter must move by one, a frame
 * that is not answered must come back untouched, a reply must equal the
 * one frame.c builds from scratch, the same probe twice must get the
 * same reply, and where a row says which scanner it counts for, exactly
 * that scanner's counters move. What fails is said field by field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture.h"
#include "loader.h"
#include "runner.h"

const char *const counter_name[RS_NR_COUNTERS] = {
#define RS_NAME_ENTRY(id, name, help) [RS_CNT_##id] = name,
	RS_RESPONDER_COUNTERS(RS_NAME_ENTRY)
#undef RS_NAME_ENTRY
};

static const char *const verdict_name[] = {
	[V_ABORTED] = "XDP_ABORTED", [V_DROP] = "XDP_DROP", [V_PASS] = "XDP_PASS", [V_TX] = "XDP_TX",
};

#define ISN_SEEN_MAX 256
struct isn_seen isn_seen[ISN_SEEN_MAX];
size_t n_isn_seen;

static uint64_t runs[NR_RESPONDERS];

uint64_t runs_on(enum responder on)
{
	return runs[on];
}

/* The verdict each counter stands for, written out independently of the BPF code. */
static uint32_t verdict_of_counter(int cnt)
{
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
	case RS_CNT_TX_RST_CLOSED:
	case RS_CNT_TX_RST_UNSOLICITED:
	case RS_CNT_TX_ECHO_REPLY:
	case RS_CNT_TX_TIMESTAMP_REPLY:
	case RS_CNT_TX_UDP_ECHO:
	case RS_CNT_TX_UDP_DNS:
	case RS_CNT_TX_UDP_NTP:
	case RS_CNT_TX_UDP_SNMP:
	case RS_CNT_TX_UDP_SSDP:
	case RS_CNT_TX_PORT_UNREACH:
		return V_TX;
	case RS_CNT_PASS_ARP:
		return V_PASS;
	case RS_CNT_ABORT_INTERNAL:
		return V_ABORTED;
	}
	return V_DROP;
}

static const char *verdict_str(uint32_t v)
{
	return v < N_ROWS(verdict_name) ? verdict_name[v] : "not a verdict";
}

/*
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

int run_prog(int prog_fd, const struct frame *f, struct run *r)
{
	int err = test_run(prog_fd, f, r, false);

	if (err == -EINVAL && f->len < ETH_LEN)
		err = test_run(prog_fd, f, r, true);
	return err;
}

int run_fast(enum responder on, const struct frame *f, struct run *r)
{
	int err = run_prog(bpf_program__fd(responder(on)->progs.rescan_responder), f, r);

	if (!err)
		runs[on]++;
	return err;
}

int run_frame(enum responder on, const struct frame *f, struct run *r)
{
	int map_fd = bpf_map__fd(responder(on)->maps.counters);
	uint64_t before[RS_NR_COUNTERS], after[RS_NR_COUNTERS];
	int err, k;

	memset(r, 0, sizeof(*r));
	err = loader_read_percpu(map_fd, before, RS_NR_COUNTERS);
	if (!err)
		err = run_fast(on, f, r);
	if (!err)
		err = loader_read_percpu(map_fd, after, RS_NR_COUNTERS);
	if (err)
		return err;
	for (k = 0; k < RS_NR_COUNTERS; k++)
		r->delta[k] = after[k] - before[k];
	return 0;
}

/* ---- judging one row ---------------------------------------------------- */

static const struct tcase *row;
static bool row_failed;

/* Say what failed; the first failure of a row first says what the row sent. */
static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!row_failed) {
		frame_describe(row, what, sizeof(what));
		printf("#   '%s' sent to responder '%s': %s\n", row->name, responder_name[row->on],
		       what);
	}
	row_failed = true;
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Exactly counter expect moved, by one. */
static void check_counters(const struct run *r, int expect, const char *when)
{
	char moved[512] = "";
	size_t n = 0;
	bool ok = true;
	int k;

	for (k = 0; k < RS_NR_COUNTERS; k++) {
		ok &= r->delta[k] == (k == expect ? 1u : 0u);
		if (r->delta[k] && n < sizeof(moved))
			n += snprintf(moved + n, sizeof(moved) - n, " %s +%llu", counter_name[k],
				      (unsigned long long)r->delta[k]);
	}
	if (!ok)
		fail("%scounters moved:%s; expected only %s +1", when, n ? moved : " none",
		     counter_name[expect]);
}

/* The per-scanner counters of a responder, summed over its CPUs. */
struct per_scanner {
	uint64_t src[RS_SOURCES * RS_NR_COUNTERS];	/* source_counters */
	uint64_t dns[RS_SOURCES * RS_DNS_LABELS];	/* do_not_scan_hits */
};

static int read_per_scanner(enum responder on, struct per_scanner *p)
{
	struct responder_bpf *sk = responder(on);
	int err = loader_read_percpu(bpf_map__fd(sk->maps.source_counters), p->src,
				     N_ROWS(p->src));

	return err ? err :
		     loader_read_percpu(bpf_map__fd(sk->maps.do_not_scan_hits), p->dns,
					N_ROWS(p->dns));
}

/* Of a per-scanner map (w cells a host), cell want moved by runs, every other one stayed. */
static void check_cells(const char *map, const uint64_t *b, const uint64_t *a, size_t n,
			size_t w, size_t want, uint64_t runs, const char *(*name)(size_t k))
{
	size_t k;

	for (k = 0; k < n; k++)
		if (a[k] - b[k] != (k == want ? runs : 0))
			fail("%s: host %zu's %s moved by %llu, expected %llu", map, k / w,
			     name(k % w), (unsigned long long)(a[k] - b[k]),
			     (unsigned long long)(k == want ? runs : 0));
}

static const char *counter_of(size_t k)
{
	return counter_name[k];
}

static const char *label_of(size_t k)
{
	static char s[16];

	snprintf(s, sizeof(s), "label %zu", k);
	return s;
}

/* The row's per-scanner counters moved where it says, once per run, and nothing else did. */
static void check_per_scanner(const struct tcase *t, int expect, const struct per_scanner *b,
			      const struct per_scanner *a, uint64_t runs)
{
	size_t host = t->counts_in > 0 ? (size_t)t->counts_in - 1 : SIZE_MAX;
	bool hit = host != SIZE_MAX && expect == RS_CNT_DROP_DO_NOT_SCAN &&
		   t->dns_label >= 0 && t->dns_label < RS_DNS_LABELS;

	check_cells("source_counters", b->src, a->src, N_ROWS(a->src), RS_NR_COUNTERS,
		    host == SIZE_MAX ? SIZE_MAX : host * RS_NR_COUNTERS + expect, runs, counter_of);
	check_cells("do_not_scan_hits", b->dns, a->dns, N_ROWS(a->dns), RS_DNS_LABELS,
		    hit ? host * RS_DNS_LABELS + t->dns_label : SIZE_MAX, runs, label_of);
}

/* The per-service counters of a responder, summed over its CPUs: [bucket][counter]. */
struct per_service {
	uint64_t c[RS_SVC_BUCKETS * RS_NR_SVC_COUNTERS];
};

static int read_per_service(enum responder on, struct per_service *p)
{
	return loader_read_percpu_rows(bpf_map__fd(responder(on)->maps.service_counters), 0, p->c,
				       RS_SVC_BUCKETS, RS_NR_SVC_COUNTERS);
}

static const char *const svc_counter_name[RS_NR_SVC_COUNTERS] = {
#define RS_NAME_ENTRY(id, name, help) [RS_SVC_CNT_##id] = name,
	RS_SERVICE_COUNTERS(RS_NAME_ENTRY)
#undef RS_NAME_ENTRY
};

static const char *svc_counter_of(size_t k)
{
	return svc_counter_name[k];
}

/*
 * The row's service bucket moved as it says, once per run: its probes,
 * and an answer as open or closed; no other bucket's counter moved.
 */
static void check_per_service(const struct tcase *t, int expect, const struct per_service *b,
			      const struct per_service *a, uint64_t runs)
{
	int bucket = t->svc[0] ? bucket_of(t->on, t->svc) : -1;
	bool closed = expect == RS_CNT_TX_RST_CLOSED || expect == RS_CNT_TX_PORT_UNREACH ||
		      t->svc_closed;
	size_t k, w = RS_NR_SVC_COUNTERS;

	if (t->svc[0] && bucket < 0) {
		fail("the row counts in service '%s', which responder '%s' has no bucket for",
		     t->svc, responder_name[t->on]);
		return;
	}
	for (k = 0; k < N_ROWS(a->c); k++) {
		uint64_t want = 0;

		if (bucket >= 0 && k / w == (size_t)bucket) {
			if (k % w == RS_SVC_CNT_PROBES)
				want = runs;
			else if (verdict_of_counter(expect) == V_TX)
				want = (k % w == RS_SVC_CNT_CLOSED) == closed ? runs : 0;
		}
		if (a->c[k] - b->c[k] != want)
			fail("service_counters: bucket %zu's %s moved by %llu, expected %llu (the row "
			     "counts in %s)", k / w, svc_counter_of(k % w),
			     (unsigned long long)(a->c[k] - b->c[k]), (unsigned long long)want,
			     t->svc[0] ? t->svc : "no bucket");
	}
}

static void note_isn(const struct tcase *t, const uint8_t *out)
{
	uint32_t l4 = ETH_LEN + (out[ETH_LEN] & 15) * 4u;

	if (n_isn_seen == ISN_SEEN_MAX) {
		fail("more SYN-ACK rows than ISN_SEEN_MAX");
		return;
	}
	isn_seen[n_isn_seen++] = (struct isn_seen){
		.name = t->name,
		.key = responder_isn_key[t->on],
		.saddr = t->saddr ? t->saddr : SCANNER_IP,
		.daddr = t->daddr,
		.sport = t->sport ? t->sport : DEFAULT_SPORT,
		.dport = t->dport,
		.isn = get32(out + l4 + 4),
	};
}

/* Run row t (an answered one twice), judge verdicts, counters and bytes. */
static void judge(const struct tcase *t, int expect, bool twice)
{
	uint32_t want = verdict_of_counter(expect);
	const char *why;
	uint8_t exp[FRAME_MAX];
	struct run r, again;
	struct frame f;
	uint32_t exp_len;
	int err;

	frame_build(t, &f);
	err = run_frame(t->on, &f, &r);
	if (err) {
		fail("BPF_PROG_TEST_RUN or reading the counters failed: %s", strerror(-err));
		return;
	}
	if (r.retval != want)
		fail("verdict %s, expected %s", verdict_str(r.retval), verdict_str(want));
	check_counters(&r, expect, "");
	if (r.retval != want)
		return;	/* the bytes of another verdict say nothing more */

	if (want != V_TX) {
		/* Nothing may be written into a frame that is not answered. */
		if (r.out_len != r.in_len || memcmp(r.out, r.in, r.in_len)) {
			fail("a frame that was not answered was changed:");
			frame_explain_diff("the frame", r.in, r.in_len, r.out, r.out_len);
		}
		return;
	}

	exp_len = frame_expected_reply(&f, expect, r.out, exp);
	if (r.out_len != exp_len || memcmp(r.out, exp, exp_len)) {
		fail("the reply is not the one a host would send:");
		frame_explain_diff("the reply", exp, exp_len, r.out, r.out_len);
	}
	why = frame_checksums_wrong(r.out, r.out_len);
	if (why)
		fail("%s", why);
	if (expect == RS_CNT_TX_SYNACK && r.out_len >= f.len)
		note_isn(t, r.out);
	if (!twice)
		return;

	/* The same probe again must get the very same reply. */
	err = run_frame(t->on, &f, &again);
	if (err) {
		fail("second run failed: %s", strerror(-err));
		return;
	}
	if (again.retval != want)
		fail("second run: verdict %s, expected %s", verdict_str(again.retval),
		     verdict_str(want));
	check_counters(&again, expect, "second run: ");
	if (again.out_len != r.out_len || memcmp(again.out, r.out, r.out_len)) {
		fail("the same probe twice gave different replies:");
		frame_explain_diff("the second reply", r.out, r.out_len, again.out, again.out_len);
	}
}

static bool check(const struct tcase *t, int expect, bool twice)
{
	static struct per_scanner before, after;
	static struct per_service svc_before, svc_after;
	uint64_t runs = runs_on(t->on);

	row = t;
	row_failed = false;
	if (t->counts_in && read_per_scanner(t->on, &before)) {
		fail("reading the per-scanner counters failed");
		return false;
	}
	if (t->svc && read_per_service(t->on, &svc_before)) {
		fail("reading the per-service counters failed");
		return false;
	}
	judge(t, expect, twice);
	if (row_failed)
		return false;
	if (t->counts_in) {
		if (read_per_scanner(t->on, &after))
			fail("reading the per-scanner counters failed");
		else
			check_per_scanner(t, expect, &before, &after, runs_on(t->on) - runs);
	}
	if (t->svc) {
		if (read_per_service(t->on, &svc_after))
			fail("reading the per-service counters failed");
		else
			check_per_service(t, expect, &svc_before, &svc_after, runs_on(t->on) - runs);
	}
	return !row_failed;
}

bool check_row(const struct tcase *t, int expect)
{
	return check(t, expect, true);
}

bool check_row_once(const struct tcase *t, int expect)
{
	return check(t, expect, false);
}
