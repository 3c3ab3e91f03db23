-- Importer: bad input. Malformed JSON is 22P02 with the byte offset (from 0) and json-c's reason;
-- valid JSON of the wrong shape is 22023 naming the conversationId and the JSON path.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Runs a query; returns "ok (N rows)" or the SQLSTATE, message and detail of its error.
-- Own copy, not \i'd from a shared file: psql echoes an included file into the .out too, and files need different variants.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
    n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM (' || q || ') q' INTO n;
    RETURN 'ok (' || n || ' rows)';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' | ' || det ELSE '' END;
END
$$;
-- segments_from_json, then metrics_from_json, over the same text.
CREATE FUNCTION pg_temp.seg(doc text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT * FROM gcstitch.segments_from_json(%L)', doc)) $$;
CREATE FUNCTION pg_temp.met(doc text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT * FROM gcstitch.metrics_from_json(%L)', doc)) $$;
-- One conversation "c" whose one segment or metric has the given members.
CREATE FUNCTION pg_temp.one_segment(members text) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversationId":"c","participants":[{"sessions":[{"sessionId":"s","segments":[{'
           || members || '}]}]}]}' $$;
CREATE FUNCTION pg_temp.one_metric(members text) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversationId":"c","participants":[{"sessions":[{"sessionId":"s","metrics":[{'
           || members || '}]}]}]}' $$;

-- Malformed JSON: 22P02, byte offset of the offending byte, line, json-c's description (or ours
-- for what json-c 0.16 lets through in strict mode: single quotes, NaN, Infinity, "1.", raw
-- control characters in strings).
SELECT pg_temp.seg('{"conversations": [');
SELECT pg_temp.seg('{"conversations": []}}');
SELECT pg_temp.seg('{''conversations'': []}');
SELECT pg_temp.seg('[{"conversationId": "a"},]');
SELECT pg_temp.seg('{"conversationId": "a", "x": nul}');
SELECT pg_temp.seg('{"conversationId": "a", "x": NaN}');
SELECT pg_temp.seg('{"conversationId": "a", "x": [Infinity]}');
SELECT pg_temp.seg('{"conversationId": "a", "x": -Infinity}');
SELECT pg_temp.seg('{"conversationId": "a", "x": 1.}');
SELECT pg_temp.seg('{"conversationId": "a", "x": "tab' || E'\t' || 'inside"}');
SELECT pg_temp.seg('{"conversationId": "a", "x": "line' || E'\n' || 'break"}');
-- Accepted: escapes, and quotes or NaN inside strings.
SELECT pg_temp.seg('{"conversationId": "a\"b\\''NaN\t\u00e9 1. Infinity"}');
SELECT pg_temp.seg('{"conversationId": "a"' || E'\n' || '{"conversationId": "b"}');
SELECT pg_temp.seg('{"conversationId": "a"}' || E'\n' || '{"conversationId": "b",}' || E'\n');
SELECT pg_temp.seg(repeat('[', 70) || repeat(']', 70));
SELECT pg_temp.seg('nul');
SELECT pg_temp.met('{"conversations": [');
SELECT pg_temp.try($$SELECT * FROM gcstitch.import('[{"conversationId": "a"}', strict => false)$$);

-- The array of a page is read one conversation at a time (json-c never sees the whole page): the
-- same offsets and reasons as a parse of the whole document (checked against json-c 0.16 parsing
-- each document whole), for bytes after the array, between elements, at the end, and nesting
-- (at most 64 levels in all: the page and its array count).
SELECT pg_temp.seg('{"conversations": [], "cursor": x}');
SELECT pg_temp.seg('[{"conversationId": "a"} {"conversationId": "b"}]');
SELECT pg_temp.seg('{"conversations": [{"conversationId": "a"}');
SELECT pg_temp.seg('{"conversations": [,{"conversationId": "a"}]}');
SELECT pg_temp.seg('{''cursor'': 1, "conversations": []}');
SELECT pg_temp.seg('[{"conversationId": "a"}, {"conversationId": "b' || chr(1) || '"}]');
SELECT pg_temp.seg('{"conversations": [' || repeat('[', 62) || repeat(']', 62) || ']}');
SELECT pg_temp.seg('{"conversations": [' || repeat('[', 63) || repeat(']', 63) || ']}');
SELECT pg_temp.seg('[' || repeat('[', 63) || repeat(']', 63) || ']');
SELECT pg_temp.seg('[' || repeat('[', 64) || repeat(']', 64) || ']');
-- A member name written with escapes is the same name; a page must not have two arrays.
SELECT pg_temp.seg('{"conversation\u0073": [{"conversationId": "a", "participants": 1}]}');
SELECT pg_temp.seg('{"conversations": [], "conversations": [{"conversationId": "a"}]}');
-- JSON null is not a document.
SELECT pg_temp.try($$SELECT * FROM gcstitch.import('null')$$);
SELECT pg_temp.seg('{"totalHits": 0}' || E'\n' || 'null');

-- Documents of the wrong shape (always errors, even with strict => false).
SELECT pg_temp.seg('"a string"');
SELECT pg_temp.seg('42');
SELECT pg_temp.seg('{"totalHits": 0}' || E'\n' || 'true');
SELECT pg_temp.seg('{"hits": []}');
SELECT pg_temp.seg('{"conversations": {"conversationId": "a"}}');
SELECT pg_temp.try($$SELECT * FROM gcstitch.import('{"conversations": 1}', strict => false)$$);

-- Conversations of the wrong shape.
SELECT pg_temp.seg('[1]');
SELECT pg_temp.seg('[null]');
SELECT pg_temp.seg('[{"participants": []}]');
SELECT pg_temp.seg('[{"conversationId": 12}]');
SELECT pg_temp.seg('[{"conversationId": ""}]');
SELECT pg_temp.seg('{"conversationId": "c", "participants": {"purpose": "agent"}}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [[]]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"purpose": 7}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"userId": ["u"]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"attributes": ["X"]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"attributes": {"X-Genesys-Client-Id": 5}}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": {}}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": ["s"]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": [{"sessionId": "s", "segments": 3}]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": [{"segments": [{"segmentStart": "2024-11-04T08:00:00Z"}]}]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": [{"sessionId": "s"}]}, {"sessions": [{"sessionId": "s"}]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": [{"sessionId": "s", "mediaType": true}]}]}');
SELECT pg_temp.seg('{"conversationId": "c", "conversationStart": "2024-11-04T08:00:00Z", "conversationEnd": "2024-11-04T07:59:59.999Z"}');
SELECT pg_temp.seg('{"conversationId": "c", "conversationStart": 1730707200000}');
SELECT pg_temp.seg('{"conversationId": "c", "divisionIds": "d"}');
SELECT pg_temp.seg('{"conversationId": "c", "divisionIds": ["d", 2]}');
SELECT pg_temp.seg('{"conversationId": "c", "originatingDirection": {}}');
SELECT pg_temp.seg('{"conversationId": "c\u0000d"}');
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"participantId": "p\u0000"}]}');
-- The conversationId is named even when members before it are wrong.
SELECT pg_temp.seg('{"participants": 1, "conversationId": "late-id"}');

