-- Data for the upgrade tests, loaded into gcstitch 0.1.0 by make-fixture-0.1.0.sh: a busy agent whose
-- second call rings 10 s after the first one's wrap-up (client ce), and a call cut by a reconnect
-- followed 10 s after its wrap-up by the next call (client cf).  0.1.0 merged each pair into one
-- interaction; the new-call rule separates them.  Stitch values and their 0.1.0 measures are kept
-- in a user table, with the value's raw stored bytes, and a user materialized view reads the
-- extension's view.
SET timezone = 'UTC';
\set ECHO none
\i test/sample/build_export.sql
\set ECHO all
INSERT INTO t_seg VALUES
 ('e1','e1-e','agent','ue','ce','e1-s1','interact','2024-11-04 10:00:00Z','2024-11-04 10:02:00Z',NULL,'peer',NULL),
 ('e1','e1-e','agent','ue','ce','e1-s1','wrapup','2024-11-04 10:02:00Z','2024-11-04 10:02:10Z',NULL,NULL,'x'),
 ('e2','e2-acd','acd',NULL,NULL,'e2-s1','interact','2024-11-04 10:02:00Z','2024-11-04 10:02:20Z','q5','transfer',NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','alert','2024-11-04 10:02:20Z','2024-11-04 10:02:25Z','q5',NULL,NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','interact','2024-11-04 10:02:25Z','2024-11-04 10:05:00Z','q5','peer',NULL),
 ('e2','e2-e','agent','ue','ce','e2-s2','wrapup','2024-11-04 10:05:00Z','2024-11-04 10:05:30Z','q5',NULL,'x'),
 ('f1','f1-f','agent','uf','cf','f1-s1','alert','2024-11-04 11:00:00Z','2024-11-04 11:00:05Z',NULL,NULL,NULL),
 ('f1','f1-f','agent','uf','cf','f1-s1','interact','2024-11-04 11:00:05Z','2024-11-04 11:01:00Z',NULL,'error',NULL),
 ('f2','f2-f','agent','uf','cf','f2-s1','interact','2024-11-04 11:01:10Z','2024-11-04 11:02:00Z',NULL,'peer',NULL),
 ('f2','f2-f','agent','uf','cf','f2-s1','wrapup','2024-11-04 11:02:00Z','2024-11-04 11:02:20Z',NULL,NULL,'x'),
 ('f3','f3-f','agent','uf','cf','f3-s1','alert','2024-11-04 11:02:30Z','2024-11-04 11:02:35Z',NULL,NULL,NULL),
 ('f3','f3-f','agent','uf','cf','f3-s1','interact','2024-11-04 11:02:35Z','2024-11-04 11:04:00Z',NULL,'peer',NULL),
 ('f3','f3-f','agent','uf','cf','f3-s1','wrapup','2024-11-04 11:04:00Z','2024-11-04 11:04:10Z',NULL,NULL,'x');
SELECT conversations, rejected FROM gcstitch.import(pg_temp.export_doc());

-- The value's stored bytes, as a bytea (byteasend returns its argument's bytes unchanged).
CREATE FUNCTION pg_temp.raw_bytes(gcstitch.stitch) RETURNS bytea
    LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE TABLE public.stitch_store (client_id text PRIMARY KEY, st gcstitch.stitch, raw bytea, measures jsonb);
INSERT INTO public.stitch_store (client_id, st)
SELECT g.client_id,
       gcstitch.stitch(g.segment_start, g.segment_end, g.segment_type, g.conversation_id || ' ' || g.session_id,
                       '30 seconds')
FROM gcstitch.segment g
WHERE g.purpose = 'agent'
GROUP BY g.client_id;
UPDATE public.stitch_store
SET raw = pg_temp.raw_bytes(st),
    measures = (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.interaction_no) FROM gcstitch.interactions(st) i);

CREATE MATERIALIZED VIEW public.calls_mv AS
SELECT client_id, count(*) AS interactions, sum(handle) AS handle
FROM gcstitch.interaction GROUP BY client_id;
