/*
 * import_versions.h
 *		The newest version of each conversation of one export text, for import().
 */
#ifndef GCSTITCH_IMPORT_VERSIONS_H
#define GCSTITCH_IMPORT_VERSIONS_H

#include "datatype/timestamp.h"

/* What decides which version of a conversation is newer: ended, conversationEnd, last_event_at. */
typedef struct ConvVersion
{
	bool		has_end;
	TimestampTz end;
	bool		has_last_event;
	TimestampTz last_event;
} ConvVersion;

typedef struct VersionSet VersionSet;

extern VersionSet *versions_create(uint64 hash_seed);
extern void versions_add(VersionSet *set, const char *id, int len, int ordinal,
						 const ConvVersion *version);
extern int *versions_superseded(VersionSet *set, int *n);

#endif							/* GCSTITCH_IMPORT_VERSIONS_H */
