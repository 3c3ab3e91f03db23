#!/bin/bash
# gcstitch-fetch against a stand-in of the Genesys Cloud API (test/fetch/fake_genesys.py, on
# 127.0.0.1 only, stopping by itself) and the real PostgreSQL of the harness, in TAP: ok / not ok
# lines. Run by test/run against its cluster (PGHOST/PGPORT set, gcstitch-fetch installed).
# The stand-in serves the sample day of test/sample/make_export.pl; the reference for "exactly the
# stand-in's conversations" is the same export imported directly with gcstitch.import().
set -u
cd "$(dirname "$0")/.."
n=0
report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
check() { local what=$1; shift; "$@"; report $? "$what"; }

BINDIR=$(${PG_CONFIG:-pg_config} --bindir)
FETCH=$BINDIR/gcstitch-fetch
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-fetch-test.XXXXXX")
FAKE_PID=
cleanup() { stop_fake; [ -n "${GCSTITCH_KEEP_TEST:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

# Credentials of the stand-in: distinctive strings, looked for afterwards where they must not be.
export FAKE_CLIENT_ID=gcstitch-test-client-7f3a9c
export FAKE_CLIENT_SECRET=s3cr3t-Q8vLr2pXw9-never-print
OUT=$WORK/out                    # every output of every run lands here, to be searched for them
mkdir -p "$OUT"

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
fresh_db() {
	psql_q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null &&
		psql_q -d "$1" -c 'CREATE EXTENSION gcstitch'
}
# Everything import() stores, in one line: counts and a digest of the rows (not the import times).
digest() {
	psql -X -A -t -d "$1" -c "
		SELECT (SELECT count(*) FROM gcstitch.conversation) || ' conversations, ' ||
		       (SELECT count(*) FROM gcstitch.segment) || ' segments, ' ||
		       (SELECT count(*) FROM gcstitch.metric) || ' metrics, ' ||
		       (SELECT md5(string_agg(c::text, '|' ORDER BY c::text)) FROM
		          (SELECT conversation_id, conversation_start, conversation_end, originating_direction,
		                  division_ids, last_event_at FROM gcstitch.conversation) c) || ' ' ||
		       (SELECT md5(string_agg(s::text, '|' ORDER BY s::text)) FROM gcstitch.segment s) || ' ' ||
		       (SELECT md5(string_agg(m::text, '|' ORDER BY m::text)) FROM gcstitch.metric m)"
}
sql_value() { psql -X -A -t -d "$1" -c "$2"; }

# start_fake NAME SCENARIO_JSON [EXPORT]: the stand-in, logging to $WORK/NAME.log.
start_fake() {
	local name=$1 scenario=$2 export=${3:-$WORK/export.json}
	stop_fake
	echo "$scenario" >"$WORK/$name.scenario.json"
	rm -f "$WORK/port"
	FAKE_LOG=$WORK/$name.log
	: >"$FAKE_LOG"
	$PY test/fetch/fake_genesys.py --export "$export" --scenario "$WORK/$name.scenario.json" \
		--port-file "$WORK/port" --log "$FAKE_LOG" --lifetime 240 >"$OUT/$name.fake.out" 2>&1 &
	FAKE_PID=$!
	for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
	FAKE_URL=http://127.0.0.1:$(cat "$WORK/port")
}
stop_fake() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
}

# run_fetch NAME DB ARGS...: gcstitch-fetch against the stand-in, output in $OUT/NAME.{out,err}.
# Short waits keep the fault scenarios quick; the waits themselves are what the options say.
run_fetch() {
	local name=$1 db=$2
	shift 2
	GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=$FAKE_CLIENT_SECRET \
		"$FETCH" --api-url "$FAKE_URL" --login-url "$FAKE_URL" --source test -d "$db" \
		--backoff 0.02 --backoff-cap 0.2 --poll-cap 0.1 --max-rate 0 "$@" \
		>"$OUT/$name.out" 2>"$OUT/$name.err"
}
lines() { grep -c '' "$1"; }

# ---- the data: the sample day, and its reference import
perl test/sample/make_export.pl >"$WORK/export.json"
# How many conversations the generator wrote (its "totalHits"): what every import must hold.
NCONV=$(perl -ne 'print $1 if /"totalHits":\s*(\d+)/' "$WORK/export.json")
fresh_db gcstitch_fetch_ref
psql_q -d gcstitch_fetch_ref -v file="$WORK/export.json" <<'SQL'
\set doc `cat :'file'`
SELECT * FROM gcstitch.import(:'doc') \g /dev/null
SQL
REF=$(digest gcstitch_fetch_ref)
check "the reference import holds the $NCONV conversations of the sample day" \
	test "$NCONV" -gt 400 -a "$(sql_value gcstitch_fetch_ref 'SELECT count(*) FROM gcstitch.conversation')" = "$NCONV"

# ---- --help names every option the program takes
missing=$(sed -n 's/^\t{"\([a-z-]*\)", .*/\1/p' fetch/options.c | while read -r opt; do
	"$FETCH" --help | grep -q -- "--$opt" || echo "$opt"; done)
check "--help documents every option ($(sed -n 's/^\t{"\([a-z-]*\)", .*/\1/p' fetch/options.c | wc -l) of them)" \
	test -z "$missing"

# ---- a clean fetch, four jobs of six hours
fresh_db gcstitch_fetch_a
start_fake clean '{"page_size": 50, "polls_pending": 2}'
run_fetch clean gcstitch_fetch_a --from 2024-11-04T00:00:00Z --to 2024-11-05T00:00:00Z --job-hours 6
rc=$?
check "a clean fetch exits 0 and prints nothing when not on a terminal" \
	test $rc -eq 0 -a ! -s "$OUT/clean.err" -a ! -s "$OUT/clean.out"
check "a clean fetch stores exactly the reference conversations, segments and metrics" \
	test "$(digest gcstitch_fetch_a)" = "$REF"
check "job requests are AsyncConversationQuery bodies whose intervals tile the range in order" \
	$PY test/fetch/check_log.py jobs "$FAKE_LOG" 2024-11-04T00:00:00.000Z 2024-11-05T00:00:00.000Z
check "each job's pages are read by cursor, in order, each once, the first without a cursor" \
	$PY test/fetch/check_log.py pages "$FAKE_LOG"
check "the token request is a client credentials grant with HTTP basic authentication" \
	test "$($PY test/fetch/check_log.py count "$FAKE_LOG" kind=token status=200 basic_ok=True \
		"grant_type=['client_credentials']" content_type=application/x-www-form-urlencoded)" = 1
check "fetch_interval records the four intervals as completed, with their pages and conversations" \
	test "$(sql_value gcstitch_fetch_a "SELECT count(*) || ' ' || sum(pages) || ' ' || bool_and(completed_at IS NOT NULL)
		|| ' ' || min(interval_start) || ' ' || max(interval_end) FROM gcstitch.fetch_interval WHERE source = 'test'")" = \
		"4 $($PY test/fetch/check_log.py count "$FAKE_LOG" kind=results status=200) true 2024-11-04 00:00:00+00 2024-11-05 00:00:00+00"

# ---- pointed at a coordinator over two shards (issue 15): the same conversations and views
views_digest() {
	sql_value "$1" "SELECT (SELECT md5(string_agg(i::text, '|' ORDER BY i::text)) FROM gcstitch.interaction i) || ' ' ||
	                       (SELECT md5(string_agg(a::text, '|' ORDER BY a::text)) FROM gcstitch.agent_interval a) || ' ' ||
	                       (SELECT md5(string_agg(q::text, '|' ORDER BY q::text)) FROM gcstitch.queue_interval q)"
}
fresh_db gcstitch_fetch_s1 && fresh_db gcstitch_fetch_s2 && fresh_db gcstitch_fetch_co &&
	psql_q -d gcstitch_fetch_co <<-SQL >/dev/null
		CREATE EXTENSION postgres_fdw;
		CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw
		    OPTIONS (host '$PGHOST', port '$PGPORT', dbname 'gcstitch_fetch_s1', extensions 'gcstitch');
		CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw
		    OPTIONS (host '$PGHOST', port '$PGPORT', dbname 'gcstitch_fetch_s2', extensions 'gcstitch');
		CREATE USER MAPPING FOR CURRENT_USER SERVER s1;
		CREATE USER MAPPING FOR CURRENT_USER SERVER s2;
		SELECT gcstitch.add_shard('s1'), gcstitch.add_shard('s2');
	SQL
start_fake coordinator '{"page_size": 50, "polls_pending": 1}'
run_fetch coordinator gcstitch_fetch_co --from 2024-11-04T00:00:00Z --to 2024-11-05T00:00:00Z --job-hours 12
rc=$?
home_conversations() {
	sql_value "$1" 'SELECT count(*) FROM gcstitch.conversation c
	                 WHERE NOT EXISTS (SELECT FROM gcstitch.shard_replica r WHERE r.conversation_id = c.conversation_id)'
}
check "a fetch into a coordinator exits 0; the shards are home to the $NCONV conversations, each once" \
	test $rc -eq 0 -a $(($(home_conversations gcstitch_fetch_s1) + $(home_conversations gcstitch_fetch_s2))) -eq "$NCONV" \
	-a "$(sql_value gcstitch_fetch_co 'SELECT count(DISTINCT conversation_id) FROM gcstitch.shard_conversation WHERE home')" = "$NCONV"
sql_value gcstitch_fetch_ref 'SELECT gcstitch.refresh()' >/dev/null
sql_value gcstitch_fetch_co 'SELECT gcstitch.refresh()' >/dev/null
check "the coordinator's interaction, agent_interval and queue_interval equal the reference import's" \
	test "$(views_digest gcstitch_fetch_co)" = "$(views_digest gcstitch_fetch_ref)"

# ---- every fault the API can throw at it, in one export
fresh_db gcstitch_fetch_b
start_fake faults '{"page_size": 40, "polls_pending": 3, "faults": [
	{"on": "availability", "nth": 1, "kind": "429"},
	{"on": "token", "nth": 1, "kind": "503"},
	{"on": "create", "nth": 1, "kind": "500"},
	{"on": "status", "nth": 2, "kind": "reset"},
	{"on": "results", "nth": 2, "kind": "429", "retry_after": 1},
	{"on": "results", "nth": 3, "count": 2, "kind": "500"},
	{"on": "results", "nth": 6, "kind": "drop"},
	{"on": "results", "nth": 8, "kind": "reset"},
	{"on": "results", "nth": 10, "kind": "truncate"},
	{"on": "results", "nth": 12, "kind": "expire_token"},
	{"on": "results", "nth": 14, "kind": "503"}]}'
