-- A group whose rows carry two tolerances raises 22023 in a parallel plan as in a serial one, also
-- when no single process sees both tolerances: then only the combine function can notice.
-- The rows are list-partitioned by tolerance and aggregated partition-wise under a Parallel Append,
-- so every partial state (one per partition and key, whichever worker computes it) holds a single
-- tolerance, and the mix meets only in the Finalize step's combine.
SET timezone = 'UTC';
SET client_min_messages = warning;
\set VERBOSITY terse

-- 200 keys; each key has the same 25 rows (20 s long, one a minute) with tolerance 10 s in
-- partition ctol_seg_10 and with tolerance 30 s in ctol_seg_30: 10,000 rows, about 30 pages each.
CREATE TABLE ctol_seg (k int, tol interval, s timestamptz, e timestamptz) PARTITION BY LIST (tol);
CREATE TABLE ctol_seg_10 PARTITION OF ctol_seg FOR VALUES IN ('10 seconds');
CREATE TABLE ctol_seg_30 PARTITION OF ctol_seg FOR VALUES IN ('30 seconds');
INSERT INTO ctol_seg
SELECT k, t.tol, timestamptz '2024-06-01 08:00:00+00' + i * interval '1 minute',
       timestamptz '2024-06-01 08:00:20+00' + i * interval '1 minute'
  FROM generate_series(1, 200) k, generate_series(1, 25) i,
       (VALUES (interval '10 seconds'), (interval '30 seconds')) t(tol);
ANALYZE ctol_seg;
SELECT tableoid::regclass AS partition, count(*) AS rows, count(DISTINCT k) AS keys,
       count(DISTINCT tol) AS tolerances
  FROM ctol_seg GROUP BY 1 ORDER BY 1;

-- Serial plan: the transition function sees both tolerances of a key and raises 22023.
SET max_parallel_workers_per_gather = 0;
SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, 'interact', NULL, tol)) FROM ctol_seg GROUP BY k;

-- Forced parallel, partition-wise partial aggregation.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_partitionwise_aggregate = on;
SET enable_sort = off;
-- The plan: each partition's rows go to their own Partial HashAggregate, the partial states meet in
-- Finalize HashAggregate above the Gather.
EXPLAIN (COSTS OFF)
SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, 'interact', NULL, tol)) FROM ctol_seg GROUP BY k;
-- The same plan with one tolerance for every row runs: 200 keys of 25 islands each (a key's rows
-- are 40 s apart, more than 30 s, and each partition holds the same 25).
SELECT count(*) AS keys, min(n) AS min_islands, max(n) AS max_islands
  FROM (SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, 'interact', NULL, interval '30 seconds')) AS n
          FROM ctol_seg GROUP BY k) x;
-- Mixed tolerances: the combine function raises 22023, as the serial plan did.
SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, 'interact', NULL, tol)) FROM ctol_seg GROUP BY k;

RESET enable_sort;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE ctol_seg;
