// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataset_io.c - a dataset file's bytes: read(), or the file's mapping, or
 * zlib / zstd on a decoder thread; and the window that hands them out as
 * lines (see dataset_io.h).
 */
#include "dataset_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- src: a file's bytes, decompressed when needed ---------------------- */

#ifndef RAW_BUF_SIZE			/* the fuzz targets read a few bytes at a time */
#define RAW_BUF_SIZE (1u << 20)		/* compressed bytes per read() */
#endif
#define PROGRESS_MIN_BYTES (64ull << 20)	/* smaller files load too fast to need it */

static const char *codec_name(enum codec c)
{
	return c == CODEC_GZIP ? "gzip" : c == CODEC_ZSTD ? "zstd" : "plain";
}

static ssize_t read_fd(struct src *s, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(s->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = -errno;
		rs_error("%s: %s", s->path, strerror(errno));
		return n;
	}
	if (n == 0)
		s->raw_eof = true;
	s->raw_total += (uint64_t)n;
	progress_update(&s->prog, s->raw_total);
	return n;
}

/* Refill the compressed-input buffer once its bytes are all decoded. */
static int raw_fill(struct src *s)
{
	ssize_t n = read_fd(s, s->raw, RAW_BUF_SIZE);

	if (n < 0)
		return (int)n;
	s->raw_pos = 0;
	s->raw_len = (size_t)n;
	return 0;
}

/* The first bytes decide the codec, so read until there are enough of them. */
static int raw_sniff(struct src *s, size_t want)
{
	while (s->raw_len < want && !s->raw_eof) {
		ssize_t n = read_fd(s, s->raw + s->raw_len, RAW_BUF_SIZE - s->raw_len);

		if (n < 0)
			return (int)n;
		s->raw_len += (size_t)n;
	}
	return 0;
}

static bool has_magic(const struct src *s, const char *magic, size_t len)
{
	return s->raw_len >= len && !memcmp(s->raw, magic, len);
}

static int detect_codec(struct src *s)
{
	if (has_magic(s, "\x1f\x8b", 2)) {
		s->codec = CODEC_GZIP;
	} else if (has_magic(s, "\x28\xb5\x2f\xfd", 4)) {
		s->codec = CODEC_ZSTD;
	} else if (has_magic(s, "\xfd" "7zXZ", 5) ||
		   (has_magic(s, "BZh", 3) && s->raw_len > 3 &&
		    s->raw[3] >= '1' && s->raw[3] <= '9')) {
		/* Name the problem instead of calling the file garbage. */
		rs_error("%s: %s-compressed files are not supported (use gzip or zstd)",
			 s->path, s->raw[0] == 'B' ? "bzip2" : "xz");
		return -EINVAL;
	} else {
		s->codec = CODEC_NONE;
	}
	return 0;
}

static int codec_init(struct src *s)
{
	if (s->codec == CODEC_GZIP) {
		/* 15 + 16: a gzip wrapper, any window size. */
		if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
			rs_error("%s: cannot start gzip decoder", s->path);
			return -ENOMEM;
		}
		s->z_live = true;
	} else if (s->codec == CODEC_ZSTD) {
		s->zd = ZSTD_createDCtx();
		if (!s->zd) {
			rs_error("%s: cannot start zstd decoder", s->path);
			return -ENOMEM;
		}
	}
	return 0;
}

static void ahead_start(struct src *s);
static void ahead_stop(struct src *s);

static void src_close(struct src *s)
{
	ahead_stop(s);	/* before the decoder state it uses goes */
	progress_end(&s->prog);
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->z_live)
		inflateEnd(&s->z);
	ZSTD_freeDCtx(s->zd);
	free(s->raw);
	if (s->fd >= 0)
		close(s->fd);
}

