/*
 * json_rows.c
 *		Walk one conversation: check its shape and hand each segment and metric row to a sink.
 *
 * One pass over the json-c objects; each object's members are visited once (no hash look-ups
 * except for the named participant attributes). Unknown members are ignored and every string is
 * kept as it is (enums grow over time). A member with the wrong JSON type, a date that
 * iso_date_parse refuses, an end before its start, a non-integer metric value, a missing
 * conversationId, a missing segmentStart or metric name/value, a session with segments but no
 * sessionId, or a sessionId seen twice in one conversation stops the walk: it returns false with
 * the position and a sentence in *err, and the caller reports it (22023) or rejects the
 * conversation. So does a string with a character the database encoding lacks (22P05). JSON null
 * counts as absent everywhere.
 *
 * Bounded work: the time is linear in the size of the conversation (sessionIds are checked with a
 * hash set, client id attributes looked up from whichever side is smaller), and interrupts are
 * checked at every session, segment and metric.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "time_text.h"
#include "str_key.h"
#include "json_rows.h"

/* A set of strings (sessionIds, attribute names) with a rank, hashed with a per-call seed. */
typedef struct StrEntry
{
	StrKey		key;
	uint32		hash;
	int			rank;
	char		status;
} StrEntry;

#define SH_PREFIX strset
#define SH_ELEMENT_TYPE StrEntry
#define SH_KEY_TYPE StrKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) STR_KEY_HASH(tb, k)
#define SH_EQUAL(tb, a, b) STR_KEY_EQUAL(a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct Walk
{
	const WalkOptions *opts;
	RowSink    *sink;
	ConvSummary *summary;
	WalkError  *err;
	Datum		seg[SEG_NATTS];
	bool		segnull[SEG_NATTS];
	Datum		met[MET_NATTS];
	bool		metnull[MET_NATTS];
	strset_hash *session_ids;	/* seen in this conversation, or NULL before the first */
} Walk;

/* A JSON value's type, for messages. */
static const char *
JsonTypeName(json_object *v)
{
	switch (json_object_get_type(v))
	{
		case json_type_null:
			return "null";
		case json_type_boolean:
			return "a boolean";
		case json_type_double:
			return "a number with a fraction or exponent";
		case json_type_int:
			return "an integer";
		case json_type_object:
			return "an object";
		case json_type_array:
			return "an array";
		case json_type_string:
			return "a string";
	}
	return "a value";
}

/* Records the failure at the current position plus key; always returns false. */
static bool
Fail(Walk *w, const char *key, const char *fmt,...)
pg_attribute_printf(3, 4);

static bool
Fail(Walk *w, const char *key, const char *fmt,...)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	w->err->key = key;
	w->err->detail = buf.data;
	return false;
}

/* A json-c string for a message: quoted, cut at 80 bytes, in the database encoding. */
static char *
Quoted(Walk *w, const char *s, int len)
{
	return json_text_quoted(&w->opts->conv, s, len);
}

/* A text datum from a json-c string; fails (22P05) on a character the database encoding lacks. */
static bool
MakeText(Walk *w, const char *key, const char *s, int len, Datum *d)
{
	pg_wchar	missing;

	if (json_text_datum(&w->opts->conv, s, len, d, &missing))
		return true;
	Fail(w, key, "The string %s has the character U+%04X, which encoding \"%s\" cannot represent.",
		 Quoted(w, s, len), missing, GetDatabaseEncodingName());
	w->err->sqlstate = ERRCODE_UNTRANSLATABLE_CHARACTER;
	return false;
}

