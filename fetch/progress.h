/*
 * progress.h
 *		The one updating progress line on a terminal: pages, conversations, MB and rate.
 */
#ifndef GCSTITCH_FETCH_PROGRESS_H
#define GCSTITCH_FETCH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Shown only when enabled is true and stderr is a terminal. */
extern void progress_init(bool enabled);
extern bool progress_shown(void);

/* A new interval begins: counts start again from zero. */
extern void progress_interval(int64_t start, int64_t end);

/* What happens now ("job QUEUED", "rate limited: waiting 2 s", ...). */
extern void progress_status(const char *status);

/* Counts of the interval so far. */
extern void progress_counts(int pages, int64_t conversations, uint64_t bytes);

/* Erases the line (before another message); the next update draws it again. */
extern void progress_clear(void);

/* Leaves the last state of the line on the screen and moves to the next line. */
extern void progress_finish(void);

#endif
