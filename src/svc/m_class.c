/* m_class.c - metric functions of the classification losses: bce,
 * bce_with_logits, cross_entropy, nll, focal and sigmoid_focal (adapters
 * over loss.h). */
#include <math.h>

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

static const evald_tensor *opt(const input_val *iv)
{
	return iv->present ? &iv->t : NULL;
}

int m_bce(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR_W, input), *y = IN(c, I_PAIR_W, target);
	input_val *w = IN(c, I_PAIR_W, weight);
	const char *const paths[] = {x->path, y->path, w->path};
	evald_result r;
	evald_err le = {0};

	if (evald_bce(&x->t, &y->t, opt(w), mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_bce_with_logits(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR_W, input), *y = IN(c, I_PAIR_W, target);
	input_val *w = IN(c, I_PAIR_W, weight);
	pval *pw = P(c, P_BCEL, pos_weight);
	const char *const paths[] = {x->path, y->path, w->path, pw->path};
	evald_result r;
	evald_err le = {0};

	if (evald_bce_with_logits(&x->t, &y->t, opt(w), vec_param(pw),
				  mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

/* The mean over no counted target is NaN (as in torch); say why when every
 * class-index target was ignored. */
static void warn_all_ignored(mcall *c, const evald_tensor *input,
			     const evald_tensor *target, int64_t ignore_index,
			     const evald_result *r)
{
	if (r->values || isfinite(r->value) || target->ndim != input->ndim - 1)
		return;
	for (int64_t i = 0; i < target->size; i++)
		if (target->data[i] != (double)ignore_index)
			return;
	mcall_warn(c,
		   "every target equals ignore_index (%lld): the mean over no "
		   "targets is undefined (NaN, as in torch) and is reported "
		   "as null",
		   (long long)ignore_index);
}

int m_cross_entropy(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *w = P(c, P_CE, weight), *ii = P(c, P_CE, ignore_index);
	pval *ls = P(c, P_CE, label_smoothing);
	const char *const paths[] = {x->path, y->path, w->path, ii->path,
				     ls->path};
	evald_result r;
	evald_err le = {0};

	if (evald_cross_entropy(&x->t, &y->t, vec_param(w), ii->i, ls->num,
				mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	warn_all_ignored(c, &x->t, &y->t, ii->i, &r);
	return mcall_put_loss(c, res, &r);
}

int m_nll(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *w = P(c, P_NLL, weight), *ii = P(c, P_NLL, ignore_index);
	const char *const paths[] = {x->path, y->path, w->path, ii->path};
	evald_result r;
	evald_err le = {0};

	if (evald_nll(&x->t, &y->t, vec_param(w), ii->i, mcall_reduction(c), &r,
		      &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	warn_all_ignored(c, &x->t, &y->t, ii->i, &r);
	return mcall_put_loss(c, res, &r);
}

int m_focal(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *alpha = P(c, P_FOCAL, alpha), *gamma = P(c, P_FOCAL, gamma);
	pval *sa = P(c, P_FOCAL, size_average);
	const char *const paths[] = {x->path, y->path, alpha->path,
				     gamma->path};
	evald_reduction red = mcall_reduction(c);
	evald_result r;
	evald_err le = {0};

	/* The legacy flag, when given, decides (as in the code it comes
	 * from: true averages, false sums). */
	if (!sa->is_null)
		red = sa->b ? EVALD_REDUCE_MEAN : EVALD_REDUCE_SUM;
	if (evald_focal(&x->t, &y->t, vec_param(alpha), gamma->num, red, &r,
			&le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_sigmoid_focal(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *alpha = P(c, P_SFOCAL, alpha), *gamma = P(c, P_SFOCAL, gamma);
	const char *const paths[] = {x->path, y->path, alpha->path,
				     gamma->path};
	evald_result r;
	evald_err le = {0};

	if (evald_sigmoid_focal(&x->t, &y->t, vec_param(alpha), gamma->num,
				mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}
