/* classify.h - the classification scores beyond confusion.h's two
 * calls: a subset of the classes scored (sklearn's `labels`), multilabel
 * indicator inputs, and top-k accuracy, which reads scores rather than a
 * confusion matrix.  Same conventions as confusion.h. */
#ifndef EVALD_CLASSIFY_H
#define EVALD_CLASSIFY_H

#include <stdint.h>

#include <evald/confusion.h>
#include <evald/error.h>
#include <evald/reduce.h>
#include <evald/tensor.h>

/* evald_cm_score on the first n of the k classes (1 <= n <= k): what
 * scikit-learn computes when `labels` names fewer labels than the data
 * holds (the caller puts the named ones first).  Precision, recall,
 * F-beta and Jaccard score classes 0..n-1 only, and the other classes
 * still count as the wrong answers they are (a sample of class n
 * predicted as class 0 is a false positive of class 0); every other kind
 * uses the leading n x n block, i.e. drops the samples whose true or
 * predicted class is n or more, as sklearn's confusion_matrix(labels=)
 * does.  EVALD_AVG_NONE gives n values.  n == k is evald_cm_score. */
int evald_cm_score_n(const double *counts, int64_t k, int64_t n,
		     evald_cm_kind kind, const evald_cm_opts *opts,
		     evald_result *out, unsigned *flags, evald_err *err);

/* Multilabel indicator inputs: y_true and y_pred are [N, L] of 0 and 1
 * (EVALD_ERANGE otherwise), weight NULL or [N] non-negative. */
typedef struct evald_ml_opts {
	const int64_t *cols; /* the labels (columns) scored, in this order, */
	int64_t ncols;	     /* each in [0, L); NULL: all L in order */
	int samples;	     /* sklearn's average="samples": score each row
				and average the rows (weighted by weight) */
	int normalize;	     /* accuracy: 1 fraction, 0 (weighted) count */
} evald_ml_opts;

/* One score of multilabel inputs with scikit-learn's semantics: subset
 * accuracy (EVALD_CM_ACCURACY: a row counts when every label matches),
 * EVALD_CM_HAMMING (the fraction of wrong labels), and precision, recall,
 * F-beta and Jaccard per label (opts->average; ml->samples overrides it)
 * from each label's 2 x 2 counts.  Other kinds are EVALD_EINVAL, as
 * sklearn refuses multilabel input for them.  Results and *flags as in
 * evald_cm_score; err->input is 0, 1, 2 for the tensors and 5 for a
 * column of ml->cols outside [0, L). */
int evald_ml_score(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_tensor *weight, evald_cm_kind kind,
		   const evald_cm_opts *opts, const evald_ml_opts *ml,
		   evald_result *out, unsigned *flags, evald_err *err);

/* scikit-learn's top_k_accuracy_score.  y_true holds class indices [N];
 * y_score is [N, C] (a sample is a hit when its class is among the k
 * highest scores; on ties the higher class index ranks first, as sklearn's
 * reversed stable argsort does) or [N] for two classes (with k = 1 a hit
 * is score > threshold == y_true, the threshold 0.5 when every score lies
 * in [0, 1], else 0; with k >= 2 every sample is a hit).  k >= 1.  With
 * normalize the value is the weighted fraction of hits, else their
 * weighted count.  Weights summing to 0 with normalize are EVALD_EINVAL
 * (sklearn raises). */
int evald_top_k_accuracy(const evald_tensor *y_true,
			 const evald_tensor *y_score,
			 const evald_tensor *weight, int64_t k, int normalize,
			 double *value, evald_err *err);

#endif
