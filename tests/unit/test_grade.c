// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_grade.c - the grader's arithmetic on a small world built here:
 * true and false positives, misses, hosts outside the range, duplicates,
 * coverage, do-not-scan ranges taken out of the truth; host discovery's
 * truth and each format's word for a host up; the assignment file and its
 * errors; the monitor's timeline read back into rates. Every expected
 * figure is counted by hand from the lists in this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assignment.h"
#include "check.h"
#include "grade.h"
#include "grade_timeline.h"
#include "util.h"

static char tmpdir[] = "/tmp/rescan-test-grade-XXXXXX";

static uint32_t A(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return p;
}

/*
 * The world: tcp/80 open on 10.0.0.1-10, 10.0.1.5 (in the do-not-scan
 * /24) and 10.0.3.7; closed on 10.0.0.20.
 */
static struct world w;

static void build_world(void)
{
	struct ipset open, closed;
	struct rs_svc s;
	unsigned i;

	CHECK(ipset_init(&open) == 0 && ipset_init(&closed) == 0);
	for (i = 1; i <= 10; i++)
		ipset_add(&open, A(10, 0, 0, i));
	ipset_add(&open, A(10, 0, 1, 5));
	ipset_add(&open, A(10, 0, 3, 7));
	ipset_add(&closed, A(10, 0, 0, 20));
	world_init(&w, 1);
	CHECK(svc_parse("tcp/80", &s) == 0);
	CHECK(world_add_service(&w, s, RS_STATE_OPEN, &open) == 0);
	CHECK(world_add_service(&w, s, RS_STATE_CLOSED, &closed) == 0);
	ipset_free(&open);
	ipset_free(&closed);
}

static void assignment_for(struct assignment *a, const char *dns)
{
	assignment_init(a);
	CHECK(assignment_add_ranges(a, "10.0.0.0/16", "test") == 0);
	CHECK(assignment_add_services(a, "tcp/80", "test") == 0);
	if (dns)
		snprintf(a->do_not_scan, sizeof(a->do_not_scan), "%s", dns);
}

static void test_counts_of_an_address_list(void)
{
	struct assignment a;
	struct grader g;
	struct grade_counts c;
	struct grade_file f = { 0 };
	const char *dns = write_file("dns.txt", "10.0.1.0/24 # opt-out\n");

	assignment_for(&a, dns);
	snprintf(f.path, sizeof(f.path), "%s",
		 write_file("list.txt", "10.0.0.1\n10.0.0.2\n10.0.0.3\n10.0.0.4\n10.0.0.5\n"
					"10.0.0.1\n10.0.0.200\n11.0.0.1\n10.0.3.7\n"));
	CHECK(grader_init(&g, &w, &a) == 0);
	CHECK(grade_service(&g, 0, &f, 1, false, &c) == 0, "%s", rs_last_error());
	/* Truth: 10.0.0.1-10 and 10.0.3.7; 10.0.1.5 is in the do-not-scan /24. */
	CHECK(c.truth == 11, "truth %llu", (unsigned long long)c.truth);
	CHECK(c.reported == 8, "reported %llu", (unsigned long long)c.reported);
	CHECK(c.tp == 6 && c.fp == 1 && c.fn == 5 && c.outside == 1, "tp %llu fp %llu fn %llu out %llu",
	      (unsigned long long)c.tp, (unsigned long long)c.fp, (unsigned long long)c.fn,
	      (unsigned long long)c.outside);
	CHECK(c.duplicates == 1);
	/* /24s with a true host: 10.0.0 and 10.0.3, both found. */
	CHECK(c.blocks == 2 && c.blocks_found == 2);
	CHECK(grade_precision(&c) == 6.0 / 7 && grade_recall(&c) == 6.0 / 11);
	CHECK(!strcmp(f.format, "addresses"));
	grader_free(&g);
}

