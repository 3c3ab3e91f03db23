-- Part 40: the analytics views (issue 5): stitched interactions, logical queue calls, and the
-- per-interval agent and queue reports, as reported by Genesys and as corrected by stitching.
-- These are the live definitions (*_live): recomputed from all imported data at every query, so
-- always current, at a cost that grows with the history. Part 45 keeps the same rows in tables that
-- gcstitch.refresh() maintains incrementally, under the public names (interaction, agent_interval, ...).
-- Every live view reads gcstitch.settings (gap tolerance, report time zone, interval length, short-abandon
-- threshold, service level options) when it is queried, so editing the settings takes effect at once.
-- Settings are read through `LIMIT 1` subqueries: the table holds one row, and the planner must know.

-- Start of the report interval holding ts: interval_length wide, aligned to local midnight in
-- time_zone. Computed as ts minus the local remainder, so both occurrences of a repeated local hour
-- (DST fall-back) stay distinct intervals and a skipped local hour (spring forward) has none.
-- Exact for lengths that divide an hour (the settings allow 15, 30 and 60 minutes): UTC offsets
-- change on whole hours or half hours, so an interval never straddles an offset change.
CREATE FUNCTION @extschema@.report_interval_start(ts timestamptz, interval_length interval, time_zone text)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ((ts AT TIME ZONE 'UTC')
        - ((ts AT TIME ZONE time_zone)
           - pg_catalog.date_bin(interval_length, ts AT TIME ZONE time_zone, TIMESTAMP '2000-01-01 00:00:00')))
       AT TIME ZONE 'UTC';
COMMENT ON FUNCTION @extschema@.report_interval_start(timestamptz, interval, text) IS
    'Start (an unambiguous instant) of the report interval of the given length, aligned on local midnight in the given IANA time zone, that holds ts; for lengths dividing an hour';

