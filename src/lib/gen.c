/* gen.c - KID (unbiased MMD², polynomial kernel, random subsets) and the
 * Inception Score (see gen.h for the formulas). */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <evald/gen.h>
#include <evald/reduce.h>
#include <evald/rng.h>

#include "internal.h"

/* np.std (ddof 0); v is overwritten. */
static double std_ddof0(double *v, int64_t n)
{
	double mean = evald_sum(v, n) / (double)n;
	for (int64_t i = 0; i < n; i++)
		v[i] = (v[i] - mean) * (v[i] - mean);
	return sqrt(evald_sum(v, n) / (double)n);
}

/* ------------------------------------------------------------------ KID */

static double ipow(double v, int e)
{
	double r = 1.0;
	while (e) {
		if (e & 1)
			r *= v;
		v *= v;
		e >>= 1;
	}
	return r;
}

typedef struct kid_work {
	int64_t m, d;
	int degree;
	double gamma, coef0;
	double *xs, *ys; /* the subsets [m,d] */
	double *g;	 /* Gram block [rows, m] */
	double *rs;	 /* per-row kernel sums [m] */
	int64_t brows;	 /* rows per Gram block */
} kid_work;

/* Σ_{i<j} k(aᵢ,aⱼ) over the rows of a [m,d]. */
static double kernel_upper_sum(kid_work *w, const double *a)
{
	int64_t m = w->m, d = w->d;

	for (int64_t b = 0; b < m; b += w->brows) {
		int64_t nr = m - b < w->brows ? m - b : w->brows;
		int64_t nc = m - b; /* columns b..m-1 */
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr,
			    (int)nc, (int)d, 1.0, a + b * d, (int)d, a + b * d,
			    (int)d, 0.0, w->g, (int)nc);
		for (int64_t i = 0; i < nr; i++) {
			/* Row b+i against columns b+i+1 .. m-1. */
			double *row = w->g + i * nc + i + 1;
			int64_t len = nc - i - 1;
			for (int64_t j = 0; j < len; j++)
				row[j] = ipow(w->gamma * row[j] + w->coef0,
					      w->degree);
			w->rs[b + i] = evald_sum(row, len);
		}
	}
	return evald_sum(w->rs, m);
}

/* Σ_{i,j} k(aᵢ,bⱼ). */
static double kernel_cross_sum(kid_work *w, const double *a, const double *b_)
{
	int64_t m = w->m, d = w->d;

	for (int64_t b = 0; b < m; b += w->brows) {
		int64_t nr = m - b < w->brows ? m - b : w->brows;
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr,
			    (int)m, (int)d, 1.0, a + b * d, (int)d, b_, (int)d,
			    0.0, w->g, (int)m);
		for (int64_t i = 0; i < nr; i++) {
			double *row = w->g + i * m;
			for (int64_t j = 0; j < m; j++)
				row[j] = ipow(w->gamma * row[j] + w->coef0,
					      w->degree);
			w->rs[b + i] = evald_sum(row, m);
		}
	}
	return evald_sum(w->rs, m);
}

/* Draw m distinct rows of x [n,d] into out [m,d]: a partial Fisher-Yates
 * shuffle of perm (any permutation of 0..n-1, kept between draws). */
static void draw_subset(evald_rng *rng, int64_t *perm, int64_t n, int64_t m,
			const double *x, int64_t d, double *out)
{
	for (int64_t i = 0; i < m; i++) {
		int64_t j =
			i + (int64_t)evald_rng_below(rng, (uint64_t)(n - i));
		int64_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
		memcpy(out + i * d, x + perm[i] * d, d * sizeof(double));
	}
}

static int kid_check(const evald_tensor *x, const evald_tensor *y,
		     const evald_kid_params *p, evald_err *err)
{
	int rc = evi_check_sets(x, y, "KID needs at least 2 embeddings per set",
				err);
	if (rc)
		return rc;
	if (x->shape[1] > INT_MAX || x->shape[0] > INT_MAX ||
	    y->shape[0] > INT_MAX)
		return evald_fail(
			err, EVALD_ELIMIT, -1,
			"embedding sets this large are not supported");
	if (p->subsets < 1 || p->subset_size < 2 || p->degree < 1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "KID needs subsets >= 1, subset_size >= 2 "
				  "and degree >= 1");
	return EVALD_OK;
}

