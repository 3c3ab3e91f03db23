/*
 * genesys.h
 *		The Genesys Cloud calls gcstitch-fetch makes: OAuth client credentials, data availability,
 *		and the asynchronous conversation details jobs (create, status, results by cursor).
 */
#ifndef GCSTITCH_FETCH_GENESYS_H
#define GCSTITCH_FETCH_GENESYS_H

#define GENESYS_JOBS_PATH "/api/v2/analytics/conversations/details/jobs"

#include <stdbool.h>
#include <stdint.h>

#include "backoff.h"
#include "credentials.h"
#include "http.h"
#include "page.h"

typedef struct Genesys
{
	HttpClient	http;
	Backoff		backoff;
	const char *api_url;		/* "https://api.mypurecloud.de", no trailing slash */
	const char *login_url;		/* "https://login.mypurecloud.de" */
	const Credentials *credentials;
	char	   *token;			/* access token; NULL until the first login */
	double		token_renew_at; /* monotonic time at which it is renewed before use */
	int			page_size;		/* pageSize of result pages; 0 = Genesys's default */
} Genesys;

/* States of AsyncQueryStatus, and JOB_GONE when Genesys no longer knows the job (404). */
typedef enum JobState
{
	JOB_QUEUED, JOB_PENDING, JOB_FULFILLED, JOB_FAILED, JOB_CANCELLED, JOB_EXPIRED, JOB_GONE
} JobState;

extern const char *job_state_name(JobState state);

extern void genesys_init(Genesys *g, const char *api_url, const char *login_url,
						 const Credentials *credentials, double max_rate, long timeout);
extern void genesys_cleanup(Genesys *g);

/* dataAvailabilityDate of GET .../details/jobs/availability, in ms. */
extern int64_t genesys_data_availability(Genesys *g);

/* The body of the job request for [start, end) (malloc'd). */
extern char *genesys_job_request_body(int64_t start, int64_t end);

/* POST .../details/jobs for [start, end); returns the jobId (malloc'd). */
extern char *genesys_create_job(Genesys *g, int64_t start, int64_t end);

/* GET .../details/jobs/{jobId}; *error_message (malloc'd or NULL) is Genesys's errorMessage. */
extern JobState genesys_job_state(Genesys *g, const char *job_id, char **error_message);

/*
 * GET .../details/jobs/{jobId}/results (cursor NULL for the first page) into body and page;
 * false when the job's results are gone (404) or refused (400): the job must be made again.
 */
extern bool genesys_results_page(Genesys *g, const char *job_id, const char *cursor,
								 HttpResponse *body, Page *page);

#endif
