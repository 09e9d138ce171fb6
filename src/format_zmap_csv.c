// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_zmap_csv.c - "zmap-csv": ZMap's CSV output, a header line naming
 * the columns, then one row per response.
 *
 * As ZMap 2.1.1 writes it (src/output_modules/module_csv.c, src/zmap.c): a
 * header only when more than one field is requested, names joined by ","
 * (1.2 used ", "); strings containing a comma are quoted. With -O csv every
 * response is written, so the "success" column decides: 1 is open; 0 is
 * closed where the "classification" says the port refused (tcp_synscan's
 * "rst", or udp/ntp/upnp's "icmp-unreach" with icmp_code 3, port
 * unreachable; then saddr is the probed host, not icmp_responder), and
 * any other failure (a router's unreachable, "other") is skipped and
 * counted. Without a success column the classification decides alone:
 * the words ZMap 2.1.1 writes for a failure are those, open otherwise. A
 * "sport" column must be the service's port where it is filled.
 *
 * Rows with neither column (saddr alone; ZMap 4 writes the header even
 * then) are an address list: the state the compile names. Rows with a state
 * describe the one port ZMap scanned, never the policy for unlisted ports,
 * for which they are skipped.
 *
 * Host discovery (ds.up) takes a row's host when it answered, on any port:
 * success 1, a "rst", or an "icmp-unreach" port unreachable that the host
 * itself sent. ZMap writes the probed host as saddr even when a router
 * sent the unreachable, and the sender as "icmp_responder" (UDP modules)
 * or "outersaddr" (icmp_echoscan since 2.1.1's successors): where that
 * column is filled and differs from saddr, the row is a router's word
 * about the host, not the host's.
 */
#include "dataset_format.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Column indexes from the header (-1: not there), kept in d->state. */
struct csv_cols {
	int saddr, success, class, sport;
	int icmp_type, icmp_code;	/* -1 without a classification column */
	int responder;		/* who sent an ICMP reply; read for host discovery only */
	int needed;		/* fields a row must have: one past the last used */
	int row_state;		/* a row's state unless its cells say otherwise */
};

_Static_assert(sizeof(struct csv_cols) <= DS_STATE_SIZE, "ZMap CSV state fits d->state");

/* A row that gives the service no state (beside the enum rs_state values). */
#define ROW_SKIP (-1000)

/*
 * The next comma-separated field of [*pp, end); a quoted one ends at its
 * closing quote. *pp becomes NULL after the last field.
 */
static bool csv_field(const char **pp, const char *end, const char **f, const char **f_end)
{
	const char *p = *pp;

	if (!p)
		return false;
	if (p < end && *p == '"') {
		*f = ++p;
		/* "" inside quotes is a quote; ZMap never writes it, others may. */
		while (p < end && (*p != '"' || (p + 1 < end && p[1] == '"')))
			p += *p == '"' ? 2 : 1;
		*f_end = p;
		p = memchr(p, ',', (size_t)(end - p));
	} else {
		*f = p;
		p = memchr(p, ',', (size_t)(end - p));
		*f_end = p ? p : end;
	}
	*pp = p ? p + 1 : NULL;
	return true;
}

/* Columns of a header line; false when it is not a ZMap header. */
static bool csv_header(const struct ds *d, struct csv_cols *c, const char *p, const char *end)
{
	static const char *const names[] = {
		"saddr", "success", "classification", "sport", "icmp_type", "icmp_code",
		"icmp_responder", "outersaddr",
	};
	int *col[] = { &c->saddr, &c->success, &c->class, &c->sport, &c->icmp_type, &c->icmp_code,
		       &c->responder, &c->responder };
	const char *f, *f_end;
	size_t k;
	int i, n;

	for (k = 0; k < sizeof(col) / sizeof(col[0]); k++)
		*col[k] = -1;
	for (i = 0; csv_field(&p, end, &f, &f_end); i++) {
		/* ZMap before 2.1 separated header names with ", " */
		f = skip_blanks(f, f_end);
		f_end = trim_blanks(f, f_end);
		n = WORD_INDEX(f, f_end, names);
		if (n >= 0 && *col[n] < 0)
			*col[n] = i;
	}
	if (c->saddr < 0)
		return false;
	/*
	 * An ICMP reply has no port; a TCP/UDP reply's source port is the
	 * service's; host discovery takes any port.
	 */
	if (d->svc.slot == RS_SLOT_ICMP || d->up)
		c->sport = -1;
	/* The ICMP fields say why a failure is one: read only with its classification. */
	if (c->class < 0)
		c->icmp_type = c->icmp_code = c->responder = -1;
	if (!d->up)
		c->responder = -1;
	c->needed = 0;
	for (k = 0; k < sizeof(col) / sizeof(col[0]); k++)
		if (*col[k] >= c->needed)
			c->needed = *col[k] + 1;
	if (c->success < 0 && c->class < 0)
		c->row_state = d->implied;
	else
		c->row_state = svc_is_policy(d) ? ROW_SKIP : RS_STATE_OPEN;
	return true;
}

/* The words ZMap 2.1.1's modules classify a response with when it is no answer. */
static bool csv_failure(const char *p, const char *end)
{
	static const char *const no[] = {
		"rst", "unreach", "icmp-unreach", "sourcequench", "redirect", "timxceed", "other",
		"no-http-header", "none",
	};

	return WORD_INDEX(p, end, no) >= 0;
}

/*
 * A row's fields, the fast way: a row of 16 to CSV_PLAIN_MAX bytes with no
 * quote and no blank (every row ZMap writes) has its commas found 16 bytes
 * at a time, as a mask with one bit per byte, instead of with one memchr
 * call per field (csv_field()). Without SSE2 (not x86-64) every row takes
 * csv_field()'s way.
 */
#define CSV_PLAIN_MAX 64

#ifdef __SSE2__
/* Scan the 16 bytes v from byte at of the row. */
static inline void csv_plain_block(__m128i v, size_t at, uint64_t *commas, uint32_t *odd)
{
	*commas |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(','))) << at;
	/* signed: a byte >= 0x80 is below too, and takes the slow way */
	*odd |= (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(' ' + 1)),
							 _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
}

