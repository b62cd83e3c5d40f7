/* auc.c - the binary classification curve (sklearn's _binary_clf_curve),
 * the ROC and precision-recall curves built on it, the area under the ROC
 * curve of one binary problem, and the point picking of capped curves.
 * roc_auc's multiclass and multilabel averaging is in auc_avg.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/auc.h>
#include <evald/reduce.h>

#include "auc_internal.h"
#include "internal.h"

void evi_clf_free(evi_clf *c)
{
	free(c->fps);
	free(c->tps);
	free(c->thr);
	memset(c, 0, sizeof *c);
}

void evald_curve_free(evald_curve *c)
{
	if (!c)
		return;
	free(c->x);
	free(c->y);
	free(c->thr);
	memset(c, 0, sizeof *c);
}

/* Walks the items by decreasing score (ties in sklearn's order: a stable
 * ascending sort read backwards) and closes a point at the end of each
 * run of equal scores.  fps is a running sum of the negatives' weights,
 * as sklearn's stable_cumsum; without weights it is a count.  ss and ys
 * are the sorted scores and labels; idx, when weighted, the order of w. */
static void clf_walk(const double *ss, const double *ys, const double *w,
		     const int64_t *idx, int64_t n, evi_clf *c)
{
	double tp = 0.0, fp = 0.0;
	int64_t m = 0;

	for (int64_t k = n - 1; k >= 0; k--) {
		double wi = w ? w[idx[k]] : 1.0;
		tp += ys[k] * wi;
		fp += (1.0 - ys[k]) * wi;
		if (k > 0 && ss[k - 1] == ss[k])
			continue;
		c->tps[m] = tp;
		c->fps[m] = fp;
		c->thr[m++] = ss[k];
	}
	c->n = m;
}

/* clf_walk over the sort's own pairs (no weights): the same sums in the
 * same order, without copying the sorted scores and labels out first. */
static void clf_walk_keyed(const evi_keyed *a, int64_t n, evi_clf *c)
{
	double tp = 0.0, fp = 0.0;
	int64_t m = 0;

	for (int64_t k = n - 1; k >= 0; k--) {
		double yk;
		memcpy(&yk, &a[k].v, sizeof yk);
		tp += yk;
		fp += 1.0 - yk;
		if (k > 0 && a[k - 1].k == a[k].k)
			continue;
		c->tps[m] = tp;
		c->fps[m] = fp;
		c->thr[m++] = evi_key_score(a[k].k);
	}
	c->n = m;
}

/* Sorted scores and labels and the order of the weights. */
static int sort_weighted(const double *s, const double *y, int64_t n,
			 double *ss, double *ys, int64_t *idx)
{
	if (evi_argsort(s, n, idx))
		return -1;
	for (int64_t k = 0; k < n; k++) {
		ss[k] = s[idx[k]];
		ys[k] = y[idx[k]];
	}
	return 0;
}

/* Copies of the items of non-zero weight (sklearn drops the others). */
static int64_t nonzero(const double *s, const double *y, const double *w,
		       int64_t n, double *s2, double *y2, double *w2)
{
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++) {
		if (w[i] == 0.0)
			continue;
		s2[m] = s[i];
		y2[m] = y[i];
		w2[m++] = w[i];
	}
	return m;
}

static int alloc_curve(int64_t n, evi_clf *c)
{
	c->fps = evi_xalloc(n, sizeof(double));
	c->tps = evi_xalloc(n, sizeof(double));
	c->thr = evi_xalloc(n, sizeof(double));
	return c->fps && c->tps && c->thr ? 0 : -1;
}

/* Unweighted (the common, large case): the split sort of keysort.c, or
 * for labels other than 0 and 1 the sorted pairs walked in place. */
static int clf_plain(const double *s, const double *y, int64_t n, evi_clf *c)
{
	evi_keyed *a = NULL;
	int rc = -1;

	if (alloc_curve(n, c))
		goto out;
	int split = evi_clf_split(s, y, n, c);
	if (split <= 0) {
		rc = split;
		goto out;
	}
	if (evi_sort_keyed(s, y, n, &a))
		goto out;
	clf_walk_keyed(a, n, c);
	rc = 0;
out:
	free(a);
	return rc;
}

