/*
 * stitch_type.h
 *		fmgr glue for the stored stitch value.
 */
#ifndef GCSTITCH_STITCH_TYPE_H
#define GCSTITCH_STITCH_TYPE_H

#include "fmgr.h"

#include "time_text.h"

#include "stitch_core.h"
#include "stitch_v1.h"

/* The detoasted value; a value stored by 0.1.0 (format 1) is read as format 2. */
static inline Stitch *
DatumGetStitchP(Datum d)
{
	Stitch	   *v = (Stitch *) PG_DETOAST_DATUM(d);

	if (unlikely(v->version != STITCH_VERSION))
		return stitch_v1_upgrade(v);
	return v;
}

/* gcstitch.stitch_output: the text form the output function writes (input reads both). */
typedef enum StitchOutput
{
	STITCH_OUTPUT_READABLE,
	STITCH_OUTPUT_COMPACT
} StitchOutput;

extern int	stitch_output;

/* The detail for a tolerance seconds_parse refused. */
extern const char *tolerance_error_detail(SecondsError e);

#define PG_GETARG_STITCH_P(n) DatumGetStitchP(PG_GETARG_DATUM(n))
#define PG_RETURN_STITCH_P(x) PG_RETURN_POINTER(x)

#endif
