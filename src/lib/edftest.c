/* edftest.c - the rank tests that compare whole empirical distributions:
 * scipy.stats.cramervonmises_2samp (its exact lattice-path distribution and
 * its asymptotic series) and scipy.stats.anderson_ksamp (statistic,
 * critical values and the interpolated, capped p-value). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/twosample.h>

#include "internal.h"
#include "sample.h"

#define CVM_MAX_ENTRIES 20000000 /* (value, count) pairs held at once */

static int check_sample(const double *v, int64_t n, int64_t min, int input,
			const char *name, evald_err *err)
{
	if (n < min)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "%s has %lld value%s; the test needs at "
				  "least %lld",
				  name, (long long)n, n == 1 ? "" : "s",
				  (long long)min);
	for (int64_t i = 0; i < n; i++)
		if (isnan(v[i]))
			return evald_fail(err, EVALD_EINVAL, input,
					  "%s[%lld] is NaN", name,
					  (long long)i);
	return EVALD_OK;
}

/* ------------------------------------------------------------ cvm exact */

/* A distribution of path values: sorted distinct values and their counts
 * (exact integers in doubles, below 2^53). */
typedef struct vdist {
	int64_t *v;
	double *f;
	int64_t n;
} vdist;

static void vdist_free(vdist *d)
{
	free(d->v);
	free(d->f);
	d->v = NULL;
	d->f = NULL;
	d->n = 0;
}

/* out = a merged with b, every value shifted by `add`. */
static int vdist_merge(const vdist *a, const vdist *b, int64_t add, vdist *out)
{
	int64_t cap = a->n + b->n, i = 0, j = 0, k = 0;
	out->v = evi_xalloc(cap, sizeof *out->v);
	out->f = evi_xalloc(cap, sizeof *out->f);
	if (!out->v || !out->f)
		return -1;
	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->v[i] < b->v[j])) {
			out->v[k] = a->v[i] + add;
			out->f[k++] = a->f[i++];
		} else if (i >= a->n || b->v[j] < a->v[i]) {
			out->v[k] = b->v[j] + add;
			out->f[k++] = b->f[j++];
		} else {
			out->v[k] = a->v[i] + add;
			out->f[k++] = a->f[i++] + b->f[j++];
		}
	}
	out->n = k;
	return 0;
}

/* SciPy's _pval_cvm_2samp_exact: the distribution of sum over the lattice
 * path of (a v - b u)^2, built column by column. */
static int cvm_exact(double s, int64_t m, int64_t n, double *p, evald_err *err)
{
	int64_t g = m, r = n;
	while (r) {
		int64_t t = g % r;
		g = r;
		r = t;
	}
	int64_t lcm = m / g * n, a = lcm / m, b = lcm / n, mn = m * n;
	double comb = 1;
	for (int64_t i = 1; i <= m; i++)
		comb = comb * (double)(n + i) / (double)i;
	comb = nearbyint(comb);
	if (comb > 9007199254740992.0)
		return evald_fail(err, EVALD_ELIMIT, -1,
				  "the exact distribution for samples of "
				  "%lld and %lld needs counts past 2^53; use "
				  "method asymptotic",
				  (long long)m, (long long)n);
	double zeta = floor((double)(lcm * lcm * (m + n)) *
			    (6 * s - (double)mn * (double)(4 * mn - 1)) /
			    (double)(6 * mn * mn));
	vdist *gs = calloc((size_t)(2 * (m + 1)), sizeof *gs), *next;
	int rc = EVALD_OK;
	int64_t held = 0;
	if (!gs)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	next = gs + m + 1;
	gs[0].v = malloc(sizeof *gs[0].v);
	gs[0].f = malloc(sizeof *gs[0].f);
	if (!gs[0].v || !gs[0].f)
		goto nomem;
	gs[0].v[0] = 0;
	gs[0].f[0] = 1;
	gs[0].n = 1;
	for (int64_t u = 0; u <= n; u++) {
		held = 0;
		for (int64_t v = 0; v <= m; v++) {
			static const vdist empty = {0};
			int64_t d = a * v - b * u;
			if (vdist_merge(v ? &next[v - 1] : &empty, &gs[v],
					d * d, &next[v]) < 0)
				goto nomem;
			held += next[v].n;
			if (held > CVM_MAX_ENTRIES) {
				rc = evald_fail(
					err, EVALD_ELIMIT, -1,
					"the exact distribution for samples of "
					"%lld and %lld is too large to "
					"tabulate; "
					"use method asymptotic",
					(long long)m, (long long)n);
				goto out;
			}
		}
		for (int64_t v = 0; v <= m; v++) {
			vdist_free(&gs[v]);
			gs[v] = next[v];
			memset(&next[v], 0, sizeof next[v]);
		}
	}
	double sum = 0;
	for (int64_t i = 0; i < gs[m].n; i++)
		if ((double)gs[m].v[i] >= zeta)
			sum += gs[m].f[i];
	*p = sum / comb;
	goto out;
nomem:
	rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
out:
	for (int64_t v = 0; v < 2 * (m + 1); v++)
		vdist_free(&gs[v]);
	free(gs);
	return rc;
}

