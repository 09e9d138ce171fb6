/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lab_recover.h - what a rescan killed half way through lab up or lab down
 * leaves of a lab, and how the next one tells it from work in progress.
 *
 * lab up, lab down, lab load and class-serve's joins and leaves change a
 * lab only while they hold its lock, a record lock on its own byte of
 * /run/rescan/labs.lock: the kernel drops it when its holder dies, SIGKILL
 * too, so a lab whose lock nobody holds is nobody's work in progress.
 * lab up marks the lab it finished, monitor started (<run dir>/ready);
 * lab down takes the mark away before it removes anything. A lab without
 * the mark whose lock is free was left half made or half removed by a
 * rescan that died: the next lab up or lab down removes what is left of it
 * (lab_leftovers), and lab up goes on to make it anew.
 */
#ifndef RESCAN_LAB_RECOVER_H
#define RESCAN_LAB_RECOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "lab.h"

/*
 * Take lab l's lock into *fd: lab up, lab down, lab load and a class
 * join or leave hold it while they change the lab. With wait, after
 * whoever holds it lets go (lab load: one world after the other); without,
 * -EBUSY (said, with the holder's pid) while another rescan holds it. Another -errno (said) if
 * it cannot be taken.
 */
int lab_lock(const struct lab *l, bool wait, int *fd);
/* Release it (the exit of the process does too). */
void lab_unlock(int fd);
/* The pid of the rescan that holds l's lock, -1 if it did not say, 0 when nobody does. */
int lab_lock_holder(const struct lab *l);

/* Mark l finished (lab up's last step); take the mark away (lab down's first). */
int lab_mark_ready(const struct lab *l);
void lab_unmark_ready(const struct lab *l);
/* Up and marked: a lab that lab up finished and no lab down has begun on. */
bool lab_is_ready(const struct lab *l);
/* Where the mark lives (lab down removes the run directory it is in). */
void lab_ready_path(const struct lab *l, char *buf, size_t len);

/*
 * Whether anything of lab l is there (a namespace, or a file left of one,
 * its pinned maps, its run directory, a scanner namespace's configuration);
 * what the first such thing is into what. Its monitor is the commands'
 * business (monitor_running).
 */
bool lab_leftovers(const struct lab *l, char *what, size_t len);

#endif
