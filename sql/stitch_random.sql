-- Seeded randomized test of the stitching core against an independent pure-SQL reference.
--
-- Thousands of random groups (keys) are generated in pure SQL from a fixed seed, aggregated by
-- gcstitch.stitch and compared, measure by measure, with a reference that knows nothing of the C code:
--   islands     both rules of the stitching semantics, with split_after_wrapup true and false: a
--               plpgsql loop takes each key's rows grouped by start, in order of start, and keeps the
--               island's running maximum end and whether it holds a wrapup; the rows starting at t open
--               a new island when t - that maximum > tolerance (inclusive join at exactly the
--               tolerance), or (rule 2, split_after_wrapup true) when one of them is an offer (alert,
--               dialing, contacting) and the island already holds a wrapup (started before t, since
--               rows of t are added after the test);
--   unions      range_agg(tstzrange(start, end, '[]')) per island and type; closed bounds keep a
--               zero-length row as the point [s,s] (an empty '[)' range would vanish from the union;
--               its length is 0 either way). The length of a multirange is the sum of upper - lower
--               over its ranges (unnest), an exact microsecond sum;
--   gap         (max end - min start) - length of the union of all the island's rows;
--   fragments   count(DISTINCT session), 1 when every session is NULL;
--   answered_at first interact start; speed_of_answer = answered_at - first alert start.
-- Types other than alert, interact, hold, wrapup, dialing, contacting are unioned together as other.
-- Two families of keys: random shapes (rows placed against the running maximum end, random types),
-- and busy agents (one key carrying many calls one after the other, as a persistent client id does).
-- Every comparison prints a count of mismatches: all must be 0. Coverage lines print true when the
-- random data really contains the case (exact-tolerance gaps, zero-length rows, ...).
SET timezone = 'Europe/Paris';
SET client_min_messages = warning;
SELECT setseed(0.20241125);

-- 1. Random shapes -------------------------------------------------------------------------------
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

-- 2. Busy agents --------------------------------------------------------------------------------
-- 300 agents (keys 5001..5300, tolerance 30 s), 2..40 calls each, one after the other, as a client
-- id that persists for a whole login carries them. A call (offsets in microseconds from its start):
-- an offer (inbound: alert 1..20 s; outbound, 15 %: dialing 1..20 s, half of them after contacting
-- 1..5 s), talk 1..300 s, in 30 % of calls hold 1..60 s (in 30 % of those a consult dialing of up to
-- 5 s during the hold) and talk 1..200 s, then wrapup 1..60 s except in 15 % of calls (after-call
-- work skipped). The next call rings 0.5..25 s after the end of the previous one (inside the
-- tolerance), or in 10 % of cases 31 s..10 min later.
CREATE TEMP TABLE agent AS
SELECT 5000 + a AS g, 2 + floor(random() * 39)::int AS ncalls, 2 + floor(random() * 3)::int AS parts,
       timestamptz '2024-10-20 05:00:00+00' + a * interval '13 hours'
           + floor(random() * 1e6) * interval '1 microsecond' AS base
  FROM generate_series(1, 300) a;
INSERT INTO rnd_key (g, tol, n, parts, null_sessions, base)
SELECT g, interval '30 seconds', NULL, parts, false, base FROM agent;

CREATE TEMP TABLE agent_draw AS
SELECT g, c, random() < 0.15 AS outbound, random() < 0.5 AS r_contacting,
       1000000 + floor(random() * 19e6)::bigint AS offer, 1000000 + floor(random() * 4e6)::bigint AS r_contact,
       1000000 + floor(random() * 299e6)::bigint AS t1,
       random() < 0.3 AS with_hold, 1000000 + floor(random() * 59e6)::bigint AS r_h,
       1000000 + floor(random() * 199e6)::bigint AS r_t2, random() < 0.3 AS r_consult, random() AS consult_at,
       random() < 0.85 AS with_wrapup, 1000000 + floor(random() * 59e6)::bigint AS r_w,
       CASE WHEN random() < 0.9 THEN 500000 + floor(random() * 24.5e6)::bigint
            ELSE 31000000 + floor(random() * 569e6)::bigint END AS idle,
       floor(random() * 3)::int AS ncuts,
       random() < 0.1 AS twin_interact, floor(random() * 2e6)::bigint AS twin_len,
       random() < 0.2 AS r_late_wrapup
  FROM agent, generate_series(1, ncalls) c;

