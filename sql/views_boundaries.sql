-- Boundaries of the queue views, where an inclusive and a strict comparison part ways.
-- (1) An abandon of exactly the short-abandon threshold (10 s) is not short ("waited less than"):
--     queue_call.short_abandon and queue_interval's short-abandon counts (corrected and reported)
--     must agree; 9.999 s is short in both.
-- (2) An answer in the same millisecond as the queue entry answers that visit (the agent's first
--     interact starts "at or after" queue entry): one answered call with a 0 s wait, not an abandon
--     or flow-out plus an interaction that never queued.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
BEGIN;
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
SELECT short_abandon_threshold FROM gcstitch.settings;
\set ECHO none
\i test/sample/build_export.sql
\set ECHO all

-- (1) ab10: waits in q-exact 10:00:00.000-10:00:10.000Z and hangs up (peer): 10 s exactly.
--     ab9: waits in q-below 10:05:00.000-10:05:09.999Z and hangs up: 9.999 s.
--     Each with the metrics Genesys emits for it (nOffered at entry, tAbandon in ms at the end).
INSERT INTO t_seg VALUES
 ('ab10','ab10-acd','acd',NULL,NULL,'ab10-s1','interact','2024-11-04 10:00:00Z','2024-11-04 10:00:10Z','q-exact','peer',NULL),
 ('ab9','ab9-acd','acd',NULL,NULL,'ab9-s1','interact','2024-11-04 10:05:00Z','2024-11-04 10:05:09.999Z','q-below','peer',NULL);
INSERT INTO t_met VALUES
 ('ab10','ab10-s1','nOffered',1,'2024-11-04 10:00:00Z'),
 ('ab10','ab10-s1','tAbandon',10000,'2024-11-04 10:00:10Z'),
 ('ab9','ab9-s1','nOffered',1,'2024-11-04 10:05:00Z'),
 ('ab9','ab9-s1','tAbandon',9999,'2024-11-04 10:05:09.999Z');
-- (2) same: enters q-same at 10:10:00.000Z and is answered by agent u1 at 10:10:00.000Z (the acd
--     segment is 0 ms long, as when an agent is idle and auto-answer is on); talk to 10:12:00,
--     wrap-up to 10:12:10.
INSERT INTO t_seg VALUES
 ('same','same-acd','acd',NULL,NULL,'same-s1','interact','2024-11-04 10:10:00Z','2024-11-04 10:10:00Z','q-same','transfer',NULL),
 ('same','same-ag','agent','u1','c1','same-s2','interact','2024-11-04 10:10:00Z','2024-11-04 10:12:00Z','q-same','peer',NULL),
 ('same','same-ag','agent','u1','c1','same-s2','wrapup','2024-11-04 10:12:00Z','2024-11-04 10:12:10Z','q-same',NULL,'x');
SELECT conversations, rejected FROM gcstitch.import(pg_temp.export_doc());
SELECT gcstitch.refresh() AS refreshed \gset

-- (1) ab10: abandoned, 10 s, not short; ab9: abandoned, 9.999 s, short.
SELECT queue_id, outcome, queue_wait, short_abandon
FROM gcstitch.queue_call WHERE queue_id IN ('q-exact', 'q-below') ORDER BY queue_id;
-- The same in queue_interval (one interval each, 11:00 local): q-exact 1 abandoned, 0 short, both
-- corrected and reported (tAbandon 10000 ms); q-below 1 abandoned, 1 short.
SELECT queue_id, interval_label, corrected_abandoned, corrected_short_abandoned,
       reported_abandoned, reported_short_abandoned,
       gcstitch.short_abandoned(corrected_service_level) AS sl_short_abandoned
FROM gcstitch.queue_interval WHERE queue_id IN ('q-exact', 'q-below') ORDER BY queue_id;
-- Agreement, call by call: short_abandon is true exactly for the calls queue_interval counts as short.
SELECT c.queue_id,
       count(*) FILTER (WHERE c.short_abandon) AS queue_call_short,
       max(i.corrected_short_abandoned) AS queue_interval_short
FROM gcstitch.queue_call c JOIN gcstitch.queue_interval i USING (queue_id)
WHERE c.queue_id IN ('q-exact', 'q-below')
GROUP BY c.queue_id ORDER BY c.queue_id;

-- (2) The visit is answered by u1's session at queue entry.
SELECT conversation_id, queue_id, queued_at::time AS queued, answered_session_id, answered_user_id,
       answered_at::time AS answered
FROM gcstitch.queue_visit WHERE conversation_id = 'same';
-- One logical call, answered, waited 0 s; no abandon or flow-out row.
SELECT queue_id, queued_at::time AS queued, answered_at::time AS answered, outcome, queue_wait, user_id
FROM gcstitch.queue_call WHERE queue_id = 'q-same';
-- The interaction knows its queue and wait.
SELECT user_id, queue_id, queued_at::time AS queued, answered_at::time AS answered, queue_wait, talk, acw
FROM gcstitch.interaction WHERE 'same' = ANY (conversation_ids);
-- queue_interval: 1 offered, 1 answered within the 20 s threshold, nothing abandoned.
SELECT queue_id, corrected_offered, corrected_answered, corrected_answered_in_threshold,
       corrected_abandoned, corrected_flow_outs, corrected_service_level_percent
FROM gcstitch.queue_interval WHERE queue_id = 'q-same';
ROLLBACK;
