// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_nmap_grepable.c - the "nmap-grepable" format
 * (src/format_nmap_grepable.c): nmap -oG of SYN, UDP, ACK, version,
 * protocol and discovery scans, each state of each service and the policy
 * on unlisted ports, and every kind of bad line against the line it names.
 *
 * The samples are nmap 7.93's output scanning namespaces of ours
 * (198.18.0.2 answers, 198.18.0.3 drops TCP and UDP, 198.18.0.4 is
 * absent); long port lists are cut, and lines made by hand say so.
 */
#include "dataset_test.h"

#define GN_HEAD(args) "# Nmap 7.93 scan initiated Sun Dec  6 02:35:01 2026 as: nmap " args "\n"
#define GN_TAIL(n, up) \
	"# Nmap done at Sun Dec  6 02:35:16 2026 -- " n " IP addresses (" up " hosts up) scanned in 15.02 seconds\n"
#define UP(addr) "Host: " addr " ()\tStatus: Up\n"

/* nmap -v -sS --top-ports 100 198.18.0.2-3: "Not shown: 99 closed ports" and "All 100 filtered". */
static const char SYN_TOP[] =
	GN_HEAD("-v -oX top.xml -oG top.gnmap -sS --top-ports 100 198.18.0.2-3")
	"# Ports scanned: TCP(100;7,9,13,21-23,25-26,37,53,79-81,88) UDP(0;) SCTP(0;) PROTOCOLS(0;)\n"
	UP("198.18.0.2")
	"Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///\tIgnored State: closed (99)\n"
	UP("198.18.0.3")
	"Host: 198.18.0.3 ()\tPorts: \tIgnored State: filtered (100)\n"
	GN_TAIL("2", "2");

static void test_ignored_closed_ports_are_the_policy_of_the_scanned_protocol(void)
{
	write_text("top.gnmap", SYN_TOP);
	check_load_state("top.gnmap", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 7, 1, 1, 0);
	CHECK(has("198.18.0.2"));
	check_load_state("top.gnmap", (struct rs_svc){ RS_SLOT_TCP, 22 }, RS_STATE_OPEN,
			 "nmap-grepable", 7, 1, 1, 0);
	/* Port 80 was among the closed not shown: the policy's, not the port's. */
	check_load_state("top.gnmap", TCP80, RS_STATE_CLOSED, "nmap-grepable", 7, 0, 2, 0);
	/* The command line scans TCP only. */
	check_load_state("top.gnmap", UDP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 7, 0, 2, 0);
}

/* nmap -v -sS -p 22,80 198.18.0.2-4: one host down, one closed, one filtered. */
static const char SYN_V[] =
	GN_HEAD("-v -oX sSv.xml -oG sSv.gnmap -sS -p 22,80 198.18.0.2-4")
	"# Ports scanned: TCP(2;22,80) UDP(0;) SCTP(0;) PROTOCOLS(0;)\n"
	"Host: 198.18.0.4 ()\tStatus: Down\n"
	UP("198.18.0.2")
	"Host: 198.18.0.2 ()\tPorts: 22/closed/tcp//ssh///, 80/closed/tcp//http///\n"
	UP("198.18.0.3")
	"Host: 198.18.0.3 ()\tPorts: 22/filtered/tcp//ssh///, 80/filtered/tcp//http///\n"
	GN_TAIL("3", "2");

static void test_listed_ports_give_their_state_status_lines_nothing(void)
{
	const struct rs_svc tcp22 = { RS_SLOT_TCP, 22 };

	write_text("syn.gnmap", SYN_V);
	check_load_state("syn.gnmap", tcp22, RS_STATE_OPEN, "nmap-grepable", 8, 0, 2,
			 1u << RS_STATE_CLOSED | 1u << RS_STATE_FILTERED);
	check_load_state("syn.gnmap", tcp22, RS_STATE_CLOSED, "nmap-grepable", 8, 1, 1,
			 1u << RS_STATE_FILTERED);
	CHECK(has("198.18.0.2"));
	check_load_state("syn.gnmap", TCP80, RS_STATE_FILTERED, "nmap-grepable", 8, 1, 1,
			 1u << RS_STATE_CLOSED);
	CHECK(has("198.18.0.3"));
	check_load_state("syn.gnmap", ICMP, RS_STATE_OPEN, "nmap-grepable", 8, 0, 2, 0);
}