int evi_clf_curve(const double *s, const double *y, const double *w, int64_t n,
		  evi_clf *c)
{
	double *s2 = NULL, *y2 = NULL, *w2 = NULL, *ss = NULL, *ys = NULL;
	int64_t *idx = NULL;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (!w) {
		rc = clf_plain(s, y, n, c);
		goto out;
	}
	s2 = evi_xalloc(n, sizeof *s2);
	y2 = evi_xalloc(n, sizeof *y2);
	w2 = evi_xalloc(n, sizeof *w2);
	if (!s2 || !y2 || !w2)
		goto out;
	n = nonzero(s, y, w, n, s2, y2, w2);
	idx = evi_xalloc(n, sizeof *idx);
	ss = evi_xalloc(n, sizeof *ss);
	ys = evi_xalloc(n, sizeof *ys);
	if (!idx || !ss || !ys || alloc_curve(n, c) ||
	    sort_weighted(s2, y2, n, ss, ys, idx))
		goto out;
	clf_walk(ss, ys, w2, idx, n, c);
	rc = 0;
out:
	if (rc)
		evi_clf_free(c);
	free(idx);
	free(ss);
	free(ys);
	free(s2);
	free(y2);
	free(w2);
	return rc;
}

/* np.diff(v, 2)[i - 1] != 0, as numpy computes it (a difference of
 * differences, so rounding agrees). */
static int corner(const double *v, int64_t i)
{
	return (v[i + 1] - v[i]) - (v[i] - v[i - 1]) != 0.0;
}

int64_t evi_drop_collinear(evi_clf *c)
{
	int64_t n = c->n, m = 1;
	double fp0 = c->fps[0], tp0 = c->tps[0]; /* the last kept original */

	if (n <= 2)
		return n;
	for (int64_t i = 1; i < n; i++) {
		double v[3], u[3];
		int keep = i == n - 1;
		if (!keep) {
			v[0] = fp0, v[1] = c->fps[i], v[2] = c->fps[i + 1];
			u[0] = tp0, u[1] = c->tps[i], u[2] = c->tps[i + 1];
			keep = corner(v, 1) || corner(u, 1);
		}
		fp0 = c->fps[i];
		tp0 = c->tps[i];
		if (!keep)
			continue;
		c->fps[m] = c->fps[i];
		c->tps[m] = c->tps[i];
		c->thr[m++] = c->thr[i];
	}
	c->n = m;
	return m;
}

/* v / v[n−1] into out[1..n] after out[0] = 0, or NaN throughout when the
 * total is not positive (sklearn warns there). */
static int rates(const double *v, int64_t n, double *out)
{
	double tot = v[n - 1];
	out[0] = tot <= 0.0 ? NAN : 0.0;
	for (int64_t i = 0; i < n; i++)
		out[i + 1] = tot <= 0.0 ? NAN : v[i] / tot;
	return tot <= 0.0;
}

/* np.trapz(y, x): Σ (x[i+1] − x[i]) · (y[i+1] + y[i]) / 2, summed pairwise
 * as numpy's sum does. */
