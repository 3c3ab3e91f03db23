-- Incremental refresh, case by case: each change below touches a report interval that nothing else
-- of it touches, so a refresh that forgot that kind of change would leave a stale row there. After
-- every refresh the maintained views equal the live ones (rows as text, EXCEPT ALL both ways), and
-- the case's own expectation, worked out in its comment, holds. Times UTC; Europe/Paris is UTC+1 in
-- November, 30-minute intervals start at :00 and :30 UTC; gap tolerance 30 s.
BEGIN;
SELECT plan(39);
SET LOCAL timezone = 'UTC';
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
INSERT INTO gcstitch.settings DEFAULT VALUES;
\o /dev/null
\i test/sample/build_export.sql
\o
-- Every case's rows, staged; put() imports the named conversations as they are staged now.
CREATE TEMP TABLE s_seg (LIKE t_seg);
CREATE TEMP TABLE s_met (LIKE t_met);
CREATE FUNCTION pg_temp.put(VARIADIC convs text[]) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM t_seg;
    DELETE FROM t_met;
    INSERT INTO t_seg SELECT * FROM s_seg WHERE conv = ANY (convs);
    INSERT INTO t_met SELECT * FROM s_met WHERE conv = ANY (convs);
    RETURN (SELECT i.conversations FROM gcstitch.import(pg_temp.export_doc()) i);
END
$$;
CREATE FUNCTION pg_temp.differ() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v text;
    n bigint;
    total bigint := 0;
BEGIN
    FOREACH v IN ARRAY ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval'] LOOP
        EXECUTE format('SELECT (SELECT count(*) FROM (SELECT m::text FROM gcstitch.%I m EXCEPT ALL
                                                      SELECT l::text FROM gcstitch.%I l) d)
                             + (SELECT count(*) FROM (SELECT l::text FROM gcstitch.%I l EXCEPT ALL
                                                      SELECT m::text FROM gcstitch.%I m) d)',
                       v, v || '_live', v || '_live', v) INTO n;
        total := total + n;
    END LOOP;
    RETURN total;
END
$$;
CREATE FUNCTION pg_temp.refreshed() RETURNS bigint LANGUAGE sql AS $$
    SELECT gcstitch.refresh();
    SELECT pg_temp.differ();
$$;

-- A: a late middle piece bridges two stored interactions across an interval boundary. A1 (agent uA,
-- client cA, a direct call) rings and talks 07:58:30-07:59:50; A3 talks 08:00:30-08:05, wraps up
-- until 08:06 (40 s after A1: two interactions). A2, imported later, talks 08:00:05-08:00:25: 15 s
-- and 5 s gaps, one interaction. Only the interaction A1 was (ended 07:59:50) touches the 07:30
-- interval (A1's own metrics do not change).
INSERT INTO s_seg VALUES
 ('A1','A1-a','agent','uA','cA','A1-s','alert','2024-11-04 07:58:30Z','2024-11-04 07:58:35Z','q1',NULL,NULL),
 ('A1','A1-a','agent','uA','cA','A1-s','interact','2024-11-04 07:58:35Z','2024-11-04 07:59:50Z','q1','error',NULL),
 ('A2','A2-a','agent','uA','cA','A2-s','interact','2024-11-04 08:00:05Z','2024-11-04 08:00:25Z','q1','error',NULL),
 ('A3','A3-a','agent','uA','cA','A3-s','interact','2024-11-04 08:00:30Z','2024-11-04 08:05:00Z','q1','peer',NULL),
 ('A3','A3-a','agent','uA','cA','A3-s','wrapup','2024-11-04 08:05:00Z','2024-11-04 08:06:00Z','q1',NULL,'w');
INSERT INTO s_met VALUES
 ('A1','A1-s','tTalk',75000,'2024-11-04 07:59:50Z'),
 ('A1','A1-s','tHandle',75000,'2024-11-04 07:59:50Z'), ('A2','A2-s','tHandle',20000,'2024-11-04 08:00:25Z'),
 ('A3','A3-s','tAcw',60000,'2024-11-04 08:06:00Z'), ('A3','A3-s','tHandle',330000,'2024-11-04 08:06:00Z');
SELECT pg_temp.put('A1', 'A3') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'A: A1 and A3 stored, maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE client_id = 'cA'), 2::bigint, 'A: two interactions');
SELECT pg_temp.put('A2') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'A: late A2 bridges them, maintained = live');
SELECT is((SELECT array_agg(array_to_string(conversation_ids, ',')) FROM gcstitch.interaction WHERE client_id = 'cA'),
          ARRAY['A1,A2,A3'], 'A: one interaction over A1, A2, A3');
SELECT is((SELECT count(*) FROM gcstitch.agent_interval WHERE user_id = 'uA' AND interval_start = '2024-11-04 07:30Z'
           AND corrected_handled = 0), 1::bigint, 'A: nothing corrected left in the 07:30 interval');

