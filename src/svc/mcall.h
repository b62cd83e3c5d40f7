/* mcall.h - what a metric function sees: one resolved call (mcall) and the
 * runtime it calls back into (mcall_*).
 *
 * A metric_fn receives its inputs already decoded to float64 tensors and
 * its parameters already type-checked, range-checked and defaulted
 * (resolve.h).  It reads them by slot, IN(c, list, name) and
 * P(c, list, name), whose lists are declared in metric_fns.h: a misspelt
 * name does not compile, and registry_check() verifies at start-up that
 * each slot is the row's input or param of that name.  It writes its
 * metric-specific fields ("value" or "values", extras) into `result`; the
 * dispatcher adds "metric", "params" and "elapsed_ms". */
#ifndef EVALD_MCALL_H
#define EVALD_MCALL_H

#include <jansson.h>
#include <stdint.h>

#include <evald/confusion.h>
#include <evald/progress.h>
#include <evald/reduce.h>
#include <evald/tensor.h>

#include "codec.h"
#include "pool.h"
#include "registry.h"
#include "verr.h"

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
	json_t *raw; /* IN_SET embeddings not decoded yet (see mcall_set_*);
			IN_TENSOR labels not widened yet (mcall_widen) */
	/* An input_spec.labels input whose integers were kept as sent (a
	 * .npz member): its values, and t holds their shape with data NULL
	 * until mcall_widen().  labels.data is NULL otherwise. */
	evald_labels labels;
	/* An input_spec.f32 input that arrived as a float32 .npz member:
	 * its values (aligned, host order), t holding their shape with data
	 * NULL until mcall_widen().  NULL otherwise. */
	const float *f32;
	char path[64]; /* "/inputs/x", for error messages */
} input_val;

/* A resolved parameter. */
typedef struct pval {
	int is_null;
	int b;
	double num;
	int64_t i;
	int choice;	  /* PT_ENUM: the chosen enum_choice's value */
	int is_vec;	  /* PT_VECTOR given as an array; PT_TENSOR always */
	evald_tensor vec; /* in the request's pool */
	json_t *json;	  /* the value as given or defaulted (borrowed) */
	char path[64];	  /* "/params/alpha" */
} pval;

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

/* The input / param `name` of slot list `list` (metric_fns.h), e.g.
 * IN(c, I_PAIR, target), P(c, P_MSE, half). */
#define IN(c, list, name) (&(c)->in[list##_##name])
#define P(c, list, name)  (&(c)->p[list##_##name])

/* IN_SET embeddings are decoded on demand, because a metric may not need
 * them whole: mcall_set_tensor() decodes iv->raw into iv->t (needed for
 * resampling), mcall_set_moments() streams its rows into an accumulator
 * (initialised here with the right d; caller frees) without ever holding
 * the float64 matrix. Both are no-ops for already-decoded inputs. */
int mcall_set_tensor(mcall *c, input_val *iv, verr *err);
struct evald_moments;
int mcall_set_moments(mcall *c, input_val *iv, struct evald_moments *m,
		      verr *err);

/* Fill iv->t of labels kept as integers with their float64 values (in
 * the request's pool, against --max-decoded); a no-op when t has data. */
int mcall_widen(mcall *c, input_val *iv, verr *err);

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
/* A loss's `reduction` param (its first, checked by registry_check) as
 * the libevald enum. */
evald_reduction mcall_reduction(mcall *c);
int mcall_put_number(mcall *c, json_t *result, const char *key, double v);
int mcall_put_array(mcall *c, json_t *result, const char *key, const double *v,
		    int ndim, const int64_t *shape);

#endif
