// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_grade.c - rescan grade: one student's result files, or a class's
 * folder of submissions, against the world's ground truth for what the
 * assignment asks, with the lab's accounting of how each student scanned.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "grade_report.h"
#include "util.h"

struct grade_opts {
	const char *assignment, *world, *range, *service, *state, *discovery, *lab, *timeline;
	const char *class_dir, *csv, *html, *min_recall, *min_precision;
	uint64_t student;
	bool json;
};

static const struct command grade_cmd = {
	.name = "rescan grade",
	.args = "[RESULT...]",
	.min_args = 0,
	.max_args = ARGS_ANY,
	.about = "Grade scan results against the world's ground truth: per service of the\n"
		 "assignment, the hosts of its ranges in its state (open unless it says\n"
		 "otherwise) are the truth, and every host a result reports is a true or a\n"
		 "false positive, or outside the ranges; every true host not reported is a\n"
		 "false negative. The service \"hosts\" is host discovery: the truth is the\n"
		 "hosts that answer a probe of the discovery set (nmap -sn's by default),\n"
		 "and a result reports a host by any answer it recorded from it (nmap's\n"
		 "status up, any masscan record, a ZMap reply or RST). RESULT is a file\n"
		 "in any format rescan reads (ZMap CSV or JSON, masscan -oL/-oJ/-oX, nmap\n"
		 "-oX/-oG, an address list; compressed or not) or a folder of them: one\n"
		 "student's submission. With --class, each entry of DIR is one student's\n"
		 "submission, named by the student (student-K or K for the lab's student\n"
		 "K). The lab's monitor adds what it counted of each student: probes, peak\n"
		 "and mean rate, probes over the rate cap, into do-not-scan ranges, or\n"
		 "spoofed.\n"
		 "Exit status: 0 when every submission meets the thresholds, 4 when one\n"
		 "does not, 1 when a result cannot be read.",
	.opts = (const struct opt[]){
		OPT_STRING('a', "assignment", struct grade_opts, assignment, "FILE",
			   "what was asked: world, ranges, services, state,\n"
			   "thresholds (the file lab up --assignment read)"),
		OPT_STRING('l', "lab", struct grade_opts, lab, "NAME",
			   "a lab that is up: its world (even synth:random), its\n"
			   "assignment and its monitor's timeline"),
		OPT_STRING('w', "world", struct grade_opts, world, "WORLD",
			   "the world file or synth:SEED (instead of the assignment's)"),
		OPT_STRING('r', "range", struct grade_opts, range, "CIDR[,CIDR...]",
			   "the ranges asked (instead of the assignment's)"),
		OPT_STRING('s', "service", struct grade_opts, service, "SVC[,SVC...]",
			   "the services asked: " SVC_SPECS ",\n"
			   "or hosts (the hosts up)"),
		OPT_STRING(0, "state", struct grade_opts, state, "STATE",
			   "the state asked: open (default), closed, filtered"),
		OPT_STRING(0, "discovery", struct grade_opts, discovery, "SVC[,SVC...]",
			   "the probes that find hosts up (default: nmap -sn's,\n"
			   "icmp tcp/443 tcp/80 icmp/timestamp)"),
		OPT_STRING(0, "min-recall", struct grade_opts, min_recall, "X",
			   "pass only with recall at least X (0 to 1)"),
		OPT_STRING(0, "min-precision", struct grade_opts, min_precision, "X",
			   "pass only with precision at least X (0 to 1)"),
		OPT_STRING('t', "timeline", struct grade_opts, timeline, "FILE",
			   "the lab monitor's timeline.csv (default with --lab:\n"
			   "the lab's own)"),
		OPT_U64_RANGE('k', "student", struct grade_opts, student, "K", 1, LAB_STUDENTS_MAX,
			      "whose accounting a RESULT is (default: from its name)"),
		OPT_STRING('c', "class", struct grade_opts, class_dir, "DIR",
			   "grade every submission in DIR: writes --csv and --html"),
		OPT_STRING(0, "csv", struct grade_opts, csv, "FILE",
			   "with --class: one row per student (default grades.csv;\n"
			   "- for stdout)"),
		OPT_STRING(0, "html", struct grade_opts, html, "FILE",
			   "with --class: the report page (default grades.html)"),
		OPT_FLAG('j', "json", struct grade_opts, json, "machine-readable output"),
		{} },
	.example = "example: rescan grade --assignment http.conf --lab rescan http.csv\n"
		   "         rescan grade -w synth:1 -s tcp/80 -r 41.1.0.0/16 --min-recall 0.99 scan.json\n"
		   "         rescan grade --assignment http.conf --lab rescan --class submissions/",
};