/* A string member (or null): checks it and sets *s, *len (s NULL for null). */
static bool
GetString(Walk *w, json_object *v, const char *key, const char **s, int *len)
{
	if (v == NULL)
	{
		*s = NULL;
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return Fail(w, key, "Expected a string, found %s.", JsonTypeName(v));
	*s = json_object_get_string(v);
	*len = json_object_get_string_len(v);
	if (memchr(*s, '\0', *len) != NULL)
		return Fail(w, key, "The string contains \\u0000, which text values cannot hold.");
	return true;
}

/* A string member (or null) as a text datum. */
static bool
TextField(Walk *w, json_object *v, const char *key, Datum *d, bool *isnull)
{
	const char *s = NULL;
	int			len = 0;

	if (!GetString(w, v, key, &s, &len))
		return false;
	*isnull = (s == NULL);
	return s == NULL || MakeText(w, key, s, len, d);
}

/* A date member (or null): *isnull for null. */
static bool
DateField(Walk *w, json_object *v, const char *key, TimestampTz *ts, bool *isnull)
{
	const char *s = NULL;
	int			len = 0;

	if (!GetString(w, v, key, &s, &len))
		return false;
	*isnull = (s == NULL);
	if (s != NULL && !iso_date_parse(s, len, ts))
		return Fail(w, key,
					"Expected an ISO-8601 date with a zone and zero-padded fields, such as \"2024-11-04T08:42:19.734Z\"; found %s.",
					Quoted(w, s, len));
	return true;
}

/* An array member (or null). */
static bool
ArrayField(Walk *w, json_object *v, const char *key)
{
	if (v != NULL && !json_object_is_type(v, json_type_array))
		return Fail(w, key, "Expected an array, found %s.", JsonTypeName(v));
	return true;
}

static inline void
NoteEvent(Walk *w, TimestampTz ts)
{
	if (!w->summary->has_last_event || ts > w->summary->last_event)
		w->summary->last_event = ts;
	w->summary->has_last_event = true;
}

/* "end before start" check; the strings are the members as written. */
static bool
CheckOrder(Walk *w, const char *end_key, TimestampTz start, TimestampTz end,
		   json_object *start_v, json_object *end_v, const char *start_key)
{
	if (end >= start)
		return true;
	return Fail(w, end_key, "%s %s is before %s %s.",
				end_key, Quoted(w, json_object_get_string(end_v), json_object_get_string_len(end_v)),
				start_key, Quoted(w, json_object_get_string(start_v), json_object_get_string_len(start_v)));
}

static bool
WalkSegment(Walk *w, json_object *seg, int index)
{
	json_object *start_v = NULL,
			   *end_v = NULL;
	TimestampTz start,
				end;
	bool		nostart = true,
				noend = true;
	Datum	   *values = w->seg;
	bool	   *nulls = w->segnull;

	CHECK_FOR_INTERRUPTS();
	w->err->segment = index;
	if (!json_object_is_type(seg, json_type_object))
		return Fail(w, NULL, "A segment must be an object, found %s.", JsonTypeName(seg));
	nulls[SEG_SEGMENT_TYPE] = nulls[SEG_QUEUE_ID] = true;
	nulls[SEG_DISCONNECT_TYPE] = nulls[SEG_WRAP_UP_CODE] = true;

	foreach_member(seg, entry)
	{
		const char *key = (const char *) lh_entry_k(entry);
		json_object *v = (json_object *) lh_entry_v(entry);
		bool		ok = true;

		switch (key[0])
		{
			case 's':
				if (strcmp(key, "segmentStart") == 0)
					ok = DateField(w, start_v = v, key, &start, &nostart);
				else if (strcmp(key, "segmentEnd") == 0)
					ok = DateField(w, end_v = v, key, &end, &noend);
				else if (strcmp(key, "segmentType") == 0)
					ok = TextField(w, v, key, &values[SEG_SEGMENT_TYPE], &nulls[SEG_SEGMENT_TYPE]);
				break;
			case 'q':
				if (strcmp(key, "queueId") == 0)
					ok = TextField(w, v, key, &values[SEG_QUEUE_ID], &nulls[SEG_QUEUE_ID]);
				break;
			case 'd':
				if (strcmp(key, "disconnectType") == 0)
					ok = TextField(w, v, key, &values[SEG_DISCONNECT_TYPE], &nulls[SEG_DISCONNECT_TYPE]);
				break;
			case 'w':
				if (strcmp(key, "wrapUpCode") == 0)
					ok = TextField(w, v, key, &values[SEG_WRAP_UP_CODE], &nulls[SEG_WRAP_UP_CODE]);
				break;
		}
		if (!ok)
			return false;
	}
	if (nostart)
		return Fail(w, "segmentStart", "A segment must have a segmentStart.");
	NoteEvent(w, start);
	if (!noend)
	{
		if (!CheckOrder(w, "segmentEnd", start, end, start_v, end_v, "segmentStart"))
			return false;
		NoteEvent(w, end);
	}
	values[SEG_SEGMENT_NO] = Int32GetDatum(index + 1);
	nulls[SEG_SEGMENT_NO] = false;
	values[SEG_SEGMENT_START] = TimestampTzGetDatum(start);
	nulls[SEG_SEGMENT_START] = false;
	values[SEG_SEGMENT_END] = TimestampTzGetDatum(end);
	nulls[SEG_SEGMENT_END] = noend;
	w->sink->segment(w->sink, values, nulls);
	return true;
}

static bool
WalkMetric(Walk *w, json_object *met, int index)
{
	json_object *name_v = NULL,
			   *value_v = NULL;
	bool		has_value = false;
	TimestampTz emit;
	bool		noemit = true;
	Datum	   *values = w->met;
	bool	   *nulls = w->metnull;

	CHECK_FOR_INTERRUPTS();
	w->err->metric = index;
	if (!json_object_is_type(met, json_type_object))
		return Fail(w, NULL, "A metric must be an object, found %s.", JsonTypeName(met));

	foreach_member(met, entry)
	{
		const char *key = (const char *) lh_entry_k(entry);
		json_object *v = (json_object *) lh_entry_v(entry);
		bool		ok = true;

		if (strcmp(key, "name") == 0)
			ok = TextField(w, name_v = v, key, &values[MET_NAME], &nulls[MET_NAME]);
		else if (strcmp(key, "value") == 0)
		{
			value_v = v;
			has_value = true;
		}
		else if (strcmp(key, "emitDate") == 0)
			ok = DateField(w, v, key, &emit, &noemit);
		if (!ok)
			return false;
	}
	if (name_v == NULL)
		return Fail(w, "name", "A metric must have a name.");
	if (!has_value || value_v == NULL)
		return Fail(w, "value", "A metric must have a value.");
	if (!json_object_is_type(value_v, json_type_int))
		return Fail(w, "value", "Expected an integer, found %s.", JsonTypeName(value_v));
	else
	{
		int64		value = json_object_get_int64(value_v);

		/* json-c saturates out-of-range integers: refuse both ends of the range */
		if (value == PG_INT64_MAX || value == PG_INT64_MIN)
			return Fail(w, "value", "The integer %s is out of range for bigint.",
						json_object_to_json_string(value_v));
		values[MET_VALUE] = Int64GetDatum(value);
		nulls[MET_VALUE] = false;
	}
	nulls[MET_EMIT_DATE] = noemit;
	if (!noemit)
	{
		values[MET_EMIT_DATE] = TimestampTzGetDatum(emit);
		NoteEvent(w, emit);
	}
	w->sink->metric(w->sink, values, nulls);
	return true;
}

/* Remembers a sessionId; false when the conversation already has it. */
static bool
NewSessionId(Walk *w, const char *id, int len)
{
	StrKey		key = {id, len};
	bool		found;

	if (w->session_ids == NULL)
		w->session_ids = strset_create(CurrentMemoryContext, 16, (void *) &w->opts->hash_seed);
	strset_insert(w->session_ids, key, &found);
	return !found;
}

/* The members of a session used after all of them are read. */
typedef struct SessionMembers
{
	const char *id;				/* sessionId, or NULL */
	int			id_len;
	json_object *segments;
	json_object *metrics;
} SessionMembers;

/* Reads one member of a session object (unknown members are skipped); false on an error. */
static bool
ReadSessionMember(Walk *w, const char *key, json_object *v, SessionMembers *sm)
{
	Datum	   *values = w->seg;
	bool	   *nulls = w->segnull;

	switch (key[0])
	{
		case 's':
			if (strcmp(key, "sessionId") == 0)
				return GetString(w, v, key, &sm->id, &sm->id_len);
			if (strcmp(key, "segments") == 0)
				return ArrayField(w, sm->segments = v, key);
			break;
		case 'm':
			if (strcmp(key, "mediaType") == 0)
				return TextField(w, v, key, &values[SEG_MEDIA_TYPE], &nulls[SEG_MEDIA_TYPE]);
			if (strcmp(key, "metrics") == 0)
				return ArrayField(w, sm->metrics = v, key);
			break;
		case 'd':
			if (strcmp(key, "direction") == 0)
				return TextField(w, v, key, &values[SEG_DIRECTION], &nulls[SEG_DIRECTION]);
			if (strcmp(key, "dnis") == 0)
				return TextField(w, v, key, &values[SEG_DNIS], &nulls[SEG_DNIS]);
			break;
		case 'a':
			if (strcmp(key, "ani") == 0)
				return TextField(w, v, key, &values[SEG_ANI], &nulls[SEG_ANI]);
			break;
		case 'p':
			if (strcmp(key, "peerId") == 0)
				return TextField(w, v, key, &values[SEG_PEER_ID], &nulls[SEG_PEER_ID]);
			break;
	}
	return true;
}

/* The sessionId column of the session's segment and metric rows; fails on a repeated sessionId. */
static bool
SetSessionId(Walk *w, const char *id, int len)
{
	Datum		sid = (Datum) 0;

	if (id != NULL)
	{
		if (!NewSessionId(w, id, len))
			return Fail(w, "sessionId", "The sessionId %s appears twice in this conversation.",
						Quoted(w, id, len));
		if (!MakeText(w, "sessionId", id, len, &sid))
			return false;
	}
	w->seg[SEG_SESSION_ID] = w->met[MET_SESSION_ID] = sid;
	w->segnull[SEG_SESSION_ID] = w->metnull[MET_SESSION_ID] = (id == NULL);
	return true;
}

static bool
WalkSegments(Walk *w, json_object *segments, bool has_session_id)
{
	size_t		n = json_object_array_length(segments);

	if (n > 0 && !has_session_id)
		return Fail(w, "sessionId", "A session with segments must have a sessionId.");
	for (size_t i = 0; i < n; i++)
		if (!WalkSegment(w, json_object_array_get_idx(segments, i), (int) i))
			return false;
	w->err->segment = -1;
	return true;
}

static bool
WalkMetrics(Walk *w, json_object *metrics)
{
	size_t		n = json_object_array_length(metrics);

	for (size_t i = 0; i < n; i++)
		if (!WalkMetric(w, json_object_array_get_idx(metrics, i), (int) i))
			return false;
	w->err->metric = -1;
	return true;
}

static bool
WalkSession(Walk *w, json_object *sess, int index)
{
	SessionMembers sm = {0};

	CHECK_FOR_INTERRUPTS();
	w->err->session = index;
	w->err->segment = w->err->metric = -1;
	if (!json_object_is_type(sess, json_type_object))
		return Fail(w, NULL, "A session must be an object, found %s.", JsonTypeName(sess));
	w->segnull[SEG_MEDIA_TYPE] = w->segnull[SEG_DIRECTION] = w->segnull[SEG_ANI] = true;
	w->segnull[SEG_DNIS] = w->segnull[SEG_PEER_ID] = true;

	foreach_member(sess, entry)
	{
		if (!ReadSessionMember(w, (const char *) lh_entry_k(entry),
							   (json_object *) lh_entry_v(entry), &sm))
			return false;
	}
	if (!SetSessionId(w, sm.id, sm.id_len))
		return false;
	if (sm.segments != NULL && w->sink->segment != NULL &&
		!WalkSegments(w, sm.segments, sm.id != NULL))
		return false;
	if (sm.metrics != NULL && w->sink->metric != NULL && !WalkMetrics(w, sm.metrics))
		return false;
	return true;
}

/*
 * Looks at the attribute of rank `rank` (value v): a non-empty string becomes the client id when
 * no better-ranked one was found, a value of the wrong type fails unless a better-ranked string
 * was found; false on failure.
 */
static bool
ConsiderAttribute(Walk *w, int rank, json_object *v, int *best)
{
	const char *s;
	int			len;

	if (rank >= *best)
		return true;
	if (!GetString(w, v, "attributes", &s, &len))
	{
		w->err->subkey = w->opts->attributes[rank];
		return false;
	}
	if (s == NULL || len == 0)
		return true;
	if (!MakeText(w, "attributes", s, len, &w->seg[SEG_CLIENT_ID]))
	{
		w->err->subkey = w->opts->attributes[rank];
		return false;
	}
	w->segnull[SEG_CLIENT_ID] = false;
	*best = rank;
	return true;
}

/*
 * The client id: the first named attribute present with a non-empty string value. Attributes of
 * a wrong type ranked before it fail; ones after it are not looked at. The names are looked up
 * in the attributes, or the attributes in the names, whichever list is shorter.
 */
static bool
ClientId(Walk *w, json_object *attributes)
{
	int			none = w->opts->nattributes;
	int			best = none,
				bad = none;
	json_object *best_v = NULL,
			   *bad_v = NULL;

	w->segnull[SEG_CLIENT_ID] = true;
	if (attributes == NULL)
		return true;
	if (w->opts->nattributes <= json_object_object_length(attributes))
	{
		for (int i = 0; i < w->opts->nattributes && best == w->opts->nattributes; i++)
		{
			json_object *v;

			if (json_object_object_get_ex(attributes, w->opts->attributes[i], &v) &&
				!ConsiderAttribute(w, i, v, &best))
				return false;
		}
		return true;
	}
	/* Members in document order: keep the best-ranked usable one and the best-ranked bad one. */
	foreach_member(attributes, entry)
	{
		const char *name = (const char *) lh_entry_k(entry);
		json_object *v = (json_object *) lh_entry_v(entry);
		StrKey		key = {name, (int) strlen(name)};
		StrEntry   *named = strset_lookup(w->opts->attribute_set, key);

		if (named == NULL || v == NULL)
			continue;
		if (!json_object_is_type(v, json_type_string) ||
			memchr(json_object_get_string(v), '\0', json_object_get_string_len(v)) != NULL)
		{
			if (named->rank < bad)
			{
				bad = named->rank;
				bad_v = v;
			}
		}
		else if (json_object_get_string_len(v) > 0 && named->rank < best)
		{
			best = named->rank;
			best_v = v;
		}
	}
	if (bad < best)
		return ConsiderAttribute(w, bad, bad_v, &none);
	return best == none || ConsiderAttribute(w, best, best_v, &none);
}

static bool
WalkParticipant(Walk *w, json_object *part, int index)
{
	json_object *sessions = NULL,
			   *attributes = NULL;
	Datum	   *values = w->seg;
	bool	   *nulls = w->segnull;

	CHECK_FOR_INTERRUPTS();
	w->err->participant = index;
	w->err->session = -1;
	if (!json_object_is_type(part, json_type_object))
		return Fail(w, NULL, "A participant must be an object, found %s.", JsonTypeName(part));
	nulls[SEG_PARTICIPANT_ID] = nulls[SEG_PURPOSE] = nulls[SEG_USER_ID] = true;

	foreach_member(part, entry)
	{
		const char *key = (const char *) lh_entry_k(entry);
		json_object *v = (json_object *) lh_entry_v(entry);
		bool		ok = true;

		switch (key[0])
		{
			case 'p':
				if (strcmp(key, "participantId") == 0)
					ok = TextField(w, v, key, &values[SEG_PARTICIPANT_ID], &nulls[SEG_PARTICIPANT_ID]);
				else if (strcmp(key, "purpose") == 0)
					ok = TextField(w, v, key, &values[SEG_PURPOSE], &nulls[SEG_PURPOSE]);
				break;
			case 'u':
				if (strcmp(key, "userId") == 0)
					ok = TextField(w, v, key, &values[SEG_USER_ID], &nulls[SEG_USER_ID]);
				break;
			case 'a':
				if (strcmp(key, "attributes") == 0)
				{
					attributes = v;
					if (v != NULL && !json_object_is_type(v, json_type_object))
						ok = Fail(w, key, "Expected an object, found %s.", JsonTypeName(v));
				}
				break;
			case 's':
				if (strcmp(key, "sessions") == 0)
					ok = ArrayField(w, sessions = v, key);
				break;
		}
		if (!ok)
			return false;
	}
	if (w->sink->segment != NULL && !ClientId(w, attributes))
		return false;
	w->met[MET_PARTICIPANT_ID] = values[SEG_PARTICIPANT_ID];
	w->metnull[MET_PARTICIPANT_ID] = nulls[SEG_PARTICIPANT_ID];
	w->met[MET_PURPOSE] = values[SEG_PURPOSE];
	w->metnull[MET_PURPOSE] = nulls[SEG_PURPOSE];
	w->met[MET_USER_ID] = values[SEG_USER_ID];
	w->metnull[MET_USER_ID] = nulls[SEG_USER_ID];

	if (sessions != NULL)
	{
		size_t		n = json_object_array_length(sessions);

		for (size_t i = 0; i < n; i++)
			if (!WalkSession(w, json_object_array_get_idx(sessions, i), (int) i))
				return false;
		w->err->session = -1;
	}
	return true;
}

/* divisionIds: an array of strings (or null), as a text[] in the summary. */
static bool
DivisionIds(Walk *w, json_object *v)
{
	size_t		n;
	Datum	   *elems;

	w->summary->has_division_ids = (v != NULL);
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_array))
		return Fail(w, "divisionIds", "Expected an array, found %s.", JsonTypeName(v));
	n = json_object_array_length(v);
	elems = palloc(sizeof(Datum) * Max(n, 1));
	for (size_t i = 0; i < n; i++)
	{
		json_object *e = json_object_array_get_idx(v, i);
		const char *s;
		int			len;

		CHECK_FOR_INTERRUPTS();
		w->err->key_index = (int) i;
		if (e == NULL)
			return Fail(w, "divisionIds", "Expected a string, found null.");
		if (!GetString(w, e, "divisionIds", &s, &len) ||
			!MakeText(w, "divisionIds", s, len, &elems[i]))
			return false;
	}
	w->err->key_index = -1;
	w->summary->division_ids =
		PointerGetDatum(construct_array(elems, (int) n, TEXTOID, -1, false, TYPALIGN_INT));
	return true;
}

