// SPDX-License-Identifier: GPL-2.0-only
/* top_rate.c - rates from two snapshots, and the order of rescan top's rows. */
#include "top_rate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int top_sort_parse(const char *s, enum top_sort *out)
{
	static const char *const names[] = {
		[TOP_SORT_RATE] = "rate", [TOP_SORT_PACKETS] = "packets", [TOP_SORT_STUDENT] = "student",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum top_sort)i;
			return 0;
		}
	}
	return -EINVAL;
}

double top_rate(uint64_t before, uint64_t now, double seconds)
{
	if (!(seconds > 0))
		return 0;
	return (double)(now >= before ? now - before : now) / seconds;
}

void top_rates(const uint64_t *before, const uint64_t *now, size_t n, double seconds,
	       struct top_row *rows)
{
	size_t i;

	for (i = 0; i < n; i++) {
		rows[i].count = now[i];
		rows[i].pps = top_rate(before[i], now[i], seconds);
	}
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* Larger count first, then the smaller key. */
static int cmp_tail(const struct top_row *a, const struct top_row *b)
{
	int c = cmp_u64_desc(a->count, b->count);

	return c ? c : (a->key > b->key) - (a->key < b->key);
}

static int by_rate(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;

	if (a->pps != b->pps)
		return a->pps > b->pps ? -1 : 1;
	return cmp_tail(a, b);
}

static int by_packets(const void *pa, const void *pb)
{
	return cmp_tail(pa, pb);
}

static int by_student(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;

	if (!a->student != !b->student)
		return a->student ? -1 : 1;
	if (a->student != b->student)
		return a->student < b->student ? -1 : 1;
	return (a->key > b->key) - (a->key < b->key);
}

void top_sort(struct top_row *rows, size_t n, enum top_sort by)
{
	int (*cmp)(const void *, const void *) = by == TOP_SORT_RATE    ? by_rate :
						 by == TOP_SORT_PACKETS ? by_packets :
									  by_student;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp);
}
