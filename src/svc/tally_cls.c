/* tally_cls.c - the "classification" tally kind: the state is
 * [samples, k x k counts] (row = true label, column = predicted, in the
 * order of the tally's labels), added to by evald_cm_add and scored by
 * evald_cm_score, so batches and merges give the one-pass counts and
 * therefore the one-pass scores (exactly, with integral weights). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/confusion.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "tally_cls.h"

/* The params hold "labels" or "num_classes" K (labels 0..K-1), as
 * created: a list of 256 numbers or more would reach here as a number
 * blob (jsonx.h), which a kind's params cannot read. */
static int64_t cls_k(const json_t *params)
{
	const json_t *jl = json_object_get(params, "labels");
	return jl ? (int64_t)json_array_size(jl)
		  : json_integer_value(json_object_get(params, "num_classes"));
}

static double cls_label(const json_t *params, int64_t i)
{
	const json_t *jl = json_object_get(params, "labels");
	return jl ? json_number_value(json_array_get(jl, (size_t)i))
		  : (double)i;
}

/* ------------------------------------------------------------- params */

static json_t *num_classes(json_t *jk, int64_t max_dim, verr *e)
{
	if (!json_is_integer(jk) || json_integer_value(jk) < 2) {
		verr_set(e, E_INVALID_VALUE, "/num_classes",
			 "num_classes must be an integer of at least 2");
		return NULL;
	}
	if (bounds_dim(max_dim, json_integer_value(jk), "/num_classes", e) < 0)
		return NULL;
	return json_incref(jk);
}

static json_t *labels_given(json_t *jl, int64_t max_dim, verr *e)
{
	size_t n = json_array_size(jl);
	if (json_is_object(jl)) {
		verr_set(e, E_INVALID_VALUE, "/labels",
			 "labels lists up to 255 values; for more classes "
			 "use num_classes K, whose labels are 0..K-1");
		return NULL;
	}
	if (!json_is_array(jl) || n < 2) {
		verr_set(e, E_INVALID_VALUE, "/labels",
			 "labels is a list of at least 2 numbers");
		return NULL;
	}
	if (bounds_dim(max_dim, (int64_t)n, "/labels", e) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(jl, i);
		if (!json_is_number(v) || !isfinite(json_number_value(v))) {
			verr_set(e, E_INVALID_VALUE, "/labels",
				 "labels[%zu] is not a number", i);
			return NULL;
		}
		for (size_t j = 0; j < i; j++)
			if (json_number_value(json_array_get(jl, j)) ==
			    json_number_value(v)) {
				verr_set(e, E_INVALID_VALUE, "/labels",
					 "labels[%zu] repeats labels[%zu]", i,
					 j);
				return NULL;
			}
	}
	return json_deep_copy(jl);
}

static int zero_division_ok(const json_t *z)
{
	if (json_is_string(z))
		return !strcmp(json_string_value(z), "warn");
	return json_is_number(z) &&
	       (json_number_value(z) == 0.0 || json_number_value(z) == 1.0);
}

json_t *tally_cls_params(json_t *given, int64_t max_dim, int64_t *size, verr *e)
{
	static const char *const keys[] = {"kind", "labels", "num_classes",
					   "zero_division", NULL};
	json_t *jl = json_object_get(given, "labels");
	json_t *jk = json_object_get(given, "num_classes");
	json_t *z = json_object_get(given, "zero_division"), *labels;
	int64_t k;

	if (jsonx_check_keys(given, keys, "",
			     "a classification tally takes labels or "
			     "num_classes, and zero_division",
			     e) < 0)
		return NULL;
	if (!jl == !jk) {
		verr_set(e, jl ? E_INVALID_VALUE : E_MISSING_INPUT,
			 jl ? "/num_classes" : "/labels",
			 "a classification tally takes labels or "
			 "num_classes (one of them)");
		return NULL;
	}
	if (z && !zero_division_ok(z)) {
		verr_set(e, E_INVALID_VALUE, "/zero_division",
			 "zero_division is \"warn\", 0 or 1");
		return NULL;
	}
	if (!(labels = jl ? labels_given(jl, max_dim, e)
			  : num_classes(jk, max_dim, e)))
		return NULL;
	k = jl ? (int64_t)json_array_size(labels) : json_integer_value(labels);
	*size = 1 + k * k;
	return json_pack("{s:o, s:o}", jl ? "labels" : "num_classes", labels,
			 "zero_division",
			 z ? json_incref(z) : json_string("warn"));
}

