/* regsum.c - the regression tally (tally.h): exact per-output sums that
 * batches add to and tallies merge, and the sklearn.metrics regression
 * scores (mse, rmse, mae, r2, explained_variance, max_error) read from
 * them.
 *
 * State layout, in doubles: [0] the sample count, then the limbs of Σw,
 * then per output the limbs of Σwy, Σwŷ, Σwy², Σwŷ², Σwyŷ, Σw|y - ŷ|
 * and max |y - ŷ|.  Σw(y - ŷ)² and Σw(y - ŷ) are not kept: they are
 * exact integer combinations of the others, formed when scores are read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/tally.h>

#include "internal.h"

#define L    EVALD_XSUM_LIMBS
#define NSUM 6 /* exact sums per output */
enum { S_Y, S_P, S_YY, S_PP, S_YP, S_AD };
#define OUT_SIZE  (NSUM * L + 1)
#define MAX_COUNT 9007199254740992.0 /* 2^53: n stays exact */

int64_t evald_regsum_size(int64_t outputs)
{
	return 1 + L + outputs * OUT_SIZE;
}

void evald_regsum_init(double *state, int64_t outputs)
{
	memset(state, 0, (size_t)evald_regsum_size(outputs) * sizeof *state);
}

static double *out_base(double *state, int64_t j)
{
	return state + 1 + L + j * OUT_SIZE;
}

/* The state's sums as accumulators: x[0] Σw, x[1 + j·NSUM + k] sum k of
 * output j.  NULL when out of memory. */
static evald_xsum *load_all(const double *state, int64_t outputs)
{
	evald_xsum *x = evi_xalloc(1 + outputs * NSUM, sizeof *x);
	if (!x)
		return NULL;
	evald_xsum_load(&x[0], state + 1, NULL);
	for (int64_t j = 0; j < outputs; j++)
		for (int k = 0; k < NSUM; k++)
			evald_xsum_load(&x[1 + j * NSUM + k],
					out_base((double *)state, j) + k * L,
					NULL);
	return x;
}

static void store_all(double *state, int64_t outputs, const evald_xsum *x)
{
	evald_xsum_store(&x[0], state + 1);
	for (int64_t j = 0; j < outputs; j++)
		for (int k = 0; k < NSUM; k++)
			evald_xsum_store(&x[1 + j * NSUM + k],
					 out_base(state, j) + k * L);
}

static int check_inputs(int64_t outputs, const evald_tensor *yt,
			const evald_tensor *yp, const evald_tensor *w,
			evald_err *err)
{
	char s1[96], s2[96];
	int64_t bad;
	int cols = yt->ndim == 2 ? (int)(yt->shape[1] == outputs) : 0;

	if (!((yt->ndim == 1 && outputs == 1) || cols))
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "y_true must be [N, %lld]%s for this tally, "
				  "got %s",
				  (long long)outputs,
				  outputs == 1 ? " or [N]" : "",
				  evald_shape_str(yt, s1, sizeof s1));
	if (!evald_tensor_same_shape(yt, yp))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred must have y_true's shape %s, got %s",
				  evald_shape_str(yt, s1, sizeof s1),
				  evald_shape_str(yp, s2, sizeof s2));
	if (yt->shape[0] < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "the batch is empty; send at least one "
				  "sample");
	if (w && (w->ndim != 1 || w->shape[0] != yt->shape[0]))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight must be [%lld], got %s",
				  (long long)yt->shape[0],
				  evald_shape_str(w, s1, sizeof s1));
	for (int i = 0; i < 3; i++) {
		const evald_tensor *t = i == 0 ? yt : i == 1 ? yp : w;
		if (t && !evald_tensor_all_finite(t, &bad))
			return evald_fail(err, EVALD_EINVAL, i,
					  "element %lld is not finite",
					  (long long)bad);
	}
	for (int64_t i = 0; w && i < w->size; i++)
		if (w->data[i] < 0)
			return evald_fail(err, EVALD_EINVAL, 2,
					  "sample_weight[%lld] is %g; weights "
					  "must be >= 0",
					  (long long)i, w->data[i]);
	return EVALD_OK;
}

/* One sample's output: y, ŷ with weight w into sums x and *mx.  -1 when a
 * product overflows. */
static int add_one(evald_xsum *x, double *mx, double w, double y, double p)
{
	double d = y - p;
	if (!isfinite(d))
		return -1;
	/* y - ŷ = d + t exactly (two-sum); |y - ŷ| = |d| + sign(d)·t. */
	double b = d - y, t = (y - (d - b)) + (-p - b);
	int r = evald_xsum_add_prod(&x[S_Y], w, y) |
		evald_xsum_add_prod(&x[S_P], w, p) |
		evald_xsum_add_prod3(&x[S_YY], w, y, y) |
		evald_xsum_add_prod3(&x[S_PP], w, p, p) |
		evald_xsum_add_prod3(&x[S_YP], w, y, p) |
		evald_xsum_add_prod(&x[S_AD], w, fabs(d)) |
		evald_xsum_add_prod(&x[S_AD], w, d < 0 ? -t : t);
	if (fabs(d) > *mx)
		*mx = fabs(d);
	return r;
}

