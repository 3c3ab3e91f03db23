/*
 * options.c
 *		The command line of gcstitch-fetch and its --help.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "isotime.h"
#include "options.h"
#include "report.h"

static const char help_text[] =
"gcstitch-fetch pulls Genesys Cloud conversation details (asynchronous analytics jobs) into a\n"
"database with the gcstitch extension, one results page per transaction through gcstitch.import().\n"
"\n"
"Usage:\n"
"  gcstitch-fetch --region DOMAIN [--since-last] [OPTION]...     continue from what was fetched\n"
"  gcstitch-fetch --region DOMAIN --from INSTANT [--to INSTANT] [OPTION]...      an interval\n"
"\n"
"What to fetch:\n"
"      --since-last        finish unfinished intervals, then fetch from the end of the last\n"
"                          completed interval minus --overlap up to Genesys's data availability\n"
"                          date (the default when --from is not given); with --from, where to\n"
"                          start when nothing was fetched yet\n"
"      --from INSTANT      fetch from INSTANT (ISO-8601: 2024-11-04T00:00:00Z, an offset such as\n"
"                          +01:00, or a date alone for midnight UTC)\n"
"      --to INSTANT        ... up to INSTANT (default: Genesys's data availability date)\n"
"      --job-hours N       length of one Genesys job, an interval is split into jobs (default 24)\n"
"      --overlap MINUTES   --since-last fetches this much again before the last end, so that\n"
"                          late updates replace older versions (default 60)\n"
"      --source NAME       name under which what was fetched is recorded (default: the API URL)\n"
"\n"
"Where:\n"
"      --region DOMAIN     Genesys Cloud region domain, e.g. mypurecloud.de: API at\n"
"                          https://api.DOMAIN, login at https://login.DOMAIN (or GCSTITCH_REGION)\n"
"      --api-url URL       API base URL instead (tests, proxies); plain http only to this machine\n"
"      --login-url URL     login base URL instead (default: the API URL with api. -> login.)\n"
"  -d, --dbname CONNINFO   database: a libpq connection string or database name (default: the\n"
"                          PGHOST, PGDATABASE, ... environment variables)\n"
"\n"
"Credentials (never on the command line):\n"
"  GCSTITCH_CLIENT_ID and GCSTITCH_CLIENT_SECRET in the environment: an OAuth client with the\n"
"  client credentials grant and the permission analytics:conversationDetail:view; or\n"
"      --credentials-file FILE   lines client_id=... and client_secret=...; the file must belong\n"
"                          to the user and be readable by nobody else (chmod 600)\n"
"\n"
"Faults and limits:\n"
"      --max-rate N        at most N requests a second (default 5; 0 = no cap)\n"
"      --max-retries N     retries of one request after no answer, 5xx, 429 or an invalid page\n"
"                          (default 8); 429 waits as its Retry-After asks\n"
"      --backoff SECONDS   first retry waits about this long, doubling each time (default 1)\n"
"      --backoff-cap SECONDS  longest wait between two retries (default 60)\n"
"      --poll-cap SECONDS  longest wait between two job status polls (default 30)\n"
"      --job-timeout SECONDS  a job still QUEUED or PENDING after this is a fault (default 3600)\n"
"      --job-attempts N    jobs made for one interval when they fail or expire (default 3)\n"
"      --timeout SECONDS   one HTTP exchange (default 600)\n"
"      --page-size N       pageSize of results pages (default: Genesys's own)\n"
"      --strict            a conversation gcstitch.import() cannot read fails the run (default:\n"
"                          it goes to gcstitch.import_reject and the run goes on)\n"
"\n"
"Output:\n"
"      --dry-run           show the jobs that would be made, change nothing\n"
"  -q, --quiet             no progress line, no warnings (errors only)\n"
"  -v, --verbose           also say what is retried and why, and a summary at the end\n"
"      --help              show this help and exit\n"
"      --version           show the version and exit\n"
"  On a terminal one line shows pages, conversations, MB and rate as they arrive.\n"
"\n"
"Exit status: 0 done (or nothing new), 1 a fault it could not get past (one line on stderr),\n"
"2 a command-line mistake, 3 another gcstitch-fetch is fetching the same source.\n"
"\n"
"Keep a database current from cron (every 15 minutes), after one run with --from (one line):\n"
"  */15 * * * * gcstitch-fetch --region mypurecloud.de --credentials-file $HOME/.gcstitch -d analytics -q\n"
"  (gcstitch-fetch is installed in PostgreSQL's bindir: give cron its full path, see pg_config --bindir)\n";

