/* registry.h - the metric registry.
 *
 * One row per metric (registry.c) drives three things: routing of
 * POST /v1/metrics/{name} and /v1/evaluate, validation and resolution of
 * inputs and parameters, and the catalog served at GET /v1/metrics.  Adding
 * a metric means adding one row and writing one `metric_fn`.
 *
 * A metric_fn receives its inputs already decoded to float64 tensors and its
 * parameters already type-checked, range-checked and defaulted.  It writes
 * its metric-specific fields ("value" or "values", extras) into `result`;
 * the dispatcher adds "metric", "params" and "elapsed_ms". */
#ifndef EVALD_REGISTRY_H
#define EVALD_REGISTRY_H

#include <jansson.h>
#include <stdint.h>

#include <evald/progress.h>
#include <evald/reduce.h>
#include <evald/tensor.h>

#include "codec.h"
#include "pool.h"
#include "verr.h"

#define REG_MAX_INPUTS 8
#define REG_MAX_PARAMS 12

typedef enum {
	PT_BOOL,   /* true/false */
	PT_NUMBER, /* finite float64 */
	PT_INT,	   /* integer-valued number, also in .num */
	PT_ENUM,   /* one of `choices` ("a|b|c"); index in .choice */
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

typedef struct param_spec {
	const char *name;
	ptype type;
	const char *def; /* default as JSON text: "1.0", "null", "\"mean\"" */
	const char *choices;
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
} input_spec;

/* A decoded input.  Tensors live in the request's pool. */
typedef struct input_val {
	int present;
	evald_tensor t;	    /* IN_TENSOR; IN_SET given as embeddings */
	evald_tensor *list; /* IN_TENSOR_LIST */
	int nlist;
	int is_stats; /* IN_SET given as {"mu","sigma"} (or resolved
			 from a reference or a stream) */
	evald_tensor mu, sigma;
	double n; /* sample count behind mu/sigma if known, else 0 */
	const struct evald_fid_ref *prep; /* a prepared stored reference
					     (mu points into it, sigma is
					     empty), or NULL */
	json_t *raw;   /* IN_SET embeddings not decoded yet (see mcall_set_*) */
	char path[64]; /* "/inputs/x", for error messages */
} input_val;

/* A resolved parameter. */
typedef struct pval {
	int is_null;
	int b;
	double num;
	int64_t i;
	int choice;
	int is_vec;	  /* PT_VECTOR given as an array; PT_TENSOR always */
	evald_tensor vec; /* in the request's pool */
	json_t *json;	  /* the value as given or defaulted (borrowed) */
	char path[64];	  /* "/params/alpha" */
} pval;

struct metric;

typedef struct mcall {
	const struct metric *m;
	input_val in[REG_MAX_INPUTS]; /* indexed like m->inputs */
	pval p[REG_MAX_PARAMS];	      /* indexed like m->params */
	pool *pool;
	evald_progress progress; /* real progress for async jobs */
	json_t *warnings;	 /* array; metric_fn may append strings */
	json_t *owned;	      /* array keeping defaulted param values alive */
	codec_ctx cx;	      /* how inputs were decoded (for lazy ones) */
	int64_t max_cells;    /* --max-cells: n x m bound of transport */
	int64_t max_dim;      /* --max-dim: d of embeddings and statistics */
	int64_t max_work;     /* --max-work: multiply-adds of one metric */
	int64_t max_response; /* --max-response: bytes of the result */
	verr *err; /* the run's err, where mcall_put_* report a refusal */
} mcall;

typedef int (*metric_fn)(mcall *c, json_t *result, verr *err);

/* What a metric will cost, known once its inputs are resolved and before
 * it runs: `work` multiply-adds (0 when its inputs' size already bounds
 * it), the parameter that drives it and what to lower when it is too
 * much.  A cost function also checks its inputs' dimensions (--max-dim)
 * and may decode lazy inputs the metric needs whole anyway. */
typedef struct mcost {
	double work;
	const char *path; /* e.g. c->p[i].path; "" for none */
	const char *hint; /* "use fewer subsets or a smaller subset_size" */
} mcost;
typedef int (*metric_cost_fn)(mcall *c, mcost *out, verr *err);

enum {
	MF_LOSS = 1 << 0, /* has `reduction`; "values" replaces "value" */
	MF_HEAVY = 1 << 1 /* counts against --max-jobs */
};

typedef struct metric {
	const char *name;
	const char *family; /* "loss" | "distance" | "rank" | "generative" */
	const char *summary;
	const char *reference;	  /* the function it must equal */
	const input_spec *inputs; /* terminated by {NULL} */
	const param_spec *params; /* terminated by {NULL} */
	metric_fn run;
	unsigned flags;
	metric_cost_fn cost; /* NULL: bounded by its inputs' size */
} metric;

/* The table, terminated by a row with name == NULL. */
extern const metric registry[];

const metric *registry_find(const char *name);

/* Catalog entry for one metric, or the whole catalog. New references. */
json_t *registry_entry_json(const metric *m);
json_t *registry_catalog_json(void);

/* Index of a named input / param of m, or -1.  Metric functions use these
 * through the IN()/P() macros so rows can be reordered safely. */
int registry_input_index(const metric *m, const char *name);
int registry_param_index(const metric *m, const char *name);

/* Accessors for metric functions: look up by name, abort() if the name is
 * not in the row (a programming error caught by every test that runs it). */
input_val *mcall_in(mcall *c, const char *name);
pval *mcall_p(mcall *c, const char *name);

/* IN_SET embeddings are decoded on demand, because a metric may not need
 * them whole: mcall_set_tensor() decodes iv->raw into iv->t (needed for
 * resampling), mcall_set_moments() streams its rows into an accumulator
 * (initialised here with the right d; caller frees) without ever holding
 * the float64 matrix. Both are no-ops for already-decoded inputs. */
int mcall_set_tensor(mcall *c, input_val *iv, verr *err);
struct evald_moments;
int mcall_set_moments(mcall *c, input_val *iv, struct evald_moments *m,
		      verr *err);

/* The tensor of an optional input, or NULL when it was not given. */
const evald_tensor *mcall_opt(const input_val *iv);

/* Map a libevald failure to `err`, naming the field: `paths[le->input]`
 * when le->input >= 0, else "". */
int mcall_lib_error(mcall *c, const evald_err *le, verr *err,
		    const char *const *paths);

/* Append a warning sentence to the result's "warnings". */
void mcall_warn(mcall *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set result["value"] or, with reduction none, result["values"] (nested
 * arrays shaped like the result).  Non-finite values are written as null
 * with a warning, never dropped.  An array whose JSON would pass
 * --max-response is refused into c->err before it is built. */
int mcall_put_result(mcall *c, json_t *result, const evald_result *r);
/* mcall_put_result, then evald_result_free(r). */
int mcall_put_loss(mcall *c, json_t *result, evald_result *r);
/* A loss's `reduction` param as the libevald enum (the row's choices are
 * "mean|sum|none", the enum's order). */
evald_reduction mcall_reduction(mcall *c);
int mcall_put_number(mcall *c, json_t *result, const char *key, double v);
int mcall_put_array(mcall *c, json_t *result, const char *key, const double *v,
		    int ndim, const int64_t *shape);

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
