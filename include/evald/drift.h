/* drift.h - distances between a reference and a current sample with the
 * data-drift community's conventions (Evidently 0.4's stattests):
 * population stability index, KL divergence, Jensen-Shannon distance,
 * Hellinger distance and total variation on binned shares, and the
 * Wasserstein distance normed by the reference's standard deviation.
 *
 * The binned distances take two share vectors over the same k bins, made
 * by evald_drift_bin from raw samples or by the caller from counts.  All
 * functions return 0 or a negative EVALD_E* code; in evald_err, `input`
 * is 0 for the reference, 1 for the current sample. */
#ifndef EVALD_DRIFT_H
#define EVALD_DRIFT_H

#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_DRIFT_PSI = 0,	    /* sum (r - c) ln(r / c), zero shares
				       replaced as Evidently does */
	EVALD_DRIFT_KL,		    /* scipy.stats.entropy(r, c), same
				       replacement */
	EVALD_DRIFT_JENSENSHANNON,  /* scipy.spatial.distance.jensenshannon */
	EVALD_DRIFT_HELLINGER,	    /* sqrt(1 - min(1, sum sqrt(r c))) */
	EVALD_DRIFT_TOTAL_VARIATION /* sum |r - c| / 2 */
} evald_drift_kind;

/* Evidently's eps: a zero share becomes 1e-4, or the smallest non-zero
 * share / 1e6 when that is at most 1e-4 (get_binned_data, feel_zeroes). */
#define EVALD_DRIFT_EPS 0.0001

/* How numeric samples are cut into bins. */
typedef enum {
	/* Evidently 0.4's get_binned_data: `bins` equal-width bins over the
	 * union's range, or numpy's "sturges" edges of the union. */
	EVALD_BINS_UNION,
	/* The population-stability convention: edges at the reference's
	 * quantiles i/bins (numpy's linear method, duplicates dropped), the
	 * outer bins open to -inf and +inf so every current value counts. */
	EVALD_BINS_REF_QUANTILES
} evald_binning;

/* Shares of ref [n] and cur [m] over common bins: categorical, or numeric
 * whose reference has at most 20 distinct values (Evidently's rule),
 * gives one bin per distinct value of the union; numeric data is cut as
 * `binning` says, bins 0 meaning sturges (UNION) or 10 (REF_QUANTILES).
 * Writes malloc'd *rs, *cs (the caller frees both) of length *k.  No NaN,
 * n, m >= 1. */
int evald_drift_bin(const double *ref, int64_t n, const double *cur, int64_t m,
		    int categorical, evald_binning binning, int64_t bins,
		    double **rs, double **cs, int64_t *k, evald_err *err);

/* Shares from counts (or unnormalised shares): c / sum(c).  Non-negative,
 * finite, positive sum. */
int evald_drift_shares(const double *counts, int64_t k, int input,
		       double *shares, evald_err *err);

/* The distance `kind` between share vectors r and c of length k.  `base`
 * is the logarithm's base for KL and Jensen-Shannon (0: natural). */
int evald_drift_distance(evald_drift_kind kind, const double *r,
			 const double *c, int64_t k, double base, double *out,
			 evald_err *err);

/* scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001),
 * Evidently's normed Wasserstein distance. */
int evald_wasserstein_normed(const double *ref, int64_t n, const double *cur,
			     int64_t m, double *out, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
