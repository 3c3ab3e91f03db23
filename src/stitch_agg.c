/*
 * stitch_agg.c
 *		The stitch(...) and rollup(stitch) aggregates: transition, combine,
 *		serialize, deserialize and final functions.
 *
 * The transition state only appends 24-byte items (start, end, class and
 * session identity) to an array in the aggregate context; the final
 * function sorts once and builds the stored value.  rollup() feeds the
 * rows of stored values to the same state, so both aggregates share
 * combine, serial, deserial and final functions.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "stitch_agg.h"
#include "stitch_type.h"

/*
 * Rows are kept in a list of chunks that are never reallocated: the state
 * and a first chunk of 6 rows share one 256-byte allocation in the aggregate
 * context, later chunks are 512, 1024, ... 8192 bytes (powers of two, the
 * sizes AllocSet hands out anyway) in a child context (rows_context()).  No
 * copying on growth and no freed chunks left behind: about 30-40 bytes per
 * row for typical groups.
 */
typedef struct ItemChunk
{
	struct ItemChunk *next;
	int32		n;				/* items used */
	int32		cap;			/* items allocated */
	StitchItem	items[FLEXIBLE_ARRAY_MEMBER];
} ItemChunk;

typedef struct StitchState
{
	/* the first 64 bytes are all the transition function touches per row */
	StitchRules rules;			/* valid when has_rules */
	union
	{
		Interval	tol_arg;	/* stitch(): the last tolerance argument, for a fast check */
		const Stitch *single;	/* rollup(): its one value while it has no other row, kept whole */
	}			arg;
	StitchItem *wpos;			/* next free item of the tail chunk */
	StitchItem *wend;			/* end of the tail chunk */
	ItemChunk  *head;
	ItemChunk  *tail;			/* its n is only updated by state_sync() */
	MemoryContext rowsctx;		/* where chunks are allocated */
	const char *view;			/* a deserialized state: its serialized rows, not copied */
	int32		nview;
	int32		nbefore;		/* items in the chunks before the tail */
	int32		next_bytes;		/* size of the next chunk to allocate */
	bool		has_rules;
	bool		rollup;			/* a rollup() state: its errors name rollup */
	bool		runs_sorted;	/* the first chunk is empty, every other one a sorted run */
	bool		view_sorted;	/* view rows are sorted by (start, tag), no two equal */
} StitchState;

#define STATE_BLOCK_BYTES 256
#define CHUNK_HDRSZ offsetof(ItemChunk, items)
#define CHUNK_MAX_BYTES 8192
#define STATE_FIRST_CAP \
	((int32) ((STATE_BLOCK_BYTES - MAXALIGN(sizeof(StitchState)) - CHUNK_HDRSZ) / sizeof(StitchItem)))
/* a longer state would leave room for fewer rows in its block, and cost memory (measured) */
StaticAssertDecl(STATE_FIRST_CAP >= 6, "the state's block must hold 6 rows");
/* the final function's scratch arrays (32 bytes per row) must stay under MaxAllocSize */
#define STATE_MAX_ITEMS ((int64) (MaxAllocSize / sizeof(StitchIsland)))

/* Serialized state header (after the bytea header). */
typedef struct StitchStateSer
{
	uint8		version;
	uint8		has_rules;
	uint8		split_after_wrapup;
	uint8		rollup;
	int32		n;
	int64		tolerance;
} StitchStateSer;

#define STATE_SER_VERSION 3
/* the items start 8-byte aligned in a palloc'd state: the serialize function sorts them in place */
#define SER_ITEMS_OFFSET (MAXALIGN(VARHDRSZ + sizeof(StitchStateSer)) - VARHDRSZ)

static void
too_many_rows(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many segments in one stitch group"),
			 errdetail("A group can hold at most " INT64_FORMAT " segments.", STATE_MAX_ITEMS)));
}

/* Brings the tail chunk's count up to date. */
static inline void
state_sync(StitchState *st)
{
	st->tail->n = (int32) (st->wpos - st->tail->items);
}

