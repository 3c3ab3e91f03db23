#!/bin/bash
# Incremental refresh benchmark (issue 10; not a test). A history of DAYS generated days, then day
# DAYS+1, in two databases of one cluster: "hist" holds the history, "one" nothing but day DAYS+1.
#   I    import of day DAYS+1 (its pages, one import() call each); also without change tracking
#   R    gcstitch.refresh() after it, in hist          R1  the same in one (the floor)
#   Q    a one-day query of each maintained view in hist   Q1  the same in one
#   FULL gcstitch.rebuild() of hist (everything from scratch); the maintained rows must equal it
# A day is TEAMS runs of test/sample/make_export.pl (the sample day: 9 agents, 3 queues) on the same
# date with different seeds, about 500 calls each. I and R are measured in ROUNDS rounds that take
# turns between the databases, each rolled back (then vacuumed); the best of each is kept. Q and Q1
# likewise (each the best of 5 runs in a round); the live view's one-day query is shown for scale.
#
#   bash test/bench/incremental.sh [DAYS] [TEAMS]     # default 30 days of 42 teams (about 21,000 calls a day)
#   bash test/bench/incremental.sh 3 10               # a quick try
# Generated pages are kept in $TMPDIR/gcstitch-bench-days-<generator hash> (about 55 MB a day at 42 teams).
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
DAYS=${1:-30}
TEAMS=${2:-42}
ROUNDS=${ROUNDS:-3}
# The cache is keyed by the generator's text: a changed generator writes new pages.
PAGES_DIR=${TMPDIR:-/tmp}/gcstitch-bench-days-$(md5sum test/sample/make_export.pl | cut -c1-8)
mkdir -p "$PAGES_DIR" && chmod 755 "$PAGES_DIR"

day_of() { date -u -d "2024-11-04 + $(($1 - 1)) days" +%F; }   # winter time throughout (UTC+1)

echo "generating $((DAYS + 1)) days x $TEAMS teams (cached in $PAGES_DIR)..."
for d in $(seq 1 $((DAYS + 1))); do
	for t in $(seq 1 "$TEAMS"); do
		f="$PAGES_DIR/$(day_of "$d")-$t.json"
		[ -s "$f" ] || echo "perl test/sample/make_export.pl --seed $((d * 1000 + t)) --day $(day_of "$d") >$f.tmp && mv $f.tmp $f"
	done
