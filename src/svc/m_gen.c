/* m_gen.c - metric functions of the generative family: fid, kid and
 * inception_score (adapters over fid.h, moments.h and gen.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/fid.h>
#include <evald/gen.h>
#include <evald/moments.h>

#include "bounds.h"
#include "metric_fns.h"

/* A count of rows as int64: statistics' n is checked to be an integer of
 * at most 2^53 when it arrives; anything else (a reference stored before
 * that check) is unknown, 0. */
static int64_t count_of(double n)
{
	return n > 0 && n <= BOUNDS_MAX_COUNT ? (int64_t)n : 0;
}

/* One side of FID as a Gaussian fit: the given {mu, sigma} after checks,
 * or the mean and covariance of the embeddings (in the request's pool).
 * Also fid_inf's real side (m_gen2.c). */
int gen_side_fit(mcall *c, input_val *iv, evald_gauss *g, verr *err)
{
	evald_err le;
	char pm[80], ps[80];
	const char *paths[2] = {pm, ps};

	if (iv->is_stats) {
		snprintf(pm, sizeof pm, "%s/mu", iv->path);
		snprintf(ps, sizeof ps, "%s/sigma", iv->path);
		if (evald_fid_check_gauss(&iv->mu, &iv->sigma, &le))
			return mcall_lib_error(c, &le, err, paths);
		g->d = iv->mu.shape[0];
		g->n = count_of(iv->n);
		g->mu = iv->mu.data;
		g->sigma = iv->sigma.data;
		return 0;
	}
	/* Embeddings stream into an accumulator: a packed float32 set is
	 * never widened whole (bounded memory for any N).  Its comoment
	 * becomes the covariance in place and joins the request's pool. */
	evald_moments m;
	if (mcall_set_moments(c, iv, &m, err) < 0)
		return -1;
	paths[0] = iv->path;
	if (evald_moments_cov(&m, m.comoment, &le)) {
		evald_moments_free(&m);
		return mcall_lib_error(c, &le, err, paths);
	}
	if (pool_adopt(c->pool, m.mean) < 0) {
		evald_moments_free(&m);
		return verr_set(err, E_OUT_OF_MEMORY, iv->path,
				"out of memory");
	}
	if (pool_adopt(c->pool, m.comoment) < 0) {
		free(m.comoment);
		return verr_set(err, E_OUT_OF_MEMORY, iv->path,
				"out of memory");
	}
	g->d = m.d;
	g->n = m.n;
	g->mu = m.mean;
	g->sigma = m.comoment;
	return 0;
}

/* A known count is an integer; null says the statistics did not carry
 * one. */
static void put_count(json_t *res, const char *key, int64_t n)
{
	json_object_set_new(res, key,
			    n > 0 ? json_integer((json_int_t)n) : json_null());
}

static void fid_warnings(mcall *c, const evald_fid_result *r, int64_t d)
{
	if (r->flags & (EVALD_FID_ZERO_X | EVALD_FID_ZERO_Y))
		mcall_warn(c,
			   "the covariance of %s is zero (all its rows are "
			   "equal), so tr sqrt(Sx Sy) is 0",
			   (r->flags & EVALD_FID_ZERO_X) ? "x" : "y");
	if ((r->flags & EVALD_FID_EIGEN) &&
	    (~r->flags & (EVALD_FID_SINGULAR_X | EVALD_FID_SINGULAR_Y)))
		mcall_warn(c,
			   "the covariance of the stored reference %s is "
			   "numerically singular; tr sqrt(Sx Sy) was computed "
			   "from its eigendecomposition, whose numerical rank "
			   "is %lld of %lld",
			   (r->flags & EVALD_FID_SINGULAR_X) ? "x" : "y",
			   (long long)r->rank, (long long)d);
	else if (r->flags & EVALD_FID_EIGEN)
		mcall_warn(c,
			   "both covariances are numerically singular (fewer "
			   "rows than dimensions, duplicated rows or constant "
			   "features); tr sqrt(Sx Sy) was computed from the "
			   "eigendecomposition of Sx, whose numerical rank is "
			   "%lld of %lld",
			   (long long)r->rank, (long long)d);
	else if (r->flags & EVALD_FID_SINGULAR_X)
		mcall_warn(c, "the covariance of x is numerically singular "
			      "(fewer rows than dimensions, duplicated rows or "
			      "constant features); tr sqrt(Sx Sy) was computed "
			      "through the Cholesky factor of y's covariance "
			      "instead");
	if (r->zeroed > 0)
		mcall_warn(c,
			   "%lld of the %lld eigenvalues of Sx Sy are at "
			   "rounding level (|lambda| <= %.3g) and count as 0: "
			   "a covariance is singular",
			   (long long)r->zeroed, (long long)d, r->tau);
	if (r->flags & EVALD_FID_NOT_PSD)
		mcall_warn(c,
			   "a covariance is not positive semidefinite: "
			   "eigenvalue %.6g (below -%.3g) was treated as 0; "
			   "check the sigma you sent",
			   r->min_eig, r->tau);
}

