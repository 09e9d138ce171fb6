/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset.h - readers for the files real scanners write. Each reader adds
 * the hosts a file reports in one state (open, closed, filtered) of one
 * service to an ipset.
 *
 * The format is detected from the content, never the file name (the
 * formats are the modules src/format_*.c; dataset_formats_help lists
 * them), and any file may be gzip- or zstd-compressed (detected by magic
 * bytes). Formats that carry their own proto/port (masscan's, nmap's) skip
 * and count the records for other services, so one file can feed several;
 * records in another state of the service are counted and remembered
 * (states_seen), so the file is read again for those.
 */
#ifndef RESCAN_DATASET_H
#define RESCAN_DATASET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipset.h"
#include "rescan_abi.h"
#include "service.h"

/*
 * What to read: the hosts of svc in state want. Records that carry no
 * state (an address list) are in state implied.
 *
 * up (host discovery, for grading): instead, the hosts the file shows up,
 * whatever their service; svc and want are not asked. A host is up when a
 * record shows it answered a probe: nmap's <status state="up"> (-oX) or
 * "Status: Up" (-oG); a masscan record in state open or closed, of any
 * port or ICMP; a ZMap row of success 1, or a failure that is the host's
 * own answer (a RST, or its ICMP port unreachable); every address of a
 * list (implied should then be open).
 */
struct dataset_query {
	struct rs_svc svc;
	enum rs_state want;
	enum rs_state implied;
	bool up;
};

struct dataset_stats {
	const char *format;	/* the format read ("zmap-csv"); "unknown" before one is */
	uint64_t lines;		/* lines (or JSON records) read */
	uint64_t added;		/* addresses added (a CIDR line adds many) */
	uint64_t reported;	/* addresses read in the state: added, or in the set already */
	uint64_t skipped;	/* records for other services, states, or non-answers */
	uint32_t states_seen;	/* 1 << state of each state of svc skipped: read again for it */
	uint32_t parts;		/* pieces parsed at once: 2 for a big plain file */
};

/* One line per format, in the order they are tried: name, what it looks like. */
void dataset_formats_help(FILE *f);

/*
 * Read path and add the hosts in state q->want of q->svc to set. On a
 * malformed record fails with "<path>:<line>: <what>" (via rs_error) and
 * -EINVAL; the caller then discards set. Progress is shown on a TTY for
 * big files.
 */
int dataset_read(const char *path, const struct dataset_query *q, struct ipset *set,
		 struct dataset_stats *st);

#endif
