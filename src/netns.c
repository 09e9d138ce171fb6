// SPDX-License-Identifier: GPL-2.0-only
/* netns.c - entering the lab's network namespaces, iproute2 in them (see netns.h). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "util.h"

bool netns_exists(const char *ns)
{
	char path[128];

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	return access(path, F_OK) == 0;
}

bool netns_is_live(const char *ns)
{
	char path[128];
	struct statfs st;

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	return !statfs(path, &st) && st.f_type == NSFS_MAGIC;
}

int netns_enter(const char *ns)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		rs_error("cannot enter network namespace %s: %s", ns, strerror(-err));
	return err;
}

int netns_visit(const char *ns, int *self)
{
	int err;

	*self = -1;
	if (!ns || !ns[0])
		return 0;
	*self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*self < 0)
		return -errno;
	err = netns_enter(ns);
	if (err) {
		close(*self);
		*self = -1;
	}
	return err;
}

int netns_leave(int self, int err)
{
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET) && !err)
			err = -errno;
		close(self);
	}
	return err;
}

int netns_run(const char *what, const char *tool, const char *ns, ...)
{
	char *argv[24], errbuf[256];
	va_list ap;
	int n = 0, rc;

	argv[n++] = (char *)tool;
	if (ns && ns[0]) {
		argv[n++] = "-n";
		argv[n++] = (char *)ns;
	}
	va_start(ap, ns);
	while (n < 23 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = run_cmd(argv, errbuf, sizeof(errbuf));
	if (rc == -ENOENT) {
		rs_error("%s: '%s' not found (install iproute2)", what, tool);
		return rc;
	}
	if (rc) {
		rs_error("%s: %s", what, errbuf[0] ? errbuf : "failed");
		return rc < 0 ? rc : -EIO;
	}
	return 0;
}

/* Append an attribute header of type (nested ones get their length later). */
static struct rtattr *rta_put(char *buf, size_t *off, unsigned short type, const void *data,
			      size_t len)
{
	struct rtattr *a = (struct rtattr *)(buf + *off);

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(a), data, len);
	*off += RTA_ALIGN(a->rta_len);
	return a;
}

int netns_ipv4_forwarding_off(const char *ns, const char *ifname)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct rtattr *spec, *inet, *conf;
	char reply[512], *base = (char *)&req;
	size_t off = NLMSG_LENGTH(sizeof(req.ifi));
	__u32 off_value = 0;
	int self, fd = -1, err;
	ssize_t n;

	err = netns_visit(ns, &self);
	if (err)
		return err;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = (int)if_nametoindex(ifname);
	if (!req.ifi.ifi_index) {
		err = -errno;
		goto out;
	}
	spec = rta_put(base, &off, IFLA_AF_SPEC, NULL, 0);
	inet = rta_put(base, &off, AF_INET, NULL, 0);
	conf = rta_put(base, &off, IFLA_INET_CONF, NULL, 0);
	rta_put(base, &off, IPV4_DEVCONF_FORWARDING, &off_value, sizeof(off_value));
	conf->rta_len = (unsigned short)(base + off - (char *)conf);
	inet->rta_len = (unsigned short)(base + off - (char *)inet);
	spec->rta_len = (unsigned short)(base + off - (char *)spec);
	req.nh.nlmsg_len = (__u32)off;
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || sendto(fd, &req, off, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0)
		err = -errno;
	else if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
		 ((struct nlmsghdr *)reply)->nlmsg_type != NLMSG_ERROR)
		err = -EPROTO;
	else
		err = ((struct nlmsgerr *)NLMSG_DATA(reply))->error;
out:
	if (fd >= 0)
		close(fd);
	if (err)
		rs_error("cannot turn IPv4 forwarding off on %s: %s", ifname, strerror(-err));
	return netns_leave(self, err);
}
