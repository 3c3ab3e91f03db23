#!/bin/bash
# The packages, in TAP: ok / not ok lines. PGXN's META.json against the spec's required fields and
# the version everywhere it is written; the Debian package built with dpkg-buildpackage from a clean
# copy of this tree (tracked and new files, nothing ignored, nothing built), shipping what make install
# ships; then installed into the system with dpkg, tested with CREATE EXTENSION and the sample day in
# a throwaway cluster, and purged, so the system is left as found. Installing needs root or
# passwordless sudo; without it, or when a gcstitch is already installed system-wide, those steps are
# skipped and say why. Run by test/run; alone: bash test/package.sh (PG_CONFIG picks the major).
set -u
cd "$(dirname "$0")/.."
TOP=$PWD
. test/cluster.sh
n=0
report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
check() { local what=$1; shift; "$@"; report $? "$what"; }
skip() { echo "# skipped: $*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-package.XXXXXX")
chmod 755 "$WORK"
INSTALLED=false
SUDO=
cleanup() {
	stop_cluster
	$INSTALLED && $SUDO dpkg --purge "$PACKAGE" >/dev/null 2>&1
	[ -n "${GCSTITCH_KEEP_TEST:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" gcstitch.control)
MAJOR=$(pg_major)
PACKAGE=postgresql-$MAJOR-gcstitch
# The system's server, whatever PG_CONFIG test/run uses (its private tree is not where dpkg installs).
PG_CONFIG=/usr/lib/postgresql/$MAJOR/bin/pg_config

# ---- PGXN: META.json
# The required fields of PGXN Meta Spec 1.0.0 (PGXN::Meta::Validator is not packaged for Debian):
# present, of the right shape, license one of the spec's names, versions semantic; the extension's
# file in the tree; and one version in META.json, gcstitch.control and debian/changelog.
meta_fields() {
	python3 - META.json <<'PY'
import json, re, sys
meta = json.load(open(sys.argv[1]))
semver = re.compile(r'^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+)?$')
licenses = {'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd', 'freebsd', 'gfdl_1_2',
            'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1', 'lgpl_3_0', 'mit', 'mozilla_1_0', 'mozilla_1_1',
            'openssl', 'perl_5', 'postgresql', 'qpl_1_0', 'ssleay', 'sun', 'zlib', 'open_source', 'restricted',
            'unrestricted', 'unknown'}
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)
for key in ('name', 'abstract', 'version', 'maintainer', 'license', 'provides', 'meta-spec'):
    need(key in meta, 'missing ' + key)
need(isinstance(meta.get('name'), str) and re.match(r'^[A-Za-z0-9][A-Za-z0-9_-]+$', meta.get('name', '')), 'name')
need(isinstance(meta.get('abstract'), str) and meta.get('abstract'), 'abstract')
need(semver.match(str(meta.get('version', ''))), 'version is not semantic')
m = meta.get('maintainer')
need(isinstance(m, str) or (isinstance(m, list) and m and all(isinstance(x, str) for x in m)), 'maintainer')
lic = meta.get('license')
need(lic in licenses or (isinstance(lic, dict) and lic), 'license is not one of the spec\'s names')
need(meta.get('meta-spec', {}).get('version') == '1.0.0', 'meta-spec version is not 1.0.0')
provides = meta.get('provides', {})
need(isinstance(provides, dict) and provides, 'provides')
for ext, p in provides.items():
    need(isinstance(p.get('file'), str), ext + ': file')
    need(semver.match(str(p.get('version', ''))), ext + ': version is not semantic')
for phase in meta.get('prereqs', {}).values():
    for rel in phase.values():
        for dist, v in rel.items():
            need(semver.match(str(v)) or v == 0 or v == '0', 'prereq ' + dist + ' version')
need(meta.get('prereqs', {}).get('runtime', {}).get('requires', {}).get('PostgreSQL') == '15.0.0',
     'runtime requires PostgreSQL 15.0.0')
for p in problems:
    print('# META.json: ' + p)
sys.exit(1 if problems else 0)
PY
}
check "META.json has the required fields of PGXN Meta Spec 1.0.0, in their shapes" meta_fields

