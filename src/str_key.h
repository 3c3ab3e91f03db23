/*
 * str_key.h
 *		A string slice (not NUL-terminated) as a simplehash key, hashed with a per-call seed, so
 *		that colliding keys cannot be chosen in advance. A table using it passes a pointer to its
 *		uint64 seed as simplehash's private_data and defines:
 *			#define SH_KEY_TYPE StrKey
 *			#define SH_HASH_KEY(tb, k) STR_KEY_HASH(tb, k)
 *			#define SH_EQUAL(tb, a, b) STR_KEY_EQUAL(a, b)
 */
#ifndef GCSTITCH_STR_KEY_H
#define GCSTITCH_STR_KEY_H

#include "common/hashfn.h"

typedef struct StrKey
{
	const char *s;
	int			len;
} StrKey;

#define STR_KEY_HASH(tb, k) \
	((uint32) hash_bytes_extended((const unsigned char *) (k).s, (k).len, \
								  *(const uint64 *) (tb)->private_data))
#define STR_KEY_EQUAL(a, b) ((a).len == (b).len && memcmp((a).s, (b).s, (a).len) == 0)

#endif							/* GCSTITCH_STR_KEY_H */