/* --------------------------------------------------- add, merge, check */

typedef struct lab_pos {
	double v;
	int64_t i;
} lab_pos;

static int cmp_lab(const void *a, const void *b)
{
	double x = ((const lab_pos *)a)->v, y = ((const lab_pos *)b)->v;
	return (x > y) - (x < y);
}

/* Each element of src as the index of its label in sorted (k of them),
 * into dst; input names src for a refusal. */
static int map_labels(const lab_pos *sorted, int64_t k, const evald_tensor *src,
		      double *dst, int input, evald_err *err)
{
	for (int64_t i = 0; i < src->size; i++) {
		lab_pos key = {src->data[i], 0};
		const lab_pos *hit =
			bsearch(&key, sorted, (size_t)k, sizeof key, cmp_lab);
		if (!hit)
			return evald_fail(err, EVALD_EINVAL, input,
					  "%s[%lld] is %.17g, not one of the "
					  "tally's labels",
					  input ? "y_pred" : "y_true",
					  (long long)i, src->data[i]);
		dst[i] = (double)hit->i;
	}
	return 0;
}

int tally_cls_add(double *state, const json_t *params, const tally_batch *b,
		  evald_err *err)
{
	int64_t k = cls_k(params);
	size_t nt = (size_t)b->y_true->size, np = (size_t)b->y_pred->size;
	lab_pos *sorted = malloc((size_t)k * sizeof *sorted);
	double *idx = malloc((nt + np + 1) * sizeof *idx);
	evald_tensor t = *b->y_true, p = *b->y_pred;
	int rc = EVALD_ENOMEM;

	if (!sorted || !idx) {
		evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto done;
	}
	for (int64_t i = 0; i < k; i++)
		sorted[i] = (lab_pos){cls_label(params, i), i};
	qsort(sorted, (size_t)k, sizeof *sorted, cmp_lab);
	t.data = idx;
	p.data = idx + nt;
	for (int64_t i = 0; b->weight && i < b->weight->size; i++)
		if (!(b->weight->data[i] >= 0.0) ||
		    !isfinite(b->weight->data[i])) {
			rc = evald_fail(err, EVALD_EINVAL, 2,
					"sample_weight[%lld] is %.17g: weights "
					"are finite and not negative",
					(long long)i, b->weight->data[i]);
			goto done;
		}
	if ((rc = map_labels(sorted, k, b->y_true, t.data, 0, err)) ||
	    (rc = map_labels(sorted, k, b->y_pred, p.data, 1, err)) ||
	    (rc = evald_cm_add(state + 1, k, &t, &p, b->weight, err)))
		goto done;
	state[0] += b->y_true->ndim ? (double)b->y_true->shape[0] : 1.0;
done:
	free(sorted);
	free(idx);
	return rc;
}

int tally_cls_merge(double *into, const double *from, const json_t *params,
		    evald_err *err)
{
	int64_t k = cls_k(params);
	(void)err;
	for (int64_t i = 0; i < 1 + k * k; i++)
		into[i] += from[i];
	return 0;
}

