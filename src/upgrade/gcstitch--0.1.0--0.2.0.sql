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

-- Part 08_shard_ownership.sql (issue 15): what a shard of a coordinator owns. A fresh install creates
-- the tables before part 60 grants SELECT on every table to gcstitch_analyst; an update grants it here.
CREATE TABLE @extschema@.shard_replica (
    conversation_id text PRIMARY KEY
);
COMMENT ON TABLE @extschema@.shard_replica IS
    'Shard of a coordinator (issue 15): conversations stored here as a replica, their home being another shard; their queue visits and reported metrics, and the interactions without a client id whose first conversation they are, count in no interval figure here. Written by the coordinator''s routing with the conversations; empty on a single node';
COMMENT ON COLUMN @extschema@.shard_replica.conversation_id IS 'Conversation whose home is another shard';

CREATE TABLE @extschema@.shard_foreign_client (
    client_id text PRIMARY KEY
);
COMMENT ON TABLE @extschema@.shard_foreign_client IS
    'Shard of a coordinator (issue 15): client ids another shard owns (they appear here in replicas only); their interactions count in no interval figure here. Written by the coordinator''s routing with the conversations; empty on a single node';
COMMENT ON COLUMN @extschema@.shard_foreign_client.client_id IS 'Softphone client id owned by another shard';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_replica', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_foreign_client', '');
-- Analyzed while empty: the planner takes a never analyzed table for 10 pages of rows, and the views'
-- anti-joins would then expect most client ids to be listed (an hour of queue_call: 1 row for 1,540).
ANALYZE @extschema@.shard_replica, @extschema@.shard_foreign_client;
GRANT SELECT ON @extschema@.shard_replica, @extschema@.shard_foreign_client TO gcstitch_analyst;

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
    'Text input of gcstitch.stitch: exactly the output text (format 2) in either form, readable "v2 ..." or compact "v2c:...", or the format 1 text of gcstitch 0.1.0; checks every invariant (22P02 on bad input)';
COMMENT ON FUNCTION @extschema@.stitch_out(@extschema@.stitch) IS
    'Text output of gcstitch.stitch in the form gcstitch.stitch_output names: readable (the default) "v2 tolerance=<s>s split_after_wrapup=<bool> [class:start/end@session ...] ...", UTC ISO 8601, or compact "v2c:..."';
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

-- The threshold and target of a queue without a row, written once (issue 13): the views below,
-- refresh(), queue_threshold() and queue_target_percent() take them from the *_or_default() functions.
CREATE FUNCTION @extschema@.sl_threshold_or_default(sl_threshold interval) RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(sl_threshold, interval '20 seconds');
COMMENT ON FUNCTION @extschema@.sl_threshold_or_default(interval) IS
    'Service level threshold of a queue given its gcstitch.queue.sl_threshold: that value, or 20 seconds (the column default) for NULL, a queue without a row';
GRANT EXECUTE ON FUNCTION @extschema@.sl_threshold_or_default(interval) TO gcstitch_analyst;
CREATE FUNCTION @extschema@.sl_target_percent_or_default(sl_target_percent numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(sl_target_percent, 80::numeric);
COMMENT ON FUNCTION @extschema@.sl_target_percent_or_default(numeric) IS
    'Service level target of a queue given its gcstitch.queue.sl_target_percent: that value, or 80 (the column default) for NULL, a queue without a row';
GRANT EXECUTE ON FUNCTION @extschema@.sl_target_percent_or_default(numeric) TO gcstitch_analyst;

-- The views: the labeller and the aggregate follow settings.split_after_wrapup; queue_interval names
-- the settings it reads (a settings.* there would not see columns added later).
-- queue_call, agent_interval and queue_interval count only what a shard owns (part 08), and
-- queue_interval ends with the answered wait sums.
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

CREATE OR REPLACE VIEW @extschema@.queue_call AS
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
FROM @extschema@.interaction i
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
FROM @extschema@.queue_visit v
CROSS JOIN (SELECT s.short_abandon_threshold FROM @extschema@.settings s LIMIT 1) st
WHERE v.answered_session_id IS NULL
  AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = v.conversation_id);

CREATE OR REPLACE VIEW @extschema@.agent_interval AS
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
    FROM @extschema@.interaction i CROSS JOIN st
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
COMMENT ON COLUMN @extschema@.queue_interval.reported_answered_wait IS 'Sum of the tAnswered of the reported answered (0 when none): reported_asa = reported_answered_wait / reported_answered; over several rows, sum(reported_answered_wait) / sum(reported_answered) is the exact ASA';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_answered_wait IS 'Sum of the queue waits of the corrected answered (0 when none): corrected_asa = corrected_answered_wait / corrected_answered; over several rows, sum(corrected_answered_wait) / sum(corrected_answered) is the exact ASA';

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
    RETURN @extschema@.sl_threshold_or_default(
        (SELECT q.sl_threshold FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1));

CREATE OR REPLACE FUNCTION @extschema@.queue_target_percent(queue_id text) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN @extschema@.sl_target_percent_or_default(
        (SELECT q.sl_target_percent FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1));

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

-- Part 70_fixtures.sql (issue 16): sample_export(), sample_truth() and their internals.
-- The seeded generator: an integer drawn uniformly from [lo, hi] for one named decision of the plan
-- (60 bits of md5(seed/stream)). Naming each decision keeps the other decisions of a call unchanged
-- when an option turns one off.
CREATE FUNCTION @extschema@.sample_draw(seed int, stream text, lo bigint, hi bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lo + pg_catalog.mod(('x' || pg_catalog.left(pg_catalog.md5(seed::text || '/' || stream), 15))::bit(60)::bigint,
                               hi - lo + 1);
COMMENT ON FUNCTION @extschema@.sample_draw(int, text, bigint, bigint) IS
    'Internal to the sample generator: an integer uniformly drawn from [lo, hi], a function of seed and the decision''s name only';

-- One call leg of the plan: an agent's part of a call, or an abandoned call (times in milliseconds
-- from t0, 08:00 local time of the day).
CREATE TYPE @extschema@.sample_leg AS (
    call_no         int,        -- the customer's call (a transferred call has legs 1 and 2)
    leg_no          int,
    kind            text,       -- inbound, transfer (leg 2), outbound, abandon
    t0              timestamptz,
    agent_no        int,
    user_id         text,
    client_id       text,
    queue_no        int,
    queue_id        text,
    conversation_id text,
    ani             text,       -- the customer's number (fictional range)
    queued_ms       bigint,     -- queue entry (the transfer instant for leg 2)
    route_ms        bigint,     -- alert start (dialing start for outbound); abandon: queue exit
    answer_ms       bigint,     -- first interact
    hold_start_ms   bigint,     -- NULL without hold
    hold_end_ms     bigint,
    talk_end_ms     bigint,     -- end of the last interact
    wrap_end_ms     bigint,     -- end of wrap-up
    transfer_out    boolean,    -- the leg ends by transferring the customer to leg 2
    customer_end_ms bigint,     -- the customer hangs up (leg 1: end of the call's last leg)
    cut_ms          bigint[],   -- softphone reconnects: where each agent piece stops
    resume_ms       bigint[],   -- where the next piece starts (after dead air, or 1-2 s before)
    piece_conversation_ids text[],  -- conversation of each later piece
    piece_requeued  boolean[]   -- the piece's new conversation passes through the queue for 1 s
);
COMMENT ON TYPE @extschema@.sample_leg IS
    'Internal to the sample generator: one planned call leg (times in milliseconds from t0)';

CREATE FUNCTION @extschema@.sample_check(agents int, calls_per_agent int, fragment_pct int,
                                          transfer_pct int, abandon_pct int, outbound_pct int, page_size int)
    RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF agents < 1 OR agents > 10000 THEN
        RAISE EXCEPTION 'agents must be between 1 and 10000, not %', agents USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF calls_per_agent < 0 OR calls_per_agent > 10000 THEN
        RAISE EXCEPTION 'calls_per_agent must be between 0 and 10000, not %', calls_per_agent
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF least(fragment_pct, transfer_pct, abandon_pct, outbound_pct) < 0
       OR greatest(fragment_pct, transfer_pct, abandon_pct, outbound_pct) > 100 THEN
        RAISE EXCEPTION 'percentages must be between 0 and 100'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('fragment_pct %s, transfer_pct %s, abandon_pct %s, outbound_pct %s.',
                                  fragment_pct, transfer_pct, abandon_pct, outbound_pct);
    END IF;
    IF page_size < 1 THEN
        RAISE EXCEPTION 'page_size must be at least 1, not %', page_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_check(int, int, int, int, int, int, int) IS
    'Internal to the sample generator: true, or 22023 for arguments out of range';

-- An instant of the plan: t0 plus a number of milliseconds (no day or month units, so the session
-- TimeZone plays no part).
CREATE FUNCTION @extschema@.sample_at(t0 timestamptz, ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN t0 + ms * interval '1 millisecond';
COMMENT ON FUNCTION @extschema@.sample_at(timestamptz, bigint) IS
    'Internal to the sample generator: t0 plus ms milliseconds';

-- The agent who takes the next call: the first free (ties: the lowest number) among those with
-- calls left, other than except_agent.
CREATE FUNCTION @extschema@.sample_next_agent(free_at bigint[], taken int[], calls_per_agent int, except_agent int)
    RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT n FROM pg_catalog.generate_subscripts(free_at, 1) n
    WHERE taken[n] < calls_per_agent AND n <> except_agent
    ORDER BY free_at[n], n
    LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.sample_next_agent(bigint[], int[], int, int) IS
    'Internal to the sample generator: the agent free first among those with calls left';

-- Idle time before an agent's next call: 1-21 s for a busy agent, 35-55 s (more than the default
-- 30 s gap tolerance) otherwise.
CREATE FUNCTION @extschema@.sample_idle(seed int, k text, busy boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN busy THEN @extschema@.sample_draw(seed, k || 'idle', 1000, 21000)
                ELSE @extschema@.sample_draw(seed, k || 'idle', 35000, 55000) END;
COMMENT ON FUNCTION @extschema@.sample_idle(int, text, boolean) IS
    'Internal to the sample generator: idle milliseconds before an agent''s next call';

-- A leg for agent number agent, routed at route_ms: its agent, queue, conversation and caller.
CREATE FUNCTION @extschema@.sample_agent_leg(seed int, d text, k text, t0 timestamptz, call_no int, leg_no int,
                                              agent int, nqueues int, route_ms bigint)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    leg @extschema@.sample_leg;
BEGIN
    leg.call_no := call_no;
    leg.leg_no := leg_no;
    leg.t0 := t0;
    leg.agent_no := agent;
    leg.user_id := format('a0000000-0000-4000-8000-%s', lpad(agent::text, 12, '0'));
    -- the softphone's id lasts one login: one a day
    leg.client_id := format('webrtc-agent%s-%s', lpad(agent::text, 4, '0'), replace(d, '-', ''));
    leg.queue_no := (agent - 1) % nqueues + 1;
    leg.queue_id := format('f0000000-0000-4000-8000-%s', lpad(leg.queue_no::text, 12, '0'));
    leg.conversation_id := md5(format('gcstitch sample %s %s conversation', seed, k))::uuid::text;
    -- a number of the range reserved for fiction (ARCEP: 06 39 98 xx xx)
    leg.ani := format('tel:+3363998%s', lpad(@extschema@.sample_draw(seed, k || 'ani', 0, 9999)::text, 4, '0'));
    leg.route_ms := route_ms;
    leg.transfer_out := false;
    RETURN leg;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_agent_leg(int, text, text, timestamptz, int, int, int, int, bigint) IS
    'Internal to the sample generator: a planned leg with its agent, queue, conversation and caller';

-- A caller who gives up in the queue of leg, entering it up to a minute before leg's caller.
CREATE FUNCTION @extschema@.sample_abandon(seed int, k text, leg @extschema@.sample_leg, call_no int)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ab @extschema@.sample_leg;
BEGIN
    ab.call_no := call_no;
    ab.leg_no := 1;
    ab.kind := 'abandon';
    ab.t0 := leg.t0;
    ab.queue_no := leg.queue_no;
    ab.queue_id := leg.queue_id;
    ab.conversation_id := md5(format('gcstitch sample %s %s conversation', seed, k))::uuid::text;
    ab.ani := format('tel:+3363998%s', lpad(@extschema@.sample_draw(seed, k || 'ani', 0, 9999)::text, 4, '0'));
    ab.queued_ms := greatest(0, leg.queued_ms - @extschema@.sample_draw(seed, k || 'arrival', 0, 60000));
    ab.route_ms := ab.queued_ms + @extschema@.sample_draw(seed, k || 'patience', 2000, 60000);
    ab.customer_end_ms := ab.route_ms;
    ab.transfer_out := false;
    ab.cut_ms := '{}';
    ab.resume_ms := '{}';
    ab.piece_conversation_ids := '{}';
    ab.piece_requeued := '{}';
    RETURN ab;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_abandon(int, text, @extschema@.sample_leg, int) IS
    'Internal to the sample generator: an abandoned call in the queue of a planned leg';

-- The agent timeline of one leg after it is routed at route_ms: alert (or dialing), talk with an
-- optional hold, wrap-up, and the softphone reconnects that cut the first stretch of talk.
CREATE FUNCTION @extschema@.sample_timeline(seed int, k text, leg @extschema@.sample_leg, talk_mean_ms bigint,
                                             fragment_pct int)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    talk bigint := 30000 + @extschema@.sample_draw(seed, k || 'talk1', 0, talk_mean_ms - 30000)
                         + @extschema@.sample_draw(seed, k || 'talk2', 0, talk_mean_ms - 30000);
    first_end bigint;
    stretch bigint;
    ncuts int := 0;
    c bigint;
BEGIN
    leg.answer_ms := leg.route_ms + CASE WHEN leg.kind = 'outbound'
                                         THEN @extschema@.sample_draw(seed, k || 'dialing', 3000, 15000)
                                         ELSE @extschema@.sample_draw(seed, k || 'alert', 2000, 7000) END;
    leg.talk_end_ms := leg.answer_ms + talk;
    first_end := leg.talk_end_ms;
    IF @extschema@.sample_draw(seed, k || 'hold?', 0, 99) < 30 THEN
        leg.hold_start_ms := leg.answer_ms + talk * @extschema@.sample_draw(seed, k || 'hold at', 30, 70) / 100;
        leg.hold_end_ms := leg.hold_start_ms + @extschema@.sample_draw(seed, k || 'hold', 15000, 90000);
        leg.talk_end_ms := leg.talk_end_ms + (leg.hold_end_ms - leg.hold_start_ms);
        first_end := leg.hold_start_ms;
    END IF;
    leg.wrap_end_ms := leg.talk_end_ms + @extschema@.sample_draw(seed, k || 'wrapup', 15000, 75000);

    -- Reconnects cut the first stretch of talk, away from its ends: one, or two when it is long.
    stretch := first_end - leg.answer_ms;
    IF @extschema@.sample_draw(seed, k || 'cut?', 0, 99) < fragment_pct AND stretch >= 60000 THEN
        ncuts := CASE WHEN stretch >= 120000 AND @extschema@.sample_draw(seed, k || 'cuts', 0, 99) < 20 THEN 2 ELSE 1 END;
    END IF;
    leg.cut_ms := '{}';
    leg.resume_ms := '{}';
    leg.piece_conversation_ids := '{}';
    leg.piece_requeued := '{}';
    FOR i IN 1..ncuts LOOP
        c := CASE WHEN ncuts = 1 THEN @extschema@.sample_draw(seed, k || 'cut', leg.answer_ms + 10000, first_end - 25000)
                  WHEN i = 1 THEN @extschema@.sample_draw(seed, k || 'cut1', leg.answer_ms + 10000,
                                                          leg.answer_ms + stretch / 2 - 25000)
                  ELSE @extschema@.sample_draw(seed, k || 'cut2', leg.answer_ms + stretch / 2 + 5000, first_end - 25000) END;
        leg.cut_ms := leg.cut_ms || c;
        -- 15 %: the new piece re-reports a second or two; otherwise 2-20 s of dead air
        leg.resume_ms := leg.resume_ms ||
            CASE WHEN @extschema@.sample_draw(seed, k || 'overlap?' || i, 0, 99) < 15
                 THEN c - @extschema@.sample_draw(seed, k || 'overlap' || i, 1000, 2000)
                 ELSE c + @extschema@.sample_draw(seed, k || 'dead air' || i, 2000, 20000) END;
        -- half the pieces come back as a new conversation, half of those through the queue
        IF @extschema@.sample_draw(seed, k || 'new conversation?' || i, 0, 1) = 1 THEN
            leg.piece_conversation_ids := leg.piece_conversation_ids ||
                pg_catalog.md5(format('gcstitch sample %s %s piece %s', seed, k, i))::uuid::text;
            leg.piece_requeued := leg.piece_requeued ||
                (leg.queue_id IS NOT NULL AND @extschema@.sample_draw(seed, k || 'requeued' || i, 0, 1) = 1);
        ELSE
            leg.piece_conversation_ids := leg.piece_conversation_ids || leg.conversation_id;
            leg.piece_requeued := leg.piece_requeued || false;
        END IF;
    END LOOP;
    RETURN leg;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_timeline(int, text, @extschema@.sample_leg, bigint, int) IS
    'Internal to the sample generator: the agent timeline and reconnects of one planned leg';

-- The plan: agents take calls in turn, each as soon as it is free (after 1-21 s of idle time when
-- busy, 35-55 s otherwise); each call is outbound, or inbound from the agent's queue (then maybe
-- transferred to the free-est other agent's queue, maybe accompanied by an abandoned call).
CREATE FUNCTION @extschema@.sample_plan(day date, agents int, calls_per_agent int, seed int,
                                         fragment_pct int, busy boolean, transfer_pct int,
                                         abandon_pct int, outbound_pct int, time_zone text)
    RETURNS SETOF @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 200 SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d text := to_char(day, 'YYYY-MM-DD');   -- keys never depend on DateStyle
    nqueues int := least(3, agents);
    talk_mean_ms bigint[] := '{260000,330000,200000}';
    free_at bigint[];
    taken int[] := array_fill(0, ARRAY[agents]);
    a int;
    b int;
    call_no int := 0;
    k text;
    t0 timestamptz := (day + time '08:00') AT TIME ZONE time_zone;
    leg @extschema@.sample_leg;
    leg2 @extschema@.sample_leg;
BEGIN
    PERFORM @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct, outbound_pct, 1);
    free_at := ARRAY(SELECT @extschema@.sample_draw(seed, format('%s/start/%s', d, n), 0, 120000)
                     FROM pg_catalog.generate_series(1, agents) n ORDER BY n);
    LOOP
        a := @extschema@.sample_next_agent(free_at, taken, calls_per_agent, 0);
        EXIT WHEN a IS NULL;
        call_no := call_no + 1;
        k := format('%s/%s/', d, call_no);
        leg := @extschema@.sample_agent_leg(seed, d, k, t0, call_no, 1, a, nqueues,
                                            free_at[a] + @extschema@.sample_idle(seed, k, busy));
        leg.kind := CASE WHEN @extschema@.sample_draw(seed, k || 'outbound?', 0, 99) < outbound_pct
                         THEN 'outbound' ELSE 'inbound' END;
        IF leg.kind = 'inbound' THEN
            leg.queued_ms := leg.route_ms - @extschema@.sample_draw(seed, k || 'wait', 0, 30000);
        ELSE
            leg.queue_no := NULL;
            leg.queue_id := NULL;
        END IF;
        leg := @extschema@.sample_timeline(seed, k, leg, CASE WHEN leg.kind = 'outbound' THEN 180000
                                                              ELSE talk_mean_ms[leg.queue_no] END, fragment_pct);
        leg.customer_end_ms := leg.talk_end_ms;
        taken[a] := taken[a] + 1;
        free_at[a] := leg.wrap_end_ms;

        b := CASE WHEN leg.kind = 'inbound' AND @extschema@.sample_draw(seed, k || 'transfer?', 0, 99) < transfer_pct
                  THEN @extschema@.sample_next_agent(free_at, taken, calls_per_agent, a) END;
        IF b IS NOT NULL THEN
            -- the customer waits in agent b's queue from the transfer until b is free
            leg.transfer_out := true;
            leg2 := @extschema@.sample_agent_leg(seed, d, k || 'leg2/', t0, call_no, 2, b, nqueues,
                        greatest(free_at[b] + @extschema@.sample_idle(seed, k || 'leg2/', busy),
                                 leg.talk_end_ms + @extschema@.sample_draw(seed, k || 'leg2/wait', 1000, 20000)));
            leg2.kind := 'transfer';
            leg2.conversation_id := leg.conversation_id;
            leg2.ani := leg.ani;
            leg2.queued_ms := leg.talk_end_ms;
            leg2 := @extschema@.sample_timeline(seed, k || 'leg2/', leg2, talk_mean_ms[leg2.queue_no], fragment_pct);
            leg2.customer_end_ms := leg2.talk_end_ms;
            leg.customer_end_ms := leg2.talk_end_ms;
            taken[b] := taken[b] + 1;
            free_at[b] := leg2.wrap_end_ms;
            RETURN NEXT leg;
            RETURN NEXT leg2;
        ELSE
            RETURN NEXT leg;
        END IF;

        IF leg.kind = 'inbound' AND @extschema@.sample_draw(seed, k || 'abandon?', 0, 99) < abandon_pct THEN
            call_no := call_no + 1;
            RETURN NEXT @extschema@.sample_abandon(seed, format('%s/%s/', d, call_no), leg, call_no);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_plan(date, int, int, int, int, boolean, int, int, int, text) IS
    'Internal to the sample generator: every planned call leg of the synthetic day';

-- One row of a rendered export: a segment (segment_type set) or a metric (metric_name set) of a
-- session of a participant of a conversation.
CREATE TYPE @extschema@.sample_row AS (
    conversation_id       text,
    originating_direction text,
    participant_id        text,
    participant_name      text,
    purpose               text,
    user_id               text,
    client_id             text,
    session_id            text,
    direction             text,
    ani                   text,
    dnis                  text,
    queue_id              text,
    segment_type          text,
    segment_start         timestamptz,
    segment_end           timestamptz,
    disconnect_type       text,
    wrap_up_code          text,
    metric_name           text,
    metric_value          bigint,
    emit_date             timestamptz
);
COMMENT ON TYPE @extschema@.sample_row IS
    'Internal to the sample generator: one segment or metric of the rendered export';

-- A session of its own participant; ids derived from the conversation and key.
CREATE FUNCTION @extschema@.sample_session(conversation_id text, originating_direction text, key text,
                                            purpose text, participant_name text, user_id text, client_id text,
                                            direction text, ani text, dnis text, queue_id text)
    RETURNS @extschema@.sample_row
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ROW(conversation_id, originating_direction,
               pg_catalog.md5('gcstitch sample participant ' || conversation_id || key)::uuid::text,
               participant_name, purpose, user_id, client_id,
               pg_catalog.md5('gcstitch sample session ' || conversation_id || key)::uuid::text,
               direction, ani, dnis, queue_id,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::@extschema@.sample_row;
COMMENT ON FUNCTION @extschema@.sample_session(text, text, text, text, text, text, text, text, text, text, text) IS
    'Internal to the sample generator: the participant and session fields of a rendered session';

CREATE FUNCTION @extschema@.sample_segment(session @extschema@.sample_row, segment_type text, t0 timestamptz,
                                            start_ms bigint, end_ms bigint, disconnect_type text, wrap_up_code text)
    RETURNS @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    session.segment_type := segment_type;
    session.segment_start := @extschema@.sample_at(t0, start_ms);
    session.segment_end := @extschema@.sample_at(t0, end_ms);
    session.disconnect_type := disconnect_type;
    session.wrap_up_code := wrap_up_code;
    RETURN session;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_segment(@extschema@.sample_row, text, timestamptz, bigint, bigint, text, text) IS
    'Internal to the sample generator: a segment of a rendered session';

CREATE FUNCTION @extschema@.sample_metric(session @extschema@.sample_row, name text, value bigint, t0 timestamptz,
                                           emit_ms bigint)
    RETURNS @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    session.metric_name := name;
    session.metric_value := value;
    session.emit_date := @extschema@.sample_at(t0, emit_ms);
    RETURN session;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_metric(@extschema@.sample_row, text, bigint, timestamptz, bigint) IS
    'Internal to the sample generator: a metric of a rendered session';

-- A queue visit: the acd participant from queued_ms to left_ms, left by a transfer to an agent (or,
-- abandoned, by the caller hanging up).
CREATE FUNCTION @extschema@.sample_queue_rows(conversation_id text, key text, queue_no int, queue_id text,
                                               t0 timestamptz, queued_ms bigint, left_ms bigint, abandoned boolean)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acd @extschema@.sample_row := @extschema@.sample_session(conversation_id, 'inbound', key, 'acd',
                                      (ARRAY['Sales', 'Support', 'Billing'])[queue_no], NULL, NULL, 'inbound',
                                      NULL, NULL, queue_id);
BEGIN
    RETURN NEXT @extschema@.sample_segment(acd, 'interact', t0, queued_ms, left_ms,
                                           CASE WHEN abandoned THEN 'peer' ELSE 'transfer' END, NULL);
    RETURN NEXT @extschema@.sample_metric(acd, 'nOffered', 1, t0, queued_ms);
    RETURN NEXT @extschema@.sample_metric(acd, 'tAcd', left_ms - queued_ms, t0, left_ms);
    IF abandoned THEN
        RETURN NEXT @extschema@.sample_metric(acd, 'tAbandon', left_ms - queued_ms, t0, left_ms);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_queue_rows(text, text, int, text, timestamptz, bigint, bigint, boolean) IS
    'Internal to the sample generator: the acd participant of one queue visit';

-- The customer's side of a conversation: one interact segment.
CREATE FUNCTION @extschema@.sample_customer_row(leg @extschema@.sample_leg, conversation_id text, start_ms bigint,
                                                 end_ms bigint)
    RETURNS @extschema@.sample_row
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN @extschema@.sample_segment(
        @extschema@.sample_session(conversation_id, CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END,
                                   '/customer', CASE WHEN leg.kind = 'outbound' THEN 'external' ELSE 'customer' END,
                                   'Customer ' || leg.call_no, NULL, NULL,
                                   CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END,
                                   leg.ani, 'tel:+3319900' || pg_catalog.lpad(coalesce(leg.queue_no, 0)::text, 4, '0'),
                                   NULL),
        'interact', leg.t0, start_ms, end_ms, 'peer', NULL);
COMMENT ON FUNCTION @extschema@.sample_customer_row(@extschema@.sample_leg, text, bigint, bigint) IS
    'Internal to the sample generator: the customer participant of a conversation';

-- Agent piece j of leg (pieces are cut apart by reconnects): the uncut timeline clipped to the
-- piece, with the metrics Genesys emits for an agent session.
CREATE FUNCTION @extschema@.sample_piece_rows(leg @extschema@.sample_leg, j int)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    last boolean := j = cardinality(leg.cut_ms) + 1;
    piece_start bigint := CASE WHEN j = 1 THEN leg.route_ms ELSE leg.resume_ms[j - 1] END;
    piece_end bigint := CASE WHEN last THEN leg.wrap_end_ms ELSE leg.cut_ms[j] END;
    conv text := CASE WHEN j = 1 THEN leg.conversation_id ELSE leg.piece_conversation_ids[j - 1] END;
    dir text := CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END;
    agent @extschema@.sample_row := @extschema@.sample_session(conv, dir, format('/agent/%s/%s', leg.leg_no, j),
                                        'agent', 'Agent ' || lpad(leg.agent_no::text, 4, '0'), leg.user_id,
                                        leg.client_id, dir, NULL, NULL, leg.queue_id);
    seg record;
    first_interact boolean := true;
    talk bigint := 0;
    held bigint := 0;
    acw bigint := 0;
BEGIN
    FOR seg IN
        SELECT t.typ, greatest(t.s, piece_start) AS s, least(t.e, piece_end) AS e
        FROM (VALUES (CASE WHEN leg.kind = 'outbound' THEN 'dialing' ELSE 'alert' END, leg.route_ms, leg.answer_ms),
                     ('interact', leg.answer_ms, coalesce(leg.hold_start_ms, leg.talk_end_ms)),
                     ('hold', leg.hold_start_ms, leg.hold_end_ms),
                     ('interact', leg.hold_end_ms, leg.talk_end_ms),
                     ('wrapup', leg.talk_end_ms, leg.wrap_end_ms)) t(typ, s, e)
        WHERE t.s IS NOT NULL AND greatest(t.s, piece_start) < least(t.e, piece_end)
        ORDER BY 2
    LOOP
        RETURN NEXT @extschema@.sample_segment(agent, seg.typ, leg.t0, seg.s, seg.e,
            CASE WHEN NOT last AND seg.e = piece_end THEN 'transportFailure'
                 WHEN seg.typ = 'interact' AND seg.e = leg.talk_end_ms
                     THEN CASE WHEN leg.transfer_out THEN 'transfer' ELSE 'client' END END,
            CASE WHEN seg.typ = 'wrapup'
                 THEN format('c0000000-0000-4000-8000-%s', lpad(coalesce(leg.queue_no, 0)::text, 12, '0')) END);
        CASE seg.typ
            WHEN 'alert' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'tAlert', seg.e - seg.s, leg.t0, seg.e);
            WHEN 'dialing' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'nOutbound', 1, leg.t0, seg.s);
                RETURN NEXT @extschema@.sample_metric(agent, 'tDialing', seg.e - seg.s, leg.t0, seg.e);
            WHEN 'interact' THEN
                -- every piece reports an answer: the wait, then each reconnect's dead air (the distortion)
                IF first_interact AND leg.kind <> 'outbound' THEN
                    RETURN NEXT @extschema@.sample_metric(agent, 'tAnswered',
                        CASE WHEN j = 1 THEN leg.answer_ms - leg.queued_ms
                             ELSE abs(leg.resume_ms[j - 1] - leg.cut_ms[j - 1]) END, leg.t0, seg.s);
                END IF;
                first_interact := false;
                RETURN NEXT @extschema@.sample_metric(agent, 'tTalk', seg.e - seg.s, leg.t0, seg.e);
                talk := talk + (seg.e - seg.s);
            WHEN 'hold' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'tHeld', seg.e - seg.s, leg.t0, seg.e);
                held := held + (seg.e - seg.s);
            ELSE
                RETURN NEXT @extschema@.sample_metric(agent, 'tAcw', seg.e - seg.s, leg.t0, seg.e);
                acw := acw + (seg.e - seg.s);
        END CASE;
    END LOOP;
    IF last AND leg.transfer_out THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'nTransferred', 1, leg.t0, leg.talk_end_ms);
    END IF;
    IF talk > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tTalkComplete', talk, leg.t0, piece_end);
    END IF;
    IF held > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tHeldComplete', held, leg.t0, piece_end);
    END IF;
    IF talk + held + acw > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tHandle', talk + held + acw, leg.t0, piece_end);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_piece_rows(@extschema@.sample_leg, int) IS
    'Internal to the sample generator: one agent session (a piece of a leg between reconnects) with its metrics';

