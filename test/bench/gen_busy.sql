-- Benchmark table busy(client_id, session_id, seg_type, seg_start, seg_end), key after key: busy
-- agents, the shape of a real day.  :agents client ids (one per agent login) take :calls calls each,
-- back to back: alert 2-10 s, talk 30-150 s in 1 to 3 fragments (reconnect dead air 0-20 s or
-- 0-2 s re-reported, a hold inside each fragment), wrapup 5-40 s, then the next call alerts 1-21 s
-- later (inside the 30 s tolerance: only the new-call rule separates the calls, so the number of
-- interactions is agents x calls by construction).  Timestamps in milliseconds, as Genesys has them.
SELECT setseed(0.7);
CREATE TABLE busy AS
WITH draw AS (
    SELECT a, k,
           2 + random() * 8 AS alert_s,
           30 + random() * 120 AS talk_s,
           1 + (random() < 0.35)::int + (random() < 0.07)::int AS nf,
           CASE WHEN random() < 0.5 THEN -random() * 2 ELSE random() * 20 END AS dead_s,
           5 + random() * 35 AS wrap_s,
           1 + random() * 20 AS idle_s,
           random() * 3600 AS login_s
      FROM generate_series(1, :agents) a, generate_series(1, :calls) k),
call AS (
    SELECT a, k, alert_s, talk_s, nf, dead_s, wrap_s,
           timestamptz '2024-06-03 06:00:00+00'
             + (first_value(login_s) OVER w
                + coalesce(sum(alert_s + talk_s + (nf - 1) * dead_s + wrap_s + idle_s)
                           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))
               * interval '1 second' AS t0
      FROM draw
    WINDOW w AS (PARTITION BY a ORDER BY k)),
frag AS (
    SELECT a, k, f, nf, t0, alert_s, wrap_s,
           t0 + (alert_s + (f - 1) * (talk_s / nf + dead_s)) * interval '1 second' AS fs,
           t0 + (alert_s + (f - 1) * (talk_s / nf + dead_s) + talk_s / nf) * interval '1 second' AS fe
      FROM call, generate_series(1, nf) f)
SELECT 'agent-' || a AS client_id, 'sess-' || a || '-' || k || '-' || f AS session_id, v.seg_type,
       date_trunc('milliseconds', v.s) AS seg_start, date_trunc('milliseconds', v.e) AS seg_end
  FROM frag
 CROSS JOIN LATERAL (VALUES
       ('alert', t0, fs),
       ('interact', fs, fe),
       ('hold', fs + (fe - fs) * 0.4, fs + (fe - fs) * 0.5),
       ('wrapup', fe, fe + wrap_s * interval '1 second')) v(seg_type, s, e)
 WHERE (v.seg_type <> 'alert' OR f = 1) AND (v.seg_type <> 'wrapup' OR f = nf)
 ORDER BY a, k, f;
