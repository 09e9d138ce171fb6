// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_data.c - reading one bench run's raw data for `rsbench report`
 * (CSV with a header line, JSON lines, env.txt), and the arithmetic and
 * number formats every figure of the report shares.
 *
 * Values keep the text they have in the data: a minimum, a maximum or the
 * median of an odd count is quoted as the phase wrote it, a computed value
 * is written as "%.6g" unless it is whole.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report.h"
#include "rsbench.h"

/* ---- files -------------------------------------------------------------------- */

/* The whole file, NUL-terminated; NULL if it is missing or empty. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 1 << 16, got;
	char *buf;

	if (!f) {
		if (errno != ENOENT)
			die("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(cap);
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory reading %s", path);
		}
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf[len] = 0;
	if (!len) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The lines of text, split in place. */
static char **split_lines(char *text, int *n)
{
	int cap = 64;
	char **lines = xmalloc(cap * sizeof(*lines)), *p = text, *nl;

	*n = 0;
	while (p && *p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (*n == cap) {
			cap *= 2;
			lines = realloc(lines, cap * sizeof(*lines));
			if (!lines)
				die("out of memory");
		}
		lines[(*n)++] = p;
		p = nl ? nl + 1 : NULL;
	}
	return lines;
}

/* One CSV line's fields; a field in double quotes may hold commas. */
static char **split_fields(const char *line, int *n)
{
	char **f = xmalloc((strlen(line) + 1) * sizeof(*f)), *buf = strdup(line), *w = buf;
	const char *p = line;

	if (!buf)
		die("out of memory");
	*n = 0;
	for (;;) {
		f[(*n)++] = w;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				*w++ = *p;
			}
			if (*p)
				p++;
		}
		while (*p && *p != ',')
			*w++ = *p++;
		*w++ = 0;
		if (!*p)
			break;
		p++;
	}
	return f;
}

void table_load(struct table *t, const char *path)
{
	char *text = slurp(path), **lines;
	int n, i, k;

	memset(t, 0, sizeof(*t));
	if (!text)
		return;
	lines = split_lines(text, &n);
	t->header = strdup(lines[0]);
	t->names = split_fields(lines[0], &t->ncols);
	t->nrows = n - 1;
	t->lines = lines + 1;
	t->cells = xmalloc((n ? n : 1) * sizeof(*t->cells));
	for (i = 0; i < t->nrows; i++) {
		char **f = split_fields(t->lines[i], &k);

		t->cells[i] = xmalloc(t->ncols * sizeof(char *));
		for (int c = 0; c < t->ncols; c++)
			t->cells[i][c] = c < k ? f[c] : "";
	}
}

int table_col_opt(const struct table *t, const char *name)
{
	int c;

	for (c = 0; c < t->ncols; c++)
		if (!strcmp(t->names[c], name))
			return c;
	return -1;
}

int table_col(const struct table *t, const char *name)
{
	int c = table_col_opt(t, name);

	if (c < 0)
		die("report: the data has no column '%s' (header: %s)", name, t->header);
	return c;
}

const char *cell(const struct table *t, int row, int col)
{
	return col < 0 ? "" : t->cells[row][col];
}

void jsonl_load(const char *path, struct json_object ***objs, int *n)
{
	char *text = slurp(path), **lines;
	int nl, i;

	*objs = NULL;
	*n = 0;
	if (!text)
		return;
	lines = split_lines(text, &nl);
	*objs = xmalloc(nl * sizeof(**objs));
	for (i = 0; i < nl; i++) {
		if (!*lines[i])
			continue;
		(*objs)[*n] = json_tokener_parse(lines[i]);
		if (!(*objs)[*n])
			die("%s:%d: not a JSON object", path, i + 1);
		(*n)++;
	}
	free(lines);
}

void env_load(struct report *r, const char *path)
{
	char *text = slurp(path);

	r->env = text ? split_lines(text, &r->nenv) : NULL;
	if (!text)
		r->nenv = 0;
}

const char *env_get(const struct report *r, const char *key, const char *def)
{
	size_t len = strlen(key);
	int i;

	for (i = 0; i < r->nenv; i++)
		if (!strncmp(r->env[i], key, len) && r->env[i][len] == '=')
			return r->env[i] + len + 1;
	return def;
}

