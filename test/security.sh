#!/bin/bash
# Schema squatting (issue 11), in TAP: a role with CREATE on the database prepares the schema
# gcstitch before the extension is installed, hoping to replace its functions later. Each case needs
# a database where gcstitch is not installed yet, so this runs beside pg_prove, not inside it.
# Run by test/run against its cluster (PGHOST/PGPORT set, PGUSER a superuser); prints ok / not ok.
set -u
cd "$(dirname "$0")/.."
n=0
attacker=gcstitch_mallory
admin=gcstitch_admin

# expect WHAT GOT WANTED: "ok" when GOT starts with WANTED.
expect() {
	n=$((n + 1))
	case "$2" in
	"$3"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; echo "#   got:    $2"; echo "#   wanted: $3..." ;;
	esac
}

# try DB ROLE SQL: "ok", or "SQLSTATE: message | detail | hint" of the error SQL raised.
try() {
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -U "$2" -v sql="$3" <<-'SQL'
		CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
		DECLARE
		    state text; message text; detail text; hint text;
		BEGIN
		    EXECUTE sql;
		    RETURN 'ok';
		EXCEPTION WHEN OTHERS THEN
		    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
		    RETURN concat(state, ': ', message, ' | ', detail, ' | ', hint);
		END
		$$;
		SELECT pg_temp.try(:'sql');
	SQL
}
as_dba() { try "$1" "$PGUSER" "$2"; }
as_attacker() { try "$1" "$attacker" "$2"; }
value() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# fresh_db NAME: an empty database on which the attacker holds CREATE (enough to create schemas).
fresh_db() {
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1" -c "GRANT CREATE ON DATABASE $1 TO $attacker"
}
attacker_is_superuser() { value postgres "SELECT rolsuper FROM pg_roles WHERE rolname = '$attacker'"; }

databases="gcstitch_sec_squat gcstitch_sec_pre gcstitch_sec_up gcstitch_sec_dump gcstitch_sec_restore"
cleanup() {
	for db in $databases; do psql -X -q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db"; done
	psql -X -q -c 'SET client_min_messages = warning' -c "DROP ROLE IF EXISTS $attacker" -c "DROP ROLE IF EXISTS $admin"
}
cleanup
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE ROLE $attacker LOGIN NOSUPERUSER" -c "CREATE ROLE $admin LOGIN SUPERUSER" || exit 1

# Her replacement for the schema: a refresh() that makes her superuser when a superuser (or the
# pg_cron job) calls it, and look-alikes of the catalog functions and operators an install check uses.
plant_trojans() {
	as_attacker "$1" "
	CREATE FUNCTION gcstitch.refresh() RETURNS integer LANGUAGE plpgsql AS \$f\$
	BEGIN
	    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
	        EXECUTE 'ALTER ROLE $attacker SUPERUSER';
	    END IF;
	    RETURN 0;
	END \$f\$;
	CREATE FUNCTION gcstitch.pg_get_userbyid(oid) RETURNS name LANGUAGE sql AS \$f\$SELECT 'postgres'::name\$f\$;
	CREATE FUNCTION gcstitch.aclexplode(aclitem[]) RETURNS TABLE (grantor oid, grantee oid, privilege_type text,
	    is_grantable boolean) LANGUAGE sql AS \$f\$SELECT 10::oid, 10::oid, 'USAGE', false WHERE false\$f\$;
	CREATE FUNCTION gcstitch.always(oid, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
	CREATE OPERATOR gcstitch.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = gcstitch.always);
	CREATE FUNCTION gcstitch.never(oid, integer) RETURNS boolean LANGUAGE sql AS 'SELECT false';
	CREATE OPERATOR gcstitch.<> (LEFTARG = oid, RIGHTARG = integer, FUNCTION = gcstitch.never)"
}

# 1. The attack of issue 11, end to end.
db=gcstitch_sec_squat
fresh_db $db
expect "the attacker (CREATE on the database only) creates schema gcstitch" \
	"$(as_attacker $db 'CREATE SCHEMA gcstitch')" "ok"
expect "CREATE EXTENSION gcstitch refuses her schema (55000, names her, says what to do)" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\" owned by role \"$attacker\" | "
expect "the hint tells the DBA to drop or rename that schema" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch' | sed 's/.* | //')" "Drop that schema"
expect "nothing was installed" "$(value $db "SELECT count(*) FROM pg_extension WHERE extname = 'gcstitch'")" "0"
expect "the attacker renames her schema and puts her own gcstitch in its place" \
	"$(as_attacker $db 'ALTER SCHEMA gcstitch RENAME TO gcstitch_old; CREATE SCHEMA gcstitch')$(plant_trojans $db)" "okok"
