#!/bin/bash
# Stitching benchmark (issue 3): one table of >= 4 million segments over 200,000 client ids (about a
# million interactions, fragmented, with overlaps), three timings and their ratios:
#   F  floor: SELECT client_id, count(*), sum(seg_end - seg_start) ... GROUP BY client_id
#   X  the exact pure-SQL gaps-and-islands (running max end) with range_agg unions per type
#   G  gcstitch.stitch(...) GROUP BY client_id expanded through gcstitch.interactions()
# with max_parallel_workers_per_gather = 0, then G with 2 workers; bytes of aggregate state per
# segment; and a GROUP BY over 5 million distinct keys with work_mem = 64MB (hash aggregate spills).
# Timings are the best of ROUNDS (default 3) rounds in which the queries take turns, after a
# warm-up scan; nothing here is asserted.
# Usage: bash test/bench/stitch.sh [clients]     (default 200000; a smaller number for a quick try)
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh

CLIENTS=${1:-200000}
BIG_KEYS=${BIG_KEYS:-5000000}
WORK_MEM=${WORK_MEM:-1GB}
ROUNDS=${ROUNDS:-3}

ensure_packages || exit 1
build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="shared_buffers = '2GB'
max_parallel_workers = 8
jit = off" start_cluster || exit 1
trap stop_cluster EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION gcstitch' || exit 1

# One run of a query with \timing; prints its milliseconds, fails when the query does.
run_ms() {
	local sql=$1 t
	t=$(printf '%s\n' "SET work_mem = '$WORK_MEM';" "SET max_parallel_workers_per_gather = ${WORKERS:-0};" "${EXTRA:-}" \
		'\timing on' "$sql" | q 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1)
	[ -n "$t" ] || { echo "query failed: $sql" >&2; return 1; }
	printf '%.0f' "$t"
}

# The smaller of a best-so-far ($1, empty at first) and a new time ($2).
min_ms() {
	if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}

echo "generating $CLIENTS clients ..." >&2
q -v clients="$CLIENTS" -f test/bench/gen_calls.sql || exit 1

segments=$(q -c 'SELECT count(*) FROM seg')
clients=$(q -c 'SELECT count(DISTINCT client_id) FROM seg')
table_mb=$(q -c "SELECT pg_table_size('seg') / 1048576")
q -c 'SELECT count(*) FROM seg' >/dev/null   # warm-up

F_SQL="SELECT count(*), sum(n), sum(d) FROM (
  SELECT client_id, count(*) AS n, sum(seg_end - seg_start) AS d FROM seg GROUP BY client_id) q;"
G_SQL="SELECT count(*), sum(i.talk), sum(i.gap), sum(i.fragments) FROM (
  SELECT client_id, gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st
    FROM seg GROUP BY client_id) a CROSS JOIN LATERAL gcstitch.interactions(a.st) i;"
X_SQL="WITH w AS (
  SELECT client_id, seg_type, session_id, seg_start, seg_end,
         CASE WHEN seg_type IN ('alert', 'interact', 'hold', 'wrapup', 'dialing', 'contacting')
              THEN seg_type ELSE 'other' END AS kind,
         max(seg_end) OVER (PARTITION BY client_id ORDER BY seg_start, seg_end
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
    FROM seg),
r AS (
  SELECT *, count(*) FILTER (WHERE prev_max IS NULL OR seg_start - prev_max > interval '30 seconds')
              OVER (PARTITION BY client_id ORDER BY seg_start, seg_end ROWS UNBOUNDED PRECEDING) AS island
    FROM w),
per_kind AS (
  SELECT client_id, island, kind,
         (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(seg_start, seg_end, '[]'))) x) AS len
    FROM r GROUP BY client_id, island, kind),
per_island AS (
  SELECT client_id, island, min(seg_start) AS started_at, max(seg_end) AS ended_at,
         greatest(count(DISTINCT session_id), 1) AS fragments,
         (SELECT sum(upper(x) - lower(x)) FROM unnest(range_agg(tstzrange(seg_start, seg_end, '[]'))) x) AS covered,
         min(seg_start) FILTER (WHERE seg_type = 'interact') AS answered_at,
         min(seg_start) FILTER (WHERE seg_type = 'alert') AS first_alert
    FROM r GROUP BY client_id, island),