static int src_open(struct src *s, const char *path)
{
	struct stat sb;
	int err;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		err = -errno;
		rs_error("%s: %s", path, strerror(errno));
		return err;
	}
	/* Progress counts file bytes, so it works for compressed files too. */
	if (fstat(s->fd, &sb))
		sb.st_mode = 0;
	if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size >= PROGRESS_MIN_BYTES)
		progress_start(&s->prog, path, (uint64_t)sb.st_size);
	s->raw = malloc(RAW_BUF_SIZE);
	if (!s->raw) {
		rs_error("out of memory");
		err = -ENOMEM;
		goto fail;
	}
	err = raw_sniff(s, 6);
	if (!err)
		err = detect_codec(s);
	if (!err)
		err = codec_init(s);
	/* Not for a pipe: the parser would see nothing until 4 MiB came. */
	if (!err && s->codec != CODEC_NONE && S_ISREG(sb.st_mode))
		ahead_start(s);
	if (!err)
		return 0;
fail:
	src_close(s);
	return err;
}

/* One decoder step on the buffered input; returns bytes written to out. */
static ssize_t gzip_step(struct src *s, char *out, size_t cap)
{
	int ret;

	if (s->frame_done) {
		/* Another member follows (gzip -c a b > c, or a resumed scan). */
		inflateReset(&s->z);
		s->frame_done = false;
	}
	s->z.next_in = s->raw + s->raw_pos;
	s->z.avail_in = (uInt)(s->raw_len - s->raw_pos);
	s->z.next_out = (Bytef *)out;
	s->z.avail_out = (uInt)cap;
	ret = inflate(&s->z, Z_NO_FLUSH);
	s->raw_pos = s->raw_len - s->z.avail_in;
	if (ret == Z_STREAM_END)
		s->frame_done = true;
	else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		rs_error("%s: corrupt gzip data (%s)", s->path, s->z.msg ? s->z.msg : "inflate failed");
		return -EINVAL;
	}
	return (ssize_t)(cap - s->z.avail_out);
}

static ssize_t zstd_step(struct src *s, char *out, size_t cap)
{
	ZSTD_inBuffer in = { s->raw, s->raw_len, s->raw_pos };
	ZSTD_outBuffer ob = { out, cap, 0 };
	size_t ret;

	ret = ZSTD_decompressStream(s->zd, &ob, &in);
	s->raw_pos = in.pos;
	if (ZSTD_isError(ret)) {
		rs_error("%s: corrupt zstd data (%s)", s->path, ZSTD_getErrorName(ret));
		return -EINVAL;
	}
	/* 0 means a frame just ended; the context starts the next by itself. */
	s->frame_done = ret == 0;
	return (ssize_t)ob.pos;
}

static ssize_t src_read_plain(struct src *s, char *out, size_t cap)
{
	size_t n;

	if (s->raw_pos < s->raw_len) {	/* the sniffed head first */
		n = s->raw_len - s->raw_pos < cap ? s->raw_len - s->raw_pos : cap;
		memcpy(out, s->raw + s->raw_pos, n);
		s->raw_pos += n;
		return (ssize_t)n;
	}
	if (s->raw_eof)
		return 0;
	return read_fd(s, out, cap);
}

/* Decoded bytes into out: >0 bytes, 0 at a clean end, <0 on error. */
static ssize_t src_read(struct src *s, char *out, size_t cap)
{
	ssize_t n;
	int err;

	if (s->codec == CODEC_NONE)
		return src_read_plain(s, out, cap);
	for (;;) {
		if (s->frame_done && s->raw_pos == s->raw_len) {
			if (s->raw_eof)
				return 0;
			err = raw_fill(s);
			if (err)
				return err;
			continue;
		}
		/*
		 * Step even with no input left: the decoder may still hold
		 * output that did not fit last time.
		 */
		n = s->codec == CODEC_GZIP ? gzip_step(s, out, cap) : zstd_step(s, out, cap);
		if (n)
			return n;
		if (s->raw_pos < s->raw_len || s->frame_done)
			continue;
		if (s->raw_eof) {
			rs_error("%s: truncated %s data", s->path, codec_name(s->codec));
			return -EINVAL;
		}
		err = raw_fill(s);
		if (err)
			return err;
	}
}

