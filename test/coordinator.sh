#!/bin/bash
# The same SQL on a coordinator over two postgres_fdw shards as on one node (issue 15), in TAP: on
# test/run's cluster (PGHOST/PGPORT set, PGUSER a superuser), a coordinator with two shard databases
# and, to compare with, a single node that imports the same exports. The coordinator reads the
# single node's views through postgres_fdw too (schema "single"), so every comparison is one query:
# EXCEPT ALL both ways over the rows as text, zero rows, on a non-empty view.
# Usage: [AGENTS=40] [CALLS=30] bash test/coordinator.sh; docs/shards.md says more.
set -u
cd "$(dirname "$0")/.."
. test/tap.sh

AGENTS=${AGENTS:-40}
CALLS=${CALLS:-30}
coord=gcstitch_coordinator
single=gcstitch_single
occupied=gcstitch_occupied
shard_db() { echo "gcstitch_coordinated_$1"; }
VIEWS="interaction queue_visit queue_call agent_interval queue_interval"
# day DATE SEED: the busy sample's export of that day (busy agents, fragments, transfers, abandons).
day() {
	echo "gcstitch.sample_export('$1', $AGENTS, $CALLS, $2, fragment_pct => 30, transfer_pct => 10,
	                              abandon_pct => 10, outbound_pct => 15)"
}
# import_both SQL [STRICT]: imports the exports SQL gives (a column doc) on the single node and
# through the coordinator; prints both import() counts, "single|coordinator".
import_both() {
	local sql="SELECT sum(i.conversations) || ' ' || sum(i.segments) || ' ' || sum(i.metrics) || ' '
	                  || sum(i.replaced) || ' ' || sum(i.rejected) FROM ($1) p, gcstitch.import(p.doc, ${2:-true}) i"
	echo "$(q $single -c "$sql")|$(q $coord -c "$sql")"
}
# same_views WHEN: each view of the coordinator equals the single node's.
same_views() {
	local v
	for v in $VIEWS; do
		check $coord "$1: gcstitch.$v equals the single node's (EXCEPT ALL both ways, zero rows)" \
			"SELECT NOT EXISTS (SELECT t::text FROM gcstitch.$v t EXCEPT ALL SELECT t::text FROM single.$v t)
			    AND NOT EXISTS (SELECT t::text FROM single.$v t EXCEPT ALL SELECT t::text FROM gcstitch.$v t)
			    AND EXISTS (SELECT FROM single.$v)"
	done
}
server_ddl() {
	cat <<-SQL
		CREATE SERVER $1 FOREIGN DATA WRAPPER postgres_fdw
		    OPTIONS (host '$PGHOST', port '$PGPORT', dbname '$2', extensions 'gcstitch', async_capable 'true');
		CREATE USER MAPPING FOR CURRENT_USER SERVER $1;
	SQL
}
drop_databases() {
	local db
	for db in $coord $single $occupied $(shard_db 1) $(shard_db 2); do
		psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db"
	done
}

drop_databases
for db in $single $occupied $(shard_db 1) $(shard_db 2) $coord; do
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" && q $db -c 'CREATE EXTENSION gcstitch' || exit 1
done
q $coord <<-SQL
	CREATE EXTENSION postgres_fdw;
	$(server_ddl shard_a "$(shard_db 1)")
	$(server_ddl shard_b "$(shard_db 2)")
	$(server_ddl single_node $single)
	$(server_ddl occupied $occupied)
	CREATE SERVER no_gcstitch FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname '$(shard_db 1)');
	CREATE SCHEMA single;
	IMPORT FOREIGN SCHEMA gcstitch LIMIT TO (interaction, queue_visit, queue_call, agent_interval, queue_interval)
	    FROM SERVER single_node INTO single;
SQL
report $? "a coordinator with postgres_fdw, two shard databases and a single node, each with gcstitch"
q $occupied -c "SELECT gcstitch.import(p.doc) FROM $(day 2024-11-01 3) p" >/dev/null

# 1. The topology: gcstitch.add_shard() checks what it is given.
expect "add_shard: a server that does not exist is 42704" "$(try $coord "SELECT gcstitch.add_shard('nowhere')")" \
	'^42704: server "nowhere" does not exist \| $'
