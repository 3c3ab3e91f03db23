-- The demo's sample day: the corrected day totals of the views equal the figures the generator
-- knows by construction for the uncut calls (test/sample/make_export.pl --truth), per agent and
-- per queue; the reported figures do not (that is the point of the product).
BEGIN;
SELECT plan(11);
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
\o /dev/null
\set doc `perl test/sample/make_export.pl`
\set truth `perl test/sample/make_export.pl --truth`
:truth
SELECT * FROM gcstitch.import(:'doc');
SELECT gcstitch.refresh();
\o

SELECT is((SELECT count(*) FROM truth_agent), 9::bigint, 'the generator reports nine agents');
SELECT is((SELECT sum(handled) FROM truth_agent), 448::numeric,
          'the default day has 448 answered calls, most agents busy (next call 1-21 s after a wrap-up)');
SELECT results_eq(
    $$SELECT user_id, sum(corrected_handled)::bigint FROM gcstitch.agent_interval GROUP BY user_id ORDER BY user_id$$,
    $$SELECT user_id, handled FROM truth_agent ORDER BY user_id$$,
    'corrected handled per agent = calls each agent answered');
SELECT results_eq(
    $$SELECT user_id, round(extract(epoch FROM sum(corrected_handle)) * 1000)::bigint
      FROM gcstitch.agent_interval GROUP BY user_id ORDER BY user_id$$,
    $$SELECT user_id, handle_ms FROM truth_agent ORDER BY user_id$$,
    'corrected handle time per agent = talk (dead air lost, re-reported seconds once) + hold + wrap-up, to the millisecond');
SELECT ok((SELECT sum(reported_handled) FROM gcstitch.agent_interval) > (SELECT sum(handled) FROM truth_agent),
          'reported handled counts every fragment, so it is higher');
SELECT results_eq(
    $$SELECT queue_id, sum(corrected_offered)::bigint, sum(corrected_answered)::bigint
      FROM gcstitch.queue_interval GROUP BY queue_id ORDER BY queue_id$$,
    $$SELECT queue_id, offered, answered FROM truth_queue ORDER BY queue_id$$,
    'corrected offered and answered per queue = logical calls');
SELECT results_eq(
    $$SELECT queue_id, sum(corrected_answered_in_threshold)::bigint FROM gcstitch.queue_interval
      GROUP BY queue_id ORDER BY queue_id$$,
    $$SELECT queue_id, answered_in_20s FROM truth_queue ORDER BY queue_id$$,
    'corrected answered within 20 s per queue');
SELECT results_eq(
    $$SELECT queue_id, sum(corrected_abandoned)::bigint, sum(corrected_short_abandoned)::bigint,
             sum(corrected_flow_outs)::bigint
      FROM gcstitch.queue_interval GROUP BY queue_id ORDER BY queue_id$$,
    $$SELECT queue_id, abandoned, short_abandoned, flow_outs FROM truth_queue ORDER BY queue_id$$,
    'corrected abandoned, short abandoned and flow-outs per queue');
SELECT results_eq(
    $$SELECT queue_id, round(gcstitch.service_level_percent(gcstitch.rollup(corrected_service_level)), 6)
      FROM gcstitch.queue_interval GROUP BY queue_id ORDER BY queue_id$$,
    $$SELECT queue_id, round(100.0 * answered_in_20s / (answered + abandoned), 6) FROM truth_queue ORDER BY queue_id$$,
    'corrected day service level per queue = answered in 20 s / (answered + abandoned)');
SELECT ok((SELECT sum(reported_answered) FROM gcstitch.queue_interval) > (SELECT sum(answered) FROM truth_queue),
          'reported answered counts reconnected fragments, so it is higher');
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE fragments > 1 AND handle > interval '0') > 40, true,
          'the sample has calls cut apart');
SELECT * FROM finish();
ROLLBACK;
