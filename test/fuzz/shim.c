/*
 * shim.c
 *		The backend functions gcstitch's input code calls, for the fuzzing harnesses only.
 *
 * Each does what the backend's does for the inputs a harness gives, or aborts when called in a
 * way the harnesses never should (so a harness cannot silently test a fake):
 * - palloc and friends: one memory context; every chunk is its own malloc, so AddressSanitizer
 *   sees each chunk's bounds (PostgreSQL's contexts hide them inside big blocks), and
 *   fuzz_reset() frees them all after running the reset callbacks, as ending a call does;
 * - ereport: ERROR unwinds to fuzz_call() with the SQLSTATE and message; FATAL and PANIC abort;
 * - pq_getmsg*: the libpq message readers, with their errors (08P01) on missing bytes;
 * - date2j, j2date, day_tab: Julian day numbers of the proleptic Gregorian calendar (computed
 *   here from the days-from-civil formulation; checked against the server's to_char(d, 'J')
 *   from -4713-11-24 to 294276-12-31);
 * - pg_mbcliplen and the encoding functions for a UTF-8 database (the test cluster's encoding;
 *   the conversion functions abort: a UTF-8 database never converts);
 * - construct_array of varlena elements (division ids).
 */
#include "postgres.h"

#include <setjmp.h>

#include "access/tupmacs.h"
#include "catalog/namespace.h"
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

#include "shim.h"

/* The one memory context: its node, the live chunks (an open-addressing set), its callbacks. */
static MemoryContextData context;
MemoryContext CurrentMemoryContext = &context;
static void **chunks;
static size_t chunk_slots;
static size_t chunk_count;
static MemoryContextCallback *callbacks;

/* CHECK_FOR_INTERRUPTS(): nothing ever interrupts a harness. */
volatile sig_atomic_t InterruptPending = false;

void
ProcessInterrupts(void)
{
	fuzz_fail("ProcessInterrupts called without a pending interrupt");
}

static size_t
ChunkSlot(const void *p, size_t slots)
{
	uint64		h = (uint64) (uintptr_t) p * UINT64CONST(0x9E3779B97F4A7C15);

	return (size_t) (h >> 20) & (slots - 1);
}

static void
ChunkInsert(void *p)
{
	size_t		i;

	if (2 * (chunk_count + 1) > chunk_slots)
	{
		void	  **old = chunks;
		size_t		old_slots = chunk_slots;

		chunk_slots = Max(1024, chunk_slots * 2);
		chunks = calloc(chunk_slots, sizeof(void *));
		if (chunks == NULL)
			fuzz_fail("out of memory for the chunk set");
		for (size_t j = 0; j < old_slots; j++)
			if (old[j] != NULL)
			{
				for (i = ChunkSlot(old[j], chunk_slots); chunks[i] != NULL; i = (i + 1) & (chunk_slots - 1))
					;
				chunks[i] = old[j];
			}
		free(old);
	}
	for (i = ChunkSlot(p, chunk_slots); chunks[i] != NULL; i = (i + 1) & (chunk_slots - 1))
		;
	chunks[i] = p;
	chunk_count++;
}

