/* state_refs.c - /v1/references: saved statistics (mu, sigma, n) of a
 * reference set, so FID against it costs only the other side's work.
 *
 * A reference is created from raw embeddings (JSON or a .npy body), from
 * {mu, sigma, n?}, from a .npz written by pytorch-fid / clean-fid, or
 * from a stream; whatever the source, what is stored is float64 mu and
 * sigma (ddof 1) and the sample count.  Its prepared form (the factored
 * covariance, evald_fid_ref) is computed when it is stored and kept in
 * the refcache; after a restart, the first FID against it prepares it
 * again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <evald/fid.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "log.h"
#include "refcache.h"
#include "respond.h"
#include "state.h"
#include "store.h"

static int valid_ref_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

static json_t *ref_meta_json(const store_ref *r)
{
	/* n is a count, an integer; one out of range can only be a row
	 * stored before n was checked, and is shown as unknown (0). */
	json_int_t n =
		r->n >= 0 && r->n <= BOUNDS_MAX_COUNT ? (json_int_t)r->n : 0;
	return json_pack("{s:s, s:I, s:I, s:f}", "name", r->name, "n", n, "d",
			 (json_int_t)r->d, "created", r->created);
}

/* Check that mu [d] and sigma [d,d] form valid statistics (the same rule
 * FID applies to its inputs). */
int state_check_stats(const evald_tensor *mu, const evald_tensor *sigma,
		      const char *mu_path, const char *sigma_path, verr *err)
{
	evald_err le;
	if (evald_fid_check_gauss(mu, sigma, &le) == EVALD_OK)
		return 0;
	return verr_from_lib(err, &le, le.input == 1 ? sigma_path : mu_path);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Statistics of a PUT body, owned by the pool. */
typedef struct ref_stats {
	double n;
	int64_t d;
	double *mu, *sigma;
} ref_stats;

static int stats_from_json(svc *s, json_t *root, const jsonx_doc *doc, pool *pl,
			   ref_stats *out, verr *err)
{
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};
	json_t *mu = json_object_get(root, "mu");
	json_t *sigma = json_object_get(root, "sigma");
	json_t *n = json_object_get(root, "n");
	json_t *emb = json_object_get(root, "embeddings");
	json_t *stream = json_object_get(root, "stream");
	static const char *const keys[] = {"mu",	 "sigma",  "n",
					   "embeddings", "stream", NULL};

	if (jsonx_check_keys(root, keys, "",
			     "a reference is made from \"embeddings\", "
			     "{\"mu\", \"sigma\", \"n\"?} or \"stream\"",
			     err) < 0)
		return -1;
	if (!!emb + !!(mu || sigma) + !!stream != 1)
		return verr_set(err, E_INVALID_VALUE, "",
				"give exactly one source: \"embeddings\", "
				"{\"mu\", \"sigma\"} or \"stream\"");
	if (emb)
		return state_stats_from_embeddings(s, &cx, emb, "/embeddings",
						   &out->n, &out->d, &out->mu,
						   &out->sigma, err);
	if (stream) {
		if (!json_is_string(stream))
			return verr_set(err, E_WRONG_TYPE, "/stream",
					"stream must be a stream id string");
		return state_stats_from_stream(s, json_string_value(stream),
					       "/stream", pl, &out->n, &out->d,
					       &out->mu, &out->sigma, err);
	}
	evald_tensor tm, ts;
	if (!mu || !sigma)
		return verr_set(err, E_MISSING_INPUT, mu ? "/sigma" : "/mu",
				"statistics need both mu and sigma");
	out->n = 0;
	if (n && (codec_number(&cx, n, "/n", &out->n, err) < 0 ||
		  bounds_count(out->n, "/n", err) < 0))
		return -1;
	/* mu's length is checked before sigma, its square, is decoded. */
	if (codec_tensor(&cx, mu, "/mu", &tm, err) < 0 ||
	    (tm.ndim == 1 &&
	     bounds_dim(s->cfg.max_dim, tm.shape[0], "/mu", err) < 0) ||
	    codec_tensor(&cx, sigma, "/sigma", &ts, err) < 0 ||
	    state_check_stats(&tm, &ts, "/mu", "/sigma", err) < 0)
		return -1;
	out->d = tm.shape[0];
	out->mu = tm.data;
	out->sigma = ts.data;
	return 0;
}

static void release_entry(void *cache, void *entry)
{
	refcache_release(cache, entry);
}

/* Prepare r and hand it to the cache; returns the handle (NULL with err
 * set on failure). */
