-- Seeded randomized test of the stitching core against an independent pure-SQL reference.
--
-- Thousands of random groups (keys) are generated in pure SQL from a fixed seed, aggregated by
-- gcstitch.stitch and compared, measure by measure, with a reference that knows nothing of the C code:
--   islands     sort each key's rows by (start, end); the running maximum end of the rows before
--               (window max ... ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) opens a new island
--               when start - that maximum > tolerance (inclusive join at exactly the tolerance);
--   unions      range_agg(tstzrange(start, end, '[]')) per island and type; closed bounds keep a
--               zero-length row as the point [s,s] (an empty '[)' range would vanish from the union;
--               its length is 0 either way). The length of a multirange is the sum of upper - lower
--               over its ranges (unnest), an exact microsecond sum;
--   gap         (max end - min start) - length of the union of all the island's rows;
--   fragments   count(DISTINCT session), 1 when every session is NULL;
--   answered_at first interact start; speed_of_answer = answered_at - first alert start.
-- Types other than alert, interact, hold, wrapup, dialing, contacting are unioned together as other.
-- Every comparison prints a count of mismatches: all must be 0. Coverage lines print true when the
-- random data really contains the case (exact-tolerance gaps, zero-length rows, ...).
SET timezone = 'Europe/Paris';
SET client_min_messages = warning;
SELECT setseed(0.20241125);

-- 1. Random groups -------------------------------------------------------------------------------
-- Per key: a tolerance, a row count, a number of parts for the rollup split, sometimes all-NULL sessions.
CREATE TEMP TABLE rnd_key AS
SELECT g,
       (ARRAY['0', '00:00:00.000001', '1 second', '2.5 seconds', '00:00:07.654321', '30 seconds',
              '30 seconds', '5 minutes'])[1 + floor(random() * 8)::int]::interval AS tol,
       1 + floor(random() * 14)::int AS n,
       2 + floor(random() * 3)::int AS parts,
       random() < 0.08 AS null_sessions,
       timestamptz '2024-03-01 00:00:00+00' + g * interval '97 minutes'
           + floor(random() * 1e6) * interval '1 microsecond' AS base
  FROM generate_series(1, 4000) g;

-- All random draws of every row, made up front (the recursive step below only does arithmetic).
CREATE TEMP TABLE rnd_draw AS
SELECT g, i, random() AS r_gap, random() AS r_gap2, random() AS r_len, random() AS r_len2,
       1 + floor(random() * 18)::int AS r_type, random() AS r_sess, 1 + floor(random() * 5)::int AS r_sess2
  FROM rnd_key, generate_series(1, n) i;