/* nmap -sS -sU -p T:1-60,U:50-60 198.18.0.2-4: both protocols' ignored ports in one count. */
static const char SYN_UDP[] =
	GN_HEAD("-oX both.xml -oG both.gnmap -sS -sU -p T:1-60,U:50-60 198.18.0.2-4")
	UP("198.18.0.2")
	"Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///, 53/open/udp//domain///\tIgnored State: closed (69)\n"
	UP("198.18.0.3")
	"Host: 198.18.0.3 ()\tPorts: 52/open|filtered/udp//xns-time///, 53/open|filtered/udp//domain///, "
	"60/open|filtered/udp/////\tIgnored State: filtered (60)\n"
	GN_TAIL("3", "2");

static void test_udp_open_filtered_is_silence_and_a_mixed_scans_ignored_state_nobodys(void)
{
	write_text("both.gnmap", SYN_UDP);
	check_load_state("both.gnmap", UDP53, RS_STATE_OPEN, "nmap-grepable", 6, 1, 1,
			 1u << RS_STATE_FILTERED);
	CHECK(has("198.18.0.2"));
	check_load_state("both.gnmap", UDP53, RS_STATE_FILTERED, "nmap-grepable", 6, 1, 1,
			 1u << RS_STATE_OPEN);
	CHECK(has("198.18.0.3"));
	/* 59 of the 69 closed were TCP, 10 UDP; the line cannot say which. */
	check_load_state("both.gnmap", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 6, 0, 2, 0);
	check_load_state("both.gnmap", UDP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 6, 0, 2, 0);
}

static void test_without_the_header_the_ports_protocol_or_the_services(void)
{
	/* Lines grep'd out of -oG files. */
	write_text("lines.gnmap",
		   "Host: 198.18.0.2 ()\tPorts: 53/open/udp//domain///\tIgnored State: closed (999)\n"
		   "Host: 198.18.0.5 ()\tPorts: \tIgnored State: closed (1000)\n");
	check_load_state("lines.gnmap", UDP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 2, 2, 0, 0);
	check_load_state("lines.gnmap", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 2, 1, 1, 0);
	CHECK(has("198.18.0.5") && !has("198.18.0.2"));
}

static void test_ack_scan_unfiltered_says_nothing(void)
{
	write_text("ack.gnmap",
		   GN_HEAD("-oX sA.xml -oG sA.gnmap -sA -p 22,80 198.18.0.2-3")
		   UP("198.18.0.2")
		   "Host: 198.18.0.2 ()\tPorts: 22/unfiltered/tcp//ssh///, 80/unfiltered/tcp//http///\n"
		   UP("198.18.0.3")
		   "Host: 198.18.0.3 ()\tPorts: 22/filtered/tcp//ssh///, 80/filtered/tcp//http///\n"
		   GN_TAIL("2", "2"));
	check_load_state("ack.gnmap", TCP80, RS_STATE_OPEN, "nmap-grepable", 6, 0, 2,
			 1u << RS_STATE_FILTERED);
	check_load_state("ack.gnmap", TCP80, RS_STATE_FILTERED, "nmap-grepable", 6, 1, 1, 0);
}

static void test_version_texts_slashes_and_commas_do_not_split_ports(void)
{
	write_text("sv.gnmap",
		   GN_HEAD("-sV -p 22,80 -oG sV.gnmap -oX sV.xml 198.18.0.2")
		   UP("198.18.0.2")
		   "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh//OpenSSH 8.9p1 Ubuntu 3ubuntu0.1 "
		   "(Ubuntu Linux; protocol 2.0)/, 80/closed/tcp//http///\n"
		   /* by hand: a comma in the version, nmap's '|' for a '/' */
		   "Host: 198.18.0.5 ()\tPorts: 80/open/tcp//http//Apache httpd 2.4.41, PHP|7.4/, "
		   "443/closed/tcp//https///\n"
		   GN_TAIL("2", "2"));
	check_load_state("sv.gnmap", TCP80, RS_STATE_OPEN, "nmap-grepable", 5, 1, 1,
			 1u << RS_STATE_CLOSED);
	CHECK(has("198.18.0.5"));
	check_load_state("sv.gnmap", (struct rs_svc){ RS_SLOT_TCP, 443 }, RS_STATE_CLOSED,
			 "nmap-grepable", 5, 1, 1, 0);
	check_load_state("sv.gnmap", (struct rs_svc){ RS_SLOT_TCP, 22 }, RS_STATE_OPEN,
			 "nmap-grepable", 5, 1, 1, 0);
}

