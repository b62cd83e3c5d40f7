/* regscore.c - regression scores per output (see regscore.h): r2,
 * explained variance, MAPE, median and max absolute error, MSLE and the
 * pinball loss, written as scikit-learn 1.2 computes them so that the
 * undefined cases (constant y_true, one sample, zeros in y_true) give
 * sklearn's values. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/regscore.h>

#include "internal.h"

void evald_regscore_free(evald_regscore *r)
{
	if (!r)
		return;
	free(r->outputs);
	r->outputs = NULL;
}

/* [N] or [N,K] each, same N and K (a [N] is [N,1]); weight [N]. */
static int reg_shapes(const evald_tensor *yt, const evald_tensor *yp,
		      const evald_tensor *w, int64_t *n, int64_t *k,
		      evald_err *err)
{
	char a[64], b[64];
	const evald_tensor *t[2] = {yt, yp};
	int64_t kk[2];

	for (int i = 0; i < 2; i++) {
		if (t[i]->ndim != 1 && t[i]->ndim != 2)
			return evald_fail(err, EVALD_ESHAPE, i,
					  "%s must be [N] or [N, K] (K "
					  "outputs); got shape %s",
					  i ? "y_pred" : "y_true",
					  evald_shape_str(t[i], a, sizeof a));
		kk[i] = t[i]->ndim == 2 ? t[i]->shape[1] : 1;
	}
	if (yt->shape[0] != yp->shape[0] || kk[0] != kk[1])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred has shape %s but y_true has shape "
				  "%s; they need the same number of samples "
				  "and outputs",
				  evald_shape_str(yp, b, sizeof b),
				  evald_shape_str(yt, a, sizeof a));
	*n = yt->shape[0];
	*k = kk[0];
	if (*n < 1 || *k < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "y_true is empty (shape %s)",
				  evald_shape_str(yt, a, sizeof a));
	if (w && (w->ndim != 1 || w->shape[0] != *n))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight must be [N] with N = %lld, "
				  "one weight per sample; got shape %s",
				  (long long)*n,
				  evald_shape_str(w, a, sizeof a));
	return EVALD_OK;
}

/* Checks the inputs, allocates r->outputs and sets *wsum (N without
 * weights).  np.average refuses weights that sum to 0, so does this. */
static int reg_begin(const evald_tensor *yt, const evald_tensor *yp,
		     const evald_regopts *o, evald_regscore *r, int64_t *n,
		     double *wsum, evald_err *err)
{
	const evald_tensor *w = o->sample_weight;
	int rc;

	memset(r, 0, sizeof *r);
	rc = reg_shapes(yt, yp, w, n, &r->k, err);
	if (rc)
		return rc;
	*wsum = (double)*n;
	if (w) {
		*wsum = 0.0;
		for (int64_t i = 0; i < *n; i++)
			*wsum += w->data[i];
		if (*wsum == 0.0)
			return evald_fail(err, EVALD_EINVAL, 2,
					  "sample_weight sums to 0; the "
					  "weighted average is undefined "
					  "(sklearn raises ZeroDivisionError)");
	}
	r->outputs = evi_xalloc(r->k, sizeof(double));
	if (!r->outputs)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	return EVALD_OK;
}

static double wt(const evald_regopts *o, int64_t i)
{
	return o->sample_weight ? o->sample_weight->data[i] : 1.0;
}

/* The weighted mean over outputs, np.average(outputs, weights=aw). */
static double avg_outputs(const double *v, const double *aw, int64_t k)
{
	double s = 0.0, ws = 0.0;

	for (int64_t j = 0; j < k; j++) {
		s += v[j] * (aw ? aw[j] : 1.0);
		ws += aw ? aw[j] : 1.0;
	}
	return s / ws;
}

/* Per output: the mean of f(y_true, y_pred) weighted by sample_weight. */
typedef double (*elem_fn)(double t, double p, double arg);

static int reg_mean(const evald_tensor *yt, const evald_tensor *yp,
		    const evald_regopts *o, elem_fn f, double arg,
		    evald_regscore *r, evald_err *err)
{
	int64_t n;
	double wsum;
	int rc = reg_begin(yt, yp, o, r, &n, &wsum, err);

	if (rc)
		return rc;
	for (int64_t j = 0; j < r->k; j++) {
		double s = 0.0;
		for (int64_t i = 0; i < n; i++)
			s += wt(o, i) * f(yt->data[i * r->k + j],
					  yp->data[i * r->k + j], arg);
		r->outputs[j] = s / wsum;
	}
	r->value = avg_outputs(r->outputs, NULL, r->k);
	return EVALD_OK;
}