/* Number of items in all chunks. */
static int64
state_count(StitchState *st)
{
	state_sync(st);
	return st->nbefore + st->tail->n;
}

#define ROWS_CONTEXT_NAME "gcstitch rows"

/* The rows context of the last aggregate context a function saw (its fn_extra). */
typedef struct RowsContextCache
{
	MemoryContext aggctx;
	MemoryContext rowsctx;
} RowsContextCache;

static void
rows_context_forget(void *arg)
{
	RowsContextCache *cache = (RowsContextCache *) arg;

	cache->aggctx = NULL;
	cache->rowsctx = NULL;
}

/*
 * The context of the chunks of every state of an aggregate: a child of the
 * aggregate context.  The states stay packed together in the aggregate
 * context, next to the hash table's keys, instead of scattered among
 * megabytes of rows: the transition function reads a state per row, and a
 * scattered one costs a cache and a TLB miss.  Found by name among the
 * children once per aggregate context and function, then remembered until
 * that context is reset.
 */
static MemoryContext
rows_context(FunctionCallInfo fcinfo, MemoryContext aggctx)
{
	RowsContextCache *cache = (RowsContextCache *) fcinfo->flinfo->fn_extra;
	MemoryContextCallback *forget;
	MemoryContext c;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RowsContextCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->aggctx == aggctx)
		return cache->rowsctx;
	for (c = aggctx->firstchild; c != NULL; c = c->nextchild)
		if (strcmp(c->name, ROWS_CONTEXT_NAME) == 0)
			break;
	if (c == NULL)
		c = AllocSetContextCreate(aggctx, ROWS_CONTEXT_NAME, ALLOCSET_DEFAULT_SIZES);
	forget = MemoryContextAlloc(c, sizeof(MemoryContextCallback));
	forget->func = rows_context_forget;
	forget->arg = cache;
	MemoryContextRegisterResetCallback(c, forget);
	cache->aggctx = aggctx;
	cache->rowsctx = c;
	return c;
}

/*
 * Appends an empty chunk of at least min_cap items and, when grow, at least
 * the next growth size.
 */
static void
chunk_add(StitchState *st, int64 min_cap, bool grow)
{
	Size		bytes = grow ? st->next_bytes : 0;
	ItemChunk  *c;

	if (CHUNK_HDRSZ + (Size) min_cap * sizeof(StitchItem) > bytes)
		bytes = CHUNK_HDRSZ + (Size) min_cap * sizeof(StitchItem);
	c = MemoryContextAlloc(st->rowsctx, bytes);
	c->next = NULL;
	c->n = 0;
	c->cap = (int32) ((bytes - CHUNK_HDRSZ) / sizeof(StitchItem));
	state_sync(st);
	st->nbefore += st->tail->n;
	st->tail->next = c;
	st->tail = c;
	st->wpos = c->items;
	st->wend = c->items + c->cap;
	if (st->next_bytes < CHUNK_MAX_BYTES)
		st->next_bytes *= 2;
}

/* A new empty state in aggctx (its chunks in the rows context), with room for cap items. */
static StitchState *
state_create(FunctionCallInfo fcinfo, MemoryContext aggctx, int64 cap)
{
	char	   *block = MemoryContextAlloc(aggctx, STATE_BLOCK_BYTES);
	StitchState *st = (StitchState *) block;

	memset(st, 0, sizeof(StitchState));
	st->head = (ItemChunk *) (block + MAXALIGN(sizeof(StitchState)));
	st->head->next = NULL;
	st->head->n = 0;
	st->head->cap = STATE_FIRST_CAP;
	st->tail = st->head;
	st->wpos = st->head->items;
	st->wend = st->head->items + STATE_FIRST_CAP;
	st->next_bytes = 2 * STATE_BLOCK_BYTES;
	st->rowsctx = rows_context(fcinfo, aggctx);
	if (cap > STATE_FIRST_CAP)
		chunk_add(st, cap - STATE_FIRST_CAP, true);
	return st;
}

