-- Part 30: per-queue service level targets, the service_level type, its aggregates and accessors.

CREATE TABLE @extschema@.queue (
    queue_id          text PRIMARY KEY,
    name              text,
    sl_target_percent numeric NOT NULL DEFAULT 80
                      CHECK (sl_target_percent OPERATOR(pg_catalog.>=) 0
                             AND sl_target_percent OPERATOR(pg_catalog.<=) 100),
    sl_threshold      interval NOT NULL DEFAULT '20 seconds' CHECK (sl_threshold OPERATOR(pg_catalog.>=) '0')
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

-- A queue's threshold and target from its row (NULL: no row): the views, refresh(),
-- queue_threshold() and queue_target_percent() take the defaults from here. A single expression, so the planner inlines it.
CREATE FUNCTION @extschema@.sl_threshold_or_default(sl_threshold interval) RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(sl_threshold, interval '20 seconds');
COMMENT ON FUNCTION @extschema@.sl_threshold_or_default(interval) IS
    'Service level threshold of a queue given its gcstitch.queue.sl_threshold: that value, or 20 seconds (the column default) for NULL, a queue without a row';

CREATE FUNCTION @extschema@.sl_target_percent_or_default(sl_target_percent numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(sl_target_percent, 80::numeric);
COMMENT ON FUNCTION @extschema@.sl_target_percent_or_default(numeric) IS
    'Service level target of a queue given its gcstitch.queue.sl_target_percent: that value, or 80 (the column default) for NULL, a queue without a row';

CREATE FUNCTION @extschema@.queue_threshold(queue_id text) RETURNS interval
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN @extschema@.sl_threshold_or_default(
        (SELECT q.sl_threshold FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1));
COMMENT ON FUNCTION @extschema@.queue_threshold(text) IS
    'Service level threshold of a queue: gcstitch.queue.sl_threshold, 20 seconds for a queue without a row';

CREATE FUNCTION @extschema@.queue_target_percent(queue_id text) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    RETURN @extschema@.sl_target_percent_or_default(
        (SELECT q.sl_target_percent FROM @extschema@.queue q WHERE q.queue_id OPERATOR(pg_catalog.=) $1));
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
