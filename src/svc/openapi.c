/* openapi.c - GET /v1/openapi.json: the OpenAPI 3.1 description, built
 * once from the route table, the metric registry and the error table.
 *
 * Each row of the route table becomes an operation (its path parameters,
 * query parameters, auth level as a bearer requirement, body media types
 * and the error statuses its checks can give); each metric adds a path of
 * its own whose request schema is its registry row (openapi_metric.c).
 * The text is built on first use and kept: it depends on nothing but the
 * binary, so it is the same bytes on every call. */
#include <config.h>

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "openapi.h"
#include "respond.h"

static const char *const level_name[] = {"open", "read", "write"};

/* "get_v1_metrics_name" from GET /v1/metrics/{name}: stable and unique
 * (one row per method and label). */
static json_t *operation_id(const char *method, const char *path)
{
	char id[160];
	size_t o = 0;

	for (const char *m = method; *m && o < 16; m++)
		id[o++] = (char)tolower((unsigned char)*m);
	for (const char *p = path; *p && o + 2 < sizeof id; p++) {
		if (isalnum((unsigned char)*p))
			id[o++] = (char)tolower((unsigned char)*p);
		else if (id[o - 1] != '_')
			id[o++] = '_';
	}
	while (o > 0 && id[o - 1] == '_')
		o--;
	id[o] = '\0';
	if (!strchr(id, '_'))
		return json_sprintf("%s_root", id);
	return json_string(id);
}

/* The {name} segments of a label; a pattern ending in "**" lets the last
 * take the rest of the path, '/' included (series names). */
static void add_path_params(json_t *params, const svc_route_info *r)
{
	size_t plen = strlen(r->pattern);
	int rest = plen >= 2 && !strcmp(r->pattern + plen - 2, "**");

	for (const char *p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		int last = !strchr(end, '{');
		json_t *prm =
			json_pack("{s:s#, s:s, s:b, s:{s:s}}", "name", p + 1,
				  (int)(end - p - 1), "in", "path", "required",
				  1, "schema", "type", "string");
		if (rest && last) {
			json_object_set_new(
				prm, "description",
				json_string("The rest of the path: it may "
					    "contain '/' (sent as is, not "
					    "percent-encoded)."));
			json_object_set_new(prm, "x-evald-rest-of-path",
					    json_true());
		}
		json_array_append_new(params, prm);
	}
}

static void add_query_param(json_t *params, json_t *hand, const char *key,
			    const char *name)
{
	json_t *q = json_object_get(json_object_get(hand, "query"), key);
	json_t *e = key ? json_object_get(q, name)
			: json_object_get(json_object_get(hand, "query"), name);
	json_t *prm = json_pack("{s:s, s:s, s:b}", "name", name, "in", "query",
				"required", 0);
	json_t *d = json_object_get(e, "description");
	if (d)
		json_object_set(prm, "description", d);
	json_object_set(prm, "schema",
			json_object_get(e, "schema")
				? json_object_get(e, "schema")
				: json_pack("{s:s}", "type", "string"));
	json_array_append_new(params, prm);
}

static json_t *parameters(json_t *hand, const svc_route_info *r, int concrete)
{
	json_t *params = json_array();
	char key[300];

	snprintf(key, sizeof key, "%s %s", r->method, r->path);
	if (!concrete)
		add_path_params(params, r);
	for (size_t i = 0; r->query && r->query[i]; i++)
		add_query_param(params, hand, key, r->query[i]);
	if (r->async)
		add_query_param(params, hand, NULL, "async");
	return params;
}

/* The body's media types, from the row's body kind. */
static json_t *request_body(const svc_route_info *r, json_t *schema)
{
	json_t *content = json_object();
	json_t *bin = json_pack("{s:{s:s}}", "schema", "contentMediaType",
				"application/octet-stream");

	json_object_set_new(content, "application/json",
			    json_pack("{s:o}", "schema", schema));
	if (r->body == SVC_BODY_JSON_NPY || r->body == SVC_BODY_JSON_NPZ)
		json_object_set(content, "application/octet-stream", bin);
	if (r->npy_stream)
		json_object_set(content, "application/x-npy", bin);
	if (r->body == SVC_BODY_JSON_INPUTS_NPZ) {
		json_object_set(content, "application/x-npz", bin);
		json_object_set(content, "application/octet-stream", bin);
	}
	json_decref(bin);
	const char *what =
		r->body == SVC_BODY_JSON_INPUTS_NPZ
			? "JSON, or a .npz whose members are the inputs "
			  "(application/x-npz or application/octet-stream; "
			  "params in a params.json member or the params query)"
		: r->body == SVC_BODY_JSON_NPZ
			? "JSON, or a .npy or .npz told apart by its magic "
			  "bytes (application/octet-stream)"
		: r->body == SVC_BODY_JSON_NPY
			? "JSON, or a .npy (application/octet-stream)"
			: "JSON";
	return json_pack("{s:b, s:s+++, s:o}", "required", 1, "description",
			 what, r->npy_stream ? "; a .npy sent as " : "",
			 r->npy_stream ? "application/x-npy is streamed into "
					 "moments as it arrives"
				       : "",
			 ".", "content", content);
}

