-- gcstitch upgrade 0.1.0 -> 0.2.0.  Every change to src/sql/ since 0.1.0 is repeated here, so that
-- ALTER EXTENSION gcstitch UPDATE gives exactly the objects of a fresh 0.2.0 install (test/upgrade.sh
-- compares the two catalogs).
\echo Use "ALTER EXTENSION gcstitch UPDATE TO '0.2.0'" to load this file. \quit

-- Settings: the switch of stitching rule 2 (new call after a wrap-up).
ALTER TABLE @extschema@.settings ADD COLUMN split_after_wrapup boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

-- Importer (src/sql/20_import.sql): import() takes one lock per transaction, stores in a
-- subtransaction and rejects or names what the database refuses; import_conversations(); a hash
-- index on import_reject.conversation_id (ids too long for a btree entry can be rejected).
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

CREATE OR REPLACE FUNCTION @extschema@.import(doc text, strict boolean DEFAULT true)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    items     @extschema@.import_item[];
    winners   int[];
    todo_lo   int[];            -- ranges winners[lo:hi] still to store, as a stack
    todo_hi   int[];
    lo        int;
    hi        int;
    mid       int;
    n_conv    int;
    n_seg     int;
    n_met     int;
    n_rep     int;
    refused   int[] := '{}';    -- ordinals of conversations the database refused
    refused_state  text[] := '{}';
    refused_reason text[] := '{}';
    err_state text;
    err_msg   text;
    err_detail text;
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

    -- Store them all in one subtransaction. Should the database refuse (a value too long for an
    -- index entry, a constraint or trigger of the user's, ...), store each half again, down to
    -- the conversation it refuses: rejected (strict => false) or named in the error.
    todo_lo := ARRAY[1];
    todo_hi := ARRAY[cardinality(winners)];
    WHILE cardinality(todo_lo) > 0 LOOP
        lo := todo_lo[cardinality(todo_lo)];
        hi := todo_hi[cardinality(todo_hi)];
        todo_lo := todo_lo[1:cardinality(todo_lo) - 1];
        todo_hi := todo_hi[1:cardinality(todo_hi) - 1];
        CONTINUE WHEN lo > hi;
        BEGIN
            DELETE FROM @extschema@.conversation c
             USING unnest(winners[lo:hi]) w(ordinal)
             WHERE c.conversation_id = (items[w.ordinal]).conversation_id;
            GET DIAGNOSTICS n_rep = ROW_COUNT;

            INSERT INTO @extschema@.conversation (conversation_id, conversation_start, conversation_end,
                                                  originating_direction, division_ids, last_event_at)
            SELECT (x.i).conversation_id, (x.i).conversation_start, (x.i).conversation_end,
                   (x.i).originating_direction, (x.i).division_ids, (x.i).last_event_at
              FROM (SELECT items[w.ordinal] AS i FROM unnest(winners[lo:hi]) w(ordinal)) x
             ORDER BY (x.i).conversation_id;
            GET DIAGNOSTICS n_conv = ROW_COUNT;

            INSERT INTO @extschema@.segment
            SELECT s.*
              FROM unnest(winners[lo:hi]) w(ordinal), unnest((items[w.ordinal]).segments) s;
            GET DIAGNOSTICS n_seg = ROW_COUNT;

            INSERT INTO @extschema@.metric
            SELECT m.*
              FROM unnest(winners[lo:hi]) w(ordinal), unnest((items[w.ordinal]).metrics) m;
            GET DIAGNOSTICS n_met = ROW_COUNT;

            replaced := replaced + n_rep;
            conversations := conversations + n_conv;
            segments := segments + n_seg;
            metrics := metrics + n_met;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT,
                                    err_detail = PG_EXCEPTION_DETAIL;
            -- Only what the data causes: data exceptions, integrity constraints, program limits
            -- (index row size), errors raised by triggers; not deadlocks, lack of memory, ...
            IF substr(err_state, 1, 2) NOT IN ('22', '23', '54', 'P0') OR err_state = '54001' THEN
                RAISE;
            END IF;
            IF lo < hi THEN
                mid := (lo + hi) / 2;
                todo_lo := todo_lo || ARRAY[mid + 1, lo];
                todo_hi := todo_hi || ARRAY[hi, mid];
            ELSIF strict THEN
                RAISE EXCEPTION 'cannot store conversation "%" at %',
                                left((items[winners[lo]]).conversation_id, 80)
                                || CASE WHEN length((items[winners[lo]]).conversation_id) > 80 THEN '...' ELSE '' END,
                                (items[winners[lo]]).json_path
                      USING ERRCODE = err_state, DETAIL = err_msg || CASE WHEN err_detail <> '' THEN ': ' || err_detail ELSE '' END;
            ELSE
                refused := refused || winners[lo];
                refused_state := refused_state || err_state;
                refused_reason := refused_reason
                    || format('The database refused to store it: %s.', err_msg)
                       || CASE WHEN err_detail <> '' THEN ' ' || err_detail ELSE '' END;
            END IF;
        END;
    END LOOP;

    INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
    SELECT r.conversation_id, r.json_path, r.sqlstate, r.reason, r.conversation
      FROM (SELECT i.ordinal, i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
              FROM unnest(items) i
             WHERE i.reason IS NOT NULL
            UNION ALL
            SELECT f.ordinal, (items[f.ordinal]).conversation_id, c.json_path, f.sqlstate, f.reason,
                   c.conversation
              FROM unnest(refused, refused_state, refused_reason) f(ordinal, sqlstate, reason)
              JOIN @extschema@.import_conversations(
                       doc, ARRAY(SELECT o FROM unnest(refused) o ORDER BY o)) c USING (ordinal)) r
     ORDER BY r.ordinal;
    GET DIAGNOSTICS rejected = ROW_COUNT;

    RETURN NEXT;
END
$$;
