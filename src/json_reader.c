/*
 * json_reader.c
 *		SQL-callable readers of Genesys Cloud exports: segments_from_json, metrics_from_json and
 *		the parsing half of import(); the reading steps they share are exported (json_reader.h)
 *		for anonymize(), which checks an export exactly as import() does.
 *
 * Each reads the text one conversation at a time (json_doc.c), walks it (json_rows.c) and puts
 * rows into a tuplestore (materialize mode, spilled to disk past work_mem). Memory: the text, one
 * context for the call (its reset callback releases the json-c objects) and one for the
 * conversation being walked, reset after each. A wrong shape raises 22023 (a character the
 * database encoding lacks 22P05) naming the conversationId and the JSON path; import_parse in
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

#include "import_versions.h"
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
	int			n = 0;
	char	  **utf8 = NULL;

	if (names != NULL)
	{
		deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		utf8 = palloc(sizeof(char *) * Max(n, 1));
	}
	for (int i = 0; i < n; i++)
	{
		char	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("client_id_attributes must not contain NULL")));
		name = text_to_cstring(DatumGetTextPP(elems[i]));
		utf8[i] = pg_server_to_any(name, strlen(name), PG_UTF8);
	}
	walk_options_init(opts, utf8, n);
}

/* Opens doc in a new call context; the caller reads reader->stream. */
void
json_reader_start(Reader *reader, text *doc, ArrayType *names)
{
	MemoryContext old;

	reader->call_cxt = AllocSetContextCreate(CurrentMemoryContext, "gcstitch json reader",
											 ALLOCSET_DEFAULT_SIZES);
	reader->conv_cxt = AllocSetContextCreate(reader->call_cxt, "gcstitch json conversation",
											 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(reader->call_cxt);
	ReadAttributeNames(names, &reader->opts);
	/* json-c decodes \u escapes to UTF-8: read everything in UTF-8, convert back per value */
	reader->utf8 = json_text_utf8(&reader->opts.conv, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
								  &reader->utf8_len);
	reader->stream = json_stream_open(reader->utf8, reader->utf8_len);
	MemoryContextSwitchTo(old);
}

/* Releases the documents (the reset callback puts every json-c object). */
void
json_reader_end(Reader *reader)
{
	MemoryContextDelete(reader->call_cxt);
}

/* The conversationId (UTF-8) of a conversation that failed: the one read, else a string member. */
static bool
FailedConversationId(json_object *conv, const ConvSummary *sum, const char **id, int *len)
{
	json_object *v;

	*id = sum->conversation_id;
	*len = sum->conversation_id_len;
	if (*id == NULL && json_object_is_type(conv, json_type_object) &&
		json_object_object_get_ex(conv, "conversationId", &v) &&
		json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)
	{
		*id = json_object_get_string(v);
		*len = json_object_get_string_len(v);
	}
	return *id != NULL;
}

/* The JSON path of the current conversation, and of the error inside it when err is given. */
static char *
ConversationPath(Reader *reader, const WalkError *err)
{
	StringInfoData path;

	initStringInfo(&path);
	json_stream_append_path(reader->stream, &path);
	if (err != NULL)
		walk_error_path(&path, err);
	return json_text_for_message(&reader->opts.conv, path.data, path.len);
}

/* Raises the error of a conversation that walk_conversation refused. */
void
json_reader_report_error(Reader *reader, json_object *conv, const ConvSummary *sum, const WalkError *err)
{
	const char *id;
	int			len;
	char	   *path = ConversationPath(reader, err);

	if (FailedConversationId(conv, sum, &id, &len))
		ereport(ERROR,
				(errcode(err->sqlstate),
				 errmsg("invalid conversation %s at %s",
						json_text_quoted(&reader->opts.conv, id, len), path),
				 errdetail("%s", err->detail)));
	ereport(ERROR,
			(errcode(err->sqlstate),
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

	while (json_stream_next(reader->stream, &conv))
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

static Datum
RowArray(ArraySink *a, Oid elemtype)
{
	return PointerGetDatum(construct_array(a->items, a->n, elemtype, -1, false, TYPALIGN_DOUBLE));
}

/* Sets the columns of an item from a conversation walked without error. */
static void
GoodItem(const ConvSummary *sum, ImportSink *sink, Oid segtype, Oid mettype,
		 Datum *values, bool *nulls)
{
	values[ITEM_CONVERSATION_ID] = sum->conversation_id_text;
	values[ITEM_CONVERSATION_START] = TimestampTzGetDatum(sum->start);
	values[ITEM_CONVERSATION_END] = TimestampTzGetDatum(sum->end);
	values[ITEM_ORIGINATING_DIRECTION] = sum->originating_direction;
	values[ITEM_DIVISION_IDS] = sum->division_ids;
	values[ITEM_LAST_EVENT_AT] = TimestampTzGetDatum(sum->last_event);
	values[ITEM_SEGMENTS] = RowArray(&sink->segments, segtype);
	values[ITEM_METRICS] = RowArray(&sink->metrics, mettype);
	nulls[ITEM_CONVERSATION_ID] = false;
	nulls[ITEM_CONVERSATION_START] = !sum->has_start;
	nulls[ITEM_CONVERSATION_END] = !sum->has_end;
	nulls[ITEM_ORIGINATING_DIRECTION] = !sum->has_originating_direction;
	nulls[ITEM_DIVISION_IDS] = !sum->has_division_ids;
	nulls[ITEM_LAST_EVENT_AT] = !sum->has_last_event;
	nulls[ITEM_SEGMENTS] = nulls[ITEM_METRICS] = false;
}

/* The conversation as JSON, written back by json-c, in the database encoding (escaped). */
static Datum
ConversationJson(Reader *reader, json_object *conv)
{
	const char *raw = json_object_to_json_string_ext(conv, JSON_C_TO_STRING_PLAIN |
													 JSON_C_TO_STRING_NOSLASHESCAPE);

	return CStringGetTextDatum(json_text_for_message(&reader->opts.conv, raw, strlen(raw)));
}

/* Sets the columns of a reject item: the conversationId when known, SQLSTATE, reason and JSON. */
static void
RejectItem(Reader *reader, json_object *conv, const ConvSummary *sum, const WalkError *err,
		   Datum *values, bool *nulls)
{
	const char *id;
	int			len;

	if (FailedConversationId(conv, sum, &id, &len))
	{
		values[ITEM_CONVERSATION_ID] =
			CStringGetTextDatum(json_text_for_message(&reader->opts.conv, id, len));
		nulls[ITEM_CONVERSATION_ID] = false;
	}
	values[ITEM_JSON_PATH] = CStringGetTextDatum(ConversationPath(reader, err));
	values[ITEM_SQLSTATE] = CStringGetTextDatum(unpack_sql_state(err->sqlstate));
	values[ITEM_REASON] = CStringGetTextDatum(err->detail);
	values[ITEM_CONVERSATION] = ConversationJson(reader, conv);
	nulls[ITEM_JSON_PATH] = nulls[ITEM_SQLSTATE] = false;
	nulls[ITEM_REASON] = nulls[ITEM_CONVERSATION] = false;
}

/* Columns of import_parse's result, in order. */
typedef enum BatchColumn
{
	BATCH_ITEMS, BATCH_REJECTS, BATCH_SUPERSEDED,
	BATCH_NATTS
} BatchColumn;

/* A batch's rows stop growing at this many bytes, whatever its number of conversations. */
#define BATCH_MAX_BYTES (8 * 1024 * 1024)

/* The items of the batch being filled, in their own context (reset after each batch). */
typedef struct Batch
{
	MemoryContext cxt;
	TupleDesc	desc;			/* import_item */
	Oid			type;
	Datum	   *items;
	int			n;
	int			capacity;
	Size		bytes;
	int			rejects;
} Batch;

/* Adds an item built from values and nulls (formed in the batch's context). */
static void
BatchAdd(Batch *batch, Datum *values, bool *nulls)
{
	MemoryContext old = MemoryContextSwitchTo(batch->cxt);
	HeapTuple	tuple = heap_form_tuple(batch->desc, values, nulls);

	if (batch->n == batch->capacity)
	{
		batch->capacity = Max(64, batch->capacity * 2);
		batch->items = batch->items == NULL ? palloc(sizeof(Datum) * batch->capacity) :
			repalloc(batch->items, sizeof(Datum) * batch->capacity);
	}
	batch->items[batch->n++] = HeapTupleGetDatum(tuple);
	batch->bytes += tuple->t_len;
	if (!nulls[ITEM_REASON])
		batch->rejects++;
	MemoryContextSwitchTo(old);
}

/* Puts the batch as one result row (when it has items) and empties it. */
static void
BatchFlush(Batch *batch, ReturnSetInfo *rsinfo)
{
	Datum		values[BATCH_NATTS];
	bool		nulls[BATCH_NATTS] = {false, false, true};
	MemoryContext old;

	if (batch->n == 0)
		return;
	old = MemoryContextSwitchTo(batch->cxt);
	values[BATCH_ITEMS] = PointerGetDatum(construct_array(batch->items, batch->n, batch->type,
														  -1, false, TYPALIGN_DOUBLE));
	values[BATCH_REJECTS] = Int32GetDatum(batch->rejects);
	values[BATCH_SUPERSEDED] = (Datum) 0;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(batch->cxt);
	batch->items = NULL;
	batch->n = batch->capacity = batch->rejects = 0;
	batch->bytes = 0;
}

/* The last result row: the ordinals of the conversations superseded in the text. */
static void
PutSuperseded(VersionSet *versions, ReturnSetInfo *rsinfo)
{
	Datum		values[BATCH_NATTS] = {0};
	bool		nulls[BATCH_NATTS] = {true, true, false};
	int			n;
	int		   *ordinals = versions_superseded(versions, &n);
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = Int32GetDatum(ordinals[i]);
	values[BATCH_SUPERSEDED] = PointerGetDatum(construct_array(elems, n, INT4OID, 4, true,
															   TYPALIGN_INT));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Records the version of a conversation walked without error. */
static void
AddVersion(VersionSet *versions, const ConvSummary *sum, int ordinal)
{
	ConvVersion version;
	text	   *id = DatumGetTextPP(sum->conversation_id_text);

	version.has_end = sum->has_end;
	version.end = sum->end;
	version.has_last_event = sum->has_last_event;
	version.last_event = sum->last_event;
	versions_add(versions, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), ordinal, &version);
}

/*
 * import_parse(doc text, client_id_attributes text[], strict boolean, batch_size int) RETURNS
 * TABLE (items import_item[], rejects int, superseded int[]): the conversations of the text in
 * batches of at most batch_size (fewer when their rows pass BATCH_MAX_BYTES), in text order,
 * each with its segment and metric rows as arrays and its JSON path, or (strict false) a reject
 * with json_path, sqlstate, reason and the conversation as json-c writes it; rejects counts the
 * batch's rejects. Then one last row (items NULL): superseded lists, ascending, the ordinals of
 * the conversations a newer or later version in the same text supersedes. Memory: the text, one
 * batch, one entry per conversationId; the rows go to the tuplestore (on disk past work_mem).
 */
PG_FUNCTION_INFO_V1(gcstitch_import_parse);
Datum
gcstitch_import_parse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		strict = PG_GETARG_BOOL(2);
	int32		batch_size = PG_GETARG_INT32(3);
	ImportSink	sink = {{ImportPutSegment, ImportPutMetric}};
	Oid			segtype,
				mettype;
	Batch		batch = {0};
	VersionSet *versions;
	Reader		reader;
	json_object *conv;
	int			ordinal = 0;
	MemoryContext old;

	if (batch_size < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch_size must be at least 1")));
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != BATCH_NATTS)
		elog(ERROR, "import_parse has %d columns, expected %d", rsinfo->setDesc->natts, BATCH_NATTS);
	batch.desc = ElementRowType(rsinfo->setDesc, BATCH_ITEMS, ITEM_NATTS, &batch.type);
	sink.segments.desc = ElementRowType(batch.desc, ITEM_SEGMENTS, SEG_NATTS, &segtype);
	sink.metrics.desc = ElementRowType(batch.desc, ITEM_METRICS, MET_NATTS, &mettype);
	json_reader_start(&reader, PG_GETARG_TEXT_PP(0), PG_GETARG_ARRAYTYPE_P(1));
	batch.cxt = AllocSetContextCreate(reader.call_cxt, "gcstitch import batch",
									  ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(reader.call_cxt);
	versions = versions_create(reader.opts.hash_seed);

	MemoryContextSwitchTo(reader.conv_cxt);
	while (json_stream_next(reader.stream, &conv))
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
			GoodItem(&sum, &sink, segtype, mettype, values, nulls);
			values[ITEM_JSON_PATH] = CStringGetTextDatum(ConversationPath(&reader, NULL));
			nulls[ITEM_JSON_PATH] = false;
			AddVersion(versions, &sum, ordinal);
		}
		else if (strict)
			json_reader_report_error(&reader, conv, &sum, &err);
		else
			RejectItem(&reader, conv, &sum, &err, values, nulls);
		BatchAdd(&batch, values, nulls);
		MemoryContextReset(reader.conv_cxt);
		if (batch.n >= batch_size || batch.bytes >= BATCH_MAX_BYTES)
			BatchFlush(&batch, rsinfo);
	}
	BatchFlush(&batch, rsinfo);
	MemoryContextSwitchTo(reader.call_cxt);
	PutSuperseded(versions, rsinfo);
	MemoryContextSwitchTo(old);
	json_reader_end(&reader);
	return (Datum) 0;
}

/*
 * import_conversations(doc text, ordinals int[]) RETURNS TABLE (ordinal int, json_path text,
 * conversation text): the conversations at these positions (1-based, in text order), as JSON
 * written back by json-c, for the reject rows of conversations the database refused to store.
 */
PG_FUNCTION_INFO_V1(gcstitch_import_conversations);
Datum
gcstitch_import_conversations(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *wanted_array = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *wanted;
	bool	   *wanted_nulls;
	int			nwanted;
	int			next = 0;
	int			ordinal = 0;
	Reader		reader;
	json_object *conv;
	MemoryContext old;

	InitMaterializedSRF(fcinfo, 0);
	deconstruct_array(wanted_array, INT4OID, 4, true, TYPALIGN_INT, &wanted, &wanted_nulls, &nwanted);
	for (int i = 0; i < nwanted; i++)
		if (wanted_nulls[i] || (i > 0 && DatumGetInt32(wanted[i]) <= DatumGetInt32(wanted[i - 1])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ordinals must be in ascending order, without NULL")));
	json_reader_start(&reader, PG_GETARG_TEXT_PP(0), NULL);
	old = MemoryContextSwitchTo(reader.conv_cxt);
	while (next < nwanted && json_stream_next(reader.stream, &conv))
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		if (++ordinal != DatumGetInt32(wanted[next]))
			continue;
		next++;
		values[0] = Int32GetDatum(ordinal);
		values[1] = CStringGetTextDatum(ConversationPath(&reader, NULL));
		values[2] = ConversationJson(&reader, conv);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextReset(reader.conv_cxt);
	}
	MemoryContextSwitchTo(old);
	json_reader_end(&reader);
	return (Datum) 0;
}
