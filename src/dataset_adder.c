// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataset_adder.c - the batched inserter between the format readers and the
 * set.
 *
 * ZMap writes its results in random order, and a random store into the
 * 512 MiB bitmap misses the cache and the TLB every time (on a VM, a
 * two-dimensional page walk), even with stores trailing prefetches. Sorted
 * by /16 block, the stores of a block land on its own 8 KiB while they are
 * in the cache. The sort is a radix sort over the top 16 bits, two passes of
 * 8 bits, on a worker thread while the reader fills the other batch.
 * Measured with `make bench` (bench/ANALYSIS.md).
 */
#include "dataset_adder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Another adder may write the same set (a file read in two halves). */
static void set_lock(struct adder *a)
{
	if (a->lock)
		pthread_mutex_lock(a->lock);
}

static void set_unlock(struct adder *a)
{
	if (a->lock)
		pthread_mutex_unlock(a->lock);
}

static void sort_insert(struct adder *a, uint32_t *src, uint32_t *dst, uint32_t n)
{
	uint32_t count[256], i, shift, sum, c, *t;

	for (shift = 16; shift <= 24 && n > 4096; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[src[i] >> shift & 255]++;
		for (sum = 0, i = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[src[i] >> shift & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	set_lock(a);
	for (i = 0; i < n; i++)
		ipset_add(a->set, src[i]);
	set_unlock(a);
}

static void *adder_worker(void *arg)
{
	struct adder *a = arg;

	sort_insert(a, a->wbuf, a->mem + 2 * (size_t)a->batch, a->wn);
	return NULL;
}

int adder_init(struct adder *a, struct ipset *set, uint32_t batch)
{
	memset(a, 0, sizeof(*a));
	a->set = set;
	a->batch = batch;
	a->mem = malloc(3 * (size_t)batch * sizeof(*a->mem));
	if (!a->mem) {
		rs_error("out of memory");
		return -ENOMEM;
	}
	a->buf = a->mem;
	return 0;
}

void adder_sync(struct adder *a)
{
	if (a->busy) {
		pthread_join(a->worker, NULL);
		a->busy = false;
	}
}

void adder_handoff(struct adder *a)
{
	adder_sync(a);
	a->pushed += a->n;
	a->wbuf = a->buf;
	a->wn = a->n;
	a->buf = a->buf == a->mem ? a->mem + a->batch : a->mem;
	a->n = 0;
	if (pthread_create(&a->worker, NULL, adder_worker, a) == 0)
		a->busy = true;
	else	/* no thread: insert it here */
		adder_worker(a);
}

void adder_flush(struct adder *a)
{
	if (!a->mem)
		return;
	adder_sync(a);
	a->pushed += a->n;
	sort_insert(a, a->buf, a->mem + 2 * (size_t)a->batch, a->n);
	a->n = 0;
}

void adder_free(struct adder *a)
{
	adder_sync(a);
	free(a->mem);
	a->mem = NULL;
}

void adder_add_range(struct adder *a, uint32_t first, uint32_t last)
{
	adder_sync(a);
	a->pushed += (uint64_t)last - first + 1;
	set_lock(a);
	ipset_add_range(a->set, first, last);
	set_unlock(a);
}
