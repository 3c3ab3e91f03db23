-- Part 50: the incremental refresh of the maintained analytics (part 45).
--
-- What a changed conversation can change, and what is recomputed for it:
-- * its reported metrics and its queue visits: they depend on its own rows only;
-- * interactions: every stored interaction that holds it, and every one its agent segments (as they
--   are now) can reach. A stitching key's segments fall apart into gap-components, separated by
--   gaps over the tolerance; the island rules (the gap rule, and the new-call rule, which only
--   splits inside a component) never look across such a gap, so recomputing whole components is
--   exact. The region recomputed for a key starts from the changed spans (old: the stored
--   interactions holding the conversation; new: its segments now) and grows by every stored
--   interaction within the tolerance of it until none is: its ends are then gaps over the
--   tolerance, before and after the change. Its segments are those of the conversations of the
--   stored interactions inside it plus the changed ones;
-- * interval rows: those of the instants (emitDates, interaction ends, queue entries, answers,
--   exits) of every stored row deleted or inserted above.
-- Interval rows are computed from the maintained tables only, never from the imported ones: each
-- maintained row names its conversations, so a change whose data a refresh saw before it saw the
-- change's log row (an import committed meanwhile) is found again, and redone, by the next refresh.
-- Refreshes take turns on the advisory lock (1734570869, 0); imports and readers never wait for one.
-- Cost: every read of a big table (segments, metrics, the maintained tables) is an index probe per
-- changed conversation, region or interval: a LATERAL subquery with OFFSET 0 is never flattened
-- into a join, so the planner cannot trade the probes for a scan of the whole history.

-- The scratch tables of one refresh, in the session's temporary schema, dropped at commit.
CREATE FUNCTION @extschema@.refresh_scratch() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.gcstitch_claimed') IS NOT NULL THEN
        TRUNCATE pg_temp.gcstitch_claimed, pg_temp.gcstitch_claimed_segment, pg_temp.gcstitch_claimed_metric,
                 pg_temp.gcstitch_touched, pg_temp.gcstitch_region, pg_temp.gcstitch_seed,
                 pg_temp.gcstitch_segment, pg_temp.gcstitch_visit, pg_temp.gcstitch_island, pg_temp.gcstitch_cell;
        RETURN;
    END IF;
    CREATE TEMP TABLE gcstitch_claimed (conversation_id text) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_claimed_segment (stitch_key text, conversation_id text, session_id text, segment_no int,
                                                purpose text, user_id text, client_id text, segment_type text,
                                                segment_start timestamptz, segment_end timestamptz, queue_id text,
                                                disconnect_type text) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_claimed_metric (conversation_id text, session_id text, purpose text, user_id text,
                                               name text, value bigint, emit_date timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_touched (ts timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_region (stitch_key text, lo timestamptz, hi timestamptz,
                                       old_before int, old_count int, new_count int) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_seed (stitch_key text, conversation_id text, lo timestamptz,
                                     hi timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_segment (stitch_key text, region_lo timestamptz, conversation_id text,
                                        session_id text, user_id text, client_id text, segment_type text,
                                        segment_start timestamptz, segment_end timestamptz) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_visit (LIKE @extschema@.queue_visit_store) ON COMMIT DROP;
    CREATE TEMP TABLE gcstitch_island (LIKE @extschema@.interaction_store) ON COMMIT DROP;
    ALTER TABLE pg_temp.gcstitch_island ADD COLUMN region_lo timestamptz;
    CREATE TEMP TABLE gcstitch_cell (interval_start timestamptz PRIMARY KEY) ON COMMIT DROP;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_scratch() IS
    'Internal to refresh(): creates (or empties) the temporary tables of one refresh';

-- Claims the change rows this transaction can see; returns true when one asks for a rebuild.
CREATE FUNCTION @extschema@.refresh_claim() RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH claimed AS (DELETE FROM @extschema@.change_log RETURNING conversation_id)
    INSERT INTO pg_temp.gcstitch_claimed SELECT DISTINCT c.conversation_id FROM claimed c;
    RETURN EXISTS (SELECT FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id IS NULL);
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_claim() IS
    'Internal to refresh(): moves the visible gcstitch.change_log rows into the claimed set; true when a TRUNCATE asks for a rebuild';

-- Everything is "changed": the stores are emptied and every conversation is claimed.
CREATE FUNCTION @extschema@.refresh_claim_all() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.reported_metric;
    DELETE FROM @extschema@.queue_visit_store;
    DELETE FROM @extschema@.interaction_store;
    DELETE FROM @extschema@.agent_interval_store;
    DELETE FROM @extschema@.queue_interval_store;
    UPDATE @extschema@.refresh_state SET island_span_bound = '0';
    TRUNCATE pg_temp.gcstitch_claimed;
    INSERT INTO pg_temp.gcstitch_claimed SELECT c.conversation_id FROM @extschema@.conversation c;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_claim_all() IS
    'Internal to refresh(): empties the maintained tables and claims every conversation (a rebuild)';

-- The segments and counted metrics of the claimed conversations, read once: one index probe per
-- conversation, or the whole tables for a rebuild.
CREATE FUNCTION @extschema@.refresh_gather(everything boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF everything THEN
        INSERT INTO pg_temp.gcstitch_claimed_segment
        SELECT coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, '')),
               g.conversation_id, g.session_id, g.segment_no, g.purpose, g.user_id, g.client_id, g.segment_type,
               g.segment_start, g.segment_end, g.queue_id, g.disconnect_type
        FROM @extschema@.segment g;
        INSERT INTO pg_temp.gcstitch_claimed_metric
        SELECT m.conversation_id, m.session_id, m.purpose, m.user_id, m.name, m.value, m.emit_date
        FROM @extschema@.metric m
        WHERE m.emit_date IS NOT NULL
          AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw', 'nOffered', 'tAnswered', 'tAbandon', 'tFlowOut');
    ELSE
        INSERT INTO pg_temp.gcstitch_claimed_segment
        SELECT g.*
        FROM pg_temp.gcstitch_claimed c
        CROSS JOIN LATERAL (SELECT coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user '
                                            || coalesce(g.user_id, '')),
                                   g.conversation_id, g.session_id, g.segment_no, g.purpose, g.user_id, g.client_id,
                                   g.segment_type, g.segment_start, g.segment_end, g.queue_id, g.disconnect_type
                            FROM @extschema@.segment g WHERE g.conversation_id = c.conversation_id OFFSET 0) g;
        INSERT INTO pg_temp.gcstitch_claimed_metric
        SELECT m.*
        FROM pg_temp.gcstitch_claimed c
        CROSS JOIN LATERAL (SELECT m.conversation_id, m.session_id, m.purpose, m.user_id, m.name, m.value, m.emit_date
                            FROM @extschema@.metric m
                            WHERE m.conversation_id = c.conversation_id AND m.emit_date IS NOT NULL
                              AND m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw', 'nOffered', 'tAnswered',
                                             'tAbandon', 'tFlowOut')
                            OFFSET 0) m;
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_gather(boolean) IS
    'Internal to refresh(): copies the segments and counted metrics of the claimed conversations into scratch tables';

