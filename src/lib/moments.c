/* moments.c - mergeable mean/comoment accumulators (see moments.h).
 *
 * Rows go through a bounded block buffer, centred on one shift (the mean
 * so far), and each block's products are added to the upper triangle of
 * the comoment with dsyrk/dgemm panels; the shift's rank-1 correction and
 * the mirror of the triangle come once per accumulation (struct
 * evald_moments_acc below).  Centring keeps the data's offset out of the
 * sums of squares, so a set with a large common mean loses no digits;
 * merges of accumulators use Chan's pairwise update. */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <evald/moments.h>

#include "internal.h"

/* Block rows: 16 MiB of float64 per block, at most 4096 rows.  Large
 * blocks keep the BLAS calls long (k >= 1024 at d = 2048), where their
 * packing costs nothing next to their flops. */
int64_t evald_moments_block_rows(int64_t d)
{
	int64_t b = ((int64_t)1 << 21) / (d > 0 ? d : 1);
	if (b > 4096)
		b = 4096;
	return b < 1 ? 1 : b;
}

/* Tile by tile: writing a whole column at once misses the cache on every
 * element, and this runs once per add call (80 times for a 10000 x 2048
 * float32 set streamed in 1 MB blocks). */
void evi_mirror(double *a, int64_t d, int upper_to_lower)
{
	const int64_t tile = 64;
	/* Element (i, j) of the source triangle is a[i * r + j * c]. */
	int64_t r = upper_to_lower ? d : 1, c = upper_to_lower ? 1 : d;

	for (int64_t i0 = 0; i0 < d; i0 += tile) {
		int64_t i1 = i0 + tile < d ? i0 + tile : d;
		for (int64_t j0 = i0; j0 < d; j0 += tile) {
			int64_t j1 = j0 + tile < d ? j0 + tile : d;
			for (int64_t i = i0; i < i1; i++)
				for (int64_t j = j0 > i ? j0 : i + 1; j < j1;
				     j++)
					a[j * r + i * c] = a[i * r + j * c];
		}
	}
}

int evald_moments_init(evald_moments *m, int64_t d, evald_err *err)
{
	memset(m, 0, sizeof *m);
	if (d < 1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the embedding dimension must be at least 1; "
				  "got %lld",
				  (long long)d);
	if (d > INT_MAX || d > INT64_MAX / d)
		return evald_fail(err, EVALD_ELIMIT, -1,
				  "embedding dimension %lld is too large",
				  (long long)d);
	m->mean = evi_xalloc(d, sizeof(double));
	m->comoment = evi_xalloc(d * d, sizeof(double));
	if (!m->mean || !m->comoment) {
		evald_moments_free(m);
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for a %lld x %lld comoment",
				  (long long)d, (long long)d);
	}
	memset(m->mean, 0, d * sizeof(double));
	memset(m->comoment, 0, d * d * sizeof(double));
	m->d = d;
	return EVALD_OK;
}

void evald_moments_free(evald_moments *m)
{
	if (!m)
		return;
	free(m->mean);
	free(m->comoment);
	m->mean = m->comoment = NULL;
	m->d = m->n = 0;
}

/* C's upper triangle += Zᵀ Z for the b centred rows Z [b, d].  dsyrk
 * runs at about two thirds of dgemm's rate in OpenBLAS, so past a few
 * hundred columns the triangle is cut into row panels: the panel's
 * diagonal square by dsyrk, the rest of the panel by one dgemm.  The
 * flops are the triangle's either way (bench/distances). */
static void syrk_upper(int64_t d, int64_t b, const double *z, double *c)
{
	const int64_t panel = 512;

	if (d < 2 * panel) {
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d,
			    (int)b, 1.0, z, (int)d, 1.0, c, (int)d);
		return;
	}
	for (int64_t i = 0; i < d; i += panel) {
		int64_t t = d - i < panel ? d - i : panel;
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)t,
			    (int)b, 1.0, z + i, (int)d, 1.0, c + i * d + i,
			    (int)d);
		if (i + t < d)
			cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
				    (int)t, (int)(d - i - t), (int)b, 1.0,
				    z + i, (int)d, z + i + t, (int)d, 1.0,
				    c + i * d + i + t, (int)d);
	}
}

