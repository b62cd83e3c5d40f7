/* retrieval.h - per-query retrieval scores with torchmetrics 1.x's
 * semantics (functional retrieval_* and the Retrieval* classes).
 *
 * scores and relevance are [N] (one query), [Q,N] (Q queries), or [N]
 * with `indexes` [N] naming each item's query (integer ids, any order).
 * relevance must be 0 or 1.  Each query's items are ranked by score,
 * highest first; tied scores keep their input order (a stable sort).  A
 * query without a relevant item is handled as `empty` says, and the value
 * is the mean over the queries kept. */
#ifndef EVALD_RETRIEVAL_H
#define EVALD_RETRIEVAL_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum evald_retrieval_kind {
	EVALD_RETR_MRR = 0,	  /* retrieval_reciprocal_rank */
	EVALD_RETR_PRECISION = 1, /* retrieval_precision */
	EVALD_RETR_RECALL = 2,	  /* retrieval_recall */
	EVALD_RETR_HIT_RATE = 3,  /* retrieval_hit_rate */
	EVALD_RETR_MAP = 4	  /* retrieval_average_precision */
} evald_retrieval_kind;

typedef enum evald_empty_action {
	EVALD_EMPTY_NEG = 0,  /* the query scores 0 */
	EVALD_EMPTY_POS = 1,  /* the query scores 1 */
	EVALD_EMPTY_SKIP = 2, /* left out of the mean (per query: NaN) */
	EVALD_EMPTY_ERROR = 3 /* EVALD_EINVAL */
} evald_empty_action;

typedef struct evald_retrieval_opts {
	evald_retrieval_kind kind;
	int64_t top_k;	/* only the top k ranks count; <= 0: all */
	int adaptive_k; /* precision: a top_k above N becomes N */
	evald_empty_action empty;
} evald_retrieval_opts;

typedef struct evald_retrieval_result {
	double value;	   /* mean over the queries kept; 0 if none */
	double *per_query; /* [queries] (NaN for skipped), owned */
	double *query_ids; /* [queries] with indexes (ascending), owned */
	int64_t queries;
	int64_t empty; /* queries without a relevant item */
} evald_retrieval_result;

void evald_retrieval_result_free(evald_retrieval_result *r);

/* Inputs: 0 scores, 1 relevance, 2 indexes (NULL: by shape). */
int evald_retrieval(const evald_tensor *scores, const evald_tensor *relevance,
		    const evald_tensor *indexes, const evald_retrieval_opts *o,
		    evald_retrieval_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
