/* ksdist.c - the Kolmogorov-Smirnov distributions ks_2samp needs, as
 * SciPy 1.10 computes them: the one-sided smirnov survival function, the
 * two-sided one-sample distribution kstwo (scipy/stats/_ksstats.py: Ruben-
 * Gambino, Durbin's matrix, Pomeranz, Pelz-Good, chosen as Simard &
 * L'Ecuyer advise) and the exact two-sample counts of Hodges' lattice
 * paths (_compute_prob_outside_square, _compute_outer_prob_inside_method,
 * _count_paths_outside_method).  The algorithms are SciPy's, step for
 * step, so that the p-values agree to rounding, not just to the method's
 * accuracy. */
#include <math.h>
#include <string.h>

#include <evald/twosample.h>

#include "internal.h"
#include "pdist.h"

#define E128	128
#define LOG_2PI 1.8378770664093453
#define SQRT2PI 2.5066282746310002
#define MIN_LOG (-708.0)
#define PI2	(M_PI * M_PI)

static double clip01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* ------------------------------------------------------------ smirnov */

/* Birnbaum & Tingey: P(D+_n >= d) = d * sum_j C(n,j) (d + j/n)^(j-1)
 * (1 - d - j/n)^(n-j), j = 0 .. floor(n(1-d)).  Every term is positive,
 * so the sum in logs loses nothing to cancellation. */
double evald_smirnov(int64_t n, double d)
{
	if (n < 1 || isnan(d))
		return NAN;
	if (d >= 1)
		return 0;
	if (d <= 0)
		return 1;
	double nn = (double)n, lgn = lgamma(nn + 1), sum = 0;
	int64_t jmax = (int64_t)floor(nn * (1 - d));
	if (jmax > n)
		jmax = n;
	for (int64_t j = 0; j <= jmax; j++) {
		double p = d + (double)j / nn, q = 1 - p;
		double lt = lgn - lgamma((double)j + 1) -
			    lgamma((double)(n - j) + 1) +
			    (double)(j - 1) * log(p);
		if (n - j > 0) {
			if (q <= 0)
				continue;
			lt += (double)(n - j) * log(q);
		}
		sum += exp(lt);
	}
	return clip01(sum * d);
}

/* ------------------------------------------------------------ kstwo */

static double log_nfact_div_npown(double n)
{
	static const double c[] = {
		-2.955065359477124183e-2,  6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4,  7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2};
	double rn = 1.0 / n, x = rn / n, pv = 0;
	for (int i = 0; i < 8; i++)
		pv = pv * x + c[i];
	return log(n) / 2 - n + LOG_2PI / 2 + rn * pv;
}

/* c = a * b for m x m row-major matrices (c distinct from both). */
static void matmul(const double *a, const double *b, double *c, int m)
{
	for (int i = 0; i < m; i++)
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int k = 0; k < m; k++)
				s += a[i * m + k] * b[k * m + j];
			c[i * m + j] = s;
		}
}

/* Durbin's matrix algorithm (Marsaglia, Tsang & Wang): the CDF, or NaN
 * when memory runs out. */
