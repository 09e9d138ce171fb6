/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * assignment.h - what students are asked to scan and how they are graded,
 * in one file that `rescan lab up --assignment` and `rescan grade
 * --assignment` both read, so the two cannot drift apart:
 *
 *   # week 3: find the web servers of 41.1.0.0/16
 *   name          = http-survey
 *   world         = synth:1              # a world file, synth:SEED, or synth:random
 *   range         = 41.1.0.0/16          # several: separated by blanks or commas
 *   service       = tcp/80               # several: graded each, and in total
 *   state         = open                 # open (default), closed, filtered
 *   discovery     = icmp tcp/443 tcp/80 icmp/timestamp   # for service "hosts"
 *   scanner       = zmap                 # what the students are told to use (any)
 *   student_rate  = 20000                # each student's cap, probes/s (lab up)
 *   student_burst = 2000
 *   do_not_scan   = opt-out.txt          # relative to this file (lab up, grade)
 *   min_recall    = 0.95                 # grade fails below these
 *   min_precision = 0.99
 *
 * The service "hosts" is host discovery: which hosts of the ranges are up.
 * A host is up when it answers at least one probe of the discovery set:
 * an ICMP request when it is open; a TCP port when it answers at all (open:
 * SYN-ACK, closed: RST; a SYN and an ACK probe alike); a UDP port when open
 * or closed. The default set is exactly nmap -sn's default host discovery
 * (as root): an echo request, a SYN to 443, an ACK to 80 and a timestamp
 * request. A result reports a host up by any answer it records (grade.h).
 *
 * Keys are the ones above, each at most once; '#' starts a comment; a
 * world or do-not-scan file is relative to the assignment's directory. A
 * bad line is one error "PATH:LINE: what".
 */
#ifndef RESCAN_ASSIGNMENT_H
#define RESCAN_ASSIGNMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service.h"

#define ASSIGN_RANGES_MAX 64
#define ASSIGN_SERVICES_MAX 16
#define ASSIGN_DISCOVERY_MAX 16
#define ASSIGN_TEXT_MAX 256

struct addr_range {
	uint32_t first, last;	/* host order, inclusive */
};

struct assignment {
	char path[ASSIGN_TEXT_MAX];	/* where it was read from; "" when built from flags */
	char name[64];
	char world[ASSIGN_TEXT_MAX];		/* "" when not given */
	char scanner[32];
	char do_not_scan[ASSIGN_TEXT_MAX];	/* resolved against the file's directory */
	struct addr_range ranges[ASSIGN_RANGES_MAX];
	unsigned nranges;
	struct rs_svc services[ASSIGN_SERVICES_MAX];
	unsigned nservices;
	int state;			/* enum rs_state */
	struct rs_svc discovery[ASSIGN_DISCOVERY_MAX];	/* the probes that find "hosts" up */
	unsigned ndiscovery;
	uint64_t student_rate, student_burst;	/* 0: not given */
	double min_recall, min_precision;	/* 0: no threshold */
};

/* An assignment with nothing asked yet: state open, nmap -sn's discovery, no thresholds. */
void assignment_init(struct assignment *a);

/* Read path into a (after assignment_init). 0, or -errno with the error recorded. */
int assignment_read(const char *path, struct assignment *a);

/*
 * A list of CIDR blocks or addresses ("41.1.0.0/16, 41.2.0.0/24") added to
 * a's ranges, or of services ("tcp/80 tcp/443") to its services; what
 * names the list in an error ("--range").
 */
int assignment_add_ranges(struct assignment *a, const char *list, const char *what);
int assignment_add_services(struct assignment *a, const char *list, const char *what);
/* A discovery set ("icmp tcp/443") in place of a's: TCP, UDP ports and ICMP requests. */
int assignment_set_discovery(struct assignment *a, const char *list, const char *what);

/*
 * What a asks, for a report's header: "tcp/80, tcp/443 open", "hosts up
 * (by icmp, tcp/443, tcp/80, icmp/timestamp)", or both joined by "; ".
 */
void assignment_asked(const struct assignment *a, char *buf, size_t len);

/* Addresses in a's ranges (overlaps counted once). */
uint64_t assignment_range_size(const struct assignment *a);

/* Is addr in one of a's ranges? */
bool assignment_in_range(const struct assignment *a, uint32_t addr);

#endif
