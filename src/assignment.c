// SPDX-License-Identifier: GPL-2.0-only
/* assignment.c - read an assignment file (assignment.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment.h"
#include "rescan_abi.h"
#include "util.h"

/* nmap -sn's default probes as root: echo, SYN to 443, ACK to 80, timestamp. */
#define NMAP_SN_DISCOVERY "icmp tcp/443 tcp/80 icmp/timestamp"

void assignment_init(struct assignment *a)
{
	memset(a, 0, sizeof(*a));
	a->state = RS_STATE_OPEN;
	if (assignment_set_discovery(a, NMAP_SN_DISCOVERY, "the default discovery"))
		abort();	/* a typo above, not the user's */
}

static int cmp_range(const void *x, const void *y)
{
	const struct addr_range *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

/* Sorted, and overlapping or adjacent ranges made one. */
static void merge_ranges(struct assignment *a)
{
	unsigned i, n = 0;

	qsort(a->ranges, a->nranges, sizeof(a->ranges[0]), cmp_range);
	for (i = 0; i < a->nranges; i++) {
		struct addr_range *last = n ? &a->ranges[n - 1] : NULL;

		if (last && (uint64_t)a->ranges[i].first <= (uint64_t)last->last + 1) {
			if (a->ranges[i].last > last->last)
				last->last = a->ranges[i].last;
		} else {
			a->ranges[n++] = a->ranges[i];
		}
	}
	a->nranges = n;
}

/* The next item of a list separated by blanks or commas, copied into buf. */
static const char *next_item(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return NULL;
	while (*p && *p != ' ' && *p != '\t' && *p != ',') {
		if (n + 1 < len)
			buf[n++] = *p;
		p++;
	}
	buf[n] = 0;
	return p;
}

int assignment_add_ranges(struct assignment *a, const char *list, const char *what)
{
	char item[64];
	const char *p = list;

	while ((p = next_item(p, item, sizeof(item)))) {
		struct addr_range r;

		if (parse_cidr(item, &r.first, &r.last)) {
			rs_error("%s: '%s' is not an IPv4 address or CIDR block", what, item);
			return -EINVAL;
		}
		if (a->nranges == ASSIGN_RANGES_MAX) {
			rs_error("%s: more than %d ranges", what, ASSIGN_RANGES_MAX);
			return -E2BIG;
		}
		a->ranges[a->nranges++] = r;
	}
	merge_ranges(a);
	return 0;
}

int assignment_add_services(struct assignment *a, const char *list, const char *what)
{
	char item[64];
	const char *p = list;
	unsigned i;

	while ((p = next_item(p, item, sizeof(item)))) {
		struct rs_svc s = { .slot = SVC_SLOT_HOSTS };

		if (strcmp(item, "hosts") && svc_parse(item, &s)) {
			rs_error("%s: '%s' is not a service (%s, hosts)", what, item, SVC_SPECS);
			return -EINVAL;
		}
		for (i = 0; i < a->nservices; i++)
			if (a->services[i].slot == s.slot && a->services[i].port == s.port)
				break;
		if (i < a->nservices)
			continue;
		if (a->nservices == ASSIGN_SERVICES_MAX) {
			rs_error("%s: more than %d services", what, ASSIGN_SERVICES_MAX);
			return -E2BIG;
		}
		a->services[a->nservices++] = s;
	}
	return 0;
}

int assignment_set_discovery(struct assignment *a, const char *list, const char *what)
{
	char item[64];
	const char *p = list;
	unsigned i, n = 0;
	struct rs_svc set[ASSIGN_DISCOVERY_MAX];

	while ((p = next_item(p, item, sizeof(item)))) {
		struct rs_svc s;

		if (svc_parse(item, &s)) {
			rs_error("%s: '%s' is not a probe (tcp/PORT, udp/PORT, icmp, icmp/timestamp)",
				 what, item);
			return -EINVAL;
		}
		if (s.slot != RS_SLOT_ICMP && s.port == RS_PORT_OTHER) {
			rs_error("%s: '%s' is no one probe: name its port", what, item);
			return -EINVAL;
		}
		for (i = 0; i < n && (set[i].slot != s.slot || set[i].port != s.port); i++)
			;
		if (i < n)
			continue;
		if (n == ASSIGN_DISCOVERY_MAX) {
			rs_error("%s: more than %d probes", what, ASSIGN_DISCOVERY_MAX);
			return -E2BIG;
		}
		set[n++] = s;
	}
	if (!n) {
		rs_error("%s: no probe", what);
		return -EINVAL;
	}
	memcpy(a->discovery, set, n * sizeof(set[0]));
	a->ndiscovery = n;
	return 0;
}

/* snprintf at buf + *at, never past len. */
static void append(char *buf, size_t len, size_t *at, const char *fmt, const char *arg)
{
	int n;

	if (*at >= len)
		return;
	n = snprintf(buf + *at, len - *at, fmt, arg);
	*at += n > 0 ? (size_t)n : 0;
}

void assignment_asked(const struct assignment *a, char *buf, size_t len)
{
	bool ports = false, hosts = false;
	size_t at = 0;
	char svc[32];
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < a->nservices; i++) {
		if (a->services[i].slot == SVC_SLOT_HOSTS) {
			hosts = true;
			continue;
		}
		svc_format(a->services[i], svc, sizeof(svc));
		append(buf, len, &at, ports ? ", %s" : "%s", svc);
		ports = true;
	}
	if (ports)
		append(buf, len, &at, " %s", svc_state_name((unsigned)a->state));
	if (!hosts)
		return;
	append(buf, len, &at, "%s", ports ? "; hosts up (by " : "hosts up (by ");
	for (i = 0; i < a->ndiscovery; i++) {
		svc_format(a->discovery[i], svc, sizeof(svc));
		append(buf, len, &at, i ? ", %s" : "%s", svc);
	}
	append(buf, len, &at, "%s", ")");
}

