/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab.h - the sealed lab: one struct describes it (names, addresses, MACs,
 * where its state lives) and is built in one place, lab_describe(); `up`,
 * `down`, `exec`, `stats` and `rescan lab env` read it, and the container's
 * scripts ask `rescan lab env` instead of knowing any of it.
 *
 *   scanner side (netns <name>-scan, or the caller's own with --here)
 *     lab0 100.64.0.2/24, default route via 100.64.0.1 (permanent neighbour)
 *       | veth
 *   internet side (netns <name>-inet)
 *     inet0 100.64.0.1/24 + XDP responder (native mode)
 *
 * The rest of the /24 serves a class: student k (1 to LAB_STUDENTS_MAX)
 * scans from .(128 + k), the health check probes from .254.
 *
 * With --students N each student has a namespace of its own, joined to the
 * same internet side by a veth pair of its own:
 *
 *   student k (netns <name>-s<k>)         internet side (<name>-inet)
 *     lab0 100.64.0.(128+k)/24  -- veth --  st<k> + the same XDP responder
 *
 * The responder knows each internet-side interface as a seat (rescan_abi.h,
 * struct rs_seat): student k's may send only from its own address, at most
 * at the class's rate, and counts for student k alone. A student container
 * brings a namespace of its own instead of getting one made (lab_class.h).
 *
 * A scanner side holds nothing but lab0 and lo, so it has no route to any
 * real interface of the machine. A scanner side the lab shares (--here: a
 * host, a container) keeps its own routes; there a policy rule sends
 * whatever leaves from the lab's address into the lab. Neither end of a
 * lab veth forwards IPv4, so nothing that comes out of the lab is routed
 * on by any kernel.
 */
#ifndef RESCAN_LAB_H
#define RESCAN_LAB_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "world.h"

#define LAB_DEFAULT_NAME "rescan"
#define LAB_BPFFS_ROOT "/sys/fs/bpf"
#define LAB_SCAN_IFACE "lab0"	/* the scanner's interface */
#define LAB_INET_IFACE "inet0"	/* the responder's interface, the gateway */
#define LAB_NAME_MAX 11	/* keeps "<name>-scan" and "<name>-inet" short */
#define LAB_STUDENTS_MAX 125	/* .129 to .253: below the health address */
#define LAB_STUDENT_IFACE "st"	/* student k's internet-side end: st<k> */
/* Student k runs as uid and gid LAB_STUDENT_UID + k (rescan lab exec --student). */
#define LAB_STUDENT_UID 47000
#define LAB_RESULTS_ROOT "/var/lib/rescan"
/* --here: the rule (its preference) and table that route the lab's address into the lab. */
#define LAB_RULE_PREF "90"
#define LAB_ROUTE_TABLE "90"

/* How probes and replies cross the veth pair: lab_datapath.h. */
enum lab_data_path {
	LAB_DATA_PATH_AUTO,	/* threaded where the kernel allows it, else softirq */
	LAB_DATA_PATH_SOFTIRQ,
	LAB_DATA_PATH_THREADED,
};

struct lab {
	char name[LAB_NAME_MAX + 1];
	bool here;			/* scanner side is the caller's netns */
	bool default_route;		/* point the scanner's default route at the lab */
	enum lab_data_path data_path;	/* asked for; after lab_up, the one it got */
	char ns_scan[32];		/* "" when here */
	char ns_inet[32];
	char if_scan[IF_NAMESIZE];
	char if_inet[IF_NAMESIZE];
	uint32_t net, mask;		/* host order */
	int prefix;
	uint32_t scan_addr, gw_addr;	/* host order */
	uint8_t scan_mac[6], gw_mac[6];
	uint32_t student_net;		/* student addresses and health_addr */
	int student_prefix;
	uint32_t health_addr;		/* source of the appliance's health probes */
	char pin_dir[128];		/* bpffs dir for the lab's maps */
	char run_dir[128];		/* state file, world summary */
	char results_dir[128];		/* student k's results below it: student-<k> */
	/* A class (lab up --students): */
	unsigned students;		/* student namespaces */
	uint64_t student_rate;		/* probes per second each; 0: no cap */
	uint64_t student_burst;		/* probes a student may send at once */
	const char *do_not_scan;	/* file of ranges never answered, or NULL */
	const char *assignment;		/* the assignment file lab up read, or NULL */
	unsigned student;		/* in a student's view (lab_student_view): k */
	bool scan_ns_made;		/* its scanner namespace exists already (joined) */
};

/* The lab's programs and seats, pinned by lab up, for students who join later. */
struct lab_progs {
	int resp_fd, side_fd, seats_fd;
};
#define RS_PIN_RESPONDER "responder"
#define RS_PIN_LAB_SIDE "lab_side"

/* Fill l for lab name (NULL: the default); checks the name. */
int lab_describe(struct lab *l, const char *name);
/* The source address of student k, 1 <= k <= LAB_STUDENTS_MAX. */
uint32_t lab_student_addr(const struct lab *l, unsigned k);
/*
 * Student k's side of lab l: the same lab with student k's namespace,
 * interfaces, address and MAC as its scanner side.
 */
void lab_student_view(const struct lab *l, unsigned k, struct lab *view);
/* Student k's results directory. */
void lab_student_results(const struct lab *l, unsigned k, char *buf, size_t len);
/* The lab's state file: how it was made, its world and seed (root's alone). */
void lab_state_path(const struct lab *l, char *buf, size_t len);
/* Read the mode (here, iface, students) a running lab was started with into l. */
int lab_read_state(struct lab *l);
/*
 * Each key=value line of the lab's state file, in order, to fn; fn
 * returns nonzero to stop there, and that is what this returns (0: it
 * read them all). -errno when the state cannot be read.
 */
typedef int lab_state_fn(const char *key, const char *value, void *ctx);
int lab_state_foreach(const struct lab *l, lab_state_fn *fn, void *ctx);
/* The value of key in the lab's state file ("world", "seed"...); -ENOENT when absent. */
int lab_state_get(const struct lab *l, const char *key, char *buf, size_t len);
bool lab_is_up(const struct lab *l);

/* How the responder of lab l answers world w: the lab network it never
 * answers as internet, the key of its SYN-ACKs' sequence numbers. */
void lab_responder_cfg(const struct lab *l, const struct world *w, struct responder_cfg *cfg);
/*
 * A student who brings a network namespace of its own (a container):
 * name it <lab>-s<k>, give it a veth pair into the internet side with the
 * lab's programs on both ends and student k's seat. lab_student_leave
 * takes all of that away again (p NULL: the seat stays; its interface is
 * gone with the veth). The programs and seats come from lab_progs_open.
 */
int lab_progs_open(const struct lab *l, struct lab_progs *p);
void lab_progs_close(struct lab_progs *p);
int lab_student_join(const struct lab *l, unsigned k, int netns_fd, const struct lab_progs *p);
int lab_student_leave(const struct lab *l, unsigned k, const struct lab_progs *p);

/* Bring the lab up with w loaded; on error everything is torn down. */
int lab_up(struct lab *l, const struct world *w, const char *world_desc);
int lab_down(const struct lab *l);
/*
 * Replace the world of running lab l by w (lab_load.c): every probe is
 * answered from the old world or the new one, never from neither, and the
 * counters, seats and do-not-scan ranges stay. On error the old world
 * answers on. The caller holds the lab's lock (lab_recover.h): one
 * change of the lab at a time.
 */
int lab_load(const struct lab *l, const struct world *w, const char *world_desc);
/* Replace the state file's world lines (world, seed, services) by w's, in one rename. */
int lab_state_set_world(const struct lab *l, const struct world *w, const char *world_desc);
/*
 * Replace this process with argv running on the scanner side; for student
 * k (> 0) in its namespace, as its own user, with CAP_NET_RAW only, in its
 * results directory.
 */
int lab_exec(const struct lab *l, unsigned k, char **argv);

/* Path of a pinned map of the lab ("counters", ...). */
void lab_pin_path(const struct lab *l, const char *map, char *buf, size_t len);
/* "02:52:53:00:00:01" */
void lab_format_mac(const uint8_t m[6], char buf[18]);
/* The state file's "world=" line etc.: prints the state file to stdout. */
int lab_print_state(const struct lab *l);

#endif
