-- Part 20: the importer. Genesys Cloud conversation detail exports, parsed in C with json-c.

CREATE TABLE @extschema@.conversation (
    conversation_id       text PRIMARY KEY,
    conversation_start    timestamptz,
    conversation_end      timestamptz,
    originating_direction text,
    division_ids          text[],
    last_event_at         timestamptz,
    imported_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (conversation_end OPERATOR(pg_catalog.>=) conversation_start)
);
COMMENT ON TABLE @extschema@.conversation IS
    'Imported conversations, one row each; a newer export of a conversation replaces it with its segments and metrics';
COMMENT ON COLUMN @extschema@.conversation.conversation_id IS 'Genesys conversationId';
COMMENT ON COLUMN @extschema@.conversation.conversation_start IS 'conversationStart';
COMMENT ON COLUMN @extschema@.conversation.conversation_end IS 'conversationEnd; NULL while the conversation was active when exported';
COMMENT ON COLUMN @extschema@.conversation.originating_direction IS 'originatingDirection (inbound, outbound, ...)';
COMMENT ON COLUMN @extschema@.conversation.division_ids IS 'divisionIds';
COMMENT ON COLUMN @extschema@.conversation.last_event_at IS
    'Latest date in the export (conversation, segment starts and ends, metric emitDate): decides which export is newer';
COMMENT ON COLUMN @extschema@.conversation.imported_at IS 'Start of the transaction that imported this version';

CREATE TABLE @extschema@.segment (
    conversation_id    text NOT NULL REFERENCES @extschema@.conversation ON DELETE CASCADE,
    conversation_start timestamptz,
    conversation_end   timestamptz,
    participant_id     text,
    purpose            text,
    user_id            text,
    client_id          text,
    session_id         text NOT NULL,
    media_type         text,
    direction          text,
    ani                text,
    dnis               text,
    peer_id            text,
    segment_no         int NOT NULL,
    segment_type       text,
    segment_start      timestamptz NOT NULL,
    segment_end        timestamptz,
    queue_id           text,
    disconnect_type    text,
    wrap_up_code       text,
    PRIMARY KEY (conversation_id, session_id, segment_no),
    CHECK (segment_end OPERATOR(pg_catalog.>=) segment_start)
);
COMMENT ON TABLE @extschema@.segment IS
    'Imported segments: one row per segment of a session of a participant of a conversation';
COMMENT ON COLUMN @extschema@.segment.conversation_id IS 'conversationId';
COMMENT ON COLUMN @extschema@.segment.conversation_start IS 'conversationStart of the conversation';
COMMENT ON COLUMN @extschema@.segment.conversation_end IS 'conversationEnd of the conversation (NULL while active)';
COMMENT ON COLUMN @extschema@.segment.participant_id IS 'participantId';
COMMENT ON COLUMN @extschema@.segment.purpose IS 'Participant purpose (customer, acd, agent, ivr, ...)';
COMMENT ON COLUMN @extschema@.segment.user_id IS 'userId of an agent participant';
COMMENT ON COLUMN @extschema@.segment.client_id IS
    'First non-empty participant attribute named in settings.client_id_attributes: the softphone client id';
COMMENT ON COLUMN @extschema@.segment.session_id IS 'sessionId (unique within a conversation)';
COMMENT ON COLUMN @extschema@.segment.media_type IS 'Session mediaType (voice, callback, chat, ...)';
COMMENT ON COLUMN @extschema@.segment.direction IS 'Session direction';
COMMENT ON COLUMN @extschema@.segment.ani IS 'Session ani';
COMMENT ON COLUMN @extschema@.segment.dnis IS 'Session dnis';
COMMENT ON COLUMN @extschema@.segment.peer_id IS 'Session peerId';
COMMENT ON COLUMN @extschema@.segment.segment_no IS 'Position of the segment in its session, from 1';
COMMENT ON COLUMN @extschema@.segment.segment_type IS 'segmentType (alert, interact, hold, wrapup, ...)';
COMMENT ON COLUMN @extschema@.segment.segment_start IS 'segmentStart';
COMMENT ON COLUMN @extschema@.segment.segment_end IS 'segmentEnd (NULL while active)';
COMMENT ON COLUMN @extschema@.segment.queue_id IS 'queueId';
COMMENT ON COLUMN @extschema@.segment.disconnect_type IS 'disconnectType';
COMMENT ON COLUMN @extschema@.segment.wrap_up_code IS 'wrapUpCode';

