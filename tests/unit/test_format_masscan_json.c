// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_masscan_json.c - the "masscan-json" format
 * (src/format_masscan_json.c): masscan -oJ in the layouts its versions and
 * JSON tools write, -oD, one file feeding each service in each state, and
 * every kind of bad record or stray byte against the line it names.
 */
#include "dataset_test.h"

#define MJ_BANNER(addr, port)                                                           \
	"{   \"ip\": \"" addr "\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": " \
	port ", \"proto\": \"tcp\", \"service\": {\"name\": \"http\", \"banner\": "         \
	"\"HTTP/1.1 200 OK\\u000d\\u000a\"} } ] }\n"

/* Seven records in masscan's own layout, joined by sep: every layout below holds these. */
#define MJ_RECORDS(sep)                                                                \
	MJ_STATUS("192.0.2.1", "80", "tcp") sep MJ_STATUS("192.0.2.1", "443", "tcp") sep    \
	MJ_STATUS("192.0.2.2", "443", "tcp") sep MJ_BANNER("192.0.2.1", "80") sep           \
	MJ_STATUS("192.0.2.3", "53", "udp") sep MJ_STATUS("2001:db8::1", "80", "tcp") sep   \
	MJ_STATUS("192.0.2.4", "0", "icmp")

/* masscan 1.3.2: ",\n" before every record but the first. */
static const char MASSCAN_JSON[] = "[\n" MJ_RECORDS(",\n") "]\n";

/* Of the seven records, 1 for tcp/80 (one a banner, one IPv6), 2 for tcp/443, ... */
static void check_all_services(const char *name)
{
	check_load(name, TCP80, "masscan-json", 7, 1, 6);
	CHECK(has("192.0.2.1"));
	check_load(name, TCP443, "masscan-json", 7, 2, 5);
	CHECK(has("192.0.2.1") && has("192.0.2.2"));
	check_load(name, UDP53, "masscan-json", 7, 1, 6);
	CHECK(has("192.0.2.3"));
	check_load(name, ICMP, "masscan-json", 7, 1, 6);
	CHECK(has("192.0.2.4"));
}

static void test_each_service_takes_its_open_records_plain_gz_zstd(void)
{
	write_text("m.json", MASSCAN_JSON);
	check_all_services("m.json");
	write_zst("m.json.zst", MASSCAN_JSON);
	check_all_services("m.json.zst");
	write_gz("m.json.gz", MASSCAN_JSON);
	check_all_services("m.json.gz");
}

static void test_trailing_comma_after_every_record(void)
{
	/* masscan 1.0.5. */
	write_text("trailing.json", "[\n" MJ_RECORDS(",\n") ",\n]\n");
	check_all_services("trailing.json");
}

static void test_reindented_records_spanning_lines(void)
{
	write_text("pretty.json",
		   "[\n  {\n    \"ip\": \"192.0.2.1\",\n    \"ports\": [\n      {\n"
		   "        \"port\": 80,\n        \"proto\": \"tcp\",\n        \"status\": \"open\"\n"
		   "      }\n    ]\n  },\n"
		   "  {\"ip\": \"192.0.2.1\", \"ports\": [{\"port\": 443, \"proto\": \"tcp\", \"status\": \"open\"}]},\n"
		   "  {\"ip\": \"192.0.2.2\", \"ports\": [{\"port\": 443, \"proto\": \"tcp\", \"status\": \"open\"}]},\n"
		   "  {\"ip\": \"192.0.2.1\", \"ports\": [{\"port\": 80, \"proto\": \"tcp\", \"service\": {\"name\": \"http\"}}]},\n"
		   "  {\"ip\": \"192.0.2.3\", \"ports\": [{\"port\": 53, \"proto\": \"udp\", \"status\": \"open\"}]},\n"
		   "  {\"ip\": \"2001:db8::1\", \"ports\": [{\"port\": 80, \"proto\": \"tcp\", \"status\": \"open\"}]},\n"
		   "  {\"ip\": \"192.0.2.4\", \"ports\": [{\"port\": 0, \"proto\": \"icmp\", \"status\": \"open\"}]}\n"
		   "]");
	check_all_services("pretty.json");
}

static void test_compact_array_on_one_line(void)
{
	write_text("compact.json",
		   "[{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":443,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.2\",\"ports\":[{\"port\":443,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"closed\"}]},"
		   "{\"ip\":\"192.0.2.3\",\"ports\":[{\"port\":53,\"proto\":\"udp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"2001:db8::1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.4\",\"ports\":[{\"port\":0,\"proto\":\"icmp\",\"status\":\"open\"}]}]");
	check_all_services("compact.json");
}

