/* test_ot1d.c - invariants of transport on the line (ot1d.h): the radix
 * sort on random and adversarial input, W_p (shift, symmetry, monotone in
 * p, zero weights, duplicates, overflow), the energy distance (scaling,
 * translation) and sliced Wasserstein (axis directions, seeds, progress
 * and cancellation), and the error codes and input indices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <evald/ot1d.h>
#include <evald/rng.h>

#include "tap.h"

static evald_tensor vec(double *d, int64_t n)
{
	evald_tensor t;
	evald_tensor_init(&t, d, EVALD_F64, 1, &n);
	return t;
}

static evald_tensor mat(double *d, int64_t r, int64_t c)
{
	evald_tensor t;
	int64_t shape[2] = {r, c};
	evald_tensor_init(&t, d, EVALD_F64, 2, shape);
	return t;
}

static double w1d(double *x, int64_t n, double *y, int64_t m, double *xw,
		  double *yw, double p)
{
	evald_tensor tx = vec(x, n), ty = vec(y, m), twx, twy;
	double v = NAN;
	if (xw)
		twx = vec(xw, n);
	if (yw)
		twy = vec(yw, m);
	if (evald_wasserstein_1d(&tx, &ty, xw ? &twx : NULL, yw ? &twy : NULL,
				 p, &v, NULL) < 0)
		return NAN;
	return v;
}

static double energy(double *x, int64_t n, double *y, int64_t m)
{
	evald_tensor tx = vec(x, n), ty = vec(y, m);
	double v = NAN;
	if (evald_energy_distance(&tx, &ty, NULL, NULL, &v, NULL) < 0)
		return NAN;
	return v;
}

/* ------------------------------------------------------------ sort */

static uint64_t bits(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return u;
}

/* Total order on doubles, as the sort promises: -0.0 before +0.0. */
static int cmp_total(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	if (a < b)
		return -1;
	if (a > b)
		return 1;
	return signbit(b) - signbit(a);
}

/* Sorts a copy with index payload and checks: same values as qsort's
 * (bit for bit), payload follows its value, equal keys keep input order. */
static int sort_ok(const double *v, int64_t n)
{
	double *s = malloc((size_t)(n ? n : 1) * sizeof *s);
	double *q = malloc((size_t)(n ? n : 1) * sizeof *q);
	double *w = malloc((size_t)(n ? n : 1) * sizeof *w);
	int ok = 1;

	memcpy(s, v, (size_t)n * sizeof *s);
	memcpy(q, v, (size_t)n * sizeof *q);
	for (int64_t i = 0; i < n; i++)
		w[i] = (double)i;
	if (evald_ot1d_sort(s, w, n, NULL) < 0)
		ok = 0;
	qsort(q, (size_t)n, sizeof *q, cmp_total);
	for (int64_t i = 0; ok && i < n; i++) {
		int64_t from = (int64_t)w[i];
		if (bits(s[i]) != bits(q[i]) || bits(v[from]) != bits(s[i]))
			ok = 0;
		if (i > 0 && bits(s[i]) == bits(s[i - 1]) && w[i] <= w[i - 1])
			ok = 0;
		if (i > 0 && s[i] < s[i - 1])
			ok = 0;
	}
	free(s);
	free(q);
	free(w);
	return ok;
}

