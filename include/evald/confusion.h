/* confusion.h - classification scores computed from a confusion matrix.
 *
 * Every single-label score of scikit-learn's classification family
 * (accuracy, balanced accuracy, precision, recall, F-beta, Jaccard,
 * Matthews correlation, Cohen's kappa, Hamming loss) is a function of the
 * confusion matrix alone.  Computing them from the matrix, not from the
 * labels, is what lets a training loop or a sharded evaluation add counts
 * batch by batch and merge them across machines and still get exactly the
 * one-pass value: counts of integer-weighted samples add exactly. */
#ifndef EVALD_CONFUSION_H
#define EVALD_CONFUSION_H

#include <stdint.h>

#include <evald/error.h>
#include <evald/reduce.h>
#include <evald/tensor.h>

typedef enum {
	EVALD_CM_ACCURACY,
	EVALD_CM_BALANCED_ACCURACY,
	EVALD_CM_PRECISION,
	EVALD_CM_RECALL,
	EVALD_CM_FBETA,
	EVALD_CM_JACCARD,
	EVALD_CM_MCC,
	EVALD_CM_KAPPA,
	EVALD_CM_HAMMING
} evald_cm_kind;

typedef enum {
	EVALD_AVG_BINARY,
	EVALD_AVG_MICRO,
	EVALD_AVG_MACRO,
	EVALD_AVG_WEIGHTED,
	EVALD_AVG_NONE,	  /* one value per class: out->values, shape [k] */
	EVALD_AVG_SAMPLES /* per row of multilabel data (not a matrix score) */
} evald_average;

typedef enum {
	EVALD_KAPPA_NONE,
	EVALD_KAPPA_LINEAR,
	EVALD_KAPPA_QUADRATIC
} evald_kappa_weights;

typedef struct evald_cm_opts {
	evald_average average; /* precision, recall, fbeta, jaccard */
	int64_t pos_index; /* EVALD_AVG_BINARY: index of the positive class */
	double beta;	   /* fbeta */
	double zero_division; /* value of a 0/0 ratio (sklearn: 0, 1 or NaN);
				 "warn" is 0 plus the EVALD_CM_UNDEFINED flag */
	evald_kappa_weights weights; /* kappa */
	int adjusted;		     /* balanced accuracy: sklearn's adjusted */
} evald_cm_opts;

/* Set in *flags by evald_cm_score when a ratio was 0/0 and zero_division
 * was used, so the caller can warn as scikit-learn does. */
#define EVALD_CM_UNDEFINED 1u

/* Add samples to a k x k matrix of counts (row = true class index,
 * column = predicted class index, row-major).  y_true and y_pred hold
 * class indices in [0, k) (integral values; anything else is
 * EVALD_ERANGE naming the element); weight is NULL (1 each) or one
 * non-negative finite weight per sample.  Adding batches in any order
 * and summing matrices element-wise give the same counts. */
int evald_cm_add(double *counts, int64_t k, const evald_tensor *y_true,
		 const evald_tensor *y_pred, const evald_tensor *weight,
		 evald_err *err);

/* Integer labels as a client sent them, so counting them needs no
 * float64 copy: `size` elements of `dtype` (EVALD_I64, EVALD_I32, EVALD_U8
 * or EVALD_BOOL), little-endian, at any alignment. */
typedef struct evald_labels {
	const void *data;
	evald_dtype dtype;
	int64_t size;
} evald_labels;

/* evald_cm_add over integer labels: the same counts, checks and errors
 * (an element outside [0, k) is EVALD_ERANGE naming it, the matrix then
 * left as it was) as the float64 form given the same values.  Any other
 * dtype is EVALD_EINVAL. */
int evald_cm_add_labels(double *counts, int64_t k, const evald_labels *y_true,
			const evald_labels *y_pred, const evald_tensor *weight,
			evald_err *err);

/* Folds the least and the greatest of the labels into *lo and *hi
 * (start them at INT64_MAX and INT64_MIN); no labels leave them as they
 * are.  Bool and uint8 labels are read as bytes. */
void evald_labels_range(const evald_labels *l, int64_t *lo, int64_t *hi);

/* How many pairs agree: *same = the number of i with y_true[i] ==
 * y_pred[i], compared as the integers they are (any two of the label
 * dtypes; no range, no rounding to double), in one pass.  Accuracy and
 * the Hamming loss of single labels need nothing else.  Sizes that differ
 * are EVALD_ESHAPE, another dtype EVALD_EINVAL. */
int evald_labels_same(const evald_labels *y_true, const evald_labels *y_pred,
		      int64_t *same, evald_err *err);

/* The most cells evald_labels_joint counts: w·w <= this. */
#define EVALD_JOINT_CELLS 4096

/* Joint counts of label pairs over the span [lo, lo + w): adds 1 to
 * tally[(y_true[i] − lo)·w + (y_pred[i] − lo)] for every i (w·w cells).
 * One pass that checks and counts, for a caller that reads a label set
 * and a confusion matrix off the same counts.  A value outside the span
 * is EVALD_ERANGE naming the first (y_true first at that element), with
 * the tally left as it was; sizes that differ are EVALD_ESHAPE, another
 * dtype or w outside [1, 64] EVALD_EINVAL. */
int evald_labels_joint(const evald_labels *y_true, const evald_labels *y_pred,
		       int64_t lo, int64_t w, uint64_t *tally, evald_err *err);

/* One score from the counts, with scikit-learn's semantics for the same
 * labels.  A scalar goes to out->value; EVALD_AVG_NONE fills out->values
 * with k entries (caller frees with evald_result_free). */
int evald_cm_score(const double *counts, int64_t k, evald_cm_kind kind,
		   const evald_cm_opts *opts, evald_result *out,
		   unsigned *flags, evald_err *err);

#endif
