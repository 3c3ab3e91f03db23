-- Edge cases of the queue side: a transfer between queues, and back-to-back calls of one client id
-- closer than the gap tolerance (the new-call rule keeps them apart: the second rings after a wrap-up).
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
BEGIN;
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
\set ECHO none
\i test/sample/build_export.sql
\set ECHO all

-- t1: waits in q6 10:10:00-10:10:10Z, agent f answers at 10:10:10, transfers at 10:12:00 to q7, where it
-- waits until agent g answers at 10:12:30. True: two interactions, two answered calls; f's wait 10 s in q6,
-- g's wait 30 s in q7 (from the q7 entry, not 150 s from the first entry).
INSERT INTO t_seg VALUES
 ('t1','t1-acd1','acd',NULL,NULL,'t1-s1','interact','2024-11-04 10:10:00Z','2024-11-04 10:10:10Z','q6','transfer',NULL),
 ('t1','t1-f','agent','uf','cf','t1-s2','interact','2024-11-04 10:10:10Z','2024-11-04 10:12:00Z','q6','transfer',NULL),
 ('t1','t1-acd2','acd',NULL,NULL,'t1-s3','interact','2024-11-04 10:12:00Z','2024-11-04 10:12:25Z','q7','transfer',NULL),
 ('t1','t1-g','agent','ug','cg','t1-s4','alert','2024-11-04 10:12:25Z','2024-11-04 10:12:30Z','q7',NULL,NULL),
 ('t1','t1-g','agent','ug','cg','t1-s4','interact','2024-11-04 10:12:30Z','2024-11-04 10:15:00Z','q7','peer',NULL),
 ('t1','t1-g','agent','ug','cg','t1-s4','wrapup','2024-11-04 10:15:00Z','2024-11-04 10:15:20Z','q7',NULL,'x');
-- e1: agent e (client ce) on a direct call 10:00:00-10:02:00Z, wrap-up to 10:02:10; e2 enters q5 at
-- 10:02:00 and rings agent e at 10:02:20, 10 s after that wrap-up: within the 30 s gap tolerance, but an
-- alert after a wrapup is a new call (rule 2): two interactions, {e1} (direct, no queue, answered 10:00:00,
-- ended 10:02:10) and {e2} (q5, answered 10:02:25, ended 10:05:30) with its own queue wait of 25 s.
INSERT INTO t_seg VALUES
 ('e1','e1-e','agent','ue','ce','e1-s1','interact','2024-11-04 10:00:00Z','2024-11-04 10:02:00Z',NULL,'peer',NULL),
 ('e1','e1-e','agent','ue','ce','e1-s1','wrapup','2024-11-04 10:02:00Z','2024-11-04 10:02:10Z',NULL,NULL,'x'),
 ('e2','e2-acd','acd',NULL,NULL,'e2-s1','interact','2024-11-04 10:02:00Z','2024-11-04 10:02:20Z','q5','transfer',NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','alert','2024-11-04 10:02:20Z','2024-11-04 10:02:25Z','q5',NULL,NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','interact','2024-11-04 10:02:25Z','2024-11-04 10:05:00Z','q5','peer',NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','wrapup','2024-11-04 10:05:00Z','2024-11-04 10:05:30Z','q5',NULL,'x');
SELECT conversations, rejected FROM gcstitch.import(pg_temp.export_doc());
SELECT gcstitch.refresh() AS refreshed \gset

SELECT client_id, user_id, queue_id, conversation_ids, queued_at::time AS queued, answered_at::time AS answered,
       ended_at::time AS ended, queue_wait
FROM gcstitch.interaction ORDER BY started_at;
SELECT queue_id, queued_at::time AS queued, answered_at::time AS answered, outcome, queue_wait, user_id
FROM gcstitch.queue_call ORDER BY queued_at;
-- q5: 1 answered in 25 s (miss: 0 %); q6: 1 in 10 s (100 %); q7: 1 in 30 s (miss: 0 %). All in 11:00 local.
SELECT queue_id, interval_label, corrected_offered, corrected_answered, corrected_answered_in_threshold,
       corrected_asa, corrected_service_level_percent
FROM gcstitch.queue_interval ORDER BY queue_id;
ROLLBACK;