int tally_cls_check(const double *state, const json_t *params, int64_t n,
		    evald_err *err)
{
	int64_t k = cls_k(params);
	double all = 0.0;

	if (state[0] != (double)n)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "n is %lld but the state holds %.17g "
				  "samples",
				  (long long)n, state[0]);
	for (int64_t i = 1; i < 1 + k * k; i++) {
		if (!isfinite(state[i]) || state[i] < 0.0)
			return evald_fail(err, EVALD_EINVAL, 0,
					  "count %lld of the state is %.17g: "
					  "counts are finite and not negative",
					  (long long)(i - 1), state[i]);
		all += state[i];
	}
	if (n == 0 && all > 0.0)
		return evald_fail(err, EVALD_EINVAL, 0,
				  "the state holds counts but no samples");
	return 0;
}

/* ------------------------------------------------------------- scores */

typedef struct cls_ctx {
	const double *cm;
	int64_t k;
	evald_cm_opts o;
	int warn; /* zero_division "warn" */
	int nf;
	evald_err *err;
} cls_ctx;

/* One score as JSON (a number, or k numbers with EVALD_AVG_NONE); *flags
 * gathers evald_cm_score's.  NULL on failure (err set). */
static json_t *one(cls_ctx *x, evald_cm_kind kind, evald_average avg,
		   unsigned *flags)
{
	evald_result r = {0};
	evald_cm_opts o = x->o;
	unsigned f = 0;
	json_t *v;

	o.average = avg;
	if (evald_cm_score(x->cm, x->k, kind, &o, &r, &f, x->err) != EVALD_OK)
		return NULL;
	v = r.values ? codec_array_json(r.values, 1, &x->k, &x->nf)
		     : codec_real_json(r.value, &x->nf);
	evald_result_free(&r);
	if (flags)
		*flags |= f;
	return v;
}

/* precision, recall, f1, jaccard: {micro, macro, weighted, per_class}. */
static json_t *averaged(cls_ctx *x, evald_cm_kind kind, const char *what,
			json_t *warnings)
{
	static const char *const names[] = {"micro", "macro", "weighted",
					    "per_class"};
	static const evald_average avgs[] = {EVALD_AVG_MICRO, EVALD_AVG_MACRO,
					     EVALD_AVG_WEIGHTED,
					     EVALD_AVG_NONE};
	json_t *o = json_object(), *v;
	unsigned flags = 0;

	for (int i = 0; o && i < 4; i++) {
		if (!(v = one(x, kind, avgs[i], &flags))) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, names[i], v);
	}
	if (x->warn && (flags & EVALD_CM_UNDEFINED))
		json_array_append_new(
			warnings,
			json_sprintf("%s ill-defined and being set to 0.0 in "
				     "labels with no %s samples. Use "
				     "`zero_division` parameter to control "
				     "this behavior.",
				     what,
				     kind == EVALD_CM_PRECISION ? "predicted"
				     : kind == EVALD_CM_RECALL	? "true"
				     : kind == EVALD_CM_FBETA
					     ? "true nor predicted"
					     : "true or predicted"));
	return o;
}

static const char W_EMPTY[] = "no samples yet, or their weights sum to 0: "
			      "every score is undefined (sklearn raises)";
static const char W_BACC[] = "y_pred contains classes not in y_true: their "
			     "recall is undefined (0/0) and they are left out "
			     "of the mean, as in sklearn";
static const char W_MCC[] = "the Matthews correlation is undefined (0/0): "
			    "y_true or y_pred holds a single class; it is "
			    "reported as 0, as sklearn does";
static const char W_KAPPA[] = "Cohen's kappa is 0/0 here (the agreement "
			      "expected by chance is perfect); sklearn "
			      "returns NaN";

/* A scalar score into o under key, with warning w when flagged. */
static int scalar(cls_ctx *x, json_t *o, const char *key, evald_cm_kind kind,
		  const char *w, json_t *warnings)
{
	unsigned flags = 0;
	int nf = x->nf;
	json_t *v = one(x, kind, EVALD_AVG_MACRO, &flags);
	if (!v)
		return -1;
	json_object_set_new(o, key, v);
	if (w && ((flags & EVALD_CM_UNDEFINED) ||
		  (kind == EVALD_CM_KAPPA && x->nf != nf)))
		json_array_append_new(warnings, json_string(w));
	x->nf = nf;
	return 0;
}