done | xargs -r -P 2 -I{} sh -c '{}' || { echo "generation failed" >&2; exit 1; }
chmod 644 "$PAGES_DIR"/*.json

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '2GB'
work_mem = '64MB'
maintenance_work_mem = '256MB'
max_wal_size = '8GB'
jit = off
max_parallel_workers_per_gather = 0" start_cluster || exit 1
trap stop_cluster EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# The bench helpers, in each database: pages of a day, import + refresh rolled back, best-of-n query.
helpers=$(cat <<'SQL'
CREATE EXTENSION gcstitch;
SELECT gcstitch.refresh();
CREATE TABLE bench_page (day date, team int, doc text);
ALTER TABLE bench_page ALTER COLUMN doc SET STORAGE EXTERNAL;
CREATE FUNCTION bench_load(dir text, d date, teams int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO bench_page SELECT d, t, pg_read_file(format('%s/%s-%s.json', dir, d, t)) FROM generate_series(1, teams) t;
$$;
CREATE FUNCTION bench_import(d date) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
BEGIN
    PERFORM gcstitch.import(p.doc) FROM bench_page p WHERE p.day = d ORDER BY p.team;
    RETURN extract(epoch FROM clock_timestamp() - t) * 1000;
END
$$;
CREATE FUNCTION bench_refresh() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
BEGIN
    PERFORM gcstitch.refresh();
    RETURN extract(epoch FROM clock_timestamp() - t) * 1000;
END
$$;
-- Import and refresh of day d, measured, then rolled back (a subtransaction that raises).
CREATE FUNCTION bench_ir(d date, OUT i_ms float8, OUT r_ms float8) LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        i_ms := bench_import(d);
        r_ms := bench_refresh();
        RAISE EXCEPTION USING ERRCODE = 'P0004';
    EXCEPTION WHEN assert_failure THEN
        NULL;
    END;
END
$$;
-- The same import without change tracking (the log triggers disabled), rolled back too.
CREATE FUNCTION bench_i_untracked(d date) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    ms float8;
BEGIN
    BEGIN
        ALTER TABLE gcstitch.conversation DISABLE TRIGGER conversation_log_insert,
            DISABLE TRIGGER conversation_log_delete, DISABLE TRIGGER conversation_log_update;
        ms := bench_import(d);
        RAISE EXCEPTION USING ERRCODE = 'P0004';
    EXCEPTION WHEN assert_failure THEN
        NULL;
    END;
    RETURN ms;
END
$$;
CREATE FUNCTION bench_best(sql text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    best float8;
    t timestamptz;
BEGIN
    FOR i IN 1..n LOOP
        t := clock_timestamp();
        EXECUTE sql;
        best := least(best, extract(epoch FROM clock_timestamp() - t) * 1000);
    END LOOP;
    RETURN best;
END
$$;
SQL
)
for db in hist one; do
	q -d postgres -c "CREATE DATABASE $db" && q -d "$db" -c "$helpers" >/dev/null || exit 1
done

echo "building the history: $DAYS days, each imported then refreshed..."
q -d hist -c "CREATE TABLE bench_day (day date, import_ms float8, refresh_ms float8, calls bigint)"
for d in $(seq 1 "$DAYS"); do
	day=$(day_of "$d")
	q -d hist -c "SELECT bench_load('$PAGES_DIR', '$day', $TEAMS)" >/dev/null &&
		q -d hist -c "INSERT INTO bench_day (day, import_ms, refresh_ms) SELECT '$day', bench_import('$day'), bench_refresh()" \
		              -c "UPDATE bench_day SET calls = (SELECT sum(corrected_offered) FROM gcstitch.queue_interval
		                                                 WHERE local_date = '$day') WHERE day = '$day'" \
		              -c "DELETE FROM bench_page" || exit 1
	[ $((d % 5)) -eq 0 ] || [ "$d" -eq "$DAYS" ] && q -d hist -c "SELECT format('  day %s: import %s ms, refresh %s ms, %s calls',
		day, round(import_ms), round(refresh_ms), calls) FROM bench_day ORDER BY day DESC LIMIT 1"
done
q -d hist -c "VACUUM ANALYZE"

next=$(day_of $((DAYS + 1)))
for db in hist one; do q -d "$db" -c "SELECT bench_load('$PAGES_DIR', '$next', $TEAMS)" >/dev/null || exit 1; done

echo "I, R, R1: $ROUNDS rounds, each rolled back..."
: >"$PAGES_DIR.ir.txt"
for r in $(seq 1 "$ROUNDS"); do
	for db in hist one; do
		echo "$db $(q -d "$db" -F ' ' -c "SELECT i_ms, r_ms FROM bench_ir('$next')")" >>"$PAGES_DIR.ir.txt"
		q -d "$db" -c "VACUUM" || exit 1
	done
	echo "untracked $(q -d one -c "SELECT bench_i_untracked('$next')") 0" >>"$PAGES_DIR.ir.txt"
	q -d one -c "VACUUM" || exit 1
done
# Then for real: day DAYS+1 imported and refreshed in both.
for db in hist one; do
	q -d "$db" -c "SELECT bench_import('$next'), bench_refresh()" >/dev/null && q -d "$db" -c "VACUUM ANALYZE" || exit 1
done

echo "Q, Q1: $ROUNDS rounds, best of 5 each..."
lo="'$next 00:00 Europe/Paris'::timestamptz"
hi="'$next 00:00 Europe/Paris'::timestamptz + interval '1 day'"
declare -A QUERY=(
	[agent_interval]="SELECT count(*), sum(corrected_handled), sum(reported_handle) FROM gcstitch.agent_interval WHERE local_date = '$next'"
	[queue_interval]="SELECT count(*), sum(corrected_offered), gcstitch.rollup(corrected_service_level)::text FROM gcstitch.queue_interval WHERE local_date = '$next'"
	[interaction]="SELECT count(*), sum(handle) FROM gcstitch.interaction WHERE started_at >= $lo AND started_at < $hi"
)
: >"$PAGES_DIR.q.txt"
for r in $(seq 1 "$ROUNDS"); do
	for v in agent_interval queue_interval interaction; do
		for db in hist one; do
			echo "$db $v $(q -d "$db" -c "SELECT bench_best(\$q\$${QUERY[$v]}\$q\$, 5)")" >>"$PAGES_DIR.q.txt"
		done
	done
done
live_hist=$(q -d hist -c "SELECT bench_best(\$q\$SELECT count(*), sum(corrected_handled) FROM gcstitch.agent_interval_live WHERE local_date = '$next'\$q\$, 1)")
live_one=$(q -d one -c "SELECT bench_best(\$q\$SELECT count(*), sum(corrected_handled) FROM gcstitch.agent_interval_live WHERE local_date = '$next'\$q\$, 1)")

echo "FULL: rebuild of hist, compared with the maintained rows..."
q -d hist -c "CREATE TABLE snap_i AS SELECT * FROM gcstitch.interaction;
              CREATE TABLE snap_v AS SELECT * FROM gcstitch.queue_visit;
              CREATE TABLE snap_a AS SELECT * FROM gcstitch.agent_interval;
              CREATE TABLE snap_q AS SELECT queue_id, interval_start, q::text AS row FROM gcstitch.queue_interval q" || exit 1
full_ms=$(q -d hist -c "SELECT bench_best('SELECT gcstitch.rebuild()', 1)")
differ=$(q -d hist -c "SELECT (SELECT count(*) FROM (SELECT * FROM snap_i EXCEPT ALL SELECT * FROM gcstitch.interaction) d)
                           + (SELECT count(*) FROM (SELECT * FROM gcstitch.interaction EXCEPT ALL SELECT * FROM snap_i) d)
                           + (SELECT count(*) FROM (SELECT * FROM snap_v EXCEPT ALL SELECT * FROM gcstitch.queue_visit) d)
                           + (SELECT count(*) FROM (SELECT * FROM gcstitch.queue_visit EXCEPT ALL SELECT * FROM snap_v) d)
                           + (SELECT count(*) FROM (SELECT * FROM snap_a EXCEPT ALL SELECT * FROM gcstitch.agent_interval) d)
                           + (SELECT count(*) FROM (SELECT * FROM gcstitch.agent_interval EXCEPT ALL SELECT * FROM snap_a) d)
                           + (SELECT count(*) FROM (SELECT row FROM snap_q EXCEPT ALL SELECT q::text FROM gcstitch.queue_interval q) d)
                           + (SELECT count(*) FROM (SELECT q::text FROM gcstitch.queue_interval q EXCEPT ALL SELECT row FROM snap_q) d)")

q -d hist -c "SELECT format('history: %s days, %s conversations, %s segments, %s interactions; day %s: %s conversations, %s calls, %s MB of pages',
                            $DAYS, (SELECT count(*) FROM gcstitch.conversation) - (SELECT count(*) FROM gcstitch.conversation WHERE conversation_start >= $lo),
                            (SELECT count(*) FROM gcstitch.segment), (SELECT count(*) FROM gcstitch.interaction), '$next',
                            (SELECT count(*) FROM gcstitch.conversation WHERE conversation_start >= $lo),
                            (SELECT sum(corrected_offered) FROM gcstitch.queue_interval WHERE local_date = '$next'),
                            (SELECT round(sum(octet_length(doc)) / 1e6, 1) FROM bench_page))"
q -d hist -c "SELECT format('refresh after each history day: first %s ms, last %s ms, median %s ms',
                            round((array_agg(refresh_ms ORDER BY day))[1]), round((array_agg(refresh_ms ORDER BY day DESC))[1]),
                            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY refresh_ms))) FROM bench_day"
awk -v live_hist="$live_hist" -v live_one="$live_one" -v full="$full_ms" -v differ="$differ" '
	FILENAME ~ /\.ir\.txt$/ { i[$1] = (i[$1] == "" || $2 < i[$1]) ? $2 : i[$1]; r[$1] = (r[$1] == "" || $3 < r[$1]) ? $3 : r[$1] }
	FILENAME ~ /\.q\.txt$/ { k = $1 " " $2; b[k] = (b[k] == "" || $3 < b[k]) ? $3 : b[k] }
	END {
		printf "| measure | history | one day | ratio |\n|---|---|---|---|\n"
		printf "| I: import of the day | %.0f ms | %.0f ms | %.2f |\n", i["hist"], i["one"], i["hist"] / i["one"]
		printf "| the same import without change tracking (log triggers off) | | %.0f ms | %.2f |\n", i["untracked"], i["one"] / i["untracked"]
		printf "| R: refresh after it (R1 in one day) | %.0f ms | %.0f ms | **%.2f** |\n", r["hist"], r["one"], r["hist"] / r["one"]
		split("agent_interval queue_interval interaction", v, " ")
		for (n = 1; n <= 3; n++)
			printf "| Q: one day of %s (Q1 in one day) | %.2f ms | %.2f ms | **%.2f** |\n", v[n], b["hist " v[n]], b["one " v[n]], b["hist " v[n]] / b["one " v[n]]
		printf "| one day of agent_interval_live (recomputed at query time) | %.0f ms | %.0f ms | %.1f |\n", live_hist, live_one, live_hist / live_one
		printf "| FULL: rebuild() of the history | %.0f ms | | |\n", full
		printf "maintained rows that differ from FULL: %d\n", differ
	}' "$PAGES_DIR.ir.txt" "$PAGES_DIR.q.txt"
