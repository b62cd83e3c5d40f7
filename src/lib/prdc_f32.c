/* prdc_f32.c - prdc's distance tiles in float32 (sgemm, about twice
 * dgemm's rate) with a rigorous bound on each entry's error, and only
 * the upper triangle of each set's own distances.  An entry whose
 * comparison (with a radius, or in the k-NN selection) falls within its
 * bound is recomputed in float64, so every answer is the one the float64
 * distances ‖a‖² + ‖b‖² − 2a·b (dot products summed in index order by
 * dot64) give: float32 only decides what is certain. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <evald/prdc.h>

#include "internal.h"
#include "prdc_internal.h"
#include "sgemm_nt.h"

#define U32 0x1p-24
#define U64 0x1p-53

typedef struct fset {
	const double *a; /* [n,d] */
	float *a32;	 /* the rows rounded to float32 */
	double *sq, *nr; /* ‖row‖² (dot64), ‖row‖ */
	int64_t n;
} fset;

/* k-NN selection state: per row the kk smallest upper bounds, and the
 * entries whose lower bound does not exceed the kk-th of them (the only
 * ones that can be among the kk nearest); cnt −1: too many to hold, the
 * row is done in float64. */
typedef struct knn {
	int64_t kk, cap;
	double *hi, *lo;
	int32_t *idx, *cnt;
} knn;

typedef struct f32work {
	int64_t d;
	double c1, c2; /* bound = c1·‖a‖‖b‖ + c2·(‖a‖² + ‖b‖²) */
	float *tile;
	int64_t done, total;
	const evald_progress *prog;
} f32work;

static double dot64(const double *a, const double *b, int64_t d)
{
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	int64_t i = 0;

	for (; i + 4 <= d; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < d; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

/* The float64 squared distance every decision must agree with.  It is
 * symmetric: the sum and the products commute. */
static double exact_sq(const fset *a, int64_t i, const fset *b, int64_t j,
		       int64_t d)
{
	double v = a->sq[i] + b->sq[j] -
		   2.0 * dot64(a->a + i * d, b->a + j * d, d);
	return v > 0.0 ? v : 0.0;
}

/* Whether rows i0..i1 of t suit the float32 path. */
static int ok_rows(const evald_tensor *t, int64_t i0, int64_t i1)
{
	int64_t d = t->shape[1];

	for (int64_t i = i0; i < i1; i++) {
		double s = 0.0;
		for (int64_t c = 0; c < d; c++) {
			double v = fabs(t->data[i * d + c]);
			if (v != 0.0 && !(v >= 0x1p-60 && v <= 0x1p60))
				return 0;
			s += v * v;
		}
		if (s > 0x1p100)
			return 0;
	}
	return 1;
}

/* The float32 copies and the float64 norms of rows i0..i1. */
static void fset_rows(fset *s, int64_t d, int64_t i0, int64_t i1)
{
	for (int64_t i = i0 * d; i < i1 * d; i++)
		s->a32[i] = (float)s->a[i];
	for (int64_t i = i0; i < i1; i++) {
		s->sq[i] = dot64(s->a + i * d, s->a + i * d, d);
		s->nr[i] = sqrt(s->sq[i]);
	}
}

/* Threads for the passes that split over cores: one per online CPU, up
 * to PAR_MAX_THREADS. */
#define PAR_MAX_THREADS 8

static int par_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus < 1			? 1
	       : cpus > PAR_MAX_THREADS ? PAR_MAX_THREADS
					: (int)cpus;
}

/* The two passes over the inputs, a row range per core: with sgemm on
 * all cores they were a fifth of the time on one.  Each row is handled
 * on its own, so nothing depends on the split. */
typedef struct rows_job {
	const evald_tensor *t;
	fset *s; /* NULL: ok_rows */
	int64_t i0, i1;
	int ok;
} rows_job;

static void *rows_run(void *arg)
{
	rows_job *j = arg;

	if (j->s)
		fset_rows(j->s, j->t->shape[1], j->i0, j->i1);
	else
		j->ok = ok_rows(j->t, j->i0, j->i1);
	return NULL;
}

/* ok_rows over all rows of t (returned), or fset_rows when s is set. */
static int rows_split(const evald_tensor *t, fset *s)
{
	int64_t n = t->shape[0];
	int nt = par_threads(), ok = 1;
	rows_job job[PAR_MAX_THREADS];

	if (n < 64 * nt)
		nt = 1;
	for (int i = 0; i < nt; i++)
		job[i] = (rows_job){.t = t,
				    .s = s,
				    .i0 = n * i / nt,
				    .i1 = n * (i + 1) / nt};
	evi_run_jobs(rows_run, job, sizeof job[0], nt);
	for (int i = 0; i < nt; i++)
		ok = ok && job[i].ok;
	return ok;
}

int evi_prdc_f32_ok(const evald_tensor *t)
{
	if ((double)t->shape[1] * U32 > 1e-2)
		return 0;
	return rows_split(t, NULL);
}

/* |dot32 − a·b| <= (γ_d(1+u)² + 2u + u²)‖a‖‖b‖ for float32 rounding u
 * and any summation order (γ_d = du/(1 − du)); dot64 errs by at most
 * γ_d(2⁻⁵³)‖a‖‖b‖; both distances share ‖a‖² + ‖b‖², and each final
 * subtraction and the lo/hi sums round by 2⁻⁵³ of at most 2(‖a‖²+‖b‖²).
 * The factors are doubled for the rounding of the bound itself. */
static void bound_init(f32work *w, int64_t d)
{
	double dd = (double)d, g32 = dd * U32 / (1.0 - dd * U32);
	double g64 = dd * U64 / (1.0 - dd * U64);

	w->c1 = 2.0 * 2.0 *
		(g32 * (1.0 + U32) * (1.0 + U32) + 2.0 * U32 + U32 * U32 + g64 +
		 8.0 * U64);
	w->c2 = 2.0 * 8.0 * U64;
}

static int fset_init(fset *s, const evald_tensor *t)
{
	int64_t n = t->shape[0], d = t->shape[1];

	s->a = t->data;
	s->n = n;
	s->a32 = evi_xalloc(n * d, sizeof(float));
	s->sq = evi_xalloc(n, sizeof(double));
	s->nr = evi_xalloc(n, sizeof(double));
	if (!s->a32 || !s->sq || !s->nr)
		return EVALD_ENOMEM;
	rows_split(t, s);
	return EVALD_OK;
}

static void fset_free(fset *s)
{
	free(s->a32);
	free(s->sq);
	free(s->nr);
}

/* The dot products of rows r0.. (nr) of a with rows c0.. (nc) of b.
 * evald's AVX-512 kernel (sgemm_nt.c) when the CPU has it, whatever
 * OpenBLAS was told to use; cblas_sgemm when it has not, or when the
 * kernel's buffers cannot be had.  The bound of bound_init holds for any
 * summation order, so the choice cannot change an answer. */
static void tile_dots(f32work *w, const fset *a, int64_t r0, int64_t nr,
		      const fset *b, int64_t c0, int64_t nc)
{
	if (evi_sgemm_nt(nr, nc, w->d, a->a32 + r0 * w->d, w->d,
			 b->a32 + c0 * w->d, w->d, w->tile, nc) == EVALD_OK)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)nc,
		    (int)w->d, 1.0f, a->a32 + r0 * w->d, (int)w->d,
		    b->a32 + c0 * w->d, (int)w->d, 0.0f, w->tile, (int)nc);
}

