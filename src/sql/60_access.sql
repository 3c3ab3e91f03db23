-- Part 60: refreshing the materialized views (now, or on a pg_cron schedule) and the analyst role.

-- Brings the maintained analytics up to date (part 50), then refreshes every materialized view of
-- the schema (a user's own), the ones others depend on first.
CREATE FUNCTION @extschema@.refresh() RETURNS integer
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

-- The pg_cron job name of this database's refresh, and the statement to schedule it from the cron database.
CREATE FUNCTION @extschema@.refresh_job_name() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN 'gcstitch-refresh-' OPERATOR(pg_catalog.||) pg_catalog.current_database();
COMMENT ON FUNCTION @extschema@.refresh_job_name() IS
    'Name of the pg_cron job that refreshes this database''s gcstitch materialized views';

CREATE FUNCTION @extschema@.refresh_schedule_command(schedule text DEFAULT '*/15 * * * *') RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                             @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()',
                             pg_catalog.current_database());
COMMENT ON FUNCTION @extschema@.refresh_schedule_command(text) IS
    'The statement that schedules this database''s refresh, to run in the pg_cron database '
    '(cron.database_name) when that is another database';

-- Errors 55000 with the way forward unless pg_cron is usable from this database.
CREATE FUNCTION @extschema@.require_pg_cron(cron_statement text) RETURNS void
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
COMMENT ON FUNCTION @extschema@.require_pg_cron(text) IS
    'Errors (SQLSTATE 55000) unless pg_cron is installed in this database; when pg_cron lives in another '
    'database the hint says to run cron_statement there';

CREATE FUNCTION @extschema@.schedule_refresh(schedule text DEFAULT '*/15 * * * *') RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    job bigint;
BEGIN
    PERFORM @extschema@.require_pg_cron(@extschema@.refresh_schedule_command(schedule));
    -- Dynamic SQL: the extension installs and the function compiles without pg_cron.
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()';
    RETURN job;
END
$$;
COMMENT ON FUNCTION @extschema@.schedule_refresh(text) IS
    'Schedules gcstitch.refresh() of every gcstitch materialized view with pg_cron (one job named '
    'gcstitch.refresh_job_name(), replaced when scheduled again); returns the job id. Needs pg_cron in this '
    'database; otherwise errors 55000 with the statement to run in the pg_cron database';

CREATE FUNCTION @extschema@.unschedule_refresh() RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    PERFORM @extschema@.require_pg_cron(format('SELECT cron.unschedule(%L);', @extschema@.refresh_job_name()));
    EXECUTE 'SELECT EXISTS (SELECT FROM cron.job WHERE jobname = $1 AND username = current_user)'
        INTO found USING @extschema@.refresh_job_name();
    IF found THEN
        EXECUTE 'SELECT cron.unschedule($1)' USING @extschema@.refresh_job_name();
    END IF;
    RETURN found;
END
$$;
COMMENT ON FUNCTION @extschema@.unschedule_refresh() IS
    'Removes the pg_cron job of gcstitch.schedule_refresh(); false when there was none';

-- Refreshing and scheduling are for the owner, not for every user.
REVOKE EXECUTE ON FUNCTION @extschema@.refresh() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.rebuild() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_refresh(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unschedule_refresh() FROM PUBLIC;

-- The analyst role: read everything in the schema, write nothing. Roles are cluster-wide, so it is
-- created only when missing (and survives DROP EXTENSION; drop it by hand).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'gcstitch_analyst') THEN
        CREATE ROLE gcstitch_analyst NOLOGIN;
        COMMENT ON ROLE gcstitch_analyst IS
            'gcstitch: read-only access to the gcstitch views and tables; GRANT it to analysts and BI logins';
    END IF;
END
$$;
GRANT USAGE ON SCHEMA @extschema@ TO gcstitch_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA @extschema@ TO gcstitch_analyst;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA @extschema@
    FROM gcstitch_analyst;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM gcstitch_analyst;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO gcstitch_analyst;
REVOKE EXECUTE ON FUNCTION @extschema@.refresh(), @extschema@.schedule_refresh(text),
    @extschema@.unschedule_refresh() FROM gcstitch_analyst;
-- Reading these refreshes the shards, or imports on them (part 55).
REVOKE SELECT ON @extschema@.sharded_refreshed, @extschema@.sharded_rebuilt, @extschema@.sharded_imported
    FROM gcstitch_analyst;
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
