#!/bin/bash
# Makes test/upgrade/dump-0.1.0.sql: a pg_dump taken with gcstitch 0.1.0 (built from the commit
# that released it) of a database holding test/upgrade/fixture.sql.  Run once, by hand; 0.1.0 goes into a private
# install tree (test/cluster.sh) that is removed at the end.
set -eu
cd "$(dirname "$0")/../.."
release=c2b9eef
. test/cluster.sh
old=$(mktemp -d)
git worktree add -q "$old/src" "$release"
trap 'stop_cluster; git worktree remove --force "$old/src"; rm -rf "$old"' EXIT
private_install_tree
(cd "$old/src" && make -s PG_CONFIG="$PG_CONFIG" && make -s PG_CONFIG="$PG_CONFIG" install)
start_cluster
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE fixture'
psql -X -q -v ON_ERROR_STOP=1 -d fixture -c 'CREATE EXTENSION gcstitch'
psql -X -q -v ON_ERROR_STOP=1 -d fixture -f test/upgrade/fixture.sql >/dev/null
pg_dump --no-owner -d fixture >test/upgrade/dump-0.1.0.sql
