/*
 * json_util.h
 *		Reading Genesys Cloud's JSON answers with json-c.
 */
#ifndef GCSTITCH_FETCH_JSON_UTIL_H
#define GCSTITCH_FETCH_JSON_UTIL_H

#include <stddef.h>
#include <json-c/json.h>

/* The whole text as one JSON value, or NULL when it is not exactly one valid JSON value. */
extern json_object *json_parse_exact(const char *text, size_t len);

/* The string member key of obj; NULL when obj is not an object or the member is absent or not a string. */
extern const char *json_string_member(json_object *obj, const char *key);

/* "HTTP 400: <message> (<code>)" from a Genesys error body, or "HTTP 400" when it has none. */
extern void json_error_summary(long status, const char *body, size_t len, char *out, size_t outlen);

#endif
