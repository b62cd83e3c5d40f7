/* cls_labels.c - label checks, sklearn's label set and the mapping of
 * labels to class indices for the classification scores (cls_labels.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_labels.h"

/* A label range this wide or narrower is mapped through a table. */
#define DENSE_SPAN (1 << 22)
/* Integers up to this magnitude are exact as doubles. */
#define EXACT (INT64_C(1) << 53)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int cls_sorted_has(const double *v, int64_t n, double x)
{
	return bsearch(&x, v, (size_t)n, sizeof *v, cmp_double) != NULL;
}

/* Single-label values must be whole numbers: sklearn reads anything else
 * as a continuous target and refuses it. */
static int check_labels(const input_val *iv, const char *name, verr *err)
{
	const evald_tensor *t = &iv->t;
	if (t->dtype != EVALD_F64 && t->dtype != EVALD_F32 &&
	    t->dtype != EVALD_F16)
		return 0; /* sent as integers: whole by construction */
	for (int64_t i = 0; i < t->size; i++)
		if (t->data[i] != floor(t->data[i]))
			return verr_set(
				err, E_INVALID_VALUE, iv->path,
				"%s[%lld] is %.17g: class labels must be "
				"whole numbers (scikit-learn reads other "
				"values as a continuous target and refuses: "
				"\"Classification metrics can't handle a mix "
				"of continuous and multiclass targets\")",
				name, (long long)i, t->data[i]);
	return 0;
}

static int as_vector(const input_val *iv, const char *name, evald_tensor *v,
		     verr *err)
{
	const evald_tensor *t = &iv->t;
	int64_t n = t->ndim ? t->shape[0] : 1;
	if (t->ndim > 2 || (t->ndim == 2 && t->shape[1] != 1) || t->ndim == 0)
		return verr_set(err, E_SHAPE_MISMATCH, iv->path,
				"%s must be a vector of labels [N]", name);
	if (t->size == 0)
		return verr_set(err, E_EMPTY_INPUT, iv->path,
				"%s is empty; there is nothing to score", name);
	return evald_tensor_init(v, t->data, t->dtype, 1, &n) ? -1 : 0;
}

static int is_indicator(const evald_tensor *t)
{
	return t->ndim == 2 && t->shape[1] > 1;
}

/* Each value v of integer labels l, with its index i_, as int64; one
 * loop per dtype (memcpy: the values may sit unaligned in the body). */
#define EACH_LABEL(l, v, BODY)                                                 \
	do {                                                                   \
		const unsigned char *b_ = (l)->data;                           \
		switch ((l)->dtype) {                                          \
		case EVALD_I64:                                                \
			for (int64_t i_ = 0; i_ < (l)->size; i_++) {           \
				int64_t v;                                     \
				memcpy(&v, b_ + i_ * 8, 8);                    \
				BODY                                           \
			}                                                      \
			break;                                                 \
		case EVALD_I32:                                                \
			for (int64_t i_ = 0; i_ < (l)->size; i_++) {           \
				int32_t x_;                                    \
				memcpy(&x_, b_ + i_ * 4, 4);                   \
				int64_t v = x_;                                \
				BODY                                           \
			}                                                      \
			break;                                                 \
		default:                                                       \
			for (int64_t i_ = 0; i_ < (l)->size; i_++) {           \
				int64_t v = b_[i_];                            \
				BODY                                           \
			}                                                      \
			break;                                                 \
		}                                                              \
	} while (0)

/* Both label inputs as the integers they came as, when the caller can
 * take them and their range fits a presence table; else widened. */
