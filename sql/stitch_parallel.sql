-- Forced parallel and partition-wise plans: gcstitch.stitch and gcstitch.rollup go through their
-- combine, serial and deserial functions, and must give exactly what a serial plan gives.
SET timezone = 'UTC';
SET client_min_messages = warning;
SELECT setseed(0.5);

-- 5000 keys x 20 rows: calls every 25 s with random lengths (overlaps, gaps around the 5 s
-- tolerance), random types and sessions. Stored in random order, so every key's rows are spread
-- over the whole heap and reach every worker.
CREATE TABLE par_seg AS
SELECT k, s, s + len AS e, typ, sess
  FROM (SELECT k, timestamptz '2024-06-01 08:00:00+00' + (k % 17) * interval '1 second'
                  + i * interval '25 seconds' + random() * interval '20 seconds' AS s,
               CASE WHEN random() < 0.1 THEN interval '0' ELSE random() * interval '40 seconds' END AS len,
               (ARRAY['alert', 'interact', 'interact', 'hold', 'wrapup', 'ivr'])[1 + floor(random() * 6)::int] AS typ,
               CASE WHEN random() < 0.2 THEN NULL ELSE 's' || floor(random() * 3)::int END AS sess
          FROM generate_series(1, 5000) k, generate_series(1, 20) i) x
 ORDER BY random();
ANALYZE par_seg;

-- Shows the plan of a query after running it, without the numbers that vary from run to run.
-- (How the rows of one key spread over the workers depends on timing, so it is not shown; the
-- partition-wise and rollup cases below combine partial states deterministically.)
CREATE FUNCTION par_plan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        CONTINUE WHEN line ~ '^\s*(Batches|Sort Method|Worker \d|Memory|Buckets|Disk|Rows Removed|Planned Partitions)';
        line := regexp_replace(line, '\s*\(actual rows=\d+ loops=\d+\)', '');
        RETURN NEXT line;
    END LOOP;
END
$$;

-- Serial results.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE par_serial AS
SELECT k, gcstitch.stitch(s, e, typ, sess, interval '5 seconds') AS st FROM par_seg GROUP BY k;
CREATE TABLE par_serial_rows AS
SELECT k, i.* FROM par_serial, gcstitch.interactions(st) i;
-- (Offers follow wrapups: the new-call rule cuts more islands than the gap rule alone.)
SELECT count(*) AS keys, sum(gcstitch.interaction_count(st)) > 10000 AS many_islands,
       sum(gcstitch.fragments(st)) > sum(gcstitch.interaction_count(st)) AS fragmented,
       sum(gcstitch.interaction_count(st))
           > (SELECT sum(gcstitch.interaction_count(x))
              FROM (SELECT gcstitch.stitch(s, e, typ, sess, interval '5 seconds', false) x
                    FROM par_seg GROUP BY k) y) AS rule2_splits
  FROM par_serial;

