// SPDX-License-Identifier: GPL-2.0-only
/*
 * grade_html.c - a class's grades as one HTML page that needs nothing but
 * itself: a table per student and inline SVG plots (recall and precision,
 * each student's rate over time, do-not-scan probes). No script, no
 * stylesheet or font from elsewhere: it opens offline, and a mailed copy
 * shows the same.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "grade_report.h"
#include "util.h"

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A colour per student: a palette whose neighbours differ. */
static const char *colour(unsigned i)
{
	static const char *const palette[] = {
		"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
		"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
	};

	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

#define BAR_H 16
#define LABEL_W 170
#define PLOT_W 520

/* Recall and precision, two bars per student, 0..1. */
static void plot_quality(FILE *f, const struct grade_context *x, const struct graded *g, unsigned n)
{
	unsigned i, h = n * (2 * BAR_H + 8) + 40;

	fprintf(f, "<h2>Recall and precision</h2>\n<svg class=\"plot\" id=\"quality\" width=\"%d\" height=\"%u\" "
		   "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n", LABEL_W + PLOT_W + 130, h);
	for (i = 0; i < n; i++) {
		double r = g[i].graded ? grade_recall(&g[i].total) : 0;
		double p = g[i].graded ? grade_precision(&g[i].total) : 0;
		unsigned y = 20 + i * (2 * BAR_H + 8);

		fprintf(f, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", LABEL_W - 6, y + BAR_H + 4);
		esc(f, g[i].name);
		fprintf(f, "</text>\n<rect x=\"%d\" y=\"%u\" width=\"%.1f\" height=\"%d\" class=\"recall\"/>"
			   "<text x=\"%.1f\" y=\"%u\" class=\"val\">recall %.3f</text>\n",
			LABEL_W, y, r * PLOT_W, BAR_H - 2, LABEL_W + r * PLOT_W + 4, y + BAR_H - 4, r);
		fprintf(f, "<rect x=\"%d\" y=\"%u\" width=\"%.1f\" height=\"%d\" class=\"precision\"/>"
			   "<text x=\"%.1f\" y=\"%u\" class=\"val\">precision %.3f</text>\n",
			LABEL_W, y + BAR_H, p * PLOT_W, BAR_H - 2, LABEL_W + p * PLOT_W + 4,
			y + 2 * BAR_H - 4, p);
	}
	/* The thresholds, as lines across. */
	if (x->min_recall > 0)
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" y2=\"%u\" class=\"thr\"/>"
			   "<text x=\"%.1f\" y=\"%u\" class=\"val\">min recall %.2f</text>\n",
			LABEL_W + x->min_recall * PLOT_W, LABEL_W + x->min_recall * PLOT_W, h - 14,
			LABEL_W + x->min_recall * PLOT_W - 40, h - 2, x->min_recall);
	fprintf(f, "</svg>\n");
}

/* Each student's probes per second over the class's time, one line each. */
static void plot_rates(FILE *f, const struct grade_context *x, const struct graded *g, unsigned n)
{
	const struct timeline *tl = x->tl;
	const unsigned W = LABEL_W + PLOT_W, H = 260, L = 60, B = 30;
	double peak = x->a->student_rate ? (double)x->a->student_rate : 1, span_ms;
	uint64_t t_origin;
	const char *c;
	unsigned i;
	uint32_t k;

	if (!tl)
		return;
	for (i = 0; i < n; i++)
		if (g[i].acct && g[i].acct->peak_pps > peak)
			peak = g[i].acct->peak_pps;
	/* From one interval before the first sample to the last. */
	t_origin = tl->first_ms - tl->interval_ms;
	span_ms = (double)(tl->last_ms - t_origin);
	fprintf(f, "<h2>Probes per second</h2>\n<svg class=\"plot\" id=\"rates\" width=\"%u\" height=\"%u\" "
		   "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n", W + 140, H + B);
	fprintf(f, "<line x1=\"%u\" y1=\"10\" x2=\"%u\" y2=\"%u\" class=\"axis\"/>"
		   "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" class=\"axis\"/>\n",
		L, L, H, L, H, W, H);
	fprintf(f, "<text x=\"%u\" y=\"18\" text-anchor=\"end\" class=\"val\">%.0f</text>"
		   "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" class=\"val\">0</text>"
		   "<text x=\"%u\" y=\"%u\" text-anchor=\"end\" class=\"val\">%.0f s</text>\n",
		L - 4, peak, L - 4, H, W, H + 18, span_ms / 1000.0);
	if (x->a->student_rate) {
		double y = H - (double)x->a->student_rate / peak * (H - 10);

		fprintf(f, "<line x1=\"%u\" x2=\"%u\" y1=\"%.1f\" y2=\"%.1f\" class=\"thr\"/>"
			   "<text x=\"%u\" y=\"%.1f\" class=\"val\">cap %llu</text>\n",
			L, W, y, y, W + 4, y + 4, (unsigned long long)x->a->student_rate);
	}
	for (i = 0; i < n; i++) {
		const struct tl_student *s = g[i].acct;

		if (!s || !s->npoints)
			continue;
		c = colour(i);
		fprintf(f, "<polyline class=\"rate\" stroke=\"%s\" data-name=\"", c);
		esc(f, g[i].name);
		fprintf(f, "\" points=\"");
		for (k = 0; k < s->npoints; k++) {
			/* A sample's rate is of the interval before it. */
			double x1 = L + (double)(s->points[k].t_ms - t_origin) / span_ms * (W - L);
			double x0 = x1 - (double)tl->interval_ms / span_ms * (W - L);
			double y = H - s->points[k].pps / peak * (H - 10);
			bool gap = k && s->points[k].t_ms - s->points[k - 1].t_ms > tl->interval_ms * 3 / 2;

			/*
			 * Flat over each sample's interval, down to 0 across a gap (more
			 * than an interval and a half: samples come a few ms late).
			 */
			if (gap)
				fprintf(f, "%.1f,%u ", L + (double)(s->points[k - 1].t_ms - t_origin) /
							   span_ms * (W - L), H);
			if (!k || gap)
				fprintf(f, "%.1f,%u ", x0, H);
			fprintf(f, "%.1f,%.1f %.1f,%.1f ", x0, y, x1, y);
			if (k + 1 == s->npoints)
				fprintf(f, "%.1f,%u", x1, H);
		}
		fprintf(f, "\"/><text x=\"%u\" y=\"%u\" style=\"fill:%s\">", W + 4,
			30 + (i % 16) * 14, c);
		esc(f, g[i].name);
		fprintf(f, "</text>\n");
	}
	fprintf(f, "</svg>\n");
}

static void plot_do_not_scan(FILE *f, const struct graded *g, unsigned n)
{
	uint64_t most = 0;
	unsigned i, shown = 0;

	for (i = 0; i < n; i++)
		if (g[i].acct && g[i].acct->do_not_scan > most)
			most = g[i].acct->do_not_scan;
	fprintf(f, "<h2>Probes into do-not-scan ranges</h2>\n");
	if (!most) {
		fprintf(f, "<p id=\"dns-none\">None: no student probed a do-not-scan range.</p>\n");
		return;
	}
	for (i = 0; i < n; i++)
		shown += g[i].acct && g[i].acct->do_not_scan;
	fprintf(f, "<svg class=\"plot\" id=\"dns\" width=\"%d\" height=\"%u\" "
		   "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
		LABEL_W + PLOT_W + 80, shown * (BAR_H + 6) + 10);
	for (i = 0, shown = 0; i < n; i++) {
		uint64_t v = g[i].acct ? g[i].acct->do_not_scan : 0;
		unsigned y = 5 + shown * (BAR_H + 6);

		if (!v)
			continue;
		shown++;
		fprintf(f, "<text x=\"%d\" y=\"%u\" text-anchor=\"end\">", LABEL_W - 6, y + BAR_H - 3);
		esc(f, g[i].name);
		fprintf(f, "</text><rect x=\"%d\" y=\"%u\" width=\"%.1f\" height=\"%d\" class=\"dns\"/>"
			   "<text x=\"%.1f\" y=\"%u\" class=\"val\">%llu</text>\n",
			LABEL_W, y, (double)v / (double)most * PLOT_W, BAR_H, LABEL_W +
			(double)v / (double)most * PLOT_W + 4, y + BAR_H - 3, (unsigned long long)v);
	}
	fprintf(f, "</svg>\n");
}

static void table(FILE *f, const struct grade_context *x, const struct graded *g, unsigned n)
{
	unsigned i;

	fprintf(f, "<h2>Students</h2>\n<table id=\"grades\">\n<tr><th>name</th><th>student</th>"
		   "<th>truth</th><th>reported</th><th>TP</th><th>FP</th><th>FN</th><th>outside</th>"
		   "<th>dups</th><th>precision</th><th>recall</th><th>coverage</th><th>probes</th>"
		   "<th>peak pps</th><th>mean pps</th><th>over cap</th><th>do-not-scan</th>"
		   "<th>spoofed</th><th>result</th></tr>\n");
	for (i = 0; i < n; i++) {
		const struct graded *s = &g[i];
		const struct grade_counts *c = &s->total;
		bool pass = grade_passes(x, s);

		fprintf(f, "<tr class=\"%s\" data-name=\"", pass ? "pass" : "fail");
		esc(f, s->name);
		fprintf(f, "\"><td>");
		esc(f, s->name);
		fprintf(f, "</td><td>");
		if (s->student)
			fprintf(f, "%u", s->student);
		fprintf(f, "</td>");
		if (s->graded)
			fprintf(f, "<td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
				   "<td>%llu</td><td>%llu</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>",
				(unsigned long long)c->truth, (unsigned long long)c->reported,
				(unsigned long long)c->tp, (unsigned long long)c->fp,
				(unsigned long long)c->fn, (unsigned long long)c->outside,
				(unsigned long long)c->duplicates, grade_precision(c), grade_recall(c),
				grade_coverage(c));
		else
			fprintf(f, "<td colspan=\"10\" class=\"err\">not graded</td>");
		if (s->acct)
			fprintf(f, "<td>%llu</td><td>%.0f</td><td>%.0f</td><td%s>%llu</td><td%s>%llu</td>"
				   "<td%s>%llu</td>",
				(unsigned long long)s->acct->probes, s->acct->peak_pps, s->acct->mean_pps,
				s->acct->rate_limited ? " class=\"err\"" : "",
				(unsigned long long)s->acct->rate_limited,
				s->acct->do_not_scan ? " class=\"err\"" : "",
				(unsigned long long)s->acct->do_not_scan,
				s->acct->spoofed ? " class=\"err\"" : "",
				(unsigned long long)s->acct->spoofed);
		else
			fprintf(f, "<td colspan=\"6\">not counted</td>");
		fprintf(f, "<td>%s", pass ? "pass" : "below");
		if (!s->graded) {
			fprintf(f, ": ");
			esc(f, s->error);
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

int grade_write_html(const char *path, const struct grade_context *x, const struct graded *g,
		     unsigned n)
{
	const struct assignment *a = x->a;
	FILE *f = rs_open_output(path);
	unsigned i, passed = 0;
	char asked[512], when[64];
	time_t now = time(NULL);

	if (!f)
		return -EIO;
	for (i = 0; i < n; i++)
		passed += grade_passes(x, &g[i]);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	esc(f, a->name[0] ? a->name : "rescan grades");
	fprintf(f, "</title>\n<style>\n"
		   "body{font:14px/1.4 sans-serif;margin:1.5em;color:#222}\n"
		   "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
		   "td:first-child{text-align:left}tr.fail td:last-child{color:#b00;font-weight:bold}\n"
		   ".err{background:#fdd}.plot text{font:12px sans-serif}.val{fill:#444}\n"
		   ".recall{fill:#3a7bd5}.precision{fill:#7cb342}.dns{fill:#d84315}\n"
		   ".thr{stroke:#b00;stroke-dasharray:4 3}.axis{stroke:#888}\n"
		   ".rate{fill:none;stroke-width:1.5}\n</style></head><body>\n<h1>");
	esc(f, a->name[0] ? a->name : "Grades");
	assignment_asked(a, asked, sizeof(asked));
	fprintf(f, "</h1>\n<p id=\"summary\">%u of %u submissions pass. Asked: %s, %llu addresses; "
		   "world ", passed, n, asked, (unsigned long long)assignment_range_size(a));
	esc(f, x->world_desc);
	fprintf(f, ". Thresholds: recall &ge; %.2f, precision &ge; %.2f. Written %s by rescan grade.</p>\n",
		x->min_recall, x->min_precision, when);
	table(f, x, g, n);
	plot_quality(f, x, g, n);
	plot_rates(f, x, g, n);
	if (x->tl)
		plot_do_not_scan(f, g, n);
	fprintf(f, "</body></html>\n");
	return rs_close_output(f, path);
}
