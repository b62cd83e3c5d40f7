/* fid_ref.c - FID against a prepared reference: the reference's
 * factorisation is done once (evald_fid_ref_prepare) and every FID against
 * it only symmetrises the other covariance, transforms it by the factor
 * and takes eigenvalues (see fid.h).  The same rule as fid.c through
 * fid_internal.h, with one difference stated in fid.h: the reference's
 * factor is used whichever side it is on. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <evald/fid.h>

#include "fid_internal.h"
#include "internal.h"

void evald_fid_ref_free(evald_fid_ref *ref)
{
	free(ref->mu);
	free(ref->f);
	memset(ref, 0, sizeof *ref);
}

size_t evald_fid_ref_bytes(const evald_fid_ref *ref)
{
	return (size_t)ref->d * sizeof(double) +
	       (ref->f ? (size_t)ref->d * (size_t)ref->rank * sizeof(double)
		       : 0);
}

/* Zero the strict upper triangle (column-major) that dpotrf left holding
 * Σ, so f is a plain lower-triangular matrix for dsyrk and friends. */
static void clear_upper(double *a, int64_t d)
{
	for (int64_t j = 1; j < d; j++)
		memset(a + j * d, 0, (size_t)j * sizeof(double));
}

int evald_fid_ref_prepare(const evald_gauss *g, evald_fid_ref *ref,
			  evald_err *err)
{
	int64_t d = g->d;
	double *a = NULL, *z = NULL, *w = NULL;
	fid_trace t = {.rank = -1};
	int rc = EVALD_OK;

	memset(ref, 0, sizeof *ref);
	ref->d = d;
	ref->n = g->n;
	ref->mu = evi_xalloc(d, sizeof(double));
	a = evi_xalloc(d * d, sizeof(double));
	w = evi_xalloc(2 * d, sizeof(double));
	if (!ref->mu || !a || !w) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory preparing a %lld x %lld "
				"reference",
				(long long)d, (long long)d);
		goto fail;
	}
	memcpy(ref->mu, g->mu, (size_t)d * sizeof(double));
	memcpy(a, g->sigma, (size_t)(d * d) * sizeof(double));
	for (int64_t i = 0; i < d; i++)
		ref->trace += g->sigma[i * d + i];
	ref->smax = evi_fid_sym(a, d, w + d);
	if (ref->smax == 0.0) { /* Σ = 0: no factor, tr √ = 0 */
		free(a);
		a = NULL;
		goto done;
	}
	if (evi_fid_chol(a, d, ref->smax)) {
		clear_upper(a, d);
		ref->chol = 1;
		ref->rank = d;
		ref->f = a;
		a = NULL;
		goto done;
	}
	evi_fid_sym_restore(a, d, w + d);
	z = evi_xalloc(d * d, sizeof(double));
	if (!z) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the eigenvectors of a "
				"%lld x %lld covariance",
				(long long)d, (long long)d);
		goto fail;
	}
	rc = evi_fid_eigen_factor(a, z, d, w, &t, &ref->rank, err);
	if (rc)
		goto fail;
	ref->not_psd = (t.flags & EVALD_FID_NOT_PSD) != 0;
	ref->min_eig = t.min_eig;
	/* Keep only W's rank columns: what evald_fid_ref_bytes counts. */
	double *shrunk =
		realloc(a, (size_t)(d * (ref->rank > 0 ? ref->rank : 1)) *
				   sizeof(double));
	ref->f = shrunk ? shrunk : a;
	a = NULL;
done:
	free(z);
	free(w);
	return EVALD_OK;
fail:
	free(a);
	free(z);
	free(w);
	evald_fid_ref_free(ref);
	return rc;
}

void evald_fid_ref_sigma(const evald_fid_ref *ref, double *sigma)
{
	int64_t d = ref->d;

	if (!ref->f || ref->rank == 0) {
		memset(sigma, 0, (size_t)(d * d) * sizeof(double));
		return;
	}
	/* Lower triangle (column-major) of F Fᵀ, mirrored: symmetric, so
	 * its C-order image is itself. */
	cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d,
		    (int)ref->rank, 1.0, ref->f, (int)d, 0.0, sigma, (int)d);
	for (int64_t j = 0; j < d; j++)
		for (int64_t i = j + 1; i < d; i++)
			sigma[i * d + j] = sigma[j * d + i];
}

int evald_fid_with_ref(const evald_fid_ref *ref, int ref_is_y,
		       const evald_gauss *other, double *sother,
		       evald_fid_result *r, evald_err *err)
{
	int64_t d = ref->d;
	double *b = sother, *own = NULL, *z = NULL, *w = NULL;
	fid_trace t = {.rank = -1};
	int rc = EVALD_OK;
	unsigned sing = ref_is_y ? EVALD_FID_SINGULAR_Y : EVALD_FID_SINGULAR_X;
	unsigned zero_ref = ref_is_y ? EVALD_FID_ZERO_Y : EVALD_FID_ZERO_X;
	unsigned zero_oth = ref_is_y ? EVALD_FID_ZERO_X : EVALD_FID_ZERO_Y;

	memset(r, 0, sizeof *r);
	r->rank = -1;
	if (other->d != d)
		return evald_fail(err, EVALD_ESHAPE, ref_is_y ? 0 : 1,
				  "%s has dimension %lld but %s has %lld; "
				  "both sets must be embedded in the same "
				  "space",
				  ref_is_y ? "x" : "y", (long long)other->d,
				  ref_is_y ? "y" : "x", (long long)d);
	double mt = 0.0, tr_o = 0.0;
	for (int64_t i = 0; i < d; i++) {
		double df = ref->mu[i] - other->mu[i];
		mt += df * df;
		tr_o += other->sigma[i * d + i];
	}
	w = evi_xalloc(2 * d, sizeof(double));
	if (!b)
		b = own = evi_xalloc(d * d, sizeof(double));
	if (!ref->chol && ref->rank > 0)
		z = evi_xalloc(d * ref->rank, sizeof(double));
	if (!w || !b || (!ref->chol && ref->rank > 0 && !z)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for a %lld x %lld matrix",
				(long long)d, (long long)d);
		goto out;
	}
	if (own)
		memcpy(own, other->sigma, (size_t)(d * d) * sizeof(double));
	double omax = evi_fid_sym(b, d, w + d);
	t.tau = (double)d * DBL_EPSILON * ref->smax * omax;
	if (ref->smax == 0.0 || omax == 0.0) {
		t.flags |= (ref->smax == 0.0 ? zero_ref : 0) |
			   (omax == 0.0 ? zero_oth : 0);
	} else {
		if (!ref->chol) {
			t.flags |= sing | EVALD_FID_EIGEN;
			t.rank = ref->rank;
			t.zeroed = d - ref->rank;
			if (ref->not_psd) {
				t.flags |= EVALD_FID_NOT_PSD;
				t.min_eig = ref->min_eig;
			}
		}
		rc = evi_fid_trace_through(ref->f, ref->rank, ref->chol, b, z,
					   d, w, &t, err);
		if (rc)
			goto out;
	}
	evi_fid_finish(mt, ref->trace + tr_o, &t, r);
out:
	free(own);
	free(z);
	free(w);
	return rc;
}