static int trapz(const double *x, const double *y, int64_t n, double *area)
{
	double *t = evi_xalloc(n, sizeof *t);
	if (!t)
		return -1;
	for (int64_t i = 0; i + 1 < n; i++)
		t[i] = (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
	*area = n > 1 ? evald_sum(t, n - 1) : 0.0;
	free(t);
	return 0;
}

/* The area up to max_fpr, ending in a point interpolated at max_fpr, with
 * the McClish correction (0.5 random, 1 perfect).  fpr has room for one
 * more point. */
static int partial_auc(double *fpr, double *tpr, int64_t n, double max_fpr,
		       double *auc)
{
	int64_t stop = 0;
	double pa;

	while (stop < n && fpr[stop] <= max_fpr)
		stop++; /* np.searchsorted(fpr, max_fpr, "right") */
	if (stop == 0 || stop == n) { /* fpr is NaN: no negative weight */
		*auc = NAN;
		return 0;
	}
	double x0 = fpr[stop - 1], x1 = fpr[stop];
	double y0 = tpr[stop - 1], y1 = tpr[stop];
	/* np.interp between two points with x0 <= max_fpr < x1 */
	tpr[stop] = (y1 - y0) / (x1 - x0) * (max_fpr - x0) + y0;
	fpr[stop] = max_fpr;
	if (trapz(fpr, tpr, stop + 1, &pa))
		return -1;
	double min_area = 0.5 * pow(max_fpr, 2), max_area = max_fpr;
	*auc = 0.5 * (1 + (pa - min_area) / (max_area - min_area));
	return 0;
}

int evi_clf_curve_f32(const float *s, const evald_labels *y, int64_t pos,
		      evi_clf *c)
{
	memset(c, 0, sizeof *c);
	if (alloc_curve(y->size, c) || evi_clf_split_f32(s, y, pos, c)) {
		evi_clf_free(c);
		return -1;
	}
	return 0;
}

int evi_binary_auc(const double *s, const double *y, const double *w, int64_t n,
		   double max_fpr, double *auc)
{
	evi_clf c;

	if (evi_clf_curve(s, y, w, n, &c))
		return -1;
	return evi_clf_auc(&c, max_fpr, auc);
}

int evi_clf_auc(evi_clf *cp, double max_fpr, double *auc)
{
	evi_clf c = *cp;
	double *fpr = NULL, *tpr = NULL;
	int rc = -1;

	memset(cp, 0, sizeof *cp);
	int64_t m = evi_drop_collinear(&c);
	fpr = evi_xalloc(m + 1, sizeof *fpr);
	tpr = evi_xalloc(m + 1, sizeof *tpr);
	if (!fpr || !tpr)
		goto out;
	rates(c.fps, m, fpr);
	rates(c.tps, m, tpr);
	if (max_fpr <= 0.0 || max_fpr == 1.0)
		rc = trapz(fpr, tpr, m + 1, auc);
	else
		rc = partial_auc(fpr, tpr, m + 1, max_fpr, auc);
out:
	evi_clf_free(&c);
	free(fpr);
	free(tpr);
	return rc;
}

/* ------------------------------------------------------------ curves */

/* y_true [N] and y_score [N] (and sample_weight [N]) of one binary
 * problem, non-empty. */
static int curve_shapes(const evald_tensor *t, const evald_tensor *s,
			const evald_tensor *w, evald_err *err)
{
	char a[64], b[64];

	if (t->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "y_true must be [N] labels; got shape %s",
				  evald_shape_str(t, a, sizeof a));
	if (t->size == 0)
		return evald_fail(err, EVALD_EEMPTY, 0, "y_true is empty");
	if (!evald_tensor_same_shape(t, s))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_score must have the shape of y_true %s; "
				  "got %s",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(s, b, sizeof b));
	return evi_weight_like(t, w, err);
}

int evi_weight_like(const evald_tensor *t, const evald_tensor *w,
		    evald_err *err)
{
	char a[96], b[96];

	if (w && !evald_tensor_same_shape(t, w))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight must have the shape of y_true "
				  "%s; got %s",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(w, b, sizeof b));
	return EVALD_OK;
}

int evi_labels_whole(const evald_tensor *t, int input, evald_err *err)
{
	for (int64_t i = 0; i < t->size; i++)
		if (t->data[i] != floor(t->data[i]))
			return evald_fail(
				err, EVALD_EINVAL, input,
				"y_true must hold class labels (whole "
				"numbers); element %lld is %.17g "
				"(sklearn: continuous format is not "
				"supported)",
				(long long)i, t->data[i]);
	return EVALD_OK;
}

/* sklearn's _check_pos_label_consistency: without pos_label the labels
 * must lie in {0, 1} or {−1, 1} and 1 is positive; y[i] = 1 for a
 * positive.  More than two labels need pos_label. */
static int binary_target(const evald_tensor *t, const double *pos_label,
			 double *y, evald_err *err)
{
	int in01 = 1, in11 = 1, rc = evi_labels_whole(t, 0, err);
	double first = t->data[0], other = first;
	int64_t nclass = 1;

	if (rc)
		return rc;
	for (int64_t i = 0; i < t->size; i++) {
		double v = t->data[i];
		in01 &= v == 0.0 || v == 1.0;
		in11 &= v == -1.0 || v == 1.0;
		if (v != first && nclass == 1)
			other = v, nclass = 2;
		else if (v != first && v != other)
			nclass = 3;
	}
	if (!pos_label && nclass > 2)
		return evald_fail(
			err, EVALD_EINVAL, 0,
			"y_true has more than two classes: give "
			"pos_label to name the positive one (sklearn: "
			"multiclass format is not supported)");
	if (!pos_label && !in01 && !in11)
		return evald_fail(err, EVALD_EINVAL, 4,
				  "y_true takes values other than {0, 1} or "
				  "{-1, 1} and pos_label is not given: give "
				  "pos_label or use those labels");
	double pos = pos_label ? *pos_label : 1.0;
	for (int64_t i = 0; i < t->size; i++)
		y[i] = t->data[i] == pos;
	return EVALD_OK;
}

