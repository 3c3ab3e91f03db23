# TAP helpers of the scripts that test against test/run's cluster (shards.sh, coordinator.sh).
# Source it; it defines functions and the counter n.

n=0
report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
# check DB DESCRIPTION SQL: the query must print exactly "t".
check() {
	local out
	out=$(q "$1" -c "$3" 2>&1)
	[ "$out" = t ] || echo "$out" | sed 's/^/# got: /'
	[ "$out" = t ]
	report $? "$2"
}
# expect DESCRIPTION GOT PATTERN: ok when GOT matches the extended regular expression PATTERN.
expect() {
	[[ $2 =~ $3 ]]
	local status=$?
	[ $status -eq 0 ] || echo "$2" | sed 's/^/# got: /'
	report $status "$1"
}
# try DB SQL: "ok", or "SQLSTATE: message | detail" of the error SQL raised.
try() {
	q "$1" -v sql="$2" <<-'SQL'
		CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
		DECLARE state text; message text; detail text;
		BEGIN
		    EXECUTE sql;
		    RETURN 'ok';
		EXCEPTION WHEN OTHERS THEN
		    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
		    RETURN concat(state, ': ', message, ' | ', detail);
		END $$;
		SELECT pg_temp.try(:'sql');
	SQL
}
