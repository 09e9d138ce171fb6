// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_zmap_csv.c - the "zmap-csv" format (src/format_zmap_csv.c):
 * ZMap's CSV as its versions write it, the columns that decide whether a
 * row counts and in which state, the 16-bytes-at-a-time row reader against
 * the general one, and every kind of bad row against the message it must
 * produce.
 */
#include "dataset_test.h"

/* zmap 2.1.1 -M tcp_synscan -O csv -f "*": IP fields, module fields, system fields. */
#define ZMAP_ALL_HDR                                                                      \
	"saddr,saddr-raw,daddr,daddr-raw,ipid,ttl,sport,dport,seqnum,acknum,window,"      \
	"classification,success,repeat,cooldown,timestamp-str,timestamp-ts,timestamp-us\n"
#define ZMAP_ROW(addr, sport, cls, ok, rep)                                               \
	addr ",16908480,10.0.0.2,33554442,0,64," sport ",41000,1,2,65535," cls "," ok "," \
	rep ",0,2024-05-01T12:00:00.123+0000,1714564800,123456\n"

static const char ZMAP_ALL[] =
	ZMAP_ALL_HDR
	ZMAP_ROW("192.0.2.1", "80", "synack", "1", "0")
	ZMAP_ROW("192.0.2.2", "80", "rst", "0", "0")
	ZMAP_ROW("192.0.2.3", "80", "synack", "1", "0")
	ZMAP_ROW("192.0.2.1", "80", "synack", "1", "1")
	"\n";

static void test_every_field_success_decides_and_sport_must_be_the_port(void)
{
	write_text("zmap.csv", ZMAP_ALL);
	check_load("zmap.csv", TCP80, "zmap-csv", 6, 2, 1);
	CHECK(has("192.0.2.1") && !has("192.0.2.2") && has("192.0.2.3"));
	/* The replies came from port 80: none of them is evidence for 443. */
	check_load("zmap.csv", TCP443, "zmap-csv", 6, 0, 4);
}

static const struct rs_svc UDP161 = { RS_SLOT_UDP, 161 };

static void check_state(const char *name, struct rs_svc svc, enum rs_state want, uint64_t lines,
			uint64_t added, uint64_t skipped, uint32_t seen)
{
	check_load_state(name, svc, want, "zmap-csv", lines, added, skipped, seen);
}

static void test_rst_rows_are_the_closed_state(void)
{
	write_text("zmap.csv", ZMAP_ALL);
	/* Read for open, the rst row is counted and remembered: read again for closed. */
	check_state("zmap.csv", TCP80, RS_STATE_OPEN, 6, 2, 1, 1u << RS_STATE_CLOSED);
	check_state("zmap.csv", TCP80, RS_STATE_CLOSED, 6, 1, 3, 1u << RS_STATE_OPEN);
	CHECK(has("192.0.2.2"));
	/* Without a success column the classification says it. */
	write_text("old.csv", "daddr, saddr, classification\r\n"
		   "10.0.0.2,192.0.2.5,synack\r\n10.0.0.2,192.0.2.6,rst\r\n10.0.0.2,192.0.2.7,other\r\n");
	check_state("old.csv", TCP80, RS_STATE_CLOSED, 4, 1, 2, 1u << RS_STATE_OPEN);
	CHECK(has("192.0.2.6"));
}

/*
 * zmap 2.1.1 -M udp -O csv -f "*" --output-filter="repeat = 0", as it wrote
 * it scanning namespaces of ours: 198.18.0.2 sends port unreachable for
 * 161; asked for 198.18.0.4, which is not there, 198.18.0.2 answered host
 * unreachable, and ZMap names the probed host in saddr.
 */
#define ZMAP_UDP_HDR                                                                        \
	"saddr,saddr-raw,daddr,daddr-raw,ipid,ttl,classification,success,sport,dport,"      \
	"icmp_responder,icmp_type,icmp_code,icmp_unreach_str,udp_pkt_size,data,repeat,"     \
	"cooldown,timestamp-str,timestamp-ts,timestamp-us\n"

