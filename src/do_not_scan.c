// SPDX-License-Identifier: GPL-2.0-only
/* do_not_scan.c - read a do-not-scan list and load it (see do_not_scan.h). */
#include "do_not_scan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "util.h"

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* The label's number, added if new; -1 when the list has RS_DNS_LABELS already. */
static int label_of(struct dns_list *d, const char *label)
{
	unsigned i;

	for (i = 0; i < d->nlabels; i++)
		if (!strcmp(d->labels[i], label))
			return (int)i;
	if (d->nlabels == RS_DNS_LABELS)
		return -1;
	snprintf(d->labels[d->nlabels], sizeof(d->labels[0]), "%s", label);
	return (int)d->nlabels++;
}

/* "a.b.c.d" or "a.b.c.d/len" and nothing else. */
static int parse_range(const char *s, uint32_t *addr, unsigned *prefix)
{
	const char *end = s + strlen(s), *p = parse_ipv4_addr(s, end, addr);
	uint64_t len = 32;

	if (!p)
		return -EINVAL;
	if (*p == '/' && (parse_u64(p + 1, &len) || len > 32))
		return -EINVAL;
	else if (*p && *p != '/')
		return -EINVAL;
	*prefix = (unsigned)len;
	*addr &= len ? ~0u << (32 - len) : 0;
	return 0;
}

int dns_list_read(const char *path, struct dns_list *d)
{
	size_t cap = 0, lineno = 0, n = 0;
	char *line = NULL;
	FILE *f;
	int err = 0;

	memset(d, 0, sizeof(*d));
	f = fopen(path, "r");
	if (!f) {
		rs_error("cannot read the do-not-scan list %s: %s", path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &n, f) >= 0) {
		char *hash = strchr(line, '#'), *range, *label = NULL;
		unsigned prefix;
		uint32_t addr;
		int id;

		lineno++;
		if (hash) {
			*hash = 0;
			label = trim(hash + 1);
		}
		range = trim(line);
		if (!*range)
			continue;
		if (parse_range(range, &addr, &prefix)) {
			rs_error("%s:%zu: '%s' is no IPv4 address or CIDR range", path, lineno, range);
			err = -EINVAL;
			break;
		}
		if (!label || !*label)
			label = DNS_DEFAULT_LABEL;
		if (strlen(label) > DNS_LABEL_MAX) {
			rs_error("%s:%zu: label longer than %d characters", path, lineno, DNS_LABEL_MAX);
			err = -EINVAL;
			break;
		}
		id = label_of(d, label);
		if (id < 0) {
			rs_error("%s:%zu: more than %d different labels", path, lineno, RS_DNS_LABELS);
			err = -E2BIG;
			break;
		}
		if (d->n == RS_DNS_RANGES_MAX) {
			rs_error("%s:%zu: more than %d ranges", path, lineno, RS_DNS_RANGES_MAX);
			err = -E2BIG;
			break;
		}
		if (d->n == cap) {
			struct dns_range *r;

			cap = cap ? cap * 2 : 64;
			r = realloc(d->ranges, cap * sizeof(*r));
			if (!r) {
				rs_error("out of memory");
				err = -ENOMEM;
				break;
			}
			d->ranges = r;
		}
		d->ranges[d->n++] = (struct dns_range){ addr, (uint8_t)prefix, (uint8_t)id };
	}
	if (!err && ferror(f)) {
		rs_error("cannot read the do-not-scan list %s: %s", path, strerror(errno));
		err = -EIO;
	}
	free(line);
	fclose(f);
	if (err)
		dns_list_free(d);
	return err;
}

int dns_list_load(const struct dns_list *d, int map_fd)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct rs_dns_key k = { d->ranges[i].prefix, htonl(d->ranges[i].addr) };
		uint32_t label = d->ranges[i].label;

		if (bpf_map_update_elem(map_fd, &k, &label, BPF_ANY)) {
			rs_error("cannot load the do-not-scan ranges: %s", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

void dns_list_free(struct dns_list *d)
{
	free(d->ranges);
	d->ranges = NULL;
	d->n = 0;
}
