/* state_datasets.h - /v1/datasets: stored tables for drift reports, and
 * a stored table read back as a drift report's table (state_datasets.c). */
#ifndef EVALD_STATE_DATASETS_H
#define EVALD_STATE_DATASETS_H

#include <jansson.h>

#include "dispatch.h"
#include "drift_table.h"
#include "verr.h"

void state_dataset_put(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name);
void state_dataset_get(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name);
void state_datasets_list(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg);
void state_dataset_delete(svc *s, const svc_request *rq, svc_response *rs,
			  const char *name);

/* v is {"dataset": name} (1: read dataset `name` into t, in cx's pool,
 * with *info its {name, version, sampled, n_rows, n_kept} for the
 * report's answer) or not an object with a "dataset" key (0: t left for
 * dtab_parse); -1 with err: a bad name, no such dataset (404), no store,
 * or more than max_cols columns. */
int state_dataset_table(svc *s, const codec_ctx *cx, json_t *v,
			const char *path, int64_t max_cols, dtab *t,
			json_t **info, verr *err);

#endif
