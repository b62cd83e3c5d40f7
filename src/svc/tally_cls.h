/* tally_cls.h - the "classification" row of the tally kinds
 * (tally_kinds.h): a k x k confusion matrix of counts. */
#ifndef EVALD_TALLY_CLS_H
#define EVALD_TALLY_CLS_H

#include "tally_kinds.h"

json_t *tally_cls_params(json_t *given, int64_t max_dim, int64_t *size,
			 verr *e);
int tally_cls_add(double *state, const json_t *params, const tally_batch *b,
		  evald_err *err);
int tally_cls_merge(double *into, const double *from, const json_t *params,
		    evald_err *err);
int tally_cls_check(const double *state, const json_t *params, int64_t n,
		    evald_err *err);
json_t *tally_cls_scores(const double *state, const json_t *params,
			 json_t *warnings, evald_err *err);

#endif
