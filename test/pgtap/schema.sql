-- The schema's public objects exist, with the documented signatures and comments.
BEGIN;
SELECT plan(5);
SELECT has_schema('gcstitch');
SELECT has_function('gcstitch', 'version', '{}'::name[]);
SELECT function_returns('gcstitch', 'version', '{}'::name[], 'text');
SELECT is(gcstitch.version(), (SELECT extversion FROM pg_extension WHERE extname = 'gcstitch'),
          'library version equals installed extension version');
SELECT is(obj_description('gcstitch.version()'::regprocedure, 'pg_proc') IS NOT NULL, true,
          'version() has a comment');
SELECT * FROM finish();
ROLLBACK;
