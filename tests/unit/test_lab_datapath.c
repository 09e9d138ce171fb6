// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_lab_datapath.c - which data path a lab gets on which kernel, and the
 * names --data-path takes. (What each path sets up on the veth pair is
 * checked on a real lab by tests/e2e/lab_facts.bats.)
 */
#include "check.h"
#include "lab_datapath.h"

static void test_auto_by_kernel_release(void)
{
	static const struct {
		const char *release;
		enum lab_data_path want;
	} cases[] = {
		{ "6.16.0", LAB_DATA_PATH_THREADED },
		{ "6.18.44-fc-v1272", LAB_DATA_PATH_THREADED },
		{ "6.20-rc1", LAB_DATA_PATH_THREADED },
		{ "7.0.0", LAB_DATA_PATH_THREADED },
		{ "6.15.9", LAB_DATA_PATH_SOFTIRQ },
		{ "6.1.0-28-amd64", LAB_DATA_PATH_SOFTIRQ },	/* Debian 12 */
		{ "5.10.0", LAB_DATA_PATH_SOFTIRQ },
		{ "", LAB_DATA_PATH_SOFTIRQ },
		{ "weird", LAB_DATA_PATH_SOFTIRQ },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(lab_data_path_for_kernel(cases[i].release) == cases[i].want, "%s",
		      cases[i].release);
}

static void test_names_round_trip(void)
{
	enum lab_data_path dp, all[] = { LAB_DATA_PATH_AUTO, LAB_DATA_PATH_SOFTIRQ,
					 LAB_DATA_PATH_THREADED };
	size_t i;

	for (i = 0; i < 3; i++) {
		CHECK(lab_data_path_parse(lab_data_path_name(all[i]), &dp) == 0);
		CHECK(dp == all[i]);
	}
	CHECK(lab_data_path_parse("Threaded", &dp) < 0);
	CHECK(lab_data_path_parse("", &dp) < 0);
	CHECK(lab_data_path_name((enum lab_data_path)7) == NULL);
}

int main(void)
{
	RUN_TEST(test_auto_by_kernel_release);
	RUN_TEST(test_names_round_trip);
	return CHECK_DONE();
}