/* Lower and upper bounds of the float64 distance from a float32 dot. */
static inline void bounds(const f32work *w, const fset *a, int64_t i,
			  const fset *b, int64_t j, float dot, double *lo,
			  double *hi)
{
	double ss = a->sq[i] + b->sq[j];
	double v = ss - 2.0 * (double)dot;
	double e = w->c1 * a->nr[i] * b->nr[j] + w->c2 * ss;
	v = v > 0.0 ? v : 0.0;
	*lo = v - e;
	*hi = v + e;
}

static int tick(f32work *w, evald_err *err)
{
	w->done++;
	if (evald_progress_tick(w->prog, (double)w->done / (double)w->total))
		return evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
	return EVALD_OK;
}

static int64_t ntiles(int64_t r, int64_t c)
{
	return ((r + EVALD_PRDC_TILE_ROWS - 1) / EVALD_PRDC_TILE_ROWS) *
	       ((c + EVALD_PRDC_TILE_COLS - 1) / EVALD_PRDC_TILE_COLS);
}

static int knn_init(knn *s, int64_t n, int64_t kk)
{
	s->kk = kk;
	s->cap = 4 * kk + 60;
	s->hi = evi_xalloc(n * kk, sizeof(double));
	s->lo = evi_xalloc(n * s->cap, sizeof(double));
	s->idx = evi_xalloc(n * s->cap, sizeof(int32_t));
	s->cnt = evi_xalloc(n, sizeof(int32_t));
	return s->hi && s->lo && s->idx && s->cnt ? EVALD_OK : EVALD_ENOMEM;
}

static void knn_free(knn *s)
{
	free(s->hi);
	free(s->lo);
	free(s->idx);
	free(s->cnt);
}

/* Keep the kk smallest of v in the ascending list b. */
static inline void keep_smallest(double *b, int64_t kk, double v)
{
	if (v >= b[kk - 1])
		return;
	int64_t i = kk - 1;
	while (i > 0 && b[i - 1] > v) {
		b[i] = b[i - 1];
		i--;
	}
	b[i] = v;
}

