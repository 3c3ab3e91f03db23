-- Search path attacks, in the spirit of contrib's sql/security.sql: a session whose search_path puts
-- a schema with look-alike functions and operators before pg_catalog must not get them called by
-- gcstitch's SQL and PL/pgSQL functions, nor by its install script.
BEGIN;
SELECT plan(12);

CREATE SCHEMA hostile;
CREATE FUNCTION hostile.trap() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hostile object called' USING ERRCODE = 'HOSTL';
END
$$;
CREATE FUNCTION hostile.current_database() RETURNS name LANGUAGE sql AS 'SELECT hostile.trap()::text::name';
CREATE FUNCTION hostile.current_setting(text, boolean) RETURNS text LANGUAGE sql AS 'SELECT hostile.trap()::text';
CREATE FUNCTION hostile.format(text, regclass) RETURNS text LANGUAGE sql AS 'SELECT hostile.trap()::text';
CREATE FUNCTION hostile.format(text, text, text, text, text) RETURNS text LANGUAGE sql
    AS 'SELECT hostile.trap()::text';
CREATE FUNCTION hostile.texteq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT hostile.trap()';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq);
CREATE FUNCTION hostile.oidne(oid, oid) RETURNS boolean LANGUAGE sql AS 'SELECT hostile.trap()';
CREATE OPERATOR hostile.<> (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile.oidne);
CREATE FUNCTION hostile.textcat(text, text) RETURNS text LANGUAGE sql AS 'SELECT hostile.trap()::text';
CREATE OPERATOR hostile.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.textcat);

-- Runs sql with search_path = hostile, pg_catalog, public; returns its value or 'error SQLSTATE'.
-- (pgTAP itself is not search_path-safe, so the assertions run with the normal path.)
CREATE FUNCTION pg_temp.hostile_run(sql text, returns_value boolean DEFAULT true) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    result text;
    old text := pg_catalog.current_setting('search_path');
BEGIN
    PERFORM pg_catalog.set_config('search_path', 'hostile, pg_catalog, public', true);
    BEGIN
        IF returns_value THEN
            EXECUTE sql INTO result;
        ELSE
            EXECUTE sql;
            result := 'done';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        result := pg_catalog.concat('error ', SQLSTATE);
    END;
    PERFORM pg_catalog.set_config('search_path', old, true);
    RETURN result;
END
$$;

SELECT is(pg_temp.hostile_run($$SELECT ('a'::text = 'b'::text)::text$$), 'error HOSTL', 'the trap is armed');

-- Every SQL/PL/pgSQL function of this part pins its search_path.
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1) FILTER (
              WHERE NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)), NULL,
          'service level, queue and refresh functions run with search_path = pg_catalog, pg_temp')
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'gcstitch'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND p.proname IN ('queue_threshold', 'queue_target_percent', 'refresh', 'refresh_job_name',
                    'refresh_schedule_command', 'require_pg_cron', 'schedule_refresh', 'unschedule_refresh');

-- So does every function of the schema whose body is parsed when called (a SQL-standard body,
-- BEGIN ATOMIC or RETURN, is bound when created and needs no pinned path).
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'every SQL and PL/pgSQL function parsed at call time runs with search_path = pg_catalog, pg_temp')
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'gcstitch'::regnamespace AND l.lanname IN ('sql', 'plpgsql') AND p.prosqlbody IS NULL
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false);

INSERT INTO gcstitch.queue (queue_id, sl_threshold, sl_target_percent) VALUES ('q-hostile', '30 seconds', 95);
SELECT is(pg_temp.hostile_run($$SELECT gcstitch.queue_threshold('q-hostile') = '30 seconds'$$), 'true',
          'queue_threshold ignores a hostile =');
SELECT is(pg_temp.hostile_run($$SELECT gcstitch.queue_target_percent('q-hostile')$$), '95',
          'queue_target_percent ignores a hostile =');
SELECT is(pg_temp.hostile_run('SELECT gcstitch.refresh_job_name()'), 'gcstitch-refresh-gcstitch_tap',
          'refresh_job_name ignores hostile current_database and ||');
SELECT is(pg_temp.hostile_run('SELECT gcstitch.refresh_schedule_command()'), gcstitch.refresh_schedule_command(),
          'refresh_schedule_command ignores a hostile format');
CREATE MATERIALIZED VIEW gcstitch.sl_security_mv AS SELECT 1 AS id;
CREATE UNIQUE INDEX ON gcstitch.sl_security_mv (id);
SELECT cmp_ok(pg_temp.hostile_run('SELECT gcstitch.refresh()'), '~', '^[0-9]+$',
              'refresh ignores hostile format and <>');
SELECT is(pg_temp.hostile_run('SELECT gcstitch.schedule_refresh()'), 'error 55000',
          'schedule_refresh reaches its own error, not the trap');
SELECT is(pg_temp.hostile_run('SELECT gcstitch.unschedule_refresh()'), 'error 55000',
          'unschedule_refresh reaches its own error, not the trap');

-- Reinstalling the extension from such a session: the script qualifies or pins everything.
DROP MATERIALIZED VIEW gcstitch.sl_security_mv;
DROP EXTENSION gcstitch CASCADE;
SELECT is(pg_temp.hostile_run('CREATE EXTENSION gcstitch', false), 'done',
          'CREATE EXTENSION works with a hostile search_path');
SELECT is(gcstitch.queue_threshold('nothing'), '20 seconds'::interval, 'the reinstalled extension works');

SELECT * FROM finish();
ROLLBACK;
