// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_packets - the packet fuzzer of rescan's XDP programs. Frames made
 * by mutate.c (corpus frames retargeted and mutated, random bytes, the
 * packets after a handshake) go through BPF_PROG_TEST_RUN into four
 * responders on two worlds (world.c), and each reply into the lab side
 * too. Each frame is judged by this directory's own code:
 *   - the counter that moves is the one model.c says the frame calls for
 *     (so nothing that is not a valid probe is answered, and no valid
 *     probe is left unanswered), exactly one moves, by one, and the
 *     verdict is the one the counter stands for;
 *   - a reply keeps every rule of a reply and is frame.c's (reply.c);
 *   - a frame that is not answered comes back as it went in;
 *   - the same 4-tuple always gets the same ISN;
 * and after the run the counters sum to the frames run, the per-scanner,
 * do-not-scan and per-service counters to what the model counted, and
 * the lab side's to what reached it. Output is TAP; a failure names the
 * frame and how to make it again alone:
 *
 *   fuzz_packets [--seed N] [--frames N] [--seconds S]   a run (default 200000 frames)
 *   fuzz_packets --seed N --frame I                       frame I of that run, shown
 *
 * Every frame is made from (seed, index) alone. Needs root (BPF).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "fuzz.h"
#include "loader.h"
#include "runner.h"

static const char *const counter_names[RS_NR_COUNTERS] = {
#define RS_NAME_ENTRY(id, name, help) [RS_CNT_##id] = name,
	RS_RESPONDER_COUNTERS(RS_NAME_ENTRY)
#undef RS_NAME_ENTRY
};

static const char *const lab_counter_names[RS_NR_LAB_COUNTERS] = {
#define RS_NAME_ENTRY(id, name, help) [RS_CNT_##id] = name,
	RS_LAB_COUNTERS(RS_NAME_ENTRY)
#undef RS_NAME_ENTRY
};

/* ---- the properties, each one TAP line ---------------------------------------- */

enum prop {
	P_RUN,
	P_MODEL,
	P_NO_STRAY_TX,
	P_ONE_COUNTER,
	P_REPLY,
	P_UNTOUCHED,
	P_ISN,
	P_ACCOUNTS,
	P_LAB,
	P_COVERAGE,
	NR_PROPS,
};

static const char *const prop_name[NR_PROPS] = {
	[P_RUN] = "every frame runs through BPF_PROG_TEST_RUN",
	[P_MODEL] = "every frame moves the counter the protocol rules call for (model.c)",
	[P_NO_STRAY_TX] = "no frame that is not a valid probe is answered (XDP_TX)",
	[P_ONE_COUNTER] = "exactly one counter moves per frame, by one, with its verdict; "
			  "the counters sum to the frames run",
	[P_REPLY] = "every reply: lengths, MACs, addresses, ports turned around, IP and L4 "
		    "checksums (pseudo-header), and frame.c's bytes",
	[P_UNTOUCHED] = "a frame that is not answered comes back untouched",
	[P_ISN] = "the same 4-tuple always gets the same ISN",
	[P_ACCOUNTS] = "per-scanner, do-not-scan and per-service counters are what the frames call for",
	[P_LAB] = "lab side: every frame passed untouched, one counter each, every reply counted as "
		  "its kind for its scanner",
	[P_COVERAGE] = "the frames reached every verdict but abort_internal, with every mutation",
};

#define REPORTS_MAX 5

static uint64_t failures[NR_PROPS];
static bool single;		/* --frame: one frame, shown whatever happens */
static uint64_t seed;

/* ---- what a case is --------------------------------------------------------------- */

struct fz_case {
	uint64_t index;
	enum fz_resp resp;
	const struct fz_made *made;
};

static void hex(const char *label, const uint8_t *p, uint32_t len)
{
	uint32_t i, n = len < 160 ? len : 160;

	printf("#     %s (%u bytes):", label, len);
	for (i = 0; i < n; i++)
		printf("%s%02x", i % 32 ? (i % 4 ? "" : " ") : "\n#       ", p[i]);
	printf("%s\n", n < len ? " ..." : "");
}

