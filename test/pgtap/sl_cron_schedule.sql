-- schedule_refresh() / unschedule_refresh() against the real pg_cron of the test cluster: pg_cron
-- only lives in its own database (cron.database_name = postgres), reached here through dblink.
-- That the job then really runs is checked by test/sl_cron_check.sh (it waits for a minute tick).
BEGIN;
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT plan(8);

\o /dev/null
SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
              current_setting('cron.database_name'), current_user) AS conninfo \gset
SELECT dblink_connect('cron', :'conninfo');
SELECT dblink_exec('cron', 'CREATE EXTENSION IF NOT EXISTS pg_cron');
SELECT dblink_exec('cron', 'CREATE EXTENSION IF NOT EXISTS gcstitch');
\o

CREATE TEMP TABLE jobs (step text, jobid bigint);
INSERT INTO jobs
SELECT 'first', j FROM dblink('cron', $$SELECT gcstitch.schedule_refresh('*/5 * * * *')$$) AS r(j bigint);
INSERT INTO jobs
SELECT 'again', j FROM dblink('cron', $$SELECT gcstitch.schedule_refresh('*/10 * * * *')$$) AS r(j bigint);

SELECT ok((SELECT jobid FROM jobs WHERE step = 'first') IS NOT NULL, 'schedule_refresh returns a job id');
SELECT is((SELECT jobid FROM jobs WHERE step = 'again'), (SELECT jobid FROM jobs WHERE step = 'first'),
          'scheduling again replaces the job and keeps its id');
SELECT results_eq(
    format($$SELECT * FROM dblink('cron', 'SELECT jobname, schedule, command, database FROM cron.job
                                   WHERE jobid = %s') AS r(jobname text, schedule text, command text, database text)$$,
           (SELECT jobid FROM jobs WHERE step = 'first')),
    $$VALUES ('gcstitch-refresh-' || current_setting('cron.database_name'), '*/10 * * * *',
              'SELECT gcstitch.refresh()', current_setting('cron.database_name'))$$,
    'the job runs gcstitch.refresh() in the cron database on the latest schedule');
SELECT is((SELECT n FROM dblink('cron', $$SELECT count(*) FROM cron.job WHERE jobname LIKE 'gcstitch-refresh-%'$$)
           AS r(n bigint)), 1::bigint, 'one job, not one per call');

SELECT is((SELECT u FROM dblink('cron', 'SELECT gcstitch.unschedule_refresh()') AS r(u boolean)), true,
          'unschedule_refresh removes the job');
SELECT is((SELECT n FROM dblink('cron', $$SELECT count(*) FROM cron.job WHERE jobname LIKE 'gcstitch-refresh-%'$$)
           AS r(n bigint)), 0::bigint, 'no job is left');
SELECT is((SELECT u FROM dblink('cron', 'SELECT gcstitch.unschedule_refresh()') AS r(u boolean)), false,
          'a second unschedule_refresh says there was none');

-- From this database (not the cron database): the 55000 error.
SELECT throws_ok('SELECT gcstitch.schedule_refresh()', '55000', 'pg_cron is not installed in this database',
                 'outside the cron database: a clear 55000 error');

\o /dev/null
SELECT dblink_exec('cron', 'DROP EXTENSION gcstitch');
SELECT dblink_exec('cron', 'DROP EXTENSION pg_cron');
SELECT dblink_disconnect('cron');
\o
SELECT * FROM finish();
ROLLBACK;
