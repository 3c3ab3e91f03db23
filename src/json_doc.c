/*
 * json_doc.c
 *		Read the conversations of an export text one at a time.
 *
 * A text holds one document or several (NDJSON: one a line; any JSON whitespace may separate
 * them, so concatenated documents are accepted too; a UTF-8 byte order mark at the start is
 * skipped). A document is a page of the conversation details query (sync response or async job
 * results page), a bare array of conversations, or one conversation.
 *
 * Streaming: json-c builds about ten times the text in objects, so it never sees a whole page.
 * The array of a page or a bare array is walked here (whitespace, commas, brackets) and json-c
 * parses one element at a time, each freed before the next is read. The rest of a page (its
 * other members) goes to a second tokener, fed the bytes before the array's '[' and from its ']'
 * on, so that json-c still checks every byte of the document. To find the array, the members of an
 * object document are skimmed first (strings and brackets only; a malformed document is caught
 * by json-c right after). Malformed JSON raises 22P02 with the byte offset; a document of another
 * shape raises 22023. json-c's strict mode plus CheckStrictJson accept exactly JSON (RFC 8259),
 * nested at most JSON_DOC_MAX_DEPTH deep. Errors come in text order: rows of earlier
 * conversations may already have been handed out when a later byte turns out to be malformed.
 *
 * json_stream_next_document hands out whole documents instead (anonymize rebuilds pages with
 * their own members). Interrupts are checked every few hundred kilobytes of any loop over the
 * text. Ownership: the json-c objects and tokeners are released by a reset callback on the memory
 * context current at open, so an ereport anywhere cannot leak them.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "json_doc.h"

/* Deepest nesting accepted: Genesys exports nest about 8 levels. */
#define JSON_DOC_MAX_DEPTH 64

/* Bytes handed to json-c at a time, and skimmed between interrupt checks. */
#define PARSE_CHUNK (64 * 1024)
#define SCAN_CHUNK (1024 * 1024)

#define NOT_FOUND ((size_t) -1)

typedef enum StreamState
{
	AT_DOCUMENT,				/* between documents */
	IN_ARRAY,					/* inside the array of conversations of a document */
	IN_HELD_ARRAY				/* iterating an array json-c parsed whole */
} StreamState;

struct JsonStream
{
	const char *data;
	size_t		len;
	size_t		pos;			/* next byte to read */
	StreamState state;
	int			multi_doc;		/* the text holds several documents: -1 not known yet */
	struct json_tokener *doc_tok;	/* whole documents, and pages around their array */
	struct json_tokener *elem_tok[3];	/* elements of an array at depth 1 or 2 */
	int			array_depth;	/* 1: bare array, 2: array of a page */
	bool		array_first;	/* no element read yet */
	json_object *envelope;		/* the page whose array is being read, or NULL */
	json_object *held;			/* the document holding held_array, or NULL */
	json_object *held_array;
	size_t		held_next;
	json_object *current;		/* the conversation handed out last */
	ConvLocation loc;
};

/* Reset callback: releases everything json-c allocated for this stream. */
static void
StreamRelease(void *arg)
{
	JsonStream *s = (JsonStream *) arg;

	json_object_put(s->current);
	json_object_put(s->envelope);
	json_object_put(s->held);
	s->current = s->envelope = s->held = NULL;
	if (s->doc_tok != NULL)
		json_tokener_free(s->doc_tok);
	s->doc_tok = NULL;
	for (int i = 0; i < lengthof(s->elem_tok); i++)
	{
		if (s->elem_tok[i] != NULL)
			json_tokener_free(s->elem_tok[i]);
		s->elem_tok[i] = NULL;
	}
}