static void describe(const struct fz_case *c)
{
	uint32_t i;

	printf("#   frame %" PRIu64 " to responder '%s': %s", c->index, fz_cfg[c->resp].name,
	       fz_source_name[c->made->src]);
	if (c->made->src == SRC_SEED || c->made->src == SRC_MUTATED)
		printf(" (corpus frame %u)", c->made->seed_index);
	for (i = 0; i < c->made->nsteps; i++)
		printf("%s%s", i ? ", " : "; ", fz_mutation_name[c->made->step[i]]);
	printf("; checksums %s\n", c->made->checksums_fixed ? "recomputed" : "as mutated");
}

/* Note a failed property of case c; the first few are told in full. */
static bool __attribute__((format(printf, 5, 6)))
fail(enum prop p, const struct fz_case *c, const struct frame *f, const struct run *r,
     const char *fmt, ...)
{
	va_list ap;

	if (failures[p]++ >= REPORTS_MAX && !single)
		return false;
	printf("# FAILED: %s\n", prop_name[p]);
	if (c)
		describe(c);
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (f)
		hex("frame", f->b, f->len);
	if (r && r->out_len && (r->out_len != r->in_len || memcmp(r->out, r->in, r->in_len)))
		hex("came back", r->out, r->out_len);
	if (c)
		printf("#   again alone: fuzz_packets --seed 0x%016" PRIx64 " --frame %" PRIu64 "\n",
		       seed, c->index);
	return true;
}

/* ---- counters ---------------------------------------------------------------------- */

static uint64_t runs[NR_RESP], lab_runs;
static uint64_t before[NR_RESP][RS_NR_COUNTERS], lab_before[RS_NR_LAB_COUNTERS];
static uint64_t seen[RS_NR_COUNTERS];			/* over all responders */
static uint64_t by_source[NR_SOURCES], by_mutation[NR_MUTATIONS], cases_run;
static bool capped_used;
/* Probes answered although a checksum of theirs does not verify (not checked: model.c). */
static uint64_t answered_bad_ip_sum, answered_bad_l4_sum;

/* What the frames call for, by the model: compared with the maps at the end. */
static uint64_t want_src[NR_RESP][RS_SOURCES * RS_NR_COUNTERS];
static uint64_t want_dns[NR_RESP][RS_SOURCES * RS_DNS_LABELS];
static uint64_t want_svc[NR_RESP][RS_SVC_BUCKETS * RS_NR_SVC_COUNTERS];
static uint64_t want_lab_dest[RS_SOURCES * RS_NR_LAB_COUNTERS];

static void account(enum fz_resp r, const struct fz_expect *e)
{
	if (e->src_host >= 0) {
		want_src[r][e->src_host * RS_NR_COUNTERS + e->cnt]++;
		if (e->cnt == RS_CNT_DROP_DO_NOT_SCAN && e->dns_label >= 0 &&
		    e->dns_label < RS_DNS_LABELS)
			want_dns[r][e->src_host * RS_DNS_LABELS + e->dns_label]++;
	}
	if (e->bucket >= 0) {
		want_svc[r][e->bucket * RS_NR_SVC_COUNTERS + RS_SVC_CNT_PROBES]++;
		if (fz_verdict_of(e->cnt) == 3)
			want_svc[r][e->bucket * RS_NR_SVC_COUNTERS +
				    (e->answer == A_CLOSED ? RS_SVC_CNT_CLOSED : RS_SVC_CNT_OPEN)]++;
	}
}

