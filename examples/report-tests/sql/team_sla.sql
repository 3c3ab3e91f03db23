-- report.team_sla_day on two generated days (no real data in the repository): the figures it shows,
-- and proof that they are the true ones, computed from gcstitch.sample_truth() (what the generator
-- planned), not from gcstitch.
SET timezone = 'Europe/Paris';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
\i report.sql
-- The generator's queues are f0000000-0000-4000-8000-00000000000N (N = 1, 2, 3).
INSERT INTO report.team_queue VALUES
    ('f0000000-0000-4000-8000-000000000001', 'Front office'),
    ('f0000000-0000-4000-8000-000000000002', 'Front office'),
    ('f0000000-0000-4000-8000-000000000003', 'Back office');

-- The fixture: Monday and Tuesday, 6 agents taking 20 calls a day each, with reconnects,
-- transfers, abandons and outbound calls (the defaults); seed 1.
CREATE TABLE fixture_day (day date);
INSERT INTO fixture_day VALUES ('2024-11-04'), ('2024-11-05');
SELECT sum(i.conversations) > 0 AS imported, sum(i.rejected) AS rejected
  FROM fixture_day d, gcstitch.sample_export(d.day, 6, 20, 1, busy => false) p, gcstitch.import(p.doc) i;
SELECT gcstitch.refresh() AS refreshed \gset

-- The report.
SELECT * FROM report.team_sla_day ORDER BY team, local_date;

-- The same figures from the generator's truth: every queued call with its queue, local day of queue
-- entry, outcome and wait (gcstitch's defaults: 80 % in 20 s, abandons counted).
CREATE VIEW true_team_sla_day AS
SELECT t.team, (c.queued_at AT TIME ZONE 'Europe/Paris')::date AS local_date,
       count(*) AS offered,
       count(*) FILTER (WHERE c.outcome = 'answered') AS answered,
       count(*) FILTER (WHERE c.outcome = 'answered' AND c.queue_wait <= interval '20 s') AS answered_in_threshold,
       count(*) FILTER (WHERE c.outcome = 'abandoned') AS abandoned,
       round(100.0 * count(*) FILTER (WHERE c.outcome = 'answered' AND c.queue_wait <= interval '20 s') / count(*), 1)
           AS service_level_pct,
       date_trunc('second', avg(c.queue_wait) FILTER (WHERE c.outcome = 'answered')) AS average_speed_of_answer
FROM fixture_day d
CROSS JOIN gcstitch.sample_truth(d.day, 6, 20, 1, busy => false) c
JOIN report.team_queue t USING (queue_id)
GROUP BY 1, 2;
SELECT count(*) AS rows_differing
  FROM ((SELECT * FROM report.team_sla_day EXCEPT SELECT * FROM true_team_sla_day)
        UNION ALL (SELECT * FROM true_team_sla_day EXCEPT SELECT * FROM report.team_sla_day)) d;
-- Without stitching the same day would look better: every reconnected piece answered again.
SELECT sum(reported_answered) > sum(corrected_answered) AS reported_counts_pieces FROM gcstitch.queue_interval;
