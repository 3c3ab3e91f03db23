#!/bin/bash
# Service level aggregate timings on 1,000,000 random calls, against count(*) and a pure-SQL reference
# with FILTER clauses (whose counts must match); per-row queue_threshold() against a join.
# Prints the best of 3 runs of each query in ms and ratios. Own throwaway cluster.
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
build_and_install || { echo "build failed" >&2; exit 1; }
start_cluster || exit 1
trap stop_cluster EXIT

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE EXTENSION gcstitch' || exit 1
q <<'SQL' || exit 1
SELECT setseed(0.42);
CREATE TABLE bench_call AS
SELECT 'q' || (random() * 19)::int AS queue_id,
       make_interval(secs => round((random() * 60)::numeric, 3)) AS wait,
       random() < 0.8 AS answered, random() < 0.05 AS flowed_out
FROM generate_series(1, 1000000);
UPDATE bench_call SET flowed_out = false WHERE answered;
INSERT INTO gcstitch.queue (queue_id, sl_threshold) SELECT 'q' || i, make_interval(secs => 10 + i) FROM generate_series(0, 9) i;
VACUUM ANALYZE bench_call;
SQL

best() {	# best of 3, in ms
	local sql=$1 settings=$2 t best=
	for _ in 1 2 3; do
		t=$(psql -X -q -At -c "$settings" -c '\timing on' -c "$sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
		[ -z "$best" ] || awk "BEGIN{exit !($t < $best)}" && best=$t
	done
	echo "$best"
}
serial='SET max_parallel_workers_per_gather = 0'
parallel='SET max_parallel_workers_per_gather = 4; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0'
sl8="gcstitch.service_level(wait, answered, '20 seconds', '10 seconds', true, true, true, flowed_out)"
ref="SELECT count(*), count(*) FILTER (WHERE answered), count(*) FILTER (WHERE answered AND wait <= '20 seconds'),
  count(*) FILTER (WHERE NOT answered AND NOT flowed_out), count(*) FILTER (WHERE NOT answered AND NOT flowed_out AND wait < '10 seconds'),
  count(*) FILTER (WHERE NOT answered AND flowed_out) FROM bench_call"
got=$(q -c "SELECT gcstitch.offered(s) || '|' || gcstitch.answered(s) || '|' || gcstitch.answered_in_threshold(s) || '|'
  || gcstitch.abandoned(s) || '|' || gcstitch.short_abandoned(s) || '|' || gcstitch.flow_outs(s) FROM (SELECT $sl8 AS s FROM bench_call) v")
want=$(q -c "$ref")
[ "$got" = "$want" ] && echo "counts match the SQL reference: $got" || { echo "MISMATCH: $got vs $want"; exit 1; }

base=$(best 'SELECT count(*) FROM bench_call' "$serial")
t3=$(best "SELECT gcstitch.service_level(wait, answered, '20 seconds') FROM bench_call" "$serial")
t8=$(best "SELECT $sl8 FROM bench_call" "$serial")
tref=$(best "$ref" "$serial")
tp=$(best "SELECT $sl8 FROM bench_call" "$parallel")
tg=$(best "SELECT queue_id, gcstitch.service_level(wait, answered, gcstitch.queue_threshold(queue_id)) FROM bench_call GROUP BY 1" "$serial")
tj=$(best "SELECT c.queue_id, gcstitch.service_level(c.wait, c.answered, coalesce(q.sl_threshold, '20 seconds'))
           FROM bench_call c LEFT JOIN gcstitch.queue q USING (queue_id) GROUP BY 1" "$serial")
printf '%-58s %8s ms\n' \
	"count(*), 1M rows, serial" "$base" \
	"service_level, 3 arguments, serial" "$t3" \
	"service_level, 8 arguments, serial" "$t8" \
	"pure-SQL reference (6 FILTERed counts), serial" "$tref" \
	"service_level, 8 arguments, 4 workers" "$tp" \
	"per queue, threshold by queue_threshold() per row" "$tg" \
	"per queue, threshold by LEFT JOIN queue + coalesce" "$tj"
awk "BEGIN{printf \"ratios: 8-arg/count %.2f, 8-arg/reference %.2f, serial/parallel %.2f, per-row lookup/join %.2f\n\", $t8/$base, $t8/$tref, $t8/$tp, $tg/$tj}"
