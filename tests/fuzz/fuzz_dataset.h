/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_dataset.h - the driver of the dataset readers' fuzz targets. A
 * target is a file that defines one of
 *   FUZZ_FORMAT "name"  its corpus is that format's files (format detection
 *                       still runs: an input read as another format is run
 *                       but not kept in this target's corpus)
 *   FUZZ_CODEC_GZIP, FUZZ_CODEC_ZSTD   its inputs are compressed streams
 * and includes this file.
 *
 * An input is written to a memfd and read by dataset_read() through
 * /proc/self/fd/N, as a user's file is, once for each query of queries[].
 * What must hold, besides no sanitizer report:
 *   - a failed read says why in one line that names the file, without
 *     a control byte (the file's bytes are quoted escaped);
 *   - FUZZ_FORMAT: the input, gzip- or zstd-compressed, reads exactly as
 *     it does plain: the same hosts and counts, or the same error. The
 *     two take different paths: a plain file bigger than the window is
 *     mapped and cut in two halves read by two threads; a compressed one
 *     is decoded on a thread, a window-sized chunk at a time.
 *   - FUZZ_CODEC_*: a stream that zlib (zstd) decodes whole reads exactly
 *     as its decoded bytes do plain. One it refuses is only read: the
 *     reader may stop before the damage (nmap XML ends at </nmaprun>).
 * A broken rule prints both outcomes and aborts: libFuzzer keeps the input.
 */
#ifndef RESCAN_FUZZ_DATASET_H
#define RESCAN_FUZZ_DATASET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "dataset.h"
#include "ipset.h"
#include "rescan_abi.h"
#include "util.h"

/* Not every target uses every helper. */
#define HELPER static __attribute__((unused))

/* Decoded bytes the codec targets read at most: a bomb is decoded, not read. */
#define FUZZ_DECODED_MAX (4u << 20)

static const struct dataset_query queries[] = {
	{ { RS_SLOT_TCP, 80 }, RS_STATE_OPEN, RS_STATE_OPEN, false },
	{ { RS_SLOT_TCP, 80 }, RS_STATE_CLOSED, RS_STATE_OPEN, false },
	{ { RS_SLOT_TCP, 22 }, RS_STATE_FILTERED, RS_STATE_OPEN, false },
	{ { RS_SLOT_TCP, RS_PORT_OTHER }, RS_STATE_CLOSED, RS_STATE_CLOSED, false },
	{ { RS_SLOT_UDP, 53 }, RS_STATE_OPEN, RS_STATE_OPEN, false },
	{ { RS_SLOT_ICMP, RS_ICMP_ECHO }, RS_STATE_OPEN, RS_STATE_OPEN, false },
	{ { RS_SLOT_TCP, 0 }, RS_STATE_OPEN, RS_STATE_OPEN, true },	/* host discovery */
};
#define NQUERIES (sizeof(queries) / sizeof(queries[0]))

/* One file to read: a memfd and the path dataset_read opens it by. */
struct file {
	int fd;
	char path[64];
};

/* One read: its result, its message with the path cut out, its counts. */
struct outcome {
	int err;
	char msg[1024];
	struct dataset_stats st;
};

static struct ipset set_a, set_b;
static struct file plain, packed;

static void die(const char *what)
{
	fprintf(stderr, "fuzz driver: %s\n", what);
	abort();
}

static void file_init(struct file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0)
		die("memfd_create");
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

static void file_set(struct file *f, const void *data, size_t len)
{
	if (ftruncate(f->fd, 0) || (len && pwrite(f->fd, data, len, 0) != (ssize_t)len))
		die("cannot write the memfd");
}

/* The next touched block from blk on, or RS_BLOCKS: memchr, for speed under ASan. */
static uint32_t next_touched(const struct ipset *s, uint32_t blk)
{
	const uint8_t *t = memchr(s->touched + blk, 1, RS_BLOCKS - blk);

	return t ? (uint32_t)(t - s->touched) : RS_BLOCKS;
}

/* The 512 MiB sets keep the pages a big input touched: give them back now and then. */
static __attribute__((noinline)) void set_reset(struct ipset *s)
{
	uint32_t b, touched = 0;

	for (b = next_touched(s, 0); b < RS_BLOCKS; b = next_touched(s, b + 1))
		touched++;
	if (touched > 1024) {
		ipset_free(s);
		if (ipset_init(s))
			die("ipset_init");
	} else {
		ipset_clear(s);
	}
}

static void read_file(const struct file *f, const struct dataset_query *q, struct ipset *s,
		      struct outcome *o)
{
	const char *m, *at;
	size_t plen = strlen(f->path);

	set_reset(s);
	memset(o, 0, sizeof(*o));
	o->err = dataset_read(f->path, q, s, &o->st);
	if (!o->err)
		return;
	m = rs_last_error();
	for (at = m; *at; at++)
		if ((unsigned char)*at < 0x20 && *at != '\t') {
			fprintf(stderr, "error of more than one line, or with a control byte: %s\n", m);
			abort();
		}
	if (!strstr(m, f->path)) {
		fprintf(stderr, "error without the file's name: %s\n", m);
		abort();
	}
	/*
	 * The message with "FILE" for the path, to compare two files'
	 * messages: its first mention; a record quoted after it is the same.
	 */
	at = strstr(m, f->path);
	snprintf(o->msg, sizeof(o->msg), "%.*sFILE%s", (int)(at - m), m, at + plen);
}

static void print_outcome(const char *what, const struct outcome *o)
{
	fprintf(stderr, "%s: err %d \"%s\" format %s lines %llu added %llu reported %llu skipped %llu seen %#x\n",
		what, o->err, o->msg, o->st.format, (unsigned long long)o->st.lines,
		(unsigned long long)o->st.added, (unsigned long long)o->st.reported,
		(unsigned long long)o->st.skipped, o->st.states_seen);
}

static __attribute__((noinline)) bool same_sets(const struct ipset *a, const struct ipset *b)
{
	uint32_t blk;

	/* An untouched block is all zeros: the blocks either touched decide. */
	if (memcmp(a->touched, b->touched, RS_BLOCKS))
		return false;
	for (blk = next_touched(a, 0); blk < RS_BLOCKS; blk = next_touched(a, blk + 1))
		if (memcmp(ipset_block(a, blk), ipset_block(b, blk), RS_BITMAP_WORDS * 8))
			return false;
	return true;
}

/*
 * Two reads of the same bytes agree: the same error, or the same counts
 * and hosts. How many lines a failed read got through is not compared: a
 * file read in halves stops its second half when the first fails.
 */
static void must_agree(size_t qi, const struct outcome *a, const struct outcome *b)
{
	bool same = a->err == b->err;

	if (same && a->err)
		same = !strcmp(a->msg, b->msg);
	else if (same)
		same = !strcmp(a->st.format, b->st.format) && a->st.lines == b->st.lines &&
		       a->st.added == b->st.added && a->st.reported == b->st.reported &&
		       a->st.skipped == b->st.skipped && a->st.states_seen == b->st.states_seen &&
		       same_sets(&set_a, &set_b);
	if (same)
		return;
	fprintf(stderr, "query %zu: the plain and the compressed file read differently\n", qi);
	print_outcome("plain", a);
	print_outcome("compressed", b);
	abort();
}

/* ---- compressing, and decoding as zlib and zstd say a stream is -------- */

struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void bytes_put(struct bytes *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

/* One gzip member of data. */
HELPER void gzip_member(struct bytes *out, const unsigned char *data, size_t len)
{
	unsigned char buf[4096];
	z_stream z = { 0 };
	int ret;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = deflate(&z, Z_FINISH);
		bytes_put(out, buf, sizeof(buf) - z.avail_out);
	} while (ret == Z_OK || ret == Z_BUF_ERROR);
	if (ret != Z_STREAM_END)
		die("deflate");
	deflateEnd(&z);
}

HELPER void zstd_frame(struct bytes *out, const unsigned char *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;
	unsigned char *buf = malloc(cap);

	if (!buf)
		die("out of memory");
	n = ZSTD_compress(buf, cap, data, len, 3);
	if (ZSTD_isError(n))
		die("ZSTD_compress");
	bytes_put(out, buf, n);
	free(buf);
}

/*
 * data compressed with codec; cut in two members (frames) where the input
 * says so, as `cat a.gz b.gz` makes and the readers take.
 */
HELPER void compress_to(struct bytes *out, bool zstd, const unsigned char *data, size_t len)
{
	size_t cut = len % 3 == 1 ? len / 2 : len;

	out->len = 0;
	if (zstd) {
		zstd_frame(out, data, cut);
		if (cut < len)
			zstd_frame(out, data + cut, len - cut);
	} else {
		gzip_member(out, data, cut);
		if (cut < len)
			gzip_member(out, data + cut, len - cut);
	}
}

/*
 * Decode a gzip stream of members back to back, as `gzip -d` does but
 * strictly: anything after a member must be another. False if zlib refuses
 * it, it ends inside a member, or it decodes to more than FUZZ_DECODED_MAX.
 */
HELPER bool gunzip_all(struct bytes *out, const unsigned char *data, size_t len)
{
	unsigned char buf[4096];
	z_stream z = { 0 };
	bool ok = false;
	int ret;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		die("inflateInit2");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	for (;;) {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = inflate(&z, Z_NO_FLUSH);
		bytes_put(out, buf, sizeof(buf) - z.avail_out);
		if (out->len > FUZZ_DECODED_MAX)
			break;
		if (ret == Z_STREAM_END) {
			if (!z.avail_in) {
				ok = true;
				break;
			}
			inflateReset(&z);
			continue;
		}
		if (ret != Z_OK)
			break;	/* refused, or the input ended inside a member */
	}
	inflateEnd(&z);
	return ok;
}

/* The same for zstd frames (skippable frames are zstd's to pass over). */
HELPER bool unzstd_all(struct bytes *out, const unsigned char *data, size_t len)
{
	ZSTD_DCtx *zd = ZSTD_createDCtx();
	ZSTD_inBuffer in = { data, len, 0 };
	unsigned char buf[4096];
	size_t ret = 0;
	bool ok = true;

	if (!zd)
		die("ZSTD_createDCtx");
	while (in.pos < in.size || ret) {
		ZSTD_outBuffer ob = { buf, sizeof(buf), 0 };
		size_t before = in.pos;

		ret = ZSTD_decompressStream(zd, &ob, &in);
		if (ZSTD_isError(ret) || out->len + ob.pos > FUZZ_DECODED_MAX ||
		    (!ob.pos && in.pos == before && ret)) {
			ok = false;	/* refused, too big, or it ends inside a frame */
			break;
		}
		bytes_put(out, buf, ob.pos);
	}
	ZSTD_freeDCtx(zd);
	return ok;
}

/* ---- the target ---------------------------------------------------------- */

/* Does data start as a file the reader decodes (or refuses as xz, bzip2)? */
HELPER bool compressed_magic(const uint8_t *data, size_t len)
{
	return (len >= 2 && !memcmp(data, "\x1f\x8b", 2)) ||
	       (len >= 4 && !memcmp(data, "\x28\xb5\x2f\xfd", 4)) ||
	       (len >= 5 && !memcmp(data, "\xfd" "7zXZ", 5)) ||
	       (len >= 4 && !memcmp(data, "BZh", 3) && data[3] >= '1' && data[3] <= '9');
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (ipset_init(&set_a) || ipset_init(&set_b))
		die("ipset_init");
	file_init(&plain, "plain");
	file_init(&packed, "packed");
	return 0;
}

/* Read plain and packed for every query; they must agree. */
static void read_both(const char **format)
{
	struct outcome a, b;
	size_t i;

	for (i = 0; i < NQUERIES; i++) {
		read_file(&plain, &queries[i], &set_a, &a);
		read_file(&packed, &queries[i], &set_b, &b);
		must_agree(i, &a, &b);
		if (i == 0)
			*format = a.st.format;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct bytes buf;
	const char *format = NULL;

	buf.len = 0;
#if defined(FUZZ_FORMAT)
	/* Half the inputs gzip-compressed, half zstd. */
	file_set(&plain, data, len);
	if (compressed_magic(data, len)) {	/* the reader decodes once, not twice */
		struct outcome o;
		size_t i;

		for (i = 0; i < NQUERIES; i++)
			read_file(&plain, &queries[i], &set_a, &o);
		return -1;
	}
	compress_to(&buf, len % 2, data, len);
	file_set(&packed, buf.p, buf.len);
	read_both(&format);
	return strcmp(format, FUZZ_FORMAT) ? -1 : 0;
#else
	{
		struct outcome o;
		bool whole;
		size_t i;

#if defined(FUZZ_CODEC_GZIP)
		if (len < 2 || memcmp(data, "\x1f\x8b", 2))
			return -1;
		whole = gunzip_all(&buf, data, len);
#elif defined(FUZZ_CODEC_ZSTD)
		if (len < 4 || memcmp(data, "\x28\xb5\x2f\xfd", 4))
			return -1;
		whole = unzstd_all(&buf, data, len);
#else
#error "define FUZZ_FORMAT, FUZZ_CODEC_GZIP or FUZZ_CODEC_ZSTD"
#endif
		if (buf.len > FUZZ_DECODED_MAX)
			return 0;
		file_set(&packed, data, len);
		if (whole) {
			file_set(&plain, buf.p, buf.len);
			read_both(&format);
			return 0;
		}
		for (i = 0; i < NQUERIES; i++)
			read_file(&packed, &queries[i], &set_b, &o);
		return 0;
	}
#endif
}

#endif
