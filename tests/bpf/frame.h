/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frame.h - the bytes of the BPF tests: a frame built from a row, the
 * reply a host would send to it, and the words to explain a difference
 * (which header field a byte belongs to). Checksums here are plain RFC
 * 1071 sums over whole headers, never the incremental helpers the data
 * path uses, so an error in those cannot hide in both the program and
 * its test.
 */
#ifndef RESCAN_TEST_FRAME_H
#define RESCAN_TEST_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "cases.h"

/* Room for the largest frame of a 1500-byte MTU, an echo reply of a full-size probe. */
#define FRAME_MAX 1536

struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;		/* bytes the program sees */
};

uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);

/*
 * Fresh checksums (RFC 1071 over whole headers): the IP header's over
 * ihl_len bytes; a TCP (6) or UDP (17) one with its pseudo-header, an
 * ICMP (1) one without, over the l4_len bytes at l4. A UDP sum of zero
 * is written as 0xffff (RFC 768).
 */
void ip_csum_set(uint8_t *ip, uint32_t ihl_len);
void l4_csum_set(uint8_t *ip, uint8_t *l4, uint32_t l4_len, uint8_t proto);

/* The frame a row describes: a well-formed packet, then its damage. */
void frame_build(const struct tcase *t, struct frame *f);

/*
 * The reply a host would send to probe in, which the program answered
 * with got and counter cnt, and its length: MACs and addresses swapped,
 * TTL RS_REPLY_TTL, and
 *   SYN-ACK: ports swapped, got's ISN (a keyed hash the test cannot know;
 *     checked across rows instead), ack = seq + 1, flags exactly SYN|ACK,
 *     AE and the reserved bits clear;
 *   RST (closed port): seq 0, ack = seq + 1, RST|ACK; RST (unsolicited
 *     ACK): seq = the probe's ack, ack 0, RST; both a bare 20-byte header
 *     with window 0, the probe's options, data and padding cut off;
 *   echo reply: type 0; timestamp reply: type 14, receive and transmit
 *     timestamps = the originate one;
 *   UDP replies and ICMP port unreachable: frame_udp.h.
 * Everything else (options, window, urgent pointer, IP id, DF, IP
 * options, payload, Ethernet padding) as it was. Checksums computed from
 * scratch.
 */
uint32_t frame_expected_reply(const struct frame *in, int cnt, const uint8_t *got, uint8_t *exp);

/* NULL if got's IP and L4 checksums verify on their own, else why not. */
const char *frame_checksums_wrong(const uint8_t *got, uint32_t len);

/*
 * Print, one line per header field, every field in which got differs
 * from exp (field names from exp's headers), then both frames in hex
 * with the differing bytes of got marked '*'.
 */
void frame_explain_diff(const char *what, const uint8_t *exp, uint32_t elen, const uint8_t *got,
			uint32_t glen);

/* A one-line description of the frame t builds, for failure messages. */
void frame_describe(const struct tcase *t, char *buf, size_t len);

#endif