static double kolmogn_dmtw(int64_t n, double d)
{
	if (d >= 1.0)
		return 1.0;
	double nd = (double)n * d;
	if (nd <= 0.5)
		return 0.0;
	int k = (int)ceil(nd), m = 2 * k - 1;
	double h = k - nd, p = NAN;
	double *H = evi_xalloc((int64_t)m * m * 4, sizeof *H);
	double *v = evi_xalloc(2 * m, sizeof *v), *w = v + m;
	if (!H || !v)
		goto out;
	double *P = H + m * m, *T = P + m * m, *T2 = T + m * m;
	double fac = 1.0;
	for (int j = 1; j <= m; j++) {
		v[j - 1] = 1.0 - pow(h, j);
		w[j - 1] = fac;
		fac /= j;
		v[j - 1] *= fac;
	}
	double tt = pow(fmax(2 * h - 1.0, 0), m) - 2 * pow(h, m);
	v[m - 1] = (1.0 + tt) * fac;
	memset(H, 0, sizeof(double) * m * m);
	for (int i = 1; i < m; i++)
		for (int r = i - 1; r < m; r++)
			H[r * m + i] = w[r - i + 1];
	for (int r = 0; r < m; r++)
		H[r * m] = v[r];
	for (int c = 0; c < m; c++)
		H[(m - 1) * m + c] = v[m - 1 - c];
	memset(P, 0, sizeof(double) * m * m);
	for (int i = 0; i < m; i++)
		P[i * m + i] = 1;
	int expnt = 0, hexp = 0;
	for (int64_t nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			matmul(P, H, T, m);
			memcpy(P, T, sizeof(double) * m * m);
			expnt += hexp;
		}
		matmul(H, H, T2, m);
		memcpy(H, T2, sizeof(double) * m * m);
		hexp *= 2;
		if (fabs(H[(k - 1) * m + k - 1]) > ldexp(1, E128)) {
			for (int i = 0; i < m * m; i++)
				H[i] /= ldexp(1, E128);
			hexp += E128;
		}
	}
	p = P[(k - 1) * m + k - 1];
	for (int64_t i = 1; i <= n; i++) {
		p = (double)i * p / (double)n;
		if (fabs(p) < ldexp(1, -E128)) {
			p *= ldexp(1, E128);
			expnt -= E128;
		}
	}
	if (expnt)
		p = ldexp(p, expnt);
out:
	free(H);
	free(v);
	return isnan(p) ? p : clip01(p);
}

