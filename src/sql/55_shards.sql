-- Part 55: a coordinator over shards (issue 15). The coordinator imports nothing itself: import()
-- routes each conversation to shards, which store and compute everything as a single node does;
-- the public views of the coordinator add the shards' rows up (part 42). What decides where a
-- conversation goes: each client id (stitching key) has one owner shard, chosen at first sight and
-- kept; a conversation goes to the owner of every client id of its agents, and to its home shard
-- (the owner of its first agent's client id, or a shard drawn by its id when it has none). A shard
-- that holds a conversation for another shard's client id is a replica of it (part 08): it computes
-- that conversation's own figures too, but counts them to nobody. So every client id's calls are
-- stitched whole on one shard, also across transfers, and nothing is counted twice.

CREATE TABLE @extschema@.shard (
    shard_id      int PRIMARY KEY CHECK (shard_id OPERATOR(pg_catalog.>) 0),
    server_name   name NOT NULL UNIQUE,
    remote_schema name NOT NULL,
    added_at      timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.shard IS
    'Coordinator: the shards, one postgres_fdw server each, in the order gcstitch.add_shard() added them; empty on a single node or a shard';

CREATE TABLE @extschema@.shard_client (
    client_id text PRIMARY KEY,
    shard_id  int NOT NULL REFERENCES @extschema@.shard
);
COMMENT ON TABLE @extschema@.shard_client IS
    'Coordinator: the owner shard of each client id, chosen when import() first saw it and kept: that shard stitches all of its calls';

CREATE TABLE @extschema@.shard_conversation (
    conversation_id text NOT NULL,
    shard_id        int NOT NULL REFERENCES @extschema@.shard,
    home            boolean NOT NULL,
    PRIMARY KEY (conversation_id, shard_id)
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_client', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_conversation', '');
CREATE UNIQUE INDEX shard_conversation_home ON @extschema@.shard_conversation (conversation_id) WHERE home;
COMMENT ON TABLE @extschema@.shard_conversation IS
    'Coordinator: the shards holding each conversation: its home (counts its queue visits and reported metrics) and replicas (for client ids they own); a shard, once given a conversation, gets all its later versions';

-- What a shard shows its coordinator: the rows it owns.
CREATE VIEW @extschema@.owned_interaction AS
SELECT i.*
FROM @extschema@.interaction i
WHERE NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
  AND (i.client_id IS NOT NULL
       OR NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = i.conversation_ids[1]));
COMMENT ON VIEW @extschema@.owned_interaction IS
    'Shard: the rows of gcstitch.interaction this database owns (not those of client ids, or of conversations, it holds for another shard); all of them on a single node';

CREATE VIEW @extschema@.owned_queue_visit AS
SELECT v.*
FROM @extschema@.queue_visit v
WHERE NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = v.conversation_id);
COMMENT ON VIEW @extschema@.owned_queue_visit IS
    'Shard: the rows of gcstitch.queue_visit of the conversations this database is home to; all of them on a single node';

-- An import on a coordinator leaves each shard its part of the text here, then reads every shard's
-- shard_imported at once (async foreign scans), which imports the parts: the shards import at the
-- same time, each in the coordinator's transaction.
CREATE TABLE @extschema@.shard_pending (
    part_no               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc                   text NOT NULL,
    strict_import         boolean NOT NULL,
    replica_conversations text[] NOT NULL,
    foreign_clients       text[] NOT NULL
);
COMMENT ON TABLE @extschema@.shard_pending IS
    'Shard: parts of an export the coordinator sent, imported (and removed) when it reads gcstitch.shard_imported; empty between transactions';

