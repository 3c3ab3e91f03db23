-- Two sessions importing overlapping pages at the same time: no error, no duplicate, no deadlock,
-- and the newest version of every conversation stored. The sessions are dblink connections to
-- this server; they commit, so the test removes their conversations (ids "conc-...") at the end.
BEGIN;
SELECT plan(17);
CREATE EXTENSION IF NOT EXISTS dblink;

-- Page k (1..6) holds conversations conc-10k .. conc-(10k+19): each overlaps the next by half.
-- Its copy of a conversation ended k minutes after 08:00, so the highest page holding a
-- conversation has its newest version. page(1, 1200) is a big text (conc-10 .. conc-1209).
CREATE FUNCTION pg_temp.page(k int, n int DEFAULT 20) RETURNS text LANGUAGE sql AS $$
    SELECT '{"conversations":[' || string_agg(format(
        '{"conversationId":"conc-%s","conversationStart":"2024-11-04T08:00:00Z","conversationEnd":"2024-11-04T08:%s:00Z",'
        || '"participants":[{"purpose":"agent","userId":"u","sessions":[{"sessionId":"s","segments":['
        || '{"segmentStart":"2024-11-04T08:00:00Z","segmentEnd":"2024-11-04T08:00:30Z","segmentType":"interact"},'
        || '{"segmentStart":"2024-11-04T08:00:30Z","segmentEnd":"2024-11-04T08:%s:00Z","segmentType":"wrapup","wrapUpCode":"page-%s"}],'
        || '"metrics":[{"name":"tTalk","value":30000,"emitDate":"2024-11-04T08:00:30Z"}]}]}]}',
        n, lpad(k::text, 2, '0'), lpad(k::text, 2, '0'), k), ',' ORDER BY n) || ']}'
      FROM generate_series(10 * k, 10 * k + n - 1) n $$;
-- One import() statement (one transaction) of the given pages as NDJSON.
CREATE FUNCTION pg_temp.ndjson_import(pages int[]) RETURNS text LANGUAGE sql AS $$
    SELECT format('SELECT i::text FROM gcstitch.import(%L) i;',
                  (SELECT string_agg(pg_temp.page(k), E'\n' ORDER BY o) FROM unnest(pages) WITH ORDINALITY u(k, o))) $$;
-- One transaction per page, kept open `pause` seconds after its import (widens the race).
CREATE FUNCTION pg_temp.paged_import(pages int[], pause float8 DEFAULT 0.05) RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(format('BEGIN; SELECT i::text FROM gcstitch.import(%L) i; SELECT pg_sleep(%s)::text; COMMIT;',
                             pg_temp.page(k), pause), ' ' ORDER BY o)
      FROM unnest(pages) WITH ORDINALITY u(k, o) $$;
