/* SPDX-License-Identifier: GPL-2.0-only */
/* commands.h - the subcommand groups main.c dispatches to. */
#ifndef RESCAN_COMMANDS_H
#define RESCAN_COMMANDS_H

#include "world.h"

int cmd_world(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/*
 * Open the world a user names: a world file path, or "synth:SEED" for the
 * built-in generator ("synth" alone: the default seed). desc gets a short
 * description for messages and the lab's state file.
 */
int world_open_spec(struct world *w, const char *spec, char *desc, size_t desclen);
#define DEFAULT_WORLD_SPEC "synth:1"

#endif
