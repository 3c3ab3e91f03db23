/*
 * stitch_type.h
 *		fmgr glue for the stored stitch value.
 */
#ifndef GCSTITCH_STITCH_TYPE_H
#define GCSTITCH_STITCH_TYPE_H

#include "fmgr.h"

#include "stitch_core.h"

#define DatumGetStitchP(X) ((Stitch *) PG_DETOAST_DATUM(X))
#define PG_GETARG_STITCH_P(n) DatumGetStitchP(PG_GETARG_DATUM(n))
#define PG_RETURN_STITCH_P(x) PG_RETURN_POINTER(x)

#endif
