-- Importer: every document shape, unknown keys and values, nulls, client id attributes.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Two conversations used throughout: c1 (customer with attributes, agent with two segments and
-- two metrics) and c2 (acd with a queue wait and one metric).
\set c1 '{"conversationId":"c1","conversationStart":"2024-11-04T08:00:00.000Z","conversationEnd":"2024-11-04T08:10:00.000Z","originatingDirection":"inbound","divisionIds":["d1"],"participants":[{"participantId":"p1","participantName":"Mobile","purpose":"customer","attributes":{"X-Genesys-Client-Id":"client-1","Other":"o1"},"sessions":[{"sessionId":"s1","mediaType":"voice","direction":"inbound","ani":"tel:+33611111111","dnis":"tel:+33170000000","edgeId":"e1","segments":[{"segmentStart":"2024-11-04T08:00:00.000Z","segmentEnd":"2024-11-04T08:10:00.000Z","segmentType":"interact","disconnectType":"peer","conference":false}]}]},{"participantId":"p2","purpose":"agent","userId":"u1","sessions":[{"sessionId":"s2","mediaType":"voice","direction":"inbound","peerId":"s1","segments":[{"segmentStart":"2024-11-04T08:01:00.000Z","segmentEnd":"2024-11-04T08:05:00.250Z","segmentType":"interact","queueId":"q1","disconnectType":"client"},{"segmentStart":"2024-11-04T08:05:00.250Z","segmentEnd":"2024-11-04T08:06:00.000Z","segmentType":"wrapup","queueId":"q1","wrapUpCode":"w1"}],"metrics":[{"name":"tTalk","value":240250,"emitDate":"2024-11-04T08:05:00.250Z"},{"name":"tAcw","value":59750,"emitDate":"2024-11-04T08:06:00.000Z"}]}]}]}'
\set c2 '{"conversationId":"c2","conversationStart":"2024-11-04T09:00:00Z","participants":[{"participantId":"p3","purpose":"acd","sessions":[{"sessionId":"s3","mediaType":"voice","segments":[{"segmentStart":"2024-11-04T09:00:00Z","segmentType":"interact","queueId":"q1"}],"metrics":[{"name":"nOffered","value":1,"emitDate":"2024-11-04T09:00:00Z"}]}]}]}'

-- Every column of both readers, for c1 then c2.
SELECT * FROM gcstitch.segments_from_json(:'c1' || :'c2');
SELECT * FROM gcstitch.metrics_from_json(:'c1' || :'c2');

-- Each shape gives the same rows: (segments, metrics, conversation ids).
CREATE TEMP TABLE shape (name text, doc text);
INSERT INTO shape VALUES
    ('sync query response', '{"conversations":[' || :'c1' || ',' || :'c2' || '],"aggregations":[],"totalHits":2}'),
    ('async results page', '{"conversations":[' || :'c1' || ',' || :'c2' || '],"cursor":"abc","dataAvailabilityDate":"2024-11-05T00:00:00.000Z"}'),
    ('bare array', '[' || :'c1' || ',' || :'c2' || ']'),
    ('NDJSON, one conversation a line', :'c1' || E'\n' || :'c2' || E'\n'),
    ('NDJSON, CRLF, blank lines, no final newline', E'\r\n' || :'c1' || E'\r\n\r\n' || :'c2'),
    ('NDJSON mixing a page and an array', '{"conversations":[' || :'c1' || ']}' || E'\n' || '[' || :'c2' || ']'),
    ('concatenated without separator', :'c1' || :'c2'),
    ('pretty-printed page', jsonb_pretty(('{"conversations":[' || :'c1' || ',' || :'c2' || ']}')::jsonb)),
    ('byte order mark', E'\uFEFF' || '[' || :'c1' || ',' || :'c2' || ']');
SELECT name,
       (SELECT count(*) FROM gcstitch.segments_from_json(doc)) AS segments,
       (SELECT count(*) FROM gcstitch.metrics_from_json(doc)) AS metrics,
       (SELECT string_agg(DISTINCT conversation_id, ',') FROM gcstitch.segments_from_json(doc)) AS conversations,
       (SELECT count(*) FROM (SELECT * FROM gcstitch.segments_from_json(doc)
                              EXCEPT ALL SELECT * FROM gcstitch.segments_from_json(:'c1' || :'c2')) d) AS differ
  FROM shape;
-- The single conversation object.
SELECT count(*) AS segments FROM gcstitch.segments_from_json(:'c1');

