/*
 * json_doc.c
 *		Split a text into JSON documents with json-c and find the conversations in each.
 *
 * A text holds one document or several (NDJSON: one a line; any JSON whitespace may separate
 * them, so concatenated documents are accepted too; a UTF-8 byte order mark at the start is
 * skipped). A document is a page of the conversation details query (sync response or async job
 * results page), a bare array of conversations, or one conversation. Malformed JSON raises 22P02
 * with the byte offset; a document of another shape raises 22023. json-c's strict mode plus
 * CheckStrictJson accept exactly JSON (RFC 8259), nested at most JSON_DOC_MAX_DEPTH deep.
 *
 * Ownership: every json-c object (and the tokener) is released by a reset callback registered on
 * the memory context current at parse time, so an ereport anywhere later cannot leak them.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "json_doc.h"

/* Deepest nesting accepted: Genesys exports nest about 8 levels. */
#define JSON_DOC_MAX_DEPTH 64

/* Reset callback: releases everything json-c allocated for these documents. */
static void
JsonDocsRelease(void *arg)
{
	JsonDocs   *docs = (JsonDocs *) arg;

	for (int i = 0; i < docs->ndocs; i++)
		json_object_put(docs->docs[i]);
	docs->ndocs = 0;
	if (docs->tokener != NULL)
		json_tokener_free(docs->tokener);
	docs->tokener = NULL;
}

/* Counts the lines up to byte offset, for the error message. */
static int
LineOf(const char *data, size_t offset)
{
	int			line = 1;

	for (size_t i = 0; i < offset; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

static void
ReportSyntaxError(const char *data, size_t offset, const char *desc)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid JSON at byte offset %zu (line %d): %s",
					offset, LineOf(data, offset), desc),
			 errdetail("Byte offsets count from 0 at the start of the text.")));
}

/*
 * What json-c 0.16 accepts even in strict mode and JSON does not: single-quoted strings, NaN and
 * Infinity, a number ending in a dot ("1."), raw control characters inside strings. One pass over
 * the bytes of a document json-c has parsed; strings (most of the bytes) go through a tight loop.
 */
static void
CheckStrictJson(const char *data, size_t start, size_t end)
{
	size_t		i = start;

	while (i < end)
	{
		unsigned char c = (unsigned char) data[i];

		if (c == '"')
		{
			for (i++; i < end; i++)
			{
				c = (unsigned char) data[i];
				if (c == '"')
					break;
				if (c == '\\')
					i++;
				else if (c < 0x20)
					ReportSyntaxError(data, i, "control character inside a string");
			}
		}
		else if (c == '\'')
			ReportSyntaxError(data, i, "strings must be in double quotes");
		else if (c == 'N' || c == 'I')
			ReportSyntaxError(data, i, "NaN and Infinity are not JSON numbers");
		else if (c == '.' && (i + 1 >= end || data[i + 1] < '0' || data[i + 1] > '9'))
			ReportSyntaxError(data, i, "digit expected after the decimal point");
		i++;
	}
}

/* Keeps a parsed document; the callback owns it from here on. */
static void
AddDocument(JsonDocs *docs, json_object *obj)
{
	if (docs->ndocs == docs->capacity)
	{
		int			capacity = docs->capacity * 2;
		json_object **grown = palloc(sizeof(json_object *) * capacity);

		memcpy(grown, docs->docs, sizeof(json_object *) * docs->ndocs);
		docs->docs = grown;		/* the old array stays in the context until it goes */
		docs->capacity = capacity;
	}
	docs->docs[docs->ndocs++] = obj;
}

/* Parses every document of data[0..len). */
JsonDocs *
json_docs_parse(const char *data, size_t len)
{
	JsonDocs   *docs = palloc0(sizeof(JsonDocs));
	MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));
	size_t		pos = 0;

	docs->capacity = 4;
	docs->docs = palloc(sizeof(json_object *) * docs->capacity);
	cb->func = JsonDocsRelease;
	cb->arg = docs;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);

	docs->tokener = json_tokener_new_ex(JSON_DOC_MAX_DEPTH);
	if (docs->tokener == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	json_tokener_set_flags(docs->tokener, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);

	/* A UTF-8 byte order mark, as some editors save, is skipped. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;

	for (;;)
	{
		json_object *obj;
		enum json_tokener_error err;
		size_t		chunk;

		while (pos < len && (data[pos] == ' ' || data[pos] == '\n' ||
							 data[pos] == '\r' || data[pos] == '\t'))
			pos++;
		if (pos == len)
			break;

		chunk = Min(len - pos, (size_t) PG_INT32_MAX);
		json_tokener_reset(docs->tokener);
		obj = json_tokener_parse_ex(docs->tokener, data + pos, (int) chunk);
		err = json_tokener_get_error(docs->tokener);
		if (obj == NULL && err == json_tokener_continue)
		{
			/* End of text: a terminating NUL ends a trailing number or literal, if complete. */
			obj = json_tokener_parse_ex(docs->tokener, "", 1);
			err = json_tokener_get_error(docs->tokener);
			if (obj == NULL)
				ReportSyntaxError(data, len, json_tokener_error_desc(err));
			AddDocument(docs, obj);
			CheckStrictJson(data, pos, len);
			break;
		}
		if (obj == NULL)
			ReportSyntaxError(data, pos + json_tokener_get_parse_end(docs->tokener),
							  json_tokener_error_desc(err));
		AddDocument(docs, obj);
		CheckStrictJson(data, pos, pos + json_tokener_get_parse_end(docs->tokener));
		pos += json_tokener_get_parse_end(docs->tokener);
	}

	json_tokener_free(docs->tokener);
	docs->tokener = NULL;
	return docs;
}