-- Every row of one planned leg: the customer and queue visit of its conversation, each agent piece,
-- and the customer (and 1-second queue visit) of a piece that came back as a new conversation.
CREATE FUNCTION @extschema@.sample_leg_rows(leg @extschema@.sample_leg)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 20 SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    conv text;
BEGIN
    IF leg.kind = 'abandon' THEN
        RETURN NEXT @extschema@.sample_customer_row(leg, leg.conversation_id, leg.queued_ms, leg.route_ms);
        RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(leg.conversation_id, '/acd/1', leg.queue_no,
                                                                 leg.queue_id, leg.t0, leg.queued_ms, leg.route_ms, true);
        RETURN;
    END IF;
    IF leg.leg_no = 1 THEN
        RETURN NEXT @extschema@.sample_customer_row(leg, leg.conversation_id,
                                                    coalesce(leg.queued_ms, leg.answer_ms), leg.customer_end_ms);
    END IF;
    IF leg.queue_id IS NOT NULL THEN
        RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(leg.conversation_id, '/acd/' || leg.leg_no,
                                                                 leg.queue_no, leg.queue_id, leg.t0, leg.queued_ms,
                                                                 leg.route_ms, false);
    END IF;
    FOR j IN 1..cardinality(leg.cut_ms) + 1 LOOP
        RETURN QUERY SELECT * FROM @extschema@.sample_piece_rows(leg, j);
        conv := leg.piece_conversation_ids[j - 1];
        IF j > 1 AND conv <> leg.conversation_id THEN
            RETURN NEXT @extschema@.sample_customer_row(leg, conv, leg.resume_ms[j - 1] - 1000, leg.talk_end_ms);
            IF leg.piece_requeued[j - 1] THEN
                RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(conv, '/acd/1', leg.queue_no, leg.queue_id,
                                                                         leg.t0, leg.resume_ms[j - 1] - 1000,
                                                                         leg.resume_ms[j - 1], false);
            END IF;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_leg_rows(@extschema@.sample_leg) IS
    'Internal to the sample generator: every segment and metric row of one planned leg';

