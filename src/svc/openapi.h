/* openapi.h - the OpenAPI 3.1 description served at GET /v1/openapi.json.
 *
 * Generated, not written: every operation comes from the route table
 * (dispatch.c, via svc_route_at) and every metric's request schema from
 * its registry row, so the description cannot list a route or a parameter
 * the server does not have.  What the tables do not say - the shape of
 * each route's success answer, the values a query parameter takes - is
 * written by hand in openapi_schemas.c, keyed by route; a route without
 * one there is refused by openapi_check (tests/test_openapi). */
#ifndef EVALD_OPENAPI_H
#define EVALD_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

#include "dispatch.h"
#include "registry.h"

/* The largest document openapi_text builds (bytes); past it the build
 * fails and the route answers 500, so growth is noticed in a test. */
#define OPENAPI_MAX_BYTES (4 << 20)

/* Answer GET /v1/openapi.json from the cached text. */
void openapi_respond(svc_response *rs);

/* The document for the served tables, built once (thread-safe) and kept
 * for the life of the process: the same bytes on every call.  Returns 0,
 * or -1 when it could not be built (*text NULL). */
int openapi_text(const char **text, size_t *len);

/* The document for a route table and a metric table (name == NULL ends
 * it); a new reference, or NULL with the reason in errbuf.  Every route
 * must have a success entry in openapi_schemas.c. */
json_t *openapi_build(const svc_route_info *routes, size_t nroutes,
		      const metric *metrics, char *errbuf, size_t n);

/* Routes of the table without a hand-written success entry (or with one
 * lacking its statuses, media type or schema), and entries of no route,
 * one per line into errbuf; returns how many (0: every route is described
 * and nothing else is). */
int openapi_check(const svc_route_info *routes, size_t nroutes, char *errbuf,
		  size_t n);

/* ---- openapi_schemas.c: what the tables do not say, by hand ----
 *
 * openapi_schemas.json (compiled in as openapi_schemas_json) holds
 *   "components": the shared schemas (tensors, records, results),
 *   "routes": {"GET /v1/metrics": {"status": [200], "media": "...",
 *              "schema": {...}, "summary": "...", "description": "..."}},
 *   "query": {"GET /v1/series/{name}": {"limit": {schema}, ...}}. */

/* The parsed file, or NULL with the reason in errbuf; new reference. */
json_t *openapi_hand(char *errbuf, size_t n);
/* The hand entry of method + path (a route's label) in hand, or NULL;
 * borrowed. */
json_t *openapi_route_entry(json_t *hand, const char *method, const char *path);

/* ---- openapi_metric.c: a metric's request schema from its row ---- */

/* The body of POST /v1/metrics/{m->name}; new reference. */
json_t *openapi_metric_request(const metric *m);

#endif
