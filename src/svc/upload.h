/* upload.h - a .npy body consumed as it arrives.
 *
 * A set of embeddings sent as application/x-npy to a route that keeps
 * only its moments (a reference, a stream's batch) is never held: rows go
 * into an evald_moments accumulator a block at a time while the rest is
 * still on the wire, so the server's memory is O(d²) whatever N is, and
 * the body is bounded by what it implies (--max-upload bytes of data,
 * --max-dim, --max-work) rather than by --max-body.  The caller (http.c)
 * feeds bytes in whatever pieces they come and ends the upload when the
 * body is complete; the route's finisher turns the moments into the
 * answer.  A route that keeps the rows too (keep_rows) holds them as they
 * arrive, bounded by --max-kept-rows from the header. */
#ifndef EVALD_UPLOAD_H
#define EVALD_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <evald/moments.h>

#include "store.h"
#include "verr.h"

struct svc;
struct svc_query;
struct svc_response;
typedef struct upload upload;

/* What a route does with the rows' moments once they are all in: fill
 * rs with the answer, exactly as for the same rows sent whole.  rows:
 * the rows themselves when the plan kept them, else NULL. */
typedef void (*upload_finish_fn)(struct svc *s, const char *arg,
				 const evald_moments *m, const store_rows *rows,
				 struct svc_response *rs);

/* What the route wants of the rows, decided before the body. */
typedef struct upload_plan {
	int64_t d;     /* the d the rows must have, or -1 for any */
	int keep_rows; /* hold the rows too (keep_rows), as float32 when
			  they are float32, else float64 */
	int64_t kept;  /* bytes kept already, for --max-kept-rows */
} upload_plan;

/* Before any body byte is read: refuse arg (a bad name, an unknown
 * stream) or the query, and fill the plan. */
typedef int (*upload_check_fn)(struct svc *s, const char *arg,
			       const struct svc_query *q, upload_plan *plan,
			       verr *err);

typedef struct upload_route {
	upload_finish_fn finish;
	upload_check_fn check; /* may be NULL */
} upload_route;

/* 1 for the Content-Type a streamed .npy is sent as. */
int upload_is_npy_type(const char *content_type);

/* Start an upload for the route's `arg`; `length` is the Content-Length
 * (-1 for a chunked body).  The caller holds a --max-jobs slot for it.
 * Returns 0 with *out, or -1 with err. */
int upload_new(struct svc *s, const upload_route *r, const char *arg,
	       const struct svc_query *q, int64_t length, upload **out,
	       verr *err);

/* The next n bytes of the body.  0, or -1 with err: the upload is over
 * (the caller answers err and closes the connection). */
int upload_feed(upload *u, const void *data, size_t n, verr *err);

/* The body is complete: the finisher's answer, or the error, in rs. */
void upload_end(upload *u, struct svc_response *rs);

void upload_free(upload *u);

#endif
