/*
 * stitch_type.c
 *		Text and binary input/output and equality of gcstitch.stitch.
 *
 * Text format 2 (independent of TimeZone and DateStyle):
 *
 *	 v2 tolerance=30s split_after_wrapup=true [alert:T/T@H interact:T/T@H] [...]
 *
 * one bracketed island per stitched interaction in time order; inside, the
 * value's rows in their stored order (start, then class in the order alert,
 * interact, hold, wrapup, dialing, contacting, other, then session), each
 * class:start/end with @ and its session identity in 16 lower-case hex
 * digits when it has one.  T is a timestamp as stitch_text.c writes it; the
 * tolerance is in seconds.  Input accepts exactly what output writes (so a
 * value has one text form) and checks that the rows are cut into islands as
 * the stitching rules cut them.  Text of format 1 ("v1 ...", written by
 * gcstitch 0.1.0) is read too, and so is the compact form ("v2c:...",
 * stitch_compact.c), which the output writes when gcstitch.stitch_output is
 * compact.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "stitch_compact.h"
#include "stitch_type.h"

/* gcstitch.stitch_output, defined in _PG_init (gcstitch.c). */
int			stitch_output = STITCH_OUTPUT_READABLE;

/* Growable arrays filled by the text parser. */
typedef struct ParseBuf
{
	StitchItem *items;
	int32		nitems;
	int32		maxitems;
	int32	   *sizes;			/* rows per island */
	int32		nislands;
	int32		maxislands;
} ParseBuf;

/* Consumes the literal lit at *pp; false when it is not there. */
static bool
expect(const char **pp, const char *lit)
{
	size_t		len = strlen(lit);

	if (strncmp(*pp, lit, len) != 0)
		return false;
	*pp += len;
	return true;
}

/* True when [from, to) is exactly the canonical text in scratch. */
static bool
is_canonical(const char *from, const char *to, StringInfo scratch)
{
	return (size_t) (to - from) == (size_t) scratch->len &&
		memcmp(from, scratch->data, scratch->len) == 0;
}

/* Parses a timestamp that must be written exactly as output writes it. */
static const char *
parse_canonical_timestamp(const char **pp, int64 *ts, StringInfo scratch)
{
	const char *from = *pp;
	const char *err = utc_timestamp_parse(pp, ts);

	if (err != NULL)
		return err;
	resetStringInfo(scratch);
	utc_timestamp_append(scratch, *ts);
	if (!is_canonical(from, *pp, scratch))
		return "A timestamp is not in canonical form (four-digit year at least, no trailing zeros in the fraction).";
	return NULL;
}

