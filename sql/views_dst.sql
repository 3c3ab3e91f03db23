-- Report intervals across daylight saving time changes in Europe/Paris:
-- 2024-03-31 (02:00 CET -> 03:00 CEST) has 46 half-hours, 2024-10-27 (03:00 CEST -> 02:00 CET) has 50,
-- the repeated 02:00-03:00 hour giving two distinct pairs of intervals.
SET timezone = 'America/New_York';  -- the session zone must not matter: only settings.report_timezone does
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
BEGIN;
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;

-- Interval counts of whole local days, from every minute of the day (independent of the data).
SELECT d AS local_day, len,
       count(DISTINCT gcstitch.report_interval_start(ts, len, 'Europe/Paris')) AS intervals
FROM (VALUES (date '2024-03-31'), (date '2024-10-27'), (date '2024-11-04')) AS days(d)
CROSS JOIN (VALUES (interval '15 minutes'), (interval '30 minutes'), (interval '60 minutes')) AS lens(len)
CROSS JOIN LATERAL generate_series(d::timestamp AT TIME ZONE 'Europe/Paris',
                                   (d + 1)::timestamp AT TIME ZONE 'Europe/Paris' - interval '1 minute',
                                   interval '1 minute') AS ts
GROUP BY d, len
ORDER BY d, len;

-- Every half-hour from 2024-10-26 23:30Z to 2024-10-27 03:00Z (01:30 CEST .. 04:00 CET): seven intervals,
-- 02:00 and 02:30 twice with different offsets, each exactly 30 minutes long.
SELECT gcstitch.report_interval_label(s, 'Europe/Paris') AS label,
       s AT TIME ZONE 'UTC' AS utc_start
FROM (SELECT DISTINCT gcstitch.report_interval_start(ts, '30 minutes', 'Europe/Paris') AS s
      FROM generate_series(timestamptz '2024-10-26 23:30:00Z', timestamptz '2024-10-27 02:59:59Z', interval '1 minute') ts) x
ORDER BY s;
-- Spring forward: 01:30+01:00 is followed by 03:00+02:00.
SELECT gcstitch.report_interval_label(s, 'Europe/Paris') AS label,
       s AT TIME ZONE 'UTC' AS utc_start
FROM (SELECT DISTINCT gcstitch.report_interval_start(ts, '30 minutes', 'Europe/Paris') AS s
      FROM generate_series(timestamptz '2024-03-31 00:00:00Z', timestamptz '2024-03-31 01:59:59Z', interval '1 minute') ts) x
ORDER BY s;
-- An offset that is not a whole hour (Asia/Kolkata, +05:30) with one-hour intervals: local hours.
SELECT gcstitch.report_interval_label(gcstitch.report_interval_start('2024-10-27 04:45:00Z', '60 minutes', 'Asia/Kolkata'),
                                      'Asia/Kolkata') AS kolkata;

-- Calls in both 02:xx hours of 2024-10-27 and around the 2024-03-31 gap; agent ud, client cd, queue q3.
-- k1 queued 00:10:00Z (02:10 CEST), answered 00:10:07Z (wait 7 s), talk 233 s, acw 60 s, ends 00:15:00Z -> 02:00+02:00
-- k2 queued 01:10:00Z (02:10 CET),  answered 01:10:07Z (wait 7 s), talk 233 s, acw 60 s, ends 01:15:00Z -> 02:00+01:00
-- k3 queued 00:50:00Z on 03-31 (01:50 CET), answered 00:50:30Z (wait 30 s: miss), talk 270 s, ends 00:56:00Z -> 01:30+01:00
-- k4 queued 01:05:00Z on 03-31 (03:05 CEST), answered 01:05:05Z (wait 5 s), talk 235 s, acw 60 s, ends 01:10:00Z -> 03:00+02:00
\set ECHO none
\i test/sample/build_export.sql
\set ECHO all
INSERT INTO t_seg VALUES
 ('k1','k1-acd','acd',NULL,NULL,'k1-s1','interact','2024-10-27 00:10:00Z','2024-10-27 00:10:05Z','q3','transfer',NULL),
 ('k1','k1-d','agent','ud','cd','k1-s2','alert','2024-10-27 00:10:05Z','2024-10-27 00:10:07Z','q3',NULL,NULL),
 ('k1','k1-d','agent','ud','cd','k1-s2','interact','2024-10-27 00:10:07Z','2024-10-27 00:14:00Z','q3','peer',NULL),
 ('k1','k1-d','agent','ud','cd','k1-s2','wrapup','2024-10-27 00:14:00Z','2024-10-27 00:15:00Z','q3',NULL,'x'),
 ('k2','k2-acd','acd',NULL,NULL,'k2-s1','interact','2024-10-27 01:10:00Z','2024-10-27 01:10:05Z','q3','transfer',NULL),
 ('k2','k2-d','agent','ud','cd','k2-s2','alert','2024-10-27 01:10:05Z','2024-10-27 01:10:07Z','q3',NULL,NULL),
 ('k2','k2-d','agent','ud','cd','k2-s2','interact','2024-10-27 01:10:07Z','2024-10-27 01:14:00Z','q3','peer',NULL),
 ('k2','k2-d','agent','ud','cd','k2-s2','wrapup','2024-10-27 01:14:00Z','2024-10-27 01:15:00Z','q3',NULL,'x'),
 ('k3','k3-acd','acd',NULL,NULL,'k3-s1','interact','2024-03-31 00:50:00Z','2024-03-31 00:50:30Z','q3','transfer',NULL),
 ('k3','k3-d','agent','ud','cd','k3-s2','interact','2024-03-31 00:50:30Z','2024-03-31 00:55:00Z','q3','peer',NULL),
 ('k3','k3-d','agent','ud','cd','k3-s2','wrapup','2024-03-31 00:55:00Z','2024-03-31 00:56:00Z','q3',NULL,'x'),
 ('k4','k4-acd','acd',NULL,NULL,'k4-s1','interact','2024-03-31 01:05:00Z','2024-03-31 01:05:05Z','q3','transfer',NULL),
 ('k4','k4-d','agent','ud','cd','k4-s2','interact','2024-03-31 01:05:05Z','2024-03-31 01:09:00Z','q3','peer',NULL),
 ('k4','k4-d','agent','ud','cd','k4-s2','wrapup','2024-03-31 01:09:00Z','2024-03-31 01:10:00Z','q3',NULL,'x');
