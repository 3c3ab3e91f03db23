#!/bin/bash
# Importer benchmark (not a test), single worker, over generated pages (test/bench/import_pages.sql;
# PAGES pages of 100 conversations, ~470 kB each):
#   1. the readers: segments_from_json against the same columns produced by a jsonb_array_elements
#      chain over doc::jsonb, metrics_from_json; best of RUNS.
#   2. import() end to end (parse + store + change tracking), one call per page, into empty tables
#      and again (every conversation replaced), next to its parts and its floor: parsing alone
#      (import_parse), COPY of the same rows from files into the same tables (indexes, foreign
#      keys, change-log triggers: the floor), the same COPY with the foreign-key and change-log
#      triggers disabled, COPY into bare copies of the tables (no index), INSERT ... SELECT of the
#      rows from those copies into the real tables, and DELETE of every conversation (cascading:
#      what replacing costs). RUNS rounds that take turns between them; the best of each is kept.
#   3. one more import() run under pg_stat_statements (track = all): the time of each statement
#      import() runs, the foreign-key checks and cascading deletes included (instrumented, so
#      slower than 2; for the shares).
# Prints ms, MB/s and segments/s. Usage: bash test/bench/import.sh [PAGES] [RUNS]
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
PAGES=${1:-92}
RUNS=${2:-3}

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '512MB'
work_mem = '64MB'
jit = off
max_parallel_workers_per_gather = 0
shared_preload_libraries = 'pg_cron,pg_stat_statements'
pg_stat_statements.track = 'none'" start_cluster || exit 1
trap stop_cluster EXIT

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION gcstitch' >/dev/null || exit 1
echo "generating $PAGES pages..."
psql -X -q -v ON_ERROR_STOP=1 -v pages="$PAGES" -v seed=0.42 -f test/bench/import_pages.sql >/dev/null || exit 1

