-- The maintained views always equal a from-scratch computation. Seeded and randomized: three generated
-- days (around both DST changes of 2024) are imported page by page in random order, with older
-- (still active) and newer (corrected) versions of conversations, calls cut into pieces whose middle
-- piece is a conversation of its own (so a late page bridges two interactions, and deleting it splits
-- one), agents whose next call rings 1 to 60 s after a wrap-up (the new-call rule splits those
-- inside the tolerance; a late wrap-up makes it split), deletes, settings (both stitching rules
-- among them) and queue target changes, refreshes that miss part of the change log (as when an
-- import commits while a refresh runs), and refreshes at random points. After every refresh, every
-- maintained view is compared with its live view, both ways (EXCEPT ALL on the rows as text).
BEGIN;
SELECT plan(171);
SET LOCAL timezone = 'UTC';
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
INSERT INTO gcstitch.settings DEFAULT VALUES;
SELECT setseed(0.4242);

-- The world: every version of every conversation, one segment or metric a row.
CREATE TEMP TABLE w_seg (conv text, ver int, part text, purpose text, usr text, client text, sess text,
                         typ text, s timestamptz, e timestamptz, queue text, disc text, wrap text);
CREATE TEMP TABLE w_met (conv text, ver int, sess text, name text, value bigint, emit timestamptz);
-- role: 'call' (a call's first conversation), 'middle' (the middle piece of a call cut in three,
-- alone in its conversation), 'tail' (a later piece in a conversation of its own).
CREATE TEMP TABLE w_conv (conv text, ver int, conv_end timestamptz, role text, PRIMARY KEY (conv, ver));