/* Removes p (linear probing: later entries of its run move back); aborts when p is not a chunk. */
static void
ChunkRemove(void *p)
{
	size_t		i,
				j;

	if (chunk_slots == 0)
		fuzz_fail("pfree of %p, which palloc did not return", p);
	for (i = ChunkSlot(p, chunk_slots); chunks[i] != p; i = (i + 1) & (chunk_slots - 1))
		if (chunks[i] == NULL)
			fuzz_fail("pfree or repalloc of %p, which palloc did not return (or already freed)", p);
	chunks[i] = NULL;
	chunk_count--;
	for (j = (i + 1) & (chunk_slots - 1); chunks[j] != NULL; j = (j + 1) & (chunk_slots - 1))
	{
		size_t		home = ChunkSlot(chunks[j], chunk_slots);

		/* move j back into the hole at i unless its home lies cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j)))
		{
			chunks[i] = chunks[j];
			chunks[j] = NULL;
			i = j;
		}
	}
}

static void *
Alloc(Size size, bool huge, bool zero)
{
	void	   *p;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	p = zero ? calloc(1, Max(size, 1)) : malloc(Max(size, 1));
	if (p == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	ChunkInsert(p);
	return p;
}

void *
palloc(Size size)
{
	return Alloc(size, false, false);
}

void *
palloc0(Size size)
{
	return Alloc(size, false, true);
}

void *
MemoryContextAllocHuge(MemoryContext cxt, Size size)
{
	if (cxt != &context)
		fuzz_fail("MemoryContextAllocHuge in an unknown context");
	return Alloc(size, true, false);
}

void *
MemoryContextAllocZero(MemoryContext cxt, Size size)
{
	if (cxt != &context)
		fuzz_fail("MemoryContextAllocZero in an unknown context");
	return Alloc(size, false, true);
}

/* As the backend's; MCXT_ALLOC_NO_OOM is not honoured (an error instead of NULL). */
void *
MemoryContextAllocExtended(MemoryContext cxt, Size size, int flags)
{
	if (cxt != &context)
		fuzz_fail("MemoryContextAllocExtended in an unknown context");
	return Alloc(size, (flags & MCXT_ALLOC_HUGE) != 0, (flags & MCXT_ALLOC_ZERO) != 0);
}

void
pfree(void *p)
{
	ChunkRemove(p);
	free(p);
}

static void *
Realloc(void *p, Size size, bool huge)
{
	void	   *q;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	ChunkRemove(p);
	q = realloc(p, Max(size, 1));
	if (q == NULL)
		fuzz_fail("out of memory in repalloc");
	ChunkInsert(q);
	return q;
}

void *
repalloc(void *p, Size size)
{
	return Realloc(p, size, false);
}

void *
repalloc_huge(void *p, Size size)
{
	return Realloc(p, size, true);
}

char *
pstrdup(const char *s)
{
	return pnstrdup(s, strlen(s));
}

char *
pnstrdup(const char *s, Size len)
{
	char	   *p;

	len = strnlen(s, len);
	p = palloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
MemoryContextRegisterResetCallback(MemoryContext cxt, MemoryContextCallback *cb)
{
	if (cxt != &context)
		fuzz_fail("reset callback on an unknown context");
	cb->next = callbacks;
	callbacks = cb;
}

void
fuzz_reset(void)
{
	/* callbacks first, newest first, while their memory is still there (as the backend does) */
	while (callbacks != NULL)
	{
		MemoryContextCallback *cb = callbacks;

		callbacks = cb->next;
		cb->func(cb->arg);
	}
	for (size_t i = 0; i < chunk_slots; i++)
		if (chunks[i] != NULL)
		{
			free(chunks[i]);
			chunks[i] = NULL;
		}
	chunk_count = 0;
}

Size
add_size(Size s1, Size s2)
{
	Size		result = s1 + s2;

	if (result < s1 || result < s2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("requested shared memory size overflows size_t")));
	return result;
}

Size
mul_size(Size s1, Size s2)
{
	Size		result;

	if (s1 == 0 || s2 == 0)
		return 0;
	result = s1 * s2;
	if (result / s2 != s1)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("requested shared memory size overflows size_t")));
	return result;
}

/* ereport: the error being built, and where ERROR jumps to. */
static int	error_level;
static FuzzError error_data;
static FuzzError last_error;
static sigjmp_buf *error_jump;

