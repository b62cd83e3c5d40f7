/* loss_margin.c - the margin losses of torch.nn.functional 1.13 that
 * compare scores with labels (declared in loss_margin.h): margin_ranking,
 * hinge_embedding, soft_margin, multilabel_soft_margin, multi_margin and
 * multilabel_margin.  cosine_embedding and triplet_margin, which compare
 * vectors, are in loss_embed.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/loss_margin.h>

#include "loss_bcast.h"

static const char *const pair_names[] = {"input", "target"};

/* ------------------------------------------------ element-wise losses */

static double ranking_elem(const double *v, const double *prm)
{
	return lb_clamp0(-v[2] * (v[0] - v[1]) + prm[0]);
}

int evald_margin_ranking(const evald_tensor *input1, const evald_tensor *input2,
			 const evald_tensor *target, double margin,
			 evald_reduction red, evald_result *out, evald_err *err)
{
	static const char *const names[] = {"input1", "input2", "target"};
	const evald_tensor *t[] = {input1, input2, target};
	char a[96], b[96], c[96];

	memset(out, 0, sizeof *out);
	if (input1->ndim != input2->ndim || input1->ndim != target->ndim)
		return evald_fail(
			err, EVALD_ESHAPE, input1->ndim != input2->ndim ? 1 : 2,
			"input1 %s, input2 %s and target %s must have "
			"the same number of dims (they may differ "
			"in dims of size 1)",
			evald_shape_str(input1, a, sizeof a),
			evald_shape_str(input2, b, sizeof b),
			evald_shape_str(target, c, sizeof c));
	if (!isfinite(margin))
		return evald_fail(err, EVALD_EINVAL, 3,
				  "margin must be a finite number");
	return lb_elementwise(3, t, names, 0, ranking_elem, &margin, red, out,
			      err);
}

/* Both terms apply where target is neither 1 nor -1, as in torch's
 * where(target != 1, ...) + where(target != -1, ...). */
static double hinge_elem(const double *v, const double *prm)
{
	double x = v[0], t = v[1], l = 0.0;

	if (t != 1.0)
		l += lb_clamp0(prm[0] - x);
	if (t != -1.0)
		l += x;
	return l;
}

int evald_hinge_embedding(const evald_tensor *input, const evald_tensor *target,
			  double margin, evald_reduction red, evald_result *out,
			  evald_err *err)
{
	const evald_tensor *t[] = {input, target};

	memset(out, 0, sizeof *out);
	if (!isfinite(margin))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "margin must be a finite number");
	return lb_elementwise(2, t, pair_names, 0, hinge_elem, &margin, red,
			      out, err);
}

/* torch's neg().mul_(target).exp_().log1p_(): not the stable softplus,
 * so a margin beyond ~709 is inf there and here. */
static double soft_elem(const double *v, const double *prm)
{
	(void)prm;
	return log1p(exp(-v[0] * v[1]));
}

int evald_soft_margin(const evald_tensor *input, const evald_tensor *target,
		      evald_reduction red, evald_result *out, evald_err *err)
{
	const evald_tensor *t[] = {input, target};

	return lb_elementwise(2, t, pair_names, 1, soft_elem, NULL, red, out,
			      err);
}

/* ------------------------------------------------ multilabel_soft_margin */

/* log σ(x) = min(x, 0) - log1p(exp(-|x|)), torch's stable form. */
static double log_sigmoid(double x)
{
	return fmin(x, 0.0) - log1p(exp(-fabs(x)));
}

