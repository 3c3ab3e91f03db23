/*
 * stitch_core.c
 *		The stitching algorithm: islands, per-class unions, exact merging,
 *		validation and measures of stored values.
 *
 * A stored value keeps, per island, the union of each class's intervals
 * (zero-length points included) and the set of session identities.  The
 * islands of a set of intervals are the components of their union whose
 * gaps are at most the tolerance, so merging stored values (rollup) only
 * needs to feed their intervals through the same builder: the result equals
 * the value built from all the original rows.
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "utils/memutils.h"

#include "stitch_core.h"

#define ST_SORT stitch_sort_u64
#define ST_ELEMENT_TYPE uint64
#define ST_COMPARE(a, b) (*(a) < *(b) ? -1 : *(a) > *(b) ? 1 : 0)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static const char *const class_names[STITCH_NCLASSES] = {
	"alert", "interact", "hold", "wrapup", "dialing", "contacting", "other"
};

/* Bytes of a stored value with these counts; errors when too large. */
Size
stitch_size(int64 nislands, int64 nitems)
{
	Size		sz;

	if (nislands < 0 || nitems < 0 ||
		nislands > (int64) (MaxAllocSize / sizeof(StitchIsland)) ||
		nitems > (int64) (MaxAllocSize / sizeof(StitchItem)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stitch value too large")));
	sz = add_size(STITCH_HDRSZ, mul_size((Size) nislands, sizeof(StitchIsland)));
	sz = add_size(sz, mul_size((Size) nitems, sizeof(StitchItem)));
	if (sz > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stitch value too large")));
	return sz;
}

/* murmur3's 64-bit finalizer: a bijection with full avalanche. */
static inline uint64
fmix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/*
 * Session identity of a session text: the bytes are read as little-endian
 * 64-bit words (the last one zero-padded), h = fmix64(h ^ word) from the
 * FNV-1a offset basis, then h = fmix64(h ^ length); the top 61 bits are the
 * identity, 0 (reserved for "no session") becomes 1.  The same on every
 * platform; about four times faster than byte-wise FNV-1a on 36-byte UUIDs.
 */
uint64
stitch_session_hash(const char *p, size_t len)
{
	const unsigned char *b = (const unsigned char *) p;
	uint64		h = UINT64CONST(0xcbf29ce484222325);
	size_t		left = len;

	while (left >= 8)
	{
		uint64		w = (uint64) b[0] | (uint64) b[1] << 8 | (uint64) b[2] << 16 |
			(uint64) b[3] << 24 | (uint64) b[4] << 32 | (uint64) b[5] << 40 |
			(uint64) b[6] << 48 | (uint64) b[7] << 56;

		h = fmix64(h ^ w);
		b += 8;
		left -= 8;
	}
	if (left > 0)
	{
		uint64		w = 0;

#ifndef WORDS_BIGENDIAN
		if (len >= 8)
		{
			/* the last 8 bytes, shifted: the same zero-padded word, one load */
			memcpy(&w, b + left - 8, 8);
			w >>= 8 * (8 - left);
		}
		else
#endif
		{
			size_t		i;

			for (i = 0; i < left; i++)
				w |= (uint64) b[i] << (8 * i);
		}
		h = fmix64(h ^ w);
	}
	h = fmix64(h ^ (uint64) len);
	h >>= 64 - STITCH_SESSION_BITS;
	return h == 0 ? 1 : h;
}

/*
 * Class of a Genesys segmentType: exact, case-sensitive; anything else is other.
 * Called once per row: dispatches on the length instead of scanning class_names.
 */
int
stitch_class_of(const char *p, size_t len)
{
	switch (len)
	{
		case 4:
			if (memcmp(p, "hold", 4) == 0)
				return SC_HOLD;
			break;
		case 5:
			if (memcmp(p, "alert", 5) == 0)
				return SC_ALERT;
			break;
		case 6:
			if (memcmp(p, "wrapup", 6) == 0)
				return SC_WRAPUP;
			break;
		case 7:
			if (memcmp(p, "dialing", 7) == 0)
				return SC_DIALING;
			break;
		case 8:
			if (memcmp(p, "interact", 8) == 0)
				return SC_INTERACT;
			break;
		case 10:
			if (memcmp(p, "contacting", 10) == 0)
				return SC_CONTACTING;
			break;
	}
	return SC_OTHER;
}

/* Name of a class in the text format. */
const char *
stitch_class_name(int cls)
{
	Assert(cls >= 0 && cls < STITCH_NCLASSES);
	return class_names[cls];
}

/* Class of a text-format class name (including "other"), or -1. */
int
stitch_class_from_name(const char *p, size_t len)
{
	int			i;

	for (i = 0; i < STITCH_NCLASSES; i++)
		if (strlen(class_names[i]) == len && memcmp(class_names[i], p, len) == 0)
			return i;
	return -1;
}

void
stitch_interval_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("interval out of range")));
}

