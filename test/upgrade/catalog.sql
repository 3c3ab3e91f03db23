-- Every object of the installed gcstitch with its full definition, one line each, sorted: two
-- databases holding the same version must print the same text, however each got there.
WITH ext AS (
    SELECT oid FROM pg_extension WHERE extname = 'gcstitch'
), member AS (
    SELECT d.classid, d.objid, d.objsubid
    FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), defs AS (
    SELECT pg_describe_object(m.classid, m.objid, m.objsubid) AS obj,
           CASE m.classid
             WHEN 'pg_proc'::regclass THEN
               (SELECT CASE WHEN p.prokind IN ('a', 'w') THEN p.prokind::text || ' ' || pg_get_function_arguments(p.oid)
                                 || ' -> ' || pg_get_function_result(p.oid)
                            ELSE pg_get_functiondef(p.oid) END
                       || ' acl=' || coalesce(p.proacl::text, '-')
                       || ' cost=' || p.procost || ' rows=' || p.prorows || ' vol=' || p.provolatile::text
                       || ' par=' || p.proparallel::text || ' strict=' || p.proisstrict
                FROM pg_proc p WHERE p.oid = m.objid)
             WHEN 'pg_class'::regclass THEN
               (SELECT c.relkind::text || ' acl=' || coalesce(c.relacl::text, '-') || ' '
                       || coalesce(pg_get_viewdef(c.oid), '')
                       || coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                                      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                                      || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
                                                      || coalesce(' -- ' || col_description(c.oid, a.attnum), ''),
                                                      ', ' ORDER BY a.attnum)
                                    FROM pg_attribute a
                                    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
                       || coalesce((SELECT ' constraints: ' || string_agg(pg_get_constraintdef(k.oid), '; '
                                                                          ORDER BY pg_get_constraintdef(k.oid))
                                    FROM pg_constraint k WHERE k.conrelid = c.oid), '')
                       || coalesce((SELECT ' indexes: ' || string_agg(pg_get_indexdef(i.indexrelid), '; '
                                                                      ORDER BY pg_get_indexdef(i.indexrelid))
                                    FROM pg_index i WHERE i.indrelid = c.oid), '')
                       || coalesce((SELECT ' triggers: ' || string_agg(pg_get_triggerdef(t.oid), '; '
                                                                       ORDER BY pg_get_triggerdef(t.oid))
                                    FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '')
                       || coalesce((SELECT ' policies: ' || string_agg(pol.polname || ' ' || pg_get_expr(pol.polqual, pol.polrelid), '; '
                                                                       ORDER BY pol.polname)
                                    FROM pg_policy pol WHERE pol.polrelid = c.oid), '')
                FROM pg_class c WHERE c.oid = m.objid)
             WHEN 'pg_type'::regclass THEN
               (SELECT t.typtype::text || ' ' || t.typinput::text || ' ' || t.typoutput::text || ' '
                       || t.typreceive::text || ' ' || t.typsend::text || ' ' || t.typalign::text || ' ' || t.typstorage::text
                FROM pg_type t WHERE t.oid = m.objid)
             WHEN 'pg_operator'::regclass THEN
               (SELECT o.oprcode::text || ' ' || o.oprcom::regoperator::text || ' ' || o.oprnegate::regoperator::text
                FROM pg_operator o WHERE o.oid = m.objid)
             ELSE ''
           END AS def,
           obj_description(m.objid, (SELECT relname FROM pg_class WHERE oid = m.classid)) AS comment
    FROM member m
)
SELECT obj || ' | ' || coalesce(def, '') || ' | ' || coalesce(comment, '')
FROM defs
UNION ALL
SELECT 'aggregate ' || a.aggfnoid::regprocedure::text || ' ' || a.aggtransfn::text || ' ' || a.aggfinalfn::text
       || ' ' || a.aggcombinefn::text || ' ' || a.aggserialfn::text || ' ' || a.aggdeserialfn::text
       || ' ' || a.aggtranstype::regtype::text || ' ' || a.aggtransspace
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'gcstitch'::regnamespace
UNION ALL
SELECT 'schema gcstitch acl=' || coalesce(nspacl::text, '-') || ' owner=' || nspowner::regrole::text
FROM pg_namespace WHERE nspname = 'gcstitch'
UNION ALL
SELECT 'config ' || c::regclass::text FROM pg_extension, unnest(extconfig) c WHERE extname = 'gcstitch'
ORDER BY 1;
