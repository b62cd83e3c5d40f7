/* loss_prob.c - kl_div and poisson_nll (declared in loss_prob.h):
 * element-wise losses over the broadcast of input and target, written as
 * torch 1.13's kernels so that their NaN and inf come out the same. */
#include <math.h>
#include <string.h>

#include <evald/loss_prob.h>

#include "loss_bcast.h"

static const char *const pair_names[] = {"input", "target"};

/* xlogy(t, t) - t·x: xlogy is 0 for t = 0 (unless t is NaN), so an
 * impossible class costs nothing; t·x is kept as torch has it (0·-inf is
 * NaN there too). */
static double kl_elem(const double *v, const double *prm)
{
	double x = v[0], t = v[1];
	double xlogy = isnan(t) ? t : t == 0.0 ? 0.0 : t * log(t);

	(void)prm;
	return xlogy - t * x;
}

static double kl_log_elem(const double *v, const double *prm)
{
	(void)prm;
	return exp(v[1]) * (v[1] - v[0]);
}

int evald_kl_div(const evald_tensor *input, const evald_tensor *target,
		 int log_target, evald_kl_reduction red, evald_result *out,
		 evald_err *err)
{
	const evald_tensor *t[] = {input, target};
	evald_reduction r = (evald_reduction)red;
	int rc;

	memset(out, 0, sizeof *out);
	if (red == EVALD_KL_BATCHMEAN)
		r = EVALD_REDUCE_SUM;
	else if (red != EVALD_KL_MEAN && red != EVALD_KL_SUM &&
		 red != EVALD_KL_NONE)
		return evald_fail(err, EVALD_EINVAL, 3,
				  "reduction must be mean, sum, none or "
				  "batchmean");
	rc = lb_elementwise(2, t, pair_names, 0,
			    log_target ? kl_log_elem : kl_elem, NULL, r, out,
			    err);
	/* torch divides by input's dim 0, whatever the target broadcast
	 * to; a 0-d input keeps the sum. */
	if (rc == 0 && red == EVALD_KL_BATCHMEAN && input->ndim > 0)
		out->value /= (double)input->shape[0];
	return rc;
}

/* prm: log_input, full, eps. */
static double pnll_elem(const double *v, const double *prm)
{
	const double two_pi = 6.283185307179586477;
	double x = v[0], t = v[1], l;

	l = prm[0] != 0.0 ? exp(x) - t * x : x - t * log(x + prm[2]);
	/* torch masks the term with target <= 1, so a NaN target keeps
	 * its NaN. */
	if (prm[1] != 0.0 && !(t <= 1.0))
		l += t * log(t) - t + 0.5 * log(two_pi * t);
	return l;
}

int evald_poisson_nll(const evald_tensor *input, const evald_tensor *target,
		      int log_input, int full, double eps, evald_reduction red,
		      evald_result *out, evald_err *err)
{
	const evald_tensor *t[] = {input, target};
	const double prm[] = {log_input, full, eps};

	if (!isfinite(eps))
		return evald_fail(err, EVALD_EINVAL, 4,
				  "eps must be a finite number");
	return lb_elementwise(2, t, pair_names, 0, pnll_elem, prm, red, out,
			      err);
}
