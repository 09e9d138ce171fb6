// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_addresses.c - "addresses": one IPv4 address or CIDR block per line,
 * '#' starting a comment ("192.0.2.1", "192.0.2.0/24  # lab"). ZMap 2.1.1
 * writes this without -O/-f: bare saddr lines, duplicates and failures
 * already filtered out. A list carries no port and no state: it is taken
 * as the service asked for, in the state the compile names (open unless
 * said otherwise; closed for the policy on unlisted ports).
 */
#include "dataset_format.h"

static int addr_line_slow(struct ds *d, const char *p, const char *end)
{
	const char *q, *line = p;
	uint32_t addr, len = 32, first, last;

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return 0;
	q = parse_ipv4_addr(p, end, &addr);
	if (!q)
		return bad_record(d, looks_ipv6(p, end) ? "IPv6 is not supported" :
				  "not an IPv4 address or CIDR block", line, end);
	if (q < end && *q == '/') {
		p = ++q;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (!parse_uint(p, q, 32, &len))
			return bad_record(d, "prefix length must be 0-32", line, end);
	}
	q = skip_blanks(q, end);
	if (q < end && *q != '#')
		return bad_record(d, "not an IPv4 address or CIDR block", line, end);
	if (len == 32) {
		add_addr(d, addr);
		return 0;
	}
	cidr_range(addr, len, &first, &last);
	if (d->implied == d->want)
		adder_add_range(&d->add, first, last);
	return 0;
}

static int addr_line(struct ds *d, const char *p, const char *end)
{
	uint32_t addr;

	/* By far the most common line: one address and nothing else. */
	if (parse_addr_token(p, end, &addr)) {
		add_addr(d, addr);
		return 0;
	}
	return addr_line_slow(d, p, end);
}

/* A line starting with a digit; the line handler says whether it is good. */
static enum ds_sniff addr_sniff(struct ds *d, const char *p, const char *end)
{
	return *p >= '0' && *p <= '9' ? DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_addresses = {
	.name = "addresses", .what = "IPv4 addresses or CIDR blocks, one per line",
	.sniff = addr_sniff, .line = addr_line,
};