/* The error statuses the checks of a row can give: every route can be
 * sent a bad query or one too long and can fail or be overloaded; the
 * rest follows from what the row declares. */
static void error_statuses(const svc_route_info *r, int *st, int *n)
{
	int body = r->body != SVC_BODY_NONE;
	int with[] = {400, 1,
		      401, r->auth != AUTH_OPEN,
		      404, strchr(r->path, '{') != NULL,
		      408, body,
		      409, r->async || r->heavy,
		      411, body,
		      413, body || r->query,
		      414, 1,
		      415, body,
		      422, body || r->query || strchr(r->path, '{'),
		      500, 1,
		      503, 1,
		      507, r->store && strcmp(r->method, "GET")};
	*n = 0;
	for (size_t i = 0; i < sizeof with / sizeof *with; i += 2)
		if (with[i + 1])
			st[(*n)++] = with[i];
}

static json_t *responses(json_t *entry, const svc_route_info *r)
{
	json_t *rsp = json_object(), *st = json_object_get(entry, "status");
	int errs[16], nerr;
	size_t i;
	json_t *v;
	char code[8];

	json_array_foreach(st, i, v)
	{
		snprintf(code, sizeof code, "%d", (int)json_integer_value(v));
		json_object_set_new(
			rsp, code,
			json_pack("{s:O, s:{s:{s:O}}}", "description",
				  json_object_get(entry, "summary"), "content",
				  json_string_value(
					  json_object_get(entry, "media")),
				  "schema", json_object_get(entry, "schema")));
	}
	if (r->async)
		json_object_set_new(
			rsp, "202",
			json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
				  "With ?async=1: the job was queued; poll GET "
				  "/v1/jobs/{id}.",
				  "content", "application/json", "schema",
				  "$ref", "#/components/schemas/JobAccepted"));
	error_statuses(r, errs, &nerr);
	/* Statuses the row cannot show but its entry names ("errors"): a
	 * body that names a stored resource (/v1/drift's {"dataset"}) can
	 * be 404 on a path without one. */
	json_array_foreach(json_object_get(entry, "errors"), i, v)
	{
		if (nerr < (int)(sizeof errs / sizeof *errs))
			errs[nerr++] = (int)json_integer_value(v);
	}
	for (int k = 0; k < nerr; k++) {
		char ref[64];
		snprintf(code, sizeof code, "%d", errs[k]);
		snprintf(ref, sizeof ref, "#/components/responses/E%d",
			 errs[k]);
		json_object_set_new(rsp, code, json_pack("{s:s}", "$ref", ref));
	}
	return rsp;
}

static json_t *operation(json_t *hand, const svc_route_info *r, json_t *id,
			 json_t *summary, json_t *request, int concrete)
{
	json_t *entry = openapi_route_entry(hand, r->method, r->path);
	json_t *op = json_object();

	json_object_set_new(op, "operationId", id);
	json_object_set_new(
		op, "summary",
		summary ? summary
			: json_incref(json_object_get(entry, "summary")));
	json_object_set_new(op, "x-evald-auth",
			    json_string(level_name[r->auth]));
	json_object_set_new(op, "security",
			    r->auth == AUTH_OPEN
				    ? json_array()
				    : json_pack("[{s:[]}]", "bearer"));
	json_t *params = parameters(hand, r, concrete);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->body != SVC_BODY_NONE) {
		if (!request)
			request =
				json_object_get(entry, "request")
					? json_incref(json_object_get(
						  entry, "request"))
					: json_pack("{s:s}", "type", "object");
		json_object_set_new(op, "requestBody",
				    request_body(r, request));
	} else {
		json_decref(request);
	}
	json_object_set_new(op, "responses", responses(entry, r));
	return op;
}

static json_t *path_item(json_t *paths, const char *path)
{
	json_t *item = json_object_get(paths, path);
	if (!item) {
		item = json_object();
		json_object_set_new(paths, path, item);
	}
	return item;
}

