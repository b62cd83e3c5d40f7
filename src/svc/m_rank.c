/* m_rank.c - metric functions of the rank family: average_precision,
 * ndcg and dcg (adapters over rank.h). */
#include <evald/rank.h>

#include "metric_fns.h"

/* value, loss = 1 − value, and per_query for [Q,N] input. */
static int put_rank(mcall *c, json_t *res, const evald_tensor *scores,
		    const evald_rank_result *r)
{
	mcall_put_number(c, res, "value", r->value);
	mcall_put_number(c, res, "loss", 1.0 - r->value);
	if (scores->ndim == 2)
		return mcall_put_array(c, res, "per_query", r->per_query, 1,
				       &r->queries);
	return 0;
}

int m_average_precision(mcall *c, json_t *res, verr *err)
{
	input_val *s = IN(c, I_RANK, scores), *rel = IN(c, I_RANK, relevance);
	pval *k = P(c, P_AP, k);
	const char *paths[2] = {s->path, rel->path};
	const char *where = k->is_null ? "" : " in the top k";
	const char *anchor = k->is_null ? "sklearn" : "torchmetrics";
	evald_rank_result r = {0};
	evald_err le;
	int done = 0, no_pos = 0;

	/* One query as it arrives, float32 scores and integer relevance,
	 * sorted without widening either. */
	if (k->is_null && s->f32 && rel->labels.data && s->t.ndim == 1 &&
	    rel->t.ndim == 1 && rel->labels.size == s->t.size) {
		if (evald_average_precision_f32(s->f32, &rel->labels, &r.value,
						&no_pos, &done, &le))
			return mcall_lib_error(c, &le, err, paths);
		r.queries = 1;
		r.degenerate = no_pos;
	}
	if (!done && (mcall_widen(c, s, err) || mcall_widen(c, rel, err)))
		return -1;
	if (!done && evald_average_precision_at_k(
			     &s->t, &rel->t, k->is_null ? 0 : k->i, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (r.degenerate && s->t.ndim == 1)
		mcall_warn(c,
			   "relevance has no positive item%s; average "
			   "precision is 0, as in %s",
			   where, anchor);
	else if (r.degenerate)
		mcall_warn(c,
			   "%lld of %lld queries have no positive item%s; "
			   "their average precision is 0, as in %s",
			   (long long)r.degenerate, (long long)r.queries, where,
			   anchor);
	int rc = put_rank(c, res, &s->t, &r);
	evald_rank_result_free(&r);
	return rc;
}

int m_ndcg(mcall *c, json_t *res, verr *err)
{
	input_val *s = IN(c, I_RANK, scores), *rel = IN(c, I_RANK, relevance);
	pval *k = P(c, P_NDCG, k);
	const char *paths[2] = {s->path, rel->path};
	evald_dcg_opts o = {.k = k->is_null ? 0 : k->i,
			    .log_base = 2.0,
			    .ignore_ties = P(c, P_NDCG, ignore_ties)->b};
	evald_rank_result r;
	evald_err le;

	if (evald_ndcg_opts(&s->t, &rel->t, &o, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (r.negative_relevance)
		mcall_warn(c, "relevance has negative values; NDCG is computed "
			      "with them as sklearn 1.2 does (sklearn 1.4 "
			      "refuses them), and may fall outside [0, 1]");
	if (r.degenerate)
		mcall_warn(c,
			   "%lld of %lld queries have an ideal DCG of 0 (no "
			   "relevant item%s); their NDCG is 0, as in sklearn",
			   (long long)r.degenerate, (long long)r.queries,
			   k->is_null ? "" : " in the top k");
	int rc = put_rank(c, res, &s->t, &r);
	evald_rank_result_free(&r);
	return rc;
}

int m_dcg(mcall *c, json_t *res, verr *err)
{
	input_val *s = IN(c, I_RANK, scores), *rel = IN(c, I_RANK, relevance);
	pval *k = P(c, P_DCG, k);
	const char *paths[2] = {s->path, rel->path};
	evald_dcg_opts o = {.k = k->is_null ? 0 : k->i,
			    .log_base = P(c, P_DCG, log_base)->num,
			    .ignore_ties = P(c, P_DCG, ignore_ties)->b};
	evald_rank_result r;
	evald_err le;
	int rc = 0;

	if (evald_dcg(&s->t, &rel->t, &o, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	mcall_put_number(c, res, "value", r.value);
	if (s->t.ndim == 2)
		rc = mcall_put_array(c, res, "per_query", r.per_query, 1,
				     &r.queries);
	evald_rank_result_free(&r);
	return rc;
}
