// SPDX-License-Identifier: GPL-2.0-only
/*
 * world.c - the world's container encoding, from both ends: choosing and
 * encoding each /16's container, writing the file, opening and validating
 * it (every container's kind, place in the pool, guide and order of its
 * entries, and every service's sets and host counts checked before
 * anything reaches the kernel), and the queries the CLI and tests ask of
 * it. Writer, validator and reader of one format stay in one file so a
 * change to a container kind is made in one place; the format itself is
 * in world.h and bpf/rescan_abi.h.
 */
#include "world.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tmp_file.h"
#include "util.h"

#define ALIGN8(x) (((x) + 7) & ~(uint64_t)7)
/* Provenance is stored NUL-terminated and padded to 8 bytes. */
#define PROV_BYTES(len) ALIGN8((uint64_t)(len) + 1)

void world_init(struct world *w, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->seed = seed;
}

void world_free(struct world *w)
{
	free(w->services);
	if (w->mapping) {
		munmap(w->mapping, w->mapping_len);
	} else {
		free(w->dir);
		free(w->pool);
		free(w->provenance);
	}
	memset(w, 0, sizeof(*w));
}

const struct world_service *world_find(const struct world *w, struct rs_svc svc)
{
	uint32_t i;

	for (i = 0; i < w->nservices; i++)
		if (w->services[i].svc.slot == svc.slot && w->services[i].svc.port == svc.port)
			return &w->services[i];
	return NULL;
}

static int pool_reserve(struct world *w, uint64_t extra)
{
	uint64_t cap = w->pool_cap ? w->pool_cap : 1 << 16;
	uint64_t *p;

	if (w->pool_words + extra <= w->pool_cap)
		return 0;
	while (cap < w->pool_words + extra)
		cap *= 2;
	p = realloc(w->pool, cap * sizeof(*p));
	if (!p) {
		rs_error("out of memory growing the world to %llu MiB",
			 (unsigned long long)(cap * 8 >> 20));
		return -ENOMEM;
	}
	w->pool = p;
	w->pool_cap = cap;
	return 0;
}

/* Byte k of a little-endian word array. */
static uint8_t byte_at(const uint64_t *words, uint32_t k)
{
	return (uint8_t)(words[k / 8] >> (k % 8 * 8));
}

static void put_byte(uint64_t *words, uint32_t k, uint8_t v)
{
	words[k / 8] |= (uint64_t)v << (k % 8 * 8);
}

static void put_u16(uint64_t *words, uint32_t i, uint16_t v)
{
	words[i / RS_ARRAY_PER_WORD] |= (uint64_t)v << (i % RS_ARRAY_PER_WORD * 16);
}

static uint16_t u16_at(const uint64_t *words, uint32_t i)
{
	return (uint16_t)(words[i / RS_ARRAY_PER_WORD] >> (i % RS_ARRAY_PER_WORD * 16));
}

#define BITMAP_WORDS_PER_24 (RS_SPLIT_BITMAP_BYTES / 8)

/* Bytes of split-container data for a /24 of c hosts. */
static uint32_t split_bytes_of(uint32_t c)
{
	return c < RS_SPLIT_BITMAP_BYTES ? c : RS_SPLIT_BITMAP_BYTES;
}

static void encode_array(uint64_t *out, const uint64_t *words)
{
	uint32_t i, n = 0;

	for (i = 0; i < RS_BITMAP_WORDS; i++)
		for (uint64_t v = words[i]; v; v &= v - 1)
			put_u16(out, n++, (uint16_t)(i * 64 + (uint32_t)__builtin_ctzll(v)));
}

/* Guide, then the sorted entries of a plain array. */
static void encode_guided(uint64_t *out, const uint64_t *words, uint32_t n)
{
	uint32_t bits = rs_guide_bits(n), buckets = 1u << bits, k, i = 0;
	uint64_t *entries = out + rs_guide_words(n);

	encode_array(entries, words);
	for (k = 0; k < buckets; k++) {
		put_u16(out, k, (uint16_t)i);
		while (i < n && (uint32_t)u16_at(entries, i) >> (16 - bits) == k)
			i++;
	}
	put_u16(out, buckets, (uint16_t)n);
}

/* Guide, then each /24 as sorted low bytes or, from 32 hosts on, its bitmap. */
static void encode_split(uint64_t *out, const uint64_t *words, const uint16_t per24[256])
{
	uint64_t *data = out + RS_SPLIT_GUIDE_WORDS;
	uint32_t h, k, p = 0;

	for (h = 0; h < 256; h++) {
		const uint64_t *w24 = words + h * BITMAP_WORDS_PER_24;

		put_u16(out, h, (uint16_t)p);
		if (split_bytes_of(per24[h]) == RS_SPLIT_BITMAP_BYTES) {
			for (k = 0; k < RS_SPLIT_BITMAP_BYTES; k++)
				put_byte(data, p++, byte_at(w24, k));
			continue;
		}
		for (k = 0; k < BITMAP_WORDS_PER_24; k++)
			for (uint64_t v = w24[k]; v; v &= v - 1)
				put_byte(data, p++, (uint8_t)(k * 64 + (uint32_t)__builtin_ctzll(v)));
	}
	put_u16(out, 256, (uint16_t)p);
}