-- The reported metrics of the claimed conversations (as part 40's live views count them: on a shard,
-- those of its own conversations only, so that the interval rows read them without a filter).
CREATE FUNCTION @extschema@.refresh_reported_metrics() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH gone AS (
        DELETE FROM @extschema@.reported_metric f
        WHERE f.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_claimed c
            CROSS JOIN LATERAL (SELECT r.ctid FROM @extschema@.reported_metric r
                                WHERE r.conversation_id = c.conversation_id OFFSET 0) x))
        RETURNING f.emit_date
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT g.emit_date FROM gone g;

    WITH session_queue AS (
        SELECT DISTINCT ON (g.conversation_id, g.session_id) g.conversation_id, g.session_id, g.queue_id
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.queue_id IS NOT NULL
        ORDER BY g.conversation_id, g.session_id, g.segment_start, g.segment_no
    ),
    conversation_queue AS (
        SELECT DISTINCT ON (g.conversation_id) g.conversation_id, g.queue_id
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.queue_id IS NOT NULL AND g.purpose = 'acd'
        ORDER BY g.conversation_id, g.segment_start, g.session_id, g.segment_no
    ),
    counted AS (
        SELECT m.conversation_id, m.name, m.emit_date, m.value,
               CASE WHEN m.name IN ('tHandle', 'tTalk', 'tHeld', 'tAcw') AND m.purpose = 'agent'
                    THEN m.user_id END AS user_id,
               CASE WHEN m.name IN ('nOffered', 'tAnswered', 'tAbandon', 'tFlowOut')
                    THEN coalesce(sq.queue_id, cq.queue_id) END AS queue_id
        FROM pg_temp.gcstitch_claimed_metric m
        LEFT JOIN session_queue sq ON sq.conversation_id = m.conversation_id AND sq.session_id = m.session_id
        LEFT JOIN conversation_queue cq ON cq.conversation_id = m.conversation_id
    ),
    added AS (
        INSERT INTO @extschema@.reported_metric (conversation_id, name, emit_date, value, user_id, queue_id)
        SELECT * FROM counted k
        WHERE (k.user_id IS NOT NULL OR k.queue_id IS NOT NULL)
          AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r WHERE r.conversation_id = k.conversation_id)
        RETURNING emit_date
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT a.emit_date FROM added a;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_reported_metrics() IS
    'Internal to refresh(): replaces the reported metrics of the claimed conversations, noting their instants';

-- The queue visits of the claimed conversations (queue_visit_live's definition, per conversation).
CREATE FUNCTION @extschema@.refresh_queue_visits() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH gone AS (
        DELETE FROM @extschema@.queue_visit_store v
        WHERE v.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_claimed c
            CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.queue_visit_store s
                                WHERE s.conversation_id = c.conversation_id OFFSET 0) x))
        RETURNING v.queued_at, v.left_queue_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[g.queued_at, g.left_queue_at]) FROM gone g;

    WITH visit AS (
        SELECT g.conversation_id, g.session_id,
               (array_agg(g.queue_id ORDER BY g.segment_start, g.segment_no) FILTER (WHERE g.queue_id IS NOT NULL))[1]
                   AS queue_id,
               min(g.segment_start) AS queued_at,
               CASE WHEN bool_and(g.segment_end IS NOT NULL) THEN max(g.segment_end) END AS left_queue_at,
               (array_agg(g.disconnect_type ORDER BY g.segment_end DESC NULLS LAST, g.segment_no DESC)
                    FILTER (WHERE g.disconnect_type IS NOT NULL))[1] AS disconnect_type
        FROM pg_temp.gcstitch_claimed_segment g
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
        FROM pg_temp.gcstitch_claimed_segment g
        WHERE g.purpose = 'agent' AND g.segment_type = 'interact' AND g.segment_start IS NOT NULL
        GROUP BY g.conversation_id, g.session_id
    ),
    added AS (
        INSERT INTO @extschema@.queue_visit_store
        SELECT DISTINCT ON (o.conversation_id, o.session_id)
               o.conversation_id, o.session_id, o.queue_id, o.queued_at, o.left_queue_at, o.disconnect_type,
               a.session_id, a.user_id, a.answered_at
        FROM ordered o
        LEFT JOIN agent_answer a
          ON a.conversation_id = o.conversation_id
         AND a.answered_at >= o.queued_at
         AND (o.next_queued_at IS NULL OR a.answered_at < o.next_queued_at)
        ORDER BY o.conversation_id, o.session_id, a.answered_at, a.session_id
        RETURNING queued_at, left_queue_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[a.queued_at, a.left_queue_at]) FROM added a;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_queue_visits() IS
    'Internal to refresh(): replaces the queue visits of the claimed conversations, noting their instants';

