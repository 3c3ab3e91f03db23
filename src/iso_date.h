/*
 * iso_date.h
 *		ISO-8601 UTC date-times as Genesys Cloud writes them, parsed without TimeZone.
 */
#ifndef GCSTITCH_ISO_DATE_H
#define GCSTITCH_ISO_DATE_H

#include "datatype/timestamp.h"

extern bool iso_date_parse(const char *s, int len, TimestampTz *result);

#endif							/* GCSTITCH_ISO_DATE_H */
