#!/bin/bash
# A coordinator over two shards against one node (issue 15; not a test), on a running cluster
# (PGHOST/PGPORT set, PGUSER a superuser, gcstitch installed), e.g. `bash test/demo --keep`'s.
# Both shards, the coordinator and the single node share this machine: the figures are the detour's
# cost and where the time goes, not the gain of more machines (docs/shards.md has the paper model).
#   import   DAYS busy sample days, one import() per page: single node, coordinator (parse, route,
#            each shard its part, one after the other), and the coordinator's parse alone
#   rebuild  gcstitch.rebuild(): the single node's, the coordinator's (both shards at once)
#   queries  one day of agent_interval and queue_interval, one hour and all of interaction (each
#            the best of 3 in one session: a BI tool's session keeps its shard connections)
# Each measure takes turns between the two sides ROUNDS times (imports and rebuilds rolled back),
# the best of each kept.
#   [AGENTS=200] [CALLS=100] [DAYS=2] [ROUNDS=3] bash test/bench/coordinator.sh
set -u
cd "$(dirname "$0")/../.."
AGENTS=${AGENTS:-200}
CALLS=${CALLS:-100}
DAYS=${DAYS:-2}
ROUNDS=${ROUNDS:-3}
coord=gcstitch_bench_coord
single=gcstitch_bench_single
shards="gcstitch_bench_shard_1 gcstitch_bench_shard_2"

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
# ms DB SQL...: the time of the longest statement, in ms (psql's \timing).
ms() {
	local db=$1
	shift
	q "$db" -c '\timing on' "$@" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -g | tail -n 1
}
# fastest DB SQL: the best of 3 runs in one session (the shards' connections open after the first).
fastest() { q "$1" -c '\timing on' -c "$2" -c "$2" -c "$2" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -g | head -n 1; }
vacuum() { for db in "$@"; do q "$db" -c VACUUM; done; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

for db in $coord $single $shards; do
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" &&
		q $db -c 'CREATE EXTENSION gcstitch' || exit 1
done
q $coord <<-SQL >/dev/null || exit 1
	CREATE EXTENSION postgres_fdw;
	$(for s in 1 2; do echo "CREATE SERVER shard_$s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$PGHOST',
	    port '$PGPORT', dbname 'gcstitch_bench_shard_$s', extensions 'gcstitch', async_capable 'true');
	    CREATE USER MAPPING FOR CURRENT_USER SERVER shard_$s; SELECT gcstitch.add_shard('shard_$s');"; done)
SQL
# The pages, made once on each side (not timed): DAYS busy days from 2024-11-04.
for db in $coord $single; do
	q $db -c "CREATE TABLE page AS
	            SELECT d AS day_no, p.doc FROM generate_series(1, $DAYS) d,
	                   gcstitch.sample_export(date '2024-11-03' + d, $AGENTS, $CALLS, d, fragment_pct => 30,
	                                          transfer_pct => 10, abandon_pct => 10, outbound_pct => 15) p"
done
echo "# $DAYS days x $AGENTS agents x $CALLS calls: $(q $single -c "SELECT count(*) || ' pages, ' || pg_size_pretty(sum(length(doc))) FROM page")"

IMPORT="SELECT sum(i.conversations) FROM page p, gcstitch.import(p.doc) i"
PARSE="SELECT count(*) FROM page p, gcstitch.import_parse(p.doc, '{X-Genesys-Client-Id}', true, 1000) i"
declare -A T
for r in $(seq "$ROUNDS"); do
	T[is]+=" $(ms $single -c BEGIN -c "$IMPORT" -c ROLLBACK)"
	T[ic]+=" $(ms $coord -c BEGIN -c "$IMPORT" -c ROLLBACK)"
	vacuum $single $shards $coord
	T[ip]+=" $(ms $coord -c "$PARSE")"
done
q $single -c "$IMPORT" >/dev/null && q $coord -c "$IMPORT" >/dev/null
conversations=$(q $single -c 'SELECT count(*) FROM gcstitch.conversation')
replicas=$(q $coord -c 'SELECT count(*) FROM gcstitch.shard_conversation WHERE NOT home')
multi=$(q $single -c "SELECT count(*) FROM (SELECT conversation_id FROM gcstitch.segment WHERE purpose = 'agent'
                        AND client_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT client_id) > 1) c")
for r in $(seq "$ROUNDS"); do
	T[rs]+=" $(ms $single -c BEGIN -c 'SELECT gcstitch.rebuild()' -c ROLLBACK)"
	T[rc]+=" $(ms $coord -c BEGIN -c 'SELECT gcstitch.rebuild()' -c ROLLBACK)"
	vacuum $single $shards
done
q $single -c 'SELECT gcstitch.refresh()' >/dev/null && q $coord -c 'SELECT gcstitch.refresh()' >/dev/null
for db in $single $shards; do q $db -c 'VACUUM ANALYZE' >/dev/null; done

DAY="WHERE interval_start >= '2024-11-04 00:00+01' AND interval_start < '2024-11-05 00:00+01'"
declare -A QUERY=(
	[agent]="SELECT count(*), sum(corrected_handled) FROM gcstitch.agent_interval $DAY"
	[queue]="SELECT count(*), sum(corrected_answered) FROM gcstitch.queue_interval $DAY"
	[inter]="SELECT count(*), sum(handle) FROM gcstitch.interaction
	          WHERE started_at >= '2024-11-04 10:00+01' AND started_at < '2024-11-04 11:00+01'"
	[alli]="SELECT count(*), sum(handle) FROM gcstitch.interaction"
)
for r in $(seq "$ROUNDS"); do
	for k in agent queue inter alli; do
		T[${k}s]+=" $(fastest $single "${QUERY[$k]}")"
		T[${k}c]+=" $(fastest $coord "${QUERY[$k]}")"
	done
done
same=$(for k in agent queue inter alli; do [ "$(q $single -c "${QUERY[$k]}")" = "$(q $coord -c "${QUERY[$k]}")" ] && echo -n y || echo -n n; done)

echo "# $conversations conversations; $multi with more than one client id; $replicas replicas on the shards"
echo "# answers equal on both sides (agent, queue, interaction hour, all interactions): $same"
printf '| %s | %s | %s | %s |\n' measure 'one node (ms)' 'coordinator (ms)' 'coordinator / one node'
row() { printf '| %s | %.0f | %.0f | %s |\n' "$1" "$(best ${T[$2]})" "$(best ${T[$3]})" "$(ratio "$(best ${T[$3]})" "$(best ${T[$2]})")"; }
row "import ($DAYS days)" is ic
printf '| %s | | %.0f | |\n' "... of which the coordinator's parse" "$(best ${T[ip]})"
row "rebuild()" rs rc
row "agent_interval, one day" agents agentc
row "queue_interval, one day" queues queuec
row "interaction, one hour" inters interc
row "interaction, all rows ($(q $single -c 'SELECT count(*) FROM gcstitch.interaction'))" allis allic
for db in $coord $single $shards; do
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db"
done
