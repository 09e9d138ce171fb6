// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_tmp_file.c - what the next writer of a path removes of the
 * temporary files beside it: those whose lock nobody holds, and nothing
 * else (a live writer's, another path's, a name that only looks like
 * one, a symlink). The files are made here with open(2) and flock(2),
 * not with the code under test, except where its own file is the point.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tmp_file.h"

static char dir[] = "/tmp/rescan-test-tmp-file-XXXXXX";

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* A file named name in dir; its descriptor (open) or -1 (closed). */
static int make(const char *name, bool keep_open)
{
	char p[256];
	int fd;

	path_of(p, sizeof(p), name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (write(fd, "x", 1) != 1)
		abort();
	if (!keep_open) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool exists(const char *name)
{
	char p[256];
	struct stat st;

	path_of(p, sizeof(p), name);
	return !lstat(p, &st);
}

static void out_path(char *buf, size_t len)
{
	path_of(buf, len, "out.world");
}

static void abandoned_temporaries_are_removed(void)
{
	char out[256];

	make("out.world.tmp.aB3dE9", false);
	make("out.world.tmp.zzzzzz", false);
	out_path(out, sizeof(out));
	tmp_file_sweep(out);
	CHECK(!exists("out.world.tmp.aB3dE9"));
	CHECK(!exists("out.world.tmp.zzzzzz"));
}

static void a_locked_temporary_stays(void)
{
	char out[256];
	int fd = make("out.world.tmp.LIVE01", true);

	/* Another open file description of this process conflicts as another process's would. */
	CHECK(!flock(fd, LOCK_EX | LOCK_NB), "%s", strerror(errno));
	out_path(out, sizeof(out));
	tmp_file_sweep(out);
	CHECK(exists("out.world.tmp.LIVE01"));
	close(fd);
	tmp_file_sweep(out);
	CHECK(!exists("out.world.tmp.LIVE01"), "its writer gone, it goes");
}

static void other_names_stay(void)
{
	char out[256], target[256], link_path[256];

	make("out.world", false);
	make("other.world.tmp.abcdef", false);
	make("out.world.tmp.abcde", false);	/* five, not six, random characters */
	make("out.world.tmp.abcdefg", false);
	make("out.world.tmpxabcdef", false);
	make("xout.world.tmp.abcdef", false);
	make("victim", false);
	path_of(target, sizeof(target), "victim");
	path_of(link_path, sizeof(link_path), "out.world.tmp.symlnk");
	CHECK(!symlink(target, link_path));
	out_path(out, sizeof(out));
	tmp_file_sweep(out);
	CHECK(exists("out.world"));
	CHECK(exists("other.world.tmp.abcdef"));
	CHECK(exists("out.world.tmp.abcde"));
	CHECK(exists("out.world.tmp.abcdefg"));
	CHECK(exists("out.world.tmpxabcdef"));
	CHECK(exists("xout.world.tmp.abcdef"));
	CHECK(exists("out.world.tmp.symlnk"));
	CHECK(exists("victim"));
}

/*
 * A new temporary file is locked as long as its descriptor is open, and
 * its creation removes what dead writers left.
 */
static void create_sweeps_and_holds_its_lock(void)
{
	char out[256], tmp[256 + TMP_FILE_SUFFIX_MAX], small[8];
	struct stat st;
	int fd, probe;

	make("out.world.tmp.dead00", false);
	out_path(out, sizeof(out));
	fd = tmp_file_create(out, tmp, sizeof(tmp));
	CHECK(fd >= 0);
	CHECK(!exists("out.world.tmp.dead00"));
	CHECK(!strncmp(tmp, out, strlen(out)) && !strncmp(tmp + strlen(out), ".tmp.", 5) &&
	      strlen(tmp) == strlen(out) + 11, "%s", tmp);
	CHECK(!stat(tmp, &st) && (st.st_mode & 0777) == 0600);
	probe = open(tmp, O_RDONLY | O_CLOEXEC);
	CHECK(probe >= 0);
	CHECK(flock(probe, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK, "the writer's lock");
	tmp_file_sweep(out);
	CHECK(!stat(tmp, &st), "a live writer's file stays");
	close(fd);
	close(probe);
	tmp_file_sweep(out);
	CHECK(stat(tmp, &st), "left by its writer, it goes");
	/* No room for the suffix: said, nothing made. */
	CHECK(tmp_file_create(out, small, sizeof(small)) == -ENAMETOOLONG);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 1;
	RUN_TEST(abandoned_temporaries_are_removed);
	RUN_TEST(a_locked_temporary_stays);
	RUN_TEST(other_names_stay);
	RUN_TEST(create_sweeps_and_holds_its_lock);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return CHECK_DONE();
}
