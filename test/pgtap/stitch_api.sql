-- The stitching API objects: signatures, return types, volatility, parallel safety, aggregate
-- support functions, comments, and one small behaviour check per object.
BEGIN;
SELECT plan(48);

SELECT has_type('gcstitch', 'stitch', 'type gcstitch.stitch exists');
SELECT is((SELECT typalign::text || typstorage::text || typlen::text FROM pg_type
           WHERE oid = 'gcstitch.stitch'::regtype), 'dx-1', 'stitch is varlena, double aligned, extended storage');

-- Aggregates.
SELECT is_aggregate('gcstitch', 'stitch',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'interval'],
    'stitch(seg_start, seg_end, seg_type, session_id, tolerance) is an aggregate');
SELECT function_returns('gcstitch', 'stitch',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'interval'],
    'gcstitch.stitch', 'stitch(...) returns gcstitch.stitch');
SELECT is_aggregate('gcstitch', 'rollup', ARRAY['gcstitch.stitch'], 'rollup(stitch) is an aggregate');
SELECT function_returns('gcstitch', 'rollup', ARRAY['gcstitch.stitch'], 'gcstitch.stitch', 'rollup(stitch) returns gcstitch.stitch');
SELECT is((SELECT count(*)::int FROM pg_aggregate a
           WHERE a.aggfnoid IN ('gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure,
                                'gcstitch.rollup(gcstitch.stitch)'::regprocedure)
             AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
             AND a.aggtranstype = 'internal'::regtype),
          2, 'both aggregates have combine, serial and deserial functions over internal state');
