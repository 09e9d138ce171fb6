// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_addresses.c - the "addresses" format (src/format_addresses.c):
 * addresses and CIDR blocks one per line, against sets worked out by hand,
 * and every kind of bad line against the message it must produce.
 */
#include "dataset_test.h"

static void test_list_with_comments_blanks_crlf_and_cidr_loads_exactly(void)
{
	write_text("addr.txt", ADDR_TEXT);
	check_addr_text("addr.txt", TCP80);
}

static void test_list_is_the_same_set_for_any_service(void)
{
	/* A bare list carries no port: it is taken as the service asked for. */
	write_text("addr.txt", ADDR_TEXT);
	check_addr_text("addr.txt", ICMP);
	check_addr_text("addr.txt", UDP53);
}

static void test_slash_0_is_all_of_ipv4(void)
{
	write_text("all.txt", "0.0.0.0/0\n192.0.2.1\n");
	CHECK(load("all.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.added == 1ull << 32, "added %llu", (unsigned long long)st.added);
	CHECK(has("0.0.0.0") && has("255.255.255.255") && has("127.0.0.1"));
	ipset_clear(&set);
}

static void test_bad_line_is_an_error_naming_and_quoting_it(void)
{
	static const char *const bad[] = {
		"300.1.2.3", "192.0.2.1/33", "192.0.2.1/", "192.0.2", "192.0.2.1 junk",
		"2001:db8::1", "192.0.2.1,80", "192.0.2.1.5", "192.0.2.-1", "192.0.2.1/2x",
	};
	char text[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "192.0.2.10\r\n# two good lines first\r\n%s\r\n192.0.2.11\r\n",
			 bad[i]);
		/* The message quotes the line as it stands. */
		CHECK(fails_at("bad.txt", text, TCP80, 3, bad[i]), "'%s': %s", bad[i], rs_last_error());
	}
}

static void test_ipv6_address_is_refused_as_ipv6(void)
{
	CHECK(fails_at("ipv6.txt", "2001:db8::1\n", TCP80, 1, "IPv6"), "%s", rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_list_with_comments_blanks_crlf_and_cidr_loads_exactly);
	RUN_TEST(test_list_is_the_same_set_for_any_service);
	RUN_TEST(test_slash_0_is_all_of_ipv4);
	RUN_TEST(test_bad_line_is_an_error_naming_and_quoting_it);
	RUN_TEST(test_ipv6_address_is_refused_as_ipv6);
}
