// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataset.c - stream a scanner's output file into an ipset.
 *
 * The file's bytes and the window that hands them out as lines are
 * dataset_io.c's; here are the format handlers (ds): one function per
 * line for the line formats, one per record for masscan JSON.
 * A 61 M-line address list must load in a few seconds, so the hot path
 * allocates nothing and uses no stdio: SSE2 compares find newlines and
 * commas 16 bytes at a time, a hand parser reads the address, and
 * addresses reach the 512 MiB bitmap in batches sorted by /16, so the
 * stores stay on a few pages at a time.
 *
 * What the scanners write (checked against their sources):
 *   ZMap 2.1.1 (src/output_modules/module_csv.c, src/zmap.c): a header
 *   line only when more than one field is requested, names joined by ","
 *   (1.2 used ", "); strings containing a comma are quoted. Without -O/-f
 *   the output is bare saddr lines, duplicates and failures already
 *   filtered out. With -O csv every response is written, so the "success"
 *   column decides. (ZMap 4 writes the header even for saddr alone.)
 *   masscan 1.3.2 (src/out-text.c, src/out-json.c, src/out-ndjson.c,
 *   src/proto-icmp.c): "-oL" is "#masscan", then "<status> <proto> <port>
 *   <ip> <time>" or "banner ..." lines, then "# end". "-oJ" is "[", one
 *   object per line with ",\n" before every object but the first (1.0.5
 *   put a trailing comma instead), then "]". "-oD" is one object per line
 *   with "port"/"proto" at the top level and the status under "data".
 *   An echo reply is reported as proto "icmp", port 0.
 */
#include "dataset.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <json-c/json.h>

#include "dataset_adder.h"
#include "dataset_io.h"
#include "rescan_abi.h"
#include "util.h"

#define QUOTE_MAX 60			/* bytes of a bad record quoted in a message */

const char *dataset_format_name(enum dataset_format f)
{
	switch (f) {
	case DS_ZMAP_CSV:
		return "zmap-csv";
	case DS_ADDRESSES:
		return "addresses";
	case DS_MASSCAN_LIST:
		return "masscan-list";
	case DS_MASSCAN_JSON:
		return "masscan-json";
	default:
		return "unknown";
	}
}

/* ---- ds: format handlers ------------------------------------------------- */

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

struct ds;
typedef int (*line_fn)(struct ds *d, const char *p, const char *end);

struct ds {
	const char *path;
	struct rs_svc svc;
	struct dataset_stats *st;
	struct adder add;
	uint64_t lineno;	/* of the record at hand, for messages */
	line_fn line;
	/* zmap-csv: column indexes, -1 when the header lacks them */
	int col_saddr, col_success, col_class, col_sport;
	int cols_needed;
};

static int bad_record(struct ds *d, const char *what, const char *p, const char *end)
{
	int len = end - p > QUOTE_MAX ? QUOTE_MAX : (int)(end - p);

	rs_error("%s:%llu: %s: \"%.*s%s\"", d->path, (unsigned long long)d->lineno, what,
		 len, p, end - p > QUOTE_MAX ? "..." : "");
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static const char *trim_blanks(const char *p, const char *end)
{
	while (end > p && is_blank(end[-1]))
		end--;
	return end;
}

static bool token_is(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - p) == len && !memcmp(p, word, len);
}

static bool starts_with(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - p) >= len && !memcmp(p, word, len);
}

/* The next blank-separated token of [*pp, end); false when none is left. */
static bool next_token(const char **pp, const char *end, const char **tok, const char **tok_end)
{
	const char *p = skip_blanks(*pp, end);

	if (p == end)
		return false;
	*tok = p;
	while (p < end && !is_blank(*p))
		p++;
	*tok_end = p;
	*pp = p;
	return true;
}

