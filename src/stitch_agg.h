/*
 * stitch_agg.h
 *		Argument checks shared by the stitch aggregate and the row labeller.
 */
#ifndef GCSTITCH_STITCH_AGG_H
#define GCSTITCH_STITCH_AGG_H

#include "datatype/timestamp.h"

extern int64 stitch_tolerance_arg(const Interval *tol);
extern void stitch_check_bounds(int64 start, int64 end);

#endif
