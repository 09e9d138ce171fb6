// SPDX-License-Identifier: GPL-2.0-only
#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rescan_abi.h"
#include "util.h"

/* "tcp/80", "udp/53", or a star for the port: the number, or RS_PORT_OTHER. */
static int parse_port(const char *spec, const char *port, uint32_t *out)
{
	uint64_t v;

	if (!strcmp(port, "*")) {
		*out = RS_PORT_OTHER;
		return 0;
	}
	if (parse_u64(port, &v) || v == 0 || v > 65535) {
		rs_error("service '%s': port must be 1-65535, or * for the ports the world does not list",
			 spec);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int svc_parse(const char *spec, struct rs_svc *out)
{
	if (!strcmp(spec, "icmp") || !strcmp(spec, "icmp/echo")) {
		out->slot = RS_SLOT_ICMP;
		out->port = RS_ICMP_ECHO;
		return 0;
	}
	if (!strcmp(spec, "icmp/timestamp")) {
		out->slot = RS_SLOT_ICMP;
		out->port = RS_ICMP_TIMESTAMP;
		return 0;
	}
	if (!strncmp(spec, "tcp/", 4)) {
		out->slot = RS_SLOT_TCP;
		return parse_port(spec, spec + 4, &out->port);
	}
	if (!strncmp(spec, "udp/", 4)) {
		out->slot = RS_SLOT_UDP;
		return parse_port(spec, spec + 4, &out->port);
	}
	rs_error("unknown service '%s' (supported: " SVC_SPECS ")", spec);
	return -EINVAL;
}

void svc_format(struct rs_svc s, char *buf, int len)
{
	const char *proto = s.slot == RS_SLOT_TCP ? "tcp" : "udp";

	switch (s.slot) {
	case RS_SLOT_TCP:
	case RS_SLOT_UDP:
		if (s.port == RS_PORT_OTHER)
			snprintf(buf, len, "%s/*", proto);
		else
			snprintf(buf, len, "%s/%u", proto, s.port);
		break;
	case RS_SLOT_ICMP:
		if (s.port == RS_ICMP_ECHO)
			snprintf(buf, len, "icmp");
		else if (s.port == RS_ICMP_TIMESTAMP)
			snprintf(buf, len, "icmp/timestamp");
		else
			snprintf(buf, len, "icmp/%u", s.port);
		break;
	case SVC_SLOT_HOSTS:
		snprintf(buf, len, "hosts");
		break;
	default:
		snprintf(buf, len, "slot%u/%u", s.slot, s.port);
	}
}

uint32_t svc_udp_reply(uint32_t port)
{
	switch (port) {
	case 53:
		return RS_UDP_DNS;
	case 123:
		return RS_UDP_NTP;
	case 161:
		return RS_UDP_SNMP;
	case 1900:
		return RS_UDP_SSDP;
	}
	return RS_UDP_ECHO;
}

const char *svc_state_name(unsigned st)
{
	static const char *const names[] = { "open", "closed", "filtered", "silent" };

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

int svc_state_parse(const char *name)
{
	unsigned st;

	for (st = 0; st < RS_NR_STATES; st++)
		if (!strcmp(name, svc_state_name(st)))
			return (int)st;
	rs_error("unknown state '%s' (open, closed or filtered)", name);
	return -EINVAL;
}

int svc_ip_proto(struct rs_svc s)
{
	static const int proto[RS_NR_SLOTS] = { [RS_SLOT_TCP] = 6, [RS_SLOT_UDP] = 17, [RS_SLOT_ICMP] = 1 };

	return s.slot < RS_NR_SLOTS ? proto[s.slot] : -1;
}
