/*
 * progress.c
 *		The one updating progress line on a terminal (carriage return, erase to end of line):
 *		"2024-11-04T00:00:00.000Z..2024-11-05T00:00:00.000Z  12 pages  5,210 conversations
 *		24.3 MB  3.1 MB/s  reading". Nothing is drawn when stderr is not a terminal (cron,
 *		pipes, logs) or with --quiet.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backoff.h"
#include "isotime.h"
#include "progress.h"

static struct
{
	bool		enabled;
	bool		drawn;			/* a line is on the screen now */
	char		from[ISOTIME_LEN];
	char		to[ISOTIME_LEN];
	char		status[96];
	int			pages;
	int64_t		conversations;
	uint64_t	bytes;
	double		started;
}			line;

void
progress_init(bool enabled)
{
	memset(&line, 0, sizeof(line));
	line.enabled = enabled && isatty(STDERR_FILENO);
}

bool
progress_shown(void)
{
	return line.enabled;
}

static void
Draw(void)
{
	double		elapsed = monotonic_seconds() - line.started;
	double		mb = (double) line.bytes / 1e6;

	if (!line.enabled)
		return;
	fprintf(stderr, "\r\033[K%s..%s  %d page%s  %lld conversations  %.1f MB  %.1f MB/s  %s",
			line.from, line.to, line.pages, line.pages == 1 ? "" : "s",
			(long long) line.conversations, mb, elapsed > 0 ? mb / elapsed : 0.0, line.status);
	fflush(stderr);
	line.drawn = true;
}

void
progress_interval(int64_t start, int64_t end)
{
	if (line.drawn)
		progress_finish();
	isotime_format(start, line.from);
	isotime_format(end, line.to);
	line.pages = 0;
	line.conversations = 0;
	line.bytes = 0;
	line.started = monotonic_seconds();
	line.status[0] = '\0';
	Draw();
}

void
progress_status(const char *status)
{
	snprintf(line.status, sizeof(line.status), "%s", status);
	Draw();
}

void
progress_counts(int pages, int64_t conversations, uint64_t bytes)
{
	line.pages = pages;
	line.conversations = conversations;
	line.bytes = bytes;
	Draw();
}

void
progress_clear(void)
{
	if (line.enabled && line.drawn)
	{
		fputs("\r\033[K", stderr);
		line.drawn = false;
	}
}

void
progress_finish(void)
{
	if (line.enabled && line.drawn)
	{
		fputc('\n', stderr);
		line.drawn = false;
	}
}
