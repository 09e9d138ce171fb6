// SPDX-License-Identifier: GPL-2.0-only
/* cmd_stats.c - rescan stats: the responder's counters, by name. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "lab_class.h"
#include "lab_counters.h"
#include "lab.h"
#include "loader.h"
#include "options.h"
#include "util.h"

struct json_object *stats_sources_json(const struct lab *l, const struct lab_counters *r,
				       unsigned only)
{
	struct json_object *o = json_object_new_object();
	char addr[INET_ADDRSTRLEN];
	uint32_t h, i;

	for (h = 0; h < RS_SOURCES; h++) {
		const uint64_t *row = lab_row_verdicts(r, h);
		const uint64_t *rx = lab_row_delivered(r, h);
		const uint64_t *dns = lab_row_do_not_scan(r, h);
		struct json_object *j, *d, *x;

		if ((only && lab_row_student(l, h) != only) || (!only && !lab_row_used(r, h)))
			continue;
		j = json_object_new_object();
		if (lab_row_student(l, h))
			json_object_object_add(j, "student", json_object_new_int((int)lab_row_student(l, h)));
		json_object_object_add(j, "packets",
				       json_object_new_uint64(lab_counters_sum(row, RS_NR_COUNTERS)));
		for (i = 0; i < RS_NR_COUNTERS; i++)
			json_object_object_add(j, lab_responder_desc[i].name, json_object_new_uint64(row[i]));
		x = json_object_new_object();
		for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
			json_object_object_add(x, lab_side_desc[i].name, json_object_new_uint64(rx[i]));
		json_object_object_add(j, "delivered", x);
		d = json_object_new_object();
		for (i = 0; i < r->nlabels; i++)
			json_object_object_add(d, r->labels[i], json_object_new_uint64(dns[i]));
		json_object_object_add(j, "do_not_scan", d);
		lab_row_addr(l, h, addr, sizeof(addr));
		json_object_object_add(o, addr, j);
	}
	return o;
}

static void sources_text(const struct lab *l, const struct lab_counters *r, unsigned only)
{
	char addr[INET_ADDRSTRLEN], who[16];
	uint32_t h, i;

	printf("by scanner (where its packets came in):\n");
	for (h = 0; h < RS_SOURCES; h++) {
		const uint64_t *row = lab_row_verdicts(r, h);
		const uint64_t *rx = lab_row_delivered(r, h);
		const uint64_t *dns = lab_row_do_not_scan(r, h);
		const char *sep = "";

		if ((only && lab_row_student(l, h) != only) || (!only && !lab_row_used(r, h)))
			continue;
		lab_row_addr(l, h, addr, sizeof(addr));
		snprintf(who, sizeof(who), "student %u", lab_row_student(l, h));
		printf("  %-15s %-11s %12llu packets:", addr, lab_row_student(l, h) ? who : "",
		       (unsigned long long)lab_counters_sum(row, RS_NR_COUNTERS));
		for (i = 0; i < RS_NR_COUNTERS; i++) {
			if (!row[i])
				continue;
			printf("%s %s %llu", sep, lab_responder_desc[i].name, (unsigned long long)row[i]);
			sep = ",";
		}
		printf("; delivered %llu", (unsigned long long)lab_counters_sum(rx, RS_NR_LAB_COUNTERS));
		for (i = 0; i < r->nlabels; i++)
			if (dns[i])
				printf("; do-not-scan '%s' %llu", r->labels[i],
				       (unsigned long long)dns[i]);
		printf("\n");
	}
}

static struct json_object *services_json(const struct lab_counters *r)
{
	struct json_object *o = json_object_new_object();
	uint32_t b, i;

	for (b = 0; b < RS_SVC_BUCKETS; b++) {
		const uint64_t *v = lab_svc_counters(r, b);
		struct json_object *j;

		if (!lab_svc_used(r, b))
			continue;
		j = json_object_new_object();
		json_object_object_add(j, "probes", json_object_new_uint64(v[RS_SVC_CNT_PROBES]));
		json_object_object_add(j, "answered", json_object_new_uint64(lab_svc_answered(r, b)));
		for (i = RS_SVC_CNT_PROBES + 1; i < RS_NR_SVC_COUNTERS; i++)
			json_object_object_add(j, lab_service_desc[i].name, json_object_new_uint64(v[i]));
		json_object_object_add(o, r->svc_names[b][0] ? r->svc_names[b] : "?", j);
	}
	return o;
}

/* The services that saw probes, in bucket order (the policies first, then the world's). */
static void services_text(const struct lab_counters *r)
{
	uint32_t b, shown = 0;

	printf("by service (the probes the world was asked about, and its answers):\n");
	for (b = 0; b < RS_SVC_BUCKETS; b++) {
		const uint64_t *v = lab_svc_counters(r, b);

		if (!v[RS_SVC_CNT_PROBES])
			continue;
		printf("  %-20s %14llu probes, %llu answered (open %llu, closed %llu)\n",
		       r->svc_names[b][0] ? r->svc_names[b] : "?",
		       (unsigned long long)v[RS_SVC_CNT_PROBES],
		       (unsigned long long)lab_svc_answered(r, b),
		       (unsigned long long)v[RS_SVC_CNT_OPEN], (unsigned long long)v[RS_SVC_CNT_CLOSED]);
		shown++;
	}
	if (!shown)
		printf("  (no probe yet)\n");
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
			printf("%s%s=%llu", sep, lab_responder_desc[i].name, (unsigned long long)resp[i]);
			sep = " ";
		}
	}
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++) {
		if (side[i] && !ticks_when_idle(true, i)) {
			printf("%s%s=%llu", sep, lab_side_desc[i].name, (unsigned long long)side[i]);
			sep = " ";
		}
	}
	printf("\n");
}