/*
 * Encode one /16 block of the build set as the smallest container; on a tie
 * the faster kind (bitmap, then split, then array). An array of
 * RS_GUIDED_MIN or more entries gets a guide, for speed, if it is still
 * smaller than the alternative; otherwise that alternative is used.
 */
static int add_container(struct world *w, struct rs_dir_entry *de, const uint64_t *words,
			 uint64_t *hosts)
{
	uint16_t per24[256];
	uint32_t count = ipset_block_census(words, per24), split_bytes = 0, h;
	uint64_t size, *out;

	*hosts += count;
	memset(de, 0, sizeof(*de));
	if (count == 0)
		return 0;
	if (count == RS_BLOCK_ADDRS) {
		de->kind = RS_C_FULL;
		return 0;
	}
	for (h = 0; h < 256; h++)
		split_bytes += split_bytes_of(per24[h]);
	de->kind = RS_C_BITMAP;
	size = RS_BITMAP_WORDS;
	if (RS_SPLIT_GUIDE_WORDS + (split_bytes + 7) / 8 <= size) {
		de->kind = RS_C_SPLIT;
		de->n = (uint16_t)split_bytes;
		size = RS_SPLIT_GUIDE_WORDS + (split_bytes + 7) / 8;
	}
	if (count < RS_GUIDED_MIN && (count + 3) / 4 < size) {
		de->kind = RS_C_ARRAY;
		de->n = (uint16_t)count;
		size = (count + 3) / 4;
	} else if (count <= RS_ARRAY_MAX && rs_guide_words(count) + (count + 3) / 4 < size) {
		de->kind = RS_C_GUIDED;
		de->n = (uint16_t)count;
		size = rs_guide_words(count) + (count + 3) / 4;
	}
	if (pool_reserve(w, size))
		return -ENOMEM;
	de->off = (uint32_t)w->pool_words;
	out = w->pool + w->pool_words;
	w->pool_words += size;
	if (de->kind == RS_C_BITMAP) {
		memcpy(out, words, RS_BITMAP_WORDS * 8);
		return 0;
	}
	memset(out, 0, size * 8);
	if (de->kind == RS_C_SPLIT)
		encode_split(out, words, per24);
	else if (de->kind == RS_C_GUIDED)
		encode_guided(out, words, count);
	else
		encode_array(out, words);
	return 0;
}

int world_state_allowed(struct rs_svc svc, enum rs_state st)
{
	char name[32];

	svc_format(svc, name, sizeof(name));
	if (svc.slot == RS_SLOT_ICMP && st != RS_STATE_OPEN) {
		rs_error("service %s: an ICMP request is answered or not; it has no %s hosts", name,
			 svc_state_name(st));
		return -EINVAL;
	}
	if (svc.slot != RS_SLOT_ICMP && svc.port == RS_PORT_OTHER && st != RS_STATE_CLOSED) {
		rs_error("service %s: the policy for unlisted ports has closed hosts only, not %s",
			 name, svc_state_name(st));
		return -EINVAL;
	}
	return 0;
}

static struct world_service *service_slot(struct world *w, struct rs_svc svc);

/* The set of ws in state st may be given to svc in that state: checks both. */
static int add_state_check(struct world *w, struct rs_svc svc, enum rs_state st,
			   struct world_service **out)
{
	struct world_service *ws;
	char name[32];
	int err;

	svc_format(svc, name, sizeof(name));
	err = world_state_allowed(svc, st);
	if (err)
		return err;
	ws = service_slot(w, svc);
	if (!ws)
		return -ENOMEM;
	if (ws->set[st] != RS_NO_SET) {
		rs_error("service %s already has its %s hosts in the world", name,
			 svc_state_name(st));
		return -EEXIST;
	}
	*out = ws;
	return 0;
}

int world_add_service_alias(struct world *w, struct rs_svc svc, enum rs_state st,
			    struct rs_svc from, enum rs_state from_st)
{
	const struct world_service *src = world_find(w, from);
	struct world_service *ws;
	uint32_t set;
	uint64_t hosts;
	int err;

