/* driftcorr.c - the report's multiple-testing correction and the dataset
 * verdict (driftreport.h).  Benjamini-Hochberg is the step-up adjusted
 * p-value statsmodels' multipletests(method="fdr_bh") gives: sorted
 * ascending, p_(i) m / i, then the running minimum from the largest down,
 * capped at 1. */
#include <math.h>
#include <stdlib.h>

#include <evald/driftreport.h>

#include "driftcat.h"
#include "internal.h"

/* v [m] the non-NaN p-values, at [m] their columns.  Tied p-values end
 * with the same adjusted value whatever their order (the running minimum
 * from the top reaches the last of them first), so any sort will do. */
static int bh(double *p, int64_t k, int64_t m, evald_err *err)
{
	double *v = evi_xalloc(m, sizeof *v);
	int64_t *at = evi_xalloc(m, sizeof *at),
		*ord = evi_xalloc(m, sizeof *ord);
	int64_t j = 0;
	int rc = EVALD_OK;

	if (!v || !at || !ord) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	for (int64_t i = 0; i < k; i++)
		if (!isnan(p[i])) {
			v[j] = p[i];
			at[j++] = i;
		}
	if (evi_argsort(v, m, ord) < 0) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	double run = 1;
	for (int64_t i = m - 1; i >= 0; i--) {
		double a = v[ord[i]] * (double)m / (double)(i + 1);
		if (a < run)
			run = a;
		p[at[ord[i]]] = run;
	}
out:
	free(v);
	free(at);
	free(ord);
	return rc;
}

int evald_drift_correct(double *p, int64_t k, evald_correction corr,
			evald_err *err)
{
	int64_t m = 0;

	if ((unsigned)corr > EVALD_CORR_BH)
		return evald_fail(err, EVALD_EINVAL, -1, "unknown correction");
	for (int64_t i = 0; i < k; i++)
		m += !isnan(p[i]);
	if (corr == EVALD_CORR_NONE || m == 0)
		return EVALD_OK;
	if (corr == EVALD_CORR_BH)
		return bh(p, k, m, err);
	for (int64_t i = 0; i < k; i++)
		if (!isnan(p[i]))
			p[i] = fmin(1.0, p[i] * (double)m);
	return EVALD_OK;
}

/* The corrected p-values of the p-value columns, their verdicts again. */
static int correct_all(evald_drift_result *out, int64_t ncols,
		       evald_correction corr, evald_err *err)
{
	double *p = evi_xalloc(ncols, sizeof *p);
	int rc;

	if (!p)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t i = 0; i < ncols; i++)
		p[i] = out[i].is_pvalue ? out[i].score : NAN;
	rc = evald_drift_correct(p, ncols, corr, err);
	for (int64_t i = 0; !rc && i < ncols; i++) {
		if (!out[i].is_pvalue)
			continue;
		out[i].adjusted = p[i];
		out[i].drifted = p[i] < out[i].threshold;
	}
	free(p);
	return rc;
}

int evald_drift_report(const evald_drift_column *cols, int64_t ncols,
		       evald_correction corr, double drift_share,
		       evald_drift_result *out, double *share, int *dataset,
		       evald_err *err)
{
	int64_t drifted = 0;
	int rc;

	if (ncols < 1)
		return evald_fail(err, EVALD_EEMPTY, -1, "no columns");
	if (!(drift_share >= 0 && drift_share <= 1))
		return evald_fail(err, EVALD_ERANGE, -1,
				  "drift_share is %g; it is a share of "
				  "columns, in [0, 1]",
				  drift_share);
	if ((rc = evi_drift_run_columns(cols, ncols, out, err)))
		return rc;
	if (corr != EVALD_CORR_NONE &&
	    (rc = correct_all(out, ncols, corr, err)))
		return rc;
	for (int64_t i = 0; i < ncols; i++)
		drifted += out[i].drifted;
	*share = (double)drifted / (double)ncols;
	*dataset = *share >= drift_share;
	return EVALD_OK;
}
