-- Part 08: what this database owns when it is a shard of a coordinator (issue 15). The coordinator
-- stores a conversation whose agent pieces carry several client ids whole on several shards: on its
-- home shard, and as a replica on the shard owning each of its other client ids. Every shard computes
-- from all its rows, but its interval figures count only what it owns, so that the coordinator can
-- add the shards' figures up. Both tables are written by the coordinator's routing together with the
-- conversations; on a single node they stay empty and nothing changes.

CREATE TABLE @extschema@.shard_replica (
    conversation_id text PRIMARY KEY
);
COMMENT ON TABLE @extschema@.shard_replica IS
    'Shard of a coordinator (issue 15): conversations stored here as a replica, their home being another shard; their queue visits and reported metrics, and the interactions without a client id whose first conversation they are, count in no interval figure here. Written by the coordinator''s routing with the conversations; empty on a single node';
COMMENT ON COLUMN @extschema@.shard_replica.conversation_id IS 'Conversation whose home is another shard';

CREATE TABLE @extschema@.shard_foreign_client (
    client_id text PRIMARY KEY
);
COMMENT ON TABLE @extschema@.shard_foreign_client IS
    'Shard of a coordinator (issue 15): client ids another shard owns (they appear here in replicas only); their interactions count in no interval figure here. Written by the coordinator''s routing with the conversations; empty on a single node';
COMMENT ON COLUMN @extschema@.shard_foreign_client.client_id IS 'Softphone client id owned by another shard';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_replica', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.shard_foreign_client', '');
-- Analyzed while empty: the planner takes a never analyzed table for 10 pages of rows, and the views'
-- anti-joins would then expect most client ids to be listed (an hour of queue_call: 1 row for 1,540).
ANALYZE @extschema@.shard_replica, @extschema@.shard_foreign_client;