/*
 * Bit i of *commas set when byte i of the row is a comma; false when the
 * row is not plain: shorter than 16 bytes or longer than CSV_PLAIN_MAX, or
 * a quote, a blank, a control character or a non-ASCII byte in it. The
 * last block is the row's last 16 bytes, so nothing past its end is read
 * (the row may end the mapped file); the bytes it shares with the block
 * before are shifted out.
 */
static bool csv_plain_commas(const char *p, const char *end, uint64_t *commas)
{
	size_t len = (size_t)(end - p), i, rest;
	uint64_t c = 0, last;
	uint32_t odd = 0;

	if (len < 16 || len > CSV_PLAIN_MAX)
		return false;
	for (i = 0; i + 16 <= len; i += 16)
		csv_plain_block(_mm_loadu_si128((const __m128i *)(p + i)), i, &c, &odd);
	rest = len - i;
	if (rest) {
		last = 0;
		csv_plain_block(_mm_loadu_si128((const __m128i *)(end - 16)), 0, &last, &odd);
		c |= last >> (16 - rest) << i;
	}
	*commas = c;
	return !odd;
}
#else
static bool csv_plain_commas(const char *p, const char *end, uint64_t *commas)
{
	return false;
}
#endif

/* A row's cells as they are read: where the fields that decide it are. */
struct csv_row {
	const char *saddr, *saddr_end;
	const char *class, *class_end;
	const char *type, *type_end, *code, *code_end;
	const char *resp, *resp_end;
	bool failed;
};

/*
 * What field i of a row says: 0 (go on), CELL_SKIP (no state of the
 * service), or an error. The fields that decide the row are kept for the
 * end, when every column has agreed. Inlined into both row readers whatever
 * the compiler would choose: it runs once per field, and as a call its
 * arguments cost more than its work.
 */
#define CELL_SKIP 1

static inline __attribute__((always_inline)) int
csv_cell(struct ds *d, const struct csv_cols *c, int i, const char *f, const char *f_end,
	 const char *line, const char *end, struct csv_row *r)
{
	uint32_t v;

	if (i == c->saddr) {
		r->saddr = f;
		r->saddr_end = f_end;
	} else if (i == c->success) {
		if (!parse_uint(f, f_end, 1, &v))
			return bad_record(d, "success is not 0 or 1", line, end);
		if (!v) {
			/* Only a classification can make a failure a closed port. */
			if (c->class < 0)
				return CELL_SKIP;
			r->failed = true;
		}
	} else if (i == c->class) {
		r->class = f;
		r->class_end = f_end;
		/* Without a success column the classification decides. */
		if (c->success < 0 && csv_failure(f, f_end))
			r->failed = true;
	} else if (i == c->sport && f < f_end) {
		if (!parse_uint(f, f_end, 65535, &v))
			return bad_record(d, "bad sport", line, end);
		if (v != d->svc.port)
			return CELL_SKIP;
	} else if (i == c->icmp_type) {
		r->type = f;
		r->type_end = f_end;
	} else if (i == c->icmp_code) {
		r->code = f;
		r->code_end = f_end;
	} else if (i == c->responder) {
		r->resp = f;
		r->resp_end = f_end;
	}
	return 0;
}

