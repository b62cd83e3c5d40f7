/* m_ot1d.c - metric functions for transport on the line: wasserstein_1d,
 * energy_distance and sliced_wasserstein (libevald's ot1d.h). */
#include <evald/ot1d.h>

#include "metric_fns.h"

int m_wasserstein_1d(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_1D, x), *y = IN(c, I_1D, y);
	input_val *xw = IN(c, I_1D, x_weights), *yw = IN(c, I_1D, y_weights);
	const char *const paths[] = {x->path, y->path, xw->path, yw->path};
	evald_err le = {0};
	double v;

	if (evald_wasserstein_1d(&x->t, &y->t, mcall_opt(xw), mcall_opt(yw),
				 P(c, P_W1D, p)->num, &v, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", v);
}

int m_energy_distance(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_1D, x), *y = IN(c, I_1D, y);
	input_val *xw = IN(c, I_1D, x_weights), *yw = IN(c, I_1D, y_weights);
	const char *const paths[] = {x->path, y->path, xw->path, yw->path};
	evald_err le = {0};
	double v;

	if (evald_energy_distance(&x->t, &y->t, mcall_opt(xw), mcall_opt(yw),
				  &v, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", v);
}

int m_sliced_wasserstein(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_SLICED, x), *y = IN(c, I_SLICED, y);
	input_val *xw = IN(c, I_SLICED, x_weights),
		  *yw = IN(c, I_SLICED, y_weights);
	input_val *pr = IN(c, I_SLICED, projections);
	const char *const paths[] = {x->path, y->path, xw->path, yw->path,
				     pr->path};
	evald_err le = {0};
	int64_t used = 0;
	double v;

	if (evald_sliced_wasserstein(
		    &x->t, &y->t, mcall_opt(xw), mcall_opt(yw), mcall_opt(pr),
		    P(c, P_SLICED, n_projections)->i, P(c, P_SLICED, p)->num,
		    (uint64_t)P(c, P_SLICED, seed)->i, &c->progress, &v, &used,
		    &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	json_object_set_new(res, "n_projections", json_integer(used));
	return mcall_put_number(c, res, "value", v);
}
