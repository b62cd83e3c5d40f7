/* fid_internal.h - the linear algebra that fid.c (two fits) and fid_ref.c
 * (a prepared reference against a fit) share, so both apply the same
 * singular-covariance rule (see fid.h).  Matrices are d x d, symmetric, in
 * LAPACK's column-major lower triangle.  Not installed. */
#ifndef EVALD_FID_INTERNAL_H
#define EVALD_FID_INTERNAL_H

#include <stdint.h>

#include <evald/error.h>

/* What a trace computation found besides tr √(Σx Σy). */
typedef struct fid_trace {
	double tr_sqrt;
	unsigned flags; /* EVALD_FID_* */
	double min_eig;
	int64_t zeroed;
	double tau;   /* set by the caller before evi_fid_sqrt_eig_sum */
	int64_t rank; /* of the eigen-route factor, or -1 */
} fid_trace;

/* a = ½(a + aᵀ) in place; saves the diagonal in diag [d] and returns
 * max(0, max diagonal). */
double evi_fid_sym(double *a, int64_t d, double *diag);
/* Undo a failed Cholesky on a symmetric a (diag from evi_fid_sym). */
void evi_fid_sym_restore(double *a, int64_t d, const double *diag);

/* Cholesky in place; 1 when every pivot L_ii² is above d·ε·smax (a
 * smaller pivot is rounding noise: the covariance is numerically
 * singular), 0 otherwise (a is then garbage above the diagonal). */
int evi_fid_chol(double *a, int64_t d, double smax);

/* Σ = W Wᵀ from the eigendecomposition of the symmetric a (destroyed):
 * W = V_r diag(√λ_r) [d, *rank] over the eigenvalues above d·ε·λ_max goes
 * into a; eigenvalues below −that are noted in t (NOT_PSD, min_eig).
 * z is scratch [d,d], w scratch [d]. */
int evi_fid_eigen_factor(double *a, double *z, int64_t d, double *w,
			 fid_trace *t, int64_t *rank, evald_err *err);

/* t->tr_sqrt = tr √(Fᵀ B F) for a factor F of one covariance (the lower
 * Cholesky factor when chol, else W [d, rank]) and the symmetric B of the
 * other (destroyed).  z is scratch [d, rank] (unused when chol), w scratch
 * [d]; t->tau must be set. */
int evi_fid_trace_through(const double *f, int64_t rank, int chol, double *b,
			  double *z, int64_t d, double *w, fid_trace *t,
			  evald_err *err);

/* Fill r from the mean term, tr Σx + tr Σy and what the trace
 * computation found. */
struct evald_fid_result;
void evi_fid_finish(double mean_term, double traces, const fid_trace *t,
		    struct evald_fid_result *r);

/* Sum of √λ over eigenvalues λ of the symmetric m [k,k] (destroyed),
 * counting |λ| <= t->tau as 0 and noting λ < −t->tau.  w is scratch [k]. */
int evi_fid_sqrt_eig_sum(double *m, int64_t k, double *w, fid_trace *t,
			 evald_err *err);

#endif
