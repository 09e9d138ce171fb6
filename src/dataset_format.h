/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataset_format.h - what a dataset format module is, and what every
 * module may use: the reader's state (struct ds), text helpers for scanner
 * output, and the way an address reaches the set.
 *
 * A format is one `const struct ds_format ds_format_NAME` in a file of its
 * own (src/format_*.c) and one line in DATASET_FORMATS (dataset.c), whose
 * order is the order in which the formats are asked to claim a file.
 * The helpers below are inline because the line handlers run once per
 * record: a call per address would show in a 61 M-row compile.
 */
#ifndef RESCAN_DATASET_FORMAT_H
#define RESCAN_DATASET_FORMAT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataset.h"
#include "dataset_adder.h"
#include "dataset_io.h"
#include "rescan_abi.h"
#include "service.h"
#include "util.h"

struct ds;

/* A sniff's verdict on the first line of a file that is not blank. */
enum ds_sniff {
	DS_NOT_MINE = 0,
	DS_RECORD,	/* mine, and the line is my first record */
	DS_HEADER,	/* mine, and the line is my header: read, not a record */
};

struct ds_format {
	const char *name;	/* in messages and world notes: "zmap-csv" */
	const char *what;	/* what it looks like, for help and "unknown format" */
	/*
	 * Is this file mine? p..end is its first line that is not blank,
	 * blanks trimmed (cut at WINDOW_SIZE if longer). Comment lines ('#')
	 * are offered too, for formats whose header is one. State the format
	 * keeps (a CSV's columns) goes to d->state, written only when the
	 * answer is yes.
	 */
	enum ds_sniff (*sniff)(struct ds *d, const char *p, const char *end);
	/* '#' comment lines before the first record make a file not mine. */
	bool no_comments;
	/*
	 * One of the two. line: a format of one record per line, handed each
	 * line after the claimed one (and the claimed one itself if it is a
	 * record), without its newline; a big file's second half runs on a
	 * thread of its own with a copy of d; the reader counts the lines.
	 * parse: a format read as a stream, from the claimed line on; it
	 * counts its records in st->lines itself.
	 * Both return 0, or -errno with the message set (bad_record()).
	 */
	int (*line)(struct ds *d, const char *p, const char *end);
	int (*parse)(struct ds *d, struct rbuf *b);
};

struct ds {
	const char *path;
	struct rs_svc svc;
	enum rs_state want;	/* the state whose hosts are read */
	enum rs_state implied;	/* the state of a record that names none */
	/*
	 * Host discovery (dataset_query): any record of any service whose
	 * state is an answer (open, closed) gives its host; want is open.
	 * svc_matches() says yes to every record then; a format whose
	 * records say more than their ports' states says it itself.
	 */
	bool up;
	struct dataset_stats *st;
	struct adder add;
	uint64_t lineno;	/* of the record at hand, for messages */
	const struct ds_format *fmt;
	/*
	 * DS_STATE_SIZE zeroed bytes, 8-byte aligned, for the format's own
	 * use, filled by its sniff. Both halves of a big file share them:
	 * read-only once records are read.
	 */
	void *state;
};

#define DS_STATE_SIZE 64

/*
 * "<path>:<lineno>: <what>: "<the record, cut short>"", and -EINVAL; one
 * line whatever the record holds (control bytes escaped).
 */
int bad_record(struct ds *d, const char *what, const char *p, const char *end);

/* Read the lines of b with d->fmt->line; a big plain file in two halves. */
int ds_read_lines(struct ds *d, struct rbuf *b);

/*
 * A record says addr is in state st of the service: added if that is the
 * state being read, else counted and remembered, so the file is read
 * again for that state.
 */
static inline void add_addr_in(struct ds *d, enum rs_state st, uint32_t addr)
{
	if (st == d->want || (d->up && st == RS_STATE_CLOSED)) {
		adder_push(&d->add, addr);
		return;
	}
	d->st->states_seen |= 1u << st;
	d->st->skipped++;
}

/* A record without a state of its own. */
static inline void add_addr(struct ds *d, uint32_t addr)
{
	add_addr_in(d, d->implied, addr);
}

/* What a scanner's state word says besides an enum rs_state. */
#define DS_NO_STATE (-1)	/* a known word that is neither open, closed nor filtered */
#define DS_BAD_WORD (-2)	/* not a word the scanner writes */

/*
 * A record that names its state (masscan's, nmap's): as add_addr_in, but a
 * word that names none (DS_NO_STATE), or a state an ICMP service cannot
 * have (it answers or is silent), is skipped and counted.
 */
static inline void add_addr_said(struct ds *d, int st, uint32_t addr)
{
	if (st < 0 || (st != RS_STATE_OPEN && d->svc.slot == RS_SLOT_ICMP)) {
		d->st->skipped++;
		return;
	}
	add_addr_in(d, (enum rs_state)st, addr);
}

/* ---- text ---------------------------------------------------------------- */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static inline const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static inline const char *trim_blanks(const char *p, const char *end)
{
	while (end > p && is_blank(end[-1]))
		end--;
	return end;
}

