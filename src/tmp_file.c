// SPDX-License-Identifier: GPL-2.0-only
/* tmp_file.c - temporary files beside their final name, and what dead writers left (tmp_file.h). */
#include "tmp_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define TMP_INFIX ".tmp."
#define TMP_RANDOM 6	/* the XXXXXX mkstemp fills in */

/* Is name (in path's directory) a temporary file of path's base name? */
static bool is_tmp_of(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && !strncmp(name + n, TMP_INFIX, strlen(TMP_INFIX)) &&
	       strlen(name + n + strlen(TMP_INFIX)) == TMP_RANDOM;
}

/*
 * Remove name (in directory dfd) if it is a regular file whose lock
 * nobody holds. Taking the lock first keeps a live writer's file: it
 * holds the lock until it has renamed the file away. The name is checked
 * to be the file locked, so a name a writer renamed over meanwhile is not
 * touched.
 */
static void remove_if_abandoned(int dfd, const char *name)
{
	struct stat opened, named;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fstat(fd, &opened) && S_ISREG(opened.st_mode) && !flock(fd, LOCK_EX | LOCK_NB) &&
	    !fstatat(dfd, name, &named, AT_SYMLINK_NOFOLLOW) && named.st_dev == opened.st_dev &&
	    named.st_ino == opened.st_ino)
		unlinkat(dfd, name, 0);
	close(fd);
}

void tmp_file_sweep(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char *dir;
	struct dirent *e;
	DIR *d;

	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	d = dir ? opendir(dir) : NULL;
	free(dir);
	if (!d)
		return;	/* nothing to sweep where nothing can be listed; creating says why */
	while ((e = readdir(d)))
		if (is_tmp_of(e->d_name, base))
			remove_if_abandoned(dirfd(d), e->d_name);
	closedir(d);
}

int tmp_file_create(const char *path, char *tmp, size_t size)
{
	struct stat st;
	int fd, err;

	if (strlen(path) + TMP_FILE_SUFFIX_MAX > size) {
		rs_error("cannot create a file beside '%s': its name is too long", path);
		return -ENAMETOOLONG;
	}
	tmp_file_sweep(path);
	for (;;) {
		snprintf(tmp, size, "%s" TMP_INFIX "XXXXXX", path);
		fd = mkstemp(tmp);
		if (fd < 0) {
			err = -errno;
			rs_error("cannot create '%s': %s", path, strerror(errno));
			return err;
		}
		/* Blocks only while a sweep looks at it. */
		if (flock(fd, LOCK_EX)) {
			err = -errno;
			rs_error("cannot lock '%s': %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return err;
		}
		/* Another writer's sweep found it before the lock was taken: make another. */
		if (fstat(fd, &st) || st.st_nlink)
			return fd;
		close(fd);
	}
}
