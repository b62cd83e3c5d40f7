/* store.h - the durable state behind the State routes: score series and
 * named moments (references: saved statistics; streams: mergeable
 * moments).
 *
 * The interface speaks plain C records only; the handlers (state*.c) turn
 * them into HTTP bodies.  store_open picks the backend from the URL's
 * scheme (store.c): store_sqlite.c, an embedded SQLite database in a
 * directory, or store_pg.c, a PostgreSQL database that several evald
 * processes share.  A third backend is one more file filling the table in
 * store_backend.h, and every backend keeps this contract:
 *
 *  - Durability: a write returns only after it is on stable storage, so
 *    an answered request survives kill -9 of evald and a power cut.
 *  - Atomicity: each call that writes is one transaction; a failed call
 *    changes nothing.  store_moments_update's read, callback and write are
 *    one transaction that no other writer, in any thread or process, can
 *    come between.
 *  - Results: 0 (STORE_OK), STORE_NOTFOUND, STORE_EXISTS, STORE_ABORTED
 *    (see store_moments_update), or a failure (STORE_ERR, STORE_FULL when
 *    out of space, STORE_TOOBIG for a value past the backend's size limit,
 *    STORE_BUSY from store_open, STORE_UNAVAILABLE while a database server
 *    cannot be reached: worth retrying, the call wrote nothing or, when the
 *    connection broke during its commit, may have) with a one-line message
 *    in errbuf (at least 256 bytes).  The handlers map these to HTTP
 *    statuses.
 *  - Threads: every call is safe from any thread at once.  A callback
 *    (fn) may run with the store locked: it must not call the store, and
 *    the pointers in the record it is handed are valid only during the
 *    call.  Listing functions hand fn one record at a time, in the order
 *    stated (names in byte order), and stop (returning STORE_OK) when it
 *    returns nonzero, so a caller bounds its own memory.
 *  - Ownership: an embedded store is owned by one open store: a second
 *    store_open of its directory, from any process, fails with STORE_BUSY
 *    until the first is closed.  A database server's store is shared on
 *    purpose: any number of evald processes may open it at once. */
#ifndef EVALD_STORE_H
#define EVALD_STORE_H

#include <stddef.h>
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
	STORE_ABORTED = -7, /* store_moments_update: fn said no */
	STORE_UNAVAILABLE = -8, /* the database server cannot be reached */
};

/* url: sqlite:DIR or a plain DIR (the embedded store in DIR, which must
 * exist), or a libpq URI postgresql://... or postgres://....  A database
 * server that is down does not fail the open: the store connects when it
 * can, answering STORE_UNAVAILABLE until then.  conns: how many threads
 * may use a server's store at once (connections kept; 0 for a default);
 * store_open is store_open_conns with 0. */
int store_open(const char *url, store **out, char *errbuf);
int store_open_conns(const char *url, int conns, store **out, char *errbuf);
void store_close(store *st);
/* STORE_OK when the store can serve now, else why not (for /readyz). */
int store_ping(store *st, char *errbuf);
/* DIR of a sqlite:DIR URL or a plain DIR, or NULL for another scheme. */
const char *store_url_dir(const char *url);
/* url as it may be logged: a password in it replaced by "***". */
void store_url_redact(const char *url, char *buf, size_t len);
/* Copy every series point and named moments record of src into st,
 * keeping their times and versions and each series' order, as one
 * transaction of st: all or nothing (evald --migrate-from).  STORE_ERR
 * when st's backend cannot take a copy. */
int store_import(store *st, store *src, char *errbuf);

