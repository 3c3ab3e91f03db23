-- Part 10: the stitching core: type stitch, aggregates stitch() and rollup(), accessors,
-- window function interaction_no().  Nothing here reads TimeZone or settings: IMMUTABLE.

CREATE TYPE @extschema@.stitch;

CREATE FUNCTION @extschema@.stitch_in(cstring) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_in(cstring) IS
    'Text input of gcstitch.stitch: exactly the output text (format 2) in either form, readable "v2 ..." or compact "v2c:...", or the format 1 text of gcstitch 0.1.0; checks every invariant (22P02 on bad input)';

CREATE FUNCTION @extschema@.stitch_out(@extschema@.stitch) RETURNS cstring
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_out(@extschema@.stitch) IS
    'Text output of gcstitch.stitch in the form gcstitch.stitch_output names: readable (the default) "v2 tolerance=<s>s split_after_wrapup=<bool> [class:start/end@session ...] ...", UTC ISO 8601, or compact "v2c:..."';

CREATE FUNCTION @extschema@.stitch_recv(internal) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_recv(internal) IS
    'Binary input of gcstitch.stitch (format 2, or format 1 of gcstitch 0.1.0); checks every count, bound, ordering and island (22P03 on bad input)';

CREATE FUNCTION @extschema@.stitch_send(@extschema@.stitch) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_send(@extschema@.stitch) IS
    'Binary output of gcstitch.stitch (network byte order, format version 2)';

CREATE TYPE @extschema@.stitch (
    INPUT = @extschema@.stitch_in,
    OUTPUT = @extschema@.stitch_out,
    RECEIVE = @extschema@.stitch_recv,
    SEND = @extschema@.stitch_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.stitch IS
    'Stitched timeline of one key: its distinct segments cut into interactions (islands) by the gap and new-call rules; exact under rollup()';

CREATE FUNCTION @extschema@.stitch_eq(@extschema@.stitch, @extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_eq'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_eq(@extschema@.stitch, @extschema@.stitch) IS
    'True when two stitch values are identical (same tolerance, islands, intervals and sessions)';

CREATE FUNCTION @extschema@.stitch_ne(@extschema@.stitch, @extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_ne'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_ne(@extschema@.stitch, @extschema@.stitch) IS
    'True when two stitch values differ';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.stitch, RIGHTARG = @extschema@.stitch,
    FUNCTION = @extschema@.stitch_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.stitch, @extschema@.stitch) IS
    'stitch values are identical';

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.stitch, RIGHTARG = @extschema@.stitch,
    FUNCTION = @extschema@.stitch_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=)
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.stitch, @extschema@.stitch) IS
    'stitch values differ';

-- Aggregate support (state: internal array of 24-byte rows, sorted once in the final function;
-- one transition function for both forms of stitch(), with and without split_after_wrapup).
-- COST 10 on the transition functions: a row costs about ten built-in operators (append, type
-- match, session hash); with the default of 1 the planner did not see the aggregate's CPU and kept
-- the serial plan even where two workers are 25-30 % faster.  Combine, serial and deserial keep the
-- default: a higher cost there makes partial (partition-wise) aggregation look worse than it is.
CREATE FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval) IS
    'Transition function of gcstitch.stitch(...)';

CREATE FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval, boolean)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.stitch_transfn(internal, timestamptz, timestamptz, text, text, interval, boolean) IS
    'Transition function of gcstitch.stitch(..., split_after_wrapup)';

CREATE FUNCTION @extschema@.rollup_transfn(internal, @extschema@.stitch) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_rollup_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    COST 10;
COMMENT ON FUNCTION @extschema@.rollup_transfn(internal, @extschema@.stitch) IS
    'Transition function of gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_combinefn(internal, internal) IS
    'Combine function of gcstitch.stitch(...) and gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_serialfn(internal) IS
    'Serialization function of gcstitch.stitch(...) and gcstitch.rollup(stitch)';

CREATE FUNCTION @extschema@.stitch_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_deserialfn(bytea, internal) IS
    'Deserialization function of gcstitch.stitch(...) and gcstitch.rollup(stitch); validates the state';

CREATE FUNCTION @extschema@.stitch_finalfn(internal) RETURNS @extschema@.stitch
    AS 'MODULE_PATHNAME', 'gcstitch_stitch_finalfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.stitch_finalfn(internal) IS
    'Final function of gcstitch.stitch(...) and gcstitch.rollup(stitch); NULL for a group without rows';

