// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_nmap_xml.c - the "nmap-xml" format (src/format_nmap_xml.c):
 * nmap -oX of SYN, UDP, ACK and discovery scans and masscan -oX, each
 * state of each service and the policy on unlisted ports, and every kind
 * of bad or cut file against the line it names.
 *
 * The samples are nmap 7.93's and masscan 1.3.2's output scanning
 * namespaces of ours (198.18.0.2 answers, 198.18.0.3 drops TCP and UDP,
 * 198.18.0.4 is absent), written with macros for the parts every file
 * repeats; long port lists are cut.
 */
#include "dataset_test.h"

#define NMAP_HEAD(args, scaninfo)                                                            \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                       \
	"<!DOCTYPE nmaprun>\n"                                                              \
	"<?xml-stylesheet href=\"file:///usr/bin/../share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n" \
	"<!-- Nmap 7.93 scan initiated Sun Dec  6 02:33:44 2026 as: nmap " args " -->\n"     \
	"<nmaprun scanner=\"nmap\" args=\"nmap " args "\" start=\"1796524424\" "            \
	"startstr=\"Sun Dec  6 02:33:44 2026\" version=\"7.93\" xmloutputversion=\"1.05\">\n" \
	scaninfo "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n"

#define SCANINFO(type, proto, n, services)                                                  \
	"<scaninfo type=\"" type "\" protocol=\"" proto "\" numservices=\"" n "\" services=\"" \
	services "\"/>\n"

/* The early word of host discovery, before the hosts: no ports. */
#define HOSTHINT(addr)                                                                      \
	"<hosthint><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n"      \
	"<address addr=\"" addr "\" addrtype=\"ipv4\"/>\n"                                  \
	"<address addr=\"F6:75:E3:0B:E4:CF\" addrtype=\"mac\"/>\n<hostnames>\n</hostnames>\n" \
	"</hosthint>\n"

#define HOST(addr, reason, ports)                                                           \
	"<host starttime=\"1796524452\" endtime=\"1796524452\"><status state=\"up\" reason=\"" \
	reason "\" reason_ttl=\"0\"/>\n"                                                    \
	"<address addr=\"" addr "\" addrtype=\"ipv4\"/>\n"                                  \
	"<address addr=\"F6:75:E3:0B:E4:CF\" addrtype=\"mac\"/>\n<hostnames>\n</hostnames>\n" \
	ports "<times srtt=\"6\" rttvar=\"2817\" to=\"100000\"/>\n</host>\n"

#define PORT(proto, id, state, reason, name)                                                \
	"<port protocol=\"" proto "\" portid=\"" id "\"><state state=\"" state "\" reason=\""  \
	reason "\" reason_ttl=\"64\"/><service name=\"" name "\" method=\"table\" conf=\"3\"/></port>\n"

#define EXTRAPORTS(state, n, reasons) \
	"<extraports state=\"" state "\" count=\"" n "\">\n" reasons "</extraports>\n"

#define EXTRAREASONS(reason, n, proto, ports) \
	"<extrareasons reason=\"" reason "\" count=\"" n "\" proto=\"" proto "\" ports=\"" ports "\"/>\n"

#define NMAP_TAIL(up, down, total)                                                          \
	"<runstats><finished time=\"1796524454\" timestr=\"Sun Dec  6 02:34:14 2026\" "      \
	"summary=\"Nmap done at Sun Dec  6 02:34:14 2026; " total " IP addresses (" up       \
	" hosts up) scanned in 15.52 seconds\" elapsed=\"15.52\" exit=\"success\"/>"         \
	"<hosts up=\"" up "\" down=\"" down "\" total=\"" total "\"/>\n</runstats>\n</nmaprun>\n"

