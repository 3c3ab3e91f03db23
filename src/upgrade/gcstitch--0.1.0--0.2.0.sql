-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Schema check (part 00_schema.sql, issue 11): an install whose schema another role owns, where
-- another role may create objects, or that holds objects of a role that is not a superuser (a
-- look-alike of a gcstitch function, say) is not updated. 0.1.0 installed into any schema named
-- gcstitch, also one prepared by an unprivileged role before CREATE EXTENSION. As in the install
-- script, everything is pg_catalog-qualified: this schema comes first in the search_path here.
DO $$
DECLARE
    ext_oid    pg_catalog.oid;
    schema_oid pg_catalog.oid;
    nsp        pg_catalog.text;
    nsp_ident  pg_catalog.text;
    owner      pg_catalog.oid;
    creators   pg_catalog.text[];
    named      pg_catalog.text[];
    objects    pg_catalog.text[];
BEGIN
    SELECT e.oid, n.oid, n.nspname, pg_catalog.quote_ident(n.nspname), n.nspowner
      INTO ext_oid, schema_oid, nsp, nsp_ident, owner
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
     WHERE e.extname OPERATOR(pg_catalog.=) 'gcstitch'::pg_catalog.name;

    IF owner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r
                                       WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
       AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) owner) THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%" owned by role "%"',
                        nsp, pg_catalog.pg_get_userbyid(owner)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The owner of a schema can rename it and put look-alikes of its functions in its place, '
                           'which superusers and the pg_cron refresh would then run: this install may already be '
                           'compromised. gcstitch belongs in a schema owned by the installing role or another superuser.',
                  HINT = pg_catalog.format('Check what schema %s and any other schema named gcstitch hold, save the '
                                           'gcstitch tables you need, DROP EXTENSION gcstitch, drop those schemas, '
                                           'then CREATE EXTENSION gcstitch and reload the data.', nsp_ident);
    END IF;

    SELECT pg_catalog.array_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
                                ORDER BY a.grantee),
           pg_catalog.array_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
                                     ELSE pg_catalog.format('role "%s"', pg_catalog.pg_get_userbyid(a.grantee)) END
                                ORDER BY a.grantee)
      INTO creators, named
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid OPERATOR(pg_catalog.=) schema_oid
       AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'::pg_catalog.text
       AND a.grantee OPERATOR(pg_catalog.<>) owner;
    IF creators IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%": % may create objects in it', nsp,
                        pg_catalog.array_to_string(named, ', ')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A role that can create objects in the schema of gcstitch can plant look-alikes of its '
                           'functions, which superusers and the pg_cron refresh would then run.',
                  HINT = pg_catalog.format('Run REVOKE CREATE ON SCHEMA %s FROM %s; check what the schema holds, '
                                           'then ALTER EXTENSION gcstitch UPDATE again.',
                                           nsp_ident, pg_catalog.array_to_string(creators, ', '));
    END IF;

    -- Objects of the schema (every one depends on it) owned by a role that is not a superuser; an
    -- object owned by the bootstrap superuser has no owner entry in pg_shdepend.
    SELECT pg_catalog.array_agg(pg_catalog.format('%s %s (owner %s)', i.type, i.identity,
                                                  pg_catalog.pg_get_userbyid(r.oid))
                                ORDER BY i.type, i.identity)
      INTO objects
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_shdepend o
        ON o.dbid OPERATOR(pg_catalog.=) (SELECT b.oid FROM pg_catalog.pg_database b
                                           WHERE b.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
       AND o.classid OPERATOR(pg_catalog.=) d.classid AND o.objid OPERATOR(pg_catalog.=) d.objid
       AND o.deptype OPERATOR(pg_catalog.=) 'o'::pg_catalog."char"
      JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) o.refobjid
      CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) i
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) schema_oid
       AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_default_acl'::pg_catalog.regclass
       AND NOT r.rolsuper;
    IF objects IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%": it holds objects of roles that are not superusers', nsp
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('The schema holds %s. Their owners can make them capture the calls of '
                                             'gcstitch.', pg_catalog.array_to_string(objects, ', ')),
                  HINT = 'Check these objects and drop them or move them to another schema (ALTER ... SET SCHEMA), '
                         'then run ALTER EXTENSION gcstitch UPDATE again.';
    END IF;
END
$$;

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

-- Security audit of parts 05_settings, 20_import, 30_service_level, 60_access (issue 11): functions
-- whose body is parsed at call time pin search_path; bodies bound at creation qualify their operators
-- and functions; require_pg_cron() gives its 55000 error, not 42501, to a role that may not read
-- cron.database_name. The CHECK constraints were qualified in the install script too, but a
-- constraint is bound to its operators when created: those of 0.1.0 are the same, nothing to redo.
CREATE OR REPLACE FUNCTION @extschema@.segments_from_json(doc text)
    RETURNS TABLE (conversation_id text, conversation_start timestamptz, conversation_end timestamptz,
                   participant_id text, purpose text, user_id text, client_id text, session_id text,
                   media_type text, direction text, ani text, dnis text, peer_id text, segment_no int,
                   segment_type text, segment_start timestamptz, segment_end timestamptz,
                   queue_id text, disconnect_type text, wrap_up_code text)
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.segments_from_json(doc,
              coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                       '{X-Genesys-Client-Id}')) $$;