-- Imports the pending parts in the order they came, first noting the conversations and client ids
-- held for other shards; one row of import() counts a part (home: a part of conversations this
-- shard is home to, no replica).
CREATE FUNCTION @extschema@.shard_import_pending()
    RETURNS TABLE (home boolean, conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part @extschema@.shard_pending;
BEGIN
    FOR part IN SELECT * FROM @extschema@.shard_pending p ORDER BY p.part_no LOOP
        INSERT INTO @extschema@.shard_replica (conversation_id)
        SELECT DISTINCT c FROM unnest(part.replica_conversations) c
        ON CONFLICT DO NOTHING;
        INSERT INTO @extschema@.shard_foreign_client (client_id)
        SELECT DISTINCT c FROM unnest(part.foreign_clients) c
        ON CONFLICT DO NOTHING;
        home := cardinality(part.replica_conversations) = 0;
        SELECT i.conversations, i.segments, i.metrics, i.replaced, i.rejected
          INTO conversations, segments, metrics, replaced, rejected
          FROM @extschema@.import(part.doc, part.strict_import) i;
        DELETE FROM @extschema@.shard_pending p WHERE p.part_no = part.part_no;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_import_pending() IS
    'Shard: imports the parts in gcstitch.shard_pending, noting what is held for other shards; import() counts per part';

CREATE VIEW @extschema@.shard_imported AS
SELECT * FROM @extschema@.shard_import_pending();
COMMENT ON VIEW @extschema@.shard_imported IS
    'Shard: SELECT imports the pending parts (gcstitch.shard_pending) and gives their import() counts; read by the coordinator''s import()';

-- Selecting these refreshes (rebuilds) this database's maintained analytics: the coordinator reads
-- them through one foreign table per shard under one parent, so that all shards refresh at once.
CREATE VIEW @extschema@.shard_refreshed AS
SELECT @extschema@.refresh_maintained(false) AS conversations;
COMMENT ON VIEW @extschema@.shard_refreshed IS
    'Shard: SELECT refreshes the maintained analytics (refresh_maintained(false), owner only) and gives the conversations recomputed; read by the coordinator''s refresh()';
CREATE VIEW @extschema@.shard_rebuilt AS
SELECT @extschema@.refresh_maintained(true) AS conversations;
COMMENT ON VIEW @extschema@.shard_rebuilt IS
    'Shard: SELECT rebuilds the maintained analytics (refresh_maintained(true), owner only) and gives the conversations; read by the coordinator''s rebuild()';

CREATE VIEW @extschema@.shard_info AS
SELECT (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch') AS extension_version,
       (SELECT count(*) FROM @extschema@.conversation) AS conversations;
COMMENT ON VIEW @extschema@.shard_info IS
    'Shard: what gcstitch.add_shard() checks on the coordinator: the installed gcstitch version and how many conversations this database holds';

-- The name of shard shard_id's foreign table for what, in the extension's schema.
CREATE FUNCTION @extschema@.shard_table(shard_id int, what text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.format('%I.%I', '@extschema@', 'shard_' || shard_id || '_' || what);
COMMENT ON FUNCTION @extschema@.shard_table(int, text) IS
    'Internal: the qualified name of a shard''s foreign table (shard_<id>_<what>)';

-- The column list of rel, as a CREATE FOREIGN TABLE takes it.
CREATE FUNCTION @extschema@.shard_columns(rel regclass) RETURNS text
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname,
                                                   pg_catalog.format_type(a.atttypid, a.atttypmod)),
                                 ', ' ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity = '';
END;
COMMENT ON FUNCTION @extschema@.shard_columns(regclass) IS
    'Internal: the columns of a relation with their types (not identity columns: the shard fills them), for the foreign tables of gcstitch.add_shard()';

-- Adds a shard: server_name is a postgres_fdw server (with extensions 'gcstitch') whose database
-- has gcstitch of this version, installed in remote_schema, and no conversations yet.
CREATE FUNCTION @extschema@.add_shard(server_name name, remote_schema name DEFAULT 'gcstitch') RETURNS int
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id int;
    remote record;
BEGIN
    -- No import routes conversations while the list of shards changes.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);
    PERFORM @extschema@.shard_check_server(server_name);
    IF EXISTS (SELECT FROM @extschema@.conversation) THEN
        RAISE EXCEPTION 'cannot add a shard to a database that holds imported conversations'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A coordinator stores no conversations: import() sends each to its shards.',
                  HINT = 'Add the shards to a new database with gcstitch, then import through it.';
    END IF;
    SELECT coalesce(max(s.shard_id), 0) + 1 INTO id FROM @extschema@.shard s;
    INSERT INTO @extschema@.shard (shard_id, server_name, remote_schema) VALUES (id, server_name, remote_schema);
    PERFORM @extschema@.shard_create_tables(id);

    EXECUTE pg_catalog.format('SELECT extension_version, conversations FROM %s', @extschema@.shard_table(id, 'info'))
        INTO remote;
    IF remote.extension_version IS DISTINCT FROM
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch') THEN
        RAISE EXCEPTION 'server "%" has gcstitch %, this database %', server_name,
                        coalesce(remote.extension_version, '(none)'),
                        (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'gcstitch')
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install or update gcstitch on the shard to the coordinator''s version.';
    END IF;
    IF remote.conversations > 0 THEN
        RAISE EXCEPTION 'server "%" already holds % conversations', server_name, remote.conversations
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The coordinator routes every conversation of its shards itself, so that each client id is stitched whole on one shard.',
                  HINT = 'Add an empty database as a shard, and import the conversations through the coordinator.';
    END IF;
    PERFORM @extschema@.push_settings();
    RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.add_shard(name, name) IS
    'Coordinator: adds a postgres_fdw server as a shard (its database empty, with this gcstitch version in remote_schema): creates its foreign tables, pushes the settings and queue targets; returns its shard_id';

CREATE FUNCTION @extschema@.shard_check_server(server_name name) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    srv record;
BEGIN
    SELECT w.fdwname,
           EXISTS (SELECT FROM pg_catalog.pg_options_to_table(s.srvoptions) o
                    WHERE o.option_name = 'extensions'
                      AND 'gcstitch' = ANY (pg_catalog.string_to_array(pg_catalog.replace(o.option_value, ' ', ''), ',')))
               AS ships_gcstitch
      INTO srv
      FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = server_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'server "%" does not exist', server_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (..., extensions ''gcstitch''), and a user mapping, first.';
    ELSIF srv.fdwname <> 'postgres_fdw' THEN
        RAISE EXCEPTION 'server "%" uses foreign-data wrapper "%", not postgres_fdw', server_name, srv.fdwname
            USING ERRCODE = 'wrong_object_type';
    ELSIF NOT srv.ships_gcstitch THEN
        RAISE EXCEPTION 'server "%" does not list gcstitch in its extensions option', server_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Without it postgres_fdw does not send gcstitch''s functions to the shard: filters on them would read every row.',
                  HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD extensions ''gcstitch'');', server_name);
    ELSIF EXISTS (SELECT FROM @extschema@.shard s WHERE s.server_name = shard_check_server.server_name) THEN
        RAISE EXCEPTION 'server "%" is already a shard', server_name
            USING ERRCODE = 'duplicate_object';
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_check_server(name) IS
    'Internal to add_shard(): the server exists, is a postgres_fdw server shipping gcstitch, and is not a shard yet';

