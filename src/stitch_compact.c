/*
 * stitch_compact.c
 *		The compact text form of gcstitch.stitch, written when
 *		gcstitch.stitch_output = compact and always read: about half the size
 *		of the binary form for a day of one login, for postgres_fdw, COPY and
 *		pg_dump, which ship values as text.
 *
 *	 v2c:<flags><tolerance><row><row>...
 *
 * Every number is a varint of the URL-safe base-64 digits A-Z a-z 0-9 - _
 * (values 0 to 63): 5 bits a digit, least significant first; a digit of 32
 * to 63 ("g" to "_") is followed by more, one of 0 to 31 ("A" to "f") ends
 * the number, and a number of several digits does not end with "A" (zero).
 * flags: bit 0 split_after_wrapup, bits 1-2 the time unit (0 microsecond,
 * 1 millisecond, 2 second: the largest that divides every start and end).
 * tolerance: microseconds.  A row is three numbers: its start (the first
 * row's zigzag-encoded, 0 -1 1 -2 ... as 0 1 2 3 ..., in units since
 * 2000-01-01 UTC; the others' in units after the previous row's start), its
 * length in units, and its kind, class + 7 * ref (class 0 alert, 1 interact,
 * 2 hold, 3 wrapup, 4 dialing, 5 contacting, 6 other; ref 0 no session, 1 a
 * session not used before, whose 61-bit identity follows as 11 digits, most
 * significant first, k + 1 the k-th most recent of those).  Rows are in the
 * stored order; islands are not written, the rules cut them.  Input accepts
 * exactly what output writes and checks every row as the readable input does.
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "utils/memutils.h"

#include "stitch_compact.h"

/* Digits of a varint: 5 bits a digit, so 13 for 64 bits; a session identity: 11 digits of 6 bits. */
#define VARINT_MAX_DIGITS 13
#define SESSION_DIGITS 11
#define ROW_MAX_CHARS (3 * VARINT_MAX_DIGITS + SESSION_DIGITS)
#define KIND_REF_NEW 1
#define UNIT_CODES 3

static const char digit_char[65] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const int64 unit_us[UNIT_CODES] = {1, INT64CONST(1000), USECS_PER_SEC};

/* Value of each byte as a digit, -1 for any other byte (NUL included); filled on first use. */
static int8 digit_value[256];
static bool digit_value_ready = false;

static void
init_digit_values(void)
{
	if (digit_value_ready)
		return;
	memset(digit_value, -1, sizeof(digit_value));
	for (int i = 0; i < 64; i++)
		digit_value[(unsigned char) digit_char[i]] = (int8) i;
	digit_value_ready = true;
}

static inline uint64
zigzag(int64 x)
{
	return ((uint64) x << 1) ^ (uint64) (x >> 63);
}

static inline int64
unzigzag(uint64 z)
{
	return (int64) ((z >> 1) ^ (~(z & 1) + 1));
}

/* Sessions numbered in order of first use, by identity: an open-addressing table. */
typedef struct SessionMap
{
	uint64	   *keys;			/* 0: empty slot */
	int32	   *order;
	uint64		mask;
	int32		count;
} SessionMap;

static void
session_map_init(SessionMap *m, int64 expected)
{
	Size		slots = 16;

	while (slots < (Size) expected * 2)
		slots *= 2;
	m->keys = MemoryContextAllocHuge(CurrentMemoryContext, slots * sizeof(uint64));
	memset(m->keys, 0, slots * sizeof(uint64));
	m->order = MemoryContextAllocHuge(CurrentMemoryContext, slots * sizeof(int32));
	m->mask = slots - 1;
	m->count = 0;
}

static inline uint64
session_slot(const SessionMap *m, uint64 sid)
{
	/* identities are hashes already; the multiply spreads crafted ones */
	uint64		i = ((sid * UINT64CONST(0x9E3779B97F4A7C15)) >> 32) & m->mask;

	while (m->keys[i] != 0 && m->keys[i] != sid)
		i = (i + 1) & m->mask;
	return i;
}

