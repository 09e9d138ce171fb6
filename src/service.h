/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * service.h - service specs as users write them: "tcp/80", "udp/53",
 * "icmp", "icmp/timestamp", and a star for the port (SVC_SPECS) for the
 * hosts' policy on the ports the world does not list (RS_PORT_OTHER);
 * state names.
 */
#ifndef RESCAN_SERVICE_H
#define RESCAN_SERVICE_H

#include <stdint.h>

struct rs_svc {
	uint32_t slot;	/* enum rs_slot */
	uint32_t port;	/* TCP/UDP port; ICMP request type */
};

#define SVC_SPECS "tcp/PORT, udp/PORT, tcp/*, udp/*, icmp, icmp/timestamp"

/*
 * Not a slot of the world's (enum rs_slot) but grading's "hosts": the hosts
 * that answer any probe of an assignment's discovery set (assignment.h).
 * svc_format writes it; svc_parse never reads it.
 */
#define SVC_SLOT_HOSTS 15u

/* Parse a spec; on error records a message naming it and returns -EINVAL. */
int svc_parse(const char *spec, struct rs_svc *out);
/* "tcp/80", "icmp"; the policy with a star for its port */
void svc_format(struct rs_svc s, char *buf, int len);
/* The reply a UDP service on this port gives: enum rs_udp_reply. */
uint32_t svc_udp_reply(uint32_t port);
/* "open", "closed", "filtered" (enum rs_state), "silent" (RS_STATE_SILENT). */
const char *svc_state_name(unsigned st);
/* The enum rs_state of "open", "closed" or "filtered"; -EINVAL (message set) otherwise. */
int svc_state_parse(const char *name);
/* IP protocol number (6, 17, 1) of a slot. */
int svc_ip_proto(struct rs_svc s);

#endif
