/* m_drift.c - metric functions of the drift family: two-sample tests with
 * p-values (twosample.h) and drift distances between a reference x and a
 * current sample y (drift.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/drift.h>
#include <evald/twosample.h>

#include "metric_fns.h"

/* A 1-D sample's values: [n] (a bare number is one value). */
static int sample_of(input_val *iv, const char *name, const double **v,
		     int64_t *n, verr *err)
{
	if (iv->t.ndim > 1)
		return verr_set(err, E_SHAPE_MISMATCH, iv->path,
				"%s must be a 1-D sample [n]; got %d "
				"dimensions",
				name, iv->t.ndim);
	*v = iv->t.data;
	*n = iv->t.size;
	return 0;
}

static const char *method_name(evald_test_method m)
{
	return m == EVALD_TEST_EXACT ? "exact" : "asymptotic";
}

/* statistic, pvalue, and "value" (the statistic, so a test can be
 * recorded as a series like any metric). */
static int put_test(mcall *c, json_t *res, double stat, double p)
{
	if (mcall_put_number(c, res, "value", stat) < 0 ||
	    mcall_put_number(c, res, "statistic", stat) < 0)
		return -1;
	return mcall_put_number(c, res, "pvalue", p);
}

static void warn_fallback(mcall *c, const evald_test_result *r, int64_t n,
			  int64_t m)
{
	if (r->fell_back == 1)
		mcall_warn(c,
			   "exact ks_2samp calculation not possible with "
			   "sample sizes %lld and %lld; switched to asymp, "
			   "as SciPy does",
			   (long long)n, (long long)m);
	else if (r->fell_back == 2)
		mcall_warn(c, "ks_2samp: exact calculation unsuccessful "
			      "(float64 overflow); switched to asymp, as "
			      "SciPy does");
}