/*
 * A failed row's state: closed where the port refused the probe (a RST
 * for TCP, an ICMP port unreachable for UDP), else none. An unreachable
 * without its icmp_code may be a router's for the host: none.
 */
static int csv_failure_state(struct ds *d, const struct csv_row *r, const char *line,
			     const char *end)
{
	uint32_t type = 3, code, from, to;

	if ((d->svc.slot == RS_SLOT_TCP || d->up) && token_is(r->class, r->class_end, "rst"))
		return RS_STATE_CLOSED;
	if ((d->svc.slot != RS_SLOT_UDP && !d->up) ||
	    !token_is(r->class, r->class_end, "icmp-unreach") || !r->code)
		return ROW_SKIP;
	if (!parse_uint(r->code, r->code_end, 255, &code) ||
	    (r->type && !parse_uint(r->type, r->type_end, 255, &type)))
		return bad_record(d, "bad icmp_type or icmp_code", line, end);
	if (type != 3 || code != 3)
		return ROW_SKIP;
	/* Host discovery: a port unreachable from another than the probed host is not its. */
	if (r->resp && r->resp < r->resp_end) {
		if (!parse_addr_token(r->resp, r->resp_end, &from))
			return bad_record(d, "bad icmp_responder", line, end);
		if (!parse_addr_token(r->saddr, r->saddr_end, &to))
			return bad_record(d, "bad saddr", line, end);
		if (from != to)
			return ROW_SKIP;
	}
	return RS_STATE_CLOSED;
}

/* A row's verdict once its cells have spoken (ret from csv_cell()). */
static int csv_row_done(struct ds *d, const struct csv_cols *c, int ret, const struct csv_row *r,
			const char *line, const char *end)
{
	uint32_t addr;
	int st = c->row_state;

	if (ret < 0)
		return ret;
	if (!ret && r->failed && st != ROW_SKIP) {
		st = csv_failure_state(d, r, line, end);
		if (st < 0 && st != ROW_SKIP)
			return st;
	}
	if (ret == CELL_SKIP || st == ROW_SKIP) {
		d->st->skipped++;
		return 0;
	}
	if (!parse_addr_token(r->saddr, r->saddr_end, &addr))
		return bad_record(d, "bad saddr", line, end);
	add_addr_in(d, (enum rs_state)st, addr);
	return 0;
}

/* Any row: quoted fields, blanks around fields, blank lines. */
static int csv_line_slow(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *f, *f_end;
	const struct csv_cols *c = d->state;
	struct csv_row r = { 0 };
	int i, ret = 0;

	if (skip_blanks(p, end) == end)
		return 0;
	for (i = 0; i < c->needed && !ret; i++) {
		if (!csv_field(&p, end, &f, &f_end))
			return bad_record(d, "fewer fields than the header names", line, end);
		f = skip_blanks(f, f_end);
		ret = csv_cell(d, c, i, f, trim_blanks(f, f_end), line, end, &r);
	}
	return csv_row_done(d, c, ret, &r, line, end);
}

static int csv_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *f_end;
	const struct csv_cols *c = d->state;
	struct csv_row r = { 0 };
	uint64_t commas;
	int i, ret = 0;

	if (!csv_plain_commas(p, end, &commas))
		return csv_line_slow(d, p, end);
	for (i = 0; i < c->needed && !ret; i++) {
		if (!p)	/* fewer fields than the header names: said the slow way */
			return csv_line_slow(d, line, end);
		f_end = commas ? line + __builtin_ctzll(commas) : end;
		ret = csv_cell(d, c, i, p, f_end, line, end, &r);
		p = commas ? f_end + 1 : NULL;
		commas &= commas - 1;
	}
	return csv_row_done(d, c, ret, &r, line, end);
}

static enum ds_sniff csv_sniff(struct ds *d, const char *p, const char *end)
{
	struct csv_cols c;

	/* A ZMap header never starts with '#': such a line is a comment. */
	if (*p == '#' || !csv_header(d, &c, p, end))
		return DS_NOT_MINE;
	memcpy(d->state, &c, sizeof(c));
	return DS_HEADER;
}

const struct ds_format ds_format_zmap_csv = {
	.name = "zmap-csv", .what = "ZMap CSV with a header naming saddr",
	.sniff = csv_sniff, .line = csv_line,
};