	if (!src || src->set[from_st] == RS_NO_SET) {
		rs_error("no host set to share");
		return -ENOENT;
	}
	set = src->set[from_st];
	hosts = src->hosts[from_st];
	err = add_state_check(w, svc, st, &ws);	/* may move w->services */
	if (err)
		return err;
	ws->set[st] = set;
	ws->hosts[st] = hosts;
	return 0;
}

static struct world_service *service_slot(struct world *w, struct rs_svc svc)
{
	struct world_service *svcs, *ws = (struct world_service *)world_find(w, svc);
	enum rs_state s;

	if (ws)
		return ws;
	if (w->nservices >= RS_WORLD_MAX_SERVICES) {
		rs_error("too many services (at most %d)", RS_WORLD_MAX_SERVICES);
		return NULL;
	}
	svcs = realloc(w->services, (w->nservices + 1) * sizeof(*svcs));
	if (!svcs) {
		rs_error("out of memory");
		return NULL;
	}
	w->services = svcs;
	ws = &svcs[w->nservices++];
	memset(ws, 0, sizeof(*ws));
	ws->svc = svc;
	for (s = 0; s < RS_NR_STATES; s++)
		ws->set[s] = RS_NO_SET;
	return ws;
}

int world_add_service_blocks(struct world *w, struct rs_svc svc, enum rs_state st,
			     world_block_fn fn, void *ctx)
{
	struct world_service *ws;
	struct rs_dir_entry *dir;
	uint64_t hosts = 0;
	uint32_t b;
	int err;

	err = add_state_check(w, svc, st, &ws);
	if (err)
		return err;
	if (w->nsets >= RS_WORLD_MAX_SETS) {
		rs_error("too many host sets (at most %d)", RS_WORLD_MAX_SETS);
		return -E2BIG;
	}
	dir = realloc(w->dir, (size_t)(w->nsets + 1) * RS_BLOCKS * sizeof(*dir));
	if (!dir)
		return -ENOMEM;
	w->dir = dir;
	dir += (size_t)w->nsets * RS_BLOCKS;

	for (b = 0; b < RS_BLOCKS; b++) {
		const uint64_t *words = fn(b, ctx);

		if (!words) {
			memset(&dir[b], 0, sizeof(dir[b]));
			continue;
		}
		err = add_container(w, &dir[b], words, &hosts);
		if (err)
			return err;
	}
	if (w->pool_words > UINT32_MAX) {
		rs_error("world too large: the pool exceeds 2^32 words");
		return -E2BIG;
	}
	ws->set[st] = w->nsets;
	ws->hosts[st] = hosts;
	w->nsets++;
	return 0;
}

static const uint64_t *ipset_block_source(uint32_t block, void *ctx)
{
	const struct ipset *set = ctx;

	return set->touched[block] ? ipset_block(set, block) : NULL;
}

int world_add_service(struct world *w, struct rs_svc svc, enum rs_state st, struct ipset *set)
{
	return world_add_service_blocks(w, svc, st, ipset_block_source, set);
}

int world_note(struct world *w, const char *fmt, ...)
{
	size_t old = w->provenance ? strlen(w->provenance) : 0;
	char line[1024];
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	p = realloc(w->provenance, old + strlen(line) + 2);
	if (!p)
		return -ENOMEM;
	w->provenance = p;
	strcpy(p + old, line);
	strcat(p + old, "\n");
	return 0;
}

uint64_t world_kernel_bytes(const struct world *w)
{
	return (uint64_t)w->nsets * RS_BLOCKS * sizeof(struct rs_dir_entry) + w->pool_words * 8;
}

/* ---- file I/O ---------------------------------------------------------- */

struct section {
	const void *data;
	uint64_t len;	/* bytes written, already padded to 8 */
};

