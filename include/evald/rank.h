/* rank.h - ranking metrics with scikit-learn's semantics (DCG, NDCG,
 * average precision) and torchmetrics' for average precision at k.
 *
 * All take scores and relevance of the same shape: [N] is one query of N
 * items, [Q,N] is Q queries scored separately and then averaged.  Tied
 * scores are never broken arbitrarily: average precision treats a run of
 * equal scores as one threshold (sklearn average_precision_score), (N)DCG
 * gives every item of a tie the average gain of the tie (sklearn
 * ndcg_score, McSherry & Najork 2008); only the options that copy an
 * anchor's positional order (ignore_ties, AP at k) rank ties by position. */
#ifndef EVALD_RANK_H
#define EVALD_RANK_H

#include <stdint.h>

#include "confusion.h"
#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_rank_result {
	double value;	   /* mean over queries */
	double *per_query; /* [queries], owned: evald_rank_result_free */
	int64_t queries;
	int64_t degenerate;	/* AP: queries with no positive (scored 0);
				   NDCG: queries whose ideal DCG is 0 (scored 0) */
	int negative_relevance; /* NDCG: some relevance < 0 (sklearn 1.2
				   computes it and warns) */
} evald_rank_result;

void evald_rank_result_free(evald_rank_result *r);

/* Average precision Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the distinct score thresholds,
 * highest first.  relevance (input 1) must be 0 or 1; a query without a
 * positive scores 0, as sklearn does (it warns). */
int evald_average_precision(const evald_tensor *scores,
			    const evald_tensor *relevance, evald_rank_result *r,
			    evald_err *err);

/* evald_average_precision of one query given as integer relevance
 * (int64, int32, uint8 or bool) and float32 scores, both [n], n > 0: the
 * same value to the bit, without widening either.  *no_pos is 1 when no
 * item is relevant (the value is then 0).  *done is 0, and nothing
 * computed, when a relevance is not 0 or 1 (evald_average_precision on
 * the widened inputs names it). */
int evald_average_precision_f32(const float *scores,
				const evald_labels *relevance, double *value,
				int *no_pos, int *done, evald_err *err);

/* NDCG with raw gains (DCG = Σ relᵢ / log₂(i + 2)), only the top k ranks
 * counting (k <= 0: all), ties averaged; each query needs N >= 2 items, as
 * sklearn requires.  A query whose ideal DCG is 0 scores 0. */
int evald_ndcg(const evald_tensor *scores, const evald_tensor *relevance,
	       int64_t k, evald_rank_result *r, evald_err *err);

/* Options of DCG and NDCG as sklearn's dcg_score / ndcg_score take them. */
typedef struct evald_dcg_opts {
	int64_t k;	 /* only the top k ranks count; <= 0: all */
	double log_base; /* of the discount (dcg only; NDCG uses 2) */
	int ignore_ties; /* rank tied scores last position first, as
			    sklearn's reversed argsort does, instead of
			    averaging their gains */
} evald_dcg_opts;

/* sklearn's dcg_score per query (N >= 2), its mean in value. */
int evald_dcg(const evald_tensor *scores, const evald_tensor *relevance,
	      const evald_dcg_opts *o, evald_rank_result *r, evald_err *err);
/* evald_ndcg with ignore_ties. */
int evald_ndcg_opts(const evald_tensor *scores, const evald_tensor *relevance,
		    const evald_dcg_opts *o, evald_rank_result *r,
		    evald_err *err);

/* Average precision over the first k ranks only, as torchmetrics'
 * retrieval_average_precision(top_k=k): ties ordered by position, the
 * mean precision at each relevant rank <= k, 0 when there is none (counted
 * in degenerate).  k <= 0 is evald_average_precision. */
int evald_average_precision_at_k(const evald_tensor *scores,
				 const evald_tensor *relevance, int64_t k,
				 evald_rank_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
