-- import(): storage, idempotent re-import, replacement by a newer version, strict => false rejects,
-- and a failed strict import leaving every table as it was.
BEGIN;
SELECT plan(43);
SET LOCAL timezone = 'UTC';

-- An export of conversation id: end (NULL while active), the agent interact's end, its wrap-up
-- code and the emitDate of its tTalk metric.
CREATE FUNCTION pg_temp.conv(id text, conv_end text, talk_end text, code text DEFAULT 'w1',
                             emitted text DEFAULT '2024-11-04T08:00:10Z') RETURNS text
LANGUAGE sql AS $$
    SELECT format('{"conversationId":%s,"conversationStart":"2024-11-04T08:00:00Z"%s,"participants":['
               || '{"participantId":"p1","purpose":"customer","attributes":{"X-Genesys-Client-Id":"k"},'
               || '"sessions":[{"sessionId":"s0","segments":[{"segmentStart":"2024-11-04T08:00:00Z","segmentType":"interact"}]}]},'
               || '{"participantId":"p2","purpose":"agent","userId":"u1","sessions":[{"sessionId":"s1","segments":['
               || '{"segmentStart":"2024-11-04T08:00:01Z","segmentType":"interact"%s},'
               || '{"segmentStart":"2024-11-04T08:00:01Z","segmentType":"wrapup","wrapUpCode":%s}],'
               || '"metrics":[{"name":"tTalk","value":1000,"emitDate":%s}]}]}]}',
                  to_json(id),
                  CASE WHEN conv_end IS NULL THEN '' ELSE ',"conversationEnd":' || to_json(conv_end) END,
                  CASE WHEN talk_end IS NULL THEN '' ELSE ',"segmentEnd":' || to_json(talk_end) END,
                  to_json(code), to_json(emitted))
$$;
CREATE FUNCTION pg_temp.page(VARIADIC convs text[]) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversations":[' || array_to_string(convs, ',') || '],"cursor":"x"}' $$;
-- Everything stored, as one comparable text per table.
CREATE FUNCTION pg_temp.state() RETURNS TABLE (t text, rows text) LANGUAGE sql AS $$
    SELECT 'conversation', string_agg(c::text, ';' ORDER BY c.conversation_id) FROM gcstitch.conversation c
    UNION ALL SELECT 'segment', string_agg(s::text, ';' ORDER BY s.conversation_id, s.session_id, s.segment_no) FROM gcstitch.segment s
    UNION ALL SELECT 'metric', string_agg(m::text, ';' ORDER BY m::text) FROM gcstitch.metric m
    UNION ALL SELECT 'import_reject', string_agg(r::text, ';' ORDER BY r::text) FROM gcstitch.import_reject r $$;

-- Objects.
SELECT has_table('gcstitch', 'conversation', 'table conversation');
SELECT has_table('gcstitch', 'segment', 'table segment');
SELECT has_table('gcstitch', 'metric', 'table metric');
SELECT has_table('gcstitch', 'import_reject', 'table import_reject');
SELECT col_is_pk('gcstitch', 'segment', ARRAY['conversation_id', 'session_id', 'segment_no'], 'segment key');
SELECT fk_ok('gcstitch', 'segment', 'conversation_id', 'gcstitch', 'conversation', 'conversation_id');
SELECT set_has($$SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'gcstitch'$$,
               $$VALUES ('gcstitch.conversation'), ('gcstitch.segment'), ('gcstitch.metric'), ('gcstitch.import_reject')$$,
               'imported data is kept by pg_dump (pg_extension_config_dump)');
SELECT volatility_is('gcstitch', 'import', ARRAY['text', 'boolean'], 'volatile');
SELECT volatility_is('gcstitch', 'segments_from_json', ARRAY['text', 'text[]'], 'immutable');
SELECT volatility_is('gcstitch', 'segments_from_json', ARRAY['text'], 'stable');
SELECT volatility_is('gcstitch', 'metrics_from_json', ARRAY['text'], 'immutable');

