-- The library and the installed extension agree on the version.
SELECT gcstitch.version() = extversion AS same_version
  FROM pg_extension WHERE extname = 'gcstitch';
SELECT extrelocatable, nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'gcstitch';