CREATE AGGREGATE @extschema@.stitch(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                    session_id text, tolerance interval) (
    SFUNC = @extschema@.stitch_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.stitch(timestamptz, timestamptz, text, text, interval) IS
    'Stitches the segments of one key into interactions by both rules (gap: start - running max end > tolerance; new call: an offer after a wrapup); rows with a NULL bound are skipped; NULL for no rows';

CREATE AGGREGATE @extschema@.stitch(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                    session_id text, tolerance interval, split_after_wrapup boolean) (
    SFUNC = @extschema@.stitch_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.stitch(timestamptz, timestamptz, text, text, interval, boolean) IS
    'Stitches the segments of one key into interactions by the gap rule, and by the new-call rule when split_after_wrapup; rows with a NULL bound are skipped; NULL for no rows';

CREATE AGGREGATE @extschema@.rollup(@extschema@.stitch) (
    SFUNC = @extschema@.rollup_transfn,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = @extschema@.stitch_finalfn,
    COMBINEFUNC = @extschema@.stitch_combinefn,
    SERIALFUNC = @extschema@.stitch_serialfn,
    DESERIALFUNC = @extschema@.stitch_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.stitch) IS
    'Merges stitch values of one key exactly as if all their rows were stitched at once; all must have the same tolerance and split_after_wrapup';

-- Readers.
CREATE FUNCTION @extschema@.interactions(@extschema@.stitch)
    RETURNS TABLE (interaction_no int, started_at timestamptz, ended_at timestamptz, fragments int,
                   alert interval, talk interval, hold interval, acw interval, dialing interval,
                   contacting interval, other interval, handle interval, gap interval,
                   answered_at timestamptz, speed_of_answer interval)
    AS 'MODULE_PATHNAME', 'gcstitch_interactions'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION @extschema@.interactions(@extschema@.stitch) IS
    'One row per stitched interaction, in time order, with its measures';

CREATE FUNCTION @extschema@.interaction_count(@extschema@.stitch) RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_count'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_count(@extschema@.stitch) IS
    'Number of stitched interactions';

CREATE FUNCTION @extschema@.fragments(@extschema@.stitch) RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_fragments'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fragments(@extschema@.stitch) IS
    'Sum over interactions of their fragments (distinct sessions, 1 when none is known)';

CREATE FUNCTION @extschema@.alert(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_alert'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.alert(@extschema@.stitch) IS
    'Total alert (ringing) time over all interactions';

CREATE FUNCTION @extschema@.talk(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_talk'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.talk(@extschema@.stitch) IS
    'Total talk (interact) time over all interactions';

CREATE FUNCTION @extschema@.hold(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_hold'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hold(@extschema@.stitch) IS
    'Total hold time over all interactions';

CREATE FUNCTION @extschema@.acw(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_acw'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.acw(@extschema@.stitch) IS
    'Total after-call work (wrapup) time over all interactions';

CREATE FUNCTION @extschema@.handle(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_handle'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.handle(@extschema@.stitch) IS
    'Total handle time (talk + hold + acw + dialing + contacting) over all interactions';

CREATE FUNCTION @extschema@.gap(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_gap'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gap(@extschema@.stitch) IS
    'Total dead air between fragments inside interactions';

CREATE FUNCTION @extschema@.tolerance(@extschema@.stitch) RETURNS interval
    AS 'MODULE_PATHNAME', 'gcstitch_tolerance'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tolerance(@extschema@.stitch) IS
    'Gap tolerance the value was stitched with';

CREATE FUNCTION @extschema@.split_after_wrapup(@extschema@.stitch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'gcstitch_split_after_wrapup'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.split_after_wrapup(@extschema@.stitch) IS
    'Whether the value was stitched with the new-call rule (false for values stored by gcstitch 0.1.0)';

CREATE FUNCTION @extschema@.interaction_no(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                           tolerance interval)
    RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_no'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, text, interval) IS
    'Window function: the interaction_no (as in interactions(), both rules) of each row; use OVER (PARTITION BY key ORDER BY seg_start, seg_end); NULL for rows with a NULL bound';

CREATE FUNCTION @extschema@.interaction_no(seg_start timestamptz, seg_end timestamptz, seg_type text,
                                           tolerance interval, split_after_wrapup boolean)
    RETURNS int
    AS 'MODULE_PATHNAME', 'gcstitch_interaction_no'
    LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.interaction_no(timestamptz, timestamptz, text, interval, boolean) IS
    'Window function: the interaction_no (as in interactions()) of each row, with the new-call rule when split_after_wrapup; use OVER (PARTITION BY key ORDER BY seg_start, seg_end); NULL for rows with a NULL bound';
