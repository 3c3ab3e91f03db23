/*
 * fetcher.c
 *		One interval from Genesys Cloud into the database. A job is made for the interval (or
 *		the job recorded by an earlier run is taken up again), polled with backoff until it is
 *		FULFILLED, and its pages are read by cursor, each imported in its own transaction as it
 *		arrives. A job that FAILED or EXPIRED, or whose results are gone, is reported with
 *		Genesys's message and replaced by a new job for the same interval, at most --job-attempts
 *		times; pages already imported are imported again from the new job, which changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fetcher.h"
#include "isotime.h"
#include "progress.h"
#include "report.h"

/* "2024-11-04T00:00:00.000Z..2024-11-05T00:00:00.000Z" */
static void
IntervalText(const IntervalRow *row, char *out, size_t len)
{
	char		from[ISOTIME_LEN],
				to[ISOTIME_LEN];

	isotime_format(row->start, from);
	isotime_format(row->end, to);
	snprintf(out, len, "%s..%s", from, to);
}

static void
MakeJob(Fetcher *f, IntervalRow *row)
{
	char	   *job_id = genesys_create_job(f->api, row->start, row->end);
	char		interval[2 * ISOTIME_LEN + 2];

	store_new_job(f->db, f->opt->source, row, job_id);
	IntervalText(row, interval, sizeof(interval));
	note("job %s made for %s", job_id, interval);
	free(job_id);
	progress_status("job made");
}

/* Polls the job until it leaves QUEUED and PENDING; returns the state it reached. */
static JobState
AwaitJob(Fetcher *f, IntervalRow *row)
{
	Backoff		poll = {f->opt->backoff_base, f->opt->poll_cap, 0};
	double		deadline = monotonic_seconds() + (double) f->opt->job_timeout;
	char		interval[2 * ISOTIME_LEN + 2];
	char		status[64];

	IntervalText(row, interval, sizeof(interval));
	for (int n = 0;; n++)
	{
		char	   *message;
		JobState	state = genesys_job_state(f->api, row->job_id, &message);

		snprintf(status, sizeof(status), "job %s", job_state_name(state));
		progress_status(status);
		if (state == JOB_CANCELLED)
			fatal("job %s for %s was cancelled in Genesys Cloud%s%s", row->job_id, interval,
				  message ? ": " : "", message ? message : "");
		if (state == JOB_FAILED || state == JOB_EXPIRED || state == JOB_GONE)
			warn("job %s for %s %s%s%s; making a new job", row->job_id, interval,
				 state == JOB_GONE ? "is unknown to Genesys Cloud" : state == JOB_FAILED ? "FAILED" : "EXPIRED",
				 message ? ": " : "", message ? message : "");
		free(message);
		if (state != JOB_QUEUED && state != JOB_PENDING)
			return state;
		if (monotonic_seconds() > deadline)
			fatal("job %s for %s is still %s after %ld s (--job-timeout)", row->job_id, interval,
				  job_state_name(state), f->opt->job_timeout);
		sleep_seconds(backoff_delay(&poll, n));
	}
}

/* Imports one page and counts it. */
static void
ImportPage(Fetcher *f, IntervalRow *row, const HttpResponse *resp, const Page *page, uint64_t *bytes)
{
	ImportCounts counts;

	store_import_page(f->db, f->opt->source, row, resp->body.data, page, f->opt->strict, &counts);
	*bytes += resp->body.len;
	f->totals.pages++;
	f->totals.conversations += page->conversations;
	f->totals.bytes += resp->body.len;
	f->totals.rejected += counts.rejected;
	if (counts.rejected > 0)
		warn("%lld conversation(s) of page %d of job %s could not be read: see gcstitch.import_reject",
			 (long long) counts.rejected, row->pages, row->job_id);
	progress_counts(row->pages, row->conversations, *bytes);
}

/* Reads the job's pages from the row's cursor on; false when its results are gone. */
static bool
ReadPages(Fetcher *f, IntervalRow *row)
{
	HttpResponse resp;
	Page		page;
	uint64_t	bytes = 0;
	bool		ok = true;

	http_response_init(&resp);
	progress_status("reading");
	while (!row->completed)
	{
		if (!genesys_results_page(f->api, row->job_id, row->next_cursor, &resp, &page))
		{
			warn("the results of job %s are no longer available (HTTP %ld); making a new job",
				 row->job_id, resp.status);
			ok = false;
			break;
		}
		ImportPage(f, row, &resp, &page, &bytes);
		page_free(&page);
	}
	http_response_free(&resp);
	return ok;
}

void
fetch_interval(Fetcher *f, IntervalRow *row)
{
	int			jobs_made = 0;
	char		interval[2 * ISOTIME_LEN + 2];

	IntervalText(row, interval, sizeof(interval));
	progress_interval(row->start, row->end);
	progress_counts(row->pages, row->conversations, 0);
	while (!row->completed)
	{
		if (row->job_id == NULL)
		{
			if (jobs_made >= f->opt->max_job_attempts)
				fatal("no job for %s succeeded after %d attempts (--job-attempts)", interval, jobs_made);
			MakeJob(f, row);
			jobs_made++;
		}
		if (AwaitJob(f, row) == JOB_FULFILLED && ReadPages(f, row))
			break;
		free(row->job_id);
		row->job_id = NULL;
	}
	f->totals.intervals++;
	progress_status("done");
	progress_finish();
}
