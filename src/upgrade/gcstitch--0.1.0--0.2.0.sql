-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Schema check (part 00_schema.sql, issue 11): an install whose schema another role owns, where
-- another role may create objects, or that holds objects of a role that is not a superuser (a
-- look-alike of a gcstitch function, say) is not updated. 0.1.0 installed into any schema named
-- gcstitch, also one prepared by an unprivileged role before CREATE EXTENSION. As in the install
-- script, everything is pg_catalog-qualified: this schema comes first in the search_path here.
DO $$
DECLARE
    ext_oid    pg_catalog.oid;
    schema_oid pg_catalog.oid;
    nsp        pg_catalog.text;
    nsp_ident  pg_catalog.text;
    owner      pg_catalog.oid;
    creators   pg_catalog.text[];
    named      pg_catalog.text[];
    objects    pg_catalog.text[];
BEGIN
    SELECT e.oid, n.oid, n.nspname, pg_catalog.quote_ident(n.nspname), n.nspowner
      INTO ext_oid, schema_oid, nsp, nsp_ident, owner
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
     WHERE e.extname OPERATOR(pg_catalog.=) 'gcstitch'::pg_catalog.name;

    IF owner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r
                                       WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
       AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) owner) THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%" owned by role "%"',
                        nsp, pg_catalog.pg_get_userbyid(owner)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The owner of a schema can rename it and put look-alikes of its functions in its place, '
                           'which superusers and the pg_cron refresh would then run: this install may already be '
                           'compromised. gcstitch belongs in a schema owned by the installing role or another superuser.',
                  HINT = pg_catalog.format('Check what schema %s and any other schema named gcstitch hold, save the '
                                           'gcstitch tables you need, DROP EXTENSION gcstitch, drop those schemas, '
                                           'then CREATE EXTENSION gcstitch and reload the data.', nsp_ident);
    END IF;

    SELECT pg_catalog.array_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
                                ORDER BY a.grantee),
           pg_catalog.array_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
                                     ELSE pg_catalog.format('role "%s"', pg_catalog.pg_get_userbyid(a.grantee)) END
                                ORDER BY a.grantee)
      INTO creators, named
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid OPERATOR(pg_catalog.=) schema_oid
       AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'::pg_catalog.text
       AND a.grantee OPERATOR(pg_catalog.<>) owner;
    IF creators IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%": % may create objects in it', nsp,
                        pg_catalog.array_to_string(named, ', ')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A role that can create objects in the schema of gcstitch can plant look-alikes of its '
                           'functions, which superusers and the pg_cron refresh would then run.',
                  HINT = pg_catalog.format('Run REVOKE CREATE ON SCHEMA %s FROM %s; check what the schema holds, '
                                           'then ALTER EXTENSION gcstitch UPDATE again.',
                                           nsp_ident, pg_catalog.array_to_string(creators, ', '));
    END IF;

    -- Objects of the schema (every one depends on it) owned by a role that is not a superuser; an
    -- object owned by the bootstrap superuser has no owner entry in pg_shdepend.
    SELECT pg_catalog.array_agg(pg_catalog.format('%s %s (owner %s)', i.type, i.identity,
                                                  pg_catalog.pg_get_userbyid(r.oid))
                                ORDER BY i.type, i.identity)
      INTO objects
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_shdepend o
        ON o.dbid OPERATOR(pg_catalog.=) (SELECT b.oid FROM pg_catalog.pg_database b
                                           WHERE b.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
       AND o.classid OPERATOR(pg_catalog.=) d.classid AND o.objid OPERATOR(pg_catalog.=) d.objid
       AND o.deptype OPERATOR(pg_catalog.=) 'o'::pg_catalog."char"
      JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) o.refobjid
      CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) i
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) schema_oid
       AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_default_acl'::pg_catalog.regclass
       AND NOT r.rolsuper;
    IF objects IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update gcstitch in schema "%": it holds objects of roles that are not superusers', nsp
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('The schema holds %s. Their owners can make them capture the calls of '
                                             'gcstitch.', pg_catalog.array_to_string(objects, ', ')),
                  HINT = 'Check these objects and drop them or move them to another schema (ALTER ... SET SCHEMA), '
                         'then run ALTER EXTENSION gcstitch UPDATE again.';
    END IF;
END
$$;

-- Settings: the switch of stitching rule 2 (new call after a wrap-up).
ALTER TABLE @extschema@.settings ADD COLUMN split_after_wrapup boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

-- Security audit of parts 05_settings, 20_import, 30_service_level, 60_access (issue 11): functions
-- whose body is parsed at call time pin search_path; bodies bound at creation qualify their operators
-- and functions; require_pg_cron() gives its 55000 error, not 42501, to a role that may not read
-- cron.database_name. The CHECK constraints were qualified in the install script too, but a
-- constraint is bound to its operators when created: those of 0.1.0 are the same, nothing to redo.
CREATE OR REPLACE FUNCTION @extschema@.segments_from_json(doc text)
    RETURNS TABLE (conversation_id text, conversation_start timestamptz, conversation_end timestamptz,
                   participant_id text, purpose text, user_id text, client_id text, session_id text,
                   media_type text, direction text, ani text, dnis text, peer_id text, segment_no int,
                   segment_type text, segment_start timestamptz, segment_end timestamptz,
                   queue_id text, disconnect_type text, wrap_up_code text)
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.segments_from_json(doc,
              coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                       '{X-Genesys-Client-Id}')) $$;

CREATE OR REPLACE FUNCTION @extschema@.queue_threshold(queue_id text) RETURNS interval
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_threshold FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1),
                    interval '20 seconds');

CREATE OR REPLACE FUNCTION @extschema@.queue_target_percent(queue_id text) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_target_percent FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1),
                    80::numeric);

CREATE OR REPLACE FUNCTION @extschema@.refresh_job_name() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN 'gcstitch-refresh-' OPERATOR(pg_catalog.||) pg_catalog.current_database();

CREATE OR REPLACE FUNCTION @extschema@.refresh_schedule_command(schedule text DEFAULT '*/15 * * * *') RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                             @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()',
                             pg_catalog.current_database());

CREATE OR REPLACE FUNCTION @extschema@.require_pg_cron(cron_statement text) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_db text;
BEGIN
    IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
        RETURN;
    END IF;
    -- Reading cron.database_name needs superuser or pg_read_all_settings (42501 otherwise).
    IF NOT pg_has_role('pg_read_all_settings', 'USAGE') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Only superusers and members of pg_read_all_settings can see which database pg_cron '
                           'uses (cron.database_name).',
                  HINT = format('Ask a superuser to install pg_cron in this database, or to run in the pg_cron '
                                'database: %s', cron_statement);
    END IF;
    cron_db := current_setting('cron.database_name', true);
    IF cron_db IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not loaded'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled refreshes need the pg_cron extension.',
                  HINT = 'Install pg_cron (Debian: postgresql-15-cron), add it to shared_preload_libraries, '
                         'restart, then CREATE EXTENSION pg_cron in the database named by cron.database_name.';
    ELSIF cron_db <> current_database() THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('pg_cron keeps its jobs in database "%s" (cron.database_name), '
                                  'so the refresh of database "%s" is scheduled from there.',
                                  cron_db, current_database()),
                  HINT = format('Connect to database "%s" and run: CREATE EXTENSION IF NOT EXISTS pg_cron; %s',
                                cron_db, cron_statement);
    ELSE
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run CREATE EXTENSION pg_cron, then call this function again.';
    END IF;
END
$$;
