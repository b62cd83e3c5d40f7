/* resolve.h - a request's inputs and params resolved against a row.
 *
 * Validation lives in resolve.c and nowhere else, so every metric answers
 * the same mistakes the same way. */
#ifndef EVALD_RESOLVE_H
#define EVALD_RESOLVE_H

#include <jansson.h>

#include "codec.h"
#include "mcall.h"
#include "registry.h"
#include "verr.h"

/* Resolve inputs and params of `req` ({"inputs","params"}) for m into c.
 * `shared_inputs` (from /v1/evaluate) are used where req has none.
 * On failure fills err (path relative to the request body) and returns -1. */
int registry_resolve(const metric *m, json_t *inputs, json_t *shared_inputs,
		     json_t *params, const char *path_prefix, mcall *c,
		     verr *err, const codec_ctx *cx);

/* Refuse (422 too_large) a resolved call whose metric's cost function
 * finds it over --max-dim or --max-work, before any of the work. */
int registry_check_cost(mcall *c, verr *err);

/* The resolved params as JSON (echoed back in results). New reference. */
json_t *registry_params_json(const mcall *c);

#endif
