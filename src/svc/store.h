/* store.h - the durable state behind the State routes: score series,
 * references (saved statistics) and streams (mergeable moments).
 *
 * The interface speaks plain C records only; the handlers (state*.c) turn
 * them into HTTP bodies.  store.c is the SQLite backend in --data-dir; a
 * second backend is one more file defining every function below, and
 * every backend keeps this contract:
 *
 *  - Durability: a write returns only after it is on stable storage, so
 *    an answered request survives kill -9 of evald and a power cut.
 *  - Atomicity: each call that writes is one transaction; a failed call
 *    changes nothing.  store_stream_update's read, callback and write are
 *    one transaction that no other writer, in any thread or process, can
 *    come between.
 *  - Results: 0 (STORE_OK), STORE_NOTFOUND, STORE_EXISTS, STORE_ABORTED
 *    (see store_stream_update), or a failure (STORE_ERR, STORE_FULL when
 *    out of space, STORE_TOOBIG for a value past the backend's size limit,
 *    STORE_BUSY from store_open) with a one-line message in errbuf (at
 *    least 256 bytes).  The handlers map these to HTTP statuses.
 *  - Threads: every call is safe from any thread at once.  A callback
 *    (fn) may run with the store locked: it must not call the store, and
 *    the pointers in the record it is handed are valid only during the
 *    call.  Listing functions hand fn one record at a time, in the order
 *    stated, and stop (returning STORE_OK) when it returns nonzero, so a
 *    caller bounds its own memory.
 *  - Ownership: one open store owns its data: a second store_open of it,
 *    from any process, fails with STORE_BUSY until the first is closed. */
#ifndef EVALD_STORE_H
#define EVALD_STORE_H

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

typedef struct store_series_info {
	const char *name;
	int64_t points;	    /* how many the series holds */
	store_point latest; /* the one appended last */
} store_series_info;

/* fn for every series, in name order, until it returns nonzero. */
int store_series_list(store *st,
		      int (*fn)(void *ctx, const store_series_info *si),
		      void *ctx, char *errbuf);
/* fn for each point of series with ts > since (all when since < 0),
 * oldest first, at most limit of them, until it returns nonzero.
 * STORE_NOTFOUND when since < 0 and the series has no point. */
int store_series_points(store *st, const char *series, double since,
			int64_t limit,
			int (*fn)(void *ctx, const store_point *p), void *ctx,
			char *errbuf);
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
/* fn for every reference, in name order, without mu and sigma (NULL),
 * until it returns nonzero. */
int store_ref_list(store *st, int (*fn)(void *ctx, const store_ref *r),
		   void *ctx, char *errbuf);
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
