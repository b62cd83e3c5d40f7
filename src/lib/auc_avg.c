/* auc_avg.c - roc_auc_score (sklearn 1.2): which problem the inputs pose
 * (binary, multiclass or multilabel), and sklearn's averaging of the
 * per-column, per-row or per-pair binary areas (_average_binary_score,
 * _average_multiclass_ovo_score).  The binary area itself is auc.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/auc.h>

#include "auc_internal.h"
#include "internal.h"

/* One binary problem gathered into contiguous buffers. */
typedef struct col {
	double *s, *y, *w;
	int64_t n;
} col;

typedef struct problem {
	const double *s;   /* y_score, [n, k] */
	const double *ind; /* 0/1 indicator [n, k], or NULL: use lab/cls */
	const double *lab; /* labels [n] (multiclass ovr) */
	const double *cls; /* sorted classes [k] */
	const double *w;   /* [n] or NULL */
	int64_t n, k;
	double max_fpr;
} problem;

void evald_auc_result_free(evald_auc_result *r)
{
	if (!r)
		return;
	free(r->per_class);
	r->per_class = NULL;
}

static int one_class(evald_err *err)
{
	return evald_fail(err, EVALD_EINVAL, 0,
			  "Only one class present in y_true. ROC AUC score "
			  "is not defined in that case.");
}

static int nomem(evald_err *err)
{
	return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
}

/* sklearn's binary metric on one gathered problem: refuses one class. */
static int col_auc(const col *c, double max_fpr, double *v, evald_err *err)
{
	int has0 = 0, has1 = 0;
	for (int64_t i = 0; i < c->n && !(has0 && has1); i++)
		c->y[i] != 0.0 ? (has1 = 1) : (has0 = 1);
	if (!has0 || !has1)
		return one_class(err);
	if (evi_binary_auc(c->s, c->y, c->w, c->n, max_fpr, v))
		return nomem(err);
	return EVALD_OK;
}

static double ytrue_at(const problem *p, int64_t i, int64_t j)
{
	return p->ind ? p->ind[i * p->k + j] : p->lab[i] == p->cls[j];
}

/* Column j (a class or label) as a binary problem. */
static void gather_col(const problem *p, int64_t j, col *c)
{
	for (int64_t i = 0; i < p->n; i++) {
		c->s[i] = p->s[i * p->k + j];
		c->y[i] = ytrue_at(p, i, j);
		if (p->w)
			c->w[i] = p->w[i];
	}
	c->n = p->n;
}

/* np.average(score, weights): Σ s·w / Σ w, or the mean. */
static double average(const double *s, const double *w, int64_t n)
{
	double num = 0.0, den = 0.0;
	for (int64_t i = 0; i < n; i++) {
		num += w ? s[i] * w[i] : s[i];
		den += w ? w[i] : 1.0;
	}
	return num / den;
}

static int col_alloc(col *c, int64_t n, int weighted)
{
	c->s = evi_xalloc(n, sizeof(double));
	c->y = evi_xalloc(n, sizeof(double));
	c->w = weighted ? evi_xalloc(n, sizeof(double)) : NULL;
	return !c->s || !c->y || (weighted && !c->w);
}

static void col_free(col *c)
{
	free(c->s);
	free(c->y);
	free(c->w);
}

/* micro: every (row, column) cell one item, weights repeated per row. */
static int avg_micro(const problem *p, double *v, evald_err *err)
{
	col c;
	int rc;
	int64_t m = p->n * p->k;

	if (col_alloc(&c, m, p->w != NULL))
		rc = nomem(err);
	else {
		for (int64_t i = 0; i < p->n; i++)
			for (int64_t j = 0; j < p->k; j++) {
				c.s[i * p->k + j] = p->s[i * p->k + j];
				c.y[i * p->k + j] = ytrue_at(p, i, j);
				if (p->w)
					c.w[i * p->k + j] = p->w[i];
			}
		c.n = m;
		rc = col_auc(&c, p->max_fpr, v, err);
	}
	col_free(&c);
	return rc;
}

