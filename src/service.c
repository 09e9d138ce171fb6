// SPDX-License-Identifier: GPL-2.0-only
#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rescan_abi.h"
#include "util.h"

int svc_parse(const char *spec, struct rs_svc *out)
{
	uint64_t port;

	if (!strcmp(spec, "icmp") || !strcmp(spec, "icmp/echo")) {
		out->slot = RS_SLOT_ICMP;
		out->port = RS_ICMP_ECHO;
		return 0;
	}
	if (!strncmp(spec, "tcp/", 4)) {
		if (parse_u64(spec + 4, &port) || port == 0 || port > 65535) {
			rs_error("service '%s': port must be 1-65535", spec);
			return -EINVAL;
		}
		out->slot = RS_SLOT_TCP;
		out->port = (uint32_t)port;
		return 0;
	}
	if (!strncmp(spec, "udp/", 4)) {
		rs_error("service '%s': UDP services are not answered yet (supported: tcp/PORT, icmp)", spec);
		return -EINVAL;
	}
	rs_error("unknown service '%s' (supported: tcp/PORT, icmp)", spec);
	return -EINVAL;
}

void svc_format(struct rs_svc s, char *buf, int len)
{
	switch (s.slot) {
	case RS_SLOT_TCP:
		snprintf(buf, len, "tcp/%u", s.port);
		break;
	case RS_SLOT_UDP:
		snprintf(buf, len, "udp/%u", s.port);
		break;
	case RS_SLOT_ICMP:
		snprintf(buf, len, s.port == RS_ICMP_ECHO ? "icmp" : "icmp/%u", s.port);
		break;
	default:
		snprintf(buf, len, "slot%u/%u", s.slot, s.port);
	}
}

int svc_ip_proto(struct rs_svc s)
{
	static const int proto[RS_NR_SLOTS] = { [RS_SLOT_TCP] = 6, [RS_SLOT_UDP] = 17, [RS_SLOT_ICMP] = 1 };

	return s.slot < RS_NR_SLOTS ? proto[s.slot] : -1;
}
