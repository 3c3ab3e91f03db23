/*
 * time_text.c
 *		Timestamps, second counts and intervals, independent of TimeZone and DateStyle.
 *
 * Two timestamp grammars share one field reader and one calendar check:
 * - Genesys Cloud's date-times (iso_date_parse): "YYYY-MM-DDTHH:MM:SS[.fraction](Z|offset)",
 *   exactly as exported plus explicit offsets: every field zero-padded to its width (a date such
 *   as "2021-04-2T10:00:00Z" is rejected, never guessed), "T" upper case, a fraction of 1 to 9
 *   digits rounded half up to microseconds, the zone required: "Z", "+hh:mm", "-hh:mm", "+hhmm",
 *   "-hhmm", "+hh" or "-hh" (hours up to 15, minutes up to 59); years 1 to 9999;
 * - the types' timestamps (utc_timestamp_parse): "[-]YYYY[YY]-MM-DDTHH:MM:SS[.ffffff]Z", UTC,
 *   a year of 4 to 6 digits (astronomical, year 0 and negative years allowed), 1 to 6 fraction
 *   digits; utc_timestamp_append writes the canonical form (no trailing zeros in the fraction).
 * Both refuse leap seconds (":60"), hour 24 and days their month does not have.
 * Second counts "<seconds>[.<fraction>]s" have one grammar for both types: 1 to 6 fraction
 * digits; canonical (what seconds_append writes) also means no leading zero, no trailing zero.
 */
#include "postgres.h"

#include "common/int.h"
#include "utils/datetime.h"

#include "time_text.h"

typedef struct ClockFields
{
	int			month,
				day,
				hour,
				minute,
				second;
} ClockFields;

/* Reads exactly n decimal digits at s; false when one is not a digit (or the text ends). */
static bool
read_digits(const char *s, int n, int *value)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

/* Reads "-MM-DDTHH:MM:SS" at p, the part after the year; the end of it, or NULL. */
static const char *
read_clock(const char *p, ClockFields *f)
{
	if (p[0] != '-' || !read_digits(p + 1, 2, &f->month) ||
		p[3] != '-' || !read_digits(p + 4, 2, &f->day) ||
		p[6] != 'T' || !read_digits(p + 7, 2, &f->hour) ||
		p[9] != ':' || !read_digits(p + 10, 2, &f->minute) ||
		p[12] != ':' || !read_digits(p + 13, 2, &f->second))
		return NULL;
	return p + 15;
}

/* True when the fields name a day of the proleptic Gregorian calendar and a time of that day. */
static bool
clock_is_valid(int64 year, const ClockFields *f)
{
	return f->month >= 1 && f->month <= 12 && f->day >= 1 &&
		f->day <= day_tab[isleap(year) ? 1 : 0][f->month - 1] &&
		f->hour <= 23 && f->minute <= 59 && f->second <= 59;
}

static int64
clock_microseconds(int64 year, const ClockFields *f)
{
	int64		days = (int64) date2j((int) year, f->month, f->day) - POSTGRES_EPOCH_JDATE;

	return days * USECS_PER_DAY +
		((int64) f->hour * SECS_PER_HOUR + f->minute * SECS_PER_MINUTE + f->second) * USECS_PER_SEC;
}

/*
 * Reads the digits after a decimal point at p (before end, or the NUL when end is NULL) into
 * microseconds, rounded half up on the seventh digit; the end of them, or NULL when there are
 * none or more than max_digits.
 */
static const char *
read_fraction(const char *p, const char *end, int max_digits, int64 *us)
{
	int64		scale = 100000;
	int			n = 0;

	*us = 0;
	for (; (end == NULL || p < end) && *p >= '0' && *p <= '9'; p++, n++)
	{
		if (n >= max_digits)
			return NULL;
		if (n < 6)
			*us += (*p - '0') * scale;
		else if (n == 6 && *p >= '5')
			*us += 1;
		scale /= 10;
	}
	return n == 0 ? NULL : p;
}

