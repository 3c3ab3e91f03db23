/*
 * store.c
 *		The database side of gcstitch-fetch. The session runs with an empty search_path (every
 *		name is qualified), as PostgreSQL's own client programs do. Each results page is imported
 *		in its own transaction together with the cursor of the page after it, so that what is in
 *		gcstitch.fetch_interval always matches what is in the tables: a run killed at any point
 *		resumes at the first page not committed, and a page imported twice changes nothing
 *		(gcstitch.import() keeps one version of each conversation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "store.h"

/* Instants travel as milliseconds since the epoch: exact, and independent of DateStyle and TimeZone. */
#define TS(param) "(timestamptz 'epoch' + " param "::int8 * interval '1 millisecond')"
#define MS(column) "(extract(epoch FROM " column ") * 1000)::int8"
#define THIS_ROW "source = $1 AND interval_start = " TS("$2") " AND interval_end = " TS("$3")

/* Advisory lock key of a source's fetch; apart from the import's keys 1734570867 and 1734570868. */
#define FETCH_LOCK_KEY "1734570869"

/* The error of res (or of the connection) on one line: message, SQLSTATE, detail. */
static void
Fail(PGconn *db, PGresult *res, const char *what)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	char		line[2048];

	if (primary)
		snprintf(line, sizeof(line), "%s (SQLSTATE %s)%s%s", primary, sqlstate ? sqlstate : "?",
				 detail ? ": " : "", detail ? detail : "");
	else
		snprintf(line, sizeof(line), "%s", PQerrorMessage(db));
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fatal("%s: %s", what, line);
}

/* Runs sql with text parameters; fatal unless it succeeds. The caller PQclear()s the result. */
static PGresult *
Exec(PGconn *db, const char *what, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(res);

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		Fail(db, res, what);
	return res;
}

static void
ExecSimple(PGconn *db, const char *what, const char *sql)
{
	PQclear(Exec(db, what, sql, 0, NULL));
}

PGconn *
store_connect(const char *conninfo)
{
	const char *const keywords[] = {"dbname", "fallback_application_name", NULL};
	const char *const values[] = {conninfo, "gcstitch-fetch", NULL};
	PGconn	   *db = PQconnectdbParams(keywords, values, 1);
	PGresult   *res;

	if (PQstatus(db) != CONNECTION_OK)
		Fail(db, NULL, "could not connect to the database");
	PQclear(Exec(db, "database", "SELECT pg_catalog.set_config('search_path', '', false)", 0, NULL));
	if (PQsetClientEncoding(db, "UTF8") != 0)
		Fail(db, NULL, "database");
	res = Exec(db, "database", "SELECT pg_catalog.to_regclass('gcstitch.fetch_interval') IS NOT NULL", 0, NULL);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		fatal("database \"%s\" has no gcstitch extension of version 0.2.0 or later "
			  "(CREATE EXTENSION gcstitch, or ALTER EXTENSION gcstitch UPDATE)", PQdb(db));
	PQclear(res);
	return db;
}

bool
store_lock_source(PGconn *db, const char *source)
{
	const char *params[] = {source};
	PGresult   *res = Exec(db, "locking the source",
						   "SELECT pg_catalog.pg_try_advisory_lock(" FETCH_LOCK_KEY ", pg_catalog.hashtext($1))",
						   1, params);
	bool		locked = strcmp(PQgetvalue(res, 0, 0), "t") == 0;

	PQclear(res);
	return locked;
}

static char *
CopyOrNull(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : strdup(PQgetvalue(res, row, col));
}

#define ROW_COLUMNS MS("interval_start") ", " MS("interval_end") \
	", job_id, next_cursor, pages, conversations, job_attempts, completed_at IS NOT NULL"

static void
ReadRow(PGresult *res, int i, IntervalRow *row)
{
	row->start = strtoll(PQgetvalue(res, i, 0), NULL, 10);
	row->end = strtoll(PQgetvalue(res, i, 1), NULL, 10);
	row->job_id = CopyOrNull(res, i, 2);
	row->next_cursor = CopyOrNull(res, i, 3);
	row->pages = atoi(PQgetvalue(res, i, 4));
	row->conversations = strtoll(PQgetvalue(res, i, 5), NULL, 10);
	row->job_attempts = atoi(PQgetvalue(res, i, 6));
	row->completed = strcmp(PQgetvalue(res, i, 7), "t") == 0;
}

int
store_unfinished(PGconn *db, const char *source, IntervalRow **rows)
{
	const char *params[] = {source};
	PGresult   *res = Exec(db, "reading unfinished intervals",
						   "SELECT " ROW_COLUMNS " FROM gcstitch.fetch_interval"
						   " WHERE source = $1 AND completed_at IS NULL"
						   " ORDER BY interval_start, interval_end", 1, params);
	int			n = PQntuples(res);

	*rows = calloc(n > 0 ? n : 1, sizeof(IntervalRow));
	for (int i = 0; i < n; i++)
		ReadRow(res, i, &(*rows)[i]);
	PQclear(res);
	return n;
}

bool
store_last_end(PGconn *db, const char *source, int64_t *end)
{
	const char *params[] = {source};
	PGresult   *res = Exec(db, "reading completed intervals",
						   "SELECT " MS("pg_catalog.max(interval_end)") " FROM gcstitch.fetch_interval"
						   " WHERE source = $1 AND completed_at IS NOT NULL", 1, params);
	bool		found = !PQgetisnull(res, 0, 0);

	if (found)
		*end = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return found;
}

