// SPDX-License-Identifier: GPL-2.0-only
/* lab_counters.c - a running lab's counters, read from its pinned maps. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lab_counters.h"
#include "loader.h"
#include "service.h"
#include "util.h"

#define RS_DESC_ENTRY(id, name, help) { name, help },
const struct counter_desc lab_responder_desc[RS_NR_COUNTERS] = { RS_RESPONDER_COUNTERS(RS_DESC_ENTRY) };
const struct counter_desc lab_side_desc[RS_NR_LAB_COUNTERS] = { RS_LAB_COUNTERS(RS_DESC_ENTRY) };
const struct counter_desc lab_service_desc[RS_NR_SVC_COUNTERS] = { RS_SERVICE_COUNTERS(RS_DESC_ENTRY) };
#undef RS_DESC_ENTRY

/* The answers are the counters before pass_arp: tx_synack .. tx_port_unreach. */
_Static_assert(RS_CNT_TX_SYNACK == 0 && RS_CNT_PASS_ARP == RS_CNT_TX_PORT_UNREACH + 1,
	       "the tx_* counters come first, in one run");

static int read_pinned(const struct lab *l, const char *map, uint64_t *vals, uint32_t n)
{
	char path[192];
	int fd, err;

	lab_pin_path(l, map, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open the lab's counters at %s: %s", path, strerror(errno));
		return err;
	}
	err = loader_read_percpu(fd, vals, n);
	close(fd);
	if (err)
		rs_error("cannot read %s: %s", path, strerror(-err));
	return err;
}

/*
 * Name each service bucket after its service, from the responder's own
 * world_services (mmap-able; the entries that have sets are the world's
 * services). The shared buckets keep their names.
 */
static int read_service_names(const struct lab *l, struct lab_counters *c)
{
	size_t len = (size_t)RS_SERVICES_MAX * sizeof(struct rs_service);
	const struct rs_service *e;
	char path[192];
	uint32_t k;
	int fd, err;

	memset(c->svc_names, 0, sizeof(c->svc_names));
	lab_pin_path(l, RS_MAP_WORLD_SERVICES, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open the lab's services at %s: %s", path, strerror(errno));
		return err;
	}
	e = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	err = e == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err) {
		rs_error("cannot read the lab's services at %s: %s", path, strerror(-err));
		return err;
	}
	for (k = 0; k < RS_SERVICES_MAX; k++) {
		struct rs_svc svc = { k >> 16, k & 0xffff };

		if (!e[k].set[RS_STATE_OPEN] && !e[k].set[RS_STATE_CLOSED] &&
		    !e[k].set[RS_STATE_FILTERED])
			continue;
		if (e[k].bucket == RS_SVC_OTHER)
			snprintf(c->svc_names[RS_SVC_OTHER], LAB_SVC_NAME_MAX, "%s", LAB_SVC_OTHER_NAME);
		else if (e[k].bucket != RS_SVC_NONE)
			svc_format(svc, c->svc_names[e[k].bucket], LAB_SVC_NAME_MAX);
	}
	munmap((void *)e, len);
	snprintf(c->svc_names[RS_SVC_NONE], LAB_SVC_NAME_MAX, "%s", LAB_SVC_NONE_NAME);
	return 0;
}

static int read_service_counters(const struct lab *l, struct lab_counters *c)
{
	char path[192];
	int fd, err;

	memset(c->svc, 0, sizeof(c->svc));
	memset(c->svc_names, 0, sizeof(c->svc_names));
	c->services = false;
	lab_pin_path(l, RS_MAP_SERVICE_COUNTERS, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT)
		return 0;	/* a lab brought up by an older rescan */
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open the lab's service counters at %s: %s", path, strerror(errno));
		return err;
	}
	c->services = true;
	err = loader_read_percpu_rows(fd, 0, c->svc, RS_SVC_BUCKETS, RS_NR_SVC_COUNTERS);
	close(fd);
	if (err)
		rs_error("cannot read %s: %s", path, strerror(-err));
	return err;
}

/* The do-not-scan labels, from the lab's state file ("do_not_scan_label=N TEXT"). */
static int take_label(const char *key, const char *v, void *ctx)
{
	struct lab_counters *c = ctx;
	unsigned n;
	int off;

	if (strcmp(key, "do_not_scan_label") || sscanf(v, "%u %n", &n, &off) != 1 ||
	    n >= RS_DNS_LABELS)
		return 0;
	snprintf(c->labels[n], sizeof(c->labels[n]), "%s", v + off);
	if (n >= c->nlabels)
		c->nlabels = n + 1;
	return 0;
}

static void read_labels(const struct lab *l, struct lab_counters *c)
{
	c->nlabels = 0;
	lab_state_foreach(l, take_label, c);
}

int lab_counters_read(const struct lab *l, struct lab_counters *c, bool totals_only)
{
	int err;

	c->services = false;
	err = read_pinned(l, RS_MAP_COUNTERS, c->resp, RS_NR_COUNTERS);
	if (!err)
		err = read_pinned(l, RS_MAP_LAB_COUNTERS, c->side, RS_NR_LAB_COUNTERS);
	if (err || totals_only)
		return err;
	err = read_pinned(l, RS_MAP_SOURCE_COUNTERS, c->src, RS_SOURCES * RS_NR_COUNTERS);
	if (!err)
		err = read_pinned(l, RS_MAP_LAB_DEST_COUNTERS, c->dest,
				  RS_SOURCES * RS_NR_LAB_COUNTERS);
	if (!err)
		err = read_pinned(l, RS_MAP_DO_NOT_SCAN_HITS, c->dns, RS_SOURCES * RS_DNS_LABELS);
	if (!err)
		err = read_service_counters(l, c);
	if (!err && c->services)
		err = read_service_names(l, c);
	if (!err)
		read_labels(l, c);
	return err;
}

int lab_students_seated(const struct lab *l)
{
	struct rs_seat seat;
	char path[192];
	uint32_t k;
	int fd, n = 0, err = 0;

	lab_pin_path(l, RS_MAP_SEATS, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open the lab's seats at %s: %s", path, strerror(errno));
		return err;
	}
	for (k = 0; k < RS_SEAT_IFINDEX_MAX && !err; k++) {
		if (bpf_map_lookup_elem(fd, &k, &seat))
			err = -errno;
		else
			n += seat.mask == 0xffffffff;
	}
	close(fd);
	if (err)
		rs_error("cannot read %s: %s", path, strerror(-err));
	return err ? err : n;
}

uint64_t lab_counters_sum(const uint64_t *v, uint32_t n)
{
	uint64_t t = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		t += v[i];
	return t;
}

uint64_t lab_row_answered(const struct lab_counters *c, uint32_t row)
{
	return lab_counters_sum(lab_row_verdicts(c, row), RS_CNT_PASS_ARP);
}

bool lab_row_used(const struct lab_counters *c, uint32_t row)
{
	return lab_row_packets(c, row) ||
	       lab_counters_sum(lab_row_delivered(c, row), RS_NR_LAB_COUNTERS);
}

unsigned lab_row_student(const struct lab *l, uint32_t row)
{
	uint32_t first = lab_student_addr(l, 1) - l->net;

	return row >= first && row < first + LAB_STUDENTS_MAX ? row - first + 1 : 0;
}

void lab_row_addr(const struct lab *l, uint32_t row, char *buf, size_t len)
{
	struct in_addr a = { htonl(l->net | row) };

	inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}
