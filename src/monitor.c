// SPDX-License-Identifier: GPL-2.0-only
/* monitor.c - the timeline, metrics and JSON of a lab's monitor (monitor.h). */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "monitor.h"

void monitor_row_get(const struct lab *l, const struct lab_counters *c, uint32_t row,
		     struct monitor_row *r)
{
	const uint64_t *v = lab_row_verdicts(c, row), *rx = lab_row_delivered(c, row);
	const uint64_t *dns = lab_row_do_not_scan(c, row);

	memset(r, 0, sizeof(*r));
	r->student = lab_row_student(l, row);
	lab_row_addr(l, row, r->addr, sizeof(r->addr));
	r->packets = lab_row_packets(c, row);
	r->probes = r->packets - v[RS_CNT_PASS_ARP] - v[RS_CNT_DROP_NOT_IPV4];
	r->answered = lab_row_answered(c, row);
	r->delivered = lab_counters_sum(rx, RS_NR_LAB_COUNTERS);
	r->drop_rate_limited = v[RS_CNT_DROP_RATE_LIMITED];
	r->drop_do_not_scan = v[RS_CNT_DROP_DO_NOT_SCAN];
	r->drop_spoofed = v[RS_CNT_DROP_SPOOFED];
	r->idle_ticks = v[RS_CNT_PASS_ARP] + v[RS_CNT_DROP_NOT_IPV4] + rx[RS_CNT_RX_OTHER];
	memcpy(r->dns, dns, sizeof(r->dns));
}

bool monitor_row_moved(const struct monitor_row *prev, const struct monitor_row *now,
		       unsigned nlabels, bool idle)
{
	static const struct monitor_row zero;
	const struct monitor_row *p = prev ? prev : &zero;
	/* packets and delivered less what kernels send by themselves. */
	uint64_t busy_p = p->packets + p->delivered - p->idle_ticks;
	uint64_t busy_n = now->packets + now->delivered - now->idle_ticks;

	if (busy_p != busy_n || p->answered != now->answered ||
	    p->drop_rate_limited != now->drop_rate_limited ||
	    p->drop_do_not_scan != now->drop_do_not_scan || p->drop_spoofed != now->drop_spoofed ||
	    memcmp(p->dns, now->dns, nlabels * sizeof(now->dns[0])))
		return true;
	return idle && prev && (p->packets != now->packets || p->delivered != now->delivered);
}

void monitor_csv_label(const char *label, char *out, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; label[i] && i + 1 < len; i++)
		out[i] = strchr(",\"\r\n", label[i]) ? '_' : label[i];
	out[i] = 0;
}

void monitor_timeline_header(FILE *f, const char labels[][DNS_LABEL_MAX + 1], unsigned nlabels)
{
	char col[DNS_LABEL_MAX + 1];
	unsigned i;

	fputs("time_ms,student,addr,packets,probes,answered,delivered,drop_rate_limited,"
	      "drop_do_not_scan,drop_spoofed", f);
	for (i = 0; i < nlabels; i++) {
		monitor_csv_label(labels[i], col, sizeof(col));
		fprintf(f, ",dns:%s", col);
	}
	fputc('\n', f);
}

void monitor_timeline_line(FILE *f, uint64_t time_ms, const struct monitor_row *r,
			   unsigned nlabels)
{
	unsigned i;

	fprintf(f, "%llu,%u,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)time_ms,
		r->student, r->addr, (unsigned long long)r->packets, (unsigned long long)r->probes,
		(unsigned long long)r->answered, (unsigned long long)r->delivered,
		(unsigned long long)r->drop_rate_limited, (unsigned long long)r->drop_do_not_scan,
		(unsigned long long)r->drop_spoofed);
	for (i = 0; i < nlabels; i++)
		fprintf(f, ",%llu", (unsigned long long)r->dns[i]);
	fputc('\n', f);
}

/* ---- Prometheus text exposition format 0.0.4 ---------------------------- */

void monitor_prom_escape(FILE *f, const char *value)
{
	for (; *value; value++) {
		if (*value == '\\')
			fputs("\\\\", f);
		else if (*value == '"')
			fputs("\\\"", f);
		else if (*value == '\n')
			fputs("\\n", f);
		else
			fputc(*value, f);
	}
}

static void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{student="K",addr="A"[,KEY="VALUE"]} */
static void prom_row(FILE *f, const char *name, const struct monitor_row *r, const char *key,
		     const char *value)
{
	fprintf(f, "%s{student=\"%u\",addr=\"%s\"", name, r->student, r->addr);
	if (key) {
		fprintf(f, ",%s=\"", key);
		monitor_prom_escape(f, value);
		fputc('"', f);
	}
	fputc('}', f);
}