/*
 * ---- ahead: a compressed file decoded on its own thread ----------------
 *
 * Decoding is a large share of the work of reading a compressed file, so
 * a decoder thread fills chunks of WINDOW_SIZE bytes while the parser reads
 * the previous one. Each chunk has WINDOW_SIZE bytes of headroom in
 * front of its data, so the parser moves to the next chunk by copying only
 * the unfinished line it holds (see rbuf_next_chunk): no byte is copied
 * twice. Chunks are handed over in order through a ring of AHEAD_CHUNKS.
 *
 * A decoder error travels in the chunk where it happened, so the parser
 * reports it only after the data before it, just as a single thread would
 * (a bad record early in a file is the error, not corrupt data behind it).
 */
#define AHEAD_CHUNKS 3		/* one parsed, one ready, one being decoded */

struct chunk {
	char *mem;		/* 2 * WINDOW_SIZE: headroom, then data */
	size_t len;		/* data bytes at mem + WINDOW_SIZE; 0: the last chunk */
	int err;		/* the decoder failed after len bytes (else 0) */
	char msg[1024];		/* its message */
};

struct ahead {
	struct src *src;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct chunk chunk[AHEAD_CHUNKS];
	uint64_t decoded;	/* chunks published by the decoder */
	uint64_t taken;		/* chunks the parser has taken */
	uint64_t released;	/* chunks the parser is done with */
	bool stop;		/* the parser gives up: the decoder ends */
};

static void *ahead_worker(void *arg)
{
	struct ahead *a = arg;
	struct chunk *c;
	ssize_t n;
	size_t len;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&a->lock);
		while (!a->stop && a->decoded - a->released == AHEAD_CHUNKS)
			pthread_cond_wait(&a->cond, &a->lock);
		stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			return NULL;
		c = &a->chunk[a->decoded % AHEAD_CHUNKS];
		len = 0;
		do {
			n = src_read(a->src, c->mem + WINDOW_SIZE + len, WINDOW_SIZE - len);
			if (n > 0)
				len += (size_t)n;
		} while (n > 0 && len < WINDOW_SIZE);
		c->len = len;
		c->err = n < 0 ? (int)n : 0;
		if (c->err)	/* rs_error's buffer is this thread's own */
			snprintf(c->msg, sizeof(c->msg), "%s", rs_last_error());
		pthread_mutex_lock(&a->lock);
		a->decoded++;
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
		/* A short chunk is followed by an empty one: the end. */
		if (!len || c->err)
			return NULL;
	}
}

/* Decode s on a thread; if none starts, src_read decodes on the reader's. */
static void ahead_start(struct src *s)
{
	struct ahead *a = calloc(1, sizeof(*a));
	int i;

	if (!a)
		return;
	for (i = 0; i < AHEAD_CHUNKS; i++) {
		a->chunk[i].mem = malloc(2 * (size_t)WINDOW_SIZE);
		if (!a->chunk[i].mem)
			goto fail;
	}
	a->src = s;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (pthread_create(&a->thread, NULL, ahead_worker, a)) {
		pthread_cond_destroy(&a->cond);
		pthread_mutex_destroy(&a->lock);
		goto fail;
	}
	s->ahead = a;
	return;
fail:
	for (i = 0; i < AHEAD_CHUNKS; i++)
		free(a->chunk[i].mem);
	free(a);
}

/* The next chunk, in order; the caller releases the one before it after. */
static struct chunk *ahead_take(struct ahead *a)
{
	struct chunk *c;

	pthread_mutex_lock(&a->lock);
	while (a->decoded == a->taken)
		pthread_cond_wait(&a->cond, &a->lock);
	c = &a->chunk[a->taken++ % AHEAD_CHUNKS];
	pthread_mutex_unlock(&a->lock);
	return c;
}