/* ----- series: (series, step?, labels?, value, ts) points */
typedef struct store_point {
	int has_step;
	int64_t step;
	const char *labels; /* JSON object text, or NULL */
	int has_value;	    /* 0: the value was not finite (stored as null) */
	double value;
	double ts; /* Unix seconds */
	/* Optional: an interval around the value (a bootstrap ci95) and the
	 * gate's thresholds it was recorded with; absent when has_* is 0. */
	int has_band;
	double lo, hi;
	int has_fail_above, has_fail_below;
	double fail_above, fail_below;
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

/* ----- named moments: references and streams, one record type.
 *
 * (kind, name) -> (n, d, mean[d], second[d*d]).  A reference's second
 * moment is its covariance sigma (ddof 1), a stream's its comoment
 * sum (x - mean)(x - mean)^T; the kinds are separate namespaces. */
typedef enum store_kind {
	STORE_REFERENCE,
	STORE_STREAM,
} store_kind;

typedef struct store_moments {
	store_kind kind;
	char name[129]; /* a reference's name, a stream's id */
	int64_t n;	/* rows behind the moments; 0 when the source did not
			   say (a reference from a stats file) */
	int64_t d;
	double created, updated; /* Unix seconds */
	int64_t version;	 /* new and random on every write; 0 for rows
				    from before versions existed */
	double *mean;		 /* [d]; malloc'd by store_moments_get when
				    asked, then the caller's */
	double *second;		 /* [d*d], as mean */
	/* Rows kept with the moments (keep_rows).  put: the rows to keep
	 * (NULL: none, and any kept before are dropped); create: non-NULL
	 * (nrows 0) makes a record that keeps the rows of its updates;
	 * update: fn may point it at rows to append when rows_kept.  The
	 * store does not own them. */
	const struct store_rows *rows;
	int rows_kept;	    /* update: set before fn, with rows_bytes */
	int64_t rows_bytes; /* bytes of the rows kept so far */
} store_moments;

/* Insert or replace (m->kind, m->name) with m's n, d, mean and second;
 * sets m->created, m->updated and m->version. */
int store_moments_put(store *st, store_moments *m, char *errbuf);
/* Insert empty moments (n 0, zero mean and second) of dimension m->d
 * under a fresh name of 32 random hex characters, written to m->name;
 * sets the times and the version. */
int store_moments_create(store *st, store_moments *m, char *errbuf);
/* with_data: also fill mean and second (malloc'd; caller frees). */
int store_moments_get(store *st, store_kind kind, const char *name,
		      int with_data, store_moments *m, char *errbuf);
/* fn for every record of kind, in name order, without mean and second
 * (NULL), until it returns nonzero. */
int store_moments_list(store *st, store_kind kind,
		       int (*fn)(void *ctx, const store_moments *m), void *ctx,
		       char *errbuf);
/* Read (kind, name) with its data, let fn change m->n, m->mean and
 * m->second in place, and write them back (a new version and updated
 * time), all in one transaction: no other write to the store, from any
 * thread or process, comes between the read and the write.  fn returns 0
 * to write, anything else to leave the record as it was (STORE_ABORTED;
 * fn keeps its own reason in ctx).  fn runs with the store locked, so it
 * should do no more than the merge. */
int store_moments_update(store *st, store_kind kind, const char *name,
			 int (*fn)(void *ctx, store_moments *m), void *ctx,
			 char *errbuf);
int store_moments_delete(store *st, store_kind kind, const char *name,
			 char *errbuf);

/* ----- rows kept with named moments: rows_sets and their chunks.
 *
 * A record that keeps its rows has them in chunks of whole rows, each at
 * most STORE_ROWS_CHUNK bytes (both engines refuse a value past 1 GB),
 * written in the same transaction as the moments they belong to, and
 * deleted with them.  Values are float32 or float64 in host order, as
 * they were sent; a record's chunks may mix the two (a stream's batches). */
typedef struct store_rows {
	int esize; /* bytes of one value: 4 (float32) or 8 (float64) */
	int64_t nrows, d;
	const void *data; /* nrows x d values, row-major */
} store_rows;

typedef struct store_rows_info {
	int64_t d, nrows, bytes, chunks;
} store_rows_info;

#define STORE_ROWS_CHUNK ((int64_t)64 << 20)

/* What (kind, name) keeps: STORE_NOTFOUND when it keeps no rows or does
 * not exist. */
int store_rows_info_get(store *st, store_kind kind, const char *name,
			store_rows_info *ri, char *errbuf);
/* The rows of (kind, name), chunk by chunk in order, to fn (until it
 * returns nonzero: STORE_ABORTED), read in one snapshot with the version
 * of the moments they belong to (*version) and *ri, which is known before
 * the first chunk.  STORE_NOTFOUND when the record does not exist; a
 * record that keeps no rows has ri->chunks -1 and fn is not called. */
int store_rows_read(store *st, store_kind kind, const char *name,
		    int64_t *version, store_rows_info *ri,
		    int (*fn)(void *ctx, const store_rows *chunk), void *ctx,
		    char *errbuf);

/* ----- tallies: named accumulating scores (state_tallies.c).
 *
 * name -> (kind, params, n, state[size]).  kind and params (the canonical
 * JSON text of its creation parameters) say what the doubles of state
 * mean; the store only keeps them.  A tally's empty state is all zeros,
 * and store_tally_create writes it as an empty value that reads back as
 * zeros, so a small request does not make the store write a large one. */
typedef struct store_tally {
	char name[129];
	char kind[33];
	char *params; /* JSON text: the caller's for create; malloc'd by get;
			 valid during a listing's callback */
	int64_t n;    /* samples added */
	int64_t size; /* doubles in state */
	double created, updated; /* Unix seconds */
	int64_t version;	 /* new and random on every write */
	double *state;		 /* [size]; malloc'd by get when asked */
} store_tally;

/* Insert t (n 0, zero state) under t->name: STORE_EXISTS when the name is
 * taken.  Sets the times and the version. */
int store_tally_create(store *st, store_tally *t, char *errbuf);
/* with_data: also fill state.  The caller store_tally_frees t. */
int store_tally_get(store *st, const char *name, int with_data, store_tally *t,
		    char *errbuf);
void store_tally_free(store_tally *t);
/* fn for every tally, in name order, without state, until it returns
 * nonzero. */
int store_tally_list(store *st, int (*fn)(void *ctx, const store_tally *t),
		     void *ctx, char *errbuf);
/* As store_moments_update: read name with its state, let fn change
 * t->n and t->state in place, write them back, in one transaction that
 * no other writer comes between. */
int store_tally_update(store *st, const char *name,
		       int (*fn)(void *ctx, store_tally *t), void *ctx,
		       char *errbuf);
int store_tally_delete(store *st, const char *name, char *errbuf);

/* ----- datasets: named tables for drift reports (state_datasets.c).
 *
 * name -> (n_rows, n_kept, max_rows, seed, sampled, columns), one row per
 * dataset and one per column, each column one value: a column of numbers
 * is n_kept doubles in host order (NaN: missing, as the service refuses
 * NaN in a table it stores), a column of strings n_kept int32 codes (-1:
 * missing) into its dictionary, the distinct strings each ended by a NUL,
 * in code order.  A column of nothing but missing values is stored as
 * numbers.  A put replaces the whole dataset in one transaction. */
typedef struct store_dcol {
	char *name;	   /* put: the caller's; get: malloc'd */
	int type;	   /* 0: as its values say, 1 numeric, 2 categorical */
	int strings;	   /* 1: codes and dict; 0: numbers; -1: all missing */
	int64_t n_missing; /* of the n_kept values */
	void *data;	   /* get with_data: malloc'd, NULL otherwise */
	int64_t data_bytes;
	char *dict; /* as data; empty for numbers */
	int64_t dict_bytes;
} store_dcol;

typedef struct store_dataset {
	char name[129];
	int64_t n_rows;	  /* rows the PUT sent */
	int64_t n_kept;	  /* rows stored: at most max_rows */
	int64_t max_rows; /* the reservoir's size */
	uint64_t seed;	  /* the reservoir's seed */
	int sampled;	  /* n_rows > max_rows: the kept rows are a sample */
	int64_t ncols;
	int64_t bytes;	  /* of the columns' values and dictionaries */
	double created;	  /* Unix seconds */
	int64_t version;  /* new and random on every put */
	store_dcol *cols; /* [ncols] in the table's order; put: the caller's;
			     get: malloc'd; list: NULL */
} store_dataset;

/* Insert or replace d->name with d's columns; sets d->created and
 * d->version. */
int store_dataset_put(store *st, store_dataset *d, char *errbuf);
/* d with its columns' names and types; with_data: their values too.  The
 * caller store_dataset_frees d. */
int store_dataset_get(store *st, const char *name, int with_data,
		      store_dataset *d, char *errbuf);
void store_dataset_free(store_dataset *d);
/* fn for every dataset, in name order, without columns, until it returns
 * nonzero. */
int store_dataset_list(store *st, int (*fn)(void *ctx, const store_dataset *d),
		       void *ctx, char *errbuf);
int store_dataset_delete(store *st, const char *name, char *errbuf);

/* ----- names, for a caller that calls the store once per record (a
 * listing's callback may not call the store) */
typedef struct store_names {
	char **v;
	size_t n, cap;
	int oom;
} store_names;

/* Every series name, or every record name of kind, or every tally or
 * dataset name, in listing order, into l (store_names_free it); running out of
 * memory is STORE_ERR. */
int store_names_series(store *st, store_names *l, char *errbuf);
int store_names_tallies(store *st, store_names *l, char *errbuf);
int store_names_datasets(store *st, store_names *l, char *errbuf);
int store_names_moments(store *st, store_kind kind, store_names *l,
			char *errbuf);
void store_names_free(store_names *l);

/* ----- jobs shared by the replicas of one store
 *
 * A backend several evald processes share (PostgreSQL) keeps every async
 * job here, so that any replica answers GET and DELETE /v1/jobs/{id} for
 * a job another one runs.  The replica running a job renews its lease;
 * a job whose lease has run out belongs to a replica that died.  A
 * backend only one process opens (SQLite) keeps none: store_jobs_shared
 * is 0 and the other functions answer STORE_ERR. */
typedef enum store_job_state {
	STORE_JOB_QUEUED,
	STORE_JOB_RUNNING,
	STORE_JOB_DONE,
	STORE_JOB_FAILED,
	STORE_JOB_CANCELLED,
} store_job_state;

typedef struct store_job {
	char id[33];
	char label[64];
	store_job_state state;
	double progress;    /* 0..1 */
	double created;	    /* Unix seconds */
	double lease_until; /* Unix seconds; past it, its replica is gone */
	int cancel;	    /* asked for, through any replica */
	/* JSON text: the result of a done job, the error of a failed one,
	 * else NULL.  Filled (malloc'd) by store_job_get; the caller's. */
	char *result;
} store_job;

int store_jobs_shared(store *st);
/* Insert or update j.  Its cancel flag is only ever raised, never
 * cleared; *cancel (when not NULL) gets the stored flag, so the replica
 * running a job learns of a DELETE made through another.  A job already
 * finished (done, failed, cancelled) is left as it is. */
int store_job_put(store *st, const store_job *j, int *cancel, char *errbuf);
int store_job_get(store *st, const char *id, store_job *j, char *errbuf);
/* Raise id's cancel flag; *state gets the job's state. */
int store_job_cancel(store *st, const char *id, store_job_state *state,
		     char *errbuf);
int store_job_delete(store *st, const char *id, char *errbuf);
/* Forget the finished jobs last written before `before` (Unix s). */
int store_job_prune(store *st, double before, char *errbuf);

#endif
