// SPDX-License-Identifier: GPL-2.0-only
/* lab.c - create, describe and remove the sealed lab (see lab.h). */
#include "lab.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lab_datapath.h"
#include "lab_side.skel.h"
#include "loader.h"
#include "netns.h"
#include "preflight.h"
#include "responder.skel.h"
#include "scanner_config.h"
#include "util.h"

int lab_describe(struct lab *l, const char *name)
{
	const char *root;
	size_t i;

	memset(l, 0, sizeof(*l));
	if (!name)
		name = LAB_DEFAULT_NAME;
	if (!*name || strlen(name) > LAB_NAME_MAX) {
		rs_error("lab name '%s' must be 1 to %d characters", name, LAB_NAME_MAX);
		return -EINVAL;
	}
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
			rs_error("lab name '%s' may only hold a-z, 0-9 and '-'", name);
			return -EINVAL;
		}
	}
	strcpy(l->name, name);
	l->default_route = true;
	snprintf(l->ns_scan, sizeof(l->ns_scan), "%s-scan", name);
	snprintf(l->ns_inet, sizeof(l->ns_inet), "%s-inet", name);
	strcpy(l->if_scan, LAB_SCAN_IFACE);
	strcpy(l->if_inet, LAB_INET_IFACE);
	l->net = 0x64400000;	/* 100.64.0.0/24: shared address space, never in a world */
	l->prefix = 24;
	l->mask = ~0u << (32 - l->prefix);
	l->gw_addr = l->net | 1;
	l->scan_addr = l->net | 2;
	/* Locally administered unicast MACs that spell "RS". */
	memcpy(l->gw_mac, "\x02\x52\x53\x00\x00\x01", 6);
	memcpy(l->scan_mac, "\x02\x52\x53\x00\x00\x02", 6);
	l->student_net = l->net | 128;
	l->student_prefix = l->prefix + 1;
	l->health_addr = l->net | 254;
	root = getenv("RESCAN_BPF_DIR");
	snprintf(l->pin_dir, sizeof(l->pin_dir), "%s/%s", root ? root : LAB_BPFFS_ROOT "/rescan", name);
	root = getenv("RESCAN_RUN_DIR");
	snprintf(l->run_dir, sizeof(l->run_dir), "%s/%s", root ? root : "/run/rescan", name);
	return 0;
}

uint32_t lab_student_addr(const struct lab *l, unsigned k)
{
	return l->student_net + k;
}

void lab_pin_path(const struct lab *l, const char *map, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", l->pin_dir, map);
}

void lab_format_mac(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

bool lab_is_up(const struct lab *l)
{
	return netns_exists(l->ns_inet);
}

/* ---- state file ---------------------------------------------------------- */

static void state_path(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s/state", l->run_dir);
}

int lab_read_state(struct lab *l)
{
	char path[160], line[256];
	FILE *f;

	state_path(l, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "scanner_netns=", 14)) {
			snprintf(l->ns_scan, sizeof(l->ns_scan), "%.31s", line + 14);
			l->here = !l->ns_scan[0];
		} else if (!strncmp(line, "scanner_iface=", 14)) {
			snprintf(l->if_scan, sizeof(l->if_scan), "%.15s", line + 14);
		} else if (!strncmp(line, "data_path=", 10)) {
			lab_data_path_parse(line + 10, &l->data_path);
		}
	}
	fclose(f);
	return 0;
}

