/*
 * stitch_type.c
 *		Text and binary input/output and equality of gcstitch.stitch.
 *
 * Text format (independent of TimeZone and DateStyle):
 *
 *	 v1 tolerance=30s [alert:T/T interact:T/T,T/T sessions:H,H] [...]
 *
 * one bracketed island per stitched interaction in time order; inside, the
 * union of each class's intervals (classes in the fixed order alert,
 * interact, hold, wrapup, dialing, contacting, other; absent classes
 * omitted), then the session identities as 16 hex digits.  T is an ISO 8601
 * UTC timestamp, YYYY-MM-DDTHH:MM:SS[.ffffff]Z (fraction without trailing
 * zeros; year 0 and negative years are astronomical, e.g. -0001 is 2 BC).
 * The tolerance is in seconds with up to 6 decimals.  Input accepts exactly
 * this (any run of white space where output has one space, hex digits in
 * either case, 1 to 6 fraction digits) and checks every invariant that
 * binary input checks.
 */
#include "postgres.h"

#include <ctype.h>

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "stitch_agg.h"
#include "stitch_type.h"

/* Growable arrays filled by the text parser. */
typedef struct ParseBuf
{
	StitchIsland *isl;
	int32		nisl,
				maxisl;
	StitchInterval *ivs;
	int32		niv,
				maxiv;
	uint64	   *sess;
	int32		nsess,
				maxsess;
} ParseBuf;

#define GROW(arr, n, max) \
	do { \
		if ((n) >= (max)) \
		{ \
			if ((max) >= (int32) (MaxAllocSize / 2 / sizeof(*(arr)))) \
				return "The value has too many elements."; \
			(max) *= 2; \
			(arr) = repalloc((arr), sizeof(*(arr)) * (max)); \
		} \
	} while (0)

static inline const char *
skip_ws(const char *p)
{
	while (*p && isspace((unsigned char) *p))
		p++;
	return p;
}

