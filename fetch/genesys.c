/*
 * genesys.c
 *		The Genesys Cloud calls of gcstitch-fetch, and what to do when one fails:
 *		- no answer (connection refused, reset, cut short, timeout) and 5xx: retried with capped
 *		  exponential backoff and jitter (backoff.c), at most --max-retries times;
 *		- 429: retried after the time its Retry-After header asks (backoff when it has none);
 *		- 401: the access token is renewed once and the request sent again;
 *		- any other answer goes back to the caller.
 * Shapes followed (Genesys Cloud platform API v2, SDK models of PureCloudPlatformClientV2
 * 255-270): the job request is an AsyncConversationQuery, its answer an AsyncQueryResponse
 * ({"jobId"}), the job status an AsyncQueryStatus ({"state", "errorMessage", ...}), a results
 * page an AnalyticsConversationAsyncQueryResponse (page.c), the availability a
 * DataAvailabilityResponse ({"dataAvailabilityDate"}).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genesys.h"
#include "isotime.h"
#include "json_util.h"
#include "progress.h"
#include "report.h"

#define JOBS_PATH GENESYS_JOBS_PATH
#define LONGEST_WAIT 3600.0		/* a Retry-After beyond this is cut to it */
#define ERROR_LEN 512

static const char *const state_names[] = {
	"QUEUED", "PENDING", "FULFILLED", "FAILED", "CANCELLED", "EXPIRED", "GONE"
};

const char *
job_state_name(JobState state)
{
	return state_names[state];
}

void
genesys_init(Genesys *g, const char *api_url, const char *login_url,
			 const Credentials *credentials, double max_rate, long timeout)
{
	http_init(&g->http, max_rate, timeout);
	g->api_url = api_url;
	g->login_url = login_url;
	g->credentials = credentials;
	g->token = NULL;
	g->token_renew_at = 0;
	g->page_size = 0;
}

static void
DropToken(Genesys *g)
{
	if (g->token)
	{
		explicit_bzero(g->token, strlen(g->token));
		free(g->token);
	}
	g->token = NULL;
}

void
genesys_cleanup(Genesys *g)
{
	DropToken(g);
	http_cleanup(&g->http);
}

/* One line saying what went wrong with an answer, or with the lack of one. */
static void
Describe(const HttpResponse *resp, char *out, size_t outlen)
{
	if (resp->status == 0)
		snprintf(out, outlen, "%s", resp->error);
	else
		json_error_summary(resp->status, resp->body.data, resp->body.len, out, outlen);
}

static bool
IsTransient(const HttpResponse *resp)
{
	return resp->status == 0 || resp->status == 429 || resp->status >= 500;
}

/* Waits before retry number attempt, as the answer asks (429) or by backoff; says so. */
static void
WaitBeforeRetry(Genesys *g, const HttpResponse *resp, int attempt, const char *what)
{
	char		reason[ERROR_LEN];
	char		status[128];
	double		wait = backoff_delay(&g->backoff, attempt);

	if (resp->status == 429 && resp->retry_after >= 0)
		wait = resp->retry_after < LONGEST_WAIT ? resp->retry_after : LONGEST_WAIT;
	Describe(resp, reason, sizeof(reason));
	note("%s: %s; retrying in %.1f s", what, reason, wait);
	snprintf(status, sizeof(status), "%s: waiting %.1f s", resp->status == 429 ? "rate limited" :
			 "no answer, retrying", wait);
	progress_status(status);
	sleep_seconds(wait);
}

/* Reads the token answer; the lifetime is shortened by a margin so a token never expires in use. */
static void
TakeToken(Genesys *g, const HttpResponse *resp)
{
	json_object *obj = json_parse_exact(resp->body.data, resp->body.len);
	const char *token = json_string_member(obj, "access_token");
	json_object *expires;
	double		lifetime = 3600;

	if (token == NULL || !*token)
		fatal("the Genesys Cloud login answered without an access_token");
	if (json_object_object_get_ex(obj, "expires_in", &expires) && json_object_is_type(expires, json_type_int))
		lifetime = (double) json_object_get_int64(expires);
	g->token = strdup(token);
	g->token_renew_at = monotonic_seconds() + (lifetime > 120 ? lifetime - 60 : lifetime / 2);
	explicit_bzero((char *) token, strlen(token));
	json_object_put(obj);
}