-- A date as Genesys writes it: UTC, milliseconds, "Z" (numeric fields only: no locale, DateStyle or
-- TimeZone in play, so immutable although to_char is not in general).
CREATE FUNCTION @extschema@.sample_date_text(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
COMMENT ON FUNCTION @extschema@.sample_date_text(timestamptz) IS
    'Internal to the sample generator: a date in the Genesys export format';

CREATE FUNCTION @extschema@.sample_export(day date, agents int, calls_per_agent int, seed int,
                                           fragment_pct int DEFAULT 15, busy boolean DEFAULT true,
                                           transfer_pct int DEFAULT 5, abandon_pct int DEFAULT 10,
                                           outbound_pct int DEFAULT 10, time_zone text DEFAULT 'Europe/Paris',
                                           page_size int DEFAULT 100)
    RETURNS TABLE (page_no int, doc text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 10
    -- the planner cannot see how few rows the generator makes: JIT would cost more than the query
    SET jit = off
BEGIN ATOMIC
    WITH r AS (
        SELECT x.*
        FROM @extschema@.sample_plan(day, agents, calls_per_agent, seed, fragment_pct, busy, transfer_pct,
                                     abandon_pct, outbound_pct, time_zone) l,
             @extschema@.sample_leg_rows(l) x
        -- a constant condition: checked once, before any row
        WHERE @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct,
                                       outbound_pct, page_size)
    ),
    sess AS (
        SELECT r.conversation_id, r.participant_id, r.session_id, min(r.segment_start) AS first_start,
               json_build_object(
                   'sessionId', r.session_id, 'mediaType', 'voice', 'direction', min(r.direction),
                   'ani', min(r.ani), 'dnis', min(r.dnis),
                   'segments', json_agg(json_build_object(
                       'segmentStart', @extschema@.sample_date_text(r.segment_start),
                       'segmentEnd', @extschema@.sample_date_text(r.segment_end),
                       'segmentType', r.segment_type, 'queueId', r.queue_id,
                       'disconnectType', r.disconnect_type, 'wrapUpCode', r.wrap_up_code)
                       ORDER BY r.segment_start, r.segment_end) FILTER (WHERE r.segment_type IS NOT NULL),
                   'metrics', json_agg(json_build_object(
                       'name', r.metric_name, 'value', r.metric_value,
                       'emitDate', @extschema@.sample_date_text(r.emit_date))
                       ORDER BY r.emit_date, r.metric_name COLLATE "C") FILTER (WHERE r.metric_name IS NOT NULL)) AS obj
        FROM r
        GROUP BY r.conversation_id, r.participant_id, r.session_id
    ),
    part AS (
        SELECT s.conversation_id, s.participant_id, min(s.first_start) AS first_start,
               json_build_object(
                   'participantId', s.participant_id, 'participantName', min(p.participant_name),
                   'purpose', min(p.purpose), 'userId', min(p.user_id),
                   'attributes', CASE WHEN min(p.client_id) IS NOT NULL
                                      THEN json_build_object('X-Genesys-Client-Id', min(p.client_id)) END,
                   'sessions', json_agg(s.obj ORDER BY s.first_start, s.session_id COLLATE "C")) AS obj
        FROM sess s
        JOIN (SELECT DISTINCT r.conversation_id, r.participant_id, r.participant_name, r.purpose, r.user_id, r.client_id
              FROM r) p USING (conversation_id, participant_id)
        GROUP BY s.conversation_id, s.participant_id
    ),
    conv AS (
        SELECT p.conversation_id, b.conversation_start,
               json_build_object(
                   'conversationId', p.conversation_id,
                   'conversationStart', @extschema@.sample_date_text(b.conversation_start),
                   'conversationEnd', @extschema@.sample_date_text(b.conversation_end),
                   'originatingDirection', b.originating_direction,
                   'divisionIds', json_build_array('d0000000-0000-4000-8000-000000000001'),
                   'participants', json_agg(p.obj ORDER BY p.first_start, p.participant_id COLLATE "C")) AS obj
        FROM part p
        JOIN (SELECT r.conversation_id, min(r.segment_start) AS conversation_start,
                     max(r.segment_end) AS conversation_end, min(r.originating_direction) AS originating_direction
              FROM r GROUP BY r.conversation_id) b USING (conversation_id)
        GROUP BY p.conversation_id, b.conversation_start, b.conversation_end, b.originating_direction
    ),
    numbered AS (
        SELECT c.obj, row_number() OVER (ORDER BY c.conversation_start, c.conversation_id COLLATE "C") AS n
        FROM conv c
    ),
    paged AS (
        SELECT n.obj, n.n, (n.n - 1) / page_size + 1 AS page_no FROM numbered n
    )
    SELECT n.page_no::int,
           json_strip_nulls(json_build_object(
               'conversations', json_agg(n.obj ORDER BY n.n),
               'cursor', CASE WHEN n.page_no < max(n.page_no) OVER () THEN 'sample-page-' || (n.page_no + 1) END))::text
    FROM paged n
    GROUP BY n.page_no
    ORDER BY n.page_no;
END;
COMMENT ON FUNCTION @extschema@.sample_export(date, int, int, int, int, boolean, int, int, int, text, int) IS
    'A synthetic Genesys Cloud export, one async job result page a row: agents take calls_per_agent calls each from 08:00 '
    'local time, busy (1-21 s idle) or not (35-55 s), with softphone reconnects, transfers, abandons and outbound calls in '
    'the given percentages; the same arguments give the same bytes on any machine; sample_truth gives the answers';

CREATE FUNCTION @extschema@.sample_truth(day date, agents int, calls_per_agent int, seed int,
                                          fragment_pct int DEFAULT 15, busy boolean DEFAULT true,
                                          transfer_pct int DEFAULT 5, abandon_pct int DEFAULT 10,
                                          outbound_pct int DEFAULT 10, time_zone text DEFAULT 'Europe/Paris',
                                          page_size int DEFAULT 100)
    RETURNS TABLE (call_no int, leg_no int, outcome text, transferred boolean, user_id text, client_id text,
                   queue_id text, conversation_ids text[], queued_at timestamptz, started_at timestamptz,
                   answered_at timestamptz, left_queue_at timestamptz, ended_at timestamptz, fragments int,
                   alert interval, talk interval, hold interval, acw interval, dialing interval, handle interval,
                   gap interval, queue_wait interval, speed_of_answer interval)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 200
BEGIN ATOMIC
    WITH leg AS (
        SELECT l.*,
               -- dead air lost at the reconnects; re-reported seconds count once
               (SELECT coalesce(sum(greatest(u.r - u.c, 0)), 0) FROM unnest(l.cut_ms, l.resume_ms) u(c, r)) AS gap_ms,
               coalesce(l.hold_end_ms - l.hold_start_ms, 0) AS hold_ms,
               CASE WHEN l.kind = 'outbound' THEN l.answer_ms - l.route_ms ELSE 0 END AS dialing_ms,
               CASE WHEN l.kind IN ('inbound', 'transfer') THEN l.answer_ms - l.route_ms ELSE 0 END AS alert_ms
        FROM @extschema@.sample_plan(day, agents, calls_per_agent, seed, fragment_pct, busy, transfer_pct,
                                     abandon_pct, outbound_pct, time_zone) l
        WHERE @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct,
                                       outbound_pct, page_size)
    )
    SELECT l.call_no, l.leg_no,
           CASE l.kind WHEN 'abandon' THEN 'abandoned' WHEN 'outbound' THEN 'outbound' ELSE 'answered' END,
           l.transfer_out,
           l.user_id, l.client_id, l.queue_id,
           l.conversation_id || ARRAY(SELECT u.c FROM unnest(l.piece_conversation_ids) WITH ORDINALITY u(c, o)
                                      WHERE u.c <> l.conversation_id ORDER BY u.o),
           @extschema@.sample_at(l.t0, l.queued_ms),
           @extschema@.sample_at(l.t0, CASE WHEN l.kind <> 'abandon' THEN l.route_ms END),
           @extschema@.sample_at(l.t0, l.answer_ms),
           @extschema@.sample_at(l.t0, CASE WHEN l.kind = 'abandon' THEN l.route_ms
                                            WHEN l.kind <> 'outbound' THEN l.answer_ms END),
           @extschema@.sample_at(l.t0, l.wrap_end_ms),
           -- an abandoned call has no agent: no agent measures
           CASE WHEN l.kind <> 'abandon' THEN cardinality(l.cut_ms) + 1 END,
           CASE WHEN l.kind <> 'abandon' THEN l.alert_ms * interval '1 millisecond' END,
           (l.talk_end_ms - l.answer_ms - l.hold_ms - l.gap_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.hold_ms * interval '1 millisecond' END,
           (l.wrap_end_ms - l.talk_end_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.dialing_ms * interval '1 millisecond' END,
           (l.wrap_end_ms - l.answer_ms - l.gap_ms + l.dialing_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.gap_ms * interval '1 millisecond' END,
           CASE WHEN l.kind = 'abandon' THEN (l.route_ms - l.queued_ms) * interval '1 millisecond'
                ELSE (l.answer_ms - l.queued_ms) * interval '1 millisecond' END,
           CASE WHEN l.kind IN ('inbound', 'transfer') THEN l.alert_ms * interval '1 millisecond' END
    FROM leg l
    ORDER BY l.call_no, l.leg_no;
END;
COMMENT ON FUNCTION @extschema@.sample_truth(date, int, int, int, int, boolean, int, int, int, text, int) IS
    'The true figures of sample_export(same arguments), one row per agent leg (a transferred call has two) and per '
    'abandoned call, computed from the generator''s plan (not by stitching): what gcstitch.interaction and '
    'gcstitch.queue_call must give back; page_size does not change them';

-- Part 75_anonymize.sql (issue 16): anonymize(), anonymize_id().
CREATE FUNCTION @extschema@.anonymize(doc text, secret text, shift_days int, client_id_attributes text[])
    RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_anonymize'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.anonymize(text, text, int, text[]) IS
    'A Genesys Cloud export (any shape import() reads) with every identifier replaced by a keyed hash (HMAC-SHA256 with secret), '
    'phone numbers and addresses masked, names, free text and other participant attributes dropped, dates shifted by '
    'shift_days whole days; client ids are read from the named participant attributes and hashed';

CREATE FUNCTION @extschema@.anonymize(doc text, secret text, shift_days int DEFAULT 0)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.anonymize(doc, secret, shift_days,
                                 coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                          '{X-Genesys-Client-Id}'));
COMMENT ON FUNCTION @extschema@.anonymize(text, text, int) IS
    'anonymize(doc, secret, shift_days, client_id_attributes) with the attribute names of gcstitch.settings';

CREATE FUNCTION @extschema@.anonymize_id(id text, secret text)
    RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_anonymize_id'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.anonymize_id(text, text) IS
    'The identifier anonymize() writes for id with this secret (first 16 bytes of HMAC-SHA256 as a UUID; empty stays empty): '
    'maps ids kept in other tables (queue names, teams) to the anonymized export';

-- Importer (src/sql/20_import.sql): import() takes one lock per transaction, stores in a
-- subtransaction and rejects or names what the database refuses (import_store,
-- import_conversations); a hash index on import_reject.conversation_id (ids too long for a btree
-- entry can be rejected).
DROP INDEX @extschema@.import_reject_conversation_id_idx;
-- A hash index: a conversationId too long for a btree entry can still be rejected.
CREATE INDEX import_reject_conversation_id_idx ON @extschema@.import_reject USING hash (conversation_id);
COMMENT ON COLUMN @extschema@.import_reject.sqlstate IS
    'The SQLSTATE a strict import raises for it: 22023 wrong shape, 22P05 character the database encoding lacks, else the database''s error';
COMMENT ON COLUMN @extschema@.import_reject.conversation IS
    'The conversation as JSON (written back by json-c: same members and values, compact; characters the database encoding lacks as \u escapes)';
CREATE FUNCTION @extschema@.import_conversations(doc text, ordinals int[])
    RETURNS TABLE (ordinal int, json_path text, conversation text)
    AS 'MODULE_PATHNAME', 'gcstitch_import_conversations'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.import_conversations(text, int[]) IS
    'Internal to import(): the conversations at these positions of an export (ascending, from 1), with their JSON path, as JSON';
GRANT EXECUTE ON FUNCTION @extschema@.import_conversations(text, int[]) TO gcstitch_analyst;

-- import_parse returns the conversations in batches, then the ones superseded in the text
-- (import() keeps memory near the size of the text; issue 11).
DROP FUNCTION @extschema@.import_parse(text, text[], boolean);
CREATE FUNCTION @extschema@.import_parse(doc text, client_id_attributes text[], strict boolean,
                                         batch_size int)
    RETURNS TABLE (items @extschema@.import_item[], rejects int, superseded int[])
    AS 'MODULE_PATHNAME', 'gcstitch_import_parse'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.import_parse(text, text[], boolean, int) IS
    'Internal to import(): parses an export in one pass into batches of at most batch_size conversations (rejects: how many are bad), then a last row listing the conversations superseded by a newer or later version in the text; strict => false returns bad conversations as rejects instead of raising';
GRANT EXECUTE ON FUNCTION @extschema@.import_parse(text, text[], boolean, int) TO gcstitch_analyst;

CREATE FUNCTION @extschema@.import_store(items @extschema@.import_item[], ordinals int[],
                                         OUT conversations int, OUT segments int, OUT metrics int,
                                         OUT replaced int, OUT refused_state text,
                                         OUT refused_message text, OUT refused_detail text)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- The stored versions are deleted by their key, however empty the statistics say the table is.
    SET enable_seqscan = off
AS $$
BEGIN
    DELETE FROM @extschema@.conversation c
     USING unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal)
     WHERE c.conversation_id = i.conversation_id;
    GET DIAGNOSTICS replaced = ROW_COUNT;

    INSERT INTO @extschema@.conversation (conversation_id, conversation_start, conversation_end,
                                          originating_direction, division_ids, last_event_at)
    SELECT i.conversation_id, i.conversation_start, i.conversation_end, i.originating_direction,
           i.division_ids, i.last_event_at
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal)
     ORDER BY i.conversation_id;
    GET DIAGNOSTICS conversations = ROW_COUNT;

    INSERT INTO @extschema@.segment
    SELECT s.*
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal),
           unnest(i.segments) s;
    GET DIAGNOSTICS segments = ROW_COUNT;

    INSERT INTO @extschema@.metric
    SELECT m.*
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal),
           unnest(i.metrics) m;
    GET DIAGNOSTICS metrics = ROW_COUNT;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS refused_state = RETURNED_SQLSTATE, refused_message = MESSAGE_TEXT,
                            refused_detail = PG_EXCEPTION_DETAIL;
    -- Only what the data causes: data exceptions, integrity constraints, program limits (index
    -- row size), errors raised by triggers; not deadlocks, serialization failures, lack of
    -- memory, a cancel, ...
    IF substr(refused_state, 1, 2) NOT IN ('22', '23', '54', 'P0') OR refused_state = '54001' THEN
        RAISE;
    END IF;
    conversations := 0;
    segments := 0;
    metrics := 0;
    replaced := 0;
END
$$;
COMMENT ON FUNCTION @extschema@.import_store(@extschema@.import_item[], int[]) IS
    'Internal to import(): replaces the stored versions of the items with these ordinals, in a subtransaction; a refusal caused by the data comes back as its SQLSTATE, message and detail';
GRANT EXECUTE ON FUNCTION @extschema@.import_store(@extschema@.import_item[], int[]) TO gcstitch_analyst;

CREATE FUNCTION @extschema@.import_open(doc text, strict boolean) RETURNS refcursor
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- A custom plan would hold doc as a constant: one copy of the text made by the planner and
    -- one in the cached plan. A generic plan keeps it a parameter, read by import_parse alone.
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    parsed refcursor;
BEGIN
    OPEN parsed SCROLL FOR
        SELECT p.items, p.rejects, p.superseded
          FROM @extschema@.import_parse(doc,
                                        coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                                 '{X-Genesys-Client-Id}'),
                                        strict, 1000) p;
    RETURN parsed;
END
$$;
COMMENT ON FUNCTION @extschema@.import_open(text, boolean) IS
    'Internal to import(): a scrollable cursor over import_parse(doc, the client id attributes of gcstitch.settings, strict, 1000)';

GRANT EXECUTE ON FUNCTION @extschema@.import_open(text, boolean) TO gcstitch_analyst;

CREATE FUNCTION @extschema@.import_winners(batch @extschema@.import_item[], superseded int[])
    RETURNS int[]
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- Planned for the batch at hand: a plan cached while the tables were small (after a TRUNCATE,
    -- say) would look the stored versions up by reading them whole, for every conversation.
    SET plan_cache_mode = force_custom_plan
    -- Statistics never see what this transaction stored: a table they call empty would still be
    -- read whole per conversation, a cost that grows with every batch of a long import.
    SET enable_seqscan = off
AS $$
DECLARE
    winners int[];
BEGIN
    -- The good conversations of the batch not superseded in the text, then only those at least
    -- as new as the stored version: (ended, conversation_end, last_event_at) compared in that
    -- order, NULLs lowest; on a tie the incoming one replaces the stored one.
    SELECT coalesce(array_agg(i.ordinal ORDER BY i.ordinal), '{}')
      INTO winners
      FROM unnest(batch) i
     WHERE i.reason IS NULL
       AND i.ordinal <> ALL (superseded)
       AND NOT EXISTS (
           SELECT FROM @extschema@.conversation c
            WHERE c.conversation_id = i.conversation_id
              AND (c.conversation_end IS NOT NULL,
                   coalesce(c.conversation_end, '-infinity'),
                   coalesce(c.last_event_at, '-infinity'))
                > (i.conversation_end IS NOT NULL,
                   coalesce(i.conversation_end, '-infinity'),
                   coalesce(i.last_event_at, '-infinity')));
    RETURN winners;
END
$$;
COMMENT ON FUNCTION @extschema@.import_winners(@extschema@.import_item[], int[]) IS
    'Internal to import(): the ordinals of the items of a batch to store: good, not superseded in the text, at least as new as the stored version';

GRANT EXECUTE ON FUNCTION @extschema@.import_winners(@extschema@.import_item[], int[]) TO gcstitch_analyst;

-- The conversations of a batch found bad while reading (strict => false), kept in text order.
CREATE FUNCTION @extschema@.import_keep_rejects(batch @extschema@.import_item[]) RETURNS int
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int;
BEGIN
    INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
    SELECT i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
      FROM unnest(batch) i
     WHERE i.reason IS NOT NULL
     ORDER BY i.ordinal;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.import_keep_rejects(@extschema@.import_item[]) IS
    'Internal to import(): stores the conversations of a batch found bad while reading in gcstitch.import_reject, in text order; how many';
GRANT EXECUTE ON FUNCTION @extschema@.import_keep_rejects(@extschema@.import_item[]) TO gcstitch_analyst;

CREATE OR REPLACE FUNCTION @extschema@.import(doc text, strict boolean DEFAULT true)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parsed    refcursor;
    batch     @extschema@.import_item[];
    batch_rejects int;
    superseded int[];
    next_superseded int := 1;   -- first element of superseded past the batches stored so far
    first_superseded int;
    last_ordinal int;
    winners   int[];
    unused    int[];
    chunk     @extschema@.import_item[];
    item      @extschema@.import_item;
    k         int;
    n         int;
    stored    record;
    refused   int[] := '{}';    -- ordinals of conversations the database refused
    refused_id     text[] := '{}';
    refused_state  text[] := '{}';
    refused_reason text[] := '{}';
