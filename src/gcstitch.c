/*
 * gcstitch.c
 *		Module magic and the library version.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

/* Version of the loaded shared library, set by the Makefile from the control file. */
PG_FUNCTION_INFO_V1(gcstitch_version);
Datum
gcstitch_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(GCSTITCH_VERSION));
}