/* Parses exactly n decimal digits into *out. */
static bool
parse_digits(const char **pp, int n, int *out)
{
	const char *p = *pp;
	int			v = 0;
	int			i;

	for (i = 0; i < n; i++, p++)
	{
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	*pp = p;
	return true;
}

/* Parses ".<1 to 6 digits>" at *pp into microseconds; false when the digit count is wrong. */
static bool
parse_fraction(const char **pp, int64 *frac)
{
	const char *p = *pp + 1;
	int			k = 0;

	*frac = 0;
	while (*p >= '0' && *p <= '9' && k < 7)
	{
		*frac = *frac * 10 + (*p - '0');
		p++;
		k++;
	}
	if (k < 1 || k > 6)
		return false;
	for (; k < 6; k++)
		*frac *= 10;
	*pp = p;
	return true;
}

/* Parses a timestamp of the text format; NULL on success, else a detail. */
static const char *
parse_ts(const char **pp, int64 *out)
{
	const char *p = *pp;
	bool		neg = false;
	int64		year = 0;
	int			nd = 0;
	int			mon,
				day,
				hh,
				mi,
				ss;
	int64		frac = 0;
	int64		days;
	int64		t;

	if (*p == '-')
	{
		neg = true;
		p++;
	}
	while (*p >= '0' && *p <= '9' && nd < 7)
	{
		year = year * 10 + (*p - '0');
		p++;
		nd++;
	}
	if (nd < 4 || nd > 6)
		return "A timestamp must start with a year of 4 to 6 digits.";
	if (neg)
		year = -year;
	if (*p++ != '-' || !parse_digits(&p, 2, &mon) || *p++ != '-' ||
		!parse_digits(&p, 2, &day) || *p++ != 'T' ||
		!parse_digits(&p, 2, &hh) || *p++ != ':' ||
		!parse_digits(&p, 2, &mi) || *p++ != ':' ||
		!parse_digits(&p, 2, &ss))
		return "A timestamp must look like 2024-11-04T08:42:19.734Z.";
	if (*p == '.' && !parse_fraction(&p, &frac))
		return "A timestamp's fraction must have 1 to 6 digits.";
	if (*p++ != 'Z')
		return "A timestamp must end with Z (UTC).";
	if (year < -4713 || year > 294276 || mon < 1 || mon > 12 || day < 1 ||
		day > day_tab[isleap(year) ? 1 : 0][mon - 1] ||
		hh > 23 || mi > 59 || ss > 59)
		return "A timestamp has a field out of range.";
	days = (int64) date2j((int) year, mon, day) - POSTGRES_EPOCH_JDATE;
	t = ((int64) hh * 3600 + mi * 60 + ss) * USECS_PER_SEC + frac;
	/* |days| < 2^27, so days * USECS_PER_DAY cannot overflow int64 */
	if (days > (PG_INT64_MAX - t) / USECS_PER_DAY + 1)
		return "A timestamp is out of range.";
	t = days * USECS_PER_DAY + t;
	if (!IS_VALID_TIMESTAMP(t))
		return "A timestamp is out of range.";
	*out = t;
	*pp = p;
	return NULL;
}

/* Appends the text form of ts to buf. */
void
stitch_append_timestamp(StringInfo buf, int64 ts)
{
	int64		days = ts / USECS_PER_DAY;
	int64		t = ts % USECS_PER_DAY;
	int			y,
				m,
				d;
	int			us;

	if (t < 0)
	{
		t += USECS_PER_DAY;
		days--;
	}
	j2date((int) (days + POSTGRES_EPOCH_JDATE), &y, &m, &d);
	if (y < 0)
		appendStringInfo(buf, "-%04d", -y);
	else
		appendStringInfo(buf, "%04d", y);
	appendStringInfo(buf, "-%02d-%02dT%02d:%02d:%02d", m, d,
					 (int) (t / USECS_PER_HOUR),
					 (int) (t / USECS_PER_MINUTE % 60),
					 (int) (t / USECS_PER_SEC % 60));
	us = (int) (t % USECS_PER_SEC);
	if (us != 0)
	{
		char		frac[8];
		int			k;

		snprintf(frac, sizeof(frac), "%06d", us);
		for (k = 5; k > 0 && frac[k] == '0'; k--)
			frac[k] = '\0';
		appendStringInfo(buf, ".%s", frac);
	}
	appendStringInfoChar(buf, 'Z');
}

/* Appends microseconds as seconds with up to 6 decimals and "s". */
void
stitch_append_seconds(StringInfo buf, int64 us)
{
	appendStringInfo(buf, INT64_FORMAT, us / USECS_PER_SEC);
	if (us % USECS_PER_SEC != 0)
	{
		char		frac[8];
		int			k;

		snprintf(frac, sizeof(frac), "%06d", (int) (us % USECS_PER_SEC));
		for (k = 5; k > 0 && frac[k] == '0'; k--)
			frac[k] = '\0';
		appendStringInfo(buf, ".%s", frac);
	}
	appendStringInfoChar(buf, 's');
}

/* Parses the tolerance "<seconds>[.<fraction>]s". */
static const char *
parse_seconds(const char **pp, int64 *out)
{
	const char *p = *pp;
	int64		secs = 0;
	int64		frac = 0;
	int			nd = 0;

	while (*p >= '0' && *p <= '9')
	{
		if (secs > (PG_INT64_MAX / USECS_PER_SEC) / 10)
			return "The tolerance is out of range.";
		secs = secs * 10 + (*p - '0');
		p++;
		nd++;
	}
	if (nd == 0)
		return "The tolerance must be a number of seconds, e.g. tolerance=30s.";
	if (*p == '.' && !parse_fraction(&p, &frac))
		return "The tolerance's fraction must have 1 to 6 digits.";
	if (*p++ != 's')
		return "The tolerance must end with s (seconds).";
	if (secs > (PG_INT64_MAX - frac) / USECS_PER_SEC)
		return "The tolerance is out of range.";
	*out = secs * USECS_PER_SEC + frac;
	*pp = p;
	return NULL;
}

/* Parses one island "[...]" at *pp into pb. */
static const char *
parse_island(const char **pp, ParseBuf *pb)
{
	const char *p = *pp;
	StitchIsland *isl;
	int			lastcls = -1;
	bool		have_sessions = false;

	if (*p++ != '[')
		return "Each island must be enclosed in [ ].";
	GROW(pb->isl, pb->nisl, pb->maxisl);
	isl = &pb->isl[pb->nisl++];
	memset(isl, 0, sizeof(*isl));
	p = skip_ws(p);
	for (;;)
	{
		const char *name = p;
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
			have_sessions = true;
			for (;;)
			{
				uint64		h = 0;
				int			k;

				for (k = 0; k < 16; k++, p++)
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
				GROW(pb->sess, pb->nsess, pb->maxsess);
				pb->sess[pb->nsess++] = h;
				isl->nsess++;
				if (*p != ',')
					break;
				p++;
			}
		}
		else
		{
			cls = stitch_class_from_name(name, len);
			if (cls < 0)
				return "Unknown class name; classes are alert, interact, hold, wrapup, dialing, contacting, other.";
			if (cls <= lastcls)
				return "Classes of an island must appear once each, in the order alert, interact, hold, wrapup, dialing, contacting, other.";
			lastcls = cls;
			for (;;)
			{
				const char *err;
				int64		s,
							e;

				if ((err = parse_ts(&p, &s)) != NULL)
					return err;
				if (*p++ != '/')
					return "An interval must be two timestamps separated by /.";
				if ((err = parse_ts(&p, &e)) != NULL)
					return err;
				GROW(pb->ivs, pb->niv, pb->maxiv);
				pb->ivs[pb->niv].s = s;
				pb->ivs[pb->niv].e = e;
				pb->niv++;
				isl->n[cls]++;
				if (*p != ',')
					break;
				p++;
			}
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

/* Parses the whole text form; NULL on success with *result set, else a detail. */
static const char *
parse_stitch(const char *str, Stitch **result)
{
	const char *p = skip_ws(str);
	const char *err;
	ParseBuf	pb;
	int64		tol;
	Stitch	   *v;
	Size		sz;

	if (strncmp(p, "v1", 2) != 0 || !isspace((unsigned char) p[2]))
		return "A stitch value must start with the format version v1.";
	p = skip_ws(p + 2);
	if (strncmp(p, "tolerance=", 10) != 0)
		return "The format version must be followed by tolerance=<seconds>s.";
	p += 10;
	if ((err = parse_seconds(&p, &tol)) != NULL)
		return err;

	pb.maxisl = 4;
	pb.isl = palloc(sizeof(StitchIsland) * pb.maxisl);
	pb.nisl = 0;
	pb.maxiv = 8;
	pb.ivs = palloc(sizeof(StitchInterval) * pb.maxiv);
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

	sz = stitch_size(pb.nisl, pb.niv, pb.nsess);
	v = palloc0(sz);
	SET_VARSIZE(v, sz);
	v->version = STITCH_VERSION;
	v->tolerance = tol;
	v->nislands = pb.nisl;
	v->nintervals = pb.niv;
	v->nsessions = pb.nsess;
	memcpy(STITCH_ISLANDS(v), pb.isl, sizeof(StitchIsland) * pb.nisl);
	memcpy(STITCH_INTERVALS(v), pb.ivs, sizeof(StitchInterval) * pb.niv);
	if (pb.nsess > 0)
		memcpy(STITCH_SESSIONS(v), pb.sess, sizeof(uint64) * pb.nsess);
	if (!stitch_validate(v, sz, &err))
		return err;
	*result = v;
	return NULL;
}

/* Text input. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_in);
Datum
gcstitch_stitch_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Stitch	   *v = NULL;
	const char *err = parse_stitch(str, &v);

	if (err != NULL)
	{
#if PG_VERSION_NUM >= 160000
		ereturn(fcinfo->context, (Datum) 0,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "stitch", str),
				 errdetail_internal("%s", err)));
#else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "stitch", str),
				 errdetail_internal("%s", err)));
#endif
	}
	PG_RETURN_STITCH_P(v);
}

/* Text output. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_out);
Datum
gcstitch_stitch_out(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	const StitchIsland *isl = STITCH_ISLANDS(v);
	const StitchInterval *ivs = STITCH_INTERVALS(v);
	const uint64 *sess = STITCH_SESSIONS(v);
	StringInfoData buf;
	int32		ioff = 0;
	int32		soff = 0;
	int32		i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "v1 tolerance=");
	stitch_append_seconds(&buf, v->tolerance);
	for (i = 0; i < v->nislands; i++)
	{
		bool		firstpart = true;
		int			c;
		int32		j;

		appendStringInfoString(&buf, " [");
		for (c = 0; c < STITCH_NCLASSES; c++)
		{
			if (isl[i].n[c] == 0)
				continue;
			if (!firstpart)
				appendStringInfoChar(&buf, ' ');
			firstpart = false;
			appendStringInfo(&buf, "%s:", stitch_class_name(c));
			for (j = 0; j < isl[i].n[c]; j++, ioff++)
			{
				if (j > 0)
					appendStringInfoChar(&buf, ',');
				stitch_append_timestamp(&buf, ivs[ioff].s);
				appendStringInfoChar(&buf, '/');
				stitch_append_timestamp(&buf, ivs[ioff].e);
			}
		}
		if (isl[i].nsess > 0)
		{
			appendStringInfoString(&buf, " sessions:");
			for (j = 0; j < isl[i].nsess; j++, soff++)
			{
				if (j > 0)
					appendStringInfoChar(&buf, ',');
				appendStringInfo(&buf, "%016" INT64_MODIFIER "x", sess[soff]);
			}
		}
		appendStringInfoChar(&buf, ']');
	}
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary format, network byte order: uint8 version, uint8 flags, int64
 * tolerance, int32 nislands, nintervals, nsessions; per island 7 int32
 * interval counts and an int32 session count; per interval int64 start and
 * end; per session an int64 identity.
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_send);
Datum
gcstitch_stitch_send(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	const StitchIsland *isl = STITCH_ISLANDS(v);
	const StitchInterval *ivs = STITCH_INTERVALS(v);
	const uint64 *sess = STITCH_SESSIONS(v);
	StringInfoData buf;
	int32		i;
	int			c;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendbyte(&buf, v->flags);
	pq_sendint64(&buf, v->tolerance);
	pq_sendint32(&buf, v->nislands);
	pq_sendint32(&buf, v->nintervals);
	pq_sendint32(&buf, v->nsessions);
	for (i = 0; i < v->nislands; i++)
	{
		for (c = 0; c < STITCH_NCLASSES; c++)
			pq_sendint32(&buf, isl[i].n[c]);
		pq_sendint32(&buf, isl[i].nsess);
	}
	for (i = 0; i < v->nintervals; i++)
	{
		pq_sendint64(&buf, ivs[i].s);
		pq_sendint64(&buf, ivs[i].e);
	}
	for (i = 0; i < v->nsessions; i++)
		pq_sendint64(&buf, (int64) sess[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary format for type %s", "stitch"),
			 errdetail_internal("%s", detail)));
}

/* Binary input: every count is checked against the bytes left, then the value is validated. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_recv);
Datum
gcstitch_stitch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			left = buf->len - buf->cursor;
	int			version,
				flags;
	int64		tol;
	int32		nisl,
				niv,
				nsess;
	Stitch	   *v;
	Size		sz;
	StitchIsland *isl;
	StitchInterval *ivs;
	uint64	   *sess;
	const char *err;
	int32		i;
	int			c;

	if (left < 2 + 8 + 4 * 3)
		binary_error("The value is shorter than its header.");
	version = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	if (version != STITCH_VERSION)
		binary_error("Unsupported stitch format version.");
	if (flags != 0)
		binary_error("Reserved flags are not zero.");
	tol = pq_getmsgint64(buf);
	nisl = (int32) pq_getmsgint(buf, 4);
	niv = (int32) pq_getmsgint(buf, 4);
	nsess = (int32) pq_getmsgint(buf, 4);
	left = buf->len - buf->cursor;
	if (nisl < 1 || niv < 1 || nsess < 0 ||
		(int64) nisl * 32 + (int64) niv * 16 + (int64) nsess * 8 != (int64) left)
		binary_error("The counts do not match the length of the value.");

	sz = stitch_size(nisl, niv, nsess);
	v = palloc0(sz);
	SET_VARSIZE(v, sz);
	v->version = (uint8) version;
	v->flags = (uint8) flags;
	v->tolerance = tol;
	v->nislands = nisl;
	v->nintervals = niv;
	v->nsessions = nsess;
	isl = STITCH_ISLANDS(v);
	ivs = STITCH_INTERVALS(v);
	sess = STITCH_SESSIONS(v);
	for (i = 0; i < nisl; i++)
	{
		for (c = 0; c < STITCH_NCLASSES; c++)
			isl[i].n[c] = (int32) pq_getmsgint(buf, 4);
		isl[i].nsess = (int32) pq_getmsgint(buf, 4);
	}
	for (i = 0; i < niv; i++)
	{
		ivs[i].s = pq_getmsgint64(buf);
		ivs[i].e = pq_getmsgint64(buf);
	}
	for (i = 0; i < nsess; i++)
		sess[i] = (uint64) pq_getmsgint64(buf);
	if (!stitch_validate(v, sz, &err))
		binary_error(err);
	PG_RETURN_STITCH_P(v);
}

/* Equality: stored values are canonical, so equal bytes mean equal values. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_eq);
Datum
gcstitch_stitch_eq(PG_FUNCTION_ARGS)
{
	Stitch	   *a = PG_GETARG_STITCH_P(0);
	Stitch	   *b = PG_GETARG_STITCH_P(1);

	PG_RETURN_BOOL(VARSIZE(a) == VARSIZE(b) &&
				   memcmp(a, b, VARSIZE(a)) == 0);
}

/* Inequality. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_ne);
Datum
gcstitch_stitch_ne(PG_FUNCTION_ARGS)
{
	Stitch	   *a = PG_GETARG_STITCH_P(0);
	Stitch	   *b = PG_GETARG_STITCH_P(1);

	PG_RETURN_BOOL(!(VARSIZE(a) == VARSIZE(b) &&
					 memcmp(a, b, VARSIZE(a)) == 0));
}