struct stats_opts {
	const char *name, *socket;
	bool json, line, mine;
	uint64_t student;
};

static const struct command stats_cmd = {
	.name = "rescan stats",
	.about = "Counters of a running lab: every packet the responder saw, by\n"
		 "verdict (the probes it answered, the ones it dropped and why), the\n"
		 "same for each scanner of the lab by where its packets came in (each\n"
		 "student of a class has its own row, with what reached it and its\n"
		 "probes into do-not-scan ranges), what reached the scanner side, and\n"
		 "by service of the world the probes it was asked about and the\n"
		 "answers (open, closed); a port the world does not list counts for\n"
		 "its protocol's policy (tcp/*, udp/*) or as no_service.",
	.opts = (const struct opt[]){
		OPT_LAB_NAME(struct stats_opts, name),
		OPT_FLAG('j', "json", struct stats_opts, json, "machine-readable output"),
		OPT_FLAG('l', "line", struct stats_opts, line,
			 "one line for a log: the totals that are not 0, as\n"
			 "name=value, without the ARP refresh that ticks on an\n"
			 "idle lab (pass_arp, rx_other)"),
		OPT_U64_RANGE('s', "student", struct stats_opts, student, "K", 1, LAB_STUDENTS_MAX,
			      "student K's row alone (what to show a student)"),
		OPT_FLAG('m', "mine", struct stats_opts, mine,
			 "a student's own row, asked of the lab's class socket\n"
			 "with this namespace (needs no capability; a student\n"
			 "container of rescan lab join)"),
		OPT_STRING(0, "socket", struct stats_opts, socket, "PATH",
			   "with --mine: the class socket (default " LAB_CLASS_SOCKET ")"),
		{} },
};

static const char *help_of(const char *name)
{
	uint32_t i;

	for (i = 0; i < RS_NR_COUNTERS; i++)
		if (!strcmp(name, lab_responder_desc[i].name))
			return lab_responder_desc[i].help;
	if (!strncmp(name, "delivered.", 10))
		for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
			if (!strcmp(name + 10, lab_side_desc[i].name))
				return lab_side_desc[i].help;
	return "";
}

