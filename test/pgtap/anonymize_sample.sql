-- anonymize() keeps every figure: the demo's sample day and a sample_export() day (transfers,
-- outbound calls, reconnects as new conversations) imported as they are, then anonymized (and
-- shifted by a week), give the same rows in every view once the ids are mapped with anonymize_id()
-- and the times shifted.
BEGIN;
SELECT plan(18);
DELETE FROM gcstitch.conversation;
DELETE FROM gcstitch.queue;
\o /dev/null
\set doc `perl test/sample/make_export.pl`
SELECT * FROM gcstitch.import(:'doc');
\o
SELECT gcstitch.refresh() AS refreshed \gset

-- The views of the original import, kept as they are.
CREATE TEMP TABLE raw_interaction AS SELECT * FROM gcstitch.interaction;
CREATE TEMP TABLE raw_queue_call AS SELECT * FROM gcstitch.queue_call;
CREATE TEMP TABLE raw_queue_visit AS SELECT * FROM gcstitch.queue_visit;
CREATE TEMP TABLE raw_agent_interval AS SELECT * FROM gcstitch.agent_interval;
CREATE TEMP TABLE raw_queue_interval AS SELECT * FROM gcstitch.queue_interval;

-- What each view must show after anonymize(doc, secret, days): the same rows, ids mapped, times
-- shifted by days x 24 hours, labels and local dates of the shifted intervals.
CREATE TEMP TABLE knob (secret text, days int);
CREATE FUNCTION pg_temp.m(id text) RETURNS text LANGUAGE sql AS $$
    SELECT gcstitch.anonymize_id(id, (SELECT secret FROM knob)) $$;
CREATE FUNCTION pg_temp.s(ts timestamptz) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT ts + (SELECT days FROM knob) * interval '24 hours' $$;
CREATE FUNCTION pg_temp.ms(ids text[]) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(pg_temp.m(i) ORDER BY o) FROM unnest(ids) WITH ORDINALITY u(i, o) $$;
CREATE FUNCTION pg_temp.key(r raw_interaction) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN r.client_id IS NOT NULL THEN pg_temp.m(r.client_id)
                ELSE 'conversation ' || pg_temp.m(r.conversation_ids[1]) || ' user ' || coalesce(pg_temp.m(r.user_id), '') END $$;
CREATE FUNCTION pg_temp.label(ts timestamptz) RETURNS text LANGUAGE sql AS $$
    SELECT gcstitch.report_interval_label(ts, (SELECT report_timezone FROM gcstitch.settings)) $$;
CREATE FUNCTION pg_temp.local_date(ts timestamptz) RETURNS date LANGUAGE sql AS $$
    SELECT (ts AT TIME ZONE (SELECT report_timezone FROM gcstitch.settings))::date $$;

CREATE TEMP VIEW want_interaction (
    stitch_key, client_id, interaction_no, user_id, queue_id, conversation_ids, queued_at, started_at,
    answered_at, ended_at, fragments, alert, talk, hold, acw, handle, gap, queue_wait, speed_of_answer) AS
SELECT pg_temp.key(r), pg_temp.m(r.client_id), r.interaction_no, pg_temp.m(r.user_id), pg_temp.m(r.queue_id),
       pg_temp.ms(r.conversation_ids), pg_temp.s(r.queued_at), pg_temp.s(r.started_at), pg_temp.s(r.answered_at),
       pg_temp.s(r.ended_at), r.fragments, r.alert, r.talk, r.hold, r.acw, r.handle, r.gap, r.queue_wait, r.speed_of_answer
FROM raw_interaction r;
CREATE TEMP VIEW want_queue_call (
    queue_id, queued_at, left_queue_at, answered_at, outcome, short_abandon, queue_wait, stitch_key,
    client_id, interaction_no, user_id, conversation_ids) AS
SELECT pg_temp.m(r.queue_id), pg_temp.s(r.queued_at), pg_temp.s(r.left_queue_at), pg_temp.s(r.answered_at), r.outcome,
       r.short_abandon, r.queue_wait,
       CASE WHEN r.client_id IS NOT NULL THEN pg_temp.m(r.client_id)
            WHEN r.stitch_key IS NOT NULL
                THEN 'conversation ' || pg_temp.m(r.conversation_ids[1]) || ' user ' || coalesce(pg_temp.m(r.user_id), '') END,
       pg_temp.m(r.client_id), r.interaction_no, pg_temp.m(r.user_id), pg_temp.ms(r.conversation_ids)
