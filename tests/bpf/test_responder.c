// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_responder.c - BPF_PROG_TEST_RUN tests of the XDP responder.
 *
 * Every row of the case tables is one TAP test: a frame built from the
 * row goes to one of the loaded responders, and the runner checks the
 * verdict, that exactly the table's counter moved by one, and the bytes
 * that come back (runner.c, frame.c). The tables, by what they test:
 *   cases_frames.c     ARP, not IPv4, other protocols, fragments, the lab
 *                      network, broken Ethernet/IPv4 headers
 *   cases_tcp_syn.c    the TCP SYN probe kind
 *   cases_icmp_echo.c  the ICMP echo probe kind
 *   cases_lookup.c     the world lookup, container kind by container kind
 *   corrupt.c          lookups into damaged maps abort
 *   cases_tcp_states.c closed and filtered TCP ports, ACKs out of the blue
 *   cases_icmp_timestamp.c  ICMP timestamp requests
 *   cases_udp.c        UDP: echo, port unreachable, silence, broken headers
 *   cases_udp_apps.c   UDP: the DNS, NTP, SNMP and SSDP replies
 *   cases_seats.c      seats: whose row a packet counts in, spoofed sources
 *   cases_do_not_scan.c  do-not-scan ranges, by label and scanner
 *   cases_services.c   the service bucket a probe counts in
 *   rate_cap.c         a seat's rate cap, rows run once in order
 * on the world and responders of fixture.c. Then the checks across rows
 * and the sweeps below: the ISN is keyed by the 4-tuple, the counters sum
 * to the packets seen, the per-service counters to the verdicts of the
 * probes the world was asked about, services get the buckets written
 * out in fixture.c, per-scanner counters, every address of the search
 * containers, chunk edges, and that the tables cover every counter and
 * the world every container kind.
 *
 * Needs root (BPF); a kernel that refuses is a loud failure, not a skip.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "fixture.h"
#include "loader.h"
#include "runner.h"
#include "service.h"
#include "udp_banners.h"

static const struct case_file *const files[] = {
	&frame_cases, &tcp_syn_cases, &icmp_echo_cases, &lookup_cases, &corrupt_cases,
	&tcp_states_cases, &icmp_timestamp_cases, &udp_cases, &udp_app_cases, &seat_cases,
	&do_not_scan_cases, &service_cases,
};

/* Call fn on every row of every table, with the counter it must move. */
static void for_each_row(void (*fn)(const struct tcase *t, int expect, const char *title))
{
	size_t i, j, k;
	int expect;

	for (i = 0; i < N_ROWS(files); i++) {
		for (j = 0; j < files[i]->ntables; j++) {
			const struct case_table *ct = &files[i]->tables[j];

			for (k = 0; k < ct->n; k++)
				fn(&ct->rows[k], ct->expect, ct->title);
		}
		for (j = 0; j < files[i]->nlookups; j++) {
			const struct lookup_table *lt = &files[i]->lookups[j];

			for (k = 0; k < lt->n; k++) {
				struct tcase t = lookup_case(lt, &lt->rows[k], &expect);

				fn(&t, expect, lt->title);
			}
		}
	}
}

static void run_one(const struct tcase *t, int expect, const char *title)
{
	static const char *last_title;

	if (title != last_title)
		printf("# %s\n", title);
	last_title = title;
	check_failed_in_test = !check_row(t, expect);
	check_tests_run++;
	if (check_failed_in_test)
		check_tests_failed++;
	printf("%s %d - %s [%s: %s]\n", check_failed_in_test ? "not ok" : "ok", check_tests_run,
	       t->name, responder_name[t->on], counter_name[expect]);
}

/* ---- the tables themselves ------------------------------------------------ */

static bool counter_seen[RS_NR_COUNTERS];
static const char *names[1024];
static size_t n_names;

static void note_row(const struct tcase *t, int expect, const char *title)
{
	counter_seen[expect] = true;
	if (n_names < N_ROWS(names))
		names[n_names++] = t->name;
}

/* Every counter is some row's expectation: no verdict path goes untested. */
static void every_counter_covered(void)
{
	int k;

	for (k = 0; k < RS_NR_COUNTERS; k++)
		CHECK(counter_seen[k], "no row expects counter %s", counter_name[k]);
}

