#!/bin/bash
# Importer benchmark (not a test): segments_from_json against the same columns produced by a
# jsonb_array_elements chain over doc::jsonb, and import() end to end, single worker, over
# generated pages (test/bench/import_pages.sql; PAGES pages of 100 conversations, ~460 kB each).
# Prints MB/s and segments/s of each and the ratio. Usage: bash test/bench/import.sh [PAGES] [RUNS]
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
PAGES=${1:-92}
RUNS=${2:-3}

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '512MB'
work_mem = '64MB'
jit = off
max_parallel_workers_per_gather = 0" start_cluster || exit 1
trap stop_cluster EXIT

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION gcstitch' >/dev/null || exit 1
echo "generating $PAGES pages..."
psql -X -q -v ON_ERROR_STOP=1 -v pages="$PAGES" -v seed=0.42 -f test/bench/import_pages.sql >/dev/null || exit 1

psql -X -q -v ON_ERROR_STOP=1 -v runs="$RUNS" <<'SQL'
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

-- import() end to end: one call per page into empty tables, then again (every conversation replaced).
CREATE FUNCTION pg_temp.import_ms() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
    n bigint;
BEGIN
    SELECT sum(i.segments) INTO n FROM bench_page b, gcstitch.import(b.doc) i;
    RETURN extract(epoch FROM clock_timestamp() - t) * 1000;
END
$$;
INSERT INTO result VALUES ('import() into empty tables', pg_temp.import_ms());
INSERT INTO result VALUES ('import() again (all replaced)', pg_temp.import_ms());

SELECT r.what,
       round(r.ms::numeric, 0) AS ms,
       round((sum(octet_length(b.doc)) / 1e6 / (r.ms / 1000))::numeric, 1) AS "MB/s",
       round((s.n / (r.ms / 1000))::numeric, 0) AS "segments/s"
  FROM result r, bench_page b, (SELECT count(*) AS n FROM gcstitch.segment) s
 GROUP BY r.what, r.ms, s.n, r.ctid ORDER BY r.ctid;
SELECT round((sum(octet_length(doc)) / 1e6)::numeric, 1) AS "MB of pages", count(*) AS pages,
       (SELECT count(*) FROM gcstitch.conversation) AS conversations,
       (SELECT count(*) FROM gcstitch.segment) AS segments,
       (SELECT count(*) FROM gcstitch.metric) AS metrics,
       round(((SELECT ms FROM result WHERE what = 'jsonb_array_elements chain')
            / (SELECT ms FROM result WHERE what = 'segments_from_json'))::numeric, 2)
         AS "speed-up of segments_from_json",
       round(((SELECT ms FROM result WHERE what = 'jsonb chain, pages pglz-compressed')
            / (SELECT ms FROM result WHERE what = 'segments_from_json, pages pglz-compressed'))::numeric, 2)
         AS "speed-up, pglz pages"
  FROM bench_page;
SQL
