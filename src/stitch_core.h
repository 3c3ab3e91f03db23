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

#include "postgres.h"

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

/*
 * One input row, or one interval of a stored value being merged again: 24
 * bytes.  tag packs the class (top 3 bits) and a 61-bit session identity
 * (0 = no session).
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
 * Stored value (varlena).  After the 32-byte header come, in this order:
 * nislands StitchIsland headers, nintervals StitchInterval (island by island,
 * class by class, each class's union in time order, disjoint and not
 * touching), nsessions uint64 session identities (island by island, strictly
 * ascending within an island).
 */
typedef struct StitchIsland
{
	int32		n[STITCH_NCLASSES]; /* intervals of each class */
	int32		nsess;			/* distinct session identities */
} StitchIsland;

typedef struct StitchInterval
{
	int64		s;
	int64		e;
} StitchInterval;

typedef struct Stitch
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* STITCH_VERSION */
	uint8		flags;			/* 0; reserved */
	uint16		unused;			/* 0 */
	int64		tolerance;		/* microseconds, >= 0 */
	int32		nislands;		/* >= 1 */
	int32		nintervals;		/* >= nislands */
	int32		nsessions;		/* >= 0 */
	int32		unused2;		/* 0 */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} Stitch;

#define STITCH_VERSION 1
#define STITCH_HDRSZ offsetof(Stitch, data)
#define STITCH_ISLANDS(v) ((StitchIsland *) (v)->data)
#define STITCH_INTERVALS(v) \
	((StitchInterval *) ((v)->data + (Size) (v)->nislands * sizeof(StitchIsland)))
#define STITCH_SESSIONS(v) \
	((uint64 *) ((char *) STITCH_INTERVALS(v) + (Size) (v)->nintervals * sizeof(StitchInterval)))

/* Measures of one island, as defined in the stitching semantics. */
typedef struct StitchMeasures
{
	int64		started_at;
	int64		ended_at;
	int32		fragments;
	int64		len[STITCH_NCLASSES];	/* union length per class */
	int64		handle;
	int64		gap;
	bool		answered;		/* an interact interval exists */
	int64		answered_at;
	bool		has_soa;		/* answered and an alert interval exists */
	int64		speed_of_answer;
} StitchMeasures;

/* Walks the islands of a value in order. */
typedef struct StitchCursor
{
	const Stitch *v;
	int32		island;			/* next island to read */
	int32		ioff;			/* its first interval */
	int32		soff;			/* its first session */
} StitchCursor;

extern Size stitch_size(int64 nislands, int64 nintervals, int64 nsessions);
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

extern Stitch *stitch_build(StitchItem *items, int32 n, int64 tolerance);
extern int64 stitch_expanded_count(const Stitch *v);
extern int32 stitch_expand(const Stitch *v, StitchItem *out);
extern bool stitch_validate(const Stitch *v, Size len, const char **detail);
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
