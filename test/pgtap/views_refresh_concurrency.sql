-- REFRESH MATERIALIZED VIEW CONCURRENTLY while another session imports: two real sessions (dblink),
-- both loops finish without error, they overlap in time, every refresh saw one whole import (never a
-- half-imported export), and at the end the materialized views equal their views.
-- The imported rows are committed by the other sessions (ids 'cc-...'); they are deleted at the end.
BEGIN;
SELECT plan(9);
CREATE EXTENSION IF NOT EXISTS dblink;
\o /dev/null
\i test/sample/build_export.sql

-- Four versions of one export of 50 calls, each cut in two agent sessions; in version k every call
-- has k seconds of wrap-up, so the corrected acw of the 50 calls is 50 k seconds: which version a
-- refresh saw can be read back from the materialized view.
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
SELECT pg_temp.make_version(k) FROM generate_series(1, 4) k;
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
-- Refresher: 40 rounds of the three concurrent refreshes, each round logging what it saw.
SELECT dblink_send_query('ref', $q$
DO $$
BEGIN
    FOR i IN 0..39 LOOP
        REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.interaction_mv;
        REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.agent_interval_mv;
        REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.queue_interval_mv;
        INSERT INTO log
        SELECT clock_timestamp(), sum(corrected_acw), sum(corrected_handled)
        FROM gcstitch.agent_interval_mv WHERE user_id LIKE 'cc-u%';
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

-- After one more refresh the materialized views equal the views.
\o /dev/null
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.interaction_mv');
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.agent_interval_mv');
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.queue_interval_mv');
\o
SELECT is((SELECT count(*) FROM gcstitch.interaction_mv WHERE user_id LIKE 'cc-u%'), 50::bigint,
          'interaction_mv holds the 50 stitched calls');
SELECT is((SELECT count(*) FROM (SELECT * FROM gcstitch.interaction EXCEPT SELECT * FROM gcstitch.interaction_mv) d),
          0::bigint, 'interaction_mv equals interaction');
SELECT is((SELECT count(*) FROM (SELECT * FROM gcstitch.agent_interval EXCEPT SELECT * FROM gcstitch.agent_interval_mv) d),
          0::bigint, 'agent_interval_mv equals agent_interval');
SELECT is((SELECT count(*) FROM (SELECT queue_id, interval_start, reported_offered, corrected_offered,
                                        corrected_answered, corrected_service_level_percent FROM gcstitch.queue_interval
                                 EXCEPT
                                 SELECT queue_id, interval_start, reported_offered, corrected_offered,
                                        corrected_answered, corrected_service_level_percent FROM gcstitch.queue_interval_mv) d),
          0::bigint, 'queue_interval_mv equals queue_interval');

-- Leave nothing behind: the other sessions committed.
\o /dev/null
SELECT dblink_exec('imp', $$DELETE FROM gcstitch.conversation WHERE conversation_id LIKE 'cc-%'$$);
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.interaction_mv');
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.agent_interval_mv');
SELECT dblink_exec('ref', 'REFRESH MATERIALIZED VIEW CONCURRENTLY gcstitch.queue_interval_mv');
SELECT dblink_disconnect('imp');
SELECT dblink_disconnect('ref');
\o
SELECT * FROM finish();
ROLLBACK;
