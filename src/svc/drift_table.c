/* drift_table.c - a drift report's tables from the request (drift_table.h).
 * A column is a JSON array of numbers or of strings with null for a
 * missing value, or a 1-D tensor (a large plain array, a packed tensor)
 * of numbers without missing values. */
#include <stdlib.h>
#include <string.h>

#include "drift_table.h"
#include "jsonx.h"

void dtab_path(char *buf, size_t n, const char *prefix, const char *name)
{
	size_t k = (size_t)snprintf(buf, n, "%s/", prefix);
	/* JSON Pointer: '~' is ~0 and '/' is ~1 */
	for (; *name && k + 3 < n; name++) {
		if (*name == '~' || *name == '/') {
			buf[k++] = '~';
			buf[k++] = *name == '~' ? '0' : '1';
		} else {
			buf[k++] = *name;
		}
	}
	buf[k < n ? k : n - 1] = '\0';
}

static int type_of(json_t *types, const char *name, const char *path, int *type,
		   verr *err)
{
	json_t *v = json_object_get(types, name);
	const char *s = json_string_value(v);
	char p[600];

	*type = DT_UNKNOWN;
	if (!v)
		return 0;
	if (s && !strcmp(s, "numeric"))
		*type = DT_NUMERIC;
	else if (s && !strcmp(s, "categorical"))
		*type = DT_CATEGORICAL;
	if (*type != DT_UNKNOWN)
		return 0;
	dtab_path(p, sizeof p, path, name);
	return verr_set(err, s ? E_INVALID_VALUE : E_WRONG_TYPE, p,
			"a column's type is \"numeric\" or \"categorical\"");
}

/* A plain JSON array: numbers or strings, null for missing. */
static int read_list(const codec_ctx *cx, json_t *v, const char *path,
		     dtab_col *c, verr *err)
{
	size_t n = json_array_size(v), i;
	json_t *x;

	if (pool_reserve(cx->pool, (uint64_t)n * 8, 0, path, "this column",
			 err) < 0)
		return -1;
	c->num = pool_calloc(cx->pool, n ? n : 1, sizeof *c->num);
	c->str = pool_calloc(cx->pool, n ? n : 1, sizeof *c->str);
	if (!c->num || !c->str)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	c->rows = (int64_t)n;
	c->strings = -1;
	json_array_foreach(v, i, x)
	{
		int is_str = json_is_string(x);
		if (json_is_null(x))
			continue;
		if (!is_str && !json_is_number(x))
			return verr_set(err, E_WRONG_TYPE, path,
					"value %zu is neither a number, a "
					"string nor null (missing)",
					i);
		if (c->strings >= 0 && c->strings != is_str)
			return verr_set(err, E_WRONG_TYPE, path,
					"value %zu is a %s among %s; a column "
					"holds numbers or strings, not both",
					i, is_str ? "string" : "number",
					c->strings ? "strings" : "numbers");
		c->strings = is_str;
		if (is_str)
			c->str[c->n++] = json_string_value(x);
		else
			c->num[c->n++] = json_number_value(x);
	}
	return 0;
}

static int read_column(const codec_ctx *cx, json_t *v, const char *path,
		       dtab_col *c, verr *err)
{
	evald_tensor t;

	if (json_is_array(v) && !jsonx_blob_of(cx->doc, v))
		return read_list(cx, v, path, c, err);
	if (codec_tensor(cx, v, path, &t, err) < 0)
		return -1;
	if (t.ndim != 1)
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"a column is 1-D [rows]; got %d dimensions",
				t.ndim);
	c->num = t.data;
	c->rows = c->n = t.size;
	c->strings = 0;
	return 0;
}

static int read_columns(const codec_ctx *cx, json_t *cols, json_t *types,
			const char *path, dtab *t, verr *err)
{
	const char *name;
	json_t *v;
	char pc[300], p[600];
	int64_t i = 0;

	dtab_path(pc, sizeof pc, path, "columns");
	json_object_foreach(cols, name, v)
	{
		dtab_col *c = &t->cols[i];
		dtab_path(p, sizeof p, pc, name);
		c->name = name;
		if (read_column(cx, v, p, c, err) < 0)
			return -1;
		if (i && c->rows != t->rows)
			return verr_set(err, E_SHAPE_MISMATCH, p,
					"column '%s' has %lld rows and '%s' "
					"%lld; a table's columns are equally "
					"long",
					name, (long long)c->rows,
					t->cols[0].name, (long long)t->rows);
		dtab_path(p, sizeof p, path, "types");
		if (type_of(types, name, p, &c->type, err) < 0)
			return -1;
		t->rows = c->rows;
		i++;
	}
	t->ncols = i;
	return 0;
}