-- Absent segments have length 0. offer_end: end of the offer; talk_end: start of the wrapup; total:
-- end of the call. late_wrapup: a wrapup of the previous call arrives at this call's start (a tie
-- with the offer, which then follows no wrapup when the previous call had none of its own), only
-- where no later offer of this call could follow it (no contacting before the dialing, no consult).
CREATE TEMP TABLE agent_call AS
SELECT g, c, outbound, contact, offer, t1, h, t2, consult, consult_at, with_wrapup, w, idle, ncuts,
       twin_interact, twin_len, late_wrapup,
       contact + offer AS offer_end, contact + offer + t1 + h + t2 AS talk_end,
       contact + offer + t1 + h + t2 + w AS total
  FROM (SELECT d.*,
               CASE WHEN outbound AND r_contacting THEN r_contact ELSE 0 END AS contact,
               CASE WHEN with_hold THEN r_h ELSE 0 END AS h,
               CASE WHEN with_hold THEN r_t2 ELSE 0 END AS t2,
               with_hold AND r_consult AS consult,
               CASE WHEN with_wrapup THEN r_w ELSE 0 END AS w,
               r_late_wrapup AND c > 1 AND NOT (outbound AND r_contacting) AND NOT (with_hold AND r_consult)
                   AS late_wrapup
          FROM agent_draw d) x;

-- Reconnects: 0..2 cuts per call at random instants at least 2 s after the end of the offer (a piece
-- never re-reports the offer: it goes on talking, holding or wrapping up); at each cut either dead air
-- (0..30 s, sometimes exactly 30 s, the tolerance) shifts the rest of the call, or the next piece
-- re-reports up to 2 s already covered. Each piece is a session of its own.
CREATE TEMP TABLE agent_cut AS
SELECT g, c, row_number() OVER (PARTITION BY g, c ORDER BY at)::int AS k, at,
       CASE WHEN kind < 0.1 THEN 30000000 WHEN kind < 0.5 THEN floor(random() * 30e6)::bigint ELSE 0 END AS dead,
       CASE WHEN kind >= 0.5 THEN floor(random() * 2e6)::bigint ELSE 0 END AS dup
  FROM (SELECT DISTINCT ON (g, c, at) g, c, at, random() AS kind
          FROM (SELECT g, c, offer_end + 2000000 + floor(random() * (total - offer_end - 2000000))::bigint AS at
                  FROM agent_call, generate_series(1, ncuts)
                 WHERE total - offer_end > 3000000) y
         ORDER BY g, c, at) z;
-- Piece k covers [cut k, cut k+1) of its call, starts earlier by its re-reported part, and is
-- shifted by the dead air of all cuts up to its own.
CREATE TEMP TABLE agent_piece AS
SELECT g, c, k, greatest(lo - dup, prev_lo) AS lo, hi, shift
  FROM (SELECT a.g, a.c, p.k, p.lo, p.dup, lag(p.lo, 1, 0::bigint) OVER w AS prev_lo,
               lead(p.lo, 1, a.total) OVER w AS hi, sum(p.dead) OVER w AS shift
          FROM agent_call a
          JOIN (SELECT g, c, 0 AS k, 0::bigint AS lo, 0::bigint AS dead, 0::bigint AS dup FROM agent_call
                UNION ALL SELECT g, c, k, at, dead, dup FROM agent_cut) p USING (g, c)
        WINDOW w AS (PARTITION BY a.g, a.c ORDER BY p.k)) q;
