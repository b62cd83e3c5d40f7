/* state_rows.c - rows kept with references and streams (see
 * state_rows.h).
 *
 * Moments are all FID needs, but precision/recall, MMD, MiFID, Vendi and
 * the rest need the rows themselves, so a reference or a stream may keep
 * them.  They are stored as they came (float32 stays float32: half the
 * bytes, and widening it back is exact), read lazily when a metric names
 * them, and kept in memory as float64 in the refcache under a key of
 * their own, versioned like the prepared references: a replaced reference
 * or a stream that grew is never answered from its old rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "refcache.h"
#include "state.h"
#include "state_moments.h"
#include "state_rows.h"

int state_rows_wanted(const svc_request *rq, json_t *root, int *keep, verr *err)
{
	json_t *v = root ? json_object_get(root, "keep_rows") : NULL;
	const char *q = svc_query_get(rq->query, "keep_rows");

	*keep = 0;
	if (v && !json_is_boolean(v))
		return verr_set(err, E_WRONG_TYPE, "/keep_rows",
				"keep_rows must be true or false");
	if (v)
		*keep = json_is_true(v);
	if (!q)
		return 0;
	if (!strcmp(q, "1") || !strcmp(q, "true"))
		*keep = 1;
	else if (strcmp(q, "0") && strcmp(q, "false"))
		return verr_set(err, E_INVALID_VALUE, "",
				"keep_rows takes 1, true, 0 or false (got "
				"'%s')",
				q);
	return 0;
}

int state_rows_bound(svc *s, double bytes, int64_t held, const char *what,
		     const char *path, verr *err)
{
	int64_t max = s->cfg.max_kept_rows;

	if (max <= 0)
		return verr_set(err, E_TOO_LARGE, path,
				"this server keeps no rows (--max-kept-rows "
				"0); leave keep_rows out");
	if (bytes + (double)held <= (double)max)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"keeping %s would take %.0f bytes (%lld kept already), "
			"over this server's limit of %lld per reference or "
			"stream (--max-kept-rows); send fewer rows or float32",
			what, bytes + (double)held, (long long)held,
			(long long)max);
}

int state_rows_of(const evald_tensor *x, int f32, store_rows *out, void **owned,
		  verr *err)
{
	int64_t n = x->shape[0] * x->shape[1];

	*owned = NULL;
	*out = (store_rows){.esize = f32 ? 4 : 8,
			    .nrows = x->shape[0],
			    .d = x->shape[1],
			    .data = x->data};
	if (!f32)
		return 0;
	float *f = malloc((size_t)(n ? n : 1) * sizeof *f);
	if (!f)
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for the rows to keep");
	for (int64_t i = 0; i < n; i++)
		f[i] = (float)x->data[i];
	out->data = f;
	*owned = f;
	return 0;
}

int state_rows_json_f32(json_t *v)
{
	json_t *dt = json_is_object(v) ? json_object_get(v, "dtype") : NULL;
	return json_is_string(dt) && !strcmp(json_string_value(dt), "float32");
}

void state_rows_report(svc *s, store_kind kind, const char *name, json_t *o)
{
	store_rows_info ri;
	char errbuf[256];
	int rc = store_rows_info_get(s->store, kind, name, &ri, errbuf);

	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		log_msg(LOG_WARN, "event=rows_info_failed name=%s error=%s",
			name, errbuf);
		return;
	}
	json_object_set_new(o, "rows_kept", json_boolean(rc == STORE_OK));
	json_object_set_new(o, "rows_bytes",
			    json_integer(rc == STORE_OK ? ri.bytes : 0));
}

/* The refcache key of the rows of (kind, name): a space is in no name,
 * so it is never a reference's own key. */
static void rows_key(char *buf, size_t len, store_kind kind, const char *name)
{
	snprintf(buf, len, "rows %s %s",
		 kind == STORE_STREAM ? "stream" : "reference", name);
}

void state_rows_forget(svc *s, store_kind kind, const char *name)
{
	char key[200];
	rows_key(key, sizeof key, kind, name);
	refcache_drop(s->refs, key);
}

/* Chunks into one float64 matrix, sized from *ri at the first. */
typedef struct load_ctx {
	const store_rows_info *ri;
	double *dst;
	int64_t got;
	int bad;
} load_ctx;