BEGIN
    conversations := 0;
    segments := 0;
    metrics := 0;
    replaced := 0;
    rejected := 0;

    -- On a coordinator (part 55) the shards store the conversations.
    IF EXISTS (SELECT FROM @extschema@.shard) THEN
        RETURN QUERY SELECT * FROM @extschema@.import_routed(doc, strict);
        RETURN;
    END IF;

    -- The text is parsed in one pass, into batches of 1,000 conversations held by the cursor's
    -- tuplestore (on disk past work_mem), so memory stays near the size of the text. The last row
    -- lists the conversations superseded by a newer version in the same text (ties: the later
    -- one): only the newest version of each is stored.
    parsed := @extschema@.import_open(doc, strict);
    FETCH LAST FROM parsed INTO batch, batch_rejects, superseded;
    MOVE ABSOLUTE 0 FROM parsed;

    -- Importing transactions take turns: one exclusive lock, held until commit, so that each
    -- reads the stored versions only once no other import can change them (every later statement
    -- takes a fresh snapshot at READ COMMITTED). One lock for any number of conversations and of
    -- calls in the transaction, so no lock table overflow and no deadlock between importers
    -- (locks per conversation, taken call by call, can deadlock across calls). The text is
    -- parsed above, before waiting.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);

    LOOP
        FETCH parsed INTO batch, batch_rejects, unused;
        EXIT WHEN NOT FOUND OR batch IS NULL;
        last_ordinal := (batch[cardinality(batch)]).ordinal;
        first_superseded := next_superseded;
        WHILE next_superseded <= cardinality(superseded) AND superseded[next_superseded] <= last_ordinal LOOP
            next_superseded := next_superseded + 1;
        END LOOP;

        -- The batch's conversations that are the newest version in the text and at least as new
        -- as the stored version.
        winners := @extschema@.import_winners(batch, superseded[first_superseded:next_superseded - 1]);

        -- The batch in one subtransaction. Should the database refuse (a value too long for an
        -- index entry, a constraint or trigger of the user's, ...), 64 at a time, and a refused
        -- group one by one: each refused conversation is rejected (strict => false) or named in
        -- the error.
        stored := @extschema@.import_store(batch, winners);
        conversations := conversations + stored.conversations;
        segments := segments + stored.segments;
        metrics := metrics + stored.metrics;
        replaced := replaced + stored.replaced;
        FOR chunk IN SELECT array_agg(g.i ORDER BY (g.i).ordinal)
                       FROM (SELECT i, (row_number() OVER (ORDER BY i.ordinal) - 1) / 64 AS n
                               FROM unnest(batch) i JOIN unnest(winners) w(ordinal) USING (ordinal)) g
                      WHERE stored.refused_state IS NOT NULL
                      GROUP BY g.n ORDER BY g.n LOOP
            FOR k IN 0 .. cardinality(chunk) LOOP
                -- k = 0: the group; then, if the database refused the group, each of its conversations
                IF k = 0 THEN
                    stored := @extschema@.import_store(chunk, ARRAY(SELECT c.ordinal FROM unnest(chunk) c));
                ELSE
                    item := chunk[k];
                    stored := @extschema@.import_store(ARRAY[item], ARRAY[item.ordinal]);
                END IF;
                conversations := conversations + stored.conversations;
                segments := segments + stored.segments;
                metrics := metrics + stored.metrics;
                replaced := replaced + stored.replaced;
                EXIT WHEN k = 0 AND stored.refused_state IS NULL;
                CONTINUE WHEN k = 0 OR stored.refused_state IS NULL;
                IF strict THEN
                    RAISE EXCEPTION 'cannot store conversation % at %',
                                    '"' || left(item.conversation_id, 80) || '"'
                                    || CASE WHEN length(item.conversation_id) > 80 THEN '...' ELSE '' END,
                                    item.json_path
                          USING ERRCODE = stored.refused_state,
                                DETAIL = stored.refused_message
                                         || CASE WHEN stored.refused_detail <> '' THEN ': ' || stored.refused_detail ELSE '' END;
                END IF;
                refused := refused || item.ordinal;
                refused_id := refused_id || item.conversation_id;
                refused_state := refused_state || stored.refused_state;
                refused_reason := refused_reason
                    || (format('The database refused to store it: %s.', stored.refused_message)
                        || CASE WHEN stored.refused_detail <> '' THEN ' ' || stored.refused_detail ELSE '' END);
            END LOOP;
        END LOOP;

        IF batch_rejects > 0 THEN
            rejected := rejected + @extschema@.import_keep_rejects(batch);
        END IF;
    END LOOP;
    CLOSE parsed;

    -- The conversations the database refused, in text order, with their JSON read again.
    IF cardinality(refused) > 0 THEN
        INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
        SELECT f.conversation_id, c.json_path, f.sqlstate, f.reason, c.conversation
          FROM unnest(refused, refused_id, refused_state, refused_reason) f(ordinal, conversation_id, sqlstate, reason)
          JOIN @extschema@.import_conversations(doc, refused) c USING (ordinal)
         ORDER BY f.ordinal;
        GET DIAGNOSTICS n = ROW_COUNT;
        rejected := rejected + n;
    END IF;

    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import(text, boolean) IS
    'Stores a Genesys Cloud export; a newer version of a conversation replaces the stored one; strict => false sends bad conversations to gcstitch.import_reject; on a coordinator, sends each conversation to its shards';

-- Maintained analytics (issue 10): the views of 0.1.0 become the live definitions (*_live, unchanged),
-- their materialized copies give way to tables maintained incrementally by refresh(), and the
-- public names read those tables.
DROP MATERIALIZED VIEW @extschema@.interaction_mv, @extschema@.agent_interval_mv, @extschema@.queue_interval_mv;
ALTER VIEW @extschema@.queue_visit RENAME TO queue_visit_live;
ALTER VIEW @extschema@.interaction RENAME TO interaction_live;
ALTER VIEW @extschema@.queue_call RENAME TO queue_call_live;
ALTER VIEW @extschema@.agent_interval RENAME TO agent_interval_live;
ALTER VIEW @extschema@.queue_interval RENAME TO queue_interval_live;
COMMENT ON VIEW @extschema@.queue_visit_live IS
    'One row per queue visit (acd participant session) with the agent session that answered it, if any; live: recomputed from the imported data at every query (gcstitch.queue_visit holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON VIEW @extschema@.interaction_live IS
    'One row per stitched interaction: agent segments grouped by client id (without a client id: by conversation and agent), cut into islands by settings.gap_tolerance and, when settings.split_after_wrapup, by the new-call rule (an offer after a wrapup); live: recomputed from the imported data at every query (gcstitch.interaction holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON VIEW @extschema@.queue_call_live IS
    'One row per logical queued call: each interaction that answered queue visits (counted once however many fragments or re-queued conversations), and each queue visit no agent answered (abandoned, flowed out, or still waiting); live: recomputed from the imported data at every query (gcstitch.queue_call holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';
COMMENT ON VIEW @extschema@.agent_interval_live IS
    'Per agent and report interval (settings.interval_length in settings.report_timezone): handled, talk, hold, acw, handle and AHT as reported by Genesys (raw metrics, each in the interval of its emitDate) and corrected by stitching (each interaction in the interval where it ended, i.e. where wrap-up ended), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.agent_interval holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';
COMMENT ON VIEW @extschema@.queue_interval_live IS
    'Per queue and report interval: offered, answered, abandoned, short abandoned, flow-outs, answered within the queue''s threshold, service level and ASA, as reported by Genesys (raw metrics in the interval of their emitDate) and corrected (logical calls of queue_call: offered at first queue entry, the rest when the call left the queue), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.queue_interval holds the same rows, maintained by gcstitch.refresh()); on a shard of a coordinator, only the rows it owns (gcstitch.shard_replica, gcstitch.shard_foreign_client)';

-- Part 45 as installed.
-- What changed since the last refresh: one row per conversation inserted, replaced or deleted
-- (written by the triggers below, so import() and a DELETE are both seen), NULL for "everything"
-- (a TRUNCATE). refresh() claims the rows it can see with one DELETE; rows committed later stay.
CREATE TABLE @extschema@.change_log (
    conversation_id text,
    logged_at       timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.change_log IS
    'Conversations changed since the last gcstitch.refresh() (NULL: everything, after a TRUNCATE); written by triggers on gcstitch.conversation and the shard ownership tables, consumed by refresh()';
COMMENT ON COLUMN @extschema@.change_log.conversation_id IS
    'Conversation inserted, replaced, updated or deleted, or whose ownership changed (shard_replica, shard_foreign_client); NULL when a table was truncated';
COMMENT ON COLUMN @extschema@.change_log.logged_at IS 'Start of the transaction that made the change';

CREATE FUNCTION @extschema@.log_conversation_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO @extschema@.change_log (conversation_id) SELECT n.conversation_id FROM new_rows n;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO @extschema@.change_log (conversation_id) SELECT o.conversation_id FROM old_rows o;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO @extschema@.change_log (conversation_id) VALUES (NULL);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.log_conversation_change() IS
    'Trigger function: records the conversations a statement inserted, updated or deleted (NULL for a TRUNCATE) in gcstitch.change_log';

-- One statement-level trigger per event (transition tables allow one event per trigger). A new
-- version of a conversation replaces the old one with its segments and metrics, so the conversation
-- row changes whenever anything of it does.
CREATE TRIGGER conversation_log_insert AFTER INSERT ON @extschema@.conversation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER conversation_log_update AFTER UPDATE ON @extschema@.conversation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER conversation_log_delete AFTER DELETE ON @extschema@.conversation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER conversation_log_truncate AFTER TRUNCATE ON @extschema@.conversation
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER segment_log_truncate AFTER TRUNCATE ON @extschema@.segment
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER metric_log_truncate AFTER TRUNCATE ON @extschema@.metric
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();

-- The ownership lists of a shard (part 08) are tracked too, so that a refresh never keeps figures
-- counted under other lists: a conversation listed or unlisted as a replica is a change of it.
CREATE TRIGGER shard_replica_log_insert AFTER INSERT ON @extschema@.shard_replica
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER shard_replica_log_update AFTER UPDATE ON @extschema@.shard_replica
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER shard_replica_log_delete AFTER DELETE ON @extschema@.shard_replica
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();
CREATE TRIGGER shard_replica_log_truncate AFTER TRUNCATE ON @extschema@.shard_replica
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();

-- A client id listed or unlisted as foreign changes its interactions: the conversations of its stored
-- ones are logged (the stitching key of an interaction with a client id is that id; conversations
-- not stored yet are pending already).
CREATE FUNCTION @extschema@.log_foreign_client_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    keys text[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        keys := ARRAY(SELECT n.client_id FROM new_rows n);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        keys := keys || ARRAY(SELECT o.client_id FROM old_rows o);
    END IF;
    INSERT INTO @extschema@.change_log (conversation_id)
    SELECT DISTINCT c.conversation_id
    FROM unnest(keys) AS k(client_id)
    CROSS JOIN LATERAL (SELECT i.conversation_ids FROM @extschema@.interaction_store i
                        WHERE i.stitch_key = k.client_id OFFSET 0) i
    CROSS JOIN LATERAL unnest(i.conversation_ids) AS c(conversation_id);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.log_foreign_client_change() IS
    'Trigger function: records in gcstitch.change_log the conversations of the stored interactions of the client ids a statement listed or unlisted in gcstitch.shard_foreign_client';
CREATE TRIGGER shard_foreign_client_log_insert AFTER INSERT ON @extschema@.shard_foreign_client
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_foreign_client_change();
CREATE TRIGGER shard_foreign_client_log_update AFTER UPDATE ON @extschema@.shard_foreign_client
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_foreign_client_change();
CREATE TRIGGER shard_foreign_client_log_delete AFTER DELETE ON @extschema@.shard_foreign_client
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_foreign_client_change();
CREATE TRIGGER shard_foreign_client_log_truncate AFTER TRUNCATE ON @extschema@.shard_foreign_client
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.log_conversation_change();

-- The settings and queue targets the maintained rows were computed with (NULL: never computed, so
-- the next refresh rebuilds everything), and what the last refresh did.
CREATE TABLE @extschema@.refresh_state (
    id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    gap_tolerance             interval,
    split_after_wrapup        boolean,
    report_timezone           text,
    interval_length           interval,
    short_abandon_threshold   interval,
    sl_include_short_abandons boolean,
    sl_include_abandons       boolean,
    sl_include_flow_outs      boolean,
    island_span_bound         interval NOT NULL DEFAULT '0',
    last_refresh_at           timestamptz,
    last_refresh_duration     interval,
    last_refresh_conversations bigint,
    last_refresh_full         boolean
);
INSERT INTO @extschema@.refresh_state DEFAULT VALUES;
COMMENT ON TABLE @extschema@.refresh_state IS
    'One row: the settings the maintained analytics were computed with (NULL until the first refresh, which then rebuilds everything) and what the last refresh did';
COMMENT ON COLUMN @extschema@.refresh_state.id IS 'Always true: the table holds one row';
COMMENT ON COLUMN @extschema@.refresh_state.gap_tolerance IS 'settings.gap_tolerance the interactions were stitched with';
COMMENT ON COLUMN @extschema@.refresh_state.split_after_wrapup IS 'settings.split_after_wrapup the interactions were stitched with';
COMMENT ON COLUMN @extschema@.refresh_state.report_timezone IS 'settings.report_timezone of the interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.interval_length IS 'settings.interval_length of the interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.short_abandon_threshold IS 'settings.short_abandon_threshold of the queue interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.sl_include_short_abandons IS 'settings.sl_include_short_abandons of the queue interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.sl_include_abandons IS 'settings.sl_include_abandons of the queue interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.sl_include_flow_outs IS 'settings.sl_include_flow_outs of the queue interval rows';
COMMENT ON COLUMN @extschema@.refresh_state.island_span_bound IS
    'At least the longest stored interaction (ended_at - started_at): how far back refresh looks for an interaction reaching a changed instant';
COMMENT ON COLUMN @extschema@.refresh_state.last_refresh_at IS 'When the last refresh started';
COMMENT ON COLUMN @extschema@.refresh_state.last_refresh_duration IS 'How long the last refresh took';
COMMENT ON COLUMN @extschema@.refresh_state.last_refresh_conversations IS 'Changed conversations the last refresh took into account';
COMMENT ON COLUMN @extschema@.refresh_state.last_refresh_full IS 'Whether the last refresh rebuilt everything';

CREATE TABLE @extschema@.refresh_queue_state (
    queue_id          text PRIMARY KEY,
    name              text,
    sl_target_percent numeric NOT NULL,
    sl_threshold      interval NOT NULL
);
COMMENT ON TABLE @extschema@.refresh_queue_state IS
    'gcstitch.queue as of the last refresh: a difference makes the next refresh recompute every queue interval row';
COMMENT ON COLUMN @extschema@.refresh_queue_state.queue_id IS 'gcstitch.queue.queue_id';
COMMENT ON COLUMN @extschema@.refresh_queue_state.name IS 'gcstitch.queue.name';
COMMENT ON COLUMN @extschema@.refresh_queue_state.sl_target_percent IS 'gcstitch.queue.sl_target_percent';
COMMENT ON COLUMN @extschema@.refresh_queue_state.sl_threshold IS 'gcstitch.queue.sl_threshold';

-- The stores. Their columns are those of the live views (same types by construction), plus, for
-- interactions, the instant the queued call was answered.
CREATE TABLE @extschema@.interaction_store AS
    SELECT i.*, NULL::timestamptz AS queue_answered_at FROM @extschema@.interaction_live i WITH NO DATA;
ALTER TABLE @extschema@.interaction_store ADD PRIMARY KEY (stitch_key, started_at),
    ALTER COLUMN interaction_no SET NOT NULL, ALTER COLUMN conversation_ids SET NOT NULL,
    ALTER COLUMN ended_at SET NOT NULL;
-- fastupdate off: a pending list would be searched linearly for every changed conversation.
CREATE INDEX interaction_store_conversation_ids ON @extschema@.interaction_store USING gin (conversation_ids)
    WITH (fastupdate = off);
CREATE INDEX interaction_store_started_at ON @extschema@.interaction_store (started_at);
CREATE INDEX interaction_store_ended_at ON @extschema@.interaction_store (ended_at);
CREATE INDEX interaction_store_queued_at ON @extschema@.interaction_store (queued_at) WHERE queue_wait IS NOT NULL;
CREATE INDEX interaction_store_queue_answered_at ON @extschema@.interaction_store (queue_answered_at)
    WHERE queue_answered_at IS NOT NULL;

CREATE TABLE @extschema@.queue_visit_store AS SELECT * FROM @extschema@.queue_visit_live WITH NO DATA;
ALTER TABLE @extschema@.queue_visit_store ADD PRIMARY KEY (conversation_id, session_id);
CREATE INDEX queue_visit_store_queued_at ON @extschema@.queue_visit_store (queued_at)
    WHERE answered_session_id IS NULL;
CREATE INDEX queue_visit_store_left_queue_at ON @extschema@.queue_visit_store (left_queue_at)
    WHERE answered_session_id IS NULL;

-- The metrics the reported figures count, with the agent or queue each is counted for.
CREATE TABLE @extschema@.reported_metric (
    conversation_id text NOT NULL,
    name            text NOT NULL,
    emit_date       timestamptz NOT NULL,
    value           bigint NOT NULL,
    user_id         text,
    queue_id        text
);
CREATE INDEX reported_metric_conversation_id ON @extschema@.reported_metric (conversation_id);
CREATE INDEX reported_metric_emit_date ON @extschema@.reported_metric (emit_date);
COMMENT ON TABLE @extschema@.reported_metric IS
    'Maintained by gcstitch.refresh(): the metrics the reported figures count (tHandle, tTalk, tHeld, tAcw of agents; nOffered, tAnswered, tAbandon, tFlowOut of queues; on a shard, of the conversations it owns only)';
COMMENT ON COLUMN @extschema@.reported_metric.conversation_id IS 'Conversation of the metric';
COMMENT ON COLUMN @extschema@.reported_metric.name IS 'Metric name';
COMMENT ON COLUMN @extschema@.reported_metric.emit_date IS 'emitDate: the report interval it counts in';
COMMENT ON COLUMN @extschema@.reported_metric.value IS 'Metric value (milliseconds for t* metrics)';
COMMENT ON COLUMN @extschema@.reported_metric.user_id IS 'Agent it counts for (agent metrics of an agent participant); NULL otherwise';
COMMENT ON COLUMN @extschema@.reported_metric.queue_id IS
    'Queue it counts for (queue metrics): the first queue id of its session, else of its conversation; NULL otherwise';

CREATE TABLE @extschema@.agent_interval_store AS SELECT * FROM @extschema@.agent_interval_live WITH NO DATA;
ALTER TABLE @extschema@.agent_interval_store ADD PRIMARY KEY (user_id, interval_start);
CREATE INDEX agent_interval_store_interval_start ON @extschema@.agent_interval_store (interval_start);
CREATE INDEX agent_interval_store_local_date ON @extschema@.agent_interval_store (local_date);

CREATE TABLE @extschema@.queue_interval_store AS SELECT * FROM @extschema@.queue_interval_live WITH NO DATA;
ALTER TABLE @extschema@.queue_interval_store ADD PRIMARY KEY (queue_id, interval_start);
CREATE INDEX queue_interval_store_interval_start ON @extschema@.queue_interval_store (interval_start);
CREATE INDEX queue_interval_store_local_date ON @extschema@.queue_interval_store (local_date);

COMMENT ON TABLE @extschema@.interaction_store IS
    'Maintained by gcstitch.refresh(): the rows of gcstitch.interaction, keyed by (stitch_key, started_at)';
COMMENT ON TABLE @extschema@.queue_visit_store IS 'Maintained by gcstitch.refresh(): the rows of gcstitch.queue_visit';
COMMENT ON TABLE @extschema@.agent_interval_store IS 'Maintained by gcstitch.refresh(): the rows of gcstitch.agent_interval';
COMMENT ON TABLE @extschema@.queue_interval_store IS 'Maintained by gcstitch.refresh(): the rows of gcstitch.queue_interval';
COMMENT ON COLUMN @extschema@.interaction_store.queue_answered_at IS
    'When the queued call was answered (queued_at + queue_wait); NULL when queue_wait is';

-- The public views: the maintained rows, as of the last refresh. Until the first refresh (after
-- CREATE EXTENSION, an update from 0.1.0, or a restore: the maintained tables are not dumped) they
-- answer with the live views instead. Only one branch runs (a one-time filter on refresh_state), and
-- a filter on a column reaches the maintained table's indexes. The live branch is a function call
-- (its SET clause keeps it from being inlined): the planner does not plan the live query each time.
CREATE FUNCTION @extschema@.interaction_before_refresh() RETURNS SETOF @extschema@.interaction_live
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.interaction_live $$;
COMMENT ON FUNCTION @extschema@.interaction_before_refresh() IS
    'Internal to the view gcstitch.interaction: the rows of interaction_live, which it shows until the first refresh';
CREATE FUNCTION @extschema@.queue_visit_before_refresh() RETURNS SETOF @extschema@.queue_visit_live
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.queue_visit_live $$;
COMMENT ON FUNCTION @extschema@.queue_visit_before_refresh() IS
    'Internal to the view gcstitch.queue_visit: the rows of queue_visit_live, which it shows until the first refresh';
CREATE FUNCTION @extschema@.queue_call_before_refresh() RETURNS SETOF @extschema@.queue_call_live
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.queue_call_live $$;
COMMENT ON FUNCTION @extschema@.queue_call_before_refresh() IS
    'Internal to the view gcstitch.queue_call: the rows of queue_call_live, which it shows until the first refresh';
CREATE FUNCTION @extschema@.agent_interval_before_refresh() RETURNS SETOF @extschema@.agent_interval_live
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.agent_interval_live $$;
COMMENT ON FUNCTION @extschema@.agent_interval_before_refresh() IS
    'Internal to the view gcstitch.agent_interval: the rows of agent_interval_live, which it shows until the first refresh';
CREATE FUNCTION @extschema@.queue_interval_before_refresh() RETURNS SETOF @extschema@.queue_interval_live
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.queue_interval_live $$;
COMMENT ON FUNCTION @extschema@.queue_interval_before_refresh() IS
    'Internal to the view gcstitch.queue_interval: the rows of queue_interval_live, which it shows until the first refresh';

-- Part 42 (issue 15): the shards' rows as a coordinator reads them; the public views add them.
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

CREATE VIEW @extschema@.interaction AS
SELECT s.stitch_key, s.client_id, s.interaction_no, s.user_id, s.queue_id, s.conversation_ids, s.queued_at,
       s.started_at, s.answered_at, s.ended_at, s.fragments, s.alert, s.talk, s.hold, s.acw, s.handle, s.gap,
       s.queue_wait, s.speed_of_answer
FROM @extschema@.interaction_store s
WHERE EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.interaction_before_refresh()
WHERE NOT EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.sharded_interaction;

CREATE VIEW @extschema@.queue_visit AS
SELECT * FROM @extschema@.queue_visit_store
WHERE EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.queue_visit_before_refresh()
WHERE NOT EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.sharded_queue_visit;

CREATE VIEW @extschema@.agent_interval AS
SELECT * FROM @extschema@.agent_interval_store
WHERE EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.agent_interval_before_refresh()
WHERE NOT EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.agent_interval_of_shards;

CREATE VIEW @extschema@.queue_interval AS
SELECT * FROM @extschema@.queue_interval_store
WHERE EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.queue_interval_before_refresh()
WHERE NOT EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.queue_interval_of_shards;

-- queue_call_live over the maintained rows (the answer instant read as stored), owned ones only.
CREATE VIEW @extschema@.queue_call AS
SELECT i.queue_id,
       i.queued_at,
       i.queue_answered_at AS left_queue_at,
       i.queue_answered_at AS answered_at,
       'answered'::text AS outcome,
       false AS short_abandon,
       i.queue_wait,
       i.stitch_key,
       i.client_id,
       i.interaction_no,
       i.user_id,
       i.conversation_ids
FROM @extschema@.interaction_store i
WHERE i.queue_wait IS NOT NULL
  AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
  AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                  WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
  AND EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
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
FROM @extschema@.queue_visit_store v
CROSS JOIN (SELECT s.short_abandon_threshold FROM @extschema@.settings s LIMIT 1) st
WHERE v.answered_session_id IS NULL
  AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = v.conversation_id)
  AND EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.queue_call_before_refresh()
WHERE NOT EXISTS (SELECT FROM @extschema@.refresh_state r WHERE r.gap_tolerance IS NOT NULL)
UNION ALL
SELECT * FROM @extschema@.sharded_queue_call;

-- 0.1.0's materialized copies, kept as names only: the views they copied are maintained now.
CREATE VIEW @extschema@.interaction_mv AS SELECT * FROM @extschema@.interaction;
CREATE VIEW @extschema@.agent_interval_mv AS SELECT * FROM @extschema@.agent_interval;
CREATE VIEW @extschema@.queue_interval_mv AS SELECT * FROM @extschema@.queue_interval;

-- How fresh the maintained views are.
CREATE VIEW @extschema@.refresh_status AS
SELECT r.last_refresh_at,
       r.last_refresh_duration,
       r.last_refresh_conversations,
       r.last_refresh_full,
       (SELECT count(DISTINCT c.conversation_id) FROM @extschema@.change_log c) AS pending_conversations,
       (SELECT min(c.logged_at) FROM @extschema@.change_log c) AS pending_since,
       EXISTS (SELECT FROM @extschema@.change_log c WHERE c.conversation_id IS NULL) AS pending_rebuild,
       r.gap_tolerance IS NULL
           OR EXISTS (SELECT FROM @extschema@.settings s
                      WHERE (s.gap_tolerance, s.split_after_wrapup, s.report_timezone, s.interval_length,
                             s.short_abandon_threshold, s.sl_include_short_abandons, s.sl_include_abandons,
                             s.sl_include_flow_outs)
                            IS DISTINCT FROM
                            (r.gap_tolerance, r.split_after_wrapup, r.report_timezone, r.interval_length,
                             r.short_abandon_threshold, r.sl_include_short_abandons, r.sl_include_abandons,
                             r.sl_include_flow_outs))
           OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q
                      EXCEPT
                      SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q)
           OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q
                      EXCEPT
                      SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q)
           AS settings_changed
