// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_grade.c - the grader's arithmetic on a small world built here:
 * true and false positives, misses, hosts outside the range, duplicates,
 * coverage, do-not-scan ranges taken out of the truth; the assignment
 * file and its errors; the monitor's timeline read back into rates. Every
 * expected figure is counted by hand from the lists in this file.
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
	RUN_TEST(test_counts_of_an_address_list);
	RUN_TEST(test_states_and_coverage_of_a_zmap_csv);
	RUN_TEST(test_a_folder_skips_what_is_no_scan);
	RUN_TEST(test_assignment_file);
	RUN_TEST(test_timeline_rates);
	world_free(&w);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			return 1;
	}
	return CHECK_DONE();
}