/* Sorted rows: keeps one row per (start, tag), with the largest end; returns how many. */
static int32
drop_repeats(StitchItem *items, int32 n)
{
	int32		k = 0;
	int32		i;

	/* rows before the first repeat stay where they are */
	while (k + 1 < n && (items[k + 1].s != items[k].s || items[k + 1].tag != items[k].tag))
		k++;
	for (i = k + 1; i < n; i++)
	{
		if (items[i].s == items[k].s && items[i].tag == items[k].tag)
		{
			if (items[i].e > items[k].e)
				items[k].e = items[i].e;
		}
		else
			items[++k] = items[i];
	}
	return k + 1;
}

/* Sorts n rows by (start, tag) and drops repeats in place; returns how many are left. */
int32
stitch_distinct_rows(StitchItem *items, int32 n)
{
	if (n <= 1)
		return n;
	stitch_sort_rows(items, n);
	return drop_repeats(items, n);
}

#define OFFER_CLASSES ((1 << SC_ALERT) | (1 << SC_DIALING) | (1 << SC_CONTACTING))

/* The group of rows starting at items[from].s; returns the index after it. */
static inline int32
read_group(const StitchItem *items, int32 from, int32 n, StitchGroup *g)
{
	uint32		classes = 0;
	int32		j;

	g->start = items[from].s;
	g->maxend = items[from].e;
	for (j = from; j < n && items[j].s == g->start; j++)
	{
		classes |= 1u << STITCH_TAG_CLASS(items[j].tag);
		if (items[j].e > g->maxend)
			g->maxend = items[j].e;
	}
	g->has_offer = (classes & OFFER_CLASSES) != 0;
	g->has_wrapup = (classes & (1u << SC_WRAPUP)) != 0;
	return j;
}

/* Cuts n >= 1 sorted distinct rows into islands: their sizes into sizes[]; returns how many. */
static int32
cut_islands(const StitchItem *items, int32 n, const StitchRules *r, int32 *sizes)
{
	StitchOpen isl;
	StitchGroup g;
	int32		nisl = 0;
	int32		from = 0;
	int32		i;

	i = read_group(items, 0, n, &g);
	isl.maxend = g.maxend;
	isl.has_wrapup = g.has_wrapup;
	while (i < n)
	{
		int32		next = read_group(items, i, n, &g);

		if (stitch_add_group(&isl, &g, r))
		{
			sizes[nisl++] = i - from;
			from = i;
		}
		i = next;
	}
	sizes[nisl++] = n - from;
	return nisl;
}

/* Distinct non-zero session identities of n rows (sess: scratch for n). */
static int32
count_sessions(const StitchItem *items, int32 n, uint64 *sess)
{
	int32		ns = 0;
	int32		k;
	int32		i;

	for (i = 0; i < n; i++)
	{
		uint64		sid = STITCH_TAG_SESSION(items[i].tag);

		if (sid != 0 && (ns == 0 || sess[ns - 1] != sid))
			sess[ns++] = sid;
	}
	if (ns <= 1)
		return ns;
	stitch_sort_u64(sess, ns);
	k = 1;
	for (i = 1; i < ns; i++)
		if (sess[i] != sess[i - 1])
			k++;
	return k;
}

#ifdef USE_ASSERT_CHECKING
/*
 * Every invariant of a built value (as tdigest's AssertCheck): header, rows valid and in canonical
 * order without repeats, island sizes adding up, and the islands the rules cut from the rows.
 */