-- B: deleting the middle piece splits the interaction again.
DELETE FROM gcstitch.conversation WHERE conversation_id = 'A2';
SELECT is(pg_temp.refreshed(), 0::bigint, 'B: A2 deleted, maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE client_id = 'cA'), 2::bigint, 'B: two interactions again');

-- C: a newer version moves a metric to another interval. C1 abandons q2 at 09:10 after 10 minutes;
-- its tAbandon is emitted at 09:40 in the first export, 10:05 in the second (later last event: newer).
-- Only the first tAbandon touches the 09:30 interval.
INSERT INTO s_seg VALUES
 ('C1','C1-acd','acd',NULL,NULL,'C1-q','interact','2024-11-04 09:00:00Z','2024-11-04 09:10:00Z','q2','peer',NULL);
INSERT INTO s_met VALUES ('C1','C1-q','nOffered',1,'2024-11-04 09:00:00Z'), ('C1','C1-q','tAbandon',600000,'2024-11-04 09:40:00Z');
SELECT pg_temp.put('C1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'C: C1 stored, maintained = live');
SELECT is((SELECT reported_abandoned FROM gcstitch.queue_interval WHERE queue_id = 'q2' AND interval_start = '2024-11-04 09:30Z'),
          1::bigint, 'C: reported abandon in the 09:30 interval');
UPDATE s_met SET emit = '2024-11-04 10:05:00Z' WHERE conv = 'C1' AND name = 'tAbandon';
SELECT pg_temp.put('C1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'C: newer C1, maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.queue_interval WHERE queue_id = 'q2' AND interval_start = '2024-11-04 09:30Z'),
          0::bigint, 'C: the 09:30 interval of q2 is gone');

-- D: a newer version moves a queue exit to another interval. D1 waits in q2 from 10:50 and abandons
-- at 11:10 (first export) or 11:40 (second); its metrics are emitted at 10:50 and 12:00 in both.
-- Only the first exit touches the 11:00 interval.
INSERT INTO s_seg VALUES
 ('D1','D1-acd','acd',NULL,NULL,'D1-q','interact','2024-11-04 10:50:00Z','2024-11-04 11:10:00Z','q2','peer',NULL);
INSERT INTO s_met VALUES ('D1','D1-q','nOffered',1,'2024-11-04 10:50:00Z'), ('D1','D1-q','tAbandon',1,'2024-11-04 12:00:00Z');
SELECT pg_temp.put('D1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'D: D1 stored, maintained = live');
UPDATE s_seg SET e = '2024-11-04 11:40:00Z' WHERE conv = 'D1';
SELECT pg_temp.put('D1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'D: newer D1, maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.queue_interval WHERE queue_id = 'q2' AND interval_start = '2024-11-04 11:00Z'),
          0::bigint, 'D: the 11:00 interval of q2 is gone');

-- E: an older export changes nothing and is not logged.
UPDATE s_seg SET e = '2024-11-04 11:10:00Z' WHERE conv = 'D1';
SELECT is(pg_temp.put('D1'), 0, 'E: the older D1 is not imported');
SELECT is((SELECT pending_conversations FROM gcstitch.refresh_status), 0::bigint, 'E: and nothing is pending');

-- F: numbers. Key cF has calls at 13:00, 13:10, 13:20 (1, 2, 3); a call at 12:50 imported later
-- becomes 1 and shifts the others; a late piece 13:01:10-13:09:50 then joins 13:00 and 13:10.
INSERT INTO s_seg
SELECT c, c || '-a', 'agent', 'uF', 'cF', c || '-s', 'interact', t, t + interval '60 seconds', NULL, 'peer', NULL
FROM (VALUES ('F0', timestamptz '2024-11-04 12:50Z'), ('F1', '2024-11-04 13:00Z'), ('F2', '2024-11-04 13:10Z'),
             ('F3', '2024-11-04 13:20Z')) v(c, t);
INSERT INTO s_seg VALUES
 ('F9','F9-a','agent','uF','cF','F9-s','interact','2024-11-04 13:01:10Z','2024-11-04 13:09:50Z',NULL,'peer',NULL);
SELECT pg_temp.put('F1', 'F2', 'F3') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'F: three calls, maintained = live');
SELECT pg_temp.put('F0') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'F: an earlier call, maintained = live');
SELECT is((SELECT array_agg(interaction_no || ':' || conversation_ids[1] ORDER BY started_at) FROM gcstitch.interaction
           WHERE client_id = 'cF'), '{1:F0,2:F1,3:F2,4:F3}', 'F: renumbered 1 to 4');
SELECT pg_temp.put('F9') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'F: a late piece joins two calls, maintained = live');
SELECT is((SELECT array_agg(interaction_no || ':' || array_to_string(conversation_ids, '+') ORDER BY started_at)
           FROM gcstitch.interaction WHERE client_id = 'cF'), '{1:F0,2:F1+F9+F2,3:F3}', 'F: renumbered 1 to 3');

