-- gcstitch install script, part 00: guard and the extension's own objects.
\echo Use "CREATE EXTENSION gcstitch" to load this file. \quit

-- The schema must be trustworthy before anything is created in it: owned by the installing role or
-- another superuser, empty, and CREATE granted to no other role. A role that could create objects in
-- it could later plant look-alikes of gcstitch's functions (or rename the schema and put its own in
-- its place) that superusers and the pg_cron refresh would then run (issue 11). The check runs with
-- the search_path of CREATE EXTENSION, whose first schema is this one: everything is pg_catalog-qualified.
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
        RAISE EXCEPTION 'cannot install gcstitch in schema "%" owned by role "%"',
                        nsp, pg_catalog.pg_get_userbyid(owner)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The owner of a schema can rename it and put look-alikes of its functions in its place, '
                           'which superusers and the pg_cron refresh would then run. gcstitch installs only into '
                           'a schema owned by the installing role or another superuser.',
                  HINT = pg_catalog.format('Drop that schema (or rename it if it holds anything to keep), then run '
                                           'CREATE EXTENSION gcstitch again: it then creates schema %s itself.',
                                           nsp_ident);
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
        RAISE EXCEPTION 'cannot install gcstitch in schema "%": % may create objects in it', nsp,
                        pg_catalog.array_to_string(named, ', ')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A role that can create objects in the schema of gcstitch can plant look-alikes of its '
                           'functions, which superusers and the pg_cron refresh would then run.',
                  HINT = pg_catalog.format('Run REVOKE CREATE ON SCHEMA %s FROM %s; then CREATE EXTENSION gcstitch again.',
                                           nsp_ident, pg_catalog.array_to_string(creators, ', '));
    END IF;

    -- Every object of a schema depends on it (the extension itself and default privileges aside).
    SELECT pg_catalog.array_agg(i.type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) i.identity
                                ORDER BY i.type, i.identity)
      INTO objects
      FROM pg_catalog.pg_depend d, pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) i
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) schema_oid
       AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_default_acl'::pg_catalog.regclass
       AND NOT (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                AND d.objid OPERATOR(pg_catalog.=) ext_oid);
    IF objects IS NOT NULL THEN
        RAISE EXCEPTION 'cannot install gcstitch in schema "%": the schema is not empty', nsp
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('The schema holds %s. gcstitch installs only into an empty schema, '
                                             'so that nothing planted before the install can capture its calls.',
                                             pg_catalog.array_to_string(objects, ', ')),
                  HINT = 'Drop these objects or move them to another schema (ALTER ... SET SCHEMA), then run '
                         'CREATE EXTENSION gcstitch again.';
    END IF;
END
$$;

CREATE FUNCTION @extschema@.version() RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS
    'Version of the gcstitch shared library; equals the installed extension version when both are current';
