/* state_tallies.c - /v1/tallies: named scores that accumulate.  A training
 * loop or the shards of an evaluation push batches, a dashboard reads the
 * running scores, and tallies kept on other machines merge in, from
 * another name or from an exported state.
 *
 * What a tally holds and how it is scored is its kind's (tally_kinds.h);
 * this file knows no kind.  Every change is a read-modify-write of the
 * state in one store transaction (store_tally_update), as a stream's, so
 * batches from any number of replicas are all counted.  The batch is
 * decoded and checked before the transaction; inside it only the kind's
 * add or merge runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "respond.h"
#include "state.h"
#include "store.h"
#include "tally_kinds.h"

/* The exported state's format and version: an import of any other is
 * refused, so a later layout can never be misread as this one. */
#define EXPORT_FORMAT  "evald.tally"
#define EXPORT_VERSION 1

static int tally_error(const char *name, int rc, const char *errbuf, verr *err)
{
	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, "", "no tally named '%s'",
				name);
	return state_store_error(rc, errbuf, err);
}

/* The tally's metadata as JSON: {name, kind, params, n, created,
 * updated}. */
static json_t *tally_json(const store_tally *t)
{
	json_t *p = json_loads(t->params, 0, NULL);
	return json_pack("{s:s, s:s, s:o, s:I, s:f, s:f}", "name", t->name,
			 "kind", t->kind, "params", p ? p : json_object(), "n",
			 (json_int_t)t->n, "created", t->created, "updated",
			 t->updated);
}

/* Read name (with its state when with_data) and its kind and params. */
static int tally_read(svc *s, const char *name, int with_data, store_tally *t,
		      const tally_kind **k, json_t **params, verr *e)
{
	char errbuf[256];
	int rc = store_tally_get(s->store, name, with_data, t, errbuf);

	if (rc != STORE_OK)
		return tally_error(name, rc, errbuf, e);
	*k = tally_kind_find(t->kind);
	*params = json_loads(t->params, 0, NULL);
	if (!*k || !*params) {
		store_tally_free(t);
		json_decref(*params);
		return verr_set(e, E_STORE_ERROR, "",
				"tally %s is of kind '%s', which this evald "
				"does not know; upgrade evald",
				name, t->kind);
	}
	return 0;
}

/* ------------------------------------------------------------ create */

/* 201 for a new tally; 200 when name exists with the same kind and
 * params (a retried PUT), else 422. */
static void tally_put_existing(svc *s, const char *name, const char *kind,
			       json_t *params, svc_response *rs, verr *e)
{
	store_tally t;
	const tally_kind *k;
	json_t *have;

	if (tally_read(s, name, 0, &t, &k, &have, e) < 0) {
		respond_error(rs, e);
		return;
	}
	if (strcmp(t.kind, kind) || !json_equal(have, params)) {
		verr_set(e, E_INVALID_VALUE, "",
			 "tally %s exists with kind %s and params %s; DELETE "
			 "it first to make another",
			 name, t.kind, t.params);
		respond_error(rs, e);
	} else {
		respond_json(rs, 200, tally_json(&t));
	}
	json_decref(have);
	store_tally_free(&t);
}

void state_tally_put(svc *s, const svc_request *rq, svc_response *rs,
		     const char *name)
{
	jsonx_doc doc = {0};
	store_tally t = {0};
	json_t *params = NULL;
	char errbuf[256];
	verr e;

	if (state_check_name("tally", name, &e) < 0 ||
	    svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0)
		goto fail;
	json_t *jk = json_object_get(doc.root, "kind");
	const tally_kind *k = tally_kind_find(json_string_value(jk));
	char names[128];
	if (!k) {
		verr_set(&e, jk ? E_INVALID_VALUE : E_MISSING_INPUT, "/kind",
			 "a tally is created from {\"kind\": K, ...}; K is one "
			 "of %s",
			 tally_kind_names(names, sizeof names));
		goto fail;
	}
	if (!(params = k->params(doc.root, s->cfg.max_dim, &t.size, &e)))
		goto fail;
	snprintf(t.name, sizeof t.name, "%s", name);
	snprintf(t.kind, sizeof t.kind, "%s", k->name);
	t.params = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	int rc =
		t.params ? store_tally_create(s->store, &t, errbuf) : STORE_ERR;
	if (!t.params)
		snprintf(errbuf, sizeof errbuf, "out of memory");
	if (rc == STORE_EXISTS) {
		tally_put_existing(s, name, k->name, params, rs, &e);
	} else if (rc != STORE_OK) {
		tally_error(name, rc, errbuf, &e);
		respond_error(rs, &e);
	} else {
		respond_json(rs, 201, tally_json(&t));
	}
	free(t.params);
	json_decref(params);
	jsonx_free(&doc);
	return;
fail:
	json_decref(params);
	jsonx_free(&doc);
	respond_error(rs, &e);
}

