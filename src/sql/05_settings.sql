-- Part 05: the one-row settings table read by the importer and the views.

CREATE TABLE @extschema@.settings (
    id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    client_id_attributes      text[] NOT NULL DEFAULT '{X-Genesys-Client-Id}'
                              CHECK (pg_catalog.cardinality(client_id_attributes) OPERATOR(pg_catalog.>) 0
                                     AND pg_catalog.array_position(client_id_attributes, NULL) IS NULL),
    gap_tolerance             interval NOT NULL DEFAULT '30 seconds'
                              CHECK (gap_tolerance OPERATOR(pg_catalog.>=) '0'
                                     AND pg_catalog.date_part('day', gap_tolerance) OPERATOR(pg_catalog.=) 0
                                     AND pg_catalog.date_part('month', gap_tolerance) OPERATOR(pg_catalog.=) 0
                                     AND pg_catalog.date_part('year', gap_tolerance) OPERATOR(pg_catalog.=) 0),
    report_timezone           text NOT NULL DEFAULT 'Europe/Paris',
    interval_length           interval NOT NULL DEFAULT '30 minutes'
                              CHECK (interval_length OPERATOR(pg_catalog.=)
                                     ANY (ARRAY['15 minutes', '30 minutes', '60 minutes']::interval[])),
    short_abandon_threshold   interval NOT NULL DEFAULT '10 seconds'
                              CHECK (short_abandon_threshold OPERATOR(pg_catalog.>=) '0'),
    sl_include_short_abandons boolean NOT NULL DEFAULT true,
    sl_include_abandons       boolean NOT NULL DEFAULT true,
    sl_include_flow_outs      boolean NOT NULL DEFAULT false,
    split_after_wrapup        boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE @extschema@.settings IS
    'gcstitch settings: one row; inserting a row replaces the current one (so pg_dump/restore keeps edits)';
COMMENT ON COLUMN @extschema@.settings.id IS 'Always true: the table holds one row';
COMMENT ON COLUMN @extschema@.settings.client_id_attributes IS
    'Participant attribute names holding the persistent softphone client id, first present wins';
COMMENT ON COLUMN @extschema@.settings.gap_tolerance IS
    'Largest dead air between two fragments of one call (hours, minutes, seconds only)';
COMMENT ON COLUMN @extschema@.settings.report_timezone IS 'IANA time zone of the report intervals';
COMMENT ON COLUMN @extschema@.settings.interval_length IS 'Length of a report interval';
COMMENT ON COLUMN @extschema@.settings.short_abandon_threshold IS
    'An abandon that waited less than this is a short abandon';
COMMENT ON COLUMN @extschema@.settings.sl_include_short_abandons IS
    'Service level counts short abandons in its denominator (Genesys option)';
COMMENT ON COLUMN @extschema@.settings.sl_include_abandons IS
    'Service level counts abandons in its denominator (Genesys option)';
COMMENT ON COLUMN @extschema@.settings.sl_include_flow_outs IS
    'Service level counts flow-outs in its denominator, as misses (Genesys option)';
COMMENT ON COLUMN @extschema@.settings.split_after_wrapup IS
    'Stitching rule 2: an offer (alert, dialing, contacting) after a wrapup starts a new interaction; false = gap rule only';

-- One row at a time: a new row replaces the old, which also lets pg_restore reload an edited row.
CREATE FUNCTION @extschema@.settings_replace_row() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM @extschema@.settings;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.settings_replace_row() IS
    'Trigger function: inserting into gcstitch.settings replaces the existing row';
CREATE TRIGGER settings_replace_row BEFORE INSERT ON @extschema@.settings
    FOR EACH ROW EXECUTE FUNCTION @extschema@.settings_replace_row();

INSERT INTO @extschema@.settings DEFAULT VALUES;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.settings', '');
