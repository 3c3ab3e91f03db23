-- The analyst role: a LOGIN non-superuser granted gcstitch_analyst reads every relation of the
-- schema and writes none (42501). Relations are taken from pg_class, so the views and materialized
-- views of the other parts are covered whatever they are named.
BEGIN;
SELECT plan(17);

SELECT has_role('gcstitch_analyst', 'role gcstitch_analyst exists');
SELECT is((SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls
           FROM pg_roles WHERE rolname = 'gcstitch_analyst'), false,
          'gcstitch_analyst is NOLOGIN and has no special attribute');

CREATE ROLE gcstitch_tap_reader LOGIN NOSUPERUSER;
GRANT gcstitch_analyst TO gcstitch_tap_reader;
-- Populate materialized views created WITH NO DATA, so that reading them tests privileges only.
SELECT gcstitch.refresh() >= 0 AS refreshed \gset

-- Runs sql as the reader; returns 'ok' or the SQLSTATE it failed with.
CREATE FUNCTION pg_temp.as_reader(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text := 'ok';
BEGIN
    SET LOCAL ROLE gcstitch_tap_reader;
    BEGIN
        EXECUTE sql;
    EXCEPTION WHEN OTHERS THEN
        state := SQLSTATE;
    END;
    RESET ROLE;
    RETURN state;
END
$$;
CREATE TEMP TABLE rel AS
SELECT c.oid::regclass AS rel, c.relkind,
       (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum LIMIT 1) AS first_column
FROM pg_class c
WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S');

SELECT is(pg_temp.as_reader('SELECT 1'), 'ok', 'the helper runs as the reader');
SELECT is(pg_temp.as_reader($q$DO $$ BEGIN
              IF current_user <> 'gcstitch_tap_reader' OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
              THEN RAISE EXCEPTION 'not the reader'; END IF; END $$$q$), 'ok',
          'the checks run as gcstitch_tap_reader, a non-superuser');
SELECT cmp_ok((SELECT count(*) FROM rel WHERE relkind IN ('r', 'p')), '>=', 2::bigint,
              'tables found in the schema (settings, queue at least)');

-- Reading these refreshes, rebuilds or imports (a coordinator's shards, or this database as a
-- shard); shard_imported imports only parts a coordinator left in its own transaction.
CREATE TEMP TABLE acting (rel regclass);
INSERT INTO acting VALUES ('gcstitch.shard_refreshed'), ('gcstitch.shard_rebuilt'), ('gcstitch.sharded_refreshed'),
                          ('gcstitch.sharded_rebuilt'), ('gcstitch.sharded_imported');
SELECT is(array_agg(rel::text || ': ' || st ORDER BY rel::text) FILTER (WHERE st <> 'ok'), NULL,
          'the reader can SELECT every table, view and materialized view but those that act')
FROM (SELECT rel, pg_temp.as_reader(format('SELECT * FROM %s LIMIT 1', rel)) AS st
      FROM rel WHERE relkind <> 'S' AND rel NOT IN (SELECT rel FROM acting)) t;
SELECT is(array_agg(rel::text || ': ' || st ORDER BY rel::text) FILTER (WHERE st <> '42501'), NULL,
          'reading a view or table that refreshes, rebuilds or imports fails with 42501')
FROM (SELECT rel, pg_temp.as_reader(format('SELECT * FROM %s LIMIT 1', rel)) AS st FROM acting) t;
SELECT is(array_agg(rel::text || ' ' || op || ': ' || st ORDER BY rel::text, op) FILTER (WHERE st <> '42501'), NULL,
          'INSERT, UPDATE, DELETE and TRUNCATE of every table fail with 42501')
FROM (SELECT rel, op, pg_temp.as_reader(CASE op
            WHEN 'insert' THEN format('INSERT INTO %s DEFAULT VALUES', rel)
            WHEN 'update' THEN format('UPDATE %s SET %I = %I', rel, first_column, first_column)
            WHEN 'delete' THEN format('DELETE FROM %s', rel)
            WHEN 'truncate' THEN format('TRUNCATE %s', rel) END) AS st
      FROM rel, unnest(ARRAY['insert', 'update', 'delete', 'truncate']) op
      WHERE relkind IN ('r', 'p')) t;
SELECT is(array_agg(rel::text || ': ' || st ORDER BY rel::text) FILTER (WHERE st <> '42501'), NULL,
          'REFRESH of every materialized view fails with 42501')
FROM (SELECT rel, pg_temp.as_reader(format('REFRESH MATERIALIZED VIEW %s', rel)) AS st
      FROM rel WHERE relkind = 'm') t;
SELECT is(array_agg(rel::text ORDER BY rel::text) FILTER (
              WHERE has_table_privilege('gcstitch_analyst', rel, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                 OR (relkind = 'S' AND has_sequence_privilege('gcstitch_analyst', rel, 'USAGE, UPDATE'))), NULL,
          'gcstitch_analyst holds no write privilege on any relation, view or sequence')
FROM rel;
SELECT is(pg_temp.as_reader('INSERT INTO gcstitch.queue (queue_id) VALUES (''q'')'), '42501',
          'the reader cannot add a queue target');
SELECT is(pg_temp.as_reader('INSERT INTO gcstitch.settings DEFAULT VALUES'), '42501',
          'the reader cannot change the settings');
SELECT is(pg_temp.as_reader('CREATE TABLE gcstitch.reader_table (a int)'), '42501',
          'the reader cannot create objects in the schema');
SELECT is(array_agg(f || ': ' || st ORDER BY f) FILTER (WHERE st <> '42501'), NULL,
          'the reader cannot refresh or schedule')
FROM (SELECT f, pg_temp.as_reader('SELECT gcstitch.' || f) AS st
      FROM unnest(ARRAY['refresh()', 'schedule_refresh()', 'unschedule_refresh()']) f) t;
SELECT is(pg_temp.as_reader($$SELECT gcstitch.service_level_percent(gcstitch.rollup(s))
                              FROM (SELECT gcstitch.service_level('5 seconds', true, gcstitch.queue_threshold('q'))) v(s)$$),
          'ok', 'the reader can use the service level functions');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'no SECURITY DEFINER function in the schema (none can write on the reader''s behalf)')
FROM pg_proc p WHERE p.pronamespace = 'gcstitch'::regnamespace AND p.prosecdef;
SELECT is(pg_temp.as_reader('SELECT 1'), 'ok', 'the reader still works after the failures (role reset)');

SELECT * FROM finish();
ROLLBACK;
