/* m_seg.c - metric functions of the whole-sample losses: dice and
 * perceptual (adapters over loss.h). */
#include <stdio.h>
#include <string.h>

#include <evald/loss.h>

#include "metric_fns.h"

/* A PT_VECTOR param as a tensor: NULL when null; a number becomes a 0-d
 * tensor over the param's own storage. */
static const evald_tensor *vec_param(pval *p)
{
	if (p->is_null)
		return NULL;
	if (!p->is_vec)
		evald_tensor_init(&p->vec, &p->num, EVALD_F64, 0, NULL);
	return &p->vec;
}

int m_dice(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *act = P(c, P_DICE, activation), *w = P(c, P_DICE, weight);
	evald_dice_opts o = {
		/* "none|sigmoid|softmax" is the order of evald_activation. */
		.activation = (evald_activation)act->choice,
		.smooth_nr = P(c, P_DICE, smooth_nr)->num,
		.smooth_dr = P(c, P_DICE, smooth_dr)->num,
		.squared_pred = P(c, P_DICE, squared_pred)->b,
		.include_background = P(c, P_DICE, include_background)->b,
		.batch = P(c, P_DICE, batch)->b,
		.jaccard = P(c, P_DICE, jaccard)->b,
		.weight = vec_param(w),
	};
	const char *const paths[] = {x->path, y->path, act->path, w->path};
	evald_result r;
	evald_err le = {0};
	int64_t C = x->t.ndim >= 2 ? x->t.shape[1] : 1, nd = 0;
	double *dice =
		pool_calloc(c->pool, (size_t)(C > 0 ? C : 1), sizeof *dice);

	if (!dice)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (evald_dice(&x->t, &y->t, &o, mcall_reduction(c), &r, dice, &nd,
		       &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	/* MONAI's own warnings for a single-channel prediction. */
	if (C == 1 && o.activation == EVALD_ACT_SOFTMAX)
		mcall_warn(c, "input has a single channel: softmax is not "
			      "applied (as in MONAI)");
	if (nd == 1 && o.weight)
		mcall_warn(c, "only one class is kept: weight is ignored (as "
			      "in MONAI)");
	if (C == 1 && !o.include_background)
		mcall_warn(c, "input has a single channel: "
			      "include_background=false is ignored (as in "
			      "MONAI)");
	int rc = mcall_put_result(c, res, &r);
	evald_result_free(&r);
	if (rc == 0)
		rc = mcall_put_array(c, res, "dice", dice, 1, &nd);
	return rc;
}

/* One layer's weight from the JSON list: a number, or a flat array of
 * numbers (one per channel), into a tensor in the request pool. */
/* One layer's weight: a number or a vector, decoded like any tensor (a
 * long vector arrives as a number blob, not a JSON array). */
static int weight_tensor(mcall *c, json_t *v, const char *path, evald_tensor *t,
			 verr *err)
{
	char shp[64];
	if (codec_tensor(&c->cx, v, path, t, err) < 0)
		return -1;
	if (t->ndim > 1)
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"each layer's weight must be a number or a "
				"vector of one weight per channel; got shape "
				"%s",
				evald_shape_str(t, shp, sizeof shp));
	return 0;
}

int m_perceptual(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *wp = P(c, P_PERC, weights);
	int L = x->nlist;
	evald_tensor *w = NULL;
	const char **paths;
	char *pbuf;
	evald_result r;
	evald_err le = {0};

	if (y->nlist != L)
		return verr_set(err, E_SHAPE_MISMATCH, y->path,
				"target has %d layers but input has %d; give "
				"one feature tensor per layer in both",
				y->nlist, L);
	/* Paths as evald_perceptual numbers its tensors: input layers,
	 * target layers, then weights. */
	paths = pool_calloc(c->pool, 3 * (size_t)L, sizeof *paths);
	pbuf = pool_calloc(c->pool, 3 * (size_t)L, 96);
	if (!paths || !pbuf)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int l = 0; l < L; l++) {
		const char *base[3] = {x->path, y->path, wp->path};
		for (int k = 0; k < 3; k++) {
			char *p = pbuf + (size_t)(k * L + l) * 96;
			snprintf(p, 96, "%s/%d", base[k], l);
			paths[k * L + l] = p;
		}
	}
	if (!wp->is_null && jsonx_blob_of(c->cx.doc, wp->json)) {
		/* Equal-length vectors for every layer arrive as one [L, C]
		 * blob: one row per layer. */
		evald_tensor all;
		char shp[64];
		if (codec_tensor(&c->cx, wp->json, wp->path, &all, err) < 0)
			return -1;
		if (all.ndim != 2 || all.shape[0] != L)
			return verr_set(err, E_SHAPE_MISMATCH, wp->path,
					"weights must have one entry per layer "
					"(%d); got shape %s",
					L,
					evald_shape_str(&all, shp, sizeof shp));
		w = pool_calloc(c->pool, (size_t)L, sizeof *w);
		if (!w)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		for (int l = 0; l < L; l++)
			evald_tensor_init(&w[l], all.data + l * all.strides[0],
					  all.dtype, 1, all.shape + 1);
	} else if (!wp->is_null) {
		if (!json_is_array(wp->json))
			return verr_set(err, E_WRONG_TYPE, wp->path,
					"weights must be null or a list with "
					"one entry per layer");
		if ((int)json_array_size(wp->json) != L)
			return verr_set(err, E_SHAPE_MISMATCH, wp->path,
					"weights has %zu entries but there "
					"are %d layers",
					json_array_size(wp->json), L);
		w = pool_calloc(c->pool, (size_t)L, sizeof *w);
		if (!w)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		for (int l = 0; l < L; l++)
			if (weight_tensor(c,
					  json_array_get(wp->json, (size_t)l),
					  paths[2 * L + l], &w[l], err) < 0)
				return -1;
	}
	if (evald_perceptual(
		    x->list, y->list, L, w, P(c, P_PERC, normalize)->b,
		    (evald_perc_distance)P(c, P_PERC, distance)->choice,
		    mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	int rc = mcall_put_result(c, res, &r);
	evald_result_free(&r);
	return rc;
}
