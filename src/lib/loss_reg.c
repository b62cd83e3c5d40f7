/* loss_reg.c - regression losses: mse, mae, huber, smooth_l1, gaussian_nll
 * and tukey (declared in loss.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/loss.h>

#include "internal.h"
#include "loss_util.h"

/* The element-wise losses differ only in the function of the residual. */
typedef enum { EW_MSE, EW_MAE, EW_HUBER, EW_SMOOTH_L1 } ew_kind;

static double ew_loss(ew_kind k, double d, double t)
{
	double z = fabs(d);

	switch (k) {
	case EW_MSE: return d * d;
	case EW_MAE: return z;
	case EW_HUBER: return z < t ? 0.5 * z * z : t * (z - 0.5 * t);
	case EW_SMOOTH_L1:
		if (t == 0.0)
			return z;
		return z < t ? 0.5 * z * z / t : z - 0.5 * t;
	}
	return 0.0;
}

static int elementwise(const evald_tensor *input, const evald_tensor *target,
		       ew_kind k, double t, double scale, evald_reduction red,
		       evald_result *out, evald_err *err)
{
	lu_out o;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lu_same_shape(input, target, err)) ||
	    (rc = lu_out_init(&o, input->size, red, err)))
		return rc;
	for (int64_t i = 0; i < input->size; i++)
		lu_out_put(&o, i,
			   scale * ew_loss(k, input->data[i] - target->data[i],
					   t));
	return lu_out_finish(&o, out, input->ndim, input->shape);
}

int evald_mse(const evald_tensor *input, const evald_tensor *target, int half,
	      evald_reduction red, evald_result *out, evald_err *err)
{
	return elementwise(input, target, EW_MSE, 0.0, half ? 0.5 : 1.0, red,
			   out, err);
}

int evald_mae(const evald_tensor *input, const evald_tensor *target,
	      evald_reduction red, evald_result *out, evald_err *err)
{
	return elementwise(input, target, EW_MAE, 0.0, 1.0, red, out, err);
}

int evald_huber(const evald_tensor *input, const evald_tensor *target,
		double delta, evald_reduction red, evald_result *out,
		evald_err *err)
{
	if (!(delta > 0.0) || !isfinite(delta))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "delta must be a positive number; got %.17g",
				  delta);
	return elementwise(input, target, EW_HUBER, delta, 1.0, red, out, err);
}

int evald_smooth_l1(const evald_tensor *input, const evald_tensor *target,
		    double beta, evald_reduction red, evald_result *out,
		    evald_err *err)
{
	if (!(beta >= 0.0) || !isfinite(beta))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "beta must be a non-negative number; got "
				  "%.17g",
				  beta);
	return elementwise(input, target, EW_SMOOTH_L1, beta, 1.0, red, out,
			   err);
}

/* torch's var shapes: like input; input's shape minus the last dim; that
 * with a trailing 1.  The last two are broadcast along input's last dim. */
static int gnll_var_ok(const evald_tensor *input, const evald_tensor *var)
{
	int n = input->ndim;

	if (var->ndim == 0)
		return 1;
	if (evald_tensor_same_shape(input, var))
		return 1;
	if (n < 1)
		return 0;
	if (var->ndim == n - 1 || (var->ndim == n && var->shape[n - 1] == 1)) {
		for (int d = 0; d < n - 1; d++)
			if (var->shape[d] != input->shape[d])
				return 0;
		return 1;
	}
	return 0;
}

