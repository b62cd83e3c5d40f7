/* state_refs.c - /v1/references: saved statistics (mu, sigma, n) of a
 * reference set, so FID against it costs only the other side's work.
 *
 * A reference is created from raw embeddings (JSON or a .npy body), from
 * {mu, sigma, n?}, from a .npz written by pytorch-fid / clean-fid, or
 * from a stream (mstats.c turns each into statistics); whatever the
 * source, what is stored is float64 mu and sigma (ddof 1) and the sample
 * count.  Its prepared form (the factored covariance, evald_fid_ref) is
 * computed when it is stored and kept in the refcache; after a restart,
 * the first FID against it prepares it again.  With keep_rows, the rows
 * themselves are stored with it too (state_rows.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/fid.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "log.h"
#include "mstats.h"
#include "refcache.h"
#include "respond.h"
#include "state.h"
#include "state_moments.h"
#include "state_rows.h"
#include "store.h"
#include "upload.h"

static void release_entry(void *cache, void *entry)
{
	refcache_release(cache, entry);
}

/* Prepare r and hand it to the cache; returns the handle (NULL with err
 * set on failure). */
static refcache_entry *prepare_entry(svc *s, const store_moments *r,
				     const char *path, verr *err)
{
	evald_gauss g = {r->d, r->n, r->mean, r->second};
	evald_fid_ref p;
	evald_err le;

	if (evald_fid_ref_prepare(&g, &p, &le) != EVALD_OK) {
		verr_from_lib(err, &le, path);
		return NULL;
	}
	refcache_entry *e = refcache_adopt(s->refs, r->name, r->version, &p);
	if (!e)
		verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	return e;
}

/* Precompute at PUT, so the first FID against a new reference is as cheap
 * as the next ones.  A failure costs only that: FID prepares it later. */
static void cache_prepared(svc *s, const store_moments *r)
{
	verr e;
	refcache_entry *ent = prepare_entry(s, r, "", &e);
	if (!ent)
		log_msg(LOG_WARN, "event=ref_prepare_failed name=%s error=%s",
			r->name, e.msg);
	refcache_release(s->refs, ent);
}

int state_ref_prepared(svc *s, const char *name, const char *path, pool *pl,
		       codec_stats *out, verr *err)
{
	const moments_kind *k = &state_refs_kind;
	store_moments r;
	refcache_entry *e;

	if (state_moments_read(s, k, name, path, 0, &r, err) < 0)
		return -1;
	e = refcache_get(s->refs, name, r.version);
	if (!e) {
		/* Read again with the statistics: whatever version that
		 * finds is the one prepared and cached. */
		if (state_moments_read(s, k, name, path, 1, &r, err) < 0)
			return -1;
		e = prepare_entry(s, &r, path, err);
		free(r.mean);
		free(r.second);
		if (!e)
			return -1;
	}
	if (pool_defer(pl, release_entry, s->refs, e) < 0) {
		refcache_release(s->refs, e);
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	}
	const evald_fid_ref *p = refcache_ref(e);
	int64_t s1[1] = {p->d};
	memset(out, 0, sizeof *out);
	evald_tensor_init(&out->mu, p->mu, EVALD_F64, 1, s1);
	out->n = (double)r.n;
	out->prep = p;
	return 0;
}

/* Store st (and rows, when kept) as reference name, refresh the cache
 * and answer 201. */
