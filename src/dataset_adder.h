/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset_adder.h - how the format readers' addresses reach the set: in
 * batches sorted by /16 block, inserted on a second thread while the reader
 * fills the next batch (see dataset_adder.c for why). adder_push is inline:
 * it runs once per address.
 */
#ifndef RESCAN_DATASET_ADDER_H
#define RESCAN_DATASET_ADDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipset.h"

#ifndef ADD_BATCH		/* the fuzz targets hand small batches over */
#define ADD_BATCH (1u << 24)	/* addresses per sorted batch (3 such buffers: 192 MiB) */
#endif

struct adder {
	struct ipset *set;
	uint32_t *buf;		/* the batch being filled */
	uint32_t n;
	uint32_t *mem;		/* 3 * batch: two batches and the sort's scratch */
	uint32_t *wbuf;		/* the batch the worker inserts */
	uint32_t wn;
	uint32_t batch;		/* addresses per batch, at most ADD_BATCH */
	pthread_t worker;
	bool busy;		/* worker running: nobody else may touch the set */
	pthread_mutex_t *lock;	/* set when another adder writes the same set */
	uint64_t pushed;	/* addresses given to it, each time it was given one */
};

int adder_init(struct adder *a, struct ipset *set, uint32_t batch);
/* Wait for the worker: afterwards the set may be read or written. */
void adder_sync(struct adder *a);
/* The batch is full: the worker inserts it, the reader fills the other one. */
void adder_handoff(struct adder *a);
/* Everything pushed so far is in the set when this returns. */
void adder_flush(struct adder *a);
void adder_free(struct adder *a);
/* first..last into the set at once, in turn with the worker and any other adder. */
void adder_add_range(struct adder *a, uint32_t first, uint32_t last);

static inline void adder_push(struct adder *a, uint32_t addr)
{
	a->buf[a->n++] = addr;
	if (a->n == a->batch)
		adder_handoff(a);
}

#endif