/* A failure names its row: no two rows share a name. */
static void row_names_unique(void)
{
	size_t i, j;

	CHECK(n_names < N_ROWS(names), "more than %zu rows: make names[] larger", N_ROWS(names));
	for (i = 0; i < n_names; i++)
		for (j = i + 1; j < n_names; j++)
			CHECK(strcmp(names[i], names[j]), "two rows are named '%s'", names[i]);
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
	for (i = 0; i < N_ROWS(want); i++) {
		const struct rs_dir_entry *de = dir_of(want[i].svc, want[i].addr);
		bool sized = want[i].kind == RS_C_ARRAY || want[i].kind == RS_C_SPLIT ||
			     want[i].kind == RS_C_GUIDED;

		CHECK(de->kind == want[i].kind && (!sized || de->n == want[i].n),
		      "%s block %u.%u: kind %u n %u, expected kind %u n %u", want[i].svc,
		      want[i].addr >> 24, want[i].addr >> 16 & 0xff, de->kind, de->n, want[i].kind,
		      want[i].n);
	}
}

/* SYN_CARRYING_TWICE's probe really has an IP checksum of 0x0000. */
static void carrying_row_carries(void)
{
	struct tcase t = { SYN_CARRYING_TWICE };
	struct frame f;

	frame_build(&t, &f);
	CHECK(get16(f.b + ETH_LEN + 10) == 0,
	      "SYN_CARRYING_TWICE's IP checksum is 0x%04x, not 0: find another address",
	      get16(f.b + ETH_LEN + 10));
}

/* ---- checks across rows --------------------------------------------------- */

static bool same_tuple(const struct isn_seen *a, const struct isn_seen *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport &&
	       a->dport == b->dport;
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

	for (i = 0; i < n_isn_seen; i++) {
		for (j = i + 1; j < n_isn_seen; j++) {
			const struct isn_seen *a = &isn_seen[i], *b = &isn_seen[j];

			if (same_tuple(a, b) && a->key == b->key) {
				pairs_same++;
				CHECK(a->isn == b->isn,
				      "same key and 4-tuple, different ISN: '%s' %08x, '%s' %08x",
				      a->name, a->isn, b->name, b->isn);
				continue;
			}
			if (same_tuple(a, b))
				pairs_other_key++;
			CHECK(a->isn != b->isn, "different probes share ISN %08x: '%s' and '%s'",
			      a->isn, a->name, b->name);
		}
	}
	/* The tables must actually contain both kinds of pairs. */
	CHECK(pairs_same >= 2, "only %zu same-tuple pairs", pairs_same);
	CHECK(pairs_other_key >= 1, "no pair differing only in the key");
}

/* Every verdict bumps exactly one counter: their sum is the number of runs. */
static void counters_sum_to_runs(void)
{
	uint64_t v[RS_NR_COUNTERS], sum;
	int on, k, err;

	for (on = 0; on < NR_RESPONDERS; on++) {
		err = loader_read_percpu(bpf_map__fd(responder(on)->maps.counters), v,
					 RS_NR_COUNTERS);
		CHECK(!err, "reading %s's counters: %s", responder_name[on], strerror(-err));
		if (err)
			continue;
		for (sum = 0, k = 0; k < RS_NR_COUNTERS; k++)
			sum += v[k];
		CHECK(sum == runs_on(on), "responder '%s': counters sum to %llu after %llu runs",
		      responder_name[on], (unsigned long long)sum,
		      (unsigned long long)runs_on(on));
	}
}

/*
 * Every probe the world was asked about counts in one service bucket:
 * over all rows and sweeps, on every responder, the buckets' probes sum
 * to the verdicts that follow a lookup (the answers, filtered, not in
 * the world, no service, a request its protocol refuses) and their open
 * and closed answers to the tx_* verdicts.
 */