static void lower(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; src[i] && i + 1 < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/* /v1/metrics/<name> for each metric: the rows of /v1/metrics/{name}
 * again, with the metric's own request schema. */
static void metric_paths(json_t *hand, json_t *paths,
			 const svc_route_info *routes, size_t nroutes,
			 const metric *metrics)
{
	for (const metric *m = metrics; m->name; m++) {
		char path[200], method[16];
		snprintf(path, sizeof path, "/v1/metrics/%s", m->name);
		for (size_t i = 0; i < nroutes; i++) {
			const svc_route_info *r = &routes[i];
			if (strcmp(r->path, "/v1/metrics/{name}"))
				continue;
			int post = r->body != SVC_BODY_NONE;
			lower(method, r->method, sizeof method);
			json_object_set_new(
				path_item(paths, path), method,
				operation(hand, r,
					  json_sprintf("%s_%s",
						       post ? "compute"
							    : "describe",
						       m->name),
					  post ? json_sprintf("%s: %s", m->name,
							      m->summary)
					       : json_sprintf("The catalog "
							      "entry of %s.",
							      m->name),
					  post ? openapi_metric_request(m)
					       : NULL,
					  1));
		}
	}
}

/* Error statuses of the table, each with its codes: components E<status>
 * (a response) and Error<status> (its schema, the envelope with `code`
 * held to the codes of that status). */
static void error_components(json_t *schemas, json_t *resps)
{
	for (int st = 400; st < 600; st++) {
		json_t *codes = json_array();
		for (int c = 0; c < E__COUNT; c++)
			if (verr_table[c].status == st)
				json_array_append_new(
					codes, json_string(verr_table[c].name));
		if (!json_array_size(codes)) {
			json_decref(codes);
			continue;
		}
		char name[32], ref[64];
		snprintf(name, sizeof name, "Error%d", st);
		snprintf(ref, sizeof ref, "#/components/schemas/%s", name);
		json_object_set_new(
			schemas, name,
			json_pack("{s:s, s:{s:{s:{s:{s:o}}}}}", "$ref",
				  "#/components/schemas/Error", "properties",
				  "error", "properties", "code", "enum",
				  codes));
		json_t *r =
			json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
				  "The error envelope.", "content",
				  "application/json", "schema", "$ref", ref);
		const char *hdr = st == 401   ? "WWW-Authenticate"
				  : st == 405 ? "Allow"
				  : st == 503 ? "Retry-After"
					      : NULL;
		if (hdr)
			json_object_set_new(
				r, "headers",
				json_pack("{s:{s:b, s:{s:s}}}", hdr, "required",
					  1, "schema", "type",
					  st == 503 ? "integer" : "string"));
		snprintf(name, sizeof name, "E%d", st);
		json_object_set_new(resps, name, r);
	}
}

static json_t *components(json_t *hand)
{
	json_t *schemas = json_deep_copy(json_object_get(hand, "components"));
	json_t *resps = json_object();

	error_components(schemas, resps);
	return json_pack(
		"{s:o, s:o, s:{s:{s:s, s:s, s:s}}}", "schemas", schemas,
		"responses", resps, "securitySchemes", "bearer", "type", "http",
		"scheme", "bearer", "description",
		"Authorization: Bearer <token>, needed only when the server "
		"has one: --token-file for write operations, "
		"--read-token-file for read ones (the write token reads "
		"too). x-evald-auth gives each operation's level; open ones "
		"never need a token.");
}

static json_t *info(void)
{
	return json_pack(
		"{s:s, s:s, s:s}", "title", "evald", "version", PACKAGE_VERSION,
		"description",
		"Evaluation metrics over HTTP. Generated by the server from "
		"its route table and metric registry: every route and every "
		"metric it serves is here, with each metric's inputs and "
		"parameters (defaults, ranges, choices). docs/api.md explains "
		"them in words.");
}

json_t *openapi_build(const svc_route_info *routes, size_t nroutes,
		      const metric *metrics, char *errbuf, size_t n)
{
	json_t *hand = openapi_hand(errbuf, n), *paths, *doc;
	char method[16];

	if (!hand)
		return NULL;
	if (openapi_check(routes, nroutes, errbuf, n) > 0) {
		json_decref(hand);
		return NULL;
	}
	paths = json_object();
	for (size_t i = 0; i < nroutes; i++) {
		const svc_route_info *r = &routes[i];
		lower(method, r->method, sizeof method);
		json_t *req = !strcmp(r->path, "/v1/metrics/{name}")
				      ? json_pack("{s:s}", "$ref",
						  "#/components/schemas/"
						  "ComputeRequest")
				      : NULL;
		json_object_set_new(path_item(paths, r->path), method,
				    operation(hand, r,
					      operation_id(r->method, r->path),
					      NULL, req, 0));
	}
	metric_paths(hand, paths, routes, nroutes, metrics);
	doc = json_pack("{s:s, s:o, s:s, s:o, s:o}", "openapi", "3.1.0", "info",
			info(), "jsonSchemaDialect",
			"https://spec.openapis.org/oas/3.1/dialect/base",
			"paths", paths, "components", components(hand));
	json_decref(hand);
	if (!doc)
		snprintf(errbuf, n, "out of memory");
	return doc;
}

/* ------------------------------------------------------------ checks */