static struct json_tokener *
NewTokener(int depth)
{
	struct json_tokener *tok = json_tokener_new_ex(depth);

	if (tok == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return tok;
}

/* Counts the lines up to byte offset, for the error message. */
static int
LineOf(const char *data, size_t offset)
{
	int			line = 1;

	for (size_t i = 0; i < offset; i++)
	{
		if ((i % SCAN_CHUNK) == 0)
			CHECK_FOR_INTERRUPTS();
		if (data[i] == '\n')
			line++;
	}
	return line;
}

static void
ReportSyntaxError(JsonStream *s, size_t offset, const char *desc)
{
	int			line = LineOf(s->data, offset);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid JSON at byte offset %zu (line %d): %s", offset, line, desc),
			 errdetail("Byte offsets count from 0 at the start of the text.")));
}

/*
 * What json-c 0.16 accepts even in strict mode and JSON does not: single-quoted strings, NaN and
 * Infinity, a number ending in a dot ("1."), raw control characters inside strings. One pass over
 * bytes json-c has parsed (so every string is closed); strings (most of the bytes) go through a
 * tight loop.
 */
static void
CheckStrictJson(JsonStream *s, size_t start, size_t end)
{
	const char *data = s->data;
	size_t		i = start;
	size_t		next_check = start + SCAN_CHUNK;

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
					ReportSyntaxError(s, i, "control character inside a string");
				else if (unlikely(i >= next_check))
				{
					CHECK_FOR_INTERRUPTS();
					next_check = i + SCAN_CHUNK;
				}
			}
		}
		else if (c == '\'')
			ReportSyntaxError(s, i, "strings must be in double quotes");
		else if (c == 'N' || c == 'I')
			ReportSyntaxError(s, i, "NaN and Infinity are not JSON numbers");
		else if (c == '.' && (i + 1 >= end || data[i + 1] < '0' || data[i + 1] > '9'))
			ReportSyntaxError(s, i, "digit expected after the decimal point");
		if (unlikely(i >= next_check))
		{
			CHECK_FOR_INTERRUPTS();
			next_check = i + SCAN_CHUNK;
		}
		i++;
	}
}

