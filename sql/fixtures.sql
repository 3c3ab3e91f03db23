-- sample_export() and sample_truth(): arguments, determinism, pages, what each option does, and the
-- stitched views equal to the generator's truth (agents not busy: idle more than the 30 s gap
-- tolerance, so the gap rule alone separates their calls; fixtures_busy.sql has busy agents).
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
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

-- Arguments out of range: 22023, from both functions; NULL gives no rows.
SELECT f, pg_temp.try(format('SELECT * FROM gcstitch.%s(%s)', f, args)) AS result
  FROM (VALUES ('sample_export'), ('sample_truth')) v(f),
       (VALUES (1, $$'2024-11-04', 0, 1, 1$$), (2, $$'2024-11-04', 10001, 1, 1$$), (3, $$'2024-11-04', 1, -1, 1$$),
               (4, $$'2024-11-04', 1, 1, 1, fragment_pct => 101$$), (5, $$'2024-11-04', 1, 1, 1, abandon_pct => -1$$),
               (6, $$'2024-11-04', 1, 1, 1, page_size => 0$$), (7, $$'2024-11-04', 1, 1, 1, time_zone => 'Mars/Olympus'$$),
               (8, $$'2024-11-04', 1, 0, 1$$), (9, $$NULL, 1, 1, 1$$)) a(n, args)
 ORDER BY n, f;

