/* loss_class.c - classification losses: bce, bce_with_logits,
 * cross_entropy, nll, focal and sigmoid_focal (declared in loss.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/loss.h>

#include "internal.h"
#include "loss_util.h"

/* log(1 + e^z) without overflow for large z or loss of digits for small. */
static double softplus(double z)
{
	return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

/* 1 / (1 + e^-x), exact in both tails. */
static double sigmoid(double x)
{
	if (x >= 0.0)
		return 1.0 / (1.0 + exp(-x));
	double e = exp(x);
	return e / (1.0 + e);
}

/* ------------------------------------------------------- binary losses */

int evald_bce(const evald_tensor *input, const evald_tensor *target,
	      const evald_tensor *weight, evald_reduction red,
	      evald_result *out, evald_err *err)
{
	lu_bcast wi;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lu_same_shape(input, target, err)) ||
	    (rc = lu_unit_range(input, 0, "input", err)) ||
	    (rc = lu_unit_range(target, 1, "target", err)))
		return rc;
	if (weight && (rc = lu_bcast_init(&wi, weight, input->ndim,
					  input->shape, 2, "weight", err)))
		return rc;
	if ((rc = lu_out_init(&o, input->size, red, err)))
		return rc;
	for (int64_t i = 0; i < input->size; i++) {
		double x = input->data[i], y = target->data[i];
		/* log(1 - x), not log1p(-x): torch's kernel, and the clamp at
		 * -100 keeps log(0) out. */
		double lp = fmax(log(x), -100.0);
		double lq = fmax(log(1.0 - x), -100.0);
		double v = (y - 1.0) * lq - y * lp;
		lu_out_put(&o, i, v * lu_bcast_get(&wi, weight, 1.0));
	}
	return lu_out_finish(&o, out, input->ndim, input->shape);
}

int evald_bce_with_logits(const evald_tensor *input, const evald_tensor *target,
			  const evald_tensor *weight,
			  const evald_tensor *pos_weight, evald_reduction red,
			  evald_result *out, evald_err *err)
{
	lu_bcast wi, pi;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lu_same_shape(input, target, err)) ||
	    (rc = lu_unit_range(target, 1, "target", err)))
		return rc;
	if (weight && (rc = lu_bcast_init(&wi, weight, input->ndim,
					  input->shape, 2, "weight", err)))
		return rc;
	if (pos_weight &&
	    (rc = lu_bcast_init(&pi, pos_weight, input->ndim, input->shape, 3,
				"pos_weight", err)))
		return rc;
	if ((rc = lu_out_init(&o, input->size, red, err)))
		return rc;
	for (int64_t i = 0; i < input->size; i++) {
		double x = input->data[i], y = target->data[i];
		/* torch's log_weight, 1 + (pos_weight - 1)·y: exactly 1
		 * without pos_weight. */
		double pw = lu_bcast_get(&pi, pos_weight, 1.0);
		double lw = 1.0 + (pw - 1.0) * y;
		double v = (1.0 - y) * x + lw * softplus(-x);
		lu_out_put(&o, i, v * lu_bcast_get(&wi, weight, 1.0));
	}
	return lu_out_finish(&o, out, input->ndim, input->shape);
}

/* sigmoid_focal's alpha: NULL or negative 0-d disables it; otherwise a
 * 0-d tensor or a vector along the last dim, its entries >= 0. */
static int sfocal_alpha(const evald_tensor *alpha, const evald_tensor *input,
			lu_bcast *ai, const evald_tensor **use, evald_err *err)
{
	char s[96];
	int rc;

	*use = NULL;
	if (!alpha || (alpha->ndim == 0 && alpha->data[0] < 0.0))
		return 0;
	if (alpha->ndim > 1 || (alpha->ndim == 1 && input->ndim == 0))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "alpha has shape %s; it must be a number or "
				  "a vector with one weight per class of the "
				  "input's last dim",
				  evald_shape_str(alpha, s, sizeof s));
	if ((rc = lu_bcast_init(ai, alpha, input->ndim, input->shape, 2,
				"alpha", err)))
		return rc;
	for (int64_t i = 0; i < alpha->size; i++) {
		double a = alpha->data[i];
		if (!isfinite(a))
			return evald_fail(err, EVALD_EINVAL, 2,
					  "alpha must be a finite number");
		if (alpha->ndim == 1 && a < 0.0)
			return evald_fail(err, EVALD_EINVAL, 2,
					  "alpha[%lld] is %.17g; per-class "
					  "weights must be >= 0 (only a single "
					  "negative number disables alpha)",
					  (long long)i, a);
	}
	*use = alpha;
	return 0;
}