INSERT INTO t_met
SELECT conv, conv || '-s1', 'nOffered', 1, min(s) FROM t_seg WHERE purpose = 'acd' GROUP BY conv
UNION ALL
SELECT conv, conv || '-s2', 'tAnswered',
       extract(epoch FROM min(s) FILTER (WHERE typ = 'interact') - (SELECT min(s) FROM t_seg a WHERE a.conv = t.conv)) * 1000,
       min(s) FILTER (WHERE typ = 'interact')
FROM t_seg t WHERE purpose = 'agent' GROUP BY conv
UNION ALL
SELECT conv, sess, CASE typ WHEN 'interact' THEN 'tTalk' ELSE 'tAcw' END, extract(epoch FROM e - s) * 1000, e
FROM t_seg WHERE purpose = 'agent' AND typ IN ('interact', 'wrapup')
UNION ALL
SELECT conv, sess, 'tHandle', extract(epoch FROM sum(e - s) FILTER (WHERE typ <> 'alert')) * 1000, max(e)
FROM t_seg WHERE purpose = 'agent' GROUP BY conv, sess;
SELECT conversations, rejected FROM gcstitch.import(pg_temp.export_doc());
SELECT gcstitch.refresh() AS refreshed \gset

-- Four intervals, one handled call each, reported = corrected; handle k3 330 s, k4 295 s, k1 and k2 293 s.
SELECT user_id, local_date, interval_label, interval_end - interval_start AS len, reported_handled, corrected_handled,
       reported_handle, corrected_handle
FROM gcstitch.agent_interval ORDER BY interval_start;
-- Offered and answered in the same intervals; SL 100 % except k3 (30 s > 20 s): 0 %.
SELECT queue_id, interval_label, reported_offered, corrected_offered, reported_answered, corrected_answered,
       round(reported_service_level_percent::numeric, 2) AS reported_sl,
       round(corrected_service_level_percent::numeric, 2) AS corrected_sl
FROM gcstitch.queue_interval ORDER BY interval_start;

-- Another report zone and interval length: UTC hours. k1 and k2 fall in 00:00 and 01:00 UTC.
INSERT INTO gcstitch.settings (report_timezone, interval_length) VALUES ('UTC', '60 minutes');
SELECT gcstitch.refresh() AS refreshed \gset
SELECT interval_label, interval_end - interval_start AS len, corrected_handled
FROM gcstitch.agent_interval WHERE local_date = '2024-10-27' ORDER BY interval_start;
ROLLBACK;

-- The calendar of report intervals: whole local days, from settings (30 minutes, Europe/Paris).
SELECT (SELECT count(*) FROM gcstitch.report_intervals('2024-03-31 00:00 Europe/Paris', '2024-04-01 00:00 Europe/Paris')) AS mar31,
       (SELECT count(*) FROM gcstitch.report_intervals('2024-10-27 00:00 Europe/Paris', '2024-10-28 00:00 Europe/Paris')) AS oct27,
       (SELECT count(*) FROM gcstitch.report_intervals('2024-11-04 00:00 Europe/Paris', '2024-11-05 00:00 Europe/Paris')) AS nov04;
SELECT interval_label, interval_end - interval_start AS len, local_date
FROM gcstitch.report_intervals('2024-10-27 01:30 Europe/Paris', '2024-10-27 03:30 Europe/Paris');
-- A start inside an interval: the first whole interval after it.
SELECT interval_label FROM gcstitch.report_intervals('2024-11-04 09:10 Europe/Paris', '2024-11-04 10:30 Europe/Paris');
