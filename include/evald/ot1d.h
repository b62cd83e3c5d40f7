/* ot1d.h - optimal transport on the line: the Wasserstein distance W_p
 * between two weighted 1-D point sets, SciPy's energy distance, and the
 * sliced Wasserstein distance that reduces d-dimensional sets to many 1-D
 * problems.  Also the pieces those share: a sort for doubles, weight
 * checking and the merge of two quantile functions.
 *
 * All functions return 0 or a negative EVALD_E* code and fill the optional
 * evald_err.  Its `input` numbers the tensor arguments in the order the
 * function takes them (x = 0, y = 1, x_weights = 2, y_weights = 3,
 * projections = 4). */
#ifndef EVALD_OT1D_H
#define EVALD_OT1D_H

#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sort v[0..n) ascending in place, permuting w[0..n) alongside when w is
 * not NULL.  The order is IEEE total order on finite values (-0.0 sorts
 * just before +0.0, both compare equal).  A radix sort on the bit
 * patterns, O(n) time and O(n) scratch; EVALD_ENOMEM if the scratch cannot
 * be allocated (v and w are then unchanged). */
int evald_ot1d_sort(double *v, double *w, int64_t n, evald_err *err);

/* Check a weight vector for a set of n points: 1-D of length n, finite,
 * non-negative, with a positive and finite total.  `input` is the index
 * reported in err; `name` ("x_weights") is used in the message. */
int evald_ot1d_check_weights(const evald_tensor *w, int64_t n, int input,
			     const char *name, evald_err *err);

/* cum[i] = (w[0] + ... + w[i]) / (w[0] + ... + w[n-1]), so cum[n-1] is
 * exactly 1 and both quantile functions of a merge end together.  cum may
 * be w itself.  The weights must have passed evald_ot1d_check_weights. */
void evald_ot1d_cumulate(const double *w, int64_t n, double *cum);

/* W_p^p held as scale^p * sum: a sum of |x-y|^p can overflow long before
 * W_p does (1e200 apart with p = 2), so the largest gap seen is factored
 * out as it goes. */
typedef struct evald_ot1d_cost {
	double scale; /* the largest |x_i - y_j| that carried mass */
	double sum;   /* sum of mass * (|x_i - y_j| / scale)^p */
} evald_ot1d_cost;

/* The optimal transport cost between sorted x[0..n) and sorted y[0..m)
 * with normalised cumulative weights xcum/ycum (from evald_ot1d_cumulate;
 * NULL means uniform): the integral over q in (0,1) of
 * |F_x^-1(q) - F_y^-1(q)|^p, by one merge of the two quantile functions.
 * Requires n, m >= 1 and p >= 1. */
void evald_ot1d_cost_sorted(const double *x, const double *xcum, int64_t n,
			    const double *y, const double *ycum, int64_t m,
			    double p, evald_ot1d_cost *out);

/* (sum_k W_p^p of c[k]) / count, to the power 1/p: combines the costs of
 * several problems (the projections of sliced) without overflow. */
double evald_ot1d_cost_mean_root(const evald_ot1d_cost *c, int64_t k,
				 double count, double p);

/* W_p between the 1-D sets x [n] and y [m] with optional weights xw [n],
 * yw [m] (NULL: uniform; otherwise normalised to sum 1).  p >= 1.  For
 * p = 1 this is scipy.stats.wasserstein_distance; for p > 1 it is the p-th
 * root of POT's ot.wasserstein_1d. */
int evald_wasserstein_1d(const evald_tensor *x, const evald_tensor *y,
			 const evald_tensor *xw, const evald_tensor *yw,
			 double p, double *out, evald_err *err);

/* scipy.stats.energy_distance: sqrt(2) times the L2 distance between the
 * two (weighted) empirical CDFs.  Arguments as for evald_wasserstein_1d. */
int evald_energy_distance(const evald_tensor *x, const evald_tensor *y,
			  const evald_tensor *xw, const evald_tensor *yw,
			  double *out, evald_err *err);

/* Sliced Wasserstein distance between x [n,d] and y [m,d] with optional
 * weights xw [n], yw [m] (normalised to sum 1):
 *   ( (1/k) * sum over directions theta of W_p^p(x.theta, y.theta) )^(1/p)
 * as POT's ot.sliced_wasserstein_distance computes it.  The directions are
 * the rows of `proj` [k,d] when given (used as they are, not normalised),
 * else `n_projections` random directions drawn with `seed` (standard
 * normal entries, each row scaled to unit length).  The number used is
 * written to *n_used.  `prog` (may be NULL) hears about every direction
 * and can cancel (EVALD_ECANCEL). */
int evald_sliced_wasserstein(const evald_tensor *x, const evald_tensor *y,
			     const evald_tensor *xw, const evald_tensor *yw,
			     const evald_tensor *proj, int64_t n_projections,
			     double p, uint64_t seed,
			     const evald_progress *prog, double *out,
			     int64_t *n_used, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
