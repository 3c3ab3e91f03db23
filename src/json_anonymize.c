/*
 * json_anonymize.c
 *		anonymize(): a Genesys Cloud export that can leave the building. Identifiers become keyed
 *		hashes, phone numbers and addresses are masked, names and free text are dropped; timings,
 *		types, metrics and structure are kept, so stitching and the views give the same figures.
 *
 * The text is first read and checked exactly as import() reads it (json_reader.c: the same
 * streaming reader, the same errors), then read again one whole document at a time
 * (json_stream_next_document: a page keeps its own members; memory: one document in json-c) and
 * each is rebuilt from an allow-list: a member that no rule below names is dropped whatever it
 * holds, so a field Genesys adds later cannot leak. The rules:
 * - HASH: a string becomes the first 16 bytes of HMAC-SHA256(secret, string), written as a UUID,
 *   so one id maps to one id in every page and day anonymized with the same secret (a peerId still
 *   names its session); anonymize_id() gives the same mapping for ids kept in other tables.
 * - MASK: phone numbers and addresses keep their scheme ("tel:") and punctuation; every letter and
 *   digit is replaced by one drawn from the keyed hash of the whole value (same value, same mask).
 * - DATE: shifted by whole days (exact multiples of 24 hours), written in UTC with milliseconds.
 * - KEEP: strings, numbers and booleans as they are (types, directions, metric names and values).
 * - CLIENT_ID: participant attributes named in client_id_attributes, hashed; every other
 *   attribute (participant data: free text) is dropped.
 * An empty string stays empty (an empty client id means "none"; hashing it would create one).
 * Strings are hashed as UTF-8 with the secret's UTF-8 bytes as key, whatever the database encoding.
 */
#include "postgres.h"

#include "common/hmac.h"
#include "common/int.h"
#include "common/sha2.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "time_text.h"
#include "json_reader.h"

typedef enum MemberRule
{
	RULE_KEEP,
	RULE_HASH,
	RULE_HASH_EACH,				/* an array of strings, each hashed */
	RULE_DATE,
	RULE_MASK,
	RULE_MASK_EACH,				/* an array of strings, each masked */
	RULE_CLIENT_ID,
	RULE_OBJECTS				/* an array of objects, each rebuilt with its own rules */
} MemberRule;

struct LevelSpec;

typedef struct MemberSpec
{
	const char *name;
	MemberRule	rule;
	const struct LevelSpec *level;	/* RULE_OBJECTS: the rules of the elements */
} MemberSpec;

/* The members kept at one level of the export. */
typedef struct LevelSpec
{
	const MemberSpec *members;
	int			nmembers;
} LevelSpec;

#define LEVEL(members) {members, lengthof(members)}

static const MemberSpec metric_members[] = {
	{"name", RULE_KEEP}, {"value", RULE_KEEP}, {"emitDate", RULE_DATE},
};
static const LevelSpec metric_level = LEVEL(metric_members);

static const MemberSpec segment_members[] = {
	{"segmentStart", RULE_DATE}, {"segmentEnd", RULE_DATE}, {"segmentType", RULE_KEEP},
	{"queueId", RULE_HASH}, {"disconnectType", RULE_KEEP}, {"wrapUpCode", RULE_HASH},
	{"conference", RULE_KEEP}, {"errorCode", RULE_KEEP}, {"groupId", RULE_HASH},
	{"sourceConversationId", RULE_HASH}, {"destinationConversationId", RULE_HASH},
	{"sourceSessionId", RULE_HASH}, {"destinationSessionId", RULE_HASH},
	{"requestedRoutingUserIds", RULE_HASH_EACH}, {"requestedRoutingSkillIds", RULE_HASH_EACH},
	{"requestedLanguageId", RULE_HASH},
};
static const LevelSpec segment_level = LEVEL(segment_members);

