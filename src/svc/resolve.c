/* resolve.c - a request's inputs and params resolved against a metric's
 * row: the types, ranges, enum choices, defaults and required inputs the
 * row declares.
 *
 * Validation lives here and nowhere else, so every metric answers the same
 * mistakes the same way: unknown input or param (422), missing required
 * input (422), wrong JSON type (400), out-of-range number or unknown enum
 * value (422). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "codec.h"
#include "hint.h"
#include "numfmt.h"
#include "resolve.h"

/* ------------------------------------------------------------ params */

static int enum_index(const char *choices, const char *s)
{
	size_t n = strlen(s);
	int i = 0;
	for (const char *c = choices; *c; i++) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		if (len == n && !memcmp(c, s, n))
			return i;
		c += len + (bar ? 1 : 0);
	}
	return -1;
}

/* The out_of_range refusal of num for ps, its numbers as people write
 * them (1.1, not 1.1000000000000001). */
static int out_of_range(const param_spec *ps, double num, const char *path,
			verr *err)
{
	char got[NUMFMT_SIZE], b[NUMFMT_SIZE], lo[64] = "", hi[64] = "";

	if (ps->flags & PF_MIN) {
		numfmt_double(ps->min, 0, b);
		snprintf(lo, sizeof lo, "%s %s",
			 ps->flags & PF_MIN_OPEN ? ">" : ">=", b);
	}
	if (ps->flags & PF_MAX) {
		numfmt_double(ps->max, 0, b);
		snprintf(hi, sizeof hi, "%s<= %s",
			 ps->flags & PF_MIN ? " and " : "", b);
	}
	numfmt_double(num, 0, got);
	return verr_set(err, E_OUT_OF_RANGE, path, "%s must be %s%s; got %s",
			ps->name, lo, hi, got);
}

static int resolve_param(const param_spec *ps, json_t *v, const codec_ctx *cx,
			 pval *out, verr *err)
{
	const char *path = out->path;

	out->json = v;
	if (json_is_null(v)) {
		if (!(ps->flags & PF_NULLABLE))
			return verr_set(err, E_INVALID_VALUE, path,
					"%s cannot be null", ps->name);
		out->is_null = 1;
		return 0;
	}
	switch (ps->type) {
	case PT_BOOL:
		if (!json_is_boolean(v))
			return verr_set(err, E_WRONG_TYPE, path,
					"%s must be true or false", ps->name);
		out->b = json_is_true(v);
		return 0;
	case PT_ENUM: {
		if (!json_is_string(v))
			return verr_set(err, E_WRONG_TYPE, path,
					"%s must be a string, one of %s",
					ps->name, ps->choices);
		int k = enum_index(ps->choices, json_string_value(v));
		if (k < 0)
			return verr_set(err, E_INVALID_VALUE, path,
					"%s must be one of %s; got '%s'",
					ps->name, ps->choices,
					json_string_value(v));
		/* The k-th choice is the k-th value (registry_check). */
		out->choice = ps->values ? ps->values[k].value : k;
		return 0;
	}
	case PT_NUMBER:
	case PT_INT:
		if (codec_number(cx, v, path, &out->num, err) < 0)
			return -1;
		if (ps->type == PT_INT) {
			if (out->num != floor(out->num) ||
			    fabs(out->num) > 9007199254740992.0) {
				char got[NUMFMT_SIZE];
				numfmt_double(out->num, 0, got);
				return verr_set(err, E_INVALID_VALUE, path,
						"%s must be an integer; got %s",
						ps->name, got);
			}
			out->i = (int64_t)out->num;
		}
		if (((ps->flags & PF_MIN) && (ps->flags & PF_MIN_OPEN) &&
		     !(out->num > ps->min)) ||
		    ((ps->flags & PF_MIN) && !(ps->flags & PF_MIN_OPEN) &&
		     !(out->num >= ps->min)) ||
		    ((ps->flags & PF_MAX) && !(out->num <= ps->max)))
			return out_of_range(ps, out->num, path, err);
		return 0;
	case PT_VECTOR:
		if (jsonx_type(cx->doc, v) == JX_NUMBER)
			return codec_number(cx, v, path, &out->num, err);
		if (codec_tensor(cx, v, path, &out->vec, err) < 0)
			return -1;
		if (out->vec.ndim != 1)
			return verr_set(err, E_SHAPE_MISMATCH, path,
					"%s must be a number or a 1-D vector",
					ps->name);
		out->is_vec = 1;
		return 0;
	case PT_TENSOR:
		out->is_vec = 1;
		return codec_tensor(cx, v, path, &out->vec, err);
	case PT_JSON: return 0;
	}
	return verr_set(err, E_INTERNAL_ERROR, path, "bad param type");
}

