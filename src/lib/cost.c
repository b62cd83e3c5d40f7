/* cost.c - pairwise ground-cost matrices between point sets, and the
 * preparation every transport solver shares: input checks, weights,
 * dropping points of zero weight, the size limit and the power p. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include <evald/ot.h>
#include <evald/ot1d.h>
#include <evald/reduce.h>

#include "internal.h"

/* Pairs whose squared distance is below this fraction of the summed
 * squared norms are recomputed from the differences: the dgemm form
 * ||x||^2 + ||y||^2 - 2 x.y has an absolute error of a few ulps of the
 * norms, which is then at most ~1e-12 of the distance. */
#define CANCEL_RATIO 1e-4
/* Below this many features the direct loop beats a dgemm and is exact. */
#define DIRECT_MAX_D 8
/* Cells per block of rows between progress reports. */
#define BLOCK_CELLS (INT64_C(1) << 20)

int evi_check_points(const evald_tensor *t, int input, const char *name,
		     int allow_1d, int64_t *rows, int64_t *cols, evald_err *err)
{
	char shape[64];
	int64_t bad;

	if (t->ndim == 2 || (allow_1d && t->ndim == 1)) {
		*rows = t->shape[0];
		*cols = t->ndim == 2 ? t->shape[1] : 1;
	} else {
		return evald_fail(err, EVALD_ESHAPE, input,
				  allow_1d ? "%s must be [points, features] or "
					     "[points]; got shape %s"
					   : "%s must be a 2-D array [points, "
					     "features]; got shape %s",
				  name,
				  evald_shape_str(t, shape, sizeof shape));
	}
	if (*rows == 0)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "%s has no points; a distribution needs at "
				  "least one",
				  name);
	if (*cols == 0)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "%s has no features (shape %s)", name,
				  evald_shape_str(t, shape, sizeof shape));
	if (!evald_tensor_all_finite(t, &bad))
		return evald_fail(err, EVALD_EINVAL, input,
				  "%s holds a non-finite value at flat index "
				  "%lld",
				  name, (long long)bad);
	return EVALD_OK;
}

static int check_cells(int64_t n, int64_t m, int64_t max_cells, evald_err *err)
{
	if (max_cells <= 0)
		max_cells = EVALD_OT_DEFAULT_MAX_CELLS;
	if (n > max_cells / m)
		return evald_fail(err, EVALD_ELIMIT, -1,
				  "the cost matrix would have %lld x %lld "
				  "cells, more than the limit of %lld; use "
				  "fewer points or sliced_wasserstein",
				  (long long)n, (long long)m,
				  (long long)max_cells);
	return EVALD_OK;
}

static double dist_direct(const double *x, const double *y, int64_t d,
			  evald_ot_metric metric)
{
	double s = 0.0;

	if (metric == EVALD_OT_CITYBLOCK) {
		for (int64_t k = 0; k < d; k++)
			s += fabs(x[k] - y[k]);
		return s;
	}
	for (int64_t k = 0; k < d; k++) {
		double t = x[k] - y[k];
		s += t * t;
	}
	return metric == EVALD_OT_EUCLIDEAN ? sqrt(s) : s;
}

/* Rows [r0, r1) of the (squared) Euclidean matrix from the Gram block
 * already in C. */
static void finish_euclid(const double *X, const double *Y, int64_t m,
			  int64_t d, const double *nx, const double *ny,
			  int64_t r0, int64_t r1, int squared, double *C)
{
	for (int64_t i = r0; i < r1; i++) {
		double *row = C + i * m;
		for (int64_t j = 0; j < m; j++) {
			double norms = nx[i] + ny[j];
			double d2 = norms - 2.0 * row[j];
			if (d2 < CANCEL_RATIO * norms)
				d2 = dist_direct(X + i * d, Y + j * d, d,
						 EVALD_OT_SQEUCLIDEAN);
			row[j] = squared ? d2 : sqrt(d2);
		}
	}
}

static void finish_cosine(const double *nx, const double *ny, int64_t m,
			  int64_t r0, int64_t r1, double *C)
{
	for (int64_t i = r0; i < r1; i++) {
		double *row = C + i * m;
		for (int64_t j = 0; j < m; j++) {
			double c = 1.0 - row[j] / (nx[i] * ny[j]);
			row[j] = c < 0.0 ? 0.0 : c > 2.0 ? 2.0 : c;
		}
	}
}

