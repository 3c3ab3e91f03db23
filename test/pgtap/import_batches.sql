-- import() over texts longer than one batch (import_parse hands import() 1,000 conversations at a
-- time): versions of one conversation in different batches, rejects and refusals in several
-- batches, a strict refusal in a later batch, and one call of 100,000 conversations with the
-- default lock table. Every expected value follows from how the text is built.
BEGIN;
SELECT plan(22);
SET LOCAL timezone = 'UTC';

-- A conversation with one agent segment of type marker and one metric: ended at conv_end (NULL:
-- still active), its metric emitted at emitted; last_event_at is the latest of these dates.
CREATE FUNCTION pg_temp.conv(id text, conv_end text, marker text,
                             emitted text DEFAULT '2024-11-04T08:00:10Z') RETURNS text
LANGUAGE sql AS $$
    SELECT format('{"conversationId":%s,"conversationStart":"2024-11-04T08:00:00Z"%s,"participants":['
                  '{"purpose":"agent","sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z","segmentType":%s}],'
                  '"metrics":[{"name":"tTalk","value":1,"emitDate":%s}]}]}]}',
                  to_json(id),
                  CASE WHEN conv_end IS NULL THEN '' ELSE ',"conversationEnd":' || to_json(conv_end) END,
                  to_json(marker), to_json(emitted)) $$;
