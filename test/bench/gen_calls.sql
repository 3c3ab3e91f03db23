-- Benchmark table seg(client_id, session_id, seg_type, seg_start, seg_end), in random order:
-- :clients clients x 5 calls an hour apart; each call 1 to 3 fragments (sessions) with reconnect dead
-- air of 0-20 s or 0-2 s re-reported; a fragment has interact with a hold inside it; the first has
-- an alert before it, the last a wrapup after it.  Used by stitch.sh and stitch_shapes.sh.
SELECT setseed(0.3);
CREATE TABLE seg AS
WITH call AS (
    SELECT c, j, timestamptz '2024-06-03 07:00:00+00' + (c % 3600) * interval '1 second'
                 + j * interval '1 hour' + random() * interval '10 minutes' AS t0,
           60 + random() * 840 AS len_s,
           1 + (random() < 0.35)::int + (random() < 0.07)::int AS nf
      FROM generate_series(1, :clients) c, generate_series(1, 5) j),
frag AS (
    SELECT c, j, f, nf,
           t0 + (len_s * (f - 1) / nf) * interval '1 second'
              + CASE WHEN f = 1 THEN interval '0'
                     WHEN random() < 0.5 THEN -random() * interval '2 seconds'
                     ELSE (f - 1) * random() * interval '20 seconds' END AS fs,
           t0 + (len_s * f / nf) * interval '1 second' + (f - 1) * interval '10 seconds' AS fe
      FROM call, generate_series(1, nf) f)
SELECT 'client-' || c AS client_id, 'sess-' || c || '-' || j || '-' || f AS session_id, v.*
  FROM frag
 CROSS JOIN LATERAL (VALUES
       ('alert', fs - interval '8 seconds', fs),
       ('interact', fs, fe),
       ('hold', fs + (fe - fs) * 0.4, fs + (fe - fs) * 0.5),
       ('wrapup', fe, fe + interval '30 seconds')) v(seg_type, seg_start, seg_end)
 WHERE (v.seg_type <> 'alert' OR f = 1) AND (v.seg_type <> 'wrapup' OR f = nf)
 ORDER BY random();
VACUUM ANALYZE seg;
