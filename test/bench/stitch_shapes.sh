#!/bin/bash
# Stitching benchmark on four shapes of data (issue 14): the same GROUP BY on
#   shuffled   CLIENTS clients x 5 calls an hour apart (gen_calls.sql), rows in random order
#   keyed      the same rows stored key after key, each key's rows by start
#   busy_keyed AGENTS busy agents x CALLS calls back to back (gen_busy.sql), key after key, by start
#   busy_time  the same busy rows in time order (by start), as an import writes them
# For each shape: F = plain GROUP BY floor (count + sum), G = gcstitch.stitch GROUP BY client_id
# expanded through gcstitch.interactions(), 0 workers; on busy_time also G with 2 workers (the
# planner's choice, and the parallel plan forced).  Queries take turns over ROUNDS rounds (default
# 3), each keeps its best time; ratios come from this one run.  Also: aggregate state memory per
# segment (HashAggregate "Memory Usage"), the answers (the two orders of the same rows must agree;
# busy agents must give AGENTS x CALLS interactions), and a GROUP BY over BIG_KEYS (5 million) keys
# at work_mem 64MB, which must spill and complete.  Nothing is asserted beyond the answers.
#
# A/B mode: AB_BASE=<git ref> builds that commit's library and the working tree's as two extra
# libraries and times G of both (same query, the two libraries taking turns) on every shape:
#   AB_BASE=HEAD~1 bash test/bench/stitch_shapes.sh
# Usage: [CLIENTS=200000] [AGENTS=2000] [CALLS=500] [ROUNDS=3] [BIG_KEYS=5000000|0] bash test/bench/stitch_shapes.sh
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh

CLIENTS=${CLIENTS:-200000}
AGENTS=${AGENTS:-2000}
CALLS=${CALLS:-500}
ROUNDS=${ROUNDS:-3}
BIG_KEYS=${BIG_KEYS:-5000000}
WORK_MEM=${WORK_MEM:-1GB}
AB_BASE=${AB_BASE:-}
SHAPES="shuffled keyed busy_keyed busy_time"

ensure_packages || exit 1
build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
AB_DIR=

cleanup() {
	stop_cluster
	[ -z "$AB_DIR" ] || rm -rf "$AB_DIR"
}
trap cleanup EXIT

# Builds the library of a source tree under another name into $AB_DIR/lib, its calls bound inside
# itself (-Bsymbolic: PostgreSQL loads libraries RTLD_GLOBAL, two copies must not call each other).
build_ab_library() {
	local src=$1 name=$2
	make -s -C "$src" PG_CONFIG="$PG_CONFIG" MODULE_big="$name" SHLIB_LINK='-ljson-c -Wl,-Bsymbolic' \
		"$name.so" >/dev/null && install -m 755 "$src/$name.so" "$AB_DIR/lib/$name.so"
}

AB_CONF=
if [ -n "$AB_BASE" ]; then
	AB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-ab.XXXXXX")
	chmod 755 "$AB_DIR"
	mkdir -m 755 "$AB_DIR/base" "$AB_DIR/new" "$AB_DIR/lib"
	git archive "$AB_BASE" | tar -x -C "$AB_DIR/base" || exit 1
	tar -C . --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' -c . | tar -x -C "$AB_DIR/new"
	build_ab_library "$AB_DIR/base" gcstitch_ab_base || { echo "build of $AB_BASE failed" >&2; exit 1; }
	build_ab_library "$AB_DIR/new" gcstitch_ab_new || { echo "build of the working tree failed" >&2; exit 1; }
	# the two libraries are found by the server there, nothing is installed machine-wide
	AB_CONF="dynamic_library_path = '$AB_DIR/lib:\$libdir'"
fi

CLUSTER_EXTRA_CONF="shared_buffers = '2GB'
max_parallel_workers = 8
jit = off
$AB_CONF" start_cluster || exit 1

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION gcstitch' || exit 1

