/* respond.c - response bodies: every answer is one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "respond.h"

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
		rs->status = 500;
		snprintf(rs->code, sizeof rs->code, "internal_error");
		rs->body = strdup("{\"error\":{\"code\":\"internal_error\","
				  "\"message\":\"the response could not be "
				  "encoded; please report this\",\"path\":"
				  "\"\"}}");
		rs->retry_after = 0;
	} else if (!(rs->body = json_dumps(body, CODEC_DUMP_FLAGS))) {
		/* A built value always encodes: only allocation fails here. */
		rs->status = 503;
		snprintf(rs->code, sizeof rs->code, "out_of_memory");
		rs->body =
			strdup("{\"error\":{\"code\":\"out_of_memory\","
			       "\"message\":\"out of memory\",\"path\":\"\"}}");
		rs->retry_after = 5;
	}
	rs->len = rs->body ? strlen(rs->body) : 0;
	json_decref(body);
}

json_t *error_json(const verr *e)
{
	return json_pack("{s:{s:s, s:s, s:s}}", "error", "code", e->code,
			 "message", e->msg, "path", e->path);
}

void respond_error(svc_response *rs, const verr *e)
{
	snprintf(rs->code, sizeof rs->code, "%s", e->code);
	rs->retry_after = e->retry_after;
	respond_json(rs, e->status, error_json(e));
}

void respond_method_not_allowed(svc_response *rs, const char *allow)
{
	verr e;
	verr_set(&e, 405, "method_not_allowed", "",
		 "this route accepts %s only", allow);
	rs->allow = allow;
	respond_error(rs, &e);
}
