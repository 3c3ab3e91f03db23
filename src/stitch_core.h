/*
 * stitch_core.h
 *		The stitching algorithm and the stored stitch value, in plain C.
 *
 * Nothing here knows about the executor: the aggregate, type and accessor
 * files call these functions.  All times are int64 microseconds since the
 * PostgreSQL epoch (the TimestampTz representation), all lengths int64
 * microseconds.
 */
#ifndef GCSTITCH_STITCH_CORE_H
#define GCSTITCH_STITCH_CORE_H

#include "common/int.h"

/* Type classes measured separately; every other segment type is "other". */
typedef enum StitchClass
{
	SC_ALERT = 0,
	SC_INTERACT,
	SC_HOLD,
	SC_WRAPUP,
	SC_DIALING,
	SC_CONTACTING,
	SC_OTHER
} StitchClass;

#define STITCH_NCLASSES 7

/* An offer begins a call (stitching rule 2): alert, dialing, contacting. */
#define STITCH_IS_OFFER(cls) ((cls) == SC_ALERT || (cls) == SC_DIALING || (cls) == SC_CONTACTING)

/*
 * One input row, also the stored form of a row: 24 bytes.  tag packs the
 * class (top 3 bits) and a 61-bit session identity (0 = no session).
 */
typedef struct StitchItem
{
	int64		s;
	int64		e;
	uint64		tag;
} StitchItem;

#define STITCH_SESSION_BITS 61
#define STITCH_SESSION_MASK ((UINT64CONST(1) << STITCH_SESSION_BITS) - 1)
#define STITCH_TAG(cls, sess) (((uint64) (cls) << STITCH_SESSION_BITS) | (uint64) (sess))
#define STITCH_TAG_CLASS(t) ((int) ((t) >> STITCH_SESSION_BITS))
#define STITCH_TAG_SESSION(t) ((t) & STITCH_SESSION_MASK)

/*
 * Makes room for one more element of a repalloc'd array arr of max, n used,
 * doubling it; false when it would pass MaxAllocSize (utils/memutils.h).
 */
#define STITCH_GROW(arr, n, max) \
	(((n) < (max)) ? true : \
	 ((max) >= (int32) (MaxAllocSize / 2 / sizeof(*(arr)))) ? false : \
	 ((max) *= 2, (arr) = repalloc((arr), sizeof(*(arr)) * (max)), true))

/*
 * Stored value (varlena), format 2.  After the 32-byte header come nislands
 * StitchIsland headers, then the nitems rows of all islands, island after
 * island.  The rows are the input rows with duplicates removed: ordered by
 * (start, tag) with no two equal, a row with the same start and tag as
 * another kept once with the larger end.  A row's start and session can
 * decide islands once more rows arrive (rule 2 may split between any two
 * starts), so rows are kept, not per-class unions as format 1 did.
 */
typedef struct StitchIsland
{
	int32		nitems;			/* rows of the island */
	int32		nsess;			/* distinct session identities among them */
} StitchIsland;

typedef struct Stitch
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* STITCH_VERSION */
	uint8		flags;			/* STITCH_F_* */
	uint16		unused;			/* 0 */
	int64		tolerance;		/* microseconds, >= 0 */
	int32		nislands;		/* >= 1 */
	int32		nitems;			/* >= nislands */
	int32		unused2;		/* 0 */
	int32		unused3;		/* 0 */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} Stitch;

#define STITCH_VERSION 2
#define STITCH_F_SPLIT_AFTER_WRAPUP 0x01	/* rule 2 applies */
#define STITCH_HDRSZ offsetof(Stitch, data)
#define STITCH_ISLANDS(v) ((StitchIsland *) (v)->data)
#define STITCH_ITEMS(v) \
	((StitchItem *) ((v)->data + (Size) (v)->nislands * sizeof(StitchIsland)))
#define STITCH_SPLITS(v) (((v)->flags & STITCH_F_SPLIT_AFTER_WRAPUP) != 0)

