/* auc_internal.h - the binary classification curve shared by auc.c (the
 * curves) and auc_avg.c (roc_auc's binary, multiclass and multilabel
 * averaging); not installed. */
#ifndef EVALD_AUC_INTERNAL_H
#define EVALD_AUC_INTERNAL_H

#include <stdint.h>

#include <evald/confusion.h>

/* sklearn's _binary_clf_curve: at each distinct score, highest first, the
 * (weighted) false and true positives scoring at least it. */
typedef struct evi_clf {
	double *fps, *tps, *thr;
	int64_t n;
} evi_clf;

void evi_clf_free(evi_clf *c);

/* s scores, y 1 for a positive and 0 otherwise, w weights or NULL (items
 * of weight 0 are left out, as sklearn does).  -1 when out of memory. */
int evi_clf_curve(const double *s, const double *y, const double *w, int64_t n,
		  evi_clf *c);

/* The unweighted curve into c's arrays (n long each, allocated by the
 * caller) by sorting the positives and negatives apart (keysort.c).
 * Returns 1, touching nothing, when a label is not exactly 0 or 1; -1
 * when out of memory. */
int evi_clf_split(const double *s, const double *y, int64_t n, evi_clf *c);

/* evi_clf_split over float32 scores s[0..y->size) and integer labels
 * (int64, int32, uint8 or bool), a positive being a label equal to pos:
 * the same curve as the float64 scores and 0/1 labels, to the bit.  c's
 * arrays are the caller's, y->size long.  -1 when out of memory. */
int evi_clf_split_f32(const float *s, const evald_labels *y, int64_t pos,
		      evi_clf *c);

/* The unweighted curve of evi_clf_split_f32 in c (c's arrays allocated
 * here, evi_clf_free frees them). */
int evi_clf_curve_f32(const float *s, const evald_labels *y, int64_t pos,
		      evi_clf *c);

/* roc_auc from a curve (evi_binary_auc's second half); frees c. */
int evi_clf_auc(evi_clf *c, double max_fpr, double *auc);

/* sklearn's _binary_roc_auc_score on the items: max_fpr <= 0 or 1 for the
 * full area, else the McClish-corrected partial area.  y must hold both
 * classes (the caller checks).  -1 when out of memory. */
int evi_binary_auc(const double *s, const double *y, const double *w, int64_t n,
		   double max_fpr, double *auc);

/* roc_curve's drop_intermediate: keep the corners of the curve (in
 * place); returns the new length. */
int64_t evi_drop_collinear(evi_clf *c);

struct evald_tensor;
struct evald_err;
/* sample_weight (input 2), when given, has y_true's shape. */
int evi_weight_like(const struct evald_tensor *t, const struct evald_tensor *w,
		    struct evald_err *err);
/* Every element of t is a whole number (a class label), as sklearn's
 * type_of_target needs; else EVALD_EINVAL naming input. */
int evi_labels_whole(const struct evald_tensor *t, int input,
		     struct evald_err *err);

#endif