/* The counter that moved, or -1 after saying what moved if not exactly one by one. */
static int moved(const uint64_t *b, const uint64_t *a, int n, const char *const *names,
		 const struct fz_case *c, const struct frame *f, const struct run *r, enum prop p)
{
	char what[512] = "";
	size_t len = 0;
	int k, which = -1, count = 0;

	for (k = 0; k < n; k++) {
		if (a[k] == b[k])
			continue;
		count += a[k] - b[k] == 1 ? 1 : 2;
		which = k;
		if (len < sizeof(what))
			len += (size_t)snprintf(what + len, sizeof(what) - len, " %s +%" PRIu64,
						names[k], a[k] - b[k]);
	}
	if (count == 1)
		return which;
	fail(p, c, f, r, "counters moved:%s; exactly one must move, by one", count ? what : " none");
	return -1;
}

/* ---- the lab side ---------------------------------------------------------------- */

/* The lab counter a reply of responder counter cnt reaches the scanner as. */
static int lab_kind_of_reply(int cnt)
{
	switch (cnt) {
	case RS_CNT_TX_SYNACK:
		return RS_CNT_RX_SYNACK;
	case RS_CNT_TX_RST_CLOSED:
	case RS_CNT_TX_RST_UNSOLICITED:
		return RS_CNT_RX_RST;
	case RS_CNT_TX_ECHO_REPLY:
		return RS_CNT_RX_ECHO_REPLY;
	case RS_CNT_TX_TIMESTAMP_REPLY:
		return RS_CNT_RX_TIMESTAMP_REPLY;
	case RS_CNT_TX_PORT_UNREACH:
		return RS_CNT_RX_PORT_UNREACH;
	}
	return RS_CNT_RX_UDP;
}

/* Run f on the lab side: passed untouched, its one counter (want_kind if >= 0). */
static void lab_side(const struct fz_case *c, const struct frame *f, int want_kind)
{
	static struct run r;
	uint64_t after[RS_NR_LAB_COUNTERS];
	int host, kind = fz_lab_model(f, &host), k, err;

	if (want_kind >= 0 && want_kind != kind)
		fail(P_LAB, c, f, NULL, "a reply of kind %s is read by model.c as %s",
		     lab_counter_names[want_kind], lab_counter_names[kind]);
	err = run_prog(fz_lab_prog_fd(), f, &r);
	if (!err)
		err = loader_read_percpu(fz_lab_counters_fd(), after, RS_NR_LAB_COUNTERS);
	if (err) {
		fail(P_RUN, c, f, NULL, "lab side: BPF_PROG_TEST_RUN or reading its counters: %s",
		     strerror(-err));
		return;
	}
	lab_runs++;
	if (r.retval != 2)
		fail(P_LAB, c, f, &r, "lab side: verdict %u, not XDP_PASS", r.retval);
	else if (r.out_len != r.in_len || memcmp(r.out, r.in, r.in_len))
		fail(P_LAB, c, f, &r, "lab side: the frame was changed");
	k = moved(lab_before, after, RS_NR_LAB_COUNTERS, lab_counter_names, c, f, &r, P_LAB);
	if (k >= 0 && k != kind)
		fail(P_LAB, c, f, NULL, "lab side counted %s, the frame is %s", lab_counter_names[k],
		     lab_counter_names[kind]);
	memcpy(lab_before, after, sizeof(after));
	if (host >= 0)
		want_lab_dest[host * RS_NR_LAB_COUNTERS + kind]++;
}

/* ---- one frame through a responder ---------------------------------------------- */

static bool show_frame(const struct fz_case *c, const struct frame *f, const struct run *r,
		       const struct fz_expect *e, int got)
{
	describe(c);
	printf("#   model: %s (%s); program: %s, verdict %u\n", counter_names[e->cnt], e->why,
	       got >= 0 ? counter_names[got] : "?", r->retval);
	hex("frame", f->b, f->len);
	if (fz_verdict_of(e->cnt) == 3 || r->retval == 3)
		hex("reply", r->out, r->out_len);
	return true;
}