static void services_sum_to_verdicts(void)
{
	static uint64_t svc[RS_SVC_BUCKETS * RS_NR_SVC_COUNTERS];
	uint64_t v[RS_NR_COUNTERS], probes, answered, looked_up, tx;
	int on, k, err;

	for (on = 0; on < NR_RESPONDERS; on++) {
		err = loader_read_percpu(bpf_map__fd(responder(on)->maps.counters), v,
					 RS_NR_COUNTERS);
		if (!err)
			err = loader_read_percpu_rows(
				bpf_map__fd(responder(on)->maps.service_counters), 0, svc,
				RS_SVC_BUCKETS, RS_NR_SVC_COUNTERS);
		CHECK(!err, "reading %s's counters: %s", responder_name[on], strerror(-err));
		if (err)
			continue;
		for (probes = answered = 0, k = 0; k < RS_SVC_BUCKETS; k++) {
			probes += svc[k * RS_NR_SVC_COUNTERS + RS_SVC_CNT_PROBES];
			answered += svc[k * RS_NR_SVC_COUNTERS + RS_SVC_CNT_OPEN] +
				    svc[k * RS_NR_SVC_COUNTERS + RS_SVC_CNT_CLOSED];
		}
		for (tx = 0, k = 0; k < RS_NR_COUNTERS; k++)
			if (k <= RS_CNT_TX_PORT_UNREACH)
				tx += v[k];
		looked_up = tx + v[RS_CNT_DROP_FILTERED] + v[RS_CNT_DROP_NOT_IN_WORLD] +
			    v[RS_CNT_DROP_NO_SERVICE] + v[RS_CNT_DROP_BAD_REQUEST];
		CHECK(probes == looked_up && answered == tx,
		      "responder '%s': services count %llu probes, %llu answered; the verdicts "
		      "say %llu and %llu", responder_name[on], (unsigned long long)probes,
		      (unsigned long long)answered, (unsigned long long)looked_up,
		      (unsigned long long)tx);
	}
}

/*
 * The kernel's world_services give every service the bucket fixture.c
 * writes out for it (the policies first, then the others in the order
 * they were added; the many world's last ones "other"), and an unlisted
 * port its policy's bucket or "no_service".
 */
