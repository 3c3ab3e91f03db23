/*
 * json_util.c
 *		Reading Genesys Cloud's JSON answers with json-c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "json_util.h"

json_object *
json_parse_exact(const char *text, size_t len)
{
	json_tokener *tok;
	json_object *obj;
	size_t		end;

	if (text == NULL || memchr(text, '\0', len) != NULL)
		return NULL;
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, text, (int) len);
	end = json_tokener_get_parse_end(tok);
	if (obj != NULL && json_tokener_get_error(tok) == json_tokener_success)
	{
		while (end < len && isspace((unsigned char) text[end]))
			end++;
		if (end != len)
		{
			json_object_put(obj);
			obj = NULL;
		}
	}
	else if (obj != NULL)
	{
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

const char *
json_string_member(json_object *obj, const char *key)
{
	json_object *member;

	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
		!json_object_object_get_ex(obj, key, &member) || !json_object_is_type(member, json_type_string))
		return NULL;
	return json_object_get_string(member);
}

/* Genesys error bodies (ErrorBody) carry "message" and "code"; OAuth errors "error" and "description". */
void
json_error_summary(long status, const char *body, size_t len, char *out, size_t outlen)
{
	json_object *obj = json_parse_exact(body, len);
	const char *message = json_string_member(obj, "message");
	const char *code = json_string_member(obj, "code");

	if (message == NULL)
		message = json_string_member(obj, "error_description");
	if (message == NULL)
		message = json_string_member(obj, "description");
	if (code == NULL)
		code = json_string_member(obj, "error");
	if (message && code)
		snprintf(out, outlen, "HTTP %ld: %s (%s)", status, message, code);
	else if (message || code)
		snprintf(out, outlen, "HTTP %ld: %s", status, message ? message : code);
	else
		snprintf(out, outlen, "HTTP %ld", status);
	for (char *p = out; *p; p++)
		if ((unsigned char) *p < 0x20)
			*p = ' ';			/* the message stays on one line */
	json_object_put(obj);
}
