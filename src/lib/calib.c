/* calib.c - scores of predicted probabilities: the Brier score and log
 * loss (sklearn 1.2's brier_score_loss, log_loss) and the binned
 * calibration error with its reliability diagram (torchmetrics 1.x
 * BinaryCalibrationError / MulticlassCalibrationError). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/auc.h>
#include <evald/reduce.h>

#include "auc_internal.h"
#include "internal.h"

static int nomem(evald_err *err)
{
	return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
}

/* y_true [N] (non-empty) with y_prob of shape [N] (or [N, C] if allow_2d)
 * and sample_weight [N]. */
static int prob_shapes(const evald_tensor *t, const evald_tensor *p,
		       const evald_tensor *w, int allow_2d, evald_err *err)
{
	char a[64], b[64];

	if (t->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "y_true must be [N] labels; got shape %s",
				  evald_shape_str(t, a, sizeof a));
	if (t->size == 0)
		return evald_fail(err, EVALD_EEMPTY, 0, "y_true is empty");
	if ((p->ndim != 1 && !(allow_2d && p->ndim == 2)) ||
	    p->shape[0] != t->shape[0])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "probabilities must be [N]%s with the N of "
				  "y_true %s; got %s",
				  allow_2d ? " or [N, C]" : "",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(p, b, sizeof b));
	return evi_weight_like(t, w, err);
}

/* np.average(v, weights=w): pairwise sums as numpy's; a zero total weight
 * is refused as numpy refuses it. */
static int weighted_mean(double *v, const evald_tensor *w, int64_t n,
			 double *out, evald_err *err)
{
	if (!w) {
		*out = evald_sum(v, n) / (double)n;
		return EVALD_OK;
	}
	double tot = evald_sum(w->data, n);
	if (tot == 0.0)
		return evald_fail(err, EVALD_EINVAL, 2,
				  "sample_weight sums to zero, so the weighted "
				  "mean is not defined");
	for (int64_t i = 0; i < n; i++)
		v[i] *= w->data[i];
	*out = evald_sum(v, n) / tot;
	return EVALD_OK;
}

/* ------------------------------------------------------------ brier */

/* The positive label: pos_label, else 1 for labels in {0, 1} or {−1, 1},
 * else the greater label; at most two labels. */
static int brier_pos(const evald_tensor *t, const double *pos_label,
		     double *pos, evald_err *err)
{
	double a = t->data[0], b = a;
	int in01 = 1, in11 = 1, k = 1;

	for (int64_t i = 0; i < t->size; i++) {
		double v = t->data[i];
		in01 &= v == 0.0 || v == 1.0;
		in11 &= v == -1.0 || v == 1.0;
		if (v == a || v == b)
			continue;
		if (k == 2)
			return evald_fail(err, EVALD_EINVAL, 0,
					  "Only binary classification is "
					  "supported: y_true has more than two "
					  "labels");
		b = v, k = 2;
	}
	*pos = pos_label ? *pos_label : (in01 || in11) ? 1.0 : fmax(a, b);
	return EVALD_OK;
}

int evald_brier(const evald_tensor *y_true, const evald_tensor *y_prob,
		const evald_tensor *sample_weight, const double *pos_label,
		double *value, evald_err *err)
{
	double pos = 1.0, *sq;
	int rc = prob_shapes(y_true, y_prob, sample_weight, 0, err);

	if (!rc)
		rc = evi_labels_whole(y_true, 0, err);
	for (int64_t i = 0; !rc && i < y_prob->size; i++)
		if (y_prob->data[i] < 0.0 || y_prob->data[i] > 1.0)
			rc = evald_fail(
				err, EVALD_ERANGE, 1,
				"y_prob must be probabilities in [0, 1]; "
				"element %lld is %.17g",
				(long long)i, y_prob->data[i]);
	if (!rc)
		rc = brier_pos(y_true, pos_label, &pos, err);
	if (rc)
		return rc;
	sq = evi_xalloc(y_true->size, sizeof *sq);
	if (!sq)
		return nomem(err);
	for (int64_t i = 0; i < y_true->size; i++) {
		double d = (double)(y_true->data[i] == pos) - y_prob->data[i];
		sq[i] = d * d;
	}
	rc = weighted_mean(sq, sample_weight, y_true->size, value, err);
	free(sq);
	return rc;
}

/* ------------------------------------------------------------ log loss */

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