/* Appends ".ffffff" without trailing zeros; nothing for zero. */
static void
append_fraction(StringInfo buf, int us)
{
	char		frac[8];
	int			k;

	if (us == 0)
		return;
	snprintf(frac, sizeof(frac), "%06d", us);
	for (k = 5; frac[k] == '0'; k--)
		frac[k] = '\0';
	appendStringInfo(buf, ".%s", frac);
}

/* Reads a zone "Z", "+hh:mm", "+hhmm" or "+hh" (or "-") at s[pos..len); seconds east of UTC. */
static bool
read_zone(const char *s, int len, int *pos, int *offset)
{
	int			sign,
				hours,
				minutes = 0;

	if (*pos >= len)
		return false;
	if (s[*pos] == 'Z')
	{
		(*pos)++;
		*offset = 0;
		return true;
	}
	if (s[*pos] != '+' && s[*pos] != '-')
		return false;
	sign = (s[*pos] == '-') ? -1 : 1;
	(*pos)++;
	if (len - *pos < 2 || !read_digits(s + *pos, 2, &hours))
		return false;
	*pos += 2;
	if (*pos < len && s[*pos] == ':')
	{
		if (len - *pos < 3 || !read_digits(s + *pos + 1, 2, &minutes))
			return false;
		*pos += 3;
	}
	else if (len - *pos >= 2 && read_digits(s + *pos, 2, &minutes))
		*pos += 2;
	if (hours > 15 || minutes > 59)
		return false;
	*offset = sign * (hours * SECS_PER_HOUR + minutes * SECS_PER_MINUTE);
	return true;
}

/* Parses s[0..len) as a Genesys Cloud date-time; false when it is not one. */
bool
iso_date_parse(const char *s, int len, TimestampTz *result)
{
	int			year;
	ClockFields f;
	int64		usec = 0;
	int			offset;
	int			pos;

	if (len < 20 || !read_digits(s, 4, &year) || read_clock(s + 4, &f) == NULL ||
		year < 1 || !clock_is_valid(year, &f))
		return false;
	pos = 19;
	if (s[pos] == '.')
	{
		const char *end = read_fraction(s + pos + 1, s + len, 9, &usec);

		if (end == NULL)
			return false;
		pos = end - s;
	}
	if (!read_zone(s, len, &pos, &offset) || pos != len)
		return false;
	*result = clock_microseconds(year, &f) - (int64) offset * USECS_PER_SEC + usec;
	return true;
}

/*
 * Writes ts as Genesys does: UTC, "Z", milliseconds (microseconds when it has some); buf holds
 * ISO_DATE_BUFSIZE bytes. False when the year is outside 1-9999, which iso_date_parse refuses.
 */
bool
iso_date_format(TimestampTz ts, char *buf)
{
	int64		days = ts / USECS_PER_DAY;
	int64		rem = ts % USECS_PER_DAY;
	int			year,
				month,
				day;
	int			secs;
	int			usec;

	if (!IS_VALID_TIMESTAMP(ts))
		return false;
	if (rem < 0)
	{
		rem += USECS_PER_DAY;
		days--;
	}
	j2date((int) (days + POSTGRES_EPOCH_JDATE), &year, &month, &day);
	if (year < 1 || year > 9999)
		return false;
	secs = (int) (rem / USECS_PER_SEC);
	usec = (int) (rem % USECS_PER_SEC);
	if (usec % 1000 == 0)
		snprintf(buf, ISO_DATE_BUFSIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
				 secs / 3600, secs / 60 % 60, secs % 60, usec / 1000);
	else
		snprintf(buf, ISO_DATE_BUFSIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", year, month, day,
				 secs / 3600, secs / 60 % 60, secs % 60, usec);
	return true;
}