/* Appends k items. */
static void
state_append(StitchState *st, const StitchItem *src, int64 k)
{
	if (state_count(st) + k > STATE_MAX_ITEMS)
		too_many_rows();
	st->runs_sorted = false;
	while (k > 0)
	{
		int64		room = st->wend - st->wpos;
		int64		m;

		if (room == 0)
		{
			chunk_add(st, k, true);
			room = st->wend - st->wpos;
		}
		m = Min(room, k);
		memcpy(st->wpos, src, sizeof(StitchItem) * m);
		st->wpos += m;
		src += m;
		k -= m;
	}
	state_sync(st);
}

/* Appends the n rows at src (possibly unaligned) as a chunk of their own: a run, sorted or not. */
static void
state_add_run(StitchState *st, const char *src, int32 n, bool sorted)
{
	if (n == 0)
		return;
	if (state_count(st) + n > STATE_MAX_ITEMS)
		too_many_rows();
	chunk_add(st, n, false);
	memcpy(st->wpos, src, sizeof(StitchItem) * (Size) n);
	st->wpos += n;
	state_sync(st);
	st->runs_sorted &= sorted;
}

/* Copies all items of st to dst (room for state_count(st) items). */
static void
state_copy_items(StitchState *st, StitchItem *dst)
{
	const ItemChunk *c;

	state_sync(st);
	for (c = st->head; c != NULL; c = c->next)
	{
		if (c->n > 0)
			memcpy(dst, c->items, sizeof(StitchItem) * c->n);
		dst += c->n;
	}
}

static void
tolerance_mismatch(int64 a, int64 b, bool rollup)
{
	StringInfoData buf;

	initStringInfo(&buf);
	seconds_append(&buf, a);
	appendStringInfoString(&buf, " and ");
	seconds_append(&buf, b);
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

static void
split_mismatch(bool rollup)
{
	if (rollup)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot roll up stitch values with different split_after_wrapup"),
				 errdetail("Some values were stitched with the new-call rule and some without it."),
				 errhint("Values stored by gcstitch 0.1.0 were stitched without it: recompute them from the segments.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("split_after_wrapup must be the same for every row of a group")));
}

/* Records the rules on st, or checks they equal the ones recorded. */
static inline void
state_set_rules(StitchState *st, const StitchRules *r, bool rollup)
{
	if (!st->has_rules)
	{
		st->rules = *r;
		st->has_rules = true;
		return;
	}
	if (st->rules.tolerance != r->tolerance)
		tolerance_mismatch(st->rules.tolerance, r->tolerance, rollup);
	if (st->rules.split_after_wrapup != r->split_after_wrapup)
		split_mismatch(rollup);
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
		utc_timestamp_append(&s, start);
		utc_timestamp_append(&e, end);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("segment end is before its start"),
				 errdetail("Start is \"%s\" and end is \"%s\" (UTC).", s.data, e.data)));
	}
}

/* The error for a NULL tolerance or split_after_wrapup argument. */
void
stitch_null_rule_arg(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be null", name)));
}

#if defined(__GNUC__) || defined(__clang__)
#define STITCH_PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define STITCH_PREFETCH_W(p) ((void) 0)
#endif

/* PG_GETARG_TEXT_PP (same test as pg_detoast_datum_packed) without its call for inline values. */
static inline text *
text_arg_pp(Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_COMPRESSED(p) || VARATT_IS_EXTERNAL(p))
		return (text *) pg_detoast_datum_packed(p);
	return (text *) p;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *what)
{
	MemoryContext ctx;

	if (!AggCheckCallContext(fcinfo, &ctx))
		elog(ERROR, "%s called in non-aggregate context", what);
	return ctx;
}