static void ahead_release(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->released++;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

static void ahead_stop(struct src *s)
{
	struct ahead *a = s->ahead;
	int i;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	for (i = 0; i < AHEAD_CHUNKS; i++)
		free(a->chunk[i].mem);
	free(a);
	s->ahead = NULL;
}

/* ---- rbuf: a window of decoded bytes, split into lines ------------------ */

int line_too_long(const char *path, uint64_t lineno)
{
	rs_error("%s:%llu: line longer than %u bytes", path, (unsigned long long)lineno,
		 WINDOW_SIZE);
	return -EINVAL;
}

/*
 * Move to the source's next decoded chunk, with the unread tail copied into
 * its headroom: >0, 0 at the end, <0 (the decoder's error, after the data
 * it decoded before it).
 */
static ssize_t rbuf_next_chunk(struct rbuf *b)
{
	struct ahead *a = b->src->ahead;
	size_t tail = b->end - b->start;
	struct chunk *c;

	if (b->eof)	/* the decoder has ended: nothing more will come */
		return 0;
	if (b->err)
		return b->err;
	if (b->chunk && b->chunk->err) {	/* after the data decoded before it */
		rs_error("%s", b->chunk->msg);
		return b->err = b->chunk->err;
	}
	if (tail >= WINDOW_SIZE)
		return line_too_long(b->src->path, b->lineno + 1);
	c = ahead_take(a);
	if (!c->len) {
		if (!c->err)
			return 0;
		rs_error("%s", c->msg);
		return b->err = c->err;
	}
	memcpy(c->mem + WINDOW_SIZE - tail, b->buf + b->start, tail);
	if (b->chunk)
		ahead_release(a);
	b->chunk = c;
	b->buf = c->mem;
	b->start = WINDOW_SIZE - tail;
	b->end = WINDOW_SIZE + c->len;
	return (ssize_t)c->len;
}

ssize_t rbuf_fill(struct rbuf *b)
{
	ssize_t n;

	if (b->src->ahead) {
		n = rbuf_next_chunk(b);
		if (n == 0)
			b->eof = true;
		return n;
	}
	if (b->start) {
		memmove(b->buf, b->buf + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
	}
	if (b->end == WINDOW_SIZE)
		return line_too_long(b->src->path, b->lineno + 1);
	n = src_read(b->src, b->buf + b->end, WINDOW_SIZE - b->end);
	if (n < 0)
		return n;
	if (n == 0)
		b->eof = true;
	b->end += (size_t)n;
	return n;
}

/*
 * From read() into the window to the page cache itself: the copy is work on
 * the thread everything else waits for. The bytes not yet consumed start at
 * file offset raw_total - (end - start).
 */
void rbuf_map(struct rbuf *b)
{
	struct src *s = b->src;
	struct stat sb;
	uint64_t at;
	void *m;

	if (s->codec != CODEC_NONE || fstat(s->fd, &sb) || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size <= WINDOW_SIZE)
		return;
	at = s->raw_total - (b->end - b->start);
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (m == MAP_FAILED)
		return;		/* read() still works */
	madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
	rs_reading_mapped(s->path);
	s->map = m;
	s->map_len = (size_t)sb.st_size;
	b->buf = m;
	b->start = at;
	b->end = s->map_len;
	b->eof = true;
}

int rbuf_open(struct rbuf *b, struct src *s, const char *path)
{
	int err;

	memset(b, 0, sizeof(*b));
	b->src = s;
	err = src_open(s, path);
	if (err)
		return err;
	b->buf = b->window = malloc(WINDOW_SIZE);
	if (!b->window) {
		rs_error("out of memory");
		src_close(s);
		return -ENOMEM;
	}
	return 0;
}

void rbuf_close(struct rbuf *b)
{
	free(b->window);
	b->window = NULL;
	src_close(b->src);
}

int rbuf_skip_bom(struct rbuf *b)
{
	ssize_t n;

	while (b->end - b->start < 3 && !b->eof) {
		n = rbuf_fill(b);
		if (n < 0)
			return (int)n;
	}
	if (b->end - b->start >= 3 && !memcmp(b->buf + b->start, "\xef\xbb\xbf", 3))
		b->start += 3;
	return 0;
}

int rbuf_peek_line(struct rbuf *b, const char **line, const char **end)
{
	const char *p, *nl;
	size_t n;
	ssize_t got;

	for (;;) {
		p = b->buf + b->start;
		n = b->end - b->start;
		nl = memchr(p, '\n', n);
		/* A full window is as much of a line as there is room for. */
		if (nl || b->eof || n >= WINDOW_SIZE)
			break;
		got = rbuf_fill(b);
		if (got < 0)
			return (int)got;
	}
	if (!nl && !n)
		return 0;
	*line = p;
	*end = nl ? nl : p + n;
	return 1;
}
