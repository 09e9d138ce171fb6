// SPDX-License-Identifier: GPL-2.0-only
/* netns.c - entering the lab's network namespaces, iproute2 in them (see netns.h). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

bool netns_exists(const char *ns)
{
	char path[128];

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns);
	return access(path, F_OK) == 0;
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
