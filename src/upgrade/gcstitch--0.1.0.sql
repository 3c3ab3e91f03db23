-- gcstitch install script, part 00: guard and the extension's own objects.
\echo Use "CREATE EXTENSION gcstitch" to load this file. \quit

CREATE FUNCTION @extschema@.version() RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS
    'Version of the gcstitch shared library; equals the installed extension version when both are current';
-- Part 05: the one-row settings table read by the importer and the views.

CREATE TABLE @extschema@.settings (
    id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    client_id_attributes      text[] NOT NULL DEFAULT '{X-Genesys-Client-Id}'
                              CHECK (cardinality(client_id_attributes) > 0
                                     AND array_position(client_id_attributes, NULL) IS NULL),
    gap_tolerance             interval NOT NULL DEFAULT '30 seconds'
                              CHECK (gap_tolerance >= '0' AND date_part('day', gap_tolerance) = 0
                                     AND date_part('month', gap_tolerance) = 0
                                     AND date_part('year', gap_tolerance) = 0),
    report_timezone           text NOT NULL DEFAULT 'Europe/Paris',
    interval_length           interval NOT NULL DEFAULT '30 minutes'
                              CHECK (interval_length IN ('15 minutes', '30 minutes', '60 minutes')),
    short_abandon_threshold   interval NOT NULL DEFAULT '10 seconds' CHECK (short_abandon_threshold >= '0'),
    sl_include_short_abandons boolean NOT NULL DEFAULT true,
    sl_include_abandons       boolean NOT NULL DEFAULT true,
    sl_include_flow_outs      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.settings IS
    'gcstitch settings: one row; inserting a row replaces the current one (so pg_dump/restore keeps edits)';
COMMENT ON COLUMN @extschema@.settings.id IS 'Always true: the table holds one row';
COMMENT ON COLUMN @extschema@.settings.client_id_attributes IS
    'Participant attribute names holding the persistent softphone client id, first present wins';
COMMENT ON COLUMN @extschema@.settings.gap_tolerance IS
    'Largest dead air between two fragments of one call (hours, minutes, seconds only)';
COMMENT ON COLUMN @extschema@.settings.report_timezone IS 'IANA time zone of the report intervals';
COMMENT ON COLUMN @extschema@.settings.interval_length IS 'Length of a report interval';
COMMENT ON COLUMN @extschema@.settings.short_abandon_threshold IS
    'An abandon that waited less than this is a short abandon';
COMMENT ON COLUMN @extschema@.settings.sl_include_short_abandons IS
    'Service level counts short abandons in its denominator (Genesys option)';
COMMENT ON COLUMN @extschema@.settings.sl_include_abandons IS
    'Service level counts abandons in its denominator (Genesys option)';
COMMENT ON COLUMN @extschema@.settings.sl_include_flow_outs IS
    'Service level counts flow-outs in its denominator, as misses (Genesys option)';

-- One row at a time: a new row replaces the old, which also lets pg_restore reload an edited row.
CREATE FUNCTION @extschema@.settings_replace_row() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.settings;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.settings_replace_row() IS
    'Trigger function: inserting into gcstitch.settings replaces the existing row';
CREATE TRIGGER settings_replace_row BEFORE INSERT ON @extschema@.settings
    FOR EACH ROW EXECUTE FUNCTION @extschema@.settings_replace_row();

INSERT INTO @extschema@.settings DEFAULT VALUES;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.settings', '');
-- Part 10: the stitching core: type stitch, aggregates stitch() and rollup(), accessors,
-- window function interaction_no().  Nothing here reads TimeZone or settings: IMMUTABLE.

CREATE TYPE @extschema@.stitch;

CREATE FUNCTION @extschema@.stitch_in(cstring) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_in(cstring) IS
    'Text input of gcstitch.stitch; checks every invariant (22P02 on bad input)';

CREATE FUNCTION @extschema@.stitch_out(@extschema@.stitch) RETURNS cstring
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_out(@extschema@.stitch) IS
    'Text output of gcstitch.stitch: "v1 tolerance=<s>s [class:start/end,... sessions:hex,...] ...", UTC ISO 8601';

CREATE FUNCTION @extschema@.stitch_recv(internal) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_recv(internal) IS
    'Binary input of gcstitch.stitch; checks every count, bound and ordering (22P03 on bad input)';

CREATE FUNCTION @extschema@.stitch_send(@extschema@.stitch) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_send(@extschema@.stitch) IS
    'Binary output of gcstitch.stitch (network byte order, format version 1)';

CREATE TYPE @extschema@.stitch (
    INPUT = @extschema@.stitch_in,
    OUTPUT = @extschema@.stitch_out,
    RECEIVE = @extschema@.stitch_recv,
    SEND = @extschema@.stitch_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.stitch IS
    'Stitched timeline of one key: its interactions (islands), each with per-type interval unions and session identities; exact under rollup()';

CREATE FUNCTION @extschema@.stitch_eq(@extschema@.stitch, @extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_eq'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_eq(@extschema@.stitch, @extschema@.stitch) IS
    'True when two stitch values are identical (same tolerance, islands, intervals and sessions)';

CREATE FUNCTION @extschema@.stitch_ne(@extschema@.stitch, @extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_ne'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_ne(@extschema@.stitch, @extschema@.stitch) IS
    'True when two stitch values differ';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.stitch, RIGHTARG = @extschema@.stitch,
    FUNCTION = @extschema@.stitch_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.stitch, @extschema@.stitch) IS
    'stitch values are identical';

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.stitch, RIGHTARG = @extschema@.stitch,
    FUNCTION = @extschema@.stitch_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.stitch, @extschema@.stitch) IS
    'stitch values differ';

-- Aggregate support (state: internal array of 24-byte rows, sorted once in the final function).
-- COST 10 on the transition functions: a row costs about ten built-in operators (append, type
-- match, session hash); with the default of 1 the planner did not see the aggregate's CPU and kept
-- the serial plan even where two workers are 25-30 % faster.  Combine, serial and deserial keep the
-- default: a higher cost there makes partial (partition-wise) aggregation look worse than it is.
CREATE FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval) IS
    'Transition function of gcstitch.stitch(...)';

CREATE FUNCTION @extschema@.rollup_transfn(internal, @extschema@.stitch) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_rollup_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.rollup_transfn(internal, @extschema@.stitch) IS
    'Transition function of gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_combinefn(internal, internal) IS
    'Combine function of gcstitch.stitch(...) and gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_serialfn(internal) IS
    'Serialization function of gcstitch.stitch(...) and gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_deserialfn(bytea, internal) IS
    'Deserialization function of gcstitch.stitch(...) and gcstitch.rollup(stitch); validates the state';

CREATE FUNCTION @extschema@.stitch_finalfn(internal) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_finalfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_finalfn(internal) IS
    'Final function of gcstitch.stitch(...) and gcstitch.rollup(stitch); NULL for a group without rows';

CREATE AGGREGATE @extschema@.stitch(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                    session_id text, tolerance interval) (
    SFUNC = @extschema@.stitch_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.stitch(timestamptz, timestamptz, text, text, interval) IS
    'Stitches the segments of one key into interactions (islands: start - running max end <= tolerance); rows with a NULL bound are skipped; NULL for no rows';

CREATE AGGREGATE @extschema@.rollup(@extschema@.stitch) (
    SFUNC = @extschema@.rollup_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.stitch) IS
    'Merges stitch values of one key exactly as if all their rows were stitched at once; all must have the same tolerance';

-- Readers.
CREATE FUNCTION @extschema@.interactions(@extschema@.stitch)
    RETURNS TABLE (interaction_no int, started_at timestamptz, ended_at timestamptz, fragments int,
                   alert interval, talk interval, hold interval, acw interval, dialing interval,
                   contacting interval, other interval, handle interval, gap interval,
                   answered_at timestamptz, speed_of_answer interval)
    AS 'MODULE_PATHNAME', 'gcstitch_interactions'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION @extschema@.interactions(@extschema@.stitch) IS
    'One row per stitched interaction, in time order, with its measures';

CREATE FUNCTION @extschema@.interaction_count(@extschema@.stitch) RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_count'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_count(@extschema@.stitch) IS
    'Number of stitched interactions';

CREATE FUNCTION @extschema@.fragments(@extschema@.stitch) RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_fragments'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fragments(@extschema@.stitch) IS
    'Sum over interactions of their fragments (distinct sessions, 1 when none is known)';

CREATE FUNCTION @extschema@.alert(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_alert'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.alert(@extschema@.stitch) IS
    'Total alert (ringing) time over all interactions';

CREATE FUNCTION @extschema@.talk(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_talk'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.talk(@extschema@.stitch) IS
    'Total talk (interact) time over all interactions';

CREATE FUNCTION @extschema@.hold(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_hold'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hold(@extschema@.stitch) IS
    'Total hold time over all interactions';

CREATE FUNCTION @extschema@.acw(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_acw'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.acw(@extschema@.stitch) IS
    'Total after-call work (wrapup) time over all interactions';

CREATE FUNCTION @extschema@.handle(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_handle'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.handle(@extschema@.stitch) IS
    'Total handle time (talk + hold + acw + dialing + contacting) over all interactions';

CREATE FUNCTION @extschema@.gap(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_gap'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gap(@extschema@.stitch) IS
    'Total dead air between fragments inside interactions';

CREATE FUNCTION @extschema@.tolerance(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_tolerance'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tolerance(@extschema@.stitch) IS
    'Gap tolerance the value was stitched with';

CREATE FUNCTION @extschema@.interaction_no(seg_start timestamptz, seg_end timestamptz, tolerance interval)
    RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_no'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, interval) IS
    'Window function: the interaction_no (as in interactions()) of each row; use OVER (PARTITION BY key ORDER BY seg_start, seg_end); NULL for rows with a NULL bound';
-- Part 20: the importer. Genesys Cloud conversation detail exports, parsed in C with json-c.

CREATE TABLE @extschema@.conversation (
    conversation_id       text PRIMARY KEY,
    conversation_start    timestamptz,
    conversation_end      timestamptz,
    originating_direction text,
    division_ids          text[],
    last_event_at         timestamptz,
    imported_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (conversation_end >= conversation_start)
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
    CHECK (segment_end >= segment_start)
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
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
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
-- Part 30: per-queue service level targets, the service_level type, its aggregates and accessors.

CREATE TABLE @extschema@.queue (
    queue_id          text PRIMARY KEY,
    name              text,
    sl_target_percent numeric NOT NULL DEFAULT 80
                      CHECK (sl_target_percent >= 0 AND sl_target_percent <= 100),
    sl_threshold      interval NOT NULL DEFAULT '20 seconds' CHECK (sl_threshold >= '0')
);
COMMENT ON TABLE @extschema@.queue IS
    'Service level target per queue; a queue without a row has the default target, 80 % answered within 20 s';
COMMENT ON COLUMN @extschema@.queue.queue_id IS 'Genesys queue id (queueId of the acd segments)';
COMMENT ON COLUMN @extschema@.queue.name IS 'Queue name, for reports';
COMMENT ON COLUMN @extschema@.queue.sl_target_percent IS
    'Service level goal: the percentage of calls to answer within sl_threshold';
COMMENT ON COLUMN @extschema@.queue.sl_threshold IS
    'Service level threshold: a call answered after waiting at most this long meets the target';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.queue', '');

CREATE FUNCTION @extschema@.queue_threshold(queue_id text) RETURNS interval
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_threshold FROM @extschema@.queue q WHERE q.queue_id = $1),
                    interval '20 seconds');
COMMENT ON FUNCTION @extschema@.queue_threshold(text) IS
    'Service level threshold of a queue: gcstitch.queue.sl_threshold, 20 seconds for a queue without a row';

CREATE FUNCTION @extschema@.queue_target_percent(queue_id text) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN coalesce((SELECT q.sl_target_percent FROM @extschema@.queue q WHERE q.queue_id = $1),
                    80::numeric);
COMMENT ON FUNCTION @extschema@.queue_target_percent(text) IS
    'Service level goal of a queue in percent: gcstitch.queue.sl_target_percent, 80 for a queue without a row';

-- The service_level type: counts plus the rule (thresholds, options) they were counted with.
CREATE TYPE @extschema@.service_level;

CREATE FUNCTION @extschema@.service_level_in(cstring) RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_in(cstring) IS 'Text input of gcstitch.service_level';
CREATE FUNCTION @extschema@.service_level_out(@extschema@.service_level) RETURNS cstring
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_out(@extschema@.service_level) IS
    'Text output of gcstitch.service_level';
CREATE FUNCTION @extschema@.service_level_recv(internal) RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_recv(internal) IS 'Binary input of gcstitch.service_level';
CREATE FUNCTION @extschema@.service_level_send(@extschema@.service_level) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_send(@extschema@.service_level) IS
    'Binary output of gcstitch.service_level';

CREATE TYPE @extschema@.service_level (
    INPUT = @extschema@.service_level_in,
    OUTPUT = @extschema@.service_level_out,
    RECEIVE = @extschema@.service_level_recv,
    SEND = @extschema@.service_level_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE @extschema@.service_level IS
    'Queue counts (offered, answered, answered within threshold, abandoned, short abandoned, flow-outs) '
    'and the threshold and options they were counted with; add them with gcstitch.rollup';

-- Aggregate support: one C transition function behind four argument lists.
CREATE FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval)
    RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                  interval)
    RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                  interval, boolean, boolean, boolean)
    RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                  interval, boolean, boolean, boolean, boolean)
    RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval) IS
    'Transition function of the gcstitch.service_level aggregate';
COMMENT ON FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                      interval) IS
    'Transition function of the gcstitch.service_level aggregate';
COMMENT ON FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                      interval, boolean, boolean, boolean) IS
    'Transition function of the gcstitch.service_level aggregate';
COMMENT ON FUNCTION @extschema@.service_level_transfn(@extschema@.service_level, interval, boolean, interval,
                                                      interval, boolean, boolean, boolean, boolean) IS
    'Transition function of the gcstitch.service_level aggregate';

CREATE FUNCTION @extschema@.service_level_combine(@extschema@.service_level, @extschema@.service_level)
    RETURNS @extschema@.service_level
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_combine(@extschema@.service_level, @extschema@.service_level) IS
    'Sum of two service levels counted with the same threshold and options (NULL when both are NULL); '
    'errors when the thresholds or options differ';

CREATE AGGREGATE @extschema@.service_level(queue_wait interval, answered boolean, threshold interval) (
    SFUNC = @extschema@.service_level_transfn,
    STYPE = @extschema@.service_level,
    COMBINEFUNC = @extschema@.service_level_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.service_level(interval, boolean, interval) IS
    'Service level counts of calls offered to a queue, one row per call: answered or abandoned, '
    'answered within threshold when queue_wait <= threshold; short abandon below 10 s; '
    'short abandons and abandons included, no flow-outs';

CREATE AGGREGATE @extschema@.service_level(queue_wait interval, answered boolean, threshold interval,
                                           short_abandon_threshold interval) (
    SFUNC = @extschema@.service_level_transfn,
    STYPE = @extschema@.service_level,
    COMBINEFUNC = @extschema@.service_level_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.service_level(interval, boolean, interval, interval) IS
    'Service level counts of calls offered to a queue; an abandon is short when queue_wait < '
    'short_abandon_threshold; short abandons and abandons included, no flow-outs';

CREATE AGGREGATE @extschema@.service_level(queue_wait interval, answered boolean, threshold interval,
                                           short_abandon_threshold interval,
                                           include_short_abandons boolean, include_abandons boolean,
                                           include_flow_outs boolean) (
    SFUNC = @extschema@.service_level_transfn,
    STYPE = @extschema@.service_level,
    COMBINEFUNC = @extschema@.service_level_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.service_level(interval, boolean, interval, interval, boolean, boolean,
                                               boolean) IS
    'Service level counts of calls offered to a queue, with the Genesys options; no call is a flow-out';

CREATE AGGREGATE @extschema@.service_level(queue_wait interval, answered boolean, threshold interval,
                                           short_abandon_threshold interval,
                                           include_short_abandons boolean, include_abandons boolean,
                                           include_flow_outs boolean, flowed_out boolean) (
    SFUNC = @extschema@.service_level_transfn,
    STYPE = @extschema@.service_level,
    COMBINEFUNC = @extschema@.service_level_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.service_level(interval, boolean, interval, interval, boolean, boolean,
                                               boolean, boolean) IS
    'Service level counts of calls offered to a queue, with the Genesys options; a call not answered '
    'is a flow-out when flowed_out, else an abandon';

CREATE AGGREGATE @extschema@.rollup(@extschema@.service_level) (
    SFUNC = @extschema@.service_level_combine,
    STYPE = @extschema@.service_level,
    COMBINEFUNC = @extschema@.service_level_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.service_level) IS
    'Sum of service levels counted with the same threshold and options (a day from its intervals): '
    'percentages are then computed from the summed counts, never averaged';

-- Accessors.
CREATE FUNCTION @extschema@.offered(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_offered'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.offered(@extschema@.service_level) IS
    'Calls offered to the queue: answered + abandoned + flow-outs';
CREATE FUNCTION @extschema@.answered(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_answered'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.answered(@extschema@.service_level) IS 'Calls answered by an agent';
CREATE FUNCTION @extschema@.answered_in_threshold(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_answered_in_threshold'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.answered_in_threshold(@extschema@.service_level) IS
    'Calls answered after a queue wait of at most the threshold';
CREATE FUNCTION @extschema@.abandoned(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_abandoned'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.abandoned(@extschema@.service_level) IS
    'Calls that left the queue unanswered and did not flow out (short abandons included)';
CREATE FUNCTION @extschema@.short_abandoned(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_short_abandoned'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.short_abandoned(@extschema@.service_level) IS
    'Abandons that waited less than the short abandon threshold';
CREATE FUNCTION @extschema@.flow_outs(@extschema@.service_level) RETURNS bigint
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_flow_outs'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.flow_outs(@extschema@.service_level) IS
    'Calls that left the queue unanswered for another destination (flow-outs)';
CREATE FUNCTION @extschema@.threshold(@extschema@.service_level) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_threshold'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.threshold(@extschema@.service_level) IS
    'Threshold the counts were made with (microseconds, no day or month part)';
CREATE FUNCTION @extschema@.short_abandon_threshold(@extschema@.service_level) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_short_abandon_threshold'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.short_abandon_threshold(@extschema@.service_level) IS
    'Short abandon threshold the counts were made with (microseconds, no day or month part)';
CREATE FUNCTION @extschema@.service_level_percent(@extschema@.service_level) RETURNS numeric
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_percent'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_level_percent(@extschema@.service_level) IS
    'Genesys service level %: 100 * answered_in_threshold / (answered + abandoned + adjustments), '
    'adjustments by the options (flow-outs added as misses, short abandons or all abandons taken out); '
    'NULL when the denominator is 0';
CREATE FUNCTION @extschema@.abandon_percent(@extschema@.service_level) RETURNS numeric
    AS 'MODULE_PATHNAME', 'gcstitch_service_level_abandon_percent'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.abandon_percent(@extschema@.service_level) IS
    '100 * abandoned / offered (every abandon, whatever the options); NULL when nothing was offered';
-- Part 40: the analytics views (issue 5): stitched interactions, logical queue calls, and the
-- per-interval agent and queue reports, as reported by Genesys and as corrected by stitching.
-- Every view reads gcstitch.settings (gap tolerance, report time zone, interval length, short-abandon
-- threshold, service level options) when it is queried, so editing the settings takes effect at once.
-- Settings are read through `LIMIT 1` subqueries: the table holds one row, and the planner must know.

-- Start of the report interval holding ts: interval_length wide, aligned to local midnight in
-- time_zone. Computed as ts minus the local remainder, so both occurrences of a repeated local hour
-- (DST fall-back) stay distinct intervals and a skipped local hour (spring forward) has none.
-- Exact for lengths that divide an hour (the settings allow 15, 30 and 60 minutes): UTC offsets
-- change on whole hours or half hours, so an interval never straddles an offset change.
CREATE FUNCTION @extschema@.report_interval_start(ts timestamptz, interval_length interval, time_zone text)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ((ts AT TIME ZONE 'UTC')
        - ((ts AT TIME ZONE time_zone)
           - pg_catalog.date_bin(interval_length, ts AT TIME ZONE time_zone, TIMESTAMP '2000-01-01 00:00:00')))
       AT TIME ZONE 'UTC';
COMMENT ON FUNCTION @extschema@.report_interval_start(timestamptz, interval, text) IS
    'Start (an unambiguous instant) of the report interval of the given length, aligned on local midnight in the given IANA time zone, that holds ts; for lengths dividing an hour';

-- Local wall-clock label of an interval start: 'YYYY-MM-DD HH24:MI+HH:MM' (ISO 8601 with the UTC
-- offset), so the two 02:00 intervals of a fall-back night read 02:00+02:00 and 02:00+01:00.
CREATE FUNCTION @extschema@.report_interval_label(interval_start timestamptz, time_zone text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.to_char(interval_start AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI')
       || CASE WHEN (interval_start AT TIME ZONE time_zone) < (interval_start AT TIME ZONE 'UTC')
               THEN '-' ELSE '+' END
       || pg_catalog.to_char(CASE WHEN (interval_start AT TIME ZONE time_zone) < (interval_start AT TIME ZONE 'UTC')
                                  THEN (interval_start AT TIME ZONE 'UTC') - (interval_start AT TIME ZONE time_zone)
                                  ELSE (interval_start AT TIME ZONE time_zone) - (interval_start AT TIME ZONE 'UTC') END,
                             'HH24:MI');
COMMENT ON FUNCTION @extschema@.report_interval_label(timestamptz, text) IS
    'Local label of a report interval start: wall-clock date and time in the given time zone with its UTC offset (ISO 8601), distinct for the repeated hour of a DST fall-back';

-- Every report interval that starts in [from_ts, to_ts), in the settings' zone and length: the
-- calendar to left-join the interval views to, so that empty intervals show as zero.
CREATE FUNCTION @extschema@.report_intervals(from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (interval_start timestamptz, interval_end timestamptz, local_date date, interval_label text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT g.s, g.s + st.interval_length, (g.s AT TIME ZONE st.report_timezone)::date,
           @extschema@.report_interval_label(g.s, st.report_timezone)
    FROM (SELECT s.interval_length, s.report_timezone FROM @extschema@.settings s LIMIT 1) st
    CROSS JOIN LATERAL pg_catalog.generate_series(
        @extschema@.report_interval_start(from_ts, st.interval_length, st.report_timezone),
        to_ts - interval '1 microsecond', st.interval_length) AS g(s)
    WHERE g.s >= from_ts
    ORDER BY g.s;
END;
COMMENT ON FUNCTION @extschema@.report_intervals(timestamptz, timestamptz) IS
    'Every report interval (settings.interval_length in settings.report_timezone) starting in [from_ts, to_ts), with its end, local date and label: left-join agent_interval or queue_interval to it to show empty intervals';

-- One row per queue visit (an acd participant session: one wait in one queue), with the agent
-- session that answered it: the first agent session of the same conversation whose first interact
-- starts at or after the visit's queue entry and before the conversation's next queue entry.
CREATE VIEW @extschema@.queue_visit AS
WITH visit AS (
    SELECT g.conversation_id, g.session_id,
           (array_agg(g.queue_id ORDER BY g.segment_start, g.segment_no) FILTER (WHERE g.queue_id IS NOT NULL))[1]
               AS queue_id,
           min(g.segment_start) AS queued_at,
           CASE WHEN bool_and(g.segment_end IS NOT NULL) THEN max(g.segment_end) END AS left_queue_at,
           (array_agg(g.disconnect_type ORDER BY g.segment_end DESC NULLS LAST, g.segment_no DESC)
                FILTER (WHERE g.disconnect_type IS NOT NULL))[1] AS disconnect_type
    FROM @extschema@.segment g
    WHERE g.purpose = 'acd' AND g.segment_start IS NOT NULL
    GROUP BY g.conversation_id, g.session_id
),
ordered AS (
    SELECT v.*,
           lead(v.queued_at) OVER (PARTITION BY v.conversation_id ORDER BY v.queued_at, v.session_id)
               AS next_queued_at
    FROM visit v
),
agent_answer AS (
    SELECT g.conversation_id, g.session_id, min(g.user_id) AS user_id, min(g.segment_start) AS answered_at
    FROM @extschema@.segment g
    WHERE g.purpose = 'agent' AND g.segment_type = 'interact' AND g.segment_start IS NOT NULL
    GROUP BY g.conversation_id, g.session_id
)
SELECT DISTINCT ON (o.conversation_id, o.session_id)
       o.conversation_id,
       o.session_id,
       o.queue_id,
       o.queued_at,
       o.left_queue_at,
       o.disconnect_type,
       a.session_id AS answered_session_id,
       a.user_id AS answered_user_id,
       a.answered_at
FROM ordered o
LEFT JOIN agent_answer a
  ON a.conversation_id = o.conversation_id
 AND a.answered_at >= o.queued_at
 AND (o.next_queued_at IS NULL OR a.answered_at < o.next_queued_at)
ORDER BY o.conversation_id, o.session_id, a.answered_at, a.session_id;

-- One row per stitched interaction. The agent participants' segments are labelled with their island
-- by the window function interaction_no (partitioned by stitching key: the client id; without one,
-- the conversation and agent), then each island is measured by the stitch aggregate in the same
-- GROUP BY that collects its conversations, agent and answered queue visits: one pass, no join of
-- aggregates (interactions() of an island's stitch is that island: stitching the whole key and
-- expanding it gives the same rows, numbered the same).
CREATE VIEW @extschema@.interaction AS
WITH st AS (
    SELECT s.gap_tolerance FROM @extschema@.settings s LIMIT 1
),
labelled AS (
    SELECT a.*,
           @extschema@.interaction_no(a.segment_start, a.segment_end, st.gap_tolerance)
               OVER (PARTITION BY a.stitch_key ORDER BY a.segment_start, a.segment_end) AS interaction_no,
           st.gap_tolerance
    FROM (
        SELECT g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
               g.segment_start, g.segment_end,
               coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, ''))
                   AS stitch_key
        FROM @extschema@.segment g
        WHERE g.purpose = 'agent' AND g.segment_start IS NOT NULL AND g.segment_end IS NOT NULL
    ) a
    CROSS JOIN st
),
island AS MATERIALIZED (
    SELECT l.stitch_key, l.interaction_no,
           min(l.client_id) AS client_id,
           min(l.segment_start) AS started_at,
           @extschema@.stitch(l.segment_start, l.segment_end, l.segment_type,
                              l.conversation_id || ' ' || l.session_id, l.gap_tolerance) AS timeline,
           -- the agent who answered (first interact segment), else the agent of the first segment
           (array_agg(l.user_id ORDER BY l.segment_type IS DISTINCT FROM 'interact', l.segment_start,
                      l.segment_end, l.user_id) FILTER (WHERE l.user_id IS NOT NULL))[1] AS user_id,
           -- its conversations, in order of their first agent segment
           (SELECT array_agg(u.c ORDER BY u.o)
            FROM (SELECT DISTINCT ON (x.c) x.c, x.o
                  FROM unnest(array_agg(l.conversation_id ORDER BY l.segment_start, l.segment_end,
                                        l.conversation_id)) WITH ORDINALITY AS x(c, o)
                  ORDER BY x.c, x.o) u) AS conversation_ids,
           -- the queue visits it answered (joined on each answering session's first interact row)
           min(v.queued_at) AS queued_at,
           min(v.answered_at) AS queue_answered_at,
           (array_agg(v.queue_id ORDER BY v.queued_at, v.conversation_id, v.session_id)
                FILTER (WHERE v.queued_at IS NOT NULL))[1] AS queue_id
    FROM labelled l
    LEFT JOIN @extschema@.queue_visit v
      ON v.conversation_id = l.conversation_id AND v.answered_session_id = l.session_id
     AND l.segment_type = 'interact' AND l.segment_start = v.answered_at
    GROUP BY l.stitch_key, l.interaction_no
),
-- An island that answered no queue visit (it rang and was not answered, or it had no interact):
-- the latest visit of its conversations that entered the queue before the island started.
rung AS MATERIALIZED (
    SELECT DISTINCT ON (s.stitch_key, s.interaction_no)
           s.stitch_key, s.interaction_no, v.queue_id, v.queued_at
    FROM island s
    CROSS JOIN LATERAL unnest(s.conversation_ids) AS c(conversation_id)
    JOIN @extschema@.queue_visit v ON v.conversation_id = c.conversation_id AND v.queued_at <= s.started_at
    WHERE s.queued_at IS NULL
    ORDER BY s.stitch_key, s.interaction_no, v.queued_at DESC, v.conversation_id DESC, v.session_id DESC
)
SELECT s.stitch_key,
       s.client_id,
       s.interaction_no,
       s.user_id,
       coalesce(s.queue_id, r.queue_id) AS queue_id,
       s.conversation_ids,
       coalesce(s.queued_at, r.queued_at) AS queued_at,
       i.started_at,
       i.answered_at,
       i.ended_at,
       i.fragments,
       i.alert,
       i.talk,
       i.hold,
       i.acw,
       i.handle,
       i.gap,
       s.queue_answered_at - s.queued_at AS queue_wait,
       i.speed_of_answer
FROM island s
CROSS JOIN LATERAL @extschema@.interactions(s.timeline) i
LEFT JOIN rung r ON r.stitch_key = s.stitch_key AND r.interaction_no = s.interaction_no;

-- One row per logical queued call: each stitched interaction that answered a queue visit (however
-- many fragments and re-queued conversations it spans), and each queue visit no agent answered.
CREATE VIEW @extschema@.queue_call AS
SELECT i.queue_id,
       i.queued_at,
       i.queued_at + i.queue_wait AS left_queue_at,
       i.queued_at + i.queue_wait AS answered_at,
       'answered'::text AS outcome,
       false AS short_abandon,
       i.queue_wait,
       i.stitch_key,
       i.client_id,
       i.interaction_no,
       i.user_id,
       i.conversation_ids
FROM @extschema@.interaction i
WHERE i.queue_wait IS NOT NULL
UNION ALL
SELECT v.queue_id,
       v.queued_at,
       v.left_queue_at,
       NULL::timestamptz,
       CASE WHEN v.left_queue_at IS NULL THEN 'waiting'
            WHEN v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer' THEN 'flow_out'
            ELSE 'abandoned' END,
       v.left_queue_at IS NOT NULL
           AND NOT (v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer')
           AND v.left_queue_at - v.queued_at < st.short_abandon_threshold,
       v.left_queue_at - v.queued_at,
       NULL::text,
       NULL::text,
       NULL::integer,
       NULL::text,
       ARRAY[v.conversation_id]
FROM @extschema@.queue_visit v
CROSS JOIN (SELECT s.short_abandon_threshold FROM @extschema@.settings s LIMIT 1) st
WHERE v.answered_session_id IS NULL;

-- Per agent and report interval: what Genesys reports (raw metrics, each in the interval of its
-- emitDate) next to the corrected figures (stitched interactions, each in the interval where it
-- ended, i.e. where its wrap-up ended), and reported minus corrected.
CREATE VIEW @extschema@.agent_interval AS
WITH st AS (
    SELECT s.report_timezone AS tz, s.interval_length AS len FROM @extschema@.settings s LIMIT 1
),
reported AS (
    SELECT m.user_id,
           @extschema@.report_interval_start(m.emit_date, st.len, st.tz) AS interval_start,
           count(*) FILTER (WHERE m.name = 'tHandle') AS handled,
           sum(m.value) FILTER (WHERE m.name = 'tTalk') AS talk_ms,
           sum(m.value) FILTER (WHERE m.name = 'tHeld') AS hold_ms,
           sum(m.value) FILTER (WHERE m.name = 'tAcw') AS acw_ms,
           sum(m.value) FILTER (WHERE m.name = 'tHandle') AS handle_ms
    FROM @extschema@.metric m CROSS JOIN st
    WHERE m.purpose = 'agent' AND m.user_id IS NOT NULL AND m.emit_date IS NOT NULL
      AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw')
    GROUP BY 1, 2
),
corrected AS (
    SELECT i.user_id,
           @extschema@.report_interval_start(i.ended_at, st.len, st.tz) AS interval_start,
           count(*) FILTER (WHERE i.handle > interval '0') AS handled,
           sum(i.talk) AS talk,
           sum(i.hold) AS hold,
           sum(i.acw) AS acw,
           sum(i.handle) AS handle,
           sum(i.gap) AS gap,
           sum(i.fragments) FILTER (WHERE i.handle > interval '0') AS fragments
    FROM @extschema@.interaction i CROSS JOIN st
    WHERE i.user_id IS NOT NULL
    GROUP BY 1, 2
),
joined AS (
    SELECT user_id, interval_start,
           coalesce(r.handled, 0) AS reported_handled,
           coalesce(r.talk_ms, 0)::float8 * interval '1 millisecond' AS reported_talk,
           coalesce(r.hold_ms, 0)::float8 * interval '1 millisecond' AS reported_hold,
           coalesce(r.acw_ms, 0)::float8 * interval '1 millisecond' AS reported_acw,
           coalesce(r.handle_ms, 0)::float8 * interval '1 millisecond' AS reported_handle,
           coalesce(c.handled, 0) AS corrected_handled,
           coalesce(c.talk, interval '0') AS corrected_talk,
           coalesce(c.hold, interval '0') AS corrected_hold,
           coalesce(c.acw, interval '0') AS corrected_acw,
           coalesce(c.handle, interval '0') AS corrected_handle,
           coalesce(c.gap, interval '0') AS corrected_gap,
           coalesce(c.fragments, 0) AS corrected_fragments
    FROM reported r FULL JOIN corrected c USING (user_id, interval_start)
)
SELECT j.user_id,
       j.interval_start,
       j.interval_start + st.len AS interval_end,
       (j.interval_start AT TIME ZONE st.tz)::date AS local_date,
       @extschema@.report_interval_label(j.interval_start, st.tz) AS interval_label,
       j.reported_handled,
       j.reported_talk,
       j.reported_hold,
       j.reported_acw,
       j.reported_handle,
       j.reported_handle / nullif(j.reported_handled, 0) AS reported_aht,
       j.corrected_handled,
       j.corrected_talk,
       j.corrected_hold,
       j.corrected_acw,
       j.corrected_handle,
       j.corrected_handle / nullif(j.corrected_handled, 0) AS corrected_aht,
       j.corrected_gap,
       j.corrected_fragments,
       j.reported_handled - j.corrected_handled AS handled_diff,
       j.reported_talk - j.corrected_talk AS talk_diff,
       j.reported_hold - j.corrected_hold AS hold_diff,
       j.reported_acw - j.corrected_acw AS acw_diff,
       j.reported_handle - j.corrected_handle AS handle_diff,
       j.reported_handle / nullif(j.reported_handled, 0)
           - j.corrected_handle / nullif(j.corrected_handled, 0) AS aht_diff
FROM joined j CROSS JOIN st;

-- Per queue and report interval: Performance-view queue metrics as reported (raw metrics in the
-- interval of their emitDate) and as corrected (logical calls of gcstitch.queue_call: offered at
-- queue entry; answered, abandoned and flowed out when they left the queue).
CREATE VIEW @extschema@.queue_interval AS
WITH st AS (
    SELECT s.* FROM @extschema@.settings s LIMIT 1
),
-- The queue of a metric: the first queue id on its own session's segments, else the conversation's
-- first queue.
session_queue AS (
    SELECT DISTINCT ON (g.conversation_id, g.session_id) g.conversation_id, g.session_id, g.queue_id
    FROM @extschema@.segment g
    WHERE g.queue_id IS NOT NULL
    ORDER BY g.conversation_id, g.session_id, g.segment_start, g.segment_no
),
conversation_queue AS (
    SELECT DISTINCT ON (g.conversation_id) g.conversation_id, g.queue_id
    FROM @extschema@.segment g
    WHERE g.queue_id IS NOT NULL AND g.purpose = 'acd'
    ORDER BY g.conversation_id, g.segment_start, g.session_id, g.segment_no
),
calls AS MATERIALIZED (
    SELECT c.queue_id, c.queued_at, c.left_queue_at, c.outcome, c.queue_wait FROM @extschema@.queue_call c
),
event AS (
    SELECT true AS reported,
           coalesce(sq.queue_id, cq.queue_id) AS queue_id,
           m.emit_date AS ts,
           CASE m.name WHEN 'nOffered' THEN 'offered' WHEN 'tAnswered' THEN 'answered'
                       WHEN 'tAbandon' THEN 'abandoned' ELSE 'flow_out' END AS kind,
           CASE WHEN m.name <> 'nOffered' THEN m.value::float8 * interval '1 millisecond' END AS wait
    FROM @extschema@.metric m
    LEFT JOIN session_queue sq USING (conversation_id, session_id)
    LEFT JOIN conversation_queue cq USING (conversation_id)
    WHERE m.name IN ('nOffered', 'tAnswered', 'tAbandon', 'tFlowOut') AND m.emit_date IS NOT NULL
    UNION ALL
    SELECT false, c.queue_id, c.queued_at, 'offered', NULL
    FROM calls c
    UNION ALL
    SELECT false, c.queue_id, c.left_queue_at, c.outcome, c.queue_wait
    FROM calls c
    WHERE c.outcome <> 'waiting'
),
bucketed AS (
    SELECT e.*, @extschema@.report_interval_start(e.ts, st.interval_length, st.report_timezone) AS interval_start
    FROM event e CROSS JOIN st
    WHERE e.queue_id IS NOT NULL
),
counted AS (
    SELECT b.queue_id, b.interval_start, q.name AS queue_name,
           coalesce(q.sl_threshold, interval '20 seconds') AS sl_threshold,
           coalesce(q.sl_target_percent, 80) AS sl_target_percent,
           count(*) FILTER (WHERE b.reported AND b.kind = 'offered') AS reported_offered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_answered,
           count(*) FILTER (WHERE b.reported AND b.kind = 'answered'
                                  AND b.wait <= coalesce(q.sl_threshold, interval '20 seconds'))
               AS reported_answered_in_threshold,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned') AS reported_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS reported_short_abandoned,
           count(*) FILTER (WHERE b.reported AND b.kind = 'flow_out') AS reported_flow_outs,
           avg(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_asa,
           @extschema@.service_level(b.wait, b.kind = 'answered', coalesce(q.sl_threshold, interval '20 seconds'),
                                     st.short_abandon_threshold, st.sl_include_short_abandons,
                                     st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
               FILTER (WHERE b.reported AND b.kind <> 'offered') AS reported_service_level,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'offered') AS corrected_offered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_answered,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered'
                                  AND b.wait <= coalesce(q.sl_threshold, interval '20 seconds'))
               AS corrected_answered_in_threshold,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned') AS corrected_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
               AS corrected_short_abandoned,
           count(*) FILTER (WHERE NOT b.reported AND b.kind = 'flow_out') AS corrected_flow_outs,
           avg(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_asa,
           @extschema@.service_level(b.wait, b.kind = 'answered', coalesce(q.sl_threshold, interval '20 seconds'),
                                     st.short_abandon_threshold, st.sl_include_short_abandons,
                                     st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
               FILTER (WHERE NOT b.reported AND b.kind <> 'offered') AS corrected_service_level
    FROM bucketed b
    CROSS JOIN st
    LEFT JOIN @extschema@.queue q USING (queue_id)
    GROUP BY b.queue_id, b.interval_start, q.name, q.sl_threshold, q.sl_target_percent,
             st.short_abandon_threshold, st.sl_include_short_abandons, st.sl_include_abandons,
             st.sl_include_flow_outs
)
SELECT c.queue_id,
       c.queue_name,
       c.interval_start,
       c.interval_start + st.interval_length AS interval_end,
       (c.interval_start AT TIME ZONE st.report_timezone)::date AS local_date,
       @extschema@.report_interval_label(c.interval_start, st.report_timezone) AS interval_label,
       c.sl_threshold,
       c.sl_target_percent,
       c.reported_offered,
       c.reported_answered,
       c.reported_answered_in_threshold,
       c.reported_abandoned,
       c.reported_short_abandoned,
       c.reported_flow_outs,
       c.reported_asa,
       @extschema@.service_level_percent(c.reported_service_level) AS reported_service_level_percent,
       c.reported_service_level,
       c.corrected_offered,
       c.corrected_answered,
       c.corrected_answered_in_threshold,
       c.corrected_abandoned,
       c.corrected_short_abandoned,
       c.corrected_flow_outs,
       c.corrected_asa,
       @extschema@.service_level_percent(c.corrected_service_level) AS corrected_service_level_percent,
       c.corrected_service_level,
       c.reported_offered - c.corrected_offered AS offered_diff,
       c.reported_answered - c.corrected_answered AS answered_diff,
       c.reported_abandoned - c.corrected_abandoned AS abandoned_diff,
       c.reported_asa - c.corrected_asa AS asa_diff,
       @extschema@.service_level_percent(c.reported_service_level)
           - @extschema@.service_level_percent(c.corrected_service_level) AS service_level_percent_diff
FROM counted c CROSS JOIN st;

-- What each view and column means, for BI tools and \d+.
COMMENT ON VIEW @extschema@.queue_visit IS
    'One row per queue visit (acd participant session) with the agent session that answered it, if any';
COMMENT ON COLUMN @extschema@.queue_visit.conversation_id IS 'Conversation of the visit';
COMMENT ON COLUMN @extschema@.queue_visit.session_id IS 'acd session id of the visit (unique within its conversation)';
COMMENT ON COLUMN @extschema@.queue_visit.queue_id IS 'Queue waited in (first queue id of the session''s segments)';
COMMENT ON COLUMN @extschema@.queue_visit.queued_at IS 'Queue entry: start of the first acd segment of the visit';
COMMENT ON COLUMN @extschema@.queue_visit.left_queue_at IS 'End of the last acd segment of the visit; NULL while still waiting';
COMMENT ON COLUMN @extschema@.queue_visit.disconnect_type IS 'Disconnect type of the visit''s last acd segment (transfer: flowed out or routed; peer/client: abandoned)';
COMMENT ON COLUMN @extschema@.queue_visit.answered_session_id IS 'Agent session that answered the visit: the first agent session of the conversation whose first interact starts at or after queue entry and before the conversation''s next queue entry; NULL when none did';
COMMENT ON COLUMN @extschema@.queue_visit.answered_user_id IS 'Agent (user id) of answered_session_id';
COMMENT ON COLUMN @extschema@.queue_visit.answered_at IS 'First interact start of answered_session_id (the answer)';

COMMENT ON VIEW @extschema@.interaction IS
    'One row per stitched interaction: agent segments grouped by client id (without a client id: by conversation and agent), cut into islands with settings.gap_tolerance';
COMMENT ON COLUMN @extschema@.interaction.stitch_key IS 'Stitching key: the client id, or ''conversation <id> user <id>'' for segments without a client id';
COMMENT ON COLUMN @extschema@.interaction.client_id IS 'Persistent softphone client id (participant attribute named in settings.client_id_attributes); NULL when the segments had none';
COMMENT ON COLUMN @extschema@.interaction.interaction_no IS 'Number of the interaction within its stitching key, 1 = earliest (may change when earlier data is imported)';
COMMENT ON COLUMN @extschema@.interaction.user_id IS 'Agent: the user of the first interact segment (the agent who answered), else of the first segment';
COMMENT ON COLUMN @extschema@.interaction.queue_id IS 'Queue of the earliest queue visit the interaction answered; when it answered none, the queue of the latest visit of its conversations that started before it (the call that rang)';
COMMENT ON COLUMN @extschema@.interaction.conversation_ids IS 'Conversations the interaction spans, in order of their first agent segment';
COMMENT ON COLUMN @extschema@.interaction.queued_at IS 'Queue entry of the call (same rule as queue_id); NULL for calls that never queued';
COMMENT ON COLUMN @extschema@.interaction.started_at IS 'Start of the first agent segment (alert, or interact/dialing when there was no alert)';
COMMENT ON COLUMN @extschema@.interaction.answered_at IS 'Start of the first interact segment (the answer); NULL when the agent never talked';
COMMENT ON COLUMN @extschema@.interaction.ended_at IS 'End of the last agent segment (usually the end of wrap-up)';
COMMENT ON COLUMN @extschema@.interaction.fragments IS 'Number of agent sessions the interaction was cut into (1 = unbroken)';
COMMENT ON COLUMN @extschema@.interaction.alert IS 'Ringing time (union of alert segments)';
COMMENT ON COLUMN @extschema@.interaction.talk IS 'Talk time (union of interact segments; overlaps between fragments count once)';
COMMENT ON COLUMN @extschema@.interaction.hold IS 'Hold time (union of hold segments)';
COMMENT ON COLUMN @extschema@.interaction.acw IS 'After-call work (union of wrapup segments)';
COMMENT ON COLUMN @extschema@.interaction.handle IS 'Handle time: talk + hold + acw + dialing + contacting';
COMMENT ON COLUMN @extschema@.interaction.gap IS 'Dead air between fragments: time covered by no agent segment';
COMMENT ON COLUMN @extschema@.interaction.queue_wait IS 'Time in queue: first answer of a queue visit by the interaction (normally answered_at) minus the queue entry of the earliest visit it answered; NULL when it answered none';
COMMENT ON COLUMN @extschema@.interaction.speed_of_answer IS 'Agent-side speed of answer: answered_at minus the start of the first alert';

COMMENT ON VIEW @extschema@.queue_call IS
    'One row per logical queued call: each interaction that answered queue visits (counted once however many fragments or re-queued conversations), and each queue visit no agent answered (abandoned, flowed out, or still waiting)';
COMMENT ON COLUMN @extschema@.queue_call.queue_id IS 'Queue of the call (its first queue visit)';
COMMENT ON COLUMN @extschema@.queue_call.queued_at IS 'First queue entry: the call counts as offered in this instant''s interval';
COMMENT ON COLUMN @extschema@.queue_call.left_queue_at IS 'When the call left the queue: answer, abandon or flow-out instant; answered, abandoned and flow-outs count in its interval';
COMMENT ON COLUMN @extschema@.queue_call.answered_at IS 'Answer instant (first interact of the agent session that answered the queue visit); NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call.outcome IS 'answered, abandoned, flow_out (the last acd segment ended by a transfer), or waiting (still in queue)';
COMMENT ON COLUMN @extschema@.queue_call.short_abandon IS 'Abandoned after waiting less than settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_call.queue_wait IS 'Time from first queue entry to answer, abandon or flow-out';
COMMENT ON COLUMN @extschema@.queue_call.stitch_key IS 'Stitching key of the answering interaction; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call.client_id IS 'Client id of the answering interaction; NULL when not answered or none';
COMMENT ON COLUMN @extschema@.queue_call.interaction_no IS 'interaction_no of the answering interaction; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call.user_id IS 'Agent who answered; NULL when not answered';
COMMENT ON COLUMN @extschema@.queue_call.conversation_ids IS 'Conversations of the call';

COMMENT ON VIEW @extschema@.agent_interval IS
    'Per agent and report interval (settings.interval_length in settings.report_timezone): handled, talk, hold, acw, handle and AHT as reported by Genesys (raw metrics, each in the interval of its emitDate) and corrected by stitching (each interaction in the interval where it ended, i.e. where wrap-up ended), and reported minus corrected';
COMMENT ON COLUMN @extschema@.agent_interval.user_id IS 'Agent (Genesys user id)';
COMMENT ON COLUMN @extschema@.agent_interval.interval_start IS 'Interval start, an unambiguous instant (both 02:00 intervals of a DST fall-back night are distinct)';
COMMENT ON COLUMN @extschema@.agent_interval.interval_end IS 'Interval end (exclusive)';
COMMENT ON COLUMN @extschema@.agent_interval.local_date IS 'Local date of the interval start in the report time zone';
COMMENT ON COLUMN @extschema@.agent_interval.interval_label IS 'Local wall-clock start with UTC offset, e.g. 2024-10-27 02:00+02:00';
COMMENT ON COLUMN @extschema@.agent_interval.reported_handled IS 'Reported handled: number of tHandle metrics emitted in the interval (one per agent session, so one per fragment)';
COMMENT ON COLUMN @extschema@.agent_interval.reported_talk IS 'Reported talk: sum of tTalk emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.reported_hold IS 'Reported hold: sum of tHeld emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.reported_acw IS 'Reported after-call work: sum of tAcw emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.reported_handle IS 'Reported handle: sum of tHandle emitted in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.reported_aht IS 'Reported average handle time: reported_handle / reported_handled';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_handled IS 'Corrected handled: stitched interactions with handle time that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_talk IS 'Corrected talk of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_hold IS 'Corrected hold of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_acw IS 'Corrected after-call work of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_handle IS 'Corrected handle (talk + hold + acw + dialing + contacting) of the interactions that ended in the interval';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_aht IS 'Corrected average handle time: corrected_handle / corrected_handled';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_gap IS 'Dead air between fragments of the interactions that ended in the interval (in no reported figure)';
COMMENT ON COLUMN @extschema@.agent_interval.corrected_fragments IS 'Agent sessions making up the handled interactions (equals reported_handled when the data is complete and aligned)';
COMMENT ON COLUMN @extschema@.agent_interval.handled_diff IS 'reported_handled - corrected_handled (extra calls counted because of fragmentation)';
COMMENT ON COLUMN @extschema@.agent_interval.talk_diff IS 'reported_talk - corrected_talk';
COMMENT ON COLUMN @extschema@.agent_interval.hold_diff IS 'reported_hold - corrected_hold';
COMMENT ON COLUMN @extschema@.agent_interval.acw_diff IS 'reported_acw - corrected_acw';
COMMENT ON COLUMN @extschema@.agent_interval.handle_diff IS 'reported_handle - corrected_handle (non-zero when pieces of one call end in different intervals or overlap)';
COMMENT ON COLUMN @extschema@.agent_interval.aht_diff IS 'reported_aht - corrected_aht (negative: fragmentation makes calls look shorter)';

COMMENT ON VIEW @extschema@.queue_interval IS
    'Per queue and report interval: offered, answered, abandoned, short abandoned, flow-outs, answered within the queue''s threshold, service level and ASA, as reported by Genesys (raw metrics in the interval of their emitDate) and corrected (logical calls of queue_call: offered at first queue entry, the rest when the call left the queue), and reported minus corrected';
COMMENT ON COLUMN @extschema@.queue_interval.queue_id IS 'Queue id (for reported metrics: the queue id of the metric''s own session, else the conversation''s first queue)';
COMMENT ON COLUMN @extschema@.queue_interval.queue_name IS 'Queue name from gcstitch.queue; NULL when the queue is not listed there';
COMMENT ON COLUMN @extschema@.queue_interval.interval_start IS 'Interval start, an unambiguous instant (both 02:00 intervals of a DST fall-back night are distinct)';
COMMENT ON COLUMN @extschema@.queue_interval.interval_end IS 'Interval end (exclusive)';
COMMENT ON COLUMN @extschema@.queue_interval.local_date IS 'Local date of the interval start in the report time zone';
COMMENT ON COLUMN @extschema@.queue_interval.interval_label IS 'Local wall-clock start with UTC offset, e.g. 2024-10-27 02:00+02:00';
COMMENT ON COLUMN @extschema@.queue_interval.sl_threshold IS 'Service level threshold of the queue (gcstitch.queue; 20 s when not listed): answered with a wait at most this meets the target';
COMMENT ON COLUMN @extschema@.queue_interval.sl_target_percent IS 'Service level target percentage of the queue (gcstitch.queue; 80 when not listed)';
COMMENT ON COLUMN @extschema@.queue_interval.reported_offered IS 'Reported offered: nOffered metrics (one per queue entry, so one per re-queued fragment)';
COMMENT ON COLUMN @extschema@.queue_interval.reported_answered IS 'Reported answered: tAnswered metrics (one per answered agent session, so one per fragment)';
COMMENT ON COLUMN @extschema@.queue_interval.reported_answered_in_threshold IS 'Reported answered with tAnswered at most sl_threshold';
COMMENT ON COLUMN @extschema@.queue_interval.reported_abandoned IS 'Reported abandoned: tAbandon metrics';
COMMENT ON COLUMN @extschema@.queue_interval.reported_short_abandoned IS 'Reported abandons with tAbandon below settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_interval.reported_flow_outs IS 'Reported flow-outs: tFlowOut metrics';
COMMENT ON COLUMN @extschema@.queue_interval.reported_asa IS 'Reported average speed of answer: mean tAnswered';
COMMENT ON COLUMN @extschema@.queue_interval.reported_service_level_percent IS 'Reported service level % (Genesys formula with the settings.sl_include_* options); NULL when its denominator is zero';
COMMENT ON COLUMN @extschema@.queue_interval.reported_service_level IS 'Reported service level counts; gcstitch.rollup over rows gives a day''s or week''s service level';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_offered IS 'Corrected offered: logical calls whose first queue entry is in the interval';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_answered IS 'Corrected answered: logical calls answered in the interval';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_answered_in_threshold IS 'Corrected answered with a queue wait at most sl_threshold';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_abandoned IS 'Corrected abandoned: unanswered queue visits that ended in the interval without a transfer';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_short_abandoned IS 'Corrected abandons that waited less than settings.short_abandon_threshold';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_flow_outs IS 'Corrected flow-outs: unanswered queue visits that ended with a transfer in the interval';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_asa IS 'Corrected average speed of answer: mean queue wait of the calls answered in the interval';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_service_level_percent IS 'Corrected service level % (Genesys formula with the settings.sl_include_* options); NULL when its denominator is zero';
COMMENT ON COLUMN @extschema@.queue_interval.corrected_service_level IS 'Corrected service level counts; gcstitch.rollup over rows gives a day''s or week''s service level';
COMMENT ON COLUMN @extschema@.queue_interval.offered_diff IS 'reported_offered - corrected_offered';
COMMENT ON COLUMN @extschema@.queue_interval.answered_diff IS 'reported_answered - corrected_answered';
COMMENT ON COLUMN @extschema@.queue_interval.abandoned_diff IS 'reported_abandoned - corrected_abandoned';
COMMENT ON COLUMN @extschema@.queue_interval.asa_diff IS 'reported_asa - corrected_asa';
COMMENT ON COLUMN @extschema@.queue_interval.service_level_percent_diff IS 'reported_service_level_percent - corrected_service_level_percent (positive: fragmentation flatters service level)';
-- Part 45: materialized copies of the analytics views for dashboards. Each has a unique index on
-- plain columns, so `REFRESH MATERIALIZED VIEW CONCURRENTLY` works (readers are never blocked).
-- Created WITH DATA (empty at CREATE EXTENSION time) so that the first refresh may already be
-- CONCURRENTLY. Refresh them on a schedule (see the pg_cron scheduling function) or after imports.

CREATE MATERIALIZED VIEW @extschema@.interaction_mv AS
    SELECT * FROM @extschema@.interaction;
CREATE UNIQUE INDEX interaction_mv_key ON @extschema@.interaction_mv (stitch_key, interaction_no);
CREATE INDEX interaction_mv_ended_at ON @extschema@.interaction_mv (ended_at);

CREATE MATERIALIZED VIEW @extschema@.agent_interval_mv AS
    SELECT * FROM @extschema@.agent_interval;
CREATE UNIQUE INDEX agent_interval_mv_key ON @extschema@.agent_interval_mv (user_id, interval_start);
CREATE INDEX agent_interval_mv_interval_start ON @extschema@.agent_interval_mv (interval_start);

CREATE MATERIALIZED VIEW @extschema@.queue_interval_mv AS
    SELECT * FROM @extschema@.queue_interval;
CREATE UNIQUE INDEX queue_interval_mv_key ON @extschema@.queue_interval_mv (queue_id, interval_start);
CREATE INDEX queue_interval_mv_interval_start ON @extschema@.queue_interval_mv (interval_start);

COMMENT ON MATERIALIZED VIEW @extschema@.interaction_mv IS
    'Materialized gcstitch.interaction as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON MATERIALIZED VIEW @extschema@.agent_interval_mv IS
    'Materialized gcstitch.agent_interval as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON MATERIALIZED VIEW @extschema@.queue_interval_mv IS
    'Materialized gcstitch.queue_interval as of its last refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY supported)';
COMMENT ON INDEX @extschema@.interaction_mv_key IS 'Unique key that lets interaction_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.agent_interval_mv_key IS 'Unique key that lets agent_interval_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.queue_interval_mv_key IS 'Unique key that lets queue_interval_mv be refreshed concurrently';
COMMENT ON INDEX @extschema@.interaction_mv_ended_at IS 'Time-range filters on interaction_mv';
COMMENT ON INDEX @extschema@.agent_interval_mv_interval_start IS 'Time-range filters on agent_interval_mv';
COMMENT ON INDEX @extschema@.queue_interval_mv_interval_start IS 'Time-range filters on queue_interval_mv';

-- Each materialized view's columns mean what the view's columns mean: copy the comments.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT mv.oid::regclass AS mv, a.attname, d.description
        FROM (VALUES ('interaction'), ('agent_interval'), ('queue_interval')) AS v(name)
        JOIN pg_catalog.pg_class vw ON vw.relname = v.name
             AND vw.relnamespace = '@extschema@'::regnamespace AND vw.relkind = 'v'
        JOIN pg_catalog.pg_class mv ON mv.relname = v.name || '_mv'
             AND mv.relnamespace = '@extschema@'::regnamespace AND mv.relkind = 'm'
        JOIN pg_catalog.pg_attribute a ON a.attrelid = vw.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_description d ON d.objoid = vw.oid AND d.classoid = 'pg_catalog.pg_class'::regclass
             AND d.objsubid = a.attnum
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.mv, c.attname, c.description);
    END LOOP;
END
$$;
-- Part 60: refreshing the materialized views (now, or on a pg_cron schedule) and the analyst role.

-- Refreshes every materialized view of the schema, the ones others depend on first.
CREATE FUNCTION @extschema@.refresh() RETURNS integer
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mv record;
    n integer := 0;
BEGIN
    -- A view's "reach" is every relation its query reads, through views; a materialized view that
    -- reaches another is refreshed after it (it reaches strictly more of them).
    FOR mv IN
        WITH RECURSIVE mvs AS (
            SELECT c.oid, c.relispopulated
            FROM pg_class c
            WHERE c.relkind = 'm' AND c.relnamespace = '@extschema@'::regnamespace
        ), reach(root, rel) AS (
            SELECT m.oid, m.oid FROM mvs m
            UNION
            SELECT r.root, d.refobjid
            FROM reach r
            JOIN pg_rewrite w ON w.ev_class = r.rel
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class
        )
        SELECT m.oid::regclass AS name,
               -- CONCURRENTLY needs a populated view and a unique index on plain columns without WHERE.
               m.relispopulated AND EXISTS (
                   SELECT FROM pg_index i
                   WHERE i.indrelid = m.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                     AND i.indexprs IS NULL) AS concurrently,
               (SELECT count(*) FROM reach r JOIN mvs o ON o.oid = r.rel
                WHERE r.root = m.oid AND r.rel <> m.oid) AS depth
        FROM mvs m
        ORDER BY depth, m.oid
    LOOP
        -- Otherwise (first refresh of a view created WITH NO DATA, no unique index) a plain refresh.
        IF mv.concurrently THEN
            EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', mv.name);
        ELSE
            EXECUTE format('REFRESH MATERIALIZED VIEW %s', mv.name);
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh() IS
    'Refreshes every materialized view of the gcstitch schema, each after the ones it reads: CONCURRENTLY '
    '(readers not blocked) when populated and uniquely indexed, plainly otherwise; returns how many. Owner only';

-- The pg_cron job name of this database's refresh, and the statement to schedule it from the cron database.
CREATE FUNCTION @extschema@.refresh_job_name() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN 'gcstitch-refresh-' || current_database();
COMMENT ON FUNCTION @extschema@.refresh_job_name() IS
    'Name of the pg_cron job that refreshes this database''s gcstitch materialized views';

CREATE FUNCTION @extschema@.refresh_schedule_command(schedule text DEFAULT '*/15 * * * *') RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                  @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()',
                  current_database());
COMMENT ON FUNCTION @extschema@.refresh_schedule_command(text) IS
    'The statement that schedules this database''s refresh, to run in the pg_cron database '
    '(cron.database_name) when that is another database';

-- Errors 55000 with the way forward unless pg_cron is usable from this database.
CREATE FUNCTION @extschema@.require_pg_cron(cron_statement text) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cron_db text := current_setting('cron.database_name', true);
BEGIN
    IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
        RETURN;
    END IF;
    IF cron_db IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not loaded'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Scheduled refreshes need the pg_cron extension.',
                  HINT = 'Install pg_cron (Debian: postgresql-15-cron), add it to shared_preload_libraries, '
                         'restart, then CREATE EXTENSION pg_cron in the database named by cron.database_name.';
    ELSIF cron_db <> current_database() THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('pg_cron keeps its jobs in database "%s" (cron.database_name), '
                                  'so the refresh of database "%s" is scheduled from there.',
                                  cron_db, current_database()),
                  HINT = format('Connect to database "%s" and run: CREATE EXTENSION IF NOT EXISTS pg_cron; %s',
                                cron_db, cron_statement);
    ELSE
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run CREATE EXTENSION pg_cron, then call this function again.';
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_pg_cron(text) IS
    'Errors (SQLSTATE 55000) unless pg_cron is installed in this database; when pg_cron lives in another '
    'database the hint says to run cron_statement there';

CREATE FUNCTION @extschema@.schedule_refresh(schedule text DEFAULT '*/15 * * * *') RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    job bigint;
BEGIN
    PERFORM @extschema@.require_pg_cron(@extschema@.refresh_schedule_command(schedule));
    -- Dynamic SQL: the extension installs and the function compiles without pg_cron.
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
        INTO job
        USING @extschema@.refresh_job_name(), schedule, 'SELECT @extschema@.refresh()';
    RETURN job;
END
$$;
COMMENT ON FUNCTION @extschema@.schedule_refresh(text) IS
    'Schedules gcstitch.refresh() of every gcstitch materialized view with pg_cron (one job named '
    'gcstitch.refresh_job_name(), replaced when scheduled again); returns the job id. Needs pg_cron in this '
    'database; otherwise errors 55000 with the statement to run in the pg_cron database';

CREATE FUNCTION @extschema@.unschedule_refresh() RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    PERFORM @extschema@.require_pg_cron(format('SELECT cron.unschedule(%L);', @extschema@.refresh_job_name()));
    EXECUTE 'SELECT EXISTS (SELECT FROM cron.job WHERE jobname = $1 AND username = current_user)'
        INTO found USING @extschema@.refresh_job_name();
    IF found THEN
        EXECUTE 'SELECT cron.unschedule($1)' USING @extschema@.refresh_job_name();
    END IF;
    RETURN found;
END
$$;
COMMENT ON FUNCTION @extschema@.unschedule_refresh() IS
    'Removes the pg_cron job of gcstitch.schedule_refresh(); false when there was none';

-- Refreshing and scheduling are for the owner, not for every user.
REVOKE EXECUTE ON FUNCTION @extschema@.refresh() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_refresh(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unschedule_refresh() FROM PUBLIC;

-- The analyst role: read everything in the schema, write nothing. Roles are cluster-wide, so it is
-- created only when missing (and survives DROP EXTENSION; drop it by hand).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'gcstitch_analyst') THEN
        CREATE ROLE gcstitch_analyst NOLOGIN;
        COMMENT ON ROLE gcstitch_analyst IS
            'gcstitch: read-only access to the gcstitch views and tables; GRANT it to analysts and BI logins';
    END IF;
END
$$;
GRANT USAGE ON SCHEMA @extschema@ TO gcstitch_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA @extschema@ TO gcstitch_analyst;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA @extschema@
    FROM gcstitch_analyst;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM gcstitch_analyst;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO gcstitch_analyst;
REVOKE EXECUTE ON FUNCTION @extschema@.refresh(), @extschema@.schedule_refresh(text),
    @extschema@.unschedule_refresh() FROM gcstitch_analyst;
