/*
 * store.h
 *		The database side of gcstitch-fetch (libpq): what was fetched, and the import of each page.
 */
#ifndef GCSTITCH_FETCH_STORE_H
#define GCSTITCH_FETCH_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "page.h"

/* One row of gcstitch.fetch_interval. */
typedef struct IntervalRow
{
	int64_t		start;			/* ms */
	int64_t		end;
	char	   *job_id;			/* the Genesys job being read; NULL before one is made */
	char	   *next_cursor;	/* the page to read next; NULL = the first */
	int			pages;			/* pages of the current job imported */
	int64_t		conversations;
	int			job_attempts;	/* jobs made for this interval */
	bool		completed;
} IntervalRow;

/* What gcstitch.import() said about one page. */
typedef struct ImportCounts
{
	int64_t		conversations;
	int64_t		segments;
	int64_t		metrics;
	int64_t		replaced;
	int64_t		rejected;
} ImportCounts;

extern PGconn *store_connect(const char *conninfo);

/* Takes the session lock of source; false when another session holds it. */
extern bool store_lock_source(PGconn *db, const char *source);

/* Unfinished intervals of source, oldest first; returns how many (rows malloc'd). */
extern int	store_unfinished(PGconn *db, const char *source, IntervalRow **rows);

/* End of the latest completed interval of source; false when there is none. */
extern bool store_last_end(PGconn *db, const char *source, int64_t *end);

/* Records [start, end) to fetch: a finished one starts over, an unfinished one is resumed. */
extern void store_open(PGconn *db, const char *source, int64_t start, int64_t end, IntervalRow *row);

/* A new job for the interval: its pages start from the first. */
extern void store_new_job(PGconn *db, const char *source, IntervalRow *row, const char *job_id);

/* Imports one page and records the next cursor, in one transaction. */
extern void store_import_page(PGconn *db, const char *source, IntervalRow *row, const char *body,
							  const Page *page, bool strict, ImportCounts *counts);

extern void interval_row_free(IntervalRow *row);

#endif
