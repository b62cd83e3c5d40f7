/* fidinf.h - FID∞ (Chong & Forsyth, CVPR 2020): FID of random subsets of
 * the generated set at several sizes n against the whole real set, fitted
 * linearly in 1/n (least squares, as sklearn's LinearRegression) and
 * extrapolated to 1/n → 0.  FID's bias is O(1/n), so the intercept
 * estimates the FID of infinitely many samples. */
#ifndef EVALD_FIDINF_H
#define EVALD_FIDINF_H

#include <stdint.h>

#include "error.h"
#include "fid.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_fid_inf_result {
	double value;	/* the intercept: FID at 1/n = 0 */
	double slope;	/* d FID / d(1/n); 0 when every size is the same */
	int same_sizes; /* every size equal: no slope, value = mean FID */
} evald_fid_inf_result;

/* The reference code's schedule: np.linspace(lo, hi, points) truncated
 * to integers (astype int32), into sizes [points].  points >= 2. */
void evald_fid_inf_schedule(int64_t lo, int64_t hi, int64_t points,
			    int64_t *sizes);

/* FID∞ of fake [N,d] (input 0, subsampled) against the Gaussian fit of
 * the real set (input 1: its mean and covariance, of the same d).  sizes
 * [k] (k >= 2), each in [2, N]; fids [k] receives each FID.  Subset i
 * takes the first sizes[i] rows of a permutation of 0..N−1 kept between
 * subsets and reshuffled partially each time (i = 0..sizes[i]−1,
 * j = i + below(N − i), evald_rng seeded with `seed`), as the reference
 * reshuffles its activations before each size.  EVALD_EINVAL with input
 * −1 for a size outside [2, N].  Progress per size. */
int evald_fid_inf(const evald_tensor *fake, const evald_gauss *real,
		  const int64_t *sizes, int64_t k, uint64_t seed,
		  const evald_progress *prog, double *fids,
		  evald_fid_inf_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