-- G: a three-hour call (14:00-17:00) and a piece 20 s after it: refresh finds the long interaction
-- that reaches the new piece although it started three hours before.
INSERT INTO s_seg VALUES
 ('G1','G1-a','agent','uG','cG','G1-s','interact','2024-11-04 14:00:00Z','2024-11-04 17:00:00Z',NULL,'error',NULL),
 ('G2','G2-a','agent','uG','cG','G2-s','interact','2024-11-04 17:00:20Z','2024-11-04 17:02:00Z',NULL,'peer',NULL);
SELECT pg_temp.put('G1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'G: a long call, maintained = live');
SELECT pg_temp.put('G2') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'G: a piece after it, maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE client_id = 'cG'), 1::bigint, 'G: one interaction');

-- H: importing another day leaves every other row as it was: same identity (stitch_key,
-- started_at), same number, and the same physical row (ctid), so a BI tool's incremental load and
-- the cost of a refresh follow what changed.
CREATE TEMP TABLE before_i AS SELECT ctid AS row_id, stitch_key, started_at, interaction_no FROM gcstitch.interaction_store;
CREATE TEMP TABLE before_a AS SELECT ctid AS row_id, user_id, interval_start FROM gcstitch.agent_interval_store;
CREATE TEMP TABLE before_q AS SELECT ctid AS row_id, queue_id, interval_start FROM gcstitch.queue_interval_store;
INSERT INTO s_seg VALUES
 ('H1','H1-acd','acd',NULL,NULL,'H1-q','interact','2024-11-05 09:00:00Z','2024-11-05 09:00:10Z','q1','transfer',NULL),
 ('H1','H1-a','agent','uA','cA','H1-s','interact','2024-11-05 09:00:10Z','2024-11-05 09:05:00Z','q1','peer',NULL);
INSERT INTO s_met VALUES ('H1','H1-q','nOffered',1,'2024-11-05 09:00:00Z'), ('H1','H1-s','tHandle',290000,'2024-11-05 09:05:00Z');
SELECT pg_temp.put('H1') \g /dev/null
SELECT is(pg_temp.refreshed(), 0::bigint, 'H: another day, maintained = live');
SELECT is((SELECT count(*) FROM before_i b JOIN gcstitch.interaction_store i
           ON i.ctid = b.row_id AND (i.stitch_key, i.started_at, i.interaction_no) = (b.stitch_key, b.started_at, b.interaction_no)),
          (SELECT count(*) FROM before_i), 'H: every interaction stored before is the same row, untouched');
SELECT is((SELECT count(*) FROM before_a b JOIN gcstitch.agent_interval_store a
           ON a.ctid = b.row_id AND (a.user_id, a.interval_start) = (b.user_id, b.interval_start)),
          (SELECT count(*) FROM before_a), 'H: every agent interval row of before is untouched');
SELECT is((SELECT count(*) FROM before_q b JOIN gcstitch.queue_interval_store q
           ON q.ctid = b.row_id AND (q.queue_id, q.interval_start) = (b.queue_id, b.interval_start)),
          (SELECT count(*) FROM before_q), 'H: every queue interval row of before is untouched');
SELECT is((SELECT last_refresh_conversations FROM gcstitch.refresh_state), 1::bigint, 'H: the refresh took one conversation');

-- I: settings and queue targets: what they affect is recomputed.
UPDATE gcstitch.settings SET interval_length = '15 minutes', report_timezone = 'Asia/Kolkata';
SELECT is((SELECT settings_changed FROM gcstitch.refresh_status), true, 'I: the status says the settings changed');
SELECT is(pg_temp.refreshed(), 0::bigint, 'I: 15-minute intervals in Asia/Kolkata, maintained = live');
INSERT INTO gcstitch.queue (queue_id, name, sl_threshold) VALUES ('q1', 'Sales', '5 seconds');
SELECT is(pg_temp.refreshed(), 0::bigint, 'I: a queue target, maintained = live');
UPDATE gcstitch.settings SET gap_tolerance = '10 seconds';
SELECT is(pg_temp.refreshed(), 0::bigint, 'I: a 10 s tolerance, maintained = live');
SELECT is((SELECT last_refresh_full FROM gcstitch.refresh_state), true, 'I: a new tolerance rebuilds everything');
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE client_id = 'cG'), 2::bigint,
          'I: G1 and G2 (20 s apart) are two interactions with 10 s');
SELECT is((SELECT settings_changed FROM gcstitch.refresh_status), false, 'I: and then the status says they did not');

-- J: TRUNCATE empties the maintained views at the next refresh.
SET LOCAL client_min_messages = warning;
TRUNCATE gcstitch.conversation CASCADE;
SELECT is((SELECT pending_rebuild FROM gcstitch.refresh_status), true, 'J: a TRUNCATE asks for a rebuild');
SELECT is(pg_temp.refreshed(), 0::bigint, 'J: maintained = live');
SELECT is((SELECT count(*) FROM gcstitch.interaction_store) + (SELECT count(*) FROM gcstitch.agent_interval_store)
          + (SELECT count(*) FROM gcstitch.queue_visit_store) + (SELECT count(*) FROM gcstitch.reported_metric),
          0::bigint, 'J: the maintained tables are empty');
SELECT * FROM finish();
ROLLBACK;
