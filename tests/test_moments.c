/* test_moments.c - invariants of the moments accumulator and of FID that
 * the reference cases cannot show: merge order does not matter, FID is a
 * distance (zero on itself, symmetric), singular covariances give finite
 * values equal to the same problem in the subspace they live in, and a
 * seeded bootstrap is reproducible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/evald.h>

#include "tap.h"

static double *randn(evald_rng *g, int64_t n, int64_t d, double offset)
{
	double *x = malloc(n * d * sizeof(double));
	for (int64_t i = 0; i < n * d; i++)
		x[i] = offset + evald_rng_normal(g) * (1.0 + (double)(i % d));
	return x;
}

static evald_tensor mat(double *x, int64_t n, int64_t d)
{
	evald_tensor t;
	int64_t sh[2] = {n, d};
	evald_tensor_init(&t, x, EVALD_F64, 2, sh);
	return t;
}

static double max_rel_diff(const double *a, const double *b, int64_t n)
{
	double scale = 0.0, diff = 0.0;
	for (int64_t i = 0; i < n; i++) {
		scale = fmax(scale, fabs(b[i]));
		diff = fmax(diff, fabs(a[i] - b[i]));
	}
	return scale > 0 ? diff / scale : diff;
}

static void test_merge(void)
{
	evald_rng g;
	const int64_t n = 1500, d = 17;
	evald_moments one, a, b, c, s;
	evald_err e;

	evald_rng_seed(&g, 1);
	double *x = randn(&g, n, d, 1000.0);
	evald_moments_init(&one, d, NULL);
	evald_moments_add_rows(&one, x, EVALD_F64, n, NULL);

	/* Three shards of unequal size, one of a single row. */
	evald_moments_init(&a, d, NULL);
	evald_moments_init(&b, d, NULL);
	evald_moments_init(&c, d, NULL);
	evald_moments_add_rows(&a, x, EVALD_F64, 1, NULL);
	evald_moments_add_rows(&b, x + 1 * d, EVALD_F64, 700, NULL);
	evald_moments_add_rows(&c, x + 701 * d, EVALD_F64, n - 701, NULL);
	/* Merge in a different order than the rows: c, a, then b. */
	evald_moments_merge_into(&c, &a, NULL);
	int rc = evald_moments_merge(&c, b.n, b.mean, b.comoment, &e);
	tap_ok(rc == 0 && c.n == n, "merge of 3 shards counts every row");
	tap_ok(max_rel_diff(c.mean, one.mean, d) < 1e-9,
	       "merged mean equals one pass (rel %.3g)",
	       max_rel_diff(c.mean, one.mean, d));
	tap_ok(max_rel_diff(c.comoment, one.comoment, d * d) < 1e-9,
	       "merged comoment equals one pass (rel %.3g)",
	       max_rel_diff(c.comoment, one.comoment, d * d));

	/* Appends in odd batch sizes equal one pass too. */
	evald_moments_init(&s, d, NULL);
	int64_t sizes[] = {3, 1, 250, 999, 247}, off = 0;
	for (int i = 0; i < 5; i++) {
		evald_moments_add_rows(&s, x + off * d, EVALD_F64, sizes[i],
				       NULL);
		off += sizes[i];
	}
	tap_ok(s.n == n && max_rel_diff(s.comoment, one.comoment, d * d) < 1e-9,
	       "batch appends equal one pass");

	/* Covariance against a two-pass reference. */
	double *mu = calloc(d, sizeof(double));
	double *ref = calloc(d * d, sizeof(double));
	double *sig = malloc(d * d * sizeof(double));
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < d; j++)
			mu[j] += x[i * d + j] / (double)n;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < d; j++)
			for (int64_t k = 0; k < d; k++)
				ref[j * d + k] += (x[i * d + j] - mu[j]) *
						  (x[i * d + k] - mu[k]) /
						  (double)(n - 1);
	evald_moments_cov(&one, sig, NULL);
	tap_ok(max_rel_diff(sig, ref, d * d) < 1e-11,
	       "covariance equals the two-pass formula (rel %.3g)",
	       max_rel_diff(sig, ref, d * d));

	/* float32 rows equal their float64 widening. */
	float *xf = malloc(n * d * sizeof(float));
	double *xw = malloc(n * d * sizeof(double));
	for (int64_t i = 0; i < n * d; i++) {
		xf[i] = (float)x[i];
		xw[i] = xf[i];
	}
	evald_moments f32, f64;
	evald_moments_init(&f32, d, NULL);
	evald_moments_init(&f64, d, NULL);
	evald_moments_add_rows(&f32, xf, EVALD_F32, n, NULL);
	evald_moments_add_rows(&f64, xw, EVALD_F64, n, NULL);
	tap_ok(memcmp(f32.comoment, f64.comoment, d * d * sizeof(double)) ==
			       0 &&
		       memcmp(f32.mean, f64.mean, d * sizeof(double)) == 0,
	       "float32 rows give exactly the moments of their widening");

	/* A bad external comoment is refused and leaves m unchanged. */
	double *bad = calloc(d * d, sizeof(double));
	bad[1] = 1.0;
	rc = evald_moments_merge(&s, 5, mu, bad, &e);
	tap_ok(rc == EVALD_EINVAL && e.input == 1 && s.n == n,
	       "asymmetric comoment refused: %s", e.msg);
	rc = evald_moments_add_rows(&s, x, EVALD_I32, 1, &e);
	tap_ok(rc == EVALD_EINVAL, "int32 rows refused");

	evald_moments_free(&one);
	evald_moments_free(&a);
	evald_moments_free(&b);
	evald_moments_free(&c);
	evald_moments_free(&s);
	evald_moments_free(&f32);
	evald_moments_free(&f64);
	free(x);
	free(xf);
	free(xw);
	free(mu);
	free(ref);
	free(sig);
	free(bad);
}