/* Reads one member of a conversation object (unknown members are skipped); false on an error. */
static bool
ReadConversationMember(Walk *w, const char *key, json_object *v, json_object **participants,
					   json_object **start_v, json_object **end_v)
{
	ConvSummary *sum = w->summary;
	const char *s;
	int			len;
	bool		ok = true;
	bool		isnull;

	if (strcmp(key, "conversationId") == 0)
	{
		ok = GetString(w, v, key, &s, &len);
		if (ok && (s == NULL || len == 0))
			ok = Fail(w, key, "The conversationId must be a non-empty string.");
		if (ok)
		{
			sum->conversation_id = s;
			sum->conversation_id_len = len;
		}
	}
	else if (strcmp(key, "conversationStart") == 0)
	{
		ok = DateField(w, *start_v = v, key, &sum->start, &isnull);
		sum->has_start = ok && !isnull;
	}
	else if (strcmp(key, "conversationEnd") == 0)
	{
		ok = DateField(w, *end_v = v, key, &sum->end, &isnull);
		sum->has_end = ok && !isnull;
	}
	else if (strcmp(key, "originatingDirection") == 0)
	{
		ok = GetString(w, v, key, &s, &len);
		sum->has_originating_direction = ok && s != NULL;
		if (sum->has_originating_direction)
			ok = MakeText(w, key, s, len, &sum->originating_direction);
	}
	else if (strcmp(key, "divisionIds") == 0)
		ok = DivisionIds(w, v);
	else if (strcmp(key, "participants") == 0)
		ok = ArrayField(w, *participants = v, key);
	return ok;
}

