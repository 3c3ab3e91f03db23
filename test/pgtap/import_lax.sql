-- What the database refuses to store: with strict => false the conversation goes to import_reject
-- with the database's reason and the others are stored; strict, the error names the conversation
-- and its JSON path. Cases: a conversationId and a sessionId too long for a btree index entry, a
-- CHECK constraint and a trigger of the user's; errors not caused by the data still raise.
BEGIN;
SELECT plan(21);
SET LOCAL timezone = 'UTC';

-- A conversation with one session (sessionId sid) of one segment of type typ.
CREATE FUNCTION pg_temp.conv(id text, sid text DEFAULT 's', typ text DEFAULT 'interact') RETURNS text
LANGUAGE sql AS $$
    SELECT format('{"conversationId":%s,"conversationEnd":"2024-11-04T08:01:00Z","participants":[{"purpose":"agent",'
                  || '"sessions":[{"sessionId":%s,"segments":[{"segmentStart":"2024-11-04T08:00:00Z","segmentType":%s}],'
                  || '"metrics":[{"name":"tTalk","value":1}]}]}]}', to_json(id), to_json(sid), to_json(typ)) $$;
CREATE FUNCTION pg_temp.page(VARIADIC convs text[]) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversations":[' || array_to_string(convs, ',') || ']}' $$;
-- 9,600 characters that pglz cannot shrink: too long for any index entry (at most 8,191 bytes).
CREATE TEMP TABLE long_id AS SELECT string_agg(md5(i::text), '') AS id FROM generate_series(1, 300) i;
CREATE FUNCTION pg_temp.long_id() RETURNS text LANGUAGE sql AS 'SELECT id FROM long_id';
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;

-- Lax: two refused (a long conversationId, a long sessionId), two stored, counts of what was stored.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(pg_temp.conv('lax-a'), pg_temp.conv(pg_temp.long_id()),
                                                                pg_temp.conv('lax-b'), pg_temp.conv('lax-c', pg_temp.long_id())),
                                                  strict => false)$$,
                  $$VALUES (2, 2, 2, 0, 2)$$, 'two stored, two rejected');
SELECT results_eq($$SELECT conversation_id FROM gcstitch.conversation WHERE conversation_id LIKE 'lax-%' ORDER BY 1$$,
                  $$VALUES ('lax-a'), ('lax-b')$$, 'the good ones are stored');
SELECT results_eq($$SELECT conversation_id = pg_temp.long_id(), json_path, sqlstate FROM gcstitch.import_reject ORDER BY json_path$$,
                  $$VALUES (true, '$.conversations[1]', '54000'), (false, '$.conversations[3]', '54000')$$,
                  'rejects: the conversation, its path, the SQLSTATE of the database error');
SELECT matches((SELECT reason FROM gcstitch.import_reject WHERE json_path = '$.conversations[1]'),
               '^The database refused to store it: index row requires 96\d\d bytes, maximum size is 8191\.$',
               'the reason is the database''s error');
SELECT is((SELECT conversation::jsonb FROM gcstitch.import_reject WHERE json_path = '$.conversations[3]'),
          pg_temp.conv('lax-c', pg_temp.long_id())::jsonb, 'the rejected conversation is kept whole');
SELECT is((SELECT conversation_id FROM gcstitch.import_reject WHERE json_path = '$.conversations[3]'), 'lax-c',
          'a reject found by the database has its conversationId');

-- Strict: the error names the conversation (cut at 80 characters) and its path, with the database's
-- SQLSTATE; nothing is stored.
SELECT is(pg_temp.error_of(format('SELECT * FROM gcstitch.import(%L)',
                                  pg_temp.page(pg_temp.conv('strict-a'), pg_temp.conv(pg_temp.long_id())))),
          format('54000 cannot store conversation "%s"... at $.conversations[1]', left(pg_temp.long_id(), 80)),
          'strict: the refused conversation and its path are named');
SELECT is((SELECT count(*)::int FROM gcstitch.conversation WHERE conversation_id = 'strict-a'), 0, 'strict: nothing stored');

-- A constraint of the user's refuses some conversations; many of them among many (each half is
-- stored again, down to the conversations refused).
ALTER TABLE gcstitch.segment ADD CONSTRAINT user_no_hold CHECK (segment_type <> 'hold');
SELECT results_eq($$SELECT * FROM gcstitch.import((SELECT pg_temp.page(VARIADIC array_agg(
                        pg_temp.conv('many-' || i, 's', CASE WHEN i % 7 = 0 THEN 'hold' ELSE 'interact' END) ORDER BY i))
                      FROM generate_series(1, 200) i), strict => false)$$,
                  $$VALUES (172, 172, 172, 0, 28)$$, '200 conversations, the 28 with a hold refused');