-- The regions to recompute: per stitching key, the changed spans grown to whole gap-components.
CREATE FUNCTION @extschema@.refresh_regions(tolerance interval, span_bound interval, everything boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    grown bigint;
BEGIN
    -- The changed conversations' agent segments as they are now, per key...
    INSERT INTO pg_temp.gcstitch_seed
    SELECT g.stitch_key, g.conversation_id, min(g.segment_start), max(g.segment_end)
    FROM pg_temp.gcstitch_claimed_segment g
    WHERE g.purpose = 'agent' AND g.segment_end IS NOT NULL
    GROUP BY 1, 2;
    INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi) SELECT s.stitch_key, s.lo, s.hi FROM pg_temp.gcstitch_seed s;
    -- ...and the stored interactions that hold one of them: none in a rebuild, whose emptied store
    -- would only be searched for deleted rows (every conversation against every index entry).
    IF NOT everything THEN
        INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi)
        SELECT i.stitch_key, i.started_at, i.ended_at
        FROM @extschema@.interaction_store i
        WHERE i.conversation_ids OPERATOR(pg_catalog.&&) (SELECT array_agg(c.conversation_id) FROM pg_temp.gcstitch_claimed c);
    END IF;
    ANALYZE pg_temp.gcstitch_seed;

    LOOP
        PERFORM @extschema@.refresh_merge_regions(tolerance);
        EXIT WHEN everything;    -- nothing stored to grow by
        -- Stored interactions within the tolerance of a region that reach outside it.
        INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi)
        SELECT r.stitch_key, i.started_at, i.ended_at
        FROM pg_temp.gcstitch_region r
        CROSS JOIN LATERAL (SELECT i.started_at, i.ended_at FROM @extschema@.interaction_store i
                            WHERE i.stitch_key = r.stitch_key
                              AND i.started_at >= r.lo - tolerance - span_bound AND i.started_at <= r.hi + tolerance
                              AND i.ended_at >= r.lo - tolerance AND (i.started_at < r.lo OR i.ended_at > r.hi)
                            OFFSET 0) i;
        GET DIAGNOSTICS grown = ROW_COUNT;
        EXIT WHEN grown = 0;
    END LOOP;
    ANALYZE pg_temp.gcstitch_region;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_regions(interval, interval, boolean) IS
    'Internal to refresh(): per stitching key, the spans the claimed conversations touch, grown by the stored interactions within the tolerance until their ends are gaps over it';

