/* mstats.h - statistics (n, d, mu, sigma with ddof 1) from whatever a
 * request gives for them: rows (JSON embeddings or a .npy body), ready
 * statistics ({mu, sigma, n?} or a .npz stats file), accumulated moments,
 * or a stored stream.  Every function returns 0, or -1 with err set. */
#ifndef EVALD_MSTATS_H
#define EVALD_MSTATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <evald/moments.h>
#include <evald/tensor.h>

#include "dispatch.h"
#include "verr.h"

struct jsonx_doc;
struct pool;

typedef struct mstats {
	int64_t n; /* rows behind them; 0 when the source does not say */
	int64_t d;
	double *mu, *sigma; /* [d], [d, d], in a pool */
} mstats;

/* What a body gives: rows to take the moments of, or statistics whole. */
typedef struct mstats_src {
	int is_rows;
	evald_tensor rows;	  /* is_rows: the rows as sent, any shape */
	const char *path, *where; /* the rows' place in the request, and
				     their name in a message */
	int rows_f32;		  /* the rows came as float32 */
	mstats st;		  /* !is_rows */
} mstats_src;

/* mu [d] and sigma [d,d] make valid statistics (shape, symmetry): the
 * rule FID applies to its inputs. */
int mstats_check(const evald_tensor *mu, const evald_tensor *sigma,
		 const char *mu_path, const char *sigma_path, verr *err);

/* Rows of this shape can give statistics: a matrix [N, d] with N >= 2,
 * d >= 1 and d at most --max-dim. */
int mstats_check_rows(svc *s, int ndim, const int64_t *shape, const char *path,
		      const char *where, verr *err);

/* The moments of rows x [N, d] into m, set up here (the caller frees it
 * with evald_moments_free, also on failure). */
int mstats_rows_moments(const evald_tensor *x, evald_moments *m,
			const char *path, verr *err);

/* mu and sigma (ddof 1) of accumulated moments with n >= 2, into pl. */
int mstats_of_moments(const evald_moments *m, struct pool *pl, const char *path,
		      mstats *out, verr *err);

/* The statistics of stored stream id (it needs n >= 2), into pl; its d
 * is checked against --max-dim before its d x d comoment is read. */
int mstats_of_stream(svc *s, const char *id, const char *path, struct pool *pl,
		     mstats *out, verr *err);

/* A PUT /v1/references body: JSON {"embeddings"}, {"mu", "sigma", "n"?}
 * or {"stream"} (root in doc; "keep_rows" is the caller's), or a .npy
 * (rows) or .npz (mu and sigma, or an "embeddings" array of rows). */
int mstats_src_json(svc *s, json_t *root, const struct jsonx_doc *doc,
		    struct pool *pl, mstats_src *out, verr *err);
int mstats_src_binary(svc *s, const char *body, size_t len, struct pool *pl,
		      mstats_src *out, verr *err);

#endif