/* ------------------------------------------------------------ inputs */

static int resolve_set(const codec_ctx *cx, json_t *v, input_val *iv, verr *err)
{
	char p[128];

	if (jsonx_is_object(cx->doc, v) && !json_object_get(v, "data")) {
		static const char *const skeys[] = {"mu", "sigma", "n", NULL};
		json_t *mu = json_object_get(v, "mu");
		json_t *sigma = json_object_get(v, "sigma");
		json_t *n = json_object_get(v, "n");
		json_t *named = json_object_get(v, "reference");
		const char *kind = "reference";
		if (!named) {
			named = json_object_get(v, "stream");
			kind = "stream";
		}
		if (named) {
			if (json_object_size(v) != 1)
				return verr_set(err, E_UNKNOWN_FIELD, iv->path,
						"{\"%s\"} takes no other field",
						kind);
			snprintf(p, sizeof p, "%s/%s", iv->path, kind);
			if (!json_is_string(named))
				return verr_set(err, E_WRONG_TYPE, p,
						"%s must be a name string",
						kind);
			if (!cx->resolve)
				return verr_set(err, E_NOT_SUPPORTED, p,
						"stored statistics are not "
						"available here");
			codec_stats cs = {0};
			if (cx->resolve(cx->resolve_ctx, kind,
					json_string_value(named), p, cx->pool,
					&cs, err) < 0)
				return -1;
			iv->mu = cs.mu;
			iv->sigma = cs.sigma;
			iv->n = cs.n;
			iv->prep = cs.prep;
			iv->is_stats = 1;
			return 0;
		}
		if (jsonx_check_keys(v, skeys, iv->path,
				     "statistics are given as {\"mu\", "
				     "\"sigma\", \"n\"?}",
				     err) < 0)
			return -1;
		if (!mu || !sigma)
			return verr_set(err, E_MISSING_INPUT, iv->path,
					"statistics need both mu and sigma");
		snprintf(p, sizeof p, "%s/mu", iv->path);
		if (codec_tensor(cx, mu, p, &iv->mu, err) < 0)
			return -1;
		snprintf(p, sizeof p, "%s/sigma", iv->path);
		if (codec_tensor(cx, sigma, p, &iv->sigma, err) < 0)
			return -1;
		if (n) {
			snprintf(p, sizeof p, "%s/n", iv->path);
			if (codec_number(cx, n, p, &iv->n, err) < 0 ||
			    bounds_count(iv->n, p, err) < 0)
				return -1;
		}
		iv->is_stats = 1;
		return 0;
	}
	/* Embeddings: decoded when the metric asks (mcall_set_*). */
	iv->raw = v;
	return 0;
}

/* {"reference": name} or {"stream": id} given to an input that takes
 * kept rows: 1 with iv->t, 0 when v is not one, -1 with err. */
static int resolve_rows(const codec_ctx *cx, json_t *v, input_val *iv,
			verr *err)
{
	const char *kind = "reference";
	json_t *named;
	char p[128];

	if (!jsonx_is_object(cx->doc, v) || json_object_get(v, "data"))
		return 0;
	if (!(named = json_object_get(v, kind)))
		named = json_object_get(v, kind = "stream");
	if (!named)
		return 0;
	if (json_object_size(v) != 1)
		return verr_set(err, E_UNKNOWN_FIELD, iv->path,
				"{\"%s\"} takes no other field", kind);
	snprintf(p, sizeof p, "%s/%s", iv->path, kind);
	if (!json_is_string(named))
		return verr_set(err, E_WRONG_TYPE, p,
				"%s must be a name string", kind);
	if (!cx->resolve_rows)
		return verr_set(err, E_NOT_SUPPORTED, p,
				"stored rows are not available here");
	if (cx->resolve_rows(cx->resolve_ctx, kind, json_string_value(named), p,
			     cx->pool, &iv->t, err) < 0)
		return -1;
	return 1;
}

/* Labels that arrived as integers (a .npz member, a packed integer
 * tensor) stay integers: the classification scores count them as they
 * are (cls_labels.c).  1 when kept, 0 when v is anything else (decoded as
 * usual), -1 with err. */