static int write_all(int fd, const void *buf, uint64_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len > (1 << 30) ? (1 << 30) : len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

int world_write(const struct world *w, const char *path)
{
	struct rs_world_file_header h = { 0 };
	struct rs_world_file_service *fs = NULL;
	uint64_t prov_len = w->provenance ? strlen(w->provenance) : 0;
	char *prov = NULL, *tmp = NULL;
	struct section sec[4];
	uint32_t i, crc;
	size_t k, tmp_size = strlen(path) + TMP_FILE_SUFFIX_MAX;
	int fd = -1, lock = -1, err = 0;

	fs = calloc(w->nservices ? w->nservices : 1, sizeof(*fs));
	prov = calloc(1, PROV_BYTES(prov_len));
	tmp = malloc(tmp_size);
	if (!fs || !prov || !tmp) {
		err = -ENOMEM;
		rs_error("out of memory writing '%s'", path);
		goto out;
	}
	for (i = 0; i < w->nservices; i++) {
		fs[i].slot = w->services[i].svc.slot;
		fs[i].port = w->services[i].svc.port;
		memcpy(fs[i].set, w->services[i].set, sizeof(fs[i].set));
		memcpy(fs[i].hosts, w->services[i].hosts, sizeof(fs[i].hosts));
	}
	if (prov_len)
		memcpy(prov, w->provenance, prov_len);

	sec[0] = (struct section){ fs, (uint64_t)w->nservices * sizeof(*fs) };
	sec[1] = (struct section){ prov, PROV_BYTES(prov_len) };
	sec[2] = (struct section){ w->dir, (uint64_t)w->nsets * RS_BLOCKS * sizeof(*w->dir) };
	sec[3] = (struct section){ w->pool, w->pool_words * 8 };

	memcpy(h.magic, RS_WORLD_MAGIC, 8);
	h.version = RS_WORLD_VERSION;
	h.header_size = sizeof(h);
	h.seed = w->seed;
	h.created = w->created;
	h.nservices = w->nservices;
	h.nsets = w->nsets;
	h.pool_words = w->pool_words;
	h.prov_len = prov_len;
	h.file_size = sizeof(h);
	crc = (uint32_t)crc32(0L, Z_NULL, 0);
	for (k = 0; k < 4; k++) {
		const unsigned char *p = sec[k].data;
		uint64_t left = sec[k].len;

		h.file_size += sec[k].len;
		while (left) {	/* zlib's crc32 takes a uInt length */
			uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;

			crc = (uint32_t)crc32(crc, p, chunk);
			p += chunk;
			left -= chunk;
		}
	}
	h.payload_crc = crc;

	/* Written beside path, renamed over it when whole (tmp_file.h). */
	fd = tmp_file_create(path, tmp, tmp_size);
	if (fd < 0) {
		err = fd;
		fd = -1;
		goto out;
	}
	/* The temporary file's lock, kept past close(fd) until the rename. */
	lock = dup(fd);
	if (lock < 0)
		err = -errno;
	if (!err)
		err = write_all(fd, &h, sizeof(h));
	for (k = 0; k < 4 && !err; k++)
		err = write_all(fd, sec[k].data, sec[k].len);
	/* A world is the answer key of every scan of it: its owner's alone. */
	if (!err && fchmod(fd, 0600))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		rs_error("cannot write '%s': %s", path, strerror(-err));
		unlink(tmp);
	}
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (lock >= 0)
		close(lock);
	free(fs);
	free(prov);
	free(tmp);
	return err;
}

static int bad(const char *path, const char *what)
{
	rs_error("'%s' is not a valid world file: %s", path, what);
	return -EINVAL;
}

uint64_t world_container_words(const struct rs_dir_entry *de)
{
	return rs_container_words(de->kind, de->n);
}

/* The guide starts at 0, ends at the data size and gives each /24 0..32 bytes. */
static bool split_guide_ok(const uint64_t *c, uint16_t data_bytes)
{
	uint32_t h;

	if (u16_at(c, 0) != 0 || u16_at(c, 256) != data_bytes)
		return false;
	for (h = 0; h < 256; h++) {
		uint16_t a = u16_at(c, h), b = u16_at(c, h + 1);

		if (b < a || b - a > RS_SPLIT_BITMAP_BYTES)
			return false;
	}
	return true;
}

/* The guide starts at 0, never goes down and ends at n. */
static bool guided_guide_ok(const uint64_t *c, uint16_t n)
{
	uint32_t k, buckets = 1u << rs_guide_bits(n);

	if (u16_at(c, 0) != 0 || u16_at(c, buckets) != n)
		return false;
	for (k = 0; k < buckets; k++)
		if (u16_at(c, k + 1) < u16_at(c, k))
			return false;
	return true;
}

static void split_span(const uint64_t *c, uint32_t h, uint32_t *first, uint32_t *len);

/* Strictly ascending u16 entries i0 .. i1 - 1 of c. */
static bool u16_ascending(const uint64_t *c, uint32_t i0, uint32_t i1)
{
	uint32_t i;

	for (i = i0 + 1; i < i1; i++)
		if (u16_at(c, i) <= u16_at(c, i - 1))
			return false;
	return true;
}

/*
 * The hosts of a container whose size and place were checked, or -1 if
 * its entries are not what a lookup relies on: an array's and each /24's
 * bytes strictly ascending (a binary search finds nothing else), and a
 * guided array's entries each in the bucket its guide gives them.
 */