expect "the refresh the DBA scheduled with pg_cron runs (when the extension is installed)" \
	"$(as_dba $db "DO \$\$ BEGIN IF EXISTS (SELECT FROM pg_extension WHERE extname = 'gcstitch') THEN
	                   PERFORM gcstitch.refresh(); END IF; END \$\$")" "ok"
expect "the attacker did not become superuser" "$(attacker_is_superuser)" "f"
psql -X -q -c "ALTER ROLE $attacker NOSUPERUSER"
expect "her schema with look-alikes of the catalog functions and operators: refused as well" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\" owned by role \"$attacker\" | "
expect "the DBA follows the hint; CREATE EXTENSION then creates its own schema" \
	"$(as_dba $db 'DROP SCHEMA gcstitch, gcstitch_old CASCADE; CREATE EXTENSION gcstitch')" "ok"
expect "the attacker cannot rename the schema (42501)" \
	"$(as_attacker $db 'ALTER SCHEMA gcstitch RENAME TO gcstitch_old')" "42501: "
expect "the attacker cannot take the name gcstitch (42P06)" "$(as_attacker $db 'CREATE SCHEMA gcstitch')" "42P06: "
expect "the attacker cannot create objects in the schema (42501)" "$(plant_trojans $db)" "42501: "
expect "the superuser's (or pg_cron's) refresh() runs the real refresh" \
	"$(value $db 'SELECT gcstitch.refresh()')" "0"
expect "the attacker is not superuser" "$(attacker_is_superuser)" "f"

# 2. A schema someone prepared beforehand: accepted only owned by a superuser, empty, CREATE for no one else.
db=gcstitch_sec_pre
fresh_db $db
expect "a schema gcstitch the DBA created, empty: CREATE EXTENSION works" \
	"$(as_dba $db 'CREATE SCHEMA gcstitch; CREATE EXTENSION gcstitch')" "ok"
as_dba $db 'DROP EXTENSION gcstitch' >/dev/null
as_dba $db "ALTER SCHEMA gcstitch OWNER TO $attacker" >/dev/null
expect "the DBA's schema, given to another role: refused" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\" owned by role \"$attacker\" | "
as_dba $db "ALTER SCHEMA gcstitch OWNER TO $PGUSER; GRANT CREATE ON SCHEMA gcstitch TO $attacker" >/dev/null
expect "the DBA's schema with CREATE granted to a role: refused" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\": role \"$attacker\" may create objects in it | "
expect "... and the hint is the statement to run" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch' | sed 's/.* | //')" \
	"Run REVOKE CREATE ON SCHEMA gcstitch FROM $attacker; then CREATE EXTENSION gcstitch again."
as_dba $db "REVOKE CREATE ON SCHEMA gcstitch FROM $attacker; GRANT CREATE ON SCHEMA gcstitch TO PUBLIC" >/dev/null
expect "the DBA's schema with CREATE granted to PUBLIC: refused" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\": PUBLIC may create objects in it | "
as_dba $db 'REVOKE CREATE ON SCHEMA gcstitch FROM PUBLIC;
            CREATE TABLE gcstitch.t (a int); CREATE FUNCTION gcstitch.f() RETURNS int LANGUAGE sql RETURN 1' >/dev/null
expect "the DBA's schema holding objects: refused, they are listed" \
	"$(as_dba $db 'CREATE EXTENSION gcstitch')" \
	"55000: cannot install gcstitch in schema \"gcstitch\": the schema is not empty | The schema holds function gcstitch.f(), table gcstitch.t."
expect "once emptied, CREATE EXTENSION works" \
	"$(as_dba $db 'DROP TABLE gcstitch.t; DROP FUNCTION gcstitch.f(); CREATE EXTENSION gcstitch')" "ok"
expect "CREATE EXTENSION ... SCHEMA another: refused by PostgreSQL itself (0A000)" \
	"$(as_dba $db 'DROP EXTENSION gcstitch; CREATE EXTENSION gcstitch SCHEMA public')" "0A000: "

