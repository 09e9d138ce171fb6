// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dataset.c - the layers under the formats (src/dataset*.c): which
 * format a file is, the input (missing files, codecs, damage, pipes, lines
 * longer than the window), files bigger than the window and the decoder's
 * chunks, a big file read in two halves, and what "added" counts. The
 * formats themselves are tested in test_format_*.c. These tests run once
 * more built with ThreadSanitizer (test_dataset_tsan): the decoder, the
 * second half and the adders are threads.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "dataset_test.h"

/* ---- which format a file is ---------------------------------------------- */

static void test_formats_help_lists_every_format_with_what_it_looks_like(void)
{
	static const char *const names[] = {
		"zmap-csv", "addresses", "masscan-list", "masscan-json", "nmap-xml", "nmap-grepable",
	};
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
	CHECK(strstr(text, "masscan -oL") && strstr(text, "saddr"), "%s", text);
	free(text);
}

static void test_empty_or_comment_only_file_is_an_empty_address_list(void)
{
	write_text("empty.txt", "");
	CHECK(load("empty.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(is_format("addresses") && st.lines == 0 && st.added == 0 && st.skipped == 0);
	CHECK(set_size() == 0);

	write_text("comments.txt", "# nothing\n\n   \n# yet\r\n");
	CHECK(load("comments.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(is_format("addresses") && st.lines == 4 && st.added == 0);

	/* An empty file stays empty through a compressor. */
	write_gz("empty.gz", "");
	CHECK(load("empty.gz", TCP80) == 0, "%s", rs_last_error());
	CHECK(is_format("addresses") && st.lines == 0);
	write_zst("empty.zst", "");
	CHECK(load("empty.zst", TCP80) == 0, "%s", rs_last_error());
	CHECK(is_format("addresses") && st.lines == 0);
}

static void test_first_line_no_format_claims_is_an_unknown_format_error(void)
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

static void test_comment_lines_before_the_first_record_are_skipped(void)
{
	/* Even one a ZMap header would be without its '#'. */
	write_text("c.txt", "#x,saddr\n  # c\n\n192.0.2.1\n");
	check_load("c.txt", TCP80, "addresses", 4, 1, 0);
	CHECK(has("192.0.2.1"));
}

static void test_blank_lines_before_json_count_in_its_line_numbers(void)
{
	write_text("bl.json", "\n  \n[\n" MJ_STATUS("192.0.2.1", "80", "tcp") "]\n");
	check_load("bl.json", TCP80, "masscan-json", 1, 1, 0);
	CHECK(fails_at("bl2.json", "\n\n[\n" MJ_STATUS("192.0.2.300", "80", "tcp") "]\n", TCP80, 4,
		       "192.0.2.300"), "%s", rs_last_error());
}

static void test_json_after_a_comment_line_is_not_json(void)
{
	/* Comments belong to the line formats. */
	CHECK(fails_at("cj.json", "# masscan\n[\n]\n", TCP80, 2, "unknown format"), "%s",
	      rs_last_error());
}

static void test_utf8_byte_order_mark_is_skipped_plain_or_compressed(void)
{
	static const char text[] = "\xef\xbb\xbf" "192.0.2.1\n192.0.2.2\n";
	static const char *const name[] = { "bom.txt", "bom.txt.gz", "bom.txt.zst" };
	int i;

	write_text(name[0], text);
	write_gz(name[1], text);
	write_zst(name[2], text);
	for (i = 0; i < 3; i++) {
		CHECK(load(name[i], TCP80) == 0, "%s: %s", name[i], rs_last_error());
		CHECK(is_format("addresses") && st.added == 2 && has("192.0.2.1") &&
		      has("192.0.2.2"), "%s", name[i]);
	}
	/* masscan -oJ after a mark, compressed. */
	write_zst("bom.json.zst", "\xef\xbb\xbf" "[\n{\"ip\": \"192.0.2.3\", \"ports\": [ {\"port\": 80, "
		  "\"proto\": \"tcp\", \"status\": \"open\"} ] }\n]\n");
	CHECK(load("bom.json.zst", TCP80) == 0, "%s", rs_last_error());
	CHECK(is_format("masscan-json") && st.added == 1 && has("192.0.2.3"));
}

/* ---- input ---------------------------------------------------------------- */

static void test_missing_file_or_directory_is_named(void)
{
	CHECK(load("no-such-file.txt", TCP80) == -ENOENT);
	CHECK(error_has(tpath("no-such-file.txt")) && error_has("No such file"), "%s",
	      rs_last_error());

	mkdir(tpath("dir"), 0700);
	CHECK(load("dir", TCP80) == -EISDIR, "%s", rs_last_error());
	CHECK(error_has(tpath("dir")), "%s", rs_last_error());
	rmdir(tpath("dir"));
}

static void test_service_no_dataset_can_describe_is_refused(void)
{
	struct rs_svc odd = { 7, 80 }, icmp_unreach = { RS_SLOT_ICMP, 3 };

	write_text("addr.txt", ADDR_TEXT);
	CHECK(load("addr.txt", odd) == -EINVAL);
	CHECK(load("addr.txt", icmp_unreach) == -EINVAL);
}

static void test_line_longer_than_the_window_is_an_error_naming_it(void)
{
	size_t len = 5u << 20;
	char *text = malloc(len + 32);

	memcpy(text, "192.0.2.1\n", 10);
	memset(text + 10, '7', len);
	strcpy(text + 10 + len, "\n");
	write_bytes("long.txt", text, strlen(text));
	CHECK(load("long.txt", TCP80) == -EINVAL);
	CHECK(error_at("long.txt", 2) && error_has("longer than"), "%s", rs_last_error());

	/* As the first line: whether a format claims its start or none does. */
	write_bytes("long1.txt", text + 10, len + 1);
	CHECK(load("long1.txt", TCP80) == -EINVAL);
	CHECK(error_at("long1.txt", 1) && error_has("longer than"), "%s", rs_last_error());
	memset(text + 10, 'x', len);
	write_bytes("long2.txt", text + 10, len + 1);
	CHECK(load("long2.txt", TCP80) == -EINVAL);
	CHECK(error_at("long2.txt", 1) && error_has("longer than"), "%s", rs_last_error());
	free(text);
}

/* ---- compression --------------------------------------------------------- */

static void test_gzip_found_by_magic_and_members_read_in_turn(void)
{
	write_gz("addr.txt.gz", ADDR_TEXT);
	check_addr_text("addr.txt.gz", TCP80);

	/* The name does not matter, the magic does. */
	write_gz("addr-gz.txt", ADDR_TEXT);
	check_addr_text("addr-gz.txt", TCP80);

	/* Two members (gzip a >> f; gzip b >> f), split mid-line. */
	write_gz_mode("multi.gz", ADDR_TEXT, 30, "wb");
	write_gz_mode("multi.gz", ADDR_TEXT + 30, strlen(ADDR_TEXT) - 30, "ab");
	check_addr_text("multi.gz", TCP80);
}

static void test_zstd_frames_read_in_turn(void)
{
	size_t n1, n2;
	void *z1, *z2;
	char *both;

	write_zst("addr.txt.zst", ADDR_TEXT);
	check_addr_text("addr.txt.zst", TCP80);

	/* Two frames back to back (zstd a b -c > f), split mid-line. */
	z1 = zstd_bytes(ADDR_TEXT, 25, &n1);
	z2 = zstd_bytes(ADDR_TEXT + 25, strlen(ADDR_TEXT) - 25, &n2);
	both = malloc(n1 + n2);
	memcpy(both, z1, n1);
	memcpy(both + n1, z2, n2);
	write_bytes("multi.zst", both, n1 + n2);
	check_addr_text("multi.zst", TCP80);
	free(z1);
	free(z2);
	free(both);
}

static void test_damaged_or_unsupported_compression_is_named(void)
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

/* ---- the set -------------------------------------------------------------- */

static void test_added_counts_only_addresses_new_to_the_set(void)
{
	write_text("dup.txt", "192.0.2.1\n192.0.2.0/30\n192.0.2.3\n10.0.0.0/8\n10.200.0.0/16\n");
	CHECK(load("dup.txt", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.added == 4 + (1u << 24), "added %llu", (unsigned long long)st.added);
	CHECK(set_size() == 4 + (1u << 24));
	CHECK(has("10.0.0.0") && has("10.255.255.255") && !has("11.0.0.0") && !has("9.255.255.255"));

	/* A second file into the same set counts only what is new to it. */
	write_text("dup2.txt", "192.0.2.2\n192.0.2.4\n");
	struct dataset_query q = { TCP80, RS_STATE_OPEN, RS_STATE_OPEN, false };

	CHECK(dataset_read(tpath("dup2.txt"), &q, &set, &st) == 0);
	CHECK(st.added == 1 && st.lines == 2, "added %llu", (unsigned long long)st.added);
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

static void test_list_over_many_windows_plain_gzip_zstd(void)
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

static void test_json_records_cut_by_window_and_chunk_edges(void)
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

static void test_decoder_thread_reports_faults_in_file_order(void)
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
/*
 * A hang, not a slow machine: a reader that waits for the writer never
 * returns, so the limit is generous (ThreadSanitizer on a busy machine is
 * slow). The writer goes with the test: left blocked in its open(), it
 * would hold the runner's pipe open for ever.
 */
#define PIPE_WAIT_S 120
#define PIPE_STR_(x) #x
#define PIPE_STR(x) PIPE_STR_(x)
static pid_t pipe_writer;

static void pipe_timeout(int sig)
{
	static const char msg[] = "#   test_compressed_pipe_fault_reported_while_writer_waits: the reader waited "
				  PIPE_STR(PIPE_WAIT_S) " s for the pipe's writer\n"
				  "not ok - test_compressed_pipe_fault_reported_while_writer_waits\n";

	(void)sig;
	if (pipe_writer > 0)
		kill(pipe_writer, SIGKILL);
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void test_compressed_pipe_fault_reported_while_writer_waits(void)
{
	static const char text[] = "not an address\n192.0.2.1\n";
	int go[2], status = 0;
	size_t zlen;
	void *z = zstd_bytes(text, strlen(text), &zlen);
	pid_t pid;

	CHECK(mkfifo(tpath("pipe.zst"), 0600) == 0 && pipe(go) == 0, "%s", strerror(errno));
	pid = fork();
	if (pid == 0) {	/* the writer: the data, then hold the pipe open until told */
		int fd, null = open("/dev/null", O_WRONLY);
		char c;

		/* Not the runner's output: this process must not keep it open. */
		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(2);
		fd = open(tpath("pipe.zst"), O_WRONLY);
		close(go[1]);
		if (fd < 0 || write(fd, z, zlen) != (ssize_t)zlen)
			_exit(2);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 3);
	}
	pipe_writer = pid;
	close(go[0]);
	fflush(stdout);
	signal(SIGALRM, pipe_timeout);
	alarm(PIPE_WAIT_S);	/* a reader that waits for the writer would hang here */
	CHECK(load("pipe.zst", TCP80) == -EINVAL && error_at("pipe.zst", 1), "%s", rs_last_error());
	alarm(0);
	CHECK(write(go[1], "x", 1) == 1);
	close(go[1]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer status %d", status);
	pipe_writer = 0;
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

static void test_big_csv_in_two_halves_reads_as_one_reader(void)
{
	uint32_t i, wrong = 0;

	write_halves_csv("halves.csv", UINT32_MAX);
	CHECK(load("halves.csv", TCP80) == 0, "%s", rs_last_error());
	CHECK(st.parts == 2, "parsed in %u parts", st.parts);
	CHECK(is_format("zmap-csv") && st.lines == HALVES_N + 1 &&
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
static void test_big_list_in_two_halves_with_cidr_and_long_line(void)
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

static void run_tests(void)
{
	RUN_TEST(test_formats_help_lists_every_format_with_what_it_looks_like);
	RUN_TEST(test_empty_or_comment_only_file_is_an_empty_address_list);
	RUN_TEST(test_first_line_no_format_claims_is_an_unknown_format_error);
	RUN_TEST(test_comment_lines_before_the_first_record_are_skipped);
	RUN_TEST(test_blank_lines_before_json_count_in_its_line_numbers);
	RUN_TEST(test_json_after_a_comment_line_is_not_json);
	RUN_TEST(test_utf8_byte_order_mark_is_skipped_plain_or_compressed);
	RUN_TEST(test_missing_file_or_directory_is_named);
	RUN_TEST(test_service_no_dataset_can_describe_is_refused);
	RUN_TEST(test_line_longer_than_the_window_is_an_error_naming_it);
	RUN_TEST(test_gzip_found_by_magic_and_members_read_in_turn);
	RUN_TEST(test_zstd_frames_read_in_turn);
	RUN_TEST(test_damaged_or_unsupported_compression_is_named);
	RUN_TEST(test_added_counts_only_addresses_new_to_the_set);
	RUN_TEST(test_list_over_many_windows_plain_gzip_zstd);
	RUN_TEST(test_json_records_cut_by_window_and_chunk_edges);
	RUN_TEST(test_decoder_thread_reports_faults_in_file_order);
	RUN_TEST(test_compressed_pipe_fault_reported_while_writer_waits);
	RUN_TEST(test_big_csv_in_two_halves_reads_as_one_reader);
	RUN_TEST(test_big_list_in_two_halves_with_cidr_and_long_line);
}
