/*
 * not_reached.c
 *		Backend functions that gcstitch's objects refer to but the harnesses never reach (the
 *		aggregates' and accessors' code, encoding conversion, detoasting copies). Each aborts, so a
 *		harness that reached one would fail loudly instead of testing a fake. No PostgreSQL header
 *		is included: the prototypes here are deliberately not the real ones.
 */
#include <stdio.h>
#include <stdlib.h>

#define NOT_REACHED(name) \
	void name(void); \
	void name(void) \
	{ \
		fprintf(stderr, "%s is not part of what the harnesses fuzz\n", #name); \
		abort(); \
	}

NOT_REACHED(AggCheckCallContext)
NOT_REACHED(DirectFunctionCall1Coll)
NOT_REACHED(DirectFunctionCall2Coll)
NOT_REACHED(int64_to_numeric)
NOT_REACHED(interval_out)
NOT_REACHED(numeric_div)
NOT_REACHED(numeric_mul)
NOT_REACHED(numeric_trim_scale)
NOT_REACHED(pg_any_to_server)
NOT_REACHED(pg_detoast_datum_copy)
