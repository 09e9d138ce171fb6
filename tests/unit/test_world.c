// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_world.c - the world format: containers chosen per block, exact
 * membership after a write/open round trip, export order, corruption
 * detection, and the synthetic world's determinism. Expected sets come
 * from plain arrays in this file, not from the code under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "synth.h"
#include "util.h"
#include "world.h"

static char tmpdir[] = "/tmp/rescan-test-world-XXXXXX";

static uint32_t A(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static struct rs_svc svc_of(const char *spec)
{
	struct rs_svc s = { 0 };

	if (svc_parse(spec, &s))
		abort();
	return s;
}

/* A reference set: every address added, kept in a plain sorted array. */
struct ref {
	uint32_t *a;
	size_t n, cap;
};

static void ref_add(struct ref *r, uint32_t a)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->a = realloc(r->a, r->cap * sizeof(*r->a));
	}
	r->a[r->n++] = a;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void ref_sort(struct ref *r)
{
	size_t i, j = 0;

	qsort(r->a, r->n, sizeof(*r->a), cmp_u32);
	for (i = 0; i < r->n; i++)
		if (!j || r->a[j - 1] != r->a[i])
			r->a[j++] = r->a[i];
	r->n = j;
}

static int ref_has(const struct ref *r, uint32_t a)
{
	return bsearch(&a, r->a, r->n, sizeof(a), cmp_u32) != NULL;
}

/*
 * One /16 block per container kind, at the edges of the compiler's choice:
 * the smallest container wins, a tie goes to the faster kind.
 */
static void build_reference(struct ref *r)
{
	uint32_t i;

	for (i = 0; i < RS_GUIDED_MIN - 1; i++)		/* array, n = 63: no guide yet */
		ref_add(r, A(198, 17, 0, 0) + i * 1000);
	ref_add(r, A(198, 18, 0, 1));			/* array, n = 1 */
	for (i = 0; i < 380; i++)			/* guided 17 + 95 words < split 65 + 48 */
		ref_add(r, A(198, 19, 0, 0) + i * 172);
	for (i = 0; i < RS_ARRAY_MAX; i++)		/* split, 16 bytes in every /24 */
		ref_add(r, A(198, 20, 0, 0) + i * 16);
	for (i = 0; i < 381; i++)			/* guided 17 + 96 = split 65 + 48: split */
		ref_add(r, A(198, 21, 0, 0) + i * 172);
	/* guided, n = 64 (16 buckets of 4096): 60 hosts in bucket 0, empty
	 * buckets, then one host at each edge of the last two buckets. */
	for (i = 0; i < 60; i++)
		ref_add(r, A(198, 23, 0, 0) + i * 3);
	ref_add(r, A(198, 23, 0xe0, 0));
	ref_add(r, A(198, 23, 0xef, 0xff));
	ref_add(r, A(198, 23, 0xf0, 0));
	ref_add(r, A(198, 23, 0xff, 0xff));
	/* split mixing bitmaps (256 and 32 hosts) and bytes (31, 2) */
	for (i = 0; i < 256; i++)
		ref_add(r, A(198, 22, 0, i));
	for (i = 0; i < 31; i++)
		ref_add(r, A(198, 22, 1, i));
	for (i = 0; i < 32; i++)
		ref_add(r, A(198, 22, 2, 2 * i));
	ref_add(r, A(198, 22, 255, 0));
	ref_add(r, A(198, 22, 255, 255));
	for (i = 0; i < 65536; i += 2)			/* bitmap: 1024 words < split 1089 */
		ref_add(r, A(203, 0, 0, 0) + i);
	for (i = 0; i < 65536; i++)			/* full */
		ref_add(r, A(10, 1, 0, 0) + i);
	ref_add(r, A(0, 0, 0, 0));			/* address 0 */
	ref_add(r, A(255, 255, 255, 255));		/* last address */
	ref_sort(r);
}

static struct world built;
static struct ref reference;

