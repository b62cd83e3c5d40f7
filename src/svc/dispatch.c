/* dispatch.c - routing and the compute endpoints.
 *
 * A request flows: route -> method check -> content-type check -> jsonx
 * parse -> registry_resolve (inputs, params) -> metric_fn -> JSON.  Any
 * step may fail with a verr, which becomes the error envelope; nothing
 * here can take the daemon down. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "bounds.h"
#include "codec.h"
#include "dashboard.h"
#include "dispatch.h"
#include "drift_route.h"
#include "hint.h"
#include "jsonx.h"
#include "npzreq.h"
#include "openapi.h"
#include "registry.h"
#include "resolve.h"
#include "respond.h"
#include "state.h"
#include "state_datasets.h"
#include "state_rows.h"
#include "upload.h"

void svc_config_defaults(svc_config *cfg)
{
	cfg->max_body = 256LL << 20;
	cfg->max_elems = 0;
	cfg->max_jobs = 1;
	cfg->max_queue = 64;
	cfg->queue_timeout = 120;
	cfg->ref_cache = 512LL << 20;
	cfg->retry_after = 2;
	cfg->max_dim = 4096;
	cfg->max_work = 10LL << 40;
	cfg->max_decoded = 1LL << 30;
	cfg->max_json_nodes = 1LL << 20;
	cfg->max_evaluate = 32;
	cfg->max_labels = 4096;
	cfg->max_response = 256LL << 20;
	cfg->job_results = 256LL << 20;
	cfg->job_ttl = 3600;
	cfg->job_lease = 15;
	cfg->max_bodies = 1LL << 30;
	cfg->max_upload = 32LL << 30;
	cfg->max_drift_columns = 1000;
	cfg->max_dataset_rows = 100000;
	cfg->max_dataset_cells = 10000000;
	cfg->max_kept_rows = 2LL << 30;
}

int svc_init(svc *s, const svc_config *cfg, char *errbuf)
{
	jobs_config jc = {.workers = cfg->max_jobs,
			  .max_queue = cfg->max_queue,
			  .max_results = cfg->job_results,
			  .ttl = cfg->job_ttl};
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	gate_config gc = {.slots = cfg->max_jobs,
			  .max_waiting = cfg->max_queue,
			  .timeout_s = cfg->queue_timeout};
	s->gate = gate_new(&gc);
	if (!s->gate) {
		snprintf(errbuf, 256, "out of memory");
		return -1;
	}
	stats_init(&s->stats);
	errbuf[0] = '\0';
	int rc = cfg->data_dir
			 ? store_open_conns(cfg->data_dir, cfg->store_conns,
					    &s->store, errbuf)
			 : STORE_OK;
	/* Another daemon owns the directory: serving beside it would lose
	 * writes, so this one must not start at all. */
	if (rc == STORE_BUSY) {
		gate_free(s->gate);
		s->gate = NULL;
		stats_destroy(&s->stats);
		return -1;
	}
	atomic_store(&s->ready, s->store != NULL);
	s->refs = refcache_new(cfg->ref_cache);
	/* Replicas on one server's store share their jobs through it. */
	if (store_jobs_shared(s->store)) {
		jc.shared = s->store;
		jc.lease = cfg->job_lease;
	}
	s->jobs = s->refs ? jobs_start(&jc) : NULL;
	if (!s->jobs) {
		snprintf(errbuf, 256, "cannot start job workers");
		return -1;
	}
	return 0;
}

void svc_close(svc *s)
{
	jobs_stop(s->jobs);
	s->jobs = NULL;
	store_close(s->store);
	s->store = NULL;
	refcache_free(s->refs);
	s->refs = NULL;
	stats_destroy(&s->stats);
	gate_free(s->gate);
	s->gate = NULL;
}

int svc_heavy_enter(svc *s, int worker, const evald_progress *cancel,
		    const char *hint, gate_ticket *t, verr *err)
{
	int rc = gate_enter(s->gate, !worker, cancel, t);
	return rc == GATE_OK ? 0 : gate_error(s->gate, rc, hint, err);
}