/* Count an answered probe whose IP header or L4 checksum does not verify. */
static void note_checksums(const struct frame *f)
{
	const uint8_t *ip = f->b + ETH_LEN;
	uint32_t ihl = (ip[0] & 15) * 4u, l4_len = get16(ip + 2) - ihl, pseudo = 0;

	if (fz_sum(ip, ihl, 0) != 0xffff)
		answered_bad_ip_sum++;
	if (ip[9] == 17 && !get16(ip + ihl + 6))
		return;		/* no UDP checksum */
	if (ip[9] != 1)
		pseudo = fz_sum(ip + 12, 8, 0) + ip[9] + l4_len;
	if (fz_sum(ip + ihl, l4_len, pseudo) != 0xffff)
		answered_bad_l4_sum++;
}

/* Run f on c's responder and judge it; returns the counter that moved, or -1. */
static int judge(const struct fz_case *c, const struct frame *f, struct run *r)
{
	uint64_t after[RS_NR_COUNTERS];
	enum fz_resp rs = c->resp;
	struct fz_expect e;
	const char *why;
	char whybuf[256];
	uint32_t isn, was;
	int err, got;

	fz_model(rs, f, capped_used, &e);
	if (fz_cfg[rs].capped && e.admitted)
		capped_used = true;
	account(rs, &e);
	err = run_prog(fz_prog_fd(rs), f, r);
	if (!err)
		err = loader_read_percpu(fz_counters_fd(rs), after, RS_NR_COUNTERS);
	if (err) {
		fail(P_RUN, c, f, NULL, "BPF_PROG_TEST_RUN or reading the counters: %s",
		     strerror(-err));
		return -1;
	}
	runs[rs]++;
	got = moved(before[rs], after, RS_NR_COUNTERS, counter_names, c, f, r, P_ONE_COUNTER);
	memcpy(before[rs], after, sizeof(after));
	if (single)
		show_frame(c, f, r, &e, got);
	if (got < 0)
		return -1;
	seen[got]++;
	if (r->retval != fz_verdict_of(got))
		fail(P_ONE_COUNTER, c, f, r, "counter %s moved, but the verdict is %u",
		     counter_names[got], r->retval);
	if (got != e.cnt) {
		fail(P_MODEL, c, f, r, "the program moved %s; the model says %s: %s",
		     counter_names[got], counter_names[e.cnt], e.why);
		if (fz_verdict_of(got) == 3 && fz_verdict_of(e.cnt) != 3)
			fail(P_NO_STRAY_TX, c, f, r, "answered (%s) a frame that is no probe: %s",
			     counter_names[got], e.why);
		return got;
	}
	if (r->retval != 3) {
		if (r->out_len != r->in_len || memcmp(r->out, r->in, r->in_len))
			fail(P_UNTOUCHED, c, f, r, "the frame was changed (verdict %s)",
			     counter_names[got]);
		return got;
	}
	note_checksums(f);
	why = fz_check_reply(f, got, r->out, r->out_len, whybuf, sizeof(whybuf));
	if (why)
		fail(P_REPLY, c, f, r, "%s: %s", counter_names[got], why);
	if (got == RS_CNT_TX_SYNACK && !why) {
		const uint8_t *ip = r->out + ETH_LEN, *l4 = ip + (ip[0] & 15) * 4u;

		isn = get32(l4 + 4);
		if (fz_isn_check(rs, get32(ip + 12), get32(ip + 16), get16(l4), get16(l4 + 2), isn,
				 &was) < 0)
			fail(P_ISN, c, f, r, "ISN 0x%08x, 0x%08x before for the same 4-tuple", isn,
			     was);
		fz_isn_learn(rs, get32(ip + 12), get32(ip + 16), get16(l4), get16(l4 + 2), isn);
	}
	if (!why) {
		struct frame reply;

		memset(&reply, 0, sizeof(reply));
		reply.len = r->out_len < FRAME_MAX ? r->out_len : FRAME_MAX;
		memcpy(reply.b, r->out, reply.len);
		lab_side(c, &reply, lab_kind_of_reply(got));
	}
	return got;
}

/* ---- one case: a frame, or a SYN and what follows its SYN-ACK -------------------- */

