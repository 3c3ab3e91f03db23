-- gcstitch install script, part 00: guard and the extension's own objects.
\echo Use "CREATE EXTENSION gcstitch" to load this file. \quit

CREATE FUNCTION @extschema@.version() RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS
    'Version of the gcstitch shared library; equals the installed extension version when both are current';
