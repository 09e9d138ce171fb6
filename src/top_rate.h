/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * top_rate.h - the arithmetic of `rescan top`, apart from the terminal
 * and the lab: the rate of each row between two snapshots of its counter,
 * and the order the rows are shown in.
 */
#ifndef RESCAN_TOP_RATE_H
#define RESCAN_TOP_RATE_H

#include <stddef.h>
#include <stdint.h>

/* One line of the view: a scanner of the lab, or a service. */
struct top_row {
	uint32_t key;		/* the lab row (host part) or the service bucket */
	unsigned student;	/* 1.. for a student's row; 0: none (not a student, a service) */
	uint64_t count;		/* packets (a scanner) or probes (a service) at the second snapshot */
	double pps;		/* its rate between the two snapshots */
};

enum top_sort {
	TOP_SORT_RATE,		/* fastest first */
	TOP_SORT_PACKETS,	/* most packets (probes) first */
	TOP_SORT_STUDENT,	/* student 1, 2, ...; then the other rows by key */
};

#define TOP_SORT_NAMES "rate, packets, student"

/* The enum top_sort named s; -EINVAL otherwise. */
int top_sort_parse(const char *s, enum top_sort *out);

/*
 * Per second, how far a counter moved from before to now in seconds:
 * 0 if seconds is not positive; a counter that went back (a lab brought
 * down and up again between the two reads, a service's after lab load)
 * counts from 0.
 */
double top_rate(uint64_t before, uint64_t now, double seconds);

/*
 * Two snapshots of n counters, taken seconds apart, into rows[0 .. n):
 * rows[i].count = now[i], rows[i].pps = its rate; key and student are
 * the caller's.
 */
void top_rates(const uint64_t *before, const uint64_t *now, size_t n, double seconds,
	       struct top_row *rows);

/* Sort rows by; ties go to the larger count, then the smaller key. */
void top_sort(struct top_row *rows, size_t n, enum top_sort by);

#endif
