-- Scheduling the refresh of the materialized views: the error path where pg_cron is not installed.
-- The test cluster preloads pg_cron with cron.database_name = postgres, and this database is not
-- postgres: the hint says what to run there. (Scheduling itself is checked by test/sl_cron_check.sh.)
SET search_path = gcstitch, public;
SHOW cron.database_name;
SELECT refresh_job_name();
SELECT refresh_schedule_command();
SELECT refresh_schedule_command('0 * * * *');
\set SHOW_CONTEXT never
SELECT schedule_refresh();
SELECT schedule_refresh('*/5 * * * *');
SELECT unschedule_refresh();
\set SHOW_CONTEXT errors
DO $$
BEGIN
    PERFORM gcstitch.schedule_refresh();
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'SQLSTATE %', SQLSTATE;
END
$$;
-- The functions compile without pg_cron (dynamic SQL) and only the owner may call them.
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_proc p
WHERE p.pronamespace = 'gcstitch'::regnamespace
  AND p.proname IN ('refresh', 'schedule_refresh', 'unschedule_refresh', 'refresh_schedule_command')
ORDER BY 1::text;