/* samples: one binary problem per row, averaged with sample_weight. */
static int avg_samples(const problem *p, double *v, evald_err *err)
{
	col c;
	double *score = evi_xalloc(p->n, sizeof *score);
	int rc = EVALD_OK;

	if (col_alloc(&c, p->k, 0) || !score)
		rc = nomem(err);
	for (int64_t i = 0; !rc && i < p->n; i++) {
		for (int64_t j = 0; j < p->k; j++) {
			c.s[j] = p->s[i * p->k + j];
			c.y[j] = ytrue_at(p, i, j);
		}
		c.n = p->k;
		rc = col_auc(&c, p->max_fpr, &score[i], err);
	}
	if (!rc) {
		for (int64_t i = 0; p->w && i < p->n; i++)
			if (p->w[i] == 0.0)
				score[i] = 0.0;
		*v = average(score, p->w, p->n);
	}
	col_free(&c);
	free(score);
	return rc;
}

/* macro, weighted (by the weighted support of each column) and none. */
static int avg_columns(const problem *p, evald_average avg, evald_auc_result *r,
		       evald_err *err)
{
	col c;
	double *score = evi_xalloc(p->k, sizeof *score);
	double *sup = evi_xalloc(p->k, sizeof *sup);
	int rc = EVALD_OK;

	double tot = 0.0;

	if (col_alloc(&c, p->n, p->w != NULL) || !score || !sup)
		rc = nomem(err);
	for (int64_t j = 0; !rc && j < p->k; j++) {
		sup[j] = 0.0;
		for (int64_t i = 0; i < p->n; i++)
			sup[j] += ytrue_at(p, i, j) * (p->w ? p->w[i] : 1.0);
		tot += sup[j];
	}
	/* sklearn returns 0 before scoring when np.isclose(support, 0) */
	if (!rc && avg == EVALD_AVG_WEIGHTED && fabs(tot) <= 1e-8) {
		r->value = 0.0;
		goto out;
	}
	for (int64_t j = 0; !rc && j < p->k; j++) {
		gather_col(p, j, &c);
		rc = col_auc(&c, p->max_fpr, &score[j], err);
	}
	if (!rc && avg == EVALD_AVG_NONE) {
		r->per_class = score, score = NULL;
		r->classes = p->k;
		r->value = NAN;
	} else if (!rc && avg == EVALD_AVG_WEIGHTED) {
		for (int64_t j = 0; j < p->k; j++)
			score[j] = sup[j] == 0.0 ? 0.0 : score[j];
		r->value = average(score, sup, p->k);
	} else if (!rc) {
		r->value = average(score, NULL, p->k);
	}
out:
	col_free(&c);
	free(score);
	free(sup);
	return rc;
}

static int average_binary(const problem *p, evald_average avg,
			  evald_auc_result *r, evald_err *err)
{
	if (avg == EVALD_AVG_MICRO)
		return avg_micro(p, &r->value, err);
	if (avg == EVALD_AVG_SAMPLES)
		return avg_samples(p, &r->value, err);
	return avg_columns(p, avg, r, err);
}

/* ------------------------------------------------------------ ovo */

/* Hand & Till: for each pair of classes present (a < b), the mean of the
 * AUC of a against b on column a and of b against a on column b, over the
 * rows of either class; averaged, or weighted by the pair's prevalence. */
static int ovo(const problem *p, const int64_t *code, evald_average avg,
	       double *v, evald_err *err)
{
	col c = {0};
	int64_t *present = evi_xalloc(p->k, sizeof *present), np_ = 0;
	double num = 0.0, den = 0.0;
	int rc = EVALD_OK;

	if (!present || col_alloc(&c, p->n, 0)) {
		rc = nomem(err);
		goto out;
	}
	memset(present, 0, p->k * sizeof *present);
	for (int64_t i = 0; i < p->n; i++)
		present[code[i]] = 1;
	for (int64_t a = 0; a < p->k; a++)
		if (present[a])
			present[np_++] = a;
	for (int64_t x = 0; !rc && x < np_; x++)
		for (int64_t z = x + 1; !rc && z < np_; z++) {
			int64_t a = present[x], b = present[z], m = 0;
			double va = 0.0, vb = 0.0;
			for (int64_t i = 0; i < p->n; i++)
				if (code[i] == a || code[i] == b) {
					c.s[m] = p->s[i * p->k + a];
					c.y[m++] = code[i] == a;
				}
			c.n = m;
			rc = col_auc(&c, 0.0, &va, err);
			for (int64_t i = 0, j = 0; !rc && i < p->n; i++)
				if (code[i] == a || code[i] == b) {
					c.s[j] = p->s[i * p->k + b];
					c.y[j++] = code[i] == b;
				}
			if (!rc)
				rc = col_auc(&c, 0.0, &vb, err);
			double wt = avg == EVALD_AVG_WEIGHTED
					    ? (double)m / (double)p->n
					    : 1.0;
			num += (va + vb) / 2 * wt;
			den += wt;
		}
	*v = num / den;
out:
	col_free(&c);
	free(present);
	return rc;
}

