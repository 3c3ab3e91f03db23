-- Stitching semantics on hand-built inputs.  Every expected value is derived in the comments
-- from the rows themselves (docs: stitching-semantics.md).  All rows are on 2024-01-01 UTC;
-- tolerance 30 seconds unless said otherwise.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

CREATE TEMP TABLE seg (k text, s timestamptz, e timestamptz, t text, sess text);

-- One row per interaction of every key, times shown as UTC time of day.
CREATE FUNCTION pg_temp.show(tol interval)
RETURNS TABLE (k text, no int, started time, ended time, frag int, alert interval, talk interval,
               hold interval, acw interval, dial interval, cont interval, other interval,
               handle interval, gap interval, answered time, soa interval)
LANGUAGE sql AS $$
    SELECT x.k, i.interaction_no, i.started_at::time, i.ended_at::time, i.fragments, i.alert,
           i.talk, i.hold, i.acw, i.dialing, i.contacting, i.other, i.handle, i.gap,
           i.answered_at::time, i.speed_of_answer
    FROM (SELECT seg.k, gcstitch.stitch(s, e, t, sess, tol) AS st FROM seg GROUP BY seg.k) x,
         gcstitch.interactions(x.st) i
    ORDER BY x.k, i.interaction_no
$$;

INSERT INTO seg VALUES
-- eq: the gap 10:01:00 -> 10:01:30 equals the tolerance: joins (inclusive).
--   one interaction 10:00:00-10:02:00, 2 fragments, talk 60 + 30 = 00:01:30, gap 00:00:30.
('eq',   '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 's1'),
('eq',   '2024-01-01 10:01:30', '2024-01-01 10:02:00', 'interact', 's2'),
-- over: the gap is one microsecond more than the tolerance: splits.
--   #1 10:00:00-10:01:00 talk 00:01:00; #2 10:01:30.000001-10:02:00 talk 00:00:29.999999.
('over', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 's1'),
('over', '2024-01-01 10:01:30.000001', '2024-01-01 10:02:00', 'interact', 's2'),
-- cover: a long interact covers later short rows; the wrapup starts 20 s after the running
-- maximum end (10:10:00) but 5 min 10 s after the previous row's end (10:05:10): it joins.
--   one interaction 10:00:00-10:11:00, fragments 2 (s1, s2), talk = union(10:00-10:10,
--   10:05:00-10:05:10) = 00:10:00, hold 00:00:10, acw 00:00:40, handle 00:10:50,
--   union of all rows = 600 s + 40 s, span 660 s: gap 00:00:20, answered 10:00:00.
('cover', '2024-01-01 10:00:00', '2024-01-01 10:10:00', 'interact', 's1'),
('cover', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'hold',     's1'),
('cover', '2024-01-01 10:05:00', '2024-01-01 10:05:10', 'interact', 's2'),
('cover', '2024-01-01 10:10:20', '2024-01-01 10:11:00', 'wrapup',   's2'),
-- dup: repeated rows and a fragment re-reporting 2 s already covered count once.
--   one interaction 10:00:00-10:03:00, fragments 2, alert 00:00:10,
--   talk = 10:00:10-10:03:00 = 00:02:50, gap 0, answered 10:00:10, speed of answer 00:00:10.
('dup', '2024-01-01 10:00:00', '2024-01-01 10:00:10', 'alert',    's1'),
('dup', '2024-01-01 10:00:00', '2024-01-01 10:00:10', 'alert',    's1'),
('dup', '2024-01-01 10:00:10', '2024-01-01 10:02:00', 'interact', 's1'),
('dup', '2024-01-01 10:01:58', '2024-01-01 10:03:00', 'interact', 's2'),
('dup', '2024-01-01 10:01:58', '2024-01-01 10:03:00', 'interact', 's2'),
-- zero: a zero-length row 25 s after the first and 25 s before the last joins them
--   (without it the gap would be 50 s).  One interaction 10:00:00-10:02:00, fragments 2,
--   talk 60 + 10 = 00:01:10, other 0, union 70 s of a 120 s span: gap 00:00:50.
('zero', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 's1'),
('zero', '2024-01-01 10:01:25', '2024-01-01 10:01:25', 'system',   's1'),
('zero', '2024-01-01 10:01:50', '2024-01-01 10:02:00', 'interact', 's2'),
-- zeroonly: a single zero-length row: one interaction of length 0, fragments 1.
('zeroonly', '2024-01-01 10:00:00', '2024-01-01 10:00:00', 'alert', 'z'),
-- nulls: rows with a NULL bound are skipped (their session s9 too); NULL type is other;
--   all kept rows have a NULL session: fragments 1.  One interaction 10:00:00-10:01:20,
--   talk 00:01:00, other 00:00:10, handle 00:01:00, gap 00:00:10.
('nulls', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', NULL),
('nulls', NULL,                  '2024-01-01 10:05:00', 'interact', 's9'),
('nulls', '2024-01-01 10:00:30', NULL,                  'interact', 's9'),
('nulls', '2024-01-01 10:01:10', '2024-01-01 10:01:20', NULL,       NULL),
-- allnull: only rows with NULL bounds: the aggregate gives NULL, so no interaction row.
('allnull', NULL, NULL, 'interact', 'x'),
-- one: a single alert row: alert 00:00:07, never answered.
('one', '2024-01-01 10:00:00', '2024-01-01 10:00:07', 'alert', 's1'),
-- types: every class; "Interact" (case differs) and "ivr" are other.
--   09:59:40-10:02:20; contacting 10 s, dialing 10 s, alert 5 s, talk 60 s, hold 30 s,
--   acw 25 s, other 20 s, handle = 60 + 30 + 25 + 10 + 10 = 00:02:15, gap 0,
--   answered 10:00:05, speed of answer 00:00:05, fragments 1.
('types', '2024-01-01 09:59:40', '2024-01-01 09:59:50', 'contacting', 's1'),
('types', '2024-01-01 09:59:50', '2024-01-01 10:00:00', 'dialing',    's1'),
('types', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',      's1'),
('types', '2024-01-01 10:00:05', '2024-01-01 10:01:05', 'interact',   's1'),
('types', '2024-01-01 10:01:05', '2024-01-01 10:01:35', 'hold',       's1'),
('types', '2024-01-01 10:01:35', '2024-01-01 10:02:00', 'wrapup',     's1'),
('types', '2024-01-01 10:02:00', '2024-01-01 10:02:10', 'Interact',   's1'),
('types', '2024-01-01 10:02:10', '2024-01-01 10:02:20', 'ivr',        's1'),
-- frag: three interactions.  #1 sessions a, b, a, NULL: 2 fragments, 10:00:00-10:03:00,
--   talk 60 + 55 = 00:01:55, hold 30 s, acw 30 s, handle 00:02:55, gap 5 s.
--   #2 only a NULL session: 1 fragment, talk 00:01:00.
--   #3 sessions c, d, e: 3 fragments, 12:00:00-12:00:50, talk 30 s, gap 20 s.
('frag', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 'a'),
('frag', '2024-01-01 10:01:05', '2024-01-01 10:02:00', 'interact', 'b'),
('frag', '2024-01-01 10:02:00', '2024-01-01 10:02:30', 'hold',     'a'),
('frag', '2024-01-01 10:02:30', '2024-01-01 10:03:00', 'wrapup',   NULL),
('frag', '2024-01-01 11:00:00', '2024-01-01 11:01:00', 'interact', NULL),
('frag', '2024-01-01 12:00:00', '2024-01-01 12:00:10', 'interact', 'c'),
('frag', '2024-01-01 12:00:20', '2024-01-01 12:00:30', 'interact', 'd'),
('frag', '2024-01-01 12:00:40', '2024-01-01 12:00:50', 'interact', 'e'),
-- soa: the reconnected fragment rings again (no wrapup before it: the new-call rule does not
--   split); answered_at is the first interact start and speed of answer uses the first alert:
--   answered 10:00:20, soa 00:00:20, alert 20 + 2 = 22 s, talk 40 + 48 = 00:01:28, gap 10 s,
--   fragments 2.
('soa', '2024-01-01 10:00:00', '2024-01-01 10:00:20', 'alert',    'p1'),
('soa', '2024-01-01 10:00:20', '2024-01-01 10:01:00', 'interact', 'p1'),
('soa', '2024-01-01 10:01:10', '2024-01-01 10:01:12', 'alert',    'p2'),
('soa', '2024-01-01 10:01:12', '2024-01-01 10:02:00', 'interact', 'p2');

SELECT * FROM pg_temp.show('30 seconds');

-- The same rows in any input order give identical values (the aggregate sorts); allnull: both
-- values are NULL, so the comparison is NULL.
SELECT k, bool_and(a OPERATOR(gcstitch.=) b) AS same
FROM (SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds' ORDER BY s, e) AS a,
             gcstitch.stitch(s, e, t, sess, '30 seconds' ORDER BY e DESC, t DESC, sess) AS b
      FROM seg GROUP BY k) x
GROUP BY k ORDER BY k;

-- Tolerance 0: cover 2 (the wrapup is 20 s after the max end); dup 1 (touching and overlapping
-- rows still join); eq 2 (30 s gap > 0); zero 3; frag 6: 10:00:00-10:01:00, then 10:01:05-10:03:00
-- (rows touch at 10:02:00 and 10:02:30), 11:00, 12:00:00, 12:00:20, 12:00:40.
SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, t, sess, '0')) AS n
FROM seg WHERE k IN ('eq', 'zero', 'frag', 'dup', 'cover') GROUP BY k ORDER BY k;

-- A large tolerance ('36 hours' has no day part) joins the three frag interactions:
-- fragments a, b, c, d, e = 5.
SELECT gcstitch.interaction_count(x), gcstitch.fragments(x)
FROM (SELECT gcstitch.stitch(s, e, t, sess, '36 hours') x FROM seg WHERE k = 'frag') y;

-- Empty group: NULL.  Group of rows with NULL bounds only: NULL.
SELECT gcstitch.stitch(s, e, t, sess, '30 seconds') IS NULL AS empty_is_null FROM seg WHERE false;
SELECT gcstitch.stitch(s, e, t, sess, '30 seconds') IS NULL AS allnull_is_null
FROM seg WHERE k = 'allnull';

-- Scalar accessors: totals over interactions.
-- frag: count 3, fragments 2 + 1 + 3 = 6, talk 115 + 60 + 30 = 00:03:25, hold 00:00:30,
--   acw 00:00:30, handle 205 + 30 + 30 = 00:04:25, gap 5 + 0 + 20 = 00:00:25, alert 0.
-- soa: count 1, fragments 2, talk 00:01:28, alert 00:00:22, handle 00:01:28, gap 00:00:10.
SELECT k, gcstitch.interaction_count(x) AS n, gcstitch.fragments(x) AS frag,
       gcstitch.talk(x), gcstitch.hold(x), gcstitch.acw(x), gcstitch.handle(x),
       gcstitch.gap(x), gcstitch.alert(x), gcstitch.tolerance(x)
FROM (SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds') x FROM seg
      WHERE k IN ('frag', 'soa') GROUP BY k) y
ORDER BY k;

-- Intervals returned are pure microseconds (no day part) even past 24 hours.
SELECT gcstitch.talk(gcstitch.stitch('2024-01-01', '2024-01-03 00:00:01', 'interact', NULL, '0'))
       AS talk_48h;

-- Window labels: same numbering as interactions(); NULL for skipped rows.
-- frag: 1 1 1 1 2 3 3 3; over: 1 2; zero: 1 1 1; nulls: the two kept rows 1, the others NULL.
SELECT k, s::time AS s, e::time AS e,
       gcstitch.interaction_no(s, e, t, '30 seconds') OVER (PARTITION BY k ORDER BY s, e) AS no
FROM seg WHERE k IN ('frag', 'over', 'zero', 'nulls')
ORDER BY k, s, e;

-- Every labelled row lies inside the interaction with its number (0 misplaced rows), and every
-- interaction gets at least one row (0 unlabelled interactions).
WITH lab AS (
    SELECT k, s, e, gcstitch.interaction_no(s, e, t, '30 seconds') OVER (PARTITION BY k ORDER BY s, e) AS no
    FROM seg),
ia AS (
    SELECT x.k, i.interaction_no, i.started_at, i.ended_at
    FROM (SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds') st FROM seg GROUP BY k) x,
         gcstitch.interactions(x.st) i)
SELECT (SELECT count(*) FROM lab LEFT JOIN ia ON ia.k = lab.k AND ia.interaction_no = lab.no
        WHERE lab.no IS NOT NULL AND (ia.k IS NULL OR lab.s < ia.started_at OR lab.e > ia.ended_at))
           AS misplaced,
       (SELECT count(*) FROM ia WHERE NOT EXISTS (
            SELECT 1 FROM lab WHERE lab.k = ia.k AND lab.no = ia.interaction_no)) AS unlabelled;

-- The window function accepts ties in start in any end order (ORDER BY seg_start only).
-- Tolerance 0: the tied rows and 10:05:00 (= running max end) are 1; 10:06:00.000001 is 2.
SELECT * FROM (
SELECT s::time, e::time, gcstitch.interaction_no(s, e, NULL, '0') OVER (ORDER BY s) AS no
FROM (VALUES ('2024-01-01 10:00:00'::timestamptz, '2024-01-01 10:05:00'::timestamptz),
             ('2024-01-01 10:00:00', '2024-01-01 10:01:00'),
             ('2024-01-01 10:05:00', '2024-01-01 10:06:00'),
             ('2024-01-01 10:06:00.000001', '2024-01-01 10:07:00')) v(s, e)) w
ORDER BY s, e;

-- The aggregate also works as a window aggregate (its final function runs once per row on a
-- growing state): the running interaction count of frag is 1 1 1 1 2 3 3 3.
SELECT s::time, gcstitch.interaction_count(gcstitch.stitch(s, e, t, sess, '30 seconds')
                                           OVER (ORDER BY s, e)) AS running_count
FROM seg WHERE k = 'frag' ORDER BY s, e;