/* ------------------------------------------------------------ cvm asymp */

/* K_nu(x) = integral over t >= 0 of exp(-x cosh t) cosh(nu t): the
 * trapezoid rule on this doubly-exponentially decaying integrand is
 * accurate to rounding with a step of 1/32. */
static double bessel_k(double nu, double x)
{
	const double h = 1.0 / 32;
	double s = 0.5 * exp(-x);
	for (int i = 1;; i++) {
		double t = i * h, e = x * cosh(t);
		if (e > 745 + nu * t)
			break;
		s += exp(-e) * cosh(nu * t);
	}
	return s * h;
}

/* SciPy's _cdf_cvm_inf: the series of Csorgo & Faraway (1996), (1.2),
 * summed until a term falls below 1e-7. */
static double cdf_cvm_inf(double x)
{
	double tot = 0;
	for (int k = 0;; k++) {
		double u = exp(lgamma(k + 0.5) - lgamma(k + 1.0)) /
			   (pow(M_PI, 1.5) * sqrt(x));
		double y = 4.0 * k + 1, q = y * y / (16 * x);
		double z = u * sqrt(y) * exp(-q) * bessel_k(0.25, q);
		tot += z;
		if (!(fabs(z) >= 1e-7))
			break;
	}
	return tot;
}

/* U of the sorted samples: the squared distances between each value's
 * midrank in the pooled sample (scipy.stats.rankdata) and its rank in its
 * own, in one merge walk.  At each distinct value the pooled counts below
 * it (lo) and up to it (e) are the walk's positions, the very numbers
 * binary searches of the pooled sample gave, and each side's terms are
 * added in its own ascending order as before: the sums are bit for bit
 * the same. */
static void cvm_u(const double *xa, int64_t n, const double *ya, int64_t m,
		  double *u)
{
	double sx = 0, sy = 0;
	int64_t i = 0, j = 0;
	while (i < n || j < m) {
		double v = j >= m || (i < n && xa[i] <= ya[j]) ? xa[i] : ya[j];
		int64_t i0 = i, j0 = j;
		while (i < n && xa[i] == v)
			i++;
		while (j < m && ya[j] == v)
			j++;
		double rank = (double)(i0 + j0 + 1 + i + j) / 2.0;
		for (int64_t t = i0; t < i; t++) {
			double d = rank - (double)(t + 1);
			sx += d * d;
		}
		for (int64_t t = j0; t < j; t++) {
			double d = rank - (double)(t + 1);
			sy += d * d;
		}
	}
	*u = (double)n * sx + (double)m * sy;
}

