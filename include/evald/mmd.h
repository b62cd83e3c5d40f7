/* mmd.h - squared maximum mean discrepancy with a Gaussian RBF kernel
 * k(a, b) = exp(−‖a − b‖² / (2σ²)), and its permutation test.
 *
 *   unbiased: Σ_{i≠j} k(xᵢ,xⱼ)/(n(n−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(m(m−1))
 *             − 2 Σ k(xᵢ,yⱼ)/(nm)
 *   biased:   the same means with the diagonals, over n² and m²
 *             (CMMD's distance.py: σ = 10, scale 1000)
 *
 * The pooled kernel matrix of z = [x; y] is held whole (8·(n + m)² bytes)
 * so that each permutation costs (n + m)²/2 additions, not a new set of
 * distances.  Pair sums run over the upper triangle in index order into
 * three buckets (x–x, y–y, x–y), so a statistic depends only on which rows
 * are labelled x: a permutation that labels the same rows gives bit for
 * bit the observed statistic. */
#ifndef EVALD_MMD_H
#define EVALD_MMD_H

#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_MMD_UNBIASED = 0,
	EVALD_MMD_BIASED = 1
} evald_mmd_estimator;

typedef struct evald_mmd_params {
	double bandwidth; /* σ > 0; NaN: the median heuristic, σ = median of
			     the (n+m)(n+m−1)/2 distances between distinct
			     rows of the pooled set (np.median) */
	evald_mmd_estimator estimator;
	double scale;	      /* the statistic is multiplied by it */
	int64_t permutations; /* 0: no test */
	uint64_t seed;
} evald_mmd_params;

typedef struct evald_mmd_result {
	double value;	  /* scale · MMD² */
	double bandwidth; /* σ used */
	double p_value;	  /* share of permuted statistics >= value, the
			     observed one not counted (alibi-detect's
			     MMDDrift); NaN without permutations */
	int64_t exceed;	  /* how many permuted statistics were >= */
} evald_mmd_result;

/* x [n,d] (input 0), y [m,d] (input 1), n, m >= 2.  Each permutation is
 * a full Fisher-Yates shuffle of 0..n+m−1 with evald_rng (seeded once),
 * i = 0.., j = i + below(n + m − i); the first n shuffled rows are x.
 * EVALD_EINVAL with input −1 when the median heuristic gives σ = 0 (more
 * than half the pairs are duplicates). */
int evald_mmd(const evald_tensor *x, const evald_tensor *y,
	      const evald_mmd_params *p, const evald_progress *prog,
	      evald_mmd_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
