-- Seeded random checks: the aggregate against a pure-SQL reference under every option combination,
-- rollup of random splits, and a mutation fuzzer for the text input.
BEGIN;
SELECT plan(5);
SELECT setseed(0.2024);

CREATE TEMP TABLE call AS
SELECT i, (random() * 7)::int AS grp,
       CASE WHEN random() < 0.03 THEN NULL ELSE make_interval(secs => round((random() * 40)::numeric, 6)) END AS wait,
       CASE WHEN random() < 0.03 THEN NULL ELSE random() < 0.7 END AS answered,
       CASE WHEN random() < 0.03 THEN NULL ELSE random() < 0.2 END AS flowed_out,
       (random() * 9)::int AS part
FROM generate_series(1, 20000) i;
-- answered and flowed out together is an error by design: keep the data valid.
UPDATE call SET flowed_out = false WHERE answered;
CREATE TEMP TABLE opt AS
SELECT * FROM (VALUES (interval '20 seconds'), (interval '0'), (interval '15.5 seconds')) t(thr),
              (VALUES (interval '10 seconds'), (interval '0')) sa(sat),
              (VALUES (true), (false)) a(inc_short), (VALUES (true), (false)) b(inc_ab), (VALUES (true), (false)) c(inc_flow);

-- Reference counts with FILTER, the documented rules written independently.
CREATE TEMP TABLE ref AS
SELECT o.*, c.grp,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND c.answered IS NOT NULL) AS offered,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND c.answered) AS answered,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND c.answered AND c.wait <= o.thr) AS met,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND NOT c.answered AND NOT coalesce(c.flowed_out, false)) AS abandoned,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND NOT c.answered AND NOT coalesce(c.flowed_out, false)
                        AND c.wait < o.sat) AS short,
       count(*) FILTER (WHERE c.wait IS NOT NULL AND NOT c.answered AND c.flowed_out) AS flow
FROM opt o, call c GROUP BY o.thr, o.sat, o.inc_short, o.inc_ab, o.inc_flow, c.grp;
CREATE TEMP TABLE got AS
SELECT o.thr, o.sat, o.inc_short, o.inc_ab, o.inc_flow, c.grp,
       gcstitch.service_level(c.wait, c.answered, o.thr, o.sat, o.inc_short, o.inc_ab, o.inc_flow, c.flowed_out) AS sl
FROM opt o, call c GROUP BY o.thr, o.sat, o.inc_short, o.inc_ab, o.inc_flow, c.grp;

SELECT is((SELECT count(*) FROM ref r JOIN got g USING (thr, sat, inc_short, inc_ab, inc_flow, grp)
           WHERE (r.offered, r.answered, r.met, r.abandoned, r.short, r.flow)
                 IS DISTINCT FROM (gcstitch.offered(g.sl), gcstitch.answered(g.sl), gcstitch.answered_in_threshold(g.sl),
                                   gcstitch.abandoned(g.sl), gcstitch.short_abandoned(g.sl), gcstitch.flow_outs(g.sl))),
          0::bigint, 'counts equal the FILTER reference for 48 rules x 8 groups');
SELECT is((SELECT count(*) FROM ref r JOIN got g USING (thr, sat, inc_short, inc_ab, inc_flow, grp)
           WHERE gcstitch.service_level_percent(g.sl) IS DISTINCT FROM (
                 SELECT CASE WHEN d = 0 THEN NULL ELSE trim_scale(100 * r.met::numeric / d) END
                 FROM (SELECT r.answered
                              + CASE WHEN NOT r.inc_ab THEN 0 WHEN r.inc_short THEN r.abandoned
                                     ELSE r.abandoned - r.short END
                              + CASE WHEN r.inc_flow THEN r.flow ELSE 0 END AS d) den)),
          0::bigint, 'percentages equal the reference formula');
-- Rollup over random parts equals the direct aggregate, per rule.
SELECT is((SELECT count(*) FROM (
               SELECT thr, sat, inc_short, inc_ab, inc_flow, gcstitch.rollup(sl)::text AS r
               FROM (SELECT o.thr, o.sat, o.inc_short, o.inc_ab, o.inc_flow, c.part,
                            gcstitch.service_level(c.wait, c.answered, o.thr, o.sat, o.inc_short, o.inc_ab,
                                                   o.inc_flow, c.flowed_out) AS sl
                     FROM opt o, call c GROUP BY 1, 2, 3, 4, 5, 6) p
               GROUP BY 1, 2, 3, 4, 5) x
           JOIN (SELECT thr, sat, inc_short, inc_ab, inc_flow, gcstitch.rollup(sl)::text AS d
                 FROM got GROUP BY 1, 2, 3, 4, 5) y USING (thr, sat, inc_short, inc_ab, inc_flow)
           WHERE x.r <> y.d), 0::bigint, 'rollup of random parts equals rollup of groups');

-- Text input fuzzer: mutations of valid values are either refused with 22P02/22003 or accepted, and
-- an accepted text is canonical (its output is the text itself).
CREATE FUNCTION pg_temp.fuzz(n int) RETURNS TABLE(accepted int, refused int, bad text[]) LANGUAGE plpgsql AS $$
DECLARE
    bases text[] := ARRAY[
        '(offered=9,answered=4,answered_in_threshold=2,abandoned=4,short_abandoned=2,flow_outs=1,threshold=20s,short_abandon_threshold=10s,include_short_abandons=true,include_abandons=true,include_flow_outs=false)',
        '(offered=0,answered=0,answered_in_threshold=0,abandoned=0,short_abandoned=0,flow_outs=0,threshold=0.000001s,short_abandon_threshold=12.5s,include_short_abandons=false,include_abandons=false,include_flow_outs=true)',
        '(offered=100,answered=90,answered_in_threshold=90,abandoned=9,short_abandoned=9,flow_outs=1,threshold=1.25s,short_abandon_threshold=0s,include_short_abandons=true,include_abandons=false,include_flow_outs=true)'];
    alphabet text := '0123456789,=().s-a et+9';
    s text;
    pos int;
    out text;
BEGIN
    accepted := 0; refused := 0; bad := '{}';
    FOR k IN 1..n LOOP
        s := bases[1 + floor(random() * 3)::int];
        FOR m IN 1..1 + floor(random() * 3)::int LOOP
            pos := 1 + floor(random() * length(s))::int;
            CASE floor(random() * 4)::int
                WHEN 0 THEN s := overlay(s PLACING '' FROM pos FOR 1);
                WHEN 1 THEN s := overlay(s PLACING substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1)
                                         FROM pos FOR 0);
                WHEN 2 THEN s := overlay(s PLACING substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1)
                                         FROM pos FOR 1);
                ELSE s := overlay(s PLACING substr(s, pos, 1 + floor(random() * 5)::int) FROM pos FOR 0);
            END CASE;
        END LOOP;
        BEGIN
            out := s::gcstitch.service_level::text;
            IF out = s THEN accepted := accepted + 1; ELSE bad := bad || s; END IF;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
            refused := refused + 1;
        WHEN OTHERS THEN
            bad := bad || (SQLSTATE || ': ' || s);
        END;
    END LOOP;
    RETURN NEXT;
END
$$;
CREATE TEMP TABLE fuzz AS SELECT * FROM pg_temp.fuzz(5000);
SELECT is((SELECT bad FROM fuzz), '{}'::text[], 'no mutated input is accepted non-canonically or fails otherwise');
SELECT cmp_ok((SELECT accepted FROM fuzz), '>', 0, 'some mutations are still valid values (the fuzzer reaches acceptance)');

SELECT * FROM finish();
ROLLBACK;
