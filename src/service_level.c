/*
 * service_level.c
 *		The gcstitch.service_level type, its aggregates and accessors.
 *
 * A value holds the counts of one queue (offered, answered, answered within
 * the threshold, abandoned, short abandoned, flow-outs) together with the
 * threshold, the short-abandon threshold and the option flags they were
 * counted with, so that values counted under different rules never mix.
 * The percentage is computed from counts, never averaged.
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "service_level.h"
#include "time_text.h"

#define SL_GETARG(n) ServiceLevelFromDatum(PG_GETARG_DATUM(n))

static const char *const CountNames[] = {
	"offered", "answered", "answered_in_threshold", "abandoned",
	"short_abandoned", "flow_outs"
};

/* Address of the count number i (0..5, in CountNames order) */
static int64 *
CountPtr(ServiceLevel *sl, int i)
{
	int64	   *counts[] = {&sl->offered, &sl->answered, &sl->answered_in_threshold,
	&sl->abandoned, &sl->short_abandoned, &sl->flow_outs};

	return counts[i];
}

/* Detoasted value; stored values of another version are refused */
static ServiceLevel *
ServiceLevelFromDatum(Datum d)
{
	ServiceLevel *sl = (ServiceLevel *) PG_DETOAST_DATUM(d);

	if (VARSIZE(sl) < offsetof(ServiceLevel, threshold) || sl->version != SERVICE_LEVEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported service_level format version %d",
						VARSIZE(sl) < offsetof(ServiceLevel, threshold) ? -1 : (int) sl->version)));
	if (VARSIZE(sl) != sizeof(ServiceLevel))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("service_level value of version %d has size %d instead of %d",
						(int) sl->version, (int) VARSIZE(sl), (int) sizeof(ServiceLevel))));
	return sl;
}

/* A zeroed value of the current version */
static ServiceLevel *
NewServiceLevel(void)
{
	ServiceLevel *sl = palloc0(sizeof(ServiceLevel));

	SET_VARSIZE(sl, sizeof(ServiceLevel));
	sl->version = SERVICE_LEVEL_VERSION;
	return sl;
}

/* Microseconds of an interval argument as SQL compares intervals; an error when out of range */
static int64
IntervalMicroseconds(const Interval *iv, const char *what)
{
	int64		us;

	if (!interval_to_us(iv, &us))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", what)));
	return us;
}

/* A threshold argument: not NULL, not negative */
static int64
ThresholdArg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	int64		us;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	us = IntervalMicroseconds(PG_GETARG_INTERVAL_P(argno), what);
	if (us < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", what),
				 errdetail("The value is \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   PG_GETARG_DATUM(argno))))));
	return us;
}

/* An option flag argument: not NULL */
static uint8
FlagArg(FunctionCallInfo fcinfo, int argno, const char *what, uint8 flag)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	return PG_GETARG_BOOL(argno) ? flag : 0;
}

/* The rule a value was counted with, as text (used by output and errors) */
static void
AppendRule(StringInfo buf, const ServiceLevel *sl)
{
	appendStringInfoString(buf, "threshold=");
	seconds_append(buf, sl->threshold);
	appendStringInfoString(buf, ",short_abandon_threshold=");
	seconds_append(buf, sl->short_abandon_threshold);
	appendStringInfo(buf, ",include_short_abandons=%s,include_abandons=%s,include_flow_outs=%s",
					 (sl->flags & SL_INCLUDE_SHORT_ABANDONS) ? "true" : "false",
					 (sl->flags & SL_INCLUDE_ABANDONS) ? "true" : "false",
					 (sl->flags & SL_INCLUDE_FLOW_OUTS) ? "true" : "false");
}

static char *
RuleString(const ServiceLevel *sl)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendRule(&buf, sl);
	return buf.data;
}