run_fetch faults gcstitch_fetch_b --since-last --from 2024-11-04T00:00:00Z
rc=$?
check "with 429s, 5xx, dropped and reset connections, a truncated page and an expired token: exit 0" \
	test $rc -eq 0
check "... and exactly the reference data" test "$(digest gcstitch_fetch_b)" = "$REF"
check "... every faulty request was sent again until answered" \
	$PY test/fetch/check_log.py retried "$FAKE_LOG" 429 500 503 drop reset truncate expire_token
check "after a 429 with Retry-After: 1 the request came back no sooner than 1 s later" \
	$PY test/fetch/check_log.py retry_after "$FAKE_LOG"
check "an expired token was renewed by one more login (3 in all: first, after a 503, after expiry)" \
	test "$($PY test/fetch/check_log.py count "$FAKE_LOG" kind=token)" = 3
check "the pages were still read in order, each once, truncated one excepted" \
	$PY test/fetch/check_log.py pages "$FAKE_LOG"
check "without --verbose the faults it got past leave stderr empty" test ! -s "$OUT/faults.err"

# ---- jobs that fail, expire or lose their results are made again
fresh_db gcstitch_fetch_c
start_fake failed '{"page_size": 100, "fail_jobs": 1, "expire_jobs": 1, "faults": [
	{"on": "results", "nth": 2, "kind": "gone"}]}'