-- A shard's foreign tables: the rows it shows (children of the part 42 parents), and the tables
-- and views the coordinator writes to. Members of the extension, so that DROP EXTENSION takes them
-- along; not dumped: after a restore, run shard_create_tables(shard_id) for each gcstitch.shard.
CREATE FUNCTION @extschema@.shard_create_tables(id int) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s @extschema@.shard;
    t record;
BEGIN
    SELECT * INTO s FROM @extschema@.shard x WHERE x.shard_id = id;
    FOR t IN VALUES ('interaction', 'owned_interaction'), ('queue_visit', 'owned_queue_visit'),
                    ('queue_call', 'queue_call'), ('agent_interval', 'agent_interval'),
                    ('queue_interval', 'queue_interval'), ('refreshed', 'shard_refreshed'),
                    ('rebuilt', 'shard_rebuilt'), ('imported', 'shard_imported') LOOP
        EXECUTE pg_catalog.format('CREATE FOREIGN TABLE %s () INHERITS (%I.%I) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                                  @extschema@.shard_table(id, t.column1), '@extschema@', 'sharded_' || t.column1,
                                  s.server_name, s.remote_schema, t.column2);
        IF t.column1 NOT IN ('refreshed', 'rebuilt', 'imported') THEN
            EXECUTE pg_catalog.format('GRANT SELECT ON %s TO gcstitch_analyst', @extschema@.shard_table(id, t.column1));
        END IF;
        EXECUTE pg_catalog.format('ALTER EXTENSION gcstitch ADD FOREIGN TABLE %s', @extschema@.shard_table(id, t.column1));
    END LOOP;
    FOR t IN VALUES ('settings', 'settings'), ('queue', 'queue'), ('pending', 'shard_pending'),
                    ('info', 'shard_info') LOOP
        EXECUTE pg_catalog.format('CREATE FOREIGN TABLE %s (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                                  @extschema@.shard_table(id, t.column1),
                                  @extschema@.shard_columns(pg_catalog.format('%I.%I', '@extschema@', t.column2)::regclass),
                                  s.server_name, s.remote_schema, t.column2);
        EXECUTE pg_catalog.format('ALTER EXTENSION gcstitch ADD FOREIGN TABLE %s', @extschema@.shard_table(id, t.column1));
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.shard_create_tables(int) IS
    'Internal to add_shard(): creates the shard''s foreign tables shard_<id>_* in the extension''s schema';