static int keep_labels(const codec_ctx *cx, json_t *v, input_val *iv, verr *err)
{
	const jsonx_blob *b = jsonx_blob_of(cx->doc, v);
	int ndim, r;
	int64_t shape[EVALD_MAX_DIMS];
	if (!b && (r = codec_labels(cx, v, iv->path, &iv->labels, &ndim, shape,
				    err)) != 0) {
		if (r < 0)
			return -1;
		if (evald_tensor_init(&iv->t, NULL, EVALD_I64, ndim, shape))
			return verr_set(err, E_TOO_LARGE, iv->path,
					"tensor shape is too large to "
					"address");
		iv->raw = v;
		return 1;
	}
	if (!b || b->kind != JSONX_NUMBERS || b->data || !b->ints ||
	    b->ints_dtype == EVALD_F32 ||
	    (cx->max_elems > 0 && b->size > cx->max_elems))
		return 0; /* codec_tensor refuses the too large */
	if (evald_tensor_init(&iv->t, NULL, EVALD_I64, b->ndim, b->shape))
		return 0;
	iv->labels = (evald_labels){
		.data = b->ints, .dtype = b->ints_dtype, .size = b->size};
	iv->raw = v;
	return 1;
}

/* A float32 .npz member of an input_spec.f32 input stays float32 for the
 * metrics that sort it as it is (m_auc.c, m_rank.c).  1 when kept, 0 when
 * v is anything else, -1 with err. */
static int keep_f32(const codec_ctx *cx, json_t *v, input_val *iv, verr *err)
{
	const jsonx_blob *b = jsonx_blob_of(cx->doc, v);
	const void *src;

	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || !b ||
	    b->kind != JSONX_NUMBERS || b->data || !b->ints ||
	    b->ints_dtype != EVALD_F32 || b->ndim != 1 ||
	    (cx->max_elems > 0 && b->size > cx->max_elems))
		return 0; /* codec_tensor widens it, or refuses it */
	src = b->ints;
	if ((uintptr_t)src % sizeof(float)) {
		/* A stored member lies where the zip put it. */
		void *d = pool_alloc(cx->pool, (size_t)b->size * sizeof(float));
		if (!d)
			return verr_set(err, E_OUT_OF_MEMORY, iv->path,
					"out of memory");
		memcpy(d, src, (size_t)b->size * sizeof(float));
		src = d;
	}
	if (evald_tensor_init(&iv->t, NULL, EVALD_F32, b->ndim, b->shape))
		return 0;
	iv->f32 = src;
	iv->raw = v;
	return 1;
}

static int resolve_input(const input_spec *is, json_t *v, const codec_ctx *cx,
			 input_val *iv, verr *err)
{
	int r;

	iv->present = 1;
	switch (is->kind) {
	case IN_TENSOR:
		if (is->stored && (r = resolve_rows(cx, v, iv, err)) != 0)
			return r < 0 ? -1 : 0;
		if (is->labels && (r = keep_labels(cx, v, iv, err)) != 0)
			return r < 0 ? -1 : 0;
		if (is->f32 && (r = keep_f32(cx, v, iv, err)) != 0)
			return r < 0 ? -1 : 0;
		return codec_tensor(cx, v, iv->path, &iv->t, err);
	case IN_SET: return resolve_set(cx, v, iv, err);
	case IN_TENSOR_LIST: {
		char p[128];
		const jsonx_blob *bl = jsonx_blob_of(cx->doc, v);
		if (bl && bl->kind == JSONX_NUMBERS && bl->ndim >= 2) {
			/* Equal-shaped layers arrive as one rectangular
			 * blob: each index of dim 0 is a layer. */
			evald_tensor all;
			if (codec_tensor(cx, v, iv->path, &all, err) < 0)
				return -1;
			iv->nlist = (int)all.shape[0];
			iv->list = pool_calloc(cx->pool, (size_t)iv->nlist,
					       sizeof *iv->list);
			if (!iv->list)
				return verr_set(err, E_OUT_OF_MEMORY, iv->path,
						"out of memory");
			for (int i = 0; i < iv->nlist; i++)
				evald_tensor_init(&iv->list[i],
						  all.data + i * all.strides[0],
						  all.dtype, all.ndim - 1,
						  all.shape + 1);
			return 0;
		}
		if (!jsonx_is_array(cx->doc, v) || bl)
			return verr_set(err, E_WRONG_TYPE, iv->path,
					"%s must be a list of tensors, one per "
					"layer",
					is->name);
		iv->nlist = (int)json_array_size(v);
		if (iv->nlist == 0)
			return verr_set(err, E_EMPTY_INPUT, iv->path,
					"%s must hold at least one layer",
					is->name);
		iv->list = pool_calloc(cx->pool, (size_t)iv->nlist,
				       sizeof *iv->list);
		if (!iv->list)
			return verr_set(err, E_OUT_OF_MEMORY, iv->path,
					"out of memory");
		for (int i = 0; i < iv->nlist; i++) {
			snprintf(p, sizeof p, "%s/%d", iv->path, i);
			if (codec_tensor(cx, json_array_get(v, (size_t)i), p,
					 &iv->list[i], err) < 0)
				return -1;
		}
		return 0;
	}
	}
	return verr_set(err, E_INTERNAL_ERROR, iv->path, "bad input kind");
}