static int load_chunk(void *ctx, const store_rows *ch)
{
	load_ctx *c = ctx;
	int64_t d = c->ri->d, n = ch->nrows * d;

	if (!c->dst &&
	    !(c->dst = malloc((size_t)(c->ri->nrows * d) * sizeof(double))))
		return c->bad = 2;
	if (ch->d != d || c->got + ch->nrows > c->ri->nrows)
		return c->bad = 1;
	double *o = c->dst + c->got * d;
	if (ch->esize == 4)
		for (int64_t i = 0; i < n; i++)
			o[i] = ((const float *)ch->data)[i];
	else
		memcpy(o, ch->data, (size_t)n * sizeof(double));
	c->got += ch->nrows;
	return 0;
}

/* The refusal for a record that keeps no rows: how to make one that does. */
static int not_kept(const moments_kind *k, const char *name, const char *path,
		    verr *err)
{
	if (k->kind == STORE_STREAM)
		return verr_set(
			err, E_NOT_SUPPORTED, path,
			"stream %s keeps only its moments, and this "
			"metric needs the rows: create the stream with "
			"{\"dim\": d, \"keep_rows\": true} and send its "
			"batches again",
			name);
	return verr_set(
		err, E_NOT_SUPPORTED, path,
		"reference %s keeps only its moments, and this metric "
		"needs the rows: PUT it again with keep_rows (\"keep_rows\": "
		"true in JSON, ?keep_rows=1 with a .npy body)",
		name);
}

/* Read the rows of (k, name) and cache them under key: *e. */
static int load(svc *s, const moments_kind *k, const char *name,
		const char *key, const char *path, refcache_entry **e,
		verr *err)
{
	store_rows_info ri;
	load_ctx c = {.ri = &ri};
	int64_t version = 0;
	char errbuf[256];
	int rc = store_rows_read(s->store, k->kind, name, &version, &ri,
				 load_chunk, &c, errbuf);

	if (rc == STORE_OK && ri.chunks < 0)
		return not_kept(k, name, path, err);
	if (rc == STORE_OK && ri.nrows == 0)
		return verr_set(err, E_EMPTY_INPUT, path,
				"stream %s keeps its rows but has none yet; "
				"send batches first",
				name);
	if (rc == STORE_OK && c.got != ri.nrows)
		c.bad = 1;
	if (rc == STORE_ABORTED || c.bad) {
		free(c.dst);
		if (c.bad == 2)
			return verr_set(err, E_OUT_OF_MEMORY, path,
					"out of memory for the %lld rows of "
					"%s",
					(long long)ri.nrows, name);
		return verr_set(err, E_INTERNAL_ERROR, path,
				"the rows kept with %s do not match their "
				"record; PUT it again",
				name);
	}
	if (rc != STORE_OK) {
		free(c.dst);
		return state_moments_error(k, name, rc, errbuf, path, err);
	}
	*e = refcache_adopt_rows(s->refs, key, version, c.dst, ri.nrows, ri.d);
	if (!*e)
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	return 0;
}

static void release_entry(void *cache, void *entry)
{
	refcache_release(cache, entry);
}

int state_resolve_rows(void *ctx, const char *kind, const char *name,
		       const char *path, pool *pl, evald_tensor *out, verr *err)
{
	svc *s = ctx;
	const moments_kind *k =
		strcmp(kind, "stream") ? &state_refs_kind : &state_streams_kind;
	store_moments m;
	refcache_entry *e;
	char key[200];

	if (state_need_store(s, err) < 0 ||
	    state_moments_read(s, k, name, path, 0, &m, err) < 0)
		return -1;
	rows_key(key, sizeof key, k->kind, name);
	e = refcache_get(s->refs, key, m.version);
	if (!e && load(s, k, name, key, path, &e, err) < 0)
		return -1;
	if (pool_defer(pl, release_entry, s->refs, e) < 0) {
		refcache_release(s->refs, e);
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	}
	int64_t shape[2];
	const double *rows = refcache_rows(e, &shape[0], &shape[1]);
	evald_tensor_init(out, (double *)rows, EVALD_F64, 2, shape);
	return 0;
}
