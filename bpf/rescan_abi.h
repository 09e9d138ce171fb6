/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rescan_abi.h - everything the XDP programs and the rescan CLI share:
 * map value layouts, the world's container encoding, service slots and the
 * counter table. Only __u8..__u64 types, so the same bytes mean the same
 * thing on both sides. Nothing here may be defined a second time elsewhere.
 */
#ifndef RESCAN_ABI_H
#define RESCAN_ABI_H

#include <linux/types.h>

/*
 * The world splits IPv4 into 2^16 blocks of 2^16 addresses (one per /16).
 * Every host set has one directory entry per block; the entry points into a
 * shared pool of 64-bit words where the block's container lives. This is a
 * roaring-bitmap layout: sparse blocks cost 2 bytes per address, dense ones
 * a fixed 8 KiB bitmap, and the compiler picks the smallest container per
 * block, so no service can ever cost more than a flat 512 MiB bitmap of all
 * of IPv4.
 *
 * Between the two sits the split container, which exists for speed: a
 * sorted array makes the XDP program binary-search up to 12 steps, each a
 * dependent map load. A split container first looks up the address's /24
 * in a guide, and the /24 holds at most 31 sorted low bytes (5 steps) or a
 * 256-bit bitmap (one load). It is also smaller than an array from about
 * 520 hosts per /16 up, so choosing by size alone puts it where arrays are
 * slowest.
 */
#define RS_BLOCK_SHIFT 16
#define RS_BLOCKS (1u << 16)		/* directory entries per host set */
#define RS_BLOCK_ADDRS (1u << 16)	/* addresses per block */
#define RS_BITMAP_WORDS 1024		/* 65536 bits / 64 */
#define RS_ARRAY_MAX 4096		/* 4096 * 2 bytes == one bitmap */
#define RS_ARRAY_PER_WORD 4		/* u16 entries packed per pool word */
#define RS_ARRAY_SEARCH_STEPS 13	/* ceil(log2(RS_ARRAY_MAX)) + 1 */

/*
 * Split container: a guide of RS_SPLIT_GUIDE u16 (4 per word, LSB first),
 * g[h] = byte offset of /24 number h's data, g[256] = total data bytes; then
 * the data, bytes packed 8 per word, LSB first. /24 h owns the bytes
 * [g[h], g[h+1]): none = no host; 1..31 = its hosts' sorted low bytes;
 * exactly RS_SPLIT_BITMAP_BYTES = a bitmap, host b at bit (b & 7) of byte
 * b >> 3. (31 bytes of array are smaller than a bitmap, 32 are not.)
 */
#define RS_SPLIT_GUIDE 257
#define RS_SPLIT_GUIDE_WORDS 65		/* RS_SPLIT_GUIDE u16, 4 per word */
#define RS_SPLIT_BITMAP_BYTES 32	/* 256 bits */
#define RS_SPLIT_DATA_MAX (256 * RS_SPLIT_BITMAP_BYTES)
#define RS_SPLIT_SEARCH_STEPS 5		/* ceil(log2(RS_SPLIT_BITMAP_BYTES - 1)) */

/*
 * Guided array: an array of RS_GUIDED_MIN or more entries starts with a
 * guide, so a lookup finds its part of the array in one load instead of
 * searching all of it (7 dependent loads for 65 entries, 3 with the guide).
 * The block is cut into 2^b equal buckets, b = rs_guide_bits(n) (4..8
 * entries per bucket on average); the guide is 2^b + 1 u16 (4 per word, LSB
 * first), g[i] = index of the first entry in bucket i, g[2^b] = n; the n
 * sorted u16 entries follow at word rs_guide_words(n). It costs 0.25 to 0.5
 * bytes per host more than a plain array.
 */
#define RS_GUIDED_MIN 64

/* floor(log2 n) - 2 for RS_GUIDED_MIN <= n <= RS_ARRAY_MAX, branch-free. */
static __inline__ __attribute__((always_inline)) __u32 rs_guide_bits(__u32 n)
{
	return 4 + (n >= 128) + (n >= 256) + (n >= 512) + (n >= 1024) + (n >= 2048) +
	       (n >= 4096);
}