/* Row norms: squared for the Euclidean forms, plain for cosine.  `idx`
 * (may be NULL) maps a row to its index in the caller's set. */
static int row_norms(const double *X, int64_t n, int64_t d, int plain,
		     int input, const char *name, const int64_t *idx,
		     double *out, evald_err *err)
{
	for (int64_t i = 0; i < n; i++) {
		const double *r = X + i * d;
		double s = 0.0;
		if (plain) {
			/* Scaled so that huge or tiny vectors keep their
			 * norm representable. */
			double big = 0.0;
			for (int64_t k = 0; k < d; k++)
				if (fabs(r[k]) > big)
					big = fabs(r[k]);
			if (big == 0.0)
				return evald_fail(
					err, EVALD_EINVAL, input,
					"%s[%lld] is the zero vector; the "
					"cosine "
					"distance is undefined for it",
					name, (long long)(idx ? idx[i] : i));
			for (int64_t k = 0; k < d; k++)
				s += (r[k] / big) * (r[k] / big);
			out[i] = big * sqrt(s);
		} else {
			for (int64_t k = 0; k < d; k++)
				s += r[k] * r[k];
			out[i] = s;
		}
	}
	return EVALD_OK;
}

/* Distances between the rows of X [n,d] and Y [m,d] (contiguous) into C.
 * Progress runs from lo to hi of prog. */
static int pairwise_raw(const double *X, int64_t n, const double *Y, int64_t m,
			int64_t d, evald_ot_metric metric,
			const evald_progress *prog, double lo, double hi,
			const int64_t *xi, const int64_t *yj, double *C,
			evald_err *err)
{
	int gemm = metric == EVALD_OT_COSINE ||
		   (metric != EVALD_OT_CITYBLOCK && d >= DIRECT_MAX_D);
	int64_t rows = BLOCK_CELLS / m > 0 ? BLOCK_CELLS / m : 1;
	double *nx = NULL, *ny = NULL;
	int rc = EVALD_OK;

	if (gemm) {
		int plain = metric == EVALD_OT_COSINE;
		nx = evi_xalloc(n, sizeof *nx);
		ny = evi_xalloc(m, sizeof *ny);
		if (!nx || !ny) {
			rc = evald_fail(err, EVALD_ENOMEM, -1,
					"out of memory for the row norms");
			goto out;
		}
		if ((rc = row_norms(X, n, d, plain, 0, "x", xi, nx, err)) < 0 ||
		    (rc = row_norms(Y, m, d, plain, 1, "y", yj, ny, err)) < 0)
			goto out;
	}
	for (int64_t r0 = 0; r0 < n; r0 += rows) {
		int64_t r1 = r0 + rows < n ? r0 + rows : n;
		if (gemm) {
			cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
				    (int)(r1 - r0), (int)m, (int)d, 1.0,
				    X + r0 * d, (int)d, Y, (int)d, 0.0,
				    C + r0 * m, (int)m);
			if (metric == EVALD_OT_COSINE)
				finish_cosine(nx, ny, m, r0, r1, C);
			else
				finish_euclid(X, Y, m, d, nx, ny, r0, r1,
					      metric == EVALD_OT_SQEUCLIDEAN,
					      C);
		} else {
			for (int64_t i = r0; i < r1; i++)
				for (int64_t j = 0; j < m; j++)
					C[i * m + j] = dist_direct(X + i * d,
								   Y + j * d, d,
								   metric);
		}
		if (evald_progress_tick(prog, lo + (hi - lo) * (double)r1 /
							      (double)n)) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
out:
	free(nx);
	free(ny);
	return rc;
}

/* Coordinates beyond this (or below its inverse) are scaled first, so
 * that squared norms and differences neither overflow nor underflow. */
#define COORD_SAFE 1e100

/* pairwise_raw on points scaled to a safe range when they are not in one:
 * the distances are homogeneous (degree 1, or 2 for sqeuclidean), so they
 * are scaled back after. */
