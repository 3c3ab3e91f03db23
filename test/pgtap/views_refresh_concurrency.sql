-- gcstitch.refresh() while another session imports: two real sessions (dblink), both loops finish
-- without error, they overlap in time, every refresh saw one whole import (never a half-imported
-- export), and after a last refresh the maintained views equal the live ones. Then a refresh held
-- open in a third session blocks neither readers nor imports, and a second refresh waits its turn.
-- The imported rows are committed by the other sessions (ids 'cc-...'); they are deleted at the end.
BEGIN;
SELECT plan(15);
CREATE EXTENSION IF NOT EXISTS dblink;
\o /dev/null
\i test/sample/build_export.sql

-- Six versions of one export of 50 calls (1 to 4 for the race, 5 and 6 after it), each cut in two
-- agent sessions; in version k every call has k seconds of wrap-up, so the corrected acw of the 50
-- calls is 50 k seconds: which version a refresh saw can be read back from agent_interval.
CREATE TEMP TABLE docs (k int, doc text);
CREATE FUNCTION pg_temp.make_version(k int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM t_seg;
    INSERT INTO t_seg
    SELECT 'cc-' || i, 'cc-' || i || '-' || x.part, x.purpose, CASE WHEN x.purpose = 'agent' THEN 'cc-u' || i % 5 END,
           CASE WHEN x.purpose = 'agent' THEN 'cc-client-' || i % 5 END,
           'cc-' || i || '-s' || x.sess, x.typ,
           t0 + x.s * interval '1 second', t0 + x.e * interval '1 second', 'cc-q', x.disc, NULL
    FROM generate_series(1, 50) i
    CROSS JOIN LATERAL (SELECT timestamptz '2024-11-04 07:00:00Z' + i * interval '15 minutes' AS t0) t
    CROSS JOIN LATERAL (VALUES
        ('acd', 'acd', 1, 'interact', 0, 10, 'transfer'),
        ('a1', 'agent', 2, 'alert', 10, 12, NULL),
        ('a1', 'agent', 2, 'interact', 12, 100, 'error'),
        ('a2', 'agent', 3, 'interact', 105, 200, 'peer'),
        ('a2', 'agent', 3, 'wrapup', 200, 200 + k, NULL)) AS x(part, purpose, sess, typ, s, e, disc);
    INSERT INTO docs VALUES (k, pg_temp.export_doc());
END
$$;
SELECT pg_temp.make_version(k) FROM generate_series(1, 6) k;
\o

\o /dev/null
SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
              current_database(), current_user) AS conninfo \gset
SELECT dblink_connect('imp', :'conninfo');
SELECT dblink_connect('ref', :'conninfo');
SELECT dblink_exec('imp', 'CREATE TEMP TABLE docs (k int, doc text)');
SELECT dblink_exec('imp', format('INSERT INTO docs VALUES (%s, %L)', k, doc)) FROM docs;
SELECT dblink_exec('imp', 'CREATE TEMP TABLE log (t timestamptz)');
SELECT dblink_exec('ref', 'CREATE TEMP TABLE log (t timestamptz, acw interval, n bigint)');

-- Importer: 40 imports, each its own transaction, versions 1, 2, 3, 4, 1, ...
SELECT dblink_send_query('imp', $q$
DO $$
BEGIN
    FOR i IN 0..39 LOOP
        INSERT INTO log VALUES (clock_timestamp());
        PERFORM gcstitch.import(doc) FROM docs WHERE k = i % 4 + 1;
        COMMIT;
        PERFORM pg_sleep(0.01);
    END LOOP;
    INSERT INTO log VALUES (clock_timestamp());
END
$$ $q$);
-- Refresher: 40 refreshes, each logging what it saw.
SELECT dblink_send_query('ref', $q$
DO $$
BEGIN
    FOR i IN 0..39 LOOP
        PERFORM gcstitch.refresh();
        INSERT INTO log
        SELECT clock_timestamp(), sum(corrected_acw), sum(corrected_handled)
        FROM gcstitch.agent_interval WHERE user_id LIKE 'cc-u%';
        COMMIT;
        PERFORM pg_sleep(0.005);
    END LOOP;
END
$$ $q$);

\o
SELECT lives_ok($$SELECT * FROM dblink_get_result('imp') AS r(status text)$$,
                'the importing session finished without error');
SELECT lives_ok($$SELECT * FROM dblink_get_result('ref') AS r(status text)$$,
                'the refreshing session finished without error (no duplicate key, no deadlock)');