SELECT results_eq($$SELECT count(*)::int, count(*) FILTER (WHERE substr(conversation_id, 6)::int % 7 = 0)::int
                      FROM gcstitch.conversation WHERE conversation_id LIKE 'many-%'$$,
                  $$VALUES (172, 0)$$, 'exactly the others are stored');
SELECT results_eq($$SELECT count(*)::int, count(DISTINCT json_path)::int, min(sqlstate), max(sqlstate),
                           bool_and(json_path = '$.conversations[' || (substr(conversation_id, 6)::int - 1) || ']'),
                           bool_and(reason LIKE 'The database refused to store it: new row for relation "segment" violates check constraint "user_no_hold".%')
                      FROM gcstitch.import_reject WHERE conversation_id LIKE 'many-%'$$,
                  $$VALUES (28, 28, '23514', '23514', true, true)$$, 'each refused one rejected once, with its path and reason');
SELECT is(pg_temp.error_of(format('SELECT * FROM gcstitch.import(%L)',
                                  pg_temp.page(pg_temp.conv('hold-1'), pg_temp.conv('hold-2', 's', 'hold')))),
          '23514 cannot store conversation "hold-2" at $.conversations[1]', 'strict: the constraint names the conversation');

-- A refused newer version leaves the stored one in place.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('many-1', 's', 'hold'), strict => false)$$,
                  $$VALUES (0, 0, 0, 0, 1)$$, 'a refused new version is rejected');
SELECT is((SELECT segment_type FROM gcstitch.segment WHERE conversation_id = 'many-1'), 'interact',
          'the stored version stays');
ALTER TABLE gcstitch.segment DROP CONSTRAINT user_no_hold;

-- A trigger of the user's raising an error: rejected too.
CREATE FUNCTION pg_temp.refuse_banned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.conversation_id LIKE 'banned-%' THEN
        RAISE EXCEPTION 'conversation % is banned', NEW.conversation_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER user_refuse_banned BEFORE INSERT ON gcstitch.conversation
    FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_banned();
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(pg_temp.conv('banned-1'), pg_temp.conv('trig-1')), strict => false)$$,
                  $$VALUES (1, 1, 1, 0, 1)$$, 'a trigger''s error rejects its conversation');
SELECT results_eq($$SELECT sqlstate, reason FROM gcstitch.import_reject WHERE conversation_id = 'banned-1'$$,
                  $$VALUES ('P0001', 'The database refused to store it: conversation banned-1 is banned.')$$,
                  'with the trigger''s message');
DROP TRIGGER user_refuse_banned ON gcstitch.conversation;

-- Errors the data does not cause (here a serialization failure, or a cancel) are raised, not
-- turned into rejects.
CREATE FUNCTION pg_temp.fail_serialization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'simulated' USING ERRCODE = 'serialization_failure';
END
$$;
CREATE TRIGGER user_serialization BEFORE INSERT ON gcstitch.conversation
    FOR EACH ROW EXECUTE FUNCTION pg_temp.fail_serialization();
SELECT is(pg_temp.error_of(format('SELECT * FROM gcstitch.import(%L, strict => false)', pg_temp.conv('ser-1'))),
          '40001 simulated', 'a serialization failure is raised even with strict => false');
DROP TRIGGER user_serialization ON gcstitch.conversation;

-- Rejects found while reading and refusals of the database together, in text order.
DELETE FROM gcstitch.import_reject;
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.page(pg_temp.conv(pg_temp.long_id()), '{"conversationId":"shape","participants":1}',
                                                                pg_temp.conv('mixed-ok')), strict => false)$$,
                  $$VALUES (1, 1, 1, 0, 2)$$, 'a shape error and a refusal in one text');
SELECT results_eq($$SELECT json_path, sqlstate FROM gcstitch.import_reject ORDER BY json_path$$,
                  $$VALUES ('$.conversations[0]', '54000'), ('$.conversations[1].participants', '22023')$$,
                  'both rejected with their own SQLSTATE');

-- A sessionId too long in segments_from_json is no error there: nothing is stored.
SELECT is((SELECT length(session_id) FROM gcstitch.segments_from_json(pg_temp.conv('x', pg_temp.long_id()), '{}')),
          9600, 'readers return long values as they are');
SELECT is((SELECT count(*)::int FROM gcstitch.import_conversations(pg_temp.page(pg_temp.conv('o1'), pg_temp.conv('o2'), pg_temp.conv('o3')), '{1,3}')),
          2, 'import_conversations returns the positions asked for');

SELECT * FROM finish();
ROLLBACK;