-- Rows in generation order: each start is placed against the running maximum end so far (starts
-- never go back), which makes the construction's own island count the truth to check against.
CREATE TEMP TABLE rnd_gen AS
WITH RECURSIVE gen (g, i, s, e, maxend, new_island) AS (
    SELECT k.g, 1, x.s, x.s + x.len, x.s + x.len, true
      FROM rnd_key k
      JOIN rnd_draw d ON d.g = k.g AND d.i = 1
     CROSS JOIN LATERAL (SELECT k.base AS s,
                                CASE WHEN d.r_len < 0.15 THEN interval '0'
                                     WHEN d.r_len < 0.24 THEN (600 + d.r_len2 * 10200) * interval '1 second'
                                     WHEN d.r_len < 0.25 THEN (93600 + d.r_len2 * 14400) * interval '1 second'
                                     ELSE d.r_len2 * interval '90 seconds' END AS len) x
    UNION ALL
    SELECT gen.g, gen.i + 1, x.s, x.s + y.len, greatest(gen.maxend, x.s + y.len), x.s - gen.maxend > k.tol
      FROM gen
      JOIN rnd_key k ON k.g = gen.g
      JOIN rnd_draw d ON d.g = gen.g AND d.i = gen.i + 1
     CROSS JOIN LATERAL (
           SELECT greatest(gen.s, CASE
                  WHEN d.r_gap < 0.15 THEN gen.maxend + k.tol                                 -- gap = tolerance
                  WHEN d.r_gap < 0.25 THEN gen.maxend + k.tol + interval '1 microsecond'      -- just over
                  WHEN d.r_gap < 0.33 THEN gen.maxend + k.tol - interval '1 microsecond'      -- just under
                  WHEN d.r_gap < 0.55 THEN gen.s + (gen.maxend - gen.s) * d.r_gap2            -- inside / overlap
                  WHEN d.r_gap < 0.62 THEN gen.maxend                                         -- touching
                  WHEN d.r_gap < 0.75 THEN gen.maxend + k.tol * (2 * d.r_gap2)                -- around it
                  WHEN d.r_gap < 0.87 THEN gen.maxend + (60 + d.r_gap2 * 7200) * interval '1 second'
                  ELSE gen.maxend + d.r_gap2 * interval '5 seconds' END) AS s) x
     CROSS JOIN LATERAL (
           SELECT CASE WHEN d.r_len < 0.15 THEN interval '0'                                  -- zero length
                       WHEN d.r_len < 0.24 THEN (600 + d.r_len2 * 10200) * interval '1 second' -- long
                       WHEN d.r_len < 0.25 THEN (93600 + d.r_len2 * 14400) * interval '1 second' -- > 1 day
                       ELSE d.r_len2 * interval '90 seconds' END AS len) y
)
SELECT gen.g, gen.i, gen.s, gen.e, gen.new_island,
       (ARRAY['interact', 'interact', 'interact', 'interact', 'alert', 'alert', 'hold', 'hold',
              'wrapup', 'wrapup', 'dialing', 'contacting', 'ivr', 'unknown', 'Interact', 'system',
              '', 'HOLD'])[d.r_type] AS typ,
       CASE WHEN k.null_sessions OR d.r_sess < 0.15 THEN NULL
            ELSE (ARRAY['s0', 's1', 's2', 's3', ''])[d.r_sess2] END AS sess   -- '' is a session, not NULL
  FROM gen
  JOIN rnd_key k USING (g)
  JOIN rnd_draw d USING (g, i);

-- The aggregate's input: the generated rows, about 10 % duplicated (same interval, sometimes another
-- type or session), a few rows with a NULL start or end (skipped), all in random order; each row is
-- given a random part (1 .. parts of its key) for the rollup split.
CREATE TEMP TABLE rnd AS
SELECT row_number() OVER ()::int AS id, u.*, k.tol, 1 + floor(random() * k.parts)::int AS part
  FROM (SELECT g, s, e, typ, sess FROM rnd_gen
        UNION ALL
        SELECT g, s, e,
               CASE WHEN random() < 0.5 THEN typ ELSE 'interact' END,
               CASE WHEN random() < 0.5 THEN sess ELSE 's9' END
          FROM rnd_gen WHERE random() < 0.10
        UNION ALL
        SELECT g, NULL, e, typ, sess FROM rnd_gen WHERE random() < 0.01
        UNION ALL
        SELECT g, s, NULL, typ, sess FROM rnd_gen WHERE random() < 0.01) u
  JOIN rnd_key k USING (g)
 ORDER BY random();

