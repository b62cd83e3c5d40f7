/* retrieval.c - per-query retrieval scores (see retrieval.h), each the
 * functional torchmetrics 1.x computes on one query's items, and the
 * grouping by query id and empty_target_action of its Retrieval*
 * classes.  Ties in score are ordered by input position (stable). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/reduce.h>
#include <evald/retrieval.h>

#include "internal.h"

typedef struct item {
	double s, rel, id;
	int64_t pos;
} item;

static int by_score(const void *a, const void *b)
{
	const item *u = a, *v = b;
	if (u->s != v->s)
		return (u->s < v->s) - (u->s > v->s);
	return (u->pos > v->pos) - (u->pos < v->pos);
}

static int by_id(const void *a, const void *b)
{
	const item *u = a, *v = b;
	if (u->id != v->id)
		return (u->id > v->id) - (u->id < v->id);
	return (u->pos > v->pos) - (u->pos < v->pos);
}

void evald_retrieval_result_free(evald_retrieval_result *r)
{
	if (!r)
		return;
	free(r->per_query);
	free(r->query_ids);
	r->per_query = r->query_ids = NULL;
}

static int retr_check(const evald_tensor *s, const evald_tensor *rel,
		      const evald_tensor *idx, evald_err *err)
{
	char a[64], b[64];

	if (idx ? s->ndim != 1 : (s->ndim != 1 && s->ndim != 2))
		return evald_fail(
			err, EVALD_ESHAPE, 0,
			idx ? "with indexes, scores must be flat [N]; "
			      "got shape %s"
			    : "scores must be [N] (one query) or "
			      "[Q, N]; got shape %s",
			evald_shape_str(s, a, sizeof a));
	if (!evald_tensor_same_shape(s, rel))
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "relevance must have the shape of scores %s; "
				  "got %s",
				  evald_shape_str(s, a, sizeof a),
				  evald_shape_str(rel, b, sizeof b));
	if (idx && !evald_tensor_same_shape(s, idx))
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "indexes must have the shape of scores %s; "
				  "got %s",
				  evald_shape_str(s, a, sizeof a),
				  evald_shape_str(idx, b, sizeof b));
	if (s->size == 0)
		return evald_fail(err, EVALD_EEMPTY, 0,
				  "scores is empty (shape %s)",
				  evald_shape_str(s, a, sizeof a));
	for (int64_t i = 0; i < rel->size; i++)
		if (rel->data[i] != 0.0 && rel->data[i] != 1.0)
			return evald_fail(err, EVALD_EINVAL, 1,
					  "relevance must be 0 or 1; element "
					  "%lld is %.17g",
					  (long long)i, rel->data[i]);
	for (int64_t i = 0; idx && i < idx->size; i++)
		if (idx->data[i] != floor(idx->data[i]))
			return evald_fail(err, EVALD_EINVAL, 2,
					  "indexes must be integer query ids; "
					  "element %lld is %.17g",
					  (long long)i, idx->data[i]);
	return EVALD_OK;
}

/* One query's score from its items sorted by score; npos > 0. */
static double q_value(const evald_retrieval_opts *o, const item *it, int64_t n,
		      double npos)
{
	int64_t k = o->top_k > 0 ? o->top_k : n;
	int64_t top = k < n ? k : n;
	double hits = 0.0, ap = 0.0, first = 0.0;

	if (o->kind == EVALD_RETR_PRECISION && o->adaptive_k && k > n)
		k = top = n;
	for (int64_t i = 0; i < top; i++) {
		if (it[i].rel == 0.0)
			continue;
		hits += 1.0;
		ap += hits / (double)(i + 1);
		if (first == 0.0)
			first = 1.0 / (double)(i + 1);
	}
	switch (o->kind) {
	case EVALD_RETR_MRR: return first;
	case EVALD_RETR_PRECISION: return hits / (double)k;
	case EVALD_RETR_RECALL: return hits / npos;
	case EVALD_RETR_HIT_RATE: return hits > 0.0 ? 1.0 : 0.0;
	case EVALD_RETR_MAP: return hits > 0.0 ? ap / hits : 0.0;
	}
	return NAN;
}

/* Score query q (items it[0..n)), applying empty_target_action. */
static int one_query(const evald_retrieval_opts *o, item *it, int64_t n,
		     int64_t q, evald_retrieval_result *r, evald_err *err)
{
	double npos = 0.0;

	for (int64_t i = 0; i < n; i++)
		npos += it[i].rel;
	qsort(it, (size_t)n, sizeof *it, by_score);
	if (npos > 0.0) {
		r->per_query[q] = q_value(o, it, n, npos);
		return EVALD_OK;
	}
	r->empty++;
	switch (o->empty) {
	case EVALD_EMPTY_POS: r->per_query[q] = 1.0; break;
	case EVALD_EMPTY_SKIP: r->per_query[q] = NAN; break;
	case EVALD_EMPTY_ERROR:
		return evald_fail(err, EVALD_EINVAL, 1,
				  "query %lld has no relevant item and "
				  "empty_target_action is \"error\"",
				  (long long)q);
	default: r->per_query[q] = 0.0;
	}
	return EVALD_OK;
}

/* Items in query order; sets r->queries, and query_ids with indexes. */
static int group(const evald_tensor *s, const evald_tensor *rel,
		 const evald_tensor *idx, item *it, int64_t **starts,
		 evald_retrieval_result *r)
{
	int64_t n = s->size, nq = 1, per = s->shape[s->ndim - 1];

	for (int64_t i = 0; i < n; i++) {
		it[i].s = s->data[i];
		it[i].rel = rel->data[i];
		it[i].id = idx ? idx->data[i] : (double)(i / per);
		it[i].pos = i;
	}
	if (idx)
		qsort(it, (size_t)n, sizeof *it, by_id);
	for (int64_t i = 1; i < n; i++)
		nq += it[i].id != it[i - 1].id;
	*starts = evi_xalloc(nq + 1, sizeof(int64_t));
	r->per_query = evi_xalloc(nq, sizeof(double));
	r->query_ids = idx ? evi_xalloc(nq, sizeof(double)) : NULL;
	if (!*starts || !r->per_query || (idx && !r->query_ids))
		return EVALD_ENOMEM;
	for (int64_t i = 0, q = 0; i < n; i++) {
		if (i && it[i].id == it[i - 1].id)
			continue;
		(*starts)[q] = i;
		if (idx)
			r->query_ids[q] = it[i].id;
		q++;
	}
	(*starts)[nq] = n;
	r->queries = nq;
	return EVALD_OK;
}

int evald_retrieval(const evald_tensor *scores, const evald_tensor *relevance,
		    const evald_tensor *indexes, const evald_retrieval_opts *o,
		    evald_retrieval_result *r, evald_err *err)
{
	item *it = NULL;
	int64_t *starts = NULL, kept = 0;
	double sum = 0.0;
	int rc;

	memset(r, 0, sizeof *r);
	rc = retr_check(scores, relevance, indexes, err);
	if (rc)
		return rc;
	it = evi_xalloc(scores->size, sizeof *it);
	if (!it || group(scores, relevance, indexes, it, &starts, r)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	for (int64_t q = 0; q < r->queries && !rc; q++) {
		int64_t b = starts[q], e = starts[q + 1];
		rc = one_query(o, it + b, e - b, q, r, err);
		if (!rc && !isnan(r->per_query[q])) {
			sum += r->per_query[q];
			kept++;
		}
	}
	r->value = kept ? sum / (double)kept : 0.0;
out:
	free(it);
	free(starts);
	if (rc)
		evald_retrieval_result_free(r);
	return rc;
}