int evald_cramervonmises_2samp(const double *x, int64_t n, const double *y,
			       int64_t m, evald_test_method method,
			       evald_test_result *out, evald_err *err)
{
	evi_sample sx = {x, NULL, n}, sy = {y, NULL, m};
	return evi_cramervonmises_2samp(&sx, &sy, method, out, err);
}

int evi_cramervonmises_2samp(const evi_sample *x, const evi_sample *y,
			     evald_test_method method, evald_test_result *out,
			     evald_err *err)
{
	const double *xa, *ya;
	double *ca = NULL, *cb = NULL, u;
	int64_t n = x->n, m = y->n;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_sample(x->v, n, 2, 0, "x", err)) ||
	    (rc = check_sample(y->v, m, 2, 1, "y", err)))
		return rc;
	xa = evi_sample_sorted(x, &ca);
	ya = evi_sample_sorted(y, &cb);
	if (!xa || !ya) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	cvm_u(xa, n, ya, m, &u);
	if (method == EVALD_TEST_AUTO)
		method = (n > m ? n : m) > 20 ? EVALD_TEST_ASYMP
					      : EVALD_TEST_EXACT;
	double k = (double)n * (double)m, N = (double)(n + m);
	double t = u / (k * N) - (4 * k - 1) / (6 * N);
	out->statistic = t;
	out->method = method;
	if (method == EVALD_TEST_EXACT) {
		rc = cvm_exact(u, n, m, &out->pvalue, err);
		goto out;
	}
	double et = (1 + 1 / N) / 6;
	double vt = (N + 1) *
		    (4 * k * N - 3 * ((double)n * n + (double)m * m) - 2 * k);
	vt = vt / (45 * N * N * 4 * k);
	double tn = 1.0 / 6 + (t - et) / sqrt(45 * vt);
	out->pvalue = tn < 0.003 ? 1.0 : fmax(0, 1. - cdf_cvm_inf(tn));
out:
	free(ca);
	free(cb);
	return rc;
}

/* ------------------------------------------------------------ anderson */

/* A2akN (midrank) or A2kN (right-continuous) of Scholz & Stephens from
 * the k sorted samples, in one merge walk over their distinct values:
 * at each value v, the pooled count below it is the sum of the walk's
 * positions before it steps over v, its multiplicity the steps taken, and
 * sample i's count up to it its position after (the numbers binary
 * searches of the pooled sample and of each sample gave).  Each sample's
 * inner sum still runs over v in ascending order and A adds them in
 * sample order, so A is bit for bit the sum it was.  at[k], eq[k] and
 * inner[k] are scratch; *ns receives the number of distinct values. */
static double ad_statistic(const double *const *s, const int64_t *sz, int k,
			   int64_t N, int midrank, int64_t *at, int64_t *eq,
			   double *inner, int64_t *ns)
{
	double A = 0, Nd = (double)N;
	int64_t left = 0;

	*ns = 0;
	for (int i = 0; i < k; i++) {
		at[i] = 0;
		inner[i] = 0;
	}
	while (left < N) {
		double v = INFINITY;
		int any = 0;
		for (int i = 0; i < k; i++)
			if (at[i] < sz[i] && (!any || s[i][at[i]] < v)) {
				v = s[i][at[i]];
				any = 1;
			}
		int64_t lj_ = 0;
		for (int i = 0; i < k; i++) {
			int64_t a0 = at[i];
			while (at[i] < sz[i] && s[i][at[i]] == v)
				at[i]++;
			eq[i] = at[i] - a0;
			lj_ += eq[i];
		}
		++*ns;
		/* A2kN leaves out the last distinct value */
		if (!midrank && left + lj_ == N)
			break;
		double lj = (double)lj_;
		for (int i = 0; i < k; i++) {
			double M = (double)at[i], ni = (double)sz[i], B, d;
			if (midrank) {
				B = (double)left + lj / 2.;
				M -= (double)eq[i] / 2.;
				d = Nd * M - B * ni;
				inner[i] += lj / Nd * d * d /
					    (B * (Nd - B) - Nd * lj / 4.);
			} else {
				B = (double)(left + lj_);
				d = Nd * M - B * ni;
				inner[i] += lj / Nd * d * d / (B * (Nd - B));
			}
		}
		left += lj_;
	}
	for (int i = 0; i < k; i++)
		A += inner[i] / (double)sz[i];
	return midrank ? A * (Nd - 1.) / Nd : A;
}