/* nmap -v -sS -p 22,80 198.18.0.2-4: one host down, one closed, one filtered. */
static const char SYN_V[] =
	NMAP_HEAD("-v -oX sSv.xml -sS -p 22,80 198.18.0.2-4", SCANINFO("syn", "tcp", "2", "22,80"))
	"<taskbegin task=\"ARP Ping Scan\" time=\"1796524439\"/>\n"
	HOSTHINT("198.18.0.3") HOSTHINT("198.18.0.2")
	"<taskend task=\"ARP Ping Scan\" time=\"1796524439\" extrainfo=\"3 total hosts\"/>\n"
	"<host><status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>\n"
	"<address addr=\"198.18.0.4\" addrtype=\"ipv4\"/>\n</host>\n"
	HOST("198.18.0.2", "arp-response", "<ports>"
	     PORT("tcp", "22", "closed", "reset", "ssh") PORT("tcp", "80", "closed", "reset", "http")
	     "</ports>\n")
	HOST("198.18.0.3", "arp-response", "<ports>"
	     PORT("tcp", "22", "filtered", "no-response", "ssh")
	     PORT("tcp", "80", "filtered", "no-response", "http") "</ports>\n")
	NMAP_TAIL("2", "1", "3");

/* nmap -sS --top-ports 100 198.18.0.2-3: "Not shown: 99 closed ports" and "All 100 filtered". */
static const char SYN_TOP[] =
	NMAP_HEAD("-oX top.xml -sS -&#45;top-ports 100 198.18.0.2-3",
		  SCANINFO("syn", "tcp", "100", "7,9,13,21-23,25-26,37,53,79-81,88"))
	HOSTHINT("198.18.0.3") HOSTHINT("198.18.0.2")
	HOST("198.18.0.2", "arp-response", "<ports>"
	     EXTRAPORTS("closed", "99", EXTRAREASONS("reset", "99", "tcp", "7,9,13,21,23,25-26,37,53,79-81,88"))
	     PORT("tcp", "22", "open", "syn-ack", "ssh") "</ports>\n")
	HOST("198.18.0.3", "arp-response", "<ports>"
	     EXTRAPORTS("filtered", "100",
			EXTRAREASONS("no-response", "100", "tcp", "7,9,13,21-23,25-26,37,53,79-81,88"))
	     "</ports>\n")
	NMAP_TAIL("2", "0", "2");

