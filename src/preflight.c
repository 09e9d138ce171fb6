// SPDX-License-Identifier: GPL-2.0-only
/* preflight.c - the checks of preflight.h, each ending in one error line. */
#include "preflight.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "util.h"

#define MIB (1024 * 1024)

static const struct {
	int cap;
	const char *name;
	const char *why;
	unsigned need;
} caps[] = {
	{ CAP_NET_ADMIN, "NET_ADMIN", "veth, addresses, XDP attach", NEED_LAB },
	{ CAP_SYS_ADMIN, "SYS_ADMIN", "network namespaces, bpffs, BPF maps and programs", NEED_LAB },
	{ CAP_NET_RAW, "NET_RAW", "the scanners' raw sockets", NEED_SCAN },
};

int preflight_caps(unsigned need, bool container)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	char names[96] = "", why[256] = "", flags[96] = "";
	size_t i, missing = 0;

	if (syscall(SYS_capget, &h, d)) {
		rs_error("cannot read this process's capabilities: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int c = caps[i].cap;

		if (!(caps[i].need & need) || (d[c / 32].effective & (1u << (c % 32))))
			continue;
		/*
		 * A user other than root (a student container) runs the
		 * scanners with the capability they carry as a file
		 * capability (the image's setcap): what counts is that the
		 * bounding set still allows it.
		 */
		if (caps[i].need == NEED_SCAN && geteuid() && prctl(PR_CAPBSET_READ, c) == 1)
			continue;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%sCAP_%s",
			 missing ? ", " : "", caps[i].name);
		snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s: %s",
			 missing ? "; " : "", caps[i].name, caps[i].why);
		snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), "%s--cap-add %s",
			 missing ? " " : "", caps[i].name);
		missing++;
	}
	if (!missing)
		return 0;
	if (container)
		rs_error("missing capabilit%s %s (%s): add %s to docker run (compose: cap_add), "
			 "or use --privileged", missing > 1 ? "ies" : "y", names, why, flags);
	else
		rs_error("missing capabilit%s %s (%s): run rescan as root (in a container: %s)",
			 missing > 1 ? "ies" : "y", names, why, flags);
	return -EPERM;
}

int preflight_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;	/* unknown: the later checks will tell */
	if (major < 5 || (major == 5 && minor < 10)) {
		rs_error("kernel %s is too old: rescan needs Linux >= 5.10 (native XDP on veth, "
			 "XDP_TX to a veth peer)", u.release);
		return -ENOTSUP;
	}
	return 0;
}

/*
 * " (AppArmor profile P is enforced...)" when one is, else "": mounts and
 * namespaces that seccomp and the capabilities allow may still be refused
 * by the profile Docker puts on a container.
 */
static const char *apparmor_hint(bool container)
{
	static char hint[256];
	char label[160] = "";
	FILE *f = fopen("/proc/self/attr/current", "r");
	char *mode;

	hint[0] = 0;
	if (!f)
		return hint;
	if (!fgets(label, sizeof(label), f))
		label[0] = 0;
	fclose(f);
	mode = strstr(label, " (enforce)");
	if (!mode)
		return hint;
	*mode = 0;
	snprintf(hint, sizeof(hint), " (AppArmor profile %s is enforced%s)", label,
		 container ? ": add --security-opt apparmor=unconfined" : "");
	return hint;
}

