-- A shard of a coordinator (issue 15) counts in its interval figures only what it owns: metrics and
-- unanswered queue visits of conversations not listed in gcstitch.shard_replica, interactions of
-- client ids not listed in gcstitch.shard_foreign_client (without a client id: whose first
-- conversation is not a replica). The expected figures are counted from the imported rows and the
-- live interactions and visits; the maintained views must equal the live ones through full and
-- incremental refreshes, and emptying the lists gives back the single node's figures.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
-- Isolated from whatever other tests imported: everything happens in one transaction, rolled back.
BEGIN;
DELETE FROM gcstitch.conversation;
-- Rows of view a (as text) that view b lacks, duplicates counted.
CREATE FUNCTION pg_temp.missing(a text, b text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (SELECT x::text FROM %s x EXCEPT ALL SELECT y::text FROM %s y) d', a, b)
        INTO n;
    RETURN n;
END
$$;
-- The maintained views against the single node's rows kept in single_<view>, both ways.
CREATE FUNCTION pg_temp.single_differ() RETURNS TABLE (view text, single_not_maintained bigint,
                                                        maintained_not_single bigint)
LANGUAGE sql AS $$
    SELECT v, pg_temp.missing('single_' || v, 'gcstitch.' || v), pg_temp.missing('gcstitch.' || v, 'single_' || v)
    FROM unnest(ARRAY['agent_interval', 'queue_interval', 'queue_call']) v
$$;
-- The maintained views against the live ones, both ways: 0 everywhere when they hold the same rows.
CREATE FUNCTION pg_temp.maintained_differ() RETURNS TABLE (view text, live_not_maintained bigint,
                                                           maintained_not_live bigint)
LANGUAGE sql AS $$
    SELECT v, pg_temp.missing('gcstitch.' || v || '_live', 'gcstitch.' || v),
           pg_temp.missing('gcstitch.' || v, 'gcstitch.' || v || '_live')
    FROM unnest(ARRAY['agent_interval', 'queue_interval', 'queue_call']) v
$$;

-- A busy day, in pages of 20 conversations; the first page imported without client ids (an
-- attribute name the export does not have), so that some interactions are keyed by conversation.
CREATE TEMP TABLE page AS
SELECT * FROM gcstitch.sample_export('2024-11-04', 6, 25, 12, fragment_pct => 30, transfer_pct => 10,
                                     abandon_pct => 10, outbound_pct => 15, page_size => 20);
UPDATE gcstitch.settings SET client_id_attributes = '{X-Not-Exported}';
SELECT sum(i.rejected) AS rejected FROM page p, gcstitch.import(p.doc) i WHERE p.page_no = 1;
UPDATE gcstitch.settings SET client_id_attributes = DEFAULT;
SELECT sum(i.rejected) AS rejected FROM page p, gcstitch.import(p.doc) i WHERE p.page_no > 1;
SELECT gcstitch.refresh() AS refreshed \gset

-- The single node's figures.
CREATE TEMP TABLE single_agent_interval AS SELECT * FROM gcstitch.agent_interval_live;
CREATE TEMP TABLE single_queue_interval AS SELECT * FROM gcstitch.queue_interval_live;
CREATE TEMP TABLE single_queue_call AS SELECT * FROM gcstitch.queue_call_live;
SELECT * FROM pg_temp.maintained_differ();

-- Some conversations are replicas (about half of them, by their id's hash), two client ids are
-- owned by other shards. The lists are tracked: the next refresh takes their conversations again.
INSERT INTO gcstitch.shard_replica
SELECT c.conversation_id FROM gcstitch.conversation c WHERE md5(c.conversation_id) < '8';
INSERT INTO gcstitch.shard_foreign_client VALUES ('webrtc-agent0001-20241104'), ('webrtc-agent0004-20241104');
SELECT pending_conversations > 0 AS ownership_pending, pending_rebuild FROM gcstitch.refresh_status;

-- What is owned, counted here with NOT IN rather than the views' NOT EXISTS.
CREATE TEMP VIEW own_metric AS
SELECT m.* FROM gcstitch.metric m
 WHERE m.emit_date IS NOT NULL AND m.conversation_id NOT IN (SELECT conversation_id FROM gcstitch.shard_replica);
CREATE TEMP VIEW own_interaction AS
SELECT i.* FROM gcstitch.interaction_live i
 WHERE CASE WHEN i.client_id IS NULL
            THEN i.conversation_ids[1] NOT IN (SELECT conversation_id FROM gcstitch.shard_replica)
            ELSE i.client_id NOT IN (SELECT client_id FROM gcstitch.shard_foreign_client) END;
CREATE TEMP VIEW own_unanswered AS
SELECT v.* FROM gcstitch.queue_visit_live v
 WHERE v.answered_session_id IS NULL
   AND v.conversation_id NOT IN (SELECT conversation_id FROM gcstitch.shard_replica);

-- Every case is there: interactions left out for their client id, or (without one) for their first
-- conversation, kept without a client id, kept with a client id although their conversation is a
-- replica (its other client id is this shard's); unanswered visits left out and kept.
SELECT count(*) FILTER (WHERE i.client_id IN (SELECT client_id FROM gcstitch.shard_foreign_client)) > 0
           AS foreign_client,
       count(*) FILTER (WHERE i.client_id IS NULL
                          AND i.conversation_ids[1] IN (SELECT conversation_id FROM gcstitch.shard_replica)) > 0
           AS no_client_replica,
       count(*) FILTER (WHERE i.client_id IS NULL
                          AND i.conversation_ids[1] NOT IN (SELECT conversation_id FROM gcstitch.shard_replica)) > 0
           AS no_client_owned,
       count(*) FILTER (WHERE i.client_id NOT IN (SELECT client_id FROM gcstitch.shard_foreign_client)
                          AND i.conversation_ids && ARRAY(SELECT conversation_id FROM gcstitch.shard_replica)) > 0
           AS own_client_in_replica
  FROM gcstitch.interaction_live i;
SELECT count(*) FILTER (WHERE v.conversation_id IN (SELECT conversation_id FROM gcstitch.shard_replica)) > 0
           AS replica_unanswered,
       count(*) FILTER (WHERE v.conversation_id NOT IN (SELECT conversation_id FROM gcstitch.shard_replica)) > 0
           AS own_unanswered
  FROM gcstitch.queue_visit_live v WHERE v.answered_session_id IS NULL;

-- The live agent figures count the owned rows only.
SELECT sum(a.reported_handled) = (SELECT count(*) FROM own_metric m
                                   WHERE m.name = 'tHandle' AND m.purpose = 'agent' AND m.user_id IS NOT NULL)
           AS reported_handled,
       sum(a.reported_talk) = (SELECT sum(m.value) * interval '1 millisecond' FROM own_metric m
                                WHERE m.name = 'tTalk' AND m.purpose = 'agent' AND m.user_id IS NOT NULL)
           AS reported_talk,
       sum(a.corrected_handled) = (SELECT count(*) FROM own_interaction i
                                    WHERE i.handle > interval '0' AND i.user_id IS NOT NULL)
           AS corrected_handled,
       sum(a.corrected_handle) = (SELECT sum(i.handle) FROM own_interaction i WHERE i.user_id IS NOT NULL)
           AS corrected_handle,
       sum(a.corrected_handled) < (SELECT count(*) FROM gcstitch.interaction_live i
                                    WHERE i.handle > interval '0' AND i.user_id IS NOT NULL)
           AS fewer_than_single
  FROM gcstitch.agent_interval_live a;

-- The live queue figures and calls too; the answered wait sums are those of the owned answers.
SELECT sum(q.reported_offered) = (SELECT count(*) FROM own_metric m WHERE m.name = 'nOffered') AS reported_offered,
       sum(q.reported_answered) = (SELECT count(*) FROM own_metric m WHERE m.name = 'tAnswered') AS reported_answered,
       sum(q.reported_answered_wait) = (SELECT sum(m.value) * interval '1 millisecond' FROM own_metric m
                                         WHERE m.name = 'tAnswered') AS reported_answered_wait,
       sum(q.corrected_answered) = (SELECT count(*) FROM own_interaction i
                                     WHERE i.queue_wait IS NOT NULL AND i.queue_id IS NOT NULL) AS corrected_answered,
       sum(q.corrected_answered_wait) = (SELECT sum(i.queue_wait) FROM own_interaction i
                                          WHERE i.queue_wait IS NOT NULL AND i.queue_id IS NOT NULL)
           AS corrected_answered_wait,
       sum(q.corrected_abandoned + q.corrected_flow_outs) = (SELECT count(*) FROM own_unanswered v
                                                              WHERE v.left_queue_at IS NOT NULL AND v.queue_id IS NOT NULL)
           AS corrected_unanswered,
       sum(q.corrected_offered) = sum(q.corrected_answered) + (SELECT count(*) FROM own_unanswered v
                                                               WHERE v.queue_id IS NOT NULL) AS corrected_offered
  FROM gcstitch.queue_interval_live q;
SELECT count(*) = (SELECT count(*) FROM own_interaction i WHERE i.queue_wait IS NOT NULL)
                  + (SELECT count(*) FROM own_unanswered) AS calls,
       count(*) < (SELECT count(*) FROM single_queue_call) AS fewer_than_single
  FROM gcstitch.queue_call_live;

-- ASA is the answered wait sum over the answered (as avg computes it); nothing answered: '0' and NULL.
SELECT bool_and(q.reported_asa = q.reported_answered_wait / q.reported_answered)
           FILTER (WHERE q.reported_answered > 0) AS reported_asa,
       bool_and(q.corrected_asa = q.corrected_answered_wait / q.corrected_answered)
           FILTER (WHERE q.corrected_answered > 0) AS corrected_asa,
       bool_and(q.corrected_asa IS NULL AND q.corrected_answered_wait = interval '0')
           FILTER (WHERE q.corrected_answered = 0) AS none_answered,
       count(*) FILTER (WHERE q.corrected_answered = 0) > 0 AS some_none_answered
  FROM gcstitch.queue_interval_live q;

-- The refresh that follows the lists (incremental: their conversations were logged) gives the live rows.
SELECT gcstitch.refresh() AS refreshed \gset
SELECT last_refresh_full FROM gcstitch.refresh_status;
SELECT * FROM pg_temp.maintained_differ();
SELECT bool_and(q.corrected_asa = q.corrected_answered_wait / q.corrected_answered)
           FILTER (WHERE q.corrected_answered > 0) AS stored_corrected_asa
  FROM gcstitch.queue_interval q;

-- Incremental: a replica and a conversation of a foreign client id deleted, then their pages
-- imported again; an owned conversation deleted and left out.
CREATE TEMP VIEW later_page_conversation AS
SELECT c.conversation_id FROM gcstitch.conversation c
 WHERE EXISTS (SELECT FROM page p WHERE p.page_no > 1 AND p.doc LIKE '%' || c.conversation_id || '%');
CREATE TEMP TABLE gone AS
SELECT (SELECT min(r.conversation_id) FROM gcstitch.shard_replica r JOIN later_page_conversation USING (conversation_id)
         WHERE r.conversation_id IN (SELECT v.conversation_id FROM gcstitch.queue_visit_live v)) AS replica,
       (SELECT min(g.conversation_id) FROM gcstitch.segment g JOIN later_page_conversation USING (conversation_id)
         WHERE g.client_id = 'webrtc-agent0004-20241104'
           AND g.conversation_id NOT IN (SELECT conversation_id FROM gcstitch.shard_replica)) AS foreign_client,
       (SELECT max(c.conversation_id) FROM later_page_conversation c
         WHERE c.conversation_id NOT IN (SELECT conversation_id FROM gcstitch.shard_replica)) AS owned;
SELECT replica IS NOT NULL AND foreign_client IS NOT NULL AND owned IS NOT NULL AS found FROM gone;
DELETE FROM gcstitch.conversation WHERE conversation_id IN (SELECT unnest(ARRAY[replica, foreign_client, owned]) FROM gone);
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.maintained_differ();
SELECT sum(i.rejected) AS rejected
  FROM page p, gcstitch.import(p.doc) i, gone g
 WHERE p.page_no > 1 AND (p.doc LIKE '%' || g.replica || '%' OR p.doc LIKE '%' || g.foreign_client || '%');
SELECT gcstitch.refresh() AS refreshed \gset
SELECT last_refresh_full FROM gcstitch.refresh_status;
SELECT * FROM pg_temp.maintained_differ();

-- The lists changed alone: a client id no longer foreign, some replicas no longer replicas.
DELETE FROM gcstitch.shard_foreign_client WHERE client_id = 'webrtc-agent0004-20241104';
DELETE FROM gcstitch.shard_replica WHERE md5(conversation_id) < '4';
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.maintained_differ();

-- The lists emptied: the single node's figures again (but for the owned conversation deleted above,
-- imported again first), after a refresh and after a rebuild.
SELECT sum(i.rejected) AS rejected
  FROM page p, gcstitch.import(p.doc) i, gone g
 WHERE p.page_no > 1 AND p.doc LIKE '%' || g.owned || '%';
DELETE FROM gcstitch.shard_replica;
DELETE FROM gcstitch.shard_foreign_client;
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.maintained_differ();
SELECT * FROM pg_temp.single_differ();
SELECT gcstitch.rebuild() > 0 AS rebuilt;
SELECT * FROM pg_temp.maintained_differ();
SELECT * FROM pg_temp.single_differ();
ROLLBACK;
