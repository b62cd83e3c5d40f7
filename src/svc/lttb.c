/* lttb.c - largest-triangle-three-buckets (Steinarsson, 2013), with the
 * null values of a series kept as gaps.  A pure function over arrays: the
 * series route feeds it the points it read and emits the ones chosen. */
#include <math.h>

#include "lttb.h"

/* Bucket b of the middle points, as [*lo, *hi). */
static void bucket(size_t n, size_t m, size_t b, size_t *lo, size_t *hi)
{
	double every = (double)(n - 2) / (double)(m - 2);
	*lo = (size_t)floor((double)b * every) + 1;
	*hi = (size_t)floor((double)(b + 1) * every) + 1;
	if (*hi > n - 1)
		*hi = n - 1;
}

/* Mean of the non-null points in [lo, hi); 0 when there is none. */
static int mean_point(const double *x, const double *y, size_t lo, size_t hi,
		      double *cx, double *cy)
{
	double sx = 0, sy = 0;
	size_t k = 0;
	for (size_t i = lo; i < hi; i++)
		if (!isnan(y[i])) {
			sx += x[i];
			sy += y[i];
			k++;
		}
	if (!k)
		return 0;
	*cx = sx / (double)k;
	*cy = sy / (double)k;
	return 1;
}

/* The point of [lo, hi), none null, to keep after a (has_a) given the
 * next bucket's mean c (has_c). */
static size_t pick(const double *x, const double *y, size_t lo, size_t hi,
		   int has_a, double ax, double ay, int has_c, double cx,
		   double cy)
{
	size_t best = lo;
	double best_area = -1;
	for (size_t i = lo; i < hi; i++) {
		double area;
		if (has_a && has_c)
			area = fabs((ax - cx) * (y[i] - ay) -
				    (ax - x[i]) * (cy - ay)) /
			       2;
		else if (has_a || has_c)
			area = fabs(y[i] - (has_a ? ay : cy));
		else
			area = 0;
		if (area > best_area) {
			best_area = area;
			best = i;
		}
	}
	return best;
}

size_t lttb_select(const double *x, const double *y, size_t n, size_t m,
		   size_t *idx)
{
	size_t out = 0, a = 0;

	if (n <= m || m < LTTB_MIN_POINTS) {
		/* m < 3 is the caller's mistake: the first m, not a crash. */
		for (size_t i = 0; i < n && i < m; i++)
			idx[out++] = i;
		return out;
	}
	idx[out++] = 0;
	for (size_t b = 0; b < m - 2; b++) {
		size_t lo, hi, nlo, nhi, i;
		double cx = 0, cy = 0;
		bucket(n, m, b, &lo, &hi);
		for (i = lo; i < hi && !isnan(y[i]); i++)
			;
		if (i < hi) {
			a = idx[out++] = i; /* the bucket's first null */
			continue;
		}
		if (b + 1 < m - 2)
			bucket(n, m, b + 1, &nlo, &nhi);
		else
			nlo = n - 1, nhi = n;
		int has_c = mean_point(x, y, nlo, nhi, &cx, &cy);
		int has_a = !isnan(y[a]);
		a = idx[out++] =
			pick(x, y, lo, hi, has_a, x[a], y[a], has_c, cx, cy);
	}
	idx[out++] = n - 1;
	return out;
}
