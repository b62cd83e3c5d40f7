/* fid.c - Fréchet Inception Distance through Cholesky, dsygst and
 * eigenvalues only (see fid.h for the formula, the singular-covariance rule
 * and the flop count), and its bootstrap confidence interval.
 *
 * All LAPACK calls use column-major layout: the matrices are symmetric, so
 * a C-order covariance is its own column-major image, and LAPACKE does no
 * transposing copies. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/fid.h>
#include <evald/moments.h>
#include <evald/reduce.h>
#include <evald/rng.h>

#include "fid_internal.h"
#include "internal.h"

/* Square tiles for the transposing loops: walking a[j * d + i] down a
 * whole column misses the cache on every element once d is large (5% of
 * a d = 2048 request's samples went to the untiled copy); a pair of 64 x 64
 * tiles stays in L1/L2. */
#define TILE 64

int evi_fid_chol(double *a, int64_t d, double smax)
{
	if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)d, a,
			   (lapack_int)d) != 0)
		return 0;
	double floor_ = (double)d * DBL_EPSILON * smax;
	for (int64_t i = 0; i < d; i++)
		if (a[i * d + i] * a[i * d + i] <= floor_)
			return 0;
	return 1;
}

int evi_fid_sqrt_eig_sum(double *m, int64_t k, double *w, fid_trace *t,
			 evald_err *err)
{
	if (k == 0)
		return EVALD_OK;
	lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L',
					 (lapack_int)k, m, (lapack_int)k, w);
	if (info != 0)
		return evald_fail(err, EVALD_ENUMERIC, -1,
				  "the eigenvalue solver failed on the %lld x "
				  "%lld trace matrix (LAPACK info %d)",
				  (long long)k, (long long)k, (int)info);
	for (int64_t i = 0; i < k; i++) {
		double l = w[i];
		if (l < -t->tau) {
			t->flags |= EVALD_FID_NOT_PSD;
			t->min_eig = fmin(t->min_eig, l);
		}
		if (l <= t->tau) {
			if (l >= -t->tau)
				t->zeroed++;
			w[i] = 0.0;
		} else {
			w[i] = sqrt(l);
		}
	}
	t->tr_sqrt = evald_sum(w, k);
	return EVALD_OK;
}

int evi_fid_eigen_factor(double *a, double *z, int64_t d, double *w,
			 fid_trace *t, int64_t *rank, evald_err *err)
{
	lapack_int nfound = 0;
	lapack_int *supp = evi_xalloc(2 * d, sizeof(lapack_int));
	int64_t r = 0;

	if (!supp)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the eigen solver");
	lapack_int info =
		LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'A', 'L', (lapack_int)d,
			       a, (lapack_int)d, 0.0, 0.0, 0, 0, 0.0, &nfound,
			       w, z, (lapack_int)d, supp);
	free(supp);
	if (info != 0)
		return evald_fail(err, EVALD_ENUMERIC, -1,
				  "the eigen solver failed on a %lld x %lld "
				  "covariance (LAPACK info %d)",
				  (long long)d, (long long)d, (int)info);
	double lmax = fmax(w[d - 1], 0.0);
	double tol = (double)d * DBL_EPSILON * lmax;
	/* Eigenvector columns scaled by √λ, rounding-level eigenvalues
	 * dropped. */
	for (int64_t i = 0; i < d; i++) {
		if (w[i] < -tol) {
			t->flags |= EVALD_FID_NOT_PSD;
			t->min_eig = fmin(t->min_eig, w[i]);
		}
		if (w[i] <= tol)
			continue;
		double s = sqrt(w[i]);
		for (int64_t k = 0; k < d; k++)
			a[r * d + k] = z[i * d + k] * s;
		r++;
	}
	*rank = r;
	return EVALD_OK;
}

void evi_fid_finish(double mean_term, double traces, const fid_trace *t,
		    evald_fid_result *r)
{
	r->mean_term = mean_term;
	/* Non-negative in exact arithmetic (a squared Bures distance); a
	 * rounding-level negative result is reported as 0. */
	r->trace_term = fmax(0.0, traces - 2.0 * t->tr_sqrt);
	r->value = r->mean_term + r->trace_term;
	r->flags = t->flags;
	r->min_eig = t->min_eig;
	r->zeroed = t->zeroed;
	r->tau = t->tau;
	r->rank = t->rank;
}