static int64_t container_hosts(const struct rs_dir_entry *de, const uint64_t *c)
{
	uint32_t i, h, bits, first, len;
	const uint64_t *data;
	int64_t n = 0;

	switch (de->kind) {
	case RS_C_FULL:
		return RS_BLOCK_ADDRS;
	case RS_C_BITMAP:
		for (i = 0; i < RS_BITMAP_WORDS; i++)
			n += __builtin_popcountll(c[i]);
		return n;
	case RS_C_ARRAY:
		return u16_ascending(c, 0, de->n) ? de->n : -1;
	case RS_C_GUIDED:
		bits = rs_guide_bits(de->n);
		data = c + rs_guide_words(de->n);
		if (!u16_ascending(data, 0, de->n))
			return -1;
		for (h = 0; h < 1u << bits; h++)
			for (i = u16_at(c, h); i < u16_at(c, h + 1); i++)
				if ((uint32_t)u16_at(data, i) >> (16 - bits) != h)
					return -1;
		return de->n;
	case RS_C_SPLIT:
		data = c + RS_SPLIT_GUIDE_WORDS;
		for (h = 0; h < 256; h++) {
			split_span(c, h, &first, &len);
			if (len == RS_SPLIT_BITMAP_BYTES) {
				for (i = 0; i < len; i++)
					n += __builtin_popcount(byte_at(data, first + i));
				continue;
			}
			for (i = 1; i < len; i++)
				if (byte_at(data, first + i) <= byte_at(data, first + i - 1))
					return -1;
			n += len;
		}
		return n;
	}
	return 0;
}

/*
 * Every container: a known kind of a size in bounds, inside the pool, after
 * the one before it, its guide and entries as lookups rely on. The hosts
 * of each set add up in set_hosts[nsets].
 */
static int validate_dir(const struct world *w, const char *path, uint64_t *set_hosts)
{
	uint64_t i, n = (uint64_t)w->nsets * RS_BLOCKS, end = 0;
	int64_t hosts;

	for (i = 0; i < n; i++) {
		const struct rs_dir_entry *de = &w->dir[i];
		uint64_t words;

		switch (de->kind) {
		case RS_C_EMPTY:
			continue;
		case RS_C_FULL:
			set_hosts[i / RS_BLOCKS] += RS_BLOCK_ADDRS;
			continue;
		case RS_C_BITMAP:
			break;
		case RS_C_ARRAY:
			if (de->n == 0 || de->n > RS_ARRAY_MAX)
				return bad(path, "array container with a bad size");
			break;
		case RS_C_GUIDED:
			if (de->n < RS_GUIDED_MIN || de->n > RS_ARRAY_MAX)
				return bad(path, "guided array container with a bad size");
			break;
		case RS_C_SPLIT:
			if (de->n == 0 || de->n > RS_SPLIT_DATA_MAX)
				return bad(path, "split container with a bad size");
			break;
		default:
			return bad(path, "unknown container kind");
		}
		words = world_container_words(de);
		if ((uint64_t)de->off + words > w->pool_words)
			return bad(path, "container outside the pool");
		/* rescan writes them in directory order; the loader relies on it. */
		if (de->off < end)
			return bad(path, "containers overlap or are out of order");
		end = de->off + words;
		if (de->kind == RS_C_SPLIT && !split_guide_ok(w->pool + de->off, de->n))
			return bad(path, "split container with a bad guide");
		if (de->kind == RS_C_GUIDED && !guided_guide_ok(w->pool + de->off, de->n))
			return bad(path, "guided array container with a bad guide");
		hosts = container_hosts(de, w->pool + de->off);
		if (hosts < 0)
			return bad(path, "container whose hosts are out of order");
		set_hosts[i / RS_BLOCKS] += (uint64_t)hosts;
	}
	return 0;
}

/* A service record of versions 1 to 3: the open set only. */
struct rs_world_file_service_v3 {
	uint32_t slot;
	uint32_t port;
	uint32_t set;
	uint32_t reserved;
	uint64_t hosts;
};

/* Service i of the file's table, whichever version wrote it. */
static struct rs_world_file_service file_service(const void *table, uint32_t version, uint32_t i)
{
	const struct rs_world_file_service_v3 *old = table;
	struct rs_world_file_service fs = { 0 };
	enum rs_state s;

	if (version >= 4)
		return ((const struct rs_world_file_service *)table)[i];
	fs.slot = old[i].slot;
	fs.port = old[i].port;
	for (s = 0; s < RS_NR_STATES; s++)
		fs.set[s] = RS_NO_SET;
	fs.set[RS_STATE_OPEN] = old[i].set;
	fs.hosts[RS_STATE_OPEN] = old[i].hosts;
	return fs;
}

/*
 * Every set a service names exists, a set for one state only, and its
 * states are allowed; its host counts are its sets' (set_hosts), none
 * where it has no set.
 */