enum
{
	OPT_SINCE_LAST = 256, OPT_FROM, OPT_TO, OPT_JOB_HOURS, OPT_OVERLAP, OPT_SOURCE, OPT_REGION,
	OPT_API_URL, OPT_LOGIN_URL, OPT_CREDENTIALS_FILE, OPT_MAX_RATE, OPT_MAX_RETRIES, OPT_BACKOFF,
	OPT_BACKOFF_CAP, OPT_POLL_CAP, OPT_JOB_TIMEOUT, OPT_JOB_ATTEMPTS, OPT_TIMEOUT, OPT_PAGE_SIZE,
	OPT_STRICT, OPT_DRY_RUN, OPT_HELP, OPT_VERSION
};

static const struct option long_options[] = {
	{"since-last", no_argument, NULL, OPT_SINCE_LAST},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"job-hours", required_argument, NULL, OPT_JOB_HOURS},
	{"overlap", required_argument, NULL, OPT_OVERLAP},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"region", required_argument, NULL, OPT_REGION},
	{"api-url", required_argument, NULL, OPT_API_URL},
	{"login-url", required_argument, NULL, OPT_LOGIN_URL},
	{"dbname", required_argument, NULL, 'd'},
	{"credentials-file", required_argument, NULL, OPT_CREDENTIALS_FILE},
	{"max-rate", required_argument, NULL, OPT_MAX_RATE},
	{"max-retries", required_argument, NULL, OPT_MAX_RETRIES},
	{"backoff", required_argument, NULL, OPT_BACKOFF},
	{"backoff-cap", required_argument, NULL, OPT_BACKOFF_CAP},
	{"poll-cap", required_argument, NULL, OPT_POLL_CAP},
	{"job-timeout", required_argument, NULL, OPT_JOB_TIMEOUT},
	{"job-attempts", required_argument, NULL, OPT_JOB_ATTEMPTS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"page-size", required_argument, NULL, OPT_PAGE_SIZE},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0}
};

/* A number of the option name within [min, max]; a usage error otherwise. */
static double
Number(const char *name, const char *text, double min, double max)
{
	char	   *end;
	double		v = strtod(text, &end);

	if (end == text || *end != '\0' || !(v >= min && v <= max))
		usage_error("--%s must be a number from %g to %g, not \"%s\"", name, min, max, text);
	return v;
}

static int64_t
Instant(const char *name, const char *text)
{
	int64_t		ms;

	if (!isotime_parse(text, &ms))
		usage_error("--%s must be an ISO-8601 instant such as 2024-11-04T00:00:00Z, not \"%s\"", name, text);
	return ms;
}

/* A base URL without its trailing slashes; it must be https, or http to this machine. */
static char *
BaseUrl(const char *name, const char *text)
{
	char	   *url = strdup(text);
	size_t		len = strlen(url);

	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	if (!http_url_allowed(url))
		usage_error("--%s must be an https:// URL (plain http only to this machine), not \"%s\"", name, text);
	return url;
}

/* "mypurecloud.de" and the like: letters, digits, dots and hyphens. */
static char *
RegionUrl(const char *region, const char *host)
{
	char	   *url;

	if (!*region || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(region))
		usage_error("--region must be a domain such as mypurecloud.de, not \"%s\"", region);
	url = malloc(strlen(region) + strlen(host) + 10);
	sprintf(url, "https://%s.%s", host, region);
	return url;
}

/* The login URL the SDKs derive from an API URL: "//api." becomes "//login.". */
static char *
LoginFromApi(const char *api_url)
{
	const char *at = strstr(api_url, "//api.");
	char	   *url;

	if (at == NULL)
		usage_error("--login-url is needed: it cannot be derived from --api-url \"%s\"", api_url);
	url = malloc(strlen(api_url) + 3);
	sprintf(url, "%.*s//login.%s", (int) (at - api_url), api_url, at + 6);
	return url;
}

static void
SetDefaults(Options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->from = -1;
	opt->to = -1;
	opt->job_ms = 24 * MS_PER_HOUR;
	opt->overlap_ms = 60 * MS_PER_MINUTE;
	opt->max_rate = 5;
	opt->max_retries = 8;
	opt->backoff_base = 1;
	opt->backoff_cap = 60;
	opt->poll_cap = 30;
	opt->job_timeout = 3600;
	opt->max_job_attempts = 3;
	opt->timeout = 600;
}

