/*
 * report.c
 *		Messages of gcstitch-fetch. Every message is one line on stderr; an updating progress
 *		line is cleared first so the two never mix. No message ever contains a credential or a
 *		token: callers pass only Genesys's answers, URLs and database errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "progress.h"
#include "report.h"

bool		report_quiet = false;
bool		report_verbose = false;

static void WriteLine(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

static void
WriteLine(const char *fmt, va_list args)
{
	progress_clear();
	fputs("gcstitch-fetch: ", stderr);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
	fflush(stderr);
}

void
fatal(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	WriteLine(fmt, args);
	va_end(args);
	exit(EXIT_FAULT);
}

void
usage_error(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	WriteLine(fmt, args);
	va_end(args);
	fputs("Try \"gcstitch-fetch --help\" for more information.\n", stderr);
	exit(EXIT_USAGE);
}

void
warn(const char *fmt,...)
{
	va_list		args;

	if (report_quiet)
		return;
	va_start(args, fmt);
	WriteLine(fmt, args);
	va_end(args);
}

void
note(const char *fmt,...)
{
	va_list		args;

	if (!report_verbose || report_quiet)
		return;
	va_start(args, fmt);
	WriteLine(fmt, args);
	va_end(args);
}