/* Why a value breaks an invariant (a sentence for errdetail), or NULL */
static char *
ServiceLevelInvalid(const ServiceLevel *sl)
{
	int64		sum;
	int			i;

	if (sl->flags & ~SL_KNOWN_FLAGS)
		return psprintf("Unknown option flags %d.", (int) sl->flags);
	if (sl->unused != 0)
		return pstrdup("Reserved field is not zero.");
	if (sl->threshold < 0 || sl->short_abandon_threshold < 0)
		return pstrdup("A threshold is negative.");
	for (i = 0; i < 6; i++)
		if (*CountPtr((ServiceLevel *) sl, i) < 0)
			return psprintf("Count %s is negative.", CountNames[i]);
	if (sl->answered_in_threshold > sl->answered)
		return psprintf("answered_in_threshold (" INT64_FORMAT ") exceeds answered (" INT64_FORMAT ").",
						sl->answered_in_threshold, sl->answered);
	if (sl->short_abandoned > sl->abandoned)
		return psprintf("short_abandoned (" INT64_FORMAT ") exceeds abandoned (" INT64_FORMAT ").",
						sl->short_abandoned, sl->abandoned);
	if (pg_add_s64_overflow(sl->answered, sl->abandoned, &sum) ||
		pg_add_s64_overflow(sum, sl->flow_outs, &sum) ||
		sum != sl->offered)
		return psprintf("offered (" INT64_FORMAT ") is not answered + abandoned + flow_outs.",
						sl->offered);
	return NULL;
}

/*
 * Text form, every field required, in this order, no spaces:
 * (offered=N,answered=N,answered_in_threshold=N,abandoned=N,short_abandoned=N,
 *  flow_outs=N,threshold=Ss,short_abandon_threshold=Ss,
 *  include_short_abandons=B,include_abandons=B,include_flow_outs=B)
 * Numbers have no sign and no leading zeros; seconds have at most six
 * decimals and no trailing zeros; booleans are true or false.  Only the
 * canonical form is accepted, so text -> value -> text is the identity.
 */
typedef struct SlParser
{
	const char *input;
	const char *p;
} SlParser;

static void pg_attribute_noreturn()
SyntaxError(SlParser *ps, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "service_level", ps->input),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (ps->p - ps->input) + 1)));
}

static void
ExpectLiteral(SlParser *ps, const char *lit)
{
	size_t		len = strlen(lit);

	if (strncmp(ps->p, lit, len) != 0)
		SyntaxError(ps, psprintf("\"%s\"", lit));
	ps->p += len;
}

/* Digits without sign or leading zero, into an int64 */
static int64
ParseUnsigned(SlParser *ps, const char *what)
{
	const char *start = ps->p;
	int64		v = 0;

	if (!isdigit((unsigned char) *ps->p))
		SyntaxError(ps, psprintf("a non-negative integer for %s", what));
	if (*ps->p == '0' && isdigit((unsigned char) ps->p[1]))
		SyntaxError(ps, psprintf("an integer without leading zeros for %s", what));
	while (isdigit((unsigned char) *ps->p))
	{
		if (pg_mul_s64_overflow(v, 10, &v) || pg_add_s64_overflow(v, *ps->p - '0', &v))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value for %s is out of range for type %s: \"%s\"",
							what, "service_level", ps->input),
					 errdetail("The number at character %d exceeds " INT64_FORMAT ".",
							   (int) (start - ps->input) + 1, PG_INT64_MAX)));
		ps->p++;
	}
	return v;
}

/* Seconds in canonical form (time_text.c): integer part, optional fraction, "s" */
static int64
ParseSeconds(SlParser *ps, const char *what)
{
	const char *start = ps->p;
	int64		us = 0;

	switch (seconds_parse(&ps->p, true, &us))
	{
		case SECONDS_OK:
			break;
		case SECONDS_NOT_A_NUMBER:
			SyntaxError(ps, psprintf("a non-negative integer for %s", what));
		case SECONDS_NOT_CANONICAL:
			/* a leading zero, or a trailing zero in the fraction */
			SyntaxError(ps, ps->p == start ? psprintf("an integer without leading zeros for %s", what)
						: psprintf("1 to 6 decimals without trailing zeros for %s", what));
		case SECONDS_FRACTION:
			SyntaxError(ps, psprintf("1 to 6 decimals without trailing zeros for %s", what));
		case SECONDS_NO_UNIT:
			SyntaxError(ps, "\"s\"");
		case SECONDS_OUT_OF_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value for %s is out of range for type %s: \"%s\"",
							what, "service_level", ps->input)));
	}
	return us;
}

