-- The compact text form of gcstitch.stitch (gcstitch.stitch_output = compact, issue 15): what it
-- writes, checked by hand and against an independent SQL encoder; round trips; input of both forms
-- under both settings; COPY, CSV and literals; the busy fixture; bad input.
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

-- The setting exists once the library is loaded (by the first gcstitch function a session calls);
-- set before, as a client connecting with options=-cgcstitch.stitch_output=compact does, it is kept
-- and applies from the load on.
SET gcstitch.stitch_output = compact;
SELECT 'v2 tolerance=30s split_after_wrapup=true [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:01Z@0000000000000001]'::gcstitch.stitch;
SHOW gcstitch.stitch_output;
-- Readable by default, compact or readable only, any role may set it; the prefix "gcstitch." is
-- the library's (a misspelt setting is an error, not a silent placeholder).
RESET gcstitch.stitch_output;
SHOW gcstitch.stitch_output;
SELECT context, vartype, enumvals, boot_val FROM pg_settings WHERE name = 'gcstitch.stitch_output';
SELECT pg_temp.err('SET gcstitch.stitch_output = hex');
SELECT pg_temp.err('SET gcstitch.stitch_ouput = compact');

-- An independent encoder of the grammar in docs/stitching.md, in SQL, from the readable text:
-- digits A-Z a-z 0-9 - _ (0 to 63); a number 5 bits a digit, least significant first, digits 32 to
-- 63 followed by more; flags = split_after_wrapup + 2 * unit code (2 second, 1 millisecond, 0
-- microsecond, the largest dividing every start and end); tolerance in microseconds; per row the
-- start (first row zigzag-encoded, then after the previous start) and length in units, kind = class
-- + 7 * ref (0 no session, 1 new session and its 11 digits, k + 1 the k-th most recent new session).
CREATE FUNCTION pg_temp.digit(d numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', d::int + 1, 1) $$;
CREATE FUNCTION pg_temp.varint(v numeric) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE r text := '';
BEGIN
    WHILE v >= 32 LOOP
        r := r || pg_temp.digit(32 + mod(v, 32));
        v := div(v, 32);
    END LOOP;
    RETURN r || pg_temp.digit(v);
END $$;
CREATE FUNCTION pg_temp.session_digits(hex text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v numeric := 0;
    r text := '';
BEGIN
    FOR i IN 1..16 LOOP
        v := v * 16 + position(substr(hex, i, 1) IN '0123456789abcdef') - 1;
    END LOOP;
    FOR i IN 1..11 LOOP
        r := pg_temp.digit(mod(v, 64)) || r;
        v := div(v, 64);
    END LOOP;
    RETURN r;
END $$;
-- Microseconds since 2000-01-01 UTC of a readable timestamp (astronomical years: -4713 is 4714 BC;
-- through an interval: extract(epoch) of a timestamptz near the last one loses the microseconds).
CREATE FUNCTION pg_temp.us(t text) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT extract(epoch FROM format('%s%s %s+00%s', lpad(y::text, greatest(4, length(y::text)), '0'),
                m[3], m[4], CASE WHEN bc THEN ' BC' ELSE '' END)::timestamptz - timestamptz '2000-01-01 00:00:00+00') * 1000000
    FROM regexp_match(t, '^(-?)(\d+)(-\d\d-\d\d)T([0-9:.]+)Z$') m,
         LATERAL (SELECT m[1] = '-' OR m[2]::int = 0) b(bc),
         LATERAL (SELECT CASE WHEN bc THEN 1 - (m[1] || m[2])::int ELSE m[2]::int END) x(y) $$;
CREATE FUNCTION pg_temp.compact_ref(readable text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
WITH hdr AS (
    SELECT m[1]::numeric * 1000000 AS tol, (m[2] = 'true')::int AS split
      FROM regexp_match(readable, '^v2 tolerance=([0-9.]+)s split_after_wrapup=(true|false) ') m),
r AS (
    SELECT n, array_position(ARRAY['alert', 'interact', 'hold', 'wrapup', 'dialing', 'contacting', 'other'], m[1]) - 1 AS cls,
           pg_temp.us(m[2]) AS s, pg_temp.us(m[3]) AS e, m[4] AS sess
      FROM regexp_matches(readable, '([a-z]+):([-0-9T:.]+Z)/([-0-9T:.]+Z)(?:@([0-9a-f]{16}))?', 'g') WITH ORDINALITY x(m, n)),
unit AS (
    SELECT CASE WHEN bool_and(mod(s, 1000000) = 0 AND mod(e, 1000000) = 0) THEN 2
                WHEN bool_and(mod(s, 1000) = 0 AND mod(e, 1000) = 0) THEN 1 ELSE 0 END AS code
      FROM r),
firsts AS (
    SELECT *, min(n) OVER (PARTITION BY sess) AS first_n FROM r),
numbered AS (
    SELECT *, dense_rank() OVER (PARTITION BY sess IS NULL ORDER BY first_n) AS sess_no,
           coalesce(count(*) FILTER (WHERE sess IS NOT NULL AND n = first_n)
                    OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS given,
           lag(s) OVER (ORDER BY n) AS prev_s,
           (ARRAY[1, 1000, 1000000])[(SELECT code FROM unit) + 1]::numeric AS u
      FROM firsts),
piece AS (
    SELECT *, CASE WHEN sess IS NULL THEN 0 WHEN n = first_n THEN 1 ELSE given - sess_no + 2 END AS ref
      FROM numbered)
SELECT 'v2c:' || pg_temp.varint(hdr.split + 2 * (SELECT code FROM unit)) || pg_temp.varint(hdr.tol) ||
       string_agg(pg_temp.varint(CASE WHEN n > 1 THEN (s - prev_s) / u WHEN s >= 0 THEN 2 * s / u ELSE -2 * s / u - 1 END) ||
                  pg_temp.varint((e - s) / u) || pg_temp.varint(cls + 7 * ref) ||
                  CASE WHEN ref = 1 THEN pg_temp.session_digits(sess) ELSE '' END, '' ORDER BY n)
  FROM piece, hdr GROUP BY hdr.split, hdr.tol $$;

-- Worked out by hand (digits: A-Z are 0-25, a-f 26-31, then g-z 32-51, 0-9 52-61, - 62, _ 63):
-- a: tolerance 30 s, rule 2, one interact row 00:00:00-00:00:01 of session 1.  Unit second: flags
--    1 + 2 * 2 = 5 "F"; tolerance 30000000 us = 0 + 32 * (28 + 32 * (16 + 32 * (19 + 32 * 28))):
--    "g" (32 + 0), "8" (32 + 28), "w" (32 + 16), "z" (32 + 19), "c" (28); start zigzag(0) "A",
--    length 1 s "B", kind interact 1 + 7 * new 1 = 8 "I", session 1 in 11 digits "AAAAAAAAAAB".
-- b: rows (seconds after 2000-01-01) alert 0-5 @1, interact 5-60 @1, interact 50-90.25 @2, wrapup
--    120-150, other 3600-3600: unit millisecond, flags 1 + 2 = 3 "D"; tolerance "g8wzc"; then
--    start 0 "A", 5000 ms = 8 + 32 * (28 + 32 * 4) "o8E", alert new 7 "H", session 1;
--    +5000 "o8E", 55000 = 24 + 32 * (22 + 32 * (21 + 32)) "421B", interact + 7 * 2 (most recent) =
--    15 "P"; +45000 = 8 + 32 * (30 + 32 * (11 + 32)) "o-rB", 40250 = 26 + 32 * (9 + 32 * (7 + 32))
--    "6pnB", interact new 8 "I", session 2 "AAAAAAAAAAC"; +70000 = 16 + 32 * (11 + 32 * (4 + 32 * 2))
--    "wrkC", 30000 = 16 + 32 * (9 + 32 * 29) "wpd", wrapup 3 "D"; +3480000 = 0 + 32 * (14 + 32 *
--    (6 + 32 * (10 + 32 * 3))) "gumqD", length 0 "A", other 6 "G".
-- c: no rule 2, tolerance 0, hold 1999-12-31T23:59:59Z-2000-01-01T00:00:01Z @1: unit second, flags
--    0 + 4 "E", tolerance "A", start -1 zigzag 1 "B", length 2 "C", hold new 2 + 7 = 9 "J", session 1.
-- d: tolerance 0, rule 2, other at 00:00:00.000001 of length 0: unit microsecond, flags 1 "B",
--    tolerance "A", start 1 zigzag 2 "C", length "A", other 6 "G".
CREATE TEMP TABLE hand (k text, readable text, compact text);
INSERT INTO hand VALUES
    ('a', 'v2 tolerance=30s split_after_wrapup=true [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:01Z@0000000000000001]',
     'v2c:Fg8wzcABIAAAAAAAAAAB'),
    ('b', 'v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:05Z@0000000000000001 '
          'interact:2000-01-01T00:00:05Z/2000-01-01T00:01:00Z@0000000000000001 '
          'interact:2000-01-01T00:00:50Z/2000-01-01T00:01:30.25Z@0000000000000002 '
          'wrapup:2000-01-01T00:02:00Z/2000-01-01T00:02:30Z] [other:2000-01-01T01:00:00Z/2000-01-01T01:00:00Z]',
     'v2c:Dg8wzc' || 'Ao8EHAAAAAAAAAAB' || 'o8E421BP' || 'o-rB6pnBIAAAAAAAAAAC' || 'wrkCwpdD' || 'gumqDAG'),
    ('c', 'v2 tolerance=0s split_after_wrapup=false [hold:1999-12-31T23:59:59Z/2000-01-01T00:00:01Z@0000000000000001]',
     'v2c:EABCJAAAAAAAAAAB'),
    ('d', 'v2 tolerance=0s split_after_wrapup=true [other:2000-01-01T00:00:00.000001Z/2000-01-01T00:00:00.000001Z]',
     'v2c:BACAG');
SET gcstitch.stitch_output = compact;
SELECT k, readable::gcstitch.stitch::text = compact AS written_as_worked_out,
       pg_temp.compact_ref(readable) = compact AS reference_agrees
FROM hand ORDER BY k;
RESET gcstitch.stitch_output;
SELECT k, compact::gcstitch.stitch::text = readable AS reads_as_readable FROM hand ORDER BY k;

-- Values built by the aggregate.
CREATE TEMP TABLE vals (id int, st gcstitch.stitch);
-- 1: two islands (the wrapup 29.75 s after the running max end joins), sessions a and b, a
--    zero-length row without a session, milliseconds.
INSERT INTO vals
SELECT 1, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '30 seconds')
FROM (VALUES ('2000-01-01 00:00:00', '2000-01-01 00:00:05', 'alert', 'a'),
             ('2000-01-01 00:00:05', '2000-01-01 00:01:00', 'interact', 'a'),
             ('2000-01-01 00:00:50', '2000-01-01 00:01:30.25', 'interact', 'b'),
             ('2000-01-01 00:02:00', '2000-01-01 00:02:30', 'wrapup', NULL),
             ('2000-01-01 01:00:00', '2000-01-01 01:00:00', 'ivr', NULL)) v(s, e, t, sess);
-- 2: microseconds around the epoch (the first start is negative), tolerance 0.5 s.
INSERT INTO vals
SELECT 2, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '0.5 seconds')
FROM (VALUES ('1999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001', 'hold', 'x'),
             ('2024-02-29 12:00:00', '2024-02-29 12:00:00.5', 'dialing', NULL),
             ('2024-02-29 12:00:01', '2024-02-29 12:00:02', 'contacting', NULL)) v(s, e, t, sess);
-- 3: tolerance 0; five rows of one instant (classes and sessions in stored order), zero-length rows;
--    the hold at 08:01:00 touches the interact's end, the wrapup 1 us later is a second island.
INSERT INTO vals
SELECT 3, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '0')
FROM (VALUES ('2024-06-03 08:00:00', '2024-06-03 08:00:00', 'alert', 's1'),
             ('2024-06-03 08:00:00', '2024-06-03 08:00:00', 'alert', 's2'),
             ('2024-06-03 08:00:00', '2024-06-03 08:01:00', 'interact', 's1'),
             ('2024-06-03 08:00:00', '2024-06-03 08:00:30', 'other', NULL),
             ('2024-06-03 08:00:00', '2024-06-03 08:00:00', 'wrapup', 's3'),
             ('2024-06-03 08:01:00', '2024-06-03 08:01:00', 'hold', 's2'),
             ('2024-06-03 08:01:00.000001', '2024-06-03 08:02:00', 'wrapup', 's1')) v(s, e, t, sess);
-- 4: 1970, whole seconds, tolerance 36 hours, gap rule only: one island over two days.
INSERT INTO vals
SELECT 4, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '36 hours', false)
FROM (VALUES ('1970-01-01 00:00:00', '1970-01-01 01:00:00', 'interact', 'p'),
             ('1970-01-01 02:00:00', '1970-01-01 02:00:10', 'wrapup', 'p'),
             ('1970-01-02 12:00:00', '1970-01-02 12:00:20', 'alert', 'q')) v(s, e, t, sess);
