/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsbench.h - what the subcommands of rsbench share: the command and option
 * tables the dispatcher (rsbench.c) reads, errors and exit codes, the random
 * source, the probes xdpcost times (probe.c) and JSON output.
 */
#ifndef RSBENCH_H
#define RSBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/*
 * Every option any subcommand takes, parsed into one struct; a subcommand's
 * table says which of them it accepts, with its own default.
 */
struct rsb_opts {
	uint64_t seed;		/* -s: the key of the hash that draws a world's hosts */
	uint64_t format;	/* -F: index into the option's choices */
	uint64_t count;		/* -n: runs or reads */
	uint64_t port;		/* -p */
	bool json;		/* -j */
	const char *plot;	/* -g: gnuplot script for the report's figure */
};

enum rsb_opt_kind { OPT_FLAG, OPT_NUM, OPT_CHOICE, OPT_STR };

/* One option, declared once: getopt, validation and --help come from it. */
struct rsb_opt {
	char flag;
	const char *name;	/* the long form, --name */
	const char *arg;	/* its argument in the help ("SEED"); NULL for a flag */
	const char *help;
	enum rsb_opt_kind kind;
	size_t field;		/* offsetof(struct rsb_opts, ...) */
	uint64_t def;		/* default (OPT_NUM, OPT_CHOICE) */
	uint64_t min, max;	/* OPT_NUM bounds */
	const char *const *choices;	/* OPT_CHOICE, NULL-terminated */
};

#define RSB_NUM(f, n, a, h, fld, d, lo, hi) \
	{ f, n, a, h, OPT_NUM, offsetof(struct rsb_opts, fld), d, lo, hi, NULL }
#define RSB_FLAG(f, n, h, fld) \
	{ f, n, NULL, h, OPT_FLAG, offsetof(struct rsb_opts, fld), 0, 0, 0, NULL }
#define RSB_JSON RSB_FLAG('j', "json", "one JSON object on stdout", json)

/* A subcommand: its options, positional arguments and what it does. */
struct rsb_cmd {
	const char *name;
	const char *args;	/* positional arguments, for usage lines */
	int nargs;		/* how many of them */
	const char *summary;	/* one line for the listing */
	const char *help;	/* the rest of --help, or NULL */
	const struct rsb_opt *opts;
	int nopts;
	/* argv holds the nargs positional arguments only. */
	int (*run)(const struct rsb_opts *o, char **argv);
};

#define RSB_OPTS(table) (table), (int)(sizeof(table) / sizeof((table)[0]))
#define RSB_CMD(nm, a, n, fn, table, sum, more)                                      \
	{ .name = nm, .args = a, .nargs = n, .summary = sum, .help = more,           \
	  .opts = RSB_OPTS(table), .run = fn }

extern const struct rsb_cmd cmd_gen, cmd_gen_inet, cmd_xdpcost, cmd_memlat, cmd_load,
	cmd_baselines, cmd_report;

/* Exit codes: 0 ok, 1 failure, 2 usage (util.h's RS_EXIT_*). */

/* "rsbench: <message>" on stderr, exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* "rsbench: <message>" on stderr; returns the usage exit code, 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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

void batch_measure(struct responder_bpf *r, const struct world *w, uint32_t set, int proto,
		   uint16_t port, const struct range_split *rs, struct batch_result res[NR_B]);

#endif /* RSBENCH_H */