static void
stitch_assert_valid(const Stitch *v)
{
	const StitchItem *items = STITCH_ITEMS(v);
	const StitchIsland *isl = STITCH_ISLANDS(v);
	StitchRules r = {.tolerance = v->tolerance, .split_after_wrapup = STITCH_SPLITS(v)};
	int32	   *sizes = palloc(sizeof(int32) * (Size) v->nitems);
	int64		total = 0;

	Assert(v->version == STITCH_VERSION && (v->flags & ~STITCH_F_SPLIT_AFTER_WRAPUP) == 0);
	Assert(v->unused == 0 && v->unused2 == 0 && v->unused3 == 0 && v->tolerance >= 0);
	Assert(v->nislands >= 1 && v->nitems >= v->nislands);
	Assert(VARSIZE(v) == stitch_size(v->nislands, v->nitems));
	for (int32 i = 0; i < v->nitems; i++)
	{
		Assert(IS_VALID_TIMESTAMP(items[i].s) && IS_VALID_TIMESTAMP(items[i].e));
		Assert(items[i].s <= items[i].e && STITCH_TAG_CLASS(items[i].tag) < STITCH_NCLASSES);
		Assert(i == 0 || items[i].s > items[i - 1].s ||
			   (items[i].s == items[i - 1].s && items[i].tag > items[i - 1].tag));
	}
	Assert(cut_islands(items, v->nitems, &r, sizes) == v->nislands);
	for (int32 i = 0; i < v->nislands; i++)
	{
		Assert(isl[i].nitems >= 1 && isl[i].nitems == sizes[i]);
		Assert(isl[i].nsess >= 0 && isl[i].nsess <= isl[i].nitems);
		total += isl[i].nitems;
	}
	Assert(total == v->nitems);
	pfree(sizes);
}
#endif

/*
 * Builds the stored value of n >= 1 rows (sorted and deduplicated in place:
 * the array then holds the value's rows, so calling this twice is harmless).
 */
Stitch *
stitch_build(StitchItem *items, int32 n, const StitchRules *r)
{
	int32	   *sizes;
	uint64	   *sess;
	int32		nisl;
	int32		off = 0;
	int32		i;
	Stitch	   *v;
	StitchIsland *isl;
	Size		sz;

	Assert(n >= 1);
	n = stitch_distinct_rows(items, n);

	sizes = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * (Size) n);
	nisl = cut_islands(items, n, r, sizes);

	sz = stitch_size(nisl, n);
	v = palloc(sz);
	SET_VARSIZE(v, sz);
	v->version = STITCH_VERSION;
	v->flags = r->split_after_wrapup ? STITCH_F_SPLIT_AFTER_WRAPUP : 0;
	v->unused = 0;
	v->tolerance = r->tolerance;
	v->nislands = nisl;
	v->nitems = n;
	v->unused2 = 0;
	v->unused3 = 0;
	memcpy(STITCH_ITEMS(v), items, sizeof(StitchItem) * (Size) n);

	/* session identities are sorted in scratch: the value's own rows stay as they are */
	sess = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint64) * (Size) n);
	isl = STITCH_ISLANDS(v);
	for (i = 0; i < nisl; i++)
	{
		isl[i].nitems = sizes[i];
		isl[i].nsess = count_sessions(items + off, sizes[i], sess);
		off += sizes[i];
	}
	pfree(sess);
	pfree(sizes);
#ifdef USE_ASSERT_CHECKING
	stitch_assert_valid(v);
#endif
	return v;
}

/*
 * A value from rows and island sizes read from text or binary input: the
 * rows must be valid, in canonical order without repeats, and cut into
 * islands exactly as the rules cut them (island_sizes NULL: the input gave
 * none, the rules cut them).  NULL with *detail set otherwise.
 */
Stitch *
stitch_from_islands(StitchItem *items, int32 n, const int32 *island_sizes,
					int32 nislands, const StitchRules *r, const char **detail)
{
	Stitch	   *v;
	int32		i;

	for (i = 0; i < n; i++)
	{
		const StitchItem *it = &items[i];

		if (!IS_VALID_TIMESTAMP(it->s) || !IS_VALID_TIMESTAMP(it->e))
		{
			*detail = "A timestamp is out of range.";
			return NULL;
		}
		if (it->e < it->s)
		{
			*detail = "A row ends before it starts.";
			return NULL;
		}
		if (STITCH_TAG_CLASS(it->tag) >= STITCH_NCLASSES)
		{
			*detail = "A row's class is out of range.";
			return NULL;
		}
		if (i > 0 && (it->s < it[-1].s || (it->s == it[-1].s && it->tag <= it[-1].tag)))
		{
			*detail = "Rows are not in order of start, class and session, or one repeats another.";
			return NULL;
		}
	}
	if (r->tolerance < 0)
	{
		*detail = "The tolerance is negative.";
		return NULL;
	}
	v = stitch_build(items, n, r);
	if (island_sizes == NULL)
		return v;
	if (v->nislands != nislands)
	{
		*detail = "The rows are not cut into islands as the stitching rules cut them.";
		return NULL;
	}
	for (i = 0; i < nislands; i++)
		if (STITCH_ISLANDS(v)[i].nitems != island_sizes[i])
		{
			*detail = "The rows are not cut into islands as the stitching rules cut them.";
			return NULL;
		}
	return v;
}

