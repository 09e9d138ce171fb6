// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_top_rate.c - rescan top's arithmetic (src/top_rate.c): rates from
 * two snapshots, worked out by hand, and the order of the rows.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "top_rate.h"

static void rate_is_the_difference_per_second(void)
{
	CHECK(top_rate(100, 1100, 1.0) == 1000.0);
	CHECK(top_rate(100, 1100, 0.5) == 2000.0);
	CHECK(top_rate(100, 1100, 2.0) == 500.0);
	CHECK(top_rate(7, 7, 1.0) == 0.0);
	CHECK(top_rate(0, UINT64_MAX, 1.0) == (double)UINT64_MAX);
}

static void rate_without_time_is_zero(void)
{
	CHECK(top_rate(0, 1000, 0.0) == 0.0);
	CHECK(top_rate(0, 1000, -1.0) == 0.0);
}

/* A lab brought down and up between the reads: its counters start over. */
static void counter_that_went_back_counts_from_zero(void)
{
	CHECK(top_rate(5000, 300, 1.0) == 300.0);
	CHECK(top_rate(5000, 0, 1.0) == 0.0);
}

static void rates_of_every_row(void)
{
	const uint64_t before[] = { 0, 10, 500, 42 };
	const uint64_t now[] = { 250, 10, 1500, 41 };
	struct top_row rows[4];

	memset(rows, 0xff, sizeof(rows));
	top_rates(before, now, 4, 0.25, rows);
	CHECK(rows[0].count == 250 && rows[0].pps == 1000.0, "%f", rows[0].pps);
	CHECK(rows[1].count == 10 && rows[1].pps == 0.0, "%f", rows[1].pps);
	CHECK(rows[2].count == 1500 && rows[2].pps == 4000.0, "%f", rows[2].pps);
	CHECK(rows[3].count == 41 && rows[3].pps == 164.0, "%f", rows[3].pps);
}

/* Rows as (key, student, count, pps); then the keys in the order expected. */
static struct top_row rows5[] = {
	{ 129, 1, 500, 10.0 }, { 130, 2, 900, 0.0 }, { 2, 0, 900, 10.0 }, { 131, 3, 100, 300.0 },
	{ 132, 4, 100, 10.0 },
};

static void sorted_keys(enum top_sort by, uint32_t *keys)
{
	struct top_row r[5];
	size_t i;

	memcpy(r, rows5, sizeof(r));
	top_sort(r, 5, by);
	for (i = 0; i < 5; i++)
		keys[i] = r[i].key;
}

static void sort_by_rate_then_count_then_key(void)
{
	const uint32_t want[] = { 131, 2, 129, 132, 130 };
	uint32_t keys[5];

	sorted_keys(TOP_SORT_RATE, keys);
	CHECK(!memcmp(keys, want, sizeof(want)), "%u %u %u %u %u", keys[0], keys[1], keys[2],
	      keys[3], keys[4]);
}

static void sort_by_packets_then_key(void)
{
	const uint32_t want[] = { 2, 130, 129, 131, 132 };
	uint32_t keys[5];

	sorted_keys(TOP_SORT_PACKETS, keys);
	CHECK(!memcmp(keys, want, sizeof(want)), "%u %u %u %u %u", keys[0], keys[1], keys[2],
	      keys[3], keys[4]);
}

static void sort_by_student_puts_the_others_last(void)
{
	const uint32_t want[] = { 129, 130, 131, 132, 2 };
	uint32_t keys[5];

	sorted_keys(TOP_SORT_STUDENT, keys);
	CHECK(!memcmp(keys, want, sizeof(want)), "%u %u %u %u %u", keys[0], keys[1], keys[2],
	      keys[3], keys[4]);
}

static void sort_names(void)
{
	enum top_sort s;

	CHECK(top_sort_parse("rate", &s) == 0 && s == TOP_SORT_RATE);
	CHECK(top_sort_parse("packets", &s) == 0 && s == TOP_SORT_PACKETS);
	CHECK(top_sort_parse("student", &s) == 0 && s == TOP_SORT_STUDENT);
	CHECK(top_sort_parse("pps", &s) == -EINVAL);
	CHECK(top_sort_parse("", &s) == -EINVAL);
	CHECK(top_sort_parse("Rate", &s) == -EINVAL);
}

int main(void)
{
	RUN_TEST(rate_is_the_difference_per_second);
	RUN_TEST(rate_without_time_is_zero);
	RUN_TEST(counter_that_went_back_counts_from_zero);
	RUN_TEST(rates_of_every_row);
	RUN_TEST(sort_by_rate_then_count_then_key);
	RUN_TEST(sort_by_packets_then_key);
	RUN_TEST(sort_by_student_puts_the_others_last);
	RUN_TEST(sort_names);
	return CHECK_DONE();
}
