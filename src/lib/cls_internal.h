/* cls_internal.h - the per-class ratio scores shared by the confusion
 * matrix (confusion.c) and the multilabel path (multilabel.c); not
 * installed. */
#ifndef EVALD_CLS_INTERNAL_H
#define EVALD_CLS_INTERNAL_H

#include <evald/classify.h>

/* sklearn's average="samples", beside the evald_average values. */
#define EVI_AVG_SAMPLES 100

/* Precision, recall, F-beta or Jaccard of n classes (or rows, for
 * EVI_AVG_SAMPLES) from their true positives, predicted and true totals,
 * averaged by avg as sklearn's precision_recall_fscore_support and
 * jaccard_score do; w weighs the rows of EVI_AVG_SAMPLES (NULL: equal).
 * EVALD_AVG_BINARY takes n == 1 (the positive class). */
int evi_prf(const double *tp, const double *pred, const double *tru, int64_t n,
	    evald_cm_kind kind, const evald_cm_opts *o, int avg,
	    const double *w, evald_result *out, unsigned *flags,
	    evald_err *err);

#endif
