// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_monitor.c - what the lab's monitor writes, byte for byte: the
 * timeline's header and lines (a contract with the grader), when a row
 * gets a line, Prometheus label escaping, and the HTTP server's parsing
 * of listen addresses and requests. (The monitor on a real lab, with
 * Prometheus and Chromium reading it: tests/e2e/monitor.bats.)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http_server.h"
#include "monitor.h"

/* What f wrote, as a string (freed by the caller). */
#define CAPTURE(buf, stmt)                                              \
	do {                                                            \
		size_t len_;                                            \
		FILE *f = open_memstream(&(buf), &len_);                \
		stmt;                                                   \
		fclose(f);                                              \
	} while (0)

static void test_timeline_header(void)
{
	char labels[3][DNS_LABEL_MAX + 1] = { "opt-out: example university", "a,b \"c\"\nd",
					      "government" };
	char *out = NULL;

	CAPTURE(out, monitor_timeline_header(f, labels, 3));
	CHECK(!strcmp(out, "time_ms,student,addr,packets,probes,answered,delivered,drop_rate_limited,"
			   "drop_do_not_scan,drop_spoofed,dns:opt-out: example university,"
			   "dns:a_b _c__d,dns:government\n"), "%s", out);
	free(out);
	out = NULL;
	CAPTURE(out, monitor_timeline_header(f, labels, 0));
	CHECK(!strcmp(out, "time_ms,student,addr,packets,probes,answered,delivered,drop_rate_limited,"
			   "drop_do_not_scan,drop_spoofed\n"), "%s", out);
	free(out);
}

static void test_csv_label(void)
{
	char out[8];

	monitor_csv_label("x\r\ny", out, sizeof(out));
	CHECK(!strcmp(out, "x__y"), "%s", out);
	monitor_csv_label("longer than eight", out, sizeof(out));
	CHECK(!strcmp(out, "longer "), "%s", out);
}

static void test_timeline_line(void)
{
	struct monitor_row r = { .student = 3, .addr = "100.64.0.131", .packets = 12345, .probes = 12300,
				 .answered = 100, .delivered = 99, .drop_rate_limited = 7,
				 .drop_do_not_scan = 257, .drop_spoofed = 800,
				 .dns = { 256, 1 } };
	char *out = NULL;

	CAPTURE(out, monitor_timeline_line(f, 1796552297645ull, &r, 2));
	CHECK(!strcmp(out, "1796552297645,3,100.64.0.131,12345,12300,100,99,7,257,800,256,1\n"), "%s",
	      out);
	free(out);
	out = NULL;
	r.student = 0;
	CAPTURE(out, monitor_timeline_line(f, 1, &r, 0));
	CHECK(!strcmp(out, "1,0,100.64.0.131,12345,12300,100,99,7,257,800\n"), "%s", out);
	free(out);
}

static void test_row_moved(void)
{
	struct monitor_row a = { .packets = 10, .delivered = 4, .idle_ticks = 3 }, b;

	/* A row never written moves when it has more than the kernels' own packets. */
	CHECK(monitor_row_moved(NULL, &a, 0, false));
	b = (struct monitor_row){ .packets = 2, .delivered = 1, .idle_ticks = 3 };
	CHECK(!monitor_row_moved(NULL, &b, 0, false));
	CHECK(!monitor_row_moved(NULL, &b, 0, true));
	/* The ARP refresh alone: no line, except for the last one. */
	b = a;
	b.packets++;
	b.idle_ticks++;
	CHECK(!monitor_row_moved(&a, &b, 0, false));
	CHECK(monitor_row_moved(&a, &b, 0, true));
	CHECK(!monitor_row_moved(&a, &a, 0, true));
	/* A probe, an answer, a drop, a do-not-scan hit of a label shown. */
	b = a;
	b.packets++;
	CHECK(monitor_row_moved(&a, &b, 0, false));
	b = a;
	b.drop_spoofed++;
	CHECK(monitor_row_moved(&a, &b, 0, false));
	b = a;
	b.dns[1]++;
	CHECK(!monitor_row_moved(&a, &b, 1, false));
	CHECK(monitor_row_moved(&a, &b, 2, false));
}

