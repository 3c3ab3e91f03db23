-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Settings: the switch of stitching rule 2 (new call after a wrap-up).
ALTER TABLE @extschema@.settings ADD COLUMN split_after_wrapup boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

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
    'One row per stitched interaction: agent segments grouped by client id (without a client id: by conversation and agent), cut into islands with settings.gap_tolerance; live: recomputed from the imported data at every query (gcstitch.interaction holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON VIEW @extschema@.queue_call_live IS
    'One row per logical queued call: each interaction that answered queue visits (counted once however many fragments or re-queued conversations), and each queue visit no agent answered (abandoned, flowed out, or still waiting); live: recomputed from the imported data at every query (gcstitch.queue_call holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON VIEW @extschema@.agent_interval_live IS
    'Per agent and report interval (settings.interval_length in settings.report_timezone): handled, talk, hold, acw, handle and AHT as reported by Genesys (raw metrics, each in the interval of its emitDate) and corrected by stitching (each interaction in the interval where it ended, i.e. where wrap-up ended), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.agent_interval holds the same rows, maintained by gcstitch.refresh())';
COMMENT ON VIEW @extschema@.queue_interval_live IS
    'Per queue and report interval: offered, answered, abandoned, short abandoned, flow-outs, answered within the queue''s threshold, service level and ASA, as reported by Genesys (raw metrics in the interval of their emitDate) and corrected (logical calls of queue_call: offered at first queue entry, the rest when the call left the queue), and reported minus corrected; live: recomputed from the imported data at every query (gcstitch.queue_interval holds the same rows, maintained by gcstitch.refresh())';

-- Part 45 as installed.
-- What changed since the last refresh: one row per conversation inserted, replaced or deleted
-- (written by the triggers below, so import() and a DELETE are both seen), NULL for "everything"
-- (a TRUNCATE). refresh() claims the rows it can see with one DELETE; rows committed later stay.
CREATE TABLE @extschema@.change_log (
    conversation_id text,
    logged_at       timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.change_log IS
    'Conversations changed since the last gcstitch.refresh() (NULL: everything, after a TRUNCATE); written by triggers on gcstitch.conversation, consumed by refresh()';
COMMENT ON COLUMN @extschema@.change_log.conversation_id IS
    'Conversation inserted, replaced, updated or deleted; NULL when a table was truncated';
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
    'Maintained by gcstitch.refresh(): the metrics the reported figures count (tHandle, tTalk, tHeld, tAcw of agents; nOffered, tAnswered, tAbandon, tFlowOut of queues)';
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

-- The public views: the maintained rows, as of the last refresh.
CREATE VIEW @extschema@.interaction AS
SELECT s.stitch_key, s.client_id, s.interaction_no, s.user_id, s.queue_id, s.conversation_ids, s.queued_at,
       s.started_at, s.answered_at, s.ended_at, s.fragments, s.alert, s.talk, s.hold, s.acw, s.handle, s.gap,
       s.queue_wait, s.speed_of_answer
FROM @extschema@.interaction_store s;

CREATE VIEW @extschema@.queue_visit AS SELECT * FROM @extschema@.queue_visit_store;
CREATE VIEW @extschema@.agent_interval AS SELECT * FROM @extschema@.agent_interval_store;
CREATE VIEW @extschema@.queue_interval AS SELECT * FROM @extschema@.queue_interval_store;

-- queue_call_live over the maintained rows (the answer instant read as stored).
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
WHERE v.answered_session_id IS NULL;

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

-- Every column of the public views, the stores and the former materialized views means what the
-- same column of the live view means: copy the comments.
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
                     ('queue_interval', 'queue_interval_store'), ('queue_interval', 'queue_interval_mv'))
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