/* FID with a stored reference on one side (x's when both are): its
 * prepared factor does the work, and the other side's covariance is only
 * transformed.  When both sides are references, the other's covariance
 * is rebuilt from its factor. */
static int fid_against_ref(mcall *c, input_val *x, input_val *y,
			   evald_gauss *gx, evald_gauss *gy,
			   evald_fid_result *r, verr *err)
{
	int ref_is_y = x->prep == NULL;
	input_val *ri = ref_is_y ? y : x, *oi = ref_is_y ? x : y;
	evald_gauss *gr = ref_is_y ? gy : gx, *go = ref_is_y ? gx : gy;
	const char *paths[2] = {x->path, y->path};
	double *so = NULL;
	evald_err le;

	gr->d = ri->prep->d;
	gr->n = count_of(ri->n);
	gr->mu = ri->prep->mu;
	gr->sigma = NULL;
	if (oi->prep) {
		int64_t d = oi->prep->d;
		so = pool_alloc(c->pool, (size_t)(d * d) * sizeof(double));
		if (!so)
			return verr_set(err, E_OUT_OF_MEMORY, oi->path,
					"out of memory");
		evald_fid_ref_sigma(oi->prep, so);
		*go = (evald_gauss){d, count_of(oi->n), oi->prep->mu, so};
	} else {
		if (gen_side_fit(c, oi, go, err))
			return -1;
		/* Given {mu, sigma} may be shared with other metrics of an
		 * /v1/evaluate call: those are copied. */
		if (!oi->is_stats)
			so = (double *)go->sigma;
	}
	if (evald_fid_with_ref(ri->prep, ref_is_y, go, so, r, &le))
		return mcall_lib_error(c, &le, err, paths);
	return 0;
}

int m_fid(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *boot = P(c, P_FID, bootstrap), *seed = P(c, P_FID, seed);
	const char *paths[2] = {x->path, y->path};
	evald_gauss gx, gy;
	evald_fid_result r;
	evald_err le;
	int rc;

	if (boot->i > 0 && (x->is_stats || y->is_stats))
		return verr_set(err, E_INVALID_VALUE, boot->path,
				"bootstrap resamples embeddings, but %s was "
				"given as statistics {mu, sigma}",
				x->is_stats ? "x" : "y");
	if (boot->i > 0) {
		/* Resampling needs the rows themselves. */
		if (mcall_set_tensor(c, x, err) || mcall_set_tensor(c, y, err))
			return -1;
		rc = evald_fid_bootstrap(&x->t, &y->t, boot->i,
					 (uint64_t)seed->i, &c->progress, &r,
					 &le);
		if (rc)
			return mcall_lib_error(c, &le, err, paths);
		gx.n = x->t.shape[0];
		gy.n = y->t.shape[0];
		gx.d = x->t.shape[1];
	} else if (x->prep || y->prep) {
		if (fid_against_ref(c, x, y, &gx, &gy, &r, err) < 0)
			return -1;
	} else {
		if (gen_side_fit(c, x, &gx, err) ||
		    gen_side_fit(c, y, &gy, err))
			return -1;
		/* Covariances computed here are this request's own: the FID
		 * may work in them instead of copies.  Given {mu, sigma} may
		 * be shared with other metrics of an /v1/evaluate call. */
		if (!x->is_stats && !y->is_stats)
			rc = evald_fid_gauss_inplace(
				&gx, &gy, (double *)gx.sigma,
				(double *)gy.sigma, &r, &le);
		else
			rc = evald_fid_gauss(&gx, &gy, &r, &le);
		if (rc)
			return mcall_lib_error(c, &le, err, paths);
	}
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "mean_term", r.mean_term);
	mcall_put_number(c, res, "trace_term", r.trace_term);
	put_count(res, "n_x", gx.n);
	put_count(res, "n_y", gy.n);
	json_object_set_new(res, "d", json_integer((json_int_t)gx.d));
	if (r.bootstrap > 0) {
		double ci[2] = {r.ci_lo, r.ci_hi};
		double pct[2] = {r.pct_lo, r.pct_hi};
		int64_t two = 2;
		mcall_put_array(c, res, "ci95", ci, 1, &two);
		/* Named, so a gate reading ci95 knows what it reads. */
		json_object_set_new(res, "ci_method",
				    json_string("recentred_percentile"));
		mcall_put_array(c, res, "ci95_percentile", pct, 1, &two);
		mcall_put_number(c, res, "bootstrap_median", r.median);
		mcall_put_number(c, res, "std", r.std);
	}
	fid_warnings(c, &r, gx.d);
	return 0;
}