expect "add_shard: a server without extensions 'gcstitch' is 55000, with the ALTER SERVER to run" \
	"$(q $coord -c '\set VERBOSITY verbose' -c "SELECT gcstitch.add_shard('no_gcstitch')" 2>&1 | tr '\n' ' ')" \
	"^ERROR:  55000: server \"no_gcstitch\" does not list gcstitch in its extensions option .*HINT:  ALTER SERVER no_gcstitch OPTIONS \(ADD extensions 'gcstitch'\);"
expect "add_shard: a database that holds conversations is 55000, and it is not added" \
	"$(try $coord "SELECT gcstitch.add_shard('occupied')")|$(q $coord -c 'SELECT count(*) FROM gcstitch.shard')" \
	'^55000: server "occupied" already holds [0-9]+ conversations \| .*\|0$'
expect "add_shard: two shards, numbered 1 and 2" \
	"$(q $coord -c "SELECT gcstitch.add_shard('shard_a')" -c "SELECT gcstitch.add_shard('shard_b')" | tr '\n' ' ')" '^1 2 $'
expect "add_shard: a server that is a shard already is 42710" "$(try $coord "SELECT gcstitch.add_shard('shard_a')")" \
	'^42710: server "shard_a" is already a shard \| $'

# 2. Settings and queue targets are defined on the coordinator and reach the shards.
TARGETS="INSERT INTO gcstitch.queue (queue_id, name, sl_target_percent, sl_threshold)
         VALUES ('f0000000-0000-4000-8000-000000000001', 'Sales', 90, '15 s'),
                ('f0000000-0000-4000-8000-000000000002', 'Support', 70, '40 s')"
q $coord -c "$TARGETS" && q $single -c "$TARGETS"
check $coord "the queue targets set on the coordinator are on both shards" \
	"SELECT NOT EXISTS (SELECT * FROM gcstitch.queue EXCEPT ALL SELECT * FROM gcstitch.shard_1_queue)
	    AND NOT EXISTS (SELECT * FROM gcstitch.shard_2_queue EXCEPT ALL SELECT * FROM gcstitch.queue)
	    AND (SELECT count(*) FROM gcstitch.shard_1_queue) = 2 AND (SELECT count(*) FROM gcstitch.shard_2_queue) = 2"

# 3. Import through the coordinator: the same counts as one node, each conversation on its shards.
expect "the busy sample (day 1) imported through the coordinator: import()'s counts equal one node's" \
	"$(import_both "SELECT * FROM $(day 2024-11-04 12)")" '^([0-9]+ [0-9]+ [0-9]+ 0 0)\|\1$'
check $coord "the coordinator stores no conversation; every one has a home shard, which holds it" \
	"SELECT NOT EXISTS (SELECT FROM gcstitch.conversation)
	    AND (SELECT count(*) FROM gcstitch.shard_conversation WHERE home)
	        = (SELECT count(DISTINCT conversation_id) FROM gcstitch.shard_conversation)
	    AND (SELECT conversations FROM gcstitch.shard_1_info) = (SELECT count(*) FROM gcstitch.shard_conversation WHERE shard_id = 1)
	    AND (SELECT conversations FROM gcstitch.shard_2_info) = (SELECT count(*) FROM gcstitch.shard_conversation WHERE shard_id = 2)"
check $coord "both shards own client ids; transfers made replicas on both shards" \
	"SELECT (SELECT count(DISTINCT shard_id) = 2 FROM gcstitch.shard_client)
	    AND (SELECT count(DISTINCT shard_id) = 2 AND count(*) > 10 FROM gcstitch.shard_conversation WHERE NOT home)"

owned_fewer() {
	q "$(shard_db "$1")" -c 'SELECT (SELECT count(*) FROM gcstitch.interaction) - (SELECT count(*) FROM gcstitch.owned_interaction)'
}
expect "each shard computes interactions of client ids it does not own (from replicas), which it does not show" \
	"$(owned_fewer 1) $(owned_fewer 2)" '^[1-9][0-9]* [1-9][0-9]*$'

# 4. The views across shards, before and after a refresh.
same_views "before any refresh (the shards' live views)"
expect "refresh() on the coordinator refreshes the shards" \
	"$(q $single -c 'SELECT gcstitch.refresh()' >/dev/null; q $coord -c 'SELECT gcstitch.refresh()' >/dev/null;
	   q "$(shard_db 1)" -c 'SELECT gap_tolerance FROM gcstitch.refresh_state')|$(q "$(shard_db 2)" -c 'SELECT gap_tolerance FROM gcstitch.refresh_state')" \
	'^00:00:30\|00:00:30$'
