-- Service level: the type, the aggregate, its options, rollup, parallel plans.
-- Every expected figure is counted by hand in the comments next to the data.
SET timezone = 'UTC';
SET search_path = gcstitch, public;

-- 1. Text form: canonical text comes back unchanged.
SELECT '(offered=9,answered=4,answered_in_threshold=2,abandoned=4,short_abandoned=2,flow_outs=1,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=0.000001s,short_abandon_threshold=12.5s,include_short_abandons=false,include_abandons=false,include_flow_outs=true)'::service_level;
SELECT '(offered=9223372036854775807,answered=9223372036854775807,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=86400s,short_abandon_threshold=0s,include_short_abandons=true,include_abandons=false,include_flow_outs=false)'::service_level;

-- Malformed text: 22P02 naming the input, the detail says what was expected where.
\set VERBOSITY default
SELECT ''::service_level;
SELECT '(offered=1)'::service_level;
SELECT '( offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=-1,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=01,answered=1,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20.50s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20.0000001s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
-- Seconds follow the one grammar of time_text.c: a leading zero is refused, and more seconds than an interval holds.
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=020s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=9223372036855s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=yes,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false) '::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false,extra=1)'::service_level;
-- Well-formed but inconsistent counts: same SQLSTATE, the broken rule in the detail.
SELECT '(offered=3,answered=2,answered_in_threshold=3,abandoned=1,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=3,answered=2,answered_in_threshold=1,abandoned=1,short_abandoned=2,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=4,answered=2,answered_in_threshold=1,abandoned=1,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=9223372036854775807,answered=9223372036854775807,answered_in_threshold=0,abandoned=1,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
-- Out of range: 22003.
SELECT '(offered=9223372036854775808,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;
SELECT '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=9223372036855s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level;

-- 2. One queue, threshold 20 s, short abandon threshold 10 s.
CREATE TABLE sl_call (call_no int, wait interval, answered boolean, flowed_out boolean);
INSERT INTO sl_call VALUES
    (1,  '5 seconds',         true,  false),  -- answered, met
    (2,  '20 seconds',        true,  false),  -- answered, met (wait = threshold meets it)
    (3,  '20.000001 seconds', true,  false),  -- answered, missed by one microsecond
    (4,  '45 seconds',        true,  false),  -- answered, missed
    (5,  '3 seconds',         false, false),  -- abandon, short
    (6,  '10 seconds',        false, false),  -- abandon, not short (10 s is not < 10 s)
    (7,  '30 seconds',        false, false),  -- abandon
    (8,  '60 seconds',        false, true),   -- flow-out
    (9,  '7 seconds',         NULL,  false),  -- answered unknown: skipped
    (10, NULL,                true,  false),  -- wait unknown: skipped
    (11, '9.999999 seconds',  false, NULL);   -- flowed_out NULL means false: abandon, short
-- Counted by hand: offered 9 (4 answered + 4 abandoned + 1 flow-out), answered 4, in threshold 2
-- (calls 1, 2), abandoned 4 (5, 6, 7, 11), short abandoned 2 (5, 11), flow-outs 1 (8).
SELECT service_level(wait, answered, '20 seconds', '10 seconds', true, true, false, flowed_out)
FROM sl_call;

-- Every option combination, percentage = 100 * 2 / denominator:
--   defaults (short in, abandons in, flow-outs out): 4 + 4           = 8 -> 25
--   flow-outs in:                                   4 + 4 + 1       = 9 -> 22.2...
--   short abandons out:                             4 + (4 - 2)     = 6 -> 33.3...
--   short abandons out, flow-outs in:               4 + 2 + 1       = 7 -> 28.571428...
--   abandons out (short abandons in or out):        4               = 4 -> 50 (no double subtraction)
--   abandons out, flow-outs in:                     4 + 1           = 5 -> 40
SELECT inc_short, inc_abandons, inc_flow,
       service_level_percent(service_level(wait, answered, '20 seconds', '10 seconds',
                                           inc_short, inc_abandons, inc_flow, flowed_out)) AS percent
FROM sl_call,
     (VALUES (true, true, false), (true, true, true), (false, true, false), (false, true, true),
             (true, false, false), (false, false, false), (true, false, true), (false, false, true))
         AS o(inc_short, inc_abandons, inc_flow)
GROUP BY inc_short, inc_abandons, inc_flow
ORDER BY inc_abandons DESC, inc_short DESC, inc_flow;