-- 5: 60 rows cycling over 12 sessions (references back to the 12th most recent: kinds of two
--    digits), one call each 10 minutes, 10 calls; each call's dialing starts after its wrapup, so
--    it is an interaction of its own (rule 2): 20 interactions.
INSERT INTO vals
SELECT 5, gcstitch.stitch(t0 + (j * 7) * interval '1 second', t0 + (j * 7 + 5) * interval '1 second',
                          (ARRAY['alert', 'interact', 'hold', 'interact', 'wrapup', 'dialing'])[j + 1],
                          'sess-' || ((c * 5 + j) % 12), '30 seconds')
FROM generate_series(0, 9) c, generate_series(0, 5) j,
     LATERAL (SELECT timestamptz '2024-11-04 08:00:00.123+00' + c * interval '10 minutes') x(t0);
-- 6: the earliest and latest timestamptz, one row spanning all of them (a length past int64
--    microseconds from a negative start).
INSERT INTO vals VALUES
    (6, 'v2 tolerance=0s split_after_wrapup=true [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]'),
    (7, 'v2 tolerance=9223372036854.775807s split_after_wrapup=false [other:-4713-11-24T00:00:00Z/294276-12-31T23:59:59.999999Z@1fffffffffffffff]');
SELECT id, gcstitch.interaction_count(st), st FROM vals ORDER BY id;
CREATE TEMP TABLE texts AS SELECT id, st::text AS readable FROM vals;
SET gcstitch.stitch_output = compact;
ALTER TABLE texts ADD COLUMN compact text;
UPDATE texts t SET compact = v.st::text FROM vals v WHERE v.id = t.id;
SELECT id, compact FROM texts ORDER BY id;
-- Compact as the reference writes it; shorter than readable; out(in(x)) = x in both forms and
-- under both settings; the value read from either text is the value.
SELECT id, compact = pg_temp.compact_ref(readable) AS reference_agrees,
       length(compact) < length(readable) AS shorter,
       compact::gcstitch.stitch::text = compact AS compact_round_trip,
       readable::gcstitch.stitch::text = compact AS readable_read_under_compact,
       compact::gcstitch.stitch OPERATOR(gcstitch.=) readable::gcstitch.stitch AS same_value,
       (SELECT st FROM vals v WHERE v.id = t.id) OPERATOR(gcstitch.=) compact::gcstitch.stitch AS value_round_trip