-- A page of n conversations: those of special (ordinal => conversation) at their ordinals, else
-- prefix-<ordinal>, ended, marker 'interact'.
CREATE FUNCTION pg_temp.page(n int, prefix text, special jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversations":['
           || string_agg(coalesce(special->>k::text, pg_temp.conv(prefix || '-' || k, '2024-11-04T08:01:00Z', 'interact')),
                         ',' ORDER BY k)
           || ']}'
      FROM generate_series(1, n) k $$;
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;

-- Versions in different batches of 3,000 conversations: v at 1 (ends 08:01), 1,500 (08:02, newest)
-- and 2,800 (08:01:30); t at 10 and 2,010, equal versions (the later wins); o at 20 (08:05) and
-- 2,020 (08:03, older); a at 30 (ended) and 2,030 (active, later metric: ended still wins).
CREATE TEMP TABLE versions AS
SELECT pg_temp.page(3000, 'f', jsonb_build_object(
           '1', pg_temp.conv('v', '2024-11-04T08:01:00Z', 'x1'),
           '1500', pg_temp.conv('v', '2024-11-04T08:02:00Z', 'x1500'),
           '2800', pg_temp.conv('v', '2024-11-04T08:01:30Z', 'x2800'),
           '10', pg_temp.conv('t', '2024-11-04T08:01:00Z', 'x10'),
           '2010', pg_temp.conv('t', '2024-11-04T08:01:00Z', 'x2010'),
           '20', pg_temp.conv('o', '2024-11-04T08:05:00Z', 'x20'),
           '2020', pg_temp.conv('o', '2024-11-04T08:03:00Z', 'x2020'),
           '30', pg_temp.conv('a', '2024-11-04T08:01:00Z', 'x30'),
           '2030', pg_temp.conv('a', NULL, 'x2030', '2024-11-04T09:00:00Z'))) AS doc;

SELECT results_eq($$SELECT count(*)::int, sum(cardinality(items))::int, sum(rejects)::int,
                           count(*) FILTER (WHERE items IS NULL)::int
                      FROM versions, gcstitch.import_parse(doc, '{}', true, 1000)$$,
                  $$VALUES (4, 3000, 0, 1)$$, 'import_parse: 3 batches of at most 1,000, then the superseded row');
SELECT is((SELECT superseded FROM versions, gcstitch.import_parse(doc, '{}', true, 1000) WHERE items IS NULL),
          '{1,10,2020,2030,2800}'::int[], 'the versions superseded within the text');
SELECT is((SELECT array_agg(cardinality(items) ORDER BY (items[1]).ordinal)
             FROM versions, gcstitch.import_parse(doc, '{}', true, 7) WHERE items IS NOT NULL)
          = array_fill(7, ARRAY[428]) || 4, true, 'batch_size 7: 428 batches of 7, then 4');
SELECT is(pg_temp.error_of($$SELECT * FROM gcstitch.import_parse('[]', '{}', true, 0)$$),
          '22023 batch_size must be at least 1', 'batch_size 0 is refused');

-- 3,000 - 9 versions = 2,991 fillers, + v, t, o, a: 2,995 conversations, one segment and one metric each.
SELECT results_eq($$SELECT i.* FROM versions, gcstitch.import(doc) i$$, $$VALUES (2995, 2995, 2995, 0, 0)$$,
                  'one conversation per id stored, none counted twice');
SELECT results_eq($$SELECT conversation_id, segment_type FROM gcstitch.segment WHERE conversation_id IN ('v', 't', 'o', 'a') ORDER BY 1$$,
                  $$VALUES ('a', 'x30'), ('o', 'x20'), ('t', 'x2010'), ('v', 'x1500')$$,
                  'the newest version of each, the later one on a tie, across batches');
SELECT is((SELECT count(*)::int FROM gcstitch.change_log WHERE conversation_id IN ('v', 't', 'o', 'a')), 4,
          'each logged once: no version stored and then replaced');
-- Again: every conversation replaced by the same version.
SELECT results_eq($$SELECT i.* FROM versions, gcstitch.import(doc) i$$, $$VALUES (2995, 2995, 2995, 2995, 0)$$,
                  'the same text again replaces each once');
SELECT results_eq($$SELECT conversation_id, segment_type FROM gcstitch.segment WHERE conversation_id IN ('v', 't', 'o', 'a') ORDER BY 1$$,
                  $$VALUES ('a', 'x30'), ('o', 'x20'), ('t', 'x2010'), ('v', 'x1500')$$, 'the same versions stay');
-- A stored version newer than all of the text's: v stays.
SELECT results_eq($$SELECT * FROM gcstitch.import(pg_temp.conv('v', '2024-11-04T08:09:00Z', 'x-newest'))$$,
                  $$VALUES (1, 1, 1, 1, 0)$$, 'a newer v replaces');
SELECT results_eq($$SELECT i.* FROM versions, gcstitch.import(doc) i$$, $$VALUES (2994, 2994, 2994, 2994, 0)$$,
                  'the text again: all but v');
SELECT is((SELECT segment_type FROM gcstitch.segment WHERE conversation_id = 'v'), 'x-newest', 'v is not replaced by an older one');

-- strict => false over 2,500 conversations: shape errors at 5, 1,205 and 2,405; a hold (refused
-- by a constraint of the user's) at 1,300; r at 100 is a hold but superseded by r at 1,100 (newer,
-- no hold): nothing of it refused; q at 200 is fine but superseded by q at 1,200, a hold: q is
-- refused and no version of it stored.
ALTER TABLE gcstitch.segment ADD CONSTRAINT user_no_hold CHECK (segment_type <> 'hold');
CREATE TEMP TABLE lax AS
SELECT pg_temp.page(2500, 'l', jsonb_build_object(
           '5', '{"conversationId":"bad-5","participants":1}',
           '1205', '{"conversationId":"bad-1205","participants":1}',
           '2405', '{"conversationId":"bad-2405","participants":1}',
           '1300', pg_temp.conv('hold-1300', '2024-11-04T08:01:00Z', 'hold'),
           '100', pg_temp.conv('r', '2024-11-04T08:01:00Z', 'hold'),
           '1100', pg_temp.conv('r', '2024-11-04T08:02:00Z', 'interact'),
           '200', pg_temp.conv('q', '2024-11-04T08:01:00Z', 'interact'),
           '1200', pg_temp.conv('q', '2024-11-04T08:02:00Z', 'hold'))) AS doc;
DELETE FROM gcstitch.import_reject;
-- 2,500 - 8 special = 2,492 fillers, + r stored; 3 shape errors, hold-1300 and q refused.
SELECT results_eq($$SELECT i.* FROM lax, gcstitch.import(doc, strict => false) i$$, $$VALUES (2493, 2493, 2493, 0, 5)$$,
                  'lax: the others stored, 3 shape errors and 2 refusals rejected');
SELECT results_eq($$SELECT conversation_id, json_path, sqlstate FROM gcstitch.import_reject ORDER BY json_path$$,
                  $$VALUES ('q', '$.conversations[1199]', '23514'), ('bad-1205', '$.conversations[1204].participants', '22023'),
                           ('hold-1300', '$.conversations[1299]', '23514'), ('bad-2405', '$.conversations[2404].participants', '22023'),
                           ('bad-5', '$.conversations[4].participants', '22023')$$,
                  'each rejected once, with its path and SQLSTATE');
SELECT is((SELECT conversation::jsonb FROM gcstitch.import_reject WHERE conversation_id = 'q'),
          pg_temp.conv('q', '2024-11-04T08:02:00Z', 'hold')::jsonb, 'the refused version''s JSON');
SELECT results_eq($$SELECT (SELECT segment_type FROM gcstitch.segment WHERE conversation_id = 'r'),
                           (SELECT count(*)::int FROM gcstitch.conversation WHERE conversation_id IN ('q', 'hold-1300'))$$,
                  $$VALUES ('interact', 0)$$, 'r stored in its newest version, q not at all');

-- strict: a refusal in the third batch names its conversation and nothing of the text is kept.
SELECT is(pg_temp.error_of(format('SELECT * FROM gcstitch.import(%L)',
                                  pg_temp.page(2500, 's', jsonb_build_object('2222', pg_temp.conv('hold-2222', '2024-11-04T08:01:00Z', 'hold'))))),
          '23514 cannot store conversation "hold-2222" at $.conversations[2221]', 'strict: the refused conversation is named');
SELECT is((SELECT count(*)::int FROM gcstitch.conversation WHERE conversation_id LIKE 's-%'), 0,
          'strict: nothing of the text stored');
ALTER TABLE gcstitch.segment DROP CONSTRAINT user_no_hold;

-- One call of 100,000 conversations (100 batches) with the default lock table: one advisory lock.
SELECT is(current_setting('max_locks_per_transaction'), '64', 'the default lock table size');
SELECT results_eq($$SELECT * FROM gcstitch.import((SELECT string_agg(format('{"conversationId":"one-%s"}', k), E'\n')
                                                     FROM generate_series(1, 100000) k))$$,
                  $$VALUES (100000, 0, 0, 0, 0)$$, '100,000 conversations in one import() call');
SELECT is((SELECT count(*)::int FROM gcstitch.conversation WHERE conversation_id LIKE 'one-%'), 100000, 'all stored');
SELECT is((SELECT count(*)::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'),
          1, 'holding one advisory lock');

SELECT * FROM finish();
ROLLBACK;