static int keep_ints(mcall *c, cls_in *in, int flags, verr *err)
{
	input_val *yt = in->yt, *yp = in->yp;
	if ((flags & CLS_INTS) && yt->labels.data && yp->labels.data &&
	    !is_indicator(&yt->t) && !is_indicator(&yp->t)) {
		/* Equal is equal as integers, whatever their range: sklearn
		 * compares the arrays as they came, values past 2^53
		 * included. */
		if ((flags & CLS_PAIRS) && !in->w->present) {
			in->ints = in->pairs = 1;
			in->it = yt->labels;
			in->ip = yp->labels;
			return 0;
		}
		in->lo = INT64_MAX;
		in->hi = INT64_MIN;
		evald_labels_range(&yt->labels, &in->lo, &in->hi);
		evald_labels_range(&yp->labels, &in->lo, &in->hi);
		/* Wide ranges go the float64 way (sorted union, search),
		 * and so do values past 2^53, which the label set (doubles)
		 * could not tell apart. */
		if (yt->labels.size == 0 || yp->labels.size == 0 ||
		    ((uint64_t)in->hi - (uint64_t)in->lo < DENSE_SPAN &&
		     in->lo >= -EXACT && in->hi <= EXACT)) {
			in->ints = 1;
			in->it = yt->labels;
			in->ip = yp->labels;
			return 0;
		}
	}
	return mcall_widen(c, yt, err) || mcall_widen(c, yp, err) ? -1 : 0;
}

/* Unweighted integer labels over a narrow span (the usual case: a few
 * classes) are counted once, pair by pair: the label set is read off the
 * counts' rows and columns and the confusion matrix folded from them, so
 * the labels are read in one pass instead of one for the set, one to map
 * them and one to count them. */
static int joint_of(mcall *c, cls_in *in, verr *err)
{
	int64_t w = in->hi - in->lo + 1;
	evald_err le = {0};

	if (!in->ints || in->pairs || in->w->present || in->it.size == 0 ||
	    w > EVALD_JOINT_CELLS / w)
		return 0;
	in->joint = pool_calloc(c->pool, (size_t)(w * w), sizeof *in->joint);
	if (!in->joint)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (evald_labels_joint(&in->it, &in->ip, in->lo, w, in->joint, &le)) {
		const char *const paths[] = {in->yt->path, in->yp->path};
		return mcall_lib_error(c, &le, err, paths);
	}
	return 0;
}

int cls_inputs(mcall *c, input_val *yt, input_val *yp, input_val *w, int flags,
	       cls_in *in, verr *err)
{
	int multilabel_ok = flags & CLS_MULTILABEL;
	memset(in, 0, sizeof *in);
	in->yt = yt, in->yp = yp, in->w = w;
	if (keep_ints(c, in, flags, err))
		return -1;
	if (is_indicator(&yt->t) != is_indicator(&yp->t))
		return verr_set(err, E_SHAPE_MISMATCH, yp->path,
				"y_true is %s and y_pred %s: scikit-learn "
				"cannot mix multilabel-indicator and "
				"single-label targets",
				is_indicator(&yt->t) ? "[N, L]" : "[N]",
				is_indicator(&yp->t) ? "[N, L]" : "[N]");
	if (is_indicator(&yt->t)) {
		if (!multilabel_ok)
			return verr_set(err, E_INVALID_VALUE, yt->path,
					"this score does not take "
					"multilabel-indicator targets (as in "
					"scikit-learn); give [N] labels");
		in->multilabel = 1;
		in->t = yt->t;
		in->p = yp->t;
		return 0;
	}
	if (as_vector(yt, "y_true", &in->t, err) ||
	    as_vector(yp, "y_pred", &in->p, err) ||
	    check_labels(yt, "y_true", err) || check_labels(yp, "y_pred", err))
		return -1;
	if (in->t.size != in->p.size)
		return verr_set(err, E_SHAPE_MISMATCH, yp->path,
				"y_pred has %lld labels and y_true %lld; "
				"they must agree (one per sample)",
				(long long)in->p.size, (long long)in->t.size);
	if (w->present && w->t.size != in->t.size)
		return verr_set(err, E_SHAPE_MISMATCH, w->path,
				"sample_weight has %lld elements; it must "
				"hold one weight per sample (%lld)",
				(long long)w->t.size, (long long)in->t.size);
	return joint_of(c, in, err);
}

/* ------------------------------------------------------------ label set */

