/* openapi_schemas.c - the hand-written parts of the OpenAPI description:
 * openapi_schemas.json, compiled in by make as one C string.
 *
 * Kept as JSON rather than C so that a schema reads as the schema it is;
 * openapi_check (run by tests/test_openapi) holds it to the route table. */
#include <stdio.h>

#include "openapi.h"

extern const char openapi_schemas_json[];

json_t *openapi_hand(char *errbuf, size_t n)
{
	json_error_t je;
	json_t *h =
		json_loads(openapi_schemas_json, JSON_REJECT_DUPLICATES, &je);

	if (!h) {
		snprintf(errbuf, n, "openapi_schemas.json:%d:%d: %s", je.line,
			 je.column, je.text);
		return NULL;
	}
	if (!json_is_object(json_object_get(h, "components")) ||
	    !json_is_object(json_object_get(h, "routes")) ||
	    !json_is_object(json_object_get(h, "query"))) {
		snprintf(errbuf, n,
			 "openapi_schemas.json needs the objects components, "
			 "routes and query");
		json_decref(h);
		return NULL;
	}
	return h;
}

json_t *openapi_route_entry(json_t *hand, const char *method, const char *path)
{
	char key[300];
	snprintf(key, sizeof key, "%s %s", method, path);
	return json_object_get(json_object_get(hand, "routes"), key);
}
