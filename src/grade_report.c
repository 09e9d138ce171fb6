// SPDX-License-Identifier: GPL-2.0-only
/* grade_report.c - a grade as text, JSON and CSV (grade_report.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "grade_report.h"
#include "util.h"

bool grade_passes(const struct grade_context *x, const struct graded *g)
{
	return g->graded && grade_recall(&g->total) >= x->min_recall &&
	       grade_precision(&g->total) >= x->min_precision;
}

static void range_text(const struct assignment *a, char *buf, size_t len)
{
	size_t at = 0;
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < a->nranges && at < len; i++) {
		char f[16], l[16];
		uint64_t n = (uint64_t)a->ranges[i].last - a->ranges[i].first + 1;
		int prefix = 32 - __builtin_ctzll(n);

		format_ipv4(a->ranges[i].first, f);
		format_ipv4(a->ranges[i].last, l);
		/* A CIDR block when it is one, else first-last. */
		if (!(n & (n - 1)) && !(a->ranges[i].first & (uint32_t)(n - 1)))
			at += (size_t)snprintf(buf + at, len - at, "%s%s/%d", i ? " " : "", f, prefix);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%s-%s", i ? " " : "", f, l);
	}
}

static void counts_row(FILE *f, const char *what, const struct grade_counts *c)
{
	fprintf(f, "  %-14s %9llu %9llu %9llu %7llu %7llu %8llu %6llu %10.4f %7.4f %9.4f\n", what,
		(unsigned long long)c->truth, (unsigned long long)c->reported,
		(unsigned long long)c->tp, (unsigned long long)c->fp, (unsigned long long)c->fn,
		(unsigned long long)c->outside, (unsigned long long)c->duplicates,
		grade_precision(c), grade_recall(c), grade_coverage(c));
}

void grade_print_text(FILE *f, const struct grade_context *x, const struct graded *g)
{
	const struct assignment *a = x->a;
	char ranges[512], svc[32], st[24], asked[512];
	unsigned i;

	range_text(a, ranges, sizeof(ranges));
	assignment_asked(a, asked, sizeof(asked));
	fprintf(f, "%s", g->name);
	if (g->student)
		fprintf(f, " (student %u)", g->student);
	fprintf(f, ":");
	if (a->name[0])
		fprintf(f, " assignment %s:", a->name);
	fprintf(f, " %s in %s (%llu addresses), world %s\n", asked, ranges,
		(unsigned long long)assignment_range_size(a), x->world_desc);
	for (i = 0; i < g->nfiles; i++) {
		if (g->files[i].format)
			fprintf(f, "  file %s: %s\n", g->files[i].path, g->files[i].format);
		else if (g->files[i].error[0])
			fprintf(f, "  file %s: not read: %s\n", g->files[i].path, g->files[i].error);
	}
	if (!g->graded) {
		fprintf(f, "  not graded: %s\n", g->error);
		return;
	}
	fprintf(f, "  %-14s %9s %9s %9s %7s %7s %8s %6s %10s %7s %9s\n", "SERVICE", "TRUTH",
		"REPORTED", "TP", "FP", "FN", "OUTSIDE", "DUPS", "PRECISION", "RECALL", "COVERAGE");
	for (i = 0; i < a->nservices; i++) {
		svc_format(a->services[i], svc, sizeof(svc));
		counts_row(f, svc, &g->svc[i]);
	}
	if (a->nservices > 1)
		counts_row(f, "total", &g->total);
	if (g->acct) {
		const struct tl_student *s = g->acct;

		fprintf(f, "  the lab counted: %llu probes, %llu answered, peak %.0f pps, mean %.0f pps; "
			   "over the rate cap %llu, into do-not-scan ranges %llu, spoofed %llu\n",
			(unsigned long long)s->probes, (unsigned long long)s->answered, s->peak_pps,
			s->mean_pps, (unsigned long long)s->rate_limited,
			(unsigned long long)s->do_not_scan, (unsigned long long)s->spoofed);
		for (i = 0; x->tl && i < x->tl->nlabels; i++)
			if (s->dns[i])
				fprintf(f, "    do-not-scan '%s': %llu probes\n", x->tl->labels[i],
					(unsigned long long)s->dns[i]);
	} else if (x->tl) {
		fprintf(f, "  the lab counted nothing for %s\n",
			g->student ? "this student" : "this name (not student-K)");
	}
	snprintf(st, sizeof(st), "%s", grade_passes(x, g) ? "pass" : "BELOW THRESHOLD");
	fprintf(f, "  result: %s (recall %.4f, at least %.4f; precision %.4f, at least %.4f)\n", st,
		grade_recall(&g->total), x->min_recall, grade_precision(&g->total), x->min_precision);
}

static struct json_object *counts_json(const struct grade_counts *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "truth", json_object_new_uint64(c->truth));
	json_object_object_add(o, "reported", json_object_new_uint64(c->reported));
	json_object_object_add(o, "true_positives", json_object_new_uint64(c->tp));
	json_object_object_add(o, "false_positives", json_object_new_uint64(c->fp));
	json_object_object_add(o, "false_negatives", json_object_new_uint64(c->fn));
	json_object_object_add(o, "outside_range", json_object_new_uint64(c->outside));
	json_object_object_add(o, "duplicates", json_object_new_uint64(c->duplicates));
	json_object_object_add(o, "blocks", json_object_new_uint64(c->blocks));
	json_object_object_add(o, "blocks_found", json_object_new_uint64(c->blocks_found));
	json_object_object_add(o, "precision", json_object_new_double(grade_precision(c)));
	json_object_object_add(o, "recall", json_object_new_double(grade_recall(c)));
	json_object_object_add(o, "coverage", json_object_new_double(grade_coverage(c)));
	return o;
}