static void test_build_chooses_containers(void)
{
	struct ipset set;
	size_t i;
	const struct rs_dir_entry *dir;

	build_reference(&reference);
	CHECK(ipset_init(&set) == 0);
	for (i = 0; i < reference.n; i++)
		ipset_add(&set, reference.a[i]);
	world_init(&built, 7);
	CHECK(world_add_service(&built, svc_of("tcp/80"), RS_STATE_OPEN, &set) == 0);
	CHECK(built.nservices == 1 && built.nsets == 1);
	CHECK(built.services[0].hosts[RS_STATE_OPEN] == reference.n, "hosts %llu vs %zu",
	      (unsigned long long)built.services[0].hosts[RS_STATE_OPEN], reference.n);
	dir = built.dir;
	CHECK(dir[A(198, 17, 0, 0) >> 16].kind == RS_C_ARRAY && dir[A(198, 17, 0, 0) >> 16].n == 63);
	CHECK(dir[A(198, 18, 0, 0) >> 16].kind == RS_C_ARRAY && dir[A(198, 18, 0, 0) >> 16].n == 1);
	CHECK(dir[A(198, 19, 0, 0) >> 16].kind == RS_C_GUIDED && dir[A(198, 19, 0, 0) >> 16].n == 380);
	CHECK(world_container_words(&dir[A(198, 19, 0, 0) >> 16]) == 17 + 95);
	CHECK(dir[A(198, 20, 0, 0) >> 16].kind == RS_C_SPLIT &&
	      dir[A(198, 20, 0, 0) >> 16].n == RS_ARRAY_MAX);
	CHECK(dir[A(198, 21, 0, 0) >> 16].kind == RS_C_SPLIT && dir[A(198, 21, 0, 0) >> 16].n == 381);
	CHECK(dir[A(198, 23, 0, 0) >> 16].kind == RS_C_GUIDED && dir[A(198, 23, 0, 0) >> 16].n == 64);
	CHECK(world_container_words(&dir[A(198, 23, 0, 0) >> 16]) == 5 + 16);
	CHECK(dir[A(198, 22, 0, 0) >> 16].kind == RS_C_SPLIT &&
	      dir[A(198, 22, 0, 0) >> 16].n == 32 + 31 + 32 + 2);
	CHECK(world_container_words(&dir[A(198, 22, 0, 0) >> 16]) == RS_SPLIT_GUIDE_WORDS + 13);
	CHECK(dir[A(203, 0, 0, 0) >> 16].kind == RS_C_BITMAP);
	CHECK(dir[A(10, 1, 0, 0) >> 16].kind == RS_C_FULL);
	CHECK(dir[A(8, 8, 0, 0) >> 16].kind == RS_C_EMPTY);
	/* The build set is left as it was; clearing it empties it for the next service. */
	CHECK(ipset_has(&set, A(198, 18, 0, 1)) && set.touched[A(10, 1, 0, 0) >> 16]);
	ipset_clear(&set);
	CHECK(!ipset_has(&set, A(198, 18, 0, 1)) && !set.touched[A(10, 1, 0, 0) >> 16]);
	for (i = 0; i < RS_BLOCKS; i++)
		if (ipset_block_census(ipset_block(&set, (uint32_t)i), NULL))
			break;
	CHECK(i == RS_BLOCKS, "block %zu still holds addresses after ipset_clear", i);
	/* Adding the same service twice is refused. */
	ipset_add(&set, A(1, 2, 3, 4));
	CHECK(world_add_service(&built, svc_of("tcp/80"), RS_STATE_OPEN, &set) == -EEXIST);
	ipset_free(&set);
}

/* Membership of every address in the interesting blocks, and neighbours. */
static void check_membership(const struct world *w, const char *what)
{
	static const uint32_t blocks[] = { 198 << 8 | 17, 198 << 8 | 18, 198 << 8 | 19,
					   198 << 8 | 20, 198 << 8 | 21, 198 << 8 | 22,
					   198 << 8 | 23, 203 << 8 | 0,
					   10 << 8 | 1, 0, 0xffff, 8 << 8 | 8 };
	size_t bad = 0, k;
	uint32_t i;

	for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++)
		for (i = 0; i < 65536; i++) {
			uint32_t a = blocks[k] << 16 | i;

			if (world_set_has(w, 0, a) != ref_has(&reference, a))
				bad++;
		}
	CHECK(bad == 0, "%s: %zu addresses disagree with the reference", what, bad);
}

static void test_membership_in_memory(void)
{
	check_membership(&built, "in memory");
}

static char world_path[128];

