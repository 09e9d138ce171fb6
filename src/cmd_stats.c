// SPDX-License-Identifier: GPL-2.0-only
/* cmd_stats.c - rescan stats: the responder's counters, by name. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <json-c/json.h>

#include "commands.h"
#include "lab.h"
#include "loader.h"
#include "options.h"
#include "util.h"

struct counter_desc {
	const char *name;
	const char *help;
};

#define RS_DESC_ENTRY(id, name, help) { name, help },
static const struct counter_desc responder_desc[] = { RS_RESPONDER_COUNTERS(RS_DESC_ENTRY) };
static const struct counter_desc lab_desc[] = { RS_LAB_COUNTERS(RS_DESC_ENTRY) };
#undef RS_DESC_ENTRY

static int read_pinned(const struct lab *l, const char *map, uint64_t *vals, uint32_t n)
{
	char path[192];
	int fd, err;

	lab_pin_path(l, map, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT || strcmp(map, RS_MAP_SOURCE_COUNTERS))
			rs_error("cannot open the lab's counters at %s: %s", path, strerror(errno));
		return err;	/* -ENOENT for sources: a lab from an older rescan */
	}
	err = loader_read_percpu(fd, vals, n);
	close(fd);
	if (err)
		rs_error("cannot read %s: %s", path, strerror(-err));
	return err;
}

/* Per-scanner rows: those of src[RS_SOURCES][RS_NR_COUNTERS] that saw a packet. */
static uint64_t source_total(const uint64_t *row)
{
	uint64_t t = 0;
	uint32_t i;

	for (i = 0; i < RS_NR_COUNTERS; i++)
		t += row[i];
	return t;
}

static void source_addr(const struct lab *l, uint32_t host, char *buf, size_t len)
{
	struct in_addr a = { htonl(l->net | host) };

	inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static struct json_object *sources_json(const struct lab *l, const uint64_t *src)
{
	struct json_object *o = json_object_new_object();
	char addr[INET_ADDRSTRLEN];
	uint32_t h, i;

	for (h = 0; h < RS_SOURCES; h++) {
		const uint64_t *row = src + (size_t)h * RS_NR_COUNTERS, packets = source_total(row);
		struct json_object *r;

		if (!packets)
			continue;
		r = json_object_new_object();
		json_object_object_add(r, "packets", json_object_new_uint64(packets));
		for (i = 0; i < RS_NR_COUNTERS; i++)
			json_object_object_add(r, responder_desc[i].name, json_object_new_uint64(row[i]));
		source_addr(l, h, addr, sizeof(addr));
		json_object_object_add(o, addr, r);
	}
	return o;
}

static void sources_text(const struct lab *l, const uint64_t *src)
{
	char addr[INET_ADDRSTRLEN];
	uint32_t h, i;

	printf("by scanner (source address):\n");
	for (h = 0; h < RS_SOURCES; h++) {
		const uint64_t *row = src + (size_t)h * RS_NR_COUNTERS, packets = source_total(row);
		const char *sep = "";

		if (!packets)
			continue;
		source_addr(l, h, addr, sizeof(addr));
		printf("  %-15s %12llu packets:", addr, (unsigned long long)packets);
		for (i = 0; i < RS_NR_COUNTERS; i++) {
			if (!row[i])
				continue;
			printf("%s %s %llu", sep, responder_desc[i].name, (unsigned long long)row[i]);
			sep = ",";
		}
		printf("\n");
	}
}

/*
 * The gateway re-ARPs for the scanner every few seconds (lab.c,
 * keep_lab_link_alive), so these counters tick on an idle lab; --line
 * leaves them out, and changes only when someone scans.
 */
static bool ticks_when_idle(bool scanner_side, uint32_t i)
{
	return scanner_side ? i == RS_CNT_RX_OTHER : i == RS_CNT_PASS_ARP;
}

static void print_line(const uint64_t *resp, const uint64_t *side)
{
	const char *sep = "";
	uint32_t i;

	for (i = 0; i < RS_NR_COUNTERS; i++) {
		if (resp[i] && !ticks_when_idle(false, i)) {
			printf("%s%s=%llu", sep, responder_desc[i].name, (unsigned long long)resp[i]);
			sep = " ";
		}
	}
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++) {
		if (side[i] && !ticks_when_idle(true, i)) {
			printf("%s%s=%llu", sep, lab_desc[i].name, (unsigned long long)side[i]);
			sep = " ";
		}
	}
	printf("\n");
}

