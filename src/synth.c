// SPDX-License-Identifier: GPL-2.0-only
/*
 * synth.c - generate the default world.
 *
 * Model: every /16 outside reserved space is either dark or in use. An in
 * use /16 gets a share of used /24s and a host density, both drawn
 * log-uniformly, so a few networks are dense and most are sparse. Within a
 * used /24 a "live host" mask is drawn with that density; each service is
 * then offered by a fixed share of live hosts (so ICMP answers on most
 * hosts that run a web server, as on the real internet). Every draw comes
 * from a generator seeded by (seed, /16 block), so the world is the same on
 * every machine and any block can be generated alone.
 */
#include "synth.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"
#include "util.h"

/* Share of in-use /16s, of used /24s within them, and host density. */
#define SYNTH_USED_16 0.70
#define SYNTH_USED_24_MIN 0.03
#define SYNTH_USED_24_MAX 0.9
#define SYNTH_DENSITY_MIN 0.10
#define SYNTH_DENSITY_MAX 0.95

/*
 * Rates are of scannable space. Live hosts are ~8 % of it with the
 * parameters above; each service is a share of those, drawn on its own,
 * so a host may be in several (a web server that answers ping). The
 * figures behind the rates are in README.md ("The built-in world").
 * The policy sets (tcp/ and udp/ with a star) are the live hosts that
 * answer ports the world does not list as closed; a listed state wins
 * over them, so an open port of such a host stays open. Hosts without a
 * firewall answer closed TCP and UDP ports alike: the two share one set
 * (and its memory).
 */
const struct synth_service synth_services[] = {
	{ "icmp", RS_STATE_OPEN, 0.060, NULL },
	{ "tcp/80", RS_STATE_OPEN, 0.014, NULL },
	{ "tcp/443", RS_STATE_OPEN, 0.014, NULL },
	{ "tcp/22", RS_STATE_OPEN, 0.006, NULL },
	{ "tcp/*", RS_STATE_CLOSED, 0.019, NULL },
	{ "tcp/445", RS_STATE_FILTERED, 0.001, NULL },
	{ "udp/53", RS_STATE_OPEN, 0.0008, NULL },
	{ "udp/123", RS_STATE_OPEN, 0.0012, NULL },
	{ "udp/161", RS_STATE_OPEN, 0.0010, NULL },
	{ "udp/1900", RS_STATE_OPEN, 0.0030, NULL },
	{ "udp/*", RS_STATE_CLOSED, 0.019, "tcp/*" },
	{ "icmp/timestamp", RS_STATE_OPEN, 0.009, NULL },
};
const unsigned synth_nservices = sizeof(synth_services) / sizeof(synth_services[0]);

/* IANA special-purpose IPv4 ranges (RFC 6890 and successors). */
static const struct {
	uint32_t net;
	int len;
} reserved[] = {
	{ 0x00000000, 8 },  /* 0.0.0.0/8 "this network" */
	{ 0x0a000000, 8 },  /* 10.0.0.0/8 private */
	{ 0x64400000, 10 }, /* 100.64.0.0/10 shared (CGN) - the lab lives here */
	{ 0x7f000000, 8 },  /* 127.0.0.0/8 loopback */
	{ 0xa9fe0000, 16 }, /* 169.254.0.0/16 link local */
	{ 0xac100000, 12 }, /* 172.16.0.0/12 private */
	{ 0xc0000000, 24 }, /* 192.0.0.0/24 IETF protocol assignments */
	{ 0xc0000200, 24 }, /* 192.0.2.0/24 TEST-NET-1 */
	{ 0xc0586300, 24 }, /* 192.88.99.0/24 6to4 relay anycast */
	{ 0xc0a80000, 16 }, /* 192.168.0.0/16 private */
	{ 0xc6120000, 15 }, /* 198.18.0.0/15 benchmarking */
	{ 0xc6336400, 24 }, /* 198.51.100.0/24 TEST-NET-2 */
	{ 0xcb007100, 24 }, /* 203.0.113.0/24 TEST-NET-3 */
	{ 0xe0000000, 4 },  /* 224.0.0.0/4 multicast */
	{ 0xf0000000, 4 },  /* 240.0.0.0/4 reserved, incl. broadcast */
};

int addr_is_reserved(uint32_t a)
{
	unsigned i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if ((a & (~0u << (32 - reserved[i].len))) == reserved[i].net)
			return 1;
	return 0;
}

uint64_t scannable_addresses(void)
{
	uint64_t n = 1ull << 32;
	unsigned i;

	/* The table's ranges do not overlap. */
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		n -= 1ull << (32 - reserved[i].len);
	return n;
}