static refcache_entry *prepare_entry(svc *s, const store_ref *r,
				     const char *path, verr *err)
{
	evald_gauss g = {r->d, (int64_t)r->n, r->mu, r->sigma};
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
static void cache_prepared(svc *s, const store_ref *r)
{
	verr e;
	refcache_entry *ent = prepare_entry(s, r, "", &e);
	if (!ent)
		log_msg(LOG_WARN, "event=ref_prepare_failed name=%s error=%s",
			r->name, e.msg);
	refcache_release(s->refs, ent);
}

/* store_ref_get with its failures as errors (404 for an unknown name). */
static int get_ref(svc *s, const char *name, int with_stats, store_ref *r,
		   const char *path, verr *err)
{
	char errbuf[256];
	int rc = store_ref_get(s->store, name, with_stats, r, errbuf);

	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, path,
				"no reference named '%s'", name);
	if (rc != STORE_OK)
		return state_store_error(rc, errbuf, err);
	return 0;
}

int state_ref_prepared(svc *s, const char *name, const char *path, pool *pl,
		       codec_stats *out, verr *err)
{
	store_ref r;
	refcache_entry *e;

	if (get_ref(s, name, 0, &r, path, err) < 0 ||
	    bounds_dim(s->cfg.max_dim, r.d, path, err) < 0)
		return -1;
	e = refcache_get(s->refs, name, r.version);
	if (!e) {
		/* Read again with the statistics: whatever version that
		 * finds is the one prepared and cached. */
		if (get_ref(s, name, 1, &r, path, err) < 0)
			return -1;
		e = prepare_entry(s, &r, path, err);
		free(r.mu);
		free(r.sigma);
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
	out->n = r.n;
	out->prep = p;
	return 0;
}

/* Its moments (N·d²) and its preparation (d³) are heavy work: the route
 * holds a --max-jobs slot around this (R_HEAVY in the route table). */
void state_ref_put(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name)
{
	pool *pl = pool_new();
	jsonx_doc doc = {0};
	ref_stats st = {0};
	store_ref r;
	char errbuf[256];
	verr e;
	int rc;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (!valid_ref_name(name)) {
		verr_set(&e, E_INVALID_VALUE, "",
			 "reference names are 1 to 128 characters of letters, "
			 "digits and . _ -");
		goto fail;
	}
	if (svc_is_json_type(rq->content_type)) {
		if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0 ||
		    stats_from_json(s, doc.root, &doc, pl, &st, &e) < 0)
			goto fail;
	} else if (state_stats_from_binary(s, rq->body, rq->len, pl, &st.n,
					   &st.d, &st.mu, &st.sigma, &e) < 0) {
		goto fail; /* the route took only JSON or binary types */
	}
	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "%s", name);
	r.n = st.n;
	r.d = st.d;
	r.created = now_s();
	r.mu = st.mu;
	r.sigma = st.sigma;
	rc = store_ref_put(s->store, &r, errbuf);
	if (rc != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		goto fail;
	}
	refcache_drop(s->refs, name);
	if (s->cfg.ref_cache > 0)
		cache_prepared(s, &r);
	jsonx_free(&doc);
	pool_free(pl);
	respond_json(rs, 201, ref_meta_json(&r));
	return;
fail:
	jsonx_free(&doc);
	pool_free(pl);
	respond_error(rs, &e);
}

/* PUT /v1/references/{name} of rows streamed into m (upload.c): the
 * answer the same rows sent whole get. */
void state_ref_put_moments(svc *s, const char *name, const evald_moments *m,
			   svc_response *rs)
{
	pool *pl = pool_new();
	store_ref r;
	char errbuf[256];
	evald_err le;
	verr e;
	int rc;

	memset(&r, 0, sizeof r);
	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	if (!valid_ref_name(name)) {
		verr_set(&e, E_INVALID_VALUE, "",
			 "reference names are 1 to 128 characters of letters, "
			 "digits and . _ -");
		goto fail;
	}
	if (m->n < 2) {
		verr_set(&e, E_SHAPE_MISMATCH, "",
			 "a .npy body must be a matrix [N, d] with N >= 2; "
			 "got %lld rows",
			 (long long)m->n);
		goto fail;
	}
	snprintf(r.name, sizeof r.name, "%s", name);
	r.n = (double)m->n;
	r.d = m->d;
	r.created = now_s();
	r.mu = m->mean;
	r.sigma = pool_alloc(pl, (size_t)(m->d * m->d) * sizeof(double));
	if (!r.sigma) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	if (evald_moments_cov(m, r.sigma, &le) != EVALD_OK) {
		verr_from_lib(&e, &le, "");
		goto fail;
	}
	rc = store_ref_put(s->store, &r, errbuf);
	if (rc != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		goto fail;
	}
	refcache_drop(s->refs, name);
	if (s->cfg.ref_cache > 0)
		cache_prepared(s, &r);
	pool_free(pl);
	respond_json(rs, 201, ref_meta_json(&r));
	return;
fail:
	pool_free(pl);
	respond_error(rs, &e);
}

