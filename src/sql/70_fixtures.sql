-- Part 70: deterministic synthetic exports with known answers, for tests of gcstitch and of the
-- reports built on it (issue 16). sample_plan() decides every call (agents, times, fragments,
-- transfers, abandons, outbound calls) with a seeded generator; sample_export() renders the plan as
-- Genesys Cloud async job result pages; sample_truth() computes each call's true figures from the
-- same plan by arithmetic, never by stitching. Integer milliseconds and md5 only: the same arguments
-- give the same bytes on any machine.

-- The seeded generator: an integer drawn uniformly from [lo, hi] for one named decision of the plan
-- (60 bits of md5(seed/stream)). Naming each decision keeps the other decisions of a call unchanged
-- when an option turns one off.
CREATE FUNCTION @extschema@.sample_draw(seed int, stream text, lo bigint, hi bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lo + pg_catalog.mod(('x' || pg_catalog.left(pg_catalog.md5(seed::text || '/' || stream), 15))::bit(60)::bigint,
                               hi - lo + 1);
COMMENT ON FUNCTION @extschema@.sample_draw(int, text, bigint, bigint) IS
    'Internal to the sample generator: an integer uniformly drawn from [lo, hi], a function of seed and the decision''s name only';

-- One call leg of the plan: an agent's part of a call, or an abandoned call (times in milliseconds
-- from t0, 08:00 local time of the day).
CREATE TYPE @extschema@.sample_leg AS (
    call_no         int,        -- the customer's call (a transferred call has legs 1 and 2)
    leg_no          int,
    kind            text,       -- inbound, transfer (leg 2), outbound, abandon
    t0              timestamptz,
    agent_no        int,
    user_id         text,
    client_id       text,
    queue_no        int,
    queue_id        text,
    conversation_id text,
    ani             text,       -- the customer's number (fictional range)
    queued_ms       bigint,     -- queue entry (the transfer instant for leg 2)
    route_ms        bigint,     -- alert start (dialing start for outbound); abandon: queue exit
    answer_ms       bigint,     -- first interact
    hold_start_ms   bigint,     -- NULL without hold
    hold_end_ms     bigint,
    talk_end_ms     bigint,     -- end of the last interact
    wrap_end_ms     bigint,     -- end of wrap-up
    transfer_out    boolean,    -- the leg ends by transferring the customer to leg 2
    customer_end_ms bigint,     -- the customer hangs up (leg 1: end of the call's last leg)
    cut_ms          bigint[],   -- softphone reconnects: where each agent piece stops
    resume_ms       bigint[],   -- where the next piece starts (after dead air, or 1-2 s before)
    piece_conversation_ids text[],  -- conversation of each later piece
    piece_requeued  boolean[]   -- the piece's new conversation passes through the queue for 1 s
);
COMMENT ON TYPE @extschema@.sample_leg IS
    'Internal to the sample generator: one planned call leg (times in milliseconds from t0)';

CREATE FUNCTION @extschema@.sample_check(agents int, calls_per_agent int, fragment_pct int,
                                          transfer_pct int, abandon_pct int, outbound_pct int, page_size int)
    RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF agents < 1 OR agents > 10000 THEN
        RAISE EXCEPTION 'agents must be between 1 and 10000, not %', agents USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF calls_per_agent < 0 OR calls_per_agent > 10000 THEN
        RAISE EXCEPTION 'calls_per_agent must be between 0 and 10000, not %', calls_per_agent
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF least(fragment_pct, transfer_pct, abandon_pct, outbound_pct) < 0
       OR greatest(fragment_pct, transfer_pct, abandon_pct, outbound_pct) > 100 THEN
        RAISE EXCEPTION 'percentages must be between 0 and 100'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('fragment_pct %s, transfer_pct %s, abandon_pct %s, outbound_pct %s.',
                                  fragment_pct, transfer_pct, abandon_pct, outbound_pct);
    END IF;
    IF page_size < 1 THEN
        RAISE EXCEPTION 'page_size must be at least 1, not %', page_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_check(int, int, int, int, int, int, int) IS
    'Internal to the sample generator: true, or 22023 for arguments out of range';

-- An instant of the plan: t0 plus a number of milliseconds (no day or month units, so the session
-- TimeZone plays no part).
CREATE FUNCTION @extschema@.sample_at(t0 timestamptz, ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN t0 + ms * interval '1 millisecond';
COMMENT ON FUNCTION @extschema@.sample_at(timestamptz, bigint) IS
    'Internal to the sample generator: t0 plus ms milliseconds';

-- The agent who takes the next call: the first free (ties: the lowest number) among those with
-- calls left, other than except_agent.
CREATE FUNCTION @extschema@.sample_next_agent(free_at bigint[], taken int[], calls_per_agent int, except_agent int)
    RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT n FROM pg_catalog.generate_subscripts(free_at, 1) n
    WHERE taken[n] < calls_per_agent AND n <> except_agent
    ORDER BY free_at[n], n
    LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.sample_next_agent(bigint[], int[], int, int) IS
    'Internal to the sample generator: the agent free first among those with calls left';

-- Idle time before an agent's next call: 1-21 s for a busy agent, 35-55 s (more than the default
-- 30 s gap tolerance) otherwise.
CREATE FUNCTION @extschema@.sample_idle(seed int, k text, busy boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN busy THEN @extschema@.sample_draw(seed, k || 'idle', 1000, 21000)
                ELSE @extschema@.sample_draw(seed, k || 'idle', 35000, 55000) END;
COMMENT ON FUNCTION @extschema@.sample_idle(int, text, boolean) IS
    'Internal to the sample generator: idle milliseconds before an agent''s next call';

-- A leg for agent number agent, routed at route_ms: its agent, queue, conversation and caller.
CREATE FUNCTION @extschema@.sample_agent_leg(seed int, d text, k text, t0 timestamptz, call_no int, leg_no int,
                                              agent int, nqueues int, route_ms bigint)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    leg @extschema@.sample_leg;
BEGIN
    leg.call_no := call_no;
    leg.leg_no := leg_no;
    leg.t0 := t0;
    leg.agent_no := agent;
    leg.user_id := format('a0000000-0000-4000-8000-%s', lpad(agent::text, 12, '0'));
    -- the softphone's id lasts one login: one a day
    leg.client_id := format('webrtc-agent%s-%s', lpad(agent::text, 4, '0'), replace(d, '-', ''));
    leg.queue_no := (agent - 1) % nqueues + 1;
    leg.queue_id := format('f0000000-0000-4000-8000-%s', lpad(leg.queue_no::text, 12, '0'));
    leg.conversation_id := md5(format('gcstitch sample %s %s conversation', seed, k))::uuid::text;
    -- a number of the range reserved for fiction (ARCEP: 06 39 98 xx xx)
    leg.ani := format('tel:+3363998%s', lpad(@extschema@.sample_draw(seed, k || 'ani', 0, 9999)::text, 4, '0'));
    leg.route_ms := route_ms;
    leg.transfer_out := false;
    RETURN leg;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_agent_leg(int, text, text, timestamptz, int, int, int, int, bigint) IS
    'Internal to the sample generator: a planned leg with its agent, queue, conversation and caller';

-- A caller who gives up in the queue of leg, entering it up to a minute before leg's caller.
CREATE FUNCTION @extschema@.sample_abandon(seed int, k text, leg @extschema@.sample_leg, call_no int)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ab @extschema@.sample_leg;
BEGIN
    ab.call_no := call_no;
    ab.leg_no := 1;
    ab.kind := 'abandon';
    ab.t0 := leg.t0;
    ab.queue_no := leg.queue_no;
    ab.queue_id := leg.queue_id;
    ab.conversation_id := md5(format('gcstitch sample %s %s conversation', seed, k))::uuid::text;
    ab.ani := format('tel:+3363998%s', lpad(@extschema@.sample_draw(seed, k || 'ani', 0, 9999)::text, 4, '0'));
    ab.queued_ms := greatest(0, leg.queued_ms - @extschema@.sample_draw(seed, k || 'arrival', 0, 60000));
    ab.route_ms := ab.queued_ms + @extschema@.sample_draw(seed, k || 'patience', 2000, 60000);
    ab.customer_end_ms := ab.route_ms;
    ab.transfer_out := false;
    ab.cut_ms := '{}';
    ab.resume_ms := '{}';
    ab.piece_conversation_ids := '{}';
    ab.piece_requeued := '{}';
    RETURN ab;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_abandon(int, text, @extschema@.sample_leg, int) IS
    'Internal to the sample generator: an abandoned call in the queue of a planned leg';

-- The agent timeline of one leg after it is routed at route_ms: alert (or dialing), talk with an
-- optional hold, wrap-up, and the softphone reconnects that cut the first stretch of talk.
CREATE FUNCTION @extschema@.sample_timeline(seed int, k text, leg @extschema@.sample_leg, talk_mean_ms bigint,
                                             fragment_pct int)
    RETURNS @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    talk bigint := 30000 + @extschema@.sample_draw(seed, k || 'talk1', 0, talk_mean_ms - 30000)
                         + @extschema@.sample_draw(seed, k || 'talk2', 0, talk_mean_ms - 30000);
    first_end bigint;
    stretch bigint;
    ncuts int := 0;
    c bigint;
BEGIN
    leg.answer_ms := leg.route_ms + CASE WHEN leg.kind = 'outbound'
                                         THEN @extschema@.sample_draw(seed, k || 'dialing', 3000, 15000)
                                         ELSE @extschema@.sample_draw(seed, k || 'alert', 2000, 7000) END;
    leg.talk_end_ms := leg.answer_ms + talk;
    first_end := leg.talk_end_ms;
    IF @extschema@.sample_draw(seed, k || 'hold?', 0, 99) < 30 THEN
        leg.hold_start_ms := leg.answer_ms + talk * @extschema@.sample_draw(seed, k || 'hold at', 30, 70) / 100;
        leg.hold_end_ms := leg.hold_start_ms + @extschema@.sample_draw(seed, k || 'hold', 15000, 90000);
        leg.talk_end_ms := leg.talk_end_ms + (leg.hold_end_ms - leg.hold_start_ms);
        first_end := leg.hold_start_ms;
    END IF;
    leg.wrap_end_ms := leg.talk_end_ms + @extschema@.sample_draw(seed, k || 'wrapup', 15000, 75000);

    -- Reconnects cut the first stretch of talk, away from its ends: one, or two when it is long.
    stretch := first_end - leg.answer_ms;
    IF @extschema@.sample_draw(seed, k || 'cut?', 0, 99) < fragment_pct AND stretch >= 60000 THEN
        ncuts := CASE WHEN stretch >= 120000 AND @extschema@.sample_draw(seed, k || 'cuts', 0, 99) < 20 THEN 2 ELSE 1 END;
    END IF;
    leg.cut_ms := '{}';
    leg.resume_ms := '{}';
    leg.piece_conversation_ids := '{}';
    leg.piece_requeued := '{}';
    FOR i IN 1..ncuts LOOP
        c := CASE WHEN ncuts = 1 THEN @extschema@.sample_draw(seed, k || 'cut', leg.answer_ms + 10000, first_end - 25000)
                  WHEN i = 1 THEN @extschema@.sample_draw(seed, k || 'cut1', leg.answer_ms + 10000,
                                                          leg.answer_ms + stretch / 2 - 25000)
                  ELSE @extschema@.sample_draw(seed, k || 'cut2', leg.answer_ms + stretch / 2 + 5000, first_end - 25000) END;
        leg.cut_ms := leg.cut_ms || c;
        -- 15 %: the new piece re-reports a second or two; otherwise 2-20 s of dead air
        leg.resume_ms := leg.resume_ms ||
            CASE WHEN @extschema@.sample_draw(seed, k || 'overlap?' || i, 0, 99) < 15
                 THEN c - @extschema@.sample_draw(seed, k || 'overlap' || i, 1000, 2000)
                 ELSE c + @extschema@.sample_draw(seed, k || 'dead air' || i, 2000, 20000) END;
        -- half the pieces come back as a new conversation, half of those through the queue
        IF @extschema@.sample_draw(seed, k || 'new conversation?' || i, 0, 1) = 1 THEN
            leg.piece_conversation_ids := leg.piece_conversation_ids ||
                pg_catalog.md5(format('gcstitch sample %s %s piece %s', seed, k, i))::uuid::text;
            leg.piece_requeued := leg.piece_requeued ||
                (leg.queue_id IS NOT NULL AND @extschema@.sample_draw(seed, k || 'requeued' || i, 0, 1) = 1);
        ELSE
            leg.piece_conversation_ids := leg.piece_conversation_ids || leg.conversation_id;
            leg.piece_requeued := leg.piece_requeued || false;
        END IF;
    END LOOP;
    RETURN leg;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_timeline(int, text, @extschema@.sample_leg, bigint, int) IS
    'Internal to the sample generator: the agent timeline and reconnects of one planned leg';

-- The plan: agents take calls in turn, each as soon as it is free (after 1-21 s of idle time when
-- busy, 35-55 s otherwise); each call is outbound, or inbound from the agent's queue (then maybe
-- transferred to the free-est other agent's queue, maybe accompanied by an abandoned call).
CREATE FUNCTION @extschema@.sample_plan(day date, agents int, calls_per_agent int, seed int,
                                         fragment_pct int, busy boolean, transfer_pct int,
                                         abandon_pct int, outbound_pct int, time_zone text)
    RETURNS SETOF @extschema@.sample_leg
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 200 SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d text := to_char(day, 'YYYY-MM-DD');   -- keys never depend on DateStyle
    nqueues int := least(3, agents);
    talk_mean_ms bigint[] := '{260000,330000,200000}';
    free_at bigint[];
    taken int[] := array_fill(0, ARRAY[agents]);
    a int;
    b int;
    call_no int := 0;
    k text;
    t0 timestamptz := (day + time '08:00') AT TIME ZONE time_zone;
    leg @extschema@.sample_leg;
    leg2 @extschema@.sample_leg;
BEGIN
    PERFORM @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct, outbound_pct, 1);
    free_at := ARRAY(SELECT @extschema@.sample_draw(seed, format('%s/start/%s', d, n), 0, 120000)
                     FROM pg_catalog.generate_series(1, agents) n ORDER BY n);
    LOOP
        a := @extschema@.sample_next_agent(free_at, taken, calls_per_agent, 0);
        EXIT WHEN a IS NULL;
        call_no := call_no + 1;
        k := format('%s/%s/', d, call_no);
        leg := @extschema@.sample_agent_leg(seed, d, k, t0, call_no, 1, a, nqueues,
                                            free_at[a] + @extschema@.sample_idle(seed, k, busy));
        leg.kind := CASE WHEN @extschema@.sample_draw(seed, k || 'outbound?', 0, 99) < outbound_pct
                         THEN 'outbound' ELSE 'inbound' END;
        IF leg.kind = 'inbound' THEN
            leg.queued_ms := leg.route_ms - @extschema@.sample_draw(seed, k || 'wait', 0, 30000);
        ELSE
            leg.queue_no := NULL;
            leg.queue_id := NULL;
        END IF;
        leg := @extschema@.sample_timeline(seed, k, leg, CASE WHEN leg.kind = 'outbound' THEN 180000
                                                              ELSE talk_mean_ms[leg.queue_no] END, fragment_pct);
        leg.customer_end_ms := leg.talk_end_ms;
        taken[a] := taken[a] + 1;
        free_at[a] := leg.wrap_end_ms;

        b := CASE WHEN leg.kind = 'inbound' AND @extschema@.sample_draw(seed, k || 'transfer?', 0, 99) < transfer_pct
                  THEN @extschema@.sample_next_agent(free_at, taken, calls_per_agent, a) END;
        IF b IS NOT NULL THEN
            -- the customer waits in agent b's queue from the transfer until b is free
            leg.transfer_out := true;
            leg2 := @extschema@.sample_agent_leg(seed, d, k || 'leg2/', t0, call_no, 2, b, nqueues,
                        greatest(free_at[b] + @extschema@.sample_idle(seed, k || 'leg2/', busy),
                                 leg.talk_end_ms + @extschema@.sample_draw(seed, k || 'leg2/wait', 1000, 20000)));
            leg2.kind := 'transfer';
            leg2.conversation_id := leg.conversation_id;
            leg2.ani := leg.ani;
            leg2.queued_ms := leg.talk_end_ms;
            leg2 := @extschema@.sample_timeline(seed, k || 'leg2/', leg2, talk_mean_ms[leg2.queue_no], fragment_pct);
            leg2.customer_end_ms := leg2.talk_end_ms;
            leg.customer_end_ms := leg2.talk_end_ms;
            taken[b] := taken[b] + 1;
            free_at[b] := leg2.wrap_end_ms;
            RETURN NEXT leg;
            RETURN NEXT leg2;
        ELSE
            RETURN NEXT leg;
        END IF;

        IF leg.kind = 'inbound' AND @extschema@.sample_draw(seed, k || 'abandon?', 0, 99) < abandon_pct THEN
            call_no := call_no + 1;
            RETURN NEXT @extschema@.sample_abandon(seed, format('%s/%s/', d, call_no), leg, call_no);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_plan(date, int, int, int, int, boolean, int, int, int, text) IS
    'Internal to the sample generator: every planned call leg of the synthetic day';

-- One row of a rendered export: a segment (segment_type set) or a metric (metric_name set) of a
-- session of a participant of a conversation.
CREATE TYPE @extschema@.sample_row AS (
    conversation_id       text,
    originating_direction text,
    participant_id        text,
    participant_name      text,
    purpose               text,
    user_id               text,
    client_id             text,
    session_id            text,
    direction             text,
    ani                   text,
    dnis                  text,
    queue_id              text,
    segment_type          text,
    segment_start         timestamptz,
    segment_end           timestamptz,
    disconnect_type       text,
    wrap_up_code          text,
    metric_name           text,
    metric_value          bigint,
    emit_date             timestamptz
);
COMMENT ON TYPE @extschema@.sample_row IS
    'Internal to the sample generator: one segment or metric of the rendered export';

-- A session of its own participant; ids derived from the conversation and key.
CREATE FUNCTION @extschema@.sample_session(conversation_id text, originating_direction text, key text,
                                            purpose text, participant_name text, user_id text, client_id text,
                                            direction text, ani text, dnis text, queue_id text)
    RETURNS @extschema@.sample_row
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ROW(conversation_id, originating_direction,
               pg_catalog.md5('gcstitch sample participant ' || conversation_id || key)::uuid::text,
               participant_name, purpose, user_id, client_id,
               pg_catalog.md5('gcstitch sample session ' || conversation_id || key)::uuid::text,
               direction, ani, dnis, queue_id,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::@extschema@.sample_row;
COMMENT ON FUNCTION @extschema@.sample_session(text, text, text, text, text, text, text, text, text, text, text) IS
    'Internal to the sample generator: the participant and session fields of a rendered session';

CREATE FUNCTION @extschema@.sample_segment(session @extschema@.sample_row, segment_type text, t0 timestamptz,
                                            start_ms bigint, end_ms bigint, disconnect_type text, wrap_up_code text)
    RETURNS @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    session.segment_type := segment_type;
    session.segment_start := @extschema@.sample_at(t0, start_ms);
    session.segment_end := @extschema@.sample_at(t0, end_ms);
    session.disconnect_type := disconnect_type;
    session.wrap_up_code := wrap_up_code;
    RETURN session;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_segment(@extschema@.sample_row, text, timestamptz, bigint, bigint, text, text) IS
    'Internal to the sample generator: a segment of a rendered session';

CREATE FUNCTION @extschema@.sample_metric(session @extschema@.sample_row, name text, value bigint, t0 timestamptz,
                                           emit_ms bigint)
    RETURNS @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    session.metric_name := name;
    session.metric_value := value;
    session.emit_date := @extschema@.sample_at(t0, emit_ms);
    RETURN session;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_metric(@extschema@.sample_row, text, bigint, timestamptz, bigint) IS
    'Internal to the sample generator: a metric of a rendered session';

-- A queue visit: the acd participant from queued_ms to left_ms, left by a transfer to an agent (or,
-- abandoned, by the caller hanging up).
CREATE FUNCTION @extschema@.sample_queue_rows(conversation_id text, key text, queue_no int, queue_id text,
                                               t0 timestamptz, queued_ms bigint, left_ms bigint, abandoned boolean)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acd @extschema@.sample_row := @extschema@.sample_session(conversation_id, 'inbound', key, 'acd',
                                      (ARRAY['Sales', 'Support', 'Billing'])[queue_no], NULL, NULL, 'inbound',
                                      NULL, NULL, queue_id);
BEGIN
    RETURN NEXT @extschema@.sample_segment(acd, 'interact', t0, queued_ms, left_ms,
                                           CASE WHEN abandoned THEN 'peer' ELSE 'transfer' END, NULL);
    RETURN NEXT @extschema@.sample_metric(acd, 'nOffered', 1, t0, queued_ms);
    RETURN NEXT @extschema@.sample_metric(acd, 'tAcd', left_ms - queued_ms, t0, left_ms);
    IF abandoned THEN
        RETURN NEXT @extschema@.sample_metric(acd, 'tAbandon', left_ms - queued_ms, t0, left_ms);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_queue_rows(text, text, int, text, timestamptz, bigint, bigint, boolean) IS
    'Internal to the sample generator: the acd participant of one queue visit';

-- The customer's side of a conversation: one interact segment.
CREATE FUNCTION @extschema@.sample_customer_row(leg @extschema@.sample_leg, conversation_id text, start_ms bigint,
                                                 end_ms bigint)
    RETURNS @extschema@.sample_row
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN @extschema@.sample_segment(
        @extschema@.sample_session(conversation_id, CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END,
                                   '/customer', CASE WHEN leg.kind = 'outbound' THEN 'external' ELSE 'customer' END,
                                   'Customer ' || leg.call_no, NULL, NULL,
                                   CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END,
                                   leg.ani, 'tel:+3319900' || pg_catalog.lpad(coalesce(leg.queue_no, 0)::text, 4, '0'),
                                   NULL),
        'interact', leg.t0, start_ms, end_ms, 'peer', NULL);
COMMENT ON FUNCTION @extschema@.sample_customer_row(@extschema@.sample_leg, text, bigint, bigint) IS
    'Internal to the sample generator: the customer participant of a conversation';

-- Agent piece j of leg (pieces are cut apart by reconnects): the uncut timeline clipped to the
-- piece, with the metrics Genesys emits for an agent session.
CREATE FUNCTION @extschema@.sample_piece_rows(leg @extschema@.sample_leg, j int)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    last boolean := j = cardinality(leg.cut_ms) + 1;
    piece_start bigint := CASE WHEN j = 1 THEN leg.route_ms ELSE leg.resume_ms[j - 1] END;
    piece_end bigint := CASE WHEN last THEN leg.wrap_end_ms ELSE leg.cut_ms[j] END;
    conv text := CASE WHEN j = 1 THEN leg.conversation_id ELSE leg.piece_conversation_ids[j - 1] END;
    dir text := CASE WHEN leg.kind = 'outbound' THEN 'outbound' ELSE 'inbound' END;
    agent @extschema@.sample_row := @extschema@.sample_session(conv, dir, format('/agent/%s/%s', leg.leg_no, j),
                                        'agent', 'Agent ' || lpad(leg.agent_no::text, 4, '0'), leg.user_id,
                                        leg.client_id, dir, NULL, NULL, leg.queue_id);
    seg record;
    first_interact boolean := true;
    talk bigint := 0;
    held bigint := 0;
    acw bigint := 0;
BEGIN
    FOR seg IN
        SELECT t.typ, greatest(t.s, piece_start) AS s, least(t.e, piece_end) AS e
        FROM (VALUES (CASE WHEN leg.kind = 'outbound' THEN 'dialing' ELSE 'alert' END, leg.route_ms, leg.answer_ms),
                     ('interact', leg.answer_ms, coalesce(leg.hold_start_ms, leg.talk_end_ms)),
                     ('hold', leg.hold_start_ms, leg.hold_end_ms),
                     ('interact', leg.hold_end_ms, leg.talk_end_ms),
                     ('wrapup', leg.talk_end_ms, leg.wrap_end_ms)) t(typ, s, e)
        WHERE t.s IS NOT NULL AND greatest(t.s, piece_start) < least(t.e, piece_end)
        ORDER BY 2
    LOOP
        RETURN NEXT @extschema@.sample_segment(agent, seg.typ, leg.t0, seg.s, seg.e,
            CASE WHEN NOT last AND seg.e = piece_end THEN 'transportFailure'
                 WHEN seg.typ = 'interact' AND seg.e = leg.talk_end_ms
                     THEN CASE WHEN leg.transfer_out THEN 'transfer' ELSE 'client' END END,
            CASE WHEN seg.typ = 'wrapup'
                 THEN format('c0000000-0000-4000-8000-%s', lpad(coalesce(leg.queue_no, 0)::text, 12, '0')) END);
        CASE seg.typ
            WHEN 'alert' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'tAlert', seg.e - seg.s, leg.t0, seg.e);
            WHEN 'dialing' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'nOutbound', 1, leg.t0, seg.s);
                RETURN NEXT @extschema@.sample_metric(agent, 'tDialing', seg.e - seg.s, leg.t0, seg.e);
            WHEN 'interact' THEN
                -- every piece reports an answer: the wait, then each reconnect's dead air (the distortion)
                IF first_interact AND leg.kind <> 'outbound' THEN
                    RETURN NEXT @extschema@.sample_metric(agent, 'tAnswered',
                        CASE WHEN j = 1 THEN leg.answer_ms - leg.queued_ms
                             ELSE abs(leg.resume_ms[j - 1] - leg.cut_ms[j - 1]) END, leg.t0, seg.s);
                END IF;
                first_interact := false;
                RETURN NEXT @extschema@.sample_metric(agent, 'tTalk', seg.e - seg.s, leg.t0, seg.e);
                talk := talk + (seg.e - seg.s);
            WHEN 'hold' THEN
                RETURN NEXT @extschema@.sample_metric(agent, 'tHeld', seg.e - seg.s, leg.t0, seg.e);
                held := held + (seg.e - seg.s);
            ELSE
                RETURN NEXT @extschema@.sample_metric(agent, 'tAcw', seg.e - seg.s, leg.t0, seg.e);
                acw := acw + (seg.e - seg.s);
        END CASE;
    END LOOP;
    IF last AND leg.transfer_out THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'nTransferred', 1, leg.t0, leg.talk_end_ms);
    END IF;
    IF talk > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tTalkComplete', talk, leg.t0, piece_end);
    END IF;
    IF held > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tHeldComplete', held, leg.t0, piece_end);
    END IF;
    IF talk + held + acw > 0 THEN
        RETURN NEXT @extschema@.sample_metric(agent, 'tHandle', talk + held + acw, leg.t0, piece_end);
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_piece_rows(@extschema@.sample_leg, int) IS
    'Internal to the sample generator: one agent session (a piece of a leg between reconnects) with its metrics';