/* ---------------------------------------------------------- add, merge */

/* What one update does to a tally, for update_cb. */
typedef struct update_ctx {
	const tally_batch *batch; /* add it, or */
	const double *from;	  /* merge this state of */
	const char *from_kind;	  /* this kind and */
	json_t *from_params;	  /* these params, */
	int64_t from_n;		  /* holding this many samples */
	const char *path;	  /* of the data, for a refusal */
	verr *e;
	int64_t n_after;
} update_ctx;

static int update_cb(void *ctx, store_tally *t)
{
	update_ctx *c = ctx;
	const tally_kind *k = tally_kind_find(t->kind);
	json_t *params = json_loads(t->params, 0, NULL);
	evald_err le;
	int rc = -1;

	if (!k || !params) {
		verr_set(c->e, E_STORE_ERROR, "", "tally %s is damaged",
			 t->name);
		goto out;
	}
	if (c->from && (strcmp(c->from_kind, t->kind) ||
			!json_equal(c->from_params, params))) {
		verr_set(c->e, E_SHAPE_MISMATCH, c->path,
			 "only tallies of one kind and params merge: %s is "
			 "%s %s",
			 t->name, t->kind, t->params);
		goto out;
	}
	if (c->batch ? k->add(t->state, params, c->batch, &le)
		     : k->merge(t->state, c->from, params, &le)) {
		static const char *const in[] = {"/y_true", "/y_pred",
						 "/sample_weight"};
		verr_from_lib(c->e, &le,
			      c->batch && le.input >= 0 && le.input < 3
				      ? in[le.input]
				      : c->path);
		goto out;
	}
	const evald_tensor *yt = c->batch ? c->batch->y_true : NULL;
	t->n += !yt ? c->from_n : yt->ndim ? yt->shape[0] : 1;
	c->n_after = t->n;
	rc = 0;
out:
	json_decref(params);
	return rc;
}

static void tally_update(svc *s, const char *name, update_ctx *uc,
			 svc_response *rs)
{
	char errbuf[256];
	int rc = store_tally_update(s->store, name, update_cb, uc, errbuf);

	if (rc == STORE_OK) {
		respond_json(rs, 200,
			     json_pack("{s:s, s:I}", "name", name, "n",
				       (json_int_t)uc->n_after));
		return;
	}
	if (rc != STORE_ABORTED) /* else update_cb filled e */
		tally_error(name, rc, errbuf, uc->e);
	respond_error(rs, uc->e);
}

/* The path of input i of a batch, for the library's refusals. */
static const char *const batch_keys[] = {"y_true", "y_pred", "sample_weight",
					 NULL};

void state_tally_batches(svc *s, const svc_request *rq, svc_response *rs,
			 const char *name)
{
	jsonx_doc doc = {0};
	pool *pl = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = pl, .max_elems = s->cfg.max_elems};
	evald_tensor x[3] = {{0}};
	verr e;

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0 ||
	    jsonx_check_keys(doc.root, batch_keys, "",
			     "a batch is {\"y_true\", \"y_pred\", "
			     "\"sample_weight\"?}",
			     &e) < 0)
		goto fail;
	for (int i = 0; i < 3; i++) {
		char path[32];
		json_t *v = json_object_get(doc.root, batch_keys[i]);
		snprintf(path, sizeof path, "/%s", batch_keys[i]);
		if (!v && i < 2) {
			verr_set(&e, E_MISSING_INPUT, path,
				 "a batch needs y_true and y_pred");
			goto fail;
		}
		if (v && codec_tensor(&cx, v, path, &x[i], &e) < 0)
			goto fail;
	}
	tally_batch b = {&x[0], &x[1],
			 json_object_get(doc.root, "sample_weight") ? &x[2]
								    : NULL};
	update_ctx uc = {.batch = &b, .path = "", .e = &e};
	tally_update(s, name, &uc, rs);
	jsonx_free(&doc);
	pool_free(pl);
	return;
fail:
	jsonx_free(&doc);
	pool_free(pl);
	respond_error(rs, &e);
}