static const MemberSpec session_members[] = {
	{"sessionId", RULE_HASH}, {"mediaType", RULE_KEEP}, {"direction", RULE_KEEP},
	{"ani", RULE_MASK}, {"dnis", RULE_MASK}, {"peerId", RULE_HASH}, {"edgeId", RULE_HASH},
	{"protocolCallId", RULE_HASH}, {"addressFrom", RULE_MASK}, {"addressTo", RULE_MASK},
	{"addressOther", RULE_MASK}, {"addressSelf", RULE_MASK}, {"callbackNumbers", RULE_MASK_EACH},
	{"outboundCampaignId", RULE_HASH}, {"outboundContactId", RULE_HASH},
	{"outboundContactListId", RULE_HASH}, {"scriptId", RULE_HASH}, {"selectedAgentId", RULE_HASH},
	{"recording", RULE_KEEP},
	{"segments", RULE_OBJECTS, &segment_level}, {"metrics", RULE_OBJECTS, &metric_level},
};
static const LevelSpec session_level = LEVEL(session_members);

static const MemberSpec participant_members[] = {
	{"participantId", RULE_HASH}, {"purpose", RULE_KEEP}, {"userId", RULE_HASH},
	{"externalContactId", RULE_HASH}, {"externalOrganizationId", RULE_HASH},
	{"teamId", RULE_HASH}, {"attributes", RULE_CLIENT_ID},
	{"sessions", RULE_OBJECTS, &session_level},
};
static const LevelSpec participant_level = LEVEL(participant_members);

static const MemberSpec conversation_members[] = {
	{"conversationId", RULE_HASH}, {"conversationStart", RULE_DATE}, {"conversationEnd", RULE_DATE},
	{"originatingDirection", RULE_KEEP}, {"divisionIds", RULE_HASH_EACH},
	{"conversationInitiator", RULE_KEEP}, {"customerParticipation", RULE_KEEP},
	{"mediaStatsMinConversationMos", RULE_KEEP}, {"mediaStatsMinConversationRFactor", RULE_KEEP},
	{"participants", RULE_OBJECTS, &participant_level},
};
static const LevelSpec conversation_level = LEVEL(conversation_members);

static const MemberSpec page_members[] = {
	{"conversations", RULE_OBJECTS, &conversation_level}, {"totalHits", RULE_KEEP},
	{"cursor", RULE_HASH}, {"dataAvailabilityDate", RULE_DATE},
};
static const LevelSpec page_level = LEVEL(page_members);

typedef struct Anonymizer
{
	pg_hmac_ctx *hmac;
	uint8	   *key;			/* the secret in UTF-8 */
	size_t		keylen;
	int64		shift_us;
	int32		shift_days;
	const WalkOptions *opts;	/* the client id attribute names */
	json_object *root;			/* the document being built; the reset callback puts it */
} Anonymizer;

