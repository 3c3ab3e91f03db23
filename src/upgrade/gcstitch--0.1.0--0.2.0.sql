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