-- Texts without conversations: no rows, no error.
SELECT name, (SELECT count(*) FROM gcstitch.segments_from_json(doc)) AS segments
  FROM (VALUES ('empty text', ''), ('whitespace', E' \n\t\r\n'), ('empty array', '[]'),
               ('empty page', '{"conversations":[],"totalHits":0}'), ('null conversations', '{"conversations":null}'),
               ('page without conversations', '{"totalHits":0}'), ('last async page', '{"dataAvailabilityDate":"2024-11-05T00:00:00Z"}'),
               ('conversation without participants', '{"conversationId":"c"}'),
               ('participants without sessions', '{"conversationId":"c","participants":[{"purpose":"agent"}]}'),
               ('sessions without segments', '{"conversationId":"c","participants":[{"sessions":[{"sessionId":"s"}]}]}')) v(name, doc);
SELECT count(*) FROM gcstitch.segments_from_json(NULL);
SELECT count(*) FROM gcstitch.segments_from_json(NULL, '{a}');
SELECT count(*) FROM gcstitch.segments_from_json('[]', NULL);

-- Unknown members are ignored, unknown enum values kept, null counts as absent.
SELECT purpose, segment_type, disconnect_type, media_type, queue_id, user_id, client_id, segment_end
  FROM gcstitch.segments_from_json('{"conversationId":"c","newTopLevel":{"a":[1,{"b":null}]},"conversationEnd":null,'
    || '"participants":[{"purpose":"hologram","userId":null,"attributes":null,"futureField":[[]],'
    || '"sessions":[{"sessionId":"s","mediaType":"telepathy","flow":{"flowId":"f"},"metrics":null,'
    || '"segments":[{"segmentStart":"2024-11-04T08:00:00Z","segmentEnd":null,"segmentType":"teleporting",'
    || '"disconnectType":"wormhole","queueId":null,"conference":true,"errorCode":"x","properties":[{"k":"v"}]}]}]}]}');

-- client_id: the first attribute of the list that is present with a non-empty string.
\set attrs '{"conversationId":"c","participants":[{"participantId":"p1","attributes":{"A":"a1","B":"b1"},"sessions":[{"sessionId":"s1","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]},{"participantId":"p2","attributes":{"B":"b2","C":""},"sessions":[{"sessionId":"s2","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]},{"participantId":"p3","attributes":{},"sessions":[{"sessionId":"s3","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]},{"participantId":"p4","sessions":[{"sessionId":"s4","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}'
SELECT participant_id,
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{A,B}') s WHERE s.participant_id = p.participant_id) AS "A,B",
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{B,A}') s WHERE s.participant_id = p.participant_id) AS "B,A",
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{C,B}') s WHERE s.participant_id = p.participant_id) AS "C,B",
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{Z}') s WHERE s.participant_id = p.participant_id) AS "Z",
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{}') s WHERE s.participant_id = p.participant_id) AS "none",
       (SELECT client_id FROM gcstitch.segments_from_json(:'attrs', '{a}') s WHERE s.participant_id = p.participant_id) AS "a (case)"
  FROM (VALUES ('p1'), ('p2'), ('p3'), ('p4')) p(participant_id);
-- Without the list, gcstitch.settings decides (default X-Genesys-Client-Id).
SELECT participant_id, client_id FROM gcstitch.segments_from_json(:'c1');
INSERT INTO gcstitch.settings (client_id_attributes) VALUES ('{Other,X-Genesys-Client-Id}');
SELECT participant_id, client_id FROM gcstitch.segments_from_json(:'c1');
INSERT INTO gcstitch.settings DEFAULT VALUES;
-- An empty settings table means its defaults.
DELETE FROM gcstitch.settings;
SELECT participant_id, client_id FROM gcstitch.segments_from_json(:'c1');
INSERT INTO gcstitch.settings DEFAULT VALUES;
-- Called in the select list too.
SELECT (gcstitch.segments_from_json(:'c2')).segment_start;

-- Non-ASCII strings and escapes come through as text.
SELECT conversation_id, purpose, client_id
  FROM gcstitch.segments_from_json('{"conversationId":"caf\u00e9-\ud83d\ude00-\"q\"","participants":[{"purpose":"agent é","attributes":{"X-Genesys-Client-Id":"\/x\\y"},"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}');

-- A lone surrogate escape becomes U+FFFD (json-c).
SELECT conversation_id, conversation_id = 'a' || U&'\FFFD' || 'b' AS replaced
  FROM gcstitch.segments_from_json('{"conversationId":"a\ud800b","participants":[{"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}');
-- NULL in, nothing out.
SELECT count(*) FROM gcstitch.import(NULL);

-- Volatility: the readers are immutable, the settings wrapper stable, import volatile.
SELECT p.oid::regprocedure, p.provolatile, p.proparallel, p.proisstrict
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'gcstitch' AND p.proname IN ('segments_from_json', 'metrics_from_json', 'import', 'import_parse')
 ORDER BY p.oid::regprocedure::text;
