/* loss_util.h - helpers shared by the loss sources (loss_reg.c,
 * loss_class.c, loss_seg.c): argument checks with messages that name the
 * offending element, broadcasting of weight-like tensors, a streaming
 * pairwise sum and the final reduction.  Private; not installed. */
#ifndef EVALD_LOSS_UTIL_H
#define EVALD_LOSS_UTIL_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <evald/error.h>
#include <evald/reduce.h>
#include <evald/tensor.h>

#include "internal.h"

/* "[1, 2]": the multi-index of flat element i of a tensor shaped `shape`. */
static inline char *lu_index_str(int ndim, const int64_t *shape, int64_t i,
				 char *buf, size_t len)
{
	int64_t idx[EVALD_MAX_DIMS];
	size_t off = 0;

	for (int d = ndim - 1; d >= 0; d--) {
		int64_t s = shape[d] ? shape[d] : 1;
		idx[d] = i % s;
		i /= s;
	}
	buf[0] = '\0';
	if (ndim == 0)
		return buf; /* a scalar: "target is 1.5" */
	off += (size_t)snprintf(buf, len, "[");
	for (int d = 0; d < ndim && off < len; d++)
		off += (size_t)snprintf(buf + off, len - off,
					d ? ", %lld" : "%lld",
					(long long)idx[d]);
	if (off < len)
		snprintf(buf + off, len - off, "]");
	return buf;
}

/* EVALD_EEMPTY when t has no element. */
static inline int lu_nonempty(const evald_tensor *t, int input,
			      const char *name, evald_err *err)
{
	char s[96];

	if (t->size > 0)
		return 0;
	return evald_fail(err, EVALD_EEMPTY, input,
			  "%s is empty (shape %s); a loss needs at least one "
			  "element",
			  name, evald_shape_str(t, s, sizeof s));
}

/* input and target must have identical shapes (target is argument 1). */
static inline int lu_same_shape(const evald_tensor *input,
				const evald_tensor *target, evald_err *err)
{
	char a[96], b[96];

	if (evald_tensor_same_shape(input, target))
		return lu_nonempty(input, 0, "input", err);
	return evald_fail(err, EVALD_ESHAPE, 1,
			  "target has shape %s but input has shape %s; they "
			  "must be equal",
			  evald_shape_str(target, b, sizeof b),
			  evald_shape_str(input, a, sizeof a));
}

/* Every element of t in [0,1], else EVALD_ERANGE naming the first. */
static inline int lu_unit_range(const evald_tensor *t, int input,
				const char *name, evald_err *err)
{
	char s[96];

	for (int64_t i = 0; i < t->size; i++) {
		double v = t->data[i];
		if (v >= 0.0 && v <= 1.0)
			continue;
		return evald_fail(
			err, EVALD_ERANGE, input,
			"%s%s is %.17g; it must be a probability in "
			"[0, 1]",
			name, lu_index_str(t->ndim, t->shape, i, s, sizeof s),
			v);
	}
	return 0;
}

/* Broadcasting a tensor w to a shape (numpy rules, w never larger): the
 * iterator walks the shape in C order and `off` follows the matching
 * element of w (stride 0 along broadcast dims). */
typedef struct lu_bcast {
	int ndim;
	int64_t shape[EVALD_MAX_DIMS];
	int64_t wstr[EVALD_MAX_DIMS];
	int64_t idx[EVALD_MAX_DIMS];
	int64_t off;
} lu_bcast;

static inline int lu_bcast_init(lu_bcast *it, const evald_tensor *w, int ndim,
				const int64_t *shape, int input,
				const char *name, evald_err *err)
{
	char a[96], b[96];
	evald_tensor view;

	memset(it, 0, sizeof *it);
	it->ndim = ndim;
	for (int d = 0; d < ndim; d++)
		it->shape[d] = shape[d];
	if (w->ndim > ndim)
		goto bad;
	for (int d = 0; d < w->ndim; d++) {
		int64_t wd = w->shape[w->ndim - 1 - d];
		int od = ndim - 1 - d;
		if (wd != shape[od] && wd != 1)
			goto bad;
		it->wstr[od] = wd == 1 ? 0 : w->strides[w->ndim - 1 - d];
	}
	return 0;
bad:
	evald_tensor_init(&view, NULL, EVALD_F64, ndim, shape);
	return evald_fail(err, EVALD_ESHAPE, input,
			  "%s has shape %s, which does not broadcast to the "
			  "input's shape %s",
			  name, evald_shape_str(w, a, sizeof a),
			  evald_shape_str(&view, b, sizeof b));
}

static inline void lu_bcast_next(lu_bcast *it)
{
	for (int d = it->ndim - 1; d >= 0; d--) {
		it->off += it->wstr[d];
		if (++it->idx[d] < it->shape[d])
			return;
		it->off -= it->wstr[d] * it->shape[d];
		it->idx[d] = 0;
	}
}