static void test_ndjson_with_status_under_data(void)
{
	/* masscan 1.3.2 -oD (out-ndjson.c): no brackets, status under "data". */
#define ND(addr, port, proto)                                                               \
	"{\"ip\":\"" addr "\",\"timestamp\":\"1700000000\",\"port\":" port ",\"proto\":\"" proto \
	"\",\"rec_type\":\"status\",\"data\":{\"status\":\"open\",\"reason\":\"syn-ack\",\"ttl\":64}}\n"
	write_text("m.ndjson",
		   ND("192.0.2.1", "80", "tcp") ND("192.0.2.1", "443", "tcp") ND("192.0.2.2", "443", "tcp")
		   "{\"ip\":\"192.0.2.1\",\"timestamp\":\"1700000000\",\"port\":80,\"proto\":\"tcp\","
		   "\"rec_type\":\"banner\",\"data\":{\"service_name\":\"http\",\"banner\":\"x\"}}\n"
		   ND("192.0.2.3", "53", "udp") ND("2001:db8::1", "80", "tcp") ND("192.0.2.4", "0", "icmp"));
#undef ND
	check_all_services("m.ndjson");
}

static void test_scan_that_found_nothing(void)
{
	write_text("none.json", "[\n]\n");
	check_load("none.json", TCP80, "masscan-json", 0, 0, 0);
}

static void test_masscan_layout_with_other_statuses_escapes_and_values(void)
{
	/* Another status, an escape, a ttl too big for the hand matcher, another port. */
	write_text("odd.json",
		   "[\n"
		   "{   \"ip\": \"192.0.2.1\",   \"timestamp\": \"1\", \"ports\": [ {\"port\": 80, "
		   "\"proto\": \"tcp\", \"status\": \"closed\", \"reason\": \"rst\", \"ttl\": 64} ] }\n"
		   ",\n"
		   "{   \"ip\": \"192.0.2.2\",   \"timestamp\": \"1\", \"ports\": [ {\"port\": 80, "
		   "\"proto\": \"tcp\", \"status\": \"op\\u0065n\", \"reason\": \"syn-ack\", \"ttl\": 64} ] }\n"
		   ",\n"
		   "{   \"ip\": \"192.0.2.3\",   \"timestamp\": \"1\", \"ports\": [ {\"port\": 80, "
		   "\"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 999} ] }\n"
		   ",\n"
		   "{   \"ip\": \"192.0.2.4\",   \"timestamp\": \"1\", \"ports\": [ {\"port\": 8080, "
		   "\"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] }\n"
		   "]\n");
	check_load("odd.json", TCP80, "masscan-json", 4, 2, 2);
	CHECK(!has("192.0.2.1") && has("192.0.2.2") && has("192.0.2.3") && !has("192.0.2.4"));
}

/*
 * masscan 1.3.2 --show closed -p22,80,U:53,U:161 -oJ, as it wrote it in a
 * namespace of ours: 22 open, 80 RST, 161 port unreachable, 53 a reply.
 */
#define MJ_REC(addr, port, proto, status, reason, ttl)                                       \
	"{   \"ip\": \"" addr "\",   \"timestamp\": \"1796526483\", \"ports\": [ {\"port\": " \
	port ", \"proto\": \"" proto "\", \"status\": \"" status "\", \"reason\": \"" reason  \
	"\", \"ttl\": " ttl "} ] }\n"

static const char MASSCAN_CLOSED[] =
	"[\n"
	MJ_REC("198.18.0.2", "22", "tcp", "open", "syn-ack", "64") ",\n"
	MJ_REC("198.18.0.2", "80", "tcp", "closed", "rst-ack", "64") ",\n"
	MJ_REC("198.18.0.2", "161", "udp", "closed", "none", "64") ",\n"
	MJ_REC("198.18.0.2", "53", "udp", "open", "none", "0")
	"]\n";

static void check_state(const char *name, struct rs_svc svc, enum rs_state want, uint64_t added,
			uint32_t seen)
{
	check_load_state(name, svc, want, "masscan-json", 4, added, 4 - added, seen);
	CHECK(!added || has("198.18.0.2"));
}

static void check_closed_states(const char *name)
{
	const struct rs_svc tcp22 = { RS_SLOT_TCP, 22 }, udp161 = { RS_SLOT_UDP, 161 };

	check_state(name, tcp22, RS_STATE_OPEN, 1, 0);
	check_state(name, TCP80, RS_STATE_OPEN, 0, 1u << RS_STATE_CLOSED);
	check_state(name, TCP80, RS_STATE_CLOSED, 1, 0);
	check_state(name, udp161, RS_STATE_CLOSED, 1, 0);
	check_state(name, UDP53, RS_STATE_OPEN, 1, 0);
	check_state(name, UDP53, RS_STATE_CLOSED, 0, 1u << RS_STATE_OPEN);
	/* No record is the policy on unlisted ports. */
	check_state(name, TCP_OTHER, RS_STATE_CLOSED, 0, 0);
}

