/* confusion.c - the confusion matrix (evald_cm_add) and every
 * single-label score that is a function of it (evald_cm_score,
 * evald_cm_score_n), with scikit-learn 1.2's semantics (confusion.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_internal.h"
#include "internal.h"

/* An index element: integral and in [0, k). */
static int bad_index(double v, int64_t k)
{
	/* In range first, so the cast is defined; no call to floor() in
	 * the loop every sample goes through. */
	return !(v >= 0.0 && v < (double)k) || (double)(int64_t)v != v;
}

static int check_add(int64_t k, int64_t nt, int64_t np, const evald_tensor *w,
		     evald_err *err)
{
	if (k < 1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the matrix needs at least one class; k is "
				  "%lld",
				  (long long)k);
	if (nt != np)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred has %lld elements and y_true %lld; "
				  "they must hold one label per sample each",
				  (long long)np, (long long)nt);
	if (w && w->size != nt)
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight has %lld elements; it must "
				  "hold one weight per sample (%lld)",
				  (long long)w->size, (long long)nt);
	for (int64_t i = 0; w && i < w->size; i++)
		if (!(w->data[i] >= 0.0) || !isfinite(w->data[i]))
			return evald_fail(err, EVALD_ERANGE, 2,
					  "sample_weight[%lld] is %.17g; "
					  "weights must be finite and >= 0",
					  (long long)i, w->data[i]);
	return 0;
}

static int index_error(double v, int input, int64_t i, int64_t k,
		       evald_err *err)
{
	return evald_fail(err, EVALD_ERANGE, input,
			  "%s[%lld] is %.17g, not a class index in [0, %lld)",
			  input ? "y_pred" : "y_true", (long long)i, v,
			  (long long)k);
}

int evald_cm_add(double *counts, int64_t k, const evald_tensor *y_true,
		 const evald_tensor *y_pred, const evald_tensor *weight,
		 evald_err *err)
{
	const double *t = y_true->data, *p = y_pred->data;
	int rc;

	if ((rc = check_add(k, y_true->size, y_pred->size, weight, err)))
		return rc;
	/* Checked whole before the first count, so a refused batch leaves
	 * the matrix as it was. */
	for (int64_t i = 0; i < y_true->size; i++) {
		if (bad_index(t[i], k))
			return index_error(t[i], 0, i, k, err);
		if (bad_index(p[i], k))
			return index_error(p[i], 1, i, k, err);
	}
	for (int64_t i = 0; i < y_true->size; i++)
		counts[(int64_t)t[i] * k + (int64_t)p[i]] +=
			weight ? weight->data[i] : 1.0;
	return 0;
}

/* ------------------------------------------------------ integer labels */

/* Labels are read in blocks of this many, widened to int64 on the stack:
 * one loop per dtype instead of a dtype switch per element. */
#define LBLOCK 4096
/* Up to this many cells the unweighted counts go to exact integer
 * tallies first, so a pass both checks and counts. */
#define TALLY_CELLS 4096

static int labels_dtype_ok(const evald_labels *l)
{
	return l->dtype == EVALD_I64 || l->dtype == EVALD_I32 ||
	       l->dtype == EVALD_U8 || l->dtype == EVALD_BOOL;
}

/* Elements [from, from + n) of l as int64 (memcpy: any alignment). */
static void labels_load(const evald_labels *l, int64_t from, int64_t n,
			int64_t *dst)
{
	const unsigned char *b = l->data;
	switch (l->dtype) {
	case EVALD_I64: memcpy(dst, b + from * 8, (size_t)n * 8); break;
	case EVALD_I32:
		for (int64_t i = 0; i < n; i++) {
			int32_t v;
			memcpy(&v, b + (from + i) * 4, 4);
			dst[i] = v;
		}
		break;
	default: /* EVALD_U8, EVALD_BOOL */
		for (int64_t i = 0; i < n; i++)
			dst[i] = b[from + i];
		break;
	}
}

/* The first element of [from, from + n) outside [0, k), or -1. */
static int64_t labels_bad(const int64_t *v, int64_t n, int64_t k)
{
	uint64_t any = 0;
	for (int64_t i = 0; i < n; i++)
		any |= (uint64_t)v[i] >= (uint64_t)k;
	if (!any)
		return -1;
	for (int64_t i = 0; i < n; i++)
		if ((uint64_t)v[i] >= (uint64_t)k)
			return i;
	return -1;
}

