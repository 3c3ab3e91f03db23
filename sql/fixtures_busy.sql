-- Busy agents: the next call rings 1-21 s after the previous wrap-up, inside the 30 s gap tolerance.
-- Stitching rule 2 (an offer after a wrap-up is a new call, stitching-semantics.md) must still give
-- back each of the generator's calls; with rule 2 switched off (settings.split_after_wrapup), the
-- gap rule alone merges exactly the calls that follow each other within the tolerance.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE TEMP TABLE truth AS
SELECT * FROM gcstitch.sample_truth('2024-11-04', 6, 25, 12, fragment_pct => 30, transfer_pct => 10, abandon_pct => 10,
                                    outbound_pct => 15);
-- The plan: 1-21 s of idle time before each call routed to a free agent (at least that for the
-- second leg of a transfer, which waits for its agent); many calls follow the previous one within
-- the 30 s tolerance.
CREATE TEMP TABLE follows AS
SELECT leg_no, started_at - lag(ended_at) OVER (PARTITION BY user_id ORDER BY started_at) AS idle
  FROM truth WHERE user_id IS NOT NULL;
SELECT bool_and(idle BETWEEN interval '1 s' AND interval '21 s') FILTER (WHERE leg_no = 1) AS idle_1_21,
       bool_and(idle >= interval '1 s') AS idle_at_least_1,
       count(*) FILTER (WHERE idle <= interval '30 s') > 100 AS many_within_tolerance
  FROM follows WHERE idle IS NOT NULL;
SELECT sum(i.rejected) AS rejected
  FROM gcstitch.sample_export('2024-11-04', 6, 25, 12, fragment_pct => 30, transfer_pct => 10, abandon_pct => 10,
                              outbound_pct => 15) p,
       gcstitch.import(p.doc) i;
SELECT gcstitch.refresh() AS refreshed \gset

-- Both rules (the default): every call on its own, every measure the generator's.
CREATE TEMP VIEW truth_interaction AS
SELECT client_id AS stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at, answered_at,
       ended_at, fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
  FROM truth WHERE outcome <> 'abandoned';
CREATE TEMP VIEW stitched_interaction AS
SELECT stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at, answered_at, ended_at,
       fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
  FROM gcstitch.interaction;
SELECT (SELECT count(*) FROM truth_interaction) = (SELECT count(*) FROM stitched_interaction) AS same_count,
       (SELECT count(*) FROM (SELECT * FROM truth_interaction EXCEPT ALL SELECT * FROM stitched_interaction) d)
           AS truth_not_stitched,
       (SELECT count(*) FROM (SELECT * FROM stitched_interaction EXCEPT ALL SELECT * FROM truth_interaction) d)
           AS stitched_not_truth;
CREATE TEMP VIEW truth_call AS
SELECT queue_id, queued_at, left_queue_at, CASE outcome WHEN 'abandoned' THEN 'abandoned' ELSE 'answered' END AS outcome,
       queue_wait, user_id
  FROM truth WHERE queue_id IS NOT NULL;
CREATE TEMP VIEW stitched_call AS
SELECT queue_id, queued_at, left_queue_at, outcome, queue_wait, user_id FROM gcstitch.queue_call;
SELECT (SELECT count(*) FROM (SELECT * FROM truth_call EXCEPT ALL SELECT * FROM stitched_call) d) AS truth_not_stitched,
       (SELECT count(*) FROM (SELECT * FROM stitched_call EXCEPT ALL SELECT * FROM truth_call) d) AS stitched_not_truth;

-- The gap rule alone: one interaction less for each call that rang within 30 s of its agent's
-- previous wrap-up end.
UPDATE gcstitch.settings SET split_after_wrapup = false;
SELECT gcstitch.refresh() AS refreshed \gset
SELECT (SELECT count(*) FROM gcstitch.interaction) =
       (SELECT count(*) FROM truth_interaction) - (SELECT count(*) FROM follows WHERE idle <= interval '30 s')
       AS merged_as_the_gap_rule_says;
UPDATE gcstitch.settings SET split_after_wrapup = true;
DELETE FROM gcstitch.conversation;