-- Merges the regions of a key that overlap or lie within the tolerance of each other.
CREATE FUNCTION @extschema@.refresh_merge_regions(tolerance interval) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH ordered AS (
        SELECT r.stitch_key, r.lo, r.hi,
               max(r.hi) OVER (PARTITION BY r.stitch_key ORDER BY r.lo, r.hi
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM pg_temp.gcstitch_region r
    ),
    numbered AS (
        SELECT o.*, count(*) FILTER (WHERE o.reach IS NULL OR o.lo - o.reach > tolerance)
                        OVER (PARTITION BY o.stitch_key ORDER BY o.lo, o.hi) AS component
        FROM ordered o
    ),
    merged AS (
        SELECT n.stitch_key, min(n.lo) AS lo, max(n.hi) AS hi FROM numbered n GROUP BY n.stitch_key, n.component
    ),
    gone AS (DELETE FROM pg_temp.gcstitch_region)
    INSERT INTO pg_temp.gcstitch_region (stitch_key, lo, hi) SELECT m.stitch_key, m.lo, m.hi FROM merged m;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_merge_regions(interval) IS
    'Internal to refresh(): merges the regions of one key that overlap or are at most the tolerance apart';

-- The agent segments of the regions, on each region's key and starting inside it: those of the
-- claimed conversations (already read), and those of the conversations of the stored interactions
-- inside a region (one index probe per conversation).
CREATE FUNCTION @extschema@.refresh_region_segments() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_segment
    SELECT r.stitch_key, r.lo, g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
           g.segment_start, g.segment_end
    FROM pg_temp.gcstitch_claimed_segment g
    JOIN pg_temp.gcstitch_region r
      ON r.stitch_key = g.stitch_key AND g.segment_start >= r.lo AND g.segment_start <= r.hi
    WHERE g.purpose = 'agent' AND g.segment_end IS NOT NULL;

    INSERT INTO pg_temp.gcstitch_segment
    SELECT rc.stitch_key, rc.lo, g.*
    FROM (SELECT DISTINCT r.stitch_key, r.lo, r.hi, x.conversation_id
          FROM pg_temp.gcstitch_region r
          CROSS JOIN LATERAL (SELECT i.conversation_ids FROM @extschema@.interaction_store i
                              WHERE i.stitch_key = r.stitch_key AND i.started_at >= r.lo AND i.started_at <= r.hi
                              OFFSET 0) i
          CROSS JOIN LATERAL unnest(i.conversation_ids) AS x(conversation_id)
          WHERE NOT EXISTS (SELECT FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id = x.conversation_id)) rc
    CROSS JOIN LATERAL (SELECT g.conversation_id, g.session_id, g.user_id, g.client_id, g.segment_type,
                               g.segment_start, g.segment_end
                        FROM @extschema@.segment g
                        WHERE g.conversation_id = rc.conversation_id AND g.purpose = 'agent'
                          AND g.segment_end IS NOT NULL
                          AND coalesce(g.client_id, 'conversation ' || g.conversation_id || ' user ' || coalesce(g.user_id, ''))
                              = rc.stitch_key
                          AND g.segment_start >= rc.lo AND g.segment_start <= rc.hi
                        OFFSET 0) g;

    -- The queue visits of their conversations (those of the claimed ones are already replaced).
    INSERT INTO pg_temp.gcstitch_visit
    SELECT v.*
    FROM (SELECT DISTINCT s.conversation_id FROM pg_temp.gcstitch_segment s) c
    CROSS JOIN LATERAL (SELECT * FROM @extschema@.queue_visit_store v WHERE v.conversation_id = c.conversation_id OFFSET 0) v;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_region_segments() IS
    'Internal to refresh(): collects the agent segments of the regions to recompute, and the queue visits of their conversations';

-- The interactions of the regions' segments (interaction_live's definition, numbered within each
-- region): islands labelled, measured by the stitch aggregate, joined to their queue visits.
CREATE FUNCTION @extschema@.refresh_region_islands(tolerance interval, split_after_wrapup boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_island
    WITH labelled AS (
        SELECT a.*,
               @extschema@.interaction_no(a.segment_start, a.segment_end, a.segment_type, tolerance,
                                          split_after_wrapup)
                   OVER (PARTITION BY a.stitch_key, a.region_lo ORDER BY a.segment_start, a.segment_end)
                   AS interaction_no
        FROM pg_temp.gcstitch_segment a
    ),
    island AS MATERIALIZED (
        SELECT l.stitch_key, l.region_lo, l.interaction_no,
               min(l.client_id) AS client_id,
               min(l.segment_start) AS started_at,
               @extschema@.stitch(l.segment_start, l.segment_end, l.segment_type,
                                  l.conversation_id || ' ' || l.session_id, tolerance, split_after_wrapup) AS timeline,
               (array_agg(l.user_id ORDER BY l.segment_type IS DISTINCT FROM 'interact', l.segment_start,
                          l.segment_end, l.user_id) FILTER (WHERE l.user_id IS NOT NULL))[1] AS user_id,
               (SELECT array_agg(u.c ORDER BY u.o)
                FROM (SELECT DISTINCT ON (x.c) x.c, x.o
                      FROM unnest(array_agg(l.conversation_id ORDER BY l.segment_start, l.segment_end,
                                            l.conversation_id)) WITH ORDINALITY AS x(c, o)
                      ORDER BY x.c, x.o) u) AS conversation_ids,
               min(v.queued_at) AS queued_at,
               min(v.answered_at) AS queue_answered_at,
               (array_agg(v.queue_id ORDER BY v.queued_at, v.conversation_id, v.session_id)
                    FILTER (WHERE v.queued_at IS NOT NULL))[1] AS queue_id
        FROM labelled l
        LEFT JOIN pg_temp.gcstitch_visit v
          ON v.conversation_id = l.conversation_id AND v.answered_session_id = l.session_id
         AND l.segment_type = 'interact' AND l.segment_start = v.answered_at
        GROUP BY l.stitch_key, l.region_lo, l.interaction_no
    ),
    rung AS MATERIALIZED (
        SELECT DISTINCT ON (s.stitch_key, s.region_lo, s.interaction_no)
               s.stitch_key, s.region_lo, s.interaction_no, v.queue_id, v.queued_at
        FROM island s
        CROSS JOIN LATERAL unnest(s.conversation_ids) AS c(conversation_id)
        JOIN pg_temp.gcstitch_visit v ON v.conversation_id = c.conversation_id AND v.queued_at <= s.started_at
        WHERE s.queued_at IS NULL
        ORDER BY s.stitch_key, s.region_lo, s.interaction_no, v.queued_at DESC, v.conversation_id DESC,
                 v.session_id DESC
    )
    SELECT s.stitch_key, s.client_id, s.interaction_no, s.user_id, coalesce(s.queue_id, r.queue_id),
           s.conversation_ids, coalesce(s.queued_at, r.queued_at), i.started_at, i.answered_at, i.ended_at,
           i.fragments, i.alert, i.talk, i.hold, i.acw, i.handle, i.gap,
           s.queue_answered_at - s.queued_at, i.speed_of_answer,
           CASE WHEN s.queued_at IS NOT NULL THEN s.queue_answered_at END,
           s.region_lo
    FROM island s
    CROSS JOIN LATERAL @extschema@.interactions(s.timeline) i
    LEFT JOIN rung r ON r.stitch_key = s.stitch_key AND r.region_lo = s.region_lo
                    AND r.interaction_no = s.interaction_no;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_region_islands(interval, boolean) IS
    'Internal to refresh(): stitches the collected segments into interactions, numbered within each region';

-- Replaces the stored interactions of the regions by the recomputed ones. Numbers: an interaction's
-- interaction_no counts the interactions of its key up to it, so each region's are offset by the
-- number before it, and the kept ones after a region whose count changed are shifted.
CREATE FUNCTION @extschema@.refresh_replace_islands() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    moved record;
BEGIN
    UPDATE pg_temp.gcstitch_region r
       SET old_before = coalesce((SELECT i.interaction_no FROM @extschema@.interaction_store i
                                  WHERE i.stitch_key = r.stitch_key AND i.started_at < r.lo
                                  ORDER BY i.started_at DESC LIMIT 1), 0),
           old_count = (SELECT count(*) FROM @extschema@.interaction_store i
                        WHERE i.stitch_key = r.stitch_key AND i.started_at >= r.lo AND i.started_at <= r.hi),
           new_count = coalesce(n.islands, 0)
    FROM pg_temp.gcstitch_region r2
    LEFT JOIN (SELECT n.stitch_key, n.region_lo, count(*) AS islands FROM pg_temp.gcstitch_island n
               GROUP BY n.stitch_key, n.region_lo) n ON n.stitch_key = r2.stitch_key AND n.region_lo = r2.lo
    WHERE r2.ctid = r.ctid;

    WITH gone AS (
        DELETE FROM @extschema@.interaction_store i
        WHERE i.ctid = ANY (ARRAY(
            SELECT x.ctid FROM pg_temp.gcstitch_region r
            CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.interaction_store s
                                WHERE s.stitch_key = r.stitch_key AND s.started_at >= r.lo AND s.started_at <= r.hi
                                OFFSET 0) x))
        RETURNING i.ended_at, i.queued_at, i.queue_answered_at
    )
    INSERT INTO pg_temp.gcstitch_touched SELECT unnest(ARRAY[g.ended_at, g.queued_at, g.queue_answered_at]) FROM gone g;

    -- Usually none: only a region whose count changed with kept interactions after it.
    FOR moved IN
        SELECT d.* FROM (SELECT r.stitch_key, r.hi, lead(r.lo) OVER w AS next_lo, sum(r.new_count - r.old_count) OVER w AS delta
                         FROM pg_temp.gcstitch_region r
                         WINDOW w AS (PARTITION BY r.stitch_key ORDER BY r.lo)) d
        WHERE d.delta <> 0
    LOOP
        UPDATE @extschema@.interaction_store i SET interaction_no = i.interaction_no + moved.delta
        WHERE i.stitch_key = moved.stitch_key AND i.started_at > moved.hi
          AND (moved.next_lo IS NULL OR i.started_at < moved.next_lo);
    END LOOP;

    WITH base AS (
        SELECT r.stitch_key, r.lo,
               r.old_before + coalesce(sum(r.new_count - r.old_count)
                                           OVER (PARTITION BY r.stitch_key ORDER BY r.lo
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM pg_temp.gcstitch_region r
    ),
    added AS (
        INSERT INTO @extschema@.interaction_store
        SELECT n.stitch_key, n.client_id, (b.before + n.interaction_no)::int, n.user_id, n.queue_id,
               n.conversation_ids, n.queued_at, n.started_at, n.answered_at, n.ended_at, n.fragments, n.alert,
               n.talk, n.hold, n.acw, n.handle, n.gap, n.queue_wait, n.speed_of_answer, n.queue_answered_at
        FROM pg_temp.gcstitch_island n JOIN base b ON b.stitch_key = n.stitch_key AND b.lo = n.region_lo
        -- in time order: a day's interactions fill pages together, so a query by time reads few
        ORDER BY n.started_at
        RETURNING ended_at, queued_at, queue_answered_at, ended_at - started_at AS span
    ),
    noted AS (
        INSERT INTO pg_temp.gcstitch_touched
        SELECT unnest(ARRAY[a.ended_at, a.queued_at, a.queue_answered_at]) FROM added a
    )
    UPDATE @extschema@.refresh_state
       SET island_span_bound = greatest(island_span_bound, (SELECT max(a.span) FROM added a));
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_replace_islands() IS
    'Internal to refresh(): swaps the stored interactions of the regions for the recomputed ones and renumbers their keys';

-- Every instant of the maintained tables: what the interval rows of a rebuild (or of new interval
-- settings) are computed for.
CREATE FUNCTION @extschema@.refresh_touch_all() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.agent_interval_store;
    DELETE FROM @extschema@.queue_interval_store;
    INSERT INTO pg_temp.gcstitch_touched
    SELECT f.emit_date FROM @extschema@.reported_metric f
    UNION ALL
    SELECT unnest(ARRAY[i.ended_at, i.queued_at, i.queue_answered_at]) FROM @extschema@.interaction_store i
    UNION ALL
    SELECT unnest(ARRAY[v.queued_at, v.left_queue_at]) FROM @extschema@.queue_visit_store v;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_touch_all() IS
    'Internal to refresh(): empties the interval tables and notes every instant of the maintained rows';

-- The report intervals of the touched instants. Instants are first taken to the minute: an interval
-- (15 minutes or more) holding an instant of the minute starts at the interval start of the minute's
-- first or last microsecond, so both are taken (one more interval at worst, recomputed unchanged).
CREATE FUNCTION @extschema@.refresh_touched_intervals(interval_length interval, time_zone text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO pg_temp.gcstitch_cell
    SELECT DISTINCT x.interval_start
    FROM (SELECT DISTINCT date_bin('1 minute', t.ts, timestamptz '2000-01-01 00:00:00+00') AS minute
          FROM pg_temp.gcstitch_touched t WHERE t.ts IS NOT NULL) m
    CROSS JOIN LATERAL (VALUES (@extschema@.report_interval_start(m.minute, interval_length, time_zone)),
                               (@extschema@.report_interval_start(m.minute + interval '59.999999 seconds',
                                                                  interval_length, time_zone)))
        AS x(interval_start);
    ANALYZE pg_temp.gcstitch_cell;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_touched_intervals(interval, text) IS
    'Internal to refresh(): the report intervals holding the touched instants';

-- Agent interval rows of the touched intervals (agent_interval_live's definition, over the
-- maintained interactions and reported metrics of each interval; owned interactions only, part 08).
CREATE FUNCTION @extschema@.refresh_agent_intervals() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.agent_interval_store a
    WHERE a.ctid = ANY (ARRAY(
        SELECT x.ctid FROM pg_temp.gcstitch_cell c
        CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.agent_interval_store s
                            WHERE s.interval_start = c.interval_start OFFSET 0) x));

    INSERT INTO @extschema@.agent_interval_store
    WITH st AS (
        SELECT s.report_timezone AS tz, s.interval_length AS len FROM @extschema@.settings s LIMIT 1
    ),
    reported AS (
        SELECT f.user_id, c.interval_start,
               count(*) FILTER (WHERE f.name = 'tHandle') AS handled,
               sum(f.value) FILTER (WHERE f.name = 'tTalk') AS talk_ms,
               sum(f.value) FILTER (WHERE f.name = 'tHeld') AS hold_ms,
               sum(f.value) FILTER (WHERE f.name = 'tAcw') AS acw_ms,
               sum(f.value) FILTER (WHERE f.name = 'tHandle') AS handle_ms
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT f.user_id, f.name, f.value, f.emit_date FROM @extschema@.reported_metric f
                            WHERE f.emit_date >= c.interval_start AND f.emit_date < c.interval_start + st.len
                              AND f.user_id IS NOT NULL
                            OFFSET 0) f
        WHERE @extschema@.report_interval_start(f.emit_date, st.len, st.tz) = c.interval_start
        GROUP BY 1, 2
    ),
    corrected AS (
        SELECT i.user_id, c.interval_start,
               count(*) FILTER (WHERE i.handle > interval '0') AS handled,
               sum(i.talk) AS talk,
               sum(i.hold) AS hold,
               sum(i.acw) AS acw,
               sum(i.handle) AS handle,
               sum(i.gap) AS gap,
               sum(i.fragments) FILTER (WHERE i.handle > interval '0') AS fragments
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.ended_at >= c.interval_start AND i.ended_at < c.interval_start + st.len
                              AND i.user_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.ended_at, st.len, st.tz) = c.interval_start
        GROUP BY 1, 2
    ),
    joined AS (
        SELECT user_id, interval_start,
               coalesce(r.handled, 0) AS reported_handled,
               coalesce(r.talk_ms, 0)::float8 * interval '1 millisecond' AS reported_talk,
               coalesce(r.hold_ms, 0)::float8 * interval '1 millisecond' AS reported_hold,
               coalesce(r.acw_ms, 0)::float8 * interval '1 millisecond' AS reported_acw,
               coalesce(r.handle_ms, 0)::float8 * interval '1 millisecond' AS reported_handle,
               coalesce(k.handled, 0) AS corrected_handled,
               coalesce(k.talk, interval '0') AS corrected_talk,
               coalesce(k.hold, interval '0') AS corrected_hold,
               coalesce(k.acw, interval '0') AS corrected_acw,
               coalesce(k.handle, interval '0') AS corrected_handle,
               coalesce(k.gap, interval '0') AS corrected_gap,
               coalesce(k.fragments, 0) AS corrected_fragments
        FROM reported r FULL JOIN corrected k USING (user_id, interval_start)
    )
    SELECT j.user_id,
           j.interval_start,
           j.interval_start + st.len,
           (j.interval_start AT TIME ZONE st.tz)::date,
           @extschema@.report_interval_label(j.interval_start, st.tz),
           j.reported_handled,
           j.reported_talk,
           j.reported_hold,
           j.reported_acw,
           j.reported_handle,
           j.reported_handle / nullif(j.reported_handled, 0),
           j.corrected_handled,
           j.corrected_talk,
           j.corrected_hold,
           j.corrected_acw,
           j.corrected_handle,
           j.corrected_handle / nullif(j.corrected_handled, 0),
           j.corrected_gap,
           j.corrected_fragments,
           j.reported_handled - j.corrected_handled,
           j.reported_talk - j.corrected_talk,
           j.reported_hold - j.corrected_hold,
           j.reported_acw - j.corrected_acw,
           j.reported_handle - j.corrected_handle,
           j.reported_handle / nullif(j.reported_handled, 0) - j.corrected_handle / nullif(j.corrected_handled, 0)
    FROM joined j CROSS JOIN st
    -- in time order, as the interactions: a day's rows fill pages together
    ORDER BY j.interval_start, j.user_id;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_agent_intervals() IS
    'Internal to refresh(): recomputes the agent interval rows of the touched intervals from the maintained rows';

