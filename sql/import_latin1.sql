-- Importer in a LATIN1 database. The text is read as UTF-8 and every value converted back:
-- é (U+00E9) exists in LATIN1, 中 (U+4E2D) and 😀 (U+1F600) do not. A value LATIN1 cannot hold
-- makes its conversation invalid (22P05, path named; rejected with strict => false); messages and
-- reject rows are in LATIN1 with such characters written as JSON escapes, never raw UTF-8 bytes.
-- The client reads UTF8: a LATIN1 é shows as é, raw UTF-8 bytes stored as LATIN1 would show as Ã©.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS gcstitch_latin1;
RESET client_min_messages;
CREATE DATABASE gcstitch_latin1 ENCODING LATIN1 TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
\set regress_db :DBNAME
\c gcstitch_latin1
SET client_encoding = 'UTF8';
SET timezone = 'UTC';
CREATE EXTENSION gcstitch;
-- Own copy, not \i'd from a shared file: psql echoes an included file into the .out too, and files need different variants.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' | ' || det ELSE '' END;
END
$$;
-- One conversation id whose agent has userId uid and one segment starting at start.
CREATE FUNCTION pg_temp.conv(id text, uid text, start text DEFAULT '2024-11-04T08:00:00Z') RETURNS text
LANGUAGE sql AS $$
    SELECT '{"conversationId":"' || id || '","participants":[{"purpose":"agent","userId":"' || uid
           || '","attributes":{"Clé":"k' || uid || '"},"sessions":[{"sessionId":"s","segments":[{"segmentStart":"'
           || start || '"}]}]}]}' $$;
UPDATE gcstitch.settings SET client_id_attributes = '{Clé}';

-- Values: é written as such and as \u00e9, stored as the LATIN1 byte e9; the attribute name of the
-- settings (LATIN1) matches the one of the export.
SELECT conversation_id, user_id, convert_to(user_id, 'LATIN1') AS latin1_bytes, client_id
  FROM gcstitch.segments_from_json(pg_temp.conv('c1', 'André') || E'\n' || pg_temp.conv('c2', 'Andr\u00e9'));

-- A character LATIN1 lacks: 22P05 naming the conversation and the path; the string in the detail
-- has its é converted and its 中 escaped.
SELECT pg_temp.try(format('SELECT * FROM gcstitch.segments_from_json(%L)', pg_temp.conv('c3', 'é\u4e2d')));
SELECT pg_temp.try(format('SELECT * FROM gcstitch.segments_from_json(%L)', pg_temp.conv('c\u4e2d', 'u')));
SELECT pg_temp.try(format('SELECT * FROM gcstitch.metrics_from_json(%L)', pg_temp.conv('c4', '\ud83d\ude00')));
-- Other errors: a conversationId and a quoted value with é and 中 in a shape error, a path with
-- the attribute name Clé.
SELECT pg_temp.try(format('SELECT * FROM gcstitch.segments_from_json(%L)', pg_temp.conv('é', 'u', 'é\u4e2d')));
SELECT pg_temp.try(format('SELECT * FROM gcstitch.segments_from_json(%L)',
                          replace(pg_temp.conv('c5', 'u'), '"ku"', '5')));
-- Byte offsets count in the text read as UTF-8 (é is two bytes there).
SELECT pg_temp.try($$SELECT * FROM gcstitch.segments_from_json('{"conversationId": "é", }')$$);

-- import(), strict: the same 22P05 error; lax: the conversation rejected, the others stored.
SELECT pg_temp.try(format('SELECT * FROM gcstitch.import(%L)', pg_temp.conv('c6', '\u4e2d')));
SELECT * FROM gcstitch.import('[' || pg_temp.conv('c7', 'André') || ',' || pg_temp.conv('c8', 'é\u4e2d\ud83d\ude00')
                              || ',' || pg_temp.conv('c9', 'u', 'é\u4e2d') || ']', strict => false);
SELECT conversation_id, user_id, client_id FROM gcstitch.segment ORDER BY conversation_id;
SELECT conversation_id, json_path, sqlstate, reason, conversation FROM gcstitch.import_reject ORDER BY json_path;

\c :regress_db
DROP DATABASE gcstitch_latin1;
