/*
 * report.h
 *		Messages of gcstitch-fetch: one line each on stderr, prefixed with the program name.
 */
#ifndef GCSTITCH_FETCH_REPORT_H
#define GCSTITCH_FETCH_REPORT_H

#include <stdbool.h>

/* Exit statuses (also in --help). */
#define EXIT_FAULT 1
#define EXIT_USAGE 2
#define EXIT_LOCKED 3

extern bool report_quiet;		/* --quiet: warnings off */
extern bool report_verbose;		/* --verbose: notes on */

/* A fault the program cannot get past: one line, then exit status 1. */
extern void fatal(const char *fmt,...) __attribute__((noreturn, format(printf, 1, 2)));

/* A command-line mistake: one line and a pointer to --help, then exit status 2. */
extern void usage_error(const char *fmt,...) __attribute__((noreturn, format(printf, 1, 2)));

/* Something the user should know (a job retried, rejected conversations); off with --quiet. */
extern void warn(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* Details of what happens (retries, waits); only with --verbose. */
extern void note(const char *fmt,...) __attribute__((format(printf, 1, 2)));

#endif
