/*
 * stitch_v1.c
 *		Stitch values stored by gcstitch 0.1.0 (format 1), read by later
 *		versions: on disk, in text dumps ("v1 ...") and in binary copies.
 *
 * Format 1 kept, per island found by the gap rule alone, the union of each
 * class's intervals and the set of session identities.  That is all it
 * takes for the gap rule, but not for the new-call rule, which needs every
 * row's start and session.  A format 1 value is therefore read as a value
 * stitched with the gap rule only (split_after_wrapup false): its intervals
 * become rows (its sessions attached to each island's first interval) and
 * the current builder makes the same islands with the same measures.
 */
#include "postgres.h"

#include <ctype.h>

#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "stitch_type.h"

/* Layout of a format 1 value. */
typedef struct V1Island
{
	int32		n[STITCH_NCLASSES]; /* intervals of each class */
	int32		nsess;			/* distinct session identities */
} V1Island;

typedef struct V1Interval
{
	int64		s;
	int64		e;
} V1Interval;

typedef struct StitchV1
{
	int32		vl_len_;
	uint8		version;		/* 1 */
	uint8		flags;			/* 0 */
	uint16		unused;			/* 0 */
	int64		tolerance;
	int32		nislands;
	int32		nintervals;
	int32		nsessions;
	int32		unused2;		/* 0 */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} StitchV1;

#define V1_HDRSZ offsetof(StitchV1, data)
#define V1_ISLANDS(v) ((V1Island *) (v)->data)
#define V1_INTERVALS(v) \
	((V1Interval *) ((v)->data + (Size) (v)->nislands * sizeof(V1Island)))
#define V1_SESSIONS(v) \
	((uint64 *) ((char *) V1_INTERVALS(v) + (Size) (v)->nintervals * sizeof(V1Interval)))

/* Growable arrays filled by the text parser. */
typedef struct ParseBuf
{
	V1Island   *isl;
	int32		nisl,
				maxisl;
	V1Interval *ivs;
	int32		niv,
				maxiv;
	uint64	   *sess;
	int32		nsess,
				maxsess;
} ParseBuf;

static inline const char *
skip_ws(const char *p)
{
	while (*p && isspace((unsigned char) *p))
		p++;
	return p;
}

/* Bytes of a format 1 value with these counts. */
static Size
v1_size(int64 nislands, int64 nintervals, int64 nsessions)
{
	if (nislands < 1 || nintervals < 1 || nsessions < 0 ||
		nislands > (int64) (MaxAllocSize / sizeof(V1Island)) ||
		nintervals > (int64) (MaxAllocSize / sizeof(V1Interval)) ||
		nsessions > (int64) (MaxAllocSize / sizeof(uint64)) ||
		V1_HDRSZ + nislands * sizeof(V1Island) + nintervals * sizeof(V1Interval) +
		nsessions * sizeof(uint64) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("stitch value too large")));
	return V1_HDRSZ + nislands * sizeof(V1Island) + nintervals * sizeof(V1Interval) +
		nsessions * sizeof(uint64);
}

static Stitch *v1_to_current(const StitchV1 *old);

/* The header: version, reserved fields, tolerance, and counts that match the length. */
static bool
v1_validate_header(const StitchV1 *v, Size len, const char **detail)
{
	if (len < V1_HDRSZ)
		*detail = "The value is shorter than its header.";
	else if (v->version != 1)
		*detail = "Unsupported stitch format version.";
	else if (v->flags != 0 || v->unused != 0 || v->unused2 != 0)
		*detail = "Reserved header fields are not zero.";
	else if (v->tolerance < 0)
		*detail = "The tolerance is negative.";
	else if (v->nislands < 1 || v->nintervals < v->nislands || v->nsessions < 0 ||
			 v->nislands > (int32) (MaxAllocSize / sizeof(V1Island)) ||
			 v->nintervals > (int32) (MaxAllocSize / sizeof(V1Interval)) ||
			 v->nsessions > (int32) (MaxAllocSize / sizeof(uint64)))
		*detail = "Island, interval or session counts are out of range.";
	else if ((uint64) V1_HDRSZ + (uint64) v->nislands * sizeof(V1Island) +
			 (uint64) v->nintervals * sizeof(V1Interval) +
			 (uint64) v->nsessions * sizeof(uint64) != (uint64) len)
		*detail = "The value's length does not match its counts.";
	else
		return true;
	return false;
}

