/* loss_bcast.h - broadcasting for the losses whose tensors all broadcast
 * with one another as torch's do (loss_prob.c, loss_margin.c,
 * loss_embed.c): the common shape of several tensors, an element-wise loss
 * over it, and rows (a tensor's last dim) walked along a broadcast shape of
 * the leading dims.  Private; not installed. */
#ifndef EVALD_LOSS_BCAST_H
#define EVALD_LOSS_BCAST_H

#include "loss_util.h"

/* A shape of its own, for the broadcast results. */
typedef struct lb_shape {
	int ndim;
	int64_t shape[EVALD_MAX_DIMS];
} lb_shape;

static inline char *lb_shape_str(const lb_shape *s, char *buf, size_t len)
{
	evald_tensor view;

	evald_tensor_init(&view, NULL, EVALD_F64, s->ndim, s->shape);
	return evald_shape_str(&view, buf, len);
}

/* Broadcast *acc with the shape (ndim, shape) of the tensor `name`
 * (argument `input`): numpy's rules, every dim equal or 1. */
static inline int lb_merge(lb_shape *acc, int ndim, const int64_t *shape,
			   int input, const char *name, evald_err *err)
{
	char a[96], b[96];
	lb_shape r = {0};
	lb_shape self = {.ndim = ndim};

	r.ndim = ndim > acc->ndim ? ndim : acc->ndim;
	if (r.ndim > EVALD_MAX_DIMS)
		goto bad;
	for (int d = 0; d < ndim; d++)
		self.shape[d] = shape[d];
	for (int d = 0; d < r.ndim; d++) {
		int da = acc->ndim - r.ndim + d, ds = ndim - r.ndim + d;
		int64_t x = da >= 0 ? acc->shape[da] : 1;
		int64_t y = ds >= 0 ? shape[ds] : 1;
		if (x != y && x != 1 && y != 1)
			goto bad;
		r.shape[d] = x == 1 ? y : x;
	}
	*acc = r;
	return 0;
bad:
	return evald_fail(err, EVALD_ESHAPE, input,
			  "%s has shape %s, which does not broadcast with the "
			  "shape %s of the inputs before it",
			  name, lb_shape_str(&self, a, sizeof a),
			  lb_shape_str(acc, b, sizeof b));
}

/* The common shape of n tensors t[i] (argument i, named names[i]); each
 * must have an element. */
static inline int lb_common(int n, const evald_tensor *const *t,
			    const char *const *names, lb_shape *out,
			    evald_err *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	for (int i = 0; i < n; i++)
		if ((rc = lu_nonempty(t[i], i, names[i], err)) ||
		    (rc = lb_merge(out, t[i]->ndim, t[i]->shape, i, names[i],
				   err)))
			return rc;
	return 0;
}

/* The loss of one element from its n operands v[] and the scalar
 * parameters prm[]. */
typedef double (*lb_fn)(const double *v, const double *prm);

/* An element-wise loss of n <= 4 tensors over their common shape (or, with
 * `fixed`, over t[0]'s shape, to which the others must broadcast: torch
 * writes some losses into a tensor shaped like the input). */
static inline int lb_elementwise(int n, const evald_tensor *const *t,
				 const char *const *names, int fixed, lb_fn f,
				 const double *prm, evald_reduction red,
				 evald_result *out, evald_err *err)
{
	lu_bcast it[4];
	lb_shape s = {.ndim = t[0]->ndim};
	double v[4];
	lu_out o;
	int64_t size = 1;
	int rc;

	memset(out, 0, sizeof *out);
	for (int d = 0; d < s.ndim; d++)
		s.shape[d] = t[0]->shape[d];
	if (fixed) {
		for (int i = 0; i < n; i++)
			if ((rc = lu_nonempty(t[i], i, names[i], err)))
				return rc;
	} else if ((rc = lb_common(n, t, names, &s, err))) {
		return rc;
	}
	for (int i = 0; i < n; i++)
		if ((rc = lu_bcast_init(&it[i], t[i], s.ndim, s.shape, i,
					names[i], err)))
			return rc;
	for (int d = 0; d < s.ndim; d++)
		size *= s.shape[d];
	if ((rc = lu_out_init(&o, size, red, err)))
		return rc;
	for (int64_t j = 0; j < size; j++) {
		for (int i = 0; i < n; i++)
			v[i] = lu_bcast_get(&it[i], t[i], 0.0);
		lu_out_put(&o, j, f(v, prm));
	}
	return lu_out_finish(&o, out, s.ndim, s.shape);
}

/* max(z, 0) that keeps a NaN, as torch's clamp_min does (fmax would drop
 * it). */
static inline double lb_clamp0(double z)
{
	return z < 0.0 ? 0.0 : z;
}

/* The rows of a tensor along its last dim (a 0-d tensor is one row of one
 * element), walked along a broadcast shape of the leading dims. */
typedef struct lb_rows {
	evald_tensor lead; /* the leading dims, over the same data */
	int64_t d;	   /* length of the last dim */
	lu_bcast it;
} lb_rows;

static inline void lb_rows_lead(const evald_tensor *t, lb_shape *lead)
{
	memset(lead, 0, sizeof *lead);
	lead->ndim = t->ndim ? t->ndim - 1 : 0;
	for (int d = 0; d < lead->ndim; d++)
		lead->shape[d] = t->shape[d];
}

static inline int lb_rows_init(lb_rows *r, const evald_tensor *t,
			       const lb_shape *lead, int input,
			       const char *name, evald_err *err)
{
	lb_shape own;

	lb_rows_lead(t, &own);
	r->d = t->ndim ? t->shape[t->ndim - 1] : 1;
	evald_tensor_init(&r->lead, t->data, t->dtype, own.ndim, own.shape);
	return lu_bcast_init(&r->it, &r->lead, lead->ndim, lead->shape, input,
			     name, err);
}

/* The next row's first element. */
static inline const double *lb_rows_next(lb_rows *r)
{
	const double *p = r->lead.data + r->it.off * r->d;

	lu_bcast_next(&r->it);
	return p;
}

/* The length of the last dim two rows broadcast to, or -1. */
static inline int64_t lb_pair_dim(int64_t a, int64_t b)
{
	return a == b || b == 1 ? a : a == 1 ? b : -1;
}

#endif
