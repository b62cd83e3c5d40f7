/* state_streams.c - /v1/streams: mergeable moments {n, mean, comoment} that
 * grow batch by batch or by merging partial moments computed elsewhere,
 * and the statistics sources shared with references and FID inputs.
 *
 * A stream update is a read-modify-write of its moments in one store
 * transaction (store_stream_update), committed before it is answered, so
 * concurrent appends neither lose rows nor interleave. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/moments.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "npy.h"
#include "respond.h"
#include "state.h"
#include "store.h"

/* mu and sigma (ddof 1) of accumulated moments, into the pool. */
static int stats_of_moments(const evald_moments *m, pool *pl, double *n,
			    int64_t *d, double **mu, double **sigma,
			    const char *path, verr *err)
{
	evald_err le;
	*mu = pool_alloc(pl, (size_t)m->d * sizeof(double));
	*sigma = pool_alloc(pl, (size_t)(m->d * m->d) * sizeof(double));
	if (!*mu || !*sigma)
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	memcpy(*mu, m->mean, (size_t)m->d * sizeof(double));
	if (evald_moments_cov(m, *sigma, &le) != EVALD_OK)
		return verr_from_lib(err, &le, path);
	*n = (double)m->n;
	*d = m->d;
	return 0;
}

/* mu and sigma (ddof 1) of embeddings x [N, d] (where: how to name x in
 * a message), into the pool; d is checked before sigma's d x d. */
static int stats_of_matrix(svc *s, const evald_tensor *x, pool *pl,
			   const char *path, const char *where, double *n,
			   int64_t *d, double **mu, double **sigma, verr *err)
{
	char shp[64];
	evald_err le;
	if (x->ndim != 2 || x->shape[0] < 2 || x->shape[1] < 1)
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"%s must be a matrix [N, d] with N >= 2; got "
				"shape %s",
				where, evald_shape_str(x, shp, sizeof shp));
	if (bounds_dim(s->cfg.max_dim, x->shape[1], path, err) < 0)
		return -1;
	*mu = pool_alloc(pl, (size_t)x->shape[1] * sizeof(double));
	*sigma = pool_alloc(pl, (size_t)(x->shape[1] * x->shape[1]) *
					sizeof(double));
	if (!*mu || !*sigma)
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	if (evald_moments_of(x, *mu, *sigma, &le) != EVALD_OK)
		return verr_from_lib(err, &le, path);
	*n = (double)x->shape[0];
	*d = x->shape[1];
	return 0;
}

int state_stats_from_embeddings(svc *s, const codec_ctx *cx, json_t *v,
				const char *path, double *n, int64_t *d,
				double **mu, double **sigma, verr *err)
{
	evald_tensor x;
	if (codec_tensor(cx, v, path, &x, err) < 0)
		return -1;
	return stats_of_matrix(s, &x, cx->pool, path, "embeddings", n, d, mu,
			       sigma, err);
}

/* Load a stored stream into an accumulator (caller frees). */
static int load_stream(svc *s, const char *id, const char *path,
		       evald_moments *m, verr *err)
{
	store_stream st;
	char errbuf[256];
	evald_err le;
	/* d first: a stream made under a larger --max-dim is refused before
	 * its d x d comoment is read. */
	int rc = store_stream_get(s->store, id, 0, &st, errbuf);

	if (rc == STORE_OK && bounds_dim(s->cfg.max_dim, st.d, path, err) < 0)
		return -1;
	if (rc == STORE_OK)
		rc = store_stream_get(s->store, id, 1, &st, errbuf);
	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, path,
				"no stream with id '%s'", id);
	if (rc != STORE_OK)
		return state_store_error(rc, errbuf, err);
	if (evald_moments_init(m, st.d, &le) != EVALD_OK) {
		free(st.mean);
		free(st.comoment);
		return verr_from_lib(err, &le, path);
	}
	memcpy(m->mean, st.mean, (size_t)st.d * sizeof(double));
	memcpy(m->comoment, st.comoment,
	       (size_t)(st.d * st.d) * sizeof(double));
	m->n = (int64_t)st.n;
	free(st.mean);
	free(st.comoment);
	return 0;
}

int state_stats_from_stream(svc *s, const char *id, const char *path, pool *pl,
			    double *n, int64_t *d, double **mu, double **sigma,
			    verr *err)
{
	evald_moments m = {0};
	int rc;
	if (state_need_store(s, err) < 0)
		return -1;
	if (load_stream(s, id, path, &m, err) < 0)
		return -1;
	if (m.n < 2)
		rc = verr_set(err, E_EMPTY_INPUT, path,
			      "stream %s has %lld rows; statistics need at "
			      "least 2",
			      id, (long long)m.n);
	else
		rc = stats_of_moments(&m, pl, n, d, mu, sigma, path, err);
	evald_moments_free(&m);
	return rc;
}

