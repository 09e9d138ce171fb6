// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataset_lines.c - the reader of the line formats: each line of the file
 * to the format's line handler, and a big plain file in two halves at once.
 *
 * The second half runs on its own thread with its own ds and adder; the two
 * adders take turns writing the set. Parsing is most of a build, and
 * scanners write one record per line, so any line boundary is a place to
 * cut. Counts, the set and the line numbers in messages are those of one
 * reader going through the file from the top.
 */
#include "dataset_format.h"

#include <unistd.h>

#ifndef SPLIT_MIN_BYTES		/* the fuzz targets split small files too */
#define SPLIT_MIN_BYTES (64u << 20)
#endif
#define SPLIT_PROGRESS_LINES 0xfffff	/* report progress every 2^20 lines */

struct half {
	struct ds d;
	struct dataset_stats st;
	struct rbuf b;
	pthread_t thread;
	int err;
	bool too_long;			/* rbuf_line's error, else the line's */
	const char *bad, *bad_end;	/* the line it stopped at */
	uint64_t bad_lineno;		/* counted from the half's start */
	size_t done;			/* bytes of the half consumed (atomic) */
	int stop;			/* the first half failed (atomic) */
};

static void *half_worker(void *arg)
{
	struct half *h = arg;
	int (*line)(struct ds *d, const char *p, const char *end) = h->d.fmt->line;
	const char *p = NULL, *end = NULL;
	int ret;

	while ((ret = rbuf_line(&h->b, &p, &end)) > 0) {
		h->d.lineno = h->b.lineno;
		h->err = line(&h->d, p, end);
		if (h->err) {
			h->bad = p;
			h->bad_end = end;
			h->bad_lineno = h->b.lineno;
			return NULL;
		}
		if (!(h->b.lineno & SPLIT_PROGRESS_LINES)) {
			__atomic_store_n(&h->done, h->b.start, __ATOMIC_RELAXED);
			if (__atomic_load_n(&h->stop, __ATOMIC_RELAXED))
				return NULL;
		}
	}
	if (ret < 0) {
		h->err = ret;
		h->too_long = true;
		h->bad_lineno = h->b.lineno + 1;
	}
	return NULL;
}

/* Cut b's unread bytes after the first newline past their middle. */
static bool half_start(struct ds *d, struct rbuf *b, struct half *h, pthread_mutex_t *lock)
{
	size_t mid = b->start + (b->end - b->start) / 2, cut;
	const char *nl;

	if (!b->src->map || b->end - b->start < SPLIT_MIN_BYTES || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	nl = memchr(b->buf + mid, '\n', b->end - mid);
	if (!nl || (size_t)(nl + 1 - b->buf) == b->end)
		return false;
	cut = (size_t)(nl + 1 - b->buf);
	memset(h, 0, sizeof(*h));
	h->d = *d;
	h->d.st = &h->st;
	h->st.format = d->st->format;
	if (adder_init(&h->d.add, d->add.set, ADD_BATCH / 2))
		return false;
	h->b = (struct rbuf){ .src = b->src, .buf = b->buf, .start = cut, .end = b->end,
			      .eof = true };
	h->done = cut;
	/* The set is shared from here: no batch of mine in flight, then all under the lock. */
	adder_sync(&d->add);
	d->add.lock = h->d.add.lock = lock;
	if (pthread_create(&h->thread, NULL, half_worker, h)) {
		adder_free(&h->d.add);
		d->add.lock = NULL;
		return false;
	}
	/* Not h->b.start: the second half's thread is moving it already. */
	b->end = cut;
	return true;
}

/* Wait for the second half; its error, with the line counted from the file's start. */
static int half_finish(struct ds *d, struct rbuf *b, struct half *h, int err)
{
	if (err)
		__atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
	pthread_join(h->thread, NULL);
	adder_flush(&h->d.add);
	d->add.pushed += h->d.add.pushed;
	d->st->skipped += h->st.skipped;
	d->st->states_seen |= h->st.states_seen;
	if (!err && h->err) {
		err = h->err;
		/*
		 * The message was set on the half's thread (rs_error's buffer is
		 * per thread): the line is read again here, numbered from the
		 * file's start, for the same words.
		 */
		if (h->too_long) {
			line_too_long(b->src->path, b->lineno + h->bad_lineno);
		} else {
			h->d.lineno = b->lineno + h->bad_lineno;
			if (!h->d.fmt->line(&h->d, h->bad, h->bad_end))
				rs_error("%s:%llu: bad record", b->src->path,
					 (unsigned long long)h->d.lineno);
		}
	}
	adder_free(&h->d.add);
	return err;
}

int ds_read_lines(struct ds *d, struct rbuf *b)
{
	static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
	int (*line)(struct ds *d, const char *p, const char *end) = d->fmt->line;
	const char *p = NULL, *end = NULL;
	struct half h;
	bool split;
	int ret, err = 0;

	rbuf_map(b);
	split = half_start(d, b, &h, &set_lock);
	while ((ret = rbuf_line(b, &p, &end)) > 0) {
		d->lineno = b->lineno;
		err = line(d, p, end);
		if (err)
			break;
		if (b->src->map && !(b->lineno & SPLIT_PROGRESS_LINES))
			progress_update(&b->src->prog,
					b->start + (split ? __atomic_load_n(&h.done, __ATOMIC_RELAXED) - b->end : 0));
	}
	if (!err && ret < 0)
		err = ret;
	d->st->parts = split ? 2 : 1;
	if (split) {
		adder_sync(&d->add);
		err = half_finish(d, b, &h, err);
		d->add.lock = NULL;
	}
	/* Every line of the file, the second half's once its thread is joined. */
	d->st->lines = b->lineno + (split ? h.b.lineno : 0);
	return err;
}
