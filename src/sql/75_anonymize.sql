-- Part 75: anonymize(), an export without personal data (issue 16). C in src/json_anonymize.c.

CREATE FUNCTION @extschema@.anonymize(doc text, secret text, shift_days int, client_id_attributes text[])
    RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_anonymize'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.anonymize(text, text, int, text[]) IS
    'A Genesys Cloud export (any shape import() reads) with every identifier replaced by a keyed hash (HMAC-SHA256 with secret), '
    'phone numbers and addresses masked, names, free text and other participant attributes dropped, dates shifted by '
    'shift_days whole days; client ids are read from the named participant attributes and hashed';

CREATE FUNCTION @extschema@.anonymize(doc text, secret text, shift_days int DEFAULT 0)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.anonymize(doc, secret, shift_days,
                                 coalesce((SELECT s.client_id_attributes FROM @extschema@.settings s),
                                          '{X-Genesys-Client-Id}'));
COMMENT ON FUNCTION @extschema@.anonymize(text, text, int) IS
    'anonymize(doc, secret, shift_days, client_id_attributes) with the attribute names of gcstitch.settings';

CREATE FUNCTION @extschema@.anonymize_id(id text, secret text)
    RETURNS text
    AS 'MODULE_PATHNAME', 'gcstitch_anonymize_id'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.anonymize_id(text, text) IS
    'The identifier anonymize() writes for id with this secret (first 16 bytes of HMAC-SHA256 as a UUID; empty stays empty): '
    'maps ids kept in other tables (queue names, teams) to the anonymized export';
