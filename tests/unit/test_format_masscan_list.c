// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_masscan_list.c - the "masscan-list" format
 * (src/format_masscan_list.c): masscan -oL with every kind of line, one
 * file feeding each service in each state, and bad lines against the line
 * they name.
 */
#include "dataset_test.h"

/* As masscan 1.3.2 out-text.c writes it, with one of each kind of line. */
static const char MASSCAN_LIST[] =
	"#masscan\n"
	"open tcp 80 192.0.2.1 1700000000\n"
	"open tcp 443 192.0.2.1 1700000001\n"
	"open tcp 443 192.0.2.2 1700000002\n"
	"banner tcp 80 192.0.2.1 1700000003 http HTTP/1.1 200 OK\\x0d\\x0aServer: x\n"
	"closed tcp 80 192.0.2.9 1700000004\n"
	"open udp 53 192.0.2.3 1700000005\n"
	"open tcp 80 2001:db8::1 1700000006\n"
	"open icmp 0 192.0.2.4 1700000007\n"
	"up arp 0 192.0.2.5 1700000008\n"
	"# end\n";

static void test_each_service_takes_its_open_lines_and_skips_the_rest(void)
{
	write_text("masscan.lst", MASSCAN_LIST);
	check_load("masscan.lst", TCP80, "masscan-list", 11, 1, 8);
	CHECK(has("192.0.2.1") && !has("192.0.2.9"));
	check_load("masscan.lst", TCP443, "masscan-list", 11, 2, 7);
	CHECK(has("192.0.2.1") && has("192.0.2.2"));
	check_load("masscan.lst", UDP53, "masscan-list", 11, 1, 8);
	CHECK(has("192.0.2.3"));
	check_load("masscan.lst", ICMP, "masscan-list", 11, 1, 8);
	CHECK(has("192.0.2.4"));
	check_load("masscan.lst", (struct rs_svc){ RS_SLOT_TCP, 22 }, "masscan-list", 11, 0, 9);
}

/*
 * masscan 1.3.2 --show closed -p22,80,U:53,U:161, as it wrote it in a
 * namespace of ours: 22 open, 80 RST, 53 a DNS reply, 161 port unreachable.
 */
static const char MASSCAN_CLOSED[] =
	"#masscan\n"
	"closed tcp 80 198.18.0.2 1796526479\n"
	"closed udp 161 198.18.0.2 1796526479\n"
	"open udp 53 198.18.0.2 1796526479\n"
	"open tcp 22 198.18.0.2 1796526479\n"
	"open tcp 22 198.18.0.3 1796526480\n"
	"# end\n";

static void check_state(struct rs_svc svc, enum rs_state want, uint64_t added, uint32_t seen)
{
	check_load_state("closed.lst", svc, want, "masscan-list", 7, added, 5 - added, seen);
}

static void test_closed_lines_are_the_closed_state_of_their_service(void)
{
	const struct rs_svc tcp22 = { RS_SLOT_TCP, 22 }, udp161 = { RS_SLOT_UDP, 161 };

	write_text("closed.lst", MASSCAN_CLOSED);
	/* Read for open, a closed line is counted and remembered: read again for it. */
	check_state(TCP80, RS_STATE_OPEN, 0, 1u << RS_STATE_CLOSED);
	check_state(TCP80, RS_STATE_CLOSED, 1, 0);
	CHECK(has("198.18.0.2"));
	check_state(udp161, RS_STATE_OPEN, 0, 1u << RS_STATE_CLOSED);
	check_state(udp161, RS_STATE_CLOSED, 1, 0);
	check_state(UDP53, RS_STATE_OPEN, 1, 0);
	check_state(tcp22, RS_STATE_OPEN, 2, 0);
	CHECK(has("198.18.0.2") && has("198.18.0.3"));
}

static void test_no_line_is_the_policy_on_unlisted_ports(void)
{
	write_text("closed.lst", MASSCAN_CLOSED);
	check_state(TCP_OTHER, RS_STATE_CLOSED, 0, 0);
	check_state(UDP_OTHER, RS_STATE_CLOSED, 0, 0);
}

static void test_list_without_header_crlf_blanks_and_no_final_newline(void)
{
	write_text("m2.lst", "open  tcp\t80 192.0.2.11 1\r\n\r\nopen tcp 80 192.0.2.12");
	check_load("m2.lst", TCP80, "masscan-list", 3, 2, 0);
	CHECK(has("192.0.2.11") && has("192.0.2.12"));
}

static void test_empty_scan_is_header_and_footer_only(void)
{
	write_text("m3.lst", "#masscan\n# end\n");
	check_load("m3.lst", TCP80, "masscan-list", 2, 0, 0);
}

static void test_gzip_list_read_as_plain(void)
{
	write_gz("m.lst.gz", MASSCAN_LIST);
	check_load("m.lst.gz", TCP443, "masscan-list", 11, 2, 7);
}

static void test_bad_line_is_an_error_naming_its_line(void)
{
	static const char *const bad[] = {
		"open tcp 80 192.0.2.300 1", "open tcp 99999 192.0.2.1 1", "open tcp http 192.0.2.1 1",
		"open tcp 80", "opne tcp 80 192.0.2.1 1", "192.0.2.1", "closed tcp 80 192.0.2.300 1",
		"closed tcp", "open tpc 80 192.0.2.1 1", "closed err 80 192.0.2.1 1",
	};
	char text[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "#masscan\nopen tcp 80 192.0.2.1 1\n%s\n# end\n", bad[i]);
		CHECK(fails_at("bad.lst", text, TCP80, 3, bad[i]), "'%s': %s", bad[i], rs_last_error());
	}
	CHECK(fails_at("bad.lst", "open udp 53 192.0.2.1 1\nopen UDP 53 192.0.2.2 1\n", UDP53, 2,
		       "unknown protocol"), "%s", rs_last_error());
	CHECK(fails_at("bad.lst", "#masscan\nfiltered tcp 80 192.0.2.1 1\n", TCP80, 2,
		       "not a masscan -oL line"), "%s", rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_each_service_takes_its_open_lines_and_skips_the_rest);
	RUN_TEST(test_closed_lines_are_the_closed_state_of_their_service);
	RUN_TEST(test_no_line_is_the_policy_on_unlisted_ports);
	RUN_TEST(test_list_without_header_crlf_blanks_and_no_final_newline);
	RUN_TEST(test_empty_scan_is_header_and_footer_only);
	RUN_TEST(test_gzip_list_read_as_plain);
	RUN_TEST(test_bad_line_is_an_error_naming_its_line);
}
