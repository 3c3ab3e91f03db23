/*
 * iso_date.c
 *		Parse "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm|+hhmm|+hh)".
 *
 * The format accepted is exactly what Genesys Cloud exports, plus explicit offsets:
 * - year, month, day, hour, minute and second always have 4, 2, 2, 2, 2, 2 digits: a non-padded
 *   date such as "2021-04-2T10:00:00Z" is rejected, never guessed;
 * - "T" separates date and time (upper case only);
 * - the fraction of a second is optional, 1 to 9 digits, rounded half up to microseconds;
 * - the zone is required: "Z", or an offset "+hh:mm", "-hh:mm", "+hhmm", "-hhmm", "+hh", "-hh"
 *   (hours up to 15, minutes up to 59); a date without a zone is rejected (its zone is unknown);
 * - leap seconds (":60") and hour 24 are rejected; the day must exist in its month.
 * The result never depends on the session TimeZone. iso_date_format writes such a date back.
 */
#include "postgres.h"

#include "iso_date.h"
#include "utils/datetime.h"

/* Reads exactly n decimal digits at s; false when one is not a digit. */
static inline bool
ReadDigits(const char *s, int n, int *value)
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

/* Days in a month of the proleptic Gregorian calendar. */
static inline int
DaysInMonth(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* Parses s[0..len) as described above; false when it is not such a date. */
bool
iso_date_parse(const char *s, int len, TimestampTz *result)
{
	int			year,
				month,
				day,
				hour,
				minute,
				second;
	int64		usec = 0;
	int			offset = 0;		/* seconds east of UTC */
	int			pos = 19;

	if (len < 20 ||
		!ReadDigits(s, 4, &year) || s[4] != '-' ||
		!ReadDigits(s + 5, 2, &month) || s[7] != '-' ||
		!ReadDigits(s + 8, 2, &day) || s[10] != 'T' ||
		!ReadDigits(s + 11, 2, &hour) || s[13] != ':' ||
		!ReadDigits(s + 14, 2, &minute) || s[16] != ':' ||
		!ReadDigits(s + 17, 2, &second))
		return false;
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
		hour > 23 || minute > 59 || second > 59)
		return false;

	if (s[pos] == '.')
	{
		int			ndigits = 0;
		int64		scale = 100000;
		bool		round_up = false;

		pos++;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9')
		{
			if (ndigits < 6)
			{
				usec += (s[pos] - '0') * scale;
				scale /= 10;
			}
			else if (ndigits == 6)
				round_up = (s[pos] >= '5');
			ndigits++;
			pos++;
		}
		if (ndigits == 0 || ndigits > 9)
			return false;
		if (round_up)
			usec++;
	}

	if (pos >= len)
		return false;
	if (s[pos] == 'Z')
		pos++;
	else if (s[pos] == '+' || s[pos] == '-')
	{
		int			sign = (s[pos] == '-') ? -1 : 1;
		int			oh,
					om = 0;

		pos++;
		if (len - pos < 2 || !ReadDigits(s + pos, 2, &oh))
			return false;
		pos += 2;
		if (pos < len && s[pos] == ':')
		{
			if (len - pos < 3 || !ReadDigits(s + pos + 1, 2, &om))
				return false;
			pos += 3;
		}
		else if (len - pos >= 2 && ReadDigits(s + pos, 2, &om))
			pos += 2;
		if (oh > 15 || om > 59)
			return false;
		offset = sign * (oh * 3600 + om * 60);
	}
	else
		return false;
	if (pos != len)
		return false;

	*result = ((int64) (date2j(year, month, day) - POSTGRES_EPOCH_JDATE) * SECS_PER_DAY +
			   hour * 3600 + minute * 60 + second - offset) * USECS_PER_SEC + usec;
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
