/* auc.h - threshold and probability scores with scikit-learn's semantics
 * (sklearn 1.2): ROC AUC, the ROC and precision-recall curves, the Brier
 * score, log loss, and torchmetrics' calibration error.
 *
 * Scores are sorted once, O(N log N), with a stable radix sort on the
 * float64 bit patterns; a run of equal scores is always one threshold, as
 * sklearn's _binary_clf_curve makes it.  Where sklearn raises, these
 * functions fail with EVALD_EINVAL and sklearn's reason; where it warns and
 * returns NaN, they return NaN and set a flag the caller turns into a
 * warning.
 *
 * Input indices in evald_err: 0 y_true, 1 the scores or probabilities,
 * 2 sample_weight, 3 labels, 4 pos_label, 5 max_fpr, 6 multi_class,
 * 7 average (the last five are parameters). */
#ifndef EVALD_AUC_H
#define EVALD_AUC_H

#include <stdint.h>

#include "confusion.h"
#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_MC_RAISE = 0, /* sklearn's default: refuse multiclass input */
	EVALD_MC_OVR,
	EVALD_MC_OVO
} evald_multi_class;

/* evald_average (confusion.h): roc_auc takes MACRO, MICRO, WEIGHTED,
 * SAMPLES and NONE (one score per class, no mean); BINARY is not one. */

typedef struct evald_auc_result {
	double value;	   /* NaN with EVALD_AVG_NONE */
	double *per_class; /* [classes] with EVALD_AVG_NONE, owned */
	int64_t classes;
	int kind; /* 0 binary, 1 multiclass, 2 multilabel */
} evald_auc_result;

void evald_auc_result_free(evald_auc_result *r);

/* sklearn.metrics.roc_auc_score.  y_true [N] labels (two distinct values:
 * binary, the greater is positive; more: multiclass) or [N,L] 0/1
 * indicators (multilabel); y_score [N] (binary) or [N,C] / [N,L].
 * sample_weight [N] or NULL; labels (multiclass only) or NULL; max_fpr in
 * (0, 1] or <= 0 for none (McClish-corrected partial AUC). */
int evald_roc_auc(const evald_tensor *y_true, const evald_tensor *y_score,
		  const evald_tensor *sample_weight, const evald_tensor *labels,
		  evald_multi_class multi_class, evald_average average,
		  double max_fpr, evald_auc_result *r, evald_err *err);

/* evald_roc_auc of a binary problem given as it usually arrives: y_true
 * integer labels (int64, int32, uint8 or bool) and y_score float32, both
 * [n], no sample_weight.  The same value as evald_roc_auc on the widened
 * inputs, to the bit (a float32 widens exactly, so the order and the ties
 * are the same), without the float64 copies: the 4-byte sort keys are
 * built from the float32 scores.  *done is 0, and nothing computed, when
 * y_true does not hold exactly two labels within ±2^53: evald_roc_auc on
 * the widened inputs then gives sklearn's answer or refusal. */
int evald_roc_auc_f32(const evald_labels *y_true, const float *y_score,
		      double max_fpr, double *value, int *done, evald_err *err);

/* A curve: x, y and thresholds, n points each (thresholds n_thr). */
typedef struct evald_curve {
	double *x;   /* roc: fpr; pr: precision */
	double *y;   /* roc: tpr; pr: recall */
	double *thr; /* thresholds, decreasing (roc) or increasing (pr) */
	int64_t n, n_thr;
	int no_pos, no_neg; /* y_true had no positive / no negative */
} evald_curve;

void evald_curve_free(evald_curve *c);

/* sklearn.metrics.roc_curve on y_true [N], y_score [N]; pos_label NULL
 * means 1 with labels in {0, 1} or {-1, 1}.  fpr (tpr) is NaN throughout
 * when there is no negative (positive), with the flag set. */
int evald_roc_curve(const evald_tensor *y_true, const evald_tensor *y_score,
		    const evald_tensor *sample_weight, const double *pos_label,
		    int drop_intermediate, evald_curve *c, evald_err *err);

/* sklearn.metrics.precision_recall_curve; recall is 1 throughout when
 * there is no positive (c->no_pos set). */
int evald_pr_curve(const evald_tensor *y_true, const evald_tensor *y_score,
		   const evald_tensor *sample_weight, const double *pos_label,
		   evald_curve *c, evald_err *err);

/* Indices of at most max_points of n points: the first, the last and the
 * rest evenly spaced by index, round(i·(n−1)/(m−1)).  Writes m indices
 * into idx (room for max_points) and returns m (n when n <= max_points). */
int64_t evald_curve_pick(int64_t n, int64_t max_points, int64_t *idx);

/* sklearn.metrics.brier_score_loss: y_prob [N] in [0, 1]; y_true binary;
 * pos_label NULL means the greater label. */
int evald_brier(const evald_tensor *y_true, const evald_tensor *y_prob,
		const evald_tensor *sample_weight, const double *pos_label,
		double *value, evald_err *err);

typedef struct evald_logloss_opts {
	double eps; /* clip to [eps, 1 − eps] */
	int normalize;
	const evald_tensor *labels; /* NULL: the labels of y_true */
	const evald_tensor *sample_weight;
} evald_logloss_opts;

/* sklearn.metrics.log_loss: y_true [N] labels, y_pred [N] (probability of
 * the greater of two labels) or [N,C] (columns in label order).  Rows are
 * renormalised after clipping, as sklearn does; *renormalised counts the
 * rows whose sum was not within 5·eps of 1 before. */
int evald_log_loss(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_logloss_opts *o, double *value,
		   int64_t *renormalised, evald_err *err);

typedef enum {
	EVALD_CE_L1 = 0, /* expected calibration error */
	EVALD_CE_MAX,	 /* maximum calibration error */
	EVALD_CE_L2	 /* root of the mean squared gap */
} evald_ce_norm;

/* Reliability diagram: n_bins + 1 bins, as torchmetrics makes them (the
 * last holds confidences equal to 1.0 exactly, lower = upper = 1). */
typedef struct evald_calib_result {
	double value;
	int64_t bins;
	double *lower, *upper, *count, *confidence, *accuracy; /* [bins] */
} evald_calib_result;

void evald_calib_result_free(evald_calib_result *r);

/* torchmetrics' BinaryCalibrationError (y_prob [N], y_true 0/1) or
 * MulticlassCalibrationError (y_prob [N,C], y_true class indices); values
 * outside [0, 1] are taken as logits (sigmoid / softmax), as there. */
int evald_calibration_error(const evald_tensor *y_true,
			    const evald_tensor *y_prob, int64_t n_bins,
			    evald_ce_norm norm, evald_calib_result *r,
			    evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