int evald_sigmoid_focal(const evald_tensor *input, const evald_tensor *target,
			const evald_tensor *alpha, double gamma,
			evald_reduction red, evald_result *out, evald_err *err)
{
	const evald_tensor *a = NULL;
	lu_bcast ai;
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lu_same_shape(input, target, err)) ||
	    (rc = lu_unit_range(target, 1, "target", err)) ||
	    (rc = sfocal_alpha(alpha, input, &ai, &a, err)))
		return rc;
	if (!(gamma >= 0.0) || !isfinite(gamma))
		return evald_fail(err, EVALD_EINVAL, 3,
				  "gamma must be >= 0; got %.17g", gamma);
	if ((rc = lu_out_init(&o, input->size, red, err)))
		return rc;
	for (int64_t i = 0; i < input->size; i++) {
		double x = input->data[i], y = target->data[i];
		double ce = (1.0 - y) * x + softplus(-x);
		/* 1 - p_t = y·(1-p) + (1-y)·p, with 1 - p = σ(-x) taken
		 * directly: no cancellation when p_t is close to 1. */
		double q = y * sigmoid(-x) + (1.0 - y) * sigmoid(x);
		double v = ce * pow(q, gamma);
		if (a) {
			double al = lu_bcast_get(&ai, a, 0.0);
			v *= al * y + (1.0 - al) * (1.0 - y);
		}
		lu_out_put(&o, i, v);
	}
	return lu_out_finish(&o, out, input->ndim, input->shape);
}

/* ------------------------------------------------------ class losses */

/* Input [N,C,d...] (or [C]): element (n,c,k) at (n·C + c)·inner + k; the
 * target (and the values) hold (n,k) at n·inner + k. */
typedef struct cls_layout {
	int64_t N, C, inner;
	int probs; /* target holds probabilities shaped like input */
	int ndim;  /* shape of the values */
	int64_t shape[EVALD_MAX_DIMS];
} cls_layout;

static int cls_layout_init(const evald_tensor *input,
			   const evald_tensor *target, int allow_probs,
			   cls_layout *L, evald_err *err)
{
	char a[96], b[96];
	int ok;

	memset(L, 0, sizeof *L);
	if (input->ndim < 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "input is a single number; it must be [N, C] "
				  "or [N, C, d...] (or [C] for one sample)");
	if (input->size == 0)
		return lu_nonempty(input, 0, "input", err);
	if (input->ndim == 1) {
		L->N = 1;
		L->C = input->shape[0];
		L->inner = 1;
	} else {
		L->N = input->shape[0];
		L->C = input->shape[1];
		L->inner = input->size / (L->N * L->C);
	}
	if (allow_probs && evald_tensor_same_shape(input, target)) {
		L->probs = 1;
	} else {
		ok = target->ndim == input->ndim - 1;
		if (ok && input->ndim >= 2) {
			ok = target->shape[0] == L->N;
			for (int d = 2; ok && d < input->ndim; d++)
				ok = target->shape[d - 1] == input->shape[d];
		}
		if (!ok)
			return evald_fail(
				err, EVALD_ESHAPE, 1,
				"target has shape %s; for input %s it must "
				"hold class indices shaped like the input "
				"without its class dim (dim %d)%s",
				evald_shape_str(target, b, sizeof b),
				evald_shape_str(input, a, sizeof a),
				input->ndim >= 2 ? 1 : 0,
				allow_probs ? ", or probabilities shaped like "
					      "the input"
					    : "");
	}
	/* The values: the input without its class dim. */
	for (int d = 0, o = 0; d < input->ndim; d++)
		if (d != (input->ndim >= 2 ? 1 : 0))
			L->shape[o++] = input->shape[d];
	L->ndim = input->ndim - 1;
	return 0;
}

/* A per-class vector (weight, alpha): 1-D of length C. */
static int class_vector(const evald_tensor *w, int64_t C, int input,
			const char *name, evald_err *err)
{
	char s[96];

	if (w->ndim == 1 && w->shape[0] == C)
		return 0;
	return evald_fail(err, EVALD_ESHAPE, input,
			  "%s has shape %s; it must be a vector with one "
			  "value per class (%lld)",
			  name, evald_shape_str(w, s, sizeof s), (long long)C);
}

/* log Σ_c exp(x[c·stride]), shifted by the max so ±1e4 logits stay finite. */
static double logsumexp(const double *x, int64_t C, int64_t stride)
{
	double m = -INFINITY, s = 0.0;

	for (int64_t c = 0; c < C; c++)
		m = fmax(m, x[c * stride]);
	for (int64_t c = 0; c < C; c++)
		s += exp(x[c * stride] - m);
	return m + log(s);
}