static int labels_check(int64_t k, const evald_labels *t, const evald_labels *p,
			uint64_t *tally, evald_err *err)
{
	int64_t bt[LBLOCK], bp[LBLOCK];
	for (int64_t at = 0; at < t->size; at += LBLOCK) {
		int64_t n = t->size - at < LBLOCK ? t->size - at : LBLOCK;
		labels_load(t, at, n, bt);
		labels_load(p, at, n, bp);
		int64_t it = labels_bad(bt, n, k), ip = labels_bad(bp, n, k);
		if (it >= 0 || ip >= 0) {
			/* The float64 form's order: y_true first at the
			 * first element where either is out of range. */
			int pred = it < 0 || (ip >= 0 && ip < it);
			int64_t i = pred ? ip : it;
			return index_error((double)(pred ? bp[i] : bt[i]), pred,
					   at + i, k, err);
		}
		for (int64_t i = 0; tally && i < n; i++)
			tally[bt[i] * k + bp[i]]++;
	}
	return 0;
}

int evald_cm_add_labels(double *counts, int64_t k, const evald_labels *y_true,
			const evald_labels *y_pred, const evald_tensor *weight,
			evald_err *err)
{
	uint64_t *tally = NULL;
	int64_t bt[LBLOCK], bp[LBLOCK];
	int rc;

	if (!labels_dtype_ok(y_true) || !labels_dtype_ok(y_pred))
		return evald_fail(err, EVALD_EINVAL, labels_dtype_ok(y_true),
				  "integer labels must be int64, int32, "
				  "uint8 or bool; %s is %s",
				  labels_dtype_ok(y_true) ? "y_pred" : "y_true",
				  evald_dtype_name(labels_dtype_ok(y_true)
							   ? y_pred->dtype
							   : y_true->dtype));
	if ((rc = check_add(k, y_true->size, y_pred->size, weight, err)))
		return rc;
	if (!weight && k * k <= TALLY_CELLS) {
		tally = calloc((size_t)(k * k), sizeof *tally);
		if (!tally)
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
	}
	/* Checked whole before the first count, as in evald_cm_add. */
	if ((rc = labels_check(k, y_true, y_pred, tally, err)))
		goto out;
	if (tally) {
		/* Whole counts below 2^53 add exactly: the same matrix as
		 * adding 1.0 per sample. */
		for (int64_t i = 0; i < k * k; i++)
			counts[i] += (double)tally[i];
		goto out;
	}
	for (int64_t at = 0; at < y_true->size; at += LBLOCK) {
		int64_t n =
			y_true->size - at < LBLOCK ? y_true->size - at : LBLOCK;
		labels_load(y_true, at, n, bt);
		labels_load(y_pred, at, n, bp);
		for (int64_t i = 0; i < n; i++)
			counts[bt[i] * k + bp[i]] +=
				weight ? weight->data[at + i] : 1.0;
	}
out:
	free(tally);
	return rc;
}

/* ------------------------------------------------------------ scores */

/* Row sums (true), column sums (predicted) and the diagonal of the
 * leading n x n block, or of the whole matrix for the classes' totals. */
typedef struct cm_sums {
	double *tp, *pred, *tru;
	double n_all; /* sum of the block */
} cm_sums;

static int sums(const double *c, int64_t k, int64_t n, int block, cm_sums *s,
		evald_err *err)
{
	int64_t m = block ? n : k;
	s->tp = calloc((size_t)n * 3, sizeof(double));
	if (!s->tp)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	s->pred = s->tp + n;
	s->tru = s->pred + n;
	s->n_all = 0.0;
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < m; j++) {
			double v = c[i * k + j];
			if (i < n)
				s->tru[i] += v;
			if (j < n)
				s->pred[j] += v;
			if (i == j && i < n)
				s->tp[i] = v;
			s->n_all += v;
		}
	return 0;
}

static double balanced(const cm_sums *s, int64_t n, int adjusted,
		       unsigned *flags)
{
	double sum = 0.0;
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++) {
		if (s->tru[i] == 0.0) {
			/* sklearn drops a class never true (its recall
			 * is 0/0) and warns. */
			*flags |= EVALD_CM_UNDEFINED;
			continue;
		}
		sum += s->tp[i] / s->tru[i];
		m++;
	}
	double score = sum / (double)m;
	if (adjusted) {
		double chance = 1.0 / (double)m;
		score -= chance;
		score /= 1.0 - chance;
	}
	return score;
}

