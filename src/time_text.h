/*
 * time_text.h
 *		Timestamps, second counts and intervals as text or microseconds, independent of TimeZone
 *		and DateStyle: Genesys Cloud's ISO-8601 date-times and the canonical forms of the types.
 */
#ifndef GCSTITCH_TIME_TEXT_H
#define GCSTITCH_TIME_TEXT_H

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

/* Room for "YYYY-MM-DDTHH:MM:SS.ffffffZ" and its terminating NUL. */
#define ISO_DATE_BUFSIZE 28

/* Genesys Cloud's date-times: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|offset)". */
extern bool iso_date_parse(const char *s, int len, TimestampTz *result);
extern bool iso_date_format(TimestampTz ts, char *buf);

/* The types' timestamps: "[-]YYYY[YY]-MM-DDTHH:MM:SS[.ffffff]Z"; the parser returns a detail or NULL. */
extern const char *utc_timestamp_parse(const char **pp, int64 *out);
extern void utc_timestamp_append(StringInfo buf, int64 ts);

/* Second counts "<seconds>[.<fraction>]s": one grammar for both types. */
typedef enum SecondsError
{
	SECONDS_OK,
	SECONDS_NOT_A_NUMBER,		/* no digit where the seconds start */
	SECONDS_FRACTION,			/* a fraction without 1 to 6 digits */
	SECONDS_NOT_CANONICAL,		/* a leading zero, or a trailing zero in the fraction */
	SECONDS_NO_UNIT,			/* no "s" after the number */
	SECONDS_OUT_OF_RANGE		/* more microseconds than an int64 holds */
} SecondsError;

extern SecondsError seconds_parse(const char **pp, bool canonical, int64 *us);
extern void seconds_append(StringInfo buf, int64 us);

/* Pure microsecond intervals (no day or month part), and back with months of 30 days. */
extern Interval *interval_from_us(int64 us);
extern Interval *interval_fill(Interval *iv, int64 us);
extern bool interval_to_us(const Interval *iv, int64 *us);

#endif							/* GCSTITCH_TIME_TEXT_H */