-- The reported metrics of the claimed conversations (as part 40's live views count them).
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
        SELECT * FROM counted k WHERE k.user_id IS NOT NULL OR k.queue_id IS NOT NULL
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
CREATE FUNCTION @extschema@.refresh_regions(tolerance interval, span_bound interval) RETURNS void
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
    -- ...and the stored interactions that hold one of them.
    INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi)
    SELECT i.stitch_key, i.started_at, i.ended_at
    FROM @extschema@.interaction_store i
    WHERE i.conversation_ids OPERATOR(pg_catalog.&&) (SELECT array_agg(c.conversation_id) FROM pg_temp.gcstitch_claimed c);
    ANALYZE pg_temp.gcstitch_seed;

    LOOP
        PERFORM @extschema@.refresh_merge_regions(tolerance);
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
COMMENT ON FUNCTION @extschema@.refresh_regions(interval, interval) IS
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
CREATE FUNCTION @extschema@.refresh_region_islands(tolerance interval) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_island
    WITH labelled AS (
        SELECT a.*,
               @extschema@.interaction_no(a.segment_start, a.segment_end, tolerance)
                   OVER (PARTITION BY a.stitch_key, a.region_lo ORDER BY a.segment_start, a.segment_end)
                   AS interaction_no
        FROM pg_temp.gcstitch_segment a
    ),
    island AS MATERIALIZED (
        SELECT l.stitch_key, l.region_lo, l.interaction_no,
               min(l.client_id) AS client_id,
               min(l.segment_start) AS started_at,
               @extschema@.stitch(l.segment_start, l.segment_end, l.segment_type,
                                  l.conversation_id || ' ' || l.session_id, tolerance) AS timeline,
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
COMMENT ON FUNCTION @extschema@.refresh_region_islands(interval) IS
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
-- maintained interactions and reported metrics of each interval).
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
    FROM joined j CROSS JOIN st;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_agent_intervals() IS
    'Internal to refresh(): recomputes the agent interval rows of the touched intervals from the maintained rows';

-- Queue interval rows of the touched intervals (queue_interval_live's definition, over the
-- maintained interactions, queue visits and reported metrics of each interval).
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
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queued_at, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, i.queue_id, c.interval_start, 'answered', i.queue_wait
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.queue_answered_at >= c.interval_start AND i.queue_answered_at < c.interval_start + st.interval_length
                              AND i.queue_id IS NOT NULL
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queue_answered_at, st.interval_length, st.report_timezone)
              = c.interval_start
        UNION ALL
        SELECT false, v.queue_id, c.interval_start, 'offered', NULL
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT v.* FROM @extschema@.queue_visit_store v
                            WHERE v.queued_at >= c.interval_start AND v.queued_at < c.interval_start + st.interval_length
                              AND v.answered_session_id IS NULL AND v.queue_id IS NOT NULL
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
                            OFFSET 0) v
        WHERE @extschema@.report_interval_start(v.left_queue_at, st.interval_length, st.report_timezone)
              = c.interval_start
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
               - @extschema@.service_level_percent(c.corrected_service_level)
    FROM counted c CROSS JOIN st;
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
                                        (SELECT r.island_span_bound FROM @extschema@.refresh_state r));
    PERFORM @extschema@.refresh_region_segments();
    PERFORM @extschema@.refresh_region_islands(st.gap_tolerance);
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
    LANGUAGE sql SET search_path = pg_catalog, pg_temp
    RETURN @extschema@.refresh_maintained(true);
COMMENT ON FUNCTION @extschema@.rebuild() IS
    'Recomputes the maintained analytics (interaction, queue_visit, agent_interval, queue_interval) from scratch; '
    'needed only after editing gcstitch.segment or gcstitch.metric rows directly. Returns the conversations. Owner only';

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
    'or deleted since the last refresh, recomputing only what that can change, then refreshes every materialized view '
    'of the gcstitch schema, each after the ones it reads: CONCURRENTLY (readers not blocked) when populated and '
    'uniquely indexed, plainly otherwise; returns how many materialized views. Owner only';

REVOKE EXECUTE ON FUNCTION @extschema@.rebuild() FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA @extschema@ TO gcstitch_analyst;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO gcstitch_analyst;
REVOKE EXECUTE ON FUNCTION @extschema@.refresh(), @extschema@.schedule_refresh(text),
    @extschema@.unschedule_refresh() FROM gcstitch_analyst;
-- The maintained analytics are written by the owner's refresh only.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = '@extschema@'::regnamespace
               AND (p.proname LIKE 'refresh\_%' OR p.proname IN ('rebuild', 'log_conversation_change'))
               AND p.proname NOT IN ('refresh_job_name', 'refresh_schedule_command')
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, gcstitch_analyst', f);
    END LOOP;
END
$$;

-- End of the maintained analytics (issue 10).