static void test_states_and_coverage_of_a_zmap_csv(void)
{
	struct assignment a;
	struct grader g;
	struct grade_counts c;
	struct grade_file f = { 0 };

	/* Only the open rows count; the RST row is a closed host, not a find. */
	assignment_for(&a, NULL);
	snprintf(f.path, sizeof(f.path), "%s",
		 write_file("z.csv", "saddr,classification,success\n10.0.3.7,synack,1\n"
				     "10.0.0.20,rst,0\n10.0.1.5,synack,1\n"));
	CHECK(grader_init(&g, &w, &a) == 0);
	CHECK(grade_service(&g, 0, &f, 1, false, &c) == 0, "%s", rs_last_error());
	CHECK(c.truth == 12 && c.tp == 2 && c.fp == 0 && c.fn == 10 && c.reported == 2);
	/* 10.0.0, 10.0.1 and 10.0.3 hold true hosts; two of them were found. */
	CHECK(c.blocks == 3 && c.blocks_found == 2);
	CHECK(!strcmp(f.format, "zmap-csv"));
	grader_free(&g);

	/* The closed state asked: the RST row is the find. */
	a.state = RS_STATE_CLOSED;
	CHECK(grader_init(&g, &w, &a) == 0);
	CHECK(grade_service(&g, 0, &f, 1, false, &c) == 0);
	CHECK(c.truth == 1 && c.tp == 1 && c.reported == 1 && c.fn == 0);
	grader_free(&g);
}

static void test_a_folder_skips_what_is_no_scan(void)
{
	struct assignment a;
	struct grader g;
	struct grade_counts c;
	struct grade_file f[2] = { 0 };

	assignment_for(&a, NULL);
	snprintf(f[0].path, sizeof(f[0].path), "%s", write_file("notes.txt", "hello there\n"));
	snprintf(f[1].path, sizeof(f[1].path), "%s", write_file("one.txt", "10.0.0.9\n"));
	CHECK(grader_init(&g, &w, &a) == 0);
	/* One file alone must be read... */
	CHECK(grade_service(&g, 0, f, 2, false, &c) == -EINVAL);
	CHECK(strstr(rs_last_error(), "notes.txt:1: unknown format"), "%s", rs_last_error());
	/* ...in a folder, a file in no format is passed over, and said so. */
	CHECK(grade_service(&g, 0, f, 2, true, &c) == 0);
	CHECK(!f[0].format && strstr(f[0].error, "unknown format"));
	CHECK(c.tp == 1 && c.reported == 1);
	grader_free(&g);
}

/*
 * Host discovery's world, 10.1.0.0/24 (host .N is "N"):
 *   1 icmp open          2 tcp/80 closed only     3 tcp/443 open
 *   4 tcp/80 filtered    5 icmp/timestamp open
 *   6 closed by the UDP policy only (port unreachable from every UDP port)
 *   7 tcp/22 open        8 closed by the TCP policy (RST from every port)
 *   9 icmp and tcp/443 open; 10.1.1.1 icmp open, in the do-not-scan /24
 * nmap -sn's probes (echo, 443, 80, timestamp) find 1 2 3 5 8 9 up: not
 * 4 (silent), 6 (only UDP answers) or 7 (only port 22 does).
 */
static struct world dw;

static void add_hosts(const char *spec, enum rs_state st, const unsigned *last, unsigned n)
{
	struct ipset set;
	struct rs_svc s;
	unsigned i;

	CHECK(ipset_init(&set) == 0 && svc_parse(spec, &s) == 0);
	for (i = 0; i < n; i++)
		ipset_add(&set, A(10, 1, 0, last[i]));
	if (!strcmp(spec, "icmp"))
		ipset_add(&set, A(10, 1, 1, 1));
	CHECK(world_add_service(&dw, s, st, &set) == 0, "%s: %s", spec, rs_last_error());
	ipset_free(&set);
}

static void build_discovery_world(void)
{
	world_init(&dw, 2);
	add_hosts("icmp", RS_STATE_OPEN, (const unsigned[]){ 1, 9 }, 2);
	add_hosts("tcp/80", RS_STATE_CLOSED, (const unsigned[]){ 2 }, 1);
	add_hosts("tcp/80", RS_STATE_FILTERED, (const unsigned[]){ 4 }, 1);
	add_hosts("tcp/443", RS_STATE_OPEN, (const unsigned[]){ 3, 9 }, 2);
	add_hosts("icmp/timestamp", RS_STATE_OPEN, (const unsigned[]){ 5 }, 1);
	add_hosts("udp/*", RS_STATE_CLOSED, (const unsigned[]){ 6 }, 1);
	add_hosts("tcp/22", RS_STATE_OPEN, (const unsigned[]){ 7 }, 1);
	add_hosts("tcp/*", RS_STATE_CLOSED, (const unsigned[]){ 8 }, 1);
}