static void test_sort(void)
{
	const int64_t sizes[] = {0, 1, 2, 3, 63, 64, 65, 1000, 100003};
	evald_rng r;
	double *v = malloc(100003 * sizeof *v);

	evald_rng_seed(&r, 7);
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		int64_t n = sizes[s];
		int all = 1;

		for (int64_t i = 0; i < n; i++)
			v[i] = evald_rng_normal(&r) * 1e3;
		all &= sort_ok(v, n);
		for (int64_t i = 0; i < n; i++)
			v[i] = (double)(evald_rng_below(&r, 5)) - 2.0;
		all &= sort_ok(v, n); /* heavy duplicates */
		for (int64_t i = 0; i < n; i++)
			v[i] = (double)i;
		all &= sort_ok(v, n); /* already sorted */
		for (int64_t i = 0; i < n; i++)
			v[i] = (double)(n - i);
		all &= sort_ok(v, n); /* reversed */
		for (int64_t i = 0; i < n; i++)
			v[i] = (i % 3 == 0)   ? -0.0
			       : (i % 3 == 1) ? 0.0
					      : -1e-310;
		all &= sort_ok(v, n); /* signed zeros and a subnormal */
		for (int64_t i = 0; i < n; i++)
			v[i] = (i & 1) ? 1.7976931348623157e308 *
						 (i % 4 ? 1 : -1)
				       : 4.9e-324 * (double)(i % 7) - 1.0;
		all &= sort_ok(v, n); /* extremes of the range */
		for (int64_t i = 0; i < n; i++)
			v[i] = (double)(i % 17) * ((i & 1) ? 1.0 : -1.0) *
			       ldexp(1.0, (int)(i % 60) - 30);
		all &= sort_ok(v, n); /* sawtooth across binades */
		for (int64_t i = 0; i < n; i++)
			v[i] = 3.25;
		all &= sort_ok(v, n); /* all equal: every pass skipped */
		tap_ok(all,
		       "sort n=%lld: random, duplicates, sorted, reversed, "
		       "-0.0/+0.0, extremes, sawtooth, constant",
		       (long long)n);
	}
	v[0] = -0.0;
	v[1] = 0.0;
	v[2] = -0.0;
	evald_ot1d_sort(v, NULL, 3, NULL);
	tap_ok(signbit(v[0]) && signbit(v[1]) && !signbit(v[2]),
	       "-0.0 sorts before +0.0 (small path)");

	/* A timing to watch, not a pass/fail: the 10^6 case of the bench. */
	int64_t big = 1000000;
	double *b = malloc((size_t)big * sizeof *b);
	for (int64_t i = 0; i < big; i++)
		b[i] = evald_rng_normal(&r);
	clock_t t0 = clock();
	int rc = evald_ot1d_sort(b, NULL, big, NULL);
	double ms = 1e3 * (double)(clock() - t0) / CLOCKS_PER_SEC;
	int sorted = rc == 0;
	for (int64_t i = 1; i < big && sorted; i++)
		sorted = b[i - 1] <= b[i];
	tap_ok(sorted, "10^6 normals sorted (%.1f ms)", ms);
	free(b);
	free(v);
}

/* ------------------------------------------------------------ W_p */