FROM @extschema@.refresh_state r;

COMMENT ON VIEW @extschema@.interaction IS
    'One row per stitched interaction, as of the last gcstitch.refresh() (gcstitch.interaction_live: the same, recomputed now); (stitch_key, started_at) identifies a row';
COMMENT ON VIEW @extschema@.queue_visit IS
    'One row per queue visit (acd participant session) with the agent session that answered it, as of the last gcstitch.refresh()';
COMMENT ON VIEW @extschema@.queue_call IS
    'One row per logical queued call (answered interactions and unanswered queue visits), as of the last gcstitch.refresh()';
COMMENT ON VIEW @extschema@.agent_interval IS
    'Per agent and report interval, reported by Genesys and corrected by stitching, as of the last gcstitch.refresh() (gcstitch.agent_interval_live: the same, recomputed now)';
COMMENT ON VIEW @extschema@.queue_interval IS
    'Per queue and report interval, reported by Genesys and corrected by stitching, as of the last gcstitch.refresh() (gcstitch.queue_interval_live: the same, recomputed now)';
COMMENT ON VIEW @extschema@.interaction_mv IS 'Former materialized view (0.1.0), now a view of gcstitch.interaction';
COMMENT ON VIEW @extschema@.agent_interval_mv IS 'Former materialized view (0.1.0), now a view of gcstitch.agent_interval';
COMMENT ON VIEW @extschema@.queue_interval_mv IS 'Former materialized view (0.1.0), now a view of gcstitch.queue_interval';
COMMENT ON VIEW @extschema@.refresh_status IS
    'How fresh the maintained views are: the last refresh, the changes waiting for the next one, and whether the settings or queue targets changed since';
COMMENT ON COLUMN @extschema@.refresh_status.last_refresh_at IS 'When the last gcstitch.refresh() started (NULL: never)';
COMMENT ON COLUMN @extschema@.refresh_status.last_refresh_duration IS 'How long it took';
COMMENT ON COLUMN @extschema@.refresh_status.last_refresh_conversations IS 'Changed conversations it took into account';
COMMENT ON COLUMN @extschema@.refresh_status.last_refresh_full IS 'Whether it rebuilt everything';
COMMENT ON COLUMN @extschema@.refresh_status.pending_conversations IS
    'Conversations imported, replaced or deleted since (visible to this transaction), not yet in the maintained views';
COMMENT ON COLUMN @extschema@.refresh_status.pending_since IS 'When the oldest of those changes was made';
COMMENT ON COLUMN @extschema@.refresh_status.pending_rebuild IS 'A table was truncated since: the next refresh rebuilds everything';
COMMENT ON COLUMN @extschema@.refresh_status.settings_changed IS
    'The settings or queue targets differ from those the maintained rows were computed with (or nothing was computed yet): the next refresh recomputes what they affect';

-- Part 50 as installed.
-- The scratch tables of one refresh, in the session's temporary schema, dropped at commit.
CREATE FUNCTION @extschema@.refresh_scratch() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.gcstitch_claimed') IS NOT NULL THEN
        TRUNCATE pg_temp.gcstitch_claimed, pg_temp.gcstitch_claimed_segment, pg_temp.gcstitch_claimed_metric,
                 pg_temp.gcstitch_touched, pg_temp.gcstitch_region, pg_temp.gcstitch_seed,
                 pg_temp.gcstitch_segment, pg_temp.gcstitch_visit, pg_temp.gcstitch_island, pg_temp.gcstitch_cell;
        RETURN;
    END IF;
    CREATE TEMP TABLE gcstitch_claimed (conversation_id text) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_claimed_segment (stitch_key text, conversation_id text, session_id text, segment_no int,
                                                purpose text, user_id text, client_id text, segment_type text,
                                                segment_start timestamptz, segment_end timestamptz, queue_id text,
                                                disconnect_type text) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_claimed_metric (conversation_id text, session_id text, purpose text, user_id text,
                                               name text, value bigint, emit_date timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_touched (ts timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_region (stitch_key text, lo timestamptz, hi timestamptz,
                                       old_before int, old_count int, new_count int) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_seed (stitch_key text, conversation_id text, lo timestamptz,
                                     hi timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_segment (stitch_key text, region_lo timestamptz, conversation_id text,
                                        session_id text, user_id text, client_id text, segment_type text,
                                        segment_start timestamptz, segment_end timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_visit (LIKE @extschema@.queue_visit_store) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_island (LIKE @extschema@.interaction_store) ON COMMIT DROP;
    ALTER TABLE pg_temp.gcstitch_island ADD COLUMN region_lo timestamptz;
    CREATE TEMP TABLE gcstitch_cell (interval_start timestamptz PRIMARY KEY) ON COMMIT DROP;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_scratch() IS
    'Internal to refresh(): creates (or empties) the temporary tables of one refresh';

-- Claims the change rows this transaction can see; returns true when one asks for a rebuild.
CREATE FUNCTION @extschema@.refresh_claim() RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH claimed AS (DELETE FROM @extschema@.change_log RETURNING conversation_id)
    INSERT INTO pg_temp.gcstitch_claimed SELECT DISTINCT c.conversation_id FROM claimed c;
    RETURN EXISTS (SELECT FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id IS NULL);
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_claim() IS
    'Internal to refresh(): moves the visible gcstitch.change_log rows into the claimed set; true when a TRUNCATE asks for a rebuild';

-- Everything is "changed": the stores are emptied and every conversation is claimed.
CREATE FUNCTION @extschema@.refresh_claim_all() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.reported_metric;
    DELETE FROM @extschema@.queue_visit_store;
    DELETE FROM @extschema@.interaction_store;
    DELETE FROM @extschema@.agent_interval_store;
    DELETE FROM @extschema@.queue_interval_store;
    UPDATE @extschema@.refresh_state SET island_span_bound = '0';
    TRUNCATE pg_temp.gcstitch_claimed;
    INSERT INTO pg_temp.gcstitch_claimed SELECT c.conversation_id FROM @extschema@.conversation c;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_claim_all() IS
    'Internal to refresh(): empties the maintained tables and claims every conversation (a rebuild)';

-- The segments and counted metrics of the claimed conversations, read once: one index probe per
-- conversation, or the whole tables for a rebuild.
CREATE FUNCTION @extschema@.refresh_gather(everything boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF everything THEN
        INSERT INTO pg_temp.gcstitch_claimed_segment
        SELECT coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, '')),
               g.conversation_id, g.session_id, g.segment_no, g.purpose, g.user_id, g.client_id, g.segment_type,
               g.segment_start, g.segment_end, g.queue_id, g.disconnect_type
        FROM @extschema@.segment g;
        INSERT INTO pg_temp.gcstitch_claimed_metric
        SELECT m.conversation_id, m.session_id, m.purpose, m.user_id, m.name, m.value, m.emit_date
        FROM @extschema@.metric m
        WHERE m.emit_date IS NOT NULL
          AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw', 'nOffered', 'tAnswered', 'tAbandon', 'tFlowOut');
    ELSE
        INSERT INTO pg_temp.gcstitch_claimed_segment
        SELECT g.*
        FROM pg_temp.gcstitch_claimed c
        CROSS JOIN LATERAL (SELECT coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user '
                                            || coalesce(g.user_id, '')),
                                   g.conversation_id, g.session_id, g.segment_no, g.purpose, g.user_id, g.client_id,
                                   g.segment_type, g.segment_start, g.segment_end, g.queue_id, g.disconnect_type
                            FROM @extschema@.segment g WHERE g.conversation_id = c.conversation_id OFFSET 0) g;
        INSERT INTO pg_temp.gcstitch_claimed_metric
        SELECT m.*
        FROM pg_temp.gcstitch_claimed c
        CROSS JOIN LATERAL (SELECT m.conversation_id, m.session_id, m.purpose, m.user_id, m.name, m.value, m.emit_date
                            FROM @extschema@.metric m
                            WHERE m.conversation_id = c.conversation_id AND m.emit_date IS NOT NULL
                              AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw', 'nOffered', 'tAnswered',
                                             'tAbandon', 'tFlowOut')
                            OFFSET 0) m;
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_gather(boolean) IS
    'Internal to refresh(): copies the segments and counted metrics of the claimed conversations into scratch tables';

-- The reported metrics of the claimed conversations (as part 40's live views count them: on a shard,
-- those of its own conversations only, so that the interval rows read them without a filter).
CREATE FUNCTION @extschema@.refresh_reported_metrics() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH gone AS (
        DELETE FROM @extschema@.reported_metric f
        WHERE f.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_claimed c
            CROSS JOIN LATERAL (SELECT r.ctid FROM @extschema@.reported_metric r
                                WHERE r.conversation_id = c.conversation_id OFFSET 0) x))
        RETURNING f.emit_date
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT g.emit_date FROM gone g;

    WITH session_queue AS (
        SELECT DISTINCT ON (g.conversation_id, g.session_id) g.conversation_id, g.session_id, g.queue_id
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.queue_id IS NOT NULL
        ORDER BY g.conversation_id, g.session_id, g.segment_start, g.segment_no
    ),
    conversation_queue AS (
        SELECT DISTINCT ON (g.conversation_id) g.conversation_id, g.queue_id
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.queue_id IS NOT NULL AND g.purpose = 'acd'
        ORDER BY g.conversation_id, g.segment_start, g.session_id, g.segment_no
    ),
    counted AS (
        SELECT m.conversation_id, m.name, m.emit_date, m.value,
               CASE WHEN m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw') AND m.purpose = 'agent'
                    THEN m.user_id END AS user_id,
               CASE WHEN m.name IN ('nOffered', 'tAnswered', 'tAbandon', 'tFlowOut')
                    THEN coalesce(sq.queue_id, cq.queue_id) END AS queue_id
        FROM pg_temp.gcstitch_claimed_metric m
        LEFT JOIN session_queue sq ON sq.conversation_id = m.conversation_id AND sq.session_id = m.session_id
        LEFT JOIN conversation_queue cq ON cq.conversation_id = m.conversation_id
    ),
    added AS (
        INSERT INTO @extschema@.reported_metric (conversation_id, name, emit_date, value, user_id, queue_id)
        SELECT * FROM counted k
        WHERE (k.user_id IS NOT NULL OR k.queue_id IS NOT NULL)
          AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = k.conversation_id)
        RETURNING emit_date
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT a.emit_date FROM added a;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_reported_metrics() IS
    'Internal to refresh(): replaces the reported metrics of the claimed conversations, noting their instants';

-- The queue visits of the claimed conversations (queue_visit_live's definition, per conversation).
CREATE FUNCTION @extschema@.refresh_queue_visits() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH gone AS (
        DELETE FROM @extschema@.queue_visit_store v
        WHERE v.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_claimed c
            CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.queue_visit_store s
                                WHERE s.conversation_id = c.conversation_id OFFSET 0) x))
        RETURNING v.queued_at, v.left_queue_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[g.queued_at, g.left_queue_at]) FROM gone g;

    WITH visit AS (
        SELECT g.conversation_id, g.session_id,
               (array_agg(g.queue_id ORDER BY g.segment_start, g.segment_no) FILTER (WHERE g.queue_id IS NOT NULL))[1]
                   AS queue_id,
               min(g.segment_start) AS queued_at,
               CASE WHEN bool_and(g.segment_end IS NOT NULL) THEN max(g.segment_end) END AS left_queue_at,
               (array_agg(g.disconnect_type ORDER BY g.segment_end DESC NULLS LAST, g.segment_no DESC)
                    FILTER (WHERE g.disconnect_type IS NOT NULL))[1] AS disconnect_type
        FROM pg_temp.gcstitch_claimed_segment g
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
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.purpose = 'agent' AND g.segment_type = 'interact' AND g.segment_start IS NOT NULL
        GROUP BY g.conversation_id, g.session_id
    ),
    added AS (
        INSERT INTO @extschema@.queue_visit_store
        SELECT DISTINCT ON (o.conversation_id, o.session_id)
               o.conversation_id, o.session_id, o.queue_id, o.queued_at, o.left_queue_at, o.disconnect_type,
               a.session_id, a.user_id, a.answered_at
        FROM ordered o
        LEFT JOIN agent_answer a
          ON a.conversation_id = o.conversation_id
         AND a.answered_at >= o.queued_at
         AND (o.next_queued_at IS NULL OR a.answered_at < o.next_queued_at)
        ORDER BY o.conversation_id, o.session_id, a.answered_at, a.session_id
        RETURNING queued_at, left_queue_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[a.queued_at, a.left_queue_at]) FROM added a;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_queue_visits() IS
    'Internal to refresh(): replaces the queue visits of the claimed conversations, noting their instants';

-- The regions to recompute: per stitching key, the changed spans grown to whole gap-components.
CREATE FUNCTION @extschema@.refresh_regions(tolerance interval, span_bound interval, everything boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    grown bigint;
BEGIN
    -- The changed conversations' agent segments as they are now, per key...
    INSERT INTO pg_temp.gcstitch_seed
    SELECT g.stitch_key, g.conversation_id, min(g.segment_start), max(g.segment_end)
    FROM pg_temp.gcstitch_claimed_segment g
    WHERE g.purpose = 'agent' AND g.segment_end IS NOT NULL
    GROUP BY 1, 2;
    INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi) SELECT s.stitch_key, s.lo, s.hi FROM pg_temp.gcstitch_seed s;
    -- ...and the stored interactions that hold one of them: none in a rebuild, whose emptied store
    -- would only be searched for deleted rows (every conversation against every index entry).
    IF NOT everything THEN
        INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi)
        SELECT i.stitch_key, i.started_at, i.ended_at
        FROM @extschema@.interaction_store i
        WHERE i.conversation_ids OPERATOR(pg_catalog.&&) (SELECT array_agg(c.conversation_id) FROM pg_temp.gcstitch_claimed c);
    END IF;
    ANALYZE pg_temp.gcstitch_seed;

    LOOP
        PERFORM @extschema@.refresh_merge_regions(tolerance);
        EXIT WHEN everything;    -- nothing stored to grow by
        -- Stored interactions within the tolerance of a region that reach outside it.
        INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi)
        SELECT r.stitch_key, i.started_at, i.ended_at
        FROM pg_temp.gcstitch_region r
        CROSS JOIN LATERAL (SELECT i.started_at, i.ended_at FROM @extschema@.interaction_store i
                            WHERE i.stitch_key = r.stitch_key
                              AND i.started_at >= r.lo - tolerance - span_bound AND i.started_at <= r.hi + tolerance
                              AND i.ended_at >= r.lo - tolerance AND (i.started_at < r.lo OR i.ended_at > r.hi)
                            OFFSET 0) i;
        GET DIAGNOSTICS grown = ROW_COUNT;
        EXIT WHEN grown = 0;
    END LOOP;
    ANALYZE pg_temp.gcstitch_region;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_regions(interval, interval, boolean) IS
    'Internal to refresh(): per stitching key, the spans the claimed conversations touch, grown by the stored interactions within the tolerance until their ends are gaps over it';

