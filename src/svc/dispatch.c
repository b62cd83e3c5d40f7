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

#include "codec.h"
#include "dispatch.h"
#include "jsonx.h"
#include "registry.h"

void svc_config_defaults(svc_config *cfg)
{
	cfg->max_body = 256LL << 20;
	cfg->max_elems = 0;
	cfg->max_jobs = 1;
	cfg->max_queue = 64;
	cfg->retry_after = 2;
}

int svc_init(svc *s, const svc_config *cfg)
{
	jobs_config jc = {.workers = cfg->max_jobs,
			  .max_queue = cfg->max_queue,
			  .keep = 1000};
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	pthread_mutex_init(&s->heavy_mu, NULL);
	pthread_cond_init(&s->heavy_cv, NULL);
	atomic_store(&s->ready, 1);
	s->jobs = jobs_start(&jc);
	return s->jobs ? 0 : -1;
}

void svc_close(svc *s)
{
	jobs_stop(s->jobs);
	s->jobs = NULL;
	pthread_mutex_destroy(&s->heavy_mu);
	pthread_cond_destroy(&s->heavy_cv);
}

/* Heavy computations hold one of --max-jobs slots.  A synchronous request
 * that finds none free is answered 503 at once; a job worker waits. */
static int heavy_acquire(svc *s, int wait)
{
	int ok = 0;
	pthread_mutex_lock(&s->heavy_mu);
	while (wait && s->heavy_running >= s->cfg.max_jobs)
		pthread_cond_wait(&s->heavy_cv, &s->heavy_mu);
	if (s->heavy_running < s->cfg.max_jobs) {
		s->heavy_running++;
		ok = 1;
	}
	pthread_mutex_unlock(&s->heavy_mu);
	return ok;
}

static void heavy_release(svc *s)
{
	pthread_mutex_lock(&s->heavy_mu);
	s->heavy_running--;
	pthread_cond_signal(&s->heavy_cv);
	pthread_mutex_unlock(&s->heavy_mu);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void respond_json(svc_response *rs, int status, json_t *body)
{
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	rs->body = body ? json_dumps(body, CODEC_DUMP_FLAGS) : NULL;
	if (!rs->body) {
		/* Only allocation failure gets here: answer something. */
		rs->status = 503;
		rs->body =
			strdup("{\"error\":{\"code\":\"out_of_memory\","
			       "\"message\":\"out of memory\",\"path\":\"\"}}");
		rs->retry_after = 5;
	}
	rs->len = rs->body ? strlen(rs->body) : 0;
	json_decref(body);
}

static json_t *error_json(const verr *e)
{
	return json_pack("{s:{s:s, s:s, s:s}}", "error", "code", e->code,
			 "message", e->msg, "path", e->path);
}

static void respond_error(svc_response *rs, const verr *e)
{
	snprintf(rs->code, sizeof rs->code, "%s", e->code);
	rs->retry_after = e->retry_after;
	respond_json(rs, e->status, error_json(e));
}

/* ------------------------------------------------------------ compute */

/* Run one metric on already-parsed request parts.  Returns the result
 * object (new reference) or NULL with err filled. */
static json_t *compute(svc *s, const metric *m, const jsonx_doc *doc,
		       json_t *inputs, json_t *shared, json_t *params,
		       const char *prefix, const evald_progress *prog,
		       verr *err)
{
	mcall c;
	json_t *res = NULL;
	pool *pl = pool_new();
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};
	int heavy = (m->flags & MF_HEAVY) != 0;
	double t0;

	memset(&c, 0, sizeof c);
	c.pool = pl;
	if (prog)
		c.progress = *prog;
	c.warnings = json_array();
	c.owned = json_array();
	if (!pl || !c.warnings || !c.owned) {
		verr_set(err, 503, "out_of_memory", "", "out of memory");
		err->retry_after = s->cfg.retry_after;
		goto fail;
	}
	if (registry_resolve(m, inputs, shared, params, prefix, &c, err, &cx) <
	    0)
		goto fail;
	/* Jobs (prog set) wait for a slot; synchronous requests do not. */
	if (heavy && !heavy_acquire(s, prog != NULL)) {
		verr_set(err, 503, "overloaded", "",
			 "%d heavy computations are already running "
			 "(--max-jobs); retry later, or send ?async=1",
			 s->cfg.max_jobs);
		err->retry_after = s->cfg.retry_after;
		goto fail;
	}
	res = json_object();
	t0 = now_ms();
	int rc = res ? m->run(&c, res, err) : -1;
	double elapsed = now_ms() - t0;
	if (heavy)
		heavy_release(s);
	if (!res)
		verr_set(err, 503, "out_of_memory", "", "out of memory");
	if (rc < 0)
		goto fail;
	json_object_set_new(res, "metric", json_string(m->name));
	json_object_set_new(res, "params", registry_params_json(&c));
	json_object_set(res, "warnings", c.warnings);
	json_object_set_new(res, "elapsed_ms", json_real(elapsed));
	json_decref(c.warnings);
	json_decref(c.owned);
	pool_free(pl);
	return res;
fail:
	json_decref(res);
	json_decref(c.warnings);
	json_decref(c.owned);
	pool_free(pl);
	return NULL;
}