/* Doubles the table, keeping every session's number. */
static void
session_map_grow(SessionMap *m)
{
	SessionMap	old = *m;

	session_map_init(m, (int64) (old.mask + 1));
	m->count = old.count;
	for (uint64 i = 0; i <= old.mask; i++)
		if (old.keys[i] != 0)
		{
			uint64		j = session_slot(m, old.keys[i]);

			m->keys[j] = old.keys[i];
			m->order[j] = old.order[i];
		}
	pfree(old.keys);
	pfree(old.order);
}

/* The number of sid (first use 0, 1, ...); -1 when it is new, and numbers it. */
static inline int32
session_number(SessionMap *m, uint64 sid)
{
	uint64		i;

	if (unlikely((uint64) m->count * 2 >= m->mask))
		session_map_grow(m);
	i = session_slot(m, sid);
	if (m->keys[i] == sid)
		return m->order[i];
	m->keys[i] = sid;
	m->order[i] = m->count++;
	return -1;
}

static inline char *
put_varint(char *p, uint64 v)
{
	while (v >= 32)
	{
		*p++ = digit_char[32 | (v & 31)];
		v >>= 5;
	}
	*p++ = digit_char[v];
	return p;
}

static inline char *
put_session(char *p, uint64 sid)
{
	for (int k = SESSION_DIGITS - 1; k >= 0; k--)
		*p++ = digit_char[(sid >> (6 * k)) & 63];
	return p;
}

/* Whether unit code divides t: the divisors are constants, so no division instruction. */
static inline bool
divides(int code, int64 t)
{
	switch (code)
	{
		case 2:
			return t % USECS_PER_SEC == 0;
		case 1:
			return t % 1000 == 0;
		default:
			return true;
	}
}

/* x in units of code (x a multiple of it), by a constant divisor. */
static inline uint64
in_units(int code, uint64 x)
{
	switch (code)
	{
		case 2:
			return x / USECS_PER_SEC;
		case 1:
			return x / 1000;
		default:
			return x;
	}
}

/* The code of the largest unit (second, millisecond, microsecond) dividing every start and end. */
static int
time_unit_code(const StitchItem *it, int32 n)
{
	int			code = UNIT_CODES - 1;

	for (int32 i = 0; i < n && code > 0; i++)
		while (code > 0 && !(divides(code, it[i].s) && divides(code, it[i].e)))
			code--;
	return code;
}

/* Distinct sessions of a value at most: the islands' counts add up to no fewer. */
static int64
session_bound(const Stitch *v)
{
	const StitchIsland *isl = STITCH_ISLANDS(v);
	int64		total = 0;

	for (int32 i = 0; i < v->nislands; i++)
		total += isl[i].nsess;
	return total;
}

/* Appends the compact text of v. */
void
stitch_compact_append(StringInfo buf, const Stitch *v)
{
	const StitchItem *it = STITCH_ITEMS(v);
	int			code = time_unit_code(it, v->nitems);
	SessionMap	map;
	char	   *p;

	session_map_init(&map, session_bound(v));
	/* typically 8 to 12 characters a row: room for most values at once */
	enlargeStringInfo(buf, Min((Size) v->nitems * 12 + 64, MaxAllocSize / 4));
	p = buf->data + buf->len;
	memcpy(p, STITCH_COMPACT_PREFIX, STITCH_COMPACT_PREFIX_LEN);
	p += STITCH_COMPACT_PREFIX_LEN;
	p = put_varint(p, (uint64) (code << 1 | (STITCH_SPLITS(v) ? 1 : 0)));
	p = put_varint(p, (uint64) v->tolerance);
	buf->len = p - buf->data;
	for (int32 i = 0; i < v->nitems; i++)
	{
		uint64		sid = STITCH_TAG_SESSION(it[i].tag);
		uint64		ref = 0;
		int32		num;

		if (unlikely(buf->maxlen - buf->len <= ROW_MAX_CHARS))
			enlargeStringInfo(buf, ROW_MAX_CHARS);
		p = buf->data + buf->len;
		/* unsigned differences: exact for any two valid timestamps, later minus earlier */
		p = put_varint(p, i == 0 ? zigzag(it[0].s / unit_us[code]) :
					   in_units(code, (uint64) it[i].s - (uint64) it[i - 1].s));
		p = put_varint(p, in_units(code, (uint64) it[i].e - (uint64) it[i].s));
		if (sid != 0)
		{
			num = session_number(&map, sid);
			ref = num < 0 ? KIND_REF_NEW : (uint64) (map.count - num) + 1;
		}
		p = put_varint(p, (uint64) STITCH_TAG_CLASS(it[i].tag) + STITCH_NCLASSES * ref);
		if (ref == KIND_REF_NEW)
			p = put_session(p, sid);
		buf->len = p - buf->data;
	}
	buf->data[buf->len] = '\0';
}

