/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor.h - what the lab's monitor (rescan lab monitor) writes, as pure
 * functions of a lab's counters: the timeline a grader reads, the
 * Prometheus text exposition and the JSON the dashboard polls. The loop,
 * the HTTP server and the process around them are cmd_monitor.c's.
 *
 * The timeline (<results_dir>/timeline.csv) is a contract with the grader:
 *
 *   time_ms,student,addr,packets,probes,answered,delivered,
 *   drop_rate_limited,drop_do_not_scan,drop_spoofed[,dns:LABEL...]
 *
 * one line per row of the lab (lab_counters.h) whenever its counters
 * moved: Unix time in ms, the student (0: the lab's own scanner), the
 * row's lab address, then its cumulative counters: every packet, the
 * probes among them (its IPv4 packets: what the rate cap counts), the
 * answers, what was delivered to it, its drops. What the kernels send
 * by themselves ticks on an idle lab: the gateway's ARP refresh of each
 * seat and its answer (pass_arp, rx_other), a student namespace's IPv6
 * router solicitations (drop_not_ipv4). It is in the numbers but never
 * alone the reason for a line, so an idle class writes nothing. When the
 * monitor stops, every row's last values are written once more where
 * they moved at all.
 */
#ifndef RESCAN_MONITOR_H
#define RESCAN_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "lab.h"
#include "lab_counters.h"

#define MONITOR_TIMELINE "timeline.csv"

/* One row's numbers, as a timeline line carries them. */
struct monitor_row {
	unsigned student;		/* 0: not a student's seat */
	char addr[16];
	uint64_t packets, probes, answered, delivered;
	uint64_t drop_rate_limited, drop_do_not_scan, drop_spoofed;
	uint64_t idle_ticks;		/* pass_arp + drop_not_ipv4 + rx_other */
	uint64_t dns[RS_DNS_LABELS];	/* per do-not-scan label */
};

/* Row `row` of c. */
void monitor_row_get(const struct lab *l, const struct lab_counters *c, uint32_t row,
		     struct monitor_row *r);

/*
 * Did now move since prev (NULL: never written)? With idle, the kernels'
 * own packets count too; without, a row that moved by them alone has not.
 */
bool monitor_row_moved(const struct monitor_row *prev, const struct monitor_row *now,
		       unsigned nlabels, bool idle);

/* A label as a CSV column name: ',', '"', CR and LF become '_'. */
void monitor_csv_label(const char *label, char *out, size_t len);

/* The timeline's header line for these labels, newline included. */
void monitor_timeline_header(FILE *f, const char labels[][DNS_LABEL_MAX + 1], unsigned nlabels);

/* One timeline line. */
void monitor_timeline_line(FILE *f, uint64_t time_ms, const struct monitor_row *r,
			   unsigned nlabels);

/* A Prometheus label value, escaped (backslash, double quote, newline). */
void monitor_prom_escape(FILE *f, const char *value);

/* Samples of each row's rate the dashboard gets, for its sparklines. */
#define MONITOR_HISTORY 60

/* What the metrics and the JSON say beside the counters. */
struct monitor_view {
	const struct lab *lab;
	const struct lab_counters *now;
	/* Probes per second of each row over the last two samples (or 0). */
	const double *rate_pps;	/* RS_SOURCES entries */
	/* The rates of the last samples, a ring per row (or NULL): */
	const float (*history)[MONITOR_HISTORY];
	unsigned history_len, history_next;	/* how many, where the next goes */
	uint64_t interval_ms;
	unsigned world_services;	/* services with open hosts, from the state */
	uint64_t samples;		/* taken so far */
};

/* GET /metrics: Prometheus text exposition format 0.0.4. */
void monitor_metrics(FILE *f, const struct monitor_view *v);

/*
 * GET /api/stats: {"lab", "students", "time_ms", "responder": {...},
 * "scanner_side": {...}, "sources": {ADDR: row}} with each row as
 * `rescan stats --json` has it in .sources, plus "answered", "rate_pps"
 * and "rate_history" (oldest first, one per interval_ms).
 */
struct json_object *monitor_api_stats(const struct monitor_view *v, uint64_t time_ms);

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
uint64_t monitor_now_ms(void);

#endif