umask_saved=$(umask); umask 077
printf '# test credentials\nclient_id = %s\nclient_secret=%s\n' "$FAKE_CLIENT_ID" "$FAKE_CLIENT_SECRET" >"$WORK/creds"
umask "$umask_saved"
"$FETCH" --api-url "$FAKE_URL" --source test -d gcstitch_fetch_c --credentials-file "$WORK/creds" \
	--login-url "$FAKE_URL" --backoff 0.02 --poll-cap 0.1 --job-attempts 4 \
	--from 2024-11-04 --to 2024-11-05 >"$OUT/failed.out" 2>"$OUT/failed.err"
rc=$?
check "a FAILED, an EXPIRED and a job whose results went away are each replaced: exit 0, reference data" \
	test $rc -eq 0 -a "$(digest gcstitch_fetch_c)" = "$REF"
check "... four jobs made for the one interval, recorded in job_attempts" \
	test "$($PY test/fetch/check_log.py count "$FAKE_LOG" kind=create status=202)" = 4 -a \
	"$(sql_value gcstitch_fetch_c 'SELECT job_attempts FROM gcstitch.fetch_interval')" = 4
grep -q 'FAILED: Query failed: internal analytics error (stand-in); making a new job' "$OUT/failed.err" &&
	test "$(lines "$OUT/failed.err")" = 3