/* Parses "@" and 16 lower-case hexadecimal digits into *sid. */
static const char *
parse_session(const char **pp, uint64 *sid)
{
	const char *p = *pp + 1;
	uint64		h = 0;
	int			k;

	for (k = 0; k < 16; k++, p++)
	{
		if (*p >= '0' && *p <= '9')
			h = (h << 4) | (uint64) (*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			h = (h << 4) | (uint64) (*p - 'a' + 10);
		else
			return "A session identity must be @ and 16 lower-case hexadecimal digits.";
	}
	if (h == 0 || h > STITCH_SESSION_MASK)
		return "A session identity is out of range.";
	*sid = h;
	*pp = p;
	return NULL;
}

/* Parses one row "class:start/end[@session]" into pb. */
static const char *
parse_row(const char **pp, ParseBuf *pb, StringInfo scratch)
{
	const char *p = *pp;
	const char *name = p;
	const char *err;
	StitchItem	it;
	uint64		sid = 0;
	int			cls;

	while (*p >= 'a' && *p <= 'z')
		p++;
	cls = stitch_class_from_name(name, p - name);
	if (cls < 0)
		return "A row must start with a class: alert, interact, hold, wrapup, dialing, contacting or other.";
	if (*p++ != ':')
		return "A class must be followed by a colon.";
	if ((err = parse_canonical_timestamp(&p, &it.s, scratch)) != NULL)
		return err;
	if (*p++ != '/')
		return "A row must be two timestamps separated by /.";
	if ((err = parse_canonical_timestamp(&p, &it.e, scratch)) != NULL)
		return err;
	if (*p == '@' && (err = parse_session(&p, &sid)) != NULL)
		return err;
	it.tag = STITCH_TAG(cls, sid);
	if (!STITCH_GROW(pb->items, pb->nitems, pb->maxitems))
		return "The value has too many rows.";
	pb->items[pb->nitems++] = it;
	*pp = p;
	return NULL;
}

/* Parses one island's "row row ...]" (after its [) into pb. */
static const char *
parse_island(const char **pp, ParseBuf *pb, StringInfo scratch)
{
	const char *p = *pp;
	int32		first = pb->nitems;

	for (;;)
	{
		const char *err = parse_row(&p, pb, scratch);

		if (err != NULL)
			return err;
		if (*p == ']')
			break;
		if (*p++ != ' ')
			return "Rows of an island must be separated by one space and the island closed by ].";
	}
	if (!STITCH_GROW(pb->sizes, pb->nislands, pb->maxislands))
		return "The value has too many islands.";
	pb->sizes[pb->nislands++] = pb->nitems - first;
	*pp = p + 1;
	return NULL;
}

/* The detail for a tolerance seconds_parse refused; NULL for none. */
const char *
tolerance_error_detail(SecondsError e)
{
	switch (e)
	{
		case SECONDS_OK:
			return NULL;
		case SECONDS_NOT_A_NUMBER:
			return "The tolerance must be a number of seconds, e.g. tolerance=30s.";
		case SECONDS_FRACTION:
			return "The tolerance's fraction must have 1 to 6 digits.";
		case SECONDS_NOT_CANONICAL:
			return "The tolerance is not in canonical form (no leading zeros, no trailing zeros in the fraction).";
		case SECONDS_NO_UNIT:
			return "The tolerance must end with s (seconds).";
		case SECONDS_OUT_OF_RANGE:
			break;
	}
	return "The tolerance is out of range.";
}

/* Parses the text of format 2; NULL on success with *result set, else a detail. */
static const char *
parse_stitch(const char *str, Stitch **result)
{
	const char *p = str;
	const char *err;
	StitchRules r;
	ParseBuf	pb;
	StringInfoData scratch;

	if (!expect(&p, "v2 tolerance="))
		return "A stitch value must start with \"v2 tolerance=\" (readable form), \"v2c:\" (compact form) or \"v1\" (the format of gcstitch 0.1.0).";
	initStringInfo(&scratch);
	if ((err = tolerance_error_detail(seconds_parse(&p, true, &r.tolerance))) != NULL)
		return err;
	if (expect(&p, " split_after_wrapup=true"))
		r.split_after_wrapup = true;
	else if (expect(&p, " split_after_wrapup=false"))
		r.split_after_wrapup = false;
	else
		return "The tolerance must be followed by split_after_wrapup=true or split_after_wrapup=false.";

	pb.maxitems = 8;
	pb.items = palloc(sizeof(StitchItem) * pb.maxitems);
	pb.nitems = 0;
	pb.maxislands = 4;
	pb.sizes = palloc(sizeof(int32) * pb.maxislands);
	pb.nislands = 0;
	while (*p != '\0')
	{
		if (!expect(&p, " ["))
			return "Islands must follow, each as one space and [rows].";
		if ((err = parse_island(&p, &pb, &scratch)) != NULL)
			return err;
	}
	if (pb.nislands == 0)
		return "A stitch value must have at least one island.";
	*result = stitch_from_islands(pb.items, pb.nitems, pb.sizes, pb.nislands, &r, &err);
	return *result == NULL ? err : NULL;
}

/* Text input. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_in);
Datum
gcstitch_stitch_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Stitch	   *v = NULL;
	const char *err;
	const char *p = str;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncmp(str, STITCH_COMPACT_PREFIX, STITCH_COMPACT_PREFIX_LEN) == 0)
		err = stitch_compact_parse(str, &v);
	else
		err = strncmp(p, "v1", 2) == 0 ? stitch_v1_in(str, &v) : parse_stitch(str, &v);
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

/* Appends the readable text of v. */
static void
append_readable(StringInfo buf, const Stitch *v)
{
	const StitchIsland *isl = STITCH_ISLANDS(v);
	const StitchItem *it = STITCH_ITEMS(v);
	int32		i;
	int32		j;

	appendStringInfoString(buf, "v2 tolerance=");
	seconds_append(buf, v->tolerance);
	appendStringInfoString(buf, STITCH_SPLITS(v) ? " split_after_wrapup=true" : " split_after_wrapup=false");
	for (i = 0; i < v->nislands; i++)
	{
		appendStringInfoString(buf, " [");
		for (j = 0; j < isl[i].nitems; j++, it++)
		{
			uint64		sid = STITCH_TAG_SESSION(it->tag);

			if (j > 0)
				appendStringInfoChar(buf, ' ');
			appendStringInfoString(buf, stitch_class_name(STITCH_TAG_CLASS(it->tag)));
			appendStringInfoChar(buf, ':');
			utc_timestamp_append(buf, it->s);
			appendStringInfoChar(buf, '/');
			utc_timestamp_append(buf, it->e);
			if (sid != 0)
				appendStringInfo(buf, "@%016" INT64_MODIFIER "x", sid);
		}
		appendStringInfoChar(buf, ']');
	}
}

/* Text output, in the form gcstitch.stitch_output names. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_out);
Datum
gcstitch_stitch_out(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	if (stitch_output == STITCH_OUTPUT_COMPACT)
		stitch_compact_append(&buf, v);
	else
		append_readable(&buf, v);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary format 2, network byte order: uint8 version (2), uint8 flags,
 * int64 tolerance, int32 nislands, int32 nitems; per island an int32 row
 * count; per row int64 start, int64 end, int64 tag (class in the top 3 bits,
 * session identity below).
 */
PG_FUNCTION_INFO_V1(gcstitch_stitch_send);
Datum
gcstitch_stitch_send(PG_FUNCTION_ARGS)
{
	Stitch	   *v = PG_GETARG_STITCH_P(0);
	const StitchIsland *isl = STITCH_ISLANDS(v);
	const StitchItem *items = STITCH_ITEMS(v);
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendbyte(&buf, v->flags);
	pq_sendint64(&buf, v->tolerance);
	pq_sendint32(&buf, v->nislands);
	pq_sendint32(&buf, v->nitems);
	for (i = 0; i < v->nislands; i++)
		pq_sendint32(&buf, isl[i].nitems);
	for (i = 0; i < v->nitems; i++)
	{
		pq_sendint64(&buf, items[i].s);
		pq_sendint64(&buf, items[i].e);
		pq_sendint64(&buf, (int64) items[i].tag);
	}
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

/* Bytes of format 2's binary form after the version byte: flags, tolerance and two counts; then
 * per island its row count, per row start, end and tag. */
#define RECV_HEADER_SIZE (sizeof(uint8) + sizeof(int64) + 2 * sizeof(int32))
#define RECV_ISLAND_SIZE sizeof(int32)
#define RECV_ROW_SIZE (2 * sizeof(int64) + sizeof(uint64))

/* Binary input of format 2 after its version byte; NULL with *detail set when invalid. */
static Stitch *
recv_current(StringInfo buf, const char **detail)
{
	StitchRules r;
	int			flags;
	int32		nisl,
				n;
	int32	   *sizes;
	StitchItem *items;
	int64		total = 0;
	int32		i;

	if ((Size) (buf->len - buf->cursor) < RECV_HEADER_SIZE)
	{
		*detail = "The value is shorter than its header.";
		return NULL;
	}
	flags = pq_getmsgbyte(buf);
	if ((flags & ~STITCH_F_SPLIT_AFTER_WRAPUP) != 0)
	{
		*detail = "Unknown flags are set.";
		return NULL;
	}
	r.split_after_wrapup = (flags & STITCH_F_SPLIT_AFTER_WRAPUP) != 0;
	r.tolerance = pq_getmsgint64(buf);
	nisl = (int32) pq_getmsgint(buf, sizeof(int32));
	n = (int32) pq_getmsgint(buf, sizeof(int32));
	if (nisl < 1 || n < nisl ||
		(int64) nisl * RECV_ISLAND_SIZE + (int64) n * RECV_ROW_SIZE != (int64) (buf->len - buf->cursor))
	{
		*detail = "The counts do not match the length of the value.";
		return NULL;
	}
	sizes = palloc(sizeof(int32) * nisl);
	for (i = 0; i < nisl; i++)
	{
		sizes[i] = (int32) pq_getmsgint(buf, sizeof(int32));
		if (sizes[i] < 1)
		{
			*detail = "An island has no row.";
			return NULL;
		}
		total += sizes[i];
	}
	if (total != n)
	{
		*detail = "Island row counts do not add up to the row count.";
		return NULL;
	}
	items = palloc(sizeof(StitchItem) * n);
	for (i = 0; i < n; i++)
	{
		items[i].s = pq_getmsgint64(buf);
		items[i].e = pq_getmsgint64(buf);
		items[i].tag = (uint64) pq_getmsgint64(buf);
	}
	return stitch_from_islands(items, n, sizes, nisl, &r, detail);
}

/* Binary input: every count is checked against the bytes left, then the value is validated. */
PG_FUNCTION_INFO_V1(gcstitch_stitch_recv);
Datum
gcstitch_stitch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const char *detail = NULL;
	Stitch	   *v = NULL;

	if (buf->len - buf->cursor < 1)
		binary_error("The value is shorter than its header.");
	switch (pq_getmsgbyte(buf))
	{
		case STITCH_VERSION:
			v = recv_current(buf, &detail);
			break;
		case 1:
			v = stitch_v1_recv(buf, &detail);
			break;
		default:
			detail = "Unsupported stitch format version.";
	}
	if (v == NULL)
		binary_error(detail);
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