int evi_fid_trace_through(const double *f, int64_t rank, int chol, double *b,
			  double *z, int64_t d, double *w, fid_trace *t,
			  evald_err *err)
{
	if (chol) {
		/* b ← Lᵀ Σ L (lower triangle). */
		LAPACKE_dsygst(LAPACK_COL_MAJOR, 2, 'L', (lapack_int)d, b,
			       (lapack_int)d, f, (lapack_int)d);
		return evi_fid_sqrt_eig_sum(b, d, w, t, err);
	}
	if (rank == 0)
		return EVALD_OK;
	/* z = Σ W (d x r); then b = Wᵀ z (r x r). */
	cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, (int)d, (int)rank,
		    1.0, b, (int)d, f, (int)d, 0.0, z, (int)d);
	cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)rank,
		    (int)rank, (int)d, 1.0, f, (int)d, z, (int)d, 0.0, b,
		    (int)rank);
	return evi_fid_sqrt_eig_sum(b, rank, w, t, err);
}

/* Both covariances singular: Σx = W Wᵀ from its eigendecomposition and
 * tr √(Σx Σy) = tr √(Wᵀ Σy W).  a holds ½(Σx + Σxᵀ), b holds
 * ½(Σy + Σyᵀ); z is scratch [d,d]; all destroyed. */
static int eigen_route(double *a, double *b, double *z, int64_t d, double *w,
		       fid_trace *t, evald_err *err)
{
	int64_t r = 0;
	int rc = evi_fid_eigen_factor(a, z, d, w, t, &r, err);
	if (rc)
		return rc;
	t->rank = r;
	t->zeroed += d - r;
	return evi_fid_trace_through(a, r, 0, b, z, d, w, t, err);
}

/* a = ½(a + aᵀ) in place, tile pair by tile pair; returns max(0, max
 * diagonal) and saves the diagonal in diag (a Cholesky attempt overwrites
 * it). */
double evi_fid_sym(double *a, int64_t d, double *diag)
{
	double dmax = 0.0;
	for (int64_t i0 = 0; i0 < d; i0 += TILE) {
		int64_t i1 = i0 + TILE < d ? i0 + TILE : d;
		for (int64_t j0 = i0; j0 < d; j0 += TILE) {
			int64_t j1 = j0 + TILE < d ? j0 + TILE : d;
			for (int64_t i = i0; i < i1; i++)
				for (int64_t j = j0 > i ? j0 : i + 1; j < j1;
				     j++) {
					double v = 0.5 * (a[i * d + j] +
							  a[j * d + i]);
					a[i * d + j] = a[j * d + i] = v;
				}
		}
	}
	for (int64_t i = 0; i < d; i++) {
		diag[i] = a[i * d + i];
		dmax = fmax(dmax, diag[i]);
	}
	return dmax;
}

/* Undo a failed dpotrf/dsygst on a symmetric a: LAPACK's lower triangle
 * (column-major) is the C-order upper one; the C-order strict lower
 * triangle still holds the matrix, the diagonal was saved. */
void evi_fid_sym_restore(double *a, int64_t d, const double *diag)
{
	evi_mirror(a, d, 0);
	for (int64_t i = 0; i < d; i++)
		a[i * d + i] = diag[i];
}

/* tr √(Σx Σy) by the rule in fid.h, in a and b: the symmetric parts of
 * Σx and Σy, destroyed.  w is scratch [3d]. */
static int trace_sqrt_in(double *a, double *b, int64_t d, double *w,
			 fid_trace *t, evald_err *err)
{
	double *da = w + d, *db = w + 2 * d, *z = NULL;
	int rc = EVALD_OK;

	memset(t, 0, sizeof *t);
	t->rank = -1;
	double xmax = evi_fid_sym(a, d, da), ymax = evi_fid_sym(b, d, db);
	t->tau = (double)d * DBL_EPSILON * xmax * ymax;
	if (xmax == 0.0 || ymax == 0.0) {
		t->flags |= (xmax == 0.0 ? EVALD_FID_ZERO_X : 0) |
			    (ymax == 0.0 ? EVALD_FID_ZERO_Y : 0);
		return EVALD_OK;
	}
	if (evi_fid_chol(a, d, xmax))
		return evi_fid_trace_through(a, d, 1, b, NULL, d, w, t, err);
	t->flags |= EVALD_FID_SINGULAR_X;
	evi_fid_sym_restore(a, d, da);
	if (evi_fid_chol(b, d, ymax)) /* tr √(Σx Σy) = tr √(Σy Σx) */
		return evi_fid_trace_through(b, d, 1, a, NULL, d, w, t, err);
	t->flags |= EVALD_FID_SINGULAR_Y | EVALD_FID_EIGEN;
	evi_fid_sym_restore(b, d, db);
	z = evi_xalloc(d * d, sizeof(double));
	if (!z)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the eigenvectors of a "
				  "%lld x %lld covariance",
				  (long long)d, (long long)d);
	rc = eigen_route(a, b, z, d, w, t, err);
	free(z);
	return rc;
}

