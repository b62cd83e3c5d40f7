/* respond.c - response bodies: every answer is one JSON object, written by
 * jsonout (reals in their shortest round-trip form). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "respond.h"

/* The fallbacks below cannot use error_json (that is what failed), so
 * they hold the envelope pre-built; status and Retry-After still come from
 * the table. */
static void respond_fallback(svc_response *rs, verr_code c, const char *body)
{
	const verr_def *d = verr_def_of(c);
	rs->status = d->status;
	rs->err = d;
	snprintf(rs->code, sizeof rs->code, "%s", d->name);
	rs->body = strdup(body);
	rs->len = rs->body ? strlen(rs->body) : 0;
	rs->retry_after = d->retry_after;
}

void respond_json(svc_response *rs, int status, json_t *body)
{
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	if (!body) {
		/* The caller's json_pack failed: a value it was handed cannot
		 * be encoded (jansson refuses invalid UTF-8) or memory ran
		 * out, and jansson does not say which.  Strings from clients
		 * are checked before they get here (paths in http.c, messages
		 * in verr_set), so this is a bug, not the client's fault. */
		respond_fallback(rs, E_INTERNAL_ERROR,
				 "{\"error\":{\"code\":\"internal_error\","
				 "\"message\":\"the response could not be "
				 "encoded; please report this\",\"path\":"
				 "\"\"}}");
	} else if (jsonout_dump(body, 0, &rs->body, &rs->len) < 0) {
		/* A built value always encodes: only allocation fails here. */
		respond_fallback(rs, E_OUT_OF_MEMORY,
				 "{\"error\":{\"code\":\"out_of_memory\","
				 "\"message\":\"out of memory\",\"path\":"
				 "\"\"}}");
	}
	json_decref(body);
}

/* The one builder of the envelope: every error body, whether a route's,
 * an /v1/evaluate entry's, a job's or one http.c sends itself, is this. */
json_t *error_json(const verr *e)
{
	return json_pack("{s:{s:s, s:s, s:s}}", "error", "code", e->code,
			 "message", e->msg, "path", e->path);
}

void respond_error(svc_response *rs, const verr *e)
{
	snprintf(rs->code, sizeof rs->code, "%s", e->code);
	rs->retry_after = e->retry_after;
	rs->err = verr_def_of(e->id);
	respond_json(rs, e->status, error_json(e)); /* may fall back */
}

void respond_method_not_allowed(svc_response *rs, const char *allow)
{
	verr e;
	verr_set(&e, E_METHOD_NOT_ALLOWED, "", "this route accepts %s only",
		 allow);
	rs->allow = allow;
	respond_error(rs, &e);
}
