/* pdist.c - the null distributions of the rank and contingency tests
 * (twosample.h): the normal and chi-square survival functions SciPy takes
 * from cephes (ndtr, igamc), and the exact distribution of the
 * Mann-Whitney U statistic.  cephes is not at hand, so the incomplete
 * gamma function is written from its power series and continued
 * fraction, with the prefactor x^a e^-x / Gamma(a) taken through
 * Stirling's series so that large a keeps full precision. */
#include <math.h>
#include <string.h>

#include <evald/twosample.h>

#include "internal.h"
#include "pdist.h"

#define LOG_2PI 1.8378770664093453
#define EPS	1e-17
#define MAXIT	100000
#define MAXLOG	7.09782712893383996843E2 /* cephes: below, it answers 0 */

/* cephes ndtr(-z): erf near 0, erfc in the tails, as cephes splits it. */
double evald_norm_sf(double z)
{
	double x = -z * M_SQRT1_2, y;
	if (isnan(z))
		return NAN;
	if (fabs(x) < M_SQRT1_2)
		return 0.5 + 0.5 * erf(x);
	y = 0.5 * erfc(fabs(x));
	return x > 0 ? 1 - y : y;
}

/* log(x^a e^-x / Gamma(a)). */
static double log_prefactor(double a, double x)
{
	if (a < 10)
		return a * log(x) - x - lgamma(a);
	/* lgamma(a) = (a - 1/2) log a - a + log(2 pi)/2 + S(a); the large
	 * terms cancel exactly in a log(x/a) + (a - x). */
	double r = 1 / a, r2 = r * r;
	double S =
		r *
		(1.0 / 12 -
		 r2 * (1.0 / 360 -
		       r2 * (1.0 / 1260 -
			     r2 * (1.0 / 1680 -
				   r2 * (1.0 / 1188 - r2 * 691.0 / 360360)))));
	return a * log1p((x - a) / a) - (x - a) + 0.5 * log(a) - 0.5 * LOG_2PI -
	       S;
}

/* P(a, x) by its series, for x < a + 1. */
static double gammainc_series(double a, double x)
{
	double term = 1.0 / a, sum = term;
	for (int k = 1; k < MAXIT; k++) {
		term *= x / (a + k);
		sum += term;
		if (fabs(term) < fabs(sum) * EPS)
			break;
	}
	double lp = log_prefactor(a, x);
	return lp < -MAXLOG ? 0 : sum * exp(lp);
}

/* Q(a, x) by Legendre's continued fraction (modified Lentz), x >= a + 1. */
static double gammaincc_cf(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
	for (int i = 1; i < MAXIT; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < EPS)
			break;
	}
	double lp = log_prefactor(a, x);
	return lp < -MAXLOG ? 0 : exp(lp) * h;
}

double evald_gammaincc(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1)
		return 1 - gammainc_series(a, x);
	return gammaincc_cf(a, x);
}

double evald_chi2_sf(double x, double k)
{
	if (isnan(x) || !(k > 0))
		return NAN;
	if (x <= 0)
		return 1;
	return evald_gammaincc(k / 2, x / 2);
}

/* SciPy's _MWU.cdf(kmax, m, n): the counts f(m, n, k) of arrangements
 * with U = k follow f(m,n,k) = f(m-1,n,k-n) + f(m,n-1,k); they are built
 * layer by layer in m, each layer holding n+1 truncated polynomials, and
 * summed as SciPy does, each divided by binom(m+n, m) first. */
int evi_mwu_cdf(int64_t m, int64_t n, int64_t kmax, double *out)
{
	if (n > m) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t K = kmax + 1, w = (n + 1) * K;
	double *base = evi_xalloc(2 * w, sizeof *base);
	if (!base)
		return -1;
	double *prev = base, *cur = base + w;
	memset(prev, 0, sizeof(double) * w);
	for (int64_t j = 0; j <= n; j++)
		prev[j * K] = 1; /* m' = 0: only U = 0 */
	for (int64_t i = 1; i <= m; i++) {
		memset(cur, 0, sizeof(double) * w);
		cur[0] = 1; /* n' = 0 */
		for (int64_t j = 1; j <= n; j++) {
			double *c = cur + j * K;
			const double *l = cur + (j - 1) * K, *u = prev + j * K;
			for (int64_t k = 0; k < K; k++)
				c[k] = l[k] + (k >= j ? u[k - j] : 0);
		}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	const double *f = prev + n * K;
	double total = evi_binom((double)(m + n), (double)m), cum = 0;
	for (int64_t k = 0; k < K; k++)
		cum += f[k] / total;
	*out = cum;
	free(base);
	return 0;
}