/* The sorted distinct labels of v into out (room for n); returns k. */
static int64_t unique_sorted(const double *v, int64_t n, double *out)
{
	int64_t k = n ? 1 : 0;
	memcpy(out, v, n * sizeof(double));
	qsort(out, (size_t)n, sizeof(double), cmp_double);
	for (int64_t i = 1; i < n; i++)
		if (out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

/* The classes (LabelBinarizer's classes_): of labels if given, else of
 * y_true; two at least, one column of y_pred each. */
static int ll_classes(const evald_tensor *t, const evald_tensor *p,
		      const evald_tensor *labels, double *cls, int64_t *k,
		      evald_err *err)
{
	const evald_tensor *src = labels ? labels : t;
	int64_t cols = p->ndim == 2 ? p->shape[1] : 1;

	*k = unique_sorted(src->data, src->size, cls);
	if (*k < 2 && labels)
		return evald_fail(err, EVALD_EINVAL, 3,
				  "labels must hold at least two labels for "
				  "log_loss");
	if (*k < 2)
		return evald_fail(
			err, EVALD_EINVAL, 0,
			"y_true contains only one label (%.17g): give "
			"the labels explicitly through the labels "
			"parameter",
			cls[0]);
	if (*k != (cols == 1 ? 2 : cols))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred has %lld columns but there are %lld "
				  "classes (%s); give labels to name them",
				  (long long)(cols == 1 ? 2 : cols),
				  (long long)*k,
				  labels ? "in labels" : "found in y_true");
	for (int64_t i = 0; labels && i < t->size; i++)
		if (!bsearch(&t->data[i], cls, (size_t)*k, sizeof(double),
			     cmp_double))
			return evald_fail(err, EVALD_EINVAL, 0,
					  "y_true contains a label not in "
					  "labels (element %lld is %.17g)",
					  (long long)i, t->data[i]);
	return EVALD_OK;
}

/* −log of the clipped, renormalised probability of row i's true class. */
static double ll_row(const evald_tensor *p, int64_t i, int64_t k, int64_t cls_i,
		     double eps, int64_t *renorm)
{
	double sum = 0.0, mine = 0.0;
	if (p->ndim == 1 || p->shape[1] == 1) {
		double q = fmin(fmax(p->data[i], eps), 1 - eps);
		sum = (1 - q) + q;
		mine = cls_i == 1 ? q : 1 - q;
	} else {
		for (int64_t j = 0; j < k; j++) {
			double q = fmin(fmax(p->data[i * k + j], eps), 1 - eps);
			sum += q;
			if (j == cls_i)
				mine = q;
		}
	}
	/* np.isclose(sum, 1, rtol=1e-15, atol=5·eps), sklearn 1.3's test */
	if (!(fabs(sum - 1.0) <= 5 * eps + 1e-15 * fabs(1.0)))
		(*renorm)++;
	return -log(mine / sum);
}

int evald_log_loss(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_logloss_opts *o, double *value,
		   int64_t *renormalised, evald_err *err)
{
	const evald_tensor *lab = o->labels, *w = o->sample_weight;
	int64_t n = y_true->size, k;
	double *cls = NULL, *loss = NULL;
	int rc = prob_shapes(y_true, y_pred, w, 1, err);

	*renormalised = 0;
	if (!rc)
		rc = evi_labels_whole(y_true, 0, err);
	if (rc)
		return rc;
	cls = evi_xalloc(lab ? lab->size : n, sizeof *cls);
	loss = evi_xalloc(n, sizeof *loss);
	if (!cls || !loss) {
		rc = nomem(err);
		goto out;
	}
	rc = ll_classes(y_true, y_pred, lab, cls, &k, err);
	for (int64_t i = 0; !rc && i < n; i++) {
		const double *at = bsearch(&y_true->data[i], cls, (size_t)k,
					   sizeof(double), cmp_double);
		loss[i] = ll_row(y_pred, i, k, at - cls, o->eps, renormalised);
	}
	if (!rc && o->normalize)
		rc = weighted_mean(loss, w, n, value, err);
	else if (!rc) {
		for (int64_t i = 0; w && i < n; i++)
			loss[i] *= w->data[i];
		*value = evald_sum(loss, n);
	}
out:
	free(cls);
	free(loss);
	return rc;
}

/* ------------------------------------------------------------ calibration */

void evald_calib_result_free(evald_calib_result *r)
{
	if (!r)
		return;
	free(r->lower);
	free(r->upper);
	free(r->count);
	free(r->confidence);
	free(r->accuracy);
	memset(r, 0, sizeof *r);
}

static int outside01(const double *v, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		if (!(v[i] >= 0.0 && v[i] <= 1.0))
			return 1;
	return 0;
}

/* Row i's confidence and whether it is right: binary, the probability and
 * the target; multiclass, the largest probability (first on ties, as
 * torch.max) and whether its class is the target.  logits: the input was
 * not in [0, 1], so sigmoid / softmax first. */
static void conf_acc(const evald_tensor *p, const double *t, int64_t i,
		     int logits, double *conf, double *acc)
{
	if (p->ndim == 1) {
		double x = p->data[i];
		*conf = logits ? 1.0 / (1.0 + exp(-x)) : x;
		*acc = t[i];
		return;
	}
	int64_t c = p->shape[1], best = 0;
	const double *row = p->data + i * c;
	for (int64_t j = 1; j < c; j++)
		if (row[j] > row[best])
			best = j;
	*conf = row[best];
	if (logits) { /* softmax's largest value: exp(0) / Σ exp(x − max) */
		double z = 0.0;
		for (int64_t j = 0; j < c; j++)
			z += exp(row[j] - row[best]);
		*conf = 1.0 / z;
	}
	*acc = (double)best == t[i];
}

/* Bin edge i of n: i / n, correctly rounded.  torchmetrics takes
 * torch.linspace(0, 1, n + 1), whose last bit depends on the SIMD width
 * torch was built for; i / n is what every build approximates. */
static double edge(int64_t i, int64_t n)
{
	return (double)i / (double)n;
}

static int calib_check(const evald_tensor *t, const evald_tensor *p,
		       evald_err *err)
{
	int64_t c = p->ndim == 2 ? p->shape[1] : 2;
	int rc = prob_shapes(t, p, NULL, 1, err);

	for (int64_t i = 0; !rc && i < t->size; i++) {
		double v = t->data[i];
		if (v != floor(v) || v < 0 || v >= (double)c)
			rc = evald_fail(err, EVALD_EINVAL, 0,
					"y_true must be %s; element %lld is "
					"%.17g",
					p->ndim == 2 ? "a class index in [0, C)"
						     : "0 or 1",
					(long long)i, v);
	}
	return rc;
}

static int calib_alloc(evald_calib_result *r, int64_t bins)
{
	r->bins = bins;
	r->lower = evi_xalloc(bins, sizeof(double));
	r->upper = evi_xalloc(bins, sizeof(double));
	r->count = calloc((size_t)bins, sizeof(double));
	r->confidence = calloc((size_t)bins, sizeof(double));
	r->accuracy = calloc((size_t)bins, sizeof(double));
	return !r->lower || !r->upper || !r->count || !r->confidence ||
	       !r->accuracy;
}

int evald_calibration_error(const evald_tensor *y_true,
			    const evald_tensor *y_prob, int64_t n_bins,
			    evald_ce_norm norm, evald_calib_result *r,
			    evald_err *err)
{
	int64_t n = y_true->size, nb = n_bins + 1;
	int rc = calib_check(y_true, y_prob, err);

	memset(r, 0, sizeof *r);
	if (rc)
		return rc;
	if (calib_alloc(r, nb)) {
		evald_calib_result_free(r);
		return nomem(err);
	}
	for (int64_t b = 0; b < nb; b++) {
		r->lower[b] = edge(b, n_bins);
		r->upper[b] = b < n_bins ? edge(b + 1, n_bins) : 1.0;
	}
	int logits = outside01(y_prob->data, y_prob->size);
	for (int64_t i = 0; i < n; i++) {
		double conf, acc;
		conf_acc(y_prob, y_true->data, i, logits, &conf, &acc);
		/* torch.bucketize(right=True) − 1: the last edge <= conf; 1.0
		 * itself lands in the extra bin n_bins */
		int64_t b = (int64_t)(conf * (double)n_bins);
		b = b < 0 ? 0 : b > n_bins ? n_bins : b;
		while (b > 0 && r->lower[b] > conf)
			b--;
		while (b < n_bins && r->lower[b + 1] <= conf)
			b++;
		r->count[b] += 1.0;
		r->confidence[b] += conf;
		r->accuracy[b] += acc;
	}
	double l1 = 0.0, l2 = 0.0, mx = 0.0;
	for (int64_t b = 0; b < nb; b++) {
		double c = r->count[b], prop = c / (double)n;
		r->confidence[b] = c ? r->confidence[b] / c : 0.0;
		r->accuracy[b] = c ? r->accuracy[b] / c : 0.0;
		double gap = fabs(r->accuracy[b] - r->confidence[b]);
		l1 += gap * prop;
		l2 += gap * gap * prop;
		mx = fmax(mx, gap);
	}
	r->value = norm == EVALD_CE_L1	  ? l1
		   : norm == EVALD_CE_MAX ? mx
		   : l2 > 0		  ? sqrt(l2)
					  : 0.0;
	return EVALD_OK;
}