int evald_multilabel_soft_margin(const evald_tensor *input,
				 const evald_tensor *target,
				 const evald_tensor *weight,
				 evald_reduction red, evald_result *out,
				 evald_err *err)
{
	static const char *const names[] = {"input", "target", "weight"};
	const evald_tensor *t[] = {input, target, weight};
	lu_bcast it[3];
	lb_shape s;
	lu_out o;
	int64_t rows = 1, C, K;
	char a[96], b[96];
	int n = weight ? 3 : 2, rc;

	memset(out, 0, sizeof *out);
	if (input->ndim < 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "input is a single number; it must be [C] or "
				  "[N, C] (its last dim holds the classes)");
	if ((rc = lb_common(n, t, names, &s, err)))
		return rc;
	if (s.ndim != input->ndim)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "target and weight broadcast with input %s "
				  "to %s; they may not add dims, since the "
				  "class dim is input's last",
				  evald_shape_str(input, a, sizeof a),
				  lb_shape_str(&s, b, sizeof b));
	for (int i = 0; i < n; i++)
		if ((rc = lu_bcast_init(&it[i], t[i], s.ndim, s.shape, i,
					names[i], err)))
			return rc;
	/* torch sums over the broadcast class dim but divides by input's. */
	C = input->shape[input->ndim - 1];
	K = s.shape[s.ndim - 1];
	for (int d = 0; d < s.ndim - 1; d++)
		rows *= s.shape[d];
	if ((rc = lu_out_init(&o, rows, red, err)))
		return rc;
	for (int64_t r = 0; r < rows; r++) {
		double sum = 0.0;
		for (int64_t k = 0; k < K; k++) {
			double x = lu_bcast_get(&it[0], input, 0.0);
			double y = lu_bcast_get(&it[1], target, 0.0);
			double w = n == 3 ? lu_bcast_get(&it[2], weight, 1.0)
					  : 1.0;
			double l = -(y * log_sigmoid(x) +
				     (1.0 - y) * log_sigmoid(-x));
			sum += l * w;
		}
		lu_out_put(&o, r, sum / (double)C);
	}
	return lu_out_finish(&o, out, s.ndim - 1, s.shape);
}

/* ------------------------------------------------ multi_margin */

/* input [N,C], [C] or 0-d (one class): N rows of C, as multi_margin and
 * multilabel_margin take it. */
static int row_layout(const evald_tensor *input, int64_t *N, int64_t *C,
		      evald_err *err)
{
	char a[96];

	*N = 1;
	*C = 1;
	switch (input->ndim) {
	case 0: return 0;
	case 1: *C = input->shape[0]; break;
	case 2:
		*N = input->shape[0];
		*C = input->shape[1];
		break;
	default: goto bad;
	}
	if (input->size > 0)
		return 0;
bad:
	return evald_fail(err, EVALD_ESHAPE, 0,
			  "input has shape %s; it must be a non-empty [N, C] "
			  "or [C] (or a single number)",
			  evald_shape_str(input, a, sizeof a));
}

static int mm_check(const evald_tensor *input, const evald_tensor *target,
		    int p, double margin, const evald_tensor *weight, int64_t N,
		    int64_t C, evald_err *err)
{
	char a[96], b[96];

	if (target->ndim > 1 || target->size != N)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "target has shape %s; for input %s it must "
				  "hold %lld class index(es), as [%lld] or a "
				  "single number",
				  evald_shape_str(target, b, sizeof b),
				  evald_shape_str(input, a, sizeof a),
				  (long long)N, (long long)N);
	if (p != 1 && p != 2)
		return evald_fail(err, EVALD_EINVAL, 2,
				  "p must be 1 or 2; got %d", p);
	if (!isfinite(margin))
		return evald_fail(err, EVALD_EINVAL, 3,
				  "margin must be a finite number");
	if (weight && (weight->ndim != 1 || weight->shape[0] != C))
		return evald_fail(err, EVALD_ESHAPE, 4,
				  "weight has shape %s; it must be a vector "
				  "with one value per class (%lld)",
				  evald_shape_str(weight, a, sizeof a),
				  (long long)C);
	return 0;
}

