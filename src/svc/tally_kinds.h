/* tally_kinds.h - the kinds of tally (/v1/tallies): one row each, saying
 * what its creation parameters are, how big its state is, and how a batch
 * is added, two states merged, a state checked and its scores read.
 *
 * A state is an array of doubles whose empty value is all zeros (the
 * store writes a new tally's state as nothing).  The service code in
 * state_tallies.c knows no kind: a new one is a row in tally_kinds.c
 * ("regression" there, "classification" in tally_cls.c). */
#ifndef EVALD_TALLY_KINDS_H
#define EVALD_TALLY_KINDS_H

#include <stddef.h>

#include <jansson.h>

#include <evald/error.h>
#include <evald/tensor.h>

#include "verr.h"

/* One batch; weight NULL when the client sent none. */
typedef struct tally_batch {
	const evald_tensor *y_true, *y_pred, *weight;
} tally_batch;

typedef struct tally_kind {
	const char *name;
	/* The creation body's other keys, for a refusal. */
	const char *params_doc;
	/* Check the creation parameters `given` (the body without "kind";
	 * refusals at /<key>) and return them complete, defaults filled in,
	 * as a new object; *size the doubles of the state, its dimension
	 * (outputs, classes) bounded by max_dim (--max-dim). */
	json_t *(*params)(json_t *given, int64_t max_dim, int64_t *size,
			  verr *e);
	int (*add)(double *state, const json_t *params, const tally_batch *b,
		   evald_err *err);
	int (*merge)(double *into, const double *from, const json_t *params,
		     evald_err *err);
	/* A state from outside (an import) that adds and merges of n
	 * samples could have made, or EVALD_EINVAL naming what is wrong. */
	int (*check)(const double *state, const json_t *params, int64_t n,
		     evald_err *err);
	/* The scores as a new object; an undefined one is null with a line
	 * in warnings (a JSON array). */
	json_t *(*scores)(const double *state, const json_t *params,
			  json_t *warnings, evald_err *err);
} tally_kind;

/* The kind named `name`, or NULL. */
const tally_kind *tally_kind_find(const char *name);
/* The kinds' names, "a, b", into buf (for a refusal); returns buf. */
const char *tally_kind_names(char *buf, size_t len);

#endif
