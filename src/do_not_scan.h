/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * do_not_scan.h - ranges a class must not scan (an opt-out list, networks
 * the course declares off limits), each with a label. The file is ZMap's
 * blocklist format, so students can hand the same file to zmap -b:
 *
 *   # comment
 *   198.51.100.0/24   # opt-out: example university
 *   203.0.113.7                        (a /32; label "do-not-scan")
 *
 * The label is the comment after the range. The responder never answers
 * a packet into a range and counts it per student and label
 * (rescan_abi.h, RS_MAP_DO_NOT_SCAN).
 */
#ifndef RESCAN_DO_NOT_SCAN_H
#define RESCAN_DO_NOT_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "rescan_abi.h"

#define DNS_DEFAULT_LABEL "do-not-scan"
#define DNS_LABEL_MAX 48

struct dns_range {
	uint32_t addr;		/* host order, host bits clear */
	uint8_t prefix;
	uint8_t label;		/* index into labels */
};

struct dns_list {
	struct dns_range *ranges;
	size_t n;
	char labels[RS_DNS_LABELS][DNS_LABEL_MAX + 1];
	unsigned nlabels;
};

/* Read path; a bad line is one error "PATH:LINE: what". */
int dns_list_read(const char *path, struct dns_list *d);
/* Put d's ranges into the responder's do_not_scan trie. */
int dns_list_load(const struct dns_list *d, int map_fd);
void dns_list_free(struct dns_list *d);

#endif /* RESCAN_DO_NOT_SCAN_H */