/* Applies one option (all of them take their value from optarg). */
static void
TakeOption(Options *opt, int c, const char **region)
{
	switch (c)
	{
		case OPT_SINCE_LAST:
			opt->since_last = true;
			break;
		case OPT_FROM:
			opt->from = Instant("from", optarg);
			break;
		case OPT_TO:
			opt->to = Instant("to", optarg);
			break;
		case OPT_JOB_HOURS:
			opt->job_ms = (int64_t) Number("job-hours", optarg, 1, 24 * 31) * MS_PER_HOUR;
			break;
		case OPT_OVERLAP:
			opt->overlap_ms = (int64_t) Number("overlap", optarg, 0, 7 * 24 * 60) * MS_PER_MINUTE;
			break;
		case OPT_SOURCE:
			free(opt->source);
			opt->source = strdup(optarg);
			break;
		case OPT_REGION:
			*region = optarg;
			break;
		case OPT_API_URL:
			free(opt->api_url);
			opt->api_url = BaseUrl("api-url", optarg);
			break;
		case OPT_LOGIN_URL:
			free(opt->login_url);
			opt->login_url = BaseUrl("login-url", optarg);
			break;
		case 'd':
			opt->conninfo = optarg;
			break;
		case OPT_CREDENTIALS_FILE:
			opt->credentials_file = optarg;
			break;
		case OPT_MAX_RATE:
			opt->max_rate = Number("max-rate", optarg, 0, 1000);
			break;
		case OPT_MAX_RETRIES:
			opt->max_retries = (int) Number("max-retries", optarg, 0, 100);
			break;
		case OPT_BACKOFF:
			opt->backoff_base = Number("backoff", optarg, 0, 3600);
			break;
		case OPT_BACKOFF_CAP:
			opt->backoff_cap = Number("backoff-cap", optarg, 0, 3600);
			break;
		case OPT_POLL_CAP:
			opt->poll_cap = Number("poll-cap", optarg, 0.01, 3600);
			break;
		case OPT_JOB_TIMEOUT:
			opt->job_timeout = (long) Number("job-timeout", optarg, 1, 7 * 86400);
			break;
		case OPT_JOB_ATTEMPTS:
			opt->max_job_attempts = (int) Number("job-attempts", optarg, 1, 100);
			break;
		case OPT_TIMEOUT:
			opt->timeout = (long) Number("timeout", optarg, 1, 86400);
			break;
		case OPT_PAGE_SIZE:
			opt->page_size = (int) Number("page-size", optarg, 1, 100000);
			break;
		case OPT_STRICT:
			opt->strict = true;
			break;
		case OPT_DRY_RUN:
			opt->dry_run = true;
			break;
		case 'q':
			opt->quiet = true;
			break;
		case 'v':
			opt->verbose = true;
			break;
		case OPT_HELP:
			fputs(help_text, stdout);
			exit(0);
		case OPT_VERSION:
			puts("gcstitch-fetch " GCSTITCH_FETCH_VERSION);
			exit(0);
		default:
			usage_error("unknown option");
	}
}

/* Fills in the URLs and the source from the region and checks what goes together. */
static void
Resolve(Options *opt, const char *region)
{
	if (region == NULL && opt->api_url == NULL)
		region = getenv("GCSTITCH_REGION");
	if (region && opt->api_url == NULL)
		opt->api_url = RegionUrl(region, "api");
	if (region && opt->login_url == NULL)
		opt->login_url = RegionUrl(region, "login");
	if (opt->api_url == NULL)
		usage_error("say where Genesys Cloud is: --region DOMAIN (e.g. mypurecloud.de) or --api-url URL");
	if (opt->login_url == NULL)
		opt->login_url = LoginFromApi(opt->api_url);
	if (opt->source == NULL)
		opt->source = strdup(opt->api_url);
	if (opt->since_last && opt->to >= 0)
		usage_error("--since-last fetches up to the data availability date: it takes no --to");
	if (opt->to >= 0 && opt->from < 0)
		usage_error("--to needs --from");
	if (opt->from >= 0 && opt->to >= 0 && opt->to <= opt->from)
		usage_error("--to must be after --from");
	if (opt->from < 0)
		opt->since_last = true;
	if (opt->quiet && opt->verbose)
		usage_error("--quiet and --verbose do not go together");
}

void
options_parse(int argc, char **argv, Options *opt)
{
	const char *region = NULL;
	int			c;

	SetDefaults(opt);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:qv", long_options, NULL)) != -1)
	{
		if (c == '?' || c == ':')
			usage_error("invalid option or missing value: \"%s\"", argv[optind - 1]);
		TakeOption(opt, c, &region);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	Resolve(opt, region);
}

void
options_free(Options *opt)
{
	free(opt->api_url);
	free(opt->login_url);
	free(opt->source);
}