static __inline__ __attribute__((always_inline)) __u32 rs_guide_words(__u32 n)
{
	return ((1u << rs_guide_bits(n)) + 1 + RS_ARRAY_PER_WORD - 1) / RS_ARRAY_PER_WORD;
}

enum rs_container_kind {
	RS_C_EMPTY = 0,		/* no host of the block is in the set */
	RS_C_ARRAY = 1,		/* n sorted u16 low halves, 4 per word, LSB first */
	RS_C_BITMAP = 2,	/* RS_BITMAP_WORDS words, bit (a & 63) of word a >> 6 */
	RS_C_FULL = 3,		/* every address of the block */
	RS_C_SPLIT = 4,		/* a /24 guide, then per-/24 bytes (see above) */
	RS_C_GUIDED = 5,	/* a bucket guide, then n sorted u16 (see above) */
};

/* Pool words a container of this kind and size takes (0: no pool words). */
static __inline__ __attribute__((always_inline)) __u32 rs_container_words(__u32 kind, __u32 n)
{
	switch (kind) {
	case RS_C_ARRAY:
		return (n + RS_ARRAY_PER_WORD - 1) / RS_ARRAY_PER_WORD;
	case RS_C_GUIDED:
		return rs_guide_words(n) + (n + RS_ARRAY_PER_WORD - 1) / RS_ARRAY_PER_WORD;
	case RS_C_SPLIT:
		return RS_SPLIT_GUIDE_WORDS + (n + 7) / 8;
	case RS_C_BITMAP:
		return RS_BITMAP_WORDS;
	}
	return 0;
}

/*
 * In the kernel, the pool is cut into chunks of RS_POOL_CHUNK_WORDS words,
 * the elements of the "world_pool" array map, and no container straddles
 * two of them. The XDP program then looks up a container's chunk once and
 * reads its words by index: a map lookup per word would put a store, a
 * reload and a bound check on the path of every dependent read. A world
 * file has no such rule: the loader lays its containers out anew, in the
 * same order, with less than one largest container (10 KiB) of padding
 * per 256 KiB chunk. Chunks stay far below the 4 MiB that older kernels
 * allow for one array value.
 */
#define RS_POOL_CHUNK_SHIFT 15
#define RS_POOL_CHUNK_WORDS (1u << RS_POOL_CHUNK_SHIFT)

/* Value of "world_pool". */
struct rs_pool_chunk {
	__u64 w[RS_POOL_CHUNK_WORDS];
};

/* Value of the "world_dir" array map, index set * RS_BLOCKS + (addr >> 16). */
struct rs_dir_entry {
	__u32 off;	/* first pool word of the container (in the kernel: of the chunked pool) */
	__u16 kind;	/* enum rs_container_kind */
	__u16 n;	/* RS_C_ARRAY, RS_C_GUIDED: entries; RS_C_SPLIT: data bytes */
};

/*
 * Services are addressed by slot and port: "world_services" is an array map
 * indexed (slot << 16) | port, so finding a probe's service is one inlined
 * array access. ICMP services use the request's ICMP type as "port".
 */
enum rs_slot {
	RS_SLOT_TCP = 0,
	RS_SLOT_UDP = 1,
	RS_SLOT_ICMP = 2,
	RS_NR_SLOTS = 3,
};
#define RS_SERVICES_MAX (RS_NR_SLOTS << 16)
#define RS_ICMP_ECHO 8		/* ICMP type of an echo request: the "icmp" service */
#define RS_ICMP_TIMESTAMP 13	/* ICMP type of a timestamp request: "icmp/timestamp" */

/*
 * Port 0 of the TCP and UDP slots is not a service but the hosts' policy
 * for every port the world does not list for them (written with a star
 * for the port, see service.h): its closed set holds the hosts that
 * answer such a port as closed (TCP RST, ICMP port unreachable); every
 * other host stays silent there, as a firewalled host does. A probe to port 0 itself gets that answer too, as
 * from a real host.
 */
