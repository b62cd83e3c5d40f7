/* loss_embed.c - the losses of torch.nn.functional 1.13 that compare
 * vectors along their last dim (declared in loss_margin.h):
 * cosine_embedding and triplet_margin.  Rows broadcast along the leading
 * dims, and each pair of rows along the last dim, as torch's tensor
 * arithmetic does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/loss_margin.h>

#include "loss_bcast.h"

/* The leading shape two row-tensors broadcast to, and their pair's last
 * dim (both arguments' names for the message). */
static int pair_shape(const evald_tensor *x1, const evald_tensor *x2, int i2,
		      const char *n1, const char *n2, lb_shape *lead,
		      int64_t *d, evald_err *err)
{
	lb_shape l1, l2;
	char a[96], b[96];
	int rc;

	lb_rows_lead(x1, &l1);
	lb_rows_lead(x2, &l2);
	*lead = l1;
	if ((rc = lb_merge(lead, l2.ndim, l2.shape, i2, n2, err)))
		return rc;
	*d = lb_pair_dim(x1->ndim ? x1->shape[x1->ndim - 1] : 1,
			 x2->ndim ? x2->shape[x2->ndim - 1] : 1);
	if (*d >= 0)
		return 0;
	return evald_fail(err, EVALD_ESHAPE, i2,
			  "%s has shape %s and %s %s; their last dims must be "
			  "equal or 1",
			  n2, evald_shape_str(x2, b, sizeof b), n1,
			  evald_shape_str(x1, a, sizeof a));
}

/* ------------------------------------------------ cosine_embedding */

/* torch's EPSILON in cosine_embedding_loss, added to each squared norm: a
 * float constant there, so 1e-12 rounded to single precision (it shows on
 * vectors of norm ~1e-6). */
#define COS_EPS ((double)1e-12f)

static int cos_check(const evald_tensor *x1, const evald_tensor *x2,
		     const evald_tensor *target, evald_err *err)
{
	char a[96], b[96];
	int want = target->ndim + 1;

	if (target->ndim > 1)
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "target has %d dims; it must be [N] (one "
				  "label per pair) or a single number",
				  target->ndim);
	if (x1->ndim != want || x2->ndim != want)
		return evald_fail(err, EVALD_ESHAPE, x1->ndim != want ? 0 : 1,
				  "input1 %s and input2 %s must both be %s "
				  "for a target with %d dim(s)",
				  evald_shape_str(x1, a, sizeof a),
				  evald_shape_str(x2, b, sizeof b),
				  want == 2 ? "[N, D]" : "[D]", target->ndim);
	if (x1->size == 0)
		return lu_nonempty(x1, 0, "input1", err);
	if (x2->size == 0)
		return lu_nonempty(x2, 1, "input2", err);
	return lu_nonempty(target, 2, "target", err);
}

/* cos of each row pair over the leading shape `lead` into c[]. */
static int cos_rows(const evald_tensor *x1, const evald_tensor *x2,
		    const lb_shape *lead, int64_t D, double *c, int64_t rows,
		    evald_err *err)
{
	lb_rows r1, r2;
	int rc;

	if ((rc = lb_rows_init(&r1, x1, lead, 0, "input1", err)) ||
	    (rc = lb_rows_init(&r2, x2, lead, 1, "input2", err)))
		return rc;
	for (int64_t r = 0; r < rows; r++) {
		const double *a = lb_rows_next(&r1), *b = lb_rows_next(&r2);
		double prod = 0.0, m1 = 0.0, m2 = 0.0;
		for (int64_t k = 0; k < D; k++)
			prod += a[r1.d == 1 ? 0 : k] * b[r2.d == 1 ? 0 : k];
		/* Each norm over its own last dim, before broadcasting. */
		for (int64_t k = 0; k < r1.d; k++)
			m1 += a[k] * a[k];
		for (int64_t k = 0; k < r2.d; k++)
			m2 += b[k] * b[k];
		c[r] = prod / sqrt((m1 + COS_EPS) * (m2 + COS_EPS));
	}
	return 0;
}

static double cos_elem(const double *v, const double *prm)
{
	double c = v[0], t = v[1], l = 0.0;

	if (t == 1.0)
		l += 1.0 - c;
	if (t == -1.0)
		l += lb_clamp0(c - prm[0]);
	return l;
}

int evald_cosine_embedding(const evald_tensor *input1,
			   const evald_tensor *input2,
			   const evald_tensor *target, double margin,
			   evald_reduction red, evald_result *out,
			   evald_err *err)
{
	static const char *const names[] = {"cos", "target"};
	const evald_tensor *t[2];
	evald_tensor cview;
	lb_shape lead;
	double *c = NULL;
	int64_t D, rows = 1;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = cos_check(input1, input2, target, err)) ||
	    (rc = pair_shape(input1, input2, 1, "input1", "input2", &lead, &D,
			     err)))
		return rc;
	if (!isfinite(margin))
		return evald_fail(err, EVALD_EINVAL, 3,
				  "margin must be a finite number");
	for (int d = 0; d < lead.ndim; d++)
		rows *= lead.shape[d];
	c = evi_xalloc(rows, sizeof *c);
	if (!c)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	if ((rc = cos_rows(input1, input2, &lead, D, c, rows, err)))
		goto done;
	evald_tensor_init(&cview, c, EVALD_F64, lead.ndim, lead.shape);
	t[0] = &cview;
	t[1] = target;
	rc = lb_elementwise(2, t, names, 0, cos_elem, &margin, red, out, err);
	/* The target is the only tensor an error here can be about. */
	if (rc && err)
		err->input = 2;
