#!/bin/bash
# Importer bounds (not a test): time of pathological documents and peak backend memory of a large
# export, each against a floor measured in the same run.
#   1. One conversation with N sessions (25k, 50k, 100k), each with one segment: segments_from_json
#      time, next to count(*) over the jsonb_array_elements chain of the same text.
#   2. Peak memory: an NDJSON text of MB megabytes (default 200; pages of test/bench/import_pages.sql
#      repeated with distinct conversation ids), stored uncompressed. Each reader runs in a fresh
#      backend; peak = VmHWM after the call - VmRSS before it (from /proc/self/status), shown as a
#      multiple of the text size. shared_buffers is 16 MB so shared pages add little to the RSS.
# Usage: bash test/bench/import_bounds.sh [MB]
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
MB=${1:-200}

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '16MB'
jit = off
max_parallel_workers_per_gather = 0" start_cluster || exit 1
trap stop_cluster EXIT
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION gcstitch' >/dev/null || exit 1

echo "== 1. one conversation with N sessions"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
\pset footer off
CREATE FUNCTION pg_temp.sessions_doc(n int) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversationId":"c","participants":[{"purpose":"agent","sessions":['
           || string_agg(format('{"sessionId":"s%s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}', i), ',')
           || ']}]}'
      FROM generate_series(1, n) i $$;
CREATE FUNCTION pg_temp.ms(q text, doc text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
    n bigint;
BEGIN
    EXECUTE q INTO n USING doc;
    RETURN round((extract(epoch FROM clock_timestamp() - t) * 1000)::numeric, 0);
END
$$;
SELECT n AS sessions, round(octet_length(d) / 1e6, 1) AS "MB",
       pg_temp.ms('SELECT count(*) FROM gcstitch.segments_from_json($1, ''{}'')', d) AS "segments_from_json ms",
       pg_temp.ms($q$SELECT count(*) FROM jsonb_array_elements($1::jsonb->'participants') p,
                      jsonb_array_elements(p->'sessions') s, jsonb_array_elements(s->'segments') g$q$, d)
         AS "jsonb chain ms"
  FROM unnest(ARRAY[25000, 50000, 100000]) n, LATERAL (SELECT pg_temp.sessions_doc(n) AS d) x;
SQL

echo "== 2. peak backend memory, $MB MB of NDJSON pages"
psql -X -q -v ON_ERROR_STOP=1 -v pages=20 -v seed=0.42 -f test/bench/import_pages.sql >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -v mb="$MB" <<'SQL' || exit 1
CREATE TABLE bench_big (doc text NOT NULL);
ALTER TABLE bench_big ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO bench_big
SELECT string_agg(replace(b.doc, '"conversationId": "', '"conversationId": "' || k || '-'), E'\n' ORDER BY k, b.page_no)
  FROM bench_page b,
       generate_series(1, ceil(:mb * 1e6 / (SELECT sum(octet_length(doc)) FROM bench_page))::int) k;
SELECT round(octet_length(doc) / 1e6, 1) AS "MB of text" FROM bench_big;
SQL
# kB of a /proc/self/status field of the backend running the query.
status_kb="(SELECT (regexp_match(pg_read_file('/proc/self/status'), :'field' || ':\s+(\d+)'))[1]::bigint)"
peak() {
	psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
\set field VmRSS
SELECT $status_kb AS before \gset
\o /dev/null
$2;
\o
\set field VmHWM
SELECT '$1' || ': ' || round(($status_kb - :before) / 1024.0) || ' MB peak, '
       || round(($status_kb - :before) * 1024.0 / (SELECT octet_length(doc) FROM bench_big), 2) || ' x the text';
SQL
}
peak "text read alone (floor)" "SELECT length(doc) FROM bench_big"
peak "segments_from_json" "SELECT count(*) FROM bench_big, gcstitch.segments_from_json(doc, '{X-Genesys-Client-Id}')"
peak "metrics_from_json" "SELECT count(*) FROM bench_big, gcstitch.metrics_from_json(doc)"
peak "import()" "SELECT i.conversations FROM bench_big, gcstitch.import(doc) i"
peak "import() again (all replaced)" "SELECT i.conversations FROM bench_big, gcstitch.import(doc) i"