uint64_t assignment_range_size(const struct assignment *a)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < a->nranges; i++)
		n += (uint64_t)a->ranges[i].last - a->ranges[i].first + 1;
	return n;
}

bool assignment_in_range(const struct assignment *a, uint32_t addr)
{
	unsigned lo = 0, hi = a->nranges;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (addr < a->ranges[mid].first)
			hi = mid;
		else if (addr > a->ranges[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

static int parse_fraction(const char *v, double *out)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !(x >= 0 && x <= 1))
		return -EINVAL;
	*out = x;
	return 0;
}

/* do_not_scan = PATH: relative to the assignment's directory. */
static void resolve_path(const char *file, const char *v, char *out, size_t len)
{
	const char *slash = strrchr(file, '/');

	if (v[0] == '/' || !slash)
		snprintf(out, len, "%s", v);
	else
		snprintf(out, len, "%.*s/%s", (int)(slash - file), file, v);
}

enum { K_NAME, K_WORLD, K_RANGE, K_SERVICE, K_STATE, K_SCANNER, K_RATE, K_BURST, K_DNS,
       K_RECALL, K_PRECISION, K_DISCOVERY, K_N };

static const char *const keys[K_N] = {
	"name", "world", "range", "service", "state", "scanner", "student_rate", "student_burst",
	"do_not_scan", "min_recall", "min_precision", "discovery",
};

static int set_key(struct assignment *a, int k, const char *v, const char *where)
{
	uint64_t n;
	char *end;
	int st;

	switch (k) {
	case K_NAME:
		snprintf(a->name, sizeof(a->name), "%s", v);
		return 0;
	case K_WORLD:
		if (!strncmp(v, "synth", 5))
			snprintf(a->world, sizeof(a->world), "%s", v);
		else
			resolve_path(a->path, v, a->world, sizeof(a->world));
		return 0;
	case K_SCANNER:
		snprintf(a->scanner, sizeof(a->scanner), "%s", v);
		return 0;
	case K_RANGE:
		return assignment_add_ranges(a, v, where);
	case K_SERVICE:
		return assignment_add_services(a, v, where);
	case K_DISCOVERY:
		return assignment_set_discovery(a, v, where);
	case K_STATE:
		st = svc_state_parse(v);
		if (st < 0) {
			rs_error("%s: state '%s' is none of open, closed, filtered", where, v);
			return -EINVAL;
		}
		a->state = st;
		return 0;
	case K_RATE:
	case K_BURST:
		errno = 0;
		n = strtoull(v, &end, 10);
		if (errno || end == v || *end || v[0] == '-' || !n) {
			rs_error("%s: '%s' is not a whole number above 0", where, v);
			return -EINVAL;
		}
		*(k == K_RATE ? &a->student_rate : &a->student_burst) = n;
		return 0;
	case K_DNS:
		resolve_path(a->path, v, a->do_not_scan, sizeof(a->do_not_scan));
		return 0;
	case K_RECALL:
	case K_PRECISION:
		if (parse_fraction(v, k == K_RECALL ? &a->min_recall : &a->min_precision)) {
			rs_error("%s: '%s' is not a fraction from 0 to 1", where, v);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

int assignment_read(const char *path, struct assignment *a)
{
	char line[1024], where[ASSIGN_TEXT_MAX + 32];
	unsigned seen = 0, lineno = 0;
	int err = 0, k;
	FILE *f;

	snprintf(a->path, sizeof(a->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		rs_error("cannot read assignment %s: %s", path, strerror(errno));
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		char *eq, *key, *val, *hash = strchr(line, '#');

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			rs_error("%s: line longer than %zu bytes", where, sizeof(line) - 2);
			err = -EINVAL;
			break;
		}
		if (hash)
			*hash = 0;
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			rs_error("%s: '%s' is not KEY = VALUE", where, key);
			err = -EINVAL;
			break;
		}
		*eq = 0;
		key = trim(key);
		val = trim(eq + 1);
		for (k = 0; k < K_N && strcmp(key, keys[k]); k++)
			;
		if (k == K_N) {
			rs_error("%s: unknown key '%s' (name, world, range, service, state, scanner, "
				 "student_rate, student_burst, do_not_scan, min_recall, min_precision, "
				 "discovery)",
				 where, key);
			err = -EINVAL;
		} else if (seen & 1u << k) {
			rs_error("%s: '%s' given twice", where, key);
			err = -EINVAL;
		} else if (!*val) {
			rs_error("%s: '%s' has no value", where, key);
			err = -EINVAL;
		} else {
			seen |= 1u << k;
			err = set_key(a, k, val, where);
		}
	}
	if (!err && ferror(f)) {
		err = -EIO;
		rs_error("cannot read assignment %s", path);
	}
	fclose(f);
	return err;
}
