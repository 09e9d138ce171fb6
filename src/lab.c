// SPDX-License-Identifier: GPL-2.0-only
/* lab.c - create, describe and remove the sealed lab (see lab.h). */
#include "lab.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "do_not_scan.h"
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
	root = getenv("RESCAN_RESULTS_DIR");
	snprintf(l->results_dir, sizeof(l->results_dir), "%s/%s", root ? root : LAB_RESULTS_ROOT,
		 name);
	return 0;
}

void lab_student_view(const struct lab *l, unsigned k, struct lab *view)
{
	*view = *l;
	view->student = k;
	view->here = false;
	view->default_route = true;
	snprintf(view->ns_scan, sizeof(view->ns_scan), "%s-s%u", l->name, k);
	strcpy(view->if_scan, LAB_SCAN_IFACE);
	snprintf(view->if_inet, sizeof(view->if_inet), LAB_STUDENT_IFACE "%u", k);
	view->scan_addr = lab_student_addr(l, k);
	view->scan_mac[5] = (uint8_t)(view->scan_addr & 0xff);
}

void lab_student_results(const struct lab *l, unsigned k, char *buf, size_t len)
{
	snprintf(buf, len, "%s/student-%u", l->results_dir, k);
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
	return netns_is_live(l->ns_inet);
}

/* ---- state file ---------------------------------------------------------- */

void lab_state_path(const struct lab *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s/state", l->run_dir);
}

/* mkdir -p path, then give it mode (whatever umask and an older lab left); 0 or -errno, said. */
static int dir_with_mode(const char *path, mode_t mode)
{
	int err = mkdir_p(path);

	if (!err && chmod(path, mode))
		err = -errno;
	if (err)
		rs_error("cannot create %s: %s", path, strerror(-err));
	return err;
}

int lab_state_foreach(const struct lab *l, lab_state_fn *fn, void *ctx)
{
	char path[160], line[1024];
	int stop = 0;
	FILE *f;

	lab_state_path(l, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!stop && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = 0;
		if (!eq)
			continue;
		*eq = 0;
		stop = fn(line, eq + 1, ctx);
	}
	fclose(f);
	return stop;
}

static int read_mode(const char *key, const char *v, void *ctx)
{
	struct lab *l = ctx;

	if (!strcmp(key, "scanner_netns")) {
		snprintf(l->ns_scan, sizeof(l->ns_scan), "%.31s", v);
		l->here = !l->ns_scan[0];
	} else if (!strcmp(key, "scanner_iface")) {
		snprintf(l->if_scan, sizeof(l->if_scan), "%.15s", v);
	} else if (!strcmp(key, "data_path")) {
		lab_data_path_parse(v, &l->data_path);
	} else if (!strcmp(key, "students")) {
		l->students = (unsigned)strtoul(v, NULL, 10);
	} else if (!strcmp(key, "student_rate")) {
		l->student_rate = strtoull(v, NULL, 10);
	} else if (!strcmp(key, "student_burst")) {
		l->student_burst = strtoull(v, NULL, 10);
	} else if (!strcmp(key, "results_dir") && v[0]) {
		snprintf(l->results_dir, sizeof(l->results_dir), "%.127s", v);
	}
	return 0;
}

int lab_read_state(struct lab *l)
{
	int err = lab_state_foreach(l, read_mode, l);

	return err < 0 ? err : 0;
}

