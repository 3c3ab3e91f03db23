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
		"libcurl4-openssl-dev libpq-dev python3 valgrind procps bsdutils"
}

# Installs what is missing: directly as root, through passwordless sudo, or prints the line and fails.
ensure_packages() {
	local major missing=() p
	major=$(pg_major)
	[ -n "$major" ] || { echo "cannot tell which PostgreSQL major to use; set PG_CONFIG" >&2; return 1; }
	for p in $(required_packages "$major"); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
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

# One installed copy per machine: runs from several checkouts take turns (held until exit).
take_install_lock() {
	local lock=${TMPDIR:-/tmp}/gcstitch-install.lock
	[ -e "$lock" ] || { : >"$lock" && chmod 666 "$lock"; }
	exec 9<"$lock" && flock 9
}

# Runs a command as root: directly, or through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif sudo -n true 2>/dev/null; then
		sudo "$@"
	else
		echo "needs root for: $* (run as root, or as a user with sudo)" >&2
		return 1
	fi
}

build_and_install() {
	make -s PG_CONFIG="$PG_CONFIG" clean >/dev/null &&
		make -s PG_CONFIG="$PG_CONFIG" WERROR=1 &&
		as_root make -s PG_CONFIG="$PG_CONFIG" install
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
	# The server must not inherit the install lock (fd 9), or a kept cluster would hold it.
	as_cluster_owner "$bindir/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w start >/dev/null 9<&- ||
		{ cat "$CLUSTER_DIR/server.log" >&2; return 1; }
	export PGHOST=$CLUSTER_DIR PGPORT PGUSER=postgres PGDATABASE=postgres
}

stop_cluster() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
	as_cluster_owner "$("$PG_CONFIG" --bindir)/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$CLUSTER_DIR"
}