/* FID's statistics are at most --max-dim wide (embeddings are checked as
 * they are read, references when they are resolved).  A bootstrap redoes
 * both fits and the distance once per resample, (B + 1)·((N + M)·d² +
 * 3·d³) multiply-adds; without one the work is bounded by --max-dim and
 * the decoded inputs. */
int c_fid(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	input_val *side[2] = {x, y};
	pval *boot = P(c, P_FID, bootstrap);
	char p[80];

	for (int i = 0; i < 2; i++) {
		if (!side[i]->is_stats || side[i]->mu.ndim != 1)
			continue;
		snprintf(p, sizeof p, "%s/mu", side[i]->path);
		if (bounds_dim(c->max_dim, side[i]->mu.shape[0], p, err) < 0)
			return -1;
	}
	/* m_fid refuses a bootstrap of statistics. */
	if (boot->i <= 0 || x->is_stats || y->is_stats)
		return 0;
	/* Resampling needs the rows whole: decoded now rather than in
	 * m_fid, so that their shapes are known. */
	if (mcall_set_tensor(c, x, err) < 0 || mcall_set_tensor(c, y, err) < 0)
		return -1;
	if (x->t.ndim != 2 || y->t.ndim != 2)
		return 0; /* the library refuses the shapes */
	double n = (double)(x->t.shape[0] + y->t.shape[0]);
	double d = (double)x->t.shape[1];
	k->work = (double)(boot->i + 1) * (n * d * d + 3 * d * d * d);
	k->path = boot->path;
	k->hint = "use fewer bootstrap resamples";
	return 0;
}

/* KID sums, per subset, three m x m kernel matrices of d-long dot
 * products (K_xx, K_yy, K_xy; m = subset_size capped at the smaller set):
 * 3·subsets·m²·d multiply-adds, an upper estimate since K_xx and K_yy
 * are only half computed. */
int c_kid(mcall *c, mcost *k, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *subsets = P(c, P_KID, subsets);

	if (x->t.ndim != 2 || y->t.ndim != 2)
		return 0; /* the library refuses the shapes */
	if (bounds_dim(c->max_dim, x->t.shape[1], x->path, err) < 0 ||
	    bounds_dim(c->max_dim, y->t.shape[1], y->path, err) < 0)
		return -1;
	double m = (double)P(c, P_KID, subset_size)->i;
	if (m > (double)x->t.shape[0])
		m = (double)x->t.shape[0];
	if (m > (double)y->t.shape[0])
		m = (double)y->t.shape[0];
	k->work = 3.0 * (double)subsets->i * m * m * (double)x->t.shape[1];
	k->path = subsets->path;
	k->hint = "use fewer subsets or a smaller subset_size";
	return 0;
}

/* A libevald failure about no single input is about a parameter here. */
static int lib_error_param(mcall *c, const evald_err *le, verr *err,
			   const char *const *paths, const pval *param)
{
	if (le->input < 0 && le->code == EVALD_EINVAL)
		return verr_from_lib(err, le, param->path);
	return mcall_lib_error(c, le, err, paths);
}

int m_kid(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *gamma = P(c, P_KID, gamma), *size = P(c, P_KID, subset_size);
	const char *paths[2] = {x->path, y->path};
	evald_kid_params p = {
		.subsets = P(c, P_KID, subsets)->i,
		.subset_size = size->i,
		.degree = (int)P(c, P_KID, degree)->i,
		.gamma = gamma->is_null ? NAN : gamma->num,
		.coef0 = P(c, P_KID, coef0)->num,
		.seed = (uint64_t)P(c, P_KID, seed)->i,
	};
	evald_kid_result r;
	evald_err le;

	if (evald_kid(&x->t, &y->t, &p, &c->progress, &r, &le))
		return lib_error_param(c, &le, err, paths,
				       P(c, P_KID, subset_size));
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "std", r.std);
	json_object_set_new(res, "subset_size",
			    json_integer((json_int_t)r.subset_size));
	mcall_put_number(c, res, "gamma", r.gamma);
	json_object_set_new(res, "n_x",
			    json_integer((json_int_t)x->t.shape[0]));
	json_object_set_new(res, "n_y",
			    json_integer((json_int_t)y->t.shape[0]));
	if (r.subset_size < size->i)
		mcall_warn(c,
			   "subset_size %lld is larger than the smaller set; "
			   "subsets of %lld rows were used",
			   (long long)size->i, (long long)r.subset_size);
	return 0;
}

int m_inception_score(mcall *c, json_t *res, verr *err)
{
	input_val *pr = IN(c, I_IS, probs);
	const char *paths[1] = {pr->path};
	evald_is_result r;
	evald_err le;

	if (evald_inception_score(&pr->t, P(c, P_IS, splits)->i, &r, &le))
		return lib_error_param(c, &le, err, paths, P(c, P_IS, splits));
	mcall_put_number(c, res, "value", r.value);
	mcall_put_number(c, res, "std", r.std);
	return 0;
}
