-- require_pg_cron() and the scheduling functions called by roles that are not superusers (issue 11):
-- cron.database_name is readable only by superusers and members of pg_read_all_settings, and such a
-- role must get the documented 55000 error with a way forward, not 42501 about the setting.
-- Also the decision on the analyst role: cluster-wide, so it outlives DROP EXTENSION (README).
BEGIN;
SELECT plan(7);

CREATE ROLE gcstitch_tap_scheduler LOGIN NOSUPERUSER;
GRANT gcstitch_analyst TO gcstitch_tap_scheduler;
GRANT EXECUTE ON FUNCTION gcstitch.schedule_refresh(text), gcstitch.unschedule_refresh() TO gcstitch_tap_scheduler;
CREATE ROLE gcstitch_tap_settings_reader LOGIN NOSUPERUSER IN ROLE gcstitch_analyst, pg_read_all_settings;

-- Runs sql as who; returns 'ok' or 'SQLSTATE: message | hint'.
CREATE FUNCTION pg_temp.run_as(who name, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text := 'ok';
    message text;
    hint text;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', who);
    BEGIN
        EXECUTE sql;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
        result := concat(SQLSTATE, ': ', message, ' | ', hint);
    END;
    RESET ROLE;
    RETURN result;
END
$$;

SELECT matches(pg_temp.run_as('gcstitch_tap_scheduler', $$SELECT current_setting('cron.database_name')$$),
               '^42501: ', 'the test is meaningful: a plain role may not read cron.database_name');
SELECT is(pg_temp.run_as('gcstitch_tap_scheduler', $$SELECT gcstitch.require_pg_cron('SELECT 1;')$$),
          '55000: pg_cron is not installed in this database | Ask a superuser to install pg_cron in this '
          'database, or to run in the pg_cron database: SELECT 1;',
          'require_pg_cron by a role that may not read cron.database_name: 55000 and what to ask for');
SELECT is(pg_temp.run_as('gcstitch_tap_scheduler', 'SELECT gcstitch.schedule_refresh()'),
          '55000: pg_cron is not installed in this database | Ask a superuser to install pg_cron in this '
          'database, or to run in the pg_cron database: ' || gcstitch.refresh_schedule_command(),
          'schedule_refresh granted to such a role: 55000 with the statement to run');
SELECT matches(pg_temp.run_as('gcstitch_tap_scheduler', 'SELECT gcstitch.unschedule_refresh()'),
               '^55000: pg_cron is not installed in this database \| .*SELECT cron\.unschedule\(',
               'unschedule_refresh granted to such a role: 55000 with the statement to run');
SELECT is(pg_temp.run_as('gcstitch_tap_settings_reader', $$SELECT gcstitch.require_pg_cron('SELECT 1;')$$),
          format('55000: pg_cron is not installed in this database | Connect to database "%s" and run: '
                 'CREATE EXTENSION IF NOT EXISTS pg_cron; SELECT 1;', current_setting('cron.database_name')),
          'a member of pg_read_all_settings is told which database pg_cron uses');

-- The analyst role is cluster-wide (no role can be a member of an extension): DROP EXTENSION leaves
-- it, CREATE EXTENSION adopts it again.
DROP EXTENSION gcstitch CASCADE;
SELECT has_role('gcstitch_analyst', 'gcstitch_analyst outlives DROP EXTENSION (documented)');
CREATE EXTENSION gcstitch;
SELECT is(pg_temp.run_as('gcstitch_tap_scheduler', 'SELECT count(*) FROM gcstitch.settings'), 'ok',
          'a new CREATE EXTENSION grants the existing gcstitch_analyst its privileges again');

SELECT * FROM finish();
ROLLBACK;