/* Checks the inputs, binarises y_true and builds the curve. */
static int curve_of(const evald_tensor *t, const evald_tensor *s,
		    const evald_tensor *w, const double *pos_label, evi_clf *c,
		    evald_err *err)
{
	double *y = NULL;
	int rc = curve_shapes(t, s, w, err);

	if (rc)
		return rc;
	y = evi_xalloc(t->size, sizeof *y);
	if (!y)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	rc = binary_target(t, pos_label, y, err);
	if (!rc && w) {
		int64_t nz = 0;
		for (int64_t i = 0; i < w->size; i++)
			nz += w->data[i] != 0.0;
		if (!nz)
			rc = evald_fail(
				err, EVALD_EINVAL, 2,
				"sample_weight is 0 everywhere: no item "
				"is left to make a curve of");
	}
	if (!rc && evi_clf_curve(s->data, y, w ? w->data : NULL, t->size, c))
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for %lld scores",
				(long long)t->size);
	free(y);
	return rc;
}

int evald_roc_curve(const evald_tensor *y_true, const evald_tensor *y_score,
		    const evald_tensor *sample_weight, const double *pos_label,
		    int drop_intermediate, evald_curve *out, evald_err *err)
{
	evi_clf c;
	int rc;

	memset(out, 0, sizeof *out);
	rc = curve_of(y_true, y_score, sample_weight, pos_label, &c, err);
	if (rc)
		return rc;
	int64_t m = drop_intermediate ? evi_drop_collinear(&c) : c.n;
	out->x = evi_xalloc(m + 1, sizeof(double));
	out->y = evi_xalloc(m + 1, sizeof(double));
	out->thr = evi_xalloc(m + 1, sizeof(double));
	if (!out->x || !out->y || !out->thr) {
		evald_curve_free(out);
		evi_clf_free(&c);
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	}
	out->no_neg = rates(c.fps, m, out->x);
	out->no_pos = rates(c.tps, m, out->y);
	out->thr[0] = c.thr[0] + 1; /* sklearn 1.2; 1.3 writes inf */
	memcpy(out->thr + 1, c.thr, m * sizeof(double));
	out->n = out->n_thr = m + 1;
	evi_clf_free(&c);
	return EVALD_OK;
}

int evald_pr_curve(const evald_tensor *y_true, const evald_tensor *y_score,
		   const evald_tensor *sample_weight, const double *pos_label,
		   evald_curve *out, evald_err *err)
{
	evi_clf c;
	int rc;

	memset(out, 0, sizeof *out);
	rc = curve_of(y_true, y_score, sample_weight, pos_label, &c, err);
	if (rc)
		return rc;
	int64_t m = c.n;
	out->x = evi_xalloc(m + 1, sizeof(double));
	out->y = evi_xalloc(m + 1, sizeof(double));
	out->thr = evi_xalloc(m, sizeof(double));
	if (!out->x || !out->y || !out->thr) {
		evald_curve_free(out);
		evi_clf_free(&c);
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	}
	out->no_pos = c.tps[m - 1] == 0.0;
	/* reversed so recall decreases, then the point (recall 0,
	 * precision 1) */
	for (int64_t i = 0; i < m; i++) {
		int64_t j = m - 1 - i;
		double ps = c.tps[j] + c.fps[j];
		out->x[i] = ps != 0.0 ? c.tps[j] / ps : 0.0;
		out->y[i] = out->no_pos ? 1.0 : c.tps[j] / c.tps[m - 1];
		out->thr[i] = c.thr[j];
	}
	out->x[m] = 1.0;
	out->y[m] = 0.0;
	out->n = m + 1;
	out->n_thr = m;
	evi_clf_free(&c);
	return EVALD_OK;
}

int64_t evald_curve_pick(int64_t n, int64_t max_points, int64_t *idx)
{
	int64_t m = n < max_points ? n : max_points;

	if (m < 2) {
		for (int64_t i = 0; i < m; i++)
			idx[i] = i;
		return m;
	}
	for (int64_t i = 0; i < m; i++)
		idx[i] = (int64_t)llround((double)i * (double)(n - 1) /
					  (double)(m - 1));
	return m;
}