same_views "after refresh()"

# 5. Work runs on the shards; what travels is their result rows.
explain() { q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) $1"; }
plan=$(explain "SELECT * FROM gcstitch.agent_interval WHERE interval_start >= '2024-11-04 10:00+00'")
echo "$plan" | grep -E 'Foreign Scan|Remote SQL' | sed 's/^/#   /'
expect "agent_interval: both shards read at once, each its own agent_interval with the filter" \
	"$(echo "$plan" | grep -c 'Async Foreign Scan on gcstitch.shard_[12]_agent_interval')|$(echo "$plan" |
		grep -c "Remote SQL: SELECT user_id, interval_start, .* FROM gcstitch.agent_interval WHERE ((interval_start >= '2024-11-04 10:00:00+00'))\$")" \
	'^2\|2$'
expect "queue_interval: both shards read at once, each its own queue_interval" \
	"$(explain 'SELECT * FROM gcstitch.queue_interval' | grep -c 'Remote SQL: SELECT .* FROM gcstitch.queue_interval$')" '^2$'
expect "interaction: each shard sends the interactions it owns" \
	"$(explain "SELECT * FROM gcstitch.interaction WHERE started_at < '2024-11-04 09:00+00'" |
		grep -c "Remote SQL: SELECT .* FROM gcstitch.owned_interaction WHERE ((started_at < '2024-11-04 09:00:00+00'))\$")" '^2$'
expect "refresh() reads every shard's shard_refreshed at once (two Async Foreign Scans)" \
	"$(explain 'SELECT sum(conversations) FROM gcstitch.sharded_refreshed' |
		grep -A 2 'Async Foreign Scan' | grep -c 'Remote SQL: SELECT conversations FROM gcstitch.shard_refreshed$')" '^2$'
expect "import() has both shards import their parts at once (two Async Foreign Scans of shard_imported)" \
	"$(explain 'SELECT sum(conversations) FROM gcstitch.sharded_imported WHERE home' |
		grep -A 2 'Async Foreign Scan' | grep -c 'Remote SQL: SELECT conversations FROM gcstitch.shard_imported WHERE (home)$')" '^2$'
check "$(shard_db 1)" "the parts left on a shard are gone once imported" "SELECT NOT EXISTS (SELECT FROM gcstitch.shard_pending)"
all_plans=$(for v in $VIEWS; do explain "SELECT * FROM gcstitch.$v"; done)
expect "no view ships segments, metrics or conversations: every Remote SQL reads a shard's view" \
	"$(echo "$all_plans" | grep 'Remote SQL:' | grep -vcE 'FROM gcstitch\.(owned_interaction|owned_queue_visit|queue_call|agent_interval|queue_interval)( WHERE .*)?$')|$(echo "$all_plans" | grep -c 'Remote SQL:')" \
	'^0\|10$'

# 6. More days, a day imported again, settings changed: the same results on both.
expect "day 2 and day 1 again (stored versions replaced): the same counts" \
	"$(import_both "SELECT * FROM $(day 2024-11-05 13) UNION ALL SELECT * FROM $(day 2024-11-04 12)")" \
	'^([0-9]+ [0-9]+ [0-9]+ [1-9][0-9]* 0)\|\1$'
q $single -c 'SELECT gcstitch.refresh()' >/dev/null && q $coord -c 'SELECT gcstitch.refresh()' >/dev/null
same_views "after two days and a refresh that recomputed only what changed"
SETTINGS="INSERT INTO gcstitch.settings (gap_tolerance, interval_length, split_after_wrapup)
          VALUES ('20 seconds', '15 minutes', false)"
q $coord -c "$SETTINGS" && q $single -c "$SETTINGS"
check $coord "new settings on the coordinator are on both shards" \
	"SELECT (SELECT s::text FROM gcstitch.settings s) = (SELECT s::text FROM gcstitch.shard_1_settings s)
	    AND (SELECT s::text FROM gcstitch.settings s) = (SELECT s::text FROM gcstitch.shard_2_settings s)
	    AND (SELECT gap_tolerance FROM gcstitch.shard_2_settings) = '20 seconds'"