SELECT is((SELECT array_agg(proargnames[i] ORDER BY i) FROM pg_proc, generate_subscripts(proargnames, 1) i
           WHERE oid = 'gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure),
          ARRAY['seg_start', 'seg_end', 'seg_type', 'session_id', 'tolerance']::text[],
          'stitch(...) argument names');

-- interactions().
SELECT has_function('gcstitch', 'interactions', ARRAY['gcstitch.stitch'], 'interactions(stitch) exists');
SELECT is(pg_get_function_result('gcstitch.interactions(gcstitch.stitch)'::regprocedure),
          'TABLE(interaction_no integer, started_at timestamp with time zone, ended_at timestamp with time zone, '
          'fragments integer, alert interval, talk interval, hold interval, acw interval, dialing interval, '
          'contacting interval, other interval, handle interval, gap interval, '
          'answered_at timestamp with time zone, speed_of_answer interval)',
          'interactions(stitch) returns the documented columns');

-- Scalar accessors.
SELECT function_returns('gcstitch', f, ARRAY['gcstitch.stitch'], r, f || '(stitch) returns ' || r)
FROM (VALUES ('interaction_count', 'integer'), ('fragments', 'integer'), ('talk', 'interval'),
             ('hold', 'interval'), ('acw', 'interval'), ('handle', 'interval'), ('gap', 'interval'),
             ('alert', 'interval'), ('tolerance', 'interval')) v(f, r);

-- Window function.
SELECT is_window('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'interval'],
    'interaction_no(seg_start, seg_end, tolerance) is a window function');
SELECT function_returns('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'interval'], 'integer',
    'interaction_no(...) returns integer');

-- Operators.
SELECT has_operator('gcstitch.stitch'::name, 'gcstitch'::name, '='::name, 'gcstitch.stitch'::name, 'boolean'::name,
                    'stitch = stitch exists');
SELECT has_operator('gcstitch.stitch'::name, 'gcstitch'::name, '<>'::name, 'gcstitch.stitch'::name, 'boolean'::name,
                    'stitch <> stitch exists');

-- Every function of the stitching core is IMMUTABLE and PARALLEL SAFE, and has a comment.
CREATE TEMP TABLE core_fn AS
SELECT p.oid, p.proname, p.prosrc, p.provolatile, p.proparallel, p.proisstrict, p.prokind
FROM pg_proc p
WHERE p.prosrc IN ('gcstitch_stitch_in', 'gcstitch_stitch_out', 'gcstitch_stitch_recv',
                   'gcstitch_stitch_send', 'gcstitch_stitch_eq', 'gcstitch_stitch_ne',
                   'gcstitch_stitch_transfn', 'gcstitch_rollup_transfn', 'gcstitch_stitch_combinefn',
                   'gcstitch_stitch_serialfn', 'gcstitch_stitch_deserialfn', 'gcstitch_stitch_finalfn',
                   'gcstitch_interactions', 'gcstitch_interaction_count', 'gcstitch_fragments',
                   'gcstitch_alert', 'gcstitch_talk', 'gcstitch_hold', 'gcstitch_acw', 'gcstitch_handle',
                   'gcstitch_gap', 'gcstitch_tolerance', 'gcstitch_interaction_no')
   OR p.oid IN ('gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure,
                'gcstitch.rollup(gcstitch.stitch)'::regprocedure);
SELECT is((SELECT count(*)::int FROM core_fn), 25, 'the 25 stitching functions are found');
SELECT is((SELECT string_agg(proname, ', ' ORDER BY proname) FROM core_fn WHERE provolatile <> 'i'),
          NULL, 'all are IMMUTABLE');
SELECT is((SELECT string_agg(proname, ', ' ORDER BY proname) FROM core_fn WHERE proparallel <> 's'),
          NULL, 'all are PARALLEL SAFE');
SELECT is((SELECT string_agg(proname, ', ' ORDER BY proname) FROM core_fn
           WHERE obj_description(oid, 'pg_proc') IS NULL),
          NULL, 'all have a comment');
SELECT is((SELECT string_agg(proname, ', ' ORDER BY proname) FROM core_fn
           WHERE proisstrict AND prosrc IN ('gcstitch_stitch_transfn', 'gcstitch_rollup_transfn',
                                            'gcstitch_stitch_combinefn', 'gcstitch_stitch_finalfn',
                                            'gcstitch_interaction_no')),
          NULL, 'transition, combine, final and window functions are not strict (they handle NULLs)');
SELECT isnt(obj_description('gcstitch.stitch'::regtype, 'pg_type'), NULL, 'type stitch has a comment');
SELECT is((SELECT count(*)::int FROM pg_operator o
           WHERE o.oprleft = 'gcstitch.stitch'::regtype
             AND obj_description(o.oid, 'pg_operator') IS NOT NULL), 2, 'both operators have a comment');

-- Behaviour: one small call of each object.
CREATE TEMP TABLE s AS
SELECT gcstitch.stitch(st::timestamptz, en::timestamptz, ty, se, '30 seconds') AS v
FROM (VALUES ('2024-01-01 10:00:00+00', '2024-01-01 10:00:10+00', 'alert', 'a'),
             ('2024-01-01 10:00:10+00', '2024-01-01 10:01:00+00', 'interact', 'a'),
             ('2024-01-01 10:01:20+00', '2024-01-01 10:02:00+00', 'interact', 'b'),
             ('2024-01-01 10:02:00+00', '2024-01-01 10:02:30+00', 'hold', 'b'),
             ('2024-01-01 10:02:30+00', '2024-01-01 10:03:00+00', 'wrapup', 'b'),
             ('2024-01-01 11:00:00+00', '2024-01-01 11:00:05+00', 'alert', NULL)) x(st, en, ty, se);
-- #1 10:00:00-10:03:00: alert 10 s, talk 50 + 40 = 90 s, hold 30 s, acw 30 s, gap 20 s,
--    fragments 2, answered 10:00:10, speed of answer 10 s.  #2 11:00:00-11:00:05: alert 5 s.
SELECT is(gcstitch.interaction_count(v), 2, 'interaction_count') FROM s;
SELECT is(gcstitch.fragments(v), 3, 'fragments: 2 + 1') FROM s;
SELECT is(gcstitch.talk(v), interval '90 seconds', 'talk') FROM s;
SELECT is(gcstitch.hold(v), interval '30 seconds', 'hold') FROM s;
SELECT is(gcstitch.acw(v), interval '30 seconds', 'acw') FROM s;
SELECT is(gcstitch.handle(v), interval '150 seconds', 'handle = talk + hold + acw') FROM s;
SELECT is(gcstitch.gap(v), interval '20 seconds', 'gap') FROM s;
SELECT is(gcstitch.alert(v), interval '15 seconds', 'alert') FROM s;
SELECT is(gcstitch.tolerance(v), interval '30 seconds', 'tolerance') FROM s;
SELECT results_eq(
    $$SELECT interaction_no, started_at, ended_at, fragments, answered_at, speed_of_answer
      FROM s, gcstitch.interactions(s.v)$$,
    $$VALUES (1, '2024-01-01 10:00:00+00'::timestamptz, '2024-01-01 10:03:00+00'::timestamptz, 2,
              '2024-01-01 10:00:10+00'::timestamptz, interval '10 seconds'),
             (2, '2024-01-01 11:00:00+00', '2024-01-01 11:00:05+00', 1, NULL, NULL)$$,
    'interactions() rows');
SELECT ok((SELECT v OPERATOR(gcstitch.=) v::text::gcstitch.stitch FROM s), 'text round trip');
SELECT ok((SELECT v OPERATOR(gcstitch.=) (SELECT gcstitch.rollup(v) FROM s) FROM s), 'rollup of one value is the value');
SELECT ok((SELECT NOT (v OPERATOR(gcstitch.<>) v) FROM s), '<> is the negation of =');
SELECT results_eq(
    $$SELECT gcstitch.interaction_no(st, en, '30 seconds') OVER (ORDER BY st, en)
      FROM (VALUES ('2024-01-01 10:00:00+00'::timestamptz, '2024-01-01 10:00:10+00'::timestamptz),
                   ('2024-01-01 10:00:40+00', '2024-01-01 10:00:50+00'),
                   ('2024-01-01 10:01:20.000001+00', '2024-01-01 10:01:30+00')) x(st, en)$$,
    $$VALUES (1), (1), (2)$$,
    'interaction_no labels: 30 s gap joins, 30.000001 s splits');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now() - interval '1 second', 'x', NULL, '30 seconds')$$,
                 '22000', NULL, 'end before start: 22000');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now(), 'x', NULL, NULL)$$,
                 '22004', NULL, 'NULL tolerance: 22004');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now(), 'x', NULL, '1 day')$$,
                 '22023', NULL, 'day units in the tolerance: 22023');
SELECT throws_ok($$SELECT 'nonsense'::gcstitch.stitch$$, '22P02', NULL, 'malformed text: 22P02');

SELECT * FROM finish();
ROLLBACK;