static int pairwise(const double *X, int64_t n, const double *Y, int64_t m,
		    int64_t d, evald_ot_metric metric,
		    const evald_progress *prog, double lo, double hi,
		    const int64_t *xi, const int64_t *yj, double *C,
		    evald_err *err)
{
	double big = 0.0, *sx = NULL, *sy = NULL;
	int rc;

	for (int64_t k = 0; k < n * d; k++)
		big = fmax(big, fabs(X[k]));
	for (int64_t k = 0; k < m * d; k++)
		big = fmax(big, fabs(Y[k]));
	if (metric == EVALD_OT_COSINE || big == 0.0 ||
	    (big <= COORD_SAFE && big >= 1.0 / COORD_SAFE))
		return pairwise_raw(X, n, Y, m, d, metric, prog, lo, hi, xi, yj,
				    C, err);
	sx = evi_xalloc(n * d, sizeof *sx);
	sy = evi_xalloc(m * d, sizeof *sy);
	if (!sx || !sy) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory scaling the points");
		goto out;
	}
	for (int64_t k = 0; k < n * d; k++)
		sx[k] = X[k] / big;
	for (int64_t k = 0; k < m * d; k++)
		sy[k] = Y[k] / big;
	rc = pairwise_raw(sx, n, sy, m, d, metric, prog, lo, hi, xi, yj, C,
			  err);
	if (rc == EVALD_OK) {
		/* Two products: big * big alone may overflow. */
		if (metric == EVALD_OT_SQEUCLIDEAN)
			for (int64_t k = 0; k < n * m; k++)
				C[k] = C[k] * big * big;
		else
			for (int64_t k = 0; k < n * m; k++)
				C[k] *= big;
	}
out:
	free(sx);
	free(sy);
	return rc;
}

int evald_cost_matrix(const evald_tensor *x, const evald_tensor *y,
		      evald_ot_metric metric, int64_t max_cells,
		      const evald_progress *prog, double **out, evald_err *err)
{
	int64_t n, m, d, dy;
	double *C;
	int rc;

	*out = NULL;
	if ((rc = evi_check_points(x, 0, "x", 1, &n, &d, err)) < 0 ||
	    (rc = evi_check_points(y, 1, "y", 1, &m, &dy, err)) < 0)
		return rc;
	if (d != dy)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y has %lld features per point but x has "
				  "%lld; both sets must live in the same space",
				  (long long)dy, (long long)d);
	if ((rc = check_cells(n, m, max_cells, err)) < 0)
		return rc;
	if (d > INT32_MAX || n > INT32_MAX || m > INT32_MAX)
		return evald_fail(err, EVALD_ELIMIT, -1,
				  "the point sets are too large for the BLAS "
				  "(more than 2^31 points or features)");
	if (!(C = evi_xalloc(n * m, sizeof *C)))
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the %lld x %lld cost "
				  "matrix",
				  (long long)n, (long long)m);
	rc = pairwise(x->data, n, y->data, m, d, metric, prog, 0.0, 1.0, NULL,
		      NULL, C, err);
	if (rc < 0) {
		free(C);
		return rc;
	}
	*out = C;
	return EVALD_OK;
}

void evald_ot_problem_free(evald_ot_problem *pb)
{
	free(pb->xi);
	free(pb->yj);
	free(pb->a);
	free(pb->b);
	free(pb->cost);
	memset(pb, 0, sizeof *pb);
}

/* The points of positive weight: their indices and weights (uniform 1/n
 * when w is NULL) and the total of those weights. */
static int keep_positive(const evald_tensor *w, int64_t n, int input,
			 const char *name, int64_t **idx, double **val,
			 int64_t *kept, double *total, evald_err *err)
{
	int64_t k = 0;
	int rc;

	if (w && (rc = evald_ot1d_check_weights(w, n, input, name, err)) < 0)
		return rc;
	for (int64_t i = 0; i < n; i++)
		k += !w || w->data[i] > 0;
	*idx = evi_xalloc(k, sizeof **idx);
	*val = evi_xalloc(k, sizeof **val);
	if (!*idx || !*val)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the weights");
	k = 0;
	for (int64_t i = 0; i < n; i++) {
		if (w && !(w->data[i] > 0))
			continue;
		(*idx)[k] = i;
		(*val)[k++] = w ? w->data[i] : 1.0 / (double)n;
	}
	*kept = k;
	*total = w ? evald_sum(*val, k) : 1.0;
	return EVALD_OK;
}

