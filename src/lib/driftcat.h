/* driftcat.h - the private side of a drift report: counts of each
 * distinct value over two sorted samples and the two tests on them
 * Evidently picks for small data, chi-square and the proportion
 * difference Z-test (driftcat.c), and the columns run on threads
 * (driftrun.c).  Private to libevald. */
#ifndef EVALD_DRIFTCAT_H
#define EVALD_DRIFTCAT_H

#include <stdint.h>

/* The number of distinct values of the sorted samples a [n] and b [m]
 * (evi_sort_values) together. */
int64_t evi_drift_distinct(const double *a, int64_t n, const double *b,
			   int64_t m);
/* Their counts per distinct value, k of them (evi_drift_distinct), in
 * ascending order of value: malloc'd *rc and *cc of length k (the caller
 * frees both).  Only the tests on categories need them; a numeric
 * column's test needs k alone.  -1 when out of memory. */
int evi_drift_counts(const double *a, int64_t n, const double *b, int64_t m,
		     int64_t k, double **rc, double **cc);

/* scipy.stats.chisquare(cc, rc * m / n): Pearson's statistic and its
 * p-value with k - 1 degrees of freedom; a category absent from the
 * reference makes the statistic infinite and p 0, one category in all
 * makes p NaN (no degrees of freedom), as SciPy answers. */
void evi_drift_chisquare(const double *rc, const double *cc, int64_t k,
			 double n, double m, double *stat, double *p);

/* The two-proportion Z-test of the first category's share, reference
 * minus current, pooled variance; p = 2 sf(|z|).  One category in all:
 * z 0 and p 1, as Evidently answers for two equal constants. */
void evi_drift_ztest(const double *rc, const double *cc, int64_t k, double n,
		     double m, double *z, double *p);

struct evald_drift_column;
struct evald_drift_result;
struct evald_err;
/* evald_drift_column_run over every column, on a few threads
 * (driftrun.c); the first failing column's error, its index in `input`. */
int evi_drift_run_columns(const struct evald_drift_column *cols, int64_t ncols,
			  struct evald_drift_result *out,
			  struct evald_err *err);

#endif