\o /dev/null
SELECT * FROM dblink_get_result('imp', false) AS r(status text);
SELECT * FROM dblink_get_result('ref', false) AS r(status text);

CREATE TEMP TABLE imp_log AS SELECT * FROM dblink('imp', 'SELECT t FROM log') AS r(t timestamptz);
CREATE TEMP TABLE ref_log AS
    SELECT * FROM dblink('ref', 'SELECT t, acw, n FROM log') AS r(t timestamptz, acw interval, n bigint);
\o
SELECT is((SELECT count(*) FROM ref_log), 40::bigint, 'the refresher completed 40 rounds');
SELECT ok((SELECT count(*) FROM ref_log WHERE t > (SELECT min(t) FROM imp_log) AND t < (SELECT max(t) FROM imp_log)) > 0,
          'refreshes ran while the imports were going on');
SELECT is((SELECT count(*) FROM ref_log
           WHERE NOT (n IS NULL OR (n = 50 AND acw IN ('50 seconds', '100 seconds', '150 seconds', '200 seconds')))),
          0::bigint,
          'every refresh saw nothing or one whole version of the export (50 calls, 50 k seconds of wrap-up)');

-- After one more refresh the maintained views equal the live ones.
\o /dev/null
SELECT dblink_exec('ref', 'DO $d$ BEGIN PERFORM gcstitch.refresh(); END $d$');
\o
SELECT is((SELECT count(*) FROM gcstitch.interaction WHERE user_id LIKE 'cc-u%'), 50::bigint,
          'interaction holds the 50 stitched calls');
CREATE FUNCTION pg_temp.missing(a text, b text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (SELECT x::text FROM gcstitch.%I x EXCEPT ALL SELECT y::text FROM gcstitch.%I y) d', a, b)
        INTO n;
    RETURN n;
END
$$;
SELECT is(pg_temp.missing(v, v || '_live') + pg_temp.missing(v || '_live', v), 0::bigint, v || ' equals ' || v || '_live')
FROM unnest(ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval']) v;

-- A refresh left open (it has work: version 5 was imported) blocks neither a reader nor an
-- import; a second refresh waits for it (here: gives up after 200 ms).
\o /dev/null
SELECT dblink_connect('hold', :'conninfo');
SELECT dblink_exec('imp', 'DO $d$ BEGIN PERFORM gcstitch.import(doc) FROM docs WHERE k = 5; END $d$');
SELECT dblink_exec('hold', 'BEGIN');
SELECT dblink_exec('hold', 'DO $d$ BEGIN PERFORM gcstitch.refresh(); END $d$');
\o
SET LOCAL lock_timeout = '200ms';
SELECT lives_ok($$SELECT count(*) FROM gcstitch.interaction; SELECT count(*) FROM gcstitch.agent_interval;
                  SELECT count(*) FROM gcstitch.queue_interval$$, 'a reader is not blocked by a refresh in progress');
SELECT lives_ok($$SELECT dblink_exec('imp', 'SET lock_timeout = ''200ms''; DO $d$ BEGIN PERFORM gcstitch.import(doc) FROM docs WHERE k = 6; END $d$')$$,
                'an import is not blocked by a refresh in progress');
SELECT throws_ok($$SELECT dblink_exec('ref', 'SET lock_timeout = ''200ms''; DO $d$ BEGIN PERFORM gcstitch.refresh(); END $d$')$$, '55P03', NULL,
                 'a second refresh waits for the first');
RESET lock_timeout;
\o /dev/null
SELECT dblink_exec('hold', 'COMMIT');
SELECT dblink_exec('ref', 'DO $d$ BEGIN PERFORM gcstitch.refresh(); END $d$');
\o
SELECT is((SELECT sum(corrected_acw) FROM gcstitch.agent_interval WHERE user_id LIKE 'cc-u%'), interval '300 seconds',
          'the import made during the held refresh is in after the next one (version 6: 50 x 6 s of wrap-up)');

-- Leave nothing behind: the other sessions committed.
\o /dev/null
SELECT dblink_exec('imp', $$DELETE FROM gcstitch.conversation WHERE conversation_id LIKE 'cc-%'$$);
SELECT dblink_exec('ref', 'DO $d$ BEGIN PERFORM gcstitch.refresh(); END $d$');
SELECT dblink_disconnect('imp');
SELECT dblink_disconnect('ref');
SELECT dblink_disconnect('hold');
\o
SELECT * FROM finish();
ROLLBACK;
