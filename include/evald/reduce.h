/* reduce.h - reductions and the result record of losses.
 *
 * Every loss computes a per-element (or per-sample) loss array and then
 * reduces it.  With EVALD_REDUCE_NONE the array is handed to the caller in
 * `values` (malloc'd, freed by evald_result_free); otherwise `value` holds
 * the reduced scalar and `values` is NULL. */
#ifndef EVALD_REDUCE_H
#define EVALD_REDUCE_H

#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	EVALD_REDUCE_MEAN = 0,
	EVALD_REDUCE_SUM,
	EVALD_REDUCE_NONE
} evald_reduction;

typedef struct evald_result {
	double value;
	double *values; /* owned; NULL unless reduction == NONE */
	int ndim;	/* shape of `values` */
	int64_t shape[EVALD_MAX_DIMS];
} evald_result;

void evald_result_free(evald_result *r);

/* Reduce `n` per-element losses held in `buf` (ownership passes to this
 * function): for NONE, buf becomes r->values with the given shape; else it
 * is summed (pairwise, for accuracy on large n) and freed. */
int evald_result_reduce(evald_result *r, double *buf, int64_t n,
			evald_reduction red, int ndim, const int64_t *shape);

/* Pairwise (cascade) sum: error grows as O(log n), not O(n). */
double evald_sum(const double *x, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
