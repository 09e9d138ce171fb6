/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset_io.h - the bytes of a dataset file, for the format readers:
 *   src    the file, through zlib or zstd when its magic says so; a
 *          compressed regular file is decoded on a thread of its own
 *   rbuf   a window of WINDOW_SIZE decoded bytes that hands out lines
 *          (rbuf_line) or raw bytes (buf[start, end), rbuf_fill)
 * A plain regular file bigger than the window is read from the page cache
 * itself once a line format has claimed it (rbuf_map). rbuf_line and the newline
 * search are inline: they run once per record.
 */
#ifndef RESCAN_DATASET_IO_H
#define RESCAN_DATASET_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <zlib.h>
#include <zstd.h>

#include "util.h"

/* The fuzz targets (tests/fuzz) build with a small one, so small inputs cross it. */
#ifndef WINDOW_SIZE
#define WINDOW_SIZE (4u << 20)	/* decompressed window: also the longest line */
#endif

enum codec { CODEC_NONE, CODEC_GZIP, CODEC_ZSTD };

struct src {
	const char *path;
	int fd;
	enum codec codec;
	unsigned char *raw;	/* bytes read from fd and not yet decoded */
	size_t raw_len, raw_pos;
	bool raw_eof;
	bool frame_done;	/* the decoder sits between gzip members / zstd frames */
	z_stream z;
	bool z_live;
	ZSTD_DCtx *zd;
	uint64_t raw_total;
	struct progress prog;
	void *map;		/* a plain regular file, mapped (see rbuf_map) */
	size_t map_len;
	struct ahead *ahead;	/* a compressed file, decoded on a thread */
};

struct rbuf {
	struct src *src;
	char *buf;
	size_t start, end;	/* unread bytes: buf[start, end) */
	bool eof;		/* nothing will come after buf[end] */
	uint64_t lineno;	/* lines handed out so far */
	struct chunk *chunk;	/* the decoded chunk buf points into, if any */
	int err;		/* the decoder's error, once reported */
	char *window;		/* the window read() fills, until buf moves elsewhere */
};

/* Open path into b (with its src s): codec sniffed, window allocated. */
int rbuf_open(struct rbuf *b, struct src *s, const char *path);
void rbuf_close(struct rbuf *b);

/* Keep the unread tail, append what the source has: >0, 0 at end, <0. */
ssize_t rbuf_fill(struct rbuf *b);

/* Step over a UTF-8 byte-order mark at the start of the stream. */
int rbuf_skip_bom(struct rbuf *b);

/*
 * The next line without its newline, left unread: 1, 0 at the end, <0 on
 * a read error. A line longer than the window is cut at the window's end
 * (rbuf_line reports it when it is taken).
 */
int rbuf_peek_line(struct rbuf *b, const char **line, const char **end);

/*
 * Read the rest of a plain regular file bigger than the window from its
 * mapping instead of through the window (a no-op for anything else).
 */
void rbuf_map(struct rbuf *b);

/* Line number lineno of path is longer than a line may be: -EINVAL. */
int line_too_long(const char *path, uint64_t lineno);

/*
 * The first newline of the n bytes at p, or NULL. Lines are short (a ZMap
 * row is about 27 bytes), and for them memchr's call and set-up were most
 * of its cost; 16 bytes at a time inline, as long as 16 are left.
 */
static inline char *find_newline(char *p, size_t n)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	uint32_t m;

	for (; n >= 16; p += 16, n -= 16) {
		m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), nl));
		if (m)
			return p + __builtin_ctz(m);
	}
#endif
	return memchr(p, '\n', n);
}

/*
 * The next line without its "\n" or "\r\n": 1 with line and end set, 0 after
 * the last one (which needs no newline), <0 on error.
 */
static inline int rbuf_line(struct rbuf *b, const char **line, const char **end)
{
	char *p, *nl;
	ssize_t n;

	for (;;) {
		p = b->buf + b->start;
		nl = find_newline(p, b->end - b->start);
		if (nl) {
			b->start = (size_t)(nl + 1 - b->buf);
			break;
		}
		if (b->eof) {
			if (b->start == b->end)
				return 0;
			nl = b->buf + b->end;
			b->start = b->end;
			break;
		}
		n = rbuf_fill(b);
		if (n < 0)
			return (int)n;
	}
	/* A mapped file has no window to overflow: same limit, same message. */
	if ((size_t)(nl - p) >= WINDOW_SIZE)
		return line_too_long(b->src->path, b->lineno + 1);
	if (nl > p && nl[-1] == '\r')
		nl--;
	b->lineno++;
	*line = p;
	*end = nl;
	return 1;
}

#endif
