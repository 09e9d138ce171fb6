// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataset.c - stream a scanner's output file into an ipset: the table of
 * formats, the detection that walks it, and dataset_read.
 *
 * The other pieces:
 *   dataset_io.c      the file's bytes (read, mapped, or decompressed on a
 *                     thread) and a window over them that hands out lines
 *   dataset_lines.c   the reader of the line formats; a big file in two halves
 *   format_*.c        one module per format (dataset_format.h): its sniff,
 *                     and a handler per line or a parser of the stream
 *   dataset_adder.c   addresses into the set in sorted batches
 * A 61 M-line file is the size to plan for, so the path of a record
 * allocates nothing and uses no stdio: SSE2 compares find newlines and
 * commas 16 bytes at a time, a hand parser reads the address, and
 * addresses reach the 512 MiB bitmap in batches sorted by /16.
 */
#include "dataset_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define QUOTE_MAX 60		/* bytes of a bad record quoted in a message */

/*
 * Every format, in the order they are asked to claim a file: a file whose
 * first line opens with '[' or '{' is JSON, with '<' XML, whatever a text
 * format would make of that line. A format is one line here and one file format_NAME.c
 * defining ds_format_NAME (see dataset_format.h).
 */
#define DATASET_FORMATS(X) \
	X(zmap_json)       \
	X(masscan_json)    \
	X(nmap_xml)        \
	X(addresses)       \
	X(masscan_list)    \
	X(nmap_grepable)   \
	X(zmap_csv)

#define X(n) extern const struct ds_format ds_format_##n;
DATASET_FORMATS(X)
#undef X

static const struct ds_format *const formats[] = {
#define X(n) &ds_format_##n,
	DATASET_FORMATS(X)
#undef X
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

void dataset_formats_help(FILE *f)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		fprintf(f, "  %-14s %s\n", formats[i]->name, formats[i]->what);
}

/*
 * The first QUOTE_MAX bytes of p..end for a message, on one line and
 * harmless on a terminal: control bytes (a newline inside nmap's markup,
 * an escape) written as \n, \r, \t or \xNN.
 */