int m_ks_2samp(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	const char *const paths[] = {x->path, y->path};
	evald_test_result r;
	evald_err le = {0};
	const double *a = NULL, *b = NULL;
	int64_t n = 0, m = 0;

	if (sample_of(x, "x", &a, &n, err) || sample_of(y, "y", &b, &m, err))
		return -1;
	if (evald_ks_2samp(a, n, b, m, P(c, P_KS, alternative)->choice,
			   P(c, P_KS, method)->choice, &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	warn_fallback(c, &r, n, m);
	if (isnan(r.pvalue))
		mcall_warn(c, "the asymptotic two-sided p-value needs "
			      "round(n*m/(n+m)) >= 1; SciPy answers NaN");
	json_object_set_new(
		res, "method",
		json_string(r.method == EVALD_TEST_EXACT ? "exact" : "asymp"));
	json_object_set_new(res, "statistic_sign", json_integer(r.sign));
	mcall_put_number(c, res, "statistic_location", r.location);
	return put_test(c, res, r.statistic, r.pvalue);
}

int m_mannwhitneyu(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	const char *const paths[] = {x->path, y->path};
	evald_test_result r;
	evald_err le = {0};
	const double *a = NULL, *b = NULL;
	int64_t n = 0, m = 0;

	if (sample_of(x, "x", &a, &n, err) || sample_of(y, "y", &b, &m, err))
		return -1;
	if (evald_mannwhitneyu(a, n, b, m, P(c, P_MWU, use_continuity)->b,
			       P(c, P_MWU, alternative)->choice,
			       P(c, P_MWU, method)->choice, &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	if (isnan(r.pvalue))
		mcall_warn(c, "all values are tied, so the normal "
			      "approximation has no variance; SciPy answers "
			      "NaN");
	json_object_set_new(res, "method", json_string(method_name(r.method)));
	return put_test(c, res, r.statistic, r.pvalue);
}

int m_cramervonmises_2samp(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	const char *const paths[] = {x->path, y->path};
	evald_test_result r;
	evald_err le = {0};
	const double *a = NULL, *b = NULL;
	int64_t n = 0, m = 0;

	if (sample_of(x, "x", &a, &n, err) || sample_of(y, "y", &b, &m, err))
		return -1;
	if (evald_cramervonmises_2samp(a, n, b, m, P(c, P_CVM, method)->choice,
				       &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	json_object_set_new(res, "method", json_string(method_name(r.method)));
	return put_test(c, res, r.statistic, r.pvalue);
}

int m_anderson_ksamp(mcall *c, json_t *res, verr *err)
{
	input_val *s = IN(c, I_SAMPLES, samples);
	const char *const paths[] = {s->path};
	double stat, crit[7], p;
	int capped;
	evald_err le = {0};
	int k = s->nlist;
	const double **v = pool_calloc(c->pool, (size_t)k, sizeof *v);
	int64_t *n = pool_calloc(c->pool, (size_t)k, sizeof *n);

	if (!v || !n)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int i = 0; i < k; i++) {
		if (s->list[i].ndim > 1)
			return verr_set(err, E_SHAPE_MISMATCH, s->path,
					"samples[%d] must be a 1-D sample; got "
					"%d dimensions",
					i, s->list[i].ndim);
		v[i] = s->list[i].data;
		n[i] = s->list[i].size;
	}
	if (evald_anderson_ksamp(v, n, k, P(c, P_AD, midrank)->b, &stat, crit,
				 &p, &capped, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	if (isnan(stat))
		mcall_warn(c, "with 3 observations in all the statistic's "
			      "variance is undefined; SciPy answers NaN");
	if (capped > 0)
		mcall_warn(c, "p-value capped: true value larger than 0.25");
	else if (capped < 0)
		mcall_warn(c, "p-value floored: true value smaller than 0.001");
	int64_t seven = 7;
	if (mcall_put_array(c, res, "critical_values", crit, 1, &seven) < 0)
		return -1;
	return put_test(c, res, stat, p);
}

int m_chi2_contingency(mcall *c, json_t *res, verr *err)
{
	input_val *o = IN(c, I_TABLE, observed);
	const char *const paths[] = {o->path};
	evald_chi2_result r;
	evald_err le = {0};

	if (o->t.ndim != 2)
		return verr_set(err, E_SHAPE_MISMATCH, o->path,
				"observed must be a table [r, c] of counts; "
				"got %d dimensions",
				o->t.ndim);
	if (evald_chi2_contingency(o->t.data, o->t.shape[0], o->t.shape[1],
				   P(c, P_CHI2, correction)->b,
				   P(c, P_CHI2, lambda_)->choice, &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	if (isnan(r.statistic))
		mcall_warn(c, "observed has a zero count, where this lambda_ "
			      "divides by it; SciPy answers NaN");
	json_object_set_new(res, "dof", json_integer(r.dof));
	int rc = mcall_put_array(c, res, "expected_freq", r.expected, 2,
				 o->t.shape);
	evald_chi2_result_free(&r);
	return rc < 0 ? -1 : put_test(c, res, r.statistic, r.pvalue);
}

/* ------------------------------------------------------------ distances */

/* The two share vectors of a binned distance: from raw samples x and y
 * (binned by evald_drift_bin) or from x_counts and y_counts (normalised),
 * never both.  The vectors live in the request's pool. */
static int binned_shares(mcall *c, double **r, double **s, int64_t *k,
			 verr *err)
{
	input_val *x = IN(c, I_BINNED, x), *y = IN(c, I_BINNED, y);
	input_val *xc = IN(c, I_BINNED, x_counts),
		  *yc = IN(c, I_BINNED, y_counts);
	evald_err le = {0};
	int raw = x->present || y->present;

	if (raw == (xc->present || yc->present))
		return verr_set(err, E_MISSING_INPUT, "/inputs",
				"give either raw samples x and y, or binned "
				"counts x_counts and y_counts (not both)");
	if (raw) {
		const char *const paths[] = {x->path, y->path};
		const double *a = NULL, *b = NULL;
		int64_t n = 0, m = 0;
		pval *bins = P(c, P_BINNED, bins);
		double *ra, *sa;
		if (!x->present || !y->present)
			return verr_set(err, E_MISSING_INPUT,
					x->present ? y->path : x->path,
					"both x (reference) and y (current) "
					"are needed");
		if (sample_of(x, "x", &a, &n, err) ||
		    sample_of(y, "y", &b, &m, err))
			return -1;
		if (evald_drift_bin(a, n, b, m, P(c, P_BINNED, categorical)->b,
				    P(c, P_BINNED, binning)->choice,
				    bins->is_null ? 0 : bins->i, &ra, &sa, k,
				    &le) < 0)
			return mcall_lib_error(c, &le, err, paths);
		*r = pool_alloc(c->pool, sizeof(double) * (size_t)*k);
		*s = pool_alloc(c->pool, sizeof(double) * (size_t)*k);
		if (*r && *s) {
			memcpy(*r, ra, sizeof(double) * (size_t)*k);
			memcpy(*s, sa, sizeof(double) * (size_t)*k);
		}
		free(ra);
		free(sa);
		return *r && *s ? 0
				: verr_set(err, E_OUT_OF_MEMORY, "",
					   "out of memory");
	}
	const char *const paths[] = {xc->path, yc->path};
	if (!xc->present || !yc->present)
		return verr_set(err, E_MISSING_INPUT,
				xc->present ? yc->path : xc->path,
				"both x_counts and y_counts are needed");
	if (xc->t.ndim != 1 || !evald_tensor_same_shape(&xc->t, &yc->t))
		return verr_set(err, E_SHAPE_MISMATCH, yc->path,
				"x_counts and y_counts must be 1-D and of the "
				"same length (one count per bin)");
	*k = xc->t.size;
	*r = pool_alloc(c->pool, sizeof(double) * (size_t)(*k ? *k : 1));
	*s = pool_alloc(c->pool, sizeof(double) * (size_t)(*k ? *k : 1));
	if (!*r || !*s)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (evald_drift_shares(xc->t.data, *k, 0, *r, &le) < 0 ||
	    evald_drift_shares(yc->t.data, *k, 1, *s, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return 0;
}

static int binned_distance(mcall *c, json_t *res, evald_drift_kind kind,
			   double base, verr *err)
{
	double *r = NULL, *s = NULL, v;
	int64_t k = 0;
	evald_err le = {0};

	if (binned_shares(c, &r, &s, &k, err) < 0)
		return -1;
	if (evald_drift_distance(kind, r, s, k, base, &v, &le) < 0)
		return mcall_lib_error(c, &le, err, NULL);
	json_object_set_new(res, "n_bins", json_integer(k));
	return mcall_put_number(c, res, "value", v);
}

static double base_of(mcall *c)
{
	pval *b = P(c, P_BINNED_B, base);
	return b->is_null ? 0 : b->num;
}

int m_psi(mcall *c, json_t *res, verr *err)
{
	return binned_distance(c, res, EVALD_DRIFT_PSI, 0, err);
}

int m_kl_divergence(mcall *c, json_t *res, verr *err)
{
	return binned_distance(c, res, EVALD_DRIFT_KL, base_of(c), err);
}

int m_jensenshannon(mcall *c, json_t *res, verr *err)
{
	return binned_distance(c, res, EVALD_DRIFT_JENSENSHANNON, base_of(c),
			       err);
}

int m_hellinger(mcall *c, json_t *res, verr *err)
{
	return binned_distance(c, res, EVALD_DRIFT_HELLINGER, 0, err);
}

int m_total_variation(mcall *c, json_t *res, verr *err)
{
	return binned_distance(c, res, EVALD_DRIFT_TOTAL_VARIATION, 0, err);
}

int m_wasserstein_normed(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_XY, x), *y = IN(c, I_XY, y);
	const char *const paths[] = {x->path, y->path};
	evald_err le = {0};
	const double *a = NULL, *b = NULL;
	int64_t n = 0, m = 0;
	double v;

	if (sample_of(x, "x", &a, &n, err) || sample_of(y, "y", &b, &m, err))
		return -1;
	if (evald_wasserstein_normed(a, n, b, m, &v, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", v);
}