static void test_wasserstein(void)
{
	double x[7] = {0.5, -1.25, 3.0, 3.0, 0.0, 7.5, -2.0};
	double y[7], z[4] = {1.0, -4.0, 2.5, 0.25};
	double wx[7] = {1, 2, 0.5, 0.5, 3, 1, 0.25}, wz[4] = {2, 1, 1, 4};
	double ps[] = {1.0, 1.5, 2.0, 3.0, 7.0};
	int ok;

	for (int i = 0; i < 7; i++)
		y[i] = x[i] + 2.75;
	ok = 1;
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		ok &= tap_close(w1d(x, 7, y, 7, NULL, NULL, ps[k]), 2.75, 1e-14,
				0);
		ok &= tap_close(w1d(y, 7, x, 7, wx, wx, ps[k]), 2.75, 1e-14, 0);
	}
	tap_ok(ok, "W_p of a set and its shift is the shift, any p, weighted "
		   "or not");

	ok = 1;
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		double a = w1d(x, 7, z, 4, wx, wz, ps[k]);
		double b = w1d(z, 4, x, 7, wz, wx, ps[k]);
		ok &= tap_close(a, b, 1e-14, 0) && a > 0;
	}
	tap_ok(ok, "W_p is symmetric (n != m, weights)");

	ok = 1;
	double prev = 0.0;
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
		double a = w1d(x, 7, z, 4, wx, NULL, ps[k]);
		ok &= a >= prev * (1 - 1e-15);
		prev = a;
	}
	tap_ok(ok, "W_p is non-decreasing in p");

	tap_ok(w1d(x, 7, x, 7, NULL, NULL, 1) == 0.0 &&
		       w1d(x, 7, x, 7, wx, wx, 2.5) == 0.0,
	       "identical sets are exactly 0 apart");

	double a0[1] = {0.0}, a1[1] = {1.0}, a01[2] = {0.0, 1.0};
	tap_ok(w1d(a0, 1, a1, 1, NULL, NULL, 1) == 1.0 &&
		       tap_close(w1d(a01, 2, a0, 1, NULL, NULL, 1), 0.5, 1e-15,
				 0) &&
		       tap_close(w1d(a01, 2, a0, 1, NULL, NULL, 2), sqrt(0.5),
				 1e-15, 0),
	       "hand-computed values: W1({0},{1}) = 1, W1({0,1},{0}) = 0.5, "
	       "W2 = sqrt(0.5)");

	/* A point with zero weight moves no mass, wherever it is. */
	double xf[8], wf[8];
	memcpy(xf, x, sizeof x);
	memcpy(wf, wx, sizeof wx);
	xf[7] = 1e6;
	wf[7] = 0.0;
	tap_ok(tap_close(w1d(xf, 8, z, 4, wf, wz, 2),
			 w1d(x, 7, z, 4, wx, wz, 2), 1e-14, 0),
	       "a zero-weight point changes nothing");

	/* Duplicating a point is the same as doubling its weight. */
	double xd[8], wd[7] = {1, 1, 1, 1, 1, 1, 2};
	memcpy(xd, x, sizeof x);
	xd[7] = x[6];
	tap_ok(tap_close(w1d(xd, 8, z, 4, NULL, NULL, 1.5),
			 w1d(x, 7, z, 4, wd, NULL, 1.5), 1e-14, 0),
	       "a duplicated point equals a doubled weight");

	/* Weights are normalised: scaling them changes nothing. */
	double ws[7];
	for (int i = 0; i < 7; i++)
		ws[i] = wx[i] * 1e-3;
	tap_ok(tap_close(w1d(x, 7, z, 4, ws, NULL, 3),
			 w1d(x, 7, z, 4, wx, NULL, 3), 1e-14, 0),
	       "weights are normalised");

	/* |x - y|^2 would overflow at 1e200; W_2 itself does not. */
	double xb[7], zb[4];
	for (int i = 0; i < 7; i++)
		xb[i] = x[i] * 1e200;
	for (int i = 0; i < 4; i++)
		zb[i] = z[i] * 1e200;
	ok = 1;
	for (size_t k = 0; k < sizeof ps / sizeof *ps; k++)
		ok &= tap_close(w1d(xb, 7, zb, 4, wx, wz, ps[k]),
				1e200 * w1d(x, 7, z, 4, wx, wz, ps[k]), 1e-13,
				0);
	tap_ok(ok, "W_p scales with the data up to 1e200 (no overflow)");

	/* Against the assignment: equal sizes and uniform weights pair the
	 * i-th smallest with the i-th smallest. */
	evald_rng r;
	evald_rng_seed(&r, 11);
	int64_t n = 5000;
	double *u = malloc((size_t)n * sizeof *u),
	       *v = malloc((size_t)n * sizeof *v);
	double *us = malloc((size_t)n * sizeof *us),
	       *vs = malloc((size_t)n * sizeof *vs);
	for (int64_t i = 0; i < n; i++) {
		u[i] = evald_rng_normal(&r);
		v[i] = 2.0 * evald_rng_uniform(&r) - 0.5;
	}
	memcpy(us, u, (size_t)n * sizeof *u);
	memcpy(vs, v, (size_t)n * sizeof *v);
	qsort(us, (size_t)n, sizeof *us, cmp_total);
	qsort(vs, (size_t)n, sizeof *vs, cmp_total);
	double s1 = 0, s3 = 0;
	for (int64_t i = 0; i < n; i++) {
		double d = fabs(us[i] - vs[i]);
		s1 += d;
		s3 += d * d * d;
	}
	tap_ok(tap_close(w1d(u, n, v, n, NULL, NULL, 1), s1 / (double)n, 1e-12,
			 0) &&
		       tap_close(w1d(u, n, v, n, NULL, NULL, 3),
				 cbrt(s3 / (double)n), 1e-12, 0),
	       "equal sizes: W_p is the mean cost of the sorted pairing");
	free(u);
	free(v);
	free(us);
	free(vs);
}

/* ------------------------------------------------------------ energy */

