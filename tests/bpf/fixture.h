/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixture.h - the world the BPF tests probe and the responders loaded
 * with it. The host sets are written so that every container kind of
 * rescan_abi.h appears with hits right next to misses; the predicates
 * below say which addresses are hosts, computed from how the sets were
 * filled, never from the world's encoding.
 */
#ifndef RESCAN_TEST_FIXTURE_H
#define RESCAN_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "cases.h"
#include "responder.skel.h"
#include "world.h"

#define KEY_A 0x5eed0001u
#define KEY_B 0x5eed0002u

extern struct world world;	/* tcp/80, tcp/443, tcp/65535, tcp/3389, icmp */

/*
 * The states world (ON_STATES), one /24 per answer, the same for TCP and
 * UDP:
 *   tcp/80, udp/53 open      STATES_OPEN_NET.1-9      icmp/timestamp open  .1 of OPEN and POLICY
 *   tcp/80, udp/53 closed    STATES_CLOSED_NET.1-9
 *   tcp/80, udp/53 filtered  STATES_FILTERED_NET.1-9  (also in the policy: filtered wins)
 *   tcp and udp policy (closed for unlisted ports)  STATES_FILTERED_NET/24, STATES_POLICY_NET/24
 *   udp/123, udp/161, udp/1900, udp/7 open  STATES_OPEN_NET.1-9 (NTP, SNMP, SSDP, echo)
 *   udp/53, 123, 161, 1900 open  also all of STATES_BANNER_NET/24, whose hosts
 *                   between them have every row of bpf/udp_banners.h's tables
 * STATES_SILENT_NET holds no host.
 */
extern struct world states_world;
#define STATES_OPEN_NET IP(30, 0, 0, 0)
#define STATES_CLOSED_NET IP(30, 0, 1, 0)
#define STATES_FILTERED_NET IP(30, 0, 2, 0)
#define STATES_POLICY_NET IP(30, 0, 3, 0)
#define STATES_BANNER_NET IP(30, 0, 5, 0)
#define STATES_SILENT_NET IP(30, 0, 9, 0)

/*
 * The seated responders (seats.c), both on the states world. Every frame
 * of BPF_PROG_TEST_RUN comes in on the loopback, so each has its one seat
 * there:
 *   ON_SEAT_ONE  student STUDENT_HOST's seat, STUDENT_IP/32, no rate cap,
 *                do-not-scan on with the ranges below
 *   ON_SEAT_NET  the lab's own seat in a class, LAB_NET/OWN_SEAT_MASK (the
 *                lower half of the lab network), no rate cap, do-not-scan off
 * ON_STATES has the same do-not-scan ranges in its trie, with do-not-scan off.
 */
#define STUDENT_HOST 131
#define STUDENT_IP (LAB_NET + STUDENT_HOST)
#define OWN_SEAT_MASK IP(255, 255, 255, 128)

/*
 * The do-not-scan ranges and their labels; the longest prefix wins:
 *   STATES_OPEN_NET/29         DNS_OPEN   open hosts .1-.7 (.8, .9 are outside)
 *   DNS_HOST/32                DNS_ONE    STATES_OPEN_NET.5, inside the /29
 *   DNS_POLICY_HALF/25         DNS_LAST   the upper half of STATES_POLICY_NET
 *   100.64.0.0/10              DNS_CGN    shared address space, the lab network in it
 *   STATES_SILENT_NET/24       DNS_PAST   a label past do_not_scan_hits' labels
 */
#define DNS_HOST (STATES_OPEN_NET + 5)
#define DNS_POLICY_HALF (STATES_POLICY_NET + 128)
#define DNS_OPEN 0
#define DNS_CGN 1
#define DNS_ONE 3
#define DNS_LAST (RS_DNS_LABELS - 1)
#define DNS_PAST RS_DNS_LABELS

/*
 * The many world (ON_MANY): MANY_TCP services tcp/1 to tcp/MANY_TCP, all
 * open on MANY_NET.1-9 (one shared set), then a UDP policy closed on
 * the same hosts; no TCP policy, no ICMP. More services than
 * RS_SVC_COUNTED: the later ones share the "other" bucket.
 */
extern struct world many_world;
#define MANY_TCP 299
#define MANY_NET IP(40, 0, 0, 0)

/*
 * The bucket (rescan_abi.h, RS_SVC_BUCKETS) the loader must give service
 * spec on on's world, written out from the order the fixture adds the
 * services in (the policies first, then the others); "no_service" and
 * "other" are the two shared buckets. -1: no such service there.
 */
int bucket_of(enum responder on, const char *spec);

/* Set on's seat (host order; interval and burst in ns) with its rate cap's clock reset. */
int seat_set(enum responder on, uint32_t addr, uint32_t mask, uint64_t interval_ns,
	     uint64_t burst_ns);
/* Seat the seated responders and fill the do-not-scan tries (seats.c). */
int seat_responders(void);

extern const char *const responder_name[NR_RESPONDERS];
extern const uint32_t responder_isn_key[NR_RESPONDERS];

/*
 * Build the worlds and load every responder (ON_CORRUPT damaged, see
 * corrupt.c). On failure prints a TAP "not ok" line that says why.
 */
int fixture_load(void);
void fixture_free(void);
struct responder_bpf *responder(enum responder on);

/* Host i of the search blocks 10.15, 10.16 and 10.17/16 (see fixture.c). */
uint32_t guided_ref_addr(uint32_t block, uint32_t i);
/* Is a a host of 10.20/16 (split, 1 to 8 bytes per /24)? */
bool window_host(uint32_t a);
/* Is a a host of 10.21/16 (guided, buckets of 1 to 8)? */
bool guided_window_host(uint32_t a);
/* Is a a host of tcp/3389's blocks 20.0 to 20.(EDGE_BLOCKS - 1)/16? */
#define EDGE_BLOCKS 40
bool edge_host(uint32_t a);

/* The world's host set of a service ("tcp/80"), UINT32_MAX if none. */
uint32_t set_of(const char *spec);
/* The world file's directory entry of spec's container for addr. */
const struct rs_dir_entry *dir_of(const char *spec, uint32_t addr);

/* Damage ON_CORRUPT's maps after loading (corrupt.c). */
int corrupt_world(void);

#endif
