/*
 * stitch_sort.c
 *		Sorting rows by (start, tag), in linear time on the orders real data
 *		arrives in.
 *
 * Imports write segments in time order, and a key's rows reach the final
 * function in the order the table holds them: already sorted, sorted but for
 * rows of equal start, or a few sorted runs (the parts of a parallel or
 * partial aggregate, the values of a rollup).  One pass finds out which: rows
 * of equal start out of order are moved among their peers, runs are merged,
 * and only rows in no useful order pay a quicksort.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "stitch_core.h"

#define ST_SORT stitch_quicksort_rows
#define ST_ELEMENT_TYPE StitchItem
#define ST_COMPARE(a, b) \
	((a)->s < (b)->s ? -1 : (a)->s > (b)->s ? 1 : \
	 (a)->tag < (b)->tag ? -1 : (a)->tag > (b)->tag ? 1 : 0)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Runs merged at most; more (or more than the square root of the row count) take the quicksort. */
#define MAX_RUNS 64
/*
 * Rows moved among their peers, per row, at most: many rows of one start in
 * no order would make that quadratic, they take the quicksort instead.
 */
#define MAX_PEER_MOVES_PER_ROW 8

static inline bool
row_before(const StitchItem *a, const StitchItem *b)
{
	return a->s < b->s || (a->s == b->s && a->tag < b->tag);
}

/*
 * Moves items[i] back among the rows of the same start before it, to its
 * place by tag; returns how many rows it moved past.
 */
static inline int32
insert_among_peers(StitchItem *items, int32 i)
{
	StitchItem	x = items[i];
	int32		j = i;

	while (j > 0 && items[j - 1].s == x.s && items[j - 1].tag > x.tag)
	{
		items[j] = items[j - 1];
		j--;
	}
	items[j] = x;
	return i - j;
}

/* Merges the sorted src[a..b) and src[b..c) into dst[a..c). */
static void
merge_two(const StitchItem *src, StitchItem *dst, int32 a, int32 b, int32 c)
{
	int32		i = a;
	int32		j = b;
	int32		k = a;

	while (i < b && j < c)
		dst[k++] = row_before(&src[j], &src[i]) ? src[j++] : src[i++];
	if (i < b)
		memcpy(dst + k, src + i, sizeof(StitchItem) * (b - i));
	else if (j < c)
		memcpy(dst + k, src + j, sizeof(StitchItem) * (c - j));
}

/*
 * Merges the nruns sorted runs of items (run r is items[starts[r] ..
 * starts[r + 1]), starts[nruns] = n), pair by pair, through a scratch array.
 */
static void
merge_runs(StitchItem *items, int32 n, int32 *starts, int32 nruns)
{
	StitchItem *scratch = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(StitchItem) * (Size) n);
	StitchItem *src = items;
	StitchItem *dst = scratch;

	while (nruns > 1)
	{
		int32		r;
		int32		k = 0;
		StitchItem *t;

		for (r = 0; r + 1 < nruns; r += 2)
		{
			merge_two(src, dst, starts[r], starts[r + 1], starts[r + 2]);
			starts[k++] = starts[r];
		}
		if (r < nruns)
		{
			memcpy(dst + starts[r], src + starts[r], sizeof(StitchItem) * (starts[r + 1] - starts[r]));
			starts[k++] = starts[r];
		}
		starts[k] = n;
		nruns = k;
		t = src;
		src = dst;
		dst = t;
	}
	if (src != items)
		memcpy(items, src, sizeof(StitchItem) * (Size) n);
	pfree(scratch);
}

/* Sorts n rows by (start, tag) in place. */
void
stitch_sort_rows(StitchItem *items, int32 n)
{
	int32		starts[MAX_RUNS + 1];
	int32		nruns = 1;
	int64		moved = 0;
	int32		i;

	starts[0] = 0;
	for (i = 1; i < n; i++)
	{
		if (items[i].s > items[i - 1].s)
			continue;
		if (items[i].s == items[i - 1].s)
		{
			if (items[i].tag < items[i - 1].tag)
			{
				moved += insert_among_peers(items, i);
				if (moved > (int64) MAX_PEER_MOVES_PER_ROW * n)
				{
					stitch_quicksort_rows(items, n);
					return;
				}
			}
			continue;
		}
		/* a row starting before the previous one: a new run */
		if (nruns == MAX_RUNS)
		{
			stitch_quicksort_rows(items, n);
			return;
		}
		starts[nruns++] = i;
	}
	if (nruns == 1)
		return;
	if ((int64) nruns * nruns > n)
	{
		stitch_quicksort_rows(items, n);
		return;
	}
	starts[nruns] = n;
	merge_runs(items, n, starts, nruns);
}

/*
 * Merges k <= STITCH_MERGE_WAYS runs sorted by (start, tag) into dst in one
 * pass (the head of each run compared with the others': k is small).
 */
void
stitch_merge_sorted(const StitchItem *const *runs, const int32 *lens, int k, StitchItem *dst)
{
	const StitchItem *pos[STITCH_MERGE_WAYS];
	const StitchItem *end[STITCH_MERGE_WAYS];
	int			live = 0;
	int			i;

	Assert(k <= STITCH_MERGE_WAYS);
	for (i = 0; i < k; i++)
		if (lens[i] > 0)
		{
			pos[live] = runs[i];
			end[live] = runs[i] + lens[i];
			live++;
		}
	while (live > 1)
	{
		int			best = 0;

		for (i = 1; i < live; i++)
			if (row_before(pos[i], pos[best]))
				best = i;
		*dst++ = *pos[best]++;
		if (pos[best] == end[best])
		{
			live--;
			pos[best] = pos[live];
			end[best] = end[live];
		}
	}
	if (live == 1)
		memcpy(dst, pos[0], sizeof(StitchItem) * (end[0] - pos[0]));
}