/* Checks the rule arguments of a row against the state (fast path: the same as the last row's). */
static inline void
state_check_rule_args(StitchState *st, FunctionCallInfo fcinfo)
{
	Interval   *tol;
	bool		split = true;

	if (PG_ARGISNULL(5))
		stitch_null_rule_arg("tolerance");
	if (PG_NARGS() > 6)
	{
		if (PG_ARGISNULL(6))
			stitch_null_rule_arg("split_after_wrapup");
		split = PG_GETARG_BOOL(6);
	}
	tol = PG_GETARG_INTERVAL_P(5);
	if (!st->has_rules || !stitch_same_tolerance_arg(&st->arg.tol_arg, tol) ||
		st->rules.split_after_wrapup != split)
	{
		StitchRules r;

		r.tolerance = stitch_tolerance_arg(tol);
		r.split_after_wrapup = split;
		state_set_rules(st, &r, false);
		st->arg.tol_arg = *tol;
	}
}

/*
 * Transition of stitch(seg_start, seg_end, seg_type, session_id, tolerance
 * [, split_after_wrapup]): checks the rules on every row, skips rows with a
 * NULL bound, appends one item.
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_transfn);
Datum
gcstitch_stitch_transfn(PG_FUNCTION_ARGS)
{
	StitchState *st;
	int64		s,
				e;
	int			cls = SC_OTHER;
	uint64		sid = 0;
	StitchItem *it;

	/*
	 * The aggregate context is only looked up for a new state (chunks go to
	 * the state's rows context): a state argument exists only inside an
	 * aggregate.
	 */
	if (PG_ARGISNULL(0))
		st = state_create(fcinfo, agg_context(fcinfo, "gcstitch_stitch_transfn"), 0);
	else
		st = (StitchState *) PG_GETARG_POINTER(0);

	/*
	 * The row goes to a random group's chunk, usually not in cache: start
	 * fetching it now, the checks and hashes below overlap the miss.
	 */
	STITCH_PREFETCH_W(st->wpos);

	state_check_rule_args(st, fcinfo);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	s = PG_GETARG_TIMESTAMPTZ(1);
	e = PG_GETARG_TIMESTAMPTZ(2);
	stitch_check_bounds(s, e);

	if (!PG_ARGISNULL(3))
	{
		text	   *t = text_arg_pp(PG_GETARG_DATUM(3));

		cls = stitch_class_of(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	if (!PG_ARGISNULL(4))
	{
		text	   *t = text_arg_pp(PG_GETARG_DATUM(4));

		sid = stitch_session_hash(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}

	if (st->wpos >= st->wend)
	{
		if (state_count(st) >= STATE_MAX_ITEMS)
			too_many_rows();
		chunk_add(st, 1, true);
	}
	it = st->wpos++;
	it->s = s;
	it->e = e;
	it->tag = STITCH_TAG(cls, sid);
	PG_RETURN_POINTER(st);
}

/* A copy of the value v in cxt. */
static Stitch *
stitch_copy(const Stitch *v, MemoryContext cxt)
{
	Stitch	   *copy = MemoryContextAlloc(cxt, VARSIZE(v));

	memcpy(copy, v, VARSIZE(v));
	return copy;
}

/*
 * A rollup state's one value becomes rows like any other: before a second
 * value, a combine or a serialization.
 */
static void
state_expand_single(StitchState *st)
{
	const Stitch *v;

	if (!st->rollup || st->arg.single == NULL)
		return;
	v = st->arg.single;
	st->arg.single = NULL;
	state_append(st, STITCH_ITEMS(v), v->nitems);
	pfree((void *) v);
}

/*
 * Transition of rollup(stitch): adds the rows of a stored value.  The first
 * value is kept whole: a group of one value (a key on one shard, in one
 * partition) gives it back without being rebuilt, the value being what its
 * rows, stitched by its rules, give.
 */
PG_FUNCTION_INFO_V1(gcstitch_rollup_transfn);
Datum
gcstitch_rollup_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext ctx = agg_context(fcinfo, "gcstitch_rollup_transfn");
	StitchState *st = PG_ARGISNULL(0) ? NULL : (StitchState *) PG_GETARG_POINTER(0);
	Stitch	   *v;
	StitchRules r;

	if (PG_ARGISNULL(1))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	v = PG_GETARG_STITCH_P(1);
	if (st == NULL)
	{
		st = state_create(fcinfo, ctx, 0);
		st->rollup = true;
	}
	r.tolerance = v->tolerance;
	r.split_after_wrapup = STITCH_SPLITS(v);
	state_set_rules(st, &r, true);
	if (st->arg.single == NULL && state_count(st) == 0)
	{
		st->arg.single = stitch_copy(v, ctx);
		PG_RETURN_POINTER(st);
	}
	state_expand_single(st);
	state_append(st, STITCH_ITEMS(v), v->nitems);
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
	if (a != NULL)
		state_expand_single(a);
	state_expand_single(b);
	if (a == NULL)
	{
		a = state_create(fcinfo, ctx, b->view ? 0 : state_count(b));
		a->runs_sorted = true;
		a->rules = b->rules;
		a->has_rules = b->has_rules;
		a->rollup = b->rollup;
		a->arg = b->arg;
	}
	else if (b->has_rules)
	{
		/* a rollup state never saw an interval argument: compare microseconds */
		state_set_rules(a, &b->rules, a->rollup || b->rollup);
	}
	if (b->view)
	{
		/* the one copy of a deserialized state's rows: a run of its own for the final merge */
		state_add_run(a, b->view, b->nview, b->view_sorted);
	}
	else
	{
		const ItemChunk *c;

		state_sync(b);
		for (c = b->head; c != NULL; c = c->next)
			state_append(a, c->items, c->n);
	}
	PG_RETURN_POINTER(a);
}

/*
 * Serialize: a small header and the raw items (same machine, same layout),
 * sorted and without repeats: the workers of a parallel plan take that part
 * of the final function's work, and it is left with merging sorted runs.
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_serialfn);
Datum
gcstitch_stitch_serialfn(PG_FUNCTION_ARGS)
{
	StitchState *st = (StitchState *) PG_GETARG_POINTER(0);
	StitchStateSer hdr;
	Size		sz;
	bytea	   *out;
	StitchItem *items;
	int64		n;

	state_expand_single(st);
	n = state_count(st);
	sz = add_size(VARHDRSZ + SER_ITEMS_OFFSET, mul_size((Size) n, sizeof(StitchItem)));
	if (sz > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many segments in one stitch group")));
	out = palloc(sz);
	memset(out, 0, VARHDRSZ + SER_ITEMS_OFFSET);
	items = (StitchItem *) (VARDATA(out) + SER_ITEMS_OFFSET);
	state_copy_items(st, items);
	n = stitch_distinct_rows(items, (int32) n);
	SET_VARSIZE(out, VARHDRSZ + SER_ITEMS_OFFSET + n * sizeof(StitchItem));
	memset(&hdr, 0, sizeof(hdr));
	hdr.version = STATE_SER_VERSION;
	hdr.has_rules = st->has_rules ? 1 : 0;
	hdr.split_after_wrapup = st->has_rules && st->rules.split_after_wrapup ? 1 : 0;
	hdr.rollup = st->rollup ? 1 : 0;
	hdr.n = (int32) n;
	hdr.tolerance = st->has_rules ? st->rules.tolerance : 0;
	memcpy(VARDATA(out), &hdr, sizeof(hdr));
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

/*
 * Deserialize: checks the header, the length and every item before use, and
 * whether the items are in order.  The state it returns only points at the
 * serialized items: the executor hands it straight to combine, which copies
 * them into the group's state.
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_deserialfn);
Datum
gcstitch_stitch_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	StitchStateSer hdr;
	StitchState *st;
	StitchItem	prev = {0};
	bool		sorted = true;
	int32		i;

	if (len < SER_ITEMS_OFFSET)
		bad_state("The state is shorter than its header.");
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.version != STATE_SER_VERSION || hdr.has_rules > 1 ||
		hdr.split_after_wrapup > 1 || hdr.rollup > 1)
		bad_state("The state header is invalid.");
	if (hdr.n < 0 || hdr.n > STATE_MAX_ITEMS ||
		len != SER_ITEMS_OFFSET + (Size) hdr.n * sizeof(StitchItem))
		bad_state("The item count does not match the length of the state.");
	if ((hdr.n > 0 && !hdr.has_rules) || hdr.tolerance < 0 ||
		(!hdr.has_rules && (hdr.tolerance != 0 || hdr.split_after_wrapup != 0)))
		bad_state("The stitching rules are invalid.");

	agg_context(fcinfo, "gcstitch_stitch_deserialfn");
	for (i = 0; i < hdr.n; i++)
	{
		StitchItem	it;

		/* the bytes may sit at any alignment in the tuple they came in */
		memcpy(&it, p + SER_ITEMS_OFFSET + (Size) i * sizeof(StitchItem), sizeof(StitchItem));
		if (!IS_VALID_TIMESTAMP(it.s) || !IS_VALID_TIMESTAMP(it.e) ||
			it.e < it.s || STITCH_TAG_CLASS(it.tag) >= STITCH_NCLASSES)
			bad_state("An item is invalid.");
		if (i > 0 && !(prev.s < it.s || (prev.s == it.s && prev.tag < it.tag)))
			sorted = false;
		prev = it;
	}
	st = palloc0(sizeof(StitchState));
	st->has_rules = hdr.has_rules;
	st->rollup = hdr.rollup;
	st->rules.tolerance = hdr.tolerance;
	st->rules.split_after_wrapup = hdr.split_after_wrapup;
	st->view = p + SER_ITEMS_OFFSET;
	st->nview = hdr.n;
	st->view_sorted = sorted;
	PG_RETURN_POINTER(st);
}