/* A refusal at /x of a part of the body, re-aimed at prefix/x. */
static int under(const char *prefix, verr *e)
{
	char p[sizeof e->path];
	size_t n = strlen(prefix);
	/* e->path is a short JSON Pointer of a params key: it fits. */
	if (n + strlen(e->path) < sizeof p) {
		memcpy(p, prefix, n);
		memcpy(p + n, e->path, strlen(e->path) + 1);
		memcpy(e->path, p, strlen(p) + 1);
	}
	return -1;
}

/* An exported state {"format", "version", "kind", "params", "n",
 * "state"} as sent, checked against its own kind: every refusal is 422
 * at /state/<field>.  *st points into pl. */
static int import_state(svc *s, const codec_ctx *cx, json_t *ex, update_ctx *uc,
			evald_tensor *st, verr *e)
{
	static const char *const keys[] = {
		"format", "version", "kind", "params", "n", "state", NULL};
	const tally_kind *k;
	int64_t size;
	evald_err le;
	double n;

	if (!json_is_object(ex))
		return verr_set(e, E_WRONG_TYPE, "/state",
				"state is what GET /v1/tallies/{name}"
				"?include=state gave as \"state\"");
	if (jsonx_check_keys(ex, keys, "/state", NULL, e) < 0)
		return -1;
	const char *fmt = json_string_value(json_object_get(ex, "format"));
	json_t *ver = json_object_get(ex, "version");
	if (!fmt || strcmp(fmt, EXPORT_FORMAT) || !json_is_integer(ver) ||
	    json_integer_value(ver) != EXPORT_VERSION)
		return verr_set(e, E_INVALID_VALUE, "/state/version",
				"this evald reads exported tallies of format "
				"%s version %d only",
				EXPORT_FORMAT, EXPORT_VERSION);
	k = tally_kind_find(json_string_value(json_object_get(ex, "kind")));
	char names[128];
	if (!k)
		return verr_set(e, E_INVALID_VALUE, "/state/kind",
				"kind is one of %s",
				tally_kind_names(names, sizeof names));
	json_t *given = json_object_get(ex, "params");
	if (!json_is_object(given))
		return verr_set(e, E_MISSING_INPUT, "/state/params",
				"an exported state has its params");
	json_t *tmp = json_deep_copy(given);
	uc->from_params = tmp ? k->params(tmp, s->cfg.max_dim, &size, e) : NULL;
	json_decref(tmp);
	if (!uc->from_params)
		return under("/state/params", e);
	if (codec_number(cx, json_object_get(ex, "n"), "/state/n", &n, e) < 0 ||
	    bounds_count(n, "/state/n", e) < 0)
		return -1;
	json_t *js = json_object_get(ex, "state");
	if (!js)
		return verr_set(e, E_MISSING_INPUT, "/state/state",
				"an exported state has its state");
	if (codec_tensor(cx, js, "/state/state", st, e) < 0)
		return -1;
	if (st->ndim != 1 || st->shape[0] != size)
		return verr_set(e, E_SHAPE_MISMATCH, "/state/state",
				"a %s tally of these params has a state of "
				"[%lld] doubles",
				k->name, (long long)size);
	if (k->check(st->data, uc->from_params, (int64_t)n, &le))
		return verr_from_lib(e, &le, "/state/state");
	uc->from = st->data;
	uc->from_kind = k->name;
	uc->from_n = (int64_t)n;
	return 0;
}

/* {"from": name}: that tally's state, read now (the merge of a tally
 * with itself is refused: it would count its samples twice). */
static int named_state(svc *s, const char *into, json_t *jf, update_ctx *uc,
		       store_tally *t, verr *e)
{
	const tally_kind *k;
	const char *from = json_string_value(jf);

	if (!from)
		return verr_set(e, E_WRONG_TYPE, "/from",
				"from is the name of another tally");
	if (!strcmp(from, into))
		return verr_set(e, E_INVALID_VALUE, "/from",
				"a tally cannot merge into itself");
	if (tally_read(s, from, 1, t, &k, &uc->from_params, e) < 0) {
		e->path[0] = '\0';
		if (e->id == E_NOT_FOUND)
			snprintf(e->path, sizeof e->path, "/from");
		return -1;
	}
	uc->from = t->state;
	uc->from_kind = k->name;
	uc->from_n = t->n;
	return 0;
}