meta_value() { python3 -c 'import json, sys; m = json.load(open("META.json")); print(eval(sys.argv[1]))' "$1"; }
same_version() {
	local meta provides file changelog
	meta=$(meta_value 'm["version"]')
	provides=$(meta_value 'm["provides"]["gcstitch"]["version"]')
	file=$(meta_value 'm["provides"]["gcstitch"]["file"]')
	changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
	echo "# META.json $meta, provides $provides ($file), gcstitch.control $VERSION, debian/changelog $changelog"
	[ -n "$VERSION" ] && [ "$meta" = "$VERSION" ] && [ "$provides" = "$VERSION" ] && [ -f "$file" ] &&
		[ "${changelog%-*}" = "$VERSION" ]
}
check "one version: META.json, its provides, gcstitch.control and debian/changelog say $VERSION" same_version

# ---- Debian: build from a clean copy
mkdir "$WORK/src"
clean_copy() {
	git ls-files -z -c -o --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar -c --null -T - -f - | tar -x -C "$WORK/src"
}
check "a clean copy of the tree (tracked and new files, nothing ignored)" clean_copy
check "debian/control is current (pg_buildext checkcontrol from control.in and pgversions)" \
	bash -c 'cd "$1" && pg_buildext checkcontrol >"$2/checkcontrol.log" 2>&1 || { cat "$2/checkcontrol.log"; exit 1; }' \
	_ "$WORK/src" "$WORK"

build_package() {
	(cd "$WORK/src" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1 ||
		{ tail -n 40 "$WORK/build.log" | sed 's/^/# /'; return 1; }
	DEB=$(ls "$WORK/${PACKAGE}_${VERSION}-"*.deb 2>/dev/null | head -n 1)
	[ -n "$DEB" ] || { echo "# no $PACKAGE package built: $(cd "$WORK" && ls *.deb)"; return 1; }
}
check "dpkg-buildpackage -us -uc -b builds $PACKAGE $VERSION" build_package
[ -n "${DEB:-}" ] || { echo "1..$n"; exit 1; }

# What make install ships (the same clean copy, built again for this major), against the package's
# files less Debian's documentation.
same_files() {
	(cd "$WORK/src" && make -s PG_CONFIG="$PG_CONFIG" && make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$WORK/destdir" &&
		make -s PG_CONFIG="$PG_CONFIG" clean) >"$WORK/make-install.log" 2>&1 ||
		{ tail -n 20 "$WORK/make-install.log" | sed 's/^/# /'; return 1; }
	(cd "$WORK/destdir" && find . ! -type d | sort) >"$WORK/make-install.list"
	dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $6 }' | grep -v '^\./usr/share/doc/' | sort >"$WORK/package.list"
	echo "# $(wc -l <"$WORK/package.list") files besides /usr/share/doc"
	diff "$WORK/make-install.list" "$WORK/package.list" | sed 's/^/# /'
	[ -s "$WORK/package.list" ] && cmp -s "$WORK/make-install.list" "$WORK/package.list"
}
check "the package ships exactly what make install installs (extension, library, bitcode, gcstitch-fetch)" same_files

# ---- install, test, purge: root, or passwordless sudo
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif sudo -n true 2>/dev/null; then
	SUDO="sudo -n"
else
	skip "installing $PACKAGE needs root or passwordless sudo (not root here, and sudo -n cannot run)"
	echo "1..$n"
	exit 0
fi
if dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q 'install ok installed'; then
	skip "$PACKAGE is already installed on this system; left as it is (dpkg -P $PACKAGE, then run again)"
	echo "1..$n"
	exit 0