/* The rows used, as monitor_row, into rows; how many. */
static uint32_t used_rows(const struct monitor_view *v, struct monitor_row *rows, uint32_t *idx)
{
	uint32_t h, n = 0;

	for (h = 0; h < RS_SOURCES; h++) {
		if (!lab_row_used(v->now, h))
			continue;
		monitor_row_get(v->lab, v->now, h, &rows[n]);
		idx[n++] = h;
	}
	return n;
}

void monitor_metrics(FILE *f, const struct monitor_view *v)
{
	static struct monitor_row rows[RS_SOURCES];
	static uint32_t idx[RS_SOURCES];
	const struct lab_counters *c = v->now;
	uint32_t i, n = used_rows(v, rows, idx);
	unsigned k;

	prom_family(f, "rescan_lab_info", "gauge", "The lab this monitor watches (always 1).");
	fputs("rescan_lab_info{lab=\"", f);
	monitor_prom_escape(f, v->lab->name);
	fprintf(f, "\",students=\"%u\"} 1\n", v->lab->students);
	prom_family(f, "rescan_world_services", "gauge",
		    "Services of the lab's world that have open hosts.");
	fprintf(f, "rescan_world_services %u\n", v->world_services);
	prom_family(f, "rescan_monitor_samples_total", "counter",
		    "Samples of the lab's counters the monitor took.");
	fprintf(f, "rescan_monitor_samples_total %llu\n", (unsigned long long)v->samples);

	prom_family(f, "rescan_responder_packets_total", "counter",
		    "Packets the responder saw, by verdict (rescan stats).");
	for (i = 0; i < RS_NR_COUNTERS; i++)
		fprintf(f, "rescan_responder_packets_total{verdict=\"%s\"} %llu\n",
			lab_responder_desc[i].name, (unsigned long long)c->resp[i]);
	prom_family(f, "rescan_scanner_side_packets_total", "counter",
		    "Frames delivered to the scanner side, by kind.");
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
		fprintf(f, "rescan_scanner_side_packets_total{kind=\"%s\"} %llu\n",
			lab_side_desc[i].name, (unsigned long long)c->side[i]);

	if (c->services) {
		prom_family(f, "rescan_service_probes_total", "counter",
			    "Probes the responder looked up in the world, by the service they "
			    "asked for (tcp/* and udp/*: the ports the world does not list).");
		for (i = 0; i < RS_SVC_BUCKETS; i++)
			if (lab_svc_used(c, i)) {
				fputs("rescan_service_probes_total{service=\"", f);
				monitor_prom_escape(f, c->svc_names[i]);
				fprintf(f, "\"} %llu\n",
					(unsigned long long)lab_svc_counters(c, i)[RS_SVC_CNT_PROBES]);
			}
		prom_family(f, "rescan_service_answered_total", "counter",
			    "Probes of a service the responder answered, as the port's state "
			    "(open, closed).");
		for (i = 0; i < RS_SVC_BUCKETS; i++)
			if (lab_svc_used(c, i))
				for (k = 0; k < 2; k++) {
					fputs("rescan_service_answered_total{service=\"", f);
					monitor_prom_escape(f, c->svc_names[i]);
					fprintf(f, "\",state=\"%s\"} %llu\n", k ? "closed" : "open",
						(unsigned long long)lab_svc_counters(
							c, i)[k ? RS_SVC_CNT_CLOSED : RS_SVC_CNT_OPEN]);
				}
	}

	prom_family(f, "rescan_student_packets_total", "counter",
		    "Packets the responder saw from a scanner of the lab (student 0: the lab's own).");
	for (i = 0; i < n; i++) {
		prom_row(f, "rescan_student_packets_total", &rows[i], NULL, NULL);
		fprintf(f, " %llu\n", (unsigned long long)rows[i].packets);
	}
	prom_family(f, "rescan_student_answered_total", "counter",
		    "Probes of a scanner the responder answered.");
	for (i = 0; i < n; i++) {
		prom_row(f, "rescan_student_answered_total", &rows[i], NULL, NULL);
		fprintf(f, " %llu\n", (unsigned long long)rows[i].answered);
	}
	prom_family(f, "rescan_student_delivered_total", "counter",
		    "Frames delivered to a scanner of the lab.");
	for (i = 0; i < n; i++) {
		prom_row(f, "rescan_student_delivered_total", &rows[i], NULL, NULL);
		fprintf(f, " %llu\n", (unsigned long long)rows[i].delivered);
	}
	prom_family(f, "rescan_student_dropped_total", "counter",
		    "Packets of a scanner dropped for what it did: over its rate cap, into a "
		    "do-not-scan range, from a source not its own.");
	for (i = 0; i < n; i++) {
		static const char *const reason[] = { "rate_limited", "do_not_scan", "spoofed" };
		const uint64_t val[] = { rows[i].drop_rate_limited, rows[i].drop_do_not_scan,
					 rows[i].drop_spoofed };

		for (k = 0; k < 3; k++) {
			prom_row(f, "rescan_student_dropped_total", &rows[i], "reason", reason[k]);
			fprintf(f, " %llu\n", (unsigned long long)val[k]);
		}
	}
	if (c->nlabels) {
		prom_family(f, "rescan_student_do_not_scan_total", "counter",
			    "Probes of a scanner into the do-not-scan ranges of a label.");
		for (i = 0; i < n; i++)
			for (k = 0; k < c->nlabels; k++) {
				prom_row(f, "rescan_student_do_not_scan_total", &rows[i], "label",
					 c->labels[k]);
				fprintf(f, " %llu\n", (unsigned long long)rows[i].dns[k]);
			}
	}
	prom_family(f, "rescan_student_rate_pps", "gauge",
		    "Packets per second of a scanner between the monitor's last two samples.");
	for (i = 0; i < n; i++) {
		prom_row(f, "rescan_student_rate_pps", &rows[i], NULL, NULL);
		fprintf(f, " %.1f\n", v->rate_pps ? v->rate_pps[idx[i]] : 0.0);
	}
}