static inline bool token_is(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - p) == len && !memcmp(p, word, len);
}

static inline bool starts_with(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - p) >= len && !memcmp(p, word, len);
}

/* The next blank-separated token of [*pp, end); false when none is left. */
static inline bool next_token(const char **pp, const char *end, const char **tok,
			      const char **tok_end)
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
static inline bool parse_uint(const char *p, const char *end, uint32_t max, uint32_t *out)
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

/*
 * A whole token that is one IPv4 address, read without data-dependent
 * branches: the octets' lengths are a coin toss per address, and a
 * branchy parser's mispredictions cost more than its work. The token is
 * copied into a zero-padded buffer so the parser may look ahead freely.
 * True only for what parse_ipv4_addr() accepts as a whole token (1-3
 * digits per octet, each <= 255, three dots), with the same value; on
 * false the caller asks parse_ipv4_addr() itself.
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

static inline bool parse_addr_token(const char *p, const char *end, uint32_t *addr)
{
	return quad_fast(p, end, addr) || parse_ipv4_addr(p, end, addr) == end;
}

static inline bool looks_ipv6(const char *p, const char *end)
{
	return memchr(p, ':', (size_t)(end - p)) != NULL;
}

/*
 * Does a record for proto/port ("tcp", 80) describe the service being read?
 * Never the policy (RS_PORT_OTHER): a record names one port, and what the
 * unlisted ports do is said only by nmap's "Not shown: N closed ports".
 */
static inline bool svc_matches(const struct ds *d, const char *proto, const char *proto_end,
			       uint32_t port)
{
	if (d->up)
		return true;
	switch (d->svc.slot) {
	case RS_SLOT_TCP:
		return token_is(proto, proto_end, "tcp") && port == d->svc.port &&
		       port != RS_PORT_OTHER;
	case RS_SLOT_UDP:
		return token_is(proto, proto_end, "udp") && port == d->svc.port &&
		       port != RS_PORT_OTHER;
	case RS_SLOT_ICMP:
		/* masscan --ping reports an echo reply as "icmp" port 0. */
		return token_is(proto, proto_end, "icmp");
	}
	return false;
}

/* Is the policy for unlisted ports (RS_PORT_OTHER) being read? */
static inline bool svc_is_policy(const struct ds *d)
{
	return (d->svc.slot == RS_SLOT_TCP || d->svc.slot == RS_SLOT_UDP) &&
	       d->svc.port == RS_PORT_OTHER;
}

/* ---- the scanners' words for a port's state ------------------------------ */

/* The index of the token in words[n], or -1. */
static inline int word_index(const char *p, const char *end, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (token_is(p, end, words[i]))
			return i;
	return -1;
}

#define WORD_INDEX(p, end, words) word_index(p, end, words, (int)(sizeof(words) / sizeof(words[0])))

/*
 * masscan 1.3.2's status words (src/output.c status_string): "closed" is a
 * RST or an ICMP port unreachable (written with --show closed); "up" is an
 * ARP reply, "unknown" its default.
 */
static inline int masscan_state(const char *p, const char *end)
{
	static const char *const words[] = { "open", "closed", "up", "unknown" };
	static const int state[] = { RS_STATE_OPEN, RS_STATE_CLOSED, DS_NO_STATE, DS_NO_STATE };
	int i = WORD_INDEX(p, end, words);

	return i < 0 ? DS_BAD_WORD : state[i];
}

/* masscan's protocol names (src/output.c name_from_ip_proto). */
static inline bool masscan_proto(const char *p, const char *end)
{
	static const char *const words[] = { "tcp", "udp", "icmp", "sctp", "arp" };

	return WORD_INDEX(p, end, words) >= 0;
}

/*
 * nmap's port states (portlist.cc statenum2str), as the world can hold
 * them: "open|filtered" is silence (-sU, -sF with no answer), which the
 * world gives as filtered; "unfiltered" (-sA) and "closed|filtered" (-sI)
 * do not say whether a SYN would be answered.
 */
static inline int nmap_state(const char *p, const char *end)
{
	static const char *const words[] = {
		"open", "closed", "filtered", "open|filtered", "closed|filtered", "unfiltered",
	};
	static const int state[] = {
		RS_STATE_OPEN, RS_STATE_CLOSED, RS_STATE_FILTERED, RS_STATE_FILTERED,
		DS_NO_STATE, DS_NO_STATE,
	};
	int i = WORD_INDEX(p, end, words);

	return i < 0 ? DS_BAD_WORD : state[i];
}

/*
 * The slot of nmap's protocol word; -1 for "sctp", "ip" (-sO's ports) and
 * "n/a" (-sO's extrareasons), -2 for none.
 */
static inline int nmap_proto(const char *p, const char *end)
{
	static const char *const words[] = { "tcp", "udp", "sctp", "ip", "n/a" };
	static const int slot[] = { RS_SLOT_TCP, RS_SLOT_UDP, -1, -1, -1 };
	int i = WORD_INDEX(p, end, words);

	return i < 0 ? -2 : slot[i];
}

#endif
