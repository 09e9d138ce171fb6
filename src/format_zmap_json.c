// SPDX-License-Identifier: GPL-2.0-only
/*
 * format_zmap_json.c - "zmap-json": ZMap's JSON output (-O json), one
 * object per line.
 *
 * As ZMap 2.1.1 writes it (src/output_modules/module_json.c): each
 * response's fields as an object, { "saddr": "192.0.2.1", "classification":
 * "synack", "success": 1, "sport": 80 }, in the order -f names them; later
 * ZMaps write success as true/false. The fields decide as in ZMap's CSV
 * (format_zmap_csv.c): success 1 is open; 0 is closed where the
 * classification says the port refused ("rst"; "icmp-unreach" with
 * icmp_code 3 for UDP), any other failure is skipped and counted; without
 * success the classification decides; with neither, the line is an
 * address, in the state the read names. A "sport" other than the
 * service's port is another service's. Lines that are blank are passed
 * over. Host discovery (ds.up) takes a host as ZMap's CSV does: on any
 * port, success 1, a "rst", or its own port unreachable (an
 * "icmp_responder" or "outersaddr" other than saddr is a router's).
 */
#include <json-c/json.h>

#include "dataset_format.h"

/* The words ZMap 2.1.1's modules classify a response with when it is no answer. */
static bool zj_failure_word(const char *w)
{
	static const char *const no[] = {
		"rst", "unreach", "icmp-unreach", "sourcequench", "redirect", "timxceed", "other",
		"no-http-header", "none",
	};
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcmp(w, no[i]))
			return true;
	return false;
}

/* An integer field: -1 when absent, -2 when not a whole number. */
static int64_t zj_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	if (!json_object_is_type(v, json_type_int))
		return -2;
	return json_object_get_int64(v);
}

/* Did someone other than the probed host send this ICMP reply? */
static bool zj_other_sender(struct json_object *o, const char *saddr)
{
	static const char *const keys[] = { "icmp_responder", "outersaddr" };
	struct json_object *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_object_get_ex(o, keys[i], &v) &&
		    json_object_is_type(v, json_type_string))
			return strcmp(json_object_get_string(v), saddr) != 0;
	return false;
}

/* The state a failed response gives the service, or DS_NO_STATE. */
static int zj_failure_state(const struct ds *d, struct json_object *o, const char *class,
			    const char *saddr)
{
	int64_t type = zj_int(o, "icmp_type"), code = zj_int(o, "icmp_code");

	if (!class)
		return DS_NO_STATE;
	if ((d->svc.slot == RS_SLOT_TCP || d->up) && !strcmp(class, "rst"))
		return RS_STATE_CLOSED;
	if ((d->svc.slot == RS_SLOT_UDP || d->up) && !strcmp(class, "icmp-unreach") && code == 3 &&
	    (type < 0 || type == 3) && !(d->up && zj_other_sender(o, saddr)))
		return RS_STATE_CLOSED;
	return DS_NO_STATE;
}

static int zj_record(struct ds *d, struct json_object *o, const char *p, const char *end)
{
	struct json_object *v;
	const char *class = NULL;
	int64_t success, sport;
	uint32_t addr;
	const char *s;
	int st;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "saddr", &v) ||
	    !json_object_is_type(v, json_type_string))
		return bad_record(d, "not a ZMap JSON record: no \"saddr\"", p, end);
	s = json_object_get_string(v);
	if (parse_ipv4_addr(s, s + strlen(s), &addr) != s + strlen(s))
		return bad_record(d, "bad saddr", p, end);
	if (json_object_object_get_ex(o, "classification", &v)) {
		if (!json_object_is_type(v, json_type_string))
			return bad_record(d, "classification is not a string", p, end);
		class = json_object_get_string(v);
	}
	success = zj_int(o, "success");
	if (success < -1 || success > 1)
		return bad_record(d, "success is not 0 or 1", p, end);
	sport = zj_int(o, "sport");
	if (sport < -1 || sport > 65535)
		return bad_record(d, "bad sport", p, end);
	if (d->svc.slot != RS_SLOT_ICMP && !d->up && sport >= 0 && (uint32_t)sport != d->svc.port) {
		d->st->skipped++;
		return 0;
	}
	if (success < 0 && !class) {
		add_addr(d, addr);
		return 0;
	}
	if (svc_is_policy(d)) {
		d->st->skipped++;
		return 0;
	}
	if (success == 1 || (success < 0 && !zj_failure_word(class)))
		st = RS_STATE_OPEN;
	else
		st = zj_failure_state(d, o, class, s);
	add_addr_said(d, st, addr);
	return 0;
}

static int zj_line(struct ds *d, const char *p, const char *end)
{
	struct json_tokener *tok;
	struct json_object *o;
	int err;

	if (skip_blanks(p, end) == end)
		return 0;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, p, (int)(end - p));
	if (!o || json_tokener_get_parse_end(tok) != (size_t)(trim_blanks(p, end) - p)) {
		json_object_put(o);
		json_tokener_free(tok);
		return bad_record(d, "not one JSON object (cut short?)", p, end);
	}
	json_tokener_free(tok);
	err = zj_record(d, o, p, end);
	json_object_put(o);
	return err;
}

static enum ds_sniff zj_sniff(struct ds *d, const char *p, const char *end)
{
	const char *q = skip_blanks(p + 1, end);

	/* ZMap's first field is saddr unless -f says otherwise: look for it anywhere. */
	if (*p != '{' || q == end || *q != '"')
		return DS_NOT_MINE;
	return memmem(p, (size_t)(end - p), "\"saddr\"", 7) ? DS_RECORD : DS_NOT_MINE;
}

const struct ds_format ds_format_zmap_json = {
	.name = "zmap-json", .what = "ZMap JSON (-O json): one object per line with \"saddr\"",
	.sniff = zj_sniff, .no_comments = true, .line = zj_line,
};
