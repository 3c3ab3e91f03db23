-- Service level objects: signatures, volatility, comments, queue table defaults.
BEGIN;
SELECT plan(32);

SELECT has_type('gcstitch', 'service_level', 'type service_level exists');
SELECT has_table('gcstitch', 'queue', 'table queue exists');
SELECT col_is_pk('gcstitch', 'queue', 'queue_id', 'queue_id is the primary key');
SELECT col_default_is('gcstitch', 'queue', 'sl_target_percent', '80', 'default target 80 %');
SELECT col_default_is('gcstitch', 'queue', 'sl_threshold', '00:00:20'::interval, 'default threshold 20 s');
SELECT col_not_null('gcstitch', 'queue', 'sl_target_percent', 'target is NOT NULL');
SELECT col_not_null('gcstitch', 'queue', 'sl_threshold', 'threshold is NOT NULL');
-- The lookups agree with the table defaults for a queue without a row.
SELECT is(gcstitch.queue_threshold('no such queue'), '20 seconds'::interval,
          'queue_threshold default 20 s, as the column default');
SELECT is(gcstitch.queue_target_percent('no such queue'), 80::numeric, 'queue_target_percent default 80, as the column default');
SELECT ok('gcstitch.queue'::regclass = ANY (extconfig), 'queue rows are dumped by pg_dump')
FROM pg_extension WHERE extname = 'gcstitch';

SELECT has_function('gcstitch', 'service_level', ARRAY['interval', 'boolean', 'interval'], 'aggregate, 3 arguments');
SELECT has_function('gcstitch', 'service_level', ARRAY['interval', 'boolean', 'interval', 'interval'],
                    'aggregate, 4 arguments');
SELECT has_function('gcstitch', 'service_level',
                    ARRAY['interval', 'boolean', 'interval', 'interval', 'boolean', 'boolean', 'boolean'],
                    'aggregate, 7 arguments');
SELECT has_function('gcstitch', 'service_level',
                    ARRAY['interval', 'boolean', 'interval', 'interval', 'boolean', 'boolean', 'boolean', 'boolean'],
                    'aggregate, 8 arguments');
SELECT has_function('gcstitch', 'rollup', ARRAY['gcstitch.service_level'], 'rollup(service_level)');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1) FILTER (WHERE p.prokind <> 'a'), NULL,
          'every service_level and rollup(service_level) routine is an aggregate')
FROM pg_proc p
WHERE p.pronamespace = 'gcstitch'::regnamespace AND p.proname IN ('service_level', 'rollup')
  AND 'gcstitch.service_level'::regtype = ANY (p.proargtypes || p.prorettype);
SELECT is(array_agg(a.aggfnoid::regprocedure::text ORDER BY 1)
              FILTER (WHERE a.aggcombinefn = 0 OR p.proparallel <> 's'), NULL,
          'every service_level aggregate is parallel safe with a combine function')
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE a.aggtranstype = 'gcstitch.service_level'::regtype;

-- Accessors: return types, IMMUTABLE STRICT PARALLEL SAFE.
SELECT function_returns('gcstitch', f, ARRAY['gcstitch.service_level'], 'bigint')
FROM unnest(ARRAY['offered', 'answered', 'answered_in_threshold', 'abandoned', 'short_abandoned', 'flow_outs']) f;
SELECT function_returns('gcstitch', 'service_level_percent', ARRAY['gcstitch.service_level'], 'numeric');
SELECT function_returns('gcstitch', 'threshold', ARRAY['gcstitch.service_level'], 'interval');
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1)
              FILTER (WHERE p.provolatile <> 'i' OR p.proparallel <> 's'), NULL,
          'every function taking or returning service_level is IMMUTABLE and PARALLEL SAFE')
FROM pg_proc p
WHERE p.pronamespace = 'gcstitch'::regnamespace
  AND 'gcstitch.service_level'::regtype = ANY (p.proargtypes || p.prorettype);
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1) FILTER (WHERE p.provolatile <> 's'), NULL,
          'queue lookups are STABLE')
FROM pg_proc p WHERE p.oid IN ('gcstitch.queue_threshold(text)'::regprocedure,
                               'gcstitch.queue_target_percent(text)'::regprocedure);

-- Comments on every object of this part.
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1) FILTER (WHERE obj_description(p.oid, 'pg_proc') IS NULL),
          NULL, 'every service level, queue and refresh routine has a comment')
FROM pg_proc p
WHERE p.pronamespace = 'gcstitch'::regnamespace
  AND ('gcstitch.service_level'::regtype = ANY (p.proargtypes || p.prorettype)
       OR p.proname IN ('queue_threshold', 'queue_target_percent', 'refresh', 'refresh_job_name',
                        'refresh_schedule_command', 'require_pg_cron', 'schedule_refresh', 'unschedule_refresh'));
SELECT isnt(obj_description('gcstitch.service_level'::regtype, 'pg_type'), NULL, 'the type has a comment');
SELECT isnt(obj_description('gcstitch.queue'::regclass, 'pg_class'), NULL, 'the queue table has a comment');
SELECT is(array_agg(attname::text ORDER BY attnum) FILTER (WHERE col_description(attrelid, attnum) IS NULL), NULL,
          'every queue column has a comment')
FROM pg_attribute WHERE attrelid = 'gcstitch.queue'::regclass AND attnum > 0 AND NOT attisdropped;
SELECT isnt(shobj_description((SELECT oid FROM pg_roles WHERE rolname = 'gcstitch_analyst'), 'pg_authid'), NULL,
            'the analyst role has a comment');

SELECT * FROM finish();
ROLLBACK;
