/* rank.c - average precision and NDCG per query (see rank.h), matching
 * sklearn's tie handling: items are sorted by score, highest first, and a
 * run of equal scores is always handled as one group. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rank.h>
#include <evald/reduce.h>

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
 * roc_auc uses too (buf: 2n doubles of scratch).  -1 when out of memory. */
static int sort_query(scored *it, double *buf, const double *s,
		      const double *rel, int64_t n)
{
	if (evi_sort_with(s, rel, n, buf, buf + n))
		return -1;
	for (int64_t i = 0; i < n; i++) {
		it[i].s = buf[n - 1 - i];
		it[i].rel = buf[2 * n - 1 - i];
	}
	return 0;
}

static double ap_query(scored *it, int64_t n, int *no_pos)
{
	double npos = 0.0, tp = 0.0, fp = 0.0, tp_prev = 0.0, ap = 0.0;

	for (int64_t i = 0; i < n; i++)
		npos += it[i].rel;
	*no_pos = npos == 0.0;
	if (*no_pos)
		return 0.0;
	for (int64_t i = 0; i < n; i++) {
		tp += it[i].rel;
		fp += 1.0 - it[i].rel;
		if (i + 1 < n && it[i + 1].s == it[i].s)
			continue; /* inside a tie: one threshold */
		ap += (tp / npos - tp_prev / npos) * (tp / (tp + fp));
		tp_prev = tp;
	}
	return ap;
}

int evald_average_precision(const evald_tensor *scores, const evald_tensor *rel,
			    evald_rank_result *r, evald_err *err)
{
	int64_t q, n;
	double *idx = NULL;
	scored *it = NULL;
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
	it = evi_xalloc(n, sizeof *it);
	idx = evi_xalloc(2 * n, sizeof *idx);
	r->per_query = evi_xalloc(q, sizeof(double));
	if (!it || !idx || !r->per_query)
		goto nomem;
	for (int64_t k = 0; k < q; k++) {
		int no_pos;
		if (sort_query(it, idx, scores->data + k * n, rel->data + k * n,
			       n))
			goto nomem;
		r->per_query[k] = ap_query(it, n, &no_pos);
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
	free(idx);
	return rc;
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

int evald_ndcg(const evald_tensor *scores, const evald_tensor *rel, int64_t k,
	       evald_rank_result *r, evald_err *err)
{
	int64_t q, n;
	double *idx = NULL;
	scored *it = NULL;
	double *disc = NULL, *cum = NULL, *ideal = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = rank_shapes(scores, rel, 2, &q, &n, err);
	if (rc)
		return rc;
	it = evi_xalloc(n, sizeof *it);
	disc = evi_xalloc(n, sizeof(double));
	cum = evi_xalloc(n, sizeof(double));
	ideal = evi_xalloc(n, sizeof(double));
	idx = evi_xalloc(2 * n, sizeof *idx);
	r->per_query = evi_xalloc(q, sizeof(double));
	if (!it || !disc || !cum || !ideal || !idx || !r->per_query)
		goto nomem;
	/* Written as sklearn does, 1 / (log(i+2) / log(2)), so the discounts
	 * agree to the last bit. */
	for (int64_t i = 0; i < n; i++) {
		disc[i] = (k > 0 && i >= k)
				  ? 0.0
				  : 1.0 / (log((double)i + 2.0) / log(2.0));
		cum[i] = (i ? cum[i - 1] : 0.0) + disc[i];
	}
	for (int64_t i = 0; i < rel->size; i++)
		if (rel->data[i] < 0.0)
			r->negative_relevance = 1;
	for (int64_t qi = 0; qi < q; qi++) {
		const double *rq = rel->data + qi * n;
		if (sort_query(it, idx, scores->data + qi * n, rq, n))
			goto nomem;
		double gain = dcg_ties(it, n, cum);
		memcpy(ideal, rq, n * sizeof(double));
		qsort(ideal, (size_t)n, sizeof(double), by_rel_desc);
		double best = 0.0;
		for (int64_t i = 0; i < n; i++)
			best += disc[i] * ideal[i];
		if (best == 0.0) {
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
	free(idx);
	free(disc);
	free(cum);
	free(ideal);
	return rc;
}
