// SPDX-License-Identifier: GPL-2.0-only
#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "responder.skel.h"
#include "service.h"
#include "util.h"

void loader_explain(const char *what, int err)
{
	const char *hint = "";

	if (err == -EPERM || err == -EACCES)
		hint = " (needs root with CAP_BPF/CAP_SYS_ADMIN and CAP_NET_ADMIN; in a container: "
		       "--cap-add NET_ADMIN --cap-add SYS_ADMIN)";
	else if (err == -ENOMEM || err == -E2BIG)
		hint = " (the world does not fit the kernel's map limits or memory)";
	else if (err == -ENOSYS || err == -EINVAL)
		hint = " (does this kernel support BPF and XDP?)";
	rs_error("%s: %s%s", what, strerror(-err), hint);
}

/* The whole of an mmap-able array map, writable; its length in *len. */
static void *map_memory(struct bpf_map *map, size_t *len)
{
	void *p;

	*len = (size_t)bpf_map__max_entries(map) * bpf_map__value_size(map);
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (p == MAP_FAILED) {
		int err = errno;

		loader_explain("cannot map the world into the kernel", -err);
		errno = err;
		return NULL;
	}
	return p;
}

/* The maps are filled through mmap: an array map lays its values 8-byte aligned. */
_Static_assert(sizeof(struct rs_service) % 8 == 0 && sizeof(struct rs_dir_entry) % 8 == 0,
	       "world map values must be a multiple of 8 bytes");
_Static_assert(RS_NR_UDP_REPLIES <= 256 && RS_SVC_BUCKETS <= 256,
	       "a service's reply and bucket fit its entry's bytes");

static int fill_map(struct bpf_map *map, const void *src, size_t len, const char *name)
{
	size_t map_len = (size_t)bpf_map__max_entries(map) * bpf_map__value_size(map);
	void *dst;

	if (len > map_len) {
		rs_error("internal error: %s needs %zu bytes, map holds %zu", name, len, map_len);
		return -EINVAL;
	}
	if (!len)
		return 0;
	dst = map_memory(map, &map_len);
	if (!dst)
		return -errno;
	memcpy(dst, src, len);
	munmap(dst, map_len);
	return 0;
}

/*
 * The kernel's layout of w's pool (rescan_abi.h): dir becomes w's directory
 * with each container's offset in the chunked pool, where no container
 * straddles two chunks; *words is that pool's size. The containers keep
 * their order, so a container moves only forward, by the padding before it.
 */
static int kernel_layout(const struct world *w, struct rs_dir_entry *dir, uint64_t *words)
{
	uint64_t i, n = (uint64_t)w->nsets * RS_BLOCKS, at = 0, end = 0;

	for (i = 0; i < n; i++) {
		uint64_t len = world_container_words(&w->dir[i]);

		dir[i] = w->dir[i];
		if (!len)
			continue;
		if (w->dir[i].off < end || w->dir[i].off + len > w->pool_words) {
			rs_error("internal error: the world's containers overlap or leave its pool");
			return -EINVAL;
		}
		end = w->dir[i].off + len;
		if (at % RS_POOL_CHUNK_WORDS + len > RS_POOL_CHUNK_WORDS)
			at += RS_POOL_CHUNK_WORDS - at % RS_POOL_CHUNK_WORDS;
		dir[i].off = (uint32_t)at;
		at += len;
		if (at > UINT32_MAX) {
			rs_error("world too large: its kernel pool exceeds 2^32 words");
			return -E2BIG;
		}
	}
	*words = at;
	return 0;
}

/* Copy w's containers into the pool map at the offsets of dir. */
static int fill_pool(struct bpf_map *map, const struct world *w, const struct rs_dir_entry *dir)
{
	uint64_t i, n = (uint64_t)w->nsets * RS_BLOCKS;
	uint64_t *dst;
	size_t len;

	dst = map_memory(map, &len);
	if (!dst)
		return -errno;
	for (i = 0; i < n; i++) {
		uint64_t words = world_container_words(&dir[i]);

		if (words)
			memcpy(dst + dir[i].off, w->pool + w->dir[i].off, words * 8);
	}
	munmap(dst, len);
	return 0;
}