psql -X -q -v ON_ERROR_STOP=1 -v runs="$RUNS" -v dir="$CLUSTER_DIR" <<'SQL'
SET timezone = 'UTC';
\pset footer off
-- The two readers over a pages table: the jsonb chain a user would write, and segments_from_json.
CREATE FUNCTION pg_temp.make_views(pages text, suffix text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE format($v$CREATE VIEW bench_jsonb%s AS
SELECT c->>'conversationId' AS conversation_id, p->>'purpose' AS purpose, p->>'userId' AS user_id,
       nullif(p->'attributes'->>'X-Genesys-Client-Id', '') AS client_id, s->>'sessionId' AS session_id,
       g->>'segmentType' AS segment_type, (g->>'segmentStart')::timestamptz AS segment_start,
       (g->>'segmentEnd')::timestamptz AS segment_end, g->>'queueId' AS queue_id
  FROM %I,
       jsonb_array_elements(doc::jsonb->'conversations') c,
       jsonb_array_elements(c->'participants') p,
       jsonb_array_elements(p->'sessions') s,
       jsonb_array_elements(s->'segments') g$v$, suffix, pages);
    EXECUTE format($v$CREATE VIEW bench_c%s AS
SELECT conversation_id, purpose, user_id, client_id, session_id, segment_type, segment_start,
       segment_end, queue_id
  FROM %I, gcstitch.segments_from_json(doc, '{X-Genesys-Client-Id}')$v$, suffix, pages);
END
$f$;
SELECT pg_temp.make_views('bench_page', '') \gset

-- The same pages stored the default way (pglz-compressed): both readers pay the decompression.
CREATE TABLE bench_page_pglz (page_no int PRIMARY KEY, doc text NOT NULL);
INSERT INTO bench_page_pglz SELECT * FROM bench_page;
SELECT pg_temp.make_views('bench_page_pglz', '_pglz') \gset
SELECT pg_size_pretty(pg_total_relation_size('bench_page')) AS uncompressed,
       pg_size_pretty(pg_total_relation_size('bench_page_pglz')) AS pglz;

-- Same rows both ways (a multiset comparison), before timing anything.
SELECT (SELECT count(*) FROM bench_c) AS segments,
       (SELECT count(*) FROM (SELECT * FROM bench_c EXCEPT ALL SELECT * FROM bench_jsonb) d)
     + (SELECT count(*) FROM (SELECT * FROM bench_jsonb EXCEPT ALL SELECT * FROM bench_c) d)
       AS rows_that_differ;

-- Best of :runs; every column is evaluated (count(column) reads it).
CREATE FUNCTION pg_temp.best_ms(q text, runs int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    best float8;
    t timestamptz;
    n bigint;
BEGIN
    FOR r IN 1..runs LOOP
        t := clock_timestamp();
        EXECUTE q INTO n;
        best := least(best, extract(epoch FROM clock_timestamp() - t) * 1000);
    END LOOP;
    RETURN best;
END
$$;
CREATE TEMP TABLE result (what text, ms float8);
\set cols 'count(*) + count(conversation_id) + count(purpose) + count(user_id) + count(client_id) + count(session_id) + count(segment_type) + count(segment_start) + count(segment_end) + count(queue_id)'
INSERT INTO result VALUES
    ('jsonb_array_elements chain', pg_temp.best_ms('SELECT ' || :'cols' || ' FROM bench_jsonb', :runs)),
    ('segments_from_json', pg_temp.best_ms('SELECT ' || :'cols' || ' FROM bench_c', :runs)),
    ('jsonb chain, pages pglz-compressed', pg_temp.best_ms('SELECT ' || :'cols' || ' FROM bench_jsonb_pglz', :runs)),
    ('segments_from_json, pages pglz-compressed', pg_temp.best_ms('SELECT ' || :'cols' || ' FROM bench_c_pglz', :runs)),
    ('metrics_from_json (all columns)', pg_temp.best_ms('SELECT count(*) + count(conversation_id) + count(participant_id) + count(session_id) + count(purpose) + count(user_id) + count(name) + count(value) + count(emit_date) FROM bench_page, gcstitch.metrics_from_json(doc)', :runs));

-- import() end to end and its floor. Every variant starts from empty tables (an empty change log)
-- except "again" (after the import) and the DELETE (after "again").
CREATE FUNCTION pg_temp.empty() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE gcstitch.conversation, gcstitch.segment, gcstitch.metric, gcstitch.change_log;
    TRUNCATE bare_conversation, bare_segment, bare_metric;
END
$$;
CREATE FUNCTION pg_temp.ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
BEGIN
    EXECUTE q;
    RETURN extract(epoch FROM clock_timestamp() - t) * 1000;
END
$$;
-- The rows import() stores, in files for COPY, and bare copies of the tables (no index,
-- constraint or trigger).
SELECT count(*) AS pages_imported FROM bench_page b, gcstitch.import(b.doc) i;
SELECT (SELECT count(*) FROM gcstitch.conversation) AS nconv, (SELECT count(*) FROM gcstitch.segment) AS nseg,
       (SELECT count(*) FROM gcstitch.metric) AS nmet \gset
\set conversation_file :dir '/conversation.copy'
\set segment_file :dir '/segment.copy'
\set metric_file :dir '/metric.copy'
COPY gcstitch.conversation TO :'conversation_file';
COPY gcstitch.segment TO :'segment_file';
COPY gcstitch.metric TO :'metric_file';
CREATE TABLE bare_conversation (LIKE gcstitch.conversation);
CREATE TABLE bare_segment (LIKE gcstitch.segment);
CREATE TABLE bare_metric (LIKE gcstitch.metric);
CREATE FUNCTION pg_temp.copy_into(prefix text) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(format('COPY %s%s FROM %L', prefix, t, current_setting('bench.dir') || '/' || t || '.copy'), '; ')
      FROM unnest(ARRAY['conversation', 'segment', 'metric']) t $$;
CREATE FUNCTION pg_temp.triggers(action text) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(format('ALTER TABLE gcstitch.%s %s TRIGGER ALL', t, action), '; ')
      FROM unnest(ARRAY['conversation', 'segment', 'metric']) t $$;
SELECT set_config('bench.dir', :'dir', false);
CREATE TEMP TABLE variant (no int, what text, q text, before text);
INSERT INTO variant VALUES
    (1, 'import() into empty tables', 'SELECT count(*) FROM bench_page b, gcstitch.import(b.doc) i', 'SELECT pg_temp.empty()'),
    (2, 'import() again, every conversation replaced', 'SELECT count(*) FROM bench_page b, gcstitch.import(b.doc) i', NULL),
    (3, 'DELETE of every conversation (cascading to segments and metrics)', 'DELETE FROM gcstitch.conversation', NULL),
    (4, 'parse alone: import_parse (rows as composite arrays, in batches)',
        $$SELECT count(*) FROM bench_page b, gcstitch.import_parse(b.doc, '{X-Genesys-Client-Id}', true, 1000) p$$,
        'SELECT pg_temp.empty()'),
    (5, 'COPY of the same rows into the tables (indexes, foreign keys, change-log trigger): the floor',
        pg_temp.copy_into('gcstitch.'), 'SELECT pg_temp.empty()'),
    (6, 'the same COPY, foreign-key and change-log triggers disabled', pg_temp.copy_into('gcstitch.'),
        'SELECT pg_temp.empty(); ' || pg_temp.triggers('DISABLE')),
    (7, 'COPY into bare copies of the tables (no index, constraint or trigger)', pg_temp.copy_into('bare_'),
        'SELECT pg_temp.empty(); ' || pg_temp.triggers('ENABLE')),
    (8, 'INSERT ... SELECT of the same rows from the bare copies into the tables',
        'INSERT INTO gcstitch.conversation SELECT * FROM bare_conversation ORDER BY conversation_id; '
        'INSERT INTO gcstitch.segment SELECT * FROM bare_segment; INSERT INTO gcstitch.metric SELECT * FROM bare_metric',
        'TRUNCATE gcstitch.conversation, gcstitch.segment, gcstitch.metric, gcstitch.change_log');
-- RUNS rounds, each variant in turn, each statement its own transaction.
\o /dev/null
SELECT s
  FROM generate_series(1, :runs) r, variant v,
       LATERAL (VALUES (1, v.before), (2, format('INSERT INTO result VALUES (%L, pg_temp.ms(%L))', v.what, v.q))) x(k, s)
 WHERE s IS NOT NULL
 ORDER BY r, v.no, x.k \gexec
SELECT pg_temp.triggers('ENABLE') \gexec
\o

SELECT r.what,
       round(r.ms::numeric, 0) AS ms,
       round((sum(octet_length(b.doc)) / 1e6 / (r.ms / 1000))::numeric, 1) AS "MB/s",
       round((:nseg / (r.ms / 1000))::numeric, 0) AS "segments/s"
  FROM (SELECT what, min(ms) AS ms, min(ctid) AS first FROM result GROUP BY what) r, bench_page b
 GROUP BY r.what, r.ms, r.first ORDER BY r.first;
SELECT round((sum(octet_length(doc)) / 1e6)::numeric, 1) AS "MB of pages", count(*) AS pages,
:nconv AS conversations, :nseg AS segments, :nmet AS metrics,
       round(((SELECT min(ms) FROM result WHERE what = 'jsonb_array_elements chain')
            / (SELECT min(ms) FROM result WHERE what = 'segments_from_json'))::numeric, 2)
         AS "speed-up of segments_from_json",
       round(((SELECT min(ms) FROM result WHERE what = 'jsonb chain, pages pglz-compressed')
            / (SELECT min(ms) FROM result WHERE what = 'segments_from_json, pages pglz-compressed'))::numeric, 2)
         AS "speed-up, pglz pages"
  FROM bench_page;

-- Where import() spends its time: one run into empty tables and one replacing, every statement
-- measured (nested ones too: the foreign-key checks, the cascading deletes, the change log).
CREATE EXTENSION pg_stat_statements;
\o /dev/null
SELECT pg_temp.empty();
SELECT pg_stat_statements_reset();
SET pg_stat_statements.track = 'all';
SELECT count(*) FROM bench_page b, gcstitch.import(b.doc) i;
SELECT count(*) FROM bench_page b, gcstitch.import(b.doc) i;
SET pg_stat_statements.track = 'none';
\o
SELECT round(total_exec_time) AS ms, calls, rows,
       left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS "statement (instrumented: two import() runs)"
  FROM pg_stat_statements
 WHERE total_exec_time >= 5 AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE 'SET %'
 ORDER BY total_exec_time DESC;
SQL
