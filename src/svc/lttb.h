/* lttb.h - largest-triangle-three-buckets downsampling of a series, for
 * GET /v1/series/{name}?max_points=M. */
#ifndef EVALD_LTTB_H
#define EVALD_LTTB_H

#include <stddef.h>

/* The smallest M that downsampling can honour: first, last and one
 * bucket. */
#define LTTB_MIN_POINTS 3

/* Choose m of the n points (x[i], y[i]), x ascending, y NaN for a null
 * value, and write their indices, ascending, to idx (room for m).  Returns
 * how many were written: all n (0, 1, ..., n-1) when n <= m, else m,
 * which must then be at least LTTB_MIN_POINTS.
 * The first and last points are always kept.  The n-2 middle points are
 * cut into m-2 buckets of about equal count; a bucket holding a null
 * yields its first null (a gap stays a gap, never bridged by a line),
 * any other its point making the largest triangle with the point kept
 * before it and the mean of the next bucket's non-null points.  When one
 * of those two is missing (a null kept before, or an all-null next
 * bucket) the point farthest in value from the other is taken; when both
 * are missing, the bucket's first point.  Ties go to the earliest. */
size_t lttb_select(const double *x, const double *y, size_t n, size_t m,
		   size_t *idx);

#endif