-- Accessors on the default-options value.
SELECT offered(s), answered(s), answered_in_threshold(s), abandoned(s), short_abandoned(s),
       flow_outs(s), threshold(s), short_abandon_threshold(s), service_level_percent(s),
       abandon_percent(s)  -- 100 * 4 / 9
FROM (SELECT service_level(wait, answered, '20 seconds', '10 seconds', true, true, false, flowed_out) AS s
      FROM sl_call) v;

-- Short overloads: without flowed_out, call 8 is an abandon (60 s, not short): abandoned 5, offered 9,
-- percent 2 / 9; the 7-argument form counts the same; a 5 s short abandon threshold leaves only call 5
-- (3 s) short.
SELECT service_level(wait, answered, '20 seconds') FROM sl_call;
SELECT service_level(wait, answered, '20 seconds', '5 seconds') FROM sl_call;
SELECT service_level(wait, answered, '20 seconds', '10 seconds', false, true, true) FROM sl_call;
SELECT service_level_percent(service_level(wait, answered, '20 seconds')) FROM sl_call;

-- As a window aggregate: running counts (met 1, 2, then 2; abandons from call 5; the flow-out at 8; calls
-- 9 and 10 skipped), and a two-row frame (restarted at every row; without flowed_out call 8 is an abandon;
-- the frame {9, 10} is empty: zero counts).
SELECT call_no, offered(s), answered_in_threshold(s), abandoned(s), flow_outs(s)
FROM (SELECT call_no, service_level(wait, answered, '20 seconds', '10 seconds', true, true, false, flowed_out)
                          OVER (ORDER BY call_no) AS s
      FROM sl_call) v
