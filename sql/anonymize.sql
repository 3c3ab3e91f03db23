-- anonymize(): identifiers replaced by keyed hashes (HMAC-SHA256), phone numbers and addresses
-- masked, names and free text dropped, dates shifted by whole days; everything else import() reads
-- comes back unchanged, on every document shape.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
CREATE EXTENSION pgcrypto;
-- Runs a query returning one value; returns "ok" or the SQLSTATE, message and detail of its error.
-- Own copy, not \i'd from a shared file: psql echoes an included file into the .out too, and files need different variants.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
    v text;
BEGIN
    EXECUTE q INTO v;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' | ' || det ELSE '' END;
END
$$;

-- The keyed hash is HMAC-SHA256, first 16 bytes written as a UUID: RFC 4231 test cases 1 and 2
-- (HMAC-SHA256 b0344c61d8db38535ca8afceaf0bf12b... and 5bdcc146bf60754e6a042426089575c7...).
SELECT gcstitch.anonymize_id('Hi There', repeat(E'\x0b', 20)) AS rfc4231_case1,
       gcstitch.anonymize_id('what do ya want for nothing?', 'Jefe') AS rfc4231_case2;
-- The same as pgcrypto's hmac() over the UTF-8 bytes (non-ASCII ids and secret included); an empty
-- id stays empty; another secret gives another id.
SELECT bool_and(gcstitch.anonymize_id(id, k) =
                regexp_replace(left(encode(hmac(convert_to(id, 'UTF8'), convert_to(k, 'UTF8'), 'sha256'), 'hex'), 32),
                               '(.{8})(.{4})(.{4})(.{4})(.{12})', '\1-\2-\3-\4-\5')) AS same_as_pgcrypto,
       count(*) AS ids
  FROM (VALUES ('c1'), ('s1'), ('caf' || U&'\00E9'), ('6d1c1a3e-1d2b-4c55-9f77-0f6d1b2a3c4d'), (repeat('x', 1000)))
       i(id),
       (VALUES ('secret'), ('cl' || U&'\00E9 secr' || U&'\00E8te')) s(k);
SELECT gcstitch.anonymize_id('', 'k') AS empty, gcstitch.anonymize_id('u1', 'k') <> gcstitch.anonymize_id('u1', 'K')
       AS secret_matters;

-- Two conversations, c1 with something of each kind of member, c2 with a queue wait.
\set c1 '{"conversationId":"c1","conversationStart":"2024-11-04T08:00:00.000Z","conversationEnd":"2024-11-04T08:10:00.000Z","originatingDirection":"inbound","divisionIds":["d1"],"externalTag":"VIP Jean Dupont","futureField":{"x":1},"participants":[{"participantId":"p1","participantName":"Jean Dupont","purpose":"customer","attributes":{"X-Genesys-Client-Id":"client-1","Other":"account 1234"},"sessions":[{"sessionId":"s1","mediaType":"voice","direction":"inbound","ani":"tel:+33611111111","dnis":"tel:+33170000000","addressFrom":"sip:+33611111111@10.0.0.1;user=phone","remote":"Jean Dupont","edgeId":"e1","flow":{"flowName":"Main"},"segments":[{"segmentStart":"2024-11-04T08:00:00.000Z","segmentEnd":"2024-11-04T08:10:00.000Z","segmentType":"interact","disconnectType":"peer","conference":false,"wrapUpNote":"called about invoice 42"}]}]},{"participantId":"p2","participantName":"Alice Martin","purpose":"agent","userId":"u1","attributes":{"X-Genesys-Client-Id":"webrtc-alice"},"sessions":[{"sessionId":"s2","mediaType":"voice","direction":"inbound","peerId":"s1","callbackNumbers":["tel:+33622222222","Jean.Dupont@example.com"],"segments":[{"segmentStart":"2024-11-04T08:01:00.000Z","segmentEnd":"2024-11-04T08:05:00.250Z","segmentType":"interact","queueId":"q1","disconnectType":"client"},{"segmentStart":"2024-11-04T08:05:00.250Z","segmentEnd":"2024-11-04T08:06:00.000001Z","segmentType":"wrapup","queueId":"q1","wrapUpCode":"w1"}],"metrics":[{"name":"tTalk","value":240250,"emitDate":"2024-11-04T08:05:00.250Z"},{"name":"tAcw","value":59750,"emitDate":"2024-11-04T09:06:00+01:00"}]}]}]}'
\set c2 '{"conversationId":"c2","conversationStart":"2024-11-04T09:00:00Z","participants":[{"participantId":"p3","purpose":"acd","participantName":"Sales","sessions":[{"sessionId":"s3","mediaType":"voice","ani":"tel:+33611111111","segments":[{"segmentStart":"2024-11-04T09:00:00Z","segmentType":"interact","queueId":"q1"}],"metrics":[{"name":"nOffered","value":1,"emitDate":"2024-11-04T09:00:00Z"}]}]}]}'
CREATE TEMP TABLE anon (d jsonb);
-- Two documents in, two lines out (NDJSON): read them as jsonb.
INSERT INTO anon SELECT line::jsonb FROM regexp_split_to_table(gcstitch.anonymize(:'c1' || E'\n' || :'c2', 'secret', 7), E'\n') line;
SELECT count(*) AS documents FROM anon;

