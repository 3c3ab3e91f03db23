-- Rule 2 of the stitching semantics, "new call", on hand-built inputs: the rows starting at
-- instant t open a new island when one of them is an offer (alert, dialing, contacting) and the
-- island already holds a wrapup row that started before t (strictly); rows with the same start
-- always share an island.  Every expected value is derived in the comments from the rows
-- (docs: stitching-semantics.md, section "Islands").  All rows are on 2024-01-01 UTC; tolerance
-- 30 seconds.  In the comments "a-b" are seconds after 10:00:00.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

CREATE TEMP TABLE seg (k text, s timestamptz, e timestamptz, t text, sess text);

-- One row per interaction of every key, times shown as UTC time of day.
CREATE FUNCTION pg_temp.show(split boolean)
RETURNS TABLE (k text, no int, started time, ended time, frag int, alert interval, talk interval,
               hold interval, acw interval, dial interval, cont interval, other interval,
               handle interval, gap interval, answered time, soa interval)
LANGUAGE sql AS $$
    SELECT x.k, i.interaction_no, i.started_at::time, i.ended_at::time, i.fragments, i.alert,
           i.talk, i.hold, i.acw, i.dialing, i.contacting, i.other, i.handle, i.gap,
           i.answered_at::time, i.speed_of_answer
    FROM (SELECT seg.k, gcstitch.stitch(s, e, t, sess, '30 seconds', split) AS st
          FROM seg GROUP BY seg.k) x,
         gcstitch.interactions(x.st) i
    ORDER BY x.k, i.interaction_no
$$;