static void test_fid_basic(void)
{
	evald_rng g;
	evald_fid_result r, r2;
	evald_err e;

	evald_rng_seed(&g, 2);
	double *x = randn(&g, 300, 12, 0.5);
	double *y = randn(&g, 200, 12, -0.25);
	evald_tensor tx = mat(x, 300, 12), ty = mat(y, 200, 12);

	int rc = evald_fid(&tx, &tx, &r, &e);
	tap_ok(rc == 0 && fabs(r.value) < 1e-9, "FID(x, x) = %.3g", r.value);
	rc = evald_fid(&tx, &ty, &r, &e);
	int rc2 = evald_fid(&ty, &tx, &r2, &e);
	tap_ok(rc == 0 && rc2 == 0 && r.value > 0 &&
		       tap_close(r.value, r2.value, 1e-12, 0),
	       "FID symmetric: %.17g vs %.17g", r.value, r2.value);
	tap_ok(r.flags == 0, "regular covariances raise no flag");
	tap_ok(tap_close(r.value, r.mean_term + r.trace_term, 1e-15, 0),
	       "value = mean_term + trace_term");

	/* One row is not a covariance; mismatched d is a shape error. */
	evald_tensor t1 = mat(x, 1, 12), t11 = mat(y, 200, 11);
	rc = evald_fid(&tx, &t1, &r, &e);
	tap_ok(rc == EVALD_EEMPTY && e.input == 1, "one sample refused: %s",
	       e.msg);
	rc = evald_fid(&tx, &t11, &r, &e);
	tap_ok(rc == EVALD_ESHAPE && e.input == 1, "dimension mismatch: %s",
	       e.msg);
	free(x);
	free(y);
}

/* Embed k-dimensional data in d dimensions through an orthonormal basis:
 * the FID must not change, whatever route the d-dim problem takes. */
static void embed(const double *lo, int64_t n, int64_t k, const double *q,
		  int64_t d, double *hi)
{
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < d; j++) {
			double s = 0;
			for (int64_t t = 0; t < k; t++)
				s += lo[i * k + t] * q[t * d + j];
			hi[i * d + j] = s;
		}
}

