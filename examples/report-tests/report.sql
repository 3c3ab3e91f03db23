-- The analysts' own objects, built on gcstitch: which queues each team owns, and the team's
-- service level per day (from the corrected per-interval figures, rolled up: never an average of
-- percentages).
CREATE SCHEMA report;

CREATE TABLE report.team_queue (
    queue_id text PRIMARY KEY,
    team     text NOT NULL
);

CREATE VIEW report.team_sla_day AS
SELECT t.team,
       q.local_date,
       sum(q.corrected_offered) AS offered,
       sum(q.corrected_answered) AS answered,
       sum(q.corrected_answered_in_threshold) AS answered_in_threshold,
       sum(q.corrected_abandoned) AS abandoned,
       round(gcstitch.service_level_percent(gcstitch.rollup(q.corrected_service_level)), 1) AS service_level_pct,
       date_trunc('second', sum(q.corrected_asa * q.corrected_answered) / nullif(sum(q.corrected_answered), 0))
           AS average_speed_of_answer
FROM gcstitch.queue_interval q
JOIN report.team_queue t USING (queue_id)
GROUP BY t.team, q.local_date;
