-- Part 57: every column of the public views, the stores, the former materialized views and the
-- shards' views and tables (parts 42, 55) means what the same column of the live view means: the
-- comments are copied.
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
