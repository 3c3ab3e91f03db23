/*
 * seed_binary.c
 *		Turns text literals into binary seeds for the receive harnesses: reads one literal a line
 *		on stdin, writes what the type's send function gives for it to DIR/<line number>; with
 *		stitch_compact, the literal's compact text instead (seeds of fuzz_stitch_compact). Lines
 *		the input function refuses are skipped.
 *		Usage: seed_binary service_level|stitch|stitch_compact DIR
 */
#include "postgres.h"

#include "fmgr.h"

#include "shim.h"
#include "stitch_check.h"

extern Datum gcstitch_service_level_in(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_send(PG_FUNCTION_ARGS);
extern Datum gcstitch_stitch_send(PG_FUNCTION_ARGS);

typedef struct Conversion
{
	PGFunction	in;
	PGFunction	send;
	const char *literal;
	bytea	   *bytes;
} Conversion;

/* The compact text of a stitch value, as bytes: the "send" of the stitch_compact seeds. */
static Datum
CompactText(PG_FUNCTION_ARGS)
{
	const char *text = stitch_text_reads_back(PG_GETARG_DATUM(0), STITCH_OUTPUT_COMPACT);
	size_t		len = strlen(text);
	bytea	   *bytes = palloc(VARHDRSZ + len);

	SET_VARSIZE(bytes, VARHDRSZ + len);
	memcpy(VARDATA(bytes), text, len);
	PG_RETURN_BYTEA_P(bytes);
}

static void
Convert(void *arg)
{
	Conversion *c = (Conversion *) arg;

	c->bytes = DatumGetByteaP(fuzz_fmgr1(c->send, fuzz_fmgr1(c->in, CStringGetDatum(c->literal))));
}

int
main(int argc, char **argv)
{
	Conversion	c = {0};
	char		line[65536];
	int			lineno = 0;
	int			written = 0;

	if (argc != 3)
		fuzz_fail("usage: seed_binary service_level|stitch|stitch_compact DIR");
	if (strcmp(argv[1], "service_level") == 0)
		c = (Conversion) {gcstitch_service_level_in, gcstitch_service_level_send};
	else if (strcmp(argv[1], "stitch") == 0)
		c = (Conversion) {gcstitch_stitch_in, gcstitch_stitch_send};
	else if (strcmp(argv[1], "stitch_compact") == 0)
		c = (Conversion) {gcstitch_stitch_in, CompactText};
	else
		fuzz_fail("usage: seed_binary service_level|stitch|stitch_compact DIR");
	while (fgets(line, sizeof(line), stdin) != NULL)
	{
		char		path[4096];
		FILE	   *f;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		c.literal = line;
		if (fuzz_call(Convert, &c))
		{
			snprintf(path, sizeof(path), "%s/%d", argv[2], lineno);
			f = fopen(path, "wb");
			if (f == NULL || fwrite(VARDATA(c.bytes), 1, VARSIZE(c.bytes) - VARHDRSZ, f) != VARSIZE(c.bytes) - VARHDRSZ ||
				fclose(f) != 0)
				fuzz_fail("cannot write %s", path);
			written++;
		}
		fuzz_reset();
	}
	printf("%d of %d literals written as %s seeds\n", written, lineno, argv[1]);
	return 0;
}
