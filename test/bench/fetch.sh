#!/bin/bash
# gcstitch-fetch benchmark (not a test): DAYS generated days (test/sample/make_export.pl, one seed a
# day) served by the stand-in API (test/fetch/fake_genesys.py, pages of 100, no faults) and fetched
# into an empty database, against the floor: the same pages imported with gcstitch.import(), one
# transaction each, from one psql session reading them from files. The two take turns over RUNS
# rounds; the best of each is kept. Usage: bash test/bench/fetch.sh [DAYS] [RUNS]
set -u
cd "$(dirname "$0")/../.."
. test/cluster.sh
DAYS=${1:-5}
RUNS=${2:-3}

build_and_install >/dev/null || { echo "build failed" >&2; exit 1; }
CLUSTER_EXTRA_CONF="jit = off" start_cluster || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-fetch-bench.XXXXXX")
FAKE_PID=
trap 'kill $FAKE_PID 2>/dev/null; stop_cluster; rm -rf "$WORK"' EXIT
FETCH=$("$PG_CONFIG" --bindir)/gcstitch-fetch
export FAKE_CLIENT_ID=bench-client FAKE_CLIENT_SECRET=bench-secret

# The days, merged into one export, and the same conversations cut into the pages the stand-in serves.
for i in $(seq 0 $((DAYS - 1))); do
	perl test/sample/make_export.pl --seed $((20241104 + i)) --day "$(date -u -d "2024-11-04 + $i days" +%F)" \
		>"$WORK/day$i.json"
done
/usr/bin/python3 - "$WORK" "$DAYS" <<'PY'
import json, sys
work, days = sys.argv[1], int(sys.argv[2])
conversations = []
for i in range(days):
    conversations += json.load(open("%s/day%d.json" % (work, i)))["conversations"]
json.dump({"conversations": conversations}, open(work + "/export.json", "w"))
conversations.sort(key=lambda c: c["conversationStart"])
with open(work + "/floor.sql", "w") as script:
    for n in range(0, len(conversations), 100):
        name = "%s/page%04d.json" % (work, n // 100)
        json.dump({"conversations": conversations[n:n + 100]}, open(name, "w"))
        script.write("\\set doc `cat %s`\nSELECT count(*) FROM gcstitch.import(:'doc') \\g /dev/null\n" % name)
print("%d conversations, %d pages" % (len(conversations), (len(conversations) + 99) // 100))
PY
echo '{"page_size": 100, "polls_pending": 1}' >"$WORK/scenario.json"
/usr/bin/python3 test/fetch/fake_genesys.py --export "$WORK/export.json" --scenario "$WORK/scenario.json" \
	--port-file "$WORK/port" --log "$WORK/fake.log" --lifetime 1800 &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$WORK/port")
TO=$(date -u -d "2024-11-04 + $DAYS days" +%FT%TZ)

fresh() { psql -X -q -c 'DROP DATABASE IF EXISTS bench_fetch' -c 'CREATE DATABASE bench_fetch' 2>/dev/null &&
	psql -X -q -d bench_fetch -c 'CREATE EXTENSION gcstitch'; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
best_floor=999999
best_fetch=999999
for r in $(seq "$RUNS"); do
	fresh
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d bench_fetch -f "$WORK/floor.sql" || exit 1
	t=$(calc "$(now) - $t0")
	echo "round $r floor: $t s"
	best_floor=$(calc "$t < $best_floor ? $t : $best_floor")
	fresh
	t0=$(now)
	GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=$FAKE_CLIENT_SECRET "$FETCH" --api-url "$URL" \
		--login-url "$URL" -d bench_fetch --from 2024-11-04T00:00:00Z --to "$TO" --job-hours $((24 * DAYS)) \
		--max-rate 0 --poll-cap 0.05 --backoff 0.01 -q || exit 1
	t=$(calc "$(now) - $t0")
	echo "round $r gcstitch-fetch: $t s"
	best_fetch=$(calc "$t < $best_fetch ? $t : $best_fetch")
done
mb=$(du -cb "$WORK"/page*.json | tail -1 | cut -f1)
conversations=$(psql -X -A -t -d bench_fetch -c 'SELECT count(*) FROM gcstitch.conversation')
printf 'pages: %s MB, %s conversations\n' "$(calc "$mb / 1000000")" "$conversations"
printf 'best floor (psql, import() per page): %s s, %s MB/s\n' "$best_floor" "$(calc "$mb / 1000000 / $best_floor")"
printf 'best gcstitch-fetch (HTTP + import()): %s s, %s MB/s\n' "$best_fetch" "$(calc "$mb / 1000000 / $best_fetch")"
printf 'gcstitch-fetch / floor: %s\n' "$(calc "$best_fetch / $best_floor")"
