/* moments.h - mergeable first and second moments of embedding sets.
 *
 * An evald_moments holds the row count n, the mean [d] and the comoment
 * M = Σ (x − mean)(x − mean)ᵀ [d,d] of the rows seen so far; the sample
 * covariance (ddof 1) is M / (n − 1).  Rows are added in batches of any
 * size through a bounded buffer (blocks centred on the mean so far, one
 * triangle of BLAS products), and two
 * accumulators merge exactly with the pairwise update of Chan, Golub and
 * LeVeque (1979):
 *
 *     n = na + nb,  δ = mean_b − mean_a,
 *     mean = mean_a + δ·nb/n,  M = Ma + Mb + δδᵀ·na·nb/n.
 *
 * The result of any sequence of batches and merges equals one pass over
 * all rows to rounding (1e-9 relative is tested), which is what lets a
 * stream receive rows batch by batch or partial moments computed on other
 * machines. */
#ifndef EVALD_MOMENTS_H
#define EVALD_MOMENTS_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_moments {
	int64_t d;
	int64_t n;	  /* rows accumulated */
	double *mean;	  /* [d], owned */
	double *comoment; /* [d,d] C order, symmetric (both triangles valid
			     after every call), owned */
} evald_moments;

/* Set up an empty accumulator of dimension d >= 1 (n = 0, zero mean and
 * comoment).  Free with evald_moments_free. */
int evald_moments_init(evald_moments *m, int64_t d, evald_err *err);
void evald_moments_free(evald_moments *m);

/* Add `nrows` rows of m->d values each, contiguous in C order, of dtype
 * EVALD_F64 (double) or EVALD_F32 (float; widened block by block, so a
 * float32 set never needs a float64 copy).  Memory beyond the accumulator
 * is bounded (a block of at most ~8 MB) whatever nrows is. */
int evald_moments_add_rows(evald_moments *m, const void *rows,
			   evald_dtype dtype, int64_t nrows, evald_err *err);

/* An accumulation of rows that arrive in pieces (a network upload): the
 * same result as adding them all in one evald_moments_add_rows call, bit
 * for bit when every piece but the last holds a multiple of
 * evald_moments_block_rows(d) rows, but the O(d²) fix-ups are done once,
 * at evald_moments_end, instead of once per piece.  Between begin and end
 * m must not be read; end makes it whole again (after a failed push too,
 * with the rows pushed before) and frees the accumulation. */
typedef struct evald_moments_acc evald_moments_acc;
int evald_moments_begin(evald_moments *m, evald_moments_acc **acc,
			evald_err *err);
int evald_moments_push(evald_moments_acc *acc, const void *rows,
		       evald_dtype dtype, int64_t nrows, evald_err *err);
void evald_moments_end(evald_moments_acc *acc);
/* Rows per block of the accumulation (16 MiB of float64 at most). */
int64_t evald_moments_block_rows(int64_t d);

/* Add the rows of x [N, d] (input 0 in err). */
int evald_moments_add(evald_moments *m, const evald_tensor *x, evald_err *err);

/* Add the rows x[idx[0]], x[idx[1]], ... (a bootstrap resample) of the
 * float64 matrix x with m->d columns; indices may repeat. */
int evald_moments_add_gather(evald_moments *m, const double *x,
			     const int64_t *idx, int64_t nidx, evald_err *err);

/* Merge partial moments {n, mean [d], comoment [d,d]} computed elsewhere
 * into m.  comoment must be symmetric (within 1e-6 of its largest entry;
 * its symmetric part is used) with a non-negative diagonal, else
 * EVALD_EINVAL with err->input = 1 (0 would be mean, which any finite
 * vector satisfies).  n = 0 is a no-op; m is unchanged on failure. */
int evald_moments_merge(evald_moments *m, int64_t n, const double *mean,
			const double *comoment, evald_err *err);

/* Merge accumulator b into a (same d). */
int evald_moments_merge_into(evald_moments *a, const evald_moments *b,
			     evald_err *err);

/* The sample covariance (ddof 1) into sigma [d,d] (caller allocates);
 * needs n >= 2 (EVALD_EEMPTY otherwise). */
int evald_moments_cov(const evald_moments *m, double *sigma, evald_err *err);

/* One-shot: mean into mu [d] and covariance (ddof 1) into sigma [d,d]
 * (both caller-allocated) of x [N, d] with N >= 2.  Equals np.mean(x, 0)
 * and np.cov(x, rowvar=False) to rounding. */
int evald_moments_of(const evald_tensor *x, double *mu, double *sigma,
		     evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
