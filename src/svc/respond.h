/* respond.h - filling an svc_response: JSON bodies and the error envelope. */
#ifndef EVALD_RESPOND_H
#define EVALD_RESPOND_H

#include <jansson.h>

#include "dispatch.h"
#include "verr.h"

/* Serialise body (reference stolen) as the response. */
void respond_json(svc_response *rs, int status, json_t *body);
/* {"error": {"code", "message", "path"}}; new reference. */
json_t *error_json(const verr *e);
void respond_error(svc_response *rs, const verr *e);
void respond_method_not_allowed(svc_response *rs, const char *allow);

#endif
