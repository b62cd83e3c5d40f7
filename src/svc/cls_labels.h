/* cls_labels.h - what the classification scores (m_score.c) share: the
 * checks of y_true / y_pred, scikit-learn's label set (the sorted union,
 * or the `labels` given first) and the mapping of label values to the
 * class indices a confusion matrix is indexed by. */
#ifndef EVALD_CLS_LABELS_H
#define EVALD_CLS_LABELS_H

#include <stdint.h>

#include <evald/confusion.h>
#include <evald/tensor.h>

#include "mcall.h"

/* The two label inputs as checked views: single-label [N] (an [N,1]
 * column is read as [N]) or, when both are [N,L] with L > 1 and the
 * score accepts it, multilabel indicators. */
typedef struct cls_in {
	input_val *yt, *yp, *w;
	evald_tensor t, p; /* with `ints`: shapes only, data NULL */
	int multilabel;
	/* Both label inputs kept as integers (CLS_INTS): counted as they
	 * are, never widened; lo and hi bound their values. */
	int ints;
	evald_labels it, ip;
	int64_t lo, hi;
	/* Unweighted ints over a span of w = hi − lo + 1 values with w·w <=
	 * EVALD_JOINT_CELLS: the pairs' counts (evald_labels_joint), or NULL.
	 */
	uint64_t *joint;
	/* Unweighted ints for a caller that asked for pairs (CLS_PAIRS):
	 * it, ip as they came, with no range, set or counts built. */
	int pairs;
} cls_in;

/* cls_inputs flags: the score takes [N, L] indicators; the caller reads
 * the labels only through cls_union, cls_build and cls_counts, so they
 * may stay integers (in->ints); unweighted, it needs only whether each
 * pair agrees (accuracy, Hamming loss), so integer labels need no range,
 * set or matrix (in->pairs, with CLS_INTS). */
enum { CLS_MULTILABEL = 1, CLS_INTS = 2, CLS_PAIRS = 4 };

int cls_inputs(mcall *c, input_val *yt, input_val *yp, input_val *w, int flags,
	       cls_in *in, verr *err);

/* A label set and the inputs mapped onto it. */
typedef struct cls_set {
	double *order;	     /* label of each class index (pool) */
	int64_t k;	     /* classes in the matrix */
	int64_t n;	     /* classes scored: the given labels, else k */
	evald_tensor ti, tp; /* y_true / y_pred as class indices */
	int ints;	     /* in->ints: the indices are li / lp instead */
	evald_labels li, lp; /* (not built when in->joint holds the counts) */
	int32_t *tab;	     /* ints: class index of each value lo + v */
} cls_set;

/* The sorted union of the labels of y_true and y_pred (and `extra`, when
 * not NULL), into the pool. */
int cls_union(mcall *c, const cls_in *in, const double *extra, double **out,
	      int64_t *n, verr *err);

/* Build the set: `given` (NULL: none) are the labels named by the
 * `labels` param at `gpath`, scored first and in their order; the other
 * present labels follow, sorted.  extra (or NULL) is one more label that
 * must be a class (binary's pos_label).  Maps in->t / in->p. */
int cls_build(mcall *c, const cls_in *in, const evald_tensor *given,
	      const char *gpath, const double *extra, cls_set *s, verr *err);

/* The k x k counts of the set, in the pool. */
int cls_counts(mcall *c, const cls_in *in, const cls_set *s, double **counts,
	       verr *err);

/* 1 when v is one of the n sorted values. */
int cls_sorted_has(const double *v, int64_t n, double x);

/* sklearn's average="samples" as the average param's value, beside the
 * evald_average ones (the library's multilabel path takes it apart). */
#define CLS_AVG_SAMPLES EVALD_AVG_SAMPLES

/* confusion_matrix's normalize. */
enum { CLS_CM_TRUE = 1, CLS_CM_PRED, CLS_CM_ALL };

#endif