-- Forced parallel plans.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- Hash aggregation: Finalize HashAggregate over Partial HashAggregate in two workers.
SET enable_sort = off;
SELECT par_plan('CREATE TABLE par_hash AS SELECT k, gcstitch.stitch(s, e, typ, sess, interval ''5 seconds'') AS st
                 FROM par_seg GROUP BY k');
RESET enable_sort;

-- Sorted aggregation: Finalize GroupAggregate over Gather Merge of Partial GroupAggregate.
SET enable_hashagg = off;
SELECT par_plan('CREATE TABLE par_group AS SELECT k, gcstitch.stitch(s, e, typ, sess, interval ''5 seconds'') AS st
                 FROM par_seg GROUP BY k');
RESET enable_hashagg;

-- Both equal the serial result, interaction by interaction.
CREATE FUNCTION par_diff(tab regclass, OUT keys bigint, OUT serial_rows_missing bigint,
                         OUT rows_not_in_serial bigint) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TEMP TABLE par_diff_rows AS SELECT k, i.* FROM %s p, gcstitch.interactions(p.st) i', tab);
    EXECUTE format('SELECT count(*) FROM %s', tab) INTO keys;
    SELECT count(*) INTO serial_rows_missing
      FROM (SELECT * FROM par_serial_rows EXCEPT ALL SELECT * FROM par_diff_rows) x;
    SELECT count(*) INTO rows_not_in_serial
      FROM (SELECT * FROM par_diff_rows EXCEPT ALL SELECT * FROM par_serial_rows) x;
    DROP TABLE par_diff_rows;
END
$$;
SELECT 'parallel hash' AS plan, * FROM par_diff('par_hash')
UNION ALL
SELECT 'parallel group', * FROM par_diff('par_group');

-- rollup in parallel: per-key parts (each key's rows cut in 10 interleaved parts) rolled up.
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE par_parts AS
SELECT k, part, gcstitch.stitch(s, e, typ, sess, interval '5 seconds') AS st
  FROM (SELECT *, 1 + floor(random() * 10)::int AS part FROM par_seg) x
 GROUP BY k, part
 ORDER BY random();
ANALYZE par_parts;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- (With parallel_tuple_cost = 0 a Gather under a plain HashAggregate costs the same as partial hash
-- aggregation, so the sorted plan is forced here.)
SET enable_hashagg = off;
SELECT par_plan('CREATE TABLE par_rollup AS SELECT k, gcstitch.rollup(st) AS st FROM par_parts GROUP BY k');
RESET enable_hashagg;
SELECT 'parallel rollup' AS plan, * FROM par_diff('par_rollup');
RESET parallel_leader_participation;

-- Partition-wise aggregation. Range partitions on the start time cut every key's timeline in
-- three, so each partition yields a partial state per key that the finalize step combines (also
-- islands that cross a partition boundary).
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
CREATE TABLE par_range (k int, s timestamptz, e timestamptz, typ text, sess text) PARTITION BY RANGE (s);
CREATE TABLE par_range_1 PARTITION OF par_range FOR VALUES FROM (MINVALUE) TO ('2024-06-01 08:03:00+00');
CREATE TABLE par_range_2 PARTITION OF par_range FOR VALUES FROM ('2024-06-01 08:03:00+00') TO ('2024-06-01 08:06:00+00');
CREATE TABLE par_range_3 PARTITION OF par_range FOR VALUES FROM ('2024-06-01 08:06:00+00') TO (MAXVALUE);
INSERT INTO par_range SELECT * FROM par_seg;
ANALYZE par_range;
SELECT count(*) AS partitions_per_key FROM (SELECT DISTINCT tableoid FROM par_range WHERE k = 1) x;
SELECT par_plan('CREATE TABLE par_pwise AS SELECT k, gcstitch.stitch(s, e, typ, sess, interval ''5 seconds'') AS st
                 FROM par_range GROUP BY k');
SELECT 'partial partition-wise' AS plan, * FROM par_diff('par_pwise');

-- Hash partitions on the key: every key in one partition, aggregated there in full.
CREATE TABLE par_hashpart (k int, s timestamptz, e timestamptz, typ text, sess text) PARTITION BY HASH (k);
CREATE TABLE par_hashpart_0 PARTITION OF par_hashpart FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE par_hashpart_1 PARTITION OF par_hashpart FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE par_hashpart_2 PARTITION OF par_hashpart FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO par_hashpart SELECT * FROM par_seg;
ANALYZE par_hashpart;
SET enable_sort = off;
SELECT par_plan('CREATE TABLE par_fullpwise AS SELECT k, gcstitch.stitch(s, e, typ, sess, interval ''5 seconds'') AS st
                 FROM par_hashpart GROUP BY k');
RESET enable_sort;
SELECT 'full partition-wise' AS plan, * FROM par_diff('par_fullpwise');
RESET enable_partitionwise_aggregate;

-- Large keys: 4 keys of 30,000 rows each (states of many chunks, big serialized states) in
-- parallel equal the serial result, and both equal the running-max / range_agg reference (the
-- rows have no wrapup, so the new-call rule never applies and the gap rule is the whole reference).
SET max_parallel_workers_per_gather = 0;
CREATE TABLE par_big AS
SELECT k, s, s + random() * interval '30 seconds' AS e,
       (ARRAY['interact', 'hold', 'alert', 'ivr'])[1 + floor(random() * 4)::int] AS typ,
       's' || floor(random() * 50) AS sess
  FROM (SELECT k, timestamptz '2024-01-01 00:00:00+00' + random() * interval '3 days' AS s
          FROM generate_series(1, 4) k, generate_series(1, 30000) i) x
 ORDER BY random();
ANALYZE par_big;
CREATE TABLE par_big_serial AS
SELECT k, i.* FROM (SELECT k, gcstitch.stitch(s, e, typ, sess, interval '2 seconds') AS st
                      FROM par_big GROUP BY k) a, gcstitch.interactions(a.st) i;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_sort = off;
SELECT par_plan('CREATE TABLE par_big_par AS SELECT k, i.* FROM (SELECT k, gcstitch.stitch(s, e, typ, sess,
                 interval ''2 seconds'') AS st FROM par_big GROUP BY k) a, gcstitch.interactions(a.st) i');
RESET enable_sort;
RESET parallel_leader_participation;
SELECT (SELECT count(*) FROM par_big_serial) > 10000 AS many_islands,
       (SELECT count(*) FROM (SELECT * FROM par_big_serial EXCEPT ALL SELECT * FROM par_big_par) x) AS serial_rows_missing,
       (SELECT count(*) FROM (SELECT * FROM par_big_par EXCEPT ALL SELECT * FROM par_big_serial) x) AS rows_not_in_serial;
WITH r AS (
    SELECT *, sum(CASE WHEN prev_max IS NULL OR s - prev_max > interval '2 seconds' THEN 1 ELSE 0 END)
                  OVER (PARTITION BY k ORDER BY s, e, ctid ROWS UNBOUNDED PRECEDING)::int AS island
      FROM (SELECT ctid, *, max(e) OVER (PARTITION BY k ORDER BY s, e, ctid
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
              FROM par_big) w),
ref AS (
    SELECT k, island AS interaction_no, min(s) AS started_at, max(e) AS ended_at,
           greatest(count(DISTINCT sess), 1)::int AS fragments,
           coalesce((SELECT sum(upper(x) - lower(x))
                       FROM unnest(range_agg(tstzrange(s, e, '[]')) FILTER (WHERE typ = 'interact')) x), '0') AS talk,
           (max(e) - min(s)) - (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS gap
      FROM r GROUP BY k, island)
SELECT count(*) = (SELECT count(*) FROM par_big_par) AS same_island_count,
       count(*) FILTER (WHERE p.k IS NULL OR p.started_at <> ref.started_at OR p.ended_at <> ref.ended_at
                           OR p.fragments <> ref.fragments OR p.talk <> ref.talk OR p.gap <> ref.gap)
           AS reference_mismatches
  FROM ref LEFT JOIN par_big_par p USING (k, interaction_no);
RESET max_parallel_workers_per_gather;

DROP TABLE par_seg, par_serial, par_serial_rows, par_hash, par_group, par_parts, par_rollup,
           par_range, par_pwise, par_hashpart, par_fullpwise, par_big, par_big_serial, par_big_par;
DROP FUNCTION par_plan(text), par_diff(regclass);
