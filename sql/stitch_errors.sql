-- Errors of the aggregates, rollup and the window function: SQLSTATE, message and detail.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

-- Returns the error of a statement as "SQLSTATE: message / detail", or "ok".
-- Own copy, not \i'd from a shared file: psql echoes an included file into the .out too, and files need different variants.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '');
END $$;

-- End before start: 22000, naming both values in UTC.  Infinite bounds: 22008.
SELECT pg_temp.err($$SELECT gcstitch.stitch('2024-01-01 10:00:05', '2024-01-01 10:00:00.5', 'interact', 'a', '30 seconds')$$);
SELECT pg_temp.err($$SELECT gcstitch.stitch('2024-01-01 10:00:00', 'infinity', 'interact', 'a', '30 seconds')$$);
SELECT pg_temp.err($$SELECT gcstitch.stitch('-infinity', '2024-01-01 10:00:00', 'interact', 'a', '30 seconds')$$);
-- A zero-length row is fine.
SELECT pg_temp.err($$SELECT gcstitch.stitch('2024-01-01 10:00:00', '2024-01-01 10:00:00', 'interact', 'a', '30 seconds')$$);

-- Tolerance: NULL 22004; negative 22023; day, month or year units 22023 (also when the total
-- is positive or zero hours are meant); checked on every row, even rows skipped for NULL bounds.
SELECT t, pg_temp.err(format($$SELECT gcstitch.stitch('2024-01-01 10:00', '2024-01-01 10:01', 'interact', 'a', %L::interval)$$, t))
FROM (VALUES (NULL), ('-1 second'), ('-00:00:00.000001'), ('1 day'), ('1 mon'), ('1 year'),
             ('1 day -24 hours'), ('0'), ('36 hours'), ('0.000001 seconds')) v(t);
SELECT pg_temp.err($$SELECT gcstitch.stitch(NULL, NULL, 'interact', 'a', NULL)$$) AS null_tolerance_on_skipped_row;
-- The tolerance must be the same on every row of a group: 22023.
SELECT pg_temp.err($$SELECT gcstitch.stitch(s, s, 'interact', NULL, tol)
                     FROM (VALUES ('2024-01-01'::timestamptz, '30 seconds'::interval),
                                  ('2024-01-01', '10 seconds')) v(s, tol)$$);
-- ... but the same length written differently is the same tolerance.
SELECT pg_temp.err($$SELECT gcstitch.stitch(s, s, 'interact', NULL, tol)
                     FROM (VALUES ('2024-01-01'::timestamptz, '30 seconds'::interval),
                                  ('2024-01-01', '00:00:30')) v(s, tol)$$);

-- rollup of values with different tolerances: 22023, naming both.
SELECT pg_temp.err($$SELECT gcstitch.rollup(x)
                     FROM (VALUES ('v2 tolerance=30s split_after_wrapup=true [other:2024-01-01T00:00:00Z/2024-01-01T00:00:00Z]'::gcstitch.stitch),
                                  ('v2 tolerance=10.5s split_after_wrapup=true [other:2024-01-01T00:00:00Z/2024-01-01T00:00:00Z]')) v(x)$$);

-- Window function: NULL tolerance 22004, bad tolerance 22023, changing tolerance 22023,
-- rows not ordered by start 42P20, end before start 22000.
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, s, NULL, NULL) OVER (ORDER BY s)
                     FROM (VALUES ('2024-01-01'::timestamptz)) v(s)$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, s, NULL, '1 day') OVER (ORDER BY s)
                     FROM (VALUES ('2024-01-01'::timestamptz)) v(s)$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, s, NULL, tol) OVER (ORDER BY s)
                     FROM (VALUES ('2024-01-01'::timestamptz, '30 seconds'::interval),
                                  ('2024-01-02', '10 seconds')) v(s, tol)$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, s, NULL, '30 seconds') OVER (ORDER BY s DESC)
                     FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-02')) v(s)$$);
SELECT pg_temp.err($$SELECT gcstitch.interaction_no(s, s - interval '1 second', NULL, '30 seconds') OVER (ORDER BY s)
                     FROM (VALUES ('2024-01-01'::timestamptz)) v(s)$$);

-- Measures that do not fit an interval: a valid value whose one interval spans the whole
-- timestamptz range: 22008 from the readers, never a wrong number.
SELECT pg_temp.err($$SELECT gcstitch.talk('v2 tolerance=0s split_after_wrapup=true [interact:-4713-11-24T00:00:00Z/294276-12-31T23:59:59.999999Z]')$$);
SELECT pg_temp.err($$SELECT * FROM gcstitch.interactions('v2 tolerance=0s split_after_wrapup=true [interact:-4713-11-24T00:00:00Z/294276-12-31T23:59:59.999999Z]')$$);
-- interaction_count does not need lengths.
SELECT gcstitch.interaction_count('v2 tolerance=0s split_after_wrapup=true [interact:-4713-11-24T00:00:00Z/294276-12-31T23:59:59.999999Z]');

