-- Importer: segments_from_json and metrics_from_json against an independent reference, the same
-- rows produced by jsonb_array_elements over doc::jsonb, on generated pages (the benchmark's
-- generator: fragmented calls, hold, wrap-up, abandons, 100 conversations a page).
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
\set ECHO none
\o /dev/null
\set pages 3
\set seed 0.17
\i test/bench/import_pages.sql
\o
\set ECHO all
SELECT count(*) AS pages, sum(octet_length(doc)) > 1000000 AS over_a_megabyte FROM bench_page;

CREATE TEMP VIEW ref_segment AS
SELECT c->>'conversationId' AS conversation_id, (c->>'conversationStart')::timestamptz AS conversation_start,
       (c->>'conversationEnd')::timestamptz AS conversation_end, p->>'participantId' AS participant_id,
       p->>'purpose' AS purpose, p->>'userId' AS user_id,
       coalesce(nullif(p->'attributes'->>'Missing', ''), nullif(p->'attributes'->>'X-Genesys-Client-Id', '')) AS client_id,
       s->>'sessionId' AS session_id, s->>'mediaType' AS media_type, s->>'direction' AS direction,
       s->>'ani' AS ani, s->>'dnis' AS dnis, s->>'peerId' AS peer_id, g.n::int AS segment_no,
       g.g->>'segmentType' AS segment_type, (g.g->>'segmentStart')::timestamptz AS segment_start,
       (g.g->>'segmentEnd')::timestamptz AS segment_end, g.g->>'queueId' AS queue_id,
       g.g->>'disconnectType' AS disconnect_type, g.g->>'wrapUpCode' AS wrap_up_code
  FROM bench_page,
       jsonb_array_elements(doc::jsonb->'conversations') c,
       jsonb_array_elements(c->'participants') p,
       jsonb_array_elements(p->'sessions') s,
       jsonb_array_elements(s->'segments') WITH ORDINALITY g(g, n);
CREATE TEMP VIEW ref_metric AS
SELECT c->>'conversationId' AS conversation_id, p->>'participantId' AS participant_id,
       s->>'sessionId' AS session_id, p->>'purpose' AS purpose, p->>'userId' AS user_id,
       m->>'name' AS name, (m->>'value')::bigint AS value, (m->>'emitDate')::timestamptz AS emit_date
  FROM bench_page,
       jsonb_array_elements(doc::jsonb->'conversations') c,
       jsonb_array_elements(c->'participants') p,
       jsonb_array_elements(p->'sessions') s,
       jsonb_array_elements(s->'metrics') m;
CREATE TEMP VIEW c_segment AS
SELECT s.* FROM bench_page, gcstitch.segments_from_json(doc, '{Missing,X-Genesys-Client-Id}') s;
CREATE TEMP VIEW c_metric AS
SELECT m.* FROM bench_page, gcstitch.metrics_from_json(doc) m;

-- Same multisets of rows, every column.
SELECT (SELECT count(*) FROM c_segment) AS segments,
       (SELECT count(*) FROM ref_segment) AS reference,
       (SELECT count(*) FROM (SELECT * FROM c_segment EXCEPT ALL SELECT * FROM ref_segment) d) AS only_c,
       (SELECT count(*) FROM (SELECT * FROM ref_segment EXCEPT ALL SELECT * FROM c_segment) d) AS only_reference;
SELECT (SELECT count(*) FROM c_metric) AS metrics,
       (SELECT count(*) FROM ref_metric) AS reference,
       (SELECT count(*) FROM (SELECT * FROM c_metric EXCEPT ALL SELECT * FROM ref_metric) d) AS only_c,
       (SELECT count(*) FROM (SELECT * FROM ref_metric EXCEPT ALL SELECT * FROM c_metric) d) AS only_reference;
-- The data exercises what it should.
SELECT count(DISTINCT conversation_id) AS conversations,
       count(*) FILTER (WHERE segment_type = 'hold') > 0 AS has_hold,
       count(*) FILTER (WHERE segment_type = 'wrapup' AND wrap_up_code IS NOT NULL) > 0 AS has_wrapup,
       count(*) FILTER (WHERE disconnect_type = 'transportFailure') > 0 AS has_fragments,
       count(*) FILTER (WHERE client_id IS NOT NULL) > 0 AS has_client_ids
  FROM c_segment;
SELECT count(*) FILTER (WHERE name = 'tAbandon') > 0 AS has_abandons FROM c_metric;

-- import() stores exactly the reader's rows.
SELECT conversations, segments, metrics, replaced, rejected
  FROM (SELECT sum(i.conversations) AS conversations, sum(i.segments) AS segments, sum(i.metrics) AS metrics,
               sum(i.replaced) AS replaced, sum(i.rejected) AS rejected
          FROM bench_page b, gcstitch.import(b.doc) i) t;
SELECT (SELECT count(*) FROM (SELECT * FROM gcstitch.segment EXCEPT ALL SELECT * FROM gcstitch.segments_from_json((SELECT string_agg(doc, E'\n') FROM bench_page))) d) AS segment_differ,
       (SELECT count(*) FROM (SELECT * FROM gcstitch.metric EXCEPT ALL SELECT * FROM c_metric) d)
     + (SELECT count(*) FROM (SELECT * FROM c_metric EXCEPT ALL SELECT * FROM gcstitch.metric) d) AS metric_differ;
