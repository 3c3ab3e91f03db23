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
CREATE INDEX import_reject_conversation_id_idx ON @extschema@.import_reject (conversation_id);
COMMENT ON TABLE @extschema@.import_reject IS
    'Conversations that import(doc, strict => false) could not store, with the reason';
COMMENT ON COLUMN @extschema@.import_reject.imported_at IS 'Start of the transaction of the import';
COMMENT ON COLUMN @extschema@.import_reject.conversation_id IS 'conversationId, when it could be read';
COMMENT ON COLUMN @extschema@.import_reject.json_path IS
    'Where the problem is, e.g. $.conversations[3].participants[1].sessions[0].segments[2].segmentStart';
COMMENT ON COLUMN @extschema@.import_reject.sqlstate IS 'The SQLSTATE a strict import raises for it (22023)';
COMMENT ON COLUMN @extschema@.import_reject.reason IS 'What is wrong, as a sentence';
COMMENT ON COLUMN @extschema@.import_reject.conversation IS
    'The conversation as JSON (written back by json-c: same members and values, compact)';

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

CREATE FUNCTION @extschema@.import_parse(doc text, client_id_attributes text[], strict boolean)
    RETURNS SETOF @extschema@.import_item
    AS 'MODULE_PATHNAME', 'gcstitch_import_parse'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.import_parse(text, text[], boolean) IS
    'Internal to import(): parses an export in one pass; strict => false returns bad conversations as rejects instead of raising';

CREATE FUNCTION @extschema@.import(doc text, strict boolean DEFAULT true)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    items    @extschema@.import_item[];
    winners  int[];
    keys     int[];
    h        int;
BEGIN
    SELECT coalesce(array_agg(i ORDER BY i.ordinal), '{}')
      INTO items
      FROM @extschema@.import_parse(doc,
                                    coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                             '{X-Genesys-Client-Id}'),
                                    strict) i;

    -- Sessions importing the same conversations queue up here, so that each reads the stored
    -- version only once no one else can change it; every later statement takes a fresh snapshot
    -- (READ COMMITTED). Locks: first the importer lock (1734570867, 0), shared, then one exclusive
    -- lock per conversation (1734570868, hashtext(conversation_id)) in ascending order: a fixed
    -- order, so no deadlock. A text of more than 1000 conversations takes the importer lock
    -- exclusively instead (waiting for, then holding off, every other import): the lock table
    -- (max_locks_per_transaction) has room for about 6400 locks in all by default.
    keys := ARRAY(SELECT DISTINCT hashtext(i.conversation_id)
                    FROM unnest(items) i WHERE i.reason IS NULL ORDER BY 1);
    IF cardinality(keys) > 1000 THEN
        PERFORM pg_advisory_xact_lock(1734570867, 0);
    ELSE
        PERFORM pg_advisory_xact_lock_shared(1734570867, 0);
        FOREACH h IN ARRAY keys LOOP
            PERFORM pg_advisory_xact_lock(1734570868, h);
        END LOOP;
    END IF;

    -- The newest version of each conversation in the text (ties: the later one), then only those
    -- at least as new as the stored version: (ended, conversation_end, last_event_at) compared
    -- in that order, NULLs lowest; on a tie the incoming one replaces the stored one.
    SELECT coalesce(array_agg(n.ordinal), '{}')
      INTO winners
      FROM (SELECT DISTINCT ON (i.conversation_id) i.*
              FROM unnest(items) i
             WHERE i.reason IS NULL
             ORDER BY i.conversation_id, i.conversation_end IS NOT NULL DESC,
                      i.conversation_end DESC NULLS LAST, i.last_event_at DESC NULLS LAST,
                      i.ordinal DESC) n
     WHERE NOT EXISTS (
           SELECT FROM @extschema@.conversation c
            WHERE c.conversation_id = n.conversation_id
              AND (c.conversation_end IS NOT NULL,
                   coalesce(c.conversation_end, '-infinity'),
                   coalesce(c.last_event_at, '-infinity'))
                > (n.conversation_end IS NOT NULL,
                   coalesce(n.conversation_end, '-infinity'),
                   coalesce(n.last_event_at, '-infinity')));

    DELETE FROM @extschema@.conversation c
     USING unnest(items) i JOIN unnest(winners) w(ordinal) USING (ordinal)
     WHERE c.conversation_id = i.conversation_id;
    GET DIAGNOSTICS replaced = ROW_COUNT;

    INSERT INTO @extschema@.conversation (conversation_id, conversation_start, conversation_end,
                                          originating_direction, division_ids, last_event_at)
    SELECT i.conversation_id, i.conversation_start, i.conversation_end, i.originating_direction,
           i.division_ids, i.last_event_at
      FROM unnest(items) i JOIN unnest(winners) w(ordinal) USING (ordinal)
     ORDER BY i.conversation_id;
    GET DIAGNOSTICS conversations = ROW_COUNT;

    INSERT INTO @extschema@.segment
    SELECT s.*
      FROM unnest(items) i JOIN unnest(winners) w(ordinal) USING (ordinal),
           unnest(i.segments) s;
    GET DIAGNOSTICS segments = ROW_COUNT;

    INSERT INTO @extschema@.metric
    SELECT m.*
      FROM unnest(items) i JOIN unnest(winners) w(ordinal) USING (ordinal),
           unnest(i.metrics) m;
    GET DIAGNOSTICS metrics = ROW_COUNT;

    INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
    SELECT i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
      FROM unnest(items) i
     WHERE i.reason IS NOT NULL
     ORDER BY i.ordinal;
    GET DIAGNOSTICS rejected = ROW_COUNT;

    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import(text, boolean) IS
    'Stores a Genesys Cloud export; a newer version of a conversation replaces the stored one; strict => false sends bad conversations to gcstitch.import_reject';
