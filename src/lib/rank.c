/* rank.c - average precision, DCG and NDCG per query (see rank.h),
 * matching sklearn's tie handling: items are sorted by score, highest
 * first, and a run of equal scores is handled as one group, except where
 * the anchor breaks ties by position (ignore_ties, AP at k). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rank.h>
#include <evald/reduce.h>

#include "auc_internal.h"
#include "internal.h"

typedef struct scored {
	double s;
	double rel;
} scored;

static int by_rel_desc(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u < v) - (u > v);
}

void evald_rank_result_free(evald_rank_result *r)
{
	if (!r)
		return;
	free(r->per_query);
	r->per_query = NULL;
}

/* Shapes: [N] or [Q,N], equal; sets *q and *n. */
static int rank_shapes(const evald_tensor *s, const evald_tensor *rel,
		       int64_t min_n, int64_t *q, int64_t *n, evald_err *err)
{
	char a[64], b[64];

	if (s->ndim != 1 && s->ndim != 2)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "scores must be [N] (one query) or [Q, N]; "
				  "got shape %s",
				  evald_shape_str(s, a, sizeof a));
	if (!evald_tensor_same_shape(s, rel))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "relevance must have the shape of scores %s; "
				  "got %s",
				  evald_shape_str(s, a, sizeof a),
				  evald_shape_str(rel, b, sizeof b));
	*q = s->ndim == 2 ? s->shape[0] : 1;
	*n = s->shape[s->ndim - 1];
	if (*q < 1 || *n < 1)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "scores is empty (shape %s)",
				  evald_shape_str(s, a, sizeof a));
	if (*n < min_n)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "each query needs at least %lld items to "
				  "rank; got %lld",
				  (long long)min_n, (long long)*n);
	return EVALD_OK;
}

/* Sort one query's items by score, highest first, with the radix sort
 * roc_auc uses (buf: 3n doubles of scratch).  Ties come in input order
 * (late_first 0: torchmetrics' stable order) or last first (1: sklearn's
 * ignore_ties, the reverse of a stable ascending argsort); the
 * tie-averaged metrics never look at that order.  -1 when out of memory. */
static int sort_query(scored *it, double *buf, const double *s,
		      const double *rel, int64_t n, int late_first)
{
	double *key = buf, *s_out = buf + n, *v_out = buf + 2 * n;

	if (late_first) {
		if (evi_sort_with(s, rel, n, s_out, v_out))
			return -1;
		for (int64_t i = 0; i < n; i++) {
			it[i].s = s_out[n - 1 - i];
			it[i].rel = v_out[n - 1 - i];
		}
		return 0;
	}
	/* Descending with ties in input order is a stable ascending sort of
	 * the negated scores. */
	for (int64_t i = 0; i < n; i++)
		key[i] = -s[i];
	if (evi_sort_with(key, rel, n, s_out, v_out))
		return -1;
	for (int64_t i = 0; i < n; i++) {
		it[i].s = -s_out[i];
		it[i].rel = v_out[i];
	}
	return 0;
}

/* sklearn's average precision of one query from the binary curve of
 * auc.c (its split sort: no pairs, no copies): at each distinct score,
 * highest first, the step of recall times the precision.  The counts are
 * whole numbers, so they equal a pairwise walk's sums to the bit. */
/* The AP of a built curve, which it frees. */
static void ap_of(evi_clf *cp, double *ap, int *no_pos)
{
	evi_clf c = *cp;
	double tp_prev = 0.0, npos;

	npos = c.n ? c.tps[c.n - 1] : 0.0;
	*no_pos = npos == 0.0;
	*ap = 0.0;
	for (int64_t i = 0; !*no_pos && i < c.n; i++) {
		double tp = c.tps[i], fp = c.fps[i];
		*ap += (tp / npos - tp_prev / npos) * (tp / (tp + fp));
		tp_prev = tp;
	}
	evi_clf_free(&c);
}

static int ap_curve(const double *s, const double *rel, int64_t n, double *ap,
		    int *no_pos)
{
	evi_clf c;

	if (evi_clf_curve(s, rel, NULL, n, &c))
		return -1;
	ap_of(&c, ap, no_pos);
	return 0;
}

