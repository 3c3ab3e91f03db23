/*
 * main.c
 *		gcstitch-fetch: pulls Genesys Cloud conversation details into a gcstitch database.
 *		It works out the intervals to fetch (--since-last, or --from/--to split into jobs of
 *		--job-hours), records each in gcstitch.fetch_interval and hands it to fetcher.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <curl/curl.h>

#include "credentials.h"
#include "fetcher.h"
#include "isotime.h"
#include "options.h"
#include "progress.h"
#include "report.h"

/* Says what a real run would do with an interval, without doing it. */
static void
DryRunInterval(Fetcher *f, const IntervalRow *row)
{
	char		from[ISOTIME_LEN],
				to[ISOTIME_LEN];
	char	   *body;

	if (row->job_id)
	{
		isotime_format(row->start, from);
		isotime_format(row->end, to);
		printf("resume job %s for %s..%s after page %d\n", row->job_id, from, to, row->pages);
		return;
	}
	body = genesys_job_request_body(row->start, row->end);
	printf("POST %s%s %s\n", f->api->api_url, GENESYS_JOBS_PATH, body);
	free(body);
}

/* Finishes what earlier runs left unfinished; returns the latest end among them, or -1. */
static int64_t
ResumeUnfinished(Fetcher *f)
{
	IntervalRow *rows;
	int			n = store_unfinished(f->db, f->opt->source, &rows);
	int64_t		last = -1;

	for (int i = 0; i < n; i++)
	{
		if (f->opt->dry_run)
			DryRunInterval(f, &rows[i]);
		else
			fetch_interval(f, &rows[i]);
		if (rows[i].end > last)
			last = rows[i].end;
		interval_row_free(&rows[i]);
	}
	free(rows);
	return last;
}

/* Fetches [start, end) as jobs of --job-hours, in time order. */
static void
FetchRange(Fetcher *f, int64_t start, int64_t end)
{
	for (int64_t s = start; s < end; s += f->opt->job_ms)
	{
		IntervalRow row = {s, s + f->opt->job_ms < end ? s + f->opt->job_ms : end};

		if (f->opt->dry_run)
			DryRunInterval(f, &row);
		else
		{
			store_open(f->db, f->opt->source, row.start, row.end, &row);
			fetch_interval(f, &row);
			interval_row_free(&row);
		}
	}
}

/* Where --since-last starts: the last completed end minus the overlap, else --from. */
static int64_t
SinceLastStart(Fetcher *f, int64_t resumed_end)
{
	int64_t		last;

	if (!store_last_end(f->db, f->opt->source, &last))
		last = -1;
	if (resumed_end > last)
		last = resumed_end;		/* a dry run did not complete them, a real run did */
	if (last >= 0)
		return last - f->opt->overlap_ms;
	if (f->opt->from >= 0)
		return f->opt->from;
	fatal("nothing was fetched yet for source \"%s\": run once with --from INSTANT", f->opt->source);
}

/* Data past Genesys's availability date may be incomplete, and --since-last goes on from --to. */
static void
WarnPastAvailability(Fetcher *f, int64_t end)
{
	int64_t		available = genesys_data_availability(f->api);
	char		when[ISOTIME_LEN];

	if (end <= available)
		return;
	isotime_format(available, when);
	warn("--to is after the data availability date of Genesys Cloud (%s): what comes after it may be "
		 "incomplete, and --since-last will go on from --to", when);
}

static void
Run(Fetcher *f)
{
	int64_t		start = f->opt->from;
	int64_t		end = f->opt->to;
	char		when[ISOTIME_LEN];

	if (f->opt->since_last)
		start = SinceLastStart(f, ResumeUnfinished(f));
	if (end < 0)
		end = genesys_data_availability(f->api);
	else if (!f->opt->dry_run)
		WarnPastAvailability(f, end);
	if (end <= start)
	{
		isotime_format(end, when);
		if (progress_shown() || f->opt->verbose)
			fprintf(stderr, "gcstitch-fetch: nothing new: Genesys Cloud has data up to %s\n", when);
		return;
	}
	FetchRange(f, start, end);
}

static void
Summary(const Fetcher *f, double seconds)
{
	if (f->opt->dry_run || f->opt->quiet || !(progress_shown() || f->opt->verbose) || f->totals.intervals == 0)
		return;
	fprintf(stderr, "gcstitch-fetch: %d interval%s, %d pages, %lld conversations (%lld rejected), "
			"%.1f MB in %.1f s\n", f->totals.intervals, f->totals.intervals == 1 ? "" : "s",
			f->totals.pages, (long long) f->totals.conversations, (long long) f->totals.rejected,
			(double) f->totals.bytes / 1e6, seconds);
}

int
main(int argc, char **argv)
{
	Options		opt;
	Credentials creds;
	Genesys		api;
	Fetcher		f = {&api, NULL, &opt};
	double		started = monotonic_seconds();

	/* A peer that closes a TLS connection must give an error to retry, not kill the program. */
	signal(SIGPIPE, SIG_IGN);
	options_parse(argc, argv, &opt);
	report_quiet = opt.quiet;
	report_verbose = opt.verbose;
	progress_init(!opt.quiet);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("could not initialize libcurl");
	f.db = store_connect(opt.conninfo);
	if (!opt.dry_run && !store_lock_source(f.db, opt.source))
	{
		fprintf(stderr, "gcstitch-fetch: another gcstitch-fetch is fetching source \"%s\" now\n", opt.source);
		exit(EXIT_LOCKED);
	}
	credentials_load(opt.credentials_file, &creds);
	genesys_init(&api, opt.api_url, opt.login_url, &creds, opt.max_rate, opt.timeout);
	api.backoff = (Backoff) {opt.backoff_base, opt.backoff_cap, opt.max_retries};
	api.page_size = opt.page_size;
	Run(&f);
	Summary(&f, monotonic_seconds() - started);
	PQfinish(f.db);
	genesys_cleanup(&api);
	credentials_free(&creds);
	options_free(&opt);
	curl_global_cleanup();
	return 0;
}