-- First import.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(
                      pg_temp.conv('a', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z'),
                      pg_temp.conv('b', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z')))$$,
                  $$VALUES (2, 6, 2, 0, 0)$$, 'first import: 2 conversations, 6 segments, 2 metrics');
SELECT is((SELECT client_id FROM gcstitch.segment WHERE conversation_id = 'a' AND session_id = 's0'), 'k',
          'client id from the settings attribute');
SELECT is((SELECT last_event_at FROM gcstitch.conversation WHERE conversation_id = 'a'),
          '2024-11-04 08:01:00+00'::timestamptz, 'last_event_at is the latest date of the export');

-- Idempotent: the same page again changes nothing but counts its conversations as replaced.
CREATE TEMP TABLE before AS SELECT * FROM pg_temp.state();
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(
                      pg_temp.conv('a', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z'),
                      pg_temp.conv('b', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z')))$$,
                  $$VALUES (2, 6, 2, 2, 0)$$, 're-import: same counts, both replaced by themselves');
SELECT results_eq('SELECT * FROM pg_temp.state()', 'SELECT * FROM before', 're-import leaves identical tables');
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('a', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z')
                                                   || E'\n' || pg_temp.conv('a', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z'))$$,
                  $$VALUES (1, 3, 1, 1, 0)$$, 'the same conversation twice in one text is stored once');
SELECT results_eq('SELECT * FROM pg_temp.state()', 'SELECT * FROM before', 'still identical tables');

-- Overlapping page: b again, c new.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(
                      pg_temp.conv('b', '2024-11-04T08:01:00Z', '2024-11-04T08:00:30Z'),
                      pg_temp.conv('c', NULL, NULL)))$$,
                  $$VALUES (2, 6, 2, 1, 0)$$, 'overlapping page: one new, one replaced');
SELECT results_eq('SELECT count(*)::int, count(DISTINCT conversation_id)::int FROM gcstitch.segment',
                  'VALUES (9, 3)', 'no duplicate segments');

-- Newer versions replace: an active conversation by its ended export...
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:02:00Z', '2024-11-04T08:01:30Z', 'w2'))$$,
                  $$VALUES (1, 3, 1, 1, 0)$$, 'ended export of an active conversation replaces it');
SELECT results_eq($$SELECT c.conversation_end, s.segment_end, w.wrap_up_code
                      FROM gcstitch.conversation c
                      JOIN gcstitch.segment s USING (conversation_id)
                      JOIN gcstitch.segment w USING (conversation_id)
                     WHERE c.conversation_id = 'c' AND s.session_id = 's1' AND s.segment_no = 1
                       AND w.session_id = 's1' AND w.segment_no = 2$$,
                  $$VALUES ('2024-11-04 08:02:00+00'::timestamptz, '2024-11-04 08:01:30+00'::timestamptz, 'w2')$$,
                  'the stored rows are the ended version');
-- ...but an active export never replaces an ended one, nor does an earlier end.
CREATE TEMP TABLE after_c AS SELECT * FROM pg_temp.state();
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', NULL, NULL, 'old'))$$,
                  $$VALUES (0, 0, 0, 0, 0)$$, 'an active export does not replace an ended one');
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:01:59Z', '2024-11-04T08:01:30Z', 'old'))$$,
                  $$VALUES (0, 0, 0, 0, 0)$$, 'an export with an earlier conversationEnd does not replace');
SELECT results_eq('SELECT * FROM pg_temp.state()', 'SELECT * FROM after_c', 'older exports change nothing');
-- A later conversationEnd wins; with equal ends, the later last event wins; on a full tie the
-- incoming export replaces.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:03:00Z', '2024-11-04T08:01:30Z', 'w3'))$$,
                  $$VALUES (1, 3, 1, 1, 0)$$, 'a later conversationEnd replaces');
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:03:00Z', '2024-11-04T08:01:30Z', 'w4', '2024-11-04T08:04:00Z'))$$,
                  $$VALUES (1, 3, 1, 1, 0)$$, 'same end, later metric emitDate replaces');
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:03:00Z', '2024-11-04T08:01:30Z', 'w5', '2024-11-04T08:03:30Z'))$$,
                  $$VALUES (0, 0, 0, 0, 0)$$, 'same end, earlier last event does not replace');
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('c', '2024-11-04T08:03:00Z', '2024-11-04T08:01:30Z', 'w6', '2024-11-04T08:04:00Z'))$$,
                  $$VALUES (1, 3, 1, 1, 0)$$, 'a full tie: the incoming export replaces');