static void test_fid_singular(void)
{
	evald_rng g;
	evald_fid_result lo, hi;
	evald_err e;
	const int64_t k = 3, d = 10, n = 40, m = 25;

	evald_rng_seed(&g, 3);
	/* q: k orthonormal rows of length d (Gram-Schmidt). */
	double q[3 * 10];
	for (int64_t t = 0; t < k; t++) {
		for (int64_t j = 0; j < d; j++)
			q[t * d + j] = evald_rng_normal(&g);
		for (int64_t u = 0; u < t; u++) {
			double dot = 0;
			for (int64_t j = 0; j < d; j++)
				dot += q[t * d + j] * q[u * d + j];
			for (int64_t j = 0; j < d; j++)
				q[t * d + j] -= dot * q[u * d + j];
		}
		double nn = 0;
		for (int64_t j = 0; j < d; j++)
			nn += q[t * d + j] * q[t * d + j];
		for (int64_t j = 0; j < d; j++)
			q[t * d + j] /= sqrt(nn);
	}
	double *xl = randn(&g, n, k, 1.0), *yl = randn(&g, m, k, 0.0);
	double *xh = malloc(n * d * sizeof(double));
	double *yh = malloc(m * d * sizeof(double));
	embed(xl, n, k, q, d, xh);
	embed(yl, m, k, q, d, yh);
	evald_tensor txl = mat(xl, n, k), tyl = mat(yl, m, k);
	evald_tensor txh = mat(xh, n, d), tyh = mat(yh, m, d);
	evald_fid(&txl, &tyl, &lo, &e);
	int rc = evald_fid(&txh, &tyh, &hi, &e);
	tap_ok(rc == 0 && isfinite(hi.value), "both singular: finite");
	tap_ok(hi.flags & EVALD_FID_EIGEN, "both singular: eigen route");
	tap_ok(hi.rank == k, "numerical rank of Σx is %lld",
	       (long long)hi.rank);
	tap_ok(tap_close(hi.value, lo.value, 1e-9, 0),
	       "FID in the subspace: %.17g vs %.17g", hi.value, lo.value);

	/* x regular in d dims, y singular: Cholesky of x, no eigen route. */
	double *xr = randn(&g, 60, d, 0.0);
	evald_tensor txr = mat(xr, 60, d);
	evald_fid_result r1, r2;
	evald_fid(&txr, &tyh, &r1, &e);
	evald_fid(&tyh, &txr, &r2, &e);
	tap_ok(isfinite(r1.value) && r1.zeroed >= d - k &&
		       !(r1.flags & EVALD_FID_EIGEN),
	       "x regular, y singular: %lld eigenvalues at rounding level",
	       (long long)r1.zeroed);
	tap_ok((r2.flags & EVALD_FID_SINGULAR_X) &&
		       tap_close(r1.value, r2.value, 1e-9, 0),
	       "swapped: y's factor used, same value");

	/* Σx of exact rank 2 in 3 dims: its failed Cholesky leaves part of
	 * a factor in the matrix, which must be undone before y's factor
	 * transforms it.  Against the other order (x's factor never tried). */
	{
		double v1[3] = {1, 2, 0.5}, v2[3] = {0.3, -1, 2};
		double sx[9], m0[3] = {0, 0, 0}, m1[3] = {1, 0, 0};
		double sy[9] = {2, 0.3, 0.1, 0.3, 1.5, 0.2, 0.1, 0.2, 1};
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				sx[i * 3 + j] = v1[i] * v1[j] + v2[i] * v2[j];
		evald_gauss gs = {3, 0, m0, sx}, gr = {3, 0, m1, sy};
		evald_fid_gauss(&gs, &gr, &r1, &e);
		evald_fid_gauss(&gr, &gs, &r2, &e);
		tap_ok((r1.flags & EVALD_FID_SINGULAR_X) &&
			       !(r1.flags & EVALD_FID_NOT_PSD) &&
			       !(r2.flags & EVALD_FID_SINGULAR_X) &&
			       tap_close(r1.value, r2.value, 1e-12, 0),
		       "singular x restored before y's factor: %.17g vs "
		       "%.17g",
		       r1.value, r2.value);
	}

	/* N < d: 5 rows in 10 dims on both sides. */
	evald_tensor t5x = mat(xr, 5, d), t5y = mat(xr + 5 * d, 5, d);
	rc = evald_fid(&t5x, &t5y, &r1, &e);
	tap_ok(rc == 0 && isfinite(r1.value) && r1.value > 0 &&
		       (r1.flags & EVALD_FID_EIGEN) && r1.rank == 4,
	       "N < d: finite, rank %lld", (long long)r1.rank);

	/* Duplicated rows: a set of 2 distinct rows repeated. */
	double dup[6 * 4] = {1, 2, 3, 4, 0, 1, 0, 1, 1, 2, 3, 4,
			     0, 1, 0, 1, 1, 2, 3, 4, 0, 1, 0, 1};
	evald_tensor tdup = mat(dup, 6, 4);
	rc = evald_fid(&tdup, &tdup, &r1, &e);
	tap_ok(rc == 0 && fabs(r1.value) < 1e-12,
	       "duplicated rows with itself: %.3g", r1.value);

	/* Zero covariance (all rows equal) against anything. */
	double same[3 * 2] = {1, 1, 1, 1, 1, 1};
	double other[3 * 2] = {0, 1, 2, 0, 1, 5};
	evald_tensor ts = mat(same, 3, 2), to = mat(other, 3, 2);
	rc = evald_fid(&ts, &to, &r1, &e);
	/* mean (1,1) vs (1,2); trace of the other: var(0,2,1)+var(1,0,5). */
	tap_ok(rc == 0 && (r1.flags & EVALD_FID_ZERO_X) &&
		       tap_close(r1.value, 1.0 + 1.0 + 7.0, 1e-12, 0),
	       "zero covariance: %.17g", r1.value);

	/* An indefinite "covariance" is clipped and flagged, never NaN. */
	double mu[2] = {0, 0}, s1[4] = {1, 2, 2, 1}, s2[4] = {1, 0, 0, 1};
	evald_gauss gx = {2, 0, mu, s1}, gy = {2, 0, mu, s2};
	rc = evald_fid_gauss(&gx, &gy, &r1, &e);
	tap_ok(rc == 0 && isfinite(r1.value) &&
		       (r1.flags & EVALD_FID_NOT_PSD) && r1.min_eig < -0.5,
	       "indefinite sigma flagged (min eigenvalue %.3g), value %.17g",
	       r1.min_eig, r1.value);

	free(xl);
	free(yl);
	free(xh);
	free(yh);
	free(xr);
}

