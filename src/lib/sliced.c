/* sliced.c - the sliced Wasserstein distance: project both sets on many
 * directions (a block of them per BLAS call) and solve each 1-D problem
 * with the merge of ot1d.c, as POT's ot.sliced_wasserstein_distance. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include <evald/ot1d.h>
#include <evald/rng.h>

#include "internal.h"

/* Projected values held at once (doubles): bounds the block of directions
 * computed by one dgemm to about 32 MB whatever n + m is. */
#define BLOCK_VALUES (INT64_C(1) << 22)

/* A point set [points, features] (evi_check_points, 2-D only). */
static int check_set(const evald_tensor *t, int input, const char *name,
		     evald_err *err)
{
	int64_t rows, cols;
	return evi_check_points(t, input, name, 0, &rows, &cols, err);
}

static int check_inputs(const evald_tensor *x, const evald_tensor *y,
			const evald_tensor *xw, const evald_tensor *yw,
			const evald_tensor *proj, int64_t n_projections,
			double p, evald_err *err)
{
	char sx[64], sy[64];
	int64_t bad;
	int rc;

	if (!(p >= 1.0) || !isfinite(p))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "p must be a finite number >= 1; got %g", p);
	if ((rc = check_set(x, 0, "x", err)) < 0 ||
	    (rc = check_set(y, 1, "y", err)) < 0)
		return rc;
	if (y->shape[1] != x->shape[1])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y has %lld features but x has %lld (shapes "
				  "%s and %s)",
				  (long long)y->shape[1],
				  (long long)x->shape[1],
				  evald_shape_str(y, sy, sizeof sy),
				  evald_shape_str(x, sx, sizeof sx));
	if (xw && (rc = evald_ot1d_check_weights(xw, x->shape[0], 2,
						 "x_weights", err)) < 0)
		return rc;
	if (yw && (rc = evald_ot1d_check_weights(yw, y->shape[0], 3,
						 "y_weights", err)) < 0)
		return rc;
	if (!proj) {
		if (n_projections < 1)
			return evald_fail(err, EVALD_EINVAL, -1,
					  "n_projections must be at least 1; "
					  "got %lld",
					  (long long)n_projections);
		return EVALD_OK;
	}
	if (proj->ndim != 2 || proj->shape[1] != x->shape[1])
		return evald_fail(err, EVALD_ESHAPE, 4,
				  "projections must be [k, %lld], one "
				  "direction per row with as many features as "
				  "x; got shape %s",
				  (long long)x->shape[1],
				  evald_shape_str(proj, sx, sizeof sx));
	if (proj->shape[0] == 0)
		return evald_fail(err, EVALD_EEMPTY, 4,
				  "projections holds no direction");
	if (!evald_tensor_all_finite(proj, &bad))
		return evald_fail(err, EVALD_EINVAL, 4,
				  "projections holds a non-finite value at "
				  "flat index %lld",
				  (long long)bad);
	return EVALD_OK;
}

/* Rows of standard normals scaled to unit length: uniform on the sphere,
 * as POT's get_random_projections (which draws them as columns). */
static void random_directions(evald_rng *rng, double *theta, int64_t rows,
			      int64_t d)
{
	for (int64_t r = 0; r < rows; r++) {
		double *t = theta + r * d, norm2;
		do {
			norm2 = 0.0;
			for (int64_t k = 0; k < d; k++) {
				t[k] = evald_rng_normal(rng);
				norm2 += t[k] * t[k];
			}
		} while (norm2 == 0.0);
		double inv = 1.0 / sqrt(norm2);
		for (int64_t k = 0; k < d; k++)
			t[k] *= inv;
	}
}

/* vals [rows, npts] = theta [rows, d] . set[npts, d]^T */
static void project(const double *theta, int64_t rows, const evald_tensor *set,
		    double *vals)
{
	int64_t npts = set->shape[0], d = set->shape[1];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
		    (int)npts, (int)d, 1.0, theta, (int)d, set->data, (int)d,
		    0.0, vals, (int)npts);
}

