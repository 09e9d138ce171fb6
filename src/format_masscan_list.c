// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_masscan_list.c - "masscan-list": masscan -oL. As masscan 1.3.2
 * writes it (src/out-text.c): "#masscan", then "<status> <proto> <port>
 * <ip> <time>" lines ("open tcp 80 192.0.2.1 1700000000") or "banner ..."
 * lines, then "# end". An echo reply is proto "icmp", port 0
 * (src/proto-icmp.c). Lines for other services are skipped and counted, so
 * one file can feed several services.
 */
#include "dataset_format.h"

/* The first word of every line masscan -oL writes but its comments. */
static bool masscan_status(const char *p, const char *end)
{
	static const char *const words[] = { "open", "banner", "closed", "up", "unknown" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (token_is(p, end, words[i]))
			return true;
	return false;
}

static int list_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *status, *status_end, *proto, *proto_end, *tok, *tok_end;
	uint32_t port, addr;

	if (!next_token(&p, end, &status, &status_end) || *status == '#')
		return 0;	/* blank, "#masscan", "# end" */
	if (!token_is(status, status_end, "open")) {
		/* banner, closed, up (arp), unknown: not an open service */
		if (masscan_status(status, status_end)) {
			d->st->skipped++;
			return 0;
		}
		return bad_record(d, "not a masscan -oL line", line, end);
	}
	if (!next_token(&p, end, &proto, &proto_end))
		return bad_record(d, "missing protocol", line, end);
	if (!next_token(&p, end, &tok, &tok_end) || !parse_uint(tok, tok_end, 65535, &port))
		return bad_record(d, "missing or bad port", line, end);
	if (!next_token(&p, end, &tok, &tok_end))
		return bad_record(d, "missing address", line, end);
	if (!parse_addr_token(tok, tok_end, &addr)) {
		if (looks_ipv6(tok, tok_end)) {
			d->st->skipped++;	/* the world is IPv4 only */
			return 0;
		}
		return bad_record(d, "bad address", line, end);
	}
	if (!svc_matches(d, proto, proto_end, port)) {
		d->st->skipped++;
		return 0;
	}
	add_addr(d, addr);
	return 0;
}

/* Its "#masscan" header, or (header lost) a status word with more after it. */
static enum ds_sniff list_sniff(struct ds *d, const char *p, const char *end)
{
	const char *w, *w_end;

	if (starts_with(p, end, "#masscan"))
		return DS_HEADER;
	return next_token(&p, end, &w, &w_end) && p < end && masscan_status(w, w_end) ?
	       DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_masscan_list = {
	.name = "masscan-list", .what = "masscan -oL",
	.sniff = list_sniff, .line = list_line,
};
