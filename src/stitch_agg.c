/*
 * stitch_agg.c
 *		The stitch(...) and rollup(stitch) aggregates: transition, combine,
 *		serialize, deserialize and final functions.
 *
 * The transition state only appends 24-byte items (start, end, class and
 * session identity) to an array in the aggregate context; the final
 * function sorts once and builds the stored value.  rollup() feeds the
 * intervals of stored values to the same state, so both aggregates share
 * combine, serial, deserial and final functions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "stitch_agg.h"
#include "stitch_type.h"

typedef struct StitchState
{
	int64		tolerance;		/* microseconds, valid when has_tol */
	bool		has_tol;
	Interval	tol_arg;		/* last tolerance argument seen, for a fast check */
	int32		n;				/* items used */
	int32		cap;			/* items allocated */
	StitchItem *items;
} StitchState;

#define STATE_INITIAL_CAP 10	/* 240 bytes: fits a 256-byte chunk */
#define STATE_MAX_CAP ((int32) (MaxAllocSize / sizeof(StitchItem)))

/* Serialized state header (after the bytea header). */
typedef struct StitchStateSer
{
	uint8		version;
	uint8		has_tol;
	uint16		unused;
	int32		n;
	int64		tolerance;
} StitchStateSer;

#define STATE_SER_VERSION 1

static StitchState *
state_create(MemoryContext ctx, int32 cap)
{
	StitchState *st = MemoryContextAllocZero(ctx, sizeof(StitchState));

	st->cap = Max(cap, STATE_INITIAL_CAP);
	st->items = MemoryContextAlloc(ctx, sizeof(StitchItem) * st->cap);
	return st;
}

/* Makes room for extra more items (the array stays in its own context). */
static void
state_reserve(StitchState *st, int64 extra)
{
	int64		need = (int64) st->n + extra;
	int64		cap = st->cap;

	if (need <= cap)
		return;
	if (need > STATE_MAX_CAP)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many segments in one stitch group"),
				 errdetail("A group can hold at most %d segments.", STATE_MAX_CAP)));
	/* allocation sizes of a power of two bytes: AllocSet rounds up to one anyway */
	while (cap < need)
		cap = (int64) (pg_nextpower2_64((uint64) (cap + 1) * sizeof(StitchItem))
					   / sizeof(StitchItem));
	if (cap > STATE_MAX_CAP)
		cap = STATE_MAX_CAP;
	st->items = repalloc(st->items, sizeof(StitchItem) * cap);
	st->cap = (int32) cap;
}

static void
tolerance_mismatch(int64 a, int64 b, bool rollup)
{
	StringInfoData buf;

	initStringInfo(&buf);
	stitch_append_seconds(&buf, a);
	appendStringInfoString(&buf, " and ");
	stitch_append_seconds(&buf, b);
	if (rollup)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot roll up stitch values with different tolerances"),
				 errdetail("Tolerances %s were found.", buf.data)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("tolerance must be the same for every row of a group"),
			 errdetail("Tolerances %s were found.", buf.data)));
}

/* Records tolerance us on st, or checks it equals the one recorded. */
static inline void
state_set_tolerance(StitchState *st, int64 us, bool rollup)
{
	if (!st->has_tol)
	{
		st->tolerance = us;
		st->has_tol = true;
	}
	else if (st->tolerance != us)
		tolerance_mismatch(st->tolerance, us, rollup);
}

/*
 * Microseconds of a tolerance argument: no month or day units, not
 * negative.  A NULL tolerance is checked by the callers.
 */
int64
stitch_tolerance_arg(const Interval *tol)
{
	if (tol->month != 0 || tol->day != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must not have day, month or year units"),
				 errdetail("Tolerance is \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(tol)))),
				 errhint("Use hours, minutes and seconds, for example '30 seconds' or '36 hours'.")));
	if (tol->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must not be negative"),
				 errdetail("Tolerance is \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   IntervalPGetDatum(tol))))));
	return tol->time;
}

/* Checks one row's bounds: both finite, end not before start. */
void
stitch_check_bounds(int64 start, int64 end)
{
	if (TIMESTAMP_NOT_FINITE(start) || TIMESTAMP_NOT_FINITE(end))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("segment start and end must be finite")));
	if (end < start)
	{
		StringInfoData s;
		StringInfoData e;

		initStringInfo(&s);
		initStringInfo(&e);
		stitch_append_timestamp(&s, start);
		stitch_append_timestamp(&e, end);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("segment end is before its start"),
				 errdetail("Start is \"%s\" and end is \"%s\" (UTC).", s.data, e.data)));
	}
}

static void
null_tolerance(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("tolerance must not be null")));
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *what)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		elog(ERROR, "%s called in non-aggregate context", what);
	return ctx;
}

