/* store.c - the store's one interface (store.h) in front of its backends:
 * store_open picks one by the URL's scheme, and every other call goes
 * through the table the backend filled (store_backend.h).  The route
 * handlers never learn which backend serves them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_backend.h"

/* Connections a server's store keeps when the caller does not say. */
#define STORE_DEFAULT_CONNS 4

static int is_pg_url(const char *url)
{
	return !strncmp(url, "postgresql://", 13) ||
	       !strncmp(url, "postgres://", 11);
}

const char *store_url_dir(const char *url)
{
	if (!strncmp(url, "sqlite:", 7))
		return url + 7;
	if (is_pg_url(url) || strstr(url, "://"))
		return NULL;
	return url;
}

void store_url_redact(const char *url, char *buf, size_t len)
{
	const char *at, *colon, *user = strstr(url, "://");
	char *pw;

	snprintf(buf, len, "%s", url);
	if (!user || !is_pg_url(url))
		return;
	user += 3;
	/* user:password@host: the password is between the first ':' and the
	 * '@' of the authority (which ends at the first '/'). */
	at = strchr(user, '@');
	colon = strchr(user, ':');
	if (at && colon && colon < at && !memchr(user, '/', at - user))
		snprintf(buf, len, "%.*s***%s", (int)(colon + 1 - url), url,
			 at);
	/* ...or ?password=... in the query. */
	pw = strstr(buf, "password=");
	if (pw && (pw[-1] == '?' || pw[-1] == '&')) {
		char *copy = strdup(buf);
		size_t head = (size_t)(pw - buf) + 9;
		if (!copy) {
			snprintf(buf, len, "(a PostgreSQL URL)");
			return;
		}
		snprintf(buf, len, "%.*s***%s", (int)head, copy,
			 copy + head + strcspn(copy + head, "&"));
		free(copy);
	}
}

int store_open_conns(const char *url, int conns, store **out, char *errbuf)
{
	const char *dir = store_url_dir(url);
	*out = NULL;
	if (dir) {
		if (!*dir) {
			snprintf(errbuf, 256,
				 "store: sqlite: needs a directory");
			return STORE_ERR;
		}
		return store_sqlite_open(dir, out, errbuf);
	}
	if (is_pg_url(url))
		return store_pg_open(url,
				     conns > 0 ? conns : STORE_DEFAULT_CONNS,
				     out, errbuf);
	snprintf(errbuf, 256,
		 "store: unknown store URL scheme in '%.60s' (sqlite:DIR, "
		 "postgresql://...)",
		 url);
	return STORE_ERR;
}

int store_open(const char *url, store **out, char *errbuf)
{
	return store_open_conns(url, 0, out, errbuf);
}

void store_close(store *st)
{
	if (st)
		st->ops->close(st);
}

int store_ping(store *st, char *errbuf)
{
	return st->ops->ping(st, errbuf);
}

int store_import(store *st, store *src, char *errbuf)
{
	if (!st->ops->import) {
		snprintf(errbuf, 256, "store: a %s store cannot take a copy",
			 st->ops->name);
		return STORE_ERR;
	}
	return st->ops->import(st, src, errbuf);
}

int store_series_append(store *st, const char *series, const store_point *p,
			char *errbuf)
{
	return st->ops->series_append(st, series, p, errbuf);
}

int store_series_list(store *st,
		      int (*fn)(void *ctx, const store_series_info *si),
		      void *ctx, char *errbuf)
{
	return st->ops->series_list(st, fn, ctx, errbuf);
}

int store_series_points(store *st, const char *series, double since,
			int64_t limit,
			int (*fn)(void *ctx, const store_point *p), void *ctx,
			char *errbuf)
{
	return st->ops->series_points(st, series, since, limit, fn, ctx,
				      errbuf);
}

int store_series_latest(store *st,
			void (*fn)(void *ctx, const char *series, int has_value,
				   double value),
			void *ctx, char *errbuf)
{
	return st->ops->series_latest(st, fn, ctx, errbuf);
}

int store_moments_put(store *st, store_moments *m, char *errbuf)
{
	return st->ops->moments_put(st, m, errbuf);
}

int store_moments_create(store *st, store_moments *m, char *errbuf)
{
	return st->ops->moments_create(st, m, errbuf);
}

int store_moments_get(store *st, store_kind kind, const char *name,
		      int with_data, store_moments *m, char *errbuf)
{
	return st->ops->moments_get(st, kind, name, with_data, m, errbuf);
}

int store_moments_list(store *st, store_kind kind,
		       int (*fn)(void *ctx, const store_moments *m), void *ctx,
		       char *errbuf)
{
	return st->ops->moments_list(st, kind, fn, ctx, errbuf);
}

int store_moments_update(store *st, store_kind kind, const char *name,
			 int (*fn)(void *ctx, store_moments *m), void *ctx,
			 char *errbuf)
{
	return st->ops->moments_update(st, kind, name, fn, ctx, errbuf);
}

int store_moments_delete(store *st, store_kind kind, const char *name,
			 char *errbuf)
{
	return st->ops->moments_delete(st, kind, name, errbuf);
}

int store_tally_create(store *st, store_tally *t, char *errbuf)
{
	return st->ops->tally_create(st, t, errbuf);
}

