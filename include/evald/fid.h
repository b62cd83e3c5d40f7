/* fid.h - Fréchet distance between Gaussian fits of two embedding sets.
 *
 *   FID = ‖μx − μy‖² + tr Σx + tr Σy − 2 tr √(Σx Σy)
 *
 * equal to pytorch-fid's calculate_frechet_distance on float64 statistics
 * (mean and np.cov, ddof 1), but without a general matrix square root:
 * with Σx = L Lᵀ (Cholesky), the eigenvalues of Σx Σy are those of the
 * symmetric PSD matrix Lᵀ Σy L (LAPACK dsygst), so tr √(Σx Σy) is the sum
 * of the square roots of its eigenvalues (eigenvalues only, dsyevd).
 * Cost: d³/3 (dpotrf) + d³ (dsygst) + 4d³/3 (tridiagonal reduction) ≈
 * 2.7 d³ flops, against ≈ 2d³ for the product and ≈ 28 d³ complex Schur
 * work for scipy's sqrtm.
 *
 * Singular covariances (N <= d, duplicated rows, constant features) are
 * handled by one rule, stated in docs/metrics: a Cholesky pivot L_ii² at or
 * below τ₁ = d·ε·max_i Σ_ii marks a covariance as numerically singular;
 * then y's factor is used instead, and when both are singular Σx is
 * factored as W Wᵀ from its eigendecomposition with eigenvalues at or
 * below d·ε·λ_max dropped.  Eigenvalues of Σx Σy at or below
 * τ = d·ε·max Σx_ii·max Σy_ii (the size of their rounding error) count
 * as 0, so no square root of rounding noise and no NaN is ever taken. */
#ifndef EVALD_FID_H
#define EVALD_FID_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A Gaussian fit: mean [d] and covariance [d,d] (C order). */
typedef struct evald_gauss {
	int64_t d;
	int64_t n; /* rows behind the fit, 0 when unknown */
	const double *mu;
	const double *sigma;
} evald_gauss;

/* Bits of evald_fid_result.flags: what the caller should warn about. */
enum {
	EVALD_FID_SINGULAR_X = 1 << 0, /* Σx numerically singular */
	EVALD_FID_SINGULAR_Y = 1 << 1, /* Σy numerically singular */
	EVALD_FID_EIGEN = 1 << 2,      /* a covariance was factored from its
					  eigendecomposition (both singular,
					  or a singular prepared reference) */
	EVALD_FID_NOT_PSD = 1 << 3,    /* eigenvalues below −τ were set to 0:
					  a covariance is not PSD */
	EVALD_FID_ZERO_X = 1 << 4,     /* Σx = 0 (all rows equal) */
	EVALD_FID_ZERO_Y = 1 << 5      /* Σy = 0 */
};

typedef struct evald_fid_result {
	double value;	  /* mean_term + trace_term */
	double mean_term; /* ‖μx − μy‖² */
	double trace_term; /* tr Σx + tr Σy − 2 tr √(Σx Σy), clamped at 0 */
	unsigned flags; /* EVALD_FID_* */
	double min_eig; /* most negative eigenvalue seen below −τ (with
			   EVALD_FID_NOT_PSD), else 0 */
	int64_t zeroed; /* eigenvalues of Σx Σy with |λ| <= τ, counted
			   as 0 (a singular product) */
	double tau;	/* τ, the rounding level of those eigenvalues */
	int64_t rank;	/* numerical rank of the covariance the eigen route
			   factored (Σx, or a prepared reference's), or -1 */
	/* Bootstrap (evald_fid_bootstrap only; 0 otherwise). */
	int64_t bootstrap;
	double std; /* np.std (ddof 0) of the resampled FIDs */
	/* The 95% interval around value, recentred percentile: the 2.5 and
	 * 97.5 percentiles of the resampled FIDs moved by value − their
	 * median, [value − (median − p2.5), value + (p97.5 − median)], the
	 * lower end clipped at 0.  It always contains value; the plain
	 * percentiles need not (FID is biased upward, resamples more so). */
	double ci_lo, ci_hi;
	double median;	       /* median of the resampled FIDs */
	double pct_lo, pct_hi; /* their 2.5 and 97.5 percentiles, linear
				  interpolation as np.percentile */
} evald_fid_result;

