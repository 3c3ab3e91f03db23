#!/bin/bash
# The stitch aggregate over two postgres_fdw shards (issue 15), in TAP: two shard databases and a
# coordinator on test/run's cluster (PGHOST/PGPORT set, PGUSER a superuser).  The coordinator's
# table is LIST-partitioned on the shard number, one foreign table per shard; each shard stitches its
# own rows per key, the coordinator rolls the values up.  Some keys have rows on both shards (whole
# calls, fragments of one call, a row bridging two pieces): the result must equal one node's.
# Then, as comments, timings: one node against the shards, values shipped readable and compact.
# Usage: [AGENTS=200] [CALLS=100] [ROUNDS=3] bash test/shards.sh; docs/shards.md says more.
set -u
cd "$(dirname "$0")/.."

AGENTS=${AGENTS:-200}
CALLS=${CALLS:-100}
ROUNDS=${ROUNDS:-3}
coord=gcstitch_coord
shard_db() { echo "gcstitch_shard_$1"; }
COLUMNS_DDL="client_id text, session_id text, seg_type text, seg_start timestamptz, seg_end timestamptz"
STITCH="gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds')"
# sharded_sql [WHERE ...]: each shard stitches its rows of a key, the coordinator merges the values
# of that key.
sharded_sql() {
	echo "SELECT client_id, gcstitch.rollup(st) AS st
	  FROM (SELECT shard, client_id, $STITCH AS st FROM seg ${1:-} GROUP BY shard, client_id) per_shard
	 GROUP BY client_id"
}
single_sql() { echo "SELECT client_id, $STITCH AS st FROM seg_single ${1:-} GROUP BY client_id"; }
SHARDED_SQL=$(sharded_sql)
SINGLE_SQL=$(single_sql)

. test/tap.sh

drop_databases() {
	local db
	for db in $coord $(shard_db 1) $(shard_db 2); do
		psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db"
	done
}

# A shard: the plain table, and a view adding the shard's number, which the coordinator's partition
# reads (a partition has its parent's columns, and its key column must exist on the remote side).
create_shard() {
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $(shard_db "$1")" &&
		q "$(shard_db "$1")" <<-SQL
			CREATE EXTENSION gcstitch;
			CREATE TABLE seg ($COLUMNS_DDL);
			CREATE VIEW seg_of_shard AS SELECT $1 AS shard, * FROM seg;
			-- What the coordinator's postgres_fdw sessions write stitch values as.
			CREATE VIEW session_stitch_output AS SELECT current_setting('gcstitch.stitch_output', true) AS value;
		SQL
}

server_ddl() {
	cat <<-SQL
		CREATE SERVER shard_$1 FOREIGN DATA WRAPPER postgres_fdw
		    OPTIONS (host '$PGHOST', port '$PGPORT', dbname '$(shard_db "$1")', extensions 'gcstitch',
		             async_capable 'true', fetch_size '1000', options '-c gcstitch.stitch_output=compact');
		-- A superuser's mapping needs no password (loopback over the socket, trust).
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard_$1;
		CREATE FOREIGN TABLE seg_$1 PARTITION OF seg FOR VALUES IN ($1)
		    SERVER shard_$1 OPTIONS (table_name 'seg_of_shard');
		CREATE FOREIGN TABLE session_stitch_output_$1 (value text)
		    SERVER shard_$1 OPTIONS (table_name 'session_stitch_output');
	SQL
}

create_coordinator() {
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $coord" \
		-c "ALTER DATABASE $coord SET enable_partitionwise_aggregate = on" &&
		q $coord <<-SQL
			CREATE EXTENSION gcstitch;
			CREATE EXTENSION postgres_fdw;
			CREATE TABLE seg (shard int NOT NULL, $COLUMNS_DDL) PARTITION BY LIST (shard);
			$(server_ddl 1)
			$(server_ddl 2)
		SQL
}

