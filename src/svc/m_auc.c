/* m_auc.c - metric functions of the threshold and probability scores:
 * roc_auc, roc_curve, precision_recall_curve, brier, log_loss and
 * calibration_error (adapters over auc.h). */
#include <math.h>
#include <string.h>

#include <evald/auc.h>

#include "metric_fns.h"

/* A PT_VECTOR param as a tensor: NULL when null; a number becomes a 0-d
 * tensor over the param's own storage. */
static const evald_tensor *vec_or_null(pval *p)
{
	if (p->is_null)
		return NULL;
	if (!p->is_vec)
		evald_tensor_init(&p->vec, &p->num, EVALD_F64, 0, NULL);
	return &p->vec;
}

static const double *num_or_null(const pval *p)
{
	return p->is_null ? NULL : &p->num;
}

int m_roc_auc(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_SCORE, y_true), *s = IN(c, I_SCORE, y_score);
	input_val *w = IN(c, I_SCORE, sample_weight);
	pval *avg = P(c, P_ROC_AUC, average), *mf = P(c, P_ROC_AUC, max_fpr);
	pval *mc = P(c, P_ROC_AUC, multi_class), *lab = P(c, P_ROC_AUC, labels);
	const char *paths[] = {t->path, s->path,  w->path,  lab->path,
			       "",	mf->path, mc->path, avg->path};
	evald_auc_result r;
	evald_err le = {0};
	int done = 0;

	/* The common binary case as it arrives, float32 scores and integer
	 * labels, sorted without widening either. */
	if (s->f32 && t->labels.data && !w->present && t->t.ndim == 1 &&
	    t->labels.size == s->t.size &&
	    evald_roc_auc_f32(&t->labels, s->f32, mf->is_null ? 0.0 : mf->num,
			      &r.value, &done, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (done) {
		mcall_put_number(c, res, "value", r.value);
		return 0;
	}
	if (mcall_widen(c, t, err) || mcall_widen(c, s, err))
		return -1;
	if (evald_roc_auc(&t->t, &s->t, mcall_opt(w), vec_or_null(lab),
			  mc->choice, avg->choice, mf->is_null ? 0.0 : mf->num,
			  &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	int rc = 0;
	if (r.per_class)
		rc = mcall_put_array(c, res, "values", r.per_class, 1,
				     &r.classes);
	else
		mcall_put_number(c, res, "value", r.value);
	evald_auc_result_free(&r);
	return rc;
}

/* The curve's arrays, at most max_points of them when it is given (the
 * first, the last and points evenly spaced by index between), and the
 * full length. */
static int put_curve(mcall *c, json_t *res, const evald_curve *cv,
		     const char *xk, const char *yk, const pval *maxp)
{
	int64_t n = cv->n, m = n, mt;
	double *buf = NULL;
	int64_t *idx = NULL;
	int rc = -1;

	idx = pool_alloc(c->pool, (size_t)n * sizeof *idx);
	buf = pool_alloc(c->pool, (size_t)n * sizeof *buf);
	if (!idx || !buf)
		return verr_set(c->err, E_OUT_OF_MEMORY, "", "out of memory");
	if (maxp->is_null)
		for (int64_t i = 0; i < n; i++)
			idx[i] = i;
	else
		m = evald_curve_pick(n, maxp->i, idx);
	const double *src[3] = {cv->x, cv->y, cv->thr};
	const char *key[3] = {xk, yk, "thresholds"};
	for (int k = 0; k < 3; k++) {
		mt = 0;
		for (int64_t i = 0; i < m; i++)
			if (k < 2 || idx[i] < cv->n_thr)
				buf[mt++] = src[k][idx[i]];
		if (mcall_put_array(c, res, key[k], buf, 1, &mt) < 0)
			goto out;
	}
	json_object_set_new(res, "n_points_total", json_integer(n));
	rc = 0;
out:
	return rc;
}

int m_roc_curve(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_SCORE, y_true), *s = IN(c, I_SCORE, y_score);
	input_val *w = IN(c, I_SCORE, sample_weight);
	pval *pl = P(c, P_ROC_CURVE, pos_label);
	pval *di = P(c, P_ROC_CURVE, drop_intermediate);
	pval *mp = P(c, P_ROC_CURVE, max_points);
	const char *paths[] = {t->path, s->path, w->path, "", pl->path};
	evald_curve cv;
	evald_err le = {0};

	if (evald_roc_curve(&t->t, &s->t, mcall_opt(w), num_or_null(pl), di->b,
			    &cv, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (cv.no_neg)
		mcall_warn(c, "No negative samples in y_true, false positive "
			      "value should be meaningless: fpr is NaN, as in "
			      "sklearn");
	if (cv.no_pos)
		mcall_warn(c, "No positive samples in y_true, true positive "
			      "value should be meaningless: tpr is NaN, as in "
			      "sklearn");
	int rc = put_curve(c, res, &cv, "fpr", "tpr", mp);
	evald_curve_free(&cv);
	return rc;
}

int m_precision_recall_curve(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_SCORE, y_true), *s = IN(c, I_SCORE, y_score);
	input_val *w = IN(c, I_SCORE, sample_weight);
	pval *pl = P(c, P_PR_CURVE, pos_label);
	pval *mp = P(c, P_PR_CURVE, max_points);
	const char *paths[] = {t->path, s->path, w->path, "", pl->path};
	evald_curve cv;
	evald_err le = {0};

	if (evald_pr_curve(&t->t, &s->t, mcall_opt(w), num_or_null(pl), &cv,
			   &le))
		return mcall_lib_error(c, &le, err, paths);
	if (cv.no_pos)
		mcall_warn(c,
			   "No positive class found in y_true, recall is set "
			   "to one for all thresholds (as in sklearn)");
	int rc = put_curve(c, res, &cv, "precision", "recall", mp);
	evald_curve_free(&cv);
	return rc;
}

int m_brier(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_BRIER, y_true), *p = IN(c, I_BRIER, y_prob);
	input_val *w = IN(c, I_BRIER, sample_weight);
	pval *pl = P(c, P_BRIER, pos_label);
	const char *paths[] = {t->path, p->path, w->path, "", pl->path};
	evald_err le = {0};
	double v;

	if (evald_brier(&t->t, &p->t, mcall_opt(w), num_or_null(pl), &v, &le))
		return mcall_lib_error(c, &le, err, paths);
	return mcall_put_number(c, res, "value", v);
}

/* eps: "auto" is the machine epsilon of the dtype y_pred arrived in, as
 * sklearn 1.2's np.finfo(y_pred.dtype).eps (integers become float64). */
static int ll_eps(mcall *c, const pval *e, const evald_tensor *y_pred,
		  double *eps, verr *err)
{
	if (json_is_string(e->json) &&
	    !strcmp(json_string_value(e->json), "auto")) {
		*eps = y_pred->dtype == EVALD_F32   ? 0x1p-23
		       : y_pred->dtype == EVALD_F16 ? 0x1p-10
						    : 0x1p-52;
		return 0;
	}
	double v = json_number_value(e->json);
	if (!json_is_number(e->json) || !(v >= 0.0 && v < 0.5))
		return verr_set(err, E_INVALID_VALUE, e->path,
				"eps must be \"auto\" or a number in [0, 0.5)");
	(void)c;
	*eps = v;
	return 0;
}

int m_log_loss(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_LOGLOSS, y_true), *p = IN(c, I_LOGLOSS, y_pred);
	input_val *w = IN(c, I_LOGLOSS, sample_weight);
	pval *e = P(c, P_LOGLOSS, eps), *nz = P(c, P_LOGLOSS, normalize);
	pval *lab = P(c, P_LOGLOSS, labels);
	const char *paths[] = {t->path, p->path, w->path, lab->path};
	evald_logloss_opts o = {.normalize = nz->b,
				.labels = vec_or_null(lab),
				.sample_weight = mcall_opt(w)};
	evald_err le = {0};
	int64_t renorm;
	double v;

	if (ll_eps(c, e, &p->t, &o.eps, err))
		return -1;
	if (evald_log_loss(&t->t, &p->t, &o, &v, &renorm, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (renorm)
		mcall_warn(c,
			   "%lld rows of y_pred do not sum to one; they were "
			   "renormalised, as sklearn does (sklearn 1.5 will "
			   "refuse them)",
			   (long long)renorm);
	return mcall_put_number(c, res, "value", v);
}

static json_t *calib_bins(const evald_calib_result *r)
{
	json_t *a = json_array();
	for (int64_t b = 0; a && b < r->bins; b++)
		json_array_append_new(
			a, json_pack("{s:f, s:f, s:I, s:f, s:f}", "lower",
				     r->lower[b], "upper", r->upper[b], "count",
				     (json_int_t)r->count[b], "confidence",
				     r->confidence[b], "accuracy",
				     r->accuracy[b]));
	return a;
}

int m_calibration_error(mcall *c, json_t *res, verr *err)
{
	input_val *t = IN(c, I_CALIB, y_true), *p = IN(c, I_CALIB, y_prob);
	pval *nb = P(c, P_CALIB, n_bins), *norm = P(c, P_CALIB, norm);
	const char *paths[] = {t->path, p->path};
	evald_calib_result r;
	evald_err le = {0};

	if (evald_calibration_error(&t->t, &p->t, nb->i, norm->choice, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	mcall_put_number(c, res, "value", r.value);
	json_object_set_new(res, "bins", calib_bins(&r));
	evald_calib_result_free(&r);
	return 0;
}
