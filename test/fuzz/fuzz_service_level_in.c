/*
 * fuzz_service_level_in.c
 *		libFuzzer harness: text input of gcstitch.service_level (src/service_level.c).
 *
 * The input is the literal. Either input raises 22P02 or 22003 (a count or seconds out of
 * range), or it returns a value that keeps the invariants (service_level_check.h) and whose
 * output is exactly the input: only the canonical form is accepted. Anything else (another
 * error, a crash, a memory error, a different output) is a finding.
 */
#include "postgres.h"

#include "fmgr.h"

#include "service_level_check.h"
#include "shim.h"

extern Datum gcstitch_service_level_in(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_out(PG_FUNCTION_ARGS);

typedef struct Input
{
	const uint8 *data;
	size_t		size;
} Input;

static void
RoundTrip(void *arg)
{
	Input	   *in = (Input *) arg;
	char	   *literal = fuzz_cstring(in->data, in->size);
	Datum		value = fuzz_fmgr1(gcstitch_service_level_in, CStringGetDatum(literal));
	char	   *out;

	check_service_level(value);
	out = DatumGetCString(fuzz_fmgr1(gcstitch_service_level_out, value));
	if (strcmp(out, literal) != 0)
		fuzz_fail("service_level input accepted \"%s\" but writes it \"%s\"", literal, out);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	static const char *const allowed[] = {"22P02", "22003", NULL};
	Input		in = {data, size};

	if (!fuzz_valid_cstring(data, size))
		return -1;
	if (!fuzz_call(RoundTrip, &in))
		fuzz_expect_sqlstate(allowed);
	fuzz_reset();
	return 0;
}
