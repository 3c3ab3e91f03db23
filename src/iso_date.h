/*
 * iso_date.h
 *		ISO-8601 UTC date-times as Genesys Cloud writes them, parsed and written without TimeZone.
 */
#ifndef GCSTITCH_ISO_DATE_H
#define GCSTITCH_ISO_DATE_H

#include "datatype/timestamp.h"

/* Room for "YYYY-MM-DDTHH:MM:SS.ffffffZ" and its terminating NUL. */
#define ISO_DATE_BUFSIZE 28

extern bool iso_date_parse(const char *s, int len, TimestampTz *result);
extern bool iso_date_format(TimestampTz ts, char *buf);

#endif							/* GCSTITCH_ISO_DATE_H */