# Schema ab_<lib> with stitch() and interactions() from library gcstitch_ab_<lib>.
create_ab_schema() {
	local s=ab_$1 lib=gcstitch_ab_$1
	q <<SQL
CREATE SCHEMA $s;
CREATE FUNCTION $s.transfn(internal, timestamptz, timestamptz, text, text, interval) RETURNS internal
    AS '$lib', 'gcstitch_stitch_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;
CREATE FUNCTION $s.combinefn(internal, internal) RETURNS internal
    AS '$lib', 'gcstitch_stitch_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION $s.serialfn(internal) RETURNS bytea
    AS '$lib', 'gcstitch_stitch_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION $s.deserialfn(bytea, internal) RETURNS internal
    AS '$lib', 'gcstitch_stitch_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION $s.finalfn(internal) RETURNS gcstitch.stitch
    AS '$lib', 'gcstitch_stitch_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE $s.stitch(timestamptz, timestamptz, text, text, interval) (
    SFUNC = $s.transfn, STYPE = internal, SSPACE = 512, FINALFUNC = $s.finalfn,
    COMBINEFUNC = $s.combinefn, SERIALFUNC = $s.serialfn, DESERIALFUNC = $s.deserialfn,
    PARALLEL = SAFE);
CREATE FUNCTION $s.interactions(gcstitch.stitch)
    RETURNS TABLE (interaction_no int, started_at timestamptz, ended_at timestamptz, fragments int,
                   alert interval, talk interval, hold interval, acw interval, dialing interval,
                   contacting interval, other interval, handle interval, gap interval,
                   answered_at timestamptz, speed_of_answer interval)
    AS '$lib', 'gcstitch_interactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
SQL
}
if [ -n "$AB_BASE" ]; then
	create_ab_schema base || exit 1
	create_ab_schema new || exit 1
	LIBS="ab_base ab_new"
else
	LIBS="gcstitch"
fi

echo "generating $CLIENTS clients and $AGENTS busy agents x $CALLS calls ..." >&2
q -v clients="$CLIENTS" -f test/bench/gen_calls.sql || exit 1
q -v agents="$AGENTS" -v calls="$CALLS" -f test/bench/gen_busy.sql || exit 1
q <<SQL || exit 1
ALTER TABLE seg RENAME TO shuffled;
CREATE TABLE keyed AS SELECT * FROM shuffled ORDER BY client_id, seg_start;
CREATE TABLE busy_keyed AS SELECT * FROM busy ORDER BY client_id, seg_start;
CREATE TABLE busy_time AS SELECT * FROM busy ORDER BY seg_start;
DROP TABLE busy;
VACUUM ANALYZE keyed, busy_keyed, busy_time;
SQL
for t in $SHAPES; do q -c "SELECT count(*) FROM $t" >/dev/null; done   # warm-up

# One run of a query with \timing; prints its milliseconds, fails when the query does.
run_ms() {
	local sql=$1 t
	t=$(printf '%s\n' "SET work_mem = '$WORK_MEM';" "SET max_parallel_workers_per_gather = ${WORKERS:-0};" "${EXTRA:-}" \
		'\timing on' "$sql" | q 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
	[ -n "$t" ] || { echo "query failed: $sql" >&2; return 1; }
	printf '%.0f' "$t"
}

f_sql() {
	echo "SELECT count(*), sum(n), sum(d) FROM (
  SELECT client_id, count(*) AS n, sum(seg_end - seg_start) AS d FROM $1 GROUP BY client_id) q;"
}
# G on table $1 with the aggregate and interactions() of schema $2.
g_sql() {
	echo "SELECT count(*), sum(i.talk), sum(i.gap), sum(i.fragments) FROM (
  SELECT client_id, $2.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st
    FROM $1 GROUP BY client_id) a CROSS JOIN LATERAL $2.interactions(a.st) i;"
}

# The aggregate alone on table $1 (one number per group: no interactions() rows to expand).
a_sql() {
	echo "SELECT sum(gcstitch.interaction_count(a.st)) FROM (
  SELECT client_id, $2.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st
    FROM $1 GROUP BY client_id) a;"
}

# Best times, by name (F_<shape>, G_<lib>_<shape>, G2_<lib>, G2F_<lib>).
declare -A BEST
keep_best() {
	local name=$1 t
	t=$(run_ms "$2") || exit 1
	if [ -z "${BEST[$name]:-}" ] || [ "$t" -lt "${BEST[$name]}" ]; then BEST[$name]=$t; fi
}