static void services_have_their_buckets(void)
{
	static const struct {
		enum responder on;
		const char *spec;	/* the service probed */
		const char *bucket;	/* the service whose bucket it counts in */
	} want[] = {
		{ ON_LAB, "tcp/80", "tcp/80" },
		{ ON_LAB, "tcp/443", "tcp/443" },
		{ ON_LAB, "tcp/65535", "tcp/65535" },
		{ ON_LAB, "tcp/3389", "tcp/3389" },
		{ ON_LAB, "icmp", "icmp" },
		{ ON_LAB, "tcp/22", "no_service" },
		{ ON_LAB, "udp/53", "no_service" },
		{ ON_LAB, "icmp/timestamp", "no_service" },
		{ ON_EMPTY, "tcp/80", "no_service" },
		{ ON_STATES, "tcp/*", "tcp/*" },
		{ ON_STATES, "udp/*", "udp/*" },
		{ ON_STATES, "tcp/80", "tcp/80" },
		{ ON_STATES, "icmp/timestamp", "icmp/timestamp" },
		{ ON_STATES, "udp/53", "udp/53" },
		{ ON_STATES, "udp/123", "udp/123" },
		{ ON_STATES, "udp/161", "udp/161" },
		{ ON_STATES, "udp/1900", "udp/1900" },
		{ ON_STATES, "udp/7", "udp/7" },
		{ ON_STATES, "tcp/22", "tcp/*" },
		{ ON_STATES, "tcp/65535", "tcp/*" },
		{ ON_STATES, "udp/9999", "udp/*" },
		{ ON_STATES, "icmp", "no_service" },
		{ ON_MANY, "udp/*", "udp/*" },
		{ ON_MANY, "udp/9", "udp/*" },
		{ ON_MANY, "tcp/300", "no_service" },
		{ ON_MANY, "tcp/*", "no_service" },
	};
	struct rs_service e;
	struct rs_svc svc;
	uint32_t key, port;
	size_t i;

	for (i = 0; i < N_ROWS(want); i++) {
		int fd = bpf_map__fd(responder(want[i].on)->maps.world_services);

		CHECK(!svc_parse(want[i].spec, &svc), "%s", want[i].spec);
		key = svc.slot << 16 | svc.port;
		CHECK(!bpf_map_lookup_elem(fd, &key, &e), "reading %s", want[i].spec);
		CHECK(e.bucket == bucket_of(want[i].on, want[i].bucket),
		      "responder '%s': %s counts in bucket %u, not %d (%s's)",
		      responder_name[want[i].on], want[i].spec, e.bucket,
		      bucket_of(want[i].on, want[i].bucket), want[i].bucket);
	}
	/* The many world: tcp/N in bucket N + 1 while buckets last, then "other". */
	for (port = 1; port <= MANY_TCP; port++) {
		char spec[16];
		int b;

		snprintf(spec, sizeof(spec), "tcp/%u", port);
		b = bucket_of(ON_MANY, spec);
		key = RS_SLOT_TCP << 16 | port;
		CHECK(!bpf_map_lookup_elem(bpf_map__fd(responder(ON_MANY)->maps.world_services),
					   &key, &e),
		      "reading %s", spec);
		CHECK(e.bucket == (b < 0 ? RS_SVC_OTHER : b), "many: %s counts in bucket %u, not %d",
		      spec, e.bucket, b < 0 ? RS_SVC_OTHER : b);
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
		enum responder on;
		uint32_t saddr;
		int host;	/* row it must count in, -1 = none */
	} probes[] = {
		{ ON_LAB, IP(100, 64, 0, 2), 2 },	/* the lab's own scanner */
		{ ON_LAB, IP(100, 64, 0, 129), 129 },	/* student 1 */
		{ ON_LAB, IP(100, 64, 0, 255), 255 },	/* the last row */
		{ ON_LAB, IP(100, 64, 1, 5), -1 },	/* next to the lab's /24 */
		{ ON_LAB, IP(203, 0, 113, 9), -1 },
		{ ON_OPEN, IP(100, 64, 0, 129), -1 },	/* no lab network set */
	};
	static uint64_t before[RS_SOURCES * RS_NR_COUNTERS], after[RS_SOURCES * RS_NR_COUNTERS];
	size_t i, k;

	for (i = 0; i < N_ROWS(probes); i++) {
		struct tcase t = { SYN_TO(IP(10, 1, 0, 5), 80), .saddr = probes[i].saddr };
		int fd = bpf_map__fd(responder(probes[i].on)->maps.source_counters);
		uint64_t moved = 0;
		struct frame f;
		struct run r;

		frame_build(&t, &f);
		if (loader_read_percpu(fd, before, RS_SOURCES * RS_NR_COUNTERS) ||
		    run_frame(probes[i].on, &f, &r) ||
		    loader_read_percpu(fd, after, RS_SOURCES * RS_NR_COUNTERS)) {
			CHECK(0, "probe %zu: reading or running failed", i);
			continue;
		}
		CHECK(r.retval == V_TX, "probe %zu: verdict %u", i, r.retval);
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

/* ---- sweeps: every address of a block ------------------------------------- */

/*
 * A TCP SYN to every address of block on port, on the lab responder:
 * CHECKs that exactly the hosts ref lists are answered (XDP_TX, others
 * XDP_DROP) and names the first address that is not.
 */
static void sweep_block(uint32_t block, uint16_t port, const bool *ref)
{
	uint32_t i, wrong = 0, first = 0, first_verdict = 0;

	for (i = 0; i < 65536; i++) {
		struct tcase t = { SYN_TO(block + i, port), .seq = i };
		struct frame f;
		struct run r;
		int err;

		frame_build(&t, &f);
		err = run_fast(ON_LAB, &f, &r);
		if (err) {
			CHECK(0, "BPF_PROG_TEST_RUN failed: %s", strerror(-err));
			return;
		}
		if (r.retval != (ref[i] ? V_TX : V_DROP) && !wrong++) {
			first = i;
			first_verdict = r.retval;
		}
	}
	CHECK(wrong == 0,
	      "block %u.%u: %u of 65536 addresses answered wrongly, first %u.%u.%u.%u (%s): verdict %u",
	      block >> 24, block >> 16 & 0xff, wrong, block >> 24, block >> 16 & 0xff, first >> 8,
	      first & 0xff, ref[first] ? "host" : "miss", first_verdict);
}

/*
 * Every address of the array, guided and split test blocks (10.20, 10.21:
 * the windows), probed: the kernel answers exactly the hosts the reference
 * lists (computed from how the blocks were filled, not from the world's
 * encoding).
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
	uint32_t i;

	for (k = 0; k < N_ROWS(blocks); k++) {
		memset(ref, 0, sizeof(ref));
		for (i = 0; i < hosts[k]; i++)
			ref[(k == 0 ? blocks[k] + 8 + 128 * i : guided_ref_addr(blocks[k], i)) & 0xffff] =
				true;
		sweep_block(blocks[k], 80, ref);
	}
	for (k = 0; k < N_ROWS(windows); k++) {
		for (i = 0; i < 65536; i++)
			ref[i] = windows[k].host(windows[k].block + i);
		sweep_block(windows[k].block, 80, ref);
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
	int dfd = bpf_map__fd(responder(ON_LAB)->maps.world_dir);
	uint32_t set = set_of("tcp/3389"), edge = UINT32_MAX, b, i, key;
	size_t k, straddles = 0;
	static bool ref[65536];

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
		sweep_block(IP(20, b, 0, 0), 3389, ref);
	}
}

/*
 * A connect scan's third packet, data and FIN carry our ISN + 1 as their
 * ack: they are left alone (DROP_HANDSHAKE), while an ACK one off from it
 * is an ACK out of the blue and gets its RST. The ISN comes from the
 * responder's own SYN-ACK, not from its hash.
 */
static void handshake_left_alone(void)
{
	struct tcase syn = { "handshake: the SYN", SYN_TO(IP(30, 0, 0, 2), 80), .sport = 44444,
			     .seq = 0x01000000, .on = ON_STATES };
	struct tcase next = syn;
	struct frame f;
	struct run r;
	uint32_t isn;

	frame_build(&syn, &f);
	CHECK(run_frame(ON_STATES, &f, &r) == 0 && r.retval == XDP_TX);
	isn = get32(r.out + ETH_LEN + 20 + 4);

	next.seq = 0x01000001;
	next.ack = isn + 1;
	next.name = "handshake: the third packet";
	next.tcp_flags = ACK;
	CHECK(check_row(&next, RS_CNT_DROP_HANDSHAKE), "the third packet was answered");
	next.name = "handshake: data";
	next.tcp_flags = PSH | ACK;
	next.payload = 18;
	CHECK(check_row(&next, RS_CNT_DROP_HANDSHAKE), "data was answered");
	next.name = "handshake: FIN";
	next.tcp_flags = FIN | ACK;
	next.payload = 0;
	CHECK(check_row(&next, RS_CNT_DROP_HANDSHAKE), "the FIN was answered");
	next.name = "handshake: another source port";
	next.tcp_flags = ACK;
	next.sport = 44445;
	CHECK(check_row(&next, RS_CNT_TX_RST_UNSOLICITED), "another connection's ACK");
	next.name = "handshake: ack one past";
	next.sport = 44444;
	next.ack = isn + 2;
	CHECK(check_row(&next, RS_CNT_TX_RST_UNSOLICITED), "an ACK one past our ISN + 1");
}

/* A seat's rate cap: a burst through, the rest dropped, the cap refilled with time. */
static void rate_cap(void)
{
	CHECK(rate_cap_holds(), "a row of the rate cap failed");
}

/* ---- UDP replies by host -------------------------------------------------- */

/* The part of a UDP reply's payload that says which row of a table the host has. */
static void banner_part(const uint8_t *payload, uint32_t len, bool server_line,
			const uint8_t **part, uint32_t *part_len)
{
	const uint8_t *s = NULL, *e = NULL;
	uint32_t i;

	*part = payload;
	*part_len = len;
	if (!server_line)
		return;
	for (i = 0; i + 8 <= len && !s; i++)
		if (!memcmp(payload + i, "SERVER: ", 8))
			s = payload + i;
	for (i = s ? (uint32_t)(s - payload) : len; i + 2 <= len && !e; i++)
		if (!memcmp(payload + i, "\r\n", 2))
			e = payload + i;
	*part = s;
	*part_len = s && e ? (uint32_t)(e - s) : 0;
}

/*
 * Replies vary from host to host where real ones do, and never for the
 * same host: every host of STATES_BANNER_NET gets exactly the reply
 * frame_udp.c expects (twice the same), and between them the hosts show
 * every row of the DNS versions, NTP servers, SNMP sysDescrs and UPnP
 * SERVER strings of bpf/udp_banners.h, counted from the replies.
 */
static void udp_replies_vary_by_host(void)
{
	static const struct {
		const char *name;
		enum udp_app app;
		uint16_t port;
		int cnt;
		bool server_line;	/* SSDP: only the SERVER line, the rest names the host */
	} probes[] = {
		{ "banner sweep: dns", UA_DNS_NMAP_VERSION, 53, RS_CNT_TX_UDP_DNS, false },
		{ "banner sweep: ntp", UA_NTP_NMAP, 123, RS_CNT_TX_UDP_NTP, false },
		{ "banner sweep: snmp", UA_SNMP_NMAP, 161, RS_CNT_TX_UDP_SNMP, false },
		{ "banner sweep: ssdp", UA_SSDP_NMAP, 1900, RS_CNT_TX_UDP_SSDP, true },
	};
	static struct {
		uint32_t len;
		uint8_t b[FRAME_MAX];
	} seen[RS_BANNER_ROWS + 1];
	size_t k, n_seen, j;
	uint32_t i, part_len;
	const uint8_t *part;

	for (k = 0; k < N_ROWS(probes); k++) {
		n_seen = 0;
		for (i = 0; i < 256; i++) {
			struct tcase t = { probes[k].name, .on = ON_STATES,
					   UDP_APP_TO(STATES_BANNER_NET + i, probes[k].port,
						      probes[k].app) };
			struct frame f;
			struct run r;

			if (!check_row(&t, probes[k].cnt)) {
				CHECK(0, "%s: host .%u", probes[k].name, i);
				return;
			}
			frame_build(&t, &f);
			if (run_fast(ON_STATES, &f, &r) || r.out_len < ETH_LEN + 28) {
				CHECK(0, "%s: host .%u: no reply", probes[k].name, i);
				return;
			}
			banner_part(r.out + ETH_LEN + 28, r.out_len - ETH_LEN - 28,
				    probes[k].server_line, &part, &part_len);
			for (j = 0; j < n_seen; j++)
				if (seen[j].len == part_len && !memcmp(seen[j].b, part, part_len))
					break;
			if (j == n_seen && n_seen < N_ROWS(seen)) {
				seen[n_seen].len = part_len;
				memcpy(seen[n_seen++].b, part, part_len);
			}
		}
		CHECK(n_seen == RS_BANNER_ROWS, "%s: the /24's hosts show %zu different replies, not %d",
		      probes[k].name, n_seen, RS_BANNER_ROWS);
	}
}

int main(void)
{
	int ret;

	if (fixture_load()) {
		printf("1..1\n");
		return 1;
	}
	for_each_row(note_row);
	counter_seen[RS_CNT_DROP_HANDSHAKE] = true;	/* handshake_left_alone() */
	counter_seen[RS_CNT_DROP_RATE_LIMITED] = true;	/* rate_cap() */
	RUN_TEST(world_has_every_container_kind);
	RUN_TEST(every_counter_covered);
	RUN_TEST(row_names_unique);
	RUN_TEST(carrying_row_carries);
	for_each_row(run_one);
	RUN_TEST(isn_keyed_by_tuple);
	RUN_TEST(handshake_left_alone);
	RUN_TEST(every_address_of_search_blocks);
	RUN_TEST(chunk_edges);
	RUN_TEST(source_counters_by_scanner);
	RUN_TEST(udp_replies_vary_by_host);
	RUN_TEST(rate_cap);
	RUN_TEST(counters_sum_to_runs);
	RUN_TEST(services_sum_to_verdicts);
	RUN_TEST(services_have_their_buckets);

	ret = CHECK_DONE();
	fixture_free();
	return ret;
}