static void
OutOfMemory(void)
{
	ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* Reset callback: releases a document left half-built by an error. */
static void
ReleaseRoot(void *arg)
{
	Anonymizer *a = (Anonymizer *) arg;

	if (a->root != NULL)
		json_object_put(a->root);
	a->root = NULL;
}

/* HMAC-SHA256(secret, data) into out. */
static void
KeyedHash(Anonymizer *a, const uint8 *data, size_t len, uint8 out[PG_SHA256_DIGEST_LENGTH])
{
	if (pg_hmac_init(a->hmac, a->key, a->keylen) < 0 ||
		pg_hmac_update(a->hmac, data, len) < 0 ||
		pg_hmac_final(a->hmac, out, PG_SHA256_DIGEST_LENGTH) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute HMAC-SHA256: %s", pg_hmac_error(a->hmac))));
}

/* The hashed id of s as a UUID-shaped string in buf (37 bytes). */
static void
HashedId(Anonymizer *a, const char *s, size_t len, char *buf)
{
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	static const char hex[] = "0123456789abcdef";
	int			n = 0;

	KeyedHash(a, (const uint8 *) s, len, digest);
	for (int i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[n++] = '-';
		buf[n++] = hex[digest[i] >> 4];
		buf[n++] = hex[digest[i] & 15];
	}
	buf[n] = '\0';
}

static json_object *
NewString(const char *s, int len)
{
	json_object *v = json_object_new_string_len(s, len);

	if (v == NULL)
		OutOfMemory();
	return v;
}

static json_object *
HashedString(Anonymizer *a, json_object *v)
{
	char		buf[37];

	if (json_object_get_string_len(v) == 0)
		return NewString("", 0);
	HashedId(a, json_object_get_string(v), json_object_get_string_len(v), buf);
	return NewString(buf, 36);
}

/* Length of a leading URI scheme with its colon ("tel:", "sip:"), 0 when there is none. */
static int
SchemeLength(const char *s, int len)
{
	for (int i = 0; i < len && i <= 10; i++)
	{
		char		c = s[i];

		if (c == ':')
			return i + 1;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			return 0;
	}
	return 0;
}

/* s with every letter and digit after its scheme replaced by a keyed one of the same kind. */
static json_object *
MaskedString(Anonymizer *a, json_object *v)
{
	const char *s = json_object_get_string(v);
	int			len = json_object_get_string_len(v);
	int			scheme = SchemeLength(s, len);
	uint8		block[PG_SHA256_DIGEST_LENGTH];
	int			used = 0;
	char	   *out = palloc(len + 1);
	int			n = scheme;
	json_object *result;

	memcpy(out, s, scheme);
	KeyedHash(a, (const uint8 *) s, len, block);
	for (int i = scheme; i < len;)
	{
		unsigned char c = (unsigned char) s[i];
		int			clen = (c < 0x80) ? 1 : Min(pg_utf_mblen((const unsigned char *) s + i), len - i);
		bool		digit = (c >= '0' && c <= '9');
		bool		upper = (c >= 'A' && c <= 'Z');

		i += clen;
		if (!digit && !upper && !(c >= 'a' && c <= 'z') && c < 0x80)
		{
			out[n++] = (char) c;	/* punctuation: + - . @ ; = and so on */
			continue;
		}
		if (used == PG_SHA256_DIGEST_LENGTH)
		{
			/* a longer value: the next block is the hash of the last one */
			KeyedHash(a, block, PG_SHA256_DIGEST_LENGTH, block);
			used = 0;
		}
		if (digit)
			out[n++] = (char) ('0' + block[used++] % 10);
		else
			out[n++] = (char) ((upper ? 'A' : 'a') + block[used++] % 26);
	}
	result = NewString(out, n);
	pfree(out);
	return result;
}

/* A date shifted by whole days; NULL (dropped) for a member that import() never reads as a date. */
static json_object *
ShiftedDate(Anonymizer *a, json_object *v)
{
	const char *s = json_object_get_string(v);
	int			len = json_object_get_string_len(v);
	TimestampTz ts;
	char		buf[ISO_DATE_BUFSIZE];

	if (!iso_date_parse(s, len, &ts))
		return NULL;
	if (pg_add_s64_overflow(ts, a->shift_us, &ts) || !iso_date_format(ts, buf))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date \"%.*s\" shifted by %d days is out of range", len, s, a->shift_days),
				 errdetail("Shifted dates must stay within the years 1 to 9999.")));
	return NewString(buf, strlen(buf));
}

/* A string, number or boolean, shared with the input; objects and arrays are dropped. */
static json_object *
KeptScalar(json_object *v)
{
	if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
		return NULL;
	return json_object_get(v);
}

static void
AddMember(json_object *obj, const char *key, json_object *value)
{
	if (json_object_object_add(obj, key, value) != 0)
	{
		json_object_put(value);
		OutOfMemory();
	}
}

static void
AddElement(json_object *array, json_object *value)
{
	if (json_object_array_add(array, value) != 0)
	{
		json_object_put(value);
		OutOfMemory();
	}
}

static json_object *
NewContainer(bool array)
{
	json_object *v = array ? json_object_new_array() : json_object_new_object();

	if (v == NULL)
		OutOfMemory();
	return v;
}

/* The value of a string rule applied to one string; NULL drops it. */
static json_object *
StringRule(Anonymizer *a, MemberRule rule, json_object *v)
{
	if (!json_object_is_type(v, json_type_string))
		return NULL;
	switch (rule)
	{
		case RULE_HASH:
		case RULE_HASH_EACH:
			return HashedString(a, v);
		case RULE_MASK:
		case RULE_MASK_EACH:
			return json_object_get_string_len(v) == 0 ? NewString("", 0) : MaskedString(a, v);
		case RULE_DATE:
			return ShiftedDate(a, v);
		default:
			elog(ERROR, "unexpected anonymize rule %d", (int) rule);
	}
	return NULL;
}

static void FillObject(Anonymizer *a, json_object *out, json_object *in, const LevelSpec *level);