CREATE OR REPLACE FUNCTION @extschema@.queue_threshold(queue_id text) RETURNS interval
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_threshold FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1),
                    interval '20 seconds');

CREATE OR REPLACE FUNCTION @extschema@.queue_target_percent(queue_id text) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_target_percent FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1),
                    80::numeric);

CREATE OR REPLACE FUNCTION @extschema@.refresh_job_name() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN 'gcstitch-refresh-' OPERATOR(pg_catalog.||) pg_catalog.current_database();

CREATE OR REPLACE FUNCTION @extschema@.refresh_schedule_command(schedule text DEFAULT '*/15 * * * *') RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                             @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()',
                             pg_catalog.current_database());

CREATE OR REPLACE FUNCTION @extschema@.require_pg_cron(cron_statement text) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_db text;
BEGIN
    IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
        RETURN;
    END IF;
    -- Reading cron.database_name needs superuser or pg_read_all_settings (42501 otherwise).
    IF NOT pg_has_role('pg_read_all_settings', 'USAGE') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Only superusers and members of pg_read_all_settings can see which database pg_cron '
                           'uses (cron.database_name).',
                  HINT = format('Ask a superuser to install pg_cron in this database, or to run in the pg_cron '
                                'database: %s', cron_statement);
    END IF;
    cron_db := current_setting('cron.database_name', true);
    IF cron_db IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not loaded'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled refreshes need the pg_cron extension.',
                  HINT = 'Install pg_cron (Debian: postgresql-15-cron), add it to shared_preload_libraries, '
                         'restart, then CREATE EXTENSION pg_cron in the database named by cron.database_name.';
    ELSIF cron_db <> current_database() THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('pg_cron keeps its jobs in database "%s" (cron.database_name), '
                                  'so the refresh of database "%s" is scheduled from there.',
                                  cron_db, current_database()),
                  HINT = format('Connect to database "%s" and run: CREATE EXTENSION IF NOT EXISTS pg_cron; %s',
                                cron_db, cron_statement);
    ELSE
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run CREATE EXTENSION pg_cron, then call this function again.';
    END IF;
END
$$;

-- gcstitch-fetch: what was fetched from Genesys Cloud (part 25_fetch.sql). A fresh install creates the
-- table before part 60 grants SELECT on every table to gcstitch_analyst; an update grants it here.
CREATE TABLE @extschema@.fetch_interval (
    source               text NOT NULL,
    interval_start       timestamptz NOT NULL,
    interval_end         timestamptz NOT NULL,
    job_id               text,
    next_cursor          text,
    pages                integer NOT NULL DEFAULT 0 CHECK (pages >= 0),
    conversations        bigint NOT NULL DEFAULT 0 CHECK (conversations >= 0),
    job_attempts         integer NOT NULL DEFAULT 0 CHECK (job_attempts >= 0),
    data_available_until timestamptz,
    started_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    completed_at         timestamptz,
    PRIMARY KEY (source, interval_start, interval_end),
    CHECK (interval_end > interval_start)
);
COMMENT ON TABLE @extschema@.fetch_interval IS
    'gcstitch-fetch: the intervals fetched from Genesys Cloud per source, completed or in progress; each page is imported in the transaction that moves next_cursor';
COMMENT ON COLUMN @extschema@.fetch_interval.source IS
    'Name of the Genesys Cloud organization or region fetched from (gcstitch-fetch --source, default the API URL)';
COMMENT ON COLUMN @extschema@.fetch_interval.interval_start IS 'Start of the interval of the conversation details job';
COMMENT ON COLUMN @extschema@.fetch_interval.interval_end IS 'End of the interval (excluded)';
COMMENT ON COLUMN @extschema@.fetch_interval.job_id IS 'The Genesys Cloud job that is (or was last) read for this interval';
COMMENT ON COLUMN @extschema@.fetch_interval.next_cursor IS
    'Cursor of the next results page to import; NULL before the first page and once completed';
COMMENT ON COLUMN @extschema@.fetch_interval.pages IS 'Results pages of the job imported so far';
COMMENT ON COLUMN @extschema@.fetch_interval.conversations IS 'Conversations in those pages';
COMMENT ON COLUMN @extschema@.fetch_interval.job_attempts IS 'Jobs made for this interval (more than one when a job failed or expired)';
COMMENT ON COLUMN @extschema@.fetch_interval.data_available_until IS
    'dataAvailabilityDate of the last page: Genesys Cloud had complete data up to this instant';
COMMENT ON COLUMN @extschema@.fetch_interval.started_at IS 'When the interval was first recorded (or recorded again)';
COMMENT ON COLUMN @extschema@.fetch_interval.updated_at IS 'Last change: a new job or an imported page';
COMMENT ON COLUMN @extschema@.fetch_interval.completed_at IS 'When its last page was imported; NULL while in progress';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.fetch_interval', '');
GRANT SELECT ON @extschema@.fetch_interval TO gcstitch_analyst;