/* Drop the candidates of row i that can no longer be among its kk
 * nearest; the bound only falls, so a dropped one never returns. */
static int32_t knn_compact(knn *s, int64_t i)
{
	double u = s->hi[i * s->kk + s->kk - 1];
	double *lo = s->lo + i * s->cap;
	int32_t *ix = s->idx + i * s->cap, c = 0;

	for (int32_t t = 0; t < s->cnt[i]; t++)
		if (lo[t] <= u) {
			lo[c] = lo[t];
			ix[c++] = ix[t];
		}
	return c;
}

static inline void knn_add(knn *s, int64_t i, int64_t j, double lo, double hi)
{
	double *h = s->hi + i * s->kk;
	if (lo > h[s->kk - 1])
		return;
	keep_smallest(h, s->kk, hi);
	int32_t c = s->cnt[i];
	if (c < 0)
		return;
	if (c == s->cap) {
		c = knn_compact(s, i);
		if (c > s->cap / 2) {
			s->cnt[i] = -1;
			return;
		}
	}
	s->lo[i * s->cap + c] = lo;
	s->idx[i * s->cap + c] = (int32_t)j;
	s->cnt[i] = c + 1;
}

/* The exact kk-th smallest float64 distance of row i: over its
 * candidates, or over the whole row when they overflowed. */
static double knn_radius(const f32work *w, const knn *s, const fset *a,
			 int64_t i)
{
	int64_t kk = s->kk;
	double best[kk];

	for (int64_t t = 0; t < kk; t++)
		best[t] = INFINITY;
	if (s->cnt[i] < 0) {
		for (int64_t j = 0; j < a->n; j++)
			keep_smallest(best, kk,
				      j == i ? 0.0
					     : exact_sq(a, i, a, j, w->d));
		return best[kk - 1];
	}
	double u = s->hi[i * kk + kk - 1];
	for (int32_t t = 0; t < s->cnt[i]; t++) {
		int64_t j = s->idx[i * s->cap + t];
		if (s->lo[i * s->cap + t] <= u)
			keep_smallest(best, kk,
				      j == i ? 0.0
					     : exact_sq(a, i, a, j, w->d));
	}
	return best[kk - 1];
}

/* Each unordered pair once: the row block against the columns from its
 * first row on, entries above the diagonal only, feeding both rows. */
static void knn_tile(const f32work *w, knn *s, const fset *a, int64_t r0,
		     int64_t nr, int64_t c0, int64_t nc)
{
	for (int64_t i = r0; i < r0 + nr; i++) {
		const float *t = w->tile + (i - r0) * nc;
		for (int64_t j = i + 1 > c0 ? i + 1 : c0; j < c0 + nc; j++) {
			double lo, hi;
			bounds(w, a, i, a, j, t[j - c0], &lo, &hi);
			knn_add(s, i, j, lo, hi);
			knn_add(s, j, i, lo, hi);
		}
	}
}

static int knn_radii(f32work *w, knn *s, const fset *a, double *rad,
		     evald_err *err)
{
	int64_t n = a->n;

	for (int64_t i = 0; i < n * s->kk; i++)
		s->hi[i] = INFINITY;
	for (int64_t i = 0; i < n; i++) {
		s->cnt[i] = 0;
		knn_add(s, i, i, 0.0, 0.0); /* itself, at distance 0 */
	}
	for (int64_t r0 = 0; r0 < n; r0 += EVALD_PRDC_TILE_ROWS) {
		int64_t nr = n - r0 < EVALD_PRDC_TILE_ROWS
				     ? n - r0
				     : EVALD_PRDC_TILE_ROWS;
		for (int64_t c0 = r0; c0 < n; c0 += EVALD_PRDC_TILE_COLS) {
			int64_t nc = n - c0 < EVALD_PRDC_TILE_COLS
					     ? n - c0
					     : EVALD_PRDC_TILE_COLS;
			tile_dots(w, a, r0, nr, a, c0, nc);
			knn_tile(w, s, a, r0, nr, c0, nc);
			if (tick(w, err))
				return EVALD_ECANCEL;
		}
	}
	for (int64_t i = 0; i < n; i++)
		rad[i] = knn_radius(w, s, a, i);
	return EVALD_OK;
}

/* d < r decided from the bounds when certain (1 or 0), else −1. */
static inline int below(double lo, double hi, double r)
{
	return hi < r ? 1 : lo >= r ? 0 : -1;
}

/* One core's share of a cross tile's checks: columns c0 + j0..c0 + j1.
 * It owns inside[] of its columns; its row flags go to its own cov and
 * rec, or-ed into covered and recalled after the join.  Every entry is
 * decided on its own, counts add and flags or, so the result does not
 * depend on the split. */