#define RS_PORT_OTHER 0

/*
 * What a host says about one of its services. A host is in at most one
 * state's set of a service; the sets are looked up in this order, then the
 * policy, and a host in none of them is silent.
 */
enum rs_state {
	RS_STATE_OPEN = 0,	/* SYN-ACK, echo/timestamp reply, the UDP protocol's reply */
	RS_STATE_CLOSED = 1,	/* RST-ACK, ICMP port unreachable */
	RS_STATE_FILTERED = 2,	/* silence, even where the host's policy would answer */
	RS_NR_STATES = 3,
};

/* The reply a UDP service gives, chosen by its protocol. */
enum rs_udp_reply {
	RS_UDP_ECHO = 0,	/* any other port: the probe's payload echoed */
	RS_UDP_DNS = 1,
	RS_UDP_NTP = 2,
	RS_UDP_SNMP = 3,
	RS_UDP_SSDP = 4,
	RS_NR_UDP_REPLIES = 5,
};

/*
 * Value of "world_services". An entry without sets means "no such
 * service". Set numbers fit 16 bits (a world has at most
 * RS_WORLD_MAX_SETS): the entry is 8 bytes, 1.5 MiB for all of a world's
 * services.
 */
#define RS_WORLD_MAX_SETS 4096
struct rs_service {
	__u16 set[RS_NR_STATES];	/* 1-based host set of each enum rs_state; 0 = none */
	__u8 reply;			/* UDP: enum rs_udp_reply */
	__u8 bucket;			/* where its probes count: see RS_SVC_BUCKETS */
};

/*
 * Per-service counters: "service_counters" is a per-CPU array of
 * RS_SVC_BUCKETS struct rs_svc_counters, one per service bucket, found
 * through the probe's own world_services entry (its bucket field), so
 * counting costs one lookup of a small array. The loader gives each
 * service of the world a bucket of its own, the policies of unlisted ports
 * first, then the others in the world's order; services past the
 * RS_SVC_COUNTED-th share RS_SVC_OTHER. A port the world does not list
 * counts in its slot's policy's bucket if the world has that policy,
 * else in RS_SVC_NONE, as does an ICMP request type it does not list.
 * A probe counts here once the world has been asked about it (past the
 * seat, lab, do-not-scan and rate checks): the probes of all buckets sum
 * to the tx_* verdicts plus drop_filtered, drop_not_in_world,
 * drop_no_service and drop_bad_request; open and closed sum to the tx_*.
 */
#define RS_SVC_BUCKETS 256
#define RS_SVC_NONE 0				/* the world has no such service */
#define RS_SVC_FIRST 1				/* the first service's bucket */
#define RS_SVC_OTHER (RS_SVC_BUCKETS - 1)	/* services past the counted ones */
#define RS_SVC_COUNTED (RS_SVC_OTHER - RS_SVC_FIRST)	/* services with a bucket of their own */
#define RS_MAP_SERVICE_COUNTERS "service_counters"
#define RS_MAP_WORLD_SERVICES "world_services"
#define RS_SERVICE_COUNTERS(X)                                                   \
	X(PROBES, "probes", "probes of the service the world was asked about")      \
	X(OPEN, "open", "answered as open: SYN-ACK, echo or timestamp reply, the protocol's reply; RST to an ACK to an open port") \
	X(CLOSED, "closed", "answered as closed: RST-ACK, ICMP port unreachable; RST to an ACK to a closed port")

/*
 * Counters. Every verdict of the responder increments exactly one of these,
 * so their sum is the number of packets it saw. The CLI prints them by name
 * from this same table: a new counter is one line here.
 */