/* The islands' interval and session counts: not negative, no empty island, adding up. */
static bool
v1_validate_counts(const StitchV1 *v, const char **detail)
{
	const V1Island *isl = V1_ISLANDS(v);
	int64		sumiv = 0;
	int64		sumss = 0;

	for (int32 i = 0; i < v->nislands; i++)
	{
		int64		tot = 0;

		for (int c = 0; c < STITCH_NCLASSES; c++)
		{
			if (isl[i].n[c] < 0)
			{
				*detail = "An interval count is negative.";
				return false;
			}
			tot += isl[i].n[c];
		}
		if (tot < 1)
			*detail = "An island has no interval.";
		else if (isl[i].nsess < 0)
			*detail = "A session count is negative.";
		else if ((sumiv += tot) > v->nintervals || (sumss += isl[i].nsess) > v->nsessions)
			*detail = "Island counts exceed the totals.";
		else
			continue;
		return false;
	}
	if (sumiv != v->nintervals || sumss != v->nsessions)
	{
		*detail = "Island counts do not add up to the totals.";
		return false;
	}
	return true;
}

/* One class list of an island: valid timestamps, each interval after the previous one. */
static bool
v1_validate_class(const V1Interval *ivs, int32 n, const char **detail)
{
	for (int32 j = 0; j < n; j++)
	{
		if (!IS_VALID_TIMESTAMP(ivs[j].s) || !IS_VALID_TIMESTAMP(ivs[j].e))
			*detail = "A timestamp is out of range.";
		else if (ivs[j].e < ivs[j].s)
			*detail = "An interval ends before it starts.";
		else if (j > 0 && ivs[j].s <= ivs[j - 1].e)
			*detail = "Intervals of a class are not in order, or overlap or touch.";
		else
			continue;
		return false;
	}
	return true;
}

/*
 * Connectivity of one island whose class lists start at ivs: its intervals, merged by start,
 * never leave a gap over the tolerance, and the island starts more than the tolerance after
 * the previous one's end (*prev_end, INT64_MIN for the first island), which it then sets.
 */
static bool
v1_validate_connected(const V1Island *isl, const V1Interval *ivs, int64 tolerance,
					  int64 *prev_end, const char **detail)
{
	int32		head[STITCH_NCLASSES];
	int32		stop[STITCH_NCLASSES];
	int32		p = 0;
	bool		first = true;
	int64		maxend = 0;

	for (int c = 0; c < STITCH_NCLASSES; c++)
	{
		head[c] = p;
		p += isl->n[c];
		stop[c] = p;
	}
	for (;;)
	{
		int			best = -1;

		for (int c = 0; c < STITCH_NCLASSES; c++)
			if (head[c] < stop[c] && (best < 0 || ivs[head[c]].s < ivs[head[best]].s))
				best = c;
		if (best < 0)
			break;
		p = head[best]++;
		if (first && *prev_end != PG_INT64_MIN && stitch_joins(ivs[p].s, *prev_end, tolerance))
		{
			*detail = "Islands are not in order or not separated by more than the tolerance.";
			return false;
		}
		if (!first && !stitch_joins(ivs[p].s, maxend, tolerance))
		{
			*detail = "An island has a gap larger than the tolerance.";
			return false;
		}
		if (first || ivs[p].e > maxend)
			maxend = ivs[p].e;
		first = false;
	}
	*prev_end = maxend;
	return true;
}

