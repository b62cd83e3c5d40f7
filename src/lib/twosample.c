/* twosample.c - the two-sample tests of twosample.h, as SciPy 1.10 runs
 * them: ks_2samp (its choice between exact and asymptotic and its
 * fall-back), mannwhitneyu and chi2_contingency with power divergence.
 * The distributions live in ksdist.c and pdist.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/twosample.h>

#include "internal.h"
#include "pdist.h"
#include "sample.h"

#define KS_MAX_AUTO_N 10000
#define MWU_MAX_WORK  2e9

/* A sample: non-empty, no NaN (infinities sort like SciPy's). */
static int check_sample(const double *v, int64_t n, int input, const char *name,
			evald_err *err)
{
	if (n < 1)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "%s is empty; a two-sample test needs at "
				  "least one value in each sample",
				  name);
	for (int64_t i = 0; i < n; i++)
		if (isnan(v[i]))
			return evald_fail(err, EVALD_EINVAL, input,
					  "%s[%lld] is NaN; drop missing "
					  "values before testing",
					  name, (long long)i);
	return EVALD_OK;
}

static double *sorted_copy(const double *v, int64_t n)
{
	double *s = evi_xalloc(n, sizeof *s);
	if (s && evi_sort_values(v, n, s) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* The extremes of one side's values: SciPy scans data_all = [a, b] and
 * keeps the first index of the minimum and of the maximum of cdf1 - cdf2,
 * so an extreme reached at one of a's values wins over the same extreme
 * at one of b's, and within a side the smallest value wins. */
typedef struct ks_side {
	double mn, mx, lmn, lmx;
} ks_side;

static void ks_note(ks_side *s, double d, double v)
{
	if (d < s->mn) {
		s->mn = d;
		s->lmn = v;
	}
	if (d > s->mx) {
		s->mx = d;
		s->lmx = v;
	}
}

/* One merge walk over the distinct values of both sorted samples: at
 * each, the counts at or below it on each side are the walk's positions,
 * the same numbers SciPy's searchsorted gives, so d is bit for bit its
 * cdf1 - cdf2. */
static void ks_statistic(const double *a, int64_t n, const double *b, int64_t m,
			 evald_alternative alt, evald_test_result *out)
{
	ks_side sa = {INFINITY, -INFINITY, 0, 0}, sb = sa;
	int64_t i = 0, j = 0;
	while (i < n || j < m) {
		double v = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
		int ina = i < n && a[i] == v, inb = j < m && b[j] == v;
		while (i < n && a[i] <= v)
			i++;
		while (j < m && b[j] <= v)
			j++;
		double d = (double)i / (double)n - (double)j / (double)m;
		if (ina)
			ks_note(&sa, d, v);
		if (inb)
			ks_note(&sb, d, v);
	}
	double mn = sa.mn <= sb.mn ? sa.mn : sb.mn;
	double lmn = sa.mn <= sb.mn ? sa.lmn : sb.lmn;
	double mx = sa.mx >= sb.mx ? sa.mx : sb.mx;
	double lmx = sa.mx >= sb.mx ? sa.lmx : sb.lmx;
	double minS = -mn < 0 ? 0 : -mn > 1 ? 1 : -mn;
	if (alt == EVALD_ALT_LESS ||
	    (alt == EVALD_ALT_TWO_SIDED && minS > mx)) {
		out->statistic = minS;
		out->location = lmn;
		out->sign = -1;
	} else {
		out->statistic = mx;
		out->location = lmx;
		out->sign = 1;
	}
}

static double ks_asymp(int64_t n1, int64_t n2, double d, evald_alternative alt)
{
	double m = (double)(n1 > n2 ? n1 : n2), n = (double)(n1 > n2 ? n2 : n1);
	double en = m * n / (m + n);
	if (alt == EVALD_ALT_TWO_SIDED) {
		double r = nearbyint(en); /* np.round: half to even */
		return r < 1 ? NAN : evald_kstwo_sf((int64_t)r, d);
	}
	double z = sqrt(en) * d;
	return exp(-2 * z * z -
		   2 * z * (m + 2 * n) / sqrt(m * n * (m + n)) / 3.0);
}

const double *evi_sample_sorted(const evi_sample *x, double **copy)
{
	*copy = NULL;
	return x->s ? x->s : (*copy = sorted_copy(x->v, x->n));
}

int evald_ks_2samp(const double *x, int64_t n, const double *y, int64_t m,
		   evald_alternative alt, evald_test_method method,
		   evald_test_result *out, evald_err *err)
{
	evi_sample sx = {x, NULL, n}, sy = {y, NULL, m};
	return evi_ks_2samp(&sx, &sy, alt, method, out, err);
}

int evi_ks_2samp(const evi_sample *x, const evi_sample *y,
		 evald_alternative alt, evald_test_method method,
		 evald_test_result *out, evald_err *err)
{
	const double *a, *b;
	double *ca = NULL, *cb = NULL, prob;
	int64_t n = x->n, m = y->n;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_sample(x->v, n, 0, "x", err)) ||
	    (rc = check_sample(y->v, m, 1, "y", err)))
		return rc;
	a = evi_sample_sorted(x, &ca);
	b = evi_sample_sorted(y, &cb);
	if (!a || !b) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	ks_statistic(a, n, b, m, alt, out);
	int64_t g = n, r = m;
	while (r) {
		int64_t t = g % r;
		g = r;
		r = t;
	}
	if (method == EVALD_TEST_AUTO)
		method = (n > m ? n : m) <= KS_MAX_AUTO_N ? EVALD_TEST_EXACT
							  : EVALD_TEST_ASYMP;
	else if (method == EVALD_TEST_EXACT &&
		 (double)(n / g) >= 2147483647.0 / (double)(m / g)) {
		method = EVALD_TEST_ASYMP;
		out->fell_back = 1;
	}
	if (method == EVALD_TEST_EXACT) {
		double lcm = (double)(n / g) * (double)m;
		int64_t h = (int64_t)nearbyint(out->statistic * lcm);
		/* SciPy reports the statistic rounded to the lattice */
		out->statistic = (double)h / lcm;
		int e = evald_ks2_exact(n, m, h, alt == EVALD_ALT_TWO_SIDED,
					&prob);
		if (e == -2) {
			rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
			goto out;
		}
		if (e < 0) {
			method = EVALD_TEST_ASYMP;
			out->fell_back = 2;
		}
	}
	if (method == EVALD_TEST_ASYMP)
		prob = ks_asymp(n, m, out->statistic, alt);
	out->method = method;
	out->pvalue = isnan(prob) ? prob : prob < 0 ? 0 : prob > 1 ? 1 : prob;
out:
	free(ca);
	free(cb);
	return rc;
}

