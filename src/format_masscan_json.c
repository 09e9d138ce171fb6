// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_masscan_json.c - "masscan-json": masscan -oJ and -oD, a stream of
 * JSON objects, bracketed or not.
 *
 * As masscan 1.3.2 writes them (src/out-json.c, src/out-ndjson.c): -oJ is
 * "[", one object per line with ",\n" before every object but the first
 * (1.0.5 put a trailing comma instead), then "]"; -oD is one object per line
 * with "port"/"proto" at the top level and the status under "data". An
 * echo reply is proto "icmp", port 0. A status "open" or "closed" (--show
 * closed) gives the port's state; banners, "up" (ARP) and "unknown", and
 * records for other services are skipped and counted, so one file can feed
 * several services.
 */
#include "dataset_format.h"

#include <json-c/json.h>

static struct json_object *json_get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A JSON string may hold any byte (\n, \u001b): bad_record quotes it on one line. */
static int json_bad(struct ds *d, const char *what, const char *word)
{
	return bad_record(d, what, word, word + strlen(word));
}

/*
 * The state a port entry gives the service, in *state: DS_NO_STATE when it
 * is for another service or says none (a banner entry has no status; "up",
 * "unknown"). status_in is the object holding "status": the entry itself
 * for -oJ, its "data" for -oD.
 */
static int json_port_state(struct ds *d, struct json_object *entry, struct json_object *status_in,
			   int *state)
{
	struct json_object *port = json_get(entry, "port", json_type_int);
	struct json_object *proto = json_get(entry, "proto", json_type_string);
	struct json_object *status = status_in ? json_get(status_in, "status", json_type_string) : NULL;
	const char *s, *w;
	int64_t n;
	int st;

	*state = DS_NO_STATE;
	if (!port || !proto) {
		rs_error("%s:%llu: masscan record without \"port\" and \"proto\"", d->path,
			 (unsigned long long)d->lineno);
		return -EINVAL;
	}
	n = json_object_get_int64(port);
	if (n < 0 || n > 65535) {
		rs_error("%s:%llu: port %lld out of range", d->path, (unsigned long long)d->lineno,
			 (long long)n);
		return -EINVAL;
	}
	s = json_object_get_string(proto);
	if (!masscan_proto(s, s + strlen(s)))
		return json_bad(d, "unknown protocol (tcp, udp, icmp, sctp, arp)", s);
	if (!status)
		return 0;
	w = json_object_get_string(status);
	st = masscan_state(w, w + strlen(w));
	if (st == DS_BAD_WORD)
		return json_bad(d, "unknown status (open, closed, up, unknown)", w);
	if (svc_matches(d, s, s + strlen(s), (uint32_t)n))
		*state = st;
	return 0;
}

/* Add or skip a record's address once its ports have said its state. */
static int json_verdict(struct ds *d, const char *ip, const char *ip_end, int state)
{
	uint32_t addr;

	d->st->lines++;
	if (!parse_addr_token(ip, ip_end, &addr)) {
		if (!looks_ipv6(ip, ip_end))
			return bad_record(d, "bad address", ip, ip_end);
		d->st->skipped++;	/* the world is IPv4 only */
		return 0;
	}
	add_addr_said(d, state, addr);
	return 0;
}

/* The record's state is that of its first port entry for the service. */
static int json_record(struct ds *d, struct json_object *o)
{
	struct json_object *ip, *ports;
	int state = DS_NO_STATE, st;
	const char *s;
	size_t i, n;
	int err;

	ip = json_object_is_type(o, json_type_object) ? json_get(o, "ip", json_type_string) : NULL;
	if (!ip) {
		rs_error("%s:%llu: masscan record without an \"ip\" string", d->path,
			 (unsigned long long)d->lineno);
		return -EINVAL;
	}
	ports = json_get(o, "ports", json_type_array);
	if (ports) {
		n = json_object_array_length(ports);
		for (i = 0; i < n; i++) {
			err = json_port_state(d, json_object_array_get_idx(ports, i),
					      json_object_array_get_idx(ports, i), &st);
			if (err)
				return err;
			if (state == DS_NO_STATE)
				state = st;
		}
	} else {
		/* -oD: port and proto at the top, status under "data" */
		err = json_port_state(d, o, json_get(o, "data", json_type_object), &state);
		if (err)
			return err;
	}
	s = json_object_get_string(ip);
	return json_verdict(d, s, s + strlen(s), state);
}

/*
 * masscan prints every status record with one fprintf (out-json.c), so
 * that exact layout is matched by hand: json-c allocates a tree per record,
 * many times the work. Anything that differs by a byte (banners,
 * reformatted files, a record cut by the end of the window) is left to
 * json-c.
 */
struct scan {
	const char *p, *end;
};

static bool scan_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return false;
	s->p += n;
	return true;
}

/* A string's contents, after its opening quote; escapes are json-c's job. */
static bool scan_str(struct scan *s, const char **v, const char **v_end)
{
	const char *p = s->p;

	while (p < s->end && *p != '"') {
		if (*p == '\\' || (unsigned char)*p < 0x20)
			return false;
		p++;
	}
	if (p == s->end)
		return false;
	*v = s->p;
	*v_end = p;
	s->p = p + 1;
	return true;
}

static bool scan_uint(struct scan *s, uint32_t max, uint32_t *v)
{
	const char *p = s->p;

	while (p < s->end && *p >= '0' && *p <= '9')
		p++;
	if (!parse_uint(s->p, p, max, v))
		return false;
	s->p = p;
	return true;
}

