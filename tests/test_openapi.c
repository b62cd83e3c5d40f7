/* test_openapi.c - the OpenAPI description against the tables it is built
 * from: every route has its hand-written success answer (and a route
 * without one is refused), every row is an operation with its auth,
 * parameters and media types, every metric a path with its inputs and
 * params, and the text is the same bytes every time, within its bound.
 *
 * `test_openapi --dump` prints the document instead (tests/lib.sh's
 * response check reads it from there, with no daemon or token needed). */
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "openapi.h"
#include "tap.h"

static svc_route_info *table(size_t extra, size_t *n)
{
	*n = svc_route_count();
	svc_route_info *rs = calloc(*n + extra, sizeof *rs);
	for (size_t i = 0; rs && i < *n; i++)
		svc_route_at(i, &rs[i]);
	return rs;
}

static const char *level[] = {"open", "read", "write"};

/* One row as an operation of doc: auth, security, query, body types. */
static int row_ok(json_t *doc, const svc_route_info *r, char *why, size_t n)
{
	char m[16];
	size_t i = 0;
	for (; r->method[i] && i + 1 < sizeof m; i++)
		m[i] = (char)(r->method[i] - 'A' + 'a');
	m[i] = '\0';
	json_t *op = json_object_get(
		json_object_get(json_object_get(doc, "paths"), r->path), m);
	json_t *params = json_object_get(op, "parameters");
	json_t *content =
		json_object_get(json_object_get(op, "requestBody"), "content");
	if (!op)
		return snprintf(why, n, "no operation"), 0;
	if (strcmp(json_string_value(json_object_get(op, "x-evald-auth")),
		   level[r->auth]) ||
	    (json_array_size(json_object_get(op, "security")) == 0) !=
		    (r->auth == AUTH_OPEN))
		return snprintf(why, n, "auth is not %s", level[r->auth]), 0;
	size_t want = (r->async ? 1 : 0), got = 0, k;
	for (k = 0; r->query && r->query[k]; k++)
		want++;
	json_t *p;
	json_array_foreach(params, k, p)
	{
		const char *in = json_string_value(json_object_get(p, "in"));
		got += in && !strcmp(in, "query");
	}
	if (got != want)
		return snprintf(why, n, "%zu query parameters, not %zu", got,
				want),
		       0;
	size_t types = r->body == SVC_BODY_NONE		     ? 0
		       : r->body == SVC_BODY_JSON	     ? 1
		       : r->body == SVC_BODY_JSON_INPUTS_NPZ ? 3
							     : 2;
	types += r->npy_stream;
	if (json_object_size(content) != types ||
	    (types && !json_object_get(content, "application/json")))
		return snprintf(why, n, "%zu body media types, not %zu",
				json_object_size(content), types),
		       0;
	if (!json_object_get(json_object_get(op, "responses"), "400"))
		return snprintf(why, n, "no 400 answer"), 0;
	return 1;
}

/* A metric's path: one property per param with the row's default, the
 * row's required inputs, unknown names refused. */
static int metric_ok(json_t *doc, const metric *m, char *why, size_t n)
{
	char path[200];
	snprintf(path, sizeof path, "/v1/metrics/%s", m->name);
	json_t *s = json_object_get(
		json_object_get(
			json_object_get(
				json_object_get(
					json_object_get(
						json_object_get(
							json_object_get(
								doc, "paths"),
							path),
						"post"),
					"requestBody"),
				"content"),
			"application/json"),
		"schema");
	json_t *props = json_object_get(s, "properties");
	json_t *ps =
		json_object_get(json_object_get(props, "params"), "properties");
	json_t *ins = json_object_get(props, "inputs");
	if (!s)
		return snprintf(why, n, "no POST %s", path), 0;
	if (json_is_true(json_object_get(ins, "additionalProperties")) ||
	    !json_object_get(ins, "additionalProperties"))
		return snprintf(why, n, "unknown inputs not refused"), 0;
	size_t np = 0, nreq = 0;
	for (const param_spec *p = m->params; p->name; p++, np++) {
		json_t *def = json_loads(p->def, JSON_DECODE_ANY, NULL);
		int same = json_equal(
			def, json_object_get(json_object_get(ps, p->name),
					     "default"));
		json_decref(def);
		if (!same)
			return snprintf(why, n, "param %s: default differs",
					p->name),
			       0;
	}
	for (const input_spec *in = m->inputs; in->name; in++)
		nreq += in->required;
	if (json_object_size(ps) != np ||
	    json_array_size(json_object_get(ins, "required")) != nreq)
		return snprintf(why, n, "params or required inputs differ"), 0;
	return 1;
}

static int dump(void)
{
	const char *text;
	size_t len;
	if (openapi_text(&text, &len) < 0)
		return 1;
	fwrite(text, 1, len, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char why[4096];
	size_t n;
	const char *t1, *t2;
	size_t l1, l2;

	if (argc > 1 && !strcmp(argv[1], "--dump"))
		return dump();
	svc_route_info *rs = table(1, &n);
	int bad = openapi_check(rs, n, why, sizeof why);
	tap_ok(bad == 0,
	       "every route has its success answer and query "
	       "schemas (%zu routes)",
	       n);
	if (bad)
		tap_diag("%s", why);

	/* A new route without a hand-written answer must fail, by name. */
	static const char *const q[] = {"colour", NULL};
	rs[n] = (svc_route_info){.method = "GET",
				 .path = "/v1/widgets/{name}",
				 .pattern = "/v1/widgets/*",
				 .auth = AUTH_READ,
				 .query = q};
	bad = openapi_check(rs, n + 1, why, sizeof why);
	tap_ok(bad == 2 && strstr(why, "GET /v1/widgets/{name}: no success") &&
		       strstr(why, "query parameter colour"),
	       "a route without a success schema or a query schema is "
	       "refused (%d problems)",
	       bad);
	json_t *none = openapi_build(rs, n + 1, registry, why, sizeof why);
	tap_ok(none == NULL, "and no description is built for it");
	json_decref(none);

	tap_ok(openapi_text(&t1, &l1) == 0 && openapi_text(&t2, &l2) == 0 &&
		       t1 == t2,
	       "the description is built once and kept");
	json_t *doc = openapi_build(rs, n, registry, why, sizeof why);
	char *again = NULL;
	size_t la = 0;
	tap_ok(doc && jsonout_dump(doc, 0, &again, &la) == 0 && la == l1 &&
		       !memcmp(again, t1, l1),
	       "a second build gives the same bytes (%zu)", l1);
	free(again);
	tap_ok(l1 > 0 && l1 <= OPENAPI_MAX_BYTES,
	       "its size is within OPENAPI_MAX_BYTES (%zu <= %d)", l1,
	       OPENAPI_MAX_BYTES);

	int rows = 1;
	for (size_t i = 0; i < n; i++)
		if (!row_ok(doc, &rs[i], why, sizeof why)) {
			tap_diag("%s %s: %s", rs[i].method, rs[i].path, why);
			rows = 0;
		}
	tap_ok(rows, "each row is an operation with its auth, query and "
		     "body media types");
	int metrics = 1, count = 0;
	for (const metric *m = registry; m->name; m++, count++)
		if (!metric_ok(doc, m, why, sizeof why)) {
			tap_diag("%s: %s", m->name, why);
			metrics = 0;
		}
	tap_ok(metrics,
	       "each metric has its path with its params' defaults "
	       "and required inputs (%d metrics)",
	       count);
	json_decref(doc);
	free(rs);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
