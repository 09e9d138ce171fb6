/* SPDX-License-Identifier: GPL-2.0-only */
/* service.h - service specs as users write them: "tcp/80", "icmp". */
#ifndef RESCAN_SERVICE_H
#define RESCAN_SERVICE_H

#include <stdint.h>

struct rs_svc {
	uint32_t slot;	/* enum rs_slot */
	uint32_t port;	/* TCP/UDP port; ICMP request type */
};

/* Parse a spec; on error records a message naming it and returns -EINVAL. */
int svc_parse(const char *spec, struct rs_svc *out);
/* "tcp/80", "icmp" */
void svc_format(struct rs_svc s, char *buf, int len);
/* IP protocol number (6, 17, 1) of a slot. */
int svc_ip_proto(struct rs_svc s);

#endif