/* ------------------------------------------------------------ dispatch */

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

/* The sorted distinct values of v [n] into *out (malloc'd); a scan finds
 * two or fewer without sorting (the binary case of 10⁷ scores). */
static int64_t distinct(const double *v, int64_t n, double **out)
{
	double a = v[0], b = v[0];
	int64_t k = 1, i;

	for (i = 0; i < n; i++) {
		if (v[i] == a || v[i] == b)
			continue;
		if (k == 2)
			break;
		b = v[i], k = 2;
	}
	*out = evi_xalloc(i < n ? n : 2, sizeof(double));
	if (!*out)
		return -1;
	if (i == n) {
		(*out)[0] = a < b ? a : b;
		(*out)[1] = a < b ? b : a;
		return k;
	}
	memcpy(*out, v, n * sizeof(double));
	qsort(*out, (size_t)n, sizeof(double), cmp_double);
	k = 1;
	for (i = 1; i < n; i++)
		if ((*out)[i] != (*out)[k - 1])
			(*out)[k++] = (*out)[i];
	return k;
}

static int binary(const evald_tensor *t, const evald_tensor *s, const double *w,
		  const double *cls, int64_t k, double max_fpr,
		  evald_auc_result *r, evald_err *err)
{
	char a[64];
	col c = {0};
	int rc;

	if (s->ndim != 1)
		return evald_fail(
			err, EVALD_ESHAPE, 1,
			"y_true has two classes: y_score must be [N], "
			"the score of the greater label %.17g; got "
			"shape %s",
			cls[k - 1], evald_shape_str(s, a, sizeof a));
	if (k < 2)
		return one_class(err);
	c.y = evi_xalloc(t->size, sizeof(double));
	if (!c.y)
		return nomem(err);
	for (int64_t i = 0; i < t->size; i++)
		c.y[i] = t->data[i] == cls[1];
	if (evi_binary_auc(s->data, c.y, w, t->size, max_fpr, &r->value))
		rc = nomem(err);
	else
		rc = EVALD_OK;
	free(c.y);
	return rc;
}

/* labels: unique, increasing, one per column, covering y_true. */
static int check_labels(const evald_tensor *lab, const evald_tensor *t,
			int64_t cols, evald_err *err)
{
	if (lab->ndim > 1 || lab->size != cols)
		return evald_fail(err, EVALD_EINVAL, 3,
				  "Number of given labels, %lld, not equal to "
				  "the number of columns in 'y_score', %lld",
				  (long long)lab->size, (long long)cols);
	for (int64_t j = 1; j < lab->size; j++)
		if (lab->data[j] <= lab->data[j - 1])
			return evald_fail(err, EVALD_EINVAL, 3,
					  "labels must be unique and in "
					  "increasing order (element %lld is "
					  "%.17g after %.17g)",
					  (long long)j, lab->data[j],
					  lab->data[j - 1]);
	for (int64_t i = 0; i < t->size; i++)
		if (!bsearch(&t->data[i], lab->data, (size_t)lab->size,
			     sizeof(double), cmp_double))
			return evald_fail(err, EVALD_EINVAL, 0,
					  "'y_true' contains labels not in "
					  "parameter 'labels' (element %lld is "
					  "%.17g)",
					  (long long)i, t->data[i]);
	return EVALD_OK;
}

