/* driftreport.c - the drift report over typed columns (driftreport.h):
 * Evidently's default choice of test per column, each test through the
 * library's own two-sample tests and distances, the multiple-testing
 * correction and the dataset's verdict. */
#include <math.h>
#include <stdlib.h>

#include <evald/drift.h>
#include <evald/driftreport.h>
#include <evald/twosample.h>

#include "driftcat.h"
#include "internal.h"
#include "sample.h"

/* Evidently's get_default_stattest: "small data" is a reference of at
 * most this many values, and a numeric column of at most 5 distinct
 * values is tested as categories. */
#define AUTO_SMALL_REF	   1000
#define AUTO_FEW_DISTINCT  5
#define AUTO_BINARY	   2
#define DEFAULT_P_THRESH   0.05
#define DEFAULT_DIST_THRES 0.1

evald_drift_test evald_drift_auto(evald_col_type type, int64_t n_ref,
				  int64_t n_unique)
{
	int many = type == EVALD_COL_NUMERIC && n_unique > AUTO_FEW_DISTINCT;
	if (n_ref <= AUTO_SMALL_REF) {
		if (many)
			return EVALD_DT_KS;
		return n_unique > AUTO_BINARY ? EVALD_DT_CHISQUARE : EVALD_DT_Z;
	}
	return many ? EVALD_DT_WASSERSTEIN : EVALD_DT_JENSENSHANNON;
}

int evald_drift_is_pvalue(evald_drift_test t)
{
	return t >= EVALD_DT_KS && t <= EVALD_DT_ANDERSON;
}

double evald_drift_default_threshold(evald_drift_test t)
{
	return evald_drift_is_pvalue(t) ? DEFAULT_P_THRESH : DEFAULT_DIST_THRES;
}

static int needs_order(evald_drift_test t)
{
	return t == EVALD_DT_KS || t == EVALD_DT_MANNWHITNEYU ||
	       t == EVALD_DT_CRAMERVONMISES || t == EVALD_DT_ANDERSON ||
	       t == EVALD_DT_WASSERSTEIN;
}

/* The tests that order values, on a numeric column whose samples a [n_ref]
 * and b [n_cur] are sorted already. */
static int ordered_test(const evald_drift_column *c, const double *a,
			const double *b, evald_drift_test t,
			evald_drift_result *o, evald_err *err)
{
	evi_sample sr = {c->ref, a, c->n_ref}, sc = {c->cur, b, c->n_cur};
	evald_test_result r = {0};
	int rc = EVALD_OK;

	switch (t) {
	case EVALD_DT_KS:
		rc = evi_ks_2samp(&sr, &sc, EVALD_ALT_TWO_SIDED,
				  EVALD_TEST_AUTO, &r, err);
		break;
	case EVALD_DT_MANNWHITNEYU:
		rc = evald_mannwhitneyu(c->ref, c->n_ref, c->cur, c->n_cur, 1,
					EVALD_ALT_TWO_SIDED, EVALD_TEST_AUTO,
					&r, err);
		break;
	case EVALD_DT_CRAMERVONMISES:
		rc = evi_cramervonmises_2samp(&sr, &sc, EVALD_TEST_AUTO, &r,
					      err);
		break;
	case EVALD_DT_ANDERSON: {
		const evi_sample s[2] = {sr, sc};
		double crit[7];
		int capped;
		rc = evi_anderson_ksamp(s, 2, 1, &r.statistic, crit, &r.pvalue,
					&capped, err);
		break;
	}
	default:
		rc = evi_wasserstein_normed(&sr, &sc, &r.statistic, err);
		r.pvalue = r.statistic;
	}
	o->statistic = r.statistic;
	o->score = r.pvalue;
	return rc;
}