CREATE TABLE @extschema@.metric (
    conversation_id text NOT NULL REFERENCES @extschema@.conversation ON DELETE CASCADE,
    participant_id  text,
    session_id      text,
    purpose         text,
    user_id         text,
    name            text NOT NULL,
    value           bigint NOT NULL,
    emit_date       timestamptz
);
CREATE INDEX metric_conversation_id_idx ON @extschema@.metric (conversation_id);
COMMENT ON TABLE @extschema@.metric IS 'Imported session metrics (tTalk, tHeld, nOffered, ...), as Genesys reports them';
COMMENT ON COLUMN @extschema@.metric.conversation_id IS 'conversationId';
COMMENT ON COLUMN @extschema@.metric.participant_id IS 'participantId';
COMMENT ON COLUMN @extschema@.metric.session_id IS 'sessionId';
COMMENT ON COLUMN @extschema@.metric.purpose IS 'Participant purpose';
COMMENT ON COLUMN @extschema@.metric.user_id IS 'userId of an agent participant';
COMMENT ON COLUMN @extschema@.metric.name IS 'Metric name';
COMMENT ON COLUMN @extschema@.metric.value IS 'Metric value: milliseconds for t* metrics, a count for n* metrics';
COMMENT ON COLUMN @extschema@.metric.emit_date IS 'emitDate: when the metric was emitted';

CREATE TABLE @extschema@.import_reject (
    imported_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    conversation_id text,
    json_path       text NOT NULL,
    sqlstate        text NOT NULL,
    reason          text NOT NULL,
    conversation    text NOT NULL
);
-- A hash index: a conversationId too long for a btree entry can still be rejected.
CREATE INDEX import_reject_conversation_id_idx ON @extschema@.import_reject USING hash (conversation_id);
COMMENT ON TABLE @extschema@.import_reject IS
    'Conversations that import(doc, strict => false) could not store, with the reason';
COMMENT ON COLUMN @extschema@.import_reject.imported_at IS 'Start of the transaction of the import';
COMMENT ON COLUMN @extschema@.import_reject.conversation_id IS 'conversationId, when it could be read';
COMMENT ON COLUMN @extschema@.import_reject.json_path IS
    'Where the problem is, e.g. $.conversations[3].participants[1].sessions[0].segments[2].segmentStart';
COMMENT ON COLUMN @extschema@.import_reject.sqlstate IS
    'The SQLSTATE a strict import raises for it: 22023 wrong shape, 22P05 character the database encoding lacks, else the database''s error';
COMMENT ON COLUMN @extschema@.import_reject.reason IS 'What is wrong, as a sentence';
COMMENT ON COLUMN @extschema@.import_reject.conversation IS
    'The conversation as JSON (written back by json-c: same members and values, compact; characters the database encoding lacks as \u escapes)';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.conversation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.segment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.metric', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.import_reject', '');

CREATE FUNCTION @extschema@.segments_from_json(doc text, client_id_attributes text[])
    RETURNS TABLE (conversation_id text, conversation_start timestamptz, conversation_end timestamptz,
                   participant_id text, purpose text, user_id text, client_id text, session_id text,
                   media_type text, direction text, ani text, dnis text, peer_id text, segment_no int,
                   segment_type text, segment_start timestamptz, segment_end timestamptz,
                   queue_id text, disconnect_type text, wrap_up_code text)
    AS 'MODULE_PATHNAME', 'gcstitch_segments_from_json'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.segments_from_json(text, text[]) IS
    'One row per segment of a Genesys Cloud export (page, array, conversation or NDJSON); client_id from the named participant attributes';

CREATE FUNCTION @extschema@.segments_from_json(doc text)
    RETURNS TABLE (conversation_id text, conversation_start timestamptz, conversation_end timestamptz,
                   participant_id text, purpose text, user_id text, client_id text, session_id text,
                   media_type text, direction text, ani text, dnis text, peer_id text, segment_no int,
                   segment_type text, segment_start timestamptz, segment_end timestamptz,
                   queue_id text, disconnect_type text, wrap_up_code text)
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM @extschema@.segments_from_json(doc,
              coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                       '{X-Genesys-Client-Id}')) $$;
COMMENT ON FUNCTION @extschema@.segments_from_json(text) IS
    'segments_from_json(doc, client_id_attributes) with the attribute names of gcstitch.settings (its default when the table is empty)';