-- What is left at each level of c1: the allow-list (names, free text, unknown members and the
-- attributes that are not client ids are gone).
WITH c AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c1', 'secret'))
SELECT 'conversation' AS level, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys((SELECT d FROM c)) k) AS members
UNION ALL
SELECT 'participant ' || n, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(p) k)
  FROM c, jsonb_array_elements(d -> 'participants') WITH ORDINALITY x(p, n)
UNION ALL
SELECT 'attributes ' || n, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(p -> 'attributes') k)
  FROM c, jsonb_array_elements(d -> 'participants') WITH ORDINALITY x(p, n)
UNION ALL
SELECT 'session ' || n, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(p -> 'sessions' -> 0) k)
  FROM c, jsonb_array_elements(d -> 'participants') WITH ORDINALITY x(p, n)
UNION ALL
SELECT 'segment 1.' || n, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(s) k)
  FROM c, jsonb_array_elements(d -> 'participants' -> 0 -> 'sessions' -> 0 -> 'segments') WITH ORDINALITY x(s, n)
UNION ALL
SELECT 'metric 2.' || n, (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(m) k)
  FROM c, jsonb_array_elements(d -> 'participants' -> 1 -> 'sessions' -> 0 -> 'metrics') WITH ORDINALITY x(m, n);
-- None of the personal text is anywhere in the output.
SELECT bool_or(d::text ~ w) AS found, w AS word
  FROM anon, (VALUES ('Jean'), ('Dupont'), ('Alice'), ('invoice'), ('account'), ('Main'), ('Sales'), ('611111111'),
                     ('622222222'), ('example'), ('webrtc'), ('client-1')) v(w)
 GROUP BY w ORDER BY w;