/* Sort one projected set (with a fresh copy of its weights) and build its
 * cumulative weights in wbuf; *cum is wbuf, or NULL for uniform. */
static int sort_side(double *vals, const evald_tensor *w, double *wbuf,
		     int64_t n, double **cum, evald_err *err)
{
	int rc;

	if (w)
		memcpy(wbuf, w->data, (size_t)n * sizeof *wbuf);
	if ((rc = evald_ot1d_sort(vals, w ? wbuf : NULL, n, err)) < 0)
		return rc;
	if (w)
		evald_ot1d_cumulate(wbuf, n, wbuf);
	*cum = w ? wbuf : NULL;
	return EVALD_OK;
}

int evald_sliced_wasserstein(const evald_tensor *x, const evald_tensor *y,
			     const evald_tensor *xw, const evald_tensor *yw,
			     const evald_tensor *proj, int64_t n_projections,
			     double p, uint64_t seed,
			     const evald_progress *prog, double *out,
			     int64_t *n_used, evald_err *err)
{
	double *theta = NULL, *px = NULL, *py = NULL, *wx = NULL, *wy = NULL;
	evald_ot1d_cost *costs = NULL;
	int64_t n, m, d, k, block;
	evald_rng rng;
	int rc;

	if ((rc = check_inputs(x, y, xw, yw, proj, n_projections, p, err)) < 0)
		return rc;
	n = x->shape[0];
	m = y->shape[0];
	d = x->shape[1];
	k = proj ? proj->shape[0] : n_projections;
	/* cblas takes int dimensions. */
	if (n > INT32_MAX || m > INT32_MAX || d > INT32_MAX)
		return evald_fail(err, EVALD_ELIMIT, n > INT32_MAX ? 0 : 1,
				  "sets of more than %d points or features "
				  "are not supported",
				  INT32_MAX);
	block = BLOCK_VALUES / (n + m);
	if (block < 1)
		block = 1;
	if (block > k)
		block = k;

	px = evi_xalloc(block * n, sizeof *px);
	py = evi_xalloc(block * m, sizeof *py);
	costs = evi_xalloc(k, sizeof *costs);
	if (!proj)
		theta = evi_xalloc(block * d, sizeof *theta);
	if (xw)
		wx = evi_xalloc(n, sizeof *wx);
	if (yw)
		wy = evi_xalloc(m, sizeof *wy);
	if (!px || !py || !costs || (!proj && !theta) || (xw && !wx) ||
	    (yw && !wy)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for %lld projections of %lld + "
				"%lld points",
				(long long)k, (long long)n, (long long)m);
		goto out;
	}
	evald_rng_seed(&rng, seed);

	for (int64_t b0 = 0; b0 < k; b0 += block) {
		int64_t rows = k - b0 < block ? k - b0 : block;
		const double *dirs;

		if (proj) {
			dirs = proj->data + b0 * d;
		} else {
			random_directions(&rng, theta, rows, d);
			dirs = theta;
		}
		project(dirs, rows, x, px);
		project(dirs, rows, y, py);
		for (int64_t r = 0; r < rows; r++) {
			double *vx = px + r * n, *vy = py + r * m, *cx, *cy;

			if ((rc = sort_side(vx, xw, wx, n, &cx, err)) < 0 ||
			    (rc = sort_side(vy, yw, wy, m, &cy, err)) < 0)
				goto out;
			evald_ot1d_cost_sorted(vx, cx, n, vy, cy, m, p,
					       &costs[b0 + r]);
			if (evald_progress_tick(prog, (double)(b0 + r + 1) /
							      (double)k)) {
				rc = evald_fail(err, EVALD_ECANCEL, -1,
						"cancelled after %lld of %lld "
						"projections",
						(long long)(b0 + r + 1),
						(long long)k);
				goto out;
			}
		}
	}
	*out = evald_ot1d_cost_mean_root(costs, k, (double)k, p);
	*n_used = k;
	rc = EVALD_OK;
out:
	free(theta);
	free(px);
	free(py);
	free(wx);
	free(wy);
	free(costs);
	return rc;
}
