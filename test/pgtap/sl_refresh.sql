-- gcstitch.refresh() refreshes every materialized view of the schema, bases first; scheduling errors
-- 55000 here (pg_cron lives in database postgres of the test cluster, not in gcstitch_tap).
BEGIN;
SELECT plan(11);

-- A dependency against creation order: sl_test_late is created first but reads sl_test_base through
-- a view that is re-pointed afterwards, so refreshing in creation (oid) order would leave it stale.
CREATE TABLE public.sl_test_source (id int PRIMARY KEY, v int);
INSERT INTO public.sl_test_source VALUES (1, 1);
CREATE VIEW public.sl_test_view AS SELECT id, v FROM public.sl_test_source;
CREATE MATERIALIZED VIEW gcstitch.sl_test_late AS SELECT id, v FROM public.sl_test_view;
CREATE UNIQUE INDEX ON gcstitch.sl_test_late (id);
CREATE MATERIALIZED VIEW gcstitch.sl_test_base AS SELECT id, v FROM public.sl_test_source;
CREATE UNIQUE INDEX ON gcstitch.sl_test_base (id);
CREATE OR REPLACE VIEW public.sl_test_view AS SELECT id, v FROM gcstitch.sl_test_base;
-- Never populated, no unique index: refreshed without CONCURRENTLY (which would fail).
CREATE MATERIALIZED VIEW gcstitch.sl_test_empty AS SELECT id FROM public.sl_test_source WITH NO DATA;
UPDATE public.sl_test_source SET v = 2;

SELECT cmp_ok(gcstitch.refresh(), '>=', 3, 'refresh() refreshes at least the three test views');
SELECT is((SELECT v FROM gcstitch.sl_test_base), 2, 'base view refreshed');
SELECT is((SELECT v FROM gcstitch.sl_test_late), 2, 'dependent view refreshed after its base');
SELECT is((SELECT relispopulated FROM pg_class WHERE oid = 'gcstitch.sl_test_empty'::regclass), true,
          'a view created WITH NO DATA gets populated');
SELECT lives_ok('SELECT gcstitch.refresh()', 'a second refresh works (CONCURRENTLY where a unique index allows)');

-- A materialized view holding service_level values refreshes CONCURRENTLY (rows compared by image).
CREATE TABLE public.sl_test_call (queue_id text, wait interval, answered boolean);
INSERT INTO public.sl_test_call VALUES ('a', '5 s', true), ('a', '30 s', true), ('b', '1 s', false);
CREATE MATERIALIZED VIEW gcstitch.sl_test_sl AS
SELECT queue_id, gcstitch.service_level(wait, answered, gcstitch.queue_threshold(queue_id)) AS sl
FROM public.sl_test_call GROUP BY queue_id;
CREATE UNIQUE INDEX ON gcstitch.sl_test_sl (queue_id);
INSERT INTO public.sl_test_call VALUES ('a', '6 s', true);
SELECT lives_ok('REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.sl_test_sl',
                'CONCURRENTLY works on a view with a service_level column');
-- queue a: 3 answered, 2 within 20 s (5 s, 6 s); queue b: one short abandon.
SELECT is((SELECT string_agg(queue_id || ' ' || gcstitch.answered_in_threshold(sl) || '/'
                             || gcstitch.offered(sl) || ' short ' || gcstitch.short_abandoned(sl), ', '
                             ORDER BY queue_id) FROM gcstitch.sl_test_sl),
          'a 2/3 short 0, b 0/1 short 1', 'its values are the new counts');

SELECT throws_ok('SELECT gcstitch.schedule_refresh()', '55000', 'pg_cron is not installed in this database',
                 'schedule_refresh errors 55000 without pg_cron here');
SELECT throws_ok('SELECT gcstitch.unschedule_refresh()', '55000', 'pg_cron is not installed in this database',
                 'unschedule_refresh errors 55000 without pg_cron here');
SELECT is(gcstitch.refresh_schedule_command('0 3 * * *'),
          'SELECT cron.schedule_in_database(''gcstitch-refresh-gcstitch_tap'', ''0 3 * * *'', '
          || '''SELECT gcstitch.refresh()'', ''gcstitch_tap'');',
          'the statement to run in the cron database');
CREATE FUNCTION pg_temp.hint_of(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    h text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    RETURN h;
END
$$;
SELECT is(pg_temp.hint_of('SELECT gcstitch.schedule_refresh(''0 3 * * *'')'),
          'Connect to database "postgres" and run: CREATE EXTENSION IF NOT EXISTS pg_cron; '
          || gcstitch.refresh_schedule_command('0 3 * * *'),
          'the hint gives the statements to run in the cron database');

SELECT * FROM finish();
ROLLBACK;
