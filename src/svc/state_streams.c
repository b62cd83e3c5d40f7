/* state_streams.c - /v1/streams: mergeable moments {n, mean, comoment} that
 * grow batch by batch or by merging partial moments computed elsewhere.
 *
 * A stream update is a read-modify-write of its moments in one store
 * transaction (store_moments_update), committed before it is answered, so
 * concurrent appends neither lose rows nor interleave.  The rows' own
 * moments (N·d² work) are computed before it, so the transaction only
 * merges (d²) and a large batch does not hold up every other write.  A
 * stream created with keep_rows also appends each batch's rows, in the
 * same transaction (state_rows.h); it then takes no partial moments,
 * which carry no rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/moments.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "mstats.h"
#include "npy.h"
#include "respond.h"
#include "state.h"
#include "state_moments.h"
#include "state_rows.h"
#include "store.h"
#include "upload.h"

void state_stream_create(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg)
{
	jsonx_doc doc = {0};
	store_moments m = {.kind = STORE_STREAM};
	store_rows none = {0};
	char errbuf[256];
	int keep = 0;
	verr e;
	static const char *const keys[] = {"dim", "keep_rows", NULL};

	if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0)
		goto fail;
	if (jsonx_check_keys(doc.root, keys, "",
			     "a stream is created from {\"dim\": d, "
			     "\"keep_rows\"?: bool}",
			     &e) < 0 ||
	    state_rows_wanted(rq, doc.root, &keep, &e) < 0 ||
	    (keep && state_rows_bound(s, 0, 0, "rows", "/keep_rows", &e) < 0))
		goto fail;
	m.rows = keep ? &none : NULL;
	json_t *dim = json_object_get(doc.root, "dim");
	if (!json_is_integer(dim) || json_integer_value(dim) < 1) {
		verr_set(&e, dim ? E_INVALID_VALUE : E_MISSING_INPUT, "/dim",
			 "dim must be a positive integer");
		goto fail;
	}
	m.d = json_integer_value(dim);
	if (bounds_dim(s->cfg.max_dim, m.d, "/dim", &e) < 0)
		goto fail;
	int rc = store_moments_create(s->store, &m, errbuf);
	if (rc != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		goto fail;
	}
	jsonx_free(&doc);
	respond_json(rs, 201,
		     json_pack("{s:s, s:I, s:i, s:b, s:i}", "id", m.name, "d",
			       (json_int_t)m.d, "n", 0, "rows_kept", keep,
			       "rows_bytes", 0));
	return;
fail:
	jsonx_free(&doc);
	respond_error(rs, &e);
}

/* What one update merges into a stream, for merge_cb. */
typedef struct merge_ctx {
	/* rows: their moments (NULL when they are not a matrix [N, d >= 1])
	 * and their shape as sent, for a refusal */
	const evald_moments *batch;
	/* the batch's rows, kept if the stream keeps them: as an upload
	 * kept them, or x made into them when needed (owned then) */
	const store_rows *rows;
	const evald_tensor *x;
	int f32;
	store_rows made;
	void *owned;
	const char *shape;
	/* or partial moments {n, mean, comoment} as sent (mean non-NULL) */
	const evald_tensor *mean, *com;
	int64_t n;
	const char *id;
	verr *e;
	svc *s;
	int64_t n_after, d; /* the stream's after a merge */
} merge_ctx;

/* Inside store_moments_update's transaction: merge into the stored
 * moments, in place, or refuse with c->e. */