FROM texts t ORDER BY id;
RESET gcstitch.stitch_output;
SELECT id, compact::gcstitch.stitch::text = readable AS compact_read_under_readable,
       readable::gcstitch.stitch::text = readable AS readable_round_trip
FROM texts ORDER BY id;

-- Safe as it is in COPY text and CSV, in array and record literals and in SQL string literals: only
-- the 64 digits after the prefix, so nothing is quoted or escaped.
SET gcstitch.stitch_output = compact;
SELECT bool_and(st::text ~ '^v2c:[A-Za-z0-9_-]+$') AS only_digits,
       bool_and(ARRAY[st]::text = '{' || st::text || '}') AS array_unquoted,
       bool_and(ROW(st, 1)::text = '(' || st::text || ',1)') AS record_unquoted,
       bool_and(quote_literal(st::text) = '''' || st::text || '''') AS literal_unescaped
FROM vals;
CREATE FUNCTION pg_temp.copy_round_trip(fmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f text := current_setting('data_directory') || '/gcstitch_stitch_io_compact.' || fmt;
    want text;
BEGIN
    EXECUTE format('COPY (SELECT id, st FROM vals ORDER BY id) TO %L (FORMAT %s)', f, fmt);
    SELECT string_agg(id || CASE fmt WHEN 'csv' THEN ',' ELSE E'\t' END || st::text || E'\n', '' ORDER BY id)
      INTO want FROM vals;
    CREATE TEMP TABLE back (id int, st gcstitch.stitch);
    EXECUTE format('COPY back FROM %L (FORMAT %s)', f, fmt);
    RETURN format('file as written: %s, rows read back equal: %s', pg_read_file(f) = want,
                  (SELECT count(*) FROM vals JOIN back USING (id) WHERE vals.st OPERATOR(gcstitch.=) back.st));
END $$;
SELECT pg_temp.copy_round_trip('text');
DROP TABLE back;
SELECT pg_temp.copy_round_trip('csv');
DROP TABLE back;
RESET gcstitch.stitch_output;

-- The busy fixture (as fixtures_busy.sql): 6 agents, 25 calls each, 1-21 s apart, 30 % of the
-- calls cut by reconnects; one value per client id (a login's day: 25 calls, each its own
-- interaction as fixtures_busy.sql checks against the generator's truth, some 100 rows), segments
-- read straight from the generated pages.  Readable and compact texts stored apart, then compared.
CREATE TEMP TABLE busy AS
SELECT s.client_id, gcstitch.stitch(s.segment_start, s.segment_end, s.segment_type, s.session_id, '30 seconds') AS st
  FROM gcstitch.sample_export('2024-11-04', 6, 25, 12, fragment_pct => 30, transfer_pct => 10, abandon_pct => 10,
                              outbound_pct => 15) p,
       gcstitch.segments_from_json(p.doc) s
 WHERE s.purpose = 'agent' AND s.client_id IS NOT NULL
 GROUP BY s.client_id;
CREATE TEMP TABLE busy_readable AS SELECT client_id, st::text AS t FROM busy;
SET gcstitch.stitch_output = compact;
CREATE TEMP TABLE busy_compact AS SELECT client_id, st::text AS t FROM busy;
SELECT count(*) AS logins, sum(gcstitch.interaction_count(st)) AS calls,
       min(length(r.t) - length(replace(r.t, '/', ''))) > 80 AS over_80_rows_each,
       bool_and(c.t LIKE 'v2c:%') AS compact,
       bool_and(c.t = pg_temp.compact_ref(r.t)) AS reference_agrees,
       bool_and(c.t::gcstitch.stitch OPERATOR(gcstitch.=) st) AS compact_reads_back,
       bool_and(r.t::gcstitch.stitch::text = c.t) AS readable_read_under_compact,
       sum(length(c.t)) < sum(octet_length(gcstitch.stitch_send(st))) AS smaller_than_binary
FROM busy JOIN busy_readable r USING (client_id) JOIN busy_compact c USING (client_id);
RESET gcstitch.stitch_output;
SELECT (SELECT count(*) FROM (SELECT client_id, t::gcstitch.stitch::text FROM busy_compact
                              EXCEPT SELECT client_id, t FROM busy_readable) d) AS compact_not_readable,
       (SELECT count(*) FROM (SELECT client_id, t FROM busy_readable
                              EXCEPT SELECT client_id, t::gcstitch.stitch::text FROM busy_compact) d) AS readable_not_compact;

-- Bad compact text: 22P02 naming the text, with a detail sentence.  Pieces of hand value a:
-- "v2c:" prefix, "F" flags, "g8wzc" tolerance, "A" start, "B" length, "I" kind (interact, new
-- session), "AAAAAAAAAAB" session 1.
SELECT c, q, pg_temp.err(format('SELECT %L::gcstitch.stitch', q))
FROM (VALUES
    ('valid', 'v2c:Fg8wzcABIAAAAAAAAAAB'),
    ('prefix only', 'v2c:'),
    ('truncated: tolerance missing', 'v2c:F'),
    ('truncated: inside the tolerance', 'v2c:Fg8wz'),
    ('no row', 'v2c:Fg8wzc'),
    ('truncated: kind missing', 'v2c:Fg8wzcAB'),
    ('truncated: inside the session', 'v2c:Fg8wzcABIAAAAA'),
    ('trailing digit starting a number', 'v2c:Fg8wzcABIAAAAAAAAAABg'),
    ('trailing garbage', 'v2c:Fg8wzcABIAAAAAAAAAAB!'),
    ('trailing space', 'v2c:Fg8wzcABIAAAAAAAAAAB '),
    ('space inside', 'v2c:Fg8wzc ABIAAAAAAAAAAB'),
    ('plus (standard base 64)', 'v2c:Fg8wzcAB+AAAAAAAAAAB'),
    ('non-ASCII', 'v2c:Fg8wzcABIAAAAAAAAAAé'),
    ('leading space', ' v2c:Fg8wzcABIAAAAAAAAAAB'),
    ('upper-case prefix', 'V2C:Fg8wzcABIAAAAAAAAAAB'),
    ('no colon', 'v2cFg8wzcABIAAAAAAAAAAB'),
    ('flags 6: unit 3', 'v2c:Gg8wzcABIAAAAAAAAAAB'),
    ('unit millisecond for whole seconds (length 1000 ms)', 'v2c:Dg8wzcAofIAAAAAAAAAAB'),
    ('number ending with a zero digit', 'v2c:Fg8wzcAhAIAAAAAAAAAAB'),
    ('tolerance 2^64 (14 digits)', 'v2c:F' || repeat('_', 13) || 'BABIAAAAAAAAAAB'),
    ('tolerance past int64', 'v2c:F' || repeat('g', 12) || 'IABIAAAAAAAAAAB'),
    ('tolerance int64 max', 'v2c:F' || repeat('_', 12) || 'HABIAAAAAAAAAAB'),
    ('start overflows int64 microseconds', 'v2c:F' || 'A' || repeat('_', 12) || 'HBIAAAAAAAAAAB'),
    ('start in int64 but past the last timestamp', 'v2c:B' || 'A' || repeat('_', 12) || 'HBIAAAAAAAAAAB'),
    ('length past the last timestamp', 'v2c:BAA' || repeat('_', 12) || 'HIAAAAAAAAAAB'),
    ('session 0', 'v2c:Fg8wzcABIAAAAAAAAAAA'),
    ('session past 61 bits', 'v2c:Fg8wzcABICAAAAAAAAAA'),
    ('session referred to before any is given', 'v2c:Fg8wzcABP'),
    ('reference past the sessions given', 'v2c:Fg8wzcABIAAAAAAAAAAB' || 'ABW'),
    ('session given twice', 'v2c:Fg8wzcABIAAAAAAAAAAB' || 'CBHAAAAAAAAAAB'),
    ('out of order: alert after interact at one start', 'v2c:Fg8wzcABIAAAAAAAAAAB' || 'ABH' || 'AAAAAAAAAAC'),
    ('repeated row', 'v2c:Fg8wzcABG' || 'ABG'),
    ('two islands: not written, the rules cut them (valid)', 'v2c:Fg8wzcABD' || 'KBA')
) v(c, q);