-- The settings and queue targets of the coordinator, copied to every shard (also by the triggers
-- below whenever they change): the shards compute with them at their next refresh.
CREATE FUNCTION @extschema@.push_settings() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id int;
BEGIN
    FOR id IN SELECT s.shard_id FROM @extschema@.shard s ORDER BY s.shard_id LOOP
        EXECUTE pg_catalog.format('DELETE FROM %s', @extschema@.shard_table(id, 'queue'));
        EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM @extschema@.queue', @extschema@.shard_table(id, 'queue'));
        EXECUTE pg_catalog.format('INSERT INTO %s SELECT * FROM @extschema@.settings', @extschema@.shard_table(id, 'settings'));
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.push_settings() IS
    'Coordinator: copies gcstitch.settings and gcstitch.queue to every shard (done by triggers when they change)';

CREATE FUNCTION @extschema@.push_settings_trigger() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM @extschema@.push_settings();
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.push_settings_trigger() IS
    'Trigger function: a change of gcstitch.settings or gcstitch.queue reaches every shard';
CREATE TRIGGER settings_push AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.settings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.push_settings_trigger();
CREATE TRIGGER queue_push AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.queue
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.push_settings_trigger();

-- Refreshes (or rebuilds) every shard's maintained analytics, all at once (async foreign scans
-- when the servers are async_capable); the conversations recomputed.
CREATE FUNCTION @extschema@.shard_refresh_all(rebuild boolean) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF rebuild THEN
        RETURN (SELECT coalesce(sum(r.conversations), 0) FROM @extschema@.sharded_rebuilt r);
    END IF;
    RETURN (SELECT coalesce(sum(r.conversations), 0) FROM @extschema@.sharded_refreshed r);
END
$$;
COMMENT ON FUNCTION @extschema@.shard_refresh_all(boolean) IS
    'Coordinator: refreshes (rebuild => true: rebuilds) the maintained analytics of every shard; done by refresh() and rebuild()';