int state_stats_from_binary(svc *s, const char *body, size_t len, pool *pl,
			    double *n, int64_t *d, double **mu, double **sigma,
			    verr *err)
{
	evald_tensor tm, ts;
	int kind = npy_sniff(body, len);
	if (kind == 1) {
		evald_tensor x;
		if (npy_decode(body, len, pl, s->cfg.max_elems, "the .npy body",
			       &x, err) < 0)
			return -1;
		return stats_of_matrix(s, &x, pl, "", "a .npy body", n, d, mu,
				       sigma, err);
	}
	if (kind != 2)
		return verr_set(err, E_UNSUPPORTED_MEDIA_TYPE, "",
				"the body is neither a .npy array nor a .npz "
				"archive (check the magic bytes)");
	const void *m;
	size_t ml;
	size_t cap =
		(size_t)(s->cfg.max_body > 0 ? s->cfg.max_body : 1 << 28) * 4;
	if (npz_member(body, len, "mu", pl, cap, &m, &ml, err) < 0 ||
	    npy_decode(m, ml, pl, s->cfg.max_elems, "mu", &tm, err) < 0 ||
	    (tm.ndim == 1 &&
	     bounds_dim(s->cfg.max_dim, tm.shape[0], "mu", err) < 0) ||
	    npz_member(body, len, "sigma", pl, cap, &m, &ml, err) < 0 ||
	    npy_decode(m, ml, pl, s->cfg.max_elems, "sigma", &ts, err) < 0 ||
	    state_check_stats(&tm, &ts, "mu", "sigma", err) < 0)
		return -1;
	*n = 0; /* pytorch-fid's stats files do not record it */
	*d = tm.shape[0];
	*mu = tm.data;
	*sigma = ts.data;
	return 0;
}

/* The resolver behind {"reference": name} and {"stream": id} as FID
 * inputs (codec_ctx.resolve). */
int state_resolve_named(void *ctx, const char *kind, const char *name,
			const char *path, pool *pl, codec_stats *out, verr *err)
{
	svc *s = ctx;
	double *m = NULL, *sg = NULL;
	int64_t d = 0;

	if (state_need_store(s, err) < 0)
		return -1;
	if (strcmp(kind, "stream"))
		return state_ref_prepared(s, name, path, pl, out, err);
	if (state_stats_from_stream(s, name, path, pl, &out->n, &d, &m, &sg,
				    err) < 0)
		return -1;
	int64_t s1[1] = {d}, s2[2] = {d, d};
	evald_tensor_init(&out->mu, m, EVALD_F64, 1, s1);
	evald_tensor_init(&out->sigma, sg, EVALD_F64, 2, s2);
	return 0;
}

/* ------------------------------------------------------------ routes */

static json_t *stream_json(const store_stream *st)
{
	return json_pack("{s:s, s:I, s:I, s:f, s:f}", "id", st->id, "d",
			 (json_int_t)st->d, "n", (json_int_t)st->n, "created",
			 st->created, "updated", st->updated);
}

void state_stream_create(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg)
{
	jsonx_doc doc = {0};
	char id[33], errbuf[256];
	verr e;
	static const char *const keys[] = {"dim", NULL};

	if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0)
		goto fail;
	if (jsonx_check_keys(doc.root, keys, "",
			     "a stream is created from {\"dim\": d}", &e) < 0)
		goto fail;
	json_t *dim = json_object_get(doc.root, "dim");
	if (!json_is_integer(dim) || json_integer_value(dim) < 1) {
		verr_set(&e, dim ? E_INVALID_VALUE : E_MISSING_INPUT, "/dim",
			 "dim must be a positive integer");
		goto fail;
	}
	json_int_t d = json_integer_value(dim);
	if (bounds_dim(s->cfg.max_dim, d, "/dim", &e) < 0)
		goto fail;
	int rc = store_stream_create(s->store, d, id, errbuf);
	if (rc != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		goto fail;
	}
	jsonx_free(&doc);
	respond_json(rs, 201,
		     json_pack("{s:s, s:I, s:i}", "id", id, "d", d, "n", 0));
	return;
fail:
	jsonx_free(&doc);
	respond_error(rs, &e);
}

/* What one update merges into a stream, for merge_cb. */
typedef struct merge_ctx {
	int moments; /* 0: rows x; 1: partial moments {n, mean, com} */
	const evald_tensor *x, *mean, *com;
	const evald_moments *batch; /* x's own moments, for rows */
	double n;
	const char *id;
	verr *e;
	int64_t n_after, d; /* the stream's after a merge */
} merge_ctx;

/* Inside store_stream_update's transaction: merge the batch into the
 * stored moments, in place, or refuse with c->e. */
