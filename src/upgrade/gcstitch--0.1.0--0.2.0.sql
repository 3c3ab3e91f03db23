-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Settings: the switch of stitching rule 2 (new call after a wrap-up).
ALTER TABLE @extschema@.settings ADD COLUMN split_after_wrapup boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

-- Stitching: the new-call rule (issue "a finished call is never merged with the next one").
-- The library reads stitch values of format 1 (0.1.0) as values stitched by the gap rule only.
CREATE FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval, boolean)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval, boolean) IS
    'Transition function of gcstitch.stitch(..., split_after_wrapup)';

CREATE AGGREGATE @extschema@.stitch(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                    session_id text, tolerance interval, split_after_wrapup boolean) (
    SFUNC = @extschema@.stitch_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.stitch(timestamptz, timestamptz, text, text, interval, boolean) IS
    'Stitches the segments of one key into interactions by the gap rule, and by the new-call rule when split_after_wrapup; rows with a NULL bound are skipped; NULL for no rows';

CREATE FUNCTION @extschema@.split_after_wrapup(@extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_split_after_wrapup'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.split_after_wrapup(@extschema@.stitch) IS
    'Whether the value was stitched with the new-call rule (false for values stored by gcstitch 0.1.0)';

CREATE FUNCTION @extschema@.interaction_no(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                           tolerance interval)
    RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_no'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, text, interval) IS
    'Window function: the interaction_no (as in interactions(), both rules) of each row; use OVER (PARTITION BY key ORDER BY seg_start, seg_end); NULL for rows with a NULL bound';

CREATE FUNCTION @extschema@.interaction_no(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                           tolerance interval, split_after_wrapup boolean)
    RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_no'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, text, interval, boolean) IS
    'Window function: the interaction_no (as in interactions()) of each row, with the new-call rule when split_after_wrapup; use OVER (PARTITION BY key ORDER BY seg_start, seg_end); NULL for rows with a NULL bound';
GRANT EXECUTE ON ROUTINE
    @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval, boolean),
    @extschema@.stitch(timestamptz, timestamptz, text, text, interval, boolean),
    @extschema@.split_after_wrapup(@extschema@.stitch),
    @extschema@.interaction_no(timestamptz, timestamptz, text, interval),
    @extschema@.interaction_no(timestamptz, timestamptz, text, interval, boolean)
    TO gcstitch_analyst;

COMMENT ON FUNCTION @extschema@.stitch_in(cstring) IS
    'Text input of gcstitch.stitch: exactly the output text (format 2), or the format 1 text of gcstitch 0.1.0; checks every invariant (22P02 on bad input)';
COMMENT ON FUNCTION @extschema@.stitch_out(@extschema@.stitch) IS
    'Text output of gcstitch.stitch: "v2 tolerance=<s>s split_after_wrapup=<bool> [class:start/end@session ...] ...", UTC ISO 8601';
COMMENT ON FUNCTION @extschema@.stitch_recv(internal) IS
    'Binary input of gcstitch.stitch (format 2, or format 1 of gcstitch 0.1.0); checks every count, bound, ordering and island (22P03 on bad input)';
COMMENT ON FUNCTION @extschema@.stitch_send(@extschema@.stitch) IS
    'Binary output of gcstitch.stitch (network byte order, format version 2)';
COMMENT ON TYPE @extschema@.stitch IS
    'Stitched timeline of one key: its distinct segments cut into interactions (islands) by the gap and new-call rules; exact under rollup()';
COMMENT ON AGGREGATE @extschema@.stitch(timestamptz, timestamptz, text, text, interval) IS
    'Stitches the segments of one key into interactions by both rules (gap: start - running max end > tolerance; new call: an offer after a wrapup); rows with a NULL bound are skipped; NULL for no rows';
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.stitch) IS
    'Merges stitch values of one key exactly as if all their rows were stitched at once; all must have the same tolerance and split_after_wrapup';

-- The views: the labeller and the aggregate follow settings.split_after_wrapup; queue_interval names
-- the settings it reads (a settings.* there would not see columns added later).
CREATE OR REPLACE VIEW @extschema@.interaction AS
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
    LEFT JOIN @extschema@.queue_visit v
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
    JOIN @extschema@.queue_visit v ON v.conversation_id = c.conversation_id AND v.queued_at <= s.started_at
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

COMMENT ON VIEW @extschema@.interaction IS
    'One row per stitched interaction: agent segments grouped by client id (without a client id: by conversation and agent), cut into islands by settings.gap_tolerance and, when settings.split_after_wrapup, by the new-call rule (an offer after a wrapup)';

CREATE OR REPLACE VIEW @extschema@.queue_interval AS
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
    SELECT c.queue_id, c.queued_at, c.left_queue_at, c.outcome, c.queue_wait FROM @extschema@.queue_call c
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
counted AS (
    SELECT b.queue_id, b.interval_start, q.name AS queue_name,
           coalesce(q.sl_threshold, interval '20 seconds') AS sl_threshold,
           coalesce(q.sl_target_percent, 80) AS sl_target_percent,
           count(*) FILTER (WHERE b.reported AND b.kind = 'offered') AS reported_offered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_answered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered'
                                  AND b.wait <= coalesce(q.sl_threshold, interval '20 seconds'))
               AS reported_answered_in_threshold,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned') AS reported_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS reported_short_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'flow_out') AS reported_flow_outs,
           avg(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_asa,
           @extschema@.service_level(b.wait, b.kind = 'answered', coalesce(q.sl_threshold, interval '20 seconds'),
                                     st.short_abandon_threshold, st.sl_include_short_abandons,
                                     st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
               FILTER (WHERE b.reported AND b.kind <> 'offered') AS reported_service_level,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'offered') AS corrected_offered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_answered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered'
                                  AND b.wait <= coalesce(q.sl_threshold, interval '20 seconds'))
               AS corrected_answered_in_threshold,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned') AS corrected_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS corrected_short_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'flow_out') AS corrected_flow_outs,
           avg(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_asa,
           @extschema@.service_level(b.wait, b.kind = 'answered', coalesce(q.sl_threshold, interval '20 seconds'),
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
           - @extschema@.service_level_percent(c.corrected_service_level) AS service_level_percent_diff
FROM counted c CROSS JOIN st;

DROP FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, interval);

-- Materialized figures computed by 0.1.0 merged busy agents' calls: recompute them by the new rule.
REFRESH MATERIALIZED VIEW @extschema@.interaction_mv;
REFRESH MATERIALIZED VIEW @extschema@.agent_interval_mv;
REFRESH MATERIALIZED VIEW @extschema@.queue_interval_mv;
