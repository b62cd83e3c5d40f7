/* state_datasets.c - /v1/datasets: named tables kept for drift reports
 * (PUT, GET, the list, DELETE), and a stored table read back for
 * /v1/drift's {"dataset": name}.
 *
 * A PUT reads its table with drift_table.c, as /v1/drift reads an inline
 * one, so a table is refused or typed the same way stored or sent.  A
 * table longer than max_rows keeps a uniform sample of whole rows:
 * Algorithm R over the row indices with evald_rng seeded by `seed`, the
 * kept rows stored in table order, so the same table and seed keep the
 * same rows on every machine.  Each column is one stored value (store.h):
 * doubles with NaN for a missing one (NaN is refused in a table to store,
 * so it means nothing else), or int32 codes into the column's distinct
 * strings in byte order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rng.h>

#include "bounds.h"
#include "jsonx.h"
#include "pool.h"
#include "respond.h"
#include "state.h"
#include "state_datasets.h"
#include "store.h"

static int dataset_error(const char *name, int rc, const char *errbuf,
			 const char *path, verr *err)
{
	if (rc == STORE_NOTFOUND)
		return verr_set(err, E_NOT_FOUND, path,
				"no dataset '%s'; store one first with PUT "
				"/v1/datasets/%s (GET /v1/datasets lists them)",
				name, name);
	return state_store_error(rc, errbuf, err);
}

/* The stored type (store.h) of a DT_* type, and back. */
static int stored_type(int dt)
{
	return dt == DT_UNKNOWN ? 0 : dt + 1;
}

static const char *type_name(const store_dcol *c)
{
	if (c->type)
		return c->type == DT_NUMERIC + 1 ? "numeric" : "categorical";
	return c->strings > 0 ? "categorical" : "numeric";
}

static json_t *dataset_json(const store_dataset *d)
{
	json_t *o = json_pack(
		"{s:s, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:f}", "name",
		d->name, "n_rows", (json_int_t)d->n_rows, "n_kept",
		(json_int_t)d->n_kept, "max_rows", (json_int_t)d->max_rows,
		"sampled", d->sampled, "seed", (json_int_t)d->seed, "n_columns",
		(json_int_t)d->ncols, "bytes", (json_int_t)d->bytes, "version",
		(json_int_t)d->version, "created", d->created);

	if (!o || !d->cols)
		return o;
	json_t *cols = json_object();
	for (int64_t i = 0; i < d->ncols; i++)
		json_object_set_new(
			cols, d->cols[i].name,
			json_pack("{s:s, s:I}", "type", type_name(&d->cols[i]),
				  "n_missing",
				  (json_int_t)d->cols[i].n_missing));
	json_object_set_new(o, "columns", cols);
	return o;
}

/* ---------------------------------------------------------------- PUT */

typedef struct dput {
	svc *s;
	jsonx_doc doc;
	codec_ctx cx;
	dtab t;
	json_t *cols; /* the body's "columns" */
	int64_t max_rows;
	uint64_t seed;
	int64_t *keep; /* [n_kept] row indices, ascending */
	int64_t n_kept;
	store_dataset d;
} dput;

static int put_options(dput *q, verr *err)
{
	json_t *m = json_object_get(q->doc.root, "max_rows");
	json_t *sd = json_object_get(q->doc.root, "seed");
	int64_t cap = q->s->cfg.max_dataset_rows;

	q->max_rows = cap;
	if (m && !json_is_integer(m))
		return verr_set(err, E_WRONG_TYPE, "/max_rows",
				"max_rows is an integer >= 1");
	if (m)
		q->max_rows = json_integer_value(m);
	if (q->max_rows < 1)
		return verr_set(err, E_OUT_OF_RANGE, "/max_rows",
				"max_rows is %lld; a dataset keeps at least "
				"one row",
				(long long)q->max_rows);
	if (q->max_rows > cap)
		return verr_set(err, E_TOO_LARGE, "/max_rows",
				"max_rows %lld is over this server's limit of "
				"%lld rows per dataset (--max-dataset-rows); "
				"ask for at most %lld",
				(long long)q->max_rows, (long long)cap,
				(long long)cap);
	if (sd && !json_is_integer(sd))
		return verr_set(err, E_WRONG_TYPE, "/seed",
				"seed is an integer in [0, 2^63)");
	if (sd && json_integer_value(sd) < 0)
		return verr_set(err, E_OUT_OF_RANGE, "/seed",
				"seed is %lld; it is an integer in [0, 2^63)",
				(long long)json_integer_value(sd));
	q->seed = sd ? (uint64_t)json_integer_value(sd) : 0;
	return 0;
}