static void rng_for(struct fz_rng *g, uint64_t index)
{
	g->s = seed ^ (index * 0xd1342543de82ef95ull);
	fz_next(g);
}

static void run_case(uint64_t index)
{
	static struct run r;
	struct fz_made made = { 0 };
	struct fz_case c = { index, R_LAB, &made };
	struct fz_rng g;
	enum fz_source src;
	struct frame f;
	uint32_t i;
	int got;

	rng_for(&g, index);
	c.resp = fz_pick_responder(&g);
	src = fz_pick_source(&g);
	if (src == SRC_HANDSHAKE) {
		made.src = SRC_HANDSHAKE;
		fz_make_syn(&g, c.resp, &f);
		got = judge(&c, &f, &r);
		if (got != RS_CNT_TX_SYNACK)
			goto done;
		fz_make_handshake(&g, r.out, r.out_len, &f, &made);
	} else {
		fz_make(&g, c.resp, src, &f, &made);
	}
	judge(&c, &f, &r);
	if (fz_chance(&g, 25))
		lab_side(&c, &f, -1);
done:
	cases_run++;
	by_source[made.src]++;
	for (i = 0; i < made.nsteps; i++)
		by_mutation[made.step[i]]++;
}

/*
 * R_CAP lets one probe through; frame I alone must meet the cap as it
 * did in its run, so the frames before it are made (not run) to see
 * whether one of them got through.
 */
static void replay_cap(uint64_t upto)
{
	struct fz_made made;
	struct fz_expect e;
	struct fz_rng g;
	struct frame f;
	uint64_t i;

	for (i = 0; i < upto && !capped_used; i++) {
		enum fz_source src;

		rng_for(&g, i);
		if (fz_pick_responder(&g) != R_CAP)
			continue;
		src = fz_pick_source(&g);
		if (src == SRC_HANDSHAKE)
			fz_make_syn(&g, R_CAP, &f);
		else
			fz_make(&g, R_CAP, src, &f, &made);
		fz_model(R_CAP, &f, false, &e);
		capped_used = e.admitted;
	}
}

/* ---- after the run -------------------------------------------------------------- */

static void compare(enum prop p, const char *what, const char *resp, const uint64_t *want,
		    const uint64_t *have, size_t n, size_t width, const char *const *names)
{
	size_t k, shown = 0;
	char col[32];

	for (k = 0; k < n; k++) {
		if (want[k] == have[k])
			continue;
		failures[p]++;
		if (shown++ >= REPORTS_MAX)
			continue;
		if (names)
			snprintf(col, sizeof(col), "%s", names[k % width]);
		else
			snprintf(col, sizeof(col), "label %zu", k % width);
		printf("# FAILED: %s\n#   %s%s%s: row %zu, %s: %" PRIu64
		       ", the frames call for %" PRIu64 "\n",
		       prop_name[p], what, resp ? " of " : "", resp ? resp : "", k / width, col,
		       have[k], want[k]);
	}
}

static const char *const svc_names[RS_NR_SVC_COUNTERS] = { "probes", "open", "closed" };

