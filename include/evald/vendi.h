/* vendi.h - the Vendi score (Friedman & Dieng 2023): exp of the order-q
 * Rényi entropy of the eigenvalues λ of K/n for an n x n similarity
 * matrix K, as the vendi_score package computes it:
 *
 *   q = 1: exp(−Σ λ log λ);  q ≠ 1: exp(log(Σ λ^q) / (1 − q)),
 *
 * over the eigenvalues λ > 0 only (the package's p[p > 0]).  Kernels:
 * cosine (rows scaled to unit length, zero rows left at 0, as
 * sklearn.preprocessing.normalize), linear (K = X Xᵀ) and rbf
 * (exp(−‖a − b‖²/(2σ²))).  For cosine and linear with d < n the nonzero
 * eigenvalues of X Xᵀ/n are those of Xᵀ X/n (the package's score_X):
 * a d x d problem instead of n x n. */
#ifndef EVALD_VENDI_H
#define EVALD_VENDI_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_VENDI_COSINE = 0,
	EVALD_VENDI_RBF = 1,
	EVALD_VENDI_LINEAR = 2
} evald_vendi_kernel;

typedef struct evald_vendi_result {
	double value;
	int64_t order;	  /* size of the eigenproblem solved (n or d) */
	int64_t positive; /* eigenvalues > 0 that entered the entropy */
} evald_vendi_result;

/* x [n,d] (input 0), n >= 1; q >= 0; bandwidth > 0 (rbf only).  Memory:
 * 8·min(n, d)² bytes for cosine and linear, 8·n² for rbf, besides x (a
 * copy for cosine).  Eigenvalues by LAPACK dsyevd.  EVALD_EINVAL on
 * input 0 when no eigenvalue is positive (every row is 0). */
int evald_vendi(const evald_tensor *x, evald_vendi_kernel kernel,
		double bandwidth, double q, evald_vendi_result *r,
		evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
