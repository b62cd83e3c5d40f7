/* m_score.c - metric functions of the classification family: the
 * set-wise scores precision, recall, f1, fbeta and jaccard (adapters over
 * confusion.h and classify.h; the other scores are in m_score2.c). */
#include <math.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_labels.h"
#include "metric_fns.h"

/* zero_division: "warn" (0 and a warning), 0 or 1, as sklearn 1.2. */
static int zero_division(const pval *p, double *zd, int *warn, verr *err)
{
	json_t *v = p->json;
	*warn = 0;
	if (json_is_string(v) && !strcmp(json_string_value(v), "warn")) {
		*zd = 0.0;
		*warn = 1;
		return 0;
	}
	if (json_is_number(v) &&
	    (json_number_value(v) == 0.0 || json_number_value(v) == 1.0)) {
		*zd = json_number_value(v);
		return 0;
	}
	return verr_set(err, E_INVALID_VALUE, p->path,
			"zero_division must be \"warn\", 0 or 1");
}

/* A PT_VECTOR param as a tensor (a number is a one-label list). */
static const evald_tensor *labels_param(pval *p)
{
	int64_t one = 1;
	if (p->is_null)
		return NULL;
	if (!p->is_vec)
		evald_tensor_init(&p->vec, &p->num, EVALD_F64, 1, &one);
	return &p->vec;
}

typedef struct prf_kind {
	evald_cm_kind kind;
	const char *start;    /* "Precision is" */
	const char *modifier; /* "predicted" */
} prf_kind;

/* sklearn's UndefinedMetricWarning (_warn_prf), same words. */
static void warn_undefined(mcall *c, const prf_kind *pk, int avg, int64_t n)
{
	int samples = avg == CLS_AVG_SAMPLES;
	char where[32];
	if (n == 1)
		snprintf(where, sizeof where, "due to");
	else
		snprintf(where, sizeof where, "in %ss with",
			 samples ? "sample" : "label");
	mcall_warn(c,
		   "%s ill-defined and being set to 0.0 %s no %s %ss. Use "
		   "`zero_division` parameter to control this behavior.",
		   pk->start, where, pk->modifier,
		   samples ? "label" : "sample");
}

/* Multilabel: `labels` picks columns by index. */
static int ml_cols(mcall *c, pval *lab, const int64_t **cols, int64_t *n,
		   verr *err)
{
	const evald_tensor *g = labels_param(lab);
	int64_t *v;
	*cols = NULL;
	*n = 0;
	if (!g)
		return 0;
	if (!(v = pool_alloc(c->pool, (size_t)g->size * sizeof *v + 8)))
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < g->size; i++) {
		if (g->data[i] != floor(g->data[i]))
			return verr_set(err, E_INVALID_VALUE, lab->path,
					"labels of multilabel targets are "
					"column indices; %.17g is not one",
					g->data[i]);
		v[i] = (int64_t)g->data[i];
	}
	*cols = v;
	*n = g->size;
	return 0;
}

static int put_ml(mcall *c, json_t *res, const evald_result *r,
		  const int64_t *cols, int64_t n)
{
	if (!r->values)
		return mcall_put_number(c, res, "value", r->value);
	double *l = pool_alloc(c->pool, (size_t)n * sizeof *l + 8);
	if (!l)
		return verr_set(c->err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < n; i++)
		l[i] = cols ? (double)cols[i] : (double)i;
	if (mcall_put_array(c, res, "values", r->values, 1, &n))
		return -1;
	return mcall_put_array(c, res, "labels", l, 1, &n);
}

