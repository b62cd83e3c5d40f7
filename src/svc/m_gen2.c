/* m_gen2.c - metric functions of the generative family beyond FID and
 * KID: prdc, fid_inf, mifid, mmd and vendi (adapters over prdc.h,
 * fidinf.h, mifid.h, mmd.h and vendi.h), with their cost functions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <evald/fid.h>
#include <evald/fidinf.h>
#include <evald/mifid.h>
#include <evald/mmd.h>
#include <evald/prdc.h>
#include <evald/vendi.h>

#include "bounds.h"
#include "metric_fns.h"

/* A libevald failure about no single input is about `param` here. */
static int fail_param(mcall *c, const evald_err *le, verr *err,
		      const char *const *paths, const pval *param)
{
	if (le->input < 0 && le->code == EVALD_EINVAL)
		return verr_from_lib(err, le, param->path);
	return mcall_lib_error(c, le, err, paths);
}

/* Both sets [n,d] within --max-dim; 0 with *ok = 0 when a shape is not
 * a matrix (the library refuses it with its own message). */
static int two_sets(mcall *c, const input_val *a, const input_val *b, int *ok,
		    verr *err)
{
	*ok = a->t.ndim == 2 && b->t.ndim == 2;
	if (!*ok)
		return 0;
	if (bounds_dim(c->max_dim, a->t.shape[1], a->path, err) < 0 ||
	    bounds_dim(c->max_dim, b->t.shape[1], b->path, err) < 0)
		return -1;
	return 0;
}

/* A matrix of `cells` float64 held whole, against --max-cells. */
static int cells_ok(mcall *c, double cells, const char *what, const char *path,
		    verr *err)
{
	if (c->max_cells <= 0 || cells <= (double)c->max_cells)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"%s would hold a %.3g-cell matrix, over the server's "
			"limit of %lld (--max-cells); send fewer rows",
			what, cells, (long long)c->max_cells);
}

static void put_int(json_t *res, const char *key, int64_t v)
{
	json_object_set_new(res, key, json_integer((json_int_t)v));
}

/* ----------------------------------------------------------------- prdc */

/* Three distance passes: (N² + M² + N·M)·d multiply-adds. */
int c_prdc(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_RF, real), *y = IN(c, I_RF, fake);
	int ok;

	if (two_sets(c, x, y, &ok, err) < 0 || !ok)
		return ok ? -1 : 0;
	double n = (double)x->t.shape[0], m = (double)y->t.shape[0];
	k->work = (n * n + m * m + n * m) * (double)x->t.shape[1];
	k->path = x->path;
	k->hint = "send fewer embeddings";
	return 0;
}

int m_prdc(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_RF, real), *y = IN(c, I_RF, fake);
	pval *k = P(c, P_PRDC, nearest_k);
	const char *paths[2] = {x->path, y->path};
	evald_prdc_result r;
	evald_err le;

	if (evald_prdc(&x->t, &y->t, k->i, &c->progress, &r, &le))
		return fail_param(c, &le, err, paths, k);
	mcall_put_number(c, res, "precision", r.precision);
	mcall_put_number(c, res, "recall", r.recall);
	mcall_put_number(c, res, "density", r.density);
	mcall_put_number(c, res, "coverage", r.coverage);
	put_int(res, "n_real", x->t.shape[0]);
	put_int(res, "n_fake", y->t.shape[0]);
	if (r.zero_radii_real || r.zero_radii_fake)
		mcall_warn(c,
			   "%lld real and %lld fake rows have a k-NN radius of "
			   "0 (at least k duplicates of the row): their balls "
			   "contain no point, as in the reference",
			   (long long)r.zero_radii_real,
			   (long long)r.zero_radii_fake);
	return 0;
}

/* -------------------------------------------------------------- fid_inf */

/* The subset sizes: the `sizes` param, or the reference code's schedule
 * from min_size to N in `points` steps, into the pool. */
static int fid_inf_sizes(mcall *c, int64_t n, int64_t **out, int64_t *k,
			 verr *err)
{
	pval *sz = P(c, P_FIDINF, sizes), *lo = P(c, P_FIDINF, min_size);
	int64_t pts = P(c, P_FIDINF, points)->i;

	if (sz->is_null) {
		if (lo->i > n)
			return verr_set(
				err, E_INVALID_VALUE, lo->path,
				"min_size %lld is more than the %lld "
				"generated rows; lower it or give sizes",
				(long long)lo->i, (long long)n);
		*k = pts;
	} else {
		*k = sz->vec.size;
	}
	*out = pool_alloc(c->pool, (size_t)*k * sizeof(int64_t));
	if (!*out)
		return verr_set(err, E_OUT_OF_MEMORY, sz->path,
				"out of memory");
	if (sz->is_null) {
		evald_fid_inf_schedule(lo->i, n, pts, *out);
		return 0;
	}
	for (int64_t i = 0; i < *k; i++) {
		double v = sz->vec.data[i];
		if (v != floor(v) || v < 2 || v > (double)n)
			return verr_set(err, E_INVALID_VALUE, sz->path,
					"sizes[%lld] = %.17g is not an integer "
					"between 2 and the %lld generated rows",
					(long long)i, v, (long long)n);
		(*out)[i] = (int64_t)v;
	}
	return 0;
}