int lab_print_state(const struct lab *l)
{
	char path[160], buf[4096];
	size_t n;
	FILE *f;

	state_path(l, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* world_set_foreach's callback: keep the first address, then stop. */
static int take_first(uint32_t addr, void *ctx)
{
	*(uint32_t *)ctx = addr;
	return 1;
}

/*
 * The state file: how the lab was made, and per service its host count and
 * first host, a target for a health probe that needs no second look at the
 * world.
 */
static int write_state(const struct lab *l, const struct world *w, const char *world_desc)
{
	char path[160], a[16], g[16], mac[18];
	uint32_t i;
	FILE *f;
	int err;

	err = mkdir_p(l->run_dir);
	if (err) {
		rs_error("cannot create %s: %s", l->run_dir, strerror(-err));
		return err;
	}
	state_path(l, path, sizeof(path));
	f = fopen(path, "w");
	if (!f) {
		rs_error("cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	format_ipv4(l->scan_addr, a);
	format_ipv4(l->gw_addr, g);
	lab_format_mac(l->gw_mac, mac);
	fprintf(f, "name=%s\nscanner_netns=%s\nscanner_iface=%s\nscanner_addr=%s\n"
		   "gateway_addr=%s\ngateway_mac=%s\ninternet_netns=%s\ndata_path=%s\nworld=%s\n"
		   "seed=%llu\n",
		l->name, l->here ? "" : l->ns_scan, l->if_scan, a, g, mac, l->ns_inet,
		lab_data_path_name(l->data_path), world_desc, (unsigned long long)w->seed);
	/* Services with open hosts: what a health probe or a student can try. */
	for (i = 0; i < w->nservices; i++) {
		uint32_t first = 0, set = w->services[i].set[RS_STATE_OPEN];
		char s[32];

		if (set == RS_NO_SET)
			continue;
		svc_format(w->services[i].svc, s, sizeof(s));
		if (world_set_foreach(w, set, 0, UINT32_MAX, take_first, &first))
			format_ipv4(first, a);
		else
			strcpy(a, "-");
		fprintf(f, "service=%s %llu %s\n", s,
			(unsigned long long)w->services[i].hosts[RS_STATE_OPEN], a);
	}
	if (fclose(f)) {
		rs_error("cannot write %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* ---- netns, links, addresses (through iproute2) --------------------------- */

/*
 * A real network is never silent, and masscan counts on it: after --wait
 * its receive thread must return from libpcap to see that the scan is
 * over, and libpcap 1.10 keeps polling through its read timeouts until a
 * frame arrives. On a silent lab0 masscan 1.3.2 never exits (one Ctrl-C
 * does not end it either). So the gateway keeps a managed neighbour entry
 * for the scanner (Linux 5.16+), which its kernel re-probes by itself: a
 * unicast ARP request and its reply every 5 s or so (the kernel's managed
 * entry work interval), as a router keeps its ARP cache fresh. The short
 * reachable time makes the entry stale, hence probed, at each of those
 * rounds. ZMap's capture filter does not pass ARP. A kernel without
 * managed entries gets a silent lab and a note.
 */
static void keep_lab_link_alive(const struct lab *l)
{
	char a[16];

	format_ipv4(l->scan_addr, a);
	if (netns_ip("cannot shorten the gateway's ARP timers", l->ns_inet, "ntable", "change",
		     "name", "arp_cache", "dev", l->if_inet, "base_reachable", "1000",
		     "delay_probe", "1000", NULL) ||
	    netns_ip("cannot add a managed neighbour entry", l->ns_inet, "neigh", "replace", a,
		     "dev", l->if_inet, "managed", NULL))
		fprintf(stderr, "rescan: note: %s; the lab link stays silent between scans, "
			"so masscan may not exit after its scan (Ctrl-C twice ends it)\n",
			rs_last_error());
}

static int create_links(const struct lab *l)
{
	const char *scan_ns = l->here ? NULL : l->ns_scan;
	char scan_mac[18], gw_mac[18], scan_cidr[24], gw_cidr[24], a[16];
	int err;

	lab_format_mac(l->scan_mac, scan_mac);
	lab_format_mac(l->gw_mac, gw_mac);
	format_ipv4(l->scan_addr, a);
	snprintf(scan_cidr, sizeof(scan_cidr), "%s/%d", a, l->prefix);
	format_ipv4(l->gw_addr, a);
	snprintf(gw_cidr, sizeof(gw_cidr), "%s/%d", a, l->prefix);

	if (!l->here && (err = netns_ip("cannot create the scanner namespace", NULL, "netns",
					"add", l->ns_scan, NULL)))
		return err;
	if ((err = netns_ip("cannot create the internet namespace", NULL, "netns", "add",
			    l->ns_inet, NULL)))
		return err;
	if (l->here)
		err = netns_ip("cannot create the lab veth pair", NULL, "link", "add", l->if_scan,
			       "address", scan_mac, "type", "veth", "peer", "name", l->if_inet,
			       "address", gw_mac, "netns", l->ns_inet, NULL);
	else
		err = netns_ip("cannot create the lab veth pair", NULL, "link", "add", l->if_scan,
			       "netns", l->ns_scan, "address", scan_mac, "type", "veth", "peer",
			       "name", l->if_inet, "netns", l->ns_inet, "address", gw_mac, NULL);
	if (err)
		return err;

	/* Internet side: the gateway address, so the kernel there is the lab's router of record. */
	if ((err = netns_ip("cannot configure the internet side", l->ns_inet, "addr", "add",
			    gw_cidr, "dev", l->if_inet, NULL)) ||
	    (err = netns_ip("cannot bring up the internet side", l->ns_inet, "link", "set",
			    l->if_inet, "up", NULL)))
		return err;

	if ((err = netns_ip("cannot configure the scanner side", scan_ns, "addr", "add",
			    scan_cidr, "dev", l->if_scan, NULL)) ||
	    (err = netns_ip("cannot bring up the scanner side", scan_ns, "link", "set",
			    l->if_scan, "up", NULL)) ||
	    (!l->here && (err = netns_ip("cannot bring up loopback", scan_ns, "link", "set",
					 "lo", "up", NULL))))
		return err;
	/*
	 * A permanent neighbour entry for the gateway: no ARP round trip before
	 * the first probe, and tools that read the table find it at once.
	 */
	format_ipv4(l->gw_addr, a);
	if ((err = netns_ip("cannot add the gateway neighbour entry", scan_ns, "neigh",
			    "replace", a, "lladdr", gw_mac, "dev", l->if_scan, "nud", "permanent", NULL)))
		return err;
	if (l->default_route &&
	    (err = netns_ip("cannot set the scanner's default route", scan_ns, "route",
			    "replace", "default", "via", a, "dev", l->if_scan, NULL)))
		return err;
	keep_lab_link_alive(l);
	return 0;
}

/* ---- XDP attach ----------------------------------------------------------- */

/* Attach prog_fd in native mode to ifname inside ns ("" = our own netns). */
static int attach_xdp(const char *ns, const char *ifname, int prog_fd)
{
	int self, err, ifindex;

	err = netns_visit(ns, &self);
	if (err)
		return err;
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		err = -errno;
		rs_error("interface %s vanished: %s", ifname, strerror(errno));
		goto out;
	}
	err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			     NULL);
	if (err) {
		char what[96];

		snprintf(what, sizeof(what), "cannot attach XDP (native mode) to %s", ifname);
		loader_explain(what, err);
		if (err == -EOPNOTSUPP)
			rs_error("cannot attach XDP to %s: this kernel's veth lacks native XDP", ifname);
	}
out:
	return netns_leave(self, err);
}

static int pin(struct bpf_map *map, const struct lab *l, const char *name)
{
	char path[192];
	int err;

	lab_pin_path(l, name, path, sizeof(path));
	err = bpf_map__pin(map, path);
	if (err)
		rs_error("cannot pin map %s at %s: %s", name, path, strerror(-err));
	return err;
}

static void remove_pins(const struct lab *l)
{
	static const char *const maps[] = { RS_MAP_COUNTERS, RS_MAP_LAB_COUNTERS,
					    RS_MAP_SOURCE_COUNTERS, "world_services", "world_dir",
					    "world_pool" };
	char path[192];
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		lab_pin_path(l, maps[i], path, sizeof(path));
		unlink(path);
	}
	rmdir(l->pin_dir);
}

static void remove_state(const struct lab *l)
{
	char path[160];

	state_path(l, path, sizeof(path));
	unlink(path);
	rmdir(l->run_dir);
}

void lab_responder_cfg(const struct lab *l, const struct world *w, struct responder_cfg *cfg)
{
	cfg->lab_net = htonl(l->net);
	cfg->lab_mask = htonl(l->mask);
	cfg->isn_key = (uint32_t)(w->seed * 0x9e3779b97f4a7c15ull >> 32);
}

int lab_up(struct lab *l, const struct world *w, const char *world_desc)
{
	struct responder_cfg cfg;
	struct responder_bpf *resp = NULL;
	struct lab_side_bpf *side = NULL;
	int err;

	lab_responder_cfg(l, w, &cfg);
	if (lab_is_up(l)) {
		rs_error("lab '%s' is already up (rescan lab down%s%s first)", l->name,
			 strcmp(l->name, LAB_DEFAULT_NAME) ? " --name " : "",
			 strcmp(l->name, LAB_DEFAULT_NAME) ? l->name : "");
		return -EEXIST;
	}
	if (!l->here && netns_exists(l->ns_scan)) {
		rs_error("network namespace %s exists but the lab is not up; remove it with "
			 "'ip netns del %s'", l->ns_scan, l->ns_scan);
		return -EEXIST;
	}
	err = preflight_bpffs(false);
	if (!err)
		err = preflight_memory(w);
	if (err)
		return err;
	/* Everything that can fail for lack of permission or memory, before
	 * anything is created. */
	err = loader_load_responder(w, &cfg, &resp);
	if (err)
		return err;
	side = lab_side_bpf__open_and_load();
	if (!side) {
		err = -errno;
		loader_explain("cannot load the lab-side XDP program", err);
		goto out;
	}
	err = mkdir_p(l->pin_dir);
	if (err) {
		rs_error("cannot create %s: %s", l->pin_dir, strerror(-err));
		goto fail;
	}
	if ((err = pin(resp->maps.counters, l, RS_MAP_COUNTERS)) ||
	    (err = pin(side->maps.lab_counters, l, RS_MAP_LAB_COUNTERS)) ||
	    (err = pin(resp->maps.source_counters, l, RS_MAP_SOURCE_COUNTERS)) ||
	    (err = pin(resp->maps.world_services, l, "world_services")) ||
	    (err = pin(resp->maps.world_dir, l, "world_dir")) ||
	    (err = pin(resp->maps.world_pool, l, "world_pool")))
		goto fail;

	if (!l->here) {
		struct scanner_seat seat = { .iface = l->if_scan, .source = l->scan_addr };
		char etc[128];

		scanner_config_netns_dir(l, etc, sizeof(etc));
		err = scanner_config_write(l, etc, &seat, true);
		if (err)
			goto fail;
	}
	err = create_links(l);
	if (err)
		goto fail;
	/* The scanner side first: a veth drops XDP_TX frames until its peer has XDP. */
	err = attach_xdp(l->here ? "" : l->ns_scan, l->if_scan,
			 bpf_program__fd(side->progs.rescan_lab_side));
	if (!err)
		err = attach_xdp(l->ns_inet, l->if_inet, bpf_program__fd(resp->progs.rescan_responder));
	if (!err)
		err = lab_data_path_set(l);
	if (!err)
		err = write_state(l, w, world_desc);
	if (err)
		goto fail;
	goto out;
fail:
	lab_down(l);
out:
	/* Attached programs and pinned maps live on without this process. */
	lab_side_bpf__destroy(side);
	loader_free_responder(resp);
	return err;
}

int lab_down(const struct lab *l)
{
	char errbuf[256];
	bool was_up = lab_is_up(l);
	int err = 0;

	/*
	 * Deleting the internet namespace destroys inet0 and with it the veth
	 * pair (lab0 too) and both XDP attachments.
	 */
	if (netns_exists(l->ns_inet)) {
		char *argv[] = { "ip", "netns", "del", (char *)l->ns_inet, NULL };

		if (run_cmd(argv, errbuf, sizeof(errbuf))) {
			rs_error("cannot delete namespace %s: %s", l->ns_inet, errbuf);
			err = -EIO;
		}
	}
	if (!l->here && l->ns_scan[0] && netns_exists(l->ns_scan)) {
		char *argv[] = { "ip", "netns", "del", (char *)l->ns_scan, NULL };

		if (run_cmd(argv, errbuf, sizeof(errbuf))) {
			rs_error("cannot delete namespace %s: %s", l->ns_scan, errbuf);
			err = -EIO;
		}
	}
	if (!l->here && l->ns_scan[0]) {
		char etc[128];

		scanner_config_netns_dir(l, etc, sizeof(etc));
		scanner_config_remove_netns(etc);
	}
	remove_pins(l);
	remove_state(l);
	if (!err && !was_up)
		return -ENOENT;
	return err;
}

int lab_exec(const struct lab *l, char **argv)
{
	char **full;
	int n = 0, i;

	if (l->here) {
		execvp(argv[0], argv);
		rs_error("cannot run %s: %s", argv[0], strerror(errno));
		return -errno;
	}
	for (i = 0; argv[i]; i++)
		;
	full = calloc((size_t)i + 5, sizeof(*full));
	if (!full)
		return -ENOMEM;
	/* ip netns exec also gives the command a /sys of the namespace. */
	full[n++] = "ip";
	full[n++] = "netns";
	full[n++] = "exec";
	full[n++] = (char *)l->ns_scan;
	for (i = 0; argv[i]; i++)
		full[n++] = argv[i];
	execvp("ip", full);
	rs_error("cannot run ip netns exec: %s", strerror(errno));
	free(full);
	return -errno;
}