report $? "... the FAILED job is reported with Genesys's errorMessage; one line for each of the 3 jobs replaced"
check "credentials from a file only its owner can read" \
	test "$($PY test/fetch/check_log.py count "$FAKE_LOG" kind=token status=200)" = 1

fresh_db gcstitch_fetch_d
start_fake failing '{"fail_jobs": 10}'
run_fetch failing gcstitch_fetch_d --from 2024-11-04 --to 2024-11-05 --job-attempts 2 -q
rc=$?
check "jobs that keep failing: exit 1 and one line naming --job-attempts (-q hides the warnings)" \
	test $rc -eq 1 -a "$(lines "$OUT/failing.err")" = 1 -a \
	"$(cat "$OUT/failing.err")" = "gcstitch-fetch: no job for 2024-11-04T00:00:00.000Z..2024-11-05T00:00:00.000Z succeeded after 2 attempts (--job-attempts)"

# ---- slow jobs: polled with backoff until fulfilled, or given up after --job-timeout
fresh_db gcstitch_fetch_e
start_fake slow '{"polls_pending": 8, "page_size": 200}'
run_fetch slow gcstitch_fetch_e --from 2024-11-04 --to 2024-11-05
rc=$?
check "a job QUEUED then PENDING for 8 polls is waited for: exit 0, reference data, 9 polls" \
	test $rc -eq 0 -a "$(digest gcstitch_fetch_e)" = "$REF" -a \
	"$($PY test/fetch/check_log.py count "$FAKE_LOG" kind=status)" = 9
start_fake stuck '{"polls_pending": 100000, "availability": "2024-11-08T00:00:00.000Z"}'
run_fetch stuck gcstitch_fetch_e --from 2024-11-05 --to 2024-11-06 --job-timeout 1
rc=$?
test $rc -eq 1 -a "$(lines "$OUT/stuck.err")" = 1 && grep -q 'is still QUEUED after 1 s (--job-timeout)' "$OUT/stuck.err"
report $? "a job that never leaves QUEUED: exit 1, one line naming --job-timeout"

# ---- faults it cannot get past: one clear line, exit 1
start_fake down '{"availability": "2024-11-08T00:00:00.000Z",
	"faults": [{"on": "results", "nth": 1, "count": 1000, "kind": "500"}]}'
run_fetch down gcstitch_fetch_e --from 2024-11-06 --to 2024-11-07 --max-retries 2
rc=$?
test $rc -eq 1 -a "$(lines "$OUT/down.err")" = 1 &&
	grep -qF 'gave up after 3 attempts (HTTP 500: The service is unavailable. (internal.server.error))' "$OUT/down.err"
report $? "a results page answered 500 three times in a row: exit 1 with one line"
GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=wrong-secret "$FETCH" --api-url "$FAKE_URL" \
	--login-url "$FAKE_URL" --source test -d gcstitch_fetch_e --from 2024-11-05 --to 2024-11-06 >"$OUT/badcreds.out" 2>"$OUT/badcreds.err"
rc=$?
test $rc -eq 1 -a "$(lines "$OUT/badcreds.err")" = 1 &&
	grep -qF 'refused the client credentials (HTTP 401: client authentication failed (invalid_client))' "$OUT/badcreds.err"
report $? "wrong credentials: exit 1, one line with the login's answer"
env -u GCSTITCH_CLIENT_ID -u GCSTITCH_CLIENT_SECRET "$FETCH" --api-url "$FAKE_URL" --login-url "$FAKE_URL" \
	-d gcstitch_fetch_e --from 2024-11-05 >"$OUT/nocreds.out" 2>"$OUT/nocreds.err"
