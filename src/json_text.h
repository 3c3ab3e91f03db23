/*
 * json_text.h
 *		json-c's UTF-8 strings in the database encoding: values, and text for messages.
 */
#ifndef GCSTITCH_JSON_TEXT_H
#define GCSTITCH_JSON_TEXT_H

#include "mb/pg_wchar.h"

/* How strings read as UTF-8 reach the database encoding. */
typedef struct JsonTextConv
{
	bool		convert;		/* false: the database is UTF8 (or SQL_ASCII), bytes stay */
	int			encoding;		/* the database encoding */
	Oid			from_utf8;		/* conversion procedure UTF8 -> database */
	Oid			to_utf8;		/* conversion procedure database -> UTF8 */
} JsonTextConv;

extern void json_text_conv_init(JsonTextConv *conv);
extern bool json_text_datum(const JsonTextConv *conv, const char *s, int len, Datum *d,
							pg_wchar *missing);
extern char *json_text_for_message(const JsonTextConv *conv, const char *s, int len);
extern char *json_text_quoted(const JsonTextConv *conv, const char *s, int len);
extern char *json_text_utf8(const JsonTextConv *conv, const char *data, size_t len, size_t *utf8_len);

#endif							/* GCSTITCH_JSON_TEXT_H */