/* tr √(Σx Σy) on copies of Σx and Σy. */
static int trace_sqrt(const double *sx, const double *sy, int64_t d,
		      fid_trace *t, evald_err *err)
{
	double *a = evi_xalloc(d * d, sizeof(double));
	double *b = evi_xalloc(d * d, sizeof(double));
	double *w = evi_xalloc(3 * d, sizeof(double));
	int rc;

	if (!a || !b || !w) {
		memset(t, 0, sizeof *t);
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for two %lld x %lld matrices",
				(long long)d, (long long)d);
		goto out;
	}
	memcpy(a, sx, d * d * sizeof(double));
	memcpy(b, sy, d * d * sizeof(double));
	rc = trace_sqrt_in(a, b, d, w, t, err);
out:
	free(a);
	free(b);
	free(w);
	return rc;
}

/* 1 when |s[i,j] - s[j,i]| <= tol everywhere, tile by tile (the exact
 * first offender, for the message, is found by the plain loop after). */
static int sym_ok(const double *s, int64_t d, double tol)
{
	for (int64_t i0 = 0; i0 < d; i0 += TILE) {
		int64_t i1 = i0 + TILE < d ? i0 + TILE : d;
		for (int64_t j0 = i0; j0 < d; j0 += TILE) {
			int64_t j1 = j0 + TILE < d ? j0 + TILE : d;
			for (int64_t i = i0; i < i1; i++)
				for (int64_t j = j0; j < j1; j++)
					if (fabs(s[i * d + j] - s[j * d + i]) >
					    tol)
						return 0;
		}
	}
	return 1;
}

static int diag_ok(const double *s, int64_t d, double lo)
{
	for (int64_t i = 0; i < d; i++)
		if (s[i * d + i] < lo)
			return 0;
	return 1;
}

int evald_fid_check_gauss(const evald_tensor *mu, const evald_tensor *sigma,
			  evald_err *err)
{
	char sh[64];

	if (mu->ndim != 1 || mu->shape[0] < 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "mu must be a vector [d] with d >= 1; got "
				  "shape %s",
				  evald_shape_str(mu, sh, sizeof sh));
	int64_t d = mu->shape[0];
	if (sigma->ndim != 2 || sigma->shape[0] != sigma->shape[1])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "sigma must be a square matrix [d, d]; got "
				  "shape %s",
				  evald_shape_str(sigma, sh, sizeof sh));
	if (sigma->shape[0] != d)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "sigma must be [%lld, %lld] to match mu; got "
				  "shape %s",
				  (long long)d, (long long)d,
				  evald_shape_str(sigma, sh, sizeof sh));
	const double *s = sigma->data;
	double amax = 0.0;
	for (int64_t i = 0; i < d * d; i++)
		amax = fmax(amax, fabs(s[i]));
	/* Symmetric up to rounding relative to the largest entry, so a
	 * covariance written out in float32 by another tool still passes. */
	if (sym_ok(s, d, 1e-6 * amax) && diag_ok(s, d, -1e-12 * amax))
		return EVALD_OK;
	for (int64_t i = 0; i < d; i++) {
		if (s[i * d + i] < -1e-12 * amax)
			return evald_fail(err, EVALD_EINVAL, 1,
					  "sigma has a negative variance "
					  "%.17g at [%lld, %lld]; it is not a "
					  "covariance",
					  s[i * d + i], (long long)i,
					  (long long)i);
		for (int64_t j = i + 1; j < d; j++) {
			double u = s[i * d + j], v = s[j * d + i];
			if (fabs(u - v) > 1e-6 * amax)
				return evald_fail(
					err, EVALD_EINVAL, 1,
					"sigma is not symmetric: [%lld, %lld] "
					"= %.17g but [%lld, %lld] = %.17g",
					(long long)i, (long long)j, u,
					(long long)j, (long long)i, v);
		}
	}
	return EVALD_OK;
}