CREATE FUNCTION @extschema@.metrics_from_json(doc text)
    RETURNS TABLE (conversation_id text, participant_id text, session_id text, purpose text,
                   user_id text, name text, value bigint, emit_date timestamptz)
    AS 'MODULE_PATHNAME', 'gcstitch_metrics_from_json'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.metrics_from_json(text) IS
    'One row per session metric of a Genesys Cloud export, as Genesys reports it';

CREATE TYPE @extschema@.import_item AS (
    ordinal               int,
    conversation_id       text,
    conversation_start    timestamptz,
    conversation_end      timestamptz,
    originating_direction text,
    division_ids          text[],
    last_event_at         timestamptz,
    segments              @extschema@.segment[],
    metrics               @extschema@.metric[],
    json_path             text,
    sqlstate              text,
    reason                text,
    conversation          text
);
COMMENT ON TYPE @extschema@.import_item IS
    'Internal to import(): one parsed conversation with its rows, or a rejected one (reason not NULL)';

CREATE FUNCTION @extschema@.import_parse(doc text, client_id_attributes text[], strict boolean,
                                         batch_size int)
    RETURNS TABLE (items @extschema@.import_item[], rejects int, superseded int[])
    AS 'MODULE_PATHNAME', 'gcstitch_import_parse'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.import_parse(text, text[], boolean, int) IS
    'Internal to import(): parses an export in one pass into batches of at most batch_size conversations (rejects: how many are bad), then a last row listing the conversations superseded by a newer or later version in the text; strict => false returns bad conversations as rejects instead of raising';

CREATE FUNCTION @extschema@.import_conversations(doc text, ordinals int[])
    RETURNS TABLE (ordinal int, json_path text, conversation text)
    AS 'MODULE_PATHNAME', 'gcstitch_import_conversations'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.import_conversations(text, int[]) IS
    'Internal to import(): the conversations at these positions of an export (ascending, from 1), with their JSON path, as JSON';

CREATE FUNCTION @extschema@.import_store(items @extschema@.import_item[], ordinals int[],
                                         OUT conversations int, OUT segments int, OUT metrics int,
                                         OUT replaced int, OUT refused_state text,
                                         OUT refused_message text, OUT refused_detail text)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- The stored versions are deleted by their key, however empty the statistics say the table is.
    SET enable_seqscan = off
AS $$
BEGIN
    DELETE FROM @extschema@.conversation c
     USING unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal)
     WHERE c.conversation_id = i.conversation_id;
    GET DIAGNOSTICS replaced = ROW_COUNT;

    INSERT INTO @extschema@.conversation (conversation_id, conversation_start, conversation_end,
                                          originating_direction, division_ids, last_event_at)
    SELECT i.conversation_id, i.conversation_start, i.conversation_end, i.originating_direction,
           i.division_ids, i.last_event_at
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal)
     ORDER BY i.conversation_id;
    GET DIAGNOSTICS conversations = ROW_COUNT;

    INSERT INTO @extschema@.segment
    SELECT s.*
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal),
           unnest(i.segments) s;
    GET DIAGNOSTICS segments = ROW_COUNT;

    INSERT INTO @extschema@.metric
    SELECT m.*
      FROM unnest(items) i JOIN unnest(ordinals) w(ordinal) USING (ordinal),
           unnest(i.metrics) m;
    GET DIAGNOSTICS metrics = ROW_COUNT;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS refused_state = RETURNED_SQLSTATE, refused_message = MESSAGE_TEXT,
                            refused_detail = PG_EXCEPTION_DETAIL;
    -- Only what the data causes: data exceptions, integrity constraints, program limits (index
    -- row size), errors raised by triggers; not deadlocks, serialization failures, lack of
    -- memory, a cancel, ...
    IF substr(refused_state, 1, 2) NOT IN ('22', '23', '54', 'P0') OR refused_state = '54001' THEN
        RAISE;
    END IF;
    conversations := 0;
    segments := 0;
    metrics := 0;
    replaced := 0;
END
$$;
COMMENT ON FUNCTION @extschema@.import_store(@extschema@.import_item[], int[]) IS
    'Internal to import(): replaces the stored versions of the items with these ordinals, in a subtransaction; a refusal caused by the data comes back as its SQLSTATE, message and detail';

-- The conversations of a batch found bad while reading (strict => false), kept in text order.
CREATE FUNCTION @extschema@.import_keep_rejects(batch @extschema@.import_item[]) RETURNS int
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int;
BEGIN
    INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
    SELECT i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
      FROM unnest(batch) i
     WHERE i.reason IS NOT NULL
     ORDER BY i.ordinal;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.import_keep_rejects(@extschema@.import_item[]) IS
    'Internal to import(): stores the conversations of a batch found bad while reading in gcstitch.import_reject, in text order; how many';

