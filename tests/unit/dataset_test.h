/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset_test.h - what the dataset tests share: files written into a
 * temporary directory (plain, gzip, zstd), dataset_read into one set, and
 * questions about the set and the last error; and main(), which runs the
 * including program's run_tests() in a fresh temporary directory.
 */
#ifndef RESCAN_DATASET_TEST_H
#define RESCAN_DATASET_TEST_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "check.h"
#include "dataset.h"
#include "ipset.h"
#include "rescan_abi.h"
#include "service.h"
#include "util.h"

/* Not every test program uses every helper. */
#define HELPER static __attribute__((unused))

static char tmpdir[] = "/tmp/rescan-test-dataset-XXXXXX";
static struct ipset set;
static struct dataset_stats st;

static const struct rs_svc TCP80 = { RS_SLOT_TCP, 80 };
static const struct rs_svc TCP443 = { RS_SLOT_TCP, 443 };
static const struct rs_svc UDP53 = { RS_SLOT_UDP, 53 };
static const struct rs_svc ICMP = { RS_SLOT_ICMP, RS_ICMP_ECHO };
/* The policy for the ports a world does not list. */
static const struct rs_svc TCP_OTHER = { RS_SLOT_TCP, RS_PORT_OTHER };
static const struct rs_svc UDP_OTHER = { RS_SLOT_UDP, RS_PORT_OTHER };

HELPER const char *tpath(const char *name)
{
	static char buf[4][320];	/* tmpdir, "/" and a file name */
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

HELPER void write_bytes(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(tpath(name), "wb");

	CHECK(f != NULL, "cannot create %s", name);
	if (!f)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	fclose(f);
}

HELPER void write_text(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text));
}

/* mode "wb" starts the file, "ab" appends another gzip member. */
HELPER void write_gz_mode(const char *name, const char *text, size_t len, const char *mode)
{
	gzFile g = gzopen(tpath(name), mode);

	CHECK(g != NULL);
	if (!g)
		return;
	if (len)
		CHECK(gzwrite(g, text, (unsigned)len) == (int)len);
	CHECK(gzclose(g) == Z_OK);
}

HELPER void write_gz(const char *name, const char *text)
{
	write_gz_mode(name, text, strlen(text), "wb");
}

HELPER void *zstd_bytes(const char *text, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	void *buf = malloc(cap);

	*out_len = ZSTD_compress(buf, cap, text, len, 3);
	CHECK(!ZSTD_isError(*out_len));
	return buf;
}

HELPER void write_zst(const char *name, const char *text)
{
	size_t n;
	void *z = zstd_bytes(text, strlen(text), &n);

	write_bytes(name, z, n);
	free(z);
}

HELPER void *read_whole(const char *name, size_t *len)
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

/* Load the hosts of svc in state want from a file into the (cleared) shared set. */
HELPER int load_state(const char *name, struct rs_svc svc, enum rs_state want)
{
	struct dataset_query q = { svc, want, RS_STATE_OPEN, false };

	ipset_clear(&set);
	return dataset_read(tpath(name), &q, &set, &st);
}

/* Load the open hosts of svc. */
HELPER int load(const char *name, struct rs_svc svc)
{
	return load_state(name, svc, RS_STATE_OPEN);
}

HELPER uint32_t ip(const char *s)
{
	uint32_t a = 0;

	if (!parse_ipv4_addr(s, s + strlen(s), &a))
		fprintf(stderr, "bad test address %s\n", s);
	return a;
}

HELPER bool has(const char *s)
{
	return ipset_has(&set, ip(s));
}

/* Everything in the set, so a stray extra address cannot hide. */
HELPER uint64_t set_size(void)
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

HELPER bool is_format(const char *name)
{
	return st.format && !strcmp(st.format, name);
}

/* The last error names file:line (file as passed to dataset_read). */
HELPER bool error_at(const char *name, unsigned line)
{
	char want[300];

	snprintf(want, sizeof(want), "%s:%u:", tpath(name), line);
	return strstr(rs_last_error(), want) != NULL;
}