/* The body's table (its columns and types, read as /v1/drift reads one)
 * and what it must be to be stored: rows, finite numbers, and within
 * --max-dataset-cells once sampled. */
static int put_table(dput *q, verr *err)
{
	json_t *types = json_object_get(q->doc.root, "types");
	json_t *tab = json_object();
	int64_t cap = q->s->cfg.max_dataset_cells;
	char p[600];
	int rc;

	if (!tab)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	q->cols = json_object_get(q->doc.root, "columns");
	if (q->cols)
		json_object_set(tab, "columns", q->cols);
	if (types)
		json_object_set(tab, "types", types);
	rc = dtab_parse(&q->cx, tab, "", q->s->cfg.max_drift_columns, &q->t,
			err);
	json_decref(tab);
	if (rc < 0)
		return -1;
	if (q->t.rows < 1)
		return verr_set(err, E_EMPTY_INPUT, "/columns",
				"the columns have no rows; a dataset holds at "
				"least one");
	for (int64_t i = 0; i < q->t.ncols; i++) {
		dtab_col *c = &q->t.cols[i];
		dtab_path(p, sizeof p, "/columns", c->name);
		if (c->type == DT_NUMERIC && c->strings > 0)
			return verr_set(err, E_INVALID_VALUE, p,
					"column '%s' is typed numeric but "
					"holds strings",
					c->name);
		for (int64_t k = 0; c->strings == 0 && k < c->n; k++)
			if (!isfinite(c->num[k]))
				return verr_set(err, E_NON_FINITE, p,
						"column '%s' holds %g; a "
						"stored table holds finite "
						"numbers, with null for a "
						"missing value",
						c->name, c->num[k]);
	}
	q->n_kept = q->t.rows < q->max_rows ? q->t.rows : q->max_rows;
	if (cap > 0 && (double)q->n_kept * (double)q->t.ncols > (double)cap)
		return verr_set(err, E_TOO_LARGE, "/columns",
				"%lld rows x %lld columns are %.0f values, "
				"over this server's limit of %lld per dataset "
				"(--max-dataset-cells); send fewer columns or "
				"a smaller max_rows",
				(long long)q->n_kept, (long long)q->t.ncols,
				(double)q->n_kept * (double)q->t.ncols,
				(long long)cap);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Algorithm R: row i >= k replaces a kept one with probability k/(i+1),
 * so every k-subset of the rows is equally likely; sorted afterwards, so
 * the sample keeps the table's order. */
static int reservoir(dput *q, verr *err)
{
	int64_t n = q->t.rows, k = q->n_kept;
	evald_rng r;

	q->keep = pool_calloc(q->cx.pool, (size_t)k, sizeof *q->keep);
	if (!q->keep)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	for (int64_t i = 0; i < k; i++)
		q->keep[i] = i;
	if (n <= k)
		return 0;
	evald_rng_seed(&r, q->seed);
	for (int64_t i = k; i < n; i++) {
		uint64_t j = evald_rng_below(&r, (uint64_t)i + 1);
		if (j < (uint64_t)k)
			q->keep[j] = i;
	}
	qsort(q->keep, (size_t)k, sizeof *q->keep, cmp_i64);
	return 0;
}

/* Value `row` of column c sent as v: 0 missing, 1 a number (*x), 2 a
 * string (*s).  A column read as a tensor (drift_table.c) has no missing
 * values and its numbers in c->num. */
static int cell(const dput *q, json_t *v, const dtab_col *c, int64_t row,
		double *x, const char **s)
{
	json_t *e;

	if (!json_is_array(v) || jsonx_blob_of(&q->doc, v)) {
		*x = c->num[row];
		return 1;
	}
	e = json_array_get(v, (size_t)row);
	if (json_is_string(e)) {
		*s = json_string_value(e);
		return 2;
	}
	if (json_is_number(e)) {
		*x = json_number_value(e);
		return 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int keep_numbers(dput *q, const dtab_col *c, json_t *v, store_dcol *out)
{
	double *x = pool_calloc(q->cx.pool, (size_t)q->n_kept, sizeof *x);
	const char *s;

	if (!x)
		return -1;
	for (int64_t i = 0; i < q->n_kept; i++)
		if (!cell(q, v, c, q->keep[i], &x[i], &s)) {
			x[i] = NAN;
			out->n_missing++;
		}
	out->data = x;
	out->data_bytes = q->n_kept * (int64_t)sizeof *x;
	return 0;
}

/* Codes into the kept strings' sorted distinct values, -1 for missing. */
static int keep_strings(dput *q, const dtab_col *c, json_t *v, store_dcol *out)
{
	int64_t k = q->n_kept, nu = 0, bytes = 0;
	const char **u = pool_calloc(q->cx.pool, (size_t)k, sizeof *u);
	const char **at = pool_calloc(q->cx.pool, (size_t)k, sizeof *at);
	int32_t *code = pool_calloc(q->cx.pool, (size_t)k, sizeof *code);
	double x;
	char *dict;

	if (!u || !at || !code)
		return -1;
	for (int64_t i = 0; i < k; i++)
		if (cell(q, v, c, q->keep[i], &x, &at[i]) == 2)
			u[nu++] = at[i];
		else
			at[i] = NULL;
	qsort(u, (size_t)nu, sizeof *u, cmp_str);
	int64_t w = 0;
	for (int64_t i = 0; i < nu; i++)
		if (!w || strcmp(u[i], u[w - 1]))
			u[w++] = u[i];
	for (int64_t i = 0; i < w; i++)
		bytes += (int64_t)strlen(u[i]) + 1;
	dict = pool_alloc(q->cx.pool, (size_t)(bytes ? bytes : 1));
	if (!dict)
		return -1;
	for (int64_t i = 0, o = 0; i < w; i++) {
		size_t len = strlen(u[i]) + 1;
		memcpy(dict + o, u[i], len);
		o += (int64_t)len;
	}
	for (int64_t i = 0; i < k; i++) {
		const char **hit = at[i] ? bsearch(&at[i], u, (size_t)w,
						   sizeof *u, cmp_str)
					 : NULL;
		code[i] = hit ? (int32_t)(hit - u) : -1;
		out->n_missing += !hit;
	}
	out->dict = dict;
	out->dict_bytes = bytes;
	out->data = code;
	out->data_bytes = k * (int64_t)sizeof *code;
	return 0;
}

static int put_columns(dput *q, verr *err)
{
	store_dataset *d = &q->d;

	d->cols = pool_calloc(q->cx.pool, (size_t)q->t.ncols, sizeof *d->cols);
	if (!d->cols)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	d->ncols = q->t.ncols;
	for (int64_t i = 0; i < q->t.ncols; i++) {
		const dtab_col *c = &q->t.cols[i];
		json_t *v = json_object_get(q->cols, c->name);
		store_dcol *out = &d->cols[i];
		out->name = (char *)c->name;
		out->type = stored_type(c->type);
		out->strings = c->strings;
		if ((c->strings > 0 ? keep_strings(q, c, v, out)
				    : keep_numbers(q, c, v, out)) < 0)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		d->bytes += out->data_bytes + out->dict_bytes;
	}
	d->n_rows = q->t.rows;
	d->n_kept = q->n_kept;
	d->max_rows = q->max_rows;
	d->seed = q->seed;
	d->sampled = q->t.rows > q->n_kept;
	return 0;
}

static int put_parse(dput *q, const svc_request *rq, verr *err)
{
	static const char *const keys[] = {"columns", "types", "max_rows",
					   "seed", NULL};

	if (svc_parse_body(&q->s->cfg, rq->body, rq->len, &q->doc, err) < 0)
		return -1;
	if (!json_is_object(q->doc.root))
		return verr_set(err, E_WRONG_TYPE, "",
				"a dataset is {\"columns\": {name: values}, "
				"\"types\"?, \"max_rows\"?, \"seed\"?}");
	if (jsonx_check_keys(q->doc.root, keys, "",
			     "a dataset takes columns, types, max_rows and "
			     "seed",
			     err) < 0 ||
	    put_options(q, err) < 0 || put_table(q, err) < 0 ||
	    reservoir(q, err) < 0)
		return -1;
	return put_columns(q, err);
}

void state_dataset_put(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name)
{
	dput q = {.s = s};
	char errbuf[256];
	int rc;
	verr e;

	if (codec_ctx_open(&q.cx, &q.doc, s->cfg.max_elems, s->cfg.max_decoded,
			   &e) < 0)
		goto fail;
	/* The name first: a bad one costs no decoding. */
	if (state_check_name("dataset", name, &e) < 0 ||
	    put_parse(&q, rq, &e) < 0)
		goto fail;
	snprintf(q.d.name, sizeof q.d.name, "%s", name);
	if ((rc = store_dataset_put(s->store, &q.d, errbuf)) != STORE_OK) {
		state_store_error(rc, errbuf, &e);
		goto fail;
	}
	respond_json(rs, 201, dataset_json(&q.d));
	jsonx_free(&q.doc);
	pool_free(q.cx.pool);
	return;
fail:
	jsonx_free(&q.doc);
	if (q.cx.pool)
		pool_free(q.cx.pool);
	respond_error(rs, &e);
}

/* ------------------------------------------------- GET, list, DELETE */

/* Column c's kept values as a JSON array, null for missing; NULL when its
 * stored value is damaged. */
static json_t *values_json(const store_dataset *d, const store_dcol *c)
{
	json_t *a = json_array();
	const char **dict = NULL;
	int64_t nd = 0;

	/* A dictionary not ending in NUL would send strlen past it. */
	if (c->strings > 0 && !(c->dict_bytes && c->dict[c->dict_bytes - 1])) {
		dict = calloc((size_t)(c->dict_bytes + 1), sizeof *dict);
		for (int64_t o = 0; dict && o < c->dict_bytes;
		     o += (int64_t)strlen(c->dict + o) + 1)
			dict[nd++] = c->dict + o;
	}
	if (!a || (c->strings > 0 && !dict) ||
	    c->data_bytes != d->n_kept * (c->strings > 0 ? 4 : 8) ||
	    (c->dict_bytes && c->dict[c->dict_bytes - 1])) {
		free(dict);
		json_decref(a);
		return NULL;
	}
	for (int64_t i = 0; i < d->n_kept; i++) {
		json_t *x;
		if (c->strings > 0) {
			int32_t k = ((const int32_t *)c->data)[i];
			x = k >= 0 && k < nd ? json_string(dict[k])
					     : json_null();
		} else {
			double v = ((const double *)c->data)[i];
			x = isnan(v) ? json_null() : json_real(v);
		}
		json_array_append_new(a, x);
	}
	free(dict);
	return a;
}

/* About the bytes of JSON table_json writes, counted from the stored
 * values before a tree of one node per value is built: a number as
 * BOUNDS_BYTES_PER_REAL, a string as its length, quotes and comma. */
static double table_bytes(const store_dataset *d)
{
	double total = 0;

	for (int64_t i = 0; i < d->ncols; i++) {
		const store_dcol *c = &d->cols[i];
		int64_t nd = 0, *len;
		if (c->strings <= 0 ||
		    c->data_bytes != d->n_kept * (int64_t)sizeof(int32_t) ||
		    (c->dict_bytes && c->dict[c->dict_bytes - 1])) {
			total += (double)d->n_kept * BOUNDS_BYTES_PER_REAL;
			continue;
		}
		len = calloc((size_t)(c->dict_bytes + 1), sizeof *len);
		if (!len)
			return INFINITY;
		for (int64_t o = 0; o < c->dict_bytes;
		     o += (int64_t)strlen(c->dict + o) + 1)
			len[nd++] = (int64_t)strlen(c->dict + o);
		for (int64_t k = 0; k < d->n_kept; k++) {
			int32_t code = ((const int32_t *)c->data)[k];
			total += code >= 0 && code < nd ? (double)len[code] + 3
							: 5;
		}
		free(len);
	}
	return total;
}

/* {"columns": {name: values}, "types": {name: type}}: a body a PUT takes
 * back. */
static json_t *table_json(const store_dataset *d)
{
	json_t *cols = json_object(), *types = json_object();

	for (int64_t i = 0; i < d->ncols; i++) {
		json_t *v = values_json(d, &d->cols[i]);
		if (!v) {
			json_decref(cols);
			json_decref(types);
			return NULL;
		}
		json_object_set_new(cols, d->cols[i].name, v);
		json_object_set_new(types, d->cols[i].name,
				    json_string(type_name(&d->cols[i])));
	}
	return json_pack("{s:o, s:o}", "columns", cols, "types", types);
}

void state_dataset_get(svc *s, const svc_request *rq, svc_response *rs,
		       const char *name)
{
	const char *rows = svc_query_get(rq->query, "rows");
	store_dataset d;
	char errbuf[256];
	json_t *o, *tab;
	int with = 0, rc;
	verr e;

	if (rows && (!strcmp(rows, "1") || !strcmp(rows, "true")))
		with = 1;
	else if (rows && strcmp(rows, "0") && strcmp(rows, "false")) {
		verr_set(&e, E_BAD_QUERY, "",
			 "rows takes 1, true, 0 or false (got '%s')", rows);
		respond_error(rs, &e);
		return;
	}
	if ((rc = store_dataset_get(s->store, name, with, &d, errbuf))) {
		dataset_error(name, rc, errbuf, "", &e);
		respond_error(rs, &e);
		return;
	}
	if (with && bounds_response(s->cfg.max_response, table_bytes(&d),
				    "the dataset's rows", "", &e) < 0) {
		store_dataset_free(&d);
		respond_error(rs, &e);
		return;
	}
	o = dataset_json(&d);
	if (with && !(tab = table_json(&d))) {
		json_decref(o);
		store_dataset_free(&d);
		verr_set(&e, E_STORE_ERROR, "",
			 "dataset %s is damaged in the store; PUT it again",
			 name);
		respond_error(rs, &e);
		return;
	}
	if (with)
		json_object_set_new(o, "table", tab);
	store_dataset_free(&d);
	respond_json(rs, 200, o);
}

static int list_add(void *ctx, const store_dataset *d)
{
	return json_array_append_new(ctx, dataset_json(d)) != 0;
}

void state_datasets_list(svc *s, const svc_request *rq, svc_response *rs,
			 const char *arg)
{
	json_t *arr = json_array();
	char errbuf[256] = "";
	int rc = arr ? store_dataset_list(s->store, list_add, arr, errbuf)
		     : STORE_OK;

	(void)rq;
	(void)arg;
	state_list_answer(rs, rc, errbuf, "datasets", arr);
}

void state_dataset_delete(svc *s, const svc_request *rq, svc_response *rs,
			  const char *name)
{
	char errbuf[256];
	verr e;
	int rc = store_dataset_delete(s->store, name, errbuf);

	(void)rq;
	if (rc != STORE_OK) {
		dataset_error(name, rc, errbuf, "", &e);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200,
		     json_pack("{s:s, s:b}", "name", name, "deleted", 1));
}

/* ------------------------------------------------------ for /v1/drift */

/* Column c of d into t's column out, in pool pl; -1 when damaged. */
static int load_column(pool *pl, const store_dataset *d, const store_dcol *c,
		       dtab_col *out)
{
	int64_t k = d->n_kept, n = 0, nd = 0;
	size_t len = strlen(c->name) + 1;
	char *name = pool_alloc(pl, len), *dict = NULL;
	const char **words = NULL;

	if (!name || c->data_bytes != k * (c->strings > 0 ? 4 : 8) ||
	    (c->dict_bytes && c->dict[c->dict_bytes - 1]))
		return -1;
	memcpy(name, c->name, len);
	*out = (dtab_col){.name = name,
			  .type = c->type ? c->type - 1 : DT_UNKNOWN,
			  .strings = c->strings,
			  .rows = k};
	out->num = pool_calloc(pl, (size_t)(k ? k : 1), sizeof *out->num);
	if (!out->num)
		return -1;
	if (c->strings <= 0) {
		const double *x = c->data;
		for (int64_t i = 0; i < k; i++)
			if (!isnan(x[i]))
				out->num[n++] = x[i];
		out->n = n;
		return 0;
	}
	dict = pool_alloc(pl, (size_t)(c->dict_bytes ? c->dict_bytes : 1));
	words = pool_calloc(pl, (size_t)(c->dict_bytes + 1), sizeof *words);
	out->str = pool_calloc(pl, (size_t)(k ? k : 1), sizeof *out->str);
	if (!dict || !words || !out->str)
		return -1;
	memcpy(dict, c->dict, (size_t)c->dict_bytes);
	for (int64_t o = 0; o < c->dict_bytes;
	     o += (int64_t)strlen(dict + o) + 1)
		words[nd++] = dict + o;
	for (int64_t i = 0; i < k; i++) {
		int32_t code = ((const int32_t *)c->data)[i];
		if (code >= nd)
			return -1;
		if (code >= 0)
			out->str[n++] = words[code];
	}
	out->n = n;
	return 0;
}

int state_dataset_table(svc *s, const codec_ctx *cx, json_t *v,
			const char *path, int64_t max_cols, dtab *t,
			json_t **info, verr *err)
{
	static const char *const keys[] = {"dataset", NULL};
	json_t *nm = jsonx_is_object(cx->doc, v) ? json_object_get(v, "dataset")
						 : NULL;
	store_dataset d;
	const char *name;
	char p[300], errbuf[256];
	int rc;

	*info = NULL;
	if (!nm)
		return 0;
	dtab_path(p, sizeof p, path, "dataset");
	if (jsonx_check_keys(v, keys, path,
			     "a stored table is {\"dataset\": name} alone; "
			     "send columns inline or name a dataset",
			     err) < 0)
		return -1;
	if (!json_is_string(nm))
		return verr_set(err, E_WRONG_TYPE, p,
				"dataset is the name of a stored dataset (PUT "
				"/v1/datasets/{name})");
	name = json_string_value(nm);
	if (state_need_store(s, err) < 0)
		return -1;
	if (state_check_name("dataset", name, err) < 0) {
		snprintf(err->path, sizeof err->path, "%.200s", p);
		return -1;
	}
	if ((rc = store_dataset_get(s->store, name, 1, &d, errbuf)))
		return dataset_error(name, rc, errbuf, p, err);
	if (max_cols > 0 && d.ncols > max_cols) {
		verr_set(err, E_TOO_LARGE, p,
			 "dataset '%s' has %lld columns, over this server's "
			 "limit of %lld (--max-drift-columns)",
			 name, (long long)d.ncols, (long long)max_cols);
		goto fail;
	}
	if (pool_reserve(cx->pool, (uint64_t)d.bytes * 2, 0, p, "this dataset",
			 err) < 0)
		goto fail;
	t->cols = pool_calloc(cx->pool, (size_t)(d.ncols ? d.ncols : 1),
			      sizeof *t->cols);
	t->ncols = d.ncols;
	t->rows = d.n_kept;
	for (int64_t i = 0; t->cols && i < d.ncols; i++)
		if (load_column(cx->pool, &d, &d.cols[i], &t->cols[i]) < 0) {
			verr_set(err, E_STORE_ERROR, p,
				 "dataset %s is damaged in the store or "
				 "memory ran out; PUT it again",
				 name);
			goto fail;
		}
	if (!t->cols) {
		verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	*info = json_pack("{s:s, s:I, s:b, s:I, s:I}", "name", d.name,
			  "version", (json_int_t)d.version, "sampled",
			  d.sampled, "n_rows", (json_int_t)d.n_rows, "n_kept",
			  (json_int_t)d.n_kept);
	store_dataset_free(&d);
	return 1;
fail:
	store_dataset_free(&d);
	return -1;
}
