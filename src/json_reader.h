/*
 * json_reader.h
 *		The reading steps shared by every SQL function that takes an export: parse the text into
 *		documents, iterate over its conversations, report a conversation of the wrong shape.
 */
#ifndef GCSTITCH_JSON_READER_H
#define GCSTITCH_JSON_READER_H

#include "utils/array.h"

#include "json_doc.h"
#include "json_rows.h"

/* One export being read. */
typedef struct Reader
{
	WalkOptions opts;
	MemoryContext call_cxt;		/* json-c documents live as long as this */
	MemoryContext conv_cxt;		/* reset after each conversation */
	JsonDocs   *docs;
	ConvIterator it;
} Reader;

extern void json_reader_start(Reader *reader, text *doc, ArrayType *names);
extern void json_reader_run_strict(Reader *reader, RowSink *sink);
extern void json_reader_end(Reader *reader);
extern void json_reader_report_error(Reader *reader, json_object *conv, const ConvSummary *sum,
									 const WalkError *err) pg_attribute_noreturn();

#endif							/* GCSTITCH_JSON_READER_H */