static const char ZMAP_UDP161[] =
	ZMAP_UDP_HDR
	"198.18.0.2,33559238,198.18.0.1,16782022,20615,64,icmp-unreach,0,,,198.18.0.2,3,3,"
	"port unreachable,,,0,1,2026-12-06T03:07:37.587+0000,1796526457,587333\n"
	"198.18.0.4,33559238,198.18.0.1,16782022,20648,64,icmp-unreach,0,,,198.18.0.2,3,1,"
	"host unreachable,,,0,1,2026-12-06T03:07:37.587+0000,1796526457,587426\n";

static const char ZMAP_UDP53[] =
	ZMAP_UDP_HDR
	"198.18.0.2,33559238,198.18.0.1,16782022,42733,64,udp,1,53,34733,,,,,37,"
	"474581802f20485454502f312e310d0a486f73743a207777770d0a0d0a,0,1,"
	"2026-12-06T03:07:35.466+0000,1796526455,466841\n";

static void test_port_unreachable_rows_are_the_closed_state_other_unreachables_skipped(void)
{
	write_text("udp161.csv", ZMAP_UDP161);
	check_state("udp161.csv", UDP161, RS_STATE_OPEN, 3, 0, 2, 1u << RS_STATE_CLOSED);
	check_state("udp161.csv", UDP161, RS_STATE_CLOSED, 3, 1, 1, 0);
	CHECK(has("198.18.0.2") && !has("198.18.0.4"));
	write_text("udp53.csv", ZMAP_UDP53);
	check_state("udp53.csv", UDP53, RS_STATE_OPEN, 2, 1, 0, 0);
	/* zmap -M ntp: the same ICMP fields, icmp_unreach_str left empty. */
	write_text("ntp.csv",
		   "saddr,saddr-raw,daddr,daddr-raw,ipid,ttl,classification,success,sport,dport,"
		   "icmp_responder,icmp_type,icmp_code,icmp_unreach_str,LI_VN_MODE\n"
		   "198.18.0.2,33559238,198.18.0.1,16782022,20828,64,icmp-unreach,0,,,198.18.0.2,3,3,,\n");
	check_state("ntp.csv", (struct rs_svc){ RS_SLOT_UDP, 123 }, RS_STATE_CLOSED, 2, 1, 0, 0);
	/* -f "saddr,classification,success,icmp_code": the code alone will do. */
	write_text("few.csv", "saddr,classification,success,icmp_code\n198.18.0.2,icmp-unreach,0,3\n"
		   "198.18.0.5,icmp-unreach,0,13\n");
	check_state("few.csv", UDP161, RS_STATE_CLOSED, 3, 1, 1, 0);
	/* Without icmp_code an unreachable may be a router's for the host: skipped. */
	write_text("nocode.csv", "saddr,classification,success\n198.18.0.2,icmp-unreach,0\n");
	check_state("nocode.csv", UDP161, RS_STATE_CLOSED, 2, 0, 1, 0);
	/* A RST is no UDP port's answer, an unreachable no TCP port's. */
	check_state("udp161.csv", (struct rs_svc){ RS_SLOT_TCP, 161 }, RS_STATE_CLOSED, 3, 0, 2, 0);
	write_text("zmap.csv", ZMAP_ALL);
	check_state("zmap.csv", (struct rs_svc){ RS_SLOT_UDP, 80 }, RS_STATE_CLOSED, 6, 0, 4,
		    1u << RS_STATE_OPEN);
}

static void test_rows_with_a_state_are_never_the_policy_a_bare_list_is(void)
{
	/* ZMap scanned one port: its rows say nothing of the others. */
	write_text("zmap.csv", ZMAP_ALL);
	check_state("zmap.csv", TCP_OTHER, RS_STATE_CLOSED, 6, 0, 4, 0);
	write_text("udp161.csv", ZMAP_UDP161);
	check_state("udp161.csv", UDP_OTHER, RS_STATE_CLOSED, 3,
		    0, 2, 0);
	/* saddr alone is an address list: in the state the compile implies (closed for it). */
	write_text("one.csv", "saddr\n192.0.2.20\n192.0.2.21");
	check_state("one.csv", TCP_OTHER, RS_STATE_CLOSED, 3, 0, 2, 1u << RS_STATE_OPEN);
	{
		struct dataset_query q = { TCP_OTHER, RS_STATE_CLOSED, RS_STATE_CLOSED, false };

		ipset_clear(&set);
		CHECK(dataset_read(tpath("one.csv"), &q, &set, &st) == 0, "%s", rs_last_error());
		CHECK(st.added == 2 && st.skipped == 0 && has("192.0.2.20") && has("192.0.2.21"));
	}
}

