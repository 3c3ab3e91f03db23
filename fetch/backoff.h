/*
 * backoff.h
 *		Waiting between attempts: capped exponential backoff with jitter, and sleeping.
 */
#ifndef GCSTITCH_FETCH_BACKOFF_H
#define GCSTITCH_FETCH_BACKOFF_H

typedef struct Backoff
{
	double		base;			/* seconds before the first retry (before jitter) */
	double		cap;			/* longest wait between two attempts */
	int			max_retries;	/* retries of one request before giving up */
} Backoff;

/* The wait before retry number attempt (0 for the first): a random time in [d/2, d]. */
extern double backoff_delay(const Backoff *backoff, int attempt);

extern void sleep_seconds(double seconds);
extern double monotonic_seconds(void);

#endif
