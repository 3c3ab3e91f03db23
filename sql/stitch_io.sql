-- Text and binary input/output of gcstitch.stitch: round trips, canonical form, bad input.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

-- Returns the error of a statement as "SQLSTATE: message / detail", or "ok".
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(d, ''), '');
END $$;

-- Text form of values built by the aggregate (2000-01-01 is the PostgreSQL epoch, microsecond 0).
-- Islands in time order; classes in the order alert, interact, hold, wrapup, dialing,
-- contacting, other; each class's union; sessions as 16 hex digits, ascending.
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
-- id 1: one interaction 00:00:00-00:02:30 (alert; interact 00:00:05-00:01:30.25 as one union;
--   wrapup; sessions of 'a' and 'b') and one zero-length "other" at 01:00:00 without sessions.
-- id 2: tolerance 0.5 s: 12:00:00.5 -> 12:00:01 is exactly 0.5 s: one island with dialing and
--   contacting; the hold around the epoch is its own island.
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
-- 4714 BC); upper-case hex and extra white space are accepted, output is canonical.
SELECT 'v1 tolerance=0s [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]'::gcstitch.stitch;
SELECT i.started_at, i.ended_at
FROM gcstitch.interactions('v1 tolerance=0s [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]') i;
SELECT E'  v1   tolerance=1.500000s\t[ interact:2024-01-01T10:00:00.100Z/2024-01-01T10:00:01Z   sessions:00000000000000AB,00000000000000ac ]  '::gcstitch.stitch;

-- Tolerance text: seconds with up to 6 decimals.
SELECT gcstitch.tolerance('v1 tolerance=0.000001s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
       gcstitch.tolerance('v1 tolerance=86400s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]');

-- Malformed or non-canonical text: 22P02 naming the text, with a detail sentence.
SELECT q, pg_temp.err(format('SELECT %L::gcstitch.stitch', q))
FROM (VALUES
    (''),
    ('v2 tolerance=30s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=-1s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=1.1234567s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30 [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=99999999999999999999s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s'),
    ('v1 tolerance=30s []'),
    ('v1 tolerance=30s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z'),
    ('v1 tolerance=30s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]x'),
    ('v1 tolerance=30s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z][other:2000-01-01T01:00:00Z/2000-01-01T01:00:00Z]'),
    ('v1 tolerance=30s [talk:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [Interact:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:10Z/2000-01-01T00:00:20Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:20Z/2000-01-01T00:00:30Z]'),
    ('v1 tolerance=30s [sessions:0000000000000001 alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [sessions:0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Zsessions:0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01 00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00+01/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-1-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2023-02-29T00:00:00Z/2023-03-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T24:00:00Z/2000-01-02T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00.1234567Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00.Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:294277-01-01T00:00:00Z/294277-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [alert:-4713-11-23T23:59:59Z/-4713-11-24T00:00:00Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z-2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:10Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z,2000-01-01T00:00:10Z/2000-01-01T00:00:20Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z,2000-01-01T00:00:05Z/2000-01-01T00:00:20Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:20Z/2000-01-01T00:00:30Z,2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z,2000-01-01T00:00:40.000001Z/2000-01-01T00:00:50Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [alert:2000-01-01T00:00:40Z/2000-01-01T00:00:50Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T01:00:00Z/2000-01-01T01:00:10Z] [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:0000000000000002,0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:0000000000000001,0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:0000000000000000]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:2000000000000000]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:123]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:00000000000000g1]')
) v(q);

-- Binary: send gives the documented layout.  For the value below:
--   01 version, 00 flags, 0000000001c9c380 tolerance (30000000 us), 00000001 islands,
--   00000001 intervals, 00000001 sessions; island: counts alert 0, interact 1, hold 0, wrapup 0,
--   dialing 0, contacting 0, other 0, sessions 1; interval 0 .. 1000000 us; session 1.
SELECT encode(gcstitch.stitch_send('v1 tolerance=30s [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:01Z sessions:0000000000000001]'), 'hex');

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
--   H = 0100 0000000001c9c380 00000001 00000001 00000001   (header)
--   I = 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000001   (island)
--   V = 0000000000000000 00000000000f4240   (interval)   S = 0000000000000001   (session)
SELECT c, pg_temp.bin_load(h) FROM (VALUES
    ('valid H I V S',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('empty', ''),
    ('header cut short', '01000000000001c9c380'),
    ('truncated: last byte missing',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '00000000000000'),
    ('trailing byte',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001' || '00'),
    ('version 2',
     '0200' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('flags 1',
     '0101' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('negative tolerance',
     '0100' || 'ffffffffffffffff' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('zero islands',
     '0100' || '0000000001c9c380' || '000000000000000100000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('huge island count',
     '0100' || '0000000001c9c380' || '7fffffff0000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('negative session count',
     '0100' || '0000000001c9c380' || '0000000100000001ffffffff' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('island interval counts do not add up (interact 1 -> hold 2, other -1)',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '000000000000000000000002000000000000000000000000ffffffff' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('island session count 2 of total 1',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000002' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('interval ends before it starts',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '00000000000f42400000000000000000' || '0000000000000001'),
    ('timestamp beyond the last valid one (infinity)',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '00000000000000007fffffffffffffff' || '0000000000000001'),
    ('session identity 0',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000000'),
    ('session identity over 61 bits',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || 'ffffffffffffffff'),
    ('two islands 10 s apart with tolerance 30 s (must be one)',
     '0100' || '0000000001c9c380' || '000000020000000200000000' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000000' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000000' ||
     '000000000000000000000000000f4240' || '0000000000aba9500000000000b71b00')
) v(c, h);
