// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_nmap_grepable.c - "nmap-grepable": nmap -oG.
 *
 * As nmap 7.93 writes it (output.cc printportoutput, write_host_status):
 * "# Nmap 7.93 scan initiated ... as: nmap ...", then per host a line
 * "Host: ADDR (NAME)\tStatus: Up" and, for a port scan, one of fields
 * joined by tabs:
 *   Host: 192.0.2.1 ()\tPorts: 22/open/tcp//ssh///, 80/closed/tcp//http///\tIgnored State: closed (998)
 * A port is PORT/STATE/PROTOCOL/OWNER/SERVICE/RPC/VERSION/, '/' in its
 * texts written as '|' (commas are not escaped: a port ends at its seventh
 * '/'). "Ignored State" is the one state too common to list, when only one
 * is ("Not shown: 998 closed ports"); an -sO scan's "Protocols:" field
 * lists IP protocols, whose ignored state is no port's. "# Nmap done"
 * ends the file.
 *
 * What the world takes from a Ports line:
 *   tcp/PORT, udp/PORT  the port's state as listed: open, closed, filtered;
 *                       "open|filtered" is filtered (silence); "unfiltered"
 *                       and "closed|filtered" say nothing: skipped
 *   the policy          closed when the Ignored State is closed, for the
 *                       one port protocol the header's command line scans
 *                       (-sS, -sU, ...; nmap's default is TCP). A scan of
 *                       several ignores ports of any of them as one, so
 *                       then the ignored state is nobody's (its -oX says
 *                       more). Without the header: the protocol of the
 *                       line's ports if they have one, else the service's.
 * Hosts that are not listed, Status lines and ICMP services take nothing:
 * the format does not say how a host was found up. (nmap after 7.93 writes
 * only a Status line for a host whose ports are all ignored: such a host
 * takes nothing either.) Host discovery takes a host from its "Status: Up"
 * line, whatever found it up, and nothing from its Ports line: nmap writes
 * the Status line for every host it found up, -sn or not.
 */
#include "dataset_format.h"

/* What the header says, kept in d->state. */
struct gn_head {
	uint32_t protos;	/* 1 << (slot + 1) of each protocol its command line scans */
	bool known;		/* there is a header, with its command line */
};

_Static_assert(sizeof(struct gn_head) <= DS_STATE_SIZE, "nmap -oG state fits d->state");

#define PROTO_BIT(slot) (1u << ((slot) + 1))

/* The slot of the one protocol in a set of PROTO_BIT()s; -2 when none or several. */
static int one_proto(uint32_t protos)
{
	return protos && !(protos & (protos - 1)) ? __builtin_ctz(protos) - 1 : -2;
}

/*
 * The port protocols a command line scans ("as: nmap -sS -sU ..."): nmap's
 * scan types are the letters after -s (-sSU is -sS -sU); none, a TCP scan.
 */
static void gn_scan_protos(struct gn_head *h, const char *p, const char *end)
{
	const char *tok, *tok_end, *c;
	bool ports = true;

	p = memmem(p, (size_t)(end - p), " as: ", 5);
	if (!p)
		return;
	h->known = true;
	while (next_token(&p, end, &tok, &tok_end)) {
		if (tok_end - tok < 3 || tok[0] != '-' || tok[1] != 's')
			continue;
		for (c = tok + 2; c < tok_end; c++) {
			if (strchr("SAWMNFXIT", *c))
				h->protos |= PROTO_BIT(RS_SLOT_TCP);
			else if (*c == 'U')
				h->protos |= PROTO_BIT(RS_SLOT_UDP);
			else if (strchr("YZO", *c))
				h->protos |= PROTO_BIT(-1);	/* SCTP, IP protocols */
			else if (*c == 'n' || *c == 'L')
				ports = false;
		}
	}
	if (!h->protos && ports)
		h->protos = PROTO_BIT(RS_SLOT_TCP);
}

/* What a port of a Ports field says. */
struct gn_port {
	uint32_t port;
	int state;
	const char *proto, *proto_end;
};

/* The end of the next '/'-terminated piece of [p, end), or NULL. */
static const char *slash(const char *p, const char *end)
{
	return memchr(p, '/', (size_t)(end - p));
}

/* The port at *pp (of a Ports field ending at end); *pp moves past its ", ". */
static int gn_port(struct ds *d, const char **pp, const char *end, struct gn_port *g,
		   const char *line, const char *line_end)
{
	const char *p = *pp, *e, *state;
	int i;

	e = slash(p, end);
	if (!e || !parse_uint(p, e, 65535, &g->port))
		return bad_record(d, "bad port in Ports", line, line_end);
	state = e + 1;
	e = slash(state, end);
	if (!e)
		return bad_record(d, "bad port in Ports", line, line_end);
	g->state = nmap_state(state, e);
	if (g->state == DS_BAD_WORD)
		return bad_record(d, "unknown port state (open, closed, filtered, open|filtered, "
				  "closed|filtered, unfiltered)", line, line_end);
	g->proto = e + 1;
	e = slash(g->proto, end);
	if (!e)
		return bad_record(d, "bad port in Ports", line, line_end);
	g->proto_end = e;
	if (nmap_proto(g->proto, g->proto_end) == -2)
		return bad_record(d, "unknown protocol (tcp, udp, sctp)", line, line_end);
	/* owner, service, RPC, version */
	for (i = 0; i < 4 && e; i++)
		e = slash(e + 1, end);
	if (!e)
		return bad_record(d, "bad port in Ports", line, line_end);
	p = e + 1;
	if (p < end && !starts_with(p, end, ", "))
		return bad_record(d, "bad port in Ports", line, line_end);
	*pp = p < end ? p + 2 : end;
	return 0;
}

