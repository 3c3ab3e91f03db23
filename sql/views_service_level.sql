-- Service level options, thresholds and the short-abandon threshold, through gcstitch.queue_interval.
-- One queue q9 (threshold 20 s), one interval (2024-11-04 10:00 local), no fragmentation, so reported =
-- corrected. Calls (waits): answered 5 s, 10 s, 20 s (within 20 s: inclusive), 25 s (miss);
-- abandoned 3 s and 8 s (short, < 10 s) and 40 s; one flow-out after 60 s.
-- Genesys: SL = (answered - answered missing the target) / (answered + abandoned + adjustments).
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
BEGIN;
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
INSERT INTO gcstitch.queue (queue_id, name) VALUES ('q9', 'Billing');  -- defaults: 80 % in 20 s
SELECT sl_target_percent, sl_threshold FROM gcstitch.queue;
\set ECHO none
\i test/sample/build_export.sql
\set ECHO all
INSERT INTO t_seg
SELECT 'a' || n, 'a' || n || '-acd', 'acd', NULL, NULL, 'a' || n || '-s1', 'interact',
       timestamptz '2024-11-04 09:00:00Z' + n * interval '1 minute',
       timestamptz '2024-11-04 09:00:00Z' + n * interval '1 minute' + w * interval '1 second', 'q9', 'transfer', NULL
FROM (VALUES (1, 5), (2, 10), (3, 20), (4, 25)) v(n, w)
UNION ALL
SELECT 'a' || n, 'a' || n || '-ag', 'agent', 'u9', 'c9-' || n, 'a' || n || '-s2', 'interact',
       timestamptz '2024-11-04 09:00:00Z' + n * interval '1 minute' + w * interval '1 second',
       timestamptz '2024-11-04 09:00:00Z' + n * interval '1 minute' + w * interval '1 second' + interval '20 seconds',
       'q9', 'peer', NULL
FROM (VALUES (1, 5), (2, 10), (3, 20), (4, 25)) v(n, w)
UNION ALL
SELECT 'b' || n, 'b' || n || '-acd', 'acd', NULL, NULL, 'b' || n || '-s1', 'interact',
       timestamptz '2024-11-04 09:10:00Z' + n * interval '1 minute',
       timestamptz '2024-11-04 09:10:00Z' + n * interval '1 minute' + w * interval '1 second', 'q9', d, NULL
FROM (VALUES (1, 3, 'peer'), (2, 8, 'peer'), (3, 40, 'peer'), (4, 60, 'transfer')) v(n, w, d);
INSERT INTO t_met
SELECT conv, sess, 'nOffered', 1, s FROM t_seg WHERE purpose = 'acd'
UNION ALL
SELECT a.conv, g.sess, 'tAnswered', extract(epoch FROM g.s - a.s) * 1000, g.s
FROM t_seg a JOIN t_seg g ON g.conv = a.conv AND g.purpose = 'agent' WHERE a.purpose = 'acd'
UNION ALL
SELECT conv, sess, CASE WHEN disc = 'transfer' THEN 'tFlowOut' ELSE 'tAbandon' END, extract(epoch FROM e - s) * 1000, e
FROM t_seg a WHERE purpose = 'acd' AND conv LIKE 'b%';
SELECT conversations, rejected FROM gcstitch.import(pg_temp.export_doc());
SELECT gcstitch.refresh() AS refreshed \gset

CREATE TEMP VIEW sl AS
SELECT interval_label, reported_offered AS r_off, corrected_offered AS c_off,
       corrected_answered AS ans, corrected_answered_in_threshold AS in_thr, corrected_abandoned AS ab,
       corrected_short_abandoned AS short, corrected_flow_outs AS fo,
       round(reported_service_level_percent::numeric, 2) AS reported_sl,
       round(corrected_service_level_percent::numeric, 2) AS corrected_sl
FROM gcstitch.queue_interval WHERE queue_id = 'q9';

-- Defaults (short abandons in, abandons in, flow-outs out): 3 / (4 + 3) = 42.86 %
SELECT * FROM sl;
-- Short abandons excluded: 3 / (4 + 3 - 2) = 60.00 %
INSERT INTO gcstitch.settings (sl_include_short_abandons) VALUES (false);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Abandons excluded (short ones with them): 3 / 4 = 75.00 %
INSERT INTO gcstitch.settings (sl_include_abandons) VALUES (false);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Abandons and short abandons both excluded: short ones are subtracted once, 3 / 4 = 75.00 %
INSERT INTO gcstitch.settings (sl_include_abandons, sl_include_short_abandons) VALUES (false, false);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Flow-outs included, as misses: 3 / (4 + 3 + 1) = 37.50 %
INSERT INTO gcstitch.settings (sl_include_flow_outs) VALUES (true);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Short-abandon threshold 5 s, short abandons excluded: only the 3 s one is short, 3 / (4 + 3 - 1) = 50.00 %
INSERT INTO gcstitch.settings (short_abandon_threshold, sl_include_short_abandons) VALUES ('5 seconds', false);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Queue threshold 30 s (defaults otherwise): the 25 s answer meets it, 4 / (4 + 3) = 57.14 %
INSERT INTO gcstitch.settings DEFAULT VALUES;
UPDATE gcstitch.queue SET sl_threshold = '30 seconds';
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- Threshold 10 s: 5 s and 10 s meet it (inclusive), 2 / 7 = 28.57 %
UPDATE gcstitch.queue SET sl_threshold = '10 seconds';
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM sl;
-- A queue missing from gcstitch.queue gets the defaults (80 % in 20 s): 42.86 % again
DELETE FROM gcstitch.queue;
SELECT gcstitch.refresh() AS refreshed \gset
SELECT queue_name, sl_threshold, sl_target_percent FROM gcstitch.queue_interval;
SELECT * FROM sl;
ROLLBACK;