int registry_resolve(const metric *m, json_t *inputs, json_t *shared_inputs,
		     json_t *params, const char *prefix, mcall *c, verr *err,
		     const codec_ctx *cx)
{
	const char *key;
	json_t *v;
	char p[128];

	c->m = m;
	c->cx = *cx;
	if (inputs && !jsonx_is_object(cx->doc, inputs))
		return verr_set(err, E_WRONG_TYPE, "/inputs",
				"inputs must be an object mapping input names "
				"to tensors");
	if (params && !json_is_null(params) &&
	    !jsonx_is_object(cx->doc, params)) {
		snprintf(p, sizeof p, "%s/params", prefix);
		return verr_set(err, E_WRONG_TYPE, p,
				"params must be an object");
	}
	json_object_foreach(inputs, key, v)
	{
		if (registry_input_index(m, key) < 0) {
			snprintf(p, sizeof p, "%s/inputs/%s", prefix, key);
			return hint_unknown_input(m, key, p, err);
		}
	}
	if (jsonx_is_object(cx->doc, params))
		json_object_foreach(params, key, v)
		{
			if (registry_param_index(m, key) < 0) {
				snprintf(p, sizeof p, "%s/params/%s", prefix,
					 key);
				return hint_unknown_param(m, key, p, err);
			}
		}
	for (int i = 0; m->inputs[i].name; i++) {
		const input_spec *is = &m->inputs[i];
		input_val *iv = &c->in[i];
		json_t *val = json_object_get(inputs, is->name);
		const char *pre = prefix;
		if (!val && shared_inputs) {
			val = json_object_get(shared_inputs, is->name);
			pre = "";
		}
		snprintf(iv->path, sizeof iv->path, "%s/inputs/%s", pre,
			 is->name);
		if (!val || json_is_null(val)) {
			if (is->required)
				return verr_set(err, E_MISSING_INPUT, iv->path,
						"%s needs input '%s' (%s)",
						m->name, is->name, is->shape);
			continue;
		}
		if (resolve_input(is, val, cx, iv, err) < 0)
			return -1;
	}
	for (int i = 0; m->params[i].name; i++) {
		const param_spec *ps = &m->params[i];
		json_t *val = jsonx_is_object(cx->doc, params)
				      ? json_object_get(params, ps->name)
				      : NULL;
		snprintf(c->p[i].path, sizeof c->p[i].path, "%s/params/%s",
			 prefix, ps->name);
		if (!val) {
			/* Defaults are JSON text in the row; parsing them here
			 * keeps one code path for given and default values. */
			val = json_loads(ps->def, JSON_DECODE_ANY, NULL);
			if (!val)
				return verr_set(err, E_INTERNAL_ERROR,
						c->p[i].path,
						"bad default in registry");
			json_array_append_new(c->owned, val);
		}
		if (resolve_param(ps, val, cx, &c->p[i], err) < 0)
			return -1;
	}
	return 0;
}

int registry_check_cost(mcall *c, verr *err)
{
	mcost k = {0, "", ""};
	if (!c->m->cost)
		return 0;
	if (c->m->cost(c, &k, err) < 0)
		return -1;
	return bounds_work(c->max_work, k.work, c->m->name, k.hint, k.path,
			   err);
}

json_t *registry_params_json(const mcall *c)
{
	json_t *o = json_object();
	for (int i = 0; c->m->params[i].name; i++) {
		json_t *v = c->p[i].json;
		json_object_set(o, c->m->params[i].name, v ? v : json_null());
	}
	return o;
}