static int fid_gauss(const evald_gauss *x, const evald_gauss *y, double *sx,
		     double *sy, evald_fid_result *r, evald_err *err)
{
	fid_trace t;
	int64_t d = x->d;
	int rc;

	memset(r, 0, sizeof *r);
	r->rank = -1;
	if (y->d != d)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y has dimension %lld but x has %lld; both "
				  "sets must be embedded in the same space",
				  (long long)y->d, (long long)d);
	/* The traces first: the in-place route destroys the matrices. */
	double mt = 0.0, trx = 0.0, tr_y = 0.0;
	for (int64_t i = 0; i < d; i++) {
		double df = x->mu[i] - y->mu[i];
		mt += df * df;
		trx += x->sigma[i * d + i];
		tr_y += y->sigma[i * d + i];
	}
	if (sx) {
		double *w = evi_xalloc(3 * d, sizeof(double));
		if (!w)
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
		rc = trace_sqrt_in(sx, sy, d, w, &t, err);
		free(w);
	} else {
		rc = trace_sqrt(x->sigma, y->sigma, d, &t, err);
	}
	if (rc)
		return rc;
	evi_fid_finish(mt, trx + tr_y, &t, r);
	return EVALD_OK;
}

int evald_fid_gauss(const evald_gauss *x, const evald_gauss *y,
		    evald_fid_result *r, evald_err *err)
{
	return fid_gauss(x, y, NULL, NULL, r, err);
}

int evald_fid_gauss_inplace(const evald_gauss *x, const evald_gauss *y,
			    double *sx, double *sy, evald_fid_result *r,
			    evald_err *err)
{
	return fid_gauss(x, y, sx, sy, r, err);
}

static int check_embeddings(const evald_tensor *x, const evald_tensor *y,
			    evald_err *err)
{
	int rc = evi_check_sets(x, y,
				"a covariance needs at least 2 "
				"embeddings",
				err);
	if (rc)
		return rc;
	return EVALD_OK;
}

/* Statistics buffers for both sides: mu [d] and sigma [d,d] each. */
typedef struct two_fits {
	double *mx, *sx, *my, *sy;
} two_fits;

static int fits_alloc(two_fits *f, int64_t d, evald_err *err)
{
	f->mx = evi_xalloc(d, sizeof(double));
	f->my = evi_xalloc(d, sizeof(double));
	f->sx = evi_xalloc(d * d, sizeof(double));
	f->sy = evi_xalloc(d * d, sizeof(double));
	if (f->mx && f->my && f->sx && f->sy)
		return EVALD_OK;
	return evald_fail(err, EVALD_ENOMEM, -1,
			  "out of memory for two %lld x %lld covariances",
			  (long long)d, (long long)d);
}

static void fits_free(two_fits *f)
{
	free(f->mx);
	free(f->my);
	free(f->sx);
	free(f->sy);
}

static int fid_of_fits(const two_fits *f, int64_t d, int64_t n, int64_t m,
		       evald_fid_result *r, evald_err *err)
{
	evald_gauss gx = {d, n, f->mx, f->sx}, gy = {d, m, f->my, f->sy};
	return evald_fid_gauss(&gx, &gy, r, err);
}

