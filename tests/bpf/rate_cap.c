// SPDX-License-Identifier: GPL-2.0-only
/*
 * rate_cap.c - a seat's rate cap (bpf/rescan_abi.h, struct rs_seat): a
 * burst of probes goes through at once, then one per interval; a probe
 * over the cap is dropped untouched as drop_rate_limited and counted for
 * the seat. Spoofed sources, the lab network and do-not-scan ranges are
 * judged before the cap and take nothing from it, and ARP never meets
 * it. Each row's verdict depends on the rows before it, so every row runs
 * once, in order, on student STUDENT_HOST's seat, which is written anew
 * (its cap's clock reset) before each sequence.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases.h"
#include "fixture.h"
#include "runner.h"

#define BIG_NS 1000000000000ull		/* 1000 s: no probe here earns another */
#define REFILL_NS 200000000ull		/* 200 ms: a sequence waits for it */
#define OPEN_HOST (STATES_OPEN_NET + 9)	/* outside every do-not-scan range */

struct step {
	struct tcase t;
	int expect;
};

#define STUDENT .on = ON_SEAT_ONE, .saddr = STUDENT_IP, IN_ROW(STUDENT_HOST)
#define SYN_OPEN SYN_TO(OPEN_HOST, 80), STUDENT
#define SPOOFED SYN_TO(OPEN_HOST, 80), .on = ON_SEAT_ONE, .saddr = STUDENT_IP + 1, \
		IN_ROW(STUDENT_HOST)
#define INTO_DNS_HOST SYN_TO(DNS_HOST, 80), STUDENT, .dns_label = DNS_ONE

/* Burst 1: the first probe through, every probe after it over the cap. */
static const struct step burst_1[] = {
	{ { "rate: spoofed, before the cap", SPOOFED }, C(DROP_SPOOFED) },
	{ { "rate: the lab network, before the cap", SYN_TO(LAB_NET + 1, 80), STUDENT },
	  C(DROP_LAB_INTERNAL) },
	{ { "rate: do-not-scan, before the cap", INTO_DNS_HOST }, C(DROP_DO_NOT_SCAN) },
	{ { "rate: ARP, never capped", ARP_WHO_HAS(LAB_NET + 1), STUDENT }, C(PASS_ARP) },
	{ { "rate: the first probe, through", SYN_OPEN }, C(TX_SYNACK) },
	{ { "rate: the second, over the cap", SYN_OPEN }, C(DROP_RATE_LIMITED) },
	{ { "rate: a UDP probe, over the same cap",
	    UDP_APP_TO(OPEN_HOST, 53, UA_DNS_NMAP_VERSION), STUDENT },
	  C(DROP_RATE_LIMITED) },
	{ { "rate: over the cap, do-not-scan still first", INTO_DNS_HOST }, C(DROP_DO_NOT_SCAN) },
	{ { "rate: over the cap, spoofed still first", SPOOFED }, C(DROP_SPOOFED) },
	{ { "rate: over the cap, ARP still passed", ARP_WHO_HAS(LAB_NET + 1), STUDENT },
	  C(PASS_ARP) },
};

/* Burst 3 (burst_ns two intervals): three probes through, the fourth over. */
static const struct step burst_3[] = {
	{ { "rate, burst 3: the first", SYN_OPEN }, C(TX_SYNACK) },
	{ { "rate, burst 3: the second", SYN_OPEN }, C(TX_SYNACK) },
	{ { "rate, burst 3: the third", SYN_OPEN }, C(TX_SYNACK) },
	{ { "rate, burst 3: the fourth, over the cap", SYN_OPEN }, C(DROP_RATE_LIMITED) },
};

/* An interval of REFILL_NS: one through, one over, then (after it) one through. */
static const struct step refill_before[] = {
	{ { "rate, refill: the first", SYN_OPEN }, C(TX_SYNACK) },
	{ { "rate, refill: the second, at once, over", SYN_OPEN }, C(DROP_RATE_LIMITED) },
};
static const struct step refill_after[] = {
	{ { "rate, refill: an interval later, through", SYN_OPEN }, C(TX_SYNACK) },
};

static bool run_steps(const struct step *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!check_row_once(&s[i].t, s[i].expect))
			return false;
	return true;
}

/* The student's seat with a cap of interval and burst, its clock reset. */
static bool cap(uint64_t interval_ns, uint64_t burst_ns)
{
	int err = seat_set(ON_SEAT_ONE, STUDENT_IP, IP(255, 255, 255, 255), interval_ns, burst_ns);

	if (err)
		printf("#   setting the student's seat failed: %s\n", strerror(-err));
	return !err;
}

bool rate_cap_holds(void)
{
	const struct timespec wait = { 0, REFILL_NS + REFILL_NS / 4 };
	bool ok = cap(BIG_NS, 0) && run_steps(burst_1, N_ROWS(burst_1)) &&
		  cap(BIG_NS, 2 * BIG_NS) && run_steps(burst_3, N_ROWS(burst_3)) &&
		  cap(REFILL_NS, 0) && run_steps(refill_before, N_ROWS(refill_before)) &&
		  !nanosleep(&wait, NULL) && run_steps(refill_after, N_ROWS(refill_after));

	return cap(0, 0) && ok;
}
