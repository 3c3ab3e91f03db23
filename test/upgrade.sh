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

current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" gcstitch.control)
psql -X -q -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS gcstitch_up_fresh' -c 'CREATE DATABASE gcstitch_up_fresh'
psql_db gcstitch_up_fresh -c 'CREATE EXTENSION gcstitch'
psql_db gcstitch_up_fresh -At -f test/upgrade/catalog.sql >"${TMPDIR:-/tmp}/gcstitch-catalog-fresh.txt"
report $? "the catalog of a fresh $current install can be listed"

for script in src/upgrade/gcstitch--*.sql; do
	old=$(basename "$script" .sql | sed -n 's/^gcstitch--\([^-]*\)$/\1/p')
	[ -n "$old" ] && [ "$old" != "$current" ] || continue
	db=gcstitch_up_from_${old//./_}
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql_db "$db" -c "CREATE EXTENSION gcstitch VERSION '$old'" -c 'ALTER EXTENSION gcstitch UPDATE'
	report $? "$old installs and updates to $current"
	psql_db "$db" -At -f test/upgrade/catalog.sql >"${TMPDIR:-/tmp}/gcstitch-catalog-$old.txt" &&
		[ "$(wc -l <"${TMPDIR:-/tmp}/gcstitch-catalog-$old.txt")" -gt 100 ] &&
		diff -u "${TMPDIR:-/tmp}/gcstitch-catalog-fresh.txt" "${TMPDIR:-/tmp}/gcstitch-catalog-$old.txt"
	report $? "$old updated to $current has exactly the objects of a fresh $current install"
done
echo "1..$n"
