/*
 * stitch_text.c
 *		Timestamps (ISO 8601 UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z, fraction
 *		without trailing zeros; year 0 and negative years astronomical) and
 *		seconds ("<seconds>[.<fraction>]s") of the stitch text forms.
 *		The parsers return NULL on success, else a sentence for errdetail.
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/datetime.h"

#include "stitch_text.h"

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

/* Parses a timestamp of the text format. */
const char *
stitch_parse_timestamp(const char **pp, int64 *out)
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

/* Parses "<seconds>[.<fraction>]s" (a tolerance). */
const char *
stitch_parse_seconds(const char **pp, int64 *out)
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
