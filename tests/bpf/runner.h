/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * runner.h - feeding frames to a loaded responder with BPF_PROG_TEST_RUN
 * and checking one row: the verdict, that exactly the expected counter
 * moved by one, per scanner too where the row says, and the bytes that
 * come back. A failure prints why, on
 * TAP comment lines, naming the row, its frame and the header fields
 * that differ.
 */
#ifndef RESCAN_TEST_RUNNER_H
#define RESCAN_TEST_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "cases.h"
#include "frame.h"

#define META_MAX 32

/* XDP verdicts spelled out, so the tests do not lean on the BPF headers. */
#define V_ABORTED 0
#define V_DROP 1
#define V_PASS 2
#define V_TX 3

extern const char *const counter_name[RS_NR_COUNTERS];

struct run {
	uint8_t in[META_MAX + FRAME_MAX];	/* what went in, metadata included */
	uint8_t out[META_MAX + FRAME_MAX + 64];
	uint32_t in_len, out_len, meta;
	uint32_t retval;
	uint64_t delta[RS_NR_COUNTERS];		/* how each counter moved */
};

/*
 * Run on's program once on f (with repeat 1: a repeated run would see the
 * packet it already rewrote). run_fast() leaves the counters alone; both
 * return 0 or -errno.
 */
int run_frame(enum responder on, const struct frame *f, struct run *r);
int run_fast(enum responder on, const struct frame *f, struct run *r);
/* run_fast() for any loaded XDP program: fills r's in, out, lengths and retval. */
int run_prog(int prog_fd, const struct frame *f, struct run *r);
/* How many frames on's program has seen. */
uint64_t runs_on(enum responder on);

/*
 * Run row t, check it against the counter expect; false (after saying why)
 * if it failed. check_row_once() runs an answered row once, not twice:
 * for rows whose verdict depends on the runs before (a seat's rate cap).
 */
bool check_row(const struct tcase *t, int expect);
bool check_row_once(const struct tcase *t, int expect);

/* A TCP reply a row got: its 4-tuple, the ISN key of its responder, the ISN. */
struct isn_seen {
	const char *name;
	uint32_t key, saddr, daddr;
	uint16_t sport, dport;
	uint32_t isn;
};
extern struct isn_seen isn_seen[];
extern size_t n_isn_seen;

#endif