/* sklearn's _assemble_r2_explained_variance. */
static void assemble(evald_regscore *r, const double *num, const double *den,
		     const evald_regopts *o)
{
	int any_den = 0;

	for (int64_t j = 0; j < r->k; j++) {
		double v;
		if (!o->force_finite)
			v = 1.0 - num[j] / den[j];
		else if (num[j] == 0.0)
			v = 1.0;
		else
			v = den[j] != 0.0 ? 1.0 - num[j] / den[j] : 0.0;
		r->outputs[j] = v;
		r->constant += den[j] == 0.0;
		any_den |= den[j] != 0.0;
	}
	r->value = avg_outputs(
		r->outputs,
		o->multioutput == EVALD_MO_VARIANCE && any_den ? den : NULL,
		r->k);
}

/* Weighted column mean of y_true (or of y_true − y_pred with diff). */
static double col_mean(const evald_tensor *yt, const evald_tensor *yp,
		       const evald_regopts *o, int64_t n, int64_t k, int64_t j,
		       double wsum, int diff)
{
	double s = 0.0;

	for (int64_t i = 0; i < n; i++)
		s += wt(o, i) *
		     (yt->data[i * k + j] - (diff ? yp->data[i * k + j] : 0.0));
	return s / wsum;
}

/* r2 (ev = 0) or explained variance (ev = 1). */
static int r2_like(const evald_tensor *yt, const evald_tensor *yp,
		   const evald_regopts *o, int ev, evald_regscore *r,
		   evald_err *err)
{
	int64_t n, k;
	double wsum, *num = NULL, *den = NULL;
	int rc = reg_begin(yt, yp, o, r, &n, &wsum, err);

	if (rc)
		return rc;
	k = r->k;
	if (!ev && n < 2) {
		/* sklearn returns NaN (one number, whatever multioutput). */
		r->few_samples = 1;
		for (int64_t j = 0; j < k; j++)
			r->outputs[j] = NAN;
		r->value = NAN;
		return EVALD_OK;
	}
	num = evi_xalloc(k, sizeof(double));
	den = evi_xalloc(k, sizeof(double));
	if (!num || !den) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	for (int64_t j = 0; j < k; j++) {
		double mt = col_mean(yt, yp, o, n, k, j, wsum, 0);
		double md = ev ? col_mean(yt, yp, o, n, k, j, wsum, 1) : 0.0;
		double sn = 0.0, sd = 0.0;
		for (int64_t i = 0; i < n; i++) {
			double t = yt->data[i * k + j], p = yp->data[i * k + j];
			double e = t - p - md, c = t - mt;
			sn += wt(o, i) * e * e;
			sd += wt(o, i) * c * c;
		}
		/* explained_variance averages, r2 sums; the ratio is the
		 * same but the zero tests are on these numbers. */
		num[j] = ev ? sn / wsum : sn;
		den[j] = ev ? sd / wsum : sd;
	}
	assemble(r, num, den, o);
out:
	free(num);
	free(den);
	if (rc)
		evald_regscore_free(r);
	return rc;
}

int evald_r2_score(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_regopts *o, evald_regscore *r, evald_err *err)
{
	return r2_like(y_true, y_pred, o, 0, r, err);
}

int evald_explained_variance(const evald_tensor *y_true,
			     const evald_tensor *y_pred, const evald_regopts *o,
			     evald_regscore *r, evald_err *err)
{
	return r2_like(y_true, y_pred, o, 1, r, err);
}

static double ape(double t, double p, double arg)
{
	(void)arg;
	return fabs(p - t) / fmax(fabs(t), DBL_EPSILON);
}

int evald_mape(const evald_tensor *y_true, const evald_tensor *y_pred,
	       const evald_regopts *o, evald_regscore *r, evald_err *err)
{
	int rc = reg_mean(y_true, y_pred, o, ape, 0.0, r, err);

	if (rc)
		return rc;
	for (int64_t i = 0; i < y_true->size; i++)
		r->constant += fabs(y_true->data[i]) < DBL_EPSILON;
	return EVALD_OK;
}

static double sq_log(double t, double p, double arg)
{
	(void)arg;
	double d = log1p(t) - log1p(p);
	return d * d;
}