static void hosts_assignment(struct assignment *a)
{
	assignment_init(a);
	CHECK(assignment_add_ranges(a, "10.1.0.0/16", "test") == 0);
	CHECK(assignment_add_services(a, "hosts", "test") == 0, "%s", rs_last_error());
	snprintf(a->do_not_scan, sizeof(a->do_not_scan), "%s",
		 write_file("dns-hosts.txt", "10.1.1.0/24\n"));
}

static bool truth_is(const struct grader *g, const unsigned *last, unsigned n)
{
	unsigned i;

	if (g->ntruth[0] != n)
		return false;
	for (i = 0; i < n; i++)
		if (g->truth[0][i] != A(10, 1, 0, last[i]))
			return false;
	return true;
}

static void test_hosts_truth_is_an_answer_to_a_discovery_probe(void)
{
	struct assignment a;
	struct grader g;
	char asked[128];

	hosts_assignment(&a);
	CHECK(a.nservices == 1 && a.services[0].slot == SVC_SLOT_HOSTS);
	/* By default nmap -sn's probes, in its order. */
	assignment_asked(&a, asked, sizeof(asked));
	CHECK(!strcmp(asked, "hosts up (by icmp, tcp/443, tcp/80, icmp/timestamp)"), "%s", asked);
	CHECK(grader_init(&g, &dw, &a) == 0, "%s", rs_last_error());
	CHECK(truth_is(&g, (const unsigned[]){ 1, 2, 3, 5, 8, 9 }, 6), "%llu hosts",
	      (unsigned long long)g.ntruth[0]);
	grader_free(&g);

	/* A UDP probe finds the host whose closed UDP ports answer. */
	CHECK(assignment_set_discovery(&a, "icmp, udp/53", "test") == 0);
	CHECK(grader_init(&g, &dw, &a) == 0);
	CHECK(truth_is(&g, (const unsigned[]){ 1, 6, 9 }, 3));
	grader_free(&g);

	/* A SYN to 22 alone: the open port, and the host that RSTs every port. */
	CHECK(assignment_set_discovery(&a, "tcp/22", "test") == 0);
	CHECK(grader_init(&g, &dw, &a) == 0);
	CHECK(truth_is(&g, (const unsigned[]){ 7, 8 }, 2));
	grader_free(&g);

	CHECK(assignment_set_discovery(&a, "tcp/*", "--discovery") == -EINVAL);
	CHECK(strstr(rs_last_error(), "--discovery: 'tcp/*' is no one probe"), "%s", rs_last_error());
	CHECK(assignment_set_discovery(&a, "icmp/echo ftp", "--discovery") == -EINVAL);
	CHECK(strstr(rs_last_error(), "'ftp' is not a probe"), "%s", rs_last_error());
}

/* Grade hosts of text, written to name, in format fmt: tp, fp, reported, duplicates. */
static bool hosts_graded(const char *name, const char *text, const char *fmt, uint64_t tp,
			 uint64_t fp, uint64_t reported, uint64_t dups)
{
	struct assignment a;
	struct grader g;
	struct grade_counts c;
	struct grade_file f = { 0 };
	bool ok;

	hosts_assignment(&a);
	snprintf(f.path, sizeof(f.path), "%s", write_file(name, text));
	CHECK(grader_init(&g, &dw, &a) == 0);
	ok = grade_service(&g, 0, &f, 1, false, &c) == 0;
	CHECK(ok, "%s: %s", name, rs_last_error());
	ok = ok && f.format && !strcmp(f.format, fmt) && c.truth == 6 && c.tp == tp &&
	     c.fp == fp && c.fn == 6 - tp && c.reported == reported && c.duplicates == dups;
	CHECK(ok, "%s: %s tp %llu fp %llu reported %llu dups %llu", name, f.format,
	      (unsigned long long)c.tp, (unsigned long long)c.fp, (unsigned long long)c.reported,
	      (unsigned long long)c.duplicates);
	grader_free(&g);
	return ok;
}

