/* state_rows.h - the rows a reference or stream keeps when asked to
 * (keep_rows): the request's choice, the --max-kept-rows bound, what is
 * stored (float32 or float64 as sent), what GET reports, and the resolver
 * that hands them to a metric, cached with the prepared references. */
#ifndef EVALD_STATE_ROWS_H
#define EVALD_STATE_ROWS_H

#include <jansson.h>

#include <evald/tensor.h>

#include "dispatch.h"
#include "store.h"
#include "verr.h"

struct pool;

/* keep_rows from the JSON body root (a boolean; may be NULL) or the query
 * (keep_rows=1|true|0|false): *keep 0 or 1.  0, or -1 with err. */
int state_rows_wanted(const svc_request *rq, json_t *root, int *keep,
		      verr *err);

/* Keeping `bytes` more rows where `held` are kept already is within
 * --max-kept-rows (0: keeping is off), else 413 naming the flag. */
int state_rows_bound(svc *s, double bytes, int64_t held, const char *what,
		     const char *path, verr *err);

/* x [N, d] (float64) as rows to store: float32 when f32 (the values came
 * as float32, so narrowing them is exact; *owned the buffer to free),
 * else x's own data. */
int state_rows_of(const evald_tensor *x, int f32, store_rows *out, void **owned,
		  verr *err);

/* 1 when v is a packed JSON tensor of dtype float32. */
int state_rows_json_f32(json_t *v);

/* Add "rows_kept" and "rows_bytes" of (kind, name) to o. */
void state_rows_report(svc *s, store_kind kind, const char *name, json_t *o);

/* Forget the cached rows of (kind, name) (a PUT or DELETE). */
void state_rows_forget(svc *s, store_kind kind, const char *name);

/* codec_rows_resolver for {"reference"} and {"stream"} given to an input
 * that takes kept rows; ctx is the svc.  The rows come from the cache or
 * the store (then cached); their handle is released when pl is freed. */
int state_resolve_rows(void *ctx, const char *kind, const char *name,
		       const char *path, struct pool *pl, evald_tensor *out,
		       verr *err);

#endif