-- Merges the regions of a key that overlap or lie within the tolerance of each other.
CREATE FUNCTION @extschema@.refresh_merge_regions(tolerance interval) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH ordered AS (
        SELECT r.stitch_key, r.lo, r.hi,
               max(r.hi) OVER (PARTITION BY r.stitch_key ORDER BY r.lo, r.hi
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM pg_temp.gcstitch_region r
    ),
    numbered AS (
        SELECT o.*, count(*) FILTER (WHERE o.reach IS NULL OR o.lo - o.reach > tolerance)
                        OVER (PARTITION BY o.stitch_key ORDER BY o.lo, o.hi) AS component
        FROM ordered o
    ),
    merged AS (
        SELECT n.stitch_key, min(n.lo) AS lo, max(n.hi) AS hi FROM numbered n GROUP BY n.stitch_key, n.component
    ),
    gone AS (DELETE FROM pg_temp.gcstitch_region)
    INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi) SELECT m.stitch_key, m.lo, m.hi FROM merged m;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_merge_regions(interval) IS
    'Internal to refresh(): merges the regions of one key that overlap or are at most the tolerance apart';

-- The agent segments of the regions, on each region's key and starting inside it: those of the
-- claimed conversations (already read), and those of the conversations of the stored interactions
-- inside a region (one index probe per conversation).
CREATE FUNCTION @extschema@.refresh_region_segments() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_segment
    SELECT r.stitch_key, r.lo, g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
           g.segment_start, g.segment_end
    FROM pg_temp.gcstitch_claimed_segment g
    JOIN pg_temp.gcstitch_region r
      ON r.stitch_key = g.stitch_key AND g.segment_start >= r.lo AND g.segment_start <= r.hi
    WHERE g.purpose = 'agent' AND g.segment_end IS NOT NULL;

    INSERT INTO pg_temp.gcstitch_segment
    SELECT rc.stitch_key, rc.lo, g.*
    FROM (SELECT DISTINCT r.stitch_key, r.lo, r.hi, x.conversation_id
          FROM pg_temp.gcstitch_region r
          CROSS JOIN LATERAL (SELECT i.conversation_ids FROM @extschema@.interaction_store i
                              WHERE i.stitch_key = r.stitch_key AND i.started_at >= r.lo AND i.started_at <= r.hi
                              OFFSET 0) i
          CROSS JOIN LATERAL unnest(i.conversation_ids) AS x(conversation_id)
          WHERE NOT EXISTS (SELECT FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id = x.conversation_id)) rc
    CROSS JOIN LATERAL (SELECT g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
                               g.segment_start, g.segment_end
                        FROM @extschema@.segment g
                        WHERE g.conversation_id = rc.conversation_id AND g.purpose = 'agent'
                          AND g.segment_end IS NOT NULL
                          AND coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, ''))
                              = rc.stitch_key
                          AND g.segment_start >= rc.lo AND g.segment_start <= rc.hi
                        OFFSET 0) g;

    -- The queue visits of their conversations (those of the claimed ones are already replaced).
    INSERT INTO pg_temp.gcstitch_visit
    SELECT v.*
    FROM (SELECT DISTINCT s.conversation_id FROM pg_temp.gcstitch_segment s) c
    CROSS JOIN LATERAL (SELECT * FROM @extschema@.queue_visit_store v WHERE v.conversation_id = c.conversation_id OFFSET 0) v;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_region_segments() IS
    'Internal to refresh(): collects the agent segments of the regions to recompute, and the queue visits of their conversations';

-- The interactions of the regions' segments (interaction_live's definition, numbered within each
-- region): islands labelled, measured by the stitch aggregate, joined to their queue visits.
CREATE FUNCTION @extschema@.refresh_region_islands(tolerance interval, split_after_wrapup boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_island
    WITH labelled AS (
        SELECT a.*,
               @extschema@.interaction_no(a.segment_start, a.segment_end, a.segment_type, tolerance,
                                          split_after_wrapup)
                   OVER (PARTITION BY a.stitch_key, a.region_lo ORDER BY a.segment_start, a.segment_end)
                   AS interaction_no
        FROM pg_temp.gcstitch_segment a
    ),
    island AS MATERIALIZED (
        SELECT l.stitch_key, l.region_lo, l.interaction_no,
               min(l.client_id) AS client_id,
               min(l.segment_start) AS started_at,
               @extschema@.stitch(l.segment_start, l.segment_end, l.segment_type,
                                  l.conversation_id || ' ' || l.session_id, tolerance, split_after_wrapup) AS timeline,
               (array_agg(l.user_id ORDER BY l.segment_type IS DISTINCT FROM 'interact', l.segment_start,
                          l.segment_end, l.user_id) FILTER (WHERE l.user_id IS NOT NULL))[1] AS user_id,
               (SELECT array_agg(u.c ORDER BY u.o)
                FROM (SELECT DISTINCT ON (x.c) x.c, x.o
                      FROM unnest(array_agg(l.conversation_id ORDER BY l.segment_start, l.segment_end,
                                            l.conversation_id)) WITH ORDINALITY AS x(c, o)
                      ORDER BY x.c, x.o) u) AS conversation_ids,
               min(v.queued_at) AS queued_at,
               min(v.answered_at) AS queue_answered_at,
               (array_agg(v.queue_id ORDER BY v.queued_at, v.conversation_id, v.session_id)
                    FILTER (WHERE v.queued_at IS NOT NULL))[1] AS queue_id
        FROM labelled l
        LEFT JOIN pg_temp.gcstitch_visit v
          ON v.conversation_id = l.conversation_id AND v.answered_session_id = l.session_id
         AND l.segment_type = 'interact' AND l.segment_start = v.answered_at
        GROUP BY l.stitch_key, l.region_lo, l.interaction_no
    ),
    rung AS MATERIALIZED (
        SELECT DISTINCT ON (s.stitch_key, s.region_lo, s.interaction_no)
               s.stitch_key, s.region_lo, s.interaction_no, v.queue_id, v.queued_at
        FROM island s
        CROSS JOIN LATERAL unnest(s.conversation_ids) AS c(conversation_id)
        JOIN pg_temp.gcstitch_visit v ON v.conversation_id = c.conversation_id AND v.queued_at <= s.started_at
        WHERE s.queued_at IS NULL
        ORDER BY s.stitch_key, s.region_lo, s.interaction_no, v.queued_at DESC, v.conversation_id DESC,
                 v.session_id DESC
    )
    SELECT s.stitch_key, s.client_id, s.interaction_no, s.user_id, coalesce(s.queue_id, r.queue_id),
           s.conversation_ids, coalesce(s.queued_at, r.queued_at), i.started_at, i.answered_at, i.ended_at,
           i.fragments, i.alert, i.talk, i.hold, i.acw, i.handle, i.gap,
           s.queue_answered_at - s.queued_at, i.speed_of_answer,
           CASE WHEN s.queued_at IS NOT NULL THEN s.queue_answered_at END,
           s.region_lo
    FROM island s
    CROSS JOIN LATERAL @extschema@.interactions(s.timeline) i
    LEFT JOIN rung r ON r.stitch_key = s.stitch_key AND r.region_lo = s.region_lo
                    AND r.interaction_no = s.interaction_no;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_region_islands(interval, boolean) IS
    'Internal to refresh(): stitches the collected segments into interactions, numbered within each region';

-- Replaces the stored interactions of the regions by the recomputed ones. Numbers: an interaction's
-- interaction_no counts the interactions of its key up to it, so each region's are offset by the
-- number before it, and the kept ones after a region whose count changed are shifted.
CREATE FUNCTION @extschema@.refresh_replace_islands() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    moved record;
BEGIN
    UPDATE pg_temp.gcstitch_region r
       SET old_before = coalesce((SELECT i.interaction_no FROM @extschema@.interaction_store i
                                  WHERE i.stitch_key = r.stitch_key AND i.started_at < r.lo
                                  ORDER BY i.started_at DESC LIMIT 1), 0),
           old_count = (SELECT count(*) FROM @extschema@.interaction_store i
                        WHERE i.stitch_key = r.stitch_key AND i.started_at >= r.lo AND i.started_at <= r.hi),
           new_count = coalesce(n.islands, 0)
    FROM pg_temp.gcstitch_region r2
    LEFT JOIN (SELECT n.stitch_key, n.region_lo, count(*) AS islands FROM pg_temp.gcstitch_island n
               GROUP BY n.stitch_key, n.region_lo) n ON n.stitch_key = r2.stitch_key AND n.region_lo = r2.lo
    WHERE r2.ctid = r.ctid;

    WITH gone AS (
        DELETE FROM @extschema@.interaction_store i
        WHERE i.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_region r
            CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.interaction_store s
                                WHERE s.stitch_key = r.stitch_key AND s.started_at >= r.lo AND s.started_at <= r.hi
                                OFFSET 0) x))
        RETURNING i.ended_at, i.queued_at, i.queue_answered_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[g.ended_at, g.queued_at, g.queue_answered_at]) FROM gone g;

    -- Usually none: only a region whose count changed with kept interactions after it.
    FOR moved IN
        SELECT d.* FROM (SELECT r.stitch_key, r.hi, lead(r.lo) OVER w AS next_lo, sum(r.new_count - r.old_count) OVER w AS delta
                         FROM pg_temp.gcstitch_region r
                         WINDOW w AS (PARTITION BY r.stitch_key ORDER BY r.lo)) d
        WHERE d.delta <> 0
    LOOP
        UPDATE @extschema@.interaction_store i SET interaction_no = i.interaction_no + moved.delta
        WHERE i.stitch_key = moved.stitch_key AND i.started_at > moved.hi
          AND (moved.next_lo IS NULL OR i.started_at < moved.next_lo);
    END LOOP;

    WITH base AS (
        SELECT r.stitch_key, r.lo,
               r.old_before + coalesce(sum(r.new_count - r.old_count)
                                           OVER (PARTITION BY r.stitch_key ORDER BY r.lo
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM pg_temp.gcstitch_region r
    ),
    added AS (
        INSERT INTO @extschema@.interaction_store
        SELECT n.stitch_key, n.client_id, (b.before + n.interaction_no)::int, n.user_id, n.queue_id,
               n.conversation_ids, n.queued_at, n.started_at, n.answered_at, n.ended_at, n.fragments, n.alert,
               n.talk, n.hold, n.acw, n.handle, n.gap, n.queue_wait, n.speed_of_answer, n.queue_answered_at
        FROM pg_temp.gcstitch_island n JOIN base b ON b.stitch_key = n.stitch_key AND b.lo = n.region_lo
        -- in time order: a day's interactions fill pages together, so a query by time reads few
        ORDER BY n.started_at
        RETURNING ended_at, queued_at, queue_answered_at, ended_at - started_at AS span
    ),
    noted AS (
        INSERT INTO pg_temp.gcstitch_touched
        SELECT unnest(ARRAY[a.ended_at, a.queued_at, a.queue_answered_at]) FROM added a
    )
    UPDATE @extschema@.refresh_state
       SET island_span_bound = greatest(island_span_bound, (SELECT max(a.span) FROM added a));
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_replace_islands() IS
    'Internal to refresh(): swaps the stored interactions of the regions for the recomputed ones and renumbers their keys';

-- Every instant of the maintained tables: what the interval rows of a rebuild (or of new interval
-- settings) are computed for.
CREATE FUNCTION @extschema@.refresh_touch_all() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.agent_interval_store;
    DELETE FROM @extschema@.queue_interval_store;
    INSERT INTO pg_temp.gcstitch_touched
    SELECT f.emit_date FROM @extschema@.reported_metric f
    UNION ALL
    SELECT unnest(ARRAY[i.ended_at, i.queued_at, i.queue_answered_at]) FROM @extschema@.interaction_store i
    UNION ALL
    SELECT unnest(ARRAY[v.queued_at, v.left_queue_at]) FROM @extschema@.queue_visit_store v;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_touch_all() IS
    'Internal to refresh(): empties the interval tables and notes every instant of the maintained rows';

-- The report intervals of the touched instants. Instants are first taken to the minute: an interval
-- (15 minutes or more) holding an instant of the minute starts at the interval start of the minute's
-- first or last microsecond, so both are taken (one more interval at worst, recomputed unchanged).
CREATE FUNCTION @extschema@.refresh_touched_intervals(interval_length interval, time_zone text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_cell
    SELECT DISTINCT x.interval_start
    FROM (SELECT DISTINCT date_bin('1 minute', t.ts, timestamptz '2000-01-01 00:00:00+00') AS minute
          FROM pg_temp.gcstitch_touched t WHERE t.ts IS NOT NULL) m
    CROSS JOIN LATERAL (VALUES (@extschema@.report_interval_start(m.minute, interval_length, time_zone)),
                               (@extschema@.report_interval_start(m.minute + interval '59.999999 seconds',
                                                                  interval_length, time_zone)))
        AS x(interval_start);
    ANALYZE pg_temp.gcstitch_cell;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_touched_intervals(interval, text) IS
    'Internal to refresh(): the report intervals holding the touched instants';

-- Agent interval rows of the touched intervals (agent_interval_live's definition, over the
-- maintained interactions and reported metrics of each interval; owned interactions only, part 08).
CREATE FUNCTION @extschema@.refresh_agent_intervals() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.agent_interval_store a
    WHERE a.ctid = ANY (ARRAY(
        SELECT x.ctid FROM pg_temp.gcstitch_cell c
        CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.agent_interval_store s
                            WHERE s.interval_start = c.interval_start OFFSET 0) x));

    INSERT INTO @extschema@.agent_interval_store
    WITH st AS (
        SELECT s.report_timezone AS tz, s.interval_length AS len FROM @extschema@.settings s LIMIT 1
    ),
    reported AS (
        SELECT f.user_id, c.interval_start,
               count(*) FILTER (WHERE f.name = 'tHandle') AS handled,
               sum(f.value) FILTER (WHERE f.name = 'tTalk') AS talk_ms,
               sum(f.value) FILTER (WHERE f.name = 'tHeld') AS hold_ms,
               sum(f.value) FILTER (WHERE f.name = 'tAcw') AS acw_ms,
               sum(f.value) FILTER (WHERE f.name = 'tHandle') AS handle_ms
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT f.user_id, f.name, f.value, f.emit_date FROM @extschema@.reported_metric f
                            WHERE f.emit_date >= c.interval_start AND f.emit_date < c.interval_start + st.len
                              AND f.user_id IS NOT NULL
                            OFFSET 0) f
        WHERE @extschema@.report_interval_start(f.emit_date, st.len, st.tz) = c.interval_start
        GROUP BY 1, 2
    ),
    corrected AS (
        SELECT i.user_id, c.interval_start,
               count(*) FILTER (WHERE i.handle > interval '0') AS handled,
               sum(i.talk) AS talk,
               sum(i.hold) AS hold,
               sum(i.acw) AS acw,
               sum(i.handle) AS handle,
               sum(i.gap) AS gap,
               sum(i.fragments) FILTER (WHERE i.handle > interval '0') AS fragments
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.ended_at >= c.interval_start AND i.ended_at < c.interval_start + st.len
                              AND i.user_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.ended_at, st.len, st.tz) = c.interval_start
        GROUP BY 1, 2
    ),
    joined AS (
        SELECT user_id, interval_start,
               coalesce(r.handled, 0) AS reported_handled,
               coalesce(r.talk_ms, 0)::float8 * interval '1 millisecond' AS reported_talk,
               coalesce(r.hold_ms, 0)::float8 * interval '1 millisecond' AS reported_hold,
               coalesce(r.acw_ms, 0)::float8 * interval '1 millisecond' AS reported_acw,
               coalesce(r.handle_ms, 0)::float8 * interval '1 millisecond' AS reported_handle,
               coalesce(k.handled, 0) AS corrected_handled,
               coalesce(k.talk, interval '0') AS corrected_talk,
               coalesce(k.hold, interval '0') AS corrected_hold,
               coalesce(k.acw, interval '0') AS corrected_acw,
               coalesce(k.handle, interval '0') AS corrected_handle,
               coalesce(k.gap, interval '0') AS corrected_gap,
               coalesce(k.fragments, 0) AS corrected_fragments
        FROM reported r FULL JOIN corrected k USING (user_id, interval_start)
    )
    SELECT j.user_id,
           j.interval_start,
           j.interval_start + st.len,
           (j.interval_start AT TIME ZONE st.tz)::date,
           @extschema@.report_interval_label(j.interval_start, st.tz),
           j.reported_handled,
           j.reported_talk,
           j.reported_hold,
           j.reported_acw,
           j.reported_handle,
           j.reported_handle / nullif(j.reported_handled, 0),
           j.corrected_handled,
           j.corrected_talk,
           j.corrected_hold,
           j.corrected_acw,
           j.corrected_handle,
           j.corrected_handle / nullif(j.corrected_handled, 0),
           j.corrected_gap,
           j.corrected_fragments,
           j.reported_handled - j.corrected_handled,
           j.reported_talk - j.corrected_talk,
           j.reported_hold - j.corrected_hold,
           j.reported_acw - j.corrected_acw,
           j.reported_handle - j.corrected_handle,
           j.reported_handle / nullif(j.reported_handled, 0) - j.corrected_handle / nullif(j.corrected_handled, 0)
    FROM joined j CROSS JOIN st
    -- in time order, as the interactions: a day's rows fill pages together
    ORDER BY j.interval_start, j.user_id;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_agent_intervals() IS
    'Internal to refresh(): recomputes the agent interval rows of the touched intervals from the maintained rows';