static void test_hosts_each_format_says_up(void)
{
	/* nmap -oG: its Status line, Up only; its Ports lines say nothing more. */
	hosts_graded("sn.gnmap",
		     "# Nmap 7.93 scan initiated Sun Dec  6 11:00:00 2026 as: nmap -n -sn -oG sn.gnmap 10.1.0.0/24\n"
		     "Host: 10.1.0.1 ()\tStatus: Up\n"
		     "Host: 10.1.0.2 ()\tStatus: Up\n"
		     "Host: 10.1.0.2 ()\tPorts: 80/closed/tcp//http///\n"
		     "Host: 10.1.0.4 ()\tStatus: Down\n"
		     "Host: 10.1.0.7 ()\tStatus: Up\n"
		     "Host: 10.1.0.3 ()\tPorts: 443/open/tcp//https///\n"
		     "# Nmap done at Sun Dec  6 11:00:05 2026 -- 256 IP addresses (3 hosts up) scanned\n",
		     "nmap-grepable", 2, 1, 3, 0);
	/* nmap -oX: <status state="up"> whatever the reason; down is not up. */
	hosts_graded("sn.xml",
		     "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\">\n"
		     "<host><status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n"
		     "<address addr=\"10.1.0.3\" addrtype=\"ipv4\"/></host>\n"
		     "<host><status state=\"up\" reason=\"reset\" reason_ttl=\"64\"/>\n"
		     "<address addr=\"10.1.0.8\" addrtype=\"ipv4\"/>\n"
		     "<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"filtered\"/></port></ports></host>\n"
		     "<host><status state=\"down\" reason=\"no-response\"/>\n"
		     "<address addr=\"10.1.0.4\" addrtype=\"ipv4\"/></host>\n"
		     "</nmaprun>\n",
		     "nmap-xml", 2, 0, 2, 0);
	/* masscan -oL: open or closed, any port or ICMP; each further record a duplicate. */
	hosts_graded("m.lst",
		     "#masscan\n"
		     "closed tcp 80 10.1.0.2 1700000000\n"
		     "open tcp 443 10.1.0.3 1700000001\n"
		     "open tcp 443 10.1.0.9 1700000001\n"
		     "open icmp 0 10.1.0.9 1700000002\n"
		     "banner tcp 443 10.1.0.3 1700000003 ssl TLS\n"
		     "open tcp 22 10.1.0.7 1700000004\n"
		     "open tcp 22 10.2.0.7 1700000004\n"
		     "# end\n",
		     "masscan-list", 3, 1, 5, 1);
	/*
	 * ZMap CSV: a SYN-ACK, a RST, and the host's own port unreachable
	 * count; a router's unreachable for 10.1.0.6 does not, nor "other".
	 */
	hosts_graded("z.csv",
		     "saddr,sport,classification,success,icmp_type,icmp_code,icmp_responder\n"
		     "10.1.0.8,443,rst,0,,,\n"
		     "10.1.0.3,443,synack,1,,,\n"
		     "10.1.0.6,,icmp-unreach,0,3,3,10.9.9.9\n"
		     "10.1.0.2,,icmp-unreach,0,3,3,10.1.0.2\n"
		     "10.1.0.4,80,other,0,,,\n",
		     "zmap-csv", 3, 0, 3, 0);
	/* ZMap JSON, the same words: an echo reply, a RST; a router's unreachable is not. */
	hosts_graded("z.json",
		     "{\"saddr\": \"10.1.0.1\", \"classification\": \"echoreply\", \"success\": true}\n"
		     "{\"saddr\": \"10.1.0.8\", \"sport\": 80, \"classification\": \"rst\", \"success\": false}\n"
		     "{\"saddr\": \"10.1.0.6\", \"classification\": \"icmp-unreach\", \"success\": 0, "
		     "\"icmp_type\": 3, \"icmp_code\": 3, \"icmp_responder\": \"10.9.9.9\"}\n",
		     "zmap-json", 2, 0, 2, 0);
	/* An address list: every address is a host up. */
	hosts_graded("up.txt", "10.1.0.1\n10.1.0.6\n10.1.1.1\n", "addresses", 1, 2, 3, 0);
}

