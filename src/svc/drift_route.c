/* drift_route.c - POST /v1/drift: a drift report of a current table against
 * a reference table (drift_table.h reads them, libevald's driftreport.h
 * computes), with per-column overrides of the test and its threshold, a
 * multiple-testing correction, and the scores recorded as series when
 * asked.  Either table may be a stored dataset ({"dataset": name},
 * state_datasets.c), named in the answer with its version. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/driftreport.h>

#include "drift_route.h"
#include "drift_table.h"
#include "jsonx.h"
#include "respond.h"
#include "state.h"
#include "state_datasets.h"

/* Wire names, by evald_drift_test; NULL-terminated for one_of. */
static const char *const test_names[EVALD_DT_COUNT + 1] = {
	[EVALD_DT_AUTO] = "auto",
	[EVALD_DT_KS] = "ks",
	[EVALD_DT_CHISQUARE] = "chisquare",
	[EVALD_DT_Z] = "z",
	[EVALD_DT_MANNWHITNEYU] = "mannwhitneyu",
	[EVALD_DT_CRAMERVONMISES] = "cramervonmises",
	[EVALD_DT_ANDERSON] = "anderson",
	[EVALD_DT_WASSERSTEIN] = "wasserstein",
	[EVALD_DT_JENSENSHANNON] = "jensenshannon",
	[EVALD_DT_PSI] = "psi",
	[EVALD_DT_KL] = "kl_divergence",
	[EVALD_DT_HELLINGER] = "hellinger",
	[EVALD_DT_TOTAL_VARIATION] = "total_variation",
	[EVALD_DT_COUNT] = NULL,
};

static const char *const corr_names[] = {"none", "bonferroni", "bh", NULL};

typedef struct dreq {
	svc *s;
	jsonx_doc doc;
	codec_ctx cx;
	dtab ref, cur;
	evald_correction corr;
	double drift_share;
	evald_drift_column *cols;
	evald_drift_result *res;
	json_t *ref_ds, *cur_ds; /* the stored datasets named, or NULL */
} dreq;

static int one_of(json_t *v, const char *const names[], const char *path,
		  const char *what, int *out, verr *err)
{
	const char *s = json_string_value(v);
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return verr_set(err, s ? E_INVALID_VALUE : E_WRONG_TYPE, path, "%s",
			what);
}

/* The body's options: correction and drift_share. */
static int options(dreq *q, verr *err)
{
	json_t *c = json_object_get(q->doc.root, "correction");
	json_t *d = json_object_get(q->doc.root, "drift_share");
	int corr = 0;

	if (c && one_of(c, corr_names, "/correction",
			"correction is \"none\", \"bonferroni\" or \"bh\"",
			&corr, err) < 0)
		return -1;
	q->corr = (evald_correction)corr;
	q->drift_share = 0.5; /* Evidently's DatasetDriftMetric default */
	if (d && !json_is_number(d))
		return verr_set(err, E_WRONG_TYPE, "/drift_share",
				"drift_share is a number in [0, 1]");
	if (d)
		q->drift_share = json_number_value(d);
	if (!(q->drift_share >= 0 && q->drift_share <= 1))
		return verr_set(err, E_OUT_OF_RANGE, "/drift_share",
				"drift_share is %g; it is a share of "
				"columns, in [0, 1]",
				q->drift_share);
	return 0;
}

/* {"test"?, "threshold"?} for one column, at path. */
static int override(json_t *o, const char *path, evald_drift_column *col,
		    verr *err)
{
	static const char *const keys[] = {"test", "threshold", NULL};
	json_t *t = json_object_get(o, "test"),
	       *th = json_object_get(o, "threshold");
	char p[800];
	int test = 0;

	if (!json_is_object(o))
		return verr_set(err, E_WRONG_TYPE, path,
				"a column's settings are {\"test\"?, "
				"\"threshold\"?}");
	if (jsonx_check_keys(o, keys, path, "a column takes test and threshold",
			     err) < 0)
		return -1;
	snprintf(p, sizeof p, "%s/test", path);
	if (t && one_of(t, test_names, p,
			"test is auto, ks, chisquare, z, mannwhitneyu, "
			"cramervonmises, anderson, wasserstein, "
			"jensenshannon, psi, kl_divergence, hellinger or "
			"total_variation",
			&test, err) < 0)
		return -1;
	col->test = (evald_drift_test)test;
	snprintf(p, sizeof p, "%s/threshold", path);
	if (th && !json_is_number(th))
		return verr_set(err, E_WRONG_TYPE, p, "threshold is a number");
	if (th &&
	    !(json_number_value(th) >= 0 && isfinite(json_number_value(th))))
		return verr_set(err, E_OUT_OF_RANGE, p,
				"threshold is %g; it is a finite number >= 0",
				json_number_value(th));
	if (th)
		col->threshold = json_number_value(th);
	return 0;
}