static void test_write_open_roundtrip(void)
{
	struct world w;

	snprintf(world_path, sizeof(world_path), "%s/t.world", tmpdir);
	world_note(&built, "unit test");
	CHECK(world_write(&built, world_path) == 0, "%s", rs_last_error());
	CHECK(world_open(&w, world_path) == 0, "%s", rs_last_error());
	CHECK(w.seed == 7 && w.nservices == 1 && w.services[0].hosts[RS_STATE_OPEN] == reference.n);
	CHECK(w.provenance && strstr(w.provenance, "unit test"));
	CHECK(world_kernel_bytes(&w) == world_kernel_bytes(&built));
	check_membership(&w, "reopened");
	world_free(&w);
}

struct collect {
	struct ref got;
};

static int collect_addr(uint32_t a, void *ctx)
{
	ref_add(&((struct collect *)ctx)->got, a);
	return 0;
}

static void test_foreach_is_exact_and_ascending(void)
{
	struct collect c = { 0 };
	size_t i, expect = 0;
	uint32_t first = A(198, 18, 0, 0), last = A(203, 0, 255, 255);

	CHECK(world_set_foreach(&built, 0, first, last, collect_addr, &c) == 0);
	for (i = 0; i < reference.n; i++)
		expect += reference.a[i] >= first && reference.a[i] <= last;
	CHECK(c.got.n == expect, "got %zu want %zu", c.got.n, expect);
	for (i = 1; i < c.got.n; i++)
		CHECK(c.got.a[i - 1] < c.got.a[i], "not ascending at %zu", i);
	for (i = 0; i < c.got.n; i++)
		CHECK(ref_has(&reference, c.got.a[i]));
	free(c.got.a);

	/* The whole space, including address 0 and 255.255.255.255. */
	memset(&c, 0, sizeof(c));
	CHECK(world_set_foreach(&built, 0, 0, UINT32_MAX, collect_addr, &c) == 0);
	CHECK(c.got.n == reference.n && c.got.a[0] == 0 && c.got.a[c.got.n - 1] == UINT32_MAX);
	free(c.got.a);
}

static void corrupt_copy(const char *dst, long off, int truncate_to)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp %s %s", world_path, dst);
	CHECK(system(cmd) == 0);
	if (truncate_to == -2)
		return;				/* a plain copy */
	if (truncate_to >= 0) {
		CHECK(truncate(dst, truncate_to) == 0);
	} else {
		int fd = open(dst, O_RDWR);
		unsigned char b;

		CHECK(pread(fd, &b, 1, off) == 1);
		b ^= 0x40;
		CHECK(pwrite(fd, &b, 1, off) == 1);
		close(fd);
	}
}

static void test_corruption_is_refused(void)
{
	struct world w;
	char p[160];

	snprintf(p, sizeof(p), "%s/c.world", tmpdir);
	corrupt_copy(p, 300, -1);
	CHECK(world_open(&w, p) == -EINVAL);
	CHECK(strstr(rs_last_error(), "checksum") && strstr(rs_last_error(), p), "%s",
	      rs_last_error());
	corrupt_copy(p, 0, -1);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "magic"));
	corrupt_copy(p, 0, 4000);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "truncated"));
	corrupt_copy(p, 0, 10);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "too short"));
	snprintf(p, sizeof(p), "%s/missing.world", tmpdir);
	CHECK(world_open(&w, p) == -ENOENT && strstr(rs_last_error(), "missing.world"));
}

/*
 * The world file as an older rescan wrote it: a version 1 to 3 header and
 * service records of the open set only (written here from the layout those
 * versions documented, not by world.c).
 */
static void write_old_version(const char *dst, uint32_t version)
{
	struct v3_service {
		uint32_t slot, port, set, reserved;
		uint64_t hosts;
	};
	struct rs_world_file_header h;
	const struct rs_world_file_service *fs;
	struct v3_service old;
	unsigned char *buf, *out;
	size_t len, rest, i, at;
	FILE *f = fopen(world_path, "rb");

	CHECK(f != NULL);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len);
	out = malloc(len);
	CHECK(fread(buf, 1, len, f) == len);
	fclose(f);
	memcpy(&h, buf, sizeof(h));
	fs = (const void *)(buf + sizeof(h));
	at = sizeof(h);
	for (i = 0; i < h.nservices; i++) {
		old = (struct v3_service){ fs[i].slot, fs[i].port, fs[i].set[RS_STATE_OPEN], 0,
					   fs[i].hosts[RS_STATE_OPEN] };
		memcpy(out + at, &old, sizeof(old));
		at += sizeof(old);
	}
	rest = len - sizeof(h) - h.nservices * sizeof(*fs);
	memcpy(out + at, buf + len - rest, rest);
	at += rest;
	h.version = version;
	h.file_size = at;
	h.payload_crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), out + sizeof(h), (uInt)(at - sizeof(h)));
	memcpy(out, &h, sizeof(h));
	f = fopen(dst, "wb");
	CHECK(f && fwrite(out, 1, at, f) == at);
	fclose(f);
	free(buf);
	free(out);
}

