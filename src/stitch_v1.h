/*
 * stitch_v1.h
 *		Reading stitch values of format 1 (gcstitch 0.1.0).
 */
#ifndef GCSTITCH_STITCH_V1_H
#define GCSTITCH_STITCH_V1_H

#include "lib/stringinfo.h"

#include "stitch_core.h"

extern Stitch *stitch_v1_upgrade(const void *stored);
extern const char *stitch_v1_in(const char *str, Stitch **result);
extern Stitch *stitch_v1_recv(StringInfo buf, const char **detail);

#endif