-- The shard drawn for a new client id or a conversation without one: by a hash of its text,
-- among the shards in their order.
CREATE FUNCTION @extschema@.shard_draw(key text) RETURNS int
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT s.shard_id FROM @extschema@.shard s
     ORDER BY s.shard_id
    OFFSET (pg_catalog.hashtext(key) & 2147483647) % (SELECT pg_catalog.count(*) FROM @extschema@.shard)
     LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.shard_draw(text) IS
    'Internal to import() on a coordinator: a shard for a new client id or conversation, drawn by a hash of its text';

CREATE FUNCTION @extschema@.import_routed_scratch() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.gcstitch_routed') IS NOT NULL THEN
        TRUNCATE pg_temp.gcstitch_routed, pg_temp.gcstitch_routed_text;
        RETURN;
    END IF;
    -- Each good conversation of the text: its client ids, in the order of their first agent segment.
    CREATE TEMP TABLE gcstitch_routed (ordinal int, conversation_id text, clients text[]) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_routed_text (ordinal int, conversation text) ON COMMIT DROP;
END
$$;
COMMENT ON FUNCTION @extschema@.import_routed_scratch() IS
    'Internal to import() on a coordinator: its temporary tables, created or emptied';

-- import() on a coordinator: the text is read here (bad conversations are rejected or raise as on
-- one node), then each shard imports its conversations in one call, in the same transaction.
CREATE FUNCTION @extschema@.import_routed(doc text, strict boolean)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parsed refcursor;
    batch @extschema@.import_item[];
    batch_rejects int;
    unused int[];
    n int;
BEGIN
    rejected := 0;
    PERFORM @extschema@.import_routed_scratch();
    parsed := @extschema@.import_open(doc, strict);
    LOOP
        FETCH parsed INTO batch, batch_rejects, unused;
        EXIT WHEN NOT FOUND OR batch IS NULL;
        INSERT INTO pg_temp.gcstitch_routed
        SELECT i.ordinal, i.conversation_id,
               ARRAY(SELECT g.client_id FROM unnest(i.segments) g
                      WHERE g.purpose = 'agent' AND g.client_id IS NOT NULL
                      GROUP BY g.client_id ORDER BY min(g.segment_start), g.client_id)
          FROM unnest(batch) i
         WHERE i.reason IS NULL;
        IF batch_rejects > 0 THEN
            INSERT INTO @extschema@.import_reject (conversation_id, json_path, sqlstate, reason, conversation)
            SELECT i.conversation_id, i.json_path, i.sqlstate, i.reason, i.conversation
              FROM unnest(batch) i
             WHERE i.reason IS NOT NULL
             ORDER BY i.ordinal;
            GET DIAGNOSTICS n = ROW_COUNT;
            rejected := rejected + n;
        END IF;
    END LOOP;
    CLOSE parsed;

    -- The importers' lock of import(): routing reads and extends the directory.
    PERFORM pg_catalog.pg_advisory_xact_lock(1734570867, 0);
    PERFORM @extschema@.import_route();
    INSERT INTO pg_temp.gcstitch_routed_text
    SELECT c.ordinal, c.conversation
      FROM @extschema@.import_conversations(doc, ARRAY(SELECT r.ordinal FROM pg_temp.gcstitch_routed r
                                                       ORDER BY r.ordinal)) c;
    n := rejected;
    SELECT s.conversations, s.segments, s.metrics, s.replaced, s.rejected
      INTO conversations, segments, metrics, replaced, rejected
      FROM @extschema@.import_send(strict) s;
    rejected := rejected + n;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.import_routed(text, boolean) IS
    'Internal to import() on a coordinator: reads the text, routes each conversation to its shards, imports them there; counts as import() on one node';

