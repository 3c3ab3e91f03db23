-- The analytics views (maintained and live), their stores: names, columns, comments, keys, volatility.
BEGIN;
SELECT plan(35);

SELECT has_view('gcstitch', v, 'view gcstitch.' || v || ' exists')
FROM unnest(ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval',
                  'interaction_live', 'queue_visit_live', 'queue_call_live', 'agent_interval_live',
                  'queue_interval_live', 'interaction_mv', 'agent_interval_mv', 'queue_interval_mv',
                  'refresh_status']) v;

SELECT columns_are('gcstitch', 'interaction', ARRAY[
    'stitch_key', 'client_id', 'interaction_no', 'user_id', 'queue_id', 'conversation_ids', 'queued_at',
    'started_at', 'answered_at', 'ended_at', 'fragments', 'alert', 'talk', 'hold', 'acw', 'handle', 'gap',
    'queue_wait', 'speed_of_answer']);
SELECT col_type_is('gcstitch', 'interaction', 'conversation_ids', 'text[]', 'conversation_ids is text[]');
SELECT columns_are('gcstitch', 'agent_interval', ARRAY[
    'user_id', 'interval_start', 'interval_end', 'local_date', 'interval_label',
    'reported_handled', 'reported_talk', 'reported_hold', 'reported_acw', 'reported_handle', 'reported_aht',
    'corrected_handled', 'corrected_talk', 'corrected_hold', 'corrected_acw', 'corrected_handle', 'corrected_aht',
    'corrected_gap', 'corrected_fragments',
    'handled_diff', 'talk_diff', 'hold_diff', 'acw_diff', 'handle_diff', 'aht_diff']);
SELECT columns_are('gcstitch', 'queue_interval', ARRAY[
    'queue_id', 'queue_name', 'interval_start', 'interval_end', 'local_date', 'interval_label',
    'sl_threshold', 'sl_target_percent',
    'reported_offered', 'reported_answered', 'reported_answered_in_threshold', 'reported_abandoned',
    'reported_short_abandoned', 'reported_flow_outs', 'reported_asa', 'reported_service_level_percent',
    'reported_service_level',
    'corrected_offered', 'corrected_answered', 'corrected_answered_in_threshold', 'corrected_abandoned',
    'corrected_short_abandoned', 'corrected_flow_outs', 'corrected_asa', 'corrected_service_level_percent',
    'corrected_service_level',
    'offered_diff', 'answered_diff', 'abandoned_diff', 'asa_diff', 'service_level_percent_diff',
    'reported_answered_wait', 'corrected_answered_wait']);
SELECT col_type_is('gcstitch', 'agent_interval', 'interval_start', 'timestamp with time zone',
                   'interval_start is an unambiguous timestamptz');

SELECT is(array_agg(c.relname::text ORDER BY c.relname), NULL, 'every view and materialized view has a comment')
FROM pg_class c
WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind IN ('v', 'm')
  AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT is(array_agg(c.relname || '.' || a.attname ORDER BY c.relname, a.attnum), NULL,
          'every column of every view and materialized view has a comment')
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind IN ('v', 'm')
  AND col_description(c.oid, a.attnum) IS NULL;

-- A maintained view and its live view have the same columns, of the same types, in the same order.
SELECT is((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
           FROM pg_attribute a WHERE a.attrelid = ('gcstitch.' || v)::regclass AND a.attnum > 0),
          (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
           FROM pg_attribute a WHERE a.attrelid = ('gcstitch.' || v || '_live')::regclass AND a.attnum > 0),
          v || ' has the columns of ' || v || '_live')
FROM unnest(ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval']) v;

-- Stable identity: the stores' primary keys; time filters on the interval views use an index.
SELECT col_is_pk('gcstitch', 'interaction_store', ARRAY['stitch_key', 'started_at'],
                 'an interaction is identified by (stitch_key, started_at)');
SELECT col_is_pk('gcstitch', 'agent_interval_store', ARRAY['user_id', 'interval_start'], 'agent interval rows by (user_id, interval_start)');
SELECT col_is_pk('gcstitch', 'queue_interval_store', ARRAY['queue_id', 'interval_start'], 'queue interval rows by (queue_id, interval_start)');
SELECT is(count(*), 4::bigint, 'interval_start and local_date of both interval stores are indexed')
FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid IN ('gcstitch.agent_interval_store'::regclass, 'gcstitch.queue_interval_store'::regclass)
  AND i.indnatts = 1 AND a.attname IN ('interval_start', 'local_date');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind = 'm'),
          0::bigint, 'no materialized view of its own: refresh() maintains tables');

-- Interval helpers are IMMUTABLE (time zone passed explicitly), so they can be indexed and inlined.
SELECT volatility_is('gcstitch', 'report_interval_start', ARRAY['timestamp with time zone', 'interval', 'text'],
                     'immutable');
SELECT volatility_is('gcstitch', 'report_interval_label', ARRAY['timestamp with time zone', 'text'], 'immutable');
SELECT is(gcstitch.report_interval_start('2024-10-27 01:15:00Z', '30 minutes', 'Europe/Paris'),
          '2024-10-27 01:00:00Z'::timestamptz, 'the second 02:00 of 2024-10-27 starts at 01:00Z');
SELECT is(gcstitch.report_interval_label('2024-10-27 00:00:00Z', 'Europe/Paris'), '2024-10-27 02:00+02:00',
          'label of the first 02:00 of 2024-10-27');
SELECT * FROM finish();
ROLLBACK;