void state_tally_merge(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name)
{
	static const char *const keys[] = {"from", "state", NULL};
	jsonx_doc doc = {0};
	pool *pl = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = pl, .max_elems = s->cfg.max_elems};
	store_tally t = {0};
	evald_tensor st = {0};
	verr e;
	update_ctx uc = {.e = &e};

	if (!pl) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	if (svc_parse_body(&s->cfg, rq->body, rq->len, &doc, &e) < 0 ||
	    jsonx_check_keys(doc.root, keys, "",
			     "a merge is {\"from\": name} or {\"state\": "
			     "exported state}",
			     &e) < 0)
		goto fail;
	json_t *jf = json_object_get(doc.root, "from");
	json_t *js = json_object_get(doc.root, "state");
	if (!jf == !js) {
		verr_set(&e, E_MISSING_INPUT, jf ? "/state" : "/from",
			 "a merge takes one of from (a tally's name) or state "
			 "(an exported one)");
		goto fail;
	}
	if (jf ? named_state(s, name, jf, &uc, &t, &e) < 0
	       : import_state(s, &cx, js, &uc, &st, &e) < 0)
		goto fail;
	uc.path = jf ? "/from" : "/state";
	tally_update(s, name, &uc, rs);
	goto out;
fail:
	respond_error(rs, &e);
out:
	json_decref(uc.from_params);
	store_tally_free(&t);
	jsonx_free(&doc);
	pool_free(pl);
}

/* ------------------------------------------------------- read, export */

/* ?include=state or none: 1, 0, or -1 with err. */
static int include_state(const svc_request *rq, verr *err)
{
	const char *v = svc_query_get(rq->query, "include");
	if (!v)
		return 0;
	if (!strcmp(v, "state"))
		return 1;
	return verr_set(err, E_INVALID_VALUE, "",
			"include takes 'state' only (got '%s')", v);
}

/* The exported form of t: what POST .../merge takes as "state". */
static json_t *export_json(const store_tally *t, json_t *params)
{
	int64_t shape[1] = {t->size};
	int nf = 0;
	return json_pack("{s:s, s:i, s:s, s:O, s:I, s:o}", "format",
			 EXPORT_FORMAT, "version", EXPORT_VERSION, "kind",
			 t->kind, "params", params, "n", (json_int_t)t->n,
			 "state", codec_array_json(t->state, 1, shape, &nf));
}

void state_tally_get(svc *s, const svc_request *rq, svc_response *rs,
		     const char *name)
{
	store_tally t = {0};
	const tally_kind *k;
	json_t *params = NULL, *warnings = json_array(), *out = NULL;
	evald_err le;
	verr e;
	int with = include_state(rq, &e);

	if (with < 0 || tally_read(s, name, 0, &t, &k, &params, &e) < 0)
		goto fail;
	/* Its size is known before the state is read. */
	if (with && bounds_response(s->cfg.max_response,
				    (double)t.size * BOUNDS_BYTES_PER_REAL,
				    "the state", "", &e) < 0)
		goto fail;
	json_decref(params);
	store_tally_free(&t);
	if (tally_read(s, name, 1, &t, &k, &params, &e) < 0)
		goto fail;
	json_t *scores = k->scores(t.state, params, warnings, &le);
	if (!scores) {
		verr_from_lib(&e, &le, "");
		goto fail;
	}
	out = tally_json(&t);
	json_object_set_new(out, "scores", scores);
	json_object_set(out, "warnings", warnings);
	if (with)
		json_object_set_new(out, "state", export_json(&t, params));
	respond_json(rs, 200, out);
	goto done;
fail:
	respond_error(rs, &e);
done:
	json_decref(warnings);
	json_decref(params);
	store_tally_free(&t);
}

static int list_add(void *ctx, const store_tally *t)
{
	json_array_append_new(ctx, tally_json(t));
	return 0;
}

void state_tallies_list(svc *s, const svc_request *rq, svc_response *rs,
			const char *arg)
{
	json_t *arr = json_array();
	char errbuf[256] = "";
	int rc = arr ? store_tally_list(s->store, list_add, arr, errbuf)
		     : STORE_OK;

	state_list_answer(rs, rc, errbuf, "tallies", arr);
}

void state_tally_delete(svc *s, const svc_request *rq, svc_response *rs,
			const char *name)
{
	char errbuf[256];
	verr e;
	int rc = store_tally_delete(s->store, name, errbuf);

	if (rc != STORE_OK) {
		tally_error(name, rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200,
		     json_pack("{s:s, s:b}", "name", name, "deleted", 1));
}