/* Runs that did not record their range all scanned this /10. */
const char *scan_range(const struct report *r)
{
	return env_get(r, "scan_range", "64.0.0.0/10");
}

const char *scan_size(const struct report *r)
{
	return env_get(r, "scan_size", "4194304");
}

/* ---- numbers ---------------------------------------------------------------------- */

double num(const char *s)
{
	return strtod(s, NULL);
}

static bool looks_numeric(const char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	return end != s && !*end;
}

bool field_ne(const char *a, const char *b)
{
	if (looks_numeric(a) && looks_numeric(b))
		return num(a) != num(b);
	return strcmp(a, b) != 0;
}

struct val val_none(void)
{
	struct val v = { 0, "-" };

	return v;
}

struct val val_text(const char *s)
{
	struct val v = { num(s), "" };

	snprintf(v.s, sizeof(v.s), "%s", s);
	return v;
}

struct val val_num(double d)
{
	return val_fmt(d == floor(d) && fabs(d) < 1e15 ? "%.0f" : "%.6g", d);
}

struct val val_fmt(const char *fmt, double d)
{
	struct val v = { d, "" };

	snprintf(v.s, sizeof(v.s), fmt, d);
	return v;
}

bool val_ok(const struct val *v)
{
	return strcmp(v->s, "-") != 0;
}

static int cmp_val(const void *a, const void *b)
{
	const struct val *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return strcmp(x->s, y->s);
}

/* The non-empty values of v, sorted by number (then text): a new array. */
static struct val *sorted(const struct val *v, int n, int *kept)
{
	struct val *s = xmalloc((n ? n : 1) * sizeof(*s));
	int i;

	*kept = 0;
	for (i = 0; i < n; i++)
		if (v[i].s[0])
			s[(*kept)++] = v[i];
	qsort(s, *kept, sizeof(*s), cmp_val);
	return s;
}

/* The median of k sorted values: the middle one, or the mean of the middle two. */
static struct val median(const struct val *s, int k)
{
	return k % 2 ? s[k / 2] : val_num((s[k / 2 - 1].v + s[k / 2].v) / 2);
}

struct stats stats_of(const struct val *v, int n)
{
	struct stats st = { val_none(), val_none(), val_none() };
	int k;
	struct val *s = sorted(v, n, &k);

	if (k) {
		st.min = s[0];
		st.med = median(s, k);
		st.max = s[k - 1];
	}
	free(s);
	return st;
}

/* The ceil(q * k)-th value: p25 <= median <= p75 for any count. */
static int rank(double q, int k)
{
	int r = (int)(q * k);

	return r < q * k ? r + 1 : r;
}

struct quart quartiles_of(const struct val *v, int n)
{
	struct quart q = { val_none(), val_none(), val_none(), 0 };
	struct val *s = sorted(v, n, &q.n);

	if (q.n) {
		q.p25 = s[rank(.25, q.n) - 1];
		q.med = val_fmt("%.3f", median(s, q.n).v);
		q.p75 = s[rank(.75, q.n) - 1];
	}
	free(s);
	return q;
}

const char *kpps(const struct val *v, char buf[32])
{
	if (!val_ok(v))
		return "-";
	snprintf(buf, 32, "%.0f k", v->v / 1000);
	return buf;
}

struct val ratio(const struct val *a, const struct val *b)
{
	if (!val_ok(a) || !val_ok(b) || !b->v)
		return val_none();
	return val_fmt("%.3f", a->v / b->v);
}

const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

struct json_object *jget(struct json_object *o, const char *path)
{
	char key[64];
	const char *p = path, *dot;

	while (o && *p) {
		dot = strchr(p, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - p) : (int)strlen(p), p);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		p = dot ? dot + 1 : "";
	}
	return json_object_get_type(o) == json_type_null ? NULL : o;
}

const char *jq_num(double v, char buf[32])
{
	int p;

	if (v == floor(v) && fabs(v) < 1e17) {
		snprintf(buf, 32, "%.0f", v);
		return buf;
	}
	for (p = 1; p < 17; p++) {
		snprintf(buf, 32, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, 32, "%.17g", v);
	return buf;
}
