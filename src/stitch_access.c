/*
 * stitch_access.c
 *		SQL-facing readers of a stitch value: interactions() and the scalar
 *		totals.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"
#include "utils/timestamp.h"

#include "stitch_type.h"

/* A pure microsecond interval (no day or month part). */
static Datum
us_interval(int64 us)
{
	Interval   *iv = palloc(sizeof(Interval));

	iv->time = us;
	iv->day = 0;
	iv->month = 0;
	return IntervalPGetDatum(iv);
}

/* Fills *iv as a pure microsecond interval and returns it as a Datum. */
static inline Datum
set_interval(Interval *iv, int64 us)
{
	iv->time = us;
	iv->day = 0;
	iv->month = 0;
	return IntervalPGetDatum(iv);
}

#define INTERACTIONS_COLS 15

/* interactions(stitch): one row per island in time order. */
PG_FUNCTION_INFO_V1(gcstitch_interactions);
Datum
gcstitch_interactions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	StitchCursor cur;
	StitchMeasures m;
	int32		no = 0;
	MemoryContext oldcxt;
	Interval	iv[10];

	/*
	 * Materialize mode, but with the result descriptor built once per query
	 * (InitMaterializedSRF would rebuild it from the catalog on every call,
	 * in the per-query context).
	 */
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		TupleDesc	td;

		oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		fcinfo->flinfo->fn_extra = CreateTupleDescCopy(td);
		MemoryContextSwitchTo(oldcxt);
	}
	/*
	 * setDesc stays NULL: the executor then reads the rows with the
	 * descriptor it expects (the declared result type, the same as ours)
	 * instead of checking and freeing a copy made on every call.
	 */
	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(false, false, work_mem);
	MemoryContextSwitchTo(oldcxt);

	stitch_cursor_init(&cur, v);
	while (stitch_next_island(&cur, &m))
	{
		Datum		values[INTERACTIONS_COLS];
		bool		nulls[INTERACTIONS_COLS] = {0};

		/* the tuple copies the intervals: one local array serves every row */
		values[0] = Int32GetDatum(++no);
		values[1] = TimestampTzGetDatum(m.started_at);
		values[2] = TimestampTzGetDatum(m.ended_at);
		values[3] = Int32GetDatum(m.fragments);
		values[4] = set_interval(&iv[0], m.len[SC_ALERT]);
		values[5] = set_interval(&iv[1], m.len[SC_INTERACT]);
		values[6] = set_interval(&iv[2], m.len[SC_HOLD]);
		values[7] = set_interval(&iv[3], m.len[SC_WRAPUP]);
		values[8] = set_interval(&iv[4], m.len[SC_DIALING]);
		values[9] = set_interval(&iv[5], m.len[SC_CONTACTING]);
		values[10] = set_interval(&iv[6], m.len[SC_OTHER]);
		values[11] = set_interval(&iv[7], m.handle);
		values[12] = set_interval(&iv[8], m.gap);
		if (m.answered)
			values[13] = TimestampTzGetDatum(m.answered_at);
		else
			nulls[13] = true;
		if (m.has_soa)
			values[14] = set_interval(&iv[9], m.speed_of_answer);
		else
			nulls[14] = true;
		tuplestore_putvalues(rsinfo->setResult, (TupleDesc) fcinfo->flinfo->fn_extra,
							 values, nulls);
	}
	return (Datum) 0;
}

/* Which total a scalar accessor returns. */
typedef enum StitchTotal
{
	TOTAL_ALERT = SC_ALERT,
	TOTAL_TALK = SC_INTERACT,
	TOTAL_HOLD = SC_HOLD,
	TOTAL_ACW = SC_WRAPUP,
	TOTAL_HANDLE = STITCH_NCLASSES,
	TOTAL_GAP
} StitchTotal;

static int64
total_of(Stitch *v, StitchTotal what)
{
	StitchCursor cur;
	StitchMeasures m;
	int64		sum = 0;

	stitch_cursor_init(&cur, v);
	while (stitch_next_island(&cur, &m))
	{
		int64		x;

		if (what == TOTAL_HANDLE)
			x = m.handle;
		else if (what == TOTAL_GAP)
			x = m.gap;
		else
			x = m.len[what];
		sum = stitch_add_checked(sum, x);
	}
	return sum;
}

/* Number of stitched interactions. */
PG_FUNCTION_INFO_V1(gcstitch_interaction_count);
Datum
gcstitch_interaction_count(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);

	PG_RETURN_INT32(v->nislands);
}

/* Sum of fragments over the interactions. */
PG_FUNCTION_INFO_V1(gcstitch_fragments);
Datum
gcstitch_fragments(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	const StitchIsland *isl = STITCH_ISLANDS(v);
	int64		sum = 0;
	int32		i;

	for (i = 0; i < v->nislands; i++)
		sum += isl[i].nsess > 0 ? isl[i].nsess : 1;
	if (sum > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	PG_RETURN_INT32((int32) sum);
}

/* Total alert time. */
PG_FUNCTION_INFO_V1(gcstitch_alert);
Datum
gcstitch_alert(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_ALERT));
}

/* Total talk (interact) time. */
PG_FUNCTION_INFO_V1(gcstitch_talk);
Datum
gcstitch_talk(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_TALK));
}

/* Total hold time. */
PG_FUNCTION_INFO_V1(gcstitch_hold);
Datum
gcstitch_hold(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_HOLD));
}

/* Total after-call work (wrapup) time. */
PG_FUNCTION_INFO_V1(gcstitch_acw);
Datum
gcstitch_acw(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_ACW));
}

/* Total handle time (talk + hold + acw + dialing + contacting). */
PG_FUNCTION_INFO_V1(gcstitch_handle);
Datum
gcstitch_handle(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_HANDLE));
}

/* Total dead air between fragments. */
PG_FUNCTION_INFO_V1(gcstitch_gap);
Datum
gcstitch_gap(PG_FUNCTION_ARGS)
{
	return us_interval(total_of(PG_GETARG_STITCH_P(0), TOTAL_GAP));
}

/* Whether the value was stitched with the new-call rule. */
PG_FUNCTION_INFO_V1(gcstitch_split_after_wrapup);
Datum
gcstitch_split_after_wrapup(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);

	PG_RETURN_BOOL(STITCH_SPLITS(v));
}

/* The tolerance the value was stitched with. */
PG_FUNCTION_INFO_V1(gcstitch_tolerance);
Datum
gcstitch_tolerance(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);

	return us_interval(v->tolerance);
}