/* 1: a masscan status record, handled; 0: something else; <0: error. */
static int json_fast(struct ds *d, struct rbuf *b)
{
	struct scan s = { b->buf + b->start, b->buf + b->end };
	const char *ip, *ip_end, *proto, *proto_end, *status, *status_end, *x, *x_end;
	uint32_t port, ttl;
	int err, state;

	if (!(scan_lit(&s, "{   \"ip\": \"") && scan_str(&s, &ip, &ip_end) &&
	      scan_lit(&s, ",   \"timestamp\": \"") && scan_str(&s, &x, &x_end) &&
	      scan_lit(&s, ", \"ports\": [ {\"port\": ") && scan_uint(&s, 65535, &port) &&
	      scan_lit(&s, ", \"proto\": \"") && scan_str(&s, &proto, &proto_end) &&
	      scan_lit(&s, ", \"status\": \"") && scan_str(&s, &status, &status_end) &&
	      scan_lit(&s, ", \"reason\": \"") && scan_str(&s, &x, &x_end) &&
	      scan_lit(&s, ", \"ttl\": ") && scan_uint(&s, 255, &ttl) && scan_lit(&s, "} ] }")))
		return 0;
	/* A word masscan does not write is json-c's path's to report. */
	state = masscan_state(status, status_end);
	if (state == DS_BAD_WORD || !masscan_proto(proto, proto_end))
		return 0;
	b->start = (size_t)(s.p - b->buf);
	err = json_verdict(d, ip, ip_end, svc_matches(d, proto, proto_end, port) ? state : DS_NO_STATE);
	return err ? err : 1;
}

static void count_newlines(struct ds *d, const char *p, size_t len)
{
	const char *end = p + len;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		d->lineno++;
		p++;
	}
}

/* Feed one object to json-c, across as many windows as it spans. */
static int json_object_at(struct ds *d, struct rbuf *b, struct json_tokener *tok)
{
	uint64_t start_line = d->lineno, end_line;
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t avail, used;
	ssize_t n;
	int err;

	json_tokener_reset(tok);
	for (;;) {
		avail = b->end - b->start;
		if (avail > INT32_MAX)
			avail = INT32_MAX;
		o = json_tokener_parse_ex(tok, b->buf + b->start, (int)avail);
		jerr = json_tokener_get_error(tok);
		used = json_tokener_get_parse_end(tok);
		count_newlines(d, b->buf + b->start, used);
		b->start += used;
		if (o)
			break;
		if (jerr != json_tokener_continue) {
			rs_error("%s:%llu: bad JSON: %s", d->path, (unsigned long long)d->lineno,
				 json_tokener_error_desc(jerr));
			return -EINVAL;
		}
		n = b->eof ? 0 : rbuf_fill(b);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			rs_error("%s:%llu: truncated JSON record", d->path,
				 (unsigned long long)start_line);
			return -EINVAL;
		}
	}
	/* Messages about the record name the line it starts on. */
	end_line = d->lineno;
	d->lineno = start_line;
	err = json_record(d, o);
	d->lineno = end_line;
	json_object_put(o);
	return err;
}

/*
 * Outside objects accept "[", "]", commas and white space in any sensible
 * order: masscan's ",\n{" separators, 1.0.5's trailing commas, -oD's bare
 * lines and a pretty-printed array all pass; text after "]" does not.
 */
static int read_json(struct ds *d, struct rbuf *b)
{
	struct json_tokener *tok = json_tokener_new();
	bool in_array = false, closed = false, seen = false;
	ssize_t n;
	int err = 0;
	char c;

	if (!tok) {
		rs_error("out of memory");
		return -ENOMEM;
	}
	for (;;) {
		if (b->start == b->end) {
			n = b->eof ? 0 : rbuf_fill(b);
			if (n < 0) {
				err = (int)n;
				break;
			}
			if (n == 0)
				break;
			continue;
		}
		c = b->buf[b->start];
		if (c == '{' && !closed) {
			err = json_fast(d, b);
			if (!err)
				err = json_object_at(d, b, tok);
			else if (err > 0)
				err = 0;
			if (err)
				break;
			seen = true;
			continue;
		}
		if (c == '\n') {
			d->lineno++;
		} else if (c == '[' && !in_array && !closed && !seen) {
			in_array = true;
		} else if (c == ']' && in_array) {
			in_array = false;
			closed = true;
		} else if (!(c == ',' && !closed) && !is_blank(c)) {
			rs_error("%s:%llu: unexpected '%c' (0x%02x) in masscan JSON", d->path,
				 (unsigned long long)d->lineno, c >= ' ' && c < 0x7f ? c : '?',
				 (unsigned char)c);
			err = -EINVAL;
			break;
		}
		b->start++;
	}
	if (!err && in_array) {
		rs_error("%s:%llu: truncated JSON: no closing ']'", d->path,
			 (unsigned long long)d->lineno);
		err = -EINVAL;
	}
	json_tokener_free(tok);
	return err;
}

/* JSON starts with '[' or '{'; json-c says whether the rest is JSON. */
static enum ds_sniff json_sniff(struct ds *d, const char *p, const char *end)
{
	return *p == '[' || *p == '{' ? DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_masscan_json = {
	.name = "masscan-json", .what = "masscan -oJ or -oD",
	.sniff = json_sniff, .no_comments = true, .parse = read_json,
};
