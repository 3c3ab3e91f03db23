/*
 * fuzz_stitch_recv.c
 *		libFuzzer harness: binary input of gcstitch.stitch, through its fmgr entry points only
 *		(gcstitch_stitch_recv, _send, _in, _out).
 *
 * The input is the bytes of the value as a client sends them. Either receive raises 22P03 (or
 * 54000, a value too large), or it returns a value; then bytes left unread are the caller's
 * error (22P03), else send must give back exactly the input and in(out(v)) must have the same
 * bytes as v, for both text forms. Anything else is a finding.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "shim.h"
#include "stitch_check.h"

extern Datum gcstitch_stitch_recv(PG_FUNCTION_ARGS);
extern Datum gcstitch_stitch_send(PG_FUNCTION_ARGS);

typedef struct Input
{
	const uint8 *data;
	size_t		size;
} Input;

static void
RoundTrip(void *arg)
{
	Input	   *in = (Input *) arg;
	StringInfoData msg;
	Datum		value;
	bytea	   *sent;

	initStringInfo(&msg);
	appendBinaryStringInfo(&msg, (const char *) in->data, (int) in->size);
	value = fuzz_fmgr1(gcstitch_stitch_recv, PointerGetDatum(&msg));
	if (msg.cursor != msg.len)
		return;					/* the caller's 22P03 */
	sent = DatumGetByteaP(fuzz_fmgr1(gcstitch_stitch_send, value));
	if (VARSIZE(sent) - VARHDRSZ != in->size || memcmp(VARDATA(sent), in->data, in->size) != 0)
		fuzz_fail("stitch send does not give back the %zu bytes received", in->size);
	stitch_text_reads_back(value, STITCH_OUTPUT_READABLE);
	stitch_text_reads_back(value, STITCH_OUTPUT_COMPACT);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	static const char *const allowed[] = {"22P03", "54000", NULL};
	Input		in = {data, size};

	if (size > 1 << 20)
		return -1;
	if (!fuzz_call(RoundTrip, &in))
		fuzz_expect_sqlstate(allowed);
	fuzz_reset();
	return 0;
}