static void test_assignment_file(void)
{
	struct assignment a;
	const char *p;

	assignment_init(&a);
	p = write_file("ok.assignment",
		       "# a comment\nname = http\nworld = synth:1   # the public one\n"
		       "range = 10.0.0.0/24, 10.0.1.0/24 10.0.0.128/25\nservice = tcp/80 tcp/443\n"
		       "state = closed\nstudent_rate = 5000\ndo_not_scan = dns.txt\n"
		       "min_recall = 0.9\nmin_precision = 1\n");
	CHECK(assignment_read(p, &a) == 0, "%s", rs_last_error());
	CHECK(!strcmp(a.name, "http") && !strcmp(a.world, "synth:1"));
	assignment_init(&a);
	p = write_file("file.assignment", "world = class.world\n");
	CHECK(assignment_read(p, &a) == 0);
	/* A world file, like a do-not-scan list, lies beside the assignment. */
	CHECK(!strncmp(a.world, tmpdir, strlen(tmpdir)) && !strcmp(a.world + strlen(tmpdir), "/class.world"),
	      "%s", a.world);
	assignment_init(&a);
	p = write_file("ok.assignment",
		       "# a comment\nname = http\nworld = synth:1   # the public one\n"
		       "range = 10.0.0.0/24, 10.0.1.0/24 10.0.0.128/25\nservice = tcp/80 tcp/443\n"
		       "state = closed\nstudent_rate = 5000\ndo_not_scan = dns.txt\n"
		       "min_recall = 0.9\nmin_precision = 1\n");
	CHECK(assignment_read(p, &a) == 0);
	/* Overlapping and adjacent ranges become one. */
	CHECK(a.nranges == 1 && a.ranges[0].first == A(10, 0, 0, 0) &&
	      a.ranges[0].last == A(10, 0, 1, 255));
	CHECK(assignment_range_size(&a) == 512);
	CHECK(a.nservices == 2 && a.state == RS_STATE_CLOSED && a.student_rate == 5000);
	CHECK(a.min_recall == 0.9 && a.min_precision == 1);
	/* Relative to the assignment's directory. */
	CHECK(!strcmp(a.do_not_scan + strlen(a.do_not_scan) - 8, "/dns.txt") &&
	      !strncmp(a.do_not_scan, tmpdir, strlen(tmpdir)));

	assignment_init(&a);
	p = write_file("bad1.assignment", "name = x\n\nrange = 10.0.0.0/33\n");
	CHECK(assignment_read(p, &a) == -EINVAL);
	CHECK(strstr(rs_last_error(), "bad1.assignment:3: '10.0.0.0/33' is not"), "%s",
	      rs_last_error());
	assignment_init(&a);
	p = write_file("bad2.assignment", "name = x\nnmae = y\n");
	CHECK(assignment_read(p, &a) == -EINVAL);
	CHECK(strstr(rs_last_error(), "bad2.assignment:2: unknown key 'nmae'"), "%s",
	      rs_last_error());
	assignment_init(&a);
	p = write_file("bad3.assignment", "min_recall = 1.5\n");
	CHECK(assignment_read(p, &a) == -EINVAL);
	CHECK(strstr(rs_last_error(), "bad3.assignment:1: '1.5' is not a fraction"));
	assignment_init(&a);
	p = write_file("bad4.assignment", "name = a\nname = b\n");
	CHECK(assignment_read(p, &a) == -EINVAL);
	CHECK(strstr(rs_last_error(), "bad4.assignment:2: 'name' given twice"));

	/* Host discovery, by the probes the assignment names. */
	assignment_init(&a);
	p = write_file("hosts.assignment", "service = hosts tcp/80\ndiscovery = icmp, tcp/22 udp/53\n");
	CHECK(assignment_read(p, &a) == 0, "%s", rs_last_error());
	CHECK(a.nservices == 2 && a.services[0].slot == SVC_SLOT_HOSTS && a.ndiscovery == 3 &&
	      a.discovery[1].slot == RS_SLOT_TCP && a.discovery[1].port == 22 &&
	      a.discovery[2].slot == RS_SLOT_UDP && a.discovery[2].port == 53);
	{
		char asked[128];

		assignment_asked(&a, asked, sizeof(asked));
		CHECK(!strcmp(asked, "tcp/80 open; hosts up (by icmp, tcp/22, udp/53)"), "%s", asked);
	}
	assignment_init(&a);
	p = write_file("bad5.assignment", "discovery = icmp tcp/*\n");
	CHECK(assignment_read(p, &a) == -EINVAL);
	CHECK(strstr(rs_last_error(), "bad5.assignment:1: 'tcp/*' is no one probe"), "%s",
	      rs_last_error());
}

