#!/bin/bash
# Text form for shipping (issue 15): postgres_fdw, COPY and pg_dump move gcstitch.stitch values as
# text.  Per-login values (gen_busy.sql: AGENTS logins of CALLS back-to-back calls each, one value
# per login: hundreds of rows in CALLS islands), readable (the default) against compact
# (gcstitch.stitch_output = compact) against binary (send/recv):
#   size   average text length / average send length;
#   SQL    out+in (st::text::gcstitch.stitch) against send (gcstitch.stitch_send(st)) over the whole
#          table, beside two floors: the scan alone (pg_column_size, nothing detoasted) and the scan
#          reading every value (interaction_count: detoasted, as send and out do);
#   COPY   COPY TO a file (text in each form, binary) and COPY FROM it with WHERE false (every field
#          parsed by the input or receive function, nothing stored), beside floors that parse the
#          same files into text and bytea columns.
# Queries take turns over ROUNDS rounds (default 5), each keeps its best time; ratios from this run.
# Nothing is asserted beyond the answers (every round trip gives AGENTS x CALLS interactions).
# Usage: [AGENTS=10000] [CALLS=100] [ROUNDS=5] nice -n 19 bash test/bench/stitch_text.sh
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh

AGENTS=${AGENTS:-10000}
CALLS=${CALLS:-100}
ROUNDS=${ROUNDS:-5}
FORMS="readable compact"

ensure_packages || exit 1
build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '1GB'
jit = off" start_cluster || exit 1
trap stop_cluster EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION gcstitch' || exit 1
echo "generating $AGENTS logins x $CALLS calls ..." >&2
q -v agents="$AGENTS" -v calls="$CALLS" -f test/bench/gen_busy.sql >/dev/null || exit 1
q <<SQL || exit 1
CREATE TABLE v AS
SELECT client_id, gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st
  FROM busy GROUP BY client_id;
DROP TABLE busy;
CREATE UNLOGGED TABLE sink_stitch (st gcstitch.stitch);
CREATE UNLOGGED TABLE sink_text (st text);
CREATE UNLOGGED TABLE sink_bytea (st bytea);
VACUUM ANALYZE v;
SQL
FILES=$CLUSTER_DIR/copy
mkdir -p "$FILES" || exit 1
[ "$(id -u)" -ne 0 ] || chown postgres: "$FILES"

# One run of a query with \timing (after SET lines $2); prints its milliseconds, fails when it does.
run_ms() {
	local t
	t=$(printf '%s\n' "${2:-}" '\timing on' "$1" | q 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
	[ -n "$t" ] || { echo "query failed: $1" >&2; return 1; }
	printf '%.1f' "$t"
}
form_set() { echo "SET gcstitch.stitch_output = $1;"; }

declare -A BEST
keep_best() {
	local name=$1 t
	t=$(run_ms "$2" "${3:-}") || exit 1
	if [ -z "${BEST[$name]:-}" ] || awk "BEGIN { exit !($t < ${BEST[$name]}) }"; then BEST[$name]=$t; fi
}

SCAN_SQL="SELECT sum(pg_column_size(st)) FROM v;"
FLOOR_SQL="SELECT sum(gcstitch.interaction_count(st)) FROM v;"
SEND_SQL="SELECT sum(octet_length(gcstitch.stitch_send(st))) FROM v;"
OUT_SQL="SELECT sum(octet_length(st::text)) FROM v;"
RT_SQL="SELECT sum(gcstitch.interaction_count(st::text::gcstitch.stitch)) FROM v;"
copy_to() { echo "COPY v (st) TO '$FILES/$1' ${2:-};"; }
copy_from() { echo "COPY $1 FROM '$FILES/$2' ${3:-} WHERE false;"; }

# The files, written once before the rounds (then rewritten by the COPY TO turns).
run_ms "$(copy_to binary '(FORMAT binary)')" >/dev/null || exit 1
for form in $FORMS; do run_ms "$(copy_to "$form")" "$(form_set "$form")" >/dev/null || exit 1; done

# Every query takes its turn in each round; the order flips from round to round.
turns="scan floor send out_readable out_compact rt_readable rt_compact to_binary to_readable to_compact
from_binary from_readable from_compact floor_binary floor_readable floor_compact"
for round in $(seq "$ROUNDS"); do
	echo "round $round of $ROUNDS ..." >&2
	order=$turns
	[ $((round % 2)) -eq 0 ] && order=$(echo $turns | tr ' ' '\n' | tac | paste -sd' ')
	for who in $order; do
		form=${who#*_}
		case $who in
		scan) keep_best "$who" "$SCAN_SQL" ;;
		floor) keep_best "$who" "$FLOOR_SQL" ;;
		send) keep_best "$who" "$SEND_SQL" ;;
		out_*) keep_best "$who" "$OUT_SQL" "$(form_set "$form")" ;;
		rt_*) keep_best "$who" "$RT_SQL" "$(form_set "$form")" ;;
		to_binary) keep_best "$who" "$(copy_to binary '(FORMAT binary)')" ;;
		to_*) keep_best "$who" "$(copy_to "$form")" "$(form_set "$form")" ;;
		from_binary) keep_best "$who" "$(copy_from sink_stitch binary '(FORMAT binary)')" ;;
		from_*) keep_best "$who" "$(copy_from sink_stitch "$form")" ;;
		floor_binary) keep_best "$who" "$(copy_from sink_bytea binary '(FORMAT binary)')" ;;
		floor_*) keep_best "$who" "$(copy_from sink_text "$form")" ;;
		esac
	done