/* The conversation-level columns every segment and metric row of the conversation shares. */
static bool
SetConversationColumns(Walk *w)
{
	ConvSummary *sum = w->summary;

	if (!MakeText(w, "conversationId", sum->conversation_id, sum->conversation_id_len,
				  &sum->conversation_id_text))
		return false;
	w->seg[SEG_CONVERSATION_ID] = w->met[MET_CONVERSATION_ID] = sum->conversation_id_text;
	w->segnull[SEG_CONVERSATION_ID] = w->metnull[MET_CONVERSATION_ID] = false;
	w->seg[SEG_CONVERSATION_START] = TimestampTzGetDatum(sum->start);
	w->segnull[SEG_CONVERSATION_START] = !sum->has_start;
	w->seg[SEG_CONVERSATION_END] = TimestampTzGetDatum(sum->end);
	w->segnull[SEG_CONVERSATION_END] = !sum->has_end;
	return true;
}

/*
 * Walks one conversation. Rows go to the sink as they are found; on false, *err says where and
 * why, and the rows already given belong to a bad conversation (the caller drops them).
 */
bool
walk_conversation(json_object *conv, const WalkOptions *opts, RowSink *sink,
				  ConvSummary *summary, WalkError *err)
{
	Walk		w;
	json_object *participants = NULL,
			   *start_v = NULL,
			   *end_v = NULL;
	ConvSummary *sum = summary;

	memset(&w, 0, sizeof(w));
	memset(summary, 0, sizeof(ConvSummary));
	memset(err, 0, sizeof(WalkError));
	err->participant = err->session = err->segment = err->metric = err->key_index = -1;
	err->sqlstate = ERRCODE_INVALID_PARAMETER_VALUE;
	w.opts = opts;
	w.sink = sink;
	w.summary = summary;
	w.err = err;

	if (!json_object_is_type(conv, json_type_object))
		return Fail(&w, NULL, "A conversation must be an object, found %s.", JsonTypeName(conv));

	foreach_member(conv, entry)
	{
		if (!ReadConversationMember(&w, (const char *) lh_entry_k(entry),
									(json_object *) lh_entry_v(entry), &participants, &start_v, &end_v))
			return false;
	}
	if (sum->conversation_id == NULL)
		return Fail(&w, "conversationId", "A conversation must have a conversationId.");
	if (sum->has_start && sum->has_end &&
		!CheckOrder(&w, "conversationEnd", sum->start, sum->end, start_v, end_v, "conversationStart"))
		return false;
	if (sum->has_start)
		NoteEvent(&w, sum->start);
	if (sum->has_end)
		NoteEvent(&w, sum->end);

	if (!SetConversationColumns(&w))
		return false;

	if (participants != NULL)
	{
		size_t		n = json_object_array_length(participants);

		for (size_t i = 0; i < n; i++)
			if (!WalkParticipant(&w, json_object_array_get_idx(participants, i), (int) i))
				return false;
	}
	return true;
}

