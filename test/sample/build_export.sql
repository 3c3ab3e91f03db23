-- Builds a Genesys Cloud conversation details export (the JSON of a details query response) from two
-- compact tables the caller fills (this file creates them), so a test can state its calls one segment a line:
--   pg_temp.t_seg(conv, part, purpose, usr, client, sess, typ, s, e, queue, disc, wrap)
--   pg_temp.t_met(conv, sess, name, value, emit)
-- Dates are written as Genesys writes them: UTC, milliseconds, 'Z'.
CREATE TEMP TABLE t_seg (conv text, part text, purpose text, usr text, client text, sess text, typ text,
                         s timestamptz, e timestamptz, queue text, disc text, wrap text);
CREATE TEMP TABLE t_met (conv text, sess text, name text, value bigint, emit timestamptz);
CREATE FUNCTION pg_temp.gdate(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
RETURN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

CREATE FUNCTION pg_temp.export_doc() RETURNS text LANGUAGE sql AS $$
WITH sess AS (
    SELECT g.conv, g.part, g.sess,
           jsonb_strip_nulls(jsonb_build_object(
               'sessionId', g.sess, 'mediaType', 'voice', 'direction', 'inbound',
               'segments', jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'segmentStart', pg_temp.gdate(g.s), 'segmentEnd', pg_temp.gdate(g.e),
                   'segmentType', g.typ, 'queueId', g.queue, 'disconnectType', g.disc,
                   'wrapUpCode', g.wrap)) ORDER BY g.s, g.e),
               'metrics', (SELECT jsonb_agg(jsonb_build_object('name', m.name, 'value', m.value,
                                                               'emitDate', pg_temp.gdate(m.emit))
                                            ORDER BY m.emit, m.name)
                           FROM pg_temp.t_met m WHERE m.conv = g.conv AND m.sess = g.sess))) AS obj,
           min(g.s) AS first_s
    FROM pg_temp.t_seg g
    GROUP BY g.conv, g.part, g.sess
),
part AS (
    SELECT s.conv, s.part, min(s.first_s) AS first_s,
           jsonb_strip_nulls(jsonb_build_object(
               'participantId', s.part, 'purpose', min(g.purpose), 'userId', min(g.usr),
               'attributes', CASE WHEN min(g.client) IS NOT NULL
                                  THEN jsonb_build_object('X-Genesys-Client-Id', min(g.client)) END,
               'sessions', jsonb_agg(DISTINCT s.obj))) AS obj
    FROM sess s JOIN pg_temp.t_seg g USING (conv, part, sess)
    GROUP BY s.conv, s.part
),
conv AS (
    SELECT p.conv,
           jsonb_build_object(
               'conversationId', p.conv,
               'conversationStart', pg_temp.gdate((SELECT min(s) FROM pg_temp.t_seg g WHERE g.conv = p.conv)),
               'conversationEnd', pg_temp.gdate((SELECT max(e) FROM pg_temp.t_seg g WHERE g.conv = p.conv)),
               'originatingDirection', 'inbound',
               'participants', jsonb_agg(p.obj ORDER BY p.first_s, p.part)) AS obj
    FROM part p
    GROUP BY p.conv
)
SELECT jsonb_build_object('conversations', jsonb_agg(c.obj ORDER BY c.conv), 'totalHits', count(*))::text
FROM conv c
$$;