/* Where rows come from: contiguous f64, contiguous f32, or gathered f64. */
typedef struct row_src {
	evald_dtype dtype;
	const void *base;
	const int64_t *idx; /* gather indices, or NULL */
} row_src;

static const double *row_of(const row_src *s, int64_t d, int64_t r, double *tmp)
{
	if (s->idx)
		return (const double *)s->base + s->idx[r] * d;
	if (s->dtype == EVALD_F64)
		return (const double *)s->base + r * d;
	const float *x = (const float *)s->base + r * d;
	for (int64_t j = 0; j < d; j++)
		tmp[j] = x[j];
	return tmp;
}

/* An accumulation in progress (see evald_moments_begin).  Every row is
 * centred on one fixed shift s - the mean so far, or for an empty
 * accumulator the first block's own mean - so the sums of squares never
 * see the data's common offset, and the blocks add up with no per-block
 * correction:
 *
 *     M = M_a + Σ (x − s)(x − s)ᵀ − δδᵀ / n,   δ = Σ (x − s),
 *
 * exact when s is the old mean (n_a > 0) or n_a = 0.  The O(d²) fix-ups
 * (that rank-1 term and mirroring the triangle) happen once, at the end,
 * not once per block or per call. */
struct evald_moments_acc {
	evald_moments *m;
	int64_t bmax;
	double *z;     /* [bmax, d]: centred rows */
	double *shift; /* [d] */
	double *delta; /* [d]: Σ (x − shift) */
	double *tmp;   /* [d]: a float32 row widened */
	int64_t n0, nb;
	int have_shift;
};

/* An accumulation whose blocks hold at most `rows` rows (a single call
 * that adds fewer rows than a block needs no more: a bootstrap adds a
 * few hundred rows thousands of times). */
static int acc_new(evald_moments *m, int64_t rows, evald_moments_acc **out,
		   evald_err *err)
{
	evald_moments_acc *a = calloc(1, sizeof *a);
	int64_t d = m->d;

	*out = NULL;
	if (!a)
		goto oom;
	a->m = m;
	a->bmax = evald_moments_block_rows(d);
	if (rows > 0 && rows < a->bmax)
		a->bmax = rows;
	a->z = evi_xalloc(a->bmax * d, sizeof(double));
	a->shift = evi_xalloc(d, sizeof(double));
	a->delta = evi_xalloc(d, sizeof(double));
	a->tmp = evi_xalloc(d, sizeof(double));
	if (!a->z || !a->shift || !a->delta || !a->tmp)
		goto oom;
	memset(a->delta, 0, d * sizeof(double));
	a->n0 = m->n;
	if (m->n > 0) {
		memcpy(a->shift, m->mean, d * sizeof(double));
		a->have_shift = 1;
	}
	*out = a;
	return EVALD_OK;
oom:
	if (a) {
		free(a->z);
		free(a->shift);
		free(a->delta);
		free(a->tmp);
		free(a);
	}
	return evald_fail(err, EVALD_ENOMEM, -1,
			  "out of memory for the moments block buffer");
}

int evald_moments_begin(evald_moments *m, evald_moments_acc **out,
			evald_err *err)
{
	return acc_new(m, 0, out, err);
}

/* Centre rows r0 .. r0+b of s into a->z, summing what is subtracted. */
static void centre_block(evald_moments_acc *a, const row_src *s, int64_t r0,
			 int64_t b)
{
	int64_t d = a->m->d;
	double *z = a->z, *sh = a->shift, *dl = a->delta;

	if (!a->have_shift) {
		/* An empty accumulator: the first block's mean is the shift. */
		memset(sh, 0, d * sizeof(double));
		for (int64_t r = 0; r < b; r++) {
			const double *x = row_of(s, d, r0 + r, a->tmp);
			for (int64_t j = 0; j < d; j++)
				sh[j] += x[j];
		}
		for (int64_t j = 0; j < d; j++)
			sh[j] /= (double)b;
		a->have_shift = 1;
	}
	for (int64_t r = 0; r < b; r++) {
		const double *x = row_of(s, d, r0 + r, a->tmp);
		double *zr = z + r * d;
		for (int64_t j = 0; j < d; j++) {
			zr[j] = x[j] - sh[j];
			dl[j] += zr[j];
		}
	}
}