static int prf_multilabel(mcall *c, json_t *res, const cls_in *in,
			  const prf_kind *pk, evald_cm_opts *o, int avg,
			  int warn, verr *err)
{
	pval *lab = P(c, P_PRF, labels);
	const char *const paths[] = {in->yt->path, in->yp->path, in->w->path,
				     "",	   "",		 lab->path};
	evald_ml_opts ml = {.samples = avg == CLS_AVG_SAMPLES, .normalize = 1};
	evald_result r;
	evald_err le = {0};
	unsigned flags = 0;

	if (avg == EVALD_AVG_BINARY)
		return verr_set(err, E_INVALID_VALUE,
				P(c, P_PRF, average)->path,
				"Target is multilabel-indicator but "
				"average='binary'. Please choose another "
				"average setting, one of none, micro, macro, "
				"weighted, samples.");
	if (ml_cols(c, lab, &ml.cols, &ml.ncols, err))
		return -1;
	if (evald_ml_score(&in->t, &in->p, mcall_opt(in->w), pk->kind, o, &ml,
			   &r, &flags, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	int64_t n = ml.cols ? ml.ncols : in->t.shape[1];
	if (warn && (flags & EVALD_CM_UNDEFINED))
		warn_undefined(c, pk, avg,
			       avg == CLS_AVG_SAMPLES	? in->t.shape[0]
			       : avg == EVALD_AVG_MICRO ? 1
							: n);
	int rc = put_ml(c, res, &r, ml.cols, n);
	evald_result_free(&r);
	return rc;
}

/* average="binary": two labels at most; pos_label must be one of them
 * when there are two. */
static int binary_set(mcall *c, const cls_in *in, double pos, cls_set *s,
		      int64_t *pos_index, verr *err)
{
	pval *pl = P(c, P_PRF, pos_label);
	double *u;
	int64_t n;

	if (cls_union(c, in, NULL, &u, &n, err))
		return -1;
	if (n > 2)
		return verr_set(err, E_INVALID_VALUE,
				P(c, P_PRF, average)->path,
				"Target is multiclass but average='binary' "
				"(the labels hold %lld values). Please "
				"choose another average setting, one of "
				"none, micro, macro, weighted.",
				(long long)n);
	if (n == 2 && !cls_sorted_has(u, n, pos))
		return verr_set(err, E_INVALID_VALUE, pl->path,
				"pos_label=%.17g is not a valid label. It "
				"should be one of [%.17g, %.17g]",
				pos, u[0], u[1]);
	if (cls_build(c, in, NULL, "", &pos, s, err))
		return -1;
	for (*pos_index = 0; s->order[*pos_index] != pos; (*pos_index)++)
		;
	return 0;
}

static int put_classes(mcall *c, json_t *res, const evald_result *r,
		       const cls_set *s)
{
	if (!r->values)
		return mcall_put_number(c, res, "value", r->value);
	if (mcall_put_array(c, res, "values", r->values, 1, &s->n))
		return -1;
	return mcall_put_array(c, res, "labels", s->order, 1, &s->n);
}

static int prf_single(mcall *c, json_t *res, const cls_in *in,
		      const prf_kind *pk, evald_cm_opts *o, int avg, int warn,
		      verr *err)
{
	pval *lab = P(c, P_PRF, labels), *pos = P(c, P_PRF, pos_label);
	evald_result r;
	evald_err le = {0};
	unsigned flags = 0;
	double *counts;
	cls_set s;

	if (avg == CLS_AVG_SAMPLES)
		return verr_set(err, E_INVALID_VALUE,
				P(c, P_PRF, average)->path,
				"Samplewise metrics are not available "
				"outside of multilabel classification: "
				"average samples needs [N, L] indicator "
				"targets");
	if (avg == EVALD_AVG_BINARY) {
		if (binary_set(c, in, pos->num, &s, &o->pos_index, err))
			return -1;
	} else if (cls_build(c, in, labels_param(lab), lab->path, NULL, &s,
			     err)) {
		return -1;
	}
	if (cls_counts(c, in, &s, &counts, err))
		return -1;
	if (evald_cm_score_n(counts, s.k, s.n, pk->kind, o, &r, &flags, &le) <
	    0)
		return mcall_lib_error(c, &le, err, NULL);
	if (warn && (flags & EVALD_CM_UNDEFINED))
		warn_undefined(c, pk, avg,
			       avg == EVALD_AVG_BINARY || avg == EVALD_AVG_MICRO
				       ? 1
				       : s.n);
	int rc = put_classes(c, res, &r, &s);
	evald_result_free(&r);
	return rc;
}

static int prf_run(mcall *c, json_t *res, verr *err, const prf_kind *pk,
		   double beta)
{
	pval *avg = P(c, P_PRF, average), *pos = P(c, P_PRF, pos_label);
	evald_cm_opts o = {.beta = beta};
	int warn;
	cls_in in;

	if (zero_division(P(c, P_PRF, zero_division), &o.zero_division, &warn,
			  err) ||
	    cls_inputs(c, IN(c, I_CLS, y_true), IN(c, I_CLS, y_pred),
		       IN(c, I_CLS, sample_weight), CLS_MULTILABEL | CLS_INTS,
		       &in, err))
		return -1;
	o.average = avg->choice == CLS_AVG_SAMPLES ? EVALD_AVG_MACRO
						   : (evald_average)avg->choice;
	if (avg->choice != EVALD_AVG_BINARY && pos->num != 1.0)
		mcall_warn(c,
			   "Note that pos_label (set to %.17g) is ignored when "
			   "average != 'binary' (got '%s'). You may use "
			   "labels=[pos_label] to specify a single positive "
			   "class.",
			   pos->num, json_string_value(avg->json));
	if (in.multilabel)
		return prf_multilabel(c, res, &in, pk, &o, avg->choice, warn,
				      err);
	return prf_single(c, res, &in, pk, &o, avg->choice, warn, err);
}

int m_precision(mcall *c, json_t *res, verr *err)
{
	static const prf_kind k = {EVALD_CM_PRECISION, "Precision is",
				   "predicted"};
	return prf_run(c, res, err, &k, 1.0);
}

int m_recall(mcall *c, json_t *res, verr *err)
{
	static const prf_kind k = {EVALD_CM_RECALL, "Recall is", "true"};
	return prf_run(c, res, err, &k, 1.0);
}

int m_f1(mcall *c, json_t *res, verr *err)
{
	static const prf_kind k = {EVALD_CM_FBETA, "F-score is",
				   "true nor predicted"};
	return prf_run(c, res, err, &k, 1.0);
}

int m_fbeta(mcall *c, json_t *res, verr *err)
{
	static const prf_kind k = {EVALD_CM_FBETA, "F-score is",
				   "true nor predicted"};
	return prf_run(c, res, err, &k, P(c, P_FBETA, beta)->num);
}

int m_jaccard(mcall *c, json_t *res, verr *err)
{
	static const prf_kind k = {EVALD_CM_JACCARD, "Jaccard is",
				   "true or predicted"};
	return prf_run(c, res, err, &k, 1.0);
}
