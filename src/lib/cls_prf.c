/* cls_prf.c - precision, recall, F-beta and Jaccard from per-class
 * counts, with scikit-learn's zero_division and averaging rules (the one
 * place both the confusion-matrix and the multilabel path get them). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cls_internal.h"
#include "internal.h"

/* num / den, or zero_division when den is 0 (sklearn's _prf_divide). */
static double ratio(double num, double den, double zd, int *undef)
{
	if (den == 0.0) {
		*undef = 1;
		return zd;
	}
	return num / den;
}

/* The score of one class; *undef only where sklearn would warn. */
static double one(double tp, double pred, double tru, evald_cm_kind kind,
		  const evald_cm_opts *o, int *undef)
{
	double zd = o->zero_division, fp = pred - tp, fn = tru - tp;
	int u = 0;

	/* pred and true again as sklearn forms them, tp + fp and tp + fn. */
	pred = tp + fp;
	tru = tp + fn;
	switch (kind) {
	case EVALD_CM_PRECISION: return ratio(tp, pred, zd, undef);
	case EVALD_CM_RECALL: return ratio(tp, tru, zd, undef);
	case EVALD_CM_JACCARD: return ratio(tp, tp + fp + fn, zd, undef);
	default: break;
	}
	double p = ratio(tp, pred, zd, &u), r = ratio(tp, tru, zd, &u);
	double b2 = o->beta * o->beta, den = b2 * p + r;
	/* sklearn warns for the F-score only when a class has neither true
	 * nor predicted samples. */
	if (tru == 0.0 && pred == 0.0)
		*undef = 1;
	if (den == 0.0)
		den = 1.0;
	return (1.0 + b2) * p * r / den;
}

static double total(const double *x, int64_t n)
{
	double s = 0.0;
	for (int64_t i = 0; i < n; i++)
		s += x[i];
	return s;
}

/* sklearn's weighted average when no class has a true sample: it
 * returns constants instead of dividing by a zero weight. */
static double weighted_empty(const double *pred, int64_t n, evald_cm_kind kind,
			     const evald_cm_opts *o)
{
	double zdv = o->zero_division == 1.0 ? 1.0 : 0.0;
	if (total(pred, n) == 0.0 || kind == EVALD_CM_RECALL)
		return zdv;
	return 0.0;
}

static double average(const double *v, int64_t n, const double *w)
{
	double s = 0.0, sw = 0.0;
	if (!w)
		return total(v, n) / (double)n;
	for (int64_t i = 0; i < n; i++) {
		s += v[i] * w[i];
		sw += w[i];
	}
	return s / sw;
}

int evi_prf(const double *tp, const double *pred, const double *tru, int64_t n,
	    evald_cm_kind kind, const evald_cm_opts *o, int avg,
	    const double *w, evald_result *out, unsigned *flags, evald_err *err)
{
	double *v = NULL, mt, mp, mr;
	int undef = 0;

	memset(out, 0, sizeof *out);
	if (avg == EVI_AVG_SAMPLES && w && !(total(w, n) > 0.0))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "the sample weights sum to 0, so the "
				  "weighted mean over samples is undefined "
				  "(sklearn raises)");
	if (avg == EVALD_AVG_MICRO) {
		mt = total(tp, n);
		mp = total(pred, n);
		mr = total(tru, n);
		tp = &mt, pred = &mp, tru = &mr, n = 1;
	}
	if (!(v = evi_xalloc(n, sizeof *v)))
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	for (int64_t i = 0; i < n; i++)
		v[i] = one(tp[i], pred[i], tru[i], kind, o, &undef);
	if (undef && flags)
		*flags |= EVALD_CM_UNDEFINED;
	if (avg == EVALD_AVG_NONE) {
		out->values = v;
		out->ndim = 1;
		out->shape[0] = n;
		return 0;
	}
	if (avg == EVALD_AVG_WEIGHTED && total(tru, n) == 0.0)
		out->value = kind == EVALD_CM_JACCARD
				     ? average(v, n, NULL)
				     : weighted_empty(pred, n, kind, o);
	else if (avg == EVALD_AVG_WEIGHTED)
		out->value = average(v, n, tru);
	else if (avg == EVI_AVG_SAMPLES)
		out->value = average(v, n, w);
	else
		out->value = average(v, n, NULL);
	free(v);
	return 0;
}