/* Labels may lie at any alignment (a stored .npz member): memcpy. */
#define ALL01(T)                                                               \
	do {                                                                   \
		const char *l = rel->data;                                     \
		for (int64_t i = 0; i < rel->size; i++) {                      \
			T t;                                                   \
			memcpy(&t, l + i * (int64_t)sizeof t, sizeof t);       \
			if (t != 0 && t != 1)                                  \
				return EVALD_OK;                               \
		}                                                              \
	} while (0)

int evald_average_precision_f32(const float *scores, const evald_labels *rel,
				double *value, int *no_pos, int *done,
				evald_err *err)
{
	evi_clf c;

	*done = 0;
	if (rel->size == 0)
		return EVALD_OK;
	switch (rel->dtype) {
	case EVALD_I64: ALL01(int64_t); break;
	case EVALD_I32: ALL01(int32_t); break;
	default: ALL01(uint8_t); break;
	}
	if (evi_clf_curve_f32(scores, rel, 1, &c))
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for %lld items",
				  (long long)rel->size);
	ap_of(&c, value, no_pos);
	*done = 1;
	return EVALD_OK;
}

/* torchmetrics' retrieval_average_precision(top_k=k): the mean of the
 * precision at each relevant rank among the first k (ties by position);
 * 0 when none of them is relevant. */
static double ap_at_k(const scored *it, int64_t n, int64_t k, int *no_pos)
{
	double hits = 0.0, sum = 0.0;

	for (int64_t i = 0; i < n && i < k; i++) {
		if (it[i].rel == 0.0)
			continue;
		hits += 1.0;
		sum += hits / (double)(i + 1);
	}
	*no_pos = hits == 0.0;
	return hits > 0.0 ? sum / hits : 0.0;
}

int evald_average_precision_at_k(const evald_tensor *scores,
				 const evald_tensor *rel, int64_t k,
				 evald_rank_result *r, evald_err *err)
{
	int64_t q, n;
	scored *it = NULL;
	double *buf = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = rank_shapes(scores, rel, 1, &q, &n, err);
	if (rc)
		return rc;
	for (int64_t i = 0; i < rel->size; i++)
		if (rel->data[i] != 0.0 && rel->data[i] != 1.0)
			return evald_fail(err, EVALD_EINVAL, 1,
					  "relevance must be 0 or 1 for "
					  "average precision; element %lld is "
					  "%.17g",
					  (long long)i, rel->data[i]);
	/* sklearn's AP (no k) needs no pairs: only ap_at_k reads them. */
	if (k > 0) {
		it = evi_xalloc(n, sizeof *it);
		buf = evi_xalloc(3 * n, sizeof *buf);
	}
	r->per_query = evi_xalloc(q, sizeof(double));
	if ((k > 0 && (!it || !buf)) || !r->per_query)
		goto nomem;
	for (int64_t j = 0; j < q; j++) {
		int no_pos;
		if (k <= 0) {
			if (ap_curve(scores->data + j * n, rel->data + j * n, n,
				     &r->per_query[j], &no_pos))
				goto nomem;
			r->degenerate += no_pos;
			continue;
		}
		if (sort_query(it, buf, scores->data + j * n, rel->data + j * n,
			       n, 0))
			goto nomem;
		r->per_query[j] = ap_at_k(it, n, k, &no_pos);
		r->degenerate += no_pos;
	}
	r->queries = q;
	r->value = evald_sum(r->per_query, q) / (double)q;
	goto out;
nomem:
	evald_rank_result_free(r);
	rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory for %lld items",
			(long long)n);
out:
	free(it);
	free(buf);
	return rc;
}

int evald_average_precision(const evald_tensor *scores, const evald_tensor *rel,
			    evald_rank_result *r, evald_err *err)
{
	return evald_average_precision_at_k(scores, rel, 0, r, err);
}

/* Tie-averaged DCG of one query sorted by score; cum[i] is the running
 * sum of the discounts up to rank i (sklearn's discount_cumsum). */
static double dcg_ties(const scored *it, int64_t n, const double *cum)
{
	double dcg = 0.0, prev = 0.0;
	int64_t start = 0;

	for (int64_t i = 0; i < n; i++) {
		if (i + 1 < n && it[i + 1].s == it[i].s)
			continue;
		double sum = 0.0;
		for (int64_t j = start; j <= i; j++)
			sum += it[j].rel;
		double mean_gain = sum / (double)(i - start + 1);
		dcg += mean_gain * (cum[i] - prev);
		prev = cum[i];
		start = i + 1;
	}
	return dcg;
}