/* ------------------------------------------------------------ mannwhitneyu */

typedef struct ranked {
	double v;
	int64_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *u = a, *v = b;
	if (u->v != v->v)
		return (u->v > v->v) - (u->v < v->v);
	return (u->i > v->i) - (u->i < v->i);
}

/* Midranks of x then y: R1 (the rank sum of x), the tie term
 * sum(t^3 - t) over groups of equal values, and whether any tie exists. */
static int mwu_ranks(const double *x, int64_t n, const double *y, int64_t m,
		     double *R1, double *tie_term)
{
	ranked *r = evi_xalloc(n + m, sizeof *r);
	if (!r)
		return -1;
	for (int64_t i = 0; i < n + m; i++) {
		r[i].v = i < n ? x[i] : y[i - n];
		r[i].i = i;
	}
	qsort(r, (size_t)(n + m), sizeof *r, cmp_ranked);
	*R1 = 0;
	*tie_term = 0;
	for (int64_t s = 0, e; s < n + m; s = e) {
		for (e = s + 1; e < n + m && r[e].v == r[s].v; e++)
			;
		double rank = (double)(s + 1 + e) / 2.0, t = (double)(e - s);
		*tie_term += t * t * t - t;
		for (int64_t k = s; k < e; k++)
			if (r[k].i < n)
				*R1 += rank;
	}
	free(r);
	return 0;
}

int evald_mannwhitneyu(const double *x, int64_t n, const double *y, int64_t m,
		       int use_continuity, evald_alternative alt,
		       evald_test_method method, evald_test_result *out,
		       evald_err *err)
{
	double R1, tie, U, p;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_sample(x, n, 0, "x", err)) ||
	    (rc = check_sample(y, m, 1, "y", err)))
		return rc;
	if (mwu_ranks(x, n, y, m, &R1, &tie) < 0)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	if (method == EVALD_TEST_AUTO)
		method = (n > 8 && m > 8) || tie > 0 ? EVALD_TEST_ASYMP
						     : EVALD_TEST_EXACT;
	double U1 = R1 - (double)n * (double)(n + 1) / 2;
	double U2 = (double)n * (double)m - U1;
	U = alt == EVALD_ALT_GREATER ? U1
	    : alt == EVALD_ALT_LESS  ? U2
				     : fmax(U1, U2);
	if (method == EVALD_TEST_EXACT) {
		int64_t kmax = n * m - (int64_t)U;
		if ((double)n * (double)m * (double)(kmax + 1) > MWU_MAX_WORK)
			return evald_fail(err, EVALD_ELIMIT, -1,
					  "the exact distribution for samples "
					  "of %lld and %lld is too large to "
					  "tabulate; use method asymptotic",
					  (long long)n, (long long)m);
		if (evi_mwu_cdf(n, m, kmax, &p) < 0)
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
	} else {
		double N = (double)(n + m), mu = (double)n * (double)m / 2;
		double s = sqrt((double)n * (double)m / 12 *
				((N + 1) - tie / (N * (N - 1))));
		double num = U - mu - (use_continuity ? 0.5 : 0);
		p = evald_norm_sf(num / s);
	}
	if (alt == EVALD_ALT_TWO_SIDED)
		p *= 2;
	out->statistic = U1;
	out->pvalue = isnan(p) ? p : p < 0 ? 0 : p > 1 ? 1 : p;
	out->method = method;
	return EVALD_OK;
}