bool
errstart(int elevel, const char *domain)
{
	if (elevel < ERROR)
		return false;			/* warnings and notices are not findings */
	error_level = elevel;
	memset(&error_data, 0, sizeof(error_data));
	error_data.sqlerrcode = ERRCODE_INTERNAL_ERROR;	/* the backend's default for ERROR */
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

int
errcode(int sqlerrcode)
{
	error_data.sqlerrcode = sqlerrcode;
	return 0;
}

#define FORMAT_INTO(field, fmt) \
	do { \
		va_list		args; \
		va_start(args, fmt); \
		vsnprintf(field, sizeof(field), fmt, args); \
		va_end(args); \
	} while (0)

int
errmsg(const char *fmt,...)
{
	FORMAT_INTO(error_data.message, fmt);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	FORMAT_INTO(error_data.message, fmt);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	FORMAT_INTO(error_data.detail, fmt);
	return 0;
}

int
errdetail_internal(const char *fmt,...)
{
	FORMAT_INTO(error_data.detail, fmt);
	return 0;
}

int
errhint(const char *fmt,...)
{
	char		hint[512];

	FORMAT_INTO(hint, fmt);		/* formatted (its arguments are checked too), not kept */
	return 0;
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	last_error = error_data;
	if (error_level > ERROR || error_jump == NULL)
		fuzz_fail("%s at %s:%d (%s): %s", error_level > ERROR ? "FATAL or PANIC" : "ERROR outside fuzz_call",
				  filename, lineno, funcname, error_data.message);
	siglongjmp(*error_jump, 1);
}

bool
fuzz_call(void (*fn) (void *arg), void *arg)
{
	sigjmp_buf	jump;
	sigjmp_buf *outer = error_jump;

	if (sigsetjmp(jump, 0) != 0)
	{
		error_jump = outer;
		return false;
	}
	error_jump = &jump;
	fn(arg);
	error_jump = outer;
	return true;
}

const FuzzError *
fuzz_last_error(void)
{
	return &last_error;
}

static const char *
SqlState(int code)
{
	static char buf[6];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(code);
		code >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

void
fuzz_expect_sqlstate(const char *const *allowed)
{
	const char *state = SqlState(last_error.sqlerrcode);

	for (; *allowed != NULL; allowed++)
		if (strcmp(state, *allowed) == 0)
			return;
	fuzz_fail("unexpected SQLSTATE %s: %s (%s)", state, last_error.message, last_error.detail);
}

void
fuzz_fail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	abort();
}

/* A failed Assert of gcstitch's code (built with USE_ASSERT_CHECKING here) is a finding. */
void
ExceptionalCondition(const char *conditionName, const char *errorType, const char *fileName,
					 int lineNumber)
{
	fuzz_fail("%s(\"%s\") at %s:%d", errorType, conditionName, fileName, lineNumber);
}

Datum
fuzz_fmgr1(PGFunction fn, Datum arg)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	result = fn(fcinfo);
	if (fcinfo->isnull)
		fuzz_fail("function returned NULL");
	return result;
}

bool
fuzz_valid_cstring(const uint8 *data, size_t len)
{
	return len < PG_INT32_MAX && memchr(data, '\0', len) == NULL &&
		pg_encoding_verifymbstr(PG_UTF8, (const char *) data, (int) len) == (int) len;
}

char *
fuzz_cstring(const uint8 *data, size_t len)
{
	char	   *s = palloc(len + 1);

	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* Values the harnesses pass are never toasted, compressed or short-header. */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		fuzz_fail("pg_detoast_datum of a toasted value: not something a harness passes");
	return datum;
}

text *
cstring_to_text_with_len(const char *s, int len)
{
	text	   *t = palloc(len + VARHDRSZ);

	SET_VARSIZE(t, len + VARHDRSZ);
	memcpy(VARDATA(t), s, len);
	return t;
}

text *
cstring_to_text(const char *s)
{
	return cstring_to_text_with_len(s, strlen(s));
}

/* Bytes of mbstr[0..len) that hold at most limit bytes of whole characters (UTF-8). */
int
pg_mbcliplen(const char *mbstr, int len, int limit)
{
	int			clen = 0;

	while (len > 0 && *mbstr)
	{
		int			l = pg_utf_mblen((const unsigned char *) mbstr);

		if (clen + l > limit)
			break;
		clen += l;
		if (clen == limit)
			break;
		len -= l;
		mbstr += l;
	}
	return clen;
}

int
pg_encoding_mbcliplen(int encoding, const char *mbstr, int len, int limit)
{
	if (encoding != PG_UTF8)
		fuzz_fail("pg_encoding_mbcliplen for encoding %d", encoding);
	return pg_mbcliplen(mbstr, len, limit);
}

/* The database encoding: UTF8, as the test cluster's; no conversion is ever needed. */
int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

const char *
GetDatabaseEncodingName(void)
{
	return "UTF8";
}

