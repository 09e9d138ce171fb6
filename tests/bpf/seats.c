// SPDX-License-Identifier: GPL-2.0-only
/*
 * seats.c - the seated responders' seats and the do-not-scan ranges
 * (fixture.h), written into their maps after loading, as the lab writes
 * them for a class. A seat goes where BPF_PROG_TEST_RUN's frames come in:
 * the loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture.h"

int seat_set(enum responder on, uint32_t addr, uint32_t mask, uint64_t interval_ns,
	     uint64_t burst_ns)
{
	struct rs_seat seat = { .addr = htonl(addr), .mask = htonl(mask),
				.interval_ns = interval_ns, .burst_ns = burst_ns };
	uint32_t ifindex = if_nametoindex("lo");

	if (!ifindex)
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(responder(on)->maps.seats), &ifindex, &seat, BPF_ANY))
		return -errno;
	return 0;
}

static int ranges_put(enum responder on)
{
	static const struct {
		uint32_t addr;
		uint32_t prefix, label;
	} ranges[] = {
		{ STATES_OPEN_NET, 29, DNS_OPEN },
		{ DNS_HOST, 32, DNS_ONE },
		{ DNS_POLICY_HALF, 25, DNS_LAST },
		{ IP(100, 64, 0, 0), 10, DNS_CGN },
		{ STATES_SILENT_NET, 24, DNS_PAST },
	};
	int fd = bpf_map__fd(responder(on)->maps.do_not_scan);
	size_t i;

	for (i = 0; i < N_ROWS(ranges); i++) {
		struct rs_dns_key k = { ranges[i].prefix, htonl(ranges[i].addr) };

		if (bpf_map_update_elem(fd, &k, &ranges[i].label, BPF_NOEXIST))
			return -errno;
	}
	return 0;
}

int seat_responders(void)
{
	int err = seat_set(ON_SEAT_ONE, STUDENT_IP, IP(255, 255, 255, 255), 0, 0);

	if (!err)
		err = seat_set(ON_SEAT_NET, LAB_NET, OWN_SEAT_MASK, 0, 0);
	if (!err)
		err = ranges_put(ON_SEAT_ONE);
	if (!err)
		err = ranges_put(ON_STATES);
	return err;
}