# 3. Updating an install made by 0.1.0, whose script did not check its schema.
db=gcstitch_sec_up
fresh_db $db
as_attacker $db 'CREATE SCHEMA gcstitch' >/dev/null
expect "0.1.0 installs into the attacker's schema (its script has no check)" \
	"$(as_dba $db "CREATE EXTENSION gcstitch VERSION '0.1.0'")" "ok"
expect "ALTER EXTENSION gcstitch UPDATE refuses the squatted install (55000)" \
	"$(as_dba $db 'ALTER EXTENSION gcstitch UPDATE')" \
	"55000: cannot update gcstitch in schema \"gcstitch\" owned by role \"$attacker\" | "
expect "after the rename of the attack: still refused, naming the renamed schema" \
	"$(as_attacker $db 'ALTER SCHEMA gcstitch RENAME TO gcstitch_old; CREATE SCHEMA gcstitch' >/dev/null
	   as_dba $db 'ALTER EXTENSION gcstitch UPDATE')" \
	"55000: cannot update gcstitch in schema \"gcstitch_old\" owned by role \"$attacker\" | "
expect "the update left 0.1.0 in place" \
	"$(value $db "SELECT extversion FROM pg_extension WHERE extname = 'gcstitch'")" "0.1.0"
as_dba $db "DROP EXTENSION gcstitch; DROP SCHEMA gcstitch_old CASCADE; DROP SCHEMA gcstitch CASCADE;
            CREATE EXTENSION gcstitch VERSION '0.1.0'" >/dev/null
as_dba $db "GRANT CREATE ON SCHEMA gcstitch TO $attacker" >/dev/null
expect "a 0.1.0 install whose schema grants CREATE to a role: update refused" \
	"$(as_dba $db 'ALTER EXTENSION gcstitch UPDATE')" \
	"55000: cannot update gcstitch in schema \"gcstitch\": role \"$attacker\" may create objects in it | "
as_attacker $db 'CREATE FUNCTION gcstitch.format(text, text) RETURNS text LANGUAGE sql RETURN $1' >/dev/null
as_dba $db "REVOKE CREATE ON SCHEMA gcstitch FROM $attacker" >/dev/null
expect "... and once revoked, the object that role left behind: update refused, the object listed" \
	"$(as_dba $db 'ALTER EXTENSION gcstitch UPDATE')" \
	"55000: cannot update gcstitch in schema \"gcstitch\": it holds objects of roles that are not superusers | The schema holds function gcstitch.format(pg_catalog.text,pg_catalog.text) (owner $attacker)."
expect "a 0.1.0 install whose schema holds only objects of superusers: update works" \
	"$(as_dba $db 'DROP FUNCTION gcstitch.format(text, text); CREATE VIEW gcstitch.my_view AS SELECT 1 AS one;
	               ALTER EXTENSION gcstitch UPDATE')" "ok"

# 4. pg_dump and restore: the restore recreates the schema, then runs CREATE EXTENSION into it.
db=gcstitch_sec_dump
fresh_db $db
as_dba $db "CREATE EXTENSION gcstitch; INSERT INTO gcstitch.queue (queue_id, sl_threshold) VALUES ('q1', '15 s');
            UPDATE gcstitch.settings SET gap_tolerance = '45 s'" >/dev/null
dump=$(mktemp "${TMPDIR:-/tmp}/gcstitch-sec-dump.XXXXXX")
restored() {
	value gcstitch_sec_restore "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'gcstitch')
	                                   || ' ' || (SELECT gap_tolerance FROM gcstitch.settings)
	                                   || ' ' || gcstitch.queue_threshold('q1')"
}
for format in plain custom; do
	psql -X -q -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS gcstitch_sec_restore' \
		-c 'CREATE DATABASE gcstitch_sec_restore'
	if [ $format = plain ]; then
		how="a plain dump restored by psql"
		pg_dump -d $db -f "$dump" && psql -X -q -v ON_ERROR_STOP=1 -d gcstitch_sec_restore -f "$dump" >/dev/null
	else
		how="a custom dump restored by pg_restore as another superuser (schema owner kept)"
		pg_dump -Fc -d $db -f "$dump" && pg_restore -U $admin -e -d gcstitch_sec_restore "$dump"
	fi
	expect "$how: extension, settings and queue are back" "$(restored 2>&1)" "0.2.0 00:00:45 00:00:15"
done
rm -f "$dump"

expect "the attacker is still not superuser" "$(attacker_is_superuser)" "f"
cleanup
echo "1..$n"
