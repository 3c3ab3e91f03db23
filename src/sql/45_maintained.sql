-- Part 45: the maintained analytics. The live views of part 40 recompute everything at every query;
-- here the same rows are kept in tables that gcstitch.refresh() (part 50) maintains incrementally,
-- and the public views (interaction, queue_visit, queue_call, agent_interval, queue_interval) read
-- those tables: a query costs what it reads, and a time filter uses an index.
-- Freshness: the public views show the data as of the last refresh; the *_live views are current.

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
