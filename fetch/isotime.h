/*
 * isotime.h
 *		Instants as milliseconds since 1970-01-01T00:00:00Z, read from and written as ISO-8601.
 */
#ifndef GCSTITCH_FETCH_ISOTIME_H
#define GCSTITCH_FETCH_ISOTIME_H

#include <stdbool.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL */
#define ISOTIME_LEN 25

#define MS_PER_MINUTE INT64_C(60000)
#define MS_PER_HOUR INT64_C(3600000)

extern bool isotime_parse(const char *text, int64_t *ms);
extern void isotime_format(int64_t ms, char out[ISOTIME_LEN]);
extern int64_t isotime_now(void);

#endif
