/*
 * json_reader.c
 *		SQL-callable readers of Genesys Cloud exports: segments_from_json, metrics_from_json and
 *		the parsing half of import().
 *
 * Each parses the whole text with json-c (json_doc.c), walks every conversation (json_rows.c)
 * and puts rows into a tuplestore (materialize mode). Memory: one context for the call (its reset
 * callback releases every json-c object) and one for the conversation being walked, reset after
 * each. A wrong shape raises 22023 naming the conversationId and the JSON path; import_parse in
 * non-strict mode returns such a conversation as a reject row instead.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "json_reader.h"

/* Columns of gcstitch.import_item, in order. */
typedef enum ItemColumn
{
	ITEM_ORDINAL, ITEM_CONVERSATION_ID, ITEM_CONVERSATION_START, ITEM_CONVERSATION_END,
	ITEM_ORIGINATING_DIRECTION, ITEM_DIVISION_IDS, ITEM_LAST_EVENT_AT, ITEM_SEGMENTS,
	ITEM_METRICS, ITEM_JSON_PATH, ITEM_SQLSTATE, ITEM_REASON, ITEM_CONVERSATION,
	ITEM_NATTS
} ItemColumn;

/* Rows straight into the result tuplestore. */
typedef struct StoreSink
{
	RowSink		base;
	Tuplestorestate *store;
	TupleDesc	desc;
} StoreSink;

/* Rows collected as composite datums, for one conversation's array. */
typedef struct ArraySink
{
	TupleDesc	desc;
	Datum	   *items;
	int			n;
	int			capacity;
} ArraySink;

typedef struct ImportSink
{
	RowSink		base;
	ArraySink	segments;
	ArraySink	metrics;
} ImportSink;

static void
StorePut(RowSink *sink, Datum *values, bool *nulls)
{
	StoreSink  *s = (StoreSink *) sink;

	tuplestore_putvalues(s->store, s->desc, values, nulls);
}

static void
ArrayPut(ArraySink *a, Datum *values, bool *nulls)
{
	if (a->n == a->capacity)
	{
		a->capacity = Max(16, a->capacity * 2);
		a->items = a->items == NULL ? palloc(sizeof(Datum) * a->capacity) :
			repalloc(a->items, sizeof(Datum) * a->capacity);
	}
	a->items[a->n++] = HeapTupleGetDatum(heap_form_tuple(a->desc, values, nulls));
}

static void
ImportPutSegment(RowSink *sink, Datum *values, bool *nulls)
{
	ArrayPut(&((ImportSink *) sink)->segments, values, nulls);
}

static void
ImportPutMetric(RowSink *sink, Datum *values, bool *nulls)
{
	ArrayPut(&((ImportSink *) sink)->metrics, values, nulls);
}

/* The attribute names as C strings in UTF-8 (the encoding json-c strings are in). */
static void
ReadAttributeNames(ArrayType *names, WalkOptions *opts)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	opts->attributes = palloc(sizeof(char *) * Max(n, 1));
	opts->nattributes = n;
	for (int i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("client_id_attributes must not contain NULL")));
		name = text_to_cstring(DatumGetTextPP(elems[i]));
		opts->attributes[i] = pg_server_to_any(name, strlen(name), PG_UTF8);
	}
}

/* Parses doc into a new call context; the caller walks reader->it. */
void
json_reader_start(Reader *reader, text *doc, ArrayType *names)
{
	const char *data = VARDATA_ANY(doc);
	size_t		len = VARSIZE_ANY_EXHDR(doc);
	MemoryContext old;

	reader->call_cxt = AllocSetContextCreate(CurrentMemoryContext, "gcstitch json reader",
											 ALLOCSET_DEFAULT_SIZES);
	reader->conv_cxt = AllocSetContextCreate(reader->call_cxt, "gcstitch json conversation",
											 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(reader->call_cxt);
	memset(&reader->opts, 0, sizeof(WalkOptions));
	if (names != NULL)
		ReadAttributeNames(names, &reader->opts);
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		/* json-c decodes \u escapes to UTF-8: read everything in UTF-8, convert back per value */
		char	   *utf8 = pg_server_to_any(data, len, PG_UTF8);

		reader->opts.convert = true;
		if (utf8 != data)
		{
			data = utf8;
			len = strlen(utf8);
		}
	}
	reader->docs = json_docs_parse(data, len);
	json_docs_iterate(reader->docs, &reader->it);
	MemoryContextSwitchTo(old);
}

/* Releases the documents (the reset callback puts every json-c object). */
void
json_reader_end(Reader *reader)
{
	MemoryContextDelete(reader->call_cxt);
}

