/*
 * json_doc.h
 *		Read the conversations of an export text one at a time (json-c parses one conversation, not
 *		the whole text).
 */
#ifndef GCSTITCH_JSON_DOC_H
#define GCSTITCH_JSON_DOC_H

#include "json_c.h"

#include "lib/stringinfo.h"

/* How a document holds its conversations. */
typedef enum JsonDocKind
{
	JSON_DOC_PAGE,				/* {"conversations": [...], ...}: sync response or async page */
	JSON_DOC_ARRAY,				/* [...]: a bare array of conversations */
	JSON_DOC_CONVERSATION		/* {"conversationId": ...}: one conversation */
} JsonDocKind;

/* Where a conversation sits, to name it in messages. */
typedef struct ConvLocation
{
	int			doc_no;			/* 1-based document number */
	JsonDocKind kind;
	int			index;			/* position in its array, 0-based */
} ConvLocation;

typedef struct JsonStream JsonStream;

extern JsonStream *json_stream_open(const char *data, size_t len);
extern bool json_stream_next(JsonStream *stream, json_object **conv);
extern bool json_stream_next_document(JsonStream *stream, json_object **doc);
extern void json_stream_append_path(JsonStream *stream, StringInfo buf);

#endif							/* GCSTITCH_JSON_DOC_H */