-- Segments.
SELECT pg_temp.seg(pg_temp.one_segment('"segmentType": "interact"'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": null'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "yesterday"'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2021-04-2T10:00:00.000Z"'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2024-11-04T08:00:00Z", "segmentEnd": "2024-11-04T07:00:00Z"'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2024-11-04T08:00:00Z", "segmentType": 1'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2024-11-04T08:00:00Z", "queueId": false'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2024-11-04T08:00:00Z", "disconnectType": []'));
SELECT pg_temp.seg(pg_temp.one_segment('"segmentStart": "2024-11-04T08:00:00Z", "wrapUpCode": 3.5'));
SELECT pg_temp.seg('{"conversationId": "c", "participants": [{"sessions": [{"sessionId": "s", "segments": [7]}]}]}');
-- The path of the issue's example: fourth conversation, second participant, third segment.
SELECT pg_temp.seg('{"conversations": ['
    || '{"conversationId": "c0"}, {"conversationId": "c1"}, {"conversationId": "c2"},'
    || '{"conversationId": "c3", "participants": [{"sessions": []}, {"sessions": [{"sessionId": "s",'
    || '"segments": [{"segmentStart": "2024-11-04T08:00:00Z"}, {"segmentStart": "2024-11-04T08:00:01Z"},'
    || '{"segmentStart": "2024-11-04 08:00:02"}]}]}]}]}');
-- In NDJSON the path starts with the document number.
SELECT pg_temp.seg('{"conversationId": "a"}' || E'\n' || '[{"conversationId": "b"}, {"conversationId": "c", "participants": 0}]');

-- Metrics (read by metrics_from_json and import(), not by segments_from_json).
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": 1.5'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": 1e3'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": "12"'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": null'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk"'));
SELECT pg_temp.met(pg_temp.one_metric('"value": 1'));
SELECT pg_temp.met(pg_temp.one_metric('"name": 4, "value": 1'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": 9223372036854775807'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": 9223372036854775808'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": -9223372036854775809'));
SELECT pg_temp.met(pg_temp.one_metric('"name": "tTalk", "value": 1, "emitDate": "2024-11-04T08:00:00"'));
SELECT pg_temp.met('{"conversationId": "c", "participants": [{"sessions": [{"sessionId": "s", "metrics": {}}]}]}');
SELECT pg_temp.seg(pg_temp.one_metric('"name": "tTalk", "value": 1.5'));
-- Largest values that do fit.
SELECT * FROM gcstitch.metrics_from_json(pg_temp.one_metric('"name": "n", "value": 9223372036854775806'));
SELECT * FROM gcstitch.metrics_from_json(pg_temp.one_metric('"name": "n", "value": -9223372036854775807'));

-- The attribute list itself.
SELECT pg_temp.try($$SELECT * FROM gcstitch.segments_from_json('[]', ARRAY['a', NULL])$$);

-- import() raises the same errors; strict => false turns conversation errors into rejects.
SELECT pg_temp.try($$SELECT * FROM gcstitch.import('{"conversationId": "c", "participants": {}}')$$);
SELECT * FROM gcstitch.import('{"conversationId": "c", "participants": {}}', strict => false);
SELECT conversation_id, json_path, sqlstate, reason, conversation FROM gcstitch.import_reject;
SELECT count(*) FROM gcstitch.conversation;
