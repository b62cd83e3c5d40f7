/* tally_kinds.c - the table of tally kinds (tally_kinds.h) and the
 * "regression" row: exact sums per output (evald_regsum_*, tally.h) and
 * the sklearn.metrics regression scores read from them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/tally.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "tally_cls.h"
#include "tally_kinds.h"

/* ----------------------------------------------------------- regression */

static const char *const mo_names[] = {"raw_values", "uniform_average",
				       "variance_weighted", NULL};

static int64_t reg_outputs(const json_t *params)
{
	return json_integer_value(json_object_get(params, "outputs"));
}

static evald_multioutput reg_mo(const json_t *params)
{
	const char *v =
		json_string_value(json_object_get(params, "multioutput"));
	for (int i = 0; v && mo_names[i]; i++)
		if (!strcmp(v, mo_names[i]))
			return (evald_multioutput)i;
	return EVALD_MO_UNIFORM;
}

static json_t *reg_params(json_t *given, int64_t max_dim, int64_t *size,
			  verr *e)
{
	json_t *jo = json_object_get(given, "outputs");
	json_t *jm = json_object_get(given, "multioutput");
	const char *mo = jm ? json_string_value(jm) : "uniform_average";
	static const char *const keys[] = {"kind", "outputs", "multioutput",
					   NULL};
	int ok = 0;

	if (jsonx_check_keys(given, keys, "",
			     "a regression tally takes outputs and "
			     "multioutput",
			     e) < 0)
		return NULL;

	if (jo && (!json_is_integer(jo) || json_integer_value(jo) < 1)) {
		verr_set(e, E_INVALID_VALUE, "/outputs",
			 "outputs must be a positive integer");
		return NULL;
	}
	int64_t k = jo ? json_integer_value(jo) : 1;
	if (bounds_dim(max_dim, k, "/outputs", e) < 0)
		return NULL;
	for (int i = 0; mo && mo_names[i]; i++)
		ok |= !strcmp(mo, mo_names[i]);
	if (!ok) {
		verr_set(e, E_INVALID_VALUE, "/multioutput",
			 "multioutput is one of raw_values, uniform_average, "
			 "variance_weighted");
		return NULL;
	}
	*size = evald_regsum_size(k);
	return json_pack("{s:I, s:s}", "outputs", (json_int_t)k, "multioutput",
			 mo);
}

static int reg_add(double *state, const json_t *params, const tally_batch *b,
		   evald_err *err)
{
	return evald_regsum_add(state, reg_outputs(params), b->y_true,
				b->y_pred, b->weight, err);
}

static int reg_merge(double *into, const double *from, const json_t *params,
		     evald_err *err)
{
	return evald_regsum_merge(into, from, reg_outputs(params), err);
}

static int reg_check(const double *state, const json_t *params, int64_t n,
		     evald_err *err)
{
	int rc = evald_regsum_check(state, reg_outputs(params), err);
	if (rc == EVALD_OK && state[0] != (double)n)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "n is %lld but the state holds %.17g "
				  "samples",
				  (long long)n, state[0]);
	return rc;
}

/* Element 0 of v as a number, or all of v as an array (raw values). */
static json_t *reg_value(const double *v, int64_t k, int raw, int *nf)
{
	return raw ? codec_array_json(v, 1, &k, nf) : codec_real_json(v[0], nf);
}

static void reg_warn(json_t *w, int undefined, int64_t k)
{
	if (undefined & EVALD_REG_EMPTY)
		json_array_append_new(
			w, json_string("no samples yet, or their weights sum "
				       "to 0: every score is undefined "
				       "(sklearn raises)"));
	if (undefined & EVALD_REG_FEW)
		json_array_append_new(
			w, json_string("r2 is not well-defined with less than "
				       "two samples (sklearn: nan)"));
	if (undefined & EVALD_REG_MO_ERRORS)
		json_array_append_new(
			w, json_string("mse, rmse and mae take no "
				       "multioutput=variance_weighted "
				       "(sklearn raises)"));
	if (k > 1 && (undefined & EVALD_REG_MO_MAX))
		json_array_append_new(
			w, json_string("max_error of several outputs is per "
				       "output only: use "
				       "multioutput=raw_values (sklearn "
				       "raises)"));
}

static json_t *reg_scores(const double *state, const json_t *params,
			  json_t *warnings, evald_err *err)
{
	int64_t k = reg_outputs(params);
	evald_multioutput mo = reg_mo(params);
	double *v = calloc((size_t)(6 * k), sizeof *v);
	evald_regscores sc = {.mse = v,
			      .rmse = v + k,
			      .mae = v + 2 * k,
			      .r2 = v + 3 * k,
			      .ev = v + 4 * k,
			      .max_error = v + 5 * k};
	json_t *o = NULL;
	int nf = 0, raw = mo == EVALD_MO_RAW;

	if (!v) {
		evald_fail(err, EVALD_ENOMEM, 0, "out of memory");
		return NULL;
	}
	if (evald_regsum_scores(state, k, mo, &sc, err) != EVALD_OK)
		goto done;
	o = json_pack("{s:I, s:o}", "n", (json_int_t)sc.n, "weight",
		      codec_real_json(sc.weight, &nf));
	json_object_set_new(o, "mse", reg_value(sc.mse, k, raw, &nf));
	json_object_set_new(o, "rmse", reg_value(sc.rmse, k, raw, &nf));
	json_object_set_new(o, "mae", reg_value(sc.mae, k, raw, &nf));
	json_object_set_new(o, "r2", reg_value(sc.r2, k, raw, &nf));
	json_object_set_new(o, "explained_variance",
			    reg_value(sc.ev, k, raw, &nf));
	json_object_set_new(o, "max_error",
			    reg_value(sc.max_error, k, raw, &nf));
	reg_warn(warnings, sc.undefined, k);
	if (nf && !sc.undefined) /* an overflow past ±1.8e308 */
		json_array_append_new(
			warnings, json_string("a score is not finite in double "
					      "and is shown as null"));
done:
	free(v);
	return o;
}

/* ---------------------------------------------------------------- table */

/* The kinds; "classification" is in tally_cls.c. */
static const tally_kind kinds[] = {
	{.name = "regression",
	 .params_doc = "{\"kind\": \"regression\", \"outputs\": K, "
		       "\"multioutput\": \"uniform_average\"}",
	 .params = reg_params,
	 .add = reg_add,
	 .merge = reg_merge,
	 .check = reg_check,
	 .scores = reg_scores},
	{.name = "classification",
	 .params_doc = "{\"kind\": \"classification\", \"labels\": [...] "
		       "or \"num_classes\": K, \"zero_division\": \"warn\"}",
	 .params = tally_cls_params,
	 .add = tally_cls_add,
	 .merge = tally_cls_merge,
	 .check = tally_cls_check,
	 .scores = tally_cls_scores},
};
#define NKINDS (sizeof kinds / sizeof *kinds)

const tally_kind *tally_kind_find(const char *name)
{
	for (size_t i = 0; name && i < NKINDS; i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

const char *tally_kind_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NKINDS && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", kinds[i].name);
	return buf;
}
