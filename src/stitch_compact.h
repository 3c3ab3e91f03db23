/*
 * stitch_compact.h
 *		The compact text form of gcstitch.stitch (gcstitch.stitch_output = compact).
 */
#ifndef GCSTITCH_STITCH_COMPACT_H
#define GCSTITCH_STITCH_COMPACT_H

#include "lib/stringinfo.h"

#include "stitch_core.h"

/* What every compact text starts with; readable text starts with "v2 ". */
#define STITCH_COMPACT_PREFIX "v2c:"
#define STITCH_COMPACT_PREFIX_LEN 4

extern void stitch_compact_append(StringInfo buf, const Stitch *v);
extern const char *stitch_compact_parse(const char *str, Stitch **result);

#endif