-- Queue interval rows of the touched intervals (queue_interval_live's definition, over the
-- maintained interactions, queue visits and reported metrics of each interval; owned interactions and
-- visits only, part 08).
CREATE FUNCTION @extschema@.refresh_queue_intervals() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.queue_interval_store q
    WHERE q.ctid = ANY (ARRAY(
        SELECT x.ctid FROM pg_temp.gcstitch_cell c
        CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.queue_interval_store s
                            WHERE s.interval_start = c.interval_start OFFSET 0) x));

    INSERT INTO @extschema@.queue_interval_store
    WITH st AS (
        SELECT s.* FROM @extschema@.settings s LIMIT 1
    ),
    -- Each event with the touched interval it counts in (as queue_interval_live buckets them).
    bucketed AS (
        SELECT true AS reported, f.queue_id, c.interval_start,
               CASE f.name WHEN 'nOffered' THEN 'offered' WHEN 'tAnswered' THEN 'answered'
                           WHEN 'tAbandon' THEN 'abandoned' ELSE 'flow_out' END AS kind,
               CASE WHEN f.name <> 'nOffered' THEN f.value::float8 * interval '1 millisecond' END AS wait
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT f.* FROM @extschema@.reported_metric f
                            WHERE f.emit_date >= c.interval_start AND f.emit_date < c.interval_start + st.interval_length
                              AND f.queue_id IS NOT NULL
                            OFFSET 0) f
        WHERE @extschema@.report_interval_start(f.emit_date, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, i.queue_id, c.interval_start, 'offered', NULL
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.queued_at >= c.interval_start AND i.queued_at < c.interval_start + st.interval_length
                              AND i.queue_wait IS NOT NULL AND i.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queued_at, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, i.queue_id, c.interval_start, 'answered', i.queue_wait
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.queue_answered_at >= c.interval_start AND i.queue_answered_at < c.interval_start + st.interval_length
                              AND i.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queue_answered_at, st.interval_length, st.report_timezone)
              = c.interval_start
        UNION ALL
        SELECT false, v.queue_id, c.interval_start, 'offered', NULL
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT v.* FROM @extschema@.queue_visit_store v
                            WHERE v.queued_at >= c.interval_start AND v.queued_at < c.interval_start + st.interval_length
                              AND v.answered_session_id IS NULL AND v.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE r.conversation_id = v.conversation_id)
                            OFFSET 0) v
        WHERE @extschema@.report_interval_start(v.queued_at, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, v.queue_id, c.interval_start,
               CASE WHEN v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer' THEN 'flow_out'
                    ELSE 'abandoned' END,
               v.left_queue_at - v.queued_at
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT v.* FROM @extschema@.queue_visit_store v
                            WHERE v.left_queue_at >= c.interval_start AND v.left_queue_at < c.interval_start + st.interval_length
                              AND v.answered_session_id IS NULL AND v.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE r.conversation_id = v.conversation_id)
                            OFFSET 0) v
        WHERE @extschema@.report_interval_start(v.left_queue_at, st.interval_length, st.report_timezone)
              = c.interval_start
    ),
    -- queue_interval_live's counted, repeated: a view cannot read these temp tables, and taking the events as an array would build them whole.
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
           c.interval_start + st.interval_length,
           (c.interval_start AT TIME ZONE st.report_timezone)::date,
           @extschema@.report_interval_label(c.interval_start, st.report_timezone),
           c.sl_threshold,
           c.sl_target_percent,
           c.reported_offered,
           c.reported_answered,
           c.reported_answered_in_threshold,
           c.reported_abandoned,
           c.reported_short_abandoned,
           c.reported_flow_outs,
           c.reported_asa,
           @extschema@.service_level_percent(c.reported_service_level),
           c.reported_service_level,
           c.corrected_offered,
           c.corrected_answered,
           c.corrected_answered_in_threshold,
           c.corrected_abandoned,
           c.corrected_short_abandoned,
           c.corrected_flow_outs,
           c.corrected_asa,
           @extschema@.service_level_percent(c.corrected_service_level),
           c.corrected_service_level,
           c.reported_offered - c.corrected_offered,
           c.reported_answered - c.corrected_answered,
           c.reported_abandoned - c.corrected_abandoned,
           c.reported_asa - c.corrected_asa,
           @extschema@.service_level_percent(c.reported_service_level)
               - @extschema@.service_level_percent(c.corrected_service_level),
           c.reported_answered_wait,
           c.corrected_answered_wait
    FROM counted c CROSS JOIN st
    ORDER BY c.interval_start, c.queue_id;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_queue_intervals() IS
    'Internal to refresh(): recomputes the queue interval rows of the touched intervals from the maintained rows';

-- Brings the maintained analytics up to date; rebuild => true recomputes everything from scratch.
-- Returns the number of conversations taken into account.
CREATE FUNCTION @extschema@.refresh_maintained(rebuild boolean) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    st @extschema@.settings;
    was @extschema@.refresh_state;
    truncated boolean;
    everything boolean;
    all_intervals boolean;
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1734570869, 0);
    SELECT * INTO st FROM @extschema@.settings LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'gcstitch.settings has no row'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run INSERT INTO gcstitch.settings DEFAULT VALUES, then refresh again.';
    END IF;
    SELECT * INTO was FROM @extschema@.refresh_state;
    PERFORM @extschema@.refresh_scratch();

    -- Claimed in a statement of its own: it must run whatever the other conditions are.
    truncated := @extschema@.refresh_claim();
    everything := truncated OR rebuild
        OR (was.gap_tolerance, was.split_after_wrapup) IS DISTINCT FROM (st.gap_tolerance, st.split_after_wrapup);
    all_intervals := everything
        OR (was.report_timezone, was.interval_length, was.short_abandon_threshold, was.sl_include_short_abandons,
            was.sl_include_abandons, was.sl_include_flow_outs)
           IS DISTINCT FROM
           (st.report_timezone, st.interval_length, st.short_abandon_threshold, st.sl_include_short_abandons,
            st.sl_include_abandons, st.sl_include_flow_outs)
        OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q
                   EXCEPT
                   SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q)
        OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q
                   EXCEPT
                   SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q);
    IF everything THEN
        PERFORM @extschema@.refresh_claim_all();
    END IF;
    DELETE FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id IS NULL;
    SELECT count(*) INTO n FROM pg_temp.gcstitch_claimed;
    ANALYZE pg_temp.gcstitch_claimed;

    PERFORM @extschema@.refresh_gather(everything);
    PERFORM @extschema@.refresh_reported_metrics();
    PERFORM @extschema@.refresh_queue_visits();
    PERFORM @extschema@.refresh_regions(st.gap_tolerance,
                                        (SELECT r.island_span_bound FROM @extschema@.refresh_state r), everything);
    PERFORM @extschema@.refresh_region_segments();
    PERFORM @extschema@.refresh_region_islands(st.gap_tolerance, st.split_after_wrapup);
    PERFORM @extschema@.refresh_replace_islands();
    IF all_intervals THEN
        PERFORM @extschema@.refresh_touch_all();
    END IF;
    PERFORM @extschema@.refresh_touched_intervals(st.interval_length, st.report_timezone);
    PERFORM @extschema@.refresh_agent_intervals();
    PERFORM @extschema@.refresh_queue_intervals();

    DELETE FROM @extschema@.refresh_queue_state;
    INSERT INTO @extschema@.refresh_queue_state SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold
                                                FROM @extschema@.queue q;
    UPDATE @extschema@.refresh_state
       SET gap_tolerance = st.gap_tolerance, split_after_wrapup = st.split_after_wrapup,
           report_timezone = st.report_timezone, interval_length = st.interval_length,
           short_abandon_threshold = st.short_abandon_threshold,
           sl_include_short_abandons = st.sl_include_short_abandons, sl_include_abandons = st.sl_include_abandons,
           sl_include_flow_outs = st.sl_include_flow_outs,
           last_refresh_at = started, last_refresh_duration = clock_timestamp() - started,
           last_refresh_conversations = n, last_refresh_full = everything;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_maintained(boolean) IS
    'Internal to refresh() and rebuild(): brings the maintained analytics up to date with the changes since the last refresh (or recomputes everything); returns the conversations taken into account';

CREATE FUNCTION @extschema@.rebuild() RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN @extschema@.refresh_maintained(true) + @extschema@.shard_refresh_all(true);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild() IS
    'Recomputes the maintained analytics (interaction, queue_visit, agent_interval, queue_interval) from scratch; '
    'needed only after editing gcstitch.segment or gcstitch.metric rows directly; on a coordinator, every shard''s too. Returns the conversations. Owner only';

-- Part 60: refresh() maintains the tables first; the new objects get the privileges a fresh install gives.
-- Brings the maintained analytics up to date (part 50), then refreshes every materialized view of
-- the schema (a user's own), the ones others depend on first.
CREATE OR REPLACE FUNCTION @extschema@.refresh() RETURNS integer
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mv record;
    n integer := 0;
BEGIN
    PERFORM @extschema@.refresh_maintained(false);
    PERFORM @extschema@.shard_refresh_all(false);
    -- A view's "reach" is every relation its query reads, through views; a materialized view that
    -- reaches another is refreshed after it (it reaches strictly more of them).
    FOR mv IN
        WITH RECURSIVE mvs AS (
            SELECT c.oid, c.relispopulated
            FROM pg_class c
            WHERE c.relkind = 'm' AND c.relnamespace = '@extschema@'::regnamespace
        ), reach(root, rel) AS (
            SELECT m.oid, m.oid FROM mvs m
            UNION
            SELECT r.root, d.refobjid
            FROM reach r
            JOIN pg_rewrite w ON w.ev_class = r.rel
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class
        )
        SELECT m.oid::regclass AS name,
               -- CONCURRENTLY needs a populated view and a unique index on plain columns without WHERE.
               m.relispopulated AND EXISTS (
                   SELECT FROM pg_index i
                   WHERE i.indrelid = m.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                     AND i.indexprs IS NULL) AS concurrently,
               (SELECT count(*) FROM reach r JOIN mvs o ON o.oid = r.rel
                WHERE r.root = m.oid AND r.rel <> m.oid) AS depth
        FROM mvs m
        ORDER BY depth, m.oid
    LOOP
        -- Otherwise (first refresh of a view created WITH NO DATA, no unique index) a plain refresh.
        IF mv.concurrently THEN
            EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', mv.name);
        ELSE
            EXECUTE format('REFRESH MATERIALIZED VIEW %s', mv.name);
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh() IS
    'Brings the maintained views (interaction, agent_interval, queue_interval, ...) up to date with what was imported '
    'or deleted since the last refresh (on a coordinator: every shard''s, all at once), recomputing only what that can change, then refreshes every materialized view '
    'of the gcstitch schema, each after the ones it reads: CONCURRENTLY (readers not blocked) when populated and '
    'uniquely indexed, plainly otherwise; returns how many materialized views. Owner only';

REVOKE EXECUTE ON FUNCTION @extschema@.rebuild() FROM PUBLIC;
GRANT SELECT ON @extschema@.change_log, @extschema@.refresh_state, @extschema@.refresh_queue_state,
    @extschema@.interaction_store, @extschema@.queue_visit_store, @extschema@.reported_metric,
    @extschema@.agent_interval_store, @extschema@.queue_interval_store, @extschema@.interaction,
    @extschema@.queue_visit, @extschema@.queue_call, @extschema@.agent_interval, @extschema@.queue_interval,
    @extschema@.interaction_mv, @extschema@.agent_interval_mv, @extschema@.queue_interval_mv,
    @extschema@.refresh_status TO gcstitch_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.interaction_before_refresh(), @extschema@.queue_visit_before_refresh(),
    @extschema@.queue_call_before_refresh(), @extschema@.agent_interval_before_refresh(),
    @extschema@.queue_interval_before_refresh() TO gcstitch_analyst;
-- The maintained analytics are written by the owner's refresh only.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = '@extschema@'::regnamespace
               AND (p.proname LIKE 'refresh\_%'
                    OR p.proname IN ('rebuild', 'log_conversation_change', 'log_foreign_client_change'))
               AND p.proname NOT IN ('refresh_job_name', 'refresh_schedule_command')
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, gcstitch_analyst', f);
    END LOOP;
END
$$;

-- End of the maintained analytics (issue 10).

-- Issue 15: a coordinator over shards. The directory, routing and the shards' side (part 55),
-- then the column comments of every view that repeats a live view's columns (part 57).
CREATE TABLE @extschema@.shard (
    shard_id      int PRIMARY KEY CHECK (shard_id OPERATOR(pg_catalog.>) 0),
    server_name   name NOT NULL UNIQUE,
    remote_schema name NOT NULL,
    added_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.shard IS
    'Coordinator: the shards, one postgres_fdw server each, in the order gcstitch.add_shard() added them; empty on a single node or a shard';

CREATE TABLE @extschema@.shard_client (
    client_id text PRIMARY KEY,
    shard_id  int NOT NULL REFERENCES @extschema@.shard
);
COMMENT ON TABLE @extschema@.shard_client IS
    'Coordinator: the owner shard of each client id, chosen when import() first saw it and kept: that shard stitches all of its calls';

CREATE TABLE @extschema@.shard_conversation (
    conversation_id text NOT NULL,
    shard_id        int NOT NULL REFERENCES @extschema@.shard,
    home            boolean NOT NULL,
    PRIMARY KEY (conversation_id, shard_id)
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_client', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_conversation', '');
CREATE UNIQUE INDEX shard_conversation_home ON @extschema@.shard_conversation (conversation_id) WHERE home;
COMMENT ON TABLE @extschema@.shard_conversation IS
    'Coordinator: the shards holding each conversation: its home (counts its queue visits and reported metrics) and replicas (for client ids they own); a shard, once given a conversation, gets all its later versions';

-- What a shard shows its coordinator: the rows it owns.
CREATE VIEW @extschema@.owned_interaction AS
SELECT i.*
FROM @extschema@.interaction i
WHERE NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
  AND (i.client_id IS NOT NULL
       OR NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = i.conversation_ids[1]));
COMMENT ON VIEW @extschema@.owned_interaction IS
    'Shard: the rows of gcstitch.interaction this database owns (not those of client ids, or of conversations, it holds for another shard); all of them on a single node';

CREATE VIEW @extschema@.owned_queue_visit AS
SELECT v.*
FROM @extschema@.queue_visit v
WHERE NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = v.conversation_id);
COMMENT ON VIEW @extschema@.owned_queue_visit IS
    'Shard: the rows of gcstitch.queue_visit of the conversations this database is home to; all of them on a single node';

-- An import on a coordinator leaves each shard its part of the text here, then reads every shard's
-- shard_imported at once (async foreign scans), which imports the parts: the shards import at the
-- same time, each in the coordinator's transaction.
CREATE TABLE @extschema@.shard_pending (
    part_no               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    doc                   text NOT NULL,
    strict_import         boolean NOT NULL,
    replica_conversations text[] NOT NULL,
    foreign_clients       text[] NOT NULL
);
-- Read once, right away: compressing it would cost more than it saves.
ALTER TABLE @extschema@.shard_pending ALTER COLUMN doc SET STORAGE EXTERNAL;
COMMENT ON TABLE @extschema@.shard_pending IS
    'Shard: parts of an export the coordinator sent, imported (and removed) when it reads gcstitch.shard_imported; empty between transactions';

