/*
 * fuzz_stitch_in.c
 *		libFuzzer harness: text input of gcstitch.stitch, through its fmgr entry points only
 *		(gcstitch_stitch_in, gcstitch_stitch_out, the latter under both values of
 *		gcstitch.stitch_output), so that it does not depend on how src/stitch_*.c are organised
 *		inside.
 *
 * The input is the literal. Either input raises 22P02 (or 54000, a value too large), or the
 * value it returns must survive both its text outputs: in(out(v)) has the same bytes as v for
 * the readable and the compact form, and accepted text of format 2 is exactly what output
 * writes in its form. Anything else (another error, a crash, a memory error, a value that does
 * not read back) is a finding. Built twice: fuzz_stitch_in takes any literal,
 * fuzz_stitch_compact (-DFUZZ_COMPACT_ONLY) only compact ones ("v2c:..."), so that its time goes
 * to the compact reader.
 */
#include "postgres.h"

#include "fmgr.h"

#include "shim.h"
#include "stitch_check.h"

typedef struct Input
{
	const uint8 *data;
	size_t		size;
} Input;

static void
RoundTrip(void *arg)
{
	Input	   *in = (Input *) arg;
	char	   *text = fuzz_cstring(in->data, in->size);
	Datum		value = fuzz_fmgr1(gcstitch_stitch_in, CStringGetDatum(text));
	const char *readable = stitch_text_reads_back(value, STITCH_OUTPUT_READABLE);
	const char *compact = stitch_text_reads_back(value, STITCH_OUTPUT_COMPACT);
	const char *same_form = strncmp(text, STITCH_COMPACT_PREFIX, STITCH_COMPACT_PREFIX_LEN) == 0 ? compact :
		strncmp(text, "v2", 2) == 0 ? readable : NULL;

	/* format 2 text has one form of each kind: what input accepts is exactly what output writes */
	if (same_form != NULL && strcmp(text, same_form) != 0)
		fuzz_fail("stitch text input \"%s\" was accepted but is not canonical (output \"%s\")", text, same_form);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	static const char *const allowed[] = {"22P02", "54000", NULL};
	Input		in = {data, size};

	if (!fuzz_valid_cstring(data, size))
		return -1;
#ifdef FUZZ_COMPACT_ONLY
	if (size < STITCH_COMPACT_PREFIX_LEN || memcmp(data, STITCH_COMPACT_PREFIX, STITCH_COMPACT_PREFIX_LEN) != 0)
		return -1;
#endif
	if (!fuzz_call(RoundTrip, &in))
		fuzz_expect_sqlstate(allowed);
	fuzz_reset();
	return 0;
}
