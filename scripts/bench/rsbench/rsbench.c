// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsbench - the C half of `make bench` (scripts/bench.sh drives it): test
 * data, per-probe cost, world load, the baselines for real scans, and the
 * report. This file is the subcommand table and what the subcommands share;
 * each subcommand lives in its own file and declares its options there with
 * the CLI's parser (src/options.h), so rsbench fails on a bad command line
 * the way rescan does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "options.h"
#include "rsbench.h"
#include "subcmd.h"
#include "util.h"

static const struct subcmd commands[] = {
	{ "gen", cmd_gen, "every address of a range with probability PPM/1e6" },
	{ "gen-inet", cmd_gen_inet, "addresses over all of IPv4, clustered like scan results" },
	{ "xdpcost", cmd_xdpcost, "the responder's cost per packet (BPF_PROG_TEST_RUN)" },
	{ "memlat", cmd_memlat, "what one read of memory costs here (xdpcost's reference)" },
	{ "load", cmd_load, "time loading a world into the kernel; memlock per map" },
	{ "baselines", cmd_baselines, "pin XDP_DROP and the reflector for real scans" },
	{ "report", cmd_report, "a bench run's raw data into RESULTS.md" },
};

void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs_print_error("%s", msg);
	exit(RS_EXIT_FAIL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

int parse_ppm(const struct command *cmd, const char *s, uint32_t *ppm)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > 1000000) {
		options_usage_error(cmd, "PPM is a whole number from 0 to 1000000, not '%s'", s);
		return -EINVAL;
	}
	*ppm = (uint32_t)v;
	return 0;
}

uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

void shuffle_u32(uint32_t *v, uint64_t n)
{
	uint64_t i, j;
	uint32_t t;

	for (i = n; i > 1; i--) {
		j = rng() % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

void json_print(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

struct json_object *json_fmt(const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(v, buf);
}

int main(int argc, char **argv)
{
	libbpf_set_print(NULL);
	rs_program = "rsbench";
	return subcmd_dispatch("rsbench", "The C half of `make bench` (scripts/bench.sh).",
			       "Exit codes: 0 ok, 1 failure, 2 usage error.", SUBCMDS(commands), argc,
			       argv);
}