static int check_service(const struct world *w, const struct rs_world_file_service *fs,
			 const uint64_t *set_hosts, const char *path)
{
	struct rs_svc svc = { fs->slot, fs->port };
	enum rs_state s, t;
	int any = 0;

	if (fs->slot >= RS_NR_SLOTS || fs->port > 0xffff || world_find(w, svc))
		return bad(path, "bad or duplicate service entry");
	for (s = 0; s < RS_NR_STATES; s++) {
		if (fs->set[s] == RS_NO_SET) {
			if (fs->hosts[s])
				return bad(path, "a service counts hosts in a state it has no set for");
			continue;
		}
		if (fs->set[s] >= w->nsets)
			return bad(path, "a service names a host set that is missing");
		for (t = 0; t < s; t++)
			if (fs->set[t] == fs->set[s])
				return bad(path, "a service names one host set for two states");
		if (world_state_allowed(svc, s)) {
			char why[256];

			snprintf(why, sizeof(why), "%s", rs_last_error());
			return bad(path, why);
		}
		if (fs->hosts[s] != set_hosts[fs->set[s]])
			return bad(path, "a service's host count is not its set's");
		any = 1;
	}
	return any ? 0 : bad(path, "a service without hosts");
}

int world_open(struct world *w, const char *path)
{
	uint64_t *set_hosts = NULL;
	const struct rs_world_file_header *h;
	const void *fs;
	uint64_t expect, off, fs_size;
	struct stat st;
	uint32_t i, crc;
	void *map;
	int fd, err;

	memset(w, 0, sizeof(*w));
	/* Non-blocking: a FIFO given for a world is refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		rs_error("cannot open world '%s': %s", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		rs_error("cannot stat '%s': %s", path, strerror(-err));
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return bad(path, "not a regular file");
	}
	if ((uint64_t)st.st_size < sizeof(*h)) {
		close(fd);
		return bad(path, "too short");
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = -errno;
	close(fd);
	if (map == MAP_FAILED) {
		if (err == -ENOMEM)
			rs_error("cannot map '%s' (%llu MiB): more memory than this process may use "
				 "(ulimit -v?)", path, ((unsigned long long)st.st_size + (1 << 20) - 1) >> 20);
		else
			rs_error("cannot map '%s': %s", path, strerror(-err));
		return err;
	}
	w->mapping = map;
	w->mapping_len = st.st_size;
	rs_reading_mapped(path);
	h = map;

	if (memcmp(h->magic, RS_WORLD_MAGIC, 8)) {
		err = bad(path, "wrong magic (not a rescan world)");
		goto fail;
	}
	/* Versions 1 and 2 are version 3 without some container kinds, version 3
	 * is 4 with open sets only: all still readable. */
	if (h->version < 1 || h->version > RS_WORLD_VERSION || h->header_size != sizeof(*h)) {
		rs_error("'%s': world format version %u is not supported (this rescan reads 1 to %u)",
			 path, h->version, RS_WORLD_VERSION);
		err = -EINVAL;
		goto fail;
	}
	if (h->nservices > RS_WORLD_MAX_SERVICES || h->nsets > RS_WORLD_MAX_SETS ||
	    h->pool_words > UINT32_MAX || h->prov_len > (1u << 30)) {
		err = bad(path, "header counts out of range");
		goto fail;
	}
	fs_size = h->version >= 4 ? sizeof(struct rs_world_file_service)
				  : sizeof(struct rs_world_file_service_v3);
	expect = sizeof(*h) + (uint64_t)h->nservices * fs_size + PROV_BYTES(h->prov_len) +
		 (uint64_t)h->nsets * RS_BLOCKS * sizeof(struct rs_dir_entry) + h->pool_words * 8;
	if (h->file_size != expect || (uint64_t)st.st_size != expect) {
		err = bad(path, "size does not match its header (truncated?)");
		goto fail;
	}
	crc = (uint32_t)crc32(0L, Z_NULL, 0);
	for (off = sizeof(*h); off < expect;) {
		uInt chunk = expect - off > (1u << 30) ? (1u << 30) : (uInt)(expect - off);

		crc = (uint32_t)crc32(crc, (const unsigned char *)map + off, chunk);
		off += chunk;
	}
	if (crc != h->payload_crc) {
		err = bad(path, "checksum mismatch (corrupt)");
		goto fail;
	}

	w->seed = h->seed;
	w->created = h->created;
	w->nservices = h->nservices;
	w->nsets = h->nsets;
	w->pool_words = h->pool_words;
	off = sizeof(*h);
	fs = (const void *)((const char *)map + off);
	off += (uint64_t)h->nservices * fs_size;
	w->provenance = h->prov_len ? (char *)map + off : NULL;
	if (((const char *)map)[off + h->prov_len]) {
		err = bad(path, "provenance text not terminated");
		goto fail;
	}
	off += PROV_BYTES(h->prov_len);
	w->dir = (void *)((char *)map + off);
	off += (uint64_t)h->nsets * RS_BLOCKS * sizeof(struct rs_dir_entry);
	w->pool = (void *)((char *)map + off);

	w->services = calloc(w->nservices ? w->nservices : 1, sizeof(*w->services));
	set_hosts = calloc(w->nsets ? w->nsets : 1, sizeof(*set_hosts));
	if (!w->services || !set_hosts) {
		err = -ENOMEM;
		rs_error("out of memory");
		goto fail;
	}
	err = validate_dir(w, path, set_hosts);
	if (err)
		goto fail;
	for (w->nservices = 0, i = 0; i < h->nservices; i++) {
		struct rs_world_file_service f = file_service(fs, h->version, i);

		err = check_service(w, &f, set_hosts, path);
		if (err)
			goto fail;
		w->services[i].svc = (struct rs_svc){ f.slot, f.port };
		memcpy(w->services[i].set, f.set, sizeof(f.set));
		memcpy(w->services[i].hosts, f.hosts, sizeof(f.hosts));
		w->nservices++;
	}
	free(set_hosts);
	return 0;
fail:
	free(set_hosts);
	world_free(w);
	return err;
}