static int check_keys(json_t *obj, const char *const *allowed,
		      const char *prefix, verr *err)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		int ok = 0;
		for (int i = 0; allowed[i]; i++)
			ok |= !strcmp(key, allowed[i]);
		if (!ok) {
			char p[160];
			snprintf(p, sizeof p, "%s/%s", prefix, key);
			return verr_set(err, 422, "unknown_field", p,
					"unexpected field '%s'", key);
		}
	}
	return 0;
}

static int parse_body(const char *body, size_t len, jsonx_doc *doc, verr *err)
{
	jsonx_error je;

	if (len == 0)
		return verr_set(err, 400, "malformed_json", "",
				"the request body is empty; send a JSON "
				"object");
	if (jsonx_parse(body, len, doc, &je) < 0)
		return verr_set(err, 400, "malformed_json", "",
				"invalid JSON at line %d, column %d: %s",
				je.line, je.column, je.msg);
	if (!json_is_object(doc->root)) {
		jsonx_free(doc);
		return verr_set(err, 400, "wrong_type", "",
				"the request body must be a JSON object");
	}
	return 0;
}

static int check_record(json_t *root, verr *err)
{
	if (json_object_get(root, "record"))
		return verr_set(err, 422, "not_supported", "/record",
				"recording series is not available in this "
				"build yet; send the request without "
				"\"record\"");
	return 0;
}

static void method_not_allowed(svc_response *rs, const char *allow);

/* A parsed compute request: what a synchronous handler runs at once and
 * what a job keeps until a worker runs it.  The doc's string blobs point
 * into body, so the two live and die together. */
typedef struct creq {
	svc *s;
	const metric *m; /* NULL for /v1/evaluate */
	char *body;      /* owned when `owns_body` */
	int owns_body;
	jsonx_doc doc;
} creq;

static void creq_free(void *arg)
{
	creq *q = arg;
	jsonx_free(&q->doc);
	if (q->owns_body)
		free(q->body);
	free(q);
}

static json_t *run_metric(creq *q, const evald_progress *prog, verr *err)
{
	json_t *inputs = json_object_get(q->doc.root, "inputs");
	if (!inputs) {
		verr_set(err, 422, "missing_input", "/inputs",
			 "the request needs an \"inputs\" object");
		return NULL;
	}
	return compute(q->s, q->m, &q->doc, inputs, NULL,
		       json_object_get(q->doc.root, "params"), "", prog, err);
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

	if (shared && !json_is_object(shared)) {
		verr_set(err, 400, "wrong_type", "/inputs",
			 "inputs must be an object");
		return NULL;
	}
	if (!json_is_array(list) || json_array_size(list) == 0) {
		verr_set(err, 422, "missing_input", "/metrics",
			 "metrics must be a non-empty array of {\"name\", "
			 "\"params\"?, \"inputs\"?}");
		return NULL;
	}
	results = json_array();
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
		if (!json_is_object(item)) {
			verr_set(&e, 400, "wrong_type", prefix,
				 "each entry of metrics must be an object");
		} else if (check_keys(item, mkeys, prefix, &e) < 0) {
			/* e is filled */
		} else if (!json_is_string(jn)) {
			verr_set(&e, 400, "wrong_type", p,
				 "name must be a metric name string");
		} else if (!(m = registry_find(json_string_value(jn)))) {
			verr_set(&e, 404, "unknown_metric", p,
				 "no metric named '%s'", json_string_value(jn));
		} else {
			json_t *in = json_object_get(item, "inputs");
			snprintf(p, sizeof p, "%s/inputs", prefix);
			if (in && !json_is_object(in))
				verr_set(&e, 400, "wrong_type", p,
					 "inputs must be an object");
			else
				res = compute(q->s, m, &q->doc, in, shared,
					      json_object_get(item, "params"),
					      prefix, prog ? &inner : NULL, &e);
		}
		if (!res) {
			if (!strcmp(e.code, "cancelled")) {
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
	return *result ? 0 : -1;
}

static int want_async(const svc_request *rq)
{
	const char *q = rq->query;
	/* The query is "k=v&k=v" with values already URL-decoded. */
	while (q && *q) {
		if (!strncmp(q, "async=", 6))
			return q[6] == '1' || !strncmp(q + 6, "true", 4);
		q = strchr(q, '&');
		if (q)
			q++;
	}
	return 0;
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
		verr_set(&err, 503, "out_of_memory", "", "out of memory");
		goto fail;
	}
	q->s = s;
	q->m = m;
	q->body = (char *)rq->body;
	if (async && rq->steal_body && *rq->steal_body == rq->body) {
		/* The job outlives the request: take the body, no copy. */
		q->owns_body = 1;
		*rq->steal_body = NULL;
	} else if (async) {
		q->body = malloc(rq->len + 1);
		if (!q->body) {
			verr_set(&err, 503, "out_of_memory", "",
				 "out of memory");
			goto fail;
		}
		memcpy(q->body, rq->body, rq->len);
		q->owns_body = 1;
	}
	if (parse_body(q->body, rq->len, &q->doc, &err) < 0)
		goto fail;
	if (check_keys(q->doc.root, m ? mkeys : ekeys, "", &err) < 0 ||
	    check_record(q->doc.root, &err) < 0)
		goto fail;
	if (async) {
		char id[17];
		if (jobs_submit(s->jobs, m ? m->name : "evaluate", creq_run, q,
				creq_free, id, &err) < 0)
			goto fail;
		respond_json(rs, 202,
			     json_pack("{s:s, s:s}", "job", id, "status",
				       "queued"));
		return;
	}
	if (creq_run(q, NULL, &res, &err) < 0)
		goto fail;
	creq_free(q);
	respond_json(rs, 200, res);
	return;
fail:
	if (q)
		creq_free(q);
	respond_error(rs, &err);
}

static void post_metric(svc *s, const char *name, const svc_request *rq,
			svc_response *rs)
{
	const metric *m = registry_find(name);
	verr err;

	if (!m) {
		verr_set(&err, 404, "unknown_metric", "",
			 "no metric named '%s'; GET /v1/metrics lists them",
			 name);
		respond_error(rs, &err);
		return;
	}
	post_compute(s, m, rq, rs);
}

static void job_route(svc *s, const char *id, const svc_request *rq,
		      svc_response *rs)
{
	int del = !strcmp(rq->method, "DELETE");
	json_t *o;
	verr e;

	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD") && !del) {
		method_not_allowed(rs, "GET, DELETE");
		return;
	}
	o = del ? jobs_cancel(s->jobs, id) : jobs_get(s->jobs, id);
	if (!o) {
		verr_set(&e, 404, "not_found", "",
			 "no job '%s' (finished jobs are kept for a while, "
			 "then forgotten)",
			 id);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200, o);
}