/* Check the masses and scale the weights: to sum 1 each, or y's to x's
 * total when the caller keeps the masses. */
static int balance(const evald_ot_input *in, evald_ot_problem *pb, double sa,
		   double sb, evald_err *err)
{
	int at;

	if (in->normalize) {
		for (int64_t i = 0; i < pb->nk; i++)
			pb->a[i] /= sa;
		for (int64_t j = 0; j < pb->mk; j++)
			pb->b[j] /= sb;
		pb->mass = 1.0;
		return EVALD_OK;
	}
	/* Name the weights the caller gave (uniform ones have no path). */
	at = in->y_weights ? 3 : -1;
	if (at < 0 && in->x_weights)
		at = 2;
	if (fabs(sa - sb) > EVALD_OT_MASS_RTOL * fmax(sa, sb))
		return evald_fail(err, EVALD_EINVAL, at,
				  "with normalize false both sets must carry "
				  "the same mass, but x's weights%s sum to "
				  "%.17g and y's%s to %.17g; set normalize to "
				  "true or rescale them",
				  in->x_weights ? "" : " (uniform, 1/n)", sa,
				  in->y_weights ? "" : " (uniform, 1/m)", sb);
	if (sa != sb)
		for (int64_t j = 0; j < pb->mk; j++)
			pb->b[j] *= sa / sb;
	pb->mass = sa;
	return EVALD_OK;
}

/* Copy the kept cells of a given cost matrix. */
static int given_cost(const evald_ot_input *in, evald_ot_problem *pb, double p,
		      evald_err *err)
{
	const double *src = in->cost->data;
	int64_t m = pb->m;

	for (int64_t i = 0; i < pb->nk; i++) {
		const double *row = src + pb->xi[i] * m;
		double *dst = pb->cost + i * pb->mk;
		for (int64_t j = 0; j < pb->mk; j++) {
			double c = row[pb->yj[j]];
			if (!isfinite(c))
				return evald_fail(
					err, EVALD_EINVAL, 4,
					"cost[%lld][%lld] is not finite",
					(long long)pb->xi[i],
					(long long)pb->yj[j]);
			if (c < 0 && p != 1.0)
				return evald_fail(
					err, EVALD_EINVAL, 4,
					"cost[%lld][%lld] is %.17g; with p != "
					"1 "
					"the costs must be non-negative",
					(long long)pb->xi[i],
					(long long)pb->yj[j], c);
			dst[j] = c;
		}
	}
	return EVALD_OK;
}

/* Copy the rows listed in idx (when some were dropped) so the dgemm sees
 * contiguous points. */
static const double *gather(const evald_tensor *t, const int64_t *idx,
			    int64_t k, int64_t n, int64_t d, double **own)
{
	*own = NULL;
	if (k == n)
		return t->data;
	if (!(*own = evi_xalloc(k * d, sizeof **own)))
		return NULL;
	for (int64_t i = 0; i < k; i++)
		memcpy(*own + i * d, t->data + idx[i] * d,
		       (size_t)d * sizeof **own);
	return *own;
}

static int point_cost(const evald_ot_input *in, evald_ot_problem *pb, int64_t d,
		      const evald_progress *prog, evald_err *err)
{
	double *ox = NULL, *oy = NULL;
	const double *X = gather(in->x, pb->xi, pb->nk, pb->n, d, &ox);
	const double *Y = gather(in->y, pb->yj, pb->mk, pb->m, d, &oy);
	int rc;

	if (!X || !Y)
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory copying the points");
	else
		rc = pairwise(X, pb->nk, Y, pb->mk, d, in->metric, prog, 0.0,
			      1.0, pb->xi, pb->yj, pb->cost, err);
	free(ox);
	free(oy);
	return rc;
}

