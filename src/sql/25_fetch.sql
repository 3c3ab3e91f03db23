-- Part 25: what gcstitch-fetch (the client program in fetch/) has fetched from Genesys Cloud.

CREATE TABLE @extschema@.fetch_interval (
    source               text NOT NULL,
    interval_start       timestamptz NOT NULL,
    interval_end         timestamptz NOT NULL,
    job_id               text,
    next_cursor          text,
    pages                integer NOT NULL DEFAULT 0 CHECK (pages >= 0),
    conversations        bigint NOT NULL DEFAULT 0 CHECK (conversations >= 0),
    job_attempts         integer NOT NULL DEFAULT 0 CHECK (job_attempts >= 0),
    data_available_until timestamptz,
    started_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
    completed_at         timestamptz,
    PRIMARY KEY (source, interval_start, interval_end),
    CHECK (interval_end > interval_start)
);
COMMENT ON TABLE @extschema@.fetch_interval IS
    'gcstitch-fetch: the intervals fetched from Genesys Cloud per source, completed or in progress; each page is imported in the transaction that moves next_cursor';
COMMENT ON COLUMN @extschema@.fetch_interval.source IS
    'Name of the Genesys Cloud organization or region fetched from (gcstitch-fetch --source, default the API URL)';
COMMENT ON COLUMN @extschema@.fetch_interval.interval_start IS 'Start of the interval of the conversation details job';
COMMENT ON COLUMN @extschema@.fetch_interval.interval_end IS 'End of the interval (excluded)';
COMMENT ON COLUMN @extschema@.fetch_interval.job_id IS 'The Genesys Cloud job that is (or was last) read for this interval';
COMMENT ON COLUMN @extschema@.fetch_interval.next_cursor IS
    'Cursor of the next results page to import; NULL before the first page and once completed';
COMMENT ON COLUMN @extschema@.fetch_interval.pages IS 'Results pages of the job imported so far';
COMMENT ON COLUMN @extschema@.fetch_interval.conversations IS 'Conversations in those pages';
COMMENT ON COLUMN @extschema@.fetch_interval.job_attempts IS 'Jobs made for this interval (more than one when a job failed or expired)';
COMMENT ON COLUMN @extschema@.fetch_interval.data_available_until IS
    'dataAvailabilityDate of the last page: Genesys Cloud had complete data up to this instant';
COMMENT ON COLUMN @extschema@.fetch_interval.started_at IS 'When the interval was first recorded (or recorded again)';
COMMENT ON COLUMN @extschema@.fetch_interval.updated_at IS 'Last change: a new job or an imported page';
COMMENT ON COLUMN @extschema@.fetch_interval.completed_at IS 'When its last page was imported; NULL while in progress';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.fetch_interval', '');
