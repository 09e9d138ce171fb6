// SPDX-License-Identifier: GPL-2.0-only
/* grade.c - a student's results against the ground truth (grade.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "util.h"

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 1.0;
}

double grade_precision(const struct grade_counts *c)
{
	return ratio(c->tp, c->tp + c->fp);
}

double grade_recall(const struct grade_counts *c)
{
	return ratio(c->tp, c->tp + c->fn);
}

double grade_coverage(const struct grade_counts *c)
{
	return ratio(c->blocks_found, c->blocks);
}

void grade_counts_add(struct grade_counts *to, const struct grade_counts *c)
{
	to->truth += c->truth;
	to->reported += c->reported;
	to->tp += c->tp;
	to->fp += c->fp;
	to->fn += c->fn;
	to->outside += c->outside;
	to->duplicates += c->duplicates;
	to->blocks += c->blocks;
	to->blocks_found += c->blocks_found;
}

struct truth_buf {
	uint32_t *v;
	uint64_t n, cap;
	const struct dns_list *dns;
};

/* Is addr in a do-not-scan range? Never answered, so no scan can find it. */
static bool do_not_scan(const struct dns_list *d, uint32_t addr)
{
	size_t i;

	for (i = 0; d && i < d->n; i++)
		if (d->ranges[i].prefix == 0 ||
		    (addr ^ d->ranges[i].addr) >> (32 - d->ranges[i].prefix) == 0)
			return true;
	return false;
}

