/* mcall.c - the runtime metric functions call: lazy decoding of IN_SET
 * embeddings, warnings, library errors, and writing results. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "codec.h"
#include "mcall.h"

#include <evald/moments.h>

/* ------------------------------------------------------------ lazy sets */

int mcall_widen(mcall *c, input_val *iv, verr *err)
{
	if (!iv->present || iv->t.data || !iv->raw)
		return 0;
	if (codec_tensor(&c->cx, iv->raw, iv->path, &iv->t, err) < 0)
		return -1;
	iv->raw = NULL;
	return 0;
}

const evald_tensor *mcall_opt(const input_val *iv)
{
	return iv->present ? &iv->t : NULL;
}

int mcall_set_tensor(mcall *c, input_val *iv, verr *err)
{
	if (!iv->raw)
		return 0;
	if (codec_tensor(&c->cx, iv->raw, iv->path, &iv->t, err) < 0)
		return -1;
	iv->raw = NULL;
	return iv->t.ndim == 2
		       ? bounds_dim(c->max_dim, iv->t.shape[1], iv->path, err)
		       : 0;
}

typedef struct moments_sink {
	evald_moments *m;
	const char *path;
	int ready;
	const int64_t *d; /* set by codec_rows before the first block */
	int64_t max_dim;
} moments_sink;

static int add_block(void *ctx, const void *rows, evald_dtype dt, int64_t nrows,
		     verr *err)
{
	moments_sink *ms = ctx;
	evald_err le;
	if (!ms->ready) {
		/* d comes from the header: refused before its d x d
		 * accumulator is taken. */
		if (bounds_dim(ms->max_dim, *ms->d, ms->path, err) < 0)
			return -1;
		if (evald_moments_init(ms->m, *ms->d, &le) != EVALD_OK)
			return verr_from_lib(err, &le, ms->path);
		ms->ready = 1;
	}
	if (evald_moments_add_rows(ms->m, rows, dt, nrows, &le) != EVALD_OK)
		return verr_from_lib(err, &le, ms->path);
	return 0;
}

int mcall_set_moments(mcall *c, input_val *iv, evald_moments *m, verr *err)
{
	evald_err le;
	memset(m, 0, sizeof *m);
	if (!iv->raw) {
		if (iv->t.ndim == 2 &&
		    bounds_dim(c->max_dim, iv->t.shape[1], iv->path, err) < 0)
			return -1;
		if (evald_moments_init(m, iv->t.ndim == 2 ? iv->t.shape[1] : 1,
				       &le) != EVALD_OK ||
		    evald_moments_add(m, &iv->t, &le) != EVALD_OK) {
			evald_moments_free(m);
			return verr_from_lib(err, &le, iv->path);
		}
		return 0;
	}
	/* The sink learns d from the header before the first block; the
	 * accumulator is created on the first block. */
	int64_t n = 0, d = 0;
	moments_sink ms = {
		.m = m, .path = iv->path, .d = &d, .max_dim = c->max_dim};
	if (codec_rows(&c->cx, iv->raw, iv->path, &n, &d, add_block, &ms, err) <
	    0) {
		evald_moments_free(m);
		return -1;
	}
	if (!ms.ready && bounds_dim(c->max_dim, d, iv->path, err) < 0)
		return -1;
	if (!ms.ready && evald_moments_init(m, d, &le) != EVALD_OK)
		return verr_from_lib(err, &le, iv->path);
	return 0;
}

/* ------------------------------------------------------------ results */

void mcall_warn(mcall *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(c->warnings, json_string(buf));
}

int mcall_lib_error(mcall *c, const evald_err *le, verr *err,
		    const char *const *paths)
{
	(void)c;
	return verr_from_lib(err, le,
			     le->input >= 0 && paths ? paths[le->input] : "");
}

int mcall_put_number(mcall *c, json_t *result, const char *key, double v)
{
	int nonfinite = 0;
	json_object_set_new(result, key, codec_real_json(v, &nonfinite));
	if (nonfinite)
		mcall_warn(c, "%s is %s and is reported as null", key,
			   isnan(v) ? "NaN" : "infinite");
	return 0;
}

int mcall_put_array(mcall *c, json_t *result, const char *key, const double *v,
		    int ndim, const int64_t *shape)
{
	int nonfinite = 0;
	double elems = 1;
	char what[80];
	for (int i = 0; i < ndim; i++)
		elems *= (double)shape[i];
	/* Refused from the element count, before the tree (about 40
	 * bytes a number) and its text are built. */
	snprintf(what, sizeof what, "\"%s\" of %.0f numbers", key, elems);
	if (bounds_response(c->max_response, elems * BOUNDS_BYTES_PER_REAL,
			    what, "", c->err) < 0)
		return -1;
	json_t *a = codec_array_json(v, ndim, shape, &nonfinite);
	if (!a)
		return verr_set(c->err, E_OUT_OF_MEMORY, "", "out of memory");
	json_object_set_new(result, key, a);
	if (nonfinite)
		mcall_warn(c, "%s holds non-finite values, reported as null",
			   key);
	return 0;
}

int mcall_put_loss(mcall *c, json_t *result, evald_result *r)
{
	int rc = mcall_put_result(c, result, r);
	evald_result_free(r);
	return rc;
}

evald_reduction mcall_reduction(mcall *c)
{
	return (evald_reduction)c->p[0].choice;
}

int mcall_put_result(mcall *c, json_t *result, const evald_result *r)
{
	if (r->values)
		return mcall_put_array(c, result, "values", r->values, r->ndim,
				       r->shape);
	return mcall_put_number(c, result, "value", r->value);
}