HELPER bool error_has(const char *text)
{
	return strstr(rs_last_error(), text) != NULL;
}

/* text, written to name, fails to load for svc: -EINVAL, "name:line:", and word said. */
HELPER bool fails_at(const char *name, const char *text, struct rs_svc svc, unsigned line,
		     const char *word)
{
	write_text(name, text);
	return load(name, svc) == -EINVAL && error_at(name, line) && error_has(word);
}

/* seen for check_load_state: the states seen are not checked. */
#define SEEN_ANY UINT32_MAX

/*
 * name loads the hosts of svc in state want as format with these counts,
 * seen (1 << state) the other states of svc it holds, and the set holds
 * exactly the addresses added.
 */
HELPER void check_load_state(const char *name, struct rs_svc svc, enum rs_state want,
			     const char *format, uint64_t lines, uint64_t added, uint64_t skipped,
			     uint32_t seen)
{
	CHECK(load_state(name, svc, want) == 0, "%s: %s", name, rs_last_error());
	CHECK(is_format(format), "%s: format %s", name, st.format);
	CHECK(st.lines == lines && st.added == added && st.skipped == skipped &&
	      (seen == SEEN_ANY || st.states_seen == seen),
	      "%s port %u %s: lines %llu added %llu skipped %llu seen %#x", name, svc.port,
	      svc_state_name(want), (unsigned long long)st.lines, (unsigned long long)st.added,
	      (unsigned long long)st.skipped, st.states_seen);
	CHECK(set_size() == added, "%s: %llu in the set", name, (unsigned long long)set_size());
}

/* name loads the open hosts of svc as format with these counts. */
HELPER void check_load(const char *name, struct rs_svc svc, const char *format, uint64_t lines,
		       uint64_t added, uint64_t skipped)
{
	check_load_state(name, svc, RS_STATE_OPEN, format, lines, added, skipped, SEEN_ANY);
}

/* ---- an address list with every kind of line ----------------------------- */

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
HELPER void check_addr_text(const char *name, struct rs_svc svc)
{
	check_load(name, svc, "addresses", 10, 265, 0);
	CHECK(has("192.0.2.1") && !has("192.0.2.2") && !has("192.0.2.0"));
	CHECK(has("198.51.100.7") && has("203.0.113.9") && has("8.8.8.8"));
	CHECK(has("10.0.0.0") && has("10.0.0.3") && !has("10.0.0.4"));
	CHECK(has("10.1.2.3") && !has("10.1.2.2"));
	CHECK(has("172.16.5.0") && has("172.16.5.255") && !has("172.16.6.0") && !has("172.16.4.255"));
}

/* ---- masscan -oJ records, byte for byte what masscan 1.3.2 out-json.c prints */

#define MJ_STATUS(addr, port, proto)                                                    \
	"{   \"ip\": \"" addr "\",   \"timestamp\": \"1700000000\", \"ports\": [ {\"port\": " \
	port ", \"proto\": \"" proto "\", \"status\": \"open\", \"reason\": \"syn-ack\", "  \
	"\"ttl\": 64} ] }\n"

/* ---- main ---------------------------------------------------------------- */

/* Each test program's list of RUN_TEST()s. */
static void run_tests(void);

int main(int argc, char **argv)
{
	DIR *dir;
	struct dirent *e;

	/* tests/run asks a sanitizer build whether its runtime starts here. */
	if (argc > 1 && !strcmp(argv[1], "--start-only"))
		return 0;
	if (!mkdtemp(tmpdir) || ipset_init(&set)) {
		perror("setup");
		return 1;
	}
	run_tests();
	ipset_free(&set);
	/* The tests write plain files straight into tmpdir. */
	dir = opendir(tmpdir);
	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(tpath(e->d_name));
	if (dir)
		closedir(dir);
	if (rmdir(tmpdir))
		fprintf(stderr, "could not remove %s: %s\n", tmpdir, strerror(errno));
	return CHECK_DONE();
}

#endif