static void check_accounts(void)
{
	static uint64_t have_src[RS_SOURCES * RS_NR_COUNTERS], have_dns[RS_SOURCES * RS_DNS_LABELS];
	static uint64_t have_svc[RS_SVC_BUCKETS * RS_NR_SVC_COUNTERS];
	static uint64_t have_lab[RS_SOURCES * RS_NR_LAB_COUNTERS];
	uint64_t sum, lab[RS_NR_LAB_COUNTERS];
	int r, k, err;

	for (r = 0; r < NR_RESP; r++) {
		for (sum = 0, k = 0; k < RS_NR_COUNTERS; k++)
			sum += before[r][k];
		if (sum != runs[r])
			fail(P_ONE_COUNTER, NULL, NULL, NULL,
			     "responder '%s': counters sum to %" PRIu64 " after %" PRIu64 " frames",
			     fz_cfg[r].name, sum, runs[r]);
		err = loader_read_percpu(fz_source_counters_fd(r), have_src, N_ROWS(have_src));
		if (!err)
			err = loader_read_percpu(fz_dns_hits_fd(r), have_dns, N_ROWS(have_dns));
		if (!err)
			err = loader_read_percpu_rows(fz_service_counters_fd(r), 0, have_svc,
						      RS_SVC_BUCKETS, RS_NR_SVC_COUNTERS);
		if (err) {
			fail(P_RUN, NULL, NULL, NULL, "reading '%s''s counters: %s", fz_cfg[r].name,
			     strerror(-err));
			continue;
		}
		compare(P_ACCOUNTS, "source_counters", fz_cfg[r].name, want_src[r], have_src,
			N_ROWS(have_src), RS_NR_COUNTERS, counter_names);
		compare(P_ACCOUNTS, "do_not_scan_hits", fz_cfg[r].name, want_dns[r], have_dns,
			N_ROWS(have_dns), RS_DNS_LABELS, NULL);
		compare(P_ACCOUNTS, "service_counters", fz_cfg[r].name, want_svc[r], have_svc,
			N_ROWS(have_svc), RS_NR_SVC_COUNTERS, svc_names);
	}
	err = loader_read_percpu(fz_lab_counters_fd(), lab, RS_NR_LAB_COUNTERS);
	if (!err)
		err = loader_read_percpu(fz_lab_dest_counters_fd(), have_lab, N_ROWS(have_lab));
	if (err) {
		fail(P_RUN, NULL, NULL, NULL, "reading the lab side's counters: %s", strerror(-err));
		return;
	}
	for (sum = 0, k = 0; k < RS_NR_LAB_COUNTERS; k++)
		sum += lab[k];
	if (sum != lab_runs)
		fail(P_LAB, NULL, NULL, NULL, "lab counters sum to %" PRIu64 " after %" PRIu64 " frames",
		     sum, lab_runs);
	compare(P_LAB, "lab_dest_counters", NULL, want_lab_dest, have_lab, N_ROWS(have_lab),
		RS_NR_LAB_COUNTERS, lab_counter_names);
}

static void check_coverage(void)
{
	int k;

	for (k = 0; k < RS_NR_COUNTERS; k++)
		if (k != RS_CNT_ABORT_INTERNAL && !seen[k])
			fail(P_COVERAGE, NULL, NULL, NULL, "no frame moved %s", counter_names[k]);
	for (k = 0; k < NR_MUTATIONS; k++)
		if (!by_mutation[k])
			fail(P_COVERAGE, NULL, NULL, NULL, "no frame was mutated by: %s",
			     fz_mutation_name[k]);
}