static void quote(char *out, size_t cap, const char *p, const char *end)
{
	size_t at = 0, i, n = end - p > QUOTE_MAX ? QUOTE_MAX : (size_t)(end - p);
	unsigned char c;

	for (i = 0; i < n && at + 5 < cap; i++) {
		c = (unsigned char)p[i];
		if (c >= 0x20 && c != 0x7f)
			out[at++] = (char)c;
		else if (c == '\n' || c == '\r' || c == '\t')
			at += (size_t)snprintf(out + at, cap - at, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else
			at += (size_t)snprintf(out + at, cap - at, "\\x%02x", c);
	}
	snprintf(out + at, cap - at, "%s", (size_t)(end - p) > n ? "..." : "");
}

int bad_record(struct ds *d, const char *what, const char *p, const char *end)
{
	char q[QUOTE_MAX * 4 + 8];

	quote(q, sizeof(q), p, end);
	rs_error("%s:%llu: %s: \"%s\"", d->path, (unsigned long long)d->lineno, what, q);
	return -EINVAL;
}

/* No format claims the line: say which ones were asked. */
static int unknown_format(struct ds *d, const char *p, const char *end)
{
	char what[512];
	size_t i;
	int at;

	at = snprintf(what, sizeof(what), "unknown format (expected");
	for (i = 0; i < NFORMATS && at > 0 && (size_t)at < sizeof(what); i++)
		at += snprintf(what + at, sizeof(what) - (size_t)at, "%s %s", i ? ";" : "",
			       formats[i]->what);
	if (at > 0 && (size_t)at < sizeof(what))
		snprintf(what + at, sizeof(what) - (size_t)at, ")");
	return bad_record(d, what, p, end);
}

/*
 * d->fmt: the first format that claims the first line that is not blank.
 * A '#' line that none claims is a comment; after one, formats that take
 * no comments are not asked. The lines read here (blank, comments, a
 * header) stay counted in b->lineno; a line claimed as a record is left
 * unread for the format. No format at the end: d->fmt stays NULL.
 */
static int detect(struct ds *d, struct rbuf *b)
{
	const char *p, *end, *q, *e;
	enum ds_sniff v = DS_NOT_MINE;
	bool comments = false;
	size_t i;
	int ret;

	ret = rbuf_skip_bom(b);
	if (ret)
		return ret;
	while ((ret = rbuf_peek_line(b, &p, &end)) > 0) {
		q = skip_blanks(p, end);
		e = trim_blanks(q, end);
		for (i = 0; q < e && i < NFORMATS && !v; i++) {
			if (comments && formats[i]->no_comments)
				continue;
			v = formats[i]->sniff(d, q, e);
			if (v)
				d->fmt = formats[i];
		}
		if (v == DS_RECORD)
			return 0;
		ret = rbuf_line(b, &p, &end);
		if (ret < 0)
			return ret;
		d->lineno = b->lineno;
		if (v == DS_HEADER)
			return 0;
		if (q < e && *q != '#')
			return unknown_format(d, p, end);
		comments |= q < e;
	}
	return ret;
}

static int check_svc(struct rs_svc svc)
{
	if ((svc.slot == RS_SLOT_TCP || svc.slot == RS_SLOT_UDP) && svc.port <= 65535)
		return 0;
	if (svc.slot == RS_SLOT_ICMP && (svc.port == RS_ICMP_ECHO || svc.port == RS_ICMP_TIMESTAMP))
		return 0;
	rs_error("datasets can only describe TCP, UDP, ICMP echo and timestamp services (slot %u, port %u)",
		 svc.slot, svc.port);
	return -EINVAL;
}

static int read_stream(struct ds *d, struct rbuf *b)
{
	int err;

	err = detect(d, b);
	if (err)
		return err;
	/* Nothing but blank lines and comments: an empty address list. */
	if (!d->fmt)
		d->fmt = &ds_format_addresses;
	d->st->format = d->fmt->name;
	d->st->parts = 1;
	if (d->fmt->line)
		return ds_read_lines(d, b);
	/* A stream format counts its records, from the line it claimed. */
	d->lineno = b->lineno + 1;
	return d->fmt->parse(d, b);
}

/*
 * Addresses in the set. "added" is the difference across a load: counting
 * as we go would read each bitmap word before writing it, and that read
 * faults in the zero page first, doubling the page faults of a big load.
 */
static uint64_t set_population(const struct ipset *set)
{
	uint64_t n = 0;
	uint32_t b;

	for (b = 0; b < RS_BLOCKS; b++)
		if (set->touched[b])
			n += ipset_block_census(ipset_block(set, b), NULL);
	return n;
}

int dataset_read(const char *path, const struct dataset_query *q, struct ipset *set,
		 struct dataset_stats *st)
{
	struct dataset_stats scratch;
	_Alignas(8) unsigned char state[DS_STATE_SIZE] = { 0 };
	struct rs_svc svc = q->svc;
	struct ds d = { .path = path, .svc = svc, .want = q->want, .implied = q->implied,
			.up = q->up, .state = state };
	struct src src;
	struct rbuf b;
	uint64_t before;
	int err;

	if (!st)
		st = &scratch;
	memset(st, 0, sizeof(*st));
	st->format = "unknown";
	d.st = st;
	if (q->up) {
		d.svc = (struct rs_svc){ .slot = SVC_SLOT_HOSTS };
		d.want = RS_STATE_OPEN;
	}
	err = q->up ? 0 : check_svc(svc);
	if (err)
		return err;
	before = set_population(set);
	err = rbuf_open(&b, &src, path);
	if (err)
		return err;
	err = adder_init(&d.add, set, ADD_BATCH);
	if (!err)
		err = read_stream(&d, &b);
	adder_flush(&d.add);
	st->reported = d.add.pushed;
	adder_free(&d.add);
	st->added = set_population(set) - before;
	rbuf_close(&b);
	return err;
}
