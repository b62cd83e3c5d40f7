/* m_score2.c - metric functions of the classification family besides the
 * set-wise ones: accuracy, balanced_accuracy, top_k_accuracy,
 * confusion_matrix, matthews_corrcoef, cohen_kappa and hamming_loss
 * (adapters over confusion.h and classify.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_labels.h"
#include "metric_fns.h"

static int inputs(mcall *c, int flags, cls_in *in, verr *err)
{
	return cls_inputs(c, IN(c, I_CLS, y_true), IN(c, I_CLS, y_pred),
			  IN(c, I_CLS, sample_weight), flags, in, err);
}

static const evald_tensor *labels_param(pval *p)
{
	int64_t one = 1;
	if (p->is_null)
		return NULL;
	if (!p->is_vec)
		evald_tensor_init(&p->vec, &p->num, EVALD_F64, 1, &one);
	return &p->vec;
}

/* Build the label set and its counts, then one score of it. */
static int score(mcall *c, const cls_in *in, const evald_tensor *given,
		 const char *gpath, evald_cm_kind kind, const evald_cm_opts *o,
		 double *v, unsigned *flags, verr *err)
{
	evald_result r;
	evald_err le = {0};
	double *counts;
	cls_set s;

	if (cls_build(c, in, given, gpath, NULL, &s, err) ||
	    cls_counts(c, in, &s, &counts, err))
		return -1;
	if (evald_cm_score_n(counts, s.k, s.n, kind, o, &r, flags, &le) < 0) {
		const char *const paths[] = {in->yt->path, in->yp->path,
					     in->w->path};
		return mcall_lib_error(c, &le, err, paths);
	}
	*v = r.value;
	return 0;
}

/* How many of the unweighted integer pairs agree (in->pairs): the one
 * pass accuracy and the Hamming loss of single labels need. */
static int same_pairs(mcall *c, const cls_in *in, int64_t *same, verr *err)
{
	evald_err le = {0};

	if (evald_labels_same(&in->it, &in->ip, same, &le) < 0) {
		const char *const paths[] = {in->yt->path, in->yp->path};
		return mcall_lib_error(c, &le, err, paths);
	}
	return 0;
}

