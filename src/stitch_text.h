/*
 * stitch_text.h
 *		Timestamps and second counts in the text forms of the stitch value,
 *		independent of TimeZone and DateStyle.
 */
#ifndef GCSTITCH_STITCH_TEXT_H
#define GCSTITCH_STITCH_TEXT_H

#include "lib/stringinfo.h"

extern void stitch_append_timestamp(StringInfo buf, int64 ts);
extern void stitch_append_seconds(StringInfo buf, int64 us);
extern const char *stitch_parse_timestamp(const char **pp, int64 *out);
extern const char *stitch_parse_seconds(const char **pp, int64 *out);

#endif
