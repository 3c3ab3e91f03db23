-- The stitching API objects: signatures, return types, volatility, parallel safety, aggregate
-- support functions, comments, and one small behaviour check per object.
BEGIN;
SELECT plan(68);

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
SELECT is_aggregate('gcstitch', 'stitch',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'interval', 'boolean'],
    'stitch(seg_start, seg_end, seg_type, session_id, tolerance, split_after_wrapup) is an aggregate');
SELECT function_returns('gcstitch', 'stitch',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'interval', 'boolean'],
    'gcstitch.stitch', 'stitch(..., split_after_wrapup) returns gcstitch.stitch');
SELECT is_aggregate('gcstitch', 'rollup', ARRAY['gcstitch.stitch'], 'rollup(stitch) is an aggregate');
SELECT function_returns('gcstitch', 'rollup', ARRAY['gcstitch.stitch'], 'gcstitch.stitch', 'rollup(stitch) returns gcstitch.stitch');
SELECT is((SELECT count(*)::int FROM pg_aggregate a
           WHERE a.aggfnoid IN ('gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure,
                                'gcstitch.stitch(timestamptz, timestamptz, text, text, interval, boolean)'::regprocedure,
                                'gcstitch.rollup(gcstitch.stitch)'::regprocedure)
             AND a.aggcombinefn <> 0 AND a.aggserialfn <> 0 AND a.aggdeserialfn <> 0
             AND a.aggtranstype = 'internal'::regtype),
          3, 'the three aggregates have combine, serial and deserial functions over internal state');
SELECT is((SELECT array_agg(proargnames[i] ORDER BY i) FROM pg_proc, generate_subscripts(proargnames, 1) i
           WHERE oid = 'gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure),
          ARRAY['seg_start', 'seg_end', 'seg_type', 'session_id', 'tolerance']::text[],
          'stitch(...) argument names');
SELECT is((SELECT array_agg(proargnames[i] ORDER BY i) FROM pg_proc, generate_subscripts(proargnames, 1) i
           WHERE oid = 'gcstitch.stitch(timestamptz, timestamptz, text, text, interval, boolean)'::regprocedure),
          ARRAY['seg_start', 'seg_end', 'seg_type', 'session_id', 'tolerance', 'split_after_wrapup']::text[],
          'stitch(..., split_after_wrapup) argument names');

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
             ('alert', 'interval'), ('tolerance', 'interval'), ('split_after_wrapup', 'boolean')) v(f, r);

-- Window function: with and without split_after_wrapup; the 3-argument form of 0.1.0 is gone.
SELECT is_window('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'interval'],
    'interaction_no(seg_start, seg_end, seg_type, tolerance) is a window function');
SELECT function_returns('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'interval'], 'integer',
    'interaction_no(seg_start, seg_end, seg_type, tolerance) returns integer');
SELECT is_window('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'interval', 'boolean'],
    'interaction_no(seg_start, seg_end, seg_type, tolerance, split_after_wrapup) is a window function');
SELECT function_returns('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'text', 'interval', 'boolean'], 'integer',
    'interaction_no(..., split_after_wrapup) returns integer');
SELECT is((SELECT array_agg(proargnames[i] ORDER BY i) FROM pg_proc, generate_subscripts(proargnames, 1) i
           WHERE oid = 'gcstitch.interaction_no(timestamptz, timestamptz, text, interval, boolean)'::regprocedure),
          ARRAY['seg_start', 'seg_end', 'seg_type', 'tolerance', 'split_after_wrapup']::text[],
          'interaction_no(..., split_after_wrapup) argument names');
SELECT hasnt_function('gcstitch', 'interaction_no',
    ARRAY['timestamp with time zone', 'timestamp with time zone', 'interval'],
    'interaction_no(seg_start, seg_end, tolerance) of gcstitch 0.1.0 is gone');

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
                   'gcstitch_gap', 'gcstitch_tolerance', 'gcstitch_split_after_wrapup',
                   'gcstitch_interaction_no')
   OR p.oid IN ('gcstitch.stitch(timestamptz, timestamptz, text, text, interval)'::regprocedure,
                'gcstitch.stitch(timestamptz, timestamptz, text, text, interval, boolean)'::regprocedure,
                'gcstitch.rollup(gcstitch.stitch)'::regprocedure);
-- 24 C functions, two of them under two signatures (stitch_transfn, interaction_no), and 3 aggregates.
SELECT is((SELECT count(*)::int FROM core_fn), 29, 'the 29 stitching functions are found');
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
    $$SELECT gcstitch.interaction_no(st, en, 'interact', '30 seconds') OVER (ORDER BY st, en)
      FROM (VALUES ('2024-01-01 10:00:00+00'::timestamptz, '2024-01-01 10:00:10+00'::timestamptz),
                   ('2024-01-01 10:00:40+00', '2024-01-01 10:00:50+00'),
                   ('2024-01-01 10:01:20.000001+00', '2024-01-01 10:01:30+00')) x(st, en)$$,
    $$VALUES (1), (1), (2)$$,
    'interaction_no labels: 30 s gap joins, 30.000001 s splits');

