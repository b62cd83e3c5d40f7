/* prdc.c - precision, recall, density and coverage (see prdc.h): k-NN
 * radii of each set from tiles of its own squared distances, then one
 * pass over tiles of the real x fake distances.  Rows whose values suit
 * float32 take prdc_f32.c's path (same answer, float32 tiles); this file
 * keeps the float64 tiles for the others. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <evald/prdc.h>

#include "internal.h"
#include "prdc_internal.h"

typedef struct prdc_work {
	int64_t d, kk; /* kk = k + 1 smallest kept per row */
	double *tile;  /* [TILE_ROWS, TILE_COLS] */
	double *best;  /* [rows, kk], ascending, per row of the current set */
	int64_t done, total; /* tiles, for progress */
	const evald_progress *prog;
} prdc_work;

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

static int tick(prdc_work *w, evald_err *err)
{
	w->done++;
	if (evald_progress_tick(w->prog, (double)w->done / (double)w->total))
		return evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
	return EVALD_OK;
}

/* rad[i] = squared distance of row i of a [n,d] to its (k+1)-th nearest
 * row of a, itself (at distance exactly 0, as scikit-learn sets the
 * diagonal) included. */
static int radii(prdc_work *w, const double *a, const double *an, int64_t n,
		 double *rad, evald_err *err)
{
	int64_t kk = w->kk, d = w->d;

	for (int64_t i = 0; i < n * kk; i++)
		w->best[i] = INFINITY;
	for (int64_t r0 = 0; r0 < n; r0 += EVALD_PRDC_TILE_ROWS) {
		int64_t nr = n - r0 < EVALD_PRDC_TILE_ROWS
				     ? n - r0
				     : EVALD_PRDC_TILE_ROWS;
		for (int64_t c0 = 0; c0 < n; c0 += EVALD_PRDC_TILE_COLS) {
			int64_t nc = n - c0 < EVALD_PRDC_TILE_COLS
					     ? n - c0
					     : EVALD_PRDC_TILE_COLS;
			evi_sqdist_block(a + r0 * d, an + r0, nr, a + c0 * d,
					 an + c0, nc, d, w->tile);
			for (int64_t i = 0; i < nr; i++) {
				const double *row = w->tile + i * nc;
				double *b = w->best + (r0 + i) * kk;
				for (int64_t j = 0; j < nc; j++)
					keep_smallest(b, kk,
						      r0 + i == c0 + j
							      ? 0.0
							      : row[j]);
			}
			if (tick(w, err))
				return EVALD_ECANCEL;
		}
	}
	for (int64_t i = 0; i < n; i++)
		rad[i] = w->best[i * kk + kk - 1];
	return EVALD_OK;
}

static void cross_tile(const double *t, int64_t r0, int64_t nr, int64_t c0,
		       int64_t nc, cross_state *s)
{
	for (int64_t i = 0; i < nr; i++) {
		const double *row = t + i * nc;
		double ri = s->rr[r0 + i];
		for (int64_t j = 0; j < nc; j++) {
			double v = row[j];
			if (v < ri) {
				s->inside[c0 + j]++;
				s->covered[r0 + i] = 1;
			}
			if (v < s->rf[c0 + j])
				s->recalled[r0 + i] = 1;
		}
	}
}

static int cross(prdc_work *w, const evald_tensor *x, const double *xn,
		 const evald_tensor *y, const double *yn, cross_state *s,
		 evald_err *err)
{
	int64_t n = x->shape[0], m = y->shape[0], d = w->d;

	for (int64_t r0 = 0; r0 < n; r0 += EVALD_PRDC_TILE_ROWS) {
		int64_t nr = n - r0 < EVALD_PRDC_TILE_ROWS
				     ? n - r0
				     : EVALD_PRDC_TILE_ROWS;
		for (int64_t c0 = 0; c0 < m; c0 += EVALD_PRDC_TILE_COLS) {
			int64_t nc = m - c0 < EVALD_PRDC_TILE_COLS
					     ? m - c0
					     : EVALD_PRDC_TILE_COLS;
			evi_sqdist_block(x->data + r0 * d, xn + r0, nr,
					 y->data + c0 * d, yn + c0, nc, d,
					 w->tile);
			cross_tile(w->tile, r0, nr, c0, nc, s);
			if (tick(w, err))
				return EVALD_ECANCEL;
		}
	}
	return EVALD_OK;
}