int lab_print_state(const struct lab *l)
{
	char path[160], buf[4096];
	size_t n;
	FILE *f;

	lab_state_path(l, path, sizeof(path));
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
 * The state file's lines about the world: which, its seed, and per service
 * its host count and first host, a target for a health probe that needs no
 * second look at the world.
 */
static void write_world_lines(FILE *f, const struct world *w, const char *world_desc)
{
	char a[16];
	uint32_t i;

	fprintf(f, "world=%s\nseed=%llu\n", world_desc, (unsigned long long)w->seed);
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
}

/* The state file: how the lab was made, then its world. */
static int write_state(const struct lab *l, const struct world *w, const char *world_desc,
		       const struct dns_list *dns)
{
	char path[160], a[16], g[16], mac[18];
	uint32_t i;
	FILE *f;
	int err;

	/* It names the world and its seed: the answer key, for root alone. */
	err = dir_with_mode(l->run_dir, 0700);
	if (err)
		return err;
	lab_state_path(l, path, sizeof(path));
	f = fopen(path, "w");
	if (!f) {
		rs_error("cannot write %s: %s", path, strerror(errno));
		return -errno;
	}
	format_ipv4(l->scan_addr, a);
	format_ipv4(l->gw_addr, g);
	lab_format_mac(l->gw_mac, mac);
	fprintf(f, "name=%s\nscanner_netns=%s\nscanner_iface=%s\nscanner_addr=%s\n"
		   "gateway_addr=%s\ngateway_mac=%s\ninternet_netns=%s\ndata_path=%s\n",
		l->name, l->here ? "" : l->ns_scan, l->if_scan, a, g, mac, l->ns_inet,
		lab_data_path_name(l->data_path));
	fprintf(f, "students=%u\nstudent_rate=%llu\nstudent_burst=%llu\ndo_not_scan=%s\n"
		   "results_dir=%s\nassignment=%s\n",
		l->students, (unsigned long long)l->student_rate,
		(unsigned long long)l->student_burst, l->do_not_scan ? l->do_not_scan : "",
		l->results_dir, l->assignment ? l->assignment : "");
	for (i = 0; dns && i < dns->nlabels; i++)
		fprintf(f, "do_not_scan_label=%u %s\n", i, dns->labels[i]);
	write_world_lines(f, w, world_desc);
	return rs_close_output(f, path);
}

static bool is_world_line(const char *line)
{
	return !strncmp(line, "world=", 6) || !strncmp(line, "seed=", 5) ||
	       !strncmp(line, "service=", 8);
}

int lab_state_set_world(const struct lab *l, const struct world *w, const char *world_desc)
{
	char path[160], tmp[176], line[1024];
	FILE *in, *out;
	int err;

	lab_state_path(l, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	in = fopen(path, "r");
	if (!in) {
		rs_error("cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	out = fopen(tmp, "w");
	if (!out) {
		err = -errno;
		rs_error("cannot write %s: %s", tmp, strerror(errno));
		fclose(in);
		return err;
	}
	/* Every line but the world's, as it was; lines are shorter than line. */
	while (fgets(line, sizeof(line), in))
		if (!is_world_line(line))
			fputs(line, out);
	fclose(in);
	write_world_lines(out, w, world_desc);
	err = rs_close_output(out, tmp);
	/* One rename: a reader sees the old world's lines or the new one's. */
	if (!err && rename(tmp, path)) {
		err = -errno;
		rs_error("cannot replace %s: %s", path, strerror(errno));
	}
	if (err)
		unlink(tmp);
	return err;
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

/* "from SCAN_ADDR/32": the selector of the lab's rule in a namespace it shares. */
static void lab_rule_from(const struct lab *l, char buf[20])
{
	format_ipv4(l->scan_addr, buf);
	strcat(buf, "/32");
}

/* Remove the lab's rule from this namespace, if it is there. */
static void drop_lab_rule(const struct lab *l)
{
	char from[20];
	char *argv[] = { "ip", "rule", "del", "pref", LAB_RULE_PREF, "from", from,
			 "lookup", LAB_ROUTE_TABLE, NULL };

	lab_rule_from(l, from);
	run_cmd(argv, NULL, 0);
}

/*
 * --here: the namespace keeps its default route (a host's), so what its
 * kernel sends from the lab's address would leave by it: the RST to a
 * SYN-ACK that ZMap asked for, ICMP port unreachable to a UDP answer. A
 * rule sends every packet from that address to a table whose one route
 * is the lab's gateway. A rule left by a lab that was killed goes first.
 */
static int route_lab_source(const struct lab *l)
{
	char from[20], gw[16];
	int err;

	lab_rule_from(l, from);
	format_ipv4(l->gw_addr, gw);
	drop_lab_rule(l);
	err = netns_ip("cannot route the lab's address into the lab", NULL, "route", "replace",
		       "default", "via", gw, "dev", l->if_scan, "table", LAB_ROUTE_TABLE, NULL);
	if (!err)
		err = netns_ip("cannot route the lab's address into the lab", NULL, "rule", "add",
			       "from", from, "lookup", LAB_ROUTE_TABLE, "pref", LAB_RULE_PREF, NULL);
	return err;
}

static int create_links(const struct lab *l)
{
	const char *scan_ns = l->here ? NULL : l->ns_scan;
	char scan_mac[18], gw_mac[18], scan_cidr[24], gw_cidr[24], a[20];
	int err;

	lab_format_mac(l->scan_mac, scan_mac);
	lab_format_mac(l->gw_mac, gw_mac);
	format_ipv4(l->scan_addr, a);
	snprintf(scan_cidr, sizeof(scan_cidr), "%s/%d", a, l->prefix);
	format_ipv4(l->gw_addr, a);
	snprintf(gw_cidr, sizeof(gw_cidr), "%s/%d", a, l->prefix);

	if (!l->here && !l->scan_ns_made &&
	    (err = netns_ip("cannot create the scanner namespace", NULL, "netns", "add", l->ns_scan,
			    NULL)))
		return err;
	if (!l->student && (err = netns_ip("cannot create the internet namespace", NULL, "netns",
					   "add", l->ns_inet, NULL)))
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

	/*
	 * Internet side: the gateway address, so the kernel there is the lab's
	 * router of record. It answers ARP for it on every interface; a
	 * student's end gets a host route to the student instead, so what
	 * that kernel sends the student (ARP) leaves by the student's veth.
	 */
	if ((err = netns_ip("cannot bring up the internet side", l->ns_inet, "link", "set",
			    l->if_inet, "up", NULL)))
		return err;
	format_ipv4(l->scan_addr, a);
	strcat(a, "/32");
	if (l->student)
		err = netns_ip("cannot route to the student", l->ns_inet, "route", "replace", a,
			       "dev", l->if_inet, NULL);
	else
		err = netns_ip("cannot configure the internet side", l->ns_inet, "addr", "add",
			       gw_cidr, "dev", l->if_inet, NULL);
	if (err)
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
	/*
	 * Neither end forwards IPv4. A new namespace copies
	 * net.ipv4.ip_forward from the machine's (on wherever Docker runs),
	 * and one the lab shares (--here) forwards as its owner set it: an
	 * answer the responder sends to another address of the lab network
	 * would be routed on, and the kernel's ICMP error about it sent out
	 * by the default route. An interface that does not forward drops such
	 * a packet without a word (ip_error() sends nothing for it).
	 */
	if ((err = netns_ipv4_forwarding_off(scan_ns, l->if_scan)) ||
	    (err = netns_ipv4_forwarding_off(l->ns_inet, l->if_inet)) ||
	    (l->here && (err = route_lab_source(l))))
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

static const char *const pinned_maps[] = {
	RS_MAP_COUNTERS, RS_MAP_LAB_COUNTERS, RS_MAP_LAB_DEST_COUNTERS, RS_MAP_SOURCE_COUNTERS,
	RS_MAP_SEATS, RS_MAP_DO_NOT_SCAN, RS_MAP_DO_NOT_SCAN_HITS, RS_MAP_WORLD_SERVICES, "world_dir",
	"world_pool", RS_MAP_SERVICE_COUNTERS, RS_PIN_RESPONDER, RS_PIN_LAB_SIDE,
};

static int pin_maps(const struct lab *l, struct responder_bpf *resp, struct lab_side_bpf *side)
{
	struct bpf_map *maps[] = {
		resp->maps.counters, side->maps.lab_counters, side->maps.lab_dest_counters,
		resp->maps.source_counters, resp->maps.seats, resp->maps.do_not_scan,
		resp->maps.do_not_scan_hits, resp->maps.world_services, resp->maps.world_dir,
		resp->maps.world_pool, resp->maps.service_counters,
	};
	char path[192];
	size_t i;
	int err;

	_Static_assert(sizeof(maps) / sizeof(maps[0]) + 2 == sizeof(pinned_maps) / sizeof(pinned_maps[0]),
		       "one pin name per map, then the programs'");
	/* Maps of the world and of every student: root's alone. */
	err = dir_with_mode(l->pin_dir, 0700);
	if (err)
		return err;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if ((err = pin(maps[i], l, pinned_maps[i])))
			return err;
	/* The programs too: students who join later get the same ones. */
	lab_pin_path(l, RS_PIN_RESPONDER, path, sizeof(path));
	err = bpf_program__pin(resp->progs.rescan_responder, path);
	if (!err) {
		lab_pin_path(l, RS_PIN_LAB_SIDE, path, sizeof(path));
		err = bpf_program__pin(side->progs.rescan_lab_side, path);
	}
	if (err)
		rs_error("cannot pin the lab's programs at %s: %s", path, strerror(-err));
	return err;
}

/* Every pin of the lab: its maps and programs, and a world lab load left half pinned. */
static void remove_pins(const struct lab *l)
{
	char path[sizeof(l->pin_dir) + sizeof(((struct dirent *)0)->d_name) + 1];
	struct dirent *e;
	DIR *d = opendir(l->pin_dir);

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		lab_pin_path(l, e->d_name, path, sizeof(path));
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(l->pin_dir);
}

static void remove_state(const struct lab *l)
{
	char path[160];

	lab_state_path(l, path, sizeof(path));
	unlink(path);
	/* A new state lab load did not get to rename into place. */
	strncat(path, ".new", sizeof(path) - strlen(path) - 1);
	unlink(path);
	rmdir(l->run_dir);
}

void lab_responder_cfg(const struct lab *l, const struct world *w, struct responder_cfg *cfg)
{
	*cfg = (struct responder_cfg){
		.lab_net = htonl(l->net),
		.lab_mask = htonl(l->mask),
		.isn_key = (uint32_t)(w->seed * 0x9e3779b97f4a7c15ull >> 32),
		.do_not_scan = l->do_not_scan != NULL,
	};
}

/* The responder's rules for what comes in on interface ifname of the internet side. */
static int seat_put(const struct lab *l, int seats_fd, const char *ifname,
		    const struct rs_seat *seat)
{
	int self, err, ifindex;
	uint32_t key;

	err = netns_visit(l->ns_inet, &self);
	if (err)
		return err;
	ifindex = (int)if_nametoindex(ifname);
	err = netns_leave(self, ifindex ? 0 : -errno);
	if (err) {
		rs_error("interface %s vanished: %s", ifname, strerror(-err));
		return err;
	}
	if (ifindex >= RS_SEAT_IFINDEX_MAX) {
		rs_error("interface %s has index %d; the responder's seats reach %d", ifname,
			 ifindex, RS_SEAT_IFINDEX_MAX - 1);
		return -ERANGE;
	}
	key = (uint32_t)ifindex;
	if (bpf_map_update_elem(seats_fd, &key, seat, BPF_ANY)) {
		rs_error("cannot set the seat of %s: %s", ifname, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Student k's seat: its address alone, at the class's rate. */
static struct rs_seat student_seat(const struct lab *l, unsigned k)
{
	struct rs_seat s = { .addr = htonl(lab_student_addr(l, k)), .mask = 0xffffffff };

	if (l->student_rate) {
		s.interval_ns = (1000000000ull + l->student_rate / 2) / l->student_rate;
		if (!s.interval_ns)
			s.interval_ns = 1;
		s.burst_ns = (l->student_burst ? l->student_burst - 1 : 0) * s.interval_ns;
	}
	return s;
}

/* Student k's results directory: the student's own, nobody else's to read. */
static int make_results_dir(const struct lab *l, unsigned k)
{
	uid_t uid = LAB_STUDENT_UID + k;
	char dir[192];
	int err;

	/* Students may pass through the class's directory, not list it. */
	err = dir_with_mode(l->results_dir, 0711);
	lab_student_results(l, k, dir, sizeof(dir));
	if (!err)
		err = dir_with_mode(dir, 0700);
	if (!err && chown(dir, uid, uid)) {
		err = -errno;
		rs_error("cannot give %s to student %u: %s", dir, k, strerror(errno));
	}
	return err;
}

/*
 * Student k's veth pair, configured, attached and seated; its namespace
 * made here, or (joined) the one already named <lab>-s<k>.
 */
static int student_up(const struct lab *l, unsigned k, const struct lab_progs *p, bool joined)
{
	struct scanner_seat seat = { .iface = LAB_SCAN_IFACE, .number = k };
	struct rs_seat rs = student_seat(l, k);
	struct lab v;
	char etc[128];
	int err;

	lab_student_view(l, k, &v);
	v.scan_ns_made = joined;
	/*
	 * Every student's veth on the softirq path: a NAPI thread per student
	 * competes with every student's sender for the CPUs, which stalls a
	 * large class (bench/data/class/RESULTS-class.md).
	 */
	v.data_path = LAB_DATA_PATH_SOFTIRQ;
	seat.source = v.scan_addr;
	if (!joined && netns_exists(v.ns_scan)) {
		rs_error("network namespace %s exists but the lab is not up; remove it with "
			 "'ip netns del %s'", v.ns_scan, v.ns_scan);
		return -EEXIST;
	}
	scanner_config_netns_dir(&v, etc, sizeof(etc));
	if ((!joined && (err = scanner_config_write(&v, etc, &seat, true))) ||
	    (err = create_links(&v)) || (err = attach_xdp(v.ns_scan, v.if_scan, p->side_fd)) ||
	    (err = attach_xdp(v.ns_inet, v.if_inet, p->resp_fd)) || (err = lab_data_path_set(&v)) ||
	    (err = seat_put(&v, p->seats_fd, v.if_inet, &rs)))
		return err;
	return joined ? 0 : make_results_dir(l, k);
}

/* ---- students who bring their own namespace (lab_class.c) ----------------- */

int lab_progs_open(const struct lab *l, struct lab_progs *p)
{
	static const char *const names[] = { RS_PIN_RESPONDER, RS_PIN_LAB_SIDE, RS_MAP_SEATS };
	int *fds[] = { &p->resp_fd, &p->side_fd, &p->seats_fd };
	char path[192];
	size_t i;

	for (i = 0; i < 3; i++)
		*fds[i] = -1;
	for (i = 0; i < 3; i++) {
		lab_pin_path(l, names[i], path, sizeof(path));
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			int err = -errno;

			rs_error("cannot open the lab's %s at %s: %s", names[i], path, strerror(errno));
			lab_progs_close(p);
			return err;
		}
	}
	return 0;
}

void lab_progs_close(struct lab_progs *p)
{
	int *fds[] = { &p->resp_fd, &p->side_fd, &p->seats_fd };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int lab_student_join(const struct lab *l, unsigned k, int netns_fd, const struct lab_progs *p)
{
	char path[192], src[64];
	struct lab v;
	int fd, err;

	lab_student_view(l, k, &v);
	/* Named like a namespace of `ip netns add`, so every tool reaches it. */
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", v.ns_scan);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", netns_fd);
	err = mkdir_p(NETNS_RUN_DIR);
	if (!err) {
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
		err = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
	if (!err && mount(src, path, NULL, MS_BIND, NULL))
		err = -errno;
	if (err) {
		rs_error("cannot name student %u's namespace %s: %s", k, path, strerror(-err));
		if (err != -EEXIST)
			unlink(path);
		return err;
	}
	err = student_up(l, k, p, true);
	if (err)
		lab_student_leave(l, k, p);
	return err;
}

int lab_student_leave(const struct lab *l, unsigned k, const struct lab_progs *p)
{
	struct rs_seat none = { 0 };
	char path[192];
	struct lab v;
	int err;

	lab_student_view(l, k, &v);
	/* The seat first, while its interface still has the index it was given. */
	if (p)
		seat_put(&v, p->seats_fd, v.if_inet, &none);
	err = netns_ip("cannot remove the student's veth", l->ns_inet, "link", "del", v.if_inet,
		       NULL);
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", v.ns_scan);
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT && !err) {
		rs_error("cannot release %s: %s", path, strerror(errno));
		err = -errno;
	}
	unlink(path);
	return err;
}

int lab_up(struct lab *l, const struct world *w, const char *world_desc)
{
	struct responder_cfg cfg;
	struct responder_bpf *resp = NULL;
	struct lab_side_bpf *side = NULL;
	struct dns_list dns = { 0 };
	/*
	 * The lab's own scanner side may send from the lab network; with
	 * student namespaces, from its lower half only, so no packet of it
	 * counts as a student's.
	 */
	struct rs_seat own = { .addr = htonl(l->net),
			       .mask = htonl(l->students ? l->mask | l->mask >> 1 : l->mask) };
	struct lab_progs progs;
	unsigned k;
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
	if (l->do_not_scan && (err = dns_list_read(l->do_not_scan, &dns)))
		return err;
	err = preflight_bpffs(false);
	if (!err)
		err = preflight_memory(w);
	if (err)
		goto out;
	/* Everything that can fail for lack of permission or memory, before
	 * anything is created. */
	err = loader_load_responder(w, &cfg, &resp);
	if (err)
		goto out;
	if (l->do_not_scan && (err = dns_list_load(&dns, bpf_map__fd(resp->maps.do_not_scan))))
		goto out;
	side = lab_side_bpf__open();
	if (side) {
		side->rodata->lab_net = cfg.lab_net;
		side->rodata->lab_mask = cfg.lab_mask;
	}
	if (!side || lab_side_bpf__load(side)) {
		err = -errno;
		loader_explain("cannot load the lab-side XDP program", err);
		goto out;
	}
	err = pin_maps(l, resp, side);
	if (err)
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
	progs.seats_fd = bpf_map__fd(resp->maps.seats);
	progs.resp_fd = bpf_program__fd(resp->progs.rescan_responder);
	progs.side_fd = bpf_program__fd(side->progs.rescan_lab_side);
	/* The scanner side first: a veth drops XDP_TX frames until its peer has XDP. */
	err = attach_xdp(l->here ? "" : l->ns_scan, l->if_scan, progs.side_fd);
	if (!err)
		err = attach_xdp(l->ns_inet, l->if_inet, progs.resp_fd);
	if (!err)
		err = lab_data_path_set(l);
	if (!err)
		err = seat_put(l, progs.seats_fd, l->if_inet, &own);
	for (k = 1; !err && k <= l->students; k++)
		err = student_up(l, k, &progs, false);
	if (!err)
		err = write_state(l, w, world_desc, l->do_not_scan ? &dns : NULL);
	if (err)
		goto fail;
	goto out;
fail:
	lab_down(l);
out:
	/* Attached programs and pinned maps live on without this process. */
	dns_list_free(&dns);
	lab_side_bpf__destroy(side);
	loader_free_responder(resp);
	return err;
}

/* Delete network namespace ns if it exists; -EIO (said) if that fails. */
static int netns_delete(const char *ns)
{
	char *argv[] = { "ip", "netns", "del", (char *)ns, NULL };
	char errbuf[256];

	if (!ns[0] || !netns_exists(ns) || !run_cmd(argv, errbuf, sizeof(errbuf)))
		return 0;
	rs_error("cannot delete namespace %s: %s", ns, errbuf);
	return -EIO;
}

int lab_down(const struct lab *l)
{
	bool was_up = lab_is_up(l);
	char etc[128];
	int err = 0;
	unsigned k;

	/*
	 * Deleting the internet namespace destroys inet0 and every st<k>, and
	 * with them the veth pairs (lab0 too) and their XDP attachments.
	 * Every student slot is looked at, not only those of the state file:
	 * a lab up that died half way has none. The kernel does that after
	 * the namespace is gone, in its own time; lab0 of a lab made --here
	 * lives in the caller's namespace, where the next lab up looks for
	 * it, so the lab's veth goes first, at once (there may be none yet).
	 */
	if (netns_is_live(l->ns_inet)) {
		char *del[] = { "ip", "-n", (char *)l->ns_inet, "link", "del", (char *)l->if_inet, NULL };

		run_cmd(del, NULL, 0);
	}
	err = netns_delete(l->ns_inet);
	if (l->here)
		drop_lab_rule(l);
	if (!l->here && netns_delete(l->ns_scan))
		err = -EIO;
	if (!l->here && l->ns_scan[0]) {
		scanner_config_netns_dir(l, etc, sizeof(etc));
		scanner_config_remove_netns(etc);
	}
	for (k = 1; k <= LAB_STUDENTS_MAX; k++) {
		struct lab v;

		lab_student_view(l, k, &v);
		scanner_config_netns_dir(&v, etc, sizeof(etc));
		if (netns_delete(v.ns_scan))
			err = -EIO;
		scanner_config_remove_netns(etc);
	}
	remove_pins(l);
	remove_state(l);
	if (!err && !was_up)
		return -ENOENT;
	return err;
}

/*
 * Replace this process with `ip netns exec NS PRE... ARGV...`; ip also
 * gives the command a /sys of the namespace.
 */
static int exec_in_netns(const char *ns, const char *const *pre, char **argv)
{
	size_t np = 0, na = 0, n = 0, i;
	char **full;

	while (pre && pre[np])
		np++;
	while (argv[na])
		na++;
	full = calloc(np + na + 5, sizeof(*full));
	if (!full)
		return -ENOMEM;
	full[n++] = "ip";
	full[n++] = "netns";
	full[n++] = "exec";
	full[n++] = (char *)ns;
	for (i = 0; i < np; i++)
		full[n++] = (char *)pre[i];
	for (i = 0; i < na; i++)
		full[n++] = argv[i];
	execvp("ip", full);
	rs_error("cannot run ip netns exec: %s", strerror(errno));
	free(full);
	return -errno;
}

/*
 * Student k's process: its user and group, no other group, CAP_NET_RAW
 * alone (ambient, so it survives exec into the scanners; the bounding set
 * and no_new_privs keep it from ever getting more), its results directory
 * as home and working directory. nmap uses raw sockets for a user with the
 * capability when told so (NMAP_PRIVILEGED).
 */
static int exec_student(const struct lab *l, unsigned k, char **argv)
{
	char dir[192], ids[16], user[24];
	const char *const drop[] = { "setpriv", "--reuid", ids, "--regid", ids, "--clear-groups",
				     "--inh-caps=-all,+net_raw", "--ambient-caps=-all,+net_raw",
				     "--bounding-set=-all,+net_raw", "--no-new-privs", "--", NULL };
	struct lab v;

	if (k > l->students) {
		rs_error("lab '%s' has %u student%s; there is no student %u", l->name, l->students,
			 l->students == 1 ? "" : "s", k);
		return -ENOENT;
	}
	lab_student_view(l, k, &v);
	lab_student_results(l, k, dir, sizeof(dir));
	if (chdir(dir)) {
		rs_error("cannot enter %s: %s", dir, strerror(errno));
		return -errno;
	}
	snprintf(ids, sizeof(ids), "%u", LAB_STUDENT_UID + k);
	snprintf(user, sizeof(user), "student-%u", k);
	setenv("HOME", dir, 1);
	setenv("USER", user, 1);
	setenv("LOGNAME", user, 1);
	setenv("NMAP_PRIVILEGED", "1", 1);
	return exec_in_netns(v.ns_scan, drop, argv);
}

int lab_exec(const struct lab *l, unsigned k, char **argv)
{
	if (k)
		return exec_student(l, k, argv);
	if (l->here) {
		execvp(argv[0], argv);
		rs_error("cannot run %s: %s", argv[0], strerror(errno));
		return -errno;
	}
	return exec_in_netns(l->ns_scan, NULL, argv);
}

struct state_get {
	const char *key;
	char *buf;
	size_t len;
};

static int take_value(const char *key, const char *v, void *ctx)
{
	struct state_get *g = ctx;

	if (strcmp(key, g->key))
		return 0;
	snprintf(g->buf, g->len, "%s", v);
	return 1;
}

int lab_state_get(const struct lab *l, const char *key, char *buf, size_t len)
{
	struct state_get g = { key, buf, len };
	char path[160];
	int err = lab_state_foreach(l, take_value, &g);

	lab_state_path(l, path, sizeof(path));
	if (err < 0)
		rs_error("cannot read the lab's state %s: %s", path, strerror(-err));
	else if (!err)
		rs_error("the lab's state %s says nothing of %s", path, key);
	return err == 1 ? 0 : err < 0 ? err : -ENOENT;
}
