#!/bin/bash
# Builds the libFuzzer harnesses of test/fuzz/ and runs each for SECONDS, from the seed corpus
# (make_corpus.pl, regenerated every run) plus what earlier runs found (test/fuzz/build/corpus/,
# kept). Prints one TAP line per harness ("ok N - fuzz_json: RUNS runs, cov ...") and "1..N".
# A crash, a memory error, a leak, an unexpected SQLSTATE or a broken round trip is "not ok", with
# the end of libFuzzer's log; the input that did it is kept in test/fuzz/build/findings/HARNESS/
# (replay: test/fuzz/build/fuzz_HARNESS FILE). Without clang and its libFuzzer runtime it prints
# why it skips and exits 0.
# Usage: bash test/fuzz/run.sh SECONDS [HARNESS ...]   (harnesses: json service_level_in
#        service_level_recv stitch_in stitch_compact stitch_recv; default all)
set -u
cd "$(dirname "$0")"
seconds=${1:?usage: run.sh SECONDS [HARNESS ...]}
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(json service_level_in service_level_recv stitch_in stitch_compact stitch_recv)
BUILD=build
mkdir -p $BUILD

fuzzer_runtime=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
if ! command -v clang >/dev/null || [ ! -f "$fuzzer_runtime" ]; then
	echo "# fuzzing skipped: clang with its libFuzzer runtime is not installed (Debian: clang libclang-rt-dev)"
	exit 0
fi

if ! make -s -j2 BUILD=$BUILD PG_CONFIG="${PG_CONFIG:-pg_config}" >$BUILD/make.log 2>&1; then
	cat $BUILD/make.log
	echo "not ok 1 - fuzz harnesses build"
	echo "1..1"
	exit 1
fi

rm -rf $BUILD/seeds
perl make_corpus.pl $BUILD/seeds >/dev/null || { echo "not ok 1 - seed corpus"; echo "1..1"; exit 1; }
for type in service_level stitch; do
	mkdir -p $BUILD/seeds/${type}_recv
	$BUILD/seed_binary $type $BUILD/seeds/${type}_recv <$BUILD/seeds/$type.txt >/dev/null
done
# every stitch literal in the compact form too (and the compact literals of the tests)
mkdir -p $BUILD/seeds/stitch_compact
$BUILD/seed_binary stitch_compact $BUILD/seeds/stitch_compact <$BUILD/seeds/stitch.txt >/dev/null

n=0
status=0
for h in "${harnesses[@]}"; do
	n=$((n + 1))
	mkdir -p $BUILD/corpus/$h $BUILD/findings/$h
	options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -artifact_prefix=$BUILD/findings/$h/)
	[ "$h" = json ] && options+=(-dict=$BUILD/seeds/json.dict)
	log=$BUILD/$h.log
	$BUILD/fuzz_$h "${options[@]}" $BUILD/corpus/$h $BUILD/seeds/$h >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	edges=$(sed -n 's/.*Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz_$h: ${runs:-?} runs in ${seconds} s, cov ${cov:-?} of ${edges:-?} edges, ft ${ft:-?}, corpus ${corp:-?}"
	else
		tail -n 40 "$log" | sed 's/^/# /'
		echo "not ok $n - fuzz_$h: exit $rc after ${runs:-?} runs; input kept in test/fuzz/$BUILD/findings/$h/"
		status=1
	fi
done
echo "1..$n"
exit $status
