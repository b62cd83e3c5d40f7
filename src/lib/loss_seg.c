/* loss_seg.c - losses over whole samples rather than elements: dice
 * (MONAI DiceLoss semantics) and perceptual (LPIPS-style feature distance),
 * declared in loss.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/loss.h>

#include "internal.h"
#include "loss_util.h"

/* ------------------------------------------------------------------ dice */

/* How the dice target is laid out. */
enum { DT_DENSE, DT_INDEX };

static int dice_target_kind(const evald_tensor *input,
			    const evald_tensor *target, int *kind,
			    evald_err *err)
{
	char a[96], b[96];
	int n = input->ndim, ok = 0;

	if (evald_tensor_same_shape(input, target)) {
		*kind = DT_DENSE;
		return 0;
	}
	/* Class indices [N, ...] or, as MONAI takes them, [N, 1, ...]. */
	if (target->ndim == n - 1) {
		ok = target->shape[0] == input->shape[0];
		for (int d = 2; ok && d < n; d++)
			ok = target->shape[d - 1] == input->shape[d];
	} else if (target->ndim == n && target->shape[1] == 1) {
		ok = target->shape[0] == input->shape[0];
		for (int d = 2; ok && d < n; d++)
			ok = target->shape[d] == input->shape[d];
	}
	if (ok) {
		/* One class: MONAI skips the one-hot step and uses the
		 * target's values as they are. */
		*kind = input->shape[1] == 1 ? DT_DENSE : DT_INDEX;
		return 0;
	}
	return evald_fail(err, EVALD_ESHAPE, 1,
			  "target has shape %s; for input %s it must have the "
			  "input's shape, or hold class indices shaped [N, "
			  "...] or [N, 1, ...]",
			  evald_shape_str(target, b, sizeof b),
			  evald_shape_str(input, a, sizeof a));
}

/* The activated prediction, in a new buffer (caller frees). */
static double *dice_activate(const evald_tensor *input, evald_activation act,
			     int64_t N, int64_t C, int64_t S)
{
	double *p = evi_xalloc(input->size, sizeof *p);

	if (!p)
		return NULL;
	memcpy(p, input->data, (size_t)input->size * sizeof *p);
	if (act == EVALD_ACT_SIGMOID) {
		for (int64_t i = 0; i < input->size; i++) {
			double x = p[i];
			p[i] = x >= 0.0 ? 1.0 / (1.0 + exp(-x))
					: exp(x) / (1.0 + exp(x));
		}
	} else if (act == EVALD_ACT_SOFTMAX && C > 1) {
		for (int64_t n = 0; n < N; n++)
			for (int64_t k = 0; k < S; k++) {
				double *x = p + n * C * S + k, m = -INFINITY,
				       s = 0.0;
				for (int64_t c = 0; c < C; c++)
					m = fmax(m, x[c * S]);
				for (int64_t c = 0; c < C; c++) {
					x[c * S] = exp(x[c * S] - m);
					s += x[c * S];
				}
				for (int64_t c = 0; c < C; c++)
					x[c * S] /= s;
			}
	}
	return p;
}

static int dice_check(const evald_tensor *input, const evald_dice_opts *opt,
		      evald_err *err)
{
	if (input->ndim < 2)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "input has %d dims; it must be [N, C, ...]",
				  input->ndim);
	if (!(opt->smooth_nr >= 0.0) || !isfinite(opt->smooth_nr) ||
	    !(opt->smooth_dr >= 0.0) || !isfinite(opt->smooth_dr))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "smooth_nr and smooth_dr must be >= 0");
	if ((unsigned)opt->activation > EVALD_ACT_SOFTMAX)
		return evald_fail(err, EVALD_EINVAL, 2,
				  "activation must be none, sigmoid or "
				  "softmax");
	return lu_nonempty(input, 0, "input", err);
}

/* MONAI's class weights: one number or one per kept class, all >= 0. */
static int dice_weight(const evald_tensor *w, int64_t Ck, evald_err *err)
{
	char s[96];

	if (!w)
		return 0;
	if (w->ndim > 1 || (w->ndim == 1 && w->shape[0] != Ck && Ck != 1))
		return evald_fail(err, EVALD_ESHAPE, 3,
				  "weight has shape %s; it must be a number or "
				  "one weight per class kept (%lld; without "
				  "class 0 when include_background is false)",
				  evald_shape_str(w, s, sizeof s),
				  (long long)Ck);
	for (int64_t i = 0; i < w->size; i++)
		if (!(w->data[i] >= 0.0) || !isfinite(w->data[i]))
			return evald_fail(err, EVALD_EINVAL, 3,
					  "weight[%lld] is %.17g; class "
					  "weights must be >= 0 (as in MONAI)",
					  (long long)i, w->data[i]);
	return 0;
}