static void summary(double secs)
{
	uint64_t all = 0;
	int k;

	for (k = 0; k < NR_RESP; k++)
		all += runs[k];
	printf("# %" PRIu64 " frames (%" PRIu64 " runs of a responder, %" PRIu64
	       " of the lab side) in %.1f s, seed 0x%016" PRIx64 ", corpus of %u frames (%u "
	       "from scanners)\n",
	       cases_run, all, lab_runs, secs, seed, fz_corpus_size(), fz_corpus_scanner_frames());
	if (single)
		return;
	for (k = 0; k < NR_RESP; k++)
		printf("#   responder '%s': %" PRIu64 " frames\n", fz_cfg[k].name, runs[k]);
	printf("# frames by source:\n");
	for (k = 0; k < NR_SOURCES; k++)
		printf("#   %-50s %10" PRIu64 "\n", fz_source_name[k], by_source[k]);
	printf("# mutations applied:\n");
	for (k = 0; k < NR_MUTATIONS; k++)
		printf("#   %-50s %10" PRIu64 "\n", fz_mutation_name[k], by_mutation[k]);
	printf("# probes answered although their IP header checksum does not verify: %" PRIu64
	       ", their L4 checksum: %" PRIu64 "\n", answered_bad_ip_sum, answered_bad_l4_sum);
	printf("# verdicts:\n");
	for (k = 0; k < RS_NR_COUNTERS; k++)
		printf("#   %-50s %10" PRIu64 "\n", counter_names[k], seen[k]);
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(FILE *to)
{
	fprintf(to, "usage: fuzz_packets [--seed N] [--frames N] [--seconds S]\n"
		    "       fuzz_packets --seed N --frame I\n"
		    "Runs random and mutated frames through rescan's XDP programs (root).\n"
		    "  --seed N      the run's seed (default: from the clock; printed)\n"
		    "  --frames N    frames to run (default 200000; 0: as many as --seconds allow)\n"
		    "  --seconds S   stop after S seconds\n"
		    "  --frame I     run frame I of the seed's run alone and show it\n"
		    "  --corpus DIR  the scanners' frames, DIR/*.pcap (default tests/bpf/fuzz/corpus)\n");
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *end == 0 && s[0] != '-' && s[0];
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "frame", required_argument, NULL, 'i' },
		{ "corpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t frames = 200000, seconds = 0, one = 0, i;
	const char *corpus_dir = "tests/bpf/fuzz/corpus";
	bool have_seed = false, have_frames = false;
	struct timespec t0, t1;
	double secs = 0;
	int o, p, ret;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t *v = o == 's' ? &seed : o == 'n' ? &frames : o == 't' ? &seconds : &one;

		if (o == 'h') {
			usage(stdout);
			return 0;
		}
		if (o == 'c') {
			corpus_dir = optarg;
			continue;
		}
		if (o == '?' || !parse_u64(optarg, v)) {
			if (o != '?')
				fprintf(stderr, "fuzz_packets: not a number: \"%s\"\n", optarg);
			usage(stderr);
			return 2;
		}
		have_seed |= o == 's';
		have_frames |= o == 'n';
		single |= o == 'i';
	}
	if (optind < argc || (single && !have_seed)) {
		fprintf(stderr, "fuzz_packets: %s\n", single ? "--frame needs the run's --seed" :
							       "unexpected argument");
		usage(stderr);
		return 2;
	}
	if (seconds && !have_frames)
		frames = 0;
	if (!frames && !seconds) {
		fprintf(stderr, "fuzz_packets: --frames 0 runs until --seconds, which is missing\n");
		return 2;
	}
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (uint64_t)t0.tv_sec * 1000000007ull ^ (uint64_t)t0.tv_nsec ^
		       (uint64_t)getpid() << 32;
	}
	printf("# packet fuzzer: seed 0x%016" PRIx64 " (again: fuzz_packets --seed 0x%016" PRIx64
	       ")\n", seed, seed);
	fflush(stdout);

	if (fz_corpus_build(corpus_dir) || fz_load()) {
		printf("not ok 1 - load the corpus, the fuzz world, its responders and the lab side\n1..1\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (single) {
		replay_cap(one);
		run_case(one);
	} else {
		for (i = 0; !frames || i < frames; i++) {
			run_case(i);
			if (seconds && (i & 255) == 0) {
				clock_gettime(CLOCK_MONOTONIC, &t1);
				if ((uint64_t)(t1.tv_sec - t0.tv_sec) >= seconds)
					break;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	check_accounts();
	if (!single && cases_run >= 20000)
		check_coverage();
	summary(secs);

	ret = 0;
	for (p = 0; p < NR_PROPS; p++) {
		if (p == P_COVERAGE && (single || cases_run < 20000)) {
			printf("ok %d - %s # SKIP %" PRIu64 " frames are too few to reach them all\n",
			       p + 1, prop_name[p], cases_run);
			continue;
		}
		printf("%s %d - %s", failures[p] ? "not ok" : "ok", p + 1, prop_name[p]);
		if (failures[p])
			printf(" (%" PRIu64 " failures)", failures[p]);
		printf("\n");
		ret |= failures[p] != 0;
	}
	printf("1..%d\n", NR_PROPS);
	fz_unload();
	return ret;
}
