/* m_margin.c - metric functions of the losses of loss_prob.h and
 * loss_margin.h: kl_div, poisson_nll, margin_ranking, hinge_embedding,
 * soft_margin, multilabel_soft_margin, multi_margin, multilabel_margin,
 * cosine_embedding and triplet_margin (adapters over libevald). */
#include <evald/loss_margin.h>
#include <evald/loss_prob.h>

#include "metric_fns.h"

/* A PT_VECTOR param as a tensor: NULL when null; a number becomes a 0-d
 * tensor over the param's own storage (which multi_margin refuses, as
 * torch refuses a weight that is not one-dimensional). */
static const evald_tensor *vec_param(pval *p)
{
	if (p->is_null)
		return NULL;
	if (!p->is_vec)
		evald_tensor_init(&p->vec, &p->num, EVALD_F64, 0, NULL);
	return &p->vec;
}

int m_kl_div(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *red = P(c, P_KL, reduction), *lt = P(c, P_KL, log_target);
	const char *const paths[] = {x->path, y->path, lt->path, red->path};
	evald_result r;
	evald_err le = {0};

	/* kl_div's reduction enum has batchmean too (KL_REDUCTION). */
	if (evald_kl_div(&x->t, &y->t, lt->b, (evald_kl_reduction)red->choice,
			 &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_poisson_nll(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *li = P(c, P_PNLL, log_input), *full = P(c, P_PNLL, full);
	pval *eps = P(c, P_PNLL, eps);
	const char *const paths[] = {x->path, y->path, li->path, full->path,
				     eps->path};
	evald_result r;
	evald_err le = {0};

	if (evald_poisson_nll(&x->t, &y->t, li->b, full->b, eps->num,
			      mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_margin_ranking(mcall *c, json_t *res, verr *err)
{
	input_val *a = IN(c, I_PAIR12, input1), *b = IN(c, I_PAIR12, input2);
	input_val *y = IN(c, I_PAIR12, target);
	pval *m = P(c, P_MARGIN, margin);
	const char *const paths[] = {a->path, b->path, y->path, m->path};
	evald_result r;
	evald_err le = {0};

	if (evald_margin_ranking(&a->t, &b->t, &y->t, m->num,
				 mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_hinge_embedding(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *m = P(c, P_MARGIN, margin);
	const char *const paths[] = {x->path, y->path, m->path};
	evald_result r;
	evald_err le = {0};

	if (evald_hinge_embedding(&x->t, &y->t, m->num, mcall_reduction(c), &r,
				  &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_soft_margin(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	const char *const paths[] = {x->path, y->path};
	evald_result r;
	evald_err le = {0};

	if (evald_soft_margin(&x->t, &y->t, mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_multilabel_soft_margin(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR_W, input), *y = IN(c, I_PAIR_W, target);
	input_val *w = IN(c, I_PAIR_W, weight);
	const char *const paths[] = {x->path, y->path, w->path};
	evald_result r;
	evald_err le = {0};

	if (evald_multilabel_soft_margin(&x->t, &y->t, mcall_opt(w),
					 mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_multi_margin(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	pval *p = P(c, P_MMARGIN, p), *m = P(c, P_MMARGIN, margin);
	pval *w = P(c, P_MMARGIN, weight);
	const char *const paths[] = {x->path, y->path, p->path, m->path,
				     w->path};
	evald_result r;
	evald_err le = {0};

	if (evald_multi_margin(&x->t, &y->t, (int)p->i, m->num, vec_param(w),
			       mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_multilabel_margin(mcall *c, json_t *res, verr *err)
{
	input_val *x = IN(c, I_PAIR, input), *y = IN(c, I_PAIR, target);
	const char *const paths[] = {x->path, y->path};
	evald_result r;
	evald_err le = {0};

	if (evald_multilabel_margin(&x->t, &y->t, mcall_reduction(c), &r, &le) <
	    0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_cosine_embedding(mcall *c, json_t *res, verr *err)
{
	input_val *a = IN(c, I_PAIR12, input1), *b = IN(c, I_PAIR12, input2);
	input_val *y = IN(c, I_PAIR12, target);
	pval *m = P(c, P_MARGIN, margin);
	const char *const paths[] = {a->path, b->path, y->path, m->path};
	evald_result r;
	evald_err le = {0};

	if (evald_cosine_embedding(&a->t, &b->t, &y->t, m->num,
				   mcall_reduction(c), &r, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}

int m_triplet_margin(mcall *c, json_t *res, verr *err)
{
	input_val *a = IN(c, I_TRIPLET, anchor);
	input_val *pos = IN(c, I_TRIPLET, positive);
	input_val *neg = IN(c, I_TRIPLET, negative);
	pval *m = P(c, P_TRIPLET, margin), *p = P(c, P_TRIPLET, p);
	pval *eps = P(c, P_TRIPLET, eps), *swap = P(c, P_TRIPLET, swap);
	const char *const paths[] = {a->path, pos->path, neg->path, m->path,
				     p->path, eps->path, swap->path};
	evald_result r;
	evald_err le = {0};

	if (evald_triplet_margin(&a->t, &pos->t, &neg->t, m->num, p->num,
				 eps->num, swap->b, mcall_reduction(c), &r,
				 &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_loss(c, res, &r);
}