void
stitch_cursor_init(StitchCursor *c, const Stitch *v)
{
	c->v = v;
	c->island = 0;
	c->ioff = 0;
}

/* A union of intervals fed by start: the run still open and the length of the runs closed. */
typedef struct UnionRun
{
	int64		s;
	int64		e;
	int64		closed;
} UnionRun;

/* The union of no interval: before every timestamp, so the first interval closes it and adds 0. */
static const UnionRun empty_run = {PG_INT64_MIN, PG_INT64_MIN, 0};

/* Adds [s, e], s no earlier than any start before it: extends the open run or closes it. */
static inline void
union_add(UnionRun *u, int64 s, int64 e)
{
	if (s <= u->e)
	{
		if (e > u->e)
			u->e = e;
	}
	else
	{
		u->closed = stitch_add_checked(u->closed, stitch_sub_checked(u->e, u->s));
		u->s = s;
		u->e = e;
	}
}

static inline int64
union_length(const UnionRun *u)
{
	return stitch_add_checked(u->closed, stitch_sub_checked(u->e, u->s));
}

/* What one pass over an island's rows gathers: each class's union, the union of all, the first alert. */
typedef struct IslandScan
{
	UnionRun	cls[STITCH_NCLASSES];
	UnionRun	all;
	bool		has_alert;
	int64		alert_at;
} IslandScan;

static inline void
island_scan_begin(IslandScan *scan, StitchMeasures *m, const StitchItem *first)
{
	for (int c = 0; c < STITCH_NCLASSES; c++)
		scan->cls[c] = empty_run;
	scan->all = empty_run;
	scan->has_alert = false;
	scan->alert_at = 0;
	m->started_at = first->s;
	m->ended_at = first->e;
	m->answered = false;
	m->answered_at = 0;
}

/* One row, in order of start: the unions, the end, the first interact and the first alert. */
static inline void
island_scan_row(IslandScan *scan, StitchMeasures *m, const StitchItem *it)
{
	int			c = STITCH_TAG_CLASS(it->tag);

	if (it->e > m->ended_at)
		m->ended_at = it->e;
	union_add(&scan->cls[c], it->s, it->e);
	union_add(&scan->all, it->s, it->e);
	if (c == SC_INTERACT && !m->answered)
	{
		m->answered = true;
		m->answered_at = it->s;
	}
	else if (c == SC_ALERT && !scan->has_alert)
	{
		scan->has_alert = true;
		scan->alert_at = it->s;
	}
}

/* The measures that follow from the scan: class lengths, fragments, handle, speed of answer, gap. */
static inline void
island_scan_end(const IslandScan *scan, const StitchIsland *isl, StitchMeasures *m)
{
	int64		covered;

	for (int c = 0; c < STITCH_NCLASSES; c++)
		m->len[c] = union_length(&scan->cls[c]);
	covered = union_length(&scan->all);

	m->fragments = isl->nsess > 0 ? isl->nsess : 1;
	m->handle = stitch_add_checked(m->len[SC_INTERACT], m->len[SC_HOLD]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_WRAPUP]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_DIALING]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_CONTACTING]);
	m->has_soa = m->answered && scan->has_alert;
	m->speed_of_answer = m->has_soa ? stitch_sub_checked(m->answered_at, scan->alert_at) : 0;
	m->gap = stitch_sub_checked(stitch_sub_checked(m->ended_at, m->started_at), covered);
}

/* Measures of the next island; false when there is none left. */
bool
stitch_next_island(StitchCursor *cur, StitchMeasures *m)
{
	const StitchIsland *isl;
	const StitchItem *items;
	IslandScan	scan;

	if (cur->island >= cur->v->nislands)
		return false;
	isl = &STITCH_ISLANDS(cur->v)[cur->island];
	items = STITCH_ITEMS(cur->v) + cur->ioff;

	island_scan_begin(&scan, m, &items[0]);
	for (int32 i = 0; i < isl->nitems; i++)
		island_scan_row(&scan, m, &items[i]);
	island_scan_end(&scan, isl, m);

	cur->ioff += isl->nitems;
	cur->island++;
	return true;
}