/* One island's session identities: in range, strictly ascending. */
static bool
v1_validate_sessions(const uint64 *sess, int32 n, const char **detail)
{
	for (int32 j = 0; j < n; j++)
	{
		if (sess[j] == 0 || sess[j] > STITCH_SESSION_MASK)
			*detail = "A session identity is out of range.";
		else if (j > 0 && sess[j] <= sess[j - 1])
			*detail = "Session identities of an island are not strictly ascending.";
		else
			continue;
		return false;
	}
	return true;
}

/*
 * Checks a stored value of len bytes completely: header, counts, sizes, timestamp bounds, class
 * lists in order, island connectivity and separation, session ordering. On failure sets *detail
 * to a sentence and returns false.
 */
static bool
v1_validate(const StitchV1 *v, Size len, const char **detail)
{
	const V1Island *isl;
	const V1Interval *ivs;
	const uint64 *sess;
	int64		prev_end = PG_INT64_MIN;

	if (!v1_validate_header(v, len, detail) || !v1_validate_counts(v, detail))
		return false;
	isl = V1_ISLANDS(v);
	ivs = V1_INTERVALS(v);
	sess = V1_SESSIONS(v);
	for (int32 i = 0; i < v->nislands; i++)
	{
		const V1Interval *cls = ivs;

		for (int c = 0; c < STITCH_NCLASSES; c++)
		{
			if (!v1_validate_class(cls, isl[i].n[c], detail))
				return false;
			cls += isl[i].n[c];
		}
		if (!v1_validate_connected(&isl[i], ivs, v->tolerance, &prev_end, detail) ||
			!v1_validate_sessions(sess, isl[i].nsess, detail))
			return false;
		ivs = cls;
		sess += isl[i].nsess;
	}
	return true;
}

/*
 * Turns a stored value back into items that rebuild it: every interval once
 * with no session, plus a copy of each island's first interval per session
 * identity of the island (a duplicate changes no union and no island).
 */
