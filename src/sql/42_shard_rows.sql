-- Part 42: the shards' rows, as a coordinator reads them (issue 15). Each table is an empty parent;
-- gcstitch.add_shard() gives it one postgres_fdw foreign table per shard as an inheritance child,
-- so that a query of the parent reads every shard at once (async Append) and a shard more changes
-- no query. The public views of part 45 add these rows to the local ones: on a single node, or on a
-- shard, the parents have no children and add nothing. CHECK (false) NO INHERIT keeps rows out of
-- the parents themselves (and lets the planner skip them).

CREATE TABLE @extschema@.sharded_interaction AS SELECT * FROM @extschema@.interaction_live WITH NO DATA;
ALTER TABLE @extschema@.sharded_interaction ADD CHECK (false) NO INHERIT;
COMMENT ON TABLE @extschema@.sharded_interaction IS
    'Coordinator: the interactions each shard owns (its gcstitch.owned_interaction), one foreign child table per shard';

CREATE TABLE @extschema@.sharded_queue_visit AS SELECT * FROM @extschema@.queue_visit_live WITH NO DATA;
ALTER TABLE @extschema@.sharded_queue_visit ADD CHECK (false) NO INHERIT;
COMMENT ON TABLE @extschema@.sharded_queue_visit IS
    'Coordinator: the queue visits of the conversations each shard is home to (its gcstitch.owned_queue_visit), one foreign child table per shard';

CREATE TABLE @extschema@.sharded_queue_call AS SELECT * FROM @extschema@.queue_call_live WITH NO DATA;
ALTER TABLE @extschema@.sharded_queue_call ADD CHECK (false) NO INHERIT;
COMMENT ON TABLE @extschema@.sharded_queue_call IS
    'Coordinator: the queue calls each shard owns (its gcstitch.queue_call), one foreign child table per shard';

CREATE TABLE @extschema@.sharded_agent_interval AS SELECT * FROM @extschema@.agent_interval_live WITH NO DATA;
ALTER TABLE @extschema@.sharded_agent_interval ADD CHECK (false) NO INHERIT;
COMMENT ON TABLE @extschema@.sharded_agent_interval IS
    'Coordinator: each shard''s agent interval rows (its gcstitch.agent_interval, counting what it owns), one foreign child table per shard; gcstitch.agent_interval adds them up';

CREATE TABLE @extschema@.sharded_queue_interval AS SELECT * FROM @extschema@.queue_interval_live WITH NO DATA;
ALTER TABLE @extschema@.sharded_queue_interval ADD CHECK (false) NO INHERIT;
COMMENT ON TABLE @extschema@.sharded_queue_interval IS
    'Coordinator: each shard''s queue interval rows (its gcstitch.queue_interval, counting what it owns), one foreign child table per shard; gcstitch.queue_interval adds them up';

-- What each shard's refresh (rebuild, import) did: reading a child has its shard do it (part 55).
CREATE TABLE @extschema@.sharded_refreshed (conversations bigint, CHECK (false) NO INHERIT);
COMMENT ON TABLE @extschema@.sharded_refreshed IS
    'Coordinator: reading it refreshes every shard at once (one foreign child per shard on its gcstitch.shard_refreshed)';
CREATE TABLE @extschema@.sharded_rebuilt (conversations bigint, CHECK (false) NO INHERIT);
COMMENT ON TABLE @extschema@.sharded_rebuilt IS
    'Coordinator: reading it rebuilds every shard at once (one foreign child per shard on its gcstitch.shard_rebuilt)';
CREATE TABLE @extschema@.sharded_imported (home boolean, conversations int, segments int, metrics int,
                                           replaced int, rejected int, CHECK (false) NO INHERIT);
COMMENT ON TABLE @extschema@.sharded_imported IS
    'Coordinator: reading it has every shard import the parts import() left it (one foreign child per shard on its gcstitch.shard_imported), with their counts';