/* cost <- cost^p, or (cost / largest)^p when cost^p would overflow. */
static int raise_cost(evald_ot_problem *pb, double p, int allow_scale,
		      evald_err *err)
{
	int64_t cells = pb->nk * pb->mk;
	double *c = pb->cost, top = 0.0;

	pb->scale = 1.0;
	pb->p = p;
	for (int64_t k = 0; k < cells; k++) {
		if (!isfinite(c[k]))
			return evald_fail(err, EVALD_EINVAL, -1,
					  "the distance between x[%lld] and "
					  "y[%lld] overflows a double; scale "
					  "the inputs down",
					  (long long)pb->xi[k / pb->mk],
					  (long long)pb->yj[k % pb->mk]);
		if (c[k] > top)
			top = c[k];
	}
	if (p == 1.0)
		return EVALD_OK;
	if (!(pow(top, p) <= 1e300)) {
		if (!allow_scale)
			return evald_fail(err, EVALD_EINVAL, -1,
					  "the costs raised to p = %g overflow "
					  "(largest cost %.17g); scale the "
					  "inputs down",
					  p, top);
		pb->scale = top;
		for (int64_t k = 0; k < cells; k++)
			c[k] = pow(c[k] / top, p);
		return EVALD_OK;
	}
	if (p == 2.0)
		for (int64_t k = 0; k < cells; k++)
			c[k] *= c[k];
	else
		for (int64_t k = 0; k < cells; k++)
			c[k] = pow(c[k], p);
	return EVALD_OK;
}

int evald_ot_prepare(const evald_ot_input *in, int allow_scale,
		     const evald_progress *prog, evald_ot_problem *pb,
		     evald_err *err)
{
	int64_t d = 0, dy;
	double sa, sb;
	char shape[64];
	int rc;

	memset(pb, 0, sizeof *pb);
	if (!(in->p >= 1.0) || !isfinite(in->p))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "p must be a finite number >= 1; got %g",
				  in->p);
	if (in->cost) {
		if (in->x || in->y)
			return evald_fail(err, EVALD_EINVAL, 4,
					  "give either cost or the points x "
					  "and y, not both");
		if (in->cost->ndim != 2)
			return evald_fail(
				err, EVALD_ESHAPE, 4,
				"cost must be a 2-D array [n, m]; got shape %s",
				evald_shape_str(in->cost, shape, sizeof shape));
		pb->n = in->cost->shape[0];
		pb->m = in->cost->shape[1];
		if (pb->n == 0 || pb->m == 0)
			return evald_fail(
				err, EVALD_EEMPTY, 4,
				"cost has shape %s; both sets need "
				"at least one point",
				evald_shape_str(in->cost, shape, sizeof shape));
	} else {
		if (!in->x || !in->y)
			return evald_fail(err, EVALD_EINVAL, in->x ? 1 : 0,
					  "give the points x and y (or a cost "
					  "matrix)");
		if ((rc = evi_check_points(in->x, 0, "x", 1, &pb->n, &d, err)) <
			    0 ||
		    (rc = evi_check_points(in->y, 1, "y", 1, &pb->m, &dy,
					   err)) < 0)
			return rc;
		if (d != dy)
			return evald_fail(err, EVALD_ESHAPE, 1,
					  "y has %lld features per point but x "
					  "has %lld; both sets must live in "
					  "the same space",
					  (long long)dy, (long long)d);
		if (d > INT32_MAX)
			return evald_fail(err, EVALD_ELIMIT, 0,
					  "x has more than 2^31 features");
	}
	if ((rc = check_cells(pb->n, pb->m, in->max_cells, err)) < 0)
		return rc;
	if ((rc = keep_positive(in->x_weights, pb->n, 2, "x_weights", &pb->xi,
				&pb->a, &pb->nk, &sa, err)) < 0 ||
	    (rc = keep_positive(in->y_weights, pb->m, 3, "y_weights", &pb->yj,
				&pb->b, &pb->mk, &sb, err)) < 0 ||
	    (rc = balance(in, pb, sa, sb, err)) < 0)
		goto fail;
	if (pb->nk > INT32_MAX - 1 - pb->mk) {
		rc = evald_fail(err, EVALD_ELIMIT, -1,
				"more than 2^31 points in all");
		goto fail;
	}
	if (!(pb->cost = evi_xalloc(pb->nk * pb->mk, sizeof *pb->cost))) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the %lld x %lld cost matrix",
				(long long)pb->nk, (long long)pb->mk);
		goto fail;
	}
	rc = in->cost ? given_cost(in, pb, in->p, err)
		      : point_cost(in, pb, d, prog, err);
	if (rc < 0 || (rc = raise_cost(pb, in->p, allow_scale, err)) < 0)
		goto fail;
	return EVALD_OK;
fail:
	evald_ot_problem_free(pb);
	return rc;
}