done

ratio() { awk "BEGIN { printf \"%.2f\", ($1) / ($2) }"; }
line() { printf '  %-58s %s\n' "$1" "$2"; }
b() { echo "${BEST[$1]}"; }

values=$(q -c "SELECT count(*) FROM v")
shape=$(q -c "SELECT round(avg(octet_length(gcstitch.stitch_send(st)) - 18 - 4 * gcstitch.interaction_count(st)) / 24.0, 1) || ' rows, ' ||
                     round(avg(gcstitch.interaction_count(st)), 1) || ' islands' FROM v")
bin_len=$(q -c "SELECT round(avg(octet_length(gcstitch.stitch_send(st))), 1) FROM v")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "Text form for shipping: $(nproc) cores ($cpu); PostgreSQL $(q -c 'SHOW server_version'); jit off;"
echo "best of $ROUNDS interleaved rounds. $values values ($AGENTS logins x $CALLS calls), on average $shape."
echo
echo "size, average bytes per value"
line "binary (send)" "$bin_len"
declare -A LEN
for form in $FORMS; do
	LEN[$form]=$(printf '%s\n' "$(form_set "$form")" "SELECT round(avg(octet_length(st::text)), 1) FROM v;" | q)
	line "$form text" "${LEN[$form]}  ($(ratio "${LEN[$form]}" "$bin_len") x binary)"
done
echo
echo "SQL over the whole table, ms"
line "scan: nothing detoasted (pg_column_size)" "$(b scan)"
line "scan, every value detoasted (interaction_count)" "$(b floor)"
line "send (stitch_send)" "$(b send)"
for form in $FORMS; do
	line "out ($form)" "$(b out_$form)"
	line "out+in ($form)" "$(b rt_$form)"
done
for form in $FORMS; do
	line "out+in / send ($form)" "$(ratio "$(b rt_$form)" "$(b send)")"
	line "out+in / send, both net of the detoasting scan ($form)" "$(ratio "$(b rt_$form) - $(b floor)" "$(b send) - $(b floor)")"
done
echo
echo "COPY over the whole table, ms (FROM ... WHERE false: every field parsed, nothing stored)"
line "TO file: binary" "$(b to_binary)"
for form in $FORMS; do line "TO file: $form" "$(b to_$form)"; done
line "FROM file: binary (recv) / into bytea (floor)" "$(b from_binary) / $(b floor_binary)"
for form in $FORMS; do line "FROM file: $form (in) / into text (floor)" "$(b from_$form) / $(b floor_$form)"; done
for form in $FORMS; do
	line "round trip (TO + FROM) / binary's ($form)" \
		"$(ratio "$(b to_$form) + $(b from_$form)" "$(b to_binary) + $(b from_binary)")"
	line "in / recv, both net of their floor ($form)" \
		"$(ratio "$(b from_$form) - $(b floor_$form)" "$(b from_binary) - $(b floor_binary)")"
done

echo
status=0
for form in $FORMS; do
	got=$(printf '%s\n' "$(form_set "$form")" "$RT_SQL" | q)
	echo "answer out+in ($form): $got interactions"
	[ "$got" = $((AGENTS * CALLS)) ] || { echo "  expected $((AGENTS * CALLS))"; status=1; }
done
exit $status