void svc_heavy_leave(svc *s, const gate_ticket *t)
{
	gate_leave(s->gate, t);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------ compute */

/* Run one metric on already-parsed request parts.  Returns the result
 * object (new reference) or NULL with err filled. */
static json_t *compute(svc *s, const metric *m, const jsonx_doc *doc,
		       json_t *inputs, json_t *shared, json_t *params,
		       const char *prefix, const evald_progress *prog, int wait,
		       verr *err)
{
	mcall c;
	json_t *res = NULL;
	pool *pl = pool_new();
	codec_ctx cx = {.doc = doc,
			.pool = pl,
			.max_elems = s->cfg.max_elems,
			.resolve = state_resolve_named,
			.resolve_ctx = s,
			.resolve_rows = state_resolve_rows};
	int heavy = (m->flags & MF_HEAVY) != 0, held = 0;
	gate_ticket tk;
	double t0;

	memset(&c, 0, sizeof c);
	c.pool = pl;
	c.max_cells = s->cfg.max_cells;
	c.max_dim = s->cfg.max_dim;
	c.max_work = s->cfg.max_work;
	c.max_response = s->cfg.max_response;
	c.err = err;
	if (prog)
		c.progress = *prog;
	c.warnings = json_array();
	c.owned = json_array();
	if (!pl || !c.warnings || !c.owned) {
		verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
		err->retry_after = s->cfg.retry_after;
		goto fail;
	}
	pool_set_budget(pl, s->cfg.max_decoded);
	/* In line with every other heavy request and job.  The slot is
	 * taken before the inputs are resolved: resolving may prepare a
	 * stored reference or a stream's covariance (O(d³)). */
	if (heavy &&
	    svc_heavy_enter(s, wait, prog, "retry later, or send ?async=1", &tk,
			    err) < 0)
		goto fail;
	held = heavy;
	if (registry_resolve(m, inputs, shared, params, prefix, &c, err, &cx) <
		    0 ||
	    registry_check_cost(&c, err) < 0)
		goto fail;
	res = json_object();
	/* "metric" first: clients reading the JSON by eye see it first. */
	if (res)
		json_object_set_new(res, "metric", json_string(m->name));
	t0 = now_ms();
	int rc = res ? m->run(&c, res, err) : -1;
	double elapsed = now_ms() - t0;
	if (held)
		svc_heavy_leave(s, &tk);
	held = 0;
	if (!res)
		verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	if (rc < 0)
		goto fail;
	json_object_set_new(res, "params", registry_params_json(&c));
	json_object_set(res, "warnings", c.warnings);
	/* To the microsecond: the digits beyond are the clock's noise. */
	json_object_set_new(res, "elapsed_ms",
			    json_real(round(elapsed * 1000.0) / 1000.0));
	json_decref(c.warnings);
	json_decref(c.owned);
	pool_free(pl);
	return res;
fail:
	if (held)
		svc_heavy_leave(s, &tk);
	json_decref(res);
	json_decref(c.warnings);
	json_decref(c.owned);
	pool_free(pl);
	return NULL;
}

int svc_parse_body(const svc_config *cfg, const char *body, size_t len,
		   jsonx_doc *doc, verr *err)
{
	jsonx_limits lim = {.max_nodes = cfg->max_json_nodes,
			    .max_bytes = cfg->max_decoded};
	jsonx_error je;

	if (len == 0)
		return verr_set(err, E_MALFORMED_JSON, "",
				"the request body is empty; send a JSON "
				"object");
	if (jsonx_parse(body, len, &lim, doc, &je) < 0) {
		switch (je.kind) {
		case JSONX_E_DUPLICATE:
			return verr_set(err, E_DUPLICATE_KEY, je.path,
					"line %d, column %d: %s; send each "
					"key once",
					je.line, je.column, je.msg);
		case JSONX_E_NODES:
			return verr_set(err, E_TOO_LARGE, "",
					"%s; send large arrays as packed "
					"tensors, or raise --max-json-nodes",
					je.msg);
		case JSONX_E_BYTES:
			return verr_set(err, E_TOO_LARGE, "",
					"%s; send smaller inputs, or raise "
					"--max-decoded",
					je.msg);
		default:
			return verr_set(err, E_MALFORMED_JSON, "",
					"invalid JSON at line %d, column %d: "
					"%s",
					je.line, je.column, je.msg);
		}
	}
	if (!jsonx_is_object(doc, doc->root)) {
		jsonx_free(doc);
		return verr_set(err, E_WRONG_TYPE, "",
				"the request body must be a JSON object");
	}
	return 0;
}

/* A parsed compute request: what a synchronous handler runs at once and
 * what a job keeps until a worker runs it.  The doc's string blobs point
 * into body, so the two live and die together. */
typedef struct creq {
	svc *s;
	const metric *m; /* NULL for /v1/evaluate */
	char *body;	 /* owned when `owns_body` */
	int owns_body;
	int job;	  /* run by a job worker: waits for a heavy slot */
	int64_t reserved; /* of svc.body_bytes, taken over with the body */
	jsonx_doc doc;
} creq;

static void creq_free(void *arg)
{
	creq *q = arg;
	jsonx_free(&q->doc);
	if (q->owns_body)
		free(q->body);
	if (q->reserved)
		atomic_fetch_sub(&q->s->body_bytes, q->reserved);
	free(q);
}

static json_t *run_metric(creq *q, const evald_progress *prog, verr *err)
{
	json_t *inputs = json_object_get(q->doc.root, "inputs");
	if (!inputs) {
		verr_set(err, E_MISSING_INPUT, "/inputs",
			 "the request needs an \"inputs\" object");
		return NULL;
	}
	return compute(q->s, q->m, &q->doc, inputs, NULL,
		       json_object_get(q->doc.root, "params"), "", prog, q->job,
		       err);
}

/* Progress of metric i of n in an evaluate request, as one 0..1 figure. */
typedef struct subprog {
	const evald_progress *outer;
	int i, n;
} subprog;

static int sub_tick(void *ctx, double frac)
{
	subprog *sp = ctx;
	return evald_progress_tick(sp->outer, (sp->i + frac) / sp->n);
}

static json_t *run_evaluate(creq *q, const evald_progress *prog, verr *err)
{
	static const char *const mkeys[] = {"name", "params", "inputs", NULL};
	json_t *shared = json_object_get(q->doc.root, "inputs");
	json_t *list = json_object_get(q->doc.root, "metrics");
	json_t *results;

	if (shared && !jsonx_is_object(&q->doc, shared)) {
		verr_set(err, E_WRONG_TYPE, "/inputs",
			 "inputs must be an object");
		return NULL;
	}
	if (jsonx_blob_of(&q->doc, list)) {
		/* A large array of numbers: no entry is an object. */
		verr_set(err, E_WRONG_TYPE, "/metrics/0",
			 "each entry of metrics must be an object");
		return NULL;
	}
	if (!json_is_array(list) || json_array_size(list) == 0) {
		verr_set(err, E_MISSING_INPUT, "/metrics",
			 "metrics must be a non-empty array of {\"name\", "
			 "\"params\"?, \"inputs\"?}");
		return NULL;
	}
	results = json_array();
	/* Each result is at most --max-response; together they are held to
	 * it too, so that one answer never passes it. */
	double total = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *item = json_array_get(list, i), *res = NULL;
		json_t *jn = json_object_get(item, "name");
		const metric *m = NULL;
		char prefix[64], p[80];
		subprog sp = {prog, (int)i, (int)json_array_size(list)};
		evald_progress inner = {sub_tick, &sp};
		verr e;

		snprintf(prefix, sizeof prefix, "/metrics/%zu", i);
		snprintf(p, sizeof p, "%s/name", prefix);
		if (!jsonx_is_object(&q->doc, item)) {
			verr_set(&e, E_WRONG_TYPE, prefix,
				 "each entry of metrics must be an object");
		} else if (hint_misplaced(
				   json_is_string(jn)
					   ? registry_find(
						     json_string_value(jn))
					   : NULL,
				   item, mkeys, prefix,
				   "\"params\" of this entry", &e) < 0 ||
			   jsonx_check_keys(item, mkeys, prefix, NULL, &e) <
				   0) {
			/* e is filled */
		} else if (!json_is_string(jn)) {
			verr_set(&e, E_WRONG_TYPE, p,
				 "name must be a metric name string");
		} else if (!(m = registry_find(json_string_value(jn)))) {
			hint_unknown_metric(json_string_value(jn), p, &e);
		} else {
			json_t *in = json_object_get(item, "inputs");
			snprintf(p, sizeof p, "%s/inputs", prefix);
			if (in && !jsonx_is_object(&q->doc, in))
				verr_set(&e, E_WRONG_TYPE, p,
					 "inputs must be an object");
			else
				res = compute(q->s, m, &q->doc, in, shared,
					      json_object_get(item, "params"),
					      prefix, prog ? &inner : NULL,
					      q->job, &e);
		}
		if (res) {
			double sz = (double)json_dumpb(res, NULL, 0,
						       CODEC_DUMP_FLAGS);
			if (bounds_response(q->s->cfg.max_response, total + sz,
					    "this result with those before it",
					    prefix, &e) < 0) {
				json_decref(res);
				res = NULL;
			} else {
				total += sz;
			}
		}
		if (!res) {
			if (e.id == E_CANCELLED) {
				json_decref(results);
				*err = e;
				return NULL;
			}
			res = error_json(&e);
			json_object_set_new(res, "status",
					    json_integer(e.status));
			if (json_is_string(jn))
				json_object_set(res, "metric", jn);
		}
		json_array_append_new(results, res);
	}
	return json_pack("{s:o}", "results", results);
}

