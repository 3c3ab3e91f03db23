-- Generates realistic Genesys Cloud conversation detail pages into table bench_page(page_no, doc).
-- psql variables: pages (number of pages, 100 conversations each), seed (0..1).
-- Each conversation: customer (with participant attributes incl. X-Genesys-Client-Id), ivr with a
-- flow, acd (queue wait; nOffered, tAcd or tAbandon), and for answered calls an agent with alert,
-- interact, hold, interact, wrapup and the usual metrics. About 15 % abandon; about 20 % of the
-- answered calls are fragmented: the agent's WebRTC session drops and a new agent session (or a
-- new agent participant) picks the call up after a few seconds of dead air, sometimes re-reporting
-- a second already covered. Dates have milliseconds, except whole seconds (no fraction) and 5 %
-- written with trailing zeros trimmed (".25Z").
-- Usage: psql -v pages=110 -v seed=0.42 -f import_pages.sql

SET timezone = 'UTC';
CREATE FUNCTION pg_temp.ts(t timestamptz) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN to_char(t, 'MS') = '000'
                THEN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                WHEN random() < 0.05
                THEN rtrim(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), '0') || 'Z'
                ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END $$;

CREATE FUNCTION pg_temp.uuid(k text) RETURNS text LANGUAGE sql AS $$ SELECT md5(k)::uuid::text $$;