static void test_prom_escape(void)
{
	char *out = NULL;

	CAPTURE(out, monitor_prom_escape(f, "a\\b \"q\"\nz, ok"));
	CHECK(!strcmp(out, "a\\\\b \\\"q\\\"\\nz, ok"), "%s", out);
	free(out);
}

static void test_parse_listen(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	CHECK(http_parse_listen("127.0.0.1:9100", &ss, &sl) == 0);
	CHECK(ss.ss_family == AF_INET && ntohs(((struct sockaddr_in *)&ss)->sin_port) == 9100);
	CHECK(http_parse_listen("0.0.0.0:0", &ss, &sl) == 0);
	CHECK(http_parse_listen("[::1]:80", &ss, &sl) == 0);
	CHECK(ss.ss_family == AF_INET6 && sl == sizeof(struct sockaddr_in6));
	CHECK(http_parse_listen("127.0.0.1", &ss, &sl) < 0);
	CHECK(http_parse_listen("127.0.0.1:65536", &ss, &sl) < 0);
	CHECK(http_parse_listen("127.0.0.1:-1", &ss, &sl) < 0);
	CHECK(http_parse_listen("localhost:9100", &ss, &sl) < 0);
	CHECK(http_parse_listen(":9100", &ss, &sl) < 0);
	CHECK(http_parse_listen("[::1:80", &ss, &sl) < 0);
	CHECK(http_parse_listen("::1:80", &ss, &sl) < 0);
	CHECK(http_parse_listen("1.2.3.4:80x", &ss, &sl) < 0);
}

static int parse(const char *req, char *path)
{
	return http_parse_request(req, strlen(req), path, HTTP_PATH_MAX);
}

static void test_parse_request(void)
{
	char path[HTTP_PATH_MAX], big[HTTP_REQUEST_MAX];

	CHECK(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", path) == 0);
	CHECK(!strcmp(path, "/metrics"));
	CHECK(parse("GET /api/stats?x=1 HTTP/1.0\n\n", path) == 0);
	CHECK(!strcmp(path, "/api/stats"), "%s", path);
	CHECK(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", path) == HTTP_INCOMPLETE);
	CHECK(parse("POST /metrics HTTP/1.1\r\n\r\n", path) == 405);
	CHECK(parse("HEAD / HTTP/1.1\r\n\r\n", path) == 405);
	CHECK(parse("GET /metrics\r\n\r\n", path) == 400);
	CHECK(parse("GET metrics HTTP/1.1\r\n\r\n", path) == 400);
	CHECK(parse(" / HTTP/1.1\r\n\r\n", path) == 400);
	CHECK(parse("GET / SPDY/3\r\n\r\n", path) == 400);
	memset(big, 'a', sizeof(big));
	CHECK(http_parse_request(big, sizeof(big), path, sizeof(path)) == 431);
	snprintf(big, sizeof(big), "GET /%0300d HTTP/1.1\r\n\r\n", 0);
	CHECK(parse(big, path) == 414);
}

static void test_response_bytes(void)
{
	struct http_response r = { .status = 200, .type = "text/plain", .body = "hi\n", .len = 3 };
	size_t len;
	char *b = http_response_bytes(&r, &len);

	CHECK(b && !strncmp(b, "HTTP/1.0 200 OK\r\n", 17));
	CHECK(b && strstr(b, "Content-Length: 3\r\n"));
	CHECK(b && strstr(b, "Connection: close\r\n"));
	CHECK(b && len > 7 && !memcmp(b + len - 7, "\r\n\r\nhi\n", 7));
	free(b);
	r.status = 405;
	b = http_response_bytes(&r, &len);
	CHECK(b && strstr(b, "405 Method Not Allowed\r\n") && strstr(b, "Allow: GET\r\n"));
	free(b);
}

int main(void)
{
	RUN_TEST(test_timeline_header);
	RUN_TEST(test_csv_label);
	RUN_TEST(test_timeline_line);
	RUN_TEST(test_row_moved);
	RUN_TEST(test_prom_escape);
	RUN_TEST(test_parse_listen);
	RUN_TEST(test_parse_request);
	RUN_TEST(test_response_bytes);
	return CHECK_DONE();
}