/*
 * Transition of stitch(seg_start, seg_end, seg_type, session_id, tolerance):
 * checks the tolerance on every row, skips rows with a NULL bound, appends
 * one item.
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_transfn);
Datum
gcstitch_stitch_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "gcstitch_stitch_transfn");
	StitchState *st;
	Interval   *tol;
	int64		s,
				e;
	int			cls = SC_OTHER;
	uint64		sid = 0;
	StitchItem *it;

	if (PG_ARGISNULL(5))
		null_tolerance();
	tol = PG_GETARG_INTERVAL_P(5);

	if (PG_ARGISNULL(0))
		st = state_create(ctx, STATE_INITIAL_CAP);
	else
		st = (StitchState *) PG_GETARG_POINTER(0);

	if (!st->has_tol || memcmp(&st->tol_arg, tol, sizeof(Interval)) != 0)
	{
		state_set_tolerance(st, stitch_tolerance_arg(tol), false);
		st->tol_arg = *tol;
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	s = PG_GETARG_TIMESTAMPTZ(1);
	e = PG_GETARG_TIMESTAMPTZ(2);
	stitch_check_bounds(s, e);

	if (!PG_ARGISNULL(3))
	{
		text	   *t = PG_GETARG_TEXT_PP(3);

		cls = stitch_class_of(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	if (!PG_ARGISNULL(4))
	{
		text	   *t = PG_GETARG_TEXT_PP(4);

		sid = stitch_session_hash(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}

	if (st->n >= st->cap)
		state_reserve(st, 1);
	it = &st->items[st->n++];
	it->s = s;
	it->e = e;
	it->tag = STITCH_TAG(cls, sid);
	PG_RETURN_POINTER(st);
}

/* Transition of rollup(stitch): adds the intervals and sessions of a stored value. */
PG_FUNCTION_INFO_V1(gcstitch_rollup_transfn);
Datum
gcstitch_rollup_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "gcstitch_rollup_transfn");
	StitchState *st = PG_ARGISNULL(0) ? NULL : (StitchState *) PG_GETARG_POINTER(0);
	Stitch	   *v;

	if (PG_ARGISNULL(1))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	v = PG_GETARG_STITCH_P(1);
	if (st == NULL)
		st = state_create(ctx, (int32) Min(stitch_expanded_count(v), STATE_MAX_CAP));
	state_set_tolerance(st, v->tolerance, true);
	state_reserve(st, stitch_expanded_count(v));
	st->n += stitch_expand(v, st->items + st->n);
	PG_RETURN_POINTER(st);
}

/* Combine: appends the second state's items to the first (copied into the aggregate context). */
PG_FUNCTION_INFO_V1(gcstitch_stitch_combinefn);
Datum
gcstitch_stitch_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "gcstitch_stitch_combinefn");
	StitchState *a = PG_ARGISNULL(0) ? NULL : (StitchState *) PG_GETARG_POINTER(0);
	StitchState *b = PG_ARGISNULL(1) ? NULL : (StitchState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = state_create(ctx, b->n);
		a->tolerance = b->tolerance;
		a->has_tol = b->has_tol;
		a->tol_arg = b->tol_arg;
	}
	else if (b->has_tol)
	{
		/* a rollup state never saw an interval argument: compare microseconds */
		state_set_tolerance(a, b->tolerance, false);
	}
	if (b->n > 0)
	{
		state_reserve(a, b->n);
		memcpy(a->items + a->n, b->items, sizeof(StitchItem) * b->n);
		a->n += b->n;
	}
	PG_RETURN_POINTER(a);
}

/* Serialize: a small header and the raw items (same machine, same layout). */
PG_FUNCTION_INFO_V1(gcstitch_stitch_serialfn);
Datum
gcstitch_stitch_serialfn(PG_FUNCTION_ARGS)
{
	StitchState *st = (StitchState *) PG_GETARG_POINTER(0);
	StitchStateSer hdr;
	Size		sz;
	bytea	   *out;

	sz = add_size(VARHDRSZ + sizeof(StitchStateSer),
				  mul_size(st->n, sizeof(StitchItem)));
	if (sz > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many segments in one stitch group")));
	out = palloc(sz);
	SET_VARSIZE(out, sz);
	memset(&hdr, 0, sizeof(hdr));
	hdr.version = STATE_SER_VERSION;
	hdr.has_tol = st->has_tol ? 1 : 0;
	hdr.n = st->n;
	hdr.tolerance = st->has_tol ? st->tolerance : 0;
	memcpy(VARDATA(out), &hdr, sizeof(hdr));
	if (st->n > 0)
		memcpy(VARDATA(out) + sizeof(hdr), st->items, sizeof(StitchItem) * st->n);
	PG_RETURN_BYTEA_P(out);
}

static void
bad_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized stitch aggregate state"),
			 errdetail_internal("%s", detail)));
}

/* Deserialize: checks the header, the length and every item before use. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_deserialfn);
Datum
gcstitch_stitch_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "gcstitch_stitch_deserialfn");
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	StitchStateSer hdr;
	StitchState *st;
	int32		i;

	if (len < sizeof(hdr))
		bad_state("The state is shorter than its header.");
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.version != STATE_SER_VERSION || hdr.has_tol > 1 || hdr.unused != 0)
		bad_state("The state header is invalid.");
	if (hdr.n < 0 || hdr.n > STATE_MAX_CAP ||
		len != sizeof(hdr) + (Size) hdr.n * sizeof(StitchItem))
		bad_state("The item count does not match the length of the state.");
	if ((hdr.n > 0 && !hdr.has_tol) || hdr.tolerance < 0 ||
		(!hdr.has_tol && hdr.tolerance != 0))
		bad_state("The tolerance is invalid.");

	st = state_create(ctx, hdr.n);
	st->has_tol = hdr.has_tol;
	st->tolerance = hdr.tolerance;
	if (hdr.n > 0)
		memcpy(st->items, p + sizeof(hdr), sizeof(StitchItem) * hdr.n);
	st->n = hdr.n;
	for (i = 0; i < st->n; i++)
	{
		const StitchItem *it = &st->items[i];

		if (!IS_VALID_TIMESTAMP(it->s) || !IS_VALID_TIMESTAMP(it->e) ||
			it->e < it->s || STITCH_TAG_CLASS(it->tag) >= STITCH_NCLASSES)
			bad_state("An item is invalid.");
	}
	PG_RETURN_POINTER(st);
}

/* Final: NULL for a group without rows, else the stored value. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_finalfn);
Datum
gcstitch_stitch_finalfn(PG_FUNCTION_ARGS)
{
	StitchState *st;

	agg_context(fcinfo, "gcstitch_stitch_finalfn");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (StitchState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_STITCH_P(stitch_build(st->items, st->n, st->tolerance));
}
