/* store_backend.h - what a store backend gives store.c: one table of its
 * functions, reached through the first member of its own store record.
 *
 * Each backend's record starts with `store base` (base.ops its table), so
 * store.c calls st->ops->fn(st, ...) and the backend casts st back to its
 * own type.  The functions keep the contract at the top of store.h. */
#ifndef EVALD_STORE_BACKEND_H
#define EVALD_STORE_BACKEND_H

#include "store.h"

typedef struct store_ops {
	const char *name; /* "sqlite", "postgresql": for messages */
	void (*close)(store *st);
	int (*ping)(store *st, char *errbuf);
	int (*series_append)(store *st, const char *series,
			     const store_point *p, char *errbuf);
	int (*series_list)(store *st,
			   int (*fn)(void *ctx, const store_series_info *si),
			   void *ctx, char *errbuf);
	int (*series_points)(store *st, const char *series, double since,
			     int64_t limit,
			     int (*fn)(void *ctx, const store_point *p),
			     void *ctx, char *errbuf);
	int (*series_latest)(store *st,
			     void (*fn)(void *ctx, const char *series,
					int has_value, double value),
			     void *ctx, char *errbuf);
	int (*moments_put)(store *st, store_moments *m, char *errbuf);
	int (*moments_create)(store *st, store_moments *m, char *errbuf);
	int (*moments_get)(store *st, store_kind kind, const char *name,
			   int with_data, store_moments *m, char *errbuf);
	int (*moments_list)(store *st, store_kind kind,
			    int (*fn)(void *ctx, const store_moments *m),
			    void *ctx, char *errbuf);
	int (*moments_update)(store *st, store_kind kind, const char *name,
			      int (*fn)(void *ctx, store_moments *m), void *ctx,
			      char *errbuf);
	int (*moments_delete)(store *st, store_kind kind, const char *name,
			      char *errbuf);
	int (*tally_create)(store *st, store_tally *t, char *errbuf);
	int (*tally_get)(store *st, const char *name, int with_data,
			 store_tally *t, char *errbuf);
	int (*tally_list)(store *st, int (*fn)(void *ctx, const store_tally *t),
			  void *ctx, char *errbuf);
	int (*tally_update)(store *st, const char *name,
			    int (*fn)(void *ctx, store_tally *t), void *ctx,
			    char *errbuf);
	int (*tally_delete)(store *st, const char *name, char *errbuf);
	int (*dataset_put)(store *st, store_dataset *d, char *errbuf);
	int (*dataset_get)(store *st, const char *name, int with_data,
			   store_dataset *d, char *errbuf);
	int (*dataset_list)(store *st,
			    int (*fn)(void *ctx, const store_dataset *d),
			    void *ctx, char *errbuf);
	int (*dataset_delete)(store *st, const char *name, char *errbuf);
	int (*rows_info)(store *st, store_kind kind, const char *name,
			 store_rows_info *ri, char *errbuf);
	int (*rows_read)(store *st, store_kind kind, const char *name,
			 int64_t *version, store_rows_info *ri,
			 int (*fn)(void *ctx, const store_rows *chunk),
			 void *ctx, char *errbuf);
	/* NULL when the backend cannot be a --migrate-from target. */
	int (*import)(store *st, store *src, char *errbuf);
	/* Shared jobs (store.h); all NULL for a backend one process owns. */
	int (*job_put)(store *st, const store_job *j, int *cancel,
		       char *errbuf);
	int (*job_get)(store *st, const char *id, store_job *j, char *errbuf);
	int (*job_cancel)(store *st, const char *id, store_job_state *state,
			  char *errbuf);
	int (*job_delete)(store *st, const char *id, char *errbuf);
	int (*job_prune)(store *st, double before, char *errbuf);
} store_ops;

struct store {
	const store_ops *ops;
};

/* Rows of r that go in one chunk (at least one). */
static inline int64_t store_chunk_rows(const store_rows *r)
{
	int64_t row = r->d * r->esize;
	return row >= STORE_ROWS_CHUNK ? 1 : STORE_ROWS_CHUNK / row;
}

/* The backends' openers, for store.c.  dir: a directory; conninfo: a
 * libpq connection URI; conns: connections to keep (at least 1). */
int store_sqlite_open(const char *dir, store **out, char *errbuf);
int store_pg_open(const char *conninfo, int conns, store **out, char *errbuf);

#endif
