/* m_retr.c - metric functions of the retrieval family: mrr,
 * precision_at_k, recall_at_k, hit_rate_at_k and map (adapters over
 * retrieval.h). */
#include <evald/retrieval.h>

#include "metric_fns.h"

static const char *const empty_names[] = {"neg", "pos", "skip", "error"};

/* Every retrieval row's params start with top_k, empty_target_action
 * (P_RETR); precision_at_k adds adaptive_k. */
static int run_retr(mcall *c, json_t *res, verr *err, evald_retrieval_kind kind,
		    int adaptive_k)
{
	input_val *s = IN(c, I_RETR, scores), *rel = IN(c, I_RETR, relevance);
	input_val *idx = IN(c, I_RETR, indexes);
	pval *k = P(c, P_RETR, top_k);
	const char *paths[3] = {s->path, rel->path, idx->path};
	evald_retrieval_opts o = {
		.kind = kind,
		.top_k = k->is_null ? 0 : k->i,
		.adaptive_k = adaptive_k,
		.empty = (evald_empty_action)P(c, P_RETR, empty_target_action)
				 ->choice};
	evald_retrieval_result r;
	evald_err le;
	int rc;

	if (evald_retrieval(&s->t, &rel->t, mcall_opt(idx), &o, &r, &le))
		return mcall_lib_error(c, &le, err, paths);
	if (r.empty)
		mcall_warn(c,
			   "%lld of %lld queries have no relevant item; "
			   "empty_target_action \"%s\" %s",
			   (long long)r.empty, (long long)r.queries,
			   empty_names[o.empty],
			   o.empty == EVALD_EMPTY_POS	 ? "scores them 1"
			   : o.empty == EVALD_EMPTY_SKIP ? "leaves them out "
							   "of the mean (null "
							   "in per_query)"
							 : "scores them 0");
	mcall_put_number(c, res, "value", r.value);
	rc = mcall_put_array(c, res, "per_query", r.per_query, 1, &r.queries);
	if (!rc && r.query_ids)
		rc = mcall_put_array(c, res, "query_ids", r.query_ids, 1,
				     &r.queries);
	evald_retrieval_result_free(&r);
	return rc;
}

int m_mrr(mcall *c, json_t *res, verr *err)
{
	return run_retr(c, res, err, EVALD_RETR_MRR, 0);
}

int m_precision_at_k(mcall *c, json_t *res, verr *err)
{
	return run_retr(c, res, err, EVALD_RETR_PRECISION,
			P(c, P_PREC, adaptive_k)->b);
}

int m_recall_at_k(mcall *c, json_t *res, verr *err)
{
	return run_retr(c, res, err, EVALD_RETR_RECALL, 0);
}

int m_hit_rate_at_k(mcall *c, json_t *res, verr *err)
{
	return run_retr(c, res, err, EVALD_RETR_HIT_RATE, 0);
}

int m_map(mcall *c, json_t *res, verr *err)
{
	return run_retr(c, res, err, EVALD_RETR_MAP, 0);
}