-- Identifiers: each one is anonymize_id() of the original, the same wherever it appears (peerId
-- still names the customer's session, the queue is the same in both conversations).
WITH c1 AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c1', 'secret')),
     c2 AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c2', 'secret')),
     k(v) AS (VALUES ('secret'))
SELECT (SELECT d #>> '{divisionIds,0}' FROM c1) = gcstitch.anonymize_id('d1', v) AS division,
       (SELECT d #>> '{participants,0,participantId}' FROM c1) = gcstitch.anonymize_id('p1', v) AS participant,
       (SELECT d #>> '{participants,0,attributes,X-Genesys-Client-Id}' FROM c1) = gcstitch.anonymize_id('client-1', v)
           AS client_id,
       (SELECT d #>> '{participants,0,sessions,0,edgeId}' FROM c1) = gcstitch.anonymize_id('e1', v) AS edge,
       (SELECT d #>> '{participants,1,userId}' FROM c1) = gcstitch.anonymize_id('u1', v) AS user_id,
       (SELECT d #>> '{participants,1,sessions,0,peerId}' FROM c1) = (SELECT d #>> '{participants,0,sessions,0,sessionId}' FROM c1)
           AS peer_is_session,
       (SELECT d #>> '{participants,1,sessions,0,segments,1,wrapUpCode}' FROM c1) = gcstitch.anonymize_id('w1', v)
           AS wrap_up_code,
       (SELECT d #>> '{participants,1,sessions,0,segments,0,queueId}' FROM c1) =
           (SELECT d #>> '{participants,0,sessions,0,segments,0,queueId}' FROM c2) AS same_queue
  FROM k;

-- Masks: scheme and punctuation kept, each digit a digit and each letter a letter of the same case;
-- the same number gives the same mask (the customer's ani in c1 and c2), other numbers other masks.
WITH c1 AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c1', 'secret')),
     c2 AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c2', 'secret')),
     masked(name, original, value) AS (
    SELECT 'ani', 'tel:+33611111111', d #>> '{participants,0,sessions,0,ani}' FROM c1
    UNION ALL SELECT 'dnis', 'tel:+33170000000', d #>> '{participants,0,sessions,0,dnis}' FROM c1
    UNION ALL SELECT 'addressFrom', 'sip:+33611111111@10.0.0.1;user=phone', d #>> '{participants,0,sessions,0,addressFrom}' FROM c1
    UNION ALL SELECT 'callbackNumbers[0]', 'tel:+33622222222', d #>> '{participants,1,sessions,0,callbackNumbers,0}' FROM c1
    UNION ALL SELECT 'callbackNumbers[1]', 'Jean.Dupont@example.com', d #>> '{participants,1,sessions,0,callbackNumbers,1}' FROM c1
    UNION ALL SELECT 'ani of c2', 'tel:+33611111111', d #>> '{participants,0,sessions,0,ani}' FROM c2)
SELECT name,
       translate(value, '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
                 '9999999999aaaaaaaaaaaaaaaaaaaaaaaaaaAAAAAAAAAAAAAAAAAAAAAAAAAA') AS shape,
       value <> original AS changed,
       (SELECT count(DISTINCT m.value) FROM masked m WHERE m.original = masked.original) AS masks_of_this_value,
       (SELECT count(DISTINCT m.value) FROM masked m) AS masks_in_all
  FROM masked ORDER BY name;

-- Dates: shifted by exactly 7 days, written in UTC (the +01:00 emitDate too), microseconds kept.
WITH c1 AS (SELECT d FROM anon WHERE d ->> 'conversationId' = gcstitch.anonymize_id('c1', 'secret'))
SELECT d ->> 'conversationStart' AS conversation_start,
       d #>> '{participants,1,sessions,0,segments,1,segmentEnd}' AS wrapup_end,
       d #>> '{participants,1,sessions,0,metrics,1,emitDate}' AS acw_emitted
  FROM c1;

-- Every shape import() reads (the shapes of import_shapes.sql): the anonymized text holds the same
-- documents, and its segments and metrics are the original ones with ids mapped by anonymize_id(),
-- numbers masked and dates shifted.
CREATE FUNCTION pg_temp.id(v text) RETURNS text LANGUAGE sql AS $$ SELECT gcstitch.anonymize_id(v, 'shape secret') $$;
CREATE FUNCTION pg_temp.shape_of(v text) RETURNS text LANGUAGE sql AS $$ SELECT translate(v, '012345678', '999999999') $$;
CREATE FUNCTION pg_temp.segment_differences(doc text, shift int) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM (
        (SELECT pg_temp.id(conversation_id), conversation_start + shift * interval '1 day',
                conversation_end + shift * interval '1 day', pg_temp.id(participant_id), purpose, pg_temp.id(user_id),
                pg_temp.id(client_id), pg_temp.id(session_id), media_type, direction, pg_temp.shape_of(ani),
                pg_temp.shape_of(dnis), pg_temp.id(peer_id), segment_no, segment_type,
                segment_start + shift * interval '1 day', segment_end + shift * interval '1 day', pg_temp.id(queue_id),
                disconnect_type, pg_temp.id(wrap_up_code)
           FROM gcstitch.segments_from_json(doc)
         EXCEPT ALL
         SELECT conversation_id, conversation_start, conversation_end, participant_id, purpose, user_id, client_id,
                session_id, media_type, direction, pg_temp.shape_of(ani), pg_temp.shape_of(dnis), peer_id, segment_no,
                segment_type, segment_start, segment_end, queue_id, disconnect_type, wrap_up_code
           FROM gcstitch.segments_from_json(gcstitch.anonymize(doc, 'shape secret', shift)))
        UNION ALL
        (SELECT conversation_id, conversation_start, conversation_end, participant_id, purpose, user_id, client_id,
                session_id, media_type, direction, pg_temp.shape_of(ani), pg_temp.shape_of(dnis), peer_id, segment_no,
                segment_type, segment_start, segment_end, queue_id, disconnect_type, wrap_up_code
           FROM gcstitch.segments_from_json(gcstitch.anonymize(doc, 'shape secret', shift))
         EXCEPT ALL
         SELECT pg_temp.id(conversation_id), conversation_start + shift * interval '1 day',
                conversation_end + shift * interval '1 day', pg_temp.id(participant_id), purpose, pg_temp.id(user_id),
                pg_temp.id(client_id), pg_temp.id(session_id), media_type, direction, pg_temp.shape_of(ani),
                pg_temp.shape_of(dnis), pg_temp.id(peer_id), segment_no, segment_type,
                segment_start + shift * interval '1 day', segment_end + shift * interval '1 day', pg_temp.id(queue_id),
                disconnect_type, pg_temp.id(wrap_up_code)
           FROM gcstitch.segments_from_json(doc))) d $$;
CREATE FUNCTION pg_temp.metric_differences(doc text, shift int) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM (
        (SELECT pg_temp.id(conversation_id), pg_temp.id(participant_id), pg_temp.id(session_id), purpose,
                pg_temp.id(user_id), name, value, emit_date + shift * interval '1 day'
           FROM gcstitch.metrics_from_json(doc)
         EXCEPT ALL
         SELECT * FROM gcstitch.metrics_from_json(gcstitch.anonymize(doc, 'shape secret', shift)))
        UNION ALL
        (SELECT * FROM gcstitch.metrics_from_json(gcstitch.anonymize(doc, 'shape secret', shift))
         EXCEPT ALL
         SELECT pg_temp.id(conversation_id), pg_temp.id(participant_id), pg_temp.id(session_id), purpose,
                pg_temp.id(user_id), name, value, emit_date + shift * interval '1 day'
           FROM gcstitch.metrics_from_json(doc))) d $$;
CREATE TEMP TABLE shape (name text, doc text);
INSERT INTO shape VALUES
    ('sync query response', '{"conversations":[' || :'c1' || ',' || :'c2' || '],"aggregations":[{"group":{"queueId":"q1"}}],"totalHits":2}'),
    ('async results page', '{"conversations":[' || :'c1' || ',' || :'c2' || '],"cursor":"abc","dataAvailabilityDate":"2024-11-05T00:00:00.000Z"}'),
    ('bare array', '[' || :'c1' || ',' || :'c2' || ']'),
    ('one conversation', :'c1'),
    ('NDJSON, one conversation a line', :'c1' || E'\n' || :'c2' || E'\n'),
    ('NDJSON, CRLF, blank lines, no final newline', E'\r\n' || :'c1' || E'\r\n\r\n' || :'c2'),
    ('NDJSON mixing a page and an array', '{"conversations":[' || :'c1' || ']}' || E'\n' || '[' || :'c2' || ']'),
    ('concatenated without separator', :'c1' || :'c2'),
    ('pretty-printed page', jsonb_pretty(('{"conversations":[' || :'c1' || ',' || :'c2' || ']}')::jsonb)),
    ('byte order mark', E'\uFEFF' || '[' || :'c1' || ',' || :'c2' || ']'),
    ('pages without conversations', '{"totalHits":0}' || E'\n' || '{"conversations":null}' || E'\n'
                                    || '{"dataAvailabilityDate":"2024-11-05T00:00:00Z"}' || E'\n' || '{"aggregations":[]}'
                                    || E'\n' || '[]' || E'\n' || '{"conversations":[]}');
SELECT name,
       (SELECT count(*) FROM regexp_split_to_table(gcstitch.anonymize(doc, 'shape secret'), E'\n')) AS documents_out,
       (SELECT count(*) FROM gcstitch.segments_from_json(gcstitch.anonymize(doc, 'shape secret'))) AS segments,
       (SELECT count(*) FROM gcstitch.metrics_from_json(gcstitch.anonymize(doc, 'shape secret'))) AS metrics,
       pg_temp.segment_differences(doc, 0) + pg_temp.metric_differences(doc, 0) AS differ,
       pg_temp.segment_differences(doc, -3) + pg_temp.metric_differences(doc, -3) AS "differ, shifted -3 days"
  FROM shape;
-- What the page documents keep: totalHits and the cursor (hashed); a page without conversations is
-- still a page ("aggregations" alone would leave {}, so it gets an empty conversations list).
SELECT regexp_replace(gcstitch.anonymize(doc, 'shape secret'), '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'g')
       AS "page members (conversations cut)"
  FROM (VALUES ('{"conversations":[],"aggregations":[],"totalHits":2,"cursor":"abc","dataAvailabilityDate":"2024-11-05T00:00:00+01:00"}'),
               ('{"totalHits":0}' || E'\n' || '{"conversations":null}' || E'\n' || '{"aggregations":[]}')) v(doc);
SELECT gcstitch.anonymize('', 'k') AS empty_text, gcstitch.anonymize(E' \n ', 'k') AS white_space;

-- Client ids come from the named attributes only; an empty one stays empty (it means "none").
SELECT a AS client_id_attribute, participant_id = pg_temp.id('p1') AS p1, client_id = pg_temp.id(a) AS hashed,
       client_id IS NULL AS no_client_id
  FROM (VALUES ('A'), ('B')) v(a),
       gcstitch.segments_from_json(gcstitch.anonymize(
           '{"conversationId":"c","participants":[{"participantId":"p1","attributes":{"A":"' || a || '","B":"","C":"x"},'
           || '"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}',
           'shape secret', 0, ARRAY[a]), ARRAY['A', 'B', 'C']) s
 ORDER BY a;

-- The output imports, and stitches, like the original.
SELECT conversations, segments, metrics, rejected FROM gcstitch.import(gcstitch.anonymize(:'c1' || :'c2', 'secret'));
SELECT count(*) = 2 AS stored, bool_and(conversation_id IN (gcstitch.anonymize_id('c1', 'secret'),
                                                            gcstitch.anonymize_id('c2', 'secret'))) AS ids_mapped
  FROM gcstitch.conversation;
DELETE FROM gcstitch.conversation;

-- Bad input: the errors import() raises, and the arguments' own.
SELECT pg_temp.try(format('SELECT gcstitch.anonymize(%L, %L)', doc, 'k')) AS error
  FROM (VALUES ('{"conversations": ['),
               ('{"conversationId":"c9","participants":[{"sessions":[{"segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}'),
               ('{"conversations":{}}'),
               ('[{"conversationId":"c9","conversationStart":"2024-11-4T08:00:00Z"}]'),
               ('"text"')) v(doc);
SELECT pg_temp.try($$SELECT gcstitch.anonymize('[]', '')$$) AS empty_secret,
       pg_temp.try($$SELECT gcstitch.anonymize_id('x', '')$$) AS empty_secret_id;
SELECT pg_temp.try($$SELECT gcstitch.anonymize('[]', 'k', 3660001)$$) AS shift_too_large;
SELECT pg_temp.try($$SELECT gcstitch.anonymize('{"conversationId":"c","conversationStart":"9999-12-30T00:00:00Z"}', 'k', 2)$$)
       AS shifted_past_9999,
       pg_temp.try($$SELECT gcstitch.anonymize('{"conversationId":"c","conversationStart":"0001-01-02T00:00:00Z"}', 'k', -2)$$)
       AS shifted_before_0001;
SELECT pg_temp.try($$SELECT gcstitch.anonymize('[]', 'k', 0, '{a,NULL}')$$) AS null_attribute;
SELECT gcstitch.anonymize(NULL, 'k') IS NULL AS null_doc, gcstitch.anonymize('[]', NULL) IS NULL AS null_secret,
       gcstitch.anonymize_id(NULL, 'k') IS NULL AS null_id;

-- Volatility: the C functions are immutable, the settings wrapper stable.
SELECT p.oid::regprocedure, p.provolatile, p.proparallel, p.proisstrict
  FROM pg_proc p
 WHERE p.pronamespace = 'gcstitch'::regnamespace AND p.proname IN ('anonymize', 'anonymize_id')
 ORDER BY p.oid::regprocedure::text;
DROP EXTENSION pgcrypto;