q $single -c 'SELECT gcstitch.refresh()' >/dev/null && q $coord -c 'SELECT gcstitch.refresh()' >/dev/null
same_views "after new settings (gap 20 s, rule 2 off, 15-minute intervals) and a refresh"

# 7. Bad conversations: rejected at the coordinator as on one node, nothing half-imported.
BAD="SELECT '[{\"conversationId\": \"bad-1\", \"conversationStart\": \"not a date\"}]'::text AS doc
     UNION ALL SELECT p.doc FROM $(day 2024-11-06 14) p"
expect "strict => false: a bad conversation goes to import_reject, the others are imported (same counts)" \
	"$(import_both "$BAD" false)" '^([0-9]+ [0-9]+ [0-9]+ 0 1)\|\1$'
check $coord "the coordinator's import_reject holds the bad conversation, as the single node's does" \
	"SELECT array_agg(conversation_id) = '{bad-1}' FROM gcstitch.import_reject"
directory_now=$(q $coord -c 'SELECT count(*) FROM gcstitch.shard_conversation')
on_shard_a=$(q "$(shard_db 1)" -c 'SELECT count(*) FROM gcstitch.conversation')
strict_error=$(try $coord "SELECT gcstitch.import(p.doc) FROM ($BAD) p")
expect "strict: a bad conversation fails the import with the single node's error (22023), nothing is imported" \
	"$strict_error|$(q $coord -c 'SELECT count(*) FROM gcstitch.shard_conversation')|$(q "$(shard_db 1)" -c 'SELECT count(*) FROM gcstitch.conversation')" \
	"^22023: invalid conversation \"bad-1\" .*\\|$directory_now\\|$on_shard_a\$"
expect "strict: the same error text as on the single node" \
	"$(try $single "SELECT gcstitch.import(p.doc) FROM ($BAD) p")" "^$(printf '%s' "$strict_error" | sed 's/[][\\.^$*+?(){}|]/\\&/g')\$"
q $single -c 'SELECT gcstitch.refresh()' >/dev/null && q $coord -c 'SELECT gcstitch.refresh()' >/dev/null
same_views "after a third day imported with strict => false"

# 8. A shard that is down: a clear error naming it, never a partial answer, nothing imported.
alter_shard_b() { q $coord -c "ALTER SERVER shard_b OPTIONS (SET $1)"; }
directory_now=$(q $coord -c 'SELECT count(*) FROM gcstitch.shard_conversation')
on_shard_a=$(q "$(shard_db 1)" -c 'SELECT count(*) FROM gcstitch.conversation')
alter_shard_b "port '1'"
for v in interaction agent_interval queue_interval; do
	expect "shard_b down: gcstitch.$v on the coordinator fails with 08001 naming server shard_b" \
		"$(try $coord "SELECT count(*) FROM gcstitch.$v")" '^08001: could not connect to server "shard_b" \| '
done
expect "shard_b down: an import fails with 08001 naming it; the directory and shard_a are unchanged" \
	"$(try $coord "SELECT gcstitch.import(doc) FROM $(day 2024-11-07 15)")|$(q $coord -c 'SELECT count(*) FROM gcstitch.shard_conversation')|$(q "$(shard_db 1)" -c 'SELECT count(*) FROM gcstitch.conversation')" \
	"^08001: could not connect to server \"shard_b\" \\| .*\\|$directory_now\\|$on_shard_a\$"
expect "shard_b down: refresh() fails with 08001 naming it" \
	"$(try $coord 'SELECT gcstitch.refresh()')" '^08001: could not connect to server "shard_b" \| '
alter_shard_b "port '$PGPORT'"
same_views "shard_b back"

q $coord -c 'DROP EXTENSION gcstitch CASCADE' 2>/dev/null
expect "DROP EXTENSION on the coordinator takes the shards' foreign tables along; it can be created again" \
	"$(q $coord -c "SELECT count(*) FROM pg_foreign_table t JOIN pg_class c ON c.oid = t.ftrelid
	                 WHERE c.relnamespace = 'gcstitch'::regnamespace")|$(q $coord -c 'CREATE EXTENSION gcstitch' 2>&1)" '^0\|$'

echo "1..$n"
drop_databases
