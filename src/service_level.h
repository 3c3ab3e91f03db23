/*
 * service_level.h
 *		The gcstitch.service_level value: queue counts and the rule they were
 *		counted with.
 */
#ifndef GCSTITCH_SERVICE_LEVEL_H
#define GCSTITCH_SERVICE_LEVEL_H

#define SERVICE_LEVEL_VERSION 1

/* Option flags (the Genesys service level adjustments) */
#define SL_INCLUDE_SHORT_ABANDONS	0x01
#define SL_INCLUDE_ABANDONS			0x02
#define SL_INCLUDE_FLOW_OUTS		0x04
#define SL_KNOWN_FLAGS				0x07

/* Defaults of the short aggregate overloads */
#define SL_DEFAULT_FLAGS			(SL_INCLUDE_SHORT_ABANDONS | SL_INCLUDE_ABANDONS)
#define SL_DEFAULT_SHORT_ABANDON_US	INT64CONST(10000000)

/*
 * Stored value (varlena, fixed content size for version 1).  Thresholds in
 * microseconds; invariants (checked by input, receive and every update):
 * counts >= 0, offered = answered + abandoned + flow_outs,
 * answered_in_threshold <= answered, short_abandoned <= abandoned.
 */
typedef struct ServiceLevel
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* SERVICE_LEVEL_VERSION */
	uint8		flags;			/* SL_INCLUDE_* */
	uint16		unused;			/* zero */
	int64		threshold;		/* answered with wait <= this meet the target */
	int64		short_abandon_threshold;	/* abandons with wait < this are short */
	int64		offered;
	int64		answered;
	int64		answered_in_threshold;
	int64		abandoned;
	int64		short_abandoned;
	int64		flow_outs;
} ServiceLevel;

#endif							/* GCSTITCH_SERVICE_LEVEL_H */