static void test_syn_scan_open_closed_filtered_and_down(void)
{
	const struct rs_svc tcp22 = { RS_SLOT_TCP, 22 };

	write_text("syn.xml", SYN_V);
	/* Three hosts (hints are not hosts); read for open, the others are remembered. */
	check_load_state("syn.xml", tcp22, RS_STATE_OPEN, "nmap-xml", 3, 0, 3,
			 1u << RS_STATE_CLOSED | 1u << RS_STATE_FILTERED);
	check_load_state("syn.xml", tcp22, RS_STATE_CLOSED, "nmap-xml", 3, 1, 2,
			 1u << RS_STATE_FILTERED);
	CHECK(has("198.18.0.2"));
	check_load_state("syn.xml", TCP80, RS_STATE_FILTERED, "nmap-xml", 3, 1, 2,
			 1u << RS_STATE_CLOSED);
	CHECK(has("198.18.0.3"));
	/* No extraports: nothing for the policy. */
	check_load_state("syn.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 3, 0, 3, 0);
}

static void test_closed_extraports_are_the_policy_filtered_ones_silence(void)
{
	write_text("top.xml", SYN_TOP);
	check_load_state("top.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 2, 1, 1, 0);
	CHECK(has("198.18.0.2"));
	check_load_state("top.xml", (struct rs_svc){ RS_SLOT_TCP, 22 }, RS_STATE_OPEN, "nmap-xml", 2,
			 1, 1, 0);
	/* Port 80 was among the closed not shown: the policy's, not the port's. */
	check_load_state("top.xml", TCP80, RS_STATE_CLOSED, "nmap-xml", 2, 0, 2, 0);
	/* Only TCP was scanned. */
	check_load_state("top.xml", UDP_OTHER, RS_STATE_CLOSED, "nmap-xml", 2, 0, 2, 0);
}

/* nmap -sS -sU -p T:1-60,U:50-60 198.18.0.2-3: extraports of both protocols in one. */
static const char SYN_UDP[] =
	NMAP_HEAD("-oX both.xml -sS -sU -p T:1-60,U:50-60 198.18.0.2-4",
		  SCANINFO("syn", "tcp", "60", "1-60") SCANINFO("udp", "udp", "11", "50-60"))
	HOSTHINT("198.18.0.3") HOSTHINT("198.18.0.2")
	HOST("198.18.0.2", "arp-response", "<ports>"
	     EXTRAPORTS("closed", "69", EXTRAREASONS("reset", "59", "tcp", "1-21,23-60")
			EXTRAREASONS("port-unreach", "10", "udp", "50-52,54-60"))
	     PORT("tcp", "22", "open", "syn-ack", "ssh") PORT("udp", "53", "open", "udp-response", "domain")
	     "</ports>\n")
	HOST("198.18.0.3", "arp-response", "<ports>"
	     EXTRAPORTS("filtered", "60", EXTRAREASONS("no-response", "60", "tcp", "1-60"))
	     PORT("udp", "52", "open|filtered", "no-response", "xns-time")
	     PORT("udp", "53", "open|filtered", "no-response", "domain") "</ports>\n")
	NMAP_TAIL("2", "1", "3");

static void test_udp_open_filtered_is_silence_and_each_protocol_has_its_policy(void)
{
	write_text("both.xml", SYN_UDP);
	check_load_state("both.xml", UDP53, RS_STATE_OPEN, "nmap-xml", 2, 1, 1,
			 1u << RS_STATE_FILTERED);
	CHECK(has("198.18.0.2"));
	check_load_state("both.xml", UDP53, RS_STATE_FILTERED, "nmap-xml", 2, 1, 1,
			 1u << RS_STATE_OPEN);
	CHECK(has("198.18.0.3"));
	check_load_state("both.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 2, 1, 1, 0);
	check_load_state("both.xml", UDP_OTHER, RS_STATE_CLOSED, "nmap-xml", 2, 1, 1, 0);
	CHECK(has("198.18.0.2"));
}

static void test_extraports_without_their_protocol_take_the_scans(void)
{
	/* Older nmap wrote no proto: the only scaninfo's protocol, else the service's. */
	static const char one[] =
		NMAP_HEAD("-oX old.xml -sU 198.18.0.2", SCANINFO("udp", "udp", "1000", "2-3"))
		HOST("198.18.0.2", "arp-response", "<ports>"
		     "<extraports state=\"closed\" count=\"1000\">\n"
		     "<extrareasons reason=\"port-unreach\" count=\"1000\"/>\n</extraports>\n"
		     "</ports>\n")
		NMAP_TAIL("1", "0", "1");
	static const char two[] =
		NMAP_HEAD("-oX old.xml -sS -sU 198.18.0.2",
			  SCANINFO("syn", "tcp", "1000", "1-3") SCANINFO("udp", "udp", "1000", "2-3"))
		HOST("198.18.0.2", "arp-response", "<ports>"
		     "<extraports state=\"closed\" count=\"2000\"/>\n</ports>\n")
		NMAP_TAIL("1", "0", "1");

	write_text("old1.xml", one);
	check_load_state("old1.xml", UDP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 1, 0, 0);
	check_load_state("old1.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 0, 1, 0);
	write_text("old2.xml", two);
	check_load_state("old2.xml", UDP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 1, 0, 0);
	check_load_state("old2.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 1, 0, 0);
}

static void test_ip_protocol_scan_is_no_ports_policy(void)
{
	/* nmap -sO 198.18.0.2: its "ports" are IP protocols, its extrareasons' proto "n/a". */
	write_text("sO.xml",
		   NMAP_HEAD("-sO -oX sO.xml 198.18.0.2", SCANINFO("ipproto", "ip", "256", "0-255"))
		   HOSTHINT("198.18.0.2")
		   HOST("198.18.0.2", "arp-response", "<ports>"
			EXTRAPORTS("closed", "251", EXTRAREASONS("proto-unreach", "251", "n/a",
								 "0,3-5,7-16,18-135,137-255"))
			"<port protocol=\"ip\" portid=\"1\"><state state=\"open\" reason=\"echo-reply\" "
			"reason_ttl=\"64\"/>\n<service name=\"icmp\" conf=\"8\" method=\"table\"/></port>\n"
			"<port protocol=\"ip\" portid=\"6\"><state state=\"open\" reason=\"proto-response\" "
			"reason_ttl=\"64\"/>\n<service name=\"tcp\" conf=\"8\" method=\"table\"/></port>\n"
			"</ports>\n")
		   NMAP_TAIL("1", "0", "1"));
	check_load_state("sO.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 0, 1, 0);
	check_load_state("sO.xml", UDP_OTHER, RS_STATE_CLOSED, "nmap-xml", 1, 0, 1, 0);
	check_load_state("sO.xml", (struct rs_svc){ RS_SLOT_TCP, 6 }, RS_STATE_OPEN, "nmap-xml", 1, 0,
			 1, 0);
	check_load_state("sO.xml", ICMP, RS_STATE_OPEN, "nmap-xml", 1, 0, 1, 0);
}

static void test_ack_scan_unfiltered_says_nothing(void)
{
	/* nmap -sA -p 22,80 198.18.0.2-3 */
	write_text("ack.xml",
		   NMAP_HEAD("-oX sA.xml -sA -p 22,80 198.18.0.2-3", SCANINFO("ack", "tcp", "2", "22,80"))
		   HOST("198.18.0.2", "arp-response", "<ports>"
			PORT("tcp", "22", "unfiltered", "reset", "ssh")
			PORT("tcp", "80", "unfiltered", "reset", "http") "</ports>\n")
		   HOST("198.18.0.3", "arp-response", "<ports>"
			PORT("tcp", "22", "filtered", "no-response", "ssh")
			PORT("tcp", "80", "filtered", "no-response", "http") "</ports>\n")
		   NMAP_TAIL("2", "0", "2"));
	check_load_state("ack.xml", TCP80, RS_STATE_OPEN, "nmap-xml", 2, 0, 2, 1u << RS_STATE_FILTERED);
	check_load_state("ack.xml", TCP80, RS_STATE_FILTERED, "nmap-xml", 2, 1, 1, 0);
	CHECK(has("198.18.0.3"));
}

/* nmap -sn -PE (or -PP) --send-ip 198.18.0.2-3: hosts, no ports. */
#define PING_HOST(addr, reason)                                                             \
	"<host><status state=\"up\" reason=\"" reason "\" reason_ttl=\"64\"/>\n"              \
	"<address addr=\"" addr "\" addrtype=\"ipv4\"/>\n"                                  \
	"<address addr=\"FA:36:EB:C5:6E:31\" addrtype=\"mac\"/>\n<hostnames>\n</hostnames>\n" \
	"<times srtt=\"55\" rttvar=\"5000\" to=\"100000\"/>\n</host>\n"

static void test_host_discovery_gives_only_the_icmp_reply_it_got(void)
{
	const struct rs_svc timestamp = { RS_SLOT_ICMP, RS_ICMP_TIMESTAMP };

	write_text("pe.xml", NMAP_HEAD("-sn -PE -&#45;send-ip -oX pe.xml 198.18.0.2-3", "")
		   PING_HOST("198.18.0.2", "echo-reply") PING_HOST("198.18.0.3", "echo-reply")
		   NMAP_TAIL("2", "0", "2"));
	check_load_state("pe.xml", ICMP, RS_STATE_OPEN, "nmap-xml", 2, 2, 0, 0);
	check_load_state("pe.xml", timestamp, RS_STATE_OPEN, "nmap-xml", 2, 0, 2, 0);
	check_load_state("pe.xml", TCP80, RS_STATE_OPEN, "nmap-xml", 2, 0, 2, 0);
	check_load_state("pe.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 2, 0, 2, 0);
	write_text("pp.xml", NMAP_HEAD("-sn -PP -&#45;send-ip -oX pp.xml 198.18.0.2-3", "")
		   PING_HOST("198.18.0.2", "timestamp-reply") PING_HOST("198.18.0.3", "timestamp-reply")
		   NMAP_TAIL("2", "0", "2"));
	check_load_state("pp.xml", timestamp, RS_STATE_OPEN, "nmap-xml", 2, 2, 0, 0);
	check_load_state("pp.xml", ICMP, RS_STATE_OPEN, "nmap-xml", 2, 0, 2, 0);
	/* On one segment nmap finds hosts by ARP: that is no service. */
	write_text("arp.xml", NMAP_HEAD("-sn -oX sn.xml 198.18.0.2-4", "")
		   PING_HOST("198.18.0.2", "arp-response") NMAP_TAIL("1", "2", "3"));
	check_load_state("arp.xml", ICMP, RS_STATE_OPEN, "nmap-xml", 1, 0, 1, 0);
}

/* masscan 1.3.2 --show closed -p22,80,U:53,U:161 -oX: a host a record, CRLF. */
#define MX_HOST(port, proto, state, reason, ttl)                                            \
	"<host endtime=\"1796526486\"><address addr=\"198.18.0.2\" addrtype=\"ipv4\"/><ports>" \
	"<port protocol=\"" proto "\" portid=\"" port "\"><state state=\"" state "\" reason=\"" \
	reason "\" reason_ttl=\"" ttl "\"/></port></ports></host>\r\n"

static const char MASSCAN_XML[] =
	"<?xml version=\"1.0\"?>\r\n<!-- masscan v1.0 scan -->\r\n"
	"<nmaprun scanner=\"masscan\" start=\"1796526486\" version=\"1.0-BETA\"  xmloutputversion=\"1.03\">\r\n"
	"<scaninfo type=\"syn\" protocol=\"tcp\" />\r\n"
	MX_HOST("80", "tcp", "closed", "rst-ack", "64") MX_HOST("161", "udp", "closed", "none", "64")
	MX_HOST("22", "tcp", "open", "syn-ack", "64") MX_HOST("53", "udp", "open", "none", "0")
	"<runstats>\r\n<finished time=\"1796526492\" timestr=\"2026-12-06 03:08:12\" elapsed=\"6\" />\r\n"
	"<hosts up=\"1\" down=\"1\" total=\"2\" />\r\n</runstats>\r\n</nmaprun>\r\n";

static void test_masscan_xml_a_host_a_record(void)
{
	write_text("m.xml", MASSCAN_XML);
	check_load_state("m.xml", TCP80, RS_STATE_CLOSED, "nmap-xml", 4, 1, 3, 0);
	check_load_state("m.xml", (struct rs_svc){ RS_SLOT_UDP, 161 }, RS_STATE_CLOSED, "nmap-xml", 4,
			 1, 3, 0);
	check_load_state("m.xml", UDP53, RS_STATE_OPEN, "nmap-xml", 4, 1, 3, 0);
	check_load_state("m.xml", TCP_OTHER, RS_STATE_CLOSED, "nmap-xml", 4, 0, 4, 0);
	write_gz("m.xml.gz", MASSCAN_XML);
	check_load_state("m.xml.gz", TCP80, RS_STATE_CLOSED, "nmap-xml", 4, 1, 3, 0);
	CHECK(has("198.18.0.2"));
}

static void test_ipv6_hosts_are_skipped(void)
{
	write_text("v6.xml", NMAP_HEAD("-6 -oX v6.xml -sS -p 80 2001:db8::1", SCANINFO("syn", "tcp", "1", "80"))
		   "<host><status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n"
		   "<address addr=\"2001:db8::1\" addrtype=\"ipv6\"/>\n<ports>"
		   PORT("tcp", "80", "open", "syn-ack", "http") "</ports>\n</host>\n"
		   NMAP_TAIL("1", "0", "1"));
	check_load_state("v6.xml", TCP80, RS_STATE_OPEN, "nmap-xml", 1, 0, 1, 0);
}

/* The line of text's first line holding what. */
static unsigned line_of(const char *text, const char *what)
{
	const char *at = strstr(text, what), *p;
	unsigned n = 1;

	for (p = text; at && p < at; p++)
		n += *p == '\n';
	return n;
}

/* The number of text's last line, which ends with a newline. */
static unsigned last_line(const char *text)
{
	unsigned n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/*
 * SYN_TOP with its first from replaced by to, loaded for tcp/22: an error
 * at the line of mark (in to) that says word.
 */
static bool bad_at(const char *from, const char *to, const char *mark, const char *word)
{
	static char text[sizeof(SYN_TOP) + 256];
	const char *at = strstr(SYN_TOP, from);
	int n;

	if (!at)
		return false;
	n = snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - SYN_TOP), SYN_TOP, to,
		     at + strlen(from));
	return n > 0 && fails_at("bad.xml", text, (struct rs_svc){ RS_SLOT_TCP, 22 },
				 line_of(text, mark), word);
}

/* The first <host>'s status and address, which no <hosthint> has: endtime is the host's. */
#define FIRST_HOST "endtime=\"1796524452\"><status state=\"up\" reason=\"arp-response\" " \
	"reason_ttl=\"0\"/>\n<address addr=\"198.18.0.2\""

static void test_unknown_state_protocol_or_value_is_an_error_naming_its_line(void)
{
	CHECK(bad_at("state=\"open\"", "state=\"opne\"", "opne", "unknown port state"), "%s",
	      rs_last_error());
	CHECK(error_has("opne"), "%s", rs_last_error());
	CHECK(bad_at("protocol=\"tcp\" portid", "protocol=\"tpc\" portid", "tpc",
		     "unknown protocol"), "%s", rs_last_error());
	CHECK(bad_at("portid=\"22\"", "portid=\"65536\"", "65536", "bad portid"), "%s",
	      rs_last_error());
	CHECK(bad_at("<extraports state=\"closed\"", "<extraports state=\"shut\"", "shut",
		     "unknown port state"), "%s", rs_last_error());
	CHECK(bad_at("proto=\"tcp\" ports=\"7,9,13,21,", "proto=\"xtp\" ports=\"7,9,13,21,", "xtp",
		     "unknown protocol"), "%s", rs_last_error());
	CHECK(bad_at(FIRST_HOST, "endtime=\"1796524452\"><status state=\"sideways\"/>\n"
		     "<address addr=\"198.18.0.2\"", "sideways", "unknown host state"), "%s",
	      rs_last_error());
	CHECK(bad_at(FIRST_HOST, "endtime=\"1796524452\"><status state=\"up\"/>\n"
		     "<address addr=\"198.18.0.300\"", "198.18.0.300", "bad address"), "%s",
	      rs_last_error());
	CHECK(bad_at("<port protocol=\"tcp\" portid=\"22\">", "<port portid=\"22\">", "<port portid",
		     "without protocol"), "%s", rs_last_error());
}

/*
 * What a message quotes from the file is on one line and cannot drive a
 * terminal: a newline and an escape in a state are written \n and \x1b.
 */
static void test_error_quoting_the_file_is_one_line(void)
{
	CHECK(bad_at("<state state=\"open\"", "<state state=\"\x1b[2Jop\nen\"", "\x1b",
		     "unknown port state"), "%s", rs_last_error());
	CHECK(!strchr(rs_last_error(), '\n') && !strchr(rs_last_error(), '\x1b'), "%s",
	      rs_last_error());
	CHECK(error_has(": \"\\x1b[2Jop\\nen\""), "%s", rs_last_error());
}

static void test_host_without_address_is_an_error_naming_its_line(void)
{
	static const char text[] =
		NMAP_HEAD("-oX x.xml -sS 198.18.0.2", SCANINFO("syn", "tcp", "1", "80"))
		"<host><status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n<ports>"
		PORT("tcp", "80", "open", "syn-ack", "http") "</ports>\n</host>\n"
		NMAP_TAIL("1", "0", "1");

	CHECK(fails_at("noaddr.xml", text, TCP80, line_of(text, "<host>"), "address"), "%s",
	      rs_last_error());
}

/* SYN_TOP up to (not with) the first from. */
static const char *cut_before(const char *from)
{
	static char text[sizeof(SYN_TOP)];

	snprintf(text, sizeof(text), "%.*s", (int)(strstr(SYN_TOP, from) - SYN_TOP), SYN_TOP);
	return text;
}

static void test_cut_file_is_an_error_naming_where(void)
{
	const char *text;

	/* Inside a host: at the end, naming the host's line. */
	text = cut_before("<times");
	CHECK(fails_at("cut1.xml", text, TCP80, last_line(text), "truncated"), "%s", rs_last_error());
	CHECK(error_has("<host> of line") && error_has("does not end"), "%s", rs_last_error());
	/* Inside a tag: at the tag, quoting it. */
	text = cut_before("portid=");
	CHECK(fails_at("cut2.xml", text, TCP80, line_of(text, "<port protocol"), "truncated"), "%s",
	      rs_last_error());
	CHECK(error_has(": \"<port protocol="), "%s", rs_last_error());
	/* A quote left open early runs to the end: the tag is still the one quoted. */
	CHECK(bad_at("<hosthint><status state=\"up\"", "<hosthint><status state=\"up", "<hosthint>",
		     "markup not closed"), "%s", rs_last_error());
	CHECK(error_has(": \"<status state=\"up reason="), "%s", rs_last_error());
	/* After the last host: no </nmaprun>, at the end. */
	text = cut_before("<runstats>");
	CHECK(fails_at("cut3.xml", text, TCP80, last_line(text), "</nmaprun>"), "%s", rs_last_error());
}

static void test_other_xml_is_not_nmaps(void)
{
	CHECK(fails_at("other.xml", "<?xml version=\"1.0\"?>\n<!-- a feed -->\n<rss version=\"2.0\">\n</rss>\n",
		       TCP80, 3, "not nmap XML"), "%s", rs_last_error());
	/* Comments belong to the line formats: XML after one is nobody's. */
	CHECK(fails_at("c.xml", "# scan\n<?xml version=\"1.0\"?>\n", TCP80, 2, "unknown format"), "%s",
	      rs_last_error());
}

static void run_tests(void)
{
	RUN_TEST(test_syn_scan_open_closed_filtered_and_down);
	RUN_TEST(test_closed_extraports_are_the_policy_filtered_ones_silence);
	RUN_TEST(test_udp_open_filtered_is_silence_and_each_protocol_has_its_policy);
	RUN_TEST(test_extraports_without_their_protocol_take_the_scans);
	RUN_TEST(test_ip_protocol_scan_is_no_ports_policy);
	RUN_TEST(test_ack_scan_unfiltered_says_nothing);
	RUN_TEST(test_host_discovery_gives_only_the_icmp_reply_it_got);
	RUN_TEST(test_masscan_xml_a_host_a_record);
	RUN_TEST(test_ipv6_hosts_are_skipped);
	RUN_TEST(test_unknown_state_protocol_or_value_is_an_error_naming_its_line);
	RUN_TEST(test_error_quoting_the_file_is_one_line);
	RUN_TEST(test_host_without_address_is_an_error_naming_its_line);
	RUN_TEST(test_cut_file_is_an_error_naming_where);
	RUN_TEST(test_other_xml_is_not_nmaps);
}
