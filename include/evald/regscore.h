/* regscore.h - regression scores with scikit-learn 1.2's semantics.
 *
 * y_true and y_pred are [N] (one output) or [N,K] (K outputs); a [N]
 * input is the same as [N,1].  sample_weight, where a score takes it, is
 * [N] and weighs whole rows.  Each score is computed per output and then
 * combined as `multioutput` says: the per-output values (raw), their mean
 * (uniform) or, for r2 and explained_variance only, their mean weighted
 * by each output's variance of y_true (variance-weighted). */
#ifndef EVALD_REGSCORE_H
#define EVALD_REGSCORE_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum evald_multioutput {
	EVALD_MO_RAW = 0,     /* one value per output */
	EVALD_MO_UNIFORM = 1, /* their mean */
	EVALD_MO_VARIANCE = 2 /* r2, explained_variance: weighted by the
				 outputs' variance of y_true */
} evald_multioutput;

typedef struct evald_regopts {
	const evald_tensor *sample_weight; /* [N], or NULL for 1 each */
	evald_multioutput multioutput;
	int force_finite; /* r2, explained_variance: a constant y_true gives
			     1 (perfect) or 0 instead of NaN / -inf */
	double alpha;	  /* pinball: the quantile */
	int squared;	  /* msle: 0 takes the root per output (RMSLE) */
} evald_regopts;

typedef struct evald_regscore {
	double value;	  /* combined over outputs (not set for raw) */
	double *outputs;  /* [k] per output; owned: evald_regscore_free */
	int64_t k;	  /* number of outputs */
	int64_t constant; /* outputs whose y_true is constant (r2, ev) or
			     y_true entries below machine epsilon (mape) */
	int few_samples;  /* r2 with N < 2: every value is NaN */
} evald_regscore;

void evald_regscore_free(evald_regscore *r);

/* Inputs: 0 y_true, 1 y_pred, 2 sample_weight. */
int evald_r2_score(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_regopts *o, evald_regscore *r, evald_err *err);
int evald_explained_variance(const evald_tensor *y_true,
			     const evald_tensor *y_pred, const evald_regopts *o,
			     evald_regscore *r, evald_err *err);
/* |y_pred − y_true| / max(|y_true|, DBL_EPSILON), averaged. */
int evald_mape(const evald_tensor *y_true, const evald_tensor *y_pred,
	       const evald_regopts *o, evald_regscore *r, evald_err *err);
/* The median per output; with weights sklearn's lower weighted
 * percentile (weights must then be >= 0). */
int evald_median_absolute_error(const evald_tensor *y_true,
				const evald_tensor *y_pred,
				const evald_regopts *o, evald_regscore *r,
				evald_err *err);
/* Mean of (log1p y_true − log1p y_pred)²; negative values are refused. */
int evald_msle(const evald_tensor *y_true, const evald_tensor *y_pred,
	       const evald_regopts *o, evald_regscore *r, evald_err *err);
int evald_pinball(const evald_tensor *y_true, const evald_tensor *y_pred,
		  const evald_regopts *o, evald_regscore *r, evald_err *err);
/* max |y_true − y_pred| of one output ([N] or [N,1]). */
int evald_max_error(const evald_tensor *y_true, const evald_tensor *y_pred,
		    double *value, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