# Every query takes its turn in each round; the order flips from round to round.
for round in $(seq "$ROUNDS"); do
	echo "round $round of $ROUNDS ..." >&2
	for shape in $SHAPES; do
		turns="F $LIBS"
		[ $((round % 2)) -eq 0 ] && turns=$(echo "$turns" | tr ' ' '\n' | tac | paste -sd' ')
		for who in $turns; do
			if [ "$who" = F ]; then
				keep_best "F_$shape" "$(f_sql "$shape")"
			else
				keep_best "G_${who}_$shape" "$(g_sql "$shape" "$who")"
			fi
		done
	done
	for lib in $LIBS; do
		WORKERS=2 keep_best "G2_$lib" "$(g_sql busy_time "$lib")"
		WORKERS=2 EXTRA="SET parallel_tuple_cost = 0.01;" keep_best "G2F_$lib" "$(g_sql busy_time "$lib")"
	done
	# where the 2-worker time goes: the floor and the aggregate without interactions(), both ways
	for w in 0 2; do
		forced=; [ $w -eq 0 ] || forced="SET parallel_tuple_cost = 0.01;"
		WORKERS=$w EXTRA=$forced keep_best "F${w}_parts" "$(f_sql busy_time)"
		WORKERS=$w EXTRA=$forced keep_best "A${w}_parts" "$(a_sql busy_time "${LIBS##* }")"
	done
done

mem_kb() {
	printf '%s\n' "SET work_mem = '$WORK_MEM';" "SET max_parallel_workers_per_gather = 0;" "SET enable_sort = off;" \
		"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $1" | q | sed -n 's/.*Memory Usage: \([0-9]*\)kB.*/\1/p' | head -n 1
}
answer() { printf '%s\n' "SET work_mem = '$WORK_MEM';" "$1" | q; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
plan_of() {
	printf '%s\n' "SET max_parallel_workers_per_gather = 2;" "SET work_mem = '$WORK_MEM';" "${2:-}" "EXPLAIN (COSTS OFF) $1" |
		q | grep -oE '(Finalize|Partial) [A-Za-z]+|Workers Planned: [0-9]+' | paste -sd, -
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "Stitching shapes: $(nproc) cores ($cpu); PostgreSQL $(q -c 'SHOW server_version');"
echo "work_mem = $WORK_MEM, shared_buffers = 2GB, jit off; best of $ROUNDS interleaved rounds${AB_BASE:+; A/B: base = $AB_BASE, new = working tree}."
declare -A ANS
for shape in $SHAPES; do
	rows=$(q -c "SELECT count(*) FROM $shape")
	keys=$(q -c "SELECT count(DISTINCT client_id) FROM $shape")
	f_kb=$(mem_kb "SELECT client_id, count(*), sum(seg_end - seg_start) FROM $shape GROUP BY client_id")
	echo
	echo "$shape: $rows segments, $keys keys"
	printf '  %-44s %10s\n' "F floor" "${BEST[F_$shape]} ms" "F state per segment" "$(ratio "$f_kb * 1024" "$rows") B"
	for lib in $LIBS; do
		g_kb=$(mem_kb "SELECT client_id, $lib.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') FROM $shape GROUP BY client_id")
		ANS[${lib}_$shape]=$(answer "$(g_sql "$shape" "$lib")")
		printf '  %-44s %10s\n' "G $lib" "${BEST[G_${lib}_$shape]} ms" \
			"G / F ($lib)" "$(ratio "${BEST[G_${lib}_$shape]}" "${BEST[F_$shape]}")" \
			"G state per segment ($lib)" "$(ratio "$g_kb * 1024" "$rows") B"
	done
	if [ -n "$AB_BASE" ]; then
		printf '  %-44s %10s\n' "G new / G base" "$(ratio "${BEST[G_ab_new_$shape]}" "${BEST[G_ab_base_$shape]}")"
	fi
done
echo
echo "busy_time with 2 workers"
for lib in $LIBS; do
	g1=${BEST[G_${lib}_busy_time]}
	plan=$(plan_of "$(g_sql busy_time "$lib")")
	printf '  %-44s %10s\n' "G2 $lib [${plan:-no parallel plan}]" "${BEST[G2_$lib]} ms" \
		"G2 / G ($lib)" "$(ratio "${BEST[G2_$lib]}" "$g1")" \
		"G2 forced (parallel_tuple_cost 0.01) $lib" "${BEST[G2F_$lib]} ms" \
		"G2 forced / G ($lib)" "$(ratio "${BEST[G2F_$lib]}" "$g1")"
done
lib=${LIBS##* }
g0=${BEST[G_${lib}_busy_time]} g2=${BEST[G2F_$lib]}
echo "  where the time goes ($lib; 0 workers -> 2, parallel plans forced):"
printf '  %-44s %10s\n' "F floor" "${BEST[F0_parts]} -> ${BEST[F2_parts]} ms" \
	"A = F + the aggregate (interaction_count)" "${BEST[A0_parts]} -> ${BEST[A2_parts]} ms" \
	"G = A + interactions() rows and their sums" "$g0 -> $g2 ms" \
	"aggregate's share, A - F" "$((BEST[A0_parts] - BEST[F0_parts])) -> $((BEST[A2_parts] - BEST[F2_parts])) ms" \
	"expansion's share, G - A (runs in the leader)" "$((g0 - BEST[A0_parts])) -> $((g2 - BEST[A2_parts])) ms"
if [ -n "$AB_BASE" ]; then
	printf '  %-44s %10s\n' "G2 new / G2 base" "$(ratio "${BEST[G2_ab_new]}" "${BEST[G2_ab_base]}")" \
		"G2 forced new / base" "$(ratio "${BEST[G2F_ab_new]}" "${BEST[G2F_ab_base]}")"
fi

echo
status=0
for lib in $LIBS; do
	echo "answers $lib (interactions|talk|gap|fragments):"
	for shape in $SHAPES; do printf '  %-12s %s\n' "$shape" "${ANS[${lib}_$shape]}"; done
	[ "${ANS[${lib}_shuffled]}" = "${ANS[${lib}_keyed]}" ] || { echo "  shuffled and keyed DIFFER"; status=1; }
	[ "${ANS[${lib}_busy_keyed]}" = "${ANS[${lib}_busy_time]}" ] || { echo "  busy_keyed and busy_time DIFFER"; status=1; }
	[ "${ANS[${lib}_busy_time]%%|*}" = $((AGENTS * CALLS)) ] ||
		{ echo "  busy agents: expected $((AGENTS * CALLS)) interactions"; status=1; }
done
if [ -n "$AB_BASE" ]; then
	for shape in $SHAPES; do
		[ "${ANS[ab_base_$shape]}" = "${ANS[ab_new_$shape]}" ] || { echo "base and new DIFFER on $shape"; status=1; }
	done
fi

if [ "$BIG_KEYS" -gt 0 ]; then
	echo "$BIG_KEYS distinct keys ..." >&2
	q <<SQL || exit 1
CREATE TABLE big AS
SELECT i AS client_id, t AS seg_start, t + interval '90 seconds' AS seg_end, 'interact' AS seg_type, 's' || i AS session_id
  FROM generate_series(1, $BIG_KEYS) i, LATERAL (SELECT timestamptz '2024-06-03 07:00:00+00' + (i % 86400) * interval '1 second') x(t);
VACUUM ANALYZE big;
SQL
	lib=${LIBS##* }
	big_out=$(printf '%s\n' "SET work_mem = '64MB';" "SET max_parallel_workers_per_gather = 0;" "SET enable_sort = off;" '\timing on' \
		"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*), sum(gcstitch.talk(st)) FROM (SELECT client_id, $lib.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st FROM big GROUP BY client_id) a;" |
		q 2>&1)
	big_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$big_out" | tail -n 1)
	if [ -n "$big_ms" ]; then
		printf '%-46s %s\n' "$BIG_KEYS keys, work_mem 64MB ($lib):" \
			"$(grep -o 'HashAggregate (actual rows=[0-9]*' <<<"$big_out" | head -n 1 | grep -o '[0-9]*$') groups, $(sed -n 's/.*Batches: \([0-9]*\).*/\1/p' <<<"$big_out" | head -n 1) batches, $(sed -n 's/.*Disk Usage: \([0-9]*\)kB.*/\1/p' <<<"$big_out" | head -n 1 | grep . || echo 0) kB spilled, $(printf '%.0f' "$big_ms") ms"
	else
		echo "$BIG_KEYS keys, work_mem 64MB: FAILED"
		echo "$big_out"
		status=1
	fi
fi
exit $status