INSERT INTO seg VALUES
-- at_start: an alert exactly at a wrapup's start does not split (the wrapup did not start
--   before it).  Groups: 0 alert; 5 interact; 60 {wrapup, alert}: no wrapup before 60, joins;
--   64 interact joins; 100 alert: gap 100 - 90 = 10, but the wrapup of 60 started before: new.
--   #1 10:00:00-10:01:30, fragments 2 (c1, c2), alert 5 + 4 = 9 s, talk 55 + 26 = 00:01:21,
--      acw 20 s, handle 00:01:41, rows cover 0-90: gap 0, answered 10:00:05, soa 5 s.
--   #2 10:01:40-10:01:45, fragments 1, alert 5 s, never answered.
('at_start', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('at_start', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('at_start', '2024-01-01 10:01:00', '2024-01-01 10:01:20', 'wrapup',   'c1'),
('at_start', '2024-01-01 10:01:00', '2024-01-01 10:01:04', 'alert',    'c2'),
('at_start', '2024-01-01 10:01:04', '2024-01-01 10:01:30', 'interact', 'c2'),
('at_start', '2024-01-01 10:01:40', '2024-01-01 10:01:45', 'alert',    'c3'),
-- after_1ms: the same call, the next alert one millisecond after the wrapup's start: splits.
--   #1 10:00:00-10:01:20, fragments 1, alert 5 s, talk 55 s, acw 20 s, handle 00:01:15, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:00.001-10:01:30, fragments 1, alert 00:00:03.999, talk 26 s, handle 26 s, gap 0,
--      answered 10:01:04, soa 00:00:03.999.
('after_1ms', '2024-01-01 10:00:00',     '2024-01-01 10:00:05', 'alert',    'c1'),
('after_1ms', '2024-01-01 10:00:05',     '2024-01-01 10:01:00', 'interact', 'c1'),
('after_1ms', '2024-01-01 10:01:00',     '2024-01-01 10:01:20', 'wrapup',   'c1'),
('after_1ms', '2024-01-01 10:01:00.001', '2024-01-01 10:01:04', 'alert',    'c2'),
('after_1ms', '2024-01-01 10:01:04',     '2024-01-01 10:01:30', 'interact', 'c2'),
-- after_1us: one microsecond after: splits too; #2 starts 10:01:00.000001, alert and soa
--   00:00:03.999999; everything else as after_1ms.
('after_1us', '2024-01-01 10:00:00',        '2024-01-01 10:00:05', 'alert',    'c1'),
('after_1us', '2024-01-01 10:00:05',        '2024-01-01 10:01:00', 'interact', 'c1'),
('after_1us', '2024-01-01 10:01:00',        '2024-01-01 10:01:20', 'wrapup',   'c1'),
('after_1us', '2024-01-01 10:01:00.000001', '2024-01-01 10:01:04', 'alert',    'c2'),
('after_1us', '2024-01-01 10:01:04',        '2024-01-01 10:01:30', 'interact', 'c2'),
-- wrapup_running: the next call rings while the wrapup 60-100 still runs (optional after-call
--   work): 70 alert splits although 70 < the running maximum end 100.  The islands overlap.
--   #1 10:00:00-10:01:40, fragments 1, alert 5 s, talk 55 s, acw 40 s, handle 00:01:35, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:10-10:02:10 (120 wrapup: 120 - 120 = 0, joins), fragments 1, alert 5 s, talk 45 s,
--      acw 10 s, handle 55 s, gap 0, answered 10:01:15, soa 5 s.
('wrapup_running', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('wrapup_running', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('wrapup_running', '2024-01-01 10:01:00', '2024-01-01 10:01:40', 'wrapup',   'c1'),
('wrapup_running', '2024-01-01 10:01:10', '2024-01-01 10:01:15', 'alert',    'c2'),
('wrapup_running', '2024-01-01 10:01:15', '2024-01-01 10:02:00', 'interact', 'c2'),
('wrapup_running', '2024-01-01 10:02:00', '2024-01-01 10:02:10', 'wrapup',   'c2'),
-- own_max: after a split by rule 2 the gap is measured from the new island's own rows (its
--   largest end), not from the previous island's wrapup 60-200 still running: 70 alert splits
--   (island #2 ends 75), then 110 interact: 110 - 75 = 35 > 30: a third island.
--   #1 10:00:00-10:03:20, fragments 1, alert 5 s, talk 55 s, acw 140 s = 00:02:20,
--      handle 00:03:15, gap 0, answered 10:00:05, soa 5 s.
--   #2 10:01:10-10:01:15, alert 5 s, never answered.
--   #3 10:01:50-10:02:30, talk 40 s, handle 40 s, answered 10:01:50, no alert: soa NULL.
--   Without rule 2: one island (110 is under the running maximum end 200).
('own_max', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('own_max', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('own_max', '2024-01-01 10:01:00', '2024-01-01 10:03:20', 'wrapup',   'c1'),
('own_max', '2024-01-01 10:01:10', '2024-01-01 10:01:15', 'alert',    'c2'),
('own_max', '2024-01-01 10:01:50', '2024-01-01 10:02:30', 'interact', 'c2'),
-- reconnect_talk: the call is cut after its wrapup began; the reconnected piece (s2) goes on
--   talking, then wraps up: no offer, no split.  One interaction 10:00:00-10:01:50,
--   fragments 2, alert 5 s, talk 55 + 20 = 00:01:15, acw 10 + 10 = 20 s, handle 00:01:35,
--   rows cover 0-70 and 80-110 (100 s of 110): gap 10 s, answered 10:00:05, soa 5 s.
('reconnect_talk', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    's1'),
('reconnect_talk', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 's1'),
('reconnect_talk', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'wrapup',   's1'),
('reconnect_talk', '2024-01-01 10:01:20', '2024-01-01 10:01:40', 'interact', 's2'),
('reconnect_talk', '2024-01-01 10:01:40', '2024-01-01 10:01:50', 'wrapup',   's2'),
-- reconnect_wrapup: cut during the wrapup; the piece s2 is wrapup only: no split.
--   One interaction 10:00:00-10:01:40, fragments 2, alert 5 s, talk 55 s, acw 10 + 20 = 30 s,
--   handle 00:01:25, rows cover 0-70 and 80-100: gap 10 s, answered 10:00:05, soa 5 s.
('reconnect_wrapup', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    's1'),
('reconnect_wrapup', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 's1'),
('reconnect_wrapup', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'wrapup',   's1'),
('reconnect_wrapup', '2024-01-01 10:01:20', '2024-01-01 10:01:40', 'wrapup',   's2'),
-- callback: an outbound call (dialing) 10 s after the wrapup: splits.
--   #1 10:00:00-10:01:20, fragments 1, alert 5 s, talk 55 s, acw 20 s, handle 00:01:15, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:30-10:02:30, fragments 1, dialing 10 s, talk 40 s, acw 10 s, handle 00:01:00, gap 0,
--      answered 10:01:40, no alert: soa NULL.
('callback', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('callback', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('callback', '2024-01-01 10:01:00', '2024-01-01 10:01:20', 'wrapup',   'c1'),
('callback', '2024-01-01 10:01:30', '2024-01-01 10:01:40', 'dialing',  'c2'),
('callback', '2024-01-01 10:01:40', '2024-01-01 10:02:20', 'interact', 'c2'),
('callback', '2024-01-01 10:02:20', '2024-01-01 10:02:30', 'wrapup',   'c2'),
-- contacting: contacting after the wrapup splits; the dialing that follows it (95) joins the new
--   island, which holds no wrapup.
--   #1 10:00:00-10:01:20, talk 60 s, acw 20 s, handle 00:01:20, gap 0, answered 10:00:00, soa NULL.
--   #2 10:01:30-10:02:20, fragments 1, dialing 5 s, contacting 5 s, talk 40 s, handle 50 s,
--      gap 0, answered 10:01:40, soa NULL.
('contacting', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact',   'c1'),
('contacting', '2024-01-01 10:01:00', '2024-01-01 10:01:20', 'wrapup',     'c1'),
('contacting', '2024-01-01 10:01:30', '2024-01-01 10:01:35', 'contacting', 'c2'),
('contacting', '2024-01-01 10:01:35', '2024-01-01 10:01:40', 'dialing',    'c2'),
('contacting', '2024-01-01 10:01:40', '2024-01-01 10:02:20', 'interact',   'c2'),
-- consult: a consult dialing (42-47) during the hold, before any wrapup: no split.
--   One interaction 10:00:00-10:02:00, fragments 1, alert 5 s, talk 35 + 40 = 00:01:15,
--   hold 30 s, acw 10 s, dialing 5 s, handle 75 + 30 + 10 + 5 = 00:02:00, gap 0,
--   answered 10:00:05, soa 5 s.
('consult', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('consult', '2024-01-01 10:00:05', '2024-01-01 10:00:40', 'interact', 'c1'),
('consult', '2024-01-01 10:00:40', '2024-01-01 10:01:10', 'hold',     'c1'),
('consult', '2024-01-01 10:00:42', '2024-01-01 10:00:47', 'dialing',  'c1'),
('consult', '2024-01-01 10:01:10', '2024-01-01 10:01:50', 'interact', 'c1'),
('consult', '2024-01-01 10:01:50', '2024-01-01 10:02:00', 'wrapup',   'c1'),
-- tie_wrapup_alert: a wrapup and an alert start at the same instant 80, after the wrapup of 60:
--   the group splits and both rows open island #2, which then holds a wrapup (the one of 80),
--   so the alert of 130 splits again.
--   #1 10:00:00-10:01:15, fragments 1, alert 5 s, talk 55 s, acw 15 s, handle 00:01:10, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:20-10:02:00, fragments 2 (c1b, c2), alert 6 s, talk 34 s, acw 5 s, handle 39 s,
--      gap 0, answered 10:01:26, soa 6 s.
--   #3 10:02:10-10:02:40, fragments 1, alert 5 s, talk 25 s, handle 25 s, gap 0,
--      answered 10:02:15, soa 5 s.
('tie_wrapup_alert', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('tie_wrapup_alert', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('tie_wrapup_alert', '2024-01-01 10:01:00', '2024-01-01 10:01:15', 'wrapup',   'c1'),
('tie_wrapup_alert', '2024-01-01 10:01:20', '2024-01-01 10:01:25', 'wrapup',   'c1b'),
('tie_wrapup_alert', '2024-01-01 10:01:20', '2024-01-01 10:01:26', 'alert',    'c2'),
('tie_wrapup_alert', '2024-01-01 10:01:26', '2024-01-01 10:02:00', 'interact', 'c2'),
('tie_wrapup_alert', '2024-01-01 10:02:10', '2024-01-01 10:02:15', 'alert',    'c3'),
('tie_wrapup_alert', '2024-01-01 10:02:15', '2024-01-01 10:02:40', 'interact', 'c3'),
-- tie_alert_interact: an interact and an alert start together at 80 after a wrapup: the whole
--   group opens island #2, the interact (which alone would join) included.
--   #1 10:00:00-10:01:10, talk 60 s, acw 10 s, handle 00:01:10, gap 0, answered 10:00:00, soa NULL.
--   #2 10:01:20-10:02:00, fragments 1, alert 2 s, talk 40 s, handle 40 s, gap 0,
--      answered 10:01:20, soa 0.
('tie_alert_interact', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 'c1'),
('tie_alert_interact', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'wrapup',   'c1'),
('tie_alert_interact', '2024-01-01 10:01:20', '2024-01-01 10:02:00', 'interact', 'c2'),
('tie_alert_interact', '2024-01-01 10:01:20', '2024-01-01 10:01:22', 'alert',    'c2'),
-- gap_reset: the gap rule still splits (101 - 70 = 31 > 30), and the island it opens holds no
--   wrapup, so the alert of 130 joins it.
--   #1 10:00:00-10:01:10, talk 60 s, acw 10 s, handle 00:01:10, gap 0, answered 10:00:00, soa NULL.
--   #2 10:01:41-10:02:30, fragments 2 (c2, c3), alert 5 s, talk 15 s, other 19 s, handle 15 s,
--      rows cover 101-120 and 130-150 (39 s of 49): gap 10 s, answered 10:02:15, soa 5 s.
('gap_reset', '2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 'c1'),
('gap_reset', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'wrapup',   'c1'),
('gap_reset', '2024-01-01 10:01:41', '2024-01-01 10:02:00', 'ivr',      'c2'),
('gap_reset', '2024-01-01 10:02:10', '2024-01-01 10:02:15', 'alert',    'c3'),
('gap_reset', '2024-01-01 10:02:15', '2024-01-01 10:02:30', 'interact', 'c3'),
-- case_types: types match exactly: "Wrapup" is other (no wrapup before the alert of 75: joins);
--   after the wrapup of 120, "Alert", "Dialing" and a NULL type are other (no split); the
--   alert of 150 splits.
--   #1 10:00:00-10:02:20, fragments 2, alert 5 + 5 = 10 s, talk 55 + 40 = 00:01:35, acw 5 s,
--      other 10 + 15 = 25 s, handle 00:01:40, rows cover 0-70 and 75-140 (135 s of 140):
--      gap 5 s, answered 10:00:05, soa 5 s.
--   #2 10:02:30-10:02:35, alert 5 s, never answered.
('case_types', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('case_types', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('case_types', '2024-01-01 10:01:00', '2024-01-01 10:01:10', 'Wrapup',   'c1'),
('case_types', '2024-01-01 10:01:15', '2024-01-01 10:01:20', 'alert',    'c2'),
('case_types', '2024-01-01 10:01:20', '2024-01-01 10:02:00', 'interact', 'c2'),
('case_types', '2024-01-01 10:02:00', '2024-01-01 10:02:05', 'wrapup',   'c2'),
('case_types', '2024-01-01 10:02:05', '2024-01-01 10:02:10', 'Alert',    'c2'),
('case_types', '2024-01-01 10:02:10', '2024-01-01 10:02:15', 'Dialing',  'c2'),
('case_types', '2024-01-01 10:02:15', '2024-01-01 10:02:20', NULL,       'c2'),
('case_types', '2024-01-01 10:02:30', '2024-01-01 10:02:35', 'alert',    'c3'),
-- null_wrapup: a wrapup with a NULL end is skipped, so the alert of 70 joins; a zero-length
--   wrapup (100) counts, so the alert of 110 splits.
--   #1 10:00:00-10:01:40, fragments 2, alert 10 s, talk 55 + 25 = 00:01:20, acw 0,
--      handle 00:01:20, rows cover 0-60 and 70-100: gap 10 s, answered 10:00:05, soa 5 s.
--   #2 10:01:50-10:01:55, alert 5 s, never answered.
('null_wrapup', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'c1'),
('null_wrapup', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'c1'),
('null_wrapup', '2024-01-01 10:01:00', NULL,                  'wrapup',   'c1'),
('null_wrapup', '2024-01-01 10:01:10', '2024-01-01 10:01:15', 'alert',    'c2'),
('null_wrapup', '2024-01-01 10:01:15', '2024-01-01 10:01:40', 'interact', 'c2'),
('null_wrapup', '2024-01-01 10:01:40', '2024-01-01 10:01:40', 'wrapup',   'c2'),
('null_wrapup', '2024-01-01 10:01:50', '2024-01-01 10:01:55', 'alert',    'c3'),
-- busy: one agent, four calls.  Call a wraps up; call b rings 5 s later (split), holds, wraps
--   up; call c rings 25 s later (split) and skips after-call work, so call d, ringing 10 s
--   after it, joins it (the known limit: without a wrapup only the tolerance separates calls).
--   #1 10:00:00-10:01:15, fragments 1, alert 5 s, talk 55 s, acw 15 s, handle 00:01:10, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:20-10:03:00, fragments 1, alert 8 s, talk 32 + 20 = 52 s, hold 20 s, acw 20 s,
--      handle 00:01:32, gap 0, answered 10:01:28, soa 8 s.
--   #3 10:03:25-10:04:50, fragments 2 (c, d), alert 10 s, talk 00:01:00, acw 5 s,
--      handle 00:01:05, rows cover 205-240 and 250-290 (75 s of 85): gap 10 s,
--      answered 10:03:30, soa 5 s.
('busy', '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'a'),
('busy', '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'a'),
('busy', '2024-01-01 10:01:00', '2024-01-01 10:01:15', 'wrapup',   'a'),
('busy', '2024-01-01 10:01:20', '2024-01-01 10:01:28', 'alert',    'b'),
('busy', '2024-01-01 10:01:28', '2024-01-01 10:02:00', 'interact', 'b'),
('busy', '2024-01-01 10:02:00', '2024-01-01 10:02:20', 'hold',     'b'),
('busy', '2024-01-01 10:02:20', '2024-01-01 10:02:40', 'interact', 'b'),
('busy', '2024-01-01 10:02:40', '2024-01-01 10:03:00', 'wrapup',   'b'),
('busy', '2024-01-01 10:03:25', '2024-01-01 10:03:30', 'alert',    'c'),
('busy', '2024-01-01 10:03:30', '2024-01-01 10:04:00', 'interact', 'c'),
('busy', '2024-01-01 10:04:10', '2024-01-01 10:04:15', 'alert',    'd'),
('busy', '2024-01-01 10:04:15', '2024-01-01 10:04:45', 'interact', 'd'),
('busy', '2024-01-01 10:04:45', '2024-01-01 10:04:50', 'wrapup',   'd');

SELECT * FROM pg_temp.show(true);

-- Interactions per key with and without rule 2.  split_after_wrapup => false keeps only the gap
-- rule: every key is one island (its gaps are at most 10 s, or 25 s in busy, and own_max's 110
-- is under the running maximum end 200) except gap_reset (31 s): 2.  The 5-argument aggregate
-- is the 6-argument one with true.
SELECT k, gcstitch.interaction_count(gcstitch.stitch(s, e, t, sess, '30 seconds', true)) AS rule2,
       gcstitch.interaction_count(gcstitch.stitch(s, e, t, sess, '30 seconds', false)) AS gap_only,
       gcstitch.stitch(s, e, t, sess, '30 seconds') OPERATOR(gcstitch.=)
           gcstitch.stitch(s, e, t, sess, '30 seconds', true) AS default_is_true
FROM seg GROUP BY k ORDER BY k;

-- busy without rule 2: one interaction 10:00:00-10:04:50, fragments 4 (a, b, c, d),
--   alert 5 + 8 + 5 + 5 = 23 s, talk 55 + 52 + 30 + 30 = 00:02:47, hold 20 s,
--   acw 15 + 20 + 5 = 40 s, handle 167 + 20 + 40 = 00:03:47, rows cover 0-75, 80-180, 205-240,
--   250-290 (250 s of 290): gap 40 s, answered 10:00:05, soa 5 s.
SELECT * FROM pg_temp.show(false) WHERE k = 'busy';

-- Window labels, rows in (start, end, type) order; "-" is the skipped NULL-end row.  With rule 2
-- they follow the islands above row by row; without it every row is 1, and gap_reset is
-- 1 1 2 2 2.  The 4-argument labeller is the 5-argument one with true.
SELECT k, string_agg(coalesce(l4::text, '-'), ' ' ORDER BY s, e, t) AS labels,
       string_agg(coalesce(l_off::text, '-'), ' ' ORDER BY s, e, t) AS labels_gap_only,
       bool_and(l4 IS NOT DISTINCT FROM l_on) AS four_args_is_true
FROM (SELECT k, s, e, t,
             gcstitch.interaction_no(s, e, t, '30 seconds') OVER w AS l4,
             gcstitch.interaction_no(s, e, t, '30 seconds', true) OVER w AS l_on,
             gcstitch.interaction_no(s, e, t, '30 seconds', false) OVER w AS l_off
      FROM seg WINDOW w AS (PARTITION BY k ORDER BY s, e)) x
GROUP BY k ORDER BY k;

-- The aggregate as a running window aggregate (its final function runs on a growing state): in busy,
-- no two rows start together, so the running count of interactions is the label of each row:
-- 1 1 1 2 2 2 2 2 3 3 3 3 3.
SELECT string_agg(n::text, ' ' ORDER BY s, e) AS running_count
FROM (SELECT s, e, gcstitch.interaction_count(gcstitch.stitch(s, e, t, sess, '30 seconds')
                                               OVER (ORDER BY s, e)) AS n
      FROM seg WHERE k = 'busy') x;

-- interactions() numbering equals the window labels: the rows labelled n, stitched alone, are
-- exactly one interaction with the measures of interaction n of the whole key (both rules
-- on: 32 interactions, as counted above; gap rule only: 17).
CREATE TEMP TABLE label_check AS
SELECT m.split,
       (SELECT count(*) FROM (SELECT k, gcstitch.stitch(s, e, t, sess, '30 seconds', m.split) st
                              FROM seg GROUP BY k) a, gcstitch.interactions(a.st)) AS interactions,
       (SELECT count(*) FROM (
            SELECT k, no, gcstitch.stitch(s, e, t, sess, '30 seconds', m.split) st
            FROM (SELECT *, gcstitch.interaction_no(s, e, t, '30 seconds', m.split)
                                OVER (PARTITION BY k ORDER BY s, e) AS no FROM seg) l
            WHERE no IS NOT NULL GROUP BY k, no) b
        WHERE gcstitch.interaction_count(b.st) = 1
          AND (SELECT (1, i.started_at, i.ended_at, i.fragments, i.alert, i.talk, i.hold, i.acw,
                       i.dialing, i.contacting, i.other, i.handle, i.gap, i.answered_at,
                       i.speed_of_answer)
               FROM gcstitch.interactions(b.st) i)
              IS NOT DISTINCT FROM
              (SELECT (1, i.started_at, i.ended_at, i.fragments, i.alert, i.talk, i.hold, i.acw,
                       i.dialing, i.contacting, i.other, i.handle, i.gap, i.answered_at,
                       i.speed_of_answer)
               FROM (SELECT gcstitch.stitch(s, e, t, sess, '30 seconds', m.split) st
                     FROM seg WHERE seg.k = b.k) w, gcstitch.interactions(w.st) i
               WHERE i.interaction_no = b.no)) AS labels_matching
FROM (VALUES (true), (false)) m(split);
SELECT * FROM label_check ORDER BY split DESC;

-- Ties in every permutation.  Group A: three rows 80-90 (wrapup, alert, interact: peers under
-- ORDER BY seg_start, seg_end); group B: three rows starting at 130 with different ends
-- (alert 130-135, ivr 130-140, interact 130-132).  Island #1 = 0-60 interact, 60-70 wrapup;
-- group A has an offer after that wrapup: all three rows open #2, which then holds the wrapup of
-- 80; 90 interact joins; group B has an offer (gap 10 s) after the wrapup of 80: all three open
-- #3; the wrapup of 140 joins.  Labels in (start, end, type) order, for each of the 6 orders of
-- the peers: 1 1 2 2 2 2 3 3 3 3.
CREATE TEMP TABLE tie (s timestamptz, e timestamptz, t text, sess text, slot int);
INSERT INTO tie VALUES
('2024-01-01 10:00:00', '2024-01-01 10:01:00', 'interact', 'c1',  1),
('2024-01-01 10:01:00', '2024-01-01 10:01:10', 'wrapup',   'c1',  1),
('2024-01-01 10:01:20', '2024-01-01 10:01:30', 'wrapup',   'c1b', 1),
('2024-01-01 10:01:20', '2024-01-01 10:01:30', 'alert',    'c2',  2),
('2024-01-01 10:01:20', '2024-01-01 10:01:30', 'interact', 'c2',  3),
('2024-01-01 10:01:30', '2024-01-01 10:02:00', 'interact', 'c2',  1),
('2024-01-01 10:02:10', '2024-01-01 10:02:15', 'alert',    'c3',  1),
('2024-01-01 10:02:10', '2024-01-01 10:02:20', 'ivr',      'c3',  2),
('2024-01-01 10:02:10', '2024-01-01 10:02:12', 'interact', 'c3',  3),
('2024-01-01 10:02:20', '2024-01-01 10:02:30', 'wrapup',   'c3',  1);
CREATE TEMP TABLE perm (p int[]);
INSERT INTO perm VALUES ('{1,2,3}'), ('{1,3,2}'), ('{2,1,3}'), ('{2,3,1}'), ('{3,1,2}'), ('{3,2,1}');
-- Peers of (start, end) fed in every order: ORDER BY s, e, then the permutation.
SELECT p, string_agg(no::text, ' ' ORDER BY s, e, t) AS labels
FROM (SELECT p, s, e, t, gcstitch.interaction_no(s, e, t, '30 seconds')
                             OVER (PARTITION BY p ORDER BY s, e, array_position(p, slot)) AS no
      FROM tie, perm) x
GROUP BY p ORDER BY p;
-- Rows of the same start fed in every order whatever their ends: ORDER BY s, then the permutation.
SELECT p, string_agg(no::text, ' ' ORDER BY s, e, t) AS labels
FROM (SELECT p, s, e, t, gcstitch.interaction_no(s, e, t, '30 seconds')
                             OVER (PARTITION BY p ORDER BY s, array_position(p, slot)) AS no
      FROM tie, perm) x
GROUP BY p ORDER BY p;
-- The aggregate gives one value whatever the order (6 orders, 1 distinct value, 3 interactions).
SELECT count(*) AS orders, count(DISTINCT st::text) AS distinct_values,
       max(gcstitch.interaction_count(st)) AS interactions
FROM (SELECT p, gcstitch.stitch(s, e, t, sess, '30 seconds' ORDER BY s, array_position(p, slot)) st
      FROM tie, perm GROUP BY p) x;

-- The stored value keeps one row per distinct (start, class, session) in the order start, class
-- (alert, interact, hold, wrapup, ...), session, island by island.  tie_alert_interact with the
-- sessions left out: island [interact 0-60, wrapup 60-70], island [alert 80-82, interact 80-120].
SELECT gcstitch.stitch(s, e, t, NULL, '30 seconds') AS with_rule2,
       gcstitch.stitch(s, e, t, NULL, '30 seconds', false) AS gap_only
FROM seg WHERE k = 'tie_alert_interact';
-- The split_after_wrapup accessor: true, false; a value of format 1 (gcstitch 0.1.0) was
-- stitched without rule 2: false.
SELECT gcstitch.split_after_wrapup(gcstitch.stitch(s, e, t, NULL, '30 seconds')) AS default_value,
       gcstitch.split_after_wrapup(gcstitch.stitch(s, e, t, NULL, '30 seconds', false)) AS gap_only,
       gcstitch.split_after_wrapup('v1 tolerance=30s [other:2024-01-01T00:00:00Z/2024-01-01T00:00:00Z]')
           AS format_1
FROM seg WHERE k = 'tie_alert_interact';

-- Rollup: rule 2 needs rows of different parts.
CREATE TEMP TABLE pseg (k text, part int, s timestamptz, e timestamptz, t text, sess text);
INSERT INTO pseg VALUES
-- late_wrapup: part 1 alone is one island (gap 80 -> 100 = 20 s, no wrapup); part 2 brings the
--   wrapup 80-95: the alert of 100 now follows a wrapup: two interactions.
--   #1 10:00:00-10:01:35, fragments 1, alert 10 s, talk 00:01:10, acw 15 s, handle 00:01:25,
--      gap 0, answered 10:00:10, soa 10 s.
--   #2 10:01:40-10:02:40, fragments 1, alert 5 s, talk 55 s, handle 55 s, gap 0,
--      answered 10:01:45, soa 5 s.
('late_wrapup', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:10', 'alert',    'a1'),
('late_wrapup', 1, '2024-01-01 10:00:10', '2024-01-01 10:01:20', 'interact', 'a1'),
('late_wrapup', 1, '2024-01-01 10:01:40', '2024-01-01 10:01:45', 'alert',    'a2'),
('late_wrapup', 1, '2024-01-01 10:01:45', '2024-01-01 10:02:40', 'interact', 'a2'),
('late_wrapup', 2, '2024-01-01 10:01:20', '2024-01-01 10:01:35', 'wrapup',   'a1'),
-- late_offer: part 1 alone is one island (the interact of 90 is no offer, gap 15 s); part 2
--   brings the alert 85-90 of the next call: it follows the wrapup of 60: two interactions.
--   #1 10:00:00-10:01:15, fragments 1, alert 5 s, talk 55 s, acw 15 s, handle 00:01:10, gap 0,
--      answered 10:00:05, soa 5 s.
--   #2 10:01:25-10:02:30, fragments 1 (b1), alert 5 s, talk 00:01:00, handle 00:01:00, gap 0,
--      answered 10:01:30, soa 5 s.
('late_offer', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:05', 'alert',    'a1'),
('late_offer', 1, '2024-01-01 10:00:05', '2024-01-01 10:01:00', 'interact', 'a1'),
('late_offer', 1, '2024-01-01 10:01:00', '2024-01-01 10:01:15', 'wrapup',   'a1'),
('late_offer', 1, '2024-01-01 10:01:30', '2024-01-01 10:02:30', 'interact', 'b1'),
('late_offer', 2, '2024-01-01 10:01:25', '2024-01-01 10:01:30', 'alert',    'b1'),
-- bridge_merge: part 1 is two islands (gap 60 -> 120 = 60 s); the ivr row 80-100 of part 2 is
--   20 s from both and no offer follows a wrapup: one interaction 10:00:00-10:03:00,
--   fragments 3, alert 10 s, talk 50 + 60 = 00:01:50, other 20 s, handle 00:01:50, rows cover
--   0-60, 80-100, 120-180 (140 s of 180): gap 40 s, answered 10:00:10, soa 10 s.
('bridge_merge', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:10', 'alert',    'a1'),
('bridge_merge', 1, '2024-01-01 10:00:10', '2024-01-01 10:01:00', 'interact', 'a1'),
('bridge_merge', 1, '2024-01-01 10:02:00', '2024-01-01 10:03:00', 'interact', 'a2'),
('bridge_merge', 2, '2024-01-01 10:01:20', '2024-01-01 10:01:40', 'ivr',      'x1'),
-- bridge_wrapup: part 1 is two islands (gap 60 -> 100 = 40 s); the late wrapup 60-80 of part 2
--   closes the gap to 20 s, but the alert of 100 now follows a wrapup: still two interactions,
--   the first now holding the wrapup (without rule 2: one).
--   #1 10:00:00-10:01:20, fragments 1, alert 10 s, talk 50 s, acw 20 s, handle 00:01:10, gap 0,
--      answered 10:00:10, soa 10 s.
--   #2 10:01:40-10:02:30, fragments 1, alert 5 s, talk 45 s, handle 45 s, gap 0,
--      answered 10:01:45, soa 5 s.
('bridge_wrapup', 1, '2024-01-01 10:00:00', '2024-01-01 10:00:10', 'alert',    'a1'),
('bridge_wrapup', 1, '2024-01-01 10:00:10', '2024-01-01 10:01:00', 'interact', 'a1'),
('bridge_wrapup', 1, '2024-01-01 10:01:40', '2024-01-01 10:01:45', 'alert',    'a2'),
('bridge_wrapup', 1, '2024-01-01 10:01:45', '2024-01-01 10:02:30', 'interact', 'a2'),
('bridge_wrapup', 2, '2024-01-01 10:01:00', '2024-01-01 10:01:20', 'wrapup',   'a1');

CREATE TEMP TABLE ppart AS
SELECT k, part, m.split, gcstitch.stitch(s, e, t, sess, '30 seconds', m.split) AS st
FROM pseg, (VALUES (true), (false)) m(split) GROUP BY k, part, m.split;

-- Interactions of each part alone (the same with and without rule 2: no part has an offer after
-- a wrapup): late_wrapup 1, 1; late_offer 1, 1; bridge_merge 2, 1; bridge_wrapup 2, 1.
-- Rolled up with rule 2: late_wrapup 2, late_offer 2, bridge_merge 1, bridge_wrapup 2; without
-- it: 1 each (gaps of at most 20 s).  Either way the rollup, in both orders of the parts, is
-- the value stitched from all rows at once.
SELECT k, split,
       string_agg(gcstitch.interaction_count(st)::text, ', ' ORDER BY part) AS per_part,
       gcstitch.interaction_count(gcstitch.rollup(st)) AS rolled_up,
       gcstitch.rollup(st ORDER BY part) OPERATOR(gcstitch.=)
           (SELECT gcstitch.stitch(s, e, t, sess, '30 seconds', ppart.split) FROM pseg
            WHERE pseg.k = ppart.k) AS equals_one_pass,
       gcstitch.rollup(st ORDER BY part DESC) OPERATOR(gcstitch.=) gcstitch.rollup(st ORDER BY part)
           AS any_order
FROM ppart GROUP BY k, split ORDER BY k, split DESC;

-- The rolled-up interactions with rule 2 (hand values in the comments above).
SELECT r.k, i.interaction_no AS no, i.started_at::time, i.ended_at::time, i.fragments AS frag,
       i.alert, i.talk, i.acw, i.other, i.handle, i.gap, i.answered_at::time, i.speed_of_answer
FROM (SELECT k, gcstitch.rollup(st) st FROM ppart WHERE split GROUP BY k) r,
     gcstitch.interactions(r.st) i
ORDER BY r.k, i.interaction_no;

-- Errors: the rule switch must be given and the same everywhere.
-- Own copy, not \i'd from a shared file: psql echoes an included file into the .out too, and files need different variants.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text; h text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '')
           || coalesce(' / ' || nullif(h, ''), '');
END $$;
-- NULL split_after_wrapup: 22004, in the aggregate and in the labeller.
SELECT pg_temp.err($$SELECT gcstitch.stitch(s, e, t, sess, '30 seconds', NULL) FROM seg$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, e, t, '30 seconds', NULL) OVER (ORDER BY s) FROM seg$$);
-- Different split_after_wrapup in one group or one partition: 22023.
SELECT pg_temp.err($$SELECT gcstitch.stitch(s, e, t, sess, '30 seconds', s > '2024-01-01 10:01:00')
                     FROM seg WHERE k = 'busy'$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, e, t, '30 seconds', s > '2024-01-01 10:01:00')
                            OVER (ORDER BY s, e) FROM seg WHERE k = 'busy'$$);
-- rollup of values stitched with and without rule 2: 22023, also for a value of format 1.
SELECT pg_temp.err($$SELECT gcstitch.rollup(st) FROM ppart WHERE k = 'late_wrapup'$$);
SELECT pg_temp.err($$SELECT gcstitch.rollup(x)
                     FROM (VALUES ('v1 tolerance=30s [other:2024-01-01T00:00:00Z/2024-01-01T00:00:00Z]'::gcstitch.stitch),
                                  ('v2 tolerance=30s split_after_wrapup=true [other:2024-01-01T00:00:00Z/2024-01-01T00:00:00Z]')) v(x)$$);
-- The 3-argument labeller of gcstitch 0.1.0 is gone: 42883.
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, e, '30 seconds'::interval) OVER (ORDER BY s) FROM seg$$);
-- The same errors when the values only meet in the combine step of a partial aggregation:
-- partition-wise, each partition rolls up its own values (partition 1: rule 2, 30 s; partition 2:
-- no rule 2, 30 s; partition 3: rule 2, 10 s), the finalize step combines them.
CREATE TEMP TABLE pv (part int, k int, v gcstitch.stitch) PARTITION BY LIST (part);
CREATE TEMP TABLE pv1 PARTITION OF pv FOR VALUES IN (1);
CREATE TEMP TABLE pv2 PARTITION OF pv FOR VALUES IN (2);
CREATE TEMP TABLE pv3 PARTITION OF pv FOR VALUES IN (3);
INSERT INTO pv
SELECT v.part, g % 10, v.x
FROM generate_series(1, 20000) g,
     (VALUES (1, 'v2 tolerance=30s split_after_wrapup=true [alert:2024-01-01T10:00:00Z/2024-01-01T10:00:05Z]'::gcstitch.stitch),
             (2, 'v2 tolerance=30s split_after_wrapup=false [alert:2024-01-01T10:00:00Z/2024-01-01T10:00:05Z]'),
             (3, 'v2 tolerance=10s split_after_wrapup=true [alert:2024-01-01T10:00:00Z/2024-01-01T10:00:05Z]')) v(part, x);
ANALYZE pv;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
-- Finalize over an Append of one Partial HashAggregate per partition.
EXPLAIN (COSTS OFF) SELECT k, gcstitch.rollup(v) FROM pv WHERE part IN (1, 2) GROUP BY k;
SELECT pg_temp.err($$SELECT k, gcstitch.rollup(v) FROM pv WHERE part IN (1, 2) GROUP BY k$$);
SELECT pg_temp.err($$SELECT k, gcstitch.rollup(v) FROM pv WHERE part IN (1, 3) GROUP BY k$$);
RESET max_parallel_workers_per_gather;
RESET enable_partitionwise_aggregate;