CREATE FUNCTION pg_temp.seg(t0 timestamptz, t1 timestamptz, typ text, extra jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('segmentStart', pg_temp.ts(t0), 'segmentEnd', pg_temp.ts(t1),
                              'segmentType', typ, 'conference', false) || extra $$;

CREATE FUNCTION pg_temp.met(n text, v bigint, t timestamptz) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('name', n, 'value', v, 'emitDate', pg_temp.ts(t)) $$;

CREATE FUNCTION pg_temp.ms(a timestamptz, b timestamptz) RETURNS bigint LANGUAGE sql AS $$
    SELECT (extract(epoch FROM b - a) * 1000)::bigint $$;

-- One agent session: alert, interact, optional hold + interact, optional wrapup.
CREATE FUNCTION pg_temp.agent_session(key text, t_alert timestamptz, talk interval, hold interval,
                                      acw interval, cut boolean, queue text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    t_ans timestamptz := t_alert + make_interval(secs => 2 + random() * 8);
    t timestamptz := t_ans;
    segs jsonb := '[]';
    mets jsonb;
    held interval := '0';
BEGIN
    segs := segs || pg_temp.seg(t_alert, t_ans, 'alert', jsonb_build_object('queueId', queue));
    IF hold > '0' THEN
        segs := segs || pg_temp.seg(t, t + talk / 2, 'interact', jsonb_build_object('queueId', queue));
        t := t + talk / 2;
        segs := segs || pg_temp.seg(t, t + hold, 'hold', jsonb_build_object('queueId', queue));
        t := t + hold;
        held := hold;
        segs := segs || pg_temp.seg(t, t + talk / 2, 'interact', jsonb_build_object('queueId', queue,
                      'disconnectType', CASE WHEN cut THEN 'transportFailure' ELSE 'peer' END));
        t := t + talk / 2;
    ELSE
        segs := segs || pg_temp.seg(t, t + talk, 'interact', jsonb_build_object('queueId', queue,
                      'disconnectType', CASE WHEN cut THEN 'transportFailure' ELSE 'peer' END));
        t := t + talk;
    END IF;
    mets := jsonb_build_array(pg_temp.met('tAlert', pg_temp.ms(t_alert, t_ans), t_ans),
                              pg_temp.met('tAnswered', pg_temp.ms(t_alert, t_ans), t_ans),
                              pg_temp.met('tTalk', pg_temp.ms(t_ans, t - held), t),
                              pg_temp.met('tTalkComplete', pg_temp.ms(t_ans, t - held), t));
    IF held > '0' THEN
        mets := mets || pg_temp.met('tHeld', pg_temp.ms(t, t + held), t)
                     || pg_temp.met('tHeldComplete', pg_temp.ms(t, t + held), t);
    END IF;
    IF NOT cut THEN
        segs := segs || pg_temp.seg(t, t + acw, 'wrapup', jsonb_build_object('queueId', queue,
                      'wrapUpCode', pg_temp.uuid('wrap' || (random() * 20)::int),
                      'wrapUpNote', 'customer called about invoice ' || (random() * 100000)::int));
        mets := mets || pg_temp.met('tAcw', pg_temp.ms(t, t + acw), t + acw)
                     || pg_temp.met('tHandle', pg_temp.ms(t_ans, t + acw), t + acw);
    END IF;
    RETURN jsonb_build_object(
        'sessionId', pg_temp.uuid('s' || key), 'mediaType', 'voice', 'direction', 'inbound',
        'ani', 'tel:+3314' || lpad((random() * 1e7)::int::text, 8, '0'), 'dnis', 'tel:+33170000000',
        'edgeId', pg_temp.uuid('edge' || (random() * 4)::int), 'provider', 'Edge',
        'peerId', pg_temp.uuid('peer' || key), 'protocolCallId', pg_temp.uuid('pc' || key),
        'remote', 'Agent WebRTC', 'requestedRoutings', jsonb_build_array('Standard'),
        'usedRouting', 'Standard', 'routingRing', 1,
        'mediaEndpointStats', jsonb_build_array(jsonb_build_object(
            'codecs', jsonb_build_array('opus'), 'minMos', 4.2 + random() / 2,
            'minRFactor', 80 + random() * 10, 'maxLatencyMs', (random() * 200)::int,
            'receivedPackets', (random() * 30000)::int, 'discardedPackets', (random() * 10)::int)),
        'segments', segs, 'metrics', mets);
END
$$;

CREATE FUNCTION pg_temp.conversation(page int, i int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    key text := page || '-' || i;
    t0 timestamptz := '2024-11-04 07:00:00+00'::timestamptz
                      + make_interval(secs => (page * 100 + i) * 17 + random() * 10);
    ivr_len interval := make_interval(secs => 10 + random() * 50);
    t_queue timestamptz := t0 + ivr_len;
    wait interval := make_interval(secs => random() * 90);
    t_ans timestamptz := t_queue + wait;
    abandon boolean := random() < 0.15;
    fragmented boolean := random() < 0.20;
    queue text := pg_temp.uuid('queue' || (random() * 8)::int);
    agent text := pg_temp.uuid('agent' || (random() * 60)::int);
    talk interval := make_interval(secs => 30 + random() * 400);
    hold interval := CASE WHEN random() < 0.3 THEN make_interval(secs => 5 + random() * 60) ELSE '0' END;
    acw interval := make_interval(secs => 5 + random() * 60);
    t_end timestamptz;
    parts jsonb;
    agent_parts jsonb := '[]';
    acd_mets jsonb;
    s1 jsonb;
    s2 jsonb;
    gap interval;
    t2 timestamptz;
BEGIN
    IF abandon THEN
        t_end := t_ans;
        acd_mets := jsonb_build_array(pg_temp.met('nOffered', 1, t_queue),
                                      pg_temp.met('tAbandon', pg_temp.ms(t_queue, t_end), t_end));
    ELSE
        acd_mets := jsonb_build_array(pg_temp.met('nOffered', 1, t_queue),
                                      pg_temp.met('tAcd', pg_temp.ms(t_queue, t_ans), t_ans));
        IF fragmented THEN
            s1 := pg_temp.agent_session(key || 'a', t_ans, talk / 3, '0', acw, true, queue);
            gap := make_interval(secs => random() * 20 - 2);
            t2 := t_ans + talk / 3 + make_interval(secs => 5) + gap;
            s2 := pg_temp.agent_session(key || 'b', t2, talk * 2 / 3, hold, acw, false, queue);
            IF random() < 0.5 THEN
                agent_parts := jsonb_build_array(jsonb_build_object('participantId', pg_temp.uuid('pa' || key),
                    'participantName', 'Agent ' || agent, 'purpose', 'agent', 'userId', agent,
                    'sessions', jsonb_build_array(s1, s2)));
            ELSE
                agent_parts := jsonb_build_array(
                    jsonb_build_object('participantId', pg_temp.uuid('pa' || key), 'purpose', 'agent',
                                       'participantName', 'Agent ' || agent, 'userId', agent,
                                       'sessions', jsonb_build_array(s1)),
                    jsonb_build_object('participantId', pg_temp.uuid('pb' || key), 'purpose', 'agent',
                                       'participantName', 'Agent ' || agent, 'userId', agent,
                                       'sessions', jsonb_build_array(s2)));
            END IF;
            t_end := t2 + talk + hold + acw;
        ELSE
            s1 := pg_temp.agent_session(key || 'a', t_ans, talk, hold, acw, false, queue);
            agent_parts := jsonb_build_array(jsonb_build_object('participantId', pg_temp.uuid('pa' || key),
                'participantName', 'Agent ' || agent, 'purpose', 'agent', 'userId', agent,
                'sessions', jsonb_build_array(s1)));
            t_end := t_ans + make_interval(secs => 10) + talk + hold + acw;
        END IF;
    END IF;
    parts := jsonb_build_array(
        jsonb_build_object('participantId', pg_temp.uuid('pc' || key), 'participantName', 'Mobile',
            'purpose', 'customer',
            'attributes', jsonb_build_object(
                'X-Genesys-Client-Id', pg_temp.uuid('client' || (page * 100 + i - (CASE WHEN random() < 0.1 THEN 1 ELSE 0 END))),
                'ivr.Language', 'fr-FR', 'ivr.Intent', 'billing', 'Queue', 'Support',
                'scriptId', pg_temp.uuid('script')),
            'sessions', jsonb_build_array(jsonb_build_object(
                'sessionId', pg_temp.uuid('sc' || key), 'mediaType', 'voice', 'direction', 'inbound',
                'ani', 'tel:+3361' || lpad((random() * 1e7)::int::text, 8, '0'), 'dnis', 'tel:+33170000000',
                'edgeId', pg_temp.uuid('edge1'), 'provider', 'Edge', 'protocolCallId', pg_temp.uuid('pcc' || key),
                'remote', 'Mobile', 'segments', jsonb_build_array(
                    pg_temp.seg(t0, t_end, 'interact', jsonb_build_object('disconnectType', 'peer'))),
                'mediaEndpointStats', jsonb_build_array(jsonb_build_object('codecs', jsonb_build_array('pcma'),
                    'minMos', 4.3, 'minRFactor', 88.1, 'receivedPackets', 12000))))),
        jsonb_build_object('participantId', pg_temp.uuid('pi' || key), 'participantName', 'Main IVR',
            'purpose', 'ivr', 'sessions', jsonb_build_array(jsonb_build_object(
                'sessionId', pg_temp.uuid('si' || key), 'mediaType', 'voice', 'direction', 'inbound',
                'ani', 'tel:+33600000000', 'dnis', 'tel:+33170000000', 'provider', 'Edge',
                'segments', jsonb_build_array(pg_temp.seg(t0, t_queue, 'ivr')),
                'flow', jsonb_build_object('flowId', pg_temp.uuid('flow'), 'flowName', 'Main IVR',
                    'flowVersion', '12.0', 'flowType', 'INBOUNDCALL', 'exitReason', 'TRANSFER',
                    'entryReason', 'tel:+33170000000', 'entryType', 'dnis',
                    'transferType', 'ACD', 'transferTargetName', 'Support')))),
        jsonb_build_object('participantId', pg_temp.uuid('pq' || key), 'participantName', 'Support',
            'purpose', 'acd', 'sessions', jsonb_build_array(jsonb_build_object(
                'sessionId', pg_temp.uuid('sq' || key), 'mediaType', 'voice', 'direction', 'inbound',
                'provider', 'Edge', 'requestedRoutings', jsonb_build_array('Standard'),
                'segments', jsonb_build_array(pg_temp.seg(t_queue, t_ans, 'interact',
                    jsonb_build_object('queueId', queue,
                                       'disconnectType', CASE WHEN abandon THEN 'peer' ELSE 'transfer' END))),
                'metrics', acd_mets))))
        || agent_parts;
    RETURN jsonb_build_object('conversationId', pg_temp.uuid('c' || key),
        'conversationStart', pg_temp.ts(t0), 'conversationEnd', pg_temp.ts(t_end),
        'originatingDirection', 'inbound', 'divisionIds', jsonb_build_array(pg_temp.uuid('division')),
        'mediaStatsMinConversationMos', 4.2, 'mediaStatsMinConversationRFactor', 80.1,
        'participants', parts);
END
$$;

SELECT setseed(:seed);
-- Stored uncompressed, as a literal sent by psql arrives: the timings measure the readers, not pglz.
CREATE TABLE bench_page (page_no int PRIMARY KEY, doc text NOT NULL);
ALTER TABLE bench_page ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO bench_page
SELECT p, jsonb_build_object(
          'conversations', (SELECT jsonb_agg(pg_temp.conversation(p, i) ORDER BY i)
                              FROM generate_series(1, 100) i),
          'cursor', md5(p::text), 'dataAvailabilityDate', '2024-11-05T00:00:00.000Z')::text
  FROM generate_series(1, :pages) p;