rc=$?
test $rc -eq 1 -a "$(lines "$OUT/nocreds.err")" = 1 && grep -q 'set GCSTITCH_CLIENT_ID and GCSTITCH_CLIENT_SECRET' "$OUT/nocreds.err"
report $? "no credentials: exit 1, one line saying where they go"
chmod 644 "$WORK/creds"
"$FETCH" --api-url "$FAKE_URL" --login-url "$FAKE_URL" -d gcstitch_fetch_e \
	--credentials-file "$WORK/creds" --from 2024-11-05 \
	>"$OUT/opencreds.out" 2>"$OUT/opencreds.err"
rc=$?
test $rc -eq 1 && grep -q 'can be read by other users: run chmod 600 on it' "$OUT/opencreds.err"
report $? "a credentials file others can read is refused"
"$FETCH" --api-url http://192.0.2.1/ -d gcstitch_fetch_e --from 2024-11-05 >"$OUT/plain.out" 2>"$OUT/plain.err"
rc=$?
test $rc -eq 2 && grep -q 'must be an https:// URL' "$OUT/plain.err"
report $? "plain http to another machine is refused before anything is sent (exit 2)"

# ---- strict and non-strict import of a page holding a conversation import() cannot read
$PY - "$WORK/export.json" "$WORK/export-bad.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
conversations = sorted(doc["conversations"], key=lambda c: c["conversationStart"])
bad = conversations[130]          # on the third page of 50
bad["participants"][0]["sessions"][0]["segments"][0]["segmentStart"] = "2024-11-04 10:00:00"
json.dump(doc, open(sys.argv[2], "w"))
PY
fresh_db gcstitch_fetch_f
start_fake bad '{"page_size": 50}' "$WORK/export-bad.json"
run_fetch bad gcstitch_fetch_f --from 2024-11-04 --to 2024-11-05
rc=$?
check "a conversation import() cannot read goes to import_reject, the other $((NCONV - 1)) are stored, one warning" \
	test $rc -eq 0 -a "$(sql_value gcstitch_fetch_f 'SELECT count(*) FROM gcstitch.conversation')" = $((NCONV - 1)) -a \
	"$(sql_value gcstitch_fetch_f 'SELECT count(*) FROM gcstitch.import_reject')" = 1 -a "$(lines "$OUT/bad.err")" = 1
fresh_db gcstitch_fetch_f
run_fetch badstrict gcstitch_fetch_f --from 2024-11-04 --to 2024-11-05 --strict
rc=$?
test $rc -eq 1 -a "$(lines "$OUT/badstrict.err")" = 1 -a \
	"$(sql_value gcstitch_fetch_f "SELECT count(*) || ' ' || (SELECT pages FROM gcstitch.fetch_interval) FROM gcstitch.conversation")" = "100 2" &&
	grep -q 'invalid conversation .* (SQLSTATE 22023)' "$OUT/badstrict.err"
report $? "--strict: exit 1, one line with import()'s error; the two pages before it stay, nothing of its page"

# ---- kill -9 in the middle of an export, then --since-last finishes it exactly
fresh_db gcstitch_fetch_g
start_fake crash '{"page_size": 20, "results_delay": 0.15}'
GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=$FAKE_CLIENT_SECRET "$FETCH" --api-url "$FAKE_URL" \
	--login-url "$FAKE_URL" --source test -d gcstitch_fetch_g --from 2024-11-04 --to 2024-11-05 --poll-cap 0.1 --backoff 0.02 \
	>"$OUT/crash1.out" 2>"$OUT/crash1.err" &
victim=$!
for _ in $(seq 200); do
	kill -0 "$victim" 2>/dev/null || break
	[ "$(sql_value gcstitch_fetch_g 'SELECT coalesce(max(pages), 0) FROM gcstitch.fetch_interval')" -ge 8 ] && break
	sleep 0.05
done
ps -o args= -p "$victim" >"$OUT/ps.out" 2>&1
tr '\0' ' ' <"/proc/$victim/cmdline" >"$OUT/cmdline.out" 2>&1
kill -9 "$victim"
wait "$victim" 2>/dev/null
sleep 0.3                        # the stand-in finishes logging the page it was sending
pages_at_kill=$(sql_value gcstitch_fetch_g 'SELECT pages FROM gcstitch.fetch_interval')
check "killed with -9 in the middle of the export (after page $pages_at_kill of 27)" \
	test "$pages_at_kill" -ge 8 -a "$pages_at_kill" -lt 27