-- Same arguments, same bytes: whatever the session's TimeZone and DateStyle. The fingerprint of a
-- small day is pinned: a change of the generator that changes any byte must change it on purpose
-- (analysts' expected outputs depend on these bytes).
CREATE TEMP TABLE fingerprint AS
SELECT md5(string_agg(doc, E'\n' ORDER BY page_no)) AS md5, count(*) AS pages
  FROM gcstitch.sample_export('2024-11-04', 3, 4, 1);
SET timezone = 'America/New_York';
SET datestyle = 'SQL, DMY';
SELECT f.md5 = (SELECT md5(string_agg(doc, E'\n' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-04', 3, 4, 1))
       AS same_bytes_elsewhere,
       f.md5 AS pinned_fingerprint
  FROM fingerprint f;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- A session whose search_path puts look-alike operators first gets the same bytes, and so does
-- anonymize() through its settings wrapper (every body is bound at creation or pins its path).
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.trap(text, text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hostile operator called';
END
$$;
CREATE FUNCTION hostile.trap_bool(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT hostile.trap($1, $2) IS NULL';
CREATE OPERATOR hostile.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.trap);
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.trap_bool);
SET search_path = hostile, pg_catalog, public;
SELECT 'the trap is ' || 'armed';
CREATE TEMP TABLE hostile_run AS
SELECT (SELECT md5(string_agg(doc, E'\n' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-04', 3, 4, 1)) AS md5,
       gcstitch.anonymize('{"conversationId":"c"}', 'k') AS anonymized;
RESET search_path;
SELECT h.md5 = f.md5 AS same_bytes_hostile_path,
       h.anonymized = gcstitch.anonymize('{"conversationId":"c"}', 'k') AS same_anonymized
  FROM hostile_run h, fingerprint f;
DROP SCHEMA hostile CASCADE;
SELECT (SELECT md5(string_agg(doc, '' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-04', 3, 4, 1)) <>
       (SELECT md5(string_agg(doc, '' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-04', 3, 4, 2)) AS seed_matters,
       (SELECT md5(string_agg(doc, '' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-04', 3, 4, 1)) <>
       (SELECT md5(string_agg(doc, '' ORDER BY page_no)) FROM gcstitch.sample_export('2024-11-05', 3, 4, 1)) AS day_matters;

-- The day under test: 6 agents, 25 calls each, every option on (reconnects in 40 % of the calls to
-- have many), agents not busy.
CREATE TEMP TABLE page AS
SELECT * FROM gcstitch.sample_export('2024-11-04', 6, 25, 11, fragment_pct => 40, busy => false, transfer_pct => 10,
                                     abandon_pct => 15, outbound_pct => 15, page_size => 40);
CREATE TEMP TABLE truth AS
SELECT * FROM gcstitch.sample_truth('2024-11-04', 6, 25, 11, fragment_pct => 40, busy => false, transfer_pct => 10,
                                    abandon_pct => 15, outbound_pct => 15, page_size => 40);

-- Pages: async job result pages of at most 40 conversations, a cursor on each but the last, the
-- conversations in start order; one page of everything holds the same conversations.
SELECT bool_and(json_array_length(doc::json -> 'conversations') = 40) FILTER (WHERE page_no < (SELECT max(page_no) FROM page))
           AS full_pages,
       bool_and(json_array_length(doc::json -> 'conversations') BETWEEN 1 AND 40) AS page_sizes,
       bool_and((doc::json ->> 'cursor' IS NOT NULL) = (page_no < (SELECT max(page_no) FROM page))) AS cursors,
       array_agg(page_no ORDER BY page_no) = ARRAY(SELECT generate_series(1, max(page_no)) FROM page) AS numbered
  FROM page;
WITH listed AS (
    SELECT c ->> 'conversationId' AS id, c ->> 'conversationStart' AS start, row_number() OVER (ORDER BY page_no, i) AS n
      FROM page, json_array_elements(doc::json -> 'conversations') WITH ORDINALITY e(c, i)
), whole AS (
    SELECT c ->> 'conversationId' AS id, i AS n
      FROM gcstitch.sample_export('2024-11-04', 6, 25, 11, fragment_pct => 40, busy => false, transfer_pct => 10,
                                  abandon_pct => 15, outbound_pct => 15, page_size => 10000) p,
           json_array_elements(p.doc::json -> 'conversations') WITH ORDINALITY e(c, i)
)
SELECT (SELECT count(*) FROM whole) = (SELECT count(*) FROM listed) AS same_count,
       NOT EXISTS (SELECT id, n FROM whole EXCEPT SELECT id, n FROM listed) AS same_order,
       (SELECT bool_and(l.start <= m.start) FROM listed l JOIN listed m ON m.n = l.n + 1) AS start_order;

-- The plan, by construction: each agent takes exactly 25 calls (a transferred call's second leg is
-- one of them); a call rings 35-55 s after the agent's previous wrap-up (a transferred leg waits
-- for its agent: at least that); the agent's calls never overlap.
SELECT count(DISTINCT user_id) AS agents, bool_and(n = 25) AS calls_each
  FROM (SELECT user_id, count(*) AS n FROM truth WHERE user_id IS NOT NULL GROUP BY user_id) a;
SELECT bool_and(idle BETWEEN interval '35 s' AND interval '55 s') FILTER (WHERE leg_no = 1) AS idle_35_55,
       bool_and(idle >= interval '35 s') AS idle_at_least_35
  FROM (SELECT leg_no, started_at - lag(ended_at) OVER (PARTITION BY user_id ORDER BY started_at) AS idle
          FROM truth WHERE user_id IS NOT NULL) t
 WHERE idle IS NOT NULL;
-- Every kind of call is there, and each measure is what its kind says.
SELECT outcome, transferred, count(*) > 0 AS present,
       bool_and(fragments = 1 AND gap = '0') FILTER (WHERE fragments = 1) IS NOT FALSE AS one_piece_no_gap,
       bool_or(fragments > 1) AS some_cut_apart,
       bool_and(handle = talk + hold + acw + dialing) AS handle_sum,
       bool_and(queue_wait = answered_at - queued_at) AS wait_to_answer,
       bool_and(speed_of_answer = alert) AS speed_is_alert,
       bool_and(dialing > '0' AND alert = '0' AND queue_id IS NULL) AS outbound_dials
  FROM truth GROUP BY outcome, transferred ORDER BY outcome, transferred;
SELECT bool_and(t2.queued_at = t1.ended_at - t1.acw) AS second_leg_queued_at_the_transfer,
       bool_and(t2.user_id <> t1.user_id) AS another_agent,
       bool_and(t2.conversation_ids[1] = t1.conversation_ids[1]) AS same_conversation
  FROM truth t1 JOIN truth t2 ON t2.call_no = t1.call_no AND t1.leg_no = 1 AND t2.leg_no = 2;

-- Options off: nothing of their kind. Options on fully: every call of their kind.
SELECT count(*) FILTER (WHERE fragments > 1) AS cut_apart, count(*) FILTER (WHERE leg_no = 2) AS transferred,
       count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned, count(*) FILTER (WHERE outcome = 'outbound') AS outbound
  FROM gcstitch.sample_truth('2024-11-04', 6, 25, 11, fragment_pct => 0, transfer_pct => 0, abandon_pct => 0,
                             outbound_pct => 0);
SELECT bool_and(outcome = 'outbound') AS all_outbound
  FROM gcstitch.sample_truth('2024-11-04', 3, 10, 11, outbound_pct => 100);
SELECT count(*) FILTER (WHERE outcome = 'abandoned') = count(*) FILTER (WHERE outcome = 'answered') AS one_abandon_a_call
  FROM gcstitch.sample_truth('2024-11-04', 3, 10, 11, abandon_pct => 100, transfer_pct => 0, outbound_pct => 0);
-- Reconnects in every call whose talk before any hold lasts a minute, or more (the plan's rule).
SELECT bool_and(fragments > 1) AS every_long_call_cut
  FROM gcstitch.sample_truth('2024-11-04', 3, 10, 11, fragment_pct => 100) t
 WHERE outcome <> 'abandoned' AND hold = '0' AND talk + gap >= interval '60 s';

-- The export imports whole, and the stitched interactions and logical queue calls are exactly the
-- generator's calls (nothing more, nothing less, every measure to the millisecond).
SELECT sum(i.rejected) AS rejected,
       sum(i.conversations) = (SELECT count(DISTINCT c) FROM truth, unnest(conversation_ids) c) AS all_conversations
  FROM page p, gcstitch.import(p.doc) i;
SELECT gcstitch.refresh() AS refreshed \gset
CREATE TEMP VIEW truth_interaction AS
SELECT client_id AS stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at, answered_at,
       ended_at, fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
  FROM truth WHERE outcome <> 'abandoned';
CREATE TEMP VIEW stitched_interaction AS
SELECT stitch_key, client_id, user_id, queue_id, conversation_ids, queued_at, started_at, answered_at, ended_at,
       fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer
  FROM gcstitch.interaction;
SELECT (SELECT count(*) FROM truth_interaction) = (SELECT count(*) FROM stitched_interaction) AS same_count,
       (SELECT count(*) FROM (SELECT * FROM truth_interaction EXCEPT ALL SELECT * FROM stitched_interaction) d)
           AS truth_not_stitched,
       (SELECT count(*) FROM (SELECT * FROM stitched_interaction EXCEPT ALL SELECT * FROM truth_interaction) d)
           AS stitched_not_truth;
CREATE TEMP VIEW truth_call AS
SELECT queue_id, queued_at, left_queue_at, CASE outcome WHEN 'abandoned' THEN 'abandoned' ELSE 'answered' END AS outcome,
       queue_wait, user_id
  FROM truth WHERE queue_id IS NOT NULL;
CREATE TEMP VIEW stitched_call AS
SELECT queue_id, queued_at, left_queue_at, outcome, queue_wait, user_id FROM gcstitch.queue_call;
SELECT (SELECT count(*) FROM (SELECT * FROM truth_call EXCEPT ALL SELECT * FROM stitched_call) d) AS truth_not_stitched,
       (SELECT count(*) FROM (SELECT * FROM stitched_call EXCEPT ALL SELECT * FROM truth_call) d) AS stitched_not_truth;
-- Day totals per queue and per agent: the corrected figures are the truth's; the reported ones count
-- every reconnected piece.
SELECT (SELECT count(*) FROM (
           SELECT queue_id, sum(corrected_offered), sum(corrected_answered), sum(corrected_answered_in_threshold),
                  sum(corrected_abandoned), sum(corrected_short_abandoned),
                  round(gcstitch.service_level_percent(gcstitch.rollup(corrected_service_level)), 9)
             FROM gcstitch.queue_interval GROUP BY queue_id
           EXCEPT
           SELECT queue_id, count(*), count(*) FILTER (WHERE outcome = 'answered'),
                  count(*) FILTER (WHERE outcome = 'answered' AND queue_wait <= interval '20 s'),
                  count(*) FILTER (WHERE outcome = 'abandoned'),
                  count(*) FILTER (WHERE outcome = 'abandoned' AND queue_wait < interval '10 s'),
                  round(100.0 * count(*) FILTER (WHERE outcome = 'answered' AND queue_wait <= interval '20 s')
                        / count(*), 9)
             FROM truth WHERE queue_id IS NOT NULL GROUP BY queue_id) d) AS queue_days_differing,
       (SELECT count(*) FROM (
           SELECT user_id, sum(corrected_handled), sum(corrected_handle), sum(corrected_gap)
             FROM gcstitch.agent_interval GROUP BY user_id
           EXCEPT
           SELECT user_id, count(*), sum(handle), sum(gap) FROM truth WHERE user_id IS NOT NULL GROUP BY user_id) d)
           AS agent_days_differing,
       (SELECT sum(reported_handled) - sum(corrected_handled) FROM gcstitch.agent_interval) =
       (SELECT sum(fragments - 1) FROM truth WHERE user_id IS NOT NULL) AS reported_extra_calls_are_the_pieces;
DELETE FROM gcstitch.conversation;

-- Volatility.
SELECT p.oid::regprocedure, p.provolatile, p.proparallel, p.proisstrict
  FROM pg_proc p
 WHERE p.pronamespace = 'gcstitch'::regnamespace AND p.proname IN ('sample_export', 'sample_truth')
 ORDER BY 1::text;