-- Each call rings idle microseconds after the end of the previous one (its length and dead air).
CREATE TEMP TABLE agent_call_at AS
SELECT a.g, a.c, ag.base + coalesce(sum(a.total + coalesce(d.dead, 0) + a.idle)
                                        OVER (PARTITION BY a.g ORDER BY a.c
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                           * interval '1 microsecond' AS start_at
  FROM agent_call a
  JOIN agent ag USING (g)
  LEFT JOIN (SELECT g, c, sum(dead) AS dead FROM agent_cut GROUP BY g, c) d USING (g, c);
-- The rows: every segment of a call cut to each of its pieces; plus two kinds of ties at a call's
-- start: a short interact reported with the offer, and the previous call's wrapup re-reported.
CREATE TEMP TABLE agent_row AS
SELECT a.g, v.typ, a.start_at + (greatest(p.lo, v.s0) + p.shift) * interval '1 microsecond' AS s,
       a.start_at + (least(p.hi, v.e0) + p.shift) * interval '1 microsecond' AS e,
       'agent' || a.g || '-call' || a.c || '-piece' || p.k AS sess
  FROM agent_call ac
  JOIN agent_call_at a USING (g, c)
  JOIN agent_piece p USING (g, c)
 CROSS JOIN LATERAL (VALUES
       (CASE WHEN ac.outbound THEN 'contacting' END, 0::bigint, ac.contact),
       (CASE WHEN ac.outbound THEN 'dialing' ELSE 'alert' END, ac.contact, ac.offer_end),
       ('interact', ac.offer_end, ac.offer_end + ac.t1),
       ('hold', ac.offer_end + ac.t1, ac.offer_end + ac.t1 + ac.h),
       (CASE WHEN ac.consult THEN 'dialing' END, ac.offer_end + ac.t1 + floor(ac.consult_at * ac.h)::bigint,
        least(ac.offer_end + ac.t1 + ac.h, ac.offer_end + ac.t1 + floor(ac.consult_at * ac.h)::bigint + 5000000)),
       ('interact', ac.offer_end + ac.t1 + ac.h, ac.talk_end),
       ('wrapup', ac.talk_end, ac.total)) v(typ, s0, e0)
 WHERE v.typ IS NOT NULL AND greatest(p.lo, v.s0) < least(p.hi, v.e0)
UNION ALL
SELECT a.g, 'interact', a.start_at, a.start_at + ac.twin_len * interval '1 microsecond',
       'agent' || a.g || '-call' || a.c || '-piece0'
  FROM agent_call ac JOIN agent_call_at a USING (g, c) WHERE ac.twin_interact
UNION ALL
SELECT a.g, 'wrapup', a.start_at, a.start_at + least(ac.offer, 5000000) * interval '1 microsecond',
       'agent' || a.g || '-call' || (a.c - 1) || '-late'
  FROM agent_call ac JOIN agent_call_at a USING (g, c) WHERE ac.late_wrapup;

-- Islands by construction. A call opens a new island when it rings more than the tolerance after the
-- end of the previous call (both rules), or, with rule 2, when the island of the previous call holds
-- a wrapup that started before: the previous call's own, or the late one at the previous call's
-- start. Nothing else splits: dead air inside a call is at most the tolerance, a piece never starts
-- with an offer, and no offer of a call follows a late wrapup at its start.
CREATE TEMP TABLE agent_truth AS
SELECT g, 1 + count(*) FILTER (WHERE c > 1 AND (prev_idle > 30000000 OR prev_wrapup OR prev_late_wrapup))::int
              AS islands_split,
       1 + count(*) FILTER (WHERE c > 1 AND prev_idle > 30000000)::int AS islands_gap_only
  FROM (SELECT g, c, lag(idle) OVER w AS prev_idle, lag(with_wrapup) OVER w AS prev_wrapup,
               lag(late_wrapup) OVER w AS prev_late_wrapup
          FROM agent_call WINDOW w AS (PARTITION BY g ORDER BY c)) x
 GROUP BY g;

-- 3. The rows --------------------------------------------------------------------------------------
-- The aggregate's input: the generated rows of both families, about 10 % duplicated (same interval,
-- sometimes another type or session), a few rows with a NULL start or end (skipped), all in random
-- order; each row is given a random part (1 .. parts of its key) for the rollup split.
CREATE TEMP TABLE rnd_src AS
SELECT g, s, e, typ, sess FROM rnd_gen UNION ALL SELECT g, s, e, typ, sess FROM agent_row;
CREATE TEMP TABLE rnd AS
SELECT row_number() OVER ()::int AS id, u.*, k.tol, 1 + floor(random() * k.parts)::int AS part
  FROM (SELECT g, s, e, typ, sess FROM rnd_src
        UNION ALL
        SELECT g, s, e,
               CASE WHEN random() < 0.5 THEN typ ELSE 'interact' END,
               CASE WHEN random() < 0.5 THEN sess ELSE 's9' END
          FROM rnd_src WHERE random() < 0.10
        UNION ALL
        SELECT g, NULL, e, typ, sess FROM rnd_src WHERE random() < 0.01
        UNION ALL
        SELECT g, s, NULL, typ, sess FROM rnd_src WHERE random() < 0.01) u
  JOIN rnd_key k USING (g)
 ORDER BY random();

-- 4. The independent reference ---------------------------------------------------------------------
-- One output row per (key, start) of the rows with both bounds: its island; the island's running
-- maximum end before these rows (NULL at a key's first start); why an island opened here ('first',
-- 'gap', 'new call'; NULL when the rows joined); and what the rows were (count, offers, a wrapup
-- among them, a wrapup already in the island).
CREATE FUNCTION pg_temp.ref_islands(split boolean)
RETURNS TABLE (g int, s timestamptz, island int, end_before timestamptz, group_end timestamptz,
               opened text, nrows int, noffers int, wrapup boolean, wrapup_before boolean)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    cur_g int;
    n int;
    maxend timestamptz;
    has_wrapup boolean;
BEGIN
    FOR r IN
        SELECT x.g, x.s, max(x.e) AS maxe, min(x.tol) AS tol, count(*)::int AS nrows,
               (count(*) FILTER (WHERE x.typ IN ('alert', 'dialing', 'contacting')))::int AS noffers,
               coalesce(bool_or(x.typ = 'wrapup'), false) AS wrapup
          FROM rnd x
         WHERE x.s IS NOT NULL AND x.e IS NOT NULL
         GROUP BY x.g, x.s
         ORDER BY x.g, x.s
    LOOP
        g := r.g; s := r.s; group_end := r.maxe; nrows := r.nrows; noffers := r.noffers;
        wrapup := r.wrapup;
        IF cur_g IS DISTINCT FROM r.g THEN
            cur_g := r.g; n := 1; opened := 'first'; end_before := NULL; wrapup_before := false;
            maxend := r.maxe; has_wrapup := r.wrapup;
        ELSE
            end_before := maxend; wrapup_before := has_wrapup;
            IF r.s - maxend > r.tol THEN
                opened := 'gap';
            ELSIF split AND r.noffers > 0 AND has_wrapup THEN
                opened := 'new call';
            ELSE
                opened := NULL;
            END IF;
            IF opened IS NULL THEN
                maxend := greatest(maxend, r.maxe);
                has_wrapup := has_wrapup OR r.wrapup;
            ELSE
                n := n + 1;
                maxend := r.maxe;
                has_wrapup := r.wrapup;
            END IF;
        END IF;
        island := n;
        RETURN NEXT;
    END LOOP;
END
$$;
CREATE TEMP TABLE ref_isl AS
SELECT true AS split, * FROM pg_temp.ref_islands(true)
UNION ALL
SELECT false, * FROM pg_temp.ref_islands(false);

CREATE TEMP TABLE ref_row AS
SELECT i.split, r.*, i.island,
       CASE WHEN r.typ IN ('alert', 'interact', 'hold', 'wrapup', 'dialing', 'contacting') THEN r.typ
            ELSE 'other' END AS kind
  FROM rnd r JOIN ref_isl i ON i.g = r.g AND i.s = r.s
 WHERE r.e IS NOT NULL;

CREATE TEMP TABLE ref AS
WITH per_kind AS (
    SELECT split, g, island, kind,
           (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS len
      FROM ref_row GROUP BY split, g, island, kind),
all_rows AS (
    SELECT split, g, island, min(s) AS started_at, max(e) AS ended_at,
           greatest(count(DISTINCT sess), 1)::int AS fragments,
           (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(s, e, '[]'))) x) AS covered,
           min(s) FILTER (WHERE typ = 'interact') AS answered_at,
           min(s) FILTER (WHERE typ = 'alert') AS first_alert
      FROM ref_row GROUP BY split, g, island)