int evald_regsum_add(double *state, int64_t outputs, const evald_tensor *yt,
		     const evald_tensor *yp, const evald_tensor *w,
		     evald_err *err)
{
	int rc = check_inputs(outputs, yt, yp, w, err);
	evald_xsum *x = NULL;
	double *mx = NULL;
	int64_t n = yt->ndim ? yt->shape[0] : 0;

	if (rc != EVALD_OK)
		return rc;
	if (state[0] + (double)n > MAX_COUNT)
		return evald_fail(err, EVALD_ELIMIT, 0,
				  "the tally would hold more than 2^53 "
				  "samples");
	x = load_all(state, outputs);
	mx = evi_xalloc(outputs, sizeof *mx);
	if (!x || !mx) {
		rc = evald_fail(err, EVALD_ENOMEM, 0, "out of memory");
		goto done;
	}
	for (int64_t j = 0; j < outputs; j++)
		mx[j] = out_base(state, j)[NSUM * L];
	for (int64_t i = 0; i < n; i++) {
		double wi = w ? w->data[i] : 1.0;
		evald_xsum_add(&x[0], wi);
		for (int64_t j = 0; j < outputs; j++)
			if (add_one(&x[1 + j * NSUM], &mx[j], wi,
				    yt->data[i * outputs + j],
				    yp->data[i * outputs + j]) < 0) {
				rc = evald_fail(err, EVALD_EINVAL, 0,
						"sample %lld overflows double "
						"in w·y², w·ŷ² or w·y·ŷ; "
						"rescale the targets",
						(long long)i);
				goto done;
			}
	}
	/* Only now: a refused batch leaves the state as it was. */
	state[0] += (double)n;
	store_all(state, outputs, x);
	for (int64_t j = 0; j < outputs; j++)
		out_base(state, j)[NSUM * L] = mx[j];
done:
	free(x);
	free(mx);
	return rc;
}

int evald_regsum_merge(double *into, const double *from, int64_t outputs,
		       evald_err *err)
{
	evald_xsum *a = NULL, *b = NULL;
	int rc = EVALD_OK;

	if (into[0] + from[0] > MAX_COUNT)
		return evald_fail(err, EVALD_ELIMIT, 1,
				  "the merged tally would hold more than 2^53 "
				  "samples");
	a = load_all(into, outputs);
	b = load_all(from, outputs);
	if (!a || !b) {
		rc = evald_fail(err, EVALD_ENOMEM, 0, "out of memory");
		goto done;
	}
	for (int64_t k = 0; k < 1 + outputs * NSUM; k++)
		evald_xsum_axpy(&a[k], 1, &b[k]);
	into[0] += from[0];
	store_all(into, outputs, a);
	for (int64_t j = 0; j < outputs; j++) {
		double *m = &out_base(into, j)[NSUM * L];
		double o = out_base((double *)from, j)[NSUM * L];
		*m = o > *m ? o : *m;
	}
done:
	free(a);
	free(b);
	return rc;
}

/* The sign of a normalised sum: its top limb. */
static int negative(const double *limbs)
{
	return limbs[L - 1] < 0;
}

int evald_regsum_check(const double *state, int64_t outputs, evald_err *err)
{
	evald_xsum x;
	double n = state[0];
	int rc;

	if (!(n >= 0 && n <= MAX_COUNT) || n != floor(n))
		return evald_fail(err, EVALD_EINVAL, 0,
				  "the sample count is %.17g; it must be an "
				  "integer in [0, 2^53]",
				  n);
	if ((rc = evald_xsum_load(&x, state + 1, err)) != EVALD_OK)
		return rc;
	if (negative(state + 1))
		return evald_fail(err, EVALD_EINVAL, 0,
				  "the sum of weights is negative");
	for (int64_t j = 0; j < outputs; j++) {
		const double *o = out_base((double *)state, j);
		for (int k = 0; k < NSUM; k++) {
			if ((rc = evald_xsum_load(&x, o + k * L, err)))
				return rc;
			if ((k == S_YY || k == S_PP || k == S_AD) &&
			    negative(o + k * L))
				return evald_fail(
					err, EVALD_EINVAL, 0,
					"output %lld: a sum of squares or of "
					"absolute values is negative",
					(long long)j);
		}
		double m = o[NSUM * L];
		if (!(m >= 0 && isfinite(m)) || (n == 0 && m != 0))
			return evald_fail(err, EVALD_EINVAL, 0,
					  "output %lld: max |y - y_pred| is "
					  "%.17g; it must be finite, >= 0, "
					  "and 0 with no samples",
					  (long long)j, m);
	}
	return EVALD_OK;
}
