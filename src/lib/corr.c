/* corr.c - Pearson, Spearman and Kendall correlation with their p-values
 * (see corr.h), following scipy.stats 1.10 step by step: the same NaN
 * cases, the same clipping, Kendall's ties counted as SciPy counts them
 * and its exact null distribution by the same recurrence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/corr.h>

#include "internal.h"
#include "specfun.h"

static int corr_shapes(const evald_tensor *x, const evald_tensor *y,
		       evald_err *err)
{
	char a[64], b[64];

	if (x->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "x must be 1-D [N]; got shape %s",
				  evald_shape_str(x, a, sizeof a));
	if (y->ndim != 1 || y->shape[0] != x->shape[0])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y must be 1-D with the length of x %s; got "
				  "shape %s",
				  evald_shape_str(x, a, sizeof a),
				  evald_shape_str(y, b, sizeof b));
	return EVALD_OK;
}

static int is_constant(const double *v, int64_t n)
{
	for (int64_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

/* r of two series, clipped to [-1, 1] as SciPy does. */
static double pearson_r(const double *x, const double *y, int64_t n)
{
	double mx = 0.0, my = 0.0, sxy = 0.0, sxx = 0.0, syy = 0.0;

	for (int64_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (int64_t i = 0; i < n; i++) {
		double a = x[i] - mx, b = y[i] - my;
		sxy += a * b;
		sxx += a * a;
		syy += b * b;
	}
	double r = sxy / (sqrt(sxx) * sqrt(syy));
	return fmax(fmin(r, 1.0), -1.0);
}

static void set_undef(evald_corr *r, evald_corr_undef why)
{
	r->statistic = NAN;
	r->pvalue = NAN;
	r->undefined = why;
}

int evald_pearson(const evald_tensor *x, const evald_tensor *y, evald_corr *r,
		  evald_err *err)
{
	int64_t n;
	int rc;

	memset(r, 0, sizeof *r);
	rc = corr_shapes(x, y, err);
	if (rc)
		return rc;
	n = x->shape[0];
	if (n < 2)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "x and y must have length at least 2; got "
				  "%lld",
				  (long long)n);
	if (is_constant(x->data, n) || is_constant(y->data, n)) {
		set_undef(r, EVALD_CORR_CONSTANT);
		return EVALD_OK;
	}
	if (n == 2) {
		double sx = x->data[1] > x->data[0] ? 1.0 : -1.0;
		double sy = y->data[1] > y->data[0] ? 1.0 : -1.0;
		r->statistic = sx * sy;
		r->pvalue = 1.0;
		return EVALD_OK;
	}
	r->statistic = pearson_r(x->data, y->data, n);
	/* r ~ Beta(n/2 − 1, n/2 − 1) on [-1, 1]; two-sided tail. */
	double ab = (double)n / 2.0 - 1.0;
	r->pvalue = 2.0 * evi_betainc(ab, ab, (1.0 - fabs(r->statistic)) / 2.0);
	return EVALD_OK;
}

typedef struct ival {
	double v;
	int64_t i;
} ival;

static int by_v(const void *a, const void *b)
{
	const ival *u = a, *w = b;
	if (u->v != w->v)
		return (u->v > w->v) - (u->v < w->v);
	return (u->i > w->i) - (u->i < w->i);
}

/* Average ranks (1-based) of v into out, as scipy.stats.rankdata. */
static void rank_average(const double *v, int64_t n, ival *tmp, double *out)
{
	for (int64_t i = 0; i < n; i++) {
		tmp[i].v = v[i];
		tmp[i].i = i;
	}
	qsort(tmp, (size_t)n, sizeof *tmp, by_v);
	for (int64_t s = 0; s < n;) {
		int64_t e = s + 1;
		while (e < n && tmp[e].v == tmp[s].v)
			e++;
		double rank = (double)(s + 1 + e) / 2.0;
		for (int64_t j = s; j < e; j++)
			out[tmp[j].i] = rank;
		s = e;
	}
}

int evald_spearman(const evald_tensor *x, const evald_tensor *y, evald_corr *r,
		   evald_err *err)
{
	int64_t n;
	ival *tmp = NULL;
	double *rx = NULL, *ry = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = corr_shapes(x, y, err);
	if (rc)
		return rc;
	n = x->shape[0];
	if (n <= 1) {
		set_undef(r, EVALD_CORR_TOO_FEW);
		return EVALD_OK;
	}
	if (is_constant(x->data, n) || is_constant(y->data, n)) {
		set_undef(r, EVALD_CORR_CONSTANT);
		return EVALD_OK;
	}
	tmp = evi_xalloc(n, sizeof *tmp);
	rx = evi_xalloc(n, sizeof *rx);
	ry = evi_xalloc(n, sizeof *ry);
	if (!tmp || !rx || !ry) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	rank_average(x->data, n, tmp, rx);
	rank_average(y->data, n, tmp, ry);
	double rs = pearson_r(rx, ry, n), dof = (double)n - 2.0;
	r->statistic = rs;
	/* SciPy: t = rs·sqrt(dof / ((rs+1)(1−rs))) clipped at 0, where a
	 * 0/0 (N = 2) stays NaN and x/0 becomes inf (p = 0). */
	double q = dof / ((rs + 1.0) * (1.0 - rs));
	if (!isnan(q) && q < 0.0)
		q = 0.0;
	double t = rs * sqrt(q);
	r->pvalue = 2.0 * evi_t_sf(fabs(t), dof);
	if (isnan(r->pvalue))
		r->undefined = EVALD_CORR_TOO_FEW;
out:
	free(tmp);
	free(rx);
	free(ry);
	return rc;
}
