-- Importer: ISO-8601 dates, parsed in C without TimeZone. Accepted: YYYY-MM-DDTHH:MM:SS, an
-- optional fraction of 1 to 9 digits (rounded half up to microseconds), then Z, +hh:mm, -hh:mm,
-- +hhmm or +hh. Rejected: non-padded fields ("2021-04-2T..."), no zone, a space or "t" for "T",
-- impossible days, hour 24, leap seconds.
-- A session time zone with a half-hour offset: results must not depend on it.
SET timezone = 'America/St_Johns';
SET datestyle = 'ISO, YMD';
-- The segmentStart of a one-segment conversation, or the error's SQLSTATE and detail.
CREATE FUNCTION pg_temp.parse(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    doc text := format('{"conversationId":"c","participants":[{"sessions":[{"sessionId":"s","segments":[{"segmentStart":%s}]}]}]}',
                       to_json(s));
    ts timestamptz;
    st text;
    det text;
BEGIN
    SELECT segment_start INTO ts FROM gcstitch.segments_from_json(doc, '{}');
    RETURN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' UTC';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
    RETURN st || ' ' || det;
END
$$;

-- Accepted. Expected values worked out by hand; "core" is PostgreSQL's own parser on the same
-- text: it agrees everywhere but on the exact half microsecond (.1234565), which this parser
-- rounds up as written and PostgreSQL rounds down through a binary double (0.12345649999...).
SELECT s, pg_temp.parse(s) AS parsed,
       pg_temp.parse(s) = to_char(s::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || ' UTC' AS core
  FROM (VALUES ('2024-11-04T08:42:19.734Z'),
               ('2024-11-04T08:42:19Z'),
               ('2024-11-04T08:42:19.7Z'),
               ('2024-11-04T08:42:19.123456Z'),
               ('2024-11-04T08:42:19.1234564Z'),
               ('2024-11-04T08:42:19.1234565Z'),
               ('2024-11-04T23:59:59.999999999Z'),
               ('2024-11-04T10:42:19.734+02:00'),
               ('2024-11-04T03:12:19.734-05:30'),
               ('2024-11-04T10:42:19+0200'),
               ('2024-11-04T10:42:19+02'),
               ('2024-11-04T00:30:00+01:00'),
               ('2024-12-31T23:30:00-01:00'),
               ('2024-02-29T00:00:00Z'),
               ('2000-02-29T12:00:00.5Z'),
               ('1999-12-31T23:59:59.999Z'),
               ('1970-01-01T00:00:00Z'),
               ('2024-03-31T01:30:00.000Z'),
               ('2024-10-27T00:59:59.999Z')) v(s);

-- Rejected, each with 22023 and the text found.
SELECT s, pg_temp.parse(s) AS parsed
  FROM (VALUES ('2021-04-2T10:00:00.000Z'),
               ('2021-4-02T10:00:00Z'),
               ('2021-04-02T9:00:00Z'),
               ('2021-04-02T09:0:00Z'),
               ('21-04-02T09:00:00Z'),
               ('2024-11-04T08:42:19'),
               ('2024-11-04T08:42:19.734'),
               ('2024-11-04 08:42:19Z'),
               ('2024-11-04t08:42:19Z'),
               ('2024-11-04T08:42:19z'),
               ('2024-11-04T08:42Z'),
               ('2024-11-04'),
               ('2024-11-04T08:42:19.Z'),
               ('2024-11-04T08:42:19.1234567890Z'),
               ('2024-11-04T08:42:19,5Z'),
               ('2023-02-29T00:00:00Z'),
               ('2024-04-31T00:00:00Z'),
               ('2024-13-01T00:00:00Z'),
               ('2024-00-10T00:00:00Z'),
               ('2024-11-00T00:00:00Z'),
               ('0000-01-01T00:00:00Z'),
               ('2024-11-04T24:00:00Z'),
               ('2024-11-04T23:60:00Z'),
               ('2024-12-31T23:59:60Z'),
               ('2024-11-04T08:42:19+2:00'),
               ('2024-11-04T08:42:19+02:0'),
               ('2024-11-04T08:42:19+16:00'),
               ('2024-11-04T08:42:19+02:60'),
               ('2024-11-04T08:42:19UTC'),
               ('2024-11-04T08:42:19Z '),
               (' 2024-11-04T08:42:19Z'),
               ('2024-11-04T08:42:19ZZ'),
               ('2024-11-04T08:42:19.5Zjunk'),
               ('')) v(s);

-- conversationStart, conversationEnd and metric emitDate go through the same parser.
SELECT conversation_start AT TIME ZONE 'UTC' AS start_utc, conversation_end AT TIME ZONE 'UTC' AS end_utc
  FROM gcstitch.segments_from_json('{"conversationId":"c","conversationStart":"2024-11-04T08:00:00.5+01:00","conversationEnd":"2024-11-04T07:10:00Z","participants":[{"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T07:00:01Z"}]}]}]}', '{}');
SELECT name, emit_date AT TIME ZONE 'UTC' AS emit_utc
  FROM gcstitch.metrics_from_json('{"conversationId":"c","participants":[{"sessions":[{"metrics":[{"name":"tTalk","value":5,"emitDate":"2024-11-04T08:00:00.001Z"}]}]}]}');
-- Equal start and end are allowed (zero length).
SELECT segment_start = segment_end AS zero_length
  FROM gcstitch.segments_from_json('{"conversationId":"c","participants":[{"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z","segmentEnd":"2024-11-04T09:00:00+01:00"}]}]}]}', '{}');