static int creq_run(void *arg, const evald_progress *prog, json_t **result,
		    verr *err)
{
	creq *q = arg;
	*result = q->m ? run_metric(q, prog, err) : run_evaluate(q, prog, err);
	if (!*result)
		return -1;
	if (state_record(q->s, json_object_get(q->doc.root, "record"), *result,
			 q->m == NULL, err) < 0) {
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

static int want_async(const svc_request *rq)
{
	const char *v = svc_query_get(rq->query, "async");
	return v && (v[0] == '1' || !strncmp(v, "true", 4));
}

/* An evaluate request's metrics are counted before any of them runs. */
static int evaluate_check(svc *s, json_t *root, verr *err)
{
	json_t *list = json_object_get(root, "metrics");
	size_t n = json_array_size(list);
	if (s->cfg.max_evaluate > 0 && n > (size_t)s->cfg.max_evaluate)
		return verr_set(err, E_TOO_LARGE, "/metrics",
				"%zu metrics are over this server's limit of "
				"%d per request (--max-evaluate); split them "
				"into several requests",
				n, s->cfg.max_evaluate);
	return 0;
}

/* The request document: the JSON body parsed, or a metric's .npz of
 * inputs built into the same shape (npzreq.h). */
static int parse_compute_body(svc *s, const metric *m, const svc_request *rq,
			      creq *q, verr *err)
{
	const char *params = svc_query_get(rq->query, "params");
	if (m && npzreq_is_type(rq->content_type))
		return npzreq_parse(&s->cfg, q->body, rq->len, params, &q->doc,
				    err);
	if (params)
		return verr_set(err, E_BAD_QUERY, "",
				"the params query parameter goes with a .npz "
				"body; in a JSON body, send \"params\" in "
				"the body");
	return svc_parse_body(&s->cfg, q->body, rq->len, &q->doc, err);
}

/* POST /v1/metrics/{name} (m set) and POST /v1/evaluate (m NULL). */
static void post_compute(svc *s, const metric *m, const svc_request *rq,
			 svc_response *rs)
{
	static const char *const mkeys[] = {"inputs", "params", "record", NULL};
	static const char *const ekeys[] = {"inputs", "metrics", "record",
					    NULL};
	int async = want_async(rq);
	creq *q = calloc(1, sizeof *q);
	json_t *res;
	verr err;

	if (!q) {
		verr_set(&err, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	q->s = s;
	q->m = m;
	q->job = async;
	q->body = (char *)rq->body;
	if (async && rq->steal_body && *rq->steal_body == rq->body) {
		/* The job outlives the request: take the body, no copy. */
		q->owns_body = 1;
		*rq->steal_body = NULL;
		q->reserved = rq->reserved;
	} else if (async) {
		q->body = malloc(rq->len + 1);
		if (!q->body) {
			verr_set(&err, E_OUT_OF_MEMORY, "", "out of memory");
			goto fail;
		}
		memcpy(q->body, rq->body, rq->len);
		q->owns_body = 1;
	}
	if (parse_compute_body(s, m, rq, q, &err) < 0)
		goto fail;
	if ((m ? hint_misplaced(m, q->doc.root, mkeys, "", "\"params\"", &err)
	       : hint_misplaced_evaluate(q->doc.root, ekeys, &err)) < 0 ||
	    jsonx_check_keys(q->doc.root, m ? mkeys : ekeys, "", NULL, &err) <
		    0 ||
	    (!m && evaluate_check(s, q->doc.root, &err) < 0) ||
	    state_record_check(s, &q->doc,
			       json_object_get(q->doc.root, "record"),
			       &err) < 0)
		goto fail;
	if (async) {
		char id[JOBS_ID_SIZE];
		if (jobs_submit(s->jobs, m ? m->name : "evaluate", creq_run, q,
				creq_free, id, &err) < 0)
			goto fail;
		respond_json(
			rs, 202,
			json_pack("{s:s, s:s}", "job", id, "status", "queued"));
		return;
	}
	if (creq_run(q, rq->cancel, &res, &err) < 0)
		goto fail;
	creq_free(q);
	respond_json(rs, 200, res);
	return;
fail:
	if (q)
		creq_free(q);
	respond_error(rs, &err);
}

/* ------------------------------------------------------------ query */

const char *svc_query_get(const svc_query *q, const char *key)
{
	for (size_t i = 0; q && i < q->n; i++)
		if (!strcmp(q->arg[i].key, key))
			return q->arg[i].value;
	return NULL;
}

int svc_query_parse(svc_query *q, char *s)
{
	q->n = 0;
	while (s && *s) {
		char *amp = strchr(s, '&'), *eq;
		if (amp)
			*amp = '\0';
		if (*s) {
			if (q->n >= SVC_QUERY_MAX)
				return -1;
			eq = strchr(s, '=');
			if (eq)
				*eq = '\0';
			q->arg[q->n].key = s;
			q->arg[q->n].value = eq ? eq + 1 : "";
			q->n++;
		}
		s = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* ------------------------------------------------------------ types */

int svc_is_json_type(const char *ct)
{
	if (!ct)
		return 1; /* absent: assume JSON, as most clients mean it */
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int state_is_binary_type(const char *ct)
{
	return ct && (!strncasecmp(ct, "application/octet-stream", 24) ||
		      !strncasecmp(ct, "application/x-npy", 17));
}

/* ------------------------------------------------------------ handlers */

static void r_healthz(svc *s, const svc_request *rq, svc_response *rs,
		      const char *arg)
{
	respond_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

static void r_readyz(svc *s, const svc_request *rq, svc_response *rs,
		     const char *arg)
{
	char why[256];
	verr e;
	if (atomic_load(&s->ready) && store_ping(s->store, why) == STORE_OK) {
		respond_json(rs, 200, json_pack("{s:s}", "status", "ready"));
		return;
	}
	if (atomic_load(&s->ready)) {
		state_store_error(STORE_UNAVAILABLE, why, &e);
		respond_error(rs, &e);
		return;
	}
	verr_set(&e, E_NOT_READY, "",
		 "the store is not open (see the log for why)");
	respond_error(rs, &e);
}

static void r_prometheus(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg)
{
	state_prometheus(s, rs);
}

static void r_dashboard(svc *s, const svc_request *rq, svc_response *rs,
			const char *arg)
{
	dashboard_page(rs);
}

static void r_asset(svc *s, const svc_request *rq, svc_response *rs,
		    const char *arg)
{
	assets_serve(rq->path, rs);
}

static void r_catalog(svc *s, const svc_request *rq, svc_response *rs,
		      const char *arg)
{
	respond_json(rs, 200, registry_catalog_json());
}

static void r_openapi(svc *s, const svc_request *rq, svc_response *rs,
		      const char *arg)
{
	openapi_respond(rs);
}

/* The metric named in the path, or NULL with a 404 answered. */
static const metric *find_metric(const char *name, svc_response *rs)
{
	const metric *m = registry_find(name);
	verr e;

	if (!m) {
		hint_unknown_metric(name, "", &e);
		respond_error(rs, &e);
	}
	return m;
}

static void r_metric_get(svc *s, const svc_request *rq, svc_response *rs,
			 const char *name)
{
	const metric *m = find_metric(name, rs);
	if (m)
		respond_json(rs, 200, registry_entry_json(m));
}

static void r_metric_post(svc *s, const svc_request *rq, svc_response *rs,
			  const char *name)
{
	const metric *m = find_metric(name, rs);
	if (m)
		post_compute(s, m, rq, rs);
}

static void r_evaluate(svc *s, const svc_request *rq, svc_response *rs,
		       const char *arg)
{
	post_compute(s, NULL, rq, rs);
}

static void job_answer(json_t *o, const char *id, svc_response *rs)
{
	verr e;

	if (!o) {
		verr_set(&e, E_NOT_FOUND, "",
			 "no job '%s' (finished jobs are kept for a while, "
			 "then forgotten)",
			 id);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200, o);
}

static void r_job_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *id)
{
	job_answer(jobs_get(s->jobs, id), id, rs);
}

static void r_job_delete(svc *s, const svc_request *rq, svc_response *rs,
			 const char *id)
{
	job_answer(jobs_cancel(s->jobs, id), id, rs);
}

/* ------------------------------------------------------------ routes */

typedef void (*route_fn)(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg);

/* What a route's body may be. */
enum {
	BODY_NONE,	      /* no body at all: one is 400 unexpected_body */
	BODY_JSON,	      /* application/json (or no Content-Type) */
	BODY_JSON_NPY,	      /* that, or a .npy (application/octet-stream,
			       * application/x-npy) */
	BODY_JSON_NPZ,	      /* that, or a .npy or .npz */
	BODY_JSON_INPUTS_NPZ, /* JSON, or a .npz of the inputs
			       * (application/x-npz, application/octet-stream;
			       * npzreq.h) */
};

/* Route flags. */
#define R_STORE 1 /* needs the store: 503 not_ready without it */
#define R_HEAVY 2 /* holds a --max-jobs slot while it runs (503 if none) */
#define R_ASYNC 4 /* takes ?async=1 and runs as a job */

static const char *const q_series[] = {"since", "limit", "max_points", NULL};
static const char *const q_ref[] = {"include", NULL};
static const char *const q_dataset[] = {"rows", NULL};
static const char *const q_keep[] = {"keep_rows", NULL};
static const char *const q_npz[] = {"params", NULL};

/* The route table: the one place an endpoint is declared.  One row per
 * method and path pattern.  A '*' segment matches one non-empty path
 * segment, a final '**' the non-empty rest of the path (series names may
 * contain '/'); the match is the handler's `arg` (NULL when none).  The
 * 405 answer and its Allow header come from the rows sharing a pattern
 * (HEAD is served as GET).  Everything a row declares - its auth level,
 * the store, the body's type, the query arguments it takes (`query`,
 * NULL-terminated, plus "async" with R_ASYNC) - is checked by
 * svc_handle before the handler runs.  `what` names the body in a 415. */
static const struct route {
	const char *method;
	const char *pattern;
	const char *label; /* for /metrics */
	route_fn fn;
	auth_level auth;
	int flags;
	int body;
	const char *what;
	const char *const *query;
	/* Takes a .npy streamed into moments (application/x-npy). */
	upload_route upload;
} routes[] = {
	{.method = "GET",
	 .pattern = "/healthz",
	 .label = "/healthz",
	 .fn = r_healthz,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/readyz",
	 .label = "/readyz",
	 .fn = r_readyz,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/metrics",
	 .label = "/metrics",
	 .fn = r_prometheus,
	 .auth = AUTH_READ,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/",
	 .label = "/",
	 .fn = r_dashboard,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/assets/uplot.js",
	 .label = "/assets/uplot.js",
	 .fn = r_asset,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/assets/uplot.css",
	 .label = "/assets/uplot.css",
	 .fn = r_asset,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/assets/uplot.LICENSE",
	 .label = "/assets/uplot.LICENSE",
	 .fn = r_asset,
	 .auth = AUTH_OPEN,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/metrics",
	 .label = "/v1/metrics",
	 .fn = r_catalog,
	 .auth = AUTH_READ,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/openapi.json",
	 .label = "/v1/openapi.json",
	 .fn = r_openapi,
	 .auth = AUTH_READ,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/metrics/*",
	 .label = "/v1/metrics/{name}",
	 .fn = r_metric_get,
	 .auth = AUTH_READ,
	 .body = BODY_NONE},
	{.method = "POST",
	 .pattern = "/v1/metrics/*",
	 .label = "/v1/metrics/{name}",
	 .fn = r_metric_post,
	 .auth = AUTH_WRITE,
	 .flags = R_ASYNC,
	 .body = BODY_JSON_INPUTS_NPZ,
	 .what = "{\"inputs\": {...}, \"params\": {...}}",
	 .query = q_npz},
	{.method = "POST",
	 .pattern = "/v1/evaluate",
	 .label = "/v1/evaluate",
	 .fn = r_evaluate,
	 .auth = AUTH_WRITE,
	 .flags = R_ASYNC,
	 .body = BODY_JSON,
	 .what = "{\"metrics\": [{\"name\": ...}], \"inputs\": {...}}"},
	{.method = "GET",
	 .pattern = "/v1/jobs/*",
	 .label = "/v1/jobs/{id}",
	 .fn = r_job_get,
	 .auth = AUTH_READ,
	 .body = BODY_NONE},
	{.method = "DELETE",
	 .pattern = "/v1/jobs/*",
	 .label = "/v1/jobs/{id}",
	 .fn = r_job_delete,
	 .auth = AUTH_WRITE,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/series",
	 .label = "/v1/series",
	 .fn = state_series_list,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/series/**",
	 .label = "/v1/series/{name}",
	 .fn = state_series_get,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE,
	 .query = q_series},
	{.method = "GET",
	 .pattern = "/v1/references",
	 .label = "/v1/references",
	 .fn = state_refs_list,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "GET",
	 .pattern = "/v1/references/*",
	 .label = "/v1/references/{name}",
	 .fn = state_ref_get,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE,
	 .query = q_ref},
	{.method = "PUT",
	 .pattern = "/v1/references/*",
	 .label = "/v1/references/{name}",
	 .fn = state_ref_put,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE | R_HEAVY,
	 .body = BODY_JSON_NPZ,
	 .what = "the statistics",
	 .query = q_keep,
	 .upload = {state_ref_put_moments, state_ref_upload_check}},
	{.method = "DELETE",
	 .pattern = "/v1/references/*",
	 .label = "/v1/references/{name}",
	 .fn = state_ref_delete,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "POST",
	 .pattern = "/v1/streams",
	 .label = "/v1/streams",
	 .fn = state_stream_create,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"dim\": d}"},
	{.method = "GET",
	 .pattern = "/v1/streams/*",
	 .label = "/v1/streams/{id}",
	 .fn = state_stream_get,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE,
	 .query = q_ref},
	{.method = "DELETE",
	 .pattern = "/v1/streams/*",
	 .label = "/v1/streams/{id}",
	 .fn = state_stream_delete,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "POST",
	 .pattern = "/v1/streams/*/batches",
	 .label = "/v1/streams/{id}/batches",
	 .fn = state_stream_batches,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON_NPY,
	 .what = "{\"embeddings\": tensor}",
	 .upload = {state_stream_add_moments, state_stream_upload_check}},
	{.method = "POST",
	 .pattern = "/v1/streams/*/moments",
	 .label = "/v1/streams/{id}/moments",
	 .fn = state_stream_moments,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"n\", \"mean\", \"comoment\"}"},
	{.method = "GET",
	 .pattern = "/v1/tallies",
	 .label = "/v1/tallies",
	 .fn = state_tallies_list,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "PUT",
	 .pattern = "/v1/tallies/*",
	 .label = "/v1/tallies/{name}",
	 .fn = state_tally_put,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"kind\": ..., params}"},
	{.method = "GET",
	 .pattern = "/v1/tallies/*",
	 .label = "/v1/tallies/{name}",
	 .fn = state_tally_get,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE,
	 .query = q_ref},
	{.method = "DELETE",
	 .pattern = "/v1/tallies/*",
	 .label = "/v1/tallies/{name}",
	 .fn = state_tally_delete,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "POST",
	 .pattern = "/v1/tallies/*/batches",
	 .label = "/v1/tallies/{name}/batches",
	 .fn = state_tally_batches,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"y_true\", \"y_pred\", \"sample_weight\"?}"},
	{.method = "POST",
	 .pattern = "/v1/tallies/*/merge",
	 .label = "/v1/tallies/{name}/merge",
	 .fn = state_tally_merge,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"from\": name} or {\"state\": exported}"},
	{.method = "GET",
	 .pattern = "/v1/datasets",
	 .label = "/v1/datasets",
	 .fn = state_datasets_list,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "PUT",
	 .pattern = "/v1/datasets/*",
	 .label = "/v1/datasets/{name}",
	 .fn = state_dataset_put,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_JSON,
	 .what = "{\"columns\": {name: values}, \"types\"?, \"max_rows\"?, "
		 "\"seed\"?}"},
	{.method = "GET",
	 .pattern = "/v1/datasets/*",
	 .label = "/v1/datasets/{name}",
	 .fn = state_dataset_get,
	 .auth = AUTH_READ,
	 .flags = R_STORE,
	 .body = BODY_NONE,
	 .query = q_dataset},
	{.method = "DELETE",
	 .pattern = "/v1/datasets/*",
	 .label = "/v1/datasets/{name}",
	 .fn = state_dataset_delete,
	 .auth = AUTH_WRITE,
	 .flags = R_STORE,
	 .body = BODY_NONE},
	{.method = "POST",
	 .pattern = "/v1/drift",
	 .label = "/v1/drift",
	 .fn = drift_post,
	 .auth = AUTH_WRITE,
	 .flags = R_HEAVY,
	 .body = BODY_JSON,
	 .what = "{\"reference\": table or {\"dataset\": name}, "
		 "\"current\": table or {\"dataset\": name}}"},
};
#define NROUTES (sizeof routes / sizeof *routes)

/* Match path against pattern; on success *rest points at the wildcard's
 * match (or NULL) and the return is 1. */
static int match(const char *pattern, const char *path, const char **rest,
		 size_t *restlen)
{
	*rest = NULL;
	*restlen = 0;
	while (*pattern) {
		if (pattern[0] == '*' && pattern[1] == '*') {
			if (!*path)
				return 0;
			*rest = path;
			*restlen = strlen(path);
			return 1;
		}
		if (*pattern == '*') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (n == 0)
				return 0;
			*rest = path;
			*restlen = n;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/* The Allow header of each row: the methods of the rows sharing its
 * pattern, in table order; built once. */
static char allow_of[NROUTES][40];
static pthread_once_t allow_once = PTHREAD_ONCE_INIT;

static void allow_build(void)
{
	for (size_t i = 0; i < NROUTES; i++)
		for (size_t j = 0; j < NROUTES; j++) {
			char *a = allow_of[i];
			size_t n = strlen(a);
			if (strcmp(routes[i].pattern, routes[j].pattern))
				continue;
			snprintf(a + n, sizeof allow_of[i] - n, "%s%s",
				 n ? ", " : "", routes[j].method);
		}
}

/* The row for method + path: *row, or -1 there with *pat the first row
 * of a matching pattern (-1 when no pattern matches). */
static void route_find(const char *method, const char *path, int *row, int *pat,
		       const char **rest, size_t *restlen)
{
	const char *m = strcmp(method, "HEAD") ? method : "GET";
	*row = *pat = -1;
	for (size_t i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, path, rest, restlen))
			continue;
		if (*pat < 0)
			*pat = (int)i;
		if (!strcmp(routes[i].pattern, routes[*pat].pattern) &&
		    !strcmp(routes[i].method, m)) {
			*row = (int)i;
			return;
		}
	}
}

auth_level svc_route_auth(const char *method, const char *path)
{
	const char *rest;
	size_t restlen;
	int row, pat;
	auth_level lvl = AUTH_WRITE;

	route_find(method, path, &row, &pat, &rest, &restlen);
	if (row >= 0)
		return routes[row].auth;
	if (pat < 0)
		return strcmp(method, "GET") && strcmp(method, "HEAD")
			       ? AUTH_WRITE
			       : AUTH_READ;
	for (size_t i = (size_t)pat; i < NROUTES; i++)
		if (!strcmp(routes[i].pattern, routes[pat].pattern) &&
		    routes[i].auth < lvl)
			lvl = routes[i].auth;
	return lvl;
}

/* Each query argument is one the row takes, and is given once. */
static int check_query(const struct route *r, const svc_query *q, verr *e)
{
	for (size_t i = 0; q && i < q->n; i++) {
		const char *k = q->arg[i].key;
		int known = (r->flags & R_ASYNC) && !strcmp(k, "async");
		for (size_t j = 0; !known && r->query && r->query[j]; j++)
			known = !strcmp(k, r->query[j]);
		if (!known) {
			/* Name what it does take: "asynch" wants "async". */
			char takes[160] = "";
			size_t o = 0;
			if (r->flags & R_ASYNC)
				o += (size_t)snprintf(takes, sizeof takes,
						      "async");
			for (size_t j = 0;
			     r->query && r->query[j] && o < sizeof takes; j++)
				o += (size_t)snprintf(
					takes + o, sizeof takes - o, "%s%s",
					o ? ", " : "", r->query[j]);
			return verr_set(e, E_UNKNOWN_QUERY, "",
					"%s %s takes no query parameter '%s' "
					"(it takes %s)",
					r->method, r->label, k,
					o ? takes : "none");
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(q->arg[j].key, k))
				return verr_set(e, E_BAD_QUERY, "",
						"the query parameter '%s' is "
						"given twice",
						k);
	}
	return 0;
}

/* The body's Content-Type is one the row takes. */
static int check_type(const struct route *r, const char *ct, verr *e)
{
	if (upload_is_npy_type(ct) && !r->upload.finish)
		return verr_set(e, E_UNSUPPORTED_MEDIA_TYPE, "",
				"%s %s takes no streamed .npy "
				"(application/x-npy); send %s as %s",
				r->method, r->label, r->what,
				r->body == BODY_JSON ? "application/json"
						     : "JSON or "
						       "application/"
						       "octet-stream");
	if (r->body == BODY_JSON_INPUTS_NPZ)
		return svc_is_json_type(ct) || npzreq_is_type(ct)
			       ? 0
			       : verr_set(e, E_UNSUPPORTED_MEDIA_TYPE, "",
					  "send %s as JSON (application/json) "
					  "or a .npz of the inputs "
					  "(application/x-npz; got '%s')",
					  r->what, ct);
	if (svc_is_json_type(ct) ||
	    (r->body != BODY_JSON && state_is_binary_type(ct)))
		return 0;
	if (r->body == BODY_JSON)
		return verr_set(e, E_UNSUPPORTED_MEDIA_TYPE, "",
				"send %s as Content-Type: application/json "
				"(got '%s')",
				r->what, ct);
	return verr_set(e, E_UNSUPPORTED_MEDIA_TYPE, "",
			"send %s as JSON (application/json) or a %s body "
			"(application/octet-stream or application/x-npy; got "
			"'%s')",
			r->what,
			r->body == BODY_JSON_NPZ ? ".npy/.npz" : ".npy", ct);
}

/* What a row's body is, for a message. */
static void body_need(const struct route *r, char *buf, size_t n)
{
	snprintf(buf, n, "a JSON body (%s)%s", r->what,
		 r->body == BODY_JSON_NPZ   ? ", or a .npy/.npz as "
					      "application/octet-stream"
		 : r->body == BODY_JSON_NPY ? ", or a .npy as "
					      "application/octet-stream"
		 : r->body == BODY_JSON_INPUTS_NPZ
			 ? ", or a .npz of the inputs as application/x-npz"
			 : "");
}

int svc_route_body_need(const char *method, const char *path, char *buf,
			size_t n)
{
	const char *rest;
	size_t restlen;
	int row, pat;

	route_find(method, path, &row, &pat, &rest, &restlen);
	if (row < 0 || routes[row].body == BODY_NONE)
		return -1;
	size_t o = (size_t)snprintf(buf, n, "%s %s needs ", routes[row].method,
				    routes[row].label);
	if (o < n)
		body_need(&routes[row], buf + o, n - o);
	return 0;
}

/* The routes that take a .npz (npz) or a .npy, from the table. */
static void binary_routes(int npz, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NROUTES && o < n; i++)
		if (routes[i].body == BODY_JSON_NPZ ||
		    (npz && routes[i].body == BODY_JSON_INPUTS_NPZ) ||
		    (!npz && routes[i].body == BODY_JSON_NPY))
			o += (size_t)snprintf(buf + o, n - o, "%s%s %s",
					      o ? ", " : "", routes[i].method,
					      routes[i].label);
}

/* A body sent as JSON that plainly is not JSON: say what it looks like and
 * what to send, where the parser could only give a line and a column. */
static int check_body(const struct route *r, const svc_request *rq, verr *e)
{
	hint_body k = hint_body_sniff(rq->body, rq->len);
	char need[200], where[160];

	if (k == HINT_BODY_JSON || !svc_is_json_type(rq->content_type))
		return 0;
	body_need(r, need, sizeof need);
	switch (k) {
	case HINT_BODY_EMPTY:
		return verr_set(e, E_MALFORMED_JSON, "",
				"the request body is empty; %s %s needs %s",
				r->method, r->label, need);
	case HINT_BODY_BOM:
		return verr_set(e, E_MALFORMED_JSON, "",
				"the body starts with a UTF-8 byte order mark "
				"(EF BB BF), which JSON sent over HTTP must "
				"not have; save the file without it");
	case HINT_BODY_FORM:
		return verr_set(e, E_MALFORMED_JSON, "",
				"the body is form-encoded (name=value&...), "
				"not JSON; %s %s needs %s",
				r->method, r->label, need);
	default: break;
	}
	int npz = k == HINT_BODY_NPZ;
	const char *what = npz ? "a .npz (zip) archive" : "a .npy array";
	if (r->body == BODY_JSON_NPZ || (!npz && r->body == BODY_JSON_NPY))
		return verr_set(e, E_MALFORMED_JSON, "",
				"the body is %s sent as JSON; send it with "
				"Content-Type: application/octet-stream",
				what);
	if (npz && r->body == BODY_JSON_INPUTS_NPZ)
		return verr_set(e, E_MALFORMED_JSON, "",
				"the body is %s sent as JSON; send it with "
				"Content-Type: application/x-npz",
				what);
	binary_routes(npz, where, sizeof where);
	return verr_set(e, E_MALFORMED_JSON, "",
			"the body is %s, not JSON; %s %s needs %s, with arrays "
			"as packed tensors {\"dtype\", \"shape\", \"data\"}; "
			"the routes that take %s (as "
			"application/octet-stream) are %s",
			what, r->method, r->label, need,
			npz ? "a .npz" : "a .npy", where);
}

/* Everything the row declares, checked before its handler runs. */
static int preconditions(svc *s, const struct route *r, const svc_request *rq,
			 verr *e)
{
	if (r->body == BODY_NONE && rq->len > 0)
		return verr_set(e, E_UNEXPECTED_BODY, "",
				"%s %s takes no request body; send the "
				"request without one",
				r->method, r->label);
	if (check_query(r, rq->query, e) < 0)
		return -1;
	if ((r->flags & R_STORE) && state_need_store(s, e) < 0)
		return -1;
	if (r->body != BODY_NONE && (check_type(r, rq->content_type, e) < 0 ||
				     check_body(r, rq, e) < 0))
		return -1;
	return 0;
}

void svc_handle(svc *s, const svc_request *rq, svc_response *rs)
{
	const char *rest;
	size_t restlen;
	char seg[300];
	int row, pat;
	verr e;

	memset(rs, 0, sizeof *rs);
	pthread_once(&allow_once, allow_build);
	if (auth_check(&s->cfg.auth, svc_route_auth(rq->method, rq->path),
		       rq->authorization, &e) < 0) {
		rs->route = "unauthorized";
		rs->challenge = 1;
		respond_error(rs, &e);
		return;
	}
	route_find(rq->method, rq->path, &row, &pat, &rest, &restlen);
	if (row < 0 && pat < 0) {
		rs->route = "other";
		verr_set(&e, E_NOT_FOUND, "", "no route %s %s", rq->method,
			 rq->path);
		respond_error(rs, &e);
		return;
	}
	if (row < 0) {
		rs->route = routes[pat].label;
		respond_method_not_allowed(rs, allow_of[pat]);
		return;
	}
	const struct route *r = &routes[row];
	rs->route = r->label;
	if (rest) {
		if (restlen >= sizeof seg) {
			verr_set(&e, E_NOT_FOUND, "", "name too long");
			respond_error(rs, &e);
			return;
		}
		memcpy(seg, rest, restlen);
		seg[restlen] = '\0';
	}
	if (preconditions(s, r, rq, &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	/* A heavy route's work (a reference's moments and preparation)
	 * holds a slot like a synchronous FID. */
	gate_ticket tk;
	if ((r->flags & R_HEAVY) &&
	    svc_heavy_enter(s, 0, rq->cancel, "retry later", &tk, &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	r->fn(s, rq, rs, rest ? seg : NULL);
	if (r->flags & R_HEAVY)
		svc_heavy_leave(s, &tk);
}

/* ----------------------------------------------------------- uploads */

int svc_route_streams(const char *method, const char *path)
{
	const char *rest;
	size_t restlen;
	int row, pat;

	route_find(method, path, &row, &pat, &rest, &restlen);
	return row >= 0 && routes[row].upload.finish != NULL;
}

struct svc_upload {
	svc *s;
	upload *u;
	gate_ticket tk;
	const char *label; /* the route's, for /metrics */
};

int svc_upload_begin(svc *s, const svc_request *rq, int64_t length,
		     svc_upload **out, svc_response *rs)
{
	const char *rest;
	size_t restlen;
	char seg[300];
	int row, pat;
	svc_upload *su = NULL;
	verr e;

	*out = NULL;
	if (!upload_is_npy_type(rq->content_type) || length == 0)
		return 0;
	route_find(rq->method, rq->path, &row, &pat, &rest, &restlen);
	if (row < 0 || !routes[row].upload.finish || !rest ||
	    restlen >= sizeof seg)
		return 0; /* svc_handle answers it, from the whole body */
	const struct route *r = &routes[row];
	memset(rs, 0, sizeof *rs);
	rs->route = r->label;
	memcpy(seg, rest, restlen);
	seg[restlen] = '\0';
	if (auth_check(&s->cfg.auth, r->auth, rq->authorization, &e) < 0) {
		rs->route = "unauthorized";
		rs->challenge = 1;
		goto fail;
	}
	if (check_query(r, rq->query, &e) < 0 ||
	    ((r->flags & R_STORE) && state_need_store(s, &e) < 0))
		goto fail;
	if (!(su = calloc(1, sizeof *su))) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	su->s = s;
	su->label = r->label;
	if (svc_heavy_enter(s, 0, rq->cancel, "retry later", &su->tk, &e) < 0) {
		free(su);
		goto fail;
	}
	if (upload_new(s, &r->upload, seg, rq->query, length, &su->u, &e) < 0) {
		svc_heavy_leave(s, &su->tk);
		free(su);
		goto fail;
	}
	*out = su;
	return 1;
fail:
	respond_error(rs, &e);
	return -1;
}

int svc_upload_feed(svc_upload *u, const void *data, size_t n, verr *err)
{
	return upload_feed(u->u, data, n, err);
}

void svc_upload_free(svc_upload *u)
{
	if (!u)
		return;
	upload_free(u->u);
	svc_heavy_leave(u->s, &u->tk);
	free(u);
}

void svc_upload_end(svc_upload *u, svc_response *rs)
{
	memset(rs, 0, sizeof *rs);
	upload_end(u->u, rs);
	rs->route = u->label;
	svc_upload_free(u);
}

/* ----------------------------------------------------------- the table */

size_t svc_route_count(void)
{
	return NROUTES;
}

void svc_route_at(size_t i, svc_route_info *out)
{
	const struct route *r = &routes[i];
	static const int body[] = {[BODY_NONE] = SVC_BODY_NONE,
				   [BODY_JSON] = SVC_BODY_JSON,
				   [BODY_JSON_NPY] = SVC_BODY_JSON_NPY,
				   [BODY_JSON_NPZ] = SVC_BODY_JSON_NPZ,
				   [BODY_JSON_INPUTS_NPZ] =
					   SVC_BODY_JSON_INPUTS_NPZ};
	out->method = r->method;
	out->path = r->label;
	out->pattern = r->pattern;
	out->auth = r->auth;
	out->body = body[r->body];
	out->npy_stream = r->upload.finish != NULL;
	out->async = (r->flags & R_ASYNC) != 0;
	out->store = (r->flags & R_STORE) != 0;
	out->heavy = (r->flags & R_HEAVY) != 0;
	out->what = r->what;
	out->query = r->query;
}
