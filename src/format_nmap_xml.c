// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_nmap_xml.c - "nmap-xml": nmap -oX, and masscan -oX (which copies
 * its layout).
 *
 * As nmap 7.93 writes it (output.cc, xml.cc): an <nmaprun> holding a
 * <scaninfo protocol="tcp"/> per scan type, then per target a <host> with
 * its <status state="up|down" reason="..."/>, its <address addr="..."
 * addrtype="ipv4|ipv6|mac"/>s and its <ports>: first an <extraports
 * state="closed" count="N"> per state too common to list ("Not shown: N
 * closed ports"), each holding <extrareasons proto="tcp" .../> (older nmap
 * wrote no proto), then a <port protocol="tcp" portid="22"> with a
 * <state state="open"/> for every port listed. <hosthint>s (the host
 * discovery's early word) carry no ports and are passed over. masscan 1.3.2
 * (out-xml.c) writes a <host> without <status> per record, with protocols
 * "icmp" and "arp" and states "up" and "unknown" besides.
 *
 * What the world takes from a host:
 *   tcp/PORT, udp/PORT  the state of its <port> for that port: open, closed,
 *                       filtered; "open|filtered" (-sU with no answer) is
 *                       filtered, silence; "unfiltered" (-sA) and
 *                       "closed|filtered" (-sI) say nothing: skipped
 *   the policy          closed when an <extraports state="closed"> covers
 *                       that protocol (its extrareasons' proto; without one,
 *                       the protocol of the only <scaninfo>, else the
 *                       service's); "filtered" extraports are silence,
 *                       which is what a world gives a port it does not list
 *   icmp, icmp/timestamp  open when nmap found the host up by an echo
 *                       (timestamp) reply, or masscan's "icmp" record
 *   host discovery      up when its <status state="up"> says so, whatever
 *                       the reason; a masscan <host> (no <status>: masscan
 *                       writes only hosts that answered) when its port is
 *                       open or closed
 * A host that is down, IPv6 only, or says nothing of the service (a -sn
 * scan's host for a port service) is skipped and counted: a record is a
 * <host>. A port nmap did not list is the policy's: compile the same file
 * for the policy too to have those.
 *
 * The parser reads the subset nmap writes, machine-written: tags with
 * attributes in quotes, comments, processing instructions, a DOCTYPE,
 * text between tags passed over. Entities are not decoded: no attribute
 * read here holds one.
 */
#include "dataset_format.h"

#include <stdio.h>

struct xml_tag {
	const char *name, *name_end;
	const char *attrs, *attrs_end;
	bool end_tag;		/* </name> */
	bool empty;		/* <name .../> */
	uint64_t newlines;	/* inside the tag, counted once it is handled */
};

/* The host being read, from <host> to </host>. */
struct xml_host {
	bool open;
	bool down;
	bool ipv4, ipv6;
	uint32_t addr;
	uint64_t line;		/* of its <host> */
	int state;		/* the service's: a state or DS_NO_STATE */
	int in_port;		/* in a <port>: 1 the service's, 0 another's; -1 outside */
	int extra_state;	/* in an <extraports>: its state; DS_BAD_WORD outside */
	bool extra_proto;	/* an <extrareasons> of it named its protocol */
};

struct xml_reader {
	struct ds *d;
	int root;		/* 0 before <nmaprun>, 1 in it, 2 after it */
	uint64_t last_line;	/* where the last tag ends */
	uint32_t scan_protos;	/* 1 << (slot + 1) of each <scaninfo protocol> */
	struct xml_host h;
};

static bool xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static uint64_t count_newlines(const char *p, const char *end)
{
	uint64_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* The '>' that ends the markup starting at lt (a '<'), or NULL if not in [lt, end). */
static const char *markup_end(const char *lt, const char *end)
{
	const char *p;
	char q = 0;

	if (starts_with(lt, end, "<!--")) {
		p = memmem(lt + 4, (size_t)(end - lt - 4), "-->", 3);
		return p ? p + 2 : NULL;
	}
	if (starts_with(lt, end, "<?")) {
		p = memmem(lt + 2, (size_t)(end - lt - 2), "?>", 2);
		return p ? p + 1 : NULL;
	}
	for (p = lt + 1; p < end; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return NULL;
}

static int xml_error(struct ds *d, uint64_t line, const char *what, const char *p, const char *end)
{
	d->lineno = line;
	return bad_record(d, what, p, end);
}

/*
 * The next element tag: 1 with *t set and d->lineno its line, 0 at the end
 * of the file, <0 on error. Comments, processing instructions and
 * declarations are passed over.
 */
static int xml_next(struct ds *d, struct rbuf *b, struct xml_tag *t)
{
	const char *p, *end, *lt, *gt, *q;
	ssize_t n;

	for (;;) {
		p = b->buf + b->start;
		end = b->buf + b->end;
		lt = memchr(p, '<', (size_t)(end - p));
		d->lineno += count_newlines(p, lt ? lt : end);
		b->start = lt ? (size_t)(lt - b->buf) : b->end;
		gt = lt ? markup_end(lt, end) : NULL;
		/*
		 * Markup is at most a window long, whichever way the file is
		 * read: a window of its own holds no more, a decoded chunk
		 * behind the headroom may (an unclosed quote runs on).
		 */
		if (lt && (gt ? (size_t)(gt + 1 - lt) > WINDOW_SIZE : b->end - b->start >= WINDOW_SIZE)) {
			char what[64];

			snprintf(what, sizeof(what), "markup longer than %u bytes", WINDOW_SIZE);
			return xml_error(d, d->lineno, what, lt, gt ? gt + 1 : end);
		}
		if (!gt) {
			n = b->eof ? 0 : rbuf_fill(b);
			if (n < 0)
				return (int)n;
			if (n > 0)
				continue;
			if (!lt)
				return 0;
			/* rbuf_fill may have moved the unread bytes: the markup is at start. */
			return xml_error(d, d->lineno, "truncated nmap XML: markup not closed",
					 b->buf + b->start, b->buf + b->end);
		}
		b->start = (size_t)(gt + 1 - b->buf);
		if (lt[1] == '!' || lt[1] == '?') {
			d->lineno += count_newlines(lt, gt);
			continue;
		}
		memset(t, 0, sizeof(*t));
		q = lt + 1;
		t->end_tag = *q == '/';
		q += t->end_tag;
		t->name = q;
		while (q < gt && !xml_space(*q) && *q != '/')
			q++;
		t->name_end = q;
		t->empty = gt[-1] == '/' && gt - 1 >= q;
		t->attrs = q;
		t->attrs_end = t->empty ? gt - 1 : gt;
		t->newlines = count_newlines(lt, gt);
		if (t->name == t->name_end)
			return xml_error(d, d->lineno, "not an XML tag", lt, gt + 1);
		return 1;
	}
}

/* The value of attribute key, without its quotes; false if the tag has none. */
static bool xml_attr(const struct xml_tag *t, const char *key, const char **v, const char **v_end)
{
	const char *p = t->attrs, *end = t->attrs_end, *n, *n_end, *q;

	for (;;) {
		while (p < end && xml_space(*p))
			p++;
		n = p;
		while (p < end && *p != '=' && !xml_space(*p))
			p++;
		n_end = p;
		while (p < end && xml_space(*p))
			p++;
		if (n == n_end || p == end || *p != '=')
			return false;
		p++;
		while (p < end && xml_space(*p))
			p++;
		if (p == end || (*p != '"' && *p != '\''))
			return false;
		q = memchr(p + 1, *p, (size_t)(end - p - 1));
		if (!q)
			return false;
		if (token_is(n, n_end, key)) {
			*v = p + 1;
			*v_end = q;
			return true;
		}
		p = q + 1;
	}
}

static int need_attr(struct ds *d, const struct xml_tag *t, const char *key, const char **v,
		     const char **v_end)
{
	char what[64];

	if (xml_attr(t, key, v, v_end))
		return 0;
	snprintf(what, sizeof(what), "<%.*s> without %s", (int)(t->name_end - t->name), t->name, key);
	return bad_record(d, what, t->name - 1, t->attrs_end + 1);
}

/* A port state, nmap's or masscan's. */
static int xml_state(struct ds *d, const struct xml_tag *t, int *state)
{
	const char *v, *v_end;
	int err = need_attr(d, t, "state", &v, &v_end);

	if (err)
		return err;
	*state = nmap_state(v, v_end);
	if (*state == DS_BAD_WORD)
		*state = masscan_state(v, v_end);
	if (*state == DS_BAD_WORD)
		return bad_record(d, "unknown port state (open, closed, filtered, open|filtered, "
				  "closed|filtered, unfiltered)", v, v_end);
	return 0;
}

/* A protocol, nmap's or masscan's: its slot, or -1 for one the world has no ports of. */
static int xml_proto(struct ds *d, const char *p, const char *end, int *slot)
{
	*slot = nmap_proto(p, end);
	if (*slot != -2)
		return 0;
	*slot = -1;
	if (masscan_proto(p, end))
		return 0;
	return bad_record(d, "unknown protocol (tcp, udp, sctp, ip)", p, end);
}

/* The protocol of extraports that do not name theirs: the only one scanned, or the service's. */
static int fallback_slot(const struct xml_reader *r)
{
	if (r->scan_protos && !(r->scan_protos & (r->scan_protos - 1)))
		return __builtin_ctz(r->scan_protos) - 1;
	return (int)r->d->svc.slot;
}

/* An <extraports> ends: closed ones of the service's protocol close the policy. */
static void extraports_done(struct xml_reader *r, int slot)
{
	struct xml_host *h = &r->h;

	if (h->extra_state == RS_STATE_CLOSED && slot == (int)r->d->svc.slot &&
	    svc_is_policy(r->d))
		h->state = RS_STATE_CLOSED;
}

static int host_start(struct xml_reader *r, const struct xml_tag *t)
{
	struct xml_host *h = &r->h;

	if (h->open)
		return bad_record(r->d, "a <host> inside a <host>", t->name - 1, t->attrs_end + 1);
	memset(h, 0, sizeof(*h));
	h->open = true;
	h->line = r->d->lineno;
	h->state = DS_NO_STATE;
	h->in_port = -1;
	h->extra_state = DS_BAD_WORD;
	return 0;
}

static int host_done(struct xml_reader *r)
{
	static const char host[] = "<host>";
	struct ds *d = r->d;
	struct xml_host *h = &r->h;

	h->open = false;
	d->st->lines++;
	if (!h->ipv4 && !h->ipv6)
		return xml_error(d, h->line, "no IPv4 or IPv6 address", host, host + 6);
	if (h->down || !h->ipv4) {
		d->st->skipped++;	/* down, or IPv6: the world is IPv4 only */
		return 0;
	}
	add_addr_said(d, h->state, h->addr);
	return 0;
}

/* <status state="up" reason="echo-reply"/>: down hosts add nothing; an echo reply is icmp. */
static int host_status(struct xml_reader *r, const struct xml_tag *t)
{
	static const char *const states[] = { "up", "down", "unknown", "skipped" };
	struct ds *d = r->d;
	const char *v, *v_end;
	int i, err;

	err = need_attr(d, t, "state", &v, &v_end);
	if (err)
		return err;
	i = WORD_INDEX(v, v_end, states);
	if (i < 0)
		return bad_record(d, "unknown host state (up, down, unknown, skipped)", v, v_end);
	r->h.down = i > 0;
	/* Host discovery: up is up, by whatever answer (its ports come after). */
	if (d->up && i == 0)
		r->h.state = RS_STATE_OPEN;
	if (d->svc.slot == RS_SLOT_ICMP && xml_attr(t, "reason", &v, &v_end) &&
	    token_is(v, v_end, d->svc.port == RS_ICMP_TIMESTAMP ? "timestamp-reply" : "echo-reply"))
		r->h.state = RS_STATE_OPEN;
	return 0;
}

static int host_address(struct xml_reader *r, const struct xml_tag *t)
{
	const char *v, *v_end, *type = "ipv4", *type_end = type + 4;
	int err;

	xml_attr(t, "addrtype", &type, &type_end);
	if (token_is(type, type_end, "ipv6")) {
		r->h.ipv6 = true;
		return 0;
	}
	if (!token_is(type, type_end, "ipv4") || r->h.ipv4)
		return 0;	/* a MAC address; a second IPv4 one is not nmap's */
	err = need_attr(r->d, t, "addr", &v, &v_end);
	if (err)
		return err;
	if (!parse_addr_token(v, v_end, &r->h.addr))
		return bad_record(r->d, "bad address", v, v_end);
	r->h.ipv4 = true;
	return 0;
}

/* <port protocol="tcp" portid="22">: is it the service's? */
static int host_port(struct xml_reader *r, const struct xml_tag *t)
{
	const char *proto, *proto_end, *id, *id_end;
	uint32_t port;
	int slot, err;

	err = need_attr(r->d, t, "protocol", &proto, &proto_end);
	if (!err)
		err = need_attr(r->d, t, "portid", &id, &id_end);
	if (!err)
		err = xml_proto(r->d, proto, proto_end, &slot);
	if (err)
		return err;
	if (!parse_uint(id, id_end, 65535, &port))
		return bad_record(r->d, "bad portid", id, id_end);
	r->h.in_port = t->empty ? -1 : svc_matches(r->d, proto, proto_end, port);
	return 0;
}

static int host_port_state(struct xml_reader *r, const struct xml_tag *t)
{
	int st, err = xml_state(r->d, t, &st);

	if (!err && r->h.in_port == 1 && r->h.state == DS_NO_STATE)
		r->h.state = st;
	return err;
}

static int host_extraports(struct xml_reader *r, const struct xml_tag *t)
{
	int err = xml_state(r->d, t, &r->h.extra_state);

	r->h.extra_proto = false;
	if (!err && t->empty) {
		extraports_done(r, fallback_slot(r));
		r->h.extra_state = DS_BAD_WORD;
	}
	return err;
}

static int host_extrareasons(struct xml_reader *r, const struct xml_tag *t)
{
	const char *v, *v_end;
	int slot, err;

	if (r->h.extra_state == DS_BAD_WORD || !xml_attr(t, "proto", &v, &v_end))
		return 0;
	err = xml_proto(r->d, v, v_end, &slot);
	if (err)
		return err;
	r->h.extra_proto = true;
	extraports_done(r, slot);
	return 0;
}

/* An element inside a <host>. */
static int host_tag(struct xml_reader *r, const struct xml_tag *t)
{
	struct xml_host *h = &r->h;

	if (t->end_tag) {
		if (token_is(t->name, t->name_end, "host"))
			return host_done(r);
		if (token_is(t->name, t->name_end, "port")) {
			h->in_port = -1;
		} else if (token_is(t->name, t->name_end, "extraports")) {
			if (!h->extra_proto)
				extraports_done(r, fallback_slot(r));
			h->extra_state = DS_BAD_WORD;
		}
		return 0;
	}
	if (token_is(t->name, t->name_end, "host"))
		return host_start(r, t);
	if (token_is(t->name, t->name_end, "status"))
		return host_status(r, t);
	if (token_is(t->name, t->name_end, "address"))
		return host_address(r, t);
	if (token_is(t->name, t->name_end, "port"))
		return host_port(r, t);
	if (token_is(t->name, t->name_end, "state") && h->in_port >= 0)
		return host_port_state(r, t);
	if (token_is(t->name, t->name_end, "extraports"))
		return host_extraports(r, t);
	if (token_is(t->name, t->name_end, "extrareasons"))
		return host_extrareasons(r, t);
	return 0;
}

/* An element of <nmaprun> outside the hosts. */
static int run_tag(struct xml_reader *r, const struct xml_tag *t)
{
	const char *v, *v_end;
	int slot, err;

	if (t->end_tag) {
		if (token_is(t->name, t->name_end, "nmaprun"))
			r->root = 2;
		return 0;
	}
	if (token_is(t->name, t->name_end, "host")) {
		err = host_start(r, t);
		return err || !t->empty ? err : host_done(r);
	}
	if (token_is(t->name, t->name_end, "scaninfo") && xml_attr(t, "protocol", &v, &v_end)) {
		err = xml_proto(r->d, v, v_end, &slot);
		if (err)
			return err;
		r->scan_protos |= 1u << (slot + 1);
	}
	return 0;
}

static int read_xml(struct ds *d, struct rbuf *b)
{
	struct xml_reader r = { .d = d };
	struct xml_tag t;
	int ret = 0;

	while (r.root < 2 && (ret = xml_next(d, b, &t)) > 0) {
		if (r.root == 0) {
			if (t.end_tag || !token_is(t.name, t.name_end, "nmaprun"))
				return bad_record(d, "not nmap XML: the first element is not <nmaprun>",
						  t.name - 1 - t.end_tag, t.attrs_end + 1);
			r.root = 1;
		} else {
			ret = r.h.open ? host_tag(&r, &t) : run_tag(&r, &t);
			if (ret)
				return ret;
		}
		d->lineno += t.newlines;
		r.last_line = d->lineno;
	}
	if (r.root == 2)
		return 0;
	if (ret < 0)
		return ret;
	if (r.h.open)
		rs_error("%s:%llu: truncated nmap XML: the <host> of line %llu does not end",
			 d->path, (unsigned long long)r.last_line, (unsigned long long)r.h.line);
	else
		rs_error("%s:%llu: truncated nmap XML: no </nmaprun> (was the scan cut short?)",
			 d->path, (unsigned long long)r.last_line);
	return -EINVAL;
}

/* Markup on the first line; the parser says whether it is nmap's. */
static enum ds_sniff xml_sniff(struct ds *d, const char *p, const char *end)
{
	return *p == '<' ? DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_nmap_xml = {
	.name = "nmap-xml", .what = "nmap -oX (or masscan -oX)",
	.sniff = xml_sniff, .no_comments = true, .parse = read_xml,
};