static int32
v1_expand(const StitchV1 *v, StitchItem *out)
{
	const V1Island *isl = V1_ISLANDS(v);
	const V1Interval *ivs = V1_INTERVALS(v);
	const uint64 *sess = V1_SESSIONS(v);
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

/* Parses "hhhh...,hhhh..." (16 hexadecimal digits each) at *pp into the island's sessions. */
static const char *
parse_sessions(const char **pp, ParseBuf *pb, V1Island *isl)
{
	const char *p = *pp;

	for (;;)
	{
		uint64		h = 0;

		for (int k = 0; k < 16; k++, p++)
		{
			int			dv;

			if (*p >= '0' && *p <= '9')
				dv = *p - '0';
			else if (*p >= 'a' && *p <= 'f')
				dv = *p - 'a' + 10;
			else if (*p >= 'A' && *p <= 'F')
				dv = *p - 'A' + 10;
			else
				return "A session identity must be 16 hexadecimal digits.";
			h = (h << 4) | (uint64) dv;
		}
		if (!STITCH_GROW(pb->sess, pb->nsess, pb->maxsess))
			return "The value has too many elements.";
		pb->sess[pb->nsess++] = h;
		isl->nsess++;
		if (*p != ',')
			break;
		p++;
	}
	*pp = p;
	return NULL;
}

/* Parses "start/end,start/end..." at *pp into pb's intervals, counting them in *count. */
static const char *
parse_intervals(const char **pp, ParseBuf *pb, int32 *count)
{
	const char *p = *pp;

	for (;;)
	{
		const char *err;
		int64		s,
					e;

		if ((err = utc_timestamp_parse(&p, &s)) != NULL)
			return err;
		if (*p++ != '/')
			return "An interval must be two timestamps separated by /.";
		if ((err = utc_timestamp_parse(&p, &e)) != NULL)
			return err;
		if (!STITCH_GROW(pb->ivs, pb->niv, pb->maxiv))
			return "The value has too many elements.";
		pb->ivs[pb->niv].s = s;
		pb->ivs[pb->niv].e = e;
		pb->niv++;
		(*count)++;
		if (*p != ',')
			break;
		p++;
	}
	*pp = p;
	return NULL;
}

/* Parses one island "[...]" at *pp into pb. */
static const char *
parse_island(const char **pp, ParseBuf *pb)
{
	const char *p = *pp;
	V1Island *isl;
	int			lastcls = -1;
	bool		have_sessions = false;

	if (*p++ != '[')
		return "Each island must be enclosed in [ ].";
	if (!STITCH_GROW(pb->isl, pb->nisl, pb->maxisl))
		return "The value has too many elements.";
	isl = &pb->isl[pb->nisl++];
	memset(isl, 0, sizeof(*isl));
	p = skip_ws(p);
	for (;;)
	{
		const char *name = p;
		const char *err;
		size_t		len;
		int			cls;

		while (*p >= 'a' && *p <= 'z')
			p++;
		len = p - name;
		if (*p++ != ':')
			return "Each part of an island must be a class or \"sessions\" followed by a colon.";
		if (have_sessions)
			return "\"sessions\" must be the last part of an island.";
		if (len == 8 && memcmp(name, "sessions", 8) == 0)
		{
			const char *err = parse_sessions(&p, pb, isl);

			if (err != NULL)
				return err;
			have_sessions = true;
		}
		else
		{
			cls = stitch_class_from_name(name, len);
			if (cls < 0)
				return "Unknown class name; classes are alert, interact, hold, wrapup, dialing, contacting, other.";
			if (cls <= lastcls)
				return "Classes of an island must appear once each, in the order alert, interact, hold, wrapup, dialing, contacting, other.";
			lastcls = cls;
			if ((err = parse_intervals(&p, pb, &isl->n[cls])) != NULL)
				return err;
		}
		{
			const char *q = skip_ws(p);

			if (*q == ']')
			{
				p = q + 1;
				break;
			}
			if (*q == '\0')
				return "An island is missing its closing ].";
			if (q == p)
				return "Parts of an island must be separated by white space.";
			p = q;
		}
	}
	if (lastcls < 0)
		return "Each island must have at least one interval.";
	*pp = p;
	return NULL;
}

/* Parses the 0.1.0 text form ("v1 ..."); NULL on success with *result set (format 2), else a detail. */
const char *
stitch_v1_in(const char *str, Stitch **result)
{
	const char *p = skip_ws(str);
	const char *err;
	ParseBuf	pb;
	int64		tol;
	StitchV1   *v;
	Size		sz;

	if (strncmp(p, "v1", 2) != 0 || !isspace((unsigned char) p[2]))
		return "A stitch value must start with the format version v1.";
	p = skip_ws(p + 2);
	if (strncmp(p, "tolerance=", 10) != 0)
		return "The format version must be followed by tolerance=<seconds>s.";
	p += 10;
	if ((err = tolerance_error_detail(seconds_parse(&p, false, &tol))) != NULL)
		return err;

	pb.maxisl = 4;
	pb.isl = palloc(sizeof(V1Island) * pb.maxisl);
	pb.nisl = 0;
	pb.maxiv = 8;
	pb.ivs = palloc(sizeof(V1Interval) * pb.maxiv);
	pb.niv = 0;
	pb.maxsess = 4;
	pb.sess = palloc(sizeof(uint64) * pb.maxsess);
	pb.nsess = 0;

	for (;;)
	{
		const char *q = skip_ws(p);

		if (*q == '\0')
			break;
		if (q == p)
			return "Islands must be separated by white space.";
		p = q;
		if ((err = parse_island(&p, &pb)) != NULL)
			return err;
	}
	if (pb.nisl == 0)
		return "A stitch value must have at least one island.";

	sz = v1_size(pb.nisl, pb.niv, pb.nsess);
	v = palloc0(sz);
	SET_VARSIZE(v, sz);
	v->version = 1;
	v->tolerance = tol;
	v->nislands = pb.nisl;
	v->nintervals = pb.niv;
	v->nsessions = pb.nsess;
	memcpy(V1_ISLANDS(v), pb.isl, sizeof(V1Island) * pb.nisl);
	memcpy(V1_INTERVALS(v), pb.ivs, sizeof(V1Interval) * pb.niv);
	if (pb.nsess > 0)
		memcpy(V1_SESSIONS(v), pb.sess, sizeof(uint64) * pb.nsess);
	if (!v1_validate(v, sz, &err))
		return err;
	*result = v1_to_current(v);
	return NULL;
}


/* The format 2 value of a valid format 1 value: its rows, stitched with the gap rule only. */
static Stitch *
v1_to_current(const StitchV1 *old)
{
	StitchRules r;
	StitchItem *items = palloc(sizeof(StitchItem) * ((Size) old->nintervals + old->nsessions));
	int32		n = v1_expand(old, items);
	Stitch	   *v;

	r.tolerance = old->tolerance;
	r.split_after_wrapup = false;
	v = stitch_build(items, n, &r);
	pfree(items);
	return v;
}

/* A format 1 value as stored (detoasted): checked, then read as format 2. */
Stitch *
stitch_v1_upgrade(const void *stored)
{
	const StitchV1 *old = (const StitchV1 *) stored;
	const char *detail;

	if (old->version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stitch value of unknown format version %d", old->version),
				 errhint("It was written by a later gcstitch, or it is corrupted.")));
	if (!v1_validate(old, VARSIZE(old), &detail))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid stitch value of format 1"),
				 errdetail_internal("%s", detail)));
	return v1_to_current(old);
}

