-- Text and binary input/output of gcstitch.stitch: round trips, canonical form, bad input.
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

-- Text form (format 2) of values built by the aggregate (2000-01-01 is the PostgreSQL epoch,
-- microsecond 0).  Islands in time order; inside, the distinct rows by start, then class (alert,
-- interact, hold, wrapup, dialing, contacting, other), then session; a session as @ and 16 hex digits.
CREATE TEMP TABLE vals (id int, st gcstitch.stitch);
INSERT INTO vals
SELECT 1, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '30 seconds')
FROM (VALUES ('2000-01-01 00:00:00', '2000-01-01 00:00:05', 'alert', 'a'),
             ('2000-01-01 00:00:05', '2000-01-01 00:01:00', 'interact', 'a'),
             ('2000-01-01 00:00:50', '2000-01-01 00:01:30.25', 'interact', 'b'),
             ('2000-01-01 00:02:00', '2000-01-01 00:02:30', 'wrapup', NULL),
             ('2000-01-01 01:00:00', '2000-01-01 01:00:00', 'ivr', NULL)) v(s, e, t, sess);
INSERT INTO vals
SELECT 2, gcstitch.stitch(s::timestamptz, e::timestamptz, t, sess, '0.5 seconds')
FROM (VALUES ('1999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001', 'hold', 'x'),
             ('2024-02-29 12:00:00', '2024-02-29 12:00:00.5', 'dialing', NULL),
             ('2024-02-29 12:00:01', '2024-02-29 12:00:02', 'contacting', NULL)) v(s, e, t, sess);
-- id 1: one interaction 00:00:00-00:02:30 (00:02:00 is 29.75 s after the running max end; its four
--   rows, each interact kept with its own session: a = 0f74f05aa5cbf293, b = 036b6ee553b4e1a1) and
--   one zero-length "other" at 01:00:00 without a session.
-- id 2: tolerance 0.5 s: 12:00:00.5 -> 12:00:01 is exactly 0.5 s: one island with dialing and
--   contacting (an offer, but no wrapup before it); the hold around the epoch is its own island.
SELECT id, st FROM vals ORDER BY id;

-- out(in(x)) = x, and the value read back equals the original.
SELECT id, st::text::gcstitch.stitch::text = st::text AS text_round_trip,
       st::text::gcstitch.stitch OPERATOR(gcstitch.=) st AS value_round_trip
FROM vals ORDER BY id;

-- Session identities are a 61-bit hash of the session text: the same text gives the same
-- identity in any value; distinct texts differ.
SELECT gcstitch.stitch('2000-01-01', '2000-01-01', NULL, 'a', '0')::text AS session_a,
       gcstitch.stitch('2000-01-01', '2000-01-01', NULL, 'b', '0')::text AS session_b;

-- Extremes: the earliest and latest timestamptz round-trip (years are astronomical: -4713 is
-- 4714 BC; years past 9999 have more digits).
SELECT 'v2 tolerance=0s split_after_wrapup=true [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]'::gcstitch.stitch;
SELECT i.started_at, i.ended_at
FROM gcstitch.interactions('v2 tolerance=0s split_after_wrapup=true [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]') i;

-- Tolerance text: seconds with up to 6 decimals; split_after_wrapup as written.
SELECT gcstitch.tolerance(x), gcstitch.split_after_wrapup(x)
FROM (VALUES ('v2 tolerance=0.000001s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'::gcstitch.stitch),
             ('v2 tolerance=86400s split_after_wrapup=false [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]')) v(x);

-- The rules are checked: a wrapup then an alert 10 s later is one island without rule 2 and two
-- islands with it; text cut the other way is refused (below).
SELECT gcstitch.interaction_count('v2 tolerance=30s split_after_wrapup=false [wrapup:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:20Z/2000-01-01T00:00:25Z]') AS gap_rule_only,
       gcstitch.interaction_count('v2 tolerance=30s split_after_wrapup=true [wrapup:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [alert:2000-01-01T00:00:20Z/2000-01-01T00:00:25Z]') AS both_rules;

