/*
 * stitch_agg.h
 *		Argument checks shared by the stitch aggregate and the row labeller.
 */
#ifndef GCSTITCH_STITCH_AGG_H
#define GCSTITCH_STITCH_AGG_H

#include "datatype/timestamp.h"

extern int64 stitch_tolerance_arg(const Interval *tol);
extern void stitch_check_bounds(int64 start, int64 end);
extern void stitch_null_rule_arg(const char *name) pg_attribute_noreturn();

/* True when a row's tolerance argument is the last row's, unit by unit (the checks can be skipped). */
static inline bool
stitch_same_tolerance_arg(const Interval *a, const Interval *b)
{
	return a->time == b->time && a->day == b->day && a->month == b->month;
}

#endif