-- Per agent and interval, the shards' figures added up: counts and durations add; the averages and
-- differences are computed again from the sums, as agent_interval_live computes them (an average
-- of the shards' averages would weigh them wrong).
CREATE VIEW @extschema@.agent_interval_of_shards AS
WITH st AS (
    SELECT s.report_timezone AS tz, s.interval_length AS len FROM @extschema@.settings s LIMIT 1
),
summed AS (
    SELECT a.user_id, a.interval_start,
           sum(a.reported_handled)::bigint AS reported_handled,
           sum(a.reported_talk) AS reported_talk,
           sum(a.reported_hold) AS reported_hold,
           sum(a.reported_acw) AS reported_acw,
           sum(a.reported_handle) AS reported_handle,
           sum(a.corrected_handled)::bigint AS corrected_handled,
           sum(a.corrected_talk) AS corrected_talk,
           sum(a.corrected_hold) AS corrected_hold,
           sum(a.corrected_acw) AS corrected_acw,
           sum(a.corrected_handle) AS corrected_handle,
           sum(a.corrected_gap) AS corrected_gap,
           sum(a.corrected_fragments)::bigint AS corrected_fragments
    FROM @extschema@.sharded_agent_interval a
    GROUP BY a.user_id, a.interval_start
)
SELECT j.user_id,
       j.interval_start,
       j.interval_start + st.len AS interval_end,
       (j.interval_start AT TIME ZONE st.tz)::date AS local_date,
       @extschema@.report_interval_label(j.interval_start, st.tz) AS interval_label,
       j.reported_handled,
       j.reported_talk,
       j.reported_hold,
       j.reported_acw,
       j.reported_handle,
       j.reported_handle / nullif(j.reported_handled, 0) AS reported_aht,
       j.corrected_handled,
       j.corrected_talk,
       j.corrected_hold,
       j.corrected_acw,
       j.corrected_handle,
       j.corrected_handle / nullif(j.corrected_handled, 0) AS corrected_aht,
       j.corrected_gap,
       j.corrected_fragments,
       j.reported_handled - j.corrected_handled AS handled_diff,
       j.reported_talk - j.corrected_talk AS talk_diff,
       j.reported_hold - j.corrected_hold AS hold_diff,
       j.reported_acw - j.corrected_acw AS acw_diff,
       j.reported_handle - j.corrected_handle AS handle_diff,
       j.reported_handle / nullif(j.reported_handled, 0)
           - j.corrected_handle / nullif(j.corrected_handled, 0) AS aht_diff
FROM summed j CROSS JOIN st;
COMMENT ON VIEW @extschema@.agent_interval_of_shards IS
    'Coordinator: gcstitch.agent_interval across the shards (their rows added up per agent and interval, averages recomputed); empty without shards';

-- Per queue and interval, the same: counts, answer waits and service level counts (rollup) add;
-- ASA and service level percentages are computed again from them. The queue's name and target
-- are the coordinator's (the shards have the same, pushed by gcstitch.push_settings()).
CREATE VIEW @extschema@.queue_interval_of_shards AS
WITH st AS (
    SELECT s.interval_length, s.report_timezone FROM @extschema@.settings s LIMIT 1
),
summed AS (
    SELECT a.queue_id, a.interval_start,
           sum(a.reported_offered)::bigint AS reported_offered,
           sum(a.reported_answered)::bigint AS reported_answered,
           sum(a.reported_answered_in_threshold)::bigint AS reported_answered_in_threshold,
           sum(a.reported_abandoned)::bigint AS reported_abandoned,
           sum(a.reported_short_abandoned)::bigint AS reported_short_abandoned,
           sum(a.reported_flow_outs)::bigint AS reported_flow_outs,
           sum(a.reported_answered_wait) AS reported_answered_wait,
           @extschema@.rollup(a.reported_service_level) AS reported_service_level,
           sum(a.corrected_offered)::bigint AS corrected_offered,
           sum(a.corrected_answered)::bigint AS corrected_answered,
           sum(a.corrected_answered_in_threshold)::bigint AS corrected_answered_in_threshold,
           sum(a.corrected_abandoned)::bigint AS corrected_abandoned,
           sum(a.corrected_short_abandoned)::bigint AS corrected_short_abandoned,
           sum(a.corrected_flow_outs)::bigint AS corrected_flow_outs,
           sum(a.corrected_answered_wait) AS corrected_answered_wait,
           @extschema@.rollup(a.corrected_service_level) AS corrected_service_level
    FROM @extschema@.sharded_queue_interval a
    GROUP BY a.queue_id, a.interval_start
),
c AS (
    SELECT s.*, q.name AS queue_name,
           @extschema@.sl_threshold_or_default(q.sl_threshold) AS sl_threshold,
           @extschema@.sl_target_percent_or_default(q.sl_target_percent) AS sl_target_percent,
           s.reported_answered_wait / nullif(s.reported_answered, 0) AS reported_asa,
           s.corrected_answered_wait / nullif(s.corrected_answered, 0) AS corrected_asa
    FROM summed s LEFT JOIN @extschema@.queue q USING (queue_id)
)
SELECT c.queue_id,
       c.queue_name,
       c.interval_start,
       c.interval_start + st.interval_length AS interval_end,
       (c.interval_start AT TIME ZONE st.report_timezone)::date AS local_date,
       @extschema@.report_interval_label(c.interval_start, st.report_timezone) AS interval_label,
       c.sl_threshold,
       c.sl_target_percent,
       c.reported_offered,
       c.reported_answered,
       c.reported_answered_in_threshold,
       c.reported_abandoned,
       c.reported_short_abandoned,
       c.reported_flow_outs,
       c.reported_asa,
       @extschema@.service_level_percent(c.reported_service_level) AS reported_service_level_percent,
       c.reported_service_level,
       c.corrected_offered,
       c.corrected_answered,
       c.corrected_answered_in_threshold,
       c.corrected_abandoned,
       c.corrected_short_abandoned,
       c.corrected_flow_outs,
       c.corrected_asa,
       @extschema@.service_level_percent(c.corrected_service_level) AS corrected_service_level_percent,
       c.corrected_service_level,
       c.reported_offered - c.corrected_offered AS offered_diff,
       c.reported_answered - c.corrected_answered AS answered_diff,
       c.reported_abandoned - c.corrected_abandoned AS abandoned_diff,
       c.reported_asa - c.corrected_asa AS asa_diff,
       @extschema@.service_level_percent(c.reported_service_level)
           - @extschema@.service_level_percent(c.corrected_service_level) AS service_level_percent_diff,
       c.reported_answered_wait,
       c.corrected_answered_wait
FROM c CROSS JOIN st;
COMMENT ON VIEW @extschema@.queue_interval_of_shards IS
    'Coordinator: gcstitch.queue_interval across the shards (their rows added up per queue and interval, service level counts rolled up, ASA and percentages recomputed); empty without shards';