SELECT a.split, a.g, a.island AS interaction_no, a.started_at, a.ended_at, a.fragments,
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
  FROM all_rows a JOIN per_kind p USING (split, g, island)
 GROUP BY a.split, a.g, a.island, a.started_at, a.ended_at, a.fragments, a.covered, a.answered_at,
          a.first_alert;

-- 5. Sanity and coverage, known by construction ------------------------------------------------------
SELECT count(*) AS keys, count(*) FILTER (WHERE g > 5000) AS busy_agents,
       count(*) FILTER (WHERE n = 1) > 0 AS some_single_row_keys
  FROM rnd_key;
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
SELECT count(*) = (SELECT sum(ncalls) FROM agent) AS every_call_generated,
       count(*) FILTER (WHERE outbound) > 300 AS outbound_calls,
       count(*) FILTER (WHERE contact > 0) > 100 AS contacting_before_dialing,
       count(*) FILTER (WHERE consult) > 100 AS consult_dialing,
       count(*) FILTER (WHERE NOT with_wrapup) > 300 AS after_call_work_skipped,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM agent_cut x WHERE x.g = agent_call.g AND x.c = agent_call.c))
           > 1000 AS reconnected,
       count(*) FILTER (WHERE idle > 30000000) > 300 AS gaps_between_calls,
       count(*) FILTER (WHERE late_wrapup) > 300 AS late_wrapup_at_next_offer,
       count(*) FILTER (WHERE twin_interact) > 300 AS interact_reported_with_offer
  FROM agent_call;