-- One transaction calling import() once per page, pausing between calls (the deadlock of locks
-- taken call by call: each session holds what its first pages locked and waits for the other's).
CREATE FUNCTION pg_temp.one_transaction_import(pages int[], pause float8 DEFAULT 0.05) RETURNS text LANGUAGE sql AS $$
    SELECT 'BEGIN; ' || string_agg(format('SELECT i::text FROM gcstitch.import(%L) i; SELECT pg_sleep(%s)::text;',
                                          pg_temp.page(k), pause), ' ' ORDER BY o) || ' COMMIT;'
      FROM unnest(pages) WITH ORDINALITY u(k, o) $$;
CREATE FUNCTION pg_temp.connstr() RETURNS text LANGUAGE sql AS $$
    SELECT format('dbname=%s port=%s host=%s user=%s application_name=gcstitch_concurrent',
                  current_database(), current_setting('port'),
                  split_part(current_setting('unix_socket_directories'), ',', 1), current_user) $$;
-- Runs two scripts in two sessions at once: both wait on an advisory lock this session holds, and
-- start together when it is released. Every statement returns one text column (dblink needs one
-- row type). Returns each session's error, or 'ok'.
CREATE FUNCTION pg_temp.race(script_a text, script_b text) RETURNS TABLE (session text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
    gate constant text := 'SELECT (pg_advisory_lock_shared(746374), pg_advisory_unlock_shared(746374))::text; ';
    c text;
BEGIN
    PERFORM pg_advisory_lock(746374);
    PERFORM dblink_connect('a', pg_temp.connstr());
    PERFORM dblink_connect('b', pg_temp.connstr());
    PERFORM dblink_send_query('a', gate || script_a);
    PERFORM dblink_send_query('b', gate || script_b);
    PERFORM pg_sleep(0.2);
    PERFORM pg_advisory_unlock(746374);
    FOREACH c IN ARRAY ARRAY['a', 'b'] LOOP
        session := c;
        BEGIN
            -- every result of the script, until the empty one
            LOOP
                PERFORM * FROM dblink_get_result(c) AS t(x text);
                EXIT WHEN NOT FOUND;
            END LOOP;
            outcome := 'ok';
        EXCEPTION WHEN OTHERS THEN
            outcome := SQLSTATE || ' ' || SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
    PERFORM dblink_disconnect('a');
    PERFORM dblink_disconnect('b');
END
$$;
-- What must be stored: n conversations, each once, from the highest page holding it.
CREATE FUNCTION pg_temp.check_state(label text, n int) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT results_eq(
        $q$SELECT count(*)::int, count(DISTINCT conversation_id)::int FROM gcstitch.conversation WHERE conversation_id LIKE 'conc-%'$q$,
        format('VALUES (%s, %s)', n, n), label || ': each conversation once');
    RETURN NEXT results_eq(
        $q$SELECT (SELECT count(*)::int FROM gcstitch.segment WHERE conversation_id LIKE 'conc-%'),
                  (SELECT count(*)::int FROM gcstitch.metric WHERE conversation_id LIKE 'conc-%')$q$,
        format('VALUES (%s, %s)', 2 * n, n), label || ': no duplicate segments or metrics');
    RETURN NEXT is(
        (SELECT count(*)::int FROM gcstitch.segment
          WHERE conversation_id LIKE 'conc-%' AND segment_no = 2
            AND wrap_up_code <> 'page-' || CASE WHEN substr(conversation_id, 6)::int < 80
                                                THEN least(6, substr(conversation_id, 6)::int / 10)
                                                ELSE 1 END),
        0, label || ': every conversation is its newest version');
END
$$;
CREATE FUNCTION pg_temp.cleanup() RETURNS void LANGUAGE sql AS $$
    SELECT dblink_exec(pg_temp.connstr(), $q$DELETE FROM gcstitch.conversation WHERE conversation_id LIKE 'conc-%'$q$);
    DELETE FROM gcstitch.import_reject WHERE conversation_id LIKE 'conc-%' $$;

SELECT pg_temp.cleanup();
-- One statement each, the same pages in opposite orders.
SELECT results_eq($$SELECT * FROM pg_temp.race(pg_temp.ndjson_import('{1,2,3,4,5,6}'), pg_temp.ndjson_import('{6,5,4,3,2,1}'))$$,
                  $$VALUES ('a', 'ok'), ('b', 'ok')$$, 'two NDJSON imports of the same pages in opposite orders both succeed');
SELECT * FROM pg_temp.check_state('NDJSON race', 70);
-- One transaction per page, opposite orders, with everything already stored (all replacements).
SELECT results_eq($$SELECT * FROM pg_temp.race(pg_temp.paged_import('{1,2,3,4,5,6}'), pg_temp.paged_import('{6,5,4,3,2,1}'))$$,
                  $$VALUES ('a', 'ok'), ('b', 'ok')$$, 'page-by-page imports in opposite orders both succeed');
SELECT * FROM pg_temp.check_state('page race', 70);
SELECT pg_temp.cleanup();
-- One transaction each, calling import() page by page, the same pages in opposite orders.
SELECT results_eq($$SELECT * FROM pg_temp.race(pg_temp.one_transaction_import('{1,2,3,4,5,6}'),
                                              pg_temp.one_transaction_import('{6,5,4,3,2,1}'))$$,
                  $$VALUES ('a', 'ok'), ('b', 'ok')$$, 'one transaction of page-by-page calls each, opposite orders: both succeed');
SELECT * FROM pg_temp.check_state('one-transaction race', 70);
SELECT pg_temp.cleanup();
-- A big text against page-by-page imports of some of its conversations.
SELECT results_eq($$SELECT * FROM pg_temp.race(format('SELECT i::text FROM gcstitch.import(%L) i;', pg_temp.page(1, 1200)),
                                              pg_temp.paged_import('{6,5,4,3,2,1}'))$$,
                  $$VALUES ('a', 'ok'), ('b', 'ok')$$, 'a text of 1200 conversations and page-by-page imports both succeed');
SELECT * FROM pg_temp.check_state('big text race', 1200);
SELECT pg_temp.cleanup();
SELECT is((SELECT count(*)::int FROM gcstitch.conversation WHERE conversation_id LIKE 'conc-%'), 0, 'cleaned up');

SELECT * FROM finish();
ROLLBACK;
