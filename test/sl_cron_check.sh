#!/bin/bash
# Checks that gcstitch.schedule_refresh() really schedules with pg_cron (not part of test/run: it waits
# for pg_cron's minute tick, up to about two minutes). Own throwaway cluster, pg_cron jobs run in
# background workers. Prints "sl_cron_check: ok" or the failing step, exit status accordingly.
set -u
cd "$(dirname "$0")/.."
. test/cluster.sh

build_and_install || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="cron.use_background_workers = on" start_cluster || exit 1
trap stop_cluster EXIT

fail() { echo "sl_cron_check: FAILED: $*"; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# The same materialized views in the cron database and in another one.
setup='CREATE EXTENSION IF NOT EXISTS gcstitch;
CREATE TABLE public.cron_src (id int PRIMARY KEY, v int); INSERT INTO public.cron_src VALUES (1, 1);
CREATE MATERIALIZED VIEW gcstitch.cron_mv AS SELECT id, v FROM public.cron_src;
CREATE UNIQUE INDEX ON gcstitch.cron_mv (id);'
q -d postgres -c 'CREATE EXTENSION pg_cron' || fail "CREATE EXTENSION pg_cron"
q -d postgres -c "$setup" || fail "setup postgres"
q -d postgres -c 'CREATE DATABASE gcstitch_other' || fail "CREATE DATABASE"
q -d gcstitch_other -c "$setup" || fail "setup gcstitch_other"

# In the cron database: schedule_refresh schedules, and scheduling again replaces the job.
job=$(q -d postgres -c "SELECT gcstitch.schedule_refresh('* * * * *')") || fail "schedule_refresh"
job2=$(q -d postgres -c "SELECT gcstitch.schedule_refresh('* * * * *')") || fail "schedule_refresh again"
[ "$job" = "$job2" ] || fail "second schedule_refresh made job $job2 besides $job"
echo "job $job: $(q -d postgres -c "SELECT jobname, schedule, command, database, username FROM cron.job WHERE jobid = $job")"

# In another database: a clear error whose hint is the statement to run in the cron database.
hint=$(psql -X -q -At -d gcstitch_other -v VERBOSITY=verbose -c "SELECT gcstitch.schedule_refresh('* * * * *')" 2>&1)
echo "$hint" | grep -q 'ERROR:  55000: pg_cron is not installed in this database' || fail "no 55000 error: $hint"
stmt=$(q -d gcstitch_other -c "SELECT gcstitch.refresh_schedule_command('* * * * *')")
echo "$hint" | grep -qF "$stmt" || fail "hint lacks: $stmt"
other_job=$(q -d postgres -c "$stmt") || fail "running the hint's statement"
echo "job $other_job: $(q -d postgres -c "SELECT jobname, schedule, command, database FROM cron.job WHERE jobid = $other_job")"

# Change the data; pg_cron's next minute tick refreshes both databases' views.
q -d postgres -c 'UPDATE public.cron_src SET v = 2'
q -d gcstitch_other -c 'UPDATE public.cron_src SET v = 2'
for _ in $(seq 1 130); do
	a=$(q -d postgres -c 'SELECT v FROM gcstitch.cron_mv')
	b=$(q -d gcstitch_other -c 'SELECT v FROM gcstitch.cron_mv')
	[ "$a" = 2 ] && [ "$b" = 2 ] && break
	sleep 1
done
q -d postgres -c "SELECT jobid, status, return_message FROM cron.job_run_details ORDER BY runid"
[ "$a" = 2 ] || fail "cron database view not refreshed by job $job"
[ "$b" = 2 ] || fail "gcstitch_other view not refreshed by job $other_job"
echo "both materialized views refreshed by pg_cron"

[ "$(q -d postgres -c 'SELECT gcstitch.unschedule_refresh()')" = t ] || fail "unschedule_refresh"
[ "$(q -d postgres -c 'SELECT gcstitch.unschedule_refresh()')" = f ] || fail "second unschedule_refresh"
[ "$(q -d postgres -c "SELECT count(*) FROM cron.job WHERE jobid = $job")" = 0 ] || fail "job still there"
echo "sl_cron_check: ok"