/*
 * The rows of a combined state whose chunks are sorted runs (the parts of a
 * parallel or partial aggregate), merged into dst in one pass; false, and
 * nothing done, for any other state.
 */
static bool
state_merge_runs(StitchState *st, StitchItem *dst)
{
	const StitchItem *runs[STITCH_MERGE_WAYS];
	int32		lens[STITCH_MERGE_WAYS];
	const ItemChunk *c;
	int			k = 0;

	state_sync(st);
	if (!st->runs_sorted || st->head->n != 0)
		return false;
	for (c = st->head->next; c != NULL; c = c->next)
	{
		if (k == STITCH_MERGE_WAYS)
			return false;
		runs[k] = c->items;
		lens[k] = c->n;
		k++;
	}
	stitch_merge_sorted(runs, lens, k, dst);
	return true;
}

/* Final: NULL for a group without rows, else the stored value. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_finalfn);
Datum
gcstitch_stitch_finalfn(PG_FUNCTION_ARGS)
{
	StitchState *st;
	Stitch	   *v;
	int64		n;

	agg_context(fcinfo, "gcstitch_stitch_finalfn");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (StitchState *) PG_GETARG_POINTER(0);
	if (st->rollup && st->arg.single != NULL)
	{
		/* a copy: the state may be finalized again (a window aggregate) */
		PG_RETURN_STITCH_P(stitch_copy(st->arg.single, CurrentMemoryContext));
	}
	n = state_count(st);
	if (n == 0)
		PG_RETURN_NULL();
	if (st->head->next == NULL)
	{
		/* one chunk: sort in place (the items left there are still the group's rows) */
		v = stitch_build(st->head->items, st->head->n, &st->rules);
		st->head->n = v->nitems;
		st->wpos = st->head->items + v->nitems;
	}
	else
	{
		StitchItem *all = palloc(sizeof(StitchItem) * n);

		if (!state_merge_runs(st, all))
			state_copy_items(st, all);
		v = stitch_build(all, (int32) n, &st->rules);
		pfree(all);
	}
	PG_RETURN_STITCH_P(v);
}