struct json_object *grade_json(const struct grade_context *x, const struct graded *g)
{
	struct json_object *o = json_object_new_object(), *files = json_object_new_array();
	struct json_object *svcs = json_object_new_object();
	char svc[32];
	unsigned i;

	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "student", g->student ? json_object_new_int((int)g->student) : NULL);
	for (i = 0; i < g->nfiles; i++) {
		struct json_object *fo = json_object_new_object();

		json_object_object_add(fo, "path", json_object_new_string(g->files[i].path));
		if (g->files[i].format)
			json_object_object_add(fo, "format", json_object_new_string(g->files[i].format));
		else if (g->files[i].error[0])
			json_object_object_add(fo, "error", json_object_new_string(g->files[i].error));
		json_object_array_add(files, fo);
	}
	json_object_object_add(o, "files", files);
	json_object_object_add(o, "graded", json_object_new_boolean(g->graded));
	if (!g->graded) {
		json_object_object_add(o, "error", json_object_new_string(g->error));
		json_object_put(svcs);
	} else {
		for (i = 0; i < x->a->nservices; i++) {
			svc_format(x->a->services[i], svc, sizeof(svc));
			json_object_object_add(svcs, svc, counts_json(&g->svc[i]));
		}
		json_object_object_add(o, "services", svcs);
		json_object_object_add(o, "total", counts_json(&g->total));
	}
	if (g->acct) {
		const struct tl_student *s = g->acct;
		struct json_object *a = json_object_new_object(), *d = json_object_new_object();

		json_object_object_add(a, "probes", json_object_new_uint64(s->probes));
		json_object_object_add(a, "packets", json_object_new_uint64(s->packets));
		json_object_object_add(a, "answered", json_object_new_uint64(s->answered));
		json_object_object_add(a, "delivered", json_object_new_uint64(s->delivered));
		json_object_object_add(a, "peak_pps", json_object_new_double(s->peak_pps));
		json_object_object_add(a, "mean_pps", json_object_new_double(s->mean_pps));
		json_object_object_add(a, "drop_rate_limited", json_object_new_uint64(s->rate_limited));
		json_object_object_add(a, "drop_do_not_scan", json_object_new_uint64(s->do_not_scan));
		json_object_object_add(a, "drop_spoofed", json_object_new_uint64(s->spoofed));
		for (i = 0; x->tl && i < x->tl->nlabels; i++)
			json_object_object_add(d, x->tl->labels[i], json_object_new_uint64(s->dns[i]));
		json_object_object_add(a, "do_not_scan", d);
		json_object_object_add(o, "accounting", a);
	} else {
		json_object_object_add(o, "accounting", NULL);
	}
	json_object_object_add(o, "pass", json_object_new_boolean(grade_passes(x, g)));
	return o;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_text(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int grade_write_csv(const char *path, const struct grade_context *x, const struct graded *g,
		    unsigned n)
{
	FILE *f = rs_open_output(path);
	unsigned i, k;

	if (!f)
		return -EIO;
	fprintf(f, "name,student,formats,truth,reported,true_positives,false_positives,"
		   "false_negatives,outside_range,duplicates,precision,recall,coverage,probes,"
		   "answered,peak_pps,mean_pps,drop_rate_limited,drop_do_not_scan,drop_spoofed,pass,"
		   "error\n");
	for (i = 0; i < n; i++) {
		const struct graded *s = &g[i];
		const struct grade_counts *c = &s->total;
		char formats[256] = "";
		size_t at = 0;

		for (k = 0; k < s->nfiles && at < sizeof(formats); k++)
			if (s->files[k].format && !strstr(formats, s->files[k].format))
				at += (size_t)snprintf(formats + at, sizeof(formats) - at, "%s%s",
						       at ? " " : "", s->files[k].format);
		csv_text(f, s->name);
		fputc(',', f);
		if (s->student)
			fprintf(f, "%u", s->student);
		fprintf(f, ",%s,", formats);
		if (s->graded)
			fprintf(f, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%.6f,%.6f,%.6f",
				(unsigned long long)c->truth, (unsigned long long)c->reported,
				(unsigned long long)c->tp, (unsigned long long)c->fp,
				(unsigned long long)c->fn, (unsigned long long)c->outside,
				(unsigned long long)c->duplicates, grade_precision(c), grade_recall(c),
				grade_coverage(c));
		else
			fprintf(f, ",,,,,,,,,");
		if (s->acct)
			fprintf(f, ",%llu,%llu,%.0f,%.0f,%llu,%llu,%llu",
				(unsigned long long)s->acct->probes,
				(unsigned long long)s->acct->answered, s->acct->peak_pps,
				s->acct->mean_pps, (unsigned long long)s->acct->rate_limited,
				(unsigned long long)s->acct->do_not_scan,
				(unsigned long long)s->acct->spoofed);
		else
			fprintf(f, ",,,,,,,");
		fprintf(f, ",%s,", grade_passes(x, s) ? "yes" : "no");
		csv_text(f, s->graded ? "" : s->error);
		fputc('\n', f);
	}
	return rs_close_output(f, path);
}
