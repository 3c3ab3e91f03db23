/*
 * json_doc.h
 *		Export documents parsed with json-c, and the conversations they hold.
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

/*
 * Every document of one text. The json-c objects belong to the memory context that was current
 * when json_docs_parse was called: deleting or resetting that context releases them, on error
 * paths too.
 */
typedef struct JsonDocs
{
	int			ndocs;
	int			capacity;
	json_object **docs;
	struct json_tokener *tokener;
} JsonDocs;

/* Where a conversation sits, to name it in error messages. */
typedef struct ConvLocation
{
	int			doc_no;			/* 1-based document number */
	bool		multi_doc;		/* the text held more than one document */
	JsonDocKind kind;
	int			index;			/* position in its array, 0-based */
} ConvLocation;

/* Iterates over the conversations of every document, in text order. */
typedef struct ConvIterator
{
	JsonDocs   *docs;
	int			doc;			/* next document to open */
	json_object *array;			/* array being walked, or NULL */
	size_t		array_len;
	size_t		next;
	ConvLocation loc;
	json_object *single;		/* a pending single conversation */
} ConvIterator;

extern JsonDocs *json_docs_parse(const char *data, size_t len);
extern void json_docs_iterate(JsonDocs *docs, ConvIterator *it);
extern bool json_docs_next(ConvIterator *it, json_object **conv);
extern void conv_location_append(StringInfo buf, const ConvLocation *loc);

#endif							/* GCSTITCH_JSON_DOC_H */