struct stats_opts {
	const char *name;
	bool json, line;
};

static const struct command stats_cmd = {
	.name = "rescan stats",
	.about = "Counters of a running lab: every packet the responder saw, by\n"
		 "verdict (the probes it answered, the ones it dropped and why), the\n"
		 "same for each scanner address of the lab (every student of a class\n"
		 "has one), and what reached the scanner's interface.",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct stats_opts, name),
		OPT_FLAG('j', "json", struct stats_opts, json, "machine-readable output"),
		OPT_FLAG('l', "line", struct stats_opts, line,
			 "one line for a log: the totals that are not 0, as\n"
			 "name=value, without the ARP refresh that ticks on an\n"
			 "idle lab (pass_arp, rx_other)"),
		{} },
};

int cmd_stats(int argc, char **argv)
{
	uint64_t resp[RS_NR_COUNTERS], side[RS_NR_LAB_COUNTERS], total = 0;
	static uint64_t src[RS_SOURCES * RS_NR_COUNTERS];
	struct stats_opts o = { 0 };
	bool have_src;
	char **args;
	struct lab l;
	uint32_t i;
	int nargs, rc;

	rc = options_parse(&stats_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.json && o.line)
		return options_usage_error(&stats_cmd, "--json and --line exclude each other");
	rc = lab_for_command(o.name, true, &l);
	if (rc)
		return rc;
	if (read_pinned(&l, RS_MAP_COUNTERS, resp, RS_NR_COUNTERS) ||
	    read_pinned(&l, RS_MAP_LAB_COUNTERS, side, RS_NR_LAB_COUNTERS)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	for (i = 0; i < RS_NR_COUNTERS; i++)
		total += resp[i];
	if (o.line) {
		print_line(resp, side);
		return RS_EXIT_OK;
	}
	have_src = !read_pinned(&l, RS_MAP_SOURCE_COUNTERS, src, RS_SOURCES * RS_NR_COUNTERS);

	if (o.json) {
		struct json_object *jo = json_object_new_object(), *r = json_object_new_object(),
				   *s = json_object_new_object();

		json_object_object_add(r, "packets", json_object_new_uint64(total));
		for (i = 0; i < RS_NR_COUNTERS; i++)
			json_object_object_add(r, responder_desc[i].name, json_object_new_uint64(resp[i]));
		for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
			json_object_object_add(s, lab_desc[i].name, json_object_new_uint64(side[i]));
		json_object_object_add(jo, "lab", json_object_new_string(l.name));
		json_object_object_add(jo, "responder", r);
		json_object_object_add(jo, "scanner_side", s);
		if (have_src)
			json_object_object_add(jo, "sources", sources_json(&l, src));
		printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY));
		json_object_put(jo);
		return RS_EXIT_OK;
	}
	printf("lab '%s' responder (internet side): %llu packets\n", l.name,
	       (unsigned long long)total);
	for (i = 0; i < RS_NR_COUNTERS; i++)
		printf("  %-20s %14llu  %s\n", responder_desc[i].name, (unsigned long long)resp[i],
		       responder_desc[i].help);
	if (have_src)
		sources_text(&l, src);
	printf("scanner side (%s):\n", l.if_scan);
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
		printf("  %-20s %14llu  %s\n", lab_desc[i].name, (unsigned long long)side[i],
		       lab_desc[i].help);
	return RS_EXIT_OK;
}