static void pomeranz_j1j2(int64_t i, int64_t n, int64_t ll, int ceilf,
			  int roundf, int64_t *j1, int64_t *j2)
{
	int64_t a, b;
	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else {
		int64_t d = (i + 1) / 2, r = (i + 1) % 2;
		if (r == 0) {
			if (d == n + 1) {
				a = n - ll - ceilf - 1;
				b = n + ll + ceilf - 1;
			} else {
				a = d - 1 - ll - roundf - 1;
				b = d + ll - 1 + ceilf - 1;
			}
		} else {
			a = d - 1 - ll - 1;
			b = d + ll + roundf - 1;
		}
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

/* Pomeranz's recursion (1974): the CDF, or NaN when memory runs out. */
static double kolmogn_pomeranz(int64_t n, double x)
{
	double t = (double)n * x;
	int64_t ll = (int64_t)floor(t);
	double f = t - (double)ll, g = fmin(f, 1.0 - f);
	int ceilf = f > 0, roundf = f > 0.5;
	int64_t np = 2 * (ll + 1);
	double *buf = evi_xalloc(6 * np, sizeof *buf), ans = NAN;
	if (!buf)
		return NAN;
	double *gp = buf, *tgp = gp + np, *omp = tgp + np;
	double *V0 = omp + np, *V1 = V0 + np, *conv = V1 + np;
	gp[0] = tgp[0] = omp[0] = 1.0;
	double gn = g / n, tgn = 2 * g / n, omn = (1 - 2 * g) / n;
	for (int64_t m = 1; m < np; m++) {
		gp[m] = gp[m - 1] * gn / m;
		tgp[m] = tgp[m - 1] * tgn / m;
		omp[m] = omp[m - 1] * omn / m;
	}
	memset(V0, 0, sizeof(double) * np);
	memset(V1, 0, sizeof(double) * np);
	V1[0] = 1;
	int64_t V0s = 0, V1s = 0, j1, j2, expnt = 0;
	pomeranz_j1j2(0, n, ll, ceilf, roundf, &j1, &j2);
	for (int64_t i = 1; i < 2 * n + 2; i++) {
		int64_t k1 = j1, ts = V0s;
		double *tv = V0;
		V0 = V1;
		V1 = tv;
		V0s = V1s;
		V1s = ts;
		memset(V1, 0, sizeof(double) * np);
		pomeranz_j1j2(i, n, ll, ceilf, roundf, &j1, &j2);
		const double *pw = (i == 1 || i == 2 * n + 1) ? gp
				   : (i % 2)		      ? tgp
							      : omp;
		int64_t ln2 = j2 - k1 + 1;
		if (ln2 <= 0)
			continue;
		const double *a = V0 + (k1 - V0s);
		int64_t cs = j1 - k1, cl = j2 - j1 + 1;
		for (int64_t q = 0; q < cl; q++) {
			int64_t kk = cs + q;
			double s = 0;
			for (int64_t u = 0; u <= kk && u < ln2; u++)
				if (kk - u < ln2)
					s += a[u] * pw[kk - u];
			conv[q] = s;
		}
		double mx = 0;
		for (int64_t q = 0; q < cl; q++) {
			V1[q] = conv[q];
			mx = fmax(mx, V1[q]);
		}
		if (mx > 0 && mx < ldexp(1, -E128)) {
			for (int64_t q = 0; q < np; q++)
				V1[q] *= ldexp(1, E128);
			expnt -= E128;
		}
		V1s = V0s + j1 - k1;
	}
	ans = V1[n - V1s];
	for (int64_t m = 1; m <= n; m++) {
		if (fabs(ans) > ldexp(1, E128)) {
			ans *= ldexp(1, -E128);
			expnt += E128;
		}
		ans *= (double)m;
	}
	if (expnt)
		ans = ldexp(ans, (int)expnt);
	free(buf);
	return clip01(ans);
}

/* Pelz & Good's asymptotic series (1976) for the CDF. */
static double kolmogn_pelzgood(int64_t n, double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double z = sqrt((double)n) * x, z2 = z * z, z3 = z2 * z, z4 = z2 * z2,
	       z6 = z4 * z2;
	double qlog = -PI2 / 8 / z2;
	if (qlog < MIN_LOG)
		return 0.0;
	double q = exp(qlog);
	double k1a = -z2, k1b = PI2 / 4;
	double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * PI2 / 4,
	       k2c = PI2 * PI2 * (1 - 2 * z2) / 16;
	double k3d = PI2 * PI2 * PI2 * (5 - 30 * z2) / 64,
	       k3c = PI2 * PI2 * (-60 * z2 + 212 * z4) / 16,
	       k3b = PI2 * (135 * z4 - 96 * z6) / 4,
	       k3a = -30 * z6 - 90 * pow(z, 8);
	double K[4] = {0, 0, 0, 0};
	int64_t maxk = (int64_t)ceil(16 * z / M_PI);
	for (int64_t k = maxk; k > 0; k--) {
		double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
		double qp = pow(q, 8.0 * k);
		double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
			       k3a + k3b * m2 + k3c * m4 + k3d * m6};
		for (int i = 0; i < 4; i++)
			K[i] = K[i] * qp + c[i];
	}
	double den[4] = {z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)};
	for (int i = 0; i < 4; i++)
		K[i] = K[i] * q * SQRT2PI / den[i];
	q = exp(-PI2 / 2 / z2);
	double e2 = 0, e3 = 0, s3z = sqrt(3.0) * z;
	for (int64_t k = maxk; k > 0; k--) {
		double ks = (double)k * k, qp = pow(q, ks), kp = M_PI * k;
		e2 += ks * qp;
		e3 += (s3z + kp) * (s3z - kp) * ks * qp;
	}
	K[2] += e2 * (PI2 * SQRT2PI / (-36 * z3));
	K[3] += e3 * (PI2 * SQRT2PI / (216 * z6));
	double sum = 0;
	for (int i = 0; i < 4; i++)
		sum += K[i] / pow((double)n, i / 2.0);
	return sum;
}

/* SciPy's _select_and_clip_prob: each branch knows both tails and hands
 * back the one asked for, never 1 - (1 - p). */
static double pick(double cdfp, double sfp, int cdf)
{
	return clip01(cdf ? cdfp : sfp);
}

