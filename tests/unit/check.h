/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h - the smallest test harness that still says what failed: TAP
 * output ("ok N - name" / "not ok N - name"), a CHECK that prints file,
 * line and the failed condition, and a summary line for tests/run.
 */
#ifndef RESCAN_CHECK_H
#define RESCAN_CHECK_H

#include <stdio.h>

static int check_failed_in_test;
static int check_tests_run, check_tests_failed;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stdout, "#   %s:%d: CHECK(%s) failed: ", __FILE__, \
				__LINE__, #cond);                               \
			fprintf(stdout, " " __VA_ARGS__);                       \
			fputc('\n', stdout);                                    \
			check_failed_in_test = 1;                               \
		}                                                               \
	} while (0)

#define RUN_TEST(fn)                                                            \
	do {                                                                    \
		check_failed_in_test = 0;                                       \
		fn();                                                           \
		check_tests_run++;                                              \
		if (check_failed_in_test)                                       \
			check_tests_failed++;                                   \
		printf("%s %d - %s\n", check_failed_in_test ? "not ok" : "ok", \
		       check_tests_run, #fn);                                   \
	} while (0)

#define CHECK_DONE()                                                            \
	(printf("1..%d\n", check_tests_run), check_tests_failed ? 1 : 0)

#endif
