/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab_class.h - students in containers of their own joining a lab.
 *
 * A student container has a network namespace of its own and no
 * privilege but CAP_NET_RAW; it cannot make a veth. So it hands its
 * namespace to the lab: it connects to the lab's class socket (a unix
 * socket on a volume both containers mount) and passes a file descriptor
 * of /proc/self/ns/net (SCM_RIGHTS). The server, in the appliance with
 * CAP_NET_ADMIN and CAP_SYS_ADMIN, makes it student k's namespace
 * (lab_student_join: a veth pair, the lab's programs, k's seat) and
 * answers with text lines:
 *
 *   student=K
 *   addr=100.64.0.(128+K)
 *   (or error=WHY)
 *   <empty line>
 *
 * The connection is the seat: when it closes (the container stopped),
 * the server takes student k's veth and seat away. Each join and each
 * leave holds the lab's lock (lab_recover.h) as lab up, down and load
 * do, and attaches the responder pinned at that moment: the world of the
 * last lab load. A namespace can hold
 * one seat at a time; a student cannot pass any namespace but one it is
 * in, and gains nothing from one it is not.
 *
 * The request is the byte sent with the descriptor: LAB_CLASS_JOIN, or
 * LAB_CLASS_COUNTERS, answered with the counters of the seat that
 * namespace holds (student=, addr=, then NAME=VALUE per responder counter
 * and delivered.NAME=VALUE per scanner-side one) and closed: a student
 * sees its own row, and can name no other.
 */
#define LAB_CLASS_JOIN 'j'
#define LAB_CLASS_COUNTERS 'c'
#define LAB_CLASS_COUNTERS_MAX 8192	/* bytes of that answer, at most */
#ifndef RESCAN_LAB_CLASS_H
#define RESCAN_LAB_CLASS_H

#include "lab.h"

#define LAB_CLASS_SOCKET "/run/rescan-class/join.sock"

/* Serve joins for lab l on socket path, seats 1 to max, until SIGTERM/SIGINT. */
int lab_class_serve(const struct lab *l, const char *path, unsigned max);

/* What a join gave. */
struct lab_class_seat {
	unsigned student;
	uint32_t addr;		/* host order */
};

/*
 * Join the lab serving path with this process's network namespace; on
 * success *fd is the connection, to keep open for as long as the seat.
 */
int lab_class_join(const char *path, struct lab_class_seat *seat, int *fd);

/* The counters of the seat this process's namespace holds, as the lines above. */
int lab_class_counters(const char *path, char *buf, size_t size);

#endif /* RESCAN_LAB_CLASS_H */