/* scipy.stats._ksstats._kolmogn: the CDF (cdf) or SF of D_n at x. */
static double kolmogn(int64_t n, double x, int cdf)
{
	double nd = (double)n, t = nd * x, p;
	if (n < 1 || isnan(x))
		return NAN;
	if (x >= 1.0)
		return cdf ? 1.0 : 0.0;
	if (x <= 0.0 || t <= 0.5)
		return cdf ? 0.0 : 1.0;
	if (t <= 1.0) {
		if (n <= 140) {
			p = 1.0;
			for (int64_t i = 1; i <= n; i++)
				p *= (double)i * (1.0 / nd) * (2 * t - 1);
		} else {
			p = exp(log_nfact_div_npown(nd) + nd * log(2 * t - 1));
		}
		return pick(p, 1.0 - p, cdf);
	}
	if (t >= nd - 1) {
		p = 2 * pow(1.0 - x, nd);
		return pick(1 - p, p, cdf);
	}
	if (x >= 0.5) {
		p = 2 * evald_smirnov(n, x);
		return pick(1.0 - p, p, cdf);
	}
	double nx2 = t * x;
	if (n <= 140) {
		if (nx2 <= 0.754693)
			p = kolmogn_dmtw(n, x);
		else if (nx2 <= 4)
			p = kolmogn_pomeranz(n, x);
		else {
			p = 2 * evald_smirnov(n, x);
			return pick(1.0 - p, p, cdf);
		}
		return pick(p, 1.0 - p, cdf);
	}
	if (!cdf) {
		if (nx2 >= 370.0)
			return 0.0;
		if (nx2 >= 2.2)
			return clip01(2 * evald_smirnov(n, x));
	}
	if (nx2 >= 18.0)
		p = 1.0;
	else if (n <= 100000 && nd * pow(x, 1.5) <= 1.4)
		p = kolmogn_dmtw(n, x);
	else
		p = kolmogn_pelzgood(n, x);
	return pick(p, 1.0 - p, cdf);
}

double evald_kstwo_sf(int64_t n, double d)
{
	return kolmogn(n, d, 0);
}

/* ------------------------------------------------------------ exact */