static void test_gzip_and_zstd_csv_read_as_plain(void)
{
	write_zst("zmap.csv.zst", ZMAP_ALL);
	check_load("zmap.csv.zst", TCP80, "zmap-csv", 6, 2, 1);
	write_gz("zmap.csv.gz", ZMAP_ALL);
	check_load("zmap.csv.gz", TCP80, "zmap-csv", 6, 2, 1);
	CHECK(has("192.0.2.1") && has("192.0.2.3"));
}

static void test_old_header_with_blanks_and_classification_deciding(void)
{
	/* Older ZMap joined header names with ", "; saddr need not come first. */
	write_text("old.csv", "daddr, saddr, classification\r\n"
		   "10.0.0.2,192.0.2.5,synack\r\n10.0.0.2,192.0.2.6,rst\r\n10.0.0.2,192.0.2.7,synack\r\n");
	check_load("old.csv", TCP80, "zmap-csv", 4, 2, 1);
	CHECK(has("192.0.2.5") && !has("192.0.2.6") && has("192.0.2.7"));
}

static void test_quoted_fields_with_commas_and_quotes(void)
{
	/* ZMap quotes a string with commas; "" inside quotes is a quote. */
	write_text("quoted.csv",
		   "banner,saddr,success\n"
		   "\"HTTP/1.1 200 OK, hi\",192.0.2.8,1\n"
		   "\"a \"\"q\"\", b\",192.0.2.9,1\n"
		   "plain,192.0.2.10,0\n"
		   "\"no,blanks,here\",192.0.2.11,1\n");
	check_load("quoted.csv", TCP80, "zmap-csv", 5, 3, 1);
	CHECK(has("192.0.2.8") && has("192.0.2.9") && has("192.0.2.11"));
}

static void test_header_naming_saddr_alone(void)
{
	/* Hand-made, or ZMap 4, which writes the header even for saddr alone. */
	write_text("one.csv", "saddr\n192.0.2.20\n192.0.2.21");
	check_load("one.csv", TCP80, "zmap-csv", 3, 2, 0);
	CHECK(has("192.0.2.20") && has("192.0.2.21"));
}

static void test_icmp_echo_scan_success_decides(void)
{
	/* zmap -M icmp_echoscan -O csv -f "saddr,type,code,icmp-id,seq,classification,success" */
	write_text("icmp.csv",
		   "saddr,type,code,icmp-id,seq,classification,success\n"
		   "192.0.2.30,0,0,4660,0,echoreply,1\n"
		   "192.0.2.31,3,1,4660,0,unreach,0\n");
	check_load("icmp.csv", ICMP, "zmap-csv", 3, 1, 1);
	CHECK(has("192.0.2.30") && !has("192.0.2.31"));
}

static void test_empty_sport_does_not_filter(void)
{
	write_text("sport.csv", "saddr,sport,success\n192.0.2.40,,1\n192.0.2.41,53,1\n192.0.2.42,54,1\n");
	check_load("sport.csv", UDP53, "zmap-csv", 4, 2, 1);
	CHECK(has("192.0.2.40") && has("192.0.2.41"));
}

/*
 * Rows of every length from 13 to 80 bytes, commas at every offset around
 * the 16-byte blocks the plain-row reader scans, rows shorter and longer
 * than it takes, and the last row without a newline: host 192.0.2.k has a
 * daddr of k filler bytes and answers when k is even. The same rows with
 * blanks around every field take the general reader; both must agree with
 * what the rows say.
 */