static bool
ParseBool(SlParser *ps, const char *what)
{
	if (strncmp(ps->p, "true", 4) == 0)
	{
		ps->p += 4;
		return true;
	}
	if (strncmp(ps->p, "false", 5) == 0)
	{
		ps->p += 5;
		return false;
	}
	SyntaxError(ps, psprintf("true or false for %s", what));
}

/* Text input */
PG_FUNCTION_INFO_V1(gcstitch_service_level_in);
Datum
gcstitch_service_level_in(PG_FUNCTION_ARGS)
{
	SlParser	ps = {PG_GETARG_CSTRING(0), PG_GETARG_CSTRING(0)};
	ServiceLevel *sl = NewServiceLevel();
	char	   *invalid;
	int			i;

	ExpectLiteral(&ps, "(");
	for (i = 0; i < 6; i++)
	{
		ExpectLiteral(&ps, psprintf("%s%s=", i == 0 ? "" : ",", CountNames[i]));
		*CountPtr(sl, i) = ParseUnsigned(&ps, CountNames[i]);
	}
	ExpectLiteral(&ps, ",threshold=");
	sl->threshold = ParseSeconds(&ps, "threshold");
	ExpectLiteral(&ps, ",short_abandon_threshold=");
	sl->short_abandon_threshold = ParseSeconds(&ps, "short_abandon_threshold");
	ExpectLiteral(&ps, ",include_short_abandons=");
	sl->flags |= ParseBool(&ps, "include_short_abandons") ? SL_INCLUDE_SHORT_ABANDONS : 0;
	ExpectLiteral(&ps, ",include_abandons=");
	sl->flags |= ParseBool(&ps, "include_abandons") ? SL_INCLUDE_ABANDONS : 0;
	ExpectLiteral(&ps, ",include_flow_outs=");
	sl->flags |= ParseBool(&ps, "include_flow_outs") ? SL_INCLUDE_FLOW_OUTS : 0;
	ExpectLiteral(&ps, ")");
	if (*ps.p != '\0')
		SyntaxError(&ps, "end of input");

	invalid = ServiceLevelInvalid(sl);
	if (invalid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "service_level", ps.input),
				 errdetail_internal("%s", invalid)));
	PG_RETURN_POINTER(sl);
}

/* Text output, the canonical form read by input */
PG_FUNCTION_INFO_V1(gcstitch_service_level_out);
Datum
gcstitch_service_level_out(PG_FUNCTION_ARGS)
{
	ServiceLevel *sl = SL_GETARG(0);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (i = 0; i < 6; i++)
		appendStringInfo(&buf, "%s=" INT64_FORMAT ",", CountNames[i], *CountPtr(sl, i));
	AppendRule(&buf, sl);
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

/* Bytes of the binary form of version 1: version, flags, two thresholds, six counts */
/* version and flags, two thresholds and six counts */
#define SL_BINARY_SIZE ((int) (2 * sizeof(uint8) + 8 * sizeof(int64)))

/* Binary input: version, flags, two thresholds, six counts; length and values checked */
PG_FUNCTION_INFO_V1(gcstitch_service_level_recv);
Datum
gcstitch_service_level_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	ServiceLevel *sl = NewServiceLevel();
	int			version;
	char	   *invalid;
	int			i;

	/* pq_getmsg* would raise a protocol violation (08P01) on a short value: check first */
	if (msg->len - msg->cursor != SL_BINARY_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external service_level value"),
				 errdetail("The value has %d bytes; format version %d has %d.",
						   msg->len - msg->cursor, SERVICE_LEVEL_VERSION, SL_BINARY_SIZE)));
	version = pq_getmsgbyte(msg);
	if (version != SERVICE_LEVEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external service_level value"),
				 errdetail("Unsupported format version %d.", version)));
	sl->flags = pq_getmsgbyte(msg);
	sl->threshold = pq_getmsgint64(msg);
	sl->short_abandon_threshold = pq_getmsgint64(msg);
	for (i = 0; i < 6; i++)
		*CountPtr(sl, i) = pq_getmsgint64(msg);

	invalid = ServiceLevelInvalid(sl);
	if (invalid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external service_level value"),
				 errdetail_internal("%s", invalid)));
	PG_RETURN_POINTER(sl);
}

