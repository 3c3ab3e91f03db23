/*
 * json_text.c
 *		json-c reads and writes UTF-8. In a database of another encoding the text is converted to
 *		UTF-8 before parsing and every string back when it becomes a value. A value with a character
 *		the database encoding lacks cannot be stored: json_text_datum says which character, so that
 *		the caller can reject its conversation. Text for messages and reject rows never fails: such
 *		characters are written as JSON escapes (\u4E2D), so a rejected conversation stays valid JSON
 *		with the same meaning.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "json_text.h"

/* Bytes converted between interrupt checks when the whole text is converted. */
#define CONVERT_CHUNK (1024 * 1024)

/* Longest string shown in a message, in bytes (cut on a character boundary). */
#define MESSAGE_STRING_MAX 80

void
json_text_conv_init(JsonTextConv *conv)
{
	memset(conv, 0, sizeof(JsonTextConv));
	conv->encoding = GetDatabaseEncoding();
	conv->convert = (conv->encoding != PG_UTF8 && conv->encoding != PG_SQL_ASCII);
	if (!conv->convert)
		return;
	conv->from_utf8 = FindDefaultConversionProc(PG_UTF8, conv->encoding);
	conv->to_utf8 = FindDefaultConversionProc(conv->encoding, PG_UTF8);
	if (!OidIsValid(conv->from_utf8) || !OidIsValid(conv->to_utf8))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("default conversion function for encoding \"%s\" to \"%s\" does not exist",
						pg_encoding_to_char(PG_UTF8), pg_encoding_to_char(conv->encoding))));
}

static bool
IsAscii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (IS_HIGHBIT_SET(s[i]))
			return false;
	return true;
}

/* Converts UTF-8 s[0..len) as far as it goes; returns the bytes converted, output in *out. */
static int
ConvertPrefix(const JsonTextConv *conv, const char *s, int len, char **out)
{
	*out = palloc((Size) len * MAX_CONVERSION_GROWTH + 1);
	return pg_do_encoding_conversion_buf(conv->from_utf8, PG_UTF8, conv->encoding,
										 (unsigned char *) s, len,
										 (unsigned char *) *out, len * MAX_CONVERSION_GROWTH + 1,
										 true);
}

/*
 * A text datum from a UTF-8 string; false when the database encoding lacks one of its characters
 * (*missing is the first such).
 */
bool
json_text_datum(const JsonTextConv *conv, const char *s, int len, Datum *d, pg_wchar *missing)
{
	char	   *converted;
	int			done;

	if (!conv->convert || IsAscii(s, len))
	{
		*d = PointerGetDatum(cstring_to_text_with_len(s, len));
		return true;
	}
	done = ConvertPrefix(conv, s, len, &converted);
	if (done < len)
	{
		*missing = utf8_to_unicode((const unsigned char *) s + done);
		return false;
	}
	*d = PointerGetDatum(cstring_to_text(converted));
	return true;
}

/* Appends c as a JSON escape: \uXXXX, or a surrogate pair above U+FFFF. */
static void
AppendEscape(StringInfo buf, pg_wchar c)
{
	if (c > 0xFFFF)
	{
		c -= 0x10000;
		appendStringInfo(buf, "\\u%04X\\u%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
	}
	else
		appendStringInfo(buf, "\\u%04X", c);
}

/* A UTF-8 string in the database encoding, characters it lacks written as JSON escapes. */
char *
json_text_for_message(const JsonTextConv *conv, const char *s, int len)
{
	StringInfoData buf;
	int			pos = 0;

	if (!conv->convert || IsAscii(s, len))
		return pnstrdup(s, len);
	initStringInfo(&buf);
	while (pos < len)
	{
		char	   *converted;
		int			done = ConvertPrefix(conv, s + pos, len - pos, &converted);

		appendStringInfoString(&buf, converted);
		pfree(converted);
		pos += done;
		if (pos < len)
		{
			AppendEscape(&buf, utf8_to_unicode((const unsigned char *) s + pos));
			pos += pg_utf_mblen((const unsigned char *) s + pos);
		}
	}
	return buf.data;
}

/* A UTF-8 string quoted for a message, cut after MESSAGE_STRING_MAX bytes. */
char *
json_text_quoted(const JsonTextConv *conv, const char *s, int len)
{
	int			cut = len;

	if (len > MESSAGE_STRING_MAX)
		cut = pg_encoding_mbcliplen(PG_UTF8, s, len, MESSAGE_STRING_MAX);
	return psprintf("\"%s\"%s", json_text_for_message(conv, s, cut), cut < len ? "..." : "");
}

/*
 * The text data[0..len) in UTF-8: data itself when no conversion is needed (UTF8 database, or
 * only ASCII), else a converted copy, made a chunk at a time so that a cancel is honoured.
 */
char *
json_text_utf8(const JsonTextConv *conv, const char *data, size_t len, size_t *utf8_len)
{
	char	   *out;
	size_t		capacity,
				pos = 0,
				used = 0;

	*utf8_len = len;
	if (!conv->convert || IsAscii(data, len))
		return (char *) data;

	capacity = len + len / 4 + (size_t) CONVERT_CHUNK * MAX_CONVERSION_GROWTH + 1;
	out = MemoryContextAllocHuge(CurrentMemoryContext, capacity);
	while (pos < len)
	{
		int			chunk = pg_encoding_mbcliplen(conv->encoding, data + pos,
												  (int) Min(len - pos, (size_t) CONVERT_CHUNK * 2),
												  CONVERT_CHUNK);
		size_t		need = used + (size_t) chunk * MAX_CONVERSION_GROWTH + 1;

		CHECK_FOR_INTERRUPTS();
		if (need > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("export too large to convert to UTF-8")));
		if (need > capacity)
		{
			capacity = Min(Max(need, capacity * 2), MaxAllocHugeSize);
			out = repalloc_huge(out, capacity);
		}
		pg_do_encoding_conversion_buf(conv->to_utf8, conv->encoding, PG_UTF8,
									  (unsigned char *) data + pos, chunk,
									  (unsigned char *) out + used, chunk * MAX_CONVERSION_GROWTH + 1,
									  false);
		used += strlen(out + used);
		pos += chunk;
	}
	*utf8_len = used;
	return out;
}
