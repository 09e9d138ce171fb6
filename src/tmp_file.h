/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tmp_file.h - a file written under a temporary name beside its final
 * one, <path>.tmp.XXXXXX, and renamed over it when whole: a reader of
 * path sees the old file or the new one, never half of one.
 *
 * A writer killed before its rename (kill -9, a crash) leaves its
 * temporary file behind. Each writer holds an flock on its temporary
 * file from its creation until after the rename; the kernel drops the
 * lock when the writer dies, so a temporary file of path whose lock is
 * free has no writer, and the next writer to path removes it. A pid in
 * the name could not say as much: pids are reused.
 */
#ifndef RESCAN_TMP_FILE_H
#define RESCAN_TMP_FILE_H

#include <stddef.h>

/* The longest suffix tmp_file_create adds to path, with its NUL. */
#define TMP_FILE_SUFFIX_MAX sizeof(".tmp.XXXXXX")

/*
 * Remove the temporary files of path that their writers left (nobody
 * holds their lock), then create a new one, mode 0600, its name into tmp
 * (size bytes, at least strlen(path) + TMP_FILE_SUFFIX_MAX). The
 * descriptor returned holds the lock, and so does every dup of it: keep
 * one open until after the rename. -errno (said) if it cannot be made.
 */
int tmp_file_create(const char *path, char *tmp, size_t size);

/* The sweep alone: path's temporary files whose lock nobody holds, removed. */
void tmp_file_sweep(const char *path);

#endif /* RESCAN_TMP_FILE_H */
