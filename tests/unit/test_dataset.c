// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dataset.c - every reader, plain and compressed, against sets and
 * counts worked out by hand; every kind of bad input against the message
 * it must produce ("file:LINE: ...").
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "check.h"
#include "dataset.h"
#include "ipset.h"
#include "rescan_abi.h"
#include "util.h"

static char tmpdir[] = "/tmp/rescan-test-dataset-XXXXXX";
static struct ipset set;
static struct dataset_stats st;

static const struct rs_svc TCP80 = { RS_SLOT_TCP, 80 };
static const struct rs_svc TCP443 = { RS_SLOT_TCP, 443 };
static const struct rs_svc UDP53 = { RS_SLOT_UDP, 53 };
static const struct rs_svc ICMP = { RS_SLOT_ICMP, RS_ICMP_ECHO };

/* ---- helpers ------------------------------------------------------------- */

static const char *tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void write_bytes(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(tpath(name), "wb");

	CHECK(f != NULL, "cannot create %s", name);
	if (!f)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	fclose(f);
}

static void write_text(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text));
}

/* mode "wb" starts the file, "ab" appends another gzip member. */
static void write_gz_mode(const char *name, const char *text, size_t len, const char *mode)
{
	gzFile g = gzopen(tpath(name), mode);

	CHECK(g != NULL);
	if (!g)
		return;
	if (len)
		CHECK(gzwrite(g, text, (unsigned)len) == (int)len);
	CHECK(gzclose(g) == Z_OK);
}

static void write_gz(const char *name, const char *text)
{
	write_gz_mode(name, text, strlen(text), "wb");
}

static void *zstd_bytes(const char *text, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	void *buf = malloc(cap);

	*out_len = ZSTD_compress(buf, cap, text, len, 3);
	CHECK(!ZSTD_isError(*out_len));
	return buf;
}

static void write_zst(const char *name, const char *text)
{
	size_t n;
	void *z = zstd_bytes(text, strlen(text), &n);

	write_bytes(name, z, n);
	free(z);
}

