/* multilabel.c - scores of multilabel indicator matrices (evald_ml_score)
 * with scikit-learn 1.2's semantics: subset accuracy, Hamming loss, and
 * the per-label or per-sample ratio scores (classify.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_internal.h"
#include "internal.h"

static int check(const evald_tensor *t, const evald_tensor *p,
		 const evald_tensor *w, const evald_ml_opts *ml, evald_err *err)
{
	int64_t L = t->ndim == 2 ? t->shape[1] : 0;

	if (t->ndim != 2 || p->ndim != 2 || p->shape[0] != t->shape[0] ||
	    p->shape[1] != L)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "multilabel y_true and y_pred must both be "
				  "[N, L] with the same N and L");
	if (w && w->size != t->shape[0])
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight has %lld elements; it must "
				  "hold one weight per sample (%lld)",
				  (long long)w->size, (long long)t->shape[0]);
	for (int64_t i = 0; w && i < w->size; i++)
		if (!(w->data[i] >= 0.0) || !isfinite(w->data[i]))
			return evald_fail(err, EVALD_ERANGE, 2,
					  "sample_weight[%lld] is %.17g; "
					  "weights must be finite and >= 0",
					  (long long)i, w->data[i]);
	for (int64_t i = 0; i < t->size; i++)
		if ((t->data[i] != 0.0 && t->data[i] != 1.0) ||
		    (p->data[i] != 0.0 && p->data[i] != 1.0))
			return evald_fail(
				err, EVALD_ERANGE,
				t->data[i] != 0.0 && t->data[i] != 1.0 ? 0 : 1,
				"element %lld of a multilabel "
				"indicator matrix is not 0 or 1",
				(long long)i);
	for (int64_t j = 0; ml->cols && j < ml->ncols; j++)
		if (ml->cols[j] < 0 || ml->cols[j] >= L)
			return evald_fail(err, EVALD_EINVAL, 5,
					  "label %lld is not a column of the "
					  "indicator matrices: all labels "
					  "must be in [0, %lld) for "
					  "multilabel targets",
					  (long long)ml->cols[j], (long long)L);
	return 0;
}

/* Subset accuracy or Hamming loss over all L labels. */
static int whole(const evald_tensor *t, const evald_tensor *p,
		 const evald_tensor *w, int hamming, int normalize,
		 evald_result *out, evald_err *err)
{
	int64_t N = t->shape[0], L = t->shape[1];
	double hit = 0.0, sw = 0.0;

	for (int64_t i = 0; i < N; i++) {
		int64_t wrong = 0;
		double wi = w ? w->data[i] : 1.0;
		for (int64_t j = 0; j < L; j++)
			wrong += t->data[i * L + j] != p->data[i * L + j];
		hit += hamming ? wi * (double)wrong : wi * (wrong == 0);
		sw += wi;
	}
	if (hamming) {
		/* sklearn: differences / (N·L·mean weight), NaN when the
		 * weights sum to 0. */
		out->value = hit / ((double)N * (double)L * (sw / (double)N));
		return 0;
	}
	if (!normalize) {
		out->value = hit;
		return 0;
	}
	if (!(sw > 0.0))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "the sample weights sum to 0, so the "
				  "weighted mean over samples is undefined "
				  "(sklearn raises)");
	out->value = hit / sw;
	return 0;
}

/* Per label (samples = 0) or per row (samples = 1) counts of the chosen
 * columns.  Rows count their labels times their weight, as sklearn's
 * samplewise count_nonzero does. */
static void counts(const evald_tensor *t, const evald_tensor *p,
		   const evald_tensor *w, const int64_t *cols, int64_t nc,
		   int samples, double *tp, double *pr, double *tr)
{
	int64_t N = t->shape[0], L = t->shape[1];
	for (int64_t i = 0; i < N; i++) {
		double wi = w ? w->data[i] : 1.0;
		for (int64_t j = 0; j < nc; j++) {
			int64_t c = cols ? cols[j] : j, o = samples ? i : j;
			double a = t->data[i * L + c], b = p->data[i * L + c];
			tp[o] += wi * a * b;
			pr[o] += wi * b;
			tr[o] += wi * a;
		}
	}
}

static int ratio_scores(const evald_tensor *t, const evald_tensor *p,
			const evald_tensor *w, evald_cm_kind kind,
			const evald_cm_opts *o, const evald_ml_opts *ml,
			evald_result *out, unsigned *flags, evald_err *err)
{
	int64_t nc = ml->cols ? ml->ncols : t->shape[1];
	int64_t m = ml->samples ? t->shape[0] : nc;
	double *buf = calloc((size_t)(m > 0 ? m : 1) * 3, sizeof(double));
	int rc;

	if (!buf)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	counts(t, p, w, ml->cols, nc, ml->samples, buf, buf + m, buf + 2 * m);
	if (ml->samples)
		rc = evi_prf(buf, buf + m, buf + 2 * m, m, kind, o,
			     EVI_AVG_SAMPLES, w ? w->data : NULL, out, flags,
			     err);
	else if (o->average == EVALD_AVG_BINARY)
		rc = evald_fail(err, EVALD_EINVAL, -1,
				"average binary needs binary targets; these "
				"are multilabel-indicator");
	else
		rc = evi_prf(buf, buf + m, buf + 2 * m, m, kind, o, o->average,
			     NULL, out, flags, err);
	free(buf);
	return rc;
}

int evald_ml_score(const evald_tensor *y_true, const evald_tensor *y_pred,
		   const evald_tensor *weight, evald_cm_kind kind,
		   const evald_cm_opts *opts, const evald_ml_opts *ml,
		   evald_result *out, unsigned *flags, evald_err *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = check(y_true, y_pred, weight, ml, err)))
		return rc;
	if (y_true->size == 0)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "y_true is empty; there is nothing to "
				  "score");
	switch (kind) {
	case EVALD_CM_ACCURACY:
		return whole(y_true, y_pred, weight, 0, ml->normalize, out,
			     err);
	case EVALD_CM_HAMMING:
		return whole(y_true, y_pred, weight, 1, 1, out, err);
	case EVALD_CM_PRECISION:
	case EVALD_CM_RECALL:
	case EVALD_CM_FBETA:
	case EVALD_CM_JACCARD:
		return ratio_scores(y_true, y_pred, weight, kind, opts, ml, out,
				    flags, err);
	default:
		return evald_fail(err, EVALD_EINVAL, 0,
				  "multilabel-indicator targets are not "
				  "supported by this score (as in sklearn)");
	}
}
