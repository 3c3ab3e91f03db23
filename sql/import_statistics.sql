-- import() finds the stored versions by key whatever the statistics say: they never see what the
-- importing transaction stored, and after a VACUUM that emptied gcstitch.conversation they call it
-- empty, which once made every page of a long import read the table whole for every conversation.
-- (Earlier files may have left conversations: the check holds either way.)
SET client_min_messages = warning;
BEGIN;
SELECT sum(i.conversations) > 0 AS imported
  FROM gcstitch.sample_export('2024-11-04', 4, 10, 7) p, gcstitch.import(p.doc) i;
ROLLBACK;
VACUUM gcstitch.conversation;
-- Several pages in one transaction: no sequential scan of the conversations, only index probes.
BEGIN;
SELECT count(*) > 2 AS several_pages, sum(i.conversations) > 0 AS imported
  FROM gcstitch.sample_export('2024-11-04', 4, 10, 7, page_size => 10) p, gcstitch.import(p.doc) i;
SELECT seq_scan, idx_scan > 0 AS by_key
  FROM pg_stat_xact_user_tables WHERE relid = 'gcstitch.conversation'::regclass;
ROLLBACK;