static int push_truth(uint32_t addr, void *ctx)
{
	struct truth_buf *t = ctx;

	if (do_not_scan(t->dns, addr))
		return 0;

	if (t->n == t->cap) {
		uint64_t cap = t->cap ? t->cap * 2 : 4096;
		uint32_t *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = addr;
	return 0;
}

/* The hosts of svc in state st in a's ranges, ascending, into t. */
static int state_truth(const struct grader *g, struct rs_svc svc, enum rs_state st,
		       struct truth_buf *t)
{
	const struct assignment *a = g->a;
	unsigned r;
	int err = 0;

	for (r = 0; r < a->nranges && !err; r++)
		err = world_state_foreach(g->w, svc, st, a->ranges[r].first, a->ranges[r].last,
					  push_truth, t);
	return err;
}

/* t becomes the union of t and u, both ascending without repeats. */
static int merge_truth(struct truth_buf *t, const struct truth_buf *u)
{
	uint64_t i = 0, j = 0, n = 0;
	uint32_t *v;

	if (!u->n)
		return 0;
	v = malloc((t->n + u->n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (i < t->n || j < u->n) {
		if (j == u->n || (i < t->n && t->v[i] < u->v[j]))
			v[n++] = t->v[i++];
		else if (i == t->n || u->v[j] < t->v[i])
			v[n++] = u->v[j++];
		else
			v[n++] = t->v[i++], j++;
	}
	free(t->v);
	t->v = v;
	t->n = t->cap = n;
	return 0;
}

/*
 * Host discovery's truth: the hosts of the ranges that answer a probe of
 * the discovery set (assignment.h): ICMP when open, TCP and UDP when open
 * or closed. Each probe's answering hosts come ascending from the world,
 * and are merged in.
 */
static int hosts_truth(const struct grader *g, struct truth_buf *t)
{
	const struct assignment *a = g->a;
	unsigned i, st;
	int err = 0;

	for (i = 0; i < a->ndiscovery && !err; i++) {
		struct rs_svc svc = a->discovery[i];
		unsigned nstates = svc.slot == RS_SLOT_ICMP ? 1 : 2;

		for (st = RS_STATE_OPEN; st < nstates && !err; st++) {
			struct truth_buf u = { .dns = t->dns };

			err = state_truth(g, svc, (enum rs_state)st, &u);
			if (!err)
				err = merge_truth(t, &u);
			free(u.v);
		}
	}
	return err;
}

int grader_init(struct grader *g, const struct world *w, const struct assignment *a)
{
	unsigned i;
	int err;

	memset(g, 0, sizeof(*g));
	g->w = w;
	g->a = a;
	err = ipset_init(&g->seen);
	if (!err && a->do_not_scan[0]) {
		err = dns_list_read(a->do_not_scan, &g->dns);
		g->have_dns = !err;
	}
	if (err) {
		grader_free(g);
		return err;
	}
	for (i = 0; i < a->nservices; i++) {
		struct truth_buf t = { .dns = g->have_dns ? &g->dns : NULL };

		if (a->services[i].slot == SVC_SLOT_HOSTS)
			err = hosts_truth(g, &t);
		else
			err = state_truth(g, a->services[i], (enum rs_state)a->state, &t);
		g->truth[i] = t.v;
		g->ntruth[i] = t.n;
		if (err) {
			rs_error("out of memory for the ground truth");
			grader_free(g);
			return -ENOMEM;
		}
	}
	return 0;
}

void grader_free(struct grader *g)
{
	unsigned i;

	for (i = 0; i < ASSIGN_SERVICES_MAX; i++)
		free(g->truth[i]);
	if (g->have_dns)
		dns_list_free(&g->dns);
	ipset_free(&g->seen);
	memset(g, 0, sizeof(*g));
}

static bool block_in_one_range(const struct assignment *a, uint32_t first)
{
	unsigned r;

	for (r = 0; r < a->nranges; r++)
		if (a->ranges[r].first <= first && a->ranges[r].last >= (first | 0xffff))
			return true;
	return false;
}

/* Reported hosts in, and outside, the assigned ranges. */
static void count_reported(const struct grader *g, struct grade_counts *c)
{
	const struct assignment *a = g->a;
	uint32_t b, w;

	for (b = 0; b < RS_BLOCKS; b++) {
		const uint64_t *words;
		uint32_t first = b << 16, n;

		if (!g->seen.touched[b])
			continue;
		words = ipset_block(&g->seen, b);
		n = ipset_block_census(words, NULL);
		c->reported += n;
		if (block_in_one_range(a, first))
			continue;
		for (w = 0; w < 1024; w++) {
			uint64_t bits = words[w];

			while (bits) {
				uint32_t addr = first | w << 6 | (uint32_t)__builtin_ctzll(bits);

				bits &= bits - 1;
				c->outside += !assignment_in_range(a, addr);
			}
		}
	}
}

int grade_service(struct grader *g, unsigned i, struct grade_file *files, unsigned nfiles,
		  bool skip_unknown, struct grade_counts *c)
{
	const struct assignment *a = g->a;
	bool up = a->services[i].slot == SVC_SLOT_HOSTS;
	struct dataset_query q = { .svc = a->services[i],
				   .want = up ? RS_STATE_OPEN : (enum rs_state)a->state,
				   .implied = up ? RS_STATE_OPEN : (enum rs_state)a->state,
				   .up = up };
	uint64_t records = 0, k, last_block = UINT64_MAX;
	bool block_found = false;
	unsigned f;
	int err = 0;

	memset(c, 0, sizeof(*c));
	ipset_clear(&g->seen);
	for (f = 0; f < nfiles && !err; f++) {
		struct dataset_stats st;

		err = dataset_read(files[f].path, &q, &g->seen, &st);
		if (err && skip_unknown && !strcmp(st.format, "unknown")) {
			files[f].format = NULL;
			snprintf(files[f].error, sizeof(files[f].error), "%s", rs_last_error());
			err = 0;
			continue;
		}
		files[f].format = err ? NULL : st.format;
		records += st.reported;
	}
	if (err)
		return err;
	count_reported(g, c);
	c->duplicates = records - c->reported;
	c->truth = g->ntruth[i];
	for (k = 0; k < g->ntruth[i]; k++) {
		uint32_t addr = g->truth[i][k];
		bool hit = ipset_has(&g->seen, addr);

		if (addr >> GRADE_BLOCK_BITS != last_block) {
			c->blocks_found += block_found;
			c->blocks++;
			last_block = addr >> GRADE_BLOCK_BITS;
			block_found = false;
		}
		block_found |= hit;
		c->tp += hit;
	}
	c->blocks_found += block_found;
	c->fn = c->truth - c->tp;
	c->fp = c->reported - c->outside - c->tp;
	return 0;
}