int dtab_parse(const codec_ctx *cx, json_t *v, const char *path,
	       int64_t max_cols, dtab *t, verr *err)
{
	static const char *const keys[] = {"columns", "types", NULL};
	json_t *cols = json_object_get(v, "columns");
	json_t *types = json_object_get(v, "types");
	char p[300];
	const char *name;
	json_t *x;

	if (!jsonx_is_object(cx->doc, v))
		return verr_set(err, v ? E_WRONG_TYPE : E_MISSING_INPUT, path,
				"a table is {\"columns\": {name: values}, "
				"\"types\"?: {name: type}}");
	if (jsonx_check_keys(v, keys, path, "a table takes columns and types",
			     err) < 0)
		return -1;
	dtab_path(p, sizeof p, path, "columns");
	if (!jsonx_is_object(cx->doc, cols) || !json_object_size(cols))
		return verr_set(err, cols ? E_WRONG_TYPE : E_MISSING_INPUT, p,
				"columns is a non-empty object {name: "
				"values}");
	if (max_cols > 0 && (int64_t)json_object_size(cols) > max_cols)
		return verr_set(err, E_TOO_LARGE, p,
				"%zu columns are over this server's limit of "
				"%lld (--max-drift-columns)",
				json_object_size(cols), (long long)max_cols);
	dtab_path(p, sizeof p, path, "types");
	if (types && !jsonx_is_object(cx->doc, types))
		return verr_set(err, E_WRONG_TYPE, p,
				"types is an object {name: \"numeric\" or "
				"\"categorical\"}");
	json_object_foreach(types, name, x) if (!json_object_get(cols, name))
	{
		char q[600];
		dtab_path(q, sizeof q, p, name);
		return verr_set(err, E_UNKNOWN_FIELD, q,
				"types names '%s', which is not a column",
				name);
	}
	t->cols =
		pool_calloc(cx->pool, json_object_size(cols), sizeof *t->cols);
	if (!t->cols)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	return read_columns(cx, cols, types, path, t, err);
}

dtab_col *dtab_find(const dtab *t, const char *name)
{
	for (int64_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Codes for the strings of r and c: each one's rank among the distinct
 * strings of both. */
static int code_strings(const codec_ctx *cx, dtab_col *r, dtab_col *c,
			verr *err)
{
	int64_t n = r->n + c->n, k = 0;
	const char **u = pool_calloc(cx->pool, (size_t)(n ? n : 1), sizeof *u);

	if (!u)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	memcpy(u, r->str, sizeof *u * (size_t)r->n);
	memcpy(u + r->n, c->str, sizeof *u * (size_t)c->n);
	qsort(u, (size_t)n, sizeof *u, cmp_str);
	for (int64_t i = 0; i < n; i++)
		if (!k || strcmp(u[i], u[k - 1]))
			u[k++] = u[i];
	dtab_col *both[2] = {r, c};
	for (int t = 0; t < 2; t++) {
		dtab_col *x = both[t];
		for (int64_t i = 0; i < x->n; i++) {
			const char **at = bsearch(&x->str[i], u, (size_t)k,
						  sizeof *u, cmp_str);
			x->num[i] = (double)(at - u);
		}
	}
	return 0;
}

int dtab_settle(const codec_ctx *cx, dtab_col *r, dtab_col *c, const char *path,
		verr *err)
{
	int type = r->type != DT_UNKNOWN ? r->type : c->type;
	int strings = r->strings >= 0 ? r->strings : c->strings;

	if (r->type != DT_UNKNOWN && c->type != DT_UNKNOWN &&
	    r->type != c->type)
		return verr_set(err, E_INVALID_VALUE, path,
				"column '%s' is numeric in one table's types "
				"and categorical in the other's",
				r->name);
	if (r->strings >= 0 && c->strings >= 0 && r->strings != c->strings)
		return verr_set(err, E_WRONG_TYPE, path,
				"column '%s' holds %s in the reference and "
				"%s in the current table",
				r->name, r->strings ? "strings" : "numbers",
				c->strings ? "strings" : "numbers");
	if (type == DT_UNKNOWN)
		type = strings > 0 ? DT_CATEGORICAL : DT_NUMERIC;
	if (type == DT_NUMERIC && strings > 0)
		return verr_set(err, E_INVALID_VALUE, path,
				"column '%s' is typed numeric but holds "
				"strings",
				r->name);
	if (strings > 0 && code_strings(cx, r, c, err) < 0)
		return -1;
	return type;
}
