/* m_regr.c - metric functions of the regression family: r2,
 * explained_variance, mape, median_absolute_error, max_error, msle,
 * pinball (regscore.h) and pearson, spearman, kendall (corr.h). */
#include <math.h>

#include <evald/corr.h>
#include <evald/regscore.h>

#include "metric_fns.h"

typedef int (*reg_fn)(const evald_tensor *, const evald_tensor *,
		      const evald_regopts *, evald_regscore *, evald_err *);

/* "values" per output for raw_values, else "value". */
static int put_reg(mcall *c, json_t *res, evald_regscore *r,
		   evald_multioutput mo)
{
	int rc = mo == EVALD_MO_RAW
			 ? mcall_put_array(c, res, "values", r->outputs, 1,
					   &r->k)
			 : mcall_put_number(c, res, "value", r->value);
	evald_regscore_free(r);
	return rc;
}

/* Runs f on y_true, y_pred, sample_weight; every regression row's params
 * start with multioutput (P_MO). */
static int run_reg(mcall *c, json_t *res, verr *err, reg_fn f, evald_regopts *o,
		   evald_regscore *r)
{
	input_val *yt = IN(c, I_REG, y_true), *yp = IN(c, I_REG, y_pred);
	input_val *w = IN(c, I_REG, sample_weight);
	const char *paths[3] = {yt->path, yp->path, w->path};
	evald_err le;

	(void)res;
	o->sample_weight = mcall_opt(w);
	o->multioutput = (evald_multioutput)P(c, P_MO, multioutput)->choice;
	if (f(&yt->t, &yp->t, o, r, &le))
		return mcall_lib_error(c, &le, err, paths);
	return 0;
}

static int r2_like(mcall *c, json_t *res, verr *err, reg_fn f)
{
	evald_regopts o = {.force_finite = P(c, P_R2, force_finite)->b};
	evald_regscore r;

	if (run_reg(c, res, err, f, &o, &r))
		return -1;
	if (r.few_samples)
		mcall_warn(c, "R² is not defined for fewer than two samples; "
			      "sklearn returns NaN, reported as null");
	else if (r.constant && o.force_finite)
		mcall_warn(c,
			   "%lld of %lld outputs have a constant y_true; "
			   "force_finite scores them 1 when predicted "
			   "exactly, else 0, as sklearn does",
			   (long long)r.constant, (long long)r.k);
	else if (r.constant)
		mcall_warn(c,
			   "%lld of %lld outputs have a constant y_true; "
			   "their score is undefined (NaN or -inf, as in "
			   "sklearn with force_finite=false)",
			   (long long)r.constant, (long long)r.k);
	return put_reg(c, res, &r, o.multioutput);
}

int m_r2(mcall *c, json_t *res, verr *err)
{
	return r2_like(c, res, err, evald_r2_score);
}

int m_explained_variance(mcall *c, json_t *res, verr *err)
{
	return r2_like(c, res, err, evald_explained_variance);
}

int m_mape(mcall *c, json_t *res, verr *err)
{
	evald_regopts o = {0};
	evald_regscore r;

	if (run_reg(c, res, err, evald_mape, &o, &r))
		return -1;
	if (r.constant)
		mcall_warn(c,
			   "y_true has %lld values of magnitude below machine "
			   "epsilon; their errors are divided by epsilon "
			   "(2.2e-16), as sklearn does, and dominate the mean",
			   (long long)r.constant);
	return put_reg(c, res, &r, o.multioutput);
}

int m_median_absolute_error(mcall *c, json_t *res, verr *err)
{
	evald_regopts o = {0};
	evald_regscore r;

	if (run_reg(c, res, err, evald_median_absolute_error, &o, &r))
		return -1;
	return put_reg(c, res, &r, o.multioutput);
}

int m_msle(mcall *c, json_t *res, verr *err)
{
	evald_regopts o = {.squared = P(c, P_MSLE, squared)->b};
	evald_regscore r;

	if (run_reg(c, res, err, evald_msle, &o, &r))
		return -1;
	return put_reg(c, res, &r, o.multioutput);
}

int m_pinball(mcall *c, json_t *res, verr *err)
{
	evald_regopts o = {.alpha = P(c, P_PINBALL, alpha)->num};
	evald_regscore r;

	if (run_reg(c, res, err, evald_pinball, &o, &r))
		return -1;
	return put_reg(c, res, &r, o.multioutput);
}

int m_max_error(mcall *c, json_t *res, verr *err)
{
	input_val *yt = IN(c, I_REG2, y_true), *yp = IN(c, I_REG2, y_pred);
	const char *paths[2] = {yt->path, yp->path};
	evald_err le;
	double v;

	if (evald_max_error(&yt->t, &yp->t, &v, &le))
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", v);
}

/* value (the statistic) and pvalue, with a warning where SciPy's is
 * NaN. */
static int put_corr(mcall *c, json_t *res, const evald_corr *r,
		    const char *what)
{
	if (r->undefined == EVALD_CORR_CONSTANT)
		mcall_warn(c,
			   "an input is constant; %s is not defined (SciPy "
			   "returns NaN), reported as null",
			   what);
	else if (r->undefined == EVALD_CORR_TOO_FEW)
		mcall_warn(c,
			   "too few samples for %s%s (SciPy returns NaN), "
			   "reported as null",
			   isnan(r->statistic) ? "" : "the p-value of ", what);
	mcall_put_number(c, res, "value", r->statistic);
	return mcall_put_number(c, res, "pvalue", r->pvalue);
}

typedef int (*corr_fn)(const evald_tensor *, const evald_tensor *, evald_corr *,
		       evald_err *);

static int run_corr(mcall *c, json_t *res, verr *err, corr_fn f,
		    const char *what)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	const char *paths[2] = {x->path, y->path};
	evald_corr r;
	evald_err le;

	if (f(&x->t, &y->t, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	return put_corr(c, res, &r, what);
}

int m_pearson(mcall *c, json_t *res, verr *err)
{
	return run_corr(c, res, err, evald_pearson, "Pearson's r");
}

int m_spearman(mcall *c, json_t *res, verr *err)
{
	return run_corr(c, res, err, evald_spearman, "Spearman's rho");
}

int m_kendall(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	pval *method = P(c, P_KENDALL, method);
	const char *paths[2] = {x->path, y->path};
	evald_corr r;
	evald_err le;

	if (evald_kendall(&x->t, &y->t,
			  (evald_tau_variant)P(c, P_KENDALL, variant)->choice,
			  (evald_pvalue_method)method->choice, &r, &le)) {
		/* ties with exact, or exact too costly: about method */
		if (le.input < 0 && le.code != EVALD_ENOMEM)
			return verr_from_lib(err, &le, method->path);
		return mcall_lib_error(c, &le, err, paths);
	}
	if (!isnan(r.statistic))
		json_object_set_new(
			res, "pvalue_method",
			json_string(r.exact ? "exact" : "asymptotic"));
	return put_corr(c, res, &r, "Kendall's tau");
}