/* splitmix64: tiny, fast, and good enough to seed and to draw. */
static uint64_t mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(mix64(s) >> 11) / (double)(1ull << 53);
}

static double log_uniform(uint64_t *s, double lo, double hi)
{
	return exp(log(lo) + uniform(s) * (log(hi) - log(lo)));
}

/*
 * A 64-bit word whose bits are each set with probability p (to 1/256):
 * walk p's binary digits from the least significant, OR-ing a random word
 * for a 1 and AND-ing one for a 0.
 */
static uint64_t random_mask(uint64_t *s, double p)
{
	unsigned q = (unsigned)(p * 256.0 + 0.5), i;
	uint64_t m = 0;

	if (q >= 256)
		return ~0ull;
	for (i = 0; i < 8; i++)
		m = (q >> i & 1) ? (m | mix64(s)) : (m & mix64(s));
	return m;
}

struct synth_gen {
	uint64_t seed;
	double share;		/* of live hosts offering this service */
	uint32_t svc_index;
	uint64_t words[RS_BITMAP_WORDS];
};

/* Is the /24 at addr wholly outside reserved space? (reserved ranges are /24 or larger) */
static int block24_scannable(uint32_t a)
{
	return !addr_is_reserved(a);
}

static const uint64_t *synth_block(uint32_t block, void *ctx)
{
	struct synth_gen *g = ctx;
	uint64_t net_rng = g->seed ^ ((uint64_t)block * 0x9e3779b97f4a7c15ull);
	uint64_t svc_rng = net_rng ^ ((uint64_t)(g->svc_index + 1) << 48);
	double used24, density;
	int any = 0;
	uint32_t i, w;

	mix64(&net_rng);
	mix64(&svc_rng);
	if (uniform(&net_rng) >= SYNTH_USED_16)
		return NULL;
	used24 = log_uniform(&net_rng, SYNTH_USED_24_MIN, SYNTH_USED_24_MAX);
	density = log_uniform(&net_rng, SYNTH_DENSITY_MIN, SYNTH_DENSITY_MAX);

	memset(g->words, 0, sizeof(g->words));
	for (i = 0; i < 256; i++) {
		uint32_t base = block << 16 | i << 8;

		/* Every draw depends only on (seed, block) and the draws before
		 * it in this block, so skipping unused /24s keeps the world a pure
		 * function of the seed. */
		if (uniform(&net_rng) >= used24 || !block24_scannable(base))
			continue;
		for (w = 0; w < 4; w++) {
			uint64_t live = random_mask(&net_rng, density);

			g->words[i * 4 + w] = live & random_mask(&svc_rng, g->share);
			any |= g->words[i * 4 + w] != 0;
		}
	}
	return any ? g->words : NULL;
}

/* Expected live share of scannable space under the model's parameters. */
static double expected_live(void)
{
	double e_used = (SYNTH_USED_24_MAX - SYNTH_USED_24_MIN) /
			log(SYNTH_USED_24_MAX / SYNTH_USED_24_MIN);
	double e_dens = (SYNTH_DENSITY_MAX - SYNTH_DENSITY_MIN) /
			log(SYNTH_DENSITY_MAX / SYNTH_DENSITY_MIN);

	return SYNTH_USED_16 * e_used * e_dens;
}

int synth_world(struct world *w, uint64_t seed)
{
	struct synth_gen *g;
	double live = expected_live();
	unsigned i;
	int err = 0;

	g = calloc(1, sizeof(*g));
	if (!g) {
		rs_error("out of memory");
		return -ENOMEM;
	}
	w->seed = seed;
	w->created = 0;	/* the default world is the same whenever it is made */
	world_note(w, "synthetic default world, seed %llu (rescan world synth)",
		   (unsigned long long)seed);
	for (i = 0; i < synth_nservices && !err; i++) {
		struct rs_svc svc;

		err = svc_parse(synth_services[i].spec, &svc);
		if (err)
			break;
		if (synth_services[i].same_as) {
			struct rs_svc from;
			unsigned j;

			for (j = 0; j < i && strcmp(synth_services[j].spec, synth_services[i].same_as); j++)
				;
			err = j == i ? -EINVAL : svc_parse(synth_services[j].spec, &from);
			if (!err)
				err = world_add_service_alias(w, svc, synth_services[i].state, from,
							      synth_services[j].state);
			continue;
		}
		g->seed = seed * 0xd1b54a32d192ed03ull + 0x8cb92ba72f3d8dd7ull;
		g->svc_index = i;
		g->share = synth_services[i].rate / live;
		if (g->share > 1)
			g->share = 1;
		err = world_add_service_blocks(w, svc, synth_services[i].state, synth_block, g);
	}
	free(g);
	return err;
}