-- The reference finds the islands the construction made, key by key: the random shapes by the gap
-- rule (their construction places each start against the running maximum end only), the busy agents
-- with and without rule 2. Without rule 2, a busy agent's calls run together.
SELECT c.family, c.split, count(*) AS keys,
       count(*) FILTER (WHERE c.islands IS DISTINCT FROM r.islands) AS keys_where_reference_and_construction_differ
  FROM (SELECT 'random shapes' AS family, false AS split, g, count(*) FILTER (WHERE new_island)::int AS islands
          FROM rnd_gen GROUP BY g
        UNION ALL SELECT 'busy agents', true, g, islands_split FROM agent_truth
        UNION ALL SELECT 'busy agents', false, g, islands_gap_only FROM agent_truth) c
  LEFT JOIN (SELECT split, g, max(island) AS islands FROM ref_isl GROUP BY split, g) r USING (split, g)
 GROUP BY c.family, c.split ORDER BY c.family DESC, c.split;
SELECT sum(islands_split) > 3 * sum(islands_gap_only) AS calls_run_together_without_rule_2
  FROM agent_truth;
-- The cases of both rules are there (with rule 2).
SELECT count(*) FILTER (WHERE s - end_before = k.tol) > 100 AS gap_equal_to_tolerance,
       count(*) FILTER (WHERE s - end_before = k.tol + interval '1 microsecond') > 100 AS gap_just_over,
       count(*) FILTER (WHERE group_end < end_before) > 100 AS covered_by_longer_row,
       count(*) FILTER (WHERE opened = 'new call') > 3000 AS new_call_splits,
       count(*) FILTER (WHERE opened = 'new call' AND s < end_before) > 100 AS offer_while_island_runs,
       count(*) FILTER (WHERE opened = 'new call' AND nrows > noffers) > 500 AS ties_at_new_call,
       count(*) FILTER (WHERE opened IS NULL AND noffers > 0 AND wrapup AND NOT wrapup_before) > 50
           AS offer_at_first_wrapup_start_joins,
       count(*) FILTER (WHERE opened = 'gap' AND noffers > 0 AND wrapup_before) > 300 AS gap_after_wrapup,
       count(*) FILTER (WHERE opened IS NULL AND noffers > 0 AND NOT wrapup_before) > 1000 AS offers_joining
  FROM ref_isl JOIN rnd_key k USING (g)
 WHERE split;
