-- Values of format 1, written by gcstitch 0.1.0 (text "v1 ..." in dumps, binary version 1 in COPY
-- BINARY files, raw bytes on disk), still read: as values stitched by the gap rule only
-- (split_after_wrapup false), with the islands and measures 0.1.0 gave them.  0.1.0 kept per-class
-- unions, not rows, so the new-call rule cannot be applied to them: recompute from the segments.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

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

-- A busy agent as 0.1.0 stored it: one island 10:00:00-10:05:30 (call 1 interact and wrapup to
-- 10:02:10, call 2 ringing 10:02:20 after it), two sessions.  Read as it was: one interaction, talk
-- 4:35, acw 0:40, alert 0:05, handle 5:15, gap 0:10 (10:02:10-10:02:20), 2 fragments; its rows are
-- the 0.1.0 unions, and a copy of the island's first union in class order (the alert) per session.
CREATE TEMP TABLE old (st gcstitch.stitch);
INSERT INTO old VALUES ('v1 tolerance=30s [alert:2024-11-04T10:02:20Z/2024-11-04T10:02:25Z interact:2024-11-04T10:00:00Z/2024-11-04T10:02:00Z,2024-11-04T10:02:25Z/2024-11-04T10:05:00Z wrapup:2024-11-04T10:02:00Z/2024-11-04T10:02:10Z,2024-11-04T10:05:00Z/2024-11-04T10:05:30Z sessions:05dba00f617cd0a8,14cdb47c3b9004ff]');
SELECT st FROM old;
SELECT gcstitch.split_after_wrapup(st), gcstitch.tolerance(st), i.interaction_no, i.started_at::time,
       i.ended_at::time, i.fragments, i.alert, i.talk, i.acw, i.handle, i.gap
FROM old, gcstitch.interactions(st) i;

-- Rolled up with itself (same rules) it is unchanged; with a value of the new rule it is refused.
SELECT (SELECT gcstitch.rollup(st) FROM (SELECT st FROM old UNION ALL SELECT st FROM old) x)
       OPERATOR(gcstitch.=) (SELECT st FROM old) AS rollup_unchanged;
SELECT pg_temp.err($$SELECT gcstitch.rollup(x) FROM (SELECT st FROM old UNION ALL
                     SELECT gcstitch.stitch('2024-11-04 12:00', '2024-11-04 12:01', 'alert', NULL, '30 seconds')) v(x)$$);

-- The 0.1.0 text forms (white space, upper-case hex, trailing zeros were accepted then, still are).
SELECT 'v1 tolerance=0s [other:-4713-11-24T00:00:00Z/-4713-11-24T00:00:00Z] [other:294276-12-31T23:59:59.999999Z/294276-12-31T23:59:59.999999Z]'::gcstitch.stitch;
SELECT E'  v1   tolerance=1.500000s\t[ interact:2024-01-01T10:00:00.100Z/2024-01-01T10:00:01Z   sessions:00000000000000AB,00000000000000ac ]  '::gcstitch.stitch;

-- Malformed format 1 text: the 0.1.0 checks, with their details.
SELECT q, pg_temp.err(format('SELECT %L::gcstitch.stitch', q))
FROM (VALUES
    ('v1 [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=-1s [other:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s'),
    ('v1 tolerance=30s []'),
    ('v1 tolerance=30s [talk:2000-01-01T00:00:00Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z alert:2000-01-01T00:00:10Z/2000-01-01T00:00:20Z]'),
    ('v1 tolerance=30s [sessions:0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:10Z/2000-01-01T00:00:00Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z,2000-01-01T00:00:05Z/2000-01-01T00:00:20Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z,2000-01-01T00:00:40.000001Z/2000-01-01T00:00:50Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z] [alert:2000-01-01T00:00:40Z/2000-01-01T00:00:50Z]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:0000000000000002,0000000000000001]'),
    ('v1 tolerance=30s [alert:2000-01-01T00:00:00Z/2000-01-01T00:00:10Z sessions:2000000000000000]')
) v(q);

-- Binary format 1 (COPY BINARY files written by 0.1.0) through COPY ... FROM (FORMAT binary).
CREATE TEMP TABLE loaded (st gcstitch.stitch);
CREATE FUNCTION pg_temp.bin_load(hex text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f text := current_setting('data_directory') || '/gcstitch_stitch_format1.bin';
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
-- 0.1.0's documented layout: 01 version, 00 flags, tolerance, 3 counts, per island 7 class counts
-- and a session count, per interval start and end, per session its identity.  The value is
-- v1 tolerance=30s [interact:2000-01-01T00:00:00Z/2000-01-01T00:00:01Z sessions:0000000000000001].
SELECT c, pg_temp.bin_load(h) FROM (VALUES
    ('valid',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('truncated',
     '0100' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '00000000000000'),
    ('flags 1',
     '0101' || '0000000001c9c380' || '000000010000000100000001' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000001' ||
     '000000000000000000000000000f4240' || '0000000000000001'),
    ('two islands 10 s apart with tolerance 30 s (must be one)',
     '0100' || '0000000001c9c380' || '000000020000000200000000' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000000' ||
     '00000000000000010000000000000000000000000000000000000000' || '00000000' ||
     '000000000000000000000000000f4240' || '0000000000aba9500000000000b71b00')
) v(c, h);

-- Raw format 1 bytes as 0.1.0 left them on disk (x86-64, little-endian: 01 version, 00 flags,
-- 0000 unused, tolerance, nislands, nintervals, nsessions, unused, the island's 7 class counts and
-- session count, the interval, the session); byteasend returns its argument's bytes unchanged.
CREATE FUNCTION pg_temp.raw_stitch(bytea) RETURNS gcstitch.stitch
    LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
SELECT pg_temp.raw_stitch('\x0100000080c3c9010000000001000000010000000100000000000000'
                          '00000000010000000000000000000000000000000000000000000000'
                          '01000000'
                          '000000000000000040420f0000000000'
                          '0100000000000000')::text AS from_disk;
-- A stored value of an unknown format version is reported as corrupted data (XX001).
SELECT pg_temp.err($$SELECT pg_temp.raw_stitch('\x0300000080c3c9010000000001000000010000000100000000000000')::text$$) AS unknown_version;