int store_tally_get(store *st, const char *name, int with_data, store_tally *t,
		    char *errbuf)
{
	return st->ops->tally_get(st, name, with_data, t, errbuf);
}

void store_tally_free(store_tally *t)
{
	free(t->params);
	free(t->state);
	t->params = NULL;
	t->state = NULL;
}

int store_tally_list(store *st, int (*fn)(void *ctx, const store_tally *t),
		     void *ctx, char *errbuf)
{
	return st->ops->tally_list(st, fn, ctx, errbuf);
}

int store_tally_update(store *st, const char *name,
		       int (*fn)(void *ctx, store_tally *t), void *ctx,
		       char *errbuf)
{
	return st->ops->tally_update(st, name, fn, ctx, errbuf);
}

int store_tally_delete(store *st, const char *name, char *errbuf)
{
	return st->ops->tally_delete(st, name, errbuf);
}

/* ------------------------------------------------------------ datasets */

int store_dataset_put(store *st, store_dataset *d, char *errbuf)
{
	return st->ops->dataset_put(st, d, errbuf);
}

int store_dataset_get(store *st, const char *name, int with_data,
		      store_dataset *d, char *errbuf)
{
	return st->ops->dataset_get(st, name, with_data, d, errbuf);
}

void store_dataset_free(store_dataset *d)
{
	for (int64_t i = 0; d->cols && i < d->ncols; i++) {
		free(d->cols[i].name);
		free(d->cols[i].data);
		free(d->cols[i].dict);
	}
	free(d->cols);
	d->cols = NULL;
}

int store_dataset_list(store *st, int (*fn)(void *ctx, const store_dataset *d),
		       void *ctx, char *errbuf)
{
	return st->ops->dataset_list(st, fn, ctx, errbuf);
}

int store_dataset_delete(store *st, const char *name, char *errbuf)
{
	return st->ops->dataset_delete(st, name, errbuf);
}

/* ------------------------------------------------------- shared jobs */

int store_jobs_shared(store *st)
{
	return st && st->ops->job_put != NULL;
}

static int no_jobs(store *st, char *errbuf)
{
	snprintf(errbuf, 256, "store: a %s store keeps no shared jobs",
		 st->ops->name);
	return STORE_ERR;
}

int store_job_put(store *st, const store_job *j, int *cancel, char *errbuf)
{
	return st->ops->job_put ? st->ops->job_put(st, j, cancel, errbuf)
				: no_jobs(st, errbuf);
}

int store_job_get(store *st, const char *id, store_job *j, char *errbuf)
{
	return st->ops->job_get ? st->ops->job_get(st, id, j, errbuf)
				: no_jobs(st, errbuf);
}

int store_job_cancel(store *st, const char *id, store_job_state *state,
		     char *errbuf)
{
	return st->ops->job_cancel ? st->ops->job_cancel(st, id, state, errbuf)
				   : no_jobs(st, errbuf);
}

int store_job_delete(store *st, const char *id, char *errbuf)
{
	return st->ops->job_delete ? st->ops->job_delete(st, id, errbuf)
				   : no_jobs(st, errbuf);
}

int store_job_prune(store *st, double before, char *errbuf)
{
	return st->ops->job_prune ? st->ops->job_prune(st, before, errbuf)
				  : no_jobs(st, errbuf);
}

/* ------------------------------------------------------------ names */

static int names_add(store_names *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = 1;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(s))) {
		l->oom = 1;
		return 1;
	}
	l->n++;
	return 0;
}

static int series_name(void *ctx, const store_series_info *si)
{
	return names_add(ctx, si->name);
}

static int moments_name(void *ctx, const store_moments *m)
{
	return names_add(ctx, m->name);
}

static int tally_name(void *ctx, const store_tally *t)
{
	return names_add(ctx, t->name);
}

static int dataset_name(void *ctx, const store_dataset *d)
{
	return names_add(ctx, d->name);
}

static int names_done(store_names *l, int r, char *errbuf)
{
	if (r == STORE_OK && l->oom) {
		snprintf(errbuf, 256, "store: out of memory for a listing");
		return STORE_ERR;
	}
	return r;
}

int store_names_series(store *st, store_names *l, char *errbuf)
{
	return names_done(l, store_series_list(st, series_name, l, errbuf),
			  errbuf);
}

int store_names_moments(store *st, store_kind kind, store_names *l,
			char *errbuf)
{
	return names_done(l,
			  store_moments_list(st, kind, moments_name, l, errbuf),
			  errbuf);
}

void store_names_free(store_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int store_names_tallies(store *st, store_names *l, char *errbuf)
{
	return names_done(l, store_tally_list(st, tally_name, l, errbuf),
			  errbuf);
}

int store_names_datasets(store *st, store_names *l, char *errbuf)
{
	return names_done(l, store_dataset_list(st, dataset_name, l, errbuf),
			  errbuf);
}

int store_rows_info_get(store *st, store_kind kind, const char *name,
			store_rows_info *ri, char *errbuf)
{
	return st->ops->rows_info(st, kind, name, ri, errbuf);
}

int store_rows_read(store *st, store_kind kind, const char *name,
		    int64_t *version, store_rows_info *ri,
		    int (*fn)(void *ctx, const store_rows *chunk), void *ctx,
		    char *errbuf)
{
	return st->ops->rows_read(st, kind, name, version, ri, fn, ctx, errbuf);
}