/* The current element of the broadcast tensor w, stepping to the next;
 * dflt when there is no w. */
static inline double lu_bcast_get(lu_bcast *it, const evald_tensor *w,
				  double dflt)
{
	if (!w)
		return dflt;
	double v = w->data[it->off];
	lu_bcast_next(it);
	return v;
}

/* A streaming pairwise sum: leaves of 128 terms, merged like a binary
 * counter, so the error grows as O(log n) without storing the terms. */
typedef struct lu_acc {
	double leaf;
	int n, top;
	double stack[64];
	int level[64];
} lu_acc;

static inline void lu_acc_add(lu_acc *a, double x)
{
	double s;
	int lv = 0;

	a->leaf += x;
	if (++a->n < 128)
		return;
	s = a->leaf;
	a->leaf = 0.0;
	a->n = 0;
	while (a->top > 0 && a->level[a->top - 1] == lv) {
		s += a->stack[--a->top];
		lv++;
	}
	a->stack[a->top] = s;
	a->level[a->top++] = lv;
}

static inline double lu_acc_sum(const lu_acc *a)
{
	double s = a->leaf;

	for (int i = a->top - 1; i >= 0; i--)
		s += a->stack[i];
	return s;
}

/* Where element-wise loss values go: kept, for reduction "none", or
 * summed as they come (no buffer the size of the inputs) for a mean or a
 * sum.  lu_out_init, lu_out_put per element, lu_out_finish. */
typedef struct lu_out {
	evald_reduction red;
	int64_t n;
	double *buf; /* "none" only */
	lu_acc acc;
} lu_out;

static inline int lu_out_init(lu_out *o, int64_t n, evald_reduction red,
			      evald_err *err)
{
	memset(o, 0, sizeof *o);
	o->red = red;
	o->n = n;
	if (red != EVALD_REDUCE_NONE)
		return EVALD_OK;
	o->buf = evi_xalloc(n, sizeof *o->buf);
	return o->buf ? EVALD_OK
		      : evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
}

static inline void lu_out_put(lu_out *o, int64_t i, double v)
{
	if (o->buf)
		o->buf[i] = v;
	else
		lu_acc_add(&o->acc, v);
}

/* The result, shaped `shape` for "none" (the buffer passes to out). */
static inline int lu_out_finish(lu_out *o, evald_result *out, int ndim,
				const int64_t *shape)
{
	if (o->buf)
		return evald_result_reduce(out, o->buf, o->n, o->red, ndim,
					   shape);
	double s = lu_acc_sum(&o->acc);
	memset(out, 0, sizeof *out);
	out->value = o->red == EVALD_REDUCE_SUM ? s : s / (double)o->n;
	return EVALD_OK;
}

/* Reduce n values in buf (ownership passes here).  With `by_denom`, a
 * mean divides by `denom` instead of n: cross_entropy's and nll's
 * weighted mean, the sum of the selected targets' weights, which may be
 * negative or zero (as in torch, whose answer is then negative, or
 * inf/NaN).  Its sign must never decide whether it is used. */
static inline int lu_finish(evald_result *out, double *buf, int64_t n,
			    evald_reduction red, int ndim, const int64_t *shape,
			    int by_denom, double denom)
{
	if (red == EVALD_REDUCE_MEAN && by_denom) {
		double s = evald_sum(buf, n);
		free(buf);
		memset(out, 0, sizeof *out);
		out->value = s / denom;
		return EVALD_OK;
	}
	return evald_result_reduce(out, buf, n, red, ndim, shape);
}

/* A class index: integer-valued, and in [0,C) unless it equals
 * ignore_index (when has_ignore).  Sets *cls to the index, or to -1 for an
 * ignored target; returns 0 or the error code with err filled. */
static inline int lu_class_index(const evald_tensor *t, int64_t i, int64_t C,
				 int has_ignore, int64_t ignore_index,
				 int input, int64_t *cls, evald_err *err)
{
	double v = t->data[i];
	char s[96];

	*cls = -1;
	if (v != floor(v))
		return evald_fail(
			err, EVALD_EINVAL, input,
			"target%s is %.17g; class indices must be "
			"integers",
			lu_index_str(t->ndim, t->shape, i, s, sizeof s), v);
	if (has_ignore && v == (double)ignore_index)
		return 0;
	if (v < 0.0 || v >= (double)C)
		return evald_fail(
			err, EVALD_ERANGE, input,
			"target%s is %.17g, not a class index in "
			"[0, %lld)%s",
			lu_index_str(t->ndim, t->shape, i, s, sizeof s), v,
			(long long)C,
			has_ignore ? " nor the ignore_index" : "");
	*cls = (int64_t)v;
	return 0;
}

#endif