static int binned_distance(const evald_drift_column *c, evald_drift_test t,
			   const double *rc, const double *cc, int64_t k,
			   evald_drift_result *o, evald_err *err)
{
	static const evald_drift_kind kinds[] = {
		[EVALD_DT_JENSENSHANNON] = EVALD_DRIFT_JENSENSHANNON,
		[EVALD_DT_PSI] = EVALD_DRIFT_PSI,
		[EVALD_DT_KL] = EVALD_DRIFT_KL,
		[EVALD_DT_HELLINGER] = EVALD_DRIFT_HELLINGER,
		[EVALD_DT_TOTAL_VARIATION] = EVALD_DRIFT_TOTAL_VARIATION};
	double *r = NULL, *s = NULL;
	int64_t nb = k;
	int rc_;

	if (c->type == EVALD_COL_NUMERIC) {
		/* Evidently's get_binned_data: sturges bins of the union
		 * unless the reference has few distinct values */
		rc_ = evald_drift_bin(c->ref, c->n_ref, c->cur, c->n_cur, 0,
				      EVALD_BINS_UNION, 0, &r, &s, &nb, err);
	} else {
		r = evi_xalloc(k, sizeof *r);
		s = evi_xalloc(k, sizeof *s);
		rc_ = r && s ? EVALD_OK
			     : evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
		for (int64_t i = 0; !rc_ && i < k; i++) {
			r[i] = rc[i] / (double)c->n_ref;
			s[i] = cc[i] / (double)c->n_cur;
		}
	}
	if (!rc_)
		rc_ = evald_drift_distance(kinds[t], r, s, nb, 0, &o->score,
					   err);
	o->statistic = o->score;
	free(r);
	free(s);
	return rc_;
}

static int run_test(const evald_drift_column *c, const double *a,
		    const double *b, evald_drift_test t, const double *rc,
		    const double *cc, int64_t k, evald_drift_result *o,
		    evald_err *err)
{
	double n = (double)c->n_ref, m = (double)c->n_cur;

	if (needs_order(t))
		return ordered_test(c, a, b, t, o, err);
	if (t == EVALD_DT_CHISQUARE)
		evi_drift_chisquare(rc, cc, k, n, m, &o->statistic, &o->score);
	else if (t == EVALD_DT_Z)
		evi_drift_ztest(rc, cc, k, n, m, &o->statistic, &o->score);
	else
		return binned_distance(c, t, rc, cc, k, o, err);
	return EVALD_OK;
}

static int verdict(const evald_drift_result *o, double score)
{
	if (o->is_pvalue)
		return score < o->threshold; /* NaN: no verdict of drift */
	return score >= o->threshold;
}

int evald_drift_column_run(const evald_drift_column *c, evald_drift_result *o,
			   evald_err *err)
{
	double *a = NULL, *b = NULL, *rc = NULL, *cc = NULL;
	int64_t k = 0;
	int rc_;

	if (c->n_ref < 1 || c->n_cur < 1)
		return evald_fail(err, EVALD_EEMPTY, -1,
				  "the %s sample has no values (after the "
				  "missing ones are left out)",
				  c->n_ref < 1 ? "reference" : "current");
	if ((unsigned)c->test >= EVALD_DT_COUNT)
		return evald_fail(err, EVALD_EINVAL, -1, "unknown test");
	/* Each sample sorted once: the count of distinct values (and the
	 * counts, when the test reads them) walk the sorted samples, and a
	 * test that orders values takes them as they are. */
	a = evi_xalloc(c->n_ref, sizeof *a);
	b = evi_xalloc(c->n_cur, sizeof *b);
	if (!a || !b || evi_sort_values(c->ref, c->n_ref, a) < 0 ||
	    evi_sort_values(c->cur, c->n_cur, b) < 0) {
		rc_ = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	k = evi_drift_distinct(a, c->n_ref, b, c->n_cur);
	o->n_unique = k;
	o->test = c->test == EVALD_DT_AUTO
			  ? evald_drift_auto(c->type, c->n_ref, k)
			  : c->test;
	/* Only the tests on categories read the counts: a numeric column
	 * of 10^5 distinct values skips two arrays of that size. */
	if (!needs_order(o->test) &&
	    evi_drift_counts(a, c->n_ref, b, c->n_cur, k, &rc, &cc) < 0) {
		rc_ = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	o->is_pvalue = evald_drift_is_pvalue(o->test);
	o->threshold = isnan(c->threshold)
			       ? evald_drift_default_threshold(o->test)
			       : c->threshold;
	o->adjusted = NAN;
	if (needs_order(o->test) && c->type != EVALD_COL_NUMERIC)
		rc_ = evald_fail(err, EVALD_EINVAL, -1,
				 "this test orders values, and categories "
				 "have no order; use chisquare, z or a "
				 "binned distance");
	else
		rc_ = run_test(c, a, b, o->test, rc, cc, k, o, err);
	o->drifted = rc_ ? 0 : verdict(o, o->score);
out:
	free(a);
	free(b);
	free(rc);
	free(cc);
	return rc_;
}