static double mcc(const cm_sums *s, int64_t n, unsigned *flags)
{
	double correct = 0.0, tp_dot = 0.0, pp = 0.0, tt = 0.0;
	for (int64_t i = 0; i < n; i++) {
		correct += s->tp[i];
		tp_dot += s->tru[i] * s->pred[i];
		pp += s->pred[i] * s->pred[i];
		tt += s->tru[i] * s->tru[i];
	}
	double ns = s->n_all, cov_tp = correct * ns - tp_dot;
	double cov_pp = ns * ns - pp, cov_tt = ns * ns - tt;
	if (cov_pp * cov_tt == 0.0) {
		/* One side holds a single class: sklearn returns 0. */
		*flags |= EVALD_CM_UNDEFINED;
		return 0.0;
	}
	return cov_tp / sqrt(cov_tt * cov_pp);
}

static double kappa(const double *c, int64_t k, int64_t n, const cm_sums *s,
		    evald_kappa_weights wt)
{
	double obs = 0.0, exp = 0.0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double d = (double)(i > j ? i - j : j - i);
			double w = wt == EVALD_KAPPA_NONE     ? (i != j)
				   : wt == EVALD_KAPPA_LINEAR ? d
							      : d * d;
			/* sklearn's expected matrix, outer(col sums, row
			 * sums) / total. */
			obs += w * c[i * k + j];
			exp += w * (s->pred[i] * s->tru[j] / s->n_all);
		}
	return 1.0 - obs / exp;
}

static int whole(const cm_sums *s, int64_t n, int hamming, evald_result *out,
		 evald_err *err)
{
	double right = 0.0;
	if (!(s->n_all > 0.0))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "the sample weights sum to 0, so the "
				  "weighted mean over samples is undefined "
				  "(sklearn raises)");
	for (int64_t i = 0; i < n; i++)
		right += s->tp[i];
	out->value = hamming ? (s->n_all - right) / s->n_all : right / s->n_all;
	return 0;
}

static int prf(const cm_sums *s, int64_t n, evald_cm_kind kind,
	       const evald_cm_opts *o, evald_result *out, unsigned *flags,
	       evald_err *err)
{
	int64_t p = o->pos_index;
	if (o->average != EVALD_AVG_BINARY)
		return evi_prf(s->tp, s->pred, s->tru, n, kind, o, o->average,
			       NULL, out, flags, err);
	if (p < 0 || p >= n)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "pos_index is %lld, not a class in [0, "
				  "%lld)",
				  (long long)p, (long long)n);
	return evi_prf(s->tp + p, s->pred + p, s->tru + p, 1, kind, o,
		       EVALD_AVG_MICRO, NULL, out, flags, err);
}

int evald_cm_score_n(const double *counts, int64_t k, int64_t n,
		     evald_cm_kind kind, const evald_cm_opts *opts,
		     evald_result *out, unsigned *flags, evald_err *err)
{
	int set_wise = kind == EVALD_CM_PRECISION || kind == EVALD_CM_RECALL ||
		       kind == EVALD_CM_FBETA || kind == EVALD_CM_JACCARD;
	unsigned fl = 0;
	cm_sums s = {0};
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (k < 1 || n < 1 || n > k)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "scoring %lld of %lld classes; need 1 <= n "
				  "<= k",
				  (long long)n, (long long)k);
	if ((rc = sums(counts, k, n, !set_wise, &s, err)))
		return rc;
	switch (kind) {
	case EVALD_CM_ACCURACY: rc = whole(&s, n, 0, out, err); break;
	case EVALD_CM_HAMMING: rc = whole(&s, n, 1, out, err); break;
	case EVALD_CM_BALANCED_ACCURACY:
		out->value = balanced(&s, n, opts->adjusted, &fl);
		break;
	case EVALD_CM_MCC: out->value = mcc(&s, n, &fl); break;
	case EVALD_CM_KAPPA:
		out->value = kappa(counts, k, n, &s, opts->weights);
		break;
	default: rc = prf(&s, n, kind, opts, out, &fl, err); break;
	}
	free(s.tp);
	if (!rc && flags)
		*flags |= fl;
	return rc;
}

int evald_cm_score(const double *counts, int64_t k, evald_cm_kind kind,
		   const evald_cm_opts *opts, evald_result *out,
		   unsigned *flags, evald_err *err)
{
	return evald_cm_score_n(counts, k, k, kind, opts, out, flags, err);
}
