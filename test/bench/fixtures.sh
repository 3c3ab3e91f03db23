#!/bin/bash
# Fixtures benchmark (not a test): anonymize() over a generated day, against PostgreSQL's own JSON
# round trip (doc::jsonb::text) and the importer's reader (segments_from_json) over the same pages,
# and the time sample_export() and sample_truth() take to make that day. Single worker; the queries
# take turns over ROUNDS rounds and each keeps its best.
# Usage: bash test/bench/fixtures.sh [AGENTS] [CALLS_PER_AGENT] [ROUNDS]
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
AGENTS=${1:-100}
CALLS=${2:-30}
ROUNDS=${3:-3}

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '512MB'
work_mem = '64MB'
jit = off
max_parallel_workers_per_gather = 0" start_cluster || exit 1
trap stop_cluster EXIT

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION gcstitch' >/dev/null || exit 1
PGOPTIONS="-c bench.rounds=$ROUNDS" psql -X -q -v ON_ERROR_STOP=1 -v agents="$AGENTS" -v calls="$CALLS" <<'SQL'
\pset footer off
CREATE TABLE stored (page_no int, doc text);
ALTER TABLE stored ALTER doc SET STORAGE EXTERNAL;   -- no decompression in the timings
INSERT INTO stored SELECT * FROM gcstitch.sample_export('2024-11-04', :agents, :calls, 1);
SELECT count(*) AS pages, pg_size_pretty(sum(octet_length(doc))) AS size,
       (SELECT count(*) FROM stored, gcstitch.segments_from_json(doc, '{X-Genesys-Client-Id}')) AS segments,
       (SELECT count(*) FROM gcstitch.sample_truth('2024-11-04', :agents, :calls, 1)) AS truth_rows
  FROM stored;

CREATE TEMP TABLE query (what text, sql text, best float8);
INSERT INTO query VALUES
    ('sample_export (generate the day)',
     format('SELECT count(*) FROM gcstitch.sample_export(%L, %s, %s, 1)', '2024-11-04', :agents, :calls), NULL),
    ('sample_truth (its true figures)',
     format('SELECT count(*) FROM gcstitch.sample_truth(%L, %s, %s, 1)', '2024-11-04', :agents, :calls), NULL),
    ('anonymize(doc, secret, 7)', 'SELECT sum(octet_length(gcstitch.anonymize(doc, ''k'', 7))) FROM stored', NULL),
    ('doc::jsonb::text (PostgreSQL parse + write)', 'SELECT sum(octet_length(doc::jsonb::text)) FROM stored', NULL),
    ('segments_from_json (json-c parse + walk)',
     'SELECT count(*) FROM stored, gcstitch.segments_from_json(doc, ''{X-Genesys-Client-Id}'')', NULL);
DO $$
DECLARE
    q record;
    t timestamptz;
    n bigint;
BEGIN
    FOR r IN 1..current_setting('bench.rounds')::int LOOP
        FOR q IN SELECT * FROM query ORDER BY what LOOP
            t := clock_timestamp();
            EXECUTE q.sql INTO n;
            UPDATE query SET best = least(best, extract(epoch FROM clock_timestamp() - t) * 1000) WHERE what = q.what;
        END LOOP;
    END LOOP;
END
$$;
SELECT what, round(best::numeric, 0) AS ms,
       CASE WHEN what !~ '^sample' THEN round((SELECT sum(octet_length(doc)) FROM stored) / 1e6 / (best / 1000)::numeric, 1) END
           AS "MB/s",
       round((best / (SELECT best FROM query WHERE what ~ '^doc::jsonb'))::numeric, 2) AS "x jsonb round trip"
  FROM query ORDER BY what;
SQL
