/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab_datapath.h - how probes and replies cross the lab's veth pair; set
 * once, when the lab comes up. bench/ANALYSIS.md §2 has the measurements
 * behind every choice here.
 *
 * On every path the scanner side computes checksums in software and does
 * no GSO:
 *   - a TCP or UDP probe from the scanner's kernel (nmap -sT, curl) would
 *     otherwise carry only a partial checksum, which the responder's
 *     incremental update cannot complete;
 *   - libpcap sizes each slot of a capture ring (TPACKET_V2, what masscan
 *     and nmap get in immediate mode) for 64 KiB when the interface has any
 *     offload on, for one MTU-sized frame when it has none: masscan's
 *     4 MiB ring holds 1,310 replies instead of 32, enough to outlast its
 *     receive thread's time off the CPU.
 *
 * threaded: the internet side's NAPI runs as a kernel thread, which the
 *   scheduler puts on a CPU the sender leaves idle, so the responder,
 *   XDP_TX and the scanner kernel's handling of each reply leave the
 *   sender's CPU. Its polls are coalesced (napi_defer_hard_irqs,
 *   gro_flush_timeout), so a sender is not interrupted for every probe, and
 *   the scanner side gets a pfifo qdisc, so a full veth ring makes the
 *   sender wait instead of losing the probe. The veth stops its queue on a
 *   full ring since Linux 6.16; an older veth drops the probe, so older
 *   kernels get softirq.
 * softirq: the veth's own way, each probe's whole path (responder, reply,
 *   the scanner kernel's RST) in the softirq of the CPU that sent it.
 *   Every student's veth of a class takes this path, whatever the lab's
 *   own: with a NAPI thread per student, the threads and the students'
 *   senders crowd the CPUs.
 */
#ifndef RESCAN_LAB_DATAPATH_H
#define RESCAN_LAB_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "lab.h"

/* The kernel from which the threaded path loses no probe. */
#define LAB_THREADED_MIN_MAJOR 6
#define LAB_THREADED_MIN_MINOR 16

/* "auto", "softirq", "threaded"; NULL for a value that is none of them. */
const char *lab_data_path_name(enum lab_data_path dp);
/* 0, or -EINVAL for a name that is none of them. */
int lab_data_path_parse(const char *name, enum lab_data_path *dp);
/* What auto means on kernel release (uname -r). */
enum lab_data_path lab_data_path_for_kernel(const char *release);

/*
 * Set l's data path up; the veth pair exists and both ends carry their XDP
 * programs. LAB_DATA_PATH_AUTO is resolved first (this kernel), and if the
 * threaded path cannot be set (e.g. no way to mount the internet side's
 * sysfs) auto falls back to softirq with a note; a path asked for by name
 * fails instead. l->data_path holds the path the lab got.
 */
int lab_data_path_set(struct lab *l);

#endif /* RESCAN_LAB_DATAPATH_H */
