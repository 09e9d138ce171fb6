/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netns.h - working in the lab's named network namespaces (those of `ip
 * netns`, under /run/netns): enter one for a while, run iproute2's tools
 * there. Every function takes NULL or "" for "where this process is".
 */
#ifndef RESCAN_NETNS_H
#define RESCAN_NETNS_H

#include <stdbool.h>

#define NETNS_RUN_DIR "/run/netns"

/* Whether /run/netns/NS exists: a namespace, or a file left of one. */
bool netns_exists(const char *ns);
/*
 * Whether /run/netns/NS holds a namespace: the bind mount `ip netns add`
 * makes. The file alone outlives it where /run outlives its mounts (a
 * container killed and started again keeps /run, not its mounts).
 */
bool netns_is_live(const char *ns);
/* Switch this thread into ns; *self keeps where it was for netns_leave(). */
int netns_visit(const char *ns, int *self);
/* Back from netns_visit(); returns err, or its own error if err is 0. */
int netns_leave(int self, int err);
/* Enter ns for good (a child process about to do its work there). */
int netns_enter(const char *ns);

/*
 * Run "TOOL [-n NS] ARGS..." (ip or tc; the argument list ends with NULL)
 * and turn a failure into one error line that starts with what.
 */
int netns_run(const char *what, const char *tool, const char *ns, ...);
#define netns_ip(what, ns, ...) netns_run((what), "ip", (ns), __VA_ARGS__)

/*
 * IPv4 forwarding off on interface ifname in ns (its
 * net.ipv4.conf.IFNAME.forwarding), through rtnetlink: /proc/sys is
 * read-only in a container, an RTM_SETLINK of the interface's IPv4
 * settings is not.
 */
int netns_ipv4_forwarding_off(const char *ns, const char *ifname);

#endif /* RESCAN_NETNS_H */