/* Σ y·p, Σ y (or y²) and Σ p (or p²) over the spatial dims of sample n,
 * class c, into sums[0..2]. */
static void dice_sums(const double *p, const evald_tensor *target, int kind,
		      const evald_dice_opts *opt, int64_t n, int64_t c,
		      int64_t C, int64_t S, double *sums)
{
	const double *pc = p + (n * C + c) * S;
	const double *tc = target->data + (n * C + c) * S;
	const double *yi = target->data + n * S;
	lu_acc I = {0}, G = {0}, P = {0};

	for (int64_t k = 0; k < S; k++) {
		double t = kind == DT_DENSE	? tc[k]
			   : yi[k] == (double)c ? 1.0
						: 0.0;
		lu_acc_add(&I, t * pc[k]);
		lu_acc_add(&G, opt->squared_pred ? t * t : t);
		lu_acc_add(&P, opt->squared_pred ? pc[k] * pc[k] : pc[k]);
	}
	sums[0] += lu_acc_sum(&I);
	sums[1] += lu_acc_sum(&G);
	sums[2] += lu_acc_sum(&P);
}

/* The coefficient (2·I + smooth_nr) / (den + smooth_dr). */
static double dice_coef(const double *sums, const evald_dice_opts *opt)
{
	double den = sums[1] + sums[2];

	if (opt->jaccard)
		den = 2.0 * (den - sums[0]);
	return (2.0 * sums[0] + opt->smooth_nr) / (den + opt->smooth_dr);
}

int evald_dice(const evald_tensor *input, const evald_tensor *target,
	       const evald_dice_opts *opt, evald_reduction red,
	       evald_result *out, double *dice, int64_t *ndice, evald_err *err)
{
	double *p = NULL, *buf = NULL, sums[3];
	int64_t N, C, S, c0, Ck, Nb, shape[2];
	int kind = DT_DENSE, rc;

	memset(out, 0, sizeof *out);
	if (ndice)
		*ndice = 0;
	if ((rc = dice_check(input, opt, err)) ||
	    (rc = dice_target_kind(input, target, &kind, err)))
		return rc;
	N = input->shape[0];
	C = input->shape[1];
	S = input->size / (N * C);
	c0 = !opt->include_background && C > 1 ? 1 : 0;
	Ck = C - c0;
	if ((rc = dice_weight(Ck > 1 ? opt->weight : NULL, Ck, err)))
		return rc;
	if (kind == DT_INDEX)
		for (int64_t i = 0; i < target->size; i++) {
			int64_t y;
			if ((rc = lu_class_index(target, i, C, 0, 0, 1, &y,
						 err)))
				return rc;
		}
	Nb = opt->batch ? 1 : N; /* rows of the result */
	p = dice_activate(input, opt->activation, N, C, S);
	buf = evi_xalloc(Nb * Ck, sizeof *buf);
	if (!p || !buf) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto fail;
	}
	for (int64_t c = 0; dice && c < Ck; c++)
		dice[c] = 0.0;
	for (int64_t r = 0; r < Nb; r++) {
		for (int64_t c = c0; c < C; c++) {
			const evald_tensor *w = Ck > 1 ? opt->weight : NULL;
			sums[0] = sums[1] = sums[2] = 0.0;
			for (int64_t n = r; n < (opt->batch ? N : r + 1); n++)
				dice_sums(p, target, kind, opt, n, c, C, S,
					  sums);
			double d = dice_coef(sums, opt);
			buf[r * Ck + c - c0] =
				(1.0 - d) *
				(!w ? 1.0 : w->data[w->size > 1 ? c - c0 : 0]);
			if (dice)
				dice[c - c0] += d / (double)Nb;
		}
	}
	if (ndice)
		*ndice = Ck;
	free(p);
	shape[0] = Nb;
	shape[1] = Ck;
	if (opt->batch)
		return evald_result_reduce(out, buf, Ck, red, 1, &Ck);
	return evald_result_reduce(out, buf, N * Ck, red, 2, shape);
fail:
	free(p);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------ perceptual */

