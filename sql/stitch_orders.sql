-- The order rows reach the aggregate in must not change its value.  The final function sorts a
-- group's rows by the cheapest way their order allows (already sorted: nothing to do; sorted by
-- start with rows of equal start in any order: moved among their peers; a few runs by start:
-- merged; anything else: quicksort), so every key is stitched from the same rows fed in several
-- orders (the aggregate's own ORDER BY) and each value must equal the one from random order.
-- Then the aggregate state's storage: many groups beside array_agg in hashed grouping sets that
-- spill to disk, against the same query sorted in memory.
SET timezone = 'UTC';
SET client_min_messages = warning;
SELECT setseed(0.61);

-- 300 keys of 1 to 300 rows and 3 keys of 6,000 rows.  Starts are drawn from few seconds so that
-- many rows share a start (with different types and sessions), and some rows repeat exactly.
CREATE TEMP TABLE ord_key AS
SELECT k, CASE WHEN k <= 300 THEN 1 + floor(random() * 300)::int ELSE 6000 END AS n
  FROM generate_series(1, 303) k;
CREATE TEMP TABLE ord_row AS
SELECT k, i, s, s + len AS e, typ, sess
  FROM (SELECT k.k, i,
               timestamptz '2024-06-01 08:00:00+00' + floor(random() * k.n / 3) * interval '7 seconds' AS s,
               CASE WHEN random() < 0.2 THEN interval '0' ELSE floor(random() * 40) * interval '1 second' END AS len,
               (ARRAY['alert', 'interact', 'hold', 'wrapup', 'dialing', 'ivr'])[1 + floor(random() * 6)::int] AS typ,
               CASE WHEN random() < 0.2 THEN NULL ELSE 's' || floor(random() * 4)::int END AS sess
          FROM ord_key k, generate_series(1, k.n) i) x;
INSERT INTO ord_row SELECT k, i + 100000, s, e, typ, sess FROM ord_row WHERE i % 17 = 0;   -- exact repeats
-- Each row's place in every order: runs_<r> cuts a key's rows into r parts, each sorted by start
-- (ties at random), one part after the other.
CREATE TEMP TABLE ord_place AS
SELECT k, i, s, e, typ, sess, random() AS o_random, i % 2 AS part2, i % 3 AS part3, i % 8 AS part8,
       i % 64 AS part64, i % 65 AS part65, random() AS tie
  FROM ord_row;

-- One value per key and order.
CREATE TEMP TABLE ord_value AS
SELECT k,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY o_random) AS v_random,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY s, tie) AS v_by_start,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY s, typ, sess, e) AS v_sorted,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY s DESC, tie) AS v_reversed,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY part2, s, tie) AS v_runs2,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY part3, s, tie) AS v_runs3,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY part8, s, tie) AS v_runs8,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY part64, s, tie) AS v_runs64,
       gcstitch.stitch(s, e, typ, sess, interval '30 seconds' ORDER BY part65, s, tie) AS v_runs65
  FROM ord_place GROUP BY k;

-- The data has what the orders are meant to exercise: shared starts with different rows, repeats,
-- keys large enough for 64 merged runs (64 x 64 <= rows).
SELECT count(*) FILTER (WHERE n_start < n_rows) = count(*) AS every_big_key_has_shared_starts,
       bool_or(n_rows >= 64 * 64) AS a_key_merges_64_runs
  FROM (SELECT k, count(DISTINCT s) AS n_start, count(*) AS n_rows FROM ord_row GROUP BY k) x
 WHERE n_rows >= 100;
SELECT count(*) > 0 AS rows_repeat FROM ord_row WHERE i > 100000;

-- Every order gives the value of random order (0 mismatches each).
SELECT count(*) FILTER (WHERE v_by_start OPERATOR(gcstitch.<>) v_random) AS by_start,
       count(*) FILTER (WHERE v_sorted OPERATOR(gcstitch.<>) v_random) AS sorted,
       count(*) FILTER (WHERE v_reversed OPERATOR(gcstitch.<>) v_random) AS reversed,
       count(*) FILTER (WHERE v_runs2 OPERATOR(gcstitch.<>) v_random) AS runs2,
       count(*) FILTER (WHERE v_runs3 OPERATOR(gcstitch.<>) v_random) AS runs3,
       count(*) FILTER (WHERE v_runs8 OPERATOR(gcstitch.<>) v_random) AS runs8,
       count(*) FILTER (WHERE v_runs64 OPERATOR(gcstitch.<>) v_random) AS runs64,
       count(*) FILTER (WHERE v_runs65 OPERATOR(gcstitch.<>) v_random) AS runs65,
       count(*) AS keys
  FROM ord_value;