-- Every row of one planned leg: the customer and queue visit of its conversation, each agent piece,
-- and the customer (and 1-second queue visit) of a piece that came back as a new conversation.
CREATE FUNCTION @extschema@.sample_leg_rows(leg @extschema@.sample_leg)
    RETURNS SETOF @extschema@.sample_row
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 20 SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    conv text;
BEGIN
    IF leg.kind = 'abandon' THEN
        RETURN NEXT @extschema@.sample_customer_row(leg, leg.conversation_id, leg.queued_ms, leg.route_ms);
        RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(leg.conversation_id, '/acd/1', leg.queue_no,
                                                                 leg.queue_id, leg.t0, leg.queued_ms, leg.route_ms, true);
        RETURN;
    END IF;
    IF leg.leg_no = 1 THEN
        RETURN NEXT @extschema@.sample_customer_row(leg, leg.conversation_id,
                                                    coalesce(leg.queued_ms, leg.answer_ms), leg.customer_end_ms);
    END IF;
    IF leg.queue_id IS NOT NULL THEN
        RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(leg.conversation_id, '/acd/' || leg.leg_no,
                                                                 leg.queue_no, leg.queue_id, leg.t0, leg.queued_ms,
                                                                 leg.route_ms, false);
    END IF;
    FOR j IN 1..cardinality(leg.cut_ms) + 1 LOOP
        RETURN QUERY SELECT * FROM @extschema@.sample_piece_rows(leg, j);
        conv := leg.piece_conversation_ids[j - 1];
        IF j > 1 AND conv <> leg.conversation_id THEN
            RETURN NEXT @extschema@.sample_customer_row(leg, conv, leg.resume_ms[j - 1] - 1000, leg.talk_end_ms);
            IF leg.piece_requeued[j - 1] THEN
                RETURN QUERY SELECT * FROM @extschema@.sample_queue_rows(conv, '/acd/1', leg.queue_no, leg.queue_id,
                                                                         leg.t0, leg.resume_ms[j - 1] - 1000,
                                                                         leg.resume_ms[j - 1], false);
            END IF;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.sample_leg_rows(@extschema@.sample_leg) IS
    'Internal to the sample generator: every segment and metric row of one planned leg';