static void say(char *buf, size_t n, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(char *buf, size_t n, size_t *used, const char *fmt, ...)
{
	va_list ap;
	if (*used + 1 >= n)
		return;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *used, n - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used = *used + (size_t)w < n ? *used + (size_t)w : n - 1;
}

static int entry_sound(json_t *e)
{
	json_t *st = json_object_get(e, "status");
	return json_is_array(st) && json_array_size(st) > 0 &&
	       json_is_integer(json_array_get(st, 0)) &&
	       json_is_string(json_object_get(e, "media")) &&
	       json_is_string(json_object_get(e, "summary")) &&
	       json_is_object(json_object_get(e, "schema"));
}

/* Each row has its success entry and a schema for each query parameter;
 * each entry and query block names a row. */
static int check_with(json_t *hand, const svc_route_info *routes,
		      size_t nroutes, char *errbuf, size_t n)
{
	size_t used = 0;
	int bad = 0;
	const char *key;
	json_t *v;

	for (size_t i = 0; i < nroutes; i++) {
		const svc_route_info *r = &routes[i];
		char k[300];
		snprintf(k, sizeof k, "%s %s", r->method, r->path);
		json_t *e = openapi_route_entry(hand, r->method, r->path);
		if (!entry_sound(e)) {
			bad++;
			say(errbuf, n, &used,
			    "%s %s: no success answer in openapi_schemas.json "
			    "(routes[\"%s\"] needs status, media, summary "
			    "and schema)\n",
			    r->method, r->path, k);
		}
		json_t *q = json_object_get(json_object_get(hand, "query"), k);
		for (size_t j = 0; r->query && r->query[j]; j++)
			if (!json_object_get(json_object_get(q, r->query[j]),
					     "schema")) {
				bad++;
				say(errbuf, n, &used,
				    "%s: query parameter %s has no schema in "
				    "openapi_schemas.json (query[\"%s\"])\n",
				    k, r->query[j], k);
			}
	}
	json_object_foreach(json_object_get(hand, "routes"), key, v)
	{
		size_t i = 0;
		for (char k[300]; i < nroutes; i++) {
			snprintf(k, sizeof k, "%s %s", routes[i].method,
				 routes[i].path);
			if (!strcmp(k, key))
				break;
		}
		if (i == nroutes) {
			bad++;
			say(errbuf, n, &used,
			    "openapi_schemas.json: routes[\"%s\"] is no row of "
			    "the route table\n",
			    key);
		}
	}
	return bad;
}

int openapi_check(const svc_route_info *routes, size_t nroutes, char *errbuf,
		  size_t n)
{
	json_t *hand = openapi_hand(errbuf, n);
	if (!hand)
		return 1;
	if (n)
		errbuf[0] = '\0';
	int bad = check_with(hand, routes, nroutes, errbuf, n);
	json_decref(hand);
	return bad;
}

/* ------------------------------------------------------------ serving */

static struct {
	pthread_once_t once;
	char *text;
	size_t len;
	char why[512];
} cache = {PTHREAD_ONCE_INIT, NULL, 0, ""};

static void build_once(void)
{
	size_t n = svc_route_count();
	svc_route_info *rs = calloc(n ? n : 1, sizeof *rs);
	json_t *doc = NULL;

	if (!rs) {
		snprintf(cache.why, sizeof cache.why, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		svc_route_at(i, &rs[i]);
	doc = openapi_build(rs, n, registry, cache.why, sizeof cache.why);
	free(rs);
	if (!doc)
		return;
	if (jsonout_dump(doc, 0, &cache.text, &cache.len) < 0) {
		snprintf(cache.why, sizeof cache.why, "out of memory");
		cache.text = NULL;
	} else if (cache.len > OPENAPI_MAX_BYTES) {
		snprintf(cache.why, sizeof cache.why,
			 "the description is %zu bytes, over its bound of %d "
			 "(OPENAPI_MAX_BYTES)",
			 cache.len, OPENAPI_MAX_BYTES);
		free(cache.text);
		cache.text = NULL;
	}
	json_decref(doc);
}

int openapi_text(const char **text, size_t *len)
{
	pthread_once(&cache.once, build_once);
	*text = cache.text;
	*len = cache.len;
	return cache.text ? 0 : -1;
}

void openapi_respond(svc_response *rs)
{
	const char *text;
	size_t len;
	verr e;

	if (openapi_text(&text, &len) < 0 || !(rs->body = malloc(len + 1))) {
		verr_set(&e, E_INTERNAL_ERROR, "",
			 "the OpenAPI description could not be built: %s",
			 cache.why[0] ? cache.why : "out of memory");
		respond_error(rs, &e);
		return;
	}
	memcpy(rs->body, text, len + 1);
	rs->len = len;
	rs->status = 200;
	rs->content_type = "application/json; charset=utf-8";
}
