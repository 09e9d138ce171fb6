/* SPDX-License-Identifier: GPL-2.0-only */
/* commands.h - the subcommand groups main.c dispatches to. */
#ifndef RESCAN_COMMANDS_H
#define RESCAN_COMMANDS_H

#include <stdbool.h>
#include <sys/types.h>

#include "lab.h"
#include "options.h"
#include "world.h"

int cmd_world(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_top(int argc, char **argv);

struct lab_counters;
struct json_object;
/* `rescan stats --json`'s "sources": the rows used (only: student only's). */
struct json_object *stats_sources_json(const struct lab *l, const struct lab_counters *r,
				       unsigned only);

/*
 * Open the world a user names: a world file path, or "synth:SEED" for the
 * built-in generator ("synth" alone: the default seed; "synth:random": a
 * seed nobody can guess). desc gets a short description for messages and
 * the lab's state file (synth:SEED with the seed drawn).
 */
int world_open_spec(struct world *w, const char *spec, char *desc, size_t desclen);
#define DEFAULT_WORLD_SPEC "synth:1"

/* --name, the same for every command that acts on a lab. */
#define OPT_LAB_NAME(type, field)                                       \
	{ .name = "name", .short_name = 'n', .kind = OPT_KIND_STRING,   \
	  .offset = offsetof(type, field), .arg = "NAME",               \
	  .help = "the lab's name, for several labs side by side\n"     \
		  "(default " LAB_DEFAULT_NAME ")" }

/* --iface, for commands whose scanner side is the caller's own namespace. */
#define OPT_LAB_IFACE(type, field, h)                                   \
	{ .name = "iface", .kind = OPT_KIND_STRING,                     \
	  .offset = offsetof(type, field), .arg = "IF",                 \
	  .max_len = IF_NAMESIZE - 1, .help = (h) }

/*
 * Describe the lab a command names (NULL: the default) into l; with
 * need_up, also check that it is up and read how it was started. Returns 0,
 * or the exit code after printing one line.
 */
int lab_for_command(const char *name, bool need_up, struct lab *l);

/*
 * The lab's monitor (cmd_monitor.c): rescan lab monitor itself; started by
 * lab up in the background (listen: with --listen, serving on listen_fd,
 * already bound there), its output in monitor_log_path; stopped by lab down.
 */
int lab_monitor_cmd(int argc, char **argv);
int monitor_spawn(const struct lab *l, const char *listen, int listen_fd, pid_t *pid);
void monitor_log_path(const struct lab *l, char *buf, size_t len);
/* The pid of a monitor of l that runs, or 0. */
pid_t monitor_running(const struct lab *l);
/* SIGTERM every monitor of l, SIGKILL what still runs after 5 s; how many ran. */
int monitor_stop(const struct lab *l);

#endif