typedef struct cross_job {
	const f32work *w;
	const fset *x, *y;
	int64_t r0, nr, c0, nc, j0, j1;
	cross_state *s;
	char cov[EVALD_PRDC_TILE_ROWS], rec[EVALD_PRDC_TILE_ROWS];
} cross_job;

static void *cross_cols(void *arg)
{
	cross_job *cj = arg;
	const f32work *w = cj->w;
	const cross_state *s = cj->s;

	memset(cj->cov, 0, sizeof cj->cov);
	memset(cj->rec, 0, sizeof cj->rec);
	for (int64_t i = cj->r0; i < cj->r0 + cj->nr; i++) {
		const float *t = w->tile + (i - cj->r0) * cj->nc;
		double ri = s->rr[i];
		for (int64_t j = cj->c0 + cj->j0; j < cj->c0 + cj->j1; j++) {
			double lo, hi;
			bounds(w, cj->x, i, cj->y, j, t[j - cj->c0], &lo, &hi);
			int in = below(lo, hi, ri);
			int rec = below(lo, hi, s->rf[j]);
			if (in < 0 || rec < 0) {
				double e = exact_sq(cj->x, i, cj->y, j, w->d);
				in = e < ri;
				rec = e < s->rf[j];
			}
			if (in) {
				s->inside[j]++;
				cj->cov[i - cj->r0] = 1;
			}
			if (rec)
				cj->rec[i - cj->r0] = 1;
		}
	}
	return NULL;
}

static void cross_tile_f32(const f32work *w, const fset *x, int64_t r0,
			   int64_t nr, const fset *y, int64_t c0, int64_t nc,
			   cross_state *s)
{
	int nt = par_threads();
	cross_job job[PAR_MAX_THREADS];

	if (nc < 64 * nt)
		nt = 1;
	for (int t = 0; t < nt; t++)
		job[t] = (cross_job){.w = w,
				     .x = x,
				     .y = y,
				     .r0 = r0,
				     .nr = nr,
				     .c0 = c0,
				     .nc = nc,
				     .j0 = nc * t / nt,
				     .j1 = nc * (t + 1) / nt,
				     .s = s};
	evi_run_jobs(cross_cols, job, sizeof job[0], nt);
	for (int t = 0; t < nt; t++)
		for (int64_t i = 0; i < nr; i++) {
			if (job[t].cov[i])
				s->covered[r0 + i] = 1;
			if (job[t].rec[i])
				s->recalled[r0 + i] = 1;
		}
}

static int cross_f32(f32work *w, const fset *x, const fset *y, cross_state *s,
		     evald_err *err)
{
	int64_t n = x->n, m = y->n;

	for (int64_t r0 = 0; r0 < n; r0 += EVALD_PRDC_TILE_ROWS) {
		int64_t nr = n - r0 < EVALD_PRDC_TILE_ROWS
				     ? n - r0
				     : EVALD_PRDC_TILE_ROWS;
		for (int64_t c0 = 0; c0 < m; c0 += EVALD_PRDC_TILE_COLS) {
			int64_t nc = m - c0 < EVALD_PRDC_TILE_COLS
					     ? m - c0
					     : EVALD_PRDC_TILE_COLS;
			tile_dots(w, x, r0, nr, y, c0, nc);
			cross_tile_f32(w, x, r0, nr, y, c0, nc, s);
			if (tick(w, err))
				return EVALD_ECANCEL;
		}
	}
	return EVALD_OK;
}

int evi_prdc_f32(const evald_tensor *x, const evald_tensor *y, int64_t k,
		 const evald_progress *prog, double *rx, double *ry,
		 cross_state *s, evald_err *err)
{
	int64_t n = x->shape[0], m = y->shape[0], d = x->shape[1];
	int64_t big = n > m ? n : m;
	f32work w = {.d = d, .prog = prog};
	fset fx = {0}, fy = {0};
	knn kn = {0};
	int rc = EVALD_OK;

	bound_init(&w, d);
	w.total = ntiles(n, n) + ntiles(m, m) + ntiles(n, m);
	w.tile =
		evi_xalloc((int64_t)EVALD_PRDC_TILE_ROWS * EVALD_PRDC_TILE_COLS,
			   sizeof(float));
	if (!w.tile || fset_init(&fx, x) || fset_init(&fy, y) ||
	    knn_init(&kn, big, k + 1)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for prdc of %lld and %lld rows",
				(long long)n, (long long)m);
		goto out;
	}
	rc = knn_radii(&w, &kn, &fx, rx, err);
	if (!rc)
		rc = knn_radii(&w, &kn, &fy, ry, err);
	if (!rc)
		rc = cross_f32(&w, &fx, &fy, s, err);
out:
	free(w.tile);
	fset_free(&fx);
	fset_free(&fy);
	knn_free(&kn);
	return rc;
}
