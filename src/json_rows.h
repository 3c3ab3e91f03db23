/*
 * json_rows.h
 *		Walk one Genesys conversation (json-c objects) into segment and metric rows.
 */
#ifndef GCSTITCH_JSON_ROWS_H
#define GCSTITCH_JSON_ROWS_H

#include "json_c.h"

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

#include "json_text.h"

/* Columns of segments_from_json, in order. */
typedef enum SegmentColumn
{
	SEG_CONVERSATION_ID, SEG_CONVERSATION_START, SEG_CONVERSATION_END, SEG_PARTICIPANT_ID,
	SEG_PURPOSE, SEG_USER_ID, SEG_CLIENT_ID, SEG_SESSION_ID, SEG_MEDIA_TYPE, SEG_DIRECTION,
	SEG_ANI, SEG_DNIS, SEG_PEER_ID, SEG_SEGMENT_NO, SEG_SEGMENT_TYPE, SEG_SEGMENT_START,
	SEG_SEGMENT_END, SEG_QUEUE_ID, SEG_DISCONNECT_TYPE, SEG_WRAP_UP_CODE,
	SEG_NATTS
} SegmentColumn;

/* Columns of metrics_from_json, in order. */
typedef enum MetricColumn
{
	MET_CONVERSATION_ID, MET_PARTICIPANT_ID, MET_SESSION_ID, MET_PURPOSE, MET_USER_ID,
	MET_NAME, MET_VALUE, MET_EMIT_DATE,
	MET_NATTS
} MetricColumn;

/* Receives rows; the arrays are reused for the next row. A NULL function skips that part. */
typedef struct RowSink RowSink;
struct RowSink
{
	void		(*segment) (RowSink *sink, Datum *values, bool *nulls);
	void		(*metric) (RowSink *sink, Datum *values, bool *nulls);
};

typedef struct WalkOptions
{
	int			nattributes;	/* participant attributes holding the client id, in order */
	char	  **attributes;		/* in UTF-8 */
	struct strset_hash *attribute_set;	/* the same names, with their rank */
	uint64		hash_seed;		/* of this call's hash sets */
	JsonTextConv conv;			/* UTF-8 strings to the database encoding */
} WalkOptions;

/* Conversation-level values (the string points into json-c: valid while the conversation is). */
typedef struct ConvSummary
{
	const char *conversation_id;	/* NULL when missing or invalid */
	int			conversation_id_len;
	Datum		conversation_id_text;	/* set once the walk has succeeded */
	bool		has_start;
	TimestampTz start;
	bool		has_end;
	TimestampTz end;
	bool		has_originating_direction;
	Datum		originating_direction;	/* text */
	bool		has_division_ids;
	Datum		division_ids;	/* text[] */
	bool		has_last_event;
	TimestampTz last_event;		/* latest date anywhere in what was read */
} ConvSummary;

/* Where a walk stopped and why. */
typedef struct WalkError
{
	int			participant;	/* indexes, -1 when not inside one */
	int			session;
	int			segment;
	int			metric;
	const char *key;			/* offending member, or NULL for the object itself */
	int			key_index;		/* element of that member, or -1 */
	const char *subkey;			/* member of that member (attributes, in UTF-8), or NULL */
	int			sqlstate;		/* 22023 for a wrong shape, 22P05 for a character the
								 * database encoding lacks */
	char	   *detail;			/* errdetail sentence, in the database encoding */
} WalkError;

extern void walk_options_init(WalkOptions *opts, char **attributes, int nattributes);
extern bool walk_conversation(json_object *conv, const WalkOptions *opts, RowSink *sink,
							  ConvSummary *summary, WalkError *err);
extern void walk_error_path(StringInfo buf, const WalkError *err);

#endif							/* GCSTITCH_JSON_ROWS_H */