int evald_gaussian_nll(const evald_tensor *input, const evald_tensor *target,
		       const evald_tensor *var, int full, double eps,
		       evald_reduction red, evald_result *out, evald_err *err)
{
	const double half_log_2pi = 0.91893853320467274178;
	char a[96], b[96];
	int64_t inner, i;
	double *buf;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = lu_same_shape(input, target, err)))
		return rc;
	if (!(eps > 0.0) || !isfinite(eps))
		return evald_fail(err, EVALD_EINVAL, 4,
				  "eps must be a positive number; got %.17g",
				  eps);
	if (!gnll_var_ok(input, var))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "var has shape %s; for input %s it must have "
				  "the input's shape, the input's shape "
				  "without its last dim, that shape with a "
				  "last dim of 1, or be a single number",
				  evald_shape_str(var, b, sizeof b),
				  evald_shape_str(input, a, sizeof a));
	for (i = 0; i < var->size; i++)
		if (var->data[i] < 0.0)
			return evald_fail(
				err, EVALD_EINVAL, 2,
				"var%s is %.17g; variances must be >= 0",
				lu_index_str(var->ndim, var->shape, i, a,
					     sizeof a),
				var->data[i]);
	/* Elements of input per element of var: 1 (same shape), the last
	 * dim (homoscedastic) or everything (scalar). */
	inner = var->size == input->size ? 1 : input->size / var->size;
	buf = evi_xalloc(input->size, sizeof *buf);
	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (i = 0; i < input->size; i++) {
		double v = fmax(var->data[i / inner], eps);
		double d = input->data[i] - target->data[i];
		buf[i] = 0.5 * (log(v) + d * d / v);
		if (full)
			buf[i] += half_log_2pi;
	}
	return evald_result_reduce(out, buf, input->size, red, input->ndim,
				   input->shape);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* Median of v[0..n), n >= 1 (v is reordered); the mean of the two middle
 * values when n is even, as MATLAB's and numpy's median. */
static double median(double *v, int64_t n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double tukey_rho(double u, double c)
{
	double c6 = c * c / 6.0, q;

	if (!(fabs(u) <= c))
		return c6;
	q = 1.0 - (u / c) * (u / c);
	return c6 * (1.0 - q * q * q);
}

int evald_tukey(const evald_tensor *input, const evald_tensor *target, double c,
		evald_tukey_scale scale, evald_reduction red, evald_result *out,
		int64_t *zero_mad, evald_err *err)
{
	double *buf = NULL, *col = NULL;
	int64_t nb, nout, zeros = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (zero_mad)
		*zero_mad = 0;
	if ((rc = lu_same_shape(input, target, err)))
		return rc;
	if (!(c > 0.0) || !isfinite(c))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "c must be a positive number; got %.17g", c);
	if (scale != EVALD_TUKEY_MAD && scale != EVALD_TUKEY_NONE)
		return evald_fail(err, EVALD_EINVAL, 3,
				  "scale must be mad or none");
	if (scale == EVALD_TUKEY_MAD && input->ndim < 1)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "input is a single number; scale mad needs a "
				  "batch dimension (dim 0) to take the median "
				  "absolute deviation over");
	buf = evi_xalloc(input->size, sizeof *buf);
	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t i = 0; i < input->size; i++)
		buf[i] = input->data[i] - target->data[i];
	if (scale == EVALD_TUKEY_NONE) {
		for (int64_t i = 0; i < input->size; i++)
			buf[i] = tukey_rho(buf[i], c);
		goto done;
	}
	nb = input->shape[0];
	nout = input->size / nb;
	col = evi_xalloc(nb, sizeof *col);
	if (!col) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto fail;
	}
	for (int64_t j = 0; j < nout; j++) {
		double med, sigma;
		for (int64_t n = 0; n < nb; n++)
			col[n] = buf[n * nout + j];
		med = median(col, nb);
		for (int64_t n = 0; n < nb; n++)
			col[n] = fabs(buf[n * nout + j] - med);
		sigma = 1.4826 * median(col, nb);
		if (sigma == 0.0)
			zeros++;
		for (int64_t n = 0; n < nb; n++) {
			double r = buf[n * nout + j];
			/* MAD 0: the limit sigma -> 0+ of r/sigma. */
			double u = sigma > 0.0 ? r / sigma
				   : r == 0.0  ? 0.0
					       : INFINITY;
			buf[n * nout + j] = tukey_rho(u, c);
		}
	}
	free(col);
	if (zero_mad)
		*zero_mad = zeros;
done:
	return evald_result_reduce(out, buf, input->size, red, input->ndim,
				   input->shape);
fail:
	free(buf);
	return rc;
}
