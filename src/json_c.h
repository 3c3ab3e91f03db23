/*
 * json_c.h
 *		Include json-c next to PostgreSQL's headers.
 *
 * json-c's typedef json_object has the name of the SQL function json_object() that
 * utils/fmgrprotos.h declares. fmgrprotos.h is included first (its guard keeps it from coming
 * back), then json-c's name is renamed for the rest of the translation unit; the symbols json-c
 * exports are functions and unaffected.
 */
#ifndef GCSTITCH_JSON_C_H
#define GCSTITCH_JSON_C_H

#include "utils/fmgrprotos.h"

#define json_object gcstitch_json_object
#include <json-c/json.h>

/* Visits the members of a JSON object in document order (json-c's own macro declares variables). */
#define foreach_member(obj, entry) \
	for (struct lh_entry *entry = lh_table_head(json_object_get_object(obj)); \
		 entry != NULL; entry = lh_entry_next(entry))

#endif							/* GCSTITCH_JSON_C_H */