static bool is_policy(struct rs_svc s)
{
	return s.slot != RS_SLOT_ICMP && s.port == RS_PORT_OTHER;
}

void loader_service_buckets(const struct world *w, uint8_t *bucket)
{
	uint32_t i, next = RS_SVC_FIRST;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < w->nservices; i++)
			if (is_policy(w->services[i].svc) == (pass == 0))
				bucket[i] = (uint8_t)(next < RS_SVC_OTHER ? next++ : RS_SVC_OTHER);
}

/*
 * The world's services as the responder's "world_services" holds them:
 * their sets, their reply, and where their probes count (rescan_abi.h,
 * RS_SVC_BUCKETS). An unlisted TCP or UDP port counts in its slot's
 * policy's bucket (RS_SVC_NONE without one), its sets stay empty.
 */
static int service_entries(const struct world *w, struct rs_service *svcs)
{
	uint8_t *bucket = calloc(w->nservices ? w->nservices : 1, 1);
	uint32_t i, slot, port;

	if (!bucket) {
		rs_error("out of memory");
		return -ENOMEM;
	}
	loader_service_buckets(w, bucket);

	for (i = 0; i < w->nservices; i++) {
		const struct world_service *s = &w->services[i];
		struct rs_service *e = &svcs[s->svc.slot << 16 | s->svc.port];
		enum rs_state st;

		for (st = 0; st < RS_NR_STATES; st++)
			e->set[st] = s->set[st] == RS_NO_SET ? 0 : (uint16_t)(s->set[st] + 1);
		if (s->svc.slot == RS_SLOT_UDP)
			e->reply = (uint8_t)svc_udp_reply(s->svc.port);
		e->bucket = bucket[i];
	}
	free(bucket);
	for (slot = RS_SLOT_TCP; slot <= RS_SLOT_UDP; slot++) {
		const struct rs_service *pol = &svcs[slot << 16 | RS_PORT_OTHER];

		for (port = 1; port < 65536; port++) {
			struct rs_service *e = &svcs[slot << 16 | port];

			if (!e->set[RS_STATE_OPEN] && !e->set[RS_STATE_CLOSED] &&
			    !e->set[RS_STATE_FILTERED])
				e->bucket = pol->bucket;
		}
	}
	return 0;
}

/* Point the maps cfg shares at the running lab's, before the object is loaded. */
static int share_maps(struct responder_bpf *skel, const struct responder_cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nshared; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, cfg->shared[i].name);
		int err = map ? bpf_map__reuse_fd(map, cfg->shared[i].fd) : -ENOENT;

		if (err) {
			char what[96];

			snprintf(what, sizeof(what), "cannot share the lab's map %s",
				 cfg->shared[i].name);
			loader_explain(what, err);
			return err;
		}
	}
	return 0;
}

int loader_load_responder(const struct world *w, const struct responder_cfg *cfg,
			  struct responder_bpf **out)
{
	size_t ndir = (size_t)w->nsets * RS_BLOCKS;
	struct rs_dir_entry *dir = NULL;
	struct rs_service *svcs = NULL;
	struct responder_bpf *skel;
	uint64_t pool_words = 0;
	int err;

