/*
 * fuzz_json.c
 *		libFuzzer harness: the JSON reader (src/json_doc.c, src/json_rows.c, src/json_text.c,
 *		src/time_text.c).
 *
 * The input is the doc text of segments_from_json, metrics_from_json and import(). It is read
 * the three ways src/json_reader.c reads it: segment rows with the client id attributes,
 * metric rows, and both (import, where a bad conversation becomes a reject row with its path
 * and its JSON written back by json-c); a text read without error must also read as whole
 * documents (anonymize's second reading). Every row value is read back. Bad JSON and bad shapes
 * must raise 22P02 or 22023; anything else (another error, a crash, a memory error or a json-c
 * object left behind after the call) is a finding.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "json_doc.h"
#include "json_rows.h"
#include "shim.h"

typedef struct Input
{
	const char *data;
	size_t		len;
	bool		segments;
	bool		metrics;
} Input;

static char *attribute_names[] = {"X-Genesys-Client-Id", "clientId"};

/* Reads every value of a row, so that a dangling Datum is caught by AddressSanitizer. */
static uint32
TouchRow(Datum *values, bool *nulls, int natts, const bool *is_text)
{
	uint32		sum = 0;

	for (int i = 0; i < natts; i++)
	{
		if (nulls[i])
			continue;
		if (is_text[i])
		{
			text	   *t = (text *) DatumGetPointer(values[i]);
			const char *p = VARDATA(t);

			for (int j = 0; j < (int) (VARSIZE(t) - VARHDRSZ); j++)
				sum += (uint8) p[j];
		}
		else
			sum += (uint32) values[i];
	}
	return sum;
}

static const bool segment_text[SEG_NATTS] = {
	[SEG_CONVERSATION_ID] = true, [SEG_PARTICIPANT_ID] = true, [SEG_PURPOSE] = true,
	[SEG_USER_ID] = true, [SEG_CLIENT_ID] = true, [SEG_SESSION_ID] = true,
	[SEG_MEDIA_TYPE] = true, [SEG_DIRECTION] = true, [SEG_ANI] = true, [SEG_DNIS] = true,
	[SEG_PEER_ID] = true, [SEG_SEGMENT_TYPE] = true, [SEG_QUEUE_ID] = true,
	[SEG_DISCONNECT_TYPE] = true, [SEG_WRAP_UP_CODE] = true
};
static const bool metric_text[MET_NATTS] = {
	[MET_CONVERSATION_ID] = true, [MET_PARTICIPANT_ID] = true, [MET_SESSION_ID] = true,
	[MET_PURPOSE] = true, [MET_USER_ID] = true, [MET_NAME] = true
};

static volatile uint32 sink_sum;

static void
PutSegment(RowSink *sink, Datum *values, bool *nulls)
{
	sink_sum += TouchRow(values, nulls, SEG_NATTS, segment_text);
}

static void
PutMetric(RowSink *sink, Datum *values, bool *nulls)
{
	sink_sum += TouchRow(values, nulls, MET_NATTS, metric_text);
}

/* A bad conversation as import(strict => false) stores it: path, reason, JSON text. */
static void
RejectRow(JsonStream *stream, const WalkOptions *opts, json_object *conv, const WalkError *err)
{
	StringInfoData path;
	const char *raw;
	char	   *message;

	initStringInfo(&path);
	json_stream_append_path(stream, &path);
	walk_error_path(&path, err);
	message = json_text_for_message(&opts->conv, path.data, path.len);
	raw = json_object_to_json_string_ext(conv, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	sink_sum += (uint32) strlen(message) + (uint32) strlen(err->detail) + (uint32) strlen(raw);
}

static void
ReadDocument(void *arg)
{
	Input	   *in = (Input *) arg;
	WalkOptions opts;
	RowSink		sink = {in->segments ? PutSegment : NULL, in->metrics ? PutMetric : NULL};
	JsonStream *stream;
	json_object *conv;

	walk_options_init(&opts, in->segments ? attribute_names : NULL,
					  in->segments ? lengthof(attribute_names) : 0);
	stream = json_stream_open(in->data, in->len);
	while (json_stream_next(stream, &conv))
	{
		ConvSummary sum;
		WalkError	err;

		if (!walk_conversation(conv, &opts, &sink, &sum, &err))
			RejectRow(stream, &opts, conv, &err);
		else if (sum.conversation_id == NULL)
			fuzz_fail("a conversation was read without its conversationId");
	}
}

/* The second reading of anonymize(): whole documents, of a text the stream has read. */
static void
ReadWholeDocuments(void *arg)
{
	Input	   *in = (Input *) arg;
	JsonStream *stream = json_stream_open(in->data, in->len);
	json_object *doc;

	while (json_stream_next_document(stream, &doc))
		sink_sum += (uint32) json_object_get_type(doc);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	static const char *const allowed[] = {"22P02", "22023", NULL};
	static const bool modes[3][2] = {{true, false}, {false, true}, {true, true}};

	/* a text argument holds valid UTF-8 without NUL */
	if (!fuzz_valid_cstring(data, size))
		return -1;
	for (int m = 0; m < 3; m++)
	{
		Input		in = {(const char *) data, size, modes[m][0], modes[m][1]};

		if (!fuzz_call(ReadDocument, &in))
			fuzz_expect_sqlstate(allowed);
		else if (m == 2 && !fuzz_call(ReadWholeDocuments, &in))
			fuzz_fail("whole documents refused a text the stream read: %s",
					  fuzz_last_error()->message);
		fuzz_reset();
	}
	return 0;
}
