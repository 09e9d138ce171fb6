// SPDX-License-Identifier: GPL-2.0-only
/* scanner_config.c - zmap.conf and masscan.conf for a seat in a lab (see scanner_config.h). */
#include "scanner_config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* What ZMap reads, as it sees it: also inside the scanner namespace's overlay. */
#define ZMAP_BLOCKLIST "/etc/zmap/blacklist.conf"

void scanner_config_netns_dir(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "/etc/netns/%s", l->ns_scan);
}

/*
 * ZMap 2.1.1 keeps validate_gen()'s AES input in a static buffer its sender
 * and receiver threads share; on two CPUs they race and judge good replies
 * invalid (bench/ANALYSIS.md has the measurements). With every thread on
 * one CPU they cannot, so the configuration pins plain `zmap` to one CPU
 * (`--cores` on the command line still wins): the lab's own scanner gets
 * the first this process may use, student k the k-th after it, so that a
 * class scanning at once is spread over the CPUs there are.
 */
static int seat_cpu(unsigned number)
{
	cpu_set_t set;
	int c, n = 0, want;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	want = (int)(number % (unsigned)CPU_COUNT(&set));
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && n++ == want)
			return c;
	return 0;
}

/* Open etc/sub/name for writing, etc/sub (into dir) made first; one error line on failure. */
static FILE *create(const char *etc, const char *sub, const char *name, char dir[256],
		    char path[288])
{
	FILE *f;
	int err;

	snprintf(dir, 256, "%s/%s", etc, sub);
	snprintf(path, 288, "%s/%s", dir, name);
	err = mkdir_p(dir);
	if (err) {
		rs_error("cannot create %s: %s", dir, strerror(-err));
		return NULL;
	}
	f = fopen(path, "w");
	if (!f)
		rs_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

static int finish(FILE *f, const char *path)
{
	if (fclose(f)) {
		rs_error("cannot write %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* The system's blocklist if ZMap is installed, else an empty one. */
static int copy_blocklist(const char *etc)
{
	char dir[256], path[288], buf[4096];
	FILE *to = create(etc, "zmap", "blacklist.conf", dir, path), *from;
	size_t n;

	if (!to)
		return -errno;
	from = fopen(ZMAP_BLOCKLIST, "r");
	while (from && (n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
	if (from)
		fclose(from);
	return finish(to, path);
}

int scanner_config_write(const struct lab *l, const char *etc, const struct scanner_seat *s,
			 bool netns)
{
	char dir[256], path[288], mac[18], addr[16], whose[64] = "";
	FILE *f;
	int err;

	lab_format_mac(l->gw_mac, mac);
	format_ipv4(s->source, addr);
	if (s->number)
		snprintf(whose, sizeof(whose), " (student %u)", s->number);

	/*
	 * ZMap 2.1.1 hangs reading the neighbour table on kernels that end a
	 * netlink dump in the same message batch (its reader waits for a
	 * separate NLMSG_DONE), so it cannot find the gateway's MAC itself:
	 * the file hands it over, and keeps the default blocklist.
	 */
	f = create(etc, "zmap", "zmap.conf", dir, path);
	if (!f)
		return -errno;
	fprintf(f, "### written by rescan for lab '%s'%s%s\n"
		   "### the lab's interface, its gateway's MAC (ZMap 2.1.1 cannot find it on\n"
		   "### current kernels) and this scanner's source address\n"
		   "interface \"%s\"\ngateway-mac %s\nsource-ip %s\n"
		   "blacklist-file \"" ZMAP_BLOCKLIST "\"\n"
		   "### all threads on one CPU: on two, ZMap 2.1.1 throws good replies away\n"
		   "cores \"%d\"\n",
		l->name, whose, netns ? "; removed by rescan lab down" : "", s->iface, mac, addr,
		seat_cpu(s->number));
	err = finish(f, path);
	if (err)
		return err;
	/* `ip netns exec` binds each entry of the overlay over /etc/<entry>:
	 * the overlay's zmap/ hides the system's blocklist, and an entry whose
	 * /etc counterpart is missing (no masscan installed) warns on every
	 * exec, so the scanner namespace gets ZMap's files only. */
	if (netns)
		return copy_blocklist(etc);

	f = create(etc, "masscan", "masscan.conf", dir, path);
	if (!f)
		return -errno;
	fprintf(f, "# written by rescan for lab '%s'%s: the lab's interface, its gateway's MAC\n"
		   "# and this scanner's source address\n"
		   "adapter = %s\nadapter-ip = %s\nrouter-mac = %s\n",
		l->name, whose, s->iface, addr, mac);
	return finish(f, path);
}

void scanner_config_remove_netns(const char *etc)
{
	char path[288];

	snprintf(path, sizeof(path), "%s/zmap/zmap.conf", etc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/zmap/blacklist.conf", etc);
	unlink(path);
	snprintf(path, sizeof(path), "%s/zmap", etc);
	rmdir(path);
	rmdir(etc);
}