#define RS_RESPONDER_COUNTERS(X)                                                 \
	X(TX_SYNACK, "tx_synack", "TCP SYN to an open port answered with SYN-ACK")  \
	X(TX_RST_CLOSED, "tx_rst_closed", "TCP SYN to a closed port answered with RST-ACK") \
	X(TX_RST_UNSOLICITED, "tx_rst_unsolicited", "TCP ACK or SYN-ACK out of the blue answered with RST") \
	X(TX_ECHO_REPLY, "tx_echo_reply", "ICMP echo request answered with echo reply") \
	X(TX_TIMESTAMP_REPLY, "tx_timestamp_reply", "ICMP timestamp request answered with timestamp reply") \
	X(TX_UDP_ECHO, "tx_udp_echo", "UDP to an open port answered with its payload") \
	X(TX_UDP_DNS, "tx_udp_dns", "DNS query answered") \
	X(TX_UDP_NTP, "tx_udp_ntp", "NTP client request answered in server mode, or mode 7 query (masscan) with ntpd's error reply") \
	X(TX_UDP_SNMP, "tx_udp_snmp", "SNMP request for community public answered with GetResponse") \
	X(TX_UDP_SSDP, "tx_udp_ssdp", "SSDP M-SEARCH answered with HTTP/1.1 200 OK") \
	X(TX_PORT_UNREACH, "tx_port_unreach", "UDP to a closed port answered with ICMP port unreachable") \
	X(PASS_ARP, "pass_arp", "ARP, passed to the internet side's kernel, which answers for the gateway") \
	X(DROP_NOT_IN_WORLD, "drop_not_in_world", "probe for a host the world does not have for that service, or whose policy is silence") \
	X(DROP_NO_SERVICE, "drop_no_service", "probe for a service no host of the world offers") \
	X(DROP_FILTERED, "drop_filtered", "probe for a port the world says is filtered on that host") \
	X(DROP_HANDSHAKE, "drop_handshake", "the scanner's ACK, data or FIN on a connection whose SYN-ACK the lab sent") \
	X(DROP_BAD_REQUEST, "drop_bad_request", "UDP probe its service's protocol does not answer: too short, malformed, or not a request (e.g. another SNMP community)") \
	X(DROP_SPOOFED, "drop_spoofed", "sent from a source address its interface may not use (another student's, made up)") \
	X(DROP_DO_NOT_SCAN, "drop_do_not_scan", "addressed to a do-not-scan range: never answered, counted per range") \
	X(DROP_RATE_LIMITED, "drop_rate_limited", "over its student's rate cap, as a provider's rate limit drops it") \
	X(DROP_NOT_PROBE, "drop_not_probe", "IPv4 packet that is no probe rescan answers (e.g. a scanner's RST)") \
	X(DROP_UNSUPPORTED, "drop_unsupported", "probe in a form rescan does not answer (SYN with payload, IP fragment, UDP with IP options)") \
	X(DROP_LAB_INTERNAL, "drop_lab_internal", "addressed to the lab network itself, not the internet") \
	X(DROP_NOT_IPV4, "drop_not_ipv4", "frame that is not IPv4 (ARP, IPv6, ...)") \
	X(DROP_MALFORMED, "drop_malformed", "truncated or inconsistent headers")   \
	X(ABORT_INTERNAL, "abort_internal", "world map lookup failed (corrupt world), or a reply could not be sized: XDP_ABORTED")

/* Counters of the pass program on the scanner's interface (lab0). */
#define RS_LAB_COUNTERS(X)                                                       \
	X(RX_SYNACK, "rx_synack", "TCP SYN-ACK delivered to the scanner")          \
	X(RX_RST, "rx_rst", "TCP RST delivered to the scanner")                    \
	X(RX_ECHO_REPLY, "rx_echo_reply", "ICMP echo reply delivered to the scanner") \
	X(RX_TIMESTAMP_REPLY, "rx_timestamp_reply", "ICMP timestamp reply delivered to the scanner") \
	X(RX_UDP, "rx_udp", "UDP reply delivered to the scanner")                  \
	X(RX_PORT_UNREACH, "rx_port_unreach", "ICMP port unreachable delivered to the scanner") \
	X(RX_OTHER, "rx_other", "any other frame delivered to the scanner")

