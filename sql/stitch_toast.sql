-- Session ids and types that arrive toasted (stored out of line, or compressed inline) are read
-- by value: two rows with the same long session id are one fragment.
SET timezone = 'UTC';

-- One call, three rows, two distinct long session ids (they differ only in their last character):
-- 10:00-10:01 interact A, 10:01-10:02 interact B, 10:02-10:03 hold A.
-- By construction: 1 interaction, 2 fragments, talk 2 min, hold 1 min, no gap.
CREATE TABLE toast_rows (s timestamptz, e timestamptz, typ text, sess text);
ALTER TABLE toast_rows ALTER COLUMN sess SET STORAGE PLAIN;
INSERT INTO toast_rows VALUES
    ('2024-11-04 10:00:00+00', '2024-11-04 10:01:00+00', 'interact', repeat('a', 5000) || '1'),
    ('2024-11-04 10:01:00+00', '2024-11-04 10:02:00+00', 'interact', repeat('a', 5000) || '2'),
    ('2024-11-04 10:02:00+00', '2024-11-04 10:03:00+00', 'hold', repeat('a', 5000) || '1');

-- Out of line, uncompressed.
CREATE TABLE toast_external (LIKE toast_rows);
ALTER TABLE toast_external ALTER COLUMN sess SET STORAGE EXTERNAL;
INSERT INTO toast_external SELECT * FROM toast_rows;
-- Compressed inline.
CREATE TABLE toast_compressed (LIKE toast_rows);
ALTER TABLE toast_compressed ALTER COLUMN sess SET STORAGE MAIN;
INSERT INTO toast_compressed SELECT * FROM toast_rows;

-- Plain and external keep all 5001 bytes (external ones in the toast table); compressed ones shrink.
SELECT 'plain' AS storage, pg_column_size(sess) < 100 AS shrunk, count(*)
  FROM toast_rows GROUP BY 1, 2
UNION ALL
SELECT 'external', pg_column_size(sess) < 100, count(*) FROM toast_external GROUP BY 1, 2
UNION ALL
SELECT 'compressed', pg_column_size(sess) < 100, count(*) FROM toast_compressed GROUP BY 1, 2;
SELECT pg_relation_size(reltoastrelid) > 0 AS external_in_toast_table
  FROM pg_class WHERE relname = 'toast_external';

SELECT 'external' AS storage, i.interaction_no, i.fragments, i.talk, i.hold, i.gap
  FROM (SELECT gcstitch.stitch(s, e, typ, sess, '30 seconds') AS st FROM toast_external) x,
       gcstitch.interactions(x.st) i
UNION ALL
SELECT 'compressed', i.interaction_no, i.fragments, i.talk, i.hold, i.gap
  FROM (SELECT gcstitch.stitch(s, e, typ, sess, '30 seconds') AS st FROM toast_compressed) x,
       gcstitch.interactions(x.st) i;

-- The same value as with the untoasted ids.
SELECT (SELECT gcstitch.stitch(s, e, typ, sess, '30 seconds') FROM toast_external)
       OPERATOR(gcstitch.=)
       (SELECT gcstitch.stitch(s, e, typ, sess, '30 seconds') FROM toast_rows) AS same_as_plain;

DROP TABLE toast_rows, toast_external, toast_compressed;
