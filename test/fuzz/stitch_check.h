/*
 * stitch_check.h
 *		What every gcstitch.stitch value an input function accepts must do: read back from each
 *		of its text forms (gcstitch.stitch_output readable and compact) to the same bytes. Used
 *		by the stitch harnesses.
 */
#ifndef GCSTITCH_FUZZ_STITCH_CHECK_H
#define GCSTITCH_FUZZ_STITCH_CHECK_H

#include "shim.h"
#include "stitch_compact.h"
#include "stitch_type.h"

extern Datum gcstitch_stitch_in(PG_FUNCTION_ARGS);
extern Datum gcstitch_stitch_out(PG_FUNCTION_ARGS);

/* The text of value in the form given (as SET gcstitch.stitch_output would), checked to read back. */
static inline const char *
stitch_text_reads_back(Datum value, StitchOutput form)
{
	char	   *out;
	Datum		reread;
	Size		len = VARSIZE(DatumGetPointer(value));

	stitch_output = form;
	out = DatumGetCString(fuzz_fmgr1(gcstitch_stitch_out, value));
	stitch_output = STITCH_OUTPUT_READABLE;
	reread = fuzz_fmgr1(gcstitch_stitch_in, CStringGetDatum(out));
	if (VARSIZE(DatumGetPointer(reread)) != len ||
		memcmp(DatumGetPointer(reread), DatumGetPointer(value), len) != 0)
		fuzz_fail("stitch %s text output \"%s\" does not read back to the value it was written from",
				  form == STITCH_OUTPUT_COMPACT ? "compact" : "readable", out);
	return out;
}

#endif							/* GCSTITCH_FUZZ_STITCH_CHECK_H */