/* The checks sklearn's _multiclass_roc_auc_score makes, in its order. */
static int mc_checks(const evald_tensor *s, const evald_tensor *w,
		     evald_multi_class mc, evald_average avg, double max_fpr,
		     evald_err *err)
{
	if (max_fpr > 0.0 && max_fpr != 1.0)
		return evald_fail(err, EVALD_EINVAL, 5,
				  "Partial AUC computation not available in "
				  "multiclass setting: max_fpr must be null");
	if (mc == EVALD_MC_RAISE)
		return evald_fail(err, EVALD_EINVAL, 6,
				  "y_true has more than two classes: set "
				  "multi_class to \"ovr\" or \"ovo\"");
	for (int64_t i = 0; i < s->shape[0]; i++) {
		double sum = 0.0;
		for (int64_t j = 0; j < s->shape[1]; j++)
			sum += s->data[i * s->shape[1] + j];
		if (!(fabs(1.0 - sum) <= 1e-8 + 1e-5 * fabs(sum)))
			return evald_fail(
				err, EVALD_EINVAL, 1,
				"Target scores need to be "
				"probabilities for multiclass roc_auc, "
				"i.e. they should sum up to 1.0 over "
				"classes (row %lld sums to %.17g)",
				(long long)i, sum);
	}
	if (avg == EVALD_AVG_SAMPLES ||
	    (mc == EVALD_MC_OVO &&
	     (avg == EVALD_AVG_MICRO || avg == EVALD_AVG_NONE)))
		return evald_fail(err, EVALD_EINVAL, 7,
				  "average must be macro or weighted with "
				  "multi_class ovo, and micro, macro, weighted "
				  "or none with ovr");
	if (mc == EVALD_MC_OVO && w)
		return evald_fail(err, EVALD_EINVAL, 2,
				  "sample_weight is not supported for "
				  "multiclass one-vs-one ROC AUC");
	return EVALD_OK;
}

static int multiclass(const evald_tensor *t, const evald_tensor *s,
		      const evald_tensor *w, const evald_tensor *lab,
		      const double *cls, int64_t k, evald_multi_class mc,
		      evald_average avg, double max_fpr, evald_auc_result *r,
		      evald_err *err)
{
	int64_t *code = NULL, cols = s->shape[1];
	int rc = mc_checks(s, w, mc, avg, max_fpr, err);

	if (rc)
		return rc;
	if (lab && (rc = check_labels(lab, t, cols, err)))
		return rc;
	if (!lab && k != cols)
		return evald_fail(
			err, EVALD_EINVAL, 1,
			"Number of classes in y_true (%lld) not equal "
			"to the number of columns in 'y_score' (%lld)",
			(long long)k, (long long)cols);
	problem p = {.s = s->data,
		     .lab = t->data,
		     .cls = lab ? lab->data : cls,
		     .w = w ? w->data : NULL,
		     .n = t->size,
		     .k = cols,
		     .max_fpr = 0.0};
	r->kind = 1;
	if (mc == EVALD_MC_OVR)
		return average_binary(&p, avg, r, err);
	code = evi_xalloc(t->size, sizeof *code);
	if (!code)
		return nomem(err);
	for (int64_t i = 0; i < t->size; i++) {
		const double *at = bsearch(&t->data[i], p.cls, (size_t)cols,
					   sizeof(double), cmp_double);
		code[i] = at - p.cls;
	}
	rc = ovo(&p, code, avg, &r->value, err);
	free(code);
	return rc;
}

static int multilabel(const evald_tensor *t, const evald_tensor *s,
		      const evald_tensor *w, evald_average avg, double max_fpr,
		      evald_auc_result *r, evald_err *err)
{
	char a[64], b[64];

	if (!evald_tensor_same_shape(t, s))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_score must have the shape of the label "
				  "indicators y_true %s; got %s",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(s, b, sizeof b));
	for (int64_t i = 0; i < t->size; i++)
		if (t->data[i] != 0.0 && t->data[i] != 1.0)
			return evald_fail(
				err, EVALD_EINVAL, 0,
				"a 2-D y_true holds label indicators, "
				"0 or 1; element %lld is %.17g",
				(long long)i, t->data[i]);
	problem p = {.s = s->data,
		     .ind = t->data,
		     .w = w ? w->data : NULL,
		     .n = t->shape[0],
		     .k = t->shape[1],
		     .max_fpr = max_fpr};
	r->kind = 2;
	return average_binary(&p, avg, r, err);
}