static inline bool
IsJsonSpace(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static size_t
SkipSpace(JsonStream *s, size_t i)
{
	while (i < s->len && IsJsonSpace(s->data[i]))
		i++;
	return i;
}

/*
 * Feeds json-c the text from s->pos, a chunk at a time, until a value is complete (returned, NULL
 * for JSON null; s->pos after it) or, with stop_at set, until stop_at is reached (NULL returned,
 * s->pos at stop_at: the value goes on). At the end of the text a NUL ends a trailing number or literal. A syntax
 * error is reported at its byte.
 */
static json_object *
Feed(JsonStream *s, struct json_tokener *tok, size_t stop_at)
{
	size_t		end = (stop_at == NOT_FOUND) ? s->len : stop_at;

	for (;;)
	{
		size_t		n = Min(end - s->pos, (size_t) PARSE_CHUNK);
		json_object *obj;
		enum json_tokener_error err;

		if (n == 0 && stop_at != NOT_FOUND)
			return NULL;
		if (n == 0)
		{
			obj = json_tokener_parse_ex(tok, "", 1);
			err = json_tokener_get_error(tok);
			if (err != json_tokener_success)
				ReportSyntaxError(s, s->len, json_tokener_error_desc(err));
			return obj;
		}
		obj = json_tokener_parse_ex(tok, s->data + s->pos, (int) n);
		err = json_tokener_get_error(tok);
		if (err == json_tokener_continue)
		{
			s->pos += n;
			CHECK_FOR_INTERRUPTS();
			continue;
		}
		if (err != json_tokener_success)
			ReportSyntaxError(s, s->pos + json_tokener_get_parse_end(tok),
							  json_tokener_error_desc(err));
		s->pos += json_tokener_get_parse_end(tok);
		return obj;
	}
}

/* Index after the string whose opening quote is at i (or the end of the text). */
static size_t
SkipString(JsonStream *s, size_t i)
{
	size_t		next_check = i + SCAN_CHUNK;

	for (i++; i < s->len; i++)
	{
		if (s->data[i] == '"')
			return i + 1;
		if (s->data[i] == '\\')
			i++;
		if (unlikely(i >= next_check))
		{
			CHECK_FOR_INTERRUPTS();
			next_check = i + SCAN_CHUNK;
		}
	}
	return s->len;
}

/* Is the string token data[start..end) the member name "conversations" (escapes decoded)? */
static bool
IsConversationsName(JsonStream *s, size_t start, size_t end)
{
	static const char name[] = "\"conversations\"";
	json_object *decoded;
	bool		same;

	if (end - start == strlen(name) && memcmp(s->data + start, name, strlen(name)) == 0)
		return true;
	if (memchr(s->data + start, '\\', end - start) == NULL || end - start > 200)
		return false;
	json_tokener_reset(s->doc_tok);
	decoded = json_tokener_parse_ex(s->doc_tok, s->data + start, (int) (end - start));
	same = decoded != NULL && json_object_is_type(decoded, json_type_string) &&
		strcmp(json_object_get_string(decoded), "conversations") == 0 &&
		json_object_get_string_len(decoded) == 13;
	json_object_put(decoded);
	return same;
}

/*
 * Skims the object document starting at start for a member "conversations" whose value is an
 * array; returns the offset of its '[', or NOT_FOUND.
 */
static size_t
FindConversationsArray(JsonStream *s, size_t start)
{
	size_t		i = start + 1;
	size_t		next_check = i + SCAN_CHUNK;
	int			depth = 1;

	while (i < s->len)
	{
		char		c = s->data[i];

		if (c == '"')
		{
			size_t		name_start = i;
			size_t		colon;

			i = SkipString(s, i);
			colon = SkipSpace(s, i);
			if (depth == 1 && colon < s->len && s->data[colon] == ':' &&
				IsConversationsName(s, name_start, i))
			{
				size_t		value = SkipSpace(s, colon + 1);

				if (value < s->len && s->data[value] == '[')
					return value;
			}
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return NOT_FOUND;
		if (unlikely(++i >= next_check))
		{
			CHECK_FOR_INTERRUPTS();
			next_check = i + SCAN_CHUNK;
		}
	}
	return NOT_FOUND;
}

/* Where the document being read ends, skimming from s->pos at the given depth. */
static size_t
DocumentEnd(JsonStream *s, int depth)
{
	size_t		i = s->pos;

	while (i < s->len && depth > 0)
	{
		char		c = s->data[i];

		if (c == '"')
		{
			i = SkipString(s, i);
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		i++;
		if ((i % SCAN_CHUNK) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return i;
}

/* Whether the text holds more than one document (found out when first needed). */
static bool
MultiDoc(JsonStream *s)
{
	if (s->multi_doc < 0)
	{
		size_t		end = (s->state == IN_ARRAY) ? DocumentEnd(s, s->array_depth) : s->pos;

		s->multi_doc = (SkipSpace(s, end) < s->len);
	}
	return s->multi_doc > 0;
}

/* The location prefix of the current document, e.g. "document 2: $" or "$". */
static void
AppendDocPrefix(JsonStream *s, StringInfo buf)
{
	if (MultiDoc(s))
		appendStringInfo(buf, "document %d: ", s->loc.doc_no);
	appendStringInfoChar(buf, '$');
}

static void
ReportDocumentShape(JsonStream *s, const char *where, const char *detail)
{
	StringInfoData path;

	initStringInfo(&path);
	AppendDocPrefix(s, &path);
	appendStringInfoString(&path, where);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid Genesys export at %s", path.data),
			 errdetail("%s", detail)));
}

static void
StartArray(JsonStream *s, int depth)
{
	s->state = IN_ARRAY;
	s->array_depth = depth;
	s->array_first = true;
	s->loc.index = -1;
	if (s->elem_tok[depth] == NULL)
		s->elem_tok[depth] = NewTokener(JSON_DOC_MAX_DEPTH - depth);
}

/* The next element of the array being read (true), or false after its ']' (s->pos after it). */
static bool
NextElement(JsonStream *s, json_object **elem)
{
	size_t		start;

	s->pos = SkipSpace(s, s->pos);
	if (s->pos == s->len)
		ReportSyntaxError(s, s->len, json_tokener_error_desc(json_tokener_error_parse_eof));
	if (s->data[s->pos] == ']' && s->array_first)
	{
		s->pos++;
		return false;
	}
	if (!s->array_first)
	{
		if (s->data[s->pos] == ']')
		{
			s->pos++;
			return false;
		}
		if (s->data[s->pos] != ',')
			ReportSyntaxError(s, s->pos, json_tokener_error_desc(json_tokener_error_parse_array));
		s->pos = SkipSpace(s, s->pos + 1);
	}
	s->array_first = false;
	start = s->pos;
	json_tokener_reset(s->elem_tok[s->array_depth]);
	*elem = Feed(s, s->elem_tok[s->array_depth], NOT_FOUND);
	s->current = *elem;			/* the callback puts it if the check below raises */
	CheckStrictJson(s, start, s->pos);
	s->loc.index++;
	return true;
}

/* After the array of a page: json-c reads the rest of the page, from the ']' on. */
static void
FinishPage(JsonStream *s)
{
	size_t		start = s->pos - 1;
	json_object *array;

	s->pos = start;
	s->envelope = Feed(s, s->doc_tok, NOT_FOUND);
	CheckStrictJson(s, start, s->pos);
	if (!json_object_object_get_ex(s->envelope, "conversations", &array) || array == NULL ||
		!json_object_is_type(array, json_type_array) || json_object_array_length(array) != 0)
		ReportDocumentShape(s, ".conversations", "A page must have one \"conversations\" member.");
	json_object_put(s->envelope);
	s->envelope = NULL;
}

/*
 * A document json-c parsed whole: a conversation (set *conv, true), a page without conversations
 * or whose array is held whole (false), or a shape error.
 */
static bool
ClassifyDocument(JsonStream *s, json_object *doc, json_object **conv)
{
	json_object *value;

	if (!json_object_is_type(doc, json_type_object))
	{
		json_object_put(doc);
		ReportDocumentShape(s, "", "A document must be an object or an array of conversations.");
	}
	s->held = doc;
	if (json_object_object_get_ex(doc, "conversations", &value))
	{
		s->loc.kind = JSON_DOC_PAGE;
		if (value == NULL)
			return false;		/* "conversations": null, an empty page */
		if (!json_object_is_type(value, json_type_array))
			ReportDocumentShape(s, ".conversations", "\"conversations\" must be an array.");
		s->state = IN_HELD_ARRAY;
		s->held_array = value;
		s->held_next = 0;
		s->loc.index = -1;
		return false;
	}
	if (json_object_object_get_ex(doc, "conversationId", NULL))
	{
		s->loc.kind = JSON_DOC_CONVERSATION;
		s->loc.index = 0;
		s->held = NULL;
		s->current = doc;
		*conv = doc;
		return true;
	}
	if (json_object_object_get_ex(doc, "totalHits", NULL) ||
		json_object_object_get_ex(doc, "cursor", NULL) ||
		json_object_object_get_ex(doc, "aggregations", NULL) ||
		json_object_object_get_ex(doc, "dataAvailabilityDate", NULL))
	{
		s->loc.kind = JSON_DOC_PAGE;	/* a page without conversations */
		return false;
	}
	ReportDocumentShape(s, "",
						"An object must be a page (with \"conversations\") or a conversation (with \"conversationId\").");
	return false;
}

/*
 * Opens the next document: starts reading its array (false, state IN_ARRAY), hands out its single
 * conversation (true), or finds it holds none (false). false with state AT_DOCUMENT and s->pos at
 * the end: no more documents.
 */
static bool
OpenDocument(JsonStream *s, json_object **conv)
{
	size_t		start = SkipSpace(s, s->pos);
	size_t		array;
	json_object *doc;

	s->pos = start;
	if (start == s->len)
		return false;
	s->loc.doc_no++;
	if (s->loc.doc_no > 1)
		s->multi_doc = 1;
	s->loc.index = 0;
	json_tokener_reset(s->doc_tok);

	if (s->data[start] == '[')
	{
		s->loc.kind = JSON_DOC_ARRAY;
		s->pos++;
		StartArray(s, 1);
		return false;
	}
	if (s->data[start] == '{' && (array = FindConversationsArray(s, start)) != NOT_FOUND)
	{
		json_tokener_reset(s->doc_tok);
		doc = Feed(s, s->doc_tok, array + 1);
		CheckStrictJson(s, start, s->pos);
		if (doc != NULL || s->pos != array + 1)
		{
			json_object_put(doc);
			elog(ERROR, "JSON document ended before its array of conversations");
		}
		s->loc.kind = JSON_DOC_PAGE;
		StartArray(s, 2);
		return false;
	}
	json_tokener_reset(s->doc_tok);
	doc = Feed(s, s->doc_tok, NOT_FOUND);
	s->held = doc;				/* the callback puts it if the check below raises */
	CheckStrictJson(s, start, s->pos);
	s->held = NULL;
	return ClassifyDocument(s, doc, conv);
}

/* Starts reading data[0..len): a UTF-8 text of documents. */
JsonStream *
json_stream_open(const char *data, size_t len)
{
	JsonStream *s = palloc0(sizeof(JsonStream));
	MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));

	cb->func = StreamRelease;
	cb->arg = s;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	s->data = data;
	s->len = len;
	s->multi_doc = -1;
	s->state = AT_DOCUMENT;
	s->doc_tok = NewTokener(JSON_DOC_MAX_DEPTH);
	/* A UTF-8 byte order mark, as some editors save, is skipped. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		s->pos = 3;
	return s;
}

/*
 * Sets *conv to the next conversation (any JSON value found where one belongs, NULL for null),
 * valid until the next call; false at the end of the text.
 */
bool
json_stream_next(JsonStream *s, json_object **conv)
{
	json_object_put(s->current);
	s->current = NULL;
	*conv = NULL;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		switch (s->state)
		{
			case IN_ARRAY:
				if (NextElement(s, conv))
				{
					s->current = *conv;
					return true;
				}
				s->state = AT_DOCUMENT;
				if (s->array_depth == 2)
					FinishPage(s);
				break;
			case IN_HELD_ARRAY:
				if (s->held_next < json_object_array_length(s->held_array))
				{
					s->loc.index = (int) s->held_next;
					*conv = json_object_get(json_object_array_get_idx(s->held_array,
																	  s->held_next++));
					s->current = *conv;
					return true;
				}
				s->state = AT_DOCUMENT;
				break;
			case AT_DOCUMENT:
				json_object_put(s->held);
				s->held = NULL;
				if (OpenDocument(s, conv))
					return true;
				if (s->state == AT_DOCUMENT && s->pos == s->len)
					return false;
				break;
		}
	}
}

/*
 * Sets *doc to the next document parsed whole, page members and all, for a caller that rebuilds
 * documents (anonymize); valid until the next call, false at the end of the text. Not to be mixed
 * with json_stream_next on one stream. Only the syntax is checked: read the text with
 * json_stream_next first for the shape errors. Memory: json-c objects of one whole document.
 */
bool
json_stream_next_document(JsonStream *s, json_object **doc)
{
	size_t		start = SkipSpace(s, s->pos);

	Assert(s->state == AT_DOCUMENT);
	json_object_put(s->held);
	s->held = *doc = NULL;
	CHECK_FOR_INTERRUPTS();
	s->pos = start;
	if (start == s->len)
		return false;
	s->loc.doc_no++;
	json_tokener_reset(s->doc_tok);
	s->held = *doc = Feed(s, s->doc_tok, NOT_FOUND);
	CheckStrictJson(s, start, s->pos);
	return true;
}

/* Appends the JSON path of the current conversation, e.g. "$.conversations[3]". */
void
json_stream_append_path(JsonStream *s, StringInfo buf)
{
	AppendDocPrefix(s, buf);
	if (s->loc.kind == JSON_DOC_PAGE)
		appendStringInfo(buf, ".conversations[%d]", s->loc.index);
	else if (s->loc.kind == JSON_DOC_ARRAY)
		appendStringInfo(buf, "[%d]", s->loc.index);
}
