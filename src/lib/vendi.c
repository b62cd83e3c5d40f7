/* vendi.c - the Vendi score (see vendi.h): the similarity matrix (or its
 * d x d twin), its eigenvalues by dsyevd, their Rényi entropy. */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <evald/vendi.h>

#include "internal.h"

/* exp of the order-q entropy of the positive entries of w [k]. */
static double entropy_exp(const double *w, int64_t k, double q,
			  int64_t *positive)
{
	double acc = 0.0;
	int64_t pos = 0;

	for (int64_t i = 0; i < k; i++) {
		if (!(w[i] > 0.0))
			continue;
		pos++;
		acc += q == 1.0 ? -w[i] * log(w[i]) : pow(w[i], q);
	}
	*positive = pos;
	return q == 1.0 ? exp(acc) : exp(log(acc) / (1.0 - q));
}

/* Rows of a [n,d] scaled to unit length; zero rows stay 0. */
static void normalize_rows(double *a, int64_t n, int64_t d)
{
	for (int64_t i = 0; i < n; i++) {
		double s = cblas_dnrm2((int)d, a + i * d, 1);
		if (s > 0.0)
			cblas_dscal((int)d, 1.0 / s, a + i * d, 1);
	}
}

/* The symmetric matrix whose eigenvalues are those of K/n: g [k,k]. */
static void gram(const double *a, int64_t n, int64_t d,
		 evald_vendi_kernel kernel, double bw, double *g, double *an,
		 int64_t *k)
{
	double inv = 1.0 / (double)n;

	if (kernel != EVALD_VENDI_RBF && d < n) {
		*k = d;
		cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d,
			    (int)n, inv, a, (int)d, 0.0, g, (int)d);
		return;
	}
	*k = n;
	if (kernel != EVALD_VENDI_RBF) {
		cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)n,
			    (int)d, inv, a, (int)d, 0.0, g, (int)n);
		return;
	}
	evi_row_sqnorms(a, n, d, an);
	evi_sqdist_block(a, an, n, a, an, n, d, g);
	double c = 1.0 / (2.0 * bw * bw);
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++)
			g[i * n + j] =
				i == j ? inv : inv * exp(-c * g[i * n + j]);
}

int evald_vendi(const evald_tensor *x, evald_vendi_kernel kernel,
		double bandwidth, double q, evald_vendi_result *r,
		evald_err *err)
{
	double *a = NULL, *g = NULL, *w = NULL, *an = NULL;
	char sh[64];
	int rc = EVALD_OK;

	memset(r, 0, sizeof *r);
	if (x->ndim != 2 || x->shape[0] < 1 || x->shape[1] < 1)
		return evald_fail(err,
				  x->ndim != 2 ? EVALD_ESHAPE : EVALD_EEMPTY, 0,
				  "x must be a non-empty matrix [n, d]; got "
				  "shape %s",
				  evald_shape_str(x, sh, sizeof sh));
	int64_t n = x->shape[0], d = x->shape[1], k = 0;
	if (n > INT_MAX || d > INT_MAX)
		return evald_fail(
			err, EVALD_ELIMIT, 0,
			"embedding sets this large are not supported");
	if (!(q >= 0.0) || (kernel == EVALD_VENDI_RBF && !(bandwidth > 0.0)))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the Vendi score needs q >= 0 and, for rbf, "
				  "a bandwidth > 0");
	int64_t order = kernel != EVALD_VENDI_RBF && d < n ? d : n;
	a = evi_xalloc(n * d, sizeof(double));
	g = evi_xalloc(order * order, sizeof(double));
	w = evi_xalloc(order, sizeof(double));
	an = evi_xalloc(n, sizeof(double));
	if (!a || !g || !w || !an) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for a %lld x %lld eigenproblem",
				(long long)order, (long long)order);
		goto out;
	}
	memcpy(a, x->data, (size_t)(n * d) * sizeof(double));
	if (kernel == EVALD_VENDI_COSINE)
		normalize_rows(a, n, d);
	gram(a, n, d, kernel, bandwidth, g, an, &k);
	if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'L', (lapack_int)k, g,
			   (lapack_int)k, w) != 0) {
		rc = evald_fail(err, EVALD_ENUMERIC, -1,
				"the eigenvalue solver did not converge");
		goto out;
	}
	r->order = k;
	r->value = entropy_exp(w, k, q, &r->positive);
	if (r->positive == 0)
		rc = evald_fail(
			err, EVALD_EINVAL, 0,
			"every row of x is 0: the similarity matrix has "
			"no positive eigenvalue");
out:
	free(a);
	free(g);
	free(w);
	free(an);
	return rc;
}