/* Pair the tables' columns (the same names in both) and read the
 * overrides; fills q->cols in the reference's order. */
static int pair_columns(dreq *q, verr *err)
{
	json_t *ov = json_object_get(q->doc.root, "columns"), *v;
	const char *name;
	char p[700];

	if (ov && !jsonx_is_object(&q->doc, ov))
		return verr_set(err, E_WRONG_TYPE, "/columns",
				"columns is an object {name: {\"test\"?, "
				"\"threshold\"?}}");
	for (int64_t i = 0; i < q->cur.ncols; i++)
		if (!dtab_find(&q->ref, q->cur.cols[i].name)) {
			dtab_path(p, sizeof p, "/current/columns",
				  q->cur.cols[i].name);
			return verr_set(err, E_MISSING_INPUT, p,
					"column '%s' is in the current table "
					"but not in the reference",
					q->cur.cols[i].name);
		}
	json_object_foreach(ov, name, v) if (!dtab_find(&q->ref, name))
	{
		dtab_path(p, sizeof p, "/columns", name);
		return verr_set(err, E_UNKNOWN_FIELD, p,
				"columns names '%s', which is not a column of "
				"the tables",
				name);
	}
	q->cols =
		pool_calloc(q->cx.pool, (size_t)q->ref.ncols, sizeof *q->cols);
	q->res = pool_calloc(q->cx.pool, (size_t)q->ref.ncols, sizeof *q->res);
	if (!q->cols || !q->res)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < q->ref.ncols; i++) {
		dtab_col *r = &q->ref.cols[i], *c = dtab_find(&q->cur, r->name);
		evald_drift_column *col = &q->cols[i];
		int type;
		dtab_path(p, sizeof p,
			  c ? "/reference/columns" : "/current/columns",
			  r->name);
		if (!c)
			return verr_set(err, E_MISSING_INPUT, p,
					"column '%s' is in the reference but "
					"not in the current table",
					r->name);
		if ((type = dtab_settle(&q->cx, r, c, p, err)) < 0)
			return -1;
		*col = (evald_drift_column){type == DT_NUMERIC
						    ? EVALD_COL_NUMERIC
						    : EVALD_COL_CATEGORICAL,
					    r->num,
					    r->n,
					    c->num,
					    c->n,
					    EVALD_DT_AUTO,
					    NAN};
		dtab_path(p, sizeof p, "/columns", r->name);
		v = json_object_get(ov, r->name);
		if (v && override(v, p, col, err) < 0)
			return -1;
	}
	return 0;
}

static json_t *num_json(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *column_json(const dreq *q, int64_t i)
{
	const evald_drift_result *r = &q->res[i];
	const dtab_col *rc = &q->ref.cols[i];
	const dtab_col *cc = dtab_find(&q->cur, rc->name);
	int corrected = r->is_pvalue && q->corr != EVALD_CORR_NONE;
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:o}", "type",
			  q->cols[i].type == EVALD_COL_NUMERIC ? "numeric"
							       : "categorical",
			  "test", test_names[r->test], "kind",
			  r->is_pvalue ? "p_value" : "distance", "statistic",
			  num_json(r->statistic));

	json_object_set_new(o, r->is_pvalue ? "p_value" : "distance",
			    num_json(r->score));
	if (corrected)
		json_object_set_new(o, "p_value_adjusted",
				    num_json(r->adjusted));
	json_object_set_new(o, "score",
			    num_json(corrected ? r->adjusted : r->score));
	json_object_set_new(o, "threshold", json_real(r->threshold));
	json_object_set_new(o, "drifted", json_boolean(r->drifted));
	json_object_set_new(o, "n_reference", json_integer(rc->n));
	json_object_set_new(o, "n_current", json_integer(cc->n));
	json_object_set_new(o, "n_missing_reference",
			    json_integer(rc->rows - rc->n));
	json_object_set_new(o, "n_missing_current",
			    json_integer(cc->rows - cc->n));
	json_object_set_new(o, "n_unique", json_integer(r->n_unique));
	return o;
}

