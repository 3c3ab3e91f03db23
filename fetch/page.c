/*
 * page.c
 *		One page of an asynchronous conversation details job. Documented shape (SDK model
 *		AnalyticsConversationAsyncQueryResponse): {"conversations": [...], "cursor": "...",
 *		"dataAvailabilityDate": "..."}, every member optional; no cursor on the last page.
 *		The page is checked here before it goes to gcstitch.import(): a page cut short in transit
 *		is not valid JSON, and is asked for again rather than failing the import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "json_util.h"
#include "page.h"

/* Reads the members that steer the fetch; false with the reason when one has the wrong type. */
static bool
ReadMembers(json_object *obj, Page *page, char *why, size_t whylen)
{
	json_object *member;
	const char *cursor = json_string_member(obj, "cursor");
	const char *available = json_string_member(obj, "dataAvailabilityDate");

	if (json_object_object_get_ex(obj, "conversations", &member) && member != NULL)
	{
		if (!json_object_is_type(member, json_type_array))
		{
			snprintf(why, whylen, "\"conversations\" is not an array");
			return false;
		}
		page->conversations = (int) json_object_array_length(member);
	}
	if (json_object_object_get_ex(obj, "cursor", &member) && member != NULL && cursor == NULL)
	{
		snprintf(why, whylen, "\"cursor\" is not a string");
		return false;
	}
	if (available && !isotime_parse(available, &page->data_available))
	{
		snprintf(why, whylen, "\"dataAvailabilityDate\" is not an ISO-8601 instant");
		return false;
	}
	page->next_cursor = cursor && *cursor ? strdup(cursor) : NULL;
	return true;
}

bool
page_read(const char *body, size_t len, Page *page, char *why, size_t whylen)
{
	json_object *obj = json_parse_exact(body, len);
	bool		ok;

	page->next_cursor = NULL;
	page->conversations = 0;
	page->data_available = -1;
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
	{
		snprintf(why, whylen, obj ? "not a JSON object" : "not valid JSON (cut short?)");
		json_object_put(obj);
		return false;
	}
	ok = ReadMembers(obj, page, why, whylen);
	json_object_put(obj);
	return ok;
}

void
page_free(Page *page)
{
	free(page->next_cursor);
	page->next_cursor = NULL;
}