/* SciPy's variance of A2kN under the null (Scholz & Stephens (1987)). */
static double ad_sigmasq(const int64_t *sz, int k, int64_t N)
{
	double H = 0, h = 0, g = 0, hs = 0, Nd = (double)N, kd = k;
	for (int i = 0; i < k; i++)
		H += 1. / (double)sz[i];
	/* hs_cs = cumsum(1 / arange(N-1, 1, -1)); g = sum(hs_cs / arange(2, N))
	 */
	for (int64_t j = N - 1, idx = 0; j > 1; j--, idx++) {
		hs += 1. / (double)j;
		g += hs / (double)(2 + idx);
	}
	h = hs + 1;
	double a = (4 * g - 6) * (kd - 1) + (10 - 6 * g) * H;
	double b = (2 * g - 4) * kd * kd + 8 * h * kd +
		   (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
	double c = (6 * h + 2 * g - 2) * kd * kd + (4 * h - 4 * g + 6) * kd +
		   (2 * h - 6) * H + 4 * h;
	double d = (2 * h + 6) * kd * kd - 4 * h * kd;
	return (a * Nd * Nd * Nd + b * Nd * Nd + c * Nd + d) /
	       ((Nd - 1.) * (Nd - 2.) * (Nd - 3.));
}

/* np.polyfit(x, y, 2) for 7 points: least squares on the column-scaled
 * Vandermonde matrix by Householder QR (numpy scales and uses an SVD;
 * both are exact to rounding on this well-conditioned problem). */
static void polyfit2(const double *x, const double *y, double coef[3])
{
	double A[7][3], b[7], scale[3] = {0, 0, 0};
	for (int i = 0; i < 7; i++) {
		A[i][0] = x[i] * x[i];
		A[i][1] = x[i];
		A[i][2] = 1;
		b[i] = y[i];
		for (int j = 0; j < 3; j++)
			scale[j] += A[i][j] * A[i][j];
	}
	for (int j = 0; j < 3; j++) {
		scale[j] = sqrt(scale[j]);
		for (int i = 0; i < 7; i++)
			A[i][j] /= scale[j];
	}
	for (int j = 0; j < 3; j++) {
		double nrm = 0;
		for (int i = j; i < 7; i++)
			nrm += A[i][j] * A[i][j];
		nrm = sqrt(nrm);
		double alpha = A[j][j] > 0 ? -nrm : nrm, v[7], vv = 0;
		for (int i = j; i < 7; i++)
			v[i] = A[i][j] - (i == j ? alpha : 0);
		for (int i = j; i < 7; i++)
			vv += v[i] * v[i];
		for (int c = j; c < 3; c++) {
			double dot = 0;
			for (int i = j; i < 7; i++)
				dot += v[i] * A[i][c];
			for (int i = j; i < 7; i++)
				A[i][c] -= 2 * dot / vv * v[i];
		}
		double dot = 0;
		for (int i = j; i < 7; i++)
			dot += v[i] * b[i];
		for (int i = j; i < 7; i++)
			b[i] -= 2 * dot / vv * v[i];
	}
	for (int j = 2; j >= 0; j--) {
		double s = b[j];
		for (int c = j + 1; c < 3; c++)
			s -= A[j][c] * coef[c];
		coef[j] = s / A[j][j];
	}
	for (int j = 0; j < 3; j++)
		coef[j] /= scale[j];
}

static int ad_check(const evi_sample *smp, int k, int64_t *N, evald_err *err)
{
	if (k < 2)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "anderson_ksamp needs at least two samples; "
				  "got %d",
				  k);
	*N = 0;
	for (int i = 0; i < k; i++) {
		char name[32];
		snprintf(name, sizeof name, "samples[%d]", i);
		int rc = check_sample(smp[i].v, smp[i].n, 1, 0, name, err);
		if (rc)
			return rc;
		*N += smp[i].n;
	}
	if (*N < 3)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "anderson_ksamp needs at least 3 "
				  "observations in all; got %lld",
				  (long long)*N);
	return EVALD_OK;
}

