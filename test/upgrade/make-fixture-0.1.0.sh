#!/bin/bash
# Makes test/upgrade/dump-0.1.0.sql: a pg_dump taken with gcstitch 0.1.0 (built from the commit
# that released it) of a database holding test/upgrade/fixture.sql.  Run once, by hand, as root or
# with sudo; it installs 0.1.0 machine-wide for the time it runs (under the install lock), then
# reinstalls the checkout's version.
set -eu
cd "$(dirname "$0")/../.."
release=c2b9eef
. test/cluster.sh
take_install_lock
old=$(mktemp -d)
git worktree add -q "$old/src" "$release"
trap 'stop_cluster; git worktree remove --force "$old/src"; rm -rf "$old"' EXIT
(cd "$old/src" && make -s PG_CONFIG="$PG_CONFIG" && as_root make -s PG_CONFIG="$PG_CONFIG" install)
start_cluster
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE fixture'
psql -X -q -v ON_ERROR_STOP=1 -d fixture -c 'CREATE EXTENSION gcstitch'
psql -X -q -v ON_ERROR_STOP=1 -d fixture -f test/upgrade/fixture.sql >/dev/null
pg_dump --no-owner -d fixture >test/upgrade/dump-0.1.0.sql
build_and_install