-- 3,000 rows of one start, each its own session, in random order: moving each among its peers
-- would take millions of moves, so the sort hands them to the quicksort.  By construction (all
-- interact, ends 0 to 6 s after the start): one interaction, 3,000 fragments, 6 s of talk, no gap;
-- the same value in the opposite order.
CREATE TEMP TABLE tie_row AS
SELECT timestamptz '2024-06-01 08:00:00+00' AS s, timestamptz '2024-06-01 08:00:00+00' + (i % 7) * interval '1 second' AS e,
       's' || i AS sess, random() AS o
  FROM generate_series(1, 3000) i;
SELECT gcstitch.interaction_count(a) AS interactions, gcstitch.fragments(a) AS fragments,
       gcstitch.talk(a) AS talk, gcstitch.gap(a) AS gap, a OPERATOR(gcstitch.=) b AS same_reversed
  FROM (SELECT gcstitch.stitch(s, e, 'interact', sess, interval '30 seconds' ORDER BY o) AS a,
               gcstitch.stitch(s, e, 'interact', sess, interval '30 seconds' ORDER BY o DESC) AS b
          FROM tie_row) x;
-- 2. State storage: 20,000 groups beside array_agg (which makes a memory context per group),
-- hashed with work_mem at its minimum (the hash table spills to disk and its memory is reset
-- between batches), and in two grouping sets computed in one sorted pass (the two sets' aggregate
-- contexts alternate row by row): both must give the values of each group computed alone.
CREATE TEMP TABLE gs_row AS
SELECT g, s, s + interval '20 seconds' AS e, (ARRAY['alert', 'interact', 'wrapup'])[1 + i % 3] AS typ,
       's' || (i % 5) AS sess
  FROM (SELECT g, i, timestamptz '2024-06-01 08:00:00+00' + floor(random() * 200) * interval '15 seconds' AS s
          FROM generate_series(1, 20000) g, generate_series(1, 6) i) x
 ORDER BY random();
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE gs_alone AS
SELECT g % 97 AS h, g, gcstitch.stitch(s, e, typ, sess, interval '30 seconds') AS v, count(*) AS n
  FROM gs_row GROUP BY g % 97, g
UNION ALL
SELECT g % 97, NULL, gcstitch.stitch(s, e, typ, sess, interval '30 seconds'), count(*)
  FROM gs_row GROUP BY g % 97;

-- Whether the plan of a query, run, shows a line matching a pattern.
CREATE FUNCTION plan_shows(query text, pattern text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        IF line ~ pattern THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END
$$;

SET work_mem = '64kB';
SET enable_sort = off;
SELECT plan_shows($$SELECT g, gcstitch.stitch(s, e, typ, sess, interval '30 seconds'), array_agg(s)
                      FROM gs_row GROUP BY g$$, 'Batches: [0-9]+  Memory Usage: [0-9]+kB  Disk Usage: [1-9]')
       AS hashed_and_spilled;
CREATE TEMP TABLE gs_hashed AS
SELECT g % 97 AS h, g, gcstitch.stitch(s, e, typ, sess, interval '30 seconds') AS v, array_length(array_agg(s), 1) AS n
  FROM gs_row GROUP BY g;
RESET enable_sort;
SET enable_hashagg = off;
SET work_mem = '256MB';
SELECT plan_shows($$SELECT g % 97, g, gcstitch.stitch(s, e, typ, sess, interval '30 seconds'), array_agg(s)
                      FROM gs_row GROUP BY GROUPING SETS ((g % 97, g), (g % 97))$$, '^\s*Group Key: \(\(g % 97\)\)$')
       AS both_sets_in_one_sorted_pass;
CREATE TEMP TABLE gs_sorted AS
SELECT g % 97 AS h, g, gcstitch.stitch(s, e, typ, sess, interval '30 seconds') AS v, array_length(array_agg(s), 1) AS n
  FROM gs_row GROUP BY GROUPING SETS ((g % 97, g), (g % 97));
RESET enable_hashagg;
RESET work_mem;
SELECT 'hashed' AS plan, count(*) AS groups,
       count(*) FILTER (WHERE NOT coalesce(a.v OPERATOR(gcstitch.=) b.v AND a.n = b.n, false)) AS mismatches
  FROM (SELECT * FROM gs_alone WHERE g IS NOT NULL) a FULL JOIN gs_hashed b ON a.g = b.g
UNION ALL
SELECT 'sorted', count(*), count(*) FILTER (WHERE NOT coalesce(a.v OPERATOR(gcstitch.=) b.v AND a.n = b.n, false))
  FROM gs_alone a FULL JOIN gs_sorted b ON a.h = b.h AND a.g IS NOT DISTINCT FROM b.g;
