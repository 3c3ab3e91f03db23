/*
 * http.c
 *		One HTTP exchange with libcurl. Redirects are not followed (credentials must not travel
 *		to another host), only http and https are spoken, and plain http only to this machine
 *		(tests, local proxies): anywhere else credentials and tokens need TLS. Nothing is ever
 *		printed here; curl's verbose mode, which would show the Authorization header, stays off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoff.h"
#include "http.h"

/* Largest response body accepted: far above any results page. */
#define MAX_BODY ((size_t) 1 << 30)

void
http_init(HttpClient *client, double max_rate, long timeout)
{
	client->curl = curl_easy_init();
	client->min_interval = max_rate > 0 ? 1.0 / max_rate : 0;
	client->last_start = 0;
	client->timeout = timeout;
	client->bytes_received = 0;
	client->requests = 0;
}

void
http_cleanup(HttpClient *client)
{
	if (client->curl)
		curl_easy_cleanup(client->curl);
	client->curl = NULL;
}

void
http_response_init(HttpResponse *response)
{
	response->status = 0;
	buffer_init(&response->body);
	response->retry_after = -1;
	response->error[0] = '\0';
}

void
http_response_free(HttpResponse *response)
{
	buffer_free(&response->body);
}

/* True for https URLs, and for http URLs whose host is this machine. */
bool
http_url_allowed(const char *url)
{
	static const char *const local[] = {"http://127.", "http://localhost:", "http://localhost/",
	"http://[::1]"};

	if (strncasecmp(url, "https://", 8) == 0)
		return true;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strncasecmp(url, local[i], strlen(local[i])) == 0)
			return true;
	return false;
}

static size_t
OnBody(char *data, size_t size, size_t n, void *userdata)
{
	HttpResponse *response = userdata;

	if (response->body.len + size * n > MAX_BODY || !buffer_append(&response->body, data, size * n))
		return 0;				/* curl stops with a write error */
	return size * n;
}

/* Reads "Retry-After: <seconds>" or "Retry-After: <HTTP date>". */
static size_t
OnHeader(char *data, size_t size, size_t n, void *userdata)
{
	HttpResponse *response = userdata;
	size_t		len = size * n;
	char		value[128];
	char	   *end;
	double		seconds;

	if (len < 12 || len - 12 >= sizeof(value) || strncasecmp(data, "Retry-After:", 12) != 0)
		return len;
	memcpy(value, data + 12, len - 12);
	value[len - 12] = '\0';
	value[strcspn(value, "\r\n")] = '\0';
	seconds = strtod(value, &end);
	if (end == value)
	{
		time_t		when = curl_getdate(value, NULL);

		seconds = when < 0 ? 0 : difftime(when, time(NULL));
	}
	/* NaN, negative or absurd values mean "now" or "much later", never an undefined wait */
	response->retry_after = !(seconds >= 0) ? 0 : seconds > 1e6 ? 1e6 : seconds;
	return len;
}

/* Waits so that request starts are at least min_interval apart (--max-rate). */
static void
PaceRequests(HttpClient *client)
{
	double		now = monotonic_seconds();

	if (client->min_interval > 0 && client->last_start > 0 &&
		now < client->last_start + client->min_interval)
	{
		sleep_seconds(client->last_start + client->min_interval - now);
		now = monotonic_seconds();
	}
	client->last_start = now;
}

static struct curl_slist *
BuildHeaders(const HttpRequest *request)
{
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
	Buffer		line;

	if (request->content_type)
	{
		buffer_init(&line);
		buffer_append(&line, "Content-Type: ", 14);
		buffer_append(&line, request->content_type, strlen(request->content_type));
		headers = curl_slist_append(headers, line.data);
		buffer_free(&line);
	}
	if (request->bearer)
	{
		buffer_init(&line);
		buffer_append(&line, "Authorization: Bearer ", 22);
		buffer_append(&line, request->bearer, strlen(request->bearer));
		headers = curl_slist_append(headers, line.data);
		explicit_bzero(line.data, line.len);
		buffer_free(&line);
	}
	return headers;
}

static void
SetOptions(HttpClient *client, const HttpRequest *request, HttpResponse *response,
		   struct curl_slist *headers)
{
	CURL	   *c = client->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, request->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, client->timeout);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "gcstitch-fetch/" GCSTITCH_FETCH_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, response->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, response);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, response);
	if (strcmp(request->method, "POST") == 0)
	{
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, request->body ? request->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long) (request->body ? strlen(request->body) : 0));
	}
	if (request->basic_user)
	{
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, request->basic_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, request->basic_password);
	}
}

/* Performs the request; response->status is 0 when the exchange did not complete. */
void
http_perform(HttpClient *client, const HttpRequest *request, HttpResponse *response)
{
	struct curl_slist *headers = BuildHeaders(request);
	CURLcode	rc;

	buffer_reset(&response->body);
	response->status = 0;
	response->retry_after = -1;
	response->error[0] = '\0';
	PaceRequests(client);
	SetOptions(client, request, response, headers);
	rc = curl_easy_perform(client->curl);
	client->requests++;
	client->bytes_received += response->body.len;
	if (rc == CURLE_OK)
		curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE, &response->status);
	else if (response->error[0] == '\0')
		snprintf(response->error, sizeof(response->error), "%s", curl_easy_strerror(rc));
	/* The password and the token must not linger in the handle's options. */
	curl_easy_reset(client->curl);
	curl_slist_free_all(headers);
}
