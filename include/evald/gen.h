/* gen.h - Kernel Inception Distance and Inception Score.
 *
 * KID (Bińkowski et al., ICLR 2018) is the unbiased estimate of the squared
 * MMD with the polynomial kernel k(a, b) = (γ·a·b + c₀)^degree, averaged
 * over random subsets, as in torch-fidelity and clean-fid:
 *
 *   MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(m(m−1))
 *           − 2 Σ_{i,j} k(xᵢ,yⱼ)/m².
 *
 * The Inception Score (Salimans et al., NeurIPS 2016) of class
 * probabilities p(y|x) is exp(E_x KL(p(y|x) ‖ p(y))) per split, with the
 * mean and standard deviation over consecutive splits, as the original
 * code computes them. */
#ifndef EVALD_GEN_H
#define EVALD_GEN_H

#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_kid_params {
	int64_t subsets;     /* >= 1 */
	int64_t subset_size; /* >= 2; capped at min(N, M) */
	int degree;	     /* >= 1 */
	double gamma;	     /* NaN means 1/d */
	double coef0;
	uint64_t seed;
} evald_kid_params;

typedef struct evald_kid_result {
	double value;	     /* mean of the per-subset MMD² */
	double std;	     /* np.std (ddof 0) of the per-subset MMD² */
	int64_t subset_size; /* rows per subset actually used */
	double gamma;	     /* kernel scale actually used */
} evald_kid_result;

/* KID of x [N,d] and y [M,d] (inputs 0, 1), N, M >= 2.  Each subset draws
 * subset_size rows of x, then of y, without replacement (a partial
 * Fisher-Yates shuffle driven by evald_rng seeded with `seed`).  The Gram
 * matrices come from dgemm in row blocks, so memory beyond the subsets is
 * bounded.  Progress is reported per subset; a cancel returns
 * EVALD_ECANCEL. */
int evald_kid(const evald_tensor *x, const evald_tensor *y,
	      const evald_kid_params *p, const evald_progress *prog,
	      evald_kid_result *r, evald_err *err);

typedef struct evald_is_result {
	double value; /* mean over splits of exp(mean KL) */
	double std;   /* np.std (ddof 0) over splits */
} evald_is_result;

/* Inception Score of probs [N,C] (input 0): rows of probabilities in
 * [0,1] summing to 1 within 1e-4; 0·log 0 counts as 0.  Split i covers rows
 * [⌊iN/s⌋, ⌊(i+1)N/s⌋), as the original code slices; 1 <= splits <= N. */
int evald_inception_score(const evald_tensor *probs, int64_t splits,
			  evald_is_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