int evald_fid(const evald_tensor *x, const evald_tensor *y, evald_fid_result *r,
	      evald_err *err)
{
	two_fits f = {0};
	int rc;

	memset(r, 0, sizeof *r);
	rc = check_embeddings(x, y, err);
	if (rc)
		return rc;
	int64_t d = x->shape[1];
	rc = fits_alloc(&f, d, err);
	if (!rc)
		rc = evald_moments_of(x, f.mx, f.sx, err);
	if (!rc) {
		rc = evald_moments_of(y, f.my, f.sy, err);
		if (rc && err)
			err->input = 1;
	}
	if (!rc)
		rc = fid_of_fits(&f, d, x->shape[0], y->shape[0], r, err);
	fits_free(&f);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

/* np.percentile(v, q) with the default linear method (v sorted). */
static double percentile(const double *v, int64_t n, double q)
{
	double h = (double)(n - 1) * q / 100.0;
	int64_t lo = (int64_t)floor(h);
	if (lo >= n - 1)
		return v[n - 1];
	double t = h - (double)lo, a = v[lo], b = v[lo + 1];
	/* numpy's _lerp: interpolate from the nearer end. */
	return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

/* np.std (ddof 0); v is overwritten. */
static double std_ddof0(double *v, int64_t n)
{
	double mean = evald_sum(v, n) / (double)n;
	for (int64_t i = 0; i < n; i++)
		v[i] = (v[i] - mean) * (v[i] - mean);
	return sqrt(evald_sum(v, n) / (double)n);
}

/* Moments of the rows idx of x [n, d] into mu, sigma. */
static int resample_fit(evald_moments *acc, const evald_tensor *x,
			const int64_t *idx, double *mu, double *sigma,
			evald_err *err)
{
	int64_t d = acc->d;
	acc->n = 0;
	memset(acc->mean, 0, d * sizeof(double));
	memset(acc->comoment, 0, d * d * sizeof(double));
	int rc = evald_moments_add_gather(acc, x->data, idx, x->shape[0], err);
	if (rc)
		return rc;
	memcpy(mu, acc->mean, d * sizeof(double));
	return evald_moments_cov(acc, sigma, err);
}

int evald_fid_bootstrap(const evald_tensor *x, const evald_tensor *y, int64_t b,
			uint64_t seed, const evald_progress *prog,
			evald_fid_result *r, evald_err *err)
{
	evald_moments ax = {0}, ay = {0};
	two_fits f = {0};
	evald_fid_result one;
	evald_rng rng;
	int64_t *ix = NULL, *iy = NULL;
	double *vals = NULL;
	int rc;

	rc = evald_fid(x, y, r, err);
	if (rc || b <= 0)
		return rc;
	int64_t d = x->shape[1], n = x->shape[0], m = y->shape[0];
	if (evald_progress_tick(prog, 1.0 / (double)(b + 1)))
		return evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
	ix = evi_xalloc(n, sizeof(int64_t));
	iy = evi_xalloc(m, sizeof(int64_t));
	vals = evi_xalloc(b, sizeof(double));
	if (!ix || !iy || !vals) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for %lld bootstrap resamples",
				(long long)b);
		goto out;
	}
	if ((rc = fits_alloc(&f, d, err)) ||
	    (rc = evald_moments_init(&ax, d, err)) ||
	    (rc = evald_moments_init(&ay, d, err)))
		goto out;
	evald_rng_seed(&rng, seed);
	for (int64_t k = 0; k < b; k++) {
		for (int64_t i = 0; i < n; i++)
			ix[i] = (int64_t)evald_rng_below(&rng, (uint64_t)n);
		for (int64_t i = 0; i < m; i++)
			iy[i] = (int64_t)evald_rng_below(&rng, (uint64_t)m);
		if ((rc = resample_fit(&ax, x, ix, f.mx, f.sx, err)) ||
		    (rc = resample_fit(&ay, y, iy, f.my, f.sy, err)) ||
		    (rc = fid_of_fits(&f, d, n, m, &one, err)))
			goto out;
		vals[k] = one.value;
		if (evald_progress_tick(prog,
					(double)(k + 2) / (double)(b + 1))) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
	qsort(vals, (size_t)b, sizeof(double), cmp_double);
	r->pct_lo = percentile(vals, b, 2.5);
	r->pct_hi = percentile(vals, b, 97.5);
	/* Clamped so that rounding in the interpolation can never put the
	 * median outside the percentiles: containment rests on it. */
	r->median = fmin(fmax(percentile(vals, b, 50.0), r->pct_lo), r->pct_hi);
	/* A resample's FID sits above the full sets' FID (a resample holds
	 * ~63% distinct rows, and FID grows as N shrinks), so the plain
	 * percentile interval drifts above value and may exclude it.  The
	 * replicates' spread about their median, laid about value instead,
	 * keeps their width and skew and contains value by construction:
	 * value − (median − p2.5) <= value <= value + (p97.5 − median).  FID
	 * is >= 0, so clipping the lower end at 0 keeps value inside. */
	r->ci_lo = fmax(0.0, r->value - (r->median - r->pct_lo));
	r->ci_hi = r->value + (r->pct_hi - r->median);
	r->std = std_ddof0(vals, b);
	r->bootstrap = b;
out:
	free(ix);
	free(iy);
	free(vals);
	fits_free(&f);
	evald_moments_free(&ax);
	evald_moments_free(&ay);
	return rc;
}