res AS (
  SELECT i.client_id, i.island, i.fragments, i.answered_at, i.answered_at - i.first_alert AS speed_of_answer,
         coalesce(sum(len) FILTER (WHERE kind = 'interact'), '0') AS talk,
         coalesce(sum(len) FILTER (WHERE kind = 'hold'), '0') AS hold,
         coalesce(sum(len) FILTER (WHERE kind = 'wrapup'), '0') AS acw,
         coalesce(sum(len) FILTER (WHERE kind = 'alert'), '0') AS alert,
         coalesce(sum(len) FILTER (WHERE kind IN ('interact', 'hold', 'wrapup', 'dialing', 'contacting')), '0') AS handle,
         coalesce(sum(len) FILTER (WHERE kind = 'other'), '0') AS other,
         (i.ended_at - i.started_at) - i.covered AS gap
    FROM per_island i JOIN per_kind k USING (client_id, island)
   GROUP BY i.client_id, i.island, i.fragments, i.answered_at, i.first_alert, i.started_at, i.ended_at, i.covered)
SELECT count(*), sum(talk), sum(gap), sum(fragments) FROM res;"

# The machine's speed drifts over minutes (shared cores): the queries take turns, round after
# round, and each keeps its best time, so a slow spell does not fall on one query only.
# G2 is the planner's own choice with 2 workers (serial when it rejects the parallel plan);
# G2F forces the parallel plan it may have rejected.
F= G= G2= G2F= X=
for round in $(seq "$ROUNDS"); do
	echo "round $round of $ROUNDS: F, G, G2, G2F, X ..." >&2
	t=$(run_ms "$F_SQL") || exit 1; F=$(min_ms "$F" "$t")
	t=$(run_ms "$G_SQL") || exit 1; G=$(min_ms "$G" "$t")
	t=$(WORKERS=2 run_ms "$G_SQL") || exit 1; G2=$(min_ms "$G2" "$t")
	t=$(WORKERS=2 EXTRA="SET parallel_tuple_cost = 0.01;" run_ms "$G_SQL") || exit 1; G2F=$(min_ms "$G2F" "$t")
	t=$(run_ms "$X_SQL") || exit 1; X=$(min_ms "$X" "$t")
done

# Same answers: islands, talk, gap, fragments from G and from X.
g_res=$(printf '%s\n' "SET work_mem = '$WORK_MEM';" "$G_SQL" | q)
x_res=$(printf '%s\n' "SET work_mem = '$WORK_MEM';" "$X_SQL" | q)
g2_plan=$(printf '%s\n' "SET max_parallel_workers_per_gather = 2;" "SET work_mem = '$WORK_MEM';" \
	"EXPLAIN (COSTS OFF) $G_SQL" | q | grep -oE '(Finalize|Partial) [A-Za-z]+|Workers Planned: [0-9]+' | paste -sd, -)
[ -n "$g2_plan" ] || g2_plan="no parallel plan"

# State: the hash table's memory (HashAggregate "Memory Usage", which counts the aggregate states
# kept in its context) per input segment, for G and for F; and the stored values' size per segment.
mem_kb() {
	printf '%s\n' "SET work_mem = '$WORK_MEM';" "SET max_parallel_workers_per_gather = 0;" "SET enable_sort = off;" \
		"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $1" | q | sed -n 's/.*HashAggregate.*//; s/.*Memory Usage: \([0-9]*\)kB.*/\1/p' | head -n 1
}
g_kb=$(mem_kb "SELECT client_id, gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') FROM seg GROUP BY client_id")
f_kb=$(mem_kb "SELECT client_id, count(*), sum(seg_end - seg_start) FROM seg GROUP BY client_id")
stored=$(q -c "SELECT sum(pg_column_size(st)) FROM (SELECT gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st FROM seg GROUP BY client_id) a")

