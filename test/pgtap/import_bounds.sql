-- Bounded importer: pathological documents, a cancel inside the readers, client id attributes
-- looked up from either side, and one transaction of 100,000 conversations with the default lock
-- table. No timing is asserted: the cancel test tells "cancelled inside the reader" from "ran to
-- the end" by the error it gets.
BEGIN;
SELECT plan(14);
SET LOCAL timezone = 'UTC';

-- One conversation with n sessions s1..sn, each with one segment, then one more session with
-- sessionId extra when given.
CREATE FUNCTION pg_temp.sessions_doc(n int, extra text DEFAULT NULL) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversationId":"c","participants":[{"purpose":"agent","sessions":['
           || string_agg(format('{"sessionId":%s,"segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}',
                                to_json(s)), ',' ORDER BY o)
           || ']}]}'
      FROM (SELECT 's' || i AS s, i AS o FROM generate_series(1, n) i
            UNION ALL SELECT extra, n + 1 WHERE extra IS NOT NULL) x $$;
-- Runs q; returns 'ok' or the SQLSTATE and message of its error, a cancel included (which plpgsql's
-- OTHERS does not catch).
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION
    WHEN query_canceled THEN
        RETURN SQLSTATE || ' ' || SQLERRM;
    WHEN OTHERS THEN
        RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;

-- 100,000 sessions in one conversation (quadratic before: 17 s or more), each sessionId once; then
-- the first repeated after them, found at its position.
SELECT is((SELECT count(DISTINCT session_id)::int FROM gcstitch.segments_from_json(pg_temp.sessions_doc(100000), '{}')),
          100000, '100,000 sessions of one conversation: every one read');
SELECT is(pg_temp.outcome(format('SELECT count(*) FROM gcstitch.segments_from_json(%L, ''{}'')',
                                 pg_temp.sessions_doc(100000, 's1'))),
          '22023 invalid conversation "c" at $.participants[0].sessions[100000].sessionId',
          'a sessionId repeated after 100,000 others is found');
SELECT is(pg_temp.outcome(format('SELECT count(*) FROM gcstitch.segments_from_json(%L, ''{}'')',
                                 pg_temp.sessions_doc(3, 's10'))),
          'ok', 'sessionIds that share a prefix are different');

-- A cancel is honoured inside the reader: a text that takes about 9 s to read (120 MB of
-- conversations each holding 2,000 empty objects, several times as long to parse per byte as
-- ordinary exports) and is malformed at its very end. Cancelled inside, the error is 57014; a reader that
-- did not check for interrupts would reach the end first and raise 22P02.
CREATE TEMP TABLE slow_doc AS
SELECT '[' || repeat('{"conversationId":"c","x":[' || repeat('{},', 1999) || '{}]},', 20000) AS doc;
SET LOCAL statement_timeout = '200ms';
SELECT is(pg_temp.outcome('SELECT count(*) FROM slow_doc, gcstitch.segments_from_json(doc, ''{}'')'),
          '57014 canceling statement due to statement timeout',
          'statement_timeout cancels segments_from_json while it reads');
SELECT is(pg_temp.outcome('SELECT count(*) FROM slow_doc, gcstitch.metrics_from_json(doc)'),
          '57014 canceling statement due to statement timeout',
          'statement_timeout cancels metrics_from_json while it reads');
SELECT is(pg_temp.outcome('SELECT count(*) FROM slow_doc, gcstitch.import(doc, strict => false)'),
          '57014 canceling statement due to statement timeout',
          'statement_timeout cancels import() while it reads');
RESET statement_timeout;
DROP TABLE slow_doc;

-- Client id attributes: with more names than attributes, the attributes are looked up among the
-- names; the rule stays "first name in the list with a non-empty string value", and a value of the
-- wrong type fails only when it comes before the one chosen.
CREATE FUNCTION pg_temp.client_id(attributes text, names text[]) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.outcome(format('SELECT client_id FROM gcstitch.segments_from_json(%L, %L)',
        '{"conversationId":"c","participants":[{"attributes":' || attributes
        || ',"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}', names)) $$;
CREATE FUNCTION pg_temp.client_id_value(attributes text, names text[]) RETURNS text LANGUAGE sql AS $$
    SELECT client_id FROM gcstitch.segments_from_json(
        '{"conversationId":"c","participants":[{"attributes":' || attributes
        || ',"sessions":[{"sessionId":"s","segments":[{"segmentStart":"2024-11-04T08:00:00Z"}]}]}]}', names) $$;
SELECT is(pg_temp.client_id_value('{"b":"vb","a":"va"}', '{a,b,c}'), 'va', 'the first name of the list wins, not the first attribute');
SELECT is(pg_temp.client_id_value('{"a":"","b":null,"c":"vc"}', '{a,b,c}'), 'vc', 'empty and null values are skipped');
SELECT is(pg_temp.client_id_value('{"b":5,"a":"va"}', '{a,b,c}'), 'va', 'a wrong type after the chosen name is not looked at');
SELECT is(pg_temp.client_id('{"a":5,"b":"vb"}', '{a,b,c}'),
          '22023 invalid conversation "c" at $.participants[0].attributes."a"', 'a wrong type before it fails');
SELECT is(pg_temp.client_id_value('{"x":"vx","y":"vy"}', ARRAY(SELECT 'n' || i FROM generate_series(1, 100000) i) || '{y}'),
          'vy', 'a list of 100,001 names');

-- One transaction importing 100,000 conversations in 1,000 calls with the default lock table
-- (max_locks_per_transaction 64): one advisory lock in all.
SELECT is(current_setting('max_locks_per_transaction'), '64', 'the default lock table size');
SELECT is((SELECT sum(i.conversations)::int
             FROM generate_series(0, 999) k,
                  LATERAL gcstitch.import((SELECT '[' || string_agg(format('{"conversationId":"bulk-%s"}', k * 100 + j), ',') || ']'
                                             FROM generate_series(1, 100) j)) i),
          100000, '100,000 conversations imported in one transaction');
SELECT is((SELECT count(*)::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'),
          1, 'holding one advisory lock');

SELECT * FROM finish();
ROLLBACK;
