/* twosample.h - two-sample tests with p-values, as SciPy 1.10 computes
 * them (scipy.stats.ks_2samp, mannwhitneyu, chi2_contingency), and the
 * distributions behind them (Kolmogorov-Smirnov, chi-square, normal).
 *
 * Samples are plain double arrays so that callers holding their own
 * columns (a stored reference table) need no tensor.  Every test returns
 * 0 or a negative EVALD_E* code and fills an evald_test_result; where
 * SciPy itself answers NaN (a statistic undefined for the data) the
 * result carries the NaN and the caller reports it.  In evald_err,
 * `input` is 0 for x (or the table), 1 for y. */
#ifndef EVALD_TWOSAMPLE_H
#define EVALD_TWOSAMPLE_H

#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_ALT_TWO_SIDED = 0,
	EVALD_ALT_LESS = 1,
	EVALD_ALT_GREATER = 2
} evald_alternative;

typedef enum {
	EVALD_TEST_AUTO = 0,
	EVALD_TEST_EXACT = 1,
	EVALD_TEST_ASYMP = 2
} evald_test_method;

typedef struct evald_test_result {
	double statistic;
	double pvalue;
	evald_test_method method; /* the one used: EXACT or ASYMP */
	/* exact was asked for (or chosen by auto) and could not be computed
	 * in float64, so the asymptotic p-value was used: 1 the sample
	 * sizes are too large to try, 2 the computation overflowed.  SciPy
	 * warns in both cases. */
	int fell_back;
	double location; /* ks_2samp: statistic_location */
	int sign;	 /* ks_2samp: statistic_sign, +1 or -1 */
} evald_test_result;

/* scipy.stats.ks_2samp(x, y, alternative, method): the statistic is the
 * largest difference of the empirical CDFs (x's minus y's for greater,
 * y's minus x's for less); auto is exact when both samples have at most
 * 10000 points.  x [n] and y [m], n, m >= 1, no NaN. */
int evald_ks_2samp(const double *x, int64_t n, const double *y, int64_t m,
		   evald_alternative alt, evald_test_method method,
		   evald_test_result *out, evald_err *err);

/* scipy.stats.mannwhitneyu(x, y, use_continuity, alternative, method):
 * U of x from midranks; asymptotic uses the tie-corrected normal
 * approximation, exact the null distribution without ties (auto: exact
 * when a sample has at most 8 points and there are no ties).  Exact for
 * sample sizes whose distribution table would pass ~2^31 cells is refused
 * (EVALD_ELIMIT). */
int evald_mannwhitneyu(const double *x, int64_t n, const double *y, int64_t m,
		       int use_continuity, evald_alternative alt,
		       evald_test_method method, evald_test_result *out,
		       evald_err *err);

/* The power-divergence statistics of scipy.stats.power_divergence, by
 * lambda_ name. */
typedef enum {
	EVALD_PD_PEARSON = 0,	     /* lambda 1 */
	EVALD_PD_LOG_LIKELIHOOD,     /* lambda 0 (G-test) */
	EVALD_PD_FREEMAN_TUKEY,	     /* lambda -1/2 */
	EVALD_PD_MOD_LOG_LIKELIHOOD, /* lambda -1 */
	EVALD_PD_NEYMAN,	     /* lambda -2 */
	EVALD_PD_CRESSIE_READ	     /* lambda 2/3 */
} evald_power_div;

typedef struct evald_chi2_result {
	double statistic;
	double pvalue;
	int64_t dof;
	double *expected; /* [r*c] row-major, owned: evald_chi2_result_free */
} evald_chi2_result;

void evald_chi2_result_free(evald_chi2_result *r);

/* scipy.stats.chi2_contingency(observed, correction, lambda_) for an
 * r x c table of non-negative counts (row-major).  Yates' correction
 * applies when dof is 1.  A zero expected frequency (an all-zero row or
 * column) is refused with EVALD_EINVAL, as SciPy raises. */
int evald_chi2_contingency(const double *observed, int64_t r, int64_t c,
			   int correction, evald_power_div lambda,
			   evald_chi2_result *out, evald_err *err);

/* scipy.stats.cramervonmises_2samp(x, y, method): T from midranks;
 * auto is exact when both samples have at most 20 points.  n, m >= 2.
 * The asymptotic p-value is SciPy's series for the limiting CDF, summed
 * until a term falls below 1e-7 as SciPy does (so it is only that
 * accurate, but the same).  Exact sizes whose counts would pass 2^53 or
 * whose table of values is too large are refused (EVALD_ELIMIT). */
int evald_cramervonmises_2samp(const double *x, int64_t n, const double *y,
			       int64_t m, evald_test_method method,
			       evald_test_result *out, evald_err *err);

/* scipy.stats.anderson_ksamp(samples, midrank) for k >= 2 samples
 * (samples[i] of length sizes[i] >= 1, at least 2 distinct values and 3
 * values in all).  pvalue is interpolated as SciPy does and capped to
 * [0.001, 0.25]; *capped is +1 when it was capped at 0.25 (the true value
 * is larger), -1 when floored at 0.001, else 0.  critical[7] receives the
 * critical values at 25%, 10%, 5%, 2.5%, 1%, 0.5% and 0.1%. */
int evald_anderson_ksamp(const double *const *samples, const int64_t *sizes,
			 int k, int midrank, double *statistic,
			 double critical[7], double *pvalue, int *capped,
			 evald_err *err);

/* ------------------------------------------------------------ distributions */

/* Standard normal survival function, scipy.stats.norm.sf. */
double evald_norm_sf(double z);

/* Regularised upper incomplete gamma Q(a, x), scipy.special.gammaincc;
 * a > 0, x >= 0. */
double evald_gammaincc(double a, double x);

/* Chi-square survival function with k > 0 degrees of freedom,
 * scipy.stats.chi2.sf. */
double evald_chi2_sf(double x, double k);

/* One-sided one-sample Kolmogorov-Smirnov survival function
 * P(D+_n >= d), scipy.special.smirnov (the exact Birnbaum-Tingey sum). */
double evald_smirnov(int64_t n, double d);

/* Two-sided one-sample Kolmogorov-Smirnov survival function P(D_n > d),
 * scipy.stats.kstwo.sf (Simard & L'Ecuyer's choice of algorithms).
 * NaN for n < 1. */
double evald_kstwo_sf(int64_t n, double d);

/* The exact two-sample probability of a statistic of at least h/lcm(n, m)
 * (two-sided when two_sided, else one-sided), as SciPy's
 * _attempt_exact_2kssamp computes it; returns 0 and sets *p, or -1 when
 * float64 overflows (SciPy then falls back to asymp). */
int evald_ks2_exact(int64_t n, int64_t m, int64_t h, int two_sided, double *p);

#ifdef __cplusplus
}
#endif
#endif