/* Starts iterating over the conversations of docs. */
void
json_docs_iterate(JsonDocs *docs, ConvIterator *it)
{
	memset(it, 0, sizeof(ConvIterator));
	it->docs = docs;
	it->loc.multi_doc = (docs->ndocs > 1);
}

/* The location prefix of a document, e.g. "document 2: $" or "$". */
static void
AppendDocPrefix(StringInfo buf, const ConvLocation *loc)
{
	if (loc->multi_doc)
		appendStringInfo(buf, "document %d: ", loc->doc_no);
	appendStringInfoChar(buf, '$');
}

static void
ReportDocumentShape(ConvLocation *loc, const char *where, const char *detail)
{
	StringInfoData path;

	initStringInfo(&path);
	AppendDocPrefix(&path, loc);
	appendStringInfoString(&path, where);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid Genesys export at %s", path.data),
			 errdetail("%s", detail)));
}

/* Opens document it->doc: finds its array of conversations, or its single conversation. */
static void
OpenDocument(ConvIterator *it)
{
	json_object *doc = it->docs->docs[it->doc];
	json_object *value;

	it->loc.doc_no = it->doc + 1;
	it->loc.index = 0;
	it->doc++;
	it->array = NULL;
	it->next = 0;
	it->array_len = 0;

	if (json_object_is_type(doc, json_type_array))
	{
		it->loc.kind = JSON_DOC_ARRAY;
		it->array = doc;
		it->array_len = json_object_array_length(doc);
		return;
	}
	if (!json_object_is_type(doc, json_type_object))
		ReportDocumentShape(&it->loc, "",
							"A document must be an object or an array of conversations.");
	if (json_object_object_get_ex(doc, "conversations", &value))
	{
		it->loc.kind = JSON_DOC_PAGE;
		if (value == NULL)
			return;				/* "conversations": null, an empty page */
		if (!json_object_is_type(value, json_type_array))
			ReportDocumentShape(&it->loc, ".conversations", "\"conversations\" must be an array.");
		it->array = value;
		it->array_len = json_object_array_length(value);
		return;
	}
	if (json_object_object_get_ex(doc, "conversationId", NULL))
	{
		it->loc.kind = JSON_DOC_CONVERSATION;
		it->single = doc;
		return;
	}
	if (json_object_object_get_ex(doc, "totalHits", NULL) ||
		json_object_object_get_ex(doc, "cursor", NULL) ||
		json_object_object_get_ex(doc, "aggregations", NULL) ||
		json_object_object_get_ex(doc, "dataAvailabilityDate", NULL))
	{
		it->loc.kind = JSON_DOC_PAGE;	/* a page without conversations */
		return;
	}
	ReportDocumentShape(&it->loc, "",
						"An object must be a page (with \"conversations\") or a conversation (with \"conversationId\").");
}

/* Sets *conv to the next conversation (any JSON value found where one belongs, NULL for null); false at the end. */
bool
json_docs_next(ConvIterator *it, json_object **conv)
{
	for (;;)
	{
		if (it->single != NULL)
		{
			*conv = it->single;
			it->single = NULL;
			it->loc.index = 0;
			return true;
		}
		if (it->array != NULL && it->next < it->array_len)
		{
			it->loc.index = (int) it->next;
			*conv = json_object_array_get_idx(it->array, it->next++);
			return true;
		}
		if (it->doc >= it->docs->ndocs)
			return false;
		OpenDocument(it);
	}
}

/* Appends the JSON path of the conversation at loc, e.g. "$.conversations[3]". */
void
conv_location_append(StringInfo buf, const ConvLocation *loc)
{
	AppendDocPrefix(buf, loc);
	if (loc->kind == JSON_DOC_PAGE)
		appendStringInfo(buf, ".conversations[%d]", loc->index);
	else if (loc->kind == JSON_DOC_ARRAY)
		appendStringInfo(buf, "[%d]", loc->index);
}
