// SPDX-License-Identifier: GPL-2.0-only
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *rs_program = "rescan";

/* Each thread's own: a worker's message cannot garble the caller's. */
static __thread char last_error[1024];

void rs_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

const char *rs_last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void rs_print_last_error(void)
{
	fprintf(stderr, "%s: %s\n", rs_program, rs_last_error());
}

void rs_print_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", rs_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	p->on = isatty(STDERR_FILENO) && total > 0;
	p->label = label;
	p->total = total;
	p->last_pct = -1;
}

void progress_update(struct progress *p, uint64_t done)
{
	int pct;

	if (!p->on)
		return;
	pct = done >= p->total ? 100 : (int)(done * 100 / p->total);
	if (pct == p->last_pct)
		return;
	p->last_pct = pct;
	fprintf(stderr, "\r%s %3d%%", p->label, pct);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->on && p->last_pct >= 0)
		fprintf(stderr, "\r%s done\n", p->label);
	p->on = false;
}

const char *parse_ipv4_addr(const char *s, const char *end, uint32_t *out)
{
	uint32_t addr = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (s < end && *s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s - '0');
			s++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return NULL;
		addr = addr << 8 | v;
		if (part < 3) {
			if (s >= end || *s != '.')
				return NULL;
			s++;
		}
	}
	*out = addr;
	return s;
}

int parse_cidr(const char *s, uint32_t *first, uint32_t *last)
{
	const char *end = s + strlen(s), *p;
	uint32_t addr;
	uint64_t len = 32;

	p = parse_ipv4_addr(s, end, &addr);
	if (!p)
		return -EINVAL;
	if (*p == '/') {
		if (parse_u64(p + 1, &len) || len > 32)
			return -EINVAL;
	} else if (*p) {
		return -EINVAL;
	}
	cidr_range(addr, (unsigned)len, first, last);
	return 0;
}

void cidr_range(uint32_t addr, unsigned len, uint32_t *first, uint32_t *last)
{
	uint32_t mask = len ? ~0u << (32 - len) : 0;

	*first = addr & mask;
	*last = *first | ~mask;
}

void format_ipv4(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int run_cmd(char *const argv[], char *errbuf, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int status, err, pipefd[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		return -err;
	}
	if (errbuf && errlen)
		errbuf[0] = 0;
	for (;;) {
		char junk[256];

		if (errbuf && got + 1 < errlen)
			n = read(pipefd[0], errbuf + got, errlen - 1 - got);
		else
			n = read(pipefd[0], junk, sizeof(junk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (errbuf && got + 1 < errlen)
			got += (size_t)n;
	}
	close(pipefd[0]);
	if (errbuf && errlen) {
		errbuf[got] = 0;
		errbuf[strcspn(errbuf, "\n")] = 0;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int exit_code_for(int err)
{
	if (!err)
		return RS_EXIT_OK;
	if (err == -EEXIST || err == -ENOENT)
		return RS_EXIT_STATE;
	return RS_EXIT_FAIL;
}

int mkdir_p(const char *path)
{
	char tmp[256], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

FILE *rs_open_output(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f)
		rs_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

int rs_close_output(FILE *f, const char *path)
{
	int failed = fflush(f) || ferror(f);

	if (f != stdout)
		failed |= fclose(f) != 0;
	if (failed) {
		rs_error("cannot write %s", path);
		return -EIO;
	}
	return 0;
}

static char sigbus_line[512];
static size_t sigbus_len;

static void on_sigbus(int sig)
{
	ssize_t n = write(STDERR_FILENO, sigbus_line, sigbus_len);

	(void)sig;
	(void)n;
	_exit(RS_EXIT_FAIL);
}

void rs_reading_mapped(const char *path)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	int n;

	n = snprintf(sigbus_line, sizeof(sigbus_line),
		     "rescan: cannot read '%s': Input/output error in its mapping (a failing "
		     "disk, or the file cut short while rescan read it)\n", path);
	sigbus_len = n < 0 ? 0 : (size_t)n < sizeof(sigbus_line) ? (size_t)n : sizeof(sigbus_line) - 1;
	sigaction(SIGBUS, &sa, NULL);
}