static void test_timeline_rates(void)
{
	static struct timeline t;
	const char *p;

	/*
	 * Student 1 sampled each second, then idle until t = 10 s: that last
	 * line's 100 probes were sent in its last second, not over 7.
	 */
	p = write_file("timeline.csv",
		       "time_ms,student,addr,packets,answered,delivered,drop_rate_limited,"
		       "drop_do_not_scan,drop_spoofed,dns:opt-out\n"
		       "1000,1,100.64.0.129,100,10,10,0,0,0,0\n"
		       "1000,0,100.64.0.2,5,5,5,0,0,0,0\n"
		       "2000,1,100.64.0.129,1100,20,20,0,3,0,3\n"
		       "3000,1,100.64.0.129,1600,30,30,7,3,0,3\n"
		       "10000,1,100.64.0.129,1700,31,31,7,3,1,3\n"
		       "3000,2,100.64.0.130,50,0,0,0,0,0,0\n");
	CHECK(timeline_read(p, &t) == 0, "%s", rs_last_error());
	CHECK(t.interval_ms == 1000 && t.nlabels == 1 && !strcmp(t.labels[0], "opt-out"));
	CHECK(t.s[1].seen && t.s[1].packets == 1700 && t.s[1].answered == 31 &&
	      t.s[1].rate_limited == 7 && t.s[1].do_not_scan == 3 && t.s[1].spoofed == 1 &&
	      t.s[1].dns[0] == 3);
	CHECK(t.s[1].npoints == 4 && t.s[1].peak_pps == 1000, "peak %f", t.s[1].peak_pps);
	CHECK(t.s[1].mean_pps == 425, "mean %f", t.s[1].mean_pps);
	CHECK(t.s[2].seen && t.s[2].packets == 50 && !t.s[3].seen);
	timeline_free(&t);

	/* A line the monitor had not finished. */
	p = write_file("cut.csv", "time_ms,student,addr,packets,answered,delivered,"
				  "drop_rate_limited,drop_do_not_scan,drop_spoofed\n"
				  "1000,1,100.64.0.129,100,10,10,0,0,0\n1000,2,100.64");
	CHECK(timeline_read(p, &t) == -EINVAL);
	CHECK(strstr(rs_last_error(), "cut.csv:3: line cut short"), "%s", rs_last_error());
	/* Not a timeline. */
	p = write_file("other.csv", "saddr,success\n1.2.3.4,1\n");
	CHECK(timeline_read(p, &t) == -EINVAL);
	CHECK(strstr(rs_last_error(), "other.csv:1: not a rescan timeline"), "%s", rs_last_error());
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	build_world();
	build_discovery_world();
	RUN_TEST(test_counts_of_an_address_list);
	RUN_TEST(test_states_and_coverage_of_a_zmap_csv);
	RUN_TEST(test_a_folder_skips_what_is_no_scan);
	RUN_TEST(test_hosts_truth_is_an_answer_to_a_discovery_probe);
	RUN_TEST(test_hosts_each_format_says_up);
	RUN_TEST(test_assignment_file);
	RUN_TEST(test_timeline_rates);
	world_free(&w);
	world_free(&dw);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			return 1;
	}
	return CHECK_DONE();
}