/* Check one side's statistics: mu [d] (input 0), sigma [d,d] (input 1),
 * symmetric within 1e-6 of its largest |entry|, no negative variance. */
int evald_fid_check_gauss(const evald_tensor *mu, const evald_tensor *sigma,
			  evald_err *err);

/* FID of two fits of the same d (err->input: 0 x, 1 y).  Σ is read as its
 * symmetric part ½(Σ + Σᵀ). */
int evald_fid_gauss(const evald_gauss *x, const evald_gauss *y,
		    evald_fid_result *r, evald_err *err);

/* evald_fid_gauss without copies: sx and sy are x->sigma and y->sigma,
 * writable, and are destroyed (two d x d matrices less at peak, 67 MB at
 * d = 2048).  For callers that own the covariances. */
int evald_fid_gauss_inplace(const evald_gauss *x, const evald_gauss *y,
			    double *sx, double *sy, evald_fid_result *r,
			    evald_err *err);

/* FID of embeddings x [N,d] and y [M,d], N, M >= 2 (err->input 0, 1). */
int evald_fid(const evald_tensor *x, const evald_tensor *y, evald_fid_result *r,
	      evald_err *err);

/* evald_fid plus `b` bootstrap resamples: each draws N rows of x and M
 * rows of y with replacement (evald_rng seeded with `seed`: x's N indices,
 * then y's M, per resample) and computes their FID with one factorisation.
 * Reports progress once per resample; a cancel returns EVALD_ECANCEL. */
int evald_fid_bootstrap(const evald_tensor *x, const evald_tensor *y, int64_t b,
			uint64_t seed, const evald_progress *prog,
			evald_fid_result *r, evald_err *err);

/* A reference prepared once for many FIDs against it: its mean, tr Σ and
 * a factor F with Σ = F Fᵀ, so an FID against it skips the
 * factorisation, ≈ 2.3 d³ flops instead of 2.7 d³ (and the symmetrising
 * pass and copy of Σ).  F is the lower Cholesky factor when Σ is
 * numerically non-singular; else V_r diag(√λ_r) from its
 * eigendecomposition (rank r: a cheaper r x r problem per FID).  Read-only
 * once prepared, so threads may share one. */
typedef struct evald_fid_ref {
	int64_t d, n;
	double *mu;	/* [d] */
	double *f;	/* column-major [d, rank]; NULL when Σ = 0 */
	int64_t rank;	/* d for a Cholesky factor */
	int chol;	/* f is the Cholesky factor (zero above the diagonal) */
	double trace;	/* tr Σ */
	double smax;	/* largest variance, for the rounding level τ */
	int not_psd;	/* Σ had eigenvalues below −d·ε·λ_max, dropped */
	double min_eig; /* the most negative of them */
} evald_fid_ref;

/* Prepare g (copied; Σ read as ½(Σ + Σᵀ)).  On failure *ref is empty. */
int evald_fid_ref_prepare(const evald_gauss *g, evald_fid_ref *ref,
			  evald_err *err);
void evald_fid_ref_free(evald_fid_ref *ref);
/* Heap bytes held by a prepared reference (for cache accounting). */
size_t evald_fid_ref_bytes(const evald_fid_ref *ref);
/* Σ = F Fᵀ into sigma [d,d] (C order): the covariance back, to rounding,
 * for an FID between two prepared references. */
void evald_fid_ref_sigma(const evald_fid_ref *ref, double *sigma);

/* FID between a prepared reference (x when ref_is_y is 0, else y) and the
 * fit `other`.  sother is other->sigma, writable and destroyed, or NULL to
 * work on a copy.  The reference's factor is always used, so `other` is
 * never factored: the flags report the reference's singularity
 * (EVALD_FID_SINGULAR_X or _Y, with EVALD_FID_EIGEN), never the other's.
 * Equal to evald_fid_gauss to rounding. */
int evald_fid_with_ref(const evald_fid_ref *ref, int ref_is_y,
		       const evald_gauss *other, double *sother,
		       evald_fid_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