/* Binary output */
PG_FUNCTION_INFO_V1(gcstitch_service_level_send);
Datum
gcstitch_service_level_send(PG_FUNCTION_ARGS)
{
	ServiceLevel *sl = SL_GETARG(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, sl->version);
	pq_sendbyte(&buf, sl->flags);
	pq_sendint64(&buf, sl->threshold);
	pq_sendint64(&buf, sl->short_abandon_threshold);
	for (i = 0; i < 6; i++)
		pq_sendint64(&buf, *CountPtr(sl, i));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Adds one to a count, refusing to wrap */
static void
Increment(int64 *count)
{
	if (pg_add_s64_overflow(*count, 1, count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("service level count out of range")));
}

/* Errors unless both values were counted with the same rule */
static void
CheckSameRule(const ServiceLevel *a, const ServiceLevel *b)
{
	if (a->threshold != b->threshold ||
		a->short_abandon_threshold != b->short_abandon_threshold ||
		a->flags != b->flags)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine service levels counted with different thresholds or options"),
				 errdetail("One was counted with %s, the other with %s.",
						   RuleString(a), RuleString(b)),
				 errhint("Group by the threshold and options, or count every row with the same ones.")));
}

/*
 * Transition of service_level(queue_wait, answered, threshold
 * [, short_abandon_threshold [, include_short_abandons, include_abandons,
 * include_flow_outs [, flowed_out]]]).  One row is one call offered to the
 * queue: answered, else flowed out, else abandoned.  Rows with a NULL wait or
 * NULL answered are skipped; NULL flowed_out means false.
 */
PG_FUNCTION_INFO_V1(gcstitch_service_level_transfn);
Datum
gcstitch_service_level_transfn(PG_FUNCTION_ARGS)
{
	int			nargs = PG_NARGS();
	ServiceLevel rule = {0};
	ServiceLevel *state;
	bool		flowed_out;
	int64		wait;

	rule.threshold = ThresholdArg(fcinfo, 3, "service level threshold");
	rule.short_abandon_threshold = nargs > 4
		? ThresholdArg(fcinfo, 4, "short abandon threshold")
		: SL_DEFAULT_SHORT_ABANDON_US;
	if (nargs > 7)
		rule.flags = FlagArg(fcinfo, 5, "include_short_abandons", SL_INCLUDE_SHORT_ABANDONS) |
			FlagArg(fcinfo, 6, "include_abandons", SL_INCLUDE_ABANDONS) |
			FlagArg(fcinfo, 7, "include_flow_outs", SL_INCLUDE_FLOW_OUTS);
	else
		rule.flags = SL_DEFAULT_FLAGS;
	flowed_out = nargs > 8 && !PG_ARGISNULL(8) && PG_GETARG_BOOL(8);

	if (PG_ARGISNULL(0))
	{
		state = NewServiceLevel();
		state->threshold = rule.threshold;
		state->short_abandon_threshold = rule.short_abandon_threshold;
		state->flags = rule.flags;
	}
	else
	{
		state = SL_GETARG(0);
		if (!AggCheckCallContext(fcinfo, NULL))
			state = (ServiceLevel *) pg_detoast_datum_copy((struct varlena *) state);
		CheckSameRule(state, &rule);
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	wait = IntervalMicroseconds(PG_GETARG_INTERVAL_P(1), "queue wait");
	if (wait < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("queue wait must not be negative"),
				 errdetail("The value is \"%s\".",
						   DatumGetCString(DirectFunctionCall1(interval_out,
															   PG_GETARG_DATUM(1))))));

	if (PG_GETARG_BOOL(2))
	{
		if (flowed_out)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a call cannot be both answered and flowed out of the same queue"),
					 errhint("Count a call that flowed out and was answered in another queue as a flow-out of the first queue and an answer of the second.")));
		Increment(&state->answered);
		if (wait <= state->threshold)
			Increment(&state->answered_in_threshold);
	}
	else if (flowed_out)
		Increment(&state->flow_outs);
	else
	{
		Increment(&state->abandoned);
		if (wait < state->short_abandon_threshold)
			Increment(&state->short_abandoned);
	}
	Increment(&state->offered);
	PG_RETURN_POINTER(state);
}

