-- Sharing a problem export safely: the same days anonymized with a secret (kept out of the
-- repository) give the same report once the team table uses the anonymized queue ids.
CREATE TABLE original AS SELECT * FROM report.team_sla_day;
DELETE FROM gcstitch.conversation;
\set secret 'not the real secret'
SELECT sum(i.rejected) AS rejected
  FROM fixture_day d, gcstitch.sample_export(d.day, 6, 20, 1, busy => false) p,
       gcstitch.import(gcstitch.anonymize(p.doc, :'secret')) i;
SELECT gcstitch.refresh() AS refreshed \gset
UPDATE report.team_queue SET queue_id = gcstitch.anonymize_id(queue_id, :'secret');
SELECT count(*) AS rows_differing
  FROM ((SELECT * FROM report.team_sla_day EXCEPT SELECT * FROM original)
        UNION ALL (SELECT * FROM original EXCEPT SELECT * FROM report.team_sla_day)) d;
SELECT count(*) AS original_queue_ids_left FROM gcstitch.segment WHERE queue_id LIKE 'f0000000-%';