static int merge_cb(void *ctx, store_moments *sm)
{
	merge_ctx *c = ctx;
	verr *e = c->e;
	const evald_tensor *mean = c->mean, *com = c->com;
	/* Borrow the stored buffers: a failed merge is rolled back anyway. */
	evald_moments m = {.d = sm->d,
			   .n = sm->n,
			   .mean = sm->mean,
			   .comoment = sm->second};
	evald_err le;
	svc *s = c->s;

	if (!mean) {
		if (!c->batch || c->batch->d != m.d)
			return verr_set(e, E_SHAPE_MISMATCH, "/embeddings",
					"stream %s has d = %lld; embeddings "
					"must be [N, %lld], got %s",
					c->id, (long long)m.d, (long long)m.d,
					c->shape);
		if (sm->rows_kept && !c->rows && c->x) {
			if (state_rows_of(c->x, c->f32, &c->made, &c->owned,
					  e) < 0)
				return -1;
			c->rows = &c->made;
		}
		if (sm->rows_kept &&
		    (!c->rows ||
		     state_rows_bound(s,
				      (double)c->rows->nrows * c->rows->d *
					      c->rows->esize,
				      sm->rows_bytes, "this batch's rows",
				      "/embeddings", e) < 0))
			return c->rows ? -1
				       : verr_set(e, E_INTERNAL_ERROR,
						  "/embeddings",
						  "the batch's rows were not "
						  "kept");
		if (evald_moments_merge_into(&m, c->batch, &le) != EVALD_OK)
			return verr_from_lib(e, &le, "/embeddings");
		sm->rows = sm->rows_kept ? c->rows : NULL;
	} else {
		if (sm->rows_kept)
			return verr_set(e, E_NOT_SUPPORTED, "",
					"stream %s keeps its rows, and partial "
					"moments carry none: send the rows to "
					".../batches instead",
					c->id);
		if (mean->ndim != 1 || mean->shape[0] != m.d)
			return verr_set(e, E_SHAPE_MISMATCH, "/mean",
					"mean must be [%lld] for this stream",
					(long long)m.d);
		if (com->ndim != 2 || com->shape[0] != m.d ||
		    com->shape[1] != m.d)
			return verr_set(
				e, E_SHAPE_MISMATCH, "/comoment",
				"comoment must be [%lld, %lld] for this stream",
				(long long)m.d, (long long)m.d);
		if (evald_moments_merge(&m, c->n, mean->data, com->data, &le) !=
		    EVALD_OK)
			return verr_from_lib(
				e, &le, le.input == 1 ? "/comoment" : "/mean");
	}
	sm->n = m.n;
	c->n_after = m.n;
	c->d = m.d;
	return 0;
}

/* Merge mc into stream id in one store transaction and answer with the
 * stream's new total. */
static void stream_merge(svc *s, const char *id, merge_ctx *mc,
			 svc_response *rs)
{
	char errbuf[256];
	int rc;

	mc->s = s;
	rc = store_moments_update(s->store, STORE_STREAM, id, merge_cb, mc,
				  errbuf);
	free(mc->owned);
	mc->owned = NULL;
	if (rc == STORE_OK) {
		respond_json(rs, 200,
			     json_pack("{s:s, s:I, s:I}", "id", id, "n",
				       (json_int_t)mc->n_after, "d",
				       (json_int_t)mc->d));
		return;
	}
	if (rc != STORE_ABORTED) /* else merge_cb filled e */
		state_moments_error(&state_streams_kind, id, rc, errbuf, "",
				    mc->e);
	respond_error(rs, mc->e);
}

/* Rows whose moments are batch (NULL: not a matrix), of the shape
 * given, into stream id; rows appended when the stream keeps them. */