/* --mine: the row the lab counted for this namespace's seat. */
static int stats_mine(const struct stats_opts *o)
{
	static char buf[LAB_CLASS_COUNTERS_MAX];
	struct json_object *jo = json_object_new_object(), *d = json_object_new_object();
	char *line, *eq;

	if (lab_class_counters(o->socket ? o->socket : LAB_CLASS_SOCKET, buf, sizeof(buf))) {
		json_object_put(jo);
		json_object_put(d);
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		if (o->json) {
			struct json_object *v = strcmp(line, "addr") ?
				json_object_new_uint64(strtoull(eq + 1, NULL, 10)) :
				json_object_new_string(eq + 1);

			if (!strncmp(line, "delivered.", 10))
				json_object_object_add(d, line + 10, v);
			else
				json_object_object_add(jo, line, v);
		} else if (!strcmp(line, "student")) {
			printf("student %s", eq + 1);
		} else if (!strcmp(line, "addr")) {
			printf(" (%s), as the lab counted it:\n", eq + 1);
		} else if (strcmp(eq + 1, "0")) {
			printf("  %-30s %14s  %s\n", line, eq + 1, help_of(line));
		}
	}
	if (o->json) {
		json_object_object_add(jo, "delivered", d);
		printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY));
	} else {
		json_object_put(d);
	}
	json_object_put(jo);
	return RS_EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
	static struct lab_counters rows;
	const uint64_t *resp = rows.resp, *side = rows.side;
	uint64_t total = 0;
	struct stats_opts o = { 0 };
	unsigned only;
	char **args;
	struct lab l;
	uint32_t i;
	int nargs, rc;

	rc = options_parse(&stats_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.json && o.line)
		return options_usage_error(&stats_cmd, "--json and --line exclude each other");
	if (o.student && o.line)
		return options_usage_error(&stats_cmd, "--student and --line exclude each other");
	if (o.socket && !o.mine)
		return options_usage_error(&stats_cmd, "--socket only applies with --mine");
	if (o.mine) {
		if (o.line || o.student || o.name)
			return options_usage_error(&stats_cmd, "--mine takes only --json and --socket");
		return stats_mine(&o);
	}
	only = (unsigned)o.student;
	rc = lab_for_command(o.name, true, &l);
	if (rc)
		return rc;
	if (lab_counters_read(&l, &rows, o.line)) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	for (i = 0; i < RS_NR_COUNTERS; i++)
		total += resp[i];
	if (o.line) {
		print_line(resp, side);
		return RS_EXIT_OK;
	}

	if (o.json) {
		struct json_object *jo = json_object_new_object(), *r = json_object_new_object(),
				   *s = json_object_new_object();

		json_object_object_add(jo, "lab", json_object_new_string(l.name));
		if (!only) {
			json_object_object_add(r, "packets", json_object_new_uint64(total));
			for (i = 0; i < RS_NR_COUNTERS; i++)
				json_object_object_add(r, lab_responder_desc[i].name,
						       json_object_new_uint64(resp[i]));
			for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
				json_object_object_add(s, lab_side_desc[i].name,
						       json_object_new_uint64(side[i]));
			json_object_object_add(jo, "responder", r);
			json_object_object_add(jo, "scanner_side", s);
			if (rows.services)
				json_object_object_add(jo, "services", services_json(&rows));
		} else {
			json_object_put(r);
			json_object_put(s);
		}
		json_object_object_add(jo, "sources", stats_sources_json(&l, &rows, only));
		printf("%s\n", json_object_to_json_string_ext(jo, JSON_C_TO_STRING_PRETTY));
		json_object_put(jo);
		return RS_EXIT_OK;
	}
	if (only) {
		sources_text(&l, &rows, only);
		return RS_EXIT_OK;
	}
	printf("lab '%s' responder (internet side): %llu packets\n", l.name,
	       (unsigned long long)total);
	for (i = 0; i < RS_NR_COUNTERS; i++)
		printf("  %-20s %14llu  %s\n", lab_responder_desc[i].name, (unsigned long long)resp[i],
		       lab_responder_desc[i].help);
	sources_text(&l, &rows, 0);
	if (rows.services)
		services_text(&rows);
	printf("scanner side (%s%s):\n", l.if_scan, l.students ? " and every student's" : "");
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
		printf("  %-20s %14llu  %s\n", lab_side_desc[i].name, (unsigned long long)side[i],
		       lab_side_desc[i].help);
	return RS_EXIT_OK;
}