SELECT is((SELECT wrap_up_code FROM gcstitch.segment WHERE conversation_id = 'c' AND segment_no = 2), 'w6',
          'the stored version is the last one imported among equals');
-- Within one text, the newest version wins whatever the order.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('d', '2024-11-04T08:05:00Z', NULL, 'new') || E'\n'
                                                   || pg_temp.conv('d', NULL, NULL, 'active') || E'\n'
                                                   || pg_temp.conv('d', '2024-11-04T08:04:00Z', NULL, 'older'))$$,
                  $$VALUES (1, 3, 1, 0, 0)$$, 'three versions in one text: one stored');
SELECT is((SELECT wrap_up_code FROM gcstitch.segment WHERE conversation_id = 'd' AND segment_no = 2), 'new',
          'the newest of the text');

-- strict => false: bad conversations to import_reject, the others stored.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(
                      pg_temp.conv('e', '2024-11-04T08:01:00Z', NULL),
                      pg_temp.conv('f', '2024-11-04T08:01:00Z', '2024-11-04T07:00:00Z'),
                      '{"conversationId":"g","participants":7}',
                      pg_temp.conv('h', '2024-11-04T08:01:00Z', NULL)), strict => false)$$,
                  $$VALUES (2, 6, 2, 0, 2)$$, 'strict => false: 2 stored, 2 rejected');
SELECT results_eq($$SELECT conversation_id, json_path, sqlstate, imported_at = now() FROM gcstitch.import_reject ORDER BY conversation_id$$,
                  $$VALUES ('f', '$.conversations[1].participants[1].sessions[0].segments[0].segmentEnd', '22023', true),
                           ('g', '$.conversations[2].participants', '22023', true)$$,
                  'rejects name the conversation, the path and the SQLSTATE');
SELECT matches((SELECT reason FROM gcstitch.import_reject WHERE conversation_id = 'f'), 'segmentEnd .* is before segmentStart',
               'the reason says what is wrong');
SELECT is((SELECT conversation::jsonb FROM gcstitch.import_reject WHERE conversation_id = 'f'),
          pg_temp.conv('f', '2024-11-04T08:01:00Z', '2024-11-04T07:00:00Z')::jsonb, 'the rejected conversation is kept whole');
SELECT results_eq($$SELECT conversation_id FROM gcstitch.conversation WHERE conversation_id IN ('e', 'f', 'g', 'h') ORDER BY 1$$,
                  $$VALUES ('e'), ('h')$$, 'the good ones are stored');

-- An empty settings table means its defaults.
DELETE FROM gcstitch.settings;
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('m', NULL, NULL))$$, $$VALUES (1, 3, 1, 0, 0)$$,
                  'import with an empty settings table');
SELECT is((SELECT client_id FROM gcstitch.segment WHERE conversation_id = 'm' AND session_id = 's0'), 'k',
          'the default attribute name applies');
INSERT INTO gcstitch.settings DEFAULT VALUES;

-- A failed strict import leaves every table unchanged, wherever the bad conversation is.
CREATE TEMP TABLE before_fail AS SELECT * FROM pg_temp.state();
SELECT throws_ok($$SELECT * FROM gcstitch.import(pg_temp.page(
                     pg_temp.conv('a', '2024-11-04T09:00:00Z', NULL, 'newer'),
                     pg_temp.conv('i', '2024-11-04T08:01:00Z', NULL),
                     pg_temp.conv('j', '2024-11-04T08:01:00Z', NULL, 'x', 'not a date')))$$,
                 '22023', NULL, 'strict import of a page with a bad last conversation fails');
SELECT throws_ok($$SELECT * FROM gcstitch.import(pg_temp.conv('a', '2024-11-04T09:00:00Z', NULL, 'newer') || E'\n{"conversationId":')$$,
                 '22P02', NULL, 'malformed JSON after a good conversation fails');
SELECT throws_ok($$SELECT * FROM gcstitch.import(pg_temp.conv('k', NULL, NULL) || E'\n{"conversationId":"l"}', strict => false) i,
                   LATERAL (SELECT 1 / (i.conversations * 0)) z$$,
                 '22012', NULL, 'an error after import() in the same statement fails it');
SELECT results_eq('SELECT * FROM pg_temp.state()', 'SELECT * FROM before_fail', 'failed imports changed nothing');

SELECT * FROM finish();
ROLLBACK;
