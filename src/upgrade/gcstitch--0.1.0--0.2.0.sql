-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Settings: the switch of stitching rule 2 (new call after a wrap-up).
ALTER TABLE @extschema@.settings ADD COLUMN split_after_wrapup boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

-- Importer (src/sql/20_import.sql): import() takes one lock per transaction, stores in a
-- subtransaction and rejects or names what the database refuses (import_store,
-- import_conversations); a hash index on import_reject.conversation_id (ids too long for a btree
-- entry can be rejected).
DROP INDEX @extschema@.import_reject_conversation_id_idx;
-- A hash index: a conversationId too long for a btree entry can still be rejected.
CREATE INDEX import_reject_conversation_id_idx ON @extschema@.import_reject USING hash (conversation_id);
COMMENT ON COLUMN @extschema@.import_reject.sqlstate IS
    'The SQLSTATE a strict import raises for it: 22023 wrong shape, 22P05 character the database encoding lacks, else the database''s error';
COMMENT ON COLUMN @extschema@.import_reject.conversation IS
    'The conversation as JSON (written back by json-c: same members and values, compact; characters the database encoding lacks as \u escapes)';
CREATE FUNCTION @extschema@.import_conversations(doc text, ordinals int[])
    RETURNS TABLE (ordinal int, json_path text, conversation text)
    AS 'MODULE_PATHNAME', 'gcstitch_import_conversations'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.import_conversations(text, int[]) IS
    'Internal to import(): the conversations at these positions of an export (ascending, from 1), with their JSON path, as JSON';
GRANT EXECUTE ON FUNCTION @extschema@.import_conversations(text, int[]) TO gcstitch_analyst;

CREATE FUNCTION @extschema@.import_store(items @extschema@.import_item[], ordinals int[],
                                         OUT conversations int, OUT segments int, OUT metrics int,
                                         OUT replaced int, OUT refused_state text,
                                         OUT refused_message text, OUT refused_detail text)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
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
GRANT EXECUTE ON FUNCTION @extschema@.import_store(@extschema@.import_item[], int[]) TO gcstitch_analyst;

CREATE OR REPLACE FUNCTION @extschema@.import(doc text, strict boolean DEFAULT true)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    items     @extschema@.import_item[];
    winners   int[];
    chunk     @extschema@.import_item[];
    item      @extschema@.import_item;
    k         int;
    stored    record;
    refused   int[] := '{}';    -- ordinals of conversations the database refused
    refused_state  text[] := '{}';
    refused_reason text[] := '{}';
BEGIN
    SELECT coalesce(array_agg(i ORDER BY i.ordinal), '{}')
      INTO items
      FROM @extschema@.import_parse(doc,
                                    coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                             '{X-Genesys-Client-Id}'),
                                    strict) i;
    conversations := 0;
    segments := 0;
    metrics := 0;
    replaced := 0;

    -- Importing transactions take turns: one exclusive lock, held until commit, so that each
    -- reads the stored versions only once no other import can change them (every later statement
    -- takes a fresh snapshot at READ COMMITTED). One lock for any number of conversations and of
    -- calls in the transaction, so no lock table overflow and no deadlock between importers
    -- (locks per conversation, taken call by call, can deadlock across calls). The text is
    -- parsed above, before waiting.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);

    -- The newest version of each conversation in the text (ties: the later one), then only those
    -- at least as new as the stored version: (ended, conversation_end, last_event_at) compared
    -- in that order, NULLs lowest; on a tie the incoming one replaces the stored one.
    SELECT coalesce(array_agg(n.ordinal ORDER BY n.ordinal), '{}')
      INTO winners
      FROM (SELECT DISTINCT ON (i.conversation_id)
                   i.ordinal, i.conversation_id, i.conversation_end, i.last_event_at
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

    -- All of them in one subtransaction. Should the database refuse (a value too long for an
    -- index entry, a constraint or trigger of the user's, ...), 64 at a time, and a refused group
    -- one by one: each refused conversation is rejected (strict => false) or named in the error.
    stored := @extschema@.import_store(items, winners);
    conversations := stored.conversations;
    segments := stored.segments;
    metrics := stored.metrics;
    replaced := stored.replaced;
    FOR chunk IN SELECT array_agg(g.i ORDER BY (g.i).ordinal)
                   FROM (SELECT i, (row_number() OVER (ORDER BY i.ordinal) - 1) / 64 AS n
                           FROM unnest(items) i JOIN unnest(winners) w(ordinal) USING (ordinal)) g
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
            refused_state := refused_state || stored.refused_state;
            refused_reason := refused_reason
                || (format('The database refused to store it: %s.', stored.refused_message)
                    || CASE WHEN stored.refused_detail <> '' THEN ' ' || stored.refused_detail ELSE '' END);
        END LOOP;
    END LOOP;

    INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
    SELECT r.conversation_id, r.json_path, r.sqlstate, r.reason, r.conversation
      FROM (SELECT i.ordinal, i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
              FROM unnest(items) i
             WHERE i.reason IS NOT NULL
            UNION ALL
            SELECT f.ordinal, i.conversation_id, c.json_path, f.sqlstate, f.reason, c.conversation
              FROM unnest(refused, refused_state, refused_reason) f(ordinal, sqlstate, reason)
              JOIN unnest(items) i USING (ordinal)
              JOIN @extschema@.import_conversations(doc, refused) c USING (ordinal)) r
     ORDER BY r.ordinal;
    GET DIAGNOSTICS rejected = ROW_COUNT;

    RETURN NEXT;
END
$$;