#define RS_ENUM_ENTRY(id, name, help) RS_CNT_##id,
enum rs_counter { RS_RESPONDER_COUNTERS(RS_ENUM_ENTRY) RS_NR_COUNTERS };
enum rs_lab_counter { RS_LAB_COUNTERS(RS_ENUM_ENTRY) RS_NR_LAB_COUNTERS };
#undef RS_ENUM_ENTRY
#define RS_SVC_ENUM_ENTRY(id, name, help) RS_SVC_CNT_##id,
enum rs_svc_counter { RS_SERVICE_COUNTERS(RS_SVC_ENUM_ENTRY) RS_NR_SVC_COUNTERS };
#undef RS_SVC_ENUM_ENTRY

/* Value of "service_counters". */
struct rs_svc_counters {
	__u64 c[RS_NR_SVC_COUNTERS];	/* enum rs_svc_counter */
};

/* Names the CLI pins maps under (bpffs dir /sys/fs/bpf/rescan/<lab>/). */
#define RS_MAP_COUNTERS "counters"
/*
 * The same counters per scanner: "source_counters" is indexed
 * host * RS_NR_COUNTERS + counter, host = a host part in the lab network
 * (student k of a class scans from host 128 + k). Which host a packet
 * counts for is decided by where it came in (see struct rs_seat): a
 * student's own interface counts everything for that student, whatever
 * source the packet claims. The lab network is a /24, so RS_SOURCES hosts
 * cover it.
 */
#define RS_SOURCES 256
#define RS_MAP_SOURCE_COUNTERS "source_counters"
#define RS_MAP_LAB_COUNTERS "lab_counters"
/* What reached each scanner, indexed host * RS_NR_LAB_COUNTERS + counter by the reply's destination. */
#define RS_MAP_LAB_DEST_COUNTERS "lab_dest_counters"

/*
 * Seats: who sends on which of the internet side's interfaces. "seats" is
 * an array indexed by the ingress ifindex. A seat with a mask accepts only
 * sources inside addr/mask: a student's interface has its one address
 * (mask /32), so a packet from it with any other source is dropped as
 * spoofed and counted for that student. A mask of 0 checks no source: a
 * zeroed entry is no seat, and its packets count by source address, as
 * on the bench's harness. Every IPv4 packet of a seat that passes these
 * checks meets its rate cap, as a provider's limit counts packets, not
 * probes: the scanner kernel's RST to a SYN-ACK too.
 *
 * The rate cap is a GCRA (virtual scheduling form of a token bucket): a
 * probe is let through when the seat's theoretical arrival time tat is no
 * more than burst_ns ahead of now, and then moves tat interval_ns on.
 * One seat's packets come in on one veth queue, so one CPU at a time runs
 * them and tat needs no atomic update.
 */
#define RS_SEAT_IFINDEX_MAX 4096
#define RS_MAP_SEATS "seats"
struct rs_seat {
	__u32 addr;		/* network order */
	__u32 mask;		/* network order; 0: no seat */
	__u64 interval_ns;	/* ns between probes at the cap; 0: no cap */
	__u64 burst_ns;		/* (burst - 1) * interval_ns */
	__u64 tat;		/* written by the responder */
};

/*
 * Do-not-scan ranges: an LPM trie from the range to its label's number.
 * Every packet into one is dropped and counted in "do_not_scan_hits",
 * indexed host * RS_DNS_LABELS + label (host as for source_counters).
 */
#define RS_DNS_RANGES_MAX 65536
#define RS_DNS_LABELS 64
#define RS_MAP_DO_NOT_SCAN "do_not_scan"
#define RS_MAP_DO_NOT_SCAN_HITS "do_not_scan_hits"
struct rs_dns_key {
	__u32 prefixlen;
	__u32 addr;		/* network order */
};

/* The reply's IP TTL: what a host a few hops away would show. */
#define RS_REPLY_TTL 64

#endif /* RESCAN_ABI_H */
