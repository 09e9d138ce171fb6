/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz.h - the packet fuzzer of the XDP programs (fuzz_packets.c): random
 * and mutated frames through BPF_PROG_TEST_RUN, every verdict, counter
 * and reply judged by this directory's own code:
 *   world.c   the fuzz world, the responders loaded with it, and what the
 *             world answers, written as predicates on the address
 *   model.c   what the responder must do with a frame: its counter, and
 *             whom it counts for, from the rules the data path documents
 *             (README "Probes answered", bpf/probe*.h, bpf/udp*.h),
 *             parsed afresh here, never with the data path's code
 *   mutate.c  the PRNG, the seed corpus (frames built by ../frame*.c,
 *             and the scanners' own in corpus/, from capture-scanners.sh)
 *             and the mutations
 *   reply.c   the checks of a reply: lengths, addresses, ports, RFC 1071
 *             checksums of its own, and byte for byte against ../frame.c
 */
#ifndef RESCAN_TEST_FUZZ_H
#define RESCAN_TEST_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "cases.h"
#include "frame.h"

/* ---- the world and the responders (world.c) ------------------------------ */

/*
 * FZ_NET/24, host b: b % 4 == 1 open, 2 closed, 3 filtered for every
 * listed TCP and UDP service; b % 4 == 1 answers echo, b % 8 == 1
 * timestamp. The policies of TCP and UDP (closed) holds b % 4 == 3 (filtered
 * still wins) and b % 8 == 0. FZ_FULL_NET/16 has tcp/8080 open on every
 * address. No other address is in the world.
 */
#define FZ_NET IP(50, 0, 0, 0)
#define FZ_FULL_NET IP(50, 1, 0, 0)
#define FZ_STUDENT IP(100, 64, 0, 131)	/* R_SEAT's student */

/* The responders the frames go to. */
enum fz_resp {
	R_LAB,		/* world W1 (policies), lab network on, no seat */
	R_SEAT,		/* W1 from FZ_STUDENT's seat (/32), do-not-scan ranges on */
	R_OPEN,		/* world W2 (no policies, fewer services), lab check off, seat LAB_NET/25 */
	R_CAP,		/* W2, lab on, seat LAB_NET/25 with a rate cap only its first probe passes */
	NR_RESP,
};

struct fz_resp_cfg {
	const char *name;
	int world;		/* 1 or 2 */
	uint32_t lab_net, lab_mask;	/* host order; mask 0: no lab check */
	uint32_t key;		/* ISN key */
	uint32_t seat_addr, seat_mask;	/* host order; mask 0: no seat */
	bool capped;		/* the seat's cap lets one probe through, then none */
	bool do_not_scan;
};

extern const struct fz_resp_cfg fz_cfg[NR_RESP];

/* The do-not-scan label of addr on a responder with ranges on, or -1. */
int fz_dns_label(uint32_t addr);

/* What the world says (enum world_answer's order: open, closed, filtered, ...). */
enum fz_answer { A_OPEN, A_CLOSED, A_FILTERED, A_SILENT, A_NO_SERVICE };

/*
 * World w's answer for slot/port at addr (host order), the service bucket
 * the probe counts in, and for UDP the reply kind (enum rs_udp_reply).
 */
enum fz_answer fz_world_answer(int w, uint32_t slot, uint32_t port, uint32_t addr, int *bucket,
			       int *reply);

/* Build the worlds, load the responders and the lab side; 0 or -errno (said why). */
int fz_load(void);
void fz_unload(void);
int fz_prog_fd(enum fz_resp r);
int fz_counters_fd(enum fz_resp r);
int fz_source_counters_fd(enum fz_resp r);
int fz_dns_hits_fd(enum fz_resp r);
int fz_service_counters_fd(enum fz_resp r);
int fz_lab_prog_fd(void);
int fz_lab_counters_fd(void);
int fz_lab_dest_counters_fd(void);

/* ---- the model (model.c) ------------------------------------------------- */

/* What the responder must do with one frame, and whom it counts for. */
struct fz_expect {
	int cnt;		/* enum rs_counter */
	int src_host;		/* row of source_counters, -1: none */
	int dns_label;		/* with DROP_DO_NOT_SCAN: the label, else -1 */
	int bucket;		/* service bucket, -1: the world was not asked */
	int answer;		/* enum fz_answer, with a bucket */
	bool admitted;		/* past the seat, lab and do-not-scan checks (the cap counts it) */
	const char *why;	/* the rule that decided, for failure messages */
};

/* Our ISN for a 4-tuple as a reply carried it, learnt from SYN-ACKs (model.c). */
void fz_isn_learn(enum fz_resp r, uint32_t host, uint32_t scanner, uint16_t hport,
		  uint16_t sport, uint32_t isn);
/* 1: known and equal, 0: unknown, -1: known and different (*was gets it). */
int fz_isn_check(enum fz_resp r, uint32_t host, uint32_t scanner, uint16_t hport, uint16_t sport,
		 uint32_t isn, uint32_t *was);

/*
 * The counter frame f must move on responder r; capped_used says whether
 * R_CAP's one probe has been let through already.
 */
void fz_model(enum fz_resp r, const struct frame *f, bool capped_used, struct fz_expect *e);

/* The counter lab_side must move for frame f, and the lab host it is for (-1: none). */
int fz_lab_model(const struct frame *f, int *host);

/* Verdict of a responder counter (0 aborted, 1 drop, 2 pass, 3 tx). */
uint32_t fz_verdict_of(int cnt);

/* ---- checks of a reply (reply.c) ----------------------------------------- */

/*
 * RFC 1071 sum of len bytes (big-endian words, odd byte padded) added to
 * start, folded: 0xffff for a message whose checksum verifies; 0 only if
 * every word is 0 (+0, which a receiver rejects).
 */
uint16_t fz_sum(const uint8_t *p, uint32_t len, uint32_t start);

/*
 * Check the reply got (glen bytes) that counter cnt stands for against
 * the probe in: NULL if it holds, else why not (a static string). The
 * checks are those of a reply in general: lengths, Ethernet, IP and L4
 * addresses and ports turned around, checksums that verify (or, where
 * the data path updates a checksum incrementally, are exactly as wrong
 * as the probe's were), and byte for byte frame.c's reply.
 */
const char *fz_check_reply(const struct frame *in, int cnt, const uint8_t *got, uint32_t glen,
			   char *why, size_t why_len);

/* ---- frames (mutate.c) --------------------------------------------------- */

/* splitmix64: the PRNG of every choice; one state per frame (seed, index). */
struct fz_rng {
	uint64_t s;
};
uint64_t fz_next(struct fz_rng *g);
uint32_t fz_below(struct fz_rng *g, uint32_t n);	/* uniform in [0, n) */
bool fz_chance(struct fz_rng *g, uint32_t percent);

/* Where a frame comes from. */
enum fz_source {
	SRC_SEED,		/* a corpus frame, retargeted, unmutated */
	SRC_MUTATED,		/* a corpus frame, mutated */
	SRC_RANDOM,		/* random bytes of random length */
	SRC_RANDOM_IPV4,	/* a plausible Ethernet and IPv4 header, random after it */
	SRC_HANDSHAKE,		/* ACK, data or FIN on a connection the lab SYN-ACKed, mutated */
	NR_SOURCES,
};

#define FZ_MUTATIONS(X)                                                          \
	X(BITFLIP, "bit flips")                                                  \
	X(BYTES, "bytes set to edge values")                                     \
	X(TRUNCATE, "frame truncated")                                           \
	X(EXTEND, "bytes appended (padding)")                                    \
	X(TOT_LEN, "IP total length changed")                                    \
	X(IHL, "IP header length field changed")                                 \
	X(IP_OPTIONS, "IP options inserted")                                     \
	X(FRAG, "fragment bits and offset")                                      \
	X(VLAN, "802.1Q tag inserted")                                           \
	X(QINQ, "802.1ad + 802.1Q tags inserted")                                \
	X(IPV6, "made IPv6, with extension headers")                             \
	X(ETHERTYPE, "ethertype changed")                                        \
	X(IP_VERSION, "IP version changed")                                      \
	X(PROTO, "IP protocol changed")                                          \
	X(DOFF, "TCP data offset changed")                                       \
	X(TCP_FLAGS, "TCP flags changed")                                        \
	X(TCP_OPTIONS, "TCP options added")                                      \
	X(PAYLOAD, "L4 payload added or cut, lengths kept consistent")           \
	X(UDP_LEN, "UDP length changed")                                         \
	X(ICMP_TYPE, "ICMP type or code changed")                                \
	X(DADDR, "destination address changed")                                  \
	X(SADDR, "source address changed")                                       \
	X(PORTS, "ports changed")                                                \
	X(APP, "UDP application bytes (DNS, NTP, SNMP, SSDP fields) changed")    \
	X(SEQ_ACK, "TCP seq or ack changed")                                     \
	X(CHECKSUM, "a checksum broken on purpose")

#define FZ_MUT_ENUM(id, text) M_##id,
enum fz_mutation { FZ_MUTATIONS(FZ_MUT_ENUM) NR_MUTATIONS };
#undef FZ_MUT_ENUM
extern const char *const fz_mutation_name[NR_MUTATIONS];
extern const char *const fz_source_name[NR_SOURCES];

/*
 * The corpus: frames ../frame.c builds from rows (this world's probes of
 * every kind, the case tables' rows) and the frames of the scanners'
 * pcap files in scanners_dir (capture-scanners.sh). 0, or -1 after
 * saying why on a TAP comment line.
 */
int fz_corpus_build(const char *scanners_dir);
uint32_t fz_corpus_size(void);
uint32_t fz_corpus_scanner_frames(void);

#define FZ_MAX_STEPS 6

/* One generated frame and how it was made. */
struct fz_made {
	enum fz_source src;
	uint32_t seed_index;		/* corpus frame it started from */
	uint32_t nsteps;
	enum fz_mutation step[FZ_MAX_STEPS];
	bool checksums_fixed;		/* IP and L4 checksums recomputed after the mutations */
};

/* Make a frame of source src for responder r from g (not SRC_HANDSHAKE: see below). */
void fz_make(struct fz_rng *g, enum fz_resp r, enum fz_source src, struct frame *f,
	     struct fz_made *m);
/* A SYN to an open host of the world for a handshake, from g. */
void fz_make_syn(struct fz_rng *g, enum fz_resp r, struct frame *f);
/* The scanner's next packet after SYN-ACK reply (rlen bytes), mutated from g. */
void fz_make_handshake(struct fz_rng *g, const uint8_t *reply, uint32_t rlen, struct frame *f,
		       struct fz_made *m);
/* Pick where frame i goes and where it comes from. */
enum fz_resp fz_pick_responder(struct fz_rng *g);
enum fz_source fz_pick_source(struct fz_rng *g);

/* Recompute f's IPv4 header and L4 checksums where its headers lie in the frame. */
void fz_fix_checksums(struct frame *f);

#endif