results_before=$(lines "$FAKE_LOG")
run_fetch crash2 gcstitch_fetch_g --since-last
rc=$?
check "--since-last then completes: exit 0 and exactly the reference data" \
	test $rc -eq 0 -a "$(digest gcstitch_fetch_g)" = "$REF"
tail -n +"$((results_before + 1))" "$FAKE_LOG" >"$WORK/crash2.log"
check "... it took up the same job at the first page not committed (no new job for that interval)" \
	$PY - "$WORK/crash2.log" "$pages_at_kill" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
results = [e for e in log if e["kind"] == "results" and e["status"] == 200]
creates = [e["body"]["interval"] for e in log if e["kind"] == "create"]
ok = results and results[0]["offset"] == 20 * int(sys.argv[2]) and "cursor" in results[0]["query"] \
    and creates == ["2024-11-04T23:00:00.000Z/2024-11-05T00:00:00.000Z"]
sys.exit(0 if ok else 1)
PY
check "... then fetched from the last end minus the 60 minute overlap up to the data availability date" \
	test "$(sql_value gcstitch_fetch_g "SELECT string_agg(to_char(interval_start AT TIME ZONE 'UTC', 'DD HH24:MI') || '-' ||
		to_char(interval_end AT TIME ZONE 'UTC', 'DD HH24:MI'), ',' ORDER BY interval_start) FROM gcstitch.fetch_interval
		WHERE completed_at IS NOT NULL")" = "04 00:00-05 00:00,04 23:00-05 00:00"

# ---- --since-last with late updates: conversations still active at the first run end later
$PY - "$WORK/export.json" "$WORK/export-early.json" <<'PY'
import json, sys
cut = "2024-11-04T13:00:00.000Z"     # what Genesys had at 13:00: later ends and metrics not yet there
doc = json.load(open(sys.argv[1]))
kept = []
for c in doc["conversations"]:
    if c["conversationStart"] >= cut:
        continue
    if c.get("conversationEnd", "") > cut:
        del c["conversationEnd"]
    for p in c["participants"]:
        for s in p.get("sessions", []):
            s["segments"] = [g for g in s.get("segments", []) if g["segmentStart"] < cut]
            for g in s["segments"]:
                if g.get("segmentEnd", "") > cut:
                    del g["segmentEnd"]
            s["metrics"] = [m for m in s.get("metrics", []) if m.get("emitDate", "") < cut]
    kept.append(c)
doc["conversations"] = kept
json.dump(doc, open(sys.argv[2], "w"))
PY
fresh_db gcstitch_fetch_h
start_fake early '{"availability": "2024-11-04T13:00:00.000Z"}' "$WORK/export-early.json"
run_fetch early gcstitch_fetch_h --since-last --from 2024-11-04T00:00:00Z
active=$(sql_value gcstitch_fetch_h 'SELECT count(*) FROM gcstitch.conversation WHERE conversation_end IS NULL')
start_fake late '{"availability": "2024-11-05T00:00:00.000Z"}'
run_fetch late gcstitch_fetch_h --since-last
check "a second --since-last run replaces the $active conversations that were active at 13:00: reference data" \
	test "$active" -gt 0 -a "$(digest gcstitch_fetch_h)" = "$REF"
check "... its job started at 12:00, the first run's end (13:00) minus the overlap" \
	$PY test/fetch/check_log.py jobs "$FAKE_LOG" 2024-11-04T12:00:00.000Z 2024-11-05T00:00:00.000Z

# ---- --dry-run, the source lock, the request rate cap, progress on a terminal
fresh_db gcstitch_fetch_i
start_fake dry '{}'
run_fetch dry gcstitch_fetch_i --from 2024-11-04 --to 2024-11-05 --job-hours 12 --dry-run
printf 'POST %s/api/v2/analytics/conversations/details/jobs {"interval":"%s"}\n' \
	"$FAKE_URL" 2024-11-04T00:00:00.000Z/2024-11-04T12:00:00.000Z \
	"$FAKE_URL" 2024-11-04T12:00:00.000Z/2024-11-05T00:00:00.000Z >"$WORK/dry.expected"
diff "$WORK/dry.expected" "$OUT/dry.out" && test ! -s "$FAKE_LOG" -a \
	"$(sql_value gcstitch_fetch_i 'SELECT count(*) FROM gcstitch.fetch_interval')" = 0
