/* registry.h - the metric table's types, lookup, catalog and self-check.
 *
 * One row per metric (registry_table.c) drives three things: routing of
 * POST /v1/metrics/{name} and /v1/evaluate, validation and resolution of
 * inputs and parameters (resolve.h), and the catalog served at
 * GET /v1/metrics.  Adding a metric means adding one row and writing one
 * `metric_fn` (mcall.h is what a metric function sees).
 *
 * Rows are written with designated initialisers; registry_check() walks
 * the table at start-up so that a row that disagrees with itself (an enum
 * param whose choices and values differ, a metric function's slot that is
 * not its row's name) stops the daemon before it serves. */
#ifndef EVALD_REGISTRY_H
#define EVALD_REGISTRY_H

#include <jansson.h>
#include <stddef.h>

#include "verr.h"

#define REG_MAX_INPUTS 8
#define REG_MAX_PARAMS 12

typedef enum {
	PT_BOOL,   /* true/false */
	PT_NUMBER, /* finite float64 */
	PT_INT,	   /* integer-valued number, also in .num */
	PT_ENUM,   /* one of `choices` ("a|b|c"); its value in .choice */
	PT_VECTOR, /* a number or a 1-D tensor (nested array or packed) */
	PT_TENSOR, /* a tensor of any rank */
	PT_JSON	   /* any JSON; the metric function decodes it (in .json) */
} ptype;

enum {
	PF_NULLABLE = 1 << 0, /* null is accepted (and may be the default) */
	PF_MIN = 1 << 1,      /* .min is an inclusive lower bound */
	PF_MAX = 1 << 2,      /* .max is an inclusive upper bound */
	PF_MIN_OPEN = 1 << 3  /* .min is an exclusive lower bound */
};

/* One choice of an enum param: its name on the wire and the library's
 * enum value it stands for.  A list ends with name == NULL. */
typedef struct enum_choice {
	int value;
	const char *name;
} enum_choice;

/* An enum's choices, defined once (registry_table.c): the "a|b|c" string
 * the catalog and error messages show and the {value, name} list the
 * resolver maps names through.  REG_ENUM() derives both from one X-macro
 * list so they cannot disagree; registry_check() verifies it anyway. */
typedef struct enum_spec {
	const char *choices;	   /* "mean|sum|none" */
	const enum_choice *values; /* {EVALD_REDUCE_MEAN, "mean"}, ... */
} enum_spec;

typedef struct param_spec {
	const char *name;
	ptype type;
	const char *def; /* default as JSON text: "1.0", "null", "\"mean\"" */
	const char *choices;	   /* PT_ENUM: "a|b|c" */
	const enum_choice *values; /* PT_ENUM: what each choice maps to */
	double min, max;
	unsigned flags;
	const char *doc;
} param_spec;

typedef enum {
	IN_TENSOR,	/* one tensor (or a bare number: a 0-d tensor) */
	IN_TENSOR_LIST, /* a JSON array of tensors (perceptual's layers) */
	IN_SET		/* embeddings [N,d], {"mu","sigma"}, {"reference"},
			   {"stream"} (fid) */
} ikind;

typedef struct input_spec {
	const char *name;
	ikind kind;
	const char *shape; /* for the catalog: "[N,C]", "[N,...]" */
	int required;
	int stored; /* IN_TENSOR: may also be {"reference"} or {"stream"}
		       naming one that keeps its rows (state_rows.h) */
	int labels; /* IN_TENSOR: integers kept as sent stay integers
		       (input_val.labels), widened only on demand */
	int f32;    /* IN_TENSOR: float32 .npz members stay float32
		       (input_val.f32), widened only on demand */
} input_spec;

/* The names a metric function reads its slots by (metric_fns.h), in slot
 * order, ending with NULL.  registry_check() compares them with the row. */
typedef struct slot_names {
	const char *const *inputs;
	const char *const *params;
} slot_names;

struct mcall;
struct mcost;
typedef int (*metric_fn)(struct mcall *c, json_t *result, verr *err);
typedef int (*metric_cost_fn)(struct mcall *c, struct mcost *out, verr *err);

enum {
	MF_LOSS = 1 << 0, /* has `reduction`; "values" replaces "value" */
	MF_HEAVY = 1 << 1 /* counts against --max-jobs */
};

typedef struct metric {
	const char *name;
	const char *family; /* "loss" | "distance" | "rank" | "generative" |
			       "classification" | "regression" |
			       "retrieval" | "drift" */
	const char *summary;
	const char *reference;	  /* the function it must equal */
	const input_spec *inputs; /* terminated by {NULL} */
	const param_spec *params; /* terminated by {NULL} */
	metric_fn run;
	unsigned flags;
	metric_cost_fn cost; /* NULL: bounded by its inputs' size */
	slot_names slots;    /* what run reads, by slot */
} metric;

/* The table, terminated by a row with name == NULL. */
extern const metric registry[];

const metric *registry_find(const char *name);

/* Catalog entry for one metric, or the whole catalog. New references. */
json_t *registry_entry_json(const metric *m);
json_t *registry_catalog_json(void);

/* Index of a named input / param of m, or -1. */
int registry_input_index(const metric *m, const char *name);
int registry_param_index(const metric *m, const char *name);

/* Walk a table (terminated by name == NULL) for rows that disagree with
 * themselves: an enum param without values or whose choices string is not
 * its values' names in order, a default that is not JSON, a slot a metric
 * function reads that is not the row's input or param of that index, a
 * loss without `reduction` first, too many inputs or params.  Writes
 * every problem, one per line, into errbuf and returns how many there
 * were (0: the table is sound).  registry_check() checks `registry`. */
int registry_check_table(const metric *table, char *errbuf, size_t n);
int registry_check(char *errbuf, size_t n);

#endif