-- Imports the pending parts in the order they came, first noting the conversations and client ids
-- held for other shards; one row of import() counts a part (home: a part of conversations this
-- shard is home to, no replica).
CREATE FUNCTION @extschema@.shard_import_pending()
    RETURNS TABLE (home boolean, conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part @extschema@.shard_pending;
BEGIN
    FOR part IN SELECT * FROM @extschema@.shard_pending p ORDER BY p.part_no LOOP
        INSERT INTO @extschema@.shard_replica (conversation_id)
        SELECT DISTINCT c FROM unnest(part.replica_conversations) c
        ON CONFLICT DO NOTHING;
        INSERT INTO @extschema@.shard_foreign_client (client_id)
        SELECT DISTINCT c FROM unnest(part.foreign_clients) c
        ON CONFLICT DO NOTHING;
        home := cardinality(part.replica_conversations) = 0;
        SELECT i.conversations, i.segments, i.metrics, i.replaced, i.rejected
          INTO conversations, segments, metrics, replaced, rejected
          FROM @extschema@.import(part.doc, part.strict_import) i;
        DELETE FROM @extschema@.shard_pending p WHERE p.part_no = part.part_no;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_import_pending() IS
    'Shard: imports the parts in gcstitch.shard_pending, noting what is held for other shards; import() counts per part';

CREATE VIEW @extschema@.shard_imported AS
SELECT * FROM @extschema@.shard_import_pending();
COMMENT ON VIEW @extschema@.shard_imported IS
    'Shard: SELECT imports the pending parts (gcstitch.shard_pending) and gives their import() counts; read by the coordinator''s import()';
COMMENT ON COLUMN @extschema@.shard_imported.home IS 'The part holds conversations this shard is home to (not replicas)';
COMMENT ON COLUMN @extschema@.shard_imported.conversations IS 'import() count: conversations stored';
COMMENT ON COLUMN @extschema@.shard_imported.segments IS 'import() count: segments stored';
COMMENT ON COLUMN @extschema@.shard_imported.metrics IS 'import() count: metrics stored';
COMMENT ON COLUMN @extschema@.shard_imported.replaced IS 'import() count: stored versions replaced';
COMMENT ON COLUMN @extschema@.shard_imported.rejected IS 'import() count: conversations rejected';

-- Selecting these refreshes (rebuilds) this database's maintained analytics: the coordinator reads
-- them through one foreign table per shard under one parent, so that all shards refresh at once.
CREATE VIEW @extschema@.shard_refreshed AS
SELECT @extschema@.refresh_maintained(false) AS conversations;
COMMENT ON VIEW @extschema@.shard_refreshed IS
    'Shard: SELECT refreshes the maintained analytics (refresh_maintained(false), owner only) and gives the conversations recomputed; read by the coordinator''s refresh()';
COMMENT ON COLUMN @extschema@.shard_refreshed.conversations IS 'Conversations the refresh took into account';
CREATE VIEW @extschema@.shard_rebuilt AS
SELECT @extschema@.refresh_maintained(true) AS conversations;
COMMENT ON VIEW @extschema@.shard_rebuilt IS
    'Shard: SELECT rebuilds the maintained analytics (refresh_maintained(true), owner only) and gives the conversations; read by the coordinator''s rebuild()';
COMMENT ON COLUMN @extschema@.shard_rebuilt.conversations IS 'Conversations the rebuild recomputed';

CREATE VIEW @extschema@.shard_info AS
SELECT (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch') AS extension_version,
       (SELECT count(*) FROM @extschema@.conversation) AS conversations;
COMMENT ON VIEW @extschema@.shard_info IS
    'Shard: what gcstitch.add_shard() checks on the coordinator: the installed gcstitch version and how many conversations this database holds';
COMMENT ON COLUMN @extschema@.shard_info.extension_version IS 'The installed version of gcstitch';
COMMENT ON COLUMN @extschema@.shard_info.conversations IS 'Conversations stored in this database';

-- The name of shard shard_id's foreign table for what, in the extension's schema.
CREATE FUNCTION @extschema@.shard_table(shard_id int, what text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.format('%I.%I', '@extschema@', 'shard_' || shard_id || '_' || what);
COMMENT ON FUNCTION @extschema@.shard_table(int, text) IS
    'Internal: the qualified name of a shard''s foreign table (shard_<id>_<what>)';

-- The column list of rel, as a CREATE FOREIGN TABLE takes it.
CREATE FUNCTION @extschema@.shard_columns(rel regclass) RETURNS text
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname,
                                                   pg_catalog.format_type(a.atttypid, a.atttypmod)),
                                 ', ' ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '';
END;
COMMENT ON FUNCTION @extschema@.shard_columns(regclass) IS
    'Internal: the columns of a relation with their types (not identity columns: the shard fills them), for the foreign tables of gcstitch.add_shard()';

-- Adds a shard: server_name is a postgres_fdw server (with extensions 'gcstitch') whose database
-- has gcstitch of this version, installed in remote_schema, and no conversations yet.
CREATE FUNCTION @extschema@.add_shard(server_name name, remote_schema name DEFAULT 'gcstitch') RETURNS int
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id int;
    remote record;
BEGIN
    -- No import routes conversations while the list of shards changes.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);
    PERFORM @extschema@.shard_check_server(server_name);
    IF EXISTS (SELECT FROM @extschema@.conversation) THEN
        RAISE EXCEPTION 'cannot add a shard to a database that holds imported conversations'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A coordinator stores no conversations: import() sends each to its shards.',
                  HINT = 'Add the shards to a new database with gcstitch, then import through it.';
    END IF;
    SELECT coalesce(max(s.shard_id), 0) + 1 INTO id FROM @extschema@.shard s;
    INSERT INTO @extschema@.shard (shard_id, server_name, remote_schema) VALUES (id, server_name, remote_schema);
    PERFORM @extschema@.shard_create_tables(id);

    EXECUTE pg_catalog.format('SELECT extension_version, conversations FROM %s', @extschema@.shard_table(id, 'info'))
        INTO remote;
    IF remote.extension_version IS DISTINCT FROM
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch') THEN
        RAISE EXCEPTION 'server "%" has gcstitch %, this database %', server_name,
                        coalesce(remote.extension_version, '(none)'),
                        (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install or update gcstitch on the shard to the coordinator''s version.';
    END IF;
    IF remote.conversations > 0 THEN
        RAISE EXCEPTION 'server "%" already holds % conversations', server_name, remote.conversations
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The coordinator routes every conversation of its shards itself, so that each client id is stitched whole on one shard.',
                  HINT = 'Add an empty database as a shard, and import the conversations through the coordinator.';
    END IF;
    PERFORM @extschema@.push_settings();
    RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.add_shard(name, name) IS
    'Coordinator: adds a postgres_fdw server as a shard (its database empty, with this gcstitch version in remote_schema): creates its foreign tables, pushes the settings and queue targets; returns its shard_id';

CREATE FUNCTION @extschema@.shard_check_server(server_name name) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    srv record;
BEGIN
    SELECT w.fdwname,
           EXISTS (SELECT FROM pg_catalog.pg_options_to_table(s.srvoptions) o
                    WHERE o.option_name = 'extensions'
                      AND 'gcstitch' = ANY (pg_catalog.string_to_array(pg_catalog.replace(o.option_value, ' ', ''), ',')))
               AS ships_gcstitch
      INTO srv
      FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = server_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'server "%" does not exist', server_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (..., extensions ''gcstitch''), and a user mapping, first.';
    ELSIF srv.fdwname <> 'postgres_fdw' THEN
        RAISE EXCEPTION 'server "%" uses foreign-data wrapper "%", not postgres_fdw', server_name, srv.fdwname
            USING ERRCODE = 'wrong_object_type';
    ELSIF NOT srv.ships_gcstitch THEN
        RAISE EXCEPTION 'server "%" does not list gcstitch in its extensions option', server_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Without it postgres_fdw does not send gcstitch''s functions to the shard: filters on them would read every row.',
                  HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD extensions ''gcstitch'');', server_name);
    ELSIF EXISTS (SELECT FROM @extschema@.shard s WHERE s.server_name = shard_check_server.server_name) THEN
        RAISE EXCEPTION 'server "%" is already a shard', server_name
            USING ERRCODE = 'duplicate_object';
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_check_server(name) IS
    'Internal to add_shard(): the server exists, is a postgres_fdw server shipping gcstitch, and is not a shard yet';

-- A shard's foreign tables: the rows it shows (children of the part 42 parents), and the tables
-- and views the coordinator writes to. Members of the extension, so that DROP EXTENSION takes them
-- along; not dumped: after a restore, run shard_create_tables(shard_id) for each gcstitch.shard.
CREATE FUNCTION @extschema@.shard_create_tables(id int) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s @extschema@.shard;
    t record;
BEGIN
    SELECT * INTO s FROM @extschema@.shard x WHERE x.shard_id = id;
    FOR t IN VALUES ('interaction', 'owned_interaction'), ('queue_visit', 'owned_queue_visit'),
                    ('queue_call', 'queue_call'), ('agent_interval', 'agent_interval'),
                    ('queue_interval', 'queue_interval'), ('refreshed', 'shard_refreshed'),
                    ('rebuilt', 'shard_rebuilt'), ('imported', 'shard_imported') LOOP
        EXECUTE pg_catalog.format('CREATE FOREIGN TABLE %s () INHERITS (%I.%I) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                                  @extschema@.shard_table(id, t.column1), '@extschema@', 'sharded_' || t.column1,
                                  s.server_name, s.remote_schema, t.column2);
        IF t.column1 NOT IN ('refreshed', 'rebuilt', 'imported') THEN
            EXECUTE pg_catalog.format('GRANT SELECT ON %s TO gcstitch_analyst', @extschema@.shard_table(id, t.column1));
        END IF;
        EXECUTE pg_catalog.format('ALTER EXTENSION gcstitch ADD FOREIGN TABLE %s', @extschema@.shard_table(id, t.column1));
    END LOOP;
    FOR t IN VALUES ('settings', 'settings'), ('queue', 'queue'), ('pending', 'shard_pending'),
                    ('info', 'shard_info') LOOP
        EXECUTE pg_catalog.format('CREATE FOREIGN TABLE %s (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                                  @extschema@.shard_table(id, t.column1),
                                  @extschema@.shard_columns(pg_catalog.format('%I.%I', '@extschema@', t.column2)::regclass),
                                  s.server_name, s.remote_schema, t.column2);
        EXECUTE pg_catalog.format('ALTER EXTENSION gcstitch ADD FOREIGN TABLE %s', @extschema@.shard_table(id, t.column1));
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_create_tables(int) IS
    'Internal to add_shard(): creates the shard''s foreign tables shard_<id>_* in the extension''s schema';

-- The settings and queue targets of the coordinator, copied to every shard (also by the triggers
-- below whenever they change): the shards compute with them at their next refresh.
CREATE FUNCTION @extschema@.push_settings() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id int;
BEGIN
    FOR id IN SELECT s.shard_id FROM @extschema@.shard s ORDER BY s.shard_id LOOP
        EXECUTE pg_catalog.format('DELETE FROM %s', @extschema@.shard_table(id, 'queue'));
        EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM @extschema@.queue', @extschema@.shard_table(id, 'queue'));
        EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM @extschema@.settings', @extschema@.shard_table(id, 'settings'));
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.push_settings() IS
    'Coordinator: copies gcstitch.settings and gcstitch.queue to every shard (done by triggers when they change)';

CREATE FUNCTION @extschema@.push_settings_trigger() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@.push_settings();
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.push_settings_trigger() IS
    'Trigger function: a change of gcstitch.settings or gcstitch.queue reaches every shard';
CREATE TRIGGER settings_push AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.settings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.push_settings_trigger();
CREATE TRIGGER queue_push AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.queue
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.push_settings_trigger();

-- Refreshes (or rebuilds) every shard's maintained analytics, all at once (async foreign scans
-- when the servers are async_capable); the conversations recomputed.
CREATE FUNCTION @extschema@.shard_refresh_all(rebuild boolean) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF rebuild THEN
        RETURN (SELECT coalesce(sum(r.conversations), 0) FROM @extschema@.sharded_rebuilt r);
    END IF;
    RETURN (SELECT coalesce(sum(r.conversations), 0) FROM @extschema@.sharded_refreshed r);
END
$$;
COMMENT ON FUNCTION @extschema@.shard_refresh_all(boolean) IS
    'Coordinator: refreshes (rebuild => true: rebuilds) the maintained analytics of every shard; done by refresh() and rebuild()';

-- The shard drawn for a new client id or a conversation without one: by a hash of its text,
-- among the shards in their order.
CREATE FUNCTION @extschema@.shard_draw(key text) RETURNS int
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT s.shard_id FROM @extschema@.shard s
     ORDER BY s.shard_id
    OFFSET (pg_catalog.hashtext(key) & 2147483647) % (SELECT pg_catalog.count(*) FROM @extschema@.shard)
     LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.shard_draw(text) IS
    'Internal to import() on a coordinator: a shard for a new client id or conversation, drawn by a hash of its text';

CREATE FUNCTION @extschema@.import_routed_scratch() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.gcstitch_routed') IS NOT NULL THEN
        TRUNCATE pg_temp.gcstitch_routed, pg_temp.gcstitch_routed_text;
        RETURN;
    END IF;
    -- Each good conversation of the text: its client ids, in the order of their first agent segment.
    CREATE TEMP TABLE gcstitch_routed (ordinal int, conversation_id text, clients text[]) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_routed_text (ordinal int, conversation text) ON COMMIT DROP;
    ALTER TABLE pg_temp.gcstitch_routed_text ALTER COLUMN conversation SET STORAGE EXTERNAL;
END
$$;
COMMENT ON FUNCTION @extschema@.import_routed_scratch() IS
    'Internal to import() on a coordinator: its temporary tables, created or emptied';

-- import() on a coordinator: the text is read here (bad conversations are rejected or raise as on
-- one node), then each shard imports its conversations in one call, in the same transaction.
CREATE FUNCTION @extschema@.import_routed(doc text, strict boolean)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parsed refcursor;
    batch @extschema@.import_item[];
    batch_rejects int;
    unused int[];
    n int;
BEGIN
    rejected := 0;
    PERFORM @extschema@.import_routed_scratch();
    parsed := @extschema@.import_open(doc, strict);
    LOOP
        FETCH parsed INTO batch, batch_rejects, unused;
        EXIT WHEN NOT FOUND OR batch IS NULL;
        INSERT INTO pg_temp.gcstitch_routed
        SELECT i.ordinal, i.conversation_id,
               ARRAY(SELECT g.client_id FROM unnest(i.segments) g
                      WHERE g.purpose = 'agent' AND g.client_id IS NOT NULL
                      GROUP BY g.client_id ORDER BY min(g.segment_start), g.client_id)
          FROM unnest(batch) i
         WHERE i.reason IS NULL;
        IF batch_rejects > 0 THEN
            rejected := rejected + @extschema@.import_keep_rejects(batch);
        END IF;
    END LOOP;
    CLOSE parsed;

    -- The importers' lock of import(): routing reads and extends the directory.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);
    PERFORM @extschema@.import_route();
    INSERT INTO pg_temp.gcstitch_routed_text
    SELECT c.ordinal, c.conversation
      FROM @extschema@.import_conversations(doc, ARRAY(SELECT r.ordinal FROM pg_temp.gcstitch_routed r
                                                       ORDER BY r.ordinal)) c;
    n := rejected;
    SELECT s.conversations, s.segments, s.metrics, s.replaced, s.rejected
      INTO conversations, segments, metrics, replaced, rejected
      FROM @extschema@.import_send(strict) s;
    rejected := rejected + n;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import_routed(text, boolean) IS
    'Internal to import() on a coordinator: reads the text, routes each conversation to its shards, imports them there; counts as import() on one node';

-- The directory extended for the conversations of the text: an owner for each new client id, a
-- home for each new conversation, and a replica wherever another of its client ids is owned.
-- A conversation's shards are those of all its versions in the text and before, so that every
-- shard holding it sees every version and keeps the same one.
CREATE FUNCTION @extschema@.import_route() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO @extschema@.shard_client (client_id, shard_id)
    SELECT c.client_id, @extschema@.shard_draw(c.client_id)
      FROM (SELECT DISTINCT u.client_id FROM pg_temp.gcstitch_routed r, unnest(r.clients) u(client_id)) c
     ORDER BY c.client_id
    ON CONFLICT DO NOTHING;

    INSERT INTO @extschema@.shard_conversation (conversation_id, shard_id, home)
    SELECT f.conversation_id, coalesce(k.shard_id, @extschema@.shard_draw(f.conversation_id)), true
      FROM (SELECT r.conversation_id,
                   (array_agg(r.clients[1] ORDER BY r.ordinal) FILTER (WHERE cardinality(r.clients) > 0))[1]
                       AS first_client
              FROM pg_temp.gcstitch_routed r
             GROUP BY r.conversation_id) f
      LEFT JOIN @extschema@.shard_client k ON k.client_id = f.first_client
     WHERE NOT EXISTS (SELECT FROM @extschema@.shard_conversation x
                        WHERE x.conversation_id = f.conversation_id AND x.home)
     ORDER BY f.conversation_id;

    INSERT INTO @extschema@.shard_conversation (conversation_id, shard_id, home)
    SELECT DISTINCT r.conversation_id, k.shard_id, false
      FROM pg_temp.gcstitch_routed r, unnest(r.clients) u(client_id)
      JOIN @extschema@.shard_client k ON k.client_id = u.client_id
    ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.import_route() IS
    'Internal to import() on a coordinator: extends the directory (owner of each new client id, home and replicas of each conversation) for the routed text';

-- Each shard's part of the text, in text order: its home conversations in one part, the ones it
-- holds for its client ids in another (their counts are the home shard's to give). The parts are
-- left on the shards, then all shards import theirs at once.
CREATE FUNCTION @extschema@.import_send(strict boolean)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    -- A page's parts are small, but a directory without statistics makes them look big enough to
    -- compile (JIT), which took a sixth of the coordinator's time.
    SET jit = off
AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT x.shard_id, x.home,
               '[' || string_agg(t.conversation, ',' ORDER BY r.ordinal) || ']' AS doc,
               CASE WHEN NOT x.home THEN array_agg(DISTINCT r.conversation_id) ELSE '{}' END AS replicas,
               coalesce((SELECT array_agg(DISTINCT u.client_id)
                           FROM pg_temp.gcstitch_routed r2
                           JOIN @extschema@.shard_conversation x2
                             ON x2.conversation_id = r2.conversation_id AND x2.shard_id = x.shard_id AND x2.home = x.home,
                                unnest(r2.clients) u(client_id)
                           JOIN @extschema@.shard_client k ON k.client_id = u.client_id
                          WHERE k.shard_id <> x.shard_id), '{}') AS foreign_clients
          FROM pg_temp.gcstitch_routed r
          JOIN pg_temp.gcstitch_routed_text t USING (ordinal)
          JOIN @extschema@.shard_conversation x ON x.conversation_id = r.conversation_id
         GROUP BY x.shard_id, x.home
         ORDER BY x.shard_id, x.home DESC
    LOOP
        EXECUTE pg_catalog.format('INSERT INTO %s (doc, strict_import, replica_conversations, foreign_clients) '
                                  'VALUES ($1, $2, $3, $4)', @extschema@.shard_table(part.shard_id, 'pending'))
            USING part.doc, strict, part.replicas, part.foreign_clients;
    END LOOP;
    RETURN QUERY
    SELECT coalesce(sum(i.conversations), 0)::int, coalesce(sum(i.segments), 0)::int,
           coalesce(sum(i.metrics), 0)::int, coalesce(sum(i.replaced), 0)::int, coalesce(sum(i.rejected), 0)::int
      FROM @extschema@.sharded_imported i
     WHERE i.home;
END
$$;
COMMENT ON FUNCTION @extschema@.import_send(boolean) IS
    'Internal to import() on a coordinator: leaves each shard its part of the routed text (shard_<id>_pending), then has all shards import at once (sharded_imported); the home parts'' counts';

DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t.oid::regclass AS target, a.attname, d.description
        FROM (VALUES ('interaction', 'interaction'), ('interaction', 'interaction_store'),
                     ('interaction', 'interaction_mv'), ('queue_visit', 'queue_visit'),
                     ('queue_visit', 'queue_visit_store'), ('queue_call', 'queue_call'),
                     ('agent_interval', 'agent_interval'), ('agent_interval', 'agent_interval_store'),
                     ('agent_interval', 'agent_interval_mv'), ('queue_interval', 'queue_interval'),
                     ('queue_interval', 'queue_interval_store'), ('queue_interval', 'queue_interval_mv'),
                     ('interaction', 'sharded_interaction'), ('interaction', 'owned_interaction'),
                     ('queue_visit', 'sharded_queue_visit'), ('queue_visit', 'owned_queue_visit'),
                     ('queue_call', 'sharded_queue_call'), ('agent_interval', 'sharded_agent_interval'),
                     ('agent_interval', 'agent_interval_of_shards'), ('queue_interval', 'sharded_queue_interval'),
                     ('queue_interval', 'queue_interval_of_shards'))
             AS v(live, target)
        JOIN pg_catalog.pg_class l ON l.relname = v.live || '_live' AND l.relnamespace = '@extschema@'::regnamespace
        JOIN pg_catalog.pg_class t ON t.relname = v.target AND t.relnamespace = '@extschema@'::regnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = l.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_description d ON d.objoid = l.oid AND d.classoid = 'pg_catalog.pg_class'::regclass
             AND d.objsubid = a.attnum
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.target, c.attname, c.description);
    END LOOP;
END
$$;

-- The privileges part 60 gives these objects on a fresh install; reading the parents below
-- refreshes, rebuilds or imports on the shards.
GRANT SELECT ON @extschema@.sharded_interaction, @extschema@.sharded_queue_visit, @extschema@.sharded_queue_call,
    @extschema@.sharded_agent_interval, @extschema@.sharded_queue_interval, @extschema@.agent_interval_of_shards,
    @extschema@.queue_interval_of_shards, @extschema@.shard, @extschema@.shard_client, @extschema@.shard_conversation,
    @extschema@.owned_interaction, @extschema@.owned_queue_visit, @extschema@.shard_pending, @extschema@.shard_imported,
    @extschema@.shard_refreshed, @extschema@.shard_rebuilt, @extschema@.shard_info TO gcstitch_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.shard_import_pending(), @extschema@.shard_table(int, text),
    @extschema@.shard_columns(regclass), @extschema@.add_shard(name, name), @extschema@.shard_check_server(name),
    @extschema@.shard_create_tables(int), @extschema@.push_settings(), @extschema@.push_settings_trigger(),
    @extschema@.shard_refresh_all(boolean), @extschema@.shard_draw(text), @extschema@.import_routed_scratch(),
    @extschema@.import_routed(text, boolean), @extschema@.import_route(), @extschema@.import_send(boolean)
    TO gcstitch_analyst;
REVOKE SELECT ON @extschema@.sharded_refreshed, @extschema@.sharded_rebuilt, @extschema@.sharded_imported
    FROM gcstitch_analyst;
REVOKE ALL ON SEQUENCE @extschema@.shard_pending_part_no_seq FROM gcstitch_analyst;
