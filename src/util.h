/* SPDX-License-Identifier: GPL-2.0-only */
/* util.h - error reporting, progress lines and small helpers shared by the CLI. */
#ifndef RESCAN_UTIL_H
#define RESCAN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, documented in the README and checked by the tests. */
enum rs_exit {
	RS_EXIT_OK = 0,
	RS_EXIT_FAIL = 1,	/* the operation failed (bad input, kernel refused, ...) */
	RS_EXIT_USAGE = 2,	/* bad command line */
	RS_EXIT_STATE = 3,	/* lab state does not allow it (already up / not up) */
	RS_EXIT_BELOW = 4,	/* rescan grade: a result below the assignment's threshold */
};

/* The exit code for a command that failed with -errno err (lab state: 3). */
int exit_code_for(int err);

/*
 * Library code records what went wrong with rs_error() and returns a
 * negative errno; the command that called it prints the message once.
 */
void rs_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *rs_last_error(void);
/* The name error lines start with: "rescan", or a tool built on this code. */
extern const char *rs_program;
/* Print "rescan: <last error>" to stderr. */
void rs_print_last_error(void);
/* Print "rescan: <fmt>" to stderr: a command's own one-line error. */
void rs_print_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * This process reads the file at path through a mapping: from here on a
 * SIGBUS (the kernel could not read a page of it - a failing disk - or
 * the file was cut short while mapped) ends the process with one error
 * line naming the file, exit 1, instead of a crash. Mappings are read
 * before anything lasting is made of them (a world file is written to a
 * temporary name; a lab's maps are filled before anything is pinned).
 */
void rs_reading_mapped(const char *path);

/* Progress on a TTY only: "\r<label> <pct>%"; quiet otherwise. */
struct progress {
	bool on;
	const char *label;
	uint64_t total;
	int last_pct;
};
void progress_start(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);

/* Parse an IPv4 dotted quad; returns pointer past it or NULL. Host order out. */
const char *parse_ipv4_addr(const char *s, const char *end, uint32_t *out);
/* "a.b.c.d" or "a.b.c.d/len" -> first and last address (host order). */
int parse_cidr(const char *s, uint32_t *first, uint32_t *last);
/* The block addr/len: host bits are ignored, 192.0.2.7/24 is 192.0.2.0/24. */
void cidr_range(uint32_t addr, unsigned len, uint32_t *first, uint32_t *last);
void format_ipv4(uint32_t addr, char buf[16]);

/* Parse a whole unsigned decimal number; -EINVAL on junk or overflow. */
int parse_u64(const char *s, uint64_t *out);

/*
 * Run argv (no shell) and wait. Returns its exit status, or -errno if it
 * could not be started. stdout is dropped; the first line of stderr goes
 * to errbuf (if given) so the caller can fold it into one error line.
 */
int run_cmd(char *const argv[], char *errbuf, size_t errlen);

double now_seconds(void);

/* mkdir -p with mode 0755; 0 or -errno. */
int mkdir_p(const char *path);

/* A report to write: path opened for writing, or stdout for "-"; NULL, said, on failure. */
FILE *rs_open_output(const char *path);
/*
 * Flush and close what rs_open_output gave (stdout stays open): 0, or
 * -EIO, said, if anything of it was not written.
 */
int rs_close_output(FILE *f, const char *path);

#endif /* RESCAN_UTIL_H */
