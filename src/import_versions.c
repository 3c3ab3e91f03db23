/*
 * import_versions.c
 *		The newest version of each conversation of one export text, for import().
 *
 * A text may hold several versions of one conversation (overlapping pages, NDJSON of several
 * exports). import() stores only the newest of them: ended beats active, then the later
 * conversationEnd, then the later last_event_at (NULLs lowest), and on a full tie the later one in
 * the text. The set remembers, per conversationId, the ordinal and version of the newest seen so
 * far, and lists the ordinals that a newer or later version supersedes. Memory: one entry per
 * distinct conversationId (its bytes copied) and one int per superseded version, in the context
 * current at versions_create.
 */
#include "postgres.h"


#include "import_versions.h"
#include "str_key.h"

typedef struct VersionEntry
{
	StrKey		key;
	uint32		hash;
	char		status;
	int			ordinal;
	ConvVersion version;
} VersionEntry;

#define SH_PREFIX idver
#define SH_ELEMENT_TYPE VersionEntry
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

struct VersionSet
{
	idver_hash *hash;
	uint64		seed;			/* per call: colliding ids cannot be chosen in advance */
	int		   *superseded;
	int			nsuperseded;
	int			capacity;
};

/* Compares two versions: ended first, then conversationEnd, then last_event_at; NULL lowest. */
static int
CompareVersions(const ConvVersion *a, const ConvVersion *b)
{
	if (a->has_end != b->has_end)
		return a->has_end ? 1 : -1;
	if (a->has_end && a->end != b->end)
		return a->end > b->end ? 1 : -1;
	if (a->has_last_event != b->has_last_event)
		return a->has_last_event ? 1 : -1;
	if (a->has_last_event && a->last_event != b->last_event)
		return a->last_event > b->last_event ? 1 : -1;
	return 0;
}

static void
AddSuperseded(VersionSet *set, int ordinal)
{
	if (set->nsuperseded == set->capacity)
	{
		set->capacity = Max(64, set->capacity * 2);
		set->superseded = set->superseded == NULL ?
			MemoryContextAlloc(set->hash->ctx, sizeof(int) * set->capacity) :
			repalloc(set->superseded, sizeof(int) * set->capacity);
	}
	set->superseded[set->nsuperseded++] = ordinal;
}

static int
CompareOrdinals(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return (x > y) - (x < y);
}

/* An empty set; hash_seed keys its hash table. */
VersionSet *
versions_create(uint64 hash_seed)
{
	VersionSet *set = palloc0(sizeof(VersionSet));

	set->seed = hash_seed;
	set->hash = idver_create(CurrentMemoryContext, 256, &set->seed);
	return set;
}

/* Records the version at ordinal (ordinals ascending) of the conversation with this id. */
void
versions_add(VersionSet *set, const char *id, int len, int ordinal, const ConvVersion *version)
{
	StrKey		key = {id, len};
	bool		found;
	VersionEntry *entry = idver_insert(set->hash, key, &found);

	if (!found)
	{
		char	   *copy = MemoryContextAlloc(set->hash->ctx, len);

		memcpy(copy, id, len);
		entry->key.s = copy;
		entry->key.len = len;
	}
	else if (CompareVersions(version, &entry->version) < 0)
	{
		/* an earlier one in the text is newer: this one is superseded */
		AddSuperseded(set, ordinal);
		return;
	}
	else
		AddSuperseded(set, entry->ordinal);
	entry->ordinal = ordinal;
	entry->version = *version;
}

/* The ordinals superseded by a newer or later version, ascending; *n of them. */
int *
versions_superseded(VersionSet *set, int *n)
{
	if (set->nsuperseded > 1)
		qsort(set->superseded, set->nsuperseded, sizeof(int), CompareOrdinals);
	*n = set->nsuperseded;
	return set->superseded;
}
