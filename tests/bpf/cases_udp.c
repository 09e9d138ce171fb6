// SPDX-License-Identifier: GPL-2.0-only
/*
 * cases_udp.c - UDP against the states world (fixture.h), apart from the
 * protocols' own replies (cases_udp_apps.c): any open port without a
 * protocol of its own echoes the payload (udp/7 here), a closed port
 * answers ICMP port unreachable, by the host's own list (udp/53) or its
 * policy for unlisted ports ("udp/" and a star); a filtered port and a silent host
 * say nothing; UDP whose headers do not hold up is malformed, UDP with IP
 * options or beyond a 1500-byte packet not answered. The runner builds
 * each expected reply itself (frame_udp.c) and compares every byte.
 */
#include "cases.h"
#include "fixture.h"

#define OPEN_HOST (STATES_OPEN_NET + 1)
#define CLOSED_HOST (STATES_CLOSED_NET + 1)
#define FILTERED_HOST (STATES_FILTERED_NET + 1)
#define POLICY_HOST (STATES_POLICY_NET + 7)
#define SILENT_HOST (STATES_SILENT_NET + 1)
#define ECHO_PORT 7

static const struct tcase echo[] = {
	{ "udp echo: nmap's payload for port 7", UDP_APP_TO(OPEN_HOST, ECHO_PORT, UA_NMAP_ECHO),
	  .on = ON_STATES },
	{ "udp echo: no payload (nmap, unknown ports)", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .on = ON_STATES },
	{ "udp echo: 1 byte", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 1, .on = ON_STATES },
	{ "udp echo: 7 bytes", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 7, .on = ON_STATES },
	{ "udp echo: 8 bytes", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 8, .on = ON_STATES },
	{ "udp echo: 29 bytes, odd", UDP_TO(STATES_OPEN_NET + 9, ECHO_PORT), .payload = 29,
	  .on = ON_STATES },
	{ "udp echo: 1472 bytes, a full 1500-byte packet", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .payload = 1472, .on = ON_STATES },
	{ "udp echo: Ethernet padding cut", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 2, .pad = 12,
	  .pad_fill = 0xa5, .on = ON_STATES },
	{ "udp echo: bytes after the UDP length not echoed", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .payload = 20, .damage = SET_UDP_LEN(8 + 12), .on = ON_STATES },
	{ "udp echo: TOS, DF and IP id kept", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 5,
	  .tos = 0x2e, .frag = 0x4000, .on = ON_STATES },
	{ "udp echo: source port 53", UDP_TO(OPEN_HOST, ECHO_PORT), .sport = 53, .payload = 3,
	  .on = ON_STATES },
};

static const struct tcase unreach[] = {
	{ "udp closed: a listed closed port", UDP_APP_TO(CLOSED_HOST, 53, UA_DNS_A),
	  .app_id = 0x1234, .on = ON_STATES },
	{ "udp closed: last of the nine", UDP_TO(STATES_CLOSED_NET + 9, 53), .on = ON_STATES },
	{ "udp closed: payload beyond the quote", UDP_TO(CLOSED_HOST, 53), .payload = 100,
	  .on = ON_STATES },
	{ "udp closed: Ethernet padding cut", UDP_TO(CLOSED_HOST, 53), .pad = 18, .pad_fill = 0x5a,
	  .on = ON_STATES },
	{ "udp closed: TOS 0xff, 0xde in the error as from Linux", UDP_TO(CLOSED_HOST, 53),
	  .tos = 0xff, .on = ON_STATES },
	{ "udp closed: a DF probe, no DF in the error", UDP_TO(CLOSED_HOST, 53), .frag = 0x4000,
	  .payload = 4, .on = ON_STATES },
	{ "udp closed: quoted TTL as it arrived", UDP_TO(CLOSED_HOST, 53), .ttl = 37,
	  .on = ON_STATES },
	{ "udp closed by policy: unlisted port (traceroute's)", UDP_TO(POLICY_HOST, 33434),
	  .payload = 32, .on = ON_STATES },
	{ "udp closed by policy: a port open elsewhere (snmp)",
	  UDP_APP_TO(POLICY_HOST, 161, UA_SNMP_NMAP), .on = ON_STATES },
	{ "udp closed by policy: port 0", UDP_TO(POLICY_HOST, 0), .on = ON_STATES },
	{ "udp closed by policy: port 65535", UDP_TO(STATES_POLICY_NET + 255, 65535),
	  .on = ON_STATES },
	{ "udp closed by policy: filtered net, unlisted host",
	  UDP_TO(STATES_FILTERED_NET + 100, 53), .on = ON_STATES },
	{ "udp closed by policy: another scanner's address", UDP_TO(POLICY_HOST, 9),
	  .saddr = IP(100, 64, 0, 131), .sport = 61000, .on = ON_STATES },
};