/* student-K, sK or K: the lab's student K; else 0. */
static unsigned student_from_name(const char *name)
{
	const char *p = name;
	char *end;
	unsigned long k;

	if (!strncmp(p, "student-", 8))
		p += 8;
	else if (!strncmp(p, "student", 7))
		p += 7;
	else if (*p == 's')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	k = strtoul(p, &end, 10);
	/* "student-3.csv": an extension may follow the number */
	if ((*end && *end != '.') || k < 1 || k > LAB_STUDENTS_MAX)
		return 0;
	return (unsigned)k;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The files of one submission: path itself, or the regular files of a
 * folder (not hidden), by name.
 */
static int submission_files(const char *path, struct graded *g, bool *folder)
{
	char *names[GRADE_FILES_MAX];
	struct dirent *e;
	struct stat st;
	unsigned n = 0, i;
	DIR *d;
	int err = 0;

	if (stat(path, &st)) {
		err = -errno;
		rs_error("cannot read %s: %s", path, strerror(errno));
		return err;
	}
	*folder = S_ISDIR(st.st_mode);
	if (!*folder) {
		snprintf(g->files[0].path, sizeof(g->files[0].path), "%s", path);
		g->nfiles = 1;
		return 0;
	}
	d = opendir(path);
	if (!d) {
		err = -errno;
		rs_error("cannot read %s: %s", path, strerror(errno));
		return err;
	}
	while ((e = readdir(d))) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (stat(p, &st) || !S_ISREG(st.st_mode))
			continue;
		if (n == GRADE_FILES_MAX) {
			rs_error("%s: more than %d files", path, GRADE_FILES_MAX);
			err = -E2BIG;
			break;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (i = 0; i < n; i++) {
		if (!err && names[i])
			snprintf(g->files[g->nfiles++].path, sizeof(g->files[0].path), "%s/%s", path,
				 names[i]);
		else if (!names[i])
			err = -ENOMEM;
		free(names[i]);
	}
	return err;
}

/* Grade one submission into g; a failure is kept in g (graded false). */
static void grade_one(struct grader *gr, const struct grade_context *x, const char *path,
		      unsigned student, struct graded *g)
{
	char tmp[512], *base;
	bool folder = false;
	unsigned i;
	size_t len;
	int err;

	memset(g, 0, sizeof(*g));
	/* The last part of the path, without a trailing slash: the student's name. */
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (len = strlen(tmp); len > 1 && tmp[len - 1] == '/'; len--)
		tmp[len - 1] = 0;
	base = strrchr(tmp, '/');
	snprintf(g->name, sizeof(g->name), "%.127s", base ? base + 1 : tmp);
	g->student = student ? student : student_from_name(g->name);
	if (x->tl && g->student && x->tl->s[g->student].seen)
		g->acct = &x->tl->s[g->student];
	err = submission_files(path, g, &folder);
	for (i = 0; !err && i < x->a->nservices; i++) {
		err = grade_service(gr, i, g->files, g->nfiles, folder, &g->svc[i]);
		grade_counts_add(&g->total, &g->svc[i]);
	}
	if (err) {
		snprintf(g->error, sizeof(g->error), "%s", rs_last_error());
		return;
	}
	g->graded = true;
	g->pass = grade_passes(x, g);
}

static int parse_threshold(const char *v, const char *opt, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !(d >= 0 && d <= 1)) {
		rs_error("%s: '%s' is not a fraction from 0 to 1", opt, v);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

/*
 * What is asked and whom to grade by, from the flags, the assignment and
 * the lab. Flags win over the assignment; the lab's world (its seed drawn)
 * over the assignment's.
 */
static int setup(const struct grade_opts *o, struct assignment *a, struct grade_context *x,
		 char *world_spec, size_t len)
{
	struct lab l;
	char path[256];
	int err = 0;

	assignment_init(a);
	world_spec[0] = 0;
	if (o->lab) {
		if (lab_describe(&l, o->lab))
			return -EINVAL;
		if (!lab_is_up(&l)) {
			rs_error("no lab '%s' is up", l.name);
			return -ESRCH;
		}
		lab_read_state(&l);
		if (!o->assignment && !lab_state_get(&l, "assignment", path, sizeof(path)) && path[0])
			err = assignment_read(path, a);
		if (!err && lab_state_get(&l, "world", world_spec, len))
			return -ENOENT;
	}
	if (!err && o->assignment)
		err = assignment_read(o->assignment, a);
	/* The do-not-scan ranges the lab enforced, whatever the assignment says. */
	if (!err && o->lab) {
		char dns[ASSIGN_TEXT_MAX];

		if (!lab_state_get(&l, "do_not_scan", dns, sizeof(dns)) && dns[0])
			snprintf(a->do_not_scan, sizeof(a->do_not_scan), "%s", dns);
	}
	if (!err && o->range) {
		a->nranges = 0;
		err = assignment_add_ranges(a, o->range, "--range");
	}
	if (!err && o->service) {
		a->nservices = 0;
		err = assignment_add_services(a, o->service, "--service");
	}
	if (!err && o->discovery)
		err = assignment_set_discovery(a, o->discovery, "--discovery");
	if (!err && o->state) {
		a->state = svc_state_parse(o->state);
		err = a->state < 0 ? -EINVAL : 0;
	}
	if (err)
		return err;
	if (o->world)
		snprintf(world_spec, len, "%s", o->world);
	else if (!world_spec[0])
		snprintf(world_spec, len, "%s", a->world);
	if (!world_spec[0]) {
		rs_error("no world to grade against: give --world, an assignment that names one, or "
			 "--lab");
		return -EINVAL;
	}
	if (!strcmp(world_spec, "synth:random")) {
		rs_error("the assignment's world is synth:random: its seed is the lab's; grade with "
			 "--lab NAME");
		return -EINVAL;
	}
	if (!a->nservices || !a->nranges) {
		rs_error("nothing asked: give --service and --range, or an assignment with service "
			 "and range");
		return -EINVAL;
	}
	x->min_recall = a->min_recall;
	x->min_precision = a->min_precision;
	if (o->min_recall && parse_threshold(o->min_recall, "--min-recall", &x->min_recall))
		return -EINVAL;
	if (o->min_precision &&
	    parse_threshold(o->min_precision, "--min-precision", &x->min_precision))
		return -EINVAL;
	if (o->timeline) {
		snprintf(path, sizeof(path), "%s", o->timeline);
	} else if (o->lab) {
		snprintf(path, sizeof(path), "%s/timeline.csv", l.results_dir);
		if (access(path, R_OK))
			path[0] = 0;	/* a lab without a monitor: no accounting */
	} else {
		path[0] = 0;
	}
	if (path[0]) {
		static struct timeline tl;

		err = timeline_read(path, &tl);
		if (err)
			return err;
		x->tl = &tl;
	}
	return 0;
}

/* The entries of a class folder, without hidden ones, student-2 before student-10. */
static int class_entries(const char *dir, char ***out, unsigned *n)
{
	struct dirent **list;
	int i, m, err = 0;

	m = scandir(dir, &list, NULL, versionsort);
	if (m < 0) {
		int err = -errno;

		rs_error("cannot read the class folder %s: %s", dir, strerror(errno));
		return err;
	}
	*out = calloc((size_t)m + 1, sizeof(char *));
	*n = 0;
	if (!*out)
		err = -ENOMEM;
	for (i = 0; i < m; i++) {
		if (!err && list[i]->d_name[0] != '.') {
			size_t len = strlen(dir) + strlen(list[i]->d_name) + 2;

			(*out)[*n] = malloc(len);
			if ((*out)[*n])
				snprintf((*out)[(*n)++], len, "%s/%s", dir, list[i]->d_name);
			else
				err = -ENOMEM;
		}
		free(list[i]);
	}
	free(list);
	if (err)
		rs_error("out of memory reading %s", dir);
	return err;
}

/*
 * Students the lab counted who handed in nothing: a row each, so the
 * report shows them. g has room for LAB_STUDENTS_MAX more rows.
 */
static unsigned add_missing(const struct grade_context *x, struct graded *g, unsigned n)
{
	unsigned k, i, m = n;

	for (k = 1; x->tl && k <= LAB_STUDENTS_MAX; k++) {
		if (!x->tl->s[k].seen)
			continue;
		for (i = 0; i < n && g[i].student != k; i++)
			;
		if (i < n)
			continue;
		memset(&g[m], 0, sizeof(g[m]));
		snprintf(g[m].name, sizeof(g[m].name), "student-%u", k);
		g[m].student = k;
		g[m].acct = &x->tl->s[k];
		snprintf(g[m].error, sizeof(g[m].error), "no submission");
		m++;
	}
	return m;
}

static int grade_class(const struct grade_opts *o, struct grader *gr,
		       const struct grade_context *x)
{
	const char *csv = o->csv ? o->csv : "grades.csv", *html = o->html ? o->html : "grades.html";
	unsigned nsub = 0, n, i, passed = 0, unread = 0;
	struct graded *g = NULL;
	char **paths = NULL;
	double t0 = now_seconds();
	int err;

	err = class_entries(o->class_dir, &paths, &nsub);
	if (!err) {
		g = calloc(nsub + LAB_STUDENTS_MAX, sizeof(*g));
		if (!g) {
			rs_error("out of memory");
			err = -ENOMEM;
		}
	}
	for (i = 0; !err && i < nsub; i++) {
		grade_one(gr, x, paths[i], 0, &g[i]);
		passed += grade_passes(x, &g[i]);
		unread += !g[i].graded;
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\rgraded %u of %u", i + 1, nsub);
	}
	if (isatty(STDERR_FILENO) && nsub)
		fprintf(stderr, "\n");
	n = err ? 0 : add_missing(x, g, nsub);
	if (!err)
		err = grade_write_csv(csv, x, g, n);
	if (!err)
		err = grade_write_html(html, x, g, n);
	if (!err && o->json) {
		struct json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, grade_json(x, &g[i]));
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
	}
	if (!err) {
		fprintf(stderr, "graded %u submissions in %.2f s: %u pass, %u below, %u not readable",
			nsub, now_seconds() - t0, passed, nsub - passed - unread, unread);
		if (n > nsub)
			fprintf(stderr, "; nothing from %u student%s the lab counted", n - nsub,
				n - nsub == 1 ? "" : "s");
		fprintf(stderr, "; wrote %s and %s\n", csv, html);
	}
	for (i = 0; i < nsub; i++)
		free(paths[i]);
	free(paths);
	free(g);
	if (err)
		return err;
	return passed == n ? 0 : 1;
}

int cmd_grade(int argc, char **argv)
{
	struct grade_opts o = { 0 };
	struct grade_context x = { 0 };
	static struct assignment a;
	static struct graded g;
	struct grader gr;
	struct world w;
	char spec[256], desc[256], **args;
	int nargs, rc, err, i, below = 0;

	rc = options_parse(&grade_cmd, &o, argc, argv, &args, &nargs);
	if (rc != OPTS_RUN)
		return rc;
	if (o.class_dir && nargs)
		return options_usage_error(&grade_cmd, "--class grades a folder: no RESULT with it");
	if (!o.class_dir && !nargs)
		return options_usage_error(&grade_cmd, "give RESULT files, or --class DIR");
	if (!o.class_dir && (o.csv || o.html))
		return options_usage_error(&grade_cmd, "--csv and --html go with --class");
	if (o.class_dir && o.student)
		return options_usage_error(&grade_cmd, "--student names one submission's student: "
				"a class's are named by their folders");
	err = setup(&o, &a, &x, spec, sizeof(spec));
	if (err) {
		rs_print_last_error();
		return err == -ESRCH ? RS_EXIT_STATE : RS_EXIT_USAGE;
	}
	if (world_open_spec(&w, spec, desc, sizeof(desc))) {
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	x.a = &a;
	x.world_desc = desc;
	err = grader_init(&gr, &w, &a);
	if (err) {
		world_free(&w);
		rs_print_last_error();
		return RS_EXIT_FAIL;
	}
	if (o.class_dir) {
		rc = grade_class(&o, &gr, &x);
		if (rc < 0)
			rs_print_last_error();
		rc = rc < 0 ? RS_EXIT_FAIL : rc ? RS_EXIT_BELOW : RS_EXIT_OK;
	} else {
		struct json_object *arr = o.json ? json_object_new_array() : NULL;

		rc = RS_EXIT_OK;
		for (i = 0; i < nargs; i++) {
			grade_one(&gr, &x, args[i], (unsigned)o.student, &g);
			if (!g.graded) {
				rs_print_error("%s", g.error);
				rc = RS_EXIT_FAIL;
				break;
			}
			below |= !g.pass;
			if (arr)
				json_object_array_add(arr, grade_json(&x, &g));
			else
				grade_print_text(stdout, &x, &g);
		}
		if (arr) {
			if (rc == RS_EXIT_OK)
				printf("%s\n", json_object_to_json_string_ext(
						       nargs == 1 ? json_object_array_get_idx(arr, 0) : arr,
						       JSON_C_TO_STRING_PRETTY));
			json_object_put(arr);
		}
		if (rc == RS_EXIT_OK && below)
			rc = RS_EXIT_BELOW;
	}
	grader_free(&gr);
	if (x.tl)
		timeline_free((struct timeline *)x.tl);
	world_free(&w);
	return rc;
}
