/* m_ot.c - metric functions for transport between point sets in any
 * dimension: emd (exact, by network simplex) and sinkhorn (entropic),
 * adapters over libevald's ot.h. */
#include <evald/ot.h>

#include "metric_fns.h"

/* The inputs and the parameters both metrics share.  paths[] follows the
 * tensor order of ot.h (x, y, x_weights, y_weights, cost). */
static int ot_input(mcall *c, evald_ot_input *in, const char **paths, verr *err)
{
	input_val *x = IN(c, I_OT, x), *y = IN(c, I_OT, y);
	input_val *xw = IN(c, I_OT, x_weights), *yw = IN(c, I_OT, y_weights);
	input_val *cost = IN(c, I_OT, cost);

	paths[0] = x->path;
	paths[1] = y->path;
	paths[2] = xw->path;
	paths[3] = yw->path;
	paths[4] = cost->path;
	if (cost->present && (x->present || y->present))
		return verr_set(err, E_INVALID_VALUE, cost->path,
				"give either cost or the points x and y, not "
				"both");
	if (!cost->present && !(x->present && y->present))
		return verr_set(err, E_MISSING_INPUT,
				x->present ? y->path : x->path,
				"%s needs the points x and y, or a cost matrix "
				"[n, m]",
				c->m->name);
	in->x = mcall_opt(x);
	in->y = mcall_opt(y);
	in->x_weights = mcall_opt(xw);
	in->y_weights = mcall_opt(yw);
	in->cost = mcall_opt(cost);
	in->metric = (evald_ot_metric)P(c, P_OT, metric)->choice;
	in->p = P(c, P_OT, p)->num;
	in->normalize = P(c, P_OT, normalize)->b;
	in->max_cells =
		c->max_cells > 0 ? c->max_cells : EVALD_OT_DEFAULT_MAX_CELLS;
	return 0;
}

static void put_size(json_t *res, const char *key, int64_t v)
{
	json_object_set_new(res, key, json_integer((json_int_t)v));
}

/* [[i, j, mass], ...] */
static int put_plan(const evald_emd_result *r, json_t *res, const char *path,
		    verr *err)
{
	json_t *plan = json_array();

	if (!plan)
		goto oom;
	for (int64_t k = 0; k < r->plan_nnz; k++) {
		json_t *e = json_pack("[IIf]", (json_int_t)r->plan_ij[2 * k],
				      (json_int_t)r->plan_ij[2 * k + 1],
				      r->plan_mass[k]);
		if (!e || json_array_append_new(plan, e) < 0) {
			json_decref(plan);
			goto oom;
		}
	}
	json_object_set_new(res, "plan", plan);
	return 0;
oom:
	return verr_set(err, E_OUT_OF_MEMORY, path,
			"no memory for the transport plan (%lld entries)",
			(long long)r->plan_nnz);
}

int m_emd(mcall *c, json_t *res, verr *err)
{
	const char *paths[5];
	evald_ot_input in;
	evald_emd_result r;
	evald_err le = {0};
	int rc;

	if (ot_input(c, &in, paths, err) < 0)
		return -1;
	if (evald_emd(&in, P(c, P_EMD, return_plan)->b, &c->progress, &r, &le) <
	    0)
		return mcall_lib_error(c, &le, err, paths);
	put_size(res, "n", r.n);
	put_size(res, "m", r.m);
	put_size(res, "pivots", r.pivots);
	rc = mcall_put_number(c, res, "value", r.value);
	if (rc == 0 && P(c, P_EMD, return_plan)->b)
		rc = put_plan(&r, res, P(c, P_EMD, return_plan)->path, err);
	evald_emd_result_free(&r);
	return rc;
}

int m_sinkhorn(mcall *c, json_t *res, verr *err)
{
	const char *paths[5];
	evald_ot_input in;
	evald_sinkhorn_result r;
	evald_err le = {0};
	double tol = P(c, P_SINKHORN, tol)->num;
	int64_t max_iter = P(c, P_SINKHORN, max_iter)->i;

	if (ot_input(c, &in, paths, err) < 0)
		return -1;
	if (evald_sinkhorn(&in, P(c, P_SINKHORN, reg)->num, max_iter, tol,
			   &c->progress, &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	put_size(res, "n", r.n);
	put_size(res, "m", r.m);
	put_size(res, "iterations", r.iterations);
	json_object_set_new(res, "converged", json_boolean(r.converged));
	mcall_put_number(c, res, "error", r.error);
	if (!r.converged)
		mcall_warn(c,
			   "Sinkhorn did not reach tol = %g in %lld iterations "
			   "(marginal error %.3g); the value is that of the "
			   "last iterate: raise max_iter or reg",
			   tol, (long long)max_iter, r.error);
	return mcall_put_number(c, res, "value", r.value);
}