/* cross_entropy (logits = 1) and nll (logits = 0, ls = 0, no probs). */
static int class_nll(const evald_tensor *input, const evald_tensor *target,
		     const evald_tensor *weight, int64_t ignore_index,
		     double ls, int logits, evald_reduction red,
		     evald_result *out, evald_err *err)
{
	const double *w = weight ? weight->data : NULL;
	double *buf = NULL, denom = 0.0;
	int64_t nv;
	cls_layout L;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = cls_layout_init(input, target, logits, &L, err)))
		return rc;
	if (weight && (rc = class_vector(weight, L.C, 2, "weight", err)))
		return rc;
	if (logits && !(ls >= 0.0 && ls <= 1.0))
		return evald_fail(err, EVALD_EINVAL, 4,
				  "label_smoothing must be in [0, 1]; got "
				  "%.17g",
				  ls);
	if (L.probs) {
		if (ignore_index >= 0)
			return evald_fail(
				err, EVALD_EINVAL, 3,
				"ignore_index is %lld, but the target holds "
				"probabilities; ignore_index applies to class "
				"indices only and must be negative here (as "
				"in torch)",
				(long long)ignore_index);
		if ((rc = lu_unit_range(target, 1, "target", err)))
			return rc;
	}
	nv = L.N * L.inner;
	buf = evi_xalloc(nv, sizeof *buf);
	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t n = 0; n < L.N; n++) {
		for (int64_t k = 0; k < L.inner; k++) {
			const double *x = input->data + n * L.C * L.inner + k;
			double lse = logits ? logsumexp(x, L.C, L.inner) : 0.0;
			int64_t at = n * L.inner + k;
			double v = 0.0;
#define LOGP(c) (x[(c)*L.inner] - lse)
			if (L.probs) {
				const double *t =
					target->data + n * L.C * L.inner + k;
				for (int64_t c = 0; c < L.C; c++) {
					double q = t[c * L.inner];
					if (ls > 0.0)
						q = q * (1.0 - ls) +
						    ls / (double)L.C;
					v -= (w ? w[c] : 1.0) * q * LOGP(c);
				}
				buf[at] = v;
				continue;
			}
			int64_t y;
			if ((rc = lu_class_index(target, at, L.C, 1,
						 ignore_index, 1, &y, err)))
				goto fail;
			if (y < 0) {
				buf[at] = 0.0;
				continue;
			}
			double wy = w ? w[y] : 1.0;
			v = -wy * LOGP(y);
			if (ls > 0.0) {
				double sm = 0.0;
				for (int64_t c = 0; c < L.C; c++)
					sm -= (w ? w[c] : 1.0) * LOGP(c);
				v = (1.0 - ls) * v + ls / (double)L.C * sm;
			}
			buf[at] = v;
			denom += wy;
#undef LOGP
		}
	}
	/* Probability targets average over the elements, class indices
	 * over the weights they select. */
	return lu_finish(out, buf, nv, red, L.ndim, L.shape, !L.probs, denom);
fail:
	free(buf);
	return rc;
}

int evald_cross_entropy(const evald_tensor *input, const evald_tensor *target,
			const evald_tensor *weight, int64_t ignore_index,
			double label_smoothing, evald_reduction red,
			evald_result *out, evald_err *err)
{
	return class_nll(input, target, weight, ignore_index, label_smoothing,
			 1, red, out, err);
}

int evald_nll(const evald_tensor *input, const evald_tensor *target,
	      const evald_tensor *weight, int64_t ignore_index,
	      evald_reduction red, evald_result *out, evald_err *err)
{
	return class_nll(input, target, weight, ignore_index, 0.0, 0, red, out,
			 err);
}

int evald_focal(const evald_tensor *input, const evald_tensor *target,
		const evald_tensor *alpha, double gamma, evald_reduction red,
		evald_result *out, evald_err *err)
{
	double *buf;
	int64_t nv;
	cls_layout L;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = cls_layout_init(input, target, 0, &L, err)))
		return rc;
	if (alpha && alpha->ndim != 0 &&
	    (rc = class_vector(alpha, L.C, 2, "alpha", err)))
		return rc;
	if (!(gamma >= 0.0) || !isfinite(gamma))
		return evald_fail(err, EVALD_EINVAL, 3,
				  "gamma must be >= 0; got %.17g", gamma);
	nv = L.N * L.inner;
	buf = evi_xalloc(nv, sizeof *buf);
	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t n = 0; n < L.N; n++) {
		for (int64_t k = 0; k < L.inner; k++) {
			const double *x = input->data + n * L.C * L.inner + k;
			int64_t at = n * L.inner + k;
			int64_t y;
			if ((rc = lu_class_index(target, at, L.C, 0, 0, 1, &y,
						 err))) {
				free(buf);
				return rc;
			}
			double lp = x[y * L.inner] - logsumexp(x, L.C, L.inner);
			double a = !alpha	      ? 1.0
				   : alpha->ndim == 0 ? alpha->data[0]
						      : alpha->data[y];
			/* 1 - p_t as -expm1(log p_t): exact when p_t ~ 1. */
			buf[at] = a * pow(-expm1(lp), gamma) * (0.0 - lp);
		}
	}
	return evald_result_reduce(out, buf, nv, red, L.ndim, L.shape);
}
