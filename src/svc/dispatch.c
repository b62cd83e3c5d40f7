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
	cfg->retry_after = 2;
}

void svc_init(svc *s, const svc_config *cfg)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	atomic_store(&s->heavy_running, 0);
	atomic_store(&s->ready, 1);
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
		       const char *prefix, verr *err)
{
	mcall c;
	json_t *res = NULL;
	pool *pl = pool_new();
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};
	int heavy = (m->flags & MF_HEAVY) != 0;
	double t0;

	memset(&c, 0, sizeof c);
	c.pool = pl;
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
	if (heavy) {
		if (atomic_fetch_add(&s->heavy_running, 1) >= s->cfg.max_jobs) {
			atomic_fetch_sub(&s->heavy_running, 1);
			verr_set(err, 503, "overloaded", "",
				 "%d heavy computations are already running "
				 "(--max-jobs); retry later",
				 s->cfg.max_jobs);
			err->retry_after = s->cfg.retry_after;
			goto fail;
		}
	}
	res = json_object();
	t0 = now_ms();
	int rc = res ? m->run(&c, res, err) : -1;
	double elapsed = now_ms() - t0;
	if (heavy)
		atomic_fetch_sub(&s->heavy_running, 1);
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

static int parse_body(const svc_request *rq, jsonx_doc *doc, verr *err)
{
	jsonx_error je;

	if (rq->len == 0)
		return verr_set(err, 400, "malformed_json", "",
				"the request body is empty; send a JSON "
				"object");
	if (jsonx_parse(rq->body, rq->len, doc, &je) < 0)
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

static void post_metric(svc *s, const char *name, const svc_request *rq,
			svc_response *rs)
{
	static const char *const keys[] = {"inputs", "params", "record", NULL};
	const metric *m = registry_find(name);
	jsonx_doc doc = {0};
	verr err;
	json_t *res;

	if (!m) {
		verr_set(&err, 404, "unknown_metric", "",
			 "no metric named '%s'; GET /v1/metrics lists them",
			 name);
		goto fail;
	}
	if (parse_body(rq, &doc, &err) < 0)
		goto fail;
	if (check_keys(doc.root, keys, "", &err) < 0 ||
	    check_record(doc.root, &err) < 0)
		goto fail;
	json_t *inputs = json_object_get(doc.root, "inputs");
	if (!inputs) {
		verr_set(&err, 422, "missing_input", "/inputs",
			 "the request needs an \"inputs\" object");
		goto fail;
	}
	res = compute(s, m, &doc, inputs, NULL,
		      json_object_get(doc.root, "params"), "", &err);
	if (!res)
		goto fail;
	jsonx_free(&doc);
	respond_json(rs, 200, res);
	return;
fail:
	jsonx_free(&doc);
	respond_error(rs, &err);
}

static void post_evaluate(svc *s, const svc_request *rq, svc_response *rs)
{
	static const char *const keys[] = {"inputs", "metrics", "record", NULL};
	static const char *const mkeys[] = {"name", "params", "inputs", NULL};
	jsonx_doc doc = {0};
	verr err;
	json_t *results = NULL;

	if (parse_body(rq, &doc, &err) < 0)
		goto fail;
	if (check_keys(doc.root, keys, "", &err) < 0 ||
	    check_record(doc.root, &err) < 0)
		goto fail;
	json_t *shared = json_object_get(doc.root, "inputs");
	json_t *list = json_object_get(doc.root, "metrics");
	if (shared && !json_is_object(shared)) {
		verr_set(&err, 400, "wrong_type", "/inputs",
			 "inputs must be an object");
		goto fail;
	}
	if (!json_is_array(list) || json_array_size(list) == 0) {
		verr_set(&err, 422, "missing_input", "/metrics",
			 "metrics must be a non-empty array of {\"name\", "
			 "\"params\"?, \"inputs\"?}");
		goto fail;
	}
	results = json_array();
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *item = json_array_get(list, i), *res = NULL;
		char prefix[64];
		verr e;
		snprintf(prefix, sizeof prefix, "/metrics/%zu", i);
		const metric *m = NULL;
		json_t *jn = json_object_get(item, "name");
		if (!json_is_object(item)) {
			verr_set(&e, 400, "wrong_type", prefix,
				 "each entry of metrics must be an object");
		} else if (check_keys(item, mkeys, prefix, &e) < 0) {
			/* e is filled */
		} else if (!json_is_string(jn)) {
			char p[80];
			snprintf(p, sizeof p, "%s/name", prefix);
			verr_set(&e, 400, "wrong_type", p,
				 "name must be a metric name string");
		} else if (!(m = registry_find(json_string_value(jn)))) {
			char p[80];
			snprintf(p, sizeof p, "%s/name", prefix);
			verr_set(&e, 404, "unknown_metric", p,
				 "no metric named '%s'", json_string_value(jn));
		} else {
			json_t *in = json_object_get(item, "inputs");
			if (in && !json_is_object(in)) {
				char p[80];
				snprintf(p, sizeof p, "%s/inputs", prefix);
				verr_set(&e, 400, "wrong_type", p,
					 "inputs must be an object");
			} else {
				res = compute(s, m, &doc, in, shared,
					      json_object_get(item, "params"),
					      prefix, &e);
			}
		}
		if (!res) {
			res = error_json(&e);
			json_object_set_new(res, "status",
					    json_integer(e.status));
			if (jn && json_is_string(jn))
				json_object_set(res, "metric", jn);
		}
		json_array_append_new(results, res);
	}
	jsonx_free(&doc);
	respond_json(rs, 200, json_pack("{s:o}", "results", results));
	return;
fail:
	json_decref(results);
	jsonx_free(&doc);
	respond_error(rs, &err);
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
			post_evaluate(s, rq, rs);
	} else {
		verr_set(&e, 404, "not_found", "", "no route %s %s", rq->method,
			 path);
		respond_error(rs, &e);
	}
}