-- 2. The independent reference ---------------------------------------------------------------------
CREATE TEMP TABLE ref_row AS
SELECT w.*,
       sum(CASE WHEN prev_max IS NULL OR s - prev_max > tol THEN 1 ELSE 0 END)
           OVER (PARTITION BY g ORDER BY s, e, id ROWS UNBOUNDED PRECEDING)::int AS island,
       CASE WHEN typ IN ('alert', 'interact', 'hold', 'wrapup', 'dialing', 'contacting') THEN typ
            ELSE 'other' END AS kind
  FROM (SELECT r.*,
               max(e) OVER (PARTITION BY g ORDER BY s, e, id
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
          FROM rnd r
         WHERE s IS NOT NULL AND e IS NOT NULL) w;

CREATE TEMP TABLE ref AS
WITH per_kind AS (
    SELECT g, island, kind,
           (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS len
      FROM ref_row GROUP BY g, island, kind),
all_rows AS (
    SELECT g, island, min(s) AS started_at, max(e) AS ended_at,
           greatest(count(DISTINCT sess), 1)::int AS fragments,
           (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS covered,
           min(s) FILTER (WHERE typ = 'interact') AS answered_at,
           min(s) FILTER (WHERE typ = 'alert') AS first_alert
      FROM ref_row GROUP BY g, island)
SELECT a.g, a.island AS interaction_no, a.started_at, a.ended_at, a.fragments,
       coalesce(sum(len) FILTER (WHERE kind = 'alert'), '0') AS alert,
       coalesce(sum(len) FILTER (WHERE kind = 'interact'), '0') AS talk,
       coalesce(sum(len) FILTER (WHERE kind = 'hold'), '0') AS hold,
       coalesce(sum(len) FILTER (WHERE kind = 'wrapup'), '0') AS acw,
       coalesce(sum(len) FILTER (WHERE kind = 'dialing'), '0') AS dialing,
       coalesce(sum(len) FILTER (WHERE kind = 'contacting'), '0') AS contacting,
       coalesce(sum(len) FILTER (WHERE kind = 'other'), '0') AS other,
       coalesce(sum(len) FILTER (WHERE kind IN ('interact', 'hold', 'wrapup', 'dialing', 'contacting')),
                '0') AS handle,
       (a.ended_at - a.started_at) - a.covered AS gap,
       a.answered_at, a.answered_at - a.first_alert AS speed_of_answer
  FROM all_rows a JOIN per_kind p USING (g, island)
 GROUP BY a.g, a.island, a.started_at, a.ended_at, a.fragments, a.covered, a.answered_at, a.first_alert;

-- 3. Sanity and coverage, known by construction ------------------------------------------------------
SELECT count(*) AS keys, count(*) FILTER (WHERE n = 1) > 0 AS some_single_row_keys FROM rnd_key;
SELECT count(DISTINCT g) AS keys_with_rows,
       count(*) FILTER (WHERE s IS NULL OR e IS NULL) > 0 AS null_bounds,
       count(*) FILTER (WHERE s = e) > 100 AS zero_length,
       count(*) FILTER (WHERE e - s > interval '1 day') > 10 AS longer_than_a_day,
       count(*) FILTER (WHERE sess IS NULL) > 100 AS null_sessions,
       count(*) FILTER (WHERE sess = '') > 100 AS empty_sessions,
       count(*) FILTER (WHERE typ NOT IN ('alert', 'interact', 'hold', 'wrapup', 'dialing', 'contacting')) > 100
           AS other_types,
       count(*) - count(DISTINCT (g, s, e)) > 100 AS duplicates
  FROM rnd;
-- The reference finds the islands the construction made, key by key.
SELECT count(*) AS keys_where_reference_and_construction_differ
  FROM (SELECT g, count(*) FILTER (WHERE new_island) AS islands FROM rnd_gen GROUP BY g) c
  FULL JOIN (SELECT g, max(island) AS islands FROM ref_row GROUP BY g) r USING (g)
 WHERE c.islands IS DISTINCT FROM r.islands;
SELECT count(*) FILTER (WHERE s - prev_max = tol) > 100 AS gap_equal_to_tolerance,
       count(*) FILTER (WHERE s - prev_max = tol + interval '1 microsecond') > 100 AS gap_just_over,
       count(*) FILTER (WHERE s < prev_max AND e < prev_max) > 100 AS covered_by_longer_row,
       count(DISTINCT (g, island)) > 10000 AS many_islands
  FROM ref_row;
SELECT count(*) FILTER (WHERE fragments > 1) > 1000 AS multi_fragment_islands,
       count(*) FILTER (WHERE gap > interval '0') > 1000 AS islands_with_gap
  FROM ref;

-- 4. One-pass aggregate against the reference, measure by measure ------------------------------------
CREATE TEMP TABLE agg AS
SELECT g, gcstitch.stitch(s, e, typ, sess, tol) AS st FROM rnd GROUP BY g;
CREATE TEMP TABLE got AS
SELECT a.g, i.* FROM agg a CROSS JOIN LATERAL gcstitch.interactions(a.st) i;

SELECT m.measure, count(*) FILTER (WHERE m.bad) AS mismatches
  FROM ref r FULL JOIN got t USING (g, interaction_no)
 CROSS JOIN LATERAL (VALUES
       (1, 'island missing', t.g IS NULL), (2, 'island extra', r.g IS NULL),
       (3, 'started_at', r.started_at IS DISTINCT FROM t.started_at),
       (4, 'ended_at', r.ended_at IS DISTINCT FROM t.ended_at),
       (5, 'fragments', r.fragments IS DISTINCT FROM t.fragments),
       (6, 'alert', r.alert IS DISTINCT FROM t.alert),
       (7, 'talk', r.talk IS DISTINCT FROM t.talk),
       (8, 'hold', r.hold IS DISTINCT FROM t.hold),
       (9, 'acw', r.acw IS DISTINCT FROM t.acw),
       (10, 'dialing', r.dialing IS DISTINCT FROM t.dialing),
       (11, 'contacting', r.contacting IS DISTINCT FROM t.contacting),
       (12, 'other', r.other IS DISTINCT FROM t.other),
       (13, 'handle', r.handle IS DISTINCT FROM t.handle),
       (14, 'gap', r.gap IS DISTINCT FROM t.gap),
       (15, 'answered_at', r.answered_at IS DISTINCT FROM t.answered_at),
       (16, 'speed_of_answer', r.speed_of_answer IS DISTINCT FROM t.speed_of_answer)) m(ord, measure, bad)
 GROUP BY m.ord, m.measure ORDER BY m.ord;

-- Returned intervals are pure microseconds: no day or month part, whatever their length.
SELECT count(*) AS intervals_with_day_or_month_part
  FROM got, LATERAL (VALUES (alert), (talk), (hold), (acw), (dialing), (contacting), (other), (handle),
                            (gap), (speed_of_answer)) v(x)
 WHERE extract(day FROM x) <> 0 OR extract(month FROM x) <> 0 OR extract(year FROM x) <> 0;

-- Scalar accessors: totals over the islands of each key.
SELECT m.measure, count(*) FILTER (WHERE m.bad) AS mismatches
  FROM (SELECT g, count(*)::int AS n, sum(talk) AS talk, sum(hold) AS hold, sum(acw) AS acw,
               sum(handle) AS handle, sum(gap) AS gap, sum(fragments)::int AS fragments
          FROM ref GROUP BY g) r
  FULL JOIN agg a USING (g)
 CROSS JOIN LATERAL (VALUES
       (1, 'interaction_count()', gcstitch.interaction_count(a.st) IS DISTINCT FROM r.n),
       (2, 'talk()', gcstitch.talk(a.st) IS DISTINCT FROM r.talk),
       (3, 'hold()', gcstitch.hold(a.st) IS DISTINCT FROM r.hold),
       (4, 'acw()', gcstitch.acw(a.st) IS DISTINCT FROM r.acw),
       (5, 'handle()', gcstitch.handle(a.st) IS DISTINCT FROM r.handle),
       (6, 'gap()', gcstitch.gap(a.st) IS DISTINCT FROM r.gap),
       (7, 'fragments()', gcstitch.fragments(a.st) IS DISTINCT FROM r.fragments)) m(ord, measure, bad)
 GROUP BY m.ord, m.measure ORDER BY m.ord;

-- Text output round-trips: same text, same interactions.
SELECT count(*) FILTER (WHERE st::text::gcstitch.stitch::text IS DISTINCT FROM st::text) AS text_changed,
       count(*) FILTER (WHERE EXISTS (
           (SELECT * FROM gcstitch.interactions(st) EXCEPT ALL
            SELECT * FROM gcstitch.interactions(st::text::gcstitch.stitch))
           UNION ALL
           (SELECT * FROM gcstitch.interactions(st::text::gcstitch.stitch) EXCEPT ALL
            SELECT * FROM gcstitch.interactions(st)))) AS interactions_changed
  FROM agg;

-- 5. Window function: each row's label is its reference island ----------------------------------------
-- (Rows with a NULL start or end are in the partitions but not compared: their label is not defined.)
SELECT count(*) = (SELECT count(*) FROM rnd WHERE s IS NOT NULL AND e IS NOT NULL) AS every_row_compared,
       count(*) FILTER (WHERE w.label IS DISTINCT FROM r.island) AS label_mismatches
  FROM (SELECT id, gcstitch.interaction_no(s, e, tol) OVER (PARTITION BY g ORDER BY s, e) AS label
          FROM rnd) w
  JOIN ref_row r USING (id);

-- 6. Random splits (2..4 parts per key, interleaved in time) through rollup ----------------------------
CREATE TEMP TABLE part_agg AS
SELECT g, part, gcstitch.stitch(s, e, typ, sess, tol) AS st FROM rnd GROUP BY g, part;
CREATE TEMP TABLE rolled AS
SELECT g, gcstitch.rollup(st) AS st FROM part_agg GROUP BY g;
-- Two levels: parts 1-2 and 3-4 rolled up first, then those two rolled up.
CREATE TEMP TABLE rolled2 AS
SELECT g, gcstitch.rollup(st) AS st
  FROM (SELECT g, gcstitch.rollup(st ORDER BY part DESC) AS st FROM part_agg GROUP BY g, part > 2) h
 GROUP BY g;
SELECT count(DISTINCT g) AS keys_split, count(*) > 2.5 * count(DISTINCT g) AS about_three_parts_per_key
  FROM part_agg;
SELECT 'rollup' AS how,
       (SELECT count(*) FROM (SELECT a.g, i.* FROM rolled a, gcstitch.interactions(a.st) i
                              EXCEPT ALL SELECT * FROM got) x) AS rows_not_in_one_pass,
       (SELECT count(*) FROM (SELECT * FROM got
                              EXCEPT ALL SELECT a.g, i.* FROM rolled a, gcstitch.interactions(a.st) i) x)
           AS one_pass_rows_missing
UNION ALL
SELECT 'rollup of rollups',
       (SELECT count(*) FROM (SELECT a.g, i.* FROM rolled2 a, gcstitch.interactions(a.st) i
                              EXCEPT ALL SELECT * FROM got) x),
       (SELECT count(*) FROM (SELECT * FROM got
                              EXCEPT ALL SELECT a.g, i.* FROM rolled2 a, gcstitch.interactions(a.st) i) x);
-- Islands that a late part bridged (rollup had to merge islands of different parts).
SELECT count(*) > 100 AS islands_spanning_parts
  FROM (SELECT g, island FROM ref_row GROUP BY g, island HAVING count(DISTINCT part) > 1) x;

-- 7. Cut calls: one uncut call cut at random instants must come back whole ----------------------------
-- Uncut call (offsets in microseconds): alert A, interact T1, hold H, interact T2, wrapup W.
-- 0..3 cuts at random instants; at each cut either dead air (0 .. 30 s, sometimes exactly 30 s, the
-- tolerance) shifts the rest of the call, or the next piece re-reports up to 2 s already covered by
-- the previous one. Each piece is a session of its own.
CREATE TEMP TABLE call AS
SELECT c, base, a, t1, h, t2, w, a + t1 + h + t2 + w AS total, floor(random() * 4)::int AS ncuts
  FROM (SELECT c, timestamptz '2024-10-26 23:00:00+00' + c * interval '2 hours'
                  + floor(random() * 1e6) * interval '1 microsecond' AS base,
               1 + floor(random() * 30e6)::bigint AS a, 1 + floor(random() * 600e6)::bigint AS t1,
               1e6::bigint + floor(random() * 120e6)::bigint AS h, 1 + floor(random() * 600e6)::bigint AS t2,
               1e6::bigint + floor(random() * 120e6)::bigint AS w
          FROM generate_series(1, 1500) c) x;
CREATE TEMP TABLE cut AS
SELECT c, row_number() OVER (PARTITION BY c ORDER BY at)::int AS k, at,
       CASE WHEN kind < 0.1 THEN 30000000 WHEN kind < 0.5 THEN floor(random() * 30e6)::bigint ELSE 0 END AS dead,
       CASE WHEN kind >= 0.5 THEN floor(random() * 2e6)::bigint ELSE 0 END AS dup
  FROM (SELECT DISTINCT ON (c, at) c, at, random() AS kind
          FROM (SELECT c, 1 + floor(random() * (total - 1))::bigint AS at
                  FROM call, generate_series(1, ncuts)) y
         ORDER BY c, at) z;
-- Piece k covers [cut k, cut k+1) of the uncut call, starts earlier by its re-reported part, and is
-- shifted by the dead air of all cuts up to its own.
CREATE TEMP TABLE piece AS
SELECT c, k, greatest(lo - dup, prev_lo) AS lo, hi, shift
  FROM (SELECT c.c, p.k, p.lo, p.dup, lag(p.lo, 1, 0::bigint) OVER w AS prev_lo,
               lead(p.lo, 1, c.total) OVER w AS hi, sum(p.dead) OVER w AS shift
          FROM call c
          JOIN (SELECT c, 0 AS k, 0::bigint AS lo, 0::bigint AS dead, 0::bigint AS dup FROM call
                UNION ALL SELECT c, k, at, dead, dup FROM cut) p USING (c)
        WINDOW w AS (PARTITION BY c.c ORDER BY p.k)) q;
CREATE TEMP TABLE cut_row AS
SELECT c, k, typ, base + (greatest(lo, s0) + shift) * interval '1 microsecond' AS s,
       base + (least(hi, e0) + shift) * interval '1 microsecond' AS e,
       'call' || c || '-piece' || k AS sess, interval '30 seconds' AS tol
  FROM call
  JOIN piece USING (c)
 CROSS JOIN LATERAL (VALUES ('alert', 0, a), ('interact', a, a + t1), ('hold', a + t1, a + t1 + h),
                            ('interact', a + t1 + h, a + t1 + h + t2),
                            ('wrapup', a + t1 + h + t2, total)) v(typ, s0, e0)
 WHERE greatest(lo, s0) < least(hi, e0)
 ORDER BY random();

-- Every piece has rows (pieces have positive length and the call is covered end to end).
SELECT count(*) AS calls,
       (SELECT count(*) FROM call) + (SELECT count(*) FROM cut) = (SELECT count(DISTINCT sess) FROM cut_row)
           AS every_piece_has_rows,
       (SELECT count(*) FILTER (WHERE dead = 30000000) > 10 FROM cut) AS dead_air_equal_to_tolerance,
       (SELECT count(*) FILTER (WHERE dup > 0) > 100 FROM cut) AS re_reported_seconds,
       (SELECT count(*) FILTER (WHERE ncuts = 3) > 100 FROM call) AS calls_in_four_pieces
  FROM call;

CREATE TEMP TABLE call_expected AS
SELECT c, 1 + (SELECT count(*) FROM cut WHERE cut.c = call.c) AS fragments, a * interval '1 microsecond' AS alert,
       (t1 + t2) * interval '1 microsecond' AS talk, h * interval '1 microsecond' AS hold,
       w * interval '1 microsecond' AS acw, (t1 + h + t2 + w) * interval '1 microsecond' AS handle,
       coalesce((SELECT sum(dead) FROM cut WHERE cut.c = call.c), 0) * interval '1 microsecond' AS gap,
       base + (a + coalesce((SELECT sum(dead) FROM cut WHERE cut.c = call.c AND cut.at <= a), 0))
           * interval '1 microsecond' AS answered_at
  FROM call;

-- Three ways: one aggregate over all rows, one aggregate per piece rolled up, and the reference.
CREATE TEMP TABLE call_got AS
SELECT 'one pass' AS how, c, i.*
  FROM (SELECT c, gcstitch.stitch(s, e, typ, sess, tol) AS st FROM cut_row GROUP BY c) x,
       gcstitch.interactions(x.st) i
UNION ALL
SELECT 'pieces rolled up', c, i.*
  FROM (SELECT c, gcstitch.rollup(st) AS st
          FROM (SELECT c, k, gcstitch.stitch(s, e, typ, sess, tol) AS st FROM cut_row GROUP BY c, k) p
         GROUP BY c) x,
       gcstitch.interactions(x.st) i;
SELECT how, count(*) AS interactions,
       count(*) FILTER (WHERE t.fragments IS DISTINCT FROM x.fragments) AS fragments_wrong,
       count(*) FILTER (WHERE t.alert IS DISTINCT FROM x.alert) AS alert_wrong,
       count(*) FILTER (WHERE t.talk IS DISTINCT FROM x.talk) AS talk_wrong,
       count(*) FILTER (WHERE t.hold IS DISTINCT FROM x.hold) AS hold_wrong,
       count(*) FILTER (WHERE t.acw IS DISTINCT FROM x.acw) AS acw_wrong,
       count(*) FILTER (WHERE t.handle IS DISTINCT FROM x.handle) AS handle_wrong,
       count(*) FILTER (WHERE t.gap IS DISTINCT FROM x.gap) AS gap_wrong,
       count(*) FILTER (WHERE t.answered_at IS DISTINCT FROM x.answered_at
                           OR t.speed_of_answer IS DISTINCT FROM x.answered_at - x.base) AS answer_wrong
  FROM call_got t JOIN (call_expected JOIN call USING (c)) x USING (c)
 GROUP BY how ORDER BY how;

-- The reference, applied to the cut calls, agrees with the construction too.
SELECT count(*) AS calls,
       count(*) FILTER (WHERE r.islands <> 1 OR r.fragments <> x.fragments OR r.alert <> x.alert
                           OR r.talk <> x.talk OR r.hold <> x.hold OR r.acw <> x.acw
                           OR r.gap <> x.gap OR r.answered_at <> x.answered_at) AS reference_wrong
  FROM (SELECT c, count(*) AS islands, max(fragments) AS fragments, max(alert) AS alert,
               max(talk) AS talk, max(hold) AS hold, max(acw) AS acw, max(gap) AS gap,
               max(answered_at) AS answered_at
          FROM (SELECT c, island, greatest(count(DISTINCT sess), 1) AS fragments,
                       (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))
                            FILTER (WHERE typ = 'alert')) x) AS alert,
                       (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))
                            FILTER (WHERE typ = 'interact')) x) AS talk,
                       (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))
                            FILTER (WHERE typ = 'hold')) x) AS hold,
                       (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))
                            FILTER (WHERE typ = 'wrapup')) x) AS acw,
                       (max(e) - min(s)) - (SELECT sum(upper(x) - lower(x))
                                              FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS gap,
                       min(s) FILTER (WHERE typ = 'interact') AS answered_at
                  FROM (SELECT *, sum(CASE WHEN prev_max IS NULL OR s - prev_max > tol THEN 1 ELSE 0 END)
                                      OVER (PARTITION BY c ORDER BY s, e, sess ROWS UNBOUNDED PRECEDING) AS island
                          FROM (SELECT *, max(e) OVER (PARTITION BY c ORDER BY s, e, sess
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
                                  FROM cut_row) p) q
                 GROUP BY c, island) i
         GROUP BY c) r
  JOIN call_expected x USING (c);
