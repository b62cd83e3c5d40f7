/* codec.h - tensors between JSON and libevald.
 *
 * Decoding accepts the contract's two forms (nested arrays or a bare
 * number; packed {"dtype","shape","data"}) plus the parser's number blobs,
 * and always yields a contiguous float64 tensor allocated in the request
 * pool.  Encoding writes doubles so they round-trip (17 digits). */
#ifndef EVALD_CODEC_H
#define EVALD_CODEC_H

#include <jansson.h>

#include <evald/confusion.h>
#include <evald/tensor.h>

#include "jsonx.h"
#include "pool.h"
#include "verr.h"

/* What {"reference": name} or {"stream": id} names: mu [d] and sigma
 * [d,d] in the pool, or, for a reference, its prepared form (prep, kept
 * alive until the pool is freed; mu points into it, sigma is empty). */
struct evald_fid_ref;
typedef struct codec_stats {
	evald_tensor mu, sigma;
	double n; /* rows behind the statistics, 0 when unknown */
	const struct evald_fid_ref *prep;
} codec_stats;

/* kind is "reference" or "stream". */
typedef int (*codec_resolver)(void *ctx, const char *kind, const char *name,
			      const char *path, pool *pl, codec_stats *out,
			      verr *err);

/* The float64 rows [N, d] a reference or stream keeps, for an input that
 * takes them (kept alive until pl is freed; not to be written). */
typedef int (*codec_rows_resolver)(void *ctx, const char *kind,
				   const char *name, const char *path, pool *pl,
				   evald_tensor *out, verr *err);

typedef struct codec_ctx {
	const jsonx_doc *doc;	/* for blobs; may be NULL */
	pool *pool;		/* where decoded data goes */
	int64_t max_elems;	/* per tensor; 0 = unlimited */
	codec_resolver resolve; /* NULL: names are not supported */
	void *resolve_ctx;
	codec_rows_resolver resolve_rows; /* NULL: kept rows are not */
} codec_ctx;

/* A context over doc (NULL: none) whose decoded data goes to a fresh
 * pool bounded by budget bytes (--max-decoded), with max_elems per
 * tensor: 0, or -1 with err set when out of memory.  The caller frees
 * cx->pool (NULL after a failure). */
int codec_ctx_open(codec_ctx *cx, const jsonx_doc *doc, int64_t max_elems,
		   int64_t budget, verr *err);

/* Decode v (at JSON Pointer `path`) into *out.  Non-finite values are a
 * 422 "non_finite" naming the element. */
int codec_tensor(const codec_ctx *cx, json_t *v, const char *path,
		 evald_tensor *out, verr *err);

/* A packed tensor of int64, int32 or uint8 decoded as the integers it
 * holds (into the pool, against the decoding budget), for labels counted
 * as sent: 1 with *out, *ndim and shape[EVALD_MAX_DIMS] filled, 0 when v
 * is anything else (decode it with codec_tensor), -1 with err. */
int codec_labels(const codec_ctx *cx, json_t *v, const char *path,
		 evald_labels *out, int *ndim, int64_t *shape, verr *err);

/* Receives `nrows` consecutive rows (dtype EVALD_F32 or EVALD_F64,
 * little-endian host order) of a matrix; returns 0 or -1 with err set. */
typedef int (*codec_row_sink)(void *ctx, const void *rows, evald_dtype dt,
			      int64_t nrows, verr *err);

/* Decode a matrix [N, d] and stream its rows to `sink`, in blocks of about
 * 8 MB: a packed float32 or float64 tensor is never held whole (its rows
 * go from base64 to the sink), so moments of any size cost a bounded
 * buffer.  Sets *nrows and *ncols (known before the first sink call for
 * packed tensors). */
int codec_rows(const codec_ctx *cx, json_t *v, const char *path, int64_t *nrows,
	       int64_t *ncols, codec_row_sink sink, void *ctx, verr *err);

/* A finite number (integer or real), rejecting NaN/Inf blobs. */
int codec_number(const codec_ctx *cx, json_t *v, const char *path, double *out,
		 verr *err);

/* Nested JSON arrays of `v` shaped like `shape`; non-finite values become
 * null and set *nonfinite.  New reference, NULL on allocation failure. */
json_t *codec_array_json(const double *v, int ndim, const int64_t *shape,
			 int *nonfinite);

/* json_real or null for a non-finite value (sets *nonfinite). */
json_t *codec_real_json(double v, int *nonfinite);

/* jansson's compact 17-digit text, which measures a result before it is
 * sent (dispatch.c): never shorter than what jsonout writes. */
#define CODEC_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

#endif