/* The stitching rules of a value or an aggregate: tolerance and rule 2. */
typedef struct StitchRules
{
	int64		tolerance;
	bool		split_after_wrapup;
} StitchRules;

/* Measures of one island, as defined in the stitching semantics. */
typedef struct StitchMeasures
{
	int64		started_at;
	int64		ended_at;
	int32		fragments;
	int64		len[STITCH_NCLASSES];	/* union length per class */
	int64		handle;
	int64		gap;
	bool		answered;		/* an interact row exists */
	int64		answered_at;
	bool		has_soa;		/* answered and an alert row exists */
	int64		speed_of_answer;
} StitchMeasures;

/* Walks the islands of a value in order. */
typedef struct StitchCursor
{
	const Stitch *v;
	int32		island;			/* next island to read */
	int32		ioff;			/* its first row */
} StitchCursor;

/* What the rows starting at one instant bring to an island (rule 2 needs the whole group). */
typedef struct StitchGroup
{
	int64		start;
	int64		maxend;
	bool		has_offer;
	bool		has_wrapup;
} StitchGroup;

/* The island being built: its largest end and whether it holds a wrapup row. */
typedef struct StitchOpen
{
	int64		maxend;
	bool		has_wrapup;
} StitchOpen;

extern Size stitch_size(int64 nislands, int64 nitems);
extern uint64 stitch_session_hash(const char *p, size_t len);
extern int	stitch_class_of(const char *p, size_t len);
extern const char *stitch_class_name(int cls);
extern int	stitch_class_from_name(const char *p, size_t len);

/* true when a row starting at start joins an island whose largest end is maxend */
static inline bool
stitch_joins(int64 start, int64 maxend, int64 tolerance)
{
	/* unsigned difference: exact for any two int64 with start > maxend */
	return start <= maxend || (uint64) start - (uint64) maxend <= (uint64) tolerance;
}

/*
 * Adds the group of rows starting at g->start to the open island, or opens a
 * new island with it; true when it opened one.  The two rules of the
 * stitching semantics, in one place for the builder and the row labeller.
 */
static inline bool
stitch_add_group(StitchOpen *isl, const StitchGroup *g, const StitchRules *r)
{
	if (!stitch_joins(g->start, isl->maxend, r->tolerance) ||
		(r->split_after_wrapup && g->has_offer && isl->has_wrapup))
	{
		isl->maxend = g->maxend;
		isl->has_wrapup = g->has_wrapup;
		return true;
	}
	if (g->maxend > isl->maxend)
		isl->maxend = g->maxend;
	isl->has_wrapup |= g->has_wrapup;
	return false;
}

/* Runs merged in one pass by stitch_merge_sorted() at most. */
#define STITCH_MERGE_WAYS 8

extern void stitch_sort_rows(StitchItem *items, int32 n);
extern void stitch_merge_sorted(const StitchItem *const *runs, const int32 *lens, int k,
								StitchItem *dst);
extern int32 stitch_distinct_rows(StitchItem *items, int32 n);
extern Stitch *stitch_build(StitchItem *items, int32 n, const StitchRules *r);
extern Stitch *stitch_from_islands(StitchItem *items, int32 n, const int32 *island_sizes,
								   int32 nislands, const StitchRules *r, const char **detail);
extern void stitch_cursor_init(StitchCursor *c, const Stitch *v);
extern bool stitch_next_island(StitchCursor *c, StitchMeasures *m);
extern void stitch_interval_overflow(void) pg_attribute_noreturn();

/* a + b and a - b, raising 22008 "interval out of range" on overflow (inline: hot in the readers) */
static inline int64
stitch_add_checked(int64 a, int64 b)
{
	int64		r;

	if (unlikely(pg_add_s64_overflow(a, b, &r)))
		stitch_interval_overflow();
	return r;
}

static inline int64
stitch_sub_checked(int64 a, int64 b)
{
	int64		r;

	if (unlikely(pg_sub_s64_overflow(a, b, &r)))
		stitch_interval_overflow();
	return r;
}

#endif