# The reference rows on the coordinator: busy agents (gen_busy.sql: AGENTS x CALLS interactions by
# construction) and two keys whose pieces only a hold row bridges (60 s apart without it).
create_reference() {
	q $coord -v agents="$AGENTS" -v calls="$CALLS" -f test/bench/gen_busy.sql >/dev/null &&
		q $coord <<-'SQL'
			ALTER TABLE busy RENAME TO seg_single;
			INSERT INTO seg_single
			SELECT 'bridge-' || b, 'sess-bridge-' || b || '-' || s, t, '2024-06-03 10:00:00+00'::timestamptz + f,
			       '2024-06-03 10:00:00+00'::timestamptz + e
			  FROM generate_series(1, 2) b,
			       (VALUES (1, 'alert', interval '0 s', interval '5 s'), (1, 'interact', '5 s', '60 s'),
			               (1, 'hold', '50 s', '110 s'), (2, 'interact', '120 s', '180 s'),
			               (2, 'wrapup', '180 s', '200 s')) r(s, t, f, e);
			ANALYZE seg_single;
		SQL
}

# Where each reference row lives: its key's home shard (by hash), except the rows moved to the other
# shard: every 4th call of agents 5, 10, ...; the later fragments of each cut call of agents 1, 6,
# 11, ... (one interaction in pieces on both shards); the bridging hold rows.
place_rows() {
	q $coord <<-'SQL'
		CREATE TABLE placement AS
		SELECT s.*, CASE WHEN moved THEN 3 - home ELSE home END AS shard
		  FROM seg_single s,
		       LATERAL (SELECT 1 + (hashtext(client_id) & 1) AS home) h,
		       LATERAL (SELECT CASE
		                       WHEN client_id LIKE 'bridge-%' THEN seg_type = 'hold'
		                       WHEN split_part(client_id, '-', 2)::int % 5 = 0 THEN split_part(session_id, '-', 3)::int % 4 = 0
		                       WHEN split_part(client_id, '-', 2)::int % 5 = 1 THEN split_part(session_id, '-', 4)::int >= 2
		                       ELSE false END AS moved) m;
	SQL
}

# Copies the placed rows of shard $1 into its table, in the order they were generated.
ship_rows() {
	q $coord -c "\\copy (SELECT client_id, session_id, seg_type, seg_start, seg_end FROM placement
	                      WHERE shard = $1 ORDER BY client_id, seg_start, seg_end) TO STDOUT" |
		q "$(shard_db "$1")" -c '\copy seg FROM STDIN' -c 'ANALYZE seg'
}

drop_databases
create_shard 1 && create_shard 2 && create_coordinator
report $? "two shards with gcstitch, a coordinator with postgres_fdw, a server and a partition per shard"
create_reference && place_rows && ship_rows 1 && ship_rows 2 && q $coord -c 'ANALYZE seg'
report $? "$AGENTS busy agents x $CALLS calls and two bridged keys, placed on the shards"

# What the placement must cover, so that the checks below test the merge across shards.
check $coord "every reference row is on exactly one shard" \
	"SELECT (SELECT count(*) FROM seg) = (SELECT count(*) FROM seg_single)
	    AND NOT EXISTS (SELECT client_id, session_id, seg_type, seg_start, seg_end FROM seg_single
	                    EXCEPT ALL SELECT client_id, session_id, seg_type, seg_start, seg_end FROM seg)"
check $coord "most keys on one shard, some keys on both" \
	"SELECT count(*) FILTER (WHERE shards = 2) BETWEEN 2 AND count(*) / 2
	   FROM (SELECT client_id, count(DISTINCT shard) AS shards FROM placement GROUP BY client_id) k"
check $coord "some interactions have rows on both shards (fragments of one call, bridged pieces)" \
	"SELECT count(*) > 10 FROM (
	   SELECT client_id, no FROM (
	     SELECT client_id, shard, gcstitch.interaction_no(seg_start, seg_end, seg_type, interval '30 seconds')
	                                OVER (PARTITION BY client_id ORDER BY seg_start, seg_end) AS no
	       FROM placement) labelled
	   GROUP BY client_id, no HAVING count(DISTINCT shard) = 2) split"