/*
 * Binary input of format 1 (after its version byte): counts checked against
 * the bytes left, the value validated; NULL with *detail set when invalid.
 */
Stitch *
stitch_v1_recv(StringInfo buf, const char **detail)
{
	int			flags;
	int64		tol;
	int32		nisl,
				niv,
				nsess;
	StitchV1   *v;
	Size		sz;
	V1Island   *isl;
	V1Interval *ivs;
	uint64	   *sess;
	int32		i;
	int			c;

	if ((Size) (buf->len - buf->cursor) < sizeof(uint8) + sizeof(int64) + 3 * sizeof(int32))
	{
		*detail = "The value is shorter than its header.";
		return NULL;
	}
	flags = pq_getmsgbyte(buf);
	if (flags != 0)
	{
		*detail = "Reserved flags are not zero.";
		return NULL;
	}
	tol = pq_getmsgint64(buf);
	nisl = (int32) pq_getmsgint(buf, sizeof(int32));
	niv = (int32) pq_getmsgint(buf, sizeof(int32));
	nsess = (int32) pq_getmsgint(buf, sizeof(int32));
	if (nisl < 1 || niv < 1 || nsess < 0 ||
		(int64) nisl * (int64) sizeof(V1Island) + (int64) niv * (int64) sizeof(V1Interval) +
		(int64) nsess * (int64) sizeof(uint64) != (int64) (buf->len - buf->cursor))
	{
		*detail = "The counts do not match the length of the value.";
		return NULL;
	}

	sz = v1_size(nisl, niv, nsess);
	v = palloc0(sz);
	SET_VARSIZE(v, sz);
	v->version = 1;
	v->tolerance = tol;
	v->nislands = nisl;
	v->nintervals = niv;
	v->nsessions = nsess;
	isl = V1_ISLANDS(v);
	ivs = V1_INTERVALS(v);
	sess = V1_SESSIONS(v);
	for (i = 0; i < nisl; i++)
	{
		for (c = 0; c < STITCH_NCLASSES; c++)
			isl[i].n[c] = (int32) pq_getmsgint(buf, sizeof(int32));
		isl[i].nsess = (int32) pq_getmsgint(buf, sizeof(int32));
	}
	for (i = 0; i < niv; i++)
	{
		ivs[i].s = pq_getmsgint64(buf);
		ivs[i].e = pq_getmsgint64(buf);
	}
	for (i = 0; i < nsess; i++)
		sess[i] = (uint64) pq_getmsgint64(buf);
	if (!v1_validate(v, sz, detail))
		return NULL;
	return v1_to_current(v);
}