/* One FID per size: Σᵢ (nᵢ·d² + 3·d³) multiply-adds, plus the real
 * set's fit (bounded by its size). */
int c_fid_inf(mcall *c, mcost *k, verr *err)
{
	input_val *y = IN(c, I_RF, fake);
	int64_t *sizes, cnt;

	if (y->t.ndim != 2)
		return 0; /* the library refuses the shape */
	if (bounds_dim(c->max_dim, y->t.shape[1], y->path, err) < 0)
		return -1;
	if (fid_inf_sizes(c, y->t.shape[0], &sizes, &cnt, err) < 0)
		return -1;
	double d = (double)y->t.shape[1], w = 0.0;
	for (int64_t i = 0; i < cnt; i++)
		w += (double)sizes[i] * d * d + 3.0 * d * d * d;
	k->work = w;
	k->path = P(c, P_FIDINF, points)->path;
	k->hint = "use fewer points or smaller sizes";
	return 0;
}

/* The real side as a Gaussian fit: rows, {mu, sigma}, a stream, or a
 * stored reference, whose covariance is rebuilt from its factor (each
 * subset's FID factors the subset's own). */
static int real_fit(mcall *c, input_val *iv, evald_gauss *g, verr *err)
{
	if (!iv->prep)
		return gen_side_fit(c, iv, g, err);
	int64_t d = iv->prep->d;
	double *s = pool_alloc(c->pool, (size_t)(d * d) * sizeof(double));
	if (!s)
		return verr_set(err, E_OUT_OF_MEMORY, iv->path,
				"out of memory");
	evald_fid_ref_sigma(iv->prep, s);
	*g = (evald_gauss){d, 0, iv->prep->mu, s};
	return 0;
}

int m_fid_inf(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_RF, real), *y = IN(c, I_RF, fake);
	const char *paths[2] = {y->path, x->path}; /* the library's order */
	int64_t *sizes, k;
	evald_gauss g;
	evald_fid_inf_result r;
	evald_err le;

	if (y->t.ndim != 2)
		return verr_set(err, E_SHAPE_MISMATCH, y->path,
				"fake must be a matrix [M, d] of embeddings");
	if (fid_inf_sizes(c, y->t.shape[0], &sizes, &k, err) < 0 ||
	    real_fit(c, x, &g, err) < 0)
		return -1;
	double *fids = pool_alloc(c->pool, (size_t)k * sizeof(double));
	double *pts = pool_alloc(c->pool, (size_t)k * 2 * sizeof(double));
	if (!fids || !pts)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (evald_fid_inf(&y->t, &g, sizes, k,
			  (uint64_t)P(c, P_FIDINF, seed)->i, &c->progress, fids,
			  &r, &le))
		return fail_param(c, &le, err, paths, P(c, P_FIDINF, sizes));
	for (int64_t i = 0; i < k; i++) {
		pts[2 * i] = (double)sizes[i];
		pts[2 * i + 1] = fids[i];
	}
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "slope", r.slope);
	int64_t shape[2] = {k, 2};
	mcall_put_array(c, res, "points", pts, 2, shape);
	if (r.same_sizes)
		mcall_warn(c, "every subset has the same size, so 1/n does not "
			      "vary: the slope is 0 and the value is the mean "
			      "FID (least squares' minimum-norm answer)");
	return 0;
}

/* ---------------------------------------------------------------- mifid */

/* FID, (N + M)·d² + 3·d³, plus the N x M cosine similarities. */
int c_mifid(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_RF, real), *y = IN(c, I_RF, fake);
	int ok;

	if (two_sets(c, x, y, &ok, err) < 0 || !ok)
		return ok ? -1 : 0;
	double n = (double)x->t.shape[0], m = (double)y->t.shape[0];
	double d = (double)x->t.shape[1];
	k->work = (n + m) * d * d + 3.0 * d * d * d + n * m * d;
	k->path = x->path;
	k->hint = "send fewer embeddings";
	return 0;
}

