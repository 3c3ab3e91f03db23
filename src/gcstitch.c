/*
 * gcstitch.c
 *		Module magic, the library version and the settings (GUCs).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "stitch_type.h"

PG_MODULE_MAGIC;

static const struct config_enum_entry stitch_output_options[] = {
	{"readable", STITCH_OUTPUT_READABLE, false},
	{"compact", STITCH_OUTPUT_COMPACT, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/* Defines gcstitch.stitch_output and reserves the prefix "gcstitch." for this library's settings. */
void
_PG_init(void)
{
	DefineCustomEnumVariable("gcstitch.stitch_output",
							 "Text form written by the output function of gcstitch.stitch.",
							 "readable (the default) or compact (smaller and faster to read, "
							 "for postgres_fdw, COPY and dumps); input reads both.",
							 &stitch_output,
							 STITCH_OUTPUT_READABLE,
							 stitch_output_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("gcstitch");
}

/* Version of the loaded shared library, set by the Makefile from the control file. */
PG_FUNCTION_INFO_V1(gcstitch_version);
Datum
gcstitch_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(GCSTITCH_VERSION));
}