check $coord "on its home shard a bridged key is two interactions, on one node one" \
	"SELECT array_agg(gcstitch.interaction_count(st) ORDER BY client_id, gcstitch.interaction_count(st) DESC) = '{2,1,2,1}'
	    AND (SELECT array_agg(gcstitch.interaction_count(st)) = '{1,1}' FROM ($SINGLE_SQL) r
	          WHERE client_id LIKE 'bridge-%')
	   FROM (SELECT shard, client_id, $STITCH AS st FROM seg WHERE client_id LIKE 'bridge-%'
	          GROUP BY shard, client_id) p"
check $coord "one node gives the generator's interactions: agents x calls + 2" \
	"SELECT sum(gcstitch.interaction_count(st)) = $AGENTS * $CALLS + 2 FROM ($SINGLE_SQL) r"

# a. The two shards' values rolled up equal one node's: as interactions, and as values.
EQUAL_INTERACTIONS="WITH sharded AS ($SHARDED_SQL), single AS ($SINGLE_SQL),
     a AS (SELECT client_id, i.* FROM sharded, gcstitch.interactions(st) i),
     b AS (SELECT client_id, i.* FROM single, gcstitch.interactions(st) i)
SELECT NOT EXISTS (SELECT * FROM a EXCEPT ALL SELECT * FROM b)
   AND NOT EXISTS (SELECT * FROM b EXCEPT ALL SELECT * FROM a)
   AND (SELECT count(*) FROM a) = $AGENTS * $CALLS + 2"
EQUAL_VALUES="SELECT count(*) = $AGENTS + 2 AND bool_and(coalesce(s.st OPERATOR(gcstitch.=) r.st, false))
  FROM ($SHARDED_SQL) s FULL JOIN ($SINGLE_SQL) r USING (client_id)"
check $coord "the shards' values rolled up at the coordinator, as interactions, equal one node's (EXCEPT ALL both ways)" \
	"$EQUAL_INTERACTIONS"
check $coord "the rolled-up values equal one node's, key by key (OPERATOR(gcstitch.=))" "$EQUAL_VALUES"
check $coord "counted per shard without the rollup, the split keys would have more interactions" \
	"SELECT sum(gcstitch.interaction_count(st)) > $AGENTS * $CALLS + 2
	   FROM (SELECT shard, client_id, $STITCH AS st FROM seg GROUP BY shard, client_id) p"

# b. The plan: each shard aggregates its rows, both at once; the coordinator only rolls up.
plan=$(q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) $SHARDED_SQL")
echo "$plan" | sed 's/^/#   /'
expect "each shard runs gcstitch.stitch(...) GROUP BY remotely (a Foreign Scan on each partition)" \
	"$(echo "$plan" | grep -o 'Relations: Aggregate on (public\.seg_[12] ' | sort | tr -d '\n')|$(echo "$plan" |
		grep -c 'Remote SQL: SELECT shard, client_id, gcstitch\.stitch(.* FROM public\.seg_of_shard GROUP BY 1, 2$')" \
	'^Relations: Aggregate on \(public\.seg_1 Relations: Aggregate on \(public\.seg_2 \|2$'
expect "no shard ships rows to be aggregated at the coordinator" \
	"$(echo "$plan" | grep 'Remote SQL:' | grep -vc 'GROUP BY')" '^0$'
expect "both shards are scanned at once (two Async Foreign Scans)" "$(echo "$plan" | grep -c 'Async Foreign Scan$')" '^2$'
expect "the coordinator aggregates gcstitch.rollup over the Append of the shards" \
	"$(echo "$plan" | sed -n '1,2p' | tr '\n' ' ')" '^(Hash|Group)?Aggregate +Output: .*gcstitch\.rollup\('