fi
# Files of the package already on the system without it (a make install into the system): dpkg -i
# would overwrite them and dpkg -P delete them.
mapfile -t present < <(sed 's/^\.//' "$WORK/package.list" | while read -r f; do [ -e "$f" ] && echo "$f"; done)
if [ ${#present[@]} -gt 0 ]; then
	skip "a gcstitch installed without the package is on this system (${present[0]}, ${#present[@]} files); left as it is"
	echo "1..$n"
	exit 0
fi

# One package test at a time on a machine: the system's install is shared.
exec 9>"${TMPDIR:-/tmp}/gcstitch-package.lock"
flock 9
install_package() {
	$SUDO dpkg -i "$DEB" >"$WORK/dpkg-i.log" 2>&1 || { sed 's/^/# /' "$WORK/dpkg-i.log"; return 1; }
	INSTALLED=true
}
check "dpkg -i installs $PACKAGE" install_package
fetch_version() { [ "$("$("$PG_CONFIG" --bindir)/gcstitch-fetch" --version 2>&1)" = "gcstitch-fetch $VERSION" ]; }
check "gcstitch-fetch --version, from the server's bindir, says $VERSION" fetch_version

if start_cluster; then
	sql_value() { psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }
	create_extension() {
		sql_value "CREATE EXTENSION gcstitch" &&
			[ "$(sql_value "SELECT extversion FROM pg_extension WHERE extname = 'gcstitch'")" = "$VERSION" ]
	}
	check "CREATE EXTENSION gcstitch (the packaged files), version $VERSION" create_extension
	# The sample day of gcstitch.sample_export(): 3 agents taking 4 calls each, every call long enough
	# cut apart by a reconnect (fragment_pct 100). Imported by the C reader and stitched by the C
	# aggregate, it gives back the generator's 12 agent legs exactly (sample_truth, computed from
	# the plan, not by stitching); some of them from several fragments.
	rejected=$(sql_value "SELECT sum(i.rejected) FROM gcstitch.sample_export('2024-11-04', 3, 4, 1, fragment_pct => 100) p,
		gcstitch.import(p.doc) i")
	check "the sample day imports with nothing rejected (got '$rejected')" test "$rejected" = 0
	stitched=$(sql_value "
		WITH truth AS (
			SELECT client_id AS stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at,
			       answered_at, ended_at, fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
			  FROM gcstitch.sample_truth('2024-11-04', 3, 4, 1, fragment_pct => 100) WHERE outcome <> 'abandoned'),
		stitched AS (
			SELECT stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at, answered_at,
			       ended_at, fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
			  FROM gcstitch.interaction)
		SELECT format('%s %s %s %s %s', (SELECT count(*) FROM truth), (SELECT count(*) FROM stitched),
		              (SELECT count(*) FROM (SELECT * FROM truth EXCEPT ALL SELECT * FROM stitched) d),
		              (SELECT count(*) FROM (SELECT * FROM stitched EXCEPT ALL SELECT * FROM truth) d),
		              (SELECT count(*) > 0 FROM stitched WHERE fragments > 1))")
	check "stitched: the generator's 12 calls, every measure, some from several fragments (got '$stitched')" \
		test "$stitched" = "12 12 0 0 t"
	stop_cluster
	CLUSTER_DIR=
else
	report 1 "a throwaway cluster of the system's PostgreSQL $MAJOR starts"
fi

purge_package() {
	$SUDO dpkg --purge "$PACKAGE" >"$WORK/dpkg-P.log" 2>&1 || { sed 's/^/# /' "$WORK/dpkg-P.log"; return 1; }
	INSTALLED=false
	! dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q 'install ok installed' || return 1
	sed 's/^\.//' "$WORK/package.list" | while read -r f; do [ -e "$f" ] && echo "# left behind: $f"; done | grep . && return 1
	return 0
}
check "dpkg --purge removes it: no file of it left, the system as found" purge_package

echo "1..$n"