/* The text being read, and the detail of the first thing wrong in it. */
typedef struct Reader
{
	const char *p;
	const char *err;
} Reader;

static bool
fail(Reader *rd, const char *detail)
{
	rd->err = detail;
	return false;
}

static bool
fail_at(Reader *rd, unsigned char c, const char *at_end)
{
	return fail(rd, c == '\0' ? at_end :
				"A character is not a digit of the compact form (A-Z, a-z, 0-9, - and _).");
}

/* Reads a varint; false (with the detail) when there is none, it is too large or not canonical. */
static inline bool
get_varint(Reader *rd, uint64 *out)
{
	const unsigned char *p = (const unsigned char *) rd->p;
	uint64		v = 0;
	int			shift = 0;
	int			d;

	for (;;)
	{
		d = digit_value[*p];
		if (d < 0)
			return fail_at(rd, *p, shift == 0 ? "The text ends where a number is due: the header or the last row is incomplete."
						   : "The text ends inside a number.");
		p++;
		/* the thirteenth digit holds the top 4 bits and must end the number */
		if (shift == 60 && d > 15)
			return fail(rd, "A number is out of range.");
		v |= (uint64) (d & 31) << shift;
		if (d < 32)
			break;
		shift += 5;
	}
	if (d == 0 && shift > 0)
		return fail(rd, "A number ends with a zero digit (not canonical).");
	rd->p = (const char *) p;
	*out = v;
	return true;
}

/* Reads the 11 digits of a session identity. */
static bool
get_session(Reader *rd, uint64 *sid)
{
	const unsigned char *p = (const unsigned char *) rd->p;
	uint64		h = 0;

	for (int k = 0; k < SESSION_DIGITS; k++)
	{
		int			d = digit_value[p[k]];

		if (d < 0)
			return fail_at(rd, p[k], "The text ends inside a session identity.");
		/* 61 bits in 66: the first digit holds bits 60 to 65 */
		if (k == 0 && d > 1)
			return fail(rd, "A session identity is out of range.");
		h = h << 6 | (uint64) d;
	}
	if (h == 0)
		return fail(rd, "A session identity is out of range.");
	rd->p = (const char *) (p + SESSION_DIGITS);
	*sid = h;
	return true;
}

/* base + units * unit, false when it leaves int64 (the validator checks the timestamp range). */
static inline bool
add_units(int64 base, uint64 units, int64 unit, int64 *out)
{
	uint64		delta;

	if (pg_mul_u64_overflow(units, (uint64) unit, &delta))
		return false;
	/* as unsigned, INT64_MAX - base is exact for any base (more than INT64_MAX when base < 0) */
	if (delta > (uint64) PG_INT64_MAX - (uint64) base)
		return false;
	*out = (int64) ((uint64) base + delta);
	return true;
}

/* Rows and sessions read so far. */
typedef struct RowsRead
{
	StitchItem *items;
	int32		n;
	int32		max;
	uint64	   *sess;			/* in order of first use */
	int32		nsess;
	int32		maxsess;
	SessionMap	seen;			/* the same, to refuse one given twice */
} RowsRead;

/* The session of a row whose kind refers to ref; false with the detail when it cannot. */
static bool
row_session(Reader *rd, RowsRead *rr, uint64 ref, uint64 *sid)
{
	if (ref == 0)
		*sid = 0;
	else if (ref == KIND_REF_NEW)
	{
		if (!get_session(rd, sid))
			return false;
		if (session_number(&rr->seen, *sid) >= 0)
			return fail(rd, "A session identity is given twice instead of referred to (not canonical).");
		if (!STITCH_GROW(rr->sess, rr->nsess, rr->maxsess))
			return fail(rd, "The value has too many sessions.");
		rr->sess[rr->nsess++] = *sid;
	}
	else if (ref - 1 > (uint64) rr->nsess)
		return fail(rd, "A row refers to a session that no row before it gave.");
	else
		*sid = rr->sess[rr->nsess - (int32) (ref - 1)];
	return true;
}

