/*
 * shim.h
 *		What the fuzzing harnesses need from test/fuzz/shim.c: run a function the way the backend
 *		would (an ERROR unwinds it), see the error, and free what it allocated.
 *
 * shim.c stands in for the few backend functions gcstitch's input code calls (palloc and its
 * memory context, ereport, the libpq message readers, Julian dates); PostgreSQL's own frontend
 * libraries (libpgcommon, libpgport) provide StringInfo, psprintf, snprintf and the encoding
 * checks. It is for fuzzing only: nothing here is used by a correctness test.
 */
#ifndef GCSTITCH_FUZZ_SHIM_H
#define GCSTITCH_FUZZ_SHIM_H

#include "postgres.h"

#include "fmgr.h"

/* The last ERROR raised through ereport. */
typedef struct FuzzError
{
	int			sqlerrcode;
	char		message[512];
	char		detail[512];
} FuzzError;

/* Runs fn(arg); false when it raised an ERROR (then *fuzz_last_error says which). */
extern bool fuzz_call(void (*fn) (void *arg), void *arg);
extern const FuzzError *fuzz_last_error(void);

/* Aborts (a finding) unless the last error has one of the SQLSTATEs of the NULL-ended list. */
extern void fuzz_expect_sqlstate(const char *const *allowed);

/* Frees every palloc'd chunk, after running the reset callbacks: the end of one call. */
extern void fuzz_reset(void);

/* Aborts with a message: a property the harness checks does not hold. */
extern void fuzz_fail(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

/* Calls a V1 function with one argument (NULL result is a finding). */
extern Datum fuzz_fmgr1(PGFunction fn, Datum arg);

/* True when data[0..len) is a string a cstring input function can receive (UTF-8, no NUL). */
extern bool fuzz_valid_cstring(const uint8 *data, size_t len);

/* A palloc'd NUL-terminated copy. */
extern char *fuzz_cstring(const uint8 *data, size_t len);

#endif							/* GCSTITCH_FUZZ_SHIM_H */
