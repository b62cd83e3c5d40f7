/* mifid.c - torchmetrics' memorisation-informed FID (see mifid.h): FID
 * over the mean minimum cosine distance from real rows to fake rows. */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <evald/mifid.h>

#include "internal.h"

#define MIFID_TILE 256

/* The rows of a [n,d] not summing to exactly 0, scaled to unit length,
 * into out; returns how many. */
static int64_t kept_unit_rows(const double *a, int64_t n, int64_t d,
			      double *out)
{
	int64_t k = 0;

	for (int64_t i = 0; i < n; i++) {
		const double *row = a + i * d;
		double s = 0.0;
		for (int64_t j = 0; j < d; j++)
			s += row[j];
		if (s == 0.0)
			continue;
		double nr = cblas_dnrm2((int)d, row, 1);
		for (int64_t j = 0; j < d; j++)
			out[k * d + j] = row[j] / nr;
		k++;
	}
	return k;
}

/* Mean over rows of u [nu,d] of min over rows of v [nv,d] of
 * 1 − |u·v|. */
static double mean_min_cos(const double *u, int64_t nu, const double *v,
			   int64_t nv, int64_t d, double *tile)
{
	double total = 0.0;

	for (int64_t r0 = 0; r0 < nu; r0 += MIFID_TILE) {
		int64_t nr = nu - r0 < MIFID_TILE ? nu - r0 : MIFID_TILE;
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr,
			    (int)nv, (int)d, 1.0, u + r0 * d, (int)d, v, (int)d,
			    0.0, tile, (int)nv);
		for (int64_t i = 0; i < nr; i++) {
			double best = INFINITY;
			for (int64_t j = 0; j < nv; j++) {
				double c = 1.0 - fabs(tile[i * nv + j]);
				best = c < best ? c : best;
			}
			total += best;
		}
	}
	return total / (double)nu;
}

int evald_mifid(const evald_tensor *x, const evald_tensor *y, double eps,
		evald_mifid_result *r, evald_err *err)
{
	double *u = NULL, *v = NULL, *tile = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if (!(eps > 0.0 && eps <= 1.0))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "cosine_distance_eps must be in (0, 1]");
	rc = evald_fid(x, y, &r->fid, err);
	if (rc)
		return rc;
	int64_t n = x->shape[0], m = y->shape[0], d = x->shape[1];
	u = evi_xalloc(n * d, sizeof(double));
	v = evi_xalloc(m * d, sizeof(double));
	tile = evi_xalloc((int64_t)MIFID_TILE * m, sizeof(double));
	if (!u || !v || !tile) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for unit rows of %lld and %lld "
				"embeddings",
				(long long)n, (long long)m);
		goto out;
	}
	int64_t nu = kept_unit_rows(x->data, n, d, u);
	int64_t nv = kept_unit_rows(y->data, m, d, v);
	r->dropped_real = n - nu;
	r->dropped_fake = m - nv;
	if (nu == 0 || nv == 0) {
		rc = evald_fail(err, EVALD_EEMPTY, nu == 0 ? 0 : 1,
				"every row of %s sums to 0; torchmetrics drops "
				"such rows, which leaves no cosine distance",
				nu == 0 ? "real" : "fake");
		goto out;
	}
	r->distance = mean_min_cos(u, nu, v, nv, d, tile);
	r->penalty = r->distance < eps ? r->distance : 1.0;
	r->value =
		r->fid.value > 1e-8 ? r->fid.value / (r->penalty + 1e-14) : 0.0;
out:
	free(u);
	free(v);
	free(tile);
	return rc;
}