/* Version 1 to 3 files (fewer container kinds, open sets only) still open; later ones do not. */
static void test_format_versions(void)
{
	struct world w;
	char p[160], want[64];
	uint32_t v;
	int fd;

	snprintf(p, sizeof(p), "%s/v.world", tmpdir);
	for (v = 1; v < RS_WORLD_VERSION; v++) {
		write_old_version(p, v);
		CHECK(world_open(&w, p) == 0, "version %u: %s", v, rs_last_error());
		CHECK(w.nservices == 1 && w.services[0].hosts[RS_STATE_OPEN] == reference.n &&
		      w.services[0].set[RS_STATE_CLOSED] == RS_NO_SET);
		CHECK(world_set_has(&w, w.services[0].set[RS_STATE_OPEN], reference.a[0]));
		world_free(&w);
	}
	corrupt_copy(p, 0, -2);
	fd = open(p, O_RDWR);
	v = RS_WORLD_VERSION + 1;
	CHECK(pwrite(fd, &v, 4, offsetof(struct rs_world_file_header, version)) == 4);
	close(fd);
	snprintf(want, sizeof(want), "version %u is not supported", RS_WORLD_VERSION + 1);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), want), "%s", rs_last_error());
}

/*
 * A split container whose guide is inconsistent is refused on open, even
 * with a good checksum (the kernel would abort on it, never misanswer).
 */
static void test_bad_split_guide_is_refused(void)
{
	const struct rs_dir_entry *de = &built.dir[A(198, 22, 0, 0) >> 16];
	uint64_t *guide = built.pool + de->off, saved = guide[0];
	struct world w;
	char p[160];

	snprintf(p, sizeof(p), "%s/g.world", tmpdir);
	guide[0] ^= (uint64_t)40 << 16;		/* g[1] 32 -> 8: /24 number 1 spans 55 bytes */
	CHECK(world_write(&built, p) == 0, "%s", rs_last_error());
	guide[0] = saved;
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "bad guide"), "%s",
	      rs_last_error());
}

/* So is a guided array whose guide goes down or does not end at n. */
static void test_bad_guided_guide_is_refused(void)
{
	const struct rs_dir_entry *de = &built.dir[A(198, 23, 0, 0) >> 16];
	uint64_t *guide = built.pool + de->off, saved[2] = { guide[0], guide[4] };
	struct world w;
	char p[160];
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(p, sizeof(p), "%s/gg%d.world", tmpdir, k);
		/* g = 0, 60 (x14), 62, 64: g[2] 60 -> 70 goes down at g[3]; g[16] 64 -> 65 */
		if (k == 0)
			guide[0] = (guide[0] & ~(0xffffull << 32)) | 70ull << 32;
		else
			guide[4] ^= 1;
		CHECK(world_write(&built, p) == 0, "%s", rs_last_error());
		guide[0] = saved[0];
		guide[4] = saved[1];
		CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "bad guide"), "%d: %s",
		      k, rs_last_error());
	}
}

/*
 * Containers that share or overlap pool words, or come out of directory
 * order, are refused: the loader lays them out anew in that order.
 */
static void test_overlapping_containers_are_refused(void)
{
	struct rs_dir_entry *de = &built.dir[A(198, 18, 0, 0) >> 16];
	uint32_t saved = de->off;
	struct world w;
	char p[160];

	snprintf(p, sizeof(p), "%s/o.world", tmpdir);
	de->off = built.dir[A(198, 17, 0, 0) >> 16].off;	/* an array of 1 inside an array of 63 */
	CHECK(world_write(&built, p) == 0, "%s", rs_last_error());
	de->off = saved;
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "overlap"), "%s",
	      rs_last_error());
}

/*
 * The len bytes at `at` of built set to val while it is written, then put
 * back: opening that file is refused, and the message says why.
 */