/*
 * Sum of two values counted with the same rule; the transition of rollup and
 * the combine function of both aggregates.  NULL inputs are skipped.
 */
PG_FUNCTION_INFO_V1(gcstitch_service_level_combine);
Datum
gcstitch_service_level_combine(PG_FUNCTION_ARGS)
{
	ServiceLevel *state;
	ServiceLevel *other;
	int			i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(SL_GETARG(0));
	}
	other = SL_GETARG(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(other);	/* the executor copies it into its context */

	state = SL_GETARG(0);
	if (!AggCheckCallContext(fcinfo, NULL))
		state = (ServiceLevel *) pg_detoast_datum_copy((struct varlena *) state);
	CheckSameRule(state, other);
	for (i = 0; i < 6; i++)
		if (pg_add_s64_overflow(*CountPtr(state, i), *CountPtr(other, i), CountPtr(state, i)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("service level count out of range")));
	Assert(ServiceLevelInvalid(state) == NULL);
	PG_RETURN_POINTER(state);
}

/* One accessor per count */
#define SL_COUNT_ACCESSOR(name, field) \
PG_FUNCTION_INFO_V1(gcstitch_service_level_##name); \
Datum \
gcstitch_service_level_##name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_INT64(SL_GETARG(0)->field); \
}

SL_COUNT_ACCESSOR(offered, offered)
SL_COUNT_ACCESSOR(answered, answered)
SL_COUNT_ACCESSOR(answered_in_threshold, answered_in_threshold)
SL_COUNT_ACCESSOR(abandoned, abandoned)
SL_COUNT_ACCESSOR(short_abandoned, short_abandoned)
SL_COUNT_ACCESSOR(flow_outs, flow_outs)

/* The threshold a value was counted with */
PG_FUNCTION_INFO_V1(gcstitch_service_level_threshold);
Datum
gcstitch_service_level_threshold(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(SL_GETARG(0)->threshold));
}

/* The short-abandon threshold a value was counted with */
PG_FUNCTION_INFO_V1(gcstitch_service_level_short_abandon_threshold);
Datum
gcstitch_service_level_short_abandon_threshold(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(interval_from_us(SL_GETARG(0)->short_abandon_threshold));
}

/* 100 * numerator / denominator as numeric without trailing zeros; NULL when denominator is 0 */
static Datum
Percent(FunctionCallInfo fcinfo, int64 numerator, int64 denominator)
{
	Datum		hundred_times;
	Datum		q;

	if (denominator == 0)
		PG_RETURN_NULL();
	hundred_times = DirectFunctionCall2(numeric_mul,
										NumericGetDatum(int64_to_numeric(numerator)),
										NumericGetDatum(int64_to_numeric(100)));
	q = DirectFunctionCall2(numeric_div, hundred_times,
							NumericGetDatum(int64_to_numeric(denominator)));
	return DirectFunctionCall1(numeric_trim_scale, q);
}

/*
 * Genesys service level %: answered within threshold / (answered + counted
 * abandons + counted flow-outs) * 100.  Counted abandons: all of them, less
 * the short ones when short abandons are excluded, none when abandons are
 * excluded.  Flow-outs count (as misses) only when included.
 */
PG_FUNCTION_INFO_V1(gcstitch_service_level_percent);
Datum
gcstitch_service_level_percent(PG_FUNCTION_ARGS)
{
	ServiceLevel *sl = SL_GETARG(0);
	int64		denominator = sl->answered;

	if (sl->flags & SL_INCLUDE_ABANDONS)
		denominator += (sl->flags & SL_INCLUDE_SHORT_ABANDONS)
			? sl->abandoned : sl->abandoned - sl->short_abandoned;
	if (sl->flags & SL_INCLUDE_FLOW_OUTS)
		denominator += sl->flow_outs;
	/* no overflow: the sum is at most offered */
	return Percent(fcinfo, sl->answered_in_threshold, denominator);
}

/* Abandoned / offered * 100 (all abandons, whatever the options) */
PG_FUNCTION_INFO_V1(gcstitch_service_level_abandon_percent);
Datum
gcstitch_service_level_abandon_percent(PG_FUNCTION_ARGS)
{
	ServiceLevel *sl = SL_GETARG(0);

	return Percent(fcinfo, sl->abandoned, sl->offered);
}
