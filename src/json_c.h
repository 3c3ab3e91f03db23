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

#endif							/* GCSTITCH_JSON_C_H */