CREATE FUNCTION pg_temp.ms(a timestamptz, b timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE
RETURN round(extract(epoch FROM b - a) * 1000)::bigint;

-- One agent session covering the pieces [(type, from, to)], with its metrics.
CREATE FUNCTION pg_temp.agent_session(conv text, part text, usr text, client text, sess text, queue text,
                                      pieces jsonb, last boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p jsonb;
    talk bigint := 0;
    held bigint := 0;
    acw bigint := 0;
    first_s timestamptz;
    last_e timestamptz;
BEGIN
    FOR p IN SELECT * FROM jsonb_array_elements(pieces) LOOP
        INSERT INTO w_seg VALUES (conv, 1, part, 'agent', usr, client, sess, p->>0, (p->>1)::timestamptz,
                                  (p->>2)::timestamptz, queue, CASE WHEN p->>0 = 'interact' AND NOT last THEN 'error' END,
                                  CASE WHEN p->>0 = 'wrapup' THEN 'w1' END);
        first_s := least(first_s, (p->>1)::timestamptz);
        last_e := greatest(last_e, (p->>2)::timestamptz);
        IF p->>0 = 'interact' THEN
            talk := talk + pg_temp.ms((p->>1)::timestamptz, (p->>2)::timestamptz);
            INSERT INTO w_met VALUES (conv, 1, sess, 'tTalk', pg_temp.ms((p->>1)::timestamptz, (p->>2)::timestamptz),
                                      (p->>2)::timestamptz);
        ELSIF p->>0 = 'hold' THEN
            held := held + pg_temp.ms((p->>1)::timestamptz, (p->>2)::timestamptz);
            INSERT INTO w_met VALUES (conv, 1, sess, 'tHeld', pg_temp.ms((p->>1)::timestamptz, (p->>2)::timestamptz),
                                      (p->>2)::timestamptz);
        ELSIF p->>0 = 'wrapup' THEN
            acw := acw + pg_temp.ms((p->>1)::timestamptz, (p->>2)::timestamptz);
        END IF;
    END LOOP;
    IF acw > 0 THEN
        INSERT INTO w_met VALUES (conv, 1, sess, 'tAcw', acw, last_e);
    END IF;
    INSERT INTO w_met VALUES (conv, 1, sess, 'tHandle', talk + held + acw, last_e);
END
$$;

-- The calls of one agent over [t, t_end): queue wait, ring, talk (maybe a hold), wrap-up; some cut in
-- two or three pieces; between calls 1 to 60 s of idle (some closer than the gap tolerance).
CREATE FUNCTION pg_temp.agent_calls(agent int, t timestamptz, t_end timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    usr text := 'u' || agent;
    client text := CASE WHEN agent < 6 THEN 'cid' || agent END;
    n int := 0;
    conv text;
    queue text;
    wait interval;
    t0 timestamptz;
    ta timestamptz;
    talk interval;
    hold interval;
    acw interval;
    cuts int;
    pieces jsonb;
    piece_start timestamptz;
    piece_conv text;
    k int;
    seg_end timestamptz;
BEGIN
    WHILE t < t_end LOOP
        n := n + 1;
        conv := format('a%s-%s-%s', agent, to_char(t, 'MMDD'), n);
        queue := CASE WHEN random() < 0.6 THEN 'q1' ELSE 'q2' END;
        wait := make_interval(secs => round((random() * 40)::numeric, 3));
        t0 := t - wait;
        INSERT INTO w_seg VALUES (conv, 1, conv || '-acd', 'acd', NULL, NULL, conv || '-sq', 'interact', t0, t, queue,
                                  'transfer', NULL);
        INSERT INTO w_met VALUES (conv, 1, conv || '-sq', 'nOffered', 1, t0);
        ta := t + make_interval(secs => round((1 + random() * 9)::numeric, 3));
        talk := make_interval(secs => round((40 + random() * 300)::numeric, 3));
        hold := CASE WHEN random() < 0.3 THEN make_interval(secs => round((5 + random() * 40)::numeric, 3)) ELSE '0' END;
        acw := make_interval(secs => round((5 + random() * 50)::numeric, 3));
        INSERT INTO w_met VALUES (conv, 1, conv || '-s1', 'tAnswered', pg_temp.ms(t0, ta), ta);
        -- The agent timeline of the uncut call, then cut at 0, 1 or 2 instants inside the talk.
        cuts := CASE WHEN random() < 0.55 THEN 0 WHEN random() < 0.6 THEN 1 ELSE 2 END;
        piece_start := t;
        piece_conv := conv;
        FOR k IN 0..cuts LOOP
            IF k < cuts THEN
                seg_end := greatest(ta + talk * (k + 1) / (cuts + 1) * (0.8 + random() * 0.2),
                                    piece_start + interval '10 seconds');
                pieces := CASE WHEN k = 0 THEN jsonb_build_array(jsonb_build_array('alert', t, ta)) ELSE '[]' END
                          || jsonb_build_array(jsonb_build_array('interact', greatest(piece_start, ta), seg_end));
            ELSE
                seg_end := greatest(piece_start, ta) + talk / (cuts + 1);
                pieces := CASE WHEN k = 0 THEN jsonb_build_array(jsonb_build_array('alert', t, ta)) ELSE '[]' END
                          || jsonb_build_array(jsonb_build_array('interact', greatest(piece_start, ta), seg_end));
                IF hold > '0' THEN
                    pieces := pieces || jsonb_build_array(jsonb_build_array('hold', seg_end, seg_end + hold),
                                                          jsonb_build_array('interact', seg_end + hold,
                                                                            seg_end + hold + interval '20 seconds'));
                    seg_end := seg_end + hold + interval '20 seconds';
                END IF;
                pieces := pieces || jsonb_build_array(jsonb_build_array('wrapup', seg_end, seg_end + acw));
                seg_end := seg_end + acw;
            END IF;
            IF k > 0 AND (k = 1 AND cuts = 2 OR random() < 0.5) THEN
                -- A piece in a conversation of its own (the middle one of three always).
                piece_conv := conv || '-p' || k;
                INSERT INTO w_seg VALUES (piece_conv, 1, piece_conv || '-cust', 'customer', NULL, NULL,
                                          piece_conv || '-sc', 'interact', piece_start, seg_end, NULL, 'peer', NULL);
                IF random() < 0.5 THEN
                    INSERT INTO w_seg VALUES (piece_conv, 1, piece_conv || '-acd', 'acd', NULL, NULL,
                                              piece_conv || '-sq', 'interact', piece_start - interval '1 second',
                                              piece_start, queue, 'transfer', NULL);
                    INSERT INTO w_met VALUES (piece_conv, 1, piece_conv || '-sq', 'nOffered', 1,
                                              piece_start - interval '1 second');
                END IF;
                INSERT INTO w_conv VALUES (piece_conv, 1, NULL, CASE WHEN k = 1 AND cuts = 2 THEN 'middle' ELSE 'tail' END);
            ELSE
                piece_conv := conv;
            END IF;
            PERFORM pg_temp.agent_session(piece_conv, piece_conv || '-a' || k, usr, client,
                                          conv || '-s' || (k + 1), queue, pieces, k = cuts);
            IF k > 0 THEN
                INSERT INTO w_met VALUES (piece_conv, 1, conv || '-s' || (k + 1), 'tAnswered', 0, piece_start);
            END IF;
            -- Dead air before the next piece: 0 to 25 s, or 2 s re-reported.
            piece_start := seg_end + make_interval(secs => round((random() * 27 - 2)::numeric, 3));
        END LOOP;
        INSERT INTO w_seg VALUES (conv, 1, conv || '-cust', 'customer', NULL, NULL, conv || '-sc', 'interact', t0,
                                  greatest(seg_end, t), NULL, 'peer', NULL);
        INSERT INTO w_conv VALUES (conv, 1, NULL, 'call');
        -- Next call: 1 to 60 s after this one's wrap-up.
        t := seg_end + make_interval(secs => round((1 + random() * 59)::numeric, 3));
    END LOOP;
END
$$;

-- Calls nobody answered: abandons (some short), flow-outs, and one still waiting per day.
CREATE FUNCTION pg_temp.unanswered(day_start timestamptz, minutes int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    conv text;
    t0 timestamptz;
    w interval;
    kind int;
BEGIN
    FOR i IN 1..minutes / 6 LOOP
        conv := format('x-%s-%s', to_char(day_start, 'MMDD'), i);
        t0 := day_start + make_interval(secs => round((random() * minutes * 60)::numeric, 3));
        w := make_interval(secs => round((1 + random() * 60)::numeric, 3));
        kind := CASE WHEN i = 1 THEN 3 WHEN random() < 0.7 THEN 1 ELSE 2 END;
        INSERT INTO w_seg VALUES (conv, 1, conv || '-acd', 'acd', NULL, NULL, conv || '-sq', 'interact', t0,
                                  CASE WHEN kind <> 3 THEN t0 + w END, CASE WHEN random() < 0.5 THEN 'q1' ELSE 'q2' END,
                                  CASE kind WHEN 1 THEN 'peer' WHEN 2 THEN 'transfer' END, NULL),
                                 (conv, 1, conv || '-cust', 'customer', NULL, NULL, conv || '-sc', 'interact', t0,
                                  CASE WHEN kind <> 3 THEN t0 + w END, NULL, 'peer', NULL);
        INSERT INTO w_met VALUES (conv, 1, conv || '-sq', 'nOffered', 1, t0);
        IF kind <> 3 THEN
            INSERT INTO w_met VALUES (conv, 1, conv || '-sq', CASE kind WHEN 1 THEN 'tAbandon' ELSE 'tFlowOut' END,
                                      pg_temp.ms(t0, t0 + w), t0 + w);
        END IF;
        INSERT INTO w_conv VALUES (conv, 1, NULL, 'call');
    END LOOP;
END
$$;

\o /dev/null
-- Around the EU fall-back (2024-10-27 01:00Z), the US fall-back (2024-11-03 06:00Z), and a plain day.
SELECT pg_temp.agent_calls(a, d + make_interval(secs => random() * 120), d + interval '80 minutes')
FROM unnest(ARRAY['2024-10-27 00:20Z', '2024-11-03 05:20Z', '2024-11-04 08:00Z']::timestamptz[]) d,
     generate_series(1, 6) a;
SELECT pg_temp.unanswered(d, 80)
FROM unnest(ARRAY['2024-10-27 00:20Z', '2024-11-03 05:20Z', '2024-11-04 08:00Z']::timestamptz[]) d;
\o
UPDATE w_conv c SET conv_end = (SELECT max(s.e) FROM w_seg s WHERE s.conv = c.conv AND s.ver = c.ver)
WHERE NOT EXISTS (SELECT FROM w_seg s WHERE s.conv = c.conv AND s.ver = c.ver AND s.e IS NULL);

-- Older versions (0): a quarter of the conversations exported while active, cut at a random instant
-- (later segments missing, the running ones open, no conversation end). Newer versions (2): a tenth
-- corrected afterwards (the last segment 5 s longer).
CREATE TEMP TABLE w_cut AS
SELECT c.conv, min(s.s) + (max(s.e) - min(s.s)) * random() AS cut
FROM w_conv c JOIN w_seg s USING (conv, ver)
WHERE c.ver = 1 AND c.conv_end IS NOT NULL AND random() < 0.25
GROUP BY c.conv;
INSERT INTO w_seg SELECT s.conv, 0, s.part, s.purpose, s.usr, s.client, s.sess, s.typ, s.s,
                         CASE WHEN s.e <= k.cut THEN s.e END, s.queue, s.disc, s.wrap
                  FROM w_seg s JOIN w_cut k USING (conv) WHERE s.ver = 1 AND s.s <= k.cut;
INSERT INTO w_met SELECT m.conv, 0, m.sess, m.name, m.value, m.emit
                  FROM w_met m JOIN w_cut k USING (conv) WHERE m.ver = 1 AND m.emit <= k.cut;
INSERT INTO w_conv SELECT c.conv, 0, NULL, c.role FROM w_conv c JOIN w_cut k USING (conv)
                   WHERE c.ver = 1 AND EXISTS (SELECT FROM w_seg s WHERE s.conv = c.conv AND s.ver = 0);
CREATE TEMP TABLE w_fix AS
SELECT c.conv, (SELECT s.ctid FROM w_seg s WHERE s.conv = c.conv AND s.ver = 1 ORDER BY s.e DESC, s.sess, s.s LIMIT 1) AS last
FROM w_conv c WHERE c.ver = 1 AND c.conv_end IS NOT NULL AND random() < 0.1;
INSERT INTO w_seg SELECT s.conv, 2, s.part, s.purpose, s.usr, s.client, s.sess, s.typ, s.s,
                         CASE WHEN s.ctid = f.last THEN s.e + interval '5 seconds' ELSE s.e END, s.queue, s.disc, s.wrap
                  FROM w_seg s JOIN w_fix f USING (conv) WHERE s.ver = 1;
INSERT INTO w_met SELECT m.conv, 2, m.sess, m.name, m.value, m.emit FROM w_met m JOIN w_fix f USING (conv) WHERE m.ver = 1;
INSERT INTO w_conv SELECT c.conv, 2, c.conv_end + interval '5 seconds', c.role FROM w_conv c JOIN w_fix f USING (conv)
                   WHERE c.ver = 1;

-- A Genesys export page of the given conversation versions (the shape build_export.sql writes).
CREATE FUNCTION pg_temp.page(items text[]) RETURNS text LANGUAGE sql AS $$
WITH pick AS (
    SELECT split_part(x, '|', 1) AS conv, split_part(x, '|', 2)::int AS ver FROM unnest(items) x
),
sess AS (
    SELECT g.conv, g.ver, g.part, g.sess,
           jsonb_strip_nulls(jsonb_build_object(
               'sessionId', g.sess, 'mediaType', 'voice', 'direction', 'inbound',
               'segments', jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'segmentStart', to_char(g.s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'segmentEnd', to_char(g.e AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'segmentType', g.typ, 'queueId', g.queue, 'disconnectType', g.disc,
                   'wrapUpCode', g.wrap)) ORDER BY g.s, g.e),
               'metrics', (SELECT jsonb_agg(jsonb_build_object(
                                      'name', m.name, 'value', m.value,
                                      'emitDate', to_char(m.emit AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                  ORDER BY m.emit, m.name)
                           FROM w_met m WHERE m.conv = g.conv AND m.ver = g.ver AND m.sess = g.sess))) AS obj,
           min(g.s) AS first_s
    FROM w_seg g JOIN pick USING (conv, ver)
    GROUP BY g.conv, g.ver, g.part, g.sess
),
part AS (
    SELECT s.conv, s.ver, s.part, min(s.first_s) AS first_s,
           jsonb_strip_nulls(jsonb_build_object(
               'participantId', s.part, 'purpose', min(g.purpose), 'userId', min(g.usr),
               'attributes', CASE WHEN min(g.client) IS NOT NULL
                                  THEN jsonb_build_object('X-Genesys-Client-Id', min(g.client)) END,
               'sessions', jsonb_agg(DISTINCT s.obj))) AS obj
    FROM sess s JOIN w_seg g USING (conv, ver, part, sess)
    GROUP BY s.conv, s.ver, s.part
)
SELECT jsonb_build_object('conversations', jsonb_agg(
           jsonb_strip_nulls(jsonb_build_object(
               'conversationId', p.conv,
               'conversationStart', to_char((SELECT min(g.s) FROM w_seg g WHERE g.conv = p.conv AND g.ver = p.ver)
                                            AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'conversationEnd', to_char(c.conv_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'originatingDirection', 'inbound',
               'participants', p.parts))))::text
FROM (SELECT conv, ver, jsonb_agg(obj ORDER BY first_s, part) AS parts FROM part GROUP BY conv, ver) p
JOIN w_conv c USING (conv, ver)
$$;

-- The import queue: pages of conversation versions (about 6) in random order, an older version (0)
-- before its version 1, a newer one (2) after it; the middle pieces held back for the second half
-- (late fragments that bridge two stored interactions).
CREATE TEMP TABLE w_item AS
SELECT c.conv, c.ver, c.role,
       CASE c.ver WHEN 0 THEN random() * 0.5 WHEN 1 THEN CASE WHEN c.role = 'middle' THEN 0.5 + random() * 0.5
                                                               ELSE 0.2 + random() * 0.7 END
                  ELSE 0.9 + random() * 0.1 END AS rank
FROM w_conv c;
CREATE TEMP TABLE w_page AS
SELECT floor(i.rank * 120) AS page_no, array_agg(i.conv || '|' || i.ver ORDER BY i.rank) AS items, min(i.rank) AS rank
FROM w_item i
GROUP BY 1;
CREATE TEMP TABLE w_queue (n serial, items text[]);
INSERT INTO w_queue (items) SELECT items FROM w_page ORDER BY rank, page_no;

-- What the run did, and what each refresh found.
CREATE TEMP TABLE w_log (step serial, what text, detail text);
CREATE TEMP TABLE w_check (refresh int, view text, differ bigint, full_rebuild boolean);
CREATE TEMP TABLE w_hidden (LIKE gcstitch.change_log);

-- Rows of a maintained view and of its live view that the other lacks.
CREATE FUNCTION pg_temp.differ(v text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT (SELECT count(*) FROM (SELECT m::text FROM gcstitch.%I m EXCEPT ALL
                                                  SELECT l::text FROM gcstitch.%I l) d)
                         + (SELECT count(*) FROM (SELECT l::text FROM gcstitch.%I l EXCEPT ALL
                                                  SELECT m::text FROM gcstitch.%I m) d)',
                   v, v || '_live', v || '_live', v) INTO n;
    RETURN n;
END
$$;

CREATE FUNCTION pg_temp.refresh_and_check(r int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gcstitch.refresh();
    INSERT INTO w_log (what) VALUES ('refresh');
    INSERT INTO w_check
    SELECT r, v, pg_temp.differ(v), (SELECT last_refresh_full FROM gcstitch.refresh_state)
    FROM unnest(ARRAY['interaction', 'queue_visit', 'queue_call', 'agent_interval', 'queue_interval']) v;
END
$$;

-- One random action.
CREATE FUNCTION pg_temp.act() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    x float8 := random();
    page text[];
    victims text[];
BEGIN
    IF x < 0.70 THEN
        FOR i IN 1..1 + floor(random() * 3)::int LOOP
            DELETE FROM w_queue WHERE n = (SELECT min(n) FROM w_queue) RETURNING items INTO page;
            CONTINUE WHEN page IS NULL;
            PERFORM gcstitch.import(pg_temp.page(page));
            INSERT INTO w_log (what, detail) SELECT 'import', split_part(p.item, '|', 1) FROM unnest(page) p(item);
        END LOOP;
    ELSIF x < 0.80 THEN
        -- Delete one to three stored conversations, middle pieces first (splits); re-import later.
        SELECT array_agg(c.conversation_id) INTO victims
        FROM (SELECT c.conversation_id FROM gcstitch.conversation c
              ORDER BY c.conversation_id NOT LIKE '%-p1', random() LIMIT 1 + (random() * 2)::int) c;
        DELETE FROM gcstitch.conversation WHERE conversation_id = ANY (victims);
        INSERT INTO w_queue (items)
        SELECT ARRAY[(SELECT v || '|' || max(c.ver) FROM w_conv c WHERE c.conv = v)] FROM unnest(victims) v;
        INSERT INTO w_log (what, detail) SELECT 'delete', v FROM unnest(victims) v;
    ELSIF x < 0.84 THEN
        UPDATE gcstitch.settings
           SET report_timezone = (ARRAY['Europe/Paris', 'America/New_York', 'Asia/Kolkata'])[1 + floor(random() * 3)::int],
               interval_length = (ARRAY['15 minutes', '30 minutes', '60 minutes']::interval[])[1 + floor(random() * 3)::int];
        INSERT INTO w_log (what, detail) SELECT 'intervals', report_timezone || ' ' || interval_length FROM gcstitch.settings;
    ELSIF x < 0.87 THEN
        UPDATE gcstitch.settings
           SET short_abandon_threshold = (ARRAY['10 seconds', '25 seconds'])[1 + floor(random() * 2)::int]::interval,
               sl_include_flow_outs = random() < 0.5, sl_include_short_abandons = random() < 0.5;
        INSERT INTO w_log (what, detail) VALUES ('service level settings', NULL);
    ELSIF x < 0.90 THEN
        INSERT INTO gcstitch.queue (queue_id, name, sl_threshold)
        VALUES ((ARRAY['q1', 'q2'])[1 + floor(random() * 2)::int], 'Q', make_interval(secs => 10 + (random() * 20)::int))
        ON CONFLICT (queue_id) DO UPDATE SET sl_threshold = excluded.sl_threshold, name = excluded.name || '*';
        INSERT INTO w_log (what, detail) VALUES ('queue targets', NULL);
    ELSIF x < 0.92 THEN
        UPDATE gcstitch.settings
           SET gap_tolerance = (ARRAY['30 seconds', '10 seconds', '45 seconds'])[1 + floor(random() * 3)::int]::interval,
               split_after_wrapup = random() < 0.7;
        INSERT INTO w_log (what, detail)
        SELECT 'stitching rules', gap_tolerance || ' ' || split_after_wrapup FROM gcstitch.settings;
    ELSE
        -- A refresh that does not see some of the logged changes whose data it sees (an import that
        -- commits while the refresh runs): they stay for the next one.
        WITH hidden AS (DELETE FROM gcstitch.change_log WHERE random() < 0.5 RETURNING *)
        INSERT INTO w_hidden SELECT * FROM hidden;
        PERFORM gcstitch.refresh();
        INSERT INTO gcstitch.change_log SELECT * FROM w_hidden;
        DELETE FROM w_hidden;
        INSERT INTO w_log (what, detail) VALUES ('refresh missing part of the log', NULL);
    END IF;
END
$$;

-- 30 rounds of 1 to 5 actions, each ending with a refresh and the comparison; then everything left.
DO $$
BEGIN
    PERFORM pg_temp.refresh_and_check(0);
    FOR r IN 1..30 LOOP
        FOR a IN 1..1 + floor(random() * 5)::int LOOP
            PERFORM pg_temp.act();
        END LOOP;
        PERFORM pg_temp.refresh_and_check(r);
    END LOOP;
    PERFORM gcstitch.import(pg_temp.page(q.items)) FROM w_queue q ORDER BY q.n;
    PERFORM pg_temp.refresh_and_check(31);
END
$$;

SELECT is(sum(differ), 0::numeric, format('%s: the maintained rows equal the live view after each of the 32 refreshes', view))
FROM w_check GROUP BY view ORDER BY view;
SELECT is(differ, 0::bigint, format('refresh %s, %s: equal to the live view', refresh, view))
FROM w_check ORDER BY refresh, view;

-- What the run covered (it would prove little otherwise).
SELECT cmp_ok((SELECT count(DISTINCT refresh) FROM w_check WHERE NOT full_rebuild), '>=', 20::bigint,
              'at least 20 refreshes were incremental');
-- A middle piece imported after a refresh that had both its neighbours (the call's first
-- conversation and its last piece) stored: it bridges two stored interactions.
CREATE TEMP VIEW w_bridge AS
SELECT m.step
FROM w_log m JOIN w_conv c ON c.conv = m.detail AND c.role = 'middle' AND c.ver = 1
WHERE m.what = 'import'
  AND EXISTS (SELECT FROM w_log r
              WHERE r.what = 'refresh' AND r.step < m.step
                AND (SELECT max(a.step) FROM w_log a WHERE a.what = 'import'
                     AND a.detail IN (split_part(m.detail, '-p1', 1), split_part(m.detail, '-p1', 1) || '-p2')
                     AND a.step < m.step) < r.step
                AND (SELECT count(DISTINCT a.detail) FROM w_log a WHERE a.what = 'import' AND a.step < r.step
                     AND a.detail IN (split_part(m.detail, '-p1', 1), split_part(m.detail, '-p1', 1) || '-p2')) = 2);
SELECT cmp_ok((SELECT count(*) FROM w_bridge), '>=', 5::bigint,
              'late middle pieces bridged two stored interactions');
SELECT cmp_ok((SELECT count(*) FROM w_log d JOIN w_conv c ON c.conv = d.detail AND c.role = 'middle' AND c.ver = 1
               WHERE d.what = 'delete'
                 AND EXISTS (SELECT FROM w_log r WHERE r.what = 'refresh' AND r.step < d.step
                               AND EXISTS (SELECT FROM w_log a WHERE a.what = 'import' AND a.detail = d.detail
                                             AND a.step < r.step))),
              '>=', 1::bigint, 'stored middle pieces were deleted (splitting an interaction)');
SELECT cmp_ok((SELECT count(*) FROM w_log WHERE what = 'refresh missing part of the log'), '>=', 1::bigint,
              'a refresh missed part of the change log');
SELECT cmp_ok((SELECT count(*) FROM gcstitch.interaction WHERE cardinality(conversation_ids) >= 3), '>', 0::bigint,
              'interactions span three conversations (a call cut in three, bridged by its middle piece)');
SELECT cmp_ok((SELECT count(*) FROM gcstitch.conversation), '=', (SELECT count(DISTINCT conv) FROM w_conv),
              'in the end every conversation is stored');
SELECT * FROM finish();
ROLLBACK;