/* ---- queries ------------------------------------------------------------ */

/* /24 number h of split container c: its bytes [*first, *first + *len). */
static void split_span(const uint64_t *c, uint32_t h, uint32_t *first, uint32_t *len)
{
	*first = u16_at(c, h);
	*len = u16_at(c, h + 1) - *first;
}

static bool split_has(const uint64_t *c, uint16_t low)
{
	const uint64_t *data = c + RS_SPLIT_GUIDE_WORDS;
	uint32_t first, len, i;
	uint8_t b = low & 0xff;

	split_span(c, low >> 8, &first, &len);
	if (len == RS_SPLIT_BITMAP_BYTES)
		return byte_at(data, first + b / 8) >> (b % 8) & 1;
	for (i = 0; i < len; i++)
		if (byte_at(data, first + i) == b)
			return true;
	return false;
}

/* Where the sorted entries of an array or guided array container start. */
static uint32_t array_entries_at(const struct rs_dir_entry *de)
{
	return de->kind == RS_C_GUIDED ? rs_guide_words(de->n) : 0;
}

bool world_set_has(const struct world *w, uint32_t set, uint32_t addr)
{
	const struct rs_dir_entry *de = &w->dir[(size_t)set * RS_BLOCKS + (addr >> 16)];
	uint16_t low = addr & 0xffff;
	const uint64_t *entries;
	uint32_t lo = 0, hi;

	switch (de->kind) {
	case RS_C_FULL:
		return true;
	case RS_C_BITMAP:
		return w->pool[de->off + (low >> 6)] >> (low & 63) & 1;
	case RS_C_SPLIT:
		return split_has(w->pool + de->off, low);
	case RS_C_ARRAY:
	case RS_C_GUIDED:
		/* The whole array is sorted: this answer does not use the guide,
		 * so the BPF tests check the kernel's use of it against it. */
		entries = w->pool + de->off + array_entries_at(de);
		hi = de->n;
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;

			if (u16_at(entries, mid) < low)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < de->n && u16_at(entries, lo) == low;
	}
	return false;
}

int world_set_foreach(const struct world *w, uint32_t set, uint32_t first, uint32_t last,
		      int (*fn)(uint32_t addr, void *ctx), void *ctx)
{
	uint32_t b, i;
	int err;

	if (first > last)
		return 0;
	for (b = first >> 16;; b++) {
		const struct rs_dir_entry *de = &w->dir[(size_t)set * RS_BLOCKS + b];
		const uint64_t *entries;
		uint32_t base = b << 16;
		uint64_t a;

		switch (de->kind) {
		case RS_C_FULL:
			for (a = base; a <= (uint64_t)base + 0xffff; a++)
				if (a >= first && a <= last && (err = fn((uint32_t)a, ctx)))
					return err;
			break;
		case RS_C_BITMAP:
			for (i = 0; i < RS_BITMAP_WORDS; i++) {
				uint64_t v = w->pool[de->off + i];

				while (v) {
					a = base + i * 64 + (uint64_t)__builtin_ctzll(v);
					v &= v - 1;
					if (a >= first && a <= last && (err = fn((uint32_t)a, ctx)))
						return err;
				}
			}
			break;
		case RS_C_ARRAY:
		case RS_C_GUIDED:
			entries = w->pool + de->off + array_entries_at(de);
			for (i = 0; i < de->n; i++) {
				a = base + u16_at(entries, i);
				if (a >= first && a <= last && (err = fn((uint32_t)a, ctx)))
					return err;
			}
			break;
		case RS_C_SPLIT:
			for (i = 0; i < 256; i++) {
				const uint64_t *data = w->pool + de->off + RS_SPLIT_GUIDE_WORDS;
				uint32_t p, len, k;

				split_span(w->pool + de->off, i, &p, &len);
				for (k = 0; k < 256; k++) {
					/* bitmap: bit k; array: its k-th byte */
					if (len == RS_SPLIT_BITMAP_BYTES ? !(byte_at(data, p + k / 8) >> (k % 8) & 1)
									 : k >= len)
						continue;
					a = base + i * 256 + (len == RS_SPLIT_BITMAP_BYTES ? k : byte_at(data, p + k));
					if (a >= first && a <= last && (err = fn((uint32_t)a, ctx)))
						return err;
				}
			}
			break;
		}
		if (b == last >> 16)
			break;
	}
	return 0;
}