SELECT split, count(*) FILTER (WHERE fragments > 1) > 1000 AS multi_fragment_islands,
       count(*) FILTER (WHERE gap > interval '0') > 1000 AS islands_with_gap,
       count(*) > 10000 AS many_islands
  FROM ref GROUP BY split ORDER BY split DESC;

-- 6. One-pass aggregate against the reference, measure by measure, with and without rule 2 ----------
CREATE TEMP TABLE agg AS
SELECT m.split, g, gcstitch.stitch(s, e, typ, sess, tol, m.split) AS st
  FROM rnd CROSS JOIN (VALUES (true), (false)) m(split) GROUP BY m.split, g;
CREATE TEMP TABLE got AS
SELECT a.split, a.g, i.* FROM agg a CROSS JOIN LATERAL gcstitch.interactions(a.st) i;

SELECT m.measure, count(*) FILTER (WHERE m.bad AND split) AS mismatches_rule2,
       count(*) FILTER (WHERE m.bad AND NOT split) AS mismatches_gap_only
  FROM ref r FULL JOIN got t USING (split, g, interaction_no)
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

-- The 5-argument aggregate is the 6-argument one with true, for every key (4300 keys).
SELECT count(*) AS keys, count(*) FILTER (WHERE NOT (d.st OPERATOR(gcstitch.=) a.st)) AS different
  FROM (SELECT g, gcstitch.stitch(s, e, typ, sess, tol) AS st FROM rnd GROUP BY g) d
  JOIN agg a USING (g)
 WHERE a.split;

-- Returned intervals are pure microseconds: no day or month part, whatever their length.
SELECT count(*) AS intervals_with_day_or_month_part
  FROM got, LATERAL (VALUES (alert), (talk), (hold), (acw), (dialing), (contacting), (other), (handle),
                            (gap), (speed_of_answer)) v(x)
 WHERE extract(day FROM x) <> 0 OR extract(month FROM x) <> 0 OR extract(year FROM x) <> 0;

-- Scalar accessors: totals over the islands of each key, and the rule the value was stitched with.
SELECT m.measure, count(*) FILTER (WHERE m.bad AND split) AS mismatches_rule2,
       count(*) FILTER (WHERE m.bad AND NOT split) AS mismatches_gap_only
  FROM (SELECT split, g, count(*)::int AS n, sum(talk) AS talk, sum(hold) AS hold, sum(acw) AS acw,
               sum(handle) AS handle, sum(gap) AS gap, sum(fragments)::int AS fragments
          FROM ref GROUP BY split, g) r
  FULL JOIN agg a USING (split, g)
 CROSS JOIN LATERAL (VALUES
       (1, 'interaction_count()', gcstitch.interaction_count(a.st) IS DISTINCT FROM r.n),
       (2, 'talk()', gcstitch.talk(a.st) IS DISTINCT FROM r.talk),
       (3, 'hold()', gcstitch.hold(a.st) IS DISTINCT FROM r.hold),
       (4, 'acw()', gcstitch.acw(a.st) IS DISTINCT FROM r.acw),
       (5, 'handle()', gcstitch.handle(a.st) IS DISTINCT FROM r.handle),
       (6, 'gap()', gcstitch.gap(a.st) IS DISTINCT FROM r.gap),
       (7, 'fragments()', gcstitch.fragments(a.st) IS DISTINCT FROM r.fragments),
       (8, 'split_after_wrapup()', gcstitch.split_after_wrapup(a.st) IS DISTINCT FROM split)) m(ord, measure, bad)
 GROUP BY m.ord, m.measure ORDER BY m.ord;

