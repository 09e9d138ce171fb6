/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frame_udp.h - the UDP side of the BPF tests' frames: the payloads
 * scanners send (enum udp_app), and the reply a host would send to a UDP
 * probe, built from scratch with this file's own DNS, NTP, SNMP (BER) and
 * SSDP encoders. Only the per-host text comes from the XDP program's
 * tables (bpf/udp_banners.h); every structure and length is computed here.
 */
#ifndef RESCAN_TEST_FRAME_UDP_H
#define RESCAN_TEST_FRAME_UDP_H

#include <stdint.h>

#include "cases.h"

/* Write row t's UDP payload at p (room for FRAME_MAX bytes); returns its length. */
uint32_t udp_app_payload(const struct tcase *t, uint8_t *p);

/*
 * The reply to the UDP probe in (len bytes, a 20-byte IP header) that
 * counter cnt stands for, written to exp; returns its length, 0 if cnt
 * is no UDP reply:
 *   TX_UDP_*: MACs, addresses and ports swapped, TTL RS_REPLY_TTL, the
 *     probe's TOS, id and DF, the protocol's payload (see the functions
 *     below), lengths and checksums computed;
 *   TX_PORT_UNREACH: a new IP header from the host, ICMP type 3 code 3
 *     quoting the probe's IP header and first 8 bytes of UDP as they
 *     arrived.
 */
uint32_t udp_expected_reply(const uint8_t *in, uint32_t len, int cnt, uint8_t *exp);

#endif