Oid
FindDefaultConversionProc(int32 for_encoding, int32 to_encoding)
{
	fuzz_fail("FindDefaultConversionProc called in a UTF8 database");
}

int
pg_do_encoding_conversion_buf(Oid proc, int src_encoding, int dest_encoding, unsigned char *src,
							  int srclen, unsigned char *dest, int destlen, bool noError)
{
	fuzz_fail("pg_do_encoding_conversion_buf called in a UTF8 database");
}

/* A one-dimensional array of varlena elements without NULLs, laid out as the backend does. */
ArrayType *
construct_array(Datum *elems, int nelems, Oid elmtype, int elmlen, bool elmbyval, char elmalign)
{
	Size		hdr = (nelems == 0) ? sizeof(ArrayType) : ARR_OVERHEAD_NONULLS(1);
	Size		nbytes = 0;
	ArrayType  *result;
	char	   *p;

	if (elmlen != -1 || elmbyval)
		fuzz_fail("construct_array of a fixed-length type");
	for (int i = 0; i < nelems; i++)
		nbytes = att_align_nominal(nbytes + VARSIZE_ANY(DatumGetPointer(elems[i])), elmalign);
	result = palloc0(hdr + nbytes);
	SET_VARSIZE(result, hdr + nbytes);
	result->ndim = (nelems == 0) ? 0 : 1;
	result->dataoffset = 0;
	result->elemtype = elmtype;
	if (nelems == 0)
		return result;
	ARR_DIMS(result)[0] = nelems;
	ARR_LBOUND(result)[0] = 1;
	p = ARR_DATA_PTR(result);
	for (int i = 0; i < nelems; i++)
	{
		Size		len = VARSIZE_ANY(DatumGetPointer(elems[i]));

		memcpy(p, DatumGetPointer(elems[i]), len);
		p += att_align_nominal(len, elmalign);
	}
	return result;
}

/* libpq message readers: missing bytes are a protocol violation, as in the backend. */
static void
CopyMessageBytes(StringInfo msg, char *buf, int n)
{
	if (n < 0 || n > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("insufficient data left in message")));
	memcpy(buf, msg->data + msg->cursor, n);
	msg->cursor += n;
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("no data left in message")));
	return (unsigned char) msg->data[msg->cursor++];
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	unsigned char bytes[4];
	unsigned int result = 0;

	if (b != 1 && b != 2 && b != 4)
		elog(ERROR, "unsupported integer size %d", b);
	CopyMessageBytes(msg, (char *) bytes, b);
	for (int i = 0; i < b; i++)
		result = (result << 8) | bytes[i];
	return result;
}

int64
pq_getmsgint64(StringInfo msg)
{
	unsigned char bytes[8];
	uint64		result = 0;

	CopyMessageBytes(msg, (char *) bytes, 8);
	for (int i = 0; i < 8; i++)
		result = (result << 8) | bytes[i];
	return (int64) result;
}

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendStringInfoSpaces(buf, VARHDRSZ);	/* the length word, set by pq_endtypsend */
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

/* Julian dates: day 0 of the days-from-civil count (1970-01-01) is Julian day 2440588. */
const int	day_tab[2][13] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

#define UNIX_EPOCH_JULIAN_DAY 2440588

static int64
FloorDiv(int64 a, int64 b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int
date2j(int year, int month, int day)
{
	/* years start on March 1, so the leap day ends a year */
	int64		y = (int64) year - (month <= 2);
	int64		era = FloorDiv(y, 400);
	int64		year_of_era = y - era * 400;
	int64		day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64		day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return (int) (era * 146097 + day_of_era - 719468 + UNIX_EPOCH_JULIAN_DAY);
}

void
j2date(int jd, int *year, int *month, int *day)
{
	int64		z = (int64) jd - UNIX_EPOCH_JULIAN_DAY + 719468;
	int64		era = FloorDiv(z, 146097);
	int64		day_of_era = z - era * 146097;
	int64		year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64		day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64		mp = (5 * day_of_year + 2) / 153;
	int			m = (int) (mp < 10 ? mp + 3 : mp - 9);

	*day = (int) (day_of_year - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = (int) (year_of_era + era * 400 + (m <= 2));
}