static const struct tcase filtered[] = {
	{ "udp filtered: host in the policy too", UDP_TO(FILTERED_HOST, 53), .on = ON_STATES },
	{ "udp filtered: a DNS query", UDP_APP_TO(STATES_FILTERED_NET + 9, 53, UA_DNS_A),
	  .on = ON_STATES },
};

static const struct tcase silent[] = {
	{ "udp silent: host in no set", UDP_TO(SILENT_HOST, 53), .on = ON_STATES },
	{ "udp silent: open host, unlisted port", UDP_TO(OPEN_HOST, 9999), .payload = 4,
	  .on = ON_STATES },
	{ "udp silent: closed host, unlisted port", UDP_TO(CLOSED_HOST, 123), .on = ON_STATES },
	{ "udp silent: banner net, echo port", UDP_TO(STATES_BANNER_NET + 1, ECHO_PORT),
	  .on = ON_STATES },
};

static const struct tcase no_service[] = {
	{ "udp: a world without UDP", UDP_TO(IP(10, 1, 0, 5), 53), .payload = 12 },
	{ "udp: a world without UDP, no payload", UDP_TO(IP(10, 1, 0, 5), 7) },
};

static const struct tcase malformed[] = {
	{ "udp malformed: header cut to 7 bytes", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .damage = L4_CUT_TO(7), .on = ON_STATES },
	{ "udp malformed: no header at all", UDP_TO(OPEN_HOST, ECHO_PORT), .damage = L4_CUT_TO(0),
	  .on = ON_STATES },
	{ "udp malformed: length past the IP packet", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 10,
	  .damage = SET_UDP_LEN(8 + 11), .on = ON_STATES },
	{ "udp malformed: datagram cut, length says more", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .payload = 10, .damage = L4_CUT_TO(12), .on = ON_STATES },
	{ "udp malformed: length 7", UDP_TO(OPEN_HOST, ECHO_PORT), .payload = 10,
	  .damage = SET_UDP_LEN(7), .on = ON_STATES },
	{ "udp malformed: length 0", UDP_TO(CLOSED_HOST, 53), .damage = SET_UDP_LEN(0),
	  .on = ON_STATES },
};

static const struct tcase unsupported[] = {
	{ "udp unsupported: IP options", UDP_TO(OPEN_HOST, ECHO_PORT), .ip_opts = 4,
	  .on = ON_STATES },
	{ "udp unsupported: 40 bytes of IP options to a closed port", UDP_TO(CLOSED_HOST, 53),
	  .ip_opts = 40, .on = ON_STATES },
	{ "udp unsupported: IP options beat a bad length", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .ip_opts = 4, .damage = SET_UDP_LEN(3), .on = ON_STATES },
	{ "udp unsupported: 1473 bytes, past a 1500-byte packet", UDP_TO(OPEN_HOST, ECHO_PORT),
	  .payload = 1473, .on = ON_STATES },
	{ "udp unsupported: fragment", UDP_TO(OPEN_HOST, ECHO_PORT), .frag = 0x2000, .payload = 8,
	  .on = ON_STATES },
};

static const struct case_table tables[] = {
	CASE_TABLE("UDP to an open port without a protocol of its own: the payload echoed",
		   TX_UDP_ECHO, echo),
	CASE_TABLE("UDP to a closed port: ICMP port unreachable", TX_PORT_UNREACH, unreach),
	CASE_TABLE("UDP to a filtered port: silence", DROP_FILTERED, filtered),
	CASE_TABLE("UDP to hosts in no set and unlisted ports of silent hosts: silence",
		   DROP_NOT_IN_WORLD, silent),
	CASE_TABLE("UDP to a world without UDP services", DROP_NO_SERVICE, no_service),
	CASE_TABLE("UDP headers that do not hold up", DROP_MALFORMED, malformed),
	CASE_TABLE("UDP in a form rescan does not answer", DROP_UNSUPPORTED, unsupported),
};

const struct case_file udp_cases = { tables, N_ROWS(tables), NULL, 0 };