/* The three parameters that name a row: source, start, end. */
static void
RowKey(const char *source, int64_t start, int64_t end, char startbuf[24], char endbuf[24],
	   const char *params[3])
{
	snprintf(startbuf, 24, "%lld", (long long) start);
	snprintf(endbuf, 24, "%lld", (long long) end);
	params[0] = source;
	params[1] = startbuf;
	params[2] = endbuf;
}

void
store_open(PGconn *db, const char *source, int64_t start, int64_t end, IntervalRow *row)
{
	char		s[24],
				e[24];
	const char *params[3];
	PGresult   *res;

	RowKey(source, start, end, s, e, params);
	ExecSimple(db, "BEGIN", "BEGIN");
	PQclear(Exec(db, "recording an interval",
				 "INSERT INTO gcstitch.fetch_interval AS f (source, interval_start, interval_end)"
				 " VALUES ($1, " TS("$2") ", " TS("$3") ")"
				 " ON CONFLICT (source, interval_start, interval_end) DO UPDATE"
				 " SET job_id = NULL, next_cursor = NULL, pages = 0, conversations = 0,"
				 " data_available_until = NULL, started_at = pg_catalog.now(),"
				 " updated_at = pg_catalog.now(), completed_at = NULL"
				 " WHERE f.completed_at IS NOT NULL", 3, params));
	res = Exec(db, "reading an interval",
			   "SELECT " ROW_COLUMNS " FROM gcstitch.fetch_interval WHERE " THIS_ROW, 3, params);
	ReadRow(res, 0, row);
	PQclear(res);
	ExecSimple(db, "COMMIT", "COMMIT");
}

void
store_new_job(PGconn *db, const char *source, IntervalRow *row, const char *job_id)
{
	char		s[24],
				e[24];
	const char *params[4];

	RowKey(source, row->start, row->end, s, e, params);
	params[3] = job_id;
	PQclear(Exec(db, "recording a new job",
				 "UPDATE gcstitch.fetch_interval SET job_id = $4, next_cursor = NULL, pages = 0,"
				 " conversations = 0, job_attempts = job_attempts + 1, updated_at = pg_catalog.now()"
				 " WHERE " THIS_ROW, 4, params));
	free(row->job_id);
	free(row->next_cursor);
	row->job_id = strdup(job_id);
	row->next_cursor = NULL;
	row->pages = 0;
	row->conversations = 0;
	row->job_attempts++;
}

static void
ReadCounts(PGresult *res, ImportCounts *counts)
{
	memset(counts, 0, sizeof(*counts));
	if (PQntuples(res) != 1)
		return;
	counts->conversations = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	counts->segments = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	counts->metrics = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	counts->replaced = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	counts->rejected = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
}

/* Moves the row past the page just imported; fatal when the row is not as this run left it. */
static void
AdvanceRow(PGconn *db, const char *source, IntervalRow *row, const Page *page)
{
	char		s[24],
				e[24],
				n[24],
				avail[24];
	const char *params[7];
	PGresult   *res;

	RowKey(source, row->start, row->end, s, e, params);
	snprintf(n, sizeof(n), "%d", page->conversations);
	snprintf(avail, sizeof(avail), "%lld", (long long) page->data_available);
	params[3] = page->next_cursor;
	params[4] = n;
	params[5] = page->data_available >= 0 ? avail : NULL;
	params[6] = row->job_id;
	res = Exec(db, "recording a page",
			   "UPDATE gcstitch.fetch_interval SET next_cursor = $4::text, pages = pages + 1,"
			   " conversations = conversations + $5::int8,"
			   " data_available_until = coalesce(" TS("$6") ", data_available_until),"
			   " updated_at = pg_catalog.now(),"
			   " completed_at = CASE WHEN $4::text IS NULL THEN pg_catalog.now() END"
			   " WHERE " THIS_ROW " AND job_id = $7 AND completed_at IS NULL", 7, params);
	if (strcmp(PQcmdTuples(res), "1") != 0)
		fatal("the row of gcstitch.fetch_interval for this interval was changed by someone else");
	PQclear(res);
}

void
store_import_page(PGconn *db, const char *source, IntervalRow *row, const char *body,
				  const Page *page, bool strict, ImportCounts *counts)
{
	const char *params[] = {body, strict ? "true" : "false"};
	PGresult   *res;

	ExecSimple(db, "BEGIN", "BEGIN");
	res = Exec(db, "gcstitch.import() of a results page",
			   "SELECT conversations, segments, metrics, replaced, rejected"
			   " FROM gcstitch.import($1::text, strict => $2::boolean)", 2, params);
	ReadCounts(res, counts);
	PQclear(res);
	AdvanceRow(db, source, row, page);
	ExecSimple(db, "COMMIT", "COMMIT");
	free(row->next_cursor);
	row->next_cursor = page->next_cursor ? strdup(page->next_cursor) : NULL;
	row->pages++;
	row->conversations += page->conversations;
	row->completed = page->next_cursor == NULL;
}

void
interval_row_free(IntervalRow *row)
{
	free(row->job_id);
	free(row->next_cursor);
	row->job_id = NULL;
	row->next_cursor = NULL;
}
