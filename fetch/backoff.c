/*
 * backoff.c
 *		Capped exponential backoff with jitter: retry n waits a random time between d/2 and d,
 *		where d = min(cap, base * 2^n). The random half keeps many clients that failed together
 *		from retrying together; the fixed half keeps each wait long enough to help.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"

static bool seeded = false;

double
backoff_delay(const Backoff *backoff, int attempt)
{
	double		d = backoff->base * ldexp(1.0, attempt < 30 ? attempt : 30);

	if (!seeded)
	{
		srand48((long) time(NULL) ^ ((long) getpid() << 16));
		seeded = true;
	}
	if (d > backoff->cap)
		d = backoff->cap;
	return d / 2 + drand48() * d / 2;
}

/* Sleeps the whole time, also when a signal interrupts it. */
void
sleep_seconds(double seconds)
{
	struct timespec left;

	if (seconds <= 0)
		return;
	left.tv_sec = (time_t) seconds;
	left.tv_nsec = (long) ((seconds - (double) left.tv_sec) * 1e9);
	while (nanosleep(&left, &left) != 0 && errno == EINTR)
		;
}

double
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