int evald_multi_margin(const evald_tensor *input, const evald_tensor *target,
		       int p, double margin, const evald_tensor *weight,
		       evald_reduction red, evald_result *out, evald_err *err)
{
	int64_t N, C, y;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = row_layout(input, &N, &C, err)) ||
	    (rc = mm_check(input, target, p, margin, weight, N, C, err)))
		return rc;
	for (int64_t n = 0; n < N; n++)
		if ((rc = lu_class_index(target, n, C, 0, 0, 1, &y, err)))
			return rc;
	if ((rc = lu_out_init(&o, N, red, err)))
		return rc;
	for (int64_t n = 0; n < N; n++) {
		const double *x = input->data + n * C;
		double sum = 0.0;
		y = (int64_t)target->data[n];
		for (int64_t i = 0; i < C; i++) {
			double z = margin - x[y] + x[i], h;
			if (i == y || !(z > 0.0))
				continue;
			h = p == 1 ? z : z * z;
			sum += weight ? h * weight->data[y] : h;
		}
		lu_out_put(&o, n, sum / (double)C);
	}
	/* torch's values are [N] for a 1-D target, else a single number. */
	return lu_out_finish(&o, out, target->ndim, target->shape);
}

/* ------------------------------------------------ multilabel_margin */

static int mlm_check(const evald_tensor *input, const evald_tensor *target,
		     int64_t *N, int64_t *C, evald_err *err)
{
	char a[96], b[96];
	int ok, rc;

	if ((rc = row_layout(input, N, C, err)))
		return rc;
	ok = input->ndim == 2 ? evald_tensor_same_shape(input, target)
			      : target->ndim <= 1 && target->size == *C;
	if (!ok)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "target has shape %s; for input %s it must "
				  "have the input's shape (class indices "
				  "padded with -1)",
				  evald_shape_str(target, b, sizeof b),
				  evald_shape_str(input, a, sizeof a));
	for (int64_t i = 0; i < target->size; i++) {
		double v = target->data[i];
		if (v == floor(v) && v >= -1.0 && v < (double)*C)
			continue;
		return evald_fail(err, EVALD_ERANGE, 1,
				  "target%s is %.17g; every value must be a "
				  "class index in [0, %lld) or -1 (the end of "
				  "the row's targets)",
				  lu_index_str(target->ndim, target->shape, i,
					       b, sizeof b),
				  v, (long long)*C);
	}
	return 0;
}

/* One sample: x and y hold C values; is_t is C bytes of scratch. */
static double mlm_row(const double *x, const double *y, int64_t C,
		      unsigned char *is_t)
{
	double sum = 0.0;
	int64_t k;

	memset(is_t, 0, (size_t)C);
	for (k = 0; k < C && y[k] >= 0.0; k++)
		is_t[(int64_t)y[k]] = 1;
	/* A repeated target counts once per repetition, as in torch. */
	for (int64_t j = 0; j < k; j++) {
		double xt = x[(int64_t)y[j]];
		for (int64_t i = 0; i < C; i++) {
			double z = 1.0 - xt + x[i];
			if (!is_t[i] && z > 0.0)
				sum += z;
		}
	}
	return sum / (double)C;
}

int evald_multilabel_margin(const evald_tensor *input,
			    const evald_tensor *target, evald_reduction red,
			    evald_result *out, evald_err *err)
{
	unsigned char *is_t;
	int64_t N, C;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = mlm_check(input, target, &N, &C, err)))
		return rc;
	is_t = evi_xalloc(C, 1);
	if (!is_t)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	if ((rc = lu_out_init(&o, N, red, err)))
		goto done;
	for (int64_t n = 0; n < N; n++)
		lu_out_put(&o, n,
			   mlm_row(input->data + n * C, target->data + n * C, C,
				   is_t));
	/* torch's values are [N] for a 2-D input, else a single number. */
	rc = lu_out_finish(&o, out, input->ndim == 2 ? 1 : 0, input->shape);
done:
	free(is_t);
	return rc;
}