int evald_kid(const evald_tensor *x, const evald_tensor *y,
	      const evald_kid_params *p, const evald_progress *prog,
	      evald_kid_result *r, evald_err *err)
{
	kid_work w = {0};
	evald_rng rng;
	int64_t *px = NULL, *py = NULL;
	double *mmd = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = kid_check(x, y, p, err);
	if (rc)
		return rc;
	int64_t n = x->shape[0], mm = y->shape[0], d = x->shape[1];
	w.m = p->subset_size;
	if (w.m > n)
		w.m = n;
	if (w.m > mm)
		w.m = mm;
	w.d = d;
	w.degree = p->degree;
	w.gamma = isnan(p->gamma) ? 1.0 / (double)d : p->gamma;
	w.coef0 = p->coef0;
	/* Gram blocks of at most ~8 MB and 256 rows: small enough that the
	 * blocks of K_xx and K_yy skip most of the lower triangle (about 0.6
	 * of the full product's flops at m = 1000), large enough for dgemm
	 * to run at full speed. */
	w.brows = ((int64_t)1 << 20) / w.m;
	if (w.brows > 256)
		w.brows = 256;
	if (w.brows < 1)
		w.brows = 1;
	if (w.brows > w.m)
		w.brows = w.m;

	w.xs = evi_xalloc(w.m * d, sizeof(double));
	w.ys = evi_xalloc(w.m * d, sizeof(double));
	w.g = evi_xalloc(w.brows * w.m, sizeof(double));
	w.rs = evi_xalloc(w.m, sizeof(double));
	px = evi_xalloc(n, sizeof(int64_t));
	py = evi_xalloc(mm, sizeof(int64_t));
	mmd = evi_xalloc(p->subsets, sizeof(double));
	if (!w.xs || !w.ys || !w.g || !w.rs || !px || !py || !mmd) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for KID subsets of %lld rows",
				(long long)w.m);
		goto out;
	}
	for (int64_t i = 0; i < n; i++)
		px[i] = i;
	for (int64_t i = 0; i < mm; i++)
		py[i] = i;
	evald_rng_seed(&rng, p->seed);

	double m = (double)w.m;
	for (int64_t s = 0; s < p->subsets; s++) {
		draw_subset(&rng, px, n, w.m, x->data, d, w.xs);
		draw_subset(&rng, py, mm, w.m, y->data, d, w.ys);
		double kxx = kernel_upper_sum(&w, w.xs);
		double kyy = kernel_upper_sum(&w, w.ys);
		double kxy = kernel_cross_sum(&w, w.xs, w.ys);
		mmd[s] = 2.0 * (kxx + kyy) / (m * (m - 1.0)) -
			 2.0 * kxy / (m * m);
		if (evald_progress_tick(prog,
					(double)(s + 1) / (double)p->subsets)) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
	r->value = evald_sum(mmd, p->subsets) / (double)p->subsets;
	r->std = std_ddof0(mmd, p->subsets);
	r->subset_size = w.m;
	r->gamma = w.gamma;
out:
	free(w.xs);
	free(w.ys);
	free(w.g);
	free(w.rs);
	free(px);
	free(py);
	free(mmd);
	return rc;
}

/* ------------------------------------------------------ Inception Score */

static int is_check(const evald_tensor *pr, int64_t splits, evald_err *err)
{
	char sh[64];

	if (pr->ndim != 2)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "probs must be a matrix [N, C] of class "
				  "probabilities; got shape %s",
				  evald_shape_str(pr, sh, sizeof sh));
	int64_t n = pr->shape[0], c = pr->shape[1];
	if (n < 1 || c < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "probs is empty (shape %s)",
				  evald_shape_str(pr, sh, sizeof sh));
	for (int64_t i = 0; i < n; i++) {
		const double *row = pr->data + i * c;
		for (int64_t j = 0; j < c; j++)
			if (row[j] < 0.0 || row[j] > 1.0)
				return evald_fail(
					err, EVALD_ERANGE, 0,
					"probs[%lld, %lld] = %.17g is not a "
					"probability in [0, 1]",
					(long long)i, (long long)j, row[j]);
		double s = evald_sum(row, c);
		if (fabs(s - 1.0) > 1e-4)
			return evald_fail(err, EVALD_EINVAL, 0,
					  "row %lld of probs sums to %.17g, "
					  "not 1 (tolerance 1e-4); pass "
					  "softmax outputs",
					  (long long)i, s);
	}
	if (splits < 1 || splits > n)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "splits must be between 1 and the number of "
				  "rows (%lld); got %lld",
				  (long long)n, (long long)splits);
	return EVALD_OK;
}

int evald_inception_score(const evald_tensor *pr, int64_t splits,
			  evald_is_result *r, evald_err *err)
{
	double *py = NULL, *lpy = NULL, *kl = NULL, *scores = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = is_check(pr, splits, err);
	if (rc)
		return rc;
	int64_t n = pr->shape[0], c = pr->shape[1];
	py = evi_xalloc(c, sizeof(double));
	lpy = evi_xalloc(c, sizeof(double));
	kl = evi_xalloc(n, sizeof(double));
	scores = evi_xalloc(splits, sizeof(double));
	if (!py || !lpy || !kl || !scores) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for %lld classes", (long long)c);
		goto out;
	}
	for (int64_t s = 0; s < splits; s++) {
		int64_t lo = s * n / splits, hi = (s + 1) * n / splits;
		const double *part = pr->data + lo * c;
		int64_t rows = hi - lo;

		/* p(y): the split's mean row, summed down the rows like
		 * np.mean(part, 0). */
		memset(py, 0, c * sizeof(double));
		for (int64_t i = 0; i < rows; i++)
			for (int64_t j = 0; j < c; j++)
				py[j] += part[i * c + j];
		for (int64_t j = 0; j < c; j++) {
			py[j] /= (double)rows;
			/* A class no row gives mass has only 0·log 0
			 * terms; its log is never used. */
			lpy[j] = py[j] > 0.0 ? log(py[j]) : 0.0;
		}
		for (int64_t i = 0; i < rows; i++) {
			const double *p = part + i * c;
			double acc = 0.0;
			for (int64_t j = 0; j < c; j++)
				if (p[j] > 0.0)
					acc += p[j] * (log(p[j]) - lpy[j]);
			kl[i] = acc;
		}
		scores[s] = exp(evald_sum(kl, rows) / (double)rows);
	}
	r->value = evald_sum(scores, splits) / (double)splits;
	r->std = std_ddof0(scores, splits);
out:
	free(py);
	free(lpy);
	free(kl);
	free(scores);
	return rc;
}
