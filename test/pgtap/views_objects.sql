-- The analytics views and materialized views: names, columns, comments, unique keys, volatility.
BEGIN;
SELECT plan(21);

SELECT has_view('gcstitch', v, 'view gcstitch.' || v || ' exists')
FROM unnest(ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval']) v;
SELECT has_materialized_view('gcstitch', v, 'materialized view gcstitch.' || v || ' exists')
FROM unnest(ARRAY['interaction_mv', 'agent_interval_mv', 'queue_interval_mv']) v;

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
    'offered_diff', 'answered_diff', 'abandoned_diff', 'asa_diff', 'service_level_percent_diff']);
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

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns, without predicate.
SELECT is(count(*), 3::bigint, 'each materialized view has a plain unique index')
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind = 'm'
  AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL;
SELECT ok(bool_and(c.relispopulated), 'the materialized views are populated, so the first refresh may be concurrent')
FROM pg_class c WHERE c.relnamespace = 'gcstitch'::regnamespace AND c.relkind = 'm';

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