-- Text output round-trips: same text, same interactions.
SELECT split,
       count(*) FILTER (WHERE st::text::gcstitch.stitch::text IS DISTINCT FROM st::text) AS text_changed,
       count(*) FILTER (WHERE EXISTS (
           (SELECT * FROM gcstitch.interactions(st) EXCEPT ALL
            SELECT * FROM gcstitch.interactions(st::text::gcstitch.stitch))
           UNION ALL
           (SELECT * FROM gcstitch.interactions(st::text::gcstitch.stitch) EXCEPT ALL
            SELECT * FROM gcstitch.interactions(st)))) AS interactions_changed
  FROM agg GROUP BY split ORDER BY split DESC;

-- 7. Window function: each row's label is its reference island ----------------------------------------
-- (Rows with a NULL start or end are in the partitions but not compared: their label is not defined.)
-- Three orders of the rows that start together: by end, then first to last or last to first in the
-- table; and by type, whatever the ends (the labeller needs rows in order of start only).
CREATE TEMP TABLE lab AS
SELECT id,
       gcstitch.interaction_no(s, e, typ, tol, true) OVER (PARTITION BY g ORDER BY s, e, id) AS t1,
       gcstitch.interaction_no(s, e, typ, tol, true) OVER (PARTITION BY g ORDER BY s, e, id DESC) AS t2,
       gcstitch.interaction_no(s, e, typ, tol, true) OVER (PARTITION BY g ORDER BY s, typ DESC, id) AS t3,
       gcstitch.interaction_no(s, e, typ, tol, false) OVER (PARTITION BY g ORDER BY s, e, id) AS f1,
       gcstitch.interaction_no(s, e, typ, tol, false) OVER (PARTITION BY g ORDER BY s, e, id DESC) AS f2,
       gcstitch.interaction_no(s, e, typ, tol, false) OVER (PARTITION BY g ORDER BY s, typ DESC, id) AS f3,
       gcstitch.interaction_no(s, e, typ, tol) OVER (PARTITION BY g ORDER BY s, e, id) AS d1
  FROM rnd;
SELECT o.peer_order,
       count(*) = 2 * (SELECT count(*) FROM rnd WHERE s IS NOT NULL AND e IS NOT NULL) AS every_row_compared,
       count(*) FILTER (WHERE r.split AND o.label IS DISTINCT FROM r.island) AS mismatches_rule2,
       count(*) FILTER (WHERE NOT r.split AND o.label IS DISTINCT FROM r.island) AS mismatches_gap_only
  FROM lab JOIN ref_row r USING (id)
 CROSS JOIN LATERAL (VALUES (1, 'start, end, first row first', CASE WHEN r.split THEN t1 ELSE f1 END),
                            (2, 'start, end, last row first', CASE WHEN r.split THEN t2 ELSE f2 END),
                            (3, 'start, type', CASE WHEN r.split THEN t3 ELSE f3 END)) o(ord, peer_order, label)
 GROUP BY o.ord, o.peer_order ORDER BY o.ord;
-- The 4-argument labeller is the 5-argument one with true.
SELECT count(*) FILTER (WHERE d1 IS DISTINCT FROM t1) AS default_label_differs FROM lab;

-- 8. Random splits (2..4 parts per key, interleaved in time) through rollup ----------------------------
CREATE TEMP TABLE part_agg AS
SELECT m.split, g, part, gcstitch.stitch(s, e, typ, sess, tol, m.split) AS st
  FROM rnd CROSS JOIN (VALUES (true), (false)) m(split) GROUP BY m.split, g, part;
CREATE TEMP TABLE rolled AS
SELECT split, g, gcstitch.rollup(st) AS st FROM part_agg GROUP BY split, g;
-- Two levels: parts 1-2 and 3-4 rolled up first, then those two rolled up.
CREATE TEMP TABLE rolled2 AS
SELECT split, g, gcstitch.rollup(st) AS st
  FROM (SELECT split, g, gcstitch.rollup(st ORDER BY part DESC) AS st FROM part_agg GROUP BY split, g, part > 2) h
 GROUP BY split, g;