ORDER BY call_no;
SELECT call_no, offered(s), answered(s), abandoned(s)
FROM (SELECT call_no, service_level(wait, answered, '20 seconds')
                          OVER (ORDER BY call_no ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s
      FROM sl_call) v
ORDER BY call_no;

-- Day and month units compare as in SQL (1 day = 24 h): a 1 day threshold is 86400 s.
SELECT service_level(w, true, '1 day')
FROM (VALUES (interval '23:59:59'), (interval '1 day'), (interval '1 day 00:00:01')) v(w);

-- NULLs: no row gives NULL; only skipped rows give zero counts and NULL percentages.
SELECT service_level(wait, answered, '20 seconds') IS NULL AS no_rows FROM sl_call WHERE false;
SELECT s, service_level_percent(s), abandon_percent(s)
FROM (SELECT service_level(wait, answered, '20 seconds') AS s FROM sl_call WHERE call_no IN (9, 10)) v;

-- Errors.
SELECT service_level(wait, answered, CASE WHEN call_no = 4 THEN interval '30 seconds' ELSE '20 seconds' END)
FROM sl_call;
SELECT service_level(wait, answered, NULL) FROM sl_call;
SELECT service_level(wait, answered, '-1 second') FROM sl_call;
SELECT service_level(wait, answered, '20 seconds', NULL) FROM sl_call;
SELECT service_level(wait, answered, '20 seconds', '10 seconds', true, NULL, false) FROM sl_call;
SELECT service_level('-1 second', true, '20 seconds');
SELECT service_level('1 second', true, '20 seconds', '10 seconds', true, true, false, true);
SELECT service_level('1 second', true, '2147483647 months');

-- 3. A day is computed from counts, never by averaging percentages.
CREATE TABLE sl_interval_call (started timestamp, wait interval, answered boolean);
INSERT INTO sl_interval_call VALUES
    ('2024-11-04 10:05', '5 seconds', true),      -- 10:00 interval: 1 call, met: 100 %
    ('2024-11-04 10:31', '10 seconds', true),     -- 10:30 interval: 9 calls, 1 met: 11.1 %
    ('2024-11-04 10:32', '60 seconds', true), ('2024-11-04 10:33', '60 seconds', true),
    ('2024-11-04 10:34', '60 seconds', true), ('2024-11-04 10:35', '60 seconds', true),
    ('2024-11-04 10:36', '60 seconds', true), ('2024-11-04 10:37', '60 seconds', true),
    ('2024-11-04 10:38', '60 seconds', true), ('2024-11-04 10:39', '60 seconds', true);
CREATE TABLE sl_interval AS
SELECT date_bin('30 minutes', started, '2024-01-01') AS interval_start,
       service_level(wait, answered, '20 seconds') AS sl
FROM sl_interval_call GROUP BY 1;
SELECT interval_start, sl, service_level_percent(sl) FROM sl_interval ORDER BY 1;
-- The day: 2 met of 10 = 20 %; the average of the interval percentages would be 55.6 %.
SELECT service_level_percent(rollup(sl)) AS day_percent,
       round(avg(service_level_percent(sl)), 1) AS wrong_average
FROM sl_interval;
-- rollup equals aggregating the calls directly; it skips NULL values; rules must match.
SELECT rollup(sl)::text = (SELECT service_level(wait, answered, '20 seconds')::text FROM sl_interval_call)
    AS rollup_equals_direct
FROM (SELECT sl FROM sl_interval UNION ALL SELECT NULL) v;
SELECT rollup(sl) IS NULL AS empty_rollup FROM sl_interval WHERE false;
SELECT rollup(s) FROM (SELECT service_level('1 second', true, '20 seconds')
                       UNION ALL SELECT service_level('1 second', true, '30 seconds')) v(s);
SELECT rollup(s) FROM (SELECT service_level('1 second', true, '20 seconds', '10 seconds')
                       UNION ALL SELECT service_level('1 second', true, '20 seconds', '11 seconds')) v(s);
SELECT rollup(s) FROM (SELECT service_level('1 second', true, '20 seconds', '10 seconds')
                       UNION ALL SELECT service_level('1 second', true, '20 seconds', '10 seconds', true, true, true)) v(s);
SELECT service_level_combine(NULL, NULL) IS NULL AS both_null,
       service_level_combine(service_level('1 second', true, '20 seconds'), NULL);

-- 4. Per-queue targets: the queue table, defaults for queues without a row.
INSERT INTO gcstitch.queue (queue_id, name, sl_threshold, sl_target_percent)
    VALUES ('q-sales', 'Sales', '30 seconds', 90);
INSERT INTO gcstitch.queue (queue_id, name) VALUES ('q-support', 'Support');
SELECT q, queue_threshold(q), queue_target_percent(q)
FROM (VALUES ('q-sales'), ('q-support'), ('q-unknown'), (NULL)) v(q);
INSERT INTO gcstitch.queue (queue_id, sl_target_percent) VALUES ('q-bad', 101);
INSERT INTO gcstitch.queue (queue_id, sl_threshold) VALUES ('q-bad', '-1 second');

-- 5. Parallel plans give the same counts. 100000 calls, i = 1..100000, in 2500 blocks of 40:
-- wait = i % 40 seconds; answered unless i % 4 = 0; not answered and i % 8 = 0 flows out.
-- Per block of 40 residues r: answered 30 (r % 4 <> 0); met 15 (those with r <= 20: 21 residues
-- 0..20 minus the 6 multiples of 4); flow-outs 5 (r in 0, 8, 16, 24, 32); abandons 5 (r in 4, 12, 20,
-- 28, 36), short 1 (r = 4). Times 2500: answered 75000, met 37500, flow-outs 12500, abandoned 12500,
-- short 2500, offered 100000.
CREATE TABLE sl_big AS
SELECT i, make_interval(secs => i % 40) AS wait, i % 4 <> 0 AS answered, i % 8 = 0 AS flowed_out
FROM generate_series(1, 100000) i;
ANALYZE sl_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 4;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT service_level(wait, answered, '20 seconds', '10 seconds', true, true, true, flowed_out) FROM sl_big;
SELECT service_level(wait, answered, '20 seconds', '10 seconds', true, true, true, flowed_out) FROM sl_big;
-- 100 * 37500 / (75000 + 12500 + 12500) = 37.5
SELECT service_level_percent(service_level(wait, answered, '20 seconds', '10 seconds', true, true, true,
                                           flowed_out)) FROM sl_big;
-- Stored values (one per i % 5000 group), rolled up in parallel.
CREATE TABLE sl_part AS
SELECT i % 5000 AS g, service_level(wait, answered, '20 seconds', '10 seconds', true, true, true, flowed_out) AS sl
FROM sl_big GROUP BY 1;
ANALYZE sl_part;
EXPLAIN (COSTS OFF) SELECT rollup(sl) FROM sl_part;
SELECT rollup(sl) FROM sl_part;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

DROP TABLE sl_call, sl_interval_call, sl_interval, sl_big, sl_part;
DELETE FROM gcstitch.queue;