/* One query's DCG (and ideal DCG when ideal != NULL); NAN when out of
 * memory. */
static double dcg_query(scored *it, double *buf, const double *s,
			const double *rq, int64_t n, const evald_dcg_opts *o,
			const double *disc, const double *cum, double *ideal,
			double *best)
{
	double gain = 0.0;

	if (sort_query(it, buf, s, rq, n, o->ignore_ties))
		return NAN;
	if (o->ignore_ties)
		for (int64_t i = 0; i < n; i++)
			gain += disc[i] * it[i].rel;
	else
		gain = dcg_ties(it, n, cum);
	if (ideal) {
		memcpy(ideal, rq, n * sizeof(double));
		qsort(ideal, (size_t)n, sizeof(double), by_rel_desc);
		*best = 0.0;
		for (int64_t i = 0; i < n; i++)
			*best += disc[i] * ideal[i];
	}
	return gain;
}

/* DCG (normalize 0) or NDCG (1) of every query. */
static int dcg_run(const evald_tensor *scores, const evald_tensor *rel,
		   const evald_dcg_opts *o, int normalize, evald_rank_result *r,
		   evald_err *err)
{
	int64_t q, n, k = o->k;
	scored *it = NULL;
	double *disc = NULL, *cum = NULL, *ideal = NULL, *buf = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = rank_shapes(scores, rel, 2, &q, &n, err);
	if (rc)
		return rc;
	it = evi_xalloc(n, sizeof *it);
	disc = evi_xalloc(n, sizeof(double));
	cum = evi_xalloc(n, sizeof(double));
	ideal = evi_xalloc(n, sizeof(double));
	buf = evi_xalloc(3 * n, sizeof(double));
	r->per_query = evi_xalloc(q, sizeof(double));
	if (!it || !disc || !cum || !ideal || !buf || !r->per_query)
		goto nomem;
	/* Written as sklearn does, 1 / (log(i+2) / log(base)), so the
	 * discounts agree to the last bit. */
	for (int64_t i = 0; i < n; i++) {
		disc[i] = (k > 0 && i >= k) ? 0.0
					    : 1.0 / (log((double)i + 2.0) /
						     log(o->log_base));
		cum[i] = (i ? cum[i - 1] : 0.0) + disc[i];
	}
	for (int64_t i = 0; i < rel->size; i++)
		if (rel->data[i] < 0.0)
			r->negative_relevance = 1;
	for (int64_t qi = 0; qi < q; qi++) {
		double best = 0.0;
		double gain = dcg_query(it, buf, scores->data + qi * n,
					rel->data + qi * n, n, o, disc, cum,
					normalize ? ideal : NULL, &best);
		if (isnan(gain))
			goto nomem;
		if (!normalize) {
			r->per_query[qi] = gain;
		} else if (best == 0.0) {
			r->per_query[qi] = 0.0;
			r->degenerate++;
		} else {
			r->per_query[qi] = gain / best;
		}
	}
	r->queries = q;
	r->value = evald_sum(r->per_query, q) / (double)q;
	goto out;
nomem:
	evald_rank_result_free(r);
	rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory for %lld items",
			(long long)n);
out:
	free(it);
	free(disc);
	free(cum);
	free(ideal);
	free(buf);
	return rc;
}

int evald_dcg(const evald_tensor *scores, const evald_tensor *rel,
	      const evald_dcg_opts *o, evald_rank_result *r, evald_err *err)
{
	return dcg_run(scores, rel, o, 0, r, err);
}

int evald_ndcg_opts(const evald_tensor *scores, const evald_tensor *rel,
		    const evald_dcg_opts *o, evald_rank_result *r,
		    evald_err *err)
{
	evald_dcg_opts two = *o;

	two.log_base = 2.0; /* ndcg_score has no log_base: both bases cancel */
	return dcg_run(scores, rel, &two, 1, r, err);
}

int evald_ndcg(const evald_tensor *scores, const evald_tensor *rel, int64_t k,
	       evald_rank_result *r, evald_err *err)
{
	evald_dcg_opts o = {.k = k, .log_base = 2.0, .ignore_ties = 0};

	return dcg_run(scores, rel, &o, 1, r, err);
}