-- Malformed or non-canonical text: 22P02 naming the text, with a detail sentence.  Input accepts
-- exactly what output writes: one space between parts, lower-case hex, no leading or trailing zeros.
SELECT q, pg_temp.err(format('SELECT %L::gcstitch.stitch', q))
FROM (VALUES
    (''),
    ('v3 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=yes [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2  tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    (' v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=-1s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=030s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30.0s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=1.1234567s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30 split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true'),
    ('v2 tolerance=30s split_after_wrapup=true []'),
    ('v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z'),
    ('v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z] '),
    ('v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]x'),
    ('v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z][other:2000-01-01T01:00:00Z/2000-01-01T01:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z  other:2000-01-01T00:00:01Z/2000-01-01T00:00:01Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [talk:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [Interact:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [interact 2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z-2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00.100Z/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:02000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00+01/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2023-02-29T00:00:00Z/2023-03-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:294277-01-01T00:00:00Z/294277-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:10Z/2000-01-01T00:00:00Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@00000000000000AB]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@123]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@0000000000000000]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@2000000000000000]'),
    ('v2 tolerance=30s split_after_wrapup=true [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:20Z/2000-01-01T00:00:30Z alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:00Z/2000-01-01T00:00:20Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@0000000000000002 alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z@0000000000000001]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:40.000001Z/2000-01-01T00:00:50Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [alert:2000-01-01T00:00:40Z/2000-01-01T00:00:50Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T01:00:00Z/2000-01-01T01:00:10Z] [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [wrapup:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:20Z/2000-01-01T00:00:25Z]'),
    ('v2 tolerance=30s split_after_wrapup=false [wrapup:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [alert:2000-01-01T00:00:20Z/2000-01-01T00:00:25Z]'),
    ('v2 tolerance=30s split_after_wrapup=true [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [wrapup:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]')
) v(q);

-- Binary: send gives the documented layout.  For the value below:
--   02 version, 01 flags (split_after_wrapup), 0000000001c9c380 tolerance (30000000 us),
--   00000001 islands, 00000001 rows; island: 00000001 row; row: start 0, end 1000000 us (f4240),
--   tag 2000000000000001 (class interact = 1 in the top 3 bits, session 1).
SELECT encode(gcstitch.stitch_send('v2 tolerance=30s split_after_wrapup=true [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:01Z@0000000000000001]'), 'hex');

-- Binary input is reached through COPY ... (FORMAT binary): a bytea column's binary COPY field
-- is its raw bytes, so a file written from a bytea loads those bytes into a stitch column.
-- The file lives in the throwaway data directory.
CREATE TEMP TABLE loaded (st gcstitch.stitch);
CREATE FUNCTION pg_temp.bin_load(hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f text := current_setting('data_directory') || '/gcstitch_stitch_io.bin';
    r text;
    d text;
BEGIN
    EXECUTE format('COPY (SELECT decode(%L, ''hex'')) TO %L (FORMAT binary)', hex, f);
    DELETE FROM loaded;
    EXECUTE format('COPY loaded FROM %L (FORMAT binary)', f);
    SELECT st::text INTO r FROM loaded;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '');
END $$;

-- Binary round trip of every value: send, then recv through COPY, gives the same value.
SELECT id, pg_temp.bin_load(encode(gcstitch.stitch_send(st), 'hex')) = st::text AS binary_round_trip
FROM vals ORDER BY id;

-- Whole-table COPY BINARY out and back in.
CREATE FUNCTION pg_temp.copy_round_trip() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE f text := current_setting('data_directory') || '/gcstitch_stitch_io_table.bin';
BEGIN
    EXECUTE format('COPY (SELECT id, st FROM vals ORDER BY id) TO %L (FORMAT binary)', f);
    CREATE TEMP TABLE vals_back (id int, st gcstitch.stitch);
    EXECUTE format('COPY vals_back FROM %L (FORMAT binary)', f);
    RETURN (SELECT count(*) FROM vals JOIN vals_back USING (id) WHERE vals.st OPERATOR(gcstitch.=) vals_back.st);
END $$;
SELECT pg_temp.copy_round_trip() AS equal_rows_after_copy_binary;

-- Corrupted binary values: 22P03 with a detail.  Pieces of the valid value above:
--   H = 02 01 0000000001c9c380 00000001 00000001   (header: 1 island, 1 row)
--   I = 00000001   (the island's row count)
--   R = 0000000000000000 00000000000f4240 2000000000000001   (start, end, tag)
SELECT c, pg_temp.bin_load(h) FROM (VALUES
    ('valid H I R',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('empty', ''),
    ('header cut short', '02010000000001c9c380'),
    ('truncated: last byte missing',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '20000000000000'),
    ('trailing byte',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001' || '00'),
    ('version 3',
     '0301' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('flags 3',
     '0203' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('flags 0: valid, gap rule only',
     '0200' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('negative tolerance',
     '0201' || 'ffffffffffffffff' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('zero islands',
     '0201' || '0000000001c9c380' || '0000000000000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('huge island count',
     '0201' || '0000000001c9c380' || '7fffffff00000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('island with no row',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000000' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('island row counts 1 + 2 for 2 rows',
     '0201' || '0000000001c9c380' || '0000000200000002' || '0000000100000002' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000002'),
    ('row ends before it starts',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '00000000000f4240' || '0000000000000000' || '2000000000000001'),
    ('timestamp beyond the last valid one (infinity)',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '7fffffffffffffff' || '2000000000000001'),
    ('class 7',
     '0201' || '0000000001c9c380' || '0000000100000001' || '00000001' ||
     '0000000000000000' || '00000000000f4240' || 'e000000000000001'),
    ('rows out of order (session 2 before session 1 at the same start and class)',
     '0201' || '0000000001c9c380' || '0000000100000002' || '00000002' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000002' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001'),
    ('two islands 10 s apart with tolerance 30 s (must be one)',
     '0201' || '0000000001c9c380' || '0000000200000002' || '0000000100000001' ||
     '0000000000000000' || '00000000000f4240' || '2000000000000001' ||
     '0000000000aba950' || '0000000000b71b00' || '2000000000000001')
) v(c, h);