static void push(evald_moments_acc *a, const row_src *s, int64_t nrows)
{
	for (int64_t r0 = 0; r0 < nrows; r0 += a->bmax) {
		int64_t b = nrows - r0 < a->bmax ? nrows - r0 : a->bmax;
		centre_block(a, s, r0, b);
		syrk_upper(a->m->d, b, a->z, a->m->comoment);
		a->nb += b;
	}
}

static int check_rows(evald_dtype dtype, int64_t nrows, evald_err *err)
{
	if (dtype != EVALD_F64 && dtype != EVALD_F32)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "embeddings must be float32 or float64 rows; "
				  "got %s",
				  evald_dtype_name(dtype));
	if (nrows < 0)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "negative row count %lld", (long long)nrows);
	return EVALD_OK;
}

int evald_moments_push(evald_moments_acc *a, const void *rows,
		       evald_dtype dtype, int64_t nrows, evald_err *err)
{
	row_src s = {dtype, rows, NULL};
	int rc = check_rows(dtype, nrows, err);

	if (rc == EVALD_OK)
		push(a, &s, nrows);
	return rc;
}

void evald_moments_end(evald_moments_acc *a)
{
	evald_moments *m;
	int64_t d;

	if (!a)
		return;
	m = a->m;
	d = m->d;
	if (a->nb > 0) {
		double n = (double)(a->n0 + a->nb);
		/* The rank-1 correction, then the mean: s + δ/n when s was
		 * the old mean, and the first block's mean + δ/n_b (n = n_b)
		 * when there was none. */
		cblas_dsyr(CblasRowMajor, CblasUpper, (int)d, -1.0 / n,
			   a->delta, 1, m->comoment, (int)d);
		for (int64_t j = 0; j < d; j++)
			m->mean[j] = a->shift[j] + a->delta[j] / n;
		m->n = a->n0 + a->nb;
		evi_mirror(m->comoment, d, 1);
	}
	free(a->z);
	free(a->shift);
	free(a->delta);
	free(a->tmp);
	free(a);
}

static int accumulate(evald_moments *m, const row_src *s, int64_t nrows,
		      evald_err *err)
{
	evald_moments_acc *a;
	int rc;

	if (nrows == 0)
		return EVALD_OK;
	if ((rc = acc_new(m, nrows, &a, err)) != EVALD_OK)
		return rc;
	push(a, s, nrows);
	evald_moments_end(a);
	return EVALD_OK;
}

int evald_moments_add_rows(evald_moments *m, const void *rows,
			   evald_dtype dtype, int64_t nrows, evald_err *err)
{
	row_src s = {dtype, rows, NULL};
	int rc = check_rows(dtype, nrows, err);

	return rc == EVALD_OK ? accumulate(m, &s, nrows, err) : rc;
}

int evald_moments_add(evald_moments *m, const evald_tensor *x, evald_err *err)
{
	char sh[64];

	if (x->ndim != 2 || x->shape[1] != m->d)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "embeddings must be [N, %lld]; got shape %s",
				  (long long)m->d,
				  evald_shape_str(x, sh, sizeof sh));
	return evald_moments_add_rows(m, x->data, EVALD_F64, x->shape[0], err);
}

int evald_moments_add_gather(evald_moments *m, const double *x,
			     const int64_t *idx, int64_t nidx, evald_err *err)
{
	row_src s = {EVALD_F64, x, idx};
	return accumulate(m, &s, nidx, err);
}

