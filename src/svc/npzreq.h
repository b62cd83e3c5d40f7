/* npzreq.h - a metric request whose body is a .npz of its inputs. */
#ifndef EVALD_NPZREQ_H
#define EVALD_NPZREQ_H

#include <stddef.h>

#include "dispatch.h"
#include "jsonx.h"
#include "verr.h"

/* 1 for Content-Types a .npz of inputs may come as: application/x-npz,
 * application/octet-stream. */
int npzreq_is_type(const char *ct);

/* Build from a .npz body the document a JSON body would have given:
 * {"inputs": {NAME: tensor, ...}, "params": {...}}.  Member NAME.npy is
 * input NAME (as a number blob, so it is checked and computed exactly as
 * a JSON array would be); member params.json, or `params` (the ?params=
 * query, NULL when absent), is the params object.  Any other member is a
 * 422 bad_npz.  The doc does not point into body. */
int npzreq_parse(const svc_config *cfg, const char *body, size_t len,
		 const char *params, jsonx_doc *doc, verr *err);

#endif