/* Parses a timestamp of the types' text forms at *pp; NULL on success (*pp moved), else a detail. */
const char *
utc_timestamp_parse(const char **pp, int64 *out)
{
	const char *p = *pp;
	bool		negative = (*p == '-');
	int64		year = 0;
	int			ndigits = 0;
	ClockFields f;
	int64		frac = 0;
	int64		t;

	if (negative)
		p++;
	for (; *p >= '0' && *p <= '9' && ndigits < 7; p++, ndigits++)
		year = year * 10 + (*p - '0');
	if (ndigits < 4 || ndigits > 6)
		return "A timestamp must start with a year of 4 to 6 digits.";
	if (negative)
		year = -year;
	if ((p = read_clock(p, &f)) == NULL)
		return "A timestamp must look like 2024-11-04T08:42:19.734Z.";
	if (*p == '.' && (p = read_fraction(p + 1, NULL, 6, &frac)) == NULL)
		return "A timestamp's fraction must have 1 to 6 digits.";
	if (*p++ != 'Z')
		return "A timestamp must end with Z (UTC).";
	if (year < -4713 || year > 294276 || !clock_is_valid(year, &f))
		return "A timestamp has a field out of range.";
	/* the year is in range, so clock_microseconds cannot overflow; adding the fraction can */
	if (pg_add_s64_overflow(clock_microseconds(year, &f), frac, &t) || !IS_VALID_TIMESTAMP(t))
		return "A timestamp is out of range.";
	*out = t;
	*pp = p;
	return NULL;
}

/* Appends the canonical text form of ts. */
void
utc_timestamp_append(StringInfo buf, int64 ts)
{
	int64		days = ts / USECS_PER_DAY;
	int64		t = ts % USECS_PER_DAY;
	int			y,
				m,
				d;

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
	append_fraction(buf, (int) (t % USECS_PER_SEC));
	appendStringInfoChar(buf, 'Z');
}

/*
 * Parses "<seconds>[.<fraction>]s" at *pp into microseconds. On success *pp is moved past it; on
 * an error it points where the error is (the start for a leading zero or a missing number).
 */
SecondsError
seconds_parse(const char **pp, bool canonical, int64 *us)
{
	const char *p = *pp;
	int64		secs = 0;
	int64		frac = 0;

	if (*p < '0' || *p > '9')
		return SECONDS_NOT_A_NUMBER;
	if (canonical && p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return SECONDS_NOT_CANONICAL;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		secs = secs * 10 + (*p - '0');
		if (secs > PG_INT64_MAX / USECS_PER_SEC)
			return SECONDS_OUT_OF_RANGE;
	}
	if (*p == '.')
	{
		const char *digits = ++p;

		/* at most 6 digits read, so *pp can name the seventh */
		while (*p >= '0' && *p <= '9' && p - digits < 6)
			p++;
		*pp = p;
		if (p == digits || (*p >= '0' && *p <= '9'))
			return SECONDS_FRACTION;
		if (canonical && p[-1] == '0')
			return SECONDS_NOT_CANONICAL;
		read_fraction(digits, p, 6, &frac);
	}
	*pp = p;
	if (secs * USECS_PER_SEC > PG_INT64_MAX - frac)
		return SECONDS_OUT_OF_RANGE;
	if (*p != 's')
		return SECONDS_NO_UNIT;
	*us = secs * USECS_PER_SEC + frac;
	*pp = p + 1;
	return SECONDS_OK;
}

/* Appends microseconds as seconds with the fraction without trailing zeros, and "s". */
void
seconds_append(StringInfo buf, int64 us)
{
	appendStringInfo(buf, INT64_FORMAT, us / USECS_PER_SEC);
	append_fraction(buf, (int) (us % USECS_PER_SEC));
	appendStringInfoChar(buf, 's');
}

/* A new pure microsecond interval. */
Interval *
interval_from_us(int64 us)
{
	return interval_fill(palloc(sizeof(Interval)), us);
}

/* Makes *iv a pure microsecond interval; returns iv. */
Interval *
interval_fill(Interval *iv, int64 us)
{
	iv->time = us;
	iv->day = 0;
	iv->month = 0;
	return iv;
}

/*
 * Microseconds of an interval as PostgreSQL compares intervals (1 day = 24 hours, 1 month =
 * 30 days), so that a comparison here means what it means in SQL; false on overflow.
 */
bool
interval_to_us(const Interval *iv, int64 *us)
{
	int64		days;

	return !(pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH, &days) ||
			 pg_add_s64_overflow(days, (int64) iv->day, &days) ||
			 pg_mul_s64_overflow(days, USECS_PER_DAY, us) ||
			 pg_add_s64_overflow(*us, iv->time, us));
}