SELECT count(DISTINCT g) AS keys_split,
       count(*) FILTER (WHERE split) > 2.5 * count(DISTINCT g) AS about_three_parts_per_key
  FROM part_agg;
-- Interactions of a table of (split, g, st) values that are not in the reference, and the other way.
CREATE FUNCTION pg_temp.diff_ref(tab regclass, rule2 boolean,
                                 OUT rows_not_in_reference bigint, OUT reference_rows_missing bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TEMP TABLE diff_rows AS SELECT a.split, a.g, i.* FROM %s a, '
                   'gcstitch.interactions(a.st) i WHERE a.split = %L', tab, rule2);
    SELECT count(*) INTO rows_not_in_reference
      FROM (SELECT * FROM diff_rows EXCEPT ALL SELECT * FROM ref WHERE ref.split = rule2) x;
    SELECT count(*) INTO reference_rows_missing
      FROM (SELECT * FROM ref WHERE ref.split = rule2 EXCEPT ALL SELECT * FROM diff_rows) x;
    DROP TABLE diff_rows;
END
$$;
SELECT 'rollup' AS how, true AS split, * FROM pg_temp.diff_ref('rolled', true)
UNION ALL SELECT 'rollup', false, * FROM pg_temp.diff_ref('rolled', false)
UNION ALL SELECT 'rollup of rollups', true, * FROM pg_temp.diff_ref('rolled2', true)
UNION ALL SELECT 'rollup of rollups', false, * FROM pg_temp.diff_ref('rolled2', false);
-- Islands that a late part bridged (rollup had to merge islands of different parts), and new-call
-- splits that only rows of two parts make: no part holds both the offer and a wrapup of the island
-- before it.
SELECT count(*) > 100 AS islands_spanning_parts
  FROM (SELECT g, island FROM ref_row WHERE split GROUP BY g, island HAVING count(DISTINCT part) > 1) x;
SELECT count(*) > 100 AS new_call_splits_across_parts
  FROM ref_isl i
  JOIN (SELECT g, s, array_agg(part) AS offer_parts FROM ref_row
         WHERE split AND typ IN ('alert', 'dialing', 'contacting') GROUP BY g, s) o USING (g, s)
  JOIN (SELECT g, island + 1 AS island, array_agg(part) AS wrapup_parts FROM ref_row
         WHERE split AND typ = 'wrapup' GROUP BY g, island) w USING (g, island)
 WHERE i.split AND i.opened = 'new call' AND NOT (o.offer_parts && w.wrapup_parts);

-- 9. A forced parallel plan: partial states of every key built in two workers, serialized, combined --
-- (A regular table: parallel workers cannot read temporary tables.)
CREATE TABLE stitch_random_par AS SELECT * FROM rnd;
ANALYZE stitch_random_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_sort = off;
-- Finalize HashAggregate over a Gather of Partial HashAggregate in 2 workers.
EXPLAIN (COSTS OFF)
SELECT g, gcstitch.stitch(s, e, typ, sess, tol, true) AS st_rule2,
       gcstitch.stitch(s, e, typ, sess, tol, false) AS st_gap_only
  FROM stitch_random_par GROUP BY g;
CREATE TABLE stitch_random_par_agg AS
SELECT g, gcstitch.stitch(s, e, typ, sess, tol, true) AS st_rule2,
       gcstitch.stitch(s, e, typ, sess, tol, false) AS st_gap_only
  FROM stitch_random_par GROUP BY g;
RESET enable_sort;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
CREATE TEMP TABLE par_agg AS
SELECT true AS split, g, st_rule2 AS st FROM stitch_random_par_agg
UNION ALL
SELECT false, g, st_gap_only FROM stitch_random_par_agg;
SELECT 'parallel' AS how, true AS split, * FROM pg_temp.diff_ref('par_agg', true)
UNION ALL SELECT 'parallel', false, * FROM pg_temp.diff_ref('par_agg', false);
DROP TABLE stitch_random_par, stitch_random_par_agg;

-- 10. Cut calls: one uncut call cut at random instants must come back whole ----------------------------
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