static int ml_whole(mcall *c, json_t *res, const cls_in *in, evald_cm_kind kind,
		    int normalize, verr *err)
{
	const char *const paths[] = {in->yt->path, in->yp->path, in->w->path};
	evald_ml_opts ml = {.normalize = normalize};
	evald_cm_opts o = {0};
	evald_result r;
	evald_err le = {0};

	if (evald_ml_score(&in->t, &in->p, mcall_opt(in->w), kind, &o, &ml, &r,
			   NULL, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", r.value);
}

int m_accuracy(mcall *c, json_t *res, verr *err)
{
	int normalize = P(c, P_ACC, normalize)->b;
	double *counts, v = 0.0;
	cls_in in;
	cls_set s;

	if (inputs(c, CLS_MULTILABEL | CLS_INTS | CLS_PAIRS, &in, err))
		return -1;
	if (in.multilabel)
		return ml_whole(c, res, &in, EVALD_CM_ACCURACY, normalize, err);
	if (in.pairs) {
		/* sklearn's mean of y_true == y_pred: an exact count over n. */
		int64_t same;
		if (same_pairs(c, &in, &same, err))
			return -1;
		v = normalize ? (double)same / (double)in.it.size
			      : (double)same;
		return mcall_put_number(c, res, "value", v);
	}
	if (normalize) {
		if (score(c, &in, NULL, "", EVALD_CM_ACCURACY,
			  &(evald_cm_opts){0}, &v, NULL, err))
			return -1;
		return mcall_put_number(c, res, "value", v);
	}
	/* The (weighted) count of right answers: the matrix's trace. */
	if (cls_build(c, &in, NULL, "", NULL, &s, err) ||
	    cls_counts(c, &in, &s, &counts, err))
		return -1;
	for (int64_t i = 0; i < s.k; i++)
		v += counts[i * s.k + i];
	return mcall_put_number(c, res, "value", v);
}

int m_hamming_loss(mcall *c, json_t *res, verr *err)
{
	double v;
	cls_in in;

	if (inputs(c, CLS_MULTILABEL | CLS_INTS | CLS_PAIRS, &in, err))
		return -1;
	if (in.multilabel)
		return ml_whole(c, res, &in, EVALD_CM_HAMMING, 1, err);
	if (in.pairs) {
		/* sklearn's mean of y_true != y_pred. */
		int64_t same;
		if (same_pairs(c, &in, &same, err))
			return -1;
		return mcall_put_number(c, res, "value",
					(double)(in.it.size - same) /
						(double)in.it.size);
	}
	if (score(c, &in, NULL, "", EVALD_CM_HAMMING, &(evald_cm_opts){0}, &v,
		  NULL, err))
		return -1;
	return mcall_put_number(c, res, "value", v);
}

int m_balanced_accuracy(mcall *c, json_t *res, verr *err)
{
	evald_cm_opts o = {.adjusted = P(c, P_BACC, adjusted)->b};
	unsigned flags = 0;
	double v;
	cls_in in;

	if (inputs(c, CLS_INTS, &in, err) ||
	    score(c, &in, NULL, "", EVALD_CM_BALANCED_ACCURACY, &o, &v, &flags,
		  err))
		return -1;
	if (flags & EVALD_CM_UNDEFINED)
		mcall_warn(c, "y_pred contains classes not in y_true: their "
			      "recall is undefined (0/0) and they are left "
			      "out of the mean, as in sklearn");
	return mcall_put_number(c, res, "value", v);
}

int m_matthews_corrcoef(mcall *c, json_t *res, verr *err)
{
	unsigned flags = 0;
	double v;
	cls_in in;

	if (inputs(c, CLS_INTS, &in, err) ||
	    score(c, &in, NULL, "", EVALD_CM_MCC, &(evald_cm_opts){0}, &v,
		  &flags, err))
		return -1;
	if (flags & EVALD_CM_UNDEFINED)
		mcall_warn(c, "the Matthews correlation is undefined (0/0): "
			      "y_true or y_pred holds a single class; it is "
			      "reported as 0, as sklearn does");
	return mcall_put_number(c, res, "value", v);
}

/* sklearn's confusion_matrix(labels=) refuses labels none of which is
 * in y_true. */
static int some_label_true(const cls_in *in, const evald_tensor *g,
			   const char *path, verr *err)
{
	double *sorted = malloc((size_t)g->size * sizeof(double) + 8);
	int found = 0;
	if (!sorted)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	memcpy(sorted, g->data, (size_t)g->size * sizeof(double));
	for (int64_t i = 1; i < g->size; i++)
		for (int64_t j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
			double t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (int64_t i = 0; !found && i < in->t.size; i++)
		found = cls_sorted_has(sorted, g->size, in->t.data[i]);
	free(sorted);
	if (found || g->size == 0)
		return 0;
	return verr_set(err, E_INVALID_VALUE, path,
			"At least one label specified must be in y_true");
}

int m_cohen_kappa(mcall *c, json_t *res, verr *err)
{
	pval *lab = P(c, P_KAPPA, labels), *w = P(c, P_KAPPA, weights);
	evald_cm_opts o = {.weights = w->is_null
					      ? EVALD_KAPPA_NONE
					      : (evald_kappa_weights)w->choice};
	const evald_tensor *g = labels_param(lab);
	double v;
	cls_in in;

	if (inputs(c, 0, &in, err) ||
	    (g && some_label_true(&in, g, lab->path, err)) ||
	    score(c, &in, g, lab->path, EVALD_CM_KAPPA, &o, &v, NULL, err))
		return -1;
	if (!isfinite(v))
		mcall_warn(c, "Cohen's kappa is 0/0 here (the agreement "
			      "expected by chance is perfect); sklearn "
			      "returns NaN");
	return mcall_put_number(c, res, "value", v);
}

/* Normalise the n x n block m in place (sklearn's normalize, with its
 * nan_to_num: an empty row or column stays 0); 1 when one was empty. */
static int normalize_cm(double *m, int64_t n, int how)
{
	int empty = 0;
	double all = 0.0;
	for (int64_t i = 0; i < n * n; i++)
		all += m[i];
	for (int64_t a = 0; a < n; a++) {
		double sum = 0.0;
		for (int64_t b = 0; b < n; b++)
			sum += how == CLS_CM_PRED ? m[b * n + a] : m[a * n + b];
		if (how == CLS_CM_ALL)
			sum = all;
		empty |= sum == 0.0;
		for (int64_t b = 0; b < n; b++) {
			double *x = how == CLS_CM_PRED ? &m[b * n + a]
						       : &m[a * n + b];
			*x = sum == 0.0 ? 0.0 : *x / sum;
		}
		if (how == CLS_CM_ALL && a == n - 1)
			break;
	}
	return empty;
}

int m_confusion_matrix(mcall *c, json_t *res, verr *err)
{
	pval *lab = P(c, P_CM, labels), *nm = P(c, P_CM, normalize);
	const evald_tensor *g = labels_param(lab);
	double *counts, *m;
	cls_in in;
	cls_set s;

	if (inputs(c, 0, &in, err) ||
	    (g && some_label_true(&in, g, lab->path, err)) ||
	    cls_build(c, &in, g, lab->path, NULL, &s, err) ||
	    cls_counts(c, &in, &s, &counts, err))
		return -1;
	if (!(m = pool_alloc(c->pool, (size_t)(s.n * s.n) * sizeof *m)))
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	/* The leading block: samples of labels not named are dropped. */
	for (int64_t i = 0; i < s.n; i++)
		memcpy(m + i * s.n, counts + i * s.k, (size_t)s.n * sizeof *m);
	if (!nm->is_null && normalize_cm(m, s.n, nm->choice))
		mcall_warn(c,
			   "a %s of the matrix sums to 0; its entries are "
			   "reported as 0 (sklearn's nan_to_num of 0/0)",
			   nm->choice == CLS_CM_PRED   ? "column"
			   : nm->choice == CLS_CM_TRUE ? "row"
						       : "total");
	int64_t shape[2] = {s.n, s.n};
	if (mcall_put_array(c, res, "values", m, 2, shape))
		return -1;
	return mcall_put_array(c, res, "labels", s.order, 1, &s.n);
}

/* ------------------------------------------------------------ top k */

/* The classes top_k_accuracy scores against: `labels` (unique and
 * sorted, as sklearn requires) or the labels of y_true. */
static int topk_classes(mcall *c, const cls_in *in, pval *lab, double **cls,
			int64_t *n, verr *err)
{
	const evald_tensor *g = labels_param(lab);
	if (!g)
		return cls_union(c, in, NULL, cls, n, err);
	for (int64_t i = 1; i < g->size; i++) {
		if (g->data[i] == g->data[i - 1])
			return verr_set(err, E_INVALID_VALUE, lab->path,
					"Parameter 'labels' must be unique.");
		if (g->data[i] < g->data[i - 1])
			return verr_set(err, E_INVALID_VALUE, lab->path,
					"Parameter 'labels' must be ordered.");
	}
	for (int64_t i = 0; i < in->t.size; i++)
		if (!cls_sorted_has(g->data, g->size, in->t.data[i]))
			return verr_set(err, E_INVALID_VALUE, lab->path,
					"'y_true' contains labels not in "
					"parameter 'labels' (%.17g).",
					in->t.data[i]);
	*cls = g->data;
	*n = g->size;
	return 0;
}

/* y_score as [N, C], or [N] for binary y_true (sklearn's two forms). */
static int topk_score(const input_val *ys, int binary, int64_t n_classes,
		      evald_tensor *v, verr *err)
{
	const evald_tensor *s = &ys->t;
	int64_t C = s->ndim == 2 ? s->shape[1] : 2;
	*v = *s;
	if (binary && s->ndim == 2 && s->shape[1] != 1)
		return verr_set(err, E_SHAPE_MISMATCH, ys->path,
				"y_true is binary while y_score is 2d with "
				"%lld classes. If y_true does not contain all "
				"the labels, labels must be provided.",
				(long long)s->shape[1]);
	if (binary && s->ndim == 2)
		evald_tensor_init(v, s->data, s->dtype, 1, s->shape);
	if (!binary && n_classes != C)
		return verr_set(err, E_SHAPE_MISMATCH, ys->path,
				"Number of classes (%lld, of y_true or "
				"labels) not equal to the number of classes "
				"in y_score (%lld). You can provide a list of "
				"all known classes by assigning it to the "
				"labels parameter.",
				(long long)n_classes, (long long)C);
	return 0;
}

int m_top_k_accuracy(mcall *c, json_t *res, verr *err)
{
	input_val *yt = IN(c, I_TOPK, y_true), *ys = IN(c, I_TOPK, y_score);
	input_val *w = IN(c, I_TOPK, sample_weight);
	pval *k = P(c, P_TOPK, k), *lab = P(c, P_TOPK, labels);
	const char *const paths[] = {yt->path, ys->path, w->path, k->path};
	double *cls, *idx, v;
	evald_tensor ti, sv;
	evald_err le = {0};
	int64_t n;
	cls_in in;

	if (cls_inputs(c, yt, yt, w, 0, &in, err) ||
	    topk_classes(c, &in, lab, &cls, &n, err))
		return -1;
	/* sklearn's y_type: binary for at most two classes. */
	int binary = n <= 2;
	if (binary && n != 2)
		return verr_set(err, E_INVALID_VALUE, yt->path,
				"Number of classes in y_true (%lld) not "
				"equal to the number of classes in y_score "
				"(2). You can provide a list of all known "
				"classes by assigning it to the labels "
				"parameter.",
				(long long)n);
	if (topk_score(ys, binary, n, &sv, err))
		return -1;
	if (!(idx = pool_alloc(c->pool, (size_t)in.t.size * sizeof *idx)))
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < in.t.size; i++) {
		int64_t lo = 0, hi = n - 1; /* y_true's label is in cls */
		while (lo < hi) {
			int64_t mid = lo + (hi - lo) / 2;
			if (cls[mid] < in.t.data[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		idx[i] = (double)lo;
	}
	evald_tensor_init(&ti, idx, EVALD_F64, 1, &in.t.size);
	if (evald_top_k_accuracy(&ti, &sv, mcall_opt(w), k->i,
				 P(c, P_TOPK, normalize)->b, &v, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	if (k->i >= n)
		mcall_warn(c,
			   "'k' (%lld) greater than or equal to 'n_classes' "
			   "(%lld) will result in a perfect score and is "
			   "therefore meaningless.",
			   (long long)k->i, (long long)n);
	return mcall_put_number(c, res, "value", v);
}