static int prdc_check(const evald_tensor *x, const evald_tensor *y, int64_t k,
		      evald_err *err)
{
	int rc = evi_check_sets(
		x, y, "prdc needs at least 2 embeddings per set", err);
	if (rc)
		return rc;
	if (x->shape[1] > INT_MAX || x->shape[0] > INT_MAX ||
	    y->shape[0] > INT_MAX)
		return evald_fail(
			err, EVALD_ELIMIT, -1,
			"embedding sets this large are not supported");
	int64_t small = x->shape[0] < y->shape[0] ? x->shape[0] : y->shape[0];
	if (k < 1 || k > small - 2)
		return evald_fail(
			err, EVALD_EINVAL, -1,
			"nearest_k must be between 1 and the smaller "
			"set's size minus 2 (%lld): the radius is the "
			"distance to the (k+1)-th nearest row, the row "
			"itself included; got %lld",
			(long long)(small - 2), (long long)k);
	return EVALD_OK;
}

static int64_t tiles(int64_t r, int64_t c)
{
	return ((r + EVALD_PRDC_TILE_ROWS - 1) / EVALD_PRDC_TILE_ROWS) *
	       ((c + EVALD_PRDC_TILE_COLS - 1) / EVALD_PRDC_TILE_COLS);
}

static void finish(const cross_state *s, int64_t n, int64_t m, int64_t k,
		   evald_prdc_result *r)
{
	int64_t prec = 0, rec = 0, cov = 0, dens = 0;

	for (int64_t j = 0; j < m; j++) {
		prec += s->inside[j] > 0;
		dens += s->inside[j];
		r->zero_radii_fake += s->rf[j] == 0.0;
	}
	for (int64_t i = 0; i < n; i++) {
		rec += s->recalled[i];
		cov += s->covered[i];
		r->zero_radii_real += s->rr[i] == 0.0;
	}
	r->precision = (double)prec / (double)m;
	r->recall = (double)rec / (double)n;
	r->density = (1.0 / (double)k) * ((double)dens / (double)m);
	r->coverage = (double)cov / (double)n;
}

int evald_prdc(const evald_tensor *x, const evald_tensor *y, int64_t k,
	       const evald_progress *prog, evald_prdc_result *r, evald_err *err)
{
	prdc_work w = {0};
	cross_state s = {0};
	double *xn = NULL, *yn = NULL, *rr = NULL, *rf = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = prdc_check(x, y, k, err);
	if (rc)
		return rc;
	int64_t n = x->shape[0], m = y->shape[0], d = x->shape[1];
	int64_t big = n > m ? n : m;
	w = (prdc_work){.d = d, .kk = k + 1, .prog = prog};
	w.total = tiles(n, n) + tiles(m, m) + tiles(n, m);
	w.tile =
		evi_xalloc((int64_t)EVALD_PRDC_TILE_ROWS * EVALD_PRDC_TILE_COLS,
			   sizeof(double));
	w.best = evi_xalloc(big * (k + 1), sizeof(double));
	xn = evi_xalloc(n, sizeof(double));
	yn = evi_xalloc(m, sizeof(double));
	rr = evi_xalloc(n, sizeof(double));
	rf = evi_xalloc(m, sizeof(double));
	s.inside = calloc((size_t)m, sizeof(int64_t));
	s.recalled = calloc((size_t)n, 1);
	s.covered = calloc((size_t)n, 1);
	if (!w.tile || !w.best || !xn || !yn || !rr || !rf || !s.inside ||
	    !s.recalled || !s.covered) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for prdc of %lld and %lld rows",
				(long long)n, (long long)m);
		goto out;
	}
	s.rr = rr;
	s.rf = rf;
	if (k < EVI_PRDC_F32_MAX_K && evi_prdc_f32_ok(x) &&
	    evi_prdc_f32_ok(y)) {
		rc = evi_prdc_f32(x, y, k, prog, rr, rf, &s, err);
	} else {
		evi_row_sqnorms(x->data, n, d, xn);
		evi_row_sqnorms(y->data, m, d, yn);
		rc = radii(&w, x->data, xn, n, rr, err);
		if (!rc)
			rc = radii(&w, y->data, yn, m, rf, err);
		if (!rc)
			rc = cross(&w, x, xn, y, yn, &s, err);
	}
	if (!rc)
		finish(&s, n, m, k, r);
out:
	free(w.tile);
	free(w.best);
	free(xn);
	free(yn);
	free(rr);
	free(rf);
	free(s.inside);
	free(s.recalled);
	free(s.covered);
	return rc;
}