static int merge_cb(void *ctx, store_stream *st)
{
	merge_ctx *c = ctx;
	const char *id = c->id;
	verr *e = c->e;
	const evald_tensor *x = c->x, *mean = c->mean, *com = c->com;
	/* Borrow the stored buffers: a failed merge is rolled back anyway. */
	evald_moments m = {.d = st->d,
			   .n = (int64_t)st->n,
			   .mean = st->mean,
			   .comoment = st->comoment};
	evald_err le;

	if (!c->moments) {
		char shp[64];
		if (x->ndim != 2 || x->shape[1] != m.d)
			return verr_set(e, E_SHAPE_MISMATCH, "/embeddings",
					"stream %s has d = %lld; embeddings "
					"must be [N, %lld], got %s",
					id, (long long)m.d, (long long)m.d,
					evald_shape_str(x, shp, sizeof shp));
		if (evald_moments_merge_into(&m, c->batch, &le) != EVALD_OK)
			return verr_from_lib(e, &le, "/embeddings");
	} else {
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
		if (evald_moments_merge(&m, (int64_t)c->n, mean->data,
					com->data, &le) != EVALD_OK)
			return verr_from_lib(
				e, &le, le.input == 1 ? "/comoment" : "/mean");
	}
	st->n = (double)m.n;
	c->n_after = m.n;
	c->d = m.d;
	return 0;
}

/* A POST .../batches body: {"embeddings": tensor} as JSON, or a .npy
 * body.  x points into doc or pl. */
static int stream_body_rows(svc *s, const svc_request *rq, jsonx_doc *doc,
			    pool *pl, evald_tensor *x, verr *e)
{
	static const char *const keys[] = {"embeddings", NULL};
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};

	if (state_is_binary_type(rq->content_type))
		return npy_decode(rq->body, rq->len, pl, s->cfg.max_elems,
				  "the .npy body", x, e);
	if (svc_parse_body(&s->cfg, rq->body, rq->len, doc, e) < 0 ||
	    jsonx_check_keys(doc->root, keys, "", NULL, e) < 0)
		return -1;
	json_t *emb = json_object_get(doc->root, "embeddings");
	if (!emb)
		return verr_set(e, E_MISSING_INPUT, "/embeddings",
				"send {\"embeddings\": [N, d] tensor}");
	return codec_tensor(&cx, emb, "/embeddings", x, e);
}

/* A POST .../moments body: partial moments {"n", "mean", "comoment"}.
 * mean and com point into doc or pl. */
static int stream_body_moments(svc *s, const svc_request *rq, jsonx_doc *doc,
			       pool *pl, double *n, evald_tensor *mean,
			       evald_tensor *com, verr *e)
{
	static const char *const keys[] = {"n", "mean", "comoment", NULL};
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};

	if (svc_parse_body(&s->cfg, rq->body, rq->len, doc, e) < 0 ||
	    jsonx_check_keys(doc->root, keys, "", NULL, e) < 0)
		return -1;
	json_t *jn = json_object_get(doc->root, "n");
	json_t *jm = json_object_get(doc->root, "mean");
	json_t *jc = json_object_get(doc->root, "comoment");
	if (!jn || !jm || !jc)
		return verr_set(e, E_MISSING_INPUT,
				!jn   ? "/n"
				: !jm ? "/mean"
				      : "/comoment",
				"partial moments need n, mean and comoment");
	if (codec_number(&cx, jn, "/n", n, e) < 0 ||
	    bounds_count(*n, "/n", e) < 0 ||
	    codec_tensor(&cx, jm, "/mean", mean, e) < 0 ||
	    codec_tensor(&cx, jc, "/comoment", com, e) < 0)
		return -1;
	return 0;
}

/* The rows' own moments (N·d² work), computed outside the store's
 * transaction, which then only merges them (d²): a large batch does not
 * hold up every other write to the store. */
static int batch_moments(svc *s, const evald_tensor *x, evald_moments *batch,
			 verr *e)
{
	evald_err le;

	if (x->ndim != 2 || x->shape[1] < 1)
		return 0; /* merge_cb names the shape it wants */
	if (bounds_dim(s->cfg.max_dim, x->shape[1], "/embeddings", e) < 0)
		return -1;
	if (evald_moments_init(batch, x->shape[1], &le) != EVALD_OK ||
	    evald_moments_add(batch, x, &le) != EVALD_OK)
		return verr_from_lib(e, &le, "/embeddings");
	return 0;
}

/* Merge mc into stream id in one store transaction; 0 or -1 with e. */
static int stream_merge(svc *s, const char *id, merge_ctx *mc, verr *e)
{
	char errbuf[256];
	int rc = store_stream_update(s->store, id, merge_cb, mc, errbuf);

	if (rc == STORE_NOTFOUND)
		return verr_set(e, E_NOT_FOUND, "", "no stream with id '%s'",
				id);
	if (rc == STORE_ABORTED)
		return -1; /* merge_cb filled e */
	if (rc != STORE_OK)
		return state_store_error(rc, errbuf, e);
	return 0;
}

