// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_zmap_csv.c - "zmap-csv": ZMap's CSV output, a header line naming
 * the columns, then one row per response.
 *
 * As ZMap 2.1.1 writes it (src/output_modules/module_csv.c, src/zmap.c): a
 * header only when more than one field is requested, names joined by ","
 * (1.2 used ", "); strings containing a comma are quoted. With -O csv every
 * response is written, so the "success" column decides; without one, the
 * "classification" does (rows classified "rst" and other non-answers are
 * skipped), and a "sport" column must be the service's port. (ZMap 4 writes
 * the header even for saddr alone.)
 */
#include "dataset_format.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Column indexes from the header (-1: not there), kept in d->state. */
struct csv_cols {
	int saddr, success, class, sport;
	int needed;		/* fields a row must have: one past the last used */
};

_Static_assert(sizeof(struct csv_cols) <= DS_STATE_SIZE, "ZMap CSV state fits d->state");

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
	const char *f, *f_end;
	int i;

	c->saddr = c->success = c->class = c->sport = -1;
	for (i = 0; csv_field(&p, end, &f, &f_end); i++) {
		/* ZMap before 2.1 separated header names with ", " */
		f = skip_blanks(f, f_end);
		f_end = trim_blanks(f, f_end);
		if (token_is(f, f_end, "saddr") && c->saddr < 0)
			c->saddr = i;
		else if (token_is(f, f_end, "success") && c->success < 0)
			c->success = i;
		else if (token_is(f, f_end, "classification") && c->class < 0)
			c->class = i;
		else if (token_is(f, f_end, "sport") && c->sport < 0)
			c->sport = i;
	}
	if (c->saddr < 0)
		return false;
	/* An ICMP reply has no port; a TCP/UDP reply's source port is the service's. */
	if (d->svc.slot == RS_SLOT_ICMP)
		c->sport = -1;
	c->needed = c->saddr;
	if (c->success > c->needed)
		c->needed = c->success;
	if (c->class > c->needed)
		c->needed = c->class;
	if (c->sport > c->needed)
		c->needed = c->sport;
	c->needed++;
	return true;
}

/* ZMap 2.1.1 classifications of responses that are not a live service. */
static bool csv_non_answer(const char *p, const char *end)
{
	static const char *const no[] = {
		"rst", "unreach", "icmp-unreach", "sourcequench", "redirect", "timxceed", "other",
	};
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (token_is(p, end, no[i]))
			return true;
	return false;
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

/*
 * What field i of a row says: 0 (go on), CELL_SKIP (no open service), or an
 * error. The address is kept for the end, when every column has agreed.
 * Inlined into both row readers whatever the compiler would choose: it runs
 * once per field, and as a call its arguments cost more than its work.
 */
#define CELL_SKIP 1

static inline __attribute__((always_inline)) int
csv_cell(struct ds *d, const struct csv_cols *c, int i, const char *f, const char *f_end,
	 const char *line, const char *end, const char **saddr, const char **saddr_end)
{
	uint32_t v;

	if (i == c->saddr) {
		*saddr = f;
		*saddr_end = f_end;
	} else if (i == c->success) {
		if (!parse_uint(f, f_end, 1, &v))
			return bad_record(d, "success is not 0 or 1", line, end);
		if (!v)
			return CELL_SKIP;
	} else if (i == c->class && c->success < 0) {
		/* Without a success column the classification decides. */
		if (csv_non_answer(f, f_end))
			return CELL_SKIP;
	} else if (i == c->sport && f < f_end) {
		if (!parse_uint(f, f_end, 65535, &v))
			return bad_record(d, "bad sport", line, end);
		if (v != d->svc.port)
			return CELL_SKIP;
	}
	return 0;
}

/* A row's verdict once its cells have spoken (ret from csv_cell()). */
static int csv_row_done(struct ds *d, int ret, const char *saddr, const char *saddr_end,
			const char *line, const char *end)
{
	uint32_t addr;

	if (ret == CELL_SKIP) {
		d->st->skipped++;
		return 0;
	}
	if (ret)
		return ret;
	if (!parse_addr_token(saddr, saddr_end, &addr))
		return bad_record(d, "bad saddr", line, end);
	add_addr(d, addr);
	return 0;
}

/* Any row: quoted fields, blanks around fields, blank lines. */
static int csv_line_slow(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *f, *f_end, *saddr = NULL, *saddr_end = NULL;
	const struct csv_cols *c = d->state;
	int i, ret = 0;

	if (skip_blanks(p, end) == end)
		return 0;
	for (i = 0; i < c->needed && !ret; i++) {
		if (!csv_field(&p, end, &f, &f_end))
			return bad_record(d, "fewer fields than the header names", line, end);
		f = skip_blanks(f, f_end);
		ret = csv_cell(d, c, i, f, trim_blanks(f, f_end), line, end, &saddr, &saddr_end);
	}
	return csv_row_done(d, ret, saddr, saddr_end, line, end);
}

static int csv_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *f_end, *saddr = NULL, *saddr_end = NULL;
	const struct csv_cols *c = d->state;
	uint64_t commas;
	int i, ret = 0;

	if (!csv_plain_commas(p, end, &commas))
		return csv_line_slow(d, p, end);
	for (i = 0; i < c->needed && !ret; i++) {
		if (!p)	/* fewer fields than the header names: said the slow way */
			return csv_line_slow(d, line, end);
		f_end = commas ? line + __builtin_ctzll(commas) : end;
		ret = csv_cell(d, c, i, p, f_end, line, end, &saddr, &saddr_end);
		p = commas ? f_end + 1 : NULL;
		commas &= commas - 1;
	}
	return csv_row_done(d, ret, saddr, saddr_end, line, end);
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
