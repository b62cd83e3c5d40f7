/* store.h - the durable state behind the State routes: score series,
 * references (saved statistics) and streams (mergeable moments).
 *
 * The interface is backend-neutral; store.c implements it on SQLite in
 * --data-dir.  Every write returns only after it is durable (WAL with
 * synchronous=FULL), so an answered request survives kill -9.  Functions
 * return 0, STORE_NOTFOUND, STORE_EXISTS, or a failure (STORE_ERR,
 * STORE_FULL for a full disk, STORE_TOOBIG for a value past the backend's
 * size limit) with a message in errbuf (at least 256 bytes).  Calls are
 * thread-safe.  One open store owns its directory: a second store_open of
 * it, from any process, fails with STORE_BUSY until the first is closed. */
#ifndef EVALD_STORE_H
#define EVALD_STORE_H

#include <jansson.h>
#include <stdint.h>

typedef struct store store;

enum {
	STORE_OK = 0,
	STORE_ERR = -1,
	STORE_NOTFOUND = -2,
	STORE_EXISTS = -3,
	STORE_FULL = -4,
	STORE_TOOBIG = -5,  /* a value is larger than the store keeps */
	STORE_BUSY = -6,    /* store_open: another process has the directory */
	STORE_ABORTED = -7, /* store_stream_update: the callback said no */
};

int store_open(const char *dir, store **out, char *errbuf);
void store_close(store *st);

/* ----- series: (series, step?, labels?, value, ts) points */
typedef struct store_point {
	int has_step;
	int64_t step;
	const char *labels; /* JSON object text, or NULL */
	int has_value;	    /* 0: the value was not finite (stored as null) */
	double value;
	double ts; /* Unix seconds */
} store_point;

int store_series_append(store *st, const char *series, const store_point *p,
			char *errbuf);
/* {"series": [{"name", "points", "latest": {...}}]}; new reference. */
/* At most about max_bytes of JSON text (0 = all): the list is cut there,
 * in name order, and {"truncated": true} is added. */
int store_series_list(store *st, int64_t max_bytes, json_t **out, char *errbuf);
/* Points with ts > since (all when since < 0), oldest first, at most
 * limit; *out is an array (new reference). */
int store_series_points(store *st, const char *series, double since,
			int64_t limit, json_t **out, char *errbuf);
/* Latest value of every series, for Prometheus: calls fn per series. */
int store_series_latest(store *st,
			void (*fn)(void *ctx, const char *series, int has_value,
				   double value),
			void *ctx, char *errbuf);

/* ----- references: name -> (n, d, mu[d], sigma[d*d]) */
typedef struct store_ref {
	char name[129];
	double n;
	int64_t d;
	double created;	 /* Unix seconds */
	int64_t version; /* new and random on every put; 0 for references
			    stored before versions existed */
	double *mu;	 /* owned by the caller after store_ref_get */
	double *sigma;
} store_ref;

/* Insert or replace; sets r->version. */
int store_ref_put(store *st, store_ref *r, char *errbuf);
/* with_stats: also fill mu and sigma (malloc'd; caller frees). */
int store_ref_get(store *st, const char *name, int with_stats, store_ref *r,
		  char *errbuf);
int store_ref_list(store *st, json_t **out, char *errbuf);
int store_ref_delete(store *st, const char *name, char *errbuf);

/* ----- streams: id -> (d, n, mean[d], comoment[d*d]) */
typedef struct store_stream {
	char id[33];
	int64_t d;
	double n;
	double created, updated;
	double *mean; /* malloc'd by store_stream_get when asked */
	double *comoment;
} store_stream;

/* id: 32 random hex characters and a NUL. */
int store_stream_create(store *st, int64_t d, char id[33], char *errbuf);
int store_stream_get(store *st, const char *id, int with_moments,
		     store_stream *s, char *errbuf);
/* Read stream id with its moments, let fn change s->n, s->mean and
 * s->comoment in place, and write them back, all in one transaction: no
 * other write to the store, from any thread or process, comes between the
 * read and the write.  fn returns 0 to write, anything else to leave the
 * stream as it was (STORE_ABORTED; fn keeps its own reason in ctx).  fn
 * runs with the store locked, so it should do no more than the merge. */
int store_stream_update(store *st, const char *id,
			int (*fn)(void *ctx, store_stream *s), void *ctx,
			char *errbuf);
int store_stream_delete(store *st, const char *id, char *errbuf);

#endif
