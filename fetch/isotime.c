/*
 * isotime.c
 *		Instants as milliseconds since the epoch, read from and written as ISO-8601.
 *
 * Accepted: "YYYY-MM-DDTHH:MM:SS", an optional fraction (digits past milliseconds are dropped),
 * then "Z" or an offset "+hh:mm" / "-hh:mm"; or a date alone "YYYY-MM-DD", meaning midnight UTC.
 * Written: "YYYY-MM-DDTHH:MM:SS.mmmZ", the form Genesys Cloud writes and reads.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "isotime.h"

/* Reads exactly n digits at s into *value; false when one is not a digit. */
static bool
ReadDigits(const char *s, int n, int *value)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

static bool
IsLeapYear(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Checks the calendar fields and turns them into seconds since the epoch (UTC). */
static bool
FieldsToSeconds(int year, int month, int day, int hour, int minute, int second, int64_t *out)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	struct tm	tm = {0};

	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
		day > days[month - 1] + (month == 2 && IsLeapYear(year)) ||
		hour > 23 || minute > 59 || second > 59)
		return false;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*out = (int64_t) timegm(&tm);
	return true;
}

/* Reads the zone at s ("Z", "+hh:mm", "-hh:mm") into seconds east of UTC. */
static bool
ReadZone(const char *s, int *offset)
{
	int			hours,
				minutes;

	if (strcmp(s, "Z") == 0)
	{
		*offset = 0;
		return true;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
		!ReadDigits(s + 1, 2, &hours) || !ReadDigits(s + 4, 2, &minutes) ||
		hours > 15 || minutes > 59)
		return false;
	*offset = (hours * 3600 + minutes * 60) * (s[0] == '-' ? -1 : 1);
	return true;
}

bool
isotime_parse(const char *text, int64_t *ms)
{
	int			year,
				month,
				day,
				hour = 0,
				minute = 0,
				second = 0,
				millis = 0,
				offset = 0;
	int64_t		seconds;
	const char *p = text + 19;

	if (!ReadDigits(text, 4, &year) || text[4] != '-' || !ReadDigits(text + 5, 2, &month) ||
		text[7] != '-' || !ReadDigits(text + 8, 2, &day))
		return false;
	if (text[10] == '\0')
		p = text + 10;
	else if (text[10] != 'T' || !ReadDigits(text + 11, 2, &hour) || text[13] != ':' ||
			 !ReadDigits(text + 14, 2, &minute) || text[16] != ':' ||
			 !ReadDigits(text + 17, 2, &second))
		return false;
	else
	{
		if (*p == '.')
		{
			int			digits = 0;

			for (p++; isdigit((unsigned char) *p); p++, digits++)
				if (digits < 3)
					millis = millis * 10 + (*p - '0');
			if (digits == 0)
				return false;
			for (; digits < 3; digits++)
				millis *= 10;
		}
		if (!ReadZone(p, &offset))
			return false;
	}
	if (!FieldsToSeconds(year, month, day, hour, minute, second, &seconds))
		return false;
	*ms = (seconds - offset) * 1000 + millis;
	return true;
}

void
isotime_format(int64_t ms, char out[ISOTIME_LEN])
{
	time_t		seconds = (time_t) (ms / 1000);
	struct tm	tm;

	gmtime_r(&seconds, &tm);
	snprintf(out, ISOTIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int) (ms % 1000));
}

int64_t
isotime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