/* ---- JSON ---------------------------------------------------------------- */

/* "rate_pps": 1234.5, one decimal as the metrics have it. */
static void rate_json(struct json_object *row, double pps)
{
	char s[32];

	snprintf(s, sizeof(s), "%.1f", pps);
	json_object_object_add(row, "rate_pps", json_object_new_double_s(pps, s));
}

struct json_object *monitor_api_stats(const struct monitor_view *v, uint64_t time_ms)
{
	const struct lab_counters *c = v->now;
	struct json_object *jo = json_object_new_object(), *r = json_object_new_object(),
			   *s = json_object_new_object(), *src;
	char addr[INET_ADDRSTRLEN];
	uint64_t total = 0;
	uint32_t i, h;

	json_object_object_add(jo, "lab", json_object_new_string(v->lab->name));
	json_object_object_add(jo, "students", json_object_new_int((int)v->lab->students));
	json_object_object_add(jo, "time_ms", json_object_new_uint64(time_ms));
	json_object_object_add(jo, "interval_ms", json_object_new_uint64(v->interval_ms));
	for (i = 0; i < RS_NR_COUNTERS; i++)
		total += c->resp[i];
	json_object_object_add(r, "packets", json_object_new_uint64(total));
	for (i = 0; i < RS_NR_COUNTERS; i++)
		json_object_object_add(r, lab_responder_desc[i].name,
				       json_object_new_uint64(c->resp[i]));
	for (i = 0; i < RS_NR_LAB_COUNTERS; i++)
		json_object_object_add(s, lab_side_desc[i].name, json_object_new_uint64(c->side[i]));
	json_object_object_add(jo, "responder", r);
	json_object_object_add(jo, "scanner_side", s);
	/* The rows exactly as rescan stats --json has them, and two more numbers. */
	src = stats_sources_json(v->lab, c, 0);
	for (h = 0; h < RS_SOURCES; h++) {
		struct json_object *row;

		lab_row_addr(v->lab, h, addr, sizeof(addr));
		if (!lab_row_used(c, h) || !json_object_object_get_ex(src, addr, &row))
			continue;
		json_object_object_add(row, "answered",
				       json_object_new_uint64(lab_row_answered(c, h)));
		rate_json(row, v->rate_pps ? v->rate_pps[h] : 0);
		if (v->history) {
			struct json_object *a = json_object_new_array();
			unsigned k, at;

			for (k = 0; k < v->history_len; k++) {
				at = (v->history_next + MONITOR_HISTORY - v->history_len + k) %
				     MONITOR_HISTORY;
				json_object_array_add(a, json_object_new_int64(
							      (int64_t)(v->history[h][at] + 0.5f)));
			}
			json_object_object_add(row, "rate_history", a);
		}
	}
	json_object_object_add(jo, "sources", src);
	return jo;
}

uint64_t monitor_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
