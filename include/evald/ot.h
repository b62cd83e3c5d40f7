/* ot.h - optimal transport between weighted point sets in any dimension:
 * the exact earth mover's distance (a network simplex on the dense
 * transportation problem), entropic transport by log-stabilised Sinkhorn
 * iterations, and the pairwise cost matrices both start from.
 *
 * All functions return 0 or a negative EVALD_E* code and fill the optional
 * evald_err.  Its `input` numbers the tensors in this order: x = 0, y = 1,
 * x_weights = 2, y_weights = 3, cost = 4 (the order of evald_ot_input). */
#ifndef EVALD_OT_H
#define EVALD_OT_H

#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default bound on the cells of the n x m cost matrix (8 bytes each, so
 * 512 MB; Sinkhorn holds a second matrix of the same size). */
#define EVALD_OT_DEFAULT_MAX_CELLS INT64_C(64000000)

/* When normalize is off the two totals must agree to this relative
 * tolerance; y's weights are then scaled to x's total exactly. */
#define EVALD_OT_MASS_RTOL 1e-6

/* Ground distances, in the order of the service's "metric" choices. */
typedef enum {
	EVALD_OT_EUCLIDEAN = 0, /* ||x - y||_2 */
	EVALD_OT_SQEUCLIDEAN,	/* ||x - y||_2^2 */
	EVALD_OT_CITYBLOCK,	/* ||x - y||_1 */
	EVALD_OT_COSINE		/* 1 - x.y / (||x|| ||y||), in [0, 2] */
} evald_ot_metric;

/* The pairwise distances between the rows of x [n,d] (or [n], read as
 * [n,1]) and y [m,d] into *out [n*m], row-major (caller frees).  The
 * (squared) Euclidean and cosine forms use a dgemm; pairs whose squared
 * distance is small next to the squared norms, where that form loses
 * digits, are recomputed from the differences, so identical points are 0
 * exactly.  EVALD_ELIMIT when n*m exceeds max_cells (<= 0: the default);
 * EVALD_EINVAL for a zero vector under the cosine distance (undefined). */
int evald_cost_matrix(const evald_tensor *x, const evald_tensor *y,
		      evald_ot_metric metric, int64_t max_cells,
		      const evald_progress *prog, double **out, evald_err *err);

/* One transport problem as a caller states it. */
typedef struct evald_ot_input {
	const evald_tensor *x, *y; /* points [n,d]/[n] and [m,d]/[m]; NULL
				      when cost is given */
	const evald_tensor *x_weights, *y_weights; /* [n], [m]; NULL means
						       uniform (1/n, 1/m) */
	const evald_tensor *cost; /* [n,m] ground cost instead of x, y */
	evald_ot_metric metric;	  /* ignored with cost */
	double p;		  /* >= 1: transport cost is distance^p */
	int normalize; /* 1: weights scaled to sum 1; 0: totals must agree */
	int64_t max_cells; /* bound on n*m; <= 0 means the default */
} evald_ot_input;

/* A problem reduced to what a solver needs: the points of positive weight
 * and the cost between them.  Built by evald_ot_prepare, released by
 * evald_ot_problem_free. */
typedef struct evald_ot_problem {
	int64_t n, m;	/* sizes of the sets as given */
	int64_t nk, mk; /* points kept (positive weight) */
	int64_t *xi;	/* [nk] original index of each kept x point */
	int64_t *yj;	/* [mk] original index of each kept y point */
	double *a, *b;	/* [nk], [mk] weights; sum(b) == sum(a) == mass */
	double mass;
	double *cost; /* [nk*mk] row-major: (distance / scale)^p */
	double scale; /* 1, unless distance^p would overflow (EMD only) */
	double p;     /* the exponent applied */
} evald_ot_problem;

/* Check an input and build its problem.  `allow_scale` lets a solver that
 * takes the p-th root (EMD) receive (distance / scale)^p when distance^p
 * would overflow; without it that is EVALD_EINVAL.  Progress covers the
 * cost matrix.  On failure *pb is left empty. */
int evald_ot_prepare(const evald_ot_input *in, int allow_scale,
		     const evald_progress *prog, evald_ot_problem *pb,
		     evald_err *err);
void evald_ot_problem_free(evald_ot_problem *pb);

/* ------------------------------------------------------------ exact EMD */

typedef struct evald_emd_result {
	double value;	/* (sum P .* C^p)^(1/p), C the ground distance */
	double cost;	/* sum P .* C^p (W_p^p), +inf if it overflows */
	int64_t n, m;	/* sizes of the sets as given */
	int64_t pivots; /* network simplex iterations */
	/* The optimal plan, when asked for: plan_nnz triples (i, j, mass)
	 * with i, j indices into the sets as given, sorted by i then j,
	 * masses > 0.  Owned; freed by evald_emd_result_free. */
	int64_t plan_nnz;
	int64_t *plan_ij; /* [2*plan_nnz]: i0, j0, i1, j1, ... */
	double *plan_mass;
} evald_emd_result;

void evald_emd_result_free(evald_emd_result *r);

/* The exact optimal transport cost of a prepared problem, by a network
 * simplex with block pivot search.  Exact up to rounding: the simplex
 * stops only when no arc has a reduced cost below -1e-13 times the
 * largest cost, which bounds the gap to the optimum by that much per unit
 * of mass.  A pivot bound far above what the method needs guards against
 * a numerical loop; reaching it is EVALD_ENUMERIC, never a silent
 * approximation.  `prog` hears the pivot count against an estimate and may
 * cancel (EVALD_ECANCEL), checked every few thousand pivots. */
int evald_emd_solve(const evald_ot_problem *pb, int want_plan,
		    const evald_progress *prog, evald_emd_result *res,
		    evald_err *err);

/* evald_ot_prepare + evald_emd_solve: POT's ot.emd2 (to the p-th root). */
int evald_emd(const evald_ot_input *in, int want_plan,
	      const evald_progress *prog, evald_emd_result *res,
	      evald_err *err);

/* ------------------------------------------------------------- Sinkhorn */

typedef struct evald_sinkhorn_result {
	double value;	    /* <P, C^p>, no entropy term and no root */
	int64_t iterations; /* sweeps done (each updates both potentials) */
	int converged;	    /* error < tol */
	double error;	    /* ||P^T 1 - b||_2 of the returned plan */
	int64_t n, m;
} evald_sinkhorn_result;

/* Entropic transport with regularisation `reg` > 0, iterated as POT's
 * ot.sinkhorn2(method="sinkhorn_log"): from zero log-potentials, each
 * sweep updates the y potential then the x potential; every 10th sweep
 * (the 1st, 11th, ...) measures the l2 error of the y marginal and stops
 * below `tol`.  The sweeps run on a kernel whose potentials are absorbed
 * into it whenever the scalings leave [e^-20, e^20] (and in log form where
 * the kernel underflows), so small reg such as 1e-3 on unit costs is
 * stable.  Not converging within max_iter is reported in the result, not
 * an error.  The value is that of POT's sinkhorn2. */
int evald_sinkhorn_solve(const evald_ot_problem *pb, double reg,
			 int64_t max_iter, double tol,
			 const evald_progress *prog, evald_sinkhorn_result *res,
			 evald_err *err);

int evald_sinkhorn(const evald_ot_input *in, double reg, int64_t max_iter,
		   double tol, const evald_progress *prog,
		   evald_sinkhorn_result *res, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