static void stream_add(svc *s, const char *id, const evald_moments *batch,
		       const store_rows *rows, const evald_tensor *x, int f32,
		       const char *shape, svc_response *rs)
{
	verr e;
	merge_ctx mc = {.batch = batch,
			.rows = rows,
			.x = x,
			.f32 = f32,
			.shape = shape,
			.id = id,
			.e = &e};

	if (batch &&
	    bounds_dim(s->cfg.max_dim, batch->d, "/embeddings", &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	stream_merge(s, id, &mc, rs);
}

void state_stream_add_moments(svc *s, const char *id, const evald_moments *m,
			      const store_rows *rows, svc_response *rs)
{
	int64_t shape[2] = {m->n, m->d};
	evald_tensor t;
	char shp[64] = "";

	/* The shape a .npy of these rows had, for a refusal. */
	if (evald_tensor_init(&t, NULL, EVALD_F64, 2, shape) == EVALD_OK)
		evald_shape_str(&t, shp, sizeof shp);
	stream_add(s, id, m, rows, NULL, 0, shp, rs);
}

/* A POST .../batches body: {"embeddings": tensor} as JSON, or a .npy
 * body.  x points into doc or pl. */
static int stream_body_rows(svc *s, const svc_request *rq, jsonx_doc *doc,
			    pool *pl, evald_tensor *x, int *f32, verr *e)
{
	static const char *const keys[] = {"embeddings", NULL};
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};
	npy_info in;

	if (state_is_binary_type(rq->content_type)) {
		if (npy_decode(rq->body, rq->len, pl, s->cfg.max_elems,
			       "the .npy body", x, e) < 0)
			return -1;
		*f32 = npy_head(rq->body, rq->len, "the .npy body", &in, e) ==
			       0 &&
		       in.dtype == EVALD_F32;
		return 0;
	}
	if (svc_parse_body(&s->cfg, rq->body, rq->len, doc, e) < 0 ||
	    jsonx_check_keys(doc->root, keys, "", NULL, e) < 0)
		return -1;
	json_t *emb = json_object_get(doc->root, "embeddings");
	if (!emb)
		return verr_set(e, E_MISSING_INPUT, "/embeddings",
				"send {\"embeddings\": [N, d] tensor}");
	*f32 = state_rows_json_f32(emb);
	return codec_tensor(&cx, emb, "/embeddings", x, e);
}

void state_stream_batches(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id)
{
	jsonx_doc doc = {0};
	pool *pl = pool_new();
	evald_tensor x = {0};
	evald_moments batch = {0};
	char shp[64];
	int f32 = 0;
	verr e;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (stream_body_rows(s, rq, &doc, pl, &x, &f32, &e) < 0)
		goto fail;
	if (x.ndim != 2 || x.shape[1] < 1) {
		/* merge_cb names the shape the stream wants */
		stream_add(s, id, NULL, NULL, NULL, 0,
			   evald_shape_str(&x, shp, sizeof shp), rs);
	} else {
		/* The rows as they would be kept: used only if the stream
		 * keeps them (known inside the update). */
		if (bounds_dim(s->cfg.max_dim, x.shape[1], "/embeddings", &e) <
			    0 ||
		    mstats_rows_moments(&x, &batch, "/embeddings", &e) < 0)
			goto fail;
		stream_add(s, id, &batch, NULL, &x, f32,
			   evald_shape_str(&x, shp, sizeof shp), rs);
	}
	evald_moments_free(&batch);
	jsonx_free(&doc);
	pool_free(pl);
	return;
fail:
	evald_moments_free(&batch);
	jsonx_free(&doc);
	pool_free(pl);
	respond_error(rs, &e);
}

/* POST .../moments: partial moments {"n", "mean", "comoment"}. */
void state_stream_moments(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id)
{
	static const char *const keys[] = {"n", "mean", "comoment", NULL};
	jsonx_doc doc = {0};
	pool *pl = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = pl, .max_elems = s->cfg.max_elems};
	evald_tensor mean = {0}, com = {0};
	double n = 0;
	verr e;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0 ||
	    jsonx_check_keys(doc.root, keys, "", NULL, &e) < 0)
		goto fail;
	json_t *jn = json_object_get(doc.root, "n");
	json_t *jm = json_object_get(doc.root, "mean");
	json_t *jc = json_object_get(doc.root, "comoment");
	if (!jn || !jm || !jc) {
		verr_set(&e, E_MISSING_INPUT,
			 !jn   ? "/n"
			 : !jm ? "/mean"
			       : "/comoment",
			 "partial moments need n, mean and comoment");
		goto fail;
	}
	if (codec_number(&cx, jn, "/n", &n, &e) < 0 ||
	    bounds_count(n, "/n", &e) < 0 ||
	    codec_tensor(&cx, jm, "/mean", &mean, &e) < 0 ||
	    codec_tensor(&cx, jc, "/comoment", &com, &e) < 0)
		goto fail;
	merge_ctx mc = {
		.mean = &mean, .com = &com, .n = (int64_t)n, .id = id, .e = &e};
	stream_merge(s, id, &mc, rs);
	jsonx_free(&doc);
	pool_free(pl);
	return;
fail:
	jsonx_free(&doc);
	pool_free(pl);
	respond_error(rs, &e);
}

void state_stream_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *id)
{
	state_moments_get(s, rq, rs, &state_streams_kind, id);
}

void state_stream_delete(svc *s, const svc_request *rq, svc_response *rs,
			 const char *id)
{
	state_rows_forget(s, STORE_STREAM, id);
	state_moments_delete(s, rs, &state_streams_kind, id);
}

/* Before a streamed upload's first byte (upload.h): the stream exists,
 * and the d its rows must have. */
int state_stream_upload_check(svc *s, const char *id, const svc_query *q,
			      upload_plan *plan, verr *err)
{
	store_moments m;
	store_rows_info ri;
	char errbuf[256];
	int rc;

	(void)q;
	if (state_moments_read(s, &state_streams_kind, id, "", 0, &m, err) < 0)
		return -1;
	plan->d = m.d;
	/* Whether it keeps rows, and how many bytes: the bound is checked
	 * from the header, and again in the update. */
	rc = store_rows_info_get(s->store, STORE_STREAM, id, &ri, errbuf);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return state_store_error(rc, errbuf, err);
	plan->keep_rows = rc == STORE_OK;
	plan->kept = rc == STORE_OK ? ri.bytes : 0;
	return 0;
}