static void test_check_gauss(void)
{
	double mu[2] = {0, 0}, s[4] = {1, 0.5, 0.4, 1};
	evald_tensor tm, ts;
	int64_t d1[1] = {2}, d2[2] = {2, 2}, d3[2] = {2, 3};
	evald_err e;

	evald_tensor_init(&tm, mu, EVALD_F64, 1, d1);
	evald_tensor_init(&ts, s, EVALD_F64, 2, d2);
	int rc = evald_fid_check_gauss(&tm, &ts, &e);
	tap_ok(rc == EVALD_EINVAL && e.input == 1, "asymmetric sigma: %s",
	       e.msg);
	s[2] = 0.5;
	tap_ok(evald_fid_check_gauss(&tm, &ts, &e) == 0, "symmetric sigma ok");
	evald_tensor_init(&ts, s, EVALD_F64, 2, d3);
	rc = evald_fid_check_gauss(&tm, &ts, &e);
	tap_ok(rc == EVALD_ESHAPE && e.input == 1, "non-square sigma: %s",
	       e.msg);
}

static void test_bootstrap(void)
{
	evald_rng g;
	evald_fid_result a, b, c;
	evald_err e;
	tap_progress tk = tap_progress_new(0);
	evald_progress p = {tap_progress_fn, &tk};

	evald_rng_seed(&g, 4);
	double *x = randn(&g, 80, 6, 0.0), *y = randn(&g, 70, 6, 0.3);
	evald_tensor tx = mat(x, 80, 6), ty = mat(y, 70, 6);
	int rc = evald_fid_bootstrap(&tx, &ty, 20, 7, &p, &a, &e);
	evald_fid_bootstrap(&tx, &ty, 20, 7, NULL, &b, &e);
	evald_fid_bootstrap(&tx, &ty, 20, 8, NULL, &c, &e);
	tap_ok(rc == 0 && a.bootstrap == 20 && a.std > 0 && a.ci_lo < a.ci_hi,
	       "bootstrap: ci95 [%.6g, %.6g], std %.3g", a.ci_lo, a.ci_hi,
	       a.std);
	tap_ok(a.ci_lo == b.ci_lo && a.ci_hi == b.ci_hi && a.std == b.std &&
		       a.value == b.value,
	       "same seed, same bootstrap");
	tap_ok(a.ci_lo != c.ci_lo || a.ci_hi != c.ci_hi,
	       "another seed, another bootstrap");
	tap_ok(a.median == b.median && a.pct_lo == b.pct_lo &&
		       a.pct_hi == b.pct_hi,
	       "same seed, same percentiles and median");
	tap_ok(tk.calls == 21 && tk.last == 1.0, "progress: %d ticks, last %g",
	       tk.calls, tk.last);
	tap_progress stop = tap_progress_new(5);
	evald_progress ps = {tap_progress_fn, &stop};
	rc = evald_fid_bootstrap(&tx, &ty, 20, 7, &ps, &a, &e);
	tap_ok(rc == EVALD_ECANCEL && stop.calls == 5, "cancel stops the loop");
	free(x);
	free(y);
}