expect "without enable_partitionwise_aggregate the rows travel and the coordinator stitches them" \
	"$(q $coord -c 'SET enable_partitionwise_aggregate = off' -c "EXPLAIN (VERBOSE, COSTS OFF) $SHARDED_SQL" |
		grep 'Remote SQL:' | grep -vc 'GROUP BY')" '^2$'
q $coord -c 'ALTER SERVER shard_1 OPTIONS (DROP extensions)'
expect "without extensions 'gcstitch' on its server, shard 1 ships its rows" \
	"$(q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) $SHARDED_SQL" | grep 'Remote SQL:' | grep -vc 'GROUP BY')" '^1$'
q $coord -c "ALTER SERVER shard_1 OPTIONS (ADD extensions 'gcstitch')"
hour="WHERE seg_start >= timestamptz '2024-06-03 10:00:00+00' AND seg_start < timestamptz '2024-06-03 11:00:00+00'"
expect "a WHERE on the rows (one hour) goes to the shards with the aggregate" \
	"$(q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) $(sharded_sql "$hour")" |
		grep -c 'Remote SQL: .* WHERE .*seg_start >= .* GROUP BY 1, 2$')" '^2$'
check $coord "that hour's values equal one node's over the same hour" \
	"SELECT count(*) > 0 AND bool_and(coalesce(s.st OPERATOR(gcstitch.=) r.st, false))
	   FROM ($(sharded_sql "$hour")) s FULL JOIN ($(single_sql "$hour")) r USING (client_id)"

# c. What travels is compact: the servers ask for it, the postgres_fdw sessions have it, and the
# Remote SQL of the plan, run on each shard with its server's options, writes v2c: texts.
server_option() {
	q $coord -c "SELECT option_value FROM pg_foreign_server, pg_options_to_table(srvoptions)
	              WHERE srvname = '$1' AND option_name = '$2'"
}
remote_sql_of() { echo "$plan" | grep -A 2 "Aggregate on (public\.seg_$1 " | sed -n 's/^ *Remote SQL: //p'; }
# shipped_texts SHARD OPTIONS: the stitch values' texts the shard writes for the Remote SQL.
shipped_texts() { PGOPTIONS=$2 q "$(shard_db "$1")" -F '|' -c "$(remote_sql_of "$1")" | cut -d '|' -f 3; }
keys_on_shard() { q $coord -c "SELECT count(DISTINCT client_id) FROM placement WHERE shard = $1"; }
expect "both servers connect with options '-c gcstitch.stitch_output=compact'" \
	"$(server_option shard_1 options)|$(server_option shard_2 options)" \
	'^-c gcstitch\.stitch_output=compact\|-c gcstitch\.stitch_output=compact$'
expect "the postgres_fdw sessions on the shards have gcstitch.stitch_output = compact" \
	"$(q $coord -c 'SELECT value FROM session_stitch_output_1 UNION ALL SELECT value FROM session_stitch_output_2' |
		tr '\n' ' ')" '^compact compact $'
for s in 1 2; do
	texts=$(shipped_texts $s "$(server_option shard_$s options)")
	expect "shard $s writes the Remote SQL's value of each of its keys as v2c: text" \
		"$(echo "$texts" | grep -vc '^v2c:')|$(echo "$texts" | grep -c '^v2c:')" "^0\\|$(keys_on_shard $s)\$"
	compact_bytes=$((${compact_bytes:-0} + $(echo "$texts" | tr -d '\n' | wc -c)))
	readable_bytes=$((${readable_bytes:-0} + $(shipped_texts $s '' | tr -d '\n' | wc -c)))
done
echo "# values shipped by both shards: readable $((readable_bytes / 1024)) kB, compact $((compact_bytes / 1024)) kB"