/* A label predicted but never true: sklearn's balanced_accuracy warns
 * (a label in neither is not one it sees). */
static int pred_not_true(const cls_ctx *x)
{
	for (int64_t a = 0; a < x->k; a++) {
		double row = 0.0, col = 0.0;
		for (int64_t b = 0; b < x->k; b++) {
			row += x->cm[a * x->k + b];
			col += x->cm[b * x->k + a];
		}
		if (row == 0.0 && col > 0.0)
			return 1;
	}
	return 0;
}

static int scores_of(cls_ctx *x, json_t *o, json_t *warnings)
{
	static const struct {
		const char *key, *what;
		evald_cm_kind kind;
	} avg[] = {{"precision", "Precision is", EVALD_CM_PRECISION},
		   {"recall", "Recall is", EVALD_CM_RECALL},
		   {"f1", "F-score is", EVALD_CM_FBETA},
		   {"jaccard", "Jaccard is", EVALD_CM_JACCARD}};
	json_t *v;

	if (scalar(x, o, "accuracy", EVALD_CM_ACCURACY, NULL, warnings) ||
	    scalar(x, o, "balanced_accuracy", EVALD_CM_BALANCED_ACCURACY, NULL,
		   warnings))
		return -1;
	if (pred_not_true(x))
		json_array_append_new(warnings, json_string(W_BACC));
	for (int i = 0; i < 4; i++) {
		if (!(v = averaged(x, avg[i].kind, avg[i].what, warnings)))
			return -1;
		json_object_set_new(o, avg[i].key, v);
	}
	if (scalar(x, o, "mcc", EVALD_CM_MCC, W_MCC, warnings) ||
	    scalar(x, o, "kappa", EVALD_CM_KAPPA, W_KAPPA, warnings) ||
	    scalar(x, o, "hamming_loss", EVALD_CM_HAMMING, NULL, warnings))
		return -1;
	return 0;
}

static void empty_scores(json_t *o)
{
	static const char *const keys[] = {
		"accuracy",    "balanced_accuracy", "precision", "recall",
		"f1",	       "jaccard",	    "mcc",	 "kappa",
		"hamming_loss"};
	for (int i = 0; i < 9; i++)
		json_object_set_new(o, keys[i], json_null());
}

json_t *tally_cls_scores(const double *state, const json_t *params,
			 json_t *warnings, evald_err *err)
{
	const json_t *z = json_object_get(params, "zero_division");
	int64_t k = cls_k(params), shape[2] = {k, k};
	cls_ctx x = {.cm = state + 1, .k = k, .err = err};
	double *support = calloc((size_t)k + 1, sizeof *support), all = 0.0;
	json_t *o = NULL;

	if (!support) {
		evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		return NULL;
	}
	x.o.beta = 1.0;
	x.warn = json_is_string(z);
	x.o.zero_division = x.warn ? 0.0 : json_number_value(z);
	for (int64_t i = 0; i < k * k; i++)
		support[i / k] += x.cm[i];
	for (int64_t i = 0; i < k; i++)
		all += support[i];
	o = json_pack("{s:I, s:o}", "n", (json_int_t)state[0], "weight",
		      codec_real_json(all, &x.nf));
	if (!(all > 0.0)) {
		empty_scores(o);
		json_array_append_new(warnings, json_string(W_EMPTY));
	} else if (scores_of(&x, o, warnings)) {
		json_decref(o);
		o = NULL;
		goto done;
	}
	json_object_set_new(o, "support",
			    codec_array_json(support, 1, &k, &x.nf));
	json_object_set_new(o, "confusion_matrix",
			    codec_array_json(x.cm, 2, shape, &x.nf));
	if (x.nf)
		json_array_append_new(
			warnings, json_string("a score is not finite in double "
					      "and is shown as null"));
done:
	free(support);
	return o;
}