static void test_energy(void)
{
	double x[5] = {0.5, -1.25, 3.0, 3.0, 0.0}, z[3] = {1.0, -4.0, 2.5};
	double xs[5], zs[3], xt[5], zt[3];

	for (int i = 0; i < 5; i++) {
		xs[i] = 4.0 * x[i];
		xt[i] = x[i] - 100.0;
	}
	for (int i = 0; i < 3; i++) {
		zs[i] = 4.0 * z[i];
		zt[i] = z[i] - 100.0;
	}
	double e = energy(x, 5, z, 3);
	tap_ok(e > 0 && tap_close(energy(z, 3, x, 5), e, 1e-14, 0),
	       "energy distance is positive and symmetric");
	tap_ok(energy(x, 5, x, 5) == 0.0, "energy distance of a set to "
					  "itself is 0");
	tap_ok(tap_close(energy(xs, 5, zs, 3), 2.0 * e, 1e-14, 0),
	       "energy distance scales with the square root of the scale");
	tap_ok(tap_close(energy(xt, 5, zt, 3), e, 1e-12, 0),
	       "energy distance is translation invariant");
	double a0[1] = {0.0}, a1[1] = {1.0};
	tap_ok(tap_close(energy(a0, 1, a1, 1), sqrt(2.0), 1e-15, 0),
	       "energy({0},{1}) = sqrt(2)");
}

/* ------------------------------------------------------------ sliced */

static void test_sliced(void)
{
	enum { N = 40, M = 25, D = 3 };
	double x[N * D], y[M * D], x0[N], y0[M], wy[M];
	double e1[D] = {1, 0, 0}, ax[2 * D] = {0, 1, 0, 0, 0, -1};
	evald_rng r;
	double v, v2;
	int64_t used = 0;

	evald_rng_seed(&r, 3);
	for (int i = 0; i < N * D; i++)
		x[i] = evald_rng_normal(&r);
	for (int i = 0; i < M * D; i++)
		y[i] = 0.5 * evald_rng_normal(&r) + 1.0;
	for (int i = 0; i < N; i++)
		x0[i] = x[i * D];
	for (int i = 0; i < M; i++) {
		y0[i] = y[i * D];
		wy[i] = 1.0 + (double)(i % 3);
	}
	evald_tensor tx = mat(x, N, D), ty = mat(y, M, D), twy = vec(wy, M);
	evald_tensor tp = mat(e1, 1, D);

	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, &twy, &tp, 50, 2.0, 0,
					NULL, &v, &used, NULL) == 0 &&
		       used == 1 &&
		       tap_close(v, w1d(x0, N, y0, M, NULL, wy, 2.0), 1e-13, 0),
	       "one axis direction: sliced equals W_p of that coordinate");

	/* Two directions: the p-th powers are averaged, then the root. */
	double x1[N], y1[M], x2[N], y2[M];
	for (int i = 0; i < N; i++) {
		x1[i] = x[i * D + 1];
		x2[i] = -x[i * D + 2];
	}
	for (int i = 0; i < M; i++) {
		y1[i] = y[i * D + 1];
		y2[i] = -y[i * D + 2];
	}
	double a = w1d(x1, N, y1, M, NULL, NULL, 3.0);
	double b = w1d(x2, N, y2, M, NULL, NULL, 3.0);
	tp = mat(ax, 2, D);
	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, NULL, &tp, 50, 3.0, 0,
					NULL, &v, &used, NULL) == 0 &&
		       used == 2 &&
		       tap_close(v, cbrt((a * a * a + b * b * b) / 2.0), 1e-13,
				 0),
	       "two directions: (mean of W_p^p)^(1/p)");

	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, NULL, NULL, 30, 2.0, 5,
					NULL, &v, &used, NULL) == 0 &&
		       evald_sliced_wasserstein(&tx, &ty, NULL, NULL, NULL, 30,
						2.0, 5, NULL, &v2, &used,
						NULL) == 0 &&
		       v == v2 && used == 30 && v > 0,
	       "same seed, same value");
	evald_sliced_wasserstein(&tx, &ty, NULL, NULL, NULL, 30, 2.0, 6, NULL,
				 &v2, &used, NULL);
	tap_ok(v != v2, "another seed, other directions");
	tap_ok(evald_sliced_wasserstein(&ty, &tx, NULL, NULL, NULL, 30, 2.0, 5,
					NULL, &v2, &used, NULL) == 0 &&
		       tap_close(v, v2, 1e-13, 0),
	       "sliced is symmetric");
	tap_ok(evald_sliced_wasserstein(&tx, &tx, NULL, NULL, NULL, 20, 1.0, 1,
					NULL, &v, &used, NULL) == 0 &&
		       v == 0.0,
	       "identical sets are 0 apart");

	/* In one dimension every unit direction is +1 or -1. */
	evald_tensor t1x = mat(x0, N, 1), t1y = mat(y0, M, 1);
	tap_ok(evald_sliced_wasserstein(&t1x, &t1y, NULL, NULL, NULL, 7, 1.5, 9,
					NULL, &v, &used, NULL) == 0 &&
		       tap_close(v, w1d(x0, N, y0, M, NULL, NULL, 1.5), 1e-13,
				 0),
	       "d = 1: sliced equals W_p");

	tap_progress ts = tap_progress_new(0);
	evald_progress pr = {tap_progress_fn, &ts};
	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, NULL, NULL, 12, 2.0, 0,
					&pr, &v, &used, NULL) == 0 &&
		       ts.calls == 12 && ts.last == 1.0,
	       "progress once per direction, ending at 1");
	ts = tap_progress_new(4);
	evald_err e = {0};
	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, NULL, NULL, 12, 2.0, 0,
					&pr, &v, &used, &e) == EVALD_ECANCEL &&
		       ts.calls == 4,
	       "a nonzero progress return cancels");

	evald_tensor bad = mat(e1, 1, 2);
	tap_ok(evald_sliced_wasserstein(&tx, &ty, NULL, NULL, &bad, 50, 2.0, 0,
					NULL, &v, &used, &e) == EVALD_ESHAPE &&
		       e.input == 4,
	       "projections with the wrong d: shape error on input 4");
	evald_tensor yb = mat(y, M, D - 1);
	tap_ok(evald_sliced_wasserstein(&tx, &yb, NULL, NULL, NULL, 50, 2.0, 0,
					NULL, &v, &used, &e) == EVALD_ESHAPE &&
		       e.input == 1,
	       "x and y with different d: shape error on input 1");
	evald_tensor v1 = vec(x, N);
	tap_ok(evald_sliced_wasserstein(&v1, &ty, NULL, NULL, NULL, 50, 2.0, 0,
					NULL, &v, &used, &e) == EVALD_ESHAPE &&
		       e.input == 0,
	       "1-D x for sliced: shape error on input 0");
}