static void span(const evald_tensor *t, double *lo, double *hi)
{
	for (int64_t i = 0; i < t->size; i++) {
		*lo = fmin(*lo, t->data[i]);
		*hi = fmax(*hi, t->data[i]);
	}
}

/* A k x k confusion matrix costs 8k² bytes, as a d x d covariance costs
 * 8d²: the same flag bounds both. */
static int too_many(mcall *c, int64_t n, const char *path, verr *err)
{
	if (c->max_dim <= 0 || n <= c->max_dim)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"the labels hold %lld distinct values; a confusion "
			"matrix takes at most %lld classes on this server "
			"(--max-dim)",
			(long long)n, (long long)c->max_dim);
}

/* The labels present in a presence table seen[w] of the values lo,
 * lo + 1, ..., in ascending order. */
static int seen_labels(mcall *c, const unsigned char *seen, int64_t w,
		       double lo, double **out, int64_t *n, verr *err)
{
	int64_t m = 0;

	for (int64_t v = 0; v < w; v++)
		m += seen[v];
	if (too_many(c, m, "", err) < 0)
		return -1;
	if (!(*out = pool_alloc(c->pool, (size_t)m * sizeof(double) + 8)))
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	m = 0;
	for (int64_t v = 0; v < w; v++)
		if (seen[v])
			(*out)[m++] = lo + (double)v;
	*n = m;
	return 0;
}

/* Narrow integer labels (the usual case): a presence table, O(N). */
static int union_dense(mcall *c, const evald_tensor *t, const evald_tensor *p,
		       double lo, double hi, double **out, int64_t *n,
		       verr *err)
{
	int64_t w = (int64_t)(hi - lo) + 1;
	unsigned char *seen = pool_calloc(c->pool, (size_t)w, 1);
	if (!seen)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < t->size; i++)
		seen[(int64_t)(t->data[i] - lo)] = 1;
	for (int64_t i = 0; i < p->size; i++)
		seen[(int64_t)(p->data[i] - lo)] = 1;
	return seen_labels(c, seen, w, lo, out, n, err);
}

static int union_sorted(mcall *c, const evald_tensor *t, const evald_tensor *p,
			double **out, int64_t *n, verr *err)
{
	int64_t all = t->size + p->size, m = 0;
	double *v = pool_alloc(c->pool, (size_t)all * sizeof(double) + 8);
	if (!v)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	memcpy(v, t->data, (size_t)t->size * sizeof(double));
	memcpy(v + t->size, p->data, (size_t)p->size * sizeof(double));
	qsort(v, (size_t)all, sizeof *v, cmp_double);
	for (int64_t i = 0; i < all; i++)
		if (!m || v[i] != v[m - 1])
			v[m++] = v[i] == 0.0 ? 0.0 : v[i]; /* no -0 */
	if (too_many(c, m, "", err) < 0)
		return -1;
	*out = v;
	*n = m;
	return 0;
}

/* union_dense over labels kept as integers (in->ints). */
static int union_ints(mcall *c, const cls_in *in, double **out, int64_t *n,
		      verr *err)
{
	int64_t lo = in->lo, w = in->hi - in->lo + 1;
	unsigned char *seen = pool_calloc(c->pool, (size_t)w, 1);
	if (!seen)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (in->joint) {
		for (int64_t a = 0; a < w; a++)
			for (int64_t b = 0; b < w; b++)
				if (in->joint[a * w + b])
					seen[a] = seen[b] = 1;
	} else {
		EACH_LABEL(&in->it, v, { seen[v - lo] = 1; });
		EACH_LABEL(&in->ip, v, { seen[v - lo] = 1; });
	}
	return seen_labels(c, seen, w, (double)lo, out, n, err);
}

