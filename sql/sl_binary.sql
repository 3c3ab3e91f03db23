-- Service level binary form: send layout, receive checks every field.
SET search_path = gcstitch, public;

-- Layout: version byte, flags byte (1 short abandons, 2 abandons, 4 flow-outs), threshold and short
-- abandon threshold in microseconds, then offered, answered, answered_in_threshold, abandoned,
-- short_abandoned, flow_outs, all int64 big-endian. Expected, by hand: 01 03, 20000000 = 0x1312d00,
-- 10000000 = 0x989680, then 9 4 2 4 2 1.
CREATE TABLE sl_value AS SELECT '(offered=9,answered=4,answered_in_threshold=2,abandoned=4,short_abandoned=2,flow_outs=1,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)'::service_level AS v;
SELECT encode(service_level_send(v), 'hex') FROM sl_value;

-- Binary COPY input made from bytes: a shell printf of octal escapes, read by COPY FROM PROGRAM.
CREATE FUNCTION pg_temp.copy_program(payload bytea) RETURNS text LANGUAGE sql AS $$
    SELECT 'printf ''' || string_agg('\' || (b >> 6)::text || ((b >> 3) & 7)::text || (b & 7)::text, ''
                                     ORDER BY i) || ''''
    FROM (SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea || '\x0001'::bytea
                 || int4send(length(payload)) || payload || '\xffff'::bytea AS f) file,
         LATERAL (SELECT i, get_byte(f, i) AS b FROM generate_series(0, length(f) - 1) i) bytes
$$;
CREATE FUNCTION pg_temp.with_bytes(p bytea, at int, b bytea) RETURNS bytea LANGUAGE sql
    RETURN overlay(p PLACING b FROM at + 1 FOR length(b));
CREATE TABLE sl_in (v gcstitch.service_level);
CREATE TABLE sl_payload (what text, p bytea);
INSERT INTO sl_payload
SELECT what, pg_temp.with_bytes(s, at, b)
FROM (SELECT service_level_send(v) AS s FROM sl_value) x,
     (VALUES ('same bytes', 0, ''::bytea),
             ('version 2', 0, '\x02'::bytea),
             ('unknown flag', 1, '\x0b'::bytea),
             ('negative threshold', 2, int8send(-1)),
             ('negative short abandon threshold', 10, int8send(-20)),
             ('offered not the sum', 18, int8send(10)),
             ('negative answered', 26, int8send(-1)),
             ('met above answered', 34, int8send(5)),
             ('negative abandoned', 42, int8send(-4)),
             ('short above abandoned', 50, int8send(5)),
             ('negative flow-outs', 58, int8send(-1))) AS change(what, at, b);
INSERT INTO sl_payload SELECT 'one byte short', substr(p, 1, 65) FROM sl_payload WHERE what = 'same bytes';
INSERT INTO sl_payload SELECT 'one byte more', p || '\x00'::bytea FROM sl_payload WHERE what = 'same bytes';

SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'same bytes' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT v::text = (SELECT v::text FROM sl_value) AS same_value FROM sl_in;

SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'version 2' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'unknown flag' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'negative threshold' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'negative short abandon threshold' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'offered not the sum' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'negative answered' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'met above answered' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'negative abandoned' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'short above abandoned' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'negative flow-outs' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'one byte short' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'one byte more' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
-- Wrong lengths are invalid binary values (22P03), never a protocol violation: recv checks the
-- length before it reads. Version and flags only, one byte short, nothing at all.
\set VERBOSITY sqlstate
SELECT pg_temp.copy_program(substr(p, 1, 2)) AS cmd FROM sl_payload WHERE what = 'same bytes' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(p) AS cmd FROM sl_payload WHERE what = 'one byte short' \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
SELECT pg_temp.copy_program(''::bytea) AS cmd \gset
COPY sl_in FROM PROGRAM :'cmd' (FORMAT binary);
\set VERBOSITY default
SELECT count(*) AS rows_loaded FROM sl_in;

DROP TABLE sl_value, sl_in, sl_payload;