/* OAuth client credentials grant: POST {login}/oauth/token with HTTP basic authentication. */
static void
Login(Genesys *g)
{
	char		url[2048];
	HttpRequest req = {"POST", url, "application/x-www-form-urlencoded", "grant_type=client_credentials",
	NULL, g->credentials->client_id, g->credentials->client_secret};
	HttpResponse resp;
	char		reason[ERROR_LEN];
	int			attempt = 0;

	snprintf(url, sizeof(url), "%s/oauth/token", g->login_url);
	http_response_init(&resp);
	for (;;)
	{
		http_perform(&g->http, &req, &resp);
		if (!IsTransient(&resp) || attempt >= g->backoff.max_retries)
			break;
		WaitBeforeRetry(g, &resp, attempt++, "login");
	}
	Describe(&resp, reason, sizeof(reason));
	if (resp.status == 400 || resp.status == 401 || resp.status == 403)
		fatal("Genesys Cloud login at %s refused the client credentials (%s)", g->login_url, reason);
	if (resp.status != 200)
		fatal("Genesys Cloud login at %s failed after %d attempt%s (%s)", g->login_url,
			  attempt + 1, attempt == 0 ? "" : "s", reason);
	DropToken(g);
	TakeToken(g, &resp);
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
}

/* Sends method path until the answer is 2xx or a 4xx other than 401 and 429; fatal past the retries. */
static void
Call(Genesys *g, const char *method, const char *path, const char *body, HttpResponse *resp)
{
	char		url[4096];
	char		what[256];
	char		reason[ERROR_LEN];
	bool		renewed = false;
	HttpRequest req = {method, url, body ? "application/json" : NULL, body, NULL, NULL, NULL};

	snprintf(url, sizeof(url), "%s%s", g->api_url, path);
	snprintf(what, sizeof(what), "%s %.200s", method, path);
	for (int attempt = 0;;)
	{
		if (g->token == NULL || monotonic_seconds() >= g->token_renew_at)
			Login(g);
		req.bearer = g->token;
		http_perform(&g->http, &req, resp);
		if (resp->status == 401 && !renewed)
		{
			note("%s: access token refused (401); logging in again", what);
			DropToken(g);
			renewed = true;
			continue;
		}
		Describe(resp, reason, sizeof(reason));
		if (resp->status == 401)
			fatal("%s: Genesys Cloud refused a fresh access token (%s)", what, reason);
		if (!IsTransient(resp))
			return;
		if (attempt >= g->backoff.max_retries)
			fatal("%s: gave up after %d attempts (%s)", what, attempt + 1, reason);
		WaitBeforeRetry(g, resp, attempt++, what);
	}
}

/* Parses a 2xx answer as a JSON object; fatal when it is not one. */
static json_object *
AnswerObject(const HttpResponse *resp, const char *what)
{
	json_object *obj;
	char		reason[ERROR_LEN];

	if (resp->status < 200 || resp->status > 299)
	{
		Describe(resp, reason, sizeof(reason));
		fatal("%s: Genesys Cloud answered %s", what, reason);
	}
	obj = json_parse_exact(resp->body.data, resp->body.len);
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
		fatal("%s: Genesys Cloud answered something that is not a JSON object", what);
	return obj;
}

int64_t
genesys_data_availability(Genesys *g)
{
	HttpResponse resp;
	json_object *obj;
	const char *date;
	int64_t		ms;

	http_response_init(&resp);
	Call(g, "GET", JOBS_PATH "/availability", NULL, &resp);
	obj = AnswerObject(&resp, "data availability");
	date = json_string_member(obj, "dataAvailabilityDate");
	if (date == NULL || !isotime_parse(date, &ms))
		fatal("data availability: Genesys Cloud answered without a valid dataAvailabilityDate");
	json_object_put(obj);
	http_response_free(&resp);
	return ms;
}

