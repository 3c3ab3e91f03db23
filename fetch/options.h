/*
 * options.h
 *		The command line of gcstitch-fetch.
 */
#ifndef GCSTITCH_FETCH_OPTIONS_H
#define GCSTITCH_FETCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Options
{
	bool		since_last;		/* continue from what was fetched (the default without --from) */
	int64_t		from;			/* --from, ms; -1 when not given */
	int64_t		to;				/* --to, ms; -1 = Genesys's data availability date */
	char	   *api_url;		/* malloc'd, no trailing slash */
	char	   *login_url;		/* malloc'd, no trailing slash */
	const char *credentials_file;
	const char *conninfo;		/* -d; NULL = libpq's PG* environment variables */
	char	   *source;			/* malloc'd; default: api_url */
	int64_t		job_ms;			/* --job-hours */
	int64_t		overlap_ms;		/* --overlap (minutes) */
	int			page_size;		/* 0 = Genesys's default */
	double		max_rate;		/* requests a second, 0 = no cap */
	int			max_retries;
	double		backoff_base;
	double		backoff_cap;
	double		poll_cap;		/* longest wait between two job status polls */
	long		job_timeout;	/* seconds a job may stay QUEUED or PENDING */
	int			max_job_attempts;	/* jobs made for one interval before giving up */
	long		timeout;		/* seconds one HTTP exchange may take */
	bool		strict;
	bool		dry_run;
	bool		quiet;
	bool		verbose;
} Options;

/* Parses argv; exits with status 2 and one line on a mistake, 0 after --help or --version. */
extern void options_parse(int argc, char **argv, Options *opt);
extern void options_free(Options *opt);

#endif