unsigned world_state(const struct world *w, struct rs_svc svc, uint32_t addr)
{
	const struct world_service *ws = world_find(w, svc), *pol;
	struct rs_svc other = { svc.slot, RS_PORT_OTHER };
	enum rs_state s;

	for (s = 0; ws && s < RS_NR_STATES; s++)
		if (ws->set[s] != RS_NO_SET && world_set_has(w, ws->set[s], addr))
			return s;
	if (svc.slot == RS_SLOT_ICMP)
		return RS_STATE_SILENT;
	pol = world_find(w, other);
	if (pol && pol->set[RS_STATE_CLOSED] != RS_NO_SET &&
	    world_set_has(w, pol->set[RS_STATE_CLOSED], addr))
		return RS_STATE_CLOSED;
	return RS_STATE_SILENT;
}

/* The closed hosts of one /16 block, as a bitmap of its addresses. */
struct closed_block {
	const struct world *w;
	struct rs_svc svc;
	uint64_t bits[RS_BITMAP_WORDS];
};

static int mark_closed(uint32_t addr, void *ctx)
{
	struct closed_block *cb = ctx;

	if (world_state(cb->w, cb->svc, addr) == RS_STATE_CLOSED)
		cb->bits[(addr & 0xffff) >> 6] |= 1ull << (addr & 63);
	return 0;
}

/*
 * The closed hosts of a service come from two sets, its own and the
 * policy's: merged one /16 at a time in a bitmap, which gives each once
 * and in order.
 */
static int closed_foreach(const struct world *w, struct rs_svc svc, const struct world_service *ws,
			  uint32_t set_pol, uint32_t first, uint32_t last,
			  int (*fn)(uint32_t addr, void *ctx), void *ctx)
{
	struct closed_block *cb = calloc(1, sizeof(*cb));
	uint32_t b, lo, hi, i;
	int err = 0;

	if (!cb) {
		rs_error("out of memory");
		return -ENOMEM;
	}
	cb->w = w;
	cb->svc = svc;
	for (b = first >> 16; !err; b++) {
		lo = b << 16 > first ? b << 16 : first;
		hi = (b << 16 | 0xffff) < last ? b << 16 | 0xffff : last;
		memset(cb->bits, 0, sizeof(cb->bits));
		if (ws && ws->set[RS_STATE_CLOSED] != RS_NO_SET)
			world_set_foreach(w, ws->set[RS_STATE_CLOSED], lo, hi, mark_closed, cb);
		if (set_pol != RS_NO_SET)
			world_set_foreach(w, set_pol, lo, hi, mark_closed, cb);
		for (i = 0; i < RS_BITMAP_WORDS && !err; i++)
			for (uint64_t v = cb->bits[i]; v && !err; v &= v - 1)
				err = fn(b << 16 | i << 6 | (uint32_t)__builtin_ctzll(v), ctx);
		if (b == last >> 16)
			break;
	}
	free(cb);
	return err;
}

int world_state_foreach(const struct world *w, struct rs_svc svc, enum rs_state st,
			uint32_t first, uint32_t last, int (*fn)(uint32_t addr, void *ctx),
			void *ctx)
{
	const struct world_service *ws = world_find(w, svc), *pol = NULL;
	struct rs_svc other = { svc.slot, RS_PORT_OTHER };
	uint32_t set_pol = RS_NO_SET;

	if (first > last)
		return 0;
	if (svc.slot != RS_SLOT_ICMP && svc.port != RS_PORT_OTHER)
		pol = world_find(w, other);
	if (pol)
		set_pol = pol->set[RS_STATE_CLOSED];
	if (st == RS_STATE_CLOSED && set_pol != RS_NO_SET)
		return closed_foreach(w, svc, ws, set_pol, first, last, fn, ctx);
	if (!ws || ws->set[st] == RS_NO_SET)
		return 0;
	return world_set_foreach(w, ws->set[st], first, last, fn, ctx);
}