/* Appends the path of err below its conversation, e.g. ".participants[1].sessions[0].segmentStart". */
void
walk_error_path(StringInfo buf, const WalkError *err)
{
	if (err->participant >= 0)
		appendStringInfo(buf, ".participants[%d]", err->participant);
	if (err->session >= 0)
		appendStringInfo(buf, ".sessions[%d]", err->session);
	if (err->segment >= 0)
		appendStringInfo(buf, ".segments[%d]", err->segment);
	if (err->metric >= 0)
		appendStringInfo(buf, ".metrics[%d]", err->metric);
	if (err->key != NULL)
		appendStringInfo(buf, ".%s", err->key);
	if (err->key_index >= 0)
		appendStringInfo(buf, "[%d]", err->key_index);
	if (err->subkey != NULL)
		appendStringInfo(buf, ".\"%s\"", err->subkey);
}

/* Options for walks: the client id attribute names (UTF-8, in order of preference). */
void
walk_options_init(WalkOptions *opts, char **attributes, int nattributes)
{
	memset(opts, 0, sizeof(WalkOptions));
	json_text_conv_init(&opts->conv);
	opts->hash_seed = pg_prng_uint64(&pg_global_prng_state);
	opts->attributes = attributes;
	opts->nattributes = nattributes;
	opts->attribute_set = strset_create(CurrentMemoryContext, Max(nattributes, 1),
										(void *) &opts->hash_seed);
	for (int i = 0; i < nattributes; i++)
	{
		StrKey		key = {attributes[i], (int) strlen(attributes[i])};
		bool		found;
		StrEntry   *entry = strset_insert(opts->attribute_set, key, &found);

		if (!found)
			entry->rank = i;
	}
}