FROM raw_queue_call r;
CREATE TEMP VIEW want_queue_visit (
    conversation_id, session_id, queue_id, queued_at, left_queue_at, disconnect_type,
    answered_session_id, answered_user_id, answered_at) AS
SELECT pg_temp.m(r.conversation_id), pg_temp.m(r.session_id), pg_temp.m(r.queue_id), pg_temp.s(r.queued_at),
       pg_temp.s(r.left_queue_at), r.disconnect_type, pg_temp.m(r.answered_session_id), pg_temp.m(r.answered_user_id),
       pg_temp.s(r.answered_at)
FROM raw_queue_visit r;
CREATE TEMP VIEW want_agent_interval (
    user_id, interval_start, interval_end, local_date, interval_label, reported_handled, reported_talk, reported_hold,
    reported_acw, reported_handle, reported_aht, corrected_handled, corrected_talk, corrected_hold, corrected_acw,
    corrected_handle, corrected_aht, corrected_gap, corrected_fragments, handled_diff, talk_diff, hold_diff, acw_diff,
    handle_diff, aht_diff) AS
SELECT pg_temp.m(r.user_id), pg_temp.s(r.interval_start), pg_temp.s(r.interval_end), pg_temp.local_date(pg_temp.s(r.interval_start)),
       pg_temp.label(pg_temp.s(r.interval_start)),
       r.reported_handled, r.reported_talk, r.reported_hold, r.reported_acw, r.reported_handle, r.reported_aht,
       r.corrected_handled, r.corrected_talk, r.corrected_hold, r.corrected_acw, r.corrected_handle, r.corrected_aht,
       r.corrected_gap, r.corrected_fragments, r.handled_diff, r.talk_diff, r.hold_diff, r.acw_diff, r.handle_diff, r.aht_diff
FROM raw_agent_interval r;
CREATE TEMP VIEW want_queue_interval (
    queue_id, queue_name, interval_start, interval_end, local_date, interval_label, sl_threshold, sl_target_percent,
    reported_offered, reported_answered, reported_answered_in_threshold, reported_abandoned, reported_short_abandoned,
    reported_flow_outs, reported_asa, reported_service_level_percent, reported_service_level, corrected_offered,
    corrected_answered, corrected_answered_in_threshold, corrected_abandoned, corrected_short_abandoned,
    corrected_flow_outs, corrected_asa, corrected_service_level_percent, corrected_service_level, offered_diff,
    answered_diff, abandoned_diff, asa_diff, service_level_percent_diff) AS
SELECT pg_temp.m(r.queue_id), r.queue_name, pg_temp.s(r.interval_start), pg_temp.s(r.interval_end),
       pg_temp.local_date(pg_temp.s(r.interval_start)), pg_temp.label(pg_temp.s(r.interval_start)), r.sl_threshold,
       r.sl_target_percent, r.reported_offered, r.reported_answered, r.reported_answered_in_threshold, r.reported_abandoned,
       r.reported_short_abandoned, r.reported_flow_outs, r.reported_asa, r.reported_service_level_percent,
       r.reported_service_level::text, r.corrected_offered, r.corrected_answered, r.corrected_answered_in_threshold,
       r.corrected_abandoned, r.corrected_short_abandoned, r.corrected_flow_outs, r.corrected_asa,
       r.corrected_service_level_percent, r.corrected_service_level::text, r.offered_diff, r.answered_diff,
       r.abandoned_diff, r.asa_diff, r.service_level_percent_diff
FROM raw_queue_interval r;