/* A whole decimal token no larger than max. */
static bool parse_uint(const char *p, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (p == end || end - p > 10)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A whole token that is one IPv4 address. */
/*
 * A whole token that is one IPv4 address, read without data-dependent
 * branches: the octets' lengths are a coin toss per address, and the
 * branchy parser's mispredictions made it 24 ns an address (16 ns here).
 * The token is copied into a zero-padded buffer so the parser may look
 * ahead freely. True only for what parse_ipv4_addr() accepts as a whole
 * token (1-3 digits per octet, each <= 255, three dots), with the same
 * value; on false the caller asks parse_ipv4_addr() itself.
 */
static inline bool quad_fast(const char *p, const char *end, uint32_t *addr)
{
	unsigned char b[24] = { 0 };
	const unsigned char *q = b;
	size_t len = (size_t)(end - p);
	uint32_t a = 0, ok = 1;

	if (len < 7 || len > 15)
		return false;
	if (len == 7) {
		memcpy(b, p, 7);
	} else {		/* two overlapping copies, len is 8..15 */
		memcpy(b, p, 8);
		memcpy(b + len - 8, p + len - 8, 8);
	}
	/*
	 * One octet: i1/i2 say whether the 2nd/3rd character is a digit too,
	 * and select the value by arithmetic (a ?: would become a branch).
	 */
#define QUAD_OCTET(last)                                                          \
	do {                                                                      \
		uint32_t c0 = q[0] - (uint32_t)'0', c1 = q[1] - (uint32_t)'0';    \
		uint32_t c2 = q[2] - (uint32_t)'0', i1 = c1 < 10, i2 = i1 & (c2 < 10); \
		uint32_t t = c0 * 10 + c1, v = c0 + i1 * (t - c0) + i2 * (t * 9 + c2); \
		ok &= (c0 < 10) & (v < 256);                                      \
		a = a << 8 | (v & 255);                                           \
		q += 1 + i1 + i2;                                                 \
		if (!(last))                                                      \
			ok &= *q++ == '.';                                        \
	} while (0)
	QUAD_OCTET(0);
	QUAD_OCTET(0);
	QUAD_OCTET(0);
	QUAD_OCTET(1);
#undef QUAD_OCTET
	if (!ok || (size_t)(q - b) != len)
		return false;
	*addr = a;
	return true;
}

static bool parse_addr_token(const char *p, const char *end, uint32_t *addr)
{
	return quad_fast(p, end, addr) || parse_ipv4_addr(p, end, addr) == end;
}

static bool looks_ipv6(const char *p, const char *end)
{
	return memchr(p, ':', (size_t)(end - p)) != NULL;
}

static void add_addr(struct ds *d, uint32_t addr)
{
	adder_push(&d->add, addr);
}

/* Does a masscan record for proto/port describe the service being loaded? */
static bool svc_matches(const struct ds *d, const char *proto, const char *proto_end, uint32_t port)
{
	switch (d->svc.slot) {
	case RS_SLOT_TCP:
		return token_is(proto, proto_end, "tcp") && port == d->svc.port;
	case RS_SLOT_UDP:
		return token_is(proto, proto_end, "udp") && port == d->svc.port;
	case RS_SLOT_ICMP:
		/* masscan --ping reports an echo reply as "icmp" port 0. */
		return token_is(proto, proto_end, "icmp");
	}
	return false;
}

/* -- addresses: "192.0.2.1", "192.0.2.0/24", comments after '#' */

static int addr_line_slow(struct ds *d, const char *p, const char *end)
{
	const char *q, *line = p;
	uint32_t addr, len = 32, mask;

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
	/* Host bits are ignored, as in parse_cidr(): 192.0.2.7/24 is 192.0.2.0/24. */
	mask = len ? ~0u << (32 - len) : 0;
	adder_add_range(&d->add, addr & mask, (addr & mask) | ~mask);
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

/* -- masscan -oL: "open tcp 80 192.0.2.1 1700000000" */

static int list_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *status, *status_end, *proto, *proto_end, *tok, *tok_end;
	uint32_t port, addr;

	if (!next_token(&p, end, &status, &status_end) || *status == '#')
		return 0;	/* blank, "#masscan", "# end" */
	if (!token_is(status, status_end, "open")) {
		/* banner, closed, up (arp), unknown: not an open service */
		if (token_is(status, status_end, "banner") || token_is(status, status_end, "closed") ||
		    token_is(status, status_end, "up") || token_is(status, status_end, "unknown")) {
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

/* -- zmap-csv: a header naming the columns, then rows */

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
static bool csv_header(struct ds *d, const char *p, const char *end)
{
	const char *f, *f_end;
	int i;

	d->col_saddr = d->col_success = d->col_class = d->col_sport = -1;
	for (i = 0; csv_field(&p, end, &f, &f_end); i++) {
		/* ZMap before 2.1 separated header names with ", " */
		f = skip_blanks(f, f_end);
		f_end = trim_blanks(f, f_end);
		if (token_is(f, f_end, "saddr") && d->col_saddr < 0)
			d->col_saddr = i;
		else if (token_is(f, f_end, "success") && d->col_success < 0)
			d->col_success = i;
		else if (token_is(f, f_end, "classification") && d->col_class < 0)
			d->col_class = i;
		else if (token_is(f, f_end, "sport") && d->col_sport < 0)
			d->col_sport = i;
	}
	if (d->col_saddr < 0)
		return false;
	/* An ICMP reply has no port; a TCP/UDP reply's source port is the service's. */
	if (d->svc.slot == RS_SLOT_ICMP)
		d->col_sport = -1;
	d->cols_needed = d->col_saddr;
	if (d->col_success > d->cols_needed)
		d->cols_needed = d->col_success;
	if (d->col_class > d->cols_needed)
		d->cols_needed = d->col_class;
	if (d->col_sport > d->cols_needed)
		d->cols_needed = d->col_sport;
	d->cols_needed++;
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

/* What field i of a row says: 0 (go on), CELL_SKIP (no open service), or an
 * error. The address is kept for the end, when every column has agreed. */
#define CELL_SKIP 1

static inline int csv_cell(struct ds *d, int i, const char *f, const char *f_end,
			   const char *line, const char *end, const char **saddr,
			   const char **saddr_end)
{
	uint32_t v;

	if (i == d->col_saddr) {
		*saddr = f;
		*saddr_end = f_end;
	} else if (i == d->col_success) {
		if (!parse_uint(f, f_end, 1, &v))
			return bad_record(d, "success is not 0 or 1", line, end);
		if (!v)
			return CELL_SKIP;
	} else if (i == d->col_class && d->col_success < 0) {
		/* Without a success column the classification decides. */
		if (csv_non_answer(f, f_end))
			return CELL_SKIP;
	} else if (i == d->col_sport && f < f_end) {
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
	int i, ret = 0;

	if (skip_blanks(p, end) == end)
		return 0;
	for (i = 0; i < d->cols_needed && !ret; i++) {
		if (!csv_field(&p, end, &f, &f_end))
			return bad_record(d, "fewer fields than the header names", line, end);
		f = skip_blanks(f, f_end);
		ret = csv_cell(d, i, f, trim_blanks(f, f_end), line, end, &saddr, &saddr_end);
	}
	return csv_row_done(d, ret, saddr, saddr_end, line, end);
}

static int csv_line(struct ds *d, const char *p, const char *end)
{
	const char *line = p, *f_end, *saddr = NULL, *saddr_end = NULL;
	uint64_t commas;
	int i, ret = 0;

	if (!csv_plain_commas(p, end, &commas))
		return csv_line_slow(d, p, end);
	for (i = 0; i < d->cols_needed && !ret; i++) {
		if (!p)	/* fewer fields than the header names: said the slow way */
			return csv_line_slow(d, line, end);
		f_end = commas ? line + __builtin_ctzll(commas) : end;
		ret = csv_cell(d, i, p, f_end, line, end, &saddr, &saddr_end);
		p = commas ? f_end + 1 : NULL;
		commas &= commas - 1;
	}
	return csv_row_done(d, ret, saddr, saddr_end, line, end);
}

/* -- format detection: the first line that is not blank or a comment */

static void set_format(struct ds *d, enum dataset_format f, line_fn fn)
{
	d->st->format = f;
	d->line = fn;
}

static int detect_line(struct ds *d, const char *p, const char *end)
{
	const char *q = skip_blanks(p, end), *e = trim_blanks(q, end), *t = q, *w, *w_end;

	if (q == e)
		return 0;
	if (*q == '#') {
		if (starts_with(q, e, "#masscan"))
			set_format(d, DS_MASSCAN_LIST, list_line);
		return 0;
	}
	if (*q >= '0' && *q <= '9') {
		set_format(d, DS_ADDRESSES, addr_line);
		return addr_line(d, p, end);
	}
	next_token(&t, e, &w, &w_end);
	if (t < e && (token_is(w, w_end, "open") || token_is(w, w_end, "banner") ||
		      token_is(w, w_end, "closed") || token_is(w, w_end, "up") ||
		      token_is(w, w_end, "unknown"))) {
		set_format(d, DS_MASSCAN_LIST, list_line);
		return list_line(d, p, end);
	}
	if (csv_header(d, q, e)) {
		set_format(d, DS_ZMAP_CSV, csv_line);
		return 0;
	}
	return bad_record(d, "unknown format (expected addresses, a ZMap CSV header with "
			  "saddr, masscan -oL or -oJ)", p, end);
}

/*
 * A big mapped file is parsed in two halves at once, the second on its own
 * thread with its own adder; the two adders take turns writing the set.
 * Parsing is most of a build, and scanners write one record per line, so
 * any line boundary is a place to cut.
 */
#define SPLIT_MIN_BYTES (64u << 20)
#define SPLIT_PROGRESS_LINES 0xfffff	/* report progress every 2^20 lines */

struct half {
	struct ds d;
	struct dataset_stats st;
	struct rbuf b;
	pthread_t thread;
	int err;
	bool too_long;			/* rbuf_line's error, else the line's */
	const char *bad, *bad_end;	/* the line it stopped at */
	uint64_t bad_lineno;		/* counted from the half's start */
	size_t done;			/* bytes of the half consumed (atomic) */
	int stop;			/* the first half failed (atomic) */
};

static void *half_worker(void *arg)
{
	struct half *h = arg;
	const char *p = NULL, *end = NULL;
	int ret;

	while ((ret = rbuf_line(&h->b, &p, &end)) > 0) {
		h->d.lineno = h->b.lineno;
		h->st.lines++;
		h->err = h->d.line(&h->d, p, end);
		if (h->err) {
			h->bad = p;
			h->bad_end = end;
			h->bad_lineno = h->b.lineno;
			return NULL;
		}
		if (!(h->b.lineno & SPLIT_PROGRESS_LINES)) {
			__atomic_store_n(&h->done, h->b.start, __ATOMIC_RELAXED);
			if (__atomic_load_n(&h->stop, __ATOMIC_RELAXED))
				return NULL;
		}
	}
	if (ret < 0) {
		h->err = ret;
		h->too_long = true;
		h->bad_lineno = h->b.lineno + 1;
	}
	return NULL;
}

/* Cut b's unread bytes after the first newline past their middle. */
static bool half_start(struct ds *d, struct rbuf *b, struct half *h, pthread_mutex_t *lock)
{
	size_t mid = b->start + (b->end - b->start) / 2, cut;
	const char *nl;

	if (!b->src->map || b->end - b->start < SPLIT_MIN_BYTES || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	nl = memchr(b->buf + mid, '\n', b->end - mid);
	if (!nl || (size_t)(nl + 1 - b->buf) == b->end)
		return false;
	cut = (size_t)(nl + 1 - b->buf);
	memset(h, 0, sizeof(*h));
	h->d = *d;
	h->d.st = &h->st;
	h->st.format = d->st->format;
	if (adder_init(&h->d.add, d->add.set, ADD_BATCH / 2))
		return false;
	h->b = (struct rbuf){ .src = b->src, .buf = b->buf, .start = cut, .end = b->end,
			      .eof = true };
	h->done = cut;
	/* Mine halves too, and from now on both write the set under the lock. */
	adder_sync(&d->add);
	d->add.lock = h->d.add.lock = lock;
	if (pthread_create(&h->thread, NULL, half_worker, h)) {
		adder_free(&h->d.add);
		d->add.lock = NULL;
		return false;
	}
	/* Not h->b.start: the second half's thread is moving it already. */
	b->end = cut;
	return true;
}

/* Wait for the second half; its error, with the line counted from the file's start. */
static int half_finish(struct ds *d, struct rbuf *b, struct half *h, int err)
{
	if (err)
		__atomic_store_n(&h->stop, 1, __ATOMIC_RELAXED);
	pthread_join(h->thread, NULL);
	adder_flush(&h->d.add);
	d->st->lines += h->st.lines;
	d->st->skipped += h->st.skipped;
	if (!err && h->err) {
		err = h->err;
		/* Again here, with the line's number in the file (same words). */
		if (h->too_long) {
			line_too_long(b->src->path, b->lineno + h->bad_lineno);
		} else {
			h->d.lineno = b->lineno + h->bad_lineno;
			if (!h->d.line(&h->d, h->bad, h->bad_end))
				rs_error("%s:%llu: bad record", b->src->path,
					 (unsigned long long)h->d.lineno);
		}
	}
	adder_free(&h->d.add);
	return err;
}

static int read_lines(struct ds *d, struct rbuf *b)
{
	static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
	const char *p = NULL, *end = NULL;
	struct half h;
	bool split = false, tried = false;
	int ret, err = 0;

	rbuf_map(b);
	while ((ret = rbuf_line(b, &p, &end)) > 0) {
		d->lineno = b->lineno;
		d->st->lines++;
		err = d->line(d, p, end);
		if (err)
			break;
		/* Once the format is known, the rest can be cut in two (one try). */
		if (!tried && d->line != detect_line) {
			tried = true;
			split = half_start(d, b, &h, &set_lock);
		}
		if (b->src->map && !(b->lineno & SPLIT_PROGRESS_LINES))
			progress_update(&b->src->prog,
					b->start + (split ? __atomic_load_n(&h.done, __ATOMIC_RELAXED) - b->end : 0));
	}
	if (!err && ret < 0)
		err = ret;
	d->st->parts = split ? 2 : 1;
	if (split) {
		adder_sync(&d->add);
		err = half_finish(d, b, &h, err);
		d->add.lock = NULL;
	}
	return err;
}

/* -- masscan -oJ / -oD: a stream of objects, bracketed or not */

static struct json_object *json_get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/*
 * Is this port entry an open port of the service? status_in is the object
 * holding "status": the entry itself for -oJ, its "data" for -oD. Banner
 * entries carry no status and never match.
 */
static int json_port_matches(struct ds *d, struct json_object *entry,
			     struct json_object *status_in, bool *match)
{
	struct json_object *port = json_get(entry, "port", json_type_int);
	struct json_object *proto = json_get(entry, "proto", json_type_string);
	struct json_object *status = status_in ? json_get(status_in, "status", json_type_string) : NULL;
	const char *s;
	int64_t n;

	*match = false;
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
	if (!status || strcmp(json_object_get_string(status), "open"))
		return 0;
	s = json_object_get_string(proto);
	*match = svc_matches(d, s, s + strlen(s), (uint32_t)n);
	return 0;
}

/* Add or skip a record's address once its ports have been looked at. */
static int json_verdict(struct ds *d, const char *ip, const char *ip_end, bool hit)
{
	uint32_t addr;

	d->st->lines++;
	if (!parse_addr_token(ip, ip_end, &addr)) {
		if (looks_ipv6(ip, ip_end))
			hit = false;	/* the world is IPv4 only */
		else
			return bad_record(d, "bad address", ip, ip_end);
	}
	if (!hit) {
		d->st->skipped++;
		return 0;
	}
	add_addr(d, addr);
	return 0;
}

static int json_record(struct ds *d, struct json_object *o)
{
	struct json_object *ip, *ports;
	bool hit = false, match;
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
			err = json_port_matches(d, json_object_array_get_idx(ports, i),
						json_object_array_get_idx(ports, i), &match);
			if (err)
				return err;
			hit |= match;
		}
	} else {
		/* -oD: port and proto at the top, status under "data" */
		err = json_port_matches(d, o, json_get(o, "data", json_type_object), &hit);
		if (err)
			return err;
	}
	s = json_object_get_string(ip);
	return json_verdict(d, s, s + strlen(s), hit);
}

/*
 * masscan prints every status record with one fprintf (out-json.c), so
 * that exact layout is matched by hand: json-c allocates a tree per
 * record and is some 20 times slower on a 61 M-record scan. Anything that
 * differs by a byte (banners, reformatted files, a record cut by the end
 * of the window) is left to json-c.
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
	int err;

	if (!(scan_lit(&s, "{   \"ip\": \"") && scan_str(&s, &ip, &ip_end) &&
	      scan_lit(&s, ",   \"timestamp\": \"") && scan_str(&s, &x, &x_end) &&
	      scan_lit(&s, ", \"ports\": [ {\"port\": ") && scan_uint(&s, 65535, &port) &&
	      scan_lit(&s, ", \"proto\": \"") && scan_str(&s, &proto, &proto_end) &&
	      scan_lit(&s, ", \"status\": \"") && scan_str(&s, &status, &status_end) &&
	      scan_lit(&s, ", \"reason\": \"") && scan_str(&s, &x, &x_end) &&
	      scan_lit(&s, ", \"ttl\": ") && scan_uint(&s, 255, &ttl) && scan_lit(&s, "} ] }")))
		return 0;
	b->start = (size_t)(s.p - b->buf);
	err = json_verdict(d, ip, ip_end, token_is(status, status_end, "open") &&
			   svc_matches(d, proto, proto_end, port));
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
	d->lineno = 1;
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

/* ---- dataset_read -------------------------------------------------------- */

/* JSON starts with '[' or '{' (after a byte-order mark and white space). */
static int sniff_json(struct rbuf *b, bool *json)
{
	bool bom_seen = false;	/* nothing is consumed here but the mark itself */
	ssize_t n;
	size_t i;

	for (;;) {
		/* A decoded chunk starts after its headroom, not at buf[0]. */
		if (!bom_seen && b->end - b->start >= 3) {
			if (!memcmp(b->buf + b->start, "\xef\xbb\xbf", 3))
				b->start += 3;
			bom_seen = true;
		}
		for (i = b->start; i < b->end; i++) {
			if (!is_blank(b->buf[i]) && b->buf[i] != '\n') {
				*json = b->buf[i] == '[' || b->buf[i] == '{';
				return 0;
			}
		}
		if (b->eof || b->end - b->start >= WINDOW_SIZE) {
			*json = false;
			return 0;
		}
		n = rbuf_fill(b);
		if (n < 0)
			return (int)n;
	}
}

static int check_svc(struct rs_svc svc)
{
	if ((svc.slot == RS_SLOT_TCP || svc.slot == RS_SLOT_UDP) && svc.port <= 65535)
		return 0;
	if (svc.slot == RS_SLOT_ICMP && svc.port == RS_ICMP_ECHO)
		return 0;
	rs_error("datasets can only describe TCP, UDP and ICMP echo services (slot %u, port %u)",
		 svc.slot, svc.port);
	return -EINVAL;
}

static int read_stream(struct ds *d, struct rbuf *b)
{
	bool json;
	int err;

	err = sniff_json(b, &json);
	if (err)
		return err;
	if (json) {
		d->st->format = DS_MASSCAN_JSON;
		return read_json(d, b);
	}
	err = read_lines(d, b);
	/* Nothing but blank lines and comments: an empty address list. */
	if (!err && d->st->format == DS_UNKNOWN)
		d->st->format = DS_ADDRESSES;
	return err;
}

int dataset_read(const char *path, struct rs_svc svc, struct ipset *set,
		 struct dataset_stats *st)
{
	struct dataset_stats scratch;
	uint64_t before;
	struct src src;
	struct rbuf b;
	struct ds d = {
		.path = path,
		.svc = svc,
		.line = detect_line,
	};
	int err;

	if (!st)
		st = &scratch;
	memset(st, 0, sizeof(*st));
	d.st = st;
	err = check_svc(svc);
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
	adder_free(&d.add);
	st->added = set_population(set) - before;
	rbuf_close(&b);
	return err;
}