static int auc_shapes(const evald_tensor *t, const evald_tensor *s,
		      const evald_tensor *w, evald_err *err)
{
	char a[64], b[64];

	if (t->ndim != 1 && t->ndim != 2)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "y_true must be [N] labels or [N, L] label "
				  "indicators; got shape %s",
				  evald_shape_str(t, a, sizeof a));
	if (t->size == 0)
		return evald_fail(err, EVALD_EEMPTY, 0, "y_true is empty");
	if ((s->ndim != 1 && s->ndim != 2) || s->shape[0] != t->shape[0])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_score must be [N] or [N, C] with the N of "
				  "y_true %s; got %s",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(s, b, sizeof b));
	if (w && (w->ndim != 1 || w->shape[0] != t->shape[0]))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight must be [N] with the N of "
				  "y_true %s; got %s",
				  evald_shape_str(t, a, sizeof a),
				  evald_shape_str(w, b, sizeof b));
	return EVALD_OK;
}

int evald_roc_auc(const evald_tensor *y_true, const evald_tensor *y_score,
		  const evald_tensor *sample_weight, const evald_tensor *labels,
		  evald_multi_class multi_class, evald_average average,
		  double max_fpr, evald_auc_result *r, evald_err *err)
{
	const evald_tensor *w = sample_weight;
	double *cls = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = auc_shapes(y_true, y_score, w, err);
	if (rc)
		return rc;
	if (y_true->ndim == 2)
		return multilabel(y_true, y_score, w, average, max_fpr, r, err);
	if ((rc = evi_labels_whole(y_true, 0, err)))
		return rc;
	int64_t k = distinct(y_true->data, y_true->size, &cls);
	if (k < 0)
		return nomem(err);
	if (k > 2 || (y_score->ndim == 2 && y_score->shape[1] > 2))
		rc = multiclass(y_true, y_score, w, labels, cls, k, multi_class,
				average, max_fpr, r, err);
	else
		rc = binary(y_true, y_score, w ? w->data : NULL, cls, k,
			    max_fpr, r, err);
	free(cls);
	return rc;
}

/* The two distinct labels of y, or *k = 1 or 3 (one, or more than two).
 * Labels may lie at any alignment (a stored .npz member): read by
 * memcpy, which compiles to a plain load. */
#define TWO(T)                                                                 \
	do {                                                                   \
		const char *l = y->data;                                       \
		for (int64_t i = 0; i < y->size && *k < 3; i++) {              \
			T t;                                                   \
			memcpy(&t, l + i * (int64_t)sizeof t, sizeof t);       \
			int64_t v = (int64_t)t;                                \
			if (v == *a || (*k == 2 && v == *b))                   \
				continue;                                      \
			if (*k == 1)                                           \
				*b = v, *k = 2;                                \
			else                                                   \
				*k = 3;                                        \
		}                                                              \
	} while (0)

static void two_labels(const evald_labels *y, int64_t *a, int64_t *b, int *k)
{
	int64_t a64;
	int32_t a32;

	*k = 1;
	switch (y->dtype) {
	case EVALD_I64:
		memcpy(&a64, y->data, sizeof a64);
		*a = *b = a64;
		TWO(int64_t);
		break;
	case EVALD_I32:
		memcpy(&a32, y->data, sizeof a32);
		*a = *b = a32;
		TWO(int32_t);
		break;
	default:
		*a = *b = ((const uint8_t *)y->data)[0];
		TWO(uint8_t);
		break;
	}
}

int evald_roc_auc_f32(const evald_labels *y_true, const float *y_score,
		      double max_fpr, double *value, int *done, evald_err *err)
{
	const int64_t big = (int64_t)1 << 53;
	int64_t a, b;
	int k;
	evi_clf c;

	*done = 0;
	if (y_true->size == 0)
		return EVALD_OK;
	two_labels(y_true, &a, &b, &k);
	/* Past 2^53 two integers can be one double: the float64 path's
	 * count of classes would differ. */
	if (k != 2 || a > big || a < -big || b > big || b < -big)
		return EVALD_OK;
	if (evi_clf_curve_f32(y_score, y_true, a > b ? a : b, &c) ||
	    evi_clf_auc(&c, max_fpr, value))
		return nomem(err);
	*done = 1;
	return EVALD_OK;
}