/* ------------------------------------------------------------ errors */

static void test_errors(void)
{
	double x[4] = {1, 2, 3, 4}, w[4] = {1, -1, 1, 1}, z[4] = {0, 0, 0, 0};
	evald_tensor tx = vec(x, 4), tm = mat(x, 2, 2), tw = vec(w, 4);
	evald_tensor tz = vec(z, 4), t3 = vec(w, 3), te = vec(x, 0);
	evald_err e = {0};
	double v;

	tap_ok(evald_wasserstein_1d(&tm, &tx, NULL, NULL, 1, &v, &e) ==
			       EVALD_ESHAPE &&
		       e.input == 0,
	       "2-D x: shape error on x");
	tap_ok(evald_wasserstein_1d(&tx, &te, NULL, NULL, 1, &v, &e) ==
			       EVALD_EEMPTY &&
		       e.input == 1,
	       "empty y: empty error on y");
	tap_ok(evald_wasserstein_1d(&tx, &tx, &tw, NULL, 1, &v, &e) ==
			       EVALD_EINVAL &&
		       e.input == 2,
	       "negative weight: invalid x_weights (%s)", e.msg);
	tap_ok(evald_wasserstein_1d(&tx, &tx, NULL, &tz, 1, &v, &e) ==
			       EVALD_EINVAL &&
		       e.input == 3,
	       "zero total: invalid y_weights (%s)", e.msg);
	tap_ok(evald_energy_distance(&tx, &tx, NULL, &t3, &v, &e) ==
			       EVALD_ESHAPE &&
		       e.input == 3,
	       "weight length mismatch: shape error on y_weights (%s)", e.msg);
	tap_ok(evald_wasserstein_1d(&tx, &tx, NULL, NULL, 0.5, &v, &e) ==
			       EVALD_EINVAL &&
		       e.input == -1,
	       "p < 1 is refused");
	x[2] = NAN;
	tap_ok(evald_energy_distance(&tx, &tx, NULL, NULL, &v, &e) ==
			       EVALD_EINVAL &&
		       e.input == 0,
	       "NaN in x is refused");
}

int main(void)
{
	test_sort();
	test_wasserstein();
	test_energy();
	test_sliced();
	test_errors();
	return tap_done();
}