/* ------------------------------------------------------------ routing */

static int is_json_type(const char *ct)
{
	if (!ct)
		return 1; /* absent: assume JSON, as most clients mean it */
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void method_not_allowed(svc_response *rs, const char *allow)
{
	verr e;
	verr_set(&e, 405, "method_not_allowed", "",
		 "this route accepts %s only", allow);
	rs->allow = allow;
	respond_error(rs, &e);
}

static int check_json_type(const svc_request *rq, svc_response *rs)
{
	verr e;
	if (is_json_type(rq->content_type))
		return 0;
	verr_set(&e, 415, "unsupported_media_type", "",
		 "send the request as Content-Type: application/json (got "
		 "'%s')",
		 rq->content_type);
	respond_error(rs, &e);
	return -1;
}

static void get_metric_entry(const char *name, svc_response *rs)
{
	const metric *m = registry_find(name);
	verr e;
	if (m) {
		respond_json(rs, 200, registry_entry_json(m));
		return;
	}
	verr_set(&e, 404, "unknown_metric", "",
		 "no metric named '%s'; GET /v1/metrics lists them", name);
	respond_error(rs, &e);
}

static void get_readyz(svc *s, svc_response *rs)
{
	verr e;
	if (atomic_load(&s->ready)) {
		respond_json(rs, 200, json_pack("{s:s}", "status", "ready"));
		return;
	}
	verr_set(&e, 503, "not_ready", "", "the store is not open yet");
	e.retry_after = 1;
	respond_error(rs, &e);
}

void svc_handle(svc *s, const svc_request *rq, svc_response *rs)
{
	const char *path = rq->path;
	int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
	int post = !strcmp(rq->method, "POST");
	verr e;

	memset(rs, 0, sizeof *rs);
	if (!strcmp(path, "/healthz")) {
		if (!get)
			method_not_allowed(rs, "GET");
		else
			respond_json(rs, 200,
				     json_pack("{s:s}", "status", "ok"));
	} else if (!strcmp(path, "/readyz")) {
		if (!get)
			method_not_allowed(rs, "GET");
		else
			get_readyz(s, rs);
	} else if (!strcmp(path, "/v1/metrics")) {
		if (!get)
			method_not_allowed(rs, "GET");
		else
			respond_json(rs, 200, registry_catalog_json());
	} else if (!strncmp(path, "/v1/metrics/", 12) &&
		   !strchr(path + 12, '/') && path[12]) {
		if (get)
			get_metric_entry(path + 12, rs);
		else if (!post)
			method_not_allowed(rs, "GET, POST");
		else if (check_json_type(rq, rs) == 0)
			post_metric(s, path + 12, rq, rs);
	} else if (!strcmp(path, "/v1/evaluate")) {
		if (!post)
			method_not_allowed(rs, "POST");
		else if (check_json_type(rq, rs) == 0)
			post_compute(s, NULL, rq, rs);
	} else if (!strncmp(path, "/v1/jobs/", 9) && path[9] &&
		   !strchr(path + 9, '/')) {
		job_route(s, path + 9, rq, rs);
	} else {
		verr_set(&e, 404, "not_found", "", "no route %s %s", rq->method,
			 path);
		respond_error(rs, &e);
	}
}
