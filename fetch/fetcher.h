/*
 * fetcher.h
 *		One interval from Genesys Cloud into the database: its job, the polls, its pages.
 */
#ifndef GCSTITCH_FETCH_FETCHER_H
#define GCSTITCH_FETCH_FETCHER_H

#include <libpq-fe.h>

#include "genesys.h"
#include "options.h"
#include "store.h"

typedef struct Totals
{
	int			intervals;		/* completed */
	int			pages;
	int64_t		conversations;	/* as served by Genesys (a conversation of two jobs counts twice) */
	int64_t		rejected;		/* sent to gcstitch.import_reject */
	uint64_t	bytes;
} Totals;

typedef struct Fetcher
{
	Genesys    *api;
	PGconn	   *db;
	const Options *opt;
	Totals		totals;
} Fetcher;

/* Fetches the interval of row until it is completed (resuming its job and cursor if it has them). */
extern void fetch_interval(Fetcher *f, IntervalRow *row);

#endif
