// SPDX-License-Identifier: GPL-2.0-only
/* lab_datapath.c - the lab veth pair's data path (see lab_datapath.h). */
#include "lab_datapath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"
#include "util.h"

/*
 * The threaded path's settings. The internet side's NAPI, once woken, keeps
 * polling for up to 100 rounds spaced 20 µs apart before it waits for the
 * next interrupt; the scanner side's qdisc holds what a full ring pushed
 * back (a second of probes at 10 kpps, far more than a ring's worth).
 */
#define NAPI_DEFER_HARD_IRQS "100"
#define GRO_FLUSH_TIMEOUT_NS "20000"
#define SCANNER_QDISC_LIMIT "10000"

static const char *const names[] = {
	[LAB_DATA_PATH_AUTO] = "auto",
	[LAB_DATA_PATH_SOFTIRQ] = "softirq",
	[LAB_DATA_PATH_THREADED] = "threaded",
};

const char *lab_data_path_name(enum lab_data_path dp)
{
	return (unsigned)dp < sizeof(names) / sizeof(names[0]) ? names[dp] : NULL;
}

int lab_data_path_parse(const char *name, enum lab_data_path *dp)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*dp = (enum lab_data_path)i;
			return 0;
		}
	return -EINVAL;
}

enum lab_data_path lab_data_path_for_kernel(const char *release)
{
	unsigned major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return LAB_DATA_PATH_SOFTIRQ;
	if (major != LAB_THREADED_MIN_MAJOR)
		return major > LAB_THREADED_MIN_MAJOR ? LAB_DATA_PATH_THREADED : LAB_DATA_PATH_SOFTIRQ;
	return minor >= LAB_THREADED_MIN_MINOR ? LAB_DATA_PATH_THREADED : LAB_DATA_PATH_SOFTIRQ;
}

/* One legacy ethtool "set" command on ifname, in the caller's namespace. */
static int ethtool_off(int fd, const char *ifname, __u32 cmd, const char *what)
{
	struct ethtool_value ev = { .cmd = cmd, .data = 0 };
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr)) {
		rs_error("cannot turn off %s on %s: %s", what, ifname, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Checksums in software and no GSO on the scanner side (lab_datapath.h). */
static int scanner_offloads_off(const struct lab *l)
{
	int self, fd, err;

	err = netns_visit(l->here ? NULL : l->ns_scan, &self);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open a socket for ethtool: %s", strerror(errno));
	}
	if (!err)
		err = ethtool_off(fd, l->if_scan, ETHTOOL_STXCSUM, "checksum offload");
	if (!err)
		err = ethtool_off(fd, l->if_scan, ETHTOOL_SGSO, "generic segmentation offload");
	if (fd >= 0)
		close(fd);
	return netns_leave(self, err);
}

struct sysfs_value {
	const char *attr, *value, *off;
};

/* The internet side's NAPI settings; off: what undoes each. */
static const struct sysfs_value napi_threaded[] = {
	{ "napi_defer_hard_irqs", NAPI_DEFER_HARD_IRQS, "0" },
	{ "gro_flush_timeout", GRO_FLUSH_TIMEOUT_NS, "0" },
	{ "threaded", "1", "0" },
};
#define NAPI_VALUES (sizeof(napi_threaded) / sizeof(napi_threaded[0]))

static int write_attr(const char *ifname, const char *attr, const char *value)
{
	char path[128];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, value, strlen(value));
		if (n < 0 || close(fd))
			n = -1;
	}
	if (n < 0)
		rs_error("cannot write %s to %s: %s", value, path, strerror(errno));
	return n < 0 ? -errno : 0;
}

/*
 * A child process does it: /sys shows the namespace of whoever mounted it,
 * so the child enters the internet namespace, takes a mount namespace of
 * its own and mounts a sysfs there (as `ip netns exec` does), leaving this
 * process's mounts alone. Its error line comes back through a pipe.
 */
static void napi_child(const struct lab *l, int report)
{
	size_t i, j;

	if (netns_enter(l->ns_inet))
		goto fail;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL)) {
		rs_error("cannot make a mount namespace for the internet side's sysfs: %s",
			 strerror(errno));
		goto fail;
	}
	umount2("/sys", MNT_DETACH);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL)) {
		rs_error("cannot mount the internet side's sysfs: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < NAPI_VALUES; i++)
		if (write_attr(l->if_inet, napi_threaded[i].attr, napi_threaded[i].value)) {
			for (j = 0; j < i; j++)
				write_attr(l->if_inet, napi_threaded[j].attr, napi_threaded[j].off);
			goto fail;
		}
	_exit(0);
fail:
	if (write(report, rs_last_error(), strlen(rs_last_error())) < 0)
		_exit(2);
	_exit(1);
}

static int napi_threaded_on(const struct lab *l)
{
	char msg[256] = "";
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		rs_error("cannot fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -EAGAIN;
	}
	if (pid == 0) {
		close(pipefd[0]);
		napi_child(l, pipefd[1]);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		rs_error("%s", msg[0] ? msg : "cannot set the internet side's NAPI up");
		return -EIO;
	}
	return 0;
}

/* The qdisc first: a threaded NAPI without it would lose probes. */
static int threaded_on(const struct lab *l)
{
	const char *ns = l->here ? NULL : l->ns_scan;
	int err;

	err = netns_run("cannot give the scanner side a qdisc", "tc", ns, "qdisc", "replace",
			"dev", l->if_scan, "root", "pfifo", "limit", SCANNER_QDISC_LIMIT, NULL);
	if (err)
		return err;
	err = napi_threaded_on(l);
	if (err) {
		char *argv[] = { "tc", "qdisc", "del", "dev", (char *)l->if_scan, "root", NULL };
		int self;

		if (!netns_visit(ns, &self)) {
			run_cmd(argv, NULL, 0);
			netns_leave(self, 0);
		}
	}
	return err;
}

int lab_data_path_set(struct lab *l)
{
	bool asked = l->data_path != LAB_DATA_PATH_AUTO;
	struct utsname u;
	int err;

	err = scanner_offloads_off(l);
	if (err)
		return err;
	if (!asked)
		l->data_path = lab_data_path_for_kernel(uname(&u) ? "" : u.release);
	if (l->data_path != LAB_DATA_PATH_THREADED)
		return 0;
	err = threaded_on(l);
	if (err && !asked) {
		fprintf(stderr, "rescan: note: %s; the lab runs its data path in softirq "
			"(slower for ZMap)\n", rs_last_error());
		l->data_path = LAB_DATA_PATH_SOFTIRQ;
		return 0;
	}
	return err;
}