/* Few rows for their dimension: FID's upward bias is large and the
 * resamples' larger, so the plain percentile interval can lie above the
 * value.  The recentred interval contains it for every seed. */
static void test_bootstrap_contains_value(void)
{
	evald_rng g;
	evald_fid_result a;
	evald_err e;
	int above = 0, inside = 0, width = 0, n = 0;

	for (uint64_t k = 0; k < 12; k++) {
		evald_rng_seed(&g, 100 + k);
		int64_t rows = 12 + 4 * (int64_t)k;
		double *x = randn(&g, rows, 8, 0.0),
		       *y = randn(&g, rows, 8, 0.1 * (double)(k % 3));
		evald_tensor tx = mat(x, rows, 8), ty = mat(y, rows, 8);
		if (evald_fid_bootstrap(&tx, &ty, 30, k, NULL, &a, &e) == 0) {
			n++;
			above += a.pct_lo > a.value;
			inside += a.ci_lo <= a.value && a.value <= a.ci_hi &&
				  a.ci_lo >= 0;
			/* Unclipped, the width is the percentiles'. */
			width += a.ci_lo == 0 || fabs((a.ci_hi - a.ci_lo) -
						      (a.pct_hi - a.pct_lo)) <=
							 1e-12 * (a.pct_hi + 1);
		}
		free(x);
		free(y);
	}
	tap_ok(n == 12 && above > 0,
	       "the plain percentile interval excluded the value in %d of %d",
	       above, n);
	tap_ok(inside == n, "ci95 contains the value in %d of %d", inside, n);
	tap_ok(width == n, "ci95 keeps the percentiles' width in %d of %d",
	       width, n);
}

/* A fit of the rows of x [n, d] (malloc'd mu and sigma). */
static evald_gauss fit(const double *x, int64_t n, int64_t d)
{
	evald_tensor t = mat((double *)x, n, d);
	evald_err e;
	double *mu = malloc(d * sizeof(double));
	double *sg = malloc(d * d * sizeof(double));
	evald_moments_of(&t, mu, sg, &e);
	return (evald_gauss){d, n, mu, sg};
}

/* A prepared reference must give evald_fid_gauss's value on either side,
 * with the other covariance copied or destroyed, and give its covariance
 * back through its factor. */