static void test_closed_records_are_the_closed_state_of_their_service(void)
{
	write_text("closed.json", MASSCAN_CLOSED);
	check_closed_states("closed.json");
	/* The same records through json-c: one line, no blanks. */
	write_text("closed-compact.json",
		   "[{\"ip\":\"198.18.0.2\",\"ports\":[{\"port\":22,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"198.18.0.2\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"closed\"}]},"
		   "{\"ip\":\"198.18.0.2\",\"ports\":[{\"port\":161,\"proto\":\"udp\",\"status\":\"closed\"}]},"
		   "{\"ip\":\"198.18.0.2\",\"ports\":[{\"port\":53,\"proto\":\"udp\",\"status\":\"open\"}]}]");
	check_closed_states("closed-compact.json");
}

static void test_unknown_status_or_protocol_is_an_error_naming_its_line(void)
{
	/* In masscan's layout and in another. */
	CHECK(fails_at("s1.json", "[\n" MJ_REC("192.0.2.1", "80", "tcp", "open", "syn-ack", "64") ",\n"
		       MJ_REC("192.0.2.2", "80", "tcp", "filtered", "none", "0") "]\n", TCP80, 4,
		       "unknown status"), "%s", rs_last_error());
	CHECK(error_has("filtered"), "%s", rs_last_error());
	CHECK(fails_at("s2.json", "[\n" MJ_REC("192.0.2.1", "80", "tcp", "open", "syn-ack", "64") ",\n"
		       MJ_REC("192.0.2.2", "80", "TCP", "open", "syn-ack", "64") "]\n", TCP80, 4,
		       "unknown protocol"), "%s", rs_last_error());
	CHECK(fails_at("s3.json", "[\n{\"ip\": \"192.0.2.1\",\n \"ports\": [{\"port\": 80, "
		       "\"proto\": \"tcp\", \"status\": \"shut\"}]}\n]\n", TCP80, 2, "shut"),
	      "%s", rs_last_error());
	CHECK(fails_at("s4.json", "{\"ip\":\"192.0.2.1\",\"port\":80,\"proto\":\"xtp\",\"rec_type\":"
		       "\"status\",\"data\":{\"status\":\"open\"}}\n", TCP80, 1, "xtp"),
	      "%s", rs_last_error());
}

static void test_bad_record_is_an_error_naming_the_line_it_starts_on(void)
{
	CHECK(fails_at("j1.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n"
		       "{\"timestamp\": \"1\", \"ports\": []}\n]\n", TCP80, 4, "ip"),
	      "%s", rs_last_error());
	CHECK(fails_at("j2.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n"
		       MJ_STATUS("192.0.2.666", "80", "tcp") "]\n", TCP80, 4, "192.0.2.666"),
	      "%s", rs_last_error());
	CHECK(fails_at("j7.json", "[\n{\"ip\": \"192.0.2.1\", \"ports\": [{\"proto\": \"tcp\", "
		       "\"status\": \"open\"}]}\n]\n", TCP80, 2, "port"), "%s", rs_last_error());
}

static void test_bad_json_or_stray_bytes_are_errors_naming_their_line(void)
{
	CHECK(fails_at("j3.json", "[\n{\"ip\": \"192.0.2.1\",\n \"ports\": [ {\"port\": 80 "
		       "\"proto\": \"tcp\"} ]}\n]\n", TCP80, 3, "JSON"), "%s", rs_last_error());
	CHECK(fails_at("j6.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") "]\n{\"ip\": \"192.0.2.2\"}\n",
		       TCP80, 4, "unexpected"), "%s", rs_last_error());
	CHECK(fails_at("j8.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") "x\n]\n", TCP80, 3,
		       "unexpected"), "%s", rs_last_error());
	CHECK(fails_at("j9.json", "[\n[\n]\n]\n", TCP80, 2, "unexpected"), "%s", rs_last_error());
}

static void test_file_cut_short_is_an_error(void)
{
	/* Inside a record, then after a whole record. */
	CHECK(fails_at("j4.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n{\"ip\": \"192.0",
		       TCP80, 4, "truncated"), "%s", rs_last_error());
	write_text("j5.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp"));
	CHECK(load("j5.json", TCP80) == -EINVAL && error_has("j5.json") && error_has("]"), "%s",
	      rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_each_service_takes_its_open_records_plain_gz_zstd);
	RUN_TEST(test_trailing_comma_after_every_record);
	RUN_TEST(test_reindented_records_spanning_lines);
	RUN_TEST(test_compact_array_on_one_line);
	RUN_TEST(test_ndjson_with_status_under_data);
	RUN_TEST(test_scan_that_found_nothing);
	RUN_TEST(test_masscan_layout_with_other_statuses_escapes_and_values);
	RUN_TEST(test_closed_records_are_the_closed_state_of_their_service);
	RUN_TEST(test_unknown_status_or_protocol_is_an_error_naming_its_line);
	RUN_TEST(test_bad_record_is_an_error_naming_the_line_it_starts_on);
	RUN_TEST(test_bad_json_or_stray_bytes_are_errors_naming_their_line);
	RUN_TEST(test_file_cut_short_is_an_error);
}