/* scipy.special.binom for integer arguments (cephes' beta for large k). */
double evi_binom(double n, double k)
{
	double kx = k, nx = n;
	if (kx > nx / 2 && nx > 0)
		kx = nx - kx;
	if (kx < 0)
		return 0;
	if (kx < 20) {
		double num = 1, den = 1;
		for (double i = 1; i < 1 + kx; i++) {
			num *= i + n - kx;
			den *= i;
			if (fabs(num) > 1e50) {
				num /= den;
				den = 1;
			}
		}
		return num / den;
	}
	double a = 1 + n - k, b = 1 + k, beta;
	if (a + b > 171.6241) {
		beta = exp(lgamma(a) + (lgamma(b) - lgamma(a + b)));
	} else {
		double y = tgamma(a + b);
		beta = a > b ? tgamma(a) / y * tgamma(b)
			     : tgamma(b) / y * tgamma(a);
	}
	return 1 / (n + 1) / beta;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Pr(D_{n,n} >= h/n), two-sided, by SciPy's Horner-like alternating sum. */
static double prob_outside_square(int64_t n, int64_t h)
{
	double P = 0.0;
	for (int64_t k = n / h; k >= 0; k--) {
		double p1 = 1.0;
		for (int64_t j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 /
			     (double)(n + k * h + j + 1);
		P = p1 * (1.0 - P);
	}
	return 2 * P;
}

/* 1 - the share of paths staying strictly inside |x/m - y/n| < h/lcm,
 * Viehmann's recursion as SciPy's pythran kernel runs it. */
static double outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h,
				int *oom)
{
	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t minj = 0, maxj = (int64_t)ceil((double)h / (double)mg);
	if (maxj > n + 1)
		maxj = n + 1;
	int64_t curlen = maxj - minj, lenA = 2 * maxj + 2;
	if (lenA > n + 1)
		lenA = n + 1;
	double *A = evi_xalloc(lenA, sizeof *A), r;
	if (!A) {
		*oom = 1;
		return NAN;
	}
	for (int64_t j = 0; j < lenA; j++)
		A[j] = (j >= minj && j < maxj) ? 0.0 : 1.0;
	for (int64_t i = 1; i <= m; i++) {
		int64_t lastminj = minj, lastlen = curlen;
		minj = (int64_t)floor((double)(ng * i - h) / (double)mg) + 1;
		minj = minj < 0 ? 0 : minj > n ? n : minj;
		maxj = (int64_t)ceil((double)(ng * i + h) / (double)mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj) {
			free(A);
			return 1.0;
		}
		double val = minj == 0 ? 0.0 : 1.0;
		for (int64_t jj = 0; jj < maxj - minj; jj++) {
			int64_t j = jj + minj;
			val = (A[jj + minj - lastminj] * (double)i +
			       val * (double)j) /
			      (double)(i + j);
			A[jj] = val;
		}
		curlen = maxj - minj;
		for (int64_t q = curlen;
		     q < curlen + (lastlen - curlen) && q < lenA; q++)
			A[q] = 1;
	}
	r = A[maxj - minj - 1];
	free(A);
	return r;
}

/* The number of paths that cross below m*y <= n*x - h*g (one-sided), as a
 * double that may overflow to inf or NaN. */
static double count_paths_outside(int64_t m, int64_t n, int64_t g, int64_t h,
				  int *oom)
{
	if (m < n) {
		int64_t t = m;
		m = n;
		n = t;
	}
	int64_t mg = m / g, ng = n / g;
	int64_t lxj = n + floordiv(mg - h, mg);
	if (lxj <= 0)
		return evi_binom((double)(m + n), (double)n);
	int64_t *xj = evi_xalloc(lxj, sizeof *xj);
	double *B = evi_xalloc(lxj, sizeof *B), num = 0;
	if (!xj || !B) {
		*oom = 1;
		num = NAN;
		goto out;
	}
	for (int64_t j = 0; j < lxj; j++)
		xj[j] = (h + mg * j + ng - 1) / ng;
	B[0] = 1;
	for (int64_t j = 1; j < lxj; j++) {
		double Bj = evi_binom((double)(xj[j] + j), (double)j);
		for (int64_t i = 0; i < j; i++)
			Bj -= evi_binom((double)(xj[j] - xj[i] + j - i),
					(double)(j - i)) *
			      B[i];
		if (!isfinite(Bj)) {
			num = NAN; /* SciPy stops at the first overflow */
			goto out;
		}
		B[j] = Bj;
	}
	for (int64_t j = 0; j < lxj; j++)
		num += B[j] * evi_binom((double)((m - xj[j]) + (n - j)),
					(double)(n - j));
out:
	free(xj);
	free(B);
	return num;
}

int evald_ks2_exact(int64_t n, int64_t m, int64_t h, int two_sided, double *p)
{
	int64_t g = n, b = m;
	int oom = 0;
	double prob;

	while (b) {
		int64_t t = g % b;
		g = b;
		b = t;
	}
	if (h == 0) {
		*p = 1.0;
		return 0;
	}
	if (two_sided && n == m) {
		prob = prob_outside_square(n, h);
	} else if (two_sided) {
		prob = outer_prob_inside(n, m, g, h, &oom);
	} else if (n == m) {
		prob = 1.0;
		for (int64_t j = 0; j < h; j++)
			prob *= (double)(n - j) / ((double)n + (double)j + 1.0);
	} else {
		double paths = count_paths_outside(n, m, g, h, &oom);
		double bin = evi_binom((double)(n + m), (double)n);
		if (!isfinite(paths) || !isfinite(bin) || paths > bin)
			return oom ? -2 : -1;
		prob = paths / bin;
	}
	if (oom)
		return -2;
	if (!(prob >= 0 && prob <= 1)) {
		*p = prob;
		return -1;
	}
	*p = prob;
	return 0;
}