-- The new-call rule: the alert of 10:01:25 rings 5 s after a wrapup ended: a second interaction with
-- it (the default), one interaction without it (split_after_wrapup => false).
CREATE TEMP TABLE nc AS
SELECT st::timestamptz AS st, en::timestamptz AS en, ty
FROM (VALUES ('2024-01-01 10:00:00+00', '2024-01-01 10:00:10+00', 'alert'),
             ('2024-01-01 10:00:10+00', '2024-01-01 10:01:00+00', 'interact'),
             ('2024-01-01 10:01:00+00', '2024-01-01 10:01:20+00', 'wrapup'),
             ('2024-01-01 10:01:25+00', '2024-01-01 10:01:30+00', 'alert'),
             ('2024-01-01 10:01:30+00', '2024-01-01 10:02:00+00', 'interact')) x(st, en, ty);
SELECT is((SELECT gcstitch.interaction_count(gcstitch.stitch(st, en, ty, NULL, '30 seconds')) FROM nc), 2,
          'stitch(...): an offer after a wrapup is a new interaction');
SELECT is((SELECT gcstitch.interaction_count(gcstitch.stitch(st, en, ty, NULL, '30 seconds', true)) FROM nc), 2,
          'stitch(..., true): the same');
SELECT is((SELECT gcstitch.interaction_count(gcstitch.stitch(st, en, ty, NULL, '30 seconds', false)) FROM nc), 1,
          'stitch(..., false): the gap rule alone joins them');
SELECT is((SELECT gcstitch.split_after_wrapup(gcstitch.stitch(st, en, ty, NULL, '30 seconds')) FROM nc), true,
          'split_after_wrapup(stitch(...)) is true');
SELECT is((SELECT gcstitch.split_after_wrapup(gcstitch.stitch(st, en, ty, NULL, '30 seconds', false)) FROM nc), false,
          'split_after_wrapup(stitch(..., false)) is false');
SELECT is((SELECT gcstitch.stitch(st, en, ty, NULL, '30 seconds', false)::text FROM nc),
          'v2 tolerance=30s split_after_wrapup=false [alert:2024-01-01T10:00:00Z/2024-01-01T10:00:10Z '
          'interact:2024-01-01T10:00:10Z/2024-01-01T10:01:00Z wrapup:2024-01-01T10:01:00Z/2024-01-01T10:01:20Z '
          'alert:2024-01-01T10:01:25Z/2024-01-01T10:01:30Z interact:2024-01-01T10:01:30Z/2024-01-01T10:02:00Z]',
          'text output names the rule');
SELECT results_eq(
    $$SELECT gcstitch.interaction_no(st, en, ty, '30 seconds') OVER (ORDER BY st, en) FROM nc$$,
    $$VALUES (1), (1), (1), (2), (2)$$,
    'interaction_no(seg_start, seg_end, seg_type, tolerance) labels by both rules');
SELECT results_eq(
    $$SELECT gcstitch.interaction_no(st, en, ty, '30 seconds', false) OVER (ORDER BY st, en) FROM nc$$,
    $$VALUES (1), (1), (1), (1), (1)$$,
    'interaction_no(..., false) labels by the gap rule alone');
SELECT throws_ok($$SELECT gcstitch.stitch(st, en, ty, NULL, '30 seconds', NULL) FROM nc$$,
                 '22004', 'split_after_wrapup must not be null', 'NULL split_after_wrapup: 22004');
SELECT throws_ok($$SELECT gcstitch.interaction_no(st, en, ty, '30 seconds', NULL) OVER (ORDER BY st) FROM nc$$,
                 '22004', 'split_after_wrapup must not be null', 'NULL split_after_wrapup in the labeller: 22004');
SELECT throws_ok($$SELECT gcstitch.stitch(st, en, ty, NULL, '30 seconds', ty = 'alert') FROM nc$$,
                 '22023', NULL, 'different split_after_wrapup in one group: 22023');
SELECT throws_ok($$SELECT gcstitch.rollup(v) FROM (
                     SELECT gcstitch.stitch(st, en, ty, NULL, '30 seconds', true) v FROM nc
                     UNION ALL SELECT gcstitch.stitch(st, en, ty, NULL, '30 seconds', false) FROM nc) x$$,
                 '22023', 'cannot roll up stitch values with different split_after_wrapup',
                 'rollup of values with different split_after_wrapup: 22023');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now() - interval '1 second', 'x', NULL, '30 seconds')$$,
                 '22000', NULL, 'end before start: 22000');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now(), 'x', NULL, NULL)$$,
                 '22004', NULL, 'NULL tolerance: 22004');
SELECT throws_ok($$SELECT gcstitch.stitch(now(), now(), 'x', NULL, '1 day')$$,
                 '22023', NULL, 'day units in the tolerance: 22023');
SELECT throws_ok($$SELECT 'nonsense'::gcstitch.stitch$$, '22P02', NULL, 'malformed text: 22P02');

SELECT * FROM finish();
ROLLBACK;
