/*
 * stitch_access.c
 *		SQL-facing readers of a stitch value: interactions() and the scalar
 *		totals.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"
#include "utils/timestamp.h"

#include "stitch_type.h"

#define INTERACTIONS_COLS 15

/*
 * The result descriptor of interactions() and the layout of its columns,
 * all of fixed width: rows are built directly, without the generic
 * heap_form_minimal_tuple (which measures and copies each column through
 * calls, about a third of interactions()).
 */
typedef struct ResultLayout
{
	TupleDesc	desc;
	int16		len[INTERACTIONS_COLS];
	char		align[INTERACTIONS_COLS];
} ResultLayout;

/* The result descriptor and its layout, made once per query in fn_mcxt. */
static ResultLayout *
result_layout(FunctionCallInfo fcinfo)
{
	ResultLayout *rl = (ResultLayout *) fcinfo->flinfo->fn_extra;
	MemoryContext oldcxt;
	TupleDesc	td;
	int			i;

	if (rl != NULL)
		return rl;
	oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (td->natts != INTERACTIONS_COLS)
		elog(ERROR, "unexpected result type of interactions()");
	rl = palloc(sizeof(ResultLayout));
	rl->desc = CreateTupleDescCopy(td);
	for (i = 0; i < INTERACTIONS_COLS; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);

		/* int4 and timestamptz by value, interval by reference */
		if (att->attisdropped || !(att->attlen == 4 || att->attlen == 8 || att->attlen == 16) ||
			att->attbyval != (att->attlen <= 8))
			elog(ERROR, "unexpected result type of interactions()");
		rl->len[i] = att->attlen;
		rl->align[i] = att->attalign;
	}
	fcinfo->flinfo->fn_extra = rl;
	MemoryContextSwitchTo(oldcxt);
	return rl;
}

/* Room for a row of the result: header, null bitmap and data of 15 fixed-width columns. */
#define RESULT_ROW_BYTES \
	(MAXALIGN(SizeofHeapTupleHeader + BITMAPLEN(INTERACTIONS_COLS)) + INTERACTIONS_COLS * 16)

/*
 * Adds a row to the tuplestore: the tuple heap_fill_tuple would make (same
 * alignment, null bitmap and zeroed padding), built in buf (RESULT_ROW_BYTES,
 * maxaligned), then copied by tuplestore_puttuple.
 */
static void
put_result_row(Tuplestorestate *ts, const ResultLayout *rl, const Datum *values,
			   const bool *nulls, char *buf)
{
	HeapTupleHeader th = (HeapTupleHeader) buf;
	HeapTupleData tuple;
	bool		hasnull = false;
	Size		hoff;
	Size		off = 0;
	char	   *data;
	int			i;

	for (i = 0; i < INTERACTIONS_COLS; i++)
		hasnull |= nulls[i];
	hoff = MAXALIGN(SizeofHeapTupleHeader + (hasnull ? BITMAPLEN(INTERACTIONS_COLS) : 0));
	memset(buf, 0, hoff);
	data = buf + hoff;
	for (i = 0; i < INTERACTIONS_COLS; i++)
	{
		Size		aligned;

		if (nulls[i])
			continue;
		if (hasnull)
			th->t_bits[i >> 3] |= (bits8) (1 << (i & 7));
		/* padding is zeroed, as heap_form_tuple does (a whole-row memset is slower) */
		aligned = att_align_nominal(off, rl->align[i]);
		while (off < aligned)
			data[off++] = 0;
		if (rl->len[i] == 4)
			*(int32 *) (data + off) = DatumGetInt32(values[i]);
		else if (rl->len[i] == 8)
			*(int64 *) (data + off) = DatumGetInt64(values[i]);
		else
			memcpy(data + off, DatumGetPointer(values[i]), 16);
		off += rl->len[i];
	}
	HeapTupleHeaderSetNatts(th, INTERACTIONS_COLS);
	th->t_hoff = hoff;
	th->t_infomask = hasnull ? HEAP_HASNULL : 0;
	HeapTupleHeaderSetDatumLength(th, hoff + off);
	HeapTupleHeaderSetTypeId(th, rl->desc->tdtypeid);
	HeapTupleHeaderSetTypMod(th, rl->desc->tdtypmod);
	ItemPointerSetInvalid(&th->t_ctid);
	tuple.t_len = hoff + off;
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	tuplestore_puttuple(ts, &tuple);
}

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
	ResultLayout *rl;
	Interval	iv[10];
	union
	{
		char		bytes[RESULT_ROW_BYTES];
		double		align;
	}			row;

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
	rl = result_layout(fcinfo);
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
		values[4] = IntervalPGetDatum(interval_fill(&iv[0], m.len[SC_ALERT]));
		values[5] = IntervalPGetDatum(interval_fill(&iv[1], m.len[SC_INTERACT]));
		values[6] = IntervalPGetDatum(interval_fill(&iv[2], m.len[SC_HOLD]));
		values[7] = IntervalPGetDatum(interval_fill(&iv[3], m.len[SC_WRAPUP]));
		values[8] = IntervalPGetDatum(interval_fill(&iv[4], m.len[SC_DIALING]));
		values[9] = IntervalPGetDatum(interval_fill(&iv[5], m.len[SC_CONTACTING]));
		values[10] = IntervalPGetDatum(interval_fill(&iv[6], m.len[SC_OTHER]));
		values[11] = IntervalPGetDatum(interval_fill(&iv[7], m.handle));
		values[12] = IntervalPGetDatum(interval_fill(&iv[8], m.gap));
		if (m.answered)
			values[13] = TimestampTzGetDatum(m.answered_at);
		else
			nulls[13] = true;
		if (m.has_soa)
			values[14] = IntervalPGetDatum(interval_fill(&iv[9], m.speed_of_answer));
		else
			nulls[14] = true;
		put_result_row(rsinfo->setResult, rl, values, nulls, row.bytes);
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
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_ALERT)));
}

/* Total talk (interact) time. */
PG_FUNCTION_INFO_V1(gcstitch_talk);
Datum
gcstitch_talk(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_TALK)));
}

/* Total hold time. */
PG_FUNCTION_INFO_V1(gcstitch_hold);
Datum
gcstitch_hold(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_HOLD)));
}

/* Total after-call work (wrapup) time. */
PG_FUNCTION_INFO_V1(gcstitch_acw);
Datum
gcstitch_acw(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_ACW)));
}

/* Total handle time (talk + hold + acw + dialing + contacting). */
PG_FUNCTION_INFO_V1(gcstitch_handle);
Datum
gcstitch_handle(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_HANDLE)));
}

/* Total dead air between fragments. */
PG_FUNCTION_INFO_V1(gcstitch_gap);
Datum
gcstitch_gap(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(total_of(PG_GETARG_STITCH_P(0), TOTAL_GAP)));
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

	PG_RETURN_INTERVAL_P(interval_from_us(v->tolerance));
}