/* Append a batch of rows or merge partial moments into stream `id`.
 * Everything is decoded first: the store transaction covers only the
 * merge into the stored moments. */
static void update_stream(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id, int moments)
{
	jsonx_doc doc = {0};
	pool *pl = pool_new();
	evald_tensor x = {0}, mean = {0}, com = {0};
	evald_moments batch = {0};
	double n = 0;
	verr e;
	int rc = -1;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto out;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (moments) {
		if (stream_body_moments(s, rq, &doc, pl, &n, &mean, &com, &e) <
		    0)
			goto out;
	} else if (stream_body_rows(s, rq, &doc, pl, &x, &e) < 0 ||
		   batch_moments(s, &x, &batch, &e) < 0) {
		goto out;
	}
	merge_ctx mc = {.moments = moments,
			.x = &x,
			.mean = &mean,
			.com = &com,
			.batch = &batch,
			.n = n,
			.id = id,
			.e = &e};
	if (stream_merge(s, id, &mc, &e) < 0)
		goto out;
	rc = 0;
	respond_json(rs, 200,
		     json_pack("{s:s, s:I, s:I}", "id", id, "n",
			       (json_int_t)mc.n_after, "d", (json_int_t)mc.d));
out:
	evald_moments_free(&batch);
	jsonx_free(&doc);
	pool_free(pl);
	if (rc < 0)
		respond_error(rs, &e);
}

/* POST /v1/streams/{id}/batches of rows streamed into m (upload.c). */
void state_stream_add_moments(svc *s, const char *id, const evald_moments *m,
			      svc_response *rs)
{
	evald_tensor x = {.ndim = 2, .shape = {m->n, m->d}};
	verr e;
	merge_ctx mc = {.x = &x, .batch = m, .id = id, .e = &e};

	if (stream_merge(s, id, &mc, &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200,
		     json_pack("{s:s, s:I, s:I}", "id", id, "n",
			       (json_int_t)mc.n_after, "d", (json_int_t)mc.d));
}

/* Before a streamed upload's first byte: the stream exists, and its d. */
int state_stream_upload_check(svc *s, const char *id, int64_t *d, verr *err)
{
	store_stream st;
	char errbuf[256];
	int rc = store_stream_get(s->store, id, 0, &st, errbuf);

	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, "", "no stream with id '%s'",
				id);
	if (rc != STORE_OK)
		return state_store_error(rc, errbuf, err);
	*d = st.d;
	return 0;
}

void state_stream_batches(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id)
{
	update_stream(s, rq, rs, id, 0);
}

void state_stream_moments(svc *s, const svc_request *rq, svc_response *rs,
			  const char *id)
{
	update_stream(s, rq, rs, id, 1);
}

static void stream_failed(int rc, const char *errbuf, const char *id,
			  svc_response *rs)
{
	verr e;
	if (rc == STORE_NOTFOUND)
		verr_set(&e, E_NOT_FOUND, "", "no stream with id '%s'", id);
	else
		state_store_error(rc, errbuf, &e);
	respond_error(rs, &e);
}

void state_stream_delete(svc *s, const svc_request *rq, svc_response *rs,
			 const char *id)
{
	char errbuf[256];
	int rc = store_stream_delete(s->store, id, errbuf);

	if (rc != STORE_OK) {
		stream_failed(rc, errbuf, id, rs);
		return;
	}
	respond_json(rs, 200, json_pack("{s:s, s:b}", "id", id, "deleted", 1));
}

void state_stream_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *id)
{
	char errbuf[256];
	store_stream st;
	verr e;
	int rc, with = state_include(rq, "moments", &e);

	if (with < 0) {
		respond_error(rs, &e);
		return;
	}
	rc = store_stream_get(s->store, id, 0, &st, errbuf);
	if (rc == STORE_OK && with &&
	    bounds_response(s->cfg.max_response,
			    ((double)st.d * (double)st.d + (double)st.d) *
				    BOUNDS_BYTES_PER_REAL,
			    "mean and comoment", "", &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	if (rc == STORE_OK && with)
		rc = store_stream_get(s->store, id, 1, &st, errbuf);
	if (rc != STORE_OK) {
		stream_failed(rc, errbuf, id, rs);
		return;
	}
	json_t *o = stream_json(&st);
	if (with) {
		int64_t shape[2] = {st.d, st.d};
		int nf = 0;
		json_object_set_new(o, "mean",
				    codec_array_json(st.mean, 1, shape, &nf));
		json_object_set_new(
			o, "comoment",
			codec_array_json(st.comoment, 2, shape, &nf));
		free(st.mean);
		free(st.comoment);
	}
	respond_json(rs, 200, o);
}
