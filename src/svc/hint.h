/* hint.h - errors that teach: what a wrong request most likely meant.
 *
 * Each function fills a verr whose code and path are what the error has
 * always been (clients switch on the code) and whose message says how to
 * fix it: the name that was probably meant, the names there are, where a
 * misplaced field belongs, what a body that is not JSON looks like. */
#ifndef EVALD_HINT_H
#define EVALD_HINT_H

#include <jansson.h>

#include "registry.h"
#include "verr.h"

/* 404 unknown_metric at path for `name`, offering the closest metric
 * names, else the catalog's route. */
int hint_unknown_metric(const char *name, const char *path, verr *err);

/* 422 unknown_input / unknown_parameter at path: key is not one of m's
 * inputs (params).  Names the closest, lists them all, and says so when
 * key is a param (an input) of m that was put in the wrong object. */
int hint_unknown_input(const metric *m, const char *key, const char *path,
		       verr *err);
int hint_unknown_param(const metric *m, const char *key, const char *path,
		       verr *err);

/* A key of obj that is not in `allowed` but names an input or a param of
 * m: 422 unknown_field at prefix/key saying it belongs under "inputs" or
 * under `params_at`.  Returns 0 when there is no such key (and
 * jsonx_check_keys then answers for what is left). */
int hint_misplaced(const metric *m, const json_t *obj,
		   const char *const allowed[], const char *prefix,
		   const char *params_at, verr *err);

/* The same for the top level of a /v1/evaluate body, against the metrics
 * its "metrics" list names. */
int hint_misplaced_evaluate(const json_t *root, const char *const allowed[],
			    verr *err);

/* What a body that cannot be JSON looks like, from its first bytes. */
typedef enum hint_body {
	HINT_BODY_JSON,	 /* nothing recognised: let the parser say */
	HINT_BODY_EMPTY, /* no bytes at all */
	HINT_BODY_NPY,	 /* "\x93NUMPY": a .npy array */
	HINT_BODY_NPZ,	 /* "PK\3\4": a zip, as .npz archives are */
	HINT_BODY_BOM,	 /* a UTF-8 byte order mark, which JSON forbids */
	HINT_BODY_FORM,	 /* name=value&...: form-encoded */
} hint_body;

hint_body hint_body_sniff(const char *body, size_t len);

#endif