done:
	free(c);
	return rc;
}

/* ------------------------------------------------ triplet_margin */

typedef struct trip_pair {
	lb_rows r1, r2;
	int64_t d; /* the pair's last dim */
} trip_pair;

/* ‖x1 - x2 + eps‖_p over the next row pair, torch.pairwise_distance. */
static double trip_dist(trip_pair *tp, double p, double eps)
{
	const double *a = lb_rows_next(&tp->r1), *b = lb_rows_next(&tp->r2);
	double s = 0.0;

	for (int64_t k = 0; k < tp->d; k++) {
		double z = a[tp->r1.d == 1 ? 0 : k] - b[tp->r2.d == 1 ? 0 : k] +
			   eps;
		if (p == 2.0)
			s += z * z;
		else if (p == 1.0)
			s += fabs(z);
		else if (p == 0.0)
			s += z != 0.0;
		else
			s += pow(fabs(z), p);
	}
	if (p == 2.0)
		return sqrt(s);
	return p == 1.0 || p == 0.0 ? s : pow(s, 1.0 / p);
}

static int trip_pair_init(trip_pair *tp, const evald_tensor *const *t,
			  const char *const *names, int i, int j,
			  const lb_shape *lead, evald_err *err)
{
	lb_shape own;
	int rc;

	if ((rc = pair_shape(t[i], t[j], j, names[i], names[j], &own, &tp->d,
			     err)) ||
	    (rc = lb_rows_init(&tp->r1, t[i], lead, i, names[i], err)) ||
	    (rc = lb_rows_init(&tp->r2, t[j], lead, j, names[j], err)))
		return rc;
	return 0;
}

static int trip_check(const evald_tensor *const *t, const char *const *names,
		      double margin, double p, double eps, lb_shape *lead,
		      evald_err *err)
{
	char a[96], b[96], c[96];
	lb_shape l;
	int rc;

	if (t[0]->ndim != t[1]->ndim || t[1]->ndim != t[2]->ndim)
		return evald_fail(err, EVALD_ESHAPE,
				  t[0]->ndim != t[1]->ndim ? 1 : 2,
				  "anchor %s, positive %s and negative %s must "
				  "have the same number of dims",
				  evald_shape_str(t[0], a, sizeof a),
				  evald_shape_str(t[1], b, sizeof b),
				  evald_shape_str(t[2], c, sizeof c));
	memset(lead, 0, sizeof *lead);
	for (int i = 0; i < 3; i++) {
		lb_rows_lead(t[i], &l);
		if ((rc = lu_nonempty(t[i], i, names[i], err)) ||
		    (rc = lb_merge(lead, l.ndim, l.shape, i, names[i], err)))
			return rc;
	}
	if (!isfinite(margin) || !isfinite(p) || !isfinite(eps))
		return evald_fail(err, EVALD_EINVAL,
				  !isfinite(margin) ? 3
				  : !isfinite(p)    ? 4
						    : 5,
				  "margin, p and eps must be finite numbers");
	return 0;
}

int evald_triplet_margin(const evald_tensor *anchor,
			 const evald_tensor *positive,
			 const evald_tensor *negative, double margin, double p,
			 double eps, int swap, evald_reduction red,
			 evald_result *out, evald_err *err)
{
	static const char *const names[] = {"anchor", "positive", "negative"};
	const evald_tensor *t[] = {anchor, positive, negative};
	trip_pair ap, an, pn;
	lb_shape lead;
	int64_t rows = 1;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = trip_check(t, names, margin, p, eps, &lead, err)) ||
	    (rc = trip_pair_init(&ap, t, names, 0, 1, &lead, err)) ||
	    (rc = trip_pair_init(&an, t, names, 0, 2, &lead, err)) ||
	    (swap && (rc = trip_pair_init(&pn, t, names, 1, 2, &lead, err))))
		return rc;
	for (int d = 0; d < lead.ndim; d++)
		rows *= lead.shape[d];
	if ((rc = lu_out_init(&o, rows, red, err)))
		return rc;
	for (int64_t r = 0; r < rows; r++) {
		double dp = trip_dist(&ap, p, eps), dn = trip_dist(&an, p, eps);
		if (swap) {
			double ds = trip_dist(&pn, p, eps);
			/* torch.min keeps a NaN. */
			dn = isnan(dn) || isnan(ds) ? NAN : fmin(dn, ds);
		}
		lu_out_put(&o, r, lb_clamp0(margin + dp - dn));
	}
	return lu_out_finish(&o, out, lead.ndim, lead.shape);
}