static void check_prepared(const char *what, const evald_gauss *gx,
			   const evald_gauss *gy, int expect_eigen)
{
	evald_fid_result direct, rx, ry, rin, both;
	evald_fid_ref px, py;
	evald_err e;
	int64_t d = gx->d;
	double scale = 0;

	evald_fid_gauss(gx, gy, &direct, &e);
	for (int64_t i = 0; i < d; i++)
		scale += gx->sigma[i * d + i] + gy->sigma[i * d + i];
	int ok = evald_fid_ref_prepare(gx, &px, &e) == 0 &&
		 evald_fid_ref_prepare(gy, &py, &e) == 0;
	tap_ok(ok, "%s: both sides prepare", what);
	if (!ok)
		return;
	evald_fid_with_ref(&px, 0, gy, NULL, &rx, &e);
	evald_fid_with_ref(&py, 1, gx, NULL, &ry, &e);
	tap_ok(tap_close(rx.value, direct.value, 1e-9, 1e-12 * scale) &&
		       tap_close(ry.value, direct.value, 1e-9, 1e-12 * scale),
	       "%s: reference as x %.17g, as y %.17g, direct %.17g", what,
	       rx.value, ry.value, direct.value);
	double *sy = malloc(d * d * sizeof(double));
	memcpy(sy, gy->sigma, d * d * sizeof(double));
	evald_fid_with_ref(&px, 0, gy, sy, &rin, &e);
	tap_ok(rin.value == rx.value, "%s: in place equals the copy", what);
	evald_fid_ref_sigma(&py, sy);
	double amax = 0, dmax = 0;
	for (int64_t i = 0; i < d * d; i++) {
		amax = fmax(amax, fabs(gy->sigma[i]));
		dmax = fmax(dmax, fabs(sy[i] - gy->sigma[i]));
	}
	tap_ok(dmax <= 1e-10 * amax + 1e-300,
	       "%s: F Fᵀ gives sigma back (max diff %.3g of %.3g)", what, dmax,
	       amax);
	evald_gauss gy2 = {d, gy->n, py.mu, sy};
	evald_fid_with_ref(&px, 0, &gy2, sy, &both, &e);
	tap_ok(tap_close(both.value, direct.value, 1e-9, 1e-12 * scale),
	       "%s: two prepared references %.17g", what, both.value);
	if (expect_eigen)
		tap_ok((ry.flags & EVALD_FID_EIGEN) &&
			       (ry.flags & EVALD_FID_SINGULAR_Y) &&
			       ry.rank == expect_eigen,
		       "%s: singular reference uses its eigen factor, rank "
		       "%lld",
		       what, (long long)ry.rank);
	evald_fid_ref_free(&px);
	evald_fid_ref_free(&py);
	free(sy);
}

static void test_fid_prepared(void)
{
	evald_rng g;
	const int64_t d = 10;

	evald_rng_seed(&g, 11);
	double *a = randn(&g, 60, d, 0.5), *b = randn(&g, 40, d, -0.25);
	evald_gauss ga = fit(a, 60, d), gb = fit(b, 40, d);
	check_prepared("regular", &ga, &gb, 0);

	/* y of 5 rows in 10 dims: rank 4. */
	evald_gauss g5 = fit(b, 5, d);
	check_prepared("N < d reference", &ga, &g5, 4);
	evald_gauss g6 = fit(a, 6, d);
	check_prepared("both N < d", &g6, &g5, 4);

	/* All rows equal: Σ = 0. */
	double *same = malloc(4 * d * sizeof(double));
	for (int64_t i = 0; i < 4; i++)
		memcpy(same + i * d, a, d * sizeof(double));
	evald_gauss gz = fit(same, 4, d);
	check_prepared("zero covariance", &ga, &gz, 0);

	evald_gauss g1 = fit(a, 60, 1), h1 = fit(b, 40, 1);
	check_prepared("d = 1", &g1, &h1, 0);

	evald_gauss *all[] = {&ga, &gb, &g5, &g6, &gz, &g1, &h1};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		free((double *)all[i]->mu);
		free((double *)all[i]->sigma);
	}
	free(a);
	free(b);
	free(same);
}

int main(void)
{
	test_merge();
	test_fid_basic();
	test_fid_singular();
	test_check_gauss();
	test_fid_prepared();
	test_bootstrap();
	test_bootstrap_contains_value();
	return tap_done();
}
