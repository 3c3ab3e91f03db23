#!/bin/bash
# Upgrade tests, in TAP: every released version updated to the current one gives the catalog of a
# fresh install.  Run by test/run against its cluster (PGHOST/PGPORT set); prints ok / not ok lines.
set -u
cd "$(dirname "$0")/.."
n=0
report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$@"; }
# check DB DESCRIPTION SQL: the query must print exactly "t".
check() {
	local out
	out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$3" 2>&1)
	[ "$out" = t ] || echo "# got: $out"
	[ "$out" = t ]
	report $? "$2"
}
recreate_db() { psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }

# The catalog listings, in a directory of this run's own (several checkouts may test at once).
listings=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-catalog.XXXXXX") || exit 1
trap 'rm -rf "$listings"' EXIT

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" gcstitch.control)
psql -X -q -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS gcstitch_up_fresh' -c 'CREATE DATABASE gcstitch_up_fresh'
psql_db gcstitch_up_fresh -c 'CREATE EXTENSION gcstitch'
psql_db gcstitch_up_fresh -At -f test/upgrade/catalog.sql >"$listings/fresh.txt"
report $? "the catalog of a fresh $current install can be listed"

for script in src/upgrade/gcstitch--*.sql; do
	old=$(basename "$script" .sql | sed -n 's/^gcstitch--\([^-]*\)$/\1/p')
	[ -n "$old" ] && [ "$old" != "$current" ] || continue
	db=gcstitch_up_from_${old//./_}
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql_db "$db" -c "CREATE EXTENSION gcstitch VERSION '$old'" -c 'ALTER EXTENSION gcstitch UPDATE'
	report $? "$old installs and updates to $current"
	psql_db "$db" -At -f test/upgrade/catalog.sql >"$listings/$old.txt" &&
		[ "$(wc -l <"$listings/$old.txt")" -gt 100 ] &&
		diff -u "$listings/fresh.txt" "$listings/$old.txt"
	report $? "$old updated to $current has exactly the objects of a fresh $current install"
done

# Values stored by 0.1.0 (test/upgrade/dump-0.1.0.sql, made by make-fixture-0.1.0.sh with the
# released code): a busy agent (ce) and a reconnected call (cf), each followed by its next call
# 10 s after a wrap-up.  0.1.0 stitched each key into one interaction and recorded its measures.
raw_fn="CREATE FUNCTION pg_temp.raw_stitch(bytea) RETURNS gcstitch.stitch LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';"
read_as_stored="SELECT bool_and(NOT gcstitch.split_after_wrapup(st)
                  AND (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.interaction_no) FROM gcstitch.interactions(st) i) = measures)
                  AND count(*) = 2 FROM public.stitch_store"
new_rule_views="SELECT array_agg(client_id || ':' || n ORDER BY client_id) = '{ce:2,cf:2}'
                  FROM (SELECT client_id, count(*) AS n FROM gcstitch.interaction GROUP BY client_id) x"
recompute="SELECT array_agg(gcstitch.interaction_count(x) ORDER BY client_id) = '{2,2}'
             FROM (SELECT client_id, gcstitch.stitch(segment_start, segment_end, segment_type, session_id, '30 seconds') x
                   FROM gcstitch.segment WHERE purpose = 'agent' GROUP BY client_id) y"
mixed_rollup="DO \$\$ BEGIN
                PERFORM gcstitch.rollup(v) FROM (SELECT st FROM public.stitch_store WHERE client_id = 'ce'
                    UNION ALL SELECT gcstitch.stitch(now(), now(), 'alert', NULL, '30 seconds')) x(v);
                RAISE EXCEPTION 'no error';
              EXCEPTION WHEN invalid_parameter_value THEN NULL; END \$\$; SELECT true"

# A 0.1.0 dump restored into a current install.
db=gcstitch_up_restore
recreate_db $db
psql_db $db -f test/upgrade/dump-0.1.0.sql >/dev/null
report $? "a 0.1.0 pg_dump restores into $current"
check $db "restored 0.1.0 values read as stitched by the gap rule only, with 0.1.0's measures" "$read_as_stored"
check $db "0.1.0 values as stored on disk read as the same values" \
	"$raw_fn SELECT bool_and(pg_temp.raw_stitch(raw) OPERATOR(gcstitch.=) st) FROM public.stitch_store"
check $db "after the restore the views split each busy key's calls (new-call rule)" "$new_rule_views"
check $db "the restored user materialized view was refreshed by the new rule" \
	"SELECT array_agg(interactions ORDER BY client_id) = '{2,2}' FROM public.calls_mv"
check $db "recomputing the stored values from the segments applies the new rule" "$recompute"
check $db "rolling up a 0.1.0 value with a new one is refused (22023)" "$mixed_rollup"

# A 0.1.0 install, its data and stored values in place, then ALTER EXTENSION UPDATE.
db=gcstitch_up_inplace
recreate_db $db
psql_db $db -c "CREATE EXTENSION gcstitch VERSION '0.1.0'"
sed -e '/^CREATE SCHEMA gcstitch;$/d' -e '/^REFRESH MATERIALIZED VIEW/d' test/upgrade/dump-0.1.0.sql | psql_db $db >/dev/null &&
	psql_db $db -c "$raw_fn UPDATE public.stitch_store SET st = pg_temp.raw_stitch(raw)"
report $? "0.1.0 objects with 0.1.0 data and stored values (its raw bytes) in place"
check $db "before the update, the 0.1.0 views say to update (55000)" \
	"DO \$\$ BEGIN PERFORM count(*) FROM gcstitch.interaction; RAISE EXCEPTION 'no error';
	 EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL; END \$\$; SELECT true"
psql_db $db -c 'ALTER EXTENSION gcstitch UPDATE'
report $? "ALTER EXTENSION gcstitch UPDATE with data in place"
check $db "stored 0.1.0 values read as stitched by the gap rule only, with 0.1.0's measures" "$read_as_stored"
check $db "after the update the views split each busy key's calls" "$new_rule_views"
check $db "the update refreshed the extension's materialized views by the new rule" \
	"SELECT array_agg(client_id || ':' || n ORDER BY client_id) = '{ce:2,cf:2}'
	   FROM (SELECT client_id, count(*) AS n FROM gcstitch.interaction_mv GROUP BY client_id) x"
check $db "recomputing the stored values from the segments applies the new rule" "$recompute"
echo "1..$n"
