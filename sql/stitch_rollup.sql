-- rollup(stitch) merges partial values exactly: bridging rows, interleaved parts, NULLs.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

CREATE TEMP TABLE seg (k text, part int, s timestamptz, e timestamptz, t text, sess text);
INSERT INTO seg VALUES
-- bridge: part 1 and part 2 are 10:01:00 -> 10:02:00 apart (60 s > 30 s): two interactions
--   each.  Part 3 holds a late "other" row 10:01:20-10:01:40, 20 s from both: it bridges them.
--   All together: one interaction 10:00:00-10:03:00, fragments 3, talk 00:02:00, other 00:00:20,
--   union 140 s of 180 s: gap 00:00:40.
('bridge', 1, '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 's1'),
('bridge', 2, '2024-01-01 10:02:00', '2024-01-01 10:03:00', 'interact', 's2'),
('bridge', 3, '2024-01-01 10:01:20', '2024-01-01 10:01:40', 'other',    's3'),
-- weave: rows of one call dealt alternately to two parts, each part alone has gaps over the
--   tolerance.  Part 1: 10:00:00-10:00:20 alert, 10:01:00-10:02:00 interact (a 40 s gap).
--   Part 2: 10:00:20-10:01:00 interact, 10:02:00-10:02:30 wrapup (a 60 s gap).
--   Together: one interaction 10:00:00-10:02:30, alert 20 s, talk 00:01:40, acw 30 s, gap 0,
--   fragments 2 (w1, w2), answered 10:00:20, speed of answer 00:00:20.
('weave', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:20', 'alert',    'w1'),
('weave', 1, '2024-01-01 10:01:00', '2024-01-01 10:02:00', 'interact', 'w2'),
('weave', 2, '2024-01-01 10:00:20', '2024-01-01 10:01:00', 'interact', 'w1'),
('weave', 2, '2024-01-01 10:02:00', '2024-01-01 10:02:30', 'wrapup',   'w2'),
-- zpoint: a zero-length row in its own part bridges two parts (gaps 25 s each).
('zpoint', 1, '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 'z1'),
('zpoint', 2, '2024-01-01 10:01:25', '2024-01-01 10:01:25', 'system',   NULL),
('zpoint', 3, '2024-01-01 10:01:50', '2024-01-01 10:02:00', 'interact', 'z2'),
-- dupsess: the same session in several parts counts once; NULL sessions do not count.
('dupsess', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:30', 'interact', 'd1'),
('dupsess', 2, '2024-01-01 10:00:30', '2024-01-01 10:01:00', 'hold',     'd1'),
('dupsess', 3, '2024-01-01 10:01:00', '2024-01-01 10:01:30', 'interact', NULL),
('dupsess', 3, '2024-01-01 11:00:00', '2024-01-01 11:00:30', 'interact', NULL);

CREATE TEMP TABLE part AS
SELECT k, part, gcstitch.stitch(s, e, t, sess, '30 seconds') AS st FROM seg GROUP BY k, part;

-- Interactions per part: bridge 1, 1, 1; weave 2, 2; zpoint 1, 1, 1; dupsess 1, 1, 2.
SELECT k, part, gcstitch.interaction_count(st) FROM part ORDER BY k, part;

-- rollup over the parts equals one aggregate over all rows, for every key.
SELECT d.k, (SELECT gcstitch.rollup(st) FROM part WHERE part.k = d.k) OPERATOR(gcstitch.=) d.st AS exact
FROM (SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds') st FROM seg GROUP BY k) d
ORDER BY d.k;

-- The rolled-up interactions (hand values in the comments above):
-- bridge: 10:00:00-10:03:00, fragments 3, talk 00:02:00, other 00:00:20, gap 00:00:40.
-- dupsess: #1 10:00:00-10:01:30, fragments 1 (d1), talk 00:01:00, hold 00:00:30, gap 0;
--          #2 11:00:00-11:00:30, fragments 1 (NULL only), talk 00:00:30.
-- weave: 10:00:00-10:02:30, fragments 2, alert 00:00:20, talk 00:01:40, acw 00:00:30,
--        answered 10:00:20, speed of answer 00:00:20.
-- zpoint: 10:00:00-10:02:00, fragments 2, talk 00:01:10, gap 00:00:50.
SELECT r.k, i.interaction_no AS no, i.started_at::time, i.ended_at::time, i.fragments AS frag,
       i.alert, i.talk, i.hold, i.acw, i.other, i.gap, i.answered_at::time, i.speed_of_answer
FROM (SELECT k, gcstitch.rollup(st) st FROM part GROUP BY k) r, gcstitch.interactions(r.st) i
ORDER BY r.k, i.interaction_no;

-- Without the bridging part, bridge stays two interactions; adding it later merges them.
SELECT gcstitch.interaction_count(gcstitch.rollup(st)) FROM part WHERE k = 'bridge' AND part < 3;
SELECT gcstitch.interaction_count(gcstitch.rollup(x))
FROM (SELECT gcstitch.rollup(st) x FROM part WHERE k = 'bridge' AND part < 3
      UNION ALL SELECT st FROM part WHERE k = 'bridge' AND part = 3) y;

-- rollup is associative and idempotent on one value, in any order of the parts.
SELECT k, gcstitch.rollup(st ORDER BY part) OPERATOR(gcstitch.=) gcstitch.rollup(st ORDER BY part DESC) AS any_order,
       gcstitch.rollup(st ORDER BY part) OPERATOR(gcstitch.=)
           (SELECT gcstitch.rollup(st) FROM (SELECT gcstitch.rollup(st) st FROM part p2
                                             WHERE p2.k = part.k GROUP BY p2.part % 2) q) AS nested
FROM part GROUP BY k ORDER BY k;
SELECT bool_and(st OPERATOR(gcstitch.=) (SELECT gcstitch.rollup(x) FROM (VALUES (part.st)) v(x)))
       AS rollup_of_one_is_identity
FROM part;

-- NULL values are skipped; no values or only NULLs give NULL.
SELECT gcstitch.rollup(x) IS NULL AS all_null FROM (VALUES (NULL::gcstitch.stitch)) v(x);
SELECT gcstitch.rollup(st) IS NULL AS empty FROM part WHERE false;
SELECT gcstitch.rollup(x) OPERATOR(gcstitch.=) (SELECT st FROM part WHERE k = 'bridge' AND part = 1)
       AS null_skipped
FROM (SELECT st FROM part WHERE k = 'bridge' AND part = 1 UNION ALL SELECT NULL) v(x);

-- 50 keys of 400 rows, each key's rows dealt to 7 parts: the rollups of the parts equal the
-- direct values for all 50 keys.  A key's rows come every 45 s as alert, interact, hold, wrapup,
-- ivr, alert, ...: every alert two rows after a wrapup of its island starts a new call (rule 2),
-- so parts must bring each other's wrapups; without rule 2 the keys have fewer interactions.
CREATE TEMP TABLE many AS
SELECT 'k' || (g % 50) AS k, g % 7 AS part,
       '2024-01-01'::timestamptz + (g / 50) * interval '45 seconds' AS s,
       '2024-01-01'::timestamptz + (g / 50) * interval '45 seconds' + (g % 11) * interval '3 seconds' AS e,
       (ARRAY['alert', 'interact', 'hold', 'wrapup', 'ivr'])[1 + (g / 50) % 5] AS t,
       CASE WHEN g % 13 = 0 THEN NULL ELSE 'sess' || (g / 120) END AS sess
FROM generate_series(1, 20000) g;
CREATE TEMP TABLE direct AS
SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds') st FROM many GROUP BY k;
CREATE TEMP TABLE parts AS
SELECT k, part, gcstitch.stitch(s, e, t, sess, '30 seconds') st FROM many GROUP BY k, part;
SELECT count(*) AS keys,
       count(*) FILTER (WHERE r.st OPERATOR(gcstitch.=) d.st) AS exact,
       sum(gcstitch.interaction_count(d.st))
           > (SELECT sum(gcstitch.interaction_count(x))
              FROM (SELECT gcstitch.stitch(s, e, t, sess, '30 seconds', false) x FROM many GROUP BY k) y)
           AS rule2_splits
FROM direct d JOIN (SELECT k, gcstitch.rollup(st) st FROM parts GROUP BY k) r USING (k);

-- A group of one value gives it back whole (not rebuilt from its rows); as a window aggregate
-- each frame's value grows from one value to several.  Every frame of every key equals the
-- stitch of the rows of its parts (11 frames: bridge 3, weave 2, zpoint 3, dupsess 3).
SELECT count(*) AS frames,
       count(*) FILTER (WHERE w.st OPERATOR(gcstitch.=)
                        (SELECT gcstitch.stitch(g.s, g.e, g.t, g.sess, '30 seconds') FROM seg g
                          WHERE g.k = w.k AND g.part <= w.part)) AS exact
FROM (SELECT k, part, gcstitch.rollup(st) OVER (PARTITION BY k ORDER BY part) AS st FROM part) w;