/* What a Ports line says of the service, in *state. */
static int gn_ports(struct ds *d, const char *p, const char *end, const char *ignored,
		    const char *ignored_end, int *state, const char *line, const char *line_end)
{
	const struct gn_head *head = d->state;
	struct gn_port g = { 0 };
	uint32_t protos = 0;
	const char *w;
	int slot, err;

	*state = DS_NO_STATE;
	p = skip_blanks(p, end);
	while (p < end) {
		err = gn_port(d, &p, end, &g, line, line_end);
		if (err)
			return err;
		protos |= PROTO_BIT(nmap_proto(g.proto, g.proto_end));
		if (*state == DS_NO_STATE && svc_matches(d, g.proto, g.proto_end, g.port))
			*state = g.state;
	}
	if (!ignored)
		return 0;
	/* "closed (998)" */
	w = memchr(ignored, ' ', (size_t)(ignored_end - ignored));
	if (!w || w[1] != '(' || ignored_end[-1] != ')' ||
	    nmap_state(ignored, w) == DS_BAD_WORD)
		return bad_record(d, "bad Ignored State (a port state and its count)", line,
				  line_end);
	if (!svc_is_policy(d) || nmap_state(ignored, w) != RS_STATE_CLOSED)
		return 0;
	if (head->known)
		slot = one_proto(head->protos);
	else if (protos)
		slot = one_proto(protos);
	else
		slot = (int)d->svc.slot;
	if (slot == (int)d->svc.slot)
		*state = RS_STATE_CLOSED;
	return 0;
}

/* Host discovery: "Status: Up" is the host up; Down (with -v) is skipped. */
static int gn_status(struct ds *d, const char *addr, const char *addr_end, const char *v,
		     const char *v_end, const char *line, const char *end)
{
	uint32_t a;

	if (!parse_addr_token(addr, addr_end, &a)) {
		if (!looks_ipv6(addr, addr_end))
			return bad_record(d, "bad address", line, end);
		d->st->skipped++;	/* the world is IPv4 only */
		return 0;
	}
	if (token_is(v, trim_blanks(v, v_end), "Up"))
		add_addr_in(d, RS_STATE_OPEN, a);
	else
		d->st->skipped++;
	return 0;
}

static int gn_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *addr, *addr_end, *f, *f_end;
	const char *ports = NULL, *ports_end = NULL, *ignored = NULL, *ignored_end = NULL;
	bool protocols = false;
	uint32_t a;
	int state, err;

	p = skip_blanks(p, end);
	if (p == end || *p == '#')
		return 0;	/* "# Nmap done at ...", "# Ports scanned: ..." */
	if (!starts_with(p, end, "Host: "))
		return bad_record(d, starts_with(p, end, "Nmap scan report") ?
				  "nmap's normal output (-oN): compile its -oX or -oG" :
				  "not an nmap -oG line (Host: ...)", line, end);
	p += 6;
	if (!next_token(&p, end, &addr, &addr_end))
		return bad_record(d, "missing address", line, end);
	/* The fields after the address and name, each after a tab. */
	for (f = memchr(p, '\t', (size_t)(end - p)); f; f = f_end < end ? f_end : NULL) {
		f++;
		f_end = memchr(f, '\t', (size_t)(end - f));
		if (!f_end)
			f_end = end;
		if (starts_with(f, f_end, "Status: ")) {
			if (d->up)
				return gn_status(d, addr, addr_end, f + 8, f_end, line, end);
			return 0;	/* host discovery's line, not a record */
		} else if (starts_with(f, f_end, "Ports:")) {
			ports = f + 6;
			ports_end = trim_blanks(ports, f_end);
		} else if (starts_with(f, f_end, "Ignored State: ")) {
			ignored = f + 15;
			ignored_end = trim_blanks(ignored, f_end);
		} else if (starts_with(f, f_end, "Protocols:")) {
			protocols = true;
		}
	}
	if (!ports && !protocols)
		return bad_record(d, "a Host line without Status, Ports or Protocols", line, end);
	if (d->up) {
		d->st->skipped++;	/* its host was up on its Status line */
		return 0;
	}
	if (!parse_addr_token(addr, addr_end, &a)) {
		if (!looks_ipv6(addr, addr_end))
			return bad_record(d, "bad address", line, end);
		d->st->skipped++;	/* the world is IPv4 only */
		return 0;
	}
	state = DS_NO_STATE;
	if (ports) {
		err = gn_ports(d, ports, ports_end, ignored, ignored_end, &state, line, end);
		if (err)
			return err;
	}
	add_addr_said(d, state, a);
	return 0;
}

/* Its "# Nmap ... scan initiated" comment, or (header lost) a Host line. */
static enum ds_sniff gn_sniff(struct ds *d, const char *p, const char *end)
{
	struct gn_head h = { 0 };

	if (starts_with(p, end, "# Nmap ") && memmem(p, (size_t)(end - p), " scan initiated ", 16)) {
		gn_scan_protos(&h, p, end);
		memcpy(d->state, &h, sizeof(h));
		return DS_HEADER;
	}
	return starts_with(p, end, "Host: ") ? DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_nmap_grepable = {
	.name = "nmap-grepable", .what = "nmap -oG",
	.sniff = gn_sniff, .line = gn_line,
};