/* The conversationId for a message: the one read, else a string member, else NULL. */
static char *
FailedConversationId(json_object *conv, const ConvSummary *sum)
{
	json_object *v;

	if (sum->conversation_id != NULL)
		return pnstrdup(sum->conversation_id, sum->conversation_id_len);
	if (json_object_is_type(conv, json_type_object) &&
		json_object_object_get_ex(conv, "conversationId", &v) &&
		json_object_is_type(v, json_type_string) &&
		json_object_get_string_len(v) > 0)
		return pnstrdup(json_object_get_string(v), json_object_get_string_len(v));
	return NULL;
}

static char *
FailedPath(const ConvLocation *loc, const WalkError *err)
{
	StringInfoData path;

	initStringInfo(&path);
	conv_location_append(&path, loc);
	walk_error_path(&path, err);
	return path.data;
}

/* Raises the error of a conversation that walk_conversation refused. */
void
json_reader_report_error(Reader *reader, json_object *conv, const ConvSummary *sum, const WalkError *err)
{
	char	   *id = FailedConversationId(conv, sum);
	char	   *path = FailedPath(&reader->it.loc, err);

	if (id != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid conversation \"%s\" at %s", id, path),
				 errdetail("%s", err->detail)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid conversation at %s", path),
			 errdetail("%s", err->detail)));
}

/* Walks every conversation into sink; any bad one raises its error. */
void
json_reader_run_strict(Reader *reader, RowSink *sink)
{
	json_object *conv;
	ConvSummary sum;
	WalkError	err;
	MemoryContext old = MemoryContextSwitchTo(reader->conv_cxt);

	while (json_docs_next(&reader->it, &conv))
	{
		if (!walk_conversation(conv, &reader->opts, sink, &sum, &err))
			json_reader_report_error(reader, conv, &sum, &err);
		MemoryContextReset(reader->conv_cxt);
	}
	MemoryContextSwitchTo(old);
}

/* Reads doc into the function's materialized result through sink, checking its column count. */
static void
ReadIntoResult(FunctionCallInfo fcinfo, StoreSink *sink, int natts, ArrayType *names)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Reader		reader;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != natts)
		elog(ERROR, "function declared with %d columns, expected %d",
			 rsinfo->setDesc->natts, natts);
	sink->store = rsinfo->setResult;
	sink->desc = rsinfo->setDesc;
	json_reader_start(&reader, PG_GETARG_TEXT_PP(0), names);
	json_reader_run_strict(&reader, &sink->base);
	json_reader_end(&reader);
}

/* segments_from_json(doc text, client_id_attributes text[]): one row per segment. */
PG_FUNCTION_INFO_V1(gcstitch_segments_from_json);
Datum
gcstitch_segments_from_json(PG_FUNCTION_ARGS)
{
	StoreSink	sink = {{StorePut, NULL}};

	ReadIntoResult(fcinfo, &sink, SEG_NATTS, PG_GETARG_ARRAYTYPE_P(1));
	return (Datum) 0;
}

/* metrics_from_json(doc text): one row per session metric. */
PG_FUNCTION_INFO_V1(gcstitch_metrics_from_json);
Datum
gcstitch_metrics_from_json(PG_FUNCTION_ARGS)
{
	StoreSink	sink = {{NULL, StorePut}};

	ReadIntoResult(fcinfo, &sink, MET_NATTS, NULL);
	return (Datum) 0;
}

/* The row type of an array column of desc, checked against the expected column count. */
static TupleDesc
ElementRowType(TupleDesc desc, int column, int natts, Oid *elemtype)
{
	TupleDesc	rowdesc;

	*elemtype = get_element_type(TupleDescAttr(desc, column)->atttypid);
	if (!OidIsValid(*elemtype))
		elog(ERROR, "column %d of import_item is not an array", column + 1);
	rowdesc = lookup_rowtype_tupdesc_copy(*elemtype, -1);
	if (rowdesc->natts != natts)
		elog(ERROR, "row type %u has %d columns, expected %d", *elemtype, rowdesc->natts, natts);
	for (int i = 0; i < natts; i++)
		if (TupleDescAttr(rowdesc, i)->attisdropped)
			elog(ERROR, "row type %u has a dropped column", *elemtype);
	return rowdesc;
}

