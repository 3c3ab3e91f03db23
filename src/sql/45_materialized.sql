-- Part 45: materialized copies of the analytics views for dashboards. Each has a unique index on
-- plain columns, so `REFRESH MATERIALIZED VIEW CONCURRENTLY` works (readers are never blocked).
-- Created WITH DATA (empty at CREATE EXTENSION time) so that the first refresh may already be
-- CONCURRENTLY. Refresh them on a schedule (see the pg_cron scheduling function) or after imports.

CREATE MATERIALIZED VIEW @extschema@.interaction_mv AS
    SELECT * FROM @extschema@.interaction;
CREATE UNIQUE INDEX interaction_mv_key ON @extschema@.interaction_mv (stitch_key, interaction_no);
CREATE INDEX interaction_mv_ended_at ON @extschema@.interaction_mv (ended_at);

CREATE MATERIALIZED VIEW @extschema@.agent_interval_mv AS
    SELECT * FROM @extschema@.agent_interval;
CREATE UNIQUE INDEX agent_interval_mv_key ON @extschema@.agent_interval_mv (user_id, interval_start);
CREATE INDEX agent_interval_mv_interval_start ON @extschema@.agent_interval_mv (interval_start);

CREATE MATERIALIZED VIEW @extschema@.queue_interval_mv AS
    SELECT * FROM @extschema@.queue_interval;
CREATE UNIQUE INDEX queue_interval_mv_key ON @extschema@.queue_interval_mv (queue_id, interval_start);
CREATE INDEX queue_interval_mv_interval_start ON @extschema@.queue_interval_mv (interval_start);

COMMENT ON MATERIALIZED VIEW @extschema@.interaction_mv IS
    'Materialized gcstitch.interaction as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON MATERIALIZED VIEW @extschema@.agent_interval_mv IS
    'Materialized gcstitch.agent_interval as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON MATERIALIZED VIEW @extschema@.queue_interval_mv IS
    'Materialized gcstitch.queue_interval as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON INDEX @extschema@.interaction_mv_key IS 'Unique key that lets interaction_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.agent_interval_mv_key IS 'Unique key that lets agent_interval_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.queue_interval_mv_key IS 'Unique key that lets queue_interval_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.interaction_mv_ended_at IS 'Time-range filters on interaction_mv';
COMMENT ON INDEX @extschema@.agent_interval_mv_interval_start IS 'Time-range filters on agent_interval_mv';
COMMENT ON INDEX @extschema@.queue_interval_mv_interval_start IS 'Time-range filters on queue_interval_mv';

-- Each materialized view's columns mean what the view's columns mean: copy the comments.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT mv.oid::regclass AS mv, a.attname, d.description
        FROM (VALUES ('interaction'), ('agent_interval'), ('queue_interval')) AS v(name)
        JOIN pg_catalog.pg_class vw ON vw.relname = v.name
             AND vw.relnamespace = '@extschema@'::regnamespace AND vw.relkind = 'v'
        JOIN pg_catalog.pg_class mv ON mv.relname = v.name || '_mv'
             AND mv.relnamespace = '@extschema@'::regnamespace AND mv.relkind = 'm'
        JOIN pg_catalog.pg_attribute a ON a.attrelid = vw.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_description d ON d.objoid = vw.oid AND d.classoid = 'pg_catalog.pg_class'::regclass
             AND d.objsubid = a.attnum
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.mv, c.attname, c.description);
    END LOOP;
END
$$;
