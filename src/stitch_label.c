/*
 * stitch_label.c
 *		interaction_no(seg_start, seg_end, seg_type, tolerance
 *		[, split_after_wrapup]) OVER (PARTITION BY key ORDER BY seg_start,
 *		seg_end): the interaction each row belongs to, numbered as
 *		interactions() numbers them.
 *
 * Rule 2 decides on all the rows that start at one instant together (one of
 * them may be an offer), whatever their order among peers: at the first row
 * of each start the function reads ahead over the rows with that start.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "windowapi.h"

#include "stitch_agg.h"
#include "stitch_core.h"

/* Arguments of the labeller. */
#define ARG_START 0
#define ARG_END 1
#define ARG_TYPE 2
#define ARG_TOLERANCE 3
#define ARG_SPLIT 4

/* Running state of interaction_no() in one partition. */
typedef struct LabelState
{
	bool		started;		/* a row with both bounds was seen */
	bool		has_rules;		/* rules and tol_arg are set */
	StitchRules rules;
	Interval	tol_arg;
	int32		island;			/* current interaction_no */
	StitchOpen	open;			/* the current island */
	int64		group_start;	/* start of the rows already counted */
} LabelState;

/* Checks this row's tolerance and split arguments against the partition's. */
static void
check_rule_args(WindowObject winobj, LabelState *ls, int nargs)
{
	bool		isnull;
	Datum		td = WinGetFuncArgCurrent(winobj, ARG_TOLERANCE, &isnull);
	Interval   *tol;
	bool		split = true;

	if (isnull)
		stitch_null_rule_arg("tolerance");
	if (nargs > ARG_SPLIT)
	{
		split = DatumGetBool(WinGetFuncArgCurrent(winobj, ARG_SPLIT, &isnull));
		if (isnull)
			stitch_null_rule_arg("split_after_wrapup");
	}
	tol = DatumGetIntervalP(td);
	if (ls->has_rules && split == ls->rules.split_after_wrapup &&
		stitch_same_tolerance_arg(&ls->tol_arg, tol))
		return;
	{
		int64		us = stitch_tolerance_arg(tol);

		if (ls->has_rules && (us != ls->rules.tolerance || split != ls->rules.split_after_wrapup))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tolerance and split_after_wrapup must be the same for every row of a partition")));
		ls->rules.tolerance = us;
		ls->rules.split_after_wrapup = split;
		ls->tol_arg = *tol;
		ls->has_rules = true;
	}
}

static void
not_in_order(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_WINDOWING_ERROR),
			 errmsg("interaction_no requires rows ordered by segment start"),
			 errhint("Use OVER (PARTITION BY ... ORDER BY seg_start, seg_end).")));
}

/* Class of the type argument at relpos from the current row (NULL is other). */
static int
class_at(WindowObject winobj, int relpos)
{
	bool		isnull;
	bool		isout;
	Datum		d = WinGetFuncArgInPartition(winobj, ARG_TYPE, relpos, WINDOW_SEEK_CURRENT,
											 false, &isnull, &isout);
	text	   *t;

	if (isnull)
		return SC_OTHER;
	t = DatumGetTextPP(d);
	return stitch_class_of(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* Reads the rows starting at start, from the current row on, into *g. */
static void
read_group(WindowObject winobj, int64 start, StitchGroup *g)
{
	int			relpos;

	g->start = start;
	g->maxend = start;
	g->has_offer = false;
	g->has_wrapup = false;
	for (relpos = 0;; relpos++)
	{
		bool		isnull;
		bool		isout;
		Datum		sd = WinGetFuncArgInPartition(winobj, ARG_START, relpos, WINDOW_SEEK_CURRENT,
												  false, &isnull, &isout);
		Datum		ed;
		int64		e;
		int			cls;

		if (isout || isnull)
			break;
		if (DatumGetTimestampTz(sd) != start)
		{
			if (DatumGetTimestampTz(sd) < start)
				not_in_order();
			break;
		}
		ed = WinGetFuncArgInPartition(winobj, ARG_END, relpos, WINDOW_SEEK_CURRENT,
									  false, &isnull, &isout);
		if (isnull)
			continue;
		e = DatumGetTimestampTz(ed);
		stitch_check_bounds(start, e);
		if (e > g->maxend)
			g->maxend = e;
		cls = class_at(winobj, relpos);
		g->has_offer |= STITCH_IS_OFFER(cls);
		g->has_wrapup |= cls == SC_WRAPUP;
	}
}

PG_FUNCTION_INFO_V1(gcstitch_interaction_no);
Datum
gcstitch_interaction_no(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	LabelState *ls;
	bool		snull,
				enull;
	int64		s;
	StitchGroup g;

	if (PG_NARGS() < 4)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("interaction_no(seg_start, seg_end, tolerance) was replaced in gcstitch 0.2.0"),
				 errdetail("The installed library is version %s; the extension's SQL objects are older.", GCSTITCH_VERSION),
				 errhint("Run ALTER EXTENSION gcstitch UPDATE.")));
	ls = (LabelState *) WinGetPartitionLocalMemory(winobj, sizeof(LabelState));
	check_rule_args(winobj, ls, PG_NARGS());

	s = DatumGetTimestampTz(WinGetFuncArgCurrent(winobj, ARG_START, &snull));
	(void) WinGetFuncArgCurrent(winobj, ARG_END, &enull);
	if (snull || enull)
		PG_RETURN_NULL();
	WinSetMarkPosition(winobj, WinGetCurrentPosition(winobj));
	if (ls->started && s == ls->group_start)
		PG_RETURN_INT32(ls->island);
	if (ls->started && s < ls->group_start)
		not_in_order();

	read_group(winobj, s, &g);
	if (!ls->started)
	{
		ls->started = true;
		ls->island = 1;
		ls->open.maxend = g.maxend;
		ls->open.has_wrapup = g.has_wrapup;
	}
	else if (stitch_add_group(&ls->open, &g, &ls->rules))
		ls->island++;
	ls->group_start = s;
	PG_RETURN_INT32(ls->island);
}