int cls_union(mcall *c, const cls_in *in, const double *extra, double **out,
	      int64_t *n, verr *err)
{
	const evald_tensor *t = &in->t, *p = &in->p;
	double lo = INFINITY, hi = -INFINITY;
	int rc;

	if (in->ints) {
		rc = union_ints(c, in, out, n, err);
	} else {
		span(t, &lo, &hi);
		span(p, &lo, &hi);
		if (hi - lo < DENSE_SPAN)
			rc = union_dense(c, t, p, lo, hi, out, n, err);
		else
			rc = union_sorted(c, t, p, out, n, err);
	}
	if (rc || !extra || cls_sorted_has(*out, *n, *extra))
		return rc;
	/* Room for it was allocated (+8 bytes); insert in order. */
	int64_t at = 0;
	while (at < *n && (*out)[at] < *extra)
		at++;
	memmove(*out + at + 1, *out + at, (size_t)(*n - at) * sizeof(double));
	(*out)[at] = *extra;
	(*n)++;
	return 0;
}

/* order = the given labels, then the present ones they do not name. */
static int with_given(mcall *c, const evald_tensor *g, const char *gpath,
		      const double *present, int64_t np, cls_set *s, verr *err)
{
	int64_t ng = g->size, k = ng;
	double *sorted = pool_alloc(c->pool, (size_t)ng * sizeof(double) + 8);
	double *order =
		pool_alloc(c->pool, (size_t)(ng + np) * sizeof(double) + 8);

	if (!sorted || !order)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (ng == 0)
		return verr_set(err, E_EMPTY_INPUT, gpath,
				"labels is empty; it must name at least one "
				"label (or be null for all)");
	memcpy(sorted, g->data, (size_t)ng * sizeof(double));
	qsort(sorted, (size_t)ng, sizeof *sorted, cmp_double);
	for (int64_t i = 1; i < ng; i++)
		if (sorted[i] == sorted[i - 1])
			return verr_set(err, E_INVALID_VALUE, gpath,
					"labels names %.17g twice; each label "
					"may appear once",
					sorted[i]);
	memcpy(order, g->data, (size_t)ng * sizeof(double));
	for (int64_t i = 0; i < np; i++)
		if (!cls_sorted_has(sorted, ng, present[i]))
			order[k++] = present[i];
	if (too_many(c, k, gpath, err) < 0)
		return -1;
	s->order = order;
	s->k = k;
	s->n = ng;
	return 0;
}

typedef struct pair {
	double v;
	double idx;
} pair;

static int cmp_pair(const void *a, const void *b)
{
	return cmp_double(&((const pair *)a)->v, &((const pair *)b)->v);
}

/* Labels to indices through a table over the label range, or a binary
 * search when the range is wide. */
static int map_into(mcall *c, const cls_set *s, const evald_tensor *src,
		    evald_tensor *dst, verr *err)
{
	double lo = INFINITY, hi = -INFINITY, *out;
	int64_t k = s->k;

	out = pool_alloc(c->pool, (size_t)src->size * sizeof(double) + 8);
	if (!out)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < k; i++) {
		lo = fmin(lo, s->order[i]);
		hi = fmax(hi, s->order[i]);
	}
	int dense = hi - lo < DENSE_SPAN;
	for (int64_t i = 0; dense && i < k; i++)
		dense = s->order[i] == floor(s->order[i]);
	if (dense) {
		int64_t w = (int64_t)(hi - lo) + 1;
		int32_t *tab = pool_alloc(c->pool, (size_t)w * sizeof *tab);
		if (!tab)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		for (int64_t i = 0; i < k; i++)
			tab[(int64_t)(s->order[i] - lo)] = (int32_t)i;
		for (int64_t i = 0; i < src->size; i++)
			out[i] = tab[(int64_t)(src->data[i] - lo)];
	} else {
		pair *pr = pool_alloc(c->pool, (size_t)k * sizeof *pr);
		if (!pr)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		for (int64_t i = 0; i < k; i++)
			pr[i] = (pair){s->order[i], (double)i};
		qsort(pr, (size_t)k, sizeof *pr, cmp_pair);
		for (int64_t i = 0; i < src->size; i++) {
			pair key = {src->data[i], 0}, *hit;
			hit = bsearch(&key, pr, (size_t)k, sizeof *pr,
				      cmp_pair);
			out[i] = hit->idx;
		}
	}
	return evald_tensor_init(dst, out, EVALD_F64, 1, &src->size) ? -1 : 0;
}