static void test_protocol_scans_discovery_and_ipv6_give_nothing(void)
{
	/* nmap -sO: IP protocols, whose ignored state is no port's. */
	write_text("so.gnmap",
		   GN_HEAD("-sO -oG sO.gnmap -oX sO.xml 198.18.0.2") UP("198.18.0.2")
		   "Host: 198.18.0.2 ()\tProtocols: 1/open/icmp/, 2/open|filtered/igmp/, 6/open/tcp/, "
		   "17/open/udp/, 136/open|filtered/udplite/\tIgnored State: closed (251)\n"
		   GN_TAIL("1", "1"));
	check_load_state("so.gnmap", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 4, 0, 1, 0);
	check_load_state("so.gnmap", ICMP, RS_STATE_OPEN, "nmap-grepable", 4, 0, 1, 0);
	/* nmap -sn: Status lines only. */
	write_text("sn.gnmap", GN_HEAD("-sn -PE --send-ip -oX pe.xml -oG pe.gnmap 198.18.0.2-3")
		   UP("198.18.0.2") UP("198.18.0.3") GN_TAIL("2", "2"));
	check_load_state("sn.gnmap", ICMP, RS_STATE_OPEN, "nmap-grepable", 4, 0, 0, 0);
	check_load_state("sn.gnmap", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 4, 0, 0, 0);
	/* nmap -6 -sS -p 22,80 ::1 */
	write_text("v6.gnmap", GN_HEAD("-6 -sS -p 22,80 -oG v6.gnmap ::1") UP("::1")
		   "Host: ::1 ()\tPorts: 22/closed/tcp//ssh///, 80/closed/tcp//http///\n"
		   GN_TAIL("1", "1"));
	check_load_state("v6.gnmap", TCP80, RS_STATE_CLOSED, "nmap-grepable", 4, 0, 1, 0);
}

static void test_gzip_read_as_plain(void)
{
	write_gz("top.gnmap.gz", SYN_TOP);
	check_load_state("top.gnmap.gz", TCP_OTHER, RS_STATE_CLOSED, "nmap-grepable", 7, 1, 1, 0);
}

static void test_bad_line_is_an_error_naming_its_line(void)
{
	static const struct {
		const char *line, *says;
	} bad[] = {
		{ "Host: 198.18.0.2 ()\tPorts: 22/opne/tcp//ssh///", "unknown port state" },
		{ "Host: 198.18.0.2 ()\tPorts: 22/open/tpc//ssh///", "unknown protocol" },
		{ "Host: 198.18.0.2 ()\tPorts: 99999/open/tcp//ssh///", "bad port" },
		{ "Host: 198.18.0.2 ()\tPorts: 22/open/tcp", "bad port" },
		{ "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh/// 80/open/tcp//http///", "bad port" },
		{ "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///\tIgnored State: shut (99)", "Ignored" },
		{ "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///\tIgnored State: closed", "Ignored" },
		{ "Host: 198.18.0.300 ()\tPorts: 22/open/tcp//ssh///", "bad address" },
		{ "Host: 198.18.0.2 ()", "without Status, Ports" },
		{ "Hosts: 198.18.0.2", "not an nmap -oG line" },
	};
	char text[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s" UP("198.18.0.2") "%s\n" GN_TAIL("1", "1"),
			 GN_HEAD("-sS -p 22 198.18.0.2"), bad[i].line);
		CHECK(fails_at("bad.gnmap", text, (struct rs_svc){ RS_SLOT_TCP, 22 }, 3, bad[i].says),
		      "'%s': %s", bad[i].line, rs_last_error());
		/* The message quotes the line from its start. */
		CHECK(error_has("\"Host"), "%s", rs_last_error());
	}
}

static void test_normal_output_is_named_as_such(void)
{
	/* nmap -oN starts with the same comment. */
	CHECK(fails_at("scan.nmap", GN_HEAD("-oN scan.nmap -sS -p 22 198.18.0.2")
		       "Nmap scan report for 198.18.0.2\nHost is up (0.000050s latency).\n",
		       TCP80, 2, "-oN"), "%s", rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_ignored_closed_ports_are_the_policy_of_the_scanned_protocol);
	RUN_TEST(test_listed_ports_give_their_state_status_lines_nothing);
	RUN_TEST(test_udp_open_filtered_is_silence_and_a_mixed_scans_ignored_state_nobodys);
	RUN_TEST(test_without_the_header_the_ports_protocol_or_the_services);
	RUN_TEST(test_ack_scan_unfiltered_says_nothing);
	RUN_TEST(test_version_texts_slashes_and_commas_do_not_split_ports);
	RUN_TEST(test_protocol_scans_discovery_and_ipv6_give_nothing);
	RUN_TEST(test_gzip_read_as_plain);
	RUN_TEST(test_bad_line_is_an_error_naming_its_line);
	RUN_TEST(test_normal_output_is_named_as_such);
}