-- Local wall-clock label of an interval start: 'YYYY-MM-DD HH24:MI+HH:MM' (ISO 8601 with the UTC
-- offset), so the two 02:00 intervals of a fall-back night read 02:00+02:00 and 02:00+01:00.
CREATE FUNCTION @extschema@.report_interval_label(interval_start timestamptz, time_zone text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.to_char(interval_start AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI')
       || CASE WHEN (interval_start AT TIME ZONE time_zone) < (interval_start AT TIME ZONE 'UTC')
               THEN '-' ELSE '+' END
       || pg_catalog.to_char(CASE WHEN (interval_start AT TIME ZONE time_zone) < (interval_start AT TIME ZONE 'UTC')
                                  THEN (interval_start AT TIME ZONE 'UTC') - (interval_start AT TIME ZONE time_zone)
                                  ELSE (interval_start AT TIME ZONE time_zone) - (interval_start AT TIME ZONE 'UTC') END,
                             'HH24:MI');
COMMENT ON FUNCTION @extschema@.report_interval_label(timestamptz, text) IS
    'Local label of a report interval start: wall-clock date and time in the given time zone with its UTC offset (ISO 8601), distinct for the repeated hour of a DST fall-back';

-- Every report interval that starts in [from_ts, to_ts), in the settings' zone and length: the
-- calendar to left-join the interval views to, so that empty intervals show as zero.
CREATE FUNCTION @extschema@.report_intervals(from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (interval_start timestamptz, interval_end timestamptz, local_date date, interval_label text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT g.s, g.s + st.interval_length, (g.s AT TIME ZONE st.report_timezone)::date,
           @extschema@.report_interval_label(g.s, st.report_timezone)
    FROM (SELECT s.interval_length, s.report_timezone FROM @extschema@.settings s LIMIT 1) st
    CROSS JOIN LATERAL pg_catalog.generate_series(
        @extschema@.report_interval_start(from_ts, st.interval_length, st.report_timezone),
        to_ts - interval '1 microsecond', st.interval_length) AS g(s)
    WHERE g.s >= from_ts
    ORDER BY g.s;
END;
COMMENT ON FUNCTION @extschema@.report_intervals(timestamptz, timestamptz) IS
    'Every report interval (settings.interval_length in settings.report_timezone) starting in [from_ts, to_ts), with its end, local date and label: left-join agent_interval or queue_interval to it to show empty intervals';

-- One row per queue visit (an acd participant session: one wait in one queue), with the agent
-- session that answered it: the first agent session of the same conversation whose first interact
-- starts at or after the visit's queue entry and before the conversation's next queue entry.
CREATE VIEW @extschema@.queue_visit_live AS
WITH visit AS (
    SELECT g.conversation_id, g.session_id,
           (array_agg(g.queue_id ORDER BY g.segment_start, g.segment_no) FILTER (WHERE g.queue_id IS NOT NULL))[1]
               AS queue_id,
           min(g.segment_start) AS queued_at,
           CASE WHEN bool_and(g.segment_end IS NOT NULL) THEN max(g.segment_end) END AS left_queue_at,
           (array_agg(g.disconnect_type ORDER BY g.segment_end DESC NULLS LAST, g.segment_no DESC)
                FILTER (WHERE g.disconnect_type IS NOT NULL))[1] AS disconnect_type
    FROM @extschema@.segment g
    WHERE g.purpose = 'acd' AND g.segment_start IS NOT NULL
    GROUP BY g.conversation_id, g.session_id
),
ordered AS (
    SELECT v.*,
           lead(v.queued_at) OVER (PARTITION BY v.conversation_id ORDER BY v.queued_at, v.session_id)
               AS next_queued_at
    FROM visit v
),
agent_answer AS (
    SELECT g.conversation_id, g.session_id, min(g.user_id) AS user_id, min(g.segment_start) AS answered_at
    FROM @extschema@.segment g
    WHERE g.purpose = 'agent' AND g.segment_type = 'interact' AND g.segment_start IS NOT NULL
    GROUP BY g.conversation_id, g.session_id
)
SELECT DISTINCT ON (o.conversation_id, o.session_id)
       o.conversation_id,
       o.session_id,
       o.queue_id,
       o.queued_at,
       o.left_queue_at,
       o.disconnect_type,
       a.session_id AS answered_session_id,
       a.user_id AS answered_user_id,
       a.answered_at
FROM ordered o
LEFT JOIN agent_answer a
  ON a.conversation_id = o.conversation_id
 AND a.answered_at >= o.queued_at
 AND (o.next_queued_at IS NULL OR a.answered_at < o.next_queued_at)
ORDER BY o.conversation_id, o.session_id, a.answered_at, a.session_id;

-- One row per stitched interaction. The agent participants' segments are labelled with their island
-- by the window function interaction_no (partitioned by stitching key: the client id; without one,
-- the conversation and agent; both stitching rules, rule 2 as settings.split_after_wrapup says),
-- then each island is measured by the stitch aggregate in the same
-- GROUP BY that collects its conversations, agent and answered queue visits: one pass, no join of
-- aggregates (interactions() of an island's stitch is that island: stitching the whole key and
-- expanding it gives the same rows, numbered the same).
CREATE VIEW @extschema@.interaction_live AS
WITH st AS (
    SELECT s.gap_tolerance, s.split_after_wrapup FROM @extschema@.settings s LIMIT 1
),
labelled AS (
    SELECT a.*,
           @extschema@.interaction_no(a.segment_start, a.segment_end, a.segment_type, st.gap_tolerance,
                                      st.split_after_wrapup)
               OVER (PARTITION BY a.stitch_key ORDER BY a.segment_start, a.segment_end) AS interaction_no,
           st.gap_tolerance, st.split_after_wrapup
    FROM (
        SELECT g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
               g.segment_start, g.segment_end,
               coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, ''))
                   AS stitch_key
        FROM @extschema@.segment g
        WHERE g.purpose = 'agent' AND g.segment_start IS NOT NULL AND g.segment_end IS NOT NULL
    ) a
    CROSS JOIN st
),
island AS MATERIALIZED (
    SELECT l.stitch_key, l.interaction_no,
           min(l.client_id) AS client_id,
           min(l.segment_start) AS started_at,
           @extschema@.stitch(l.segment_start, l.segment_end, l.segment_type,
                              l.conversation_id || ' ' || l.session_id, l.gap_tolerance,
                              l.split_after_wrapup) AS timeline,
           -- the agent who answered (first interact segment), else the agent of the first segment
           (array_agg(l.user_id ORDER BY l.segment_type IS DISTINCT FROM 'interact', l.segment_start,
                      l.segment_end, l.user_id) FILTER (WHERE l.user_id IS NOT NULL))[1] AS user_id,
           -- its conversations, in order of their first agent segment
           (SELECT array_agg(u.c ORDER BY u.o)
            FROM (SELECT DISTINCT ON (x.c) x.c, x.o
                  FROM unnest(array_agg(l.conversation_id ORDER BY l.segment_start, l.segment_end,
                                        l.conversation_id)) WITH ORDINALITY AS x(c, o)
                  ORDER BY x.c, x.o) u) AS conversation_ids,
           -- the queue visits it answered (joined on each answering session's first interact row)
           min(v.queued_at) AS queued_at,
           min(v.answered_at) AS queue_answered_at,
           (array_agg(v.queue_id ORDER BY v.queued_at, v.conversation_id, v.session_id)
                FILTER (WHERE v.queued_at IS NOT NULL))[1] AS queue_id
    FROM labelled l
    LEFT JOIN @extschema@.queue_visit_live v
      ON v.conversation_id = l.conversation_id AND v.answered_session_id = l.session_id
     AND l.segment_type = 'interact' AND l.segment_start = v.answered_at
    GROUP BY l.stitch_key, l.interaction_no
),
-- An island that answered no queue visit (it rang and was not answered, or it had no interact):
-- the latest visit of its conversations that entered the queue before the island started.
rung AS MATERIALIZED (
    SELECT DISTINCT ON (s.stitch_key, s.interaction_no)
           s.stitch_key, s.interaction_no, v.queue_id, v.queued_at
    FROM island s
    CROSS JOIN LATERAL unnest(s.conversation_ids) AS c(conversation_id)
    JOIN @extschema@.queue_visit_live v ON v.conversation_id = c.conversation_id AND v.queued_at <= s.started_at
    WHERE s.queued_at IS NULL
    ORDER BY s.stitch_key, s.interaction_no, v.queued_at DESC, v.conversation_id DESC, v.session_id DESC
)
SELECT s.stitch_key,
       s.client_id,
       s.interaction_no,
       s.user_id,
       coalesce(s.queue_id, r.queue_id) AS queue_id,
       s.conversation_ids,
       coalesce(s.queued_at, r.queued_at) AS queued_at,
       i.started_at,
       i.answered_at,
       i.ended_at,
       i.fragments,
       i.alert,
       i.talk,
       i.hold,
       i.acw,
       i.handle,
       i.gap,
       s.queue_answered_at - s.queued_at AS queue_wait,
       i.speed_of_answer
FROM island s
CROSS JOIN LATERAL @extschema@.interactions(s.timeline) i
LEFT JOIN rung r ON r.stitch_key = s.stitch_key AND r.interaction_no = s.interaction_no;

-- One row per logical queued call: each stitched interaction that answered a queue visit (however
-- many fragments and re-queued conversations it spans), and each queue visit no agent answered.
-- On a shard of a coordinator, only the calls it owns (part 08): interactions of its own client ids
-- (without one: of its own first conversation), unanswered visits of its own conversations.
CREATE VIEW @extschema@.queue_call_live AS
SELECT i.queue_id,
       i.queued_at,
       i.queued_at + i.queue_wait AS left_queue_at,
       i.queued_at + i.queue_wait AS answered_at,
       'answered'::text AS outcome,
       false AS short_abandon,
       i.queue_wait,
       i.stitch_key,
       i.client_id,
       i.interaction_no,
       i.user_id,
       i.conversation_ids
FROM @extschema@.interaction_live i
WHERE i.queue_wait IS NOT NULL
  AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
  AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                  WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
UNION ALL
SELECT v.queue_id,
       v.queued_at,
       v.left_queue_at,
       NULL::timestamptz,
       CASE WHEN v.left_queue_at IS NULL THEN 'waiting'
            WHEN v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer' THEN 'flow_out'
            ELSE 'abandoned' END,
       v.left_queue_at IS NOT NULL
           AND NOT (v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer')
           AND v.left_queue_at - v.queued_at < st.short_abandon_threshold,
       v.left_queue_at - v.queued_at,
       NULL::text,
       NULL::text,
       NULL::integer,
       NULL::text,
       ARRAY[v.conversation_id]
FROM @extschema@.queue_visit_live v
CROSS JOIN (SELECT s.short_abandon_threshold FROM @extschema@.settings s LIMIT 1) st
WHERE v.answered_session_id IS NULL
  AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = v.conversation_id);

-- Per agent and report interval: what Genesys reports (raw metrics, each in the interval of its
-- emitDate) next to the corrected figures (stitched interactions, each in the interval where it
-- ended, i.e. where its wrap-up ended), and reported minus corrected. Owned rows only (part 08),
-- as in queue_call_live.
CREATE VIEW @extschema@.agent_interval_live AS
WITH st AS (
    SELECT s.report_timezone AS tz, s.interval_length AS len FROM @extschema@.settings s LIMIT 1
),
reported AS (
    SELECT m.user_id,
           @extschema@.report_interval_start(m.emit_date, st.len, st.tz) AS interval_start,
           count(*) FILTER (WHERE m.name = 'tHandle') AS handled,
           sum(m.value) FILTER (WHERE m.name = 'tTalk') AS talk_ms,
           sum(m.value) FILTER (WHERE m.name = 'tHeld') AS hold_ms,
           sum(m.value) FILTER (WHERE m.name = 'tAcw') AS acw_ms,
           sum(m.value) FILTER (WHERE m.name = 'tHandle') AS handle_ms
    FROM @extschema@.metric m CROSS JOIN st
    WHERE m.purpose = 'agent' AND m.user_id IS NOT NULL AND m.emit_date IS NOT NULL
      AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw')
      AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = m.conversation_id)
    GROUP BY 1, 2
),
corrected AS (
    SELECT i.user_id,
           @extschema@.report_interval_start(i.ended_at, st.len, st.tz) AS interval_start,
           count(*) FILTER (WHERE i.handle > interval '0') AS handled,
           sum(i.talk) AS talk,
           sum(i.hold) AS hold,
           sum(i.acw) AS acw,
           sum(i.handle) AS handle,
           sum(i.gap) AS gap,
           sum(i.fragments) FILTER (WHERE i.handle > interval '0') AS fragments
    FROM @extschema@.interaction_live i CROSS JOIN st
    WHERE i.user_id IS NOT NULL
      AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
      AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                      WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
    GROUP BY 1, 2
),
joined AS (
    SELECT user_id, interval_start,
           coalesce(r.handled, 0) AS reported_handled,
           coalesce(r.talk_ms, 0)::float8 * interval '1 millisecond' AS reported_talk,
           coalesce(r.hold_ms, 0)::float8 * interval '1 millisecond' AS reported_hold,
           coalesce(r.acw_ms, 0)::float8 * interval '1 millisecond' AS reported_acw,
           coalesce(r.handle_ms, 0)::float8 * interval '1 millisecond' AS reported_handle,
           coalesce(c.handled, 0) AS corrected_handled,
           coalesce(c.talk, interval '0') AS corrected_talk,
           coalesce(c.hold, interval '0') AS corrected_hold,
           coalesce(c.acw, interval '0') AS corrected_acw,
           coalesce(c.handle, interval '0') AS corrected_handle,
           coalesce(c.gap, interval '0') AS corrected_gap,
           coalesce(c.fragments, 0) AS corrected_fragments
    FROM reported r FULL JOIN corrected c USING (user_id, interval_start)
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
FROM joined j CROSS JOIN st;

-- Per queue and report interval: Performance-view queue metrics as reported (raw metrics in the
-- interval of their emitDate) and as corrected (logical calls of gcstitch.queue_call: offered at
-- queue entry; answered, abandoned and flowed out when they left the queue). Owned rows only (part
-- 08): metrics of its own conversations, the calls of queue_call_live. The answered wait sums make
-- the ASA of several rows (intervals, shards) exact: sum(wait) / sum(answered).
CREATE VIEW @extschema@.queue_interval_live AS
WITH st AS (
    SELECT s.interval_length, s.report_timezone, s.short_abandon_threshold, s.sl_include_short_abandons,
           s.sl_include_abandons, s.sl_include_flow_outs
    FROM @extschema@.settings s LIMIT 1
),
-- The queue of a metric: the first queue id on its own session's segments, else the conversation's
-- first queue.
session_queue AS (
    SELECT DISTINCT ON (g.conversation_id, g.session_id) g.conversation_id, g.session_id, g.queue_id
    FROM @extschema@.segment g
    WHERE g.queue_id IS NOT NULL
    ORDER BY g.conversation_id, g.session_id, g.segment_start, g.segment_no
),
conversation_queue AS (
    SELECT DISTINCT ON (g.conversation_id) g.conversation_id, g.queue_id
    FROM @extschema@.segment g
    WHERE g.queue_id IS NOT NULL AND g.purpose = 'acd'
    ORDER BY g.conversation_id, g.segment_start, g.session_id, g.segment_no
),
calls AS MATERIALIZED (
    SELECT c.queue_id, c.queued_at, c.left_queue_at, c.outcome, c.queue_wait FROM @extschema@.queue_call_live c
),
event AS (
    SELECT true AS reported,
           coalesce(sq.queue_id, cq.queue_id) AS queue_id,
           m.emit_date AS ts,
           CASE m.name WHEN 'nOffered' THEN 'offered' WHEN 'tAnswered' THEN 'answered'
                       WHEN 'tAbandon' THEN 'abandoned' ELSE 'flow_out' END AS kind,
           CASE WHEN m.name <> 'nOffered' THEN m.value::float8 * interval '1 millisecond' END AS wait
    FROM @extschema@.metric m
    LEFT JOIN session_queue sq USING (conversation_id, session_id)
    LEFT JOIN conversation_queue cq USING (conversation_id)
    WHERE m.name IN ('nOffered', 'tAnswered', 'tAbandon', 'tFlowOut') AND m.emit_date IS NOT NULL
      AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = m.conversation_id)
    UNION ALL
    SELECT false, c.queue_id, c.queued_at, 'offered', NULL
    FROM calls c
    UNION ALL
    SELECT false, c.queue_id, c.left_queue_at, c.outcome, c.queue_wait
    FROM calls c
    WHERE c.outcome <> 'waiting'
),
bucketed AS (
    SELECT e.*, @extschema@.report_interval_start(e.ts, st.interval_length, st.report_timezone) AS interval_start
    FROM event e CROSS JOIN st
    WHERE e.queue_id IS NOT NULL
),
-- Repeated in refresh_queue_intervals(), whose events a view cannot read (temp tables): shared, it would take them as an array built whole.
counted AS (
    SELECT b.queue_id, b.interval_start, q.name AS queue_name,
           @extschema@.sl_threshold_or_default(q.sl_threshold) AS sl_threshold,
           @extschema@.sl_target_percent_or_default(q.sl_target_percent) AS sl_target_percent,
           count(*) FILTER (WHERE b.reported AND b.kind = 'offered') AS reported_offered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_answered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered'
                                  AND b.wait <= @extschema@.sl_threshold_or_default(q.sl_threshold))
               AS reported_answered_in_threshold,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned') AS reported_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS reported_short_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'flow_out') AS reported_flow_outs,
           avg(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_asa,
           coalesce(sum(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered'), interval '0')
               AS reported_answered_wait,
           @extschema@.service_level(b.wait, b.kind = 'answered', @extschema@.sl_threshold_or_default(q.sl_threshold),
                                     st.short_abandon_threshold, st.sl_include_short_abandons,
                                     st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
               FILTER (WHERE b.reported AND b.kind <> 'offered') AS reported_service_level,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'offered') AS corrected_offered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_answered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered'
                                  AND b.wait <= @extschema@.sl_threshold_or_default(q.sl_threshold))
               AS corrected_answered_in_threshold,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned') AS corrected_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS corrected_short_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'flow_out') AS corrected_flow_outs,
           avg(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_asa,
           coalesce(sum(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered'), interval '0')
               AS corrected_answered_wait,
           @extschema@.service_level(b.wait, b.kind = 'answered', @extschema@.sl_threshold_or_default(q.sl_threshold),
                                     st.short_abandon_threshold, st.sl_include_short_abandons,
                                     st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
               FILTER (WHERE NOT b.reported AND b.kind <> 'offered') AS corrected_service_level
    FROM bucketed b
    CROSS JOIN st
    LEFT JOIN @extschema@.queue q USING (queue_id)
    GROUP BY b.queue_id, b.interval_start, q.name, q.sl_threshold, q.sl_target_percent,
             st.short_abandon_threshold, st.sl_include_short_abandons, st.sl_include_abandons,
             st.sl_include_flow_outs
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
FROM counted c CROSS JOIN st;

-- What each view and column means, for BI tools and \d+.
COMMENT ON VIEW @extschema@.queue_visit_live IS
    'One row per queue visit (acd participant session) with the agent session that answered it, if any; live: recomputed from the imported data at every query (gcstitch.queue_visit holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON COLUMN @extschema@.queue_visit_live.conversation_id IS 'Conversation of the visit';
COMMENT ON COLUMN @extschema@.queue_visit_live.session_id IS 'acd session id of the visit (unique within its conversation)';
COMMENT ON COLUMN @extschema@.queue_visit_live.queue_id IS 'Queue waited in (first queue id of the session''s segments)';
COMMENT ON COLUMN @extschema@.queue_visit_live.queued_at IS 'Queue entry: start of the first acd segment of the visit';
COMMENT ON COLUMN @extschema@.queue_visit_live.left_queue_at IS 'End of the last acd segment of the visit; NULL while still waiting';
COMMENT ON COLUMN @extschema@.queue_visit_live.disconnect_type IS 'Disconnect type of the visit''s last acd segment (transfer: flowed out or routed; peer/client: abandoned)';
COMMENT ON COLUMN @extschema@.queue_visit_live.answered_session_id IS 'Agent session that answered the visit: the first agent session of the conversation whose first interact starts at or after queue entry and before the conversation''s next queue entry; NULL when none did';
COMMENT ON COLUMN @extschema@.queue_visit_live.answered_user_id IS 'Agent (user id) of answered_session_id';
COMMENT ON COLUMN @extschema@.queue_visit_live.answered_at IS 'First interact start of answered_session_id (the answer)';

COMMENT ON VIEW @extschema@.interaction_live IS
    'One row per stitched interaction: agent segments grouped by client id (without a client id: by conversation and agent), cut into islands by settings.gap_tolerance and, when settings.split_after_wrapup, by the new-call rule (an offer after a wrapup); live: recomputed from the imported data at every query (gcstitch.interaction holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON COLUMN @extschema@.interaction_live.stitch_key IS 'Stitching key: the client id, or ''conversation <id> user <id>'' for segments without a client id';
COMMENT ON COLUMN @extschema@.interaction_live.client_id IS 'Persistent softphone client id (participant attribute named in settings.client_id_attributes); NULL when the segments had none';
COMMENT ON COLUMN @extschema@.interaction_live.interaction_no IS 'Number of the interaction within its stitching key, 1 = earliest (may change when earlier data is imported)';
COMMENT ON COLUMN @extschema@.interaction_live.user_id IS 'Agent: the user of the first interact segment (the agent who answered), else of the first segment';
COMMENT ON COLUMN @extschema@.interaction_live.queue_id IS 'Queue of the earliest queue visit the interaction answered; when it answered none, the queue of the latest visit of its conversations that started before it (the call that rang)';
COMMENT ON COLUMN @extschema@.interaction_live.conversation_ids IS 'Conversations the interaction spans, in order of their first agent segment';
COMMENT ON COLUMN @extschema@.interaction_live.queued_at IS 'Queue entry of the call (same rule as queue_id); NULL for calls that never queued';
COMMENT ON COLUMN @extschema@.interaction_live.started_at IS 'Start of the first agent segment (alert, or interact/dialing when there was no alert)';
COMMENT ON COLUMN @extschema@.interaction_live.answered_at IS 'Start of the first interact segment (the answer); NULL when the agent never talked';
COMMENT ON COLUMN @extschema@.interaction_live.ended_at IS 'End of the last agent segment (usually the end of wrap-up)';
COMMENT ON COLUMN @extschema@.interaction_live.fragments IS 'Number of agent sessions the interaction was cut into (1 = unbroken)';
COMMENT ON COLUMN @extschema@.interaction_live.alert IS 'Ringing time (union of alert segments)';
COMMENT ON COLUMN @extschema@.interaction_live.talk IS 'Talk time (union of interact segments; overlaps between fragments count once)';
COMMENT ON COLUMN @extschema@.interaction_live.hold IS 'Hold time (union of hold segments)';
COMMENT ON COLUMN @extschema@.interaction_live.acw IS 'After-call work (union of wrapup segments)';
COMMENT ON COLUMN @extschema@.interaction_live.handle IS 'Handle time: talk + hold + acw + dialing + contacting';
COMMENT ON COLUMN @extschema@.interaction_live.gap IS 'Dead air between fragments: time covered by no agent segment';
COMMENT ON COLUMN @extschema@.interaction_live.queue_wait IS 'Time in queue: first answer of a queue visit by the interaction (normally answered_at) minus the queue entry of the earliest visit it answered; NULL when it answered none';
COMMENT ON COLUMN @extschema@.interaction_live.speed_of_answer IS 'Agent-side speed of answer: answered_at minus the start of the first alert';

COMMENT ON VIEW @extschema@.queue_call_live IS
    'One row per logical queued call: each interaction that answered queue visits (counted once however many fragments or re-queued conversations), and each queue visit no agent answered (abandoned, flowed out, or still waiting); live: recomputed from the imported data at every query (gcstitch.queue_call holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';
COMMENT ON COLUMN @extschema@.queue_call_live.queue_id IS 'Queue of the call (its first queue visit)';
COMMENT ON COLUMN @extschema@.queue_call_live.queued_at IS 'First queue entry: the call counts as offered in this instant''s interval';
COMMENT ON COLUMN @extschema@.queue_call_live.left_queue_at IS 'When the call left the queue: answer, abandon or flow-out instant; answered, abandoned and flow-outs count in its interval';
COMMENT ON COLUMN @extschema@.queue_call_live.answered_at IS 'Answer instant (first interact of the agent session that answered the queue visit); NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call_live.outcome IS 'answered, abandoned, flow_out (the last acd segment ended by a transfer), or waiting (still in queue)';
COMMENT ON COLUMN @extschema@.queue_call_live.short_abandon IS 'Abandoned after waiting less than settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_call_live.queue_wait IS 'Time from first queue entry to answer, abandon or flow-out';
COMMENT ON COLUMN @extschema@.queue_call_live.stitch_key IS 'Stitching key of the answering interaction; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call_live.client_id IS 'Client id of the answering interaction; NULL when not answered or none';
COMMENT ON COLUMN @extschema@.queue_call_live.interaction_no IS 'interaction_no of the answering interaction; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call_live.user_id IS 'Agent who answered; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call_live.conversation_ids IS 'Conversations of the call';

COMMENT ON VIEW @extschema@.agent_interval_live IS
    'Per agent and report interval (settings.interval_length in settings.report_timezone): handled, talk, hold, acw, handle and AHT as reported by Genesys (raw metrics, each in the interval of its emitDate) and corrected by stitching (each interaction in the interval where it ended, i.e. where wrap-up ended), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.agent_interval holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';
COMMENT ON COLUMN @extschema@.agent_interval_live.user_id IS 'Agent (Genesys user id)';
COMMENT ON COLUMN @extschema@.agent_interval_live.interval_start IS 'Interval start, an unambiguous instant (both 02:00 intervals of a DST fall-back night are distinct)';
COMMENT ON COLUMN @extschema@.agent_interval_live.interval_end IS 'Interval end (exclusive)';
COMMENT ON COLUMN @extschema@.agent_interval_live.local_date IS 'Local date of the interval start in the report time zone';
COMMENT ON COLUMN @extschema@.agent_interval_live.interval_label IS 'Local wall-clock start with UTC offset, e.g. 2024-10-27 02:00+02:00';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_handled IS 'Reported handled: number of tHandle metrics emitted in the interval (one per agent session, so one per fragment)';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_talk IS 'Reported talk: sum of tTalk emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_hold IS 'Reported hold: sum of tHeld emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_acw IS 'Reported after-call work: sum of tAcw emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_handle IS 'Reported handle: sum of tHandle emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.reported_aht IS 'Reported average handle time: reported_handle / reported_handled';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_handled IS 'Corrected handled: stitched interactions with handle time that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_talk IS 'Corrected talk of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_hold IS 'Corrected hold of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_acw IS 'Corrected after-call work of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_handle IS 'Corrected handle (talk + hold + acw + dialing + contacting) of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_aht IS 'Corrected average handle time: corrected_handle / corrected_handled';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_gap IS 'Dead air between fragments of the interactions that ended in the interval (in no reported figure)';
COMMENT ON COLUMN @extschema@.agent_interval_live.corrected_fragments IS 'Agent sessions making up the handled interactions (equals reported_handled when the data is complete and aligned)';
COMMENT ON COLUMN @extschema@.agent_interval_live.handled_diff IS 'reported_handled - corrected_handled (extra calls counted because of fragmentation)';
COMMENT ON COLUMN @extschema@.agent_interval_live.talk_diff IS 'reported_talk - corrected_talk';
COMMENT ON COLUMN @extschema@.agent_interval_live.hold_diff IS 'reported_hold - corrected_hold';
COMMENT ON COLUMN @extschema@.agent_interval_live.acw_diff IS 'reported_acw - corrected_acw';
COMMENT ON COLUMN @extschema@.agent_interval_live.handle_diff IS 'reported_handle - corrected_handle (non-zero when pieces of one call end in different intervals or overlap)';
COMMENT ON COLUMN @extschema@.agent_interval_live.aht_diff IS 'reported_aht - corrected_aht (negative: fragmentation makes calls look shorter)';

COMMENT ON VIEW @extschema@.queue_interval_live IS
    'Per queue and report interval: offered, answered, abandoned, short abandoned, flow-outs, answered within the queue''s threshold, service level and ASA, as reported by Genesys (raw metrics in the interval of their emitDate) and corrected (logical calls of queue_call: offered at first queue entry, the rest when the call left the queue), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.queue_interval holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';
COMMENT ON COLUMN @extschema@.queue_interval_live.queue_id IS 'Queue id (for reported metrics: the queue id of the metric''s own session, else the conversation''s first queue)';
COMMENT ON COLUMN @extschema@.queue_interval_live.queue_name IS 'Queue name from gcstitch.queue; NULL when the queue is not listed there';
COMMENT ON COLUMN @extschema@.queue_interval_live.interval_start IS 'Interval start, an unambiguous instant (both 02:00 intervals of a DST fall-back night are distinct)';
COMMENT ON COLUMN @extschema@.queue_interval_live.interval_end IS 'Interval end (exclusive)';
COMMENT ON COLUMN @extschema@.queue_interval_live.local_date IS 'Local date of the interval start in the report time zone';
COMMENT ON COLUMN @extschema@.queue_interval_live.interval_label IS 'Local wall-clock start with UTC offset, e.g. 2024-10-27 02:00+02:00';
COMMENT ON COLUMN @extschema@.queue_interval_live.sl_threshold IS 'Service level threshold of the queue (gcstitch.queue; 20 s when not listed): answered with a wait at most this meets the target';
COMMENT ON COLUMN @extschema@.queue_interval_live.sl_target_percent IS 'Service level target percentage of the queue (gcstitch.queue; 80 when not listed)';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_offered IS 'Reported offered: nOffered metrics (one per queue entry, so one per re-queued fragment)';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_answered IS 'Reported answered: tAnswered metrics (one per answered agent session, so one per fragment)';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_answered_in_threshold IS 'Reported answered with tAnswered at most sl_threshold';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_abandoned IS 'Reported abandoned: tAbandon metrics';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_short_abandoned IS 'Reported abandons with tAbandon below settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_flow_outs IS 'Reported flow-outs: tFlowOut metrics';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_asa IS 'Reported average speed of answer: mean tAnswered';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_service_level_percent IS 'Reported service level % (Genesys formula with the settings.sl_include_* options); NULL when its denominator is zero';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_service_level IS 'Reported service level counts; gcstitch.rollup over rows gives a day''s or week''s service level';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_offered IS 'Corrected offered: logical calls whose first queue entry is in the interval';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_answered IS 'Corrected answered: logical calls answered in the interval';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_answered_in_threshold IS 'Corrected answered with a queue wait at most sl_threshold';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_abandoned IS 'Corrected abandoned: unanswered queue visits that ended in the interval without a transfer';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_short_abandoned IS 'Corrected abandons that waited less than settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_flow_outs IS 'Corrected flow-outs: unanswered queue visits that ended with a transfer in the interval';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_asa IS 'Corrected average speed of answer: mean queue wait of the calls answered in the interval';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_service_level_percent IS 'Corrected service level % (Genesys formula with the settings.sl_include_* options); NULL when its denominator is zero';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_service_level IS 'Corrected service level counts; gcstitch.rollup over rows gives a day''s or week''s service level';
COMMENT ON COLUMN @extschema@.queue_interval_live.offered_diff IS 'reported_offered - corrected_offered';
COMMENT ON COLUMN @extschema@.queue_interval_live.answered_diff IS 'reported_answered - corrected_answered';
COMMENT ON COLUMN @extschema@.queue_interval_live.abandoned_diff IS 'reported_abandoned - corrected_abandoned';
COMMENT ON COLUMN @extschema@.queue_interval_live.asa_diff IS 'reported_asa - corrected_asa';
COMMENT ON COLUMN @extschema@.queue_interval_live.service_level_percent_diff IS 'reported_service_level_percent - corrected_service_level_percent (positive: fragmentation flatters service level)';
COMMENT ON COLUMN @extschema@.queue_interval_live.reported_answered_wait IS 'Sum of the tAnswered of the reported answered (0 when none): reported_asa = reported_answered_wait / reported_answered; over several rows, sum(reported_answered_wait) / sum(reported_answered) is the exact ASA';
COMMENT ON COLUMN @extschema@.queue_interval_live.corrected_answered_wait IS 'Sum of the queue waits of the corrected answered (0 when none): corrected_asa = corrected_answered_wait / corrected_answered; over several rows, sum(corrected_answered_wait) / sum(corrected_answered) is the exact ASA';