report $? "--dry-run prints the two jobs it would make, makes none and records nothing"
psql -X -q -d gcstitch_fetch_i -c "SELECT pg_advisory_lock(1734570869, hashtext('test'))" -c 'SELECT pg_sleep(20)' \
	>/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
	[ "$(sql_value gcstitch_fetch_i "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1734570869")" = 1 ] && break
	sleep 0.05
done
run_fetch locked gcstitch_fetch_i --from 2024-11-04 --to 2024-11-05
rc=$?
check "another run holding the source: exit 3 and one line" \
	test $rc -eq 3 -a "$(cat "$OUT/locked.err")" = 'gcstitch-fetch: another gcstitch-fetch is fetching source "test" now'
sql_value gcstitch_fetch_i "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'
	AND classid = 1734570869" >/dev/null
wait "$holder" 2>/dev/null
run_fetch rate gcstitch_fetch_i --from 2024-11-04 --to 2024-11-05 --max-rate 4
check "--max-rate 4: no two requests less than 0.25 s apart (server clock, 10 ms slack)" \
	$PY - "$FAKE_LOG" <<'PY'
import json, sys
t = [json.loads(l)["t_in"] for l in open(sys.argv[1])]
sys.exit(0 if len(t) > 5 and min(b - a for a, b in zip(t, t[1:])) >= 0.24 else 1)
PY
fresh_db gcstitch_fetch_i
GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=$FAKE_CLIENT_SECRET script -qfec "$FETCH \
	--api-url $FAKE_URL --login-url $FAKE_URL --source test -d gcstitch_fetch_i --from 2024-11-04 --to 2024-11-05 --max-rate 0 \
	--poll-cap 0.1" /dev/null >"$OUT/tty.out" 2>&1
grep -q $'\r.*'"$NCONV"' conversations  [0-9.]* MB  [0-9.]* MB/s' "$OUT/tty.out" &&
	test "$(grep -c "1 interval, [0-9]* pages, $NCONV conversations (0 rejected)" "$OUT/tty.out")" = 1
report $? "on a terminal: an updating progress line (pages, conversations, MB, MB/s) and a summary"
run_fetch pastavail gcstitch_fetch_i --from 2024-11-05 --to 2024-11-06
rc=$?
test $rc -eq 0 -a "$(lines "$OUT/pastavail.err")" = 1 &&
	grep -qF 'gcstitch-fetch: --to is after the data availability date of Genesys Cloud (2024-11-05T00:00:00.000Z)' "$OUT/pastavail.err"
report $? "--to after the data availability date: one warning naming the date, exit 0"

# ---- valgrind on a full fetch
if command -v valgrind >/dev/null; then
	fresh_db gcstitch_fetch_j
	start_fake valgrind '{"page_size": 100}'
	GCSTITCH_CLIENT_ID=$FAKE_CLIENT_ID GCSTITCH_CLIENT_SECRET=$FAKE_CLIENT_SECRET valgrind -q \
		--leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$FETCH" --api-url "$FAKE_URL" --login-url "$FAKE_URL" --source test -d gcstitch_fetch_j --from 2024-11-04 --to 2024-11-05 \
		--poll-cap 0.1 --backoff 0.02 --max-rate 0 >"$OUT/valgrind.out" 2>"$OUT/valgrind.err"
	rc=$?
	check "valgrind memcheck on a full fetch: no error, nothing definitely or indirectly lost" \
		test $rc -eq 0 -a ! -s "$OUT/valgrind.err" -a "$(digest gcstitch_fetch_j)" = "$REF"
else
	report 1 "valgrind is not installed"
fi

# ---- the credentials never show: output, stand-in log, server log, ps, the databases
stop_fake
for db in gcstitch_fetch_a gcstitch_fetch_b gcstitch_fetch_c gcstitch_fetch_g gcstitch_fetch_h; do
	pg_dump -d "$db" >"$OUT/$db.dump" 2>&1
done
cp "$WORK"/*.log "$OUT/" 2>/dev/null
[ -r "${PGHOST:-}/server.log" ] && cp "$PGHOST/server.log" "$OUT/server.log"
check "the client id and secret appear in no output, stand-in log, server log, ps line or database dump" \
	test -s "$OUT/ps.out" -a -s "$OUT/gcstitch_fetch_a.dump" -a -z "$(grep -rlF -e "$FAKE_CLIENT_SECRET" -e "$FAKE_CLIENT_ID" "$OUT")"

echo "1..$n"
