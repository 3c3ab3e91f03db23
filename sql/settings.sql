-- Settings: one row; inserting replaces it.
SELECT count(*) FROM gcstitch.settings;
INSERT INTO gcstitch.settings (gap_tolerance) VALUES ('20 seconds');
SELECT count(*), min(gap_tolerance) FROM gcstitch.settings;
INSERT INTO gcstitch.settings (gap_tolerance) VALUES ('1 day');
