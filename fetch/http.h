/*
 * http.h
 *		One HTTP exchange with libcurl: no retries here (see genesys.c), a cap on the request rate.
 */
#ifndef GCSTITCH_FETCH_HTTP_H
#define GCSTITCH_FETCH_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>

#include "buffer.h"

typedef struct HttpRequest
{
	const char *method;			/* "GET" or "POST" */
	const char *url;
	const char *content_type;	/* of body, POST only */
	const char *body;			/* POST only */
	const char *bearer;			/* access token for "Authorization: Bearer", or NULL */
	const char *basic_user;		/* HTTP basic authentication, or NULL */
	const char *basic_password;
} HttpRequest;

typedef struct HttpResponse
{
	long		status;			/* HTTP status; 0 when no complete answer came */
	Buffer		body;
	double		retry_after;	/* seconds asked by Retry-After, -1 without the header */
	char		error[CURL_ERROR_SIZE];	/* what went wrong when status is 0 */
} HttpResponse;

typedef struct HttpClient
{
	CURL	   *curl;			/* one handle: connections are reused */
	double		min_interval;	/* seconds between two request starts (--max-rate), 0 = no cap */
	double		last_start;
	long		timeout;		/* seconds one exchange may take */
	uint64_t	bytes_received; /* response bodies, for the progress line */
	uint64_t	requests;
} HttpClient;

extern void http_init(HttpClient *client, double max_rate, long timeout);
extern void http_cleanup(HttpClient *client);
extern void http_response_init(HttpResponse *response);
extern void http_response_free(HttpResponse *response);
extern void http_perform(HttpClient *client, const HttpRequest *request, HttpResponse *response);
extern bool http_url_allowed(const char *url);

#endif
