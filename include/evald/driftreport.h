/* driftreport.h - a data-drift report over the columns of a reference and
 * a current table: per column a two-sample test or a drift distance
 * (twosample.h, drift.h), chosen as Evidently chooses by default or named
 * by the caller, a verdict against a threshold, a multiple-testing
 * correction over the p-values, and the dataset's verdict from the share
 * of drifted columns.
 *
 * The caller hands over typed columns of plain doubles with the missing
 * values already taken out: numeric values, or categories as codes (equal
 * codes are one category, their order is the categories' order).  Parsing
 * tables, strings and nulls stays with the caller. */
#ifndef EVALD_DRIFTREPORT_H
#define EVALD_DRIFTREPORT_H

#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { EVALD_COL_NUMERIC = 0, EVALD_COL_CATEGORICAL } evald_col_type;

typedef enum {
	EVALD_DT_AUTO = 0, /* Evidently's default choice (evald_drift_auto) */
	/* p-value tests: drifted when p < threshold (default 0.05) */
	EVALD_DT_KS,		 /* scipy.stats.ks_2samp, method auto */
	EVALD_DT_CHISQUARE,	 /* chisquare(current counts, reference
				    counts scaled to the current size) */
	EVALD_DT_Z,		 /* proportion difference of the first
				    category, two-sided */
	EVALD_DT_MANNWHITNEYU,	 /* two-sided, continuity, method auto */
	EVALD_DT_CRAMERVONMISES, /* cramervonmises_2samp, method auto */
	EVALD_DT_ANDERSON,	 /* anderson_ksamp, capped p-value */
	/* distances: drifted when d >= threshold (default 0.1) */
	EVALD_DT_WASSERSTEIN, /* evald_wasserstein_normed */
	EVALD_DT_JENSENSHANNON,
	EVALD_DT_PSI,
	EVALD_DT_KL,
	EVALD_DT_HELLINGER,
	EVALD_DT_TOTAL_VARIATION
} evald_drift_test;

#define EVALD_DT_COUNT (EVALD_DT_TOTAL_VARIATION + 1)

typedef enum {
	EVALD_CORR_NONE = 0,
	EVALD_CORR_BONFERRONI, /* min(1, p * m) */
	EVALD_CORR_BH	       /* Benjamini-Hochberg step-up adjusted p */
} evald_correction;

typedef struct evald_drift_column {
	evald_col_type type;
	const double *ref; /* [n_ref] non-missing values or category codes */
	int64_t n_ref;
	const double *cur; /* [n_cur] */
	int64_t n_cur;
	evald_drift_test test; /* AUTO: Evidently's default */
	double threshold;      /* NaN: the test's default */
} evald_drift_column;

typedef struct evald_drift_result {
	evald_drift_test test; /* the one used (never AUTO) */
	int is_pvalue;	       /* 1: score is a p-value, 0: a distance */
	double statistic;      /* the test's statistic; the distance itself */
	double score;	       /* the raw p-value, or the distance */
	double adjusted;       /* the corrected p-value (NaN: a distance, or
				  no correction) */
	double threshold;
	int drifted;
	int64_t n_unique; /* distinct values of both samples together */
} evald_drift_result;

/* Evidently's default choice (its get_default_stattest): with at most
 * 1000 reference values, KS for a numeric column of more than 5 distinct
 * values (reference and current together), else chi-square for more than
 * 2, else the Z-test; with more, the normed Wasserstein distance for a
 * numeric column of more than 5 distinct values, else Jensen-Shannon. */
evald_drift_test evald_drift_auto(evald_col_type type, int64_t n_ref,
				  int64_t n_unique);

/* The test's default threshold: 0.05 for p-values, 0.1 for distances. */
double evald_drift_default_threshold(evald_drift_test t);

/* 1 when t answers a p-value, 0 for a distance. */
int evald_drift_is_pvalue(evald_drift_test t);

/* One column: its test, score and verdict before any correction.  The
 * tests on order (KS, Mann-Whitney, Cramer-von Mises, Anderson-Darling,
 * Wasserstein) need a numeric column (EVALD_EINVAL otherwise).  Both
 * samples need a value (EVALD_EEMPTY). */
int evald_drift_column_run(const evald_drift_column *col,
			   evald_drift_result *out, evald_err *err);

/* The whole report: each column run, then the correction applied over
 * the columns whose score is a (non-NaN) p-value, each verdict taken on
 * the corrected p-value, and *share = drifted columns / columns, *dataset
 * = share >= drift_share.  In err, `input` is the column's index. */
int evald_drift_report(const evald_drift_column *cols, int64_t ncols,
		       evald_correction corr, double drift_share,
		       evald_drift_result *out, double *share, int *dataset,
		       evald_err *err);

/* Adjust the p-values p [k] in place (NaN entries are left out of the
 * count and stay NaN). */
int evald_drift_correct(double *p, int64_t k, evald_correction corr,
			evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