/* Reads one row after the previous one (prev NULL for the first). */
static bool
read_row(Reader *rd, RowsRead *rr, const StitchItem *prev, int64 unit)
{
	uint64		start,
				length,
				kind,
				sid;
	StitchItem	it;
	bool		ok;

	if (!get_varint(rd, &start) || !get_varint(rd, &length) || !get_varint(rd, &kind))
		return false;
	if (prev == NULL)
		ok = !pg_mul_s64_overflow(unzigzag(start), unit, &it.s);
	else
		ok = add_units(prev->s, start, unit, &it.s);
	if (!ok || !add_units(it.s, length, unit, &it.e))
		return fail(rd, "A timestamp is out of range.");
	if (!row_session(rd, rr, kind / STITCH_NCLASSES, &sid))
		return false;
	it.tag = STITCH_TAG(kind % STITCH_NCLASSES, sid);
	if (!STITCH_GROW(rr->items, rr->n, rr->max))
		return fail(rd, "The value has too many rows.");
	rr->items[rr->n++] = it;
	return true;
}

/* NULL when some start or end is not a multiple of the next larger unit (so unit is the largest). */
static const char *
check_unit(const RowsRead *rr, int code)
{
	if (code == UNIT_CODES - 1)
		return NULL;
	for (int32 i = 0; i < rr->n; i++)
		if (!divides(code + 1, rr->items[i].s) || !divides(code + 1, rr->items[i].e))
			return NULL;
	return "The time unit is not the largest that divides every start and end (not canonical).";
}

/* Reads the header: rules and the time unit's code. */
static bool
read_header(Reader *rd, StitchRules *r, int *code)
{
	uint64		flags,
				tolerance;

	if (!get_varint(rd, &flags) || !get_varint(rd, &tolerance))
		return false;
	if (flags >= (uint64) (UNIT_CODES << 1))
		return fail(rd, "The flags are out of range (bit 0 split_after_wrapup, bits 1-2 the time unit 0, 1 or 2).");
	if (tolerance > (uint64) PG_INT64_MAX)
		return fail(rd, "The tolerance is out of range.");
	r->split_after_wrapup = (flags & 1) != 0;
	r->tolerance = (int64) tolerance;
	*code = (int) (flags >> 1);
	return true;
}

/* Parses compact text (str starts with the prefix); NULL on success with *result set, else a detail. */
const char *
stitch_compact_parse(const char *str, Stitch **result)
{
	Reader		rd = {str + STITCH_COMPACT_PREFIX_LEN, NULL};
	StitchRules r;
	RowsRead	rr;
	int			code;
	const char *err;
	size_t		len;

	Assert(strncmp(str, STITCH_COMPACT_PREFIX, STITCH_COMPACT_PREFIX_LEN) == 0);
	init_digit_values();
	if (!read_header(&rd, &r, &code))
		return rd.err;
	if (*rd.p == '\0')
		return "A stitch value must have at least one row.";
	/* a row takes 3 characters at least, typically 8 to 12; a call (a new session) 30 to 60 */
	len = strlen(rd.p);
	rr.max = (int32) Min(len / 8 + 8, 1 << 20);
	rr.items = palloc(sizeof(StitchItem) * rr.max);
	rr.n = 0;
	rr.maxsess = 8;
	rr.sess = palloc(sizeof(uint64) * rr.maxsess);
	rr.nsess = 0;
	session_map_init(&rr.seen, (int64) Min(len / 32 + 8, 1 << 16));
	while (*rd.p != '\0')
		if (!read_row(&rd, &rr, rr.n == 0 ? NULL : &rr.items[rr.n - 1], unit_us[code]))
			return rd.err;
	if ((err = check_unit(&rr, code)) != NULL)
		return err;
	*result = stitch_from_islands(rr.items, rr.n, NULL, 0, &r, &err);
	return *result == NULL ? err : NULL;
}
