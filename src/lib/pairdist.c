/* pairdist.c - squared Euclidean distances between row blocks, through
 * dgemm: ‖a‖² + ‖b‖² − 2 a·b, as scikit-learn's euclidean_distances
 * computes them.  Shared by prdc, mmd, vendi and mifid so each works in
 * tiles and none holds a whole N x M matrix it does not need; a set
 * against itself can take the upper triangle alone (dsyrk). */
#include <cblas.h>

#include "internal.h"

void evi_row_sqnorms(const double *a, int64_t n, int64_t d, double *out)
{
	for (int64_t i = 0; i < n; i++)
		out[i] = cblas_ddot((int)d, a + i * d, 1, a + i * d, 1);
}

void evi_sqdist_block(const double *a, const double *an, int64_t nr,
		      const double *b, const double *bn, int64_t nc, int64_t d,
		      double *out)
{
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nr, (int)nc,
		    (int)d, -2.0, a, (int)d, b, (int)d, 0.0, out, (int)nc);
	for (int64_t i = 0; i < nr; i++) {
		double *row = out + i * nc;
		for (int64_t j = 0; j < nc; j++) {
			/* Cancellation can leave a tiny negative for two
			 * near-equal rows; a distance is never below 0. */
			double v = row[j] + an[i] + bn[j];
			row[j] = v > 0.0 ? v : 0.0;
		}
	}
}

void evi_sqdist_upper(const double *a, const double *an, int64_t n, int64_t d,
		      double *out)
{
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)d,
		    -2.0, a, (int)d, 0.0, out, (int)n);
	for (int64_t i = 0; i < n; i++) {
		double *row = out + i * n;
		row[i] = 0.0;
		for (int64_t j = i + 1; j < n; j++) {
			double v = row[j] + an[i] + an[j];
			row[j] = v > 0.0 ? v : 0.0;
		}
	}
}