static void check_refused(const char *name, void *at, const void *val, size_t len,
			  const char *why)
{
	unsigned char saved[16];
	struct world w;
	char p[160];

	snprintf(p, sizeof(p), "%s/%s.world", tmpdir, name);
	memcpy(saved, at, len);
	memcpy(at, val, len);
	CHECK(world_write(&built, p) == 0, "%s", rs_last_error());
	memcpy(at, saved, len);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), why) && strstr(rs_last_error(), p),
	      "%s: %s", name, rs_last_error());
}

/* Word k of block b's container in built's pool. */
static uint64_t *container_word(unsigned a, unsigned b, uint32_t k)
{
	return &built.pool[built.dir[A(a, b, 0, 0) >> 16].off + k];
}

/* The u16 lanes i and j of a word swapped. */
static uint64_t swap16(uint64_t v, unsigned i, unsigned j)
{
	uint64_t a = v >> (16 * i) & 0xffff, b = v >> (16 * j) & 0xffff;

	v &= ~(0xffffull << (16 * i) | 0xffffull << (16 * j));
	return v | a << (16 * j) | b << (16 * i);
}

/*
 * Entries out of order are refused: the XDP program's and world.c's
 * searches assume them sorted, and would miss hosts the file holds.
 */
static void test_entries_out_of_order_are_refused(void)
{
	uint64_t *w, v;

	/* The array of 198.17: its first two entries swapped. */
	w = container_word(198, 17, 0);
	v = swap16(*w, 0, 1);
	check_refused("array", w, &v, 8, "out of order");
	/* The split of 198.22: /24 1's bytes 0, 1 (pool bytes 32, 33 of its data) swapped. */
	w = container_word(198, 22, RS_SPLIT_GUIDE_WORDS + 4);
	v = (*w & ~0xffffull) | (*w & 0xff) << 8 | (*w >> 8 & 0xff);
	check_refused("split", w, &v, 8, "out of order");
	/*
	 * The guided array of 198.23 (g = 0, 60 x 14, 62, 64): g[15] 62 -> 61
	 * keeps the guide rising, but puts .239.255 in the bucket of .240/20.
	 */
	w = container_word(198, 23, 3);
	v = (*w & ~(0xffffull << 48)) | 61ull << 48;
	check_refused("guided", w, &v, 8, "out of order");
}

/*
 * A service's host counts are its sets': a file that says otherwise is
 * refused, as is one whose service names one set for two states.
 */
static void test_service_counts_and_sets_are_checked(void)
{
	struct world_service *ws = &built.services[0];
	uint64_t n = ws->hosts[RS_STATE_OPEN] + 1, five = 5;
	uint32_t set = ws->set[RS_STATE_OPEN];

	check_refused("count", &ws->hosts[RS_STATE_OPEN], &n, 8, "host count");
	check_refused("noset", &ws->hosts[RS_STATE_CLOSED], &five, 8, "no set for");
	n = ws->hosts[RS_STATE_OPEN];
	ws->hosts[RS_STATE_CLOSED] = n;
	check_refused("twice", &ws->set[RS_STATE_CLOSED], &set, 4, "two states");
	ws->hosts[RS_STATE_CLOSED] = 0;
}

/* A FIFO or a directory is refused at once, not waited on or mapped. */
static void test_not_a_regular_file_is_refused(void)
{
	struct world w;
	char p[160];

	snprintf(p, sizeof(p), "%s/fifo.world", tmpdir);
	CHECK(mkfifo(p, 0600) == 0);
	CHECK(world_open(&w, p) == -EINVAL && strstr(rs_last_error(), "not a regular file"), "%s",
	      rs_last_error());
	CHECK(world_open(&w, tmpdir) == -EINVAL && strstr(rs_last_error(), "not a regular file"),
	      "%s", rs_last_error());
}

static void test_write_failure_leaves_nothing(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/no-such-dir/x.world", tmpdir);
	CHECK(world_write(&built, p) < 0);
	CHECK(strstr(rs_last_error(), "no-such-dir"));
}

static void test_empty_world(void)
{
	struct world w, r;
	char p[160];

	snprintf(p, sizeof(p), "%s/empty.world", tmpdir);
	world_init(&w, 1);
	CHECK(world_write(&w, p) == 0);
	CHECK(world_open(&r, p) == 0, "%s", rs_last_error());
	CHECK(r.nservices == 0 && r.pool_words == 0);
	world_free(&r);
	world_free(&w);
}