int evald_moments_merge(evald_moments *m, int64_t n, const double *mean,
			const double *comoment, evald_err *err)
{
	int64_t d = m->d;
	double amax = 0.0;

	if (n < 0)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the row count n must be >= 0; got %lld",
				  (long long)n);
	if (n == 0)
		return EVALD_OK;
	for (int64_t i = 0; i < d * d; i++)
		amax = fmax(amax, fabs(comoment[i]));
	for (int64_t i = 0; i < d; i++) {
		if (comoment[i * d + i] < 0)
			return evald_fail(err, EVALD_EINVAL, 1,
					  "comoment has a negative diagonal "
					  "entry at [%lld, %lld] (%.17g); it "
					  "is not a sum of squares",
					  (long long)i, (long long)i,
					  comoment[i * d + i]);
		for (int64_t j = i + 1; j < d; j++) {
			double a = comoment[i * d + j], b = comoment[j * d + i];
			if (fabs(a - b) > 1e-6 * amax)
				return evald_fail(
					err, EVALD_EINVAL, 1,
					"comoment is not symmetric: [%lld, "
					"%lld] = %.17g but [%lld, %lld] = "
					"%.17g",
					(long long)i, (long long)j, a,
					(long long)j, (long long)i, b);
		}
	}

	double na = (double)m->n, nb = (double)n, nt = na + nb;
	double f = na * nb / nt;
	for (int64_t i = 0; i < d; i++) {
		double di = mean[i] - m->mean[i];
		for (int64_t j = i; j < d; j++) {
			double dj = mean[j] - m->mean[j];
			/* The symmetric part of the given comoment. */
			double c = 0.5 *
				   (comoment[i * d + j] + comoment[j * d + i]);
			m->comoment[i * d + j] += c + f * di * dj;
		}
	}
	for (int64_t i = 0; i < d; i++)
		m->mean[i] += (mean[i] - m->mean[i]) * (nb / nt);
	m->n += n;
	evi_mirror(m->comoment, d, 1);
	return EVALD_OK;
}

int evald_moments_merge_into(evald_moments *a, const evald_moments *b,
			     evald_err *err)
{
	if (a->d != b->d)
		return evald_fail(err, EVALD_ESHAPE, -1,
				  "cannot merge moments of dimension %lld into "
				  "moments of dimension %lld",
				  (long long)b->d, (long long)a->d);
	return evald_moments_merge(a, b->n, b->mean, b->comoment, err);
}

int evald_moments_cov(const evald_moments *m, double *sigma, evald_err *err)
{
	int64_t dd = m->d * m->d;

	if (m->n < 2)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "a covariance needs at least 2 rows; got "
				  "%lld",
				  (long long)m->n);
	double s = 1.0 / (double)(m->n - 1);
	for (int64_t i = 0; i < dd; i++)
		sigma[i] = m->comoment[i] * s;
	return EVALD_OK;
}

int evald_moments_of(const evald_tensor *x, double *mu, double *sigma,
		     evald_err *err)
{
	evald_moments m;
	char sh[64];
	int rc;

	if (x->ndim != 2 || x->shape[1] < 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "embeddings must be a matrix [N, d] with d "
				  ">= 1; got shape %s",
				  evald_shape_str(x, sh, sizeof sh));
	if (x->shape[0] < 2)
		return evald_fail(
			err, EVALD_EEMPTY, 0,
			"a covariance needs at least 2 rows; got %lld",
			(long long)x->shape[0]);
	rc = evald_moments_init(&m, x->shape[1], err);
	if (rc)
		return rc;
	rc = evald_moments_add(&m, x, err);
	if (!rc)
		rc = evald_moments_cov(&m, sigma, err);
	if (!rc)
		memcpy(mu, m.mean, m.d * sizeof(double));
	evald_moments_free(&m);
	return rc;
}

int evi_check_sets(const evald_tensor *x, const evald_tensor *y,
		   const char *need, evald_err *err)
{
	const evald_tensor *s[2] = {x, y};
	char sh[64];

	for (int k = 0; k < 2; k++) {
		if (s[k]->ndim != 2 || s[k]->shape[1] < 1)
			return evald_fail(err, EVALD_ESHAPE, k,
					  "embeddings must be a matrix [N, d] "
					  "with d >= 1; got shape %s",
					  evald_shape_str(s[k], sh, sizeof sh));
		if (s[k]->shape[0] < 2)
			return evald_fail(err, EVALD_EEMPTY, k, "%s; got %lld",
					  need, (long long)s[k]->shape[0]);
	}
	if (x->shape[1] != y->shape[1])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y has dimension %lld but x has %lld; both "
				  "sets must be embedded in the same space",
				  (long long)y->shape[1],
				  (long long)x->shape[1]);
	return EVALD_OK;
}
