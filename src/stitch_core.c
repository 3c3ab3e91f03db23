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

#define ST_SORT stitch_sort_items
#define ST_ELEMENT_TYPE StitchItem
#define ST_COMPARE(a, b) \
	((a)->s < (b)->s ? -1 : (a)->s > (b)->s ? 1 : \
	 (a)->e < (b)->e ? -1 : (a)->e > (b)->e ? 1 : 0)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

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
stitch_size(int64 nislands, int64 nintervals, int64 nsessions)
{
	Size		sz;

	if (nislands < 0 || nintervals < 0 || nsessions < 0 ||
		nislands > (int64) (MaxAllocSize / sizeof(StitchIsland)) ||
		nintervals > (int64) (MaxAllocSize / sizeof(StitchInterval)) ||
		nsessions > (int64) (MaxAllocSize / sizeof(uint64)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stitch value too large")));
	sz = add_size(STITCH_HDRSZ, mul_size((Size) nislands, sizeof(StitchIsland)));
	sz = add_size(sz, mul_size((Size) nintervals, sizeof(StitchInterval)));
	sz = add_size(sz, mul_size((Size) nsessions, sizeof(uint64)));
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

/*
 * Closes the island made of items[from..to) (sorted by start): per-class
 * unions into ivs (returns how many), session identities into sess.
 * tmp has room for to - from intervals.
 */
static void
close_island(const StitchItem *items, int32 from, int32 to,
			 StitchIsland *isl, StitchInterval *ivs, int32 *niv,
			 uint64 *sess, StitchItem *tmp)
{
	bool		open[STITCH_NCLASSES] = {0};
	int64		cs[STITCH_NCLASSES];
	int64		ce[STITCH_NCLASSES];
	int32		pos[STITCH_NCLASSES];
	int32		nt = 0;
	int32		ns = 0;
	int32		i;
	int			c;

	memset(isl, 0, sizeof(*isl));
	for (i = from; i < to; i++)
	{
		const StitchItem *it = &items[i];
		uint64		sid = STITCH_TAG_SESSION(it->tag);

		c = STITCH_TAG_CLASS(it->tag);
		if (open[c] && it->s <= ce[c])
		{
			if (it->e > ce[c])
				ce[c] = it->e;
		}
		else
		{
			if (open[c])
			{
				tmp[nt].s = cs[c];
				tmp[nt].e = ce[c];
				tmp[nt].tag = STITCH_TAG(c, 0);
				nt++;
				isl->n[c]++;
			}
			open[c] = true;
			cs[c] = it->s;
			ce[c] = it->e;
		}
		if (sid != 0 && (ns == 0 || sess[ns - 1] != sid))
			sess[ns++] = sid;
	}
	for (c = 0; c < STITCH_NCLASSES; c++)
		if (open[c])
		{
			tmp[nt].s = cs[c];
			tmp[nt].e = ce[c];
			tmp[nt].tag = STITCH_TAG(c, 0);
			nt++;
			isl->n[c]++;
		}

	/* stable counting sort by class: each class stays in time order */
	pos[0] = 0;
	for (c = 1; c < STITCH_NCLASSES; c++)
		pos[c] = pos[c - 1] + isl->n[c - 1];
	for (i = 0; i < nt; i++)
	{
		int32		p = pos[STITCH_TAG_CLASS(tmp[i].tag)]++;

		ivs[p].s = tmp[i].s;
		ivs[p].e = tmp[i].e;
	}
	*niv = nt;

	/* distinct session identities, ascending */
	if (ns > 1)
	{
		int32		k = 1;

		stitch_sort_u64(sess, ns);
		for (i = 1; i < ns; i++)
			if (sess[i] != sess[k - 1])
				sess[k++] = sess[i];
		ns = k;
	}
	isl->nsess = ns;
}

/*
 * Builds the stored value of n >= 1 items (sorted in place; the set of
 * items is unchanged, so calling this twice on the same array is harmless).
 */
Stitch *
stitch_build(StitchItem *items, int32 n, int64 tolerance)
{
	StitchIsland *isl;
	StitchInterval *ivs;
	uint64	   *sess;
	StitchItem *tmp;
	int32		nisl = 0;
	int32		niv = 0;
	int32		nsess = 0;
	int32		from = 0;
	int32		i;
	int64		maxend;
	Stitch	   *v;
	Size		sz;

	Assert(n >= 1);
	stitch_sort_items(items, n);

	/* one scratch allocation: n of each (all 8-byte multiples, so aligned) */
	{
		char	   *scratch = MemoryContextAllocHuge(CurrentMemoryContext,
													 (sizeof(StitchIsland) + sizeof(StitchInterval) +
													  sizeof(uint64) + sizeof(StitchItem)) * (Size) n);

		isl = (StitchIsland *) scratch;
		ivs = (StitchInterval *) (scratch + sizeof(StitchIsland) * (Size) n);
		sess = (uint64 *) ((char *) ivs + sizeof(StitchInterval) * (Size) n);
		tmp = (StitchItem *) ((char *) sess + sizeof(uint64) * (Size) n);
	}

	maxend = items[0].e;
	for (i = 1; i <= n; i++)
	{
		if (i < n && stitch_joins(items[i].s, maxend, tolerance))
		{
			if (items[i].e > maxend)
				maxend = items[i].e;
			continue;
		}
		{
			int32		k;

			close_island(items, from, i, &isl[nisl], ivs + niv, &k,
						 sess + nsess, tmp);
			niv += k;
			nsess += isl[nisl].nsess;
			nisl++;
		}
		if (i < n)
		{
			from = i;
			maxend = items[i].e;
		}
	}

	sz = stitch_size(nisl, niv, nsess);
	v = palloc(sz);
	SET_VARSIZE(v, sz);
	v->version = STITCH_VERSION;
	v->flags = 0;
	v->unused = 0;
	v->tolerance = tolerance;
	v->nislands = nisl;
	v->nintervals = niv;
	v->nsessions = nsess;
	v->unused2 = 0;
	memcpy(STITCH_ISLANDS(v), isl, sizeof(StitchIsland) * nisl);
	memcpy(STITCH_INTERVALS(v), ivs, sizeof(StitchInterval) * niv);
	if (nsess > 0)
		memcpy(STITCH_SESSIONS(v), sess, sizeof(uint64) * nsess);

	pfree(isl);
	return v;
}

/* Number of items stitch_expand() writes for v. */
int64
stitch_expanded_count(const Stitch *v)
{
	return (int64) v->nintervals + v->nsessions;
}

/*
 * Turns a stored value back into items that rebuild it: every interval once
 * with no session, plus a copy of each island's first interval per session
 * identity of the island (a duplicate changes no union and no island).
 */
int32
stitch_expand(const Stitch *v, StitchItem *out)
{
	const StitchIsland *isl = STITCH_ISLANDS(v);
	const StitchInterval *ivs = STITCH_INTERVALS(v);
	const uint64 *sess = STITCH_SESSIONS(v);
	int32		ioff = 0;
	int32		soff = 0;
	int32		k = 0;
	int32		i;

	for (i = 0; i < v->nislands; i++)
	{
		int32		first = ioff;
		int			firstcls = -1;
		int			c;
		int32		j;

		for (c = 0; c < STITCH_NCLASSES; c++)
			for (j = 0; j < isl[i].n[c]; j++)
			{
				if (firstcls < 0)
					firstcls = c;
				out[k].s = ivs[ioff].s;
				out[k].e = ivs[ioff].e;
				out[k].tag = STITCH_TAG(c, 0);
				k++;
				ioff++;
			}
		for (j = 0; j < isl[i].nsess; j++)
		{
			out[k].s = ivs[first].s;
			out[k].e = ivs[first].e;
			out[k].tag = STITCH_TAG(firstcls, sess[soff + j]);
			k++;
		}
		soff += isl[i].nsess;
	}
	return k;
}

/*
 * Checks a stored value of len bytes completely: header, counts, sizes,
 * timestamp bounds, canonical unions, session ordering, island connectivity
 * and separation.  On failure sets *detail to a sentence and returns false.
 */
bool
stitch_validate(const Stitch *v, Size len, const char **detail)
{
	const StitchIsland *isl;
	const StitchInterval *ivs;
	const uint64 *sess;
	int64		sumiv = 0;
	int64		sumss = 0;
	int32		ioff = 0;
	int32		soff = 0;
	int32		i;
	bool		have_prev = false;
	int64		prev_end = 0;

	if (len < STITCH_HDRSZ)
	{
		*detail = "The value is shorter than its header.";
		return false;
	}
	if (v->version != STITCH_VERSION)
	{
		*detail = "Unsupported stitch format version.";
		return false;
	}
	if (v->flags != 0 || v->unused != 0 || v->unused2 != 0)
	{
		*detail = "Reserved header fields are not zero.";
		return false;
	}
	if (v->tolerance < 0)
	{
		*detail = "The tolerance is negative.";
		return false;
	}
	if (v->nislands < 1 || v->nintervals < v->nislands || v->nsessions < 0 ||
		v->nislands > (int32) (MaxAllocSize / sizeof(StitchIsland)) ||
		v->nintervals > (int32) (MaxAllocSize / sizeof(StitchInterval)) ||
		v->nsessions > (int32) (MaxAllocSize / sizeof(uint64)))
	{
		*detail = "Island, interval or session counts are out of range.";
		return false;
	}
	if ((uint64) STITCH_HDRSZ + (uint64) v->nislands * sizeof(StitchIsland) +
		(uint64) v->nintervals * sizeof(StitchInterval) +
		(uint64) v->nsessions * sizeof(uint64) != (uint64) len)
	{
		*detail = "The value's length does not match its counts.";
		return false;
	}

	isl = STITCH_ISLANDS(v);
	ivs = STITCH_INTERVALS(v);
	sess = STITCH_SESSIONS(v);
	for (i = 0; i < v->nislands; i++)
	{
		int64		tot = 0;
		int			c;

		for (c = 0; c < STITCH_NCLASSES; c++)
		{
			if (isl[i].n[c] < 0)
			{
				*detail = "An interval count is negative.";
				return false;
			}
			tot += isl[i].n[c];
		}
		if (tot < 1)
		{
			*detail = "An island has no interval.";
			return false;
		}
		if (isl[i].nsess < 0)
		{
			*detail = "A session count is negative.";
			return false;
		}
		sumiv += tot;
		sumss += isl[i].nsess;
		if (sumiv > v->nintervals || sumss > v->nsessions)
		{
			*detail = "Island counts exceed the totals.";
			return false;
		}
	}
	if (sumiv != v->nintervals || sumss != v->nsessions)
	{
		*detail = "Island counts do not add up to the totals.";
		return false;
	}

	for (i = 0; i < v->nislands; i++)
	{
		int32		head[STITCH_NCLASSES];
		int32		stop[STITCH_NCLASSES];
		int32		p = ioff;
		int			c;
		int32		j;
		bool		first = true;
		int64		maxend = 0;

		for (c = 0; c < STITCH_NCLASSES; c++)
		{
			head[c] = p;
			for (j = 0; j < isl[i].n[c]; j++, p++)
			{
				if (!IS_VALID_TIMESTAMP(ivs[p].s) || !IS_VALID_TIMESTAMP(ivs[p].e))
				{
					*detail = "A timestamp is out of range.";
					return false;
				}
				if (ivs[p].e < ivs[p].s)
				{
					*detail = "An interval ends before it starts.";
					return false;
				}
				if (j > 0 && ivs[p].s <= ivs[p - 1].e)
				{
					*detail = "Intervals of a class are not in order, or overlap or touch.";
					return false;
				}
			}
			stop[c] = p;
		}

		/* connectivity: merge the class lists by start, running max end */
		for (;;)
		{
			int			best = -1;

			for (c = 0; c < STITCH_NCLASSES; c++)
				if (head[c] < stop[c] &&
					(best < 0 || ivs[head[c]].s < ivs[head[best]].s))
					best = c;
			if (best < 0)
				break;
			p = head[best]++;
			if (first)
			{
				if (have_prev && stitch_joins(ivs[p].s, prev_end, v->tolerance))
				{
					*detail = "Islands are not in order or not separated by more than the tolerance.";
					return false;
				}
				maxend = ivs[p].e;
				first = false;
			}
			else
			{
				if (!stitch_joins(ivs[p].s, maxend, v->tolerance))
				{
					*detail = "An island has a gap larger than the tolerance.";
					return false;
				}
				if (ivs[p].e > maxend)
					maxend = ivs[p].e;
			}
		}
		have_prev = true;
		prev_end = maxend;
		for (c = 0; c < STITCH_NCLASSES; c++)
			ioff += isl[i].n[c];

		for (j = 0; j < isl[i].nsess; j++)
		{
			uint64		sid = sess[soff + j];

			if (sid == 0 || sid > STITCH_SESSION_MASK)
			{
				*detail = "A session identity is out of range.";
				return false;
			}
			if (j > 0 && sid <= sess[soff + j - 1])
			{
				*detail = "Session identities of an island are not strictly ascending.";
				return false;
			}
		}
		soff += isl[i].nsess;
	}
	return true;
}

void
stitch_cursor_init(StitchCursor *c, const Stitch *v)
{
	c->v = v;
	c->island = 0;
	c->ioff = 0;
	c->soff = 0;
}

/* Length of [s, e], with overflow checks. */
static inline int64
iv_len(const StitchInterval *iv)
{
	return stitch_sub_checked(iv->e, iv->s);
}

/* Measures of the next island; false when there is none left. */
bool
stitch_next_island(StitchCursor *cur, StitchMeasures *m)
{
	const Stitch *v = cur->v;
	const StitchIsland *isl;
	const StitchInterval *ivs = STITCH_INTERVALS(v);
	int32		head[STITCH_NCLASSES];
	int32		stop[STITCH_NCLASSES];
	int			act[STITCH_NCLASSES];
	int			nact;
	int32		p;
	int			c;
	bool		first = true;
	int64		us = 0;
	int64		ue = 0;
	int64		covered = 0;

	if (cur->island >= v->nislands)
		return false;
	isl = &STITCH_ISLANDS(v)[cur->island];

	p = cur->ioff;
	m->started_at = PG_INT64_MAX;
	m->ended_at = PG_INT64_MIN;
	for (c = 0; c < STITCH_NCLASSES; c++)
	{
		int32		j;

		head[c] = p;
		m->len[c] = 0;
		for (j = 0; j < isl->n[c]; j++, p++)
		{
			m->len[c] = stitch_add_checked(m->len[c], iv_len(&ivs[p]));
			if (ivs[p].s < m->started_at)
				m->started_at = ivs[p].s;
			if (ivs[p].e > m->ended_at)
				m->ended_at = ivs[p].e;
		}
		stop[c] = p;
	}
	m->fragments = isl->nsess > 0 ? isl->nsess : 1;
	m->handle = stitch_add_checked(m->len[SC_INTERACT], m->len[SC_HOLD]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_WRAPUP]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_DIALING]);
	m->handle = stitch_add_checked(m->handle, m->len[SC_CONTACTING]);
	m->answered = isl->n[SC_INTERACT] > 0;
	m->answered_at = m->answered ? ivs[head[SC_INTERACT]].s : 0;
	m->has_soa = m->answered && isl->n[SC_ALERT] > 0;
	m->speed_of_answer = m->has_soa ?
		stitch_sub_checked(m->answered_at, ivs[head[SC_ALERT]].s) : 0;

	/*
	 * union of all classes: merge the sorted class lists by start, looking
	 * only at the classes that still have intervals (usually a few)
	 */
	nact = 0;
	for (c = 0; c < STITCH_NCLASSES; c++)
		if (head[c] < stop[c])
			act[nact++] = c;
	while (nact > 0)
	{
		int			k = 0;
		int			j;
		const StitchInterval *iv;

		for (j = 1; j < nact; j++)
			if (ivs[head[act[j]]].s < ivs[head[act[k]]].s)
				k = j;
		iv = &ivs[head[act[k]]++];
		if (head[act[k]] == stop[act[k]])
		{
			/* keep the class order: ties go to the lower class as before */
			for (j = k + 1; j < nact; j++)
				act[j - 1] = act[j];
			nact--;
		}
		if (first)
		{
			us = iv->s;
			ue = iv->e;
			first = false;
		}
		else if (iv->s <= ue)
		{
			if (iv->e > ue)
				ue = iv->e;
		}
		else
		{
			covered = stitch_add_checked(covered, stitch_sub_checked(ue, us));
			us = iv->s;
			ue = iv->e;
		}
	}
	covered = stitch_add_checked(covered, stitch_sub_checked(ue, us));
	m->gap = stitch_sub_checked(stitch_sub_checked(m->ended_at, m->started_at), covered);

	cur->ioff = p;
	cur->soff += isl->nsess;
	cur->island++;
	return true;
}