int preflight_bpffs(bool container)
{
	struct statfs st;
	int err;

	if (!statfs(LAB_BPFFS_ROOT, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	mkdir(LAB_BPFFS_ROOT, 0755);
	if (!mount("bpf", LAB_BPFFS_ROOT, "bpf", 0, "mode=0700"))
		return 0;
	err = -errno;
	rs_error("cannot mount bpffs at " LAB_BPFFS_ROOT " (%s)%s; %s", strerror(-err),
		 apparmor_hint(container),
		 container ? "or give the container the host's with -v " LAB_BPFFS_ROOT ":" LAB_BPFFS_ROOT
			   : "mount it with: mount -t bpf bpf " LAB_BPFFS_ROOT);
	return err;
}

int preflight_bpf(bool container)
{
	char pin[64];
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "rs_preflight", 4, 4, 1, NULL);
	if (fd < 0) {
		err = -errno;
		if (err == -EPERM || err == -EACCES)
			rs_error("the bpf() system call is refused although CAP_SYS_ADMIN is granted: %s%s%s",
				 container ? "the container's seccomp profile blocks it"
					   : "a seccomp filter or security module blocks it",
				 apparmor_hint(container),
				 container ? "; add --security-opt seccomp=unconfined" : "");
		else if (err == -ENOSYS)
			rs_error("this kernel has no bpf() system call (CONFIG_BPF_SYSCALL): rescan needs "
				 "Linux >= 5.10 with BPF and XDP");
		else
			rs_error("cannot create a BPF map: %s", strerror(-err));
		return err;
	}
	snprintf(pin, sizeof(pin), LAB_BPFFS_ROOT "/rescan_preflight_%d", (int)getpid());
	err = bpf_obj_pin(fd, pin) ? -errno : 0;
	close(fd);
	if (err) {
		rs_error("cannot pin BPF objects in " LAB_BPFFS_ROOT " (%s): it must be a writable bpffs",
			 strerror(-err));
		return err;
	}
	unlink(pin);
	return 0;
}

int preflight_netns(bool container)
{
	char ns[32], errbuf[256] = "", *why;
	char *add[] = { "ip", "netns", "add", ns, NULL }, *del[] = { "ip", "netns", "del", ns, NULL };
	int rc;

	snprintf(ns, sizeof(ns), "rs-preflight-%d", (int)getpid());
	rc = run_cmd(add, errbuf, sizeof(errbuf));
	if (!rc) {
		run_cmd(del, NULL, 0);
		return 0;
	}
	if (rc == -ENOENT) {
		rs_error("cannot create a network namespace: 'ip' not found (install iproute2)");
		return rc;
	}
	run_cmd(del, NULL, 0);	/* what a half-made one may have left */
	/* iproute2 says "<what it did>: <why>"; the why is enough. */
	why = strrchr(errbuf, ':');
	why = why ? why + 1 + (why[1] == ' ') : errbuf;
	rs_error("cannot create a network namespace (%s)%s%s", why[0] ? why : "ip netns add failed",
		 apparmor_hint(container),
		 container ? "; with CAP_SYS_ADMIN granted, --security-opt seccomp=unconfined may help" : "");
	return -EPERM;
}

static bool in_lab_net(const struct lab *l, uint32_t addr)
{
	return (addr & l->mask) == l->net;
}

int preflight_here(const struct lab *l, bool container)
{
	const char *where = container ? "on this host" : "in this network namespace";
	struct ifaddrs *ifa, *i;
	char a[16], line[256], dev[IF_NAMESIZE + 1];
	unsigned dst, mask;
	FILE *f;

	if (if_nametoindex(l->if_scan)) {
		rs_error("interface %s already exists %s: is another rescan lab up? (%s; or --iface NAME)",
			 l->if_scan, where, container ? "docker ps" : "rescan lab status");
		return -EADDRINUSE;
	}
	if (!getifaddrs(&ifa)) {
		for (i = ifa; i; i = i->ifa_next) {
			const struct sockaddr_in *sa = (const void *)i->ifa_addr;

			if (!sa || sa->sin_family != AF_INET || !in_lab_net(l, ntohl(sa->sin_addr.s_addr)))
				continue;
			format_ipv4(ntohl(sa->sin_addr.s_addr), a);
			snprintf(line, sizeof(line), "%s has %s", i->ifa_name, a);
			freeifaddrs(ifa);
			goto in_use;
		}
		freeifaddrs(ifa);
	}
	/* The main table's IPv4 routes; addresses and masks as the kernel stores them. */
	f = fopen("/proc/net/route", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %x %*x %*x %*d %*d %*d %x", dev, &dst, &mask) != 3)
			continue;	/* the header */
		dst = ntohl(dst);
		mask = ntohl(mask);
		if ((mask & l->mask) != l->mask || !in_lab_net(l, dst))
			continue;
		format_ipv4(dst, a);
		snprintf(line, sizeof(line), "a route to %s/%d via %s", a, __builtin_popcount(mask), dev);
		fclose(f);
		goto in_use;
	}
	if (f)
		fclose(f);
	return 0;
in_use:
	format_ipv4(l->net, a);
	rs_error("the lab network %s/%d is already in use %s (%s): %s would shadow it", a, l->prefix,
		 where, line, l->if_scan);
	return -EADDRINUSE;
}

/* ---- memory ---------------------------------------------------------------- */

/* The number in file dir/name, or in its line "key N" when key is given. */
static bool read_u64(const char *dir, const char *name, const char *key, uint64_t *out)
{
	char path[512], line[256];
	size_t klen = key ? strlen(key) : 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (key && (strncmp(line, key, klen) || line[klen] != ' '))
			continue;
		found = sscanf(line + klen, "%" SCNu64, out) == 1;
		if (!key)
			break;
	}
	fclose(f);
	return found;
}

