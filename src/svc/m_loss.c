/* m_loss.c - metric functions of the regression losses: mse, mae, huber,
 * smooth_l1, gaussian_nll and tukey (adapters over loss.h). */
#include <evald/loss.h>

#include "metric_fns.h"

int m_mse(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	const char *const paths[] = {x->path, y->path, P(c, P_MSE, half)->path};
	evald_result r;
	evald_err le = {0};

	if (evald_mse(&x->t, &y->t, P(c, P_MSE, half)->b, mcall_reduction(c),
		      &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_mae(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	const char *const paths[] = {x->path, y->path};
	evald_result r;
	evald_err le = {0};

	if (evald_mae(&x->t, &y->t, mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_huber(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *delta = P(c, P_HUBER, delta);
	const char *const paths[] = {x->path, y->path, delta->path};
	evald_result r;
	evald_err le = {0};

	if (evald_huber(&x->t, &y->t, delta->num, mcall_reduction(c), &r, &le) <
	    0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_smooth_l1(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *beta = P(c, P_SL1, beta);
	const char *const paths[] = {x->path, y->path, beta->path};
	evald_result r;
	evald_err le = {0};

	if (evald_smooth_l1(&x->t, &y->t, beta->num, mcall_reduction(c), &r,
			    &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_gaussian_nll(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_GNLL, input), *y = IN(c, I_GNLL, target);
	input_val *var = IN(c, I_GNLL, var);
	pval *full = P(c, P_GNLL, full), *eps = P(c, P_GNLL, eps);
	const char *const paths[] = {x->path, y->path, var->path, full->path,
				     eps->path};
	evald_result r;
	evald_err le = {0};

	if (evald_gaussian_nll(&x->t, &y->t, &var->t, full->b, eps->num,
			       mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_tukey(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *cc = P(c, P_TUKEY, c), *scale = P(c, P_TUKEY, scale);
	const char *const paths[] = {x->path, y->path, cc->path, scale->path};
	evald_result r;
	evald_err le = {0};
	int64_t zero_mad = 0;

	/* "mad|none" is the order of evald_tukey_scale. */
	if (evald_tukey(&x->t, &y->t, cc->num, (evald_tukey_scale)scale->choice,
			mcall_reduction(c), &r, &zero_mad, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	if (zero_mad) {
		int64_t outs = x->t.size / (x->t.ndim ? x->t.shape[0] : 1);
		mcall_warn(c,
			   "%lld of %lld outputs have a median absolute "
			   "deviation of 0 over the batch; there a zero "
			   "residual costs 0 and any other residual the "
			   "maximum c²/6",
			   (long long)zero_mad, (long long)outs);
	}
	return mcall_put_loss(c, res, &r);
}