-- A date as Genesys writes it: UTC, milliseconds, "Z" (numeric fields only: no locale, DateStyle or
-- TimeZone in play, so immutable although to_char is not in general).
CREATE FUNCTION @extschema@.sample_date_text(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
COMMENT ON FUNCTION @extschema@.sample_date_text(timestamptz) IS
    'Internal to the sample generator: a date in the Genesys export format';

CREATE FUNCTION @extschema@.sample_export(day date, agents int, calls_per_agent int, seed int,
                                           fragment_pct int DEFAULT 15, busy boolean DEFAULT true,
                                           transfer_pct int DEFAULT 5, abandon_pct int DEFAULT 10,
                                           outbound_pct int DEFAULT 10, time_zone text DEFAULT 'Europe/Paris',
                                           page_size int DEFAULT 100)
    RETURNS TABLE (page_no int, doc text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 10
    -- the planner cannot see how few rows the generator makes: JIT would cost more than the query
    SET jit = off
BEGIN ATOMIC
    WITH r AS (
        SELECT x.*
        FROM @extschema@.sample_plan(day, agents, calls_per_agent, seed, fragment_pct, busy, transfer_pct,
                                     abandon_pct, outbound_pct, time_zone) l,
             @extschema@.sample_leg_rows(l) x
        -- a constant condition: checked once, before any row
        WHERE @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct,
                                       outbound_pct, page_size)
    ),
    sess AS (
        SELECT r.conversation_id, r.participant_id, r.session_id, min(r.segment_start) AS first_start,
               json_build_object(
                   'sessionId', r.session_id, 'mediaType', 'voice', 'direction', min(r.direction),
                   'ani', min(r.ani), 'dnis', min(r.dnis),
                   'segments', json_agg(json_build_object(
                       'segmentStart', @extschema@.sample_date_text(r.segment_start),
                       'segmentEnd', @extschema@.sample_date_text(r.segment_end),
                       'segmentType', r.segment_type, 'queueId', r.queue_id,
                       'disconnectType', r.disconnect_type, 'wrapUpCode', r.wrap_up_code)
                       ORDER BY r.segment_start, r.segment_end) FILTER (WHERE r.segment_type IS NOT NULL),
                   'metrics', json_agg(json_build_object(
                       'name', r.metric_name, 'value', r.metric_value,
                       'emitDate', @extschema@.sample_date_text(r.emit_date))
                       ORDER BY r.emit_date, r.metric_name COLLATE "C") FILTER (WHERE r.metric_name IS NOT NULL)) AS obj
        FROM r
        GROUP BY r.conversation_id, r.participant_id, r.session_id
    ),
    part AS (
        SELECT s.conversation_id, s.participant_id, min(s.first_start) AS first_start,
               json_build_object(
                   'participantId', s.participant_id, 'participantName', min(p.participant_name),
                   'purpose', min(p.purpose), 'userId', min(p.user_id),
                   'attributes', CASE WHEN min(p.client_id) IS NOT NULL
                                      THEN json_build_object('X-Genesys-Client-Id', min(p.client_id)) END,
                   'sessions', json_agg(s.obj ORDER BY s.first_start, s.session_id COLLATE "C")) AS obj
        FROM sess s
        JOIN (SELECT DISTINCT r.conversation_id, r.participant_id, r.participant_name, r.purpose, r.user_id, r.client_id
              FROM r) p USING (conversation_id, participant_id)
        GROUP BY s.conversation_id, s.participant_id
    ),
    conv AS (
        SELECT p.conversation_id, b.conversation_start,
               json_build_object(
                   'conversationId', p.conversation_id,
                   'conversationStart', @extschema@.sample_date_text(b.conversation_start),
                   'conversationEnd', @extschema@.sample_date_text(b.conversation_end),
                   'originatingDirection', b.originating_direction,
                   'divisionIds', json_build_array('d0000000-0000-4000-8000-000000000001'),
                   'participants', json_agg(p.obj ORDER BY p.first_start, p.participant_id COLLATE "C")) AS obj
        FROM part p
        JOIN (SELECT r.conversation_id, min(r.segment_start) AS conversation_start,
                     max(r.segment_end) AS conversation_end, min(r.originating_direction) AS originating_direction
              FROM r GROUP BY r.conversation_id) b USING (conversation_id)
        GROUP BY p.conversation_id, b.conversation_start, b.conversation_end, b.originating_direction
    ),
    numbered AS (
        SELECT c.obj, row_number() OVER (ORDER BY c.conversation_start, c.conversation_id COLLATE "C") AS n
        FROM conv c
    ),
    paged AS (
        SELECT n.obj, n.n, (n.n - 1) / page_size + 1 AS page_no FROM numbered n
    )
    SELECT n.page_no::int,
           json_strip_nulls(json_build_object(
               'conversations', json_agg(n.obj ORDER BY n.n),
               'cursor', CASE WHEN n.page_no < max(n.page_no) OVER () THEN 'sample-page-' || (n.page_no + 1) END))::text
    FROM paged n
    GROUP BY n.page_no
    ORDER BY n.page_no;
END;
COMMENT ON FUNCTION @extschema@.sample_export(date, int, int, int, int, boolean, int, int, int, text, int) IS
    'A synthetic Genesys Cloud export, one async job result page a row: agents take calls_per_agent calls each from 08:00 '
    'local time, busy (1-21 s idle) or not (35-55 s), with softphone reconnects, transfers, abandons and outbound calls in '
    'the given percentages; the same arguments give the same bytes on any machine; sample_truth gives the answers';

CREATE FUNCTION @extschema@.sample_truth(day date, agents int, calls_per_agent int, seed int,
                                          fragment_pct int DEFAULT 15, busy boolean DEFAULT true,
                                          transfer_pct int DEFAULT 5, abandon_pct int DEFAULT 10,
                                          outbound_pct int DEFAULT 10, time_zone text DEFAULT 'Europe/Paris',
                                          page_size int DEFAULT 100)
    RETURNS TABLE (call_no int, leg_no int, outcome text, transferred boolean, user_id text, client_id text,
                   queue_id text, conversation_ids text[], queued_at timestamptz, started_at timestamptz,
                   answered_at timestamptz, left_queue_at timestamptz, ended_at timestamptz, fragments int,
                   alert interval, talk interval, hold interval, acw interval, dialing interval, handle interval,
                   gap interval, queue_wait interval, speed_of_answer interval)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 200
BEGIN ATOMIC
    WITH leg AS (
        SELECT l.*,
               -- dead air lost at the reconnects; re-reported seconds count once
               (SELECT coalesce(sum(greatest(u.r - u.c, 0)), 0) FROM unnest(l.cut_ms, l.resume_ms) u(c, r)) AS gap_ms,
               coalesce(l.hold_end_ms - l.hold_start_ms, 0) AS hold_ms,
               CASE WHEN l.kind = 'outbound' THEN l.answer_ms - l.route_ms ELSE 0 END AS dialing_ms,
               CASE WHEN l.kind IN ('inbound', 'transfer') THEN l.answer_ms - l.route_ms ELSE 0 END AS alert_ms
        FROM @extschema@.sample_plan(day, agents, calls_per_agent, seed, fragment_pct, busy, transfer_pct,
                                     abandon_pct, outbound_pct, time_zone) l
        WHERE @extschema@.sample_check(agents, calls_per_agent, fragment_pct, transfer_pct, abandon_pct,
                                       outbound_pct, page_size)
    )
    SELECT l.call_no, l.leg_no,
           CASE l.kind WHEN 'abandon' THEN 'abandoned' WHEN 'outbound' THEN 'outbound' ELSE 'answered' END,
           l.transfer_out,
           l.user_id, l.client_id, l.queue_id,
           l.conversation_id || ARRAY(SELECT u.c FROM unnest(l.piece_conversation_ids) WITH ORDINALITY u(c, o)
                                      WHERE u.c <> l.conversation_id ORDER BY u.o),
           @extschema@.sample_at(l.t0, l.queued_ms),
           @extschema@.sample_at(l.t0, CASE WHEN l.kind <> 'abandon' THEN l.route_ms END),
           @extschema@.sample_at(l.t0, l.answer_ms),
           @extschema@.sample_at(l.t0, CASE WHEN l.kind = 'abandon' THEN l.route_ms
                                            WHEN l.kind <> 'outbound' THEN l.answer_ms END),
           @extschema@.sample_at(l.t0, l.wrap_end_ms),
           -- an abandoned call has no agent: no agent measures
           CASE WHEN l.kind <> 'abandon' THEN cardinality(l.cut_ms) + 1 END,
           CASE WHEN l.kind <> 'abandon' THEN l.alert_ms * interval '1 millisecond' END,
           (l.talk_end_ms - l.answer_ms - l.hold_ms - l.gap_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.hold_ms * interval '1 millisecond' END,
           (l.wrap_end_ms - l.talk_end_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.dialing_ms * interval '1 millisecond' END,
           (l.wrap_end_ms - l.answer_ms - l.gap_ms + l.dialing_ms) * interval '1 millisecond',
           CASE WHEN l.kind <> 'abandon' THEN l.gap_ms * interval '1 millisecond' END,
           CASE WHEN l.kind = 'abandon' THEN (l.route_ms - l.queued_ms) * interval '1 millisecond'
                ELSE (l.answer_ms - l.queued_ms) * interval '1 millisecond' END,
           CASE WHEN l.kind IN ('inbound', 'transfer') THEN l.alert_ms * interval '1 millisecond' END
    FROM leg l
    ORDER BY l.call_no, l.leg_no;
END;
COMMENT ON FUNCTION @extschema@.sample_truth(date, int, int, int, int, boolean, int, int, int, text, int) IS
    'The true figures of sample_export(same arguments), one row per agent leg (a transferred call has two) and per '
    'abandoned call, computed from the generator''s plan (not by stitching): what gcstitch.interaction and '
    'gcstitch.queue_call must give back; page_size does not change them';