/* Each object element of in, rebuilt with level's rules, appended to out. */
static void
FillObjects(Anonymizer *a, json_object *out, json_object *in, const LevelSpec *level)
{
	size_t		n = json_object_array_length(in);

	for (size_t i = 0; i < n; i++)
	{
		json_object *element = json_object_array_get_idx(in, i);
		json_object *rebuilt;

		CHECK_FOR_INTERRUPTS();
		if (!json_object_is_type(element, json_type_object))
			continue;
		rebuilt = NewContainer(false);
		AddElement(out, rebuilt);	/* reachable from the root before it is filled */
		FillObject(a, rebuilt, element, level);
	}
}

/* Each string of in with rule applied, appended to out. */
static void
FillStrings(Anonymizer *a, json_object *out, json_object *in, MemberRule rule)
{
	size_t		n = json_object_array_length(in);

	for (size_t i = 0; i < n; i++)
	{
		json_object *value = StringRule(a, rule, json_object_array_get_idx(in, i));

		if (value != NULL)
			AddElement(out, value);
	}
}

static bool
IsClientIdAttribute(Anonymizer *a, const char *name)
{
	for (int i = 0; i < a->opts->nattributes; i++)
		if (strcmp(a->opts->attributes[i], name) == 0)
			return true;
	return false;
}

/* The client id attributes of in, hashed, into out. */
static void
FillClientIds(Anonymizer *a, json_object *out, json_object *in)
{
	foreach_member(in, entry)
	{
		const char *name = (const char *) lh_entry_k(entry);
		json_object *value = (json_object *) lh_entry_v(entry);

		if (value != NULL && json_object_is_type(value, json_type_string) &&
			IsClientIdAttribute(a, name))
			AddMember(out, name, HashedString(a, value));
	}
}

static const MemberSpec *
FindMember(const LevelSpec *level, const char *name)
{
	for (int i = 0; i < level->nmembers; i++)
		if (strcmp(level->members[i].name, name) == 0)
			return &level->members[i];
	return NULL;
}

/* The members of in that level lists, with their rules applied, into out (in input order). */
static void
FillObject(Anonymizer *a, json_object *out, json_object *in, const LevelSpec *level)
{
	foreach_member(in, entry)
	{
		const char *key = (const char *) lh_entry_k(entry);
		json_object *value = (json_object *) lh_entry_v(entry);
		const MemberSpec *spec = FindMember(level, key);
		json_object *rebuilt;

		if (spec == NULL || value == NULL)
			continue;
		switch (spec->rule)
		{
			case RULE_KEEP:
				rebuilt = KeptScalar(value);
				if (rebuilt != NULL)
					AddMember(out, key, rebuilt);
				break;
			case RULE_HASH:
			case RULE_DATE:
			case RULE_MASK:
				rebuilt = StringRule(a, spec->rule, value);
				if (rebuilt != NULL)
					AddMember(out, key, rebuilt);
				break;
			case RULE_HASH_EACH:
			case RULE_MASK_EACH:
			case RULE_OBJECTS:
				if (!json_object_is_type(value, json_type_array))
					break;
				AddMember(out, key, rebuilt = NewContainer(true));
				if (spec->rule == RULE_OBJECTS)
					FillObjects(a, rebuilt, value, spec->level);
				else
					FillStrings(a, rebuilt, value, spec->rule);
				break;
			case RULE_CLIENT_ID:
				if (!json_object_is_type(value, json_type_object))
					break;
				AddMember(out, key, rebuilt = NewContainer(false));
				FillClientIds(a, rebuilt, value);
				if (json_object_object_length(rebuilt) == 0)
					json_object_object_del(out, key);
				break;
		}
	}
}

/* One document, rebuilt: a bare array, a page, or one conversation (as json_doc.c tells them). */
static void
BuildDocument(Anonymizer *a, json_object *doc)
{
	if (json_object_is_type(doc, json_type_array))
	{
		a->root = NewContainer(true);
		FillObjects(a, a->root, doc, &conversation_level);
		return;
	}
	a->root = NewContainer(false);
	if (!json_object_object_get_ex(doc, "conversations", NULL) &&
		json_object_object_get_ex(doc, "conversationId", NULL))
	{
		FillObject(a, a->root, doc, &conversation_level);
		return;
	}
	FillObject(a, a->root, doc, &page_level);
	/* a page must still read as one: an empty list of conversations when nothing says so */
	if (json_object_object_length(a->root) == 0)
		AddMember(a->root, "conversations", NewContainer(true));
}