static void test_service_specs(void)
{
	struct rs_svc s;
	char buf[32];

	CHECK(svc_parse("tcp/443", &s) == 0 && s.slot == RS_SLOT_TCP && s.port == 443);
	CHECK(svc_parse("icmp", &s) == 0 && s.slot == RS_SLOT_ICMP && s.port == RS_ICMP_ECHO);
	svc_format(s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "icmp"));
	CHECK(svc_parse("tcp/0", &s) == -EINVAL);
	CHECK(svc_parse("tcp/65536", &s) == -EINVAL);
	CHECK(svc_parse("tcp/80x", &s) == -EINVAL);
	CHECK(svc_parse("udp/53", &s) == 0 && s.slot == RS_SLOT_UDP && s.port == 53);
	CHECK(svc_parse("tcp/*", &s) == 0 && s.slot == RS_SLOT_TCP && s.port == RS_PORT_OTHER);
	svc_format(s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "tcp/*"), "%s", buf);
	CHECK(svc_parse("icmp/timestamp", &s) == 0 && s.port == RS_ICMP_TIMESTAMP);
	svc_format(s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "icmp/timestamp"), "%s", buf);
	CHECK(svc_parse("udp/x", &s) == -EINVAL && strstr(rs_last_error(), "1-65535"));
	CHECK(svc_parse("http", &s) == -EINVAL && strstr(rs_last_error(), "unknown service"));
}

static void test_cidr_parsing(void)
{
	uint32_t f, l;

	CHECK(parse_cidr("198.18.0.0/15", &f, &l) == 0 && f == A(198, 18, 0, 0) &&
	      l == A(198, 19, 255, 255));
	CHECK(parse_cidr("1.2.3.4", &f, &l) == 0 && f == l && f == A(1, 2, 3, 4));
	CHECK(parse_cidr("1.2.3.4/24", &f, &l) == 0 && f == A(1, 2, 3, 0));
	CHECK(parse_cidr("0.0.0.0/0", &f, &l) == 0 && f == 0 && l == UINT32_MAX);
	CHECK(parse_cidr("1.2.3.256", &f, &l) < 0);
	CHECK(parse_cidr("1.2.3", &f, &l) < 0);
	CHECK(parse_cidr("1.2.3.4/33", &f, &l) < 0);
	CHECK(parse_cidr("1.2.3.4/", &f, &l) < 0);
	CHECK(parse_cidr("01234.2.3.4", &f, &l) < 0);
}

static void test_reserved_ranges(void)
{
	CHECK(addr_is_reserved(A(10, 0, 0, 1)) && addr_is_reserved(A(198, 19, 255, 255)));
	CHECK(addr_is_reserved(A(100, 127, 0, 0)) && !addr_is_reserved(A(100, 128, 0, 0)));
	CHECK(addr_is_reserved(A(255, 255, 255, 255)) && addr_is_reserved(A(224, 0, 0, 1)));
	CHECK(!addr_is_reserved(A(1, 1, 1, 1)) && !addr_is_reserved(A(8, 8, 8, 8)));
	/* 2^32 - (3 * 2^24 + 2^22 + 2^16 * 2 + 2^20 + 5 * 2^8 + 2^17 + 2 * 2^28) */
	CHECK(scannable_addresses() == 3702258432ull);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_build_chooses_containers);
	RUN_TEST(test_membership_in_memory);
	RUN_TEST(test_write_open_roundtrip);
	RUN_TEST(test_foreach_is_exact_and_ascending);
	RUN_TEST(test_corruption_is_refused);
	RUN_TEST(test_overlapping_containers_are_refused);
	RUN_TEST(test_format_versions);
	RUN_TEST(test_bad_split_guide_is_refused);
	RUN_TEST(test_bad_guided_guide_is_refused);
	RUN_TEST(test_entries_out_of_order_are_refused);
	RUN_TEST(test_service_counts_and_sets_are_checked);
	RUN_TEST(test_not_a_regular_file_is_refused);
	RUN_TEST(test_write_failure_leaves_nothing);
	RUN_TEST(test_empty_world);
	RUN_TEST(test_service_specs);
	RUN_TEST(test_cidr_parsing);
	RUN_TEST(test_reserved_ranges);
	world_free(&built);
	free(reference.a);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			return 1;
	}
	return CHECK_DONE();
}
