// SPDX-License-Identifier: GPL-2.0-only
/*
 * lab_load.c - give a running lab another world (rescan lab load).
 *
 * A new responder is loaded with the new world in maps of its own and the
 * lab's other maps shared: counters, per-student counters, seats and the
 * do-not-scan trie go on as they were. It replaces the old one on every
 * interface of the internet side with one XDP_FLAGS_REPLACE attach each,
 * which the kernel makes atomic: each probe meets the old program or the
 * new one, each with a whole world. Nothing of the running lab changes
 * before the new responder is loaded, so a world that fails to load
 * leaves the old one answering.
 *
 * The order after that is the one a rescan killed half way leaves
 * recoverable: pins under a temporary name, renamed over the old ones;
 * the interfaces; the state file's world lines last, in one rename. A
 * second lab load, or lab down, finishes or removes what the first left.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lab.h"
#include "netns.h"
#include "preflight.h"
#include "responder.skel.h"
#include "util.h"

/* The maps a new world keeps: everything that counts or decides who may scan. */
static const char *const shared_maps[] = {
	RS_MAP_COUNTERS, RS_MAP_SOURCE_COUNTERS, RS_MAP_SEATS, RS_MAP_DO_NOT_SCAN,
	RS_MAP_DO_NOT_SCAN_HITS,
};
#define NSHARED (sizeof(shared_maps) / sizeof(shared_maps[0]))

/* bpffs names have no dot: the temporary pin of NAME is next_NAME. */
#define PIN_NEXT "next_"

static void close_shared(struct loader_shared_map *m)
{
	size_t i;

	for (i = 0; i < NSHARED; i++)
		if (m[i].fd >= 0)
			close(m[i].fd);
}

static int open_shared(const struct lab *l, struct loader_shared_map *m)
{
	char path[192];
	size_t i;

	for (i = 0; i < NSHARED; i++)
		m[i] = (struct loader_shared_map){ shared_maps[i], -1 };
	for (i = 0; i < NSHARED; i++) {
		lab_pin_path(l, shared_maps[i], path, sizeof(path));
		m[i].fd = bpf_obj_get(path);
		if (m[i].fd < 0) {
			int err = -errno;

			rs_error("cannot open the lab's %s at %s: %s", shared_maps[i], path,
				 strerror(errno));
			close_shared(m);
			return err;
		}
	}
	return 0;
}

/* The pins the new world replaces: its maps, its service counters, the responder. */
struct world_pin {
	const char *name;
	struct bpf_map *map;	/* NULL: the responder program */
};

/* Pin each of the new responder's own objects as next_NAME, then rename it over NAME. */
static int pin_world(const struct lab *l, struct responder_bpf *resp)
{
	const struct world_pin pins[] = {
		{ RS_MAP_WORLD_SERVICES, resp->maps.world_services },
		{ "world_dir", resp->maps.world_dir },
		{ "world_pool", resp->maps.world_pool },
		{ RS_MAP_SERVICE_COUNTERS, resp->maps.service_counters },
		{ RS_PIN_RESPONDER, NULL },
	};
	char path[192], next[200];
	size_t i;
	int err;

	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		snprintf(next, sizeof(next), "%s/" PIN_NEXT "%s", l->pin_dir, pins[i].name);
		unlink(next);	/* left by a lab load that died */
		err = pins[i].map ? bpf_map__pin(pins[i].map, next)
				  : bpf_program__pin(resp->progs.rescan_responder, next);
		if (err) {
			rs_error("cannot pin %s: %s", next, strerror(-err));
			return err;
		}
	}
	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		lab_pin_path(l, pins[i].name, path, sizeof(path));
		snprintf(next, sizeof(next), "%s/" PIN_NEXT "%s", l->pin_dir, pins[i].name);
		if (rename(next, path)) {
			err = -errno;
			rs_error("cannot rename %s to %s: %s", next, path, strerror(errno));
			return err;
		}
	}
	return 0;
}

/* Is prog id a responder of ours? Only the responder is attached on the internet side. */
static int is_responder(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return !strncmp(info.name, "rescan_responde", sizeof(info.name) - 1);
}

/*
 * Put prog_fd in place of the responder on every interface of the
 * internet side that has one (inet0, each student's st<k>, a joined
 * student's). The number of interfaces replaced, or -errno.
 */
static int replace_everywhere(const struct lab *l, int prog_fd)
{
	struct if_nameindex *ifs, *i;
	int self, err, n = 0;

	err = netns_visit(l->ns_inet, &self);
	if (err)
		return err;
	ifs = if_nameindex();
	if (!ifs) {
		err = -errno;
		rs_error("cannot list the interfaces of %s: %s", l->ns_inet, strerror(errno));
		return netns_leave(self, err);
	}
	for (i = ifs; i->if_index && !err; i++) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
		__u32 id = 0;
		int old;

		if (bpf_xdp_query_id((int)i->if_index, XDP_FLAGS_DRV_MODE, &id) || !id)
			continue;
		old = bpf_prog_get_fd_by_id(id);
		if (old < 0) {
			/* Detached meanwhile: its interface is going away. */
			continue;
		}
		if (is_responder(old)) {
			opts.old_prog_fd = old;
			err = bpf_xdp_attach((int)i->if_index, prog_fd,
					     XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &opts);
			if (err) {
				char what[96];

				snprintf(what, sizeof(what), "cannot replace the responder on %s",
					 i->if_name);
				loader_explain(what, err);
			} else {
				n++;
			}
		}
		close(old);
	}
	if_freenameindex(ifs);
	err = netns_leave(self, err);
	return err ? err : n;
}

static bool state_has(const struct lab *l, const char *key)
{
	char v[8];

	return !lab_state_get(l, key, v, sizeof(v)) && v[0];
}

static int load_locked(const struct lab *l, const struct world *w, const char *world_desc)
{
	struct loader_shared_map shared[NSHARED];
	struct responder_bpf *resp = NULL;
	struct responder_cfg cfg;
	int err, n;

	err = open_shared(l, shared);
	if (err)
		return err;
	lab_responder_cfg(l, w, &cfg);
	cfg.do_not_scan = state_has(l, "do_not_scan");
	cfg.shared = shared;
	cfg.nshared = NSHARED;
	err = loader_load_responder(w, &cfg, &resp);
	close_shared(shared);
	if (err)
		return err;
	err = pin_world(l, resp);
	if (!err) {
		n = replace_everywhere(l, bpf_program__fd(resp->progs.rescan_responder));
		if (n == 0) {
			rs_error("no responder to replace on the internet side of lab '%s'", l->name);
			n = -ENOENT;
		}
		err = n < 0 ? n : 0;
	}
	if (!err)
		err = lab_state_set_world(l, w, world_desc);
	/* The attached program and the pins keep the new world. */
	loader_free_responder(resp);
	return err;
}

int lab_load(const struct lab *l, const struct world *w, const char *world_desc)
{
	int err = preflight_memory(w);

	if (err)
		return err;
	return load_locked(l, w, world_desc);
}