CREATE FUNCTION @extschema@.import_open(doc text, strict boolean) RETURNS refcursor
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- A custom plan would hold doc as a constant: one copy of the text made by the planner and
    -- one in the cached plan. A generic plan keeps it a parameter, read by import_parse alone.
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    parsed refcursor;
BEGIN
    OPEN parsed SCROLL FOR
        SELECT p.items, p.rejects, p.superseded
          FROM @extschema@.import_parse(doc,
                                        coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                                 '{X-Genesys-Client-Id}'),
                                        strict, 1000) p;
    RETURN parsed;
END
$$;
COMMENT ON FUNCTION @extschema@.import_open(text, boolean) IS
    'Internal to import(): a scrollable cursor over import_parse(doc, the client id attributes of gcstitch.settings, strict, 1000)';

CREATE FUNCTION @extschema@.import_winners(batch @extschema@.import_item[], superseded int[])
    RETURNS int[]
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
    -- Planned for the batch at hand: a plan cached while the tables were small (after a TRUNCATE,
    -- say) would look the stored versions up by reading them whole, for every conversation.
    SET plan_cache_mode = force_custom_plan
    -- Statistics never see what this transaction stored: a table they call empty would still be
    -- read whole per conversation, a cost that grows with every batch of a long import.
    SET enable_seqscan = off
AS $$
DECLARE
    winners int[];
BEGIN
    -- The good conversations of the batch not superseded in the text, then only those at least
    -- as new as the stored version: (ended, conversation_end, last_event_at) compared in that
    -- order, NULLs lowest; on a tie the incoming one replaces the stored one.
    SELECT coalesce(array_agg(i.ordinal ORDER BY i.ordinal), '{}')
      INTO winners
      FROM unnest(batch) i
     WHERE i.reason IS NULL
       AND i.ordinal <> ALL (superseded)
       AND NOT EXISTS (
           SELECT FROM @extschema@.conversation c
            WHERE c.conversation_id = i.conversation_id
              AND (c.conversation_end IS NOT NULL,
                   coalesce(c.conversation_end, '-infinity'),
                   coalesce(c.last_event_at, '-infinity'))
                > (i.conversation_end IS NOT NULL,
                   coalesce(i.conversation_end, '-infinity'),
                   coalesce(i.last_event_at, '-infinity')));
    RETURN winners;
END
$$;
COMMENT ON FUNCTION @extschema@.import_winners(@extschema@.import_item[], int[]) IS
    'Internal to import(): the ordinals of the items of a batch to store: good, not superseded in the text, at least as new as the stored version';

CREATE FUNCTION @extschema@.import(doc text, strict boolean DEFAULT true)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parsed    refcursor;
    batch     @extschema@.import_item[];
    batch_rejects int;
    superseded int[];
    next_superseded int := 1;   -- first element of superseded past the batches stored so far
    first_superseded int;
    last_ordinal int;
    winners   int[];
    unused    int[];
    chunk     @extschema@.import_item[];
    item      @extschema@.import_item;
    k         int;
    n         int;
    stored    record;
    refused   int[] := '{}';    -- ordinals of conversations the database refused
    refused_id     text[] := '{}';
    refused_state  text[] := '{}';
    refused_reason text[] := '{}';