-- Queue interval rows of the touched intervals (queue_interval_live's definition, over the
-- maintained interactions, queue visits and reported metrics of each interval; owned interactions and
-- visits only, part 08).
CREATE FUNCTION @extschema@.refresh_queue_intervals() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.queue_interval_store q
    WHERE q.ctid = ANY (ARRAY(
        SELECT x.ctid FROM pg_temp.gcstitch_cell c
        CROSS JOIN LATERAL (SELECT s.ctid FROM @extschema@.queue_interval_store s
                            WHERE s.interval_start = c.interval_start OFFSET 0) x));

    INSERT INTO @extschema@.queue_interval_store
    WITH st AS (
        SELECT s.* FROM @extschema@.settings s LIMIT 1
    ),
    -- Each event with the touched interval it counts in (as queue_interval_live buckets them).
    bucketed AS (
        SELECT true AS reported, f.queue_id, c.interval_start,
               CASE f.name WHEN 'nOffered' THEN 'offered' WHEN 'tAnswered' THEN 'answered'
                           WHEN 'tAbandon' THEN 'abandoned' ELSE 'flow_out' END AS kind,
               CASE WHEN f.name <> 'nOffered' THEN f.value::float8 * interval '1 millisecond' END AS wait
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT f.* FROM @extschema@.reported_metric f
                            WHERE f.emit_date >= c.interval_start AND f.emit_date < c.interval_start + st.interval_length
                              AND f.queue_id IS NOT NULL
                            OFFSET 0) f
        WHERE @extschema@.report_interval_start(f.emit_date, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, i.queue_id, c.interval_start, 'offered', NULL
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.queued_at >= c.interval_start AND i.queued_at < c.interval_start + st.interval_length
                              AND i.queue_wait IS NOT NULL AND i.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queued_at, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, i.queue_id, c.interval_start, 'answered', i.queue_wait
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT i.* FROM @extschema@.interaction_store i
                            WHERE i.queue_answered_at >= c.interval_start AND i.queue_answered_at < c.interval_start + st.interval_length
                              AND i.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_foreign_client f WHERE f.client_id = i.client_id)
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE i.client_id IS NULL AND r.conversation_id = i.conversation_ids[1])
                            OFFSET 0) i
        WHERE @extschema@.report_interval_start(i.queue_answered_at, st.interval_length, st.report_timezone)
              = c.interval_start
        UNION ALL
        SELECT false, v.queue_id, c.interval_start, 'offered', NULL
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT v.* FROM @extschema@.queue_visit_store v
                            WHERE v.queued_at >= c.interval_start AND v.queued_at < c.interval_start + st.interval_length
                              AND v.answered_session_id IS NULL AND v.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE r.conversation_id = v.conversation_id)
                            OFFSET 0) v
        WHERE @extschema@.report_interval_start(v.queued_at, st.interval_length, st.report_timezone) = c.interval_start
        UNION ALL
        SELECT false, v.queue_id, c.interval_start,
               CASE WHEN v.disconnect_type = 'transfer' OR v.disconnect_type LIKE '%Transfer' THEN 'flow_out'
                    ELSE 'abandoned' END,
               v.left_queue_at - v.queued_at
        FROM pg_temp.gcstitch_cell c CROSS JOIN st
        CROSS JOIN LATERAL (SELECT v.* FROM @extschema@.queue_visit_store v
                            WHERE v.left_queue_at >= c.interval_start AND v.left_queue_at < c.interval_start + st.interval_length
                              AND v.answered_session_id IS NULL AND v.queue_id IS NOT NULL
                              AND NOT EXISTS (SELECT FROM @extschema@.shard_replica r
                                              WHERE r.conversation_id = v.conversation_id)
                            OFFSET 0) v
        WHERE @extschema@.report_interval_start(v.left_queue_at, st.interval_length, st.report_timezone)
              = c.interval_start
    ),
    -- queue_interval_live's counted, repeated: a view cannot read these temp tables, and taking the events as an array would build them whole.
    counted AS (
        SELECT b.queue_id, b.interval_start, q.name AS queue_name,
               @extschema@.sl_threshold_or_default(q.sl_threshold) AS sl_threshold,
               @extschema@.sl_target_percent_or_default(q.sl_target_percent) AS sl_target_percent,
               count(*) FILTER (WHERE b.reported AND b.kind = 'offered') AS reported_offered,
               count(*) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_answered,
               count(*) FILTER (WHERE b.reported AND b.kind = 'answered'
                                      AND b.wait <= @extschema@.sl_threshold_or_default(q.sl_threshold))
                   AS reported_answered_in_threshold,
               count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned') AS reported_abandoned,
               count(*) FILTER (WHERE b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
                   AS reported_short_abandoned,
               count(*) FILTER (WHERE b.reported AND b.kind = 'flow_out') AS reported_flow_outs,
               avg(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered') AS reported_asa,
               coalesce(sum(b.wait) FILTER (WHERE b.reported AND b.kind = 'answered'), interval '0')
                   AS reported_answered_wait,
               @extschema@.service_level(b.wait, b.kind = 'answered', @extschema@.sl_threshold_or_default(q.sl_threshold),
                                         st.short_abandon_threshold, st.sl_include_short_abandons,
                                         st.sl_include_abandons, st.sl_include_flow_outs, b.kind = 'flow_out')
                   FILTER (WHERE b.reported AND b.kind <> 'offered') AS reported_service_level,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'offered') AS corrected_offered,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_answered,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'answered'
                                      AND b.wait <= @extschema@.sl_threshold_or_default(q.sl_threshold))
                   AS corrected_answered_in_threshold,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned') AS corrected_abandoned,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'abandoned' AND b.wait < st.short_abandon_threshold)
                   AS corrected_short_abandoned,
               count(*) FILTER (WHERE NOT b.reported AND b.kind = 'flow_out') AS corrected_flow_outs,
               avg(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered') AS corrected_asa,
               coalesce(sum(b.wait) FILTER (WHERE NOT b.reported AND b.kind = 'answered'), interval '0')
                   AS corrected_answered_wait,
               @extschema@.service_level(b.wait, b.kind = 'answered', @extschema@.sl_threshold_or_default(q.sl_threshold),
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
           c.interval_start + st.interval_length,
           (c.interval_start AT TIME ZONE st.report_timezone)::date,
           @extschema@.report_interval_label(c.interval_start, st.report_timezone),
           c.sl_threshold,
           c.sl_target_percent,
           c.reported_offered,
           c.reported_answered,
           c.reported_answered_in_threshold,
           c.reported_abandoned,
           c.reported_short_abandoned,
           c.reported_flow_outs,
           c.reported_asa,
           @extschema@.service_level_percent(c.reported_service_level),
           c.reported_service_level,
           c.corrected_offered,
           c.corrected_answered,
           c.corrected_answered_in_threshold,
           c.corrected_abandoned,
           c.corrected_short_abandoned,
           c.corrected_flow_outs,
           c.corrected_asa,
           @extschema@.service_level_percent(c.corrected_service_level),
           c.corrected_service_level,
           c.reported_offered - c.corrected_offered,
           c.reported_answered - c.corrected_answered,
           c.reported_abandoned - c.corrected_abandoned,
           c.reported_asa - c.corrected_asa,
           @extschema@.service_level_percent(c.reported_service_level)
               - @extschema@.service_level_percent(c.corrected_service_level),
           c.reported_answered_wait,
           c.corrected_answered_wait
    FROM counted c CROSS JOIN st
    ORDER BY c.interval_start, c.queue_id;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_queue_intervals() IS
    'Internal to refresh(): recomputes the queue interval rows of the touched intervals from the maintained rows';

-- Brings the maintained analytics up to date; rebuild => true recomputes everything from scratch.
-- Returns the number of conversations taken into account.
CREATE FUNCTION @extschema@.refresh_maintained(rebuild boolean) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    st @extschema@.settings;
    was @extschema@.refresh_state;
    truncated boolean;
    everything boolean;
    all_intervals boolean;
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1734570869, 0);
    SELECT * INTO st FROM @extschema@.settings LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'gcstitch.settings has no row'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Run INSERT INTO gcstitch.settings DEFAULT VALUES, then refresh again.';
    END IF;
    SELECT * INTO was FROM @extschema@.refresh_state;
    PERFORM @extschema@.refresh_scratch();

    -- Claimed in a statement of its own: it must run whatever the other conditions are.
    truncated := @extschema@.refresh_claim();
    everything := truncated OR rebuild
        OR (was.gap_tolerance, was.split_after_wrapup) IS DISTINCT FROM (st.gap_tolerance, st.split_after_wrapup);
    all_intervals := everything
        OR (was.report_timezone, was.interval_length, was.short_abandon_threshold, was.sl_include_short_abandons,
            was.sl_include_abandons, was.sl_include_flow_outs)
           IS DISTINCT FROM
           (st.report_timezone, st.interval_length, st.short_abandon_threshold, st.sl_include_short_abandons,
            st.sl_include_abandons, st.sl_include_flow_outs)
        OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q
                   EXCEPT
                   SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q)
        OR EXISTS (SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.refresh_queue_state q
                   EXCEPT
                   SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold FROM @extschema@.queue q);
    IF everything THEN
        PERFORM @extschema@.refresh_claim_all();
    END IF;
    DELETE FROM pg_temp.gcstitch_claimed c WHERE c.conversation_id IS NULL;
    SELECT count(*) INTO n FROM pg_temp.gcstitch_claimed;
    ANALYZE pg_temp.gcstitch_claimed;

    PERFORM @extschema@.refresh_gather(everything);
    PERFORM @extschema@.refresh_reported_metrics();
    PERFORM @extschema@.refresh_queue_visits();
    PERFORM @extschema@.refresh_regions(st.gap_tolerance,
                                        (SELECT r.island_span_bound FROM @extschema@.refresh_state r), everything);
    PERFORM @extschema@.refresh_region_segments();
    PERFORM @extschema@.refresh_region_islands(st.gap_tolerance, st.split_after_wrapup);
    PERFORM @extschema@.refresh_replace_islands();
    IF all_intervals THEN
        PERFORM @extschema@.refresh_touch_all();
    END IF;
    PERFORM @extschema@.refresh_touched_intervals(st.interval_length, st.report_timezone);
    PERFORM @extschema@.refresh_agent_intervals();
    PERFORM @extschema@.refresh_queue_intervals();

    DELETE FROM @extschema@.refresh_queue_state;
    INSERT INTO @extschema@.refresh_queue_state SELECT q.queue_id, q.name, q.sl_target_percent, q.sl_threshold
                                                FROM @extschema@.queue q;
    UPDATE @extschema@.refresh_state
       SET gap_tolerance = st.gap_tolerance, split_after_wrapup = st.split_after_wrapup,
           report_timezone = st.report_timezone, interval_length = st.interval_length,
           short_abandon_threshold = st.short_abandon_threshold,
           sl_include_short_abandons = st.sl_include_short_abandons, sl_include_abandons = st.sl_include_abandons,
           sl_include_flow_outs = st.sl_include_flow_outs,
           last_refresh_at = started, last_refresh_duration = clock_timestamp() - started,
           last_refresh_conversations = n, last_refresh_full = everything;
    RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_maintained(boolean) IS
    'Internal to refresh() and rebuild(): brings the maintained analytics up to date with the changes since the last refresh (or recomputes everything); returns the conversations taken into account';

CREATE FUNCTION @extschema@.rebuild() RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN @extschema@.refresh_maintained(true) + @extschema@.shard_refresh_all(true);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild() IS
    'Recomputes the maintained analytics (interaction, queue_visit, agent_interval, queue_interval) from scratch; '
    'needed only after editing gcstitch.segment or gcstitch.metric rows directly; on a coordinator, every shard''s too. Returns the conversations. Owner only';