-- Every view of the import in place against its mapped original.
CREATE FUNCTION pg_temp.views_equal(what text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT bag_eq('SELECT * FROM gcstitch.interaction', 'SELECT * FROM want_interaction',
                       what || ': interaction');
    RETURN NEXT bag_eq('SELECT * FROM gcstitch.queue_call', 'SELECT * FROM want_queue_call', what || ': queue_call');
    RETURN NEXT bag_eq('SELECT * FROM gcstitch.queue_visit', 'SELECT * FROM want_queue_visit', what || ': queue_visit');
    RETURN NEXT bag_eq('SELECT * FROM gcstitch.agent_interval', 'SELECT * FROM want_agent_interval',
                       what || ': agent_interval');
    RETURN NEXT bag_eq(
        $q$SELECT queue_id, queue_name, interval_start, interval_end, local_date, interval_label, sl_threshold,
                  sl_target_percent, reported_offered, reported_answered, reported_answered_in_threshold,
                  reported_abandoned, reported_short_abandoned, reported_flow_outs, reported_asa,
                  reported_service_level_percent, reported_service_level::text, corrected_offered, corrected_answered,
                  corrected_answered_in_threshold, corrected_abandoned, corrected_short_abandoned, corrected_flow_outs,
                  corrected_asa, corrected_service_level_percent, corrected_service_level::text, offered_diff,
                  answered_diff, abandoned_diff, asa_diff, service_level_percent_diff
           FROM gcstitch.queue_interval$q$,
        'SELECT * FROM want_queue_interval', what || ': queue_interval');
END
$$;

-- Keeps the views of what is imported now as the originals.
CREATE FUNCTION pg_temp.keep_originals() RETURNS void LANGUAGE sql AS $$
    TRUNCATE raw_interaction, raw_queue_call, raw_queue_visit, raw_agent_interval, raw_queue_interval;
    INSERT INTO raw_interaction SELECT * FROM gcstitch.interaction;
    INSERT INTO raw_queue_call SELECT * FROM gcstitch.queue_call;
    INSERT INTO raw_queue_visit SELECT * FROM gcstitch.queue_visit;
    INSERT INTO raw_agent_interval SELECT * FROM gcstitch.agent_interval;
    INSERT INTO raw_queue_interval SELECT * FROM gcstitch.queue_interval;
$$;

-- The demo's sample day, anonymized.
INSERT INTO knob VALUES ('the sample day''s secret', 0);
CREATE TEMP TABLE raw_conversation AS SELECT conversation_id FROM gcstitch.conversation;
CREATE TEMP TABLE anonymized AS SELECT gcstitch.anonymize(:'doc', 'the sample day''s secret') AS doc;
DELETE FROM gcstitch.conversation;
SELECT is(i.conversations, (SELECT count(*)::int FROM raw_conversation), 'the anonymized sample day imports whole')
  FROM anonymized a, gcstitch.import(a.doc) i;
SELECT is((SELECT count(*) FROM raw_conversation r
           WHERE strpos(a.doc, r.conversation_id) > 0),
          0::bigint, 'no original conversation id is left in the text')
  FROM anonymized a;
SELECT is((SELECT count(*) FROM (SELECT user_id FROM raw_interaction UNION SELECT client_id FROM raw_interaction) r(id)
           WHERE strpos(a.doc, r.id) > 0),
          0::bigint, 'no original user id or client id is left in the text')
  FROM anonymized a;
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.views_equal('the sample day');

-- The same, a week later.
UPDATE knob SET days = 7;
DELETE FROM gcstitch.conversation;
\o /dev/null
SELECT * FROM gcstitch.import(gcstitch.anonymize(:'doc', 'the sample day''s secret', 7));
\o
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.views_equal('the sample day, a week later');

-- A generated day with transfers, outbound calls and more reconnects, page by page (the ids stay
-- the same across pages: one secret).
DELETE FROM gcstitch.conversation;
\o /dev/null
SELECT i.* FROM gcstitch.sample_export('2024-11-05', 6, 25, 7, fragment_pct => 40, transfer_pct => 20,
                                       outbound_pct => 20, page_size => 25) p,
                gcstitch.import(p.doc) i;
\o
SELECT gcstitch.refresh() AS refreshed \gset
\o /dev/null
SELECT pg_temp.keep_originals();
UPDATE knob SET secret = 'another secret', days = -2;
DELETE FROM gcstitch.conversation;
SELECT i.* FROM gcstitch.sample_export('2024-11-05', 6, 25, 7, fragment_pct => 40, transfer_pct => 20,
                                       outbound_pct => 20, page_size => 25) p,
                gcstitch.import(gcstitch.anonymize(p.doc, 'another secret', -2)) i;
\o
SELECT gcstitch.refresh() AS refreshed \gset
SELECT * FROM pg_temp.views_equal('a generated day in pages');
SELECT * FROM finish();
ROLLBACK;
