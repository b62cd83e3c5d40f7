/* sample.h - the ordering tests on samples a caller may have sorted
 * already: a drift report sorts each numeric column once, counts its
 * distinct values on the sorted samples and hands the same sorted
 * samples to the test, instead of each sorting again.  The public
 * evald_* entries (twosample.c, edftest.c, drift.c) are these with no
 * sorted copy.  Private to libevald. */
#ifndef EVALD_SAMPLE_H
#define EVALD_SAMPLE_H

#include <stdint.h>

#include <evald/twosample.h>

/* v: the values in the caller's order, which the checks' messages name
 * positions of and sums that SciPy makes in that order read; s: the same
 * values sorted by evi_sort_values, or NULL to have the test sort a copy
 * itself. */
typedef struct evi_sample {
	const double *v;
	const double *s;
	int64_t n;
} evi_sample;

/* x's sorted values: x->s, or a copy sorted into *copy (freed by the
 * caller); NULL when out of memory. */
const double *evi_sample_sorted(const evi_sample *x, double **copy);

int evi_ks_2samp(const evi_sample *x, const evi_sample *y,
		 evald_alternative alt, evald_test_method method,
		 evald_test_result *out, evald_err *err);
int evi_cramervonmises_2samp(const evi_sample *x, const evi_sample *y,
			     evald_test_method method, evald_test_result *out,
			     evald_err *err);
/* k samples. */
int evi_anderson_ksamp(const evi_sample *s, int k, int midrank,
		       double *statistic, double critical[7], double *pvalue,
		       int *capped, evald_err *err);
int evi_wasserstein_normed(const evi_sample *ref, const evi_sample *cur,
			   double *out, evald_err *err);

#endif