/* Before a streamed upload's first byte: a name it could never store. */
int state_ref_upload_check(svc *s, const char *name, int64_t *d, verr *err)
{
	(void)s;
	*d = -1;
	if (!valid_ref_name(name))
		return verr_set(err, E_INVALID_VALUE, "",
				"reference names are 1 to 128 characters of "
				"letters, digits and . _ -");
	return 0;
}

/* store_ref_list callback: GET /v1/references's entry for r. */
static int ref_list_add(void *ctx, const store_ref *r)
{
	json_array_append_new(ctx,
			      json_pack("{s:s, s:f, s:I, s:f}", "name", r->name,
					"n", r->n, "d", (json_int_t)r->d,
					"created", r->created));
	return 0;
}

void state_refs_list(svc *s, const svc_request *rq, svc_response *rs,
		     const char *arg)
{
	char errbuf[256];
	json_t *arr = json_array();
	verr e;
	int rc;

	if (!arr) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		e.retry_after = s->cfg.retry_after;
		respond_error(rs, &e);
		return;
	}
	rc = store_ref_list(s->store, ref_list_add, arr, errbuf);
	if (rc != STORE_OK) {
		json_decref(arr);
		state_store_error(rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200, json_pack("{s:o}", "references", arr));
}

void state_ref_delete(svc *s, const svc_request *rq, svc_response *rs,
		      const char *name)
{
	char errbuf[256];
	verr e;
	int rc = store_ref_delete(s->store, name, errbuf);

	refcache_drop(s->refs, name);
	if (rc == STORE_OK) {
		respond_json(
			rs, 200,
			json_pack("{s:s, s:b}", "name", name, "deleted", 1));
		return;
	}
	if (rc == STORE_NOTFOUND)
		verr_set(&e, E_NOT_FOUND, "", "no reference named '%s'", name);
	else
		state_store_error(rc, errbuf, &e);
	respond_error(rs, &e);
}

/* ?include=stats or nothing: 1, 0, or -1 with err for another value. */
int state_include(const svc_request *rq, const char *what, verr *err)
{
	const char *v = svc_query_get(rq->query, "include");
	if (!v)
		return 0;
	if (!strcmp(v, what))
		return 1;
	return verr_set(err, E_INVALID_VALUE, "",
			"include takes '%s' only (got '%s')", what, v);
}

void state_ref_get(svc *s, const svc_request *rq, svc_response *rs,
		   const char *name)
{
	char errbuf[256];
	json_t *out;
	store_ref r;
	verr e;
	int rc, with = state_include(rq, "stats", &e);

	if (with < 0)
		goto fail;
	rc = store_ref_get(s->store, name, 0, &r, errbuf);
	/* Its size is known from d before the statistics are read. */
	if (rc == STORE_OK && with &&
	    bounds_response(s->cfg.max_response,
			    ((double)r.d * (double)r.d + (double)r.d) *
				    BOUNDS_BYTES_PER_REAL,
			    "mu and sigma", "", &e) < 0)
		goto fail;
	if (rc == STORE_OK && with)
		rc = store_ref_get(s->store, name, 1, &r, errbuf);
	if (rc == STORE_OK) {
		out = ref_meta_json(&r);
		if (with) {
			int64_t shape[2] = {r.d, r.d};
			int nf = 0;
			json_object_set_new(
				out, "mu",
				codec_array_json(r.mu, 1, shape, &nf));
			json_object_set_new(
				out, "sigma",
				codec_array_json(r.sigma, 2, shape, &nf));
			free(r.mu);
			free(r.sigma);
		}
		respond_json(rs, 200, out);
		return;
	}
	if (rc == STORE_NOTFOUND)
		verr_set(&e, E_NOT_FOUND, "", "no reference named '%s'", name);
	else
		state_store_error(rc, errbuf, &e);
fail:
	respond_error(rs, &e);
}