# d. A shard that is down: the query fails naming it (SQLSTATE class 08), no row comes back.
alter_shard_2() { q $coord -c "ALTER SERVER shard_2 OPTIONS (SET $1)"; }
alter_shard_2 "port '1'"
expect "shard 2 down (wrong port): 08xxx naming server shard_2" \
	"$(try $coord "SELECT count(*) FROM ($SHARDED_SQL) r")" '^08[0-9A-Z]{3}: could not connect to server "shard_2" \| '
rows=$(q $coord -c '\set FETCH_COUNT 1' -c "$SHARDED_SQL" 2>/dev/null)
expect "shard 2 down: no row comes back, also fetched row by row (FETCH_COUNT 1)" "$?|$(echo -n "$rows" | wc -c)" '^[1-9][0-9]*\|0$'
alter_shard_2 "port '$PGPORT', SET dbname 'gcstitch_shard_gone'"
expect "shard 2's database missing: 08xxx naming server shard_2 and the database" \
	"$(try $coord "SELECT count(*) FROM ($SHARDED_SQL) r")" \
	'^08[0-9A-Z]{3}: could not connect to server "shard_2" \| .*database "gcstitch_shard_gone" does not exist'
alter_shard_2 "dbname '$(shard_db 2)'"
check $coord "shard 2 back: the result equals one node's again" "$EQUAL_VALUES"

# Timings, not asserted: one node against the two shards, values shipped readable and compact, best
# of ROUNDS, taking turns.  Each timed query is the second of its session: the first opened the
# shards' connections and loaded gcstitch there, as a coordinator's long-lived session would have.
ship_as() {
	q $coord -c "ALTER SERVER shard_1 OPTIONS (SET options '-c gcstitch.stitch_output=$1')" \
		-c "ALTER SERVER shard_2 OPTIONS (SET options '-c gcstitch.stitch_output=$1')"
}
ship_as readable
check $coord "shipped readable instead, the rolled-up values equal one node's too" "$EQUAL_VALUES"
count_of() { echo "SELECT sum(gcstitch.interaction_count(st)) FROM ($1) r;"; }
run_ms() {
	printf '%s\n' "$1" '\timing on' "$1" | q $coord 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
}
declare -A best
time_turn() {
	local t
	case $1 in
	one_node) t=$(run_ms "$(count_of "$SINGLE_SQL")") ;;
	one_node_serial) t=$(run_ms "SET max_parallel_workers_per_gather = 0; $(count_of "$SINGLE_SQL")") ;;
	*) ship_as "$1" && t=$(run_ms "$(count_of "$SHARDED_SQL")") ;;
	esac
	[ -n "$t" ] || { echo "# $1: the timed query failed"; return 1; }
	if [ -z "${best[$1]:-}" ] || awk "BEGIN { exit !($t < ${best[$1]}) }"; then best[$1]=$t; fi
}
turns="one_node one_node_serial readable compact"
for round in $(seq "$ROUNDS"); do
	for turn in $turns; do time_turn "$turn"; done
	turns=$(echo "$turns" | tr ' ' '\n' | tac | tr '\n' ' ')
done
ship_as compact
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
if [ ${#best[@]} -eq 4 ]; then
	echo "# time, best of $ROUNDS ($((AGENTS * CALLS)) calls, $(q $coord -c 'SELECT count(*) FROM seg_single') rows):" \
		"one node ${best[one_node]} ms ($(q $coord -c "EXPLAIN (COSTS OFF) $SINGLE_SQL" |
			grep -oE 'Workers Planned: [0-9]+' || echo 'no parallel workers')), without parallel workers ${best[one_node_serial]} ms;" \
		"two shards shipping readable ${best[readable]} ms ($(ratio "${best[readable]}" "${best[one_node_serial]}") x one node without workers)," \
		"compact ${best[compact]} ms ($(ratio "${best[compact]}" "${best[one_node_serial]}") x," \
		"$(ratio "${best[compact]}" "${best[readable]}") x readable)"
fi

[ "${KEEP:-}" = 1 ] || drop_databases
echo "1..$n"