-- The directory extended for the conversations of the text: an owner for each new client id, a
-- home for each new conversation, and a replica wherever another of its client ids is owned.
-- A conversation's shards are those of all its versions in the text and before, so that every
-- shard holding it sees every version and keeps the same one.
CREATE FUNCTION @extschema@.import_route() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO @extschema@.shard_client (client_id, shard_id)
    SELECT c.client_id, @extschema@.shard_draw(c.client_id)
      FROM (SELECT DISTINCT u.client_id FROM pg_temp.gcstitch_routed r, unnest(r.clients) u(client_id)) c
     ORDER BY c.client_id
    ON CONFLICT DO NOTHING;

    INSERT INTO @extschema@.shard_conversation (conversation_id, shard_id, home)
    SELECT f.conversation_id, coalesce(k.shard_id, @extschema@.shard_draw(f.conversation_id)), true
      FROM (SELECT r.conversation_id,
                   (array_agg(r.clients[1] ORDER BY r.ordinal) FILTER (WHERE cardinality(r.clients) > 0))[1]
                       AS first_client
              FROM pg_temp.gcstitch_routed r
             GROUP BY r.conversation_id) f
      LEFT JOIN @extschema@.shard_client k ON k.client_id = f.first_client
     WHERE NOT EXISTS (SELECT FROM @extschema@.shard_conversation x
                        WHERE x.conversation_id = f.conversation_id AND x.home)
     ORDER BY f.conversation_id;

    INSERT INTO @extschema@.shard_conversation (conversation_id, shard_id, home)
    SELECT DISTINCT r.conversation_id, k.shard_id, false
      FROM pg_temp.gcstitch_routed r, unnest(r.clients) u(client_id)
      JOIN @extschema@.shard_client k ON k.client_id = u.client_id
    ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION @extschema@.import_route() IS
    'Internal to import() on a coordinator: extends the directory (owner of each new client id, home and replicas of each conversation) for the routed text';

-- Each shard's part of the text, in text order: its home conversations in one part, the ones it
-- holds for its client ids in another (their counts are the home shard's to give). The parts are
-- left on the shards, then all shards import theirs at once.
CREATE FUNCTION @extschema@.import_send(strict boolean)
    RETURNS TABLE (conversations int, segments int, metrics int, replaced int, rejected int)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT x.shard_id, x.home,
               '[' || string_agg(t.conversation, ',' ORDER BY r.ordinal) || ']' AS doc,
               CASE WHEN NOT x.home THEN array_agg(DISTINCT r.conversation_id) ELSE '{}' END AS replicas,
               coalesce((SELECT array_agg(DISTINCT u.client_id)
                           FROM pg_temp.gcstitch_routed r2
                           JOIN @extschema@.shard_conversation x2
                             ON x2.conversation_id = r2.conversation_id AND x2.shard_id = x.shard_id AND x2.home = x.home,
                                unnest(r2.clients) u(client_id)
                           JOIN @extschema@.shard_client k ON k.client_id = u.client_id
                          WHERE k.shard_id <> x.shard_id), '{}') AS foreign_clients
          FROM pg_temp.gcstitch_routed r
          JOIN pg_temp.gcstitch_routed_text t USING (ordinal)
          JOIN @extschema@.shard_conversation x ON x.conversation_id = r.conversation_id
         GROUP BY x.shard_id, x.home
         ORDER BY x.shard_id, x.home DESC
    LOOP
        EXECUTE pg_catalog.format('INSERT INTO %s (doc, strict_import, replica_conversations, foreign_clients) '
                                  'VALUES ($1, $2, $3, $4)', @extschema@.shard_table(part.shard_id, 'pending'))
            USING part.doc, strict, part.replicas, part.foreign_clients;
    END LOOP;
    RETURN QUERY
    SELECT coalesce(sum(i.conversations), 0)::int, coalesce(sum(i.segments), 0)::int,
           coalesce(sum(i.metrics), 0)::int, coalesce(sum(i.replaced), 0)::int, coalesce(sum(i.rejected), 0)::int
      FROM @extschema@.sharded_imported i
     WHERE i.home;
END
$$;
COMMENT ON FUNCTION @extschema@.import_send(boolean) IS
    'Internal to import() on a coordinator: leaves each shard its part of the routed text (shard_<id>_pending), then has all shards import at once (sharded_imported); the home parts'' counts';