static json_t *report_json(const dreq *q, double share, int dataset)
{
	json_t *cols = json_object();
	int64_t drifted = 0;

	for (int64_t i = 0; i < q->ref.ncols; i++) {
		json_object_set_new(cols, q->ref.cols[i].name,
				    column_json(q, i));
		drifted += q->res[i].drifted;
	}
	return json_pack("{s:o, s:I, s:I, s:f, s:f, s:b, s:s}", "columns", cols,
			 "n_columns", (json_int_t)q->ref.ncols, "n_drifted",
			 (json_int_t)drifted, "share", share, "drift_share",
			 q->drift_share, "dataset_drift", dataset, "correction",
			 corr_names[q->corr]);
}

static int compute(dreq *q, json_t **out, verr *err)
{
	evald_err le = {0};
	double share;
	int dataset;

	if (evald_drift_report(q->cols, q->ref.ncols, q->corr, q->drift_share,
			       q->res, &share, &dataset, &le) < 0) {
		char p[700];
		const char *name = le.input >= 0 && le.input < q->ref.ncols
					   ? q->ref.cols[le.input].name
					   : NULL;
		if (!name)
			return verr_from_lib(err, &le, "");
		dtab_path(p, sizeof p, "/columns", name);
		verr_from_lib(err, &le, p);
		snprintf(err->msg, sizeof err->msg, "column '%s': %s", name,
			 le.msg);
		return -1;
	}
	*out = report_json(q, share, dataset);
	return *out ? 0 : verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
}

/* The table under key: a stored dataset or one sent inline. */
static int table(dreq *q, const char *key, int64_t maxc, dtab *t, json_t **ds,
		 verr *err)
{
	json_t *v = json_object_get(q->doc.root, key);
	char path[32];
	int rc;

	snprintf(path, sizeof path, "/%s", key);
	rc = state_dataset_table(q->s, &q->cx, v, path, maxc, t, ds, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return dtab_parse(&q->cx, v, path, maxc, t, err);
}

static int parse(dreq *q, const svc_request *rq, verr *err)
{
	static const char *const keys[] = {
		"reference",   "current", "columns", "correction",
		"drift_share", "record",  NULL};
	int64_t maxc = q->s->cfg.max_drift_columns;

	if (svc_parse_body(&q->s->cfg, rq->body, rq->len, &q->doc, err) < 0 ||
	    jsonx_check_keys(q->doc.root, keys, "",
			     "a drift request takes reference, current, "
			     "columns, correction, drift_share and record",
			     err) < 0 ||
	    state_record_check(q->s, &q->doc,
			       json_object_get(q->doc.root, "record"),
			       err) < 0 ||
	    options(q, err) < 0)
		return -1;
	if (table(q, "reference", maxc, &q->ref, &q->ref_ds, err) < 0 ||
	    table(q, "current", maxc, &q->cur, &q->cur_ds, err) < 0)
		return -1;
	return pair_columns(q, err);
}

void drift_post(svc *s, const svc_request *rq, svc_response *rs,
		const char *arg)
{
	dreq q = {.s = s};
	json_t *res = NULL;
	verr e;

	(void)arg;
	if (codec_ctx_open(&q.cx, &q.doc, s->cfg.max_elems, s->cfg.max_decoded,
			   &e) < 0)
		goto fail;
	if (parse(&q, rq, &e) < 0 || compute(&q, &res, &e) < 0)
		goto fail;
	/* Before the record: a recorded report names its datasets too. */
	if (q.ref_ds)
		json_object_set(res, "reference_dataset", q.ref_ds);
	if (q.cur_ds)
		json_object_set(res, "current_dataset", q.cur_ds);
	if (drift_record(s, json_object_get(q.doc.root, "record"), res, &e) < 0)
		goto fail;
	json_decref(q.ref_ds);
	json_decref(q.cur_ds);
	jsonx_free(&q.doc);
	pool_free(q.cx.pool);
	respond_json(rs, 200, res);
	return;
fail:
	json_decref(res);
	json_decref(q.ref_ds);
	json_decref(q.cur_ds);
	jsonx_free(&q.doc);
	if (q.cx.pool)
		pool_free(q.cx.pool);
	respond_error(rs, &e);
}
