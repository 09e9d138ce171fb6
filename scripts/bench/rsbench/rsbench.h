/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsbench.h - what the subcommands of rsbench share: their entry points for
 * the table in rsbench.c, errors and exit codes, the random source, JSON
 * output, the probes xdpcost times (probe.c) and its back-to-back part
 * (batch.c).
 */
#ifndef RSBENCH_H
#define RSBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service.h"

struct json_object;

/*
 * The subcommands, for the table in rsbench.c. Each declares its options
 * with src/options.h, the product's own parser, and parses them first.
 */
int cmd_gen(int argc, char **argv);
int cmd_gen_inet(int argc, char **argv);
int cmd_xdpcost(int argc, char **argv);
int cmd_memlat(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_baselines(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Exit codes: 0 ok, 1 failure, 2 usage (util.h's RS_EXIT_*). Messages are one
 * line on stderr, printed as the CLI prints its own (rs_print_error). */

/* The message, then exit 1. (A bad command line: options_usage_error.) */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
struct command;

/* PPM, a share in parts per million (0 to 1000000), of a command's arguments;
 * else one usage line (options_usage_error) and -EINVAL. */
int parse_ppm(const struct command *cmd, const char *s, uint32_t *ppm);
/* Shuffle v[0..n) with rng(), every order equally likely. */
void shuffle_u32(uint32_t *v, uint64_t n);
/* malloc that dies when memory runs out. */
void *xmalloc(size_t n);

/* xorshift64*: a fixed sequence, so every run draws the same samples. */
extern uint64_t rng_state;
uint64_t rng(void);

/* Print obj as one line of compact JSON on stdout and free it. */
void json_print(struct json_object *obj);
/* A JSON number written as printf(fmt, v) writes it ("%.1f"). */
struct json_object *json_fmt(const char *fmt, double v);

/* ---- probes (probe.c) ----------------------------------------------------- */

#define FRAME 64

struct pkt {
	uint8_t b[FRAME];
	uint32_t len;
};

/* What ZMap 2.1.1 sends from the lab's scanner side to daddr (host order). */
void build_probe(struct pkt *k, int proto, uint8_t tcp_flags, uint32_t daddr, uint16_t dport);

/* ---- xdpcost's back-to-back measurement (batch.c) -------------------------- */

enum bcase { B_HIT, B_MISS, B_SCAN, B_NONPROBE, NR_B };
extern const char *const bname[NR_B];

#define BATCH_REPEAT 100000	/* runs per call */
#define BATCH_CALLS 21		/* calls per program and case, interleaved */

struct batch_result {
	uint32_t addrs;
	double hit_share;	/* of the timed runs */
	double ns, lay_ns;	/* median per run: responder with harness, harness alone */
	double net_p25, net, net_p75;	/* per pair of calls: the difference */
};

struct responder_bpf;
struct world;

/* The addresses of [first, last] split by the world's answer for set. */
struct range_split {
	uint32_t first, last;
	uint32_t *hits, nh;
	uint32_t *miss, nm;
};

void batch_measure(struct responder_bpf *r, const struct world *w, struct rs_svc svc, int proto,
		   uint16_t port, const struct range_split *rs, struct batch_result res[NR_B]);

#endif /* RSBENCH_H */