static void ref_store(svc *s, const char *name, const mstats *st,
		      const store_rows *rows, svc_response *rs)
{
	store_moments r = {.kind = STORE_REFERENCE,
			   .n = st->n,
			   .d = st->d,
			   .mean = st->mu,
			   .second = st->sigma,
			   .rows = rows};
	char errbuf[256];
	verr e;
	int rc;

	snprintf(r.name, sizeof r.name, "%s", name);
	rc = store_moments_put(s->store, &r, errbuf);
	if (rc != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	refcache_drop(s->refs, name);
	state_rows_forget(s, STORE_REFERENCE, name);
	if (s->cfg.ref_cache > 0)
		cache_prepared(s, &r);
	json_t *o = state_moments_json(&state_refs_kind, &r);
	if (o) {
		json_object_set_new(o, "rows_kept", json_boolean(rows != NULL));
		json_object_set_new(
			o, "rows_bytes",
			json_integer(rows ? rows->nrows * rows->d * rows->esize
					  : 0));
	}
	respond_json(rs, 201, o);
}

/* Reference name from the moments m of rows sent at path (named `where`
 * in a message). */
static void ref_put_rows(svc *s, const char *name, const evald_moments *m,
			 const store_rows *rows, const char *path,
			 const char *where, svc_response *rs)
{
	int64_t shape[2] = {m->n, m->d};
	pool *pl = pool_new();
	mstats st;
	verr e;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	if (state_check_name("reference", name, &e) < 0 ||
	    mstats_check_rows(s, 2, shape, path, where, &e) < 0 ||
	    mstats_of_moments(m, pl, path, &st, &e) < 0)
		goto fail;
	ref_store(s, name, &st, rows, rs);
	pool_free(pl);
	return;
fail:
	pool_free(pl);
	respond_error(rs, &e);
}

void state_ref_put_moments(svc *s, const char *name, const evald_moments *m,
			   const store_rows *rows, svc_response *rs)
{
	ref_put_rows(s, name, m, rows, "", "a .npy body", rs);
}

/* The rows of src as they are to be kept (float32 when they came as
 * float32), within --max-kept-rows; *owned is the caller's to free. */
static int rows_to_keep(svc *s, const mstats_src *src, store_rows *out,
			void **owned, verr *e)
{
	int f32 = src->rows_f32;
	const evald_tensor *x = &src->rows;

	if (!src->is_rows)
		return verr_set(e, E_INVALID_VALUE, "/keep_rows",
				"keep_rows keeps embeddings, and this body "
				"gives statistics only; send the embeddings "
				"[N, d] (JSON, .npy, or .npz with an "
				"\"embeddings\" array)");
	if (state_rows_bound(s,
			     (double)x->shape[0] * x->shape[1] * (f32 ? 4 : 8),
			     0, "these rows", src->path, e) < 0)
		return -1;
	return state_rows_of(x, f32, out, owned, e);
}

/* Its moments (N·d²) and its preparation (d³) are heavy work: the route
 * holds a --max-jobs slot around this (R_HEAVY in the route table). */
void state_ref_put(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name)
{
	pool *pl = pool_new();
	jsonx_doc doc = {0};
	evald_moments m = {0};
	mstats_src src;
	store_rows rows;
	void *owned = NULL;
	int keep = 0;
	verr e;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	/* The name first: a bad one costs no decoding. */
	if (state_check_name("reference", name, &e) < 0)
		goto fail;
	if (svc_is_json_type(rq->content_type)) {
		if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0 ||
		    state_rows_wanted(rq, doc.root, &keep, &e) < 0 ||
		    mstats_src_json(s, doc.root, &doc, pl, &src, &e) < 0)
			goto fail;
	} else if (state_rows_wanted(rq, NULL, &keep, &e) < 0 ||
		   mstats_src_binary(s, rq->body, rq->len, pl, &src, &e) < 0) {
		goto fail; /* the route took only JSON or binary types */
	}
	if (!src.is_rows && !keep) {
		ref_store(s, name, &src.st, NULL, rs);
	} else {
		if ((src.is_rows &&
		     mstats_check_rows(s, src.rows.ndim, src.rows.shape,
				       src.path, src.where, &e) < 0) ||
		    (keep && rows_to_keep(s, &src, &rows, &owned, &e) < 0) ||
		    mstats_rows_moments(&src.rows, &m, src.path, &e) < 0)
			goto fail;
		ref_put_rows(s, name, &m, keep ? &rows : NULL, src.path,
			     src.where, rs);
	}
	free(owned);
	evald_moments_free(&m);
	jsonx_free(&doc);
	pool_free(pl);
	return;
fail:
	free(owned);
	evald_moments_free(&m);
	jsonx_free(&doc);
	pool_free(pl);
	respond_error(rs, &e);
}

void state_refs_list(svc *s, const svc_request *rq, svc_response *rs,
		     const char *arg)
{
	state_moments_list(s, rs, &state_refs_kind, "references");
}

void state_ref_get(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name)
{
	state_moments_get(s, rq, rs, &state_refs_kind, name);
}

void state_ref_delete(svc *s, const svc_request *rq, svc_response *rs,
		      const char *name)
{
	refcache_drop(s->refs, name);
	state_rows_forget(s, STORE_REFERENCE, name);
	state_moments_delete(s, rs, &state_refs_kind, name);
}

/* Before a streamed upload's first byte (upload.h): a name it could
 * never store. */
int state_ref_upload_check(svc *s, const char *name, const svc_query *q,
			   upload_plan *plan, verr *err)
{
	svc_request rq = {.query = q};

	(void)s;
	plan->d = -1;
	if (state_check_name("reference", name, err) < 0 ||
	    state_rows_wanted(&rq, NULL, &plan->keep_rows, err) < 0)
		return -1;
	/* What --max-kept-rows refuses is known from the header. */
	return 0;
}
