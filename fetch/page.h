/*
 * page.h
 *		One page of an asynchronous conversation details job (AnalyticsConversationAsyncQueryResponse).
 */
#ifndef GCSTITCH_FETCH_PAGE_H
#define GCSTITCH_FETCH_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Page
{
	char	   *next_cursor;	/* "cursor": where the next page starts; NULL on the last page */
	int			conversations;	/* length of "conversations" */
	int64_t		data_available; /* "dataAvailabilityDate" in ms, -1 when absent */
} Page;

/* Reads the page's shape; false with the reason in why when it is not a results page. */
extern bool page_read(const char *body, size_t len, Page *page, char *why, size_t whylen);
extern void page_free(Page *page);

#endif