static int perc_check(const evald_tensor *input, const evald_tensor *target,
		      int L, const evald_tensor *weights, evald_err *err)
{
	char a[96], b[96];
	int rc;

	if (L < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "input must hold at least one layer");
	for (int l = 0; l < L; l++) {
		const evald_tensor *x = &input[l], *y = &target[l];
		if (x->ndim < 2)
			return evald_fail(err, EVALD_ESHAPE, l,
					  "layer %d of input has shape %s; "
					  "features must be [N, C, ...] "
					  "(usually [N, C, H, W])",
					  l, evald_shape_str(x, a, sizeof a));
		if ((rc = lu_nonempty(x, l, "a layer of input", err)))
			return rc;
		if (!evald_tensor_same_shape(x, y))
			return evald_fail(err, EVALD_ESHAPE, L + l,
					  "layer %d of target has shape %s but "
					  "of input %s; they must be equal",
					  l, evald_shape_str(y, b, sizeof b),
					  evald_shape_str(x, a, sizeof a));
		if (x->shape[0] != input[0].shape[0])
			return evald_fail(err, EVALD_ESHAPE, l,
					  "layer %d of input has %lld samples "
					  "but layer 0 has %lld; every layer "
					  "must have the same N",
					  l, (long long)x->shape[0],
					  (long long)input[0].shape[0]);
		if (!weights)
			continue;
		const evald_tensor *w = &weights[l];
		if (w->ndim != 0 &&
		    !(w->ndim == 1 && w->shape[0] == x->shape[1]))
			return evald_fail(err, EVALD_ESHAPE, 2 * L + l,
					  "weights of layer %d have shape %s; "
					  "give one number or a vector of the "
					  "layer's %lld channels",
					  l, evald_shape_str(w, a, sizeof a),
					  (long long)x->shape[1]);
		for (int64_t i = 0; i < w->size; i++)
			if (!(w->data[i] >= 0.0))
				return evald_fail(
					err, EVALD_EINVAL, 2 * L + l,
					"weight %lld of layer %d is %.17g; "
					"weights must be >= 0",
					(long long)i, l, w->data[i]);
	}
	return 0;
}

/* Add layer l's spatial mean of Σ_c w_c·dist(a_c, b_c) to acc[n]. */
static void perc_layer(const evald_tensor *x, const evald_tensor *y,
		       const evald_tensor *w, int normalize,
		       evald_perc_distance dist, double *acc)
{
	const double eps = 1e-10;
	int64_t N = x->shape[0], C = x->shape[1], S = x->size / (N * C);

	for (int64_t n = 0; n < N; n++) {
		lu_acc sp = {0};
		for (int64_t k = 0; k < S; k++) {
			const double *a = x->data + n * C * S + k;
			const double *b = y->data + n * C * S + k;
			double na = 1.0, nb = 1.0, s = 0.0;
			if (normalize) {
				double sa = 0.0, sb = 0.0;
				for (int64_t c = 0; c < C; c++) {
					sa += a[c * S] * a[c * S];
					sb += b[c * S] * b[c * S];
				}
				/* LPIPS divides by (norm + eps), so an
				 * all-zero feature stays zero. */
				na = sqrt(sa) + eps;
				nb = sqrt(sb) + eps;
			}
			for (int64_t c = 0; c < C; c++) {
				double d = a[c * S] / na - b[c * S] / nb;
				double wc = !w		   ? 1.0
					    : w->ndim == 0 ? w->data[0]
							   : w->data[c];
				s += wc *
				     (dist == EVALD_PERC_L1 ? fabs(d) : d * d);
			}
			lu_acc_add(&sp, s);
		}
		acc[n] += lu_acc_sum(&sp) / (double)S;
	}
}

int evald_perceptual(const evald_tensor *input, const evald_tensor *target,
		     int nlayers, const evald_tensor *weights, int normalize,
		     evald_perc_distance distance, evald_reduction red,
		     evald_result *out, evald_err *err)
{
	double *buf;
	int64_t N;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = perc_check(input, target, nlayers, weights, err)))
		return rc;
	if (distance != EVALD_PERC_L2 && distance != EVALD_PERC_L1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "distance must be l2 or l1");
	N = input[0].shape[0];
	buf = evi_xalloc(N, sizeof *buf);
	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t n = 0; n < N; n++)
		buf[n] = 0.0;
	for (int l = 0; l < nlayers; l++)
		perc_layer(&input[l], &target[l], weights ? &weights[l] : NULL,
			   normalize, distance, buf);
	return evald_result_reduce(out, buf, N, red, 1, &N);
}