/* A text[] from a checked divisionIds array. */
static Datum
DivisionIds(const WalkOptions *opts, json_object *ids)
{
	size_t		n = json_object_array_length(ids);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (size_t i = 0; i < n; i++)
	{
		json_object *e = json_object_array_get_idx(ids, i);

		elems[i] = walk_make_text(opts, json_object_get_string(e), json_object_get_string_len(e));
	}
	return PointerGetDatum(construct_array(elems, (int) n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
RowArray(ArraySink *a, Oid elemtype)
{
	return PointerGetDatum(construct_array(a->items, a->n, elemtype, -1, false, TYPALIGN_DOUBLE));
}

/*
 * import_parse(doc text, client_id_attributes text[], strict boolean) RETURNS SETOF import_item:
 * one row per conversation with its segment and metric rows as arrays, or (strict false) a reject
 * row with json_path, sqlstate, reason and the conversation as json-c writes it.
 */
PG_FUNCTION_INFO_V1(gcstitch_import_parse);
Datum
gcstitch_import_parse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		strict = PG_GETARG_BOOL(2);
	ImportSink	sink = {{ImportPutSegment, ImportPutMetric}};
	Oid			segtype,
				mettype;
	Reader		reader;
	json_object *conv;
	int			ordinal = 0;
	MemoryContext old;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != ITEM_NATTS)
		elog(ERROR, "import_item has %d columns, expected %d", rsinfo->setDesc->natts, ITEM_NATTS);
	sink.segments.desc = ElementRowType(rsinfo->setDesc, ITEM_SEGMENTS, SEG_NATTS, &segtype);
	sink.metrics.desc = ElementRowType(rsinfo->setDesc, ITEM_METRICS, MET_NATTS, &mettype);
	json_reader_start(&reader, PG_GETARG_TEXT_PP(0), PG_GETARG_ARRAYTYPE_P(1));

	old = MemoryContextSwitchTo(reader.conv_cxt);
	while (json_docs_next(&reader.it, &conv))
	{
		Datum		values[ITEM_NATTS];
		bool		nulls[ITEM_NATTS];
		ConvSummary sum;
		WalkError	err;

		memset(nulls, true, sizeof(nulls));
		values[ITEM_ORDINAL] = Int32GetDatum(++ordinal);
		nulls[ITEM_ORDINAL] = false;
		sink.segments.items = sink.metrics.items = NULL;
		sink.segments.n = sink.metrics.n = 0;
		sink.segments.capacity = sink.metrics.capacity = 0;

		if (walk_conversation(conv, &reader.opts, &sink.base, &sum, &err))
		{
			values[ITEM_CONVERSATION_ID] =
				walk_make_text(&reader.opts, sum.conversation_id, sum.conversation_id_len);
			values[ITEM_CONVERSATION_START] = TimestampTzGetDatum(sum.start);
			values[ITEM_CONVERSATION_END] = TimestampTzGetDatum(sum.end);
			values[ITEM_LAST_EVENT_AT] = TimestampTzGetDatum(sum.last_event);
			nulls[ITEM_CONVERSATION_ID] = false;
			nulls[ITEM_CONVERSATION_START] = !sum.has_start;
			nulls[ITEM_CONVERSATION_END] = !sum.has_end;
			nulls[ITEM_LAST_EVENT_AT] = !sum.has_last_event;
			if (sum.originating_direction != NULL)
			{
				values[ITEM_ORIGINATING_DIRECTION] =
					walk_make_text(&reader.opts, json_object_get_string(sum.originating_direction),
								   json_object_get_string_len(sum.originating_direction));
				nulls[ITEM_ORIGINATING_DIRECTION] = false;
			}
			if (sum.division_ids != NULL)
			{
				values[ITEM_DIVISION_IDS] = DivisionIds(&reader.opts, sum.division_ids);
				nulls[ITEM_DIVISION_IDS] = false;
			}
			values[ITEM_SEGMENTS] = RowArray(&sink.segments, segtype);
			values[ITEM_METRICS] = RowArray(&sink.metrics, mettype);
			nulls[ITEM_SEGMENTS] = nulls[ITEM_METRICS] = false;
		}
		else if (strict)
			json_reader_report_error(&reader, conv, &sum, &err);
		else
		{
			char	   *id = FailedConversationId(conv, &sum);
			const char *raw = json_object_to_json_string_ext(conv, JSON_C_TO_STRING_PLAIN |
															  JSON_C_TO_STRING_NOSLASHESCAPE);

			if (id != NULL)
			{
				values[ITEM_CONVERSATION_ID] = walk_make_text(&reader.opts, id, strlen(id));
				nulls[ITEM_CONVERSATION_ID] = false;
			}
			values[ITEM_JSON_PATH] = CStringGetTextDatum(FailedPath(&reader.it.loc, &err));
			values[ITEM_SQLSTATE] = CStringGetTextDatum("22023");
			values[ITEM_REASON] = CStringGetTextDatum(err.detail);
			values[ITEM_CONVERSATION] = walk_make_text(&reader.opts, raw, strlen(raw));
			nulls[ITEM_JSON_PATH] = nulls[ITEM_SQLSTATE] = false;
			nulls[ITEM_REASON] = nulls[ITEM_CONVERSATION] = false;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextReset(reader.conv_cxt);
	}
	MemoryContextSwitchTo(old);
	json_reader_end(&reader);
	return (Datum) 0;
}