/* The AsyncConversationQuery body: {"interval": "start/end"}, instants in UTC with milliseconds. */
char *
genesys_job_request_body(int64_t start, int64_t end)
{
	char		from[ISOTIME_LEN],
				to[ISOTIME_LEN],
				interval[2 * ISOTIME_LEN];
	json_object *query = json_object_new_object();
	char	   *body;

	isotime_format(start, from);
	isotime_format(end, to);
	snprintf(interval, sizeof(interval), "%s/%s", from, to);
	json_object_object_add(query, "interval", json_object_new_string(interval));
	body = strdup(json_object_to_json_string_ext(query, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(query);
	return body;
}

char *
genesys_create_job(Genesys *g, int64_t start, int64_t end)
{
	char	   *body = genesys_job_request_body(start, end);
	HttpResponse resp;
	json_object *obj;
	const char *job_id;
	char	   *result;

	http_response_init(&resp);
	Call(g, "POST", JOBS_PATH, body, &resp);
	obj = AnswerObject(&resp, "creating a conversation details job");
	job_id = json_string_member(obj, "jobId");
	if (job_id == NULL || !*job_id || strlen(job_id) > 200)
		fatal("creating a conversation details job: Genesys Cloud answered without a jobId");
	result = strdup(job_id);
	json_object_put(obj);
	http_response_free(&resp);
	free(body);
	return result;
}

static JobState
StateFromName(const char *name)
{
	for (int s = JOB_QUEUED; s <= JOB_EXPIRED; s++)
		if (name && strcmp(name, state_names[s]) == 0)
			return (JobState) s;
	fatal("Genesys Cloud reported an unknown job state \"%.64s\"", name ? name : "(none)");
}

/* Job ids are written into URL paths: only the characters of Genesys's ids are accepted. */
static void
CheckJobId(const char *job_id)
{
	if (strspn(job_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(job_id))
		fatal("job id \"%.64s\" has characters a Genesys Cloud job id does not have", job_id);
}

JobState
genesys_job_state(Genesys *g, const char *job_id, char **error_message)
{
	char		path[512];
	HttpResponse resp;
	json_object *obj;
	JobState	state;
	const char *message;

	CheckJobId(job_id);
	snprintf(path, sizeof(path), JOBS_PATH "/%s", job_id);
	http_response_init(&resp);
	Call(g, "GET", path, NULL, &resp);
	*error_message = NULL;
	if (resp.status == 404)
	{
		http_response_free(&resp);
		return JOB_GONE;
	}
	obj = AnswerObject(&resp, "job status");
	state = StateFromName(json_string_member(obj, "state"));
	message = json_string_member(obj, "errorMessage");
	if (message)
		*error_message = strdup(message);
	json_object_put(obj);
	http_response_free(&resp);
	return state;
}

/* The results path with its query string; the cursor is percent-encoded. */
static void
ResultsPath(Genesys *g, const char *job_id, const char *cursor, char *path, size_t len)
{
	int			n = snprintf(path, len, JOBS_PATH "/%s/results", job_id);
	const char *sep = "?";

	if (cursor)
	{
		char	   *escaped = curl_easy_escape(g->http.curl, cursor, 0);

		if (escaped == NULL || strlen(escaped) + (size_t) n + 16 > len)
			fatal("the cursor Genesys Cloud gave is too long to send back");
		n += snprintf(path + n, len - n, "?cursor=%s", escaped);
		curl_free(escaped);
		sep = "&";
	}
	if (g->page_size > 0)
		snprintf(path + n, len - n, "%spageSize=%d", sep, g->page_size);
}

bool
genesys_results_page(Genesys *g, const char *job_id, const char *cursor, HttpResponse *resp, Page *page)
{
	char		path[8192];
	char		why[256];

	CheckJobId(job_id);
	ResultsPath(g, job_id, cursor, path, sizeof(path));
	for (int attempt = 0;; attempt++)
	{
		Call(g, "GET", path, NULL, resp);
		if (resp->status == 404 || resp->status == 400)
			return false;
		if (resp->status < 200 || resp->status > 299)
			(void) AnswerObject(resp, "job results");	/* fatal, with Genesys's message */
		if (page_read(resp->body.data, resp->body.len, page, why, sizeof(why)))
			return true;
		if (attempt >= g->backoff.max_retries)
			fatal("job results: gave up after %d pages that were not valid (%s)", attempt + 1, why);
		resp->status = 0;
		snprintf(resp->error, sizeof(resp->error), "%s", why);
		WaitBeforeRetry(g, resp, attempt, "job results page");
	}
}