static void csv_rows(char *buf, size_t cap, const char *sep, bool final_newline)
{
	size_t at = (size_t)snprintf(buf, cap, "saddr%sdaddr%ssuccess\n", sep, sep);
	int k;

	for (k = 0; k <= 64; k++) {
		at += (size_t)snprintf(buf + at, cap - at, "192.0.2.%d%s%.*s%s%d%s%s", k, sep, k,
				       "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
				       sep, k % 2 ? 0 : 1, k % 3 ? "" : ",x", k < 64 ? "\n" : "");
	}
	if (final_newline)
		snprintf(buf + at, cap - at, "\n");
}

static void test_fast_and_general_row_readers_agree_at_every_row_length(void)
{
	static char text[16384];
	const char *seps[] = { ",", " , " };
	char addr[32];
	size_t s;
	int k, nl;

	for (s = 0; s < 2; s++) {
		for (nl = 0; nl < 2; nl++) {
			csv_rows(text, sizeof(text), seps[s], nl);
			write_text("rows.csv", text);
			CHECK(load("rows.csv", TCP80) == 0, "sep '%s': %s", seps[s], rs_last_error());
			CHECK(st.added == 33 && st.skipped == 32, "sep '%s' newline %d: %llu added, %llu skipped",
			      seps[s], nl, (unsigned long long)st.added, (unsigned long long)st.skipped);
			for (k = 0; k <= 64; k++) {
				snprintf(addr, sizeof(addr), "192.0.2.%d", k);
				CHECK(has(addr) == !(k % 2), "sep '%s': %s", seps[s], addr);
			}
		}
	}
}

static void test_bad_rows_are_errors_naming_line_and_column(void)
{
	/* Too few fields and a bad success, in rows long enough for the fast reader. */
	CHECK(fails_at("short.csv", "saddr,daddr,success\n192.0.2.1,dddddddddddddddddddd\n", TCP80, 2,
		       "fields"), "%s", rs_last_error());
	CHECK(fails_at("bad.csv", "saddr,daddr,success\n192.0.2.1,dddddddddddddddddddd,2\n", TCP80, 2,
		       "success"), "%s", rs_last_error());
	/* And in short rows, which the general reader takes. */
	CHECK(fails_at("e1.csv", "saddr,success\n192.0.2.1,1\n192.0.2.300,1\n", TCP80, 3, "saddr"),
	      "%s", rs_last_error());
	CHECK(fails_at("e2.csv", "saddr,sport,success\n192.0.2.1,80,1\n\n192.0.2.2,80\n", TCP80, 4,
		       "fields"), "%s", rs_last_error());
	CHECK(fails_at("e3.csv", "saddr,success\n192.0.2.1,yes\n", TCP80, 2, "success"), "%s",
	      rs_last_error());
	CHECK(fails_at("e4.csv", "saddr,sport\n192.0.2.1,http\n", TCP80, 2, "sport"), "%s",
	      rs_last_error());
	CHECK(fails_at("e5.csv", "saddr,classification,success,icmp_code\n"
		       "192.0.2.1,icmp-unreach,0,3\n192.0.2.2,icmp-unreach,0,port\n", UDP53, 3,
		       "icmp_code"), "%s", rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_every_field_success_decides_and_sport_must_be_the_port);
	RUN_TEST(test_rst_rows_are_the_closed_state);
	RUN_TEST(test_port_unreachable_rows_are_the_closed_state_other_unreachables_skipped);
	RUN_TEST(test_rows_with_a_state_are_never_the_policy_a_bare_list_is);
	RUN_TEST(test_gzip_and_zstd_csv_read_as_plain);
	RUN_TEST(test_old_header_with_blanks_and_classification_deciding);
	RUN_TEST(test_quoted_fields_with_commas_and_quotes);
	RUN_TEST(test_header_naming_saddr_alone);
	RUN_TEST(test_icmp_echo_scan_success_decides);
	RUN_TEST(test_empty_sport_does_not_filter);
	RUN_TEST(test_fast_and_general_row_readers_agree_at_every_row_length);
	RUN_TEST(test_bad_rows_are_errors_naming_line_and_column);
}