/*
 * Room left in one memory cgroup directory: its limit less what is charged
 * to it, not counting file pages (page cache, a mapped world file), which
 * the kernel reclaims when it needs them. False when it sets no limit.
 */
static bool cgroup_room(const char *dir, bool v1, uint64_t *limit, uint64_t *room)
{
	uint64_t used, active = 0, inactive = 0;

	if (v1 ? !read_u64(dir, "memory.stat", "hierarchical_memory_limit", limit) ||
			 !read_u64(dir, "memory.usage_in_bytes", NULL, &used)
	       : !read_u64(dir, "memory.max", NULL, limit) ||
			 !read_u64(dir, "memory.current", NULL, &used))
		return false;	/* "max", or no such file */
	if (*limit >= 1ull << 50)
		return false;	/* cgroup v1's "unlimited" */
	read_u64(dir, "memory.stat", v1 ? "total_active_file" : "active_file", &active);
	read_u64(dir, "memory.stat", v1 ? "total_inactive_file" : "inactive_file", &inactive);
	used -= used > active + inactive ? active + inactive : used;
	*room = *limit > used ? *limit - used : 0;
	return true;
}

/*
 * The tightest memory cgroup limit on this process: its own cgroup and,
 * under cgroup v2, each parent (v1 reports the hierarchy's limit itself).
 * Inside a container the cgroup root is mounted where the path from
 * /proc/self/cgroup may not lead: the mount's root is then the container's.
 */
static bool memory_room(uint64_t *limit, uint64_t *room)
{
	char line[512], dir[768], *path = NULL;
	bool v1 = false, found = false;
	size_t base_len;
	uint64_t l, r;
	FILE *f = fopen("/proc/self/cgroup", "r");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "0::", 3)) {
			path = line + 3;
			break;
		}
		if (strstr(line, ":memory:") || strstr(line, ",memory:")) {
			path = strstr(line, "memory:") + 7;
			v1 = true;
			break;
		}
	}
	if (f)
		fclose(f);
	if (!path)
		return false;
	snprintf(dir, sizeof(dir), "%s", v1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup");
	base_len = strlen(dir);
	snprintf(dir + base_len, sizeof(dir) - base_len, "%s", strcmp(path, "/") ? path : "");
	if (access(dir, F_OK))
		dir[base_len] = 0;
	for (;;) {
		if (cgroup_room(dir, v1, &l, &r) && (!found || r < *room)) {
			*limit = l;
			*room = r;
			found = true;
		}
		if (v1 || strlen(dir) <= base_len)
			break;
		*strrchr(dir, '/') = 0;
	}
	return found;
}

int preflight_memory(const struct world *w)
{
	uint64_t need = world_kernel_bytes(w), limit, room;

	if (!memory_room(&limit, &room) || room >= need)
		return 0;
	rs_error("the world's maps need %" PRIu64 " MiB of kernel memory, but only %" PRIu64
		 " MiB of this memory cgroup's %" PRIu64 " MiB limit are free: raise the limit "
		 "(docker run --memory, compose mem_limit)", (need + MIB - 1) / MIB, room / MIB,
		 limit / MIB);
	return -ENOMEM;
}
