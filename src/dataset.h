/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset.h - readers for the files real scanners write. Each reader adds
 * the hosts a file reports as answering one service to an ipset.
 *
 * Formats (detected from the content, never the file name):
 *   zmap-csv      ZMap CSV with a header line naming a "saddr" column; if a
 *                 "success" column exists only rows with success 1 count,
 *                 and if a "classification" column exists rows classified
 *                 "rst" (and other non-answers) are skipped
 *   addresses     one IPv4 address or CIDR block per line (ZMap's bare
 *                 output, hand-written lists); '#' starts a comment
 *   masscan-list  masscan -oL: "open tcp 80 192.0.2.1 1700000000"
 *   masscan-json  masscan -oJ
 * Any of them may be gzip- or zstd-compressed (detected by magic bytes).
 * masscan files carry their own proto/port: lines for other services of the
 * same file are skipped and counted, so one masscan file can feed several
 * services.
 */
#ifndef RESCAN_DATASET_H
#define RESCAN_DATASET_H

#include <stdint.h>

#include "ipset.h"
#include "service.h"

enum dataset_format {
	DS_UNKNOWN = 0,
	DS_ZMAP_CSV,
	DS_ADDRESSES,
	DS_MASSCAN_LIST,
	DS_MASSCAN_JSON,
};

struct dataset_stats {
	enum dataset_format format;
	uint64_t lines;		/* lines (or JSON records) read */
	uint64_t added;		/* addresses added (a CIDR line adds many) */
	uint64_t skipped;	/* records for other services or non-answers */
	uint32_t parts;		/* pieces parsed at once: 2 for a big plain file */
};

const char *dataset_format_name(enum dataset_format f);

/*
 * Read path and add the hosts that answer svc to set. On a malformed
 * record fails with "<path>:<line>: <what>" (via rs_error) and -EINVAL;
 * the caller then discards set. Progress is shown on a TTY for big files.
 */
int dataset_read(const char *path, struct rs_svc svc, struct ipset *set,
		 struct dataset_stats *st);

#endif
