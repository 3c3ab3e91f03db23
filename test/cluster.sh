# Shared by test/run, test/demo and the benchmarks: packages, build, and a throwaway cluster.
# Source it; it defines functions and never exits on its own.

PG_CONFIG=${PG_CONFIG:-pg_config}

# The PostgreSQL major to use: PG_CONFIG's if it answers, else Debian's default major.
pg_major() {
	if command -v "$PG_CONFIG" >/dev/null 2>&1; then
		"$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/'
	else
		apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1
	fi
}

required_packages() {
	local major=$1
	echo "postgresql-$major postgresql-server-dev-$major postgresql-$major-pgtap postgresql-$major-cron" \
		"libjson-c-dev libtap-parser-sourcehandler-pgtap-perl make gcc" \
		"libcurl4-openssl-dev libpq-dev python3 valgrind procps bsdutils" \
		"debhelper postgresql-server-dev-all"
}

# Wanted but not required: clang and its sanitizer and libFuzzer runtimes (test/fuzz/), gnuplot for
# the demo's chart. When they cannot be installed, the fuzzing step and the chart say they skip and
# everything else runs.
optional_packages() {
	echo "clang libclang-rt-dev gnuplot-nox"
}

# The packages of $@ that are not installed.
missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

# Installs what is missing: directly as root, through passwordless sudo, or prints the line and fails.
# Optional packages are tried the same way; failing to get them only prints a note.
ensure_packages() {
	local major missing=() optional=()
	major=$(pg_major)
	[ -n "$major" ] || { echo "cannot tell which PostgreSQL major to use; set PG_CONFIG" >&2; return 1; }
	mapfile -t missing < <(missing_packages $(required_packages "$major"))
	mapfile -t optional < <(missing_packages $(optional_packages))
	if [ ${#missing[@]} -gt 0 ]; then
		install_packages "${missing[@]}" || return 1
	fi
	if [ ${#optional[@]} -gt 0 ]; then
		install_packages "${optional[@]}" >/dev/null 2>&1 ||
			echo "optional packages not installed (fuzzing and the demo's chart are skipped): ${optional[*]}"
	fi
	return 0
}

install_packages() {
	local missing=("$@")
	echo "missing packages: ${missing[*]}"
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
	elif sudo -n true 2>/dev/null; then
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
	else
		echo "cannot install them without root; run this, then run the test command again:" >&2
		echo "  sudo apt-get install ${missing[*]}" >&2
		return 1
	fi
}

# Builds, then installs into a private copy of the server's install tree (INSTALL_DIR, removed by
# stop_cluster): runs from several checkouts never share an installed extension, and nothing needs
# root. PostgreSQL finds its share and lib directories relative to its own binary, so the programs
# are copied (a symlink would resolve to the system's) and everything else is linked.
build_and_install() {
	make -s PG_CONFIG="$PG_CONFIG" clean >/dev/null &&
		make -s PG_CONFIG="$PG_CONFIG" WERROR=1 &&
		private_install_tree &&
		make -s PG_CONFIG="$PG_CONFIG" install
}

private_install_tree() {
	local bindir sharedir pkglibdir tree
	bindir=$("$PG_CONFIG" --bindir) sharedir=$("$PG_CONFIG" --sharedir) pkglibdir=$("$PG_CONFIG" --pkglibdir)
	INSTALL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-install.XXXXXX") && chmod 755 "$INSTALL_DIR" || return 1
	tree=$INSTALL_DIR/root
	mkdir -p "$tree$bindir" "$(dirname "$tree$sharedir")" "$(dirname "$tree$pkglibdir")" &&
		cp -a "$bindir/." "$tree$bindir/" &&
		cp -rs "$sharedir" "$tree$sharedir" && cp -rs "$pkglibdir" "$tree$pkglibdir" &&
		link_into_tree "$tree" "$("$PG_CONFIG" --includedir)" &&
		link_into_tree "$tree" "$("$PG_CONFIG" --libdir)" || return 1
	# A system-wide gcstitch must not be written through its links.
	find "$tree" -name 'gcstitch*' -prune -exec rm -rf {} +
	PG_CONFIG=$tree$bindir/pg_config
}

link_into_tree() {
	mkdir -p "$(dirname "$1$2")" && ln -s "$2" "$1$2"
}

# Runs a command as the OS user that owns the cluster (PostgreSQL refuses to run as root).
as_cluster_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
	local port
	for port in $(seq 54320 54420); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
		[ -e "$CLUSTER_DIR/.s.PGSQL.$port" ] && continue
		echo "$port"
		return 0
	done
	return 1
}

# Starts a cluster in a fresh temporary directory; exports PGHOST, PGPORT, PGUSER.
# The caller sets `trap stop_cluster EXIT` right after.
start_cluster() {
	local bindir
	bindir=$("$PG_CONFIG" --bindir)
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gcstitch-test.XXXXXX")
	chmod 755 "$CLUSTER_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
	as_cluster_owner "$bindir/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 ||
		{ cat "$CLUSTER_DIR/initdb.log" >&2; return 1; }
	PGPORT=$(free_port) || { echo "no free port in 54320-54420" >&2; return 1; }
	cat >>"$CLUSTER_DIR/data/postgresql.conf" <<-CONF
		listen_addresses = ''
		port = $PGPORT
		unix_socket_directories = '$CLUSTER_DIR'
		shared_preload_libraries = 'pg_cron'
		cron.database_name = 'postgres'
		max_worker_processes = 16
		fsync = off
		${CLUSTER_EXTRA_CONF:-}
	CONF
	as_cluster_owner "$bindir/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null ||
		{ cat "$CLUSTER_DIR/server.log" >&2; return 1; }
	export PGHOST=$CLUSTER_DIR PGPORT PGUSER=postgres PGDATABASE=postgres
}

stop_cluster() {
	if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ]; then
		as_cluster_owner "$("$PG_CONFIG" --bindir)/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1
		rm -rf "$CLUSTER_DIR"
	fi
	[ -z "${INSTALL_DIR:-}" ] || rm -rf "$INSTALL_DIR"
}

# Runs every pgTAP file of test/pgtap/ (or those of PGTAP_FILES) with pg_prove in a fresh database gcstitch_tap, appending the
# output to the log file $1. Sets TAP_PASSED and TAP_FAILED (assertions; a file that dies or breaks
# its plan without a "not ok" line, or a database that cannot be set up, counts once).
run_pgtap() {
	local log=$1 tap_file tap_status not_ok file_log
	TAP_PASSED=0 TAP_FAILED=0
	file_log=$(mktemp "${TMPDIR:-/tmp}/gcstitch-pgtap.XXXXXX")
	psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE DATABASE gcstitch_tap' &&
		psql -q -X -v ON_ERROR_STOP=1 -d gcstitch_tap -c 'CREATE EXTENSION pgtap; CREATE EXTENSION gcstitch' ||
		TAP_FAILED=$((TAP_FAILED + 1))
	for tap_file in ${PGTAP_FILES:-test/pgtap/*.sql}; do
		[ -e "$tap_file" ] || continue
		pg_prove --verbose -d gcstitch_tap "$tap_file" >"$file_log" 2>&1
		tap_status=$?
		tee -a "$log" <"$file_log"
		TAP_PASSED=$((TAP_PASSED + $(grep -cE '^ *ok [0-9]+' "$file_log")))
		not_ok=$(grep -cE '^ *not ok [0-9]+' "$file_log")
		TAP_FAILED=$((TAP_FAILED + not_ok))
		[ $tap_status -ne 0 ] && [ "$not_ok" -eq 0 ] && TAP_FAILED=$((TAP_FAILED + 1))
	done
	rm -f "$file_log"
}