	if (ndir && !(dir = malloc(ndir * sizeof(*dir)))) {
		rs_error("out of memory for the world's directory (%zu MiB)",
			 (ndir * sizeof(*dir) + (1 << 20) - 1) >> 20);
		return -ENOMEM;
	}
	if (ndir && (err = kernel_layout(w, dir, &pool_words))) {
		free(dir);
		return err;
	}
	skel = responder_bpf__open();
	if (!skel) {
		err = -errno;
		loader_explain("cannot open the responder BPF object", err);
		free(dir);
		return err;
	}
	err = share_maps(skel, cfg);
	if (err)
		goto fail;
	skel->rodata->lab_net = cfg->lab_net;
	skel->rodata->lab_mask = cfg->lab_mask;
	skel->rodata->isn_key = cfg->isn_key;
	skel->rodata->do_not_scan_on = cfg->do_not_scan;
	skel->rodata->pool_words = (uint32_t)pool_words;
	/* Array maps need at least one entry; an empty world gets a dummy. */
	err = bpf_map__set_max_entries(skel->maps.world_dir,
				       (w->nsets ? w->nsets : 1) * RS_BLOCKS);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.world_pool,
					       pool_words ? (uint32_t)((pool_words + RS_POOL_CHUNK_WORDS - 1) /
								       RS_POOL_CHUNK_WORDS)
							  : 1);
	if (err) {
		loader_explain("cannot size the world maps", err);
		goto fail;
	}
	err = responder_bpf__load(skel);
	if (err) {
		loader_explain("cannot load the responder into the kernel", err);
		goto fail;
	}

	svcs = calloc(RS_SERVICES_MAX, sizeof(*svcs));
	if (!svcs) {
		err = -ENOMEM;
		rs_error("out of memory");
		goto fail;
	}
	err = service_entries(w, svcs);
	if (!err)
		err = fill_map(skel->maps.world_services, svcs, RS_SERVICES_MAX * sizeof(*svcs),
			       "world_services");
	if (!err)
		err = fill_map(skel->maps.world_dir, dir, ndir * sizeof(*dir), "world_dir");
	if (!err && pool_words)
		err = fill_pool(skel->maps.world_pool, w, dir);
	free(svcs);
	if (err)
		goto fail;
	free(dir);
	*out = skel;
	return 0;
fail:
	free(dir);
	responder_bpf__destroy(skel);
	return err;
}

void loader_free_responder(struct responder_bpf *skel)
{
	responder_bpf__destroy(skel);
}

int loader_read_percpu(int map_fd, uint64_t *out, uint32_t n)
{
	return loader_read_percpu_at(map_fd, 0, out, n);
}

int loader_read_percpu_at(int map_fd, uint32_t first, uint64_t *out, uint32_t n)
{
	return loader_read_percpu_rows(map_fd, first, out, n, 1);
}

/* Add one key's per-CPU values (width u64s per CPU) into row. */
static void sum_cpus(uint64_t *row, const uint64_t *vals, int ncpu, uint32_t width)
{
	uint32_t j;
	int c;

	memset(row, 0, width * sizeof(*row));
	for (c = 0; c < ncpu; c++)
		for (j = 0; j < width; j++)
			row[j] += vals[(size_t)c * width + j];
}

/* Keys per BPF_MAP_LOOKUP_BATCH: a whole class's counters in a few calls. */
#define READ_BATCH 1024u

int loader_read_percpu_rows(int map_fd, uint32_t first, uint64_t *out, uint32_t n,
			    uint32_t width)
{
	int ncpu = libbpf_num_possible_cpus();
	uint32_t k = 0, keys[READ_BATCH], i;
	uint64_t *vals;
	bool batch = true;

	if (ncpu < 0)
		return ncpu;
	/* A per-CPU value is width u64s per CPU: 8-byte aligned, no padding. */
	vals = calloc((size_t)READ_BATCH * ncpu * width, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	while (k < n) {
		uint32_t key = first + k, count = n - k < READ_BATCH ? n - k : READ_BATCH;
		uint32_t prev = key - 1, next;

		/*
		 * A batch starts after the key it is given (none: at key 0), and
		 * ends the map with ENOENT, counting what it read.
		 */
		if (batch) {
			int err = bpf_map_lookup_batch(map_fd, key ? &prev : NULL, &next, keys, vals,
						       &count, NULL);

			if (!err || (errno == ENOENT && count)) {
				for (i = 0; i < count && k < n; i++, k++)
					sum_cpus(out + (size_t)k * width,
						 vals + (size_t)i * ncpu * width, ncpu, width);
				continue;
			}
			/* A kernel without batches for this map: one key at a time. */
			if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
				err = -errno;
				free(vals);
				return err;
			}
		}
		batch = false;
		if (bpf_map_lookup_elem(map_fd, &key, vals)) {
			int err = -errno;

			free(vals);
			return err;
		}
		sum_cpus(out + (size_t)k * width, vals, ncpu, width);
		k++;
	}
	free(vals);
	return 0;
}
