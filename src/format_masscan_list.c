// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_masscan_list.c - "masscan-list": masscan -oL. As masscan 1.3.2
 * writes it (src/out-text.c): "#masscan", then "<status> <proto> <port>
 * <ip> <time>" lines ("open tcp 80 192.0.2.1 1700000000") or "banner ..."
 * lines, then "# end". An echo reply is proto "icmp", port 0
 * (src/proto-icmp.c). "open" and "closed" lines (--show closed: a RST, or
 * an ICMP port unreachable for UDP) give the port's state; banner, up (ARP)
 * and unknown lines are skipped and counted, and so are lines for other
 * services, so one file can feed several services.
 */
#include "dataset_format.h"

/* The first word of every line masscan -oL writes but its comments. */
static bool masscan_status(const char *p, const char *end)
{
	return token_is(p, end, "banner") || masscan_state(p, end) != DS_BAD_WORD;
}

static int list_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *status, *status_end, *proto, *proto_end, *tok, *tok_end;
	uint32_t port, addr;
	int state;

	if (!next_token(&p, end, &status, &status_end) || *status == '#')
		return 0;	/* blank, "#masscan", "# end" */
	/* A banner line's port had its state said in a line of its own. */
	state = token_is(status, status_end, "banner") ? DS_NO_STATE : masscan_state(status, status_end);
	if (state == DS_BAD_WORD)
		return bad_record(d, "not a masscan -oL line (open, closed, banner, up, unknown)",
				  line, end);
	if (state == DS_NO_STATE) {
		/* banner, up (ARP), unknown */
		d->st->skipped++;
		return 0;
	}
	if (!next_token(&p, end, &proto, &proto_end))
		return bad_record(d, "missing protocol", line, end);
	if (!masscan_proto(proto, proto_end))
		return bad_record(d, "unknown protocol (tcp, udp, icmp, sctp, arp)", line, end);
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
	add_addr_said(d, state, addr);
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