int evald_msle(const evald_tensor *y_true, const evald_tensor *y_pred,
	       const evald_regopts *o, evald_regscore *r, evald_err *err)
{
	const evald_tensor *t[2] = {y_true, y_pred};
	int rc;

	for (int a = 0; a < 2; a++)
		for (int64_t i = 0; i < t[a]->size; i++)
			if (t[a]->data[i] < 0.0)
				return evald_fail(
					err, EVALD_EINVAL, a,
					"%s has a negative value (%.17g at "
					"flat index %lld); the squared log "
					"error needs values >= 0",
					a ? "y_pred" : "y_true", t[a]->data[i],
					(long long)i);
	rc = reg_mean(y_true, y_pred, o, sq_log, 0.0, r, err);
	if (rc || o->squared)
		return rc;
	for (int64_t j = 0; j < r->k; j++)
		r->outputs[j] = sqrt(r->outputs[j]);
	r->value = avg_outputs(r->outputs, NULL, r->k);
	return EVALD_OK;
}

static double pinball(double t, double p, double alpha)
{
	double d = t - p, s = d >= 0.0 ? 1.0 : 0.0;
	return alpha * s * d - (1.0 - alpha) * (1.0 - s) * d;
}

int evald_pinball(const evald_tensor *y_true, const evald_tensor *y_pred,
		  const evald_regopts *o, evald_regscore *r, evald_err *err)
{
	return reg_mean(y_true, y_pred, o, pinball, o->alpha, r, err);
}

int evald_max_error(const evald_tensor *y_true, const evald_tensor *y_pred,
		    double *value, evald_err *err)
{
	int64_t n, k;
	int rc = reg_shapes(y_true, y_pred, NULL, &n, &k, err);

	if (rc)
		return rc;
	if (k != 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "max_error takes one output ([N] or [N, 1]); "
				  "y_true has %lld outputs (sklearn: "
				  "multioutput not supported)",
				  (long long)k);
	*value = 0.0;
	for (int64_t i = 0; i < n; i++)
		*value = fmax(*value, fabs(y_true->data[i] - y_pred->data[i]));
	return EVALD_OK;
}

typedef struct absw {
	double e, w;
} absw;

static int by_e(const void *a, const void *b)
{
	double u = ((const absw *)a)->e, v = ((const absw *)b)->e;
	return (u > v) - (u < v);
}

/* The median of sorted v[0..n) (np.median), or sklearn's lower weighted
 * percentile 50: the first value whose cumulative weight reaches half the
 * total (with a total of 0, the first whose weight is above 0: sklearn
 * nudges the target up to the smallest double). */
static double median_of(const absw *v, int64_t n, int weighted)
{
	if (!weighted)
		return n % 2 ? v[n / 2].e : (v[n / 2 - 1].e + v[n / 2].e) / 2.0;
	double total = 0.0, cdf = 0.0;
	for (int64_t i = 0; i < n; i++)
		total += v[i].w;
	double target = 0.5 * total;
	if (target == 0.0)
		target = nextafter(0.0, 1.0);
	for (int64_t i = 0; i < n; i++) {
		cdf += v[i].w;
		if (cdf >= target)
			return v[i].e;
	}
	return v[n - 1].e;
}

int evald_median_absolute_error(const evald_tensor *y_true,
				const evald_tensor *y_pred,
				const evald_regopts *o, evald_regscore *r,
				evald_err *err)
{
	const evald_tensor *w = o->sample_weight;
	int64_t n, k;
	absw *v = NULL;
	int rc;

	for (int64_t i = 0; w && i < w->size; i++)
		if (w->data[i] < 0.0)
			return evald_fail(err, EVALD_EINVAL, 2,
					  "sample_weight[%lld] is %.17g; the "
					  "weighted median needs weights >= 0",
					  (long long)i, w->data[i]);
	memset(r, 0, sizeof *r);
	rc = reg_shapes(y_true, y_pred, w, &n, &r->k, err);
	if (rc)
		return rc;
	k = r->k;
	r->outputs = evi_xalloc(k, sizeof(double));
	v = evi_xalloc(n, sizeof *v);
	if (!r->outputs || !v) {
		free(v);
		evald_regscore_free(r);
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	}
	for (int64_t j = 0; j < k; j++) {
		for (int64_t i = 0; i < n; i++) {
			v[i].e = fabs(y_pred->data[i * k + j] -
				      y_true->data[i * k + j]);
			v[i].w = wt(o, i);
		}
		qsort(v, (size_t)n, sizeof *v, by_e);
		r->outputs[j] = median_of(v, n, w != NULL);
	}
	free(v);
	r->value = avg_outputs(r->outputs, NULL, k);
	return EVALD_OK;
}
