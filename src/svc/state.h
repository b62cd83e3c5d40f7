/* state.h - the State routes (series, references, streams, tallies), recording
 * of compute results into series, and the Prometheus exposition. */
#ifndef EVALD_STATE_H
#define EVALD_STATE_H

#include <jansson.h>

#include <evald/moments.h>
#include <evald/tensor.h>

#include "dispatch.h"
#include "verr.h"

/* Validate a request's "record" object, a value of doc's tree, before any
 * work is done (its labels against --max-labels). */
struct jsonx_doc;
int state_record_check(svc *s, const struct jsonx_doc *doc, json_t *record,
		       verr *err);

/* Store result's value under record.series ("<series>/<metric>" for each
 * entry of an evaluate); adds "recorded" to the result(s). */
int state_record(svc *s, json_t *record, json_t *result, int evaluate,
		 verr *err);

/* Route handlers (see the route table in dispatch.c, which has checked
 * the store, the body's type and the query before they run); `arg` is
 * the matched name or id. */
void state_series_list(svc *s, const svc_request *rq, svc_response *rs,
		       const char *arg);
void state_series_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *name);
void state_refs_list(svc *s, const svc_request *rq, svc_response *rs,
		     const char *arg);
void state_ref_get(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name);
void state_ref_put(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name);
void state_ref_delete(svc *s, const svc_request *rq, svc_response *rs,
		      const char *name);
void state_stream_create(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg);
void state_stream_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *id);
void state_stream_delete(svc *s, const svc_request *rq, svc_response *rs,
			 const char *id);
void state_stream_batches(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id);
void state_stream_moments(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id);
void state_tally_put(svc *s, const svc_request *rq, svc_response *rs,
		     const char *name);
void state_tally_get(svc *s, const svc_request *rq, svc_response *rs,
		     const char *name);
void state_tallies_list(svc *s, const svc_request *rq, svc_response *rs,
			const char *arg);
void state_tally_delete(svc *s, const svc_request *rq, svc_response *rs,
			const char *name);
void state_tally_batches(svc *s, const svc_request *rq, svc_response *rs,
			 const char *name);
void state_tally_merge(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name);

/* PUT /v1/references/{name} and POST /v1/streams/{id}/batches for rows
 * already reduced to their moments m (a .npy body read as it arrived):
 * the same checks, store writes, cache refresh and answer as those routes
 * give the same rows sent as one .npy body.  m stays the caller's; rows
 * (NULL unless the upload kept them) too. */
struct store_rows;
void state_ref_put_moments(svc *s, const char *name, const evald_moments *m,
			   const struct store_rows *rows, svc_response *rs);
void state_stream_add_moments(svc *s, const char *id, const evald_moments *m,
			      const struct store_rows *rows, svc_response *rs);

struct pool;

/* codec_resolver for {"reference"} and {"stream"} inputs; ctx is the svc. */
struct codec_stats;
int state_resolve_named(void *ctx, const char *kind, const char *name,
			const char *path, struct pool *pl,
			struct codec_stats *out, verr *err);
/* The prepared form of reference `name` into out (see codec_stats): from
 * the cache, or read from the store, prepared and cached.  Its handle is
 * released when pl is freed. */
int state_ref_prepared(svc *s, const char *name, const char *path,
		       struct pool *pl, struct codec_stats *out, verr *err);
/* application/octet-stream or application/x-npy (dispatch.c). */
int state_is_binary_type(const char *content_type);

/* The checks a streamed .npy upload (upload.h) makes before its first
 * byte: the name is one a reference may have; the stream exists (*d its
 * dimension, -1 for any). */
struct upload_plan;
int state_ref_upload_check(svc *s, const char *name, const svc_query *q,
			   struct upload_plan *plan, verr *err);
int state_stream_upload_check(svc *s, const char *id, const svc_query *q,
			      struct upload_plan *plan, verr *err);

/* 0 when `name` is a valid name of a stored resource (1 to 128 letters,
 * digits and . _ -), else an invalid_value in err saying that `what`
 * ("reference", "tally") names are so made. */
int state_check_name(const char *what, const char *name, verr *err);

/* 0 when the store is open, else a 503 not_ready in err. */
int state_need_store(svc *s, verr *err);

/* Map a store_* failure to an error (507 for a full disk). */
int state_store_error(int rc, const char *errbuf, verr *err);

/* A list route's answer, {field: arr}, taking arr; or, when the listing
 * failed (rc, errbuf from the store, or arr NULL for lack of memory), its
 * error, arr freed. */
void state_list_answer(svc_response *rs, int rc, const char *errbuf,
		       const char *field, json_t *arr);

/* GET /metrics. */
void state_prometheus(svc *s, svc_response *rs);

#endif