/* The class index of each value of the labels' span (every value is a
 * class: the set holds the union). */
static int32_t *class_table(mcall *c, const cls_in *in, const cls_set *s)
{
	int64_t lo = in->lo, w = in->hi - in->lo + 1;
	int32_t *tab = pool_alloc(c->pool, (size_t)w * sizeof *tab);
	if (!tab)
		return NULL;
	for (int64_t i = 0; i < s->k; i++) {
		double v = s->order[i];
		/* A given label outside the data's range (or not whole)
		 * indexes nothing here. */
		if (v >= (double)lo && v <= (double)in->hi && v == floor(v))
			tab[(int64_t)v - lo] = (int32_t)i;
	}
	return tab;
}

/* Integer labels to int32 class indices through the table. */
static int map_ints(mcall *c, const cls_in *in, const int32_t *tab,
		    const evald_labels *src, evald_labels *dst, verr *err)
{
	int64_t lo = in->lo;
	int32_t *out = pool_alloc(c->pool, (size_t)src->size * sizeof *out + 8);
	if (!out)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	EACH_LABEL(src, v, { out[i_] = tab[v - lo]; });
	*dst = (evald_labels){
		.data = out, .dtype = EVALD_I32, .size = src->size};
	return 0;
}

static int is_identity(const cls_set *s)
{
	for (int64_t i = 0; i < s->k; i++)
		if (s->order[i] != (double)i)
			return 0;
	return 1;
}

int cls_build(mcall *c, const cls_in *in, const evald_tensor *given,
	      const char *gpath, const double *extra, cls_set *s, verr *err)
{
	double *present;
	int64_t np;

	memset(s, 0, sizeof *s);
	if (cls_union(c, in, extra, &present, &np, err))
		return -1;
	if (given) {
		if (with_given(c, given, gpath, present, np, s, err))
			return -1;
	} else {
		s->order = present;
		s->k = s->n = np;
	}
	if (in->ints) {
		s->ints = 1;
		if (is_identity(s) && !in->joint) {
			s->li = in->it;
			s->lp = in->ip;
			return 0;
		}
		if (!(s->tab = class_table(c, in, s)))
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		if (in->joint)
			return 0;
		return map_ints(c, in, s->tab, &in->it, &s->li, err) ||
				       map_ints(c, in, s->tab, &in->ip, &s->lp,
						err)
			       ? -1
			       : 0;
	}
	if (is_identity(s)) {
		/* Labels 0..k-1 in order (the common case) are their own
		 * indices: no copy. */
		s->ti = in->t;
		s->tp = in->p;
		return 0;
	}
	if (map_into(c, s, &in->t, &s->ti, err) ||
	    map_into(c, s, &in->p, &s->tp, err))
		return -1;
	return 0;
}

int cls_counts(mcall *c, const cls_in *in, const cls_set *s, double **counts,
	       verr *err)
{
	evald_err le = {0};
	const char *const paths[] = {in->yt->path, in->yp->path, in->w->path};

	*counts = pool_calloc(c->pool, (size_t)(s->k * s->k), sizeof(double));
	if (!*counts)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (s->ints && in->joint) {
		/* Folded from the pairs' counts: whole numbers below 2^53
		 * add exactly, so the matrix is the per-sample one. */
		int64_t w = in->hi - in->lo + 1;
		for (int64_t a = 0; a < w; a++)
			for (int64_t b = 0; b < w; b++)
				/* Only present values have a class. */
				if (in->joint[a * w + b])
					(*counts)[s->tab[a] * s->k +
						  s->tab[b]] +=
						(double)in->joint[a * w + b];
		return 0;
	}
	if (s->ints ? evald_cm_add_labels(*counts, s->k, &s->li, &s->lp,
					  mcall_opt(in->w), &le) < 0
		    : evald_cm_add(*counts, s->k, &s->ti, &s->tp,
				   mcall_opt(in->w), &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return 0;
}