static void
NoRow(RowSink *sink, Datum *values, bool *nulls)
{
}

static void
CheckArguments(text *secret, int32 shift_days)
{
	if (VARSIZE_ANY_EXHDR(secret) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("secret must not be empty"),
				 errhint("Use a long random text, e.g. from gen_random_uuid() or openssl rand -hex 32, and keep it out of the test repository.")));
	if (shift_days < -3660000 || shift_days > 3660000)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("shift_days %d is out of range", shift_days),
				 errdetail("Shifted dates must stay within the years 1 to 9999.")));
}

/* A keyed hash with secret, allocated in the current context; opts names the client id attributes. */
static Anonymizer *
AnonymizerCreate(text *secret, int32 shift_days, const WalkOptions *opts)
{
	char	   *key = text_to_cstring(secret);
	Anonymizer *a = palloc0(sizeof(Anonymizer));

	a->key = (uint8 *) pg_server_to_any(key, strlen(key), PG_UTF8);
	a->keylen = strlen((char *) a->key);
	a->shift_days = shift_days;
	a->shift_us = (int64) shift_days * USECS_PER_DAY;
	a->opts = opts;
	a->hmac = pg_hmac_create(PG_SHA256);
	if (a->hmac == NULL)
		OutOfMemory();
	return a;
}

/* Documents are built under a: an error puts the one half-built when the current context goes. */
static void
ReleaseRootOnReset(Anonymizer *a)
{
	MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));

	cb->func = ReleaseRoot;
	cb->arg = a;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
}

static void
AnonymizerFree(Anonymizer *a)
{
	pg_hmac_free(a->hmac);
	a->hmac = NULL;
}

/*
 * anonymize(doc text, secret text, shift_days int, client_id_attributes text[]) RETURNS text:
 * every document of doc rebuilt by the rules above, one a line (NDJSON when there are several).
 */
PG_FUNCTION_INFO_V1(gcstitch_anonymize);
Datum
gcstitch_anonymize(PG_FUNCTION_ARGS)
{
	text	   *secret = PG_GETARG_TEXT_PP(1);
	int32		shift_days = PG_GETARG_INT32(2);
	RowSink		check = {NoRow, NoRow};
	Reader		reader;
	JsonStream *documents;
	json_object *doc;
	Anonymizer *a;
	StringInfoData out;
	MemoryContext old;
	char	   *result;

	CheckArguments(secret, shift_days);
	initStringInfo(&out);
	json_reader_start(&reader, PG_GETARG_TEXT_PP(0), PG_GETARG_ARRAYTYPE_P(3));
	json_reader_run_strict(&reader, &check);	/* the errors import() would raise */

	old = MemoryContextSwitchTo(reader.call_cxt);
	a = AnonymizerCreate(secret, shift_days, &reader.opts);
	ReleaseRootOnReset(a);
	documents = json_stream_open(reader.utf8, reader.utf8_len);
	for (int i = 0; json_stream_next_document(documents, &doc); i++)
	{
		BuildDocument(a, doc);
		if (i > 0)
			appendStringInfoChar(&out, '\n');
		appendStringInfoString(&out, json_object_to_json_string_ext(a->root, JSON_C_TO_STRING_PLAIN |
																	JSON_C_TO_STRING_NOSLASHESCAPE));
		ReleaseRoot(a);
	}
	AnonymizerFree(a);
	MemoryContextSwitchTo(old);
	json_reader_end(&reader);

	result = reader.opts.conv.convert ? pg_any_to_server(out.data, out.len, PG_UTF8) : out.data;
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/* anonymize_id(id text, secret text) RETURNS text: the id anonymize() writes for id. */
PG_FUNCTION_INFO_V1(gcstitch_anonymize_id);
Datum
gcstitch_anonymize_id(PG_FUNCTION_ARGS)
{
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *secret = PG_GETARG_TEXT_PP(1);
	char	   *utf8;
	char		buf[37];
	Anonymizer *a;

	CheckArguments(secret, 0);
	if (id[0] == '\0')
		PG_RETURN_TEXT_P(cstring_to_text(""));
	utf8 = pg_server_to_any(id, strlen(id), PG_UTF8);
	a = AnonymizerCreate(secret, 0, NULL);
	HashedId(a, utf8, strlen(utf8), buf);
	AnonymizerFree(a);
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}
