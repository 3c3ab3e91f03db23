/*
 * service_level_check.h
 *		The invariants README.md states for every gcstitch.service_level value, checked through
 *		the accessors (the SQL functions offered(), answered(), ...) on each value an input
 *		function accepts: counts >= 0, offered = answered + abandoned + flow_outs,
 *		answered_in_threshold <= answered, short_abandoned <= abandoned. Used by both harnesses.
 */
#ifndef GCSTITCH_FUZZ_SERVICE_LEVEL_CHECK_H
#define GCSTITCH_FUZZ_SERVICE_LEVEL_CHECK_H

#include "shim.h"

extern Datum gcstitch_service_level_offered(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_answered(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_answered_in_threshold(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_abandoned(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_short_abandoned(PG_FUNCTION_ARGS);
extern Datum gcstitch_service_level_flow_outs(PG_FUNCTION_ARGS);

static inline void
check_service_level(Datum value)
{
	int64		offered = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_offered, value));
	int64		answered = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_answered, value));
	int64		in_threshold = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_answered_in_threshold, value));
	int64		abandoned = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_abandoned, value));
	int64		short_abandoned = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_short_abandoned, value));
	int64		flow_outs = DatumGetInt64(fuzz_fmgr1(gcstitch_service_level_flow_outs, value));

	if (answered < 0 || in_threshold < 0 || abandoned < 0 || short_abandoned < 0 || flow_outs < 0 ||
		in_threshold > answered || short_abandoned > abandoned ||
		(__int128) answered + abandoned + flow_outs != offered)
		fuzz_fail("accepted service_level breaks an invariant: offered " INT64_FORMAT ", answered "
				  INT64_FORMAT " (" INT64_FORMAT " in threshold), abandoned " INT64_FORMAT " ("
				  INT64_FORMAT " short), flow_outs " INT64_FORMAT,
				  offered, answered, in_threshold, abandoned, short_abandoned, flow_outs);
}

#endif							/* GCSTITCH_FUZZ_SERVICE_LEVEL_CHECK_H */
