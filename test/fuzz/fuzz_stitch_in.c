/*
 * fuzz_stitch_in.c
 *		libFuzzer harness: text input of gcstitch.stitch, through its fmgr entry points only
 *		(gcstitch_stitch_in, gcstitch_stitch_out), so that it does not depend on how src/stitch_*.c
 *		are organised inside.
 *
 * The input is the literal. Either input raises 22P02 (or 54000, a value too large), or the
 * value it returns must survive its own text output: in(out(v)) has the same bytes as v, and
 * accepted format 2 text is exactly what output writes.
 * Anything else (another error, a crash, a memory error, a value that does not read back) is a
 * finding.
 */
#include "postgres.h"

#include "fmgr.h"

#include "shim.h"

extern Datum gcstitch_stitch_in(PG_FUNCTION_ARGS);
extern Datum gcstitch_stitch_out(PG_FUNCTION_ARGS);

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
	char	   *out = DatumGetCString(fuzz_fmgr1(gcstitch_stitch_out, value));
	Datum		reread = fuzz_fmgr1(gcstitch_stitch_in, CStringGetDatum(out));
	Size		len = VARSIZE(DatumGetPointer(value));

	if (VARSIZE(DatumGetPointer(reread)) != len ||
		memcmp(DatumGetPointer(reread), DatumGetPointer(value), len) != 0)
		fuzz_fail("stitch text output \"%s\" does not read back to the value it was written from", out);
	/* format 2 text has one form: what input accepts is exactly what output writes */
	if (strncmp(text, "v2", 2) == 0 && strcmp(text, out) != 0)
		fuzz_fail("stitch text input \"%s\" was accepted but is not canonical (output \"%s\")", text, out);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	static const char *const allowed[] = {"22P02", "54000", NULL};
	Input		in = {data, size};

	if (!fuzz_valid_cstring(data, size))
		return -1;
	if (!fuzz_call(RoundTrip, &in))
		fuzz_expect_sqlstate(allowed);
	fuzz_reset();
	return 0;
}
