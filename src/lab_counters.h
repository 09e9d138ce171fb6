/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab_counters.h - a running lab's counters, read in one go: the
 * responder's totals by verdict, what reached the scanner side, and per
 * scanner of the lab (each student's seat is a row, rescan_abi.h
 * RS_SOURCES) the same verdicts, what was delivered to it and its probes
 * into each do-not-scan range; per service of the world, its probes and
 * answers. `rescan stats`, `rescan top`, the lab's monitor and the grader
 * read them here.
 */
#ifndef RESCAN_LAB_COUNTERS_H
#define RESCAN_LAB_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "do_not_scan.h"
#include "lab.h"
#include "rescan_abi.h"

struct counter_desc {
	const char *name;
	const char *help;
};

/* Names and help of the responder's counters and of the scanner side's. */
extern const struct counter_desc lab_responder_desc[RS_NR_COUNTERS];
extern const struct counter_desc lab_side_desc[RS_NR_LAB_COUNTERS];
/* ... and of a service's (probes, open, closed). */
extern const struct counter_desc lab_service_desc[RS_NR_SVC_COUNTERS];

/* The names of the two shared service buckets (rescan_abi.h). */
#define LAB_SVC_NONE_NAME "no_service"
#define LAB_SVC_OTHER_NAME "other"
#define LAB_SVC_NAME_MAX 24	/* "icmp/timestamp", "tcp/65535", "no_service" */

struct lab_counters {
	uint64_t resp[RS_NR_COUNTERS];
	uint64_t side[RS_NR_LAB_COUNTERS];
	/* Per row (the host part of a lab address): */
	uint64_t src[RS_SOURCES * RS_NR_COUNTERS];	/* the responder's verdicts */
	uint64_t dest[RS_SOURCES * RS_NR_LAB_COUNTERS];	/* delivered to it */
	uint64_t dns[RS_SOURCES * RS_DNS_LABELS];	/* probes into do-not-scan ranges */
	char labels[RS_DNS_LABELS][DNS_LABEL_MAX + 1];	/* of those ranges, by index */
	unsigned nlabels;
	/*
	 * Per service bucket (rescan_abi.h, RS_SVC_BUCKETS), if the lab
	 * counts per service (one brought up by an older rescan does not):
	 * its counters and its service's name as svc_format() writes it,
	 * LAB_SVC_NONE_NAME, or LAB_SVC_OTHER_NAME if the world has services
	 * past the counted ones; "" if it has no service.
	 */
	bool services;
	uint64_t svc[RS_SVC_BUCKETS * RS_NR_SVC_COUNTERS];	/* enum rs_svc_counter */
	char svc_names[RS_SVC_BUCKETS][LAB_SVC_NAME_MAX];
};

/*
 * Read every counter of lab l (up) into c; with totals_only, resp and
 * side alone. 0, or -errno with the error recorded.
 */
int lab_counters_read(const struct lab *l, struct lab_counters *c, bool totals_only);

static inline const uint64_t *lab_svc_counters(const struct lab_counters *c, uint32_t bucket)
{
	return c->svc + (size_t)bucket * RS_NR_SVC_COUNTERS;
}

/* The probes of a service bucket the responder answered, open or closed. */
static inline uint64_t lab_svc_answered(const struct lab_counters *c, uint32_t bucket)
{
	return lab_svc_counters(c, bucket)[RS_SVC_CNT_OPEN] +
	       lab_svc_counters(c, bucket)[RS_SVC_CNT_CLOSED];
}

/* Is the bucket a service's, or has it counted a probe? */
static inline bool lab_svc_used(const struct lab_counters *c, uint32_t bucket)
{
	return c->svc_names[bucket][0] || lab_svc_counters(c, bucket)[RS_SVC_CNT_PROBES];
}

static inline const uint64_t *lab_row_verdicts(const struct lab_counters *c, uint32_t row)
{
	return c->src + (size_t)row * RS_NR_COUNTERS;
}

static inline const uint64_t *lab_row_delivered(const struct lab_counters *c, uint32_t row)
{
	return c->dest + (size_t)row * RS_NR_LAB_COUNTERS;
}

static inline const uint64_t *lab_row_do_not_scan(const struct lab_counters *c, uint32_t row)
{
	return c->dns + (size_t)row * RS_DNS_LABELS;
}

uint64_t lab_counters_sum(const uint64_t *v, uint32_t n);

/* Every packet the responder saw from a row. */
static inline uint64_t lab_row_packets(const struct lab_counters *c, uint32_t row)
{
	return lab_counters_sum(lab_row_verdicts(c, row), RS_NR_COUNTERS);
}

/* The probes of a row that the responder answered (the tx_* verdicts). */
uint64_t lab_row_answered(const struct lab_counters *c, uint32_t row);

/* Did the row send or receive anything? */
bool lab_row_used(const struct lab_counters *c, uint32_t row);

/*
 * How many students are seated in lab l (up): the seats of one address
 * (rescan_abi.h, struct rs_seat), whether lab up made them or they
 * joined. -errno with the error recorded if the seats cannot be read.
 */
int lab_students_seated(const struct lab *l);

/* The student a row is (1 to LAB_STUDENTS_MAX), else 0. */
unsigned lab_row_student(const struct lab *l, uint32_t row);

/* The row's lab address, dotted. */
void lab_row_addr(const struct lab *l, uint32_t row, char *buf, size_t len);

#endif