static void *read_whole(const char *name, size_t *len)
{
	FILE *f = fopen(tpath(name), "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* Load a file into the (cleared) shared set. */
static int load(const char *name, struct rs_svc svc)
{
	ipset_clear(&set);
	return dataset_read(tpath(name), svc, &set, &st);
}

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	if (!parse_ipv4_addr(s, s + strlen(s), &a))
		fprintf(stderr, "bad test address %s\n", s);
	return a;
}

static bool has(const char *s)
{
	return ipset_has(&set, ip(s));
}

/* Everything in the set, so a stray extra address cannot hide. */
static uint64_t set_size(void)
{
	uint64_t n = 0;
	uint32_t b, w;

	for (b = 0; b < RS_BLOCKS; b++) {
		if (!set.touched[b])
			continue;
		for (w = 0; w < 1024; w++)
			n += (uint64_t)__builtin_popcountll(ipset_block(&set, b)[w]);
	}
	return n;
}

/* The last error names file:line (file as passed to dataset_read). */
static bool error_at(const char *name, unsigned line)
{
	char want[300];

	snprintf(want, sizeof(want), "%s:%u:", tpath(name), line);
	return strstr(rs_last_error(), want) != NULL;
}

static bool error_has(const char *text)
{
	return strstr(rs_last_error(), text) != NULL;
}

/* ---- addresses ----------------------------------------------------------- */

static const char ADDR_TEXT[] =
	"# world for tcp/80\n"
	"192.0.2.1\n"
	"\n"
	"198.51.100.7\r\n"
	"  203.0.113.9  # trailing comment\n"
	"192.0.2.1\n"
	"10.0.0.0/30\n"
	"10.1.2.3/32\n"
	"172.16.5.77/24\t\n"
	"8.8.8.8";	/* no final newline */

/* 1 + 1 + 1 + 4 + 1 + 256 + 1 distinct addresses, the duplicate once. */
static void check_addr_text_result(int ret)
{
	CHECK(ret == 0, "ret %d: %s", ret, rs_last_error());
	CHECK(!strcmp(st.format, "addresses"), "format %s", st.format);
	CHECK(st.lines == 10, "lines %llu", (unsigned long long)st.lines);
	CHECK(st.added == 265, "added %llu", (unsigned long long)st.added);
	CHECK(st.skipped == 0);
	CHECK(set_size() == 265, "size %llu", (unsigned long long)set_size());
	CHECK(has("192.0.2.1") && !has("192.0.2.2") && !has("192.0.2.0"));
	CHECK(has("198.51.100.7") && has("203.0.113.9") && has("8.8.8.8"));
	CHECK(has("10.0.0.0") && has("10.0.0.3") && !has("10.0.0.4"));
	CHECK(has("10.1.2.3") && !has("10.1.2.2"));
	CHECK(has("172.16.5.0") && has("172.16.5.255") && !has("172.16.6.0") && !has("172.16.4.255"));
}

static void test_format_names(void)
{
	static const char *const names[] = { "zmap-csv", "addresses", "masscan-list", "masscan-json" };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	CHECK(f != NULL);
	if (!f)
		return;
	dataset_formats_help(f);
	fclose(f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(strstr(text, names[i]) != NULL, "%s not in:\n%s", names[i], text);
	free(text);
}

static void test_addresses_plain(void)
{
	write_text("addr.txt", ADDR_TEXT);
	check_addr_text_result(load("addr.txt", TCP80));
}

static void test_addresses_same_for_any_service(void)
{
	/* A bare list carries no port: it is taken as the service asked for. */
	write_text("addr.txt", ADDR_TEXT);
	check_addr_text_result(load("addr.txt", ICMP));
	check_addr_text_result(load("addr.txt", UDP53));
}

static void test_addresses_utf8_bom(void)
{
	static const char text[] = "\xef\xbb\xbf" "192.0.2.1\n192.0.2.2\n";
	static const char *const name[] = { "bom.txt", "bom.txt.gz", "bom.txt.zst" };
	int i;

	write_text(name[0], text);
	write_gz(name[1], text);
	write_zst(name[2], text);
	for (i = 0; i < 3; i++) {
		CHECK(load(name[i], TCP80) == 0, "%s: %s", name[i], rs_last_error());
		CHECK(!strcmp(st.format, "addresses") && st.added == 2 && has("192.0.2.1") &&
		      has("192.0.2.2"), "%s", name[i]);
	}
	/* masscan -oJ after a mark, compressed. */
	write_zst("bom.json.zst", "\xef\xbb\xbf" "[\n{\"ip\": \"192.0.2.3\", \"ports\": [ {\"port\": 80, "
		  "\"proto\": \"tcp\", \"status\": \"open\"} ] }\n]\n");
	CHECK(load("bom.json.zst", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "masscan-json") && st.added == 1 && has("192.0.2.3"));
}

static void test_added_counts_new_addresses_only(void)
{
	write_text("dup.txt", "192.0.2.1\n192.0.2.0/30\n192.0.2.3\n10.0.0.0/8\n10.200.0.0/16\n");
	CHECK(load("dup.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.added == 4 + (1u << 24), "added %llu", (unsigned long long)st.added);
	CHECK(set_size() == 4 + (1u << 24));
	CHECK(has("10.0.0.0") && has("10.255.255.255") && !has("11.0.0.0") && !has("9.255.255.255"));

	/* A second file into the same set counts only what is new to it. */
	write_text("dup2.txt", "192.0.2.2\n192.0.2.4\n");
	CHECK(dataset_read(tpath("dup2.txt"), TCP80, &set, &st) == 0);
	CHECK(st.added == 1 && st.lines == 2, "added %llu", (unsigned long long)st.added);
}

static void test_addresses_slash0(void)
{
	write_text("all.txt", "0.0.0.0/0\n192.0.2.1\n");
	CHECK(load("all.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.added == 1ull << 32, "added %llu", (unsigned long long)st.added);
	CHECK(has("0.0.0.0") && has("255.255.255.255") && has("127.0.0.1"));
	ipset_clear(&set);
}

static void test_empty_and_comment_only(void)
{
	write_text("empty.txt", "");
	CHECK(load("empty.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "addresses") && st.lines == 0 && st.added == 0 && st.skipped == 0);
	CHECK(set_size() == 0);

	write_text("comments.txt", "# nothing\n\n   \n# yet\r\n");
	CHECK(load("comments.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "addresses") && st.lines == 4 && st.added == 0);

	/* An empty file stays empty through a compressor. */
	write_gz("empty.gz", "");
	CHECK(load("empty.gz", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "addresses") && st.lines == 0);
	write_zst("empty.zst", "");
	CHECK(load("empty.zst", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "addresses") && st.lines == 0);
}

static void test_addresses_errors(void)
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
		write_text("bad.txt", text);
		CHECK(load("bad.txt", TCP80) == -EINVAL, "'%s' accepted", bad[i]);
		CHECK(error_at("bad.txt", 3), "'%s': %s", bad[i], rs_last_error());
		CHECK(error_has(bad[i]), "message does not quote the line: %s", rs_last_error());
	}
	write_text("ipv6.txt", "2001:db8::1\n");
	CHECK(load("ipv6.txt", TCP80) == -EINVAL && error_has("IPv6"), "%s", rs_last_error());
}

static void test_unknown_format(void)
{
	write_text("junk.txt", "hello world\n");
	CHECK(load("junk.txt", TCP80) == -EINVAL);
	CHECK(error_at("junk.txt", 1) && error_has("unknown format"), "%s", rs_last_error());

	/* Detection skips comments and blanks; a header without saddr is no ZMap CSV. */
	write_text("junk2.txt", "# c\n\ndaddr,sport,dport\n1.2.3.4,80,80\n");
	CHECK(load("junk2.txt", TCP80) == -EINVAL);
	CHECK(error_at("junk2.txt", 3) && error_has("unknown format"), "%s", rs_last_error());

	/* Binary junk is not silently an empty world. */
	write_bytes("bin.dat", "\x00\x01\x02\x03\xff\n", 6);
	CHECK(load("bin.dat", TCP80) == -EINVAL && error_at("bin.dat", 1), "%s", rs_last_error());
}

static void test_missing_file_and_directory(void)
{
	CHECK(load("no-such-file.txt", TCP80) == -ENOENT);
	CHECK(error_has(tpath("no-such-file.txt")) && error_has("No such file"), "%s",
	      rs_last_error());

	mkdir(tpath("dir"), 0700);
	CHECK(load("dir", TCP80) == -EISDIR, "%s", rs_last_error());
	CHECK(error_has(tpath("dir")), "%s", rs_last_error());
	rmdir(tpath("dir"));
}

static void test_bad_service(void)
{
	struct rs_svc odd = { 7, 80 }, icmp_ts = { RS_SLOT_ICMP, 13 };

	write_text("addr.txt", ADDR_TEXT);
	CHECK(load("addr.txt", odd) == -EINVAL);
	CHECK(load("addr.txt", icmp_ts) == -EINVAL);
}

static void test_long_line(void)
{
	size_t len = 5u << 20;
	char *text = malloc(len + 32);

	memcpy(text, "192.0.2.1\n", 10);
	memset(text + 10, '7', len);
	strcpy(text + 10 + len, "\n");
	write_bytes("long.txt", text, strlen(text));
	CHECK(load("long.txt", TCP80) == -EINVAL);
	CHECK(error_at("long.txt", 2) && error_has("longer than"), "%s", rs_last_error());
	free(text);
}

/* ---- compression --------------------------------------------------------- */

static void test_gzip(void)
{
	write_gz("addr.txt.gz", ADDR_TEXT);
	check_addr_text_result(load("addr.txt.gz", TCP80));

	/* The name does not matter, the magic does. */
	write_gz("addr-gz.txt", ADDR_TEXT);
	check_addr_text_result(load("addr-gz.txt", TCP80));

	/* Two members (gzip a >> f; gzip b >> f), split mid-line. */
	write_gz_mode("multi.gz", ADDR_TEXT, 30, "wb");
	write_gz_mode("multi.gz", ADDR_TEXT + 30, strlen(ADDR_TEXT) - 30, "ab");
	check_addr_text_result(load("multi.gz", TCP80));
}

static void test_zstd(void)
{
	size_t n1, n2;
	void *z1, *z2;
	char *both;

	write_zst("addr.txt.zst", ADDR_TEXT);
	check_addr_text_result(load("addr.txt.zst", TCP80));

	/* Two frames back to back (zstd a b -c > f), split mid-line. */
	z1 = zstd_bytes(ADDR_TEXT, 25, &n1);
	z2 = zstd_bytes(ADDR_TEXT + 25, strlen(ADDR_TEXT) - 25, &n2);
	both = malloc(n1 + n2);
	memcpy(both, z1, n1);
	memcpy(both + n1, z2, n2);
	write_bytes("multi.zst", both, n1 + n2);
	check_addr_text_result(load("multi.zst", TCP80));
	free(z1);
	free(z2);
	free(both);
}

static void test_compressed_damage(void)
{
	size_t len;
	char *bytes;

	write_gz("t.gz", ADDR_TEXT);
	bytes = read_whole("t.gz", &len);
	write_bytes("trunc.gz", bytes, len / 2);
	CHECK(load("trunc.gz", TCP80) == -EINVAL);
	CHECK(error_has(tpath("trunc.gz")) && error_has("gzip"), "%s", rs_last_error());
	/* Missing only the trailer (CRC and length) is truncation too. */
	write_bytes("trunc2.gz", bytes, len - 4);
	CHECK(load("trunc2.gz", TCP80) == -EINVAL && error_has("trunc2.gz"), "%s", rs_last_error());
	bytes[len - 8] ^= 0x55;	/* the CRC */
	write_bytes("crc.gz", bytes, len);
	CHECK(load("crc.gz", TCP80) == -EINVAL && error_has("crc.gz") && error_has("gzip"), "%s",
	      rs_last_error());
	free(bytes);

	write_zst("t.zst", ADDR_TEXT);
	bytes = read_whole("t.zst", &len);
	write_bytes("trunc.zst", bytes, len - 3);
	CHECK(load("trunc.zst", TCP80) == -EINVAL);
	CHECK(error_has(tpath("trunc.zst")) && error_has("zstd"), "%s", rs_last_error());
	write_bytes("head.zst", bytes, 5);	/* magic and no frame */
	CHECK(load("head.zst", TCP80) == -EINVAL && error_has("head.zst"), "%s", rs_last_error());
	free(bytes);

	write_bytes("x.xz", "\xfd" "7zXZ\0\0\0\0", 10);
	CHECK(load("x.xz", TCP80) == -EINVAL && error_has("xz") && error_has("x.xz"), "%s",
	      rs_last_error());
	write_text("x.bz2", "BZh91AY&SY");
	CHECK(load("x.bz2", TCP80) == -EINVAL && error_has("bzip2"), "%s", rs_last_error());
}

/* ---- ZMap CSV ------------------------------------------------------------ */

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

static void test_zmap_csv_all_fields(void)
{
	write_text("zmap.csv", ZMAP_ALL);
	CHECK(load("zmap.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "zmap-csv"), "format %s", st.format);
	CHECK(st.lines == 6 && st.added == 2 && st.skipped == 1, "lines %llu added %llu skipped %llu",
	      (unsigned long long)st.lines, (unsigned long long)st.added,
	      (unsigned long long)st.skipped);
	CHECK(has("192.0.2.1") && !has("192.0.2.2") && has("192.0.2.3") && set_size() == 2);

	/* The replies came from port 80: none of them is evidence for 443. */
	CHECK(load("zmap.csv", TCP443) == 0, "%s", rs_last_error());
	CHECK(st.added == 0 && st.skipped == 4 && set_size() == 0);
}

static void test_zmap_csv_compressed(void)
{
	write_zst("zmap.csv.zst", ZMAP_ALL);
	CHECK(load("zmap.csv.zst", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "zmap-csv") && st.added == 2 && st.skipped == 1);
	write_gz("zmap.csv.gz", ZMAP_ALL);
	CHECK(load("zmap.csv.gz", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "zmap-csv") && st.added == 2 && st.skipped == 1);
	CHECK(has("192.0.2.1") && has("192.0.2.3") && set_size() == 2);
}

static void test_zmap_csv_variants(void)
{
	/* Older ZMap joined header names with ", "; saddr need not come first. */
	write_text("old.csv",
		   "daddr, saddr, classification\r\n"
		   "10.0.0.2,192.0.2.5,synack\r\n"
		   "10.0.0.2,192.0.2.6,rst\r\n"
		   "10.0.0.2,192.0.2.7,synack\r\n");
	CHECK(load("old.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "zmap-csv") && st.lines == 4 && st.added == 2 && st.skipped == 1);
	CHECK(has("192.0.2.5") && !has("192.0.2.6") && has("192.0.2.7"));

	/* A quoted string with commas (ZMap quotes those) before saddr. */
	write_text("quoted.csv",
		   "banner,saddr,success\n"
		   "\"HTTP/1.1 200 OK, hi\",192.0.2.8,1\n"
		   "\"a \"\"q\"\", b\",192.0.2.9,1\n"
		   "plain,192.0.2.10,0\n"
		   "\"no,blanks,here\",192.0.2.11,1\n");
	CHECK(load("quoted.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.added == 3 && st.skipped == 1 && has("192.0.2.8") && has("192.0.2.9") &&
	      has("192.0.2.11"));

	/* A one-column file with a header (hand-made; ZMap writes none). */
	write_text("one.csv", "saddr\n192.0.2.20\n192.0.2.21");
	CHECK(load("one.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "zmap-csv") && st.added == 2 && has("192.0.2.21"));

	/* zmap -M icmp_echoscan -O csv -f "saddr,type,code,icmp-id,seq,classification,success" */
	write_text("icmp.csv",
		   "saddr,type,code,icmp-id,seq,classification,success\n"
		   "192.0.2.30,0,0,4660,0,echoreply,1\n"
		   "192.0.2.31,3,1,4660,0,unreach,0\n");
	CHECK(load("icmp.csv", ICMP) == 0, "%s", rs_last_error());
	CHECK(st.added == 1 && st.skipped == 1 && has("192.0.2.30") && !has("192.0.2.31"));

	/* An empty sport (a row with no port) does not filter. */
	write_text("sport.csv", "saddr,sport,success\n192.0.2.40,,1\n192.0.2.41,53,1\n192.0.2.42,54,1\n");
	CHECK(load("sport.csv", UDP53) == 0, "%s", rs_last_error());
	CHECK(st.added == 2 && st.skipped == 1 && has("192.0.2.40") && has("192.0.2.41"));
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

static void test_zmap_csv_row_lengths(void)
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
	/* Too few fields and a bad success, in rows long enough for the plain reader. */
	write_text("short.csv", "saddr,daddr,success\n192.0.2.1,dddddddddddddddddddd\n");
	CHECK(load("short.csv", TCP80) == -EINVAL && error_at("short.csv", 2) && error_has("fields"),
	      "%s", rs_last_error());
	write_text("bad.csv", "saddr,daddr,success\n192.0.2.1,dddddddddddddddddddd,2\n");
	CHECK(load("bad.csv", TCP80) == -EINVAL && error_at("bad.csv", 2) && error_has("success"),
	      "%s", rs_last_error());
}

static void test_zmap_csv_errors(void)
{
	write_text("e1.csv", "saddr,success\n192.0.2.1,1\n192.0.2.300,1\n");
	CHECK(load("e1.csv", TCP80) == -EINVAL && error_at("e1.csv", 3) && error_has("saddr"), "%s",
	      rs_last_error());
	write_text("e2.csv", "saddr,sport,success\n192.0.2.1,80,1\n\n192.0.2.2,80\n");
	CHECK(load("e2.csv", TCP80) == -EINVAL && error_at("e2.csv", 4) && error_has("fields"), "%s",
	      rs_last_error());
	write_text("e3.csv", "saddr,success\n192.0.2.1,yes\n");
	CHECK(load("e3.csv", TCP80) == -EINVAL && error_at("e3.csv", 2) && error_has("success"), "%s",
	      rs_last_error());
	write_text("e4.csv", "saddr,sport\n192.0.2.1,http\n");
	CHECK(load("e4.csv", TCP80) == -EINVAL && error_at("e4.csv", 2) && error_has("sport"), "%s",
	      rs_last_error());
}

/* ---- masscan -oL --------------------------------------------------------- */

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

static void check_list_service(struct rs_svc svc, uint64_t added, uint64_t skipped)
{
	CHECK(load("masscan.lst", svc) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "masscan-list"), "format %s", st.format);
	CHECK(st.lines == 11, "lines %llu", (unsigned long long)st.lines);
	CHECK(st.added == added && st.skipped == skipped, "port %u: added %llu skipped %llu",
	      svc.port, (unsigned long long)st.added, (unsigned long long)st.skipped);
	CHECK(set_size() == added);
}

static void test_masscan_list(void)
{
	write_text("masscan.lst", MASSCAN_LIST);
	check_list_service(TCP80, 1, 8);
	CHECK(has("192.0.2.1") && !has("192.0.2.9"));
	check_list_service(TCP443, 2, 7);
	CHECK(has("192.0.2.1") && has("192.0.2.2"));
	check_list_service(UDP53, 1, 8);
	CHECK(has("192.0.2.3"));
	check_list_service(ICMP, 1, 8);
	CHECK(has("192.0.2.4"));
	check_list_service((struct rs_svc){ RS_SLOT_TCP, 22 }, 0, 9);
}

static void test_masscan_list_variants(void)
{
	/* No "#masscan" header, CRLF, extra blanks, no timestamp, no final newline. */
	write_text("m2.lst", "open  tcp\t80 192.0.2.11 1\r\n\r\nopen tcp 80 192.0.2.12");
	CHECK(load("m2.lst", TCP80) == 0, "%s", rs_last_error());
	CHECK(!strcmp(st.format, "masscan-list") && st.added == 2 && has("192.0.2.11") && has("192.0.2.12"));

	/* An empty scan: header and footer only. */
	write_text("m3.lst", "#masscan\n# end\n");
	CHECK(load("m3.lst", TCP80) == 0 && !strcmp(st.format, "masscan-list") && st.added == 0);

	write_gz("m.lst.gz", MASSCAN_LIST);
	CHECK(load("m.lst.gz", TCP443) == 0 && !strcmp(st.format, "masscan-list") && st.added == 2);
}

static void test_masscan_list_errors(void)
{
	static const char *const bad[] = {
		"open tcp 80 192.0.2.300 1", "open tcp 99999 192.0.2.1 1", "open tcp http 192.0.2.1 1",
		"open tcp 80", "opne tcp 80 192.0.2.1 1", "192.0.2.1",
	};
	char text[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "#masscan\nopen tcp 80 192.0.2.1 1\n%s\n# end\n", bad[i]);
		write_text("bad.lst", text);
		CHECK(load("bad.lst", TCP80) == -EINVAL, "'%s' accepted", bad[i]);
		CHECK(error_at("bad.lst", 3), "'%s': %s", bad[i], rs_last_error());
	}
}

/* ---- masscan -oJ / -oD --------------------------------------------------- */

/* Byte for byte what masscan 1.3.2 out-json.c prints. */
#define MJ_STATUS(addr, port, proto)                                                    \
	"{   \"ip\": \"" addr "\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": " \
	port ", \"proto\": \"" proto "\", \"status\": \"open\", \"reason\": \"syn-ack\", "  \
	"\"ttl\": 64} ] }\n"
#define MJ_BANNER(addr, port)                                                           \
	"{   \"ip\": \"" addr "\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": " \
	port ", \"proto\": \"tcp\", \"service\": {\"name\": \"http\", \"banner\": "         \
	"\"HTTP/1.1 200 OK\\u000d\\u000a\"} } ] }\n"

static const char MASSCAN_JSON[] =
	"[\n"
	MJ_STATUS("192.0.2.1", "80", "tcp")
	",\n"
	MJ_STATUS("192.0.2.1", "443", "tcp")
	",\n"
	MJ_STATUS("192.0.2.2", "443", "tcp")
	",\n"
	MJ_BANNER("192.0.2.1", "80")
	",\n"
	MJ_STATUS("192.0.2.3", "53", "udp")
	",\n"
	MJ_STATUS("2001:db8::1", "80", "tcp")
	",\n"
	MJ_STATUS("192.0.2.4", "0", "icmp")
	"]\n";

static void check_json(const char *name, struct rs_svc svc, uint64_t added, uint64_t skipped)
{
	CHECK(load(name, svc) == 0, "%s: %s", name, rs_last_error());
	CHECK(!strcmp(st.format, "masscan-json"), "%s: format %s", name, st.format);
	CHECK(st.lines == 7, "%s: records %llu", name, (unsigned long long)st.lines);
	CHECK(st.added == added && st.skipped == skipped, "%s port %u: added %llu skipped %llu", name,
	      svc.port, (unsigned long long)st.added, (unsigned long long)st.skipped);
	CHECK(set_size() == added);
}

static void check_json_all_services(const char *name)
{
	check_json(name, TCP80, 1, 6);
	CHECK(has("192.0.2.1"));
	check_json(name, TCP443, 2, 5);
	CHECK(has("192.0.2.1") && has("192.0.2.2"));
	check_json(name, UDP53, 1, 6);
	CHECK(has("192.0.2.3"));
	check_json(name, ICMP, 1, 6);
	CHECK(has("192.0.2.4"));
}

static void test_masscan_json(void)
{
	write_text("m.json", MASSCAN_JSON);
	check_json_all_services("m.json");
	write_zst("m.json.zst", MASSCAN_JSON);
	check_json_all_services("m.json.zst");
	write_gz("m.json.gz", MASSCAN_JSON);
	check_json_all_services("m.json.gz");
}

static void test_masscan_json_layouts(void)
{
	/* masscan 1.0.5: a trailing comma after every record. */
	write_text("trailing.json",
		   "[\n"
		   MJ_STATUS("192.0.2.1", "80", "tcp") ",\n"
		   MJ_STATUS("192.0.2.1", "443", "tcp") ",\n"
		   MJ_STATUS("192.0.2.2", "443", "tcp") ",\n"
		   MJ_BANNER("192.0.2.1", "80") ",\n"
		   MJ_STATUS("192.0.2.3", "53", "udp") ",\n"
		   MJ_STATUS("2001:db8::1", "80", "tcp") ",\n"
		   MJ_STATUS("192.0.2.4", "0", "icmp") ",\n"
		   "]\n");
	check_json_all_services("trailing.json");

	/* Re-indented by a JSON tool: records span lines. */
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
	check_json_all_services("pretty.json");

	/* Compact, on one line. */
	write_text("compact.json",
		   "[{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":443,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.2\",\"ports\":[{\"port\":443,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"closed\"}]},"
		   "{\"ip\":\"192.0.2.3\",\"ports\":[{\"port\":53,\"proto\":\"udp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"2001:db8::1\",\"ports\":[{\"port\":80,\"proto\":\"tcp\",\"status\":\"open\"}]},"
		   "{\"ip\":\"192.0.2.4\",\"ports\":[{\"port\":0,\"proto\":\"icmp\",\"status\":\"open\"}]}]");
	check_json_all_services("compact.json");

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
	check_json_all_services("m.ndjson");

	/* A scan that found nothing. */
	write_text("none.json", "[\n]\n");
	CHECK(load("none.json", TCP80) == 0 && !strcmp(st.format, "masscan-json") && st.lines == 0,
	      "%s", rs_last_error());
}

static void test_masscan_json_odd_records(void)
{
	/* masscan's layout with other statuses, an escape, a number for a string. */
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
	CHECK(load("odd.json", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.lines == 4 && st.added == 2 && st.skipped == 2, "added %llu skipped %llu",
	      (unsigned long long)st.added, (unsigned long long)st.skipped);
	CHECK(!has("192.0.2.1") && has("192.0.2.2") && has("192.0.2.3") && !has("192.0.2.4"));
}

static void test_masscan_json_errors(void)
{
	write_text("j1.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n"
		   "{\"timestamp\": \"1\", \"ports\": []}\n]\n");
	CHECK(load("j1.json", TCP80) == -EINVAL && error_at("j1.json", 4) && error_has("ip"), "%s",
	      rs_last_error());

	write_text("j2.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n"
		   MJ_STATUS("192.0.2.666", "80", "tcp") "]\n");
	CHECK(load("j2.json", TCP80) == -EINVAL && error_at("j2.json", 4) && error_has("192.0.2.666"),
	      "%s", rs_last_error());

	write_text("j3.json", "[\n{\"ip\": \"192.0.2.1\",\n \"ports\": [ {\"port\": 80 \"proto\": \"tcp\"} ]}\n]\n");
	CHECK(load("j3.json", TCP80) == -EINVAL && error_at("j3.json", 3) && error_has("JSON"), "%s",
	      rs_last_error());

	/* Cut short: inside a record, then after a whole record. */
	write_text("j4.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") ",\n{\"ip\": \"192.0");
	CHECK(load("j4.json", TCP80) == -EINVAL && error_at("j4.json", 4) && error_has("truncated"),
	      "%s", rs_last_error());
	write_text("j5.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp"));
	CHECK(load("j5.json", TCP80) == -EINVAL && error_has("j5.json") && error_has("]"), "%s",
	      rs_last_error());

	write_text("j6.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") "]\n{\"ip\": \"192.0.2.2\"}\n");
	CHECK(load("j6.json", TCP80) == -EINVAL && error_at("j6.json", 4), "%s", rs_last_error());

	write_text("j7.json", "[\n{\"ip\": \"192.0.2.1\", \"ports\": [{\"proto\": \"tcp\", \"status\": \"open\"}]}\n]\n");
	CHECK(load("j7.json", TCP80) == -EINVAL && error_at("j7.json", 2) && error_has("port"), "%s",
	      rs_last_error());

	write_text("j8.json", "[\n" MJ_STATUS("192.0.2.1", "80", "tcp") "x\n]\n");
	CHECK(load("j8.json", TCP80) == -EINVAL && error_at("j8.json", 3), "%s", rs_last_error());

	write_text("j9.json", "[\n[\n]\n]\n");
	CHECK(load("j9.json", TCP80) == -EINVAL && error_at("j9.json", 2), "%s", rs_last_error());
}

/* ---- files bigger than the 4 MiB window ---------------------------------- */

#define BIG_N 1000000u

/* Distinct by construction: multiplying by an odd number is a bijection mod 2^32. */
static uint32_t big_addr(uint32_t i)
{
	return (i + 1) * 2654435761u;
}

static char *big_address_text(size_t *len)
{
	char *text = malloc(BIG_N * 17 + 1), *p = text;
	uint32_t i, a;

	for (i = 0; i < BIG_N; i++) {
		a = big_addr(i);
		p += sprintf(p, "%u.%u.%u.%u%s", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
			     i % 7 ? "\n" : "\r\n");
	}
	*len = (size_t)(p - text);
	return text;
}

static void check_big(const char *name)
{
	uint32_t i, missing = 0;

	CHECK(load(name, TCP80) == 0, "%s: %s", name, rs_last_error());
	CHECK(st.lines == BIG_N && st.added == BIG_N, "%s: lines %llu added %llu", name,
	      (unsigned long long)st.lines, (unsigned long long)st.added);
	for (i = 0; i < BIG_N; i++)
		missing += !ipset_has(&set, big_addr(i));
	CHECK(missing == 0, "%s: %u missing", name, missing);
	CHECK(set_size() == BIG_N);
}

static void test_big_addresses(void)
{
	size_t len;
	char *text = big_address_text(&len);
	void *z;
	size_t zlen;

	CHECK(len > 3 * (4u << 20), "test file should span several windows");
	write_bytes("big.txt", text, len);
	check_big("big.txt");
	write_gz_mode("big.gz", text, len, "wb1");
	check_big("big.gz");
	z = zstd_bytes(text, len, &zlen);
	write_bytes("big.zst", z, zlen);
	check_big("big.zst");
	free(z);
	free(text);
	unlink(tpath("big.txt"));
	unlink(tpath("big.gz"));
	unlink(tpath("big.zst"));
}

/*
 * 60000 records, every third for port 443, spanning several windows. In
 * masscan's own layout most records take the hand-matched path and those
 * cut by a window edge go to json-c; compact, every record goes to json-c.
 */
static void check_big_json(bool compact)
{
	static const char *const fmt[] = {
		"%s{   \"ip\": \"%u.%u.%u.%u\",   \"timestamp\": \"1700000000\", \"ports\": [ "
		"{\"port\": %u, \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", "
		"\"ttl\": 64} ] }\n",
		"%s{\"ip\":\"%u.%u.%u.%u\",\"ports\":[{\"port\":%u,\"proto\":\"tcp\",\"status\":\"open\"}]}",
	};
	uint32_t n = 60000, i, a, wrong;
	char *text = malloc((size_t)n * 200 + 16), *p = text;
	const char *name;
	size_t zlen;
	void *z;
	int f;

	p += sprintf(p, "[\n");
	for (i = 0; i < n; i++) {
		a = big_addr(i);
		p += sprintf(p, fmt[compact], i ? (compact ? "," : ",\n") : "", a >> 24,
			     (a >> 16) & 255, (a >> 8) & 255, a & 255, i % 3 ? 80 : 443);
	}
	p += sprintf(p, "]\n");
	CHECK((size_t)(p - text) > 4u << 20, "test file should span windows");
	write_bytes("big.json", text, (size_t)(p - text));
	/* Compressed, records are cut by the decoder's chunks instead. */
	z = zstd_bytes(text, (size_t)(p - text), &zlen);
	write_bytes("big.json.zst", z, zlen);
	for (f = 0; f < 2; f++) {
		name = f ? "big.json.zst" : "big.json";
		CHECK(load(name, TCP80) == 0, "%s: %s", name, rs_last_error());
		CHECK(st.lines == n && st.added == n - 20000 && st.skipped == 20000,
		      "%s: records %llu added %llu", name, (unsigned long long)st.lines,
		      (unsigned long long)st.added);
		for (i = 0, wrong = 0; i < n; i++)
			wrong += ipset_has(&set, big_addr(i)) != (i % 3 != 0);
		CHECK(wrong == 0, "%s: %u wrong", name, wrong);
	}
	free(z);
	free(text);
	unlink(tpath("big.json"));
	unlink(tpath("big.json.zst"));
}

static void test_big_json(void)
{
	check_big_json(false);
	check_big_json(true);
}

/*
 * A compressed file is decoded on a thread ahead of the parser, in 4 MiB
 * chunks. Whatever goes wrong is reported as a single reader would: the
 * first fault in the file's order, with its line number, even when the
 * decoder has already run into damage further on.
 */
/* Line k (from 1) of text. */
static char *line_of(char *text, uint32_t k)
{
	while (--k)
		text = strchr(text, '\n') + 1;
	return text;
}

static void test_big_compressed_errors(void)
{
	size_t len, zlen;
	char *text = big_address_text(&len), *long_line;
	unsigned char *z;

	/* A bad record on line 11, and the compressed file cut in half: the
	 * parser stops while the decoder still has chunks to give. */
	*line_of(text, 11) = 'x';
	z = zstd_bytes(text, len, &zlen);
	write_bytes("bad.zst", z, zlen / 2);
	CHECK(load("bad.zst", TCP80) == -EINVAL && error_at("bad.zst", 11) &&
	      error_has("not an IPv4 address"), "%s", rs_last_error());
	free(z);

	/* A bad record near the end of a frame, then the first bytes of a
	 * second frame: the damage lands in the same chunk as the record. */
	*line_of(text, 11) = '1';
	*line_of(text, BIG_N - 5) = 'x';
	z = zstd_bytes(text, len, &zlen);
	z = realloc(z, zlen + 6);
	memcpy(z + zlen, z, 6);
	write_bytes("bad2.zst", z, zlen + 6);
	CHECK(load("bad2.zst", TCP80) == -EINVAL && error_at("bad2.zst", BIG_N - 5) &&
	      error_has("not an IPv4 address"), "%s", rs_last_error());
	free(z);
	free(text);

	/* Only the damage: the error is the decoder's, after the data before it. */
	text = big_address_text(&len);
	z = zstd_bytes(text, len, &zlen);
	write_bytes("cut.zst", z, zlen / 2);
	CHECK(load("cut.zst", TCP80) == -EINVAL && error_has("cut.zst") && error_has("zstd"),
	      "%s", rs_last_error());
	/* Flipped bytes in the middle of the compressed data. */
	memset(z + zlen / 2, 0xa5, 64);
	write_bytes("flip.zst", z, zlen);
	CHECK(load("flip.zst", TCP80) == -EINVAL && error_has("flip.zst") && error_has("zstd"),
	      "%s", rs_last_error());
	free(z);

	/* A 5 MiB line after BIG_N lines: longer than a chunk's headroom. */
	long_line = malloc(len + (5u << 20) + 64);
	memcpy(long_line, text, len);
	memset(long_line + len, '1', 5u << 20);
	memcpy(long_line + len + (5u << 20), "\n10.0.0.1\n", 11);
	z = zstd_bytes(long_line, len + (5u << 20) + 11, &zlen);
	write_bytes("long.zst", z, zlen);
	CHECK(load("long.zst", TCP80) == -EINVAL && error_at("long.zst", BIG_N + 1) &&
	      error_has("longer than"), "%s", rs_last_error());
	free(z);
	free(long_line);
	free(text);
	unlink(tpath("bad.zst"));
	unlink(tpath("bad2.zst"));
	unlink(tpath("cut.zst"));
	unlink(tpath("flip.zst"));
	unlink(tpath("long.zst"));
}

/*
 * A compressed pipe is decoded in line, as it comes: a bad first record is
 * reported while the writer still holds the pipe open (a decoder thread
 * would wait for 4 MiB, or for the writer to close, first).
 */
static void pipe_timeout(int sig)
{
	static const char msg[] = "#   test_compressed_pipe: the reader waited 20 s for the "
				  "pipe's writer\nnot ok - test_compressed_pipe\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void test_compressed_pipe(void)
{
	static const char text[] = "not an address\n192.0.2.1\n";
	int go[2], status = 0;
	size_t zlen;
	void *z = zstd_bytes(text, strlen(text), &zlen);
	pid_t pid;

	CHECK(mkfifo(tpath("pipe.zst"), 0600) == 0 && pipe(go) == 0, "%s", strerror(errno));
	pid = fork();
	if (pid == 0) {	/* the writer: the data, then hold the pipe open until told */
		int fd = open(tpath("pipe.zst"), O_WRONLY);
		char c;

		close(go[1]);
		if (fd < 0 || write(fd, z, zlen) != (ssize_t)zlen)
			_exit(2);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 3);
	}
	close(go[0]);
	fflush(stdout);
	signal(SIGALRM, pipe_timeout);
	alarm(20);	/* a reader that waits for the writer would hang here */
	CHECK(load("pipe.zst", TCP80) == -EINVAL && error_at("pipe.zst", 1), "%s", rs_last_error());
	alarm(0);
	CHECK(write(go[1], "x", 1) == 1);
	close(go[1]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer status %d", status);
	free(z);
	unlink(tpath("pipe.zst"));
}

/*
 * A plain file of 64 MiB and more is parsed in two halves at once. The
 * result, the counts and the line numbers of errors must be those of one
 * reader going through it from the top.
 */
#define HALVES_N 3000000u

/* A ZMap CSV of HALVES_N records, every fifth a non-answer; line i + 2
 * holds record i. Record bad (if < HALVES_N) is broken. */
static void write_halves_csv(const char *name, uint32_t bad)
{
	char *text = malloc((size_t)HALVES_N * 32 + 64), *p = text;
	uint32_t i, a;

	p += sprintf(p, "saddr,daddr,success\n");
	for (i = 0; i < HALVES_N; i++) {
		a = big_addr(i);
		if (i == bad)
			p += sprintf(p, "300.%u.%u.%u,100.64.0.2,1\n", (a >> 16) & 255, (a >> 8) & 255,
				     a & 255);
		else
			p += sprintf(p, "%u.%u.%u.%u,100.64.0.2,%d\n", a >> 24, (a >> 16) & 255,
				     (a >> 8) & 255, a & 255, i % 5 != 0);
	}
	CHECK((size_t)(p - text) > 64u << 20, "the file should be big enough to be cut in two");
	write_bytes(name, text, (size_t)(p - text));
	free(text);
}

static void test_big_file_in_two_halves(void)
{
	uint32_t i, wrong = 0;

	write_halves_csv("halves.csv", UINT32_MAX);
	CHECK(load("halves.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.parts == 2, "parsed in %u parts", st.parts);
	CHECK(!strcmp(st.format, "zmap-csv") && st.lines == HALVES_N + 1 &&
	      st.skipped == HALVES_N / 5 && st.added == HALVES_N - HALVES_N / 5,
	      "lines %llu skipped %llu added %llu", (unsigned long long)st.lines,
	      (unsigned long long)st.skipped, (unsigned long long)st.added);
	for (i = 0; i < HALVES_N; i++)
		wrong += ipset_has(&set, big_addr(i)) != (i % 5 != 0);
	CHECK(wrong == 0, "%u addresses wrong", wrong);

	/* Broken records in the first and in the second half. */
	write_halves_csv("halves.csv", 10);
	CHECK(load("halves.csv", TCP80) == -EINVAL && error_at("halves.csv", 12) &&
	      error_has("bad saddr"), "%s", rs_last_error());
	write_halves_csv("halves.csv", HALVES_N / 4 * 3);
	CHECK(load("halves.csv", TCP80) == -EINVAL && error_at("halves.csv", HALVES_N / 4 * 3 + 2) &&
	      error_has("bad saddr"), "%s", rs_last_error());
	unlink(tpath("halves.csv"));
}

/* An address list cut in two: CIDR lines in both halves, then a line too long in the second. */
static void test_big_list_in_two_halves(void)
{
	size_t len, i, inside;
	char *text = big_address_text(&len), *big;
	const size_t copies = 5;	/* 5 x ~15 MiB */

	big = malloc(len * copies + (5u << 20) + 64);
	memcpy(big, "10.1.0.0/16\n", 12);
	for (i = 0; i < copies; i++)
		memcpy(big + 12 + i * len, text, len);
	memcpy(big + 12 + copies * len, "10.9.0.0/24\n", 12);
	write_bytes("halves.txt", big, 12 + copies * len + 12);
	CHECK(load("halves.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.parts == 2, "parsed in %u parts", st.parts);
	for (i = 0, inside = 0; i < BIG_N; i++)	/* list addresses the two blocks hold anyway */
		inside += big_addr(i) >> 16 == ip("10.1.0.0") >> 16 || big_addr(i) >> 8 == ip("10.9.0.0") >> 8;
	CHECK(st.lines == copies * BIG_N + 2 && st.added == BIG_N - inside + 65536 + 256,
	      "lines %llu added %llu", (unsigned long long)st.lines, (unsigned long long)st.added);
	CHECK(ipset_has(&set, ip("10.1.255.255")) && ipset_has(&set, ip("10.9.0.255")) &&
	      !ipset_has(&set, ip("10.9.1.0")) && ipset_has(&set, big_addr(BIG_N - 1)));

	/* A 5 MiB line after the fourth copy: line 4 * BIG_N + 2. */
	memmove(big + 12 + 4 * len + (5u << 20) + 1, big + 12 + 4 * len, len + 12);
	memset(big + 12 + 4 * len, '1', 5u << 20);
	big[12 + 4 * len + (5u << 20)] = '\n';
	write_bytes("halves.txt", big, 12 + copies * len + 12 + (5u << 20) + 1);
	CHECK(load("halves.txt", TCP80) == -EINVAL && error_at("halves.txt", 4 * BIG_N + 2) &&
	      error_has("longer than"), "%s", rs_last_error());
	free(big);
	free(text);
	unlink(tpath("halves.txt"));
}

/* ---- main ---------------------------------------------------------------- */

/* The tests write plain files straight into tmpdir. */
static void remove_tmpdir(void)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *e;

	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(tpath(e->d_name));
	if (dir)
		closedir(dir);
	if (rmdir(tmpdir))
		fprintf(stderr, "could not remove %s: %s\n", tmpdir, strerror(errno));
}

int main(int argc, char **argv)
{
	/* tests/run asks a sanitizer build whether its runtime starts here. */
	if (argc > 1 && !strcmp(argv[1], "--start-only"))
		return 0;
	if (!mkdtemp(tmpdir) || ipset_init(&set)) {
		perror("setup");
		return 1;
	}
	RUN_TEST(test_format_names);
	RUN_TEST(test_addresses_plain);
	RUN_TEST(test_addresses_same_for_any_service);
	RUN_TEST(test_addresses_utf8_bom);
	RUN_TEST(test_added_counts_new_addresses_only);
	RUN_TEST(test_addresses_slash0);
	RUN_TEST(test_empty_and_comment_only);
	RUN_TEST(test_addresses_errors);
	RUN_TEST(test_unknown_format);
	RUN_TEST(test_missing_file_and_directory);
	RUN_TEST(test_bad_service);
	RUN_TEST(test_long_line);
	RUN_TEST(test_gzip);
	RUN_TEST(test_zstd);
	RUN_TEST(test_compressed_damage);
	RUN_TEST(test_zmap_csv_all_fields);
	RUN_TEST(test_zmap_csv_compressed);
	RUN_TEST(test_zmap_csv_variants);
	RUN_TEST(test_zmap_csv_row_lengths);
	RUN_TEST(test_zmap_csv_errors);
	RUN_TEST(test_masscan_list);
	RUN_TEST(test_masscan_list_variants);
	RUN_TEST(test_masscan_list_errors);
	RUN_TEST(test_masscan_json);
	RUN_TEST(test_masscan_json_layouts);
	RUN_TEST(test_masscan_json_odd_records);
	RUN_TEST(test_masscan_json_errors);
	RUN_TEST(test_big_addresses);
	RUN_TEST(test_big_json);
	RUN_TEST(test_big_compressed_errors);
	RUN_TEST(test_compressed_pipe);
	RUN_TEST(test_big_file_in_two_halves);
	RUN_TEST(test_big_list_in_two_halves);
	ipset_free(&set);
	remove_tmpdir();
	return CHECK_DONE();
}