int evald_anderson_ksamp(const double *const *samples, const int64_t *sizes,
			 int k, int midrank, double *statistic,
			 double critical[7], double *pvalue, int *capped,
			 evald_err *err)
{
	evi_sample *smp = k > 0 ? calloc((size_t)k, sizeof *smp) : NULL;
	int rc;

	if (k > 0 && !smp)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int i = 0; i < k; i++)
		smp[i] = (evi_sample){samples[i], NULL, sizes[i]};
	rc = evi_anderson_ksamp(smp, k, midrank, statistic, critical, pvalue,
				capped, err);
	free(smp);
	return rc;
}

int evi_anderson_ksamp(const evi_sample *smp, int k, int midrank,
		       double *statistic, double critical[7], double *pvalue,
		       int *capped, evald_err *err)
{
	static const double b0[] = {0.675, 1.281, 1.645, 1.96,
				    2.326, 2.573, 3.085};
	static const double b1[] = {-0.245, 0.25,  0.678, 1.149,
				    1.822,  2.364, 3.615};
	static const double b2[] = {-0.105, -0.305, -0.362, -0.391,
				    -0.396, -0.345, -0.154};
	static const double sig[] = {0.25, 0.1,	  0.05, 0.025,
				     0.01, 0.005, 0.001};
	int64_t N = 0, ns = 0, *sz = NULL, *at = NULL, *eq;
	const double **s = NULL;
	double **copies = NULL, *inner = NULL;
	int rc;

	if ((rc = ad_check(smp, k, &N, err)))
		return rc;
	s = calloc((size_t)k, sizeof *s);
	copies = calloc((size_t)k, sizeof *copies);
	sz = evi_xalloc(3 * (int64_t)k, sizeof *sz);
	inner = evi_xalloc(k, sizeof *inner);
	if (!s || !copies || !sz || !inner)
		goto nomem;
	at = sz + k;
	eq = at + k;
	for (int i = 0; i < k; i++) {
		sz[i] = smp[i].n;
		if (!(s[i] = evi_sample_sorted(&smp[i], &copies[i])))
			goto nomem;
	}
	double A = ad_statistic(s, sz, k, N, midrank, at, eq, inner, &ns);
	if (ns < 2) {
		rc = evald_fail(err, EVALD_EINVAL, 0,
				"anderson_ksamp needs more than one distinct "
				"observation");
		goto out;
	}
	double m = k - 1;
	double A2 = (A - m) / sqrt(ad_sigmasq(sz, k, N)), lo = INFINITY,
	       hi = -INFINITY, logsig[7], pf[3];
	for (int i = 0; i < 7; i++) {
		critical[i] = b0[i] + b1[i] / sqrt(m) + b2[i] / m;
		lo = fmin(lo, critical[i]);
		hi = fmax(hi, critical[i]);
		logsig[i] = log(sig[i]);
	}
	*statistic = A2;
	*capped = A2 < lo ? 1 : A2 > hi ? -1 : 0;
	if (*capped) {
		*pvalue = *capped > 0 ? 0.25 : 0.001;
	} else {
		polyfit2(critical, logsig, pf);
		*pvalue = exp((pf[0] * A2 + pf[1]) * A2 + pf[2]);
	}
	goto out;
nomem:
	rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
out:
	for (int i = 0; copies && i < k; i++)
		free(copies[i]);
	free(copies);
	free(s);
	free(sz);
	free(inner);
	return rc;
}