# 5 million distinct keys, work_mem = 64MB, hash aggregation forced: it must spill and complete.
echo "5M distinct keys ..." >&2
q <<SQL || exit 1
CREATE TABLE big AS
SELECT i AS client_id, t AS seg_start, t + interval '90 seconds' AS seg_end, 'interact' AS seg_type, 's' || i AS session_id
  FROM generate_series(1, $BIG_KEYS) i, LATERAL (SELECT timestamptz '2024-06-03 07:00:00+00' + (i % 86400) * interval '1 second') x(t);
VACUUM ANALYZE big;
SQL
big_out=$(printf '%s\n' "SET work_mem = '64MB';" "SET max_parallel_workers_per_gather = 0;" "SET enable_sort = off;" '\timing on' \
	"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*), sum(gcstitch.talk(st)) FROM (SELECT client_id, gcstitch.stitch(seg_start, seg_end, seg_type, session_id, interval '30 seconds') AS st FROM big GROUP BY client_id) a;" \
	| q 2>&1)
big_status=$?
big_batches=$(sed -n 's/.*Batches: \([0-9]*\).*/\1/p' <<<"$big_out" | head -n 1)
big_disk=$(sed -n 's/.*Disk Usage: \([0-9]*\)kB.*/\1/p' <<<"$big_out" | head -n 1)
big_ms=$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$big_out" | tail -n 1)
big_rows=$(grep -o 'HashAggregate (actual rows=[0-9]*' <<<"$big_out" | head -n 1 | grep -o '[0-9]*$')

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "Stitching benchmark: $segments segments, $clients clients, table ${table_mb} MB; $(nproc) cores ($cpu);"
echo "PostgreSQL $(q -c 'SHOW server_version'), lc_collate $(q -c 'SHOW lc_collate'), work_mem = $WORK_MEM, shared_buffers = 2GB, jit off;"
echo "best of $ROUNDS interleaved rounds."
printf '%-58s %12s\n' "measure" "value"
printf '%-58s %12s\n' "F   floor: count + sum GROUP BY client_id (0 workers)" "$F ms"
printf '%-58s %12s\n' "X   pure SQL: running max + range_agg per type (0 workers)" "$X ms"
printf '%-58s %12s\n' "G   stitch GROUP BY client_id + interactions() (0 workers)" "$G ms"
printf '%-58s %12s\n' "G2  same with 2 workers [$g2_plan]" "$G2 ms"
printf '%-58s %12s\n' "G2f same, parallel plan forced (parallel_tuple_cost 0.01)" "$G2F ms"
printf '%-58s %12s\n' "X / G   (target >= 10)" "$(ratio "$X" "$G")"
printf '%-58s %12s\n' "G / F   (target <= 2, aim 1.5)" "$(ratio "$G" "$F")"
printf '%-58s %12s\n' "G2 / G  (target < 1)" "$(ratio "$G2" "$G")"
printf '%-58s %12s\n' "G2f / G" "$(ratio "$G2F" "$G")"
printf '%-58s %12s\n' "G hash table memory per segment (HashAggregate)" "$(ratio "$g_kb * 1024" "$segments") B"
printf '%-58s %12s\n' "F hash table memory per segment (HashAggregate)" "$(ratio "$f_kb * 1024" "$segments") B"
printf '%-58s %12s\n' "stored gcstitch.stitch bytes per segment (pg_column_size)" "$(ratio "$stored" "$segments") B"
printf '%-58s %12s\n' "G answer (islands|talk|gap|fragments)" "$g_res"
printf '%-58s %12s\n' "X answer (islands|talk|gap|fragments)" "$x_res"
printf '%-58s %12s\n' "same answer" "$([ "$g_res" = "$x_res" ] && echo yes || echo NO)"
if [ $big_status -eq 0 ] && [ -n "$big_ms" ]; then
	printf '%-58s %12s\n' "$BIG_KEYS keys, work_mem 64MB: groups / batches / disk" "${big_rows:-?} / ${big_batches:-?} / ${big_disk:-0} kB"
	printf '%-58s %12s\n' "$BIG_KEYS keys, work_mem 64MB: time" "$(printf '%.0f' "$big_ms") ms"
else
	echo "$BIG_KEYS keys, work_mem 64MB: FAILED"
	echo "$big_out"
	exit 1
fi
