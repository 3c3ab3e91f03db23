#!/bin/bash
# Runs the regression suite (make installcheck) and the pgTAP files (test/pgtap/, as test/run runs
# them) against a throwaway cluster whose postmaster, and so
# every backend, parallel worker and background worker it forks, runs under valgrind memcheck; then
# reports what memcheck found and exits non-zero on any error:
#   - invalid reads and writes, uses of uninitialised values, bad frees (any code: ours, json-c, core);
#   - "definitely lost" blocks: malloc'd memory nobody points to any more at process exit. That is
#     where a json-c object that was never json_object_put() shows up.
# Limits: Debian's PostgreSQL is not built with USE_VALGRIND, so palloc'd chunks are not tracked
# one by one: memory contexts take big blocks from malloc and memcheck only sees those blocks. An
# overrun inside a palloc'd block, or a read of a freed palloc chunk, goes unnoticed; palloc'd
# memory is never reported as leaked (the context frees or keeps it). What is covered: C library
# and json-c allocations, reads/writes outside malloc'd blocks, uninitialised values reaching a
# branch or a system call (e.g. padding bytes sent to the client).
# Usage: bash test/valgrind.sh          (logs are kept in the directory it prints)
#   REGRESS="import_shapes import_errors" PGTAP_FILES="test/pgtap/import_*.sql" bash test/valgrind.sh
#   covers only those files (REGRESS: regression file names; PGTAP_FILES: a glob or a list).
# Known PostgreSQL noise is suppressed by test/valgrind.supp.
set -u
cd "$(dirname "$0")/.."
. test/cluster.sh

command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install valgrind" >&2; exit 1; }
ensure_packages || exit 1
build_and_install || { echo "build failed" >&2; exit 1; }

LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-valgrind.XXXXXX")
chmod 777 "$LOG_DIR"
SUPP=$(pwd)/test/valgrind.supp
BINDIR=$("$PG_CONFIG" --bindir)

# initdb and configuration as for every test run; then restarted under valgrind.
# JIT off: LLVM's generated code is opaque to memcheck, and loading it only adds ld.so noise.
CLUSTER_EXTRA_CONF="max_parallel_workers = 8
jit = off" start_cluster || exit 1
trap stop_cluster EXIT
as_cluster_owner "$BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null || exit 1

# pg_ctl -p starts this wrapper instead of postgres; forked children stay under valgrind.
# A process with a memcheck error exits with code 55, which the postmaster treats as a crash (the
# suite then fails loudly). Leaks do not set that code: PostgreSQL itself leaves small malloc'd
# blocks (GUC strings, ps display) in every process, so leaks are sorted out below instead.
WRAPPER=$CLUSTER_DIR/postgres-under-valgrind
cat >"$WRAPPER" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --trace-children=yes --num-callers=40 \\
	--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=none \\
	--suppressions=$SUPP --gen-suppressions=all --error-exitcode=55 \\
	--log-file=$LOG_DIR/%p.log "$BINDIR/postgres" "\$@"
WRAP
chmod 755 "$WRAPPER"
echo "starting the postmaster under valgrind (logs: $LOG_DIR)"
as_cluster_owner "$BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -p "$WRAPPER" -t 600 -w start >/dev/null ||
	{ cat "$CLUSTER_DIR/server.log" "$LOG_DIR"/*.log >&2; exit 1; }

make -s PG_CONFIG="$PG_CONFIG" installcheck ${REGRESS:+REGRESS="$REGRESS"} >"$LOG_DIR/regress.log" 2>&1
regress_status=$?
cat "$LOG_DIR/regress.log"
[ -s regression.diffs ] && cp regression.diffs "$LOG_DIR/"

: >"$LOG_DIR/pgtap.log"
run_pgtap "$LOG_DIR/pgtap.log"

# A fast stop lets every process exit normally, so memcheck runs its leak check in each of them.
# pg_ctl returns when the pid file is gone, before memcheck has finished: wait for the process.
postmaster_pid=$(head -n 1 "$CLUSTER_DIR/data/postmaster.pid")
as_cluster_owner "$BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -t 600 -w stop >/dev/null
for _ in $(seq 600); do kill -0 "$postmaster_pid" 2>/dev/null || break; sleep 0.2; done
cp "$CLUSTER_DIR/server.log" "$LOG_DIR/"
grep -E 'terminated by signal|exited with exit code 55|server process .* was terminated' "$LOG_DIR/server.log"

# Sorts memcheck's records out of every process log (suppression templates left out):
#   error  any invalid read/write, uninitialised value, bad free, overlap, bad syscall parameter;
#   leak   a "definitely lost" block whose allocation stack passes through gcstitch.so or json-c;
#   noise  a "definitely lost" block allocated by PostgreSQL alone (counted, not a failure).
report=$LOG_DIR/report.txt
: >"$report"
processes=0 unfinished=0 errors=0 leaks=0 noise=0
for f in "$LOG_DIR"/[0-9]*.log; do
	processes=$((processes + 1))
	grep -q 'ERROR SUMMARY' "$f" || { echo "== $f: no ERROR SUMMARY (killed before exit?)" >>"$report"; unfinished=$((unfinished + 1)); }
	# Paths in the private install tree hold "gcstitch": they are written as the system's paths.
	counts=$(awk -v file="$f" -v report="$report" -v tree="$INSTALL_DIR/root" '
		/^\{/ { skip = 1 } skip { if (/^\}/) skip = 0; next }
		{ sub(/^==[0-9]+== ?/, "") }
		/^$/ { flush(); next }
		{ rec = rec $0 "\n" }
		END { flush(); printf "%d %d %d\n", e, l, n }
		function untree(s,   i) {
			while ((i = index(s, tree)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(tree))
			return s
		}
		function flush() {
			if (rec == "") return
			rec = untree(rec)
			if (rec ~ /^(Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)/) {
				e++; printf "== %s: error\n%s\n", file, rec >> report
			} else if (rec ~ /definitely lost/) {
				if (rec ~ /gcstitch|json-c|json_/) { l++; printf "== %s: leak\n%s\n", file, rec >> report }
				else n++
			}
			rec = ""
		}' "$f")
	read -r e l n <<<"$counts"
	errors=$((errors + e)) leaks=$((leaks + l)) noise=$((noise + n))
done
head -n 400 "$report"
echo
echo "valgrind: $processes processes ($unfinished without a leak check); $errors memory errors," \
	"$leaks definitely-lost leaks through gcstitch or json-c ($noise PostgreSQL-only leak records ignored);" \
	"regression suite $([ $regress_status -eq 0 ] && echo passed || echo FAILED);" \
	"pgTAP $TAP_PASSED passed, $TAP_FAILED failed"
echo "logs: $LOG_DIR (report.txt: every record counted above)"
[ $errors -eq 0 ] && [ $leaks -eq 0 ] && [ $unfinished -eq 0 ] && [ $regress_status -eq 0 ] && [ "$TAP_FAILED" -eq 0 ]