/* ------------------------------------------------------------ chi2 */

void evald_chi2_result_free(evald_chi2_result *r)
{
	if (r) {
		free(r->expected);
		r->expected = NULL;
	}
}

static const double pd_lambda[] = {1.0, 0.0, -0.5, -1.0, -2.0, 2.0 / 3.0};

/* xlogy(a, b): 0 when a is 0, as scipy.special.xlogy. */
static double xlogy(double a, double b)
{
	return a == 0 && !isnan(b) ? 0 : a * log(b);
}

/* One cell's term of scipy.stats.power_divergence. */
static double pd_term(double o, double e, evald_power_div l)
{
	double lam = pd_lambda[l];
	switch (l) {
	case EVALD_PD_PEARSON: return (o - e) * (o - e) / e;
	case EVALD_PD_LOG_LIKELIHOOD: return 2.0 * xlogy(o, o / e);
	case EVALD_PD_MOD_LOG_LIKELIHOOD: return 2.0 * xlogy(e, e / o);
	default: return o * (pow(o / e, lam) - 1) / (0.5 * lam * (lam + 1));
	}
}

static int check_table(const double *obs, int64_t r, int64_t c, evald_err *err)
{
	if (r < 1 || c < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "observed is empty (%lld x %lld)",
				  (long long)r, (long long)c);
	for (int64_t i = 0; i < r * c; i++)
		if (!(obs[i] >= 0) || isinf(obs[i]))
			return evald_fail(err, EVALD_EINVAL, 0,
					  "observed[%lld][%lld] is %g; counts "
					  "must be finite and non-negative",
					  (long long)(i / c),
					  (long long)(i % c), obs[i]);
	return EVALD_OK;
}

/* expected = outer(row sums, column sums) / total, as SciPy's
 * expected_freq; a zero cell is refused as SciPy raises. */
static int expected_freq(const double *obs, int64_t r, int64_t c, double *ex,
			 evald_err *err)
{
	double *rs = evi_xalloc(r + c, sizeof *rs), *cs, tot = 0;
	if (!rs)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	cs = rs + r;
	memset(rs, 0, sizeof *rs * (size_t)(r + c));
	for (int64_t i = 0; i < r; i++)
		for (int64_t j = 0; j < c; j++) {
			rs[i] += obs[i * c + j];
			cs[j] += obs[i * c + j];
		}
	for (int64_t i = 0; i < r; i++)
		tot += rs[i];
	int rc = EVALD_OK;
	for (int64_t i = 0; i < r && !rc; i++)
		for (int64_t j = 0; j < c; j++) {
			ex[i * c + j] = rs[i] * cs[j] / tot;
			if (ex[i * c + j] == 0) {
				rc = evald_fail(
					err, EVALD_EINVAL, 0,
					"the table of expected frequencies has "
					"a "
					"zero at (%lld, %lld): row %lld or "
					"column "
					"%lld of observed sums to 0; drop it",
					(long long)i, (long long)j,
					(long long)i, (long long)j);
				break;
			}
		}
	free(rs);
	return rc;
}

int evald_chi2_contingency(const double *obs, int64_t r, int64_t c,
			   int correction, evald_power_div lambda,
			   evald_chi2_result *out, evald_err *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((unsigned)lambda > EVALD_PD_CRESSIE_READ)
		return evald_fail(err, EVALD_EINVAL, -1, "unknown lambda_");
	if ((rc = check_table(obs, r, c, err)))
		return rc;
	out->expected = evi_xalloc(r * c, sizeof *out->expected);
	if (!out->expected)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	if ((rc = expected_freq(obs, r, c, out->expected, err)))
		goto fail;
	out->dof = r * c - (r + c) + 2 - 1;
	if (out->dof == 0) {
		out->statistic = 0.0;
		out->pvalue = 1.0;
		return EVALD_OK;
	}
	double stat = 0;
	for (int64_t i = 0; i < r * c; i++) {
		double o = obs[i], e = out->expected[i];
		if (out->dof == 1 && correction) {
			/* Yates: move each count up to 0.5 towards expected */
			double diff = e - o;
			double mag = fmin(0.5, fabs(diff));
			o += mag * (double)((diff > 0) - (diff < 0));
		}
		stat += pd_term(o, e, lambda);
	}
	out->statistic = stat;
	out->pvalue = evald_chi2_sf(stat, (double)out->dof);
	return EVALD_OK;
fail:
	evald_chi2_result_free(out);
	return rc;
}
