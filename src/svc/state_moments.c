/* state_moments.c - the HTTP side of named moments that references and
 * streams share: their JSON, reads with --max-dim, GET, list, DELETE, and
 * the resolver behind {"reference"} and {"stream"} inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "codec.h"
#include "mstats.h"
#include "respond.h"
#include "state.h"
#include "state_moments.h"
#include "state_rows.h"

const moments_kind state_refs_kind = {
	.kind = STORE_REFERENCE,
	.key = "name",
	.noun = "reference named",
	.include = "stats",
	.mean = "mu",
	.second = "sigma",
	.data_what = "mu and sigma",
};

const moments_kind state_streams_kind = {
	.kind = STORE_STREAM,
	.key = "id",
	.noun = "stream with id",
	.include = "moments",
	.mean = "mean",
	.second = "comoment",
	.data_what = "mean and comoment",
	.show_updated = 1,
};

json_t *state_moments_json(const moments_kind *k, const store_moments *m)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:f}", k->key, m->name, "n",
			      (json_int_t)m->n, "d", (json_int_t)m->d,
			      "created", m->created);
	if (o && k->show_updated)
		json_object_set_new(o, "updated", json_real(m->updated));
	return o;
}

int state_moments_error(const moments_kind *k, const char *name, int rc,
			const char *errbuf, const char *path, verr *err)
{
	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, path, "no %s '%s'", k->noun,
				name);
	return state_store_error(rc, errbuf, err);
}

int state_moments_read(svc *s, const moments_kind *k, const char *name,
		       const char *path, int with_data, store_moments *m,
		       verr *err)
{
	char errbuf[256];
	/* d first: a record made under a larger --max-dim is refused before
	 * its d x d data is read. */
	int rc = store_moments_get(s->store, k->kind, name, 0, m, errbuf);

	if (rc == STORE_OK && bounds_dim(s->cfg.max_dim, m->d, path, err) < 0)
		return -1;
	if (rc == STORE_OK && with_data)
		rc = store_moments_get(s->store, k->kind, name, 1, m, errbuf);
	if (rc != STORE_OK)
		return state_moments_error(k, name, rc, errbuf, path, err);
	return 0;
}

/* ?include=<what> or no include: 1, 0, or -1 with err for another value. */
static int include(const svc_request *rq, const char *what, verr *err)
{
	const char *v = svc_query_get(rq->query, "include");
	if (!v)
		return 0;
	if (!strcmp(v, what))
		return 1;
	return verr_set(err, E_INVALID_VALUE, "",
			"include takes '%s' only (got '%s')", what, v);
}

void state_moments_get(svc *s, const svc_request *rq, svc_response *rs,
		       const moments_kind *k, const char *name)
{
	char errbuf[256];
	store_moments m;
	verr e;
	int rc, with = include(rq, k->include, &e);

	if (with < 0)
		goto fail;
	rc = store_moments_get(s->store, k->kind, name, 0, &m, errbuf);
	/* Its size is known from d before the data is read. */
	if (rc == STORE_OK && with &&
	    bounds_response(s->cfg.max_response,
			    ((double)m.d * (double)m.d + (double)m.d) *
				    BOUNDS_BYTES_PER_REAL,
			    k->data_what, "", &e) < 0)
		goto fail;
	if (rc == STORE_OK && with)
		rc = store_moments_get(s->store, k->kind, name, 1, &m, errbuf);
	if (rc != STORE_OK) {
		state_moments_error(k, name, rc, errbuf, "", &e);
		goto fail;
	}
	json_t *out = state_moments_json(k, &m);
	state_rows_report(s, k->kind, name, out);
	if (with) {
		int64_t shape[2] = {m.d, m.d};
		int nf = 0;
		json_object_set_new(out, k->mean,
				    codec_array_json(m.mean, 1, shape, &nf));
		json_object_set_new(out, k->second,
				    codec_array_json(m.second, 2, shape, &nf));
		free(m.mean);
		free(m.second);
	}
	respond_json(rs, 200, out);
	return;
fail:
	respond_error(rs, &e);
}

typedef struct list_ctx {
	const moments_kind *k;
	json_t *arr;
} list_ctx;

static int list_add(void *ctx, const store_moments *m)
{
	list_ctx *c = ctx;
	json_array_append_new(c->arr, state_moments_json(c->k, m));
	return 0;
}

void state_moments_list(svc *s, svc_response *rs, const moments_kind *k,
			const char *field)
{
	list_ctx c = {k, json_array()};
	char errbuf[256];
	verr e;
	int rc;

	if (!c.arr) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		e.retry_after = s->cfg.retry_after;
		respond_error(rs, &e);
		return;
	}
	rc = store_moments_list(s->store, k->kind, list_add, &c, errbuf);
	if (rc != STORE_OK) {
		json_decref(c.arr);
		state_store_error(rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	/* After the listing, whose callback may not call the store. */
	size_t i;
	json_t *o;
	json_array_foreach(c.arr, i, o)
	{
		state_rows_report(s, k->kind,
				  json_string_value(json_object_get(o, k->key)),
				  o);
	}
	respond_json(rs, 200, json_pack("{s:o}", field, c.arr));
}

void state_moments_delete(svc *s, svc_response *rs, const moments_kind *k,
			  const char *name)
{
	char errbuf[256];
	verr e;
	int rc = store_moments_delete(s->store, k->kind, name, errbuf);

	if (rc != STORE_OK) {
		state_moments_error(k, name, rc, errbuf, "", &e);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200,
		     json_pack("{s:s, s:b}", k->key, name, "deleted", 1));
}

int state_resolve_named(void *ctx, const char *kind, const char *name,
			const char *path, pool *pl, codec_stats *out, verr *err)
{
	svc *s = ctx;
	mstats st;

	if (state_need_store(s, err) < 0)
		return -1;
	if (strcmp(kind, "stream"))
		return state_ref_prepared(s, name, path, pl, out, err);
	if (mstats_of_stream(s, name, path, pl, &st, err) < 0)
		return -1;
	int64_t s1[1] = {st.d}, s2[2] = {st.d, st.d};
	memset(out, 0, sizeof *out);
	evald_tensor_init(&out->mu, st.mu, EVALD_F64, 1, s1);
	evald_tensor_init(&out->sigma, st.sigma, EVALD_F64, 2, s2);
	out->n = (double)st.n;
	return 0;
}