int m_mifid(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_RF, real), *y = IN(c, I_RF, fake);
	pval *eps = P(c, P_MIFID, cosine_distance_eps);
	const char *paths[2] = {x->path, y->path};
	evald_mifid_result r;
	evald_err le;

	if (evald_mifid(&x->t, &y->t, eps->num, &r, &le))
		return fail_param(c, &le, err, paths, eps);
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "fid", r.fid.value);
	mcall_put_number(c, res, "distance", r.distance);
	mcall_put_number(c, res, "penalty", r.penalty);
	if (r.dropped_real || r.dropped_fake)
		mcall_warn(
			c,
			"%lld real and %lld fake rows sum to 0 and were left "
			"out of the cosine distance, as torchmetrics does",
			(long long)r.dropped_real, (long long)r.dropped_fake);
	if (r.fid.value <= 1e-8)
		mcall_warn(c,
			   "FID is at most 1e-8, so MIFID is 0 (torchmetrics' "
			   "guard against dividing a vanishing FID)");
	return 0;
}

/* ------------------------------------------------------------------ mmd */

/* The pooled (n+m)² kernel matrix is held whole (--max-cells): its
 * distances cost (n+m)²·d, each permutation (n+m)²/2 additions. */
int c_mmd(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *perms = P(c, P_MMD, permutations);
	int ok;

	if (two_sets(c, x, y, &ok, err) < 0 || !ok)
		return ok ? -1 : 0;
	double p = (double)(x->t.shape[0] + y->t.shape[0]);
	if (cells_ok(c, p * p, "mmd", x->path, err) < 0)
		return -1;
	k->work = p * p * (double)x->t.shape[1] + (double)perms->i * p * p / 2;
	k->path = perms->path;
	k->hint = "use fewer permutations or send fewer embeddings";
	return 0;
}

int m_mmd(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *bw = P(c, P_MMD, bandwidth), *est = P(c, P_MMD, estimator);
	pval *perms = P(c, P_MMD, permutations);
	int cmmd = P(c, P_MMD, preset)->choice == MMD_PRESET_CMMD;
	const char *paths[2] = {x->path, y->path};
	evald_mmd_params p = {
		.bandwidth = bw->is_null ? NAN : bw->num,
		.estimator = (evald_mmd_estimator)est->choice,
		.scale = 1.0,
		.permutations = perms->i,
		.seed = (uint64_t)P(c, P_MMD, seed)->i,
	};
	evald_mmd_result r;
	evald_err le;

	if (cmmd) {
		/* google-research/cmmd distance.py: σ = 10, the biased
		 * (V-statistic) means, times 1000. */
		if (!bw->is_null && bw->num != 10.0)
			mcall_warn(c, "preset cmmd uses bandwidth 10; the "
				      "bandwidth given was ignored");
		p.bandwidth = 10.0;
		p.estimator = EVALD_MMD_BIASED;
		p.scale = 1000.0;
	}
	if (evald_mmd(&x->t, &y->t, &p, &c->progress, &r, &le))
		return fail_param(c, &le, err, paths, bw);
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "bandwidth", r.bandwidth);
	json_object_set_new(res, "estimator",
			    json_string(p.estimator == EVALD_MMD_BIASED
						? "biased"
						: "unbiased"));
	mcall_put_number(c, res, "scale", p.scale);
	if (perms->i > 0) {
		mcall_put_number(c, res, "p_value", r.p_value);
		put_int(res, "exceed", r.exceed);
	}
	return 0;
}

/* ---------------------------------------------------------------- vendi */

/* rbf: n²·d for the kernel, n³ for the eigenvalues, an n² matrix held
 * (--max-cells); cosine and linear: n·d·k + k³ with k = min(n, d). */
int c_vendi(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_X, x);

	if (x->t.ndim != 2)
		return 0;
	if (bounds_dim(c->max_dim, x->t.shape[1], x->path, err) < 0)
		return -1;
	double n = (double)x->t.shape[0], d = (double)x->t.shape[1];
	double o = P(c, P_VENDI, kernel)->choice == EVALD_VENDI_RBF || n <= d
			   ? n
			   : d;
	if (cells_ok(c, o * o, "vendi", x->path, err) < 0)
		return -1;
	k->work = n * d * o + o * o * o;
	k->path = x->path;
	k->hint = "send fewer embeddings";
	return 0;
}

int m_vendi(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_X, x);
	pval *kern = P(c, P_VENDI, kernel), *q = P(c, P_VENDI, q);
	const char *paths[1] = {x->path};
	evald_vendi_result r;
	evald_err le;

	if (evald_vendi(&x->t, (evald_vendi_kernel)kern->choice,
			P(c, P_VENDI, bandwidth)->num, q->num, &r, &le))
		return fail_param(c, &le, err, paths, q);
	mcall_put_number(c, res, "value", r.value);
	put_int(res, "order", r.order);
	put_int(res, "positive_eigenvalues", r.positive);
	return 0;
}