BEGIN
    conversations := 0;
    segments := 0;
    metrics := 0;
    replaced := 0;
    rejected := 0;

    -- On a coordinator (part 55) the shards store the conversations.
    IF EXISTS (SELECT FROM @extschema@.shard) THEN
        RETURN QUERY SELECT * FROM @extschema@.import_routed(doc, strict);
        RETURN;
    END IF;

    -- The text is parsed in one pass, into batches of 1,000 conversations held by the cursor's
    -- tuplestore (on disk past work_mem), so memory stays near the size of the text. The last row
    -- lists the conversations superseded by a newer version in the same text (ties: the later
    -- one): only the newest version of each is stored.
    parsed := @extschema@.import_open(doc, strict);
    FETCH LAST FROM parsed INTO batch, batch_rejects, superseded;
    MOVE ABSOLUTE 0 FROM parsed;

    -- Importing transactions take turns: one exclusive lock, held until commit, so that each
    -- reads the stored versions only once no other import can change them (every later statement
    -- takes a fresh snapshot at READ COMMITTED). One lock for any number of conversations and of
    -- calls in the transaction, so no lock table overflow and no deadlock between importers
    -- (locks per conversation, taken call by call, can deadlock across calls). The text is
    -- parsed above, before waiting.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);

    LOOP
        FETCH parsed INTO batch, batch_rejects, unused;
        EXIT WHEN NOT FOUND OR batch IS NULL;
        last_ordinal := (batch[cardinality(batch)]).ordinal;
        first_superseded := next_superseded;
        WHILE next_superseded <= cardinality(superseded) AND superseded[next_superseded] <= last_ordinal LOOP
            next_superseded := next_superseded + 1;
        END LOOP;

        -- The batch's conversations that are the newest version in the text and at least as new
        -- as the stored version.
        winners := @extschema@.import_winners(batch, superseded[first_superseded:next_superseded - 1]);

        -- The batch in one subtransaction. Should the database refuse (a value too long for an
        -- index entry, a constraint or trigger of the user's, ...), 64 at a time, and a refused
        -- group one by one: each refused conversation is rejected (strict => false) or named in
        -- the error.
        stored := @extschema@.import_store(batch, winners);
        conversations := conversations + stored.conversations;
        segments := segments + stored.segments;
        metrics := metrics + stored.metrics;
        replaced := replaced + stored.replaced;
        FOR chunk IN SELECT array_agg(g.i ORDER BY (g.i).ordinal)
                       FROM (SELECT i, (row_number() OVER (ORDER BY i.ordinal) - 1) / 64 AS n
                               FROM unnest(batch) i JOIN unnest(winners) w(ordinal) USING (ordinal)) g
                      WHERE stored.refused_state IS NOT NULL
                      GROUP BY g.n ORDER BY g.n LOOP
            FOR k IN 0 .. cardinality(chunk) LOOP
                -- k = 0: the group; then, if the database refused the group, each of its conversations
                IF k = 0 THEN
                    stored := @extschema@.import_store(chunk, ARRAY(SELECT c.ordinal FROM unnest(chunk) c));
                ELSE
                    item := chunk[k];
                    stored := @extschema@.import_store(ARRAY[item], ARRAY[item.ordinal]);
                END IF;
                conversations := conversations + stored.conversations;
                segments := segments + stored.segments;
                metrics := metrics + stored.metrics;
                replaced := replaced + stored.replaced;
                EXIT WHEN k = 0 AND stored.refused_state IS NULL;
                CONTINUE WHEN k = 0 OR stored.refused_state IS NULL;
                IF strict THEN
                    RAISE EXCEPTION 'cannot store conversation % at %',
                                    '"' || left(item.conversation_id, 80) || '"'
                                    || CASE WHEN length(item.conversation_id) > 80 THEN '...' ELSE '' END,
                                    item.json_path
                          USING ERRCODE = stored.refused_state,
                                DETAIL = stored.refused_message
                                         || CASE WHEN stored.refused_detail <> '' THEN ': ' || stored.refused_detail ELSE '' END;
                END IF;
                refused := refused || item.ordinal;
                refused_id := refused_id || item.conversation_id;
                refused_state := refused_state || stored.refused_state;
                refused_reason := refused_reason
                    || (format('The database refused to store it: %s.', stored.refused_message)
                        || CASE WHEN stored.refused_detail <> '' THEN ' ' || stored.refused_detail ELSE '' END);
            END LOOP;
        END LOOP;

        IF batch_rejects > 0 THEN
            rejected := rejected + @extschema@.import_keep_rejects(batch);
        END IF;
    END LOOP;
    CLOSE parsed;

    -- The conversations the database refused, in text order, with their JSON read again.
    IF cardinality(refused) > 0 THEN
        INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
        SELECT f.conversation_id, c.json_path, f.sqlstate, f.reason, c.conversation
          FROM unnest(refused, refused_id, refused_state, refused_reason) f(ordinal, conversation_id, sqlstate, reason)
          JOIN @extschema@.import_conversations(doc, refused) c USING (ordinal)
         ORDER BY f.ordinal;
        GET DIAGNOSTICS n = ROW_COUNT;
        rejected := rejected + n;
    END IF;

    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import(text, boolean) IS
    'Stores a Genesys Cloud export; a newer version of a conversation replaces the stored one; strict => false sends bad conversations to gcstitch.import_reject; on a coordinator, sends each conversation to its shards';
